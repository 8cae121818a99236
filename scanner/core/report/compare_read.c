/* The reader of earlier reports of compare_read.h. */
#include "core/report/compare_read.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/text.h"
#include "core/model/classify.h"
#include "core/report/json_io.h"

#define NOT_OURS "not a bubblescan report: "

/* A member that is missing or of the wrong type (err holds the accessor's message, "expected
 * a string, found an integer"): BS_ERR_FORMAT saying where. index SIZE_MAX: a member of the
 * document (where); else member of threads[index]. */
static enum bs_status not_ours(struct bs_error *err, const char *where, size_t index,
                               const char *member)
{
    bool is_missing = err != NULL && err->status == BS_ERR_NOT_FOUND;
    if (index == SIZE_MAX && is_missing) {
        bs_error_set(err, BS_ERR_FORMAT, NOT_OURS "no \"%s\"", where);
    } else if (is_missing) {
        bs_error_set(err, BS_ERR_FORMAT, NOT_OURS "%s[%zu] has no \"%s\"", where, index, member);
    } else if (index == SIZE_MAX) {
        bs_error_prefix(err, NOT_OURS "%s", where);
    } else {
        bs_error_prefix(err, NOT_OURS "%s[%zu].%s", where, index, member);
    }
    if (err != NULL) {
        err->status = BS_ERR_FORMAT;
    }
    return BS_ERR_FORMAT;
}

static enum bs_status read_header(const struct bs_json_value *root, struct bs_old_report *out,
                                  struct bs_error *err)
{
    const struct bs_json_value *value = NULL;
    if (bs_json_type_of(root) != BS_JSON_OBJECT) {
        return bs_error_set(err, BS_ERR_FORMAT, NOT_OURS "the document is %s, not an object",
                            bs_json_type_name(bs_json_type_of(root)));
    }
    if (bs_json_member(root, "format_version", &value, err) != BS_OK ||
        bs_json_integer(value, &out->format_version, err) != BS_OK) {
        return not_ours(err, "format_version", SIZE_MAX, NULL);
    }
    if (out->format_version != 1 && out->format_version != 2) {
        return bs_error_set(err, BS_ERR_FORMAT,
                            NOT_OURS "format_version %lld is not one this version reads (1 or 2)",
                            (long long)out->format_version);
    }
    bool is_redacted = false;
    if (bs_json_member(root, "redacted", &value, err) != BS_OK ||
        bs_json_bool(value, &is_redacted, err) != BS_OK) {
        return not_ours(err, "redacted", SIZE_MAX, NULL);
    }
    if (is_redacted) {
        return bs_error_set(err, BS_ERR_UNSUPPORTED,
                            "a redacted report (--redact): its names and ids are pseudonyms, so no "
                            "thread can be matched; compare with a report written without "
                            "--redact");
    }
    const struct bs_json_value *generator = NULL;
    const char *name = NULL;
    size_t name_length = 0;
    if (bs_json_member(root, "generator", &generator, err) != BS_OK ||
        bs_json_member(generator, "name", &value, err) != BS_OK ||
        bs_json_string(value, &name, &name_length, err) != BS_OK) {
        return not_ours(err, "generator.name", SIZE_MAX, NULL);
    }
    if (name_length != strlen("bubblescan") || memcmp(name, "bubblescan", name_length) != 0) {
        return bs_error_set(err, BS_ERR_FORMAT, NOT_OURS "its generator is not bubblescan");
    }
    return BS_OK;
}

/* A string member of a thread as an owned copy, at most BS_MAX_STRING_BYTES; null as "" when
 * allow_null. */
static enum bs_status read_text(const struct bs_json_value *thread, const char *member,
                                bool allow_null, size_t index, char **out, struct bs_error *err)
{
    const struct bs_json_value *value = NULL;
    const char *text = "";
    size_t length = 0;
    if (bs_json_member(thread, member, &value, err) != BS_OK ||
        (!(allow_null && bs_json_is_null(value)) &&
         bs_json_string(value, &text, &length, err) != BS_OK)) {
        return not_ours(err, "threads", index, member);
    }
    *out = bs_strndup_bounded(text, length);
    if (*out == NULL) {
        bs_error_set(err, BS_ERR_NOMEM, "out of memory");
        return BS_ERR_NOMEM;
    }
    return BS_OK;
}

/* A date as the JSON writer writes it, "YYYY-MM-DDTHH:MM:SSZ" from 1970 on, and nothing looser
 * (bs_date_parse also takes --since's forms): a report bubblescan wrote has no other. */
static bool parse_written_date(const char *text, struct bs_date *out)
{
    return strlen(text) == 20 && text[10] == 'T' && text[19] == 'Z' && bs_date_parse(text, out) &&
           out->unix_seconds >= 0;
}

static enum bs_status read_thread(const struct bs_json_value *thread, size_t index,
                                  struct bs_old_report *out, struct bs_error *err)
{
    char *guid = NULL;
    char *name = NULL;
    char *risk_text = NULL;
    char *last_text = NULL;
    enum bs_risk risk = BS_RISK_NONE;
    struct bs_date last_message = {0, false};
    enum bs_status status = read_text(thread, "chat_guid", false, index, &guid, err);
    if (status == BS_OK) {
        status = read_text(thread, "name", true, index, &name, err);
    }
    if (status == BS_OK) {
        status = read_text(thread, "risk", false, index, &risk_text, err);
    }
    if (status == BS_OK && !bs_risk_parse(risk_text, &risk)) {
        status =
            bs_error_set(err, BS_ERR_FORMAT, NOT_OURS "threads[%zu].risk is not a risk", index);
    }
    if (status == BS_OK) {
        status = read_text(thread, "last_message", true, index, &last_text, err);
    }
    if (status == BS_OK && last_text != NULL && last_text[0] != '\0' &&
        !parse_written_date(last_text, &last_message)) {
        status = bs_error_set(err, BS_ERR_FORMAT,
                              NOT_OURS "threads[%zu].last_message is not a date", index);
    }
    free(risk_text);
    free(last_text);
    if (status != BS_OK) {
        free(guid);
        free(name);
        return status;
    }
    return bs_old_report_add(out, guid, name, risk, last_message, err);
}

static enum bs_status read_report(const struct bs_json_doc *doc, struct bs_old_report *out,
                                  struct bs_error *err)
{
    const struct bs_json_value *root = bs_json_doc_root(doc);
    enum bs_status status = read_header(root, out, err);
    const struct bs_json_value *threads = NULL;
    size_t count = 0;
    if (status == BS_OK && (bs_json_member(root, "threads", &threads, err) != BS_OK ||
                            bs_json_array_length(threads, &count, err) != BS_OK)) {
        status = not_ours(err, "threads", SIZE_MAX, NULL);
    }
    for (size_t i = 0; i < count && status == BS_OK; i++) {
        const struct bs_json_value *thread = NULL;
        status = bs_json_array_item(threads, i, &thread, err);
        if (status == BS_OK && bs_json_type_of(thread) != BS_JSON_OBJECT) {
            status = bs_error_set(err, BS_ERR_FORMAT, NOT_OURS "threads[%zu] is %s, not an object",
                                  i, bs_json_type_name(bs_json_type_of(thread)));
        }
        if (status == BS_OK) {
            status = read_thread(thread, i, out, err);
        }
    }
    return status;
}

/* The report in doc, which was parsed with status (doc may be NULL unless BS_OK); frees doc. */
static enum bs_status read_parsed(enum bs_status status, struct bs_json_doc *doc,
                                  struct bs_old_report *out, struct bs_error *err)
{
    if (status == BS_OK) {
        status = read_report(doc, out, err);
    }
    bs_json_doc_free(doc);
    if (status != BS_OK) {
        bs_old_report_clear(out);
    }
    return status;
}

enum bs_status bs_compare_read_bytes(const char *bytes, size_t length, struct bs_old_report *out,
                                     struct bs_error *err)
{
    memset(out, 0, sizeof(*out));
    struct bs_json_doc *doc = NULL;
    enum bs_status status = bs_json_doc_parse(bytes, length, &doc, err);
    return read_parsed(status, doc, out, err);
}

enum bs_status bs_compare_read_file(const char *path, struct bs_old_report *out,
                                    struct bs_error *err)
{
    memset(out, 0, sizeof(*out));
    struct bs_json_doc *doc = NULL;
    enum bs_status status = bs_json_doc_read_file(path, &doc, err);
    return read_parsed(status, doc, out, err);
}
