/*
 * Fuzz target: the exposure timeline (core/timeline, SPEC 3.7) against a restatement by sorting.
 *
 * The input is a thread: messages (date seconds, a fraction, encrypted or not) in the order
 * their ROWIDs give them, then candidates (members added by group events, and senders of
 * received unencrypted messages, each with a date, a member and whether they are on
 * iMessage). The one-pass accumulation bs_timeline_add, with the recount it asks for, must
 * give what sorting all messages by (date, ROWID) gives; bs_timeline_decide must pick the cause
 * and broken_by the rule of 3.7 names, restated here over the sorted messages.
 */
#include <stdlib.h>
#include <string.h>

#include "core/base/byte_reader.h"
#include "core/model/timeline.h"
#include "fuzz.h"

#define MAX_MESSAGES   64
#define MAX_CANDIDATES 16

struct message {
    struct bs_message_key key;
    bool is_encrypted;
};

static uint8_t take_u8(struct bs_byte_reader *reader)
{
    uint8_t value = 0;
    (void)bs_byte_reader_u8(reader, &value);
    return value;
}

/* Few distinct dates, so ties on the second and on the fraction are common. */
static struct bs_message_key key_from(struct bs_byte_reader *reader, int64_t rowid)
{
    uint8_t when = take_u8(reader);
    struct bs_message_key key = {1700000000 + (when & 0x1F), (int32_t)((when >> 5) & 0x3), rowid};
    return key;
}

static bool before(const struct bs_message_key *a, const struct bs_message_key *b)
{
    return bs_message_key_compare(a, b) < 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bs_byte_reader reader;
    bs_byte_reader_init(&reader, data, size);
    size_t count = take_u8(&reader) % (MAX_MESSAGES + 1);
    struct message messages[MAX_MESSAGES];
    for (size_t i = 0; i < count; i++) {
        messages[i].key = key_from(&reader, (int64_t)i + 1);
        messages[i].is_encrypted = (take_u8(&reader) & 1u) != 0;
    }
    bool is_group = (take_u8(&reader) & 1u) != 0;
    size_t added_count = take_u8(&reader) % (MAX_CANDIDATES + 1);
    size_t sender_count = take_u8(&reader) % (MAX_CANDIDATES + 1);
    struct bs_timeline_candidate added[MAX_CANDIDATES];
    struct bs_timeline_candidate senders[MAX_CANDIDATES];
    for (size_t i = 0; i < added_count + sender_count; i++) {
        struct bs_timeline_candidate *c = i < added_count ? &added[i] : &senders[i - added_count];
        c->key = key_from(&reader, 1000 + (int64_t)(take_u8(&reader) % 8));
        uint8_t who = take_u8(&reader);
        c->member = who % 8;
        c->is_on_imessage = (who & 0x80u) != 0;
    }

    /* The one pass, in ROWID order, and the recount it may ask for (in reverse order). */
    struct bs_thread_timeline timeline;
    memset(&timeline, 0, sizeof(timeline));
    for (size_t i = 0; i < count; i++) {
        bs_timeline_add(&timeline, &messages[i].key, messages[i].is_encrypted);
    }
    if (timeline.needs_recount) {
        bs_timeline_recount_begin(&timeline);
        for (size_t i = count; i-- > 0;) {
            bs_timeline_recount_add(&timeline, &messages[i].key, messages[i].is_encrypted);
        }
    }
    FUZZ_CHECK(!timeline.needs_recount);
    bs_timeline_decide(&timeline, is_group, added, added_count, senders, sender_count);

    /* Restated: the first unencrypted and the latest message by (date, ROWID). */
    const struct message *first = NULL;
    const struct message *latest = NULL;
    for (size_t i = 0; i < count; i++) {
        if (!messages[i].is_encrypted && (first == NULL || before(&messages[i].key, &first->key))) {
            first = &messages[i];
        }
        if (latest == NULL || before(&latest->key, &messages[i].key)) {
            latest = &messages[i];
        }
    }
    FUZZ_CHECK(bs_timeline_is_ongoing(&timeline) == (latest != NULL && !latest->is_encrypted));
    struct bs_date since = bs_timeline_exposed_since(&timeline);
    FUZZ_CHECK(since.is_known == (first != NULL));
    if (first == NULL) {
        FUZZ_CHECK(timeline.cause == BS_CAUSE_NONE && timeline.broken_by == SIZE_MAX);
        return 0;
    }
    FUZZ_CHECK(since.unix_seconds == first->key.unix_seconds);
    FUZZ_CHECK(bs_message_key_compare(&timeline.first_unencrypted, &first->key) == 0);
    uint64_t encrypted_before = 0;
    for (size_t i = 0; i < count; i++) {
        encrypted_before += messages[i].is_encrypted && before(&messages[i].key, &first->key);
    }
    FUZZ_CHECK(timeline.encrypted_before == encrypted_before);

    /* member-added: the latest addition (date, then ROWID) of someone not on iMessage, dated
     * at or before the first unencrypted message, in a group. */
    const struct bs_timeline_candidate *latest_added = NULL;
    for (size_t i = 0; is_group && i < added_count; i++) {
        const struct bs_timeline_candidate *c = &added[i];
        bool in_time = c->key.unix_seconds < first->key.unix_seconds ||
                       (c->key.unix_seconds == first->key.unix_seconds &&
                        c->key.nanoseconds <= first->key.nanoseconds);
        if (!c->is_on_imessage && in_time &&
            (latest_added == NULL || before(&latest_added->key, &c->key))) {
            latest_added = c;
        }
    }
    if (latest_added != NULL) {
        FUZZ_CHECK(timeline.cause == BS_CAUSE_MEMBER_ADDED);
        FUZZ_CHECK(timeline.broken_by == latest_added->member);
        return 0;
    }
    FUZZ_CHECK(timeline.cause ==
               (encrypted_before == 0 ? BS_CAUSE_SINCE_START : BS_CAUSE_FALLBACK));
    const struct bs_timeline_candidate *earliest = NULL;
    for (size_t i = 0; i < sender_count; i++) {
        if (!senders[i].is_on_imessage &&
            (earliest == NULL || before(&senders[i].key, &earliest->key))) {
            earliest = &senders[i];
        }
    }
    FUZZ_CHECK(timeline.broken_by == (earliest == NULL ? SIZE_MAX : earliest->member));
    return 0;
}
