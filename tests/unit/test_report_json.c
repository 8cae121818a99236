/* Tests of the JSON output's strings: SQLite's json_quote() through the adapter (quotes,
 * backslashes, control characters), invalid UTF-8 made valid first (text.h), and a report
 * written for a small hand-made scan. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/base/text.h"
#include "core/report/report_json.h"
#include "core/store/sqlite_db.h"

static void test_quote(void)
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
        {"caf\xC3\xA9 \xE2\x80\xAE", "\"caf\xC3\xA9 \xE2\x80\xAE\""}, /* valid UTF-8 stays */
        {"", "\"\""},
    };
    struct bs_sqlite_json *json = NULL;
    struct bs_error err = {BS_OK, ""};
    CHECK_INT_EQ(bs_sqlite_json_create(&json, &err), BS_OK);
    if (json == NULL) {
        return;
    }
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct bs_strbuf out = {0};
        CHECK(bs_sqlite_json_quote(json, rows[i].raw, &out));
        CHECK_STR_EQ(bs_strbuf_str(&out), rows[i].json);
        bs_strbuf_free(&out);
    }
    struct bs_strbuf out = {0};
    CHECK(bs_sqlite_json_quote(json, NULL, &out));
    CHECK_STR_EQ(bs_strbuf_str(&out), "null");
    bs_strbuf_free(&out);
    /* Thousands of strings through one prepared statement. */
    for (int i = 0; i < 5000; i++) {
        CHECK(bs_sqlite_json_quote(json, "+15555550123", &out));
    }
    CHECK_INT_EQ(out.length, 5000 * 14);
    bs_strbuf_free(&out);
    bs_sqlite_json_free(json);
}

static void test_utf8(void)
{
    static const struct {
        const char *raw;
        const char *valid;
    } rows[] = {
        {"Ok \xC3\x28", "Ok \\xC3("},
        {"\xE2\x82", "\\xE2\\x82"},          /* a sequence cut short */
        {"\xC0\xAF", "\\xC0\\xAF"},          /* overlong */
        {"\xED\xA0\x80", "\\xED\\xA0\\x80"}, /* a surrogate */
        {"\x1b\x7f", "\x1b\x7f"},            /* controls stay: JSON escapes them */
        {"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct bs_strbuf out = {0};
        bs_strbuf_append_utf8(&out, rows[i].raw);
        CHECK_STR_EQ(bs_strbuf_str(&out), rows[i].valid);
        bs_strbuf_free(&out);
    }
}

static void test_write(void)
{
    struct bs_scan_report report;
    memset(&report, 0, sizeof(report));
    struct bs_scan_result *r = &report.result;
    r->thread_count = 1;
    r->threads = calloc(1, sizeof(struct bs_thread));
    r->threads[0].chat_id = 7;
    r->threads[0].guid = bs_strdup("SMS;-;x");
    r->threads[0].name = bs_strdup("Ok \xC3\x28 \"q\"");
    r->threads[0].risk = BS_RISK_MEDIUM;
    r->threads[0].reasons = 1u << 2;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    CHECK(out != NULL);
    if (out == NULL) {
        return;
    }
    struct bs_report_json_context context = {.version = "9.9", .source_label = "x.db"};
    struct bs_error err = {BS_OK, ""};
    struct bs_report_model model;
    CHECK_INT_EQ(bs_report_model_build(&report.result, &report.backup, &model, &err), BS_OK);
    CHECK_INT_EQ(bs_report_json_write(&report, &model, &context, out, &err), BS_OK);
    fclose(out);
    CHECK(strncmp(text, "{\n  \"format_version\": 1,", 24) == 0);
    CHECK(strstr(text, "\"name\": \"Ok \\\\xC3( \\\"q\\\"\"") != NULL);
    CHECK(strstr(text, "\"reasons\": [\"sms-thread\"]") != NULL);
    CHECK(strstr(text, "\"device\": null") != NULL);
    CHECK(size > 2 && strcmp(text + size - 2, "}\n") == 0);
    free(text);
    bs_report_model_clear(&model);
    bs_scan_report_clear(&report);
}

int main(void)
{
    test_quote();
    test_utf8();
    test_write();
    return check_report("report_json");
}
