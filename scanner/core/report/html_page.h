/*
 * The page buffer the HTML report is written through (report_html.c, html_charts.c): markup
 * appended to a buffer that goes to the file in pieces, so memory stays small whatever the
 * number of threads, and the few ways a value reaches the page — trusted markup, untrusted
 * text (escaped by bs_report_html_escape), names (clipped), counts and days.
 */
#ifndef BS_CORE_REPORT_HTML_PAGE_H
#define BS_CORE_REPORT_HTML_PAGE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/base/text.h"
#include "core/model/model.h"

/* Longest name shown in a heading or table cell, in bytes after escaping; the full name is
 * in the title attribute. */
#define BS_HTML_NAME_CLIP_BYTES 120

/* A page being written to out (borrowed). buf.failed: out of memory; write_failed: a write
 * to out failed. The writer frees buf. */
struct bs_html_page {
    FILE *out;
    struct bs_strbuf buf;
    bool write_failed;
};

/* Writes what the buffer holds to the file and empties it (kept when out of memory). */
void bs_html_flush(struct bs_html_page *page);
/* Appends markup of our own (never source text). */
void bs_html_put(struct bs_html_page *page, const char *markup);
/* Appends formatted markup of our own, at most 511 bytes (longer: buf.failed). */
void bs_html_putf(struct bs_html_page *page, const char *fmt, ...) BS_PRINTF(2, 3);
/* Appends untrusted text as page content, escaped. */
void bs_html_text(struct bs_html_page *page, const char *value);
/* Appends an untrusted name, clipped, with the whole of it in a title attribute then. */
void bs_html_name(struct bs_html_page *page, const char *value);
/* Appends a count with thousands separators. */
void bs_html_number(struct bs_html_page *page, uint64_t value);
/* Appends the day of a date ("2026-02-08"), or a dash when unknown. */
void bs_html_day(struct bs_html_page *page, struct bs_date date);

#endif
