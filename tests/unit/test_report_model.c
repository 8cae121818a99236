/* Tests of core/model/report_model: table-driven over mixes of thread risks, orphans and
 * backup findings, each case stating the advice codes, sentences and counts every writer
 * renders. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/base/text.h"
#include "core/model/report_model.h"

struct model_case {
    const char *label;
    enum bs_risk risks[6]; /* the threads' risks, BS_RISK_NONE-terminated after count */
    size_t thread_count;
    uint64_t imessage, sms; /* whole-source counted messages */
    int backup;             /* 0 database, 1 unencrypted + iCloud, 2 encrypted incomplete */
    const char *advice[8];  /* expected codes, NULL-terminated */
    const char *first_sentence;
};

static const struct model_case cases[] = {
    {"all encrypted",
     {BS_RISK_NONE},
     1,
     5,
     0,
     0,
     {"all-encrypted", "at-rest", NULL},
     "No thread sent anything unencrypted: every counted message went over iMessage."},
    {"one orphan: the statement that once drifted",
     {BS_RISK_NONE},
     1,
     2,
     1,
     0,
     {"orphans-only", "at-rest", NULL},
     "No thread is at risk, but 1 unencrypted message belongs to no thread."},
    {"orphans, plural and thousands",
     {BS_RISK_NONE},
     1,
     2,
     1234,
     0,
     {"orphans-only", "at-rest", NULL},
     "No thread is at risk, but 1,234 unencrypted messages belong to no thread."},
    {"one of each risk",
     {BS_RISK_CRITICAL, BS_RISK_HIGH, BS_RISK_MEDIUM, BS_RISK_LOW, BS_RISK_NONE},
     5,
     3,
     9,
     0,
     {"critical-groups", "high-groups", "direct-threads", "automated-senders", "at-rest", NULL},
     "1 group looks encrypted to the iPhone users in it but goes over MMS: move it to a "
     "Signal group as a whole, with everyone in it."},
    {"two critical, plural",
     {BS_RISK_CRITICAL, BS_RISK_CRITICAL, BS_RISK_MEDIUM, BS_RISK_MEDIUM},
     4,
     3,
     9,
     1,
     {"critical-groups", "direct-threads", "encrypt-backup", "icloud-adp", NULL},
     "2 groups look encrypted to the iPhone users in them but go over MMS: move each to a "
     "Signal group as a whole, with everyone in it."},
    {"encrypted, incomplete backup",
     {BS_RISK_LOW, BS_RISK_LOW},
     2,
     0,
     4,
     2,
     {"automated-senders", "check-adp", "backup-incomplete", NULL},
     "2 threads with automated senders (codes, banks) over SMS: nobody to move, but prefer an "
     "authenticator app to SMS codes."},
};

static void build_result(const struct model_case *c, struct bs_scan_result *result)
{
    memset(result, 0, sizeof(*result));
    result->threads = calloc(c->thread_count, sizeof(*result->threads));
    result->thread_count = c->thread_count;
    for (size_t i = 0; i < c->thread_count; i++) {
        result->threads[i].chat_id = (int64_t)i + 1;
        result->threads[i].risk = c->risks[i];
        result->threads[i].name = bs_strdup(i % 2 == 0 ? "b" : "a");
        result->threads[i].last_unencrypted =
            (struct bs_date){(int64_t)(100 - i), c->risks[i] != BS_RISK_NONE};
    }
    result->counts[BS_TRANSPORT_IMESSAGE] = c->imessage;
    result->counts[BS_TRANSPORT_SMS] = c->sms;
    result->counted_messages = c->imessage + c->sms;
}

static void build_facts(int kind, struct bs_backup_facts *facts, struct bs_finding *findings)
{
    memset(facts, 0, sizeof(*facts));
    if (kind == 0) {
        return;
    }
    facts->is_backup = true;
    facts->findings = findings;
    if (kind == 1) {
        findings[0] = (struct bs_finding){BS_FINDING_BACKUP_UNENCRYPTED, NULL, false};
        findings[1] = (struct bs_finding){BS_FINDING_MESSAGES_IN_ICLOUD, NULL, false};
        facts->finding_count = 2;
    } else {
        facts->is_encrypted = true;
        findings[0] = (struct bs_finding){BS_FINDING_BACKUP_ENCRYPTED, NULL, false};
        facts->finding_count = 1;
        facts->has_status_fact = true;
        facts->is_complete = false;
    }
}

static void test_cases(void)
{
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        const struct model_case *c = &cases[k];
        struct bs_scan_result result;
        build_result(c, &result);
        struct bs_backup_facts facts;
        struct bs_finding findings[2];
        build_facts(c->backup, &facts, findings);
        struct bs_report_model model;
        struct bs_error err = {BS_OK, ""};
        CHECK_INT_EQ(bs_report_model_build(&result, &facts, &model, &err), BS_OK);
        size_t expected = 0;
        while (c->advice[expected] != NULL) {
            expected++;
        }
        CHECK_INT_EQ(model.advice_count, expected);
        for (size_t i = 0; i < expected && i < model.advice_count; i++) {
            CHECK_STR_EQ(bs_advice_code_name(model.advice[i].code), c->advice[i]);
        }
        char sentence[512];
        bs_advice_sentence(&model.advice[0], sentence, sizeof(sentence));
        CHECK_STR_EQ(sentence, c->first_sentence);
        if (strcmp(sentence, c->first_sentence) != 0) {
            fprintf(stderr, "  case: %s\n", c->label);
        }
        /* Counts add up and the order puts the risky first, most recent first. */
        uint64_t total = 0;
        for (int r = 0; r <= BS_RISK_CRITICAL; r++) {
            total += model.threads_by_risk[r];
        }
        CHECK_INT_EQ(total, c->thread_count);
        CHECK_INT_EQ(model.encrypted_messages + model.unencrypted_messages,
                     result.counted_messages);
        for (size_t i = 1; i < c->thread_count; i++) {
            CHECK(result.threads[model.thread_order[i - 1]].risk >=
                  result.threads[model.thread_order[i]].risk);
        }
        CHECK_STR_EQ(model.backup_encryption == NULL ? "(none)" : model.backup_encryption,
                     c->backup == 0   ? "(none)"
                     : c->backup == 1 ? "not encrypted"
                                      : "encrypted");
        CHECK(model.has_backup_verdict == (c->backup != 0));
        CHECK(model.is_backup_encrypted == (c->backup == 2));
        bs_report_model_clear(&model);
        bs_scan_result_clear(&result);
    }
}

/* Shares round, and a source with no message gives 0%, never a division by zero. */
static void test_percent(void)
{
    struct bs_scan_result result;
    memset(&result, 0, sizeof(result));
    result.counts[BS_TRANSPORT_IMESSAGE] = 2;
    result.counts[BS_TRANSPORT_SMS] = 1;
    result.counted_messages = 3;
    struct bs_report_model model;
    CHECK_INT_EQ(bs_report_model_build(&result, NULL, &model, NULL), BS_OK);
    CHECK_INT_EQ(model.encrypted_percent, 67);
    CHECK_INT_EQ(model.unencrypted_percent, 33);
    CHECK_INT_EQ(model.transport_percent[BS_TRANSPORT_SMS], 33);
    bs_report_model_clear(&model);
    memset(&result, 0, sizeof(result));
    CHECK_INT_EQ(bs_report_model_build(&result, NULL, &model, NULL), BS_OK);
    CHECK_INT_EQ(model.encrypted_percent, 0);
    CHECK_INT_EQ(model.advice[0].code, BS_ADVICE_ALL_ENCRYPTED);
    bs_report_model_clear(&model);
}

/* Each Signal row's threads come in byte order of their names. */
static void test_signal_names(void)
{
    struct bs_scan_result result;
    memset(&result, 0, sizeof(result));
    const char *names[] = {"Zed", "alpha", "Beta"};
    result.threads = calloc(3, sizeof(*result.threads));
    result.thread_count = 3;
    for (size_t i = 0; i < 3; i++) {
        result.threads[i].name = bs_strdup(names[i]);
        result.threads[i].risk = BS_RISK_MEDIUM;
    }
    result.signal_rows = calloc(1, sizeof(*result.signal_rows));
    result.signal_count = 1;
    result.signal_rows[0].thread_indexes = calloc(3, sizeof(size_t));
    result.signal_rows[0].thread_count = 3;
    for (size_t i = 0; i < 3; i++) {
        result.signal_rows[0].thread_indexes[i] = i;
    }
    result.signal_rows[0].secures = 3;
    struct bs_report_model model;
    CHECK_INT_EQ(bs_report_model_build(&result, NULL, &model, NULL), BS_OK);
    CHECK_STR_EQ(result.threads[model.signal_thread_names[0][0]].name, "Beta");
    CHECK_STR_EQ(result.threads[model.signal_thread_names[0][1]].name, "Zed");
    CHECK_STR_EQ(result.threads[model.signal_thread_names[0][2]].name, "alpha");
    CHECK_INT_EQ(model.covered_threads, 3);
    CHECK_INT_EQ(model.headline_people, 1);
    CHECK_INT_EQ(model.all_secures, 3);
    CHECK(model.signal_empty_reason == NULL);
    bs_report_model_clear(&model);
    bs_scan_result_clear(&result);
}

/* An empty Signal list says why: no risky thread with a person, or only senders the owner
 * never answered (the list leaves those out). */
static void test_signal_empty(void)
{
    static const struct {
        enum bs_risk risk;
        const char *reason_start;
    } rows[] = {
        {BS_RISK_LOW, "no group or direct conversation here runs unencrypted"},
        {BS_RISK_MEDIUM, "the people in the unencrypted conversations here are senders you "
                         "never answered"},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct bs_scan_result result;
        memset(&result, 0, sizeof(result));
        result.threads = calloc(1, sizeof(*result.threads));
        result.thread_count = 1;
        result.threads[0].name = bs_strdup("x");
        result.threads[0].risk = rows[i].risk;
        struct bs_report_model model;
        CHECK_INT_EQ(bs_report_model_build(&result, NULL, &model, NULL), BS_OK);
        CHECK(model.signal_empty_reason != NULL &&
              strncmp(model.signal_empty_reason, rows[i].reason_start,
                      strlen(rows[i].reason_start)) == 0);
        bs_report_model_clear(&model);
        bs_scan_result_clear(&result);
    }
}

int main(void)
{
    test_cases();
    test_signal_empty();
    test_percent();
    test_signal_names();
    return check_report("report_model");
}
