/*
 * The CSV outputs (SPEC 4): risky threads (--csv) and the migrate-to-Signal list (--signal).
 * The only file that includes csv.h. RFC 4180 with CRLF line ends; a field is quoted by
 * libcsv when it needs quoting. Cells a spreadsheet would evaluate as a formula get a leading
 * "'", except plain phone numbers; control characters and invalid UTF-8 from the source
 * appear as \xHH (text.h), so the file is valid UTF-8 and safe to print.
 */
#ifndef BS_CORE_REPORT_CSV_H
#define BS_CORE_REPORT_CSV_H

#include <stdbool.h>
#include <stdio.h>

#include "core/base/status.h"
#include "core/model/model.h"
#include "core/model/report_model.h"

/* The exact header lines, without line end. */
extern const char bs_report_csv_threads_header[];
extern const char bs_report_csv_signal_header[];

/* Writes the thread CSV of result to out: risky threads, or every thread when all is true,
 * in the report order of model (built from result). BS_ERR_IO when a write fails,
 * BS_ERR_NOMEM. The caller owns out. */
enum bs_status bs_report_csv_threads(const struct bs_scan_result *result,
                                     const struct bs_report_model *model, bool all, FILE *out,
                                     struct bs_error *err);

/* Writes the Signal list CSV of result to out, in rank order, each row's threads in the
 * name order of model. */
enum bs_status bs_report_csv_signal(const struct bs_scan_result *result,
                                    const struct bs_report_model *model, FILE *out,
                                    struct bs_error *err);

/* The cell text for an untrusted string: formula neutralised, then escaped as above. Caller
 * owns the result (free()); NULL when out of memory. */
char *bs_report_csv_cell(const char *text);

/* True when text is exactly '+' and 7 to 15 digits (a plain phone number). */
bool bs_report_csv_is_plain_phone(const char *text);

/* Writes one field as RFC 4180 (quoted by libcsv when it holds a comma, quote, CR, LF or
 * edge spaces), without a separator. Returns false when the write failed. */
bool bs_report_csv_write_field(FILE *out, const char *text);

#endif
