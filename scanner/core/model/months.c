/* The per-month message table of months.h. */
#include "core/model/months.h"

#include <string.h>

#include "core/base/limits.h"
#include "core/base/text.h"
#include "core/model/classify.h"

/* 9999-12-31T23:59:59Z: the last second a month key is made for. */
#define LAST_MONTH_UNIX_SECONDS 253402300799LL

int32_t bs_months_key(int64_t unix_seconds)
{
    int64_t year = 0;
    unsigned month = 0;
    unsigned day = 0;
    bs_civil_from_days(unix_seconds / 86400, &year, &month, &day);
    return (int32_t)(year * 12 + month - 1);
}

void bs_months_split(int32_t month_key, int32_t *year, unsigned *month)
{
    *year = month_key / 12;
    *month = (unsigned)(month_key % 12) + 1;
}

char *bs_months_format(int32_t month_key, char out[8])
{
    int32_t year = 0;
    unsigned month = 0;
    bs_months_split(month_key, &year, &month);
    if (year < 1970 || year > 9999) {
        out[0] = '\0'; /* as bs_date_format: nothing outside 1970-9999 */
        return out;
    }
    out[0] = (char)('0' + year / 1000);
    out[1] = (char)('0' + year / 100 % 10);
    out[2] = (char)('0' + year / 10 % 10);
    out[3] = (char)('0' + year % 10);
    out[4] = '-';
    out[5] = (char)('0' + month / 10);
    out[6] = (char)('0' + month % 10);
    out[7] = '\0';
    return out;
}

static void count_in(struct bs_month_count *row, bool is_encrypted)
{
    if (is_encrypted) {
        row->encrypted++;
    } else {
        row->unencrypted++;
    }
}

/* Index of the first row whose key is >= key. */
static size_t lower_bound(const struct bs_month_table *table, int32_t key)
{
    size_t low = 0;
    size_t high = table->count;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (table->rows[mid].month_key < key) {
            low = mid + 1;
        } else {
            high = mid;
        }
    }
    return low;
}

enum bs_status bs_months_add(struct bs_month_table *table, struct bs_date date, bool is_encrypted,
                             struct bs_error *err)
{
    if (!date.is_known || date.unix_seconds < 0 || date.unix_seconds > LAST_MONTH_UNIX_SECONDS) {
        count_in(&table->undated, is_encrypted);
        return BS_OK;
    }
    if (date.unix_seconds < table->cached_from || date.unix_seconds >= table->cached_until) {
        int32_t year = 0;
        unsigned month = 0;
        table->cached_key = bs_months_key(date.unix_seconds);
        bs_months_split(table->cached_key, &year, &month);
        table->cached_from = bs_days_from_civil(year, month, 1) * 86400;
        table->cached_until =
            bs_days_from_civil(month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1, 1) *
            86400;
    }
    int32_t key = table->cached_key;
    if (table->last_used < table->count && table->rows[table->last_used].month_key == key) {
        count_in(&table->rows[table->last_used], is_encrypted);
        return BS_OK;
    }
    size_t at = lower_bound(table, key);
    if (at == table->count || table->rows[at].month_key != key) {
        void *rows = table->rows;
        enum bs_status status = bs_array_reserve(&rows, &table->capacity, table->count + 1,
                                                 sizeof(struct bs_month_count), BS_MAX_MONTHS);
        if (status != BS_OK) {
            return bs_error_set(err, status, "out of memory counting messages per month");
        }
        table->rows = rows;
        memmove(&table->rows[at + 1], &table->rows[at],
                (table->count - at) * sizeof(struct bs_month_count));
        memset(&table->rows[at], 0, sizeof(struct bs_month_count));
        table->rows[at].month_key = key;
        table->count++;
    }
    table->last_used = at;
    count_in(&table->rows[at], is_encrypted);
    return BS_OK;
}
