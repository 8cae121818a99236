/* Messaging apps' databases at rest (app_findings.h): the table, the name rule, the counts and
 * the sentences. */
#include "core/model/app_findings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/text.h"
#include "core/model/findings.h"

static const struct {
    const char *name;
    const char *domains[2];
} app_table[BS_APP_COUNT] = {
    {"WhatsApp",
     {"AppDomainGroup-group.net.whatsapp.WhatsApp.shared", "AppDomain-net.whatsapp.WhatsApp"}},
    {"WhatsApp Business",
     {"AppDomainGroup-group.net.whatsapp.WhatsAppSMB.shared",
      "AppDomain-net.whatsapp.WhatsAppSMB"}},
    {"Signal",
     {"AppDomainGroup-group.org.whispersystems.signal", "AppDomain-org.whispersystems.signal"}},
    {"Telegram", {"AppDomainGroup-group.ph.telegra.Telegraph", "AppDomain-ph.telegra.Telegraph"}},
    {"Messenger",
     {"AppDomainGroup-group.com.facebook.Messenger", "AppDomain-com.facebook.Messenger"}},
};

const char *bs_messaging_app_name(enum bs_messaging_app app)
{
    return (unsigned)app < BS_APP_COUNT ? app_table[app].name : "";
}

const char *bs_messaging_app_domain(size_t index, enum bs_messaging_app *app)
{
    if (index >= BS_APP_DOMAIN_COUNT) {
        return NULL;
    }
    if (app != NULL) {
        *app = (enum bs_messaging_app)(index / 2);
    }
    return app_table[index / 2].domains[index % 2];
}

bool bs_messaging_app_of_domain(const char *domain, size_t length, enum bs_messaging_app *app)
{
    if (domain == NULL) {
        return false;
    }
    for (size_t i = 0; i < BS_APP_DOMAIN_COUNT; i++) {
        const char *known = bs_messaging_app_domain(i, app);
        if (strlen(known) == length && memcmp(known, domain, length) == 0) {
            return true;
        }
    }
    return false;
}

static bool ends_with(const char *name, size_t length, const char *suffix)
{
    size_t suffix_length = strlen(suffix);
    return length >= suffix_length &&
           memcmp(name + length - suffix_length, suffix, suffix_length) == 0;
}

bool bs_app_is_database_name(const char *relative_path, size_t length)
{
    if (relative_path == NULL || memchr(relative_path, '\0', length) != NULL) {
        return false; /* an embedded NUL: the path is not what it seems */
    }
    const char *name = relative_path;
    for (size_t i = 0; i < length; i++) {
        if (relative_path[i] == '/') {
            name = relative_path + i + 1;
        }
    }
    size_t name_length = length - (size_t)(name - relative_path);
    return ends_with(name, name_length, ".sqlite") || ends_with(name, name_length, ".sqlite3") ||
           ends_with(name, name_length, ".db") ||
           (name_length == 9 && memcmp(name, "db_sqlite", 9) == 0);
}

bool bs_app_at_rest_is_found(const struct bs_app_at_rest *app)
{
    return app->plaintext_databases + app->app_encrypted_databases > 0;
}

/* Sizes come from the Manifest (hostile): a sum that would wrap stays at the maximum. */
static uint64_t saturating_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

enum bs_status bs_apps_at_rest_add(struct bs_apps_at_rest *apps, enum bs_messaging_app app,
                                   const char *relative_path, size_t path_length,
                                   uint64_t size_bytes, bool is_plaintext, struct bs_error *err)
{
    if ((unsigned)app >= BS_APP_COUNT) {
        return BS_OK;
    }
    struct bs_app_at_rest *found = &apps->apps[app];
    if (!is_plaintext) {
        found->app_encrypted_databases++;
        found->app_encrypted_bytes = saturating_add(found->app_encrypted_bytes, size_bytes);
        return BS_OK;
    }
    found->plaintext_databases++;
    found->plaintext_bytes = saturating_add(found->plaintext_bytes, size_bytes);
    char *path = bs_strndup_bounded(relative_path != NULL ? relative_path : "", path_length);
    if (path == NULL) {
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    bool is_largest = found->largest_plaintext == NULL ||
                      size_bytes > found->largest_plaintext_bytes ||
                      (size_bytes == found->largest_plaintext_bytes &&
                       strcmp(path, found->largest_plaintext) < 0);
    if (is_largest) {
        free(found->largest_plaintext);
        found->largest_plaintext = path;
        found->largest_plaintext_bytes = size_bytes;
    } else {
        free(path);
    }
    return BS_OK;
}

void bs_apps_at_rest_clear(struct bs_apps_at_rest *apps)
{
    if (apps == NULL) {
        return;
    }
    for (size_t i = 0; i < BS_APP_COUNT; i++) {
        free(apps->apps[i].largest_plaintext);
    }
    memset(apps, 0, sizeof(*apps));
}

const char *bs_format_size(uint64_t bytes, char out[BS_SIZE_TEXT_BYTES])
{
    static const char *const units[] = {"KB", "MB", "GB", "TB"};
    if (bytes < 1024) {
        (void)snprintf(out, BS_SIZE_TEXT_BYTES, "%llu byte%s", (unsigned long long)bytes,
                       bytes == 1 ? "" : "s");
        return out;
    }
    /* Tenths of the unit, rounded half up, in integers: the same text on every machine. */
    size_t unit = 0;
    uint64_t divisor = 1024;
    while (unit + 1 < sizeof(units) / sizeof(units[0]) && bytes / divisor >= 1024) {
        divisor *= 1024;
        unit++;
    }
    uint64_t tenths = (bytes / divisor) * 10 + ((bytes % divisor) * 10 + divisor / 2) / divisor;
    (void)snprintf(out, BS_SIZE_TEXT_BYTES, "%llu.%llu %s", (unsigned long long)(tenths / 10),
                   (unsigned long long)(tenths % 10), units[unit]);
    return out;
}

static bool is_whatsapp(enum bs_messaging_app app)
{
    return app == BS_APP_WHATSAPP || app == BS_APP_WHATSAPP_BUSINESS;
}

static void finding_text(const struct bs_backup_facts *facts, enum bs_messaging_app app,
                         struct bs_strbuf *text)
{
    const struct bs_app_at_rest *found = &facts->apps.apps[app];
    const char *name = bs_messaging_app_name(app);
    char size[BS_SIZE_TEXT_BYTES];
    if (found->plaintext_databases > 0) {
        bs_strbuf_appendf(text, "%s keeps ", name);
        bs_strbuf_append_counted(text, found->plaintext_databases, "plaintext SQLite database",
                                 "plaintext SQLite databases");
        bs_strbuf_appendf(text, " in this backup (%s%s; ",
                          bs_format_size(found->plaintext_bytes, size),
                          found->plaintext_databases == 1 ? "" : " in all");
        bs_strbuf_append_str(text, found->plaintext_databases == 1 ? "" : "the largest: ");
        bs_strbuf_append_str(text, found->largest_plaintext);
        bs_strbuf_appendf(text, "), readable by %s",
                          facts->is_encrypted ? "whoever holds this backup and its password"
                                              : "anyone with this folder");
        if (found->app_encrypted_databases > 0) {
            bs_strbuf_append_str(text, "; ");
            bs_strbuf_append_counted(text, found->app_encrypted_databases, "more is", "more are");
            bs_strbuf_append_str(text, " encrypted by the app");
        }
        bs_strbuf_append_str(text, ".");
    } else {
        bs_strbuf_appendf(text, "%s keeps ", name);
        bs_strbuf_append_counted(text, found->app_encrypted_databases, "database", "databases");
        bs_strbuf_append_str(text, found->app_encrypted_databases == 1
                                       ? " in this backup, encrypted by the app: not readable "
                                         "from the backup alone."
                                       : " in this backup, all encrypted by the app: not "
                                         "readable from the backup alone.");
    }
    if (is_whatsapp(app)) {
        bs_strbuf_append_str(text, " Its own iCloud chat backup is separate: turn on its "
                                   "end-to-end encrypted backup.");
    }
}

enum bs_status bs_app_findings_add(struct bs_backup_facts *facts, struct bs_error *err)
{
    for (size_t i = 0; i < BS_APP_COUNT; i++) {
        enum bs_messaging_app app = (enum bs_messaging_app)i;
        if (!bs_app_at_rest_is_found(&facts->apps.apps[app])) {
            continue;
        }
        struct bs_strbuf text = {0};
        finding_text(facts, app, &text);
        enum bs_status status =
            bs_backup_facts_add_finding(facts, BS_FINDING_APP_DATA_AT_REST, false, &text, err);
        if (status != BS_OK) {
            return status;
        }
    }
    return BS_OK;
}

void bs_app_advice_encrypt_clause(const struct bs_apps_at_rest *apps, char *out, size_t size)
{
    size_t named = 0;
    size_t total = 0;
    for (size_t i = 0; i < BS_APP_COUNT; i++) {
        total += apps->apps[i].plaintext_databases > 0 ? 1 : 0;
    }
    struct bs_strbuf text = {0};
    for (size_t i = 0; i < BS_APP_COUNT; i++) {
        if (apps->apps[i].plaintext_databases == 0) {
            continue;
        }
        const char *name = bs_messaging_app_name((enum bs_messaging_app)i);
        if (total == 1) {
            bs_strbuf_appendf(&text, " (this also protects %s's chats in it)", name);
            break;
        }
        bs_strbuf_appendf(&text, "%s%s",
                          named == 0           ? " (this also protects the chats of "
                          : named + 1 == total ? " and "
                                               : ", ",
                          name);
        if (++named == total) {
            bs_strbuf_append_str(&text, " in it)");
        }
    }
    (void)snprintf(out, size, "%s", text.failed ? "" : bs_strbuf_str(&text));
    bs_strbuf_free(&text);
}

bool bs_app_advice_has_whatsapp(const struct bs_apps_at_rest *apps)
{
    return bs_app_at_rest_is_found(&apps->apps[BS_APP_WHATSAPP]) ||
           bs_app_at_rest_is_found(&apps->apps[BS_APP_WHATSAPP_BUSINESS]);
}
