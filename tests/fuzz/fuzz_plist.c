/*
 * Fuzz target: the plist reader (core/plist_read), binary and XML.
 *
 * Any bytes go to bs_plist_parse. On success every node is walked and every getter asked:
 * exactly the getter of the node's type answers, strings and keys respect
 * BS_MAX_STRING_BYTES, every data byte is read (so an overread shows), dict lookups find the
 * first entry of a key, and the keyed-archive helpers run on every object of an archive. On
 * failure the status is a documented one with a message. An XML input that is UTF-8 text and
 * parses is also converted to binary with bs_fixture_plist_xml_to_binary (fixture support)
 * and parsed again: both trees must hold the same values.
 */
#include <string.h>

#include <math.h>

#include "core/base/limits.h"
#include "core/store/plist_read.h"
#include "fixture_plist.h"
#include "fuzz.h"

static bool is_valid_utf8(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    while (*p != '\0') {
        size_t length = 0;
        uint32_t value = 0;
        uint32_t minimum = 0;
        if (*p < 0x80) {
            p++;
            continue;
        }
        if ((*p & 0xE0) == 0xC0) {
            length = 2;
            value = *p & 0x1Fu;
            minimum = 0x80;
        } else if ((*p & 0xF0) == 0xE0) {
            length = 3;
            value = *p & 0x0Fu;
            minimum = 0x800;
        } else if ((*p & 0xF8) == 0xF0) {
            length = 4;
            value = *p & 0x07u;
            minimum = 0x10000;
        } else {
            return false;
        }
        for (size_t i = 1; i < length; i++) {
            if ((p[i] & 0xC0) != 0x80) {
                return false;
            }
            value = (value << 6) | (p[i] & 0x3Fu);
        }
        if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
            return false;
        }
        p += length;
    }
    return true;
}

/* Asks every getter; exactly the one of the value's type must answer. */
static void check_getters(const struct bs_plist_value *value)
{
    enum bs_plist_type type = bs_plist_value_type(value);
    FUZZ_CHECK(type != BS_PLIST_NULL);
    FUZZ_CHECK(bs_plist_is_type(value, type));
    FUZZ_CHECK(bs_plist_type_name(type) != NULL);

    bool flag = false;
    FUZZ_CHECK(bs_plist_get_bool(value, &flag) == (type == BS_PLIST_BOOLEAN));

    int64_t signed_value = 0;
    uint64_t unsigned_value = 0;
    bool has_int = bs_plist_get_int(value, &signed_value);
    bool has_uint = bs_plist_get_uint(value, &unsigned_value);
    FUZZ_CHECK((has_int || has_uint) == (type == BS_PLIST_INTEGER));
    if (has_int && has_uint) {
        FUZZ_CHECK(signed_value >= 0 && (uint64_t)signed_value == unsigned_value);
    } else if (has_int) {
        FUZZ_CHECK(signed_value < 0);
    } else if (has_uint) {
        FUZZ_CHECK(unsigned_value > (uint64_t)INT64_MAX);
    }

    double real = 0.0;
    FUZZ_CHECK(bs_plist_get_real(value, &real) == (type == BS_PLIST_REAL));
    double date = 0.0;
    FUZZ_CHECK(bs_plist_get_date(value, &date) == (type == BS_PLIST_DATE));

    const char *text = NULL;
    FUZZ_CHECK(bs_plist_get_string(value, &text) == (type == BS_PLIST_STRING));
    if (type == BS_PLIST_STRING) {
        FUZZ_CHECK(text != NULL && strlen(text) <= BS_MAX_STRING_BYTES);
    }

    const uint8_t *bytes = NULL;
    size_t size = 0;
    FUZZ_CHECK(bs_plist_get_data(value, &bytes, &size) == (type == BS_PLIST_DATA));
    if (type == BS_PLIST_DATA) {
        FUZZ_CHECK(bytes != NULL);
        volatile uint8_t sum = 0;
        for (size_t i = 0; i < size; i++) {
            sum = (uint8_t)(sum + bytes[i]);
        }
        (void)sum;
    }

    uint64_t uid = 0;
    FUZZ_CHECK(bs_plist_get_uid(value, &uid) == (type == BS_PLIST_UID));
    (void)bs_plist_keyed_archive_uid(value, &uid);

    FUZZ_CHECK(bs_plist_dict_count(value) == 0 || type == BS_PLIST_DICT);
    FUZZ_CHECK(bs_plist_array_count(value) == 0 || type == BS_PLIST_ARRAY);
}

static void walk(const struct bs_plist_value *value, size_t depth)
{
    /* The reader promises no tree deeper than its limit, so this recursion is bounded. */
    FUZZ_CHECK(depth <= BS_MAX_PLIST_DEPTH);
    check_getters(value);
    size_t dict_count = bs_plist_dict_count(value);
    for (size_t i = 0; i < dict_count; i++) {
        const char *key = bs_plist_dict_key_at(value, i);
        const struct bs_plist_value *child = bs_plist_dict_value_at(value, i);
        FUZZ_CHECK(key != NULL && child != NULL);
        FUZZ_CHECK(strlen(key) <= BS_MAX_STRING_BYTES);
        const struct bs_plist_value *first = NULL;
        for (size_t j = 0; j <= i && first == NULL; j++) {
            if (strcmp(bs_plist_dict_key_at(value, j), key) == 0) {
                first = bs_plist_dict_value_at(value, j);
            }
        }
        FUZZ_CHECK(bs_plist_dict_get(value, key) == first);
        walk(child, depth + 1);
    }
    FUZZ_CHECK(bs_plist_dict_key_at(value, dict_count) == NULL);
    FUZZ_CHECK(bs_plist_dict_value_at(value, dict_count) == NULL);
    size_t array_count = bs_plist_array_count(value);
    for (size_t i = 0; i < array_count; i++) {
        const struct bs_plist_value *child = bs_plist_array_at(value, i);
        FUZZ_CHECK(child != NULL);
        walk(child, depth + 1);
    }
    FUZZ_CHECK(bs_plist_array_at(value, array_count) == NULL);
}

static void check_error(enum bs_status status, const struct bs_error *err)
{
    FUZZ_CHECK(status == BS_ERR_FORMAT || status == BS_ERR_LIMIT || status == BS_ERR_UNSUPPORTED ||
               status == BS_ERR_NOMEM);
    FUZZ_CHECK(err->status == status);
    FUZZ_CHECK(err->message[0] != '\0');
}

/* Every helper of the keyed-archive API on every object: they must fail cleanly or return
 * values of the documented types. */
static void check_keyed_archive(const struct bs_plist_value *archive)
{
    struct bs_error err = {BS_OK, ""};
    const struct bs_plist_value *object = NULL;
    (void)bs_plist_keyed_archive_top(archive, "root", &object, &err);
    const struct bs_plist_value *objects = bs_plist_dict_get(archive, "$objects");
    size_t count = bs_plist_array_count(objects);
    for (size_t i = 0; i < count; i++) {
        const struct bs_plist_value *item = bs_plist_array_at(objects, i);
        const uint8_t *bytes = NULL;
        size_t size = 0;
        if (bs_plist_keyed_archive_data(archive, item, &bytes, &size, &err) == BS_OK) {
            FUZZ_CHECK(bytes != NULL);
        }
        const char *text = NULL;
        if (bs_plist_keyed_archive_string(archive, item, &text, &err) == BS_OK) {
            FUZZ_CHECK(text != NULL);
        }
        size_t members = bs_plist_dict_count(item);
        for (size_t m = 0; m < members; m++) {
            const struct bs_plist_value *member = NULL;
            const char *key = bs_plist_dict_key_at(item, m);
            if (bs_plist_keyed_archive_member(archive, item, key, &member, &err) == BS_OK &&
                member != NULL) {
                check_getters(member);
            }
            const struct bs_plist_value *target = NULL;
            if (bs_plist_keyed_archive_object(archive, bs_plist_dict_value_at(item, m), &target,
                                              &err) == BS_OK) {
                FUZZ_CHECK(target != NULL);
            }
        }
    }
}

static bool same_double(double a, double b, double tolerance)
{
    if (isnan(a) || isnan(b)) {
        return isnan(a) && isnan(b);
    }
    if (isinf(a) || isinf(b)) {
        return a == b;
    }
    return fabs(a - b) <= tolerance;
}

/* The tree parsed from XML and the one parsed from its binary conversion hold equal values. */
static void check_same(const struct bs_plist_value *a, const struct bs_plist_value *b, size_t depth)
{
    FUZZ_CHECK(depth <= BS_MAX_PLIST_DEPTH);
    enum bs_plist_type type = bs_plist_value_type(a);
    FUZZ_CHECK(type == bs_plist_value_type(b));
    switch (type) {
    case BS_PLIST_BOOLEAN: {
        bool x = false, y = false;
        FUZZ_CHECK(bs_plist_get_bool(a, &x) && bs_plist_get_bool(b, &y) && x == y);
        break;
    }
    case BS_PLIST_INTEGER: {
        uint64_t x = 0, y = 0;
        int64_t sx = 0, sy = 0;
        FUZZ_CHECK(bs_plist_get_uint(a, &x) == bs_plist_get_uint(b, &y) && x == y);
        FUZZ_CHECK(bs_plist_get_int(a, &sx) == bs_plist_get_int(b, &sy) && sx == sy);
        break;
    }
    case BS_PLIST_REAL: {
        double x = 0, y = 0;
        FUZZ_CHECK(bs_plist_get_real(a, &x) && bs_plist_get_real(b, &y));
        FUZZ_CHECK(same_double(x, y, 0.0));
        break;
    }
    case BS_PLIST_DATE: {
        double x = 0, y = 0;
        FUZZ_CHECK(bs_plist_get_date(a, &x) && bs_plist_get_date(b, &y));
        FUZZ_CHECK(same_double(x, y, 1e-5)); /* microseconds travel through a double */
        break;
    }
    case BS_PLIST_STRING: {
        const char *x = NULL, *y = NULL;
        FUZZ_CHECK(bs_plist_get_string(a, &x) && bs_plist_get_string(b, &y));
        if (is_valid_utf8(x) && strlen(x) < BS_MAX_STRING_BYTES) {
            FUZZ_CHECK(strcmp(x, y) == 0);
        }
        break;
    }
    case BS_PLIST_DATA: {
        const uint8_t *x = NULL, *y = NULL;
        size_t xs = 0, ys = 0;
        FUZZ_CHECK(bs_plist_get_data(a, &x, &xs) && bs_plist_get_data(b, &y, &ys));
        FUZZ_CHECK(xs == ys && (xs == 0 || memcmp(x, y, xs) == 0));
        break;
    }
    case BS_PLIST_UID: {
        uint64_t x = 0, y = 0;
        FUZZ_CHECK(bs_plist_get_uid(a, &x) && bs_plist_get_uid(b, &y) && x == y);
        break;
    }
    case BS_PLIST_ARRAY: {
        size_t count = bs_plist_array_count(a);
        FUZZ_CHECK(count == bs_plist_array_count(b));
        for (size_t i = 0; i < count; i++) {
            check_same(bs_plist_array_at(a, i), bs_plist_array_at(b, i), depth + 1);
        }
        break;
    }
    case BS_PLIST_DICT: {
        size_t count = bs_plist_dict_count(a);
        FUZZ_CHECK(count == bs_plist_dict_count(b));
        for (size_t i = 0; i < count; i++) {
            const char *key = bs_plist_dict_key_at(a, i);
            if (is_valid_utf8(key) && strlen(key) < BS_MAX_STRING_BYTES) {
                FUZZ_CHECK(strcmp(key, bs_plist_dict_key_at(b, i)) == 0);
            }
            check_same(bs_plist_dict_value_at(a, i), bs_plist_dict_value_at(b, i), depth + 1);
        }
        break;
    }
    case BS_PLIST_NULL:
        FUZZ_CHECK(false);
        break;
    }
}

static void check_xml_round_trip(const uint8_t *data, size_t size, const struct bs_plist *parsed)
{
    struct bs_error err = {BS_OK, ""};
    void *binary = NULL;
    size_t binary_size = 0;
    enum bs_status status =
        bs_fixture_plist_xml_to_binary((const char *)data, size, &binary, &binary_size, &err);
    if (parsed == NULL || status == BS_ERR_NOMEM) {
        /* The converter accepts a few inputs the reader refuses (shorter than 8 bytes). */
        free(binary);
        return;
    }
    FUZZ_CHECK(status == BS_OK);
    struct bs_plist *again = NULL;
    status = bs_plist_parse(binary, binary_size, &again, &err);
    FUZZ_CHECK(status == BS_OK);
    check_same(bs_plist_root(parsed), bs_plist_root(again), 0);
    bs_plist_free(again);
    free(binary);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bs_error err = {BS_OK, ""};
    struct bs_plist *plist = NULL;
    enum bs_status status = bs_plist_parse(data, size, &plist, &err);
    if (status == BS_OK) {
        FUZZ_CHECK(plist != NULL);
        walk(bs_plist_root(plist), 0);
        check_keyed_archive(bs_plist_root(plist));
    } else {
        FUZZ_CHECK(plist == NULL);
        check_error(status, &err);
    }
    /* XML is UTF-8 text: libplist writes other bytes in a binary plist it cannot read back
     * (a key of invalid UTF-8 becomes an empty UTF-16 string), so only text is compared. */
    bool is_binary = size >= 6 && memcmp(data, "bplist", 6) == 0;
    char *text = is_binary ? NULL : malloc(size + 1);
    if (text != NULL) {
        memcpy(text, data, size);
        text[size] = '\0';
        if (memchr(text, '\0', size) == NULL && is_valid_utf8(text)) {
            check_xml_round_trip(data, size, plist);
        }
        free(text);
    }
    bs_plist_free(plist);
    return 0;
}
