/*
 * Fuzz target: the MBFile record of a Manifest.db row (core/backup/backup_decrypt), the
 * NSKeyedArchiver blob of Files.file that gives each file of an encrypted backup its key.
 *
 * Any bytes go to bs_backup_decrypt_mbfile_key (binary and XML plists alike; seeds: the
 * records of the encrypted iOS 10 fixture's Manifest.db, made at build time, and XML ones
 * in fixtures/fuzz/mbfile/, also as binary). A record it accepts gives a key exactly when
 * EncryptionKey is there, the same on a second decoding; a refused one is FORMAT, LIMIT or
 * UNSUPPORTED (a binary plist of another version) with a message, and *out is untouched.
 */
#include <string.h>

#include "core/backup/backup_decrypt.h"
#include "core/base/limits.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bs_backup_file_key key;
    memset(&key, 0xA5, sizeof(key));
    struct bs_backup_file_key untouched = key;
    struct bs_error err = {BS_OK, ""};
    enum bs_status status = bs_backup_decrypt_mbfile_key(data, size, &key, &err);
    if (status == BS_OK) {
        FUZZ_CHECK(size <= BS_MAX_MBFILE_BYTES);
        /* Decoding keeps no state: the same bytes give the same key. */
        struct bs_backup_file_key again;
        memset(&again, 0, sizeof(again));
        FUZZ_CHECK(bs_backup_decrypt_mbfile_key(data, size, &again, &err) == BS_OK);
        FUZZ_CHECK(again.has_key == key.has_key);
        FUZZ_CHECK(!key.has_key || memcmp(&again.wrapped, &key.wrapped, sizeof(key.wrapped)) == 0);
    } else {
        FUZZ_CHECK(status == BS_ERR_FORMAT || status == BS_ERR_LIMIT ||
                   status == BS_ERR_UNSUPPORTED);
        FUZZ_CHECK(err.status == status && err.message[0] != '\0');
        FUZZ_CHECK(memcmp(&key, &untouched, sizeof(key)) == 0);
    }
    return 0;
}
