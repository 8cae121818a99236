/*
 * WAL replay of wal_apply.h, following the file format of sqlite.org/fileformat2.html
 * (section 4): a 32-byte header, then frames of a 24-byte header and one page each.
 */
#include "core/wal_apply.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/byte_reader.h"
#include "core/limits.h"

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

static uint32_t image_page_size(const uint8_t *image)
{
    uint32_t size = ((uint32_t)image[16] << 8) | image[17];
    return size == 1 ? 65536u : size;
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

/* Finds the frames SQLite would use: those up to the last commit frame of the unbroken,
 * valid chain. *valid_frames 0 means none. */
static void find_committed_frames(const uint8_t *frames, size_t frame_count,
                                  const struct wal_header *header, size_t *valid_frames,
                                  uint32_t *database_pages)
{
    struct checksum sum = header->sum;
    size_t frame_bytes = FRAME_HEADER_BYTES + header->page_size;
    *valid_frames = 0;
    *database_pages = 0;
    for (size_t i = 0; i < frame_count; i++) {
        struct bs_byte_reader reader;
        bs_byte_reader_init(&reader, frames + i * frame_bytes, frame_bytes);
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
        const uint8_t *frame = frames + i * frame_bytes;
        checksum_add(&sum, frame, 8, header->big_endian);
        checksum_add(&sum, frame + FRAME_HEADER_BYTES, header->page_size, header->big_endian);
        if (sum.s0 != sum0 || sum.s1 != sum1) {
            return;
        }
        if (commit_pages != 0) {
            *valid_frames = i + 1;
            *database_pages = commit_pages;
        }
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
    struct bs_byte_reader reader;
    bs_byte_reader_init(&reader, wal, wal_size);
    struct wal_header header;
    enum bs_status status = read_header(&reader, &header, err);
    if (status != BS_OK || header.page_size == 0) {
        return status;
    }
    if (header.page_size != image_page_size(*image)) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "the WAL's page size %u differs from the "
                            "database's %u",
                            header.page_size, image_page_size(*image));
    }
    size_t frame_bytes = FRAME_HEADER_BYTES + header.page_size;
    size_t frame_count = bs_byte_reader_remaining(&reader) / frame_bytes;
    const uint8_t *frames = NULL;
    (void)bs_byte_reader_bytes(&reader, frame_count * frame_bytes, &frames);
    size_t valid_frames = 0;
    uint32_t database_pages = 0;
    find_committed_frames(frames, frame_count, &header, &valid_frames, &database_pages);
    if (valid_frames == 0) {
        return BS_OK;
    }
    if ((uint64_t)database_pages * header.page_size > BS_MAX_DECRYPTED_FILE_BYTES) {
        return bs_error_set(err, BS_ERR_LIMIT, "the WAL grows the database past %zu bytes",
                            (size_t)BS_MAX_DECRYPTED_FILE_BYTES);
    }
    size_t new_size = (size_t)database_pages * header.page_size;
    if (new_size > *image_size) {
        uint8_t *grown = realloc(*image, new_size);
        if (grown == NULL) {
            return bs_error_set(err, BS_ERR_NOMEM, "out of memory applying a WAL");
        }
        memset(grown + *image_size, 0, new_size - *image_size);
        *image = grown;
    }
    uint8_t *pages = *image;
    for (size_t i = 0; i < valid_frames; i++) {
        const uint8_t *frame = frames + i * frame_bytes;
        uint32_t page = ((uint32_t)frame[0] << 24) | ((uint32_t)frame[1] << 16) |
                        ((uint32_t)frame[2] << 8) | frame[3];
        /* A page past the committed size belongs to a truncated tail: SQLite drops it. */
        if (page <= database_pages) {
            memcpy(pages + (size_t)(page - 1) * header.page_size, frame + FRAME_HEADER_BYTES,
                   header.page_size);
        }
    }
    *image_size = new_size;
    if (frames_applied != NULL) {
        *frames_applied = valid_frames;
    }
    return BS_OK;
}
