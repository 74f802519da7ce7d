/*
 * ndr_test.h: what the NDR engine's unit tests share.
 *
 *  - A counting MIDL_user_allocate / MIDL_user_free (the application's own, as MIDL expects;
 *    this also shows the runtime's weak defaults give way).  Every test ends by checking that
 *    nothing it unmarshalled is still allocated.  ndr_fail_alloc_after(n) makes the n-th next
 *    allocation fail, to walk the out-of-memory paths.
 *  - Byte-vector helpers: expected encodings are written out as hex strings in the tests
 *    ("01000000 02000000"; spaces are ignored), worked out by hand from C706 chapter 14.
 *  - ndr_roundtrip(): marshal, compare with the expected bytes, check asidl_ndr_size at every
 *    start offset mod 8, unmarshal, marshal again, compare, free, check for leaks, then feed
 *    every truncation and a batch of seeded random corruptions of the encoding to the
 *    unmarshaller (each must fail cleanly or succeed, and leak nothing).
 */
#ifndef ASIDL_NDR_TEST_H
#define ASIDL_NDR_TEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc.h"
#include "rpcndr.h"
#include "test.h"

/* ---- the application's allocator ---- */

static long ndr_live_blocks;
static long ndr_alloc_countdown = -1;   /* -1: never fail */

void *MIDL_user_allocate(size_t n)
{
    if (ndr_alloc_countdown == 0)
        return NULL;
    if (ndr_alloc_countdown > 0)
        ndr_alloc_countdown--;
    void *p = malloc(n);
    if (p)
        ndr_live_blocks++;
    return p;
}

void MIDL_user_free(void *p)
{
    if (p) {
        ndr_live_blocks--;
        free(p);
    }
}

static inline void ndr_fail_alloc_after(long n) { ndr_alloc_countdown = n; }

/* Reports blocks still allocated, once (the count restarts so one leak is not reported by
 * every later check). */
#define CHECK_NO_LEAKS() do {                                                           \
        if (ndr_live_blocks != 0) {                                                     \
            printf("#   %s:%d: %ld block(s) still allocated\n", __FILE__, __LINE__,     \
                   ndr_live_blocks);                                                    \
            test_failed_checks_++;                                                      \
            ndr_live_blocks = 0;                                                        \
        }                                                                               \
    } while (0)
#define CHECK_STATUS(expr, expected) CHECK_EQ_INT((expr), (expected))
#define CHECK_OK(expr) CHECK_EQ_INT((expr), RPC_S_OK)

/* ---- hex ---- */

/* Parses "0a0b 0c" into bytes; returns the count (buffers in tests are small). */
static inline size_t ndr_unhex(const char *hex, unsigned char *out, size_t cap)
{
    size_t n = 0;
    int hi = -1;
    for (const char *p = hex; *p; p++) {
        int v;
        if (*p >= '0' && *p <= '9')
            v = *p - '0';
        else if (*p >= 'a' && *p <= 'f')
            v = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'F')
            v = *p - 'A' + 10;
        else
            continue;
        if (hi < 0) {
            hi = v;
        } else {
            if (n < cap)
                out[n] = (unsigned char)(hi << 4 | v);
            n++;
            hi = -1;
        }
    }
    return n;
}

static inline void ndr_print_hex(const char *label, const unsigned char *b, size_t n)
{
    printf("#     %s (%zu):", label, n);
    for (size_t i = 0; i < n; i++)
        printf("%s%02x", i % 4 ? "" : " ", b[i]);
    printf("\n");
}

/* Checks bytes against a hex string, printing both on a mismatch. */
#define CHECK_HEX(buf, len, hex) do {                                                   \
        unsigned char exp_[4096];                                                       \
        size_t n_ = ndr_unhex((hex), exp_, sizeof exp_);                                \
        if (n_ != (size_t)(len) || memcmp((buf), exp_, n_) != 0) {                      \
            printf("#   %s:%d: bytes differ from %s\n", __FILE__, __LINE__, #hex);      \
            ndr_print_hex("got     ", (const unsigned char *)(buf), (size_t)(len));     \
            ndr_print_hex("expected", exp_, n_);                                        \
            test_failed_checks_++;                                                      \
        }                                                                               \
    } while (0)

/* ---- one-value helpers ---- */

/* Marshals a value into a fresh buffer (caller frees with asidl_ndr_buffer_free). */
static inline long ndr_encode(const asidl_ndr_type *t, const void *v, asidl_ndr_buffer *out)
{
    asidl_ndr_call c;
    asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
    asidl_ndr_buffer_init(out);
    long st = asidl_ndr_marshal(&c, t, v, out);
    asidl_ndr_call_cleanup(&c);
    return st;
}

/* Unmarshals a whole buffer; the value must use it all. */
static inline long ndr_decode(const asidl_ndr_type *t, void *mem, const void *buf, size_t len, unsigned drep)
{
    asidl_ndr_call c;
    asidl_ndr_call_init(&c, ASIDL_NDR_SERVER);
    size_t pos = 0;
    long st = asidl_ndr_unmarshal(&c, t, mem, buf, len, &pos, drep);
    asidl_ndr_call_cleanup(&c);
    if (st == RPC_S_OK && pos != len) {
        printf("#   decode consumed %zu of %zu bytes\n", pos, len);
        asidl_ndr_free(t, mem);
        return -1;
    }
    return st;
}

static uint32_t ndr_rng_state = 12345;
static inline uint32_t ndr_rand(void)
{
    ndr_rng_state ^= ndr_rng_state << 13;
    ndr_rng_state ^= ndr_rng_state >> 17;
    ndr_rng_state ^= ndr_rng_state << 5;
    return ndr_rng_state;
}

/* Every truncation must fail; random corruptions must fail or decode; nothing may leak. */
static inline void ndr_hostile(const asidl_ndr_type *t, const unsigned char *enc, size_t len, int rounds)
{
    size_t mem_size = t->mem_size ? t->mem_size : 64;
    unsigned char *mem = malloc(mem_size), *copy = malloc(len ? len : 1);
    for (size_t cut = 0; cut < len; cut++) {
        memset(mem, 0xA5, mem_size);
        long st = ndr_decode(t, mem, enc, cut, ASIDL_NDR_DREP_LITTLE_ENDIAN);
        if (st == RPC_S_OK) {
            printf("#   a %zu-byte truncation of a %zu-byte encoding decoded\n", cut, len);
            test_failed_checks_++;
            asidl_ndr_free(t, mem);
        }
        CHECK_NO_LEAKS();
    }
    for (int r = 0; r < rounds; r++) {
        memcpy(copy, enc, len);
        int flips = 1 + (int)(ndr_rand() % 4);
        for (int f = 0; f < flips && len; f++) {
            size_t at = ndr_rand() % len;
            switch (ndr_rand() % 4) {
            case 0: copy[at] = (unsigned char)ndr_rand(); break;
            case 1: copy[at] ^= (unsigned char)(1u << (ndr_rand() % 8)); break;
            case 2: copy[at] = 0xFF; break;
            default: copy[at] = 0; break;
            }
        }
        memset(mem, 0xA5, mem_size);
        size_t pos = 0;
        asidl_ndr_call c;
        asidl_ndr_call_init(&c, ASIDL_NDR_SERVER);
        long st = asidl_ndr_unmarshal(&c, t, mem, copy, len, &pos, ASIDL_NDR_DREP_LITTLE_ENDIAN);
        asidl_ndr_call_cleanup(&c);
        if (st == RPC_S_OK)
            asidl_ndr_free(t, mem);
        CHECK_NO_LEAKS();
    }
    free(mem);
    free(copy);
}

/* The full round trip described at the top.  expected_hex may be NULL (bytes then only
 * compared between the two marshallings). */
static inline void ndr_roundtrip(const asidl_ndr_type *t, const void *value, const char *expected_hex)
{
    const char *why = NULL;
    long vst = asidl_ndr_validate_type(t, &why);
    if (vst != RPC_S_OK) {
        printf("#   descriptor invalid: %s\n", why ? why : "?");
        test_failed_checks_++;
        return;
    }
    asidl_ndr_buffer a;
    long st = ndr_encode(t, value, &a);
    CHECK_OK(st);
    if (st)
        return;
    if (expected_hex)
        CHECK_HEX(a.data, a.len, expected_hex);
    /* sizing agrees with marshalling at every alignment of the start */
    for (size_t start = 0; start < 8; start++) {
        asidl_ndr_call c;
        asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
        asidl_ndr_buffer b;
        asidl_ndr_buffer_init(&b);
        unsigned char zeros[8] = { 0 };
        size_t size = 0;
        b.grow(&b, 64);
        memcpy(b.data, zeros, start);
        b.len = start;
        CHECK_OK(asidl_ndr_size(&c, t, value, start, &size));
        CHECK_OK(asidl_ndr_marshal(&c, t, value, &b));
        CHECK_EQ_INT(size, b.len - start);
        if (start == 0)
            CHECK_EQ_INT(size, a.len);
        asidl_ndr_buffer_free(&b);
        asidl_ndr_call_cleanup(&c);
    }
    size_t mem_size = t->mem_size ? t->mem_size : 64;
    unsigned char *mem = malloc(mem_size);
    memset(mem, 0xA5, mem_size);
    st = ndr_decode(t, mem, a.data, a.len, ASIDL_NDR_DREP_LITTLE_ENDIAN);
    CHECK_OK(st);
    if (st == RPC_S_OK) {
        asidl_ndr_buffer b;
        CHECK_OK(ndr_encode(t, mem, &b));
        CHECK_EQ_INT(b.len, a.len);
        if (b.len == a.len)
            CHECK_EQ_MEM(b.data, a.data, a.len);
        asidl_ndr_buffer_free(&b);
        asidl_ndr_free(t, mem);
    }
    CHECK_NO_LEAKS();
    ndr_hostile(t, a.data, a.len, 200);
    free(mem);
    asidl_ndr_buffer_free(&a);
}

/* Decodes big-endian (or other) input and compares the result's little-endian encoding. */
static inline void ndr_check_decodes_to(const asidl_ndr_type *t, const char *input_hex, unsigned drep,
                                        const char *reencoded_hex)
{
    unsigned char in[4096];
    size_t n = ndr_unhex(input_hex, in, sizeof in);
    size_t mem_size = t->mem_size ? t->mem_size : 64;
    unsigned char *mem = malloc(mem_size);
    long st = ndr_decode(t, mem, in, n, drep);
    CHECK_OK(st);
    if (st == RPC_S_OK) {
        asidl_ndr_buffer b;
        CHECK_OK(ndr_encode(t, mem, &b));
        CHECK_HEX(b.data, b.len, reencoded_hex);
        asidl_ndr_buffer_free(&b);
        asidl_ndr_free(t, mem);
    }
    free(mem);
    CHECK_NO_LEAKS();
}

/* Expects decoding the bytes to fail with a given status, leaking nothing. */
static inline void ndr_check_rejects(const asidl_ndr_type *t, const char *input_hex, long expected)
{
    unsigned char in[4096];
    size_t n = ndr_unhex(input_hex, in, sizeof in);
    size_t mem_size = t->mem_size ? t->mem_size : 64;
    unsigned char *mem = malloc(mem_size);
    memset(mem, 0, mem_size);
    long st = ndr_decode(t, mem, in, n, ASIDL_NDR_DREP_LITTLE_ENDIAN);
    CHECK_EQ_INT(st, expected);
    if (st == RPC_S_OK)
        asidl_ndr_free(t, mem);
    free(mem);
    CHECK_NO_LEAKS();
}

/* Expects marshalling a value to fail with a given status (and sizing too). */
static inline void ndr_check_marshal_fails(const asidl_ndr_type *t, const void *v, long expected)
{
    asidl_ndr_buffer b;
    CHECK_EQ_INT(ndr_encode(t, v, &b), expected);
    CHECK_EQ_INT(b.len, 0);
    asidl_ndr_buffer_free(&b);
    asidl_ndr_call c;
    asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
    size_t size;
    CHECK_EQ_INT(asidl_ndr_size(&c, t, v, 0, &size), expected);
    asidl_ndr_call_cleanup(&c);
}

#define VALID(t) do {                                                                   \
        const char *why_ = NULL;                                                        \
        if (asidl_ndr_validate_type((t), &why_) != RPC_S_OK) {                          \
            printf("#   %s:%d: %s invalid: %s\n", __FILE__, __LINE__, #t, why_);       \
            test_failed_checks_++;                                                      \
        }                                                                               \
    } while (0)

#endif
