/* The charts of html_charts.h. */
#include "core/report/html_charts.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model/classify.h"
#include "core/model/months.h"
#include "core/model/timeline.h"

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

/* A table's months as at most MAX_CHART_BARS bars of 1, 3, 12 or more months. */
struct month_bars {
    struct bar *bars; /* owned */
    size_t count;
    int32_t bucket; /* months per bar */
    int32_t start;  /* month key of the first bar */
    uint64_t max;   /* the tallest bar */
};

/* False when out of memory (or the table is empty). */
static bool month_bars_build(const struct bs_month_table *table, struct month_bars *out)
{
    memset(out, 0, sizeof(*out));
    if (table->count == 0) {
        return false;
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
        return false;
    }
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
        out->max = total > out->max ? total : out->max;
    }
    out->bars = bars;
    out->count = bar_count;
    out->bucket = bucket;
    out->start = start;
    return true;
}

static const char *bucket_name(int32_t bucket)
{
    return bucket == 1 ? "month" : bucket == 3 ? "quarter" : bucket == 12 ? "year" : "period";
}

/* A point in time marked on a chart: a vertical line at its month, and its label. */
struct chart_marker {
    int32_t month_key;
    const char *label; /* trusted: static words and a date */
};

/* The SVG of stacked bars (encrypted below, unencrypted above) with a y axis, x labels and,
 * when marker is not NULL, the marker. */
static void month_bars_svg(struct bs_html_page *page, const struct month_bars *chart, double height,
                           double max_bar_w, const char *aria_label,
                           const struct chart_marker *marker)
{
    const double width = 1000, left = 56, right = 12, top = marker != NULL ? 30 : 14, bottom = 44;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    uint64_t step = nice_step(chart->max == 0 ? 1 : chart->max);
    uint64_t y_max = (chart->max + step - 1) / step * step;
    y_max = y_max == 0 ? step : y_max;
    bs_html_putf(page, "<svg viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"%s per %s\">\n",
                 width, height, aria_label, bucket_name(chart->bucket));
    for (uint64_t y = 0; y <= y_max; y += step) {
        double at = top + plot_h - plot_h * (double)y / (double)y_max;
        bs_html_putf(page,
                     "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#e3e7eb\"/>"
                     "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">",
                     left, at, width - right, at, left - 8, at + 4);
        bs_html_number(page, y);
        bs_html_put(page, "</text>\n");
    }
    double slot = plot_w / (double)chart->count;
    double bar_w = slot * 0.72 < 1 ? 1 : slot * 0.72;
    bar_w = bar_w > max_bar_w ? max_bar_w : bar_w;
    size_t label_every = (size_t)(64.0 / slot) + 1;
    for (size_t i = 0; i < chart->count; i++) {
        const struct bar *bar = &chart->bars[i];
        char label[24];
        bucket_label(label, sizeof(label), bar->first_key, chart->bucket);
        double x = left + slot * (double)i + (slot - bar_w) / 2;
        double enc_h = plot_h * (double)bar->encrypted / (double)y_max;
        double unenc_h = plot_h * (double)bar->unencrypted / (double)y_max;
        double base = top + plot_h;
        bs_html_putf(page, "<g><title>%s: ", label);
        bs_html_number(page, bar->encrypted);
        bs_html_put(page, " encrypted, ");
        bs_html_number(page, bar->unencrypted);
        bs_html_put(page, " unencrypted</title>");
        if (bar->encrypted > 0) {
            bs_html_putf(page,
                         "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                         "fill=\"#1c7ed6\"/>",
                         x, base - enc_h, bar_w, enc_h);
        }
        if (bar->unencrypted > 0) {
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
    if (marker != NULL && marker->month_key >= chart->start) {
        size_t at = (size_t)((marker->month_key - chart->start) / chart->bucket);
        at = at < chart->count ? at : chart->count - 1;
        double x = left + slot * (double)at + slot / 2;
        bool is_left_half = x < left + plot_w / 2;
        bs_html_putf(page,
                     "<g class=\"exposure\"><line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" "
                     "y2=\"%.0f\" stroke=\"#b3261e\" stroke-width=\"2\" "
                     "stroke-dasharray=\"6 4\"/><text x=\"%.1f\" y=\"%.0f\" "
                     "text-anchor=\"%s\" fill=\"#b3261e\">%s</text></g>\n",
                     x, top - 6, x, top + plot_h, is_left_half ? x + 6 : x - 6, top - 12,
                     is_left_half ? "start" : "end", marker->label);
    }
    bs_html_putf(page,
                 "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#adb5bd\"/>\n",
                 left, top + plot_h, width - right, top + plot_h);
    bs_html_put(page, "</svg>\n");
}

static void legend(struct bs_html_page *page)
{
    bs_html_put(page,
                "<p class=\"legend\"><span><i style=\"background:#1c7ed6\"></i>encrypted "
                "(iMessage)</span><span><i style=\"background:#f76707\"></i>unencrypted (SMS, MMS, "
                "RCS, other)</span></p>\n");
}

void bs_html_month_chart(struct bs_html_page *page, const struct bs_scan_result *result)
{
    const struct bs_month_table *table = &result->months;
    bs_html_put(page,
                "<section id=\"months\">\n<h2>Encrypted and unencrypted messages over time</h2>\n");
    struct month_bars chart;
    if (!month_bars_build(table, &chart)) {
        if (table->count == 0) {
            bs_html_put(
                page,
                "<p class=\"muted\">No message has a date, so there is nothing to chart.</p>\n");
        } else {
            page->buf.failed = true;
        }
        bs_html_put(page, "</section>\n");
        return;
    }
    const char *per = bucket_name(chart.bucket);
    bs_html_putf(
        page,
        "<p class=\"lead\">Messages per %s%s. Blue went over iMessage, end-to-end encrypted; "
        "orange went over SMS, MMS or RCS, or an unknown transport.</p>\n",
        per, chart.bucket <= 12 ? "" : " of several years");
    month_bars_svg(page, &chart, 300, 1000, "Encrypted and unencrypted messages", NULL);
    legend(page);
    uint64_t undated = table->undated.encrypted + table->undated.unencrypted;
    if (undated > 0) {
        bs_html_put(page, "<p class=\"muted\">");
        bs_html_number(page, undated);
        bs_html_put(page, " messages without a date are not in the chart.</p>\n");
    }
    free(chart.bars);
    bs_html_put(page, "</section>\n");
}

void bs_html_thread_timeline(struct bs_html_page *page, const struct bs_thread *thread,
                             const char *cause_label)
{
    const struct bs_thread_timeline *timeline = &thread->timeline;
    struct month_bars chart;
    if (!month_bars_build(&timeline->months, &chart)) {
        page->buf.failed = page->buf.failed || timeline->months.count > 0;
        return;
    }
    char label[64] = "";
    struct chart_marker marker = {0, label};
    struct bs_date since = bs_timeline_exposed_since(timeline);
    if (since.is_known) {
        char day[21];
        bs_date_format(since, day);
        day[10] = '\0';
        /* The day is the first unencrypted message's: a member may have been added before. */
        (void)snprintf(label, sizeof(label), "unencrypted from %s (%s)", day, cause_label);
        marker.month_key = bs_months_key(since.unix_seconds);
    }
    bs_html_put(page, "<div class=\"timeline\">\n");
    month_bars_svg(page, &chart, 170, 64, "This group's encrypted and unencrypted messages",
                   since.is_known ? &marker : NULL);
    bs_html_put(page, "</div>\n");
    free(chart.bars);
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
            bs_html_number(page, i + 1);
            bs_html_put(page, " invited: ");
            bs_html_number(page, result->signal_rows[i].secures);
            bs_html_put(page, " of ");
            bs_html_number(page, covered);
            bs_html_put(page, " risky threads secure</title></circle>\n");
        }
        if ((i + 1) % label_every == 0 || i + 1 == n) {
            bs_html_putf(page, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">", x,
                         height - bottom + 18);
            bs_html_number(page, i + 1);
            bs_html_put(page, "</text>\n");
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
