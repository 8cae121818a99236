/*
 * Reading the manifests of backup_manifest.h: Manifest.db (opened read-only through
 * sqlite_db, decrypted in memory in an encrypted backup; every lookup a bound query) and
 * Manifest.mbdb (read whole through a descriptor, parsed by backup_mbdb.c into the listing).
 */
#include "core/backup/backup_manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "core/backup/backup_apps.h"
#include "core/base/limits.h"
#include "core/base/text.h"
#include "core/store/evidence_file.h"
#include "core/store/queries.h"

/* The fileID and flags columns of a Files row (manifest_find_file.sql, manifest_files.sql). */
struct files_row {
    const char *file_id; /* borrowed until the next step; NULL when not text */
    size_t file_id_length;
    int64_t flags;
    bool is_file; /* flags 1, or no flags at all; 2 is a folder, 4 a link */
};

static struct files_row read_files_row(struct bs_sqlite_query *query)
{
    struct files_row row = {NULL, 0, 0, false};
    bool has_flags = false;
    row.file_id = bs_sqlite_query_text(query, 0, &row.file_id_length);
    row.flags = bs_sqlite_query_int(query, 1, &has_flags);
    row.is_file = !has_flags || row.flags == 1;
    return row;
}

/* The key of the row being read (its `file` column, an MBFile); a record that gives none, or
 * that cannot be decoded, leaves key->has_key false with the reason in problem. */
static enum bs_status read_row_key(struct bs_sqlite_query *query, struct bs_backup_file_key *key,
                                   char *problem, size_t problem_size)
{
    size_t length = 0;
    const char *blob = bs_sqlite_query_text(query, 2, &length);
    struct bs_error local = {BS_OK, ""};
    memset(key, 0, sizeof(*key));
    if (blob == NULL) {
        (void)snprintf(problem, problem_size, "its Manifest.db record has no MBFile");
        return BS_OK;
    }
    enum bs_status status = bs_backup_decrypt_mbfile_key(blob, length, key, &local);
    if (status == BS_ERR_NOMEM) {
        return status;
    }
    if (status != BS_OK) {
        (void)snprintf(problem, problem_size, "%s", local.message);
    } else if (!key->has_key) {
        (void)snprintf(problem, problem_size,
                       "its Manifest.db record (MBFile) has no EncryptionKey");
    }
    return BS_OK;
}

enum bs_status bs_backup_manifest_db_find(struct bs_backup_layout *layout, const char *domain,
                                          const char *relative_path, char file_id[],
                                          bool *is_listed, struct bs_backup_file_key *key,
                                          char *key_problem, size_t key_problem_size,
                                          struct bs_error *err)
{
    struct bs_sqlite_query *query = NULL;
    char *invalid = NULL;
    int64_t bad_flags = 0;
    bool has_bad_flags = false;
    /* An encrypted backup's rows also hold each file's key (`file`, checked at open). */
    enum bs_status status = bs_sqlite_query_prepare(
        layout->manifest,
        layout->keys != NULL ? bs_sql_manifest_find_encrypted_file : bs_sql_manifest_find_file,
        &query, err);
    if (status == BS_OK) {
        status = bs_sqlite_query_bind_text(query, 1, domain, strlen(domain), err);
    }
    if (status == BS_OK) {
        status = bs_sqlite_query_bind_text(query, 2, relative_path, strlen(relative_path), err);
    }
    *is_listed = false;
    while (status == BS_OK && !*is_listed) {
        bool has_row = false;
        status = bs_sqlite_query_step(query, &has_row, err);
        if (status != BS_OK || !has_row) {
            break;
        }
        struct files_row row = read_files_row(query);
        const char *id = row.file_id;
        size_t length = row.file_id_length;
        if (!bs_backup_file_id_is_valid(id, length)) {
            if (invalid == NULL) {
                invalid = bs_strndup_bounded(id != NULL ? id : "", length);
            }
            continue;
        }
        if (!row.is_file) {
            has_bad_flags = true;
            bad_flags = row.flags;
            continue;
        }
        memcpy(file_id, id, length);
        file_id[length] = '\0';
        *is_listed = true;
        if (layout->keys != NULL) {
            status = read_row_key(query, key, key_problem, key_problem_size);
            if (status != BS_OK) {
                status = bs_error_set(err, status, "out of memory reading Manifest.db");
            }
        }
    }
    if (status == BS_OK && !*is_listed && invalid != NULL) {
        status = bs_error_set(err, BS_ERR_UNSAFE,
                              "Manifest.db lists it under the fileID '%.*s', which is not 40 "
                              "lower-case hex characters; it is never used as a path",
                              SHOWN_ID_BYTES, invalid);
    } else if (status == BS_OK && !*is_listed && has_bad_flags) {
        status = bs_error_set(err, BS_ERR_UNSAFE,
                              "Manifest.db lists it as a folder or link (flags %lld), not a "
                              "file",
                              (long long)bad_flags);
    }
    free(invalid);
    bs_sqlite_query_free(query);
    return status;
}

enum bs_status bs_backup_manifest_db_load_listing(struct bs_backup_layout *layout,
                                                  struct bs_error *err)
{
    struct bs_sqlite_query *query = NULL;
    enum bs_status status =
        bs_sqlite_query_prepare(layout->manifest, bs_sql_manifest_files, &query, err);
    while (status == BS_OK && !layout->has_too_many) {
        bool has_row = false;
        status = bs_sqlite_query_step(query, &has_row, err);
        if (status != BS_OK || !has_row) {
            break;
        }
        struct files_row row = read_files_row(query);
        if (!bs_backup_file_id_is_valid(row.file_id, row.file_id_length)) {
            layout->invalid_file_ids++;
            continue;
        }
        uint8_t digest[BS_BACKUP_FILE_ID_DIGEST_BYTES];
        bs_backup_layout_id_digest(row.file_id, digest);
        status = bs_backup_layout_add_listed(layout, digest, row.is_file, err);
    }
    bs_sqlite_query_free(query);
    return status;
}

struct mbdb_load {
    struct bs_backup_layout *layout;
    bool has_encrypted_file;
};

static enum bs_status on_mbdb_record(const struct bs_backup_mbdb_record *record, void *context,
                                     struct bs_error *err)
{
    struct mbdb_load *load = context;
    char id[BS_BACKUP_FILE_ID_HEX_BYTES];
    uint8_t digest[BS_BACKUP_FILE_ID_DIGEST_BYTES];
    enum bs_status status = bs_backup_crypto_file_id(
        record->domain != NULL ? record->domain : "", record->domain_length,
        record->path != NULL ? record->path : "", record->path_length, id, err);
    if (status != BS_OK) {
        return status;
    }
    bs_backup_layout_id_digest(id, digest);
    status = bs_backup_apps_note_mbdb_record(load->layout, record, id, err);
    if (status != BS_OK) {
        return status;
    }
    load->has_encrypted_file = load->has_encrypted_file || record->has_encryption_key;
    return bs_backup_layout_add_listed(load->layout, digest, (record->mode & 0xF000u) == 0x8000u,
                                       err);
}

enum bs_status bs_backup_manifest_mbdb_load(struct bs_backup_layout *layout, const char *path,
                                            struct bs_error *err)
{
    uint8_t *bytes = NULL;
    size_t size = 0;
    enum bs_status status =
        bs_backup_read_regular_file(path, MANIFEST_MBDB, BS_MAX_MBDB_BYTES, &bytes, &size, err);
    if (status != BS_OK) {
        return status;
    }
    struct mbdb_load load = {layout, false};
    struct bs_backup_mbdb_visitor visitor = {on_mbdb_record, &load};
    status = bs_backup_mbdb_parse(bytes, size, &visitor, err);
    free(bytes);
    if (status == BS_OK && layout->has_too_many) {
        status = bs_error_set(err, BS_ERR_LIMIT, "more than %d records", BS_MAX_BACKUP_FILES);
    }
    if (status == BS_OK && load.has_encrypted_file) {
        status = bs_error_set(err, BS_ERR_UNSUPPORTED,
                              MANIFEST_MBDB " lists encrypted files: an encrypted iOS 4-9 "
                                            "backup, which this version cannot open");
    }
    if (status == BS_OK) {
        bs_backup_layout_sort_listed(layout);
    } else if (status != BS_ERR_UNSUPPORTED) {
        bs_error_prefix(err, "%s", MANIFEST_MBDB);
    }
    return status;
}

/* Manifest.db of an encrypted backup (iOS 10.2 and later): read whole, decrypted in its own
 * buffer with the ManifestKey, opened from memory. A Manifest.db-wal is not applied: the
 * device writes none into a backup, and nothing says how one would be keyed. */
static enum bs_status open_encrypted_manifest_db(struct bs_backup_layout *layout, const char *path,
                                                 const struct bs_sqlite_open_options *open,
                                                 const struct bs_backup_encryption *encryption,
                                                 struct bs_error *err)
{
    uint8_t *bytes = NULL;
    size_t size = 0;
    size_t plain = 0;
    enum bs_status status = bs_backup_read_regular_file(
        path, MANIFEST_DB, BS_MAX_DECRYPTED_FILE_BYTES, &bytes, &size, err);
    if (status != BS_OK) {
        return status;
    }
    if (bs_evidence_is_sqlite(bytes, size)) {
        free(bytes);
        return bs_error_set(err, BS_ERR_FORMAT,
                            MANIFEST_DB " is plain SQLite although Manifest.plist gives it a "
                                        "ManifestKey: was the backup decrypted by another tool? "
                                        "Scan the original backup");
    }
    status = bs_backup_decrypt_manifest_db(layout->keys, encryption, bytes, size, &plain, err);
    if (status != BS_OK) {
        bs_backup_wipe_free(bytes, size);
        return status;
    }
    status = bs_sqlite_db_open_memory(bytes, plain, open, &layout->manifest, err);
    if (status != BS_OK) {
        bs_error_prefix(err, "decrypted " MANIFEST_DB);
    }
    return status;
}

enum bs_status bs_backup_manifest_db_open(struct bs_backup_layout *layout, const char *path,
                                          const struct bs_sqlite_open_options *open,
                                          const struct bs_backup_encryption *encryption,
                                          struct bs_error *err)
{
    /* A WAL beside Manifest.db is applied by sqlite_db; it must be a plain file too. */
    char *wal = bs_backup_layout_join(layout->root, MANIFEST_DB "-wal", NULL);
    if (wal == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    struct stat info;
    bool is_unsafe_wal = lstat(wal, &info) == 0 && !S_ISREG(info.st_mode);
    free(wal);
    if (is_unsafe_wal) {
        return bs_error_set(err, BS_ERR_UNSAFE,
                            MANIFEST_DB "-wal is a symbolic link or not a regular file");
    }
    enum bs_status status = BS_OK;
    if (encryption != NULL && encryption->has_manifest_key) {
        status = open_encrypted_manifest_db(layout, path, open, encryption, err);
        if (status != BS_OK) {
            return status; /* its messages name Manifest.db */
        }
    } else {
        status = bs_sqlite_db_open_file(path, NULL, open, &layout->manifest, err);
    }
    if (status == BS_ERR_FORMAT) {
        bs_error_prefix(err, layout->keys != NULL
                                 ? MANIFEST_DB " (plain SQLite when Manifest.plist has no "
                                               "ManifestKey; this one is damaged)"
                                 : MANIFEST_DB " (an encrypted backup whose Manifest.plist is "
                                               "missing, or a damaged one)");
        return status;
    }
    if (status == BS_OK) {
        status = bs_backup_manifest_db_check(layout, err);
    }
    if (status != BS_OK) {
        bs_error_prefix(err, MANIFEST_DB);
    }
    return status;
}

enum bs_status bs_backup_manifest_db_check(struct bs_backup_layout *layout, struct bs_error *err)
{
    enum bs_status status = BS_OK;
    if (!bs_sqlite_db_has_table(layout->manifest, "Files") ||
        !bs_sqlite_db_has_column(layout->manifest, "Files", "fileID") ||
        !bs_sqlite_db_has_column(layout->manifest, "Files", "domain") ||
        !bs_sqlite_db_has_column(layout->manifest, "Files", "relativePath") ||
        !bs_sqlite_db_has_column(layout->manifest, "Files", "flags")) {
        status = bs_error_set(err, BS_ERR_FORMAT,
                              "it has no Files table with fileID, domain, relativePath and "
                              "flags columns");
    }
    if (status == BS_OK && layout->keys != NULL &&
        !bs_sqlite_db_has_column(layout->manifest, "Files", "file")) {
        status = bs_error_set(err, BS_ERR_FORMAT,
                              "its Files table has no file column, which holds each file's key "
                              "in an encrypted backup");
    }
    return status;
}
