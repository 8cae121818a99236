/* The charts of html_charts.h. */
#include "core/report/html_charts.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/model/months.h"

/* Bars at most in the monthly chart: beyond this, months are grouped by quarter or year. */
#define MAX_CHART_BARS 72

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

void bs_html_month_chart(struct bs_html_page *page, const struct bs_scan_result *result)
{
    const struct bs_month_table *table = &result->months;
    bs_html_put(page,
                "<section id=\"months\">\n<h2>Encrypted and unencrypted messages over time</h2>\n");
    if (table->count == 0) {
        bs_html_put(
            page, "<p class=\"muted\">No message has a date, so there is nothing to chart.</p>\n");
        bs_html_put(page, "</section>\n");
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
    bs_html_putf(
        page,
        "<p class=\"lead\">Messages per %s%s. Blue went over iMessage, end-to-end encrypted; "
        "orange went over SMS, MMS or RCS, or an unknown transport.</p>\n",
        bucket <= 12 ? per : "period", bucket <= 12 ? "" : " of several years");
    const double width = 1000, height = 300, left = 56, right = 12, top = 14, bottom = 44;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    uint64_t step = nice_step(max == 0 ? 1 : max);
    uint64_t y_max = (max + step - 1) / step * step;
    y_max = y_max == 0 ? step : y_max;
    bs_html_putf(
        page,
        "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"Encrypted and unencrypted "
        "messages per %s\">\n",
        width, height, per);
    for (uint64_t y = 0; y <= y_max; y += step) {
        double at = top + plot_h - plot_h * (double)y / (double)y_max;
        bs_html_putf(page,
                     "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#e3e7eb\"/>"
                     "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">",
                     left, at, width - right, at, left - 8, at + 4);
        bs_html_number(page, y);
        bs_html_put(page, "</text>\n");
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
        bs_html_putf(page, "<g><title>%s: ", label);
        bs_html_number(page, bars[i].encrypted);
        bs_html_put(page, " encrypted, ");
        bs_html_number(page, bars[i].unencrypted);
        bs_html_put(page, " unencrypted</title>");
        if (bars[i].encrypted > 0) {
            bs_html_putf(page,
                         "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                         "fill=\"#1c7ed6\"/>",
                         x, base - enc_h, bar_w, enc_h);
        }
        if (bars[i].unencrypted > 0) {
            bs_html_putf(page,
                         "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                         "fill=\"#f76707\"/>",
                         x, base - enc_h - unenc_h, bar_w, unenc_h);
        }
        bs_html_put(page, "</g>\n");
        if (i % label_every == 0) {
            bs_html_putf(page, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%s</text>\n",
                         x + bar_w / 2, height - bottom + 18, label);
        }
    }
    bs_html_putf(page,
                 "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#adb5bd\"/>\n",
                 left, top + plot_h, width - right, top + plot_h);
    bs_html_put(page,
                "</svg>\n<p class=\"legend\"><span><i style=\"background:#1c7ed6\"></i>encrypted "
                "(iMessage)</span><span><i style=\"background:#f76707\"></i>unencrypted (SMS, MMS, "
                "RCS, other)</span></p>\n");
    uint64_t undated = table->undated.encrypted + table->undated.unencrypted;
    if (undated > 0) {
        bs_html_put(page, "<p class=\"muted\">");
        bs_html_number(page, undated);
        bs_html_put(page, " messages without a date are not in the chart.</p>\n");
    }
    free(bars);
    bs_html_put(page, "</section>\n");
}

void bs_html_signal_curve(struct bs_html_page *page, const struct bs_scan_result *result,
                          size_t covered, size_t highlight)
{
    const double width = 1000, height = 250, left = 56, right = 24, top = 26, bottom = 40;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    size_t n = result->signal_count;
    double y_max = covered == 0 ? 1 : (double)covered;
    bs_html_put(page,
                "<svg viewBox=\"0 0 1000 250\" role=\"img\" aria-label=\"Risky threads that become "
                "fully secure as people move to Signal\">\n");
    uint64_t step = nice_step(covered == 0 ? 1 : covered);
    for (uint64_t y = 0; (double)y <= y_max; y += step) {
        double at = top + plot_h - plot_h * (double)y / y_max;
        bs_html_putf(page,
                     "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#e3e7eb\"/>"
                     "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">",
                     left, at, width - right, at, left - 8, at + 4);
        bs_html_number(page, y);
        bs_html_put(page, "</text>\n");
    }
    bs_html_putf(
        page,
        "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#2f9e44\" "
        "stroke-dasharray=\"6 4\"/><text x=\"%.0f\" y=\"%.0f\" style=\"fill:#2f9e44\">all ",
        left, top, width - right, top, left + 6, top - 6);
    bs_html_number(page, covered);
    bs_html_put(page, " risky threads</text>\n");
    bs_html_put(page, "<polyline fill=\"none\" stroke=\"#1c7ed6\" stroke-width=\"2.5\" points=\"");
    bs_html_putf(page, "%.1f,%.1f", left, top + plot_h);
    double x_step = plot_w / (double)n;
    for (size_t i = 0; i < n; i++) {
        double y = top + plot_h - plot_h * (double)result->signal_rows[i].secures / y_max;
        double x = left + x_step * (double)(i + 1);
        bs_html_putf(page, " %.1f,%.1f %.1f,%.1f", x - x_step, y, x, y);
    }
    bs_html_put(page, "\"/>\n");
    size_t label_every = (size_t)(40.0 / x_step) + 1;
    for (size_t i = 0; i < n; i++) {
        double x = left + x_step * (double)(i + 1);
        double y = top + plot_h - plot_h * (double)result->signal_rows[i].secures / y_max;
        bool is_highlight = i + 1 == highlight;
        if (n <= 60 || is_highlight) {
            bs_html_putf(page, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" fill=\"%s\"><title>", x, y,
                         is_highlight ? "6" : "3.5", is_highlight ? "#b3261e" : "#1c7ed6");
            bs_html_putf(page, "%zu invited: ", i + 1);
            bs_html_number(page, result->signal_rows[i].secures);
            bs_html_putf(page, " of %zu risky threads secure</title></circle>\n", covered);
        }
        if ((i + 1) % label_every == 0 || i + 1 == n) {
            bs_html_putf(page, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%zu</text>\n", x,
                         height - bottom + 18, i + 1);
        }
    }
    bs_html_putf(
        page,
        "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">people invited, in the order of "
        "the list</text>\n",
        left + plot_w / 2, height - 4);
    bs_html_putf(page,
                 "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#adb5bd\"/>\n",
                 left, top + plot_h, width - right, top + plot_h);
    bs_html_put(page, "</svg>\n");
}
