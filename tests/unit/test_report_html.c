/* Tests of core/report_html: the escaper (markup, quotes, control characters, invalid UTF-8,
 * bidirectional overrides, clipping at a character boundary) and a page written for a small
 * hand-made scan: self-contained, no script, hostile names escaped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/base/text.h"
#include "core/report/report_html.h"

static void test_escape(void)
{
    static const struct {
        const char *raw;
        size_t max_bytes;
        const char *html;
    } rows[] = {
        {"Family", 0, "Family"},
        {"<script>alert('x')</script>", 0, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"},
        {"a & b \"c\"", 0, "a &amp; b &quot;c&quot;"},
        {"\x1b[31mred\x07", 0, "\\x1B[31mred\\x07"},
        {"bad \xC3\x28", 0, "bad \\xC3("},
        {"\xE2\x80\xAE"
         "evil",
         0, "\\u{202E}evil"},
        {"caf\xC3\xA9", 0, "caf\xC3\xA9"},
        {"abcdef", 3, "abc\xE2\x80\xA6"},
        {"\xC3\xA9\xC3\xA9", 3, "\xC3\xA9\xE2\x80\xA6"}, /* never half a character */
        {"<<", 1, "&lt;\xE2\x80\xA6"},
        {"", 0, ""},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct bs_strbuf out = {0};
        bs_report_html_escape(&out, rows[i].raw, rows[i].max_bytes);
        CHECK_STR_EQ(bs_strbuf_str(&out), rows[i].html);
        bs_strbuf_free(&out);
    }
    struct bs_strbuf out = {0};
    bs_report_html_escape(&out, NULL, 0);
    CHECK_INT_EQ(out.length, 0);
    bs_strbuf_free(&out);
}

static void test_page(void)
{
    struct bs_scan_report report;
    memset(&report, 0, sizeof(report));
    struct bs_scan_result *r = &report.result;
    r->handle_count = 1;
    r->handles = calloc(1, sizeof(struct bs_handle));
    r->handles[0].id = bs_strdup("<img src=x onerror=alert(1)>");
    r->handles[0].normalized_id = bs_strdup("");
    r->person_count = 1;
    r->persons = calloc(1, sizeof(struct bs_person));
    r->thread_count = 1;
    r->threads = calloc(1, sizeof(struct bs_thread));
    struct bs_thread *t = &r->threads[0];
    t->chat_id = 1;
    t->guid = bs_strdup("SMS;+;chat1");
    t->name = bs_strdup("</title><script>alert(1)</script>");
    t->kind = BS_KIND_GROUP;
    t->risk = BS_RISK_CRITICAL;
    t->member_count = 1;
    t->members = calloc(1, sizeof(struct bs_member));
    t->non_imessage_count = 1;
    t->counts[BS_TRANSPORT_MMS] = 3;
    r->counts[BS_TRANSPORT_MMS] = 3;
    r->counted_messages = 3;
    char *page = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&page, &size);
    CHECK(out != NULL);
    if (out == NULL) {
        return;
    }
    struct bs_report_html_context context = {.version = "9.9", .source_label = "a\"b<c>.db"};
    struct bs_error err = {BS_OK, ""};
    struct bs_report_model model;
    CHECK_INT_EQ(bs_report_model_build(&report.result, &report.backup, &model, &err), BS_OK);
    CHECK_INT_EQ(bs_report_html_write(&report, &model, &context, out, &err), BS_OK);
    fclose(out);
    CHECK(strncmp(page, "<!DOCTYPE html>", 15) == 0);
    CHECK(strstr(page, "Content-Security-Policy") != NULL);
    CHECK(strstr(page, "<script") == NULL);
    CHECK(strstr(page, "<img") == NULL);
    CHECK(strstr(page, "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
    CHECK(strstr(page, "a&quot;b&lt;c&gt;.db") != NULL);
    CHECK(strstr(page, "http://") == NULL && strstr(page, "https://") == NULL);
    CHECK(strstr(page, "</html>\n") != NULL);
    free(page);
    bs_report_model_clear(&model);
    bs_scan_report_clear(&report);
}

int main(void)
{
    test_escape();
    test_page();
    return check_report("report_html");
}
