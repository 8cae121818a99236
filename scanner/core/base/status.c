/* Status names and the error record's formatting helpers (see status.h). */
#include "core/base/status.h"

#include <stdio.h>
#include <string.h>

enum bs_status bs_error_set(struct bs_error *err, enum bs_status status, const char *fmt, ...)
{
    if (err == NULL) {
        return status;
    }
    err->status = status;
    va_list args;
    va_start(args, fmt);
    int written = vsnprintf(err->message, sizeof(err->message), fmt, args);
    va_end(args);
    if (written < 0) {
        err->message[0] = '\0';
    }
    return status;
}

void bs_error_prefix(struct bs_error *err, const char *fmt, ...)
{
    if (err == NULL) {
        return;
    }
    char context[sizeof(err->message)];
    va_list args;
    va_start(args, fmt);
    int written = vsnprintf(context, sizeof(context), fmt, args);
    va_end(args);
    if (written < 0) {
        return;
    }
    /* Room for both parts, then truncated to the message size: the tail is the least
     * useful part of a long chain. */
    char joined[2 * sizeof(err->message) + 2];
    (void)snprintf(joined, sizeof(joined), "%s: %s", context, err->message);
    memcpy(err->message, joined, sizeof(err->message) - 1);
    err->message[sizeof(err->message) - 1] = '\0';
}

void bs_error_clear(struct bs_error *err)
{
    if (err != NULL) {
        err->status = BS_OK;
        err->message[0] = '\0';
    }
}

const char *bs_status_name(enum bs_status status)
{
    switch (status) {
    case BS_OK:
        return "ok";
    case BS_ERR_NOMEM:
        return "out of memory";
    case BS_ERR_IO:
        return "i/o error";
    case BS_ERR_NOT_FOUND:
        return "not found";
    case BS_ERR_FORMAT:
        return "bad format";
    case BS_ERR_UNSUPPORTED:
        return "unsupported";
    case BS_ERR_LIMIT:
        return "over limit";
    case BS_ERR_UNSAFE:
        return "unsafe path";
    case BS_ERR_PASSWORD:
        return "password";
    case BS_ERR_INTERRUPTED:
        return "interrupted";
    case BS_ERR_INTERNAL:
        return "internal error";
    }
    return "unknown";
}
