/*
 * The whole-scan check of scan_check.h. Checked on every database that scans:
 * - counts: the transports add up to the counted messages, orphans and counted messages do
 *   not exceed the rows read;
 * - people and members: indexes in range, members sorted and unique per person, each member's
 *   handle belongs to that person, a person's first handle is theirs;
 * - threads: risk none exactly when no unencrypted message (SPEC 3.4), a name, at most as
 *   many non-iMessage people as people;
 * - Signal list (SPEC 3.5): no automated sender, only critical/high/medium threads, the
 *   documented order, secures never decreasing and never above the threads covered;
 * - outputs: both CSVs parse back with libcsv in strict mode, every row with as many fields
 *   as the header, one row per thread listed; the summary (with and without colour) is valid
 *   UTF-8 with no control character but newlines and, with colour, the colour codes; the JSON
 *   parses (json_io, jansson) with one thread object per thread; the HTML page, tokenised tag
 *   by tag, holds only the elements and attributes the writer uses, no event handler, no
 *   link outside the page, and the embedded stylesheet unchanged.
 */
#include "scan_check.h"

#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "core/model/analysis.h"
#include "core/model/ids.h"
#include "core/model/report_model.h"
#include "core/model/signal_plan.h"
#include "core/report/json_io.h"
#include "core/report/report_csv.h"
#include "core/report/report_html.h"
#include "core/report/report_json.h"
#include "core/report/report_text.h"
#include "core/store/sms_store.h"
#include "core/store/sqlite_db.h"
#include "fuzz.h"

static void on_progress(uint64_t done, uint64_t total, void *context)
{
    (void)done;
    (void)total;
    (void)context;
}

static void check_status(enum bs_status status, const struct bs_error *err)
{
    FUZZ_CHECK(status != BS_OK && status != BS_ERR_INTERNAL && status != BS_ERR_UNSAFE &&
               status != BS_ERR_PASSWORD);
    FUZZ_CHECK(err->status == status && err->message[0] != '\0');
    FUZZ_CHECK(strchr(err->message, '\n') == NULL || status == BS_ERR_FORMAT);
}

static void check_counts(const struct bs_scan_result *result)
{
    uint64_t total = 0;
    for (int t = 0; t < BS_TRANSPORT_COUNT; t++) {
        total += result->counts[t];
    }
    FUZZ_CHECK(total == result->counted_messages);
    FUZZ_CHECK(result->counted_messages <= result->message_rows);
    FUZZ_CHECK(result->orphan_messages <= result->counted_messages);
}

static void check_people(const struct bs_scan_result *result)
{
    FUZZ_CHECK(result->person_count <= result->handle_count);
    for (size_t h = 0; h < result->handle_count; h++) {
        const struct bs_handle *handle = &result->handles[h];
        FUZZ_CHECK(handle->id != NULL && handle->normalized_id != NULL);
        FUZZ_CHECK(handle->person_index < result->person_count);
        FUZZ_CHECK(h == 0 || result->handles[h - 1].rowid < handle->rowid ||
                   result->handles[h - 1].rowid == handle->rowid);
    }
    for (size_t p = 0; p < result->person_count; p++) {
        const struct bs_person *person = &result->persons[p];
        FUZZ_CHECK(person->first_handle_index < result->handle_count);
        FUZZ_CHECK(result->handles[person->first_handle_index].person_index == p);
        FUZZ_CHECK(bs_person_name(result, p) != NULL);
    }
}

static void check_threads(const struct bs_scan_result *result)
{
    for (size_t t = 0; t < result->thread_count; t++) {
        const struct bs_thread *thread = &result->threads[t];
        FUZZ_CHECK(thread->guid != NULL && thread->name != NULL);
        FUZZ_CHECK((thread->risk == BS_RISK_NONE) == (bs_thread_unencrypted(thread) == 0));
        FUZZ_CHECK(thread->non_imessage_count <= thread->member_count);
        FUZZ_CHECK(thread->member_count <= result->person_count);
        for (size_t i = 0; i < thread->member_count; i++) {
            const struct bs_member *member = &thread->members[i];
            FUZZ_CHECK(member->person_index < result->person_count);
            FUZZ_CHECK(member->handle_index < result->handle_count);
            FUZZ_CHECK(result->handles[member->handle_index].person_index == member->person_index);
            FUZZ_CHECK(i == 0 || thread->members[i - 1].person_index < member->person_index);
        }
    }
}

static int compare_dates_desc(struct bs_date a, struct bs_date b)
{
    if (a.is_known != b.is_known) {
        return a.is_known ? -1 : 1;
    }
    if (!a.is_known || a.unix_seconds == b.unix_seconds) {
        return 0;
    }
    return a.unix_seconds > b.unix_seconds ? -1 : 1;
}

/* SPEC 3.5 order: <= 0 when row a may come before row b. */
static int signal_order(const struct bs_scan_result *result, const struct bs_signal_row *a,
                        const struct bs_signal_row *b)
{
    if (a->critical_groups != b->critical_groups) {
        return a->critical_groups > b->critical_groups ? -1 : 1;
    }
    if (a->risky_groups != b->risky_groups) {
        return a->risky_groups > b->risky_groups ? -1 : 1;
    }
    if (a->unencrypted_messages != b->unencrypted_messages) {
        return a->unencrypted_messages > b->unencrypted_messages ? -1 : 1;
    }
    int order = compare_dates_desc(a->last_unencrypted, b->last_unencrypted);
    if (order != 0) {
        return order;
    }
    return strcmp(bs_person_name(result, a->person_index), bs_person_name(result, b->person_index));
}

static void check_signal(const struct bs_scan_result *result)
{
    size_t covered = 0;
    for (size_t t = 0; t < result->thread_count; t++) {
        covered += bs_signal_plan_covers(&result->threads[t]) ? 1 : 0;
    }
    uint64_t previous_secures = 0;
    for (size_t r = 0; r < result->signal_count; r++) {
        const struct bs_signal_row *row = &result->signal_rows[r];
        FUZZ_CHECK(row->person_index < result->person_count);
        FUZZ_CHECK(!result->persons[row->person_index].is_automated);
        FUZZ_CHECK(row->thread_count > 0);
        FUZZ_CHECK(row->critical_groups <= row->risky_groups);
        for (size_t i = 0; i < row->thread_count; i++) {
            FUZZ_CHECK(row->thread_indexes[i] < result->thread_count);
            FUZZ_CHECK(bs_signal_plan_covers(&result->threads[row->thread_indexes[i]]));
        }
        FUZZ_CHECK(row->secures >= previous_secures && row->secures <= covered);
        previous_secures = row->secures;
        if (r > 0) {
            FUZZ_CHECK(signal_order(result, &result->signal_rows[r - 1], row) <= 0);
        }
    }
}

struct csv_count {
    size_t fields_in_row;
    size_t rows;
    size_t expected_fields;
    bool bad_row;
};

static void on_field(void *bytes, size_t length, void *context)
{
    (void)bytes;
    (void)length;
    struct csv_count *count = context;
    count->fields_in_row++;
}

static void on_row(int terminator, void *context)
{
    (void)terminator;
    struct csv_count *count = context;
    if (count->fields_in_row != count->expected_fields) {
        count->bad_row = true;
    }
    count->rows++;
    count->fields_in_row = 0;
}

/* Length of the valid UTF-8 sequence at p, 0 when invalid (stops at NUL). */
static size_t utf8_length(const unsigned char *p, uint32_t *code_point)
{
    size_t length = 0;
    uint32_t value = 0;
    uint32_t minimum = 0;
    if (p[0] < 0x80) {
        *code_point = p[0];
        return 1;
    }
    if ((p[0] & 0xE0) == 0xC0) {
        length = 2;
        value = p[0] & 0x1Fu;
        minimum = 0x80;
    } else if ((p[0] & 0xF0) == 0xE0) {
        length = 3;
        value = p[0] & 0x0Fu;
        minimum = 0x800;
    } else if ((p[0] & 0xF8) == 0xF0) {
        length = 4;
        value = p[0] & 0x07u;
        minimum = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < length; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            return 0;
        }
        value = (value << 6) | (p[i] & 0x3Fu);
    }
    if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) {
        return 0;
    }
    *code_point = value;
    return length;
}

/* Valid UTF-8; no control character except those allowed; with colour, ESC only as the start
 * of an SGR colour code ("ESC [ digits/; m"). */
static void check_printable(const char *text, size_t size, const char *allowed, bool colour)
{
    FUZZ_CHECK(memchr(text, '\0', size) == NULL);
    const unsigned char *p = (const unsigned char *)text;
    while (*p != '\0') {
        if (colour && p[0] == 0x1B) {
            FUZZ_CHECK(p[1] == '[');
            p += 2;
            while ((*p >= '0' && *p <= '9') || *p == ';') {
                p++;
            }
            FUZZ_CHECK(*p == 'm');
            p++;
            continue;
        }
        uint32_t code_point = 0;
        size_t length = utf8_length(p, &code_point);
        FUZZ_CHECK(length > 0);
        bool is_control =
            code_point < 0x20 || code_point == 0x7F || (code_point >= 0x80 && code_point <= 0x9F);
        FUZZ_CHECK(!is_control || (code_point < 0x80 && strchr(allowed, (int)code_point) != NULL));
        FUZZ_CHECK(!(code_point >= 0x202A && code_point <= 0x202E) &&
                   !(code_point >= 0x2066 && code_point <= 0x2069));
        p += length;
    }
}

static void check_csv(const char *text, size_t size, const char *header, size_t fields,
                      size_t data_rows)
{
    check_printable(text, size, "\r\n", false);
    FUZZ_CHECK(size >= strlen(header) + 2 && memcmp(text, header, strlen(header)) == 0);
    struct csv_parser parser;
    FUZZ_CHECK(csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) == 0);
    struct csv_count count = {0, 0, fields, false};
    FUZZ_CHECK(csv_parse(&parser, text, size, on_field, on_row, &count) == size);
    FUZZ_CHECK(csv_fini(&parser, on_field, on_row, &count) == 0);
    csv_free(&parser);
    FUZZ_CHECK(!count.bad_row);
    FUZZ_CHECK(count.rows == data_rows + 1);
}

/* The report model agrees with the result it was built from: counts add up, the order is a
 * permutation with the risky threads first, every advice item has a sentence. */
static void check_model(const struct bs_scan_result *result, const struct bs_report_model *model)
{
    uint64_t total = 0;
    for (int r = 0; r <= BS_RISK_CRITICAL; r++) {
        total += model->threads_by_risk[r];
    }
    FUZZ_CHECK(total == result->thread_count);
    FUZZ_CHECK(model->risky_count == result->thread_count - model->threads_by_risk[BS_RISK_NONE]);
    FUZZ_CHECK(model->encrypted_messages + model->unencrypted_messages == result->counted_messages);
    bool *seen = calloc(result->thread_count + 1, sizeof(*seen));
    FUZZ_CHECK(seen != NULL);
    for (size_t i = 0; i < result->thread_count; i++) {
        size_t t = model->thread_order[i];
        FUZZ_CHECK(t < result->thread_count && !seen[t]);
        seen[t] = true;
        FUZZ_CHECK((i < model->risky_count) == (result->threads[t].risk != BS_RISK_NONE));
    }
    free(seen);
    FUZZ_CHECK(model->advice_count >= 2 && model->advice_count <= BS_MAX_ADVICE);
    for (size_t i = 0; i < model->advice_count; i++) {
        char sentence[512];
        bs_advice_sentence(&model->advice[i], sentence, sizeof(sentence));
        FUZZ_CHECK(sentence[0] != '\0' && bs_advice_code_name(model->advice[i].code)[0] != '\0');
    }
    FUZZ_CHECK(model->note_count <= BS_MAX_NOTES);
    for (size_t i = 0; i < model->note_count; i++) {
        FUZZ_CHECK(model->notes[i] != NULL && model->notes[i][0] != '\0');
    }
}

/* report.css, embedded in the core. */
extern const char bs_css_report[];

static bool is_name_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == ':' || c == '!';
}

/* The elements the HTML writer uses; anything else in a page came from the data. */
static bool is_allowed_element(const char *name, size_t length)
{
    static const char *const allowed[] = {
        "!DOCTYPE", "html",    "head",  "meta", "title", "style", "body",     "main",   "header",
        "footer",   "section", "div",   "p",    "h1",    "h2",    "h3",       "span",   "strong",
        "i",        "br",      "table", "tr",   "th",    "td",    "ul",       "li",     "details",
        "summary",  "svg",     "g",     "rect", "line",  "text",  "polyline", "circle", "title"};
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
        if (strlen(allowed[i]) == length && memcmp(allowed[i], name, length) == 0) {
            return true;
        }
    }
    return false;
}

/* Tokenises the page tag by tag (a '<' always opens a tag: text holds &lt; instead) and checks
 * every element and attribute. */
static void check_html(const char *page, size_t size)
{
    FUZZ_CHECK(size > 15 && memcmp(page, "<!DOCTYPE html>", 15) == 0);
    FUZZ_CHECK(memchr(page, '\0', size) == NULL);
    const char *style = strstr(page, "<style>\n");
    FUZZ_CHECK(style != NULL);
    size_t css_length = strlen(bs_css_report);
    FUZZ_CHECK(memcmp(style + 8, bs_css_report, css_length) == 0 &&
               memcmp(style + 8 + css_length, "</style>", 8) == 0);
    size_t i = 0;
    while (i < size) {
        if (page + i == style) { /* the stylesheet is ours, checked above */
            i += 8 + css_length;
            continue;
        }
        if (page[i] != '<') {
            FUZZ_CHECK(page[i] != '>' || i == 0 || page[i - 1] != '-'); /* no comment end */
            i++;
            continue;
        }
        i++;
        bool is_closing = i < size && page[i] == '/';
        i += is_closing ? 1 : 0;
        size_t name_at = i;
        while (i < size && is_name_byte(page[i])) {
            i++;
        }
        FUZZ_CHECK(is_allowed_element(page + name_at, i - name_at));
        while (i < size && page[i] != '>') {
            if (page[i] == ' ' || page[i] == '/') {
                i++;
                continue;
            }
            FUZZ_CHECK(!is_closing);
            size_t attribute_at = i;
            while (i < size && is_name_byte(page[i])) {
                i++;
            }
            size_t attribute_length = i - attribute_at;
            FUZZ_CHECK(attribute_length > 0);
            const char *attribute = page + attribute_at;
            FUZZ_CHECK(!(attribute_length >= 2 && (attribute[0] == 'o' || attribute[0] == 'O') &&
                         (attribute[1] == 'n' || attribute[1] == 'N')));
            FUZZ_CHECK(!(attribute_length == 3 && memcmp(attribute, "src", 3) == 0));
            if (i < size && page[i] == '=') {
                FUZZ_CHECK(i + 1 < size && page[i + 1] == '"');
                const char *value = page + i + 2;
                const char *end = memchr(value, '"', size - (size_t)(value - page));
                FUZZ_CHECK(end != NULL);
                size_t value_length = (size_t)(end - value);
                FUZZ_CHECK(memchr(value, '<', value_length) == NULL);
                if (attribute_length == 4 && memcmp(attribute, "href", 4) == 0) {
                    FUZZ_CHECK(value_length > 0 && value[0] == '#');
                }
                i = (size_t)(end - page) + 1;
            }
        }
        FUZZ_CHECK(i < size);
        i++;
    }
}

static void check_json(const char *text, size_t size, const struct bs_scan_result *result)
{
    struct bs_json_doc *doc = NULL;
    struct bs_error err = {BS_OK, ""};
    enum bs_status status = bs_json_doc_parse(text, size, &doc, &err);
    /* Only the document limits may refuse a report the writer made: never its syntax. */
    FUZZ_CHECK(status == BS_OK || status == BS_ERR_LIMIT);
    if (status == BS_OK) {
        const struct bs_json_value *threads = NULL;
        size_t count = 0;
        FUZZ_CHECK(bs_json_member(bs_json_doc_root(doc), "threads", &threads, &err) == BS_OK);
        FUZZ_CHECK(bs_json_array_length(threads, &count, &err) == BS_OK);
        FUZZ_CHECK(count == result->thread_count);
    }
    bs_json_doc_free(doc);
}

/* Writes the JSON and HTML reports of report (as model says it) and checks both. */
static void check_documents(const struct bs_scan_report *report,
                            const struct bs_report_model *model)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    FUZZ_CHECK(out != NULL);
    struct bs_error err = {BS_OK, ""};
    struct bs_report_json_context json_context = {.version = "0.0.0",
                                                  .source_label = "fuzz\x1b[0m.db"};
    enum bs_status status = bs_report_json_write(report, model, &json_context, out, &err);
    FUZZ_CHECK(fclose(out) == 0);
    FUZZ_CHECK(status == BS_OK || status == BS_ERR_NOMEM);
    if (status == BS_OK) {
        check_json(text, size, &report->result);
    }
    free(text);
    text = NULL;
    out = open_memstream(&text, &size);
    FUZZ_CHECK(out != NULL);
    struct bs_report_html_context html_context = {
        .version = "0.0.0", .source_label = "<script>fuzz</script>.db", .all_threads = true};
    status = bs_report_html_write(report, model, &html_context, out, &err);
    FUZZ_CHECK(fclose(out) == 0);
    FUZZ_CHECK(status == BS_OK || status == BS_ERR_NOMEM);
    if (status == BS_OK) {
        check_html(text, size);
    }
    free(text);
}

void fuzz_check_outputs(const struct bs_scan_report *report)
{
    const struct bs_scan_result *result = &report->result;
    struct bs_report_model model_storage;
    struct bs_error model_err = {BS_OK, ""};
    enum bs_status built =
        bs_report_model_build(result, &report->backup, &model_storage, &model_err);
    FUZZ_CHECK(built == BS_OK || built == BS_ERR_NOMEM);
    if (built != BS_OK) {
        return;
    }
    const struct bs_report_model *model = &model_storage;
    check_model(result, model);
    check_documents(report, model);
    for (int all = 0; all <= 1; all++) {
        char *text = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&text, &size);
        FUZZ_CHECK(out != NULL);
        struct bs_error err = {BS_OK, ""};
        enum bs_status status = bs_report_csv_threads(result, model, all == 1, out, &err);
        FUZZ_CHECK(fclose(out) == 0);
        FUZZ_CHECK(status == BS_OK || status == BS_ERR_NOMEM);
        size_t listed = 0;
        for (size_t t = 0; t < result->thread_count; t++) {
            listed += all == 1 || result->threads[t].risk != BS_RISK_NONE ? 1 : 0;
        }
        if (status == BS_OK) {
            check_csv(text, size, bs_report_csv_threads_header, 22, listed);
        }
        free(text);
    }

    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    FUZZ_CHECK(out != NULL);
    struct bs_error err = {BS_OK, ""};
    enum bs_status status = bs_report_csv_signal(result, model, out, &err);
    FUZZ_CHECK(fclose(out) == 0);
    FUZZ_CHECK(status == BS_OK || status == BS_ERR_NOMEM);
    if (status == BS_OK) {
        check_csv(text, size, bs_report_csv_signal_header, 11, result->signal_count);
    }
    free(text);

    for (int colour = 0; colour <= 1; colour++) {
        struct bs_report_context context = {
            .version = "0.0.0",
            .source_label = "fuzz\x1b]0;title\x07.db",
            .source_kind = "Messages database",
            .since = {0, false},
            .use_colour = colour == 1,
        };
        struct bs_strbuf summary = {0};
        bs_report_text_summary(result, model, &context, &summary);
        if (!summary.failed) {
            check_printable(bs_strbuf_str(&summary), summary.length, "\n", colour == 1);
        }
        bs_strbuf_free(&summary);
    }
    bs_report_model_clear(&model_storage);
}

void fuzz_scan_image(void *bytes, size_t size)
{
    static struct bs_ids *ids;
    if (ids == NULL && bs_ids_create(&ids, NULL) != BS_OK) {
        abort();
    }
    struct bs_error err = {BS_OK, ""};
    struct bs_sqlite_db *db = NULL;
    enum bs_status status = bs_sqlite_db_open_memory(bytes, size, NULL, &db, &err);
    if (status != BS_OK) {
        check_status(status, &err);
        return;
    }
    struct bs_scan_options options = {
        .ids = ids,
        .default_country = "us",
        .since = {0, false},
        .on_progress = on_progress,
        .progress_context = NULL,
    };
    struct bs_scan_result result;
    memset(&result, 0, sizeof(result));
    status = bs_sms_store_read(db, &options, &result, &err);
    if (status != BS_OK) {
        check_status(status, &err);
        FUZZ_CHECK(result.handle_count == 0 && result.thread_count == 0);
        bs_sqlite_db_close(db);
        return;
    }
    status = bs_analysis_run(&result, NULL, &err);
    FUZZ_CHECK(status == BS_OK || status == BS_ERR_NOMEM);
    if (status == BS_OK) {
        check_counts(&result);
        check_people(&result);
        check_threads(&result);
        check_signal(&result);
        struct bs_scan_report report = {.source_kind = BS_SOURCE_DATABASE, .result = result};
        fuzz_check_outputs(&report);
    }
    bs_scan_result_clear(&result);
    bs_sqlite_db_close(db);
}
