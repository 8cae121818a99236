/* The report model of report_model.h: every count, order and sentence the writers render. */
#include "core/model/report_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/text.h"
#include "core/model/classify.h"
#include "core/model/signal_plan.h"
#include "core/model/timeline.h"

/* Threads in report order: risk desc, last_unencrypted desc (unknown last), chat_id asc. */
static int compare_threads(const struct bs_thread *x, const struct bs_thread *y)
{
    if (x->risk != y->risk) {
        return x->risk > y->risk ? -1 : 1;
    }
    struct bs_date dx = x->last_unencrypted;
    struct bs_date dy = y->last_unencrypted;
    if (dx.is_known != dy.is_known) {
        return dx.is_known ? -1 : 1;
    }
    if (dx.is_known && dx.unix_seconds != dy.unix_seconds) {
        return dx.unix_seconds > dy.unix_seconds ? -1 : 1;
    }
    return (x->chat_id > y->chat_id) - (x->chat_id < y->chat_id);
}

/* qsort has no context argument: the threads being ordered, for the comparators below. The
 * core is single-threaded (one scan per process). */
static const struct bs_thread *sorting_threads;

static int compare_thread_indexes(const void *a, const void *b)
{
    return compare_threads(&sorting_threads[*(const size_t *)a],
                           &sorting_threads[*(const size_t *)b]);
}

static int compare_thread_names(const void *a, const void *b)
{
    return bs_str_compare(sorting_threads[*(const size_t *)a].name,
                          sorting_threads[*(const size_t *)b].name);
}

static unsigned percent(uint64_t part, uint64_t whole)
{
    return whole == 0 ? 0 : (unsigned)((part * 100 + whole / 2) / whole);
}

static void count_messages(const struct bs_scan_result *result, struct bs_report_model *model)
{
    uint64_t total = result->counted_messages;
    model->encrypted_messages = result->counts[BS_TRANSPORT_IMESSAGE];
    model->unencrypted_messages =
        total >= model->encrypted_messages ? total - model->encrypted_messages : 0;
    model->encrypted_percent = percent(model->encrypted_messages, total);
    model->unencrypted_percent = percent(model->unencrypted_messages, total);
    for (int t = 0; t < BS_TRANSPORT_COUNT; t++) {
        model->transport_percent[t] = percent(result->counts[t], total);
    }
    for (size_t i = 0; i < result->thread_count; i++) {
        enum bs_risk risk = result->threads[i].risk;
        model->threads_by_risk[(unsigned)risk <= BS_RISK_CRITICAL ? risk : BS_RISK_NONE]++;
        model->covered_threads += bs_signal_plan_covers(&result->threads[i]) ? 1 : 0;
    }
    model->risky_threads = result->thread_count - model->threads_by_risk[BS_RISK_NONE];
}

static enum bs_status order_threads(const struct bs_scan_result *result,
                                    struct bs_report_model *model)
{
    model->thread_order = malloc((result->thread_count + 1) * sizeof(*model->thread_order));
    if (model->thread_order == NULL) {
        return BS_ERR_NOMEM;
    }
    for (size_t i = 0; i < result->thread_count; i++) {
        model->thread_order[i] = i;
    }
    sorting_threads = result->threads;
    qsort(model->thread_order, result->thread_count, sizeof(*model->thread_order),
          compare_thread_indexes);
    model->risky_count = model->risky_threads;
    return BS_OK;
}

static enum bs_status plan_signal(const struct bs_scan_result *result,
                                  struct bs_report_model *model)
{
    size_t n = result->signal_count;
    if (n == 0) {
        model->signal_empty_reason =
            model->covered_threads == 0
                ? "no group or direct conversation here runs unencrypted with a person in it."
                : "the people in the unencrypted conversations here are senders you never "
                  "answered, and nobody is asked to move for those.";
        return BS_OK;
    }
    model->headline_people = n < BS_SIGNAL_HEADLINE_PEOPLE ? n : BS_SIGNAL_HEADLINE_PEOPLE;
    model->headline_secures = result->signal_rows[model->headline_people - 1].secures;
    model->all_secures = result->signal_rows[n - 1].secures;
    model->signal_thread_names = calloc(n, sizeof(*model->signal_thread_names));
    if (model->signal_thread_names == NULL) {
        return BS_ERR_NOMEM;
    }
    model->signal_row_count = n; /* rows not filled yet are NULL: clear() frees those filled */
    sorting_threads = result->threads;
    for (size_t i = 0; i < n; i++) {
        const struct bs_signal_row *row = &result->signal_rows[i];
        size_t *names = malloc((row->thread_count + 1) * sizeof(*names));
        if (names == NULL) {
            return BS_ERR_NOMEM;
        }
        memcpy(names, row->thread_indexes, row->thread_count * sizeof(*names));
        qsort(names, row->thread_count, sizeof(*names), compare_thread_names);
        model->signal_thread_names[i] = names;
    }
    return BS_OK;
}

static struct bs_advice *add_advice(struct bs_report_model *model, enum bs_advice_code code,
                                    uint64_t count, const char *body, const char *action)
{
    struct bs_advice *advice = &model->advice[model->advice_count++];
    advice->code = code;
    advice->count = count;
    (void)snprintf(advice->body, sizeof(advice->body), "%s", body);
    advice->action = action;
    advice->names_risk = BS_RISK_NONE;
    return advice;
}

/* The advice's lead: its count as every count is written, then one or many ("1 group runs",
 * "2,000 groups run"). */
static void set_lead(struct bs_advice *advice, const char *one, const char *many)
{
    char count[BS_COUNT_TEXT_BYTES];
    (void)snprintf(advice->lead, sizeof(advice->lead), "%s %s",
                   bs_format_count(advice->count, count), advice->count == 1 ? one : many);
}

/* The advice about threads: one item per risk level found, or why there is none. */
static void thread_advice(struct bs_report_model *model)
{
    uint64_t critical = model->threads_by_risk[BS_RISK_CRITICAL];
    uint64_t high = model->threads_by_risk[BS_RISK_HIGH];
    uint64_t medium = model->threads_by_risk[BS_RISK_MEDIUM];
    uint64_t low = model->threads_by_risk[BS_RISK_LOW];
    struct bs_advice *advice = NULL;
    if (critical > 0) {
        bool one = critical == 1;
        advice = add_advice(model, BS_ADVICE_CRITICAL_GROUPS, critical,
                            one ? "looks encrypted to the iPhone users in it but goes over MMS"
                                : "look encrypted to the iPhone users in them but go over MMS",
                            one ? "move it to a Signal group as a whole, with everyone in it."
                                : "move each to a Signal group as a whole, with everyone in it.");
        set_lead(advice, "group", "groups");
        advice->names_risk = BS_RISK_CRITICAL;
    }
    if (high > 0) {
        advice = add_advice(model, BS_ADVICE_HIGH_GROUPS, high,
                            "over SMS/MMS or RCS, readable by carriers",
                            "start a Signal group with the same people.");
        set_lead(advice, "group runs", "groups run");
        advice->names_risk = BS_RISK_HIGH;
    }
    if (medium > 0) {
        bool one = medium == 1;
        advice = add_advice(model, BS_ADVICE_DIRECT_THREADS, medium, "unencrypted",
                            one ? "ask that person to install Signal and talk there."
                                : "ask those people to install Signal and talk there.");
        set_lead(advice, "direct conversation is", "direct conversations are");
    }
    if (low > 0) {
        advice = add_advice(model, BS_ADVICE_AUTOMATED_SENDERS, low,
                            "with automated senders (codes, banks) over SMS",
                            "nobody to move, but prefer an authenticator app to SMS codes.");
        set_lead(advice, "thread", "threads");
    }
    if (model->risky_threads > 0) {
        return;
    }
    if (model->unencrypted_messages == 0) {
        add_advice(model, BS_ADVICE_ALL_ENCRYPTED, 0, "No thread sent anything unencrypted",
                   "every counted message went over iMessage.");
        return;
    }
    /* No thread at risk, yet unencrypted messages: they are orphans, in no thread. */
    uint64_t orphans = model->unencrypted_messages;
    char count[BS_COUNT_TEXT_BYTES];
    bs_format_count(orphans, count);
    advice = add_advice(model, BS_ADVICE_ORPHANS_ONLY, orphans, "", NULL);
    (void)snprintf(advice->body, sizeof(advice->body),
                   "No thread is at risk, but %s unencrypted message%s to no thread.", count,
                   orphans == 1 ? " belongs" : "s belong");
}

/* RCS that Apple advertises as end-to-end encrypted (SPEC 3.4 rcs-e2ee-advertised): the
 * report says plainly why its messages still count as unencrypted. */
static void rcs_advice(const struct bs_scan_result *result, struct bs_report_model *model)
{
    uint64_t advertised = 0;
    for (size_t i = 0; i < result->thread_count; i++) {
        advertised += (result->threads[i].reasons & BS_REASON_RCS_E2EE_ADVERTISED) != 0;
    }
    if (advertised == 0) {
        return;
    }
    bool one = advertised == 1;
    struct bs_advice *advice = add_advice(
        model, BS_ADVICE_RCS_E2EE, advertised,
        one ? "advertises end-to-end encrypted RCS (iOS 26.5 and later), yet its RCS messages "
              "still count as unencrypted, since nothing in the database shows that a given "
              "message was encrypted"
            : "advertise end-to-end encrypted RCS (iOS 26.5 and later), yet their RCS messages "
              "still count as unencrypted, since nothing in the database shows that a given "
              "message was encrypted",
        "prefer Signal for anything sensitive in them.");
    set_lead(advice, "thread", "threads");
}

static bool has_finding(const struct bs_backup_facts *facts, enum bs_finding_code code)
{
    for (size_t i = 0; i < facts->finding_count; i++) {
        if (facts->findings[i].code == code) {
            return true;
        }
    }
    return false;
}

/* The advice about messages at rest, from what the backup showed (SPEC 3.6). */
static void at_rest_advice(const struct bs_backup_facts *facts, struct bs_report_model *model)
{
    if (facts == NULL || !facts->is_backup) {
        add_advice(model, BS_ADVICE_AT_REST, 0,
                   "Messages at rest: iCloud holds the keys to Messages in iCloud and iCloud "
                   "Backup unless Advanced Data Protection is on (Settings > [your name] > "
                   "iCloud > Advanced Data Protection); encrypt local backups too.",
                   NULL);
        return;
    }
    if (has_finding(facts, BS_FINDING_BACKUP_UNENCRYPTED)) {
        struct bs_advice *advice = add_advice(model, BS_ADVICE_ENCRYPT_BACKUP, 0, "", NULL);
        char apps[160];
        bs_app_advice_encrypt_clause(&facts->apps, apps, sizeof(apps));
        (void)snprintf(advice->body, sizeof(advice->body),
                       "This backup holds every message in plaintext: in Finder (or iTunes, or "
                       "idevicebackup2 encryption on) turn on \"Encrypt local backup\"%s, make a "
                       "new backup, then delete the unencrypted copies.",
                       apps);
    }
    if (bs_app_advice_has_whatsapp(&facts->apps)) {
        add_advice(model, BS_ADVICE_WHATSAPP_BACKUP, 0,
                   "WhatsApp's own iCloud chat backup is separate: turn on its end-to-end "
                   "encrypted backup (WhatsApp > Settings > Chats > Chat Backup).",
                   NULL);
    }
    if (has_finding(facts, BS_FINDING_MESSAGES_IN_ICLOUD) ||
        has_finding(facts, BS_FINDING_ICLOUD_BACKUP)) {
        add_advice(model, BS_ADVICE_ICLOUD_ADP, 0,
                   "Your messages are in iCloud (Messages in iCloud or iCloud Backup): turn on "
                   "Advanced Data Protection (Settings > [your name] > iCloud > Advanced Data "
                   "Protection) so that only your devices hold the keys, or turn those off.",
                   NULL);
    } else {
        add_advice(model, BS_ADVICE_CHECK_ADP, 0,
                   "A backup cannot show whether Advanced Data Protection is on: check "
                   "Settings > [your name] > iCloud > Advanced Data Protection before you turn "
                   "on Messages in iCloud or iCloud Backup.",
                   NULL);
    }
    if (facts->has_status_fact && !facts->is_complete) {
        add_advice(model, BS_ADVICE_BACKUP_INCOMPLETE, 0,
                   "The backup is incomplete: make a new one and scan it again to see every "
                   "message.",
                   NULL);
    }
}

static void list_notes(const struct bs_scan_result *result, struct bs_report_model *model)
{
    const struct bs_schema_notes *n = &result->notes;
    const struct {
        bool applies;
        const char *text;
    } all[BS_MAX_NOTES] = {
        {n->lacks_handle_table, "no handle table: people cannot be identified"},
        {n->lacks_chat_table, "no chat table: messages cannot be grouped into threads"},
        {n->lacks_chat_message_join && !n->lacks_chat_table,
         "no chat_message_join table: no message is linked to a thread"},
        {n->lacks_chat_handle_join && !n->lacks_chat_table,
         "no chat_handle_join table: members come from messages only"},
        {n->lacks_attachment_join, "no attachment data: MMS is recognised in groups only"},
        {n->lacks_service_column, "no message.service column: every message counts as other"},
        {n->lacks_date_column, "no message.date column: dates are unknown"},
        {n->lacks_item_type_column && n->lacks_service_column,
         "no message.item_type column: every row counts as a message"},
        {n->lacks_group_events && !n->lacks_chat_table,
         "no group events (group_action_type): the timeline cannot see who was added"},
    };
    for (size_t i = 0; i < BS_MAX_NOTES; i++) {
        if (all[i].applies) {
            model->notes[model->note_count++] = all[i].text;
        }
    }
}

enum bs_status bs_report_model_build(const struct bs_scan_result *result,
                                     const struct bs_backup_facts *facts,
                                     struct bs_report_model *model, struct bs_error *err)
{
    memset(model, 0, sizeof(*model));
    count_messages(result, model);
    enum bs_status status = order_threads(result, model);
    if (status == BS_OK) {
        status = plan_signal(result, model);
    }
    if (status != BS_OK) {
        /* signal_thread_names is freed per row: rows after the failure are NULL. */
        bs_report_model_clear(model);
        return bs_error_set(err, status, "out of memory building the report");
    }
    thread_advice(model);
    rcs_advice(result, model);
    at_rest_advice(facts, model);
    list_notes(result, model);
    if (facts != NULL && facts->is_backup) {
        model->is_backup_encrypted = facts->is_encrypted;
        model->has_backup_verdict =
            facts->is_encrypted || has_finding(facts, BS_FINDING_BACKUP_UNENCRYPTED);
        model->backup_encryption = !model->has_backup_verdict ? "encryption unknown"
                                   : facts->is_encrypted      ? "encrypted"
                                                              : "not encrypted";
    }
    return BS_OK;
}

void bs_report_model_clear(struct bs_report_model *model)
{
    if (model == NULL) {
        return;
    }
    free(model->thread_order);
    if (model->signal_thread_names != NULL) {
        for (size_t i = 0; i < model->signal_row_count; i++) {
            free(model->signal_thread_names[i]);
        }
        free(model->signal_thread_names);
    }
    memset(model, 0, sizeof(*model));
}

const char *bs_advice_code_name(enum bs_advice_code code)
{
    static const char *const names[BS_ADVICE_CODE_COUNT] = {
        "critical-groups", "high-groups",  "direct-threads",      "automated-senders",
        "all-encrypted",   "orphans-only", "rcs-e2ee-advertised", "encrypt-backup",
        "icloud-adp",      "check-adp",    "backup-incomplete",   "at-rest",
        "whatsapp-backup"};
    return (unsigned)code < BS_ADVICE_CODE_COUNT ? names[code] : "";
}

void bs_advice_sentence(const struct bs_advice *advice, char *out, size_t size)
{
    (void)snprintf(out, size, "%s%s%s%s%s", advice->lead, advice->lead[0] != '\0' ? " " : "",
                   advice->body, advice->action != NULL ? ": " : "",
                   advice->action != NULL ? advice->action : "");
}

/* The day of a date (YYYY-MM-DD) appended to out. */
static void append_day(struct bs_strbuf *out, struct bs_date date)
{
    char text[21];
    bs_date_format(date, text);
    bs_strbuf_append(out, text, text[0] != '\0' ? 10 : 0);
}

static void append_member(const struct bs_scan_result *result, const struct bs_member *member,
                          size_t max_bytes, struct bs_strbuf *out)
{
    struct bs_strbuf label = {0};
    bs_member_label(result, member, &label);
    bs_strbuf_append_clipped(out, bs_strbuf_str(&label), max_bytes);
    out->failed = out->failed || label.failed;
    bs_strbuf_free(&label);
}

void bs_report_exposure_story(const struct bs_scan_result *result, const struct bs_thread *thread,
                              struct bs_strbuf *out)
{
    const struct bs_thread_timeline *timeline = &thread->timeline;
    if (bs_thread_unencrypted(thread) == 0) {
        return;
    }
    struct bs_date since = bs_timeline_exposed_since(timeline);
    const struct bs_member *by = bs_thread_broken_by(thread);
    switch (timeline->cause) {
    case BS_CAUSE_NONE:
        bs_strbuf_append_str(out, "Its unencrypted messages have no date: the timeline cannot "
                                  "say since when.");
        break;
    case BS_CAUSE_MEMBER_ADDED:
        bs_strbuf_append_str(out, "Unencrypted since ");
        append_day(out, since);
        bs_strbuf_append_str(out, ", when ");
        if (by != NULL) {
            append_member(result, by, BS_STORY_NAME_BYTES, out);
        }
        bs_strbuf_append_str(out, by != NULL ? " was added" : "a member not on iMessage was added");
        break;
    case BS_CAUSE_SINCE_START:
        bs_strbuf_append_str(out, "Unencrypted since its first message, on ");
        append_day(out, since);
        if (by != NULL) {
            bs_strbuf_append_str(out, ": ");
            append_member(result, by, BS_STORY_NAME_BYTES, out);
            bs_strbuf_append_str(out, " is not on iMessage");
        }
        break;
    case BS_CAUSE_FALLBACK:
        bs_strbuf_append_str(out, "Unencrypted since ");
        append_day(out, since);
        bs_strbuf_append_str(out, ": fell back from iMessage after ");
        bs_strbuf_append_counted(out, timeline->encrypted_before, "encrypted message",
                                 "encrypted messages");
        if (by != NULL) {
            bs_strbuf_append_str(out, "; first unencrypted message from ");
            append_member(result, by, BS_STORY_NAME_BYTES, out);
        }
        break;
    }
    if (timeline->cause != BS_CAUSE_NONE) {
        bs_strbuf_append_str(out, bs_timeline_is_ongoing(timeline)
                                      ? "; still going on."
                                      : "; the latest message went over iMessage again.");
    }
    bool is_risky_group = thread->risk == BS_RISK_CRITICAL || thread->risk == BS_RISK_HIGH;
    if (is_risky_group && thread->apple.hybrid == BS_FLAG_TRUE) {
        bs_strbuf_append_str(out, " Messages itself marks this group as mixed-platform.");
    }
}

const char *bs_report_exposure_label(enum bs_exposure_cause cause)
{
    switch (cause) {
    case BS_CAUSE_NONE:
        break;
    case BS_CAUSE_MEMBER_ADDED:
        return "member added";
    case BS_CAUSE_SINCE_START:
        return "first message";
    case BS_CAUSE_FALLBACK:
        return "fell back";
    }
    return "";
}
