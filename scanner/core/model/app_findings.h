/*
 * Messaging apps' databases at rest in a backup (SPEC 3.6, finding app-data-at-rest): the
 * apps and their backup domains, the rule that says which Manifest rows are database files,
 * what was found per app, and the finding text and advice built from it. Plain data and pure
 * rules: the backup layer (backup/backup_apps.c) lists the candidate rows and reads their
 * first 16 bytes, then counts each here; the reports render what this file decides.
 *
 * End-to-end encryption in transit is undone at rest when the app keeps its messages in a
 * plaintext SQLite database that a backup copies: whoever holds the backup (anyone with the
 * folder, when it is not encrypted) can read them.
 */
#ifndef BS_CORE_APP_FINDINGS_H
#define BS_CORE_APP_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base/status.h"

/* The messaging apps of SPEC 3.6, in report order. */
enum bs_messaging_app {
    BS_APP_WHATSAPP = 0,
    BS_APP_WHATSAPP_BUSINESS,
    BS_APP_SIGNAL,
    BS_APP_TELEGRAM,
    BS_APP_MESSENGER,
    BS_APP_COUNT
};

/* Each app has an app domain and an app-group domain. */
#define BS_APP_DOMAIN_COUNT (2 * BS_APP_COUNT)

/* "WhatsApp", "WhatsApp Business", ... Static string; "" for an unknown value. */
const char *bs_messaging_app_name(enum bs_messaging_app app);

/* The backup domain number index (0 .. BS_APP_DOMAIN_COUNT-1) and, in *app, its app: the list
 * the candidate query binds. NULL for an index out of range. Static string. */
const char *bs_messaging_app_domain(size_t index, enum bs_messaging_app *app);

/* Which app owns the backup domain domain[0..length) (exact, case-sensitive, as the device
 * writes it). False for any other domain. */
bool bs_messaging_app_of_domain(const char *domain, size_t length, enum bs_messaging_app *app);

/* SPEC 3.6's name rule: true when the last component of relative_path[0..length) (after the
 * last '/') ends in ".sqlite", ".sqlite3" or ".db", or is exactly "db_sqlite". A suffix alone
 * is not a name (".db" is); "-wal", "-shm" and ".bak" companions are not databases. Whether the
 * row is a regular file is the caller's check (Manifest.db flags 1, mbdb mode 0x8000). */
bool bs_app_is_database_name(const char *relative_path, size_t length);

/* What one app has in the backup. */
struct bs_app_at_rest {
    uint64_t plaintext_databases; /* first 16 bytes "SQLite format 3\0" */
    uint64_t plaintext_bytes;     /* their sizes as the manifest records them */
    char *largest_plaintext;      /* relativePath of the largest (ties: first in byte order);
                                     owned; NULL when none */
    uint64_t largest_plaintext_bytes;
    uint64_t app_encrypted_databases; /* anything else: encrypted by the app itself */
    uint64_t app_encrypted_bytes;
};

/* Every app, found or not. Zero-initialise; release with bs_apps_at_rest_clear. */
struct bs_apps_at_rest {
    bool is_surveyed; /* the manifest was searched (a backup source) */
    struct bs_app_at_rest apps[BS_APP_COUNT];
};

/* True when app has at least one database file in the backup. */
bool bs_app_at_rest_is_found(const struct bs_app_at_rest *app);

/* Counts one database file of app: relative_path[0..path_length) (copied, bounded, when it
 * becomes the largest plaintext one), size_bytes, and whether its first 16 bytes are SQLite's
 * magic. BS_ERR_NOMEM only. */
enum bs_status bs_apps_at_rest_add(struct bs_apps_at_rest *apps, enum bs_messaging_app app,
                                   const char *relative_path, size_t path_length,
                                   uint64_t size_bytes, bool is_plaintext, struct bs_error *err);

/* Frees what apps owns and zeroes it. NULL-safe. */
void bs_apps_at_rest_clear(struct bs_apps_at_rest *apps);

/* A size for a reader: "812 bytes", "4.0 KB", "1.4 MB", "2.1 GB" (powers of 1024). */
#define BS_SIZE_TEXT_BYTES 32
const char *bs_format_size(uint64_t bytes, char out[BS_SIZE_TEXT_BYTES]);

struct bs_backup_facts;

/* Appends one app-data-at-rest finding per app found (SPEC 3.6) to facts->findings, after the
 * others, from facts->apps: its plaintext databases (count, total size, the largest), who can
 * read them (facts->is_encrypted: whoever holds the backup and its password; otherwise anyone
 * with the folder), those encrypted by the app, and for WhatsApp and WhatsApp Business that
 * their own iCloud chat backup is separate. Call after bs_backup_findings_build. BS_ERR_NOMEM
 * only. */
enum bs_status bs_app_findings_add(struct bs_backup_facts *facts, struct bs_error *err);

/* The clause the encrypt-backup advice adds when apps keep plaintext databases in an
 * unencrypted backup: " (this also protects WhatsApp's chats in it)", naming every such app;
 * "" when none. Into out (always NUL-terminated). */
void bs_app_advice_encrypt_clause(const struct bs_apps_at_rest *apps, char *out, size_t size);

/* True when WhatsApp or WhatsApp Business was found: the advice about its own iCloud chat
 * backup applies. */
bool bs_app_advice_has_whatsapp(const struct bs_apps_at_rest *apps);

#endif
