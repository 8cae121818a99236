/*
 * The SELECTs the scanner runs: schema/queries/<name>.sql, embedded at build time by
 * cmake/EmbedFiles.cmake as bs_sql_<name>. Data, not code: reviewable and runnable with the
 * sqlite3 shell. A "$column" in them is resolved by bs_sms_store against the actual schema.
 */
#ifndef BS_CORE_QUERIES_H
#define BS_CORE_QUERIES_H

extern const char bs_sql_handles[];
extern const char bs_sql_chats[];
extern const char bs_sql_chat_handles[];
extern const char bs_sql_messages[];
extern const char bs_sql_message_chats[];
extern const char bs_sql_message_recoverable_chats[];
extern const char bs_sql_message_attachments[];
extern const char bs_sql_message_max_rowid[];

#endif
