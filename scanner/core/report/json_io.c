/* JSON in and out through jansson (json_io.h): string literals for the report writer, and a
 * bounded, type-checked reader of earlier reports. The only file that includes <jansson.h>. */
#include "core/report/json_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sys/stat.h>

#include "core/base/limits.h"

#if JANSSON_VERSION_HEX < 0x020e00
#error "jansson 2.14 or later is needed (json_error_code, ordered objects)"
#endif

/* ---- Writing. */

static int append_dumped(const char *buffer, size_t size, void *data)
{
    struct bs_strbuf *out = data;
    bs_strbuf_append(out, buffer, size);
    return out->failed ? -1 : 0;
}

/* jansson writes "\u001B"; SQLite's json_quote(), which wrote our reports before, wrote
 * "\u001b". Both are the same JSON string; lower case keeps reports byte-identical. In
 * jansson's output every backslash starts an escape, so escapes are found by walking them. */
static void lower_unicode_escapes(char *text, size_t length)
{
    for (size_t i = 0; i + 1 < length; i++) {
        if (text[i] != '\\') {
            continue;
        }
        if (text[i + 1] == 'u' && i + 5 < length) {
            for (size_t k = i + 2; k < i + 6; k++) {
                if (text[k] >= 'A' && text[k] <= 'F') {
                    text[k] = (char)(text[k] - 'A' + 'a');
                }
            }
            i += 5;
        } else {
            i++; /* the escaped character: "\\u" is a backslash and a u */
        }
    }
}

bool bs_json_append_string(struct bs_strbuf *out, const char *text, size_t length)
{
    if (text == NULL) {
        bs_strbuf_append_str(out, "null");
        return !out->failed;
    }
    if (out->failed) {
        return false;
    }
    /* json_stringn checks that text is valid UTF-8 (NULL otherwise) and copies it. */
    json_t *string = json_stringn(text, length);
    size_t start = out->length;
    bool ok = string != NULL &&
              json_dump_callback(string, append_dumped, out, JSON_ENCODE_ANY) == 0 && !out->failed;
    json_decref(string);
    if (!ok) {
        out->failed = true;
        return false;
    }
    lower_unicode_escapes(out->data + start, out->length - start);
    return true;
}

/* ---- Reading. */

/* A document is jansson's root value; the opaque types only hide json_t from callers. */
static const json_t *node(const struct bs_json_value *value)
{
    return (const json_t *)(const void *)value;
}

static const struct bs_json_value *wrap(const json_t *json)
{
    return (const struct bs_json_value *)(const void *)json;
}

/* jansson's object iterators take json_t * but only read through it. */
static json_t *unconst(const json_t *json)
{
    return (json_t *)(uintptr_t)json;
}

/* One pass before jansson runs: the nesting depth and an upper bound of the number of values
 * (every value but the first is the first item of its array or object, or follows a comma),
 * counted outside strings. For text that is not JSON the counts may be off, but jansson then
 * stops at the first error, and its own depth limit (JSON_PARSER_MAX_DEPTH) still holds. */
static enum bs_status check_shape(const char *bytes, size_t length, struct bs_error *err)
{
    size_t depth = 0;
    size_t values = 1;
    bool in_string = false;
    for (size_t i = 0; i < length; i++) {
        char c = bytes[i];
        if (in_string) {
            if (c == '\\') {
                i++; /* the escaped character, a quote included */
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        switch (c) {
        case '"':
            in_string = true;
            break;
        case '[':
        case '{':
            if (++depth > BS_MAX_JSON_DEPTH) {
                return bs_error_set(err, BS_ERR_LIMIT, "JSON nested deeper than %d levels",
                                    BS_MAX_JSON_DEPTH);
            }
            values++;
            break;
        case ']':
        case '}':
            depth -= depth > 0 ? 1 : 0;
            break;
        case ',':
            values++;
            break;
        default:
            break;
        }
        if (values > BS_MAX_JSON_VALUES) {
            return bs_error_set(err, BS_ERR_LIMIT, "JSON holds more than %d values",
                                BS_MAX_JSON_VALUES);
        }
    }
    return BS_OK;
}

static enum bs_status parse_error(const json_error_t *error, struct bs_error *err)
{
    enum bs_status status = BS_ERR_FORMAT;
    switch (json_error_code(error)) {
    case json_error_out_of_memory:
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory parsing JSON");
    case json_error_stack_overflow:
        status = BS_ERR_LIMIT;
        break;
    default:
        break;
    }
    /* jansson quotes the input near the error: made safe for a terminal first. */
    struct bs_strbuf text = {0};
    bs_strbuf_append_safe(&text, error->text);
    bs_error_set(err, status, "not valid JSON at line %d, column %d: %s", error->line,
                 error->column, text.failed ? "(out of memory)" : bs_strbuf_str(&text));
    bs_strbuf_free(&text);
    return status;
}

enum bs_status bs_json_doc_parse(const char *bytes, size_t length, struct bs_json_doc **out,
                                 struct bs_error *err)
{
    if (length > BS_MAX_JSON_BYTES) {
        return bs_error_set(err, BS_ERR_LIMIT, "JSON larger than %zu bytes", BS_MAX_JSON_BYTES);
    }
    enum bs_status status = check_shape(bytes, length, err);
    if (status != BS_OK) {
        return status;
    }
    json_error_t error;
    /* No JSON_ALLOW_NUL: \u0000 is refused. No JSON_DISABLE_EOF_CHECK: bytes after the
     * document are refused. */
    json_t *root = json_loadb(bytes, length, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &error);
    if (root == NULL) {
        return parse_error(&error, err);
    }
    *out = (struct bs_json_doc *)(void *)root;
    return BS_OK;
}

/* The first buffer for input of unknown size (a pipe, a file that reports size 0); it doubles. */
#define FIRST_READ_BYTES ((size_t)64 * 1024)

/* Reads all of fd, at most BS_MAX_JSON_BYTES + 1 bytes (one more tells "too large"). */
static enum bs_status read_bounded(int fd, size_t expected, char **bytes, size_t *length,
                                   struct bs_error *err)
{
    size_t capacity = expected + 1 < BS_MAX_JSON_BYTES + 1 ? expected + 1 : BS_MAX_JSON_BYTES + 1;
    size_t used = 0;
    char *buffer = malloc(capacity);
    if (buffer == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory reading JSON");
    }
    for (;;) {
        if (used == capacity) {
            if (capacity > BS_MAX_JSON_BYTES) {
                free(buffer);
                return bs_error_set(err, BS_ERR_LIMIT, "JSON larger than %zu bytes",
                                    BS_MAX_JSON_BYTES);
            }
            size_t grown_capacity =
                capacity * 2 < BS_MAX_JSON_BYTES + 1 ? capacity * 2 : BS_MAX_JSON_BYTES + 1;
            char *grown = realloc(buffer, grown_capacity);
            if (grown == NULL) {
                free(buffer);
                return bs_error_set(err, BS_ERR_NOMEM, "out of memory reading JSON");
            }
            buffer = grown;
            capacity = grown_capacity;
        }
        ssize_t n = read(fd, buffer + used, capacity - used);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            int saved = errno;
            free(buffer);
            return bs_error_set(err, BS_ERR_IO, "%s", strerror(saved));
        }
        if (n == 0) {
            break;
        }
        used += (size_t)n;
    }
    if (used > BS_MAX_JSON_BYTES) {
        free(buffer);
        return bs_error_set(err, BS_ERR_LIMIT, "JSON larger than %zu bytes", BS_MAX_JSON_BYTES);
    }
    *bytes = buffer;
    *length = used;
    return BS_OK;
}

enum bs_status bs_json_doc_read_file(const char *path, struct bs_json_doc **out,
                                     struct bs_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return bs_error_set(err, errno == ENOENT ? BS_ERR_NOT_FOUND : BS_ERR_IO, "%s",
                            strerror(errno));
    }
    enum bs_status status = BS_OK;
    char *bytes = NULL;
    size_t length = 0;
    struct stat info;
    if (fstat(fd, &info) != 0) {
        status = bs_error_set(err, BS_ERR_IO, "%s", strerror(errno));
    } else if (S_ISDIR(info.st_mode)) {
        status = bs_error_set(err, BS_ERR_IO, "a folder, not a file");
    } else if (S_ISREG(info.st_mode) && info.st_size > (off_t)BS_MAX_JSON_BYTES) {
        status = bs_error_set(err, BS_ERR_LIMIT, "JSON larger than %zu bytes", BS_MAX_JSON_BYTES);
    } else {
        size_t expected = S_ISREG(info.st_mode) && info.st_size > 0 ? (size_t)info.st_size : 0;
        status = read_bounded(fd, expected > 0 ? expected : FIRST_READ_BYTES, &bytes, &length, err);
    }
    (void)close(fd);
    if (status == BS_OK) {
        status = bs_json_doc_parse(bytes, length, out, err);
    }
    free(bytes);
    return status;
}

void bs_json_doc_free(struct bs_json_doc *doc)
{
    json_decref((json_t *)(void *)doc);
}

const struct bs_json_value *bs_json_doc_root(const struct bs_json_doc *doc)
{
    return (const struct bs_json_value *)(const void *)doc;
}

enum bs_json_type bs_json_type_of(const struct bs_json_value *value)
{
    switch (json_typeof(node(value))) {
    case JSON_OBJECT:
        return BS_JSON_OBJECT;
    case JSON_ARRAY:
        return BS_JSON_ARRAY;
    case JSON_STRING:
        return BS_JSON_STRING;
    case JSON_INTEGER:
        return BS_JSON_INTEGER;
    case JSON_REAL:
        return BS_JSON_REAL;
    case JSON_TRUE:
    case JSON_FALSE:
        return BS_JSON_BOOL;
    case JSON_NULL:
    default:
        return BS_JSON_NULL;
    }
}

const char *bs_json_type_name(enum bs_json_type type)
{
    switch (type) {
    case BS_JSON_NULL:
        return "null";
    case BS_JSON_BOOL:
        return "a boolean";
    case BS_JSON_INTEGER:
        return "an integer";
    case BS_JSON_REAL:
        return "a number";
    case BS_JSON_STRING:
        return "a string";
    case BS_JSON_ARRAY:
        return "an array";
    case BS_JSON_OBJECT:
        return "an object";
    }
    return "unknown";
}

bool bs_json_is_null(const struct bs_json_value *value)
{
    return value != NULL && json_is_null(node(value));
}

/* BS_OK when value has the type wanted; BS_ERR_FORMAT naming both types otherwise. */
static enum bs_status check_type(const struct bs_json_value *value, enum bs_json_type wanted,
                                 struct bs_error *err)
{
    if (value == NULL) {
        return bs_error_set(err, BS_ERR_FORMAT, "expected %s, found nothing",
                            bs_json_type_name(wanted));
    }
    enum bs_json_type found = bs_json_type_of(value);
    if (found != wanted) {
        return bs_error_set(err, BS_ERR_FORMAT, "expected %s, found %s", bs_json_type_name(wanted),
                            bs_json_type_name(found));
    }
    return BS_OK;
}

enum bs_status bs_json_member(const struct bs_json_value *object, const char *key,
                              const struct bs_json_value **out, struct bs_error *err)
{
    enum bs_status status = check_type(object, BS_JSON_OBJECT, err);
    if (status != BS_OK) {
        return status;
    }
    const json_t *member = json_object_get(node(object), key);
    if (member == NULL) {
        /* key is the caller's own (a literal), not input: safe to print. */
        return bs_error_set(err, BS_ERR_NOT_FOUND, "no member \"%s\"", key);
    }
    *out = wrap(member);
    return BS_OK;
}

bool bs_json_object_next(const struct bs_json_value *object, void **cursor, const char **key,
                         const struct bs_json_value **value)
{
    if (object == NULL || !json_is_object(node(object))) {
        return false;
    }
    json_t *json = unconst(node(object));
    void *iter = *cursor == NULL ? json_object_iter(json) : json_object_iter_next(json, *cursor);
    if (iter == NULL) {
        return false;
    }
    *cursor = iter;
    *key = json_object_iter_key(iter);
    *value = wrap(json_object_iter_value(iter));
    return true;
}

enum bs_status bs_json_array_length(const struct bs_json_value *array, size_t *out,
                                    struct bs_error *err)
{
    enum bs_status status = check_type(array, BS_JSON_ARRAY, err);
    if (status == BS_OK) {
        *out = json_array_size(node(array));
    }
    return status;
}

enum bs_status bs_json_array_item(const struct bs_json_value *array, size_t index,
                                  const struct bs_json_value **out, struct bs_error *err)
{
    enum bs_status status = check_type(array, BS_JSON_ARRAY, err);
    if (status != BS_OK) {
        return status;
    }
    const json_t *item = json_array_get(node(array), index);
    if (item == NULL) {
        return bs_error_set(err, BS_ERR_NOT_FOUND, "no item %zu in an array of %zu", index,
                            json_array_size(node(array)));
    }
    *out = wrap(item);
    return BS_OK;
}

enum bs_status bs_json_string(const struct bs_json_value *value, const char **out, size_t *length,
                              struct bs_error *err)
{
    enum bs_status status = check_type(value, BS_JSON_STRING, err);
    if (status == BS_OK) {
        *out = json_string_value(node(value));
        if (length != NULL) {
            *length = json_string_length(node(value));
        }
    }
    return status;
}

enum bs_status bs_json_string_copy(const struct bs_json_value *value, char **out,
                                   struct bs_error *err)
{
    const char *text = NULL;
    size_t length = 0;
    enum bs_status status = bs_json_string(value, &text, &length, err);
    if (status != BS_OK) {
        return status;
    }
    char *copy = malloc(length + 1);
    if (copy == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory copying a JSON string");
    }
    memcpy(copy, text, length + 1);
    *out = copy;
    return BS_OK;
}

enum bs_status bs_json_integer(const struct bs_json_value *value, int64_t *out,
                               struct bs_error *err)
{
    enum bs_status status = check_type(value, BS_JSON_INTEGER, err);
    if (status == BS_OK) {
        *out = (int64_t)json_integer_value(node(value));
    }
    return status;
}

enum bs_status bs_json_bool(const struct bs_json_value *value, bool *out, struct bs_error *err)
{
    enum bs_status status = check_type(value, BS_JSON_BOOL, err);
    if (status == BS_OK) {
        *out = json_is_true(node(value));
    }
    return status;
}
