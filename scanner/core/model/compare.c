/* The comparison with an earlier report of compare.h. */
#include "core/model/compare.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/limits.h"
#include "core/model/classify.h"
#include "core/model/timeline.h"

void bs_old_report_clear(struct bs_old_report *old)
{
    if (old == NULL) {
        return;
    }
    for (size_t i = 0; i < old->thread_count; i++) {
        free(old->threads[i].chat_guid);
        free(old->threads[i].name);
    }
    free(old->threads);
    memset(old, 0, sizeof(*old));
}

enum bs_status bs_old_report_add(struct bs_old_report *old, char *chat_guid, char *name,
                                 enum bs_risk risk, struct bs_date last_message,
                                 struct bs_error *err)
{
    void *items = old->threads;
    enum bs_status status = bs_array_reserve(&items, &old->capacity, old->thread_count + 1,
                                             sizeof(*old->threads), BS_MAX_CHATS);
    old->threads = items;
    if (status != BS_OK) {
        free(chat_guid);
        free(name);
        return bs_error_set(err, status,
                            status == BS_ERR_LIMIT ? "more than %d threads" : "out of memory",
                            BS_MAX_CHATS);
    }
    struct bs_old_thread *thread = &old->threads[old->thread_count++];
    thread->chat_guid = chat_guid;
    thread->name = name;
    thread->risk = risk;
    thread->last_message = last_message;
    return BS_OK;
}

struct bs_date bs_compare_cutoff(const struct bs_old_report *old)
{
    struct bs_date latest = {0, false};
    for (size_t i = 0; i < old->thread_count; i++) {
        latest = bs_date_max(latest, old->threads[i].last_message);
    }
    return latest;
}

/* ---- Matching by guid. */

/* OLD's threads with a guid, by guid then by position: the first of equal guids wins. */
static const struct bs_old_report *sorting_old; /* qsort has no context argument in C11 */

static int compare_old_guids(const void *a, const void *b)
{
    size_t left = *(const size_t *)a;
    size_t right = *(const size_t *)b;
    int order = strcmp(sorting_old->threads[left].chat_guid, sorting_old->threads[right].chat_guid);
    if (order != 0) {
        return order;
    }
    return left < right ? -1 : left > right ? 1 : 0;
}

/* The first thread of OLD with guid, or SIZE_MAX. */
static size_t find_old(const struct bs_old_report *old, const size_t *by_guid, size_t count,
                       const char *guid)
{
    size_t low = 0;
    size_t high = count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (strcmp(old->threads[by_guid[middle]].chat_guid, guid) < 0) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    return low < count && strcmp(old->threads[by_guid[low]].chat_guid, guid) == 0 ? by_guid[low]
                                                                                  : SIZE_MAX;
}

/* ---- Lists. */

/* Lists grow with what changed, not with the number of threads. */
static bool list_add(struct bs_compare_list *list, struct bs_compare_entry entry)
{
    void *items = list->entries;
    enum bs_status status = bs_array_reserve(&items, &list->capacity, list->count + 1,
                                             sizeof(*list->entries), BS_MAX_CHATS);
    list->entries = items;
    if (status != BS_OK) {
        return false;
    }
    list->entries[list->count++] = entry;
    return true;
}

/* Ties keep the order the entries were made in: chat_id for this scan, OLD's order for gone
 * threads. thread_index and old_index grow with it. */
static int compare_sequence(const struct bs_compare_entry *a, const struct bs_compare_entry *b)
{
    size_t left = a->thread_index != SIZE_MAX ? a->thread_index : a->old_index;
    size_t right = b->thread_index != SIZE_MAX ? b->thread_index : b->old_index;
    return left < right ? -1 : left > right ? 1 : 0;
}

static int by_risk_up(const void *a, const void *b)
{
    const struct bs_compare_entry *left = a;
    const struct bs_compare_entry *right = b;
    if (left->to != right->to) {
        return left->to > right->to ? -1 : 1;
    }
    if (left->from != right->from) {
        return left->from < right->from ? -1 : 1;
    }
    return compare_sequence(left, right);
}

static int by_risk_down(const void *a, const void *b)
{
    const struct bs_compare_entry *left = a;
    const struct bs_compare_entry *right = b;
    if (left->from != right->from) {
        return left->from > right->from ? -1 : 1;
    }
    if (left->to != right->to) {
        return left->to < right->to ? -1 : 1;
    }
    return compare_sequence(left, right);
}

static int by_messages(const void *a, const void *b)
{
    const struct bs_compare_entry *left = a;
    const struct bs_compare_entry *right = b;
    if (left->messages != right->messages) {
        return left->messages > right->messages ? -1 : 1;
    }
    return compare_sequence(left, right);
}

static void sort_list(struct bs_compare_list *list, int (*order)(const void *, const void *))
{
    if (list->count > 1) {
        qsort(list->entries, list->count, sizeof(*list->entries), order);
    }
}

static void count_changes(struct bs_compare *out, const struct bs_scan_result *result)
{
    for (size_t i = 0; i < out->risk_up.count; i++) {
        const struct bs_compare_entry *entry = &out->risk_up.entries[i];
        bool is_group = result->threads[entry->thread_index].kind == BS_KIND_GROUP;
        if (is_group && entry->to == BS_RISK_CRITICAL) {
            out->new_critical_groups++;
        } else if (is_group && entry->to == BS_RISK_HIGH) {
            out->new_high_groups++;
        } else {
            out->other_risk_up++;
        }
    }
    for (size_t i = 0; i < out->risk_down.count; i++) {
        const struct bs_compare_entry *entry = &out->risk_down.entries[i];
        if (entry->to == BS_RISK_NONE) {
            out->fixed++;
            out->fixed_groups += result->threads[entry->thread_index].kind == BS_KIND_GROUP ? 1 : 0;
        } else {
            out->lowered++;
        }
    }
    for (size_t i = 0; i < out->new_unencrypted.count; i++) {
        out->new_unencrypted_messages += out->new_unencrypted.entries[i].messages;
    }
}

enum bs_status bs_compare_build(const struct bs_scan_result *result, struct bs_old_report *old,
                                struct bs_compare *out, struct bs_error *err)
{
    memset(out, 0, sizeof(*out));
    out->old = *old;
    memset(old, 0, sizeof(*old));
    out->old_latest = bs_compare_cutoff(&out->old);
    const struct bs_old_report *before = &out->old;
    size_t *by_guid = calloc(before->thread_count + 1, sizeof(*by_guid));
    bool *is_matched = calloc(before->thread_count + 1, sizeof(*is_matched));
    bool ok = by_guid != NULL && is_matched != NULL;
    size_t with_guid = 0;
    for (size_t i = 0; ok && i < before->thread_count; i++) {
        if (before->threads[i].chat_guid[0] != '\0') {
            by_guid[with_guid++] = i;
        }
    }
    if (ok && with_guid > 1) {
        sorting_old = before;
        qsort(by_guid, with_guid, sizeof(*by_guid), compare_old_guids);
        sorting_old = NULL;
    }
    for (size_t i = 0; ok && i < result->thread_count; i++) {
        const struct bs_thread *thread = &result->threads[i];
        if (bs_thread_messages(thread) == 0) {
            continue; /* no message here (deleted, or outside --since): gone, never "fixed" */
        }
        size_t old_index = bs_str_empty(thread->guid)
                               ? SIZE_MAX
                               : find_old(before, by_guid, with_guid, thread->guid);
        struct bs_compare_entry entry = {
            .thread_index = i,
            .old_index = old_index,
            .from = old_index == SIZE_MAX ? BS_RISK_NONE : before->threads[old_index].risk,
            .to = thread->risk,
            .messages = thread->unencrypted_after_cutoff,
            .ongoing = bs_timeline_is_ongoing(&thread->timeline),
        };
        if (old_index != SIZE_MAX) {
            is_matched[old_index] = true;
        }
        if (entry.to > entry.from) {
            ok = list_add(&out->risk_up, entry);
        } else if (entry.to < entry.from) {
            ok = list_add(&out->risk_down, entry);
        }
        if (ok && entry.messages > 0) {
            ok = list_add(&out->new_unencrypted, entry);
        }
    }
    /* Gone: every thread of OLD with a guid that nothing here matched, once per guid. */
    for (size_t k = 0; ok && k < with_guid; k++) {
        size_t i = by_guid[k];
        bool is_repeat = k > 0 && strcmp(before->threads[by_guid[k - 1]].chat_guid,
                                         before->threads[i].chat_guid) == 0;
        /* A thread OLD had without a message in it (as empty then as now) did not go. */
        bool had_messages =
            before->threads[i].last_message.is_known || before->threads[i].risk != BS_RISK_NONE;
        if (is_repeat || is_matched[i] || !had_messages) {
            continue;
        }
        struct bs_compare_entry entry = {
            .thread_index = SIZE_MAX,
            .old_index = i,
            .from = before->threads[i].risk,
            .to = BS_RISK_NONE,
        };
        ok = list_add(&out->gone, entry);
    }
    free(by_guid);
    free(is_matched);
    if (!ok) {
        bs_compare_clear(out);
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory comparing with the earlier report");
    }
    sort_list(&out->risk_up, by_risk_up);
    sort_list(&out->risk_down, by_risk_down);
    sort_list(&out->gone, by_risk_down); /* from desc, then OLD's order */
    sort_list(&out->new_unencrypted, by_messages);
    count_changes(out, result);
    return BS_OK;
}

void bs_compare_clear(struct bs_compare *compare)
{
    if (compare == NULL) {
        return;
    }
    bs_old_report_clear(&compare->old);
    free(compare->risk_up.entries);
    free(compare->risk_down.entries);
    free(compare->gone.entries);
    free(compare->new_unencrypted.entries);
    memset(compare, 0, sizeof(*compare));
}

const char *bs_compare_entry_guid(const struct bs_compare *compare,
                                  const struct bs_scan_result *result,
                                  const struct bs_compare_entry *entry)
{
    if (entry->thread_index != SIZE_MAX) {
        const char *guid = result->threads[entry->thread_index].guid;
        return guid == NULL ? "" : guid;
    }
    return compare->old.threads[entry->old_index].chat_guid;
}

const char *bs_compare_entry_name(const struct bs_compare *compare,
                                  const struct bs_scan_result *result,
                                  const struct bs_compare_entry *entry)
{
    if (entry->thread_index != SIZE_MAX) {
        const char *name = result->threads[entry->thread_index].name;
        return name == NULL ? "" : name;
    }
    return compare->old.threads[entry->old_index].name;
}

bool bs_compare_entry_is_fixed(const struct bs_compare_entry *entry)
{
    return entry->thread_index != SIZE_MAX && entry->to < entry->from && entry->to == BS_RISK_NONE;
}

const char *bs_compare_entry_change(const struct bs_compare_entry *entry)
{
    if (entry->thread_index == SIZE_MAX) {
        return "gone";
    }
    if (entry->to > entry->from) {
        return "risk up";
    }
    return bs_compare_entry_is_fixed(entry) ? "fixed" : "risk down";
}

const char *bs_compare_entry_state(const struct bs_compare_entry *entry)
{
    return entry->ongoing ? "still going on" : "iMessage since";
}

const char *bs_compare_gone_meaning(void)
{
    return "deleted, or outside --since: not fixed";
}

/* ", " before every part but the first. */
static void part(struct bs_strbuf *out, bool *is_first, uint64_t count, const char *one,
                 const char *many)
{
    if (count == 0) {
        return;
    }
    bs_strbuf_append_str(out, *is_first ? "" : ", ");
    bs_strbuf_append_counted(out, count, one, many);
    *is_first = false;
}

void bs_compare_sentence(const struct bs_compare *compare, const struct bs_scan_result *result,
                         struct bs_strbuf *out)
{
    bool is_first = true;
    bs_strbuf_append_str(out, "Since the last scan: ");
    part(out, &is_first, compare->new_critical_groups, "new critical group", "new critical groups");
    part(out, &is_first, compare->new_high_groups, "new high-risk group", "new high-risk groups");
    part(out, &is_first, compare->other_risk_up, "thread at higher risk", "threads at higher risk");
    if (compare->fixed_groups == compare->fixed) {
        part(out, &is_first, compare->fixed, "group fixed", "groups fixed");
    } else {
        part(out, &is_first, compare->fixed, "thread fixed", "threads fixed");
    }
    part(out, &is_first, compare->lowered, "thread at lower risk", "threads at lower risk");
    part(out, &is_first, compare->gone.count, "thread gone", "threads gone");
    if (is_first) {
        bs_strbuf_append_str(out, "no thread changed risk");
    }
    bs_strbuf_append_str(out, "; ");
    const struct bs_compare_list *fresh = &compare->new_unencrypted;
    if (fresh->count == 0) {
        bs_strbuf_append_str(out, "no unencrypted message since then.");
        return;
    }
    const char *top_name = bs_compare_entry_name(compare, result, &fresh->entries[0]);
    bs_strbuf_append_counted(out, compare->new_unencrypted_messages, "unencrypted message",
                             "unencrypted messages");
    if (fresh->count == 1) {
        bs_strbuf_append_str(out, " in \"");
        bs_strbuf_append_str(out, top_name);
        bs_strbuf_append_str(out, "\" since then.");
    } else {
        bs_strbuf_append_str(out, " since then in ");
        bs_strbuf_append_counted(out, fresh->count, "thread", "threads");
        bs_strbuf_append_str(out, ", ");
        bs_strbuf_append_count(out, fresh->entries[0].messages);
        bs_strbuf_append_str(out, " in \"");
        bs_strbuf_append_str(out, top_name);
        bs_strbuf_append_str(out, "\".");
    }
}
