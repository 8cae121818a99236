/*
 * --compare OLD.json (SPEC 4): what changed since a report bubblescan wrote earlier for the
 * same phone. The earlier report is read by report/compare_read.c into the plain struct below
 * (only the fields every format has); this file matches its threads with a scan's by
 * chat_guid and decides, once, everything the summary, the HTML and the JSON say about it:
 * which threads' risk rose (new critical and high groups first), which fell (fixed), which
 * are gone (in OLD, not in this scan: deleted or outside --since, never "fixed"), and how many
 * unencrypted messages each thread has had since OLD's latest message.
 *
 * Those new messages are counted during the scan's one pass (classify.h
 * bs_classify_add_after_cutoff into bs_thread.unencrypted_after_cutoff), with
 * bs_compare_cutoff below as the cutoff; this file only collects them.
 *
 * Matching uses the real guids, so bs_compare_build runs before redaction; the entries of a
 * thread of this scan refer to it by index, so they show its name as redaction leaves it.
 * A gone thread exists only in OLD: its name and guid are OLD's, which redaction replaces
 * (report/redact.h bs_redact_compare).
 */
#ifndef BS_CORE_MODEL_COMPARE_H
#define BS_CORE_MODEL_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/status.h"
#include "core/base/text.h"
#include "core/model/model.h"

/* One thread of the earlier report. */
struct bs_old_thread {
    char *chat_guid; /* owned; never NULL */
    char *name;      /* owned; never NULL */
    enum bs_risk risk;
    struct bs_date last_message; /* unknown when null */
};

/* The earlier report, as much of it as --compare uses. */
struct bs_old_report {
    int64_t format_version;
    struct bs_old_thread *threads; /* owned; in the order of the file */
    size_t thread_count;
    size_t capacity;
};

/* Frees what old owns and zeroes it. NULL-safe. */
void bs_old_report_clear(struct bs_old_report *old);

/* Adds a thread to old, taking ownership of chat_guid and name (freed on failure too).
 * BS_ERR_NOMEM, BS_ERR_LIMIT. */
enum bs_status bs_old_report_add(struct bs_old_report *old, char *chat_guid, char *name,
                                 enum bs_risk risk, struct bs_date last_message,
                                 struct bs_error *err);

/* OLD's latest message: the latest last_message of its threads, to the second. Messages of
 * this scan dated after it (not in the same second) are new. Unknown when OLD has no dated
 * message: every dated message is then new. */
struct bs_date bs_compare_cutoff(const struct bs_old_report *old);

/* One line of a comparison. */
struct bs_compare_entry {
    size_t thread_index; /* into result->threads; SIZE_MAX for a gone thread */
    size_t old_index;    /* into old.threads; SIZE_MAX for a thread new since OLD */
    enum bs_risk from;   /* OLD's risk (none for a thread new since OLD) */
    enum bs_risk to;     /* this scan's risk (unused for a gone thread) */
    uint64_t messages;   /* new_unencrypted only: unencrypted messages after the cutoff */
    bool ongoing;        /* new_unencrypted only: is the exposure still going on (SPEC 3.7) */
};

struct bs_compare_list {
    struct bs_compare_entry *entries; /* owned */
    size_t count;
    size_t capacity;
};

struct bs_compare {
    struct bs_old_report old;               /* owned (moved in by bs_compare_build) */
    struct bs_date old_latest;              /* bs_compare_cutoff(&old) */
    struct bs_compare_list risk_up;         /* to desc (new critical and high first), from asc */
    struct bs_compare_list risk_down;       /* from desc, to asc */
    struct bs_compare_list gone;            /* from desc, then OLD's order */
    struct bs_compare_list new_unencrypted; /* messages desc, then chat_id */

    /* The figures of the sentence. */
    uint64_t new_critical_groups;      /* groups at critical now, below it in OLD */
    uint64_t new_high_groups;          /* groups at high now, below it in OLD */
    uint64_t other_risk_up;            /* the rest of risk_up */
    uint64_t fixed;                    /* risk_down to none */
    uint64_t lowered;                  /* the rest of risk_down */
    uint64_t fixed_groups;             /* of fixed, groups */
    uint64_t new_unencrypted_messages; /* over every thread */
};

/* Compares result (classified, scanned with bs_compare_cutoff(old) as its cutoff, not yet
 * redacted) with *old, which it takes over (*old is zeroed, also on failure). Threads match
 * by chat_guid; a thread of OLD whose guid is empty matches nothing and is not reported; when
 * OLD repeats a guid, its first thread counts. A thread of this scan without a counted
 * message (all deleted, or outside --since) is not in this scan: OLD's thread is gone, when
 * it had a message there (a dated last_message, or a risk above none).
 * BS_ERR_NOMEM, with *out cleared. */
enum bs_status bs_compare_build(const struct bs_scan_result *result, struct bs_old_report *old,
                                struct bs_compare *out, struct bs_error *err);

/* Frees what compare owns and zeroes it. NULL-safe. */
void bs_compare_clear(struct bs_compare *compare);

/* The chat_guid and name an entry shows: this scan's thread (as redaction left it) or, for a
 * gone thread, OLD's. Borrowed from result or compare. */
const char *bs_compare_entry_guid(const struct bs_compare *compare,
                                  const struct bs_scan_result *result,
                                  const struct bs_compare_entry *entry);
const char *bs_compare_entry_name(const struct bs_compare *compare,
                                  const struct bs_scan_result *result,
                                  const struct bs_compare_entry *entry);

/* What happened to the thread of a risk_up, risk_down or gone entry: "risk up", "fixed" (risk
 * down to none), "risk down" or "gone". Static string. */
const char *bs_compare_entry_change(const struct bs_compare_entry *entry);

/* A thread whose risk fell to none: "fixed" (a gone thread never is). */
bool bs_compare_entry_is_fixed(const struct bs_compare_entry *entry);

/* Whether a new_unencrypted entry's exposure is still going on: "still going on" (the thread's
 * latest message is unencrypted) or "iMessage since". Static. */
const char *bs_compare_entry_state(const struct bs_compare_entry *entry);

/* What a gone thread means, as every report says it: "deleted, or outside --since: not fixed".
 * Static string. */
const char *bs_compare_gone_meaning(void);

/* The one sentence every report opens its "since the last scan" part with: "1 new critical
 * group, 1 group fixed, 1 thread gone; 14 unencrypted messages since then, all in "Family"",
 * appended to out. It quotes a thread name (untrusted: the writer escapes the sentence as it
 * escapes any source text). */
void bs_compare_sentence(const struct bs_compare *compare, const struct bs_scan_result *result,
                         struct bs_strbuf *out);

#endif
