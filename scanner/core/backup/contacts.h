/*
 * Contact names (SPEC 3.3) from a contact book: an iPhone's AddressBook.sqlitedb (ABPerson
 * First/Last/Organization; ABMultiValue rows with property 3 = phone number, 4 = email) or a
 * Mac's AddressBook-v22.abcddb (ZABCDRECORD ZFIRSTNAME/ZLASTNAME/ZORGANIZATION;
 * ZABCDPHONENUMBER ZOWNER/ZFULLNUMBER; ZABCDEMAILADDRESS ZOWNER/ZADDRESS). Columns are found
 * by name; a missing name column leaves that part out.
 *
 * Every number and address is keyed by its normal form (ids.h) with the scan's default
 * country, exactly as handles are, so "(555) 123-4567" in the book names the handle
 * "+15551234567", and emails match whatever their case. When two
 * contacts share a number, the one with the lower record id names it. A contact book is
 * evidence like the Messages database: it is opened read-only through sqlite_db.
 */
#ifndef BS_CORE_CONTACTS_H
#define BS_CORE_CONTACTS_H

#include <stddef.h>

#include "core/base/status.h"
#include "core/model/analysis.h"
#include "core/store/sqlite_db.h"

struct bs_contacts; /* opaque: names keyed by normal form */

enum bs_contacts_format {
    BS_CONTACTS_IOS = 0, /* AddressBook.sqlitedb */
    BS_CONTACTS_MAC      /* AddressBook-v22.abcddb */
};

/* Reads every named contact of an open contact-book database. default_country is the ISO
 * code used for numbers without a country code (NULL: "us"). Caller owns *out; release with
 * bs_contacts_free. BS_ERR_FORMAT when db is neither kind of contact book (no ABPerson or
 * ZABCDRECORD table) or is corrupt; BS_ERR_LIMIT above BS_MAX_CONTACT_VALUES; BS_ERR_NOMEM;
 * BS_ERR_INTERRUPTED. */
enum bs_status bs_contacts_read(struct bs_sqlite_db *db, const char *default_country,
                                struct bs_contacts **out, struct bs_error *err);

/* Opens the contact book at path read-only (sqlite_db.h; a -wal beside it is applied on a
 * private copy that is removed before this returns) and reads it as above. Also
 * BS_ERR_NOT_FOUND and BS_ERR_IO from opening. */
enum bs_status bs_contacts_read_file(const char *path, const char *default_country,
                                     const struct bs_sqlite_open_options *open,
                                     struct bs_contacts **out, struct bs_error *err);

void bs_contacts_free(struct bs_contacts *contacts);

enum bs_contacts_format bs_contacts_get_format(const struct bs_contacts *contacts);

/* How many numbers and addresses name someone. */
size_t bs_contacts_count(const struct bs_contacts *contacts);

/* The name for a normal form (ids.h), or NULL. Borrowed from contacts. */
const char *bs_contacts_name_of(const struct bs_contacts *contacts, const char *normalized_id);

/* A name source for bs_analysis_run that looks names up in contacts (borrowed: contacts must
 * outlive its use). */
struct bs_name_source bs_contacts_name_source(struct bs_contacts *contacts);

#endif
