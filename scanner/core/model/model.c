/* Names of the model's enums and the result's destructor (see model.h). */
#include "core/model/model.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/text.h"

void bs_scan_result_clear(struct bs_scan_result *result)
{
    if (result == NULL) {
        return;
    }
    for (size_t i = 0; i < result->handle_count; i++) {
        struct bs_handle *handle = &result->handles[i];
        free(handle->id);
        free(handle->service);
        free(handle->country);
        free(handle->person_centric_id);
        free(handle->normalized_id);
    }
    free(result->handles);
    for (size_t i = 0; i < result->person_count; i++) {
        free(result->persons[i].contact_name);
    }
    free(result->persons);
    for (size_t i = 0; i < result->thread_count; i++) {
        struct bs_thread *thread = &result->threads[i];
        free(thread->guid);
        free(thread->display_name);
        free(thread->chat_identifier);
        free(thread->members);
        free(thread->name);
        free(thread->timeline.months.rows);
    }
    free(result->threads);
    for (size_t i = 0; i < result->signal_count; i++) {
        free(result->signal_rows[i].thread_indexes);
    }
    free(result->signal_rows);
    free(result->member_pairs);
    free(result->months.rows);
    free(result->member_added);
    free(result->first_received);
    memset(result, 0, sizeof(*result));
}

const char *bs_transport_name(enum bs_transport transport)
{
    static const char *const names[BS_TRANSPORT_COUNT] = {"imessage", "sms", "mms", "rcs", "other"};
    return (unsigned)transport < BS_TRANSPORT_COUNT ? names[transport] : "other";
}

const char *bs_thread_transport_name(enum bs_thread_transport transport)
{
    switch (transport) {
    case BS_THREAD_NONE:
        return "none";
    case BS_THREAD_IMESSAGE:
        return "imessage";
    case BS_THREAD_SMS:
        return "sms";
    case BS_THREAD_RCS:
        return "rcs";
    case BS_THREAD_OTHER:
        return "other";
    case BS_THREAD_MIXED:
        return "mixed";
    }
    return "none";
}

const char *bs_thread_kind_name(enum bs_thread_kind kind)
{
    return kind == BS_KIND_GROUP ? "group" : "direct";
}

static const char *const risk_names[] = {"none", "low", "medium", "high", "critical"};

const char *bs_risk_name(enum bs_risk risk)
{
    return (unsigned)risk <= BS_RISK_CRITICAL ? risk_names[risk] : "none";
}

bool bs_risk_parse(const char *text, enum bs_risk *out)
{
    for (unsigned i = 0; i <= BS_RISK_CRITICAL; i++) {
        if (text != NULL && strcmp(text, risk_names[i]) == 0) {
            *out = (enum bs_risk)i;
            return true;
        }
    }
    return false;
}

const char *bs_transport_label(enum bs_transport transport)
{
    static const char *const labels[BS_TRANSPORT_COUNT] = {"iMessage", "SMS", "MMS", "RCS",
                                                           "other"};
    return (unsigned)transport < BS_TRANSPORT_COUNT ? labels[transport] : "other";
}

const char *bs_transport_meaning(enum bs_transport transport)
{
    static const char *const meanings[BS_TRANSPORT_COUNT] = {
        "end-to-end encrypted", "plaintext through the carrier", "plaintext through the carrier",
        "encryption not verifiable", "unknown transport, counted as unencrypted"};
    return (unsigned)transport < BS_TRANSPORT_COUNT ? meanings[transport] : meanings[4];
}

const char *bs_person_label(const struct bs_person *person)
{
    return person->is_automated ? "automated" : bs_reachability_name(person->reachability);
}

const char *bs_reachability_name(enum bs_reachability reachability)
{
    switch (reachability) {
    case BS_REACH_IMESSAGE:
        return "imessage";
    case BS_REACH_RCS_ONLY:
        return "rcs-only";
    case BS_REACH_SMS_ONLY:
        return "sms-only";
    }
    return "sms-only";
}

const char *bs_reason_code(unsigned index)
{
    static const char *const codes[BS_REASON_COUNT] = {
        "mixed-platform-group", "unencrypted-group", "sms-thread",   "rcs-unverified",
        "rcs-e2ee-advertised",  "unknown-transport", "sms-fallback", "forced-sms",
        "mms-attachments",      "automated-sender"};
    return index < BS_REASON_COUNT ? codes[index] : "";
}

const char *bs_person_name(const struct bs_scan_result *result, size_t person_index)
{
    const struct bs_person *person = &result->persons[person_index];
    if (person->contact_name != NULL && person->contact_name[0] != '\0') {
        return person->contact_name;
    }
    return result->handles[person->first_handle_index].id;
}

bool bs_handle_repeats_id(const struct bs_scan_result *result, size_t handle_index)
{
    const struct bs_handle *handle = &result->handles[handle_index];
    size_t first = result->persons[handle->person_index].first_handle_index;
    for (size_t h = first; h != handle_index && h != SIZE_MAX;
         h = result->handles[h].next_of_person) {
        if (strcmp(result->handles[h].id, handle->id) == 0) {
            return true;
        }
    }
    return false;
}

uint64_t bs_thread_unencrypted(const struct bs_thread *thread)
{
    return thread->counts[BS_TRANSPORT_SMS] + thread->counts[BS_TRANSPORT_MMS] +
           thread->counts[BS_TRANSPORT_RCS] + thread->counts[BS_TRANSPORT_OTHER];
}

uint64_t bs_thread_messages(const struct bs_thread *thread)
{
    return thread->counts[BS_TRANSPORT_IMESSAGE] + bs_thread_unencrypted(thread);
}

const char *bs_exposure_cause_name(enum bs_exposure_cause cause)
{
    switch (cause) {
    case BS_CAUSE_NONE:
        break;
    case BS_CAUSE_MEMBER_ADDED:
        return "member-added";
    case BS_CAUSE_SINCE_START:
        return "since-start";
    case BS_CAUSE_FALLBACK:
        return "fallback";
    }
    return "";
}

void bs_member_label(const struct bs_scan_result *result, const struct bs_member *member,
                     struct bs_strbuf *out)
{
    const struct bs_person *person = &result->persons[member->person_index];
    const char *id = result->handles[member->handle_index].id;
    if (person->contact_name != NULL) {
        bs_strbuf_appendf(out, "%s <%s>", person->contact_name, id);
    } else {
        bs_strbuf_append_str(out, id);
    }
}

const struct bs_member *bs_thread_broken_by(const struct bs_thread *thread)
{
    size_t index = thread->timeline.broken_by;
    return index < thread->member_count ? &thread->members[index] : NULL;
}
