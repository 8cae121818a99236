/*
 * What must disappear if the run stops: output files being written and the private copy of
 * a database. SIGINT and SIGTERM remove them (async-signal-safe: only unlink and rmdir on
 * paths composed beforehand) and then end the process with the same signal.
 */
#ifndef BS_CLI_CLEANUP_H
#define BS_CLI_CLEANUP_H

#include <signal.h>
#include <stdbool.h>

/* Installs the SIGINT/SIGTERM handlers. */
void cli_cleanup_install(void);

/* Raised by the handlers; the core's long queries watch it. */
extern volatile sig_atomic_t cli_interrupted;

/* Registers a file to unlink on a signal; false when the table is full (the caller then
 * refuses to create the file). cli_cleanup_forget removes it again (it was renamed or
 * removed normally). */
bool cli_cleanup_add_file(const char *path);
void cli_cleanup_forget_file(const char *path);

/* Registers the private folder of sqlite_db.h (its fixed file names are removed, then the
 * folder). Signature fits bs_sqlite_open_options.on_private_dir. */
void cli_cleanup_add_private_dir(const char *path, void *context);

#endif
