/*
 * The backup password (SPEC 6): from a file (--password-file), standard input
 * (--password-stdin), or a no-echo prompt when standard input and standard error are a
 * terminal; never from the command line. It is read with read(2) only (no stdio buffer keeps a
 * copy), one trailing newline (LF or CR LF) is not part of it, and every buffer that held it is
 * wiped with bs_backup_crypto_cleanse. The prompt turns echo off and restores the terminal on every
 * path out, also when a signal arrives while it waits (the signal is then delivered as usual).
 *
 * It is asked for only when the source turns out to be an encrypted backup: these functions
 * plug into struct bs_scan_password_source.
 */
#ifndef BS_CLI_PASSWORD_H
#define BS_CLI_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/status.h"

struct cli_password {
    const char *file_path; /* --password-file; "-" is standard input */
    bool from_stdin;       /* --password-stdin */
    bool show_progress;    /* key-derivation progress on stderr (a terminal, no --quiet) */
    double derivation_started_seconds;
};

/* Fits bs_scan_password_source.read; context is a struct cli_password. Writes at most capacity
 * bytes. BS_ERR_PASSWORD, with a message that says what to do, when there is no password to
 * read (no option and no terminal to prompt on; an unreadable, empty or over-long
 * file or input); BS_ERR_INTERRUPTED when the prompt was interrupted by a signal that did not
 * end the process. */
enum bs_status cli_password_read(char *password, size_t capacity, size_t *length, void *context,
                                 struct bs_error *err);

/* Fits bs_scan_password_source.on_key_derivation: "deriving the backup key (N iterations; a
 * few seconds)..." on stderr, then "done (T s)", when context->show_progress. */
void cli_password_on_key_derivation(bool is_finished, uint32_t sha256_iterations,
                                    uint32_t sha1_iterations, void *context);

#endif
