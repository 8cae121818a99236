/*
 * The reader of earlier reports (core/report/compare_read.h): what it takes from a report of
 * format 1 or 2, and each way it refuses one, with its status and message.
 */
#include <string.h>

#include "check.h"
#include "core/report/compare_read.h"

static enum bs_status read_text(const char *text, struct bs_old_report *old, struct bs_error *err)
{
    return bs_compare_read_bytes(text, strlen(text), old, err);
}

static void test_accepted(void)
{
    static const char *const reports[] = {
        "{\"format_version\": 1, \"redacted\": false, \"generator\": {\"name\": \"bubblescan\"}, "
        "\"threads\": ["
        "{\"chat_guid\": \"any;+;1\", \"name\": \"Family\", \"risk\": \"critical\","
        " \"last_message\": \"2026-01-14T06:20:00Z\", \"members\": []},"
        "{\"chat_guid\": \"any;-;2\", \"name\": null, \"risk\": \"none\","
        " \"last_message\": null, \"apple\": {\"hybrid\": true}}]}",
        "{\"generator\": {\"name\": \"bubblescan\"}, \"threads\": [{\"last_message\": "
        "\"2026-01-14T06:20:00Z\", \"risk\": \"critical\","
        " \"name\": \"Family\", \"chat_guid\": \"any;+;1\", \"months\": []},"
        "{\"chat_guid\": \"any;-;2\", \"name\": \"\", \"risk\": \"none\", \"last_message\": null,"
        " \"ongoing\": false}], \"redacted\": false, \"format_version\": 2}",
    };
    for (size_t i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
        struct bs_old_report old;
        struct bs_error err = {BS_OK, ""};
        CHECK_INT_EQ(read_text(reports[i], &old, &err), BS_OK);
        CHECK_INT_EQ(old.format_version, (int64_t)i + 1);
        CHECK_INT_EQ(old.thread_count, 2);
        if (old.thread_count == 2) {
            CHECK_STR_EQ(old.threads[0].chat_guid, "any;+;1");
            CHECK_STR_EQ(old.threads[0].name, "Family");
            CHECK_INT_EQ(old.threads[0].risk, BS_RISK_CRITICAL);
            CHECK(old.threads[0].last_message.is_known);
            CHECK_INT_EQ(old.threads[0].last_message.unix_seconds, 1768371600);
            CHECK_STR_EQ(old.threads[1].name, "");
            CHECK(!old.threads[1].last_message.is_known);
            CHECK_INT_EQ(bs_compare_cutoff(&old).unix_seconds, 1768371600);
        }
        bs_old_report_clear(&old);
    }
}

static void test_refused(void)
{
    static const struct {
        const char *text;
        enum bs_status status;
        const char *message;
    } rows[] = {
        {"", BS_ERR_FORMAT, "not valid JSON"},
        {"{\"format_version\": 1,", BS_ERR_FORMAT, "not valid JSON"},
        {"[1, 2]", BS_ERR_FORMAT, "not a bubblescan report: the document is an array"},
        {"{\"name\": \"left-pad\"}", BS_ERR_FORMAT,
         "not a bubblescan report: no \"format_version\""},
        {"{\"format_version\": \"1\"}", BS_ERR_FORMAT,
         "not a bubblescan report: format_version: expected an integer, found a string"},
        {"{\"format_version\": 3, \"redacted\": false, \"threads\": []}", BS_ERR_FORMAT,
         "not a bubblescan report: format_version 3"},
        {"{\"format_version\": 1.0, \"redacted\": false, \"threads\": []}", BS_ERR_FORMAT,
         "not a bubblescan report: format_version: expected an integer"},
        {"{\"format_version\": 1, \"threads\": []}", BS_ERR_FORMAT,
         "not a bubblescan report: no \"redacted\""},
        {"{\"format_version\": 1, \"redacted\": true, \"threads\": []}", BS_ERR_UNSUPPORTED,
         "a redacted report"},
        /* Shaped like ours but written by something else, or by nobody said. */
        {"{\"format_version\": 2, \"redacted\": false, \"threads\": []}", BS_ERR_FORMAT,
         "not a bubblescan report: no \"generator.name\""},
        {"{\"format_version\": 2, \"redacted\": false, \"generator\": {\"name\": \"other\"},"
         " \"threads\": []}",
         BS_ERR_FORMAT, "not a bubblescan report: its generator is not bubblescan"},
        {"{\"generator\": {\"name\": \"bubblescan\"}, \"format_version\": 1, \"redacted\": false}",
         BS_ERR_FORMAT, "not a bubblescan report: no \"threads\""},
        {"{\"generator\": {\"name\": \"bubblescan\"}, \"format_version\": 1, \"redacted\": false, "
         "\"threads\": {}}",
         BS_ERR_FORMAT, "not a bubblescan report: threads: expected an array, found an object"},
        {"{\"generator\": {\"name\": \"bubblescan\"}, \"format_version\": 1, \"redacted\": false, "
         "\"threads\": [7]}",
         BS_ERR_FORMAT, "not a bubblescan report: threads[0] is an integer, not an object"},
        {"{\"generator\": {\"name\": \"bubblescan\"}, \"format_version\": 1, \"redacted\": false, "
         "\"threads\": [{\"name\": \"x\"}]}",
         BS_ERR_FORMAT, "not a bubblescan report: threads[0] has no \"chat_guid\""},
        {"{\"generator\": {\"name\": \"bubblescan\"}, \"format_version\": 1, \"redacted\": false, "
         "\"threads\": [{\"chat_guid\": null}]}",
         BS_ERR_FORMAT, "not a bubblescan report: threads[0].chat_guid: expected a string"},
        {"{\"generator\": {\"name\": \"bubblescan\"}, \"format_version\": 1, \"redacted\": false, "
         "\"threads\": [{\"chat_guid\": \"g\","
         " \"name\": \"n\", \"risk\": \"severe\", \"last_message\": null}]}",
         BS_ERR_FORMAT, "not a bubblescan report: threads[0].risk is not a risk"},
        {"{\"generator\": {\"name\": \"bubblescan\"}, \"format_version\": 1, \"redacted\": false, "
         "\"threads\": [{\"chat_guid\": \"g\","
         " \"name\": \"n\", \"risk\": \"low\", \"last_message\": \"yesterday\"}]}",
         BS_ERR_FORMAT, "not a bubblescan report: threads[0].last_message is not a date"},
        /* Dates bs_date_parse takes for --since, but the writer never writes. */
        {"{\"generator\": {\"name\": \"bubblescan\"}, \"format_version\": 1, \"redacted\": false, "
         "\"threads\": [{\"chat_guid\": \"g\","
         " \"name\": \"n\", \"risk\": \"low\", \"last_message\": \"2019-06-01\"}]}",
         BS_ERR_FORMAT, "not a bubblescan report: threads[0].last_message is not a date"},
        {"{\"generator\": {\"name\": \"bubblescan\"}, \"format_version\": 1, \"redacted\": false, "
         "\"threads\": [{\"chat_guid\": \"g\","
         " \"name\": \"n\", \"risk\": \"low\", \"last_message\": \"2019-06-01 12:00:00\"}]}",
         BS_ERR_FORMAT, "not a bubblescan report: threads[0].last_message is not a date"},
        {"{\"generator\": {\"name\": \"bubblescan\"}, \"format_version\": 1, \"redacted\": false, "
         "\"threads\": [{\"chat_guid\": \"g\","
         " \"name\": \"n\", \"risk\": \"low\", \"last_message\": \"1969-12-31T00:00:00Z\"}]}",
         BS_ERR_FORMAT, "not a bubblescan report: threads[0].last_message is not a date"},
        {"{\"format_version\": 1, \"format_version\": 1}", BS_ERR_FORMAT, "not valid JSON"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct bs_old_report old;
        struct bs_error err = {BS_OK, ""};
        enum bs_status status = read_text(rows[i].text, &old, &err);
        CHECK_INT_EQ(status, rows[i].status);
        CHECK_INT_EQ(err.status, rows[i].status);
        if (strncmp(err.message, rows[i].message, strlen(rows[i].message)) != 0) {
            CHECK_STR_EQ(err.message, rows[i].message);
        }
        CHECK_INT_EQ(old.thread_count, 0);
        CHECK(old.threads == NULL);
    }
}

static void test_file(void)
{
    struct bs_old_report old;
    struct bs_error err = {BS_OK, ""};
    CHECK_INT_EQ(bs_compare_read_file(BS_FIXTURE_DIR "/compare/demo_old.json", &old, &err), BS_OK);
    CHECK_INT_EQ(old.thread_count, 7);
    CHECK_INT_EQ(bs_compare_cutoff(&old).unix_seconds, 1768371600); /* 2026-01-14T06:20:00Z */
    bs_old_report_clear(&old);
    CHECK_INT_EQ(bs_compare_read_file(BS_FIXTURE_DIR "/compare/none.json", &old, &err),
                 BS_ERR_NOT_FOUND);
    CHECK_INT_EQ(bs_compare_read_file(BS_FIXTURE_DIR "/compare", &old, &err), BS_ERR_IO);
}

int main(void)
{
    test_accepted();
    test_refused();
    test_file();
    return check_report("compare_read");
}
