/* The HTML report of report_html.h: markup written into a buffer that goes to the file in
 * pieces, so memory stays small whatever the number of threads. */
#include "core/report/report_html.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model/classify.h"
#include "core/model/months.h"
#include "core/model/report_order.h"
#include "core/report/report_text.h"

/* The buffer goes to the file once it holds this much. */
#define FLUSH_BYTES (64 * 1024)
/* Longest name shown in a heading or table cell, in bytes after escaping; the full name is
 * in the title attribute. */
#define NAME_CLIP_BYTES 120
/* Groups listed per risk level in their own section; the thread table has them all. */
#define GROUPS_SHOWN 30
/* People listed per group or thread before "and N more": the JSON and CSV list them all. */
#define MEMBERS_SHOWN 25
/* People the Signal headline names ("invite these 5 people"). */
#define SIGNAL_HEADLINE_PEOPLE 5
/* Bars at most in the monthly chart: beyond this, months are grouped by quarter or year. */
#define MAX_CHART_BARS 72

/* One HORIZONTAL ELLIPSIS, the mark of a clipped name. */
#define ELLIPSIS "\xE2\x80\xA6"

struct page {
    FILE *out;
    struct bs_strbuf buf;
    bool write_failed;
};

static void flush(struct page *page)
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

static void put(struct page *page, const char *markup)
{
    bs_strbuf_append_str(&page->buf, markup);
    if (page->buf.length >= FLUSH_BYTES) {
        flush(page);
    }
}

static void putf(struct page *page, const char *fmt, ...) BS_PRINTF(2, 3);

static void putf(struct page *page, const char *fmt, ...)
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
    put(page, small);
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
static void text(struct page *page, const char *value)
{
    bs_report_html_escape(&page->buf, value, 0);
    if (page->buf.length >= FLUSH_BYTES) {
        flush(page);
    }
}

/* A name in a cell or heading: clipped, with the whole of it in a title attribute then. */
static void name(struct page *page, const char *value)
{
    struct bs_strbuf safe = {0};
    bs_strbuf_append_safe(&safe, value);
    bool clipped = safe.length > NAME_CLIP_BYTES;
    page->buf.failed = page->buf.failed || safe.failed;
    bs_strbuf_free(&safe);
    put(page, clipped ? "<span class=\"name\" title=\"" : "<span class=\"name\">");
    if (clipped) {
        text(page, value);
        put(page, "\">");
    }
    bs_report_html_escape(&page->buf, value, NAME_CLIP_BYTES);
    put(page, "</span>");
}

static void number(struct page *page, uint64_t value)
{
    bs_strbuf_append_count(&page->buf, value);
}

/* The day of a date ("2026-02-08"), or a dash when unknown. */
static void day(struct page *page, struct bs_date date)
{
    char iso[21];
    bs_date_format(date, iso);
    if (iso[0] == '\0') {
        put(page, "&ndash;");
        return;
    }
    iso[10] = '\0';
    put(page, iso);
}

static unsigned percent(uint64_t part, uint64_t whole)
{
    return whole == 0 ? 0 : (unsigned)((part * 100 + whole / 2) / whole);
}

static const char style_sheet[] =
    ":root{--critical:#b3261e;--high:#e8590c;--medium:#d99a00;--low:#6c7a89;--none:#2f9e44;"
    "--enc:#1c7ed6;--unenc:#f76707;--ink:#1d2329;--muted:#5f6b76;--line:#e3e7eb;--bg:#f4f6f8}"
    "*{box-sizing:border-box}"
    "body{margin:0;background:var(--bg);color:var(--ink);"
    "font:15px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif}"
    "main{max-width:1160px;margin:0 auto;padding:24px 20px 40px}"
    "h1{font-size:26px;line-height:1.25;margin:0 0 6px}"
    "h2{font-size:19px;margin:0 0 4px}"
    "h3{font-size:16px;margin:0}"
    "p{margin:6px 0}"
    ".muted{color:var(--muted)}"
    ".lead{color:var(--muted);margin:0 0 14px}"
    "header{margin-bottom:18px}"
    "header .source{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:14px;"
    "overflow-wrap:anywhere}"
    "section{background:#fff;border:1px solid var(--line);border-radius:12px;"
    "padding:20px 24px;margin:16px 0}"
    ".cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:12px;"
    "margin:16px 0}"
    ".card{background:#fff;border:1px solid var(--line);border-radius:12px;padding:14px 16px;"
    "border-top:4px solid var(--line)}"
    ".card .n{font-size:30px;font-weight:700;line-height:1.2}"
    ".card .l{color:var(--muted);font-size:13px}"
    ".card.c-critical{border-top-color:var(--critical)}.card.c-high{border-top-color:var(--high)}"
    ".card.c-enc{border-top-color:var(--enc)}.card.c-unenc{border-top-color:var(--unenc)}"
    ".card.c-none{border-top-color:var(--none)}"
    ".grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:8px 32px}"
    ".badge{display:inline-block;padding:0 8px;border-radius:999px;font-size:12px;"
    "font-weight:600;line-height:20px;color:#fff;white-space:nowrap}"
    ".b-critical{background:var(--critical)}.b-high{background:var(--high)}"
    ".b-medium{background:var(--medium)}.b-low{background:var(--low)}"
    ".b-none{background:var(--none)}.b-plain{background:#e9ecef;color:var(--ink)}"
    ".b-code{background:#343a40;font-family:ui-monospace,\"DejaVu Sans Mono\",monospace}"
    "table{border-collapse:collapse;width:100%;font-size:14px}"
    "th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);"
    "vertical-align:top}"
    "th{font-size:12px;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}"
    ".num{text-align:right;font-variant-numeric:tabular-nums}td.num{white-space:nowrap}"
    ".scroll{overflow-x:auto}"
    ".name{overflow-wrap:anywhere}"
    "td.person{min-width:10em}td.thread{min-width:12em}"
    "td.reasons{color:var(--muted);font-size:12px;white-space:nowrap}"
    ".id{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:13px;"
    "overflow-wrap:anywhere}"
    ".group{border-left:4px solid var(--line);padding:6px 0 6px 14px;margin:12px 0}"
    ".group.g-critical{border-left-color:var(--critical)}"
    ".group.g-high{border-left-color:var(--high)}"
    ".group ul{margin:4px 0 0;padding-left:20px}"
    ".legend span{display:inline-block;margin-right:18px;font-size:13px;color:var(--muted)}"
    ".legend i{display:inline-block;width:12px;height:12px;border-radius:3px;"
    "margin-right:6px;vertical-align:-1px}"
    ".headline{font-size:18px;margin:4px 0 10px}"
    "svg{display:block;width:100%;height:auto}"
    "svg text{font-family:system-ui,\"DejaVu Sans\",sans-serif;font-size:12px;fill:#5f6b76}"
    "details summary{cursor:pointer;color:var(--muted);font-size:13px}"
    "ul.todo li{margin:6px 0}"
    ".rest{display:grid;grid-template-columns:minmax(260px,1fr) 2fr;gap:8px 32px}"
    "@media (max-width:760px){.rest{grid-template-columns:1fr}}"
    "table.facts th{width:8.5em}"
    ".finding{margin:0 0 12px;padding:2px 0 2px 12px;border-left:4px solid var(--low)}"
    ".finding p{margin:4px 0 0}"
    ".f-critical{border-left-color:var(--critical)}.f-high{border-left-color:var(--high)}"
    ".f-none{border-left-color:var(--none)}"
    "footer{color:var(--muted);font-size:13px;margin-top:24px}"
    "@media print{body{background:#fff}section,.card{break-inside:avoid}}";

static void head(struct page *page, const struct bs_report_html_context *context)
{
    put(page, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
              "style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
              "base-uri 'none'\">\n"
              "<meta name=\"referrer\" content=\"no-referrer\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<title>bubblescan report: ");
    text(page, context->source_label);
    put(page, "</title>\n<style>");
    put(page, style_sheet);
    put(page, "</style>\n</head>\n<body>\n<main>\n");
}

static void page_header(struct page *page, const struct bs_scan_report *report,
                        const struct bs_report_html_context *context)
{
    const struct bs_scan_result *result = &report->result;
    struct bs_date first = result->first_message;
    struct bs_date last = result->last_message;
    put(page, "<header>\n<h1>Where iMessage encryption does not hold</h1>\n"
              "<p class=\"source\">");
    text(page, context->source_label);
    put(page, "</p>\n<p class=\"muted\">");
    text(page, bs_source_kind_name(report->source_kind));
    put(page, " &middot; ");
    number(page, result->counted_messages);
    put(page, " messages in ");
    number(page, result->thread_count);
    put(page, " threads");
    if (first.is_known) {
        put(page, ", ");
        day(page, first);
        put(page, " to ");
        day(page, last);
    }
    if (context->since.is_known) {
        put(page, " &middot; only messages since ");
        day(page, context->since);
    }
    if (context->is_redacted) {
        put(page, " &middot; <span class=\"badge b-plain\">redacted: names and numbers are "
                  "pseudonyms</span>");
    }
    put(page, "</p>\n</header>\n");
}

static void card(struct page *page, const char *class_name, uint64_t value, const char *label)
{
    putf(page, "<div class=\"card %s\"><div class=\"n\">", class_name);
    number(page, value);
    putf(page, "</div><div class=\"l\">%s</div></div>\n", label);
}

static void key_figures(struct page *page, const struct bs_scan_result *result)
{
    uint64_t by_risk[BS_RISK_CRITICAL + 1];
    bs_report_risk_counts(result, by_risk);
    uint64_t total = result->counted_messages;
    uint64_t encrypted = result->counts[BS_TRANSPORT_IMESSAGE];
    uint64_t unencrypted = total >= encrypted ? total - encrypted : 0;
    uint64_t risky = by_risk[BS_RISK_CRITICAL] + by_risk[BS_RISK_HIGH] + by_risk[BS_RISK_MEDIUM] +
                     by_risk[BS_RISK_LOW];
    char label[96];
    put(page, "<div class=\"cards\">\n");
    (void)snprintf(label, sizeof(label), "messages end-to-end encrypted (%u%%)",
                   percent(encrypted, total));
    card(page, "c-enc", encrypted, label);
    (void)snprintf(label, sizeof(label), "messages readable by carriers or unverified (%u%%)",
                   percent(unencrypted, total));
    card(page, "c-unenc", unencrypted, label);
    card(page, "c-critical", by_risk[BS_RISK_CRITICAL], "critical groups: look encrypted, are not");
    card(page, "c-high", by_risk[BS_RISK_HIGH], "high-risk groups over SMS, MMS or RCS");
    struct bs_strbuf of_threads = {0};
    bs_strbuf_append_str(&of_threads, "of ");
    bs_strbuf_append_count(&of_threads, result->thread_count);
    bs_strbuf_append_str(&of_threads, " threads sent something unencrypted");
    card(page, risky == 0 ? "c-none" : "", risky, bs_strbuf_str(&of_threads));
    page->buf.failed = page->buf.failed || of_threads.failed;
    bs_strbuf_free(&of_threads);
    put(page, "</div>\n");
}

/* The colour of a finding: the risk level whose colour it borrows. */
static const char *finding_severity(enum bs_finding_code code)
{
    switch (code) {
    case BS_FINDING_BACKUP_UNENCRYPTED:
        return "critical";
    case BS_FINDING_MESSAGES_IN_ICLOUD:
    case BS_FINDING_ICLOUD_BACKUP:
        return "high";
    case BS_FINDING_BACKUP_ENCRYPTED:
        return "none";
    case BS_FINDING_ADP_UNKNOWN:
    case BS_FINDING_CODE_COUNT:
        break;
    }
    return "low";
}

static void at_rest(struct page *page, const struct bs_backup_facts *facts)
{
    if (!facts->is_backup) {
        return;
    }
    const struct bs_device_facts *device = &facts->device;
    put(page, "<section id=\"at-rest\">\n<h2>Messages at rest</h2>\n"
              "<p class=\"lead\">Where copies of these messages are kept, and who holds the "
              "keys.</p>\n<div class=\"rest\">\n<table class=\"facts\">\n");
    const struct {
        const char *label;
        const char *value;
    } rows[] = {
        {"Device", device->device_name},          {"Model", device->product_type},
        {"iOS", device->product_version},         {"Build", device->build_version},
        {"Serial number", device->serial_number}, {"Phone number", device->phone_number},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        if (rows[i].value != NULL) {
            putf(page, "<tr><th>%s</th><td class=\"name\">", rows[i].label);
            text(page, rows[i].value);
            put(page, "</td></tr>\n");
        }
    }
    if (device->backup_date.is_known) {
        put(page, "<tr><th>Backup date</th><td>");
        day(page, device->backup_date);
        put(page, "</td></tr>\n");
    }
    putf(page, "<tr><th>Backup</th><td>%s%s%s</td></tr>\n",
         facts->is_encrypted ? "encrypted" : "not encrypted",
         facts->is_legacy_layout ? ", iOS 4-9 layout" : "",
         !facts->has_status_fact ? ""
         : facts->is_complete    ? ", complete"
                                 : ", <strong>incomplete</strong>");
    if (device->has_passcode_fact) {
        putf(page, "<tr><th>Passcode</th><td>%s</td></tr>\n",
             device->was_passcode_set ? "set" : "not set");
    }
    put(page, "</table>\n<div>\n");
    for (size_t i = 0; i < facts->finding_count; i++) {
        const struct bs_finding *finding = &facts->findings[i];
        putf(page, "<div class=\"finding f-%s\"><span class=\"badge b-code\">",
             finding_severity(finding->code));
        text(page, bs_finding_code_name(finding->code));
        put(page, "</span>");
        if (finding->is_indirect) {
            put(page, " <span class=\"badge b-plain\">indirect evidence</span>");
        }
        put(page, "<p>");
        text(page, finding->text);
        put(page, "</p></div>\n");
    }
    if (facts->warning_count > 0) {
        put(page, "<h3>Warnings</h3>\n<ul>\n");
        for (size_t i = 0; i < facts->warning_count; i++) {
            put(page, "<li>");
            text(page, facts->warnings[i]);
            put(page, "</li>\n");
        }
        put(page, "</ul>\n");
    }
    put(page, "</div>\n</div>\n</section>\n");
}

/* A step of 1, 2 or 5 times a power of ten that splits max into at most six parts. */
static uint64_t nice_step(uint64_t max)
{
    uint64_t step = 1;
    for (;;) {
        static const uint64_t factors[] = {1, 2, 5};
        for (size_t i = 0; i < 3; i++) {
            if (max <= step * factors[i] * 6) {
                return step * factors[i];
            }
        }
        if (step > UINT64_MAX / 100) {
            return step * 10;
        }
        step *= 10;
    }
}

struct bar {
    int32_t first_key; /* the first month of the bucket */
    uint64_t encrypted;
    uint64_t unencrypted;
};

/* The label of a bucket of months: "2025-09", "2025 Q3", "2025" or "2020-2024". */
static void bucket_label(char *out, size_t size, int32_t first_key, int32_t months)
{
    int32_t year = 0;
    unsigned month = 0;
    bs_months_split(first_key, &year, &month);
    if (months == 1) {
        (void)snprintf(out, size, "%04d-%02u", (int)year, month);
    } else if (months == 3) {
        (void)snprintf(out, size, "%04d Q%u", (int)year, (month + 2) / 3);
    } else if (months == 12) {
        (void)snprintf(out, size, "%04d", (int)year);
    } else {
        (void)snprintf(out, size, "%04d-%04d", (int)year, (int)(year + months / 12 - 1));
    }
}

static void month_chart(struct page *page, const struct bs_scan_result *result)
{
    const struct bs_month_table *table = &result->months;
    put(page, "<section id=\"months\">\n<h2>Encrypted and unencrypted messages over time</h2>\n");
    if (table->count == 0) {
        put(page, "<p class=\"muted\">No message has a date, so there is nothing to chart.</p>\n");
        put(page, "</section>\n");
        return;
    }
    int32_t first = table->rows[0].month_key;
    int32_t last = table->rows[table->count - 1].month_key;
    int32_t span = last - first + 1;
    int32_t bucket = span <= MAX_CHART_BARS ? 1 : span <= 3 * MAX_CHART_BARS ? 3 : 12;
    while (span / bucket + 1 > MAX_CHART_BARS) {
        bucket += 12;
    }
    int32_t start = first - ((first % 12) % bucket); /* buckets begin in January or a quarter */
    if (bucket > 12) {
        start = first - first % 12;
    }
    size_t bar_count = (size_t)((last - start) / bucket) + 1;
    struct bar *bars = calloc(bar_count, sizeof(*bars));
    if (bars == NULL) {
        page->buf.failed = true;
        return;
    }
    uint64_t max = 0;
    for (size_t i = 0; i < bar_count; i++) {
        bars[i].first_key = start + (int32_t)i * bucket;
    }
    for (size_t i = 0; i < table->count; i++) {
        struct bar *bar = &bars[(table->rows[i].month_key - start) / bucket];
        bar->encrypted += table->rows[i].encrypted;
        bar->unencrypted += table->rows[i].unencrypted;
    }
    for (size_t i = 0; i < bar_count; i++) {
        uint64_t total = bars[i].encrypted + bars[i].unencrypted;
        max = total > max ? total : max;
    }
    const char *per = bucket == 1 ? "month" : bucket == 3 ? "quarter" : "year";
    putf(page,
         "<p class=\"lead\">Messages per %s%s. Blue went over iMessage, end-to-end encrypted; "
         "orange went over SMS, MMS or RCS, or an unknown transport.</p>\n",
         bucket <= 12 ? per : "period", bucket <= 12 ? "" : " of several years");
    const double width = 1000, height = 300, left = 56, right = 12, top = 14, bottom = 44;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    uint64_t step = nice_step(max == 0 ? 1 : max);
    uint64_t y_max = (max + step - 1) / step * step;
    y_max = y_max == 0 ? step : y_max;
    putf(page,
         "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"Encrypted and unencrypted "
         "messages per %s\">\n",
         width, height, per);
    for (uint64_t y = 0; y <= y_max; y += step) {
        double at = top + plot_h - plot_h * (double)y / (double)y_max;
        putf(page,
             "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#e3e7eb\"/>"
             "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">",
             left, at, width - right, at, left - 8, at + 4);
        number(page, y);
        put(page, "</text>\n");
    }
    double slot = plot_w / (double)bar_count;
    double bar_w = slot * 0.72 < 1 ? 1 : slot * 0.72;
    size_t label_every = (size_t)(64.0 / slot) + 1;
    for (size_t i = 0; i < bar_count; i++) {
        char label[24];
        bucket_label(label, sizeof(label), bars[i].first_key, bucket);
        double x = left + slot * (double)i + (slot - bar_w) / 2;
        double enc_h = plot_h * (double)bars[i].encrypted / (double)y_max;
        double unenc_h = plot_h * (double)bars[i].unencrypted / (double)y_max;
        double base = top + plot_h;
        putf(page, "<g><title>%s: ", label);
        number(page, bars[i].encrypted);
        put(page, " encrypted, ");
        number(page, bars[i].unencrypted);
        put(page, " unencrypted</title>");
        if (bars[i].encrypted > 0) {
            putf(page,
                 "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                 "fill=\"#1c7ed6\"/>",
                 x, base - enc_h, bar_w, enc_h);
        }
        if (bars[i].unencrypted > 0) {
            putf(page,
                 "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                 "fill=\"#f76707\"/>",
                 x, base - enc_h - unenc_h, bar_w, unenc_h);
        }
        put(page, "</g>\n");
        if (i % label_every == 0) {
            putf(page, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%s</text>\n",
                 x + bar_w / 2, height - bottom + 18, label);
        }
    }
    putf(page, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#adb5bd\"/>\n", left,
         top + plot_h, width - right, top + plot_h);
    put(page, "</svg>\n<p class=\"legend\"><span><i style=\"background:#1c7ed6\"></i>encrypted "
              "(iMessage)</span><span><i style=\"background:#f76707\"></i>unencrypted (SMS, MMS, "
              "RCS, other)</span></p>\n");
    uint64_t undated = table->undated.encrypted + table->undated.unencrypted;
    if (undated > 0) {
        put(page, "<p class=\"muted\">");
        number(page, undated);
        put(page, " messages without a date are not in the chart.</p>\n");
    }
    free(bars);
    put(page, "</section>\n");
}

static const char *const risk_colours[] = {"#2f9e44", "#6c7a89", "#d99a00", "#e8590c", "#b3261e"};

static void risk_and_transport(struct page *page, const struct bs_scan_result *result)
{
    static const char *const meanings[BS_RISK_CRITICAL + 1] = {
        "everything over iMessage", "automated senders over SMS", "direct, unencrypted",
        "group over SMS, MMS or RCS", "group that looks encrypted but is not"};
    uint64_t by_risk[BS_RISK_CRITICAL + 1];
    bs_report_risk_counts(result, by_risk);
    uint64_t max = 1;
    for (int r = 0; r <= BS_RISK_CRITICAL; r++) {
        max = by_risk[r] > max ? by_risk[r] : max;
    }
    put(page, "<section id=\"risk\" class=\"grid2\">\n<div>\n<h2>Threads by risk</h2>\n"
              "<svg viewBox=\"0 0 480 200\" role=\"img\" aria-label=\"Threads by risk\">\n");
    for (int r = BS_RISK_CRITICAL; r >= BS_RISK_NONE; r--) {
        double y = 8 + (BS_RISK_CRITICAL - r) * 38.0;
        double w = 150.0 * (double)by_risk[r] / (double)max;
        putf(page,
             "<text x=\"0\" y=\"%.0f\" style=\"font-weight:600;fill:#1d2329\">%s</text>"
             "<text x=\"0\" y=\"%.0f\">%s</text>",
             y + 13, bs_risk_name((enum bs_risk)r), y + 29, meanings[r]);
        putf(page, "<rect x=\"250\" y=\"%.0f\" width=\"%.1f\" height=\"24\" rx=\"3\" fill=\"%s\"/>",
             y + 4, w < 2 ? 2 : w, risk_colours[r]);
        putf(page, "<text x=\"%.1f\" y=\"%.0f\" style=\"font-weight:600;fill:#1d2329\">", 258 + w,
             y + 21);
        number(page, by_risk[r]);
        put(page, "</text>\n");
    }
    put(page, "</svg>\n</div>\n<div>\n<h2>Messages by transport</h2>\n<table>\n"
              "<tr><th>Transport</th><th class=\"num\">Messages</th><th class=\"num\">Share</th>"
              "<th>What it means</th></tr>\n");
    static const char *const labels[BS_TRANSPORT_COUNT] = {"iMessage", "SMS", "MMS", "RCS",
                                                           "other"};
    static const char *const transport_meanings[BS_TRANSPORT_COUNT] = {
        "end-to-end encrypted", "plaintext through the carrier", "plaintext through the carrier",
        "encryption not verifiable", "unknown transport, counted as unencrypted"};
    for (int t = 0; t < BS_TRANSPORT_COUNT; t++) {
        putf(page, "<tr><td>%s</td><td class=\"num\">", labels[t]);
        number(page, result->counts[t]);
        putf(page, "</td><td class=\"num\">%u%%</td><td class=\"muted\">%s</td></tr>\n",
             percent(result->counts[t], result->counted_messages), transport_meanings[t]);
    }
    put(page, "</table>\n");
    if (result->orphan_messages > 0) {
        put(page, "<p class=\"muted\">");
        number(page, result->orphan_messages);
        put(page, " of these messages are in no thread (orphans).</p>\n");
    }
    put(page, "</div>\n</section>\n");
}

static void reachability_badge(struct page *page, const struct bs_person *person)
{
    if (person->is_automated) {
        put(page, "<span class=\"badge b-low\">automated</span>");
    } else {
        putf(page, "<span class=\"badge b-plain\">%s</span>",
             bs_reachability_name(person->reachability));
    }
}

static void group_entry(struct page *page, const struct bs_scan_result *result,
                        const struct bs_thread *thread)
{
    putf(page, "<div class=\"group g-%s\">\n<h3>", bs_risk_name(thread->risk));
    name(page, thread->name);
    putf(page, "</h3>\n<p class=\"muted\">%zu people &middot; ", thread->member_count);
    number(page, bs_thread_unencrypted(thread));
    put(page, " unencrypted messages &middot; last ");
    day(page, thread->last_unencrypted);
    put(page, "</p>\n");
    if (thread->non_imessage_count > 0) {
        put(page, "<p>Not on iMessage:</p>\n<ul>\n");
    }
    size_t shown = 0;
    for (size_t i = 0; i < thread->member_count; i++) {
        const struct bs_member *member = &thread->members[i];
        const struct bs_person *person = &result->persons[member->person_index];
        if (person->reachability == BS_REACH_IMESSAGE && !person->is_automated) {
            continue;
        }
        if (shown++ == MEMBERS_SHOWN) {
            putf(page, "<li>and %zu more</li>\n", thread->non_imessage_count - MEMBERS_SHOWN);
            break;
        }
        put(page, "<li>");
        name(page, bs_person_name(result, member->person_index));
        if (person->contact_name != NULL) {
            put(page, " <span class=\"id\">");
            bs_report_html_escape(&page->buf, result->handles[member->handle_index].id,
                                  NAME_CLIP_BYTES);
            put(page, "</span>");
        }
        put(page, " ");
        reachability_badge(page, person);
        put(page, "</li>\n");
    }
    if (thread->non_imessage_count > 0) {
        put(page, "</ul>\n");
    }
    put(page, "</div>\n");
}

static void groups(struct page *page, const struct bs_scan_result *result,
                   const struct bs_thread **order, size_t order_count, enum bs_risk risk)
{
    size_t count = 0;
    for (size_t i = 0; i < order_count; i++) {
        count += order[i]->risk == risk ? 1 : 0;
    }
    if (count == 0) {
        return;
    }
    if (risk == BS_RISK_CRITICAL) {
        put(page, "<section id=\"critical\">\n<h2><span class=\"badge b-critical\">critical</span> "
                  "Groups that look encrypted but are not</h2>\n<p class=\"lead\">To the iPhone "
                  "users in them these look like iMessage groups, but one member not on iMessage "
                  "drops the whole group to MMS, readable by carriers.</p>\n");
    } else {
        put(page, "<section id=\"high\">\n<h2><span class=\"badge b-high\">high</span> "
                  "Groups that run unencrypted</h2>\n<p class=\"lead\">Group conversations over "
                  "SMS, MMS or RCS: the carriers can read them.</p>\n");
    }
    size_t shown = 0;
    for (size_t i = 0; i < order_count; i++) {
        if (order[i]->risk != risk) {
            continue;
        }
        if (shown++ == GROUPS_SHOWN) {
            putf(page, "<p class=\"muted\">and %zu more: see the thread table.</p>\n",
                 count - GROUPS_SHOWN);
            break;
        }
        group_entry(page, result, order[i]);
    }
    put(page, "</section>\n");
}

static void signal_curve(struct page *page, const struct bs_scan_result *result, size_t covered,
                         size_t highlight)
{
    const double width = 1000, height = 250, left = 56, right = 24, top = 26, bottom = 40;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    size_t n = result->signal_count;
    double y_max = covered == 0 ? 1 : (double)covered;
    put(page, "<svg viewBox=\"0 0 1000 250\" role=\"img\" aria-label=\"Risky threads that become "
              "fully secure as people move to Signal\">\n");
    uint64_t step = nice_step(covered == 0 ? 1 : covered);
    for (uint64_t y = 0; (double)y <= y_max; y += step) {
        double at = top + plot_h - plot_h * (double)y / y_max;
        putf(page,
             "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#e3e7eb\"/>"
             "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">",
             left, at, width - right, at, left - 8, at + 4);
        number(page, y);
        put(page, "</text>\n");
    }
    putf(page,
         "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#2f9e44\" "
         "stroke-dasharray=\"6 4\"/><text x=\"%.0f\" y=\"%.0f\" style=\"fill:#2f9e44\">all ",
         left, top, width - right, top, left + 6, top - 6);
    number(page, covered);
    put(page, " risky threads</text>\n");
    put(page, "<polyline fill=\"none\" stroke=\"#1c7ed6\" stroke-width=\"2.5\" points=\"");
    putf(page, "%.1f,%.1f", left, top + plot_h);
    double x_step = plot_w / (double)n;
    for (size_t i = 0; i < n; i++) {
        double y = top + plot_h - plot_h * (double)result->signal_rows[i].secures / y_max;
        double x = left + x_step * (double)(i + 1);
        putf(page, " %.1f,%.1f %.1f,%.1f", x - x_step, y, x, y);
    }
    put(page, "\"/>\n");
    size_t label_every = (size_t)(40.0 / x_step) + 1;
    for (size_t i = 0; i < n; i++) {
        double x = left + x_step * (double)(i + 1);
        double y = top + plot_h - plot_h * (double)result->signal_rows[i].secures / y_max;
        bool is_highlight = i + 1 == highlight;
        if (n <= 60 || is_highlight) {
            putf(page, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"><title>", x, y,
                 is_highlight ? "6" : "3.5", is_highlight ? "#b3261e" : "#1c7ed6");
            putf(page, "%zu invited: ", i + 1);
            number(page, result->signal_rows[i].secures);
            putf(page, " of %zu risky threads secure</title></circle>\n", covered);
        }
        if ((i + 1) % label_every == 0 || i + 1 == n) {
            putf(page, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%zu</text>\n", x,
                 height - bottom + 18, i + 1);
        }
    }
    putf(page,
         "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">people invited, in the order of "
         "the list</text>\n",
         left + plot_w / 2, height - 4);
    putf(page, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#adb5bd\"/>\n", left,
         top + plot_h, width - right, top + plot_h);
    put(page, "</svg>\n");
}

static int compare_names(const void *a, const void *b)
{
    return bs_str_compare(*(const char *const *)a, *(const char *const *)b);
}

static void signal_row(struct page *page, const struct bs_scan_result *result,
                       const struct bs_signal_row *row, size_t rank, size_t covered)
{
    const struct bs_person *person = &result->persons[row->person_index];
    putf(page, "<tr><td class=\"num\">%zu</td><td class=\"person\">", rank);
    name(page, bs_person_name(result, row->person_index));
    struct bs_strbuf ids = {0};
    size_t id_count = 0;
    for (size_t h = person->first_handle_index; h != SIZE_MAX && id_count < 4;
         h = result->handles[h].next_of_person) {
        const struct bs_handle *handle = &result->handles[h];
        if (!bs_handle_repeats_id(result, h)) {
            bs_strbuf_append_str(&ids, id_count++ == 0 ? "" : ", ");
            bs_report_html_escape(&ids, handle->id, 48);
        }
    }
    /* Without a contact name the person is shown by their id already. */
    if (person->contact_name != NULL || id_count > 1) {
        put(page, "<div class=\"id\">");
        put(page, bs_strbuf_str(&ids));
        put(page, "</div>");
    }
    page->buf.failed = page->buf.failed || ids.failed;
    bs_strbuf_free(&ids);
    put(page, "</td><td>");
    reachability_badge(page, person);
    put(page, "</td><td class=\"num\">");
    number(page, row->critical_groups);
    put(page, "</td><td class=\"num\">");
    number(page, row->risky_groups);
    put(page, "</td><td class=\"num\">");
    number(page, row->direct_threads);
    put(page, "</td><td class=\"num\">");
    number(page, row->unencrypted_messages);
    put(page, "</td><td class=\"num\">");
    day(page, row->last_unencrypted);
    put(page, "</td><td class=\"num\">");
    number(page, row->secures);
    put(page, " of ");
    number(page, covered);
    put(page, "</td><td>");
    const char **names = malloc((row->thread_count + 1) * sizeof(*names));
    if (names == NULL) {
        page->buf.failed = true;
        return;
    }
    for (size_t i = 0; i < row->thread_count; i++) {
        names[i] = result->threads[row->thread_indexes[i]].name;
    }
    qsort(names, row->thread_count, sizeof(*names), compare_names);
    for (size_t i = 0; i < row->thread_count && i < 3; i++) {
        put(page, i == 0 ? "" : "; ");
        bs_report_html_escape(&page->buf, names[i], 40);
    }
    if (row->thread_count > 3) {
        putf(page, " and %zu more", row->thread_count - 3);
    }
    free(names);
    put(page, "</td></tr>\n");
}

static void signal_section(struct page *page, const struct bs_scan_result *result)
{
    size_t covered = bs_report_covered_threads(result);
    size_t n = result->signal_count;
    put(page, "<section id=\"signal\">\n<h2>Move to Signal: who to invite first</h2>\n");
    if (n == 0) {
        put(page, "<p class=\"muted\">Nobody to invite: no group or direct conversation here "
                  "runs unencrypted with a person in it.</p>\n</section>\n");
        return;
    }
    size_t headline = n < SIGNAL_HEADLINE_PEOPLE ? n : SIGNAL_HEADLINE_PEOPLE;
    uint64_t secured = result->signal_rows[headline - 1].secures;
    uint64_t all_secured = result->signal_rows[n - 1].secures;
    put(page, "<p class=\"headline\">");
    if (headline == n) {
        putf(page, "Invite %s %zu %s and <strong>", n == 1 ? "this" : "these", n,
             n == 1 ? "person" : "people");
        number(page, all_secured);
        put(page, " of ");
        number(page, covered);
        put(page, "</strong> risky threads become fully secure.");
    } else {
        putf(page, "Invite these %zu people and <strong>", headline);
        number(page, secured);
        put(page, " of ");
        number(page, covered);
        put(page, "</strong> risky threads become fully secure; invite all ");
        number(page, n);
        put(page, " and ");
        number(page, all_secured);
        put(page, " of ");
        number(page, covered);
        put(page, " do.");
    }
    put(page, "</p>\n<p class=\"lead\">A thread is fully secure once everyone in it has moved. "
              "The list starts with whoever breaks the most critical groups; the curve shows "
              "how many risky threads are secure once everyone up to each person has "
              "moved.</p>\n");
    signal_curve(page, result, covered, headline);
    put(page,
        "<div class=\"scroll\"><table>\n<tr><th class=\"num\">#</th><th>Person</th><th>Reach</th>"
        "<th class=\"num\">Critical groups</th><th class=\"num\">Risky groups</th>"
        "<th class=\"num\">Direct</th><th class=\"num\">Unencrypted</th>"
        "<th class=\"num\">Last</th><th class=\"num\">Secures</th><th>Threads</th></tr>\n");
    for (size_t i = 0; i < n; i++) {
        signal_row(page, result, &result->signal_rows[i], i + 1, covered);
    }
    put(page, "</table></div>\n</section>\n");
}

static void thread_members(struct page *page, const struct bs_scan_result *result,
                           const struct bs_thread *thread)
{
    bool is_named_by_member = thread->member_count == 1 &&
                              result->persons[thread->members[0].person_index].contact_name == NULL;
    if (thread->member_count == 0 || is_named_by_member) {
        return; /* nobody, or the one member's id is the thread's name already */
    }
    putf(page, "<details><summary>%zu %s</summary><ul>", thread->member_count,
         thread->member_count == 1 ? "person" : "people");
    for (size_t i = 0; i < thread->member_count; i++) {
        const struct bs_member *member = &thread->members[i];
        const struct bs_person *person = &result->persons[member->person_index];
        if (i == MEMBERS_SHOWN) {
            putf(page, "<li>and %zu more</li>", thread->member_count - MEMBERS_SHOWN);
            break;
        }
        put(page, "<li>");
        if (person->contact_name != NULL) {
            name(page, person->contact_name);
            put(page, " ");
        }
        put(page, "<span class=\"id\">");
        bs_report_html_escape(&page->buf, result->handles[member->handle_index].id,
                              NAME_CLIP_BYTES);
        put(page, "</span> ");
        reachability_badge(page, person);
        put(page, "</li>");
    }
    put(page, "</ul></details>");
}

static void thread_table(struct page *page, const struct bs_scan_result *result,
                         const struct bs_thread **order, size_t order_count, bool all)
{
    put(page, "<section id=\"threads\">\n<h2>Threads</h2>\n");
    putf(page,
         "<p class=\"lead\">%s, most at risk first, then the most recent unencrypted "
         "message.",
         all ? "Every thread" : "Every thread that sent something unencrypted");
    if (!all && order_count < result->thread_count) {
        putf(page, " %zu threads over iMessage only are not listed (--all lists them).",
             result->thread_count - order_count);
    }
    put(page, "</p>\n");
    if (order_count == 0) {
        put(page, "<p class=\"muted\">No thread to list.</p>\n</section>\n");
        return;
    }
    put(page, "<div "
              "class=\"scroll\"><table>\n<tr><th>Risk</th><th>Thread</th><th>Kind</th>"
              "<th class=\"num\">People</th><th class=\"num\">Not on iMessage</th>"
              "<th class=\"num\">Messages</th><th class=\"num\">Unencrypted</th>"
              "<th class=\"num\">Last unencrypted</th><th>Reasons</th></tr>\n");
    for (size_t i = 0; i < order_count; i++) {
        const struct bs_thread *thread = order[i];
        const char *risk = bs_risk_name(thread->risk);
        putf(page, "<tr><td><span class=\"badge b-%s\">%s</span></td><td class=\"thread\">", risk,
             risk);
        name(page, thread->name);
        thread_members(page, result, thread);
        putf(page,
             "</td><td>%s<div class=\"muted\">%s</div></td><td class=\"num\">%zu</td>"
             "<td class=\"num\">%zu",
             bs_thread_kind_name(thread->kind), bs_thread_transport_name(thread->transport),
             thread->member_count, thread->non_imessage_count);
        uint64_t total = 0;
        for (int t = 0; t < BS_TRANSPORT_COUNT; t++) {
            total += thread->counts[t];
        }
        put(page, "</td><td class=\"num\">");
        number(page, total);
        put(page, "</td><td class=\"num\">");
        number(page, bs_thread_unencrypted(thread));
        put(page, "</td><td class=\"num\">");
        day(page, thread->last_unencrypted);
        put(page, "</td><td class=\"reasons\">");
        bool first_reason = true;
        for (unsigned r = 0; r < BS_REASON_COUNT; r++) {
            if (thread->reasons & (1u << r)) {
                put(page, first_reason ? "" : "<br>");
                put(page, bs_reason_code(r));
                first_reason = false;
            }
        }
        put(page, "</td></tr>\n");
    }
    put(page, "</table></div>\n</section>\n");
}

static void advice(struct page *page, const struct bs_scan_report *report)
{
    uint64_t by_risk[BS_RISK_CRITICAL + 1];
    bs_report_risk_counts(&report->result, by_risk);
    put(page, "<section id=\"todo\">\n<h2>What to do</h2>\n<ul class=\"todo\">\n");
    uint64_t critical = by_risk[BS_RISK_CRITICAL];
    uint64_t high = by_risk[BS_RISK_HIGH];
    uint64_t medium = by_risk[BS_RISK_MEDIUM];
    uint64_t low = by_risk[BS_RISK_LOW];
    if (critical > 0) {
        putf(page,
             "<li><strong>%" PRIu64 " %s</strong> %s encrypted to the iPhone users in %s but "
             "%s over MMS: move %s to a Signal group as a whole, with everyone in it.</li>\n",
             critical, critical == 1 ? "group" : "groups", critical == 1 ? "looks" : "look",
             critical == 1 ? "it" : "them", critical == 1 ? "goes" : "go",
             critical == 1 ? "it" : "each");
    }
    if (high > 0) {
        putf(page,
             "<li><strong>%" PRIu64 " %s</strong> over SMS/MMS or RCS, readable by carriers: "
             "start a Signal group with the same people.</li>\n",
             high, high == 1 ? "group runs" : "groups run");
    }
    if (medium > 0) {
        putf(page,
             "<li><strong>%" PRIu64 " direct %s</strong> unencrypted: ask %s to install Signal "
             "and talk there.</li>\n",
             medium, medium == 1 ? "conversation is" : "conversations are",
             medium == 1 ? "that person" : "those people");
    }
    if (low > 0) {
        putf(page,
             "<li><strong>%" PRIu64 " %s</strong> with automated senders (codes, banks) over "
             "SMS: nobody to move, but prefer an authenticator app to SMS codes.</li>\n",
             low, low == 1 ? "thread" : "threads");
    }
    if (critical + high + medium + low == 0) {
        put(page, "<li>No thread sent anything unencrypted: every counted message went over "
                  "iMessage.</li>\n");
    }
    if (report->backup.finding_count > 0) {
        put(page, "<li>Read the findings under <a href=\"#at-rest\">Messages at rest</a>: "
                  "they say where copies of these messages are kept.</li>\n");
    }
    put(page, "<li>Messages at rest: iCloud holds the keys to Messages in iCloud and iCloud "
              "Backup unless Advanced Data Protection is on (Settings &gt; [your name] &gt; "
              "iCloud &gt; Advanced Data Protection); encrypt local backups too.</li>\n"
              "</ul>\n</section>\n");
}

static void notes_and_footer(struct page *page, const struct bs_scan_result *result,
                             const struct bs_report_html_context *context)
{
    const char *notes[16];
    size_t note_count = bs_report_text_notes(result, notes, 16);
    if (note_count > 0) {
        put(page, "<section id=\"notes\">\n<h2>Notes</h2>\n<ul>\n");
        for (size_t i = 0; i < note_count; i++) {
            put(page, "<li>");
            text(page, notes[i]);
            put(page, "</li>\n");
        }
        put(page, "</ul>\n</section>\n");
    }
    put(page, "<footer>\n<p>Made by bubblescan ");
    text(page, context->version);
    put(page, " from message metadata only: no message text was read. ");
    if (context->is_redacted) {
        put(page, "Names, numbers and group names are pseudonyms (--redact): the same person "
                  "has the same pseudonym everywhere in this report.");
    } else {
        put(page, "This page holds names and numbers: to share it, make it again with "
                  "--redact.");
    }
    put(page, "</p>\n</footer>\n</main>\n</body>\n</html>\n");
}

enum bs_status bs_report_html_write(const struct bs_scan_report *report,
                                    const struct bs_report_html_context *context, FILE *out,
                                    struct bs_error *err)
{
    const struct bs_scan_result *result = &report->result;
    struct page page = {.out = out};
    enum bs_status status = BS_OK;
    size_t risky_count = 0;
    size_t listed_count = 0;
    const struct bs_thread **risky = bs_report_thread_order(result, false, &risky_count);
    const struct bs_thread **listed =
        bs_report_thread_order(result, context->all_threads, &listed_count);
    if (risky == NULL || listed == NULL) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory writing HTML");
        goto done;
    }
    head(&page, context);
    page_header(&page, report, context);
    key_figures(&page, result);
    at_rest(&page, &report->backup);
    month_chart(&page, result);
    risk_and_transport(&page, result);
    groups(&page, result, risky, risky_count, BS_RISK_CRITICAL);
    groups(&page, result, risky, risky_count, BS_RISK_HIGH);
    signal_section(&page, result);
    thread_table(&page, result, listed, listed_count, context->all_threads);
    advice(&page, report);
    notes_and_footer(&page, result, context);
    if (page.buf.failed) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory writing HTML");
        goto done;
    }
    flush(&page);
    if (page.write_failed || ferror(out)) {
        status = bs_error_set(err, BS_ERR_IO, "writing HTML failed");
    }
done:
    free(risky);
    free(listed);
    bs_strbuf_free(&page.buf);
    return status;
}
