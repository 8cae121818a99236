/*
 * Derivation after the database pass (SPEC 3.3-3.5): handles merged into people, each
 * thread's members, kind, counts, reasons and risk, the whole-source counts, and the ranked
 * migrate-to-Signal list. Pure computation over the model; no I/O.
 */
#ifndef BS_CORE_ANALYSIS_H
#define BS_CORE_ANALYSIS_H

#include "core/base/status.h"
#include "core/model/model.h"

/* Where contact names come from (an AddressBook, --contacts): given a handle's normal form
 * (ids.h), a borrowed name or NULL. */
struct bs_name_source {
    const char *(*name_of)(const char *normalized_id, void *context);
    void *context;
};

/* Runs every derivation on a result filled by bs_sms_store_read (with any registration
 * evidence already set on its handles). names may be NULL. Consumes result->member_pairs.
 * BS_ERR_NOMEM; on failure the result is left for bs_scan_result_clear. */
enum bs_status bs_analysis_run(struct bs_scan_result *result, const struct bs_name_source *names,
                               struct bs_error *err);

/* The name of a thread from its display name, members' names and identifiers (SPEC 4: the
 * display name, else the members' names in byte order joined with ", "). Caller owns the
 * result (free()); NULL when out of memory. redact.c names redacted threads with it too. */
char *bs_analysis_thread_name(const struct bs_scan_result *result, const struct bs_thread *thread);

#endif
