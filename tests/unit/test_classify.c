/* Table-driven tests of core/classify: one row per rule of SPEC 3.1, 3.2 and 3.4. */
#include <string.h>

#include "check.h"
#include "core/model/classify.h"

static void test_services(void)
{
    static const struct {
        const char *service; /* NULL = SQL NULL */
        enum bs_service want;
    } rows[] = {
        {"iMessage", BS_SERVICE_IMESSAGE},
        {"imessage", BS_SERVICE_IMESSAGE},
        {" iMessage\t", BS_SERVICE_IMESSAGE},
        {"iMessageLite", BS_SERVICE_SATELLITE},
        {"SMS", BS_SERVICE_SMS},
        {"sms", BS_SERVICE_SMS},
        {"RCS", BS_SERVICE_RCS},
        {" rcs ", BS_SERVICE_RCS},
        {"Rcs", BS_SERVICE_RCS},
        {"Jabber", BS_SERVICE_OTHER},
        {"", BS_SERVICE_OTHER},
        {"   ", BS_SERVICE_OTHER},
        {NULL, BS_SERVICE_OTHER},
        {"SMSX", BS_SERVICE_OTHER},
        {"iMessage Lite", BS_SERVICE_OTHER},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *s = rows[i].service;
        CHECK_INT_EQ(bs_classify_service(s, s == NULL ? 0 : strlen(s)), rows[i].want);
    }
    /* Length-bounded: the bytes after length are not read. */
    CHECK_INT_EQ(bs_classify_service("SMSjunk", 3), BS_SERVICE_SMS);
}

static void test_message_transport(void)
{
    static const struct {
        enum bs_service service;
        bool has_attachment;
        bool is_group;
        enum bs_transport want;
    } rows[] = {
        {BS_SERVICE_IMESSAGE, true, true, BS_TRANSPORT_IMESSAGE},
        {BS_SERVICE_SATELLITE, false, false, BS_TRANSPORT_IMESSAGE},
        {BS_SERVICE_SMS, false, false, BS_TRANSPORT_SMS},
        {BS_SERVICE_SMS, true, false, BS_TRANSPORT_MMS},
        {BS_SERVICE_SMS, false, true, BS_TRANSPORT_MMS},
        {BS_SERVICE_RCS, true, true, BS_TRANSPORT_RCS},
        {BS_SERVICE_OTHER, false, false, BS_TRANSPORT_OTHER},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        CHECK_INT_EQ(bs_classify_message_transport(rows[i].service, rows[i].has_attachment,
                                                   rows[i].is_group),
                     rows[i].want);
    }
}

static void test_dates(void)
{
    static const struct {
        int64_t raw;
        bool present;
        const char *want;
    } rows[] = {
        {0, true, ""},
        {0, false, ""},
        {-5, true, ""},
        {1, true, "2001-01-01T00:00:01Z"},
        {271463425, true, "2009-08-08T22:30:25Z"},          /* seconds (iOS 6 era) */
        {606000000000000000, true, "2020-03-15T21:20:00Z"}, /* nanoseconds */
        {606000000999999999, true, "2020-03-15T21:20:00Z"}, /* truncated to the second */
        {100000000000, true, "5169-11-16T09:46:40Z"},       /* 1e11 itself is seconds */
        {100000000001, true, "2001-01-01T00:01:40Z"},       /* above 1e11: nanoseconds */
        {INT64_MAX, true, "2293-04-11T23:47:16Z"},
        {252000000000, true, "2001-01-01T00:04:12Z"}, /* above 1e11: nanoseconds */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char text[21];
        struct bs_date date = bs_classify_date(rows[i].raw, rows[i].present);
        bs_date_format(date, text);
        CHECK_STR_EQ(text, rows[i].want);
    }
}

static void test_date_parse(void)
{
    static const struct {
        const char *text;
        bool ok;
        const char *formatted;
    } rows[] = {
        {"2024-05-01", true, "2024-05-01T00:00:00Z"},
        {"2024-05-01T12:34:56Z", true, "2024-05-01T12:34:56Z"},
        {"2024-05-01T12:34:56", true, "2024-05-01T12:34:56Z"},
        {"2024-02-29", true, "2024-02-29T00:00:00Z"},
        {"2023-02-29", false, ""},
        {"2024-13-01", false, ""},
        {"2024-5-1", false, ""},
        {"2024-05-01x", false, ""},
        {"", false, ""},
        {"1999-12-31T23:59:60Z", false, ""},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct bs_date date = {0, false};
        bool ok = bs_date_parse(rows[i].text, &date);
        CHECK_INT_EQ(ok, rows[i].ok);
        if (ok) {
            char text[21];
            CHECK_STR_EQ(bs_date_format(date, text), rows[i].formatted);
        }
    }
}

static void test_kind(void)
{
    static const struct {
        int64_t style;
        const char *guid;
        size_t participants;
        enum bs_thread_kind want;
    } rows[] = {
        {43, "iMessage;-;+15550100", 1, BS_KIND_GROUP}, /* style wins over guid */
        {45, "SMS;+;chat123", 5, BS_KIND_DIRECT},       /* style wins over members */
        {0, "SMS;+;chat123", 1, BS_KIND_GROUP},
        {0, "any;+;534ce85d", 0, BS_KIND_GROUP},
        {0, "any;-;+15550100", 1, BS_KIND_DIRECT},
        {0, "any;-;+15550100", 2, BS_KIND_GROUP},
        {0, NULL, 0, BS_KIND_DIRECT},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        CHECK_INT_EQ(bs_classify_kind(rows[i].style, rows[i].guid, rows[i].participants),
                     rows[i].want);
    }
}

/* One thread shape and the reasons and risk it must get. */
struct thread_row {
    const char *what;
    int64_t style;
    uint64_t imessage, sms_plain, sms_attachment, rcs, other;
    bool downgraded, forced;
    size_t members, imessage_members, automated_members;
    unsigned want_reasons;
    enum bs_risk want_risk;
    enum bs_thread_transport want_transport;
};

static void test_threads(void)
{
    static const struct thread_row rows[] = {
        {"mixed-platform group", 43, 10, 3, 0, 0, 0, false, false, 3, 2, 0,
         BS_REASON_MIXED_PLATFORM_GROUP | BS_REASON_UNENCRYPTED_GROUP | BS_REASON_SMS_FALLBACK,
         BS_RISK_CRITICAL, BS_THREAD_MIXED},
        {"group all off iMessage", 43, 0, 4, 1, 0, 0, false, false, 2, 0, 0,
         BS_REASON_UNENCRYPTED_GROUP | BS_REASON_MMS_ATTACHMENTS, BS_RISK_HIGH, BS_THREAD_SMS},
        {"group with a short code counts it as not on iMessage", 43, 0, 1, 0, 0, 0, false, false, 2,
         1, 1, BS_REASON_MIXED_PLATFORM_GROUP | BS_REASON_UNENCRYPTED_GROUP, BS_RISK_CRITICAL,
         BS_THREAD_SMS},
        {"group all iMessage", 43, 8, 0, 0, 0, 0, false, false, 3, 3, 0, 0, BS_RISK_NONE,
         BS_THREAD_IMESSAGE},
        {"group over RCS", 43, 0, 0, 0, 5, 0, false, false, 2, 0, 0,
         BS_REASON_UNENCRYPTED_GROUP | BS_REASON_RCS_UNVERIFIED, BS_RISK_HIGH, BS_THREAD_RCS},
        {"direct SMS", 45, 0, 2, 0, 0, 0, false, false, 1, 0, 0, BS_REASON_SMS_THREAD,
         BS_RISK_MEDIUM, BS_THREAD_SMS},
        {"direct MMS", 45, 0, 0, 2, 0, 0, false, false, 1, 0, 0,
         BS_REASON_SMS_THREAD | BS_REASON_MMS_ATTACHMENTS, BS_RISK_MEDIUM, BS_THREAD_SMS},
        {"direct fallback", 45, 5, 1, 0, 0, 0, false, false, 1, 1, 0,
         BS_REASON_SMS_THREAD | BS_REASON_SMS_FALLBACK, BS_RISK_MEDIUM, BS_THREAD_MIXED},
        {"downgraded row alone", 45, 0, 1, 0, 0, 0, true, false, 1, 1, 0,
         BS_REASON_SMS_THREAD | BS_REASON_SMS_FALLBACK, BS_RISK_MEDIUM, BS_THREAD_SMS},
        {"direct RCS", 45, 0, 0, 0, 3, 0, false, false, 1, 0, 0, BS_REASON_RCS_UNVERIFIED,
         BS_RISK_MEDIUM, BS_THREAD_RCS},
        {"iMessage and RCS is fallback", 45, 2, 0, 0, 3, 0, false, false, 1, 1, 0,
         BS_REASON_RCS_UNVERIFIED | BS_REASON_SMS_FALLBACK, BS_RISK_MEDIUM, BS_THREAD_MIXED},
        {"unknown transport", 45, 0, 0, 0, 0, 2, false, false, 1, 0, 0, BS_REASON_UNKNOWN_TRANSPORT,
         BS_RISK_MEDIUM, BS_THREAD_OTHER},
        {"other with iMessage is not fallback", 45, 2, 0, 0, 0, 1, false, false, 1, 1, 0,
         BS_REASON_UNKNOWN_TRANSPORT, BS_RISK_MEDIUM, BS_THREAD_MIXED},
        {"forced SMS, nothing sent", 45, 0, 0, 0, 0, 0, false, true, 1, 1, 0, BS_REASON_FORCED_SMS,
         BS_RISK_NONE, BS_THREAD_NONE},
        {"short code", 45, 0, 3, 0, 0, 0, false, false, 1, 0, 1, BS_REASON_AUTOMATED_SENDER,
         BS_RISK_LOW, BS_THREAD_SMS},
        {"automated over iMessage only", 45, 3, 0, 0, 0, 0, false, false, 1, 0, 1,
         BS_REASON_AUTOMATED_SENDER, BS_RISK_NONE, BS_THREAD_IMESSAGE},
        {"direct iMessage", 45, 9, 0, 0, 0, 0, false, false, 1, 1, 0, 0, BS_RISK_NONE,
         BS_THREAD_IMESSAGE},
        {"empty thread", 45, 0, 0, 0, 0, 0, false, false, 1, 1, 0, 0, BS_RISK_NONE, BS_THREAD_NONE},
        {"direct with nobody known is a person", 45, 0, 1, 0, 0, 0, false, false, 0, 0, 0,
         BS_REASON_SMS_THREAD, BS_RISK_MEDIUM, BS_THREAD_SMS},
        {"no style, two members: a group", 0, 0, 2, 0, 0, 0, false, false, 2, 0, 0,
         BS_REASON_UNENCRYPTED_GROUP, BS_RISK_HIGH, BS_THREAD_SMS},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct thread_row *row = &rows[i];
        struct bs_thread thread;
        memset(&thread, 0, sizeof(thread));
        thread.style = row->style;
        char empty_guid[] = "";
        thread.guid = empty_guid;
        thread.imessage_count = row->imessage;
        thread.sms_plain_count = row->sms_plain;
        thread.sms_attachment_count = row->sms_attachment;
        thread.rcs_count = row->rcs;
        thread.other_count = row->other;
        thread.has_downgraded_unencrypted = row->downgraded;
        thread.apple.force_sms = row->forced ? BS_FLAG_TRUE : BS_FLAG_ABSENT;
        struct bs_thread_people people = {row->members, row->imessage_members,
                                          row->automated_members};
        bs_classify_thread(&thread, &people);
        if (thread.reasons != row->want_reasons || thread.risk != row->want_risk ||
            thread.transport != row->want_transport) {
            fprintf(stderr, "row '%s':\n", row->what);
        }
        CHECK_INT_EQ(thread.reasons, row->want_reasons);
        CHECK_INT_EQ(thread.risk, row->want_risk);
        CHECK_INT_EQ(thread.transport, row->want_transport);
    }
}

static void test_group_plain_sms_is_mms(void)
{
    struct bs_thread thread;
    memset(&thread, 0, sizeof(thread));
    thread.style = 43;
    thread.sms_plain_count = 4;
    thread.sms_attachment_count = 1;
    struct bs_thread_people people = {2, 0, 0};
    bs_classify_thread(&thread, &people);
    CHECK_INT_EQ(thread.counts[BS_TRANSPORT_SMS], 0);
    CHECK_INT_EQ(thread.counts[BS_TRANSPORT_MMS], 5);
    thread.style = 45;
    bs_classify_thread(&thread, &people);
    CHECK_INT_EQ(thread.counts[BS_TRANSPORT_SMS], 4);
    CHECK_INT_EQ(thread.counts[BS_TRANSPORT_MMS], 1);
    CHECK_INT_EQ(thread.non_imessage_count, 2);
}

/* Apple's chat evidence (SPEC 3.2, 3.4): only supportsEncryption true on a thread with RCS
 * adds rcs-e2ee-advertised, and only shouldForceToSMS true adds forced-sms; hybrid never
 * changes a reason or the risk. */
static void test_apple_evidence(void)
{
    static const struct {
        const char *what;
        uint64_t rcs;
        uint64_t sms;
        struct bs_apple_evidence apple;
        unsigned want_reasons;
    } rows[] = {
        {"RCS advertising encryption",
         2,
         0,
         {BS_FLAG_ABSENT, BS_FLAG_TRUE, BS_FLAG_ABSENT},
         BS_REASON_RCS_UNVERIFIED | BS_REASON_RCS_E2EE_ADVERTISED},
        {"RCS, encryption false",
         2,
         0,
         {BS_FLAG_ABSENT, BS_FLAG_FALSE, BS_FLAG_ABSENT},
         BS_REASON_RCS_UNVERIFIED},
        {"RCS, key absent",
         2,
         0,
         {BS_FLAG_ABSENT, BS_FLAG_ABSENT, BS_FLAG_ABSENT},
         BS_REASON_RCS_UNVERIFIED},
        {"advertised without RCS messages",
         0,
         2,
         {BS_FLAG_ABSENT, BS_FLAG_TRUE, BS_FLAG_ABSENT},
         BS_REASON_SMS_THREAD},
        {"hybrid is evidence only",
         0,
         2,
         {BS_FLAG_TRUE, BS_FLAG_ABSENT, BS_FLAG_ABSENT},
         BS_REASON_SMS_THREAD},
        {"forced SMS true",
         0,
         2,
         {BS_FLAG_ABSENT, BS_FLAG_ABSENT, BS_FLAG_TRUE},
         BS_REASON_SMS_THREAD | BS_REASON_FORCED_SMS},
        {"forced SMS false",
         0,
         2,
         {BS_FLAG_ABSENT, BS_FLAG_ABSENT, BS_FLAG_FALSE},
         BS_REASON_SMS_THREAD},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct bs_thread thread;
        memset(&thread, 0, sizeof(thread));
        thread.style = 45;
        char empty_guid[] = "";
        thread.guid = empty_guid;
        thread.rcs_count = rows[i].rcs;
        thread.sms_plain_count = rows[i].sms;
        thread.apple = rows[i].apple;
        struct bs_thread_people people = {1, 0, 0};
        bs_classify_thread(&thread, &people);
        if (thread.reasons != rows[i].want_reasons) {
            fprintf(stderr, "row '%s':\n", rows[i].what);
        }
        CHECK_INT_EQ(thread.reasons, rows[i].want_reasons);
        CHECK_INT_EQ(thread.risk, BS_RISK_MEDIUM);
    }
}

/* The accumulation the scan runs agrees with the per-message rule: one message of each
 * service, with and without attachment, in a direct and in a group thread, lands in the
 * thread's and the source's count of bs_classify_message_transport. */
static void test_accumulation_follows_message_rule(void)
{
    static const enum bs_service services[] = {BS_SERVICE_IMESSAGE, BS_SERVICE_SATELLITE,
                                               BS_SERVICE_SMS, BS_SERVICE_RCS, BS_SERVICE_OTHER};
    for (size_t s = 0; s < sizeof(services) / sizeof(services[0]); s++) {
        for (int variant = 0; variant < 4; variant++) {
            bool has_attachment = (variant & 1) != 0;
            bool is_group = (variant & 2) != 0;
            struct bs_message_facts facts = {services[s], {1000, true},   {1000, 0, 1}, false,
                                             true,        has_attachment, false};
            struct bs_thread thread;
            memset(&thread, 0, sizeof(thread));
            thread.style = is_group ? 43 : 45;
            struct bs_scan_result result;
            memset(&result, 0, sizeof(result));
            bs_classify_add_to_thread(&thread, &facts, true);
            bs_classify_add_to_totals(&result, &facts, false);
            struct bs_thread_people people = {2, 0, 0};
            bs_classify_thread(&thread, &people);
            bs_classify_add_thread_totals(&result, &thread);
            enum bs_transport want =
                bs_classify_message_transport(services[s], has_attachment, is_group);
            for (int t = 0; t < BS_TRANSPORT_COUNT; t++) {
                CHECK_INT_EQ(thread.counts[t], t == (int)want ? 1 : 0);
                CHECK_INT_EQ(result.counts[t], t == (int)want ? 1 : 0);
            }
            bool encrypted = bs_classify_is_encrypted(services[s]);
            CHECK_INT_EQ(encrypted, want == BS_TRANSPORT_IMESSAGE);
            CHECK_INT_EQ(thread.last_unencrypted.is_known, !encrypted);
            CHECK_INT_EQ(thread.has_downgraded_unencrypted,
                         !encrypted && want != BS_TRANSPORT_OTHER);
            CHECK_INT_EQ(result.counted_messages, 1);
        }
    }
    /* A message in no chat is direct: a plain SMS counts as SMS at once. */
    struct bs_message_facts orphan = {BS_SERVICE_SMS, {0, false}, {0, 0, 0}, false,
                                      false,          false,      true};
    struct bs_scan_result result;
    memset(&result, 0, sizeof(result));
    bs_classify_add_to_totals(&result, &orphan, true);
    CHECK_INT_EQ(result.counts[BS_TRANSPORT_SMS], 1);
    CHECK_INT_EQ(result.orphan_messages, 1);
    CHECK_INT_EQ(result.icloud_synced_messages, 1);
}

/* The members every "not on iMessage" list walks: those bs_classify_person_on_imessage turns
 * away (an automated sender on iMessage too), in member order, as many as the thread counts. */
static void test_non_imessage_walk(void)
{
    struct bs_person persons[] = {
        {.reachability = BS_REACH_IMESSAGE},
        {.reachability = BS_REACH_SMS_ONLY},
        {.reachability = BS_REACH_IMESSAGE, .is_automated = true},
        {.reachability = BS_REACH_RCS_ONLY},
        {.reachability = BS_REACH_IMESSAGE},
    };
    struct bs_member members[] = {{0, 0}, {1, 1}, {4, 4}, {2, 2}, {3, 3}, {0, 5}};
    struct bs_scan_result result = {.persons = persons, .person_count = 5};
    struct bs_thread thread = {.members = members, .member_count = 6};
    size_t want[] = {1, 3, 4};
    size_t found = 0;
    for (size_t i = bs_classify_next_non_imessage(&result, &thread, 0); i < thread.member_count;
         i = bs_classify_next_non_imessage(&result, &thread, i + 1)) {
        CHECK(found < 3);
        if (found < 3) {
            CHECK_INT_EQ(i, want[found]);
        }
        found++;
    }
    CHECK_INT_EQ(found, 3);
    CHECK_INT_EQ(bs_classify_next_non_imessage(&result, &thread, 5), 6);
    CHECK_INT_EQ(bs_classify_next_non_imessage(&result, &thread, 9), 6);
    thread.member_count = 0;
    CHECK_INT_EQ(bs_classify_next_non_imessage(&result, &thread, 0), 0);
}

int main(void)
{
    test_non_imessage_walk();
    test_apple_evidence();
    test_services();
    test_message_transport();
    test_dates();
    test_date_parse();
    test_kind();
    test_threads();
    test_group_plain_sms_is_mms();
    test_accumulation_follows_message_rule();
    return check_report("classify");
}
