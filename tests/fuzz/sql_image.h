/*
 * Builds a database image from SQL text, for the fuzz targets that mutate the SQL that makes a
 * database rather than its bytes (fuzz_db_sql, fuzz_contacts).
 */
#ifndef BS_TESTS_FUZZ_SQL_IMAGE_H
#define BS_TESTS_FUZZ_SQL_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Runs the statements of sql[0..size) one by one on a fresh in-memory database (one that does
 * not prepare is skipped up to the next ';'), under limits that keep one input fast: no
 * ATTACH, no extensions, values up to 1 MB, a bounded number of virtual machine steps. Returns
 * the serialised database (malloc'd, *image_size bytes), or NULL when nothing came of it. */
void *fuzz_sql_image(const uint8_t *sql, size_t size, size_t *image_size);

#endif
