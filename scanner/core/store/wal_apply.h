/*
 * Applies a SQLite write-ahead log to a database image in memory, as SQLite itself would on
 * opening: every frame of the last valid commit (salts matching the WAL header, checksums
 * chained from it) writes its page into the image, which then takes the committed size.
 * Used for decrypted backups, whose bytes never touch disk, so SQLite cannot open the WAL
 * beside them: either written into a database image (bs_wal_apply), or as a map from page to
 * frame (bs_wal_map_build) that the cipher VFS reads pages through, the database itself never
 * held whole. Parsing goes through byte_reader; sizes are checked against limits.h.
 */
#ifndef BS_CORE_WAL_APPLY_H
#define BS_CORE_WAL_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "core/base/status.h"

/* The last valid commit of a WAL: the frames SQLite would use (0: none), the database size
 * in pages they commit, and the highest page they write. */
struct bs_wal_commit {
    uint32_t page_size;
    size_t valid_frames;
    uint32_t database_pages;
    uint32_t highest_page;
};

/* One page of the last valid commit: where its newest frame's page data starts in the WAL. */
struct bs_wal_page {
    uint32_t page; /* 1-based */
    size_t offset; /* of the page data (after the frame header) in the WAL */
};

/* The last valid commit of a WAL as pages: what a reader of the database must take from the
 * WAL instead of the database file. page_count 0 (pages NULL): the WAL changes nothing.
 * Owned by whoever built it: bs_wal_map_free. */
struct bs_wal_map {
    uint32_t page_size;
    uint32_t database_pages;   /* the committed size, in pages */
    size_t frames;             /* the commit's valid frames, all pages counted */
    struct bs_wal_page *pages; /* sorted by page, one entry per page, each <= database_pages */
    size_t page_count;
};

/* Builds *out (set also on failure, then empty) from wal[0..wal_size) for a database of
 * database_bytes whose header gives database_page_size, by the rules of bs_wal_apply: the same
 * commit, the same bounds on the committed size, the same errors (BS_ERR_FORMAT, BS_ERR_NOMEM).
 * The WAL bytes are not copied: offsets index them. */
enum bs_status bs_wal_map_build(const void *wal, size_t wal_size, uint64_t database_bytes,
                                uint32_t database_page_size, struct bs_wal_map *out,
                                struct bs_error *err);

/* The offset in the WAL of page's data, or 0 when the WAL does not hold it (binary search). */
size_t bs_wal_map_find(const struct bs_wal_map *map, uint32_t page);

/* Frees map->pages and empties *map. NULL is accepted. */
void bs_wal_map_free(struct bs_wal_map *map);

/* Applies wal[0..wal_size) to the image *image of *image_size bytes (malloc'd; it may be
 * reallocated: the caller owns whatever *image points to afterwards, also on failure). A WAL
 * with no valid commit changes nothing. The image never grows past the larger of its own size
 * and the highest page a valid frame writes, nor by more pages than there are valid frames (so
 * never by more than the WAL's own size): a commit that claims more pages than that is a
 * corrupt WAL (BS_ERR_FORMAT), as is a header or image that is not what it claims;
 * BS_ERR_NOMEM. *frames_applied (may be NULL) counts the frames written. */
enum bs_status bs_wal_apply(void **image, size_t *image_size, const void *wal, size_t wal_size,
                            size_t *frames_applied, struct bs_error *err);

/* Checks the WAL open at wal_fd (read with pread, one frame at a time) by the same rule as
 * bs_wal_apply, for a database of database_bytes whose header gives database_page_size: the
 * plain path lets SQLite replay the WAL on a private copy, and refuses first what the
 * in-memory replay refuses, so a plain and an encrypted backup give the same verdict.
 * BS_OK also for a WAL SQLite would ignore (bad header checksum, no valid commit). */
enum bs_status bs_wal_check_file(int wal_fd, uint64_t database_bytes, uint32_t database_page_size,
                                 struct bs_error *err);

/* The page size a SQLite database header declares (bytes 16-17; 1 means 65536), or 0 when
 * header_bytes < 18. */
uint32_t bs_wal_database_page_size(const void *header, size_t header_bytes);

#endif
