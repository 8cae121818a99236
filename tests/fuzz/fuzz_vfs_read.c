/*
 * Fuzz target: the read path of the cipher VFS (core/store/sqlite_vfs.c), which decrypts the
 * blocks of an encrypted backup database as SQLite reads them.
 *
 * Input: 1 byte of flags, 1 byte n (reads, at most 32), n reads of 5 bytes each (3-byte
 * big-endian offset, 2-byte big-endian length, 0 meaning 65536), then the ciphertext (cut to
 * whole 16-byte blocks; the key is fixed, seeds are files encrypted with it, written at build
 * time by make_fuzz_seed_vfs.c). Flag bit 0: the
 * plaintext size is the whole decryption's without its PKCS#7 padding (as the backup reader
 * computes it), else the ciphertext size less (flags >> 1) % 17 bytes. Every read straight
 * through the VFS must give the whole-file decryption's bytes (header WAL flags as rollback)
 * inside the plaintext, zeros after it with SQLITE_IOERR_SHORT_READ, and never write past
 * the buffer; the file reports the plaintext size. Then the same file is opened as a database
 * through bs_sqlite_db_open_cipher and its schema and messages read: rows or a clean error,
 * the context released exactly once.
 */
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/backup/backup_crypto.h"
#include "core/store/sqlite_db.h"
#include "core/store/sqlite_vfs.h"
#include "fuzz.h"

#define MAX_READS  32
#define READ_BYTES 5

/* The fixed key: byte i is 7 * i + 1 (seeds are encrypted with it, zero IV). */
static uint8_t fuzz_key[BS_BACKUP_CRYPTO_KEY_BYTES];

static int releases;

static bool fuzz_decrypt(void *context, const uint8_t iv[BS_SQLITE_CIPHER_BLOCK_BYTES],
                         const uint8_t *in, uint8_t *out, size_t block_count)
{
    return bs_backup_crypto_decrypt_blocks(
               context, iv, in, block_count * BS_BACKUP_CRYPTO_BLOCK_BYTES, out, NULL) == BS_OK;
}

static void fuzz_release(void *context)
{
    FUZZ_CHECK(context == fuzz_key);
    releases++;
}

/* A file that holds each input's ciphertext, made once per process. */
static int cipher_file(void)
{
    static int fd = -1;
    if (fd < 0) {
        char path[] = "/tmp/bs-fuzz-vfs-XXXXXX";
        fd = mkstemp(path);
        FUZZ_CHECK(fd >= 0);
        (void)unlink(path);
    }
    return fd;
}

static void check_read(sqlite3_file *file, const uint8_t *plain, size_t plain_size, size_t offset,
                       size_t amount)
{
    uint8_t *got = malloc(amount + 1);
    FUZZ_CHECK(got != NULL);
    memset(got, 0xa5, amount + 1);
    int rc = file->pMethods->xRead(file, got, (int)amount, (sqlite3_int64)offset);
    size_t inside = offset >= plain_size ? 0 : plain_size - offset;
    inside = inside < amount ? inside : amount;
    FUZZ_CHECK(rc == (inside == amount ? SQLITE_OK : SQLITE_IOERR_SHORT_READ));
    FUZZ_CHECK(inside == 0 || memcmp(got, plain + offset, inside) == 0);
    for (size_t i = inside; i < amount; i++) {
        FUZZ_CHECK(got[i] == 0);
    }
    FUZZ_CHECK(got[amount] == 0xa5);
    free(got);
}

/* Reads the schema and some messages of the file as a database. */
static void read_database(const struct bs_sqlite_cipher *cipher)
{
    int before = releases;
    struct bs_error err = {BS_OK, ""};
    struct bs_sqlite_db *db = NULL;
    if (bs_sqlite_db_open_cipher(cipher, NULL, &db, &err) != BS_OK) {
        FUZZ_CHECK(err.message[0] != '\0' && releases == before + 1);
        return;
    }
    static const char *const queries[] = {"SELECT type, name, sql FROM sqlite_master",
                                          "SELECT ROWID, guid, date FROM message"};
    for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
        struct bs_sqlite_query *query = NULL;
        if (bs_sqlite_query_prepare(db, queries[q], &query, &err) != BS_OK) {
            continue;
        }
        bool has_row = true;
        for (int rows = 0; has_row && rows < 1000; rows++) {
            if (bs_sqlite_query_step(query, &has_row, &err) != BS_OK) {
                break;
            }
            size_t length = 0;
            bool is_present = false;
            (void)bs_sqlite_query_text(query, 1, &length);
            (void)bs_sqlite_query_int(query, 0, &is_present);
        }
        bs_sqlite_query_free(query);
    }
    FUZZ_CHECK(releases == before);
    bs_sqlite_db_close(db);
    FUZZ_CHECK(releases == before + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    for (size_t i = 0; i < sizeof(fuzz_key); i++) {
        fuzz_key[i] = (uint8_t)(7 * i + 1);
    }
    unsigned flags = data[0];
    size_t reads = data[1] % (MAX_READS + 1);
    size_t header = 2 + reads * READ_BYTES;
    if (size < header + BS_BACKUP_CRYPTO_BLOCK_BYTES) {
        return 0;
    }
    const uint8_t *ciphertext = data + header;
    size_t cipher_size =
        (size - header) / BS_BACKUP_CRYPTO_BLOCK_BYTES * BS_BACKUP_CRYPTO_BLOCK_BYTES;

    /* The reference: the whole file decrypted at once. */
    uint8_t *plain = NULL;
    size_t padded_size = 0;
    FUZZ_CHECK(bs_backup_crypto_decrypt(fuzz_key, ciphertext, cipher_size,
                                        BS_BACKUP_CRYPTO_PAD_SQLITE, &plain, &padded_size,
                                        NULL) == BS_OK);
    size_t cut = (flags >> 1) % (BS_BACKUP_CRYPTO_BLOCK_BYTES + 1);
    size_t plain_size = (flags & 1) != 0 ? padded_size : cipher_size - cut;
    for (size_t i = 18; i <= 19 && i < plain_size; i++) {
        plain[i] = plain[i] == 2 ? 1 : plain[i];
    }

    int fd = cipher_file();
    FUZZ_CHECK(ftruncate(fd, 0) == 0);
    for (size_t done = 0; done < cipher_size;) {
        ssize_t n = pwrite(fd, ciphertext + done, cipher_size - done, (off_t)done);
        FUZZ_CHECK(n > 0);
        done += (size_t)n;
    }
    struct bs_sqlite_cipher cipher = {
        .decrypt = fuzz_decrypt,
        .release = fuzz_release,
        .context = fuzz_key,
        .fd = fd,
        .plaintext_size = plain_size,
    };
    FUZZ_CHECK(bs_sqlite_vfs_register() == SQLITE_OK);
    sqlite3_vfs *vfs = sqlite3_vfs_find(BS_SQLITE_VFS_NAME);
    FUZZ_CHECK(vfs != NULL);
    sqlite3_file *file = calloc(1, (size_t)vfs->szOsFile);
    char name[64];
    FUZZ_CHECK(file != NULL && bs_sqlite_vfs_cipher_stage(&cipher, name, sizeof(name)));
    int out_flags = 0;
    int before = releases;
    FUZZ_CHECK(vfs->xOpen(vfs, name, file, SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_READONLY,
                          &out_flags) == SQLITE_OK);
    FUZZ_CHECK(!bs_sqlite_vfs_cipher_unstage(NULL));
    sqlite3_int64 reported = -1;
    FUZZ_CHECK(file->pMethods->xFileSize(file, &reported) == SQLITE_OK &&
               reported == (sqlite3_int64)plain_size);
    for (size_t r = 0; r < reads; r++) {
        const uint8_t *at = data + 2 + r * READ_BYTES;
        size_t offset = (size_t)at[0] << 16 | (size_t)at[1] << 8 | at[2];
        size_t amount = (size_t)at[3] << 8 | at[4];
        check_read(file, plain, plain_size, offset, amount == 0 ? 65536 : amount);
    }
    FUZZ_CHECK(file->pMethods->xClose(file) == SQLITE_OK && releases == before + 1);
    free(file);
    bs_backup_crypto_cleanse(plain, cipher_size);
    free(plain);

    read_database(&cipher);
    return 0;
}
