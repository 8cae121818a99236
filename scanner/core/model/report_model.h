/*
 * The report model: everything a reader of any report is told, decided once per scan from
 * the classified result and the backup facts — counts and shares, the threads in report
 * order and the critical and high groups, the Signal headline, the advice ("what to do")
 * and the notes. The summary, CSV, JSON and HTML writers only render it: none of them
 * counts, ranks or words a verdict (STYLE.md, "compute once, render many").
 *
 * Built after redaction (names are never copied here: threads are referred to by index and
 * advice sentences hold no source string), so it is valid for exactly the result it was
 * built from, which must outlive it.
 */
#ifndef BS_CORE_REPORT_MODEL_H
#define BS_CORE_REPORT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/status.h"
#include "core/model/findings.h"
#include "core/model/model.h"

/* What one advice item is about, in the order the reports give them. */
enum bs_advice_code {
    BS_ADVICE_CRITICAL_GROUPS = 0, /* move each critical group to Signal as a whole */
    BS_ADVICE_HIGH_GROUPS,         /* start Signal groups for the high ones */
    BS_ADVICE_DIRECT_THREADS,      /* ask the medium threads' people to install Signal */
    BS_ADVICE_AUTOMATED_SENDERS,   /* low: nobody to move, prefer an authenticator app */
    BS_ADVICE_ALL_ENCRYPTED,       /* no unencrypted message at all */
    BS_ADVICE_ORPHANS_ONLY,        /* no thread at risk, but unencrypted orphans */
    BS_ADVICE_RCS_E2EE,            /* RCS advertised as encrypted still counts as unencrypted */
    BS_ADVICE_ENCRYPT_BACKUP,      /* an unencrypted backup: turn on Encrypt local backup */
    BS_ADVICE_ICLOUD_ADP,          /* messages in iCloud: turn on ADP or turn those off */
    BS_ADVICE_CHECK_ADP,           /* a backup cannot show ADP: check it */
    BS_ADVICE_BACKUP_INCOMPLETE,   /* make a new backup and scan again */
    BS_ADVICE_AT_REST,             /* a bare database: iCloud and local backups in general */
    BS_ADVICE_WHATSAPP_BACKUP,     /* WhatsApp found: its own iCloud backup, end-to-end */
    BS_ADVICE_CODE_COUNT
};

/* One sentence of advice: lead + " " + body, then (in the summary only) the names of the
 * groups at names_risk in parentheses, then ": " + action when action is not NULL. lead is
 * what the HTML emphasises; it may be empty (then the sentence starts with body). */
struct bs_advice {
    enum bs_advice_code code;
    char lead[64];           /* "2 groups", "1 direct conversation is"; "" when none */
    char body[384];          /* the rest, up to the names or the action */
    const char *action;      /* static; NULL when the sentence ends with body */
    enum bs_risk names_risk; /* BS_RISK_CRITICAL or BS_RISK_HIGH: name those groups; else NONE */
    uint64_t count;          /* the number the lead counts (0 when none) */
};

/* At most one item per code. */
#define BS_MAX_ADVICE BS_ADVICE_CODE_COUNT
/* At most one note per missing part of the database (model.h bs_schema_notes). */
#define BS_MAX_NOTES 9

struct bs_report_model {
    /* Whole-source counts. */
    uint64_t threads_by_risk[BS_RISK_CRITICAL + 1];
    uint64_t risky_threads;        /* risk low or above: sent something unencrypted */
    uint64_t encrypted_messages;   /* iMessage and satellite */
    uint64_t unencrypted_messages; /* sms + mms + rcs + other, orphans included */
    unsigned encrypted_percent;    /* of counted messages, rounded; 0 when none */
    unsigned unencrypted_percent;
    unsigned transport_percent[BS_TRANSPORT_COUNT];

    /* Threads in report order (SPEC 4: risk, last_unencrypted desc, chat_id), as indexes
     * into result->threads: every thread, and how many of the first are risky. Owned. */
    size_t *thread_order;
    size_t risky_count;

    /* The Signal list (SPEC 3.5): the threads it works on (the denominator of every
     * "secures N of M"), the headline (how many people the headline names, and what they
     * and everyone secure), and per row the row's threads ordered by name (byte order) as
     * indexes into result->threads, owned. */
    size_t covered_threads;
    size_t headline_people;
    uint64_t headline_secures;
    uint64_t all_secures;
    size_t **signal_thread_names; /* [signal_row_count][the row's thread_count] */
    size_t signal_row_count;
    /* Why the list is empty (a sentence, static), NULL when it is not. */
    const char *signal_empty_reason;

    /* What to do, and notes about missing parts of the database (static sentences). */
    struct bs_advice advice[BS_MAX_ADVICE];
    size_t advice_count;
    const char *notes[BS_MAX_NOTES];
    size_t note_count;

    /* A backup's own verdict on its encryption: "encrypted", "not encrypted" or
     * "encryption unknown"; NULL for a bare database. Static. is_backup_encrypted says the
     * same as a yes/no, has_backup_verdict false when unknown (or a bare database). */
    const char *backup_encryption;
    bool has_backup_verdict;
    bool is_backup_encrypted;
};

/* People the Signal headline names at most ("invite these 5 people"). */
#define BS_SIGNAL_HEADLINE_PEOPLE 5

/* Builds *model (zeroed here) from result and facts (NULL or is_backup false: a bare
 * database). BS_ERR_NOMEM, with *model cleared. */
enum bs_status bs_report_model_build(const struct bs_scan_result *result,
                                     const struct bs_backup_facts *facts,
                                     struct bs_report_model *model, struct bs_error *err);

/* Frees what model owns and zeroes it. NULL-safe. */
void bs_report_model_clear(struct bs_report_model *model);

/* Code of an advice item as written in the JSON ("critical-groups"). Static string. */
const char *bs_advice_code_name(enum bs_advice_code code);

/* The whole sentence of an advice item without group names, into out (size bytes, always
 * NUL-terminated; cut when too small): what the HTML and JSON say, and the summary says
 * with the names added. */
void bs_advice_sentence(const struct bs_advice *advice, char *out, size_t size);

struct bs_strbuf;

/* A "Name <id>" in an exposure story is cut at this many bytes (and "..."). */
#define BS_STORY_NAME_BYTES 64

/* The exposure story of a thread (SPEC 3.7) as one or two sentences, appended to out: since
 * when it is unencrypted, why, who broke it, whether it is still going on, and Apple's own
 * mixed-platform verdict (SPEC 3.2) on a critical or high group. Names come from result (so
 * pseudonyms after --redact), each "Name <id>" cut to BS_STORY_NAME_BYTES; every writer shows
 * this same text, escaped its own way. Nothing is
 * appended for a thread with no unencrypted message. */
void bs_report_exposure_story(const struct bs_scan_result *result, const struct bs_thread *thread,
                              struct bs_strbuf *out);

/* The label of the exposure point on a timeline chart: "member added", "first message",
 * "fell back"; "" for BS_CAUSE_NONE. Static string. */
const char *bs_report_exposure_label(enum bs_exposure_cause cause);

#endif
