/*
 * The SQLite adapter: with its descriptor VFS (sqlite_vfs.c), the only files that include
 * sqlite3.h. Opens evidence strictly read-only and defensively (no triggers, no views,
 * untrusted schema, no memory mapping, temporary storage in memory) and hands rows out as
 * plain values. All SQL it runs comes from schema/queries (queries.h).
 *
 * Evidence is read through a descriptor opened once (evidence_file.h). A database with a WAL
 * is copied, with its WAL, into a private folder (mode 0700) and opened there, so the WAL's
 * rows count and nothing appears next to the evidence; without a WAL SQLite reads the
 * descriptor itself, immutable. A database can also be opened from memory (decrypted
 * backups, fuzzing), read-only.
 */
#ifndef BS_CORE_SQLITE_DB_H
#define BS_CORE_SQLITE_DB_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/status.h"
#include "core/base/text.h"

struct bs_sqlite_db;    /* opaque: one connection */
struct bs_sqlite_query; /* opaque: one prepared statement */

struct bs_sqlite_open_options {
    /* Folder under which a private copy is made when a WAL must be applied ("/tmp" when
     * NULL). */
    const char *temp_root;
    /* Told every path of a private copy: the folder as soon as it exists, then each file
     * before it can appear in it (the copy, its WAL and what SQLite may add), with is_removed
     * false; and each again with is_removed true once bs_sqlite_db_close removed it. The
     * caller can so remove exactly these on a signal (files before the folder); may be NULL. */
    void (*on_private_path)(const char *path, bool is_removed, void *context);
    void *context;
    /* When non-NULL and set non-zero (by a signal handler), long queries stop with
     * BS_ERR_INTERRUPTED. */
    const volatile sig_atomic_t *interrupt_flag;
};

/* Opens the database file at path read-only (see the file comment), through a descriptor
 * (bs_sqlite_db_open_fd): path is looked up once. Its WAL is wal_path when given, else
 * "<path>-wal" when that exists and is not empty; wal_path "" means none. Caller owns *out; close
 * with bs_sqlite_db_close, which also removes any private copy. BS_ERR_NOT_FOUND, BS_ERR_IO,
 * BS_ERR_FORMAT (not a SQLite database). */
enum bs_status bs_sqlite_db_open_file(const char *path, const char *wal_path,
                                      const struct bs_sqlite_open_options *options,
                                      struct bs_sqlite_db **out, struct bs_error *err);

/* As bs_sqlite_db_open_file, for a database the caller opened (and checked) itself: fd is
 * read-only, borrowed, and may be closed once this returns. Everything is read through it: the
 * header, the private copy when wal_fd (borrowed; -1 or an empty file: none) holds a WAL, and
 * otherwise SQLite itself, which reopens the descriptor's own file (/proc/self/fd/N or
 * /dev/fd/N, never resolved back into a path) immutable: no check-then-open race, and
 * nothing is created or locked beside the evidence. BS_ERR_FORMAT (not a regular file, not a
 * SQLite database), BS_ERR_IO. */
enum bs_status bs_sqlite_db_open_fd(int fd, int wal_fd,
                                    const struct bs_sqlite_open_options *options,
                                    struct bs_sqlite_db **out, struct bs_error *err);

/* Opens a database image held in memory, read-only. Takes ownership of bytes (malloc'd),
 * also on failure; the image is wiped and freed on close (it may be decrypted evidence). A WAL-mode
 * header (bytes 18-19 = 2) is switched to rollback mode, since a memory image has no WAL file. */
enum bs_status bs_sqlite_db_open_memory(void *bytes, size_t size,
                                        const struct bs_sqlite_open_options *options,
                                        struct bs_sqlite_db **out, struct bs_error *err);

/* The cipher block: AES, whose CBC mode decrypts block i with ciphertext block i-1 as its IV
 * (16 zero bytes for block 0). */
#define BS_SQLITE_CIPHER_BLOCK_BYTES 16

/* Decrypts block_count whole blocks of ciphertext `in` into `out` (never overlapping), `iv`
 * being the ciphertext block before `in` (zeros for the file's first block). False on failure.
 * Must not call back into SQLite. */
typedef bool (*bs_sqlite_decrypt_fn)(void *context, const uint8_t iv[BS_SQLITE_CIPHER_BLOCK_BYTES],
                                     const uint8_t *in, uint8_t *out, size_t block_count);

/* An encrypted database file as the cipher VFS reads it: the ciphertext is the file open at fd
 * (borrowed: the VFS reads a dup), a non-zero whole number of blocks, and the plaintext is its
 * first plaintext_size bytes once decrypted (the caller has removed the padding: at most one
 * block less than the ciphertext). context (owned, holds the key) is handed to release exactly
 * once: when the connection closes, or by whoever failed to open it (bs_sqlite_db_open_cipher
 * always does). Decrypted bytes exist only in the caller's buffers and in a scratch buffer
 * that is wiped after each read. */
struct bs_wal_map; /* wal_apply.h */
struct bs_sqlite_cipher {
    bs_sqlite_decrypt_fn decrypt;
    void (*release)(void *context);
    void *context;
    int fd;
    uint64_t plaintext_size;
    /* Optional (NULL: none): the database's WAL, decrypted in memory, and its map
     * (bs_wal_map_build), both owned by context: the file then reads as that commit makes it,
     * a page the map holds from wal, its size the committed one. */
    const struct bs_wal_map *wal_map;
    const uint8_t *wal;
};

/* Opens an encrypted database read-only through the cipher VFS (sqlite_vfs.h): pages are
 * decrypted as SQLite reads them, so memory stays flat (its page cache is bounded by
 * schema/queries/connection_cipher_settings.sql) and nothing is written anywhere. Takes
 * ownership of cipher->context, also on failure (cipher->release is called exactly once:
 * here on failure, else on close); cipher->fd is borrowed and may be closed once this returns.
 * BS_ERR_FORMAT (not a SQLite database, or a corrupt one), BS_ERR_IO, BS_ERR_NOMEM. */
enum bs_status bs_sqlite_db_open_cipher(const struct bs_sqlite_cipher *cipher,
                                        const struct bs_sqlite_open_options *options,
                                        struct bs_sqlite_db **out, struct bs_error *err);

void bs_sqlite_db_close(struct bs_sqlite_db *db);

/* True when a table (not a view) of that name exists. */
bool bs_sqlite_db_has_table(struct bs_sqlite_db *db, const char *table);

/* True when table has a column of that name (ASCII case-insensitive, as SQLite compares).
 * Column lists are read once per table with PRAGMA table_info and cached. */
bool bs_sqlite_db_has_column(struct bs_sqlite_db *db, const char *table, const char *column);

/* Prepares sql (one statement of schema/queries, queries.h; never built from data). Caller
 * owns *out; free with bs_sqlite_query_free. BS_ERR_FORMAT when SQLite rejects it (say, a
 * table that is not what it claims to be). */
enum bs_status bs_sqlite_query_prepare(struct bs_sqlite_db *db, const char *sql,
                                       struct bs_sqlite_query **out, struct bs_error *err);

/* As bs_sqlite_query_prepare for a query of schema/queries whose "$name"s stand for columns of
 * table that older schemas may lack: each becomes the quoted column when table has it (PRAGMA
 * table_info), NULL when it does not. The only SQL the scanner assembles, and only from those
 * identifiers. BS_ERR_NOMEM also for a malformed "$name" (a bug in our own query). */
enum bs_status bs_sqlite_query_prepare_columns(struct bs_sqlite_db *db, const char *template,
                                               const char *table, struct bs_sqlite_query **out,
                                               struct bs_error *err);

/* Binds text to parameter index (1-based, "?1") of a prepared query before its first step
 * (copied by SQLite; length bytes, no NUL needed). BS_ERR_INTERNAL when the index does not
 * exist or the query already ran (a bug), BS_ERR_NOMEM. */
enum bs_status bs_sqlite_query_bind_text(struct bs_sqlite_query *query, int index, const char *text,
                                         size_t length, struct bs_error *err);

/* Binds an integer to parameter index, as bs_sqlite_query_bind_text. */
enum bs_status bs_sqlite_query_bind_int(struct bs_sqlite_query *query, int index, int64_t value,
                                        struct bs_error *err);

/* Makes a query ready to run again from its first row, keeping its bindings (to be rebound). */
void bs_sqlite_query_rewind(struct bs_sqlite_query *query);

/* Steps to the next row: *has_row false at the end. BS_ERR_FORMAT on a corrupt database,
 * BS_ERR_INTERRUPTED when the interrupt flag was raised. */
enum bs_status bs_sqlite_query_step(struct bs_sqlite_query *query, bool *has_row,
                                    struct bs_error *err);

/* Column values of the current row. An integer column read as integer; a NULL, text or
 * blob value where an integer belongs gives is_present false (and 0); a real is truncated. */
int64_t bs_sqlite_query_int(struct bs_sqlite_query *query, int column, bool *is_present);
/* A column value as a key that SQL's = would match to an integer: an integer, or a real that
 * is a whole number in range (1001.0, not 1001.5). *is_present false (and 0) otherwise. */
int64_t bs_sqlite_query_key(struct bs_sqlite_query *query, int column, bool *is_present);
/* Text or blob bytes, borrowed until the next step or free; NULL for NULL and numbers. */
const char *bs_sqlite_query_text(struct bs_sqlite_query *query, int column, size_t *length);

void bs_sqlite_query_free(struct bs_sqlite_query *query);

#endif
