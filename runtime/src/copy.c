/*
 * copy.c: the copy behind every large copy of message data (NDR arrays and structures, the
 * fragments of a reassembled stub).
 *
 * Why not memcpy alone: from about 2 KiB up, glibc's x86-64 memcpy uses `rep movsb`, and on
 * AMD Zen processors with fast short rep movsb (FSRM; the EPYC virtual machines asidl is
 * built on) that instruction runs about 20 times slower when the destination lies 1 to 63
 * octets above the source modulo 4 KiB: 22 µs instead of 1.3 µs for 64 KiB.  Where a message
 * lands in a buffer is chance, and in bench/rpc one of the two marshalling copies of every
 * Echo call fell in that window (a 64 KiB call over ncalrpc took 92 µs; 64 µs without it).
 * So a copy in that window goes through a loop of 16-octet vector moves, which runs at
 * memcpy's usual speed for every placement; every other copy is memcpy's, which is as fast or
 * faster there.  bench/copy measures both at several placements.
 */
#include "copy.h"

#if ASIDL_COPY_AVOIDS_REP_MOVSB
#include <emmintrin.h>

void asidl__copy_by_vectors(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    size_t i = 0;
    for (; i + 64 <= n; i += 64) {
        __m128i a = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(s + i + 16));
        __m128i c = _mm_loadu_si128((const __m128i *)(s + i + 32));
        __m128i e = _mm_loadu_si128((const __m128i *)(s + i + 48));
        _mm_storeu_si128((__m128i *)(d + i), a);
        _mm_storeu_si128((__m128i *)(d + i + 16), b);
        _mm_storeu_si128((__m128i *)(d + i + 32), c);
        _mm_storeu_si128((__m128i *)(d + i + 48), e);
    }
    memcpy(d + i, s + i, n - i);             /* under 64 octets: memcpy's short path */
}

#else

void asidl__copy_by_vectors(void *restrict dst, const void *restrict src, size_t n)
{
    memcpy(dst, src, n);
}

#endif
