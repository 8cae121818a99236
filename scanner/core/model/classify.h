/*
 * The classification rules of SPEC 3 as pure functions over plain values: no I/O, no
 * allocation, no third-party types. Each rule is a row in tests/unit/test_classify.c.
 */
#ifndef BS_CORE_CLASSIFY_H
#define BS_CORE_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model/model.h"

/* message.service (bytes may be NULL, not NUL-terminated) trimmed of ASCII white space and
 * compared case-insensitively. */
enum bs_service bs_classify_service(const char *bytes, size_t length);

/* The transport of one message: SMS becomes MMS with an attachment or in a group. */
enum bs_transport bs_classify_message_transport(enum bs_service service, bool has_attachment,
                                                bool is_group);

/* True when a message of that service went end-to-end encrypted (iMessage, satellite). */
bool bs_classify_is_encrypted(enum bs_service service);

/* What the scan knows of one counted message when it adds it to its threads and totals. */
struct bs_message_facts {
    enum bs_service service;
    struct bs_date date;
    struct bs_message_key key; /* its place in the timeline; meaningful when date is known */
    bool is_from_me;
    bool was_downgraded;
    bool has_attachment; /* a message_attachment_join row or cache_has_attachments */
    bool is_icloud_synced;
};

/* Adds a counted message to the accumulators of thread, whose kind is not known until every
 * membership is read: the message is tallied by bs_classify_message_transport as in a direct
 * thread, plain SMS apart so bs_classify_thread can make them MMS in a group; a dated one
 * also joins the thread's timeline (timeline.h). is_first_chat: the first chat of the
 * message (see bs_thread.sms_plain_first_chat_count). */
void bs_classify_add_to_thread(struct bs_thread *thread, const struct bs_message_facts *message,
                               bool is_first_chat);

/* --compare (SPEC 4): counts message into thread->unencrypted_after_cutoff when it is
 * unencrypted and dated after cutoff, compared to the whole second (a message in the same
 * second as cutoff is not new). An unknown cutoff (the earlier report had no dated message)
 * takes every dated message; an undated message is never after anything. */
void bs_classify_add_after_cutoff(struct bs_thread *thread, const struct bs_message_facts *message,
                                  struct bs_date cutoff);

/* Adds a counted message to the whole-source counts of result. A plain SMS in a chat waits for
 * its thread's kind (bs_classify_add_thread_totals); one in no chat (is_orphan) is direct. */
void bs_classify_add_to_totals(struct bs_scan_result *result,
                               const struct bs_message_facts *message, bool is_orphan);

/* Adds the plain SMS that thread (classified) held back to the whole-source counts. */
void bs_classify_add_thread_totals(struct bs_scan_result *result, const struct bs_thread *thread);

/* A message.date value: seconds since 2001-01-01 UTC in old schemas, nanoseconds since
 * iOS 11, decided per value (magnitude above 1e11 is nanoseconds). Zero, negative or NULL
 * (is_present false) and dates past year 9999 are unknown. */
struct bs_date bs_classify_date(int64_t raw, bool is_present);

/* The sub-second part, in nanoseconds (0-999,999,999), of a message.date value that
 * bs_classify_date reads as a known date: nanosecond values keep it, second values have none. */
int32_t bs_classify_date_nanoseconds(int64_t raw);

/* Formats a date as ISO 8601 UTC to the second ("2024-05-01T12:34:56Z") into out, which
 * must hold 21 bytes; "" when unknown. Returns out. */
char *bs_date_format(struct bs_date date, char out[21]);

/* Parses YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[Z] as UTC; false when malformed. */
bool bs_date_parse(const char *text, struct bs_date *out);

/* Days since 1970-01-01 to a civil date (proleptic Gregorian, UTC) and back. */
void bs_civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day);
int64_t bs_days_from_civil(int64_t year, unsigned month, unsigned day);

/* Later of two dates; an unknown date never wins. */
struct bs_date bs_date_max(struct bs_date a, struct bs_date b);
/* Earlier of two dates; an unknown date never wins. */
struct bs_date bs_date_min(struct bs_date a, struct bs_date b);

/* Group or direct (SPEC 3.2): chat.style 43 is a group and 45 direct; otherwise a group when
 * the chat has more than one participant or its guid contains ";+;". */
enum bs_thread_kind bs_classify_kind(int64_t style, const char *guid, size_t participant_count);

/* A person who keeps a thread encrypted: reachable on iMessage and not an automated sender
 * (SPEC 3.3, 4: an automated sender counts as not on iMessage). Every "not on iMessage"
 * count and list uses this. */
bool bs_classify_person_on_imessage(const struct bs_person *person);

/* The index of the first member of thread at or after from who is not on iMessage (the
 * members thread->non_imessage_count counts, in member order), or thread->member_count:
 * the one walk every "not on iMessage" list makes. */
size_t bs_classify_next_non_imessage(const struct bs_scan_result *result,
                                     const struct bs_thread *thread, size_t from);

/* What classification needs to know of a thread's people. */
struct bs_thread_people {
    size_t member_count;           /* people (3.3), not handle rows */
    size_t imessage_member_count;  /* people reachable on iMessage who are not automated */
    size_t automated_member_count; /* automated senders */
};

/* Derives kind, per-transport counts, thread transport, reasons, risk and
 * non_imessage_count of thread from its accumulated counters and its people. Pure: touches
 * only those fields of *thread. */
void bs_classify_thread(struct bs_thread *thread, const struct bs_thread_people *people);

#endif
