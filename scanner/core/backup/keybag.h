/*
 * The backup keybag (Manifest.plist BackupKeyBag) and wrapped-key values (ManifestKey, a
 * file's EncryptionKey), decoded from untrusted bytes into plain structs.
 *
 * The keybag is a list of big-endian TLV records: a 4-byte ASCII tag, a 4-byte big-endian
 * length, the value. The first UUID is the keybag's own; every later UUID starts a class
 * record that owns the CLAS/WRAP/KTYP/WPKY that follow it. Parsing goes through
 * core/byte_reader.h only: no cryptography here (see core/backup_crypto.h). Every size and
 * count is checked against core/limits.h; malformed input is BS_ERR_FORMAT, never a crash.
 */
#ifndef BS_CORE_KEYBAG_H
#define BS_CORE_KEYBAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/limits.h"
#include "core/base/status.h"

#define BS_KEYBAG_UUID_BYTES        16
#define BS_KEYBAG_MAX_SALT_BYTES    64
#define BS_KEYBAG_WRAPPED_KEY_BYTES 40 /* RFC 3394 wrap of a 32-byte AES-256 key */
/* A ManifestKey / EncryptionKey value: 4-byte little-endian class + wrapped key. */
#define BS_KEYBAG_WRAPPED_VALUE_BYTES (4 + BS_KEYBAG_WRAPPED_KEY_BYTES)

/* Bits of a class record's WRAP value. */
#define BS_KEYBAG_WRAP_DEVICE   0x1u /* tangled with the device UID key */
#define BS_KEYBAG_WRAP_PASSCODE 0x2u /* wrapped with the password-derived key (KEK) */

/* One class record. */
struct bs_keybag_class {
    uint8_t uuid[BS_KEYBAG_UUID_BYTES];
    uint32_t protection_class; /* CLAS: 1-4 file classes A-D, 5-11 keychain and others */
    uint32_t wrap_flags;       /* WRAP bits; 0 when the record has no WRAP */
    uint32_t key_type;         /* KTYP: 0 AES, 1 Curve25519; 0 when absent */
    bool has_wrapped_key;      /* false when the record has no WPKY */
    uint8_t wrapped_key[BS_KEYBAG_WRAPPED_KEY_BYTES]; /* WPKY */
};

/* A parsed keybag. Plain value, no pointers: copy it freely. Holds no secret (everything in
 * it is stored in plaintext in Manifest.plist). After a successful parse, salt_size_bytes
 * and iteration_count are non-zero, and dp_salt_size_bytes and dp_iteration_count are both
 * zero (no SHA-256 stage: keybags older than iOS 10.2) or both non-zero. */
struct bs_keybag {
    uint32_t version; /* VERS: 3 before iOS 10.2, 5 later; 0 when absent */
    bool has_version;
    uint32_t type; /* TYPE: 1 = backup keybag */
    bool has_type;
    uint8_t uuid[BS_KEYBAG_UUID_BYTES];
    bool has_uuid;
    uint32_t wrap_flags;                                   /* header WRAP; 0 when absent */
    uint8_t salt[BS_KEYBAG_MAX_SALT_BYTES];                /* SALT: PBKDF2-HMAC-SHA1 stage */
    size_t salt_size_bytes;                                /* 1..BS_KEYBAG_MAX_SALT_BYTES */
    uint32_t iteration_count;                              /* ITER: 1..BS_MAX_KDF_ITERATIONS */
    uint32_t dp_wrap_type;                                 /* DPWT; 0 when absent */
    uint8_t dp_salt[BS_KEYBAG_MAX_SALT_BYTES];             /* DPSL: PBKDF2-HMAC-SHA256 stage */
    size_t dp_salt_size_bytes;                             /* 0 when absent */
    uint32_t dp_iteration_count;                           /* DPIC; 0 when absent */
    struct bs_keybag_class classes[BS_MAX_KEYBAG_CLASSES]; /* in keybag order */
    size_t class_count;
};

/* A decoded ManifestKey or MBFile EncryptionKey. */
struct bs_keybag_wrapped_key {
    uint32_t protection_class; /* which class key unwraps it */
    uint8_t wrapped_key[BS_KEYBAG_WRAPPED_KEY_BYTES];
};

/* Decodes keybag bytes[0..size) into *out (set only on success; bytes are not kept).
 * Unknown tags (HMCK, PBKY, SIGN, ...) are skipped. Rejected with BS_ERR_FORMAT and a message
 * naming the tag and offset: an empty or oversized keybag (> BS_MAX_KEYBAG_BYTES), a record
 * cut short, a value of the wrong size (u32 tags are 4 bytes, UUID 16, SALT/DPSL 1..64,
 * WPKY 40), a missing SALT or ITER, an iteration count of 0 or above BS_MAX_KDF_ITERATIONS,
 * DPSL without DPIC or the reverse, a known tag repeated in one record, a header tag inside a
 * class record or a class tag before it, a class record without CLAS, two records of the
 * same class, more than BS_MAX_KEYBAG_CLASSES class records. */
enum bs_status bs_keybag_parse(const void *bytes, size_t size, struct bs_keybag *out,
                               struct bs_error *err);

/* True when the keybag has DPSL/DPIC: the password goes through PBKDF2-HMAC-SHA256 before
 * the SHA-1 stage (iOS 10.2 and later). Decided by the keybag, never by an iOS version. */
bool bs_keybag_has_sha256_stage(const struct bs_keybag *keybag);

/* The class record of protection_class, or NULL. Borrowed from keybag. */
const struct bs_keybag_class *bs_keybag_find_class(const struct bs_keybag *keybag,
                                                   uint32_t protection_class);

/* Decodes a ManifestKey or EncryptionKey value: exactly BS_KEYBAG_WRAPPED_VALUE_BYTES bytes,
 * a 4-byte LITTLE-endian protection class then the 40-byte wrapped key. *out is set only on
 * success; any other size is BS_ERR_FORMAT. */
enum bs_status bs_keybag_parse_wrapped_key(const void *bytes, size_t size,
                                           struct bs_keybag_wrapped_key *out, struct bs_error *err);

#endif
