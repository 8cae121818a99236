/*
 * Fuzz target: --redact (core/report/redact) on hostile names, ids, group titles and device
 * facts. Redaction is the promise that no name or number leaves the machine in a shared
 * report, so it must hold whatever the strings are.
 *
 * Input: lines. The first three are the backup's device name, serial number and phone
 * number; every line is also a handle id (normalised as the scan does), a thread's display
 * name or guid, and quoted in a finding and a warning after the device facts. After
 * bs_redact_report: every id is a short mask (at most 5 digits and 13 letters kept), people
 * are "Person N", named threads "Group N" / "Conversation N", thread names are built from
 * those, and no finding or warning quotes a device fact any more (checked for facts of 3 or
 * more bytes that share no byte with the masks, which could otherwise rebuild them).
 * Seeds: fixtures/fuzz/redact/; dictionary: redact.dict (tel:, mailto:, +, 00, bullets).
 */
#include <stdio.h>
#include <string.h>

#include "core/base/text.h"
#include "core/model/ids.h"
#include "core/report/redact.h"
#include "core/scan/scan.h"
#include "fuzz.h"

#define MAX_LINES      16
#define MAX_LINE_BYTES 256
#define MAX_MASK_BYTES 64

struct lines {
    char *text[MAX_LINES];
    size_t count;
};

static void split(const uint8_t *data, size_t size, struct lines *lines)
{
    lines->count = 0;
    size_t start = 0;
    for (size_t i = 0; i <= size && lines->count < MAX_LINES; i++) {
        if (i == size || data[i] == '\n' || data[i] == '\0') {
            size_t length = i - start > MAX_LINE_BYTES ? MAX_LINE_BYTES : i - start;
            lines->text[lines->count] = bs_strndup_bounded((const char *)data + start, length);
            FUZZ_CHECK(lines->text[lines->count] != NULL);
            lines->count++;
            start = i + 1;
        }
    }
}

static char *copy(const char *text)
{
    char *result = bs_strdup(text);
    FUZZ_CHECK(result != NULL);
    return result;
}

static char *quoting(const char *a, const char *b, const char *c, const char *line)
{
    struct bs_strbuf text = {0};
    bs_strbuf_appendf(&text, "Backup of %s (serial %s, number %s): %s", a, b, c, line);
    char *result = bs_strbuf_take(&text);
    FUZZ_CHECK(result != NULL);
    return result;
}

static void build(const struct lines *lines, const struct bs_ids *ids,
                  struct bs_scan_report *report)
{
    memset(report, 0, sizeof(*report));
    size_t n = lines->count;
    struct bs_scan_result *result = &report->result;
    result->handles = calloc(n, sizeof(*result->handles));
    result->persons = calloc(n, sizeof(*result->persons));
    result->threads = calloc(n, sizeof(*result->threads));
    FUZZ_CHECK(result->handles != NULL && result->persons != NULL && result->threads != NULL);
    for (size_t i = 0; i < n; i++) {
        struct bs_handle *handle = &result->handles[i];
        handle->rowid = (int64_t)i + 1;
        handle->id = copy(lines->text[i]);
        handle->normalized_id = bs_ids_normalize(ids, lines->text[i], "us", "us", &handle->id_kind);
        FUZZ_CHECK(handle->normalized_id != NULL);
        handle->person_centric_id = i % 2 == 0 ? copy(lines->text[i]) : NULL;
        handle->person_index = i;
        handle->next_of_person = SIZE_MAX;
        result->persons[i].first_handle_index = i;
        result->persons[i].contact_name = i % 3 == 0 ? NULL : copy(lines->text[i]);

        struct bs_thread *thread = &result->threads[i];
        thread->chat_id = (int64_t)i + 1;
        thread->guid = copy(lines->text[i]);
        thread->display_name = i % 2 == 1 ? copy(lines->text[i]) : NULL;
        thread->chat_identifier = i % 4 == 0 ? copy(lines->text[i]) : NULL;
        thread->kind = i % 3 == 0 ? BS_KIND_GROUP : BS_KIND_DIRECT;
        thread->member_count = (i + 1) % 4;
        thread->members = calloc(thread->member_count + 1, sizeof(*thread->members));
        FUZZ_CHECK(thread->members != NULL);
        for (size_t m = 0; m < thread->member_count; m++) {
            thread->members[m].person_index = (i + m) % n;
            thread->members[m].handle_index = (i + m) % n;
        }
        thread->name = copy(lines->text[i]);
    }
    result->handle_count = n;
    result->person_count = n;
    result->thread_count = n;

    struct bs_backup_facts *facts = &report->backup;
    const char *device = n > 0 ? lines->text[0] : "";
    const char *serial = n > 1 ? lines->text[1] : "";
    const char *phone = n > 2 ? lines->text[2] : "";
    facts->is_backup = true;
    facts->device.device_name = copy(device);
    facts->device.serial_number = copy(serial);
    facts->device.phone_number = copy(phone);
    facts->findings = calloc(n + 1, sizeof(*facts->findings));
    facts->warnings = calloc(n + 1, sizeof(*facts->warnings));
    FUZZ_CHECK(facts->findings != NULL && facts->warnings != NULL);
    for (size_t i = 0; i < n; i++) {
        facts->findings[i].text = quoting(device, serial, phone, lines->text[i]);
        facts->warnings[i] = quoting(phone, device, serial, lines->text[i]);
    }
    facts->finding_count = n;
    facts->warning_count = n;
}

static void check_mask(const char *mask)
{
    FUZZ_CHECK(mask != NULL && strlen(mask) <= MAX_MASK_BYTES);
    size_t digits = 0;
    size_t letters = 0;
    for (const char *p = mask; *p != '\0'; p++) {
        digits += *p >= '0' && *p <= '9';
        letters += (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z');
    }
    FUZZ_CHECK(digits <= 5 && letters <= 13);
}

static bool shares_byte(const char *text, const char *other)
{
    return other != NULL && strpbrk(text, other) != NULL;
}

/* No text quotes an original fact any more, where the masks cannot have rebuilt it. */
static void check_scrubbed(const char *text, const char *const originals[3],
                           const struct bs_device_facts *masked)
{
    for (int i = 0; i < 3; i++) {
        const char *original = originals[i];
        if (strlen(original) < 3 || shares_byte(original, masked->device_name) ||
            shares_byte(original, masked->serial_number) ||
            shares_byte(original, masked->phone_number)) {
            continue;
        }
        FUZZ_CHECK(strstr(text, original) == NULL);
    }
}

static bool starts_with(const char *text, const char *prefix)
{
    return strncmp(text, prefix, strlen(prefix)) == 0;
}

static void check_report(const struct bs_scan_report *report, const struct lines *lines)
{
    const struct bs_scan_result *result = &report->result;
    char expected[64];
    for (size_t i = 0; i < result->handle_count; i++) {
        check_mask(result->handles[i].id);
        FUZZ_CHECK(strcmp(result->handles[i].id, result->handles[i].normalized_id) == 0);
        FUZZ_CHECK(result->handles[i].person_centric_id == NULL);
        (void)snprintf(expected, sizeof(expected), "Person %zu", i + 1);
        FUZZ_CHECK(strcmp(result->persons[i].contact_name, expected) == 0);
    }
    for (size_t i = 0; i < result->thread_count; i++) {
        const struct bs_thread *thread = &result->threads[i];
        FUZZ_CHECK(strstr(thread->guid, "chat") != NULL);
        FUZZ_CHECK(thread->chat_identifier == NULL || starts_with(thread->chat_identifier, "chat"));
        if (thread->display_name != NULL) {
            FUZZ_CHECK(starts_with(thread->display_name, "Group ") ||
                       starts_with(thread->display_name, "Conversation "));
            FUZZ_CHECK(strcmp(thread->name, thread->display_name) == 0);
        } else if (thread->member_count > 0) {
            FUZZ_CHECK(starts_with(thread->name, "Person "));
        } else {
            FUZZ_CHECK(strcmp(thread->name, thread->chat_identifier != NULL
                                                ? thread->chat_identifier
                                                : thread->guid) == 0);
        }
    }
    const struct bs_device_facts *device = &report->backup.device;
    FUZZ_CHECK(strcmp(device->device_name, "iPhone") == 0);
    check_mask(device->serial_number);
    check_mask(device->phone_number);
    const char *originals[3] = {lines->count > 0 ? lines->text[0] : "",
                                lines->count > 1 ? lines->text[1] : "",
                                lines->count > 2 ? lines->text[2] : ""};
    for (size_t i = 0; i < report->backup.finding_count; i++) {
        check_scrubbed(report->backup.findings[i].text, originals, device);
        check_scrubbed(report->backup.warnings[i], originals, device);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct bs_ids *ids;
    if (ids == NULL) {
        FUZZ_CHECK(bs_ids_create(&ids, NULL) == BS_OK);
    }
    struct lines lines;
    split(data, size, &lines);
    struct bs_scan_report report;
    build(&lines, ids, &report);
    struct bs_error err = {BS_OK, ""};
    FUZZ_CHECK(bs_redact_report(&report, &err) == BS_OK);
    check_report(&report, &lines);
    /* The phone-text mask of every line, as the summary masks a typed number. */
    for (size_t i = 0; i < lines.count; i++) {
        char *mask = bs_redact_phone_text(lines.text[i]);
        check_mask(mask);
        free(mask);
    }
    bs_scan_report_clear(&report);
    for (size_t i = 0; i < lines.count; i++) {
        free(lines.text[i]);
    }
    return 0;
}
