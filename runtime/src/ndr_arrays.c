/*
 * ndr_arrays.c: fixed, conformant, varying, conformant-varying and multi-dimensional arrays
 * (C706 14.3.3).  On the wire, in this order:
 *   - if any dimension is conformant: a maximum count per dimension (fixed ones included),
 *     unless an enclosing conformant structure already put them in front of itself;
 *   - if any dimension is varying: an (offset, actual count) pair per dimension;
 *   - the transmitted elements, row-major (the last index varies fastest).
 * Counts are unsigned 32-bit, aligned to 4 on their own; elements align as their type does.
 * Memory holds all maximum-count elements, row-major; only the transmitted ones are touched.
 */
#include "ndr_internal.h"

static inline long eval_now(ndr_call *c, const asidl_ndr_proc *proc, void **frame, const asidl_ndr_op *e,
                            const unsigned char *base, int64_t *v)
{
    bool ready;
    return ndr_eval(c, proc, frame, e, base, v, &ready);
}

static bool is_varying_dim(const asidl_ndr_dim *d)
{
    return ndr_dim_is_varying(d);
}

/* Maximum count and lower bound of one dimension from the descriptor and memory. */
static inline long dim_max(ndr_call *c, const asidl_ndr_proc *proc, void **frame, const asidl_ndr_dim *d,
                           const unsigned char *base, int64_t *max, int64_t *lower)
{
    long st;
    *lower = 0;
    if (d->min_is && (st = eval_now(c, proc, frame, d->min_is, base, lower)))
        return st;
    if (d->count) {
        *max = d->count;
    } else if (d->size_is) {
        if ((st = eval_now(c, proc, frame, d->size_is, base, max)))
            return st;
    } else if (d->max_is) {
        int64_t hi;
        if ((st = eval_now(c, proc, frame, d->max_is, base, &hi)))
            return st;
        if (__builtin_sub_overflow(hi, *lower, max) || __builtin_add_overflow(*max, 1, max))
            return RPC_X_INVALID_BOUND;
    } else {
        return RPC_S_INTERNAL_ERROR;
    }
    return *max < 0 || *max > UINT32_MAX ? RPC_X_INVALID_BOUND : RPC_S_OK;
}

long ndr_array_bounds(ndr_call *c, const asidl_ndr_proc *proc, void **frame, const asidl_ndr_array *a,
                      const unsigned char *mem, const unsigned char *base, ndr_bounds *b)
{
    long st;
    if (a->n_dims == 0 || a->n_dims > ASIDL_NDR_MAX_DIMS)
        return RPC_S_INTERNAL_ERROR;
    b->n_dims = a->n_dims;
    b->total = 1;
    b->sent = 1;
    if (a->hdr.flags & ASIDL_NDR_F_STRING) {
        /* One dimension; the transmitted count comes from the terminator in memory. */
        const asidl_ndr_dim *d = &a->dims[0];
        int64_t max = -1, lower;
        size_t limit = SIZE_MAX, count;
        if (d->count || d->size_is || d->max_is) {
            if ((st = dim_max(c, proc, frame, d, base, &max, &lower)))
                return st;
            limit = (size_t)max;
        }
        st = ndr_string_wire_count((const asidl_ndr_base *)a->elem, mem, limit, &count);
        if (st)
            return st;
        if (max < 0)
            max = (int64_t)count;
        if ((int64_t)count > max)
            return RPC_X_INVALID_BOUND;
        b->max[0] = (uint32_t)max;
        b->offset[0] = 0;
        b->count[0] = (uint32_t)count;
        b->total = (size_t)max;
        b->sent = count;
        return RPC_S_OK;
    }
    for (uint32_t i = 0; i < a->n_dims; i++) {
        const asidl_ndr_dim *d = &a->dims[i];
        int64_t max, lower, first = 0, count;
        if ((st = dim_max(c, proc, frame, d, base, &max, &lower)))
            return st;
        if (d->first_is) {
            if ((st = eval_now(c, proc, frame, d->first_is, base, &first)))
                return st;
            if (__builtin_sub_overflow(first, lower, &first))
                return RPC_X_INVALID_BOUND;
        }
        if (d->length_is) {
            if ((st = eval_now(c, proc, frame, d->length_is, base, &count)))
                return st;
        } else if (d->last_is) {
            int64_t last;
            if ((st = eval_now(c, proc, frame, d->last_is, base, &last)))
                return st;
            if (__builtin_sub_overflow(last, lower, &last) || __builtin_sub_overflow(last, first, &count) ||
                __builtin_add_overflow(count, 1, &count))
                return RPC_X_INVALID_BOUND;
        } else {
            count = max - first;
        }
        if (first < 0 || count < 0 || first > max || count > max - first)
            return RPC_X_INVALID_BOUND;
        b->max[i] = (uint32_t)max;
        b->offset[i] = (uint32_t)first;
        b->count[i] = (uint32_t)count;
        if (__builtin_mul_overflow(b->total, (size_t)max, &b->total))
            return RPC_X_INVALID_BOUND;
        b->sent *= (size_t)count;     /* <= total */
    }
    return RPC_S_OK;
}

long ndr_write_conformance(ndr_call *c, const ndr_bounds *b)
{
    long st = RPC_S_OK;
    for (uint32_t i = 0; i < b->n_dims && !st; i++)
        st = ndr_out_u32(c, b->max[i]);
    return st;
}

long ndr_read_conformance(ndr_call *c, const asidl_ndr_array *a, ndr_bounds *b)
{
    if (a->n_dims == 0 || a->n_dims > ASIDL_NDR_MAX_DIMS)
        return RPC_S_INTERNAL_ERROR;
    b->n_dims = a->n_dims;
    b->total = 1;
    for (uint32_t i = 0; i < a->n_dims; i++) {
        long st = ndr_in_u32(c, &b->max[i]);
        if (st)
            return st;
        if (__builtin_mul_overflow(b->total, (size_t)b->max[i], &b->total))
            return RPC_X_BAD_STUB_DATA;
    }
    return RPC_S_OK;
}

/* Visits the transmitted box of elements as runs of consecutive elements (the last
 * dimension's transmitted range), calling fn(first element index, run length). */
typedef long (*run_fn)(ndr_call *c, const asidl_ndr_array *a, unsigned char *mem, const unsigned char *base,
                       size_t first, size_t n);

static long for_each_run(ndr_call *c, const asidl_ndr_array *a, unsigned char *mem, const unsigned char *base,
                         const ndr_bounds *b, run_fn fn)
{
    uint32_t nd = b->n_dims, idx[ASIDL_NDR_MAX_DIMS];
    if (b->sent == 0)
        return RPC_S_OK;
    if (nd == 1)        /* one run: what the loop below does for a single dimension */
        return fn(c, a, mem, base, b->offset[0], b->count[0]);
    for (uint32_t i = 0; i < nd; i++)
        idx[i] = b->offset[i];
    for (;;) {
        size_t linear = 0;
        for (uint32_t i = 0; i < nd; i++)
            linear = linear * b->max[i] + idx[i];
        long st = fn(c, a, mem, base, linear, b->count[nd - 1]);
        if (st)
            return st;
        /* advance the outer indexes (the last dimension is the run) */
        int d = (int)nd - 2;
        for (; d >= 0; d--) {
            if (++idx[d] < b->offset[d] + b->count[d])
                break;
            idx[d] = b->offset[d];
        }
        if (d < 0)
            return RPC_S_OK;
    }
}

static long marshal_run(ndr_call *c, const asidl_ndr_array *a, unsigned char *mem, const unsigned char *base,
                        size_t first, size_t n)
{
    const asidl_ndr_type *et = a->elem;
    size_t es = et->mem_size;
    const unsigned char *p = mem + first * es;
    if (et->kind == ASIDL_NDR_BASE)
        return ndr_base_marshal_n(c, (const asidl_ndr_base *)et, p, n);
    size_t stride = ndr_flat_stride(et);
    if (stride) {
        unsigned char *dst;
        long st = ndr_out_align(c, et->align);
        if (!st)
            st = ndr_out_space(c, n * stride, &dst);
        if (!st && dst)
            asidl__copy(dst, p, n * stride);
        return st;
    }
    if (et->kind == ASIDL_NDR_STRUCT && !ndr_check_magic(et))
        return ndr_struct_marshal_n(c, (const asidl_ndr_struct *)et, p, n);
    for (size_t i = 0; i < n; i++) {
        long st = ndr_marshal_inline(c, et, p + i * es, base);
        if (st)
            return st;
    }
    return RPC_S_OK;
}

static long unmarshal_run(ndr_call *c, const asidl_ndr_array *a, unsigned char *mem, const unsigned char *base,
                          size_t first, size_t n)
{
    const asidl_ndr_type *et = a->elem;
    size_t es = et->mem_size;
    unsigned char *p = mem + first * es;
    if (et->kind == ASIDL_NDR_BASE)
        return ndr_base_unmarshal_n(c, (const asidl_ndr_base *)et, p, n);
    size_t stride = c->p.swap ? 0 : ndr_flat_stride(et);
    if (stride) {
        const unsigned char *src;
        long st = ndr_in_align(c, et->align);
        if (!st && !ndr_fits(n, stride, ndr_in_left(c)))
            st = RPC_X_BAD_STUB_DATA;
        if (!st)
            st = ndr_in_take(c, n * stride, &src);
        if (!st && p != src)    /* in place: already where they belong */
            asidl__copy(p, src, n * stride);
        return st;
    }
    if (et->kind == ASIDL_NDR_STRUCT && !ndr_check_magic(et))
        return ndr_struct_unmarshal_n(c, (const asidl_ndr_struct *)et, p, n);
    for (size_t i = 0; i < n; i++) {
        long st = ndr_unmarshal_inline(c, et, p + i * es, base);
        if (st)
            return st;
    }
    return RPC_S_OK;
}

/* The frequent array: one dimension, neither varying nor a string, of a base type (byte
 * buffers, DWORD lists).  marshal_simple and unmarshal_simple take the steps of the general
 * code below in the same order, with the same checks and statuses, without its per-dimension
 * bookkeeping (tests compare the two with ndr_use_fast_paths). */
static inline bool is_simple(const asidl_ndr_array *a)
{
    return ndr_fast_paths && ndr_array_is_simple(a);
}

/* What follows the maximum count's evaluation (max is in range). */
static long marshal_simple_elements(ndr_call *c, const asidl_ndr_array *a, const unsigned char *mem, int64_t max,
                                    bool hoisted)
{
    long st;
    if ((a->hdr.flags & ASIDL_NDR_F_CONFORMANT) && !hoisted && (st = ndr_out_u32(c, (uint32_t)max)))
        return st;
    if (max == 0)
        return RPC_S_OK;    /* nothing transmitted: not even the elements' alignment */
    return ndr_base_marshal_n(c, (const asidl_ndr_base *)a->elem, mem, (size_t)max);
}

static long marshal_simple(ndr_call *c, const asidl_ndr_array *a, const unsigned char *mem,
                           const unsigned char *base, bool hoisted)
{
    int64_t max, lower;
    long st = dim_max(c, c->p.proc, c->p.frame, &a->dims[0], base, &max, &lower);
    return st ? st : marshal_simple_elements(c, a, mem, max, hoisted);
}

/* size: the value of the dimension's size_is when the caller has it (evaluated, received),
 * else NULL and the expression is checked here. */
static long unmarshal_simple(ndr_call *c, const asidl_ndr_array *a, unsigned char *mem,
                             const unsigned char *base, size_t cap, const int64_t *size)
{
    const asidl_ndr_dim *d = &a->dims[0];
    uint32_t max = d->count;
    long st;
    if ((a->hdr.flags & ASIDL_NDR_F_CONFORMANT) && (st = ndr_in_u32(c, &max)))
        return st;
    if (max > cap)
        return RPC_X_INVALID_BOUND;
    if (d->count && max != d->count)
        return RPC_X_BAD_STUB_DATA;     /* a fixed dimension of a conformant array */
    if (size)
        st = *size == max ? RPC_S_OK : RPC_X_BAD_STUB_DATA;    /* what ndr_check finds for it */
    else
        st = ndr_check(c, d->size_is, NULL, base, max);
    if (st || (st = ndr_check(c, d->max_is, d->min_is, base, (int64_t)max - 1)))
        return st;
    if (!ndr_fits(max, ndr_min_wire_size(a->elem), ndr_in_left(c)))
        return RPC_X_BAD_STUB_DATA;
    if (max == 0)
        return RPC_S_OK;
    return ndr_base_unmarshal_n(c, (const asidl_ndr_base *)a->elem, mem, max);
}

long ndr_simple_array_marshal(ndr_call *c, const asidl_ndr_array *a, const unsigned char *mem)
{
    bool hoisted = c->p.hoist_pending != 0;
    c->p.hoist_pending = 0;
    return marshal_simple(c, a, mem, NULL, hoisted);
}

long ndr_simple_array_marshal_sized(ndr_call *c, const asidl_ndr_array *a, const unsigned char *mem, int64_t size)
{
    bool hoisted = c->p.hoist_pending != 0;
    c->p.hoist_pending = 0;
    if (size < 0 || size > UINT32_MAX)
        return RPC_X_INVALID_BOUND;     /* as dim_max has it */
    return marshal_simple_elements(c, a, mem, size, hoisted);
}

long ndr_simple_array_unmarshal(ndr_call *c, const asidl_ndr_array *a, unsigned char *mem, size_t cap)
{
    c->p.hoist_pending = 0;
    c->p.target_cap = SIZE_MAX;
    return unmarshal_simple(c, a, mem, NULL, cap, NULL);
}

long ndr_simple_array_unmarshal_sized(ndr_call *c, const asidl_ndr_array *a, unsigned char *mem, size_t cap,
                                      int64_t size)
{
    c->p.hoist_pending = 0;
    c->p.target_cap = SIZE_MAX;
    return unmarshal_simple(c, a, mem, NULL, cap, &size);
}

long ndr_array_marshal(ndr_call *c, const asidl_ndr_array *a, const unsigned char *mem,
                       const unsigned char *base)
{
    if (a->hdr.flags & ASIDL_NDR_F_STRING)
        return ndr_string_marshal(c, a, mem, base);
    bool hoisted = c->p.hoist_pending != 0;
    c->p.hoist_pending = 0;
    if (is_simple(a))
        return marshal_simple(c, a, mem, base, hoisted);
    ndr_bounds b;
    long st = ndr_array_bounds(c, c->p.proc, c->p.frame, a, mem, base, &b);
    if (st)
        return st;
    if ((a->hdr.flags & ASIDL_NDR_F_CONFORMANT) && !hoisted && (st = ndr_write_conformance(c, &b)))
        return st;
    if (a->hdr.flags & ASIDL_NDR_F_VARYING) {
        for (uint32_t i = 0; i < b.n_dims && !st; i++) {
            st = ndr_out_u32(c, b.offset[i]);
            if (!st)
                st = ndr_out_u32(c, b.count[i]);
        }
        if (st)
            return st;
    }
    return for_each_run(c, a, (unsigned char *)mem, base, &b, marshal_run);
}

long ndr_array_unmarshal(ndr_call *c, const asidl_ndr_array *a, unsigned char *mem,
                         const unsigned char *base)
{
    if (a->hdr.flags & ASIDL_NDR_F_STRING)
        return ndr_string_unmarshal(c, a, mem, base);
    bool hoisted = c->p.hoist_pending != 0;
    c->p.hoist_pending = 0;
    size_t cap = c->p.target_cap;
    c->p.target_cap = SIZE_MAX;
    if (!hoisted && is_simple(a))
        return unmarshal_simple(c, a, mem, base, cap, NULL);
    long st;
    ndr_bounds b = { .n_dims = a->n_dims, .total = 1, .sent = 1 };
    if (a->n_dims == 0 || a->n_dims > ASIDL_NDR_MAX_DIMS)
        return RPC_S_INTERNAL_ERROR;

    /* conformance: from the wire (here or hoisted by the enclosing structure) */
    if (a->hdr.flags & ASIDL_NDR_F_CONFORMANT) {
        if (hoisted) {
            if (c->p.hoist_n != a->n_dims)
                return RPC_S_INTERNAL_ERROR;
            memcpy(b.max, c->p.hoist, sizeof b.max);
            for (uint32_t i = 0; i < a->n_dims; i++)
                if (__builtin_mul_overflow(b.total, (size_t)b.max[i], &b.total))
                    return RPC_X_BAD_STUB_DATA;
        } else if ((st = ndr_read_conformance(c, a, &b))) {
            return st;
        }
    } else {
        for (uint32_t i = 0; i < a->n_dims; i++) {
            b.max[i] = a->dims[i].count;
            if (__builtin_mul_overflow(b.total, (size_t)b.max[i], &b.total))
                return RPC_S_INTERNAL_ERROR;
        }
    }
    if (b.total > cap)
        return RPC_X_INVALID_BOUND;
    for (uint32_t i = 0; i < a->n_dims; i++) {
        const asidl_ndr_dim *d = &a->dims[i];
        if (d->count && b.max[i] != d->count)
            return RPC_X_BAD_STUB_DATA;     /* a fixed dimension of a conformant array */
        if ((st = ndr_check(c, d->size_is, NULL, base, b.max[i])) ||
            (st = ndr_check(c, d->max_is, d->min_is, base, (int64_t)b.max[i] - 1)))
            return st;
    }

    /* variance */
    if (a->hdr.flags & ASIDL_NDR_F_VARYING) {
        for (uint32_t i = 0; i < a->n_dims; i++) {
            const asidl_ndr_dim *d = &a->dims[i];
            if ((st = ndr_in_u32(c, &b.offset[i])) || (st = ndr_in_u32(c, &b.count[i])))
                return st;
            if (b.offset[i] > b.max[i] || b.count[i] > b.max[i] - b.offset[i])
                return RPC_X_INVALID_BOUND;
            if (!is_varying_dim(d) && (b.offset[i] != 0 || b.count[i] != b.max[i]))
                return RPC_X_BAD_STUB_DATA;
            if ((st = ndr_check(c, d->first_is, d->min_is, base, b.offset[i])) ||
                (st = ndr_check(c, d->length_is, NULL, base, b.count[i])) ||
                (st = ndr_check(c, d->last_is, d->min_is, base, (int64_t)b.offset[i] + b.count[i] - 1)))
                return st;
            b.sent *= b.count[i];
        }
    } else {
        for (uint32_t i = 0; i < a->n_dims; i++) {
            b.offset[i] = 0;
            b.count[i] = b.max[i];
        }
        b.sent = b.total;
    }

    /* Each element takes some wire octets: a count the rest of the input cannot hold is
     * rejected before any element is read (or any memory sized from it touched). */
    size_t min = ndr_min_wire_size(a->elem);
    if (!ndr_fits(b.sent, min, ndr_in_left(c)))
        return RPC_X_BAD_STUB_DATA;
    return for_each_run(c, a, mem, base, &b, unmarshal_run);
}

long ndr_simple_array_peek(ndr_call *c, const asidl_ndr_array *a, size_t *bytes, size_t *elements)
{
    size_t pos = (c->p.in_pos + 3) & ~(size_t)3;
    if (pos > c->p.in_len || c->p.in_len - pos < 4)
        return RPC_X_BAD_STUB_DATA;
    size_t total = ndr_get_u32(c, c->p.in + pos), n;
    if (!ndr_fits(total, ndr_min_wire_size(a->elem), c->p.in_len - pos - 4))
        return RPC_X_BAD_STUB_DATA;
    if (__builtin_mul_overflow(total, (size_t)a->elem->mem_size, &n))
        return RPC_X_BAD_STUB_DATA;
    *bytes = n;
    *elements = total;
    return RPC_S_OK;
}

long ndr_referent_mem_size(ndr_call *c, const asidl_ndr_type *t, size_t *bytes, size_t *elements)
{
    if (ndr_fast_paths && t->kind == ASIDL_NDR_ARRAY &&
        (t->flags & (ASIDL_NDR_F_CONFORMANT | ASIDL_NDR_F_VARYING)) == ASIDL_NDR_F_CONFORMANT &&
        ((const asidl_ndr_array *)t)->n_dims == 1)
        return ndr_simple_array_peek(c, (const asidl_ndr_array *)t, bytes, elements);
    const asidl_ndr_array *a = NULL;
    size_t fixed = t->mem_size, elem_off = 0;
    *elements = 0;
    if (t->kind == ASIDL_NDR_ARRAY && (t->flags & ASIDL_NDR_F_CONFORMANT)) {
        a = (const asidl_ndr_array *)t;
        fixed = 0;
    } else if (t->kind == ASIDL_NDR_STRUCT && (t->flags & ASIDL_NDR_F_CONFORMANT)) {
        const asidl_ndr_struct *holder;
        uint32_t off;
        a = ndr_struct_tail((const asidl_ndr_struct *)t, &off, &holder);
        if (!a)
            return RPC_S_INTERNAL_ERROR;
        elem_off = off;
    }
    if (!a) {
        *bytes = fixed;
        return RPC_S_OK;
    }
    /* Peek at the counts ahead without consuming them: the maximum counts, and for a varying
     * array the (offset, actual count) pairs that follow them at once. */
    if (a->n_dims == 0 || a->n_dims > ASIDL_NDR_MAX_DIMS)
        return RPC_S_INTERNAL_ERROR;
    bool variance_follows = (a->hdr.flags & ASIDL_NDR_F_VARYING) && t->kind == ASIDL_NDR_ARRAY;
    size_t words = (size_t)a->n_dims * (variance_follows ? 3 : 1);
    size_t pos = (c->p.in_pos + 3) & ~(size_t)3;
    if (pos > c->p.in_len || !ndr_fits(words, 4, c->p.in_len - pos))
        return RPC_X_BAD_STUB_DATA;
    const unsigned char *counts = c->p.in + pos;
    size_t total = 1, sent = 0;
    for (uint32_t i = 0; i < a->n_dims; i++)
        if (__builtin_mul_overflow(total, (size_t)ndr_get_u32(c, counts + 4 * i), &total))
            return RPC_X_BAD_STUB_DATA;
    if (variance_follows) {
        sent = 1;
        for (uint32_t i = 0; i < a->n_dims; i++) {
            uint32_t count = ndr_get_u32(c, counts + 4 * a->n_dims + 8 * i + 4);
            sent = __builtin_mul_overflow(sent, (size_t)count, &sent) ? SIZE_MAX : sent;
        }
    } else if (!(a->hdr.flags & ASIDL_NDR_F_VARYING)) {
        sent = total;       /* every element is transmitted */
    }
    size_t left = c->p.in_len - pos - 4 * words;
    /* A count the rest of the input cannot hold is refused before anything is allocated. */
    size_t min = ndr_min_wire_size(a->elem);
    if (!ndr_fits(sent, min, left))
        return RPC_X_BAD_STUB_DATA;
    size_t n;
    if (__builtin_mul_overflow(total, (size_t)a->elem->mem_size, &n) ||
        __builtin_add_overflow(n, elem_off, &n))
        return RPC_X_BAD_STUB_DATA;
    *bytes = n > fixed ? n : fixed;
    *elements = total;
    return RPC_S_OK;
}
