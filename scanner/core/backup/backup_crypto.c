/*
 * Backup decryption over OpenSSL 3 libcrypto (see backup_crypto.h). The only file in
 * scanner/ that includes OpenSSL headers: PBKDF2, RFC 3394 key wrap, AES-256-CBC and the
 * CSPRNG all come from libcrypto, nothing is hand-rolled. Every stack or heap copy of a
 * secret is wiped with OPENSSL_cleanse on every path out, and OpenSSL's error queue is
 * cleared after an expected failure (a wrong password) so it does not leak into later calls.
 * Only what a scan needs is here: the inverse operations that build encrypted fixtures (wrap,
 * encrypt, random bytes) are in tests/tools/fixture_crypto.c, never linked into bubblescan.
 */
#include "core/backup/backup_crypto.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "core/base/limits.h"

/* OpenSSL takes int lengths: large buffers go through in chunks of whole AES blocks. */
#define CHUNK_BYTES ((size_t)1 << 30)

/* Room for the key-wrap output: OpenSSL assumes the output buffer has a block to spare. */
#define WRAP_BUFFER_BYTES (BS_KEYBAG_WRAPPED_KEY_BYTES + BS_BACKUP_CRYPTO_BLOCK_BYTES)

struct class_key {
    uint32_t protection_class;
    uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES];
};

struct bs_backup_keys {
    struct class_key classes[BS_MAX_KEYBAG_CLASSES];
    size_t class_count;
    uint32_t skipped_classes[BS_MAX_KEYBAG_CLASSES]; /* not password-wrapped, or no WPKY */
    size_t skipped_count;
};

static const uint8_t zero_iv[BS_BACKUP_CRYPTO_BLOCK_BYTES];

void bs_backup_crypto_cleanse(void *memory, size_t size_bytes)
{
    if (memory != NULL && size_bytes > 0) {
        OPENSSL_cleanse(memory, size_bytes);
    }
}

/* True when [a, a+n) and [b, b+n) share bytes without being the same range. */
static bool overlaps_partially(const uint8_t *a, const uint8_t *b, size_t n)
{
    uintptr_t first = (uintptr_t)a;
    uintptr_t second = (uintptr_t)b;
    if (first == second) {
        return false;
    }
    return first < second ? second - first < n : first - second < n;
}

static enum bs_status check_kdf_parameters(const struct bs_keybag *keybag, struct bs_error *err)
{
    if (keybag->salt_size_bytes == 0 || keybag->salt_size_bytes > BS_KEYBAG_MAX_SALT_BYTES) {
        return bs_error_set(err, BS_ERR_FORMAT, "keybag SALT is %zu bytes, expected 1 to %d",
                            keybag->salt_size_bytes, BS_KEYBAG_MAX_SALT_BYTES);
    }
    if (keybag->iteration_count == 0 || keybag->iteration_count > BS_MAX_KDF_ITERATIONS) {
        return bs_error_set(err, BS_ERR_FORMAT, "keybag ITER is %u, expected 1 to %u",
                            keybag->iteration_count, BS_MAX_KDF_ITERATIONS);
    }
    if (keybag->dp_salt_size_bytes > BS_KEYBAG_MAX_SALT_BYTES ||
        keybag->dp_iteration_count > BS_MAX_KDF_ITERATIONS ||
        (keybag->dp_salt_size_bytes == 0) != (keybag->dp_iteration_count == 0)) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "keybag DPSL (%zu bytes) and DPIC (%u) are inconsistent",
                            keybag->dp_salt_size_bytes, keybag->dp_iteration_count);
    }
    return BS_OK;
}

enum bs_status bs_backup_crypto_derive_kek(const struct bs_keybag *keybag, const char *password,
                                           size_t password_bytes,
                                           bs_backup_crypto_progress_fn progress,
                                           void *progress_context,
                                           uint8_t kek[BS_BACKUP_CRYPTO_KEY_BYTES],
                                           struct bs_error *err)
{
    enum bs_status status = BS_OK;
    bool started = false;
    uint8_t stage1_key[BS_BACKUP_CRYPTO_KEY_BYTES];
    uint8_t derived_key[BS_BACKUP_CRYPTO_KEY_BYTES];

    if (keybag == NULL || kek == NULL || (password == NULL && password_bytes != 0)) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "derive_kek: missing argument");
        goto done;
    }
    if (password_bytes > BS_MAX_PASSWORD_BYTES) {
        status = bs_error_set(err, BS_ERR_LIMIT, "password is %zu bytes, above the limit of %d",
                              password_bytes, BS_MAX_PASSWORD_BYTES);
        goto done;
    }
    status = check_kdf_parameters(keybag, err);
    if (status != BS_OK) {
        goto done;
    }

    if (progress != NULL) {
        progress(BS_BACKUP_CRYPTO_KDF_STARTED, progress_context);
    }
    started = true;

    const char *sha1_input = password == NULL ? "" : password;
    int sha1_input_bytes = (int)password_bytes;
    /* iOS 10.2 added the SHA-256 stage; its presence in the keybag is the only signal used. */
    if (bs_keybag_has_sha256_stage(keybag)) {
        if (PKCS5_PBKDF2_HMAC(sha1_input, sha1_input_bytes, keybag->dp_salt,
                              (int)keybag->dp_salt_size_bytes, (int)keybag->dp_iteration_count,
                              EVP_sha256(), (int)sizeof(stage1_key), stage1_key) != 1) {
            status = bs_error_set(err, BS_ERR_INTERNAL, "PBKDF2-HMAC-SHA256 failed in OpenSSL");
            goto done;
        }
        sha1_input = (const char *)stage1_key;
        sha1_input_bytes = (int)sizeof(stage1_key);
    }
    if (PKCS5_PBKDF2_HMAC(sha1_input, sha1_input_bytes, keybag->salt, (int)keybag->salt_size_bytes,
                          (int)keybag->iteration_count, EVP_sha1(), (int)sizeof(derived_key),
                          derived_key) != 1) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "PBKDF2-HMAC-SHA1 failed in OpenSSL");
        goto done;
    }
    memcpy(kek, derived_key, sizeof(derived_key));

done:
    OPENSSL_cleanse(stage1_key, sizeof(stage1_key));
    OPENSSL_cleanse(derived_key, sizeof(derived_key));
    if (status != BS_OK) {
        ERR_clear_error();
    }
    if (started && progress != NULL) {
        progress(BS_BACKUP_CRYPTO_KDF_FINISHED, progress_context);
    }
    return status;
}

/* RFC 3394 unwrap of in[0..in_bytes) into out[0..out_bytes). One whose integrity check fails
 * returns BS_OK with *integrity_ok false and out untouched; other statuses are OpenSSL
 * failures. (The inverse, wrapping, is fixture support: tests/tools/fixture_crypto.c.) */
static enum bs_status run_key_unwrap(const uint8_t kek[BS_BACKUP_CRYPTO_KEY_BYTES],
                                     const uint8_t *in, size_t in_bytes, uint8_t *out,
                                     size_t out_bytes, bool *integrity_ok, struct bs_error *err)
{
    enum bs_status status = BS_OK;
    EVP_CIPHER_CTX *context = NULL;
    uint8_t buffer[WRAP_BUFFER_BYTES];
    int written_bytes = 0;
    int final_bytes = 0;
    *integrity_ok = false;

    context = EVP_CIPHER_CTX_new();
    if (context == NULL) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory for an AES key-wrap context");
        goto done;
    }
    EVP_CIPHER_CTX_set_flags(context, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    /* A NULL IV selects the RFC 3394 default integrity value A6A6A6A6A6A6A6A6. */
    if (EVP_CipherInit_ex(context, EVP_aes_256_wrap(), NULL, kek, NULL, 0) != 1) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "AES-256 key wrap setup failed in OpenSSL");
        goto done;
    }
    if (EVP_CipherUpdate(context, buffer, &written_bytes, in, (int)in_bytes) <= 0) {
        goto done; /* the integrity check failed */
    }
    if (written_bytes < 0 || (size_t)written_bytes != out_bytes ||
        EVP_CipherFinal_ex(context, buffer + written_bytes, &final_bytes) != 1 ||
        final_bytes != 0) {
        status =
            bs_error_set(err, BS_ERR_INTERNAL, "AES-256 key wrap gave %d + %d bytes, expected %zu",
                         written_bytes, final_bytes, out_bytes);
        goto done;
    }
    memcpy(out, buffer, out_bytes);
    *integrity_ok = true;

done:
    OPENSSL_cleanse(buffer, sizeof(buffer));
    EVP_CIPHER_CTX_free(context); /* also wipes the expanded key */
    if (status != BS_OK || !*integrity_ok) {
        ERR_clear_error();
    }
    return status;
}

enum bs_status bs_backup_crypto_unwrap_key(const uint8_t kek[BS_BACKUP_CRYPTO_KEY_BYTES],
                                           const uint8_t wrapped[BS_KEYBAG_WRAPPED_KEY_BYTES],
                                           uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES],
                                           struct bs_error *err)
{
    bool integrity_ok = false;
    enum bs_status status = run_key_unwrap(kek, wrapped, BS_KEYBAG_WRAPPED_KEY_BYTES, key,
                                           BS_BACKUP_CRYPTO_KEY_BYTES, &integrity_ok, err);
    if (status == BS_OK && !integrity_ok) {
        status = bs_error_set(err, BS_ERR_FORMAT,
                              "RFC 3394 integrity check failed: wrong key or corrupt wrapped key");
    }
    return status;
}

void bs_backup_keys_free(struct bs_backup_keys *keys)
{
    if (keys == NULL) {
        return;
    }
    OPENSSL_cleanse(keys, sizeof(*keys));
    free(keys);
}

enum bs_status bs_backup_keys_create(const struct bs_keybag *keybag,
                                     const uint8_t kek[BS_BACKUP_CRYPTO_KEY_BYTES],
                                     struct bs_backup_keys **out, struct bs_error *err)
{
    enum bs_status status = BS_OK;
    struct bs_backup_keys *keys = NULL;

    if (keybag == NULL || kek == NULL || out == NULL) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "backup_keys_create: missing argument");
        goto done;
    }
    keys = calloc(1, sizeof(*keys));
    if (keys == NULL) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory for the backup class keys");
        goto done;
    }
    size_t record_count = keybag->class_count;
    if (record_count > BS_MAX_KEYBAG_CLASSES) {
        record_count = BS_MAX_KEYBAG_CLASSES;
    }
    for (size_t i = 0; i < record_count; i++) {
        const struct bs_keybag_class *record = &keybag->classes[i];
        /* WRAP bit 2 means wrapped with the password-derived key; bit 1 alone means the
         * device UID key, which a backup cannot supply. */
        if ((record->wrap_flags & BS_KEYBAG_WRAP_PASSCODE) == 0 || !record->has_wrapped_key) {
            keys->skipped_classes[keys->skipped_count++] = record->protection_class;
            continue;
        }
        struct class_key *slot = &keys->classes[keys->class_count];
        bool integrity_ok = false;
        status = run_key_unwrap(kek, record->wrapped_key, BS_KEYBAG_WRAPPED_KEY_BYTES, slot->key,
                                BS_BACKUP_CRYPTO_KEY_BYTES, &integrity_ok, err);
        if (status != BS_OK) {
            goto done;
        }
        if (!integrity_ok) {
            /* The first key decides: a wrong password fails every class, so a failure after
             * a success is damage, not a password problem. */
            if (keys->class_count == 0) {
                status = bs_error_set(err, BS_ERR_PASSWORD,
                                      "wrong backup password: the key of protection class %u "
                                      "does not unwrap with it",
                                      record->protection_class);
            } else {
                status = bs_error_set(err, BS_ERR_FORMAT,
                                      "keybag is corrupt: the key of protection class %u fails "
                                      "the integrity check although class %u unwrapped",
                                      record->protection_class, keys->classes[0].protection_class);
            }
            goto done;
        }
        slot->protection_class = record->protection_class;
        keys->class_count++;
    }
    if (keys->class_count == 0) {
        status = bs_error_set(err, BS_ERR_FORMAT,
                              "keybag has no password-wrapped class key (%zu class records)",
                              record_count);
        goto done;
    }
    *out = keys;
    keys = NULL;

done:
    bs_backup_keys_free(keys);
    return status;
}

enum bs_status bs_backup_keys_create_from_password(const struct bs_keybag *keybag,
                                                   const char *password, size_t password_bytes,
                                                   bs_backup_crypto_progress_fn progress,
                                                   void *progress_context,
                                                   struct bs_backup_keys **out,
                                                   struct bs_error *err)
{
    uint8_t kek[BS_BACKUP_CRYPTO_KEY_BYTES];
    enum bs_status status = bs_backup_crypto_derive_kek(keybag, password, password_bytes, progress,
                                                        progress_context, kek, err);
    if (status == BS_OK) {
        status = bs_backup_keys_create(keybag, kek, out, err);
    }
    OPENSSL_cleanse(kek, sizeof(kek));
    return status;
}

size_t bs_backup_keys_class_count(const struct bs_backup_keys *keys)
{
    return keys == NULL ? 0 : keys->class_count;
}

size_t bs_backup_keys_skipped_count(const struct bs_backup_keys *keys)
{
    return keys == NULL ? 0 : keys->skipped_count;
}

const uint8_t *bs_backup_keys_class_key(const struct bs_backup_keys *keys,
                                        uint32_t protection_class)
{
    if (keys == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < keys->class_count; i++) {
        if (keys->classes[i].protection_class == protection_class) {
            return keys->classes[i].key;
        }
    }
    return NULL;
}

static bool was_skipped(const struct bs_backup_keys *keys, uint32_t protection_class)
{
    for (size_t i = 0; i < keys->skipped_count; i++) {
        if (keys->skipped_classes[i] == protection_class) {
            return true;
        }
    }
    return false;
}

enum bs_status bs_backup_keys_unwrap_file_key(const struct bs_backup_keys *keys,
                                              const struct bs_keybag_wrapped_key *wrapped,
                                              uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES],
                                              struct bs_error *err)
{
    enum bs_status status = BS_OK;
    if (keys == NULL || wrapped == NULL || key == NULL) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "unwrap_file_key: missing argument");
        goto done;
    }
    const uint8_t *class_key = bs_backup_keys_class_key(keys, wrapped->protection_class);
    if (class_key == NULL) {
        if (was_skipped(keys, wrapped->protection_class)) {
            status = bs_error_set(err, BS_ERR_UNSUPPORTED,
                                  "protection class %u is not wrapped with the backup password "
                                  "(device key only, or no key in the keybag)",
                                  wrapped->protection_class);
        } else {
            status = bs_error_set(err, BS_ERR_FORMAT, "backup keybag has no protection class %u",
                                  wrapped->protection_class);
        }
        goto done;
    }
    bool integrity_ok = false;
    status = run_key_unwrap(class_key, wrapped->wrapped_key, BS_KEYBAG_WRAPPED_KEY_BYTES, key,
                            BS_BACKUP_CRYPTO_KEY_BYTES, &integrity_ok, err);
    if (status == BS_OK && !integrity_ok) {
        status = bs_error_set(err, BS_ERR_FORMAT,
                              "file key of protection class %u fails the RFC 3394 integrity "
                              "check: the wrapped key is corrupt",
                              wrapped->protection_class);
    }

done:
    return status;
}

struct bs_backup_cbc {
    EVP_CIPHER_CTX *context; /* AES-256-CBC, padding off, key set */
};

enum bs_status bs_backup_cbc_new(const uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES],
                                 struct bs_backup_cbc **out, struct bs_error *err)
{
    *out = NULL;
    struct bs_backup_cbc *cbc = calloc(1, sizeof(*cbc));
    if (cbc == NULL || (cbc->context = EVP_CIPHER_CTX_new()) == NULL) {
        free(cbc);
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory for an AES context");
    }
    if (EVP_DecryptInit_ex(cbc->context, EVP_aes_256_cbc(), NULL, key, NULL) != 1 ||
        EVP_CIPHER_CTX_set_padding(cbc->context, 0) != 1) {
        bs_backup_cbc_free(cbc);
        ERR_clear_error();
        return bs_error_set(err, BS_ERR_INTERNAL, "AES-256-CBC setup failed in OpenSSL");
    }
    *out = cbc;
    return BS_OK;
}

enum bs_status bs_backup_cbc_decrypt(struct bs_backup_cbc *cbc,
                                     const uint8_t iv[BS_BACKUP_CRYPTO_BLOCK_BYTES],
                                     const uint8_t *ciphertext, size_t size_bytes,
                                     uint8_t *plaintext, struct bs_error *err)
{
    if (size_bytes % BS_BACKUP_CRYPTO_BLOCK_BYTES != 0) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "encrypted data is %zu bytes, not a multiple of the %d-byte AES block",
                            size_bytes, BS_BACKUP_CRYPTO_BLOCK_BYTES);
    }
    if (size_bytes == 0) {
        return BS_OK;
    }
    if (cbc == NULL || iv == NULL || ciphertext == NULL || plaintext == NULL ||
        size_bytes > CHUNK_BYTES || overlaps_partially(ciphertext, plaintext, size_bytes)) {
        return bs_error_set(err, BS_ERR_INTERNAL, "cbc_decrypt: bad buffer arguments");
    }
    /* A NULL cipher and key keep the expanded key; only the IV (CBC's chaining) is reset. */
    int written_bytes = 0;
    if (EVP_DecryptInit_ex(cbc->context, NULL, NULL, NULL, iv) != 1 ||
        EVP_DecryptUpdate(cbc->context, plaintext, &written_bytes, ciphertext, (int)size_bytes) !=
            1 ||
        written_bytes < 0 || (size_t)written_bytes != size_bytes) {
        ERR_clear_error();
        return bs_error_set(err, BS_ERR_INTERNAL, "AES-256-CBC decryption failed in OpenSSL");
    }
    return BS_OK;
}

void bs_backup_cbc_free(struct bs_backup_cbc *cbc)
{
    if (cbc != NULL) {
        EVP_CIPHER_CTX_free(cbc->context); /* also wipes the expanded key */
        free(cbc);
    }
}

enum bs_status bs_backup_crypto_decrypt_blocks(const uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES],
                                               const uint8_t iv[BS_BACKUP_CRYPTO_BLOCK_BYTES],
                                               const uint8_t *ciphertext, size_t size_bytes,
                                               uint8_t *plaintext, struct bs_error *err)
{
    enum bs_status status = BS_OK;
    EVP_CIPHER_CTX *context = NULL;

    if (size_bytes % BS_BACKUP_CRYPTO_BLOCK_BYTES != 0) {
        status =
            bs_error_set(err, BS_ERR_FORMAT,
                         "encrypted data is %zu bytes, not a multiple of the %d-byte AES block",
                         size_bytes, BS_BACKUP_CRYPTO_BLOCK_BYTES);
        goto done;
    }
    if (size_bytes == 0) {
        goto done;
    }
    if (key == NULL || iv == NULL || ciphertext == NULL || plaintext == NULL ||
        overlaps_partially(ciphertext, plaintext, size_bytes)) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "decrypt_blocks: bad buffer arguments");
        goto done;
    }
    context = EVP_CIPHER_CTX_new();
    if (context == NULL) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory for an AES context");
        goto done;
    }
    /* Padding off: whole blocks in, whole blocks out; the caller judges any pad. */
    if (EVP_DecryptInit_ex(context, EVP_aes_256_cbc(), NULL, key, iv) != 1 ||
        EVP_CIPHER_CTX_set_padding(context, 0) != 1) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "AES-256-CBC setup failed in OpenSSL");
        goto done;
    }
    for (size_t done_bytes = 0; done_bytes < size_bytes;) {
        size_t chunk_bytes = size_bytes - done_bytes;
        if (chunk_bytes > CHUNK_BYTES) {
            chunk_bytes = CHUNK_BYTES;
        }
        int written_bytes = 0;
        if (EVP_DecryptUpdate(context, plaintext + done_bytes, &written_bytes,
                              ciphertext + done_bytes, (int)chunk_bytes) != 1 ||
            written_bytes < 0 || (size_t)written_bytes != chunk_bytes) {
            status = bs_error_set(err, BS_ERR_INTERNAL, "AES-256-CBC decryption failed in OpenSSL");
            goto done;
        }
        done_bytes += chunk_bytes;
    }
    uint8_t tail[BS_BACKUP_CRYPTO_BLOCK_BYTES];
    int tail_bytes = 0;
    if (EVP_DecryptFinal_ex(context, tail, &tail_bytes) != 1 || tail_bytes != 0) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "AES-256-CBC decryption left a partial block");
        goto done;
    }

done:
    EVP_CIPHER_CTX_free(context);
    if (status != BS_OK) {
        ERR_clear_error();
    }
    return status;
}

/* Length of a valid PKCS#7 pad at the end of plaintext[0..size_bytes), or 0. size_bytes is a
 * non-zero multiple of the block size. */
static size_t pkcs7_pad_bytes(const uint8_t *plaintext, size_t size_bytes,
                              enum bs_backup_crypto_padding padding)
{
    return bs_backup_crypto_pad_bytes(plaintext + size_bytes - BS_BACKUP_CRYPTO_BLOCK_BYTES,
                                      size_bytes, padding);
}

size_t bs_backup_crypto_pad_bytes(const uint8_t last_block[BS_BACKUP_CRYPTO_BLOCK_BYTES],
                                  size_t size_bytes, enum bs_backup_crypto_padding padding)
{
    if (size_bytes < BS_BACKUP_CRYPTO_BLOCK_BYTES) {
        return 0;
    }
    uint8_t pad = last_block[BS_BACKUP_CRYPTO_BLOCK_BYTES - 1];
    if (pad == 0 || pad > BS_BACKUP_CRYPTO_BLOCK_BYTES) {
        return 0;
    }
    for (size_t i = 1; i <= pad; i++) {
        if (last_block[BS_BACKUP_CRYPTO_BLOCK_BYTES - i] != pad) {
            return 0;
        }
    }
    if (padding == BS_BACKUP_CRYPTO_PAD_SQLITE &&
        (size_bytes - pad) % BS_BACKUP_CRYPTO_SQLITE_MIN_PAGE_BYTES != 0) {
        return 0;
    }
    return pad;
}

static enum bs_status check_file_ciphertext(size_t ciphertext_bytes, struct bs_error *err)
{
    if (ciphertext_bytes == 0) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "encrypted file is empty: it should hold at least one AES block");
    }
    if (ciphertext_bytes > BS_MAX_DECRYPTED_FILE_BYTES) {
        return bs_error_set(err, BS_ERR_LIMIT,
                            "encrypted file is %zu bytes, above the limit of %zu decrypted "
                            "in memory",
                            ciphertext_bytes, BS_MAX_DECRYPTED_FILE_BYTES);
    }
    if (ciphertext_bytes % BS_BACKUP_CRYPTO_BLOCK_BYTES != 0) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "encrypted file is %zu bytes, not a multiple of the %d-byte AES block",
                            ciphertext_bytes, BS_BACKUP_CRYPTO_BLOCK_BYTES);
    }
    return BS_OK;
}

enum bs_status bs_backup_crypto_decrypt_into(const uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES],
                                             const uint8_t *ciphertext, size_t ciphertext_bytes,
                                             enum bs_backup_crypto_padding padding,
                                             uint8_t *plaintext, size_t plaintext_capacity,
                                             size_t *plaintext_bytes, struct bs_error *err)
{
    enum bs_status status = check_file_ciphertext(ciphertext_bytes, err);
    if (status != BS_OK) {
        goto done;
    }
    if (plaintext_bytes == NULL || plaintext_capacity < ciphertext_bytes) {
        status =
            bs_error_set(err, BS_ERR_INTERNAL, "decrypt_into: output holds %zu bytes, %zu needed",
                         plaintext_capacity, ciphertext_bytes);
        goto done;
    }
    status =
        bs_backup_crypto_decrypt_blocks(key, zero_iv, ciphertext, ciphertext_bytes, plaintext, err);
    if (status != BS_OK) {
        goto done;
    }
    *plaintext_bytes = ciphertext_bytes - pkcs7_pad_bytes(plaintext, ciphertext_bytes, padding);

done:
    return status;
}

enum bs_status bs_backup_crypto_decrypt(const uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES],
                                        const uint8_t *ciphertext, size_t ciphertext_bytes,
                                        enum bs_backup_crypto_padding padding, uint8_t **plaintext,
                                        size_t *plaintext_bytes, struct bs_error *err)
{
    uint8_t *buffer = NULL;
    size_t length = 0;
    enum bs_status status = check_file_ciphertext(ciphertext_bytes, err);
    if (status != BS_OK) {
        goto done;
    }
    if (plaintext == NULL || plaintext_bytes == NULL) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "decrypt: missing output argument");
        goto done;
    }
    buffer = malloc(ciphertext_bytes);
    if (buffer == NULL) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory for %zu decrypted bytes",
                              ciphertext_bytes);
        goto done;
    }
    status = bs_backup_crypto_decrypt_into(key, ciphertext, ciphertext_bytes, padding, buffer,
                                           ciphertext_bytes, &length, err);
    if (status != BS_OK) {
        goto done;
    }
    *plaintext = buffer;
    *plaintext_bytes = length;
    buffer = NULL;

done:
    if (buffer != NULL) {
        OPENSSL_cleanse(buffer, ciphertext_bytes);
        free(buffer);
    }
    return status;
}

enum bs_status bs_backup_crypto_file_id(const char *domain, size_t domain_length,
                                        const char *relative_path, size_t path_length,
                                        char hex[BS_BACKUP_FILE_ID_HEX_BYTES], struct bs_error *err)
{
    static const char digits[] = "0123456789abcdef";
    uint8_t digest[EVP_MAX_MD_SIZE];
    unsigned digest_bytes = 0;
    EVP_MD_CTX *context = EVP_MD_CTX_new();
    bool ok = context != NULL && EVP_DigestInit_ex(context, EVP_sha1(), NULL) == 1 &&
              EVP_DigestUpdate(context, domain, domain_length) == 1 &&
              EVP_DigestUpdate(context, "-", 1) == 1 &&
              EVP_DigestUpdate(context, relative_path, path_length) == 1 &&
              EVP_DigestFinal_ex(context, digest, &digest_bytes) == 1 &&
              digest_bytes == BS_BACKUP_FILE_ID_DIGEST_BYTES;
    EVP_MD_CTX_free(context);
    if (!ok) {
        ERR_clear_error();
        return bs_error_set(err, BS_ERR_INTERNAL, "libcrypto could not compute a SHA-1");
    }
    for (size_t i = 0; i < BS_BACKUP_FILE_ID_DIGEST_BYTES; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 0x0F];
    }
    hex[2 * BS_BACKUP_FILE_ID_DIGEST_BYTES] = '\0';
    return BS_OK;
}
