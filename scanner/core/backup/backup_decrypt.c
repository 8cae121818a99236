/* Encrypted backups of backup_decrypt.h: Manifest.plist keys, MBFile keys, in-place images. */
#include "core/backup/backup_decrypt.h"

#include <inttypes.h>
#include <string.h>

#include "core/base/limits.h"
#include "core/store/evidence_file.h"

enum bs_status bs_backup_decrypt_read_manifest_plist(const struct bs_plist *manifest_plist,
                                                     struct bs_backup_encryption *out,
                                                     struct bs_error *err)
{
    const struct bs_plist_value *root = bs_plist_root(manifest_plist);
    const struct bs_plist_value *keybag_value = bs_plist_dict_get(root, "BackupKeyBag");
    const struct bs_plist_value *manifest_key = bs_plist_dict_get(root, "ManifestKey");
    const uint8_t *bytes = NULL;
    size_t size = 0;
    struct bs_backup_encryption encryption;
    memset(&encryption, 0, sizeof(encryption));

    if (keybag_value == NULL) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "Manifest.plist says the backup is encrypted but holds no "
                            "BackupKeyBag, without which nothing in it can be decrypted: the "
                            "backup is damaged; make a new one");
    }
    if (!bs_plist_get_data(keybag_value, &bytes, &size)) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            "Manifest.plist: BackupKeyBag is of type %s, not data",
                            bs_plist_type_name(bs_plist_value_type(keybag_value)));
    }
    enum bs_status status = bs_keybag_parse(bytes, size, &encryption.keybag, err);
    if (status != BS_OK) {
        bs_error_prefix(err, "Manifest.plist: BackupKeyBag");
        return status;
    }
    if (manifest_key != NULL) {
        if (!bs_plist_get_data(manifest_key, &bytes, &size)) {
            return bs_error_set(err, BS_ERR_FORMAT,
                                "Manifest.plist: ManifestKey is of type %s, not data",
                                bs_plist_type_name(bs_plist_value_type(manifest_key)));
        }
        status = bs_keybag_parse_wrapped_key(bytes, size, &encryption.manifest_key, err);
        if (status != BS_OK) {
            bs_error_prefix(err, "Manifest.plist: ManifestKey");
            return status;
        }
        encryption.has_manifest_key = true;
    }
    *out = encryption;
    return BS_OK;
}

enum bs_status bs_backup_decrypt_mbfile_key(const void *blob, size_t size,
                                            struct bs_backup_file_key *out, struct bs_error *err)
{
    struct bs_plist *plist = NULL;
    const struct bs_plist_value *record = NULL;
    const struct bs_plist_value *key_value = NULL;
    const uint8_t *bytes = NULL;
    size_t key_size = 0;
    struct bs_backup_file_key key;
    memset(&key, 0, sizeof(key));

    if (size > BS_MAX_MBFILE_BYTES) {
        return bs_error_set(err, BS_ERR_LIMIT, "its Manifest.db record is %zu bytes, above %d",
                            size, BS_MAX_MBFILE_BYTES);
    }
    enum bs_status status = bs_plist_parse(blob, size, &plist, err);
    const struct bs_plist_value *archive = bs_plist_root(plist);
    if (status == BS_OK) {
        status = bs_plist_keyed_archive_top(archive, "root", &record, err);
    }
    if (status == BS_OK && !bs_plist_is_type(record, BS_PLIST_DICT)) {
        status = bs_error_set(err, BS_ERR_FORMAT, "the archived root is of type %s, not an MBFile",
                              bs_plist_type_name(bs_plist_value_type(record)));
    }
    if (status == BS_OK) {
        status = bs_plist_keyed_archive_member(archive, record, "EncryptionKey", &key_value, err);
    }
    if (status == BS_OK && key_value != NULL) {
        status = bs_plist_keyed_archive_data(archive, key_value, &bytes, &key_size, err);
        if (status == BS_OK) {
            status = bs_keybag_parse_wrapped_key(bytes, key_size, &key.wrapped, err);
        }
        if (status != BS_OK) {
            bs_error_prefix(err, "EncryptionKey");
        }
        key.has_key = status == BS_OK;
    }
    if (status == BS_OK) {
        const struct bs_plist_value *size_value = NULL;
        key.has_size =
            bs_plist_keyed_archive_member(archive, record, "Size", &size_value, NULL) == BS_OK &&
            bs_plist_get_uint(size_value, &key.size);
    }
    if (status == BS_ERR_NOT_FOUND) {
        /* A keyed archive without $top.root is no MBFile; the error says so too, so that a
         * caller reading err->status sees the status returned. */
        status = BS_ERR_FORMAT;
        if (err != NULL) {
            err->status = status;
        }
    }
    if (status == BS_OK) {
        *out = key;
    } else if (status != BS_ERR_NOMEM) {
        bs_error_prefix(err, "its Manifest.db record (MBFile)");
    }
    bs_backup_crypto_cleanse(&key, sizeof(key));
    bs_plist_free(plist);
    return status;
}

enum bs_status bs_backup_decrypt_image(const struct bs_backup_keys *keys,
                                       const struct bs_keybag_wrapped_key *wrapped, uint8_t *image,
                                       size_t size, enum bs_backup_crypto_padding padding,
                                       size_t *plain_size, struct bs_error *err)
{
    uint8_t key[BS_BACKUP_CRYPTO_KEY_BYTES];
    size_t length = 0;
    enum bs_status status = bs_backup_keys_unwrap_file_key(keys, wrapped, key, err);
    if (status == BS_OK) {
        /* In place: a large sms.db is never held twice. */
        status =
            bs_backup_crypto_decrypt_into(key, image, size, padding, image, size, &length, err);
    }
    bs_backup_crypto_cleanse(key, sizeof(key));
    if (status == BS_OK) {
        *plain_size = length;
    }
    return status;
}

enum bs_status bs_backup_decrypt_manifest_db(const struct bs_backup_keys *keys,
                                             const struct bs_backup_encryption *encryption,
                                             uint8_t *image, size_t size, size_t *plain_size,
                                             struct bs_error *err)
{
    if (!encryption->has_manifest_key) {
        return bs_error_set(err, BS_ERR_INTERNAL, "Manifest.plist has no ManifestKey");
    }
    size_t length = 0;
    enum bs_status status = bs_backup_decrypt_image(keys, &encryption->manifest_key, image, size,
                                                    BS_BACKUP_CRYPTO_PAD_SQLITE, &length, err);
    if (status == BS_OK && !bs_evidence_is_sqlite(image, length)) {
        status = bs_error_set(err, BS_ERR_FORMAT,
                              "Manifest.db does not decrypt to a SQLite database with the "
                              "ManifestKey of Manifest.plist (protection class %" PRIu32
                              "): the backup is damaged, or the two files are from different "
                              "backups",
                              encryption->manifest_key.protection_class);
    } else if (status != BS_OK) {
        bs_error_prefix(err, "Manifest.db");
    }
    if (status == BS_OK) {
        *plain_size = length;
    }
    return status;
}
