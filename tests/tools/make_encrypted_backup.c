/*
 * make_encrypted_backup: build-time tool that turns a plain fixture backup folder (iOS 10+
 * layout, as fixtures/backups builds them) into its encrypted twin, the way an iPhone writes
 * one (SPEC 6, reference/backup-format.md section 2):
 *
 *   make_encrypted_backup --from PLAIN --out OUT --password-file FILE
 *                         [--dpic N] [--iter N] [--seed N] [--unpadded] [--plain-manifest-db]
 *
 *   - a backup keybag (big-endian TLV): VERS, TYPE 1, UUID, HMCK, WRAP, SALT, ITER and, unless
 *     --dpic 0, DPWT/DPIC/DPSL; then eleven class records whose keys are wrapped (RFC 3394)
 *     with the key the password derives (PBKDF2-SHA256 over DPSL/DPIC, then PBKDF2-SHA1 over
 *     SALT/ITER). Low counts keep tests fast: the default is DPIC 1000, ITER 10 (real backups:
 *     10,000,000 and 10,000, which --dpic/--iter can give for measurements);
 *   - every file listed in Manifest.db encrypted with its own random key (AES-256-CBC, zero IV,
 *     PKCS#7), that key wrapped with the key of its protection class, and its Files.file blob
 *     rewritten as the NSKeyedArchiver MBFile record a device writes (EncryptionKey = 4-byte
 *     little-endian class + wrapped key, ProtectionClass, Size, Mode, ...); files in the folder
 *     that Manifest.db does not list are encrypted with a key nobody keeps;
 *   - the hostile rows of a fixture kept hostile: a row whose fileID is not 40 lower-case hex
 *     keeps its record with nothing stored; a stored link, or a file whose <xx> folder is a
 *     link, is linked again the same way (what it points to is never read or written);
 *   - Manifest.db rebuilt in memory with those records, its header marked WAL-mode as real
 *     ones are, then encrypted with the ManifestKey (class 4) unless --plain-manifest-db (an
 *     iOS 10.0-10.1 backup, whose Manifest.db is plain);
 *   - Manifest.plist: the plain one (its Lockdown facts and dates) with IsEncrypted true,
 *     BackupKeyBag and ManifestKey; Info.plist and Status.plist copied (never encrypted).
 * --unpadded leaves out the final padding block of every SQLite database (Manifest.db
 * included), as some synthetic backups do; --seed N makes the output byte-for-byte
 * reproducible (keys and salts from a seeded generator: test data only, never real keys).
 * The password file holds the password; one trailing LF or CR LF is not part of it.
 *
 * A test tool, not part of the scanner: it links scanner_core for the crypto (backup_crypto.h:
 * derivation, wrap, encrypt, random, fileIDs) and uses SQLite and libplist directly. The
 * folder is built in OUT.work and renamed to OUT at the end; OUT and OUT.work must not exist.
 * Exit 0 on success, 1 on failure, 2 on a usage error.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dirent.h>
#include <plist/plist.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "core/backup/backup_crypto.h"
#include "core/backup/keybag.h"
#include "core/base/limits.h"
#include "fixture_crypto.h"

static const char program_name[] = "make_encrypted_backup";

#define CLASS_COUNT     11
#define MANIFEST_CLASS  4u
#define SALT_BYTES      20
#define FIXED_TIME_UNIX 1771614240u /* 2026-02-20T19:04:00Z: every MBFile date */
#define MAX_PATH_BYTES  4096
#define MAX_INPUT_BYTES ((size_t)4 * 1024 * 1024 * 1024)
#define WRAPPED_VALUE   BS_KEYBAG_WRAPPED_VALUE_BYTES

struct options {
    const char *from;
    const char *out;
    const char *password_file;
    uint32_t dpic;
    uint32_t iter;
    bool has_seed;
    uint64_t seed;
    bool unpadded;
    bool plain_manifest_db;
};

/* Keys and salts: the CSPRNG, or a seeded splitmix64 stream for reproducible fixtures. */
struct rng {
    bool is_seeded;
    uint64_t state;
};

struct tlv {
    uint8_t *data;
    size_t length;
    size_t capacity;
    bool failed;
};

struct class_key {
    uint32_t protection_class;
    uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES];
};

struct builder {
    const struct options *options;
    struct rng rng;
    char work[MAX_PATH_BYTES]; /* OUT.work */
    struct class_key classes[CLASS_COUNT];
    uint64_t inode;
    size_t files_encrypted;
    size_t orphans_encrypted;
};

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fprintf(stderr, "%s: ", program_name);
    vfprintf(stderr, fmt, args);
    fputc('\n', stderr);
    va_end(args);
}

static bool join(char *out, size_t size, const char *a, const char *b)
{
    int n = snprintf(out, size, "%s/%s", a, b);
    if (n < 0 || (size_t)n >= size) {
        fail("path too long: %s/%s", a, b);
        return false;
    }
    return true;
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static bool random_fill(struct rng *rng, void *out, size_t size)
{
    if (!rng->is_seeded) {
        struct bs_error err = {BS_OK, ""};
        if (bs_fixture_random_bytes(out, size, &err) != BS_OK) {
            fail("random bytes: %s", err.message);
            return false;
        }
        return true;
    }
    uint8_t *bytes = out;
    for (size_t i = 0; i < size; i += 8) {
        uint64_t value = splitmix64(&rng->state);
        for (size_t j = 0; j < 8 && i + j < size; j++) {
            bytes[i + j] = (uint8_t)(value >> (8 * j));
        }
    }
    return true;
}

/* Reads a whole file (at most MAX_INPUT_BYTES) into *bytes (malloc'd, one spare byte). */
static bool read_file(const char *path, uint8_t **bytes, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat info;
    uint8_t *buffer = NULL;
    bool ok = false;
    if (fd < 0 || fstat(fd, &info) != 0) {
        fail("%s: %s", path, strerror(errno));
        goto done;
    }
    if (!S_ISREG(info.st_mode) || (uint64_t)info.st_size > MAX_INPUT_BYTES) {
        fail("%s: not a regular file of at most 4 GiB", path);
        goto done;
    }
    size_t expected = (size_t)info.st_size;
    buffer = malloc(expected + 1);
    if (buffer == NULL) {
        fail("%s: out of memory", path);
        goto done;
    }
    size_t got = 0;
    while (got < expected) {
        ssize_t n = read(fd, buffer + got, expected - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            fail("%s: %s", path, n < 0 ? strerror(errno) : "shrank while read");
            goto done;
        }
        got += (size_t)n;
    }
    *bytes = buffer;
    *size = got;
    buffer = NULL;
    ok = true;
done:
    free(buffer);
    if (fd >= 0) {
        (void)close(fd);
    }
    return ok;
}

static bool write_file(const char *path, const void *bytes, size_t size)
{
    FILE *file = fopen(path, "wbx");
    if (file == NULL) {
        fail("%s: %s", path, strerror(errno));
        return false;
    }
    bool ok = fwrite(bytes, 1, size, file) == size;
    ok = fclose(file) == 0 && ok;
    if (!ok) {
        fail("%s: write failed", path);
    }
    return ok;
}

static bool copy_if_present(const struct builder *b, const char *name)
{
    char from[MAX_PATH_BYTES];
    char to[MAX_PATH_BYTES];
    struct stat info;
    if (!join(from, sizeof(from), b->options->from, name) || !join(to, sizeof(to), b->work, name)) {
        return false;
    }
    if (lstat(from, &info) != 0) {
        return true;
    }
    uint8_t *bytes = NULL;
    size_t size = 0;
    bool ok = read_file(from, &bytes, &size) && write_file(to, bytes, size);
    free(bytes);
    return ok;
}

/* ---- keybag ---------------------------------------------------------------------------- */

static void tlv_put(struct tlv *t, const char *tag, const void *value, size_t length)
{
    if (t->failed) {
        return;
    }
    if (t->length + 8 + length > t->capacity) {
        size_t capacity = (t->length + 8 + length) * 2;
        uint8_t *grown = realloc(t->data, capacity);
        if (grown == NULL) {
            t->failed = true;
            return;
        }
        t->data = grown;
        t->capacity = capacity;
    }
    uint8_t *p = t->data + t->length;
    memcpy(p, tag, 4);
    p[4] = (uint8_t)(length >> 24);
    p[5] = (uint8_t)(length >> 16);
    p[6] = (uint8_t)(length >> 8);
    p[7] = (uint8_t)length;
    if (length > 0) {
        memcpy(p + 8, value, length);
    }
    t->length += 8 + length;
}

static void tlv_put_u32(struct tlv *t, const char *tag, uint32_t value)
{
    const uint8_t bytes[4] = {(uint8_t)(value >> 24), (uint8_t)(value >> 16), (uint8_t)(value >> 8),
                              (uint8_t)value};
    tlv_put(t, tag, bytes, sizeof(bytes));
}

/* Builds the keybag into *out: the header first, parsed back to derive the KEK with the
 * scanner's own derivation, then the class records with keys wrapped by it. */
static bool make_keybag(struct builder *b, const char *password, size_t password_bytes,
                        struct tlv *out)
{
    const struct options *o = b->options;
    uint8_t uuid[BS_KEYBAG_UUID_BYTES];
    uint8_t hmck[BS_KEYBAG_WRAPPED_KEY_BYTES];
    uint8_t salt[SALT_BYTES];
    uint8_t dp_salt[SALT_BYTES];
    uint8_t kek[BS_BACKUP_CRYPTO_KEY_BYTES];
    struct bs_keybag header;
    struct bs_error err = {BS_OK, ""};
    bool ok = false;
    if (!random_fill(&b->rng, uuid, sizeof(uuid)) || !random_fill(&b->rng, hmck, sizeof(hmck)) ||
        !random_fill(&b->rng, salt, sizeof(salt)) ||
        !random_fill(&b->rng, dp_salt, sizeof(dp_salt))) {
        return false;
    }
    tlv_put_u32(out, "VERS", o->dpic > 0 ? 5 : 3);
    tlv_put_u32(out, "TYPE", 1);
    tlv_put(out, "UUID", uuid, sizeof(uuid));
    tlv_put(out, "HMCK", hmck, sizeof(hmck));
    tlv_put_u32(out, "WRAP", 0);
    tlv_put(out, "SALT", salt, sizeof(salt));
    tlv_put_u32(out, "ITER", o->iter);
    if (o->dpic > 0) {
        tlv_put_u32(out, "DPWT", 1);
        tlv_put_u32(out, "DPIC", o->dpic);
        tlv_put(out, "DPSL", dp_salt, sizeof(dp_salt));
    }
    if (out->failed || bs_keybag_parse(out->data, out->length, &header, &err) != BS_OK ||
        bs_backup_crypto_derive_kek(&header, password, password_bytes, NULL, NULL, kek, &err) !=
            BS_OK) {
        fail("keybag header: %s", out->failed ? "out of memory" : err.message);
        goto done;
    }
    for (uint32_t i = 0; i < CLASS_COUNT; i++) {
        struct class_key *c = &b->classes[i];
        uint8_t wrapped[BS_KEYBAG_WRAPPED_KEY_BYTES];
        uint8_t public_key[32];
        c->protection_class = i + 1;
        if (!random_fill(&b->rng, uuid, sizeof(uuid)) ||
            !random_fill(&b->rng, c->key, sizeof(c->key)) ||
            !random_fill(&b->rng, public_key, sizeof(public_key))) {
            goto done;
        }
        if (bs_fixture_wrap_key(kek, c->key, wrapped, &err) != BS_OK) {
            fail("wrapping class key %u: %s", c->protection_class, err.message);
            goto done;
        }
        /* As real backup keybags: classes 1-4 wrapped with the password only, the others
         * also with the device (a bit readers ignore); class 2 is asymmetric (Curve25519). */
        tlv_put(out, "UUID", uuid, sizeof(uuid));
        tlv_put_u32(out, "CLAS", c->protection_class);
        tlv_put_u32(out, "WRAP", c->protection_class <= 4 ? 2 : 3);
        tlv_put_u32(out, "KTYP", c->protection_class == 2 ? 1 : 0);
        tlv_put(out, "WPKY", wrapped, sizeof(wrapped));
        if (c->protection_class == 2) {
            tlv_put(out, "PBKY", public_key, sizeof(public_key));
        }
    }
    ok = !out->failed;
    if (!ok) {
        fail("keybag: out of memory");
    }
done:
    bs_backup_crypto_cleanse(kek, sizeof(kek));
    return ok;
}

static const uint8_t *class_key_of(const struct builder *b, uint32_t protection_class)
{
    for (size_t i = 0; i < CLASS_COUNT; i++) {
        if (b->classes[i].protection_class == protection_class) {
            return b->classes[i].key;
        }
    }
    return NULL;
}

/* A fresh file key, and its ManifestKey/EncryptionKey value: LE32 class + wrapped key. */
static bool new_file_key(struct builder *b, uint32_t protection_class,
                         uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES], uint8_t value[WRAPPED_VALUE])
{
    struct bs_error err = {BS_OK, ""};
    const uint8_t *class_key = class_key_of(b, protection_class);
    if (class_key == NULL || !random_fill(&b->rng, key, BS_BACKUP_CRYPTO_KEY_BYTES)) {
        return false;
    }
    value[0] = (uint8_t)protection_class;
    value[1] = (uint8_t)(protection_class >> 8);
    value[2] = (uint8_t)(protection_class >> 16);
    value[3] = (uint8_t)(protection_class >> 24);
    if (bs_fixture_wrap_key(class_key, key, value + 4, &err) != BS_OK) {
        fail("wrapping a file key: %s", err.message);
        return false;
    }
    return true;
}

static bool is_sqlite(const uint8_t *bytes, size_t size)
{
    return size >= 100 && memcmp(bytes, "SQLite format 3", 16) == 0;
}

/* Encrypts plaintext with key and writes it to path; --unpadded drops the pad block of a
 * SQLite database (whole pages, so that block is padding only). */
static bool write_encrypted(const struct builder *b, const char *path,
                            const uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES], const uint8_t *plaintext,
                            size_t size)
{
    uint8_t *cipher = NULL;
    size_t cipher_size = 0;
    struct bs_error err = {BS_OK, ""};
    if (bs_fixture_encrypt(key, plaintext, size, &cipher, &cipher_size, &err) != BS_OK) {
        fail("%s: %s", path, err.message);
        return false;
    }
    if (b->options->unpadded && is_sqlite(plaintext, size) &&
        size % BS_BACKUP_CRYPTO_BLOCK_BYTES == 0) {
        cipher_size -= BS_BACKUP_CRYPTO_BLOCK_BYTES;
    }
    bool ok = write_file(path, cipher, cipher_size);
    free(cipher);
    return ok;
}

/* Encrypts the file at from into to (a new file) in chunks, so that a database of any size
 * (the benchmark's 5 GB ones) needs a few MiB of memory: the same bytes as write_encrypted on
 * the whole file. CBC chains across chunks by XORing a chunk's first block with the previous
 * chunk's last ciphertext block and encrypting with the zero IV (E(P xor C) is what CBC
 * computes); each chunk is a whole number of blocks, pre-padded (PKCS#7) when it is the last,
 * and the full pad block bs_fixture_encrypt adds to every chunk is dropped. *size is the
 * plaintext length. */
#define STREAM_CHUNK_BYTES ((size_t)1 << 20)
static bool encrypt_file(const struct builder *b, const char *from, const char *to,
                         const uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES], size_t *size)
{
    enum {
        BLOCK = BS_BACKUP_CRYPTO_BLOCK_BYTES
    };
    int in = open(from, O_RDONLY | O_CLOEXEC);
    FILE *out = NULL;
    uint8_t *plain = malloc(STREAM_CHUNK_BYTES + BLOCK);
    uint8_t previous[BLOCK] = {0};
    struct stat info;
    bool ok = false;
    if (plain == NULL) {
        fail("%s: out of memory", from);
        goto done;
    }
    if (in < 0 || fstat(in, &info) != 0) {
        fail("%s: %s", from, strerror(errno));
        goto done;
    }
    if (!S_ISREG(info.st_mode)) {
        fail("%s: not a regular file", from);
        goto done;
    }
    out = fopen(to, "wbx");
    if (out == NULL) {
        fail("%s: %s", to, strerror(errno));
        goto done;
    }
    uint64_t total = (uint64_t)info.st_size;
    uint64_t done_bytes = 0;
    bool drop_pad = false; /* --unpadded on a SQLite file of whole blocks */
    for (;;) {
        uint64_t left = total - done_bytes;
        bool last = left <= STREAM_CHUNK_BYTES;
        size_t want = last ? (size_t)left : STREAM_CHUNK_BYTES;
        size_t got = 0;
        while (got < want) {
            ssize_t n = read(in, plain + got, want - got);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                fail("%s: %s", from, n < 0 ? strerror(errno) : "shrank while read");
                goto done;
            }
            got += (size_t)n;
        }
        if (done_bytes == 0) {
            drop_pad = b->options->unpadded && is_sqlite(plain, got) && total % BLOCK == 0;
        }
        size_t chunk = got;
        if (last && !drop_pad) {
            size_t pad = BLOCK - got % BLOCK;
            memset(plain + got, (int)pad, pad);
            chunk += pad;
        }
        for (size_t i = 0; i < BLOCK && chunk > 0; i++) {
            plain[i] ^= previous[i];
        }
        uint8_t *cipher = NULL;
        size_t cipher_size = 0;
        struct bs_error err = {BS_OK, ""};
        if (chunk > 0 &&
            bs_fixture_encrypt(key, plain, chunk, &cipher, &cipher_size, &err) != BS_OK) {
            fail("%s: %s", to, err.message);
            goto done;
        }
        bool written = chunk == 0 || fwrite(cipher, 1, chunk, out) == chunk;
        if (chunk > 0) {
            memcpy(previous, cipher + chunk - BLOCK, BLOCK);
        }
        free(cipher);
        if (!written) {
            fail("%s: write failed", to);
            goto done;
        }
        done_bytes += got;
        if (last) {
            break;
        }
    }
    *size = (size_t)total;
    ok = true;
done:
    if (out != NULL && fclose(out) != 0 && ok) {
        fail("%s: write failed", to);
        ok = false;
    }
    if (in >= 0) {
        (void)close(in);
    }
    if (plain != NULL) {
        bs_backup_crypto_cleanse(plain, STREAM_CHUNK_BYTES + BLOCK);
    }
    free(plain);
    return ok;
}

/* ---- MBFile records ---------------------------------------------------------------------- */

static plist_t class_object(const char *name, const char *const *classes, size_t count)
{
    plist_t object = plist_new_dict();
    plist_t list = plist_new_array();
    for (size_t i = 0; i < count; i++) {
        plist_array_append_item(list, plist_new_string(classes[i]));
    }
    plist_dict_set_item(object, "$classname", plist_new_string(name));
    plist_dict_set_item(object, "$classes", list);
    return object;
}

/* The NSKeyedArchiver MBFile record of one Files row, as a binary plist (malloc'd). */
static bool mbfile_blob(struct builder *b, const char *relative_path, uint64_t mode, uint64_t size,
                        uint32_t protection_class, const uint8_t *encryption_key, char **blob,
                        uint32_t *blob_size)
{
    static const char *const mbfile_classes[] = {"MBFile", "NSObject"};
    static const char *const data_classes[] = {"NSMutableData", "NSData", "NSObject"};
    plist_t objects = plist_new_array();
    plist_t record = plist_new_dict();
    uint64_t next = 3;
    plist_array_append_item(objects, plist_new_string("$null"));
    plist_array_append_item(objects, record);
    plist_array_append_item(objects, plist_new_string(relative_path));
    plist_dict_set_item(record, "RelativePath", plist_new_uid(2));
    plist_dict_set_item(record, "LastModified", plist_new_uint(FIXED_TIME_UNIX));
    plist_dict_set_item(record, "LastStatusChange", plist_new_uint(FIXED_TIME_UNIX));
    plist_dict_set_item(record, "Birth", plist_new_uint(FIXED_TIME_UNIX));
    plist_dict_set_item(record, "InodeNumber", plist_new_uint(++b->inode));
    plist_dict_set_item(record, "Mode", plist_new_uint(mode));
    plist_dict_set_item(record, "UserID", plist_new_uint(501));
    plist_dict_set_item(record, "GroupID", plist_new_uint(501));
    plist_dict_set_item(record, "Flags", plist_new_uint(0));
    plist_dict_set_item(record, "ProtectionClass", plist_new_uint(protection_class));
    plist_dict_set_item(record, "Size", plist_new_uint(size));
    if (encryption_key != NULL) {
        plist_t data = plist_new_dict();
        plist_dict_set_item(data, "NS.data",
                            plist_new_data((const char *)encryption_key, WRAPPED_VALUE));
        plist_dict_set_item(data, "$class", plist_new_uid(next + 1));
        plist_dict_set_item(record, "EncryptionKey", plist_new_uid(next));
        plist_array_append_item(objects, data);
        plist_array_append_item(objects, class_object("NSMutableData", data_classes, 3));
        next += 2;
    }
    plist_dict_set_item(record, "$class", plist_new_uid(next));
    plist_array_append_item(objects, class_object("MBFile", mbfile_classes, 2));
    plist_t top = plist_new_dict();
    plist_dict_set_item(top, "root", plist_new_uid(1));
    plist_t archive = plist_new_dict();
    plist_dict_set_item(archive, "$version", plist_new_uint(100000));
    plist_dict_set_item(archive, "$archiver", plist_new_string("NSKeyedArchiver"));
    plist_dict_set_item(archive, "$top", top);
    plist_dict_set_item(archive, "$objects", objects);
    *blob = NULL;
    plist_to_bin(archive, blob, blob_size);
    plist_free(archive);
    if (*blob == NULL) {
        fail("%s: the MBFile record could not be written", relative_path);
        return false;
    }
    return true;
}

/* Files of the same kind share a protection class, as on a device: messages class 4 (as in
 * real backups), the contact book class 1, everything else class 3. */
static uint32_t protection_class_of(const char *relative_path)
{
    if (strncmp(relative_path, "Library/SMS/", 12) == 0) {
        return 4;
    }
    if (strncmp(relative_path, "Library/AddressBook/", 20) == 0) {
        return 1;
    }
    return 3;
}

/* ---- files and Manifest.db ------------------------------------------------------------- */

static bool stored_paths(const struct builder *b, const char *file_id, char *from, char *to,
                         bool make_folder)
{
    char folder[3] = {file_id[0], file_id[1], '\0'};
    char from_dir[MAX_PATH_BYTES];
    char to_dir[MAX_PATH_BYTES];
    if (!join(from_dir, sizeof(from_dir), b->options->from, folder) ||
        !join(to_dir, sizeof(to_dir), b->work, folder) ||
        !join(from, MAX_PATH_BYTES, from_dir, file_id) ||
        !join(to, MAX_PATH_BYTES, to_dir, file_id)) {
        return false;
    }
    if (make_folder && mkdir(to_dir, 0755) != 0 && errno != EEXIST) {
        fail("%s: %s", to_dir, strerror(errno));
        return false;
    }
    return true;
}

/* A link in the plain folder, made again at to with the same target (never followed). */
static bool copy_link(const char *from, const char *to)
{
    char target[MAX_PATH_BYTES];
    ssize_t length = readlink(from, target, sizeof(target) - 1);
    if (length < 0 || (size_t)length >= sizeof(target) - 1) {
        fail("%s: cannot read the link", from);
        return false;
    }
    target[length] = '\0';
    if (symlink(target, to) != 0 && errno != EEXIST) {
        fail("%s: %s", to, strerror(errno));
        return false;
    }
    return true;
}

/* When the <xx> folder of file_id is a link in the plain folder (a path that escapes the
 * backup), the same link in the twin; *linked says so. */
static bool copy_link_folder(const struct builder *b, const char *file_id, bool *linked)
{
    char folder[3] = {file_id[0], file_id[1], '\0'};
    char from_dir[MAX_PATH_BYTES];
    char to_dir[MAX_PATH_BYTES];
    struct stat info;
    *linked = false;
    if (!join(from_dir, sizeof(from_dir), b->options->from, folder) ||
        !join(to_dir, sizeof(to_dir), b->work, folder)) {
        return false;
    }
    if (lstat(from_dir, &info) != 0 || !S_ISLNK(info.st_mode)) {
        return true;
    }
    *linked = true;
    return copy_link(from_dir, to_dir);
}

/* A listed file's stored copy: encrypted with key when it is a regular file, linked again when
 * it is a link, nothing when it is missing (a listed file may be). */
static bool encrypt_stored(struct builder *b, const char *from, const char *to,
                           const uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES], size_t *size)
{
    struct stat info;
    if (lstat(from, &info) != 0) {
        return true;
    }
    if (S_ISLNK(info.st_mode)) {
        return copy_link(from, to);
    }
    if (!S_ISREG(info.st_mode)) {
        fail("%s: neither a regular file nor a link", from);
        return false;
    }
    if (!encrypt_file(b, from, to, key, size)) {
        return false;
    }
    b->files_encrypted++;
    return true;
}

/* One Files row: the file encrypted into the new folder (when the plain folder has it), and
 * the row's new MBFile record. */
static bool encrypt_row(struct builder *b, const char *file_id, const char *relative_path,
                        int64_t flags, char **blob, uint32_t *blob_size)
{
    if (flags != 1) { /* folders (2) and links (4): a record without a key */
        return mbfile_blob(b, relative_path, flags == 4 ? 0120755 : 040755, 0, 0, NULL, blob,
                           blob_size);
    }
    uint32_t protection_class = protection_class_of(relative_path);
    uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES];
    uint8_t value[WRAPPED_VALUE];
    char from[MAX_PATH_BYTES];
    char to[MAX_PATH_BYTES];
    size_t size = 0;
    bool ok = false;
    if (!new_file_key(b, protection_class, key, value)) {
        goto done;
    }
    /* The hostile rows of a fixture stay as hostile: a fileID that is no fileID keeps its
     * record and nothing stored; a stored link, or a file behind a linked <xx> folder, is
     * linked the same way in the twin, and what it points to is never read or written. */
    if (strlen(file_id) == 40 && strspn(file_id, "0123456789abcdef") == 40) {
        bool linked = false;
        if (!copy_link_folder(b, file_id, &linked) ||
            !stored_paths(b, file_id, from, to, !linked) ||
            (!linked && !encrypt_stored(b, from, to, key, &size))) {
            goto done;
        }
    }
    ok = mbfile_blob(b, relative_path, 0100644, size, protection_class, value, blob, blob_size);
done:
    bs_backup_crypto_cleanse(key, sizeof(key));
    return ok;
}

static bool exec_sql(sqlite3 *db, const char *sql)
{
    char *message = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK) {
        fail("SQL failed (%s): %s", message != NULL ? message : "?", sql);
        sqlite3_free(message);
        return false;
    }
    return true;
}

/* Manifest.db rebuilt in memory with MBFile records: its bytes (sqlite3_malloc'd). */
static bool rebuild_manifest(struct builder *b, unsigned char **image, sqlite3_int64 *size)
{
    char plain_path[MAX_PATH_BYTES];
    char uri[MAX_PATH_BYTES + 64];
    sqlite3 *db = NULL;
    sqlite3_stmt *schema = NULL;
    sqlite3_stmt *rows = NULL;
    sqlite3_stmt *insert = NULL;
    bool ok = false;
    if (!join(plain_path, sizeof(plain_path), b->options->from, "Manifest.db")) {
        return false;
    }
    int n = snprintf(uri, sizeof(uri), "file:%s?mode=ro&immutable=1", plain_path);
    if (n < 0 || (size_t)n >= sizeof(uri) || strpbrk(plain_path, "?#%") != NULL) {
        fail("%s: path not usable as a URI", plain_path);
        return false;
    }
    if (sqlite3_open_v2(":memory:", &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_URI,
                        NULL) != SQLITE_OK) {
        fail("cannot open an in-memory database");
        goto done;
    }
    sqlite3_stmt *attach = NULL;
    if (sqlite3_prepare_v2(db, "ATTACH ?1 AS plain", -1, &attach, NULL) != SQLITE_OK ||
        sqlite3_bind_text(attach, 1, uri, -1, SQLITE_STATIC) != SQLITE_OK ||
        sqlite3_step(attach) != SQLITE_DONE) {
        fail("%s: %s", plain_path, sqlite3_errmsg(db));
        sqlite3_finalize(attach);
        goto done;
    }
    sqlite3_finalize(attach);
    /* The same schema, tables before indexes, in the plain file's order. */
    if (sqlite3_prepare_v2(db,
                           "SELECT sql FROM plain.sqlite_master WHERE sql IS NOT NULL AND name "
                           "NOT LIKE 'sqlite_%' ORDER BY type = 'index', rowid",
                           -1, &schema, NULL) != SQLITE_OK) {
        fail("%s: %s", plain_path, sqlite3_errmsg(db));
        goto done;
    }
    while (sqlite3_step(schema) == SQLITE_ROW) {
        if (!exec_sql(db, (const char *)sqlite3_column_text(schema, 0))) {
            goto done;
        }
    }
    if (!exec_sql(db, "BEGIN") ||
        sqlite3_prepare_v2(db,
                           "SELECT fileID, domain, relativePath, flags FROM plain.Files ORDER BY "
                           "rowid",
                           -1, &rows, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO main.Files (fileID, domain, relativePath, flags, file) "
                           "VALUES (?1, ?2, ?3, ?4, ?5)",
                           -1, &insert, NULL) != SQLITE_OK) {
        fail("Manifest.db: %s", sqlite3_errmsg(db));
        goto done;
    }
    int rc;
    while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
        const char *file_id = (const char *)sqlite3_column_text(rows, 0);
        const char *path = (const char *)sqlite3_column_text(rows, 2);
        int64_t flags = sqlite3_column_int64(rows, 3);
        char *blob = NULL;
        uint32_t blob_size = 0;
        if (file_id == NULL || path == NULL ||
            !encrypt_row(b, file_id, path, flags, &blob, &blob_size)) {
            fail("Manifest.db row %s: cannot be encrypted", file_id != NULL ? file_id : "?");
            goto done;
        }
        for (int i = 0; i < 4; i++) {
            (void)sqlite3_bind_value(insert, i + 1, sqlite3_column_value(rows, i));
        }
        (void)sqlite3_bind_blob(insert, 5, blob, (int)blob_size, SQLITE_TRANSIENT);
        plist_to_bin_free(blob);
        if (sqlite3_step(insert) != SQLITE_DONE) {
            fail("Manifest.db insert: %s", sqlite3_errmsg(db));
            goto done;
        }
        sqlite3_reset(insert);
    }
    if (rc != SQLITE_DONE ||
        !exec_sql(db, "INSERT INTO main.Properties SELECT * FROM plain.Properties") ||
        !exec_sql(db, "COMMIT")) {
        goto done;
    }
    sqlite3_finalize(rows);
    sqlite3_finalize(insert);
    sqlite3_finalize(schema);
    rows = insert = schema = NULL;
    if (!exec_sql(db, "DETACH plain")) {
        goto done;
    }
    *image = sqlite3_serialize(db, "main", size, 0);
    if (*image == NULL || *size < 100) {
        fail("Manifest.db: cannot serialise the rebuilt database");
        goto done;
    }
    /* Real encrypted Manifest.db files carry a WAL-mode header (read/write versions 2). */
    (*image)[18] = 2;
    (*image)[19] = 2;
    ok = true;
done:
    sqlite3_finalize(rows);
    sqlite3_finalize(insert);
    sqlite3_finalize(schema);
    sqlite3_close(db);
    return ok;
}

static bool is_hex_pair(const char *name)
{
    return strlen(name) == 2 && strspn(name, "0123456789abcdef") == 2;
}

/* Files in the plain folder that Manifest.db does not list: encrypted with a throwaway key,
 * as an orphan of a real backup would be unreadable too. */
static bool encrypt_orphans(struct builder *b)
{
    DIR *root = opendir(b->options->from);
    if (root == NULL) {
        fail("%s: %s", b->options->from, strerror(errno));
        return false;
    }
    bool ok = true;
    const struct dirent *folder;
    while (ok && (folder = readdir(root)) != NULL) {
        char from_dir[MAX_PATH_BYTES];
        struct stat folder_info;
        if (!is_hex_pair(folder->d_name) ||
            !join(from_dir, sizeof(from_dir), b->options->from, folder->d_name) ||
            lstat(from_dir, &folder_info) != 0 || !S_ISDIR(folder_info.st_mode)) {
            continue; /* a linked <xx> folder was linked again with its row */
        }
        DIR *dir = opendir(from_dir);
        const struct dirent *entry;
        while (ok && dir != NULL && (entry = readdir(dir)) != NULL) {
            char from[MAX_PATH_BYTES];
            char to[MAX_PATH_BYTES];
            struct stat info;
            if (entry->d_name[0] == '.' || strlen(entry->d_name) != 40 ||
                !stored_paths(b, entry->d_name, from, to, true) || lstat(to, &info) == 0) {
                continue;
            }
            uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES];
            size_t size = 0;
            ok = random_fill(&b->rng, key, sizeof(key)) && encrypt_file(b, from, to, key, &size);
            bs_backup_crypto_cleanse(key, sizeof(key));
            b->orphans_encrypted++;
        }
        if (dir != NULL) {
            (void)closedir(dir);
        }
    }
    (void)closedir(root);
    return ok;
}

/* Manifest.plist: the plain one (or an empty dict) with the encryption keys added. */
static bool write_manifest_plist(const struct builder *b, const struct tlv *keybag,
                                 const uint8_t *manifest_key)
{
    char from[MAX_PATH_BYTES];
    char to[MAX_PATH_BYTES];
    plist_t root = NULL;
    struct stat info;
    if (!join(from, sizeof(from), b->options->from, "Manifest.plist") ||
        !join(to, sizeof(to), b->work, "Manifest.plist")) {
        return false;
    }
    if (lstat(from, &info) == 0) {
        uint8_t *bytes = NULL;
        size_t size = 0;
        if (!read_file(from, &bytes, &size) || size > (size_t)BS_MAX_PLIST_BYTES) {
            free(bytes);
            return false;
        }
        plist_from_memory((const char *)bytes, (uint32_t)size, &root);
        free(bytes);
        if (root == NULL || plist_get_node_type(root) != PLIST_DICT) {
            fail("%s: not a plist dict", from);
            plist_free(root);
            return false;
        }
    } else {
        root = plist_new_dict();
    }
    plist_dict_set_item(root, "IsEncrypted", plist_new_bool(1));
    plist_dict_set_item(root, "BackupKeyBag",
                        plist_new_data((const char *)keybag->data, keybag->length));
    if (manifest_key != NULL) {
        plist_dict_set_item(root, "ManifestKey",
                            plist_new_data((const char *)manifest_key, WRAPPED_VALUE));
    } else {
        plist_dict_remove_item(root, "ManifestKey");
    }
    char *bin = NULL;
    uint32_t bin_size = 0;
    plist_to_bin(root, &bin, &bin_size);
    plist_free(root);
    bool ok = bin != NULL && write_file(to, bin, bin_size);
    plist_to_bin_free(bin);
    return ok;
}

static bool read_password(const char *path, char **password, size_t *length)
{
    uint8_t *bytes = NULL;
    size_t size = 0;
    if (!read_file(path, &bytes, &size)) {
        return false;
    }
    if (size > 0 && bytes[size - 1] == '\n') {
        size--;
        if (size > 0 && bytes[size - 1] == '\r') {
            size--;
        }
    }
    if (size > BS_MAX_PASSWORD_BYTES) {
        fail("%s: password longer than %d bytes", path, BS_MAX_PASSWORD_BYTES);
        free(bytes);
        return false;
    }
    *password = (char *)bytes;
    *length = size;
    return true;
}

static bool build(struct builder *b)
{
    const struct options *o = b->options;
    char *password = NULL;
    size_t password_bytes = 0;
    struct tlv keybag = {0};
    unsigned char *image = NULL;
    sqlite3_int64 image_size = 0;
    uint8_t manifest_key[BS_BACKUP_CRYPTO_KEY_BYTES];
    uint8_t manifest_value[WRAPPED_VALUE];
    char path[MAX_PATH_BYTES];
    char final_path[MAX_PATH_BYTES];
    bool ok = false;
    struct stat info;

    int n = snprintf(b->work, sizeof(b->work), "%s.work", o->out);
    if (n < 0 || (size_t)n >= sizeof(b->work)) {
        fail("output path too long");
        return false;
    }
    if (lstat(o->out, &info) == 0 || lstat(b->work, &info) == 0) {
        fail("%s or %s already exists: remove it first", o->out, b->work);
        return false;
    }
    if (mkdir(b->work, 0755) != 0) {
        fail("%s: %s", b->work, strerror(errno));
        return false;
    }
    if (!read_password(o->password_file, &password, &password_bytes) ||
        !make_keybag(b, password, password_bytes, &keybag) || !copy_if_present(b, "Info.plist") ||
        !copy_if_present(b, "Status.plist") || !rebuild_manifest(b, &image, &image_size) ||
        !encrypt_orphans(b) || !join(path, sizeof(path), b->work, "Manifest.db")) {
        goto done;
    }
    if (o->plain_manifest_db) {
        image[18] = 1; /* an iOS 10.1 Manifest.db as written: a rollback-journal header */
        image[19] = 1;
        ok = write_file(path, image, (size_t)image_size) && write_manifest_plist(b, &keybag, NULL);
    } else {
        ok = new_file_key(b, MANIFEST_CLASS, manifest_key, manifest_value) &&
             write_encrypted(b, path, manifest_key, image, (size_t)image_size) &&
             write_manifest_plist(b, &keybag, manifest_value);
    }
    if (ok && rename(b->work, o->out) != 0) {
        fail("renaming %s to %s: %s", b->work, o->out, strerror(errno));
        ok = false;
    }
    if (ok) {
        (void)snprintf(final_path, sizeof(final_path), "%s", o->out);
        printf("%s: %s: %zu files encrypted (%zu not listed), keybag DPIC %" PRIu32
               ", ITER %" PRIu32 "%s%s\n",
               program_name, final_path, b->files_encrypted, b->orphans_encrypted, o->dpic, o->iter,
               o->unpadded ? ", unpadded databases" : "",
               o->plain_manifest_db ? ", plain Manifest.db" : "");
    }
done:
    bs_backup_crypto_cleanse(manifest_key, sizeof(manifest_key));
    bs_backup_crypto_cleanse(b->classes, sizeof(b->classes));
    if (password != NULL) {
        bs_backup_crypto_cleanse(password, password_bytes);
    }
    free(password);
    free(keybag.data);
    sqlite3_free(image);
    return ok;
}

static bool parse_u64(const char *text, uint64_t max, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long long value = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || value > max) {
        return false;
    }
    *out = value;
    return true;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: %s --from PLAIN --out OUT --password-file FILE [--dpic N] [--iter N] "
            "[--seed N] [--unpadded] [--plain-manifest-db]\n",
            program_name);
}

int main(int argc, char **argv)
{
    struct options options = {.dpic = 1000, .iter = 10};
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t number = 0;
        if (strcmp(arg, "--unpadded") == 0) {
            options.unpadded = true;
        } else if (strcmp(arg, "--plain-manifest-db") == 0) {
            options.plain_manifest_db = true;
        } else if (value == NULL) {
            usage();
            return 2;
        } else if (strcmp(arg, "--from") == 0) {
            options.from = value;
            i++;
        } else if (strcmp(arg, "--out") == 0) {
            options.out = value;
            i++;
        } else if (strcmp(arg, "--password-file") == 0) {
            options.password_file = value;
            i++;
        } else if (strcmp(arg, "--dpic") == 0 && parse_u64(value, BS_MAX_KDF_ITERATIONS, &number)) {
            options.dpic = (uint32_t)number;
            i++;
        } else if (strcmp(arg, "--iter") == 0 && parse_u64(value, BS_MAX_KDF_ITERATIONS, &number) &&
                   number > 0) {
            options.iter = (uint32_t)number;
            i++;
        } else if (strcmp(arg, "--seed") == 0 && parse_u64(value, UINT64_MAX, &number)) {
            options.has_seed = true;
            options.seed = number;
            i++;
        } else {
            usage();
            return 2;
        }
    }
    if (options.from == NULL || options.out == NULL || options.password_file == NULL) {
        usage();
        return 2;
    }
    struct builder builder;
    memset(&builder, 0, sizeof(builder));
    builder.options = &options;
    builder.rng.is_seeded = options.has_seed;
    builder.rng.state = options.seed;
    return build(&builder) ? 0 : 1;
}
