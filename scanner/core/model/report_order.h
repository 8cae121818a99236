/*
 * What every report lists in the same order: threads by risk (critical first), then
 * last_unencrypted descending, then chat_id ascending (SPEC 4), and the counts the reports
 * share. Pure computation over a classified result.
 */
#ifndef BS_CORE_REPORT_ORDER_H
#define BS_CORE_REPORT_ORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model/model.h"

/* The threads of result in report order: the risky ones, or all of them when all is true.
 * Caller owns the array (free()); its pointers borrow from result. *count is how many. NULL
 * when out of memory. */
const struct bs_thread **bs_report_thread_order(const struct bs_scan_result *result, bool all,
                                                size_t *count);

/* Threads per risk level, indexed by enum bs_risk. */
void bs_report_risk_counts(const struct bs_scan_result *result,
                           uint64_t counts[BS_RISK_CRITICAL + 1]);

/* How many threads the Signal plan works on (signal_plan.h bs_signal_plan_covers): the
 * denominator of every "secures N of M". */
size_t bs_report_covered_threads(const struct bs_scan_result *result);

#endif
