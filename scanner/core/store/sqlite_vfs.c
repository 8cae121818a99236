/*
 * The descriptor VFS of sqlite_vfs.h, the lower half of the SQLite adapter (sqlite_db.c is the
 * upper: connections, queries, rows). A main database named "/bubblescan-fd/N" (never a path
 * on disk) is the file open at descriptor N: the VFS dups N and reads it with pread, so SQLite
 * sees exactly the file the caller opened and checked, never whatever its path names by then
 * (the default VFS opens by name, with O_NOFOLLOW, which also refuses /proc/self/fd links).
 * Read-only and immutable: writes fail, locks are no-ops, and no journal or WAL is looked for
 * or created beside it. Any other file SQLite asks for goes to the default VFS (none does:
 * temp_store is MEMORY).
 */
#include "core/store/sqlite_vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>
#include <sys/stat.h>

#define BS_FD_PREFIX "/bubblescan-fd/"

struct fd_file {
    sqlite3_file base; /* first: SQLite casts */
    int fd;            /* owned dup */
};

static sqlite3_vfs fd_vfs;
static sqlite3_vfs *fd_vfs_base;

static bool is_fd_name(const char *name)
{
    return name != NULL && strncmp(name, BS_FD_PREFIX, sizeof(BS_FD_PREFIX) - 1) == 0;
}

static int fd_close(sqlite3_file *file)
{
    (void)close(((struct fd_file *)file)->fd);
    return SQLITE_OK;
}

static int fd_read(sqlite3_file *file, void *buffer, int amount, sqlite3_int64 offset)
{
    int fd = ((struct fd_file *)file)->fd;
    size_t got = 0;
    while (got < (size_t)amount) {
        ssize_t n =
            pread(fd, (char *)buffer + got, (size_t)amount - got, (off_t)offset + (off_t)got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return SQLITE_IOERR_READ;
        }
        if (n == 0) {
            memset((char *)buffer + got, 0, (size_t)amount - got); /* SQLite requires it */
            return SQLITE_IOERR_SHORT_READ;
        }
        got += (size_t)n;
    }
    return SQLITE_OK;
}

static int fd_write(sqlite3_file *file, const void *buffer, int amount, sqlite3_int64 offset)
{
    (void)file, (void)buffer, (void)amount, (void)offset;
    return SQLITE_READONLY;
}

static int fd_truncate(sqlite3_file *file, sqlite3_int64 size)
{
    (void)file, (void)size;
    return SQLITE_READONLY;
}

static int fd_sync(sqlite3_file *file, int flags)
{
    (void)file, (void)flags;
    return SQLITE_OK;
}

static int fd_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
    struct stat info;
    if (fstat(((struct fd_file *)file)->fd, &info) != 0) {
        return SQLITE_IOERR_FSTAT;
    }
    *size = (sqlite3_int64)info.st_size;
    return SQLITE_OK;
}

static int fd_lock(sqlite3_file *file, int level)
{
    (void)file, (void)level;
    return SQLITE_OK; /* immutable: nobody writes it while we read */
}

static int fd_check_reserved_lock(sqlite3_file *file, int *out)
{
    (void)file;
    *out = 0;
    return SQLITE_OK;
}

static int fd_file_control(sqlite3_file *file, int op, void *arg)
{
    (void)file, (void)op, (void)arg;
    return SQLITE_NOTFOUND;
}

static int fd_sector_size(sqlite3_file *file)
{
    (void)file;
    return 4096;
}

static int fd_device_characteristics(sqlite3_file *file)
{
    (void)file;
    return SQLITE_IOCAP_IMMUTABLE;
}

static const sqlite3_io_methods fd_io_methods = {
    .iVersion = 1, /* no shared memory, no memory mapping */
    .xClose = fd_close,
    .xRead = fd_read,
    .xWrite = fd_write,
    .xTruncate = fd_truncate,
    .xSync = fd_sync,
    .xFileSize = fd_file_size,
    .xLock = fd_lock,
    .xUnlock = fd_lock,
    .xCheckReservedLock = fd_check_reserved_lock,
    .xFileControl = fd_file_control,
    .xSectorSize = fd_sector_size,
    .xDeviceCharacteristics = fd_device_characteristics,
};

static int fd_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
                   int *out_flags)
{
    (void)vfs;
    if (!is_fd_name(name)) {
        return fd_vfs_base->xOpen(fd_vfs_base, name, file, flags, out_flags);
    }
    file->pMethods = NULL; /* until it is open: SQLite then does not call xClose */
    char *end = NULL;
    long number = strtol(name + sizeof(BS_FD_PREFIX) - 1, &end, 10);
    if ((flags & SQLITE_OPEN_MAIN_DB) == 0 || (flags & SQLITE_OPEN_READWRITE) != 0 || end == NULL ||
        *end != '\0' || number < 0 || number > INT32_MAX) {
        return SQLITE_CANTOPEN;
    }
    int fd = fcntl((int)number, F_DUPFD_CLOEXEC, 3);
    if (fd < 0) {
        return SQLITE_CANTOPEN;
    }
    ((struct fd_file *)file)->fd = fd;
    file->pMethods = &fd_io_methods;
    if (out_flags != NULL) {
        *out_flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_MAIN_DB;
    }
    return SQLITE_OK;
}

static int fd_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    if (is_fd_name(name)) {
        *out = 0; /* no -journal or -wal beside a descriptor */
        return SQLITE_OK;
    }
    return fd_vfs_base->xAccess(fd_vfs_base, name, flags, out);
}

static int fd_full_pathname(sqlite3_vfs *vfs, const char *name, int size, char *out)
{
    (void)vfs;
    if (is_fd_name(name)) {
        sqlite3_snprintf(size, out, "%s", name);
        return (int)strlen(name) < size ? SQLITE_OK : SQLITE_CANTOPEN;
    }
    return fd_vfs_base->xFullPathname(fd_vfs_base, name, size, out);
}

int bs_sqlite_vfs_register(void)
{
    if (fd_vfs_base != NULL) {
        return SQLITE_OK;
    }
    sqlite3_vfs *base = sqlite3_vfs_find(NULL);
    if (base == NULL) {
        return SQLITE_ERROR;
    }
    fd_vfs = *base;
    fd_vfs.zName = BS_SQLITE_VFS_NAME;
    fd_vfs.pNext = NULL;
    if (fd_vfs.szOsFile < (int)sizeof(struct fd_file)) {
        fd_vfs.szOsFile = (int)sizeof(struct fd_file);
    }
    fd_vfs.xOpen = fd_open;
    fd_vfs.xAccess = fd_access;
    fd_vfs.xFullPathname = fd_full_pathname;
    fd_vfs_base = base;
    int rc = sqlite3_vfs_register(&fd_vfs, 0);
    if (rc != SQLITE_OK) {
        fd_vfs_base = NULL;
    }
    return rc;
}

bool bs_sqlite_vfs_fd_name(int fd, char *out, size_t out_size)
{
    int n = snprintf(out, out_size, "%s%d", BS_FD_PREFIX, fd);
    return fd >= 0 && n > 0 && (size_t)n < out_size;
}
