/*
 * JSON in and out: the adapter of jansson, the one file of the project that includes
 * <jansson.h> (tests/lint/check_layering.sh).
 *
 * Writing. The JSON report (report_json.c) lays out its own text, key by key and record by
 * record, so memory stays flat however large the output; the part that must be right, a
 * string as a JSON string literal, is jansson's: '"', '\\' and the control characters
 * U+0000-U+001F escaped, everything else as it is. jansson writes the hex digits of a \u
 * escape in upper case ("\u001B"); they are written in lower case here ("\u001b"), as SQLite's
 * json_quote() wrote them before this adapter, so reports stay byte-identical.
 *
 * Reading, for --compare (SPEC 4), which reads a report written earlier. That file is
 * untrusted (anyone may have edited it): its size, its nesting depth and its number of values
 * are checked against limits.h before jansson runs, so the parser and the tree it builds stay
 * bounded. jansson also refuses duplicate keys (a key that means two things), a \u0000 in a
 * string or key (our reports never hold one, and a C string could not carry it), invalid
 * UTF-8, integers that do not fit in 64 bits and bytes after the document.
 *
 * A parsed document owns every value in it; a value is a borrowed view, valid until the
 * document is freed. Every accessor checks the type of the node it is given before reading
 * it, so a report of the wrong shape gives BS_ERR_FORMAT, never a wrong value. Accessors take
 * NULL for a value (BS_ERR_FORMAT), so a chain of lookups needs one check at its end.
 */
#ifndef BS_CORE_REPORT_JSON_IO_H
#define BS_CORE_REPORT_JSON_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/status.h"
#include "core/base/text.h"

/* ---- Writing. */

/* Appends text[0..length) to out as a JSON string literal, quotes included. text must be valid
 * UTF-8 (text.h bs_strbuf_append_utf8 makes any string so) and may hold no NUL; NULL appends
 * null. Returns false, and sets out->failed, when text is not valid UTF-8 or memory ran out. */
bool bs_json_append_string(struct bs_strbuf *out, const char *text, size_t length);

/* ---- Reading. */

struct bs_json_doc;   /* opaque: a parsed document; owns all its values */
struct bs_json_value; /* opaque: one value of a document, borrowed from it */

enum bs_json_type {
    BS_JSON_NULL,
    BS_JSON_BOOL,
    BS_JSON_INTEGER,
    BS_JSON_REAL,
    BS_JSON_STRING,
    BS_JSON_ARRAY,
    BS_JSON_OBJECT
};

/* Parses bytes[0..length) as one JSON document (RFC 8259 in UTF-8; any value at the top).
 * BS_ERR_LIMIT: more than BS_MAX_JSON_BYTES, nesting deeper than BS_MAX_JSON_DEPTH or more
 * than BS_MAX_JSON_VALUES values, refused before jansson parses; BS_ERR_FORMAT: not JSON, or
 * refused as above (the message gives line and column and is safe to print); BS_ERR_NOMEM.
 * On success the caller owns *out: free with bs_json_doc_free. bytes may be freed at once. */
enum bs_status bs_json_doc_parse(const char *bytes, size_t length, struct bs_json_doc **out,
                                 struct bs_error *err);

/* Reads the file at path (a regular file or a pipe) and parses it as bs_json_doc_parse does.
 * A regular file over BS_MAX_JSON_BYTES is refused before it is read, and never more than
 * BS_MAX_JSON_BYTES + 1 bytes are read from anything. BS_ERR_NOT_FOUND, BS_ERR_IO, then the
 * statuses of bs_json_doc_parse; the message does not name the file: the caller prefixes it.
 * On success the caller owns *out: free with bs_json_doc_free. */
enum bs_status bs_json_doc_read_file(const char *path, struct bs_json_doc **out,
                                     struct bs_error *err);

/* Frees doc and every value in it; NULL is allowed. */
void bs_json_doc_free(struct bs_json_doc *doc);

/* The top-level value. Borrowed from doc. */
const struct bs_json_value *bs_json_doc_root(const struct bs_json_doc *doc);

/* The type of value; value must not be NULL. */
enum bs_json_type bs_json_type_of(const struct bs_json_value *value);
/* "null", "a boolean", "an integer", "a number", "a string", "an array", "an object": for
 * messages. Static string. */
const char *bs_json_type_name(enum bs_json_type type);
/* True when value is JSON null; false for NULL and every other type. */
bool bs_json_is_null(const struct bs_json_value *value);

/* The member key of object, borrowed from the document. BS_ERR_FORMAT when object is not an
 * object ("expected an object, found an array"); BS_ERR_NOT_FOUND when it has no such member,
 * which a caller reading an older format may take as "absent". */
enum bs_status bs_json_member(const struct bs_json_value *object, const char *key,
                              const struct bs_json_value **out, struct bs_error *err);

/* The members of object in document order. Start with *cursor NULL; each call that returns
 * true sets *key (borrowed, no NUL inside) and *value (borrowed); false after the last member
 * and when object is not an object (check its type first to tell the two apart). */
bool bs_json_object_next(const struct bs_json_value *object, void **cursor, const char **key,
                         const struct bs_json_value **value);

/* The number of items of array. BS_ERR_FORMAT when it is not an array. */
enum bs_status bs_json_array_length(const struct bs_json_value *array, size_t *out,
                                    struct bs_error *err);
/* Item index of array, borrowed. BS_ERR_FORMAT when it is not an array, BS_ERR_NOT_FOUND when
 * index is not below its length. */
enum bs_status bs_json_array_item(const struct bs_json_value *array, size_t index,
                                  const struct bs_json_value **out, struct bs_error *err);

/* The text of a string value, borrowed from the document: *out is NUL-terminated, holds no
 * other NUL and is valid UTF-8; *length (may be NULL) is its length in bytes. BS_ERR_FORMAT
 * when value is not a string. */
enum bs_status bs_json_string(const struct bs_json_value *value, const char **out, size_t *length,
                              struct bs_error *err);
/* The same text as a copy the caller owns (free()). BS_ERR_FORMAT, BS_ERR_NOMEM. */
enum bs_status bs_json_string_copy(const struct bs_json_value *value, char **out,
                                   struct bs_error *err);
/* An integer value (a number written without fraction or exponent). BS_ERR_FORMAT for any
 * other type, a number like 1.0 included. */
enum bs_status bs_json_integer(const struct bs_json_value *value, int64_t *out,
                               struct bs_error *err);
/* true or false. BS_ERR_FORMAT for any other type. */
enum bs_status bs_json_bool(const struct bs_json_value *value, bool *out, struct bs_error *err);

#endif
