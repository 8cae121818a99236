/*
 * The "since the last scan" section of the HTML report (--compare, SPEC 4): the sentence of
 * model/compare.h, then one before/after table of the threads whose risk rose, fell or that
 * are gone, and one of the unencrypted messages each thread has had since the earlier
 * report's latest message. It renders struct bs_compare and decides nothing.
 */
#ifndef BS_CORE_REPORT_HTML_COMPARE_H
#define BS_CORE_REPORT_HTML_COMPARE_H

#include "core/model/compare.h"
#include "core/model/model.h"
#include "core/report/html_page.h"

/* Appends the section to page; nothing when compare is NULL (no --compare). compare was built
 * from result, which redaction may have renamed since. */
void bs_html_compare_section(struct bs_html_page *page, const struct bs_scan_result *result,
                             const struct bs_compare *compare);

#endif
