/* Report order and shared counts of report_order.h. */
#include "core/model/report_order.h"

#include <stdlib.h>

#include "core/model/signal_plan.h"

static int compare_threads(const void *a, const void *b)
{
    const struct bs_thread *x = *(const struct bs_thread *const *)a;
    const struct bs_thread *y = *(const struct bs_thread *const *)b;
    if (x->risk != y->risk) {
        return x->risk > y->risk ? -1 : 1;
    }
    struct bs_date dx = x->last_unencrypted;
    struct bs_date dy = y->last_unencrypted;
    if (dx.is_known != dy.is_known) {
        return dx.is_known ? -1 : 1;
    }
    if (dx.is_known && dx.unix_seconds != dy.unix_seconds) {
        return dx.unix_seconds > dy.unix_seconds ? -1 : 1;
    }
    return (x->chat_id > y->chat_id) - (x->chat_id < y->chat_id);
}

const struct bs_thread **bs_report_thread_order(const struct bs_scan_result *result, bool all,
                                                size_t *count)
{
    const struct bs_thread **order =
        malloc((result->thread_count + 1) * sizeof(const struct bs_thread *));
    if (order == NULL) {
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < result->thread_count; i++) {
        if (all || result->threads[i].risk != BS_RISK_NONE) {
            order[n++] = &result->threads[i];
        }
    }
    qsort(order, n, sizeof(const struct bs_thread *), compare_threads);
    *count = n;
    return order;
}

void bs_report_risk_counts(const struct bs_scan_result *result,
                           uint64_t counts[BS_RISK_CRITICAL + 1])
{
    for (int r = 0; r <= BS_RISK_CRITICAL; r++) {
        counts[r] = 0;
    }
    for (size_t i = 0; i < result->thread_count; i++) {
        enum bs_risk risk = result->threads[i].risk;
        counts[(unsigned)risk <= BS_RISK_CRITICAL ? risk : BS_RISK_NONE]++;
    }
}

size_t bs_report_covered_threads(const struct bs_scan_result *result)
{
    size_t covered = 0;
    for (size_t i = 0; i < result->thread_count; i++) {
        covered += bs_signal_plan_covers(&result->threads[i]) ? 1 : 0;
    }
    return covered;
}
