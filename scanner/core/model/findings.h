/*
 * What a backup source adds to a scan (SPEC 3.6): device and backup facts from the plists,
 * and the at-rest findings with their text. Plain data filled by the backup readers and
 * shown by every report. Strings are owned (malloc'd) and freed by bs_backup_facts_clear.
 */
#ifndef BS_CORE_FINDINGS_H
#define BS_CORE_FINDINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/base/status.h"
#include "core/base/text.h"
#include "core/model/app_findings.h"
#include "core/model/model.h"

/* Finding codes of SPEC 3.6, in report order. */
enum bs_finding_code {
    BS_FINDING_BACKUP_UNENCRYPTED = 0,
    BS_FINDING_BACKUP_ENCRYPTED,
    BS_FINDING_MESSAGES_IN_ICLOUD,
    BS_FINDING_ICLOUD_BACKUP,
    BS_FINDING_ADP_UNKNOWN,
    BS_FINDING_APP_DATA_AT_REST, /* one per messaging app found (app_findings.h) */
    BS_FINDING_CODE_COUNT
};

struct bs_finding {
    enum bs_finding_code code;
    char *text;       /* what the report says, one or two sentences; owned */
    bool is_indirect; /* evidence suggests, not proves: the text says so */
};

/* Device and backup facts; every field may be unknown (NULL / is_known false). */
struct bs_device_facts {
    char *device_name;
    char *product_type;    /* "iPhone9,3" */
    char *product_version; /* "14.3" */
    char *build_version;
    char *serial_number;
    char *phone_number;
    struct bs_date backup_date;
    bool has_passcode_fact;
    bool was_passcode_set;
};

struct bs_backup_facts {
    bool is_backup; /* false for a bare database: nothing below applies */
    bool is_encrypted;
    bool is_legacy_layout; /* Manifest.mbdb (iOS 4-9) */
    bool has_status_fact;
    bool is_complete; /* Status.plist SnapshotState is "finished" */
    struct bs_device_facts device;
    struct bs_finding *findings; /* owned, in code order */
    size_t finding_count;
    char **warnings; /* owned; e.g. incomplete backup, files listed but missing */
    size_t warning_count;
    struct bs_apps_at_rest apps; /* messaging apps' databases in the backup */
};

/* Frees what facts owns and zeroes it. NULL-safe. */
void bs_backup_facts_clear(struct bs_backup_facts *facts);

/* Appends a finding of code whose text is taken from text (left empty either way).
 * BS_ERR_NOMEM when text ran out of memory or the list cannot grow: facts stays as it was. */
enum bs_status bs_backup_facts_add_finding(struct bs_backup_facts *facts, enum bs_finding_code code,
                                           bool is_indirect, struct bs_strbuf *text,
                                           struct bs_error *err);

/* How serious a finding is, on the risk scale the reports colour by: backup-unencrypted
 * critical, the iCloud ones high, backup-encrypted none, the others low. */
enum bs_risk bs_finding_severity(enum bs_finding_code code);

/* The code as written in reports ("backup-unencrypted"). Static string. */
const char *bs_finding_code_name(enum bs_finding_code code);

#endif
