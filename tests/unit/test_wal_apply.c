/* Tests of core/wal_apply: a WAL written by SQLite itself, replayed in memory, must show the
 * same rows as SQLite shows; broken frames end the replay where SQLite would. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "core/sqlite_db.h"
#include "core/wal_apply.h"

static char dir[] = "/tmp/bs-wal-test-XXXXXX";
static char db_path[256];
static char wal_path[256];

static void exec(sqlite3 *db, const char *sql)
{
    char *message = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, message);
        sqlite3_free(message);
    }
}

/* 10 rows in the main file, then 2 commits (40 and 1 more rows) only in the WAL. */
static int make_database(void)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(db_path, &db) != SQLITE_OK) {
        return -1;
    }
    exec(db, "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, service TEXT, pad BLOB);"
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) "
             "INSERT INTO message (service, pad) SELECT 'SMS', zeroblob(300) FROM n;"
             "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;");
    sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
    exec(db, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) "
             "INSERT INTO message (service, pad) SELECT 'iMessage', zeroblob(300) FROM n;");
    exec(db, "INSERT INTO message (service, pad) VALUES ('RCS', zeroblob(300));");
    return sqlite3_close(db) == SQLITE_OK ? 0 : -1;
}

static void *read_all(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        return NULL;
    }
    (void)fseek(file, 0, SEEK_END);
    long length = ftell(file);
    rewind(file);
    void *bytes = malloc(length > 0 ? (size_t)length : 1);
    *size = bytes != NULL && length > 0 ? fread(bytes, 1, (size_t)length, file) : 0;
    fclose(file);
    return bytes;
}

/* Rows of message in an image after applying wal (NULL = no WAL); -1 when it did not open. */
static long count_rows(const void *wal, size_t wal_size, enum bs_status *apply_status)
{
    size_t image_size = 0;
    void *image = read_all(db_path, &image_size);
    *apply_status =
        wal == NULL ? BS_OK : bs_wal_apply(&image, &image_size, wal, wal_size, NULL, NULL);
    if (*apply_status != BS_OK) {
        free(image);
        return -1;
    }
    struct bs_sqlite_db *db = NULL;
    if (bs_sqlite_db_open_memory(image, image_size, NULL, &db, NULL) != BS_OK) {
        return -1;
    }
    struct bs_sqlite_query *query = NULL;
    long rows = -1;
    bool has_row = false;
    if (bs_sqlite_query_prepare(db, "SELECT count(*) FROM message", &query, NULL) == BS_OK &&
        bs_sqlite_query_step(query, &has_row, NULL) == BS_OK && has_row) {
        bool present = false;
        rows = (long)bs_sqlite_query_int(query, 0, &present);
    }
    bs_sqlite_query_free(query);
    bs_sqlite_db_close(db);
    return rows;
}

/* Re-signs a WAL header after an edit (the checksum of sqlite.org/fileformat2.html 4.1). */
static void sign_header(uint8_t *header)
{
    int big = header[3] & 1;
    uint32_t s0 = 0, s1 = 0;
    for (int i = 0; i < 24; i += 8) {
        uint32_t x[2] = {0, 0};
        for (int w = 0; w < 2; w++) {
            for (int b = 0; b < 4; b++) {
                int shift = big ? 24 - 8 * b : 8 * b;
                x[w] |= (uint32_t)header[i + 4 * w + b] << shift;
            }
        }
        s0 += x[0] + s1;
        s1 += x[1] + s0;
    }
    for (int b = 0; b < 4; b++) {
        header[24 + b] = (uint8_t)(s0 >> (24 - 8 * b));
        header[28 + b] = (uint8_t)(s1 >> (24 - 8 * b));
    }
}

static void test_replay(void)
{
    size_t wal_size = 0;
    uint8_t *wal = read_all(wal_path, &wal_size);
    CHECK(wal != NULL && wal_size > 32);
    if (wal == NULL) {
        return;
    }
    enum bs_status status = BS_OK;
    CHECK_INT_EQ(count_rows(NULL, 0, &status), 10);
    CHECK_INT_EQ(count_rows(wal, wal_size, &status), 51);
    CHECK_INT_EQ(status, BS_OK);

    /* The page size is 4096 here: frames are 4120 bytes after the 32-byte header. Cutting
     * the last frame (the second commit) leaves the first commit only. */
    size_t frame = 24 + 4096;
    size_t frames = (wal_size - 32) / frame;
    CHECK(frames >= 2);
    CHECK_INT_EQ(count_rows(wal, wal_size - frame, &status), 50);
    CHECK_INT_EQ(count_rows(wal, 32 + frame / 2, &status), 10); /* torn first frame */

    /* A flipped byte in the last frame's page breaks its checksum: its commit is dropped. */
    uint8_t *broken = malloc(wal_size);
    memcpy(broken, wal, wal_size);
    broken[wal_size - 1] ^= 0xFF;
    CHECK_INT_EQ(count_rows(broken, wal_size, &status), 50);
    /* A wrong salt in the first frame: nothing of the WAL is used. */
    memcpy(broken, wal, wal_size);
    broken[32 + 8] ^= 0x01;
    CHECK_INT_EQ(count_rows(broken, wal_size, &status), 10);
    /* A header whose checksum is wrong: SQLite ignores the whole WAL. */
    memcpy(broken, wal, wal_size);
    broken[24] ^= 0x01;
    CHECK_INT_EQ(count_rows(broken, wal_size, &status), 10);
    /* Not a WAL, or a page size that is not the database's: an error, no crash. */
    memcpy(broken, wal, wal_size);
    broken[0] = 0;
    CHECK_INT_EQ(count_rows(broken, wal_size, &status), -1);
    CHECK_INT_EQ(status, BS_ERR_FORMAT);
    memcpy(broken, wal, wal_size);
    broken[10] = 0x20; /* page size 8192, without re-signing: the WAL is ignored */
    CHECK_INT_EQ(count_rows(broken, wal_size, &status), 10);
    sign_header(broken); /* re-signed: a real mismatch with the database's 4096 */
    CHECK_INT_EQ(count_rows(broken, wal_size, &status), -1);
    CHECK_INT_EQ(status, BS_ERR_FORMAT);
    CHECK_INT_EQ(count_rows(wal, 10, &status), -1);
    free(broken);
    free(wal);
}

int main(void)
{
    if (mkdtemp(dir) == NULL) {
        return 1;
    }
    snprintf(db_path, sizeof(db_path), "%s/w.db", dir);
    snprintf(wal_path, sizeof(wal_path), "%s/w.db-wal", dir);
    CHECK_INT_EQ(make_database(), 0);
    test_replay();
    unlink(wal_path);
    unlink(db_path);
    rmdir(dir);
    return check_report("wal_apply");
}
