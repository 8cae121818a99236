/*
 * Command-line options: getopt_long into struct cli_options, with --help and --version text.
 */
#ifndef BS_CLI_OPTIONS_H
#define BS_CLI_OPTIONS_H

#include <stdbool.h>

#include "core/model/model.h"

struct cli_options {
    const char *source_path;
    const char *csv_path;    /* --csv; "-" is stdout; NULL when not asked */
    const char *signal_path; /* --signal */
    const char *json_path;   /* --json */
    const char *html_path;   /* --html */
    bool redact;             /* --redact: pseudonyms for every name and id */
    bool all_threads;        /* --all */
    bool has_fail_on;
    enum bs_risk fail_on; /* --fail-on */
    struct bs_date since; /* --since */
    const char *country;  /* --country, lower-case ISO code */
    bool quiet;           /* --quiet: no progress */
    bool show_help;
    bool show_version;

    const char *contacts_path; /* --contacts: a contact book naming people */
    const char *compare_path;  /* --compare: a JSON report of an earlier scan */

    const char *password_file; /* --password-file: an encrypted backup's password */
    bool password_stdin;       /* --password-stdin */
};

/* Exit status of SPEC 5. */
enum cli_exit {
    CLI_EXIT_OK = 0,
    CLI_EXIT_RISK_FOUND = 1,
    CLI_EXIT_USAGE = 2,
    CLI_EXIT_SOURCE = 3,
    CLI_EXIT_PASSWORD = 4,
    CLI_EXIT_OUTPUT = 5
};

/* Parses argv into *options. On a usage error prints one line on stderr and returns false. */
bool cli_options_parse(int argc, char **argv, struct cli_options *options);

/* The --help text on stdout. */
void cli_options_print_help(void);

#endif
