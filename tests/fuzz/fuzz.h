/*
 * What every fuzz target shares: the libFuzzer entry point each one defines, and FUZZ_CHECK,
 * which reports a broken invariant and aborts so that libFuzzer (and the replay driver under
 * ctest) records it as a crash. Targets are test code: they may use libraries directly.
 */
#ifndef BS_TESTS_FUZZ_H
#define BS_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(expr)                                                                        \
    do {                                                                                        \
        if (!(expr)) {                                                                          \
            (void)fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed\n", __FILE__, __LINE__, #expr); \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

/* Runs one input; returns 0 (libFuzzer reserves other values). data may be read, never
 * written, and holds exactly size bytes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
