/* Table-driven tests of core/timeline: every branch of SPEC 3.7, and the one-pass
 * accumulation checked against a brute-force sort of many random threads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/model/timeline.h"

/* One message of a table row: seconds, nanoseconds, ROWID, encrypted. */
struct message {
    int64_t seconds;
    int32_t nanos;
    int64_t rowid;
    bool is_encrypted;
};

static struct bs_message_key key_of(int64_t seconds, int32_t nanos, int64_t rowid)
{
    struct bs_message_key key = {seconds, nanos, rowid};
    return key;
}

static void test_key_order_and_dates(void)
{
    struct bs_message_key a = key_of(100, 0, 9);
    struct bs_message_key b = key_of(100, 1, 1);
    struct bs_message_key c = key_of(100, 1, 2);
    CHECK(bs_message_key_compare(&a, &b) < 0); /* nanoseconds before ROWID */
    CHECK(bs_message_key_compare(&b, &c) < 0); /* same date: ROWID */
    CHECK(bs_message_key_compare(&c, &c) == 0);

    struct bs_message_key key;
    /* Nanoseconds since 2001 keep their fraction; seconds have none. */
    CHECK(bs_message_key_make(700000000123456789LL, true, 5, &key));
    CHECK_INT_EQ(key.unix_seconds, 978307200LL + 700000000LL);
    CHECK_INT_EQ(key.nanoseconds, 123456789);
    CHECK_INT_EQ(key.rowid, 5);
    CHECK(bs_message_key_make(700000000LL, true, 6, &key));
    CHECK_INT_EQ(key.unix_seconds, 978307200LL + 700000000LL);
    CHECK_INT_EQ(key.nanoseconds, 0);
    /* Undated: 0, negative, NULL. */
    CHECK(!bs_message_key_make(0, true, 7, &key));
    CHECK(!bs_message_key_make(-5, true, 7, &key));
    CHECK(!bs_message_key_make(700000000LL, false, 7, &key));
}

#define MAX_MESSAGES   8
#define MAX_CANDIDATES 4

struct timeline_row {
    const char *what;
    bool is_group;
    struct message messages[MAX_MESSAGES]; /* in ROWID (arrival) order; rowid 0 ends */
    struct bs_timeline_candidate added[MAX_CANDIDATES];
    size_t added_count;
    struct bs_timeline_candidate senders[MAX_CANDIDATES];
    size_t sender_count;
    /* Expected. */
    bool exposed;
    int64_t exposed_since;
    uint64_t encrypted_before;
    enum bs_exposure_cause cause;
    size_t broken_by;
    bool ongoing;
};

#define ON  true
#define OFF false
#define CANDIDATE(seconds, rowid, member, on) \
    {                                         \
        {seconds, 0, rowid}, member, on       \
    }

static void run_timeline_row(const struct timeline_row *row)
{
    struct bs_thread_timeline timeline;
    memset(&timeline, 0, sizeof(timeline));
    for (size_t i = 0; i < MAX_MESSAGES && row->messages[i].rowid != 0; i++) {
        const struct message *m = &row->messages[i];
        struct bs_message_key key = key_of(m->seconds, m->nanos, m->rowid);
        bs_timeline_add(&timeline, &key, m->is_encrypted);
    }
    if (timeline.needs_recount) {
        bs_timeline_recount_begin(&timeline);
        for (size_t i = 0; i < MAX_MESSAGES && row->messages[i].rowid != 0; i++) {
            const struct message *m = &row->messages[i];
            struct bs_message_key key = key_of(m->seconds, m->nanos, m->rowid);
            bs_timeline_recount_add(&timeline, &key, m->is_encrypted);
        }
    }
    bs_timeline_decide(&timeline, row->is_group, row->added, row->added_count, row->senders,
                       row->sender_count);
    struct bs_date since = bs_timeline_exposed_since(&timeline);
    bool ok = since.is_known == row->exposed &&
              (!row->exposed || since.unix_seconds == row->exposed_since) &&
              (!row->exposed || timeline.encrypted_before == row->encrypted_before) &&
              timeline.cause == row->cause && timeline.broken_by == row->broken_by &&
              bs_timeline_is_ongoing(&timeline) == row->ongoing && !timeline.needs_recount;
    if (!ok) {
        fprintf(stderr, "row '%s': exposed %d since %lld before %llu cause %d by %zu ongoing %d\n",
                row->what, since.is_known, (long long)since.unix_seconds,
                (unsigned long long)timeline.encrypted_before, (int)timeline.cause,
                timeline.broken_by, bs_timeline_is_ongoing(&timeline));
    }
    CHECK(ok);
}

static void test_causes(void)
{
    static const struct timeline_row rows[] = {
        {"all iMessage: no exposure",
         true,
         {{10, 0, 1, true}, {20, 0, 2, true}},
         {CANDIDATE(5, 9, 0, OFF)},
         1,
         {{{0, 0, 0}, 0, false}},
         0,
         false,
         0,
         0,
         BS_CAUSE_NONE,
         SIZE_MAX,
         false},
        {"member added before the first SMS",
         true,
         {{10, 0, 1, true}, {20, 0, 3, false}, {30, 0, 4, false}},
         {CANDIDATE(15, 2, 1, OFF)},
         1,
         {CANDIDATE(30, 4, 1, OFF)},
         1,
         true,
         20,
         1,
         BS_CAUSE_MEMBER_ADDED,
         1,
         true},
        {"added in the same second as the first SMS counts (at or before)",
         true,
         {{10, 0, 1, true}, {20, 0, 3, false}},
         {CANDIDATE(20, 5, 2, OFF)},
         1,
         {{{0, 0, 0}, 0, false}},
         0,
         true,
         20,
         1,
         BS_CAUSE_MEMBER_ADDED,
         2,
         true},
        {"added after the first SMS does not count: fallback",
         true,
         {{10, 0, 1, true}, {20, 0, 3, false}},
         {CANDIDATE(21, 5, 2, OFF)},
         1,
         {{{0, 0, 0}, 0, false}},
         0,
         true,
         20,
         1,
         BS_CAUSE_FALLBACK,
         SIZE_MAX,
         true},
        {"added member on iMessage does not count: since-start",
         true,
         {{20, 0, 3, false}, {30, 0, 4, true}},
         {CANDIDATE(15, 2, 1, ON)},
         1,
         {CANDIDATE(20, 3, 0, OFF)},
         1,
         true,
         20,
         0,
         BS_CAUSE_SINCE_START,
         0,
         false},
        {"two additions: the latest; a tie on date goes to the highest ROWID",
         true,
         {{50, 0, 9, false}},
         {CANDIDATE(40, 7, 1, OFF), CANDIDATE(40, 8, 2, OFF), CANDIDATE(30, 9, 3, OFF)},
         3,
         {{{0, 0, 0}, 0, false}},
         0,
         true,
         50,
         0,
         BS_CAUSE_MEMBER_ADDED,
         2,
         true},
        {"a direct thread never has member-added",
         false,
         {{20, 0, 3, false}},
         {CANDIDATE(10, 2, 0, OFF)},
         1,
         {CANDIDATE(20, 3, 0, OFF)},
         1,
         true,
         20,
         0,
         BS_CAUSE_SINCE_START,
         0,
         true},
        {"fallback after three iMessages; the earliest sender not on iMessage",
         true,
         {{10, 0, 1, true},
          {11, 0, 2, true},
          {12, 0, 3, true},
          {20, 0, 4, false},
          {25, 0, 5, false},
          {30, 0, 6, true}},
         {{{0, 0, 0}, 0, false}},
         0,
         {CANDIDATE(25, 5, 3, OFF), CANDIDATE(20, 4, 2, ON), CANDIDATE(26, 6, 1, OFF)},
         3,
         true,
         20,
         3,
         BS_CAUSE_FALLBACK,
         3,
         false},
        {"only the owner's messages went unencrypted: nobody broke it",
         false,
         {{10, 0, 1, true}, {20, 0, 2, false}},
         {{{0, 0, 0}, 0, false}},
         0,
         {{{0, 0, 0}, 0, false}},
         0,
         true,
         20,
         1,
         BS_CAUSE_FALLBACK,
         SIZE_MAX,
         true},
        {"every sender on iMessage: nobody broke it",
         false,
         {{20, 0, 2, false}},
         {{{0, 0, 0}, 0, false}},
         0,
         {CANDIDATE(20, 2, 0, ON)},
         1,
         true,
         20,
         0,
         BS_CAUSE_SINCE_START,
         SIZE_MAX,
         true},
        {"out of order: an SMS dated before iMessages already seen (recount)",
         false,
         {{10, 0, 1, true}, {30, 0, 2, true}, {40, 0, 3, true}, {20, 0, 4, false}},
         {{{0, 0, 0}, 0, false}},
         0,
         {{{0, 0, 0}, 0, false}},
         0,
         true,
         20,
         1,
         BS_CAUSE_FALLBACK,
         SIZE_MAX,
         false},
        {"out of order: the SMS is older than every iMessage (since-start)",
         false,
         {{30, 0, 1, true}, {40, 0, 2, true}, {5, 0, 3, false}},
         {{{0, 0, 0}, 0, false}},
         0,
         {{{0, 0, 0}, 0, false}},
         0,
         true,
         5,
         0,
         BS_CAUSE_SINCE_START,
         SIZE_MAX,
         false},
        {"same second: the fraction orders, then the ROWID",
         false,
         {{10, 500, 1, true}, {10, 100, 2, false}, {10, 100, 3, true}},
         {{{0, 0, 0}, 0, false}},
         0,
         {{{0, 0, 0}, 0, false}},
         0,
         true,
         10,
         0,
         BS_CAUSE_SINCE_START,
         SIZE_MAX,
         false},
        {"ongoing follows the latest date, not the highest ROWID",
         false,
         {{50, 0, 1, false}, {10, 0, 2, true}},
         {{{0, 0, 0}, 0, false}},
         0,
         {{{0, 0, 0}, 0, false}},
         0,
         true,
         50,
         1,
         BS_CAUSE_FALLBACK,
         SIZE_MAX,
         true},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        run_timeline_row(&rows[i]);
    }
}

/* Many random threads, arrivals shuffled as a real database's ROWIDs can be: the one-pass
 * accumulation (with its recount when it asks for one) always agrees with sorting. */
static void test_against_sorting(void)
{
    unsigned seed = 12345u;
    for (int round = 0; round < 20000; round++) {
        struct message messages[12];
        size_t count = 1 + (size_t)(rand_r(&seed) % 12);
        for (size_t i = 0; i < count; i++) {
            messages[i].seconds = rand_r(&seed) % 6;
            messages[i].nanos = (int32_t)(rand_r(&seed) % 2);
            messages[i].rowid = (int64_t)i + 1;
            messages[i].is_encrypted = rand_r(&seed) % 3 != 0;
        }
        struct bs_thread_timeline timeline;
        memset(&timeline, 0, sizeof(timeline));
        for (size_t i = 0; i < count; i++) {
            struct bs_message_key key =
                key_of(messages[i].seconds, messages[i].nanos, (int64_t)i + 1);
            bs_timeline_add(&timeline, &key, messages[i].is_encrypted);
        }
        if (timeline.needs_recount) {
            bs_timeline_recount_begin(&timeline);
            for (size_t i = count; i-- > 0;) { /* any order */
                struct bs_message_key key =
                    key_of(messages[i].seconds, messages[i].nanos, (int64_t)i + 1);
                bs_timeline_recount_add(&timeline, &key, messages[i].is_encrypted);
            }
        }
        /* Brute force: the first unencrypted by (date, ROWID), iMessages before it, latest. */
        size_t first = SIZE_MAX;
        size_t latest = 0;
        for (size_t i = 0; i < count; i++) {
            struct bs_message_key here =
                key_of(messages[i].seconds, messages[i].nanos, (int64_t)i + 1);
            struct bs_message_key last =
                key_of(messages[latest].seconds, messages[latest].nanos, (int64_t)latest + 1);
            if (bs_message_key_compare(&last, &here) < 0) {
                latest = i;
            }
            if (!messages[i].is_encrypted) {
                struct bs_message_key best =
                    first == SIZE_MAX ? here
                                      : key_of(messages[first].seconds, messages[first].nanos,
                                               (int64_t)first + 1);
                if (first == SIZE_MAX || bs_message_key_compare(&here, &best) < 0) {
                    first = i;
                }
            }
        }
        CHECK_INT_EQ(timeline.has_unencrypted, first != SIZE_MAX);
        CHECK_INT_EQ(bs_timeline_is_ongoing(&timeline), !messages[latest].is_encrypted);
        if (first == SIZE_MAX) {
            continue;
        }
        struct bs_message_key cut =
            key_of(messages[first].seconds, messages[first].nanos, (int64_t)first + 1);
        uint64_t before = 0;
        for (size_t i = 0; i < count; i++) {
            struct bs_message_key here =
                key_of(messages[i].seconds, messages[i].nanos, (int64_t)i + 1);
            before += messages[i].is_encrypted && bs_message_key_compare(&here, &cut) < 0;
        }
        CHECK_INT_EQ(timeline.first_unencrypted.rowid, (int64_t)first + 1);
        CHECK_INT_EQ(timeline.encrypted_before, before);
    }
}

int main(void)
{
    test_key_order_and_dates();
    test_causes();
    test_against_sorting();
    return check_report("timeline");
}
