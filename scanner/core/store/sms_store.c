/*
 * The database pass of sms_store.h. Handles and chats are loaded first (they are few:
 * sms_tables.c); then message is read once in ROWID order while chat_message_join,
 * chat_recoverable_message_join and message_attachment_join are read in message_id order beside it,
 * so every message is joined to its chats and attachments without a random seek. Memory grows with
 * chats, handles and distinct memberships, never with messages (SPEC 7).
 */
#include "core/store/sms_store.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/limits.h"
#include "core/model/classify.h"
#include "core/model/months.h"
#include "core/model/timeline.h"
#include "core/store/queries.h"
#include "core/store/sms_tables.h"

/* Progress is reported every this many messages. */
#define PROGRESS_EVERY_ROWS 65536

struct join_cursor {
    struct bs_sqlite_query *query;
    bool has_value_column; /* the join's second column (chat_id); attachments have none */
    bool has_row;
    int64_t message_id;
    int64_t value;
    bool has_value;
};

/* Moves the membership pairs into the result as a sorted array. */
static enum bs_status take_pairs(struct bs_sms_pass *pass, struct bs_error *err)
{
    return bs_pair_set_sorted(&pass->members, &pass->result->member_pairs,
                              &pass->result->member_pair_count, err);
}

static enum bs_status cursor_open(struct bs_sms_pass *pass, struct join_cursor *cursor,
                                  const char *template, const char *table, bool has_value_column,
                                  struct bs_error *err)
{
    memset(cursor, 0, sizeof(*cursor));
    cursor->has_value_column = has_value_column;
    if (!bs_sqlite_db_has_table(pass->db, table)) {
        return BS_OK; /* an absent join table reads as empty */
    }
    enum bs_status status = bs_sms_prepare(pass, template, table, &cursor->query, err);
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
        /* Keys as SQL's = matches them (the recount's queries join by SQL): a message_id or
         * chat_id that is not a whole number joins nothing. */
        bool has_id = false;
        cursor->message_id = bs_sqlite_query_key(cursor->query, 0, &has_id);
        cursor->has_value = false;
        if (cursor->has_value_column) {
            cursor->value = bs_sqlite_query_key(cursor->query, 1, &cursor->has_value);
        }
        if (has_id) {
            return BS_OK;
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

/* Appends the chats of message rowid from cursor to chats[] (pass->message_chats), each once
 * however often the join table repeats it: every chat a message is joined to counts it. */
static enum bs_status collect_chats(struct bs_sms_pass *pass, struct join_cursor *cursor,
                                    int64_t rowid, size_t *chats, size_t *chat_count,
                                    struct bs_error *err)
{
    uint64_t serial = pass->result->message_rows; /* this message's, never 0 */
    enum bs_status status = cursor_seek(cursor, rowid, err);
    while (status == BS_OK && cursor->query != NULL && cursor->has_row &&
           cursor->message_id == rowid) {
        size_t index = cursor->has_value ? bs_sms_find_thread(pass, cursor->value) : SIZE_MAX;
        if (index != SIZE_MAX && pass->chat_joined_at[index] != serial) {
            pass->chat_joined_at[index] = serial; /* so at most thread_count entries */
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
    FLAG_ICLOUD_SYNCED = 1 << 3,
    FLAG_MEMBER_ADDED = 1 << 4
};

/* One row of messages.sql: where the message belongs, and its facts for the rules. */
struct message_row {
    int64_t rowid;
    int64_t handle_id;
    int64_t item_type;
    int64_t other_handle;
    bool is_member_added; /* a group event: other_handle was added */
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
    facts->date.is_known = bs_message_key_make(raw_date, present, message->rowid, &facts->key);
    facts->date.unix_seconds = facts->date.is_known ? facts->key.unix_seconds : 0;
    message->handle_id = int_column(query, COL_HANDLE_ID);
    message->other_handle = int_column(query, COL_OTHER_HANDLE);
    message->item_type = int_column(query, COL_ITEM_TYPE);
    int64_t flags = int_column(query, COL_FLAGS);
    facts->is_from_me = (flags & FLAG_IS_FROM_ME) != 0;
    facts->was_downgraded = (flags & FLAG_WAS_DOWNGRADED) != 0;
    facts->has_attachment = (flags & FLAG_CACHE_HAS_ATTACHMENTS) != 0;
    facts->is_icloud_synced = (flags & FLAG_ICLOUD_SYNCED) != 0;
    message->is_member_added = message->item_type == 1 && (flags & FLAG_MEMBER_ADDED) != 0;
}

static bool is_in_window(const struct bs_scan_options *options, struct bs_date date)
{
    return !options->since.is_known ||
           (date.is_known && date.unix_seconds >= options->since.unix_seconds);
}

static uint64_t pair_of(size_t thread_index, size_t handle_index)
{
    return (uint64_t)thread_index << 32 | (uint64_t)handle_index;
}

/* A dated "member added" event: kept for the member-added cause, whatever --since says
 * (group events are membership facts, SPEC 3.7). */
static enum bs_status note_member_added(struct bs_sms_pass *pass, const struct message_row *message,
                                        const size_t *chats, size_t chat_count,
                                        struct bs_error *err)
{
    if (!message->is_member_added || !message->facts.date.is_known || message->other_handle == 0) {
        return BS_OK;
    }
    size_t handle = bs_sms_find_handle(pass, message->other_handle);
    if (handle == SIZE_MAX) {
        return BS_OK;
    }
    struct bs_scan_result *result = pass->result;
    for (size_t i = 0; i < chat_count; i++) {
        void *items = result->member_added;
        enum bs_status status =
            bs_array_reserve(&items, &pass->member_added_capacity, result->member_added_count + 1,
                             sizeof(struct bs_thread_event), BS_MAX_GROUP_EVENTS);
        if (status != BS_OK) {
            return bs_error_set(err, status, "more group membership events than limits allow (%d)",
                                BS_MAX_GROUP_EVENTS);
        }
        result->member_added = items;
        struct bs_thread_event *event = &result->member_added[result->member_added_count++];
        event->thread_index = (uint32_t)chats[i];
        event->handle_index = (uint32_t)handle;
        event->key = message->facts.key;
    }
    return BS_OK;
}

/* A dated unencrypted message received from handle_id: per thread and sender, the earliest
 * is a candidate for broken_by (SPEC 3.7). The owner's own messages carry the recipient's
 * handle, so they never count. */
static enum bs_status note_received(struct bs_sms_pass *pass, const struct message_row *message,
                                    const size_t *chats, size_t chat_count, struct bs_error *err)
{
    const struct bs_message_facts *facts = &message->facts;
    if (facts->is_from_me || message->handle_id == 0 || !facts->date.is_known ||
        bs_classify_is_encrypted(facts->service)) {
        return BS_OK;
    }
    size_t handle = bs_sms_find_handle(pass, message->handle_id);
    struct bs_scan_result *result = pass->result;
    for (size_t i = 0; i < chat_count && handle != SIZE_MAX; i++) {
        size_t row = 0;
        bool is_new = false;
        enum bs_status status = bs_pair_map_index(&pass->first_received_rows,
                                                  pair_of(chats[i], handle), &row, &is_new, err);
        if (status == BS_OK && is_new) {
            void *items = result->first_received;
            status = bs_array_reserve(&items, &pass->first_received_capacity, row + 1,
                                      sizeof(struct bs_thread_event), BS_MAX_PARTICIPANT_PAIRS);
            if (status != BS_OK) {
                return bs_error_set(err, status,
                                    status == BS_ERR_LIMIT
                                        ? "more thread senders than limits allow (%d)"
                                        : "out of memory for the timeline of threads (%d)",
                                    BS_MAX_PARTICIPANT_PAIRS);
            }
            result->first_received = items;
            result->first_received_count = row + 1;
            struct bs_thread_event *event = &result->first_received[row];
            event->thread_index = (uint32_t)chats[i];
            event->handle_index = (uint32_t)handle;
            event->key = facts->key;
        } else if (status == BS_OK &&
                   bs_message_key_compare(&facts->key, &result->first_received[row].key) < 0) {
            result->first_received[row].key = facts->key;
        } else if (status != BS_OK) {
            return status;
        }
    }
    return BS_OK;
}

/* Counts a message in its thread's months, within the budget of all threads' month rows. */
static enum bs_status add_thread_month(struct bs_sms_pass *pass, struct bs_thread *thread,
                                       const struct bs_message_facts *facts, struct bs_error *err)
{
    struct bs_month_table *months = &thread->timeline.months;
    size_t before = months->count;
    enum bs_status status =
        bs_months_add(months, facts->date, bs_classify_is_encrypted(facts->service), err);
    if (status == BS_OK && months->count > before &&
        ++pass->thread_month_rows > BS_MAX_THREAD_MONTHS) {
        status = bs_error_set(err, BS_ERR_LIMIT,
                              "messages in more than %d distinct thread-months: dates look forged",
                              BS_MAX_THREAD_MONTHS);
    }
    return status;
}

static enum bs_status note_handle_evidence(struct bs_sms_pass *pass,
                                           const struct message_row *message)
{
    if (message->handle_id == 0) {
        return BS_OK;
    }
    size_t index = bs_sms_find_handle(pass, message->handle_id);
    if (index == SIZE_MAX) {
        return BS_OK;
    }
    struct bs_handle *handle = &pass->result->handles[index];
    enum bs_transport transport =
        bs_classify_message_transport(message->facts.service, false, false);
    if (transport == BS_TRANSPORT_IMESSAGE) {
        handle->seen_imessage = true;
    } else if (transport == BS_TRANSPORT_RCS) {
        handle->seen_rcs = true;
    }
    return BS_OK;
}

static uint64_t max_message_rowid(struct bs_sms_pass *pass)
{
    struct bs_sqlite_query *query = NULL;
    uint64_t total = 0;
    bool has_row = false;
    if (bs_sqlite_query_prepare(pass->db, bs_sql_message_max_rowid, &query, NULL) == BS_OK &&
        bs_sqlite_query_step(query, &has_row, NULL) == BS_OK && has_row) {
        bool present = false;
        int64_t max = bs_sqlite_query_int(query, 0, &present);
        total = present && max > 0 ? (uint64_t)max : 0;
    }
    bs_sqlite_query_free(query);
    return total;
}

static void note_missing_columns(struct bs_sms_pass *pass, bool has_attachment_join)
{
    struct bs_schema_notes *notes = &pass->result->notes;
    notes->lacks_service_column = !bs_sqlite_db_has_column(pass->db, "message", "service");
    notes->lacks_date_column = !bs_sqlite_db_has_column(pass->db, "message", "date");
    notes->lacks_item_type_column = !bs_sqlite_db_has_column(pass->db, "message", "item_type");
    notes->lacks_attachment_join =
        !has_attachment_join &&
        !bs_sqlite_db_has_column(pass->db, "message", "cache_has_attachments");
    notes->lacks_chat_message_join = !bs_sqlite_db_has_table(pass->db, "chat_message_join");
    notes->lacks_group_events =
        !bs_sqlite_db_has_column(pass->db, "message", "group_action_type") ||
        !bs_sqlite_db_has_column(pass->db, "message", "other_handle") ||
        notes->lacks_item_type_column;
}

static enum bs_status read_messages(struct bs_sms_pass *pass, struct bs_error *err)
{
    struct bs_scan_result *result = pass->result;
    const struct bs_scan_options *options = pass->options;
    struct join_cursor chats_cursor;
    struct join_cursor recoverable_cursor;
    struct join_cursor attachments_cursor;
    struct bs_sqlite_query *query = NULL;
    enum bs_status status =
        cursor_open(pass, &chats_cursor, bs_sql_message_chats, "chat_message_join", true, err);
    if (status == BS_OK) {
        status = cursor_open(pass, &recoverable_cursor, bs_sql_message_recoverable_chats,
                             "chat_recoverable_message_join", true, err);
    } else {
        memset(&recoverable_cursor, 0, sizeof(recoverable_cursor));
    }
    if (status == BS_OK) {
        status = cursor_open(pass, &attachments_cursor, bs_sql_message_attachments,
                             "message_attachment_join", false, err);
    } else {
        memset(&attachments_cursor, 0, sizeof(attachments_cursor));
    }
    if (status == BS_OK) {
        note_missing_columns(pass, attachments_cursor.query != NULL);
        status = bs_sms_prepare(pass, bs_sql_messages, "message", &query, err);
    }
    uint64_t total = options->on_progress != NULL ? max_message_rowid(pass) : 0;
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
        size_t *chats = pass->message_chats;
        size_t chat_count = 0;
        if (status == BS_OK) {
            status = collect_chats(pass, &chats_cursor, message.rowid, chats, &chat_count, err);
        }
        if (status == BS_OK) {
            status =
                collect_chats(pass, &recoverable_cursor, message.rowid, chats, &chat_count, err);
        }
        if (status == BS_OK) {
            status = note_handle_evidence(pass, &message);
        }
        bool is_membership_event = message.item_type == 1 || message.item_type == 3;
        for (size_t i = 0; i < chat_count && status == BS_OK; i++) {
            status = bs_sms_add_member(pass, chats[i], message.handle_id, err);
            if (status == BS_OK && is_membership_event) {
                status = bs_sms_add_member(pass, chats[i], message.other_handle, err);
            }
        }
        if (status == BS_OK) {
            status = note_member_added(pass, &message, chats, chat_count, err);
        }
        bool is_counted = message.item_type == 0;
        if (status != BS_OK || !is_counted || !is_in_window(options, message.facts.date)) {
            continue;
        }
        bs_classify_add_to_totals(result, &message.facts, chat_count == 0);
        status = bs_months_add(&result->months, message.facts.date,
                               bs_classify_is_encrypted(message.facts.service), err);
        for (size_t i = 0; i < chat_count && status == BS_OK; i++) {
            struct bs_thread *thread = &result->threads[chats[i]];
            bs_classify_add_to_thread(thread, &message.facts, i == 0);
            if (options->has_compare_cutoff) {
                bs_classify_add_after_cutoff(thread, &message.facts, options->compare_cutoff);
            }
            status = add_thread_month(pass, thread, &message.facts, err);
        }
        if (status == BS_OK) {
            status = note_received(pass, &message, chats, chat_count, err);
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

/* Recounts encrypted_before over one thread's messages (timeline.h): a thread whose first
 * unencrypted message came, in ROWID order, dated between iMessages already seen. Rare where
 * ROWIDs follow dates (or run exactly against them); in a database whose dates are shuffled
 * against ROWID most threads come here, at about one seek per message of theirs. The same rules
 * as the pass decide what counts: counted (item_type 0), dated, within --since. */
static enum bs_status recount_thread(struct bs_sms_pass *pass, struct bs_sqlite_query *query,
                                     struct bs_thread *thread, struct bs_error *err)
{
    bs_sqlite_query_rewind(query);
    enum bs_status status = bs_sqlite_query_bind_int(query, 1, thread->chat_id, err);
    bs_timeline_recount_begin(&thread->timeline);
    struct service_memo memo = {.length = SIZE_MAX};
    while (status == BS_OK) {
        bool has_row = false;
        status = bs_sqlite_query_step(query, &has_row, err);
        if (status != BS_OK || !has_row) {
            break;
        }
        bool present = false;
        int64_t rowid = bs_sqlite_query_int(query, 0, &present);
        size_t length = 0;
        const char *service = bs_sqlite_query_text(query, 1, &length);
        int64_t raw_date = bs_sqlite_query_int(query, 2, &present);
        struct bs_message_key key;
        bool is_dated = bs_message_key_make(raw_date, present, rowid, &key);
        struct bs_date date = {is_dated ? key.unix_seconds : 0, is_dated};
        if (int_column(query, 3) == 0 && is_dated && is_in_window(pass->options, date)) {
            enum bs_service kind = memo_classify_service(&memo, service, length);
            bs_timeline_recount_add(&thread->timeline, &key, bs_classify_is_encrypted(kind));
        }
    }
    return status;
}

/* The query of a thread's messages for the join tables this database has. */
static const char *recount_query(struct bs_sqlite_db *db)
{
    bool has_joins = bs_sqlite_db_has_table(db, "chat_message_join");
    if (!bs_sqlite_db_has_table(db, "chat_recoverable_message_join")) {
        return bs_sql_thread_messages;
    }
    return has_joins ? bs_sql_thread_messages_recoverable : bs_sql_thread_messages_recoverable_only;
}

static enum bs_status recount_timelines(struct bs_sms_pass *pass, struct bs_error *err)
{
    struct bs_scan_result *result = pass->result;
    struct bs_sqlite_query *query = NULL;
    enum bs_status status = BS_OK;
    for (size_t t = 0; t < result->thread_count && status == BS_OK; t++) {
        struct bs_thread *thread = &result->threads[t];
        if (!thread->timeline.needs_recount) {
            continue;
        }
        if (query == NULL) {
            status = bs_sms_prepare(pass, recount_query(pass->db), "message", &query, err);
        }
        if (status == BS_OK) {
            status = recount_thread(pass, query, thread, err);
        }
    }
    bs_sqlite_query_free(query);
    if (status != BS_OK) {
        bs_error_prefix(err, "recounting a thread's timeline");
    }
    return status;
}

enum bs_status bs_sms_store_read(struct bs_sqlite_db *db, const struct bs_scan_options *options,
                                 struct bs_scan_result *result, struct bs_error *err)
{
    struct bs_sms_pass pass = {.db = db, .options = options, .result = result};
    enum bs_status status = BS_OK;
    if (!bs_sqlite_db_has_table(db, "message")) {
        status = bs_error_set(err, BS_ERR_FORMAT,
                              "no message table: not an iPhone sms.db or Mac chat.db");
        goto done;
    }
    status = bs_sms_read_tables(&pass, err);
    if (status == BS_OK) {
        status = read_messages(&pass, err);
    }
    if (status == BS_OK) {
        status = recount_timelines(&pass, err);
    }
    if (status == BS_OK) {
        status = take_pairs(&pass, err);
    }
done:
    bs_sms_pass_free(&pass);
    if (status != BS_OK) {
        bs_scan_result_clear(result);
    }
    return status;
}
