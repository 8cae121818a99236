/* The backup scan of backup_scan.h. */
#include "core/scan/backup_scan.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "core/backup/backup_apps.h"
#include "core/backup/backup_crypto.h"
#include "core/backup/backup_decrypt.h"
#include "core/backup/backup_layout.h"
#include "core/backup/backup_plist.h"
#include "core/backup/contacts.h"
#include "core/base/limits.h"
#include "core/base/text.h"
#include "core/model/ids.h"
#include "core/store/plist_read.h"

/* The files of a backup the scan reads, by role. */
enum role {
    ROLE_SMS = 0,
    ROLE_SMS_WAL,
    ROLE_ADDRESS_BOOK,
    ROLE_ADDRESS_BOOK_WAL,
    ROLE_MADRID,
    ROLE_LDBACKUP,
    ROLE_IDSTATUS,
    ROLE_COUNT
};

static const struct {
    const char *domain;
    const char *relative_path;
    const char *label; /* what messages call it */
} roles[ROLE_COUNT] = {
    {"HomeDomain", "Library/SMS/sms.db", "the Messages database (sms.db)"},
    {"HomeDomain", "Library/SMS/sms.db-wal", "the Messages database's WAL (sms.db-wal)"},
    {"HomeDomain", "Library/AddressBook/AddressBook.sqlitedb", "AddressBook.sqlitedb"},
    {"HomeDomain", "Library/AddressBook/AddressBook.sqlitedb-wal", "AddressBook.sqlitedb-wal"},
    {"HomeDomain", "Library/Preferences/com.apple.madrid.plist", "com.apple.madrid.plist"},
    {"HomeDomain", "Library/Preferences/com.apple.mobile.ldbackup.plist",
     "com.apple.mobile.ldbackup.plist"},
    {"HomeDomain", "Library/Preferences/com.apple.identityservices.idstatuscache.plist",
     "com.apple.identityservices.idstatuscache.plist"},
};

struct backup_scan {
    const struct bs_scan_request *request;
    const struct bs_sqlite_open_options *open; /* request->files, as SQLite takes them */
    struct bs_scan_report *report;
    const char *country;
    struct bs_backup_layout *layout;
    struct bs_backup_file files[ROLE_COUNT];
    struct bs_backup_evidence evidence;
    struct bs_backup_prefs prefs;
    struct bs_ids *ids;
    struct bs_contacts *contacts;
    struct bs_plist *manifest_plist;        /* an encrypted backup's Manifest.plist, parsed once */
    struct bs_backup_encryption encryption; /* an encrypted backup's keybag and ManifestKey */
    struct bs_backup_keys *keys; /* its class keys: kept until every located file is cleared */
};

static void copy_error(struct bs_error *err, const struct bs_error *local)
{
    if (err != NULL) {
        *err = *local;
    }
}

static bool is_critical(enum role role)
{
    return role == ROLE_SMS || role == ROLE_SMS_WAL;
}

static enum bs_status locate(struct backup_scan *scan, enum role role, struct bs_error *err)
{
    struct bs_backup_facts *facts = &scan->report->backup;
    struct bs_backup_file *file = &scan->files[role];
    const char *manifest = bs_backup_layout_manifest_name(scan->layout);
    struct bs_error local = {BS_OK, ""};
    enum bs_status status = bs_backup_layout_find(scan->layout, roles[role].domain,
                                                  roles[role].relative_path, file, &local);
    if (status == BS_ERR_UNSAFE && is_critical(role)) {
        return bs_error_set(err, BS_ERR_UNSAFE,
                            "%s: %s; the scan stops: a backup whose files point elsewhere may "
                            "have been tampered with",
                            roles[role].label, local.message);
    }
    if (status == BS_ERR_UNSAFE) {
        bs_backup_file_clear(file);
        return bs_backup_facts_add_warning(facts, err, "%s: %s; it is not read", roles[role].label,
                                           local.message);
    }
    if (status != BS_OK) {
        copy_error(err, &local);
        bs_error_prefix(err, "locating %s", roles[role].label);
        return status;
    }
    if (role == ROLE_SMS && file->state == BS_BACKUP_FILE_MISSING) {
        return bs_error_set(err, BS_ERR_NOT_FOUND,
                            "%s lists the Messages database (%s %s) but it is missing from the "
                            "folder; the backup is incomplete: make a new one",
                            manifest, roles[role].domain, roles[role].relative_path);
    }
    if (role == ROLE_SMS && file->state == BS_BACKUP_FILE_ABSENT) {
        return bs_error_set(err, BS_ERR_NOT_FOUND,
                            "this backup holds no Messages database (%s %s is not in %s, nor "
                            "in the folder under its fileID %s)",
                            roles[role].domain, roles[role].relative_path, manifest, file->file_id);
    }
    /* A missing preference plist only counts among the missing files (check_folder). */
    if (file->state == BS_BACKUP_FILE_MISSING &&
        (role == ROLE_SMS_WAL || role == ROLE_ADDRESS_BOOK)) {
        return bs_backup_facts_add_warning(
            facts, err, "%s is listed in %s but missing from the folder%s", roles[role].label,
            manifest,
            role == ROLE_SMS_WAL ? ": the newest messages may be left out"
                                 : ": people are shown by number");
    }
    if (role == ROLE_SMS && !file->is_listed) {
        return bs_backup_facts_add_warning(facts, err,
                                           "%s does not list the Messages database; it was "
                                           "read from its fixed fileID %s",
                                           manifest, file->file_id);
    }
    return BS_OK;
}

static enum bs_status check_folder(struct backup_scan *scan, struct bs_error *err)
{
    struct bs_backup_facts *facts = &scan->report->backup;
    const char *manifest = bs_backup_layout_manifest_name(scan->layout);
    struct bs_backup_inventory inventory;
    char a[BS_COUNT_TEXT_BYTES];
    char b[BS_COUNT_TEXT_BYTES];
    enum bs_status status = bs_backup_layout_inventory(scan->layout, &inventory, err);
    if (status != BS_OK) {
        bs_error_prefix(err, "checking the backup folder");
        return status;
    }
    if (!inventory.is_checked) {
        status = bs_backup_facts_add_warning(facts, err,
                                             "%s lists more than %s files: the folder was not "
                                             "checked for missing or extra files",
                                             manifest, bs_format_count(BS_MAX_BACKUP_FILES, a));
    }
    if (status == BS_OK && inventory.missing_files > 0) {
        status = bs_backup_facts_add_warning(
            facts, err, "%s of the %s files %s lists are missing from the folder",
            bs_format_count(inventory.missing_files, a), bs_format_count(inventory.listed_files, b),
            manifest);
    }
    if (status == BS_OK && inventory.unlisted_files > 0) {
        status = bs_backup_facts_add_warning(
            facts, err,
            "%s file%s in the folder %s not listed "
            "in %s",
            bs_format_count(inventory.unlisted_files, a), inventory.unlisted_files == 1 ? "" : "s",
            inventory.unlisted_files == 1 ? "is" : "are", manifest);
    }
    if (status == BS_OK && inventory.invalid_file_ids > 0) {
        status = bs_backup_facts_add_warning(
            facts, err,
            "%s row%s of %s %s a fileID that is not 40 lower-case hex characters: never used "
            "as a path",
            bs_format_count(inventory.invalid_file_ids, a),
            inventory.invalid_file_ids == 1 ? "" : "s", manifest,
            inventory.invalid_file_ids == 1 ? "has" : "have");
    }
    if (status == BS_OK && inventory.unsafe_entries > 0) {
        status = bs_backup_facts_add_warning(
            facts, err,
            "%s symbolic link%s or special file%s where the backup keeps its files: never "
            "followed",
            bs_format_count(inventory.unsafe_entries, a), inventory.unsafe_entries == 1 ? "" : "s",
            inventory.unsafe_entries == 1 ? "" : "s");
    }
    return status;
}

/* Parses one preference plist; one that cannot be used becomes a warning. */
static enum bs_status load_pref(struct backup_scan *scan, enum role role, struct bs_plist **out,
                                struct bs_error *err)
{
    *out = NULL;
    if (scan->files[role].state != BS_BACKUP_FILE_PRESENT) {
        return BS_OK;
    }
    uint8_t *bytes = NULL;
    size_t size = 0;
    struct bs_error local = {BS_OK, ""};
    enum bs_status status =
        bs_backup_file_read(&scan->files[role], BS_MAX_PLIST_BYTES, &bytes, &size, &local);
    if (status == BS_OK) {
        status = bs_plist_parse(bytes, size, out, &local);
        free(bytes);
    }
    if (status == BS_ERR_NOMEM) {
        return bs_error_set(err, status, "out of memory reading %s", roles[role].label);
    }
    if (status != BS_OK) {
        return bs_backup_facts_add_warning(&scan->report->backup, err,
                                           "%s could not be used (%s); its evidence is left out",
                                           roles[role].label, local.message);
    }
    return BS_OK;
}

static enum bs_status read_prefs(struct backup_scan *scan, struct bs_error *err)
{
    struct bs_plist *plist = NULL;
    enum bs_status status = load_pref(scan, ROLE_MADRID, &plist, err);
    if (status == BS_OK && plist != NULL) {
        bs_backup_prefs_read_madrid(plist, &scan->prefs);
    }
    bs_plist_free(plist);
    plist = NULL;
    if (status == BS_OK) {
        status = load_pref(scan, ROLE_LDBACKUP, &plist, err);
    }
    if (status == BS_OK && plist != NULL) {
        bs_backup_prefs_read_ldbackup(plist, &scan->prefs);
    }
    bs_plist_free(plist);
    plist = NULL;
    if (status == BS_OK) {
        status = load_pref(scan, ROLE_IDSTATUS, &plist, err);
    }
    if (status == BS_OK && plist != NULL) {
        struct bs_error local = {BS_OK, ""};
        status =
            bs_backup_prefs_read_idstatus(plist, scan->ids, scan->country, &scan->prefs, &local);
        if (status == BS_ERR_LIMIT) {
            struct bs_backup_prefs *prefs = &scan->prefs;
            for (size_t i = 0; i < prefs->registered_count; i++) {
                free(prefs->registered_ids[i]);
            }
            free(prefs->registered_ids);
            prefs->registered_ids = NULL;
            prefs->registered_count = 0;
            status = bs_backup_facts_add_warning(&scan->report->backup, err,
                                                 "%s: %s; its evidence is left out",
                                                 roles[ROLE_IDSTATUS].label, local.message);
        } else if (status != BS_OK) {
            copy_error(err, &local);
        }
    }
    bs_plist_free(plist);
    return status;
}

/* The backup's own contact names, unless the caller gave names (--contacts). */
static enum bs_status read_contacts(struct backup_scan *scan, struct bs_error *err)
{
    struct bs_backup_file *book = &scan->files[ROLE_ADDRESS_BOOK];
    if (scan->request->names != NULL || book->state != BS_BACKUP_FILE_PRESENT) {
        return BS_OK;
    }
    struct bs_sqlite_db *db = NULL;
    struct bs_error local = {BS_OK, ""};
    enum bs_status status =
        bs_backup_file_open_db(book, &scan->files[ROLE_ADDRESS_BOOK_WAL], scan->open, &db, &local);
    if (status == BS_OK) {
        status = bs_contacts_read(db, scan->country, &scan->contacts, &local);
    }
    bs_sqlite_db_close(db);
    if (status == BS_ERR_NOMEM || status == BS_ERR_INTERRUPTED) {
        copy_error(err, &local);
        return status;
    }
    if (status != BS_OK) {
        return bs_backup_facts_add_warning(&scan->report->backup, err,
                                           "AddressBook.sqlitedb could not be read (%s): "
                                           "people are shown by number",
                                           local.message);
    }
    return BS_OK;
}

static enum bs_status read_messages(struct backup_scan *scan, struct bs_error *err)
{
    const struct bs_scan_request *request = scan->request;
    struct bs_sqlite_db *db = NULL;
    enum bs_status status = bs_backup_file_open_db(
        &scan->files[ROLE_SMS], &scan->files[ROLE_SMS_WAL], scan->open, &db, err);
    if (status == BS_OK) {
        struct bs_scan_options options = {
            .ids = scan->ids,
            .default_country = scan->country,
            .since = request->since,
            .has_compare_cutoff = request->has_compare_cutoff,
            .compare_cutoff = request->compare_cutoff,
            .on_progress = request->on_progress,
            .progress_context = request->progress_context,
        };
        status = bs_sms_store_read(db, &options, &scan->report->result, err);
    }
    bs_sqlite_db_close(db);
    const struct bs_backup_file *sms = &scan->files[ROLE_SMS];
    if (status == BS_OK && sms->has_plain_size && sms->key.has_size &&
        sms->key.size != sms->plain_size) {
        /* The padding decides the length (reference/backup-format.md: Size is unreliable for
         * SQLite files); the difference is told, not trusted. */
        status = bs_backup_facts_add_warning(&scan->report->backup, err,
                                             "%s: the Manifest records %" PRIu64
                                             " bytes, the decrypted file holds %" PRIu64
                                             "; its own length was used",
                                             roles[ROLE_SMS].label, sms->key.size, sms->plain_size);
    }
    if (status != BS_OK && status != BS_ERR_INTERRUPTED && status != BS_ERR_NOMEM) {
        bs_error_prefix(err, "%s", roles[ROLE_SMS].label);
    }
    return status;
}

/* True when root/name exists as anything (a link is not followed). */
static bool has_entry(const char *root, const char *name)
{
    struct bs_strbuf path = {0};
    bs_strbuf_appendf(&path, "%s/%s", root, name);
    struct stat info;
    bool found = !path.failed && lstat(bs_strbuf_str(&path), &info) == 0;
    bs_strbuf_free(&path);
    return found;
}

/* The keybag and ManifestKey of the folder's Manifest.plist, from the tree the plist reader
 * parsed (the same bytes it read the device facts and IsEncrypted from). */
static enum bs_status read_encryption(struct backup_scan *scan, struct bs_error *err)
{
    if (scan->manifest_plist == NULL) {
        return bs_error_set(err, BS_ERR_INTERNAL, "Manifest.plist was not kept for its keybag");
    }
    return bs_backup_decrypt_read_manifest_plist(scan->manifest_plist, &scan->encryption, err);
}

static void on_key_derivation(enum bs_backup_crypto_kdf_phase phase, void *context)
{
    const struct backup_scan *scan = context;
    const struct bs_scan_password_source *source = &scan->request->password;
    if (source->on_key_derivation != NULL) {
        source->on_key_derivation(phase == BS_BACKUP_CRYPTO_KDF_FINISHED,
                                  scan->encryption.keybag.dp_iteration_count,
                                  scan->encryption.keybag.iteration_count, source->context);
    }
}

/* Everything an encrypted backup needs before its Manifest.db opens, cheapest first so that a
 * backup that cannot be opened says so before the password is asked: the layout, the keybag,
 * then the password and the key derivation (seconds). The password is wiped right after. */
static enum bs_status unlock(struct backup_scan *scan, struct bs_error *err)
{
    const char *root = scan->request->source_path;
    const struct bs_scan_password_source *source = &scan->request->password;
    if (!has_entry(root, "Manifest.db") && has_entry(root, "Manifest.mbdb")) {
        return bs_error_set(err, BS_ERR_UNSUPPORTED,
                            "an encrypted iOS 4-9 backup (Manifest.plist: IsEncrypted true, and "
                            "a Manifest.mbdb), which this version cannot open: it decrypts "
                            "backups made by iOS 10.2 and later");
    }
    enum bs_status status = read_encryption(scan, err);
    if (status != BS_OK) {
        return status;
    }
    if (source->read == NULL) {
        return bs_error_set(err, BS_ERR_PASSWORD,
                            "an encrypted backup (Manifest.plist: IsEncrypted true), and no "
                            "password was given");
    }
    char password[BS_MAX_PASSWORD_BYTES];
    size_t length = 0;
    status = source->read(password, sizeof(password), &length, source->context, err);
    if (status == BS_OK && length > sizeof(password)) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "the password reader overran its buffer");
    }
    if (status == BS_OK) {
        status = bs_backup_keys_create_from_password(&scan->encryption.keybag, password, length,
                                                     on_key_derivation, scan, &scan->keys, err);
        if (status == BS_ERR_PASSWORD) {
            status = bs_error_set(err, BS_ERR_PASSWORD,
                                  "wrong password for this encrypted backup (the key it gives "
                                  "does not unwrap the backup's keybag): it is the password "
                                  "set when \"Encrypt local backup\" was turned on, not the "
                                  "iPhone's passcode; check it and try again");
        } else if (status == BS_ERR_LIMIT || status == BS_ERR_FORMAT) {
            bs_error_prefix(err, "Manifest.plist");
        }
    }
    bs_backup_crypto_cleanse(password, sizeof(password));
    return status;
}

static enum bs_status open_layout(struct backup_scan *scan, struct bs_error *err)
{
    if (scan->evidence.folder.says_encrypted == BS_BACKUP_CLAIM_YES) {
        /* Manifest.db and every file are decrypted in memory; is_manifest_plain stays false. */
        enum bs_status status = unlock(scan, err);
        if (status == BS_OK) {
            status =
                bs_backup_layout_open_encrypted(scan->request->source_path, scan->open, scan->keys,
                                                &scan->encryption, &scan->layout, err);
        }
        return status;
    }
    enum bs_status status =
        bs_backup_layout_open(scan->request->source_path, scan->open, &scan->layout, err);
    if (status == BS_OK) {
        scan->evidence.is_legacy_layout =
            bs_backup_layout_get_kind(scan->layout) == BS_BACKUP_LAYOUT_MBDB;
        /* Opened as SQLite, or an mbdb that lists no encrypted file. */
        scan->evidence.is_manifest_plain = true;
    }
    return status;
}

static enum bs_status run(struct backup_scan *scan, struct bs_error *err)
{
    struct bs_scan_report *report = scan->report;
    enum bs_status status =
        bs_backup_plist_read_folder(scan->request->source_path, &report->backup,
                                    &scan->evidence.folder, &scan->manifest_plist, err);
    if (status == BS_OK) {
        status = bs_ids_create(&scan->ids, err);
    }
    if (status == BS_OK) {
        status = open_layout(scan, err);
    }
    for (int role = 0; role < ROLE_COUNT && status == BS_OK; role++) {
        status = locate(scan, (enum role)role, err);
    }
    if (status == BS_OK) {
        status = check_folder(scan, err);
    }
    if (status == BS_OK) {
        status = bs_backup_apps_survey(scan->layout, &report->backup, err);
        if (status != BS_OK && status != BS_ERR_INTERRUPTED && status != BS_ERR_NOMEM) {
            bs_error_prefix(err, "looking for messaging apps' databases");
        }
    }
    if (status == BS_OK) {
        status = read_prefs(scan, err);
    }
    /* Manifest.db (and any private copy of it) is closed before another database opens. */
    bs_backup_layout_close(scan->layout);
    scan->layout = NULL;
    if (status == BS_OK) {
        status = read_contacts(scan, err);
    }
    if (status == BS_OK) {
        status = read_messages(scan, err);
    }
    if (status == BS_OK) {
        bs_backup_prefs_apply_registrations(&scan->prefs, &report->result);
        struct bs_name_source contact_names;
        const struct bs_name_source *names = scan->request->names;
        if (names == NULL && scan->contacts != NULL) {
            contact_names = bs_contacts_name_source(scan->contacts);
            names = &contact_names;
        }
        status = bs_analysis_run(&report->result, names, err);
    }
    if (status == BS_OK) {
        scan->evidence.icloud_synced_messages = report->result.icloud_synced_messages;
        status = bs_backup_findings_build(&report->backup, &scan->prefs, &scan->evidence, err);
    }
    if (status == BS_OK) {
        status = bs_app_findings_add(&report->backup, err);
    }
    return status;
}

enum bs_status bs_backup_scan(const struct bs_scan_request *request,
                              const struct bs_sqlite_open_options *open,
                              struct bs_scan_report *report, struct bs_error *err)
{
    struct backup_scan scan;
    memset(&scan, 0, sizeof(scan));
    scan.request = request;
    scan.open = open;
    scan.report = report;
    scan.country = request->default_country != NULL ? request->default_country : "us";
    report->backup.is_backup = true;
    enum bs_status status = run(&scan, err);
    bs_backup_layout_close(scan.layout);
    for (int role = 0; role < ROLE_COUNT; role++) {
        bs_backup_file_clear(&scan.files[role]);
    }
    bs_backup_keys_free(scan.keys); /* after the files, which borrow them */
    bs_backup_prefs_clear(&scan.prefs);
    bs_plist_free(scan.manifest_plist);
    bs_contacts_free(scan.contacts);
    bs_ids_free(scan.ids);
    return status;
}
