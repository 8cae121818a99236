/* The classification rules of SPEC 3 (see classify.h); pure functions only. */
#include "core/model/classify.h"

#include <string.h>

#include "core/model/timeline.h"

/* Seconds from 1970-01-01 to 2001-01-01, the Cocoa epoch of every Messages date. */
#define COCOA_EPOCH_UNIX_SECONDS 978307200
/* A date above this magnitude is in nanoseconds (SPEC 3.1; about year 5170 in seconds). */
#define NANOSECOND_THRESHOLD 100000000000LL
/* 9999-12-31T23:59:59Z: the last second ISO 8601 with four year digits can show. */
#define LAST_FORMATTABLE_UNIX_SECONDS 253402300799LL

static bool is_ascii_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool equals_ignoring_case(const char *bytes, size_t length, const char *word)
{
    size_t word_length = strlen(word);
    if (length != word_length) {
        return false;
    }
    for (size_t i = 0; i < length; i++) {
        char a = bytes[i];
        char b = word[i];
        if (a >= 'A' && a <= 'Z') {
            a = (char)(a - 'A' + 'a');
        }
        if (b >= 'A' && b <= 'Z') {
            b = (char)(b - 'A' + 'a');
        }
        if (a != b) {
            return false;
        }
    }
    return true;
}

enum bs_service bs_classify_service(const char *bytes, size_t length)
{
    if (bytes == NULL) {
        return BS_SERVICE_OTHER;
    }
    while (length > 0 && is_ascii_space(bytes[0])) {
        bytes++;
        length--;
    }
    while (length > 0 && is_ascii_space(bytes[length - 1])) {
        length--;
    }
    if (equals_ignoring_case(bytes, length, "imessage")) {
        return BS_SERVICE_IMESSAGE;
    }
    if (equals_ignoring_case(bytes, length, "imessagelite")) {
        return BS_SERVICE_SATELLITE;
    }
    if (equals_ignoring_case(bytes, length, "sms")) {
        return BS_SERVICE_SMS;
    }
    if (equals_ignoring_case(bytes, length, "rcs")) {
        return BS_SERVICE_RCS;
    }
    return BS_SERVICE_OTHER;
}

enum bs_transport bs_classify_message_transport(enum bs_service service, bool has_attachment,
                                                bool is_group)
{
    switch (service) {
    case BS_SERVICE_IMESSAGE:
    case BS_SERVICE_SATELLITE:
        return BS_TRANSPORT_IMESSAGE;
    case BS_SERVICE_SMS:
        return has_attachment || is_group ? BS_TRANSPORT_MMS : BS_TRANSPORT_SMS;
    case BS_SERVICE_RCS:
        return BS_TRANSPORT_RCS;
    case BS_SERVICE_OTHER:
        break;
    }
    return BS_TRANSPORT_OTHER;
}

bool bs_classify_is_encrypted(enum bs_service service)
{
    return bs_classify_message_transport(service, false, false) == BS_TRANSPORT_IMESSAGE;
}

void bs_classify_add_to_thread(struct bs_thread *thread, const struct bs_message_facts *message,
                               bool is_first_chat)
{
    enum bs_transport transport =
        bs_classify_message_transport(message->service, message->has_attachment, false);
    switch (transport) {
    case BS_TRANSPORT_IMESSAGE:
        thread->imessage_count++;
        break;
    case BS_TRANSPORT_SMS: /* plain: MMS once the thread proves to be a group */
        thread->sms_plain_count++;
        thread->sms_plain_first_chat_count += is_first_chat ? 1 : 0;
        break;
    case BS_TRANSPORT_MMS:
        thread->sms_attachment_count++;
        break;
    case BS_TRANSPORT_RCS:
        thread->rcs_count++;
        break;
    case BS_TRANSPORT_OTHER:
    case BS_TRANSPORT_COUNT:
        thread->other_count++;
        break;
    }
    bool is_unencrypted = transport != BS_TRANSPORT_IMESSAGE;
    if (message->was_downgraded && is_unencrypted && transport != BS_TRANSPORT_OTHER) {
        thread->has_downgraded_unencrypted = true;
    }
    thread->from_me_count += message->is_from_me ? 1 : 0;
    thread->first_message = bs_date_min(thread->first_message, message->date);
    thread->last_message = bs_date_max(thread->last_message, message->date);
    if (is_unencrypted) {
        thread->last_unencrypted = bs_date_max(thread->last_unencrypted, message->date);
    }
    if (message->date.is_known) {
        bs_timeline_add(&thread->timeline, &message->key, !is_unencrypted);
    }
}

void bs_classify_add_after_cutoff(struct bs_thread *thread, const struct bs_message_facts *message,
                                  struct bs_date cutoff)
{
    bool is_after = message->date.is_known &&
                    (!cutoff.is_known || message->date.unix_seconds > cutoff.unix_seconds);
    if (is_after && !bs_classify_is_encrypted(message->service)) {
        thread->unencrypted_after_cutoff++;
    }
}

void bs_classify_add_to_totals(struct bs_scan_result *result,
                               const struct bs_message_facts *message, bool is_orphan)
{
    result->counted_messages++;
    result->icloud_synced_messages += message->is_icloud_synced ? 1 : 0;
    result->orphan_messages += is_orphan ? 1 : 0;
    enum bs_transport transport =
        bs_classify_message_transport(message->service, message->has_attachment, false);
    if (transport == BS_TRANSPORT_SMS && !is_orphan) {
        return; /* counted by bs_classify_add_thread_totals once the kind is known */
    }
    result->counts[transport]++;
}

void bs_classify_add_thread_totals(struct bs_scan_result *result, const struct bs_thread *thread)
{
    bool is_group = thread->kind == BS_KIND_GROUP;
    result->counts[bs_classify_message_transport(BS_SERVICE_SMS, false, is_group)] +=
        thread->sms_plain_first_chat_count;
}

struct bs_date bs_classify_date(int64_t raw, bool is_present)
{
    struct bs_date unknown = {0, false};
    if (!is_present || raw <= 0) {
        return unknown;
    }
    int64_t cocoa_seconds = raw > NANOSECOND_THRESHOLD ? raw / 1000000000 : raw;
    if (cocoa_seconds > LAST_FORMATTABLE_UNIX_SECONDS - COCOA_EPOCH_UNIX_SECONDS) {
        return unknown;
    }
    struct bs_date date = {cocoa_seconds + COCOA_EPOCH_UNIX_SECONDS, true};
    return date;
}

int32_t bs_classify_date_nanoseconds(int64_t raw)
{
    return raw > NANOSECOND_THRESHOLD ? (int32_t)(raw % 1000000000) : 0;
}

/* After H. Hinnant's days-to-civil and days-from-civil algorithms. */
void bs_civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    unsigned day_of_era = (unsigned)(days - era * 146097);
    unsigned year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    unsigned month_index = (5 * day_of_year + 2) / 153;
    *day = day_of_year - (153 * month_index + 2) / 5 + 1;
    *month = month_index < 10 ? month_index + 3 : month_index - 9;
    *year = (int64_t)year_of_era + era * 400 + (*month <= 2 ? 1 : 0);
}

int64_t bs_days_from_civil(int64_t year, unsigned month, unsigned day)
{
    year -= month <= 2 ? 1 : 0;
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    unsigned year_of_era = (unsigned)(year - era * 400);
    unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + (int64_t)day_of_era - 719468;
}

char *bs_date_format(struct bs_date date, char out[21])
{
    out[0] = '\0';
    if (!date.is_known || date.unix_seconds < 0 ||
        date.unix_seconds > LAST_FORMATTABLE_UNIX_SECONDS) {
        return out;
    }
    int64_t days = date.unix_seconds / 86400;
    int64_t second_of_day = date.unix_seconds % 86400;
    int64_t year = 0;
    unsigned month = 0;
    unsigned day = 0;
    bs_civil_from_days(days, &year, &month, &day);
    unsigned hour = (unsigned)(second_of_day / 3600);
    unsigned minute = (unsigned)(second_of_day / 60 % 60);
    unsigned second = (unsigned)(second_of_day % 60);
    /* Each field is range-checked above, so the text is exactly 20 characters. */
    out[0] = (char)('0' + year / 1000 % 10);
    out[1] = (char)('0' + year / 100 % 10);
    out[2] = (char)('0' + year / 10 % 10);
    out[3] = (char)('0' + year % 10);
    out[4] = '-';
    out[5] = (char)('0' + month / 10);
    out[6] = (char)('0' + month % 10);
    out[7] = '-';
    out[8] = (char)('0' + day / 10);
    out[9] = (char)('0' + day % 10);
    out[10] = 'T';
    out[11] = (char)('0' + hour / 10);
    out[12] = (char)('0' + hour % 10);
    out[13] = ':';
    out[14] = (char)('0' + minute / 10);
    out[15] = (char)('0' + minute % 10);
    out[16] = ':';
    out[17] = (char)('0' + second / 10);
    out[18] = (char)('0' + second % 10);
    out[19] = 'Z';
    out[20] = '\0';
    return out;
}

static bool read_digits(const char **cursor, unsigned count, unsigned *out)
{
    unsigned value = 0;
    for (unsigned i = 0; i < count; i++) {
        char c = (*cursor)[i];
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + (unsigned)(c - '0');
    }
    *cursor += count;
    *out = value;
    return true;
}

static bool expect_char(const char **cursor, char c)
{
    if (**cursor != c) {
        return false;
    }
    (*cursor)++;
    return true;
}

bool bs_date_parse(const char *text, struct bs_date *out)
{
    if (text == NULL) {
        return false;
    }
    const char *cursor = text;
    unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!read_digits(&cursor, 4, &year) || !expect_char(&cursor, '-') ||
        !read_digits(&cursor, 2, &month) || !expect_char(&cursor, '-') ||
        !read_digits(&cursor, 2, &day)) {
        return false;
    }
    if (*cursor == 'T' || *cursor == ' ') {
        cursor++;
        if (!read_digits(&cursor, 2, &hour) || !expect_char(&cursor, ':') ||
            !read_digits(&cursor, 2, &minute) || !expect_char(&cursor, ':') ||
            !read_digits(&cursor, 2, &second)) {
            return false;
        }
        if (*cursor == 'Z') {
            cursor++;
        }
    }
    static const unsigned month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (*cursor != '\0' || month < 1 || month > 12 || day < 1 || day > month_days[month - 1] ||
        hour > 23 || minute > 59 || second > 59) {
        return false;
    }
    int64_t days = bs_days_from_civil(year, month, day);
    int64_t civil_year = 0;
    unsigned civil_month = 0, civil_day = 0;
    bs_civil_from_days(days, &civil_year, &civil_month, &civil_day);
    if (civil_month != month) {
        return false; /* 29 February of a common year */
    }
    out->unix_seconds = days * 86400 + hour * 3600 + minute * 60 + second;
    out->is_known = true;
    return true;
}

struct bs_date bs_date_max(struct bs_date a, struct bs_date b)
{
    if (!a.is_known) {
        return b;
    }
    if (!b.is_known) {
        return a;
    }
    return a.unix_seconds >= b.unix_seconds ? a : b;
}

struct bs_date bs_date_min(struct bs_date a, struct bs_date b)
{
    if (!a.is_known) {
        return b;
    }
    if (!b.is_known) {
        return a;
    }
    return a.unix_seconds <= b.unix_seconds ? a : b;
}

enum bs_thread_kind bs_classify_kind(int64_t style, const char *guid, size_t participant_count)
{
    if (style == 43) {
        return BS_KIND_GROUP;
    }
    if (style == 45) {
        return BS_KIND_DIRECT;
    }
    if (participant_count > 1 || (guid != NULL && strstr(guid, ";+;") != NULL)) {
        return BS_KIND_GROUP;
    }
    return BS_KIND_DIRECT;
}

static enum bs_thread_transport thread_transport_of(const uint64_t counts[BS_TRANSPORT_COUNT])
{
    bool seen[BS_THREAD_MIXED + 1] = {false};
    seen[BS_THREAD_IMESSAGE] = counts[BS_TRANSPORT_IMESSAGE] > 0;
    seen[BS_THREAD_SMS] = counts[BS_TRANSPORT_SMS] + counts[BS_TRANSPORT_MMS] > 0;
    seen[BS_THREAD_RCS] = counts[BS_TRANSPORT_RCS] > 0;
    seen[BS_THREAD_OTHER] = counts[BS_TRANSPORT_OTHER] > 0;
    enum bs_thread_transport found = BS_THREAD_NONE;
    for (int t = BS_THREAD_IMESSAGE; t <= BS_THREAD_OTHER; t++) {
        if (seen[t]) {
            if (found != BS_THREAD_NONE) {
                return BS_THREAD_MIXED;
            }
            found = (enum bs_thread_transport)t;
        }
    }
    return found;
}

bool bs_classify_person_on_imessage(const struct bs_person *person)
{
    return !person->is_automated && person->reachability == BS_REACH_IMESSAGE;
}

size_t bs_classify_next_non_imessage(const struct bs_scan_result *result,
                                     const struct bs_thread *thread, size_t from)
{
    size_t i = from < thread->member_count ? from : thread->member_count;
    while (i < thread->member_count &&
           bs_classify_person_on_imessage(&result->persons[thread->members[i].person_index])) {
        i++;
    }
    return i;
}

void bs_classify_thread(struct bs_thread *thread, const struct bs_thread_people *people)
{
    thread->kind = bs_classify_kind(thread->style, thread->guid, people->member_count);
    bool is_group = thread->kind == BS_KIND_GROUP;

    /* The accumulators hold each message's transport as in a direct thread; the kind now
     * decides, by the same per-message rule, where the plain SMS go. */
    uint64_t *counts = thread->counts;
    memset(counts, 0, sizeof(thread->counts));
    counts[BS_TRANSPORT_IMESSAGE] = thread->imessage_count;
    counts[BS_TRANSPORT_MMS] = thread->sms_attachment_count;
    counts[BS_TRANSPORT_RCS] = thread->rcs_count;
    counts[BS_TRANSPORT_OTHER] = thread->other_count;
    counts[bs_classify_message_transport(BS_SERVICE_SMS, false, is_group)] +=
        thread->sms_plain_count;
    thread->transport = thread_transport_of(counts);

    uint64_t sms_mms = counts[BS_TRANSPORT_SMS] + counts[BS_TRANSPORT_MMS];
    uint64_t unencrypted = bs_thread_unencrypted(thread);
    size_t imessage_members = people->imessage_member_count;
    thread->non_imessage_count = people->member_count - imessage_members;
    bool is_automated_direct = !is_group && people->member_count > 0 &&
                               people->automated_member_count == people->member_count;
    /* A direct thread whose counterpart is unknown (no handle at all) is treated as one
     * with a person: nothing shows it is automated, and its messages are still exposed. */
    bool is_person_direct = !is_group && !is_automated_direct;

    unsigned reasons = 0;
    if (is_group && unencrypted > 0 && imessage_members > 0 && thread->non_imessage_count > 0) {
        reasons |= BS_REASON_MIXED_PLATFORM_GROUP;
    }
    if (is_group && unencrypted > 0) {
        reasons |= BS_REASON_UNENCRYPTED_GROUP;
    }
    if (is_person_direct && sms_mms > 0) {
        reasons |= BS_REASON_SMS_THREAD;
    }
    if (counts[BS_TRANSPORT_RCS] > 0) {
        reasons |= BS_REASON_RCS_UNVERIFIED;
    }
    if (counts[BS_TRANSPORT_RCS] > 0 && thread->apple.supports_encryption == BS_FLAG_TRUE) {
        reasons |= BS_REASON_RCS_E2EE_ADVERTISED;
    }
    if (counts[BS_TRANSPORT_OTHER] > 0) {
        reasons |= BS_REASON_UNKNOWN_TRANSPORT;
    }
    if ((counts[BS_TRANSPORT_IMESSAGE] > 0 && sms_mms + counts[BS_TRANSPORT_RCS] > 0) ||
        thread->has_downgraded_unencrypted) {
        reasons |= BS_REASON_SMS_FALLBACK;
    }
    if (thread->apple.force_sms == BS_FLAG_TRUE) {
        reasons |= BS_REASON_FORCED_SMS;
    }
    if (thread->sms_attachment_count > 0) {
        reasons |= BS_REASON_MMS_ATTACHMENTS;
    }
    if (is_automated_direct) {
        reasons |= BS_REASON_AUTOMATED_SENDER;
    }
    thread->reasons = reasons;

    if (reasons & BS_REASON_MIXED_PLATFORM_GROUP) {
        thread->risk = BS_RISK_CRITICAL;
    } else if (is_group && unencrypted > 0) {
        thread->risk = BS_RISK_HIGH;
    } else if (is_person_direct && unencrypted > 0) {
        thread->risk = BS_RISK_MEDIUM;
    } else if (is_automated_direct && unencrypted > 0) {
        thread->risk = BS_RISK_LOW;
    } else {
        thread->risk = BS_RISK_NONE;
    }
}
