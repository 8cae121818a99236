/* The HTML report of report_html.h: the page's sections, in order, each rendering the report
 * model; the page buffer is html_page.c's, the charts html_charts.c's, the stylesheet
 * report.css (embedded at build time). */
#include "core/report/report_html.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/model/classify.h"
#include "core/model/report_model.h"
#include "core/report/html_charts.h"
#include "core/report/html_compare.h"
#include "core/report/html_page.h"

/* report.css, embedded by cmake/EmbedFiles.cmake. */
extern const char bs_css_report[];

/* Groups listed per risk level in their own section; the thread table has them all. */
#define GROUPS_SHOWN 30
/* People listed per group or thread before "and N more": the JSON and CSV list them all. */
#define MEMBERS_SHOWN 25

static void head(struct bs_html_page *page, const struct bs_report_html_context *context)
{
    bs_html_put(page, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "style-src 'unsafe-inline'; img-src data:; form-action 'none'; "
                      "base-uri 'none'\">\n"
                      "<meta name=\"referrer\" content=\"no-referrer\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<title>bubblescan report: ");
    bs_html_text(page, context->source_label);
    bs_html_put(page, "</title>\n<style>\n");
    bs_html_put(page, bs_css_report);
    bs_html_put(page, "</style>\n</head>\n<body>\n<main>\n");
}

static void page_header(struct bs_html_page *page, const struct bs_scan_report *report,
                        const struct bs_report_html_context *context)
{
    const struct bs_scan_result *result = &report->result;
    struct bs_date first = result->first_message;
    struct bs_date last = result->last_message;
    bs_html_put(page, "<header>\n<h1>Where iMessage encryption does not hold</h1>\n"
                      "<p class=\"source\">");
    bs_html_text(page, context->source_label);
    bs_html_put(page, "</p>\n<p class=\"muted\">");
    bs_html_text(page, bs_source_kind_name(report->source_kind));
    bs_html_put(page, " &middot; ");
    bs_strbuf_append_counted(&page->buf, result->counted_messages, "message", "messages");
    bs_html_put(page, " in ");
    bs_strbuf_append_counted(&page->buf, result->thread_count, "thread", "threads");
    if (first.is_known) {
        bs_html_put(page, ", ");
        bs_html_day(page, first);
        bs_html_put(page, " to ");
        bs_html_day(page, last);
    }
    if (context->since.is_known) {
        bs_html_put(page, " &middot; only messages since ");
        bs_html_day(page, context->since);
    }
    if (context->is_redacted) {
        bs_html_put(page, " &middot; <span class=\"badge b-plain\">redacted: names and numbers are "
                          "pseudonyms</span>");
    }
    bs_html_put(page, "</p>\n</header>\n");
}

static void card(struct bs_html_page *page, const char *class_name, uint64_t value,
                 const char *label)
{
    bs_html_putf(page, "<div class=\"card %s\"><div class=\"n\">", class_name);
    bs_html_number(page, value);
    bs_html_putf(page, "</div><div class=\"l\">%s</div></div>\n", label);
}

static void key_figures(struct bs_html_page *page, const struct bs_scan_result *result,
                        const struct bs_report_model *model)
{
    const uint64_t *by_risk = model->threads_by_risk;
    uint64_t risky = model->risky_threads;
    char label[96];
    bs_html_put(page, "<div class=\"cards\">\n");
    (void)snprintf(label, sizeof(label), "messages end-to-end encrypted (%u%%)",
                   model->encrypted_percent);
    card(page, "c-enc", model->encrypted_messages, label);
    (void)snprintf(label, sizeof(label), "messages readable by carriers or unverified (%u%%)",
                   model->unencrypted_percent);
    card(page, "c-unenc", model->unencrypted_messages, label);
    card(page, "c-critical", by_risk[BS_RISK_CRITICAL], "critical groups: look encrypted, are not");
    card(page, "c-high", by_risk[BS_RISK_HIGH], "high-risk groups over SMS, MMS or RCS");
    struct bs_strbuf of_threads = {0};
    bs_strbuf_append_str(&of_threads, "of ");
    bs_strbuf_append_count(&of_threads, result->thread_count);
    bs_strbuf_append_str(&of_threads, result->thread_count == 1
                                          ? " thread sent something unencrypted"
                                          : " threads sent something unencrypted");
    card(page, risky == 0 ? "c-none" : "", risky, bs_strbuf_str(&of_threads));
    page->buf.failed = page->buf.failed || of_threads.failed;
    bs_strbuf_free(&of_threads);
    bs_html_put(page, "</div>\n");
}

static void at_rest(struct bs_html_page *page, const struct bs_backup_facts *facts,
                    const struct bs_report_model *model)
{
    if (!facts->is_backup) {
        return;
    }
    const struct bs_device_facts *device = &facts->device;
    bs_html_put(page,
                "<section id=\"at-rest\">\n<h2>Messages at rest</h2>\n"
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
            bs_html_putf(page, "<tr><th>%s</th><td class=\"name\">", rows[i].label);
            bs_html_text(page, rows[i].value);
            bs_html_put(page, "</td></tr>\n");
        }
    }
    if (device->backup_date.is_known) {
        bs_html_put(page, "<tr><th>Backup date</th><td>");
        bs_html_day(page, device->backup_date);
        bs_html_put(page, "</td></tr>\n");
    }
    bs_html_putf(page, "<tr><th>Backup</th><td>%s%s%s</td></tr>\n", model->backup_encryption,
                 facts->is_legacy_layout ? ", iOS 4-9 layout" : "",
                 !facts->has_status_fact ? ""
                 : facts->is_complete    ? ", complete"
                                         : ", <strong>incomplete</strong>");
    if (device->has_passcode_fact) {
        bs_html_putf(page, "<tr><th>Passcode</th><td>%s</td></tr>\n",
                     device->was_passcode_set ? "set" : "not set");
    }
    bs_html_put(page, "</table>\n<div>\n");
    for (size_t i = 0; i < facts->finding_count; i++) {
        const struct bs_finding *finding = &facts->findings[i];
        bs_html_putf(page, "<div class=\"finding f-%s\"><span class=\"badge b-code\">",
                     bs_risk_name(bs_finding_severity(finding->code)));
        bs_html_text(page, bs_finding_code_name(finding->code));
        bs_html_put(page, "</span>");
        if (finding->is_indirect) {
            bs_html_put(page, " <span class=\"badge b-plain\">indirect evidence</span>");
        }
        bs_html_put(page, "<p>");
        bs_html_text(page, finding->text);
        bs_html_put(page, "</p></div>\n");
    }
    if (facts->warning_count > 0) {
        bs_html_put(page, "<h3>Warnings</h3>\n<ul>\n");
        for (size_t i = 0; i < facts->warning_count; i++) {
            bs_html_put(page, "<li>");
            bs_html_text(page, facts->warnings[i]);
            bs_html_put(page, "</li>\n");
        }
        bs_html_put(page, "</ul>\n");
    }
    bs_html_put(page, "</div>\n</div>\n</section>\n");
}

/* The messaging apps whose databases the backup holds (SPEC 3.6): one row per app found, as
 * facts->apps counted them; the sentences are the app-data-at-rest findings above. */
static void apps_at_rest(struct bs_html_page *page, const struct bs_backup_facts *facts)
{
    bool any = false;
    for (size_t i = 0; i < BS_APP_COUNT; i++) {
        any = any || bs_app_at_rest_is_found(&facts->apps.apps[i]);
    }
    if (!facts->is_backup || !any) {
        return;
    }
    bs_html_put(page, "<section id=\"apps\">\n<h2>Messaging apps at rest</h2>\n"
                      "<p class=\"lead\">End-to-end encrypted in transit, but their databases "
                      "are in this backup: plaintext ones can be read by whoever holds it.</p>\n"
                      "<table class=\"apps\">\n<tr><th>App</th><th>Plaintext databases</th>"
                      "<th>Their size</th><th>Largest</th><th>Encrypted by the app</th></tr>\n");
    for (size_t i = 0; i < BS_APP_COUNT; i++) {
        const struct bs_app_at_rest *app = &facts->apps.apps[i];
        if (!bs_app_at_rest_is_found(app)) {
            continue;
        }
        char size[BS_SIZE_TEXT_BYTES];
        bs_html_put(page, "<tr><td>");
        bs_html_text(page, bs_messaging_app_name((enum bs_messaging_app)i));
        bs_html_put(page, "</td><td>");
        bs_html_number(page, app->plaintext_databases);
        bs_html_put(page, "</td><td>");
        bs_html_text(page, app->plaintext_databases > 0 ? bs_format_size(app->plaintext_bytes, size)
                                                        : "");
        bs_html_put(page, "</td><td class=\"name\">");
        bs_html_text(page, app->largest_plaintext != NULL ? app->largest_plaintext : "");
        bs_html_put(page, "</td><td>");
        bs_html_number(page, app->app_encrypted_databases);
        bs_html_put(page, "</td></tr>\n");
    }
    bs_html_put(page, "</table>\n</section>\n");
}

static const char *const risk_colours[] = {"#2f9e44", "#6c7a89", "#d99a00", "#e8590c", "#b3261e"};

static void risk_and_transport(struct bs_html_page *page, const struct bs_scan_result *result,
                               const struct bs_report_model *model)
{
    static const char *const meanings[BS_RISK_CRITICAL + 1] = {
        "everything over iMessage", "automated senders over SMS", "direct, unencrypted",
        "group over SMS, MMS or RCS", "group that looks encrypted but is not"};
    const uint64_t *by_risk = model->threads_by_risk;
    uint64_t max = 1;
    for (int r = 0; r <= BS_RISK_CRITICAL; r++) {
        max = by_risk[r] > max ? by_risk[r] : max;
    }
    bs_html_put(page,
                "<section id=\"risk\" class=\"grid2\">\n<div>\n<h2>Threads by risk</h2>\n"
                "<svg viewBox=\"0 0 480 200\" role=\"img\" aria-label=\"Threads by risk\">\n");
    for (int r = BS_RISK_CRITICAL; r >= BS_RISK_NONE; r--) {
        double y = 8 + (BS_RISK_CRITICAL - r) * 38.0;
        double w = 150.0 * (double)by_risk[r] / (double)max;
        bs_html_putf(page,
                     "<text x=\"0\" y=\"%.0f\" style=\"font-weight:600;fill:#1d2329\">%s</text>"
                     "<text x=\"0\" y=\"%.0f\">%s</text>",
                     y + 13, bs_risk_name((enum bs_risk)r), y + 29, meanings[r]);
        if (by_risk[r] > 0) { /* none drawn for 0: a sliver in red would say "some" */
            bs_html_putf(page,
                         "<rect x=\"250\" y=\"%.0f\" width=\"%.1f\" height=\"24\" rx=\"3\" "
                         "fill=\"%s\"/>",
                         y + 4, w < 2 ? 2 : w, risk_colours[r]);
        }
        bs_html_putf(page, "<text x=\"%.1f\" y=\"%.0f\" style=\"font-weight:600;fill:#1d2329\">",
                     258 + w, y + 21);
        bs_html_number(page, by_risk[r]);
        bs_html_put(page, "</text>\n");
    }
    bs_html_put(page,
                "</svg>\n</div>\n<div>\n<h2>Messages by transport</h2>\n<table>\n"
                "<tr><th>Transport</th><th class=\"num\">Messages</th><th class=\"num\">Share</th>"
                "<th>What it means</th></tr>\n");
    for (int t = 0; t < BS_TRANSPORT_COUNT; t++) {
        bs_html_putf(page, "<tr><td>%s</td><td class=\"num\">",
                     bs_transport_label((enum bs_transport)t));
        bs_html_number(page, result->counts[t]);
        bs_html_putf(page, "</td><td class=\"num\">%u%%</td><td class=\"muted\">%s</td></tr>\n",
                     model->transport_percent[t], bs_transport_meaning((enum bs_transport)t));
    }
    bs_html_put(page, "</table>\n");
    if (result->orphan_messages > 0) {
        bs_html_put(page, "<p class=\"muted\">");
        bs_html_number(page, result->orphan_messages);
        bs_html_put(page, result->orphan_messages == 1
                              ? " of these messages is in no thread (an orphan).</p>\n"
                              : " of these messages are in no thread (orphans).</p>\n");
    }
    bs_html_put(page, "</div>\n</section>\n");
}

static void reachability_badge(struct bs_html_page *page, const struct bs_person *person)
{
    bs_html_putf(page, "<span class=\"badge %s\">%s</span>",
                 person->is_automated ? "b-low" : "b-plain", bs_person_label(person));
}

static void group_entry(struct bs_html_page *page, const struct bs_scan_result *result,
                        const struct bs_thread *thread)
{
    bs_html_putf(page, "<div class=\"group g-%s\">\n<h3>", bs_risk_name(thread->risk));
    bs_html_name(page, thread->name);
    bs_html_put(page, "</h3>\n<p class=\"muted\">");
    bs_strbuf_append_counted(&page->buf, thread->member_count, "person", "people");
    bs_html_put(page, " &middot; ");
    bs_html_number(page, bs_thread_unencrypted(thread));
    bs_html_put(page, " unencrypted messages &middot; last ");
    bs_html_day(page, thread->last_unencrypted);
    bs_html_put(page, "</p>\n");
    struct bs_strbuf story = {0};
    bs_report_exposure_story(result, thread, &story);
    if (story.length > 0) {
        bs_html_put(page, "<p class=\"story\">");
        bs_report_html_escape(&page->buf, bs_strbuf_str(&story), 0);
        bs_html_put(page, "</p>\n");
    }
    page->buf.failed = page->buf.failed || story.failed;
    bs_strbuf_free(&story);
    bs_html_thread_timeline(page, thread, bs_report_exposure_label(thread->timeline.cause));
    if (thread->non_imessage_count > 0) {
        bs_html_put(page, "<p>Not on iMessage:</p>\n<ul>\n");
    }
    size_t shown = 0;
    for (size_t i = bs_classify_next_non_imessage(result, thread, 0); i < thread->member_count;
         i = bs_classify_next_non_imessage(result, thread, i + 1)) {
        const struct bs_member *member = &thread->members[i];
        const struct bs_person *person = &result->persons[member->person_index];
        if (shown++ == MEMBERS_SHOWN) {
            bs_html_put(page, "<li>and ");
            bs_html_number(page, thread->non_imessage_count - MEMBERS_SHOWN);
            bs_html_put(page, " more</li>\n");
            break;
        }
        bs_html_put(page, "<li>");
        bs_html_name(page, bs_person_name(result, member->person_index));
        if (person->contact_name != NULL) {
            bs_html_put(page, " <span class=\"id\">");
            bs_report_html_escape(&page->buf, result->handles[member->handle_index].id,
                                  BS_HTML_NAME_CLIP_BYTES);
            bs_html_put(page, "</span>");
        }
        bs_html_put(page, " ");
        reachability_badge(page, person);
        bs_html_put(page, "</li>\n");
    }
    if (thread->non_imessage_count > 0) {
        bs_html_put(page, "</ul>\n");
    }
    bs_html_put(page, "</div>\n");
}

static void groups(struct bs_html_page *page, const struct bs_scan_result *result,
                   const struct bs_report_model *model, enum bs_risk risk)
{
    size_t count = model->threads_by_risk[risk];
    if (count == 0) {
        return;
    }
    if (risk == BS_RISK_CRITICAL) {
        bs_html_put(
            page, "<section id=\"critical\">\n<h2><span class=\"badge b-critical\">critical</span> "
                  "Groups that look encrypted but are not</h2>\n<p class=\"lead\">To the iPhone "
                  "users in them these look like iMessage groups, but one member not on iMessage "
                  "drops the whole group to MMS, readable by carriers.</p>\n");
    } else {
        bs_html_put(page,
                    "<section id=\"high\">\n<h2><span class=\"badge b-high\">high</span> "
                    "Groups that run unencrypted</h2>\n<p class=\"lead\">Group conversations over "
                    "SMS, MMS or RCS: the carriers can read them.</p>\n");
    }
    size_t shown = 0;
    for (size_t i = 0; i < model->risky_count; i++) {
        const struct bs_thread *thread = &result->threads[model->thread_order[i]];
        if (thread->risk != risk) {
            continue;
        }
        if (shown++ == GROUPS_SHOWN) {
            bs_html_put(page, "<p class=\"muted\">and ");
            bs_html_number(page, count - GROUPS_SHOWN);
            bs_html_put(page, " more: see the thread table.</p>\n");
            break;
        }
        group_entry(page, result, thread);
    }
    bs_html_put(page, "</section>\n");
}

static void signal_row(struct bs_html_page *page, const struct bs_scan_result *result,
                       const struct bs_report_model *model, size_t index)
{
    const struct bs_signal_row *row = &result->signal_rows[index];
    size_t rank = index + 1;
    size_t covered = model->covered_threads;
    const struct bs_person *person = &result->persons[row->person_index];
    bs_html_putf(page, "<tr><td class=\"num\">%zu</td><td class=\"person\">", rank);
    bs_html_name(page, bs_person_name(result, row->person_index));
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
        bs_html_put(page, "<div class=\"id\">");
        bs_html_put(page, bs_strbuf_str(&ids));
        bs_html_put(page, "</div>");
    }
    page->buf.failed = page->buf.failed || ids.failed;
    bs_strbuf_free(&ids);
    bs_html_put(page, "</td><td>");
    reachability_badge(page, person);
    bs_html_put(page, "</td><td class=\"num\">");
    bs_html_number(page, row->critical_groups);
    bs_html_put(page, "</td><td class=\"num\">");
    bs_html_number(page, row->risky_groups);
    bs_html_put(page, "</td><td class=\"num\">");
    bs_html_number(page, row->direct_threads);
    bs_html_put(page, "</td><td class=\"num\">");
    bs_html_number(page, row->unencrypted_messages);
    bs_html_put(page, "</td><td class=\"num\">");
    bs_html_day(page, row->last_unencrypted);
    bs_html_put(page, "</td><td class=\"num\">");
    bs_html_number(page, row->secures);
    bs_html_put(page, " of ");
    bs_html_number(page, covered);
    bs_html_put(page, "</td><td>");
    const size_t *by_name = model->signal_thread_names[index];
    for (size_t i = 0; i < row->thread_count && i < 3; i++) {
        bs_html_put(page, i == 0 ? "" : "; ");
        bs_report_html_escape(&page->buf, result->threads[by_name[i]].name, 40);
    }
    if (row->thread_count > 3) {
        bs_html_put(page, " and ");
        bs_html_number(page, row->thread_count - 3);
        bs_html_put(page, " more");
    }
    bs_html_put(page, "</td></tr>\n");
}

static void signal_section(struct bs_html_page *page, const struct bs_scan_result *result,
                           const struct bs_report_model *model)
{
    size_t covered = model->covered_threads;
    size_t n = result->signal_count;
    bs_html_put(page, "<section id=\"signal\">\n<h2>Move to Signal: who to invite first</h2>\n");
    if (n == 0) {
        bs_html_putf(page, "<p class=\"muted\">Nobody to invite: %s</p>\n</section>\n",
                     model->signal_empty_reason);
        return;
    }
    size_t headline = model->headline_people;
    uint64_t secured = model->headline_secures;
    uint64_t all_secured = model->all_secures;
    bs_html_put(page, "<p class=\"headline\">");
    if (headline == n) {
        bs_html_put(page, n == 1 ? "Invite this " : "Invite these ");
        bs_html_number(page, n);
        bs_html_put(page, n == 1 ? " person and <strong>" : " people and <strong>");
        bs_html_number(page, all_secured);
        bs_html_put(page, " of ");
        bs_html_number(page, covered);
        bs_html_put(page, "</strong> risky threads become fully secure.");
    } else {
        bs_html_put(page, "Invite these ");
        bs_html_number(page, headline);
        bs_html_put(page, " people and <strong>");
        bs_html_number(page, secured);
        bs_html_put(page, " of ");
        bs_html_number(page, covered);
        bs_html_put(page, "</strong> risky threads become fully secure; invite all ");
        bs_html_number(page, n);
        bs_html_put(page, " and ");
        bs_html_number(page, all_secured);
        bs_html_put(page, " of ");
        bs_html_number(page, covered);
        bs_html_put(page, " do.");
    }
    bs_html_put(page,
                "</p>\n<p class=\"lead\">A thread is fully secure once everyone in it has moved. "
                "The list starts with whoever breaks the most critical groups; the curve shows "
                "how many risky threads are secure once everyone up to each person has "
                "moved.</p>\n");
    bs_html_signal_curve(page, result, covered, headline);
    bs_html_put(
        page,
        "<div class=\"scroll\"><table>\n<tr><th class=\"num\">#</th><th>Person</th><th>Reach</th>"
        "<th class=\"num\">Critical groups</th><th class=\"num\">Risky groups</th>"
        "<th class=\"num\">Direct</th><th class=\"num\">Unencrypted</th>"
        "<th class=\"num\">Last</th><th class=\"num\">Secures</th><th>Threads</th></tr>\n");
    for (size_t i = 0; i < n; i++) {
        signal_row(page, result, model, i);
    }
    bs_html_put(page, "</table></div>\n</section>\n");
}

static void thread_members(struct bs_html_page *page, const struct bs_scan_result *result,
                           const struct bs_thread *thread)
{
    /* Layout, not a rule: the list is left out when it would only repeat the thread's name
     * (one member, no contact name, whose id is that name). */
    if (thread->member_count == 0) {
        return;
    }
    const struct bs_member *first = &thread->members[0];
    if (thread->member_count == 1 && result->persons[first->person_index].contact_name == NULL &&
        thread->name != NULL &&
        strcmp(thread->name, result->handles[first->handle_index].id) == 0) {
        return;
    }
    bs_html_put(page, "<details><summary>");
    bs_strbuf_append_counted(&page->buf, thread->member_count, "person", "people");
    bs_html_put(page, "</summary><ul>");
    for (size_t i = 0; i < thread->member_count; i++) {
        const struct bs_member *member = &thread->members[i];
        const struct bs_person *person = &result->persons[member->person_index];
        if (i == MEMBERS_SHOWN) {
            bs_html_put(page, "<li>and ");
            bs_html_number(page, thread->member_count - MEMBERS_SHOWN);
            bs_html_put(page, " more</li>");
            break;
        }
        bs_html_put(page, "<li>");
        if (person->contact_name != NULL) {
            bs_html_name(page, person->contact_name);
            bs_html_put(page, " ");
        }
        bs_html_put(page, "<span class=\"id\">");
        bs_report_html_escape(&page->buf, result->handles[member->handle_index].id,
                              BS_HTML_NAME_CLIP_BYTES);
        bs_html_put(page, "</span> ");
        reachability_badge(page, person);
        bs_html_put(page, "</li>");
    }
    bs_html_put(page, "</ul></details>");
}

static void thread_table(struct bs_html_page *page, const struct bs_scan_result *result,
                         const struct bs_report_model *model, bool all)
{
    size_t order_count = all ? result->thread_count : model->risky_count;
    bs_html_put(page, "<section id=\"threads\">\n<h2>Threads</h2>\n");
    bs_html_putf(page,
                 "<p class=\"lead\">%s, most at risk first, then the most recent unencrypted "
                 "message.",
                 all ? "Every thread" : "Every thread that sent something unencrypted");
    if (!all && order_count < result->thread_count) {
        size_t unlisted = (size_t)model->threads_by_risk[BS_RISK_NONE];
        bs_html_put(page, " ");
        bs_strbuf_append_counted(&page->buf, unlisted, "thread", "threads");
        bs_html_put(page, unlisted == 1
                              ? " with no unencrypted message is not listed (--all lists them)."
                              : " with no unencrypted message are not listed (--all lists them).");
    }
    bs_html_put(page, "</p>\n");
    if (order_count == 0) {
        bs_html_put(page, "<p class=\"muted\">No thread to list.</p>\n</section>\n");
        return;
    }
    bs_html_put(page, "<div "
                      "class=\"scroll\"><table>\n<tr><th>Risk</th><th>Thread</th><th>Kind</th>"
                      "<th class=\"num\">People</th><th class=\"num\">Not on iMessage</th>"
                      "<th class=\"num\">Messages</th><th class=\"num\">Unencrypted</th>"
                      "<th class=\"num\">Last unencrypted</th><th>Reasons</th></tr>\n");
    for (size_t i = 0; i < order_count; i++) {
        const struct bs_thread *thread = &result->threads[model->thread_order[i]];
        const char *risk = bs_risk_name(thread->risk);
        bs_html_putf(page, "<tr><td><span class=\"badge b-%s\">%s</span></td><td class=\"thread\">",
                     risk, risk);
        bs_html_name(page, thread->name);
        thread_members(page, result, thread);
        bs_html_putf(page, "</td><td>%s<div class=\"muted\">%s</div></td><td class=\"num\">",
                     bs_thread_kind_name(thread->kind),
                     bs_thread_transport_name(thread->transport));
        bs_html_number(page, thread->member_count);
        bs_html_put(page, "</td><td class=\"num\">");
        bs_html_number(page, thread->non_imessage_count);
        bs_html_put(page, "</td><td class=\"num\">");
        bs_html_number(page, bs_thread_messages(thread));
        bs_html_put(page, "</td><td class=\"num\">");
        bs_html_number(page, bs_thread_unencrypted(thread));
        bs_html_put(page, "</td><td class=\"num\">");
        bs_html_day(page, thread->last_unencrypted);
        bs_html_put(page, "</td><td class=\"reasons\">");
        bool first_reason = true;
        for (unsigned r = 0; r < BS_REASON_COUNT; r++) {
            if (thread->reasons & (1u << r)) {
                bs_html_put(page, first_reason ? "" : "<br>");
                bs_html_put(page, bs_reason_code(r));
                first_reason = false;
            }
        }
        bs_html_put(page, "</td></tr>\n");
    }
    bs_html_put(page, "</table></div>\n</section>\n");
}

static void advice(struct bs_html_page *page, const struct bs_report_model *model)
{
    bs_html_put(page, "<section id=\"todo\">\n<h2>What to do</h2>\n<ul class=\"todo\">\n");
    for (size_t i = 0; i < model->advice_count; i++) {
        const struct bs_advice *item = &model->advice[i];
        bs_html_put(page, "<li>");
        if (item->lead[0] != '\0') {
            bs_html_put(page, "<strong>");
            bs_html_text(page, item->lead);
            bs_html_put(page, "</strong> ");
        }
        bs_html_text(page, item->body);
        if (item->action != NULL) {
            bs_html_put(page, ": ");
            bs_html_text(page, item->action);
        }
        bs_html_put(page, "</li>\n");
    }
    bs_html_put(page, "</ul>\n</section>\n");
}

static void notes_and_footer(struct bs_html_page *page, const struct bs_report_model *model,
                             const struct bs_report_html_context *context)
{
    if (model->note_count > 0) {
        bs_html_put(page, "<section id=\"notes\">\n<h2>Notes</h2>\n<ul>\n");
        for (size_t i = 0; i < model->note_count; i++) {
            bs_html_put(page, "<li>");
            bs_html_text(page, model->notes[i]);
            bs_html_put(page, "</li>\n");
        }
        bs_html_put(page, "</ul>\n</section>\n");
    }
    bs_html_put(page, "<footer>\n<p>Made by bubblescan ");
    bs_html_text(page, context->version);
    bs_html_put(page, " from message metadata only: no message text was read. ");
    if (context->is_redacted) {
        bs_html_put(page,
                    "Names, numbers and group names are pseudonyms (--redact): the same person "
                    "has the same pseudonym everywhere in this report.");
    } else {
        bs_html_put(page, "This page holds names and numbers: to share it, make it again with "
                          "--redact.");
    }
    bs_html_put(page, "</p>\n</footer>\n</main>\n</body>\n</html>\n");
}

enum bs_status bs_report_html_write(const struct bs_scan_report *report,
                                    const struct bs_report_model *model,
                                    const struct bs_report_html_context *context, FILE *out,
                                    struct bs_error *err)
{
    const struct bs_scan_result *result = &report->result;
    struct bs_html_page page = {.out = out};
    enum bs_status status = BS_OK;
    head(&page, context);
    page_header(&page, report, context);
    key_figures(&page, result, model);
    at_rest(&page, &report->backup, model);
    apps_at_rest(&page, &report->backup);
    bs_html_month_chart(&page, result);
    risk_and_transport(&page, result, model);
    bs_html_compare_section(&page, result, context->compare);
    groups(&page, result, model, BS_RISK_CRITICAL);
    groups(&page, result, model, BS_RISK_HIGH);
    signal_section(&page, result, model);
    thread_table(&page, result, model, context->all_threads);
    advice(&page, model);
    notes_and_footer(&page, model, context);
    if (page.buf.failed) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory writing HTML");
        goto done;
    }
    bs_html_flush(&page);
    if (page.write_failed || ferror(out)) {
        status = bs_error_set(err, BS_ERR_IO, "writing HTML failed");
    }
done:
    bs_strbuf_free(&page.buf);
    return status;
}
