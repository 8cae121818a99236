/*
 * The JSON output (SPEC 4, --json): everything the CSVs hold plus the source, device and
 * backup facts, at-rest findings, counts, orphans, notes and the per-month counts, for
 * machines. Its shape is schema/report.schema.json; format_version changes when a key changes
 * meaning or disappears (adding a key does not change it).
 *
 * Every string from the source goes through the JSON adapter (json_io.h, jansson), which
 * escapes quotes, backslashes and control characters; bytes that are not valid UTF-8 cannot
 * appear in JSON, so each becomes the four characters "\xHH" first (text.h
 * bs_strbuf_append_utf8), as in the CSV. Everything else is the value as stored.
 */
#ifndef BS_CORE_REPORT_JSON_H
#define BS_CORE_REPORT_JSON_H

#include <stdbool.h>
#include <stdio.h>

#include "core/base/status.h"
#include "core/model/compare.h"
#include "core/model/report_model.h"
#include "core/scan/scan.h"

/* The version of the JSON layout written in "format_version": 2 since the exposure timeline
 * (SPEC 3.7; thread fields exposed_since ... apple). */
#define BS_REPORT_JSON_FORMAT_VERSION 2

struct bs_report_json_context {
    const char *version;      /* bubblescan's version */
    const char *source_label; /* the SOURCE as given; NULL writes null (redacted) */
    struct bs_date since;     /* the --since date, or unknown */
    bool is_redacted;         /* names and ids are pseudonyms (redact.h) */
    /* --compare: written as "compare"; NULL without. Borrowed. */
    const struct bs_compare *compare;
};

/* Writes the JSON report of report, as model (built from it) says it, to out (UTF-8, LF
 * line ends). BS_ERR_IO when a write fails, BS_ERR_NOMEM. The caller owns out. */
enum bs_status bs_report_json_write(const struct bs_scan_report *report,
                                    const struct bs_report_model *model,
                                    const struct bs_report_json_context *context, FILE *out,
                                    struct bs_error *err);

#endif
