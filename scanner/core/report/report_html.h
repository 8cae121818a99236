/*
 * The HTML report (SPEC 4, --html): one self-contained page to read or share. The summary and
 * at-rest findings, a chart of encrypted versus unencrypted messages per month, threads by
 * risk, the critical and high groups with who is not on iMessage, the migrate-to-Signal list
 * with its "secures" curve, the thread table, what to do and notes.
 *
 * Self-contained: no script at all, no external file, font or image (charts are inline SVG);
 * a Content-Security-Policy meta tag forbids loading anything, so even a string that escaped
 * escaping could not reach the network. Every string from the source is shown as text.h makes
 * it safe for a terminal (control characters and invalid UTF-8 as \xHH, bidirectional
 * overrides as \u{HHHH}) and then HTML-escaped (& < > " '). Deterministic: the same scan gives
 * the same bytes (no clock, no randomness).
 */
#ifndef BS_CORE_REPORT_HTML_H
#define BS_CORE_REPORT_HTML_H

#include <stdbool.h>
#include <stdio.h>

#include "core/base/status.h"
#include "core/base/text.h"
#include "core/model/compare.h"
#include "core/model/report_model.h"
#include "core/scan/scan.h"

struct bs_report_html_context {
    const char *version;      /* bubblescan's version */
    const char *source_label; /* the SOURCE as given; untrusted (escaped) */
    struct bs_date since;     /* the --since date, or unknown */
    bool all_threads;         /* the thread table lists every thread, not only risky ones */
    bool is_redacted;         /* names and ids are pseudonyms (redact.h): the page says so */
    /* --compare: the "since the last scan" section; NULL without. Borrowed. */
    const struct bs_compare *compare;
};

/* Writes the page for report, as model (built from it) says it, to out. BS_ERR_IO when a
 * write fails, BS_ERR_NOMEM. The caller owns out. */
enum bs_status bs_report_html_write(const struct bs_scan_report *report,
                                    const struct bs_report_model *model,
                                    const struct bs_report_html_context *context, FILE *out,
                                    struct bs_error *err);

/* Appends untrusted text as HTML text or attribute content: made safe as text.h
 * bs_strbuf_append_safe does, then & < > " ' as entities. When max_bytes is not 0 and the
 * safe text is longer, it is cut at a character boundary and ends with an ellipsis. NULL
 * appends nothing. */
void bs_report_html_escape(struct bs_strbuf *out, const char *text, size_t max_bytes);

#endif
