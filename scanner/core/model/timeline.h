/*
 * The exposure timeline of SPEC 3.7 as pure functions: since when a thread is unencrypted,
 * why (member added, since its start, fallback), who broke it, how many iMessages came
 * before, and whether it is still going on. No I/O, no allocation: the message pass feeds
 * bs_timeline_add one dated message at a time (through classify.c), and analysis.c calls
 * bs_timeline_decide once people and their reachability are known. Each branch is a row in
 * tests/unit/test_timeline.c.
 */
#ifndef BS_CORE_TIMELINE_H
#define BS_CORE_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model/model.h"

/* Orders two keys by date at full precision, then ROWID: <0, 0 or >0. */
int bs_message_key_compare(const struct bs_message_key *a, const struct bs_message_key *b);

/* The key of a message whose message.date is raw (is_present false: NULL) and ROWID rowid:
 * false when the date is unknown (SPEC 3.1), and such a message has no place in a timeline. */
bool bs_message_key_make(int64_t raw_date, bool is_present, int64_t rowid,
                         struct bs_message_key *out);

/* Adds one dated counted message of the thread, in any order. Exact for exposed_since and
 * ongoing whatever the order; encrypted_before is exact unless the message is an
 * unencrypted one dated between the iMessages already added (neither after all of them nor
 * before all of them): then needs_recount is set, and the caller recounts
 * (bs_timeline_recount_*) over the thread's messages. */
void bs_timeline_add(struct bs_thread_timeline *timeline, const struct bs_message_key *key,
                     bool is_encrypted);

/* A recount of encrypted_before once first_unencrypted is final: begin, then add every dated
 * counted message of the thread once (any order). Clears needs_recount. */
void bs_timeline_recount_begin(struct bs_thread_timeline *timeline);
void bs_timeline_recount_add(struct bs_thread_timeline *timeline, const struct bs_message_key *key,
                             bool is_encrypted);

/* Someone the cause rule weighs: a member added by a group event, or the sender of a thread's
 * earliest unencrypted message received from them. */
struct bs_timeline_candidate {
    struct bs_message_key key; /* the event's or the message's */
    size_t member;             /* index into the thread's members */
    bool is_on_imessage;       /* bs_classify_person_on_imessage of that member's person */
};

/* Decides cause and broken_by (SPEC 3.7) from the accumulated timeline: member-added when
 * is_group and a member not on iMessage was added at or before the first unencrypted message
 * (broken_by: the latest such addition, ties to the highest ROWID); otherwise since-start when
 * no iMessage came first, else fallback, broken_by the sender not on iMessage of the earliest
 * received unencrypted message (SIZE_MAX when there is none: only the owner's, or only
 * iMessage users' messages went unencrypted). */
void bs_timeline_decide(struct bs_thread_timeline *timeline, bool is_group,
                        const struct bs_timeline_candidate *added, size_t added_count,
                        const struct bs_timeline_candidate *senders, size_t sender_count);

/* exposed_since as a date (unknown when the thread has no dated unencrypted message). */
struct bs_date bs_timeline_exposed_since(const struct bs_thread_timeline *timeline);

/* ongoing: the latest dated counted message is unencrypted. */
bool bs_timeline_is_ongoing(const struct bs_thread_timeline *timeline);

#endif
