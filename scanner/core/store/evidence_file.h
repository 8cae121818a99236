/*
 * A database file of the evidence before SQLite sees it, handled only through descriptors the
 * caller opened (and checked): its header, and the private copy made when a WAL must be
 * applied. No SQLite here (sqlite_db.c is the adapter): plain POSIX file I/O.
 *
 * The private copy is a folder created with mode 0700 under the caller's temporary root,
 * holding a copy of the database and its -wal, copied byte for byte from the descriptors, so
 * SQLite may replay the WAL on our copy while nothing is written beside the evidence.
 */
#ifndef BS_CORE_EVIDENCE_FILE_H
#define BS_CORE_EVIDENCE_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/status.h"
#include "core/store/sqlite_db.h"

/* True when bytes[0..size) start with the 16 bytes every SQLite database starts with
 * ("SQLite format 3" and a NUL): the one test of it, for files read, decrypted or copied. */
bool bs_evidence_is_sqlite(const void *bytes, size_t size);

/* BS_ERR_FORMAT ("not a SQLite database") unless bytes[0..size) start with a SQLite header. */
enum bs_status bs_evidence_check_header(const unsigned char *bytes, size_t size,
                                        struct bs_error *err);

/* Reads the header of the database open at fd (from offset 0, the descriptor's offset is left
 * alone) and checks it as above; *page_size (may be NULL) gets the page size it declares.
 * BS_ERR_IO when it cannot be read. */
enum bs_status bs_evidence_read_header(int fd, uint32_t *page_size, struct bs_error *err);

/* Makes the private copy of the database at db_fd and its WAL at wal_fd, and checks the
 * copied WAL the way the in-memory replay would (wal_apply.h) before SQLite sees it. *dir is
 * set (malloc'd, caller owns) as soon as the folder exists, also on failure, so the caller
 * removes it with bs_evidence_private_remove; options->on_private_path is told its path then,
 * and each file's path before it can appear.
 * copy_path (copy_size bytes) gets the copied database's path. BS_ERR_IO, BS_ERR_NOMEM, the
 * statuses of bs_wal_check_file. */
enum bs_status bs_evidence_private_copy(int db_fd, int wal_fd,
                                        const struct bs_sqlite_open_options *options, char **dir,
                                        char *copy_path, size_t copy_size, struct bs_error *err);

/* Removes the private folder dir and the files SQLite may have made in it, telling
 * on_private_path (may be NULL) each path removed, files before the folder. NULL-safe. */
void bs_evidence_private_remove(const char *dir,
                                void (*on_private_path)(const char *, bool, void *), void *context);

#endif
