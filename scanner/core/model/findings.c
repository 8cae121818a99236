/* Destructor, appending and names of the at-rest findings (see findings.h). */
#include "core/model/findings.h"

#include <stdlib.h>
#include <string.h>

void bs_backup_facts_clear(struct bs_backup_facts *facts)
{
    if (facts == NULL) {
        return;
    }
    struct bs_device_facts *device = &facts->device;
    free(device->device_name);
    free(device->product_type);
    free(device->product_version);
    free(device->build_version);
    free(device->serial_number);
    free(device->phone_number);
    for (size_t i = 0; i < facts->finding_count; i++) {
        free(facts->findings[i].text);
    }
    free(facts->findings);
    for (size_t i = 0; i < facts->warning_count; i++) {
        free(facts->warnings[i]);
    }
    free(facts->warnings);
    bs_apps_at_rest_clear(&facts->apps);
    memset(facts, 0, sizeof(*facts));
}

enum bs_status bs_backup_facts_add_finding(struct bs_backup_facts *facts, enum bs_finding_code code,
                                           bool is_indirect, struct bs_strbuf *text,
                                           struct bs_error *err)
{
    char *owned = bs_strbuf_take(text);
    struct bs_finding *grown =
        owned == NULL
            ? NULL
            : realloc(facts->findings, (facts->finding_count + 1) * sizeof(*facts->findings));
    if (grown == NULL) {
        free(owned);
        return bs_error_set(err, BS_ERR_NOMEM, "out of memory");
    }
    facts->findings = grown;
    struct bs_finding *finding = &facts->findings[facts->finding_count++];
    finding->code = code;
    finding->text = owned;
    finding->is_indirect = is_indirect;
    return BS_OK;
}

enum bs_risk bs_finding_severity(enum bs_finding_code code)
{
    switch (code) {
    case BS_FINDING_BACKUP_UNENCRYPTED:
        return BS_RISK_CRITICAL;
    case BS_FINDING_MESSAGES_IN_ICLOUD:
    case BS_FINDING_ICLOUD_BACKUP:
        return BS_RISK_HIGH;
    case BS_FINDING_BACKUP_ENCRYPTED:
        return BS_RISK_NONE;
    case BS_FINDING_ADP_UNKNOWN:
    case BS_FINDING_APP_DATA_AT_REST:
    case BS_FINDING_CODE_COUNT:
        break;
    }
    return BS_RISK_LOW;
}

const char *bs_finding_code_name(enum bs_finding_code code)
{
    static const char *const names[BS_FINDING_CODE_COUNT] = {
        "backup-unencrypted", "backup-encrypted", "messages-in-icloud",
        "icloud-backup",      "adp-unknown",      "app-data-at-rest"};
    return (unsigned)code < BS_FINDING_CODE_COUNT ? names[code] : "";
}
