/*
 * Fuzz target: the Manifest.mbdb parser of iOS 4-9 backups (core/backup_layout).
 *
 * Any bytes go to bs_backup_mbdb_parse. Every record handed to the visitor must hold strings
 * that lie inside the input (each byte is read, so an overread shows) and are NULL exactly
 * when their length is 0 and they were marked absent; the fileID computed from its domain and
 * path is 40 lower-hex characters that bs_backup_file_id_is_valid accepts. A refused input is
 * BS_ERR_FORMAT or BS_ERR_LIMIT with a message, and the visitor saw no record past the
 * failure. One input in four also stops the parse from the visitor, which must end it at once
 * with the visitor's status.
 */
#include <string.h>

#include "core/backup/backup_crypto.h"
#include "core/backup/backup_layout.h"
#include "core/base/limits.h"
#include "fuzz.h"

struct visit {
    const uint8_t *bytes;
    size_t size;
    size_t records;
    size_t stop_after; /* 0: never */
};

static void check_item(const struct visit *visit, const char *text, size_t length)
{
    if (text == NULL) {
        FUZZ_CHECK(length == 0);
        return;
    }
    const uint8_t *start = (const uint8_t *)text;
    FUZZ_CHECK(start >= visit->bytes && length <= visit->size &&
               (size_t)(start - visit->bytes) <= visit->size - length);
    volatile uint8_t sum = 0;
    for (size_t i = 0; i < length; i++) {
        sum = (uint8_t)(sum + start[i]);
    }
    (void)sum;
}

static enum bs_status on_record(const struct bs_backup_mbdb_record *record, void *context,
                                struct bs_error *err)
{
    struct visit *visit = context;
    visit->records++;
    FUZZ_CHECK(visit->records <= BS_MAX_BACKUP_FILES);
    check_item(visit, record->domain, record->domain_length);
    check_item(visit, record->path, record->path_length);
    check_item(visit, record->link_target, record->link_target_length);
    char id[BS_BACKUP_FILE_ID_HEX_BYTES];
    memset(id, 'x', sizeof(id));
    if (bs_backup_crypto_file_id(record->domain != NULL ? record->domain : "",
                                 record->domain_length, record->path != NULL ? record->path : "",
                                 record->path_length, id, err) == BS_OK) {
        FUZZ_CHECK(strlen(id) == 40 && bs_backup_file_id_is_valid(id, 40));
    }
    if (visit->stop_after != 0 && visit->records == visit->stop_after) {
        return bs_error_set(err, BS_ERR_INTERRUPTED, "stopped by the visitor");
    }
    return BS_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct visit visit = {data, size, 0, 0};
    if (size > 0 && data[size - 1] % 4 == 0) {
        visit.stop_after = 1 + data[size - 1] / 4 % 8;
    }
    struct bs_backup_mbdb_visitor visitor = {on_record, &visit};
    struct bs_error err = {BS_OK, ""};
    enum bs_status status = bs_backup_mbdb_parse(data, size, &visitor, &err);
    if (visit.stop_after != 0 && visit.records == visit.stop_after) {
        FUZZ_CHECK(status == BS_ERR_INTERRUPTED);
    } else if (status != BS_OK) {
        FUZZ_CHECK(status == BS_ERR_FORMAT || status == BS_ERR_LIMIT);
        FUZZ_CHECK(err.status == status && err.message[0] != '\0');
    }
    FUZZ_CHECK(status != BS_OK || size >= 6);
    return 0;
}
