/* The contact books of contacts.h: people first, then their numbers and addresses, keyed. */
#include "core/backup/contacts.h"

#include <stdlib.h>
#include <string.h>

#include "core/base/limits.h"
#include "core/base/text.h"
#include "core/model/ids.h"
#include "core/store/queries.h"

struct contact_person {
    int64_t record_id;
    char *name; /* owned; NULL when the record has no name */
};

struct contact_key {
    char *normalized_id; /* owned */
    int64_t record_id;
    const char *name; /* borrowed from a person */
};

struct bs_contacts {
    enum bs_contacts_format format;
    struct contact_person *people; /* sorted by record_id */
    size_t person_count;
    size_t person_capacity;
    struct contact_key *keys; /* sorted by normalized_id, unique */
    size_t key_count;
    size_t key_capacity;
};

/* One contact-book format: the table and id column that recognise it, and its query of
 * people (schema/queries/contacts_*_people.sql: record id, first, last, organization). */
struct book_schema {
    const char *people_table;
    const char *record_id;
    const char *people_sql;
};

static const struct book_schema ios_schema = {"ABPerson", "ROWID", bs_sql_contacts_ios_people};
static const struct book_schema mac_schema = {"ZABCDRECORD", "Z_PK", bs_sql_contacts_mac_people};

static void trim(struct bs_strbuf *text, const char *bytes, size_t length)
{
    while (length > 0 && (bytes[0] == ' ' || bytes[0] == '\t')) {
        bytes++;
        length--;
    }
    while (length > 0 && (bytes[length - 1] == ' ' || bytes[length - 1] == '\t')) {
        length--;
    }
    bs_strbuf_append(text, bytes, length);
}

/* "First Last", else the organization, into *out; *out is NULL when the record has neither. */
static enum bs_status display_name(struct bs_sqlite_query *query, char **out, struct bs_error *err)
{
    struct bs_strbuf name = {0};
    size_t length = 0;
    const char *first = bs_sqlite_query_text(query, 1, &length);
    if (first != NULL) {
        trim(&name, first, length);
    }
    const char *last = bs_sqlite_query_text(query, 2, &length);
    if (last != NULL) {
        struct bs_strbuf part = {0};
        trim(&part, last, length);
        if (part.length > 0 && name.length > 0) {
            bs_strbuf_append_str(&name, " ");
        }
        bs_strbuf_append(&name, bs_strbuf_str(&part), part.length);
        name.failed = name.failed || part.failed;
        bs_strbuf_free(&part);
    }
    const char *organization = bs_sqlite_query_text(query, 3, &length);
    if (name.length == 0 && organization != NULL) {
        trim(&name, organization, length);
    }
    *out = NULL;
    enum bs_status status = BS_OK;
    if (name.failed) {
        status = bs_error_set(err, BS_ERR_NOMEM, "out of memory reading contacts");
    } else if (name.length > 0) {
        /* Embedded NULs end the name and it is bounded like every string (text.h). */
        *out = bs_strndup_bounded(name.data, name.length);
        if (*out == NULL) {
            status = bs_error_set(err, BS_ERR_NOMEM, "out of memory reading contacts");
        }
    }
    bs_strbuf_free(&name);
    return status;
}

static int compare_people(const void *a, const void *b)
{
    int64_t x = ((const struct contact_person *)a)->record_id;
    int64_t y = ((const struct contact_person *)b)->record_id;
    return (x > y) - (x < y);
}

static enum bs_status read_people(struct bs_contacts *contacts, struct bs_sqlite_db *db,
                                  const struct book_schema *schema, struct bs_error *err)
{
    struct bs_sqlite_query *query = NULL;
    enum bs_status status =
        bs_sqlite_query_prepare_columns(db, schema->people_sql, schema->people_table, &query, err);
    while (status == BS_OK) {
        bool has_row = false;
        status = bs_sqlite_query_step(query, &has_row, err);
        if (status != BS_OK || !has_row) {
            break;
        }
        bool has_id = false;
        int64_t record_id = bs_sqlite_query_int(query, 0, &has_id);
        char *name = NULL;
        status = has_id ? display_name(query, &name, err) : BS_OK;
        if (status != BS_OK || name == NULL) {
            continue; /* an error ends the loop; a record without a name shows nothing */
        }
        void *items = contacts->people;
        status = bs_array_reserve(&items, &contacts->person_capacity, contacts->person_count + 1,
                                  sizeof(struct contact_person), BS_MAX_CONTACT_VALUES);
        if (status != BS_OK) {
            free(name);
            status = bs_error_set(err, status, "%s",
                                  status == BS_ERR_LIMIT ? "too many contacts" : "out of memory");
            break;
        }
        contacts->people = items;
        contacts->people[contacts->person_count].record_id = record_id;
        contacts->people[contacts->person_count].name = name;
        contacts->person_count++;
    }
    bs_sqlite_query_free(query);
    if (status == BS_OK && contacts->person_count > 1) {
        qsort(contacts->people, contacts->person_count, sizeof(struct contact_person),
              compare_people);
    }
    return status;
}

static const struct contact_person *find_person(const struct bs_contacts *contacts,
                                                int64_t record_id)
{
    struct contact_person key = {record_id, NULL};
    return contacts->person_count == 0 ? NULL
                                       : bsearch(&key, contacts->people, contacts->person_count,
                                                 sizeof(key), compare_people);
}

struct value_reader {
    struct bs_contacts *contacts;
    const struct bs_ids *ids;
    const char *default_country;
};

/* One number or address of record_id, keyed by its normal form when it names someone. */
static enum bs_status add_value(const struct value_reader *reader, int64_t record_id,
                                const char *bytes, size_t length, struct bs_error *err)
{
    struct bs_contacts *contacts = reader->contacts;
    const struct contact_person *person = find_person(contacts, record_id);
    if (person == NULL || bytes == NULL || length == 0) {
        return BS_OK;
    }
    char *value = bs_strndup_bounded(bytes, length);
    enum bs_id_kind kind = BS_ID_OTHER;
    char *normal = value == NULL
                       ? NULL
                       : bs_ids_normalize(reader->ids, value, NULL, reader->default_country, &kind);
    free(value);
    if (normal == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory reading contacts");
    }
    if (kind != BS_ID_PHONE && kind != BS_ID_EMAIL && kind != BS_ID_SHORT_CODE) {
        free(normal);
        return BS_OK;
    }
    void *items = contacts->keys;
    enum bs_status status =
        bs_array_reserve(&items, &contacts->key_capacity, contacts->key_count + 1,
                         sizeof(struct contact_key), BS_MAX_CONTACT_VALUES);
    if (status != BS_OK) {
        free(normal);
        return bs_error_set(err, status, "%s",
                            status == BS_ERR_LIMIT ? "too many contact numbers and addresses"
                                                   : "out of memory");
    }
    contacts->keys = items;
    struct contact_key *key = &contacts->keys[contacts->key_count++];
    key->normalized_id = normal;
    key->record_id = record_id;
    key->name = person->name;
    return BS_OK;
}

/* Runs sql (owner id, value) and adds every row. */
static enum bs_status read_values(const struct value_reader *reader, struct bs_sqlite_db *db,
                                  const char *sql, struct bs_error *err)
{
    struct bs_sqlite_query *query = NULL;
    enum bs_status status = bs_sqlite_query_prepare(db, sql, &query, err);
    while (status == BS_OK) {
        bool has_row = false;
        status = bs_sqlite_query_step(query, &has_row, err);
        if (status != BS_OK || !has_row) {
            break;
        }
        bool has_id = false;
        int64_t record_id = bs_sqlite_query_int(query, 0, &has_id);
        size_t length = 0;
        const char *value = bs_sqlite_query_text(query, 1, &length);
        if (has_id) {
            status = add_value(reader, record_id, value, length, err);
        }
    }
    bs_sqlite_query_free(query);
    return status;
}

static bool has_columns(struct bs_sqlite_db *db, const char *table, const char *a, const char *b)
{
    return bs_sqlite_db_has_table(db, table) && bs_sqlite_db_has_column(db, table, a) &&
           bs_sqlite_db_has_column(db, table, b);
}

static enum bs_status read_ios_values(const struct value_reader *reader, struct bs_sqlite_db *db,
                                      struct bs_error *err)
{
    if (!has_columns(db, "ABMultiValue", "record_id", "value") ||
        !bs_sqlite_db_has_column(db, "ABMultiValue", "property")) {
        return BS_OK; /* names without numbers: nothing to match */
    }
    return read_values(reader, db, bs_sql_contacts_ios_values, err);
}

static enum bs_status read_mac_values(const struct value_reader *reader, struct bs_sqlite_db *db,
                                      struct bs_error *err)
{
    enum bs_status status = BS_OK;
    if (has_columns(db, "ZABCDPHONENUMBER", "ZOWNER", "ZFULLNUMBER")) {
        status = read_values(reader, db, bs_sql_contacts_mac_phones, err);
    }
    if (status == BS_OK && has_columns(db, "ZABCDEMAILADDRESS", "ZOWNER", "ZADDRESS")) {
        status = read_values(reader, db, bs_sql_contacts_mac_emails, err);
    }
    return status;
}

static int compare_keys(const void *a, const void *b)
{
    const struct contact_key *x = a;
    const struct contact_key *y = b;
    int order = strcmp(x->normalized_id, y->normalized_id);
    return order != 0 ? order : (x->record_id > y->record_id) - (x->record_id < y->record_id);
}

/* Sorts the keys and keeps, for each normal form, the contact with the lowest record id. */
static void index_keys(struct bs_contacts *contacts)
{
    if (contacts->key_count < 2) {
        return;
    }
    qsort(contacts->keys, contacts->key_count, sizeof(struct contact_key), compare_keys);
    size_t unique = 1;
    for (size_t i = 1; i < contacts->key_count; i++) {
        struct contact_key *key = &contacts->keys[i];
        if (strcmp(contacts->keys[unique - 1].normalized_id, key->normalized_id) == 0) {
            free(key->normalized_id);
        } else {
            contacts->keys[unique++] = *key;
        }
    }
    contacts->key_count = unique;
}

enum bs_status bs_contacts_read(struct bs_sqlite_db *db, const char *default_country,
                                struct bs_contacts **out, struct bs_error *err)
{
    struct bs_ids *ids = NULL;
    struct bs_contacts *contacts = calloc(1, sizeof(*contacts));
    enum bs_status status = contacts == NULL ? bs_error_set(err, BS_ERR_NOMEM, "out of memory")
                                             : bs_ids_create(&ids, err);
    if (status != BS_OK || contacts == NULL) {
        goto done;
    }
    struct value_reader reader = {contacts, ids, default_country != NULL ? default_country : "us"};
    if (bs_sqlite_db_has_table(db, ios_schema.people_table) &&
        bs_sqlite_db_has_column(db, ios_schema.people_table, ios_schema.record_id)) {
        contacts->format = BS_CONTACTS_IOS;
        status = read_people(contacts, db, &ios_schema, err);
        if (status == BS_OK) {
            status = read_ios_values(&reader, db, err);
        }
    } else if (bs_sqlite_db_has_table(db, mac_schema.people_table) &&
               bs_sqlite_db_has_column(db, mac_schema.people_table, mac_schema.record_id)) {
        contacts->format = BS_CONTACTS_MAC;
        status = read_people(contacts, db, &mac_schema, err);
        if (status == BS_OK) {
            status = read_mac_values(&reader, db, err);
        }
    } else {
        status = bs_error_set(err, BS_ERR_FORMAT,
                              "not a contact book: give an iPhone AddressBook.sqlitedb (with "
                              "an ABPerson table) or a Mac AddressBook-v22.abcddb (with a "
                              "ZABCDRECORD table)");
    }
    if (status == BS_OK) {
        index_keys(contacts);
    }
done:
    bs_ids_free(ids);
    if (status != BS_OK) {
        bs_contacts_free(contacts);
        return status;
    }
    *out = contacts;
    return BS_OK;
}

enum bs_status bs_contacts_read_file(const char *path, const char *default_country,
                                     const struct bs_sqlite_open_options *open,
                                     struct bs_contacts **out, struct bs_error *err)
{
    struct bs_sqlite_db *db = NULL;
    enum bs_status status = bs_sqlite_db_open_file(path, NULL, open, &db, err);
    if (status == BS_OK) {
        status = bs_contacts_read(db, default_country, out, err);
    }
    bs_sqlite_db_close(db);
    return status;
}

void bs_contacts_free(struct bs_contacts *contacts)
{
    if (contacts == NULL) {
        return;
    }
    for (size_t i = 0; i < contacts->person_count; i++) {
        free(contacts->people[i].name);
    }
    for (size_t i = 0; i < contacts->key_count; i++) {
        free(contacts->keys[i].normalized_id);
    }
    free(contacts->people);
    free(contacts->keys);
    free(contacts);
}

enum bs_contacts_format bs_contacts_get_format(const struct bs_contacts *contacts)
{
    return contacts->format;
}

size_t bs_contacts_count(const struct bs_contacts *contacts)
{
    return contacts->key_count;
}

static int compare_key_to_id(const void *id, const void *key)
{
    return strcmp((const char *)id, ((const struct contact_key *)key)->normalized_id);
}

const char *bs_contacts_name_of(const struct bs_contacts *contacts, const char *normalized_id)
{
    if (contacts == NULL || normalized_id == NULL || contacts->key_count == 0) {
        return NULL;
    }
    const struct contact_key *key = bsearch(normalized_id, contacts->keys, contacts->key_count,
                                            sizeof(struct contact_key), compare_key_to_id);
    return key != NULL ? key->name : NULL;
}

static const char *name_of(const char *normalized_id, void *context)
{
    return bs_contacts_name_of(context, normalized_id);
}

struct bs_name_source bs_contacts_name_source(struct bs_contacts *contacts)
{
    struct bs_name_source source = {name_of, contacts};
    return source;
}
