/* Tests of core/model/app_findings: the messaging apps' domains, SPEC 3.6's database-name rule
 * (the one the scan runs), the per-app counts, sizes for a reader, the app-data-at-rest finding
 * texts and the advice they add. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "core/model/app_findings.h"
#include "core/model/findings.h"

static bool is_db(const char *path)
{
    return bs_app_is_database_name(path, strlen(path));
}

static void test_name_rule(void)
{
    static const struct {
        const char *path;
        bool is_database;
    } rows[] = {
        {"ChatStorage.sqlite", true},
        {"Library/Application Support/grdb/signal.sqlite", true},
        {"x.sqlite3", true},
        {"lightspeed-userDatabases/main.db", true},
        {"telegram-data/account-1/postbox/db/db_sqlite", true},
        {"db_sqlite", true},
        {".db", true},                     /* the name is only a suffix: still the rule */
        {"ChatStorage.sqlite-wal", false}, /* companions are not databases */
        {"ChatStorage.sqlite-shm", false},
        {"ChatStorage.sqlite.bak", false},
        {"old.sqlite3-journal", false},
        {"db_sqlite/readme.txt", false}, /* a folder named like one: the last part */
        {"x_db_sqlite", false},
        {"notes.SQLITE", false}, /* case-sensitive, as the device names them */
        {"Media/photo.jpg", false},
        {"", false},
        {"sqlite", false},
        {"a.db/", false},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        if (is_db(rows[i].path) != rows[i].is_database) {
            CHECK_STR_EQ(rows[i].path, rows[i].is_database ? "a database" : "not a database");
        }
    }
    /* An embedded NUL hides the real name: not a database. */
    CHECK(!bs_app_is_database_name("a.db\0x", 6));
    CHECK(bs_app_is_database_name("a.db\0x", 4));
    CHECK(!bs_app_is_database_name("evil\0/x.sqlite", 15)); /* a NUL anywhere in the path */
    CHECK(!bs_app_is_database_name(NULL, 0));
}

static void test_domains(void)
{
    enum bs_messaging_app app = BS_APP_COUNT;
    size_t seen[BS_APP_COUNT] = {0};
    for (size_t i = 0; i < BS_APP_DOMAIN_COUNT; i++) {
        const char *domain = bs_messaging_app_domain(i, &app);
        CHECK(domain != NULL);
        if (domain == NULL) {
            continue;
        }
        seen[app]++;
        enum bs_messaging_app back = BS_APP_COUNT;
        CHECK(bs_messaging_app_of_domain(domain, strlen(domain), &back));
        CHECK_INT_EQ(back, app);
        /* A prefix or a longer name is another domain. */
        CHECK(!bs_messaging_app_of_domain(domain, strlen(domain) - 1, &back));
    }
    for (size_t i = 0; i < BS_APP_COUNT; i++) {
        CHECK_INT_EQ(seen[i], 2);
    }
    CHECK(bs_messaging_app_domain(BS_APP_DOMAIN_COUNT, &app) == NULL);
    const char *whatsapp = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared";
    CHECK(bs_messaging_app_of_domain(whatsapp, strlen(whatsapp), &app));
    CHECK_INT_EQ(app, BS_APP_WHATSAPP);
    CHECK(!bs_messaging_app_of_domain("HomeDomain", 10, &app));
    CHECK(!bs_messaging_app_of_domain("appdomain-org.whispersystems.signal", 35, &app));
    CHECK(!bs_messaging_app_of_domain(NULL, 0, &app));
    CHECK_STR_EQ(bs_messaging_app_name(BS_APP_WHATSAPP_BUSINESS), "WhatsApp Business");
    CHECK_STR_EQ(bs_messaging_app_name(BS_APP_COUNT), "");
}

static void test_sizes(void)
{
    char text[BS_SIZE_TEXT_BYTES];
    CHECK_STR_EQ(bs_format_size(0, text), "0 bytes");
    CHECK_STR_EQ(bs_format_size(1, text), "1 byte");
    CHECK_STR_EQ(bs_format_size(1023, text), "1023 bytes");
    CHECK_STR_EQ(bs_format_size(1024, text), "1.0 KB");
    CHECK_STR_EQ(bs_format_size(8192, text), "8.0 KB");
    CHECK_STR_EQ(bs_format_size(1536, text), "1.5 KB");
    CHECK_STR_EQ(bs_format_size(1048575, text), "1024.0 KB");
    CHECK_STR_EQ(bs_format_size(397312, text), "388.0 KB");
    CHECK_STR_EQ(bs_format_size(1468006, text), "1.4 MB");
    CHECK_STR_EQ(bs_format_size(UINT64_MAX, text), "16777216.0 TB");
}

static void test_counts_and_findings(void)
{
    struct bs_backup_facts facts;
    memset(&facts, 0, sizeof(facts));
    facts.is_backup = true;
    struct bs_apps_at_rest *apps = &facts.apps;
    struct bs_error err = {BS_OK, ""};
    CHECK_INT_EQ(bs_apps_at_rest_add(apps, BS_APP_WHATSAPP, "b.sqlite", 8, 100, true, &err), BS_OK);
    CHECK_INT_EQ(bs_apps_at_rest_add(apps, BS_APP_WHATSAPP, "a.sqlite", 8, 100, true, &err), BS_OK);
    CHECK_INT_EQ(bs_apps_at_rest_add(apps, BS_APP_WHATSAPP, "c.sqlite", 8, 50, true, &err), BS_OK);
    CHECK_INT_EQ(bs_apps_at_rest_add(apps, BS_APP_WHATSAPP, "e.db", 4, 7, false, &err), BS_OK);
    CHECK_INT_EQ(bs_apps_at_rest_add(apps, BS_APP_SIGNAL, "s.sqlite", 8, 4096, false, &err), BS_OK);
    CHECK_INT_EQ(bs_apps_at_rest_add(apps, BS_APP_COUNT, "x.db", 4, 1, true, &err), BS_OK);
    const struct bs_app_at_rest *whatsapp = &apps->apps[BS_APP_WHATSAPP];
    CHECK_INT_EQ(whatsapp->plaintext_databases, 3);
    CHECK_INT_EQ(whatsapp->plaintext_bytes, 250);
    CHECK_STR_EQ(whatsapp->largest_plaintext, "a.sqlite"); /* a tie: first in byte order */
    CHECK_INT_EQ(whatsapp->app_encrypted_databases, 1);
    CHECK(bs_app_at_rest_is_found(&apps->apps[BS_APP_SIGNAL]));
    CHECK(apps->apps[BS_APP_SIGNAL].largest_plaintext == NULL);
    CHECK(!bs_app_at_rest_is_found(&apps->apps[BS_APP_TELEGRAM]));

    char clause[160];
    bs_app_advice_encrypt_clause(apps, clause, sizeof(clause));
    CHECK_STR_EQ(clause, " (this also protects WhatsApp's chats in it)");
    CHECK(bs_app_advice_has_whatsapp(apps));

    CHECK_INT_EQ(bs_app_findings_add(&facts, &err), BS_OK);
    CHECK_INT_EQ(facts.finding_count, 2);
    CHECK_INT_EQ(facts.findings[0].code, BS_FINDING_APP_DATA_AT_REST);
    CHECK_STR_EQ(facts.findings[0].text,
                 "WhatsApp keeps 3 plaintext SQLite databases in this backup (250 bytes in all; "
                 "the largest: a.sqlite), readable by anyone with this folder; 1 more is "
                 "encrypted by the app. Its own iCloud chat backup is separate: turn on its "
                 "end-to-end encrypted backup.");
    CHECK_STR_EQ(facts.findings[1].text,
                 "Signal keeps 1 database in this backup, encrypted by the app: not readable "
                 "from the backup alone.");
    CHECK_STR_EQ(bs_finding_code_name(facts.findings[1].code), "app-data-at-rest");
    bs_backup_facts_clear(&facts);

    /* Encrypted backup, several apps: who can read, and the clause names every app. */
    memset(&facts, 0, sizeof(facts));
    facts.is_backup = true;
    facts.is_encrypted = true;
    CHECK_INT_EQ(
        bs_apps_at_rest_add(&facts.apps, BS_APP_TELEGRAM, "db_sqlite", 9, 2048, true, &err), BS_OK);
    CHECK_INT_EQ(bs_apps_at_rest_add(&facts.apps, BS_APP_MESSENGER, "m.db", 4, 1, true, &err),
                 BS_OK);
    CHECK_INT_EQ(bs_apps_at_rest_add(&facts.apps, BS_APP_SIGNAL, "s.db", 4, 1, true, &err), BS_OK);
    CHECK_INT_EQ(bs_app_findings_add(&facts, &err), BS_OK);
    CHECK_INT_EQ(facts.finding_count, 3);
    CHECK_STR_EQ(facts.findings[1].text,
                 "Telegram keeps 1 plaintext SQLite database in this backup (2.0 KB; db_sqlite), "
                 "readable by whoever holds this backup and its password.");
    bs_app_advice_encrypt_clause(&facts.apps, clause, sizeof(clause));
    CHECK_STR_EQ(clause, " (this also protects the chats of Signal, Telegram and Messenger in it)");
    CHECK(!bs_app_advice_has_whatsapp(&facts.apps));
    bs_backup_facts_clear(&facts);
    bs_app_advice_encrypt_clause(&facts.apps, clause, sizeof(clause));
    CHECK_STR_EQ(clause, "");
    bs_apps_at_rest_clear(NULL);
}

int main(void)
{
    test_name_rule();
    test_domains();
    test_sizes();
    test_counts_and_findings();
    return check_report("app_findings");
}
