/*
 * The derivations of analysis.h: people (union-find over handles by normal form and
 * person_centric_id), thread members and rules, whole-source counts and the Signal plan.
 */
#include "core/model/analysis.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/limits.h"
#include "core/base/text.h"
#include "core/model/classify.h"
#include "core/model/ids.h"
#include "core/model/signal_plan.h"
#include "core/model/timeline.h"

/* Room kept for the " and N more" that ends a name cut short (bs_analysis_thread_name). */
#define NAME_TAIL_BYTES (sizeof(" and ") - 1 + BS_COUNT_TEXT_BYTES + sizeof(" more") - 1)

struct union_find {
    size_t *parent;
};

static size_t find_root(struct union_find *sets, size_t i)
{
    while (sets->parent[i] != i) {
        sets->parent[i] = sets->parent[sets->parent[i]];
        i = sets->parent[i];
    }
    return i;
}

/* The root is always the lower index, so a person's root is their lowest-ROWID handle. */
static void unite(struct union_find *sets, size_t a, size_t b)
{
    size_t root_a = find_root(sets, a);
    size_t root_b = find_root(sets, b);
    if (root_a < root_b) {
        sets->parent[root_b] = root_a;
    } else if (root_b < root_a) {
        sets->parent[root_a] = root_b;
    }
}

struct keyed_index {
    const char *key;
    size_t index;
};

static int compare_keyed(const void *a, const void *b)
{
    const struct keyed_index *x = a;
    const struct keyed_index *y = b;
    int order = strcmp(x->key, y->key);
    return order != 0 ? order : (x->index > y->index) - (x->index < y->index);
}

/* Unites handles whose key (normal form or person_centric_id) is equal. */
static enum bs_status unite_by_key(struct bs_scan_result *result, struct union_find *sets,
                                   bool by_person_centric_id, struct bs_error *err)
{
    struct keyed_index *keys = malloc((result->handle_count + 1) * sizeof(*keys));
    if (keys == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory merging people");
    }
    size_t n = 0;
    for (size_t i = 0; i < result->handle_count; i++) {
        const struct bs_handle *handle = &result->handles[i];
        const char *key = by_person_centric_id ? handle->person_centric_id : handle->normalized_id;
        /* An empty or unrecognisable id says nothing about who it is: never merge on it. */
        if (bs_str_empty(key) || (!by_person_centric_id && handle->id_kind == BS_ID_OTHER)) {
            continue;
        }
        keys[n].key = key;
        keys[n].index = i;
        n++;
    }
    qsort(keys, n, sizeof(*keys), compare_keyed);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(keys[i - 1].key, keys[i].key) == 0) {
            unite(sets, keys[i - 1].index, keys[i].index);
        }
    }
    free(keys);
    return BS_OK;
}

static bool is_reachable_on_imessage(const struct bs_handle *handle)
{
    return handle->has_imessage_service || handle->seen_imessage || handle->registered_imessage ||
           (handle->id_kind == BS_ID_EMAIL && !handle->is_jabber);
}

static enum bs_status build_people(struct bs_scan_result *result,
                                   const struct bs_name_source *names, struct bs_error *err)
{
    enum bs_status status = BS_OK;
    struct union_find sets = {malloc((result->handle_count + 1) * sizeof(size_t))};
    size_t *person_of_root = malloc((result->handle_count + 1) * sizeof(size_t));
    size_t *last_of_root = malloc((result->handle_count + 1) * sizeof(size_t));
    result->persons = calloc(result->handle_count + 1, sizeof(struct bs_person));
    if (sets.parent == NULL || person_of_root == NULL || last_of_root == NULL ||
        result->persons == NULL) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory merging people");
        goto done;
    }
    for (size_t i = 0; i < result->handle_count; i++) {
        sets.parent[i] = i;
        person_of_root[i] = SIZE_MAX;
    }
    status = unite_by_key(result, &sets, false, err);
    if (status == BS_OK) {
        status = unite_by_key(result, &sets, true, err);
    }
    if (status != BS_OK) {
        goto done;
    }
    /* Persons are numbered in the order of their lowest-ROWID handle; each person's handles
     * are chained in ROWID order through next_of_person. */
    for (size_t i = 0; i < result->handle_count; i++) {
        struct bs_handle *handle = &result->handles[i];
        size_t root = find_root(&sets, i);
        handle->next_of_person = SIZE_MAX;
        if (person_of_root[root] == SIZE_MAX) {
            person_of_root[root] = result->person_count;
            struct bs_person *person = &result->persons[result->person_count++];
            person->first_handle_index = i;
            person->is_automated = true;
        } else {
            result->handles[last_of_root[root]].next_of_person = i;
        }
        last_of_root[root] = i;
        handle->person_index = person_of_root[root];
    }
    for (size_t i = 0; i < result->handle_count; i++) {
        const struct bs_handle *handle = &result->handles[i];
        struct bs_person *person = &result->persons[handle->person_index];
        person->is_automated = person->is_automated && bs_ids_is_automated(handle->id_kind);
        if (is_reachable_on_imessage(handle)) {
            person->reachability = BS_REACH_IMESSAGE;
        } else if ((handle->has_rcs_service || handle->seen_rcs) &&
                   person->reachability == BS_REACH_SMS_ONLY) {
            person->reachability = BS_REACH_RCS_ONLY;
        }
        if (names != NULL && person->contact_name == NULL) {
            const char *name = names->name_of(handle->normalized_id, names->context);
            if (name != NULL && name[0] != '\0') {
                person->contact_name = bs_strdup(name);
                if (person->contact_name == NULL) {
                    status = bs_error_set(err, BS_ERR_NOMEM, "out of memory naming people");
                    goto done;
                }
            }
        }
    }
done:
    free(sets.parent);
    free(person_of_root);
    free(last_of_root);
    return status;
}

static int compare_members(const void *a, const void *b)
{
    const struct bs_member *x = a;
    const struct bs_member *y = b;
    if (x->person_index != y->person_index) {
        return x->person_index < y->person_index ? -1 : 1;
    }
    return (x->handle_index > y->handle_index) - (x->handle_index < y->handle_index);
}

/* Members of each thread from the sorted membership pairs: one per person, with the
 * person's lowest-ROWID handle in that thread. */
static enum bs_status build_members(struct bs_scan_result *result, struct bs_error *err)
{
    size_t start = 0;
    while (start < result->member_pair_count) {
        size_t thread_index = (size_t)(result->member_pairs[start] >> 32);
        size_t end = start;
        while (end < result->member_pair_count &&
               (size_t)(result->member_pairs[end] >> 32) == thread_index) {
            end++;
        }
        struct bs_thread *thread = &result->threads[thread_index];
        thread->members = malloc((end - start) * sizeof(struct bs_member));
        if (thread->members == NULL) {
            return bs_error_set(err, BS_ERR_NOMEM, "out of memory listing members");
        }
        for (size_t i = start; i < end; i++) {
            size_t handle_index = (size_t)(result->member_pairs[i] & 0xffffffffu);
            struct bs_member member = {result->handles[handle_index].person_index, handle_index};
            thread->members[i - start] = member;
        }
        size_t count = end - start;
        qsort(thread->members, count, sizeof(struct bs_member), compare_members);
        size_t unique = 0;
        for (size_t i = 0; i < count; i++) {
            if (unique == 0 ||
                thread->members[unique - 1].person_index != thread->members[i].person_index) {
                thread->members[unique++] = thread->members[i];
            }
        }
        thread->member_count = unique;
        start = end;
    }
    free(result->member_pairs);
    result->member_pairs = NULL;
    result->member_pair_count = 0;
    return BS_OK;
}

static int compare_names(const void *a, const void *b)
{
    return bs_str_compare(*(const char *const *)a, *(const char *const *)b);
}

/* chat.display_name, else the members' names in byte order joined with ", " (at most
 * BS_MAX_NAMES_IN_THREAD_NAME of them within BS_MAX_STRING_BYTES, then " and N more"), else
 * the chat identifier or guid (a thread with nobody in it still needs a label). */
char *bs_analysis_thread_name(const struct bs_scan_result *result, const struct bs_thread *thread)
{
    if (thread->display_name != NULL) {
        return bs_strdup(thread->display_name);
    }
    if (thread->member_count == 0) {
        return bs_strdup(thread->chat_identifier != NULL ? thread->chat_identifier : thread->guid);
    }
    const char **names = malloc(thread->member_count * sizeof(*names));
    if (names == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < thread->member_count; i++) {
        names[i] = bs_person_name(result, thread->members[i].person_index);
    }
    qsort(names, thread->member_count, sizeof(*names), compare_names);
    struct bs_strbuf joined = {0};
    size_t shown = 0;
    for (; shown < thread->member_count && shown < BS_MAX_NAMES_IN_THREAD_NAME; shown++) {
        /* Bounded like every string of the model: a group of thousands would otherwise be
         * named by megabytes, repeated in the Signal row of each of its members. */
        if (shown > 0 && joined.length + strlen(", ") + strlen(names[shown]) + NAME_TAIL_BYTES >
                             BS_MAX_STRING_BYTES) {
            break;
        }
        bs_strbuf_append_str(&joined, shown == 0 ? "" : ", ");
        bs_strbuf_append_str(&joined, names[shown]);
    }
    if (shown < thread->member_count) {
        bs_strbuf_append_str(&joined, " and ");
        bs_strbuf_append_count(&joined, thread->member_count - shown);
        bs_strbuf_append_str(&joined, " more");
    }
    free(names);
    return bs_strbuf_take(&joined);
}

static enum bs_status classify_threads(struct bs_scan_result *result, struct bs_error *err)
{
    for (size_t t = 0; t < result->thread_count; t++) {
        struct bs_thread *thread = &result->threads[t];
        struct bs_thread_people people = {thread->member_count, 0, 0};
        for (size_t i = 0; i < thread->member_count; i++) {
            const struct bs_person *person = &result->persons[thread->members[i].person_index];
            people.automated_member_count += person->is_automated ? 1 : 0;
            people.imessage_member_count += bs_classify_person_on_imessage(person) ? 1 : 0;
        }
        bs_classify_thread(thread, &people);
        result->first_message = bs_date_min(result->first_message, thread->first_message);
        result->last_message = bs_date_max(result->last_message, thread->last_message);
        /* Plain SMS of the whole source, now that this thread's kind is known. */
        bs_classify_add_thread_totals(result, thread);
        thread->name = bs_analysis_thread_name(result, thread);
        if (thread->name == NULL) {
            return bs_error_set(err, BS_ERR_NOMEM, "out of memory naming threads");
        }
    }
    return BS_OK;
}

static int compare_events_by_thread(const void *a, const void *b)
{
    const struct bs_thread_event *x = a;
    const struct bs_thread_event *y = b;
    if (x->thread_index != y->thread_index) {
        return x->thread_index < y->thread_index ? -1 : 1;
    }
    return bs_message_key_compare(&x->key, &y->key);
}

/* The member of thread for handle_index's person (members are sorted by person), or
 * SIZE_MAX. */
static size_t find_member(const struct bs_scan_result *result, const struct bs_thread *thread,
                          size_t handle_index)
{
    size_t person = result->handles[handle_index].person_index;
    size_t low = 0;
    size_t high = thread->member_count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        size_t here = thread->members[mid].person_index;
        if (here == person) {
            return mid;
        }
        if (here < person) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    return SIZE_MAX;
}

/* Turns thread's run of events (from *cursor on, sorted by thread) into candidates for
 * bs_timeline_decide in out (room for every event), advancing *cursor past the run. */
static size_t take_candidates(const struct bs_scan_result *result, size_t thread_index,
                              const struct bs_thread_event *events, size_t count, size_t *cursor,
                              struct bs_timeline_candidate *out)
{
    const struct bs_thread *thread = &result->threads[thread_index];
    size_t taken = 0;
    for (; *cursor < count && events[*cursor].thread_index == thread_index; (*cursor)++) {
        const struct bs_thread_event *event = &events[*cursor];
        size_t member = find_member(result, thread, event->handle_index);
        if (member == SIZE_MAX) {
            continue; /* every event's handle is a member; a defensive skip */
        }
        const struct bs_person *person = &result->persons[thread->members[member].person_index];
        struct bs_timeline_candidate candidate = {event->key, member,
                                                  bs_classify_person_on_imessage(person)};
        out[taken++] = candidate;
    }
    return taken;
}

/* The timeline's verdicts (SPEC 3.7), once kinds, members and reachability are known. */
static enum bs_status decide_timelines(struct bs_scan_result *result, struct bs_error *err)
{
    if (result->member_added_count > 1) { /* qsort wants a non-NULL array even when empty */
        qsort(result->member_added, result->member_added_count, sizeof(struct bs_thread_event),
              compare_events_by_thread);
    }
    if (result->first_received_count > 1) {
        qsort(result->first_received, result->first_received_count, sizeof(struct bs_thread_event),
              compare_events_by_thread);
    }
    size_t room = result->member_added_count + result->first_received_count;
    struct bs_timeline_candidate *scratch = malloc((room == 0 ? 1 : room) * sizeof(*scratch));
    if (scratch == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory deciding the timelines");
    }
    size_t added_cursor = 0;
    size_t received_cursor = 0;
    for (size_t t = 0; t < result->thread_count; t++) {
        struct bs_thread *thread = &result->threads[t];
        size_t added_count = take_candidates(result, t, result->member_added,
                                             result->member_added_count, &added_cursor, scratch);
        size_t sender_count =
            take_candidates(result, t, result->first_received, result->first_received_count,
                            &received_cursor, scratch + added_count);
        bs_timeline_decide(&thread->timeline, thread->kind == BS_KIND_GROUP, scratch, added_count,
                           scratch + added_count, sender_count);
    }
    free(scratch);
    free(result->member_added);
    free(result->first_received);
    result->member_added = NULL;
    result->first_received = NULL;
    result->member_added_count = 0;
    result->first_received_count = 0;
    return BS_OK;
}

enum bs_status bs_analysis_run(struct bs_scan_result *result, const struct bs_name_source *names,
                               struct bs_error *err)
{
    enum bs_status status = build_people(result, names, err);
    if (status == BS_OK) {
        status = build_members(result, err);
    }
    if (status == BS_OK) {
        status = classify_threads(result, err);
    }
    if (status == BS_OK) {
        status = decide_timelines(result, err);
    }
    if (status == BS_OK) {
        status = bs_signal_plan_build(result, err);
    }
    return status;
}
