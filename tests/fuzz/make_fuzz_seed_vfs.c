/*
 * make_fuzz_seed_vfs: build-time tool that writes the seeds of the vfs_read fuzz target
 * (fuzz_vfs_read.c: flags, reads, then ciphertext under the target's fixed key).
 *
 *   make_fuzz_seed_vfs OUT_DIR
 *
 * Writes OUT_DIR/sqlite-padded (a two-page database of 512-byte pages holding a message
 * table, encrypted as a backup stores files, with reads at the edges: the header, block 0,
 * across blocks, the last block, into the padding, past the end), OUT_DIR/sqlite-unpadded (the
 * same without its pad block) and OUT_DIR/noise (640 bytes of deterministic noise, 12 reads,
 * the plaintext 5 bytes short). A test tool: prints its own errors. Exit 0 or 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "fixture_crypto.h"

#define MAX_SEED_BYTES 4096

/* The sample database, serialized: SQLite builds it in memory. */
static unsigned char *sample_database(size_t *size)
{
    sqlite3 *db = NULL;
    sqlite3_int64 length = 0;
    unsigned char *bytes = NULL;
    if (sqlite3_open(":memory:", &db) == SQLITE_OK &&
        sqlite3_exec(db,
                     "PRAGMA page_size=512; CREATE TABLE message(guid TEXT, date INTEGER);"
                     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12)"
                     " INSERT INTO message SELECT 'guid-' || i, 700000000 + i FROM n;",
                     NULL, NULL, NULL) == SQLITE_OK) {
        bytes = sqlite3_serialize(db, "main", &length, 0);
    }
    (void)sqlite3_close(db);
    *size = bytes != NULL && length > 0 ? (size_t)length : 0;
    return bytes;
}

/* Appends one read (3-byte offset, 2-byte length) to out at *at. */
static void put_read(uint8_t *out, size_t *at, size_t offset, size_t length)
{
    out[(*at)++] = (uint8_t)(offset >> 16);
    out[(*at)++] = (uint8_t)(offset >> 8);
    out[(*at)++] = (uint8_t)offset;
    out[(*at)++] = (uint8_t)(length >> 8);
    out[(*at)++] = (uint8_t)length;
}

static int write_seed(const char *dir, const char *name, const uint8_t *bytes, size_t size)
{
    char path[4096];
    (void)snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *file = fopen(path, "wb");
    int result = file != NULL && fwrite(bytes, 1, size, file) == size ? 0 : 1;
    if (file != NULL && fclose(file) != 0) {
        result = 1;
    }
    if (result != 0) {
        (void)fprintf(stderr, "make_fuzz_seed_vfs: cannot write %s\n", path);
    }
    return result;
}

/* flags, then the edge reads of a plaintext of plain_size bytes, then ciphertext. */
static int write_database_seed(const char *dir, const char *name, uint8_t flags, size_t plain_size,
                               const uint8_t *ciphertext, size_t cipher_size)
{
    static uint8_t seed[MAX_SEED_BYTES];
    const size_t edges[][2] = {{0, 100},
                               {0, 16},
                               {15, 2},
                               {0, 512},
                               {plain_size - 16, 16},
                               {plain_size - 7, 40},
                               {plain_size, 16},
                               {plain_size + 100, 512},
                               {1000, 1},
                               {511, 514}};
    size_t at = 0;
    seed[at++] = flags;
    seed[at++] = (uint8_t)(sizeof(edges) / sizeof(edges[0]));
    for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
        put_read(seed, &at, edges[i][0], edges[i][1]);
    }
    if (at + cipher_size > sizeof(seed)) {
        (void)fprintf(stderr, "make_fuzz_seed_vfs: %s: too large\n", name);
        return 1;
    }
    memcpy(seed + at, ciphertext, cipher_size);
    return write_seed(dir, name, seed, at + cipher_size);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        (void)fprintf(stderr, "usage: make_fuzz_seed_vfs OUT_DIR\n");
        return 1;
    }
    uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES]; /* fuzz_vfs_read's fixed key */
    for (size_t i = 0; i < sizeof(key); i++) {
        key[i] = (uint8_t)(7 * i + 1);
    }
    size_t plain_size = 0;
    unsigned char *plain = sample_database(&plain_size);
    uint8_t *ciphertext = NULL;
    size_t cipher_size = 0;
    struct bs_error err = {BS_OK, ""};
    if (plain == NULL || plain_size < 512 ||
        bs_fixture_encrypt(key, plain, plain_size, &ciphertext, &cipher_size, &err) != BS_OK) {
        (void)fprintf(stderr, "make_fuzz_seed_vfs: cannot build the database: %s\n", err.message);
        sqlite3_free(plain);
        return 1;
    }
    /* A whole number of blocks gets a whole pad block: without it, the same file unpadded. */
    int result =
        write_database_seed(argv[1], "sqlite-padded", 1, plain_size, ciphertext, cipher_size) |
        write_database_seed(argv[1], "sqlite-unpadded", 0, plain_size, ciphertext,
                            cipher_size - BS_BACKUP_CRYPTO_BLOCK_BYTES);
    uint8_t noise[2 + 12 * 5 + 640];
    size_t at = 0;
    uint32_t state = 13;
    noise[at++] = 5 << 1; /* 5 bytes short of the ciphertext */
    noise[at++] = 12;
    for (int i = 0; i < 12; i++) {
        state = state * 1103515245u + 12345u;
        size_t offset = (state >> 8) % 600;
        state = state * 1103515245u + 12345u;
        put_read(noise, &at, offset, 1 + (state >> 8) % 300);
    }
    while (at < sizeof(noise)) {
        state = state * 1103515245u + 12345u;
        noise[at++] = (uint8_t)(state >> 16);
    }
    result |= write_seed(argv[1], "noise", noise, sizeof(noise));
    free(ciphertext);
    sqlite3_free(plain);
    return result;
}
