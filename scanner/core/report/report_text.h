/*
 * The summary a person reads in a terminal (SPEC 4, stdout): source, counts by transport and
 * risk, the critical and high groups with who is not on iMessage, the top of the Signal list
 * with its secures figure, what to do, and notes. Lines fit 80 columns; every string from the
 * source is escaped (text.h) and clipped; colour only when asked for.
 */
#ifndef BS_CORE_REPORT_TEXT_H
#define BS_CORE_REPORT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/base/text.h"
#include "core/model/compare.h"
#include "core/model/findings.h"
#include "core/model/model.h"
#include "core/model/report_model.h"

struct bs_report_context {
    const char *version;      /* "0.1.0" */
    const char *source_label; /* the SOURCE as given; untrusted (escaped when shown) */
    const char *source_kind;  /* "Messages database", "iPhone backup", ... */
    struct bs_date since;     /* the --since date, or unknown */
    bool use_colour;          /* ANSI colour: only on a TTY without NO_COLOR */

    /* Device facts, at-rest findings and warnings of a backup source; NULL (or is_backup
     * false) for a bare database. Borrowed. */
    const struct bs_backup_facts *backup;
    /* --compare: the "Since the last scan" part; NULL without. Borrowed. */
    const struct bs_compare *compare;
};

/* Appends the summary of result, as model (built from it) says it, to out. Check
 * out->failed for out-of-memory. */
void bs_report_text_summary(const struct bs_scan_result *result,
                            const struct bs_report_model *model,
                            const struct bs_report_context *context, struct bs_strbuf *out);

#endif
