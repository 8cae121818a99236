/*
 * Diagnostics on stderr: "bubblescan: error: ...", "bubblescan: note: ...". One line each;
 * untrusted text in them is escaped so nothing from the source reaches the terminal raw.
 */
#ifndef BS_CLI_DIAG_H
#define BS_CLI_DIAG_H

#include "core/base/status.h"

void cli_error(const char *fmt, ...) BS_PRINTF(1, 2);
void cli_warning(const char *fmt, ...) BS_PRINTF(1, 2);
void cli_note(const char *fmt, ...) BS_PRINTF(1, 2);

#endif
