/* Unit tests for core/backup_plist: device facts from Info.plist and Manifest.plist, the
 * incomplete-backup warning, preference plists with values of the wrong type, the iMessage
 * registration cache, and the findings table of SPEC 3.6 with its wording rules. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "check.h"
#include "core/backup/backup_plist.h"
#include "core/base/limits.h"
#include "core/model/ids.h"

#define FIXTURES BS_FIXTURE_DIR

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?><plist version=\"1.0\">"
#define XML_TAIL "</plist>"

static struct bs_plist *parse_xml(const char *body)
{
    char text[8192];
    (void)snprintf(text, sizeof(text), "%s%s%s", XML_HEAD, body, XML_TAIL);
    struct bs_plist *plist = NULL;
    struct bs_error err = {BS_OK, ""};
    if (bs_plist_parse(text, strlen(text), &plist, &err) != BS_OK) {
        fprintf(stderr, "parse: %s\n", err.message);
    }
    CHECK(plist != NULL);
    return plist;
}

static bool has_warning(const struct bs_backup_facts *facts, const char *part)
{
    for (size_t i = 0; i < facts->warning_count; i++) {
        if (strstr(facts->warnings[i], part) != NULL) {
            return true;
        }
    }
    return false;
}

static void test_info_facts(void)
{
    struct bs_backup_facts facts = {0};
    struct bs_error err = {BS_OK, ""};
    struct bs_plist *plist =
        parse_xml("<dict><key>Device Name</key><string>Ana's iPhone</string>"
                  "<key>Product Type</key><string>iPhone15,4</string>"
                  "<key>Product Version</key><string>18.3</string>"
                  "<key>Build Version</key><string>22D63</string>"
                  "<key>Serial Number</key><integer>12345</integer>" /* wrong type: ignored */
                  "<key>Phone Number</key><string></string>"         /* empty: no fact */
                  "<key>Last Backup Date</key><date>2026-02-20T19:05:00Z</date></dict>");
    CHECK_INT_EQ(bs_backup_plist_read_info(plist, &facts, &err), BS_OK);
    CHECK_STR_EQ(facts.device.device_name, "Ana's iPhone");
    CHECK_STR_EQ(facts.device.product_type, "iPhone15,4");
    CHECK_STR_EQ(facts.device.product_version, "18.3");
    CHECK_STR_EQ(facts.device.build_version, "22D63");
    CHECK(facts.device.serial_number == NULL);
    CHECK(facts.device.phone_number == NULL);
    CHECK(facts.device.backup_date.is_known);
    CHECK_INT_EQ(facts.device.backup_date.unix_seconds, 1771614300);
    bs_plist_free(plist);

    /* Not a dict at all: nothing, no crash. */
    plist = parse_xml("<array><string>Device Name</string></array>");
    struct bs_backup_facts empty = {0};
    CHECK_INT_EQ(bs_backup_plist_read_info(plist, &empty, &err), BS_OK);
    CHECK(empty.device.device_name == NULL);
    bs_plist_free(plist);
    bs_backup_facts_clear(&facts);
    bs_backup_facts_clear(&empty);
}

static void test_manifest_facts(void)
{
    static const struct {
        const char *is_encrypted; /* XML of the value, or NULL for no key */
        enum bs_backup_claim want;
        bool warns;
    } cases[] = {
        {"<true/>", BS_BACKUP_CLAIM_YES, false},
        {"<false/>", BS_BACKUP_CLAIM_NO, false},
        {NULL, BS_BACKUP_CLAIM_UNKNOWN, false},
        {"<string>true</string>", BS_BACKUP_CLAIM_UNKNOWN, true},
        {"<integer>1</integer>", BS_BACKUP_CLAIM_UNKNOWN, true},
        {"<dict/>", BS_BACKUP_CLAIM_UNKNOWN, true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char body[1024];
        (void)snprintf(body, sizeof(body),
                       "<dict>%s%s<key>WasPasscodeSet</key><false/>"
                       "<key>Lockdown</key><dict><key>DeviceName</key><string>Lockdown "
                       "name</string><key>ProductVersion</key><integer>18</integer></dict>"
                       "<key>Date</key><date>2024-07-01T09:29:00Z</date></dict>",
                       cases[i].is_encrypted != NULL ? "<key>IsEncrypted</key>" : "",
                       cases[i].is_encrypted != NULL ? cases[i].is_encrypted : "");
        struct bs_plist *plist = parse_xml(body);
        struct bs_backup_facts facts = {0};
        struct bs_backup_folder_plists folder = {0};
        struct bs_error err = {BS_OK, ""};
        CHECK_INT_EQ(bs_backup_plist_read_manifest(plist, &facts, &folder, &err), BS_OK);
        CHECK(folder.has_manifest_plist);
        CHECK_INT_EQ(folder.says_encrypted, cases[i].want);
        CHECK_INT_EQ(facts.warning_count, cases[i].warns ? 1 : 0);
        CHECK(!cases[i].warns || has_warning(&facts, "IsEncrypted is not a boolean"));
        CHECK(facts.device.has_passcode_fact);
        CHECK(!facts.device.was_passcode_set);
        CHECK_STR_EQ(facts.device.device_name, "Lockdown name");
        CHECK(facts.device.product_version == NULL); /* an integer: ignored */
        CHECK(facts.device.backup_date.is_known);
        bs_plist_free(plist);
        bs_backup_facts_clear(&facts);
    }

    /* Info.plist facts win over Lockdown's. */
    struct bs_backup_facts facts = {0};
    struct bs_backup_folder_plists folder = {0};
    struct bs_error err = {BS_OK, ""};
    facts.device.device_name = strdup("From Info.plist");
    struct bs_plist *plist = parse_xml("<dict><key>Lockdown</key><dict><key>DeviceName</key>"
                                       "<string>From Lockdown</string></dict></dict>");
    CHECK_INT_EQ(bs_backup_plist_read_manifest(plist, &facts, &folder, &err), BS_OK);
    CHECK_STR_EQ(facts.device.device_name, "From Info.plist");
    CHECK(!facts.device.has_passcode_fact);
    bs_plist_free(plist);
    bs_backup_facts_clear(&facts);
}

static void test_status(void)
{
    static const struct {
        const char *body;
        bool has_fact;
        bool is_complete;
        bool warns;
    } cases[] = {
        {"<dict><key>SnapshotState</key><string>finished</string></dict>", true, true, false},
        {"<dict><key>SnapshotState</key><string>uploading</string></dict>", true, false, true},
        {"<dict><key>SnapshotState</key><string>moving</string></dict>", true, false, true},
        {"<dict><key>SnapshotState</key><string>Finished</string></dict>", true, false, true},
        {"<dict><key>SnapshotState</key><integer>1</integer></dict>", false, false, false},
        {"<dict><key>BackupState</key><string>new</string></dict>", false, false, false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct bs_plist *plist = parse_xml(cases[i].body);
        struct bs_backup_facts facts = {0};
        struct bs_error err = {BS_OK, ""};
        CHECK_INT_EQ(bs_backup_plist_read_status(plist, &facts, &err), BS_OK);
        CHECK_INT_EQ(facts.has_status_fact, cases[i].has_fact);
        CHECK_INT_EQ(facts.is_complete, cases[i].is_complete);
        CHECK_INT_EQ(facts.warning_count, cases[i].warns ? 1 : 0);
        CHECK(!cases[i].warns || has_warning(&facts, "incomplete"));
        bs_plist_free(plist);
        bs_backup_facts_clear(&facts);
    }
    /* A long hostile state is quoted only in part. */
    char body[2048];
    char state[1200];
    memset(state, 'x', sizeof(state) - 1);
    state[sizeof(state) - 1] = '\0';
    (void)snprintf(body, sizeof(body), "<dict><key>SnapshotState</key><string>%s</string></dict>",
                   state);
    struct bs_plist *plist = parse_xml(body);
    struct bs_backup_facts facts = {0};
    struct bs_error err = {BS_OK, ""};
    CHECK_INT_EQ(bs_backup_plist_read_status(plist, &facts, &err), BS_OK);
    CHECK_INT_EQ(facts.warning_count, 1);
    CHECK(facts.warning_count == 1 && strlen(facts.warnings[0]) < 200);
    bs_plist_free(plist);
    bs_backup_facts_clear(&facts);
}

static void test_preferences(void)
{
    static const struct {
        const char *value; /* XML, or NULL for no key */
        enum bs_backup_claim want;
    } claims[] = {
        {"<true/>", BS_BACKUP_CLAIM_YES},
        {"<false/>", BS_BACKUP_CLAIM_NO},
        {"<integer>1</integer>", BS_BACKUP_CLAIM_YES},
        {"<integer>0</integer>", BS_BACKUP_CLAIM_NO},
        {"<integer>2</integer>", BS_BACKUP_CLAIM_UNKNOWN},
        {"<string>YES</string>", BS_BACKUP_CLAIM_UNKNOWN},
        {"<real>1.0</real>", BS_BACKUP_CLAIM_UNKNOWN},
        {NULL, BS_BACKUP_CLAIM_UNKNOWN},
    };
    for (size_t i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
        char body[512];
        (void)snprintf(body, sizeof(body), "<dict>%s%s%s%s</dict>",
                       claims[i].value ? "<key>CloudKitSyncingEnabled</key>" : "",
                       claims[i].value ? claims[i].value : "",
                       claims[i].value ? "<key>CloudBackupEnabled</key>" : "",
                       claims[i].value ? claims[i].value : "");
        struct bs_plist *plist = parse_xml(body);
        struct bs_backup_prefs prefs = {0};
        bs_backup_prefs_read_madrid(plist, &prefs);
        bs_backup_prefs_read_ldbackup(plist, &prefs);
        CHECK(prefs.has_madrid && prefs.has_ldbackup);
        CHECK_INT_EQ(prefs.cloudkit_sync, claims[i].want);
        CHECK_INT_EQ(prefs.cloud_backup, claims[i].want);
        CHECK(!prefs.last_cloud_backup.is_known);
        bs_plist_free(plist);
        bs_backup_prefs_clear(&prefs);
    }
    static const struct {
        const char *value;
        bool is_known;
    } dates[] = {
        {"<date>2026-02-19T03:12:00Z</date>", true},
        {"<string>2026-02-19</string>", false},
        {"<integer>792731520</integer>", false},
        {"<date>2000-01-01T00:00:00Z</date>", false}, /* before 2001: not a real backup */
    };
    for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
        char body[512];
        (void)snprintf(body, sizeof(body), "<dict><key>LastCloudBackupDate</key>%s</dict>",
                       dates[i].value);
        struct bs_plist *plist = parse_xml(body);
        struct bs_backup_prefs prefs = {0};
        bs_backup_prefs_read_ldbackup(plist, &prefs);
        CHECK_INT_EQ(prefs.last_cloud_backup.is_known, dates[i].is_known);
        bs_plist_free(plist);
    }
}

static const char idstatus_xml[] =
    "<dict><key>com.apple.madrid</key><dict>"
    "<key>tel:+15555550133</key><dict><key>IDStatus</key><integer>1</integer></dict>"
    "<key>tel:(555) 555-0134</key><dict><key>IDStatus</key><integer>1</integer></dict>"
    "<key>mailto:Omar@Example.COM</key><dict><key>IDStatus</key><integer>1</integer></dict>"
    "<key>MAILTO:zed@example.com</key><dict><key>IDStatus</key><integer>1</integer></dict>"
    "<key>+15555550140</key><dict><key>IDStatus</key><integer>1</integer></dict>"
    "<key>tel:+15555550135</key><dict><key>IDStatus</key><integer>2</integer></dict>"
    "<key>tel:+15555550136</key><dict><key>IDStatus</key><string>1</string></dict>"
    "<key>tel:+15555550137</key><string>not a lookup</string>"
    "<key>tel:+15555550138</key><dict/>"
    "<key>tel:55501</key><dict><key>IDStatus</key><integer>1</integer></dict>"
    "<key>tel:+15555550133</key><dict><key>IDStatus</key><integer>1</integer></dict>"
    "</dict>"
    "<key>com.apple.ess</key><dict>"
    "<key>tel:+15555550139</key><dict><key>IDStatus</key><integer>1</integer></dict>"
    "</dict></dict>";

static void test_idstatus(void)
{
    struct bs_ids *ids = NULL;
    struct bs_error err = {BS_OK, ""};
    CHECK_INT_EQ(bs_ids_create(&ids, &err), BS_OK);
    struct bs_plist *plist = parse_xml(idstatus_xml);
    struct bs_backup_prefs prefs = {0};
    CHECK_INT_EQ(bs_backup_prefs_read_idstatus(plist, ids, "us", &prefs, &err), BS_OK);
    CHECK(prefs.has_idstatus);
    /* The string entry is not a lookup; libplist keeps one of the repeated keys. */
    CHECK_INT_EQ(prefs.idstatus_lookups, 9);
    /* Registered, in normal form, sorted, unique; the short code, status 2, a string status,
     * an empty lookup and FaceTime's service are not. */
    static const char *const want[] = {"+15555550133", "+15555550134", "+15555550140",
                                       "omar@example.com", "zed@example.com"};
    CHECK_INT_EQ(prefs.registered_count, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < prefs.registered_count && i < sizeof(want) / sizeof(want[0]); i++) {
        CHECK_STR_EQ(prefs.registered_ids[i], want[i]);
    }

    /* Handles get the evidence by their normal form; short codes never. */
    char id1[] = "+15555550133", id2[] = "omar@example.com", id3[] = "+15555550135",
         id4[] = "55501";
    struct bs_handle handles[4] = {
        {.rowid = 1, .normalized_id = id1, .id_kind = BS_ID_PHONE},
        {.rowid = 2, .normalized_id = id2, .id_kind = BS_ID_EMAIL},
        {.rowid = 3, .normalized_id = id3, .id_kind = BS_ID_PHONE},
        {.rowid = 4, .normalized_id = id4, .id_kind = BS_ID_SHORT_CODE},
    };
    struct bs_scan_result result = {.handles = handles, .handle_count = 4};
    CHECK_INT_EQ(bs_backup_prefs_apply_registrations(&prefs, &result), 2);
    CHECK(handles[0].registered_imessage && handles[1].registered_imessage);
    CHECK(!handles[2].registered_imessage && !handles[3].registered_imessage);
    bs_plist_free(plist);
    bs_backup_prefs_clear(&prefs);

    /* Shapes that are not the cache: nothing registered, no error. */
    static const char *const others[] = {
        "<array><string>com.apple.madrid</string></array>",
        "<dict><key>com.apple.madrid</key><array><dict/></array></dict>",
        "<dict><key>com.apple.madrid</key><string>x</string></dict>",
        "<dict/>",
    };
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        plist = parse_xml(others[i]);
        struct bs_backup_prefs none = {0};
        CHECK_INT_EQ(bs_backup_prefs_read_idstatus(plist, ids, "us", &none, &err), BS_OK);
        CHECK_INT_EQ(none.registered_count, 0);
        bs_plist_free(plist);
        bs_backup_prefs_clear(&none);
    }
    CHECK_INT_EQ(bs_backup_prefs_apply_registrations(&prefs, &result), 0);
    bs_ids_free(ids);
}

/* ---- Findings ------------------------------------------------------------------------------- */

struct finding_case {
    const char *label;
    enum bs_backup_claim says_encrypted;
    bool has_manifest_plist;
    bool is_manifest_plain;
    enum bs_backup_claim cloudkit;
    uint64_t synced;
    enum bs_backup_claim cloud_backup;
    bool has_last_backup;
    const char *codes;    /* space-separated, in order */
    const char *indirect; /* the codes whose text says "Evidence suggests" / "evidence suggests" */
};

/* Appends a space-separated word to text (a fixed buffer). */
static void append_word(char *text, size_t size, const char *word)
{
    size_t used = strlen(text);
    (void)snprintf(text + used, size - used, "%s%s", used > 0 ? " " : "", word);
}

static void check_findings(const struct finding_case *c)
{
    struct bs_backup_facts facts = {0};
    struct bs_backup_prefs prefs = {0};
    prefs.cloudkit_sync = c->cloudkit;
    prefs.cloud_backup = c->cloud_backup;
    prefs.last_cloud_backup.is_known = c->has_last_backup;
    prefs.last_cloud_backup.unix_seconds = 1771470720; /* 2026-02-19 */
    struct bs_backup_evidence evidence = {
        .folder = {.has_manifest_plist = c->has_manifest_plist,
                   .says_encrypted = c->says_encrypted},
        .is_manifest_plain = c->is_manifest_plain,
        .icloud_synced_messages = c->synced,
    };
    struct bs_error err = {BS_OK, ""};
    CHECK_INT_EQ(bs_backup_findings_build(&facts, &prefs, &evidence, &err), BS_OK);
    char codes[256] = "";
    char indirect[256] = "";
    for (size_t i = 0; i < facts.finding_count; i++) {
        const struct bs_finding *finding = &facts.findings[i];
        const char *code = bs_finding_code_name(finding->code);
        append_word(codes, sizeof(codes), code);
        bool says_suggests = strstr(finding->text, "vidence suggests") != NULL;
        CHECK_INT_EQ(says_suggests, finding->is_indirect);
        CHECK(strstr(finding->text, "proven") == NULL);
        if (finding->is_indirect) {
            append_word(indirect, sizeof(indirect), code);
        }
    }
    if (strcmp(codes, c->codes) != 0 || strcmp(indirect, c->indirect) != 0) {
        fprintf(stderr, "%s: codes \"%s\" indirect \"%s\"\n", c->label, codes, indirect);
    }
    CHECK_STR_EQ(codes, c->codes);
    CHECK_STR_EQ(indirect, c->indirect);
    CHECK_INT_EQ(facts.is_encrypted, c->says_encrypted == BS_BACKUP_CLAIM_YES);
    /* Building again replaces the findings. */
    CHECK_INT_EQ(bs_backup_findings_build(&facts, &prefs, &evidence, &err), BS_OK);
    bs_backup_facts_clear(&facts);
}

static void test_findings(void)
{
    const enum bs_backup_claim U = BS_BACKUP_CLAIM_UNKNOWN;
    const enum bs_backup_claim N = BS_BACKUP_CLAIM_NO;
    const enum bs_backup_claim Y = BS_BACKUP_CLAIM_YES;
    const struct finding_case cases[] = {
        {"encrypted", Y, true, false, U, 0, U, false, "backup-encrypted adp-unknown", ""},
        {"says not encrypted", N, true, true, U, 0, U, false, "backup-unencrypted adp-unknown", ""},
        {"no Manifest.plist, plain manifest", U, false, true, U, 0, U, false,
         "backup-unencrypted adp-unknown", ""},
        {"no Manifest.plist, manifest not plain", U, false, false, U, 0, U, false, "adp-unknown",
         ""},
        {"Messages in iCloud on", N, true, true, Y, 0, U, false,
         "backup-unencrypted messages-in-icloud adp-unknown", ""},
        {"Messages in iCloud on with rows", N, true, true, Y, 12, U, false,
         "backup-unencrypted messages-in-icloud adp-unknown", ""},
        {"synced rows only", N, true, true, U, 3, U, false,
         "backup-unencrypted messages-in-icloud adp-unknown", "messages-in-icloud"},
        {"off, but synced rows", N, true, true, N, 3, U, false,
         "backup-unencrypted messages-in-icloud adp-unknown", "messages-in-icloud"},
        {"off, no rows", N, true, true, N, 0, N, false, "backup-unencrypted adp-unknown", ""},
        {"iCloud Backup on", N, true, true, U, 0, Y, true,
         "backup-unencrypted icloud-backup adp-unknown", ""},
        {"iCloud Backup on, no date", N, true, true, U, 0, Y, false,
         "backup-unencrypted icloud-backup adp-unknown", ""},
        {"iCloud Backup date only", N, true, true, U, 0, U, true,
         "backup-unencrypted icloud-backup adp-unknown", "icloud-backup"},
        {"iCloud Backup off, old date", N, true, true, U, 0, N, true,
         "backup-unencrypted icloud-backup adp-unknown", "icloud-backup"},
        {"everything", Y, true, false, Y, 5, Y, true,
         "backup-encrypted messages-in-icloud icloud-backup adp-unknown", ""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        check_findings(&cases[i]);
    }
}

/* ---- The folder's own plists ---------------------------------------------------------------- */

static void test_read_folder(void)
{
    struct bs_backup_facts facts = {0};
    struct bs_backup_folder_plists folder;
    struct bs_error err = {BS_OK, ""};
    struct bs_plist *kept = (struct bs_plist *)&folder; /* must be reset to NULL */
    CHECK_INT_EQ(bs_backup_plist_read_folder(FIXTURES "/backup_demo", &facts, &folder, &kept, &err),
                 BS_OK);
    CHECK(folder.has_manifest_plist);
    CHECK_INT_EQ(folder.says_encrypted, BS_BACKUP_CLAIM_NO);
    CHECK(kept == NULL); /* kept only when encrypted */
    CHECK_STR_EQ(facts.device.device_name, "Alex's iPhone");
    CHECK_STR_EQ(facts.device.product_version, "18.3");
    CHECK(facts.device.has_passcode_fact && facts.device.was_passcode_set);
    CHECK(facts.has_status_fact && facts.is_complete);
    CHECK_INT_EQ(facts.warning_count, 0);
    bs_backup_facts_clear(&facts);

    /* An encrypted backup's Manifest.plist is handed over, parsed, for its keybag. */
    CHECK_INT_EQ(bs_backup_plist_read_folder(FIXTURES "/backup_encrypted_demo", &facts, &folder,
                                             &kept, &err),
                 BS_OK);
    CHECK_INT_EQ(folder.says_encrypted, BS_BACKUP_CLAIM_YES);
    CHECK(kept != NULL && bs_plist_dict_get(bs_plist_root(kept), "BackupKeyBag") != NULL);
    bs_plist_free(kept);
    bs_backup_facts_clear(&facts);

    CHECK_INT_EQ(bs_backup_plist_read_folder(FIXTURES "/backup_no_manifest_plist", &facts, &folder,
                                             NULL, &err),
                 BS_OK);
    CHECK(!folder.has_manifest_plist);
    CHECK_INT_EQ(folder.says_encrypted, BS_BACKUP_CLAIM_UNKNOWN);
    CHECK(!facts.has_status_fact);
    CHECK_STR_EQ(facts.device.product_type, "iPhone12,1"); /* from the binary Info.plist */
    CHECK_INT_EQ(facts.warning_count, 0);
    bs_backup_facts_clear(&facts);

    /* A folder made here: a corrupt Manifest.plist, an Info.plist that is a link, a
     * Status.plist larger than the cap. Each is a warning; the read carries on. */
    char base[] = "/tmp/bs-plist-XXXXXX";
    if (mkdtemp(base) == NULL) {
        CHECK(false);
        return;
    }
    char manifest[256], info[256], status[256];
    (void)snprintf(manifest, sizeof(manifest), "%s/Manifest.plist", base);
    (void)snprintf(info, sizeof(info), "%s/Info.plist", base);
    (void)snprintf(status, sizeof(status), "%s/Status.plist", base);
    FILE *file = fopen(manifest, "w");
    if (file != NULL) {
        fputs("bplist00 this is not a binary plist at all, only its magic", file);
        fclose(file);
    }
    CHECK(symlink("/etc/hostname", info) == 0);
    int fd = open(status, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0 && ftruncate(fd, (off_t)BS_MAX_PLIST_BYTES + 1) == 0); /* sparse */
    if (fd >= 0) {
        close(fd);
    }
    CHECK_INT_EQ(bs_backup_plist_read_folder(base, &facts, &folder, NULL, &err), BS_OK);
    CHECK(!folder.has_manifest_plist);
    CHECK_INT_EQ(facts.warning_count, 3);
    CHECK(has_warning(&facts, "Manifest.plist could not be used"));
    CHECK(has_warning(&facts, "Info.plist could not be used"));
    CHECK(has_warning(&facts, "Status.plist could not be used"));
    CHECK(has_warning(&facts, "larger than"));
    bs_backup_facts_clear(&facts);
    unlink(manifest);
    unlink(info);
    unlink(status);
    rmdir(base);
}

int main(void)
{
    test_info_facts();
    test_manifest_facts();
    test_status();
    test_preferences();
    test_idstatus();
    test_findings();
    test_read_folder();
    return check_report("backup_plist");
}
