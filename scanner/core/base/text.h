/*
 * Bounded string helpers: a growable byte buffer, overflow-checked array growth, and
 * copies that never exceed BS_MAX_STRING_BYTES. All allocation in core goes through here or
 * plain malloc/calloc/free; nothing aborts on out-of-memory.
 */
#ifndef BS_CORE_TEXT_H
#define BS_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/status.h"

/* A growable, always NUL-terminated byte string. Zero-initialise, append, then
 * bs_strbuf_free. After an allocation failure the buffer keeps what it had and
 * `failed` is set; later appends are ignored, so callers may check once at the end. */
struct bs_strbuf {
    char *data; /* owned; NULL until the first append */
    size_t length;
    size_t capacity;
    bool failed;
};

void bs_strbuf_append(struct bs_strbuf *buf, const char *bytes, size_t length);
void bs_strbuf_append_str(struct bs_strbuf *buf, const char *text);
void bs_strbuf_appendf(struct bs_strbuf *buf, const char *fmt, ...) BS_PRINTF(2, 3);
/* The content, or "" when empty. Borrowed; valid until the next append or free. */
const char *bs_strbuf_str(const struct bs_strbuf *buf);
/* Appends untrusted text so that it is safe on a terminal and valid UTF-8: C0 and C1 control
 * characters, DEL and bytes that are not valid UTF-8 become "\xHH"; Unicode bidirectional
 * overrides and isolates (which reorder what a terminal shows) become "\u{HHHH}". A
 * backslash stays as it is. NULL appends nothing. */
void bs_strbuf_append_safe(struct bs_strbuf *buf, const char *text);
/* Appends text with only its invalid UTF-8 escaped: each byte that does not start a valid
 * sequence becomes "\xHH" as above; everything else, control characters included, is copied
 * as it is. For formats that escape controls themselves (JSON). NULL appends nothing. */
void bs_strbuf_append_utf8(struct bs_strbuf *buf, const char *text);
/* Appends the first max_bytes of text (cut back to the start of a UTF-8 sequence) and "...",
 * or all of text when it fits. No escaping: the caller escapes the result for its medium. */
void bs_strbuf_append_clipped(struct bs_strbuf *buf, const char *text, size_t max_bytes);
/* value with thousands separators, 1234567 as "1,234,567", into out; returns out. */
#define BS_COUNT_TEXT_BYTES 32
const char *bs_format_count(uint64_t value, char out[BS_COUNT_TEXT_BYTES]);
/* Appends value in decimal digits, without separators (no printf on hot paths). */
void bs_strbuf_append_u64(struct bs_strbuf *buf, uint64_t value);
void bs_strbuf_append_i64(struct bs_strbuf *buf, int64_t value);
/* Appends bs_format_count(value). */
void bs_strbuf_append_count(struct bs_strbuf *buf, uint64_t value);
/* Appends bs_format_count(value), a space and one when value is 1, else many: "1 thread",
 * "2 threads". */
void bs_strbuf_append_counted(struct bs_strbuf *buf, uint64_t value, const char *one,
                              const char *many);
/* Appends the six-character suffix mkstemp and mkdtemp replace with a unique name. */
void bs_strbuf_append_temp_suffix(struct bs_strbuf *buf);
/* Hands the content to the caller (owned, free()); NULL after a failure. Resets buf. */
char *bs_strbuf_take(struct bs_strbuf *buf);
void bs_strbuf_reset(struct bs_strbuf *buf);
void bs_strbuf_free(struct bs_strbuf *buf);

/* Makes room for at least `needed` items of `item_size` bytes in *items (capacity in
 * *capacity), growing geometrically; fails with BS_ERR_LIMIT above max_items and
 * BS_ERR_NOMEM when realloc fails (*items is then unchanged). */
enum bs_status bs_array_reserve(void **items, size_t *capacity, size_t needed, size_t item_size,
                                size_t max_items);

/* Copies at most BS_MAX_STRING_BYTES of bytes[0..length) into a new NUL-terminated string.
 * Embedded NULs end the copy. Caller owns the result (free()); NULL when out of memory. */
char *bs_strndup_bounded(const char *bytes, size_t length);
/* bs_strndup_bounded(text, strlen(text)); text may be NULL (returns NULL). */
char *bs_strdup(const char *text);

/* True when text is NULL or "". */
bool bs_str_empty(const char *text);

/* Byte-order comparison that treats NULL as "". For qsort-style use on char *. */
int bs_str_compare(const char *a, const char *b);

#endif
