/*
 * The pre-checks of untrusted plist bytes, run before libplist 2.2 sees them (plist_read.c),
 * because libplist trusts its input: its binary parser and plist_free recurse with no depth
 * limit (about 100k nested arrays overflow an 8 MB stack), it copies an object at every
 * reference (a small file can expand to billions of nodes), it forms pointers from untrusted
 * offsets before range-checking them, and it asserts on a dict key holding a NUL.
 *
 * plist_check_binary.c reads a bplist00 trailer and walks the object graph iteratively with a
 * fixed stack of BS_MAX_PLIST_DEPTH frames, validating every offset, length and reference it
 * follows; plist_check_xml.c tokenises XML the way libplist's parser does and counts open
 * containers. Pure functions over bytes: no allocation, no third-party types.
 */
#ifndef BS_CORE_PLIST_CHECK_H
#define BS_CORE_PLIST_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/status.h"

#define BS_BPLIST_MAGIC        "bplist"
#define BS_BPLIST_MAGIC_BYTES  6
#define BS_BPLIST_HEADER_BYTES 8 /* magic and two version digits */

/* True when bytes start with the binary plist magic (any version). */
bool bs_plist_is_binary(const uint8_t *bytes, size_t size);

/* Checks a bplist00 of size bytes as libplist would parse it: BS_ERR_FORMAT for bad offsets,
 * lengths, references or a cycle; BS_ERR_LIMIT past BS_MAX_PLIST_DEPTH, BS_MAX_PLIST_NODES or
 * BS_MAX_PLIST_EXPANDED_BYTES. On success *has_wide_integers says whether a 16-byte integer
 * (an unsigned one >= 2^63) is present. */
enum bs_status bs_plist_check_binary(const uint8_t *bytes, size_t size, bool *has_wide_integers,
                                     struct bs_error *err);

/* True in *out when the top object of the bplist00 of size bytes (as libplist writes one
 * integer) is a 16-byte integer. BS_ERR_FORMAT when the bytes are not such a plist. */
enum bs_status bs_plist_binary_top_is_wide_integer(const uint8_t *bytes, size_t size, bool *out,
                                                   struct bs_error *err);

/* The double stored by the top object of the bplist00 of size bytes (as libplist writes one
 * date), as it is: libplist 2.2's own getter converts it to int32_t unchecked. BS_ERR_FORMAT
 * when the bytes are not such a plist. */
enum bs_status bs_plist_binary_top_date(const uint8_t *bytes, size_t size, double *out,
                                        struct bs_error *err);

/* Checks an XML plist of size bytes (not NUL-terminated): BS_ERR_FORMAT for a NUL byte,
 * markup libplist cannot close or unsupported <! markup; BS_ERR_LIMIT past BS_MAX_PLIST_DEPTH
 * open containers or BS_MAX_PLIST_NODES values. */
enum bs_status bs_plist_check_xml(const char *text, size_t size, struct bs_error *err);

#endif
