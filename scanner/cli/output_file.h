/*
 * Output files written atomically: a temporary file (mode 0600) in the target's folder,
 * renamed into place only when every output of the run has been written. "-" is stdout.
 */
#ifndef BS_CLI_OUTPUT_FILE_H
#define BS_CLI_OUTPUT_FILE_H

#include <stdbool.h>
#include <stdio.h>

struct cli_output {
    const char *target; /* the path asked for, or "-" */
    char *temp_path;    /* owned; NULL for stdout */
    FILE *stream;       /* open while writing */
};

/* Opens a temporary file beside target (or stdout for "-"). Prints the error and returns
 * false on failure. */
bool cli_output_open(struct cli_output *output, const char *target);

/* Flushes and closes the stream (fsync for files). Prints the error and returns false when
 * anything was not written. */
bool cli_output_finish(struct cli_output *output);

/* Renames the finished temporary file onto its target. */
bool cli_output_commit(struct cli_output *output);

/* Removes an uncommitted temporary file and frees what output owns. NULL-safe. */
void cli_output_discard(struct cli_output *output);

#endif
