/*
 * asidl__copy, the copy of message data: every octet arrives and nothing around the
 * destination is touched, for sizes on both sides of where it leaves memcpy for its own loop
 * and for every placement of the destination relative to the source, the slow window of
 * rep movsb (1 to 63 octets above the source modulo 4 KiB) included.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "copy.h"
#include "test.h"

#define GUARD 80

/* aligned_alloc wants a size that is a multiple of the alignment (C11; ASan enforces it). */
static void *page_aligned(size_t n)
{
    return aligned_alloc(4096, (n + 4095) / 4096 * 4096);
}

static bool copies_exactly(size_t n, size_t src_at, size_t dst_at)
{
    unsigned char *src = page_aligned(src_at + n + 4096 * 2);
    unsigned char *dst = page_aligned(dst_at + n + GUARD + 4096 * 2);
    if (!src || !dst) {
        free(src);
        free(dst);
        return false;
    }
    for (size_t i = 0; i < n; i++)
        src[src_at + i] = (unsigned char)(i * 131 + 7);
    memset(dst, 0xA5, dst_at + n + GUARD);
    asidl__copy(dst + dst_at, src + src_at, n);
    bool ok = memcmp(dst + dst_at, src + src_at, n) == 0;
    for (size_t i = 0; ok && i < dst_at; i++)
        ok = dst[i] == 0xA5;
    for (size_t i = 0; ok && i < GUARD; i++)
        ok = dst[dst_at + n + i] == 0xA5;
    free(src);
    free(dst);
    return ok;
}

TEST(small_and_threshold_sizes_copy_exactly)
{
    static const size_t sizes[] = { 0, 1, 7, 63, 64, 65, 2047, 2048, 2049, 2111, 2112, 2113, 4096 + 13 };
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (size_t at = 0; at < 16; at += 3)
            CHECK(copies_exactly(sizes[s], at, 2 * at + 1));
}

TEST(every_destination_placement_near_the_source_copies_exactly)
{
    /* destination 0..127 octets above the source modulo 4 KiB, and as many below */
    for (size_t d = 0; d < 128; d++) {
        CHECK(copies_exactly(65536 + 5, 100, 100 + d));
        CHECK(copies_exactly(3000, 4096 + 100 - d % 100, 100));
    }
}

TEST(large_copies_with_odd_tails_copy_exactly)
{
    for (size_t tail = 0; tail < 64; tail += 5)
        CHECK(copies_exactly((1u << 20) + tail, 12, 12 + 16));
}

int main(void)
{
    RUN(small_and_threshold_sizes_copy_exactly);
    RUN(every_destination_placement_near_the_source_copies_exactly);
    RUN(large_copies_with_odd_tails_copy_exactly);
    return test_exit();
}
