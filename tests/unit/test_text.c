/* Tests of core/text: the string buffer, bounded copies, array growth and the terminal-safe
 * escaping of untrusted text. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/base/limits.h"
#include "core/base/text.h"

static void test_safe(void)
{
    static const struct {
        const char *raw;
        const char *safe;
    } rows[] = {
        {"plain", "plain"},
        {"\x1b[2J\x1b]0;title\x07", "\\x1B[2J\\x1B]0;title\\x07"},
        {"tab\tnew\nline", "tab\\x09new\\x0Aline"},
        {"del\x7f", "del\\x7F"},
        {"c1 \xC2\x9B"
         "31m",
         "c1 \\xC2\\x9B31m"}, /* CSI as a C1 control */
        {"bidi \xE2\x80\xAE"
         "evil",
         "bidi \\u{202E}evil"}, /* right-to-left override */
        {"bad \xC3\x28", "bad \\xC3("},
        {"overlong \xC0\xAF", "overlong \\xC0\\xAF"},
        {"surrogate \xED\xA0\x80", "surrogate \\xED\\xA0\\x80"},
        {"truncated \xE2\x82", "truncated \\xE2\\x82"},
        {"emoji \xF0\x9F\x98\x80", "emoji \xF0\x9F\x98\x80"},
        {"back\\slash", "back\\slash"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct bs_strbuf buf = {0};
        bs_strbuf_append_safe(&buf, rows[i].raw);
        CHECK_STR_EQ(bs_strbuf_str(&buf), rows[i].safe);
        bs_strbuf_free(&buf);
    }
}

static void test_buffers(void)
{
    struct bs_strbuf buf = {0};
    CHECK_STR_EQ(bs_strbuf_str(&buf), "");
    for (int i = 0; i < 1000; i++) {
        bs_strbuf_appendf(&buf, "%d,", i % 10);
    }
    CHECK_INT_EQ(buf.length, 2000);
    char *taken = bs_strbuf_take(&buf);
    CHECK(taken != NULL && strncmp(taken, "0,1,2,", 6) == 0);
    free(taken);
    CHECK(buf.data == NULL);

    char *copy = bs_strndup_bounded("ab\0cd", 5);
    CHECK_STR_EQ(copy, "ab");
    free(copy);
    size_t big = BS_MAX_STRING_BYTES * 3;
    char *long_text = malloc(big);
    if (long_text != NULL) {
        memset(long_text, 'x', big);
        copy = bs_strndup_bounded(long_text, big);
        CHECK(copy != NULL && strlen(copy) == BS_MAX_STRING_BYTES);
        free(copy);
        free(long_text);
    }

    void *items = NULL;
    size_t capacity = 0;
    CHECK_INT_EQ(bs_array_reserve(&items, &capacity, 10, sizeof(int), 100), BS_OK);
    CHECK(capacity >= 10);
    CHECK_INT_EQ(bs_array_reserve(&items, &capacity, 101, sizeof(int), 100), BS_ERR_LIMIT);
    CHECK_INT_EQ(bs_array_reserve(&items, &capacity, 50, SIZE_MAX / 8, SIZE_MAX), BS_ERR_LIMIT);
    free(items);
    CHECK(bs_str_empty(NULL) && bs_str_empty("") && !bs_str_empty("a"));

    static const struct {
        uint64_t value;
        const char *text;
    } counts[] = {{0, "0"},
                  {999, "999"},
                  {1000, "1,000"},
                  {1234567, "1,234,567"},
                  {UINT64_MAX, "18,446,744,073,709,551,615"}};
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        struct bs_strbuf count = {0};
        bs_strbuf_append_count(&count, counts[i].value);
        CHECK_STR_EQ(bs_strbuf_str(&count), counts[i].text);
        bs_strbuf_free(&count);
    }
    CHECK(bs_str_compare(NULL, "") == 0 && bs_str_compare("a", "b") < 0);

    struct bs_strbuf digits = {0};
    bs_strbuf_append_u64(&digits, 0);
    bs_strbuf_append(&digits, " ", 1);
    bs_strbuf_append_u64(&digits, UINT64_MAX);
    bs_strbuf_append(&digits, " ", 1);
    bs_strbuf_append_i64(&digits, INT64_MIN);
    bs_strbuf_append(&digits, " ", 1);
    bs_strbuf_append_i64(&digits, -7);
    bs_strbuf_append(&digits, " ", 1);
    bs_strbuf_append_i64(&digits, INT64_MAX);
    CHECK_STR_EQ(bs_strbuf_str(&digits), "0 18446744073709551615 -9223372036854775808 -7 "
                                         "9223372036854775807");
    bs_strbuf_free(&digits);
}

int main(void)
{
    test_safe();
    test_buffers();
    return check_report("text");
}
