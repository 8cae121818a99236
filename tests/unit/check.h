/*
 * The unit-test harness: CHECK macros that report file:line and the values, and a closing
 * "N passed, N failed" line that ctest and CI read. Header-only; one test binary per module.
 */
#ifndef BS_TESTS_CHECK_H
#define BS_TESTS_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int check_passed;
static int check_failed;

#define CHECK(expr)                                                                  \
    do {                                                                             \
        if (expr) {                                                                  \
            check_passed++;                                                          \
        } else {                                                                     \
            check_failed++;                                                          \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #expr); \
        }                                                                            \
    } while (0)

#define CHECK_INT_EQ(got, want)                                                            \
    do {                                                                                   \
        long long check_got_ = (long long)(got), check_want_ = (long long)(want);          \
        if (check_got_ == check_want_) {                                                   \
            check_passed++;                                                                \
        } else {                                                                           \
            check_failed++;                                                                \
            fprintf(stderr, "%s:%d: %s (got %lld, want %lld)\n", __FILE__, __LINE__, #got, \
                    check_got_, check_want_);                                              \
        }                                                                                  \
    } while (0)

#define CHECK_STR_EQ(got, want)                                                                  \
    do {                                                                                         \
        const char *check_got_ = (got), *check_want_ = (want);                                   \
        if (check_got_ != NULL && check_want_ != NULL && strcmp(check_got_, check_want_) == 0) { \
            check_passed++;                                                                      \
        } else {                                                                                 \
            check_failed++;                                                                      \
            fprintf(stderr, "%s:%d: %s (got \"%s\", want \"%s\")\n", __FILE__, __LINE__, #got,   \
                    check_got_ ? check_got_ : "(null)", check_want_ ? check_want_ : "(null)");   \
        }                                                                                        \
    } while (0)

/* Prints the closing line and returns the process exit code. */
static inline int check_report(const char *suite)
{
    printf("%s: %d passed, %d failed\n", suite, check_passed, check_failed);
    return check_failed == 0 ? 0 : 1;
}

#endif
