/*
 * The plain data model of a scan: handles, people, threads and the scan result.
 *
 * Value records only (no I/O, no third-party types). The database reader (store/sms_store.c,
 * store/sms_tables.c) fills handles and threads and tallies each message through classify.c;
 * analysis.c derives the rest: people (merged handles), members, the thread rules (classify.c)
 * and the Signal plan (signal_plan.c). Every string is owned by the record that holds it
 * (malloc'd, NUL-terminated, at most BS_MAX_STRING_BYTES) and freed by bs_scan_result_clear.
 */
#ifndef BS_CORE_MODEL_H
#define BS_CORE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How one message travelled (SPEC 3.1). */
enum bs_transport {
    BS_TRANSPORT_IMESSAGE = 0,
    BS_TRANSPORT_SMS,
    BS_TRANSPORT_MMS,
    BS_TRANSPORT_RCS,
    BS_TRANSPORT_OTHER,
    BS_TRANSPORT_COUNT
};

/* message.service, trimmed and compared case-insensitively, before the SMS/MMS split. */
enum bs_service {
    BS_SERVICE_IMESSAGE = 0, /* iMessage */
    BS_SERVICE_SATELLITE,    /* iMessageLite: Messages via satellite, still iMessage */
    BS_SERVICE_SMS,          /* SMS; MMS is stored as SMS too */
    BS_SERVICE_RCS,
    BS_SERVICE_OTHER /* NULL, empty, Jabber, anything else */
};

enum bs_thread_kind {
    BS_KIND_DIRECT = 0,
    BS_KIND_GROUP
};

/* Transport of a whole thread (SPEC 3.2): sms covers sms and mms. */
enum bs_thread_transport {
    BS_THREAD_NONE = 0,
    BS_THREAD_IMESSAGE,
    BS_THREAD_SMS,
    BS_THREAD_RCS,
    BS_THREAD_OTHER,
    BS_THREAD_MIXED
};

enum bs_risk {
    BS_RISK_NONE = 0,
    BS_RISK_LOW,
    BS_RISK_MEDIUM,
    BS_RISK_HIGH,
    BS_RISK_CRITICAL
};

/* Reason codes (SPEC 3.4) as bits, in report order. */
enum bs_reason {
    BS_REASON_MIXED_PLATFORM_GROUP = 1u << 0,
    BS_REASON_UNENCRYPTED_GROUP = 1u << 1,
    BS_REASON_SMS_THREAD = 1u << 2,
    BS_REASON_RCS_UNVERIFIED = 1u << 3,
    BS_REASON_RCS_E2EE_ADVERTISED = 1u << 4,
    BS_REASON_UNKNOWN_TRANSPORT = 1u << 5,
    BS_REASON_SMS_FALLBACK = 1u << 6,
    BS_REASON_FORCED_SMS = 1u << 7,
    BS_REASON_MMS_ATTACHMENTS = 1u << 8,
    BS_REASON_AUTOMATED_SENDER = 1u << 9
};
#define BS_REASON_COUNT 10

enum bs_reachability {
    BS_REACH_SMS_ONLY = 0,
    BS_REACH_RCS_ONLY,
    BS_REACH_IMESSAGE
};

/* What a handle id looks like (SPEC 3.3). */
enum bs_id_kind {
    BS_ID_PHONE = 0,
    BS_ID_EMAIL,
    BS_ID_SHORT_CODE,   /* 3-8 digits, no '+': automated */
    BS_ID_ALPHANUMERIC, /* sender id like AMAZON: automated */
    BS_ID_OTHER         /* empty or unrecognisable */
};

/* A date that may be unknown: seconds since the Unix epoch, truncated. */
struct bs_date {
    int64_t unix_seconds;
    bool is_known;
};

/* A dated message's place in its thread's timeline (SPEC 3.7): its date at full precision,
 * then its ROWID. Compared by bs_message_key_compare (timeline.h). */
struct bs_message_key {
    int64_t unix_seconds;
    int32_t nanoseconds; /* 0-999999999 */
    int64_t rowid;
};

/* A yes/no fact that may be missing: Apple's chat evidence (SPEC 3.2). */
enum bs_flag {
    BS_FLAG_ABSENT = 0, /* no such key, or a value of another type: JSON null */
    BS_FLAG_FALSE,
    BS_FLAG_TRUE
};

/* chat.properties as found (SPEC 3.2). Evidence only, except force_sms (reason forced-sms). */
struct bs_apple_evidence {
    enum bs_flag hybrid; /* lastKnownHybridState: Messages' own mixed-platform verdict */
    enum bs_flag supports_encryption; /* supportsEncryption: end-to-end encrypted RCS advertised */
    enum bs_flag force_sms;           /* shouldForceToSMS */
};

/* Why a thread is exposed (SPEC 3.7), in the order the rule tries them. */
enum bs_exposure_cause {
    BS_CAUSE_NONE = 0,     /* no dated unencrypted message */
    BS_CAUSE_MEMBER_ADDED, /* a member not on iMessage was added at or before it */
    BS_CAUSE_SINCE_START,  /* no iMessage before the first unencrypted message */
    BS_CAUSE_FALLBACK      /* on iMessage first, then SMS/MMS/RCS */
};

/* Counted messages of one calendar month (UTC), for the reports' charts. */
struct bs_month_count {
    int32_t month_key;    /* year * 12 + month - 1 */
    uint64_t encrypted;   /* iMessage and satellite */
    uint64_t unencrypted; /* SMS, MMS, RCS and other */
};

/* Counted messages per month (months.h): one row per month that has a message, so memory
 * grows with months, never with messages. */
struct bs_month_table {
    struct bs_month_count *rows; /* owned; sorted by month_key */
    size_t count;
    size_t capacity;
    size_t last_used;              /* the row of the previous message: dates mostly ascend */
    struct bs_month_count undated; /* messages of unknown date (month_key 0) */
    /* The month of the previous message as [from, until) in Unix seconds and its key, so
     * that a message in the same month skips the calendar arithmetic. Empty when zeroed. */
    int64_t cached_from;
    int64_t cached_until;
    int32_t cached_key;
};

/* A thread's exposure timeline (SPEC 3.7), over its counted messages with a known date
 * (within --since). Accumulated message by message in ROWID order (timeline.h), which is
 * exact while a thread's dates rise or fall with ROWID; when an unencrypted message comes
 * between the iMessages already seen, encrypted_before is recounted over that thread alone. */
struct bs_thread_timeline {
    bool has_unencrypted;
    struct bs_message_key first_unencrypted; /* exposed_since */
    bool has_encrypted;
    struct bs_message_key first_encrypted; /* the earliest iMessage seen so far */
    struct bs_message_key last_encrypted;  /* the latest iMessage seen so far */
    uint64_t encrypted_dated;              /* dated iMessages seen so far */
    uint64_t encrypted_before;             /* dated iMessages before first_unencrypted */
    bool needs_recount;                    /* encrypted_before is not known exactly yet */
    bool has_dated;
    struct bs_message_key last_dated; /* ongoing: is the latest dated message unencrypted */
    bool is_last_dated_unencrypted;
    struct bs_month_table months; /* the thread's counted messages per month */

    /* Derived once people are known (bs_timeline_decide). */
    enum bs_exposure_cause cause;
    size_t broken_by; /* index into the thread's members; SIZE_MAX: nobody (bs_thread_broken_by) */
};

struct bs_handle {
    int64_t rowid;           /* first: row_index.c looks rows up by it */
    char *id;                /* as stored; never NULL ("" when NULL in the database) */
    char *service;           /* as stored; NULL when absent */
    char *country;           /* lower-case ISO code as stored; NULL when absent */
    char *person_centric_id; /* NULL when absent or empty */
    char *normalized_id;     /* ids.c normal form; never NULL */
    enum bs_id_kind id_kind;
    bool is_jabber;            /* handle.service is Jabber */
    bool has_imessage_service; /* handle.service is iMessage or iMessageLite */
    bool has_rcs_service;
    bool seen_imessage;       /* a message with this handle_id went over iMessage or satellite */
    bool seen_rcs;            /* a message with this handle_id went over RCS */
    bool registered_imessage; /* external evidence (iMessage registration cache) */
    size_t person_index;      /* set by analysis.c */
    size_t next_of_person;    /* next handle of the same person (ROWID order); SIZE_MAX: none */
};

struct bs_person {
    size_t first_handle_index; /* the handle with the lowest ROWID */
    char *contact_name;        /* from a contact book; NULL when unknown */
    enum bs_reachability reachability;
    bool is_automated;
};

/* A person in one thread, with the thread's own lowest-ROWID handle for them. */
struct bs_member {
    size_t person_index;
    size_t handle_index;
};

struct bs_thread {
    int64_t chat_id;                /* first: row_index.c looks rows up by it */
    char *guid;                     /* "" when absent */
    char *display_name;             /* NULL when absent or empty */
    char *chat_identifier;          /* NULL when absent */
    int64_t style;                  /* 0 when absent */
    struct bs_apple_evidence apple; /* chat.properties */

    /* Accumulated by the scan (bs_classify_add_to_thread): each message's transport as in a
     * direct thread; sms_plain_* become sms or mms once the kind is known. */
    uint64_t imessage_count;
    uint64_t sms_plain_count;
    uint64_t sms_attachment_count;
    uint64_t rcs_count;
    uint64_t other_count;
    uint64_t from_me_count;
    bool has_downgraded_unencrypted; /* was_downgraded = 1 on an sms/mms/rcs row */
    struct bs_date first_message;
    struct bs_date last_message;
    struct bs_date last_unencrypted;
    /* Plain SMS counted here only for the first chat of each message, so the whole-source
     * counts can split them into sms/mms once kinds are known without double counting. */
    uint64_t sms_plain_first_chat_count;
    struct bs_thread_timeline timeline;
    /* --compare: unencrypted messages dated after the earlier report's latest message
     * (bs_classify_add_after_cutoff); 0 without --compare. */
    uint64_t unencrypted_after_cutoff;

    /* Derived (analysis.c: members and name; classify.c: the rest). */
    struct bs_member *members; /* owned; sorted by person_index */
    size_t member_count;
    enum bs_thread_kind kind;
    uint64_t counts[BS_TRANSPORT_COUNT];
    enum bs_thread_transport transport;
    unsigned reasons; /* enum bs_reason bits */
    enum bs_risk risk;
    size_t non_imessage_count;
    char *name; /* display name or participant names; owned */
};

/* One row of the migrate-to-Signal list (SPEC 3.5). */
struct bs_signal_row {
    size_t person_index;
    uint64_t critical_groups;
    uint64_t risky_groups;
    uint64_t direct_threads;
    uint64_t unencrypted_messages;
    struct bs_date last_unencrypted;
    uint64_t secures;
    size_t *thread_indexes; /* owned; the person's critical/high/medium threads */
    size_t thread_count;
};

/* Which optional parts of the database were missing: each becomes a note. */
struct bs_schema_notes {
    bool lacks_handle_table;
    bool lacks_chat_table;
    bool lacks_chat_message_join;
    bool lacks_chat_handle_join;
    bool lacks_attachment_join; /* and no cache_has_attachments either */
    bool lacks_service_column;
    bool lacks_date_column;
    bool lacks_item_type_column;
    bool lacks_group_events; /* no group_action_type or other_handle: no member-added cause */
};

/* One timeline fact about a handle in a thread (bs_scan_result.member_added, first_received). */
struct bs_thread_event {
    uint32_t thread_index;
    uint32_t handle_index;
    struct bs_message_key key;
};

struct bs_scan_result {
    struct bs_handle *handles; /* sorted by rowid */
    size_t handle_count;
    struct bs_person *persons;
    size_t person_count;
    struct bs_thread *threads; /* sorted by chat_id */
    size_t thread_count;
    struct bs_signal_row *signal_rows; /* ranked */
    size_t signal_count;

    uint64_t message_rows;        /* all rows of message */
    uint64_t counted_messages;    /* item_type 0 (and within --since) */
    struct bs_date first_message; /* over every thread (analysis.c); unknown when none */
    struct bs_date last_message;
    uint64_t orphan_messages;            /* counted, in no chat */
    uint64_t counts[BS_TRANSPORT_COUNT]; /* per counted message, orphans included */
    uint64_t icloud_synced_messages;
    struct bs_schema_notes notes;
    struct bs_month_table months; /* counted messages per month */

    /* Raw membership read from the database, before people are merged: each entry is
     * (thread index << 32 | handle index), unique. Owned; consumed by analysis.c. */
    uint64_t *member_pairs;
    size_t member_pair_count;

    /* Raw timeline evidence from the pass, consumed by analysis.c (bs_timeline_decide):
     * every dated "member added" group event (item_type 1, group_action_type 0), and per
     * thread and sender handle the earliest dated unencrypted message received. Owned. */
    struct bs_thread_event *member_added;
    size_t member_added_count;
    struct bs_thread_event *first_received;
    size_t first_received_count;
};

/* Frees everything a result owns, and the struct's contents (not the struct). NULL-safe. */
void bs_scan_result_clear(struct bs_scan_result *result);

/* Names used in every output. Static strings. */
const char *bs_transport_name(enum bs_transport transport);
const char *bs_thread_transport_name(enum bs_thread_transport transport);
const char *bs_thread_kind_name(enum bs_thread_kind kind);
const char *bs_risk_name(enum bs_risk risk);
const char *bs_reachability_name(enum bs_reachability reachability);
/* Code of the reason at bit position index (0..BS_REASON_COUNT-1). */
const char *bs_reason_code(unsigned index);
/* Parses "critical", "high", "medium", "low", "none"; false when unknown. */
bool bs_risk_parse(const char *text, enum bs_risk *out);

/* A transport as the reports show it ("iMessage", "SMS", ...) and what it means for the
 * message ("end-to-end encrypted", ...). Static strings. */
const char *bs_transport_label(enum bs_transport transport);
const char *bs_transport_meaning(enum bs_transport transport);

/* What the summary and the HTML say of a person beside the name: "automated" for an
 * automated sender (whatever its handles' services), else the reachability's name. */
const char *bs_person_label(const struct bs_person *person);

/* The name shown for a person: contact name, else the id of their lowest-ROWID handle.
 * Borrowed from result. */
const char *bs_person_name(const struct bs_scan_result *result, size_t person_index);

/* True when an earlier handle of the same person has the same id as handle_index (the same
 * number as an iMessage and an SMS handle): lists of a person's ids show it once. */
bool bs_handle_repeats_id(const struct bs_scan_result *result, size_t handle_index);

/* The member who broke the thread's encryption (SPEC 3.7 broken_by), or NULL: nobody, or
 * a thread whose timeline was never decided (a zeroed one). */
const struct bs_member *bs_thread_broken_by(const struct bs_thread *thread);

/* "member-added", "since-start", "fallback"; "" for BS_CAUSE_NONE. Static string. */
const char *bs_exposure_cause_name(enum bs_exposure_cause cause);

struct bs_strbuf;
/* Appends a member as the reports write one (SPEC 4): "Name <id>", or the id alone when no
 * contact name is known; id is the member's own handle in the thread. */
void bs_member_label(const struct bs_scan_result *result, const struct bs_member *member,
                     struct bs_strbuf *out);

/* Unencrypted messages of a thread: sms + mms + rcs + other. */
uint64_t bs_thread_unencrypted(const struct bs_thread *thread);

/* Counted messages of a thread: imessage + sms + mms + rcs + other. */
uint64_t bs_thread_messages(const struct bs_thread *thread);

#endif
