/* Unit tests for core/backup_scan, through bs_scan_run on the built backup fixtures: what each
 * case is made to show ends up in the report (device facts, findings, warnings, names, the
 * registration evidence), and the unsafe and unsupported ones stop with the right status. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "core/scan/backup_scan.h"

#define FIXTURES BS_FIXTURE_DIR

static enum bs_status scan(const char *case_name, const struct bs_name_source *names,
                           struct bs_scan_report *report, char *message, size_t message_size)
{
    char path[512];
    (void)snprintf(path, sizeof(path), "%s/%s", FIXTURES, case_name);
    struct bs_scan_request request = {.source_path = path, .default_country = "us", .names = names};
    struct bs_error err = {BS_OK, ""};
    memset(report, 0, sizeof(*report));
    enum bs_status status = bs_scan_run(&request, report, &err);
    if (message != NULL) {
        (void)snprintf(message, message_size, "%s", err.message);
    }
    return status;
}

static void codes_of(const struct bs_backup_facts *facts, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < facts->finding_count; i++) {
        size_t used = strlen(out);
        (void)snprintf(out + used, size - used, "%s%s%s", used > 0 ? " " : "",
                       bs_finding_code_name(facts->findings[i].code),
                       facts->findings[i].is_indirect ? "?" : "");
    }
}

/* The person who owns a handle id, or SIZE_MAX. */
static size_t person_of(const struct bs_scan_result *result, const char *id)
{
    for (size_t i = 0; i < result->handle_count; i++) {
        if (strcmp(result->handles[i].id, id) == 0) {
            return result->handles[i].person_index;
        }
    }
    return SIZE_MAX;
}

static void test_cases(void)
{
    static const struct {
        const char *name;
        const char *codes; /* "?" marks an indirect finding */
        size_t warnings;
        bool is_complete;
    } cases[] = {
        {"backup_demo",
         "backup-unencrypted icloud-backup adp-unknown app-data-at-rest app-data-at-rest", 0, true},
        {"backup_apps",
         "backup-unencrypted adp-unknown app-data-at-rest app-data-at-rest app-data-at-rest "
         "app-data-at-rest",
         9, true},
        {"backup_apps_legacy", "backup-unencrypted adp-unknown app-data-at-rest app-data-at-rest",
         2, true},
        {"backup_complete", "backup-unencrypted adp-unknown", 0, true},
        {"backup_icloud", "backup-unencrypted messages-in-icloud icloud-backup? adp-unknown", 0,
         false},
        {"backup_no_manifest_plist", "backup-unencrypted messages-in-icloud? adp-unknown", 0,
         false},
        {"backup_incomplete", "backup-unencrypted adp-unknown", 1, false},
        {"backup_orphans", "backup-unencrypted icloud-backup? adp-unknown", 3, true},
        {"backup_hostile_fileid", "backup-unencrypted adp-unknown", 4, true},
        {"backup_legacy", "backup-unencrypted adp-unknown", 2, true},
        {"backup_wal", "backup-unencrypted adp-unknown", 0, true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct bs_scan_report report;
        char message[512];
        enum bs_status status = scan(cases[i].name, NULL, &report, message, sizeof(message));
        if (status != BS_OK) {
            fprintf(stderr, "%s: %s\n", cases[i].name, message);
        }
        CHECK_INT_EQ(status, BS_OK);
        CHECK_INT_EQ(report.source_kind, BS_SOURCE_BACKUP);
        CHECK(report.backup.is_backup);
        char codes[256];
        codes_of(&report.backup, codes, sizeof(codes));
        CHECK_STR_EQ(codes, cases[i].codes);
        CHECK_INT_EQ(report.backup.warning_count, cases[i].warnings);
        CHECK_INT_EQ(report.backup.is_complete, cases[i].is_complete);
        CHECK(!report.backup.is_encrypted);
        CHECK(report.result.counted_messages > 0);
        bs_scan_report_clear(&report);
    }
}

static void test_demo_details(void)
{
    struct bs_scan_report report;
    if (scan("backup_demo", NULL, &report, NULL, 0) != BS_OK) {
        CHECK(false);
        return;
    }
    const struct bs_device_facts *device = &report.backup.device;
    CHECK_STR_EQ(device->device_name, "Alex's iPhone");
    CHECK_STR_EQ(device->product_type, "iPhone15,4");
    CHECK_STR_EQ(device->phone_number, "+1 (555) 555-0100");
    CHECK(device->has_passcode_fact && device->was_passcode_set);
    CHECK(!report.backup.is_legacy_layout);
    /* Names from the backup's AddressBook, matched through every number format. */
    size_t mom = person_of(&report.result, "+15555550181");
    size_t ben = person_of(&report.result, "ben@example.com");
    size_t bank = person_of(&report.result, "55501");
    CHECK(mom != SIZE_MAX && ben != SIZE_MAX && bank != SIZE_MAX);
    if (mom != SIZE_MAX && ben != SIZE_MAX && bank != SIZE_MAX) {
        CHECK_STR_EQ(bs_person_name(&report.result, mom), "Mom");
        CHECK_STR_EQ(bs_person_name(&report.result, ben), "Ben");
        CHECK_STR_EQ(bs_person_name(&report.result, bank), "First Bank");
    }
    bs_scan_report_clear(&report);
}

static const char *fixed_name(const char *normalized_id, void *context)
{
    (void)context;
    return strcmp(normalized_id, "+15555550181") == 0 ? "Given name" : NULL;
}

/* Names given by the caller (--contacts) replace the backup's own book. */
static void test_given_names(void)
{
    struct bs_name_source names = {fixed_name, NULL};
    struct bs_scan_report report;
    if (scan("backup_demo", &names, &report, NULL, 0) != BS_OK) {
        CHECK(false);
        return;
    }
    size_t mom = person_of(&report.result, "+15555550181");
    size_t dad = person_of(&report.result, "+15555550182");
    CHECK(mom != SIZE_MAX && dad != SIZE_MAX);
    if (mom != SIZE_MAX && dad != SIZE_MAX) {
        CHECK_STR_EQ(bs_person_name(&report.result, mom), "Given name");
        CHECK_STR_EQ(bs_person_name(&report.result, dad), "+15555550182");
    }
    bs_scan_report_clear(&report);
}

/* The registration cache makes Pia reachable on iMessage: "Family" is no longer critical. */
static void test_registration_evidence(void)
{
    struct bs_scan_report report;
    if (scan("backup_icloud", NULL, &report, NULL, 0) != BS_OK) {
        CHECK(false);
        return;
    }
    size_t pia = person_of(&report.result, "+15555550133");
    CHECK(pia != SIZE_MAX);
    if (pia != SIZE_MAX) {
        CHECK_INT_EQ(report.result.persons[pia].reachability, BS_REACH_IMESSAGE);
    }
    size_t rex = person_of(&report.result, "+15555550135");
    CHECK(rex != SIZE_MAX && report.result.persons[rex].reachability == BS_REACH_SMS_ONLY);
    for (size_t i = 0; i < report.result.thread_count; i++) {
        CHECK(report.result.threads[i].risk != BS_RISK_CRITICAL);
    }
    CHECK(report.result.icloud_synced_messages > 0);
    bs_scan_report_clear(&report);
}

static void test_refused(void)
{
    static const struct {
        const char *name;
        enum bs_status want;
        const char *says;
    } cases[] = {
        {"backup_hostile_smsdb", BS_ERR_UNSAFE, "not 40 lower-case hex"},
        {"backup_symlink_smsdb", BS_ERR_UNSAFE, "symbolic link"},
        {"backup_encrypted", BS_ERR_FORMAT, "holds no BackupKeyBag"},
        {"backup_encrypted_demo", BS_ERR_PASSWORD, "no password was given"},
        {"backup_legacy_encrypted", BS_ERR_UNSUPPORTED, "encrypted"},
        {"demo", BS_ERR_UNSUPPORTED, "not an iPhone backup"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct bs_scan_report report;
        char message[512];
        CHECK_INT_EQ(scan(cases[i].name, NULL, &report, message, sizeof(message)), cases[i].want);
        CHECK(strstr(message, cases[i].says) != NULL);
        /* A failed scan leaves nothing behind in the report. */
        CHECK(!report.backup.is_backup && report.backup.finding_count == 0);
        CHECK(report.result.thread_count == 0);
        bs_scan_report_clear(&report);
    }
}

int main(void)
{
    test_cases();
    test_demo_details();
    test_given_names();
    test_registration_evidence();
    test_refused();
    return check_report("backup_scan");
}
