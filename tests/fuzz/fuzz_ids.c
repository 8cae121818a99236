/*
 * Fuzz target: handle identifiers (core/ids): kinds and normal forms of any bytes.
 *
 * Input: one byte picks the handle's country, one the fallback country, the rest (up to the
 * first NUL) is the id. Checked: bs_ids_normalize reports the kind bs_ids_kind gives; the
 * normal form has the shape of its kind (emails and sender ids without upper-case ASCII,
 * short codes 3 to 8 digits, phones '+' and digits or digits alone when no country is known);
 * normalising a normal form again changes nothing (same text, same kind: people merge by
 * comparing normal forms, so a normal form must be a fixed point); and the automated kinds are
 * exactly short codes and sender ids.
 */
#include <string.h>

#include "core/base/limits.h"
#include "core/model/ids.h"
#include "fuzz.h"

static const char *const countries[] = {NULL, "",   "us", "US",  "gb", "fr", "de",
                                        "in", "zz", "u",  "usa", "ca", "ru", "jp"};
#define COUNTRY_COUNT (sizeof(countries) / sizeof(countries[0]))

static bool only_digits(const char *text)
{
    for (const char *p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9') {
            return false;
        }
    }
    return true;
}

static bool has_upper_ascii(const char *text)
{
    for (const char *p = text; *p != '\0'; p++) {
        if (*p >= 'A' && *p <= 'Z') {
            return true;
        }
    }
    return false;
}

static void check_shape(const char *normal, enum bs_id_kind kind)
{
    switch (kind) {
    case BS_ID_PHONE:
        FUZZ_CHECK(normal[0] == '+' ? only_digits(normal + 1) : only_digits(normal));
        FUZZ_CHECK(strlen(normal) >= 2);
        break;
    case BS_ID_SHORT_CODE:
        FUZZ_CHECK(only_digits(normal) && strlen(normal) >= 3 && strlen(normal) <= 8);
        break;
    case BS_ID_EMAIL:
        FUZZ_CHECK(strchr(normal, '@') != NULL && !has_upper_ascii(normal));
        break;
    case BS_ID_ALPHANUMERIC:
        FUZZ_CHECK(strchr(normal, '@') == NULL && !has_upper_ascii(normal));
        break;
    case BS_ID_OTHER:
        break;
    }
    FUZZ_CHECK(strlen(normal) <= BS_MAX_STRING_BYTES + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct bs_ids *ids;
    if (ids == NULL && bs_ids_create(&ids, NULL) != BS_OK) {
        abort();
    }
    if (size < 2) {
        return 0;
    }
    const char *country = countries[data[0] % COUNTRY_COUNT];
    const char *fallback = countries[data[1] % COUNTRY_COUNT];
    size_t length = size - 2;
    char *id = malloc(length + 1);
    if (id == NULL) {
        return 0;
    }
    memcpy(id, data + 2, length);
    id[length] = '\0';

    enum bs_id_kind kind = bs_ids_kind(ids, id);
    enum bs_id_kind reported = BS_ID_OTHER;
    char *normal = bs_ids_normalize(ids, id, country, fallback, &reported);
    FUZZ_CHECK(normal != NULL);
    FUZZ_CHECK(reported == kind);
    FUZZ_CHECK(bs_ids_is_automated(kind) ==
               (kind == BS_ID_SHORT_CODE || kind == BS_ID_ALPHANUMERIC));
    if (strlen(id) > BS_MAX_ID_BYTES) {
        FUZZ_CHECK(kind == BS_ID_OTHER);
    }
    check_shape(normal, kind);

    /* Idempotent, as long as the normal form (a country code longer) still fits the limit
     * under which ids are classified at all. */
    if (strlen(normal) <= BS_MAX_ID_BYTES) {
        enum bs_id_kind again_kind = BS_ID_OTHER;
        char *again = bs_ids_normalize(ids, normal, country, fallback, &again_kind);
        FUZZ_CHECK(again != NULL);
        FUZZ_CHECK(again_kind == kind);
        FUZZ_CHECK(strcmp(again, normal) == 0);
        free(again);
    }

    const char *code = bs_ids_calling_code(country);
    FUZZ_CHECK(code == NULL || (only_digits(code) && code[0] != '\0'));

    free(normal);
    free(id);
    return 0;
}
