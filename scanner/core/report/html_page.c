/* The page buffer of html_page.h, and the HTML escaping of report_html.h. */
#include "core/report/html_page.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/model/classify.h"
#include "core/report/report_html.h"

/* The buffer goes to the file once it holds this much. */
#define FLUSH_BYTES (64 * 1024)
/* One HORIZONTAL ELLIPSIS, the mark of a clipped name. */
#define ELLIPSIS "\xE2\x80\xA6"

void bs_html_flush(struct bs_html_page *page)
{
    if (page->buf.failed) {
        return; /* kept, so the caller sees it */
    }
    if (page->buf.length > 0 && !page->write_failed) {
        page->write_failed =
            fwrite(page->buf.data, 1, page->buf.length, page->out) != page->buf.length;
    }
    bs_strbuf_reset(&page->buf);
}

void bs_html_put(struct bs_html_page *page, const char *markup)
{
    bs_strbuf_append_str(&page->buf, markup);
    if (page->buf.length >= FLUSH_BYTES) {
        bs_html_flush(page);
    }
}

void bs_html_putf(struct bs_html_page *page, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char small[512];
    int needed = vsnprintf(small, sizeof(small), fmt, args);
    va_end(args);
    if (needed < 0 || (size_t)needed >= sizeof(small)) {
        page->buf.failed = true; /* our own formats are short: a bug, reported as a failure */
        return;
    }
    bs_html_put(page, small);
}

void bs_report_html_escape(struct bs_strbuf *out, const char *text, size_t max_bytes)
{
    if (text == NULL) {
        return;
    }
    struct bs_strbuf safe = {0};
    bs_strbuf_append_safe(&safe, text);
    size_t length = safe.length;
    bool clipped = max_bytes != 0 && length > max_bytes;
    if (clipped) {
        length = max_bytes;
        while (length > 0 && ((unsigned char)safe.data[length] & 0xC0) == 0x80) {
            length--; /* back to the start of a UTF-8 sequence */
        }
    }
    const char *p = bs_strbuf_str(&safe);
    for (size_t i = 0; i < length; i++) {
        switch (p[i]) {
        case '&':
            bs_strbuf_append_str(out, "&amp;");
            break;
        case '<':
            bs_strbuf_append_str(out, "&lt;");
            break;
        case '>':
            bs_strbuf_append_str(out, "&gt;");
            break;
        case '"':
            bs_strbuf_append_str(out, "&quot;");
            break;
        case '\'':
            bs_strbuf_append_str(out, "&#39;");
            break;
        default:
            bs_strbuf_append(out, &p[i], 1);
            break;
        }
    }
    if (clipped) {
        bs_strbuf_append_str(out, ELLIPSIS);
    }
    out->failed = out->failed || safe.failed;
    bs_strbuf_free(&safe);
}

/* Untrusted text as page content. */
void bs_html_text(struct bs_html_page *page, const char *value)
{
    bs_report_html_escape(&page->buf, value, 0);
    if (page->buf.length >= FLUSH_BYTES) {
        bs_html_flush(page);
    }
}

/* A name in a cell or heading: clipped, with the whole of it in a title attribute then. */
void bs_html_name(struct bs_html_page *page, const char *value)
{
    struct bs_strbuf safe = {0};
    bs_strbuf_append_safe(&safe, value);
    bool clipped = safe.length > BS_HTML_NAME_CLIP_BYTES;
    page->buf.failed = page->buf.failed || safe.failed;
    bs_strbuf_free(&safe);
    bs_html_put(page, clipped ? "<span class=\"name\" title=\"" : "<span class=\"name\">");
    if (clipped) {
        bs_html_text(page, value);
        bs_html_put(page, "\">");
    }
    bs_report_html_escape(&page->buf, value, BS_HTML_NAME_CLIP_BYTES);
    bs_html_put(page, "</span>");
}

void bs_html_number(struct bs_html_page *page, uint64_t value)
{
    bs_strbuf_append_count(&page->buf, value);
}

/* The day of a date ("2026-02-08"), or a dash when unknown. */
void bs_html_day(struct bs_html_page *page, struct bs_date date)
{
    char iso[21];
    bs_date_format(date, iso);
    if (iso[0] == '\0') {
        bs_html_put(page, "&ndash;");
        return;
    }
    iso[10] = '\0';
    bs_html_put(page, iso);
}
