/*
 * The state of one pass over a Messages database, shared by the two files that implement
 * sms_store.h and by nothing else: sms_tables.c loads the small tables first (handle, chat,
 * chat_handle_join) and answers ROWID lookups and memberships; sms_store.c then reads message
 * once with its join tables beside it. Private to store/.
 */
#ifndef BS_CORE_SMS_TABLES_H
#define BS_CORE_SMS_TABLES_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/status.h"
#include "core/model/model.h"
#include "core/store/row_index.h"
#include "core/store/sms_store.h"
#include "core/store/sqlite_db.h"

struct bs_sms_pass {
    struct bs_sqlite_db *db;
    const struct bs_scan_options *options;
    struct bs_scan_result *result;
    struct bs_pair_set members; /* (thread index << 32 | handle index) */
    struct bs_rowid_index thread_index;
    struct bs_rowid_index handle_index;
    /* Per thread, the handle index + 1 last added as a member: most messages of a thread
     * repeat its previous sender, and this spares the set lookup. Optional (may be NULL). */
    size_t *last_member;
    /* The chats of the message being read, each once: message_chats holds up to thread_count
     * thread indexes; chat_joined_at[t] is the serial (result->message_rows) of the last
     * message joined to thread t, so a repeated join row is recognised in O(1). */
    size_t *message_chats;
    uint64_t *chat_joined_at;
    size_t handle_capacity;
    size_t thread_capacity;
    /* The timeline's raw evidence (model.h bs_scan_result.member_added, first_received):
     * (thread index << 32 | handle index) -> the row of first_received for that pair. */
    struct bs_pair_map first_received_rows;
    size_t first_received_capacity;
    size_t member_added_capacity;
    size_t thread_month_rows; /* month rows of every thread's timeline, BS_MAX_THREAD_MONTHS */
};

/* Prepares one of our embedded queries against table, its "$column"s resolved by
 * bs_sqlite_query_prepare_columns; the message names the table. */
enum bs_status bs_sms_prepare(struct bs_sms_pass *pass, const char *template, const char *table,
                              struct bs_sqlite_query **out, struct bs_error *err);

/* Loads handle and chat rows into pass->result (each sorted by ROWID, indexed), then the
 * memberships of chat_handle_join. A missing table is a note, not an error. */
enum bs_status bs_sms_read_tables(struct bs_sms_pass *pass, struct bs_error *err);

/* Index of the thread / handle with that ROWID, or SIZE_MAX. */
size_t bs_sms_find_thread(const struct bs_sms_pass *pass, int64_t chat_id);
size_t bs_sms_find_handle(const struct bs_sms_pass *pass, int64_t rowid);

/* Records handle_id (a ROWID; 0, the owner, and dangling ones are skipped) as a member of the
 * thread at thread_index. BS_ERR_LIMIT, BS_ERR_NOMEM. */
enum bs_status bs_sms_add_member(struct bs_sms_pass *pass, size_t thread_index, int64_t handle_id,
                                 struct bs_error *err);

/* Frees what the pass owns (not the result). */
void bs_sms_pass_free(struct bs_sms_pass *pass);

#endif
