/*
 * The scan of an iPhone backup folder (SPEC 2, 3.6): what scan.c runs when SOURCE is a
 * folder. In order, each file closed before the next is opened (so at most one private WAL
 * copy exists at a time): the folder's plists (device facts); for an encrypted backup, its
 * keybag, the password (asked through the request) and the keys (backup_decrypt.h); the
 * manifest, through which sms.db, its stored WAL, the AddressBook and the preference plists
 * are located and the folder is checked; the preference plists; the contact names; the
 * Messages database; then the at-rest findings. An encrypted backup's files are decrypted in
 * memory only, one at a time, and opened from there.
 */
#ifndef BS_CORE_BACKUP_SCAN_H
#define BS_CORE_BACKUP_SCAN_H

#include "core/base/status.h"
#include "core/scan/scan.h"
#include "core/store/sqlite_db.h"

/* Scans the backup folder request->source_path into *report (zeroed by the caller; on failure
 * the caller clears it), opening its databases with open (request->files translated).
 * report->backup receives the device facts, findings and warnings; request->names, when given,
 * names people instead of the backup's AddressBook. BS_ERR_UNSUPPORTED (not a backup; an encrypted
 * iOS 4-9 one), BS_ERR_PASSWORD (encrypted: no password, or the wrong one), BS_ERR_UNSAFE (the
 * Messages database or its WAL is a link, a special file, outside the folder, or listed under an
 * invalid fileID), BS_ERR_NOT_FOUND (no Messages database in the backup), BS_ERR_FORMAT,
 * BS_ERR_LIMIT, BS_ERR_IO, BS_ERR_INTERRUPTED, BS_ERR_NOMEM. */
enum bs_status bs_backup_scan(const struct bs_scan_request *request,
                              const struct bs_sqlite_open_options *open,
                              struct bs_scan_report *report, struct bs_error *err);

#endif
