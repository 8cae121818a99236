/* Tests of core/backup/backup_apps: the messaging apps' databases of the fixture backups
 * (Manifest.db and Manifest.mbdb), the decoys the rule leaves out, the hostile rows skipped
 * with a warning, the 16-byte read, and the Size of an MBFile record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/backup/backup_apps.h"
#include "core/backup/backup_layout.h"
#include "core/base/text.h"

#define FIXTURES BS_FIXTURE_DIR

/* Surveys the fixture backup `name` into *facts (zeroed here). */
static enum bs_status survey(const char *name, struct bs_backup_facts *facts)
{
    char root[1024];
    (void)snprintf(root, sizeof(root), "%s/%s", FIXTURES, name);
    memset(facts, 0, sizeof(*facts));
    struct bs_backup_layout *layout = NULL;
    struct bs_error err = {BS_OK, ""};
    enum bs_status status = bs_backup_layout_open(root, NULL, &layout, &err);
    if (status == BS_OK) {
        status = bs_backup_apps_survey(layout, facts, &err);
    }
    if (status != BS_OK) {
        fprintf(stderr, "%s: %s\n", name, err.message);
    }
    bs_backup_layout_close(layout);
    return status;
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

static void test_manifest_db(void)
{
    struct bs_backup_facts facts;
    CHECK_INT_EQ(survey("backup_apps", &facts), BS_OK);
    CHECK(facts.apps.is_surveyed);
    const struct bs_app_at_rest *apps = facts.apps.apps;
    /* ChatStorage.sqlite and ContactsV2.sqlite; the -wal, -shm, .bak, -journal and the folder
     * row named Media.sqlite are not databases; Library/Media/cache.db is not SQLite. */
    CHECK_INT_EQ(apps[BS_APP_WHATSAPP].plaintext_databases, 2);
    CHECK_INT_EQ(apps[BS_APP_WHATSAPP].app_encrypted_databases, 1);
    CHECK_INT_EQ(apps[BS_APP_WHATSAPP].plaintext_bytes, 16384);
    CHECK_STR_EQ(apps[BS_APP_WHATSAPP].largest_plaintext, "ChatStorage.sqlite");
    CHECK(!bs_app_at_rest_is_found(&apps[BS_APP_WHATSAPP_BUSINESS]));
    CHECK_INT_EQ(apps[BS_APP_SIGNAL].plaintext_databases, 0);
    CHECK_INT_EQ(apps[BS_APP_SIGNAL].app_encrypted_databases, 1);
    CHECK_INT_EQ(apps[BS_APP_TELEGRAM].plaintext_databases, 1);
    CHECK_STR_EQ(apps[BS_APP_TELEGRAM].largest_plaintext,
                 "telegram-data/account-1/postbox/db/db_sqlite");
    CHECK_INT_EQ(apps[BS_APP_MESSENGER].plaintext_databases, 1);
    CHECK_STR_EQ(apps[BS_APP_MESSENGER].largest_plaintext,
                 "lightspeed-userDatabases/100004567890123.db");
    /* The hostile rows, and two databases too short to tell: skipped with a warning each. */
    CHECK_INT_EQ(facts.warning_count, 6);
    CHECK(has_warning(&facts, "WhatsApp database Library/Empty.sqlite is skipped: "
                              "0 bytes, too short to tell what it holds"));
    CHECK(has_warning(&facts, "WhatsApp database Library/Five.sqlite is skipped: "
                              "5 bytes, too short to tell what it holds"));
    CHECK(has_warning(&facts, "WhatsApp database Escape/ChatStorage.sqlite is skipped: "
                              "Manifest.db lists it under a fileID that is not 40"));
    CHECK(has_warning(&facts, "Telegram database telegram-data/link/db_sqlite is skipped: "));
    CHECK(has_warning(&facts, "is a symbolic link"));
    CHECK(has_warning(&facts, "Messenger database Library/Caches/escape.db is skipped: "));
    CHECK(has_warning(&facts, "resolves outside the backup folder"));
    CHECK(has_warning(&facts, "1 Signal database listed in Manifest.db is missing from the "
                              "folder (Library/missing/gone.sqlite): not counted"));
    bs_backup_facts_clear(&facts);
}

static void test_mbdb(void)
{
    struct bs_backup_facts facts;
    CHECK_INT_EQ(survey("backup_apps_legacy", &facts), BS_OK);
    const struct bs_app_at_rest *apps = facts.apps.apps;
    CHECK_INT_EQ(apps[BS_APP_WHATSAPP].plaintext_databases, 1);
    CHECK_INT_EQ(apps[BS_APP_WHATSAPP].app_encrypted_databases, 0);
    CHECK_INT_EQ(apps[BS_APP_WHATSAPP].plaintext_bytes, 8192); /* the record's size */
    CHECK_INT_EQ(apps[BS_APP_TELEGRAM].app_encrypted_databases, 1);
    CHECK(!bs_app_at_rest_is_found(&apps[BS_APP_SIGNAL]));
    CHECK_INT_EQ(facts.warning_count, 1);
    CHECK(has_warning(&facts, "1 Signal database listed in Manifest.mbdb is missing"));
    bs_backup_facts_clear(&facts);
}

static void test_no_app(void)
{
    struct bs_backup_facts facts;
    CHECK_INT_EQ(survey("backup_complete", &facts), BS_OK);
    CHECK(facts.apps.is_surveyed);
    for (size_t i = 0; i < BS_APP_COUNT; i++) {
        CHECK(!bs_app_at_rest_is_found(&facts.apps.apps[i]));
    }
    CHECK_INT_EQ(facts.warning_count, 0);
    bs_backup_facts_clear(&facts);
    /* A legacy backup whose apps' records are absent. */
    CHECK_INT_EQ(survey("backup_legacy", &facts), BS_OK);
    CHECK(!bs_app_at_rest_is_found(&facts.apps.apps[BS_APP_WHATSAPP]));
    bs_backup_facts_clear(&facts);
}

/* Only the first 16 bytes: a plain file's head, and its size in the folder. */
static void test_read_head(void)
{
    char root[1024];
    (void)snprintf(root, sizeof(root), "%s/backup_apps", FIXTURES);
    struct bs_backup_layout *layout = NULL;
    struct bs_error err = {BS_OK, ""};
    CHECK_INT_EQ(bs_backup_layout_open(root, NULL, &layout, &err), BS_OK);
    struct bs_backup_file file = {0};
    CHECK_INT_EQ(bs_backup_layout_find(layout, "AppDomainGroup-group.net.whatsapp.WhatsApp.shared",
                                       "ChatStorage.sqlite", &file, &err),
                 BS_OK);
    uint8_t head[BS_BACKUP_FILE_HEAD_BYTES];
    size_t head_size = 0;
    uint64_t stored = 0;
    CHECK_INT_EQ(bs_backup_file_read_head(&file, head, &head_size, &stored, &err), BS_OK);
    CHECK_INT_EQ(head_size, 16);
    CHECK(memcmp(head, "SQLite format 3", 16) == 0);
    CHECK_INT_EQ(stored, 8192);
    bs_backup_file_clear(&file);
    struct bs_backup_file absent = {0};
    CHECK_INT_EQ(bs_backup_file_read_head(&absent, head, &head_size, &stored, &err),
                 BS_ERR_NOT_FOUND);
    bs_backup_layout_close(layout);
}

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?><plist version=\"1.0\">"
#define XML_TAIL "</plist>"
#define UID(n)   "<dict><key>CF$UID</key><integer>" #n "</integer></dict>"

static enum bs_status mbfile_size(const char *record, uint64_t *size)
{
    char xml[4096];
    (void)snprintf(xml, sizeof(xml),
                   XML_HEAD "<dict><key>$archiver</key><string>NSKeyedArchiver</string>"
                            "<key>$top</key><dict><key>root</key>" UID(
                                1) "</dict><key>$objects</key><array><string>$null</string>%s"
                                   "</array></dict>" XML_TAIL,
                   record);
    struct bs_error err = {BS_OK, ""};
    return bs_backup_apps_mbfile_size(xml, strlen(xml), size, &err);
}

static void test_mbfile_size(void)
{
    uint64_t size = 0;
    CHECK_INT_EQ(mbfile_size("<dict><key>Size</key><integer>397312</integer></dict>", &size),
                 BS_OK);
    CHECK_INT_EQ(size, 397312);
    CHECK_INT_EQ(mbfile_size("<dict><key>Mode</key><integer>33188</integer></dict>", &size),
                 BS_ERR_NOT_FOUND);
    CHECK_INT_EQ(mbfile_size("<dict><key>Size</key><string>12</string></dict>", &size),
                 BS_ERR_NOT_FOUND);
    CHECK_INT_EQ(mbfile_size("<string>not a record</string>", &size), BS_ERR_FORMAT);
    struct bs_error err = {BS_OK, ""};
    CHECK_INT_EQ(bs_backup_apps_mbfile_size("garbage", 7, &size, &err), BS_ERR_FORMAT);
}

int main(void)
{
    test_manifest_db();
    test_mbdb();
    test_no_app();
    test_read_head();
    test_mbfile_size();
    return check_report("backup_apps");
}
