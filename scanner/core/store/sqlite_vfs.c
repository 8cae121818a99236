/*
 * The descriptor VFS of sqlite_vfs.h, the lower half of the SQLite adapter (sqlite_db.c is the
 * upper: connections, queries, rows). A main database named "/bubblescan-fd/N" (never a path
 * on disk) is the file open at descriptor N: the VFS dups N and reads it with pread, so SQLite
 * sees exactly the file the caller opened and checked, never whatever its path names by then
 * (the default VFS opens by name, with O_NOFOLLOW, which also refuses /proc/self/fd links).
 * Read-only and immutable: writes fail, locks are no-ops, and no journal or WAL is looked for
 * or created beside it. Any other file SQLite asks for goes to the default VFS (none does:
 * temp_store is MEMORY).
 * A main database named "/bubblescan-cipher/N" is the encrypted file of the cipher staged as N
 * (bs_sqlite_vfs_cipher_stage): each read preads the ciphertext blocks covering the range, and
 * the one before them (the CBC IV), and decrypts them with the caller's callback, straight into
 * SQLite's buffer when the range is whole blocks (pages always are), else through a scratch
 * buffer wiped at once; the size is the plaintext size. With a WAL map (a WAL the caller
 * decrypted into memory and checked, wal_apply.h), a page the map holds is copied from the WAL
 * instead and the size is the committed one, as bs_wal_apply would make the image. The
 * header's WAL flags (bytes 18-19) read as rollback, as for a memory image: SQLite never looks
 * for a WAL.
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

#include "core/base/wipe.h"
#include "core/store/wal_apply.h"

#define BS_FD_PREFIX     "/bubblescan-fd/"
#define BS_CIPHER_PREFIX "/bubblescan-cipher/"

struct fd_file {
    sqlite3_file base; /* first: SQLite casts */
    int fd;            /* owned dup */
};

struct cipher_file {
    sqlite3_file base;              /* first: SQLite casts */
    int fd;                         /* owned dup */
    struct bs_sqlite_cipher cipher; /* context owned: released on close */
    uint64_t size;                  /* what SQLite sees: plaintext, or the WAL's commit */
    uint8_t *scratch;               /* ciphertext, then plaintext wiped after each read */
    size_t scratch_size;
};

/* The cipher bs_sqlite_vfs_cipher_stage handed over, until xOpen takes it. */
static struct {
    bool staged;
    unsigned long serial;
    struct bs_sqlite_cipher cipher;
} cipher_stage;

static sqlite3_vfs fd_vfs;
static sqlite3_vfs *fd_vfs_base;

static bool is_fd_name(const char *name)
{
    return name != NULL && strncmp(name, BS_FD_PREFIX, sizeof(BS_FD_PREFIX) - 1) == 0;
}

static bool is_cipher_name(const char *name)
{
    return name != NULL && strncmp(name, BS_CIPHER_PREFIX, sizeof(BS_CIPHER_PREFIX) - 1) == 0;
}

static int fd_close(sqlite3_file *file)
{
    (void)close(((struct fd_file *)file)->fd);
    return SQLITE_OK;
}

/* Reads up to amount bytes at offset; *got is how many there were (fewer only at the end). */
static int pread_full(int fd, void *buffer, size_t amount, uint64_t offset, size_t *got)
{
    *got = 0;
    while (*got < amount) {
        ssize_t n = pread(fd, (char *)buffer + *got, amount - *got, (off_t)(offset + *got));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return SQLITE_IOERR_READ;
        }
        if (n == 0) {
            break;
        }
        *got += (size_t)n;
    }
    return SQLITE_OK;
}

static int fd_read(sqlite3_file *file, void *buffer, int amount, sqlite3_int64 offset)
{
    size_t got = 0;
    if (amount < 0 || offset < 0 ||
        pread_full(((struct fd_file *)file)->fd, buffer, (size_t)amount, (uint64_t)offset, &got) !=
            SQLITE_OK) {
        return SQLITE_IOERR_READ;
    }
    if (got < (size_t)amount) {
        memset((char *)buffer + got, 0, (size_t)amount - got); /* SQLite requires it */
        return SQLITE_IOERR_SHORT_READ;
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

static int cipher_close(sqlite3_file *file)
{
    struct cipher_file *cipher_file = (struct cipher_file *)file;
    (void)close(cipher_file->fd);
    if (cipher_file->scratch != NULL) {
        bs_wipe(cipher_file->scratch, cipher_file->scratch_size);
        free(cipher_file->scratch);
    }
    if (cipher_file->cipher.release != NULL) {
        cipher_file->cipher.release(cipher_file->cipher.context);
    }
    memset(&cipher_file->cipher, 0, sizeof(cipher_file->cipher));
    return SQLITE_OK;
}

/* Decrypts plaintext [start, start + length) into out; the range is inside the plaintext. */
static int cipher_decrypt_range(struct cipher_file *file, uint8_t *out, uint64_t start,
                                size_t length)
{
    const uint64_t block = BS_SQLITE_CIPHER_BLOCK_BYTES;
    uint64_t first = start / block;
    uint64_t last = (start + length - 1) / block;
    uint64_t read_from = first > 0 ? first - 1 : 0; /* the IV: the ciphertext block before */
    size_t block_count = (size_t)(last - first + 1);
    size_t cipher_bytes = (size_t)((last - read_from + 1) * block);
    bool aligned = start % block == 0 && length % block == 0;
    size_t need = cipher_bytes + (aligned ? 0 : block_count * (size_t)block);
    if (need > file->scratch_size) {
        uint8_t *bigger = malloc(need);
        if (bigger == NULL) {
            return SQLITE_IOERR_NOMEM;
        }
        if (file->scratch != NULL) {
            bs_wipe(file->scratch, file->scratch_size);
            free(file->scratch);
        }
        file->scratch = bigger;
        file->scratch_size = need;
    }
    size_t got = 0;
    int rc = pread_full(file->fd, file->scratch, cipher_bytes, read_from * block, &got);
    if (rc != SQLITE_OK || got != cipher_bytes) {
        return SQLITE_IOERR_READ; /* the ciphertext shrank since it was opened */
    }
    static const uint8_t zero_iv[BS_SQLITE_CIPHER_BLOCK_BYTES];
    const uint8_t *iv = first > 0 ? file->scratch : zero_iv;
    const uint8_t *in = first > 0 ? file->scratch + block : file->scratch;
    uint8_t *plain = aligned ? out : file->scratch + cipher_bytes;
    if (!file->cipher.decrypt(file->cipher.context, iv, in, plain, block_count)) {
        rc = SQLITE_IOERR_READ;
    } else if (!aligned) {
        memcpy(out, plain + start % block, length);
    }
    if (!aligned) {
        bs_wipe(plain, block_count * (size_t)block);
    }
    return rc;
}

/* Fills out with plaintext [start, start + length) of the database file as the WAL map (when
 * there is one) makes it: page by page, from the WAL or decrypted; zeros where neither holds
 * it (a committed size past the database that no frame fills, as bs_wal_apply leaves it). */
static int cipher_read_range(struct cipher_file *file, uint8_t *out, uint64_t start, size_t length)
{
    const struct bs_wal_map *map = file->cipher.wal_map;
    uint64_t database = file->cipher.plaintext_size;
    if (map == NULL || map->frames == 0) {
        return cipher_decrypt_range(file, out, start, length);
    }
    uint64_t end = start + length;
    for (uint64_t at = start; at < end;) {
        uint64_t page_start = at - at % map->page_size;
        uint64_t chunk_end = page_start + map->page_size < end ? page_start + map->page_size : end;
        size_t chunk = (size_t)(chunk_end - at);
        uint8_t *to = out + (at - start);
        size_t in_wal = bs_wal_map_find(map, (uint32_t)(page_start / map->page_size + 1));
        if (in_wal != 0) {
            memcpy(to, file->cipher.wal + in_wal + (at - page_start), chunk);
        } else {
            size_t decrypted = at >= database          ? 0
                               : database - at < chunk ? (size_t)(database - at)
                                                       : chunk;
            int rc = decrypted > 0 ? cipher_decrypt_range(file, to, at, decrypted) : SQLITE_OK;
            if (rc != SQLITE_OK) {
                return rc;
            }
            memset(to + decrypted, 0, chunk - decrypted);
        }
        at = chunk_end;
    }
    return SQLITE_OK;
}

static int cipher_read(sqlite3_file *file, void *buffer, int amount, sqlite3_int64 offset)
{
    struct cipher_file *cipher_file = (struct cipher_file *)file;
    if (amount < 0 || offset < 0) {
        return SQLITE_IOERR_READ;
    }
    uint64_t start = (uint64_t)offset;
    uint64_t size = cipher_file->size;
    size_t want = (size_t)amount;
    size_t length = start >= size ? 0 : (size - start < want ? (size_t)(size - start) : want);
    uint8_t *out = buffer;
    int rc = length > 0 ? cipher_read_range(cipher_file, out, start, length) : SQLITE_OK;
    if (rc != SQLITE_OK) {
        memset(out, 0, want);
        return rc;
    }
    for (uint64_t at = 18; at <= 19; at++) { /* WAL (2) reads as rollback (1) */
        if (at >= start && at < start + length && out[at - start] == 2) {
            out[at - start] = 1;
        }
    }
    if (length < want) {
        memset(out + length, 0, want - length); /* SQLite requires it */
        return SQLITE_IOERR_SHORT_READ;
    }
    return SQLITE_OK;
}

static int cipher_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
    *size = (sqlite3_int64)((struct cipher_file *)file)->size;
    return SQLITE_OK;
}

static const sqlite3_io_methods cipher_io_methods = {
    .iVersion = 1, /* no shared memory, no memory mapping */
    .xClose = cipher_close,
    .xRead = cipher_read,
    .xWrite = fd_write,
    .xTruncate = fd_truncate,
    .xSync = fd_sync,
    .xFileSize = cipher_file_size,
    .xLock = fd_lock,
    .xUnlock = fd_lock,
    .xCheckReservedLock = fd_check_reserved_lock,
    .xFileControl = fd_file_control,
    .xSectorSize = fd_sector_size,
    .xDeviceCharacteristics = fd_device_characteristics,
};

/* Opens the staged cipher named "/bubblescan-cipher/N" (N its serial) and takes it. */
static int cipher_open(const char *name, sqlite3_file *file, int flags, int *out_flags)
{
    char *end = NULL;
    unsigned long serial = strtoul(name + sizeof(BS_CIPHER_PREFIX) - 1, &end, 10);
    if ((flags & SQLITE_OPEN_MAIN_DB) == 0 || (flags & SQLITE_OPEN_READWRITE) != 0 || end == NULL ||
        *end != '\0' || !cipher_stage.staged || serial != cipher_stage.serial ||
        cipher_stage.cipher.decrypt == NULL) {
        return SQLITE_CANTOPEN;
    }
    const struct bs_sqlite_cipher *cipher = &cipher_stage.cipher;
    struct stat info;
    if (cipher->fd < 0 || fstat(cipher->fd, &info) != 0 || !S_ISREG(info.st_mode) ||
        info.st_size <= 0 || (uint64_t)info.st_size % BS_SQLITE_CIPHER_BLOCK_BYTES != 0 ||
        cipher->plaintext_size > (uint64_t)info.st_size ||
        (uint64_t)info.st_size - cipher->plaintext_size > BS_SQLITE_CIPHER_BLOCK_BYTES ||
        (cipher->wal_map != NULL && (cipher->wal == NULL || cipher->wal_map->page_size == 0))) {
        return SQLITE_CANTOPEN;
    }
    int fd = fcntl(cipher->fd, F_DUPFD_CLOEXEC, 3);
    if (fd < 0) {
        return SQLITE_CANTOPEN;
    }
    struct cipher_file *cipher_file = (struct cipher_file *)file;
    cipher_file->fd = fd;
    cipher_file->cipher = *cipher;
    cipher_file->size = cipher->plaintext_size;
    if (cipher->wal_map != NULL && cipher->wal_map->frames > 0) {
        cipher_file->size = (uint64_t)cipher->wal_map->database_pages * cipher->wal_map->page_size;
    }
    cipher_file->scratch = NULL;
    cipher_file->scratch_size = 0;
    cipher_stage.staged = false; /* taken: the connection releases it on close */
    memset(&cipher_stage.cipher, 0, sizeof(cipher_stage.cipher));
    file->pMethods = &cipher_io_methods;
    if (out_flags != NULL) {
        *out_flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_MAIN_DB;
    }
    return SQLITE_OK;
}

static int fd_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
                   int *out_flags)
{
    (void)vfs;
    if (is_cipher_name(name)) {
        file->pMethods = NULL; /* until it is open: SQLite then does not call xClose */
        return cipher_open(name, file, flags, out_flags);
    }
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
    if (is_fd_name(name) || is_cipher_name(name)) {
        *out = 0; /* no -journal or -wal beside a descriptor */
        return SQLITE_OK;
    }
    return fd_vfs_base->xAccess(fd_vfs_base, name, flags, out);
}

static int fd_full_pathname(sqlite3_vfs *vfs, const char *name, int size, char *out)
{
    (void)vfs;
    if (is_fd_name(name) || is_cipher_name(name)) {
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
    if (fd_vfs.szOsFile < (int)sizeof(struct cipher_file)) {
        fd_vfs.szOsFile = (int)sizeof(struct cipher_file);
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

bool bs_sqlite_vfs_cipher_stage(const struct bs_sqlite_cipher *cipher, char *out, size_t out_size)
{
    unsigned long serial = cipher_stage.serial + 1;
    int n = snprintf(out, out_size, "%s%lu", BS_CIPHER_PREFIX, serial);
    if (cipher == NULL || n <= 0 || (size_t)n >= out_size) {
        return false;
    }
    cipher_stage.staged = true;
    cipher_stage.serial = serial;
    cipher_stage.cipher = *cipher;
    return true;
}

bool bs_sqlite_vfs_cipher_unstage(struct bs_sqlite_cipher *out)
{
    bool was_staged = cipher_stage.staged;
    if (was_staged && out != NULL) {
        *out = cipher_stage.cipher;
    }
    cipher_stage.staged = false;
    memset(&cipher_stage.cipher, 0, sizeof(cipher_stage.cipher));
    return was_staged;
}
