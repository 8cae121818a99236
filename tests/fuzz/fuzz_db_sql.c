/*
 * Fuzz target: a whole scan of a database built from SQL text.
 *
 * Mutating the bytes of an SQLite file mostly yields pages SQLite rejects at once. This target
 * mutates the SQL that builds the database instead (seeds: the scanner's tables of each
 * fixture as SQL, made at build time, and hand-written hostile schemas), so it reaches schemas
 * and values a real sms.db never has: text or blobs where integers belong, missing or renamed
 * tables and columns, duplicate rows, dangling references, huge and negative numbers. The
 * image (sql_image.h) is handed to fuzz_scan_image like a decrypted sms.db.
 */
#include "fuzz.h"
#include "scan_check.h"
#include "sql_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t image_size = 0;
    void *image = fuzz_sql_image(data, size, &image_size);
    if (image != NULL) {
        fuzz_scan_image(image, image_size);
    }
    return 0;
}
