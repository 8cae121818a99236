/* The backup plists and at-rest findings of backup_plist.h. */
#include "core/backup/backup_plist.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/backup/backup_layout.h"
#include "core/base/limits.h"
#include "core/base/text.h"
#include "core/model/classify.h"
#include "core/model/ids.h"

/* Apple's reference date, 2001-01-01, in Unix seconds. */
#define APPLE_EPOCH_UNIX_SECONDS 978307200
/* Longest piece of an untrusted plist string quoted in a warning. */
#define QUOTED_BYTES 32

enum bs_status bs_backup_facts_add_warning(struct bs_backup_facts *facts, struct bs_error *err,
                                           const char *fmt, ...)
{
    char line[512];
    va_list args;
    va_start(args, fmt);
    (void)vsnprintf(line, sizeof(line), fmt, args);
    va_end(args);
    char *copy = bs_strdup(line);
    char **grown = copy == NULL ? NULL
                                : realloc(facts->warnings,
                                          (facts->warning_count + 1) * sizeof(*facts->warnings));
    if (grown == NULL) {
        free(copy);
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    facts->warnings = grown;
    facts->warnings[facts->warning_count++] = copy;
    return BS_OK;
}

/* Copies a string value into *field unless a fact is already there. */
static enum bs_status take_string(const struct bs_plist_value *value, char **field,
                                  struct bs_error *err)
{
    const char *text = NULL;
    if (*field != NULL || !bs_plist_get_string(value, &text) || text[0] == '\0') {
        return BS_OK;
    }
    *field = bs_strdup(text);
    return *field != NULL ? BS_OK : bs_error_set(err, BS_ERR_NOMEM, "out of memory");
}

static void take_date(const struct bs_plist_value *value, struct bs_date *field)
{
    double seconds = 0;
    if (!field->is_known && bs_plist_get_date(value, &seconds) && seconds > 0 && seconds < 1e11) {
        *field = bs_classify_date((int64_t)seconds, true);
    }
}

/* A yes/no setting: a boolean, or an integer 0 or 1 (some preferences store numbers). */
static enum bs_backup_claim read_claim(const struct bs_plist_value *value)
{
    bool flag = false;
    int64_t number = 0;
    if (bs_plist_get_bool(value, &flag)) {
        return flag ? BS_BACKUP_CLAIM_YES : BS_BACKUP_CLAIM_NO;
    }
    if (bs_plist_get_int(value, &number) && (number == 0 || number == 1)) {
        return number == 1 ? BS_BACKUP_CLAIM_YES : BS_BACKUP_CLAIM_NO;
    }
    return BS_BACKUP_CLAIM_UNKNOWN;
}

enum bs_status bs_backup_plist_read_info(const struct bs_plist *plist,
                                         struct bs_backup_facts *facts, struct bs_error *err)
{
    const struct bs_plist_value *root = bs_plist_root(plist);
    struct bs_device_facts *device = &facts->device;
    const struct {
        const char *key;
        char **field;
    } strings[] = {
        {"Device Name", &device->device_name},         {"Product Type", &device->product_type},
        {"Product Version", &device->product_version}, {"Build Version", &device->build_version},
        {"Serial Number", &device->serial_number},     {"Phone Number", &device->phone_number},
    };
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        enum bs_status status =
            take_string(bs_plist_dict_get(root, strings[i].key), strings[i].field, err);
        if (status != BS_OK) {
            return status;
        }
    }
    take_date(bs_plist_dict_get(root, "Last Backup Date"), &device->backup_date);
    return BS_OK;
}

enum bs_status bs_backup_plist_read_manifest(const struct bs_plist *plist,
                                             struct bs_backup_facts *facts,
                                             struct bs_backup_folder_plists *folder,
                                             struct bs_error *err)
{
    const struct bs_plist_value *root = bs_plist_root(plist);
    struct bs_device_facts *device = &facts->device;
    folder->has_manifest_plist = true;
    const struct bs_plist_value *encrypted = bs_plist_dict_get(root, "IsEncrypted");
    bool flag = false;
    if (bs_plist_get_bool(encrypted, &flag)) {
        folder->says_encrypted = flag ? BS_BACKUP_CLAIM_YES : BS_BACKUP_CLAIM_NO;
    } else if (encrypted != NULL) {
        enum bs_status status = bs_backup_facts_add_warning(
            facts, err, "Manifest.plist: IsEncrypted is not a boolean (%s); ignored",
            bs_plist_type_name(bs_plist_value_type(encrypted)));
        if (status != BS_OK) {
            return status;
        }
    }
    if (bs_plist_get_bool(bs_plist_dict_get(root, "WasPasscodeSet"), &flag)) {
        device->has_passcode_fact = true;
        device->was_passcode_set = flag;
    }
    const struct bs_plist_value *lockdown = bs_plist_dict_get(root, "Lockdown");
    const struct {
        const char *key;
        char **field;
    } strings[] = {
        {"DeviceName", &device->device_name},         {"ProductType", &device->product_type},
        {"ProductVersion", &device->product_version}, {"BuildVersion", &device->build_version},
        {"SerialNumber", &device->serial_number},
    };
    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        enum bs_status status =
            take_string(bs_plist_dict_get(lockdown, strings[i].key), strings[i].field, err);
        if (status != BS_OK) {
            return status;
        }
    }
    take_date(bs_plist_dict_get(root, "Date"), &device->backup_date);
    return BS_OK;
}

enum bs_status bs_backup_plist_read_status(const struct bs_plist *plist,
                                           struct bs_backup_facts *facts, struct bs_error *err)
{
    const struct bs_plist_value *root = bs_plist_root(plist);
    const char *state = NULL;
    take_date(bs_plist_dict_get(root, "Date"), &facts->device.backup_date);
    if (!bs_plist_get_string(bs_plist_dict_get(root, "SnapshotState"), &state)) {
        return BS_OK;
    }
    facts->has_status_fact = true;
    facts->is_complete = strcmp(state, "finished") == 0;
    if (facts->is_complete) {
        return BS_OK;
    }
    return bs_backup_facts_add_warning(facts, err,
                                       "Status.plist: SnapshotState is \"%.*s\", not "
                                       "\"finished\": the backup is incomplete, so messages "
                                       "may be missing from this report",
                                       QUOTED_BYTES, state);
}

/* One of the folder's own plists, or NULL when it is missing (a warning when it is there but
 * cannot be used). */
static enum bs_status load_folder_plist(const char *root, const char *name,
                                        struct bs_backup_facts *facts, struct bs_plist **out,
                                        struct bs_error *err)
{
    struct bs_strbuf path = {0};
    bs_strbuf_appendf(&path, "%s/%s", root, name);
    if (path.failed) {
        bs_strbuf_free(&path);
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    struct bs_backup_file file = {.state = BS_BACKUP_FILE_PRESENT, .path = path.data};
    uint8_t *bytes = NULL;
    size_t size = 0;
    struct bs_error local = {BS_OK, ""};
    enum bs_status status = bs_backup_file_read(&file, BS_MAX_PLIST_BYTES, &bytes, &size, &local);
    bs_strbuf_free(&path);
    *out = NULL;
    if (status == BS_OK) {
        status = bs_plist_parse(bytes, size, out, &local);
        free(bytes);
    }
    if (status == BS_ERR_NOMEM) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory reading %s", name);
    }
    if (status == BS_OK || status == BS_ERR_NOT_FOUND) {
        return BS_OK;
    }
    return bs_backup_facts_add_warning(facts, err,
                                       "%s could not be used (%s); its facts are "
                                       "left out",
                                       name, local.message);
}

enum bs_status bs_backup_plist_read_folder(const char *root, struct bs_backup_facts *facts,
                                           struct bs_backup_folder_plists *folder,
                                           struct bs_plist **manifest, struct bs_error *err)
{
    static const char *const names[] = {"Info.plist", "Manifest.plist", "Status.plist"};
    enum bs_status status = BS_OK;
    memset(folder, 0, sizeof(*folder));
    if (manifest != NULL) {
        *manifest = NULL;
    }
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && status == BS_OK; i++) {
        struct bs_plist *plist = NULL;
        status = load_folder_plist(root, names[i], facts, &plist, err);
        if (status != BS_OK || plist == NULL) {
            continue;
        }
        if (i == 0) {
            status = bs_backup_plist_read_info(plist, facts, err);
        } else if (i == 1) {
            status = bs_backup_plist_read_manifest(plist, facts, folder, err);
            if (status == BS_OK && manifest != NULL &&
                folder->says_encrypted == BS_BACKUP_CLAIM_YES) {
                *manifest = plist; /* the caller's now */
                plist = NULL;
            }
        } else {
            status = bs_backup_plist_read_status(plist, facts, err);
        }
        bs_plist_free(plist);
    }
    return status;
}

void bs_backup_prefs_read_madrid(const struct bs_plist *plist, struct bs_backup_prefs *prefs)
{
    prefs->has_madrid = true;
    prefs->cloudkit_sync =
        read_claim(bs_plist_dict_get(bs_plist_root(plist), "CloudKitSyncingEnabled"));
}

void bs_backup_prefs_read_ldbackup(const struct bs_plist *plist, struct bs_backup_prefs *prefs)
{
    const struct bs_plist_value *root = bs_plist_root(plist);
    prefs->has_ldbackup = true;
    prefs->cloud_backup = read_claim(bs_plist_dict_get(root, "CloudBackupEnabled"));
    take_date(bs_plist_dict_get(root, "LastCloudBackupDate"), &prefs->last_cloud_backup);
}

/* "tel:+1555..." -> "+1555...", "mailto:a@b" -> "a@b" (prefixes compared case-insensitively);
 * anything else as it is. */
static const char *strip_uri_scheme(const char *uri)
{
    static const char *const schemes[] = {"tel:", "mailto:"};
    for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
        size_t length = strlen(schemes[i]);
        size_t matched = 0;
        while (matched < length && uri[matched] != '\0' &&
               (uri[matched] | 0x20) == schemes[i][matched]) {
            matched++;
        }
        if (matched == length) {
            return uri + length;
        }
    }
    return uri;
}

static int compare_ids(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

enum bs_status bs_backup_prefs_read_idstatus(const struct bs_plist *plist, const struct bs_ids *ids,
                                             const char *default_country,
                                             struct bs_backup_prefs *prefs, struct bs_error *err)
{
    const struct bs_plist_value *services = bs_plist_root(plist);
    const struct bs_plist_value *handles = bs_plist_dict_get(services, "com.apple.madrid");
    size_t capacity = prefs->registered_count;
    prefs->has_idstatus = true;
    for (size_t i = 0; i < bs_plist_dict_count(handles); i++) {
        const char *uri = bs_plist_dict_key_at(handles, i);
        const struct bs_plist_value *entry = bs_plist_dict_value_at(handles, i);
        int64_t id_status = 0;
        if (uri == NULL || !bs_plist_is_type(entry, BS_PLIST_DICT)) {
            continue;
        }
        prefs->idstatus_lookups++;
        if (!bs_plist_get_int(bs_plist_dict_get(entry, "IDStatus"), &id_status) || id_status != 1) {
            continue;
        }
        enum bs_id_kind kind = BS_ID_OTHER;
        char *normal = bs_ids_normalize(ids, strip_uri_scheme(uri), NULL, default_country, &kind);
        if (normal == NULL) {
            return bs_error_set(err, BS_ERR_NOMEM, "out of memory reading the iMessage cache");
        }
        if (kind != BS_ID_PHONE && kind != BS_ID_EMAIL) {
            free(normal);
            continue;
        }
        void *items = prefs->registered_ids;
        enum bs_status status = bs_array_reserve(&items, &capacity, prefs->registered_count + 1,
                                                 sizeof(char *), BS_MAX_REGISTRATIONS);
        if (status != BS_OK) {
            free(normal);
            return bs_error_set(err, status, "%s",
                                status == BS_ERR_LIMIT ? "the iMessage cache holds too many "
                                                         "entries"
                                                       : "out of memory");
        }
        prefs->registered_ids = items;
        prefs->registered_ids[prefs->registered_count++] = normal;
    }
    if (prefs->registered_count > 1) {
        qsort(prefs->registered_ids, prefs->registered_count, sizeof(char *), compare_ids);
        size_t unique = 1;
        for (size_t i = 1; i < prefs->registered_count; i++) {
            if (strcmp(prefs->registered_ids[unique - 1], prefs->registered_ids[i]) == 0) {
                free(prefs->registered_ids[i]);
            } else {
                prefs->registered_ids[unique++] = prefs->registered_ids[i];
            }
        }
        prefs->registered_count = unique;
    }
    return BS_OK;
}

size_t bs_backup_prefs_apply_registrations(const struct bs_backup_prefs *prefs,
                                           struct bs_scan_result *result)
{
    size_t marked = 0;
    for (size_t i = 0; i < result->handle_count && prefs->registered_count > 0; i++) {
        struct bs_handle *handle = &result->handles[i];
        const char *key = handle->normalized_id;
        if (handle->id_kind != BS_ID_PHONE && handle->id_kind != BS_ID_EMAIL) {
            continue;
        }
        if (bsearch(&key, prefs->registered_ids, prefs->registered_count, sizeof(char *),
                    compare_ids) != NULL) {
            handle->registered_imessage = true;
            marked++;
        }
    }
    return marked;
}

void bs_backup_prefs_clear(struct bs_backup_prefs *prefs)
{
    if (prefs == NULL) {
        return;
    }
    for (size_t i = 0; i < prefs->registered_count; i++) {
        free(prefs->registered_ids[i]);
    }
    free(prefs->registered_ids);
    memset(prefs, 0, sizeof(*prefs));
}

static void clear_findings(struct bs_backup_facts *facts)
{
    for (size_t i = 0; i < facts->finding_count; i++) {
        free(facts->findings[i].text);
    }
    free(facts->findings);
    facts->findings = NULL;
    facts->finding_count = 0;
}

static const char *day_of(struct bs_date date, char out[21])
{
    bs_date_format(date, out);
    out[10] = '\0';
    return out;
}

static enum bs_status encryption_finding(struct bs_backup_facts *facts,
                                         const struct bs_backup_evidence *evidence,
                                         struct bs_error *err)
{
    struct bs_strbuf text = {0};
    enum bs_backup_claim claim = evidence->folder.says_encrypted;
    if (claim == BS_BACKUP_CLAIM_YES) {
        bs_strbuf_append_str(&text, "This backup is encrypted: good. Its Info.plist, "
                                    "Manifest.plist and Status.plist are still plaintext "
                                    "(phone number, serial number, app list).");
        return bs_backup_facts_add_finding(facts, BS_FINDING_BACKUP_ENCRYPTED, false, &text, err);
    }
    if (claim == BS_BACKUP_CLAIM_NO) {
        bs_strbuf_append_str(&text, "This backup is not encrypted (Manifest.plist: IsEncrypted "
                                    "false)");
    } else if (evidence->is_manifest_plain) {
        bs_strbuf_appendf(&text, "This backup is not encrypted (%s; %s)",
                          evidence->folder.has_manifest_plist ? "Manifest.plist has no "
                                                                "IsEncrypted"
                                                              : "no Manifest.plist",
                          evidence->is_legacy_layout ? "Manifest.mbdb lists no encrypted file"
                                                     : "Manifest.db is plain SQLite");
    } else {
        return BS_OK;
    }
    bs_strbuf_append_str(&text, ": every message in it is in plaintext on this computer. Turn "
                                "on \"Encrypt local backup\" and make a new backup.");
    return bs_backup_facts_add_finding(facts, BS_FINDING_BACKUP_UNENCRYPTED, false, &text, err);
}

static enum bs_status icloud_messages_finding(struct bs_backup_facts *facts,
                                              const struct bs_backup_prefs *prefs,
                                              const struct bs_backup_evidence *evidence,
                                              struct bs_error *err)
{
    struct bs_strbuf text = {0};
    uint64_t synced = evidence->icloud_synced_messages;
    enum bs_backup_claim setting = prefs->cloudkit_sync;
    bool is_indirect = setting != BS_BACKUP_CLAIM_YES;
    if (setting == BS_BACKUP_CLAIM_YES) {
        bs_strbuf_append_str(&text, "Messages in iCloud is on (com.apple.madrid.plist: "
                                    "CloudKitSyncingEnabled)");
        if (synced > 0) {
            bs_strbuf_appendf(&text, " and %" PRIu64 " message%s carry an iCloud record", synced,
                              synced == 1 ? "" : "s");
        }
        bs_strbuf_append_str(&text, ": your messages are stored in iCloud");
    } else if (synced == 0) {
        return BS_OK;
    } else if (setting == BS_BACKUP_CLAIM_NO) {
        bs_strbuf_appendf(&text,
                          "Messages in iCloud is off now, but evidence suggests it was on: "
                          "%" PRIu64 " message%s carry an iCloud record (ck_sync_state 1); "
                          "copies may remain in iCloud",
                          synced, synced == 1 ? "" : "s");
    } else {
        bs_strbuf_appendf(&text,
                          "Evidence suggests Messages in iCloud is on: %" PRIu64 " message%s "
                          "carry an iCloud record (ck_sync_state 1), so they are stored in "
                          "iCloud",
                          synced, synced == 1 ? "" : "s");
    }
    bs_strbuf_append_str(&text, ". Without Advanced Data Protection, Apple holds the keys.");
    return bs_backup_facts_add_finding(facts, BS_FINDING_MESSAGES_IN_ICLOUD, is_indirect, &text,
                                       err);
}

static enum bs_status icloud_backup_finding(struct bs_backup_facts *facts,
                                            const struct bs_backup_prefs *prefs,
                                            struct bs_error *err)
{
    struct bs_strbuf text = {0};
    char day[21];
    bool has_date = prefs->last_cloud_backup.is_known;
    enum bs_backup_claim setting = prefs->cloud_backup;
    if (setting == BS_BACKUP_CLAIM_YES) {
        bs_strbuf_append_str(&text, "iCloud Backup is on (com.apple.mobile.ldbackup.plist: "
                                    "CloudBackupEnabled");
        if (has_date) {
            bs_strbuf_appendf(&text, "; last iCloud backup %s",
                              day_of(prefs->last_cloud_backup, day));
        }
        bs_strbuf_append_str(&text, "): without Advanced Data Protection, Apple can read it.");
    } else if (!has_date) {
        return BS_OK;
    } else if (setting == BS_BACKUP_CLAIM_NO) {
        bs_strbuf_appendf(&text,
                          "iCloud Backup is off, but evidence suggests an iCloud backup from "
                          "%s may remain: without Advanced Data Protection, Apple can read "
                          "it. Delete old backups in Settings > [your name] > iCloud.",
                          day_of(prefs->last_cloud_backup, day));
    } else {
        bs_strbuf_appendf(&text,
                          "Evidence suggests iCloud Backup is on: the last iCloud backup was "
                          "made on %s. Without Advanced Data Protection, Apple can read it.",
                          day_of(prefs->last_cloud_backup, day));
    }
    return bs_backup_facts_add_finding(facts, BS_FINDING_ICLOUD_BACKUP,
                                       setting != BS_BACKUP_CLAIM_YES, &text, err);
}

enum bs_status bs_backup_findings_build(struct bs_backup_facts *facts,
                                        const struct bs_backup_prefs *prefs,
                                        const struct bs_backup_evidence *evidence,
                                        struct bs_error *err)
{
    clear_findings(facts);
    facts->is_encrypted = evidence->folder.says_encrypted == BS_BACKUP_CLAIM_YES;
    facts->is_legacy_layout = evidence->is_legacy_layout;
    enum bs_status status = encryption_finding(facts, evidence, err);
    if (status == BS_OK) {
        status = icloud_messages_finding(facts, prefs, evidence, err);
    }
    if (status == BS_OK) {
        status = icloud_backup_finding(facts, prefs, err);
    }
    if (status == BS_OK) {
        struct bs_strbuf text = {0};
        bs_strbuf_append_str(&text, "Advanced Data Protection cannot be seen in a backup: check "
                                    "Settings > [your name] > iCloud > Advanced Data "
                                    "Protection.");
        status = bs_backup_facts_add_finding(facts, BS_FINDING_ADP_UNKNOWN, false, &text, err);
    }
    if (status != BS_OK) {
        clear_findings(facts);
    }
    return status;
}
