/*
 * Fuzz target: the in-memory WAL replay of encrypted backups (core/store/wal_apply) and the
 * file check of plain ones.
 *
 * Input: a database image and a WAL, as 4 bytes (big-endian) giving the image's size, the
 * image, then the WAL (seed: a 512-byte-page database and its WAL of two commits, made at
 * build time). bs_wal_apply must keep the image within what the input holds (never more
 * than the image and the WAL together: the 1 GiB allocation of issue 16), fail only with
 * BS_ERR_FORMAT and a message, and change nothing when it applies no frame. The same WAL,
 * written to a temporary file, must get the same verdict from bs_wal_check_file, and the map
 * of its commit (bs_wal_map_build, what the cipher VFS reads pages through) the same verdict,
 * the same size and the same pages as the replayed image. A replayed image is opened with the
 * SQLite adapter from memory and its tables read.
 */
#include <string.h>
#include <unistd.h>

#include "core/store/sqlite_db.h"
#include "core/store/wal_apply.h"
#include "fuzz.h"

/* A file that holds each input's WAL for bs_wal_check_file, made once per process. */
static int wal_file(void)
{
    static int fd = -1;
    if (fd < 0) {
        char path[] = "/tmp/bs-fuzz-wal-XXXXXX";
        fd = mkstemp(path);
        FUZZ_CHECK(fd >= 0);
        (void)unlink(path);
    }
    return fd;
}

static enum bs_status check_file(const uint8_t *wal, size_t wal_size, size_t image_size,
                                 uint32_t page_size)
{
    int fd = wal_file();
    FUZZ_CHECK(ftruncate(fd, 0) == 0);
    for (size_t done = 0; done < wal_size;) {
        ssize_t n = pwrite(fd, wal + done, wal_size - done, (off_t)done);
        FUZZ_CHECK(n > 0);
        done += (size_t)n;
    }
    struct bs_error err = {BS_OK, ""};
    enum bs_status status = bs_wal_check_file(fd, image_size, page_size, &err);
    FUZZ_CHECK(status == BS_OK || (err.status == status && err.message[0] != '\0'));
    return status;
}

/* Reads every table the replayed image lists: rows must come out or a clean error. */
static void read_image(void *image, size_t size)
{
    struct bs_error err = {BS_OK, ""};
    struct bs_sqlite_db *db = NULL;
    if (bs_sqlite_db_open_memory(image, size, NULL, &db, &err) != BS_OK) {
        FUZZ_CHECK(err.message[0] != '\0');
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
        for (int rows = 0; has_row && rows < 10000; rows++) {
            if (bs_sqlite_query_step(query, &has_row, &err) != BS_OK) {
                break;
            }
            if (has_row) {
                size_t length = 0;
                bool is_present = false;
                (void)bs_sqlite_query_text(query, 1, &length);
                (void)bs_sqlite_query_int(query, 0, &is_present);
            }
        }
        bs_sqlite_query_free(query);
    }
    bs_sqlite_db_close(db);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4) {
        return 0;
    }
    size_t image_size =
        (size_t)data[0] << 24 | (size_t)data[1] << 16 | (size_t)data[2] << 8 | (size_t)data[3];
    if (image_size > size - 4) {
        image_size = size - 4;
    }
    const uint8_t *wal = data + 4 + image_size;
    size_t wal_size = size - 4 - image_size;
    size_t original_size = image_size;
    void *image = malloc(image_size > 0 ? image_size : 1);
    FUZZ_CHECK(image != NULL);
    if (image_size > 0) {
        memcpy(image, data + 4, image_size);
    }
    uint32_t page_size = bs_wal_database_page_size(image, image_size);

    struct bs_error err = {BS_OK, ""};
    size_t frames = 0;
    enum bs_status status = bs_wal_apply(&image, &image_size, wal, wal_size, &frames, &err);
    if (status != BS_OK) {
        FUZZ_CHECK(status == BS_ERR_FORMAT);
        FUZZ_CHECK(err.status == status && err.message[0] != '\0');
        FUZZ_CHECK(image_size == original_size && frames == 0);
    } else {
        FUZZ_CHECK(image_size <= original_size + wal_size);
        if (frames == 0) {
            FUZZ_CHECK(image_size == original_size);
            FUZZ_CHECK(memcmp(image, data + 4, original_size) == 0);
        }
    }
    /* The map agrees with the replay, page for page. */
    if (original_size >= 100) {
        struct bs_wal_map map;
        enum bs_status map_status =
            bs_wal_map_build(wal, wal_size, original_size, page_size, &map, NULL);
        FUZZ_CHECK(map_status == status && map.frames == frames);
        if (status == BS_OK && frames > 0) {
            FUZZ_CHECK((size_t)map.database_pages * map.page_size == image_size);
            for (size_t i = 0; i < map.page_count; i++) {
                FUZZ_CHECK(map.pages[i].page >= 1 && map.pages[i].page <= map.database_pages);
                FUZZ_CHECK(map.pages[i].offset + map.page_size <= wal_size);
                FUZZ_CHECK(
                    memcmp(wal + map.pages[i].offset,
                           (const uint8_t *)image + (size_t)(map.pages[i].page - 1) * map.page_size,
                           map.page_size) == 0);
            }
        }
        bs_wal_map_free(&map);
    }
    /* The plain path's verdict, for images the replay reads at all. */
    if (original_size >= 100) {
        FUZZ_CHECK(check_file(wal, wal_size, original_size, page_size) == status);
    }
    if (status == BS_OK) {
        read_image(image, image_size); /* takes the image */
    } else {
        free(image);
    }
    return 0;
}
