/*
 * A minimal test harness for the C unit tests: each CHECK prints nothing on success and a
 * located "#" line on failure; each TEST prints one TAP line, "ok - name" or "not ok - name",
 * which tests/run-all.sh counts.
 *
 *   TEST(round_trip_long) { CHECK(x == 1); CHECK_EQ_INT(a, b); }
 *   int main(void) { RUN(round_trip_long); return test_exit(); }
 */
#ifndef ASIDL_TEST_H
#define ASIDL_TEST_H

#include <stdio.h>
#include <string.h>

static int test_failed_checks_;
static int test_failed_tests_;

#define TEST(name) static void test_##name(void)

#define CHECK(cond) do {                                                            \
        if (!(cond)) {                                                              \
            printf("#   %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
            test_failed_checks_++;                                                  \
        }                                                                           \
    } while (0)

#define CHECK_EQ_INT(a, b) do {                                                     \
        long long a_ = (long long)(a), b_ = (long long)(b);                         \
        if (a_ != b_) {                                                             \
            printf("#   %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, \
                   #a, a_, #b, b_);                                                 \
            test_failed_checks_++;                                                  \
        }                                                                           \
    } while (0)

#define CHECK_EQ_MEM(a, b, n) do {                                                  \
        if (memcmp((a), (b), (n)) != 0) {                                           \
            printf("#   %s:%d: %s and %s differ in their first %zu bytes\n",       \
                   __FILE__, __LINE__, #a, #b, (size_t)(n));                        \
            test_failed_checks_++;                                                  \
        }                                                                           \
    } while (0)

#define RUN(name) do {                                                              \
        int before_ = test_failed_checks_;                                          \
        test_##name();                                                              \
        if (test_failed_checks_ == before_) {                                       \
            printf("ok - %s\n", #name);                                             \
        } else {                                                                    \
            printf("not ok - %s\n", #name);                                         \
            test_failed_tests_++;                                                   \
        }                                                                           \
        fflush(stdout);                                                             \
    } while (0)

static inline int test_exit(void) { return test_failed_tests_ ? 1 : 0; }

#endif
