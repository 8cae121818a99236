/* bubblescan: the command-line entry point. Parses options and hands over to cli_run. */
#include <stdio.h>

#include "cli/options.h"
#include "cli/run.h"

int main(int argc, char **argv)
{
    struct cli_options options;
    if (!cli_options_parse(argc, argv, &options)) {
        return CLI_EXIT_USAGE;
    }
    if (options.show_help) {
        cli_options_print_help();
        return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_OUTPUT;
    }
    if (options.show_version) {
        printf("bubblescan %s\n", BS_VERSION);
        return fflush(stdout) == 0 ? CLI_EXIT_OK : CLI_EXIT_OUTPUT;
    }
    return cli_run(&options);
}
