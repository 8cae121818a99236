/*
 * The SQLite adapter's VFS that reads a database through a descriptor the caller opened and
 * checked (no check-then-open race, nothing created beside the evidence), either as it is or,
 * for an encrypted backup file, decrypting just the blocks each read needs with a cipher the
 * caller supplies (struct bs_sqlite_cipher of sqlite_db.h: the store layer knows no key and no
 * OpenSSL; the backup layer's crypto adapter does the AES). Used only by sqlite_db.c; with it, the
 * one adapter of SQLite (the only two files that include sqlite3.h, see
 * tests/lint/check_layering.sh). No SQLite type appears here.
 */
#ifndef BS_CORE_SQLITE_VFS_H
#define BS_CORE_SQLITE_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/store/sqlite_db.h"

/* The name to pass to sqlite3_open_v2 as its VFS. */
#define BS_SQLITE_VFS_NAME "bs-fd"

/* Registers the VFS (not as the default) once; later calls do nothing. The scanner opens
 * databases from one thread. Returns an SQLite result code (0 on success). */
int bs_sqlite_vfs_register(void);

/* The database name under which the VFS reads the file open at fd (borrowed: SQLite reads a
 * dup of it, so fd may be closed once the connection is open) into out; false when it does
 * not fit or fd is negative. */
bool bs_sqlite_vfs_fd_name(int fd, char *out, size_t out_size);

/* Hands cipher (copied; its context is not released here) to the next open of the name this
 * writes into out: the VFS takes it when SQLite opens that name as its main database. False
 * when the name does not fit (nothing staged). One staged cipher at a time (one thread). */
bool bs_sqlite_vfs_cipher_stage(const struct bs_sqlite_cipher *cipher, char *out, size_t out_size);

/* After the open: true, with the cipher copied into *out, when the VFS did not take it (the
 * open failed before it), so the caller must release its context; false when it was taken
 * (the connection releases it on close). Clears the stage. */
bool bs_sqlite_vfs_cipher_unstage(struct bs_sqlite_cipher *out);

#endif
