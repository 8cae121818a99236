/*
 * The reader of --compare OLD.json (SPEC 4): a JSON report bubblescan wrote earlier, parsed by
 * the JSON adapter (json_io.h: jansson, with size, depth and value limits checked first) and
 * checked value by value before anything is used. Only what every format has is read:
 * format_version (1 or 2), redacted, and per thread chat_guid, name, risk and last_message;
 * every other member is ignored, so a newer writer adding keys does not break the reader.
 *
 * Refused, with a one-line message that says why (the caller names the file):
 *   - unreadable, missing or too large: BS_ERR_NOT_FOUND, BS_ERR_IO, BS_ERR_LIMIT;
 *   - not JSON: BS_ERR_FORMAT ("not valid JSON at line 3, column 7: ...");
 *   - JSON, but not a bubblescan report of format 1 or 2 (no format_version, another version,
 *     a member of the wrong type): BS_ERR_FORMAT ("not a bubblescan report: ...");
 *   - a redacted report: BS_ERR_UNSUPPORTED (its guids are pseudonyms: nothing would match).
 */
#ifndef BS_CORE_REPORT_COMPARE_READ_H
#define BS_CORE_REPORT_COMPARE_READ_H

#include <stddef.h>

#include "core/base/status.h"
#include "core/model/compare.h"

/* Reads bytes[0..length) as an earlier report into *out (zeroed here). On failure *out is
 * cleared. The caller owns *out: bs_old_report_clear. */
enum bs_status bs_compare_read_bytes(const char *bytes, size_t length, struct bs_old_report *out,
                                     struct bs_error *err);

/* The same from the file at path (json_io.h bs_json_doc_read_file: a regular file or a pipe,
 * never more than BS_MAX_JSON_BYTES + 1 bytes read). The message does not name the file. */
enum bs_status bs_compare_read_file(const char *path, struct bs_old_report *out,
                                    struct bs_error *err);

#endif
