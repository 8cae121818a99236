/*
 * Fuzz target: the readers of a backup's property lists (core/backup_plist).
 *
 * Any bytes go to bs_plist_parse; a plist that parses is read as each of the backup's plists
 * in turn (Info.plist, Manifest.plist, Status.plist, com.apple.madrid.plist,
 * com.apple.mobile.ldbackup.plist, the iMessage registration cache), then the findings are
 * built from what was read. Checked: each reader fails only as documented; device facts are
 * bounded strings; the registered ids are sorted and unique and mark only handles that hold
 * them; the findings come in code order, each with text, adp-unknown always last.
 */
#include <string.h>

#include "core/backup/backup_plist.h"
#include "core/base/limits.h"
#include "core/model/ids.h"
#include "core/store/plist_read.h"
#include "fuzz.h"

static void check_text(const char *text)
{
    FUZZ_CHECK(text == NULL || strlen(text) <= BS_MAX_STRING_BYTES);
}

static void check_facts(const struct bs_backup_facts *facts)
{
    const struct bs_device_facts *device = &facts->device;
    check_text(device->device_name);
    check_text(device->product_type);
    check_text(device->product_version);
    check_text(device->build_version);
    check_text(device->serial_number);
    check_text(device->phone_number);
    for (size_t i = 0; i < facts->warning_count; i++) {
        FUZZ_CHECK(facts->warnings[i] != NULL && facts->warnings[i][0] != '\0');
    }
}

static void check_registrations(const struct bs_backup_prefs *prefs)
{
    FUZZ_CHECK(prefs->registered_count <= BS_MAX_REGISTRATIONS);
    for (size_t i = 0; i < prefs->registered_count; i++) {
        FUZZ_CHECK(prefs->registered_ids[i] != NULL);
        FUZZ_CHECK(i == 0 || strcmp(prefs->registered_ids[i - 1], prefs->registered_ids[i]) < 0);
    }
    /* Three handles: the first registered id (if any), one nobody registers, an empty one. */
    struct bs_handle handles[3];
    memset(handles, 0, sizeof(handles));
    char unregistered[] = "+10000000000";
    char empty[] = "";
    handles[0].normalized_id = prefs->registered_count > 0 ? prefs->registered_ids[0] : empty;
    handles[1].normalized_id = unregistered;
    handles[2].normalized_id = empty;
    struct bs_scan_result result;
    memset(&result, 0, sizeof(result));
    result.handles = handles;
    result.handle_count = 3;
    size_t marked = bs_backup_prefs_apply_registrations(prefs, &result);
    FUZZ_CHECK(marked <= 3);
    FUZZ_CHECK(handles[0].registered_imessage ==
               (prefs->registered_count > 0 && prefs->registered_ids[0][0] != '\0'));
    FUZZ_CHECK(marked == (handles[0].registered_imessage ? 1u : 0u) +
                             (handles[1].registered_imessage ? 1u : 0u) +
                             (handles[2].registered_imessage ? 1u : 0u));
}

static void check_findings(const struct bs_backup_facts *facts)
{
    FUZZ_CHECK(facts->finding_count >= 1 && facts->finding_count <= BS_FINDING_CODE_COUNT);
    for (size_t i = 0; i < facts->finding_count; i++) {
        const struct bs_finding *finding = &facts->findings[i];
        FUZZ_CHECK(finding->text != NULL && finding->text[0] != '\0');
        FUZZ_CHECK(i == 0 || facts->findings[i - 1].code < finding->code);
        FUZZ_CHECK(bs_finding_code_name(finding->code) != NULL);
    }
    FUZZ_CHECK(facts->findings[facts->finding_count - 1].code == BS_FINDING_ADP_UNKNOWN);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct bs_ids *ids;
    if (ids == NULL && bs_ids_create(&ids, NULL) != BS_OK) {
        abort();
    }
    struct bs_error err = {BS_OK, ""};
    struct bs_plist *plist = NULL;
    if (bs_plist_parse(data, size, &plist, &err) != BS_OK) {
        return 0;
    }
    struct bs_backup_facts facts;
    memset(&facts, 0, sizeof(facts));
    facts.is_backup = true;
    struct bs_backup_folder_plists folder;
    memset(&folder, 0, sizeof(folder));
    FUZZ_CHECK(bs_backup_plist_read_info(plist, &facts, &err) == BS_OK);
    FUZZ_CHECK(bs_backup_plist_read_manifest(plist, &facts, &folder, &err) == BS_OK);
    FUZZ_CHECK(bs_backup_plist_read_status(plist, &facts, &err) == BS_OK);
    check_facts(&facts);

    struct bs_backup_prefs prefs;
    memset(&prefs, 0, sizeof(prefs));
    bs_backup_prefs_read_madrid(plist, &prefs);
    bs_backup_prefs_read_ldbackup(plist, &prefs);
    enum bs_status status = bs_backup_prefs_read_idstatus(plist, ids, "us", &prefs, &err);
    FUZZ_CHECK(status == BS_OK || status == BS_ERR_LIMIT);
    check_registrations(&prefs);

    struct bs_backup_evidence evidence;
    memset(&evidence, 0, sizeof(evidence));
    evidence.folder = folder;
    evidence.is_manifest_plain = size % 2 == 0;
    evidence.is_legacy_layout = size % 3 == 0;
    evidence.icloud_synced_messages = size % 5;
    FUZZ_CHECK(bs_backup_findings_build(&facts, &prefs, &evidence, &err) == BS_OK);
    check_findings(&facts);
    FUZZ_CHECK(facts.is_encrypted == (facts.findings[0].code == BS_FINDING_BACKUP_ENCRYPTED));

    bs_backup_prefs_clear(&prefs);
    bs_backup_facts_clear(&facts);
    bs_plist_free(plist);
    return 0;
}
