/*
 * Fuzz target: the classification rules (core/classify) against SPEC 3, restated here.
 *
 * The input is read as fields: a service string, a raw message date, a date text, a chat
 * (style, guid, per-transport counters, flags) and its people. Each rule is checked against
 * an independent statement of the specification:
 * - service: trimmed of ASCII white space, compared case-insensitively (3.1); the message's
 *   transport, and the scan's tally of it into its thread and the source's counts (the same
 *   functions sms_store.c calls), agree with it;
 * - date: unknown when absent or <= 0, nanoseconds above 1e11, formatted as 20 characters
 *   that parse back to the same second (3.1);
 * - thread (3.2, 3.4): kind; sms/mms split; transport; every reason exactly when its row of
 *   3.4 applies; risk exactly as the risk table says. Risk none is equivalent to "no
 *   unencrypted message", but a thread at risk none may still carry reasons (forced-sms,
 *   sms-fallback from a downgraded row, automated-sender), so "none iff no reason" is not an
 *   invariant; "at risk low or above implies some reason" is.
 */
#include <string.h>

#include "core/base/byte_reader.h"
#include "core/model/classify.h"
#include "core/model/model.h"
#include "fuzz.h"

#define COCOA_EPOCH_UNIX_SECONDS 978307200LL
#define LAST_UNIX_SECONDS        253402300799LL /* 9999-12-31T23:59:59Z */

/* Copies the next length-prefixed field into an exact-size buffer (overreads show). */
static uint8_t *take_field(struct bs_byte_reader *reader, size_t *length)
{
    uint8_t size = 0;
    const uint8_t *bytes = NULL;
    if (!bs_byte_reader_u8(reader, &size)) {
        size = 0;
    }
    size_t n = size;
    if (n > bs_byte_reader_remaining(reader)) {
        n = bs_byte_reader_remaining(reader);
    }
    (void)bs_byte_reader_bytes(reader, n, &bytes);
    uint8_t *copy = malloc(n + 1);
    if (copy == NULL) {
        abort();
    }
    if (n > 0) {
        memcpy(copy, bytes, n);
    }
    copy[n] = '\0';
    *length = n;
    return copy;
}

static uint64_t take_u64(struct bs_byte_reader *reader)
{
    uint64_t value = 0;
    (void)bs_byte_reader_u64_be(reader, &value);
    return value;
}

static uint32_t take_u32(struct bs_byte_reader *reader)
{
    uint32_t value = 0;
    (void)bs_byte_reader_u32_be(reader, &value);
    return value;
}

static uint16_t take_u16(struct bs_byte_reader *reader)
{
    uint16_t value = 0;
    (void)bs_byte_reader_u16_be(reader, &value);
    return value;
}

static uint8_t take_u8(struct bs_byte_reader *reader)
{
    uint8_t value = 0;
    (void)bs_byte_reader_u8(reader, &value);
    return value;
}

/* ---- 3.1 service --------------------------------------------------------------------------- */

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool word_is(const uint8_t *bytes, size_t length, const char *word)
{
    if (length != strlen(word)) {
        return false;
    }
    for (size_t i = 0; i < length; i++) {
        uint8_t c = bytes[i];
        if (c >= 'A' && c <= 'Z') {
            c = (uint8_t)(c + 32);
        }
        if (c != (uint8_t)word[i]) {
            return false;
        }
    }
    return true;
}

static enum bs_service expected_service(const uint8_t *bytes, size_t length)
{
    size_t start = 0;
    while (start < length && is_space(bytes[start])) {
        start++;
    }
    while (length > start && is_space(bytes[length - 1])) {
        length--;
    }
    const uint8_t *word = bytes + start;
    size_t word_length = length - start;
    if (word_is(word, word_length, "imessage")) {
        return BS_SERVICE_IMESSAGE;
    }
    if (word_is(word, word_length, "imessagelite")) {
        return BS_SERVICE_SATELLITE;
    }
    if (word_is(word, word_length, "sms")) {
        return BS_SERVICE_SMS;
    }
    if (word_is(word, word_length, "rcs")) {
        return BS_SERVICE_RCS;
    }
    return BS_SERVICE_OTHER;
}

/* The scan's tally of one message (bs_classify_add_to_thread, _to_totals, _thread_totals)
 * lands it in the count the per-message rule names, once, in its thread and the source. */
static void check_accumulation(enum bs_service service, uint8_t flags, enum bs_transport want)
{
    bool is_group = (flags & 2u) != 0;
    bool is_orphan = (flags & 16u) != 0;
    struct bs_message_facts facts;
    memset(&facts, 0, sizeof(facts));
    facts.service = service;
    facts.date.unix_seconds = 1000;
    facts.date.is_known = true;
    facts.key.unix_seconds = 1000;
    facts.is_from_me = (flags & 8u) != 0;
    facts.was_downgraded = (flags & 4u) != 0;
    facts.has_attachment = (flags & 1u) != 0;
    struct bs_thread thread;
    struct bs_scan_result result;
    memset(&thread, 0, sizeof(thread));
    memset(&result, 0, sizeof(result));
    thread.style = is_group ? 43 : 45;
    bs_classify_add_to_thread(&thread, &facts, true);
    bs_classify_add_to_totals(&result, &facts, is_orphan);
    struct bs_thread_people people = {1, 0, 0};
    bs_classify_thread(&thread, &people);
    if (!is_orphan) {
        bs_classify_add_thread_totals(&result, &thread);
    }
    /* An orphan is in no thread, so it is direct whatever the flag says. */
    enum bs_transport want_total =
        is_orphan ? bs_classify_message_transport(service, facts.has_attachment, false) : want;
    for (int t = 0; t < BS_TRANSPORT_COUNT; t++) {
        FUZZ_CHECK(thread.counts[t] == (t == (int)want ? 1u : 0u));
        FUZZ_CHECK(result.counts[t] == (t == (int)want_total ? 1u : 0u));
    }
    bool is_encrypted = want == BS_TRANSPORT_IMESSAGE;
    FUZZ_CHECK(bs_classify_is_encrypted(service) == is_encrypted);
    FUZZ_CHECK(thread.last_unencrypted.is_known == !is_encrypted);
    FUZZ_CHECK(thread.has_downgraded_unencrypted ==
               (facts.was_downgraded && !is_encrypted && want != BS_TRANSPORT_OTHER));
    FUZZ_CHECK(thread.from_me_count == (facts.is_from_me ? 1u : 0u));
    FUZZ_CHECK(result.counted_messages == 1 && result.orphan_messages == (is_orphan ? 1u : 0u));
}

static void check_service(struct bs_byte_reader *reader)
{
    size_t length = 0;
    uint8_t *bytes = take_field(reader, &length);
    enum bs_service service = bs_classify_service((const char *)bytes, length);
    FUZZ_CHECK(service == expected_service(bytes, length));
    FUZZ_CHECK(bs_classify_service(NULL, length) == BS_SERVICE_OTHER);
    uint8_t flags = take_u8(reader);
    bool has_attachment = (flags & 1u) != 0;
    bool is_group = (flags & 2u) != 0;
    enum bs_transport transport = bs_classify_message_transport(service, has_attachment, is_group);
    switch (service) {
    case BS_SERVICE_IMESSAGE:
    case BS_SERVICE_SATELLITE:
        FUZZ_CHECK(transport == BS_TRANSPORT_IMESSAGE);
        break;
    case BS_SERVICE_SMS:
        FUZZ_CHECK(transport == (has_attachment || is_group ? BS_TRANSPORT_MMS : BS_TRANSPORT_SMS));
        break;
    case BS_SERVICE_RCS:
        FUZZ_CHECK(transport == BS_TRANSPORT_RCS);
        break;
    case BS_SERVICE_OTHER:
        FUZZ_CHECK(transport == BS_TRANSPORT_OTHER);
        break;
    }
    check_accumulation(service, flags, transport);
    free(bytes);
}

/* ---- 3.1 dates ----------------------------------------------------------------------------- */

static void check_formatted(struct bs_date date)
{
    char text[21];
    memset(text, 'x', sizeof(text));
    FUZZ_CHECK(bs_date_format(date, text) == text);
    if (!date.is_known || date.unix_seconds < 0 || date.unix_seconds > LAST_UNIX_SECONDS) {
        FUZZ_CHECK(text[0] == '\0');
        return;
    }
    FUZZ_CHECK(strlen(text) == 20);
    static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
    for (size_t i = 0; i < 20; i++) {
        FUZZ_CHECK(shape[i] == 'd' ? (text[i] >= '0' && text[i] <= '9') : text[i] == shape[i]);
    }
    struct bs_date parsed = {0, false};
    FUZZ_CHECK(bs_date_parse(text, &parsed));
    FUZZ_CHECK(parsed.is_known && parsed.unix_seconds == date.unix_seconds);
}

static void check_dates(struct bs_byte_reader *reader)
{
    int64_t raw = (int64_t)take_u64(reader);
    bool is_present = (take_u8(reader) & 1u) != 0;
    struct bs_date date = bs_classify_date(raw, is_present);
    if (!is_present || raw <= 0) {
        FUZZ_CHECK(!date.is_known);
    } else {
        int64_t seconds = raw > 100000000000LL ? raw / 1000000000LL : raw;
        bool in_range = seconds <= LAST_UNIX_SECONDS - COCOA_EPOCH_UNIX_SECONDS;
        FUZZ_CHECK(date.is_known == in_range);
        if (in_range) {
            FUZZ_CHECK(date.unix_seconds == seconds + COCOA_EPOCH_UNIX_SECONDS);
        }
    }
    check_formatted(date);

    size_t length = 0;
    uint8_t *text = take_field(reader, &length);
    struct bs_date parsed = {0, false};
    if (bs_date_parse((const char *)text, &parsed)) {
        FUZZ_CHECK(parsed.is_known);
        size_t text_length = strlen((const char *)text);
        FUZZ_CHECK(text_length == 10 || text_length == 19 || text_length == 20);
        if (parsed.unix_seconds >= 0) {
            check_formatted(parsed);
        }
    }
    free(text);

    struct bs_date other = bs_classify_date((int64_t)take_u64(reader), true);
    struct bs_date later = bs_date_max(date, other);
    struct bs_date earlier = bs_date_min(date, other);
    FUZZ_CHECK(later.is_known == (date.is_known || other.is_known));
    FUZZ_CHECK(earlier.is_known == later.is_known);
    if (date.is_known && other.is_known) {
        FUZZ_CHECK(later.unix_seconds >= earlier.unix_seconds);
        FUZZ_CHECK(later.unix_seconds == date.unix_seconds ||
                   later.unix_seconds == other.unix_seconds);
    }
}

/* ---- 3.2 and 3.4 threads ------------------------------------------------------------------- */

static void check_thread(struct bs_byte_reader *reader)
{
    struct bs_thread thread;
    memset(&thread, 0, sizeof(thread));
    size_t guid_length = 0;
    uint8_t *guid = take_field(reader, &guid_length);
    thread.guid = (char *)guid;
    uint8_t style_pick = take_u8(reader);
    thread.style = style_pick < 80 ? 43 : style_pick < 160 ? 45 : (int64_t)take_u64(reader);
    thread.chat_id = (int64_t)take_u64(reader);
    /* Counters are bounded by the rows of a database: 32 bits keep their sums exact. */
    thread.imessage_count = take_u32(reader) % 4;
    thread.sms_plain_count = take_u32(reader) % 4;
    thread.sms_attachment_count = take_u32(reader) % 4;
    thread.rcs_count = take_u32(reader) % 4;
    thread.other_count = take_u32(reader) % 4;
    uint8_t scale = take_u8(reader);
    if (scale & 0x80u) {
        thread.imessage_count *= take_u32(reader);
        thread.sms_plain_count *= take_u32(reader);
    }
    thread.from_me_count = take_u32(reader);
    uint8_t flags = take_u8(reader);
    thread.apple.force_sms = (flags & 1u) != 0 ? BS_FLAG_TRUE : BS_FLAG_FALSE;
    thread.apple.supports_encryption = (flags & 8u) != 0 ? BS_FLAG_TRUE : BS_FLAG_ABSENT;
    thread.has_downgraded_unencrypted = (flags & 2u) != 0;
    thread.first_message = bs_classify_date((int64_t)take_u64(reader), true);
    thread.last_message = thread.first_message;
    thread.last_unencrypted = bs_classify_date((int64_t)take_u64(reader), (flags & 4u) != 0);
    (void)take_u32(reader); /* four bytes kept so the corpus keeps its layout */

    /* People as analysis.c counts them: iMessage members and automated members are
     * disjoint subsets of the members. */
    struct bs_thread_people people = {0, 0, 0};
    people.member_count = take_u16(reader) % 8;
    if (people.member_count == 7) {
        people.member_count = take_u16(reader);
    }
    size_t rest = people.member_count;
    people.imessage_member_count = rest == 0 ? 0 : take_u16(reader) % (rest + 1);
    rest -= people.imessage_member_count;
    people.automated_member_count = rest == 0 ? 0 : take_u16(reader) % (rest + 1);

    struct bs_thread before = thread;
    bs_classify_thread(&thread, &people);

    /* Pure: the inputs are untouched. */
    FUZZ_CHECK(thread.chat_id == before.chat_id && thread.guid == before.guid);
    FUZZ_CHECK(thread.style == before.style &&
               memcmp(&thread.apple, &before.apple, sizeof(thread.apple)) == 0);
    FUZZ_CHECK(thread.imessage_count == before.imessage_count);
    FUZZ_CHECK(thread.sms_plain_count == before.sms_plain_count);
    FUZZ_CHECK(thread.sms_attachment_count == before.sms_attachment_count);
    FUZZ_CHECK(thread.rcs_count == before.rcs_count && thread.other_count == before.other_count);
    FUZZ_CHECK(thread.from_me_count == before.from_me_count);
    FUZZ_CHECK(thread.last_unencrypted.is_known == before.last_unencrypted.is_known);
    FUZZ_CHECK(thread.members == NULL && thread.member_count == 0 && thread.name == NULL);

    /* 3.2 kind. */
    bool is_group =
        thread.style == 43 ||
        (thread.style != 45 && (people.member_count > 1 || strstr(thread.guid, ";+;") != NULL));
    FUZZ_CHECK(thread.kind == (is_group ? BS_KIND_GROUP : BS_KIND_DIRECT));

    /* 3.1 SMS becomes MMS with an attachment or in a group. */
    const uint64_t *counts = thread.counts;
    FUZZ_CHECK(counts[BS_TRANSPORT_IMESSAGE] == thread.imessage_count);
    FUZZ_CHECK(counts[BS_TRANSPORT_SMS] == (is_group ? 0 : thread.sms_plain_count));
    FUZZ_CHECK(counts[BS_TRANSPORT_MMS] ==
               thread.sms_attachment_count + (is_group ? thread.sms_plain_count : 0));
    FUZZ_CHECK(counts[BS_TRANSPORT_RCS] == thread.rcs_count);
    FUZZ_CHECK(counts[BS_TRANSPORT_OTHER] == thread.other_count);
    uint64_t sms_mms = counts[BS_TRANSPORT_SMS] + counts[BS_TRANSPORT_MMS];
    uint64_t unencrypted = sms_mms + counts[BS_TRANSPORT_RCS] + counts[BS_TRANSPORT_OTHER];
    FUZZ_CHECK(bs_thread_unencrypted(&thread) == unencrypted);

    /* 3.2 transport. */
    int kinds = (counts[BS_TRANSPORT_IMESSAGE] > 0) + (sms_mms > 0) +
                (counts[BS_TRANSPORT_RCS] > 0) + (counts[BS_TRANSPORT_OTHER] > 0);
    if (kinds == 0) {
        FUZZ_CHECK(thread.transport == BS_THREAD_NONE);
    } else if (kinds > 1) {
        FUZZ_CHECK(thread.transport == BS_THREAD_MIXED);
    } else if (counts[BS_TRANSPORT_IMESSAGE] > 0) {
        FUZZ_CHECK(thread.transport == BS_THREAD_IMESSAGE);
    } else if (sms_mms > 0) {
        FUZZ_CHECK(thread.transport == BS_THREAD_SMS);
    } else if (counts[BS_TRANSPORT_RCS] > 0) {
        FUZZ_CHECK(thread.transport == BS_THREAD_RCS);
    } else {
        FUZZ_CHECK(thread.transport == BS_THREAD_OTHER);
    }

    /* 3.5 / CSV: an automated sender counts as not on iMessage. */
    FUZZ_CHECK(thread.non_imessage_count == people.member_count - people.imessage_member_count);

    /* 3.4 reasons, row by row. */
    bool is_automated_direct = !is_group && people.member_count > 0 &&
                               people.automated_member_count == people.member_count;
    bool is_person_direct = !is_group && !is_automated_direct;
    bool is_mixed = is_group && unencrypted > 0 && people.imessage_member_count > 0 &&
                    thread.non_imessage_count > 0;
    unsigned want = 0;
    want |= is_mixed ? BS_REASON_MIXED_PLATFORM_GROUP : 0u;
    want |= is_group && unencrypted > 0 ? BS_REASON_UNENCRYPTED_GROUP : 0u;
    want |= is_person_direct && sms_mms > 0 ? BS_REASON_SMS_THREAD : 0u;
    want |= counts[BS_TRANSPORT_RCS] > 0 ? BS_REASON_RCS_UNVERIFIED : 0u;
    want |= counts[BS_TRANSPORT_RCS] > 0 && (flags & 8u) != 0 ? BS_REASON_RCS_E2EE_ADVERTISED : 0u;
    want |= counts[BS_TRANSPORT_OTHER] > 0 ? BS_REASON_UNKNOWN_TRANSPORT : 0u;
    want |= (counts[BS_TRANSPORT_IMESSAGE] > 0 && sms_mms + counts[BS_TRANSPORT_RCS] > 0) ||
                    thread.has_downgraded_unencrypted
                ? BS_REASON_SMS_FALLBACK
                : 0u;
    want |= (flags & 1u) != 0 ? BS_REASON_FORCED_SMS : 0u;
    want |= thread.sms_attachment_count > 0 ? BS_REASON_MMS_ATTACHMENTS : 0u;
    want |= is_automated_direct ? BS_REASON_AUTOMATED_SENDER : 0u;
    FUZZ_CHECK(thread.reasons == want);
    FUZZ_CHECK((thread.reasons >> BS_REASON_COUNT) == 0);

    /* 3.4 risk. */
    enum bs_risk risk = BS_RISK_NONE;
    if (unencrypted > 0) {
        if (is_group) {
            risk = is_mixed ? BS_RISK_CRITICAL : BS_RISK_HIGH;
        } else {
            risk = is_automated_direct ? BS_RISK_LOW : BS_RISK_MEDIUM;
        }
    }
    FUZZ_CHECK(thread.risk == risk);

    /* Consequences the reports rely on. */
    FUZZ_CHECK((thread.risk == BS_RISK_NONE) == (unencrypted == 0));
    FUZZ_CHECK((thread.risk == BS_RISK_CRITICAL) ==
               ((thread.reasons & BS_REASON_MIXED_PLATFORM_GROUP) != 0));
    if (thread.risk != BS_RISK_NONE) {
        FUZZ_CHECK(thread.reasons != 0);
    }
    if (thread.kind == BS_KIND_DIRECT) {
        FUZZ_CHECK(
            (thread.reasons & (BS_REASON_MIXED_PLATFORM_GROUP | BS_REASON_UNENCRYPTED_GROUP)) == 0);
        FUZZ_CHECK(thread.risk <= BS_RISK_MEDIUM);
    } else {
        FUZZ_CHECK((thread.reasons & (BS_REASON_SMS_THREAD | BS_REASON_AUTOMATED_SENDER)) == 0);
        FUZZ_CHECK(thread.risk == BS_RISK_NONE || thread.risk >= BS_RISK_HIGH);
    }
    FUZZ_CHECK(thread.transport != BS_THREAD_NONE || thread.risk == BS_RISK_NONE);
    FUZZ_CHECK(thread.transport != BS_THREAD_IMESSAGE || thread.risk == BS_RISK_NONE);
    free(guid);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bs_byte_reader reader;
    bs_byte_reader_init(&reader, data, size);
    check_service(&reader);
    check_dates(&reader);
    check_thread(&reader);
    return 0;
}
