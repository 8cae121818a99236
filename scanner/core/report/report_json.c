/* The JSON report of report_json.h: a small indenting writer that streams record by record;
 * strings become JSON through the jansson adapter (json_io.h). */
#include "core/report/report_json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/text.h"
#include "core/model/classify.h"
#include "core/model/months.h"
#include "core/model/report_model.h"
#include "core/model/timeline.h"
#include "core/report/json_io.h"

/* Deepest nesting the report has (root, threads, a thread, its members, a member). */
#define MAX_DEPTH 8
/* The buffer goes to the file once it holds this much, so memory stays small. */
#define FLUSH_BYTES (64 * 1024)

struct level {
    bool has_item;
    bool is_inline; /* items on one line: short arrays of strings */
};

struct json_writer {
    FILE *out;
    struct bs_strbuf buf;
    struct bs_strbuf scratch; /* a source string made valid UTF-8 */
    struct level levels[MAX_DEPTH];
    unsigned depth;
    bool write_failed;
};

static void flush(struct json_writer *w)
{
    if (w->buf.failed) {
        return; /* kept, so the caller sees it */
    }
    if (w->buf.length > 0 && !w->write_failed) {
        w->write_failed = fwrite(w->buf.data, 1, w->buf.length, w->out) != w->buf.length;
    }
    bs_strbuf_reset(&w->buf);
}

static void indent(struct json_writer *w)
{
    static const char spaces[2 * MAX_DEPTH + 1] = "                ";
    bs_strbuf_append(&w->buf, "\n", 1);
    bs_strbuf_append(&w->buf, spaces, 2 * (size_t)w->depth); /* depth < MAX_DEPTH */
}

/* The separator and key before a value. Keys are this file's own ASCII identifiers. */
static void item(struct json_writer *w, const char *key)
{
    struct level *level = &w->levels[w->depth];
    if (level->is_inline) {
        bs_strbuf_append_str(&w->buf, level->has_item ? ", " : "");
    } else {
        bs_strbuf_append_str(&w->buf, level->has_item ? "," : "");
        indent(w);
    }
    level->has_item = true;
    if (key != NULL) {
        bs_strbuf_append(&w->buf, "\"", 1);
        bs_strbuf_append_str(&w->buf, key);
        bs_strbuf_append(&w->buf, "\": ", 3);
    }
}

static void open_level(struct json_writer *w, const char *key, const char *bracket, bool is_inline)
{
    item(w, key);
    bs_strbuf_append_str(&w->buf, bracket);
    if (w->depth + 1 < MAX_DEPTH) {
        w->depth++;
        w->levels[w->depth].has_item = false;
        w->levels[w->depth].is_inline = is_inline;
    } else {
        w->buf.failed = true; /* a bug in this file, reported as a failed write */
    }
}

static void close_level(struct json_writer *w, const char *bracket)
{
    struct level *level = &w->levels[w->depth];
    if (level->has_item && !level->is_inline) {
        w->depth--;
        indent(w);
    } else {
        w->depth--;
    }
    bs_strbuf_append_str(&w->buf, bracket);
    if (w->buf.length >= FLUSH_BYTES) {
        flush(w);
    }
}

static void begin_object(struct json_writer *w, const char *key)
{
    open_level(w, key, "{", false);
}

static void end_object(struct json_writer *w)
{
    close_level(w, "}");
}

static void begin_array(struct json_writer *w, const char *key, bool is_inline)
{
    open_level(w, key, "[", is_inline);
}

static void end_array(struct json_writer *w)
{
    close_level(w, "]");
}

/* A string from the source (or ours): invalid UTF-8 escaped, then a JSON string literal. */
static void put_string(struct json_writer *w, const char *key, const char *text)
{
    item(w, key);
    if (text == NULL) {
        bs_strbuf_append_str(&w->buf, "null");
        return;
    }
    bs_strbuf_reset(&w->scratch);
    bs_strbuf_append_utf8(&w->scratch, text);
    if (w->scratch.failed) {
        w->buf.failed = true;
        return;
    }
    (void)bs_json_append_string(&w->buf, bs_strbuf_str(&w->scratch), w->scratch.length);
}

/* A string of this program's own (a date, a month, a code): ASCII without quotes,
 * backslashes or controls, so it needs no escaping. Per-thread months make this hot. */
static void put_plain(struct json_writer *w, const char *key, const char *text)
{
    item(w, key);
    bs_strbuf_append(&w->buf, "\"", 1);
    bs_strbuf_append_str(&w->buf, text);
    bs_strbuf_append(&w->buf, "\"", 1);
}

static void put_u64(struct json_writer *w, const char *key, uint64_t value)
{
    item(w, key);
    bs_strbuf_append_u64(&w->buf, value);
}

static void put_i64(struct json_writer *w, const char *key, int64_t value)
{
    item(w, key);
    bs_strbuf_append_i64(&w->buf, value);
}

static void put_bool(struct json_writer *w, const char *key, bool value)
{
    item(w, key);
    bs_strbuf_append_str(&w->buf, value ? "true" : "false");
}

static void put_null(struct json_writer *w, const char *key)
{
    item(w, key);
    bs_strbuf_append_str(&w->buf, "null");
}

/* ISO 8601 UTC, or null when unknown. */
static void put_date(struct json_writer *w, const char *key, struct bs_date date)
{
    char text[21];
    bs_date_format(date, text);
    if (text[0] == '\0') {
        put_null(w, key);
    } else {
        put_plain(w, key, text);
    }
}

static void write_source(struct json_writer *w, const struct bs_scan_report *report,
                         const struct bs_report_json_context *context)
{
    begin_object(w, "source");
    put_string(w, "path", context->source_label);
    put_string(w, "kind", report->source_kind == BS_SOURCE_BACKUP ? "backup" : "database");
    put_string(w, "description", bs_source_kind_name(report->source_kind));
    end_object(w);
    put_date(w, "since", context->since);
}

static void write_backup(struct json_writer *w, const struct bs_backup_facts *facts,
                         const struct bs_report_model *model)
{
    if (!facts->is_backup) {
        put_null(w, "device");
        put_null(w, "backup");
        begin_array(w, "findings", false);
        end_array(w);
        return;
    }
    const struct bs_device_facts *device = &facts->device;
    begin_object(w, "device");
    put_string(w, "name", device->device_name);
    put_string(w, "product_type", device->product_type);
    put_string(w, "product_version", device->product_version);
    put_string(w, "build_version", device->build_version);
    put_string(w, "serial_number", device->serial_number);
    put_string(w, "phone_number", device->phone_number);
    put_date(w, "backup_date", device->backup_date);
    if (device->has_passcode_fact) {
        put_bool(w, "passcode_set", device->was_passcode_set);
    } else {
        put_null(w, "passcode_set");
    }
    end_object(w);
    begin_object(w, "backup");
    if (model->has_backup_verdict) { /* the summary's and the HTML's verdict */
        put_bool(w, "encrypted", model->is_backup_encrypted);
    } else {
        put_null(w, "encrypted");
    }
    put_bool(w, "legacy_layout", facts->is_legacy_layout);
    if (facts->has_status_fact) {
        put_bool(w, "complete", facts->is_complete);
    } else {
        put_null(w, "complete");
    }
    begin_array(w, "warnings", false);
    for (size_t i = 0; i < facts->warning_count; i++) {
        put_string(w, NULL, facts->warnings[i]);
    }
    end_array(w);
    end_object(w);
    begin_array(w, "findings", false);
    for (size_t i = 0; i < facts->finding_count; i++) {
        const struct bs_finding *finding = &facts->findings[i];
        begin_object(w, NULL);
        put_string(w, "code", bs_finding_code_name(finding->code));
        put_string(w, "text", finding->text);
        put_bool(w, "indirect", finding->is_indirect);
        end_object(w);
    }
    end_array(w);
}

/* JSON apps (SPEC 3.6): one object per messaging app found in a backup; [] otherwise. */
static void write_apps(struct json_writer *w, const struct bs_backup_facts *facts)
{
    begin_array(w, "apps", false);
    for (size_t i = 0; i < BS_APP_COUNT && facts->is_backup; i++) {
        const struct bs_app_at_rest *app = &facts->apps.apps[i];
        if (!bs_app_at_rest_is_found(app)) {
            continue;
        }
        begin_object(w, NULL);
        put_string(w, "app", bs_messaging_app_name((enum bs_messaging_app)i));
        put_u64(w, "plaintext_databases", app->plaintext_databases);
        put_u64(w, "plaintext_bytes", app->plaintext_bytes);
        if (app->largest_plaintext != NULL) {
            put_string(w, "largest_plaintext", app->largest_plaintext);
        } else {
            put_null(w, "largest_plaintext");
        }
        put_u64(w, "app_encrypted_databases", app->app_encrypted_databases);
        end_object(w);
    }
    end_array(w);
}

static void write_counts(struct json_writer *w, const struct bs_scan_result *result,
                         const struct bs_report_model *model)
{
    const uint64_t *by_risk = model->threads_by_risk;
    begin_object(w, "counts");
    put_u64(w, "message_rows", result->message_rows);
    put_u64(w, "messages", result->counted_messages);
    for (int t = 0; t < BS_TRANSPORT_COUNT; t++) {
        put_u64(w, bs_transport_name((enum bs_transport)t), result->counts[t]);
    }
    put_u64(w, "encrypted", model->encrypted_messages);
    put_u64(w, "unencrypted", model->unencrypted_messages);
    put_u64(w, "icloud_synced", result->icloud_synced_messages);
    put_u64(w, "threads", result->thread_count);
    put_u64(w, "people", result->person_count);
    put_u64(w, "handles", result->handle_count);
    begin_object(w, "risk");
    for (int r = BS_RISK_CRITICAL; r >= BS_RISK_NONE; r--) {
        put_u64(w, bs_risk_name((enum bs_risk)r), by_risk[r]);
    }
    end_object(w);
    put_u64(w, "signal_people", result->signal_count);
    put_u64(w, "signal_threads", model->covered_threads);
    end_object(w);
    begin_object(w, "orphans");
    put_u64(w, "messages", result->orphan_messages);
    end_object(w);
}

static void write_month_rows(struct json_writer *w, const char *key,
                             const struct bs_month_table *months);

static void write_notes_and_months(struct json_writer *w, const struct bs_scan_result *result,
                                   const struct bs_report_model *model)
{
    begin_array(w, "notes", false);
    for (size_t i = 0; i < model->note_count; i++) {
        put_string(w, NULL, model->notes[i]);
    }
    end_array(w);
    begin_array(w, "advice", false);
    for (size_t i = 0; i < model->advice_count; i++) {
        const struct bs_advice *advice = &model->advice[i];
        char sentence[512];
        bs_advice_sentence(advice, sentence, sizeof(sentence));
        begin_object(w, NULL);
        put_string(w, "code", bs_advice_code_name(advice->code));
        put_u64(w, "count", advice->count);
        put_string(w, "text", sentence);
        end_object(w);
    }
    end_array(w);
    const struct bs_month_table *months = &result->months;
    write_month_rows(w, "months", months);
    begin_object(w, "undated");
    put_u64(w, "encrypted", months->undated.encrypted);
    put_u64(w, "unencrypted", months->undated.unencrypted);
    end_object(w);
}

static void put_flag(struct json_writer *w, const char *key, enum bs_flag flag)
{
    if (flag == BS_FLAG_ABSENT) {
        put_null(w, key);
    } else {
        put_bool(w, key, flag == BS_FLAG_TRUE);
    }
}

static void write_month_rows(struct json_writer *w, const char *key,
                             const struct bs_month_table *months)
{
    begin_array(w, key, false);
    for (size_t i = 0; i < months->count; i++) {
        char month[8];
        begin_object(w, NULL);
        w->levels[w->depth].is_inline = true;
        put_plain(w, "month", bs_months_format(months->rows[i].month_key, month));
        put_u64(w, "encrypted", months->rows[i].encrypted);
        put_u64(w, "unencrypted", months->rows[i].unencrypted);
        end_object(w);
    }
    end_array(w);
}

/* SPEC 3.7 and 3.2: the thread's exposure timeline and Apple's own evidence. */
static void write_timeline(struct json_writer *w, const struct bs_scan_result *result,
                           const struct bs_thread *thread)
{
    const struct bs_thread_timeline *timeline = &thread->timeline;
    struct bs_date since = bs_timeline_exposed_since(timeline);
    put_date(w, "exposed_since", since);
    if (timeline->cause == BS_CAUSE_NONE) {
        put_null(w, "exposure_cause");
    } else {
        put_string(w, "exposure_cause", bs_exposure_cause_name(timeline->cause));
    }
    const struct bs_member *broken_by = bs_thread_broken_by(thread);
    if (broken_by == NULL) {
        put_null(w, "broken_by");
    } else {
        struct bs_strbuf label = {0};
        bs_member_label(result, broken_by, &label);
        w->buf.failed = w->buf.failed || label.failed;
        put_string(w, "broken_by", bs_strbuf_str(&label));
        bs_strbuf_free(&label);
    }
    if (since.is_known) {
        put_u64(w, "encrypted_before", timeline->encrypted_before);
    } else {
        put_null(w, "encrypted_before");
    }
    put_bool(w, "ongoing", bs_timeline_is_ongoing(timeline));
    write_month_rows(w, "months", &timeline->months);
    begin_object(w, "apple");
    w->levels[w->depth].is_inline = true;
    put_flag(w, "hybrid", thread->apple.hybrid);
    put_flag(w, "supports_encryption", thread->apple.supports_encryption);
    put_flag(w, "force_sms", thread->apple.force_sms);
    end_object(w);
}

static void write_thread(struct json_writer *w, const struct bs_scan_result *result,
                         const struct bs_thread *thread)
{
    begin_object(w, NULL);
    put_i64(w, "chat_id", thread->chat_id);
    put_string(w, "chat_guid", thread->guid);
    put_string(w, "kind", bs_thread_kind_name(thread->kind));
    put_string(w, "name", thread->name);
    put_string(w, "display_name", thread->display_name);
    put_string(w, "risk", bs_risk_name(thread->risk));
    begin_array(w, "reasons", true);
    for (unsigned i = 0; i < BS_REASON_COUNT; i++) {
        if (thread->reasons & (1u << i)) {
            put_string(w, NULL, bs_reason_code(i));
        }
    }
    end_array(w);
    put_string(w, "transport", bs_thread_transport_name(thread->transport));
    put_u64(w, "participants", thread->member_count);
    put_u64(w, "non_imessage_participants", thread->non_imessage_count);
    begin_array(w, "members", false);
    for (size_t i = 0; i < thread->member_count; i++) {
        const struct bs_member *member = &thread->members[i];
        const struct bs_person *person = &result->persons[member->person_index];
        begin_object(w, NULL);
        w->levels[w->depth].is_inline = true;
        put_string(w, "name", person->contact_name);
        put_string(w, "id", result->handles[member->handle_index].id);
        put_string(w, "reachability", bs_reachability_name(person->reachability));
        put_bool(w, "automated", person->is_automated);
        end_object(w);
    }
    end_array(w);
    put_u64(w, "messages", bs_thread_messages(thread));
    for (int t = 0; t < BS_TRANSPORT_COUNT; t++) {
        put_u64(w, bs_transport_name((enum bs_transport)t), thread->counts[t]);
    }
    put_date(w, "first_message", thread->first_message);
    put_date(w, "last_message", thread->last_message);
    put_date(w, "last_unencrypted", thread->last_unencrypted);
    write_timeline(w, result, thread);
    end_object(w);
}

static void write_signal_row(struct json_writer *w, const struct bs_scan_result *result,
                             const struct bs_report_model *model, size_t index)
{
    const struct bs_signal_row *row = &result->signal_rows[index];
    size_t rank = index + 1;
    const struct bs_person *person = &result->persons[row->person_index];
    begin_object(w, NULL);
    put_u64(w, "rank", rank);
    put_string(w, "person", bs_person_name(result, row->person_index));
    begin_array(w, "ids", true);
    for (size_t h = person->first_handle_index; h != SIZE_MAX;
         h = result->handles[h].next_of_person) {
        const struct bs_handle *handle = &result->handles[h];
        if (!bs_handle_repeats_id(result, h)) {
            put_string(w, NULL, handle->id);
        }
    }
    end_array(w);
    put_string(w, "reachability", bs_reachability_name(person->reachability));
    put_u64(w, "critical_groups", row->critical_groups);
    put_u64(w, "risky_groups", row->risky_groups);
    put_u64(w, "direct_threads", row->direct_threads);
    put_u64(w, "unencrypted_messages", row->unencrypted_messages);
    put_date(w, "last_unencrypted", row->last_unencrypted);
    put_u64(w, "secures", row->secures);
    const size_t *by_name = model->signal_thread_names[index];
    begin_array(w, "threads", false);
    for (size_t i = 0; i < row->thread_count; i++) {
        put_string(w, NULL, result->threads[by_name[i]].name);
    }
    end_array(w);
    end_object(w);
}

/* --compare (SPEC 4): "compare", as model/compare.h decided it. */
static void write_compare_entries(struct json_writer *w, const char *key,
                                  const struct bs_scan_result *result,
                                  const struct bs_compare *compare,
                                  const struct bs_compare_list *list)
{
    begin_array(w, key, false);
    for (size_t i = 0; i < list->count && !w->buf.failed; i++) {
        const struct bs_compare_entry *entry = &list->entries[i];
        begin_object(w, NULL);
        put_string(w, "chat_guid", bs_compare_entry_guid(compare, result, entry));
        put_string(w, "name", bs_compare_entry_name(compare, result, entry));
        if (list == &compare->new_unencrypted) {
            put_u64(w, "messages", entry->messages);
            put_bool(w, "ongoing", entry->ongoing);
        } else {
            put_string(w, "from", bs_risk_name(entry->from));
            if (list != &compare->gone) {
                put_string(w, "to", bs_risk_name(entry->to));
            }
        }
        end_object(w);
    }
    end_array(w);
}

static void write_compare(struct json_writer *w, const struct bs_scan_result *result,
                          const struct bs_compare *compare)
{
    if (compare == NULL) {
        return;
    }
    begin_object(w, "compare");
    put_date(w, "old_latest_message", compare->old_latest);
    struct bs_strbuf sentence = {0};
    bs_compare_sentence(compare, result, &sentence);
    w->buf.failed = w->buf.failed || sentence.failed;
    put_string(w, "summary", bs_strbuf_str(&sentence));
    bs_strbuf_free(&sentence);
    write_compare_entries(w, "risk_up", result, compare, &compare->risk_up);
    write_compare_entries(w, "risk_down", result, compare, &compare->risk_down);
    write_compare_entries(w, "gone", result, compare, &compare->gone);
    write_compare_entries(w, "new_unencrypted", result, compare, &compare->new_unencrypted);
    end_object(w);
}

enum bs_status bs_report_json_write(const struct bs_scan_report *report,
                                    const struct bs_report_model *model,
                                    const struct bs_report_json_context *context, FILE *out,
                                    struct bs_error *err)
{
    const struct bs_scan_result *result = &report->result;
    struct json_writer w = {.out = out};
    enum bs_status status = BS_OK;
    bs_strbuf_append_str(&w.buf, "{");
    w.depth = 1; /* the root object, opened by hand: no separator before it */
    put_u64(&w, "format_version", BS_REPORT_JSON_FORMAT_VERSION);
    begin_object(&w, "generator");
    put_string(&w, "name", "bubblescan");
    put_string(&w, "version", context->version);
    end_object(&w);
    put_bool(&w, "redacted", context->is_redacted);
    write_source(&w, report, context);
    write_backup(&w, &report->backup, model);
    write_apps(&w, &report->backup);
    write_counts(&w, result, model);
    write_notes_and_months(&w, result, model);
    begin_array(&w, "threads", false);
    for (size_t i = 0; i < result->thread_count && !w.buf.failed; i++) {
        write_thread(&w, result, &result->threads[model->thread_order[i]]);
    }
    end_array(&w);
    begin_array(&w, "signal", false);
    for (size_t i = 0; i < result->signal_count && !w.buf.failed; i++) {
        write_signal_row(&w, result, model, i);
    }
    end_array(&w);
    write_compare(&w, result, context->compare);
    close_level(&w, "}");
    bs_strbuf_append_str(&w.buf, "\n");
    if (w.buf.failed) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory writing JSON");
        goto done;
    }
    flush(&w);
    if (w.write_failed || ferror(out)) {
        status = bs_error_set(err, BS_ERR_IO, "writing JSON failed");
    }
done:
    bs_strbuf_free(&w.buf);
    bs_strbuf_free(&w.scratch);
    return status;
}
