/*
 * In-memory decryption of encrypted iPhone backups, over OpenSSL 3 libcrypto (the only
 * adapter of OpenSSL; no OpenSSL type appears here).
 *
 *   password --PBKDF2-HMAC-SHA256(DPSL, DPIC)--> K1 --PBKDF2-HMAC-SHA1(SALT, ITER)--> KEK
 *   KEK --RFC 3394 unwrap--> class keys (struct bs_backup_keys)
 *   class key --RFC 3394 unwrap--> file key (ManifestKey, MBFile EncryptionKey)
 *   file key --AES-256-CBC, IV of 16 zero bytes--> Manifest.db, sms.db, plists
 *
 * The inverse operations (wrap, encrypt, random bytes) are fixture support, outside the shipped
 * binary: tests/tools/fixture_crypto.h.
 * Secrets (K1, KEK, class and file keys) live only in memory and are wiped with
 * bs_backup_crypto_cleanse before release; nothing here prints, logs or writes a file.
 */
#ifndef BS_CORE_BACKUP_CRYPTO_H
#define BS_CORE_BACKUP_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "core/backup/keybag.h"
#include "core/base/status.h"

#define BS_BACKUP_CRYPTO_KEY_BYTES   32 /* AES-256 key, KEK, class and file keys */
#define BS_BACKUP_CRYPTO_BLOCK_BYTES 16 /* AES block; CBC IV */
/* SQLite pages are at least this long: a decrypted database is a whole number of them. */
#define BS_BACKUP_CRYPTO_SQLITE_MIN_PAGE_BYTES 512

/* Phases reported while deriving the KEK. PBKDF2 runs as one OpenSSL call per stage, so
 * there is no finer progress: the CLI shows "deriving key..." between the two. */
enum bs_backup_crypto_kdf_phase {
    BS_BACKUP_CRYPTO_KDF_STARTED, /* before the first PBKDF2 stage (seconds may follow) */
    BS_BACKUP_CRYPTO_KDF_FINISHED /* after the last stage; also sent when derivation fails */
};

/* Progress callback: called from the deriving thread, must not call back into this module. */
typedef void (*bs_backup_crypto_progress_fn)(enum bs_backup_crypto_kdf_phase phase, void *context);

/* How a decrypted image's trailing PKCS#7 padding is recognised. Real backups pad every file;
 * some synthetic ones (pyiosbackup's Manifest.db) do not, so both are accepted. */
enum bs_backup_crypto_padding {
    /* Strip the last n bytes when they are a valid PKCS#7 pad (n = 1..16, all equal to n);
     * otherwise keep everything. For plists, WAL files (32 + N * (24 + page size) bytes) and
     * other files of any length. */
    BS_BACKUP_CRYPTO_PAD_IF_VALID,
    /* As above, but only when what remains is a whole number of 512-byte SQLite pages, so an
     * unpadded database whose last byte happens to be 0x01 is never cut. For Manifest.db,
     * sms.db, AddressBook and other SQLite database files (not their -wal files). */
    BS_BACKUP_CRYPTO_PAD_SQLITE
};

/* The unwrapped class keys of one keybag. Opaque; holds secrets. */
struct bs_backup_keys;

/* Derives the 32-byte KEK from a password and the keybag: PBKDF2-HMAC-SHA256 over DPSL/DPIC
 * then PBKDF2-HMAC-SHA1 over SALT/ITER when the keybag has DPSL/DPIC, the SHA-1 stage alone
 * otherwise (bs_keybag_has_sha256_stage). password is raw bytes (UTF-8 as typed, no NUL
 * needed), 0..BS_MAX_PASSWORD_BYTES long; it is not copied. progress (may be NULL) gets
 * STARTED then FINISHED. kek is written only on success; the caller wipes it with
 * bs_backup_crypto_cleanse. Takes seconds for a real keybag (DPIC 10,000,000).
 * BS_ERR_LIMIT for an over-long password, BS_ERR_FORMAT for a keybag whose salts or
 * iteration counts are out of range, BS_ERR_INTERNAL when OpenSSL fails. */
enum bs_status bs_backup_crypto_derive_kek(const struct bs_keybag *keybag, const char *password,
                                           size_t password_bytes,
                                           bs_backup_crypto_progress_fn progress,
                                           void *progress_context,
                                           uint8_t kek[BS_BACKUP_CRYPTO_KEY_BYTES],
                                           struct bs_error *err);

/* Unwraps with kek every class key of the keybag that is password-wrapped (WRAP has
 * BS_KEYBAG_WRAP_PASSCODE; the DEVICE bit is ignored, as every reference reader does).
 * Classes wrapped only with the device key, or without WPKY, are skipped and counted.
 * On success *out is a new object the caller releases with bs_backup_keys_free.
 * BS_ERR_PASSWORD when the first password-wrapped class key fails the RFC 3394 integrity
 * check (a wrong password); BS_ERR_FORMAT when a later one fails after an earlier one passed
 * (a corrupt keybag) or when no class is password-wrapped; BS_ERR_NOMEM; BS_ERR_INTERNAL. */
enum bs_status bs_backup_keys_create(const struct bs_keybag *keybag,
                                     const uint8_t kek[BS_BACKUP_CRYPTO_KEY_BYTES],
                                     struct bs_backup_keys **out, struct bs_error *err);

/* bs_backup_crypto_derive_kek then bs_backup_keys_create; the KEK is wiped before return.
 * A wrong password is BS_ERR_PASSWORD ("wrong backup password ..."). */
enum bs_status bs_backup_keys_create_from_password(const struct bs_keybag *keybag,
                                                   const char *password, size_t password_bytes,
                                                   bs_backup_crypto_progress_fn progress,
                                                   void *progress_context,
                                                   struct bs_backup_keys **out,
                                                   struct bs_error *err);

/* Wipes every key and frees keys. NULL is accepted. */
void bs_backup_keys_free(struct bs_backup_keys *keys);

/* Number of class keys unwrapped, and of class records skipped (device-wrapped or no WPKY). */
size_t bs_backup_keys_class_count(const struct bs_backup_keys *keys);
size_t bs_backup_keys_skipped_count(const struct bs_backup_keys *keys);

/* The 32-byte key of protection_class, or NULL when it was not unwrapped. Borrowed: valid
 * until bs_backup_keys_free; never copy it to a place that is not wiped. */
const uint8_t *bs_backup_keys_class_key(const struct bs_backup_keys *keys,
                                        uint32_t protection_class);

/* Unwraps a file key (ManifestKey, MBFile EncryptionKey; see bs_keybag_parse_wrapped_key)
 * with the key of its protection class. key is written only on success; the caller wipes it.
 * BS_ERR_UNSUPPORTED when that class is wrapped with the device key (not in a backup);
 * BS_ERR_FORMAT when the keybag has no such class or the integrity check fails (the class
 * keys were already proven right, so the wrapped key is corrupt). */
enum bs_status bs_backup_keys_unwrap_file_key(const struct bs_backup_keys *keys,
                                              const struct bs_keybag_wrapped_key *wrapped,
                                              uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES],
                                              struct bs_error *err);

/* RFC 3394 AES-256 key unwrap with the default IV (A6A6A6A6A6A6A6A6). key is written only on
 * success. BS_ERR_FORMAT when the integrity check fails (wrong kek or corrupt data). */
enum bs_status bs_backup_crypto_unwrap_key(const uint8_t kek[BS_BACKUP_CRYPTO_KEY_BYTES],
                                           const uint8_t wrapped[BS_KEYBAG_WRAPPED_KEY_BYTES],
                                           uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES],
                                           struct bs_error *err);

/* Raw AES-256-CBC decryption of whole blocks with an explicit IV, no padding handling: the
 * building block for decrypting a range of a large file (the IV of block i is ciphertext
 * block i-1, or zeros for block 0). size_bytes must be a multiple of 16 (0 is a no-op).
 * plaintext must hold size_bytes and may be the same pointer as ciphertext (in place), but
 * must not otherwise overlap it. BS_ERR_FORMAT for a partial block, BS_ERR_INTERNAL. */
enum bs_status bs_backup_crypto_decrypt_blocks(const uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES],
                                               const uint8_t iv[BS_BACKUP_CRYPTO_BLOCK_BYTES],
                                               const uint8_t *ciphertext, size_t size_bytes,
                                               uint8_t *plaintext, struct bs_error *err);

/* An AES-256-CBC decryptor for many ranges of one file (the cipher VFS reads a database page
 * by page): the key schedule is set up once, each range only sets its IV. Opaque; the key
 * material is wiped by bs_backup_cbc_free. */
struct bs_backup_cbc;

/* BS_ERR_NOMEM, BS_ERR_INTERNAL. */
enum bs_status bs_backup_cbc_new(const uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES],
                                 struct bs_backup_cbc **out, struct bs_error *err);

/* As bs_backup_crypto_decrypt_blocks, with cbc's key. */
enum bs_status bs_backup_cbc_decrypt(struct bs_backup_cbc *cbc,
                                     const uint8_t iv[BS_BACKUP_CRYPTO_BLOCK_BYTES],
                                     const uint8_t *ciphertext, size_t size_bytes,
                                     uint8_t *plaintext, struct bs_error *err);

/* Wipes and frees. NULL-safe. */
void bs_backup_cbc_free(struct bs_backup_cbc *cbc);

/* Length of the valid PKCS#7 pad that ends a decrypted file of size_bytes (a multiple of 16,
 * at least 16) whose last plaintext block is last_block, as `padding` says; 0 when it has none
 * (the file is unpadded). The rule bs_backup_crypto_decrypt_into applies, for a reader that
 * decrypts only the last block. */
size_t bs_backup_crypto_pad_bytes(const uint8_t last_block[BS_BACKUP_CRYPTO_BLOCK_BYTES],
                                  size_t size_bytes, enum bs_backup_crypto_padding padding);

/* Decrypts a whole backup file (AES-256-CBC, zero IV) into the caller's buffer, then removes
 * the PKCS#7 padding as `padding` says. ciphertext_bytes must be a non-zero multiple of 16
 * and at most BS_MAX_DECRYPTED_FILE_BYTES; plaintext_capacity must be >= ciphertext_bytes
 * (padding is removed after decryption). plaintext may equal ciphertext (in place: the way to
 * decrypt a large sms.db in an sqlite3_malloc64 buffer with no second copy), but must not
 * otherwise overlap it. *plaintext_bytes is set only on success; the buffer's content is
 * unspecified after a failure. BS_ERR_FORMAT (empty or partial block), BS_ERR_LIMIT,
 * BS_ERR_INTERNAL (capacity too small, OpenSSL failure). */
enum bs_status bs_backup_crypto_decrypt_into(const uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES],
                                             const uint8_t *ciphertext, size_t ciphertext_bytes,
                                             enum bs_backup_crypto_padding padding,
                                             uint8_t *plaintext, size_t plaintext_capacity,
                                             size_t *plaintext_bytes, struct bs_error *err);

/* As bs_backup_crypto_decrypt_into, into a new malloc'd buffer. On success the caller owns
 * *plaintext (free() it; non-NULL even when *plaintext_bytes is 0). Also BS_ERR_NOMEM. */
enum bs_status bs_backup_crypto_decrypt(const uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES],
                                        const uint8_t *ciphertext, size_t ciphertext_bytes,
                                        enum bs_backup_crypto_padding padding, uint8_t **plaintext,
                                        size_t *plaintext_bytes, struct bs_error *err);

/* Overwrites memory[0..size_bytes) with zeros in a way the compiler cannot drop
 * (OPENSSL_cleanse). For passwords and keys held by callers that cannot include OpenSSL.
 * memory may be NULL when size_bytes is 0. */
void bs_backup_crypto_cleanse(void *memory, size_t size_bytes);

/* Bytes of a backup fileID: a SHA-1 digest, and its lower-hex text with a NUL. */
#define BS_BACKUP_FILE_ID_DIGEST_BYTES 20
#define BS_BACKUP_FILE_ID_HEX_BYTES    41

/* The fileID under which a backup stores a file: the lower-hex SHA-1 of domain, "-" and
 * relative_path, byte for byte (a name, not a secret: SHA-1 is what the format uses). The
 * iOS 4-9 layout lists only domain and path, so the name is computed. BS_ERR_NOMEM or
 * BS_ERR_INTERNAL when libcrypto fails. */
enum bs_status bs_backup_crypto_file_id(const char *domain, size_t domain_length,
                                        const char *relative_path, size_t path_length,
                                        char hex[BS_BACKUP_FILE_ID_HEX_BYTES],
                                        struct bs_error *err);

#endif
