/*
 * Where the files of an iPhone backup folder are (SPEC 2). Two layouts:
 *   iOS 10 and later: Manifest.db (SQLite) lists every file; a file lives at
 *     <root>/<first two characters of its fileID>/<fileID>;
 *   iOS 4-9: Manifest.mbdb (a binary record list) names domain and path only; a file lives flat
 *     at <root>/<fileID>, fileID = lower-hex SHA-1 of "domain-relativePath".
 *
 * Everything the backup says about a path is untrusted. A fileID is used only when it is
 * exactly 40 lower-hex characters, and a file is handed out only when it is a regular file
 * (never a symbolic link) whose real path is inside the backup folder. Manifest.db is evidence
 * too: it is opened read-only through sqlite_db, like any database.
 *
 * A located file (struct bs_backup_file) is either a path on disk or bytes in memory: an
 * encrypted backup's files are decrypted in memory and never written to disk. Callers read or
 * open located files only through bs_backup_file_read and bs_backup_file_open_db, so they work
 * with either. In an encrypted backup (bs_backup_layout_open_encrypted) Manifest.db is decrypted
 * into memory and opened from there, and each located file carries the key its Manifest.db
 * record gives: it is decrypted in memory when read or opened, never written anywhere.
 */
#ifndef BS_CORE_BACKUP_LAYOUT_H
#define BS_CORE_BACKUP_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/backup/backup_crypto.h"
#include "core/backup/backup_decrypt.h"
#include "core/base/status.h"
#include "core/store/sqlite_db.h"

struct bs_backup_layout; /* opaque: an open backup folder */

enum bs_backup_layout_kind {
    BS_BACKUP_LAYOUT_MANIFEST_DB = 0, /* iOS 10 and later */
    BS_BACKUP_LAYOUT_MBDB             /* iOS 4-9 */
};

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
    uint8_t *bytes; /* PRESENT in memory (decrypted): owned, size bytes */
    size_t size;
    /* Encrypted on disk (path): the backup's class keys (borrowed from the caller of
     * bs_backup_layout_open_encrypted, which keeps them until the file is cleared) and the
     * file's own wrapped key. NULL for a plain file. */
    const struct bs_backup_keys *keys;
    struct bs_backup_file_key key; /* key.has_key false: not listed, or no usable key */
    char *key_problem;             /* why key.has_key is false (owned), or NULL */
};

/* What a walk of the folder found, compared with the manifest. */
struct bs_backup_inventory {
    bool is_checked;           /* false when the backup lists more than BS_MAX_BACKUP_FILES */
    uint64_t listed_files;     /* regular files the manifest lists */
    uint64_t missing_files;    /* listed, not in the folder */
    uint64_t unlisted_files;   /* in the file folders, not listed */
    uint64_t invalid_file_ids; /* manifest rows whose fileID is not 40 lower-hex characters */
    uint64_t unsafe_entries;   /* symbolic links or special files where files belong */
};

/* Opens the backup folder root: Manifest.db when present (opened read-only with open's
 * settings; a Manifest.db-wal beside it is applied on a private copy), else Manifest.mbdb (read
 * whole, at most BS_MAX_MBDB_BYTES). Caller owns *out; release with bs_backup_layout_close.
 * BS_ERR_UNSUPPORTED when the folder has neither (not a backup) or the mbdb lists encrypted
 * files; BS_ERR_UNSAFE when a manifest is a symbolic link or not a regular file; BS_ERR_FORMAT
 * for a manifest that is not what it claims (Manifest.db not SQLite or without a Files table,
 * a malformed mbdb); BS_ERR_LIMIT, BS_ERR_IO, BS_ERR_NOMEM. The message names the manifest. */
enum bs_status bs_backup_layout_open(const char *root, const struct bs_sqlite_open_options *open,
                                     struct bs_backup_layout **out, struct bs_error *err);

/* As bs_backup_layout_open, for an encrypted backup (Manifest.plist IsEncrypted true). With a
 * ManifestKey, Manifest.db is read whole (at most BS_MAX_DECRYPTED_FILE_BYTES), decrypted and
 * opened from memory; without one (iOS 10.0-10.1) it is plain SQLite and opened as above.
 * Files located through the layout carry keys (borrowed: the caller keeps them alive until
 * every located file is cleared) and their key from Manifest.db's `file` column, which must
 * exist. BS_ERR_UNSUPPORTED for an iOS 4-9 backup (Manifest.mbdb), whose encryption this
 * version does not open; BS_ERR_FORMAT when Manifest.db does not decrypt to SQLite; the other
 * statuses of bs_backup_layout_open. */
enum bs_status bs_backup_layout_open_encrypted(const char *root,
                                               const struct bs_sqlite_open_options *open,
                                               const struct bs_backup_keys *keys,
                                               const struct bs_backup_encryption *encryption,
                                               struct bs_backup_layout **out, struct bs_error *err);

/* As bs_backup_layout_open (keys NULL) or bs_backup_layout_open_encrypted (keys given), with
 * Manifest.db handed over as a database image in memory instead of read from root: the
 * manifest a fuzzer or a test builds. Takes ownership of image (malloc'd), also on failure.
 * Files are still located in, and the inventory still walks, the folder root. Statuses as
 * bs_backup_layout_open for a Manifest.db. */
enum bs_status bs_backup_layout_open_manifest_image(const char *root, void *image, size_t size,
                                                    const struct bs_sqlite_open_options *open,
                                                    const struct bs_backup_keys *keys,
                                                    struct bs_backup_layout **out,
                                                    struct bs_error *err);

/* Closes the manifest and frees the layout. NULL-safe. */
void bs_backup_layout_close(struct bs_backup_layout *layout);

enum bs_backup_layout_kind bs_backup_layout_get_kind(const struct bs_backup_layout *layout);

/* "Manifest.db" or "Manifest.mbdb". Static string. */
const char *bs_backup_layout_manifest_name(const struct bs_backup_layout *layout);

/* Locates the file domain/relative_path (HomeDomain, "Library/SMS/sms.db"). The manifest is
 * asked first (bound parameters, never SQL built from text); when it does not list the file,
 * the fileID computed from the path is tried in the folder (so sms.db is found at its fixed
 * fileID 3d0d7e5f... even without a Manifest.db row). *out is filled on every return (clear
 * it with bs_backup_file_clear); its state says ABSENT, MISSING or PRESENT on BS_OK.
 * BS_ERR_UNSAFE when the file must not be opened: the manifest's fileID is not 40 lower-hex
 * characters, the manifest lists it as a directory or link, or the file is a symbolic link,
 * not a regular file, or resolves outside the folder; the message says which. BS_ERR_FORMAT
 * (Manifest.db query failed), BS_ERR_IO, BS_ERR_NOMEM. */
enum bs_status bs_backup_layout_find(struct bs_backup_layout *layout, const char *domain,
                                     const char *relative_path, struct bs_backup_file *out,
                                     struct bs_error *err);

/* Walks the file folders once and compares them with the manifest into *out. Nothing is
 * opened but folders. BS_ERR_FORMAT (Manifest.db query failed), BS_ERR_IO (the root cannot
 * be listed), BS_ERR_NOMEM, BS_ERR_INTERRUPTED. */
enum bs_status bs_backup_layout_inventory(struct bs_backup_layout *layout,
                                          struct bs_backup_inventory *out, struct bs_error *err);

/* True when text[0..length) is exactly 40 characters of [0-9a-f]. */
bool bs_backup_file_id_is_valid(const char *text, size_t length);

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
 * is opened by bs_sqlite_db_open_file (a WAL on a private copy). A file in memory or encrypted
 * is decrypted into memory, its WAL (decrypted too) applied there with bs_wal_apply, and the
 * image handed to bs_sqlite_db_open_memory: nothing touches disk. Caller owns *out.
 * BS_ERR_NOT_FOUND when file is not PRESENT, BS_ERR_UNSUPPORTED for a WAL in memory beside a
 * plain file on disk, the statuses of bs_backup_file_read, bs_wal_apply and
 * bs_sqlite_db_open_file. */
enum bs_status bs_backup_file_open_db(struct bs_backup_file *file, const struct bs_backup_file *wal,
                                      const struct bs_sqlite_open_options *options,
                                      struct bs_sqlite_db **out, struct bs_error *err);

/* Frees what file owns and zeroes it. NULL-safe. */
void bs_backup_file_clear(struct bs_backup_file *file);

/* One record of a Manifest.mbdb. Strings are borrowed from the parsed bytes, not
 * NUL-terminated, and NULL (length 0) when the record marks them absent (length 0xFFFF). */
struct bs_backup_mbdb_record {
    const char *domain;
    size_t domain_length;
    const char *path;
    size_t path_length;
    const char *link_target;
    size_t link_target_length;
    uint16_t mode; /* st_mode bits: 0x8000 file, 0x4000 folder, 0xA000 link */
    uint64_t size_bytes;
    uint8_t protection_class;
    bool has_encryption_key; /* the file is encrypted: the backup is */
};

/* Called once per record; a status other than BS_OK stops the parse and is returned. */
struct bs_backup_mbdb_visitor {
    enum bs_status (*on_record)(const struct bs_backup_mbdb_record *record, void *context,
                                struct bs_error *err);
    void *context;
};

/* Parses a Manifest.mbdb image ("mbdb" 05 00, then big-endian records: domain, path, link
 * target, digest, encryption key as u16-length strings, mode, inode, uid, gid, three times,
 * size, protection class, extended attributes) through the bounds-checked byte reader, calling
 * the visitor per record. BS_ERR_FORMAT for a bad header or a truncated record (the message
 * gives its offset); BS_ERR_LIMIT above BS_MAX_BACKUP_FILES records. */
enum bs_status bs_backup_mbdb_parse(const uint8_t *bytes, size_t size,
                                    const struct bs_backup_mbdb_visitor *visitor,
                                    struct bs_error *err);

#endif
