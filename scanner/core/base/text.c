/* String buffer, bounded copies and array growth of text.h. */
#include "core/base/text.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/limits.h"

enum bs_status bs_array_reserve(void **items, size_t *capacity, size_t needed, size_t item_size,
                                size_t max_items)
{
    if (needed <= *capacity) {
        return BS_OK;
    }
    if (needed > max_items) {
        return BS_ERR_LIMIT;
    }
    size_t grown = *capacity < 16 ? 16 : *capacity;
    while (grown < needed) {
        grown = grown > max_items / 2 ? max_items : grown * 2;
    }
    if (item_size != 0 && grown > SIZE_MAX / item_size) {
        return BS_ERR_LIMIT;
    }
    void *resized = realloc(*items, grown * item_size);
    if (resized == NULL) {
        return BS_ERR_NOMEM;
    }
    *items = resized;
    *capacity = grown;
    return BS_OK;
}

static bool strbuf_reserve(struct bs_strbuf *buf, size_t extra)
{
    if (buf->failed) {
        return false;
    }
    if (extra > SIZE_MAX - buf->length - 1) {
        buf->failed = true;
        return false;
    }
    if (buf->data != NULL && buf->length + extra < buf->capacity) {
        return true; /* the common case: room already (reports append millions of pieces) */
    }
    void *data = buf->data;
    if (bs_array_reserve(&data, &buf->capacity, buf->length + extra + 1, 1, SIZE_MAX / 2) !=
        BS_OK) {
        buf->failed = true;
        return false;
    }
    buf->data = data;
    return true;
}

void bs_strbuf_append(struct bs_strbuf *buf, const char *bytes, size_t length)
{
    if (!strbuf_reserve(buf, length)) {
        return;
    }
    if (length > 0) {
        memcpy(buf->data + buf->length, bytes, length);
    }
    buf->length += length;
    buf->data[buf->length] = '\0';
}

void bs_strbuf_append_str(struct bs_strbuf *buf, const char *text)
{
    if (text != NULL) {
        bs_strbuf_append(buf, text, strlen(text));
    }
}

void bs_strbuf_appendf(struct bs_strbuf *buf, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    va_list copy;
    va_copy(copy, args);
    int needed = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (needed < 0) {
        buf->failed = true;
    } else if (strbuf_reserve(buf, (size_t)needed)) {
        (void)vsnprintf(buf->data + buf->length, (size_t)needed + 1, fmt, args);
        buf->length += (size_t)needed;
    }
    va_end(args);
}

/* The decimal digits of value, without separators, into out (at least 21 bytes); returns
 * their number. */
static size_t format_decimal(uint64_t value, char *out)
{
    char reversed[20];
    size_t n = 0;
    do {
        reversed[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    for (size_t i = 0; i < n; i++) {
        out[i] = reversed[n - 1 - i];
    }
    out[n] = '\0';
    return n;
}

const char *bs_format_count(uint64_t value, char out[BS_COUNT_TEXT_BYTES])
{
    char digits[24];
    size_t n = format_decimal(value, digits);
    size_t length = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0) {
            out[length++] = ','; /* 20 digits and 6 commas fit in 32 bytes */
        }
        out[length++] = digits[i];
    }
    out[length] = '\0';
    return out;
}

void bs_strbuf_append_u64(struct bs_strbuf *buf, uint64_t value)
{
    char digits[24];
    bs_strbuf_append(buf, digits, format_decimal(value, digits));
}

void bs_strbuf_append_i64(struct bs_strbuf *buf, int64_t value)
{
    if (value < 0) {
        bs_strbuf_append(buf, "-", 1);
        /* The magnitude in unsigned arithmetic: -INT64_MIN does not fit an int64_t. */
        bs_strbuf_append_u64(buf, 0 - (uint64_t)value);
    } else {
        bs_strbuf_append_u64(buf, (uint64_t)value);
    }
}

void bs_strbuf_append_count(struct bs_strbuf *buf, uint64_t value)
{
    char text[BS_COUNT_TEXT_BYTES];
    bs_strbuf_append_str(buf, bs_format_count(value, text));
}

void bs_strbuf_append_counted(struct bs_strbuf *buf, uint64_t value, const char *one,
                              const char *many)
{
    bs_strbuf_append_count(buf, value);
    bs_strbuf_append_str(buf, " ");
    bs_strbuf_append_str(buf, value == 1 ? one : many);
}

void bs_strbuf_append_temp_suffix(struct bs_strbuf *buf)
{
    for (int i = 0; i < 6; i++) {
        bs_strbuf_append(buf, "X", 1);
    }
}

const char *bs_strbuf_str(const struct bs_strbuf *buf)
{
    return buf->data == NULL ? "" : buf->data;
}

char *bs_strbuf_take(struct bs_strbuf *buf)
{
    char *data = buf->failed ? NULL : buf->data;
    if (data == NULL && !buf->failed) {
        data = calloc(1, 1);
    }
    if (buf->failed) {
        free(buf->data);
    }
    buf->data = NULL;
    buf->length = 0;
    buf->capacity = 0;
    buf->failed = false;
    return data;
}

void bs_strbuf_reset(struct bs_strbuf *buf)
{
    buf->length = 0;
    buf->failed = false;
    if (buf->data != NULL) {
        buf->data[0] = '\0';
    }
}

void bs_strbuf_free(struct bs_strbuf *buf)
{
    if (buf != NULL) {
        free(buf->data);
        buf->data = NULL;
        buf->length = 0;
        buf->capacity = 0;
        buf->failed = false;
    }
}

char *bs_strndup_bounded(const char *bytes, size_t length)
{
    if (bytes == NULL) {
        return NULL;
    }
    if (length > BS_MAX_STRING_BYTES) {
        length = BS_MAX_STRING_BYTES;
    }
    const char *nul = memchr(bytes, '\0', length);
    if (nul != NULL) {
        length = (size_t)(nul - bytes);
    }
    char *copy = malloc(length + 1);
    if (copy == NULL) {
        return NULL;
    }
    memcpy(copy, bytes, length);
    copy[length] = '\0';
    return copy;
}

char *bs_strdup(const char *text)
{
    return text == NULL ? NULL : bs_strndup_bounded(text, strlen(text));
}

bool bs_str_empty(const char *text)
{
    return text == NULL || text[0] == '\0';
}

int bs_str_compare(const char *a, const char *b)
{
    return strcmp(a == NULL ? "" : a, b == NULL ? "" : b);
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when the bytes there are not one.
 * Rejects overlong forms, surrogates and code points above U+10FFFF. */
static size_t utf8_sequence_length(const unsigned char *p, uint32_t *code_point)
{
    unsigned char lead = p[0];
    size_t length = 0;
    uint32_t value = 0;
    uint32_t minimum = 0;
    if (lead < 0x80) {
        *code_point = lead;
        return 1;
    } else if ((lead & 0xE0) == 0xC0) {
        length = 2;
        value = lead & 0x1Fu;
        minimum = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
        length = 3;
        value = lead & 0x0Fu;
        minimum = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
        length = 4;
        value = lead & 0x07u;
        minimum = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < length; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            return 0; /* also stops at the terminating NUL */
        }
        value = (value << 6) | (p[i] & 0x3Fu);
    }
    if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
        return 0;
    }
    *code_point = value;
    return length;
}

static bool is_bidi_control(uint32_t code_point)
{
    return (code_point >= 0x202A && code_point <= 0x202E) ||
           (code_point >= 0x2066 && code_point <= 0x2069) || code_point == 0x200E ||
           code_point == 0x200F || code_point == 0x061C;
}

void bs_strbuf_append_safe(struct bs_strbuf *buf, const char *text)
{
    if (text == NULL) {
        return;
    }
    const unsigned char *p = (const unsigned char *)text;
    while (*p != '\0') {
        uint32_t code_point = 0;
        size_t length = utf8_sequence_length(p, &code_point);
        if (length == 0 || code_point < 0x20 || code_point == 0x7F ||
            (code_point >= 0x80 && code_point <= 0x9F)) {
            /* One byte at a time: a C1 control is escaped byte by byte too. */
            size_t bytes = length == 0 ? 1 : length;
            for (size_t i = 0; i < bytes; i++) {
                bs_strbuf_appendf(buf, "\\x%02X", p[i]);
            }
            p += bytes;
        } else if (is_bidi_control(code_point)) {
            bs_strbuf_appendf(buf, "\\u{%04X}", (unsigned)code_point);
            p += length;
        } else {
            bs_strbuf_append(buf, (const char *)p, length);
            p += length;
        }
    }
}

void bs_strbuf_append_utf8(struct bs_strbuf *buf, const char *text)
{
    if (text == NULL) {
        return;
    }
    const unsigned char *p = (const unsigned char *)text;
    while (*p != '\0') {
        const unsigned char *run = p;
        uint32_t code_point = 0;
        size_t length = 0;
        while (*p != '\0' && (length = utf8_sequence_length(p, &code_point)) != 0) {
            p += length;
        }
        bs_strbuf_append(buf, (const char *)run, (size_t)(p - run));
        if (*p != '\0') {
            bs_strbuf_appendf(buf, "\\x%02X", *p);
            p++;
        }
    }
}

void bs_strbuf_append_clipped(struct bs_strbuf *buf, const char *text, size_t max_bytes)
{
    size_t length = strlen(text);
    if (length <= max_bytes) {
        bs_strbuf_append(buf, text, length);
        return;
    }
    length = max_bytes;
    while (length > 0 && ((unsigned char)text[length] & 0xC0) == 0x80) {
        length--; /* back to the start of a UTF-8 sequence */
    }
    bs_strbuf_append(buf, text, length);
    bs_strbuf_append_str(buf, "...");
}
