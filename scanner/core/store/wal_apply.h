/*
 * Applies a SQLite write-ahead log to a database image in memory, as SQLite itself would on
 * opening: every frame of the last valid commit (salts matching the WAL header, checksums
 * chained from it) writes its page into the image, which then takes the committed size.
 * Used for decrypted backups, whose bytes never touch disk, so SQLite cannot open the WAL
 * beside them. Parsing goes through byte_reader; sizes are checked against limits.h.
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
