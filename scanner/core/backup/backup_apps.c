/* Messaging apps' databases at rest (backup_apps.h): candidates from the manifest, 16 bytes each.
 */
#include "core/backup/backup_apps.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/backup/backup_crypto.h"
#include "core/backup/backup_decrypt.h"
#include "core/backup/backup_file.h"
#include "core/backup/backup_manifest.h"
#include "core/backup/backup_plist.h"
#include "core/base/limits.h"
#include "core/base/text.h"
#include "core/store/evidence_file.h"
#include "core/store/plist_read.h"
#include "core/store/queries.h"

/* One database file of an app, as the manifest lists it. */
struct bs_backup_app_candidate {
    enum bs_messaging_app app;
    char file_id[BS_BACKUP_FILE_ID_HEX_BYTES];
    char *path; /* relativePath, owned, bounded */
    uint64_t size_bytes;
    bool has_size;
};

/* The survey of one backup: where the counts and warnings go. */
struct survey {
    struct bs_backup_layout *layout;
    struct bs_backup_facts *facts;
    size_t candidates; /* database files looked at */
    size_t skipped;    /* of those, not usable */
    bool has_too_many; /* more than BS_MAX_APP_DATABASES: the rest are not read */
    /* Listed but missing from the folder, per app: one warning each (a partial copy of a
     * backup misses many), naming the first. */
    size_t missing[BS_APP_COUNT];
    char *first_missing[BS_APP_COUNT];
};

static bool is_interrupted(const struct bs_backup_layout *layout)
{
    return layout->interrupt_flag != NULL && *layout->interrupt_flag != 0;
}

/* A candidate that is not read: one warning each, up to BS_MAX_APP_WARNINGS, then a count. */
static enum bs_status skip(struct survey *survey, const struct bs_backup_app_candidate *candidate,
                           const char *why, struct bs_error *err)
{
    if (++survey->skipped > BS_MAX_APP_WARNINGS) {
        return BS_OK;
    }
    return bs_backup_facts_add_warning(survey->facts, err, "%s database %.200s is skipped: %s",
                                       bs_messaging_app_name(candidate->app), candidate->path, why);
}

enum bs_status bs_backup_apps_mbfile_size(const void *blob, size_t size, uint64_t *size_bytes,
                                          struct bs_error *err)
{
    if (size > BS_MAX_MBFILE_BYTES) {
        return bs_error_set(err, BS_ERR_LIMIT, "its Manifest.db record is %zu bytes, above %d",
                            size, BS_MAX_MBFILE_BYTES);
    }
    struct bs_plist *plist = NULL;
    const struct bs_plist_value *record = NULL;
    const struct bs_plist_value *value = NULL;
    enum bs_status status = bs_plist_parse(blob, size, &plist, err);
    const struct bs_plist_value *archive = bs_plist_root(plist);
    if (status == BS_OK) {
        status = bs_plist_keyed_archive_top(archive, "root", &record, err);
    }
    if (status == BS_OK && !bs_plist_is_type(record, BS_PLIST_DICT)) {
        status = bs_error_set(err, BS_ERR_FORMAT, "the archived root is not an MBFile");
    }
    if (status == BS_OK) {
        status = bs_plist_keyed_archive_member(archive, record, "Size", &value, err);
    }
    uint64_t found = 0;
    if (status == BS_OK && !bs_plist_get_uint(value, &found)) {
        status = bs_error_set(err, BS_ERR_NOT_FOUND, "its MBFile has no integer Size");
    }
    if (status == BS_OK) {
        *size_bytes = found;
    }
    bs_plist_free(plist);
    return status;
}

/* Reads the first 16 bytes of a located candidate and counts it. */
static enum bs_status count_candidate(struct survey *survey,
                                      const struct bs_backup_app_candidate *candidate,
                                      const struct bs_backup_file_key *key, const char *key_problem,
                                      struct bs_error *err)
{
    struct bs_backup_file file;
    struct bs_error local = {BS_OK, ""};
    enum bs_status status = bs_backup_layout_locate_listed(survey->layout, candidate->file_id, key,
                                                           key_problem, &file, &local);
    if (status == BS_OK && file.state != BS_BACKUP_FILE_PRESENT) {
        bs_backup_file_clear(&file);
        if (survey->missing[candidate->app]++ == 0) {
            survey->first_missing[candidate->app] = bs_strdup(candidate->path);
            if (survey->first_missing[candidate->app] == NULL) {
                return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
            }
        }
        return BS_OK;
    }
    uint8_t head[BS_BACKUP_FILE_HEAD_BYTES] = {0};
    size_t head_size = 0;
    uint64_t stored_size = 0;
    if (status == BS_OK) {
        status = bs_backup_file_read_head(&file, head, &head_size, &stored_size, &local);
    }
    if (status == BS_OK && head_size < BS_BACKUP_FILE_HEAD_BYTES) {
        /* Empty or shorter than SQLite's magic: neither a plaintext database nor evidence of an
         * app's encryption; skipped, as the encrypted path skips a file of no whole block. */
        status = bs_error_set(&local, BS_ERR_FORMAT, "%zu bytes, too short to tell what it holds",
                              head_size);
    }
    bs_backup_file_clear(&file);
    bool is_plaintext = status == BS_OK && bs_evidence_is_sqlite(head, head_size);
    bs_backup_crypto_cleanse(head, sizeof(head));
    if (status == BS_ERR_NOMEM) {
        return bs_error_set(err, status, "out of memory");
    }
    if (status != BS_OK) {
        return skip(survey, candidate, local.message, err);
    }
    return bs_apps_at_rest_add(
        &survey->facts->apps, candidate->app, candidate->path, strlen(candidate->path),
        candidate->has_size ? candidate->size_bytes : stored_size, is_plaintext, err);
}

/* The fileID of a row, checked; text of an invalid one is never used as a path. */
static bool take_file_id(struct bs_sqlite_query *query, struct bs_backup_app_candidate *candidate)
{
    size_t length = 0;
    const char *id = bs_sqlite_query_text(query, 0, &length);
    if (!bs_backup_file_id_is_valid(id, length)) {
        return false;
    }
    memcpy(candidate->file_id, id, length);
    candidate->file_id[length] = '\0';
    return true;
}

/* One row of manifest_app_files.sql: the name rule, then the checks, then 16 bytes. */
static enum bs_status survey_row(struct survey *survey, struct bs_sqlite_query *query,
                                 struct bs_error *err)
{
    struct bs_backup_app_candidate candidate;
    memset(&candidate, 0, sizeof(candidate));
    size_t domain_length = 0;
    size_t path_length = 0;
    bool has_flags = false;
    const char *domain = bs_sqlite_query_text(query, 1, &domain_length);
    const char *path = bs_sqlite_query_text(query, 2, &path_length);
    int64_t flags = bs_sqlite_query_int(query, 3, &has_flags);
    if (!bs_messaging_app_of_domain(domain, domain_length, &candidate.app) || !has_flags ||
        flags != 1 || !bs_app_is_database_name(path, path_length)) {
        return BS_OK; /* not a database file: folders, links, companions, other files */
    }
    if (++survey->candidates > BS_MAX_APP_DATABASES) {
        survey->has_too_many = true;
        return BS_OK;
    }
    candidate.path = bs_strndup_bounded(path, path_length);
    if (candidate.path == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    enum bs_status status = BS_OK;
    size_t blob_length = 0;
    const char *blob = bs_sqlite_query_text(query, 4, &blob_length);
    struct bs_error local = {BS_OK, ""};
    struct bs_backup_file_key key;
    memset(&key, 0, sizeof(key));
    char problem[sizeof(local.message)] = "its Manifest.db record has no MBFile";
    if (blob != NULL && survey->layout->keys != NULL) {
        /* Encrypted: one parse of the record gives the key and its Size. */
        status = bs_backup_decrypt_mbfile_key(blob, blob_length, &key, &local);
        if (status != BS_OK && status != BS_ERR_NOMEM) {
            (void)snprintf(problem, sizeof(problem), "%s", local.message);
            status = BS_OK;
        } else if (status == BS_OK && !key.has_key) {
            (void)snprintf(problem, sizeof(problem), "its MBFile has no EncryptionKey");
        }
        candidate.has_size = key.has_size;
        candidate.size_bytes = key.size;
    } else if (blob != NULL) {
        status = bs_backup_apps_mbfile_size(blob, blob_length, &candidate.size_bytes, &local);
        candidate.has_size = status == BS_OK;
        status = status == BS_ERR_NOMEM ? status : BS_OK;
    }
    if (status == BS_ERR_NOMEM) {
        status = bs_error_set(err, status, "out of memory");
    } else if (!take_file_id(query, &candidate)) {
        status = skip(survey, &candidate,
                      "Manifest.db lists it under a fileID that is not 40 lower-case hex "
                      "characters, never used as a path",
                      err);
    } else {
        status = count_candidate(survey, &candidate, &key, problem, err);
    }
    bs_backup_crypto_cleanse(&key, sizeof(key));
    free(candidate.path);
    return status;
}

static enum bs_status survey_manifest_db(struct survey *survey, struct bs_error *err)
{
    struct bs_sqlite_query *query = NULL;
    enum bs_status status = bs_sqlite_query_prepare_columns(
        survey->layout->manifest, bs_sql_manifest_app_files, "Files", &query, err);
    /* The domains are bound from the one table of app_findings.c, in its order. */
    for (size_t i = 0; i < BS_APP_DOMAIN_COUNT && status == BS_OK; i++) {
        const char *domain = bs_messaging_app_domain(i, NULL);
        status = bs_sqlite_query_bind_text(query, (int)i + 1, domain, strlen(domain), err);
    }
    size_t rows = 0;
    while (status == BS_OK) {
        bool has_row = false;
        status = bs_sqlite_query_step(query, &has_row, err);
        if (status != BS_OK || !has_row) {
            break;
        }
        if (++rows % 256 == 0 && is_interrupted(survey->layout)) {
            status = bs_error_set(err, BS_ERR_INTERRUPTED, "interrupted");
            break;
        }
        status = survey_row(survey, query, err);
    }
    bs_sqlite_query_free(query);
    return status;
}

enum bs_status bs_backup_apps_note_mbdb_record(struct bs_backup_layout *layout,
                                               const struct bs_backup_mbdb_record *record,
                                               const char *file_id, struct bs_error *err)
{
    enum bs_messaging_app app = BS_APP_COUNT;
    if ((record->mode & 0xF000u) != 0x8000u ||
        !bs_messaging_app_of_domain(record->domain, record->domain_length, &app) ||
        !bs_app_is_database_name(record->path, record->path_length)) {
        return BS_OK;
    }
    if (layout->app_candidate_count >= BS_MAX_APP_DATABASES + 1) {
        return BS_OK; /* one over the limit: enough to say so */
    }
    void *items = layout->app_candidates;
    enum bs_status status =
        bs_array_reserve(&items, &layout->app_candidate_capacity, layout->app_candidate_count + 1,
                         sizeof(struct bs_backup_app_candidate), BS_MAX_APP_DATABASES + 1);
    if (status != BS_OK) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    layout->app_candidates = items;
    struct bs_backup_app_candidate *candidate =
        &layout->app_candidates[layout->app_candidate_count];
    memset(candidate, 0, sizeof(*candidate));
    candidate->app = app;
    memcpy(candidate->file_id, file_id, BS_BACKUP_FILE_ID_HEX_BYTES);
    candidate->size_bytes = record->size_bytes;
    candidate->has_size = true;
    candidate->path =
        bs_strndup_bounded(record->path != NULL ? record->path : "", record->path_length);
    if (candidate->path == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    layout->app_candidate_count++;
    return BS_OK;
}

void bs_backup_apps_free_candidates(struct bs_backup_layout *layout)
{
    for (size_t i = 0; i < layout->app_candidate_count; i++) {
        free(layout->app_candidates[i].path);
    }
    free(layout->app_candidates);
    layout->app_candidates = NULL;
    layout->app_candidate_count = 0;
    layout->app_candidate_capacity = 0;
}

static enum bs_status survey_mbdb(struct survey *survey, struct bs_error *err)
{
    enum bs_status status = BS_OK;
    const struct bs_backup_layout *layout = survey->layout;
    for (size_t i = 0; i < layout->app_candidate_count && status == BS_OK; i++) {
        if (++survey->candidates > BS_MAX_APP_DATABASES) {
            survey->has_too_many = true;
            break;
        }
        status = count_candidate(survey, &layout->app_candidates[i], NULL, NULL, err);
    }
    return status;
}

enum bs_status bs_backup_apps_survey(struct bs_backup_layout *layout, struct bs_backup_facts *facts,
                                     struct bs_error *err)
{
    struct survey survey;
    memset(&survey, 0, sizeof(survey));
    survey.layout = layout;
    survey.facts = facts;
    enum bs_status status = layout->kind == BS_BACKUP_LAYOUT_MBDB
                                ? survey_mbdb(&survey, err)
                                : survey_manifest_db(&survey, err);
    for (size_t i = 0; i < BS_APP_COUNT; i++) {
        size_t missing = survey.missing[i];
        if (status == BS_OK && missing > 0) {
            status = bs_backup_facts_add_warning(
                facts, err,
                "%zu %s database%s listed in %s %s missing from the folder (%s%.200s): "
                "not counted",
                missing, bs_messaging_app_name((enum bs_messaging_app)i), missing == 1 ? "" : "s",
                bs_backup_layout_manifest_name(layout), missing == 1 ? "is" : "are",
                missing == 1 ? "" : "the first: ", survey.first_missing[i]);
        }
        free(survey.first_missing[i]);
    }
    if (status == BS_OK && survey.skipped > BS_MAX_APP_WARNINGS) {
        status = bs_backup_facts_add_warning(facts, err,
                                             "%zu more messaging-app databases are skipped for "
                                             "the same reasons",
                                             survey.skipped - BS_MAX_APP_WARNINGS);
    }
    if (status == BS_OK && survey.has_too_many) {
        status = bs_backup_facts_add_warning(facts, err,
                                             "%s lists more than %d messaging-app databases: "
                                             "only the first ones are counted",
                                             bs_backup_layout_manifest_name(layout),
                                             BS_MAX_APP_DATABASES);
    }
    if (status == BS_OK) {
        facts->apps.is_surveyed = true;
    }
    return status;
}
