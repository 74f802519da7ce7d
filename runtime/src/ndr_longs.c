/*
 * ndr_longs.c: arrays of IDL long and unsigned long, which are 8 bytes in C on LP64 Linux and
 * 4 on the wire.  Marshalling narrows every element and checks in the same pass that it fits
 * (long: -2^31 .. 2^31-1, unsigned long: 0 .. 2^32-1); unmarshalling sign- or zero-extends,
 * swapping the bytes of big-endian input on the way.
 *
 * Issue 3 holds these loops to within 4x of memcpy for marshal + unmarshal, so x86-64 gets
 * AVX2 versions chosen at run time (__builtin_cpu_supports); the portable versions work in
 * blocks of 8 with a fixed inner trip count, which compilers vectorise with the baseline
 * instruction set at -O2.  Both compute the same thing and are tested against each other.
 *
 * The range check is one addition and one OR per element: v fits 32 signed bits exactly when
 * v + 2^31 (as unsigned 64-bit) is below 2^32, and an unsigned value when v itself is; so the
 * OR of all the biased values has its high half zero exactly when every element fits.
 */
#include "ndr_internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define NDR_HAVE_AVX2_PATH 1
#include <immintrin.h>
#else
#define NDR_HAVE_AVX2_PATH 0
#endif

static bool vector_paths_off;      /* tests: run the portable loops on any machine */

void ndr_longs_use_vector_paths(bool on)
{
    vector_paths_off = !on;
}

static uint64_t range_bias(bool is_unsigned)
{
    return is_unsigned ? 0 : (uint64_t)1 << 31;
}

/* ---- portable ---- */

static bool narrow_portable(unsigned char *restrict dst, const uint64_t *restrict src, size_t n, uint64_t bias)
{
    uint64_t acc = 0;
    size_t i = 0;
    if (!dst) {                         /* sizing: the check alone */
        for (; i < n; i++)
            acc |= src[i] + bias;
        return (acc >> 32) == 0;
    }
    for (; i + 8 <= n; i += 8) {
        uint32_t block[8];
        for (int j = 0; j < 8; j++) {
            acc |= src[i + j] + bias;
            block[j] = (uint32_t)src[i + j];
        }
        memcpy(dst + 4 * i, block, sizeof block);
    }
    for (; i < n; i++) {
        acc |= src[i] + bias;
        uint32_t w = (uint32_t)src[i];
        memcpy(dst + 4 * i, &w, 4);
    }
    return (acc >> 32) == 0;
}

/* Inlined with constant flags, so that each case is a loop with nothing to decide inside:
 * what lets compilers vectorise it (with the flags tested per element it ran 4x slower). */
static inline __attribute__((always_inline)) void widen_loop(uint64_t *restrict dst, const unsigned char *restrict src,
                                                             size_t n, bool is_unsigned, bool swap)
{
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint32_t block[8];
        memcpy(block, src + 4 * i, sizeof block);
        for (int j = 0; j < 8; j++) {
            uint32_t w = swap ? __builtin_bswap32(block[j]) : block[j];
            dst[i + j] = is_unsigned ? (uint64_t)w : (uint64_t)(int64_t)(int32_t)w;
        }
    }
    for (; i < n; i++) {
        uint32_t w;
        memcpy(&w, src + 4 * i, 4);
        if (swap)
            w = __builtin_bswap32(w);
        dst[i] = is_unsigned ? (uint64_t)w : (uint64_t)(int64_t)(int32_t)w;
    }
}

static void widen_portable(uint64_t *restrict dst, const unsigned char *restrict src, size_t n, bool is_unsigned,
                           bool swap)
{
    if (is_unsigned && swap)
        widen_loop(dst, src, n, true, true);
    else if (is_unsigned)
        widen_loop(dst, src, n, true, false);
    else if (swap)
        widen_loop(dst, src, n, false, true);
    else
        widen_loop(dst, src, n, false, false);
}

/* ---- AVX2: 8 elements per step, the rest by the portable loops ---- */

#if NDR_HAVE_AVX2_PATH
__attribute__((target("avx2")))
static bool narrow_avx2(unsigned char *dst, const uint64_t *src, size_t n, uint64_t bias)
{
    /* Loads split across cache lines cost more than stores do: the first elements go one by
     * one until the source is 32-byte aligned (C longs are 8-byte aligned). */
    size_t i = (size_t)(-(uintptr_t)src & 31) / 8;
    if (i > n)
        i = n;
    bool head_ok = narrow_portable(dst, src, i, bias);
    const __m256i vbias = _mm256_set1_epi64x((long long)bias);
    __m256i acc = _mm256_setzero_si256();
    for (; i + 8 <= n; i += 8) {
        __m256i a = _mm256_load_si256((const __m256i *)(const void *)(src + i));
        __m256i b = _mm256_load_si256((const __m256i *)(const void *)(src + i + 4));
        acc = _mm256_or_si256(acc, _mm256_or_si256(_mm256_add_epi64(a, vbias), _mm256_add_epi64(b, vbias)));
        if (!dst)
            continue;
        /* The low halves: per 128-bit lane a0 a1 b0 b1 | a2 a3 b2 b3, then the lanes' middle
         * quarters trade places to give a0 a1 a2 a3 b0 b1 b2 b3. */
        __m256 lows = _mm256_shuffle_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b), 0x88);
        __m256i words = _mm256_permute4x64_epi64(_mm256_castps_si256(lows), 0xD8);
        _mm256_storeu_si256((__m256i *)(void *)(dst + 4 * i), words);
    }
    __m256i high = _mm256_srli_epi64(acc, 32);
    bool ok = _mm256_testz_si256(high, high) != 0;
    bool rest_ok = narrow_portable(dst ? dst + 4 * i : NULL, src + i, n - i, bias);
    return head_ok && ok && rest_ok;
}

__attribute__((target("avx2")))
static void widen_avx2(uint64_t *dst, const unsigned char *src, size_t n, bool is_unsigned, bool swap)
{
    const __m128i reverse = _mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(src + 4 * i));
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(src + 4 * i + 16));
        if (swap) {
            a = _mm_shuffle_epi8(a, reverse);
            b = _mm_shuffle_epi8(b, reverse);
        }
        __m256i wa = is_unsigned ? _mm256_cvtepu32_epi64(a) : _mm256_cvtepi32_epi64(a);
        __m256i wb = is_unsigned ? _mm256_cvtepu32_epi64(b) : _mm256_cvtepi32_epi64(b);
        _mm256_storeu_si256((__m256i *)(void *)(dst + i), wa);
        _mm256_storeu_si256((__m256i *)(void *)(dst + i + 4), wb);
    }
    widen_portable(dst + i, src + 4 * i, n - i, is_unsigned, swap);
}

static bool use_avx2(void)
{
    return !vector_paths_off && __builtin_cpu_supports("avx2");
}
#endif

/* ---- entry points ---- */

bool ndr_narrow_longs(unsigned char *dst, const void *src, size_t n, bool is_unsigned)
{
    const uint64_t *v = src;
#if NDR_HAVE_AVX2_PATH
    if (use_avx2())
        return narrow_avx2(dst, v, n, range_bias(is_unsigned));
#endif
    return narrow_portable(dst, v, n, range_bias(is_unsigned));
}

void ndr_widen_longs(void *dst, const unsigned char *src, size_t n, bool is_unsigned, bool swap)
{
    uint64_t *v = dst;
#if NDR_HAVE_AVX2_PATH
    if (use_avx2()) {
        widen_avx2(v, src, n, is_unsigned, swap);
        return;
    }
#endif
    widen_portable(v, src, n, is_unsigned, swap);
}
