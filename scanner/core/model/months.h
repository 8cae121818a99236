/*
 * Counted messages per calendar month (UTC), encrypted versus not, for the charts of the
 * reports. The table (model.h struct bs_month_table) has one row per month that has a message,
 * kept sorted; the message pass adds each counted message once. Memory grows with months (at
 * most BS_MAX_MONTHS rows), never with messages.
 */
#ifndef BS_CORE_MONTHS_H
#define BS_CORE_MONTHS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/base/status.h"
#include "core/model/model.h"

/* Counts one message dated date in table: in its month's row (created when new), or in
 * table->undated when the date is unknown or outside 1970-9999. BS_ERR_NOMEM (the table is
 * unchanged then). */
enum bs_status bs_months_add(struct bs_month_table *table, struct bs_date date, bool is_encrypted,
                             struct bs_error *err);

/* The month key (year * 12 + month - 1) of a date known to be within 1970-9999. */
int32_t bs_months_key(int64_t unix_seconds);

/* Year and month (1-12) of a month key. */
void bs_months_split(int32_t month_key, int32_t *year, unsigned *month);

/* Writes "YYYY-MM" of a month key into out (8 bytes). Returns out. */
char *bs_months_format(int32_t month_key, char out[8]);

#endif
