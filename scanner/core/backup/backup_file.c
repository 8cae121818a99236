/*
 * Reading the files backup_layout.c located (backup_file.h): a plain file on disk is read
 * through a descriptor opened without following links; an encrypted one is read whole and
 * decrypted in the same buffer; a database is opened from disk, or from memory when it was
 * given as bytes, with its WAL applied in memory too. An encrypted database is opened through
 * the cipher VFS (sqlite_db.h), which decrypts each page as SQLite reads it with the file's
 * key (held by this file's cipher context, wiped on release), so memory stays flat; its WAL,
 * small, is decrypted into memory and checked (bs_wal_map_build, the rules of bs_wal_apply),
 * and the VFS serves the pages of its last commit from it.
 */
#include "core/backup/backup_file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "core/base/limits.h"
#include "core/store/evidence_file.h"
#include "core/store/wal_apply.h"

/* Opens path for reading without following a link (nor blocking on a FIFO) and checks through
 * the descriptor that it is a regular file and, when identity is given, the very file the
 * layout checked (same device and inode): a file swapped in since is refused. */
static enum bs_status open_regular(const char *path, const char *shown,
                                   const struct bs_backup_file *identity, int *out,
                                   struct stat *info, struct bs_error *err)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        return bs_error_set(err,
                            errno == ELOOP    ? BS_ERR_UNSAFE
                            : errno == ENOENT ? BS_ERR_NOT_FOUND
                                              : BS_ERR_IO,
                            "%s: %s", shown, errno == ELOOP ? "a symbolic link" : strerror(errno));
    }
    if (fstat(fd, info) != 0 || !S_ISREG(info->st_mode)) {
        (void)close(fd);
        return bs_error_set(err, BS_ERR_UNSAFE, "%s: not a regular file", shown);
    }
    if (identity != NULL &&
        ((uint64_t)info->st_dev != identity->device || (uint64_t)info->st_ino != identity->inode)) {
        (void)close(fd);
        return bs_error_set(err, BS_ERR_UNSAFE,
                            "%s was replaced after it was checked; it is never opened", shown);
    }
    *out = fd;
    return BS_OK;
}

/* The identity a read must match: the file's, when the layout checked it. */
static const struct bs_backup_file *identity_of(const struct bs_backup_file *file)
{
    return file->has_identity ? file : NULL;
}

/* Reads the whole regular file open at fd (info from fstat), up to max_bytes. */
static enum bs_status read_whole(int fd, const struct stat *info, const char *shown,
                                 size_t max_bytes, uint8_t **bytes, size_t *size,
                                 struct bs_error *err)
{
    if (info->st_size < 0 || (uint64_t)info->st_size > (uint64_t)max_bytes) {
        return bs_error_set(err, BS_ERR_LIMIT, "%s: larger than %zu bytes", shown, max_bytes);
    }
    size_t expected = (size_t)info->st_size;
    uint8_t *buffer = malloc(expected + 1);
    if (buffer == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory reading %s", shown);
    }
    size_t got = 0;
    while (got < expected) {
        ssize_t n = read(fd, buffer + got, expected - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            free(buffer);
            return bs_error_set(err, BS_ERR_IO, "reading %s: %s", shown,
                                n < 0 ? strerror(errno) : "it shrank while being read");
        }
        got += (size_t)n;
    }
    *bytes = buffer;
    *size = got;
    return BS_OK;
}

/* As bs_backup_read_regular_file; identity as in open_regular. */
static enum bs_status read_checked_file(const char *path, const char *shown,
                                        const struct bs_backup_file *identity, size_t max_bytes,
                                        uint8_t **bytes, size_t *size, struct bs_error *err)
{
    int fd = -1;
    struct stat info;
    memset(&info, 0, sizeof(info));
    enum bs_status status = open_regular(path, shown, identity, &fd, &info, err);
    if (status == BS_OK) {
        status = read_whole(fd, &info, shown, max_bytes, bytes, size, err);
        (void)close(fd);
    }
    return status;
}

enum bs_status bs_backup_read_regular_file(const char *path, const char *shown, size_t max_bytes,
                                           uint8_t **bytes, size_t *size, struct bs_error *err)
{
    return read_checked_file(path, shown, NULL, max_bytes, bytes, size, err);
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

void bs_backup_wipe_free(void *bytes, size_t size)
{
    bs_backup_crypto_cleanse(bytes, bytes != NULL ? size : 0);
    free(bytes);
}

/* The error for an encrypted file whose key could not be unwrapped, and why. */
static enum bs_status no_key(const struct bs_backup_file *file, struct bs_error *err)
{
    return bs_error_set(err, BS_ERR_FORMAT, "%s cannot be decrypted: %s", shown_name(file),
                        file->key_problem != NULL ? file->key_problem : "no key");
}

/* Reads an encrypted file whole and decrypts it in the same buffer: nothing but ciphertext is
 * ever on disk, and a large sms.db is held once. */
static enum bs_status read_encrypted(const struct bs_backup_file *file, size_t max_bytes,
                                     enum bs_backup_crypto_padding padding, uint8_t **bytes,
                                     size_t *size, struct bs_error *err)
{
    const char *shown = shown_name(file);
    if (!file->key.has_key) {
        return no_key(file, err);
    }
    /* The ciphertext is the plaintext and at most one block of padding. */
    size_t max_cipher_bytes = max_bytes < BS_MAX_DECRYPTED_FILE_BYTES - BS_BACKUP_CRYPTO_BLOCK_BYTES
                                  ? max_bytes + BS_BACKUP_CRYPTO_BLOCK_BYTES
                                  : BS_MAX_DECRYPTED_FILE_BYTES;
    uint8_t *buffer = NULL;
    size_t length = 0;
    size_t plain = 0;
    enum bs_status status = read_checked_file(file->path, shown, identity_of(file),
                                              max_cipher_bytes, &buffer, &length, err);
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
        bs_backup_wipe_free(buffer, length);
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
        return read_checked_file(file->path, shown_name(file), identity_of(file), max_bytes, bytes,
                                 size, err);
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

/* The key of one encrypted database, and its decrypted WAL with the map of its last commit,
 * for the cipher VFS; all wiped and freed on release. */
struct file_cipher {
    uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES];
    struct bs_backup_cbc *cbc; /* the key, expanded once for every page read */
    uint8_t *wal;
    size_t wal_size;
    struct bs_wal_map map;
};

static bool file_cipher_decrypt(void *context, const uint8_t iv[BS_SQLITE_CIPHER_BLOCK_BYTES],
                                const uint8_t *in, uint8_t *out, size_t block_count)
{
    const struct file_cipher *cipher = context;
    return bs_backup_cbc_decrypt(cipher->cbc, iv, in, block_count * BS_BACKUP_CRYPTO_BLOCK_BYTES,
                                 out, NULL) == BS_OK;
}

static void file_cipher_release(void *context)
{
    struct file_cipher *cipher = context;
    if (cipher != NULL) {
        bs_backup_cbc_free(cipher->cbc);
        bs_backup_wipe_free(cipher->wal, cipher->wal_size);
        bs_wal_map_free(&cipher->map);
    }
    bs_backup_wipe_free(context, sizeof(struct file_cipher));
}

/* Reads exactly size bytes at offset of fd; false on an error or a short file. */
static bool pread_exact(int fd, uint8_t *buffer, size_t size, off_t offset)
{
    size_t got = 0;
    while (got < size) {
        ssize_t n = pread(fd, buffer + got, size - got, offset + (off_t)got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return false;
        }
        got += (size_t)n;
    }
    return true;
}

/* Decrypts block `index` of the ciphertext open at fd (IV: the block before, zeros for 0). */
static enum bs_status decrypt_one_block(int fd, const struct file_cipher *cipher, uint64_t index,
                                        uint8_t plain[BS_BACKUP_CRYPTO_BLOCK_BYTES],
                                        struct bs_error *err)
{
    uint8_t blocks[2 * BS_BACKUP_CRYPTO_BLOCK_BYTES] = {0};
    uint64_t from = index > 0 ? index - 1 : 0;
    size_t length = index > 0 ? sizeof(blocks) : BS_BACKUP_CRYPTO_BLOCK_BYTES;
    uint8_t *block = index > 0 ? blocks + BS_BACKUP_CRYPTO_BLOCK_BYTES : blocks;
    if (!pread_exact(fd, index > 0 ? blocks : block, length,
                     (off_t)(from * BS_BACKUP_CRYPTO_BLOCK_BYTES))) {
        return bs_error_set(err, BS_ERR_IO, "it shrank while being read");
    }
    uint8_t zero_iv[BS_BACKUP_CRYPTO_BLOCK_BYTES] = {0};
    return bs_backup_crypto_decrypt_blocks(cipher->key, index > 0 ? blocks : zero_iv, block,
                                           BS_BACKUP_CRYPTO_BLOCK_BYTES, plain, err);
}

/* Checks the ciphertext open at fd (size bytes) with cipher's key: whole blocks, a first block
 * that is SQLite's magic, a last block that ends in valid padding or whole pages (the rule of
 * BS_BACKUP_CRYPTO_PAD_SQLITE); *plain_size is what remains without the padding. */
static enum bs_status check_encrypted_db(int fd, uint64_t size, const struct file_cipher *cipher,
                                         const char *shown, uint64_t *plain_size,
                                         struct bs_error *err)
{
    if (size == 0 || size % BS_BACKUP_CRYPTO_BLOCK_BYTES != 0) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "decrypting %s: encrypted file is %" PRIu64
                            " bytes, not a multiple of the %d-byte AES block",
                            shown, size, BS_BACKUP_CRYPTO_BLOCK_BYTES);
    }
    uint8_t first[BS_BACKUP_CRYPTO_BLOCK_BYTES];
    uint8_t last[BS_BACKUP_CRYPTO_BLOCK_BYTES];
    enum bs_status status = decrypt_one_block(fd, cipher, 0, first, err);
    if (status == BS_OK) {
        status = decrypt_one_block(fd, cipher, size / BS_BACKUP_CRYPTO_BLOCK_BYTES - 1, last, err);
    }
    if (status != BS_OK) {
        bs_error_prefix(err, "decrypting %s", shown);
        bs_backup_crypto_cleanse(first, sizeof(first));
        bs_backup_crypto_cleanse(last, sizeof(last));
        return status;
    }
    bool is_sqlite = bs_evidence_is_sqlite(first, sizeof(first));
    size_t pad = bs_backup_crypto_pad_bytes(last, (size_t)size, BS_BACKUP_CRYPTO_PAD_SQLITE);
    bs_backup_crypto_cleanse(first, sizeof(first));
    bs_backup_crypto_cleanse(last, sizeof(last));
    if (!is_sqlite) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "%s does not decrypt to a SQLite database with the key "
                            "Manifest.db gives it: it is damaged, or from another backup",
                            shown);
    }
    if (pad == 0 && size % BS_BACKUP_CRYPTO_SQLITE_MIN_PAGE_BYTES != 0) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "%s ends in neither valid padding nor whole database pages once "
                            "decrypted: it is damaged",
                            shown);
    }
    *plain_size = size - pad;
    return BS_OK;
}

/* Reads and decrypts wal into cipher and maps its last commit for the database open at fd
 * (plain_size bytes once decrypted), by the rules of bs_wal_apply. */
static enum bs_status read_wal(int fd, uint64_t plain_size, const struct bs_backup_file *wal,
                               struct file_cipher *cipher, struct bs_error *err)
{
    enum bs_status status =
        bs_backup_file_read(wal, BS_MAX_DECRYPTED_FILE_BYTES, &cipher->wal, &cipher->wal_size, err);
    if (status != BS_OK || cipher->wal_size == 0) {
        return status; /* an empty WAL holds nothing, as SQLite sees it */
    }
    uint8_t header[2 * BS_BACKUP_CRYPTO_BLOCK_BYTES] = {0};
    if (plain_size < 100) {
        status = bs_error_set(err, BS_ERR_FORMAT, "database image too small for a WAL");
    } else {
        status = decrypt_one_block(fd, cipher, 1, header + BS_BACKUP_CRYPTO_BLOCK_BYTES, err);
    }
    if (status == BS_OK) {
        status =
            bs_wal_map_build(cipher->wal, cipher->wal_size, plain_size,
                             bs_wal_database_page_size(header, sizeof(header)), &cipher->map, err);
    }
    bs_backup_crypto_cleanse(header, sizeof(header));
    if (status != BS_OK) {
        bs_error_prefix(err, "applying its WAL %s", shown_name(wal));
    }
    return status;
}

/* An encrypted database (and its WAL, when wal is not NULL): opened through the cipher VFS,
 * decrypted page by page as SQLite reads it, from the descriptor the layout checked. */
static enum bs_status open_encrypted_db(struct bs_backup_file *file,
                                        const struct bs_backup_file *wal,
                                        const struct bs_sqlite_open_options *options,
                                        struct bs_sqlite_db **out, struct bs_error *err)
{
    const char *shown = shown_name(file);
    if (!file->key.has_key) {
        return no_key(file, err);
    }
    int fd = -1;
    struct stat info;
    memset(&info, 0, sizeof(info));
    enum bs_status status = open_regular(file->path, shown, identity_of(file), &fd, &info, err);
    if (status != BS_OK) {
        return status;
    }
    struct file_cipher *cipher = calloc(1, sizeof(*cipher));
    if (cipher == NULL) {
        (void)close(fd);
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    status = bs_backup_keys_unwrap_file_key(file->keys, &file->key.wrapped, cipher->key, err);
    if (status != BS_OK) {
        bs_error_prefix(err, "decrypting %s", shown);
    } else {
        status = bs_backup_cbc_new(cipher->key, &cipher->cbc, err);
    }
    uint64_t plain_size = 0;
    if (status == BS_OK) {
        status = check_encrypted_db(fd, (uint64_t)info.st_size, cipher, shown, &plain_size, err);
    }
    if (status == BS_OK) {
        file->has_plain_size = true;
        file->plain_size = plain_size;
    }
    if (status == BS_OK && wal != NULL) {
        status = read_wal(fd, plain_size, wal, cipher, err);
    }
    if (status != BS_OK) {
        file_cipher_release(cipher);
        (void)close(fd);
        return status;
    }
    struct bs_sqlite_cipher vfs_cipher = {
        .decrypt = file_cipher_decrypt,
        .release = file_cipher_release,
        .context = cipher,
        .fd = fd,
        .plaintext_size = plain_size,
        .wal_map = cipher->map.frames > 0 ? &cipher->map : NULL,
        .wal = cipher->map.frames > 0 ? cipher->wal : NULL,
    };
    status = bs_sqlite_db_open_cipher(&vfs_cipher, options, out, err); /* takes cipher */
    (void)close(fd);
    return status;
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
    bs_backup_wipe_free(bytes, wal_size);
    return status;
}

/* A plain database on disk (and its plain WAL): opened and checked here, then handed to SQLite
 * as descriptors, so what SQLite reads is the file the layout checked. */
static enum bs_status open_db_on_disk(const struct bs_backup_file *file,
                                      const struct bs_backup_file *wal,
                                      const struct bs_sqlite_open_options *options,
                                      struct bs_sqlite_db **out, struct bs_error *err)
{
    int fd = -1;
    int wal_fd = -1;
    struct stat info;
    enum bs_status status =
        open_regular(file->path, shown_name(file), identity_of(file), &fd, &info, err);
    if (status == BS_OK && wal != NULL) {
        status = open_regular(wal->path, shown_name(wal), identity_of(wal), &wal_fd, &info, err);
    }
    if (status == BS_OK) {
        status = bs_sqlite_db_open_fd(fd, wal_fd, options, out, err);
    }
    if (fd >= 0) {
        (void)close(fd);
    }
    if (wal_fd >= 0) {
        (void)close(wal_fd);
    }
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
        return open_db_on_disk(file, has_wal ? wal : NULL, options, out, err);
    }
    if (file->path != NULL) {
        return open_encrypted_db(file, has_wal ? wal : NULL, options, out, err);
    }
    /* In memory: the bytes the caller gave, never a file. */
    void *image = file->bytes;
    size_t size = file->size;
    file->bytes = NULL;
    file->size = 0;
    file->state = BS_BACKUP_FILE_ABSENT; /* the image is ours now */
    enum bs_status status = BS_OK;
    if (has_wal) {
        status = apply_wal_in_memory(&image, &size, wal, err);
    }
    if (status != BS_OK) {
        bs_backup_wipe_free(image, size);
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

enum bs_status bs_backup_file_read_head(const struct bs_backup_file *file,
                                        uint8_t head[BS_BACKUP_FILE_HEAD_BYTES], size_t *head_size,
                                        uint64_t *stored_size, struct bs_error *err)
{
    if (file->state != BS_BACKUP_FILE_PRESENT || file->path == NULL) {
        return bs_error_set(err, BS_ERR_NOT_FOUND, "not in the backup");
    }
    const char *shown = shown_name(file);
    if (file->keys != NULL && !file->key.has_key) {
        return no_key(file, err);
    }
    int fd = -1;
    struct stat info;
    memset(&info, 0, sizeof(info));
    enum bs_status status = open_regular(file->path, shown, identity_of(file), &fd, &info, err);
    if (status != BS_OK) {
        return status;
    }
    uint64_t size = info.st_size > 0 ? (uint64_t)info.st_size : 0;
    *stored_size = size;
    if (file->keys == NULL) {
        /* Plain: at most the first 16 bytes, never more of the app's data. */
        size_t want = size < BS_BACKUP_FILE_HEAD_BYTES ? (size_t)size : BS_BACKUP_FILE_HEAD_BYTES;
        if (!pread_exact(fd, head, want, 0)) {
            status = bs_error_set(err, BS_ERR_IO, "reading %s: it shrank while being read", shown);
        } else {
            *head_size = want;
        }
        (void)close(fd);
        return status;
    }
    if (size == 0 || size % BS_BACKUP_CRYPTO_BLOCK_BYTES != 0) {
        (void)close(fd);
        return bs_error_set(err, BS_ERR_FORMAT,
                            "%s: encrypted file is %" PRIu64
                            " bytes, not a whole number of AES blocks",
                            shown, size);
    }
    /* Encrypted: the first AES block alone (zero IV), decrypted in memory with the file's own
     * key, which is wiped before return. */
    struct file_cipher cipher;
    memset(&cipher, 0, sizeof(cipher));
    status = bs_backup_keys_unwrap_file_key(file->keys, &file->key.wrapped, cipher.key, err);
    if (status == BS_OK) {
        status = decrypt_one_block(fd, &cipher, 0, head, err);
    }
    bs_backup_crypto_cleanse(&cipher, sizeof(cipher));
    (void)close(fd);
    if (status == BS_OK) {
        *head_size = BS_BACKUP_FILE_HEAD_BYTES;
        /* One block is also the last: a file of 0 to 15 bytes and its PKCS#7 padding, which is
         * taken off, so that it is too short to tell, as in a plain backup. A longer file's
         * padding cannot be seen without its last block: the ciphertext's size stands for the
         * plaintext's, at most one block more. */
        uint8_t pad = head[BS_BACKUP_FILE_HEAD_BYTES - 1];
        bool is_padded =
            size == BS_BACKUP_CRYPTO_BLOCK_BYTES && pad >= 1 && pad <= BS_BACKUP_FILE_HEAD_BYTES;
        for (size_t i = BS_BACKUP_FILE_HEAD_BYTES - pad; is_padded && i < BS_BACKUP_FILE_HEAD_BYTES;
             i++) {
            is_padded = head[i] == pad;
        }
        if (is_padded) {
            *head_size -= pad;
            *stored_size = *head_size;
        }
    } else {
        bs_error_prefix(err, "decrypting the first block of %s", shown);
    }
    return status;
}
