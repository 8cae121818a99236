/*
 * Fuzz target: a backup's Manifest.db (core/backup/backup_layout): locating files through it
 * and the inventory that compares it with the folder.
 *
 * The input is SQL text that builds Manifest.db (seeds: each fixture backup's Files and
 * Properties tables as SQL, made at build time, and hostile rows in fixtures/fuzz/manifest/);
 * its image is opened from memory with bs_backup_layout_open_manifest_image over a small
 * folder made once per process (the sms.db and AddressBook files at their fileIDs, a file
 * nobody lists, a symbolic link, a stray folder). Inputs of odd length open it as an
 * encrypted backup, with class keys made once, so each located file's MBFile record (the
 * `file` column) is decoded too. Checked: every status is a documented one with a message; a
 * PRESENT file is inside the folder under a valid fileID; an encrypted one has a key or says
 * why not; the inventory's counts stay within what the manifest and the folder hold; the
 * messaging apps' survey (core/backup/backup_apps) counts only what it could read, names a
 * largest plaintext database exactly when it counted one, and words each skip as a warning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "core/backup/backup_apps.h"
#include "core/backup/backup_crypto.h"
#include "core/backup/backup_layout.h"
#include "core/backup/keybag.h"
#include "fixture_crypto.h"
#include "fuzz.h"
#include "sql_image.h"

static const char *const wanted[][2] = {
    {"HomeDomain", "Library/SMS/sms.db"},
    {"HomeDomain", "Library/SMS/sms.db-wal"},
    {"HomeDomain", "Library/AddressBook/AddressBook.sqlitedb"},
    {"HomeDomain", "Library/Preferences/com.apple.madrid.plist"},
    {"HomeDomain", "Library/Preferences/com.apple.identityservices.idstatuscache.plist"},
    {"", ""},
};

/* Entries of the folder that the inventory may count: two listed-able files, one unlisted
 * file, one link, one stray folder. */
#define FOLDER_ENTRIES 5

/* The folder: under $TMPDIR (campaign.sh points it into its work folder and empties it, since
 * libFuzzer's fork-mode jobs end without atexit), else /tmp. */
static char root[4096];

static void put_file(const char *relative, const char *link_target)
{
    char path[4352];
    (void)snprintf(path, sizeof(path), "%s/%s", root, relative);
    if (link_target != NULL) {
        FUZZ_CHECK(symlink(link_target, path) == 0);
        return;
    }
    FILE *file = fopen(path, "wb");
    FUZZ_CHECK(file != NULL && fputs("x", file) >= 0 && fclose(file) == 0);
}

static void put_folder(const char *relative)
{
    char path[4352];
    (void)snprintf(path, sizeof(path), "%s/%s", root, relative);
    FUZZ_CHECK(mkdir(path, 0700) == 0);
}

static void remove_folder(void)
{
    static const char *const entries[] = {
        "3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28",
        "31/31bb7ba8914766d4ba40d6dfb6113c8b614be442",
        "31/31ffffffffffffffffffffffffffffffffffffff",
        "ab/ab00000000000000000000000000000000000000",
        "ab/notes",
        "3d",
        "31",
        "ab",
        "",
    };
    for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
        char path[4352];
        (void)snprintf(path, sizeof(path), "%s/%s", root, entries[i]);
        (void)(rmdir(path) == 0 || unlink(path) == 0);
    }
}

static const char *backup_folder(void)
{
    static bool made;
    if (!made) {
        const char *tmp = getenv("TMPDIR");
        (void)snprintf(root, sizeof(root), "%s/bs-fuzz-manifest-XXXXXX",
                       tmp != NULL && tmp[0] != '\0' && strlen(tmp) < 1024 ? tmp : "/tmp");
        FUZZ_CHECK(mkdtemp(root) != NULL);
        put_folder("3d");
        put_folder("31");
        put_folder("ab");
        put_file("3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28", NULL); /* sms.db */
        put_file("31/31bb7ba8914766d4ba40d6dfb6113c8b614be442", NULL); /* AddressBook */
        put_file("31/31ffffffffffffffffffffffffffffffffffffff", NULL); /* unlisted */
        put_file("ab/ab00000000000000000000000000000000000000", "/etc/passwd");
        put_folder("ab/notes");
        FUZZ_CHECK(atexit(remove_folder) == 0);
        made = true;
    }
    return root;
}

/* Appends one keybag record (tag, big-endian length, value). */
static void tlv(uint8_t *bag, size_t *size, const char *tag, const void *value, size_t length)
{
    memcpy(bag + *size, tag, 4);
    const uint8_t be_length[4] = {0, 0, 0, (uint8_t)length};
    memcpy(bag + *size + 4, be_length, 4);
    memcpy(bag + *size + 8, value, length);
    *size += 8 + length;
}

/* Class keys of a one-class keybag wrapped with a fixed KEK: no password derivation. */
static const struct bs_backup_keys *class_keys(void)
{
    static struct bs_backup_keys *keys;
    if (keys != NULL) {
        return keys;
    }
    uint8_t kek[BS_BACKUP_CRYPTO_KEY_BYTES];
    uint8_t class_key[BS_BACKUP_CRYPTO_KEY_BYTES];
    uint8_t wrapped[BS_KEYBAG_WRAPPED_KEY_BYTES];
    memset(kek, 0x11, sizeof(kek));
    memset(class_key, 0x22, sizeof(class_key));
    FUZZ_CHECK(bs_fixture_wrap_key(kek, class_key, wrapped, NULL) == BS_OK);
    static const uint8_t three[4] = {0, 0, 0, 3}, one[4] = {0, 0, 0, 1}, two[4] = {0, 0, 0, 2};
    uint8_t uuid[16], salt[20];
    memset(salt, 0x33, sizeof(salt));
    uint8_t bag[512];
    size_t size = 0;
    tlv(bag, &size, "VERS", three, 4);
    tlv(bag, &size, "TYPE", one, 4);
    memset(uuid, 0x40, sizeof(uuid));
    tlv(bag, &size, "UUID", uuid, sizeof(uuid)); /* the keybag's */
    tlv(bag, &size, "SALT", salt, sizeof(salt));
    tlv(bag, &size, "ITER", one, 4);
    memset(uuid, 0x41, sizeof(uuid));
    tlv(bag, &size, "UUID", uuid, sizeof(uuid)); /* opens the class record */
    tlv(bag, &size, "CLAS", three, 4);
    tlv(bag, &size, "WRAP", two, 4);
    tlv(bag, &size, "WPKY", wrapped, sizeof(wrapped));
    static struct bs_keybag keybag;
    FUZZ_CHECK(bs_keybag_parse(bag, size, &keybag, NULL) == BS_OK);
    FUZZ_CHECK(bs_backup_keys_create(&keybag, kek, &keys, NULL) == BS_OK);
    return keys;
}

static void check_error(enum bs_status status, const struct bs_error *err)
{
    FUZZ_CHECK(status == BS_ERR_FORMAT || status == BS_ERR_UNSAFE || status == BS_ERR_NOMEM ||
               status == BS_ERR_LIMIT);
    FUZZ_CHECK(err->status == status && err->message[0] != '\0');
}

static void check_found(const struct bs_backup_file *file, bool is_encrypted)
{
    FUZZ_CHECK(file->state == BS_BACKUP_FILE_ABSENT || file->state == BS_BACKUP_FILE_MISSING ||
               file->state == BS_BACKUP_FILE_PRESENT);
    if (file->state != BS_BACKUP_FILE_PRESENT) {
        return;
    }
    FUZZ_CHECK(bs_backup_file_id_is_valid(file->file_id, strlen(file->file_id)));
    FUZZ_CHECK(file->path != NULL && strstr(file->path, file->file_id) != NULL);
    if (is_encrypted) {
        FUZZ_CHECK(file->keys != NULL);
        FUZZ_CHECK(file->key.has_key || (file->key_problem != NULL && file->key_problem[0]));
    }
}

/* The messaging apps' databases the manifest lists, read 16 bytes each from the folder. */
static void check_apps(struct bs_backup_layout *layout)
{
    struct bs_backup_facts facts;
    memset(&facts, 0, sizeof(facts));
    facts.is_backup = true;
    struct bs_error err = {BS_OK, ""};
    enum bs_status status = bs_backup_apps_survey(layout, &facts, &err);
    if (status == BS_OK) {
        FUZZ_CHECK(facts.apps.is_surveyed);
        uint64_t counted = 0;
        for (size_t i = 0; i < BS_APP_COUNT; i++) {
            const struct bs_app_at_rest *app = &facts.apps.apps[i];
            counted += app->plaintext_databases + app->app_encrypted_databases;
            FUZZ_CHECK((app->largest_plaintext != NULL) == (app->plaintext_databases > 0));
            FUZZ_CHECK(app->largest_plaintext_bytes <= app->plaintext_bytes);
        }
        /* Only three files of the folder can be read: whatever the rows, at most one count
         * per row that names one of them, and never more than BS_MAX_APP_DATABASES. */
        FUZZ_CHECK(counted <= BS_MAX_APP_DATABASES);
        FUZZ_CHECK(facts.warning_count <= BS_MAX_APP_WARNINGS + 2 + BS_APP_COUNT);
        FUZZ_CHECK(bs_app_findings_add(&facts, &err) == BS_OK);
        for (size_t i = 0; i < facts.finding_count; i++) {
            FUZZ_CHECK(facts.findings[i].text != NULL && facts.findings[i].text[0] != '\0');
        }
    } else {
        FUZZ_CHECK(status == BS_ERR_FORMAT || status == BS_ERR_NOMEM);
        FUZZ_CHECK(err.status == status && err.message[0] != '\0');
    }
    bs_backup_facts_clear(&facts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *folder = backup_folder();
    bool is_encrypted = size % 2 == 1;
    const struct bs_backup_keys *keys = is_encrypted ? class_keys() : NULL;
    size_t image_size = 0;
    void *image = fuzz_sql_image(data, size, &image_size);
    if (image == NULL) {
        return 0;
    }
    struct bs_error err = {BS_OK, ""};
    struct bs_backup_layout *layout = NULL;
    enum bs_status status =
        bs_backup_layout_open_manifest_image(folder, image, image_size, NULL, keys, &layout, &err);
    if (status != BS_OK) {
        FUZZ_CHECK(layout == NULL);
        check_error(status, &err);
        return 0;
    }
    FUZZ_CHECK(bs_backup_layout_get_kind(layout) == BS_BACKUP_LAYOUT_MANIFEST_DB);
    for (size_t i = 0; i < sizeof(wanted) / sizeof(wanted[0]); i++) {
        struct bs_backup_file file;
        status = bs_backup_layout_find(layout, wanted[i][0], wanted[i][1], &file, &err);
        if (status == BS_OK) {
            check_found(&file, is_encrypted);
        } else {
            check_error(status, &err);
        }
        bs_backup_file_clear(&file);
    }
    struct bs_backup_inventory inventory;
    memset(&inventory, 0xA5, sizeof(inventory));
    status = bs_backup_layout_inventory(layout, &inventory, &err);
    if (status == BS_OK) {
        FUZZ_CHECK(inventory.missing_files <= inventory.listed_files);
        FUZZ_CHECK(inventory.unlisted_files + inventory.unsafe_entries <= FOLDER_ENTRIES);
        FUZZ_CHECK(inventory.is_checked || inventory.listed_files == 0);
    } else {
        check_error(status, &err);
    }
    check_apps(layout);
    bs_backup_layout_close(layout);
    return 0;
}
