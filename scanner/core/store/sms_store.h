/*
 * Reads a Messages database (iPhone sms.db, Mac chat.db) into the model: handles, chats and
 * the per-thread counters of one pass over message (SPEC 3.1-3.3). Columns are discovered by
 * name; a missing optional table or column degrades the result and is recorded in
 * result->notes, never an error. Derivation (people, rules, Signal list) is analysis.c's.
 */
#ifndef BS_CORE_SMS_STORE_H
#define BS_CORE_SMS_STORE_H

#include <stdint.h>

#include "core/base/status.h"
#include "core/model/model.h"

struct bs_sqlite_db;
struct bs_ids;

struct bs_scan_options {
    const struct bs_ids *ids;    /* borrowed; compiled id patterns */
    const char *default_country; /* ISO code used when handle.country is empty ("us") */
    struct bs_date since;        /* count only messages on or after; unknown = all */
    /* --compare: count each thread's unencrypted messages after compare_cutoff (classify.h
     * bs_classify_add_after_cutoff); unknown cutoff = every dated one. */
    bool has_compare_cutoff;
    struct bs_date compare_cutoff;
    /* Called now and then during the message pass (done and total are ROWIDs); may be
     * NULL. */
    void (*on_progress)(uint64_t done, uint64_t total, void *context);
    void *progress_context;
};

/* Fills *result (zero it first) from db. On failure *result is cleared. BS_ERR_FORMAT when
 * there is no message table or the database is corrupt; BS_ERR_INTERRUPTED, BS_ERR_NOMEM,
 * BS_ERR_LIMIT. The database stays open and unchanged. */
enum bs_status bs_sms_store_read(struct bs_sqlite_db *db, const struct bs_scan_options *options,
                                 struct bs_scan_result *result, struct bs_error *err);

#endif
