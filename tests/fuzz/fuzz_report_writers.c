/*
 * Fuzz target: the report writers fed hostile names, ids, group titles and device facts.
 * The input is a recipe: a few bytes choose how many handles and threads there are, their
 * services, kinds, counts, dates and memberships, whether it is a backup and whether
 * --redact runs; NUL-separated strings give every handle id, contact name, chat guid, group
 * title and device fact, so that any bytes reach every writer. The result goes through the
 * analysis (people, rules, Signal list) as a scan's would, then every output is written and
 * checked by scan_check.c: the CSVs parse back, the summary holds no control character,
 * the JSON parses, the HTML holds no active markup (tokenised, not grepped).
 */
#include <stdlib.h>
#include <string.h>

#include "core/base/text.h"
#include "core/model/analysis.h"
#include "core/model/classify.h"
#include "core/model/ids.h"
#include "core/report/redact.h"
#include "fuzz.h"
#include "scan_check.h"

#define MAX_HANDLES 8
#define MAX_THREADS 6
/* Strings past this are cut: the writers' limits are tested by the CLI's hostile matrix. */
#define MAX_PIECE_BYTES 600

struct recipe {
    const uint8_t *data;
    size_t size;
    size_t at;
};

static uint8_t next_byte(struct recipe *r)
{
    return r->at < r->size ? r->data[r->at++] : 0;
}

/* The next NUL-terminated piece (any other byte allowed), malloc'd; "" past the end. */
static char *next_string(struct recipe *r)
{
    size_t start = r->at;
    while (r->at < r->size && r->data[r->at] != 0 && r->at - start < MAX_PIECE_BYTES) {
        r->at++;
    }
    char *text = bs_strndup_bounded((const char *)r->data + start, r->at - start);
    FUZZ_CHECK(text != NULL);
    if (r->at < r->size) {
        r->at++; /* the separator, or the byte a cut piece stopped at */
    }
    return text;
}

struct names {
    char *normalized[MAX_HANDLES];
    char *contact[MAX_HANDLES];
    size_t count;
};

static const char *name_of(const char *normalized_id, void *context)
{
    const struct names *names = context;
    for (size_t i = 0; i < names->count; i++) {
        if (names->contact[i] != NULL && strcmp(names->normalized[i], normalized_id) == 0) {
            return names->contact[i];
        }
    }
    return NULL;
}

static struct bs_date next_date(struct recipe *r)
{
    uint8_t b = next_byte(r);
    return (struct bs_date){1600000000 + (int64_t)b * 86400 * 9, (b & 1) == 0};
}

static void build_handles(struct recipe *r, const struct bs_ids *ids, struct bs_scan_result *result,
                          struct names *names)
{
    static const char *const services[] = {"iMessage", "SMS", "RCS", "iMessageLite", NULL};
    size_t count = 1 + next_byte(r) % MAX_HANDLES;
    result->handles = calloc(count, sizeof(*result->handles));
    FUZZ_CHECK(result->handles != NULL);
    for (size_t i = 0; i < count; i++) {
        struct bs_handle *handle = &result->handles[i];
        handle->rowid = (int64_t)i + 1;
        handle->id = next_string(r);
        const char *service = services[next_byte(r) % 5];
        handle->service = service != NULL ? bs_strdup(service) : NULL;
        enum bs_service kind =
            bs_classify_service(handle->service, service != NULL ? strlen(service) : 0);
        handle->has_imessage_service = kind == BS_SERVICE_IMESSAGE || kind == BS_SERVICE_SATELLITE;
        handle->has_rcs_service = kind == BS_SERVICE_RCS;
        handle->seen_imessage = (next_byte(r) & 1) != 0;
        handle->normalized_id = bs_ids_normalize(ids, handle->id, NULL, "us", &handle->id_kind);
        FUZZ_CHECK(handle->normalized_id != NULL);
        result->handle_count++;
        names->normalized[i] = handle->normalized_id;
        char *contact = next_string(r);
        if (contact[0] == '\0') {
            free(contact);
            contact = NULL;
        }
        names->contact[i] = contact;
        names->count++;
    }
}

static void build_threads(struct recipe *r, struct bs_scan_result *result)
{
    size_t count = 1 + next_byte(r) % MAX_THREADS;
    result->threads = calloc(count, sizeof(*result->threads));
    result->member_pairs = calloc(count * MAX_HANDLES + 1, sizeof(*result->member_pairs));
    FUZZ_CHECK(result->threads != NULL && result->member_pairs != NULL);
    static const int64_t styles[] = {43, 45, 0};
    for (size_t t = 0; t < count; t++) {
        struct bs_thread *thread = &result->threads[t];
        thread->chat_id = (int64_t)t + 1;
        thread->guid = next_string(r);
        thread->display_name = next_string(r);
        if (thread->display_name[0] == '\0') {
            free(thread->display_name);
            thread->display_name = NULL;
        }
        thread->style = styles[next_byte(r) % 3];
        thread->imessage_count = next_byte(r) % 4;
        thread->sms_plain_count = next_byte(r) % 4;
        thread->sms_plain_first_chat_count = thread->sms_plain_count;
        thread->sms_attachment_count = next_byte(r) % 2;
        thread->rcs_count = next_byte(r) % 2;
        thread->other_count = next_byte(r) % 2;
        thread->from_me_count = next_byte(r) % 2;
        thread->first_message = next_date(r);
        thread->last_message = next_date(r);
        thread->last_unencrypted = next_date(r);
        result->counts[BS_TRANSPORT_IMESSAGE] += thread->imessage_count;
        result->counts[BS_TRANSPORT_MMS] += thread->sms_attachment_count;
        result->counts[BS_TRANSPORT_RCS] += thread->rcs_count;
        result->counts[BS_TRANSPORT_OTHER] += thread->other_count;
        /* Plain SMS are split into sms/mms by the analysis, from the first-chat count. */
        result->counted_messages += thread->imessage_count + thread->sms_plain_count +
                                    thread->sms_attachment_count + thread->rcs_count +
                                    thread->other_count;
        uint8_t members = next_byte(r);
        for (size_t h = 0; h < result->handle_count; h++) {
            if (members & (1u << h)) {
                result->member_pairs[result->member_pair_count++] = (uint64_t)t << 32 | h;
            }
        }
        result->thread_count++;
    }
    result->message_rows = result->counted_messages;
}

static void build_backup(struct recipe *r, struct bs_backup_facts *facts)
{
    if ((next_byte(r) & 1) == 0) {
        return;
    }
    facts->is_backup = true;
    facts->is_encrypted = (next_byte(r) & 1) != 0;
    facts->device.device_name = next_string(r);
    facts->device.serial_number = next_string(r);
    facts->device.phone_number = next_string(r);
    facts->findings = calloc(2, sizeof(*facts->findings));
    FUZZ_CHECK(facts->findings != NULL);
    facts->findings[0].code =
        facts->is_encrypted ? BS_FINDING_BACKUP_ENCRYPTED : BS_FINDING_BACKUP_UNENCRYPTED;
    facts->findings[0].text = next_string(r);
    facts->findings[1].code = BS_FINDING_ADP_UNKNOWN;
    facts->findings[1].text = next_string(r);
    facts->finding_count = 2;
    facts->warnings = calloc(1, sizeof(*facts->warnings));
    FUZZ_CHECK(facts->warnings != NULL);
    facts->warnings[0] = next_string(r);
    facts->warning_count = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct bs_ids *ids;
    if (ids == NULL && bs_ids_create(&ids, NULL) != BS_OK) {
        abort();
    }
    struct recipe r = {data, size, 0};
    struct bs_scan_report report;
    memset(&report, 0, sizeof(report));
    uint8_t flags = next_byte(&r);
    struct names names;
    memset(&names, 0, sizeof(names));
    build_handles(&r, ids, &report.result, &names);
    build_threads(&r, &report.result);
    build_backup(&r, &report.backup);
    report.source_kind = report.backup.is_backup ? BS_SOURCE_BACKUP : BS_SOURCE_DATABASE;
    struct bs_name_source source = {name_of, &names};
    struct bs_error err = {BS_OK, ""};
    enum bs_status status = bs_analysis_run(&report.result, &source, &err);
    FUZZ_CHECK(status == BS_OK || status == BS_ERR_NOMEM);
    if (status == BS_OK && (flags & 1) != 0) {
        status = bs_redact_report(&report, &err);
        FUZZ_CHECK(status == BS_OK || status == BS_ERR_NOMEM);
    }
    if (status == BS_OK) {
        fuzz_check_outputs(&report);
    }
    for (size_t i = 0; i < names.count; i++) {
        free(names.contact[i]);
    }
    bs_scan_report_clear(&report);
    return 0;
}
