/*
 * The inline SVG charts of the HTML report: encrypted versus unencrypted messages per month,
 * for the whole source and for each critical and high group (its exposure point marked), and
 * the Signal list's "secures" curve. Pure drawing from the result; no script, no external
 * file.
 */
#ifndef BS_CORE_REPORT_HTML_CHARTS_H
#define BS_CORE_REPORT_HTML_CHARTS_H

#include <stddef.h>

#include "core/model/model.h"
#include "core/report/html_page.h"

/* The monthly chart section (months grouped by quarter or year past 72 bars). */
void bs_html_month_chart(struct bs_html_page *page, const struct bs_scan_result *result);

/* One group's timeline (SPEC 3.7): its encrypted and unencrypted messages per month, the
 * exposure point marked "unencrypted from DAY (cause_label)" (bs_report_exposure_label:
 * static words). Draws nothing for a thread without a dated message. */
void bs_html_thread_timeline(struct bs_html_page *page, const struct bs_thread *thread,
                             const char *cause_label);

/* The curve of threads secured (of covered) as the Signal list's people move, the row
 * highlight (1-based) marked. */
void bs_html_signal_curve(struct bs_html_page *page, const struct bs_scan_result *result,
                          size_t covered, size_t highlight);

#endif
