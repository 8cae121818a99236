/* The exposure timeline rules of SPEC 3.7 (see timeline.h); pure functions only. */
#include "core/model/timeline.h"

#include "core/model/classify.h"

int bs_message_key_compare(const struct bs_message_key *a, const struct bs_message_key *b)
{
    if (a->unix_seconds != b->unix_seconds) {
        return a->unix_seconds < b->unix_seconds ? -1 : 1;
    }
    if (a->nanoseconds != b->nanoseconds) {
        return a->nanoseconds < b->nanoseconds ? -1 : 1;
    }
    return (a->rowid > b->rowid) - (a->rowid < b->rowid);
}

static bool is_before(const struct bs_message_key *a, const struct bs_message_key *b)
{
    return bs_message_key_compare(a, b) < 0;
}

/* Dated at or before: the date alone, at full precision (the ROWID does not matter). */
static bool is_dated_at_or_before(const struct bs_message_key *a, const struct bs_message_key *b)
{
    return a->unix_seconds < b->unix_seconds ||
           (a->unix_seconds == b->unix_seconds && a->nanoseconds <= b->nanoseconds);
}

bool bs_message_key_make(int64_t raw_date, bool is_present, int64_t rowid,
                         struct bs_message_key *out)
{
    struct bs_date date = bs_classify_date(raw_date, is_present);
    if (!date.is_known) {
        return false;
    }
    out->unix_seconds = date.unix_seconds;
    out->nanoseconds = bs_classify_date_nanoseconds(raw_date);
    out->rowid = rowid;
    return true;
}

void bs_timeline_add(struct bs_thread_timeline *timeline, const struct bs_message_key *key,
                     bool is_encrypted)
{
    if (!timeline->has_dated || is_before(&timeline->last_dated, key)) {
        timeline->has_dated = true;
        timeline->last_dated = *key;
        timeline->is_last_dated_unencrypted = !is_encrypted;
    }
    if (is_encrypted) {
        timeline->encrypted_dated++;
        if (!timeline->has_unencrypted || is_before(key, &timeline->first_unencrypted)) {
            timeline->encrypted_before++;
        }
        if (!timeline->has_encrypted || is_before(key, &timeline->first_encrypted)) {
            timeline->first_encrypted = *key;
        }
        if (!timeline->has_encrypted || is_before(&timeline->last_encrypted, key)) {
            timeline->last_encrypted = *key;
        }
        timeline->has_encrypted = true;
        return;
    }
    if (timeline->has_unencrypted && !is_before(key, &timeline->first_unencrypted)) {
        return;
    }
    timeline->has_unencrypted = true;
    timeline->first_unencrypted = *key;
    if (!timeline->has_encrypted || is_before(&timeline->last_encrypted, key)) {
        timeline->encrypted_before = timeline->encrypted_dated; /* every iMessage so far */
    } else if (is_before(key, &timeline->first_encrypted)) {
        timeline->encrypted_before = 0; /* none so far (dates falling with ROWID) */
        timeline->needs_recount = false;
    } else {
        timeline->needs_recount = true; /* it falls between the iMessages so far: how many? */
    }
}

void bs_timeline_recount_begin(struct bs_thread_timeline *timeline)
{
    timeline->encrypted_before = 0;
    timeline->needs_recount = false;
}

void bs_timeline_recount_add(struct bs_thread_timeline *timeline, const struct bs_message_key *key,
                             bool is_encrypted)
{
    if (is_encrypted && timeline->has_unencrypted && is_before(key, &timeline->first_unencrypted)) {
        timeline->encrypted_before++;
    }
}

void bs_timeline_decide(struct bs_thread_timeline *timeline, bool is_group,
                        const struct bs_timeline_candidate *added, size_t added_count,
                        const struct bs_timeline_candidate *senders, size_t sender_count)
{
    timeline->cause = BS_CAUSE_NONE;
    timeline->broken_by = SIZE_MAX;
    if (!timeline->has_unencrypted) {
        return;
    }
    const struct bs_timeline_candidate *latest_added = NULL;
    for (size_t i = 0; is_group && i < added_count; i++) {
        const struct bs_timeline_candidate *event = &added[i];
        if (!event->is_on_imessage &&
            is_dated_at_or_before(&event->key, &timeline->first_unencrypted) &&
            (latest_added == NULL || is_before(&latest_added->key, &event->key))) {
            latest_added = event;
        }
    }
    if (latest_added != NULL) {
        timeline->cause = BS_CAUSE_MEMBER_ADDED;
        timeline->broken_by = latest_added->member;
        return;
    }
    timeline->cause = timeline->encrypted_before == 0 ? BS_CAUSE_SINCE_START : BS_CAUSE_FALLBACK;
    const struct bs_timeline_candidate *earliest = NULL;
    for (size_t i = 0; i < sender_count; i++) {
        const struct bs_timeline_candidate *sender = &senders[i];
        if (!sender->is_on_imessage &&
            (earliest == NULL || is_before(&sender->key, &earliest->key))) {
            earliest = sender;
        }
    }
    if (earliest != NULL) {
        timeline->broken_by = earliest->member;
    }
}

struct bs_date bs_timeline_exposed_since(const struct bs_thread_timeline *timeline)
{
    struct bs_date date = {timeline->first_unencrypted.unix_seconds, timeline->has_unencrypted};
    return date;
}

bool bs_timeline_is_ongoing(const struct bs_thread_timeline *timeline)
{
    return timeline->has_dated && timeline->is_last_dated_unencrypted;
}
