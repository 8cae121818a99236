/* The CSV writers of report_csv.h; the libcsv adapter. */
#include "core/report/report_csv.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "core/base/text.h"
#include "core/model/classify.h"
#include "core/model/timeline.h"

const char bs_report_csv_threads_header[] =
    "chat_id,chat_guid,kind,name,risk,reasons,transport,participants,"
    "non_imessage_participants,members,messages,imessage,sms,mms,rcs,other,first_message,"
    "last_message,last_unencrypted,exposed_since,exposure_cause,broken_by";
const char bs_report_csv_signal_header[] =
    "rank,person,ids,reachability,critical_groups,risky_groups,direct_threads,"
    "unencrypted_messages,last_unencrypted,secures,threads";

bool bs_report_csv_is_plain_phone(const char *text)
{
    if (text == NULL || text[0] != '+') {
        return false;
    }
    size_t digits = 0;
    for (const char *p = text + 1; *p != '\0'; p++) {
        if (*p < '0' || *p > '9') {
            return false;
        }
        digits++;
    }
    return digits >= 7 && digits <= 15;
}

char *bs_report_csv_cell(const char *text)
{
    struct bs_strbuf cell = {0};
    const char *raw = text == NULL ? "" : text;
    if (strchr("=@\t\r+-", raw[0]) != NULL && raw[0] != '\0' &&
        !bs_report_csv_is_plain_phone(raw)) {
        bs_strbuf_append_str(&cell, "'");
    }
    bs_strbuf_append_safe(&cell, raw);
    return bs_strbuf_take(&cell);
}

static bool needs_quotes(const char *text)
{
    size_t length = strlen(text);
    return strpbrk(text, ",\"\r\n") != NULL ||
           (length > 0 && (text[0] == ' ' || text[length - 1] == ' '));
}

bool bs_report_csv_write_field(FILE *out, const char *text)
{
    if (!needs_quotes(text)) {
        return fputs(text, out) >= 0 || text[0] == '\0';
    }
    return csv_fwrite(out, text, strlen(text)) == 0;
}

/* One row being written: fields separated by commas; the first failure sticks. */
struct row_writer {
    FILE *out;
    size_t field_count;
    bool failed;
    bool out_of_memory;
};

static void put_raw(struct row_writer *row, const char *text)
{
    if (row->field_count++ > 0 && fputc(',', row->out) == EOF) {
        row->failed = true;
    }
    if (!bs_report_csv_write_field(row->out, text)) {
        row->failed = true;
    }
}

/* An untrusted string: neutralised and escaped first. */
static void put_text(struct row_writer *row, const char *text)
{
    char *cell = bs_report_csv_cell(text);
    if (cell == NULL) {
        row->out_of_memory = true;
        return;
    }
    put_raw(row, cell);
    free(cell);
}

static void put_u64(struct row_writer *row, uint64_t value)
{
    char text[24];
    (void)snprintf(text, sizeof(text), "%" PRIu64, value);
    put_raw(row, text);
}

static void put_date(struct row_writer *row, struct bs_date date)
{
    char text[21];
    put_raw(row, bs_date_format(date, text));
}

static void end_row(struct row_writer *row)
{
    if (fputs("\r\n", row->out) < 0) {
        row->failed = true;
    }
    row->field_count = 0;
}

static enum bs_status finish(struct row_writer *row, struct bs_error *err)
{
    if (row->out_of_memory) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory writing CSV");
    }
    if (row->failed || ferror(row->out)) {
        return bs_error_set(err, BS_ERR_IO, "writing CSV failed");
    }
    return BS_OK;
}

/* "a;b;c" of the reason codes set in reasons, in the order of SPEC 3.4. */
static void append_reasons(struct bs_strbuf *text, unsigned reasons)
{
    for (unsigned i = 0; i < BS_REASON_COUNT; i++) {
        if (reasons & (1u << i)) {
            bs_strbuf_append_str(text, text->length > 0 ? ";" : "");
            bs_strbuf_append_str(text, bs_reason_code(i));
        }
    }
}

static void put_members(struct row_writer *row, const struct bs_scan_result *result,
                        const struct bs_thread *thread)
{
    struct bs_strbuf members = {0};
    for (size_t i = 0; i < thread->member_count; i++) {
        bs_strbuf_append_str(&members, i == 0 ? "" : ";");
        bs_member_label(result, &thread->members[i], &members);
    }
    if (members.failed) {
        row->out_of_memory = true;
    } else {
        put_text(row, bs_strbuf_str(&members));
    }
    bs_strbuf_free(&members);
}

/* SPEC 3.7 broken_by, written like a member; empty when nobody broke it. */
static void put_broken_by(struct row_writer *row, const struct bs_scan_result *result,
                          const struct bs_thread *thread)
{
    struct bs_strbuf label = {0};
    const struct bs_member *broken_by = bs_thread_broken_by(thread);
    if (broken_by != NULL) {
        bs_member_label(result, broken_by, &label);
    }
    if (label.failed) {
        row->out_of_memory = true;
    } else {
        put_text(row, bs_strbuf_str(&label));
    }
    bs_strbuf_free(&label);
}

static void put_thread(struct row_writer *row, const struct bs_scan_result *result,
                       const struct bs_thread *thread)
{
    char chat_id[24];
    (void)snprintf(chat_id, sizeof(chat_id), "%" PRId64, thread->chat_id);
    put_raw(row, chat_id);
    put_text(row, thread->guid);
    put_raw(row, bs_thread_kind_name(thread->kind));
    put_text(row, thread->name);
    put_raw(row, bs_risk_name(thread->risk));
    struct bs_strbuf reasons = {0};
    append_reasons(&reasons, thread->reasons);
    put_raw(row, bs_strbuf_str(&reasons));
    bs_strbuf_free(&reasons);
    put_raw(row, bs_thread_transport_name(thread->transport));
    put_u64(row, thread->member_count);
    put_u64(row, thread->non_imessage_count);
    put_members(row, result, thread);
    put_u64(row, bs_thread_messages(thread));
    for (int t = 0; t < BS_TRANSPORT_COUNT; t++) {
        put_u64(row, thread->counts[t]);
    }
    put_date(row, thread->first_message);
    put_date(row, thread->last_message);
    put_date(row, thread->last_unencrypted);
    put_date(row, bs_timeline_exposed_since(&thread->timeline));
    put_raw(row, bs_exposure_cause_name(thread->timeline.cause));
    put_broken_by(row, result, thread);
    end_row(row);
}

enum bs_status bs_report_csv_threads(const struct bs_scan_result *result,
                                     const struct bs_report_model *model, bool all, FILE *out,
                                     struct bs_error *err)
{
    size_t n = all ? result->thread_count : model->risky_count;
    struct row_writer row = {out, 0, false, false};
    if (fprintf(out, "%s\r\n", bs_report_csv_threads_header) < 0) {
        row.failed = true;
    }
    for (size_t i = 0; i < n && !row.failed && !row.out_of_memory; i++) {
        put_thread(&row, result, &result->threads[model->thread_order[i]]);
    }
    return finish(&row, err);
}

static void put_signal_row(struct row_writer *row, const struct bs_scan_result *result,
                           const struct bs_report_model *model, size_t index)
{
    const struct bs_signal_row *signal = &result->signal_rows[index];
    size_t rank = index + 1;
    const struct bs_person *person = &result->persons[signal->person_index];
    put_u64(row, rank);
    put_text(row, bs_person_name(result, signal->person_index));
    struct bs_strbuf ids = {0};
    for (size_t h = person->first_handle_index; h != SIZE_MAX;
         h = result->handles[h].next_of_person) {
        const struct bs_handle *handle = &result->handles[h];
        if (!bs_handle_repeats_id(result, h)) {
            bs_strbuf_append_str(&ids, ids.length > 0 ? ";" : "");
            bs_strbuf_append_str(&ids, handle->id);
        }
    }
    put_text(row, bs_strbuf_str(&ids));
    bs_strbuf_free(&ids);
    put_raw(row, bs_reachability_name(person->reachability));
    put_u64(row, signal->critical_groups);
    put_u64(row, signal->risky_groups);
    put_u64(row, signal->direct_threads);
    put_u64(row, signal->unencrypted_messages);
    put_date(row, signal->last_unencrypted);
    put_u64(row, signal->secures);
    const size_t *by_name = model->signal_thread_names[index];
    struct bs_strbuf threads = {0};
    for (size_t i = 0; i < signal->thread_count; i++) {
        bs_strbuf_append_str(&threads, i == 0 ? "" : ";");
        bs_strbuf_append_str(&threads, result->threads[by_name[i]].name);
    }
    put_text(row, bs_strbuf_str(&threads));
    bs_strbuf_free(&threads);
    end_row(row);
}

enum bs_status bs_report_csv_signal(const struct bs_scan_result *result,
                                    const struct bs_report_model *model, FILE *out,
                                    struct bs_error *err)
{
    struct row_writer row = {out, 0, false, false};
    if (fprintf(out, "%s\r\n", bs_report_csv_signal_header) < 0) {
        row.failed = true;
    }
    for (size_t i = 0; i < result->signal_count && !row.failed && !row.out_of_memory; i++) {
        put_signal_row(&row, result, model, i);
    }
    return finish(&row, err);
}
