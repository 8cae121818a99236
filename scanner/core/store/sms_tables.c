/*
 * The small tables of a Messages database (sms_tables.h): handle and chat rows are copied into
 * the model (strings bounded, ids normalised, chat.properties checked for forced SMS), sorted
 * and indexed by ROWID, and chat_handle_join gives the first memberships. Their count is the
 * number of people and conversations, never of messages.
 */
#include "core/store/sms_tables.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/limits.h"
#include "core/base/text.h"
#include "core/model/classify.h"
#include "core/model/ids.h"
#include "core/store/plist_read.h"
#include "core/store/queries.h"

enum bs_status bs_sms_prepare(struct bs_sms_pass *pass, const char *template, const char *table,
                              struct bs_sqlite_query **out, struct bs_error *err)
{
    enum bs_status status = bs_sqlite_query_prepare_columns(pass->db, template, table, out, err);
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

static enum bs_status read_handles(struct bs_sms_pass *pass, struct bs_error *err)
{
    struct bs_scan_result *result = pass->result;
    if (!bs_sqlite_db_has_table(pass->db, "handle")) {
        result->notes.lacks_handle_table = true;
        return BS_OK;
    }
    struct bs_sqlite_query *query = NULL;
    enum bs_status status = bs_sms_prepare(pass, bs_sql_handles, "handle", &query, err);
    while (status == BS_OK) {
        bool has_row = false;
        status = bs_sqlite_query_step(query, &has_row, err);
        if (status != BS_OK || !has_row) {
            break;
        }
        void *items = result->handles;
        status = bs_array_reserve(&items, &pass->handle_capacity, result->handle_count + 1,
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
        handle->normalized_id = bs_ids_normalize(pass->options->ids, handle->id, handle->country,
                                                 pass->options->default_country, &handle->id_kind);
        if (handle->normalized_id == NULL) {
            status = bs_error_set(err, BS_ERR_NOMEM, "out of memory reading handles");
        }
    }
    bs_sqlite_query_free(query);
    return status;
}

/* One key of chat.properties as SPEC 3.2 reads it: a boolean, or an integer where non-zero is
 * true; absent, or of any other type, is BS_FLAG_ABSENT. */
static enum bs_flag apple_flag(const struct bs_plist_value *root, const char *key)
{
    const struct bs_plist_value *value = bs_plist_dict_get(root, key);
    bool flag = false;
    int64_t number = 0;
    uint64_t large = 0;
    if (bs_plist_get_bool(value, &flag)) {
        return flag ? BS_FLAG_TRUE : BS_FLAG_FALSE;
    }
    if (bs_plist_get_int(value, &number)) {
        return number != 0 ? BS_FLAG_TRUE : BS_FLAG_FALSE;
    }
    if (bs_plist_get_uint(value, &large)) {
        return BS_FLAG_TRUE; /* an unsigned integer past 2^63 is non-zero */
    }
    return BS_FLAG_ABSENT;
}

/* chat.properties is a binary plist holding Apple's own evidence about the chat (SPEC 3.2).
 * A blob that does not parse, or whose root is not a dictionary, reads as all absent: it is
 * evidence, never a reason to fail the scan. */
static struct bs_apple_evidence read_apple_evidence(struct bs_sqlite_query *query, int column)
{
    struct bs_apple_evidence evidence = {BS_FLAG_ABSENT, BS_FLAG_ABSENT, BS_FLAG_ABSENT};
    size_t length = 0;
    const char *bytes = bs_sqlite_query_text(query, column, &length);
    if (bytes == NULL || length == 0) {
        return evidence;
    }
    struct bs_plist *plist = NULL;
    if (bs_plist_parse(bytes, length, &plist, NULL) == BS_OK) {
        const struct bs_plist_value *root = bs_plist_root(plist);
        evidence.hybrid = apple_flag(root, "lastKnownHybridState");
        evidence.supports_encryption = apple_flag(root, "supportsEncryption");
        evidence.force_sms = apple_flag(root, "shouldForceToSMS");
    }
    bs_plist_free(plist);
    return evidence;
}

static enum bs_status read_chats(struct bs_sms_pass *pass, struct bs_error *err)
{
    struct bs_scan_result *result = pass->result;
    if (!bs_sqlite_db_has_table(pass->db, "chat")) {
        result->notes.lacks_chat_table = true;
        return BS_OK;
    }
    struct bs_sqlite_query *query = NULL;
    enum bs_status status = bs_sms_prepare(pass, bs_sql_chats, "chat", &query, err);
    while (status == BS_OK) {
        bool has_row = false;
        status = bs_sqlite_query_step(query, &has_row, err);
        if (status != BS_OK || !has_row) {
            break;
        }
        void *items = result->threads;
        status = bs_array_reserve(&items, &pass->thread_capacity, result->thread_count + 1,
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
        thread->apple = read_apple_evidence(query, 5);
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

/* The ROWID is the first member of both bs_thread (chat_id) and bs_handle (rowid), which is
 * what lets one lookup serve both. */
_Static_assert(offsetof(struct bs_thread, chat_id) == 0, "chat_id must come first");
_Static_assert(offsetof(struct bs_handle, rowid) == 0, "rowid must come first");
size_t bs_sms_find_thread(const struct bs_sms_pass *pass, int64_t chat_id)
{
    const struct bs_scan_result *result = pass->result;
    return bs_rowid_index_lookup(&pass->thread_index, result->threads, sizeof(struct bs_thread),
                                 result->thread_count, chat_id);
}

size_t bs_sms_find_handle(const struct bs_sms_pass *pass, int64_t rowid)
{
    const struct bs_scan_result *result = pass->result;
    return bs_rowid_index_lookup(&pass->handle_index, result->handles, sizeof(struct bs_handle),
                                 result->handle_count, rowid);
}

enum bs_status bs_sms_add_member(struct bs_sms_pass *pass, size_t thread_index, int64_t handle_id,
                                 struct bs_error *err)
{
    if (handle_id == 0) {
        return BS_OK; /* handle 0 is the owner, never a participant */
    }
    size_t handle_index = bs_sms_find_handle(pass, handle_id);
    if (handle_index == SIZE_MAX) {
        return BS_OK; /* a dangling reference names nobody */
    }
    if (pass->last_member != NULL) {
        if (pass->last_member[thread_index] == handle_index + 1) {
            return BS_OK;
        }
        pass->last_member[thread_index] = handle_index + 1;
    }
    return bs_pair_set_add(&pass->members, ((uint64_t)thread_index << 32) | handle_index, err);
}

static enum bs_status read_chat_handles(struct bs_sms_pass *pass, struct bs_error *err)
{
    if (!bs_sqlite_db_has_table(pass->db, "chat_handle_join")) {
        pass->result->notes.lacks_chat_handle_join = true;
        return BS_OK;
    }
    struct bs_sqlite_query *query = NULL;
    enum bs_status status =
        bs_sms_prepare(pass, bs_sql_chat_handles, "chat_handle_join", &query, err);
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
        size_t thread_index = has_chat ? bs_sms_find_thread(pass, chat_id) : SIZE_MAX;
        if (thread_index != SIZE_MAX && has_handle) {
            status = bs_sms_add_member(pass, thread_index, handle_id, err);
        }
    }
    bs_sqlite_query_free(query);
    return status;
}

enum bs_status bs_sms_read_tables(struct bs_sms_pass *pass, struct bs_error *err)
{
    struct bs_scan_result *result = pass->result;
    enum bs_status status = read_handles(pass, err);
    if (status == BS_OK) {
        status = read_chats(pass, err);
    }
    if (status == BS_OK) {
        bs_rows_sort_by_rowid(result->threads, sizeof(struct bs_thread), result->thread_count);
        bs_rows_sort_by_rowid(result->handles, sizeof(struct bs_handle), result->handle_count);
        bs_rowid_index_build(&pass->thread_index, result->threads, sizeof(struct bs_thread),
                             result->thread_count);
        bs_rowid_index_build(&pass->handle_index, result->handles, sizeof(struct bs_handle),
                             result->handle_count);
        pass->last_member = calloc(result->thread_count + 1, sizeof(size_t)); /* optional */
        pass->message_chats = calloc(result->thread_count + 1, sizeof(size_t));
        pass->chat_joined_at = calloc(result->thread_count + 1, sizeof(uint64_t));
        if (pass->message_chats == NULL || pass->chat_joined_at == NULL) {
            status = bs_error_set(err, BS_ERR_NOMEM, "out of memory for %zu chats",
                                  result->thread_count);
        }
    }
    if (status == BS_OK) {
        status = read_chat_handles(pass, err);
    }
    return status;
}

void bs_sms_pass_free(struct bs_sms_pass *pass)
{
    free(pass->members.slots);
    free(pass->thread_index.slots);
    free(pass->handle_index.slots);
    free(pass->last_member);
    free(pass->message_chats);
    free(pass->chat_joined_at);
    bs_pair_map_free(&pass->first_received_rows);
}
