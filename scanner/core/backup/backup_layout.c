/*
 * The backup layouts of backup_layout.h: opening a backup folder (which manifest it has),
 * locating files, the path checks every file passes before anything opens it, and the folder
 * walk that finds files listed but missing and files present but unlisted. Reading the
 * manifests is backup_manifest.c's; reading the located files, backup_file.c's.
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

#include "core/backup/backup_apps.h"
#include "core/backup/backup_manifest.h"
#include "core/base/limits.h"
#include "core/base/text.h"

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

void bs_backup_layout_id_digest(const char *text, uint8_t digest[BS_BACKUP_FILE_ID_DIGEST_BYTES])
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

enum bs_status bs_backup_layout_add_listed(struct bs_backup_layout *layout,
                                           const uint8_t digest[BS_BACKUP_FILE_ID_DIGEST_BYTES],
                                           bool is_file, struct bs_error *err)
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

char *bs_backup_layout_join(const char *a, const char *b, const char *c)
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
    char *path = layout->kind == BS_BACKUP_LAYOUT_MANIFEST_DB
                     ? bs_backup_layout_join(layout->root, folder, file_id)
                     : bs_backup_layout_join(layout->root, file_id, NULL);
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
    out->has_identity = true;
    out->device = (uint64_t)info.st_dev;
    out->inode = (uint64_t)info.st_ino;
    out->state = BS_BACKUP_FILE_PRESENT;
done:
    free(path);
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
            bs_backup_manifest_db_find(layout, domain, relative_path, listed_id, &is_listed, &key,
                                       problem, sizeof(problem), err);
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
    bs_backup_layout_id_digest(computed, digest);
    const struct listed_file *listed = find_listed(layout, digest);
    if (listed != NULL && (listed->bits & LISTED_IS_FILE) == 0) {
        return bs_error_set(err, BS_ERR_UNSAFE,
                            "Manifest.mbdb lists it as a folder or link, not a file");
    }
    return locate_on_disk(layout, computed, listed != NULL, out, err);
}

enum bs_status bs_backup_layout_locate_listed(struct bs_backup_layout *layout, const char *file_id,
                                              const struct bs_backup_file_key *key,
                                              const char *key_problem, struct bs_backup_file *out,
                                              struct bs_error *err)
{
    memset(out, 0, sizeof(*out));
    if (!bs_backup_file_id_is_valid(file_id, strlen(file_id))) {
        return bs_error_set(err, BS_ERR_UNSAFE,
                            "a fileID that is not 40 lower-case hex characters");
    }
    enum bs_status status = locate_on_disk(layout, file_id, true, out, err);
    if (status == BS_OK && layout->keys != NULL) {
        out->keys = layout->keys;
        if (key != NULL) {
            out->key = *key;
        }
        status = set_key_problem(out, key_problem != NULL ? key_problem : "no key", err);
    }
    return status;
}

static bool is_interrupted(const struct bs_backup_layout *layout)
{
    return layout->interrupt_flag != NULL && *layout->interrupt_flag != 0;
}

void bs_backup_layout_sort_listed(struct bs_backup_layout *layout)
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
        bs_backup_layout_id_digest(name, digest);
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
        status = bs_backup_manifest_db_load_listing(layout, err);
        if (status != BS_OK) {
            return status;
        }
        bs_backup_layout_sort_listed(layout);
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
        char *path = bs_backup_layout_join(root, entry->d_name, MANIFEST_DB);
        char *legacy = bs_backup_layout_join(root, entry->d_name, MANIFEST_MBDB);
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
    db_path = bs_backup_layout_join(root, MANIFEST_DB, NULL);
    mbdb_path = bs_backup_layout_join(root, MANIFEST_MBDB, NULL);
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
        status = bs_backup_manifest_db_open(layout, db_path, open, encryption, err);
    } else if (mbdb_kind > 0 && keys != NULL) {
        status = bs_error_set(err, BS_ERR_UNSUPPORTED,
                              "an encrypted iOS 4-9 backup (" MANIFEST_MBDB
                              "), which this version cannot open: it decrypts backups "
                              "made by iOS 10.2 and later");
    } else if (mbdb_kind > 0) {
        layout->kind = BS_BACKUP_LAYOUT_MBDB;
        status = bs_backup_manifest_mbdb_load(layout, mbdb_path, err);
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
        status = bs_backup_manifest_db_check(layout, err);
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
    bs_backup_apps_free_candidates(layout);
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
