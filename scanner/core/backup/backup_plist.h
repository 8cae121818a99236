/*
 * What a backup's property lists say (SPEC 2, 3.3, 3.6), read through plist_read only, with
 * every node's type checked before it is used (a value of another type is ignored, never
 * guessed at):
 *   - the folder's own Manifest.plist, Info.plist and Status.plist (each optional; binary or
 *     XML; read with a size cap before parsing): device facts, whether the backup says it is
 *     encrypted, and whether it is complete;
 *   - preference plists stored in the backup: com.apple.madrid.plist (Messages in iCloud),
 *     com.apple.mobile.ldbackup.plist (iCloud Backup) and
 *     com.apple.identityservices.idstatuscache.plist (which handles the phone found registered
 *     on iMessage);
 * and, from those plus the database, the at-rest findings with their text.
 */
#ifndef BS_CORE_BACKUP_PLIST_H
#define BS_CORE_BACKUP_PLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/status.h"
#include "core/model/findings.h"
#include "core/model/model.h"
#include "core/store/plist_read.h"

struct bs_ids;

/* A yes/no fact a plist may or may not state. */
enum bs_backup_claim {
    BS_BACKUP_CLAIM_UNKNOWN = 0, /* absent, or of another type than expected */
    BS_BACKUP_CLAIM_NO,
    BS_BACKUP_CLAIM_YES
};

/* What the folder's own plists say beyond device facts. */
struct bs_backup_folder_plists {
    bool has_manifest_plist;             /* Manifest.plist was there and parsed */
    enum bs_backup_claim says_encrypted; /* Manifest.plist IsEncrypted */
};

/* What the preference plists stored in the backup say. Zero-initialise; release with
 * bs_backup_prefs_clear. */
struct bs_backup_prefs {
    bool has_madrid;                    /* com.apple.madrid.plist was read */
    enum bs_backup_claim cloudkit_sync; /* its CloudKitSyncingEnabled: Messages in iCloud */
    bool has_ldbackup;                  /* com.apple.mobile.ldbackup.plist was read */
    enum bs_backup_claim cloud_backup;  /* its CloudBackupEnabled: iCloud Backup */
    struct bs_date last_cloud_backup;   /* its LastCloudBackupDate */
    bool has_idstatus;                  /* the idstatuscache plist was read */
    size_t idstatus_lookups;            /* iMessage lookups it holds */
    char **registered_ids; /* normal forms (ids.h) found registered on iMessage: sorted,
                              unique, owned */
    size_t registered_count;
};

/* What the findings are decided from, besides the plists. */
struct bs_backup_evidence {
    struct bs_backup_folder_plists folder;
    bool is_manifest_plain; /* Manifest.db is plain SQLite, or Manifest.mbdb lists no key */
    bool is_legacy_layout;  /* Manifest.mbdb */
    uint64_t icloud_synced_messages; /* rows with ck_sync_state 1 and a ck_record_id */
};

/* Device facts of Info.plist (written by the computer): "Device Name", "Product Type",
 * "Product Version", "Build Version", "Serial Number", "Phone Number", "Last Backup Date".
 * Facts already known are kept. BS_ERR_NOMEM only. */
enum bs_status bs_backup_plist_read_info(const struct bs_plist *plist,
                                         struct bs_backup_facts *facts, struct bs_error *err);

/* Manifest.plist (written by the device): IsEncrypted into *folder, WasPasscodeSet, Date, and
 * the device facts of its Lockdown dict (DeviceName, ProductType, ProductVersion, BuildVersion,
 * SerialNumber) where Info.plist did not give them. An IsEncrypted of another type than
 * boolean adds a warning and stays unknown. BS_ERR_NOMEM only. */
enum bs_status bs_backup_plist_read_manifest(const struct bs_plist *plist,
                                             struct bs_backup_facts *facts,
                                             struct bs_backup_folder_plists *folder,
                                             struct bs_error *err);

/* Status.plist: SnapshotState "finished" sets facts->is_complete; any other state adds the
 * incomplete-backup warning (the scan carries on). Date is the backup date when no other plist
 * gave one. BS_ERR_NOMEM only. */
enum bs_status bs_backup_plist_read_status(const struct bs_plist *plist,
                                           struct bs_backup_facts *facts, struct bs_error *err);

/* Reads root/Info.plist, root/Manifest.plist and root/Status.plist, each when present: opened
 * without following links, refused above BS_MAX_PLIST_BYTES before parsing, then read as
 * above. A plist that is missing is fine; one that is unreadable, oversized or malformed adds
 * a warning and is skipped. When manifest is not NULL and Manifest.plist says IsEncrypted
 * true, *manifest receives its parsed tree (the caller's, bs_plist_free), so that its keybag
 * is read from the same bytes; else NULL. BS_ERR_NOMEM only. */
enum bs_status bs_backup_plist_read_folder(const char *root, struct bs_backup_facts *facts,
                                           struct bs_backup_folder_plists *folder,
                                           struct bs_plist **manifest, struct bs_error *err);

/* com.apple.madrid.plist: CloudKitSyncingEnabled (a boolean, or an integer 0/1). */
void bs_backup_prefs_read_madrid(const struct bs_plist *plist, struct bs_backup_prefs *prefs);

/* com.apple.mobile.ldbackup.plist: CloudBackupEnabled (boolean or integer 0/1) and
 * LastCloudBackupDate (date). */
void bs_backup_prefs_read_ldbackup(const struct bs_plist *plist, struct bs_backup_prefs *prefs);

/* com.apple.identityservices.idstatuscache.plist: a dict of service -> dict of handle URI ->
 * dict with an integer IDStatus. Under the iMessage service ("com.apple.madrid") each handle
 * ("tel:+1555...", "mailto:a@b.example"; the prefix is optional) whose IDStatus is 1 (found
 * registered) is kept in its normal form (ids.h, default_country for numbers without one);
 * other statuses (2: not registered) are no evidence either way. Nodes of any other type are
 * skipped. BS_ERR_NOMEM; BS_ERR_LIMIT above BS_MAX_REGISTRATIONS entries. */
enum bs_status bs_backup_prefs_read_idstatus(const struct bs_plist *plist, const struct bs_ids *ids,
                                             const char *default_country,
                                             struct bs_backup_prefs *prefs, struct bs_error *err);

/* Sets registered_imessage on every handle of result whose normal form the cache holds, before
 * bs_analysis_run. Returns how many handles it marked. */
size_t bs_backup_prefs_apply_registrations(const struct bs_backup_prefs *prefs,
                                           struct bs_scan_result *result);

void bs_backup_prefs_clear(struct bs_backup_prefs *prefs);

/* Decides the findings of SPEC 3.6 and writes their text into facts->findings (replacing any),
 * in code order: backup-encrypted or backup-unencrypted (the latter when Manifest.plist says
 * IsEncrypted false, or says nothing and the manifest is plain), messages-in-icloud,
 * icloud-backup, and adp-unknown always. Indirect evidence is worded "evidence suggests" and
 * marked is_indirect. Also sets facts->is_encrypted. BS_ERR_NOMEM only. */
enum bs_status bs_backup_findings_build(struct bs_backup_facts *facts,
                                        const struct bs_backup_prefs *prefs,
                                        const struct bs_backup_evidence *evidence,
                                        struct bs_error *err);

/* Appends a printf-formatted warning to facts->warnings. BS_ERR_NOMEM only. */
enum bs_status bs_backup_facts_add_warning(struct bs_backup_facts *facts, struct bs_error *err,
                                           const char *fmt, ...) BS_PRINTF(3, 4);

#endif
