/*
 * Handle identifiers (SPEC 3.3): what an id is (phone, email, short code, alphanumeric
 * sender) and its normal form, so the same person's iMessage, SMS and RCS handles and their
 * contact-book numbers compare equal. The only file that includes pcre2.h: patterns are
 * compiled once from constants, with match and depth limits, and tolerate invalid UTF-8.
 */
#ifndef BS_CORE_IDS_H
#define BS_CORE_IDS_H

#include <stdbool.h>

#include "core/base/status.h"
#include "core/model/model.h"

struct bs_ids; /* opaque: compiled patterns */

/* Compiles the patterns. Caller owns *out; release with bs_ids_free. BS_ERR_NOMEM or
 * BS_ERR_INTERNAL (a pattern did not compile). */
enum bs_status bs_ids_create(struct bs_ids **out, struct bs_error *err);
void bs_ids_free(struct bs_ids *ids);

/* Kind of an id as stored. Ids longer than BS_MAX_ID_BYTES, or whose match hits a PCRE2
 * limit, are BS_ID_OTHER. */
enum bs_id_kind bs_ids_kind(const struct bs_ids *ids, const char *id);

/* Normal form of id: emails lower-cased; phones as '+' and digits, with the calling code of
 * country (an ISO code such as "us" or "GB"; NULL or unknown uses fallback_country) added when
 * the number has none; short codes as digits; sender ids lower-cased. Sets *kind. Caller
 * owns the result (free()); NULL when out of memory. */
char *bs_ids_normalize(const struct bs_ids *ids, const char *id, const char *country,
                       const char *fallback_country, enum bs_id_kind *kind);

/* The calling code ("1", "44") of an ISO 3166 alpha-2 country, case-insensitive; NULL when
 * unknown. Static string. */
const char *bs_ids_calling_code(const char *country);

/* True for the kinds that are not people (SPEC 3.3): short codes and sender ids. */
bool bs_ids_is_automated(enum bs_id_kind kind);

#endif
