/* Tests of the JSON output: invalid UTF-8 made valid first (text.h), and a report written for
 * a small hand-made scan. The string literals themselves are test_json_io.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/base/text.h"
#include "core/report/report_json.h"

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
    CHECK(strncmp(text, "{\n  \"format_version\": 2,", 24) == 0);
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
    test_utf8();
    test_write();
    return check_report("report_json");
}
