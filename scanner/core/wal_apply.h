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

#include "core/status.h"

/* Applies wal[0..wal_size) to the image *image of *image_size bytes (malloc'd; it may be
 * reallocated: the caller owns whatever *image points to afterwards, also on failure). A WAL
 * with no valid commit changes nothing. BS_ERR_FORMAT when the WAL header or the image is not
 * what it claims, BS_ERR_LIMIT past BS_MAX_DECRYPTED_FILE_BYTES, BS_ERR_NOMEM. *frames_applied
 * (may be NULL) counts the frames written. */
enum bs_status bs_wal_apply(void **image, size_t *image_size, const void *wal, size_t wal_size,
                            size_t *frames_applied, struct bs_error *err);

#endif
