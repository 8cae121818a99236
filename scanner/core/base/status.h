/*
 * Status codes and the error record every fallible core function fills.
 *
 * Core functions return an enum bs_status and take an optional struct bs_error * as their
 * last parameter. Each layer prefixes context on the way up ("reading sms.db: ..."), so the
 * CLI can print one line that says what went wrong where. Core never prints or exits.
 */
#ifndef BS_CORE_STATUS_H
#define BS_CORE_STATUS_H

#include <stdarg.h>

#if defined(__GNUC__)
#define BS_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#else
#define BS_PRINTF(fmt_index, first_arg)
#endif

enum bs_status {
    BS_OK = 0,
    BS_ERR_NOMEM,       /* allocation failed */
    BS_ERR_IO,          /* a file could not be read or written */
    BS_ERR_NOT_FOUND,   /* the file or table does not exist */
    BS_ERR_FORMAT,      /* input is corrupt or not what it claims to be */
    BS_ERR_UNSUPPORTED, /* a valid input this version cannot read */
    BS_ERR_LIMIT,       /* input exceeds a limit of core/limits.h */
    BS_ERR_UNSAFE,      /* a path or link that would leave the evidence folder */
    BS_ERR_PASSWORD,    /* encrypted input: no password, or the wrong one */
    BS_ERR_INTERRUPTED, /* stopped by the caller (signal) */
    BS_ERR_INTERNAL     /* a bug: an invariant did not hold */
};

struct bs_error {
    enum bs_status status;
    char message[512]; /* NUL-terminated, one line, no trailing period */
};

/* Sets err (may be NULL) to status and a printf-formatted message; returns status. */
enum bs_status bs_error_set(struct bs_error *err, enum bs_status status, const char *fmt, ...)
    BS_PRINTF(3, 4);

/* Prepends "context: " to err's message (err may be NULL). Status is kept. */
void bs_error_prefix(struct bs_error *err, const char *fmt, ...) BS_PRINTF(2, 3);

/* Clears err to BS_OK and an empty message (err may be NULL). */
void bs_error_clear(struct bs_error *err);

/* A short lower-case name of a status, for tests and logs. Static string. */
const char *bs_status_name(enum bs_status status);

#endif
