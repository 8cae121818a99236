/*
 * The evidence files of evidence_file.h: every read goes through the caller's descriptor with
 * pread, so what is checked and what is copied is the one file the caller opened, whatever its
 * path names by then.
 */
#include "core/store/evidence_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "core/base/text.h"
#include "core/store/wal_apply.h"

static const char sqlite_magic[16] = "SQLite format 3";

bool bs_evidence_is_sqlite(const void *bytes, size_t size)
{
    return bytes != NULL && size >= sizeof(sqlite_magic) &&
           memcmp(bytes, sqlite_magic, sizeof(sqlite_magic)) == 0;
}

enum bs_status bs_evidence_check_header(const unsigned char *bytes, size_t size,
                                        struct bs_error *err)
{
    if (size < 100 || !bs_evidence_is_sqlite(bytes, size)) {
        return bs_error_set(err, BS_ERR_FORMAT, "not a SQLite database");
    }
    return BS_OK;
}

/* Reads up to size bytes at offset; the count read (short only at the end of the file), or -1
 * with errno set. */
static ssize_t read_at(int fd, void *buffer, size_t size, off_t offset)
{
    size_t got = 0;
    while (got < size) {
        ssize_t n = pread(fd, (char *)buffer + got, size - got, offset + (off_t)got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return -1;
        }
        if (n == 0) {
            break;
        }
        got += (size_t)n;
    }
    return (ssize_t)got;
}

enum bs_status bs_evidence_read_header(int fd, uint32_t *page_size, struct bs_error *err)
{
    unsigned char header[100];
    ssize_t got = read_at(fd, header, sizeof(header), 0);
    if (got < 0) {
        return bs_error_set(err, BS_ERR_IO, "%s", strerror(errno));
    }
    if (page_size != NULL) {
        *page_size = bs_wal_database_page_size(header, (size_t)got);
    }
    return bs_evidence_check_header(header, (size_t)got, err);
}

/* Copies everything readable at in (from offset 0) to a new file dst (mode 0600, must not
 * exist). */
static enum bs_status copy_file(int in, const char *dst, struct bs_error *err)
{
    enum bs_status status = BS_OK;
    char buffer[1 << 16];
    int out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) {
        return bs_error_set(err, BS_ERR_IO, "copying to a private folder: %s", strerror(errno));
    }
    for (off_t offset = 0;;) {
        ssize_t got = read_at(in, buffer, sizeof(buffer), offset);
        if (got == 0) {
            break;
        }
        if (got < 0) {
            status =
                bs_error_set(err, BS_ERR_IO, "reading for a private copy: %s", strerror(errno));
            goto done;
        }
        for (ssize_t sent = 0; sent < got;) {
            ssize_t put = write(out, buffer + sent, (size_t)(got - sent));
            if (put < 0 && errno == EINTR) {
                continue;
            }
            if (put <= 0) {
                status = bs_error_set(err, BS_ERR_IO, "writing a private copy: %s",
                                      put < 0 ? strerror(errno) : "no space");
                goto done;
            }
            sent += put;
        }
        offset += got;
    }
done:
    if (close(out) != 0 && status == BS_OK) {
        status = bs_error_set(err, BS_ERR_IO, "writing a private copy: %s", strerror(errno));
    }
    return status;
}

/* The copy inside the private folder, and the files that may appear beside it. */
static const char private_name[] = "evidence.db";
static const char *const private_suffixes[] = {"", "-wal", "-shm", "-journal"};
#define PRIVATE_SUFFIX_COUNT (sizeof(private_suffixes) / sizeof(private_suffixes[0]))

/* Tells on_private_path (may be NULL) each file of the private folder dir, after removing it
 * when is_removed. */
static void private_files(const char *dir, bool is_removed,
                          void (*on_private_path)(const char *, bool, void *), void *context)
{
    char path[4096];
    for (size_t i = 0; i < PRIVATE_SUFFIX_COUNT; i++) {
        int n = snprintf(path, sizeof(path), "%s/%s%s", dir, private_name, private_suffixes[i]);
        if (n > 0 && (size_t)n < sizeof(path)) {
            if (is_removed) {
                (void)unlink(path);
            }
            if (on_private_path != NULL) {
                on_private_path(path, is_removed, context);
            }
        }
    }
}

void bs_evidence_private_remove(const char *dir,
                                void (*on_private_path)(const char *, bool, void *), void *context)
{
    if (dir == NULL) {
        return;
    }
    private_files(dir, true, on_private_path, context);
    (void)rmdir(dir);
    if (on_private_path != NULL) {
        on_private_path(dir, true, context);
    }
}

/* Refuses, before SQLite replays it, a WAL that the in-memory replay would refuse
 * (wal_apply.h): checked on the private copies, which cannot change under us. */
static enum bs_status check_private_wal(const char *copy_path, const char *wal_path,
                                        struct bs_error *err)
{
    uint32_t page_size = 0;
    struct stat info;
    memset(&info, 0, sizeof(info));
    int copy_fd = open(copy_path, O_RDONLY | O_CLOEXEC);
    int fd = open(wal_path, O_RDONLY | O_CLOEXEC);
    enum bs_status status = BS_OK;
    if (copy_fd < 0 || fd < 0 || fstat(copy_fd, &info) != 0) {
        status = bs_error_set(err, BS_ERR_IO, "reading a private copy: %s", strerror(errno));
    }
    if (status == BS_OK) {
        status = bs_evidence_read_header(copy_fd, &page_size, err);
    }
    if (status == BS_OK) {
        status = bs_wal_check_file(fd, (uint64_t)info.st_size, page_size, err);
        if (status != BS_OK) {
            bs_error_prefix(err, "applying its WAL");
        }
    }
    if (copy_fd >= 0) {
        (void)close(copy_fd);
    }
    if (fd >= 0) {
        (void)close(fd);
    }
    return status;
}

enum bs_status bs_evidence_private_copy(int db_fd, int wal_fd,
                                        const struct bs_sqlite_open_options *options, char **dir,
                                        char *copy_path, size_t copy_size, struct bs_error *err)
{
    const char *root = options != NULL && options->temp_root != NULL ? options->temp_root : "/tmp";
    char folder[4096];
    char dst_wal[4096];
    struct bs_strbuf template = {0};
    bs_strbuf_appendf(&template, "%s/bubblescan-", root);
    bs_strbuf_append_temp_suffix(&template);
    if (template.failed || template.length >= sizeof(folder)) {
        bs_strbuf_free(&template);
        return bs_error_set(err, BS_ERR_IO, "temporary folder path too long");
    }
    memcpy(folder, template.data, template.length + 1);
    bs_strbuf_free(&template);
    if (mkdtemp(folder) == NULL) { /* mkdtemp creates the folder with mode 0700 */
        return bs_error_set(err, BS_ERR_IO, "creating a private folder in %s: %s", root,
                            strerror(errno));
    }
    *dir = bs_strdup(folder);
    if (*dir == NULL) {
        (void)rmdir(folder);
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    if (options != NULL && options->on_private_path != NULL) {
        options->on_private_path(folder, false, options->context);
        private_files(folder, false, options->on_private_path, options->context);
    }
    int a = snprintf(copy_path, copy_size, "%s/%s", folder, private_name);
    int c = snprintf(dst_wal, sizeof(dst_wal), "%s-wal", copy_path);
    if (a < 0 || c < 0 || (size_t)a >= copy_size || (size_t)c >= sizeof(dst_wal)) {
        return bs_error_set(err, BS_ERR_IO, "path too long");
    }
    enum bs_status status = copy_file(db_fd, copy_path, err);
    if (status == BS_OK) {
        status = copy_file(wal_fd, dst_wal, err);
    }
    if (status == BS_OK) {
        status = check_private_wal(copy_path, dst_wal, err);
    }
    return status;
}
