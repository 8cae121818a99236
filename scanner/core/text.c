/* String buffer, bounded copies and array growth of text.h. */
#include "core/text.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"

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
