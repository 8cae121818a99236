/* Unit tests for core/plist_read: every value type from XML and binary plists, type-checked
 * getters, NSKeyedArchiver references in both spellings, and hostile input (deep nesting,
 * cycles, shared-object bombs, truncation, corruption, oversize) rejected without a crash. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/base/limits.h"
#include "core/store/plist_read.h"
#include "fixture_plist.h"

/* ---- Helpers ------------------------------------------------------------------------------- */

static void *xmalloc(size_t size)
{
    void *p = malloc(size == 0 ? 1 : size);
    if (p == NULL) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

static enum bs_status parse_text(const char *text, struct bs_plist **out)
{
    struct bs_error err = {0};
    return bs_plist_parse(text, strlen(text), out, &err);
}

/* Parses bytes expecting a failure with status want; checks *out stays untouched. */
static void check_rejected(const void *bytes, size_t size, enum bs_status want, const char *label)
{
    struct bs_error err = {0};
    struct bs_plist *plist = NULL;
    enum bs_status got = bs_plist_parse(bytes, size, &plist, &err);
    if (got != want) {
        fprintf(stderr, "%s: got %s (%s), want %s\n", label, bs_status_name(got), err.message,
                bs_status_name(want));
    }
    CHECK_INT_EQ(got, want);
    CHECK(plist == NULL);
    CHECK(err.message[0] != '\0');
    bs_plist_free(plist);
}

static void *xml_to_binary(const char *xml, size_t *size)
{
    struct bs_error err = {0};
    void *bytes = NULL;
    enum bs_status status = bs_fixture_plist_xml_to_binary(xml, strlen(xml), &bytes, size, &err);
    if (status != BS_OK) {
        fprintf(stderr, "xml_to_binary: %s\n", err.message);
    }
    CHECK_INT_EQ(status, BS_OK);
    return bytes;
}

/* Repeats unit count times between prefix and suffix. */
static char *repeat_text(const char *prefix, const char *unit, size_t count, const char *middle,
                         const char *close_unit, const char *suffix)
{
    size_t size = strlen(prefix) + count * (strlen(unit) + strlen(close_unit)) + strlen(middle) +
                  strlen(suffix) + 1;
    char *text = xmalloc(size);
    char *p = text;
    size_t n = strlen(prefix);
    memcpy(p, prefix, n);
    p += n;
    for (size_t i = 0; i < count; i++) {
        n = strlen(unit);
        memcpy(p, unit, n);
        p += n;
    }
    n = strlen(middle);
    memcpy(p, middle, n);
    p += n;
    for (size_t i = 0; i < count; i++) {
        n = strlen(close_unit);
        memcpy(p, close_unit, n);
        p += n;
    }
    n = strlen(suffix);
    memcpy(p, suffix, n + 1);
    return text;
}

/* A byte-by-byte binary plist writer, so tests can build what no serializer would write.
 * Objects get indexes in creation order; references are plain numbers, so they may point
 * forward. Offsets are 4 bytes wide; reference width is chosen at init. */
struct bpl {
    uint8_t *bytes;
    size_t size;
    size_t capacity;
    uint64_t *offsets;
    size_t count;
    size_t offsets_capacity;
    unsigned ref_bytes;
};

static void bpl_put(struct bpl *b, const void *data, size_t n)
{
    if (b->size + n > b->capacity) {
        size_t capacity = b->capacity == 0 ? 256 : b->capacity;
        while (capacity < b->size + n) {
            capacity *= 2;
        }
        uint8_t *grown = realloc(b->bytes, capacity);
        if (grown == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
        b->bytes = grown;
        b->capacity = capacity;
    }
    memcpy(b->bytes + b->size, data, n);
    b->size += n;
}

static void bpl_put_byte(struct bpl *b, unsigned value)
{
    uint8_t byte = (uint8_t)value;
    bpl_put(b, &byte, 1);
}

static void bpl_put_be(struct bpl *b, uint64_t value, unsigned width)
{
    for (unsigned i = width; i > 0; i--) {
        bpl_put_byte(b, (unsigned)((value >> (8 * (i - 1))) & 0xFFu));
    }
}

static void bpl_init(struct bpl *b, unsigned ref_bytes)
{
    memset(b, 0, sizeof(*b));
    b->ref_bytes = ref_bytes;
    bpl_put(b, "bplist00", 8);
}

static uint64_t bpl_begin(struct bpl *b)
{
    if (b->count == b->offsets_capacity) {
        b->offsets_capacity = b->offsets_capacity == 0 ? 64 : b->offsets_capacity * 2;
        uint64_t *grown = realloc(b->offsets, b->offsets_capacity * sizeof(*grown));
        if (grown == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
        b->offsets = grown;
    }
    b->offsets[b->count] = b->size;
    return b->count++;
}

static void bpl_head(struct bpl *b, unsigned kind, uint64_t count)
{
    if (count < 15) {
        bpl_put_byte(b, (kind << 4) | (unsigned)count);
    } else {
        bpl_put_byte(b, (kind << 4) | 0xFu);
        bpl_put_byte(b, 0x13);
        bpl_put_be(b, count, 8);
    }
}

static uint64_t bpl_ascii(struct bpl *b, const char *text)
{
    uint64_t index = bpl_begin(b);
    bpl_head(b, 0x5, strlen(text));
    bpl_put(b, text, strlen(text));
    return index;
}

static uint64_t bpl_data(struct bpl *b, const void *bytes, size_t size)
{
    uint64_t index = bpl_begin(b);
    bpl_head(b, 0x4, size);
    bpl_put(b, bytes, size);
    return index;
}

static uint64_t bpl_int(struct bpl *b, uint64_t value)
{
    uint64_t index = bpl_begin(b);
    bpl_put_byte(b, 0x13);
    bpl_put_be(b, value, 8);
    return index;
}

static uint64_t bpl_uid(struct bpl *b, uint8_t value)
{
    uint64_t index = bpl_begin(b);
    bpl_put_byte(b, 0x80);
    bpl_put_byte(b, value);
    return index;
}

static uint64_t bpl_array(struct bpl *b, const uint64_t *refs, size_t count)
{
    uint64_t index = bpl_begin(b);
    bpl_head(b, 0xA, count);
    for (size_t i = 0; i < count; i++) {
        bpl_put_be(b, refs[i], b->ref_bytes);
    }
    return index;
}

static uint64_t bpl_dict(struct bpl *b, const uint64_t *keys, const uint64_t *values, size_t count)
{
    uint64_t index = bpl_begin(b);
    bpl_head(b, 0xD, count);
    for (size_t i = 0; i < count; i++) {
        bpl_put_be(b, keys[i], b->ref_bytes);
    }
    for (size_t i = 0; i < count; i++) {
        bpl_put_be(b, values[i], b->ref_bytes);
    }
    return index;
}

/* Appends the offset table and trailer. The bytes stay in b->bytes / b->size. */
static void bpl_finish(struct bpl *b, uint64_t top)
{
    uint64_t table_at = b->size;
    for (size_t i = 0; i < b->count; i++) {
        bpl_put_be(b, b->offsets[i], 4);
    }
    for (int i = 0; i < 6; i++) {
        bpl_put_byte(b, 0);
    }
    bpl_put_byte(b, 4);
    bpl_put_byte(b, b->ref_bytes);
    bpl_put_be(b, b->count, 8);
    bpl_put_be(b, top, 8);
    bpl_put_be(b, table_at, 8);
}

static void bpl_free(struct bpl *b)
{
    free(b->bytes);
    free(b->offsets);
    memset(b, 0, sizeof(*b));
}

/* ---- Every type, from XML and from binary -------------------------------------------------- */

static const char all_types_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
    "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
    "<plist version=\"1.0\">\n"
    "<dict>\n"
    "  <!-- a comment with <array> inside is not an array -->\n"
    "  <key>string</key><string>a &lt;b&gt; &amp; \"c\"</string>\n"
    "  <key>unicode</key><string>caf&#233; \xe2\x9c\x93</string>\n"
    "  <key>cdata</key><string><![CDATA[<array>]]></string>\n"
    "  <key>small</key><integer>42</integer>\n"
    "  <key>negative</key><integer>-2</integer>\n"
    "  <key>int64_min</key><integer>-9223372036854775808</integer>\n"
    "  <key>int64_max</key><integer>9223372036854775807</integer>\n"
    "  <key>two_to_63</key><integer>9223372036854775808</integer>\n"
    "  <key>huge</key><integer>18446744073709551614</integer>\n"
    "  <key>real</key><real>2.5</real>\n"
    "  <key>yes</key><true/>\n"
    "  <key>no</key><false/>\n"
    "  <key>date</key><date>2001-01-02T00:00:01Z</date>\n"
    "  <key>old_date</key><date>1990-01-01T00:00:00Z</date>\n"
    "  <key>data</key><data>AAEC/w==</data>\n"
    "  <key>array</key><array><integer>1</integer><string>two</string><array/></array>\n"
    "  <key>dict</key><dict><key>inner</key><string>value</string></dict>\n"
    "  <key>empty_dict</key><dict/>\n"
    "</dict>\n"
    "</plist>\n";

static void check_all_types(const struct bs_plist *plist, const char *label)
{
    fprintf(stderr, "# all types: %s\n", label);
    const struct bs_plist_value *root = bs_plist_root(plist);
    CHECK(bs_plist_is_type(root, BS_PLIST_DICT));
    CHECK_INT_EQ(bs_plist_dict_count(root), 18);

    const char *text = NULL;
    CHECK(bs_plist_get_string(bs_plist_dict_get(root, "string"), &text));
    CHECK_STR_EQ(text, "a <b> & \"c\"");
    CHECK(bs_plist_get_string(bs_plist_dict_get(root, "unicode"), &text));
    CHECK_STR_EQ(text, "caf\xc3\xa9 \xe2\x9c\x93");
    CHECK(bs_plist_get_string(bs_plist_dict_get(root, "cdata"), &text));
    CHECK_STR_EQ(text, "<array>");

    int64_t number = 0;
    uint64_t unsigned_number = 0;
    CHECK(bs_plist_get_int(bs_plist_dict_get(root, "small"), &number));
    CHECK_INT_EQ(number, 42);
    CHECK(bs_plist_get_uint(bs_plist_dict_get(root, "small"), &unsigned_number));
    CHECK(unsigned_number == 42);
    CHECK(bs_plist_get_int(bs_plist_dict_get(root, "negative"), &number));
    CHECK_INT_EQ(number, -2);
    unsigned_number = 7;
    CHECK(!bs_plist_get_uint(bs_plist_dict_get(root, "negative"), &unsigned_number));
    CHECK(unsigned_number == 7);
    CHECK(bs_plist_get_int(bs_plist_dict_get(root, "int64_min"), &number));
    CHECK(number == INT64_MIN);
    CHECK(bs_plist_get_int(bs_plist_dict_get(root, "int64_max"), &number));
    CHECK(number == INT64_MAX);
    number = 7;
    CHECK(!bs_plist_get_int(bs_plist_dict_get(root, "two_to_63"), &number));
    CHECK_INT_EQ(number, 7);
    CHECK(bs_plist_get_uint(bs_plist_dict_get(root, "two_to_63"), &unsigned_number));
    CHECK(unsigned_number == (uint64_t)1 << 63);
    CHECK(!bs_plist_get_int(bs_plist_dict_get(root, "huge"), &number));
    CHECK(bs_plist_get_uint(bs_plist_dict_get(root, "huge"), &unsigned_number));
    CHECK(unsigned_number == UINT64_MAX - 1);

    double real = 0.0;
    CHECK(bs_plist_get_real(bs_plist_dict_get(root, "real"), &real));
    CHECK(real == 2.5);

    bool flag = false;
    CHECK(bs_plist_get_bool(bs_plist_dict_get(root, "yes"), &flag));
    CHECK(flag);
    CHECK(bs_plist_get_bool(bs_plist_dict_get(root, "no"), &flag));
    CHECK(!flag);

    double seconds = 0.0;
    CHECK(bs_plist_get_date(bs_plist_dict_get(root, "date"), &seconds));
    CHECK(seconds == 86401.0);
    CHECK(bs_plist_get_date(bs_plist_dict_get(root, "old_date"), &seconds));
    CHECK(seconds == -347155200.0);

    const uint8_t *bytes = NULL;
    size_t size = 0;
    CHECK(bs_plist_get_data(bs_plist_dict_get(root, "data"), &bytes, &size));
    CHECK_INT_EQ(size, 4);
    CHECK(bytes != NULL && memcmp(bytes, "\x00\x01\x02\xff", 4) == 0);

    const struct bs_plist_value *array = bs_plist_dict_get(root, "array");
    CHECK_INT_EQ(bs_plist_array_count(array), 3);
    CHECK(bs_plist_get_int(bs_plist_array_at(array, 0), &number));
    CHECK_INT_EQ(number, 1);
    CHECK(bs_plist_get_string(bs_plist_array_at(array, 1), &text));
    CHECK_STR_EQ(text, "two");
    CHECK(bs_plist_is_type(bs_plist_array_at(array, 2), BS_PLIST_ARRAY));
    CHECK_INT_EQ(bs_plist_array_count(bs_plist_array_at(array, 2)), 0);
    CHECK(bs_plist_array_at(array, 3) == NULL);

    const struct bs_plist_value *dict = bs_plist_dict_get(root, "dict");
    CHECK_INT_EQ(bs_plist_dict_count(dict), 1);
    CHECK_STR_EQ(bs_plist_dict_key_at(dict, 0), "inner");
    CHECK(bs_plist_get_string(bs_plist_dict_value_at(dict, 0), &text));
    CHECK_STR_EQ(text, "value");
    CHECK(bs_plist_dict_key_at(dict, 1) == NULL);
    CHECK(bs_plist_dict_value_at(dict, 1) == NULL);
    CHECK(bs_plist_is_type(bs_plist_dict_get(root, "empty_dict"), BS_PLIST_DICT));
    CHECK_INT_EQ(bs_plist_dict_count(bs_plist_dict_get(root, "empty_dict")), 0);

    /* Keys in file order, and each found by lookup. */
    for (size_t i = 0; i < bs_plist_dict_count(root); i++) {
        const char *key = bs_plist_dict_key_at(root, i);
        CHECK(key != NULL && bs_plist_dict_get(root, key) == bs_plist_dict_value_at(root, i));
    }
}

static void test_all_types(void)
{
    size_t binary_size = 0;
    void *binary = xml_to_binary(all_types_xml, &binary_size);
    CHECK(binary != NULL && binary_size > 8 && memcmp(binary, "bplist00", 8) == 0);
    const struct {
        const char *label;
        const void *bytes;
        size_t size;
    } inputs[] = {
        {"xml", all_types_xml, sizeof(all_types_xml) - 1},
        {"binary", binary, binary_size},
    };
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        struct bs_error err = {0};
        struct bs_plist *plist = NULL;
        enum bs_status status = bs_plist_parse(inputs[i].bytes, inputs[i].size, &plist, &err);
        if (status != BS_OK) {
            fprintf(stderr, "%s: %s\n", inputs[i].label, err.message);
        }
        CHECK_INT_EQ(status, BS_OK);
        if (plist != NULL) {
            check_all_types(plist, inputs[i].label);
        }
        bs_plist_free(plist);
    }
    free(binary);
}

/* ---- Type checks and absent keys ----------------------------------------------------------- */

static void test_getters_check_types(void)
{
    struct bs_plist *plist = NULL;
    CHECK_INT_EQ(parse_text("<plist><dict><key>s</key><string>x</string><key>i</key>"
                            "<integer>1</integer><key>b</key><true/><key>r</key><real>1</real>"
                            "</dict></plist>",
                            &plist),
                 BS_OK);
    const struct bs_plist_value *root = bs_plist_root(plist);
    const struct bs_plist_value *s = bs_plist_dict_get(root, "s");
    const struct bs_plist_value *i = bs_plist_dict_get(root, "i");
    const struct bs_plist_value *b = bs_plist_dict_get(root, "b");
    const struct bs_plist_value *r = bs_plist_dict_get(root, "r");

    /* Each getter on each wrong type (and on NULL) fails and leaves the out-param alone. */
    const struct bs_plist_value *values[] = {s, i, b, r, root, NULL};
    for (size_t k = 0; k < sizeof(values) / sizeof(values[0]); k++) {
        const struct bs_plist_value *v = values[k];
        bool flag = true;
        int64_t number = 99;
        uint64_t unsigned_number = 99;
        double real = 9.0;
        const char *text = "untouched";
        const uint8_t *bytes = (const uint8_t *)"u";
        size_t size = 99;
        CHECK(bs_plist_get_bool(v, &flag) == (v == b));
        CHECK(bs_plist_get_int(v, &number) == (v == i));
        CHECK(bs_plist_get_uint(v, &unsigned_number) == (v == i));
        CHECK(bs_plist_get_real(v, &real) == (v == r));
        CHECK(bs_plist_get_string(v, &text) == (v == s));
        CHECK(!bs_plist_get_date(v, &real));
        CHECK(!bs_plist_get_data(v, &bytes, &size));
        CHECK(!bs_plist_get_uid(v, &unsigned_number));
        if (v != b) {
            CHECK(flag);
        }
        if (v != i) {
            CHECK_INT_EQ(number, 99);
            CHECK(unsigned_number == 99);
        }
        if (v != s) {
            CHECK_STR_EQ(text, "untouched");
        }
        CHECK_INT_EQ(size, 99);
        CHECK(bs_plist_dict_get(v, "s") == (v == root ? s : NULL));
        CHECK(bs_plist_array_count(v) == 0);
        CHECK(bs_plist_array_at(v, 0) == NULL);
    }
    double real = 0.0;
    CHECK(!bs_plist_get_real(i, &real)); /* integers are not converted to reals */

    CHECK(bs_plist_dict_get(root, "missing") == NULL);
    CHECK(bs_plist_dict_get(root, "") == NULL);
    CHECK(bs_plist_dict_get(root, NULL) == NULL);
    CHECK(bs_plist_dict_get(bs_plist_dict_get(root, "missing"), "chained") == NULL);
    bool flag = true;
    CHECK(!bs_plist_get_bool(bs_plist_dict_get(root, "missing"), &flag));
    CHECK(flag);
    CHECK_INT_EQ(bs_plist_value_type(NULL), BS_PLIST_NULL);
    CHECK_INT_EQ(bs_plist_value_type(s), BS_PLIST_STRING);
    CHECK_STR_EQ(bs_plist_type_name(BS_PLIST_UID), "uid");
    CHECK(bs_plist_root(NULL) == NULL);
    bs_plist_free(plist);
    bs_plist_free(NULL);
}

/* ---- NSKeyedArchiver ----------------------------------------------------------------------- */

/* An MBFile record as Manifest.db stores it, with XML's {CF$UID: n} references. */
static const char archive_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<plist version=\"1.0\"><dict>\n"
    "<key>$archiver</key><string>NSKeyedArchiver</string>\n"
    "<key>$version</key><integer>100000</integer>\n"
    "<key>$top</key><dict><key>root</key><dict><key>CF$UID</key><integer>1</integer></dict>"
    "</dict>\n"
    "<key>$objects</key><array>\n"
    "  <string>$null</string>\n"
    "  <dict>\n"
    "    <key>RelativePath</key><dict><key>CF$UID</key><integer>2</integer></dict>\n"
    "    <key>Size</key><integer>1234</integer>\n"
    "    <key>EncryptionKey</key><dict><key>CF$UID</key><integer>3</integer></dict>\n"
    "    <key>ProtectionClass</key><integer>4</integer>\n"
    "    <key>Target</key><dict><key>CF$UID</key><integer>0</integer></dict>\n"
    "    <key>Dangling</key><dict><key>CF$UID</key><integer>9</integer></dict>\n"
    "  </dict>\n"
    "  <string>Library/SMS/sms.db</string>\n"
    "  <dict><key>NS.data</key>"
    "<data>BAAAAAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJic=</data></dict>\n"
    "</array>\n"
    "</dict></plist>\n";

/* The same record with binary UIDs, built by hand (libplist 2.2 writes XML's CF$UID dicts
 * back as dicts, not UIDs). */
static void build_archive_binary(struct bpl *b, const uint8_t *key_bytes, size_t key_size)
{
    bpl_init(b, 1);
    uint64_t s_null = bpl_ascii(b, "$null");
    uint64_t s_path = bpl_ascii(b, "Library/SMS/sms.db");
    uint64_t d_key = bpl_data(b, key_bytes, key_size);
    uint64_t u0 = bpl_uid(b, 0);
    uint64_t u1 = bpl_uid(b, 1);
    uint64_t u2 = bpl_uid(b, 2);
    uint64_t u3 = bpl_uid(b, 3);
    uint64_t u9 = bpl_uid(b, 9);
    uint64_t i_size = bpl_int(b, 1234);
    uint64_t i_class = bpl_int(b, 4);
    uint64_t i_version = bpl_int(b, 100000);
    uint64_t file_keys[] = {bpl_ascii(b, "RelativePath"),  bpl_ascii(b, "Size"),
                            bpl_ascii(b, "EncryptionKey"), bpl_ascii(b, "ProtectionClass"),
                            bpl_ascii(b, "Target"),        bpl_ascii(b, "Dangling")};
    uint64_t file_values[] = {u2, i_size, u3, i_class, u0, u9};
    uint64_t file = bpl_dict(b, file_keys, file_values, 6);
    uint64_t wrapper_key = bpl_ascii(b, "NS.data");
    uint64_t wrapper = bpl_dict(b, &wrapper_key, &d_key, 1);
    uint64_t objects_items[] = {s_null, file, s_path, wrapper};
    uint64_t objects = bpl_array(b, objects_items, 4);
    uint64_t root_key = bpl_ascii(b, "root");
    uint64_t top = bpl_dict(b, &root_key, &u1, 1);
    uint64_t root_keys[] = {bpl_ascii(b, "$archiver"), bpl_ascii(b, "$version"),
                            bpl_ascii(b, "$top"), bpl_ascii(b, "$objects")};
    uint64_t root_values[] = {bpl_ascii(b, "NSKeyedArchiver"), i_version, top, objects};
    uint64_t root = bpl_dict(b, root_keys, root_values, 4);
    bpl_finish(b, root);
}

static void check_archive(const struct bs_plist *plist, const char *label)
{
    fprintf(stderr, "# keyed archive: %s\n", label);
    struct bs_error err = {0};
    const struct bs_plist_value *archive = bs_plist_root(plist);
    const struct bs_plist_value *file = NULL;
    CHECK_INT_EQ(bs_plist_keyed_archive_top(archive, "root", &file, &err), BS_OK);
    CHECK(bs_plist_is_type(file, BS_PLIST_DICT));

    const struct bs_plist_value *member = NULL;
    const char *path = NULL;
    CHECK_INT_EQ(bs_plist_keyed_archive_member(archive, file, "RelativePath", &member, &err),
                 BS_OK);
    CHECK(bs_plist_get_string(member, &path));
    CHECK_STR_EQ(path, "Library/SMS/sms.db");
    path = NULL;
    CHECK_INT_EQ(bs_plist_keyed_archive_string(archive, bs_plist_dict_get(file, "RelativePath"),
                                               &path, &err),
                 BS_OK);
    CHECK_STR_EQ(path, "Library/SMS/sms.db");

    int64_t number = 0;
    CHECK_INT_EQ(bs_plist_keyed_archive_member(archive, file, "Size", &member, &err), BS_OK);
    CHECK(bs_plist_get_int(member, &number));
    CHECK_INT_EQ(number, 1234);
    CHECK_INT_EQ(bs_plist_keyed_archive_member(archive, file, "ProtectionClass", &member, &err),
                 BS_OK);
    CHECK(bs_plist_get_int(member, &number));
    CHECK_INT_EQ(number, 4);

    const uint8_t *bytes = NULL;
    size_t size = 0;
    CHECK_INT_EQ(bs_plist_keyed_archive_member(archive, file, "EncryptionKey", &member, &err),
                 BS_OK);
    CHECK_INT_EQ(bs_plist_keyed_archive_data(archive, member, &bytes, &size, &err), BS_OK);
    CHECK_INT_EQ(size, 44);
    CHECK(bytes != NULL && bytes[0] == 4 && bytes[4] == 0 && bytes[43] == 39);
    /* The reference itself resolves too. */
    size = 0;
    CHECK_INT_EQ(bs_plist_keyed_archive_data(archive, bs_plist_dict_get(file, "EncryptionKey"),
                                             &bytes, &size, &err),
                 BS_OK);
    CHECK_INT_EQ(size, 44);

    /* A reference to "$null" and an absent key both read as no value. */
    member = file;
    CHECK_INT_EQ(bs_plist_keyed_archive_member(archive, file, "Target", &member, &err), BS_OK);
    CHECK(member == NULL);
    member = file;
    CHECK_INT_EQ(bs_plist_keyed_archive_member(archive, file, "Digest", &member, &err), BS_OK);
    CHECK(member == NULL);

    uint64_t uid = 0;
    CHECK(bs_plist_keyed_archive_uid(bs_plist_dict_get(file, "RelativePath"), &uid));
    CHECK(uid == 2);
    CHECK(!bs_plist_keyed_archive_uid(bs_plist_dict_get(file, "Size"), &uid));

    /* Errors: a dangling reference, a non-reference, a missing $top key, a wrong type. */
    member = file;
    CHECK_INT_EQ(bs_plist_keyed_archive_member(archive, file, "Dangling", &member, &err),
                 BS_ERR_FORMAT);
    CHECK(member == file);
    const struct bs_plist_value *object = NULL;
    CHECK_INT_EQ(
        bs_plist_keyed_archive_object(archive, bs_plist_dict_get(file, "Dangling"), &object, &err),
        BS_ERR_FORMAT);
    CHECK_INT_EQ(
        bs_plist_keyed_archive_object(archive, bs_plist_dict_get(file, "Size"), &object, &err),
        BS_ERR_FORMAT);
    CHECK_INT_EQ(bs_plist_keyed_archive_object(archive, NULL, &object, &err), BS_ERR_FORMAT);
    CHECK(object == NULL);
    CHECK_INT_EQ(bs_plist_keyed_archive_top(archive, "nothere", &object, &err), BS_ERR_NOT_FOUND);
    CHECK_INT_EQ(bs_plist_keyed_archive_top(file, "root", &object, &err), BS_ERR_FORMAT);
    CHECK_INT_EQ(
        bs_plist_keyed_archive_data(archive, bs_plist_dict_get(file, "Size"), &bytes, &size, &err),
        BS_ERR_FORMAT);
    CHECK_INT_EQ(bs_plist_keyed_archive_string(archive, bs_plist_dict_get(file, "EncryptionKey"),
                                               &path, &err),
                 BS_ERR_FORMAT);
    CHECK_INT_EQ(bs_plist_keyed_archive_member(archive, NULL, "Size", &member, &err),
                 BS_ERR_FORMAT);
}

static void test_keyed_archive(void)
{
    uint8_t key_bytes[44];
    key_bytes[0] = 4; /* little-endian protection class 4, then the wrapped key */
    key_bytes[1] = key_bytes[2] = key_bytes[3] = 0;
    for (size_t i = 4; i < sizeof(key_bytes); i++) {
        key_bytes[i] = (uint8_t)(i - 4);
    }
    struct bpl b;
    build_archive_binary(&b, key_bytes, sizeof(key_bytes));
    size_t converted_size = 0;
    void *converted = xml_to_binary(archive_xml, &converted_size);
    const struct {
        const char *label;
        const void *bytes;
        size_t size;
    } inputs[] = {
        {"xml (CF$UID dicts)", archive_xml, sizeof(archive_xml) - 1},
        {"binary (UIDs)", b.bytes, b.size},
        {"binary from xml (CF$UID dicts)", converted, converted_size},
    };
    for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        struct bs_error err = {0};
        struct bs_plist *plist = NULL;
        enum bs_status status = bs_plist_parse(inputs[i].bytes, inputs[i].size, &plist, &err);
        if (status != BS_OK) {
            fprintf(stderr, "%s: %s\n", inputs[i].label, err.message);
        }
        CHECK_INT_EQ(status, BS_OK);
        if (plist != NULL) {
            check_archive(plist, inputs[i].label);
        }
        bs_plist_free(plist);
    }
    /* In the hand-built one the references really are UIDs. */
    struct bs_plist *plist = NULL;
    struct bs_error err = {0};
    CHECK_INT_EQ(bs_plist_parse(b.bytes, b.size, &plist, &err), BS_OK);
    uint64_t uid = 0;
    const struct bs_plist_value *ref =
        bs_plist_dict_get(bs_plist_dict_get(bs_plist_root(plist), "$top"), "root");
    CHECK(bs_plist_is_type(ref, BS_PLIST_UID));
    CHECK(bs_plist_get_uid(ref, &uid));
    CHECK(uid == 1);
    bs_plist_free(plist);
    free(converted);
    bpl_free(&b);
}

/* ---- Deep nesting -------------------------------------------------------------------------- */

static void check_depth(const struct bs_plist *plist, size_t want_depth)
{
    const struct bs_plist_value *value = bs_plist_root(plist);
    size_t depth = 0;
    while (bs_plist_is_type(value, BS_PLIST_ARRAY)) {
        depth++;
        value = bs_plist_array_at(value, 0);
    }
    CHECK_INT_EQ(depth, want_depth);
}

static void test_deep_xml(void)
{
    const struct {
        const char *label;
        const char *open;
        const char *close;
        size_t count;
        enum bs_status want;
    } cases[] = {
        {"64 arrays", "<array>", "</array>", BS_MAX_PLIST_DEPTH, BS_OK},
        {"65 arrays", "<array>", "</array>", BS_MAX_PLIST_DEPTH + 1, BS_ERR_LIMIT},
        {"100000 arrays", "<array>", "</array>", 100000, BS_ERR_LIMIT},
        {"100000 dicts", "<dict><key>k</key>", "</dict>", 100000, BS_ERR_LIMIT},
        /* libplist skips quoted text inside tags: '/>' in an attribute is not self-closing. */
        {"quoted '/>' in tags (3)", "<array a=\"/>\">", "</array>", 3, BS_OK},
        {"quoted '/>' in tags", "<array a=\"/>\">", "</array>", 100000, BS_ERR_LIMIT},
        /* ... and inside <?...?>: the '</array>' there is not a close tag. */
        {"quoted close tag in <?...?> (3)", "<array><?x \" ?></array>\"?>", "</array>", 3, BS_OK},
        {"quoted close tag in <?...?>", "<array><?x \" ?></array>\"?>", "</array>", 100000,
         BS_ERR_LIMIT},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *xml =
            repeat_text("<plist>", cases[i].open, cases[i].count, "", cases[i].close, "</plist>");
        struct bs_error err = {0};
        struct bs_plist *plist = NULL;
        enum bs_status got = bs_plist_parse(xml, strlen(xml), &plist, &err);
        if (got != cases[i].want) {
            fprintf(stderr, "%s: got %s (%s)\n", cases[i].label, bs_status_name(got), err.message);
        }
        CHECK_INT_EQ(got, cases[i].want);
        if (got == BS_OK && cases[i].open[1] == 'a') {
            check_depth(plist, cases[i].count);
        }
        bs_plist_free(plist);
        free(xml);
    }
}

/* count nested one-element arrays, the innermost empty: libplist 2.2 overflows its stack on
 * about 100,000 of these. */
static void build_nested_binary(struct bpl *b, size_t count)
{
    bpl_init(b, 4);
    for (size_t i = 0; i + 1 < count; i++) {
        uint64_t next = (uint64_t)i + 1;
        bpl_array(b, &next, 1);
    }
    bpl_array(b, NULL, 0);
    bpl_finish(b, 0);
}

static void test_deep_binary(void)
{
    const struct {
        size_t count;
        enum bs_status want;
    } cases[] = {
        {1, BS_OK},
        {BS_MAX_PLIST_DEPTH, BS_OK},
        {BS_MAX_PLIST_DEPTH + 1, BS_ERR_LIMIT},
        {100000, BS_ERR_LIMIT},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct bpl b;
        build_nested_binary(&b, cases[i].count);
        struct bs_error err = {0};
        struct bs_plist *plist = NULL;
        CHECK_INT_EQ(bs_plist_parse(b.bytes, b.size, &plist, &err), cases[i].want);
        if (plist != NULL) {
            check_depth(plist, cases[i].count);
        }
        bs_plist_free(plist);
        bpl_free(&b);
    }
}

/* ---- Cycles and shared objects ------------------------------------------------------------- */

static void test_cycles_and_sharing(void)
{
    struct bpl b;

    /* An array that contains itself. */
    bpl_init(&b, 1);
    uint64_t self = 0;
    bpl_array(&b, &self, 1);
    bpl_finish(&b, 0);
    check_rejected(b.bytes, b.size, BS_ERR_FORMAT, "self-referencing array");
    bpl_free(&b);

    /* array 0 -> dict 1 -> array 0. */
    bpl_init(&b, 1);
    uint64_t to_dict = 1;
    bpl_array(&b, &to_dict, 1);
    uint64_t key = 2;
    uint64_t back = 0;
    bpl_dict(&b, &key, &back, 1);
    bpl_ascii(&b, "k");
    bpl_finish(&b, 0);
    check_rejected(b.bytes, b.size, BS_ERR_FORMAT, "indirect cycle");
    bpl_free(&b);

    /* A dict used as its own key. */
    bpl_init(&b, 1);
    uint64_t zero = 0;
    uint64_t value = 1;
    bpl_dict(&b, &zero, &value, 1);
    bpl_int(&b, 1);
    bpl_finish(&b, 0);
    check_rejected(b.bytes, b.size, BS_ERR_FORMAT, "dict as its own key");
    bpl_free(&b);

    /* Sharing without a cycle is fine: [[s], [s]] with one array object and one string. */
    bpl_init(&b, 1);
    uint64_t inner_twice[] = {1, 1};
    bpl_array(&b, inner_twice, 2);
    uint64_t leaf = 2;
    bpl_array(&b, &leaf, 1);
    bpl_ascii(&b, "shared");
    bpl_finish(&b, 0);
    struct bs_plist *plist = NULL;
    struct bs_error err = {0};
    CHECK_INT_EQ(bs_plist_parse(b.bytes, b.size, &plist, &err), BS_OK);
    const char *text = NULL;
    CHECK(bs_plist_get_string(bs_plist_array_at(bs_plist_array_at(bs_plist_root(plist), 1), 0),
                              &text));
    CHECK_STR_EQ(text, "shared");
    bs_plist_free(plist);
    bpl_free(&b);

    /* 40 levels of [next, next]: 2^40 values once expanded, from a few hundred bytes. */
    bpl_init(&b, 1);
    for (uint64_t i = 0; i < 40; i++) {
        uint64_t twice[] = {i + 1, i + 1};
        bpl_array(&b, twice, 2);
    }
    bpl_int(&b, 7);
    bpl_finish(&b, 0);
    check_rejected(b.bytes, b.size, BS_ERR_LIMIT, "shared-object bomb");
    bpl_free(&b);

    /* One 1 MB data object referenced 100 times: 100 MB once expanded. */
    bpl_init(&b, 1);
    uint64_t refs[100];
    for (size_t i = 0; i < 100; i++) {
        refs[i] = 1;
    }
    bpl_array(&b, refs, 100);
    uint8_t *megabyte = calloc(1024 * 1024, 1);
    CHECK(megabyte != NULL);
    if (megabyte != NULL) {
        bpl_data(&b, megabyte, 1024 * 1024);
        bpl_finish(&b, 0);
        check_rejected(b.bytes, b.size, BS_ERR_LIMIT, "shared data bomb");
    }
    free(megabyte);
    bpl_free(&b);
}

/* ---- Malformed and oversized input --------------------------------------------------------- */

static uint32_t lcg_state = 12345;

static uint32_t lcg_next(void)
{
    lcg_state = lcg_state * 1103515245u + 12345u;
    return lcg_state >> 8;
}

/* Random corruption: whatever the verdict, no crash, no leak, no overread (each copy is
 * exactly sized for ASan). */
static void fuzz_bytes(const void *bytes, size_t size, int rounds, const char *label)
{
    size_t accepted = 0;
    for (int round = 0; round < rounds; round++) {
        uint8_t *copy = xmalloc(size);
        memcpy(copy, bytes, size);
        int edit_count = 1 + (int)(lcg_next() % 3);
        for (int e = 0; e < edit_count; e++) {
            copy[lcg_next() % size] = (uint8_t)lcg_next();
        }
        struct bs_plist *plist = NULL;
        struct bs_error err = {0};
        if (bs_plist_parse(copy, size, &plist, &err) == BS_OK) {
            CHECK(plist != NULL);
            accepted++;
        }
        bs_plist_free(plist);
        free(copy);
    }
    fprintf(stderr, "# random corruption of %s: %zu of %d still parsed\n", label, accepted, rounds);
}

/* Builds a small valid binary plist with every object kind libplist reads. */
static void build_small_binary(struct bpl *b)
{
    bpl_init(b, 1);
    uint64_t keys[] = {bpl_ascii(b, "a"), bpl_ascii(b, "b"), bpl_ascii(b, "c"), bpl_ascii(b, "d")};
    uint64_t values[4];
    values[0] = bpl_int(b, 5);
    values[1] = bpl_data(b, "xyz", 3);
    uint64_t items[] = {bpl_ascii(b, "one"), bpl_uid(b, 3)};
    values[2] = bpl_array(b, items, 2);
    values[3] = bpl_begin(b);
    bpl_put_byte(b, 0x09); /* true */
    bpl_finish(b, bpl_dict(b, keys, values, 4));
}

static void test_malformed_binary(void)
{
    struct bpl b;
    build_small_binary(&b);
    struct bs_plist *plist = NULL;
    struct bs_error err = {0};
    CHECK_INT_EQ(bs_plist_parse(b.bytes, b.size, &plist, &err), BS_OK);
    bs_plist_free(plist);

    /* Every truncation. Each copy is exactly sized so ASan sees any overread. */
    for (size_t size = 0; size < b.size; size++) {
        uint8_t *copy = xmalloc(size);
        memcpy(copy, b.bytes, size);
        check_rejected(copy, size, BS_ERR_FORMAT, "truncated binary plist");
        free(copy);
    }

    /* Targeted corruptions of the trailer, offset table and objects. */
    size_t trailer = b.size - 32;
    size_t table = b.size - 32 - b.count * 4;
    const struct {
        const char *label;
        size_t at;
        uint8_t byte;
        enum bs_status want;
    } edits[] = {
        {"offset width 0", trailer + 6, 0, BS_ERR_FORMAT},
        {"offset width 9", trailer + 6, 9, BS_ERR_FORMAT},
        {"reference width 0", trailer + 7, 0, BS_ERR_FORMAT},
        {"object count huge", trailer + 8, 0x7F, BS_ERR_FORMAT},
        {"top object out of range", trailer + 23, 0xFF, BS_ERR_FORMAT},
        {"offset table outside the file", trailer + 24, 0x10, BS_ERR_FORMAT},
        {"object offset into the header", table + 3, 0x02, BS_ERR_FORMAT},
        {"object offset past the objects", table + 2, 0x7F, BS_ERR_FORMAT},
        {"null object", b.offsets[0], 0x00, BS_ERR_FORMAT},
        {"unknown marker", b.offsets[0], 0x70, BS_ERR_FORMAT},
        {"key that is an integer", b.offsets[0], 0x10, BS_ERR_FORMAT},
        {"string longer than the file", b.offsets[0], 0x5F, BS_ERR_FORMAT},
        {"version 10", 6, '1', BS_ERR_UNSUPPORTED},
    };
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        uint8_t *copy = xmalloc(b.size);
        memcpy(copy, b.bytes, b.size);
        copy[edits[i].at] = edits[i].byte;
        check_rejected(copy, b.size, edits[i].want, edits[i].label);
        free(copy);
    }

    /* A reference to an object that does not exist (the dict's first key). */
    uint8_t *copy = xmalloc(b.size);
    memcpy(copy, b.bytes, b.size);
    copy[b.offsets[b.count - 1] + 1] = 0xEE;
    check_rejected(copy, b.size, BS_ERR_FORMAT, "reference out of range");
    free(copy);

    fuzz_bytes(b.bytes, b.size, 20000, "small binary");
    bpl_free(&b);

    /* Garbage after a valid magic, and a plist of all 0xFF. */
    uint8_t garbage[200];
    memset(garbage, 0xFF, sizeof(garbage));
    memcpy(garbage, "bplist00", 8);
    check_rejected(garbage, sizeof(garbage), BS_ERR_FORMAT, "bplist00 + 0xFF");
    for (size_t i = 8; i < sizeof(garbage); i++) {
        garbage[i] = (uint8_t)lcg_next();
    }
    check_rejected(garbage, sizeof(garbage), BS_ERR_FORMAT, "bplist00 + random");

    /* A UTF-16 dict key holding U+0000 (libplist 2.2 aborts reading such a key). */
    bpl_init(&b, 1);
    uint64_t key = bpl_begin(&b);
    bpl_put(&b, "\x62\x00\x41\x00\x00", 5);
    uint64_t one = bpl_int(&b, 1);
    bpl_finish(&b, bpl_dict(&b, &key, &one, 1));
    check_rejected(b.bytes, b.size, BS_ERR_FORMAT, "UTF-16 key with U+0000");
    bpl_free(&b);

    /* Corruption of larger binaries: every type, and a keyed archive. */
    size_t size = 0;
    void *binary = xml_to_binary(all_types_xml, &size);
    fuzz_bytes(binary, size, 20000, "all-types binary");
    free(binary);
    uint8_t key_bytes[44] = {4};
    build_archive_binary(&b, key_bytes, sizeof(key_bytes));
    fuzz_bytes(b.bytes, b.size, 20000, "keyed archive binary");
    bpl_free(&b);
}

static void test_malformed_xml(void)
{
    const struct {
        const char *label;
        const char *text;
        enum bs_status want;
    } cases[] = {
        {"not a plist", "hello, this is not a plist at all", BS_ERR_FORMAT},
        {"too short", "<a/>", BS_ERR_FORMAT},
        {"empty", "", BS_ERR_FORMAT},
        {"mismatched close", "<plist><array></dict></plist>", BS_ERR_FORMAT},
        {"close without open", "<plist></array></plist>", BS_ERR_FORMAT},
        {"unclosed array", "<plist><array><string>x</string></plist>", BS_ERR_FORMAT},
        {"unclosed string", "<plist><string>x</plist>", BS_ERR_FORMAT},
        {"unknown tag", "<plist><banana/></plist>", BS_ERR_FORMAT},
        {"unterminated comment", "<plist><!-- <array> </plist>", BS_ERR_FORMAT},
        {"unterminated <?", "<plist><?x </plist>", BS_ERR_FORMAT},
        {"unterminated quote", "<plist><array a=\"></array></plist>", BS_ERR_FORMAT},
        {"bad <! markup", "<plist><!ELEMENT x></plist>", BS_ERR_FORMAT},
        {"tag without '>'", "<plist><array <string></plist>", BS_ERR_FORMAT},
        {"ends after '<'", "<plist><", BS_ERR_FORMAT},
        {"bad base64", "<plist><data>!!!!</data></plist>", BS_OK},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (cases[i].want == BS_OK) {
            /* libplist 2.2's verdict on these varies; only require no crash. */
            struct bs_plist *plist = NULL;
            struct bs_error err = {0};
            (void)bs_plist_parse(cases[i].text, strlen(cases[i].text), &plist, &err);
            bs_plist_free(plist);
            continue;
        }
        check_rejected(cases[i].text, strlen(cases[i].text), cases[i].want, cases[i].label);
    }
    check_rejected(NULL, 0, BS_ERR_FORMAT, "NULL input");
    const char with_nul[] = "<plist><dict><key>a\0b</key><true/></dict></plist>";
    check_rejected(with_nul, sizeof(with_nul) - 1, BS_ERR_FORMAT, "XML with a NUL byte");
    fuzz_bytes(all_types_xml, sizeof(all_types_xml) - 1, 20000, "all-types XML");

    /* Every truncation of a valid XML plist is refused or parsed, never a crash. */
    size_t size = sizeof(all_types_xml) - 1;
    for (size_t cut = 0; cut < size; cut++) {
        char *copy = xmalloc(cut);
        memcpy(copy, all_types_xml, cut);
        struct bs_plist *plist = NULL;
        struct bs_error err = {0};
        enum bs_status status = bs_plist_parse(copy, cut, &plist, &err);
        CHECK(status == BS_OK || status == BS_ERR_FORMAT);
        bs_plist_free(plist);
        free(copy);
    }
}

static void test_oversized(void)
{
    size_t size = (size_t)BS_MAX_PLIST_BYTES + 1;
    char *big = calloc(size, 1);
    CHECK(big != NULL);
    if (big == NULL) {
        return;
    }
    memcpy(big, "bplist00", 8);
    check_rejected(big, size, BS_ERR_LIMIT, "oversized binary");
    memcpy(big, "<plist> ", 8);
    check_rejected(big, size, BS_ERR_LIMIT, "oversized xml");
    struct bs_error err = {0};
    void *out = NULL;
    size_t out_size = 0;
    CHECK_INT_EQ(bs_fixture_plist_xml_to_binary(big, size, &out, &out_size, &err), BS_ERR_LIMIT);
    CHECK(out == NULL);
    free(big);
}

/* ---- XML to binary ------------------------------------------------------------------------- */

static void test_xml_to_binary(void)
{
    const char *xml = "<plist><dict><key>a</key><integer>1</integer></dict></plist>";
    size_t size = 0;
    void *binary = xml_to_binary(xml, &size);
    struct bs_plist *plist = NULL;
    struct bs_error err = {0};
    CHECK_INT_EQ(bs_plist_parse(binary, size, &plist, &err), BS_OK);
    int64_t number = 0;
    CHECK(bs_plist_get_int(bs_plist_dict_get(bs_plist_root(plist), "a"), &number));
    CHECK_INT_EQ(number, 1);
    bs_plist_free(plist);

    /* Binary input, malformed XML and deep XML are refused; out-params stay untouched. */
    void *out = NULL;
    size_t out_size = 0;
    CHECK_INT_EQ(bs_fixture_plist_xml_to_binary(binary, size, &out, &out_size, &err),
                 BS_ERR_FORMAT);
    free(binary);
    CHECK_INT_EQ(bs_fixture_plist_xml_to_binary("<plist><array></plist>",
                                                strlen("<plist><array></plist>"), &out, &out_size,
                                                &err),
                 BS_ERR_FORMAT);
    char *deep = repeat_text("<plist>", "<array>", 100000, "", "</array>", "</plist>");
    CHECK_INT_EQ(bs_fixture_plist_xml_to_binary(deep, strlen(deep), &out, &out_size, &err),
                 BS_ERR_LIMIT);
    free(deep);
    CHECK_INT_EQ(bs_fixture_plist_xml_to_binary(NULL, 0, &out, &out_size, &err), BS_ERR_FORMAT);
    CHECK(out == NULL);
    CHECK_INT_EQ(out_size, 0);
}

/* ---- Real chat.properties plists ----------------------------------------------------------- */

static bool read_file(const char *path, uint8_t **bytes, size_t *size)
{
    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        return false;
    }
    uint8_t buffer[65536];
    size_t got = fread(buffer, 1, sizeof(buffer), file);
    bool ok = ferror(file) == 0 && feof(file) != 0;
    fclose(file);
    if (!ok) {
        return false;
    }
    *bytes = xmalloc(got);
    memcpy(*bytes, buffer, got);
    *size = got;
    return true;
}

static void test_real_chat_properties(void)
{
    const char *dir = BS_SHARED_DIR "/realdata/imessage-exporter-macos15/chat_properties";
    for (int n = 1; n <= 4; n++) {
        char path[1024];
        int written = snprintf(path, sizeof(path), "%s/ChatProp%d.plist", dir, n);
        CHECK(written > 0 && (size_t)written < sizeof(path));
        uint8_t *bytes = NULL;
        size_t size = 0;
        if (!read_file(path, &bytes, &size)) {
            fprintf(stderr, "# %s absent: real chat.properties checks skipped\n", path);
            return;
        }
        struct bs_plist *plist = NULL;
        struct bs_error err = {0};
        CHECK_INT_EQ(bs_plist_parse(bytes, size, &plist, &err), BS_OK);
        const struct bs_plist_value *root = bs_plist_root(plist);
        bool forced = false;
        bool present = bs_plist_get_bool(bs_plist_dict_get(root, "shouldForceToSMS"), &forced);
        if (n == 4) {
            CHECK(present && forced);
            double seconds = 0.0;
            CHECK(bs_plist_get_date(bs_plist_dict_get(root, "LSMD"), &seconds));
            CHECK(seconds == 764119015.0);
            int64_t count = 0;
            CHECK(bs_plist_get_int(bs_plist_dict_get(root, "numberOfTimesRespondedtoThread"),
                                   &count));
            CHECK_INT_EQ(count, 1);
        } else {
            CHECK(!(present && forced));
        }
        const char *guid = NULL;
        CHECK(bs_plist_get_string(bs_plist_dict_get(root, "lastSeenMessageGuid"), &guid));
        CHECK(guid != NULL && strlen(guid) == 36);
        bs_plist_free(plist);
        free(bytes);
    }
}

/* Dates far outside 32-bit seconds (fuzz_mbfile found them): libplist 2.2's own getter converts
 * them to int32_t, undefined behaviour; the reader hands the stored double back unchanged. */
static void test_far_dates(void)
{
    const double dates[] = {1e300, -1e300, 4102444800.0, -2147483649.0, 0.5};
    for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
        struct bpl b;
        bpl_init(&b, 1);
        uint64_t index = bpl_begin(&b);
        uint64_t bits = 0;
        memcpy(&bits, &dates[i], sizeof(bits));
        bpl_put_byte(&b, 0x33);
        bpl_put_be(&b, bits, 8);
        bpl_finish(&b, index);
        struct bs_plist *plist = NULL;
        struct bs_error err = {0};
        CHECK_INT_EQ(bs_plist_parse(b.bytes, b.size, &plist, &err), BS_OK);
        double seconds = 0.0;
        CHECK(bs_plist_get_date(bs_plist_root(plist), &seconds));
        CHECK(seconds == dates[i]);
        bs_plist_free(plist);
        bpl_free(&b);
    }
    struct bs_plist *plist = NULL;
    CHECK_INT_EQ(parse_text("<?xml version=\"1.0\"?><plist version=\"1.0\">"
                            "<date>9999-12-31T23:59:59Z</date></plist>",
                            &plist),
                 BS_OK);
    double seconds = 0.0;
    CHECK(bs_plist_get_date(bs_plist_root(plist), &seconds));
    CHECK(seconds == 252423993599.0);
    bs_plist_free(plist);
}

int main(void)
{
    test_all_types();
    test_getters_check_types();
    test_keyed_archive();
    test_deep_xml();
    test_deep_binary();
    test_cycles_and_sharing();
    test_malformed_binary();
    test_malformed_xml();
    test_oversized();
    test_xml_to_binary();
    test_real_chat_properties();
    test_far_dates();
    return check_report("plist_read");
}
