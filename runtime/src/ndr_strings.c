/*
 * ndr_strings.c: [string] arrays.  A string is a varying array (conformant too in its pointer
 * form) whose transmitted count includes the terminator; the offset is always 0.
 *
 * wchar_t is 4 bytes on Linux and holds a code point; the wire carries UTF-16 code units.  A
 * string is converted with surrogate pairs for code points above 0xFFFF, so counts on the wire
 * are in code units: a size_is / fixed bound is a maximum in code units, and text that needs
 * more is RPC_X_INVALID_BOUND.  Unpaired surrogates pass through unchanged both ways.  (A
 * wchar_t array without [string] maps each element to one code unit; see ndr_primitives.c.)
 */
#include "ndr_internal.h"

static bool is_wide(const asidl_ndr_base *e)
{
    return e->wire == ASIDL_NDR_W_WCHAR && e->hdr.mem_size > 2;
}

static bool element_is_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

long ndr_string_wire_count(const asidl_ndr_base *e, const unsigned char *mem, size_t limit, size_t *count)
{
    size_t es = e->hdr.mem_size;
    if (is_wide(e)) {
        size_t units = 0;
        for (size_t i = 0; i < limit; i++) {
            int64_t cp = ndr_load_int(mem + i * es, (unsigned)es, true);
            if (cp == 0) {
                *count = units + 1;
                return *count > UINT32_MAX ? RPC_X_INVALID_BOUND : RPC_S_OK;
            }
            if (cp < 0 || cp > 0x10FFFF)
                return RPC_X_BAD_STUB_DATA;     /* not a Unicode code point */
            units += cp > 0xFFFF ? 2 : 1;
        }
        return RPC_X_INVALID_BOUND;             /* no terminator within the bound */
    }
    if (es == 1) {
        const unsigned char *z = memchr(mem, 0, limit);
        if (!z)
            return RPC_X_INVALID_BOUND;
        *count = (size_t)(z - mem) + 1;
        return *count > UINT32_MAX ? RPC_X_INVALID_BOUND : RPC_S_OK;
    }
    for (size_t i = 0; i < limit; i++) {
        if (element_is_zero(mem + i * es, es)) {
            *count = i + 1;
            return *count > UINT32_MAX ? RPC_X_INVALID_BOUND : RPC_S_OK;
        }
    }
    return RPC_X_INVALID_BOUND;
}

static long marshal_wide(ndr_call *c, const asidl_ndr_base *e, const unsigned char *mem, size_t units)
{
    unsigned char *dst;
    long st = ndr_out_align(c, 2);
    if (!st)
        st = ndr_out_space(c, units * 2, &dst);
    if (st || !dst)
        return st;
    size_t es = e->hdr.mem_size, u = 0;
    for (size_t i = 0; u < units; i++) {
        uint32_t cp = (uint32_t)ndr_load_int(mem + i * es, (unsigned)es, true);
        if (cp > 0xFFFF) {
            cp -= 0x10000;
            uint16_t hi = (uint16_t)(0xD800 | (cp >> 10)), lo = (uint16_t)(0xDC00 | (cp & 0x3FF));
            dst[2 * u] = (unsigned char)hi;
            dst[2 * u + 1] = (unsigned char)(hi >> 8);
            dst[2 * u + 2] = (unsigned char)lo;
            dst[2 * u + 3] = (unsigned char)(lo >> 8);
            u += 2;
        } else {
            dst[2 * u] = (unsigned char)cp;
            dst[2 * u + 1] = (unsigned char)(cp >> 8);
            u++;
        }
    }
    return RPC_S_OK;
}

/* Octet strings without a stated bound ([string] char *, the most frequent kind): their
 * count is the terminator's position and their octets go as they are, so the counts and the
 * text are written as one piece. */
static bool unbounded_octets(const asidl_ndr_array *a)
{
    const asidl_ndr_dim *d = &a->dims[0];
    return (a->hdr.flags & ASIDL_NDR_F_CONFORMANT) && a->n_dims == 1 && a->elem->mem_size == 1 &&
           a->elem->align == 1 && !d->count && !d->size_is && !d->max_is;
}

static long marshal_unbounded_octets(ndr_call *c, const unsigned char *mem, bool hoisted)
{
    size_t count = strlen((const char *)mem) + 1;
    if (count > UINT32_MAX)
        return RPC_X_INVALID_BOUND;
    size_t counts = hoisted ? 8 : 12;   /* (maximum,) offset, actual count */
    unsigned char *dst;
    long st = ndr_out_align(c, 4);
    if (!st)
        st = ndr_out_space(c, counts + count, &dst);
    if (st || !dst)
        return st;
    if (!hoisted)
        ndr_put_u32(dst, (uint32_t)count);
    ndr_put_u32(dst + counts - 8, 0);
    ndr_put_u32(dst + counts - 4, (uint32_t)count);
    asidl__copy(dst + counts, mem, count);
    return RPC_S_OK;
}

long ndr_string_marshal(ndr_call *c, const asidl_ndr_array *a, const unsigned char *mem,
                        const unsigned char *base)
{
    const asidl_ndr_base *e = (const asidl_ndr_base *)a->elem;
    bool hoisted = c->p.hoist_pending != 0;
    c->p.hoist_pending = 0;
    if (unbounded_octets(a))
        return marshal_unbounded_octets(c, mem, hoisted);
    ndr_bounds b;
    long st = ndr_array_bounds(c, c->p.proc, c->p.frame, a, mem, base, &b);
    if (st)
        return st;
    if ((a->hdr.flags & ASIDL_NDR_F_CONFORMANT) && !hoisted && (st = ndr_out_u32(c, b.max[0])))
        return st;
    if ((st = ndr_out_u32(c, 0)) || (st = ndr_out_u32(c, b.count[0])))
        return st;
    if (is_wide(e))
        return marshal_wide(c, e, mem, b.count[0]);
    return ndr_base_marshal_n(c, e, mem, b.count[0]);
}

static long unmarshal_wide(ndr_call *c, const asidl_ndr_base *e, unsigned char *mem, size_t units,
                           size_t capacity)
{
    const unsigned char *src;
    long st = ndr_in_align(c, 2);
    if (!st && !ndr_fits(units, 2, ndr_in_left(c)))
        st = RPC_X_BAD_STUB_DATA;
    if (!st)
        st = ndr_in_take(c, units * 2, &src);
    if (st)
        return st;
    if (ndr_get_u16(c, src + 2 * (units - 1)) != 0)
        return RPC_X_BAD_STUB_DATA;             /* the last element must be the terminator */
    size_t es = e->hdr.mem_size, n = 0;
    for (size_t i = 0; i < units; i++) {
        uint32_t u = ndr_get_u16(c, src + 2 * i);
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units) {
            uint32_t lo = ndr_get_u16(c, src + 2 * (i + 1));
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                i++;
            }
        }
        if (n == capacity)
            return RPC_X_INVALID_BOUND;
        ndr_store_int(mem + n * es, (unsigned)es, u);
        n++;
    }
    return RPC_S_OK;
}

long ndr_string_unmarshal(ndr_call *c, const asidl_ndr_array *a, unsigned char *mem,
                          const unsigned char *base)
{
    const asidl_ndr_base *e = (const asidl_ndr_base *)a->elem;
    const asidl_ndr_dim *d = &a->dims[0];
    bool hoisted = c->p.hoist_pending != 0;
    c->p.hoist_pending = 0;
    size_t cap = c->p.target_cap;
    c->p.target_cap = SIZE_MAX;
    uint32_t max, offset, count;
    const unsigned char *variance;
    long st;
    if (a->hdr.flags & ASIDL_NDR_F_CONFORMANT) {
        if (hoisted)
            max = c->p.hoist[0];
        else if ((st = ndr_in_u32(c, &max)))
            return st;
        if ((d->size_is || d->max_is) &&
            ((st = ndr_check(c, d->size_is, NULL, base, max)) ||
             (st = ndr_check(c, d->max_is, d->min_is, base, (int64_t)max - 1))))
            return st;
    } else {
        max = d->count;
    }
    if ((st = ndr_in_align(c, 4)) || (st = ndr_in_take(c, 8, &variance)))
        return st;
    offset = ndr_get_u32(c, variance);
    count = ndr_get_u32(c, variance + 4);
    if (offset != 0 || count == 0)
        return RPC_X_BAD_STUB_DATA;
    if (count > max)
        return RPC_X_INVALID_BOUND;
    size_t capacity = max < cap ? max : cap;    /* C elements the memory holds */
    if (is_wide(e))
        return unmarshal_wide(c, e, mem, count, capacity);
    if (count > capacity)
        return RPC_X_INVALID_BOUND;
    unsigned ws = e->hdr.align;
    st = ndr_in_align(c, ws);
    if (!st && !ndr_fits(count, ws, ndr_in_left(c)))
        st = RPC_X_BAD_STUB_DATA;
    if (st)
        return st;
    const unsigned char *text = c->p.in + c->p.in_pos;
    if (!element_is_zero(text + (size_t)(count - 1) * ws, ws))
        return RPC_X_BAD_STUB_DATA;             /* the last element must be the terminator */
    if (ws == 1 && e->hdr.mem_size == 1) {      /* octets: as they are */
        asidl__copy(mem, text, count);
        c->p.in_pos += count;
        return RPC_S_OK;
    }
    return ndr_base_unmarshal_n(c, e, mem, count);
}
