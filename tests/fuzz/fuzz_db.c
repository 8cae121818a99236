/*
 * Fuzz target: a whole scan of a database image held in memory.
 *
 * The input is the bytes of an SQLite file (seeds: the fixture databases, compacted at build
 * time by make_fuzz_seed_db). It is opened with bs_sqlite_db_open_memory, the way a decrypted
 * backup's sms.db is, and scanned, analysed and reported by fuzz_scan_image, which checks
 * every result against the model's promises.
 */
#include <string.h>

#include "fuzz.h"
#include "scan_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void *image = malloc(size > 0 ? size : 1);
    if (image == NULL) {
        return 0;
    }
    if (size > 0) {
        memcpy(image, data, size);
    }
    fuzz_scan_image(image, size);
    return 0;
}
