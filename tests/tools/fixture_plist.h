/*
 * Fixture support, plist half: XML plist -> binary plist, for the build tool that turns the
 * committed XML fixtures into bplists and for tests. The XML passes the core's own pre-check
 * (core/store/plist_check.h) before libplist 2.2 parses it, as in bs_plist_parse. In the
 * bs_fixture_support library, never linked into bubblescan.
 */
#ifndef BS_FIXTURE_PLIST_H
#define BS_FIXTURE_PLIST_H

#include <stddef.h>

#include "core/base/status.h"

/* Converts an XML plist of size bytes into a binary one. On success *out (owned by the
 * caller, free()) holds *out_size bytes. BS_ERR_LIMIT (above BS_MAX_PLIST_BYTES, or the
 * pre-check's limits), BS_ERR_FORMAT (not an XML plist, or libplist refuses it),
 * BS_ERR_NOMEM. */
enum bs_status bs_fixture_plist_xml_to_binary(const char *xml, size_t size, void **out,
                                              size_t *out_size, struct bs_error *err);

#endif
