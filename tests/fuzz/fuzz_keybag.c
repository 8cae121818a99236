/*
 * Fuzz target: the backup keybag TLV parser and wrapped-key values (core/keybag).
 *
 * Any bytes go to bs_keybag_parse. A keybag it accepts must keep every promise of keybag.h
 * (salt and iteration ranges, both or neither SHA-256 stage fields, at most
 * BS_MAX_KEYBAG_CLASSES classes, each class once and found by bs_keybag_find_class); a
 * refused one is BS_ERR_FORMAT with a message, and *out is untouched. The same bytes, and their
 * first 44 bytes, go to bs_keybag_parse_wrapped_key, which accepts exactly 44 bytes and
 * decodes a little-endian class and the 40-byte wrapped key.
 */
#include <string.h>

#include "core/backup/keybag.h"
#include "core/base/limits.h"
#include "fuzz.h"

static void check_keybag(const struct bs_keybag *keybag)
{
    FUZZ_CHECK(keybag->salt_size_bytes >= 1 && keybag->salt_size_bytes <= BS_KEYBAG_MAX_SALT_BYTES);
    FUZZ_CHECK(keybag->iteration_count >= 1 && keybag->iteration_count <= BS_MAX_KDF_ITERATIONS);
    FUZZ_CHECK(keybag->dp_salt_size_bytes <= BS_KEYBAG_MAX_SALT_BYTES);
    FUZZ_CHECK((keybag->dp_salt_size_bytes == 0) == (keybag->dp_iteration_count == 0));
    FUZZ_CHECK(keybag->dp_iteration_count <= BS_MAX_KDF_ITERATIONS);
    FUZZ_CHECK(bs_keybag_has_sha256_stage(keybag) == (keybag->dp_iteration_count != 0));
    FUZZ_CHECK(keybag->class_count <= BS_MAX_KEYBAG_CLASSES);
    for (size_t i = 0; i < keybag->class_count; i++) {
        const struct bs_keybag_class *record = &keybag->classes[i];
        for (size_t j = 0; j < i; j++) {
            FUZZ_CHECK(keybag->classes[j].protection_class != record->protection_class);
        }
        FUZZ_CHECK(bs_keybag_find_class(keybag, record->protection_class) == record);
    }
}

static void check_wrapped_key(const uint8_t *data, size_t size)
{
    struct bs_keybag_wrapped_key key;
    memset(&key, 0xA5, sizeof(key));
    struct bs_keybag_wrapped_key untouched = key;
    struct bs_error err = {BS_OK, ""};
    enum bs_status status = bs_keybag_parse_wrapped_key(data, size, &key, &err);
    if (size != BS_KEYBAG_WRAPPED_VALUE_BYTES) {
        FUZZ_CHECK(status == BS_ERR_FORMAT && err.message[0] != '\0');
        FUZZ_CHECK(memcmp(&key, &untouched, sizeof(key)) == 0);
        return;
    }
    FUZZ_CHECK(status == BS_OK);
    uint32_t protection_class = (uint32_t)data[0] | (uint32_t)data[1] << 8 |
                                (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
    FUZZ_CHECK(key.protection_class == protection_class);
    FUZZ_CHECK(memcmp(key.wrapped_key, data + 4, BS_KEYBAG_WRAPPED_KEY_BYTES) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Static: the struct is several KB and the fuzzer calls this millions of times. */
    static struct bs_keybag keybag;
    static struct bs_keybag untouched;
    memset(&keybag, 0x5A, sizeof(keybag));
    memcpy(&untouched, &keybag, sizeof(keybag));
    struct bs_error err = {BS_OK, ""};
    enum bs_status status = bs_keybag_parse(data, size, &keybag, &err);
    if (status == BS_OK) {
        FUZZ_CHECK(size > 0 && size <= BS_MAX_KEYBAG_BYTES);
        check_keybag(&keybag);
    } else {
        FUZZ_CHECK(status == BS_ERR_FORMAT);
        FUZZ_CHECK(err.status == status && err.message[0] != '\0');
        FUZZ_CHECK(memcmp(&keybag, &untouched, sizeof(keybag)) == 0);
    }
    check_wrapped_key(data, size);
    if (size > BS_KEYBAG_WRAPPED_VALUE_BYTES) {
        check_wrapped_key(data, BS_KEYBAG_WRAPPED_VALUE_BYTES);
    }
    return 0;
}
