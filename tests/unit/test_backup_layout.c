/* Unit tests for core/backup_layout: fileID validation, Manifest.mbdb parsing (well-formed,
 * truncated at every byte, hostile lengths), and locating files in the built backup fixtures and
 * in folders made here: hostile fileIDs, symbolic links, a linked folder leading outside, files
 * listed but missing and present but unlisted; a Manifest.db handed over in memory. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dirent.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "check.h"
#include "core/backup/backup_layout.h"
#include "core/base/limits.h"

#define FIXTURES BS_FIXTURE_DIR

/* ---- fileIDs -------------------------------------------------------------------------------- */

static void test_file_id_validation(void)
{
    static const struct {
        const char *text;
        bool is_valid;
    } cases[] = {
        {"3d0d7e5fb2ce288813306e4d4636395e047a3d28", true},
        {"0000000000000000000000000000000000000000", true},
        {"ffffffffffffffffffffffffffffffffffffffff", true},
        {"3D0D7E5FB2CE288813306E4D4636395E047A3D28", false},  /* upper case */
        {"3d0d7e5fb2ce288813306e4d4636395e047a3d2", false},   /* 39 */
        {"3d0d7e5fb2ce288813306e4d4636395e047a3d281", false}, /* 41 */
        {"../3d/3d0d7e5fb2ce288813306e4d4636395e047", false},
        {"3d0d7e5fb2ce288813306e4d4636395e047a3d/.", false},
        {"3d0d7e5fb2ce288813306e4d4636395e047a3d2g", false},
        {"3d0d7e5fb2ce288813306e4d4636395e047a3d2 ", false},
        {"", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CHECK_INT_EQ(bs_backup_file_id_is_valid(cases[i].text, strlen(cases[i].text)),
                     cases[i].is_valid);
    }
    CHECK(!bs_backup_file_id_is_valid(NULL, 40));
    /* An embedded NUL inside the 40 bytes is not hex. */
    CHECK(!bs_backup_file_id_is_valid("3d0d7e5fb2ce288813306e4d4636395e047a3d2\0", 40));
}

/* ---- Manifest.mbdb -------------------------------------------------------------------------- */

struct bytes {
    uint8_t data[4096];
    size_t size;
};

static void put(struct bytes *b, const void *data, size_t size)
{
    if (b->size + size <= sizeof(b->data)) {
        memcpy(b->data + b->size, data, size);
        b->size += size;
    }
}

static void put_be(struct bytes *b, uint64_t value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        uint8_t byte = (uint8_t)(value >> (8 * i));
        put(b, &byte, 1);
    }
}

static void put_item(struct bytes *b, const char *text)
{
    if (text == NULL) {
        put_be(b, 0xffff, 2);
        return;
    }
    put_be(b, strlen(text), 2);
    put(b, text, strlen(text));
}

static void put_record(struct bytes *b, const char *domain, const char *path, uint16_t mode,
                       bool has_key, int xattrs)
{
    static const char key[44] = {4};
    put_item(b, domain);
    put_item(b, path);
    put_item(b, NULL); /* link target */
    put_item(b, "01234567890123456789");
    if (has_key) {
        put_be(b, sizeof(key), 2);
        put(b, key, sizeof(key));
    } else {
        put_item(b, NULL);
    }
    put_be(b, mode, 2);
    put_be(b, 77, 8);              /* inode */
    put_be(b, 501, 4);             /* uid */
    put_be(b, 501, 4);             /* gid */
    put_be(b, 1300000000, 4);      /* mtime */
    put_be(b, 1300000001, 4);      /* ctime */
    put_be(b, 1300000002, 4);      /* birth */
    put_be(b, 123456789012ull, 8); /* size */
    put_be(b, 3, 1);               /* protection class */
    put_be(b, (uint64_t)xattrs, 1);
    for (int i = 0; i < xattrs; i++) {
        put_item(b, "com.apple.name");
        put_item(b, "value");
    }
}

static void put_header(struct bytes *b)
{
    static const uint8_t magic[6] = {'m', 'b', 'd', 'b', 5, 0};
    put(b, magic, sizeof(magic));
}

struct collected {
    size_t count;
    struct bs_backup_mbdb_record first;
    char first_domain[64];
    char first_path[64];
    size_t stop_after; /* 0: never */
};

static enum bs_status collect(const struct bs_backup_mbdb_record *record, void *context,
                              struct bs_error *err)
{
    struct collected *c = context;
    if (c->count == 0) {
        c->first = *record;
        (void)snprintf(c->first_domain, sizeof(c->first_domain), "%.*s", (int)record->domain_length,
                       record->domain ? record->domain : "");
        (void)snprintf(c->first_path, sizeof(c->first_path), "%.*s", (int)record->path_length,
                       record->path ? record->path : "");
    }
    c->count++;
    if (c->stop_after != 0 && c->count == c->stop_after) {
        return bs_error_set(err, BS_ERR_INTERRUPTED, "stopped by the visitor");
    }
    return BS_OK;
}

static enum bs_status parse(const struct bytes *b, struct collected *c)
{
    struct bs_error err = {BS_OK, ""};
    struct bs_backup_mbdb_visitor visitor = {collect, c};
    return bs_backup_mbdb_parse(b->data, b->size, &visitor, &err);
}

static void test_mbdb_records(void)
{
    struct bytes b = {.size = 0};
    put_header(&b);
    put_record(&b, "HomeDomain", "Library/SMS/sms.db", 0x81a4, false, 2);
    put_record(&b, "MediaDomain", NULL, 0x41ed, true, 0);
    struct collected c = {0};
    CHECK_INT_EQ(parse(&b, &c), BS_OK);
    CHECK_INT_EQ(c.count, 2);
    CHECK_STR_EQ(c.first_domain, "HomeDomain");
    CHECK_STR_EQ(c.first_path, "Library/SMS/sms.db");
    CHECK(c.first.link_target == NULL);
    CHECK_INT_EQ(c.first.mode, 0x81a4);
    CHECK_INT_EQ(c.first.size_bytes, 123456789012ll);
    CHECK_INT_EQ(c.first.protection_class, 3);
    CHECK(!c.first.has_encryption_key);

    struct bytes keyed = {.size = 0};
    put_header(&keyed);
    put_record(&keyed, "HomeDomain", "", 0x81a4, true, 0);
    struct collected k = {0};
    CHECK_INT_EQ(parse(&keyed, &k), BS_OK);
    CHECK(k.first.has_encryption_key);
    CHECK_INT_EQ(k.first.path_length, 0);

    /* The visitor's status stops the parse and comes back. */
    struct collected stop = {.stop_after = 1};
    CHECK_INT_EQ(parse(&b, &stop), BS_ERR_INTERRUPTED);
    CHECK_INT_EQ(stop.count, 1);
}

static void test_mbdb_headers(void)
{
    static const struct {
        const char *bytes;
        size_t size;
        enum bs_status want;
    } cases[] = {
        {"mbdb\x05\x00", 6, BS_OK},         /* no record */
        {"mbdb\x05", 5, BS_ERR_FORMAT},     /* short header */
        {"mbdb\x04\x00", 6, BS_ERR_FORMAT}, /* version 4 (.mbdx era) */
        {"MBDB\x05\x00", 6, BS_ERR_FORMAT},
        {"", 0, BS_ERR_FORMAT},
        {"mbdb\x05\x00\x00", 7, BS_ERR_FORMAT}, /* one stray byte */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct bytes b = {.size = 0};
        put(&b, cases[i].bytes, cases[i].size);
        struct collected c = {0};
        CHECK_INT_EQ(parse(&b, &c), cases[i].want);
        CHECK_INT_EQ(c.count, 0);
    }
}

/* Every prefix of a two-record image: complete records only, never a read past the end. */
static void test_mbdb_truncated(void)
{
    struct bytes b = {.size = 0};
    put_header(&b);
    put_record(&b, "HomeDomain", "Library/SMS/sms.db", 0x81a4, false, 1);
    size_t first_end = b.size;
    put_record(&b, "HomeDomain", "Library/SMS/sms.db-wal", 0x81a4, false, 0);
    for (size_t size = 6; size < b.size; size++) {
        /* A heap copy of exactly size bytes, so a sanitizer sees any over-read. */
        uint8_t *copy = malloc(size);
        memcpy(copy, b.data, size);
        struct collected c = {0};
        struct bs_error err = {BS_OK, ""};
        struct bs_backup_mbdb_visitor visitor = {collect, &c};
        enum bs_status status = bs_backup_mbdb_parse(copy, size, &visitor, &err);
        free(copy);
        bool at_boundary = size == 6 || size == first_end;
        CHECK_INT_EQ(status, at_boundary ? BS_OK : BS_ERR_FORMAT);
        CHECK_INT_EQ(c.count, size >= first_end ? 1 : 0);
        CHECK(at_boundary || strstr(err.message, "truncated") != NULL);
    }
}

static void test_mbdb_hostile_lengths(void)
{
    /* A domain that claims 0xfffe bytes in a short file. */
    struct bytes b = {.size = 0};
    put_header(&b);
    put_be(&b, 0xfffe, 2);
    put(&b, "abc", 3);
    struct collected c = {0};
    CHECK_INT_EQ(parse(&b, &c), BS_ERR_FORMAT);
    /* 255 extended attributes announced, none there. */
    struct bytes x = {.size = 0};
    put_header(&x);
    put_record(&x, "D", "P", 0x81a4, false, 0);
    x.data[x.size - 1] = 255;
    struct collected d = {0};
    CHECK_INT_EQ(parse(&x, &d), BS_ERR_FORMAT);
    CHECK_INT_EQ(d.count, 0);
}

/* ---- Layouts on the built fixtures ---------------------------------------------------------- */

static struct bs_backup_layout *open_layout(const char *root, enum bs_status want)
{
    struct bs_backup_layout *layout = NULL;
    struct bs_error err = {BS_OK, ""};
    enum bs_status got = bs_backup_layout_open(root, NULL, &layout, &err);
    if (got != want) {
        fprintf(stderr, "%s: %s (%s)\n", root, bs_status_name(got), err.message);
    }
    CHECK_INT_EQ(got, want);
    CHECK((layout != NULL) == (got == BS_OK));
    return layout;
}

static enum bs_status find(struct bs_backup_layout *layout, const char *domain, const char *path,
                           struct bs_backup_file *file, char *message, size_t message_size)
{
    struct bs_error err = {BS_OK, ""};
    enum bs_status status = bs_backup_layout_find(layout, domain, path, file, &err);
    if (message != NULL) {
        (void)snprintf(message, message_size, "%s", err.message);
    }
    return status;
}

static bool ends_with(const char *text, const char *suffix)
{
    size_t a = strlen(text);
    size_t b = strlen(suffix);
    return a >= b && strcmp(text + a - b, suffix) == 0;
}

static void test_demo_layout(void)
{
    struct bs_backup_layout *layout = open_layout(FIXTURES "/backup_demo", BS_OK);
    if (layout == NULL) {
        return;
    }
    CHECK_INT_EQ(bs_backup_layout_get_kind(layout), BS_BACKUP_LAYOUT_MANIFEST_DB);
    CHECK_STR_EQ(bs_backup_layout_manifest_name(layout), "Manifest.db");
    struct bs_backup_file file = {0};
    CHECK_INT_EQ(find(layout, "HomeDomain", "Library/SMS/sms.db", &file, NULL, 0), BS_OK);
    CHECK_INT_EQ(file.state, BS_BACKUP_FILE_PRESENT);
    CHECK(file.is_listed);
    CHECK_STR_EQ(file.file_id, "3d0d7e5fb2ce288813306e4d4636395e047a3d28");
    CHECK(file.path != NULL &&
          ends_with(file.path, "/3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"));
    CHECK(file.path != NULL && file.path[0] == '/'); /* the real path */

    /* Reading a plist through the layout: capped, never more than asked. */
    struct bs_backup_file madrid = {0};
    CHECK_INT_EQ(
        find(layout, "HomeDomain", "Library/Preferences/com.apple.madrid.plist", &madrid, NULL, 0),
        BS_OK);
    uint8_t *bytes = NULL;
    size_t size = 0;
    struct bs_error err = {BS_OK, ""};
    CHECK_INT_EQ(bs_backup_file_read(&madrid, 8, &bytes, &size, &err), BS_ERR_LIMIT);
    CHECK(bytes == NULL);
    CHECK_INT_EQ(bs_backup_file_read(&madrid, BS_MAX_PLIST_BYTES, &bytes, &size, &err), BS_OK);
    CHECK(size > 8 && bytes != NULL && memcmp(bytes, "bplist00", 8) == 0);
    free(bytes);

    /* A folder row is not a file; a path nobody lists is absent. */
    struct bs_backup_file folder = {0};
    CHECK_INT_EQ(find(layout, "HomeDomain", "Library/SMS", &folder, NULL, 0), BS_ERR_UNSAFE);
    struct bs_backup_file none = {0};
    CHECK_INT_EQ(find(layout, "HomeDomain", "Library/Nothing/here.db", &none, NULL, 0), BS_OK);
    CHECK_INT_EQ(none.state, BS_BACKUP_FILE_ABSENT);
    CHECK_INT_EQ(bs_backup_file_read(&none, 100, &bytes, &size, &err), BS_ERR_NOT_FOUND);

    struct bs_backup_inventory inventory;
    CHECK_INT_EQ(bs_backup_layout_inventory(layout, &inventory, &err), BS_OK);
    CHECK(inventory.is_checked);
    CHECK_INT_EQ(inventory.listed_files, 7); /* with the two apps' databases */
    CHECK_INT_EQ(inventory.missing_files, 0);
    CHECK_INT_EQ(inventory.unlisted_files, 0);
    CHECK_INT_EQ(inventory.invalid_file_ids, 0);
    CHECK_INT_EQ(inventory.unsafe_entries, 0);
    /* A second walk gives the same answer (seen marks are reset). */
    CHECK_INT_EQ(bs_backup_layout_inventory(layout, &inventory, &err), BS_OK);
    CHECK_INT_EQ(inventory.missing_files, 0);

    bs_backup_file_clear(&file);
    bs_backup_file_clear(&madrid);
    bs_backup_file_clear(&folder);
    bs_backup_file_clear(&none);
    bs_backup_layout_close(layout);
}

static void test_hostile_layouts(void)
{
    char message[512];
    struct bs_backup_layout *layout = open_layout(FIXTURES "/backup_hostile_fileid", BS_OK);
    if (layout != NULL) {
        struct bs_backup_file file = {0};
        CHECK_INT_EQ(find(layout, "HomeDomain", "Library/AddressBook/AddressBook.sqlitedb", &file,
                          message, sizeof(message)),
                     BS_ERR_UNSAFE);
        CHECK(strstr(message, "../../../../etc/passwd") != NULL);
        CHECK(file.path == NULL);
        bs_backup_file_clear(&file);
        CHECK_INT_EQ(find(layout, "HomeDomain", "Library/Preferences/com.apple.madrid.plist", &file,
                          message, sizeof(message)),
                     BS_ERR_UNSAFE);
        CHECK(strstr(message, "symbolic link") != NULL);
        CHECK(file.path == NULL);
        bs_backup_file_clear(&file);
        CHECK_INT_EQ(find(layout, "HomeDomain", "Library/SMS/sms.db", &file, NULL, 0), BS_OK);
        CHECK_INT_EQ(file.state, BS_BACKUP_FILE_PRESENT);
        bs_backup_file_clear(&file);
        struct bs_backup_inventory inventory;
        struct bs_error err = {BS_OK, ""};
        CHECK_INT_EQ(bs_backup_layout_inventory(layout, &inventory, &err), BS_OK);
        CHECK_INT_EQ(inventory.invalid_file_ids, 4);
        CHECK_INT_EQ(inventory.unsafe_entries, 1);
        CHECK_INT_EQ(inventory.missing_files, 0);
        bs_backup_layout_close(layout);
    }
    layout = open_layout(FIXTURES "/backup_hostile_smsdb", BS_OK);
    if (layout != NULL) {
        struct bs_backup_file file = {0};
        CHECK_INT_EQ(find(layout, "HomeDomain", "Library/SMS/sms.db", &file, NULL, 0),
                     BS_ERR_UNSAFE);
        bs_backup_file_clear(&file);
        bs_backup_layout_close(layout);
    }
    layout = open_layout(FIXTURES "/backup_symlink_smsdb", BS_OK);
    if (layout != NULL) {
        struct bs_backup_file file = {0};
        CHECK_INT_EQ(
            find(layout, "HomeDomain", "Library/SMS/sms.db", &file, message, sizeof(message)),
            BS_ERR_UNSAFE);
        CHECK(strstr(message, "symbolic link") != NULL);
        bs_backup_file_clear(&file);
        bs_backup_layout_close(layout);
    }
}

static void test_orphans_and_legacy(void)
{
    struct bs_error err = {BS_OK, ""};
    struct bs_backup_inventory inventory;
    struct bs_backup_layout *layout = open_layout(FIXTURES "/backup_orphans", BS_OK);
    if (layout != NULL) {
        struct bs_backup_file file = {0};
        CHECK_INT_EQ(
            find(layout, "HomeDomain", "Library/AddressBook/AddressBook.sqlitedb", &file, NULL, 0),
            BS_OK);
        CHECK_INT_EQ(file.state, BS_BACKUP_FILE_MISSING);
        bs_backup_file_clear(&file);
        /* Present but unlisted: found by its computed fileID, marked as not listed. */
        CHECK_INT_EQ(find(layout, "HomeDomain", "Library/Preferences/com.example.leftover.plist",
                          &file, NULL, 0),
                     BS_OK);
        CHECK_INT_EQ(file.state, BS_BACKUP_FILE_PRESENT);
        CHECK(!file.is_listed);
        bs_backup_file_clear(&file);
        CHECK_INT_EQ(bs_backup_layout_inventory(layout, &inventory, &err), BS_OK);
        CHECK_INT_EQ(inventory.listed_files, 5);
        CHECK_INT_EQ(inventory.missing_files, 3);
        CHECK_INT_EQ(inventory.unlisted_files, 3);
        bs_backup_layout_close(layout);
    }
    layout = open_layout(FIXTURES "/backup_legacy", BS_OK);
    if (layout != NULL) {
        CHECK_INT_EQ(bs_backup_layout_get_kind(layout), BS_BACKUP_LAYOUT_MBDB);
        CHECK_STR_EQ(bs_backup_layout_manifest_name(layout), "Manifest.mbdb");
        struct bs_backup_file file = {0};
        CHECK_INT_EQ(find(layout, "HomeDomain", "Library/SMS/sms.db", &file, NULL, 0), BS_OK);
        CHECK_INT_EQ(file.state, BS_BACKUP_FILE_PRESENT);
        CHECK(file.is_listed);
        CHECK(file.path != NULL &&
              ends_with(file.path, "backup_legacy/3d0d7e5fb2ce288813306e4d4636395e047a3d28"));
        bs_backup_file_clear(&file);
        CHECK_INT_EQ(find(layout, "HomeDomain", "Library/Notes/notes.sqlite", &file, NULL, 0),
                     BS_OK);
        CHECK_INT_EQ(file.state, BS_BACKUP_FILE_MISSING);
        bs_backup_file_clear(&file);
        CHECK_INT_EQ(find(layout, "HomeDomain", "Library/SMS", &file, NULL, 0), BS_ERR_UNSAFE);
        bs_backup_file_clear(&file);
        CHECK_INT_EQ(bs_backup_layout_inventory(layout, &inventory, &err), BS_OK);
        CHECK_INT_EQ(inventory.listed_files, 4);
        CHECK_INT_EQ(inventory.missing_files, 1);
        CHECK_INT_EQ(inventory.unlisted_files, 1);
        bs_backup_layout_close(layout);
    }
    layout = open_layout(FIXTURES "/backup_legacy_encrypted", BS_ERR_UNSUPPORTED);
    bs_backup_layout_close(layout);
    layout = open_layout(FIXTURES "/demo", BS_ERR_UNSUPPORTED);
    bs_backup_layout_close(layout);
    layout = open_layout(FIXTURES "/does-not-exist", BS_ERR_NOT_FOUND);
    bs_backup_layout_close(layout);
    /* The fixtures folder holds backup folders: the message says to give one of them. */
    struct bs_error message = {BS_OK, ""};
    CHECK_INT_EQ(bs_backup_layout_open(FIXTURES, NULL, &layout, &message), BS_ERR_UNSUPPORTED);
    CHECK(strstr(message.message, "a folder of backups") != NULL);
    CHECK(strstr(message.message, "such as backup_") != NULL);
}

/* ---- Folders made here: a linked folder, a linked manifest ---------------------------------- */

static void path_join(char *out, size_t size, const char *a, const char *b)
{
    (void)snprintf(out, size, "%s/%s", a, b);
}

static bool make_manifest_db(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    bool ok = sqlite3_open(path, &db) == SQLITE_OK &&
              sqlite3_exec(db,
                           "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, "
                           "relativePath TEXT, flags INTEGER, file BLOB);",
                           NULL, NULL, NULL) == SQLITE_OK &&
              sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

static void write_file(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");
    if (file != NULL) {
        fputs(text, file);
        fclose(file);
    }
}

static void test_linked_folder_leads_outside(void)
{
    char base[] = "/tmp/bs-layout-XXXXXX";
    if (mkdtemp(base) == NULL) {
        CHECK(false);
        return;
    }
    char root[256], outside[256], path[512], manifest[512], linked[512];
    path_join(root, sizeof(root), base, "backup");
    path_join(outside, sizeof(outside), base, "outside");
    mkdir(root, 0700);
    mkdir(outside, 0700);
    path_join(manifest, sizeof(manifest), root, "Manifest.db");
    CHECK(make_manifest_db(manifest,
                           "INSERT INTO Files VALUES ('3d0d7e5fb2ce288813306e4d4636395e047a3d28', "
                           "'HomeDomain', 'Library/SMS/sms.db', 1, NULL);"));
    /* <root>/3d is a link to a folder outside holding the file: a regular file by lstat, but
     * its real path is outside the backup. */
    path_join(path, sizeof(path), outside, "3d0d7e5fb2ce288813306e4d4636395e047a3d28");
    write_file(path, "not evidence");
    path_join(linked, sizeof(linked), root, "3d");
    CHECK(symlink(outside, linked) == 0);

    struct bs_backup_layout *layout = open_layout(root, BS_OK);
    if (layout != NULL) {
        char message[512];
        struct bs_backup_file file = {0};
        CHECK_INT_EQ(
            find(layout, "HomeDomain", "Library/SMS/sms.db", &file, message, sizeof(message)),
            BS_ERR_UNSAFE);
        CHECK(strstr(message, "outside the backup folder") != NULL);
        CHECK(file.path == NULL);
        bs_backup_file_clear(&file);
        struct bs_backup_inventory inventory;
        struct bs_error err = {BS_OK, ""};
        CHECK_INT_EQ(bs_backup_layout_inventory(layout, &inventory, &err), BS_OK);
        CHECK_INT_EQ(inventory.unsafe_entries, 1); /* the linked folder, never walked */
        CHECK_INT_EQ(inventory.missing_files, 1);
        bs_backup_layout_close(layout);
    }
    unlink(linked);
    unlink(path);
    unlink(manifest);

    /* A Manifest.db that is itself a link is refused before SQLite sees it. */
    char target[512];
    path_join(target, sizeof(target), outside, "Manifest.db");
    CHECK(make_manifest_db(target, "SELECT 1;"));
    CHECK(symlink(target, manifest) == 0);
    layout = open_layout(root, BS_ERR_UNSAFE);
    bs_backup_layout_close(layout);
    unlink(manifest);
    unlink(target);

    /* A Manifest.db without a Files table is not a backup manifest. */
    sqlite3 *db = NULL;
    if (sqlite3_open(manifest, &db) == SQLITE_OK) {
        sqlite3_exec(db, "CREATE TABLE Other (x);", NULL, NULL, NULL);
    }
    sqlite3_close(db);
    layout = open_layout(root, BS_ERR_FORMAT);
    bs_backup_layout_close(layout);
    unlink(manifest);

    /* A Manifest.db that is not SQLite at all (an encrypted one without its Manifest.plist). */
    write_file(manifest, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456"
                         "789abcdef0123456789abcdef0123456789abcdef");
    layout = open_layout(root, BS_ERR_FORMAT);
    bs_backup_layout_close(layout);
    unlink(manifest);
    rmdir(root);
    rmdir(outside);
    rmdir(base);
}

/* Manifest.db handed over as an image in memory (the fuzz target's way in): located and
 * inventoried against the folder like a file on disk; a bad image or folder fails cleanly and
 * the image is freed either way (ASan checks the leak). */
static void *manifest_image(const char *sql, size_t *size)
{
    sqlite3 *db = NULL;
    void *copy = NULL;
    sqlite3_int64 length = 0;
    if (sqlite3_open(":memory:", &db) == SQLITE_OK &&
        sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK) {
        unsigned char *bytes = sqlite3_serialize(db, "main", &length, 0);
        copy = bytes != NULL ? malloc((size_t)length) : NULL;
        if (copy != NULL) {
            memcpy(copy, bytes, (size_t)length);
            *size = (size_t)length;
        }
        sqlite3_free(bytes);
    }
    sqlite3_close(db);
    return copy;
}

static void test_manifest_image(void)
{
    char root[] = "/tmp/bs-layout-image-XXXXXX";
    if (mkdtemp(root) == NULL) {
        CHECK(false);
        return;
    }
    size_t size = 0;
    void *image = manifest_image(
        "CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, "
        "flags INTEGER, file BLOB);"
        "INSERT INTO Files VALUES ('3d0d7e5fb2ce288813306e4d4636395e047a3d28', 'HomeDomain', "
        "'Library/SMS/sms.db', 1, NULL);",
        &size);
    CHECK(image != NULL);
    struct bs_error err = {BS_OK, ""};
    struct bs_backup_layout *layout = NULL;
    CHECK_INT_EQ(bs_backup_layout_open_manifest_image(root, image, size, NULL, NULL, &layout, &err),
                 BS_OK);
    if (layout != NULL) {
        struct bs_backup_file file = {0};
        CHECK_INT_EQ(bs_backup_layout_find(layout, "HomeDomain", "Library/SMS/sms.db", &file, &err),
                     BS_OK);
        CHECK_INT_EQ(file.state, BS_BACKUP_FILE_MISSING);
        CHECK(file.is_listed);
        bs_backup_file_clear(&file);
        struct bs_backup_inventory inventory;
        CHECK_INT_EQ(bs_backup_layout_inventory(layout, &inventory, &err), BS_OK);
        CHECK_INT_EQ(inventory.listed_files, 1);
        CHECK_INT_EQ(inventory.missing_files, 1);
        bs_backup_layout_close(layout);
    }
    layout = NULL;
    image = manifest_image("CREATE TABLE Other (x);", &size);
    CHECK_INT_EQ(bs_backup_layout_open_manifest_image(root, image, size, NULL, NULL, &layout, &err),
                 BS_ERR_FORMAT);
    CHECK(layout == NULL && strstr(err.message, "Manifest.db") != NULL);
    image = malloc(64);
    memset(image, 'x', 64);
    CHECK_INT_EQ(bs_backup_layout_open_manifest_image(root, image, 64, NULL, NULL, &layout, &err),
                 BS_ERR_FORMAT);
    image = manifest_image("CREATE TABLE Other (x);", &size);
    CHECK_INT_EQ(bs_backup_layout_open_manifest_image("/nonexistent/bs-backup", image, size, NULL,
                                                      NULL, &layout, &err),
                 BS_ERR_NOT_FOUND);
    CHECK(layout == NULL);
    rmdir(root);
}

static int count_entries(const char *folder)
{
    int count = 0;
    DIR *dir = opendir(folder);
    const struct dirent *entry;
    while (dir != NULL && (entry = readdir(dir)) != NULL) {
        count += entry->d_name[0] != '.' ? 1 : 0;
    }
    if (dir != NULL) {
        closedir(dir);
    }
    return count;
}

/* A located database is opened through a descriptor checked against what the layout checked:
 * nothing appears beside it, and a file put in its place after the check is refused rather
 * than opened (no check-then-open race). */
static void test_open_db_is_the_checked_file(void)
{
    char base[] = "/tmp/bs-layout-XXXXXX";
    if (mkdtemp(base) == NULL) {
        CHECK(false);
        return;
    }
    char folder[256], manifest[512], located[512], other[512];
    path_join(folder, sizeof(folder), base, "3d");
    mkdir(folder, 0700);
    path_join(manifest, sizeof(manifest), base, "Manifest.db");
    path_join(located, sizeof(located), folder, "3d0d7e5fb2ce288813306e4d4636395e047a3d28");
    path_join(other, sizeof(other), base, "other.db");
    CHECK(make_manifest_db(manifest,
                           "INSERT INTO Files VALUES ('3d0d7e5fb2ce288813306e4d4636395e047a3d28', "
                           "'HomeDomain', 'Library/SMS/sms.db', 1, NULL);"));
    CHECK(make_manifest_db(located, "SELECT 1;"));
    CHECK(make_manifest_db(other, "SELECT 1;"));

    struct bs_backup_layout *layout = open_layout(base, BS_OK);
    if (layout != NULL) {
        struct bs_backup_file file = {0};
        struct bs_error err = {BS_OK, ""};
        struct bs_sqlite_db *db = NULL;
        CHECK_INT_EQ(find(layout, "HomeDomain", "Library/SMS/sms.db", &file, NULL, 0), BS_OK);
        CHECK(file.has_identity);
        CHECK_INT_EQ(bs_backup_file_open_db(&file, NULL, NULL, &db, &err), BS_OK);
        CHECK(db != NULL && bs_sqlite_db_has_table(db, "Files"));
        CHECK_INT_EQ(count_entries(folder), 1); /* no -journal, -wal or -shm beside it */
        bs_sqlite_db_close(db);
        db = NULL;

        CHECK(rename(other, located) == 0); /* swapped in after the check */
        CHECK_INT_EQ(bs_backup_file_open_db(&file, NULL, NULL, &db, &err), BS_ERR_UNSAFE);
        CHECK(strstr(err.message, "replaced after it was checked") != NULL);
        CHECK(db == NULL);
        uint8_t *bytes = NULL;
        size_t size = 0;
        CHECK_INT_EQ(bs_backup_file_read(&file, 1 << 20, &bytes, &size, &err), BS_ERR_UNSAFE);
        CHECK(bytes == NULL);

        CHECK(unlink(located) == 0);
        CHECK(symlink(manifest, located) == 0); /* a link now: never followed */
        CHECK_INT_EQ(bs_backup_file_open_db(&file, NULL, NULL, &db, &err), BS_ERR_UNSAFE);
        CHECK(db == NULL);
        bs_backup_file_clear(&file);
        bs_backup_layout_close(layout);
    }
    unlink(located);
    unlink(manifest);
    rmdir(folder);
    rmdir(base);
}

int main(void)
{
    test_file_id_validation();
    test_mbdb_records();
    test_mbdb_headers();
    test_mbdb_truncated();
    test_mbdb_hostile_lengths();
    test_demo_layout();
    test_hostile_layouts();
    test_orphans_and_legacy();
    test_linked_folder_leads_outside();
    test_manifest_image();
    test_open_db_is_the_checked_file();
    return check_report("backup_layout");
}
