/* Tests of core/redact: the mask of each kind of id, the pseudonyms of people, groups and
 * guids on a small hand-made scan, and that they are the same on a second run. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/base/text.h"
#include "core/report/redact.h"

#define DOT "\xE2\x80\xA2"

static void test_masks(void)
{
    static const struct {
        const char *normalized;
        enum bs_id_kind kind;
        const char *mask;
    } rows[] = {
        {"+15551234567", BS_ID_PHONE, "+1" DOT DOT DOT DOT DOT DOT DOT "67"},
        {"+447700900123", BS_ID_PHONE, "+44" DOT DOT DOT DOT DOT DOT DOT "23"},
        {"+353871234567", BS_ID_PHONE, "+353" DOT DOT DOT DOT DOT DOT DOT "67"},
        {"+71234567890", BS_ID_PHONE, "+7" DOT DOT DOT DOT DOT DOT DOT "90"},
        {"+1234", BS_ID_PHONE, "+1" DOT DOT DOT DOT DOT DOT DOT}, /* too short for a tail */
        {"5551234567", BS_ID_PHONE, DOT DOT DOT DOT DOT DOT DOT "67"},
        {"alice@example.com", BS_ID_EMAIL, "a" DOT DOT DOT "@" DOT DOT DOT ".com"},
        {"bob@mail.co.uk", BS_ID_EMAIL, "b" DOT DOT DOT "@" DOT DOT DOT ".uk"},
        {"_x@host", BS_ID_EMAIL, DOT DOT DOT DOT "@" DOT DOT DOT},
        {"x@host.c0m", BS_ID_EMAIL, "x" DOT DOT DOT "@" DOT DOT DOT},
        {"55501", BS_ID_SHORT_CODE, DOT DOT DOT "01"},
        {"5550", BS_ID_SHORT_CODE, DOT DOT DOT},
        {"amazon", BS_ID_ALPHANUMERIC, "a" DOT DOT DOT},
        {"\x1b[31mred", BS_ID_ALPHANUMERIC, DOT DOT DOT},
        {"\xC3\x28", BS_ID_OTHER, DOT DOT DOT},
        {"", BS_ID_OTHER, DOT DOT DOT},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char *mask = bs_redact_id(rows[i].normalized, rows[i].kind);
        CHECK_STR_EQ(mask, rows[i].mask);
        free(mask);
    }
    char *phone = bs_redact_phone_text("+1 (555) 010-0167");
    CHECK_STR_EQ(phone, "+1" DOT DOT DOT DOT DOT DOT DOT "67");
    free(phone);
}

/* Three handles (two of them one person), one named group, one unnamed group, one direct
 * thread; the strings as a reader would have stored them. */
static void make_scan(struct bs_scan_report *report)
{
    memset(report, 0, sizeof(*report));
    struct bs_scan_result *r = &report->result;
    r->handle_count = 3;
    r->handles = calloc(3, sizeof(struct bs_handle));
    static const char *const ids[] = {"+15551230001", "alice@example.com", "+15551230002"};
    static const enum bs_id_kind kinds[] = {BS_ID_PHONE, BS_ID_EMAIL, BS_ID_PHONE};
    static const size_t person_of[] = {0, 0, 1};
    for (size_t i = 0; i < 3; i++) {
        r->handles[i].rowid = (int64_t)i + 1;
        r->handles[i].id = bs_strdup(ids[i]);
        r->handles[i].normalized_id = bs_strdup(ids[i]);
        r->handles[i].person_centric_id = bs_strdup("pcid-secret");
        r->handles[i].id_kind = kinds[i];
        r->handles[i].person_index = person_of[i];
    }
    r->person_count = 2;
    r->persons = calloc(2, sizeof(struct bs_person));
    r->persons[0].first_handle_index = 0;
    r->persons[0].contact_name = bs_strdup("Alice Secret");
    r->persons[1].first_handle_index = 2;
    r->thread_count = 3;
    r->threads = calloc(3, sizeof(struct bs_thread));
    static const char *const guids[] = {"iMessage;+;chat99887766", "=1+1;+;chat5",
                                        "SMS;-;+15551230002"};
    for (size_t i = 0; i < 3; i++) {
        struct bs_thread *t = &r->threads[i];
        t->chat_id = (int64_t)i + 10;
        t->guid = bs_strdup(guids[i]);
        t->kind = i < 2 ? BS_KIND_GROUP : BS_KIND_DIRECT;
        t->member_count = i < 2 ? 2 : 1;
        t->members = calloc(2, sizeof(struct bs_member));
        t->members[0].person_index = i < 2 ? 0 : 1;
        t->members[0].handle_index = i < 2 ? 0 : 2;
        t->members[1].person_index = 1;
        t->members[1].handle_index = 2;
    }
    r->threads[0].display_name = bs_strdup("Secret Club");
    r->threads[0].chat_identifier = bs_strdup("chat99887766");
    r->threads[2].chat_identifier = bs_strdup("+15551230002");
    r->threads[0].name = bs_strdup("Secret Club");
    r->threads[1].name = bs_strdup("+15551230002, Alice Secret");
    r->threads[2].name = bs_strdup("+15551230002");
    report->backup.is_backup = true;
    report->backup.device.device_name = bs_strdup("Alice's iPhone");
    report->backup.device.phone_number = bs_strdup("+1 (555) 123-0009");
    report->backup.device.serial_number = bs_strdup("F2LXK0ABCD12");
    report->backup.finding_count = 1;
    report->backup.findings = calloc(1, sizeof(struct bs_finding));
    report->backup.findings[0].text = bs_strdup("The backup of Alice's iPhone is not encrypted.");
}

static void test_report(void)
{
    struct bs_scan_report report;
    make_scan(&report);
    struct bs_error err = {BS_OK, ""};
    CHECK_INT_EQ(bs_redact_report(&report, &err), BS_OK);
    struct bs_scan_result *r = &report.result;
    CHECK_STR_EQ(r->persons[0].contact_name, "Person 1");
    CHECK_STR_EQ(r->persons[1].contact_name, "Person 2");
    CHECK_STR_EQ(r->handles[1].id, "a" DOT DOT DOT "@" DOT DOT DOT ".com");
    CHECK(r->handles[0].person_centric_id == NULL);
    CHECK_STR_EQ(r->threads[0].guid, "iMessage;+;chat10");
    CHECK_STR_EQ(r->threads[1].guid, "chat11"); /* an unknown prefix is not kept */
    CHECK_STR_EQ(r->threads[2].guid, "SMS;-;chat12");
    CHECK_STR_EQ(r->threads[0].chat_identifier, "chat10");
    CHECK_STR_EQ(r->threads[2].chat_identifier, "chat12");
    CHECK_STR_EQ(r->threads[0].display_name, "Group 1");
    CHECK_STR_EQ(r->threads[0].name, "Group 1");
    CHECK_STR_EQ(r->threads[1].name, "Person 1, Person 2");
    CHECK_STR_EQ(r->threads[2].name, "Person 2");
    CHECK_STR_EQ(report.backup.device.device_name, "iPhone");
    CHECK_STR_EQ(report.backup.device.phone_number, "+1" DOT DOT DOT DOT DOT DOT DOT "09");
    CHECK_STR_EQ(report.backup.device.serial_number, DOT DOT DOT DOT DOT DOT DOT "12");
    CHECK_STR_EQ(report.backup.findings[0].text, "The backup of iPhone is not encrypted.");
    /* Stable: a second scan of the same data gets the same pseudonyms. */
    struct bs_scan_report again;
    make_scan(&again);
    CHECK_INT_EQ(bs_redact_report(&again, &err), BS_OK);
    for (size_t i = 0; i < r->thread_count; i++) {
        CHECK_STR_EQ(again.result.threads[i].name, r->threads[i].name);
        CHECK_STR_EQ(again.result.threads[i].guid, r->threads[i].guid);
    }
    for (size_t i = 0; i < r->handle_count; i++) {
        CHECK_STR_EQ(again.result.handles[i].id, r->handles[i].id);
    }
    bs_scan_report_clear(&again);
    bs_scan_report_clear(&report);
}

int main(void)
{
    test_masks();
    test_report();
    return check_report("redact");
}
