/* The terminal summary of report_text.h. */
#include "core/report_text.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/classify.h"
#include "core/signal_plan.h"

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

/* 1234567 as "1,234,567". */
static void append_count(struct bs_strbuf *out, uint64_t value)
{
    char digits[24];
    int n = snprintf(digits, sizeof(digits), "%" PRIu64, value);
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0) {
            bs_strbuf_append_str(out, ",");
        }
        bs_strbuf_append(out, &digits[i], 1);
    }
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

static void source_section(const struct bs_scan_result *result,
                           const struct bs_report_context *context, struct bs_strbuf *out)
{
    colour_on(out, context, COLOUR_BOLD);
    bs_strbuf_appendf(out, "bubblescan %s: where iMessage encryption does not hold\n",
                      context->version);
    colour_off(out, context, COLOUR_BOLD);
    bs_strbuf_append_str(out, "Source    ");
    append_clipped(out, context->source_label, 64);
    bs_strbuf_appendf(out, "\n          %s\n", context->source_kind);
    struct bs_date first = {0, false};
    struct bs_date last = {0, false};
    for (size_t i = 0; i < result->thread_count; i++) {
        first = bs_date_min(first, result->threads[i].first_message);
        last = bs_date_max(last, result->threads[i].last_message);
    }
    bs_strbuf_append_str(out, "Scanned   ");
    append_count(out, result->counted_messages);
    bs_strbuf_append_str(out, " messages in ");
    append_count(out, result->thread_count);
    bs_strbuf_append_str(out, " threads");
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
        append_count(out, result->orphan_messages);
        bs_strbuf_append_str(out, " orphan messages (in no thread)\n");
    }
}

static void transport_section(const struct bs_scan_result *result, struct bs_strbuf *out,
                              const struct bs_report_context *context)
{
    static const char *const labels[BS_TRANSPORT_COUNT] = {"iMessage", "SMS", "MMS", "RCS",
                                                           "other"};
    static const char *const meanings[BS_TRANSPORT_COUNT] = {
        "end-to-end encrypted", "plaintext through the carrier", "plaintext through the carrier",
        "encryption not verifiable", "unknown transport, counted as unencrypted"};
    heading(out, context, COLOUR_BOLD, "Messages by transport");
    uint64_t total = result->counted_messages;
    for (int t = 0; t < BS_TRANSPORT_COUNT; t++) {
        uint64_t count = result->counts[t];
        unsigned percent = total == 0 ? 0 : (unsigned)((count * 100 + total / 2) / total);
        struct bs_strbuf number = {0};
        append_count(&number, count);
        bs_strbuf_appendf(out, "  %-9s %11s %4u%%  %s\n", labels[t], bs_strbuf_str(&number),
                          percent, meanings[t]);
        bs_strbuf_free(&number);
    }
}

static void risk_section(const struct bs_scan_result *result, struct bs_strbuf *out,
                         const struct bs_report_context *context)
{
    static const enum colour colours[] = {COLOUR_GREEN, COLOUR_NONE, COLOUR_NONE, COLOUR_YELLOW,
                                          COLOUR_RED};
    uint64_t by_risk[BS_RISK_CRITICAL + 1] = {0};
    for (size_t i = 0; i < result->thread_count; i++) {
        by_risk[result->threads[i].risk]++;
    }
    heading(out, context, COLOUR_BOLD, "Threads by risk");
    bs_strbuf_append_str(out, "  ");
    for (int r = BS_RISK_CRITICAL; r >= BS_RISK_NONE; r--) {
        bs_strbuf_append_str(out, r == BS_RISK_CRITICAL ? "" : "  ");
        colour_on(out, context, by_risk[r] > 0 ? colours[r] : COLOUR_NONE);
        bs_strbuf_appendf(out, "%s ", bs_risk_name((enum bs_risk)r));
        append_count(out, by_risk[r]);
        colour_off(out, context, by_risk[r] > 0 ? colours[r] : COLOUR_NONE);
    }
    bs_strbuf_append_str(out, "\n");
}

static void group_lines(const struct bs_scan_result *result, const struct bs_thread *thread,
                        struct bs_strbuf *out)
{
    bs_strbuf_append_str(out, "  ");
    append_clipped(out, thread->name, NAME_CLIP_BYTES);
    bs_strbuf_appendf(out, "\n    %zu people, ", thread->member_count);
    append_count(out, bs_thread_unencrypted(thread));
    bs_strbuf_append_str(out, " unencrypted, last ");
    append_date(out, thread->last_unencrypted);
    bs_strbuf_append_str(out, "\n");
    size_t shown = 0;
    for (size_t i = 0; i < thread->member_count; i++) {
        const struct bs_member *member = &thread->members[i];
        const struct bs_person *person = &result->persons[member->person_index];
        if (person->reachability == BS_REACH_IMESSAGE && !person->is_automated) {
            continue;
        }
        if (shown == MEMBERS_SHOWN) {
            bs_strbuf_appendf(out, "      and %zu more\n", thread->non_imessage_count - shown);
            break;
        }
        bs_strbuf_append_str(out, shown == 0 ? "    not on iMessage: " : "                     ");
        append_clipped(out, bs_person_name(result, member->person_index), 32);
        if (person->contact_name != NULL) {
            bs_strbuf_append_str(out, " <");
            append_clipped(out, result->handles[member->handle_index].id, 24);
            bs_strbuf_append_str(out, ">");
        }
        bs_strbuf_appendf(out, " (%s)\n",
                          person->is_automated ? "automated"
                                               : bs_reachability_name(person->reachability));
        shown++;
    }
}

static void groups_section(const struct bs_scan_result *result, struct bs_strbuf *out,
                           const struct bs_report_context *context, enum bs_risk risk)
{
    size_t count = 0;
    for (size_t i = 0; i < result->thread_count; i++) {
        count += result->threads[i].risk == risk ? 1 : 0;
    }
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
    for (size_t i = 0; i < result->thread_count; i++) {
        const struct bs_thread *thread = &result->threads[i];
        if (thread->risk != risk) {
            continue;
        }
        if (shown++ == GROUPS_SHOWN) {
            bs_strbuf_appendf(out, "  and %zu more (see --csv)\n", count - GROUPS_SHOWN);
            break;
        }
        group_lines(result, thread, out);
    }
}

static size_t covered_threads(const struct bs_scan_result *result)
{
    size_t covered = 0;
    for (size_t i = 0; i < result->thread_count; i++) {
        covered += bs_signal_plan_covers(&result->threads[i]) ? 1 : 0;
    }
    return covered;
}

static void signal_section(const struct bs_scan_result *result, struct bs_strbuf *out,
                           const struct bs_report_context *context)
{
    if (result->signal_count == 0) {
        return;
    }
    heading(out, context, COLOUR_BOLD, "Move to Signal: invite these people first");
    size_t shown = result->signal_count < context->signal_rows_shown ? result->signal_count
                                                                     : context->signal_rows_shown;
    size_t covered = covered_threads(result);
    for (size_t i = 0; i < shown; i++) {
        const struct bs_signal_row *row = &result->signal_rows[i];
        const struct bs_person *person = &result->persons[row->person_index];
        bs_strbuf_appendf(out, "  %2zu. ", i + 1);
        append_clipped(out, bs_person_name(result, row->person_index), 32);
        bs_strbuf_appendf(out, " (%s)\n      ", bs_reachability_name(person->reachability));
        if (row->critical_groups > 0) {
            bs_strbuf_appendf(out, "%" PRIu64 " critical group%s, ", row->critical_groups,
                              row->critical_groups == 1 ? "" : "s");
        }
        append_count(out, row->unencrypted_messages);
        bs_strbuf_appendf(
            out, " unencrypted; with the people above, secures %" PRIu64 " of %zu threads\n",
            row->secures, covered);
    }
    if (shown < result->signal_count) {
        bs_strbuf_appendf(out, "  and %zu more (the whole list: --signal FILE)\n",
                          result->signal_count - shown);
    }
    const struct bs_signal_row *last = &result->signal_rows[result->signal_count - 1];
    bs_strbuf_appendf(out,
                      "  Invite all %zu and %" PRIu64 " of %zu risky threads become fully "
                      "secure.\n",
                      result->signal_count, last->secures, covered);
}

static void advice_section(const struct bs_scan_result *result, struct bs_strbuf *out,
                           const struct bs_report_context *context)
{
    size_t by_risk[BS_RISK_CRITICAL + 1] = {0};
    for (size_t i = 0; i < result->thread_count; i++) {
        by_risk[result->threads[i].risk]++;
    }
    heading(out, context, COLOUR_BOLD, "What to do");
    size_t critical = by_risk[BS_RISK_CRITICAL];
    size_t high = by_risk[BS_RISK_HIGH];
    size_t medium = by_risk[BS_RISK_MEDIUM];
    size_t low = by_risk[BS_RISK_LOW];
    if (critical == 1) {
        bs_strbuf_append_str(out, "  - 1 group looks encrypted to the iPhone users in it but goes "
                                  "over MMS:\n    move it to a Signal group as a whole, with "
                                  "everyone in it.\n");
    } else if (critical > 1) {
        bs_strbuf_appendf(out,
                          "  - %zu groups look encrypted to the iPhone users in them but go "
                          "over MMS:\n    move each to a Signal group as a whole, with everyone "
                          "in it.\n",
                          critical);
    }
    if (high > 0) {
        bs_strbuf_appendf(out,
                          "  - %zu group%s over SMS/MMS or RCS, readable by carriers: start "
                          "a Signal\n    group with the same people.\n",
                          high, high == 1 ? " runs" : "s run");
    }
    if (medium > 0) {
        bs_strbuf_appendf(out,
                          "  - %zu direct conversation%s unencrypted: ask %s to install "
                          "Signal\n    and talk there.\n",
                          medium, medium == 1 ? " is" : "s are",
                          medium == 1 ? "that person" : "those people");
    }
    if (low > 0) {
        bs_strbuf_appendf(out,
                          "  - %zu thread%s with automated senders (codes, banks) over SMS: "
                          "nobody to move,\n    but prefer an authenticator app to SMS "
                          "codes.\n",
                          low, low == 1 ? "" : "s");
    }
    if (critical + high + medium + low == 0) {
        bs_strbuf_append_str(out, "  - No thread sent anything unencrypted: every counted "
                                  "message went over iMessage.\n");
    }
    bs_strbuf_append_str(out, "  - Messages at rest: iCloud holds the keys to Messages in iCloud "
                              "and iCloud\n    Backup unless Advanced Data Protection is on "
                              "(Settings > [your name] >\n    iCloud > Advanced Data Protection); "
                              "encrypt local backups too.\n");
}

size_t bs_report_text_notes(const struct bs_scan_result *result, const char *notes[], size_t max)
{
    const struct bs_schema_notes *n = &result->notes;
    const struct {
        bool applies;
        const char *text;
    } all[] = {
        {n->lacks_handle_table, "no handle table: people cannot be identified"},
        {n->lacks_chat_table, "no chat table: messages cannot be grouped into threads"},
        {n->lacks_chat_message_join && !n->lacks_chat_table,
         "no chat_message_join table: no message is linked to a thread"},
        {n->lacks_chat_handle_join && !n->lacks_chat_table,
         "no chat_handle_join table: members come from messages only"},
        {n->lacks_attachment_join, "no attachment data: MMS is recognised in groups only"},
        {n->lacks_service_column, "no message.service column: every message counts as other"},
        {n->lacks_date_column, "no message.date column: dates are unknown"},
        {n->lacks_item_type_column && n->lacks_service_column,
         "no message.item_type column: every row counts as a message"},
    };
    size_t count = 0;
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]) && count < max; i++) {
        if (all[i].applies) {
            notes[count++] = all[i].text;
        }
    }
    return count;
}

void bs_report_text_summary(const struct bs_scan_result *result,
                            const struct bs_report_context *context, struct bs_strbuf *out)
{
    source_section(result, context, out);
    transport_section(result, out, context);
    risk_section(result, out, context);
    groups_section(result, out, context, BS_RISK_CRITICAL);
    groups_section(result, out, context, BS_RISK_HIGH);
    signal_section(result, out, context);
    advice_section(result, out, context);
    const char *notes[16];
    size_t note_count = bs_report_text_notes(result, notes, 16);
    if (note_count > 0) {
        heading(out, context, COLOUR_NONE, "Notes");
        for (size_t i = 0; i < note_count; i++) {
            bs_strbuf_appendf(out, "  - %s\n", notes[i]);
        }
    }
}
