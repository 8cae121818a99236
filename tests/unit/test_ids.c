/* Table-driven tests of core/ids: kinds and normal forms of handle ids (SPEC 3.3). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/model/ids.h"

static void test_normal_forms(const struct bs_ids *ids)
{
    static const struct {
        const char *id;
        const char *country;
        const char *fallback;
        enum bs_id_kind kind;
        const char *normal;
    } rows[] = {
        {"+15551234567", NULL, "us", BS_ID_PHONE, "+15551234567"},
        {"(555) 123-4567", NULL, "us", BS_ID_PHONE, "+15551234567"},
        {"555.123.4567", "us", "gb", BS_ID_PHONE, "+15551234567"},
        {"1 555 123 4567", NULL, "us", BS_ID_PHONE, "+15551234567"},
        {"07700 900123", "gb", "us", BS_ID_PHONE, "+447700900123"},
        {"07700 900123", NULL, "gb", BS_ID_PHONE, "+447700900123"},
        {"07700 900123", "GB", "us", BS_ID_PHONE, "+447700900123"},
        {"0044 7700 900123", NULL, "us", BS_ID_PHONE, "+447700900123"},
        {"447700900123", "gb", "us", BS_ID_PHONE, "+447700900123"},
        {"030 1234567", "de", "us", BS_ID_PHONE, "+49301234567"},
        {"030 1234567", "zz", "de", BS_ID_PHONE, "+49301234567"}, /* unknown: fallback */
        {"tel:+33 1 23 45 67 89", NULL, "us", BS_ID_PHONE, "+33123456789"},
        {"Alice@Example.COM", NULL, "us", BS_ID_EMAIL, "alice@example.com"},
        {"22000", NULL, "us", BS_ID_SHORT_CODE, "22000"},
        {"262-966", NULL, "us", BS_ID_SHORT_CODE, "262966"},
        {"12345678", NULL, "us", BS_ID_SHORT_CODE, "12345678"},
        {"123456789", NULL, "us", BS_ID_PHONE, "+1123456789"},
        {"+4940", NULL, "us", BS_ID_PHONE, "+4940"}, /* '+' makes it a number, not a code */
        {"AMAZON", NULL, "us", BS_ID_ALPHANUMERIC, "amazon"},
        {"Google", NULL, "us", BS_ID_ALPHANUMERIC, "google"},
        {"urn:biz:12ab", NULL, "us", BS_ID_ALPHANUMERIC, "urn:biz:12ab"},
        {"", NULL, "us", BS_ID_OTHER, ""},
        {"12", NULL, "us", BS_ID_OTHER, "12"},
        {"=1+2", NULL, "us", BS_ID_OTHER, "=1+2"},
        {"\xC3\x28", NULL, "us", BS_ID_OTHER, "\xC3\x28"}, /* invalid UTF-8: no crash */
        {"caf\xC3\xA9", NULL, "us", BS_ID_ALPHANUMERIC, "caf\xC3\xA9"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        enum bs_id_kind kind = BS_ID_OTHER;
        char *normal = bs_ids_normalize(ids, rows[i].id, rows[i].country, rows[i].fallback, &kind);
        if (kind != rows[i].kind) {
            fprintf(stderr, "id '%s'\n", rows[i].id);
        }
        CHECK_INT_EQ(kind, rows[i].kind);
        CHECK_STR_EQ(normal, rows[i].normal);
        free(normal);
    }
}

static void test_limits(const struct bs_ids *ids)
{
    /* An id longer than BS_MAX_ID_BYTES is not matched at all. */
    size_t size = 100000;
    char *long_id = malloc(size + 1);
    CHECK(long_id != NULL);
    if (long_id != NULL) {
        memset(long_id, 'a', size);
        long_id[size] = '\0';
        CHECK_INT_EQ(bs_ids_kind(ids, long_id), BS_ID_OTHER);
        free(long_id);
    }
    CHECK_INT_EQ(bs_ids_kind(ids, NULL), BS_ID_OTHER);
}

static void test_calling_codes(void)
{
    CHECK_STR_EQ(bs_ids_calling_code("us"), "1");
    CHECK_STR_EQ(bs_ids_calling_code("GB"), "44");
    CHECK_STR_EQ(bs_ids_calling_code("ad"), "376"); /* first of the table */
    CHECK_STR_EQ(bs_ids_calling_code("zw"), "263"); /* last of the table */
    CHECK(bs_ids_calling_code("zz") == NULL);
    CHECK(bs_ids_calling_code("usa") == NULL);
    CHECK(bs_ids_calling_code(NULL) == NULL);
    CHECK(bs_ids_is_automated(BS_ID_SHORT_CODE));
    CHECK(bs_ids_is_automated(BS_ID_ALPHANUMERIC));
    CHECK(!bs_ids_is_automated(BS_ID_PHONE));
    CHECK(!bs_ids_is_automated(BS_ID_EMAIL));
    CHECK(!bs_ids_is_automated(BS_ID_OTHER));
}

int main(void)
{
    struct bs_ids *ids = NULL;
    CHECK_INT_EQ(bs_ids_create(&ids, NULL), BS_OK);
    if (ids != NULL) {
        test_normal_forms(ids);
        test_limits(ids);
    }
    test_calling_codes();
    bs_ids_free(ids);
    return check_report("ids");
}
