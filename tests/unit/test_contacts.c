/* Unit tests for core/contacts: the iPhone and Mac contact books of the fixtures, numbers typed
 * every way matching handles' normal forms, emails in any case, the default country, and books
 * with missing columns, odd values and over-long names. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "core/backup/contacts.h"
#include "core/base/limits.h"

#define FIXTURES BS_FIXTURE_DIR

static struct bs_contacts *read_book(const char *path, const char *country, enum bs_status want)
{
    struct bs_contacts *contacts = NULL;
    struct bs_error err = {BS_OK, ""};
    enum bs_status got = bs_contacts_read_file(path, country, NULL, &contacts, &err);
    if (got != want) {
        fprintf(stderr, "%s: %s (%s)\n", path, bs_status_name(got), err.message);
    }
    CHECK_INT_EQ(got, want);
    CHECK((contacts != NULL) == (got == BS_OK));
    return contacts;
}

struct lookup {
    const char *normalized_id;
    const char *name; /* NULL: nobody */
};

static const struct lookup demo_lookups[] = {
    {"+15555550181", "Mom"}, /* also "Home Landline" (a higher record id): Mom wins */
    {"+15555550182", "Dad"},   {"+15555550183", "Jess"},
    {"+15555550184", "Anna"},  {"ben@example.com", "Ben"},
    {"+15555550185", "Carla"}, {"+15555550186", "Dev"},
    {"+15555550187", "Eve"},   {"+15555550188", "Finn"},
    {"+15555550189", "Gabe"},  {"+15555550190", "Hana"},
    {"55501", "First Bank"},   {"+15555550199", NULL},
    {"Ben@Example.com", NULL}, /* lookups take normal forms only */
    {"5555550181", NULL},      {"", NULL},
};

static void check_lookups(const struct bs_contacts *contacts, const struct lookup *lookups,
                          size_t count)
{
    for (size_t i = 0; i < count; i++) {
        const char *got = bs_contacts_name_of(contacts, lookups[i].normalized_id);
        if (lookups[i].name == NULL) {
            if (got != NULL) {
                fprintf(stderr, "%s: got %s, want nobody\n", lookups[i].normalized_id, got);
            }
            CHECK(got == NULL);
        } else {
            CHECK_STR_EQ(got, lookups[i].name);
        }
    }
}

static void test_iphone_book(void)
{
    struct bs_contacts *contacts =
        read_book(FIXTURES "/contacts/AddressBook.sqlitedb", "us", BS_OK);
    if (contacts == NULL) {
        return;
    }
    CHECK_INT_EQ(bs_contacts_get_format(contacts), BS_CONTACTS_IOS);
    check_lookups(contacts, demo_lookups, sizeof(demo_lookups) / sizeof(demo_lookups[0]));
    CHECK_INT_EQ(bs_contacts_count(contacts), 13); /* 14 values, one duplicate number */
    /* Through the name source the analysis uses. */
    struct bs_name_source source = bs_contacts_name_source(contacts);
    CHECK_STR_EQ(source.name_of("+15555550190", source.context), "Hana");
    CHECK(source.name_of("+15555550100", source.context) == NULL);
    bs_contacts_free(contacts);
}

static void test_mac_book(void)
{
    struct bs_contacts *contacts =
        read_book(FIXTURES "/contacts/AddressBook-v22.abcddb", NULL, BS_OK);
    if (contacts == NULL) {
        return;
    }
    CHECK_INT_EQ(bs_contacts_get_format(contacts), BS_CONTACTS_MAC);
    check_lookups(contacts, demo_lookups, sizeof(demo_lookups) / sizeof(demo_lookups[0]));
    bs_contacts_free(contacts);
}

/* Numbers without a country code take the scan's default country, as handles do. */
static void test_default_country(void)
{
    struct bs_contacts *contacts =
        read_book(FIXTURES "/contacts/AddressBook.sqlitedb", "gb", BS_OK);
    if (contacts == NULL) {
        return;
    }
    static const struct lookup lookups[] = {
        {"+445555550181", "Mom"},   /* "(555) 555-0181" read as a British number */
        {"+15555550182", "Dad"},    /* "+1 555-555-0182" has its own code */
        {"+15555550184", "Anna"},   /* "+15555550184" */
        {"+15555550181", NULL},     /* no longer a US number */
        {"ben@example.com", "Ben"}, /* emails have no country */
    };
    check_lookups(contacts, lookups, sizeof(lookups) / sizeof(lookups[0]));
    bs_contacts_free(contacts);
}

static void test_not_a_book(void)
{
    bs_contacts_free(read_book(FIXTURES "/demo/chat.db", "us", BS_ERR_FORMAT));
    bs_contacts_free(read_book(FIXTURES "/contacts/nothing-here.sqlitedb", "us", BS_ERR_NOT_FOUND));
    bs_contacts_free(read_book(FIXTURES "/backup_demo/Manifest.plist", "us", BS_ERR_FORMAT));
}

/* A book made here: no Organization column, names with blanks, NULLs and blobs, numbers of a
 * record that does not exist or stored as an integer, and an over-long name. */
static void test_odd_book(void)
{
    char path[] = "/tmp/bs-contacts-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        CHECK(false);
        return;
    }
    close(fd);
    char long_name[BS_MAX_STRING_BYTES + 500];
    memset(long_name, 'n', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    char sql[BS_MAX_STRING_BYTES + 2048];
    (void)snprintf(
        sql, sizeof(sql),
        "CREATE TABLE ABPerson (ROWID INTEGER PRIMARY KEY, First TEXT, Last TEXT);"
        "CREATE TABLE ABMultiValue (record_id INTEGER, property INTEGER, value);"
        "INSERT INTO ABPerson VALUES (1, '  Zoe ', ' Quinn  '), (2, NULL, 'Solo'),"
        "  (3, NULL, NULL), (4, '%s', NULL), (5, X'4A6F', NULL), (6, '', '   ');"
        "INSERT INTO ABMultiValue VALUES (1, 3, '+1 555 555 0171'), (2, 3, '5555550172'),"
        "  (3, 3, '5555550173'), (4, 3, '5555550174'), (5, 4, X'6A6F406578616D706C652E636F6D'),"
        "  (6, 3, '5555550176'), (99, 3, '5555550199'), (1, 3, 5555550177),"
        "  (1, 3, NULL), (2, 4, 'not an address'), (2, 3, 'AMAZON');",
        long_name);
    sqlite3 *db = NULL;
    bool ok = sqlite3_open(path, &db) == SQLITE_OK &&
              sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    CHECK(ok);
    struct bs_contacts *contacts = read_book(path, "us", BS_OK);
    if (contacts != NULL) {
        static const struct lookup lookups[] = {
            {"+15555550171", "Zoe Quinn"}, /* trimmed, one space between */
            {"+15555550172", "Solo"},
            {"+15555550173", NULL},   /* a record without a name */
            {"+15555550176", NULL},   /* blanks only */
            {"jo@example.com", "Jo"}, /* blob bytes read as text */
            {"+15555550199", NULL},   /* no such record */
            {"+15555550177", NULL},   /* an integer, not a typed number */
            {"amazon", NULL},         /* not a number or address */
        };
        check_lookups(contacts, lookups, sizeof(lookups) / sizeof(lookups[0]));
        const char *bounded = bs_contacts_name_of(contacts, "+15555550174");
        CHECK(bounded != NULL && strlen(bounded) == BS_MAX_STRING_BYTES);
        bs_contacts_free(contacts);
    }
    unlink(path);
}

int main(void)
{
    test_iphone_book();
    test_mac_book();
    test_default_country();
    test_not_a_book();
    test_odd_book();
    return check_report("contacts");
}
