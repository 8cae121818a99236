/*
 * The fixture crypto of fixture_crypto.h over OpenSSL 3 libcrypto: the inverses of the core's
 * decryption, for building encrypted test backups. Not in scanner/: bubblescan never encrypts.
 */
#include "fixture_crypto.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/base/limits.h"

/* OpenSSL takes int lengths: large buffers go through in chunks of whole AES blocks. */
#define CHUNK_BYTES ((size_t)1 << 30)

/* Room for the key-wrap output: OpenSSL assumes the output buffer has a block to spare. */
#define WRAP_BUFFER_BYTES (BS_KEYBAG_WRAPPED_KEY_BYTES + BS_BACKUP_CRYPTO_BLOCK_BYTES)

static const uint8_t zero_iv[BS_BACKUP_CRYPTO_BLOCK_BYTES];

enum bs_status bs_fixture_wrap_key(const uint8_t kek[BS_BACKUP_CRYPTO_KEY_BYTES],
                                   const uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES],
                                   uint8_t wrapped[BS_KEYBAG_WRAPPED_KEY_BYTES],
                                   struct bs_error *err)
{
    enum bs_status status = BS_OK;
    uint8_t buffer[WRAP_BUFFER_BYTES];
    int written_bytes = 0;
    int final_bytes = 0;
    EVP_CIPHER_CTX *context = EVP_CIPHER_CTX_new();
    if (context == NULL) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory for an AES key-wrap context");
        goto done;
    }
    EVP_CIPHER_CTX_set_flags(context, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    /* A NULL IV selects the RFC 3394 default integrity value A6A6A6A6A6A6A6A6. */
    if (EVP_EncryptInit_ex(context, EVP_aes_256_wrap(), NULL, kek, NULL) != 1 ||
        EVP_EncryptUpdate(context, buffer, &written_bytes, key, BS_BACKUP_CRYPTO_KEY_BYTES) <= 0 ||
        written_bytes != BS_KEYBAG_WRAPPED_KEY_BYTES ||
        EVP_EncryptFinal_ex(context, buffer + written_bytes, &final_bytes) != 1 ||
        final_bytes != 0) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "AES-256 key wrap failed in OpenSSL");
        goto done;
    }
    memcpy(wrapped, buffer, BS_KEYBAG_WRAPPED_KEY_BYTES);
done:
    OPENSSL_cleanse(buffer, sizeof(buffer));
    EVP_CIPHER_CTX_free(context);
    if (status != BS_OK) {
        ERR_clear_error();
    }
    return status;
}

enum bs_status bs_fixture_encrypt(const uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES],
                                  const uint8_t *plaintext, size_t plaintext_bytes,
                                  uint8_t **ciphertext, size_t *ciphertext_bytes,
                                  struct bs_error *err)
{
    enum bs_status status = BS_OK;
    EVP_CIPHER_CTX *context = NULL;
    uint8_t *buffer = NULL;
    size_t total_bytes = 0;

    if (key == NULL || ciphertext == NULL || ciphertext_bytes == NULL ||
        (plaintext == NULL && plaintext_bytes != 0)) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "encrypt: missing argument");
        goto done;
    }
    if (plaintext_bytes > BS_MAX_DECRYPTED_FILE_BYTES) {
        status = bs_error_set(err, BS_ERR_LIMIT, "file to encrypt is %zu bytes, above %zu",
                              plaintext_bytes, BS_MAX_DECRYPTED_FILE_BYTES);
        goto done;
    }
    /* PKCS#7 always adds 1 to 16 bytes. */
    size_t output_bytes =
        (plaintext_bytes / BS_BACKUP_CRYPTO_BLOCK_BYTES + 1) * BS_BACKUP_CRYPTO_BLOCK_BYTES;
    buffer = malloc(output_bytes);
    context = EVP_CIPHER_CTX_new();
    if (buffer == NULL || context == NULL) {
        status =
            bs_error_set(err, BS_ERR_NOMEM, "out of memory for %zu encrypted bytes", output_bytes);
        goto done;
    }
    if (EVP_EncryptInit_ex(context, EVP_aes_256_cbc(), NULL, key, zero_iv) != 1 ||
        EVP_CIPHER_CTX_set_padding(context, 1) != 1) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "AES-256-CBC setup failed in OpenSSL");
        goto done;
    }
    for (size_t done_bytes = 0; done_bytes < plaintext_bytes;) {
        size_t chunk_bytes = plaintext_bytes - done_bytes;
        if (chunk_bytes > CHUNK_BYTES) {
            chunk_bytes = CHUNK_BYTES;
        }
        int written_bytes = 0;
        if (EVP_EncryptUpdate(context, buffer + total_bytes, &written_bytes, plaintext + done_bytes,
                              (int)chunk_bytes) != 1 ||
            written_bytes < 0) {
            status = bs_error_set(err, BS_ERR_INTERNAL, "AES-256-CBC encryption failed in OpenSSL");
            goto done;
        }
        total_bytes += (size_t)written_bytes;
        done_bytes += chunk_bytes;
    }
    int final_bytes = 0;
    if (EVP_EncryptFinal_ex(context, buffer + total_bytes, &final_bytes) != 1 || final_bytes < 0 ||
        total_bytes + (size_t)final_bytes != output_bytes) {
        status = bs_error_set(err, BS_ERR_INTERNAL, "AES-256-CBC padding failed in OpenSSL");
        goto done;
    }
    *ciphertext = buffer;
    *ciphertext_bytes = output_bytes;
    buffer = NULL;

done:
    EVP_CIPHER_CTX_free(context);
    free(buffer);
    if (status != BS_OK) {
        ERR_clear_error();
    }
    return status;
}

enum bs_status bs_fixture_random_bytes(void *out, size_t size_bytes, struct bs_error *err)
{
    unsigned char *bytes = out;
    if (bytes == NULL && size_bytes != 0) {
        return bs_error_set(err, BS_ERR_INTERNAL, "random_bytes: missing buffer");
    }
    for (size_t done_bytes = 0; done_bytes < size_bytes;) {
        size_t chunk_bytes = size_bytes - done_bytes;
        if (chunk_bytes > CHUNK_BYTES) {
            chunk_bytes = CHUNK_BYTES;
        }
        if (RAND_bytes(bytes + done_bytes, (int)chunk_bytes) != 1) {
            ERR_clear_error();
            return bs_error_set(err, BS_ERR_INTERNAL, "OpenSSL's random generator failed");
        }
        done_bytes += chunk_bytes;
    }
    return BS_OK;
}
