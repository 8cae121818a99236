/*
 * One whole scan: decides what SOURCE is (SPEC 2), opens it as evidence, reads the Messages
 * database and derives the model. The CLI calls this and then writes the reports.
 */
#ifndef BS_CORE_SCAN_H
#define BS_CORE_SCAN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/status.h"
#include "core/model/analysis.h"
#include "core/model/findings.h"
#include "core/model/model.h"
#include "core/store/sms_store.h"

struct bs_contacts;

enum bs_source_kind {
    BS_SOURCE_DATABASE = 0, /* a bare sms.db or chat.db */
    BS_SOURCE_BACKUP        /* an iPhone backup folder */
};

/* Where an encrypted backup's password comes from (SPEC 6). Every member may be NULL. */
struct bs_scan_password_source {
    /* Asked once, only when SOURCE is an encrypted backup, after its Manifest.plist and
     * keybag were checked and before key derivation: writes the password (raw bytes as typed,
     * UTF-8, no NUL needed) into password[0..capacity) and its length into *length. Returns
     * BS_OK, or another status with err set: BS_ERR_PASSWORD when no password can be had (the
     * message says how to give one), BS_ERR_INTERRUPTED. The scan wipes the buffer right
     * after key derivation. NULL: an encrypted backup fails with BS_ERR_PASSWORD. */
    enum bs_status (*read)(char *password, size_t capacity, size_t *length, void *context,
                           struct bs_error *err);
    /* Told when key derivation starts, with its iteration counts (sha256_iterations 0 when
     * the keybag has no SHA-256 stage; DPIC is about 10,000,000 on real backups: seconds), and
     * when it has finished (also when it failed). */
    void (*on_key_derivation)(bool is_finished, uint32_t sha256_iterations,
                              uint32_t sha1_iterations, void *context);
    void *context;
};

/* The files a scan may create, and when it must stop (SPEC 2, 4). Every member may be NULL. */
struct bs_scan_file_options {
    /* Folder under which a private copy of a database with a WAL is made ("/tmp" when
     * NULL). */
    const char *temp_root;
    /* Told every path the scan creates, before it can appear (a private folder as soon as it
     * exists, then each file that may appear in it), with is_removed false; and each again
     * with is_removed true once the scan removed it. A signal handler can so remove exactly
     * what exists at that moment: unlink each path, then rmdir each. */
    void (*on_private_path)(const char *path, bool is_removed, void *context);
    void *context;
    /* When set non-zero (by a signal handler), the scan stops at its next batch of rows with
     * BS_ERR_INTERRUPTED, having removed what it created. */
    const volatile sig_atomic_t *interrupt_flag;
};

struct bs_scan_request {
    const char *source_path;
    const char *default_country; /* "us" when NULL */
    struct bs_date since;        /* unknown = every message */
    /* --compare: count each thread's unencrypted messages dated after compare_cutoff, the
     * earlier report's latest message (model/compare.h bs_compare_cutoff). */
    bool has_compare_cutoff;
    struct bs_date compare_cutoff;
    struct bs_scan_file_options files;
    const struct bs_name_source *names; /* contact names; may be NULL */
    void (*on_progress)(uint64_t done, uint64_t total, void *context);
    void *progress_context;
    struct bs_scan_password_source password; /* for an encrypted backup */
};

struct bs_scan_report {
    enum bs_source_kind source_kind;
    struct bs_scan_result result;
    struct bs_backup_facts backup; /* is_backup false for a bare database */
};

/* Scans request->source_path into *report (zero it first). Errors say what is wrong with the
 * source: BS_ERR_NOT_FOUND, BS_ERR_FORMAT, BS_ERR_UNSUPPORTED, BS_ERR_UNSAFE, BS_ERR_IO,
 * BS_ERR_PASSWORD (an encrypted backup: no password, or the wrong one), BS_ERR_INTERRUPTED,
 * BS_ERR_NOMEM. On failure *report is cleared. */
enum bs_status bs_scan_run(const struct bs_scan_request *request, struct bs_scan_report *report,
                           struct bs_error *err);

/* Reads the contact book at path (contacts.h bs_contacts_read_file) with the same file
 * options as a scan; caller owns *out. */
enum bs_status bs_scan_read_contacts(const char *path, const char *default_country,
                                     const struct bs_scan_file_options *files,
                                     struct bs_contacts **out, struct bs_error *err);

/* Frees what a report owns. NULL-safe. */
void bs_scan_report_clear(struct bs_scan_report *report);

/* "Messages database" / "iPhone backup". Static string. */
const char *bs_source_kind_name(enum bs_source_kind kind);

#endif
