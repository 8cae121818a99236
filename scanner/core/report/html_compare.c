/* The "since the last scan" section of html_compare.h. */
#include "core/report/html_compare.h"

#include "core/model/classify.h"

static void badge(struct bs_html_page *page, enum bs_risk risk)
{
    const char *name = bs_risk_name(risk);
    bs_html_putf(page, "<span class=\"badge b-%s\">%s</span>", name, name);
}

/* One row of the before/after table. */
static void change_row(struct bs_html_page *page, const struct bs_scan_result *result,
                       const struct bs_compare *compare, const struct bs_compare_entry *entry)
{
    bs_html_put(page, "<tr><td class=\"thread\">");
    bs_html_name(page, bs_compare_entry_name(compare, result, entry));
    bs_html_put(page, "</td><td>");
    badge(page, entry->from);
    bs_html_put(page, "</td><td>");
    if (entry->thread_index == SIZE_MAX) {
        bs_html_put(page, "gone");
    } else {
        badge(page, entry->to);
    }
    bool is_gone = entry->thread_index == SIZE_MAX;
    bs_html_putf(page, "</td><td>%s%s%s</td></tr>\n", bs_compare_entry_change(entry),
                 is_gone ? ": " : "", is_gone ? bs_compare_gone_meaning() : "");
}

static void change_rows(struct bs_html_page *page, const struct bs_scan_result *result,
                        const struct bs_compare *compare, const struct bs_compare_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        change_row(page, result, compare, &list->entries[i]);
    }
}

void bs_html_compare_section(struct bs_html_page *page, const struct bs_scan_result *result,
                             const struct bs_compare *compare)
{
    if (compare == NULL) {
        return;
    }
    struct bs_strbuf sentence = {0};
    bs_compare_sentence(compare, result, &sentence);
    bs_html_put(page, "<section id=\"compare\">\n<h2>Since the last scan</h2>\n<p class=\"lead\">");
    bs_html_text(page, bs_strbuf_str(&sentence));
    page->buf.failed = page->buf.failed || sentence.failed;
    bs_strbuf_free(&sentence);
    char latest[21];
    if (compare->old_latest.is_known) {
        bs_html_putf(page, " The last scan's latest message: %s.",
                     bs_date_format(compare->old_latest, latest));
    } else {
        bs_html_put(page, " The last scan had no dated message.");
    }
    bs_html_put(page, "</p>\n");
    size_t changes = compare->risk_up.count + compare->risk_down.count + compare->gone.count;
    if (changes == 0) {
        bs_html_put(page, "<p class=\"muted\">No thread changed risk.</p>\n");
    } else {
        bs_html_put(page, "<div class=\"scroll\"><table>\n<tr><th>Thread</th><th>Before</th>"
                          "<th>Now</th><th>Change</th></tr>\n");
        change_rows(page, result, compare, &compare->risk_up);
        change_rows(page, result, compare, &compare->risk_down);
        change_rows(page, result, compare, &compare->gone);
        bs_html_put(page, "</table></div>\n");
    }
    const struct bs_compare_list *fresh = &compare->new_unencrypted;
    if (fresh->count == 0) {
        bs_html_put(page, "<p class=\"muted\">No unencrypted message since the last scan.</p>\n");
    } else {
        bs_html_put(page,
                    "<h3>Unencrypted since the last scan</h3>\n<div class=\"scroll\"><table>\n"
                    "<tr><th>Thread</th><th>Risk</th><th class=\"num\">New unencrypted</th>"
                    "<th class=\"num\">Last unencrypted</th><th>Now</th></tr>\n");
        for (size_t i = 0; i < fresh->count; i++) {
            const struct bs_compare_entry *entry = &fresh->entries[i];
            bs_html_put(page, "<tr><td class=\"thread\">");
            bs_html_name(page, bs_compare_entry_name(compare, result, entry));
            bs_html_put(page, "</td><td>");
            badge(page, entry->to);
            bs_html_put(page, "</td><td class=\"num\">");
            bs_html_number(page, entry->messages);
            bs_html_put(page, "</td><td class=\"num\">");
            bs_html_day(page, result->threads[entry->thread_index].last_unencrypted);
            bs_html_putf(page, "</td><td>%s</td></tr>\n", bs_compare_entry_state(entry));
        }
        bs_html_put(page, "</table></div>\n");
    }
    bs_html_put(page, "</section>\n");
}
