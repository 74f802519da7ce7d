/*
 * copy.h: asidl__copy, memcpy for message data that may be large (copy.c says why it exists).
 * The test is inline so that the small copies of the NDR engine's fast paths stay a memcpy.
 */
#ifndef ASIDL_COPY_H
#define ASIDL_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define ASIDL_COPY_AVOIDS_REP_MOVSB 1
#else
#define ASIDL_COPY_AVOIDS_REP_MOVSB 0
#endif

void asidl__copy_by_vectors(void *restrict dst, const void *restrict src, size_t n);

/* True when glibc would copy with rep movsb (2 KiB and up) and the destination lies 1 to 63
 * octets above the source modulo 4 KiB: the placement where that runs 20 times slower. */
static inline bool asidl__copy_in_slow_window(const void *dst, const void *src, size_t n)
{
    uintptr_t above = ((uintptr_t)dst - (uintptr_t)src) & 4095u;
    return ASIDL_COPY_AVOIDS_REP_MOVSB && n >= 2048u && above != 0 && above < 64u;
}

/* Copies n octets from src to dst, which do not overlap. */
static inline void asidl__copy(void *restrict dst, const void *restrict src, size_t n)
{
    if (asidl__copy_in_slow_window(dst, src, n))
        asidl__copy_by_vectors(dst, src, n);
    else
        memcpy(dst, src, n);
}

#endif
