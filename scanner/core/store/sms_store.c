/*
 * The database pass of sms_store.h. Handles and chats are loaded first (they are few); then
 * message is read once in ROWID order while chat_message_join, chat_recoverable_message_join
 * and message_attachment_join are read in message_id order beside it, so every message is
 * joined to its chats and attachments without a random seek. Memory grows with chats,
 * handles and distinct memberships, never with messages (SPEC 7).
 */
#include "core/store/sms_store.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/limits.h"
#include "core/base/text.h"
#include "core/model/classify.h"
#include "core/model/ids.h"
#include "core/model/months.h"
#include "core/store/plist_read.h"
#include "core/store/queries.h"
#include "core/store/sqlite_db.h"

/* A message in more chats than this is joined to the first ones only: real messages are in
 * one chat, rarely two. */
#define MAX_CHATS_PER_MESSAGE 16
/* Progress is reported every this many messages. */
#define PROGRESS_EVERY_ROWS 65536

/* Open-addressing set of membership pairs; key 0 is never a valid pair + 1. */
struct pair_set {
    uint64_t *slots; /* key + 1, 0 = empty */
    size_t capacity; /* power of two */
    size_t count;
};

struct join_cursor {
    struct bs_sqlite_query *query;
    bool has_row;
    int64_t message_id;
    int64_t value;
    bool has_value;
};

/* ROWID -> array index without a search, when ROWIDs are compact (they are: SQLite assigns
 * them in order); a binary search otherwise. Sized by chats or handles, never by messages. */
struct rowid_index {
    uint32_t *slots; /* index + 1 per ROWID from 0 to slot_count - 1; 0 = none. NULL = search */
    size_t slot_count;
};

struct scan_state {
    struct bs_sqlite_db *db;
    const struct bs_scan_options *options;
    struct bs_scan_result *result;
    struct pair_set members;
    struct rowid_index thread_index;
    struct rowid_index handle_index;
    /* Per thread, the handle index + 1 last added as a member: most messages of a thread
     * repeat its previous sender, and this spares the set lookup. */
    size_t *last_member;
    size_t handle_capacity;
    size_t thread_capacity;
};

static uint64_t mix64(uint64_t key)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return key;
}

static enum bs_status pair_set_add(struct pair_set *set, uint64_t key, struct bs_error *err)
{
    if ((set->count + 1) * 4 > set->capacity * 3) {
        size_t grown = set->capacity == 0 ? 1024 : set->capacity * 2;
        if (set->count >= BS_MAX_PARTICIPANT_PAIRS) {
            return bs_error_set(err, BS_ERR_LIMIT, "more than %d thread memberships",
                                BS_MAX_PARTICIPANT_PAIRS);
        }
        uint64_t *slots = calloc(grown, sizeof(*slots));
        if (slots == NULL) {
            return bs_error_set(err, BS_ERR_NOMEM, "out of memory for thread memberships");
        }
        for (size_t i = 0; i < set->capacity; i++) {
            if (set->slots[i] != 0) {
                size_t at = mix64(set->slots[i]) & (grown - 1);
                while (slots[at] != 0) {
                    at = (at + 1) & (grown - 1);
                }
                slots[at] = set->slots[i];
            }
        }
        free(set->slots);
        set->slots = slots;
        set->capacity = grown;
    }
    uint64_t stored = key + 1;
    size_t at = mix64(stored) & (set->capacity - 1);
    while (set->slots[at] != 0) {
        if (set->slots[at] == stored) {
            return BS_OK;
        }
        at = (at + 1) & (set->capacity - 1);
    }
    set->slots[at] = stored;
    set->count++;
    return BS_OK;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Moves the set's pairs into the result as a sorted array. */
static enum bs_status take_pairs(struct scan_state *state, struct bs_error *err)
{
    struct pair_set *set = &state->members;
    uint64_t *pairs = malloc((set->count == 0 ? 1 : set->count) * sizeof(*pairs));
    if (pairs == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory for thread memberships");
    }
    size_t n = 0;
    for (size_t i = 0; i < set->capacity; i++) {
        if (set->slots[i] != 0) {
            pairs[n++] = set->slots[i] - 1;
        }
    }
    qsort(pairs, n, sizeof(*pairs), compare_u64);
    state->result->member_pairs = pairs;
    state->result->member_pair_count = n;
    return BS_OK;
}

/* Resolves each "$column" of template against table: the quoted column when it exists,
 * NULL when it does not. Only our own embedded SQL goes through here, never data. */
static char *resolve_query(struct bs_sqlite_db *db, const char *template, const char *table)
{
    struct bs_strbuf sql = {0};
    for (const char *p = template; *p != '\0';) {
        if (*p != '$') {
            const char *next = strchr(p, '$');
            size_t run = next == NULL ? strlen(p) : (size_t)(next - p);
            bs_strbuf_append(&sql, p, run);
            p += run;
            continue;
        }
        const char *name = ++p;
        while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
               *p == '_') {
            p++;
        }
        char column[128];
        size_t length = (size_t)(p - name);
        if (length == 0 || length >= sizeof(column)) {
            bs_strbuf_reset(&sql);
            sql.failed = true;
            break;
        }
        memcpy(column, name, length);
        column[length] = '\0';
        if (bs_sqlite_db_has_column(db, table, column)) {
            bs_strbuf_appendf(&sql, "\"%s\"", column);
        } else {
            bs_strbuf_append_str(&sql, "NULL");
        }
    }
    return bs_strbuf_take(&sql);
}

static enum bs_status prepare(struct scan_state *state, const char *template, const char *table,
                              struct bs_sqlite_query **out, struct bs_error *err)
{
    char *sql = resolve_query(state->db, template, table);
    if (sql == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory preparing a query");
    }
    enum bs_status status = bs_sqlite_query_prepare(state->db, sql, out, err);
    free(sql);
    if (status != BS_OK) {
        bs_error_prefix(err, "reading table %s", table);
    }
    return status;
}

/* A copy of a text column bounded by BS_MAX_STRING_BYTES; NULL when the value is NULL or a
 * number. *failed is set when out of memory. */
static char *copy_text(struct bs_sqlite_query *query, int column, bool *failed)
{
    size_t length = 0;
    const char *bytes = bs_sqlite_query_text(query, column, &length);
    if (bytes == NULL) {
        return NULL;
    }
    char *copy = bs_strndup_bounded(bytes, length);
    if (copy == NULL) {
        *failed = true;
    }
    return copy;
}

static enum bs_status read_handles(struct scan_state *state, struct bs_error *err)
{
    struct bs_scan_result *result = state->result;
    if (!bs_sqlite_db_has_table(state->db, "handle")) {
        result->notes.lacks_handle_table = true;
        return BS_OK;
    }
    struct bs_sqlite_query *query = NULL;
    enum bs_status status = prepare(state, bs_sql_handles, "handle", &query, err);
    while (status == BS_OK) {
        bool has_row = false;
        status = bs_sqlite_query_step(query, &has_row, err);
        if (status != BS_OK || !has_row) {
            break;
        }
        void *items = result->handles;
        status = bs_array_reserve(&items, &state->handle_capacity, result->handle_count + 1,
                                  sizeof(struct bs_handle), BS_MAX_HANDLES);
        if (status != BS_OK) {
            bs_error_set(err, status, "more handles than memory or limits allow (%d)",
                         BS_MAX_HANDLES);
            break;
        }
        result->handles = items;
        struct bs_handle *handle = &result->handles[result->handle_count];
        memset(handle, 0, sizeof(*handle));
        bool present = false; /* ROWID of a rowid table is always an integer */
        bool failed = false;
        handle->rowid = bs_sqlite_query_int(query, 0, &present);
        handle->id = copy_text(query, 1, &failed);
        handle->service = copy_text(query, 2, &failed);
        handle->country = copy_text(query, 3, &failed);
        handle->person_centric_id = copy_text(query, 4, &failed);
        if (handle->id == NULL && !failed) {
            handle->id = bs_strdup("");
            failed = handle->id == NULL;
        }
        result->handle_count++; /* counted before checks, so clear() frees its strings */
        if (failed) {
            status = bs_error_set(err, BS_ERR_NOMEM, "out of memory reading handles");
            break;
        }
        if (handle->person_centric_id != NULL && handle->person_centric_id[0] == '\0') {
            free(handle->person_centric_id);
            handle->person_centric_id = NULL;
        }
        size_t service_length = handle->service == NULL ? 0 : strlen(handle->service);
        enum bs_service service = bs_classify_service(handle->service, service_length);
        enum bs_transport transport = bs_classify_message_transport(service, false, false);
        handle->has_imessage_service = transport == BS_TRANSPORT_IMESSAGE;
        handle->has_rcs_service = transport == BS_TRANSPORT_RCS;
        handle->is_jabber = handle->service != NULL && strcmp(handle->service, "Jabber") == 0;
        handle->normalized_id = bs_ids_normalize(state->options->ids, handle->id, handle->country,
                                                 state->options->default_country, &handle->id_kind);
        if (handle->normalized_id == NULL) {
            status = bs_error_set(err, BS_ERR_NOMEM, "out of memory reading handles");
        }
    }
    bs_sqlite_query_free(query);
    return status;
}

/* chat.properties is a binary plist; shouldForceToSMS = true means the owner forced SMS.
 * A properties blob that does not parse is ignored: it only adds a reason. */
static bool is_forced_sms(struct bs_sqlite_query *query, int column)
{
    size_t length = 0;
    const char *bytes = bs_sqlite_query_text(query, column, &length);
    if (bytes == NULL || length == 0) {
        return false;
    }
    struct bs_plist *plist = NULL;
    bool forced = false;
    if (bs_plist_parse(bytes, length, &plist, NULL) == BS_OK) {
        const struct bs_plist_value *value =
            bs_plist_dict_get(bs_plist_root(plist), "shouldForceToSMS");
        bool flag = false;
        forced = value != NULL && bs_plist_get_bool(value, &flag) && flag;
    }
    bs_plist_free(plist);
    return forced;
}

static enum bs_status read_chats(struct scan_state *state, struct bs_error *err)
{
    struct bs_scan_result *result = state->result;
    if (!bs_sqlite_db_has_table(state->db, "chat")) {
        result->notes.lacks_chat_table = true;
        return BS_OK;
    }
    struct bs_sqlite_query *query = NULL;
    enum bs_status status = prepare(state, bs_sql_chats, "chat", &query, err);
    while (status == BS_OK) {
        bool has_row = false;
        status = bs_sqlite_query_step(query, &has_row, err);
        if (status != BS_OK || !has_row) {
            break;
        }
        void *items = result->threads;
        status = bs_array_reserve(&items, &state->thread_capacity, result->thread_count + 1,
                                  sizeof(struct bs_thread), BS_MAX_CHATS);
        if (status != BS_OK) {
            bs_error_set(err, status, "more chats than memory or limits allow (%d)", BS_MAX_CHATS);
            break;
        }
        result->threads = items;
        struct bs_thread *thread = &result->threads[result->thread_count];
        memset(thread, 0, sizeof(*thread));
        result->thread_count++;
        bool present = false;
        bool failed = false;
        thread->chat_id = bs_sqlite_query_int(query, 0, &present);
        thread->guid = copy_text(query, 1, &failed);
        thread->style = bs_sqlite_query_int(query, 2, &present);
        thread->display_name = copy_text(query, 3, &failed);
        thread->chat_identifier = copy_text(query, 4, &failed);
        thread->is_forced_sms = is_forced_sms(query, 5);
        if (thread->guid == NULL && !failed) {
            thread->guid = bs_strdup("");
            failed = thread->guid == NULL;
        }
        if (thread->display_name != NULL && thread->display_name[0] == '\0') {
            free(thread->display_name);
            thread->display_name = NULL;
        }
        if (failed) {
            status = bs_error_set(err, BS_ERR_NOMEM, "out of memory reading chats");
        }
    }
    bs_sqlite_query_free(query);
    return status;
}

/* Index of the row with that ROWID in rows sorted by ROWID (each row's ROWID at
 * rowid_of(i)), or SIZE_MAX. */
static size_t search_rowid(const void *rows, size_t row_size, size_t count, int64_t rowid)
{
    size_t low = 0;
    size_t high = count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        int64_t here = *(const int64_t *)(const void *)((const char *)rows + mid * row_size);
        if (here == rowid) {
            return mid;
        }
        if (here < rowid) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    return SIZE_MAX;
}

static int compare_rowids(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a;
    int64_t y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Rows come ORDER BY ROWID, but a hostile table can declare a column of that name (text,
 * reals, duplicates): the lookups below need the rows sorted, so sort them when they are not. */
static void sort_by_rowid(void *rows, size_t row_size, size_t count)
{
    for (size_t i = 1; i < count; i++) {
        if (compare_rowids((const char *)rows + (i - 1) * row_size,
                           (const char *)rows + i * row_size) > 0) {
            qsort(rows, count, row_size, compare_rowids);
            return;
        }
    }
}

/* Builds the direct table when the largest ROWID is at most a few times the row count. */
static void rowid_index_build(struct rowid_index *index, const void *rows, size_t row_size,
                              size_t count)
{
    index->slots = NULL;
    index->slot_count = 0;
    if (count == 0) {
        return;
    }
    int64_t first = *(const int64_t *)rows;
    int64_t last = *(const int64_t *)(const void *)((const char *)rows + (count - 1) * row_size);
    if (first < 0 || last < 0 || (uint64_t)last >= 4 * (uint64_t)count + 1024 ||
        count >= UINT32_MAX) {
        return; /* sparse or odd ROWIDs: search instead */
    }
    index->slots = calloc((size_t)last + 1, sizeof(uint32_t));
    if (index->slots == NULL) {
        return; /* searching still works */
    }
    index->slot_count = (size_t)last + 1;
    for (size_t i = 0; i < count; i++) {
        int64_t rowid = *(const int64_t *)(const void *)((const char *)rows + i * row_size);
        index->slots[rowid] = (uint32_t)(i + 1);
    }
}

static size_t lookup_rowid(const struct rowid_index *index, const void *rows, size_t row_size,
                           size_t count, int64_t rowid)
{
    if (index->slots == NULL) {
        return search_rowid(rows, row_size, count, rowid);
    }
    if (rowid < 0 || (uint64_t)rowid >= index->slot_count || index->slots[rowid] == 0) {
        return SIZE_MAX;
    }
    return index->slots[rowid] - 1;
}

/* The ROWID is the first member of both bs_thread (chat_id) and bs_handle (rowid), which is
 * what lets one lookup serve both. */
_Static_assert(offsetof(struct bs_thread, chat_id) == 0, "chat_id must come first");
_Static_assert(offsetof(struct bs_handle, rowid) == 0, "rowid must come first");
static size_t find_thread(const struct scan_state *state, int64_t chat_id)
{
    const struct bs_scan_result *result = state->result;
    return lookup_rowid(&state->thread_index, result->threads, sizeof(struct bs_thread),
                        result->thread_count, chat_id);
}

static size_t find_handle(const struct scan_state *state, int64_t rowid)
{
    const struct bs_scan_result *result = state->result;
    return lookup_rowid(&state->handle_index, result->handles, sizeof(struct bs_handle),
                        result->handle_count, rowid);
}

static enum bs_status add_member(struct scan_state *state, size_t thread_index, int64_t handle_id,
                                 struct bs_error *err)
{
    if (handle_id == 0) {
        return BS_OK; /* handle 0 is the owner, never a participant */
    }
    size_t handle_index = find_handle(state, handle_id);
    if (handle_index == SIZE_MAX) {
        return BS_OK; /* a dangling reference names nobody */
    }
    if (state->last_member != NULL) {
        if (state->last_member[thread_index] == handle_index + 1) {
            return BS_OK;
        }
        state->last_member[thread_index] = handle_index + 1;
    }
    return pair_set_add(&state->members, ((uint64_t)thread_index << 32) | handle_index, err);
}

static enum bs_status read_chat_handles(struct scan_state *state, struct bs_error *err)
{
    if (!bs_sqlite_db_has_table(state->db, "chat_handle_join")) {
        state->result->notes.lacks_chat_handle_join = true;
        return BS_OK;
    }
    struct bs_sqlite_query *query = NULL;
    enum bs_status status = prepare(state, bs_sql_chat_handles, "chat_handle_join", &query, err);
    while (status == BS_OK) {
        bool has_row = false;
        status = bs_sqlite_query_step(query, &has_row, err);
        if (status != BS_OK || !has_row) {
            break;
        }
        bool has_chat = false;
        bool has_handle = false;
        int64_t chat_id = bs_sqlite_query_int(query, 0, &has_chat);
        int64_t handle_id = bs_sqlite_query_int(query, 1, &has_handle);
        size_t thread_index = has_chat ? find_thread(state, chat_id) : SIZE_MAX;
        if (thread_index != SIZE_MAX && has_handle) {
            status = add_member(state, thread_index, handle_id, err);
        }
    }
    bs_sqlite_query_free(query);
    return status;
}

static enum bs_status cursor_open(struct scan_state *state, struct join_cursor *cursor,
                                  const char *template, const char *table, struct bs_error *err)
{
    memset(cursor, 0, sizeof(*cursor));
    if (!bs_sqlite_db_has_table(state->db, table)) {
        return BS_OK; /* an absent join table reads as empty */
    }
    enum bs_status status = prepare(state, template, table, &cursor->query, err);
    if (status == BS_OK) {
        cursor->has_row = true; /* primed by the first advance */
        cursor->message_id = INT64_MIN;
    }
    return status;
}

static enum bs_status cursor_step(struct join_cursor *cursor, struct bs_error *err)
{
    for (;;) {
        enum bs_status status = bs_sqlite_query_step(cursor->query, &cursor->has_row, err);
        if (status != BS_OK || !cursor->has_row) {
            return status;
        }
        bool has_id = false;
        cursor->message_id = bs_sqlite_query_int(cursor->query, 0, &has_id);
        cursor->value = bs_sqlite_query_int(cursor->query, 1, &cursor->has_value);
        if (has_id) {
            return BS_OK; /* rows whose message_id is not a number join nothing */
        }
    }
}

/* Moves the cursor to the first row with message_id >= rowid. */
static enum bs_status cursor_seek(struct join_cursor *cursor, int64_t rowid, struct bs_error *err)
{
    while (cursor->query != NULL && cursor->has_row && cursor->message_id < rowid) {
        enum bs_status status = cursor_step(cursor, err);
        if (status != BS_OK) {
            return status;
        }
    }
    return BS_OK;
}

/* Appends the chats of message rowid from cursor to chats[] (deduplicated). */
static enum bs_status collect_chats(struct scan_state *state, struct join_cursor *cursor,
                                    int64_t rowid, size_t *chats, size_t *chat_count,
                                    struct bs_error *err)
{
    enum bs_status status = cursor_seek(cursor, rowid, err);
    while (status == BS_OK && cursor->query != NULL && cursor->has_row &&
           cursor->message_id == rowid) {
        size_t index = cursor->has_value ? find_thread(state, cursor->value) : SIZE_MAX;
        bool seen = index == SIZE_MAX;
        for (size_t i = 0; i < *chat_count && !seen; i++) {
            seen = chats[i] == index;
        }
        if (!seen && *chat_count < MAX_CHATS_PER_MESSAGE) {
            chats[(*chat_count)++] = index;
        }
        status = cursor_step(cursor, err);
    }
    return status;
}

static bool cursor_matches(struct join_cursor *cursor, int64_t rowid, struct bs_error *err,
                           enum bs_status *status)
{
    *status = cursor_seek(cursor, rowid, err);
    return *status == BS_OK && cursor->query != NULL && cursor->has_row &&
           cursor->message_id == rowid;
}

/* The columns of messages.sql, in order. */
enum message_column {
    COL_ROWID,
    COL_SERVICE,
    COL_DATE,
    COL_HANDLE_ID,
    COL_OTHER_HANDLE,
    COL_ITEM_TYPE,
    COL_FLAGS
};

/* Bits of COL_FLAGS. */
enum message_flag {
    FLAG_IS_FROM_ME = 1 << 0,
    FLAG_WAS_DOWNGRADED = 1 << 1,
    FLAG_CACHE_HAS_ATTACHMENTS = 1 << 2,
    FLAG_ICLOUD_SYNCED = 1 << 3
};

/* One row of messages.sql: where the message belongs, and its facts for the rules. */
struct message_row {
    int64_t rowid;
    int64_t handle_id;
    int64_t item_type;
    int64_t other_handle;
    struct bs_message_facts facts;
};

static int64_t int_column(struct bs_sqlite_query *query, int column)
{
    bool present = false;
    return bs_sqlite_query_int(query, column, &present);
}

/* A cache in front of bs_classify_service: the previous row's service text and its class.
 * Nearly every row repeats one of a few spellings, and comparing bytes is cheaper than
 * classifying them again; the decision is always bs_classify_service's. */
struct service_memo {
    char bytes[16];
    size_t length; /* SIZE_MAX: nothing remembered yet */
    enum bs_service service;
};

static enum bs_service memo_classify_service(struct service_memo *memo, const char *bytes,
                                             size_t length)
{
    if (bytes != NULL && length == memo->length && memcmp(bytes, memo->bytes, length) == 0) {
        return memo->service;
    }
    enum bs_service service = bs_classify_service(bytes, length);
    if (bytes != NULL && length <= sizeof(memo->bytes)) {
        memcpy(memo->bytes, bytes, length);
        memo->length = length;
        memo->service = service;
    }
    return service;
}

static void read_message_row(struct bs_sqlite_query *query, struct service_memo *memo,
                             struct message_row *message)
{
    bool present = false;
    size_t service_length = 0;
    const char *service = bs_sqlite_query_text(query, COL_SERVICE, &service_length);
    struct bs_message_facts *facts = &message->facts;
    message->rowid = bs_sqlite_query_int(query, COL_ROWID, &present);
    facts->service = memo_classify_service(memo, service, service_length);
    int64_t raw_date = bs_sqlite_query_int(query, COL_DATE, &present);
    facts->date = bs_classify_date(raw_date, present);
    message->handle_id = int_column(query, COL_HANDLE_ID);
    message->other_handle = int_column(query, COL_OTHER_HANDLE);
    message->item_type = int_column(query, COL_ITEM_TYPE);
    int64_t flags = int_column(query, COL_FLAGS);
    facts->is_from_me = (flags & FLAG_IS_FROM_ME) != 0;
    facts->was_downgraded = (flags & FLAG_WAS_DOWNGRADED) != 0;
    facts->has_attachment = (flags & FLAG_CACHE_HAS_ATTACHMENTS) != 0;
    facts->is_icloud_synced = (flags & FLAG_ICLOUD_SYNCED) != 0;
}

static enum bs_status note_handle_evidence(struct scan_state *state,
                                           const struct message_row *message)
{
    if (message->handle_id == 0) {
        return BS_OK;
    }
    size_t index = find_handle(state, message->handle_id);
    if (index == SIZE_MAX) {
        return BS_OK;
    }
    struct bs_handle *handle = &state->result->handles[index];
    enum bs_transport transport =
        bs_classify_message_transport(message->facts.service, false, false);
    if (transport == BS_TRANSPORT_IMESSAGE) {
        handle->seen_imessage = true;
    } else if (transport == BS_TRANSPORT_RCS) {
        handle->seen_rcs = true;
    }
    return BS_OK;
}

static uint64_t max_message_rowid(struct scan_state *state)
{
    struct bs_sqlite_query *query = NULL;
    uint64_t total = 0;
    bool has_row = false;
    if (bs_sqlite_query_prepare(state->db, bs_sql_message_max_rowid, &query, NULL) == BS_OK &&
        bs_sqlite_query_step(query, &has_row, NULL) == BS_OK && has_row) {
        bool present = false;
        int64_t max = bs_sqlite_query_int(query, 0, &present);
        total = present && max > 0 ? (uint64_t)max : 0;
    }
    bs_sqlite_query_free(query);
    return total;
}

static void note_missing_columns(struct scan_state *state, bool has_attachment_join)
{
    struct bs_schema_notes *notes = &state->result->notes;
    notes->lacks_service_column = !bs_sqlite_db_has_column(state->db, "message", "service");
    notes->lacks_date_column = !bs_sqlite_db_has_column(state->db, "message", "date");
    notes->lacks_item_type_column = !bs_sqlite_db_has_column(state->db, "message", "item_type");
    notes->lacks_attachment_join =
        !has_attachment_join &&
        !bs_sqlite_db_has_column(state->db, "message", "cache_has_attachments");
    notes->lacks_chat_message_join = !bs_sqlite_db_has_table(state->db, "chat_message_join");
}

static enum bs_status read_messages(struct scan_state *state, struct bs_error *err)
{
    struct bs_scan_result *result = state->result;
    const struct bs_scan_options *options = state->options;
    struct join_cursor chats_cursor;
    struct join_cursor recoverable_cursor;
    struct join_cursor attachments_cursor;
    struct bs_sqlite_query *query = NULL;
    enum bs_status status =
        cursor_open(state, &chats_cursor, bs_sql_message_chats, "chat_message_join", err);
    if (status == BS_OK) {
        status = cursor_open(state, &recoverable_cursor, bs_sql_message_recoverable_chats,
                             "chat_recoverable_message_join", err);
    } else {
        memset(&recoverable_cursor, 0, sizeof(recoverable_cursor));
    }
    if (status == BS_OK) {
        status = cursor_open(state, &attachments_cursor, bs_sql_message_attachments,
                             "message_attachment_join", err);
    } else {
        memset(&attachments_cursor, 0, sizeof(attachments_cursor));
    }
    if (status == BS_OK) {
        note_missing_columns(state, attachments_cursor.query != NULL);
        status = prepare(state, bs_sql_messages, "message", &query, err);
    }
    uint64_t total = options->on_progress != NULL ? max_message_rowid(state) : 0;
    struct service_memo memo = {.length = SIZE_MAX};
    while (status == BS_OK) {
        bool has_row = false;
        status = bs_sqlite_query_step(query, &has_row, err);
        if (status != BS_OK || !has_row) {
            break;
        }
        struct message_row message;
        read_message_row(query, &memo, &message);
        result->message_rows++;
        if (options->on_progress != NULL && result->message_rows % PROGRESS_EVERY_ROWS == 0) {
            options->on_progress(message.rowid > 0 ? (uint64_t)message.rowid : 0, total,
                                 options->progress_context);
        }
        if (cursor_matches(&attachments_cursor, message.rowid, err, &status)) {
            message.facts.has_attachment = true;
        }
        size_t chats[MAX_CHATS_PER_MESSAGE];
        size_t chat_count = 0;
        if (status == BS_OK) {
            status = collect_chats(state, &chats_cursor, message.rowid, chats, &chat_count, err);
        }
        if (status == BS_OK) {
            status =
                collect_chats(state, &recoverable_cursor, message.rowid, chats, &chat_count, err);
        }
        if (status == BS_OK) {
            status = note_handle_evidence(state, &message);
        }
        bool is_membership_event = message.item_type == 1 || message.item_type == 3;
        for (size_t i = 0; i < chat_count && status == BS_OK; i++) {
            status = add_member(state, chats[i], message.handle_id, err);
            if (status == BS_OK && is_membership_event) {
                status = add_member(state, chats[i], message.other_handle, err);
            }
        }
        bool is_counted = message.item_type == 0;
        bool is_in_window = !options->since.is_known ||
                            (message.facts.date.is_known &&
                             message.facts.date.unix_seconds >= options->since.unix_seconds);
        if (status != BS_OK || !is_counted || !is_in_window) {
            continue;
        }
        bs_classify_add_to_totals(result, &message.facts, chat_count == 0);
        status = bs_months_add(&result->months, message.facts.date,
                               bs_classify_is_encrypted(message.facts.service), err);
        for (size_t i = 0; i < chat_count; i++) {
            bs_classify_add_to_thread(&result->threads[chats[i]], &message.facts, i == 0);
        }
    }
    if (status != BS_OK) {
        bs_error_prefix(err, "reading messages");
    }
    bs_sqlite_query_free(query);
    bs_sqlite_query_free(chats_cursor.query);
    bs_sqlite_query_free(recoverable_cursor.query);
    bs_sqlite_query_free(attachments_cursor.query);
    return status;
}

enum bs_status bs_sms_store_read(struct bs_sqlite_db *db, const struct bs_scan_options *options,
                                 struct bs_scan_result *result, struct bs_error *err)
{
    struct scan_state state = {.db = db, .options = options, .result = result};
    enum bs_status status = BS_OK;
    if (!bs_sqlite_db_has_table(db, "message")) {
        status = bs_error_set(err, BS_ERR_FORMAT,
                              "no message table: not an iPhone sms.db or Mac chat.db");
        goto done;
    }
    status = read_handles(&state, err);
    if (status == BS_OK) {
        status = read_chats(&state, err);
    }
    if (status == BS_OK) {
        sort_by_rowid(result->threads, sizeof(struct bs_thread), result->thread_count);
        sort_by_rowid(result->handles, sizeof(struct bs_handle), result->handle_count);
        rowid_index_build(&state.thread_index, result->threads, sizeof(struct bs_thread),
                          result->thread_count);
        rowid_index_build(&state.handle_index, result->handles, sizeof(struct bs_handle),
                          result->handle_count);
        state.last_member = calloc(result->thread_count + 1, sizeof(size_t)); /* optional */
        status = read_chat_handles(&state, err);
    }
    if (status == BS_OK) {
        status = read_messages(&state, err);
    }
    if (status == BS_OK) {
        status = take_pairs(&state, err);
    }
done:
    free(state.members.slots);
    free(state.thread_index.slots);
    free(state.handle_index.slots);
    free(state.last_member);
    if (status != BS_OK) {
        bs_scan_result_clear(result);
    }
    return status;
}
