/* Tests of the JSON adapter (json_io.h): string literals byte for byte as the reports have
 * always had them (SQLite's json_quote() wrote them before jansson), and the reader of earlier
 * reports: well-formed, malformed, too deep, too large, too many values, wrong types, hostile
 * strings (\u0000, invalid UTF-8, duplicate keys), files, and a report read back. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "core/base/limits.h"
#include "core/base/text.h"
#include "core/model/report_model.h"
#include "core/report/json_io.h"
#include "core/report/report_json.h"

static void test_append_string(void)
{
    static const struct {
        const char *raw;
        const char *json;
    } rows[] = {
        {"Family", "\"Family\""},
        {"say \"hi\"", "\"say \\\"hi\\\"\""},
        {"back\\slash", "\"back\\\\slash\""},
        {"\x1b[31mred\x07", "\"\\u001b[31mred\\u0007\""},
        {"tab\tCR\rLF\n", "\"tab\\tCR\\rLF\\n\""},
        {"\b\f\x0b\x1f\x7f", "\"\\b\\f\\u000b\\u001f\x7f\""}, /* DEL is not a JSON control */
        {"caf\xC3\xA9 \xE2\x80\xAE", "\"caf\xC3\xA9 \xE2\x80\xAE\""}, /* valid UTF-8 stays */
        {"\xE2\x80\xA8\xF0\x9F\x98\x80", "\"\xE2\x80\xA8\xF0\x9F\x98\x80\""},
        {"a/b", "\"a/b\""}, /* no \/ */
        /* Text that looks like an escape is text: its backslash is escaped, case kept. */
        {"\\u001B \\x1B", "\"\\\\u001B \\\\x1B\""},
        {"\\\x1b", "\"\\\\\\u001b\""},
        {"", "\"\""},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct bs_strbuf out = {0};
        CHECK(bs_json_append_string(&out, rows[i].raw, strlen(rows[i].raw)));
        CHECK_STR_EQ(bs_strbuf_str(&out), rows[i].json);
        bs_strbuf_free(&out);
    }
    /* Every C0 control, as json_quote() wrote it: short escapes, else \u00xx in lower case. */
    static const char *const short_escapes[32] = {
        [8] = "\\b", [9] = "\\t", [10] = "\\n", [12] = "\\f", [13] = "\\r"};
    for (int c = 1; c < 32; c++) {
        char raw[2] = {(char)c, '\0'};
        char want[16];
        if (short_escapes[c] != NULL) {
            (void)snprintf(want, sizeof(want), "\"%s\"", short_escapes[c]);
        } else {
            (void)snprintf(want, sizeof(want), "\"\\u%04x\"", (unsigned)c);
        }
        struct bs_strbuf out = {0};
        CHECK(bs_json_append_string(&out, raw, 1));
        CHECK_STR_EQ(bs_strbuf_str(&out), want);
        bs_strbuf_free(&out);
    }
    struct bs_strbuf out = {0};
    CHECK(bs_json_append_string(&out, NULL, 0));
    CHECK_STR_EQ(bs_strbuf_str(&out), "null");
    bs_strbuf_reset(&out);
    /* Invalid UTF-8 is the caller's to escape (bs_strbuf_append_utf8): refused here. */
    CHECK(!bs_json_append_string(&out, "Ok \xC3\x28", 5));
    CHECK(out.failed);
    bs_strbuf_free(&out);
    /* Many strings into one buffer. */
    for (int i = 0; i < 5000; i++) {
        CHECK(bs_json_append_string(&out, "+15555550123", 12));
    }
    CHECK_INT_EQ(out.length, 5000 * 14);
    bs_strbuf_free(&out);
}

static struct bs_json_doc *parse(const char *text, enum bs_status want)
{
    struct bs_json_doc *doc = NULL;
    struct bs_error err = {BS_OK, ""};
    enum bs_status status = bs_json_doc_parse(text, strlen(text), &doc, &err);
    if (status != want) {
        fprintf(stderr, "parsing %.60s: %s (%s)\n", text, bs_status_name(status), err.message);
    }
    CHECK_INT_EQ(status, want);
    CHECK((status == BS_OK) == (doc != NULL));
    return doc;
}

static void test_read_well_formed(void)
{
    struct bs_json_doc *doc =
        parse("{\"format_version\": 1, \"redacted\": false, \"since\": null,\n"
              " \"name\": \"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\u001b\", \"ok\": true,\n"
              " \"big\": 9223372036854775807, \"low\": -9223372036854775808, \"real\": 1.5,\n"
              " \"threads\": [{\"chat_id\": 7}, {\"chat_id\": -1}], \"empty\": {}}",
              BS_OK);
    if (doc == NULL) {
        return;
    }
    struct bs_error err = {BS_OK, ""};
    const struct bs_json_value *root = bs_json_doc_root(doc);
    CHECK_INT_EQ(bs_json_type_of(root), BS_JSON_OBJECT);
    const struct bs_json_value *value = NULL;
    int64_t integer = 0;
    CHECK_INT_EQ(bs_json_member(root, "format_version", &value, &err), BS_OK);
    CHECK_INT_EQ(bs_json_integer(value, &integer, &err), BS_OK);
    CHECK_INT_EQ(integer, 1);
    CHECK_INT_EQ(bs_json_member(root, "big", &value, &err), BS_OK);
    CHECK_INT_EQ(bs_json_integer(value, &integer, &err), BS_OK);
    CHECK(integer == INT64_MAX);
    CHECK_INT_EQ(bs_json_member(root, "low", &value, &err), BS_OK);
    CHECK_INT_EQ(bs_json_integer(value, &integer, &err), BS_OK);
    CHECK(integer == INT64_MIN);
    bool flag = true;
    CHECK_INT_EQ(bs_json_member(root, "redacted", &value, &err), BS_OK);
    CHECK_INT_EQ(bs_json_bool(value, &flag, &err), BS_OK);
    CHECK(!flag);
    CHECK_INT_EQ(bs_json_member(root, "ok", &value, &err), BS_OK);
    CHECK_INT_EQ(bs_json_bool(value, &flag, &err), BS_OK);
    CHECK(flag);
    CHECK_INT_EQ(bs_json_member(root, "since", &value, &err), BS_OK);
    CHECK(bs_json_is_null(value));
    CHECK(!bs_json_is_null(root));
    CHECK(!bs_json_is_null(NULL));
    CHECK_INT_EQ(bs_json_member(root, "real", &value, &err), BS_OK);
    CHECK_INT_EQ(bs_json_type_of(value), BS_JSON_REAL);

    CHECK_INT_EQ(bs_json_member(root, "name", &value, &err), BS_OK);
    const char *text = NULL;
    size_t length = 0;
    CHECK_INT_EQ(bs_json_string(value, &text, &length, &err), BS_OK);
    CHECK_STR_EQ(text, "caf\xC3\xA9 \xF0\x9F\x98\x80 \"q\" \x1b");
    CHECK_INT_EQ(length, strlen(text));
    char *copy = NULL;
    CHECK_INT_EQ(bs_json_string_copy(value, &copy, &err), BS_OK);
    CHECK_STR_EQ(copy, text);
    CHECK(copy != text);
    free(copy);

    const struct bs_json_value *threads = NULL;
    size_t count = 0;
    CHECK_INT_EQ(bs_json_member(root, "threads", &threads, &err), BS_OK);
    CHECK_INT_EQ(bs_json_array_length(threads, &count, &err), BS_OK);
    CHECK_INT_EQ(count, 2);
    const struct bs_json_value *item = NULL;
    CHECK_INT_EQ(bs_json_array_item(threads, 1, &item, &err), BS_OK);
    CHECK_INT_EQ(bs_json_member(item, "chat_id", &value, &err), BS_OK);
    CHECK_INT_EQ(bs_json_integer(value, &integer, &err), BS_OK);
    CHECK_INT_EQ(integer, -1);
    CHECK_INT_EQ(bs_json_array_item(threads, 2, &item, &err), BS_ERR_NOT_FOUND);
    CHECK_INT_EQ(bs_json_member(root, "missing", &value, &err), BS_ERR_NOT_FOUND);
    CHECK_STR_EQ(err.message, "no member \"missing\"");

    /* Members come in document order. */
    static const char *const keys[] = {
        "format_version", "redacted", "since", "name", "ok", "big", "low",
        "real",           "threads",  "empty"};
    void *cursor = NULL;
    const char *key = NULL;
    size_t seen = 0;
    while (bs_json_object_next(root, &cursor, &key, &value)) {
        if (seen < sizeof(keys) / sizeof(keys[0])) {
            CHECK_STR_EQ(key, keys[seen]);
        }
        seen++;
    }
    CHECK_INT_EQ(seen, sizeof(keys) / sizeof(keys[0]));
    const struct bs_json_value *empty = NULL;
    CHECK_INT_EQ(bs_json_member(root, "empty", &empty, &err), BS_OK);
    cursor = NULL;
    CHECK(!bs_json_object_next(empty, &cursor, &key, &value));
    cursor = NULL;
    CHECK(!bs_json_object_next(threads, &cursor, &key, &value)); /* not an object */
    bs_json_doc_free(doc);
    bs_json_doc_free(NULL);

    /* Any value at the top. */
    doc = parse(" \"only\" ", BS_OK);
    if (doc != NULL) {
        CHECK_INT_EQ(bs_json_type_of(bs_json_doc_root(doc)), BS_JSON_STRING);
    }
    bs_json_doc_free(doc);
}

static void test_read_wrong_types(void)
{
    struct bs_json_doc *doc =
        parse("{\"s\": \"1\", \"i\": 1, \"r\": 1.0, \"b\": true, \"n\": null, \"a\": []}", BS_OK);
    if (doc == NULL) {
        return;
    }
    const struct bs_json_value *root = bs_json_doc_root(doc);
    const struct bs_json_value *s = NULL, *i = NULL, *r = NULL, *b = NULL, *n = NULL, *a = NULL;
    struct bs_error err = {BS_OK, ""};
    CHECK_INT_EQ(bs_json_member(root, "s", &s, &err), BS_OK);
    CHECK_INT_EQ(bs_json_member(root, "i", &i, &err), BS_OK);
    CHECK_INT_EQ(bs_json_member(root, "r", &r, &err), BS_OK);
    CHECK_INT_EQ(bs_json_member(root, "b", &b, &err), BS_OK);
    CHECK_INT_EQ(bs_json_member(root, "n", &n, &err), BS_OK);
    CHECK_INT_EQ(bs_json_member(root, "a", &a, &err), BS_OK);
    int64_t integer = 42;
    bool flag = false;
    const char *text = NULL;
    char *copy = NULL;
    size_t length = 7;
    const struct bs_json_value *value = NULL;
    CHECK_INT_EQ(bs_json_integer(s, &integer, &err), BS_ERR_FORMAT);
    CHECK_STR_EQ(err.message, "expected an integer, found a string");
    CHECK_INT_EQ(bs_json_integer(r, &integer, &err), BS_ERR_FORMAT); /* 1.0 is not 1 */
    CHECK_INT_EQ(bs_json_integer(b, &integer, &err), BS_ERR_FORMAT);
    CHECK_INT_EQ(bs_json_integer(n, &integer, &err), BS_ERR_FORMAT);
    CHECK_INT_EQ(integer, 42); /* outputs untouched on failure */
    CHECK_INT_EQ(bs_json_bool(i, &flag, &err), BS_ERR_FORMAT);
    CHECK_INT_EQ(bs_json_bool(n, &flag, &err), BS_ERR_FORMAT);
    CHECK_INT_EQ(bs_json_string(i, &text, &length, &err), BS_ERR_FORMAT);
    CHECK_INT_EQ(bs_json_string(n, &text, &length, &err), BS_ERR_FORMAT);
    CHECK_INT_EQ(bs_json_string_copy(a, &copy, &err), BS_ERR_FORMAT);
    CHECK(text == NULL && copy == NULL && length == 7);
    CHECK_INT_EQ(bs_json_member(a, "x", &value, &err), BS_ERR_FORMAT);
    CHECK_STR_EQ(err.message, "expected an object, found an array");
    CHECK_INT_EQ(bs_json_array_length(root, &length, &err), BS_ERR_FORMAT);
    CHECK_STR_EQ(err.message, "expected an array, found an object");
    CHECK_INT_EQ(bs_json_array_item(s, 0, &value, &err), BS_ERR_FORMAT);
    CHECK(value == NULL);
    /* A missing value (NULL) is refused by every accessor, so lookups can chain. */
    CHECK_INT_EQ(bs_json_member(NULL, "x", &value, &err), BS_ERR_FORMAT);
    CHECK_STR_EQ(err.message, "expected an object, found nothing");
    CHECK_INT_EQ(bs_json_array_length(NULL, &length, &err), BS_ERR_FORMAT);
    CHECK_INT_EQ(bs_json_integer(NULL, &integer, &err), BS_ERR_FORMAT);
    CHECK_INT_EQ(bs_json_bool(NULL, &flag, &err), BS_ERR_FORMAT);
    CHECK_INT_EQ(bs_json_string(NULL, &text, NULL, &err), BS_ERR_FORMAT);
    bs_json_doc_free(doc);
}

static void test_read_malformed(void)
{
    static const char *const inputs[] = {
        "",
        "   ",
        "{",
        "{\"a\": 1,}",
        "[1, 2",
        "{} {}",                 /* bytes after the document */
        "{\"a\": 1} x",          /* the same */
        "{'a': 1}",              /* single quotes */
        "{a: 1}",                /* bare key */
        "[NaN]",                 /* not JSON numbers */
        "[01]",                  /* leading zero */
        "[1e999]",               /* a real out of range */
        "// c\n{}",              /* comments */
        "\xEF\xBB\xBF{}",        /* a byte order mark */
        "[\"a\tb\"]",            /* a raw control character in a string */
        "[\"\\x41\"]",           /* not a JSON escape */
        "[\"\\ud800\"]",         /* a lone surrogate */
        "[\"\xC3\x28\"]",        /* invalid UTF-8 */
        "[\"\xED\xA0\x80\"]",    /* a surrogate in UTF-8 */
        "[9223372036854775808]", /* does not fit in 64 bits */
        "[-9223372036854775809]",
        "{\"a\": 1, \"a\": 2}", /* a key that means two things */
        "[\"x\\u0000y\"]",      /* NUL: refused, not truncated */
        "{\"x\\u0000y\": 1}",   /* NUL in a key */
    };
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        bs_json_doc_free(parse(inputs[i], BS_ERR_FORMAT));
    }
    /* A raw NUL byte inside the buffer (length given, so it is not the end). */
    struct bs_json_doc *doc = NULL;
    struct bs_error err = {BS_OK, ""};
    CHECK_INT_EQ(bs_json_doc_parse("[\"a\0b\"]", 7, &doc, &err), BS_ERR_FORMAT);
    CHECK_INT_EQ(bs_json_doc_parse("{}\0", 3, &doc, &err), BS_ERR_FORMAT);
    CHECK(doc == NULL);
    /* The message says where, and quotes no raw control character from the input. */
    const char *hostile = "{\n  \"a\": \x1b[31m}";
    CHECK_INT_EQ(bs_json_doc_parse(hostile, strlen(hostile), &doc, &err), BS_ERR_FORMAT);
    CHECK(strncmp(err.message, "not valid JSON at line 2, column ", 33) == 0);
    CHECK(strchr(err.message, '\x1b') == NULL);
}

static void test_read_limits(void)
{
    /* Depth: BS_MAX_JSON_DEPTH levels parse, one more does not; brackets in strings do not
     * count. */
    struct bs_strbuf text = {0};
    for (int i = 0; i < BS_MAX_JSON_DEPTH; i++) {
        bs_strbuf_append_str(&text, i % 2 == 0 ? "[" : "{\"k\":");
    }
    bs_strbuf_append_str(&text, "0");
    for (int i = BS_MAX_JSON_DEPTH - 1; i >= 0; i--) {
        bs_strbuf_append_str(&text, i % 2 == 0 ? "]" : "}");
    }
    bs_json_doc_free(parse(bs_strbuf_str(&text), BS_OK));
    bs_strbuf_reset(&text);
    for (int i = 0; i <= BS_MAX_JSON_DEPTH; i++) {
        bs_strbuf_append_str(&text, "[");
    }
    for (int i = 0; i <= BS_MAX_JSON_DEPTH; i++) {
        bs_strbuf_append_str(&text, "]");
    }
    bs_json_doc_free(parse(bs_strbuf_str(&text), BS_ERR_LIMIT));
    bs_strbuf_reset(&text);
    /* Far deeper than jansson's own limit: refused before jansson runs, and fast. */
    for (int i = 0; i < 1000000; i++) {
        bs_strbuf_append(&text, "[", 1);
    }
    bs_json_doc_free(parse(bs_strbuf_str(&text), BS_ERR_LIMIT));
    bs_strbuf_reset(&text);
    bs_strbuf_append_str(&text, "[\"");
    for (int i = 0; i < 100; i++) {
        bs_strbuf_append_str(&text, "[{\\\"");
    }
    bs_strbuf_append_str(&text, "\"]");
    bs_json_doc_free(parse(bs_strbuf_str(&text), BS_OK));
    bs_strbuf_reset(&text);

    /* Values and size. Exactly at a limit the input goes on to jansson, one over it does not:
     * with a token that is not JSON in front, jansson stops at once (BS_ERR_FORMAT) instead
     * of building a tree of millions of values, so the test stays quick under ASan. */
    bs_strbuf_append(&text, "x[", 2);
    for (int i = 0; i < BS_MAX_JSON_VALUES - 1; i++) {
        bs_strbuf_append(&text, i == 0 ? "0" : ",0", i == 0 ? 1 : 2);
    }
    bs_strbuf_append(&text, "]", 1);
    CHECK(!text.failed);
    bs_json_doc_free(parse(bs_strbuf_str(&text), BS_ERR_FORMAT));
    text.data[text.length - 1] = ',';
    bs_strbuf_append(&text, "0]", 2);
    bs_json_doc_free(parse(bs_strbuf_str(&text), BS_ERR_LIMIT));
    bs_strbuf_free(&text);
    bs_json_doc_free(parse("[[],{},[0,{\"a\":[1,2]}]]", BS_OK));

    size_t size = (size_t)BS_MAX_JSON_BYTES + 1;
    char *big = malloc(size);
    CHECK(big != NULL);
    if (big != NULL) {
        memset(big, ' ', size);
        big[0] = 'x';
        struct bs_json_doc *doc = NULL;
        struct bs_error err = {BS_OK, ""};
        CHECK_INT_EQ(bs_json_doc_parse(big, size, &doc, &err), BS_ERR_LIMIT);
        CHECK_INT_EQ(bs_json_doc_parse(big, size - 1, &doc, &err), BS_ERR_FORMAT);
        CHECK(doc == NULL);
        free(big);
    }
}

/* Writes text to a new file in a new temporary folder; returns its path (owned). */
static char *temp_file(const char *text, size_t length)
{
    char folder[] = "/tmp/bs_json_io_XXXXXX";
    if (mkdtemp(folder) == NULL) {
        return NULL;
    }
    struct bs_strbuf path = {0};
    bs_strbuf_appendf(&path, "%s/report.json", folder);
    int fd = open(bs_strbuf_str(&path), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && (length == 0 || write(fd, text, length) == (ssize_t)length);
    if (fd >= 0) {
        (void)close(fd);
    }
    return ok ? bs_strbuf_take(&path) : NULL;
}

static void remove_temp_file(char *path)
{
    if (path != NULL) {
        (void)unlink(path);
        char *slash = strrchr(path, '/');
        *slash = '\0';
        (void)rmdir(path);
        free(path);
    }
}

static void test_read_file(void)
{
    struct bs_json_doc *doc = NULL;
    struct bs_error err = {BS_OK, ""};
    char *path = temp_file("{\"a\": [1, 2, 3]}\n", 17);
    CHECK(path != NULL);
    if (path == NULL) {
        return;
    }
    CHECK_INT_EQ(bs_json_doc_read_file(path, &doc, &err), BS_OK);
    const struct bs_json_value *a = NULL;
    size_t length = 0;
    CHECK_INT_EQ(bs_json_member(bs_json_doc_root(doc), "a", &a, &err), BS_OK);
    CHECK_INT_EQ(bs_json_array_length(a, &length, &err), BS_OK);
    CHECK_INT_EQ(length, 3);
    bs_json_doc_free(doc);
    doc = NULL;
    /* A file over the limit is refused from its size, before it is read: a sparse file. */
    CHECK(truncate(path, (off_t)BS_MAX_JSON_BYTES + 1) == 0);
    CHECK_INT_EQ(bs_json_doc_read_file(path, &doc, &err), BS_ERR_LIMIT);
    CHECK(truncate(path, 0) == 0);
    CHECK_INT_EQ(bs_json_doc_read_file(path, &doc, &err), BS_ERR_FORMAT); /* empty */
    CHECK(doc == NULL);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    CHECK_INT_EQ(bs_json_doc_read_file(path, &doc, &err), BS_ERR_IO); /* a folder */
    *slash = '/';
    remove_temp_file(path);
    CHECK_INT_EQ(bs_json_doc_read_file("/nonexistent/report.json", &doc, &err), BS_ERR_NOT_FOUND);
    CHECK(doc == NULL);
}

/* Hostile strings written by the adapter read back as they were (after the UTF-8 repair). */
static void test_round_trip(void)
{
    static const char *const raws[] = {
        "\x1b]0;title\x07", "\"\\", "\xE2\x80\xAE\xE2\x81\xA6", "\xF0\x9F\x98\x80", "\\u0041",
        "\x7f\x01\x1f",     "/"};
    size_t count = sizeof(raws) / sizeof(raws[0]);
    struct bs_strbuf text = {0};
    bs_strbuf_append_str(&text, "[");
    for (size_t i = 0; i < count; i++) {
        bs_strbuf_append_str(&text, i > 0 ? "," : "");
        CHECK(bs_json_append_string(&text, raws[i], strlen(raws[i])));
    }
    bs_strbuf_append_str(&text, "]");
    struct bs_json_doc *doc = parse(bs_strbuf_str(&text), BS_OK);
    bs_strbuf_free(&text);
    if (doc == NULL) {
        return;
    }
    struct bs_error err = {BS_OK, ""};
    for (size_t i = 0; i < count; i++) {
        const struct bs_json_value *item = NULL;
        const char *got = NULL;
        CHECK_INT_EQ(bs_json_array_item(bs_json_doc_root(doc), i, &item, &err), BS_OK);
        CHECK_INT_EQ(bs_json_string(item, &got, NULL, &err), BS_OK);
        CHECK_STR_EQ(got, raws[i]);
    }
    bs_json_doc_free(doc);
}

/* A whole report written by report_json.c is read back by the reader --compare will use. */
static void test_report_read_back(void)
{
    struct bs_scan_report report;
    memset(&report, 0, sizeof(report));
    struct bs_scan_result *r = &report.result;
    r->thread_count = 1;
    r->threads = calloc(1, sizeof(struct bs_thread));
    if (r->threads == NULL) {
        return;
    }
    r->threads[0].chat_id = 7;
    r->threads[0].guid = bs_strdup("SMS;-;x");
    r->threads[0].name = bs_strdup("Ok \xC3\x28 \"q\" \x1b[1m");
    r->threads[0].risk = BS_RISK_MEDIUM;
    char *written = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&written, &size);
    CHECK(out != NULL);
    if (out == NULL) {
        bs_scan_report_clear(&report);
        return;
    }
    struct bs_report_json_context context = {.version = "9.9", .source_label = "x.db"};
    struct bs_error err = {BS_OK, ""};
    struct bs_report_model model;
    CHECK_INT_EQ(bs_report_model_build(&report.result, &report.backup, &model, &err), BS_OK);
    CHECK_INT_EQ(bs_report_json_write(&report, &model, &context, out, &err), BS_OK);
    bs_report_model_clear(&model);
    fclose(out);
    struct bs_json_doc *doc = NULL;
    CHECK_INT_EQ(bs_json_doc_parse(written, size, &doc, &err), BS_OK);
    free(written);
    const struct bs_json_value *root = bs_json_doc_root(doc);
    const struct bs_json_value *value = NULL;
    const struct bs_json_value *threads = NULL;
    int64_t integer = 0;
    CHECK_INT_EQ(bs_json_member(root, "format_version", &value, &err), BS_OK);
    CHECK_INT_EQ(bs_json_integer(value, &integer, &err), BS_OK);
    CHECK_INT_EQ(integer, BS_REPORT_JSON_FORMAT_VERSION);
    CHECK_INT_EQ(bs_json_member(root, "threads", &threads, &err), BS_OK);
    CHECK_INT_EQ(bs_json_array_item(threads, 0, &value, &err), BS_OK);
    const struct bs_json_value *thread = value;
    const char *text = NULL;
    CHECK_INT_EQ(bs_json_member(thread, "chat_guid", &value, &err), BS_OK);
    CHECK_INT_EQ(bs_json_string(value, &text, NULL, &err), BS_OK);
    CHECK_STR_EQ(text, "SMS;-;x");
    CHECK_INT_EQ(bs_json_member(thread, "name", &value, &err), BS_OK);
    CHECK_INT_EQ(bs_json_string(value, &text, NULL, &err), BS_OK);
    CHECK_STR_EQ(text, "Ok \\xC3( \"q\" \x1b[1m");
    CHECK_INT_EQ(bs_json_member(root, "device", &value, &err), BS_OK);
    CHECK(bs_json_is_null(value));
    bs_json_doc_free(doc);
    bs_scan_report_clear(&report);
}

int main(void)
{
    test_append_string();
    test_read_well_formed();
    test_read_wrong_types();
    test_read_malformed();
    test_read_limits();
    test_read_file();
    test_round_trip();
    test_report_read_back();
    return check_report("json_io");
}
