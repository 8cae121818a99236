/*
 * Outputs never land on the evidence: before anything is read, every output path is checked
 * against the source (the database file, or every file of a backup folder), the --contacts
 * book and the --password-file. An output that is one of those files, that would appear
 * beside a database as its -wal, -shm or -journal, or that would be written inside the backup
 * folder being scanned (its temporary file too) is refused as a usage error (SPEC 2: "never
 * write to it").
 */
#ifndef BS_CLI_OUTPUT_GUARD_H
#define BS_CLI_OUTPUT_GUARD_H

#include <stdbool.h>

#include "cli/options.h"

/* True when every output of options spares the evidence; otherwise prints one error line
 * naming the output and why, and returns false (exit CLI_EXIT_USAGE). A source that cannot be
 * examined is left to the scan to report. */
bool cli_outputs_spare_evidence(const struct cli_options *options);

#endif
