/* Unit tests for core/keybag: the TLV keybag and wrapped-key values decode into the right
 * fields, and every malformed keybag is BS_ERR_FORMAT with a precise message, never a crash.
 * Every keybag is built in the test; the realdata part, an extra, reads the pyiosbackup
 * keybags from ../shared when present (left out when absent; the test still runs). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/backup/keybag.h"

#define REALDATA_DIR BS_SHARED_DIR "/realdata/pyiosbackup-encrypted"

/* A keybag under construction. Large enough for an oversized one. */
struct builder {
    uint8_t bytes[BS_MAX_KEYBAG_BYTES + 4096];
    size_t size;
};

static struct builder kb;

static void put_raw(struct builder *b, const void *bytes, size_t n)
{
    if (b->size + n <= sizeof(b->bytes)) {
        memcpy(b->bytes + b->size, bytes, n);
        b->size += n;
    }
}

/* A record header that claims `length` value bytes (which may not follow). */
static void put_header(struct builder *b, const char *tag, uint32_t length)
{
    const uint8_t be[4] = {(uint8_t)(length >> 24), (uint8_t)(length >> 16), (uint8_t)(length >> 8),
                           (uint8_t)length};
    put_raw(b, tag, 4);
    put_raw(b, be, 4);
}

static void put_filled(struct builder *b, const char *tag, size_t length, uint8_t fill)
{
    uint8_t value[BS_MAX_KEYBAG_BYTES];
    memset(value, fill, length);
    put_header(b, tag, (uint32_t)length);
    put_raw(b, value, length);
}

static void put_u32(struct builder *b, const char *tag, uint32_t value)
{
    const uint8_t be[4] = {(uint8_t)(value >> 24), (uint8_t)(value >> 16), (uint8_t)(value >> 8),
                           (uint8_t)value};
    put_header(b, tag, 4);
    put_raw(b, be, 4);
}

/* Header of an iOS 10.2+ keybag, with low iteration counts. */
static void put_keybag_header(struct builder *b, uint32_t iterations, bool with_dp)
{
    put_u32(b, "VERS", 5);
    put_u32(b, "TYPE", 1);
    put_filled(b, "UUID", 16, 0x11);
    put_filled(b, "HMCK", 40, 0x22);
    put_u32(b, "WRAP", 0);
    put_filled(b, "SALT", 20, 0x33);
    put_u32(b, "ITER", iterations);
    if (with_dp) {
        put_u32(b, "DPWT", 1);
        put_u32(b, "DPIC", 1000);
        put_filled(b, "DPSL", 20, 0x44);
    }
}

static void put_class(struct builder *b, uint32_t protection_class, uint32_t wrap)
{
    put_filled(b, "UUID", 16, (uint8_t)(0xA0 + protection_class));
    put_u32(b, "CLAS", protection_class);
    put_u32(b, "WRAP", wrap);
    put_u32(b, "KTYP", 0);
    put_filled(b, "WPKY", 40, (uint8_t)protection_class);
}

static void build_valid(struct builder *b)
{
    put_keybag_header(b, 10, true);
    for (uint32_t c = 1; c <= 4; c++) {
        put_class(b, c, 2);
    }
    put_class(b, 5, 3);
}

static enum bs_status parse_builder(const struct builder *b, struct bs_keybag *out,
                                    struct bs_error *err)
{
    return bs_keybag_parse(b->bytes, b->size, out, err);
}

/* ---- malformed keybags, one builder per case ---- */

static void build_empty(struct builder *b)
{
    (void)b;
}

static void build_truncated_header(struct builder *b)
{
    build_valid(b);
    put_raw(b, "SIGN\0", 5);
}

static void build_length_beyond_end(struct builder *b)
{
    build_valid(b);
    put_header(b, "SIGN", 100);
    put_raw(b, "0123456789", 10);
}

static void build_salt_cut_short(struct builder *b)
{
    put_u32(b, "VERS", 5);
    put_header(b, "SALT", 20);
    put_raw(b, "0123456789", 10);
}

static void build_binary_tag_beyond_end(struct builder *b)
{
    build_valid(b);
    put_header(b, "\x01\x02\x03\x04", 0xFFFFFFFFu);
}

static void build_oversized(struct builder *b)
{
    build_valid(b);
    /* An unknown tag that takes the keybag one byte over the limit. */
    size_t value_bytes = BS_MAX_KEYBAG_BYTES + 1 - b->size - 8;
    put_filled(b, "PADD", value_bytes, 0);
}

static void build_zero_iterations(struct builder *b)
{
    put_keybag_header(b, 0, true);
    put_class(b, 1, 2);
}

static void build_iterations_above_limit(struct builder *b)
{
    put_keybag_header(b, BS_MAX_KDF_ITERATIONS + 1, false);
    put_class(b, 1, 2);
}

static void build_zero_dpic(struct builder *b)
{
    put_keybag_header(b, 10, false);
    put_u32(b, "DPIC", 0);
    put_filled(b, "DPSL", 20, 0x44);
    put_class(b, 1, 2);
}

static void build_dpic_above_limit(struct builder *b)
{
    put_keybag_header(b, 10, false);
    put_u32(b, "DPIC", 0xFFFFFFFFu);
    put_filled(b, "DPSL", 20, 0x44);
    put_class(b, 1, 2);
}

static void build_missing_salt(struct builder *b)
{
    put_u32(b, "VERS", 5);
    put_filled(b, "UUID", 16, 0x11);
    put_u32(b, "ITER", 10);
    put_class(b, 1, 2);
}

static void build_missing_iter(struct builder *b)
{
    put_u32(b, "VERS", 5);
    put_filled(b, "UUID", 16, 0x11);
    put_filled(b, "SALT", 20, 0x33);
    put_class(b, 1, 2);
}

static void build_short_wrapped_key(struct builder *b)
{
    put_keybag_header(b, 10, true);
    put_filled(b, "UUID", 16, 0xA1);
    put_u32(b, "CLAS", 1);
    put_u32(b, "WRAP", 2);
    put_filled(b, "WPKY", 39, 0x01);
}

static void build_long_wrapped_key(struct builder *b)
{
    put_keybag_header(b, 10, true);
    put_filled(b, "UUID", 16, 0xA1);
    put_u32(b, "CLAS", 1);
    put_filled(b, "WPKY", 41, 0x01);
}

static void build_empty_salt(struct builder *b)
{
    put_u32(b, "ITER", 10);
    put_filled(b, "SALT", 0, 0);
}

static void build_long_salt(struct builder *b)
{
    put_u32(b, "ITER", 10);
    put_filled(b, "SALT", BS_KEYBAG_MAX_SALT_BYTES + 1, 0x33);
}

static void build_dpsl_without_dpic(struct builder *b)
{
    put_keybag_header(b, 10, false);
    put_filled(b, "DPSL", 20, 0x44);
    put_class(b, 1, 2);
}

static void build_dpic_without_dpsl(struct builder *b)
{
    put_keybag_header(b, 10, false);
    put_u32(b, "DPIC", 1000);
    put_class(b, 1, 2);
}

static void build_short_u32(struct builder *b)
{
    put_filled(b, "VERS", 3, 0);
    put_keybag_header(b, 10, true);
}

static void build_short_class_uuid(struct builder *b)
{
    put_keybag_header(b, 10, true);
    put_filled(b, "UUID", 15, 0xA1);
    put_u32(b, "CLAS", 1);
}

static void build_too_many_classes(struct builder *b)
{
    put_keybag_header(b, 10, true);
    for (uint32_t c = 1; c <= BS_MAX_KEYBAG_CLASSES + 1; c++) {
        put_class(b, c, 2);
    }
}

static void build_duplicate_class(struct builder *b)
{
    build_valid(b);
    put_class(b, 3, 2);
}

static void build_class_without_clas(struct builder *b)
{
    put_keybag_header(b, 10, true);
    put_class(b, 1, 2);
    put_filled(b, "UUID", 16, 0xA2);
    put_u32(b, "WRAP", 2);
    put_filled(b, "WPKY", 40, 0x02);
}

static void build_wpky_in_header(struct builder *b)
{
    put_keybag_header(b, 10, true);
    put_filled(b, "WPKY", 40, 0x01);
    put_class(b, 1, 2);
}

static void build_no_header_uuid(struct builder *b)
{
    /* The first UUID is always the keybag's own, so this class record's CLAS is orphaned. */
    put_u32(b, "ITER", 10);
    put_filled(b, "SALT", 20, 0x33);
    put_class(b, 1, 2);
}

static void build_salt_in_class(struct builder *b)
{
    put_keybag_header(b, 10, true);
    put_class(b, 1, 2);
    put_filled(b, "SALT", 20, 0x55);
}

static void build_repeated_salt(struct builder *b)
{
    put_keybag_header(b, 10, true);
    put_filled(b, "SALT", 20, 0x55);
    put_class(b, 1, 2);
}

static void build_repeated_wpky(struct builder *b)
{
    put_keybag_header(b, 10, true);
    put_class(b, 1, 2);
    put_filled(b, "WPKY", 40, 0x09);
}

struct malformed_case {
    const char *name;
    void (*build)(struct builder *b);
    const char *message_part; /* must appear in the error message */
};

static const struct malformed_case malformed_cases[] = {
    {"empty", build_empty, "keybag is empty"},
    {"truncated record header", build_truncated_header, "is cut short: 5 bytes left"},
    {"length beyond end", build_length_beyond_end, "SIGN at offset"},
    {"value cut short", build_salt_cut_short, "SALT at offset 12 claims 20 bytes but only 10"},
    {"binary tag beyond end", build_binary_tag_beyond_end, "0x01020304 at offset"},
    {"oversized", build_oversized, "above the limit of 65536"},
    {"zero iterations", build_zero_iterations, "ITER at offset"},
    {"iterations above limit", build_iterations_above_limit, "above the limit of 50000000"},
    {"zero DPIC", build_zero_dpic, "DPIC at offset"},
    {"DPIC above limit", build_dpic_above_limit, "4294967295 iterations"},
    {"missing SALT", build_missing_salt, "keybag has no SALT"},
    {"missing ITER", build_missing_iter, "keybag has no ITER"},
    {"wrapped key 39 bytes", build_short_wrapped_key, "WPKY at offset"},
    {"wrapped key 41 bytes", build_long_wrapped_key, "is 41 bytes long, expected 40"},
    {"empty salt", build_empty_salt, "SALT at offset 12 is 0 bytes long, expected 1 to 64"},
    {"salt too long", build_long_salt, "is 65 bytes long, expected 1 to 64"},
    {"DPSL without DPIC", build_dpsl_without_dpic, "has DPSL but no DPIC"},
    {"DPIC without DPSL", build_dpic_without_dpsl, "has DPIC but no DPSL"},
    {"u32 of 3 bytes", build_short_u32, "VERS at offset 0 is 3 bytes long, expected 4"},
    {"class UUID of 15 bytes", build_short_class_uuid, "is 15 bytes long, expected 16"},
    {"too many classes", build_too_many_classes, "more than 32 class records"},
    {"duplicate class", build_duplicate_class, "two class records for protection class 3"},
    {"class without CLAS", build_class_without_clas, "has no CLAS"},
    {"WPKY before first class", build_wpky_in_header, "before the first class record"},
    {"no keybag UUID", build_no_header_uuid, "CLAS at offset 64 comes before the first class"},
    {"SALT inside a class", build_salt_in_class, "header tag SALT at offset"},
    {"repeated SALT", build_repeated_salt, "is repeated in its header"},
    {"repeated WPKY", build_repeated_wpky, "is repeated in its class record"},
};

static void test_malformed_keybags(void)
{
    for (size_t i = 0; i < sizeof(malformed_cases) / sizeof(malformed_cases[0]); i++) {
        const struct malformed_case *c = &malformed_cases[i];
        kb.size = 0;
        c->build(&kb);
        struct bs_keybag parsed;
        memset(&parsed, 0xAB, sizeof(parsed));
        struct bs_error err;
        bs_error_clear(&err);
        enum bs_status status = parse_builder(&kb, &parsed, &err);
        if (status != BS_ERR_FORMAT || strstr(err.message, c->message_part) == NULL) {
            fprintf(stderr, "case \"%s\": status %s, message \"%s\", want \"%s\"\n", c->name,
                    bs_status_name(status), err.message, c->message_part);
        }
        CHECK_INT_EQ(status, BS_ERR_FORMAT);
        CHECK_INT_EQ(err.status, BS_ERR_FORMAT);
        CHECK(strstr(err.message, c->message_part) != NULL);
        CHECK_INT_EQ(parsed.version, 0xABABABABu); /* out untouched on failure */
    }
}

static void test_null_input(void)
{
    struct bs_keybag parsed;
    CHECK_INT_EQ(bs_keybag_parse(NULL, 100, &parsed, NULL), BS_ERR_FORMAT);
}

static void test_every_truncation_fails_cleanly(void)
{
    /* Every prefix of a valid keybag is either valid (cut between records with everything
     * required present) or BS_ERR_FORMAT: never a crash or another status. */
    kb.size = 0;
    build_valid(&kb);
    size_t full_size = kb.size;
    size_t valid_prefixes = 0;
    for (size_t n = 0; n < full_size; n++) {
        uint8_t *copy = malloc(n == 0 ? 1 : n);
        CHECK(copy != NULL);
        if (copy == NULL) {
            return;
        }
        memcpy(copy, kb.bytes, n);
        struct bs_keybag parsed;
        enum bs_status status = bs_keybag_parse(copy, n, &parsed, NULL);
        CHECK(status == BS_OK || status == BS_ERR_FORMAT);
        valid_prefixes += status == BS_OK;
        free(copy);
    }
    /* A prefix that ends on a record boundary inside the class records is a valid, shorter
     * keybag: there are many such boundaries. */
    CHECK(valid_prefixes >= 4);
}

static void test_valid_keybag_fields(void)
{
    kb.size = 0;
    build_valid(&kb);
    put_filled(&kb, "PBKY", 32, 0x77); /* unknown tags are skipped */
    put_filled(&kb, "SIGN", 20, 0x66);
    struct bs_keybag parsed;
    struct bs_error err;
    bs_error_clear(&err);
    CHECK_INT_EQ(parse_builder(&kb, &parsed, &err), BS_OK);
    CHECK_STR_EQ(err.message, "");
    CHECK(parsed.has_version);
    CHECK_INT_EQ(parsed.version, 5);
    CHECK(parsed.has_type);
    CHECK_INT_EQ(parsed.type, 1);
    CHECK(parsed.has_uuid);
    CHECK_INT_EQ(parsed.uuid[0], 0x11);
    CHECK_INT_EQ(parsed.wrap_flags, 0);
    CHECK_INT_EQ(parsed.salt_size_bytes, 20);
    CHECK_INT_EQ(parsed.salt[19], 0x33);
    CHECK_INT_EQ(parsed.iteration_count, 10);
    CHECK_INT_EQ(parsed.dp_wrap_type, 1);
    CHECK_INT_EQ(parsed.dp_iteration_count, 1000);
    CHECK_INT_EQ(parsed.dp_salt_size_bytes, 20);
    CHECK_INT_EQ(parsed.dp_salt[0], 0x44);
    CHECK(bs_keybag_has_sha256_stage(&parsed));
    CHECK_INT_EQ(parsed.class_count, 5);
    for (size_t i = 0; i < parsed.class_count; i++) {
        const struct bs_keybag_class *record = &parsed.classes[i];
        CHECK_INT_EQ(record->protection_class, i + 1);
        CHECK_INT_EQ(record->wrap_flags, i + 1 == 5 ? 3 : 2);
        CHECK_INT_EQ(record->key_type, 0);
        CHECK_INT_EQ(record->uuid[15], 0xA0 + i + 1);
        CHECK(record->has_wrapped_key);
        CHECK_INT_EQ(record->wrapped_key[0], i + 1);
        CHECK_INT_EQ(record->wrapped_key[39], i + 1);
    }
    const struct bs_keybag_class *found = bs_keybag_find_class(&parsed, 3);
    CHECK(found == &parsed.classes[2]);
    CHECK(bs_keybag_find_class(&parsed, 9) == NULL);
}

static void test_keybag_without_sha256_stage(void)
{
    kb.size = 0;
    put_keybag_header(&kb, 10000, false);
    put_filled(&kb, "UUID", 16, 0xA1);
    put_u32(&kb, "CLAS", 2);
    put_u32(&kb, "KTYP", 1); /* a record with no WRAP and no WPKY is kept, marked as such */
    struct bs_keybag parsed;
    CHECK_INT_EQ(parse_builder(&kb, &parsed, NULL), BS_OK);
    CHECK(!bs_keybag_has_sha256_stage(&parsed));
    CHECK_INT_EQ(parsed.dp_salt_size_bytes, 0);
    CHECK_INT_EQ(parsed.dp_iteration_count, 0);
    CHECK_INT_EQ(parsed.class_count, 1);
    CHECK_INT_EQ(parsed.classes[0].wrap_flags, 0);
    CHECK_INT_EQ(parsed.classes[0].key_type, 1);
    CHECK(!parsed.classes[0].has_wrapped_key);
}

static void test_limits_are_inclusive(void)
{
    kb.size = 0;
    put_filled(&kb, "UUID", 16, 0x11);
    put_u32(&kb, "ITER", BS_MAX_KDF_ITERATIONS);
    put_filled(&kb, "SALT", BS_KEYBAG_MAX_SALT_BYTES, 0x01);
    put_u32(&kb, "DPIC", 1);
    put_filled(&kb, "DPSL", 1, 0x02);
    for (uint32_t c = 1; c <= BS_MAX_KEYBAG_CLASSES; c++) {
        put_class(&kb, c, 2);
    }
    struct bs_keybag parsed;
    CHECK_INT_EQ(parse_builder(&kb, &parsed, NULL), BS_OK);
    CHECK_INT_EQ(parsed.iteration_count, BS_MAX_KDF_ITERATIONS);
    CHECK_INT_EQ(parsed.salt_size_bytes, BS_KEYBAG_MAX_SALT_BYTES);
    CHECK_INT_EQ(parsed.dp_salt_size_bytes, 1);
    CHECK_INT_EQ(parsed.class_count, BS_MAX_KEYBAG_CLASSES);
}

struct wrapped_case {
    const char *name;
    size_t size;
    enum bs_status want;
};

static void test_wrapped_key_values(void)
{
    uint8_t value[64];
    for (size_t i = 0; i < sizeof(value); i++) {
        value[i] = (uint8_t)i;
    }
    value[0] = 0x02; /* little-endian class 2 */
    value[1] = 0x00;
    value[2] = 0x00;
    value[3] = 0x00;
    const struct wrapped_case cases[] = {
        {"exact", BS_KEYBAG_WRAPPED_VALUE_BYTES, BS_OK},
        {"one short", BS_KEYBAG_WRAPPED_VALUE_BYTES - 1, BS_ERR_FORMAT},
        {"one long", BS_KEYBAG_WRAPPED_VALUE_BYTES + 1, BS_ERR_FORMAT},
        {"class only", 4, BS_ERR_FORMAT},
        {"empty", 0, BS_ERR_FORMAT},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct bs_keybag_wrapped_key parsed;
        memset(&parsed, 0xCD, sizeof(parsed));
        struct bs_error err;
        bs_error_clear(&err);
        enum bs_status status = bs_keybag_parse_wrapped_key(value, cases[i].size, &parsed, &err);
        if (status != cases[i].want) {
            fprintf(stderr, "wrapped case \"%s\": %s\n", cases[i].name, err.message);
        }
        CHECK_INT_EQ(status, cases[i].want);
        if (cases[i].want == BS_OK) {
            CHECK_INT_EQ(parsed.protection_class, 2);
            CHECK_INT_EQ(parsed.wrapped_key[0], 4);
            CHECK_INT_EQ(parsed.wrapped_key[39], 43);
        } else {
            CHECK_INT_EQ(parsed.protection_class, 0xCDCDCDCDu);
            CHECK(strstr(err.message, "expected 44") != NULL);
        }
    }
    value[0] = 0x04;
    value[3] = 0x01; /* class bytes 04 00 00 01 read little-endian */
    struct bs_keybag_wrapped_key parsed;
    CHECK_INT_EQ(bs_keybag_parse_wrapped_key(value, BS_KEYBAG_WRAPPED_VALUE_BYTES, &parsed, NULL),
                 BS_OK);
    CHECK_INT_EQ(parsed.protection_class, 0x01000004u);
    CHECK_INT_EQ(bs_keybag_parse_wrapped_key(NULL, 44, &parsed, NULL), BS_ERR_FORMAT);
}

/* ---- realdata: pyiosbackup's synthetic keybags (GPL-3.0, read in place, never copied) ---- */

static bool read_realdata(const char *name, uint8_t *buffer, size_t capacity, size_t *size)
{
    char path[1024];
    int written = snprintf(path, sizeof(path), "%s/%s", REALDATA_DIR, name);
    if (written < 0 || (size_t)written >= sizeof(path)) {
        return false;
    }
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        return false;
    }
    *size = fread(buffer, 1, capacity, file);
    bool ok = ferror(file) == 0 && feof(file) != 0;
    fclose(file);
    return ok;
}

static bool test_realdata_keybags(void)
{
    static uint8_t bytes[BS_MAX_KEYBAG_BYTES];
    size_t size = 0;
    if (!read_realdata("manifest_keybag_zeros.bin", bytes, sizeof(bytes), &size)) {
        return false;
    }
    struct bs_keybag parsed;
    struct bs_error err;
    bs_error_clear(&err);
    enum bs_status status = bs_keybag_parse(bytes, size, &parsed, &err);
    CHECK_INT_EQ(status, BS_OK);
    CHECK_STR_EQ(err.message, "");
    if (status != BS_OK) {
        return true;
    }
    CHECK_INT_EQ(parsed.version, 5);
    CHECK_INT_EQ(parsed.type, 1);
    CHECK_INT_EQ(parsed.iteration_count, 10000);
    CHECK_INT_EQ(parsed.dp_iteration_count, 10000000);
    CHECK_INT_EQ(parsed.dp_wrap_type, 1);
    CHECK_INT_EQ(parsed.salt_size_bytes, 20);
    CHECK_INT_EQ(parsed.dp_salt_size_bytes, 20);
    CHECK(bs_keybag_has_sha256_stage(&parsed));
    CHECK_INT_EQ(parsed.class_count, 11);
    for (uint32_t c = 1; c <= 11; c++) {
        const struct bs_keybag_class *record = bs_keybag_find_class(&parsed, c);
        CHECK(record != NULL);
        if (record != NULL) {
            uint32_t want_wrap = (c == 5 || c >= 9) ? 3 : 2;
            CHECK_INT_EQ(record->wrap_flags, want_wrap);
            CHECK(record->has_wrapped_key);
        }
    }

    CHECK(read_realdata("manifest_keybag_zeros_before_10_2.bin", bytes, sizeof(bytes), &size));
    status = bs_keybag_parse(bytes, size, &parsed, &err);
    CHECK_INT_EQ(status, BS_OK);
    if (status != BS_OK) {
        return true;
    }
    CHECK_INT_EQ(parsed.version, 3);
    CHECK(!bs_keybag_has_sha256_stage(&parsed));
    CHECK_INT_EQ(parsed.iteration_count, 10000);
    CHECK_INT_EQ(parsed.class_count, 11);

    CHECK(read_realdata("manifest_key_class2.bin", bytes, sizeof(bytes), &size));
    struct bs_keybag_wrapped_key manifest_key;
    status = bs_keybag_parse_wrapped_key(bytes, size, &manifest_key, &err);
    CHECK_INT_EQ(status, BS_OK);
    if (status != BS_OK) {
        return true;
    }
    CHECK_INT_EQ(manifest_key.protection_class, 2);
    CHECK_INT_EQ(manifest_key.wrapped_key[0], 0x97);
    return true;
}

int main(void)
{
    test_malformed_keybags();
    test_null_input();
    test_every_truncation_fails_cleanly();
    test_valid_keybag_fields();
    test_keybag_without_sha256_stage();
    test_limits_are_inclusive();
    test_wrapped_key_values();
    bool realdata_present = test_realdata_keybags();
    if (!realdata_present) { /* an extra: the keybags built above stand alone */
        printf("keybag: %s absent: only the realdata checks are left out\n", REALDATA_DIR);
    }
    return check_report("keybag");
}
