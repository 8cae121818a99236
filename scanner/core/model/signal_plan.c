/* The ranking and secures curve of signal_plan.h. */
#include "core/model/signal_plan.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/text.h"
#include "core/model/classify.h"

bool bs_signal_plan_covers(const struct bs_thread *thread)
{
    return thread->risk >= BS_RISK_MEDIUM;
}

struct candidate {
    struct bs_signal_row row;
    bool owner_replied;
    const char *name; /* borrowed, for ordering */
};

static int compare_dates_desc(struct bs_date a, struct bs_date b)
{
    if (a.is_known != b.is_known) {
        return a.is_known ? -1 : 1;
    }
    if (!a.is_known || a.unix_seconds == b.unix_seconds) {
        return 0;
    }
    return a.unix_seconds > b.unix_seconds ? -1 : 1;
}

static int compare_desc(uint64_t a, uint64_t b)
{
    return (a < b) - (a > b);
}

/* Critical groups, risky groups, unencrypted messages and last unencrypted, all descending;
 * then the person's name in byte order; then person index so the order is total. */
static int compare_candidates(const void *a, const void *b)
{
    const struct candidate *x = a;
    const struct candidate *y = b;
    int order = compare_desc(x->row.critical_groups, y->row.critical_groups);
    if (order == 0) {
        order = compare_desc(x->row.risky_groups, y->row.risky_groups);
    }
    if (order == 0) {
        order = compare_desc(x->row.unencrypted_messages, y->row.unencrypted_messages);
    }
    if (order == 0) {
        order = compare_dates_desc(x->row.last_unencrypted, y->row.last_unencrypted);
    }
    if (order == 0) {
        order = strcmp(x->name, y->name);
    }
    if (order == 0) {
        order = (x->row.person_index > y->row.person_index) -
                (x->row.person_index < y->row.person_index);
    }
    return order;
}

static void free_rows(struct bs_scan_result *result)
{
    for (size_t i = 0; i < result->signal_count; i++) {
        free(result->signal_rows[i].thread_indexes);
    }
    free(result->signal_rows);
    result->signal_rows = NULL;
    result->signal_count = 0;
}

/* Adds thread t to the candidate of each non-automated member. */
static enum bs_status tally_thread(struct bs_scan_result *result, struct candidate *candidates,
                                   size_t t, size_t *thread_capacity, struct bs_error *err)
{
    const struct bs_thread *thread = &result->threads[t];
    bool is_group = thread->kind == BS_KIND_GROUP;
    uint64_t unencrypted = bs_thread_unencrypted(thread);
    for (size_t i = 0; i < thread->member_count; i++) {
        size_t p = thread->members[i].person_index;
        if (result->persons[p].is_automated) {
            continue;
        }
        struct candidate *candidate = &candidates[p];
        struct bs_signal_row *row = &candidate->row;
        row->critical_groups += is_group && thread->risk == BS_RISK_CRITICAL ? 1 : 0;
        row->risky_groups += is_group ? 1 : 0;
        row->direct_threads += is_group ? 0 : 1;
        row->unencrypted_messages += unencrypted;
        row->last_unencrypted = bs_date_max(row->last_unencrypted, thread->last_unencrypted);
        candidate->owner_replied = candidate->owner_replied || thread->from_me_count > 0;
        void *indexes = row->thread_indexes;
        enum bs_status status =
            bs_array_reserve(&indexes, &thread_capacity[p], row->thread_count + 1, sizeof(size_t),
                             result->thread_count);
        if (status != BS_OK) {
            return bs_error_set(err, status, "out of memory planning the Signal list");
        }
        row->thread_indexes = indexes;
        row->thread_indexes[row->thread_count++] = t;
    }
    return BS_OK;
}

/* secures of each row: threads all of whose members are at this rank or above. */
static enum bs_status compute_secures(struct bs_scan_result *result, struct bs_error *err)
{
    size_t *rank_of = malloc((result->person_count + 1) * sizeof(size_t));
    uint64_t *secured_at = calloc(result->signal_count + 1, sizeof(uint64_t));
    if (rank_of == NULL || secured_at == NULL) {
        free(rank_of);
        free(secured_at);
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory planning the Signal list");
    }
    for (size_t p = 0; p < result->person_count; p++) {
        rank_of[p] = SIZE_MAX;
    }
    for (size_t r = 0; r < result->signal_count; r++) {
        rank_of[result->signal_rows[r].person_index] = r;
    }
    for (size_t t = 0; t < result->thread_count; t++) {
        const struct bs_thread *thread = &result->threads[t];
        if (!bs_signal_plan_covers(thread) || thread->member_count == 0) {
            continue;
        }
        size_t last_rank = 0;
        for (size_t i = 0; i < thread->member_count && last_rank != SIZE_MAX; i++) {
            size_t rank = rank_of[thread->members[i].person_index];
            last_rank = rank > last_rank ? rank : last_rank;
        }
        if (last_rank != SIZE_MAX) {
            secured_at[last_rank]++;
        }
    }
    uint64_t running = 0;
    for (size_t r = 0; r < result->signal_count; r++) {
        running += secured_at[r];
        result->signal_rows[r].secures = running;
    }
    free(rank_of);
    free(secured_at);
    return BS_OK;
}

enum bs_status bs_signal_plan_build(struct bs_scan_result *result, struct bs_error *err)
{
    enum bs_status status = BS_OK;
    free_rows(result);
    struct candidate *candidates = calloc(result->person_count + 1, sizeof(*candidates));
    size_t *thread_capacity = calloc(result->person_count + 1, sizeof(size_t));
    if (candidates == NULL || thread_capacity == NULL) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory planning the Signal list");
        goto done;
    }
    for (size_t p = 0; p < result->person_count; p++) {
        candidates[p].row.person_index = p;
        candidates[p].name = bs_person_name(result, p);
    }
    for (size_t t = 0; t < result->thread_count && status == BS_OK; t++) {
        if (bs_signal_plan_covers(&result->threads[t])) {
            status = tally_thread(result, candidates, t, thread_capacity, err);
        }
    }
    if (status != BS_OK) {
        for (size_t p = 0; p < result->person_count; p++) {
            free(candidates[p].row.thread_indexes);
        }
        goto done;
    }
    /* Nobody is asked to move for a sender the owner never answered. */
    size_t kept = 0;
    for (size_t p = 0; p < result->person_count; p++) {
        if (candidates[p].row.thread_count > 0 && candidates[p].owner_replied) {
            candidates[kept++] = candidates[p];
        } else {
            free(candidates[p].row.thread_indexes);
        }
    }
    qsort(candidates, kept, sizeof(*candidates), compare_candidates);
    result->signal_rows = calloc(kept + 1, sizeof(struct bs_signal_row));
    if (result->signal_rows == NULL) {
        for (size_t i = 0; i < kept; i++) {
            free(candidates[i].row.thread_indexes);
        }
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory planning the Signal list");
        goto done;
    }
    for (size_t i = 0; i < kept; i++) {
        result->signal_rows[i] = candidates[i].row;
    }
    result->signal_count = kept;
    status = compute_secures(result, err);
done:
    free(candidates);
    free(thread_capacity);
    return status;
}
