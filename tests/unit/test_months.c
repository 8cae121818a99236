/* Tests of core/months: month keys at calendar edges, the sorted table whatever the order of
 * dates, undated and out-of-range messages, and the format. */
#include <stdlib.h>

#include "check.h"
#include "core/model/months.h"

static void test_keys(void)
{
    static const struct {
        int64_t unix_seconds;
        const char *month;
    } rows[] = {
        {0, "1970-01"},              /* the epoch */
        {2678399, "1970-01"},        /* 1970-01-31T23:59:59Z */
        {2678400, "1970-02"},        /* 1970-02-01T00:00:00Z */
        {951782400, "2000-02"},      /* 2000-02-29: a leap day of a century year */
        {951868800, "2000-03"},      /* 2000-03-01 */
        {978307200, "2001-01"},      /* Apple's epoch */
        {1709251199, "2024-02"},     /* 2024-02-29T23:59:59Z */
        {1709251200, "2024-03"},     /* 2024-03-01T00:00:00Z */
        {1735689599, "2024-12"},     /* 2024-12-31T23:59:59Z */
        {1735689600, "2025-01"},     /* 2025-01-01T00:00:00Z */
        {253402300799LL, "9999-12"}, /* the last second of year 9999 */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char text[8];
        CHECK_STR_EQ(bs_months_format(bs_months_key(rows[i].unix_seconds), text), rows[i].month);
    }
    int32_t year = 0;
    unsigned month = 0;
    bs_months_split(2024 * 12 + 1, &year, &month);
    CHECK_INT_EQ(year, 2024);
    CHECK_INT_EQ(month, 2);
}

static struct bs_date at(int64_t unix_seconds)
{
    struct bs_date date = {unix_seconds, true};
    return date;
}

static void test_table(void)
{
    struct bs_month_table table = {0};
    struct bs_error err = {BS_OK, ""};
    /* Out of order on purpose: rows must stay sorted and each month appear once. */
    CHECK_INT_EQ(bs_months_add(&table, at(1735689600), true, &err), BS_OK);  /* 2025-01 */
    CHECK_INT_EQ(bs_months_add(&table, at(1709251200), false, &err), BS_OK); /* 2024-03 */
    CHECK_INT_EQ(bs_months_add(&table, at(1735689700), false, &err), BS_OK); /* 2025-01 */
    CHECK_INT_EQ(bs_months_add(&table, at(1709251199), false, &err), BS_OK); /* 2024-02 */
    CHECK_INT_EQ(bs_months_add(&table, at(1709251300), true, &err), BS_OK);  /* 2024-03 */
    struct bs_date unknown = {0, false};
    CHECK_INT_EQ(bs_months_add(&table, unknown, true, &err), BS_OK);
    CHECK_INT_EQ(bs_months_add(&table, at(-1), false, &err), BS_OK);             /* before 1970 */
    CHECK_INT_EQ(bs_months_add(&table, at(253402300800LL), false, &err), BS_OK); /* year 10000 */
    CHECK_INT_EQ(table.count, 3);
    char text[8];
    CHECK_STR_EQ(bs_months_format(table.rows[0].month_key, text), "2024-02");
    CHECK_STR_EQ(bs_months_format(table.rows[1].month_key, text), "2024-03");
    CHECK_STR_EQ(bs_months_format(table.rows[2].month_key, text), "2025-01");
    CHECK_INT_EQ(table.rows[0].encrypted, 0);
    CHECK_INT_EQ(table.rows[0].unencrypted, 1);
    CHECK_INT_EQ(table.rows[1].encrypted, 1);
    CHECK_INT_EQ(table.rows[1].unencrypted, 1);
    CHECK_INT_EQ(table.rows[2].encrypted, 1);
    CHECK_INT_EQ(table.rows[2].unencrypted, 1);
    CHECK_INT_EQ(table.undated.encrypted, 1);
    CHECK_INT_EQ(table.undated.unencrypted, 2);
    free(table.rows);
}

/* Back and forth across month and year edges, one second apart: the month remembered from
 * the previous message must never be reused outside its own bounds. */
static void test_edges(void)
{
    static const int64_t seconds[] = {
        1706745599, /* 2024-01-31T23:59:59Z */
        1706745600, /* 2024-02-01T00:00:00Z */
        1706745599, /* back to January */
        1709251199, /* 2024-02-29T23:59:59Z */
        1709251200, /* 2024-03-01T00:00:00Z */
        1735689599, /* 2024-12-31T23:59:59Z */
        1735689600, /* 2025-01-01T00:00:00Z */
        0,          /* 1970-01-01T00:00:00Z, the zeroed bounds' own value */
        1735689599, /* 2024-12 again */
    };
    static const struct {
        int32_t key;
        uint64_t count;
    } expected[] = {{1970 * 12 + 0, 1}, {2024 * 12 + 0, 2},  {2024 * 12 + 1, 2},
                    {2024 * 12 + 2, 1}, {2024 * 12 + 11, 2}, {2025 * 12 + 0, 1}};
    struct bs_month_table table = {0};
    for (size_t i = 0; i < sizeof(seconds) / sizeof(seconds[0]); i++) {
        CHECK_INT_EQ(bs_months_add(&table, at(seconds[i]), false, NULL), BS_OK);
    }
    CHECK_INT_EQ(table.count, sizeof(expected) / sizeof(expected[0]));
    for (size_t i = 0; i < table.count && i < sizeof(expected) / sizeof(expected[0]); i++) {
        CHECK_INT_EQ(table.rows[i].month_key, expected[i].key);
        CHECK_INT_EQ(table.rows[i].unencrypted, expected[i].count);
    }
    char text[8];
    CHECK_STR_EQ(bs_months_format(10000 * 12, text), "");
    CHECK_STR_EQ(bs_months_format(1969 * 12 + 11, text), "");
    free(table.rows);
}

/* Ten years of one message a day, in order: one row per month, the counts add up. */
static void test_many(void)
{
    struct bs_month_table table = {0};
    uint64_t total = 0;
    for (int64_t day = 0; day < 3653; day++) {
        CHECK_INT_EQ(bs_months_add(&table, at(1577836800 + day * 86400), day % 3 == 0, NULL),
                     BS_OK);
        total++;
    }
    CHECK_INT_EQ(table.count, 120);
    /* Each month holds exactly its days: 2020 is a leap year, 2021 is not. */
    static const struct {
        int32_t key;
        uint64_t days;
    } lengths[] = {{2020 * 12 + 0, 31}, {2020 * 12 + 1, 29},  {2021 * 12 + 1, 28},
                   {2020 * 12 + 3, 30}, {2020 * 12 + 11, 31}, {2029 * 12 + 11, 31}};
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
        for (size_t j = 0; j < table.count; j++) {
            if (table.rows[j].month_key == lengths[i].key) {
                CHECK_INT_EQ(table.rows[j].encrypted + table.rows[j].unencrypted, lengths[i].days);
            }
        }
    }
    uint64_t counted = 0;
    for (size_t i = 0; i < table.count; i++) {
        counted += table.rows[i].encrypted + table.rows[i].unencrypted;
        if (i > 0) {
            CHECK(table.rows[i].month_key == table.rows[i - 1].month_key + 1);
        }
    }
    CHECK_INT_EQ(counted, total);
    free(table.rows);
}

int main(void)
{
    test_keys();
    test_table();
    test_edges();
    test_many();
    return check_report("months");
}
