/* The terminal summary of report_text.h. */
#include "core/report/report_text.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/model/classify.h"

/* Longest source string shown on one line of the summary, in bytes after escaping. */
#define NAME_CLIP_BYTES 48
/* Members listed by name under a group before "and N more". */
#define MEMBERS_SHOWN 6
/* Groups listed per risk level before "and N more". */
#define GROUPS_SHOWN 10

enum colour {
    COLOUR_NONE,
    COLOUR_RED,
    COLOUR_YELLOW,
    COLOUR_GREEN,
    COLOUR_BOLD
};

static void colour_on(struct bs_strbuf *out, const struct bs_report_context *context,
                      enum colour colour)
{
    static const char *const codes[] = {"", "\x1b[1;31m", "\x1b[1;33m", "\x1b[32m", "\x1b[1m"};
    if (context->use_colour && colour != COLOUR_NONE) {
        bs_strbuf_append_str(out, codes[colour]);
    }
}

static void colour_off(struct bs_strbuf *out, const struct bs_report_context *context,
                       enum colour colour)
{
    if (context->use_colour && colour != COLOUR_NONE) {
        bs_strbuf_append_str(out, "\x1b[0m");
    }
}

static void heading(struct bs_strbuf *out, const struct bs_report_context *context,
                    enum colour colour, const char *text)
{
    bs_strbuf_append_str(out, "\n");
    colour_on(out, context, colour);
    bs_strbuf_append_str(out, text);
    colour_off(out, context, colour);
    bs_strbuf_append_str(out, "\n");
}

/* Untrusted text, escaped, cut at a character boundary with "..." past max_bytes. */
static void append_clipped(struct bs_strbuf *out, const char *text, size_t max_bytes)
{
    struct bs_strbuf safe = {0};
    bs_strbuf_append_safe(&safe, text);
    size_t length = safe.length;
    if (length > max_bytes) {
        length = max_bytes;
        while (length > 0 && ((unsigned char)safe.data[length] & 0xC0) == 0x80) {
            length--; /* back to the start of a UTF-8 sequence */
        }
        bs_strbuf_append(out, safe.data, length);
        bs_strbuf_append_str(out, "...");
    } else {
        bs_strbuf_append(out, bs_strbuf_str(&safe), length);
    }
    out->failed = out->failed || safe.failed;
    bs_strbuf_free(&safe);
}

static void append_date(struct bs_strbuf *out, struct bs_date date)
{
    char text[21];
    bs_date_format(date, text);
    bs_strbuf_append(out, text, date.is_known ? 10 : 0); /* the day is enough here */
    if (!date.is_known) {
        bs_strbuf_append_str(out, "unknown date");
    }
}

/* Backup sources (device facts, at-rest findings, warnings). */

/* The width every summary line fits in. */
#define LINE_COLUMNS 80

static bool is_backup_source(const struct bs_report_context *context)
{
    return context->backup != NULL && context->backup->is_backup;
}

/* Terminal columns of UTF-8 text: one per code point (escaped text is all narrow). */
static size_t columns_of(const char *text, size_t length)
{
    size_t columns = 0;
    for (size_t i = 0; i < length; i++) {
        columns += ((unsigned char)text[i] & 0xC0) != 0x80 ? 1 : 0;
    }
    return columns;
}

/* Bytes of the first `columns` code points of text[0..length). */
static size_t bytes_of_columns(const char *text, size_t length, size_t columns)
{
    size_t i = 0;
    for (size_t seen = 0; i < length; i++) {
        if (((unsigned char)text[i] & 0xC0) != 0x80 && seen++ == columns) {
            break;
        }
    }
    return i;
}

/* Appends text (escaped first) word by word within LINE_COLUMNS, continuing a line already at
 * `column` (a space first); later lines start with `indent`; a word longer than a line is cut.
 * Ends the line. */
static void append_wrapped(struct bs_strbuf *out, size_t column, const char *indent,
                           const char *text)
{
    struct bs_strbuf safe = {0};
    bs_strbuf_append_safe(&safe, text);
    const char *p = bs_strbuf_str(&safe);
    size_t indent_columns = strlen(indent);
    bool is_line_empty = false; /* the caller's prefix is on it */
    while (*p != '\0') {
        while (*p == ' ') {
            p++;
        }
        size_t length = strcspn(p, " ");
        size_t columns = columns_of(p, length);
        if (length == 0) {
            break;
        }
        if (!is_line_empty && column + 1 + columns > LINE_COLUMNS) {
            bs_strbuf_appendf(out, "\n%s", indent);
            column = indent_columns;
            is_line_empty = true;
        }
        if (!is_line_empty) {
            bs_strbuf_append_str(out, " ");
            column++;
        }
        while (column + columns > LINE_COLUMNS && column < LINE_COLUMNS) {
            size_t take = bytes_of_columns(p, length, LINE_COLUMNS - column);
            bs_strbuf_append(out, p, take);
            bs_strbuf_appendf(out, "\n%s", indent);
            column = indent_columns;
            columns -= columns_of(p, take);
            p += take;
            length -= take;
        }
        bs_strbuf_append(out, p, length);
        column += columns;
        is_line_empty = false;
        p += length;
    }
    bs_strbuf_append_str(out, "\n");
    out->failed = out->failed || safe.failed;
    bs_strbuf_free(&safe);
}

/* "Device    Alex's iPhone: iPhone15,2, iOS 18.3 (22D63)" and "Backup    2026-02-20, ...". */
static void device_lines(const struct bs_backup_facts *facts, const struct bs_report_model *model,
                         struct bs_strbuf *out)
{
    const struct bs_device_facts *device = &facts->device;
    bs_strbuf_append_str(out, "Device    ");
    if (device->device_name == NULL && device->product_type == NULL &&
        device->product_version == NULL) {
        bs_strbuf_append_str(out, "not stated in the backup (no Info.plist or Manifest.plist)");
    }
    if (device->device_name != NULL) {
        append_clipped(out, device->device_name, 32);
        bs_strbuf_append_str(
            out, device->product_type != NULL || device->product_version != NULL ? ": " : "");
    }
    if (device->product_type != NULL) {
        append_clipped(out, device->product_type, 16);
        bs_strbuf_append_str(out, device->product_version != NULL ? ", " : "");
    }
    if (device->product_version != NULL) {
        bs_strbuf_append_str(out, "iOS ");
        append_clipped(out, device->product_version, 12);
        if (device->build_version != NULL) {
            bs_strbuf_append_str(out, " (");
            append_clipped(out, device->build_version, 12);
            bs_strbuf_append_str(out, ")");
        }
    }
    bs_strbuf_append_str(out, "\nBackup    ");
    if (device->backup_date.is_known) {
        bs_strbuf_append_str(out, "made ");
        append_date(out, device->backup_date);
        bs_strbuf_append_str(out, ", ");
    }
    bs_strbuf_append_str(out, model->backup_encryption != NULL ? model->backup_encryption : "");
    if (device->has_passcode_fact) {
        bs_strbuf_append_str(out, device->was_passcode_set ? ", passcode set" : ", no passcode");
    }
    if (facts->has_status_fact) {
        bs_strbuf_append_str(out, facts->is_complete ? ", complete" : ", INCOMPLETE");
    }
    bs_strbuf_append_str(out, facts->is_legacy_layout ? ", iOS 4-9 layout\n" : "\n");
}

/* A finding's severity (findings.h) in the terminal's three colours. */
static enum colour finding_colour(enum bs_finding_code code)
{
    enum bs_risk severity = bs_finding_severity(code);
    if (severity >= BS_RISK_HIGH) {
        return COLOUR_RED;
    }
    return severity == BS_RISK_NONE ? COLOUR_GREEN : COLOUR_YELLOW;
}

/* The at-rest findings of SPEC 3.6, then the backup's warnings. */
static void at_rest_section(const struct bs_report_context *context, struct bs_strbuf *out)
{
    const struct bs_backup_facts *facts = context->backup;
    heading(out, context, COLOUR_BOLD, "Messages at rest");
    for (size_t i = 0; i < facts->finding_count; i++) {
        const struct bs_finding *finding = &facts->findings[i];
        const char *code = bs_finding_code_name(finding->code);
        bs_strbuf_append_str(out, "  - ");
        colour_on(out, context, finding_colour(finding->code));
        bs_strbuf_append_str(out, code);
        colour_off(out, context, finding_colour(finding->code));
        bs_strbuf_append_str(out, ":");
        append_wrapped(out, 4 + strlen(code) + 1, "    ", finding->text);
    }
    if (facts->warning_count == 0) {
        return;
    }
    heading(out, context, COLOUR_YELLOW, "Backup warnings");
    for (size_t i = 0; i < facts->warning_count; i++) {
        bs_strbuf_append_str(out, "  -");
        append_wrapped(out, 3, "    ", facts->warnings[i]);
    }
}

/* "Family", "Site crew" and 2 more: the groups at risk, quoted (a name made of members' names
 * holds commas), escaped and clipped. */
static void append_group_names(const struct bs_scan_result *result,
                               const struct bs_report_model *model, enum bs_risk risk,
                               struct bs_strbuf *out)
{
    enum {
        NAMES_SHOWN = 3
    };
    size_t shown = 0;
    size_t more = 0;
    for (size_t i = 0; i < model->risky_count; i++) {
        const struct bs_thread *thread = &result->threads[model->thread_order[i]];
        if (thread->risk != risk) {
            continue;
        }
        if (shown == NAMES_SHOWN) {
            more++;
            continue;
        }
        bs_strbuf_append_str(out, shown++ == 0 ? "\"" : ", \"");
        append_clipped(out, thread->name, 32);
        bs_strbuf_append_str(out, "\"");
    }
    if (more > 0) {
        bs_strbuf_append_str(out, " and ");
        bs_strbuf_append_count(out, more);
        bs_strbuf_append_str(out, " more");
    }
}

static void source_section(const struct bs_scan_result *result, const struct bs_report_model *model,
                           const struct bs_report_context *context, struct bs_strbuf *out)
{
    colour_on(out, context, COLOUR_BOLD);
    bs_strbuf_appendf(out, "bubblescan %s: where iMessage encryption does not hold\n",
                      context->version);
    colour_off(out, context, COLOUR_BOLD);
    bs_strbuf_append_str(out, "Source    ");
    append_clipped(out, context->source_label, 64);
    bs_strbuf_appendf(out, "\n          %s\n", context->source_kind);
    if (is_backup_source(context)) {
        device_lines(context->backup, model, out);
    }
    struct bs_date first = result->first_message;
    struct bs_date last = result->last_message;
    bs_strbuf_append_str(out, "Scanned   ");
    bs_strbuf_append_counted(out, result->counted_messages, "message", "messages");
    bs_strbuf_append_str(out, " in ");
    bs_strbuf_append_counted(out, result->thread_count, "thread", "threads");
    if (first.is_known) {
        bs_strbuf_append_str(out, ", ");
        append_date(out, first);
        bs_strbuf_append_str(out, " to ");
        append_date(out, last);
    }
    bs_strbuf_append_str(out, "\n");
    if (context->since.is_known) {
        bs_strbuf_append_str(out, "          only messages since ");
        append_date(out, context->since);
        bs_strbuf_append_str(out, "\n");
    }
    if (result->orphan_messages > 0) {
        bs_strbuf_append_str(out, "          ");
        bs_strbuf_append_count(out, result->orphan_messages);
        bs_strbuf_append_str(out, result->orphan_messages == 1
                                      ? " orphan message (in no thread)\n"
                                      : " orphan messages (in no thread)\n");
    }
}

static void transport_section(const struct bs_scan_result *result,
                              const struct bs_report_model *model, struct bs_strbuf *out,
                              const struct bs_report_context *context)
{
    heading(out, context, COLOUR_BOLD, "Messages by transport");
    for (int t = 0; t < BS_TRANSPORT_COUNT; t++) {
        uint64_t count = result->counts[t];
        unsigned percent = model->transport_percent[t];
        struct bs_strbuf number = {0};
        bs_strbuf_append_count(&number, count);
        bs_strbuf_appendf(out, "  %-9s %11s %4u%%  %s\n", bs_transport_label((enum bs_transport)t),
                          bs_strbuf_str(&number), percent,
                          bs_transport_meaning((enum bs_transport)t));
        bs_strbuf_free(&number);
    }
}

static void risk_section(const struct bs_report_model *model, struct bs_strbuf *out,
                         const struct bs_report_context *context)
{
    static const enum colour colours[] = {COLOUR_GREEN, COLOUR_NONE, COLOUR_NONE, COLOUR_YELLOW,
                                          COLOUR_RED};
    const uint64_t *by_risk = model->threads_by_risk;
    heading(out, context, COLOUR_BOLD, "Threads by risk");
    bs_strbuf_append_str(out, "  ");
    for (int r = BS_RISK_CRITICAL; r >= BS_RISK_NONE; r--) {
        bs_strbuf_append_str(out, r == BS_RISK_CRITICAL ? "" : "  ");
        colour_on(out, context, by_risk[r] > 0 ? colours[r] : COLOUR_NONE);
        bs_strbuf_appendf(out, "%s ", bs_risk_name((enum bs_risk)r));
        bs_strbuf_append_count(out, by_risk[r]);
        colour_off(out, context, by_risk[r] > 0 ? colours[r] : COLOUR_NONE);
    }
    bs_strbuf_append_str(out, "\n");
}

static void group_lines(const struct bs_scan_result *result, const struct bs_thread *thread,
                        struct bs_strbuf *out)
{
    bs_strbuf_append_str(out, "  ");
    append_clipped(out, thread->name, NAME_CLIP_BYTES);
    bs_strbuf_append_str(out, "\n    ");
    bs_strbuf_append_counted(out, thread->member_count, "person", "people");
    bs_strbuf_append_str(out, ", ");
    bs_strbuf_append_count(out, bs_thread_unencrypted(thread));
    bs_strbuf_append_str(out, " unencrypted, last ");
    append_date(out, thread->last_unencrypted);
    bs_strbuf_append_str(out, "\n");
    struct bs_strbuf story = {0};
    bs_report_exposure_story(result, thread, &story);
    if (story.length > 0) {
        bs_strbuf_append_str(out, "   ");
        append_wrapped(out, 3, "    ", bs_strbuf_str(&story));
    }
    out->failed = out->failed || story.failed;
    bs_strbuf_free(&story);
    size_t shown = 0;
    for (size_t i = bs_classify_next_non_imessage(result, thread, 0); i < thread->member_count;
         i = bs_classify_next_non_imessage(result, thread, i + 1)) {
        const struct bs_member *member = &thread->members[i];
        const struct bs_person *person = &result->persons[member->person_index];
        if (shown == MEMBERS_SHOWN) {
            bs_strbuf_append_str(out, "      and ");
            bs_strbuf_append_count(out, thread->non_imessage_count - shown);
            bs_strbuf_append_str(out, " more\n");
            break;
        }
        bs_strbuf_append_str(out, shown == 0 ? "    not on iMessage: " : "                     ");
        append_clipped(out, bs_person_name(result, member->person_index), 32);
        if (person->contact_name != NULL) {
            bs_strbuf_append_str(out, " <");
            append_clipped(out, result->handles[member->handle_index].id, 32);
            bs_strbuf_append_str(out, ">");
        }
        bs_strbuf_appendf(out, " (%s)\n", bs_person_label(person));
        shown++;
    }
}

static void groups_section(const struct bs_scan_result *result, const struct bs_report_model *model,
                           struct bs_strbuf *out, const struct bs_report_context *context,
                           enum bs_risk risk)
{
    size_t count = model->threads_by_risk[risk];
    if (count == 0) {
        return;
    }
    if (risk == BS_RISK_CRITICAL) {
        heading(out, context, COLOUR_RED,
                "Critical: groups where members not on iMessage drop everyone to MMS");
    } else {
        heading(out, context, COLOUR_YELLOW, "High: groups that run unencrypted");
    }
    size_t shown = 0;
    for (size_t i = 0; i < model->risky_count; i++) {
        const struct bs_thread *thread = &result->threads[model->thread_order[i]];
        if (thread->risk != risk) {
            continue;
        }
        if (shown++ == GROUPS_SHOWN) {
            bs_strbuf_append_str(out, "  and ");
            bs_strbuf_append_count(out, count - GROUPS_SHOWN);
            bs_strbuf_append_str(out, " more (see --csv)\n");
            break;
        }
        group_lines(result, thread, out);
    }
}

static void signal_section(const struct bs_scan_result *result, const struct bs_report_model *model,
                           struct bs_strbuf *out, const struct bs_report_context *context)
{
    if (result->signal_count == 0) {
        return;
    }
    heading(out, context, COLOUR_BOLD, "Move to Signal: invite these people first");
    size_t shown = model->headline_people; /* the people the HTML's headline names too */
    char covered_text[BS_COUNT_TEXT_BYTES];
    bs_format_count(model->covered_threads, covered_text);
    for (size_t i = 0; i < shown; i++) {
        const struct bs_signal_row *row = &result->signal_rows[i];
        const struct bs_person *person = &result->persons[row->person_index];
        bs_strbuf_appendf(out, "  %2zu. ", i + 1);
        append_clipped(out, bs_person_name(result, row->person_index), 32);
        bs_strbuf_appendf(out, " (%s)\n      ", bs_reachability_name(person->reachability));
        if (row->critical_groups > 0) {
            bs_strbuf_append_counted(out, row->critical_groups, "critical group",
                                     "critical groups");
            bs_strbuf_append_str(out, ", ");
        }
        char messages[BS_COUNT_TEXT_BYTES], secures[BS_COUNT_TEXT_BYTES];
        bs_strbuf_appendf(out, "%s unencrypted; secures %s of %s with those above\n",
                          bs_format_count(row->unencrypted_messages, messages),
                          bs_format_count(row->secures, secures), covered_text);
    }
    if (shown < result->signal_count) {
        bs_strbuf_append_str(out, "  and ");
        bs_strbuf_append_count(out, result->signal_count - shown);
        bs_strbuf_append_str(out, " more (the whole list: --signal FILE)\n");
    }
    char everyone[BS_COUNT_TEXT_BYTES], all_secures[BS_COUNT_TEXT_BYTES];
    bs_strbuf_appendf(out, "  Invite all %s and %s of %s risky threads become fully secure.\n",
                      bs_format_count(result->signal_count, everyone),
                      bs_format_count(model->all_secures, all_secures), covered_text);
}

/* One advice item: its sentence, with the names of the groups it is about in the summary. */
static void advice_item(const struct bs_scan_result *result, const struct bs_report_model *model,
                        const struct bs_advice *advice, struct bs_strbuf *out)
{
    struct bs_strbuf text = {0};
    bs_strbuf_append_str(&text, advice->lead);
    bs_strbuf_append_str(&text, advice->lead[0] != '\0' ? " " : "");
    bs_strbuf_append_str(&text, advice->body);
    if (advice->names_risk != BS_RISK_NONE) {
        bs_strbuf_append_str(&text, " (");
        append_group_names(result, model, advice->names_risk, &text);
        bs_strbuf_append_str(&text, ")");
    }
    if (advice->action != NULL) {
        bs_strbuf_append_str(&text, ": ");
        bs_strbuf_append_str(&text, advice->action);
    }
    bs_strbuf_append_str(out, "  -");
    append_wrapped(out, 3, "    ", bs_strbuf_str(&text));
    out->failed = out->failed || text.failed;
    bs_strbuf_free(&text);
}

/* --compare: "Since the last scan", as model/compare.h decided it. */
#define COMPARE_NAME_BYTES 20

static void compare_list(const struct bs_scan_result *result, const struct bs_compare *compare,
                         const struct bs_compare_list *list, const char *title,
                         struct bs_strbuf *out)
{
    if (list->count == 0) {
        return;
    }
    bs_strbuf_appendf(out, "  %s\n", title);
    for (size_t i = 0; i < list->count && i < GROUPS_SHOWN; i++) {
        const struct bs_compare_entry *entry = &list->entries[i];
        bs_strbuf_append_str(out, "    ");
        /* The name, cut so that the longest line ("...: 1,000,000 new, last 2026-01-24,
         * still going on") fits in LINE_COLUMNS. */
        append_clipped(out, bs_compare_entry_name(compare, result, entry), COMPARE_NAME_BYTES);
        if (list == &compare->new_unencrypted) {
            bs_strbuf_append_str(out, ": ");
            bs_strbuf_append_counted(out, entry->messages, "new", "new");
            bs_strbuf_append_str(out, ", last ");
            append_date(out, result->threads[entry->thread_index].last_unencrypted);
            bs_strbuf_append_str(out, ", ");
            bs_strbuf_append_str(out, bs_compare_entry_state(entry));
        } else if (list == &compare->gone) {
            bs_strbuf_appendf(out, ": was %s", bs_risk_name(entry->from));
        } else {
            bs_strbuf_appendf(out, ": %s -> %s%s", bs_risk_name(entry->from),
                              bs_risk_name(entry->to),
                              bs_compare_entry_is_fixed(entry) ? " (fixed)" : "");
        }
        bs_strbuf_append_str(out, "\n");
    }
    if (list->count > GROUPS_SHOWN) {
        bs_strbuf_append_str(out, "    and ");
        bs_strbuf_append_count(out, list->count - GROUPS_SHOWN);
        bs_strbuf_append_str(out, " more (all of them: --json FILE)\n");
    }
}

static void compare_section(const struct bs_scan_result *result,
                            const struct bs_report_context *context, struct bs_strbuf *out)
{
    const struct bs_compare *compare = context->compare;
    if (compare == NULL) {
        return;
    }
    char latest[21];
    bs_date_format(compare->old_latest, latest);
    struct bs_strbuf title = {0};
    bs_strbuf_appendf(&title, "What changed (the last scan's latest message: %s)",
                      compare->old_latest.is_known ? latest : "none dated");
    heading(out, context, COLOUR_BOLD, bs_strbuf_str(&title));
    bs_strbuf_free(&title);
    struct bs_strbuf sentence = {0};
    bs_compare_sentence(compare, result, &sentence);
    bs_strbuf_append_str(out, " ");
    append_wrapped(out, 1, "  ", bs_strbuf_str(&sentence));
    out->failed = out->failed || sentence.failed;
    bs_strbuf_free(&sentence);
    compare_list(result, compare, &compare->risk_up, "Risk up", out);
    compare_list(result, compare, &compare->risk_down, "Risk down", out);
    char gone_title[80];
    (void)snprintf(gone_title, sizeof(gone_title), "Gone (%s)", bs_compare_gone_meaning());
    compare_list(result, compare, &compare->gone, gone_title, out);
    compare_list(result, compare, &compare->new_unencrypted, "Unencrypted since then", out);
}

static void advice_section(const struct bs_scan_result *result, const struct bs_report_model *model,
                           struct bs_strbuf *out, const struct bs_report_context *context)
{
    heading(out, context, COLOUR_BOLD, "What to do");
    for (size_t i = 0; i < model->advice_count; i++) {
        advice_item(result, model, &model->advice[i], out);
    }
}

void bs_report_text_summary(const struct bs_scan_result *result,
                            const struct bs_report_model *model,
                            const struct bs_report_context *context, struct bs_strbuf *out)
{
    source_section(result, model, context, out);
    if (is_backup_source(context)) {
        at_rest_section(context, out);
    }
    transport_section(result, model, out, context);
    risk_section(model, out, context);
    compare_section(result, context, out);
    groups_section(result, model, out, context, BS_RISK_CRITICAL);
    groups_section(result, model, out, context, BS_RISK_HIGH);
    signal_section(result, model, out, context);
    advice_section(result, model, out, context);
    if (model->note_count > 0) {
        heading(out, context, COLOUR_NONE, "Notes");
        for (size_t i = 0; i < model->note_count; i++) {
            bs_strbuf_appendf(out, "  - %s\n", model->notes[i]);
        }
    }
}
