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
 * A located file (struct bs_backup_file, backup_file.h) is either a path on disk or bytes in
 * memory: an encrypted backup's files are decrypted in memory and never written to disk.
 * Callers read or open located files only through bs_backup_file_read and
 * bs_backup_file_open_db, so they work with either. In an encrypted backup
 * (bs_backup_layout_open_encrypted) Manifest.db is decrypted into memory and opened from there, and
 * each located file carries the key its Manifest.db record gives: it is decrypted in memory when
 * read or opened, never written anywhere.
 */
#ifndef BS_CORE_BACKUP_LAYOUT_H
#define BS_CORE_BACKUP_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/backup/backup_crypto.h"
#include "core/backup/backup_decrypt.h"
#include "core/backup/backup_file.h"
#include "core/backup/backup_mbdb.h"
#include "core/base/status.h"
#include "core/store/sqlite_db.h"

struct bs_backup_layout; /* opaque: an open backup folder */

enum bs_backup_layout_kind {
    BS_BACKUP_LAYOUT_MANIFEST_DB = 0, /* iOS 10 and later */
    BS_BACKUP_LAYOUT_MBDB             /* iOS 4-9 */
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

#endif
