/*
 * Messaging apps' databases at rest in a backup (SPEC 3.6, app-data-at-rest), found through the
 * manifest: the rows in the apps' domains (one bound query on Manifest.db, or the records of
 * Manifest.mbdb kept from its one parse) that are database files by the rule of
 * app_findings.h, and for each only its first 16 bytes, read through the layout's path checks
 * (a plain file), or its first AES block decrypted in memory with its own key (an encrypted
 * backup). Whether those bytes are SQLite's magic is all that is learnt: an app's message
 * content is never read.
 */
#ifndef BS_CORE_BACKUP_APPS_H
#define BS_CORE_BACKUP_APPS_H

#include <stddef.h>
#include <stdint.h>

#include "core/backup/backup_layout.h"
#include "core/backup/backup_mbdb.h"
#include "core/base/status.h"
#include "core/model/findings.h"

/* Counts the messaging apps' database files of the backup open in layout into facts->apps
 * (sets is_surveyed). A candidate that cannot be used is skipped with a warning in facts and
 * never opened: a fileID that is not 40 lower-hex characters, a symbolic link, a file that is
 * not regular or resolves outside the folder, one listed but missing, one whose key is
 * unusable. BS_ERR_FORMAT (Manifest.db query failed), BS_ERR_NOMEM, BS_ERR_INTERRUPTED. */
enum bs_status bs_backup_apps_survey(struct bs_backup_layout *layout, struct bs_backup_facts *facts,
                                     struct bs_error *err);

/* Manifest.mbdb loading (backup_manifest.c): keeps record when it is a regular file in a
 * messaging app's domain with a database name; file_id is its computed fileID. BS_ERR_NOMEM. */
enum bs_status bs_backup_apps_note_mbdb_record(struct bs_backup_layout *layout,
                                               const struct bs_backup_mbdb_record *record,
                                               const char *file_id, struct bs_error *err);

/* Frees the mbdb candidates layout keeps (bs_backup_layout_close). */
void bs_backup_apps_free_candidates(struct bs_backup_layout *layout);

/* Decodes the Size of a Manifest.db Files.file blob (an MBFile keyed archive, at most
 * BS_MAX_MBFILE_BYTES) into *size_bytes: the plaintext size the manifest records. BS_ERR_NOT_FOUND
 * when the record has no integer Size; BS_ERR_FORMAT, BS_ERR_LIMIT, BS_ERR_NOMEM. */
enum bs_status bs_backup_apps_mbfile_size(const void *blob, size_t size, uint64_t *size_bytes,
                                          struct bs_error *err);

#endif
