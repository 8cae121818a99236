/*
 * Encrypted iPhone backups (SPEC 6), between the crypto adapter and the backup layout:
 *   - what Manifest.plist says about the encryption (BackupKeyBag, ManifestKey);
 *   - the wrapped key of each file, from its Manifest.db record (an NSKeyedArchiver MBFile:
 *     $top.root -> MBFile -> EncryptionKey, 4-byte little-endian class + 40-byte wrapped key);
 *   - decrypting a whole file image in place, in memory, with its own key.
 *
 * Everything here works on bytes the caller already holds (backup_layout reads the files), so
 * each step can be fed from memory by tests and fuzzers. No decrypted byte is written anywhere:
 * an image is decrypted in the caller's buffer, and the plaintext length comes from the PKCS#7
 * padding, never from the MBFile Size (which is unreliable for databases). Unwrapped file keys
 * live on the stack for one call and are wiped before it returns.
 */
#ifndef BS_CORE_BACKUP_DECRYPT_H
#define BS_CORE_BACKUP_DECRYPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/backup/backup_crypto.h"
#include "core/backup/keybag.h"
#include "core/base/status.h"
#include "core/store/plist_read.h"

/* What Manifest.plist says about an encrypted backup. Plain value, no secret (all of it is
 * stored in plaintext). */
struct bs_backup_encryption {
    struct bs_keybag keybag;
    /* ManifestKey: present from iOS 10.2, when Manifest.db itself is encrypted. Without it
     * Manifest.db is plain SQLite and only the files are encrypted. */
    bool has_manifest_key;
    struct bs_keybag_wrapped_key manifest_key;
};

/* Reads BackupKeyBag (data: a keybag, see bs_keybag_parse) and ManifestKey (data, optional:
 * bs_keybag_parse_wrapped_key) from a parsed Manifest.plist into *out (set only on success).
 * BS_ERR_FORMAT, with a message naming the key, when BackupKeyBag is missing or not data, the
 * keybag is malformed, or ManifestKey is not 44 bytes of data; BS_ERR_LIMIT for an oversized
 * keybag. */
enum bs_status bs_backup_decrypt_read_manifest_plist(const struct bs_plist *manifest_plist,
                                                     struct bs_backup_encryption *out,
                                                     struct bs_error *err);

/* The key of one file as its MBFile record gives it. */
struct bs_backup_file_key {
    bool has_key; /* false for records without EncryptionKey (folders, links) */
    struct bs_keybag_wrapped_key wrapped;
    /* The record's Size: the plaintext length it claims. Unreliable for SQLite files
     * (reference/backup-format.md): the padding decides the length, Size is only compared. */
    bool has_size;
    uint64_t size;
};

/* Decodes a Manifest.db Files.file blob (a binary or XML keyed archive, at most
 * BS_MAX_MBFILE_BYTES) into *out (set only on success): EncryptionKey as NSData or
 * {NS.data}, exactly 44 bytes. The class the wrapped key names itself (its 4-byte prefix)
 * decides which class key unwraps it; the record's ProtectionClass, which readers in the wild
 * use instead and which agrees with it in real backups, is not needed. BS_ERR_FORMAT when the
 * blob is not a keyed archive with an MBFile root or EncryptionKey is not 44 bytes of data;
 * BS_ERR_LIMIT for an oversized or over-nested blob; BS_ERR_NOMEM. */
enum bs_status bs_backup_decrypt_mbfile_key(const void *blob, size_t size,
                                            struct bs_backup_file_key *out, struct bs_error *err);

/* Decrypts image[0..size) in place (AES-256-CBC, zero IV) with the file key that wrapped
 * unwraps to under keys, and removes its PKCS#7 padding as `padding` says; *plain_size (set
 * only on success) is the plaintext length. size must be a non-zero multiple of 16. On failure
 * the buffer's content is unspecified (the caller wipes or frees it). BS_ERR_FORMAT (a size
 * that is no AES ciphertext, a corrupt wrapped key, a class the keybag lacks), BS_ERR_UNSUPPORTED
 * (a class wrapped with the device key only), BS_ERR_LIMIT, BS_ERR_INTERNAL. */
enum bs_status bs_backup_decrypt_image(const struct bs_backup_keys *keys,
                                       const struct bs_keybag_wrapped_key *wrapped, uint8_t *image,
                                       size_t size, enum bs_backup_crypto_padding padding,
                                       size_t *plain_size, struct bs_error *err);

/* Decrypts an encrypted Manifest.db image in place with the ManifestKey of encryption (which
 * must have one), padded or not (BS_BACKUP_CRYPTO_PAD_SQLITE), and checks that the result is
 * a SQLite database: BS_ERR_FORMAT "Manifest.db does not decrypt to a SQLite database" when the
 * first bytes are not "SQLite format 3". Statuses otherwise as bs_backup_decrypt_image. */
enum bs_status bs_backup_decrypt_manifest_db(const struct bs_backup_keys *keys,
                                             const struct bs_backup_encryption *encryption,
                                             uint8_t *image, size_t size, size_t *plain_size,
                                             struct bs_error *err);

#endif
