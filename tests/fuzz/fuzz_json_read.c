/*
 * Fuzz target: the JSON reader of core/report/json_io, which --compare runs on an earlier
 * report (a file anyone may have edited), and its agreement with the writer.
 *
 * The input is a JSON document. Checked:
 * - parsing gives BS_OK with a document, or BS_ERR_FORMAT / BS_ERR_LIMIT / BS_ERR_NOMEM
 *   without one, and never a message with a raw control character (it reaches a terminal);
 * - a parsed document is walked with every accessor on every value: the one that matches the
 *   value's type succeeds, every other one gives BS_ERR_FORMAT; objects list each key once
 *   and bs_json_member finds it; arrays give exactly their length of items; no value is
 *   deeper than BS_MAX_JSON_DEPTH; strings hold no NUL;
 * - every string read is written back by bs_json_append_string, parsed again and equal;
 * - the input up to its first NUL, made valid UTF-8 as the report does (text.h), is written
 *   as a string literal that parses back to the same text.
 */
#include <string.h>

#include "core/base/limits.h"
#include "core/base/text.h"
#include "core/report/json_io.h"
#include "fuzz.h"

static void check_message(const struct bs_error *err)
{
    for (const char *p = err->message; *p != '\0'; p++) {
        FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
    }
}

/* text, written as a JSON string literal and parsed back, is text again. */
static void check_round_trip(const char *text, size_t length)
{
    struct bs_strbuf literal = {0};
    FUZZ_CHECK(bs_json_append_string(&literal, text, length));
    struct bs_json_doc *doc = NULL;
    struct bs_error err = {BS_OK, ""};
    FUZZ_CHECK(bs_json_doc_parse(literal.data, literal.length, &doc, &err) == BS_OK);
    const char *back = NULL;
    size_t back_length = 0;
    FUZZ_CHECK(bs_json_string(bs_json_doc_root(doc), &back, &back_length, &err) == BS_OK);
    FUZZ_CHECK(back_length == length && memcmp(back, text, length) == 0);
    bs_json_doc_free(doc);
    bs_strbuf_free(&literal);
}

static void walk(const struct bs_json_value *value, int depth)
{
    FUZZ_CHECK(depth <= BS_MAX_JSON_DEPTH);
    enum bs_json_type type = bs_json_type_of(value);
    struct bs_error err = {BS_OK, ""};
    int64_t integer = 0;
    bool flag = false;
    const char *text = NULL;
    size_t length = 0;
    const struct bs_json_value *child = NULL;
    FUZZ_CHECK((bs_json_integer(value, &integer, &err) == BS_OK) == (type == BS_JSON_INTEGER));
    FUZZ_CHECK((bs_json_bool(value, &flag, &err) == BS_OK) == (type == BS_JSON_BOOL));
    FUZZ_CHECK(bs_json_is_null(value) == (type == BS_JSON_NULL));
    FUZZ_CHECK((bs_json_array_length(value, &length, &err) == BS_OK) == (type == BS_JSON_ARRAY));
    enum bs_status member = bs_json_member(value, "format_version", &child, &err);
    FUZZ_CHECK(type == BS_JSON_OBJECT ? member != BS_ERR_FORMAT : member == BS_ERR_FORMAT);
    if (bs_json_string(value, &text, &length, &err) == BS_OK) {
        FUZZ_CHECK(type == BS_JSON_STRING);
        FUZZ_CHECK(strlen(text) == length);
        char *copy = NULL;
        FUZZ_CHECK(bs_json_string_copy(value, &copy, &err) == BS_OK);
        FUZZ_CHECK(strcmp(copy, text) == 0);
        free(copy);
        check_round_trip(text, length);
    } else {
        FUZZ_CHECK(type != BS_JSON_STRING && err.status == BS_ERR_FORMAT);
    }
    if (type == BS_JSON_ARRAY) {
        FUZZ_CHECK(bs_json_array_length(value, &length, &err) == BS_OK);
        for (size_t i = 0; i < length; i++) {
            FUZZ_CHECK(bs_json_array_item(value, i, &child, &err) == BS_OK);
            walk(child, depth + 1);
        }
        FUZZ_CHECK(bs_json_array_item(value, length, &child, &err) == BS_ERR_NOT_FOUND);
    } else if (type == BS_JSON_OBJECT) {
        void *cursor = NULL;
        const char *key = NULL;
        while (bs_json_object_next(value, &cursor, &key, &child)) {
            const struct bs_json_value *found = NULL;
            FUZZ_CHECK(bs_json_member(value, key, &found, &err) == BS_OK && found == child);
            walk(child, depth + 1);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bs_json_doc *doc = NULL;
    struct bs_error err = {BS_OK, ""};
    enum bs_status status = bs_json_doc_parse((const char *)data, size, &doc, &err);
    FUZZ_CHECK((status == BS_OK) == (doc != NULL));
    FUZZ_CHECK(status == BS_OK || status == BS_ERR_FORMAT || status == BS_ERR_LIMIT ||
               status == BS_ERR_NOMEM);
    if (doc != NULL) {
        walk(bs_json_doc_root(doc), 1);
        bs_json_doc_free(doc);
    } else {
        check_message(&err);
    }

    /* The writer on the raw input as a string from the source. */
    char *raw = malloc(size + 1);
    FUZZ_CHECK(raw != NULL);
    if (size > 0) {
        memcpy(raw, data, size);
    }
    raw[size] = '\0';
    struct bs_strbuf valid = {0};
    bs_strbuf_append_utf8(&valid, raw);
    FUZZ_CHECK(!valid.failed);
    check_round_trip(bs_strbuf_str(&valid), valid.length);
    bs_strbuf_free(&valid);
    free(raw);
    return 0;
}
