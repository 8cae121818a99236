/*
 * The state of an open backup layout, shared by the two files that implement backup_layout.h
 * and by nothing else: backup_layout.c (opening, path checks, finding files, the folder walk)
 * and backup_manifest.c (reading Manifest.db and Manifest.mbdb). Private to backup/.
 */
#ifndef BS_CORE_BACKUP_MANIFEST_H
#define BS_CORE_BACKUP_MANIFEST_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/backup/backup_layout.h"

#define MANIFEST_DB   "Manifest.db"
#define MANIFEST_MBDB "Manifest.mbdb"

/* Longest fileID shown in a message: enough to recognise it, short enough for one line. */
#define SHOWN_ID_BYTES 48

struct bs_backup_app_candidate; /* backup_apps.c */

/* Bits of listed_file.bits. */
#define LISTED_IS_FILE 0x1u /* the manifest says regular file: it should be in the folder */
#define LISTED_SEEN    0x2u /* the walk found it */

struct listed_file {
    uint8_t digest[BS_BACKUP_FILE_ID_DIGEST_BYTES];
    uint8_t bits;
};

struct bs_backup_layout {
    enum bs_backup_layout_kind kind;
    char *root;      /* as given */
    char *root_real; /* realpath of root: every file must resolve below it */
    struct bs_sqlite_db *manifest;
    const struct bs_backup_keys *keys; /* encrypted backup: borrowed class keys, else NULL */
    const volatile sig_atomic_t *interrupt_flag;
    /* Every fileID the manifest lists, sorted by digest: loaded at open for an mbdb (finding
     * a file needs it), by the inventory for Manifest.db. */
    struct listed_file *listed;
    size_t listed_count;
    size_t listed_capacity;
    bool is_listed_loaded;
    bool has_too_many;
    uint64_t invalid_file_ids;
    /* Manifest.mbdb only: its records in the messaging apps' domains that are database files
     * (backup_apps.c), kept from the one parse at open. */
    struct bs_backup_app_candidate *app_candidates;
    size_t app_candidate_count;
    size_t app_candidate_capacity;
};

/* ---- backup_layout.c ---- */

/* The 20-byte digest of a valid fileID (40 lower-hex characters). */
void bs_backup_layout_id_digest(const char *text, uint8_t digest[BS_BACKUP_FILE_ID_DIGEST_BYTES]);

/* Adds one listed fileID; beyond BS_MAX_BACKUP_FILES the list is marked incomplete
 * (has_too_many) and BS_OK returned. BS_ERR_NOMEM. */
enum bs_status bs_backup_layout_add_listed(struct bs_backup_layout *layout,
                                           const uint8_t digest[BS_BACKUP_FILE_ID_DIGEST_BYTES],
                                           bool is_file, struct bs_error *err);

/* Sorts the listing for lookups and marks it loaded. */
void bs_backup_layout_sort_listed(struct bs_backup_layout *layout);

/* "a/b" or "a/b/c" (c may be NULL), malloc'd; NULL when out of memory. */
char *bs_backup_layout_join(const char *a, const char *b, const char *c);

/* Locates a file the manifest lists under file_id (checked: 40 lower-hex characters) with the
 * checks of SPEC 2 (no link, a regular file, inside the folder), as bs_backup_layout_find does
 * once it has the fileID; in an encrypted backup the file carries key (NULL: none) or
 * key_problem. *out filled on every return (clear it). BS_ERR_UNSAFE, BS_ERR_IO, BS_ERR_NOMEM. */
enum bs_status bs_backup_layout_locate_listed(struct bs_backup_layout *layout, const char *file_id,
                                              const struct bs_backup_file_key *key,
                                              const char *key_problem, struct bs_backup_file *out,
                                              struct bs_error *err);

/* ---- backup_manifest.c ---- */

/* Opens the Manifest.db at path into layout->manifest (decrypting it in memory when
 * encryption has a ManifestKey) and checks its Files table; the messages name Manifest.db. */
enum bs_status bs_backup_manifest_db_open(struct bs_backup_layout *layout, const char *path,
                                          const struct bs_sqlite_open_options *open,
                                          const struct bs_backup_encryption *encryption,
                                          struct bs_error *err);

/* Checks that layout->manifest has the Files columns the layout queries (and `file`, each
 * file's key, when layout has keys). BS_ERR_FORMAT saying what is missing. */
enum bs_status bs_backup_manifest_db_check(struct bs_backup_layout *layout, struct bs_error *err);

/* Reads the Manifest.mbdb at path into layout's listing (sorted). BS_ERR_UNSUPPORTED when it
 * lists encrypted files; the other messages are prefixed with Manifest.mbdb. */
enum bs_status bs_backup_manifest_mbdb_load(struct bs_backup_layout *layout, const char *path,
                                            struct bs_error *err);

/* Looks domain/relative_path up in Manifest.db: *is_listed, its fileID into file_id (41
 * bytes) and, in an encrypted backup, its key (key->has_key false with the reason in
 * key_problem). BS_ERR_UNSAFE when the only rows give an invalid fileID or flags other than a
 * file's; BS_ERR_FORMAT (query failed), BS_ERR_NOMEM. */
enum bs_status bs_backup_manifest_db_find(struct bs_backup_layout *layout, const char *domain,
                                          const char *relative_path, char file_id[],
                                          bool *is_listed, struct bs_backup_file_key *key,
                                          char *key_problem, size_t key_problem_size,
                                          struct bs_error *err);

/* Every fileID of Manifest.db's Files table into layout's listing (unsorted), counting
 * invalid ones. BS_ERR_FORMAT (query failed), BS_ERR_NOMEM. */
enum bs_status bs_backup_manifest_db_load_listing(struct bs_backup_layout *layout,
                                                  struct bs_error *err);

#endif
