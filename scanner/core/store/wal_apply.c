/*
 * WAL replay of wal_apply.h, following the file format of sqlite.org/fileformat2.html
 * (section 4): a 32-byte header, then frames of a 24-byte header and one page each.
 */
#include "core/store/wal_apply.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "core/base/byte_reader.h"
#include "core/base/limits.h"
#include "core/base/wipe.h"

#define WAL_HEADER_BYTES   32
#define FRAME_HEADER_BYTES 24
#define WAL_MAGIC_LITTLE   0x377f0682u /* checksums over little-endian words */
#define WAL_MAGIC_BIG      0x377f0683u /* checksums over big-endian words */

struct checksum {
    uint32_t s0;
    uint32_t s1;
};

/* The WAL checksum over bytes (a multiple of 8 long), continuing from *sum. */
static void checksum_add(struct checksum *sum, const uint8_t *bytes, size_t length, bool big_endian)
{
    for (size_t i = 0; i + 8 <= length; i += 8) {
        uint32_t x0 = 0;
        uint32_t x1 = 0;
        for (int b = 0; b < 4; b++) {
            int shift = big_endian ? 24 - 8 * b : 8 * b;
            x0 |= (uint32_t)bytes[i + (size_t)b] << shift;
            x1 |= (uint32_t)bytes[i + 4 + (size_t)b] << shift;
        }
        sum->s0 += x0 + sum->s1;
        sum->s1 += x1 + sum->s0;
    }
}

struct wal_header {
    bool big_endian;
    uint32_t page_size;
    uint32_t salt1;
    uint32_t salt2;
    struct checksum sum;
};

static enum bs_status read_header(struct bs_byte_reader *reader, struct wal_header *header,
                                  struct bs_error *err)
{
    const uint8_t *raw = NULL;
    uint32_t magic = 0, version = 0, checkpoint = 0, sum0 = 0, sum1 = 0;
    if (!bs_byte_reader_bytes(reader, WAL_HEADER_BYTES, &raw)) {
        return bs_error_set(err, BS_ERR_FORMAT, "WAL shorter than its header");
    }
    struct bs_byte_reader fields;
    bs_byte_reader_init(&fields, raw, WAL_HEADER_BYTES);
    (void)bs_byte_reader_u32_be(&fields, &magic);
    (void)bs_byte_reader_u32_be(&fields, &version);
    (void)bs_byte_reader_u32_be(&fields, &header->page_size);
    (void)bs_byte_reader_u32_be(&fields, &checkpoint);
    (void)bs_byte_reader_u32_be(&fields, &header->salt1);
    (void)bs_byte_reader_u32_be(&fields, &header->salt2);
    (void)bs_byte_reader_u32_be(&fields, &sum0);
    (void)bs_byte_reader_u32_be(&fields, &sum1);
    if (magic != WAL_MAGIC_LITTLE && magic != WAL_MAGIC_BIG) {
        return bs_error_set(err, BS_ERR_FORMAT, "not a SQLite WAL file");
    }
    uint32_t page_size = header->page_size;
    if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0) {
        return bs_error_set(err, BS_ERR_FORMAT, "WAL page size %u is not valid", page_size);
    }
    header->big_endian = magic == WAL_MAGIC_BIG;
    header->sum.s0 = 0;
    header->sum.s1 = 0;
    checksum_add(&header->sum, raw, 24, header->big_endian);
    if (header->sum.s0 != sum0 || header->sum.s1 != sum1) {
        /* SQLite ignores such a WAL entirely, and so do we. */
        header->page_size = 0;
    }
    return BS_OK;
}

/* Where the WAL's bytes come from: a buffer in memory (a decrypted WAL) or a file read frame
 * by frame (a plain WAL beside the database), so that checking a large WAL costs one page of
 * memory, not the file. */
struct wal_source {
    const uint8_t *bytes; /* the whole WAL, or NULL to read from fd */
    int fd;
    uint8_t *buffer; /* one frame, when reading from fd */
};

static const uint8_t *source_frame(struct wal_source *source, uint64_t offset, size_t length)
{
    if (source->bytes != NULL) {
        return source->bytes + offset;
    }
    for (size_t got = 0; got < length;) {
        ssize_t n = pread(source->fd, source->buffer + got, length - got, (off_t)(offset + got));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return NULL;
        }
        got += (size_t)n;
    }
    return source->buffer;
}

/* Finds the frames SQLite would use: those up to the last commit frame of the unbroken,
 * valid chain, and the highest page they write. commit->valid_frames 0 means none. A frame
 * that cannot be read ends the chain, as a short file does for SQLite. */
static void find_committed_frames(struct wal_source *source, size_t frame_count,
                                  const struct wal_header *header, struct bs_wal_commit *commit)
{
    struct checksum sum = header->sum;
    size_t frame_bytes = FRAME_HEADER_BYTES + header->page_size;
    uint32_t highest_page = 0;
    for (size_t i = 0; i < frame_count; i++) {
        const uint8_t *frame =
            source_frame(source, WAL_HEADER_BYTES + (uint64_t)i * frame_bytes, frame_bytes);
        if (frame == NULL) {
            return;
        }
        struct bs_byte_reader reader;
        bs_byte_reader_init(&reader, frame, frame_bytes);
        uint32_t page = 0, commit_pages = 0, salt1 = 0, salt2 = 0, sum0 = 0, sum1 = 0;
        (void)bs_byte_reader_u32_be(&reader, &page);
        (void)bs_byte_reader_u32_be(&reader, &commit_pages);
        (void)bs_byte_reader_u32_be(&reader, &salt1);
        (void)bs_byte_reader_u32_be(&reader, &salt2);
        (void)bs_byte_reader_u32_be(&reader, &sum0);
        (void)bs_byte_reader_u32_be(&reader, &sum1);
        if (page == 0 || salt1 != header->salt1 || salt2 != header->salt2) {
            return;
        }
        checksum_add(&sum, frame, 8, header->big_endian);
        checksum_add(&sum, frame + FRAME_HEADER_BYTES, header->page_size, header->big_endian);
        if (sum.s0 != sum0 || sum.s1 != sum1) {
            return;
        }
        if (page > highest_page) {
            highest_page = page;
        }
        if (commit_pages != 0) {
            commit->valid_frames = i + 1;
            commit->database_pages = commit_pages;
            commit->highest_page = highest_page;
        }
    }
}

/* Reads the header, finds the last valid commit and checks it against what is present: a
 * commit may shrink the database (SQLite drops the tail) but never claim pages that neither
 * the database nor a frame before it holds, nor more pages past the database than there are
 * valid frames. SQLite never writes such a WAL; believing one
 * would size the image from a header field (4 bytes can ask for 256 TiB), so it is refused
 * as corrupt rather than ignored: the newest messages may be in it, and the examiner must
 * know the WAL did not check out. */
static enum bs_status inspect(struct wal_source *source, uint64_t wal_size, uint64_t database_bytes,
                              uint32_t database_page_size, struct bs_wal_commit *commit,
                              struct bs_error *err)
{
    memset(commit, 0, sizeof(*commit));
    const uint8_t *raw =
        wal_size >= WAL_HEADER_BYTES ? source_frame(source, 0, WAL_HEADER_BYTES) : NULL;
    struct bs_byte_reader reader;
    bs_byte_reader_init(&reader, raw, raw != NULL ? WAL_HEADER_BYTES : 0);
    struct wal_header header = {0};
    enum bs_status status = read_header(&reader, &header, err);
    if (status != BS_OK || header.page_size == 0) {
        return status;
    }
    if (header.page_size != database_page_size) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "the WAL's page size %u differs from the database's %u",
                            header.page_size, database_page_size);
    }
    commit->page_size = header.page_size;
    size_t frame_bytes = FRAME_HEADER_BYTES + header.page_size;
    uint64_t frame_count = (wal_size - WAL_HEADER_BYTES) / frame_bytes;
    find_committed_frames(source, (size_t)frame_count, &header, commit);
    if (commit->valid_frames == 0) {
        return BS_OK;
    }
    uint64_t database_pages = database_bytes / header.page_size;
    uint64_t present_pages = database_pages;
    if (commit->highest_page > present_pages) {
        present_pages = commit->highest_page;
    }
    /* The highest page number is itself a header field: one valid frame that writes page
     * 262,144 must not justify a 1 GiB image. Every page past the database is in a frame,
     * so the image grows by at most one page per valid frame. */
    if (present_pages > database_pages + commit->valid_frames) {
        present_pages = database_pages + commit->valid_frames;
    }
    if (commit->database_pages > present_pages) {
        return bs_error_set(
            err, BS_ERR_FORMAT,
            "corrupt WAL: its last commit claims %u pages, but the database "
            "and the WAL hold %llu: the backup is damaged or was altered, make it again",
            commit->database_pages, (unsigned long long)present_pages);
    }
    return BS_OK;
}

enum bs_status bs_wal_check_file(int wal_fd, uint64_t database_bytes, uint32_t database_page_size,
                                 struct bs_error *err)
{
    struct stat info;
    if (fstat(wal_fd, &info) != 0) {
        return bs_error_set(err, BS_ERR_IO, "reading the WAL: %s", strerror(errno));
    }
    struct wal_source source = {.bytes = NULL, .fd = wal_fd, .buffer = NULL};
    source.buffer = malloc(FRAME_HEADER_BYTES + 65536);
    if (source.buffer == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    struct bs_wal_commit commit;
    enum bs_status status = inspect(&source, info.st_size > 0 ? (uint64_t)info.st_size : 0,
                                    database_bytes, database_page_size, &commit, err);
    free(source.buffer);
    return status;
}

uint32_t bs_wal_database_page_size(const void *header, size_t header_bytes)
{
    if (header_bytes < 18) {
        return 0;
    }
    const uint8_t *bytes = header;
    uint32_t size = ((uint32_t)bytes[16] << 8) | bytes[17];
    return size == 1 ? 65536u : size;
}

/* Orders by page, then by frame (offset): the newest frame of a page comes last. */
static int compare_pages(const void *a, const void *b)
{
    const struct bs_wal_page *x = a;
    const struct bs_wal_page *y = b;
    if (x->page != y->page) {
        return x->page < y->page ? -1 : 1;
    }
    return x->offset < y->offset ? -1 : (x->offset > y->offset ? 1 : 0);
}

enum bs_status bs_wal_map_build(const void *wal, size_t wal_size, uint64_t database_bytes,
                                uint32_t database_page_size, struct bs_wal_map *out,
                                struct bs_error *err)
{
    memset(out, 0, sizeof(*out));
    struct wal_source source = {.bytes = wal, .fd = -1, .buffer = NULL};
    struct bs_wal_commit commit;
    enum bs_status status =
        inspect(&source, wal_size, database_bytes, database_page_size, &commit, err);
    if (status != BS_OK || commit.valid_frames == 0) {
        return status;
    }
    /* valid_frames frames are in the WAL (inspect read them), so this is bounded by its size. */
    struct bs_wal_page *pages = malloc(commit.valid_frames * sizeof(*pages));
    if (pages == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory applying a WAL");
    }
    const uint8_t *frames = (const uint8_t *)wal + WAL_HEADER_BYTES;
    size_t frame_bytes = FRAME_HEADER_BYTES + commit.page_size;
    size_t count = 0;
    for (size_t i = 0; i < commit.valid_frames; i++) {
        const uint8_t *frame = frames + i * frame_bytes;
        uint32_t page = ((uint32_t)frame[0] << 24) | ((uint32_t)frame[1] << 16) |
                        ((uint32_t)frame[2] << 8) | frame[3];
        /* A page past the committed size belongs to a truncated tail: SQLite drops it. */
        if (page <= commit.database_pages) {
            pages[count].page = page;
            pages[count].offset = WAL_HEADER_BYTES + i * frame_bytes + FRAME_HEADER_BYTES;
            count++;
        }
    }
    qsort(pages, count, sizeof(*pages), compare_pages);
    size_t kept = 0; /* the newest frame of each page: the last of its run */
    for (size_t i = 0; i < count; i++) {
        if (i + 1 < count && pages[i + 1].page == pages[i].page) {
            continue;
        }
        pages[kept++] = pages[i];
    }
    out->page_size = commit.page_size;
    out->database_pages = commit.database_pages;
    out->frames = commit.valid_frames;
    out->pages = pages;
    out->page_count = kept;
    return BS_OK;
}

size_t bs_wal_map_find(const struct bs_wal_map *map, uint32_t page)
{
    size_t low = 0;
    size_t high = map->page_count;
    while (low < high) {
        size_t middle = low + (high - low) / 2;
        if (map->pages[middle].page == page) {
            return map->pages[middle].offset;
        }
        if (map->pages[middle].page < page) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    return 0;
}

void bs_wal_map_free(struct bs_wal_map *map)
{
    if (map != NULL) {
        free(map->pages);
        memset(map, 0, sizeof(*map));
    }
}

enum bs_status bs_wal_apply(void **image, size_t *image_size, const void *wal, size_t wal_size,
                            size_t *frames_applied, struct bs_error *err)
{
    if (frames_applied != NULL) {
        *frames_applied = 0;
    }
    if (*image == NULL || *image_size < 100) {
        return bs_error_set(err, BS_ERR_FORMAT, "database image too small for a WAL");
    }
    struct bs_wal_map map;
    enum bs_status status = bs_wal_map_build(
        wal, wal_size, *image_size, bs_wal_database_page_size(*image, *image_size), &map, err);
    if (status != BS_OK || map.frames == 0) {
        return status;
    }
    /* Bounded by what is present (inspect): the image never grows past its own pages or the
     * highest page a valid frame writes. */
    size_t new_size = (size_t)map.database_pages * map.page_size;
    /* The image may be decrypted evidence: a new block rather than realloc, which could
     * free the old one unwiped, and a tail cut off by the commit is wiped. */
    if (new_size > *image_size) {
        uint8_t *grown = malloc(new_size);
        if (grown == NULL) {
            bs_wal_map_free(&map);
            return bs_error_set(err, BS_ERR_NOMEM, "out of memory applying a WAL");
        }
        memcpy(grown, *image, *image_size);
        memset(grown + *image_size, 0, new_size - *image_size);
        bs_wipe(*image, *image_size);
        free(*image);
        *image = grown;
    } else if (new_size < *image_size) {
        bs_wipe((uint8_t *)*image + new_size, *image_size - new_size);
    }
    uint8_t *pages = *image;
    for (size_t i = 0; i < map.page_count; i++) {
        memcpy(pages + (size_t)(map.pages[i].page - 1) * map.page_size,
               (const uint8_t *)wal + map.pages[i].offset, map.page_size);
    }
    *image_size = new_size;
    if (frames_applied != NULL) {
        *frames_applied = map.frames;
    }
    bs_wal_map_free(&map);
    return BS_OK;
}
