/*
 * Fixture support, crypto half: the inverse operations of core/backup/backup_crypto that only
 * the fixture generator and the tests need (RFC 3394 key wrap, AES-256-CBC encryption with
 * PKCS#7 padding, random bytes). Over OpenSSL 3 libcrypto, like the core's one crypto adapter,
 * but in the bs_fixture_support library (tests/tools/CMakeLists.txt), which tools and tests
 * link and the shipped bubblescan never does. Nothing here prints or writes a file.
 */
#ifndef BS_FIXTURE_CRYPTO_H
#define BS_FIXTURE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "core/backup/backup_crypto.h"
#include "core/base/status.h"

/* RFC 3394 AES-256 key wrap with the default IV, the inverse of bs_backup_crypto_unwrap_key.
 * wrapped is written only on success. BS_ERR_INTERNAL when OpenSSL fails. */
enum bs_status bs_fixture_wrap_key(const uint8_t kek[BS_BACKUP_CRYPTO_KEY_BYTES],
                                   const uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES],
                                   uint8_t wrapped[BS_KEYBAG_WRAPPED_KEY_BYTES],
                                   struct bs_error *err);

/* Encrypts with AES-256-CBC, zero IV and PKCS#7 padding, as a backup stores files. On success
 * the caller owns *ciphertext (free()), whose length is plaintext_bytes rounded up to the next
 * multiple of 16 (a full pad block when already a multiple). plaintext may be NULL when
 * plaintext_bytes is 0. BS_ERR_LIMIT above BS_MAX_DECRYPTED_FILE_BYTES, BS_ERR_NOMEM,
 * BS_ERR_INTERNAL. */
enum bs_status bs_fixture_encrypt(const uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES],
                                  const uint8_t *plaintext, size_t plaintext_bytes,
                                  uint8_t **ciphertext, size_t *ciphertext_bytes,
                                  struct bs_error *err);

/* Fills out[0..size_bytes) from OpenSSL's CSPRNG (RAND_bytes). BS_ERR_INTERNAL on failure,
 * out's content then unspecified. */
enum bs_status bs_fixture_random_bytes(void *out, size_t size_bytes, struct bs_error *err);

#endif
