/*
 * Every SQL statement the scanner runs: schema/queries/<name>.sql, embedded at build time by
 * cmake/EmbedFiles.cmake as bs_sql_<name>. Data, not code: reviewable and runnable with the
 * sqlite3 shell. No SQL is written in C; a "$column" in them is resolved against the actual
 * schema by the one helper that assembles text, bs_sqlite_query_prepare_columns (sqlite_db.h).
 * Values are always bound ("?1"), never written into the text.
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
extern const char bs_sql_thread_messages[];
extern const char bs_sql_thread_messages_recoverable[];
extern const char bs_sql_thread_messages_recoverable_only[];

/* The connection itself (sqlite_db.c). */
extern const char bs_sql_connection_settings[];
extern const char bs_sql_connection_cipher_settings[];
extern const char bs_sql_connection_read_schema[];
extern const char bs_sql_schema_has_table[];
extern const char bs_sql_schema_table_columns[];

/* A backup's Manifest.db (backup_manifest.c). */
extern const char bs_sql_manifest_find_file[];
extern const char bs_sql_manifest_find_encrypted_file[];
extern const char bs_sql_manifest_files[];
extern const char bs_sql_manifest_app_files[];

/* Contact books (contacts.c). */
extern const char bs_sql_contacts_ios_people[];
extern const char bs_sql_contacts_ios_values[];
extern const char bs_sql_contacts_mac_people[];
extern const char bs_sql_contacts_mac_phones[];
extern const char bs_sql_contacts_mac_emails[];

#endif
