/*
 * One run of the command: scan the source, write the outputs atomically, print the summary,
 * and map every outcome to the exit status of SPEC 5.
 */
#ifndef BS_CLI_RUN_H
#define BS_CLI_RUN_H

#include "cli/options.h"

/* Returns the process exit status. */
int cli_run(const struct cli_options *options);

#endif
