/* Unit tests for core/backup_decrypt, and the encrypted-backup flow through bs_scan_run:
 * Manifest.plist keys (good and broken), MBFile records in every shape an archive may take,
 * in-place decryption of the built encrypted fixtures (padded and unpadded, a ManifestKey that
 * does not fit its Manifest.db), whole scans of the encrypted twins against their plain
 * folders with the password callbacks, and the cross-check on pyiosbackup's public vectors in
 * ../shared (password "0000"; skipped when absent): its encrypted Manifest.db decrypts through
 * this module to a file starting "SQLite format 3". Also the read path of the cipher VFS
 * (core/store/sqlite_vfs.c) on the encrypted demo's sms.db with its own key: random and edge
 * ranges against the whole-file decryption, and a connection through it. */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "core/backup/backup_decrypt.h"
#include "core/scan/scan.h"
#include "core/store/sqlite_db.h"
#include "core/store/sqlite_vfs.h"
#include "core/store/wal_apply.h"

#define FIXTURES     BS_FIXTURE_DIR
#define REALDATA_DIR BS_SHARED_DIR "/realdata/pyiosbackup-encrypted"

/* ---- helpers ------------------------------------------------------------------------------ */

static bool read_whole(const char *path, uint8_t **bytes, size_t *size)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        return false;
    }
    size_t capacity = 1 << 16;
    size_t length = 0;
    uint8_t *buffer = malloc(capacity);
    while (buffer != NULL) {
        length += fread(buffer + length, 1, capacity - length, file);
        if (length < capacity) {
            break;
        }
        uint8_t *grown = realloc(buffer, capacity * 2);
        if (grown == NULL) {
            free(buffer);
            buffer = NULL;
            break;
        }
        buffer = grown;
        capacity *= 2;
    }
    (void)fclose(file);
    *bytes = buffer;
    *size = length;
    return buffer != NULL;
}

static bool read_fixture(const char *relative, uint8_t **bytes, size_t *size)
{
    char path[1024];
    (void)snprintf(path, sizeof(path), "%s/%s", FIXTURES, relative);
    bool ok = read_whole(path, bytes, size);
    if (!ok) {
        fprintf(stderr, "cannot read fixture %s\n", path);
    }
    return ok;
}

/* The fixtures' password: backup_encrypted.password without its trailing newline. */
static size_t fixture_password(char *out, size_t capacity)
{
    uint8_t *bytes = NULL;
    size_t size = 0;
    if (!read_fixture("backup_encrypted.password", &bytes, &size)) {
        return 0;
    }
    while (size > 0 && (bytes[size - 1] == '\n' || bytes[size - 1] == '\r')) {
        size--;
    }
    size_t length = size < capacity ? size : 0;
    memcpy(out, bytes, length);
    free(bytes);
    return length;
}

static void base64(const uint8_t *bytes, size_t size, char *out, size_t capacity)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = 0;
    for (size_t i = 0; i < size && n + 5 < capacity; i += 3) {
        uint32_t v = (uint32_t)bytes[i] << 16;
        if (i + 1 < size) {
            v |= (uint32_t)bytes[i + 1] << 8;
        }
        if (i + 2 < size) {
            v |= bytes[i + 2];
        }
        out[n++] = alphabet[(v >> 18) & 63];
        out[n++] = alphabet[(v >> 12) & 63];
        out[n++] = i + 1 < size ? alphabet[(v >> 6) & 63] : '=';
        out[n++] = i + 2 < size ? alphabet[v & 63] : '=';
    }
    out[n] = '\0';
}

static enum bs_status parse_xml(const char *xml, struct bs_plist **out, struct bs_error *err)
{
    return bs_plist_parse(xml, strlen(xml), out, err);
}

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?><plist version=\"1.0\">"
#define XML_TAIL "</plist>"

/* A minimal valid keybag: SALT and ITER, no class record. */
static size_t small_keybag(uint8_t *out)
{
    static const uint8_t bytes[] = {
        'S', 'A', 'L', 'T', 0, 0, 0, 4, 1, 2, 3, 4, 'I', 'T', 'E', 'R', 0, 0, 0, 4, 0, 0, 0, 10,
    };
    memcpy(out, bytes, sizeof(bytes));
    return sizeof(bytes);
}

/* ---- Manifest.plist ----------------------------------------------------------------------- */

static enum bs_status manifest_case(const char *body, struct bs_backup_encryption *encryption,
                                    char *message, size_t message_size)
{
    char xml[4096];
    (void)snprintf(xml, sizeof(xml), XML_HEAD "<dict>%s</dict>" XML_TAIL, body);
    struct bs_plist *plist = NULL;
    struct bs_error err = {BS_OK, ""};
    enum bs_status status = parse_xml(xml, &plist, &err);
    if (status == BS_OK) {
        status = bs_backup_decrypt_read_manifest_plist(plist, encryption, &err);
    }
    bs_plist_free(plist);
    (void)snprintf(message, message_size, "%s", err.message);
    return status;
}

static void test_manifest_plist(void)
{
    uint8_t keybag[64];
    size_t keybag_size = small_keybag(keybag);
    char keybag64[128];
    base64(keybag, keybag_size, keybag64, sizeof(keybag64));
    uint8_t key[BS_KEYBAG_WRAPPED_VALUE_BYTES];
    memset(key, 0xAB, sizeof(key));
    key[0] = 4;
    key[1] = key[2] = key[3] = 0;
    char key64[128];
    base64(key, sizeof(key), key64, sizeof(key64));
    char short64[128];
    base64(key, sizeof(key) - 1, short64, sizeof(short64));

    struct bs_backup_encryption encryption;
    char message[512];
    char body[1024];
    CHECK_INT_EQ(
        manifest_case("<key>IsEncrypted</key><true/>", &encryption, message, sizeof(message)),
        BS_ERR_FORMAT);
    CHECK(strstr(message, "holds no BackupKeyBag") != NULL);
    CHECK_INT_EQ(manifest_case("<key>BackupKeyBag</key><string>x</string>", &encryption, message,
                               sizeof(message)),
                 BS_ERR_FORMAT);
    CHECK(strstr(message, "BackupKeyBag is of type string, not data") != NULL);
    CHECK_INT_EQ(manifest_case("<key>BackupKeyBag</key><data>AAAA</data>", &encryption, message,
                               sizeof(message)),
                 BS_ERR_FORMAT);
    CHECK(strstr(message, "Manifest.plist: BackupKeyBag") != NULL);

    /* A keybag alone: files are encrypted, Manifest.db is not (iOS 10.0-10.1). */
    (void)snprintf(body, sizeof(body), "<key>BackupKeyBag</key><data>%s</data>", keybag64);
    memset(&encryption, 0, sizeof(encryption));
    CHECK_INT_EQ(manifest_case(body, &encryption, message, sizeof(message)), BS_OK);
    CHECK(!encryption.has_manifest_key);
    CHECK_INT_EQ(encryption.keybag.iteration_count, 10);
    CHECK(!bs_keybag_has_sha256_stage(&encryption.keybag));

    (void)snprintf(body, sizeof(body),
                   "<key>BackupKeyBag</key><data>%s</data><key>ManifestKey</key><data>%s</data>",
                   keybag64, key64);
    CHECK_INT_EQ(manifest_case(body, &encryption, message, sizeof(message)), BS_OK);
    CHECK(encryption.has_manifest_key);
    CHECK_INT_EQ(encryption.manifest_key.protection_class, 4);
    CHECK_INT_EQ(encryption.manifest_key.wrapped_key[0], 0xAB);

    (void)snprintf(body, sizeof(body),
                   "<key>BackupKeyBag</key><data>%s</data><key>ManifestKey</key><data>%s</data>",
                   keybag64, short64);
    CHECK_INT_EQ(manifest_case(body, &encryption, message, sizeof(message)), BS_ERR_FORMAT);
    CHECK(strstr(message, "ManifestKey") != NULL);
    (void)snprintf(body, sizeof(body),
                   "<key>BackupKeyBag</key><data>%s</data><key>ManifestKey</key><integer>4"
                   "</integer>",
                   keybag64);
    CHECK_INT_EQ(manifest_case(body, &encryption, message, sizeof(message)), BS_ERR_FORMAT);
    CHECK(strstr(message, "ManifestKey is of type integer, not data") != NULL);
}

/* ---- MBFile records ------------------------------------------------------------------------ */

/* An XML keyed archive: $objects is given, $top.root is UID 1 unless top says otherwise. */
static enum bs_status mbfile_case(const char *objects, const char *top,
                                  struct bs_backup_file_key *key, char *message,
                                  size_t message_size)
{
    char xml[8192];
    (void)snprintf(
        xml, sizeof(xml),
        XML_HEAD "<dict><key>$archiver</key><string>NSKeyedArchiver</string>"
                 "<key>$version</key><integer>100000</integer>"
                 "<key>$top</key><dict>%s</dict>"
                 "<key>$objects</key><array><string>$null</string>%s</array>"
                 "</dict>" XML_TAIL,
        top != NULL ? top : "<key>root</key><dict><key>CF$UID</key><integer>1</integer></dict>",
        objects);
    struct bs_error err = {BS_OK, ""};
    enum bs_status status = bs_backup_decrypt_mbfile_key(xml, strlen(xml), key, &err);
    (void)snprintf(message, message_size, "%s", err.message);
    return status;
}

#define UID(n) "<dict><key>CF$UID</key><integer>" #n "</integer></dict>"

static void test_mbfile_keys(void)
{
    uint8_t value[BS_KEYBAG_WRAPPED_VALUE_BYTES];
    memset(value, 0x5A, sizeof(value));
    value[0] = 3;
    value[1] = value[2] = value[3] = 0;
    char value64[128];
    base64(value, sizeof(value), value64, sizeof(value64));
    char short64[128];
    base64(value, 40, short64, sizeof(short64));
    char objects[4096];
    char message[512];
    struct bs_backup_file_key key;

    /* As a device writes it: EncryptionKey -> NSMutableData {NS.data, $class}. */
    (void)snprintf(objects, sizeof(objects),
                   "<dict><key>RelativePath</key>" UID(
                       2) "<key>ProtectionClass</key><integer>3"
                          "</integer><key>Size</key><integer>7</integer><key>EncryptionKey</"
                          "key>" UID(3) "<key>$class</key>" UID(
                              5) "</dict>"
                                 "<string>Library/SMS/sms.db</string>"
                                 "<dict><key>NS.data</key><data>%s</data><key>$class</key>" UID(
                                     4) "</dict>"
                                        "<dict><key>$classname</key><string>NSMutableData</"
                                        "string></dict>"
                                        "<dict><key>$classname</key><string>MBFile</string></dict>",
                   value64);
    memset(&key, 0, sizeof(key));
    CHECK_INT_EQ(mbfile_case(objects, NULL, &key, message, sizeof(message)), BS_OK);
    CHECK(key.has_key);
    CHECK_INT_EQ(key.wrapped.protection_class, 3);
    CHECK_INT_EQ(key.wrapped.wrapped_key[39], 0x5A);

    /* EncryptionKey as a plain NSData object. */
    (void)snprintf(objects, sizeof(objects),
                   "<dict><key>EncryptionKey</key>" UID(2) "</dict><data>%s</data>", value64);
    memset(&key, 0, sizeof(key));
    CHECK_INT_EQ(mbfile_case(objects, NULL, &key, message, sizeof(message)), BS_OK);
    CHECK(key.has_key);

    /* A folder: no EncryptionKey, no key, no error. */
    key.has_key = true;
    CHECK_INT_EQ(mbfile_case("<dict><key>Mode</key><integer>16877</integer></dict>", NULL, &key,
                             message, sizeof(message)),
                 BS_OK);
    CHECK(!key.has_key);

    /* A key of the wrong size, a dangling reference, a root that is no object. */
    (void)snprintf(objects, sizeof(objects),
                   "<dict><key>EncryptionKey</key>" UID(2) "</dict><data>%s</data>", short64);
    CHECK_INT_EQ(mbfile_case(objects, NULL, &key, message, sizeof(message)), BS_ERR_FORMAT);
    CHECK(strstr(message, "EncryptionKey") != NULL);
    CHECK_INT_EQ(mbfile_case("<dict><key>EncryptionKey</key>" UID(9) "</dict>", NULL, &key, message,
                             sizeof(message)),
                 BS_ERR_FORMAT);
    CHECK(strstr(message, "outside $objects") != NULL);
    CHECK_INT_EQ(mbfile_case("<string>MBFile</string>", NULL, &key, message, sizeof(message)),
                 BS_ERR_FORMAT);
    CHECK(strstr(message, "not an MBFile") != NULL);
    CHECK_INT_EQ(mbfile_case("<dict/>", "<key>other</key>" UID(1), &key, message, sizeof(message)),
                 BS_ERR_FORMAT);
    CHECK(strstr(message, "MBFile") != NULL);

    /* Not an archive, not a plist, too large. */
    struct bs_error err = {BS_OK, ""};
    /* A keyed archive whose $top has no root: the status returned and the error's agree
     * (fuzz_mbfile found the error left at BS_ERR_NOT_FOUND). */
    const char *no_root = XML_HEAD "<dict><key>$archiver</key><string>NSKeyedArchiver</string>"
                                   "<key>$top</key><dict/><key>$objects</key><array>"
                                   "<string>$null</string></array></dict>" XML_TAIL;
    CHECK_INT_EQ(bs_backup_decrypt_mbfile_key(no_root, strlen(no_root), &key, &err), BS_ERR_FORMAT);
    CHECK_INT_EQ(err.status, BS_ERR_FORMAT);
    const char *plain = XML_HEAD "<dict><key>a</key><integer>1</integer></dict>" XML_TAIL;
    CHECK_INT_EQ(bs_backup_decrypt_mbfile_key(plain, strlen(plain), &key, &err), BS_ERR_FORMAT);
    CHECK_INT_EQ(bs_backup_decrypt_mbfile_key("garbage!garbage!", 16, &key, &err), BS_ERR_FORMAT);
    static uint8_t big[BS_MAX_MBFILE_BYTES + 1];
    CHECK_INT_EQ(bs_backup_decrypt_mbfile_key(big, sizeof(big), &key, &err), BS_ERR_LIMIT);
}

/* ---- the built encrypted fixtures ------------------------------------------------------------ */

struct unlocked {
    struct bs_backup_encryption encryption;
    struct bs_backup_keys *keys;
};

static bool unlock_fixture(const char *name, struct unlocked *out)
{
    char relative[256];
    uint8_t *bytes = NULL;
    size_t size = 0;
    struct bs_plist *plist = NULL;
    struct bs_error err = {BS_OK, ""};
    char password[256];
    size_t password_bytes = fixture_password(password, sizeof(password));
    memset(out, 0, sizeof(*out));
    (void)snprintf(relative, sizeof(relative), "%s/Manifest.plist", name);
    bool ok = password_bytes > 0 && read_fixture(relative, &bytes, &size) &&
              bs_plist_parse(bytes, size, &plist, &err) == BS_OK &&
              bs_backup_decrypt_read_manifest_plist(plist, &out->encryption, &err) == BS_OK &&
              bs_backup_keys_create_from_password(&out->encryption.keybag, password, password_bytes,
                                                  NULL, NULL, &out->keys, &err) == BS_OK;
    if (!ok) {
        fprintf(stderr, "%s: %s\n", name, err.message);
    }
    bs_plist_free(plist);
    free(bytes);
    return ok;
}

static void test_fixture_images(void)
{
    struct unlocked demo;
    struct unlocked unpadded;
    uint8_t *image = NULL;
    size_t size = 0;
    size_t plain = 0;
    struct bs_error err = {BS_OK, ""};
    if (!unlock_fixture("backup_encrypted_demo", &demo) ||
        !unlock_fixture("backup_encrypted_unpadded", &unpadded)) {
        CHECK(false);
        return;
    }
    /* What the generator writes: a real-looking keybag with a SHA-256 stage, ManifestKey
     * of class 4, eleven password-wrapped class keys. */
    CHECK(bs_keybag_has_sha256_stage(&demo.encryption.keybag));
    CHECK_INT_EQ(demo.encryption.keybag.dp_iteration_count, 1000);
    CHECK_INT_EQ(demo.encryption.keybag.iteration_count, 10);
    CHECK(demo.encryption.has_manifest_key);
    CHECK_INT_EQ(demo.encryption.manifest_key.protection_class, 4);
    CHECK_INT_EQ(bs_backup_keys_class_count(demo.keys), 11);

    /* Padded Manifest.db: the pad block goes; a WAL-mode header, as real ones have. */
    CHECK(read_fixture("backup_encrypted_demo/Manifest.db", &image, &size));
    CHECK_INT_EQ(
        bs_backup_decrypt_manifest_db(demo.keys, &demo.encryption, image, size, &plain, &err),
        BS_OK);
    CHECK_INT_EQ(plain, size - 16);
    CHECK(plain % 512 == 0 && memcmp(image, "SQLite format 3", 16) == 0);
    CHECK(image[18] == 2 && image[19] == 2);

    /* Its sms.db row: the MBFile names class 4; the file decrypts to whole SQLite pages. */
    struct bs_sqlite_db *db = NULL;
    struct bs_sqlite_query *query = NULL;
    struct bs_backup_file_key key;
    memset(&key, 0, sizeof(key));
    bool has_row = false;
    CHECK_INT_EQ(bs_sqlite_db_open_memory(image, plain, NULL, &db, &err), BS_OK);
    image = NULL; /* the connection owns it */
    CHECK_INT_EQ(bs_sqlite_query_prepare(db,
                                         "SELECT file FROM Files WHERE relativePath = "
                                         "'Library/SMS/sms.db'",
                                         &query, &err),
                 BS_OK);
    CHECK(query != NULL && bs_sqlite_query_step(query, &has_row, &err) == BS_OK && has_row);
    if (has_row) {
        size_t blob_size = 0;
        const char *blob = bs_sqlite_query_text(query, 0, &blob_size);
        CHECK_INT_EQ(bs_backup_decrypt_mbfile_key(blob, blob_size, &key, &err), BS_OK);
    }
    bs_sqlite_query_free(query);
    bs_sqlite_db_close(db);
    CHECK(key.has_key && key.wrapped.protection_class == 4);
    CHECK(read_fixture("backup_encrypted_demo/3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28", &image,
                       &size));
    CHECK_INT_EQ(bs_backup_decrypt_image(demo.keys, &key.wrapped, image, size,
                                         BS_BACKUP_CRYPTO_PAD_SQLITE, &plain, &err),
                 BS_OK);
    CHECK(plain == size - 16 && memcmp(image, "SQLite format 3", 16) == 0);
    free(image);
    image = NULL;

    /* Unpadded: nothing is cut. */
    CHECK(read_fixture("backup_encrypted_unpadded/Manifest.db", &image, &size));
    CHECK_INT_EQ(bs_backup_decrypt_manifest_db(unpadded.keys, &unpadded.encryption, image, size,
                                               &plain, &err),
                 BS_OK);
    CHECK(plain == size && memcmp(image, "SQLite format 3", 16) == 0);
    free(image);
    image = NULL;

    /* A ManifestKey from another backup: it unwraps, but what it decrypts is no database. */
    CHECK(read_fixture("backup_encrypted_unpadded/Manifest.db", &image, &size));
    CHECK_INT_EQ(
        bs_backup_decrypt_manifest_db(demo.keys, &demo.encryption, image, size, &plain, &err),
        BS_ERR_FORMAT);
    CHECK(strstr(err.message, "does not decrypt to a SQLite database") != NULL);
    /* A size that is no AES ciphertext. */
    CHECK_INT_EQ(
        bs_backup_decrypt_manifest_db(demo.keys, &demo.encryption, image, size - 1, &plain, &err),
        BS_ERR_FORMAT);
    /* A class the keybag lacks. */
    struct bs_keybag_wrapped_key missing = demo.encryption.manifest_key;
    missing.protection_class = 99;
    CHECK_INT_EQ(bs_backup_decrypt_image(demo.keys, &missing, image, size,
                                         BS_BACKUP_CRYPTO_PAD_IF_VALID, &plain, &err),
                 BS_ERR_FORMAT);
    free(image);

    /* The wrong password is known right after derivation. */
    struct bs_backup_keys *keys = NULL;
    CHECK_INT_EQ(bs_backup_keys_create_from_password(&demo.encryption.keybag, "correct horse", 13,
                                                     NULL, NULL, &keys, &err),
                 BS_ERR_PASSWORD);
    CHECK(keys == NULL);
    bs_backup_keys_free(demo.keys);
    bs_backup_keys_free(unpadded.keys);
}

/* ---- whole scans -------------------------------------------------------------------------------
 */

struct password_calls {
    const char *password; /* NULL: answer "no password" */
    int reads;
    int started;
    int finished;
    uint32_t sha256_iterations;
    uint32_t sha1_iterations;
};

static enum bs_status give_password(char *password, size_t capacity, size_t *length, void *context,
                                    struct bs_error *err)
{
    struct password_calls *calls = context;
    calls->reads++;
    if (calls->password == NULL) {
        return bs_error_set(err, BS_ERR_PASSWORD, "test: no password");
    }
    size_t n = strlen(calls->password);
    if (n > capacity) {
        return bs_error_set(err, BS_ERR_PASSWORD, "test: too long");
    }
    memcpy(password, calls->password, n);
    *length = n;
    return BS_OK;
}

static void on_derivation(bool is_finished, uint32_t sha256_iterations, uint32_t sha1_iterations,
                          void *context)
{
    struct password_calls *calls = context;
    if (is_finished) {
        calls->finished++;
    } else {
        calls->started++;
        calls->sha256_iterations = sha256_iterations;
        calls->sha1_iterations = sha1_iterations;
    }
}

static enum bs_status scan_with(const char *name, struct password_calls *calls,
                                struct bs_scan_report *report, char *message, size_t size)
{
    char path[512];
    (void)snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
    struct bs_scan_request request = {
        .source_path = path,
        .default_country = "us",
        .password = {give_password, on_derivation, calls},
    };
    struct bs_error err = {BS_OK, ""};
    memset(report, 0, sizeof(*report));
    enum bs_status status = bs_scan_run(&request, report, &err);
    (void)snprintf(message, size, "%s", err.message);
    return status;
}

static void test_scans(void)
{
    char password[256];
    size_t password_bytes = fixture_password(password, sizeof(password) - 1);
    password[password_bytes] = '\0';
    static const struct {
        const char *encrypted;
        const char *plain;
        uint32_t sha256_iterations;
    } twins[] = {
        {"backup_encrypted_demo", "backup_demo", 1000},
        {"backup_encrypted_wal", "backup_wal", 1000},
        {"backup_encrypted_unpadded", "backup_demo", 1000},
        {"backup_encrypted_ios10", "backup_wal", 0},
    };
    char message[512];
    for (size_t i = 0; i < sizeof(twins) / sizeof(twins[0]); i++) {
        struct bs_scan_report plain;
        struct bs_scan_report encrypted;
        struct password_calls none = {0};
        struct password_calls calls = {.password = password};
        CHECK_INT_EQ(scan_with(twins[i].plain, &none, &plain, message, sizeof(message)), BS_OK);
        CHECK_INT_EQ(none.reads, 0); /* a plain backup never asks */
        enum bs_status status =
            scan_with(twins[i].encrypted, &calls, &encrypted, message, sizeof(message));
        if (status != BS_OK) {
            fprintf(stderr, "%s: %s\n", twins[i].encrypted, message);
        }
        CHECK_INT_EQ(status, BS_OK);
        CHECK_INT_EQ(calls.reads, 1);
        CHECK(calls.started == 1 && calls.finished == 1);
        CHECK_INT_EQ(calls.sha256_iterations, twins[i].sha256_iterations);
        CHECK_INT_EQ(calls.sha1_iterations, 10);
        CHECK(encrypted.backup.is_encrypted && !plain.backup.is_encrypted);
        CHECK(encrypted.backup.finding_count > 0 &&
              encrypted.backup.findings[0].code == BS_FINDING_BACKUP_ENCRYPTED);
        CHECK_INT_EQ(encrypted.backup.warning_count, plain.backup.warning_count);
        CHECK_INT_EQ(encrypted.result.counted_messages, plain.result.counted_messages);
        CHECK_INT_EQ(encrypted.result.thread_count, plain.result.thread_count);
        CHECK_INT_EQ(encrypted.result.handle_count, plain.result.handle_count);
        bs_scan_report_clear(&plain);
        bs_scan_report_clear(&encrypted);
    }

    /* Wrong password, no password, and a reader that has none: nothing is scanned. */
    struct bs_scan_report report;
    struct password_calls wrong = {.password = "correct horse battery staple"};
    CHECK_INT_EQ(scan_with("backup_encrypted_demo", &wrong, &report, message, sizeof(message)),
                 BS_ERR_PASSWORD);
    CHECK(strstr(message, "wrong password") != NULL);
    CHECK(wrong.started == 1 && wrong.finished == 1);
    CHECK(report.result.thread_count == 0 && !report.backup.is_backup);
    bs_scan_report_clear(&report);
    struct password_calls refuse = {0};
    CHECK_INT_EQ(scan_with("backup_encrypted_wal", &refuse, &report, message, sizeof(message)),
                 BS_ERR_PASSWORD);
    CHECK_STR_EQ(message, "test: no password");
    CHECK_INT_EQ(refuse.started, 0);
    bs_scan_report_clear(&report);
    /* A backup that cannot be opened says so before the password is asked. */
    CHECK_INT_EQ(scan_with("backup_encrypted", &refuse, &report, message, sizeof(message)),
                 BS_ERR_FORMAT);
    CHECK_INT_EQ(refuse.reads, 1);
    bs_scan_report_clear(&report);
}

/* ---- realdata: pyiosbackup's encrypted test set, password "0000" --------------------------- */

static void test_realdata(void)
{
    uint8_t *keybag = NULL;
    uint8_t *manifest_key = NULL;
    uint8_t *image = NULL;
    size_t keybag_size = 0;
    size_t key_size = 0;
    size_t size = 0;
    if (!read_whole(REALDATA_DIR "/manifest_keybag_zeros.bin", &keybag, &keybag_size)) {
        printf("backup_decrypt: %s absent: the pyiosbackup cross-check is skipped\n", REALDATA_DIR);
        return;
    }
    struct bs_backup_encryption encryption;
    struct bs_backup_keys *keys = NULL;
    struct bs_error err = {BS_OK, ""};
    memset(&encryption, 0, sizeof(encryption));
    CHECK(read_whole(REALDATA_DIR "/manifest_key_class2.bin", &manifest_key, &key_size));
    CHECK(read_whole(REALDATA_DIR "/encrypted_sqlite3_db.bin", &image, &size));
    CHECK_INT_EQ(bs_keybag_parse(keybag, keybag_size, &encryption.keybag, &err), BS_OK);
    if (manifest_key != NULL) {
        CHECK_INT_EQ(
            bs_keybag_parse_wrapped_key(manifest_key, key_size, &encryption.manifest_key, &err),
            BS_OK);
        encryption.has_manifest_key = true;
    }
    /* DPIC 10,000,000: one derivation, a few seconds. */
    CHECK_INT_EQ(
        bs_backup_keys_create_from_password(&encryption.keybag, "0000", 4, NULL, NULL, &keys, &err),
        BS_OK);
    size_t plain = 0;
    if (keys != NULL && image != NULL) {
        CHECK_INT_EQ(bs_backup_decrypt_manifest_db(keys, &encryption, image, size, &plain, &err),
                     BS_OK);
        CHECK(memcmp(image, "SQLite format 3", 16) == 0);
        CHECK_INT_EQ(plain, size); /* that Manifest.db carries no padding */
        struct bs_sqlite_db *db = NULL;
        CHECK_INT_EQ(bs_sqlite_db_open_memory(image, plain, NULL, &db, &err), BS_OK);
        image = NULL;
        CHECK(db != NULL && bs_sqlite_db_has_table(db, "Files"));
        bs_sqlite_db_close(db);
    }
    bs_backup_keys_free(keys);
    free(keybag);
    free(manifest_key);
    free(image);
}

/* ---- the cipher VFS on the demo's encrypted sms.db ----------------------------------------- */

#define DEMO_SMS "backup_encrypted_demo/3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28"

/* The file key of the row `sql` selects in the Manifest.db of fixture (unlocked as demo). */
static bool fixture_file_key(struct unlocked *demo, const char *fixture, const char *sql,
                             uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES])
{
    char manifest[256];
    (void)snprintf(manifest, sizeof(manifest), "%s/Manifest.db", fixture);
    uint8_t *image = NULL;
    size_t size = 0;
    size_t plain = 0;
    struct bs_error err = {BS_OK, ""};
    struct bs_sqlite_db *db = NULL;
    struct bs_sqlite_query *query = NULL;
    struct bs_backup_file_key file_key;
    memset(&file_key, 0, sizeof(file_key));
    bool has_row = false;
    if (!read_fixture(manifest, &image, &size) ||
        bs_backup_decrypt_manifest_db(demo->keys, &demo->encryption, image, size, &plain, &err) !=
            BS_OK ||
        bs_sqlite_db_open_memory(image, plain, NULL, &db, &err) != BS_OK) {
        return false;
    }
    if (bs_sqlite_query_prepare(db, sql, &query, &err) == BS_OK &&
        bs_sqlite_query_step(query, &has_row, &err) == BS_OK && has_row) {
        size_t blob_size = 0;
        const char *blob = bs_sqlite_query_text(query, 0, &blob_size);
        (void)bs_backup_decrypt_mbfile_key(blob, blob_size, &file_key, &err);
    }
    bs_sqlite_query_free(query);
    bs_sqlite_db_close(db);
    return file_key.has_key &&
           bs_backup_keys_unwrap_file_key(demo->keys, &file_key.wrapped, key, &err) == BS_OK;
}

#define SMS_ROW "SELECT file FROM Files WHERE relativePath = 'Library/SMS/sms.db'"
#define WAL_ROW "SELECT file FROM Files WHERE relativePath = 'Library/SMS/sms.db-wal'"

static bool demo_sms_key(struct unlocked *demo, uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES])
{
    return fixture_file_key(demo, "backup_encrypted_demo", SMS_ROW, key);
}

static int decrypt_calls;

static bool test_decrypt(void *context, const uint8_t iv[BS_SQLITE_CIPHER_BLOCK_BYTES],
                         const uint8_t *in, uint8_t *out, size_t block_count)
{
    decrypt_calls++;
    return bs_backup_crypto_decrypt_blocks(
               context, iv, in, block_count * BS_BACKUP_CRYPTO_BLOCK_BYTES, out, NULL) == BS_OK;
}

static int releases;

static void test_release(void *context)
{
    (void)context;
    releases++;
}

/* Reads [offset, offset + amount) through the open VFS file and compares it with the whole
 * decryption `plain` (plain_size bytes; header flags already as the VFS shows them). */
static void check_range(sqlite3_file *file, const uint8_t *plain, size_t plain_size, size_t offset,
                        size_t amount)
{
    uint8_t *got = malloc(amount + 1);
    CHECK(got != NULL);
    if (got == NULL) {
        return;
    }
    memset(got, 0xa5, amount + 1);
    int rc = file->pMethods->xRead(file, got, (int)amount, (sqlite3_int64)offset);
    size_t inside = offset >= plain_size ? 0 : plain_size - offset;
    if (inside > amount) {
        inside = amount;
    }
    CHECK_INT_EQ(rc, inside == amount ? SQLITE_OK : SQLITE_IOERR_SHORT_READ);
    CHECK(inside == 0 || memcmp(got, plain + offset, inside) == 0);
    bool zeros = true;
    for (size_t i = inside; i < amount; i++) {
        zeros = zeros && got[i] == 0;
    }
    CHECK(zeros);
    CHECK(got[amount] == 0xa5); /* nothing written past the buffer */
    free(got);
}

static void test_vfs_reads(void)
{
    struct unlocked demo;
    uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES];
    uint8_t *plain = NULL;
    size_t cipher_size = 0;
    size_t plain_size = 0;
    struct bs_error err = {BS_OK, ""};
    if (!unlock_fixture("backup_encrypted_demo", &demo) || !demo_sms_key(&demo, key)) {
        CHECK(false);
        return;
    }
    /* The reference: the whole file decrypted at once, its WAL flags read as rollback. */
    CHECK(read_fixture(DEMO_SMS, &plain, &cipher_size));
    CHECK_INT_EQ(bs_backup_crypto_decrypt_into(key, plain, cipher_size, BS_BACKUP_CRYPTO_PAD_SQLITE,
                                               plain, cipher_size, &plain_size, &err),
                 BS_OK);
    CHECK(plain_size == cipher_size - 16 && plain_size > 4096);
    for (size_t i = 18; i <= 19; i++) {
        plain[i] = plain[i] == 2 ? 1 : plain[i];
    }

    char path[512];
    (void)snprintf(path, sizeof(path), "%s/%s", FIXTURES, DEMO_SMS);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    CHECK(fd >= 0);
    struct bs_sqlite_cipher cipher = {
        .decrypt = test_decrypt,
        .release = test_release,
        .context = key,
        .fd = fd,
        .plaintext_size = plain_size,
    };
    char name[64];
    CHECK_INT_EQ(bs_sqlite_vfs_register(), SQLITE_OK);
    sqlite3_vfs *vfs = sqlite3_vfs_find(BS_SQLITE_VFS_NAME);
    CHECK(vfs != NULL);
    sqlite3_file *file = vfs != NULL ? calloc(1, (size_t)vfs->szOsFile) : NULL;
    CHECK(file != NULL && bs_sqlite_vfs_cipher_stage(&cipher, name, sizeof(name)));
    if (file == NULL || plain_size < 4096) {
        free(file);
        free(plain);
        (void)close(fd);
        bs_backup_keys_free(demo.keys);
        return;
    }
    int flags = 0;
    CHECK_INT_EQ(vfs->xOpen(vfs, name, file, SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_READONLY, &flags),
                 SQLITE_OK);
    CHECK(!bs_sqlite_vfs_cipher_unstage(NULL)); /* taken */
    /* A second open of a stale name is refused. */
    sqlite3_file *again = calloc(1, (size_t)vfs->szOsFile);
    CHECK(again != NULL && vfs->xOpen(vfs, name, again, SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_READONLY,
                                      &flags) == SQLITE_CANTOPEN);
    free(again);
    sqlite3_int64 size = 0;
    CHECK_INT_EQ(file->pMethods->xFileSize(file, &size), SQLITE_OK);
    CHECK_INT_EQ((long long)size, (long long)plain_size);

    check_range(file, plain, plain_size, 0, 100);                  /* the header SQLite reads */
    check_range(file, plain, plain_size, 0, 16);                   /* block 0: zero IV */
    check_range(file, plain, plain_size, 0, 4096);                 /* a whole page */
    check_range(file, plain, plain_size, 1, 1);                    /* one byte */
    check_range(file, plain, plain_size, 15, 2);                   /* across blocks 0 and 1 */
    check_range(file, plain, plain_size, plain_size - 16, 16);     /* the last block */
    check_range(file, plain, plain_size, plain_size - 4096, 4096); /* the last page */
    check_range(file, plain, plain_size, plain_size - 7, 20);      /* into the padding */
    check_range(file, plain, plain_size, plain_size - 1, 64);      /* across the end */
    check_range(file, plain, plain_size, plain_size, 16);          /* at the end */
    check_range(file, plain, plain_size, plain_size + 5, 100);     /* past it */
    check_range(file, plain, plain_size, cipher_size + 4096, 4096);
    uint32_t state = 12345;
    for (int i = 0; i < 2000; i++) {
        state = state * 1103515245u + 12345u;
        size_t offset = (state >> 8) % (plain_size + 64);
        state = state * 1103515245u + 12345u;
        size_t amount = 1 + (state >> 8) % 9000;
        check_range(file, plain, plain_size, offset, amount);
    }
    CHECK(decrypt_calls > 0);
    CHECK_INT_EQ(file->pMethods->xClose(file), SQLITE_OK);
    CHECK_INT_EQ(releases, 1);
    free(file);

    /* A whole connection through it gives what the memory image gives. */
    struct bs_sqlite_db *db = NULL;
    cipher.context = key;
    CHECK_INT_EQ(bs_sqlite_db_open_cipher(&cipher, NULL, &db, &err), BS_OK);
    (void)close(fd);
    struct bs_sqlite_query *query = NULL;
    bool has_row = false;
    long long through_vfs = -1;
    if (db != NULL &&
        bs_sqlite_query_prepare(db, "SELECT count(*) FROM message", &query, &err) == BS_OK &&
        bs_sqlite_query_step(query, &has_row, &err) == BS_OK && has_row) {
        bool is_present = false;
        through_vfs = (long long)bs_sqlite_query_int(query, 0, &is_present);
    }
    bs_sqlite_query_free(query);
    bs_sqlite_db_close(db);
    CHECK_INT_EQ(releases, 2); /* on close */
    CHECK(through_vfs > 0);
    long long in_memory = -2;
    uint8_t *copy = malloc(plain_size);
    CHECK(copy != NULL);
    if (copy != NULL) {
        memcpy(copy, plain, plain_size);
        db = NULL;
        query = NULL;
        if (bs_sqlite_db_open_memory(copy, plain_size, NULL, &db, &err) == BS_OK &&
            bs_sqlite_query_prepare(db, "SELECT count(*) FROM message", &query, &err) == BS_OK &&
            bs_sqlite_query_step(query, &has_row, &err) == BS_OK && has_row) {
            bool is_present = false;
            in_memory = (long long)bs_sqlite_query_int(query, 0, &is_present);
        }
        bs_sqlite_query_free(query);
        bs_sqlite_db_close(db);
    }
    CHECK_INT_EQ(through_vfs, in_memory);

    /* A descriptor that is gone, or a size the ciphertext cannot hold: refused, released. */
    cipher.fd = -1;
    CHECK(bs_sqlite_db_open_cipher(&cipher, NULL, &db, &err) != BS_OK);
    CHECK_INT_EQ(releases, 3);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    cipher.fd = fd;
    cipher.plaintext_size = cipher_size + 1;
    CHECK(bs_sqlite_db_open_cipher(&cipher, NULL, &db, &err) != BS_OK);
    CHECK_INT_EQ(releases, 4);
    /* A wrong key: the pages are noise, and the open says so cleanly. */
    uint8_t wrong[BS_BACKUP_CRYPTO_KEY_BYTES];
    memset(wrong, 0x42, sizeof(wrong));
    cipher.plaintext_size = plain_size;
    cipher.context = wrong;
    CHECK_INT_EQ(bs_sqlite_db_open_cipher(&cipher, NULL, &db, &err), BS_ERR_FORMAT);
    CHECK_INT_EQ(releases, 5);
    (void)close(fd);
    bs_backup_crypto_cleanse(key, sizeof(key));
    free(plain);
    bs_backup_keys_free(demo.keys);
}

/* The encrypted wal twin through the VFS with its WAL map: every read gives what bs_wal_apply
 * makes of the whole decrypted database, and the size is the committed one. */
static void test_vfs_wal(void)
{
    struct unlocked twin;
    uint8_t db_key[BS_BACKUP_CRYPTO_KEY_BYTES];
    uint8_t wal_key[BS_BACKUP_CRYPTO_KEY_BYTES];
    if (!unlock_fixture("backup_encrypted_wal", &twin) ||
        !fixture_file_key(&twin, "backup_encrypted_wal", SMS_ROW, db_key) ||
        !fixture_file_key(&twin, "backup_encrypted_wal", WAL_ROW, wal_key)) {
        CHECK(false);
        return;
    }
    const char *db_file = "backup_encrypted_wal/3d/3d0d7e5fb2ce288813306e4d4636395e047a3d28";
    uint8_t *plain = NULL;
    uint8_t *wal = NULL;
    size_t cipher_size = 0;
    size_t wal_cipher_size = 0;
    size_t plain_size = 0;
    size_t wal_size = 0;
    struct bs_error err = {BS_OK, ""};
    CHECK(read_fixture(db_file, &plain, &cipher_size));
    CHECK(read_fixture("backup_encrypted_wal/cd/cd47480f213dba9bc38ee792775d17e3f5a73a59", &wal,
                       &wal_cipher_size));
    CHECK_INT_EQ(bs_backup_crypto_decrypt_into(db_key, plain, cipher_size,
                                               BS_BACKUP_CRYPTO_PAD_SQLITE, plain, cipher_size,
                                               &plain_size, &err),
                 BS_OK);
    CHECK_INT_EQ(bs_backup_crypto_decrypt_into(wal_key, wal, wal_cipher_size,
                                               BS_BACKUP_CRYPTO_PAD_IF_VALID, wal, wal_cipher_size,
                                               &wal_size, &err),
                 BS_OK);
    struct bs_wal_map map;
    CHECK_INT_EQ(bs_wal_map_build(wal, wal_size, plain_size,
                                  bs_wal_database_page_size(plain, plain_size), &map, &err),
                 BS_OK);
    CHECK(map.frames > 0 && map.page_count > 0);
    void *image = malloc(plain_size);
    size_t image_size = plain_size;
    CHECK(image != NULL);
    if (image == NULL || map.frames == 0) {
        free(image);
        free(plain);
        free(wal);
        bs_wal_map_free(&map);
        bs_backup_keys_free(twin.keys);
        return;
    }
    memcpy(image, plain, plain_size);
    CHECK_INT_EQ(bs_wal_apply(&image, &image_size, wal, wal_size, NULL, &err), BS_OK);
    uint8_t *expected = image;
    for (size_t i = 18; i <= 19; i++) {
        expected[i] = expected[i] == 2 ? 1 : expected[i];
    }

    char path[512];
    (void)snprintf(path, sizeof(path), "%s/%s", FIXTURES, db_file);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct bs_sqlite_cipher cipher = {
        .decrypt = test_decrypt,
        .release = test_release,
        .context = db_key,
        .fd = fd,
        .plaintext_size = plain_size,
        .wal_map = &map,
        .wal = wal,
    };
    char name[64];
    sqlite3_vfs *vfs = sqlite3_vfs_find(BS_SQLITE_VFS_NAME);
    sqlite3_file *file = vfs != NULL ? calloc(1, (size_t)vfs->szOsFile) : NULL;
    int flags = 0;
    CHECK(file != NULL && bs_sqlite_vfs_cipher_stage(&cipher, name, sizeof(name)) &&
          vfs->xOpen(vfs, name, file, SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_READONLY, &flags) ==
              SQLITE_OK);
    if (file != NULL && file->pMethods != NULL) {
        sqlite3_int64 size = 0;
        CHECK_INT_EQ(file->pMethods->xFileSize(file, &size), SQLITE_OK);
        CHECK_INT_EQ((long long)size, (long long)image_size);
        for (size_t offset = 0; offset < image_size; offset += 4096) {
            check_range(file, expected, image_size, offset, 4096); /* each page */
        }
        check_range(file, expected, image_size, 0, 100);
        check_range(file, expected, image_size, 4000, 200); /* across a page from the WAL */
        check_range(file, expected, image_size, image_size - 10, 100);
        uint32_t state = 99;
        for (int i = 0; i < 1000; i++) {
            state = state * 1103515245u + 12345u;
            size_t offset = (state >> 8) % (image_size + 64);
            state = state * 1103515245u + 12345u;
            check_range(file, expected, image_size, offset, 1 + (state >> 8) % 12000);
        }
        int before = releases;
        CHECK_INT_EQ(file->pMethods->xClose(file), SQLITE_OK);
        CHECK_INT_EQ(releases, before + 1);
    }
    free(file);
    (void)close(fd);
    bs_wal_map_free(&map);
    free(image);
    free(plain);
    free(wal);
    bs_backup_keys_free(twin.keys);
}

int main(void)
{
    test_manifest_plist();
    test_mbfile_keys();
    test_fixture_images();
    test_vfs_reads();
    test_vfs_wal();
    test_scans();
    test_realdata();
    return check_report("backup_decrypt");
}
