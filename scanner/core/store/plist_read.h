/*
 * Property lists: the libplist 2.2 adapter (plist_read.c is the only scanner file that uses it).
 *
 * bs_plist_parse checks untrusted bytes against core/limits.h before libplist sees them (size,
 * nesting depth, object count, binary offsets and cycles; libplist 2.2 recurses without a depth
 * limit and crashes on hostile input), lets libplist parse binary ("bplist00") or XML plists,
 * copies the result into our own read-only value tree and frees libplist's tree at once. No
 * libplist type appears here.
 *
 * Reading: every getter checks the value's type and returns false (leaving its out-param alone)
 * when the value is NULL or of another type, so lookups chain without checks in between:
 *     bool forced = false;
 *     if (bs_plist_get_bool(bs_plist_dict_get(bs_plist_root(p), "shouldForceToSMS"), &forced))
 * Values, strings and bytes handed out are borrowed: valid until bs_plist_free of their plist.
 *
 * NSKeyedArchiver archives (Manifest.db `file` blobs, attributedBody) are plists whose objects
 * refer to each other by UID; the bs_plist_keyed_archive_* helpers resolve those references
 * against "$objects" with bounds checks.
 */
#ifndef BS_CORE_PLIST_READ_H
#define BS_CORE_PLIST_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/status.h"

enum bs_plist_type {
    BS_PLIST_DICT,
    BS_PLIST_ARRAY,
    BS_PLIST_STRING,
    BS_PLIST_INTEGER,
    BS_PLIST_REAL,
    BS_PLIST_BOOLEAN,
    BS_PLIST_DATE,
    BS_PLIST_DATA,
    BS_PLIST_UID, /* NSKeyedArchiver object reference (binary plists) */
    BS_PLIST_NULL /* reserved: libplist 2.2 rejects plists holding a null object */
};

struct bs_plist;       /* a parsed plist: owns every value below its root */
struct bs_plist_value; /* one node of a parsed plist */

/* Parses a binary or XML plist of size bytes. Fails with BS_ERR_LIMIT when the input is larger
 * than BS_MAX_PLIST_BYTES, nests deeper than BS_MAX_PLIST_DEPTH or expands to more than
 * BS_MAX_PLIST_NODES values or BS_MAX_PLIST_EXPANDED_BYTES of strings and data; BS_ERR_FORMAT
 * when it is malformed (bad offsets, a cycle, libplist refuses it); BS_ERR_UNSUPPORTED for
 * binary plist versions other than 00; BS_ERR_NOMEM. Strings longer than BS_MAX_STRING_BYTES
 * are truncated (text.h rules); data is copied whole. bytes is only read and may be freed after
 * the call. On success *out is owned by the caller: release with bs_plist_free. */
enum bs_status bs_plist_parse(const void *bytes, size_t size, struct bs_plist **out,
                              struct bs_error *err);

/* Frees a plist and every value, string and byte buffer borrowed from it. Accepts NULL. */
void bs_plist_free(struct bs_plist *plist);

/* The top-level value (any type). Borrowed. NULL only when plist is NULL. */
const struct bs_plist_value *bs_plist_root(const struct bs_plist *plist);

/* True when value is not NULL and of the given type. */
bool bs_plist_is_type(const struct bs_plist_value *value, enum bs_plist_type type);

/* The type of a value; BS_PLIST_NULL when value is NULL (an absent key). */
enum bs_plist_type bs_plist_value_type(const struct bs_plist_value *value);

/* A short lower-case name ("dict", "integer", ...) for messages. Static string. */
const char *bs_plist_type_name(enum bs_plist_type type);

/* Typed getters. Each returns false and leaves *out unchanged when value is NULL or not of the
 * named type. */
bool bs_plist_get_bool(const struct bs_plist_value *value, bool *out);
/* Integers as signed 64-bit. False also for an integer stored as unsigned and >= 2^63, which
 * has no int64 value (binary plists store those in 16 bytes): read it with _get_uint. Negative
 * numbers (UserID -2) come back negative. */
bool bs_plist_get_int(const struct bs_plist_value *value, int64_t *out);
/* Integers >= 0, including unsigned ones >= 2^63. False for negative integers. */
bool bs_plist_get_uint(const struct bs_plist_value *value, uint64_t *out);
/* Reals only; an integer is not converted. */
bool bs_plist_get_real(const struct bs_plist_value *value, double *out);
/* Dates as seconds since 2001-01-01 00:00:00 UTC (Apple's reference date; add 978307200 for
 * Unix time): the double the plist stores, as it is, so any value (a year past 1e9, a NaN)
 * can come back: callers check the range they accept. */
bool bs_plist_get_date(const struct bs_plist_value *value, double *seconds_since_2001);
/* A NUL-terminated UTF-8 string. Borrowed. */
bool bs_plist_get_string(const struct bs_plist_value *value, const char **out);
/* Bytes of a data value. *bytes is borrowed and never NULL (even when *size is 0). */
bool bs_plist_get_data(const struct bs_plist_value *value, const uint8_t **bytes, size_t *size);
/* A binary-plist UID value (only BS_PLIST_UID; see bs_plist_keyed_archive_uid for the XML
 * form). */
bool bs_plist_get_uid(const struct bs_plist_value *value, uint64_t *out);

/* The value stored under key, or NULL when value is NULL, not a dict, or has no such key (the
 * first match when a key repeats). Keys compare as exact bytes. Borrowed. */
const struct bs_plist_value *bs_plist_dict_get(const struct bs_plist_value *value, const char *key);
/* Number of entries, 0 when value is not a dict. */
size_t bs_plist_dict_count(const struct bs_plist_value *value);
/* The key / value of entry index in file order; NULL when value is not a dict or index is out
 * of range. Borrowed. */
const char *bs_plist_dict_key_at(const struct bs_plist_value *value, size_t index);
const struct bs_plist_value *bs_plist_dict_value_at(const struct bs_plist_value *value,
                                                    size_t index);

/* Number of elements, 0 when value is not an array. */
size_t bs_plist_array_count(const struct bs_plist_value *value);
/* Element index; NULL when value is not an array or index is out of range. Borrowed. */
const struct bs_plist_value *bs_plist_array_at(const struct bs_plist_value *value, size_t index);

/* NSKeyedArchiver support. `archive` is the root of a keyed archive: a dict with "$archiver"
 * (string), "$objects" (array) and "$top" (dict). All results are borrowed from its plist. */

/* True when value is an object reference: a UID (binary plists) or the dict
 * {"CF$UID": <integer >= 0>} that XML plists use and libplist 2.2 returns as a dict. */
bool bs_plist_keyed_archive_uid(const struct bs_plist_value *value, uint64_t *out);

/* The object that reference ref points at: $objects[uid]. BS_ERR_FORMAT when archive is not a
 * keyed archive, ref is not a reference, or the index is outside $objects. */
enum bs_status bs_plist_keyed_archive_object(const struct bs_plist_value *archive,
                                             const struct bs_plist_value *ref,
                                             const struct bs_plist_value **out,
                                             struct bs_error *err);

/* The object $top[key] refers to (key "root" for archivedDataWithRootObject archives).
 * BS_ERR_NOT_FOUND when $top has no such key; BS_ERR_FORMAT as above. */
enum bs_status bs_plist_keyed_archive_top(const struct bs_plist_value *archive, const char *key,
                                          const struct bs_plist_value **out, struct bs_error *err);

/* Member key of an archived object (a dict): a reference is resolved, an inline value (an
 * integer such as MBFile "Size") is returned as is. *out is NULL (and BS_OK) when object has no
 * such key or the member is a reference to "$null" (nil). BS_ERR_FORMAT when object is not a
 * dict or the reference dangles. */
enum bs_status bs_plist_keyed_archive_member(const struct bs_plist_value *archive,
                                             const struct bs_plist_value *object, const char *key,
                                             const struct bs_plist_value **out,
                                             struct bs_error *err);

/* The bytes of an archived NSData: value (resolved when a reference) is a data value, or a dict
 * whose "NS.data" member is one (NSMutableData, MBFile "EncryptionKey"). BS_ERR_FORMAT
 * otherwise. *bytes is borrowed and never NULL. */
enum bs_status bs_plist_keyed_archive_data(const struct bs_plist_value *archive,
                                           const struct bs_plist_value *value,
                                           const uint8_t **bytes, size_t *size,
                                           struct bs_error *err);

/* The text of an archived NSString: value (resolved when a reference) is a string, or a dict
 * whose "NS.string" member is one (NSMutableString). BS_ERR_FORMAT otherwise. Borrowed. */
enum bs_status bs_plist_keyed_archive_string(const struct bs_plist_value *archive,
                                             const struct bs_plist_value *value, const char **out,
                                             struct bs_error *err);

#endif
