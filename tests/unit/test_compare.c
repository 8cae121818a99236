/*
 * --compare (SPEC 4), the model side: the cutoff rule the scan's pass runs per message
 * (classify.h bs_classify_add_after_cutoff), OLD's latest message, and bs_compare_build's
 * matching by chat_guid, its four lists, their order, the figures and the sentence.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/model/classify.h"
#include "core/model/compare.h"

static void test_cutoff_rule(void)
{
    static const struct {
        enum bs_service service;
        int64_t date;     /* unix seconds; 0: undated */
        int64_t cutoff;   /* unix seconds; -1: unknown */
        uint64_t counted; /* added to unencrypted_after_cutoff */
    } rows[] = {
        {BS_SERVICE_SMS, 1001, 1000, 1},       /* a second later: new */
        {BS_SERVICE_SMS, 1000, 1000, 0},       /* the same second: not new */
        {BS_SERVICE_SMS, 999, 1000, 0},        /* before */
        {BS_SERVICE_RCS, 2000, 1000, 1},       /* RCS is unencrypted */
        {BS_SERVICE_OTHER, 2000, 1000, 1},     /* so is an unknown service */
        {BS_SERVICE_IMESSAGE, 2000, 1000, 0},  /* encrypted: never counted */
        {BS_SERVICE_SATELLITE, 2000, 1000, 0}, /* iMessage via satellite too */
        {BS_SERVICE_SMS, 0, 1000, 0},          /* undated: never after anything */
        {BS_SERVICE_SMS, 5, -1, 1},            /* OLD had no dated message: every dated one */
        {BS_SERVICE_SMS, 0, -1, 0},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct bs_thread thread;
        memset(&thread, 0, sizeof(thread));
        struct bs_message_facts facts;
        memset(&facts, 0, sizeof(facts));
        facts.service = rows[i].service;
        facts.date.unix_seconds = rows[i].date;
        facts.date.is_known = rows[i].date != 0;
        struct bs_date cutoff = {rows[i].cutoff, rows[i].cutoff >= 0};
        bs_classify_add_after_cutoff(&thread, &facts, cutoff);
        CHECK_INT_EQ(thread.unencrypted_after_cutoff, rows[i].counted);
    }
    /* Dates are seconds (classify.h bs_classify_date truncates nanoseconds): a message at
     * cutoff + 0.9 s is in the same second. */
    struct bs_date cutoff = bs_classify_date(700000000LL * 1000000000LL, true);
    struct bs_message_facts late_in_second;
    memset(&late_in_second, 0, sizeof(late_in_second));
    late_in_second.service = BS_SERVICE_SMS;
    late_in_second.date = bs_classify_date(700000000LL * 1000000000LL + 900000000LL, true);
    struct bs_thread thread;
    memset(&thread, 0, sizeof(thread));
    bs_classify_add_after_cutoff(&thread, &late_in_second, cutoff);
    CHECK_INT_EQ(thread.unencrypted_after_cutoff, 0);
}

static void add_old(struct bs_old_report *old, const char *guid, const char *name,
                    enum bs_risk risk, int64_t last)
{
    struct bs_date date = {last, last != 0};
    CHECK(bs_old_report_add(old, bs_strdup(guid), bs_strdup(name), risk, date, NULL) == BS_OK);
}

static void set_thread(struct bs_thread *thread, int64_t chat_id, char *guid, char *name,
                       enum bs_thread_kind kind, enum bs_risk risk, uint64_t messages,
                       uint64_t after_cutoff)
{
    memset(thread, 0, sizeof(*thread));
    thread->chat_id = chat_id;
    thread->guid = guid;
    thread->name = name;
    thread->kind = kind;
    thread->risk = risk;
    thread->counts[BS_TRANSPORT_SMS] = messages;
    thread->unencrypted_after_cutoff = after_cutoff;
}

static void test_cutoff_of_old(void)
{
    struct bs_old_report old;
    memset(&old, 0, sizeof(old));
    CHECK(!bs_compare_cutoff(&old).is_known);
    add_old(&old, "a", "A", BS_RISK_NONE, 0);
    CHECK(!bs_compare_cutoff(&old).is_known);
    add_old(&old, "b", "B", BS_RISK_NONE, 300);
    add_old(&old, "c", "C", BS_RISK_NONE, 200);
    CHECK(bs_compare_cutoff(&old).is_known);
    CHECK_INT_EQ(bs_compare_cutoff(&old).unix_seconds, 300);
    bs_old_report_clear(&old);
    bs_old_report_clear(NULL);
}

static void test_build(void)
{
    struct bs_old_report old;
    memset(&old, 0, sizeof(old));
    add_old(&old, "g-up-high", "Up high", BS_RISK_LOW, 100);
    add_old(&old, "g-fixed", "Fixed", BS_RISK_CRITICAL, 100);
    add_old(&old, "d-lower", "Lower", BS_RISK_MEDIUM, 100);
    add_old(&old, "g-gone", "Gone group", BS_RISK_HIGH, 100);
    add_old(&old, "d-gone", "Gone direct", BS_RISK_MEDIUM, 100);
    add_old(&old, "d-same", "Same", BS_RISK_MEDIUM, 400);
    add_old(&old, "d-same", "Repeat", BS_RISK_NONE, 100); /* a repeated guid: the first counts */
    add_old(&old, "", "No guid", BS_RISK_HIGH, 100);      /* matches nothing, never gone */
    add_old(&old, "d-empty", "Emptied", BS_RISK_LOW, 100);
    add_old(&old, "d-was-empty", "Was empty", BS_RISK_NONE, 0); /* absent, had nothing: not gone */

    static char guids[][16] = {"d-same",  "g-new-critical", "g-up-high", "g-fixed",
                               "d-lower", "d-new-medium",   "d-empty",   ""};
    static char names[][16] = {"Same",  "New",    "Up high", "Fixed",
                               "Lower", "Direct", "Emptied", "No guid here"};
    struct bs_thread threads[8];
    set_thread(&threads[0], 1, guids[0], names[0], BS_KIND_DIRECT, BS_RISK_MEDIUM, 5, 2);
    set_thread(&threads[1], 2, guids[1], names[1], BS_KIND_GROUP, BS_RISK_CRITICAL, 3, 3);
    set_thread(&threads[2], 3, guids[2], names[2], BS_KIND_GROUP, BS_RISK_HIGH, 4, 0);
    set_thread(&threads[3], 4, guids[3], names[3], BS_KIND_GROUP, BS_RISK_NONE, 4, 0);
    set_thread(&threads[4], 5, guids[4], names[4], BS_KIND_DIRECT, BS_RISK_LOW, 1, 1);
    set_thread(&threads[5], 6, guids[5], names[5], BS_KIND_DIRECT, BS_RISK_MEDIUM, 2, 2);
    set_thread(&threads[6], 7, guids[6], names[6], BS_KIND_DIRECT, BS_RISK_NONE, 0, 0);
    set_thread(&threads[7], 8, guids[7], names[7], BS_KIND_DIRECT, BS_RISK_LOW, 1, 0);
    struct bs_scan_result result;
    memset(&result, 0, sizeof(result));
    result.threads = threads;
    result.thread_count = 8;

    struct bs_compare compare;
    CHECK(bs_compare_build(&result, &old, &compare, NULL) == BS_OK);
    CHECK_INT_EQ(old.thread_count, 0); /* taken over */
    CHECK_INT_EQ(compare.old_latest.unix_seconds, 400);

    /* Risk up: to desc (new critical and high groups first), then from asc, then chat_id. */
    CHECK_INT_EQ(compare.risk_up.count, 4);
    CHECK_STR_EQ(bs_compare_entry_name(&compare, &result, &compare.risk_up.entries[0]), "New");
    CHECK_INT_EQ(compare.risk_up.entries[0].from, BS_RISK_NONE);
    CHECK_INT_EQ(compare.risk_up.entries[0].old_index, SIZE_MAX);
    CHECK_STR_EQ(bs_compare_entry_name(&compare, &result, &compare.risk_up.entries[1]), "Up high");
    CHECK_STR_EQ(bs_compare_entry_name(&compare, &result, &compare.risk_up.entries[2]), "Direct");
    CHECK_STR_EQ(bs_compare_entry_name(&compare, &result, &compare.risk_up.entries[3]),
                 "No guid here"); /* no guid: new, so from none */
    CHECK_STR_EQ(bs_compare_entry_change(&compare.risk_up.entries[0]), "risk up");
    CHECK_INT_EQ(compare.new_critical_groups, 1);
    CHECK_INT_EQ(compare.new_high_groups, 1);
    CHECK_INT_EQ(compare.other_risk_up, 2);

    /* Risk down: from desc. */
    CHECK_INT_EQ(compare.risk_down.count, 2);
    CHECK_STR_EQ(bs_compare_entry_name(&compare, &result, &compare.risk_down.entries[0]), "Fixed");
    CHECK_STR_EQ(bs_compare_entry_change(&compare.risk_down.entries[0]), "fixed");
    CHECK_STR_EQ(bs_compare_entry_name(&compare, &result, &compare.risk_down.entries[1]), "Lower");
    CHECK_STR_EQ(bs_compare_entry_change(&compare.risk_down.entries[1]), "risk down");
    CHECK_INT_EQ(compare.fixed, 1);
    CHECK_INT_EQ(compare.fixed_groups, 1);
    CHECK_INT_EQ(compare.lowered, 1);

    /* Gone: from desc, then OLD's order; a thread with no counted message here is gone, not
     * fixed; the guid-less thread of OLD is never reported. */
    CHECK_INT_EQ(compare.gone.count, 3);
    CHECK_STR_EQ(bs_compare_entry_name(&compare, &result, &compare.gone.entries[0]), "Gone group");
    CHECK_STR_EQ(bs_compare_entry_guid(&compare, &result, &compare.gone.entries[0]), "g-gone");
    CHECK_STR_EQ(bs_compare_entry_name(&compare, &result, &compare.gone.entries[1]), "Gone direct");
    CHECK_STR_EQ(bs_compare_entry_name(&compare, &result, &compare.gone.entries[2]), "Emptied");
    CHECK_STR_EQ(bs_compare_entry_change(&compare.gone.entries[2]), "gone");

    /* New unencrypted: messages desc, then chat_id. */
    CHECK_INT_EQ(compare.new_unencrypted.count, 4);
    CHECK_STR_EQ(bs_compare_entry_name(&compare, &result, &compare.new_unencrypted.entries[0]),
                 "New");
    CHECK_STR_EQ(bs_compare_entry_name(&compare, &result, &compare.new_unencrypted.entries[1]),
                 "Same");
    CHECK_STR_EQ(bs_compare_entry_name(&compare, &result, &compare.new_unencrypted.entries[2]),
                 "Direct");
    CHECK_INT_EQ(compare.new_unencrypted_messages, 8);

    struct bs_strbuf sentence = {0};
    bs_compare_sentence(&compare, &result, &sentence);
    CHECK_STR_EQ(bs_strbuf_str(&sentence),
                 "Since the last scan: 1 new critical group, 1 new high-risk group, 2 threads at "
                 "higher risk, 1 group fixed, 1 thread at lower risk, 3 threads gone; 8 "
                 "unencrypted messages since then in 4 threads, 3 in \"New\".");
    bs_strbuf_free(&sentence);
    bs_compare_clear(&compare);
    bs_compare_clear(NULL);
}

static void test_nothing_changed(void)
{
    struct bs_old_report old;
    memset(&old, 0, sizeof(old));
    add_old(&old, "g", "Family", BS_RISK_CRITICAL, 100);
    static char guid[] = "g";
    static char name[] = "Family";
    struct bs_thread thread;
    set_thread(&thread, 1, guid, name, BS_KIND_GROUP, BS_RISK_CRITICAL, 3, 1);
    struct bs_scan_result result;
    memset(&result, 0, sizeof(result));
    result.threads = &thread;
    result.thread_count = 1;
    struct bs_compare compare;
    CHECK(bs_compare_build(&result, &old, &compare, NULL) == BS_OK);
    struct bs_strbuf sentence = {0};
    bs_compare_sentence(&compare, &result, &sentence);
    CHECK_STR_EQ(bs_strbuf_str(&sentence), "Since the last scan: no thread changed risk; 1 "
                                           "unencrypted message in \"Family\" since then.");
    bs_compare_clear(&compare);
    thread.unencrypted_after_cutoff = 0;
    memset(&old, 0, sizeof(old));
    CHECK(bs_compare_build(&result, &old, &compare, NULL) == BS_OK);
    bs_strbuf_reset(&sentence);
    bs_compare_sentence(&compare, &result, &sentence);
    /* An empty OLD: every thread is new, at risk none there. */
    CHECK_STR_EQ(bs_strbuf_str(&sentence), "Since the last scan: 1 new critical group; no "
                                           "unencrypted message since then.");
    bs_strbuf_free(&sentence);
    bs_compare_clear(&compare);
}

int main(void)
{
    test_cutoff_rule();
    test_cutoff_of_old();
    test_build();
    test_nothing_changed();
    return check_report("compare");
}
