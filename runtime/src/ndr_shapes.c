/*
 * ndr_shapes.c: the parameters most procedures are made of, taken without the general walk.
 *
 * A top-level parameter of any type goes through several layers (ndr_marshal_root /
 * ndr_unmarshal_root, the top-level pointer rules, the referent's memory, the dispatch on its
 * kind), each checking what it is given; for a small call they cost more than the data.
 * Three shapes cover most parameters of most procedures:
 *
 *   BASE        a base type by value (unsigned long n, the return value)
 *   REF_BASE    a [ref] pointer to a base type ([out] long *result, [in, out] DWORD *flags)
 *   REF_ARRAY   a [ref] pointer to a one-dimensional array of a base type, neither varying nor
 *               a string, whose size is fixed or one parameter ([in, size_is(n)] byte *data)
 *
 * For these the functions below make the checks the layers make, in the same order, with the
 * same statuses, and call the same leaves (ndr_base_*, the simple-array functions of
 * ndr_arrays.c, ndr_alloc).  A parameter of any other shape, or in any situation the shortcut
 * does not cover (full or unique pointers, [in, out] arrays, big-endian input), returns
 * NDR_SHAPE_GENERAL and takes the general walk.  ndr_use_fast_paths(false) sends every
 * parameter there, which the tests use to compare the two on good and bad input.
 *
 * A REF_ARRAY of flat elements (copied as one block) whose size_is parameter the frame holds
 * goes further: its count is read once (not peeked, then read again), its memory chosen and
 * its elements copied in one step, and marshalling reserves count and elements at once.
 * The passes' loops over a procedure's parameters are here too, so that the shortcuts are
 * inlined into them.
 */
#include "ndr_internal.h"

static bool magic_ok(const asidl_ndr_type *t)
{
    return t && t->magic == ASIDL_NDR_MAGIC;
}

/* The referent of a [ref] pointer, if t is one and the referent is not itself a pointer. */
static const asidl_ndr_type *ref_referent(const asidl_ndr_type *t)
{
    if (t->kind != ASIDL_NDR_POINTER || (t->flags & ASIDL_NDR_PTR_KIND_MASK) != ASIDL_NDR_PTR_REF)
        return NULL;
    const asidl_ndr_type *r = ((const asidl_ndr_pointer *)t)->referent;
    return magic_ok(r) && r->kind != ASIDL_NDR_POINTER ? r : NULL;
}

/* A simple array (ndr_array_is_simple) whose dimension is a fixed count or size_is naming one
 * parameter: no min_is / max_is. */
static const asidl_ndr_array *shape_array(const asidl_ndr_type *r)
{
    if (r->kind != ASIDL_NDR_ARRAY)
        return NULL;
    const asidl_ndr_array *a = (const asidl_ndr_array *)r;
    if (!ndr_array_is_simple(a) || !magic_ok(a->elem))
        return NULL;
    const asidl_ndr_dim *d = &a->dims[0];
    if (d->min_is || d->max_is)
        return NULL;
    if (d->count)
        return d->size_is ? NULL : a;
    return d->size_is && d->size_is[0].op == ASIDL_NDR_OP_PARAM && d->size_is[1].op == ASIDL_NDR_OP_END ? a : NULL;
}

static const unsigned char *load_ptr(const unsigned char *slot)
{
    const unsigned char *p;
    memcpy(&p, slot, sizeof p);
    return p;
}

/* ===================================================================== the shapes */

void ndr_param_classify(const asidl_ndr_param *p, ndr_param_info *info)
{
    const asidl_ndr_type *t = p->type;
    info->shape = NDR_SHAPE_OF_GENERAL;
    info->ref = NULL;
    info->size_param = NDR_NO_SIZE_PARAM;
    info->size_ready = 0;
    info->size_ctype = 0;
    info->flat = 0;
    info->in_place = 0;
    info->flags = p->flags;
    info->elem_size = 0;
    if (!magic_ok(t))
        return;
    if (t->kind == ASIDL_NDR_BASE) {
        info->shape = NDR_SHAPE_BASE;
        info->ref = t;
        return;
    }
    const asidl_ndr_type *r = ref_referent(t);
    if (!r)
        return;
    info->ref = r;
    info->shape = r->kind == ASIDL_NDR_BASE ? NDR_SHAPE_REF_BASE
                  : shape_array(r)          ? NDR_SHAPE_REF_ARRAY
                                            : NDR_SHAPE_REF_OTHER;
    if (info->shape == NDR_SHAPE_REF_ARRAY) {
        const asidl_ndr_type *e = ((const asidl_ndr_array *)r)->elem;
        info->elem_size = e->align;
        info->in_place = (p->flags & (ASIDL_NDR_PARAM_IN | ASIDL_NDR_PARAM_OUT)) == ASIDL_NDR_PARAM_IN &&
                         ndr_flat_stride(e) == e->mem_size;
    }
}

/* Whether parameter j has been received when parameter i is unmarshalled on `side`: what
 * ndr_param_ready says while parameter i is the one being read. */
static bool received_before(const asidl_ndr_proc *proc, uint32_t j, uint32_t i, asidl_ndr_side side)
{
    const asidl_ndr_param *p = &proc->params[j];
    if (p->flags & ASIDL_NDR_PARAM_NOWIRE)
        return true;
    bool received = side == ASIDL_NDR_CLIENT ? (p->flags & ASIDL_NDR_PARAM_OUT) != 0
                                             : (p->flags & ASIDL_NDR_PARAM_IN) != 0;
    return !received || j < i;
}

void ndr_param_classify_size(const asidl_ndr_proc *proc, uint32_t i, ndr_param_info *info)
{
    info->size_param = NDR_NO_SIZE_PARAM;
    info->size_ready = 0;
    info->flat = 0;
    if (info->shape != NDR_SHAPE_REF_ARRAY || !(info->ref->flags & ASIDL_NDR_F_CONFORMANT))
        return;
    const asidl_ndr_op *e = ((const asidl_ndr_array *)info->ref)->dims[0].size_is;
    unsigned size = e ? e->ctype & 0x0F : 0;    /* (shape_array: one PARAM operand, if any) */
    if (!e || e->arg < 0 || e->arg >= proc->n_params || (size != 1 && size != 2 && size != 4 && size != 8))
        return;     /* the expression's own errors are the general evaluation's to report */
    uint32_t j = (uint32_t)e->arg;
    info->size_param = j;
    info->size_ctype = e->ctype;
    info->size_ready = (uint8_t)((received_before(proc, j, i, ASIDL_NDR_CLIENT) ? 1u << ASIDL_NDR_CLIENT : 0) |
                                 (received_before(proc, j, i, ASIDL_NDR_SERVER) ? 1u << ASIDL_NDR_SERVER : 0));
    info->flat = ndr_base_block_copy((const asidl_ndr_base *)((const asidl_ndr_array *)info->ref)->elem);
}

/* Whether the shortcuts apply at all: not when tests turned them off, and not to anything
 * but a top-level parameter (no conformance hoisted by an enclosing structure). */
static bool shortcuts(const ndr_call *c)
{
    return ndr_fast_paths && !c->p.hoist_pending;
}

/* ===================================================================== flat arrays */

/* A conformant array of flat elements (pi->flat) whose size the caller has read: the count,
 * then the elements, reserved at once.  What ndr_simple_array_marshal_sized does, with the
 * same statuses (a buffer that cannot grow fails the same whichever item it fails on; the
 * pass takes back what was written). */
static long marshal_flat(ndr_call *c, const ndr_param_info *pi, const unsigned char *mem, int64_t size)
{
    if (size < 0 || size > UINT32_MAX)
        return RPC_X_INVALID_BOUND;     /* as dim_max has it */
    const asidl_ndr_array *a = (const asidl_ndr_array *)pi->ref;
    size_t es = pi->elem_size, bytes;
    asidl_ndr_buffer *b = c->p.out;
    if (b->len > SIZE_MAX / 2 || __builtin_mul_overflow((size_t)size, es, &bytes) || bytes > SIZE_MAX / 2 - 16)
        return ndr_simple_array_marshal_sized(c, a, mem, size);     /* (sizes no buffer reaches) */
    size_t count_at = (b->len + 3) & ~(size_t)3, data = count_at + 4, end = data;
    if (size) {
        data = (data + es - 1) & ~(es - 1);     /* the elements' alignment, only if there are any */
        end = data + bytes;
    }
    long st;
    if (b->cap - b->len < end - b->len && (st = ndr_out_grow(c, end - b->len)))
        return st;
    unsigned char *d = b->data;
    for (size_t i = b->len; i < count_at; i++)
        d[i] = 0;
    ndr_put_u32(d + count_at, (uint32_t)size);
    for (size_t i = count_at + 4; i < data; i++)
        d[i] = 0;
    if (bytes)
        asidl__copy(d + data, mem, bytes);
    b->len = end;
    return RPC_S_OK;
}

/* The conformance of a flat array about to be read, as ndr_simple_array_peek checks it (and
 * little-endian: the callers' condition): *count, and where the elements' part starts. */
NDR_INLINE long peek_flat(const ndr_call *c, size_t es, uint32_t *count, size_t *after)
{
    size_t pos = (c->p.in_pos + 3) & ~(size_t)3;
    if (pos > c->p.in_len || c->p.in_len - pos < 4)
        return RPC_X_BAD_STUB_DATA;
    uint32_t n = ndr_get_u32(c, c->p.in + pos);
    if (!ndr_fits(n, es, c->p.in_len - pos - 4))
        return RPC_X_BAD_STUB_DATA;
    *count = n;
    *after = pos + 4;
    return RPC_S_OK;
}

/* Takes the array peek_flat looked at into mem: what ndr_simple_array_unmarshal_sized does
 * after the peek (cap: the elements mem holds; size: the array's size_is, received). */
NDR_INLINE long take_flat(ndr_call *c, size_t es, uint32_t count, size_t after, unsigned char *mem, size_t cap,
                      int64_t size)
{
    if (count > cap)
        return RPC_X_INVALID_BOUND;
    if (size != count)
        return RPC_X_BAD_STUB_DATA;
    c->p.in_pos = after;
    if (count == 0)
        return RPC_S_OK;        /* nothing transmitted: not even the elements' alignment */
    size_t pos = (after + es - 1) & ~(es - 1);
    if (pos > c->p.in_len || !ndr_fits(count, es, c->p.in_len - pos))
        return RPC_X_BAD_STUB_DATA;
    const unsigned char *src = c->p.in + pos;
    c->p.in_pos = pos + count * es;
    if (mem != src)     /* in place: the elements are already where they belong */
        asidl__copy(mem, src, count * es);
    return RPC_S_OK;
}

/* ===================================================================== marshalling */

static long shape_marshal(ndr_call *c, const ndr_param_info *pi, const unsigned char *slot)
{
    if (!shortcuts(c))
        return NDR_SHAPE_GENERAL;
    const unsigned char *ref;
    switch (pi->shape) {
    case NDR_SHAPE_BASE:
        return ndr_base_marshal(c, (const asidl_ndr_base *)pi->ref, slot);
    case NDR_SHAPE_REF_BASE:
        /* (a client [in, out] referent's capacity is recorded only for conformant data) */
        ref = load_ptr(slot);
        return ref ? ndr_base_marshal(c, (const asidl_ndr_base *)pi->ref, ref) : RPC_X_NULL_REF_POINTER;
    case NDR_SHAPE_REF_ARRAY:
        if (c->p.record_caps)       /* (a client [in, out] array: its capacity is recorded) */
            return NDR_SHAPE_GENERAL;
        ref = load_ptr(slot);
        if (!ref)
            return RPC_X_NULL_REF_POINTER;
        const asidl_ndr_array *a = (const asidl_ndr_array *)pi->ref;
        int64_t size;
        if (!ndr_known_size(c, pi, false, &size))
            return ndr_simple_array_marshal(c, a, ref);
        return pi->flat && !ndr_sizing(c) ? marshal_flat(c, pi, ref, size)
                                          : ndr_simple_array_marshal_sized(c, a, ref, size);
    case NDR_SHAPE_REF_OTHER: {
        if (c->p.record_caps)
            return NDR_SHAPE_GENERAL;
        /* Its own walk, without the top-level pointer's layers. */
        ref = load_ptr(slot);
        if (!ref)
            return RPC_X_NULL_REF_POINTER;
        size_t mark = c->p.q_len;
        long st = ndr_marshal_inline(c, pi->ref, ref, NULL);
        return st ? st : ndr_drain_marshal(c, mark);
    }
    }
    return NDR_SHAPE_GENERAL;
}

/* ===================================================================== client: the reply */

/* A client's [out] simple array goes into the caller's storage, which holds what the array's
 * declared size says (or what was recorded for it when it was sent). */
static long client_array(ndr_call *c, const ndr_param_info *pi, unsigned char *given)
{
    const asidl_ndr_array *a = (const asidl_ndr_array *)pi->ref;
    size_t cap = SIZE_MAX;
    int64_t size;
    bool sized = ndr_known_size(c, pi, true, &size);
    if (sized && pi->flat && !c->p.swap && !c->p.capacities.used) {
        /* no capacity recorded: the size says what the caller's storage holds */
        if (size < 0)
            return RPC_X_INVALID_BOUND;
        size_t es = pi->elem_size, after;
        uint32_t count;
        long st = peek_flat(c, es, &count, &after);
        if (st)
            return st;
        return take_flat(c, es, count, after, given, (size_t)size, size);
    }
    if (a->hdr.flags & ASIDL_NDR_F_CONFORMANT) {
        uint64_t recorded;
        if (ndr_map_get(&c->p.capacities, (uint64_t)(uintptr_t)given, &recorded)) {
            cap = (size_t)recorded;
        } else {
            int64_t v;
            bool ready = true;
            if (a->dims[0].count) {
                v = a->dims[0].count;
            } else if (sized) {
                v = size;
            } else {
                long st = ndr_eval(c, c->p.proc, c->p.frame, a->dims[0].size_is, NULL, &v, &ready);
                if (st)
                    return st;
                if (!ready)
                    return RPC_X_INVALID_BOUND;
            }
            if (v < 0)
                return RPC_X_INVALID_BOUND;
            cap = (size_t)v;
        }
        size_t bytes, elements;
        long st = ndr_simple_array_peek(c, a, &bytes, &elements);
        if (st)
            return st;
        if (elements > cap)
            return RPC_X_INVALID_BOUND;
    }
    return sized ? ndr_simple_array_unmarshal_sized(c, a, given, cap, size)
                 : ndr_simple_array_unmarshal(c, a, given, cap);
}

static long shape_client_unmarshal(ndr_call *c, const ndr_param_info *pi, unsigned char *slot)
{
    if (!shortcuts(c))
        return NDR_SHAPE_GENERAL;
    if (pi->shape == NDR_SHAPE_BASE)
        return ndr_base_unmarshal(c, (const asidl_ndr_base *)pi->ref, slot);
    if (pi->flags & ASIDL_NDR_PARAM_RETURN)
        return NDR_SHAPE_GENERAL;
    if (pi->shape != NDR_SHAPE_REF_BASE && (pi->shape != NDR_SHAPE_REF_ARRAY || (pi->flags & ASIDL_NDR_PARAM_IN)))
        return NDR_SHAPE_GENERAL;   /* [in, out] arrays may reuse or replace the caller's block */
    /* The parameter's value is the caller's pointer, which the call cannot change. */
    unsigned char *given;
    memcpy(&given, slot, sizeof given);
    if (!given)
        return RPC_X_NULL_REF_POINTER;
    if (pi->shape == NDR_SHAPE_REF_BASE)
        return ndr_base_unmarshal(c, (const asidl_ndr_base *)pi->ref, given);
    return client_array(c, pi, given);
}

/* ===================================================================== server: the request */

/* A flat array whose size has been received: its memory (in the request when it can stay
 * there, as ndr_in_place_possible decides, else a new block), then its elements, with the
 * general code's statuses in its order (memory is found before the count is compared). */
static long server_flat(ndr_call *c, const ndr_param_info *pi, void **slot, int64_t size)
{
    size_t es = pi->elem_size, after;
    uint32_t count;
    long st = peek_flat(c, es, &count, &after);
    if (st)
        return st;
    size_t at = (after + es - 1) & ~(es - 1);
    unsigned char *mem = (unsigned char *)(uintptr_t)(c->p.in + at);
    if (c->in_place && pi->in_place && count != 0 && at <= c->p.in_len && ndr_fits(count, es, c->p.in_len - at) &&
        !((uintptr_t)mem & (es - 1))) {
        *slot = mem;
    } else {
        void *block;
        if ((st = ndr_alloc(c, (size_t)count * es, false, slot, &block)))
            return st;
        mem = block;
    }
    return take_flat(c, es, count, after, mem, SIZE_MAX, size);
}

static long shape_server_unmarshal(ndr_call *c, const ndr_param_info *pi, unsigned char *slot)
{
    if (!shortcuts(c))
        return NDR_SHAPE_GENERAL;
    if (pi->shape == NDR_SHAPE_BASE)
        return ndr_base_unmarshal(c, (const asidl_ndr_base *)pi->ref, slot);
    const asidl_ndr_type *r = pi->ref;
    void **s = (void **)(void *)slot;
    void *block;
    long st;
    if (pi->shape == NDR_SHAPE_REF_BASE) {
        if ((st = ndr_alloc(c, r->mem_size, false, s, &block)))
            return st;
        return ndr_base_unmarshal(c, (const asidl_ndr_base *)r, block);
    }
    if (pi->shape != NDR_SHAPE_REF_ARRAY)
        return NDR_SHAPE_GENERAL;
    const asidl_ndr_array *a = (const asidl_ndr_array *)r;
    int64_t size;
    if (pi->flat && !c->p.swap && ndr_known_size(c, pi, true, &size))
        return server_flat(c, pi, s, size);
    /* Its memory: in the request if it can stay there, else a new block. */
    size_t bytes = r->mem_size, elements = 0;
    if ((r->flags & ASIDL_NDR_F_CONFORMANT) && (st = ndr_simple_array_peek(c, a, &bytes, &elements)))
        return st;
    if (!(r->flags & ASIDL_NDR_F_CONFORMANT))
        elements = bytes / a->elem->mem_size;
    unsigned char *mem;
    if (ndr_in_place_possible(c, r, elements, &mem)) {
        *s = mem;
    } else {
        if ((st = ndr_alloc(c, bytes, false, s, &block)))
            return st;
        mem = block;
    }
    return ndr_known_size(c, pi, true, &size) ? ndr_simple_array_unmarshal_sized(c, a, mem, SIZE_MAX, size)
                                          : ndr_simple_array_unmarshal(c, a, mem, SIZE_MAX);
}

/* ===================================================================== the passes */

/* Each parameter of a list by its shape's shortcut or, where that does not apply, the general
 * walk.  In this file so that the shortcuts are inlined into the loops: a call per parameter
 * cost more than a small parameter's data. */

long ndr_params_marshal(ndr_call *c, const ndr_proc_info *info, const asidl_ndr_proc *proc, void **args, int list)
{
    ndr_param_info local;
    ndr_param_iter it = ndr_params(info, proc, list);
    /* The client remembers how big its [in,out] buffers are, to refill them safely. */
    bool request = c->p.mode == NDR_MODE_MARSHAL && c->side == ASIDL_NDR_CLIENT;
    for (uint32_t i; ndr_next_param(&it, &i);) {
        const ndr_param_info *pi = ndr_param_info_of(info, proc, i, &local);
        c->p.param = i;
        c->p.record_caps = request && (pi->flags & ASIDL_NDR_PARAM_OUT);
        long st = shape_marshal(c, pi, args[i]);
        if (st == NDR_SHAPE_GENERAL)
            st = ndr_marshal_root(c, proc->params[i].type, args[i], NULL);
        if (st)
            return st;
    }
    c->p.record_caps = 0;
    return RPC_S_OK;
}

long ndr_params_client_unmarshal(ndr_call *c, const ndr_proc_info *info, const asidl_ndr_proc *proc, void **args)
{
    ndr_param_info local;
    ndr_param_iter it = ndr_params(info, proc, NDR_LIST_OUT);
    long st = RPC_S_OK;
    for (uint32_t i; !st && ndr_next_param(&it, &i);) {
        const ndr_param_info *pi = ndr_param_info_of(info, proc, i, &local);
        c->p.param = i;
        c->p.reuse = (pi->flags & ASIDL_NDR_PARAM_IN) != 0;
        size_t mark = c->p.q_len;
        if ((st = shape_client_unmarshal(c, pi, args[i])) != NDR_SHAPE_GENERAL)
            continue;
        const asidl_ndr_param *p = &proc->params[i];
        if (p->type->kind == ASIDL_NDR_POINTER && !(p->flags & ASIDL_NDR_PARAM_RETURN)) {
            /* the caller's storage is the referent (a top-level [ref] pointer is never changed) */
            st = ndr_check_magic(p->type);
            if (!st)
                st = ndr_pointer_unmarshal_top(c, (const asidl_ndr_pointer *)p->type, args[i], NULL, true);
            if (!st)
                st = ndr_drain_unmarshal(c, mark);
        } else {
            st = ndr_unmarshal_root(c, p->type, args[i], NULL);
        }
    }
    c->p.reuse = 0;
    return st;
}

long ndr_params_server_unmarshal(ndr_call *c, const ndr_proc_info *info, const asidl_ndr_proc *proc, void **args)
{
    ndr_param_info local;
    ndr_param_iter it = ndr_params(info, proc, NDR_LIST_IN);
    long st = RPC_S_OK;
    for (uint32_t i; !st && ndr_next_param(&it, &i);) {
        c->p.param = i;
        if ((st = shape_server_unmarshal(c, ndr_param_info_of(info, proc, i, &local), args[i])) == NDR_SHAPE_GENERAL)
            st = ndr_unmarshal_root(c, proc->params[i].type, args[i], NULL);
    }
    return st;
}
