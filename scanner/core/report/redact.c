/* The pseudonyms of redact.h. */
#include "core/report/redact.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/text.h"
#include "core/model/analysis.h"

/* U+2022 BULLET, the mask character. */
#define DOT   "\xE2\x80\xA2"
#define DOTS3 DOT DOT DOT
#define DOTS7 DOT DOT DOT DOT DOT DOT DOT

const char bs_redact_source_label[] = "(redacted)";

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_ascii_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Length of the E.164 calling code at the start of digits: codes are prefix-free, one digit
 * for 1 and 7, two for the list below, three for every other. */
static size_t calling_code_length(const char *digits, size_t count)
{
    static const char two_digit_codes[] = "20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 "
                                          "49 51 52 53 54 55 56 57 58 60 61 62 63 64 65 66 81 "
                                          "82 84 86 90 91 92 93 94 95 98";
    size_t length = 3;
    if (count == 0) {
        return 0;
    }
    if (digits[0] == '1' || digits[0] == '7') {
        length = 1;
    } else if (count >= 2) {
        /* Entries are two digits and a space; the last one has no space after it. */
        for (size_t i = 0; i + 2 < sizeof(two_digit_codes); i += 3) {
            const char *p = &two_digit_codes[i];
            if (p[0] == digits[0] && p[1] == digits[1]) {
                length = 2;
                break;
            }
        }
    }
    return length < count ? length : count;
}

/* "+CC" (when international), seven dots and the last two digits (when at least four digits
 * are hidden besides them) of the digits in text. */
static char *mask_phone(const char *text)
{
    struct bs_strbuf digits = {0};
    bool is_international = false;
    for (const char *p = text == NULL ? "" : text; *p != '\0'; p++) {
        if (is_digit(*p)) {
            bs_strbuf_append(&digits, p, 1);
        } else if (*p == '+' && digits.length == 0) {
            is_international = true;
        }
    }
    const char *d = bs_strbuf_str(&digits);
    size_t count = digits.length;
    struct bs_strbuf mask = {0};
    size_t code = 0;
    if (is_international) {
        code = calling_code_length(d, count);
        bs_strbuf_append_str(&mask, "+");
        bs_strbuf_append(&mask, d, code);
    }
    bs_strbuf_append_str(&mask, DOTS7);
    if (count >= code + 6) {
        bs_strbuf_append(&mask, d + count - 2, 2);
    }
    mask.failed = mask.failed || digits.failed;
    bs_strbuf_free(&digits);
    return bs_strbuf_take(&mask);
}

char *bs_redact_phone_text(const char *text)
{
    return mask_phone(text);
}

/* First character when it is a plain letter or digit, else a dot; then dots, '@', dots and the
 * top-level domain when it is 2-12 ASCII letters. */
static char *mask_email(const char *id)
{
    struct bs_strbuf mask = {0};
    const char *at = strrchr(id, '@');
    const char *dot = at == NULL ? NULL : strrchr(at, '.');
    if (is_ascii_alnum(id[0]) && id[0] != '@') {
        bs_strbuf_append(&mask, id, 1);
    } else {
        bs_strbuf_append_str(&mask, DOT);
    }
    bs_strbuf_append_str(&mask, DOTS3 "@" DOTS3);
    size_t tld_length = dot == NULL ? 0 : strlen(dot + 1);
    bool is_plain_tld = tld_length >= 2 && tld_length <= 12;
    for (size_t i = 0; i < tld_length && is_plain_tld; i++) {
        char c = dot[1 + i];
        is_plain_tld = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
    if (is_plain_tld) {
        bs_strbuf_append_str(&mask, dot);
    }
    return bs_strbuf_take(&mask);
}

char *bs_redact_id(const char *normalized_id, enum bs_id_kind kind)
{
    const char *id = normalized_id == NULL ? "" : normalized_id;
    size_t length = strlen(id);
    struct bs_strbuf mask = {0};
    switch (kind) {
    case BS_ID_PHONE:
        return mask_phone(id);
    case BS_ID_EMAIL:
        return mask_email(id);
    case BS_ID_SHORT_CODE:
        bs_strbuf_append_str(&mask, DOTS3);
        if (length >= 5 && is_digit(id[length - 1]) && is_digit(id[length - 2])) {
            bs_strbuf_append(&mask, id + length - 2, 2);
        }
        break;
    case BS_ID_ALPHANUMERIC:
        if (is_ascii_alnum(id[0])) {
            bs_strbuf_append(&mask, id, 1);
        }
        bs_strbuf_append_str(&mask, DOTS3);
        break;
    case BS_ID_OTHER:
        bs_strbuf_append_str(&mask, DOTS3);
        break;
    }
    return bs_strbuf_take(&mask);
}

/* Replaces *slot by replacement (owned, may be NULL only when out of memory). */
static bool put(char **slot, char *replacement)
{
    if (replacement == NULL) {
        return false;
    }
    free(*slot);
    *slot = replacement;
    return true;
}

static char *numbered(const char *word, size_t number)
{
    struct bs_strbuf text = {0};
    bs_strbuf_appendf(&text, "%s %zu", word, number);
    return bs_strbuf_take(&text);
}

static bool redact_people(struct bs_scan_result *result)
{
    for (size_t i = 0; i < result->handle_count; i++) {
        struct bs_handle *handle = &result->handles[i];
        char *mask = bs_redact_id(handle->normalized_id, handle->id_kind);
        if (!put(&handle->id, mask) || !put(&handle->normalized_id, bs_strdup(mask))) {
            return false;
        }
        free(handle->person_centric_id);
        handle->person_centric_id = NULL;
    }
    for (size_t i = 0; i < result->person_count; i++) {
        if (!put(&result->persons[i].contact_name, numbered("Person", i + 1))) {
            return false;
        }
    }
    return true;
}

/* "chat12": what stands for a chat identifier. */
static char *chat_label(const struct bs_thread *thread)
{
    struct bs_strbuf label = {0};
    bs_strbuf_appendf(&label, "chat%lld", (long long)thread->chat_id);
    return bs_strbuf_take(&label);
}

/* "iMessage;-;" + label: a guid keeps its service and style when they are the usual ones. */
static char *guid_with_label(const char *raw, const char *label)
{
    static const char *const services[] = {"iMessage;", "SMS;", "RCS;", "any;", "iMessageLite;"};
    struct bs_strbuf guid = {0};
    raw = raw == NULL ? "" : raw;
    for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
        size_t length = strlen(services[i]);
        if (strncmp(raw, services[i], length) == 0 && (raw[length] == '-' || raw[length] == '+') &&
            raw[length + 1] == ';') {
            bs_strbuf_append(&guid, raw, length + 2);
            break;
        }
    }
    bs_strbuf_append_str(&guid, label);
    guid.failed = guid.failed || label == NULL;
    return bs_strbuf_take(&guid);
}

/* "iMessage;-;chat12". */
static char *redacted_guid(const struct bs_thread *thread)
{
    char *label = chat_label(thread);
    char *guid = guid_with_label(thread->guid, label);
    free(label);
    return guid;
}

static bool redact_threads(struct bs_scan_result *result)
{
    size_t groups = 0;
    size_t directs = 0;
    for (size_t i = 0; i < result->thread_count; i++) {
        struct bs_thread *thread = &result->threads[i];
        bool is_group = thread->kind == BS_KIND_GROUP;
        size_t number = is_group ? ++groups : ++directs;
        if (!put(&thread->guid, redacted_guid(thread))) {
            return false;
        }
        if (thread->chat_identifier != NULL && !put(&thread->chat_identifier, chat_label(thread))) {
            return false;
        }
        if (thread->display_name != NULL &&
            !put(&thread->display_name, numbered(is_group ? "Group" : "Conversation", number))) {
            return false;
        }
    }
    for (size_t i = 0; i < result->thread_count; i++) {
        if (!put(&result->threads[i].name, bs_analysis_thread_name(result, &result->threads[i]))) {
            return false;
        }
    }
    return true;
}

/* text with every occurrence of needle replaced; a copy of text when needle is short. */
static char *replace_all(const char *text, const char *needle, const char *replacement)
{
    struct bs_strbuf out = {0};
    size_t needle_length = needle == NULL ? 0 : strlen(needle);
    const char *p = text;
    if (needle_length >= 3) {
        for (const char *hit; (hit = strstr(p, needle)) != NULL; p = hit + needle_length) {
            bs_strbuf_append(&out, p, (size_t)(hit - p));
            bs_strbuf_append_str(&out, replacement);
        }
    }
    bs_strbuf_append_str(&out, p);
    return bs_strbuf_take(&out);
}

/* Replaces the device's name, serial and number wherever a text quotes them. */
static bool scrub(char **text, const struct bs_device_facts *before,
                  const struct bs_device_facts *after)
{
    const char *const originals[] = {before->device_name, before->serial_number,
                                     before->phone_number};
    const char *const masks[] = {after->device_name, after->serial_number, after->phone_number};
    for (size_t i = 0; i < 3 && *text != NULL; i++) {
        if (originals[i] != NULL && !put(text, replace_all(*text, originals[i], masks[i]))) {
            return false;
        }
    }
    return true;
}

static char *mask_serial(const char *serial)
{
    struct bs_strbuf mask = {0};
    size_t length = strlen(serial);
    bs_strbuf_append_str(&mask, DOTS7);
    if (length >= 8 && is_ascii_alnum(serial[length - 1]) && is_ascii_alnum(serial[length - 2])) {
        bs_strbuf_append(&mask, serial + length - 2, 2);
    }
    return bs_strbuf_take(&mask);
}

static bool redact_backup(struct bs_backup_facts *facts)
{
    struct bs_device_facts *device = &facts->device;
    struct bs_device_facts masked = {0};
    bool ok = true;
    if (device->device_name != NULL) {
        masked.device_name = bs_strdup("iPhone");
        ok = masked.device_name != NULL;
    }
    if (ok && device->serial_number != NULL) {
        masked.serial_number = mask_serial(device->serial_number);
        ok = masked.serial_number != NULL;
    }
    if (ok && device->phone_number != NULL) {
        masked.phone_number = mask_phone(device->phone_number);
        ok = masked.phone_number != NULL;
    }
    for (size_t i = 0; i < facts->finding_count && ok; i++) {
        ok = scrub(&facts->findings[i].text, device, &masked);
    }
    for (size_t i = 0; i < facts->warning_count && ok; i++) {
        ok = scrub(&facts->warnings[i], device, &masked);
    }
    if (!ok) {
        free(masked.device_name);
        free(masked.serial_number);
        free(masked.phone_number);
        return false;
    }
    free(device->device_name);
    free(device->serial_number);
    free(device->phone_number);
    device->device_name = masked.device_name;
    device->serial_number = masked.serial_number;
    device->phone_number = masked.phone_number;
    return true;
}

/* text with every run of six or more ASCII digits (an account number in an app's path, such
 * as Messenger's lightspeed-userDatabases/<user id>.db) masked as "•••"; NULL when out of
 * memory. App names and the rest of a path are not personal and stay. */
static char *mask_digit_runs(const char *text)
{
    enum {
        MIN_DIGITS = 6
    };
    struct bs_strbuf out = {0};
    const char *p = text;
    while (*p != '\0') {
        size_t run = strspn(p, "0123456789");
        if (run >= MIN_DIGITS) {
            bs_strbuf_append_str(&out, DOTS3);
        } else if (run > 0) {
            bs_strbuf_append(&out, p, run);
        } else {
            run = 1;
            bs_strbuf_append(&out, p, 1);
        }
        p += run;
    }
    bs_strbuf_append_str(&out, ""); /* "" still gives a string */
    return bs_strbuf_take(&out);
}

static bool mask_in_place(char **text)
{
    if (*text == NULL) {
        return true;
    }
    char *masked = mask_digit_runs(*text);
    if (masked == NULL) {
        return false;
    }
    free(*text);
    *text = masked;
    return true;
}

/* The messaging apps' database paths (SPEC 3.6): account numbers in them masked, in the apps'
 * facts, in the warnings that name skipped databases, and in the app-data-at-rest findings,
 * which are worded again from the masked facts. */
static bool redact_app_paths(struct bs_backup_facts *facts)
{
    bool ok = true;
    for (size_t i = 0; i < BS_APP_COUNT && ok; i++) {
        ok = mask_in_place(&facts->apps.apps[i].largest_plaintext);
    }
    for (size_t i = 0; i < facts->warning_count && ok; i++) {
        ok = mask_in_place(&facts->warnings[i]);
    }
    size_t kept = 0;
    for (size_t i = 0; i < facts->finding_count; i++) {
        if (facts->findings[i].code == BS_FINDING_APP_DATA_AT_REST) {
            free(facts->findings[i].text);
        } else {
            facts->findings[kept++] = facts->findings[i];
        }
    }
    facts->finding_count = kept;
    return ok && bs_app_findings_add(facts, NULL) == BS_OK;
}

enum bs_status bs_redact_report(struct bs_scan_report *report, struct bs_error *err)
{
    if (!redact_people(&report->result) || !redact_threads(&report->result) ||
        !redact_backup(&report->backup) || !redact_app_paths(&report->backup)) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory redacting the report");
    }
    return BS_OK;
}

enum bs_status bs_redact_compare(struct bs_compare *compare, struct bs_error *err)
{
    bool *is_gone = calloc(compare->old.thread_count + 1, sizeof(*is_gone));
    bool ok = is_gone != NULL;
    for (size_t i = 0; i < compare->gone.count && ok; i++) {
        size_t old_index = compare->gone.entries[i].old_index;
        struct bs_old_thread *thread = &compare->old.threads[old_index];
        struct bs_strbuf label = {0};
        bs_strbuf_appendf(&label, "gone%zu", i + 1);
        is_gone[old_index] = true;
        ok = !label.failed &&
             put(&thread->chat_guid, guid_with_label(thread->chat_guid, bs_strbuf_str(&label))) &&
             put(&thread->name, numbered("Gone thread", i + 1));
        bs_strbuf_free(&label);
    }
    /* The rest of OLD is never shown; its names and guids go too, so nothing can leak them. */
    for (size_t i = 0; i < compare->old.thread_count && ok; i++) {
        struct bs_old_thread *thread = &compare->old.threads[i];
        if (!is_gone[i]) {
            ok = put(&thread->chat_guid, bs_strdup("")) && put(&thread->name, bs_strdup(""));
        }
    }
    free(is_gone);
    return ok ? BS_OK : bs_error_set(err, BS_ERR_NOMEM, "out of memory redacting the comparison");
}
