/*
 * A file located in an iPhone backup (backup_layout.h finds it) and how it is read: whole into
 * memory, or opened as a database. A located file is either a path on disk (checked by the
 * layout: a regular file inside the backup folder) or bytes in memory; an encrypted one is
 * decrypted in memory when read or opened and never written anywhere.
 */
#ifndef BS_CORE_BACKUP_FILE_H
#define BS_CORE_BACKUP_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/backup/backup_crypto.h"
#include "core/backup/backup_decrypt.h"
#include "core/base/status.h"
#include "core/store/sqlite_db.h"

enum bs_backup_file_state {
    BS_BACKUP_FILE_ABSENT = 0, /* neither listed nor in the folder */
    BS_BACKUP_FILE_MISSING,    /* listed in the manifest, not in the folder */
    BS_BACKUP_FILE_PRESENT     /* ready to read or open */
};

/* One logical file of the backup, as bs_backup_layout_find located it. Zero-initialise;
 * release with bs_backup_file_clear. */
struct bs_backup_file {
    enum bs_backup_file_state state;
    bool is_listed; /* the manifest lists it (false: found by its fileID only) */
    char file_id[BS_BACKUP_FILE_ID_HEX_BYTES]; /* "" when absent */
    char *path;                                /* PRESENT on disk: its real path, owned */
    /* PRESENT on disk and located by the layout (has_identity): the identity it checked
     * (lstat). Reading and opening refuse a file at path that is not this one (replaced since
     * the check). A file made by hand from a path has none. */
    bool has_identity;
    uint64_t device;
    uint64_t inode;
    uint8_t *bytes; /* PRESENT in memory (decrypted): owned, size bytes */
    size_t size;
    /* Encrypted on disk (path): the backup's class keys (borrowed from the caller of
     * bs_backup_layout_open_encrypted, which keeps them until the file is cleared) and the
     * file's own wrapped key. NULL for a plain file. */
    const struct bs_backup_keys *keys;
    struct bs_backup_file_key key; /* key.has_key false: not listed, or no usable key */
    /* Set by bs_backup_file_open_db on an encrypted database: its length as decrypted (the
     * padding's), to compare with key.size. */
    bool has_plain_size;
    uint64_t plain_size;
    char *key_problem; /* why key.has_key is false (owned), or NULL */
};

/* Reads a PRESENT file whole into *bytes (caller owns, free(); never NULL on success) and
 * *size. The file is opened without following links and must still be a regular file; an
 * encrypted one is decrypted in memory (its padding removed). BS_ERR_LIMIT above max_bytes
 * (nothing allocated for it), BS_ERR_NOT_FOUND when file is not PRESENT, BS_ERR_FORMAT for an
 * encrypted file without a usable key or that does not decrypt, BS_ERR_UNSAFE, BS_ERR_IO,
 * BS_ERR_NOMEM. */
enum bs_status bs_backup_file_read(const struct bs_backup_file *file, size_t max_bytes,
                                   uint8_t **bytes, size_t *size, struct bs_error *err);

/* Opens a PRESENT database file read-only (sqlite_db.h), applying wal when it is PRESENT
 * (the backup stores sms.db-wal under its own fileID) and no other WAL. A plain file on disk
 * is opened here without following a link, checked through its descriptor against the
 * identity the layout checked, and handed to bs_sqlite_db_open_fd (a WAL on a private copy):
 * no check-then-open race. An encrypted file on disk is opened through the cipher VFS and
 * decrypted page by page as SQLite reads it (its WAL decrypted into memory, checked, and served
 * as a page map); a file in memory has its WAL applied with bs_wal_apply and the image handed
 * to bs_sqlite_db_open_memory: nothing touches disk. Caller owns *out.
 * BS_ERR_NOT_FOUND when file is not PRESENT, BS_ERR_UNSUPPORTED for a WAL in memory beside a
 * plain file on disk, BS_ERR_UNSAFE (a link, not a regular file, replaced since the check),
 * the statuses of bs_backup_file_read, bs_wal_apply and bs_sqlite_db_open_fd. */
enum bs_status bs_backup_file_open_db(struct bs_backup_file *file, const struct bs_backup_file *wal,
                                      const struct bs_sqlite_open_options *options,
                                      struct bs_sqlite_db **out, struct bs_error *err);

/* Bytes bs_backup_file_read_head reads: SQLite's 16-byte magic, one AES block. */
#define BS_BACKUP_FILE_HEAD_BYTES 16

/* Reads the first 16 bytes of a PRESENT file on disk, and nothing more of it, into head
 * (*head_size: fewer for a shorter file): opened without following a link and checked
 * against the identity the layout checked, like every read. An encrypted file has its first AES
 * block alone decrypted in memory with its own key (zero IV); the caller wipes head. When that
 * block is the whole file, its PKCS#7 padding is taken off (a file of 0 to 15 bytes).
 * *stored_size is the file's size in the folder (an encrypted one: the ciphertext's, but for a
 * single padded block the plaintext's). For
 * the messaging apps' databases (SPEC 3.6): whether they are plaintext SQLite, never their
 * content. BS_ERR_NOT_FOUND, BS_ERR_UNSAFE, BS_ERR_FORMAT (no usable key; a ciphertext that is
 * not whole blocks), BS_ERR_IO, BS_ERR_INTERNAL. */
enum bs_status bs_backup_file_read_head(const struct bs_backup_file *file,
                                        uint8_t head[BS_BACKUP_FILE_HEAD_BYTES], size_t *head_size,
                                        uint64_t *stored_size, struct bs_error *err);

/* Frees what file owns and zeroes it. NULL-safe. */
void bs_backup_file_clear(struct bs_backup_file *file);

/* Reads the regular file at path whole, opened without following a link and checked through
 * that descriptor (no check-then-open race): *bytes (caller owns, free(); never NULL on
 * success) and *size. shown names the file in messages. BS_ERR_UNSAFE (a link, not a regular
 * file), BS_ERR_NOT_FOUND, BS_ERR_LIMIT above max_bytes, BS_ERR_IO, BS_ERR_NOMEM. */
enum bs_status bs_backup_read_regular_file(const char *path, const char *shown, size_t max_bytes,
                                           uint8_t **bytes, size_t *size, struct bs_error *err);

/* Wipes size bytes (decrypted evidence, keys) and frees them. NULL-safe. */
void bs_backup_wipe_free(void *bytes, size_t size);

#endif
