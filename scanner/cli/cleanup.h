/*
 * What must disappear if the run is stopped by SIGINT, SIGTERM or SIGHUP: output files being
 * written and the private copies the core registered (scan.h on_private_path). The run ends
 * with status 128 + the signal's number (130, 143, 129).
 *
 * While the core is working and watching cli_interrupted (cli_cleanup_watch(true)), the first
 * signal only raises the flag: the scan stops at its next batch of rows, removes what it
 * created and returns BS_ERR_INTERRUPTED, and the run ends through its normal path. Otherwise
 * (writing outputs, or a second signal) the handler removes every registered path itself
 * (async-signal-safe: only unlink and rmdir on paths copied beforehand) and calls _exit.
 */
#ifndef BS_CLI_CLEANUP_H
#define BS_CLI_CLEANUP_H

#include <signal.h>
#include <stdbool.h>

/* Installs the SIGINT/SIGTERM/SIGHUP handlers. */
void cli_cleanup_install(void);

/* Raised by the first signal while the core watches it; the core's long loops stop on it. */
extern volatile sig_atomic_t cli_interrupted;

/* Whether the core is running and watching cli_interrupted (see the file comment). */
void cli_cleanup_watch(bool is_watched);

/* The exit status of a run stopped by the signal that raised cli_interrupted: 128 + its
 * number. */
int cli_cleanup_exit_status(void);

/* Registers a file to unlink on a signal; false when the table is full (the caller then
 * refuses to create the file). cli_cleanup_forget_file removes it again (it was renamed or
 * removed normally). */
bool cli_cleanup_add_file(const char *path);
void cli_cleanup_forget_file(const char *path);

/* The scan's on_private_path (scan.h): registers path, or forgets it when is_removed. A path
 * that does not fit the table is not removed on a signal (there are at most a handful). */
void cli_cleanup_on_private_path(const char *path, bool is_removed, void *context);

#endif
