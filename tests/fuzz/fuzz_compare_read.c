/*
 * Fuzz target: --compare's reader of an earlier report (core/report/compare_read.h) and the
 * comparison built from what it read (core/model/compare.h), redaction of it included.
 *
 * The input is a JSON document. Checked:
 * - reading gives BS_OK with a report of format 1 or 2 whose threads all have a guid, a name
 *   and a risk; or BS_ERR_FORMAT / BS_ERR_UNSUPPORTED / BS_ERR_LIMIT / BS_ERR_NOMEM with an
 *   empty report and a message without a raw control character (it reaches a terminal);
 * - a report read is compared with a scan made from it (every third thread left out, every
 *   other one at another risk, some with new messages): each thread lands in the list its
 *   risks say, each unmatched guid of OLD is gone exactly once, the lists are in their order,
 *   the figures add up, and the sentence and redaction run to the end.
 */
#include <stdlib.h>
#include <string.h>

#include "core/model/compare.h"
#include "core/report/compare_read.h"
#include "core/report/redact.h"
#include "fuzz.h"

/* Threads of the synthetic scan at most: enough to exercise the lists, bounded in time. */
#define MAX_SCAN_THREADS 64

static void check_message(const struct bs_error *err)
{
    FUZZ_CHECK(err->message[0] != '\0');
    for (const char *p = err->message; *p != '\0'; p++) {
        FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
    }
}

static void check_order(const struct bs_compare_list *list, bool by_to)
{
    for (size_t i = 1; i < list->count; i++) {
        const struct bs_compare_entry *a = &list->entries[i - 1];
        const struct bs_compare_entry *b = &list->entries[i];
        if (by_to) {
            FUZZ_CHECK(a->to >= b->to);
        } else if (list->entries[0].thread_index == SIZE_MAX || a->from != b->from) {
            FUZZ_CHECK(a->from >= b->from);
        }
    }
}

static void compare_with_scan(struct bs_old_report *old)
{
    size_t count = old->thread_count < MAX_SCAN_THREADS ? old->thread_count : MAX_SCAN_THREADS;
    struct bs_thread threads[MAX_SCAN_THREADS];
    memset(threads, 0, sizeof(threads));
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        if (i % 3 == 2) {
            continue; /* gone */
        }
        struct bs_thread *thread = &threads[used++];
        thread->chat_id = (int64_t)i + 1;
        thread->guid = old->threads[i].chat_guid;
        thread->name = old->threads[i].name;
        thread->kind = i % 4 == 0 ? BS_KIND_GROUP : BS_KIND_DIRECT;
        thread->risk = i % 2 == 0 ? old->threads[i].risk : (enum bs_risk)((i / 2) % 5);
        thread->counts[BS_TRANSPORT_SMS] = i % 5 == 4 ? 0 : 1; /* 0: gone too */
        thread->unencrypted_after_cutoff = i % 7;
    }
    struct bs_scan_result result;
    memset(&result, 0, sizeof(result));
    result.threads = threads;
    result.thread_count = used;

    /* The scan borrows OLD's strings: compare a copy of OLD's threads' risks only. */
    struct bs_old_report copy;
    memset(&copy, 0, sizeof(copy));
    for (size_t i = 0; i < old->thread_count; i++) {
        struct bs_error err = {BS_OK, ""};
        FUZZ_CHECK(bs_old_report_add(&copy, bs_strdup(old->threads[i].chat_guid),
                                     bs_strdup(old->threads[i].name), old->threads[i].risk,
                                     old->threads[i].last_message, &err) == BS_OK);
    }
    struct bs_date cutoff = bs_compare_cutoff(&copy);
    struct bs_compare compare;
    struct bs_error err = {BS_OK, ""};
    FUZZ_CHECK(bs_compare_build(&result, &copy, &compare, &err) == BS_OK);
    FUZZ_CHECK(copy.threads == NULL);
    FUZZ_CHECK(compare.old_latest.is_known == cutoff.is_known);
    for (size_t i = 0; i < compare.risk_up.count; i++) {
        FUZZ_CHECK(compare.risk_up.entries[i].to > compare.risk_up.entries[i].from);
    }
    for (size_t i = 0; i < compare.risk_down.count; i++) {
        FUZZ_CHECK(compare.risk_down.entries[i].to < compare.risk_down.entries[i].from);
    }
    uint64_t total = 0;
    for (size_t i = 0; i < compare.new_unencrypted.count; i++) {
        FUZZ_CHECK(compare.new_unencrypted.entries[i].messages > 0);
        FUZZ_CHECK(i == 0 || compare.new_unencrypted.entries[i - 1].messages >=
                                 compare.new_unencrypted.entries[i].messages);
        total += compare.new_unencrypted.entries[i].messages;
    }
    FUZZ_CHECK(total == compare.new_unencrypted_messages);
    FUZZ_CHECK(compare.new_critical_groups + compare.new_high_groups + compare.other_risk_up ==
               compare.risk_up.count);
    FUZZ_CHECK(compare.fixed + compare.lowered == compare.risk_down.count);
    check_order(&compare.risk_up, true);
    check_order(&compare.risk_down, false);
    check_order(&compare.gone, false);
    /* Gone: distinct guids of OLD, none of them matched by a thread with a message. */
    for (size_t i = 0; i < compare.gone.count; i++) {
        const char *guid = bs_compare_entry_guid(&compare, &result, &compare.gone.entries[i]);
        FUZZ_CHECK(guid[0] != '\0');
        for (size_t k = 0; k < used; k++) {
            FUZZ_CHECK(bs_thread_messages(&threads[k]) == 0 || strcmp(threads[k].guid, guid) != 0);
        }
        for (size_t k = 0; k < i; k++) {
            FUZZ_CHECK(strcmp(bs_compare_entry_guid(&compare, &result, &compare.gone.entries[k]),
                              guid) != 0);
        }
    }
    struct bs_strbuf sentence = {0};
    bs_compare_sentence(&compare, &result, &sentence);
    FUZZ_CHECK(sentence.failed ||
               strncmp(bs_strbuf_str(&sentence), "Since the last scan: ", 21) == 0);
    bs_strbuf_free(&sentence);
    FUZZ_CHECK(bs_redact_compare(&compare, &err) == BS_OK);
    for (size_t i = 0; i < compare.gone.count; i++) {
        FUZZ_CHECK(strncmp(bs_compare_entry_name(&compare, &result, &compare.gone.entries[i]),
                           "Gone thread ", 12) == 0);
    }
    bs_compare_clear(&compare);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bs_old_report old;
    struct bs_error err = {BS_OK, ""};
    enum bs_status status = bs_compare_read_bytes((const char *)data, size, &old, &err);
    FUZZ_CHECK(status == BS_OK || status == BS_ERR_FORMAT || status == BS_ERR_UNSUPPORTED ||
               status == BS_ERR_LIMIT || status == BS_ERR_NOMEM);
    if (status != BS_OK) {
        FUZZ_CHECK(old.threads == NULL && old.thread_count == 0);
        check_message(&err);
        return 0;
    }
    FUZZ_CHECK(old.format_version == 1 || old.format_version == 2);
    for (size_t i = 0; i < old.thread_count; i++) {
        FUZZ_CHECK(old.threads[i].chat_guid != NULL && old.threads[i].name != NULL);
        FUZZ_CHECK(old.threads[i].risk >= BS_RISK_NONE && old.threads[i].risk <= BS_RISK_CRITICAL);
    }
    compare_with_scan(&old);
    bs_old_report_clear(&old);
    return 0;
}
