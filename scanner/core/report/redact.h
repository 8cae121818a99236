/*
 * --redact (SPEC 4): every name, id and group name of a scan replaced by a stable pseudonym,
 * in the model itself, before any report is written, so that every output (summary, CSVs,
 * JSON, HTML) shows only the pseudonyms.
 *
 * Pseudonyms follow the order of the data, never chance, so the same database gives the same
 * pseudonyms on every run:
 *   - a person is "Person N", N their number in the model (people are numbered in the order
 *     of their lowest-ROWID handle); every person gets that name, known or not;
 *   - a handle id is masked: a phone number keeps its calling code and last two digits
 *     ("+1•••••••67", always seven dots, so the length does not show), an email address its
 *     first character and top-level domain ("a•••@•••.com"), a short code its last two digits
 *     ("•••45"), a sender id its first character ("A•••"); anything else is "•••";
 *   - a named group is "Group N" (N counts group threads in chat ROWID order), a named direct
 *     thread "Conversation N" (N counts direct threads); an unnamed thread is named again from
 *     its members' pseudonyms, as the analysis names it;
 *   - chat guids and chat identifiers become "chat<ROWID>", the guid keeping a known service
 *     prefix ("iMessage;-;chat12");
 *   - backup facts: the device name becomes "iPhone", the serial number keeps its last two
 *     characters, the owner's number is masked like a handle, and those three are replaced
 *     wherever a finding or warning quotes them.
 */
#ifndef BS_CORE_REDACT_H
#define BS_CORE_REDACT_H

#include "core/base/status.h"
#include "core/model/compare.h"
#include "core/model/model.h"
#include "core/scan/scan.h"

/* What the reports show instead of the SOURCE path when redacting (a backup folder is named
 * after the device's UDID; a path often holds the owner's name). Static string. */
extern const char bs_redact_source_label[];

/* Replaces every name and id in report (see the file comment). BS_ERR_NOMEM: the report is
 * then partly redacted and must not be written; the caller still clears it. */
enum bs_status bs_redact_report(struct bs_scan_report *report, struct bs_error *err);

/* --redact with --compare: the name and guid of each thread gone since the earlier report
 * (which this scan cannot name) become "Gone thread N" and a guid keeping only its service
 * ("iMessage;+;gone1"), N counting gone threads in report order; the rest of OLD's names and
 * guids are emptied. Run after bs_compare_build, which matched by the real guids.
 * BS_ERR_NOMEM: the comparison must not be written. */
enum bs_status bs_redact_compare(struct bs_compare *compare, struct bs_error *err);

/* The mask of one handle id (see the file comment): normalized_id is the ids.h normal form of
 * the id and kind its kind. Caller owns the result (free()); NULL when out of memory. */
char *bs_redact_id(const char *normalized_id, enum bs_id_kind kind);

/* The mask of a phone number written any way ("+1 (555) 010-0167"): calling code (when it
 * starts with '+') and last two digits kept. Caller owns the result; NULL when out of memory. */
char *bs_redact_phone_text(const char *text);

#endif
