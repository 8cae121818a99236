/* Tests of core/wal_apply: a WAL written by SQLite itself, replayed in memory, must show the
 * same rows as SQLite shows; broken frames end the replay where SQLite would. */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "core/store/sqlite_db.h"
#include "core/store/wal_apply.h"

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

/* The WAL checksum over words of bytes, continuing from s[0], s[1]. */
static void checksum_words(const uint8_t *bytes, size_t length, int big, uint32_t s[2])
{
    for (size_t i = 0; i + 8 <= length; i += 8) {
        uint32_t x[2] = {0, 0};
        for (int w = 0; w < 2; w++) {
            for (int b = 0; b < 4; b++) {
                int shift = big ? 24 - 8 * b : 8 * b;
                x[w] |= (uint32_t)bytes[i + (size_t)(4 * w + b)] << shift;
            }
        }
        s[0] += x[0] + s[1];
        s[1] += x[1] + s[0];
    }
}

static void put_u32(uint8_t *at, uint32_t value)
{
    for (int b = 0; b < 4; b++) {
        at[b] = (uint8_t)(value >> (24 - 8 * b));
    }
}

/* The WAL's header and first frame only, that frame made a valid commit that writes page
 * (0: the page it wrote) and claims commit_pages pages. */
static uint8_t *one_frame_write(const uint8_t *wal, uint32_t page, uint32_t commit_pages,
                                size_t *size)
{
    *size = 32 + 24 + 4096;
    uint8_t *out = malloc(*size);
    memcpy(out, wal, *size);
    if (page != 0) {
        put_u32(out + 32, page);
    }
    put_u32(out + 32 + 4, commit_pages);
    int big = out[3] & 1;
    uint32_t s[2] = {0, 0};
    checksum_words(out, 24, big, s);
    checksum_words(out + 32, 8, big, s);
    checksum_words(out + 32 + 24, 4096, big, s);
    put_u32(out + 32 + 16, s[0]);
    put_u32(out + 32 + 20, s[1]);
    return out;
}

/* The WAL's header and first frame only, that frame made a valid commit that claims
 * commit_pages pages: the hostile WAL of a 4 KB file asking for a 1 GB image. */
static uint8_t *one_frame_commit(const uint8_t *wal, uint32_t commit_pages, size_t *size)
{
    return one_frame_write(wal, 0, commit_pages, size);
}

/* bs_wal_check_file on wal[0..size), written to a file beside the database. */
static enum bs_status check_file(const uint8_t *wal, size_t size, uint64_t database_bytes)
{
    char path[300];
    snprintf(path, sizeof(path), "%s/hostile-wal", dir);
    FILE *file = fopen(path, "wb");
    if (file == NULL || fwrite(wal, 1, size, file) != size) {
        return BS_ERR_IO;
    }
    fclose(file);
    int fd = open(path, O_RDONLY);
    enum bs_status status = bs_wal_check_file(fd, database_bytes, 4096, NULL);
    close(fd);
    unlink(path);
    return status;
}

/* A valid commit that claims more pages than the database and its frames hold is refused,
 * without an allocation of that size; one within them is applied; both paths agree. */
static void test_commit_size_bounded(void)
{
    size_t wal_size = 0, db_size = 0;
    uint8_t *wal = read_all(wal_path, &wal_size);
    uint8_t *db = read_all(db_path, &db_size);
    CHECK(wal != NULL && wal_size >= 32 + 24 + 4096 && db != NULL);
    if (wal == NULL || db == NULL) {
        free(wal);
        free(db);
        return;
    }
    uint32_t db_pages = (uint32_t)(db_size / 4096);
    uint32_t claims[] = {262144u, 1048576u, 0xFFFFFFFFu, db_pages + 1};
    for (size_t i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
        size_t hostile_size = 0;
        uint8_t *hostile = one_frame_commit(wal, claims[i], &hostile_size);
        enum bs_status status = BS_OK;
        CHECK_INT_EQ(count_rows(hostile, hostile_size, &status), -1);
        CHECK_INT_EQ(status, BS_ERR_FORMAT);
        CHECK_INT_EQ(check_file(hostile, hostile_size, db_size), BS_ERR_FORMAT);
        free(hostile);
    }
    /* One valid frame that writes a far page and a commit up to it: the page number is a
     * header field too, and one frame adds one page at most. */
    uint32_t far_pages[] = {262144u, db_pages + 2};
    for (size_t i = 0; i < sizeof(far_pages) / sizeof(far_pages[0]); i++) {
        size_t hostile_size = 0;
        uint8_t *hostile = one_frame_write(wal, far_pages[i], far_pages[i], &hostile_size);
        enum bs_status status = BS_OK;
        CHECK_INT_EQ(count_rows(hostile, hostile_size, &status), -1);
        CHECK_INT_EQ(status, BS_ERR_FORMAT);
        CHECK_INT_EQ(check_file(hostile, hostile_size, db_size), BS_ERR_FORMAT);
        free(hostile);
    }
    /* A frame that appends the next page: one page more than the database, held by it. */
    size_t next_size = 0;
    uint8_t *next = one_frame_write(wal, db_pages + 1, db_pages + 1, &next_size);
    void *grown = malloc(db_size);
    memcpy(grown, db, db_size);
    size_t grown_size = db_size;
    CHECK_INT_EQ(bs_wal_apply(&grown, &grown_size, next, next_size, NULL, NULL), BS_OK);
    CHECK_INT_EQ(grown_size, db_size + 4096);
    CHECK_INT_EQ(check_file(next, next_size, db_size), BS_OK);
    free(grown);
    free(next);
    /* The first frame's own page, or the database's size: present, so accepted. */
    size_t fitting_size = 0;
    uint8_t *fitting = one_frame_commit(wal, db_pages, &fitting_size);
    void *image = malloc(db_size);
    memcpy(image, db, db_size);
    size_t image_size = db_size, applied = 0;
    CHECK_INT_EQ(bs_wal_apply(&image, &image_size, fitting, fitting_size, &applied, NULL), BS_OK);
    CHECK_INT_EQ(applied, 1);
    CHECK_INT_EQ(image_size, db_size);
    CHECK_INT_EQ(check_file(fitting, fitting_size, db_size), BS_OK);
    /* The intact WAL passes the file check too. */
    CHECK_INT_EQ(check_file(wal, wal_size, db_size), BS_OK);
    free(image);
    free(fitting);
    free(db);
    free(wal);
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

/* The map of the last commit (bs_wal_map_build, what the cipher VFS reads through) says what
 * bs_wal_apply writes: the committed size, and each mapped page as the replayed image has it;
 * a page of the database the map does not hold is unchanged. */
static void test_map(void)
{
    size_t wal_size = 0;
    size_t db_size = 0;
    uint8_t *wal = read_all(wal_path, &wal_size);
    uint8_t *db = read_all(db_path, &db_size);
    CHECK(wal != NULL && db != NULL && db_size >= 4096);
    if (wal == NULL || db == NULL || db_size < 4096) {
        free(wal);
        free(db);
        return;
    }
    struct bs_wal_map map;
    CHECK_INT_EQ(bs_wal_map_build(wal, wal_size, db_size, 4096, &map, NULL), BS_OK);
    CHECK(map.frames >= 2 && map.page_count > 0 && map.page_count <= map.frames);
    void *image = malloc(db_size);
    size_t image_size = db_size;
    memcpy(image, db, db_size);
    size_t applied = 0;
    CHECK_INT_EQ(bs_wal_apply(&image, &image_size, wal, wal_size, &applied, NULL), BS_OK);
    CHECK_INT_EQ(applied, map.frames);
    CHECK_INT_EQ(image_size, (size_t)map.database_pages * 4096);
    for (uint32_t page = 1; page <= map.database_pages; page++) {
        size_t offset = bs_wal_map_find(&map, page);
        const uint8_t *want = (const uint8_t *)image + (size_t)(page - 1) * 4096;
        if (offset != 0) {
            CHECK(offset + 4096 <= wal_size && memcmp(wal + offset, want, 4096) == 0);
        } else if ((size_t)page * 4096 <= db_size) {
            CHECK(memcmp(db + (size_t)(page - 1) * 4096, want, 4096) == 0);
        }
    }
    for (size_t i = 1; i < map.page_count; i++) {
        CHECK(map.pages[i - 1].page < map.pages[i].page); /* sorted, one entry per page */
    }
    CHECK_INT_EQ(bs_wal_map_find(&map, map.database_pages + 1), 0);
    bs_wal_map_free(&map);
    CHECK(map.pages == NULL && map.page_count == 0);
    /* No valid commit: an empty map; an error: an empty map and the same status. */
    CHECK_INT_EQ(bs_wal_map_build(wal, 32 + 10, db_size, 4096, &map, NULL), BS_OK);
    CHECK(map.frames == 0 && map.pages == NULL);
    CHECK_INT_EQ(bs_wal_map_build(wal, wal_size, db_size, 8192, &map, NULL), BS_ERR_FORMAT);
    CHECK(map.frames == 0 && map.pages == NULL);
    free(image);
    free(wal);
    free(db);
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
    test_map();
    test_commit_size_bounded();
    unlink(wal_path);
    unlink(db_path);
    char shm_path[sizeof(dir) + 16];
    snprintf(shm_path, sizeof(shm_path), "%s/w.db-shm", dir); /* left: no checkpoint on close */
    unlink(shm_path);
    rmdir(dir);
    return check_report("wal_apply");
}
