/*
 * ndr_primitives.c: base types.  The C size comes from the descriptor (IDL long is 8 bytes in
 * memory on LP64 Linux), the wire size from the NDR type (long is 4).  Marshalling narrows with
 * a range check (a value the wire type cannot hold is an error, never truncated); unmarshalling
 * widens (sign- or zero-extends) and converts from big-endian input.  Arrays of base types take
 * a block copy when the C and wire layouts agree and a tight conversion loop otherwise.
 */
#include "ndr_internal.h"

#define HOST_LITTLE_ENDIAN NDR_HOST_LITTLE_ENDIAN

/* The base type descriptors MIDL's C types map to (see asidl_ndr.h). */
#define DEFINE_BASE(name, w, wsize, ctype)                                                   \
    const asidl_ndr_base asidl_ndr_t_##name = {                                              \
        { ASIDL_NDR_MAGIC, ASIDL_NDR_BASE, wsize, 0, sizeof(ctype) }, ASIDL_NDR_W_##w };
ASIDL_NDR_BASE_TYPES(DEFINE_BASE)
#undef DEFINE_BASE

unsigned ndr_wire_size(uint8_t wire)
{
    switch (wire) {
    case ASIDL_NDR_W_INT8: case ASIDL_NDR_W_UINT8: case ASIDL_NDR_W_CHAR: case ASIDL_NDR_W_BOOLEAN:
        return 1;
    case ASIDL_NDR_W_INT16: case ASIDL_NDR_W_UINT16: case ASIDL_NDR_W_WCHAR: case ASIDL_NDR_W_ENUM16:
        return 2;
    case ASIDL_NDR_W_INT32: case ASIDL_NDR_W_UINT32: case ASIDL_NDR_W_FLOAT: case ASIDL_NDR_W_ENUM32:
        return 4;
    case ASIDL_NDR_W_INT64: case ASIDL_NDR_W_UINT64: case ASIDL_NDR_W_DOUBLE:
        return 8;
    }
    return 0;
}

/* Signedness of the C value that goes with a wire type (enums are C int). */
bool ndr_wire_signed(uint8_t wire)
{
    switch (wire) {
    case ASIDL_NDR_W_INT8: case ASIDL_NDR_W_INT16: case ASIDL_NDR_W_INT32: case ASIDL_NDR_W_INT64:
    case ASIDL_NDR_W_ENUM16: case ASIDL_NDR_W_ENUM32:
        return true;
    }
    return false;
}

void ndr_store_int(void *mem, unsigned size, int64_t v)
{
    switch (size) {
    case 1: { uint8_t t = (uint8_t)v; memcpy(mem, &t, 1); break; }
    case 2: { uint16_t t = (uint16_t)v; memcpy(mem, &t, 2); break; }
    case 4: { uint32_t t = (uint32_t)v; memcpy(mem, &t, 4); break; }
    default: { uint64_t t = (uint64_t)v; memcpy(mem, &t, 8); break; }
    }
}

int64_t ndr_base_value(const asidl_ndr_base *b, const void *mem)
{
    return ndr_load_int(mem, b->hdr.mem_size, ndr_wire_signed(b->wire));
}

/* Whether an integer value fits the wire type (enum16 values are limited to 0..0x7FFF as
 * Windows does; a wchar_t beyond 0xFFFF needs a [string] to become a surrogate pair). */
static long check_wire_range(uint8_t wire, unsigned mem_size, int64_t v)
{
    switch (wire) {
    case ASIDL_NDR_W_INT8: return v >= INT8_MIN && v <= INT8_MAX ? 0 : RPC_X_BAD_STUB_DATA;
    case ASIDL_NDR_W_UINT8: case ASIDL_NDR_W_CHAR: case ASIDL_NDR_W_BOOLEAN:
        return (v >= INT8_MIN && v <= UINT8_MAX) ? 0 : RPC_X_BAD_STUB_DATA;
    case ASIDL_NDR_W_INT16: return v >= INT16_MIN && v <= INT16_MAX ? 0 : RPC_X_BAD_STUB_DATA;
    case ASIDL_NDR_W_UINT16: case ASIDL_NDR_W_WCHAR: return v >= 0 && v <= UINT16_MAX ? 0 : RPC_X_BAD_STUB_DATA;
    case ASIDL_NDR_W_ENUM16: return v >= 0 && v <= 0x7FFF ? 0 : RPC_X_ENUM_VALUE_OUT_OF_RANGE;
    case ASIDL_NDR_W_INT32: case ASIDL_NDR_W_ENUM32:
        return v >= INT32_MIN && v <= INT32_MAX ? 0 : RPC_X_BAD_STUB_DATA;
    case ASIDL_NDR_W_UINT32:
        /* an 8-byte unsigned C value loads as its bit pattern: negative means above INT64_MAX */
        return v >= 0 && v <= UINT32_MAX ? 0 : RPC_X_BAD_STUB_DATA;
    case ASIDL_NDR_W_UINT64:
        return mem_size == 8 || v >= 0 ? 0 : RPC_X_BAD_STUB_DATA;
    }
    return 0;
}

static void put_le(unsigned char *dst, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        dst[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_wire(bool swap, const unsigned char *src, unsigned n)
{
    uint64_t v = 0;
    if (swap) {
        for (unsigned i = 0; i < n; i++)
            v = v << 8 | src[i];
    } else {
        for (unsigned i = n; i-- > 0;)
            v = v << 8 | src[i];
    }
    return v;
}

/* Raw wire bits to the C value (sign-extended for signed wire types). */
static int64_t widen(uint8_t wire, uint64_t raw, unsigned n)
{
    if (ndr_wire_signed(wire) && n < 8) {
        uint64_t sign = (uint64_t)1 << (8 * n - 1);
        return (int64_t)((raw ^ sign) - sign);
    }
    return (int64_t)raw;
}

static bool is_float(uint8_t wire)
{
    return wire == ASIDL_NDR_W_FLOAT || wire == ASIDL_NDR_W_DOUBLE;
}

/* The cases ndr_base_encode / ndr_base_decode (ndr_internal.h) do not handle inline. */
long ndr_base_encode_general(const asidl_ndr_base *b, const void *mem, unsigned char *dst)
{
    unsigned n = b->hdr.align;
    if (HOST_LITTLE_ENDIAN && b->hdr.mem_size == n && b->wire != ASIDL_NDR_W_ENUM16) {
        if (dst)
            memcpy(dst, mem, n);    /* C and wire objects are the same octets */
        return RPC_S_OK;
    }
    uint64_t bits;
    if (is_float(b->wire)) {
        if (n == 4) {
            uint32_t f;
            memcpy(&f, mem, 4);
            bits = f;
        } else {
            memcpy(&bits, mem, 8);
        }
    } else {
        int64_t v = ndr_base_value(b, mem);
        long st = check_wire_range(b->wire, b->hdr.mem_size, v);
        if (st)
            return st;
        bits = (uint64_t)v;
    }
    if (dst)
        put_le(dst, bits, n);
    return RPC_S_OK;
}

void ndr_base_decode_general(const asidl_ndr_base *b, const unsigned char *src, bool swap, void *mem)
{
    unsigned n = b->hdr.align;
    if (HOST_LITTLE_ENDIAN && !swap && b->hdr.mem_size == n) {
        memcpy(mem, src, n);    /* the same octets (an enum16 too: 16 bits either way) */
        return;
    }
    uint64_t raw = get_wire(swap, src, n);
    if (is_float(b->wire)) {
        if (n == 4) {
            uint32_t f = (uint32_t)raw;
            memcpy(mem, &f, 4);
        } else {
            memcpy(mem, &raw, 8);
        }
    } else {
        ndr_store_int(mem, b->hdr.mem_size, widen(b->wire, raw, n));
    }
}

long ndr_base_marshal_value(ndr_call *c, const asidl_ndr_base *b, int64_t v)
{
    long st = check_wire_range(b->wire, 8, v);
    if (st)
        return st == RPC_X_ENUM_VALUE_OUT_OF_RANGE ? st : RPC_X_BAD_STUB_DATA;
    unsigned n = b->hdr.align;
    unsigned char *dst;
    st = ndr_out_align(c, n);
    if (!st)
        st = ndr_out_space(c, n, &dst);
    if (!st && dst)
        put_le(dst, (uint64_t)v, n);
    return st;
}

long ndr_base_unmarshal_value(ndr_call *c, const asidl_ndr_base *b, int64_t *v)
{
    unsigned n = b->hdr.align;
    const unsigned char *src;
    long st = ndr_in_align(c, n);
    if (!st)
        st = ndr_in_take(c, n, &src);
    if (!st)
        *v = widen(b->wire, get_wire(c->p.swap, src, n), n);
    return st;
}

/* ---- arrays of base types ---- */

/* A block copy is exact when the C object is the wire object: same size, no narrowing or
 * range rule, and both little-endian. */
static bool block_copy(const asidl_ndr_base *b)
{
    return HOST_LITTLE_ENDIAN && b->hdr.mem_size == b->hdr.align && b->wire != ASIDL_NDR_W_ENUM16;
}

long ndr_base_marshal_n_general(ndr_call *c, const asidl_ndr_base *b, const void *mem, size_t count)
{
    unsigned n = b->hdr.align;
    size_t bytes;
    if (__builtin_mul_overflow(count, (size_t)n, &bytes))
        return RPC_X_NO_MEMORY;
    long st = ndr_out_align(c, n);
    if (st || count == 0)
        return st;
    const unsigned char *src = mem;
    if (block_copy(b)) {
        unsigned char *dst;
        st = ndr_out_space(c, bytes, &dst);
        if (!st && dst)
            asidl__copy(dst, src, bytes);
        return st;
    }
    unsigned char *dst;
    if (HOST_LITTLE_ENDIAN && n == 4 && b->hdr.mem_size == 8 && !is_float(b->wire)) {
        /* IDL long / unsigned long: 8 bytes in C, 4 on the wire, every element range-checked */
        st = ndr_out_space(c, count * 4, &dst);
        if (st)
            return st;
        return ndr_narrow_longs(dst, src, count, b->wire == ASIDL_NDR_W_UINT32) ? RPC_S_OK : RPC_X_BAD_STUB_DATA;
    }
    if (!is_float(b->wire)) {
        for (size_t i = 0; i < count; i++) {
            st = check_wire_range(b->wire, b->hdr.mem_size,
                                  ndr_base_value(b, src + i * b->hdr.mem_size));
            if (st)
                return st;
        }
    }
    st = ndr_out_space(c, count * n, &dst);
    if (st || !dst)
        return st;
    for (size_t i = 0; i < count; i++) {
        const unsigned char *e = src + i * b->hdr.mem_size;
        uint64_t bits;
        if (is_float(b->wire)) {
            if (n == 4) {
                uint32_t f;
                memcpy(&f, e, 4);
                bits = f;
            } else {
                memcpy(&bits, e, 8);
            }
        } else {
            bits = (uint64_t)ndr_base_value(b, e);
        }
        put_le(dst + i * n, bits, n);
    }
    return RPC_S_OK;
}

long ndr_base_unmarshal_n_general(ndr_call *c, const asidl_ndr_base *b, void *mem, size_t count)
{
    unsigned n = b->hdr.align;
    long st = ndr_in_align(c, n);
    if (st || count == 0)
        return st;
    if (!ndr_fits(count, n, ndr_in_left(c)))
        return RPC_X_BAD_STUB_DATA;
    const unsigned char *src;
    st = ndr_in_take(c, count * n, &src);
    if (st)
        return st;
    unsigned char *dst = mem;
    if (!c->p.swap && block_copy(b)) {
        if (dst != src)         /* in place: the elements are already where they belong */
            asidl__copy(dst, src, count * n);
        return RPC_S_OK;
    }
    if (HOST_LITTLE_ENDIAN && n == 4 && b->hdr.mem_size == 8 && !is_float(b->wire)) {
        ndr_widen_longs(dst, src, count, b->wire == ASIDL_NDR_W_UINT32, c->p.swap);
        return RPC_S_OK;
    }
    for (size_t i = 0; i < count; i++) {
        unsigned char *e = dst + i * b->hdr.mem_size;
        uint64_t raw = get_wire(c->p.swap, src + i * n, n);
        if (is_float(b->wire)) {
            if (n == 4) {
                uint32_t f = (uint32_t)raw;
                memcpy(e, &f, 4);
            } else {
                memcpy(e, &raw, 8);
            }
        } else {
            ndr_store_int(e, b->hdr.mem_size, widen(b->wire, raw, n));
        }
    }
    return RPC_S_OK;
}

/* ---- [range] ---- */

long ndr_range_check(const asidl_ndr_range *r, const void *mem)
{
    const asidl_ndr_base *b = (const asidl_ndr_base *)r->base;
    int64_t v = ndr_base_value(b, mem);
    if (b->wire == ASIDL_NDR_W_UINT64 && v < 0)
        return RPC_X_INVALID_BOUND;     /* above INT64_MAX: beyond any range we can state */
    return v < r->min || v > r->max ? RPC_X_INVALID_BOUND : RPC_S_OK;
}
