/*
 * Fuzz target: contact books (core/contacts), an iPhone AddressBook.sqlitedb or a Mac
 * AddressBook-v22.abcddb taken from a backup or given with --contacts.
 *
 * The input is SQL text that builds the contact book (seeds: each reference DDL with the
 * fixtures' contacts, joined at build time); its image is opened from memory and read with
 * bs_contacts_read. Checked: it fails only as documented; every name handed out is a
 * non-empty bounded string; looking up the normal forms of the numbers and addresses the
 * fixtures use, and ids taken from the input, never fails; the name source answers the same.
 */
#include <string.h>

#include "core/backup/contacts.h"
#include "core/base/limits.h"
#include "core/store/sqlite_db.h"
#include "fuzz.h"
#include "sql_image.h"

static const char *const lookups[] = {
    "+15555550101", "+15555550102", "+15555550103", "+447700900123", "alice@example.com", "", "x"};

static void check_name(const struct bs_contacts *contacts, struct bs_name_source *source,
                       const char *id)
{
    const char *name = bs_contacts_name_of(contacts, id);
    FUZZ_CHECK(name == NULL || (name[0] != '\0' && strlen(name) <= BS_MAX_STRING_BYTES));
    FUZZ_CHECK(source->name_of(id, source->context) == name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t image_size = 0;
    void *image = fuzz_sql_image(data, size, &image_size);
    if (image == NULL) {
        return 0;
    }
    struct bs_error err = {BS_OK, ""};
    struct bs_sqlite_db *db = NULL;
    enum bs_status status = bs_sqlite_db_open_memory(image, image_size, NULL, &db, &err);
    if (status != BS_OK) {
        FUZZ_CHECK(err.status == status && err.message[0] != '\0');
        return 0;
    }
    struct bs_contacts *contacts = NULL;
    status = bs_contacts_read(db, size % 2 == 0 ? "us" : "gb", &contacts, &err);
    if (status != BS_OK) {
        FUZZ_CHECK(contacts == NULL);
        FUZZ_CHECK(status == BS_ERR_FORMAT || status == BS_ERR_LIMIT || status == BS_ERR_NOMEM);
        FUZZ_CHECK(err.status == status && err.message[0] != '\0');
    } else {
        FUZZ_CHECK(contacts != NULL);
        FUZZ_CHECK(bs_contacts_get_format(contacts) == BS_CONTACTS_IOS ||
                   bs_contacts_get_format(contacts) == BS_CONTACTS_MAC);
        struct bs_name_source source = bs_contacts_name_source(contacts);
        for (size_t i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++) {
            check_name(contacts, &source, lookups[i]);
        }
        /* The first line of the input as an id. */
        char id[64];
        size_t length = 0;
        while (length < size && length + 1 < sizeof(id) && data[length] != '\n') {
            id[length] = (char)data[length];
            length++;
        }
        id[length] = '\0';
        check_name(contacts, &source, id);
    }
    bs_contacts_free(contacts);
    bs_sqlite_db_close(db);
    return 0;
}
