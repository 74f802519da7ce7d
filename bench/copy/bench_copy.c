/*
 * bench/copy: asidl__copy (runtime/src/copy.c) against memcpy for the copies of message data,
 * at placements of the destination relative to the source modulo 4 KiB: 0 and 2 KiB (where
 * memcpy is at its best) and 16 and 48 octets above (where glibc's rep movsb runs slowly on
 * AMD Zen processors with FSRM). Both copy the same buffers in the same run, interleaved;
 * the best of several rounds is printed, and the ratio asidl__copy / memcpy.
 * Prints numbers only.
 *
 *   bench/copy/run.sh [rounds, default 7]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "copy.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef void copy_fn(void *restrict, const void *restrict, size_t);

static void with_memcpy(void *restrict d, const void *restrict s, size_t n)
{
    memcpy(d, s, n);
}

static void with_asidl_copy(void *restrict d, const void *restrict s, size_t n)
{
    asidl__copy(d, s, n);
}

/* Microseconds per copy, over about 20 ms of copies. */
static double time_copies(copy_fn *fn, unsigned char *dst, const unsigned char *src, size_t n)
{
    long reps = (long)(200000000 / (n + 64)) + 1;
    double t = now();
    for (long i = 0; i < reps; i++) {
        fn(dst, src, n);
        __asm__ volatile("" : : "r"(dst) : "memory");   /* every copy happens */
    }
    return (now() - t) / (double)reps * 1e6;
}

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 7;
    if (rounds < 1)
        rounds = 1;
    static const size_t sizes[] = { 4096, 65536, 1u << 20 };
    static const size_t above[] = { 0, 16, 48, 2048 };
    size_t cap = (1u << 20) + 2 * 4096;
    unsigned char *src = aligned_alloc(4096, cap), *dst = aligned_alloc(4096, cap);
    if (!src || !dst)
        return 1;
    memset(src, 0x5a, cap);
    memset(dst, 0, cap);

    printf("bench/copy: microseconds per copy, best of %d interleaved rounds\n", rounds);
    printf("%9s %7s %10s %12s %7s\n", "octets", "above", "memcpy", "asidl__copy", "ratio");
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        for (size_t j = 0; j < sizeof above / sizeof above[0]; j++) {
            double best_m = 1e30, best_a = 1e30;
            for (int r = 0; r < rounds; r++) {
                double m = time_copies(with_memcpy, dst + 64 + above[j], src + 64, sizes[i]);
                double a = time_copies(with_asidl_copy, dst + 64 + above[j], src + 64, sizes[i]);
                best_m = m < best_m ? m : best_m;
                best_a = a < best_a ? a : best_a;
            }
            printf("%9zu %7zu %10.2f %12.2f %6.2fx\n", sizes[i], above[j], best_m, best_a, best_a / best_m);
        }
    }
    free(src);
    free(dst);
    return 0;
}
