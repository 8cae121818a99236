/*
 * The whole-scan check shared by the database fuzz targets: a database image in memory goes
 * through everything a scan of a bare sms.db does after opening the file (read, analysis,
 * summary and both CSVs), and every result and output is checked against the model's
 * promises.
 */
#ifndef BS_TESTS_FUZZ_SCAN_CHECK_H
#define BS_TESTS_FUZZ_SCAN_CHECK_H

#include <stddef.h>

#include "core/scan/scan.h"

/* Scans the database image bytes[0..size), a malloc'd block this call takes over (freed,
 * also when it is not a database). Aborts when an invariant does not hold. */
void fuzz_scan_image(void *bytes, size_t size);

/* Builds the report model of report and checks it and every output written from it (both
 * CSVs, the summary, JSON and HTML: see scan_check.c). Aborts when an invariant does not
 * hold. */
void fuzz_check_outputs(const struct bs_scan_report *report);

#endif
