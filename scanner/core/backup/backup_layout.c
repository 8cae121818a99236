/*
 * The backup layouts of backup_layout.h: locating files through Manifest.db or Manifest.mbdb,
 * the path checks every file passes before anything opens it, and the folder walk that finds
 * files listed but missing and files present but unlisted.
 */
#define _XOPEN_SOURCE 700 /* realpath(3) */

#include "core/backup/backup_layout.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dirent.h>
#include <sys/stat.h>

#include "core/base/byte_reader.h"
#include "core/base/limits.h"
#include "core/base/text.h"
#include "core/store/wal_apply.h"

#define MANIFEST_DB   "Manifest.db"
#define MANIFEST_MBDB "Manifest.mbdb"

/* Longest fileID shown in a message: enough to recognise it, short enough for one line. */
#define SHOWN_ID_BYTES 48

/* Bits of listed_file.bits. */
#define LISTED_IS_FILE 0x1u /* the manifest says regular file: it should be in the folder */
#define LISTED_SEEN    0x2u /* the walk found it */

struct listed_file {
    uint8_t digest[BS_BACKUP_FILE_ID_DIGEST_BYTES];
    uint8_t bits;
};

struct bs_backup_layout {
    enum bs_backup_layout_kind kind;
    char *root;      /* as given */
    char *root_real; /* realpath of root: every file must resolve below it */
    struct bs_sqlite_db *manifest;
    const struct bs_backup_keys *keys; /* encrypted backup: borrowed class keys, else NULL */
    const volatile sig_atomic_t *interrupt_flag;
    /* Every fileID the manifest lists, sorted by digest: loaded at open for an mbdb (finding
     * a file needs it), by the inventory for Manifest.db. */
    struct listed_file *listed;
    size_t listed_count;
    size_t listed_capacity;
    bool is_listed_loaded;
    bool has_too_many;
    uint64_t invalid_file_ids;
};

static bool is_lower_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool bs_backup_file_id_is_valid(const char *text, size_t length)
{
    if (text == NULL || length != 2 * BS_BACKUP_FILE_ID_DIGEST_BYTES) {
        return false;
    }
    for (size_t i = 0; i < length; i++) {
        if (!is_lower_hex(text[i])) {
            return false;
        }
    }
    return true;
}

static uint8_t hex_value(char c)
{
    return (uint8_t)(c <= '9' ? c - '0' : c - 'a' + 10);
}

/* text must be a valid fileID. */
static void file_id_to_digest(const char *text, uint8_t digest[BS_BACKUP_FILE_ID_DIGEST_BYTES])
{
    for (int i = 0; i < BS_BACKUP_FILE_ID_DIGEST_BYTES; i++) {
        digest[i] = (uint8_t)(hex_value(text[2 * i]) << 4 | hex_value(text[2 * i + 1]));
    }
}

static int compare_listed(const void *a, const void *b)
{
    return memcmp(((const struct listed_file *)a)->digest, ((const struct listed_file *)b)->digest,
                  BS_BACKUP_FILE_ID_DIGEST_BYTES);
}

static struct listed_file *find_listed(struct bs_backup_layout *layout,
                                       const uint8_t digest[BS_BACKUP_FILE_ID_DIGEST_BYTES])
{
    struct listed_file key;
    memcpy(key.digest, digest, sizeof(key.digest));
    return layout->listed_count == 0
               ? NULL
               : bsearch(&key, layout->listed, layout->listed_count, sizeof(key), compare_listed);
}

/* Adds one listed fileID; beyond BS_MAX_BACKUP_FILES the list is marked incomplete. */
static enum bs_status add_listed(struct bs_backup_layout *layout,
                                 const uint8_t digest[BS_BACKUP_FILE_ID_DIGEST_BYTES], bool is_file,
                                 struct bs_error *err)
{
    void *items = layout->listed;
    enum bs_status status =
        bs_array_reserve(&items, &layout->listed_capacity, layout->listed_count + 1,
                         sizeof(struct listed_file), BS_MAX_BACKUP_FILES);
    if (status == BS_ERR_LIMIT) {
        layout->has_too_many = true;
        return BS_OK;
    }
    if (status != BS_OK) {
        return bs_error_set(err, status, "out of memory listing the backup's files");
    }
    layout->listed = items;
    struct listed_file *entry = &layout->listed[layout->listed_count++];
    memcpy(entry->digest, digest, sizeof(entry->digest));
    entry->bits = is_file ? LISTED_IS_FILE : 0;
    return BS_OK;
}

static char *join3(const char *a, const char *b, const char *c)
{
    struct bs_strbuf path = {0};
    bs_strbuf_append_str(&path, a);
    bs_strbuf_append_str(&path, "/");
    bs_strbuf_append_str(&path, b);
    if (c != NULL) {
        bs_strbuf_append_str(&path, "/");
        bs_strbuf_append_str(&path, c);
    }
    return bs_strbuf_take(&path);
}

/* The file's name relative to the backup folder, for messages: "3d/3d0d..." or "3d0d...". */
static void relative_name(const struct bs_backup_layout *layout, const char *file_id, char *out,
                          size_t out_size)
{
    if (layout->kind == BS_BACKUP_LAYOUT_MANIFEST_DB) {
        (void)snprintf(out, out_size, "%.2s/%s", file_id, file_id);
    } else {
        (void)snprintf(out, out_size, "%s", file_id);
    }
}

static bool is_inside(const char *root_real, const char *real)
{
    size_t length = strlen(root_real);
    if (length == 1 && root_real[0] == '/') {
        return real[0] == '/' && real[1] != '\0';
    }
    return strncmp(real, root_real, length) == 0 && real[length] == '/';
}

/* The checks of SPEC 2 on a file named by a valid fileID: fills out->state and out->path. */
static enum bs_status locate_on_disk(struct bs_backup_layout *layout, const char *file_id,
                                     bool is_listed, struct bs_backup_file *out,
                                     struct bs_error *err)
{
    char shown[2 * BS_BACKUP_FILE_ID_HEX_BYTES + 2];
    relative_name(layout, file_id, shown, sizeof(shown));
    memcpy(out->file_id, file_id, BS_BACKUP_FILE_ID_HEX_BYTES);
    out->is_listed = is_listed;
    const char folder[3] = {file_id[0], file_id[1], '\0'};
    char *path = layout->kind == BS_BACKUP_LAYOUT_MANIFEST_DB ? join3(layout->root, folder, file_id)
                                                              : join3(layout->root, file_id, NULL);
    if (path == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    enum bs_status status = BS_OK;
    struct stat info;
    if (lstat(path, &info) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            out->state = is_listed ? BS_BACKUP_FILE_MISSING : BS_BACKUP_FILE_ABSENT;
        } else {
            status = bs_error_set(err, BS_ERR_IO, "%s: %s", shown, strerror(errno));
        }
        goto done;
    }
    if (S_ISLNK(info.st_mode)) {
        status = bs_error_set(err, BS_ERR_UNSAFE,
                              "%s is a symbolic link; a backup holds only regular files, so "
                              "it is never followed",
                              shown);
        goto done;
    }
    if (!S_ISREG(info.st_mode)) {
        status = bs_error_set(err, BS_ERR_UNSAFE, "%s is not a regular file", shown);
        goto done;
    }
    char *real = realpath(path, NULL);
    if (real == NULL) {
        status = bs_error_set(err, BS_ERR_IO, "%s: %s", shown, strerror(errno));
        goto done;
    }
    if (!is_inside(layout->root_real, real)) {
        free(real);
        status = bs_error_set(err, BS_ERR_UNSAFE,
                              "%s resolves outside the backup folder (a linked folder); it "
                              "is never opened",
                              shown);
        goto done;
    }
    out->path = real;
    out->state = BS_BACKUP_FILE_PRESENT;
done:
    free(path);
    return status;
}

/* The key of the row being read (its `file` column, an MBFile); a record that gives none, or
 * that cannot be decoded, leaves key->has_key false with the reason in problem. */
static enum bs_status read_row_key(struct bs_sqlite_query *query, struct bs_backup_file_key *key,
                                   char *problem, size_t problem_size)
{
    size_t length = 0;
    const char *blob = bs_sqlite_query_text(query, 2, &length);
    struct bs_error local = {BS_OK, ""};
    memset(key, 0, sizeof(*key));
    if (blob == NULL) {
        (void)snprintf(problem, problem_size, "its Manifest.db record has no MBFile");
        return BS_OK;
    }
    enum bs_status status = bs_backup_decrypt_mbfile_key(blob, length, key, &local);
    if (status == BS_ERR_NOMEM) {
        return status;
    }
    if (status != BS_OK) {
        (void)snprintf(problem, problem_size, "%s", local.message);
    } else if (!key->has_key) {
        (void)snprintf(problem, problem_size,
                       "its Manifest.db record (MBFile) has no EncryptionKey");
    }
    return BS_OK;
}

static enum bs_status find_in_manifest_db(struct bs_backup_layout *layout, const char *domain,
                                          const char *relative_path, char file_id[],
                                          bool *is_listed, struct bs_backup_file_key *key,
                                          char *key_problem, size_t key_problem_size,
                                          struct bs_error *err)
{
    struct bs_sqlite_query *query = NULL;
    char *invalid = NULL;
    int64_t bad_flags = 0;
    bool has_bad_flags = false;
    /* An encrypted backup's rows also hold each file's key (`file`, checked at open). */
    enum bs_status status = bs_sqlite_query_prepare(
        layout->manifest,
        layout->keys != NULL
            ? "SELECT fileID, flags, file FROM Files WHERE domain = ?1 AND relativePath = ?2"
            : "SELECT fileID, flags FROM Files WHERE domain = ?1 AND relativePath = ?2",
        &query, err);
    if (status == BS_OK) {
        status = bs_sqlite_query_bind_text(query, 1, domain, strlen(domain), err);
    }
    if (status == BS_OK) {
        status = bs_sqlite_query_bind_text(query, 2, relative_path, strlen(relative_path), err);
    }
    *is_listed = false;
    while (status == BS_OK && !*is_listed) {
        bool has_row = false;
        status = bs_sqlite_query_step(query, &has_row, err);
        if (status != BS_OK || !has_row) {
            break;
        }
        size_t length = 0;
        const char *id = bs_sqlite_query_text(query, 0, &length);
        bool has_flags = false;
        int64_t flags = bs_sqlite_query_int(query, 1, &has_flags);
        if (!bs_backup_file_id_is_valid(id, length)) {
            if (invalid == NULL) {
                invalid = bs_strndup_bounded(id != NULL ? id : "", length);
            }
            continue;
        }
        if (has_flags && flags != 1) {
            has_bad_flags = true;
            bad_flags = flags;
            continue;
        }
        memcpy(file_id, id, length);
        file_id[length] = '\0';
        *is_listed = true;
        if (layout->keys != NULL) {
            status = read_row_key(query, key, key_problem, key_problem_size);
            if (status != BS_OK) {
                status = bs_error_set(err, status, "out of memory reading Manifest.db");
            }
        }
    }
    if (status == BS_OK && !*is_listed && invalid != NULL) {
        status = bs_error_set(err, BS_ERR_UNSAFE,
                              "Manifest.db lists it under the fileID '%.*s', which is not 40 "
                              "lower-case hex characters; it is never used as a path",
                              SHOWN_ID_BYTES, invalid);
    } else if (status == BS_OK && !*is_listed && has_bad_flags) {
        status = bs_error_set(err, BS_ERR_UNSAFE,
                              "Manifest.db lists it as a folder or link (flags %lld), not a "
                              "file",
                              (long long)bad_flags);
    }
    free(invalid);
    bs_sqlite_query_free(query);
    return status;
}

/* Why an encrypted file has no usable key: found when it is located, said when it is read. */
static const char *const key_problem_not_listed =
    "it is not listed in Manifest.db, so its key is unknown";

static enum bs_status set_key_problem(struct bs_backup_file *file, const char *problem,
                                      struct bs_error *err)
{
    if (file->key.has_key || file->state != BS_BACKUP_FILE_PRESENT) {
        return BS_OK;
    }
    file->key_problem = bs_strdup(problem);
    return file->key_problem != NULL ? BS_OK : bs_error_set(err, BS_ERR_NOMEM, "out of memory");
}

enum bs_status bs_backup_layout_find(struct bs_backup_layout *layout, const char *domain,
                                     const char *relative_path, struct bs_backup_file *out,
                                     struct bs_error *err)
{
    memset(out, 0, sizeof(*out));
    char computed[BS_BACKUP_FILE_ID_HEX_BYTES];
    enum bs_status id_status = bs_backup_crypto_file_id(domain, strlen(domain), relative_path,
                                                        strlen(relative_path), computed, err);
    if (id_status != BS_OK) {
        return id_status;
    }
    if (layout->kind == BS_BACKUP_LAYOUT_MANIFEST_DB) {
        char listed_id[BS_BACKUP_FILE_ID_HEX_BYTES];
        bool is_listed = false;
        struct bs_backup_file_key key;
        char problem[sizeof(((struct bs_error *)NULL)->message)] = "";
        memset(&key, 0, sizeof(key));
        enum bs_status status =
            find_in_manifest_db(layout, domain, relative_path, listed_id, &is_listed, &key, problem,
                                sizeof(problem), err);
        if (status == BS_OK) {
            status = locate_on_disk(layout, is_listed ? listed_id : computed, is_listed, out, err);
        }
        if (status == BS_OK && layout->keys != NULL) {
            out->keys = layout->keys;
            out->key = key;
            status = set_key_problem(out, is_listed ? problem : key_problem_not_listed, err);
        }
        bs_backup_crypto_cleanse(&key, sizeof(key));
        return status;
    }
    uint8_t digest[BS_BACKUP_FILE_ID_DIGEST_BYTES];
    file_id_to_digest(computed, digest);
    const struct listed_file *listed = find_listed(layout, digest);
    if (listed != NULL && (listed->bits & LISTED_IS_FILE) == 0) {
        return bs_error_set(err, BS_ERR_UNSAFE,
                            "Manifest.mbdb lists it as a folder or link, not a file");
    }
    return locate_on_disk(layout, computed, listed != NULL, out, err);
}

static bool is_interrupted(const struct bs_backup_layout *layout)
{
    return layout->interrupt_flag != NULL && *layout->interrupt_flag != 0;
}

/* Every fileID of Manifest.db's Files table into layout->listed. */
static enum bs_status load_manifest_db_listing(struct bs_backup_layout *layout,
                                               struct bs_error *err)
{
    struct bs_sqlite_query *query = NULL;
    enum bs_status status =
        bs_sqlite_query_prepare(layout->manifest, "SELECT fileID, flags FROM Files", &query, err);
    while (status == BS_OK && !layout->has_too_many) {
        bool has_row = false;
        status = bs_sqlite_query_step(query, &has_row, err);
        if (status != BS_OK || !has_row) {
            break;
        }
        size_t length = 0;
        const char *id = bs_sqlite_query_text(query, 0, &length);
        if (!bs_backup_file_id_is_valid(id, length)) {
            layout->invalid_file_ids++;
            continue;
        }
        bool has_flags = false;
        int64_t flags = bs_sqlite_query_int(query, 1, &has_flags);
        uint8_t digest[BS_BACKUP_FILE_ID_DIGEST_BYTES];
        file_id_to_digest(id, digest);
        status = add_listed(layout, digest, !has_flags || flags == 1, err);
    }
    bs_sqlite_query_free(query);
    return status;
}

static void sort_listed(struct bs_backup_layout *layout)
{
    if (layout->listed_count > 1) {
        qsort(layout->listed, layout->listed_count, sizeof(struct listed_file), compare_listed);
    }
    layout->is_listed_loaded = true;
}

/* One directory entry of a file folder (prefix is the folder's two characters, or NULL for
 * the flat iOS 4-9 root, where only fileID-shaped names are files of the backup). */
static void check_entry(struct bs_backup_layout *layout, int dir_fd, const char *name,
                        const char *prefix, struct bs_backup_inventory *inventory)
{
    size_t length = strlen(name);
    bool is_id = bs_backup_file_id_is_valid(name, length) &&
                 (prefix == NULL || (name[0] == prefix[0] && name[1] == prefix[1]));
    if (prefix == NULL && !is_id) {
        return; /* Manifest.mbdb, Info.plist and the like */
    }
    struct stat info;
    if (fstatat(dir_fd, name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
        return; /* gone since readdir */
    }
    struct listed_file *listed = NULL;
    if (is_id) {
        uint8_t digest[BS_BACKUP_FILE_ID_DIGEST_BYTES];
        file_id_to_digest(name, digest);
        listed = find_listed(layout, digest);
    }
    if (listed != NULL) {
        listed->bits |= LISTED_SEEN; /* there, if not usable: not missing */
    }
    if (!S_ISREG(info.st_mode)) {
        inventory->unsafe_entries++;
    } else if (listed == NULL) {
        inventory->unlisted_files++;
    }
}

static bool is_dot(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

static bool is_hex_pair(const char *name)
{
    return strlen(name) == 2 && is_lower_hex(name[0]) && is_lower_hex(name[1]);
}

/* Walks one <xx> folder, opened relative to the root without following a link. */
static enum bs_status walk_subfolder(struct bs_backup_layout *layout, int root_fd, const char *name,
                                     struct bs_backup_inventory *inventory, struct bs_error *err)
{
    struct stat info;
    if (fstatat(root_fd, name, &info, AT_SYMLINK_NOFOLLOW) != 0) {
        return BS_OK;
    }
    if (!S_ISDIR(info.st_mode)) {
        inventory->unsafe_entries++;
        return BS_OK;
    }
    int fd = openat(root_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *dir = fd >= 0 ? fdopendir(fd) : NULL;
    if (dir == NULL) {
        if (fd >= 0) {
            (void)close(fd);
        }
        return bs_error_set(err, BS_ERR_IO, "listing %s: %s", name, strerror(errno));
    }
    enum bs_status status = BS_OK;
    const struct dirent *entry;
    size_t seen = 0;
    while ((entry = readdir(dir)) != NULL) {
        if (++seen % 4096 == 0 && is_interrupted(layout)) {
            status = bs_error_set(err, BS_ERR_INTERRUPTED, "interrupted");
            break;
        }
        if (!is_dot(entry->d_name)) {
            check_entry(layout, dirfd(dir), entry->d_name, name, inventory);
        }
    }
    (void)closedir(dir);
    return status;
}

enum bs_status bs_backup_layout_inventory(struct bs_backup_layout *layout,
                                          struct bs_backup_inventory *out, struct bs_error *err)
{
    struct bs_backup_inventory inventory;
    memset(&inventory, 0, sizeof(inventory));
    enum bs_status status = BS_OK;
    if (!layout->is_listed_loaded) {
        status = load_manifest_db_listing(layout, err);
        if (status != BS_OK) {
            return status;
        }
        sort_listed(layout);
    }
    inventory.invalid_file_ids = layout->invalid_file_ids;
    if (layout->has_too_many) {
        *out = inventory;
        return BS_OK;
    }
    int root_fd = open(layout->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *root = root_fd >= 0 ? fdopendir(root_fd) : NULL;
    if (root == NULL) {
        if (root_fd >= 0) {
            (void)close(root_fd);
        }
        return bs_error_set(err, BS_ERR_IO, "listing the backup folder: %s", strerror(errno));
    }
    const struct dirent *entry;
    size_t seen = 0;
    while (status == BS_OK && (entry = readdir(root)) != NULL) {
        if (++seen % 4096 == 0 && is_interrupted(layout)) {
            status = bs_error_set(err, BS_ERR_INTERRUPTED, "interrupted");
        } else if (layout->kind == BS_BACKUP_LAYOUT_MBDB) {
            check_entry(layout, dirfd(root), entry->d_name, NULL, &inventory);
        } else if (is_hex_pair(entry->d_name)) {
            status = walk_subfolder(layout, dirfd(root), entry->d_name, &inventory, err);
        }
    }
    (void)closedir(root);
    if (status != BS_OK) {
        return status;
    }
    for (size_t i = 0; i < layout->listed_count; i++) {
        uint8_t bits = layout->listed[i].bits;
        if (bits & LISTED_IS_FILE) {
            inventory.listed_files++;
            inventory.missing_files += (bits & LISTED_SEEN) ? 0 : 1;
        }
        layout->listed[i].bits = (uint8_t)(bits & ~LISTED_SEEN);
    }
    inventory.is_checked = true;
    *out = inventory;
    return BS_OK;
}

/* Reads a whole file opened without following links, up to max_bytes. */
static enum bs_status read_regular_file(const char *path, const char *shown, size_t max_bytes,
                                        uint8_t **bytes, size_t *size, struct bs_error *err)
{
    enum bs_status status = BS_OK;
    uint8_t *buffer = NULL;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        return bs_error_set(err,
                            errno == ELOOP    ? BS_ERR_UNSAFE
                            : errno == ENOENT ? BS_ERR_NOT_FOUND
                                              : BS_ERR_IO,
                            "%s: %s", shown, errno == ELOOP ? "a symbolic link" : strerror(errno));
    }
    struct stat info;
    if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        status = bs_error_set(err, BS_ERR_UNSAFE, "%s: not a regular file", shown);
        goto done;
    }
    if (info.st_size < 0 || (uint64_t)info.st_size > (uint64_t)max_bytes) {
        status = bs_error_set(err, BS_ERR_LIMIT, "%s: larger than %zu bytes", shown, max_bytes);
        goto done;
    }
    size_t expected = (size_t)info.st_size;
    buffer = malloc(expected + 1);
    if (buffer == NULL) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory reading %s", shown);
        goto done;
    }
    size_t got = 0;
    while (got < expected) {
        ssize_t n = read(fd, buffer + got, expected - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            status = bs_error_set(err, BS_ERR_IO, "reading %s: %s", shown,
                                  n < 0 ? strerror(errno) : "it shrank while being read");
            goto done;
        }
        got += (size_t)n;
    }
    *bytes = buffer;
    *size = got;
    buffer = NULL;
done:
    free(buffer);
    (void)close(fd);
    return status;
}

/* The name messages give a located file: its fileID, else the last part of its path. */
static const char *shown_name(const struct bs_backup_file *file)
{
    if (file->file_id[0] != '\0' || file->path == NULL) {
        return file->file_id;
    }
    const char *slash = strrchr(file->path, '/');
    return slash != NULL ? slash + 1 : file->path;
}

static void wipe_and_free(void *bytes, size_t size)
{
    bs_backup_crypto_cleanse(bytes, bytes != NULL ? size : 0);
    free(bytes);
}

/* Reads an encrypted file whole and decrypts it in the same buffer: nothing but ciphertext is
 * ever on disk, and a large sms.db is held once. */
static enum bs_status read_encrypted(const struct bs_backup_file *file, size_t max_bytes,
                                     enum bs_backup_crypto_padding padding, uint8_t **bytes,
                                     size_t *size, struct bs_error *err)
{
    const char *shown = shown_name(file);
    if (!file->key.has_key) {
        return bs_error_set(err, BS_ERR_FORMAT, "%s cannot be decrypted: %s", shown,
                            file->key_problem != NULL ? file->key_problem : "no key");
    }
    /* The ciphertext is the plaintext and at most one block of padding. */
    size_t max_cipher_bytes = max_bytes < BS_MAX_DECRYPTED_FILE_BYTES - BS_BACKUP_CRYPTO_BLOCK_BYTES
                                  ? max_bytes + BS_BACKUP_CRYPTO_BLOCK_BYTES
                                  : BS_MAX_DECRYPTED_FILE_BYTES;
    uint8_t *buffer = NULL;
    size_t length = 0;
    size_t plain = 0;
    enum bs_status status =
        read_regular_file(file->path, shown, max_cipher_bytes, &buffer, &length, err);
    if (status != BS_OK) {
        return status;
    }
    status = bs_backup_decrypt_image(file->keys, &file->key.wrapped, buffer, length, padding,
                                     &plain, err);
    if (status != BS_OK) {
        bs_error_prefix(err, "decrypting %s", shown);
    } else if (plain > max_bytes) {
        status = bs_error_set(err, BS_ERR_LIMIT, "%s: larger than %zu bytes", shown, max_bytes);
    }
    if (status != BS_OK) {
        wipe_and_free(buffer, length);
        return status;
    }
    *bytes = buffer;
    *size = plain;
    return BS_OK;
}

enum bs_status bs_backup_file_read(const struct bs_backup_file *file, size_t max_bytes,
                                   uint8_t **bytes, size_t *size, struct bs_error *err)
{
    if (file->state != BS_BACKUP_FILE_PRESENT) {
        return bs_error_set(err, BS_ERR_NOT_FOUND, "not in the backup");
    }
    if (file->path != NULL && file->keys != NULL) {
        return read_encrypted(file, max_bytes, BS_BACKUP_CRYPTO_PAD_IF_VALID, bytes, size, err);
    }
    if (file->path != NULL) {
        return read_regular_file(file->path, shown_name(file), max_bytes, bytes, size, err);
    }
    if (file->size > max_bytes) {
        return bs_error_set(err, BS_ERR_LIMIT, "%s: larger than %zu bytes", file->file_id,
                            max_bytes);
    }
    uint8_t *copy = malloc(file->size + 1);
    if (copy == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    if (file->size > 0) {
        memcpy(copy, file->bytes, file->size);
    }
    *bytes = copy;
    *size = file->size;
    return BS_OK;
}

/* Applies wal (read, decrypted when it is encrypted) to the image in memory. */
static enum bs_status apply_wal_in_memory(void **image, size_t *size,
                                          const struct bs_backup_file *wal, struct bs_error *err)
{
    uint8_t *bytes = NULL;
    size_t wal_size = 0;
    enum bs_status status =
        bs_backup_file_read(wal, BS_MAX_DECRYPTED_FILE_BYTES, &bytes, &wal_size, err);
    if (status == BS_OK && wal_size > 0) { /* an empty WAL holds nothing, as SQLite sees it */
        status = bs_wal_apply(image, size, bytes, wal_size, NULL, err);
        if (status != BS_OK) {
            bs_error_prefix(err, "applying its WAL %s", shown_name(wal));
        }
    }
    wipe_and_free(bytes, wal_size);
    return status;
}

enum bs_status bs_backup_file_open_db(struct bs_backup_file *file, const struct bs_backup_file *wal,
                                      const struct bs_sqlite_open_options *options,
                                      struct bs_sqlite_db **out, struct bs_error *err)
{
    bool has_wal = wal != NULL && wal->state == BS_BACKUP_FILE_PRESENT;
    if (file->state != BS_BACKUP_FILE_PRESENT) {
        return bs_error_set(err, BS_ERR_NOT_FOUND, "not in the backup");
    }
    if (file->path != NULL && file->keys == NULL) {
        if (has_wal && (wal->path == NULL || wal->keys != NULL)) {
            return bs_error_set(err, BS_ERR_UNSUPPORTED,
                                "a WAL in memory cannot be applied to a file on disk");
        }
        return bs_sqlite_db_open_file(file->path, has_wal ? wal->path : "", options, out, err);
    }
    /* In memory from here on: decrypted (or given) bytes, never a file. */
    void *image = NULL;
    size_t size = 0;
    enum bs_status status = BS_OK;
    if (file->path != NULL) {
        uint8_t *bytes = NULL;
        status = read_encrypted(file, BS_MAX_DECRYPTED_FILE_BYTES, BS_BACKUP_CRYPTO_PAD_SQLITE,
                                &bytes, &size, err);
        image = bytes;
        if (status == BS_OK && (size < 16 || memcmp(bytes, "SQLite format 3", 16) != 0)) {
            status = bs_error_set(err, BS_ERR_FORMAT,
                                  "%s does not decrypt to a SQLite database with the key "
                                  "Manifest.db gives it: it is damaged, or from another backup",
                                  shown_name(file));
        }
    } else {
        image = file->bytes;
        size = file->size;
        file->bytes = NULL;
        file->size = 0;
        file->state = BS_BACKUP_FILE_ABSENT; /* the image is ours now */
    }
    if (status == BS_OK && has_wal) {
        status = apply_wal_in_memory(&image, &size, wal, err);
    }
    if (status != BS_OK) {
        wipe_and_free(image, size);
        return status;
    }
    return bs_sqlite_db_open_memory(image, size, options, out, err);
}

void bs_backup_file_clear(struct bs_backup_file *file)
{
    if (file != NULL) {
        free(file->path);
        free(file->bytes);
        free(file->key_problem);
        memset(file, 0, sizeof(*file));
    }
}

/* A u16-length string or data item; 0xFFFF means absent (NULL, length 0). */
static bool read_item(struct bs_byte_reader *reader, const char **out, size_t *length)
{
    uint16_t size = 0;
    if (!bs_byte_reader_u16_be(reader, &size)) {
        return false;
    }
    if (size == 0xFFFF) {
        *out = NULL;
        *length = 0;
        return true;
    }
    const uint8_t *bytes = NULL;
    if (!bs_byte_reader_bytes(reader, size, &bytes)) {
        return false;
    }
    *out = (const char *)bytes;
    *length = size;
    return true;
}

static bool read_record(struct bs_byte_reader *reader, struct bs_backup_mbdb_record *record)
{
    const char *digest = NULL;
    const char *key = NULL;
    size_t digest_length = 0;
    size_t key_length = 0;
    uint64_t inode = 0;
    uint32_t ignored = 0;
    uint8_t xattr_count = 0;
    memset(record, 0, sizeof(*record));
    if (!read_item(reader, &record->domain, &record->domain_length) ||
        !read_item(reader, &record->path, &record->path_length) ||
        !read_item(reader, &record->link_target, &record->link_target_length) ||
        !read_item(reader, &digest, &digest_length) || !read_item(reader, &key, &key_length) ||
        !bs_byte_reader_u16_be(reader, &record->mode) || !bs_byte_reader_u64_be(reader, &inode)) {
        return false;
    }
    for (int i = 0; i < 5; i++) { /* uid, gid, modified, changed, created */
        if (!bs_byte_reader_u32_be(reader, &ignored)) {
            return false;
        }
    }
    if (!bs_byte_reader_u64_be(reader, &record->size_bytes) ||
        !bs_byte_reader_u8(reader, &record->protection_class) ||
        !bs_byte_reader_u8(reader, &xattr_count)) {
        return false;
    }
    for (unsigned i = 0; i < xattr_count; i++) {
        const char *name = NULL;
        const char *value = NULL;
        size_t name_length = 0;
        size_t value_length = 0;
        if (!read_item(reader, &name, &name_length) || !read_item(reader, &value, &value_length)) {
            return false;
        }
    }
    record->has_encryption_key = key != NULL && key_length > 0;
    return true;
}

enum bs_status bs_backup_mbdb_parse(const uint8_t *bytes, size_t size,
                                    const struct bs_backup_mbdb_visitor *visitor,
                                    struct bs_error *err)
{
    static const uint8_t magic[6] = {'m', 'b', 'd', 'b', 0x05, 0x00};
    struct bs_byte_reader reader;
    bs_byte_reader_init(&reader, bytes, size);
    const uint8_t *header = NULL;
    if (!bs_byte_reader_bytes(&reader, sizeof(magic), &header) ||
        memcmp(header, magic, sizeof(magic)) != 0) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "not a Manifest.mbdb (it must start with \"mbdb\" 05 00)");
    }
    size_t count = 0;
    while (bs_byte_reader_remaining(&reader) > 0) {
        size_t offset = reader.offset;
        struct bs_backup_mbdb_record record;
        if (!read_record(&reader, &record)) {
            return bs_error_set(err, BS_ERR_FORMAT, "record %zu at byte %zu is truncated",
                                count + 1, offset);
        }
        if (++count > BS_MAX_BACKUP_FILES) {
            return bs_error_set(err, BS_ERR_LIMIT, "more than %d records", BS_MAX_BACKUP_FILES);
        }
        enum bs_status status = visitor->on_record(&record, visitor->context, err);
        if (status != BS_OK) {
            return status;
        }
    }
    return BS_OK;
}

struct mbdb_load {
    struct bs_backup_layout *layout;
    bool has_encrypted_file;
};

static enum bs_status on_mbdb_record(const struct bs_backup_mbdb_record *record, void *context,
                                     struct bs_error *err)
{
    struct mbdb_load *load = context;
    char id[BS_BACKUP_FILE_ID_HEX_BYTES];
    uint8_t digest[BS_BACKUP_FILE_ID_DIGEST_BYTES];
    enum bs_status status = bs_backup_crypto_file_id(
        record->domain != NULL ? record->domain : "", record->domain_length,
        record->path != NULL ? record->path : "", record->path_length, id, err);
    if (status != BS_OK) {
        return status;
    }
    file_id_to_digest(id, digest);
    load->has_encrypted_file = load->has_encrypted_file || record->has_encryption_key;
    return add_listed(load->layout, digest, (record->mode & 0xF000u) == 0x8000u, err);
}

static enum bs_status open_mbdb(struct bs_backup_layout *layout, const char *path,
                                struct bs_error *err)
{
    uint8_t *bytes = NULL;
    size_t size = 0;
    enum bs_status status =
        read_regular_file(path, MANIFEST_MBDB, BS_MAX_MBDB_BYTES, &bytes, &size, err);
    if (status != BS_OK) {
        return status;
    }
    struct mbdb_load load = {layout, false};
    struct bs_backup_mbdb_visitor visitor = {on_mbdb_record, &load};
    status = bs_backup_mbdb_parse(bytes, size, &visitor, err);
    free(bytes);
    if (status == BS_OK && layout->has_too_many) {
        status = bs_error_set(err, BS_ERR_LIMIT, "more than %d records", BS_MAX_BACKUP_FILES);
    }
    if (status == BS_OK && load.has_encrypted_file) {
        status = bs_error_set(err, BS_ERR_UNSUPPORTED,
                              MANIFEST_MBDB " lists encrypted files: an encrypted iOS 4-9 "
                                            "backup, which this version cannot open");
    }
    if (status == BS_OK) {
        sort_listed(layout);
    } else if (status != BS_ERR_UNSUPPORTED) {
        bs_error_prefix(err, "%s", MANIFEST_MBDB);
    }
    return status;
}

/* Manifest.db of an encrypted backup (iOS 10.2 and later): read whole, decrypted in its own
 * buffer with the ManifestKey, opened from memory. A Manifest.db-wal is not applied: the
 * device writes none into a backup, and nothing says how one would be keyed. */
static enum bs_status open_encrypted_manifest_db(struct bs_backup_layout *layout, const char *path,
                                                 const struct bs_sqlite_open_options *open,
                                                 const struct bs_backup_encryption *encryption,
                                                 struct bs_error *err)
{
    uint8_t *bytes = NULL;
    size_t size = 0;
    size_t plain = 0;
    enum bs_status status =
        read_regular_file(path, MANIFEST_DB, BS_MAX_DECRYPTED_FILE_BYTES, &bytes, &size, err);
    if (status != BS_OK) {
        return status;
    }
    if (size >= 16 && memcmp(bytes, "SQLite format 3", 16) == 0) {
        free(bytes);
        return bs_error_set(err, BS_ERR_FORMAT,
                            MANIFEST_DB " is plain SQLite although Manifest.plist gives it a "
                                        "ManifestKey: was the backup decrypted by another tool? "
                                        "Scan the original backup");
    }
    status = bs_backup_decrypt_manifest_db(layout->keys, encryption, bytes, size, &plain, err);
    if (status != BS_OK) {
        wipe_and_free(bytes, size);
        return status;
    }
    status = bs_sqlite_db_open_memory(bytes, plain, open, &layout->manifest, err);
    if (status != BS_OK) {
        bs_error_prefix(err, "decrypted " MANIFEST_DB);
    }
    return status;
}

/* Manifest.db must have the Files columns the layout queries (and `file`, each file's key,
 * in an encrypted backup). */
static enum bs_status check_manifest_db(struct bs_backup_layout *layout, struct bs_error *err)
{
    enum bs_status status = BS_OK;
    if (!bs_sqlite_db_has_table(layout->manifest, "Files") ||
        !bs_sqlite_db_has_column(layout->manifest, "Files", "fileID") ||
        !bs_sqlite_db_has_column(layout->manifest, "Files", "domain") ||
        !bs_sqlite_db_has_column(layout->manifest, "Files", "relativePath") ||
        !bs_sqlite_db_has_column(layout->manifest, "Files", "flags")) {
        status = bs_error_set(err, BS_ERR_FORMAT,
                              "it has no Files table with fileID, domain, relativePath and "
                              "flags columns");
    }
    if (status == BS_OK && layout->keys != NULL &&
        !bs_sqlite_db_has_column(layout->manifest, "Files", "file")) {
        status = bs_error_set(err, BS_ERR_FORMAT,
                              "its Files table has no file column, which holds each file's key "
                              "in an encrypted backup");
    }
    return status;
}

static enum bs_status open_manifest_db(struct bs_backup_layout *layout, const char *path,
                                       const struct bs_sqlite_open_options *open,
                                       const struct bs_backup_encryption *encryption,
                                       struct bs_error *err)
{
    /* A WAL beside Manifest.db is applied by sqlite_db; it must be a plain file too. */
    char *wal = join3(layout->root, MANIFEST_DB "-wal", NULL);
    if (wal == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    struct stat info;
    bool is_unsafe_wal = lstat(wal, &info) == 0 && !S_ISREG(info.st_mode);
    free(wal);
    if (is_unsafe_wal) {
        return bs_error_set(err, BS_ERR_UNSAFE,
                            MANIFEST_DB "-wal is a symbolic link or not a regular file");
    }
    enum bs_status status = BS_OK;
    if (encryption != NULL && encryption->has_manifest_key) {
        status = open_encrypted_manifest_db(layout, path, open, encryption, err);
        if (status != BS_OK) {
            return status; /* its messages name Manifest.db */
        }
    } else {
        status = bs_sqlite_db_open_file(path, NULL, open, &layout->manifest, err);
    }
    if (status == BS_ERR_FORMAT) {
        bs_error_prefix(err, layout->keys != NULL
                                 ? MANIFEST_DB " (plain SQLite when Manifest.plist has no "
                                               "ManifestKey; this one is damaged)"
                                 : MANIFEST_DB " (an encrypted backup whose Manifest.plist is "
                                               "missing, or a damaged one)");
        return status;
    }
    if (status == BS_OK) {
        status = check_manifest_db(layout, err);
    }
    if (status != BS_OK) {
        bs_error_prefix(err, MANIFEST_DB);
    }
    return status;
}

/* The kind of a manifest candidate: 1 regular file, 0 absent, -1 present but unsafe. */
static int manifest_kind(const char *path)
{
    struct stat info;
    if (lstat(path, &info) != 0) {
        return 0;
    }
    return S_ISREG(info.st_mode) ? 1 : -1;
}

/* A folder with neither manifest. When it holds backup folders (MobileSync/Backup, given one
 * level too high), the message names the first of them in byte order. */
static enum bs_status not_a_backup(const char *root, struct bs_error *err)
{
    enum {
        ENTRIES_LOOKED_AT = 1000 /* a Backup folder holds a few; a home folder, many */
    };
    char *found = NULL;
    DIR *dir = opendir(root);
    const struct dirent *entry;
    for (size_t seen = 0; dir != NULL && seen < ENTRIES_LOOKED_AT && (entry = readdir(dir)) != NULL;
         seen++) {
        if (is_dot(entry->d_name) || (found != NULL && strcmp(entry->d_name, found) >= 0)) {
            continue;
        }
        char *path = join3(root, entry->d_name, MANIFEST_DB);
        char *legacy = join3(root, entry->d_name, MANIFEST_MBDB);
        if (path != NULL && legacy != NULL &&
            (manifest_kind(path) > 0 || manifest_kind(legacy) > 0)) {
            char *name = bs_strdup(entry->d_name);
            if (name != NULL) {
                free(found);
                found = name;
            }
        }
        free(path);
        free(legacy);
    }
    if (dir != NULL) {
        (void)closedir(dir);
    }
    enum bs_status status =
        found != NULL
            ? bs_error_set(err, BS_ERR_UNSUPPORTED,
                           "a folder of backups, not one backup: give one of its folders, "
                           "such as %.64s",
                           found)
            : bs_error_set(err, BS_ERR_UNSUPPORTED,
                           "a folder without Manifest.db or Manifest.mbdb is not an iPhone "
                           "backup; give a backup folder, an sms.db or a chat.db");
    free(found);
    return status;
}

static enum bs_status open_layout(const char *root, const struct bs_sqlite_open_options *open,
                                  const struct bs_backup_keys *keys,
                                  const struct bs_backup_encryption *encryption,
                                  struct bs_backup_layout **out, struct bs_error *err)
{
    enum bs_status status = BS_OK;
    char *db_path = NULL;
    char *mbdb_path = NULL;
    struct bs_backup_layout *layout = calloc(1, sizeof(*layout));
    if (layout == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    layout->interrupt_flag = open != NULL ? open->interrupt_flag : NULL;
    layout->keys = keys;
    layout->root = bs_strdup(root);
    db_path = join3(root, MANIFEST_DB, NULL);
    mbdb_path = join3(root, MANIFEST_MBDB, NULL);
    if (layout->root == NULL || db_path == NULL || mbdb_path == NULL) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory");
        goto done;
    }
    layout->root_real = realpath(root, NULL);
    if (layout->root_real == NULL) {
        status = bs_error_set(err, errno == ENOENT ? BS_ERR_NOT_FOUND : BS_ERR_IO, "%s",
                              strerror(errno));
        goto done;
    }
    int db_kind = manifest_kind(db_path);
    int mbdb_kind = manifest_kind(mbdb_path);
    if (db_kind < 0 || (db_kind == 0 && mbdb_kind < 0)) {
        status = bs_error_set(err, BS_ERR_UNSAFE, "%s is a symbolic link or not a regular file",
                              db_kind < 0 ? MANIFEST_DB : MANIFEST_MBDB);
    } else if (db_kind > 0) {
        layout->kind = BS_BACKUP_LAYOUT_MANIFEST_DB;
        status = open_manifest_db(layout, db_path, open, encryption, err);
    } else if (mbdb_kind > 0 && keys != NULL) {
        status = bs_error_set(err, BS_ERR_UNSUPPORTED,
                              "an encrypted iOS 4-9 backup (" MANIFEST_MBDB
                              "), which this version cannot open: it decrypts backups "
                              "made by iOS 10.2 and later");
    } else if (mbdb_kind > 0) {
        layout->kind = BS_BACKUP_LAYOUT_MBDB;
        status = open_mbdb(layout, mbdb_path, err);
    } else {
        status = not_a_backup(root, err);
    }
done:
    free(db_path);
    free(mbdb_path);
    if (status != BS_OK) {
        bs_backup_layout_close(layout);
        return status;
    }
    *out = layout;
    return BS_OK;
}

enum bs_status bs_backup_layout_open(const char *root, const struct bs_sqlite_open_options *open,
                                     struct bs_backup_layout **out, struct bs_error *err)
{
    return open_layout(root, open, NULL, NULL, out, err);
}

enum bs_status bs_backup_layout_open_encrypted(const char *root,
                                               const struct bs_sqlite_open_options *open,
                                               const struct bs_backup_keys *keys,
                                               const struct bs_backup_encryption *encryption,
                                               struct bs_backup_layout **out, struct bs_error *err)
{
    if (keys == NULL || encryption == NULL) {
        return bs_error_set(err, BS_ERR_INTERNAL, "open_encrypted: no keys");
    }
    return open_layout(root, open, keys, encryption, out, err);
}

enum bs_status bs_backup_layout_open_manifest_image(const char *root, void *image, size_t size,
                                                    const struct bs_sqlite_open_options *open,
                                                    const struct bs_backup_keys *keys,
                                                    struct bs_backup_layout **out,
                                                    struct bs_error *err)
{
    enum bs_status status = BS_OK;
    struct bs_backup_layout *layout = calloc(1, sizeof(*layout));
    if (layout == NULL) {
        free(image);
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    layout->kind = BS_BACKUP_LAYOUT_MANIFEST_DB;
    layout->interrupt_flag = open != NULL ? open->interrupt_flag : NULL;
    layout->keys = keys;
    layout->root = bs_strdup(root);
    if (layout->root == NULL) {
        free(image);
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory");
        goto done;
    }
    layout->root_real = realpath(root, NULL);
    if (layout->root_real == NULL) {
        free(image);
        status = bs_error_set(err, errno == ENOENT ? BS_ERR_NOT_FOUND : BS_ERR_IO, "%s",
                              strerror(errno));
        goto done;
    }
    status = bs_sqlite_db_open_memory(image, size, open, &layout->manifest, err);
    if (status == BS_OK) {
        status = check_manifest_db(layout, err);
    }
    if (status != BS_OK) {
        bs_error_prefix(err, MANIFEST_DB);
    }
done:
    if (status != BS_OK) {
        bs_backup_layout_close(layout);
        return status;
    }
    *out = layout;
    return BS_OK;
}

void bs_backup_layout_close(struct bs_backup_layout *layout)
{
    if (layout == NULL) {
        return;
    }
    bs_sqlite_db_close(layout->manifest);
    free(layout->root);
    free(layout->root_real);
    free(layout->listed);
    free(layout);
}

enum bs_backup_layout_kind bs_backup_layout_get_kind(const struct bs_backup_layout *layout)
{
    return layout->kind;
}

const char *bs_backup_layout_manifest_name(const struct bs_backup_layout *layout)
{
    return layout->kind == BS_BACKUP_LAYOUT_MANIFEST_DB ? MANIFEST_DB : MANIFEST_MBDB;
}
