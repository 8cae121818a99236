/* stderr diagnostics of diag.h. */
#include "cli/diag.h"

#include <stdarg.h>
#include <stdio.h>

#include "core/base/text.h"

/* The attribute lets clang check callers' formats (-Wformat-nonliteral under -Werror). */
static void emit(const char *level, const char *fmt, va_list args) BS_PRINTF(2, 0);

static void emit(const char *level, const char *fmt, va_list args)
{
    struct bs_strbuf safe = {0};
    char line[2048]; /* longer lines are cut: a diagnostic names a path and says one thing */
    if (vsnprintf(line, sizeof(line), fmt, args) >= 0) {
        bs_strbuf_append_safe(&safe, line);
    }
    (void)fprintf(stderr, "bubblescan: %s: %s\n", level, bs_strbuf_str(&safe));
    bs_strbuf_free(&safe);
}

void cli_error(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    emit("error", fmt, args);
    va_end(args);
}

void cli_warning(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    emit("warning", fmt, args);
    va_end(args);
}

void cli_note(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    emit("note", fmt, args);
    va_end(args);
}
