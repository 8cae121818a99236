/*
 * The SQLite adapter's VFS that reads a database through a descriptor the caller opened and
 * checked (no check-then-open race, nothing created beside the evidence). Used only by
 * sqlite_db.c; with it, the one adapter of SQLite (the only two files that include sqlite3.h,
 * see tests/lint/check_layering.sh). No SQLite type appears here.
 */
#ifndef BS_CORE_SQLITE_VFS_H
#define BS_CORE_SQLITE_VFS_H

#include <stdbool.h>
#include <stddef.h>

/* The name to pass to sqlite3_open_v2 as its VFS. */
#define BS_SQLITE_VFS_NAME "bs-fd"

/* Registers the VFS (not as the default) once; later calls do nothing. The scanner opens
 * databases from one thread. Returns an SQLite result code (0 on success). */
int bs_sqlite_vfs_register(void);

/* The database name under which the VFS reads the file open at fd (borrowed: SQLite reads a
 * dup of it, so fd may be closed once the connection is open) into out; false when it does
 * not fit or fd is negative. */
bool bs_sqlite_vfs_fd_name(int fd, char *out, size_t out_size);

#endif
