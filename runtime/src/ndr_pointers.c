/*
 * ndr_pointers.c: the pointer rules of NDR 2.0.
 *
 *   - A top-level [ref] pointer has no wire form; its referent follows in place.  Top-level
 *     [unique]/[ptr] pointers are a referent ID (0 for NULL) followed at once by the referent.
 *   - A pointer embedded in a structure, array or union is a 4-octet referent ID in place
 *     ([ref] ones too, never 0); the referent is deferred until the construct is complete.
 *   - [ptr] (full) pointers keep aliasing: the same address gets the same ID and its data goes
 *     once, with the first occurrence.  Referent IDs count from 0x20000 in steps of 4.
 *   - A pointer to a pointer puts the inner pointer's ID right where the referent goes.
 *
 * Unmarshalling mirrors this, allocating each referent with MIDL_user_allocate (the client
 * writes [out] data into the caller's storage for top-level [ref] parameters, and into existing
 * memory for [in,out] data when it fits, as MIDL does).
 */
#include "ndr_internal.h"

#define FULL_PTR_PENDING UINT64_MAX     /* unmarshal: ID seen, referent not received yet */

static unsigned ptr_kind(const asidl_ndr_pointer *p)
{
    return p->hdr.flags & ASIDL_NDR_PTR_KIND_MASK;
}

static const void *load_ptr(const unsigned char *slot)
{
    const void *p;
    memcpy(&p, slot, sizeof p);
    return p;
}

/* ===================================================================== the queue */

/* Processes the referents queued above mark, each completely (its own referents first) before
 * the next: depth-first, in pointer order, with the queue as the only stack (the depth of the
 * data never reaches the C stack).  Referents that queue nothing of their own, the usual case,
 * are taken in order from the bottom; once one queues referents, the rest is run as a stack
 * whose top is always the next to process (each group reversed, its first member on top). */
typedef long referent_fn(ndr_call *c, const ndr_queue_entry *e);

static long drain_as_stack(ndr_call *c, size_t bottom, referent_fn *process)
{
    while (c->p.q_len > bottom) {
        ndr_queue_entry e = c->p.queue[--c->p.q_len];
        size_t before = c->p.q_len;
        long st = process(c, &e);
        if (st)
            return st;
        if (c->p.q_len - before > 1)
            ndr_queue_reverse(c, before, c->p.q_len);
    }
    return RPC_S_OK;
}

static long drain(ndr_call *c, size_t mark, referent_fn *process)
{
    size_t end = c->p.q_len;
    for (size_t i = mark; i < end;) {
        ndr_queue_entry e = c->p.queue[i++];     /* a copy: processing may move the queue */
        long st = process(c, &e);
        if (st)
            return st;
        if (c->p.q_len > end) {
            /* its referents go before the siblings still waiting: a stack from here on */
            ndr_queue_reverse(c, i, end);
            ndr_queue_reverse(c, end, c->p.q_len);
            if ((st = drain_as_stack(c, i, process)))
                return st;
            break;
        }
    }
    c->p.q_len = mark;
    return RPC_S_OK;
}

/* ===================================================================== marshalling */

static uint32_t next_id(ndr_call *c)
{
    uint32_t id = c->p.next_id;
    c->p.next_id += NDR_REFERENT_ID_STEP;
    return id;
}

/* The referent ID an embedded (or top-level unique / full) pointer travels as, and whether
 * its referent must follow: not for NULL, and not for a full pointer whose referent was
 * already sent. */
static inline long pointer_id(ndr_call *c, const asidl_ndr_pointer *p, const void *ref, uint32_t *id, bool *need)
{
    *need = false;
    *id = 0;
    switch (ptr_kind(p)) {
    case ASIDL_NDR_PTR_REF:
        if (!ref)
            return RPC_X_NULL_REF_POINTER;
        *need = true;
        *id = next_id(c);
        return RPC_S_OK;
    case ASIDL_NDR_PTR_UNIQUE:
        if (ref) {
            *need = true;
            *id = next_id(c);
        }
        return RPC_S_OK;
    case ASIDL_NDR_PTR_FULL: {
        if (!ref)
            return RPC_S_OK;
        uint64_t known;
        if (ndr_map_get(&c->p.full_ptrs, (uint64_t)(uintptr_t)ref, &known)) {
            *id = (uint32_t)known;
            return RPC_S_OK;
        }
        *id = next_id(c);
        *need = true;
        return ndr_map_put(&c->p.full_ptrs, (uint64_t)(uintptr_t)ref, *id);
    }
    case ASIDL_NDR_PTR_IGNORE:
        return RPC_S_OK;
    }
    return RPC_S_INTERNAL_ERROR;
}

/* Writes a top-level pointer's representation (where it has one) and says whether its
 * referent must follow. */
static long write_pointer(ndr_call *c, const asidl_ndr_pointer *p, const void *ref, bool *need)
{
    if (ptr_kind(p) == ASIDL_NDR_PTR_REF) {
        *need = true;       /* a top-level [ref] pointer has no wire form */
        return ref ? RPC_S_OK : RPC_X_NULL_REF_POINTER;
    }
    uint32_t id;
    long st = pointer_id(c, p, ref, &id, need);
    return st ? st : ndr_out_u32(c, id);
}

/* Elements a conformant referent holds (for [in,out] reuse on the client). */
static long record_capacity(ndr_call *c, const asidl_ndr_type *t, const unsigned char *ref,
                            const unsigned char *base)
{
    const asidl_ndr_array *a = NULL;
    const unsigned char *arr_mem = ref, *arr_base = base;
    if (t->kind == ASIDL_NDR_ARRAY && (t->flags & ASIDL_NDR_F_CONFORMANT)) {
        a = (const asidl_ndr_array *)t;
    } else if (t->kind == ASIDL_NDR_STRUCT && (t->flags & ASIDL_NDR_F_CONFORMANT)) {
        uint32_t off;
        const asidl_ndr_struct *holder;
        a = ndr_struct_tail((const asidl_ndr_struct *)t, &off, &holder);
        if (!a)
            return RPC_S_INTERNAL_ERROR;
        arr_mem = ref + off;
        arr_base = arr_mem - holder->fields[holder->n_fields - 1].offset;
    }
    if (!a)
        return RPC_S_OK;
    ndr_bounds b;
    long st = ndr_array_bounds(c, c->p.proc, c->p.frame, a, arr_mem, arr_base, &b);
    if (st)
        return st;
    size_t cap = b.total;
    if (a->hdr.flags & ASIDL_NDR_F_STRING) {
        /* In C elements: a wide string needs fewer code points than code units. */
        const asidl_ndr_base *e = (const asidl_ndr_base *)a->elem;
        if (!a->dims[0].count && !a->dims[0].size_is && !a->dims[0].max_is) {
            size_t n = 0, es = e->hdr.mem_size;
            while (!(ndr_load_int(arr_mem + n * es, (unsigned)es, false) == 0))
                n++;
            cap = n + 1;
        }
    }
    return ndr_map_put(&c->p.capacities, (uint64_t)(uintptr_t)ref, cap);
}

/* Marshals the referent of p (whose own representation is written): follows pointer chains,
 * then writes the construct; its embedded pointers join the queue. */
static long marshal_pointee(ndr_call *c, const asidl_ndr_pointer *p, const unsigned char *ref,
                            const unsigned char *base)
{
    for (int depth = 0;; depth++) {
        const asidl_ndr_type *t = p->referent;
        long st = ndr_check_magic(t);
        if (st)
            return st;
        if (depth > 64)
            return RPC_S_INTERNAL_ERROR;    /* descriptors cannot nest pointers this deep */
        if (c->p.record_caps && (st = record_capacity(c, t, ref, base)))
            return st;
        if (t->kind == ASIDL_NDR_BASE)         /* the frequent referents, without the dispatch */
            return ndr_base_marshal(c, (const asidl_ndr_base *)t, ref);
        if (t->kind == ASIDL_NDR_ARRAY)
            return ndr_array_marshal(c, (const asidl_ndr_array *)t, ref, base);
        if (t->kind != ASIDL_NDR_POINTER)
            return ndr_marshal_inline(c, t, ref, base);
        const asidl_ndr_pointer *q = (const asidl_ndr_pointer *)t;
        const unsigned char *inner = load_ptr(ref);
        bool need;
        if ((st = write_pointer(c, q, inner, &need)) || !need)
            return st;
        p = q;
        ref = inner;
    }
}

long ndr_pointer_marshal_embedded(ndr_call *c, const asidl_ndr_pointer *p, const unsigned char *slot,
                                  const unsigned char *base)
{
    unsigned char *dst;
    long st = ndr_out_align(c, 4);
    if (!st)
        st = ndr_out_space(c, 4, &dst);
    return st ? st : ndr_pointer_marshal_embedded_at(c, p, slot, base, dst);
}

long ndr_pointer_marshal_embedded_at(ndr_call *c, const asidl_ndr_pointer *p, const unsigned char *slot,
                                     const unsigned char *base, unsigned char *dst)
{
    const unsigned char *ref = load_ptr(slot);
    uint32_t id;
    bool need;
    long st = pointer_id(c, p, ref, &id, &need);
    if (st)
        return st;
    if (dst)
        ndr_put_u32(dst, id);
    if (!need)
        return RPC_S_OK;
    ndr_queue_entry e = { &p->hdr, (unsigned char *)ref, base, 0, 0 };
    return ndr_queue_push(c, &e);
}

long ndr_pointer_marshal_top(ndr_call *c, const asidl_ndr_pointer *p, const unsigned char *slot,
                             const unsigned char *base)
{
    const unsigned char *ref = load_ptr(slot);
    bool need;
    long st = write_pointer(c, p, ref, &need);
    if (st || !need)
        return st;
    return marshal_pointee(c, p, ref, base);
}

static long marshal_queued(ndr_call *c, const ndr_queue_entry *e)
{
    if (e->type->kind == ASIDL_NDR_USER_MARSHAL)
        return ndr_user_marshal_data(c, (const asidl_ndr_user_marshal *)e->type, e->slot);
    return marshal_pointee(c, (const asidl_ndr_pointer *)e->type, e->slot, e->base);
}

long ndr_drain_marshal(ndr_call *c, size_t mark)
{
    return c->p.q_len == mark ? RPC_S_OK : drain(c, mark, marshal_queued);
}

/* ===================================================================== unmarshalling */

/* What an embedded (or top-level unique / full) pointer's ID means.  *need: the referent
 * follows.  For a full pointer seen before, the slot is set (or a fixup recorded) here and
 * nothing follows. */
static inline long accept_id(ndr_call *c, const asidl_ndr_pointer *p, void **slot, uint32_t id, bool *need)
{
    *need = false;
    switch (ptr_kind(p)) {
    case ASIDL_NDR_PTR_REF:
        if (id == 0)
            return RPC_X_BAD_STUB_DATA;     /* a reference pointer is never NULL */
        *need = true;
        return RPC_S_OK;
    case ASIDL_NDR_PTR_IGNORE:
        *slot = NULL;
        return RPC_S_OK;
    case ASIDL_NDR_PTR_UNIQUE:
        *need = id != 0;
        if (!*need)
            *slot = NULL;
        return RPC_S_OK;
    case ASIDL_NDR_PTR_FULL: {
        if (id == 0) {
            *slot = NULL;
            return RPC_S_OK;
        }
        uint64_t addr;
        if (ndr_map_get(&c->p.full_ptrs, id, &addr)) {
            if (addr == FULL_PTR_PENDING)
                return ndr_fixup_push(c, id, slot);
            *slot = (void *)(uintptr_t)addr;
            return ndr_undo_push(c, NDR_UNDO_SLOT, NULL, slot, NULL);
        }
        *need = true;
        return ndr_map_put(&c->p.full_ptrs, id, FULL_PTR_PENDING);
    }
    }
    return RPC_S_INTERNAL_ERROR;
}

/* Reads a top-level pointer's ID (where it has one) and accepts it. */
static long read_pointer(ndr_call *c, const asidl_ndr_pointer *p, void **slot, uint32_t *id, bool *need)
{
    *id = 0;
    if (ptr_kind(p) == ASIDL_NDR_PTR_REF) {
        *need = true;       /* no wire form: the referent is here */
        return RPC_S_OK;
    }
    long st = ndr_in_u32(c, id);
    return st ? st : accept_id(c, p, slot, *id, need);
}

/* Where the referent of p goes: the memory the caller gave (given), existing client memory
 * that can hold it (reuse), or a new block stored in *slot. */
static long referent_memory(ndr_call *c, const asidl_ndr_type *t, void **slot, bool reuse,
                            unsigned char *given, size_t given_cap, unsigned char **mem)
{
    size_t bytes, elements;
    long st = ndr_referent_mem_size(c, t, &bytes, &elements);
    if (st)
        return st;
    if (!elements && t->kind == ASIDL_NDR_ARRAY && !(t->flags & ASIDL_NDR_F_CONFORMANT))
        elements = bytes / ((const asidl_ndr_array *)t)->elem->mem_size;
    bool conformant = (t->flags & ASIDL_NDR_F_CONFORMANT) != 0 &&
                      (t->kind == ASIDL_NDR_ARRAY || t->kind == ASIDL_NDR_STRUCT);
    if (given) {
        if (conformant && elements > given_cap)
            return RPC_X_INVALID_BOUND;
        *mem = given;
        c->p.target_cap = conformant ? given_cap : SIZE_MAX;
        return RPC_S_OK;
    }
    if (ndr_in_place_possible(c, t, elements, mem)) {
        *slot = *mem;       /* the elements stay where they are in the request */
        return RPC_S_OK;
    }
    if (reuse && *slot) {
        uint64_t cap;
        if (!conformant) {
            *mem = *slot;
            return RPC_S_OK;
        }
        if (ndr_map_get(&c->p.capacities, (uint64_t)(uintptr_t)*slot, &cap) && elements <= cap) {
            *mem = *slot;
            c->p.target_cap = (size_t)cap;
            return RPC_S_OK;
        }
        /* The client's block is too small (or of unknown size): a new one replaces it and
         * the old one stays the application's, as with a pointer changed by the server. */
    }
    /* Not zeroed: every pointer in it is written before anything reads it (a failed pass is
     * taken back through the undo log, never walked), and walks visit only what was received. */
    void *p;
    st = ndr_alloc(c, bytes, false, slot, &p);
    *mem = p;
    return st;
}

static long unmarshal_pointee(ndr_call *c, const asidl_ndr_pointer *p, void **slot, const unsigned char *base,
                              uint32_t id, bool reuse, unsigned char *given, size_t given_cap)
{
    for (int depth = 0;; depth++) {
        const asidl_ndr_type *t = p->referent;
        long st = ndr_check_magic(t);
        if (st)
            return st;
        if (depth > 64)
            return RPC_S_INTERNAL_ERROR;
        unsigned char *mem;
        if ((st = referent_memory(c, t, slot, reuse, given, given_cap, &mem)))
            return st;
        given = NULL;
        if (ptr_kind(p) == ASIDL_NDR_PTR_FULL && id &&
            (st = ndr_map_put(&c->p.full_ptrs, id, (uint64_t)(uintptr_t)mem)))
            return st;
        if (t->kind != ASIDL_NDR_POINTER) {
            if (t->kind == ASIDL_NDR_BASE)     /* the frequent referents, without the dispatch */
                st = ndr_base_unmarshal(c, (const asidl_ndr_base *)t, mem);
            else if (t->kind == ASIDL_NDR_ARRAY)
                st = ndr_array_unmarshal(c, (const asidl_ndr_array *)t, mem, base);
            else
                st = ndr_unmarshal_inline(c, t, mem, base);
            c->p.target_cap = SIZE_MAX;
            return st;
        }
        /* A pointer to a pointer: the inner pointer's ID is here. */
        const asidl_ndr_pointer *q = (const asidl_ndr_pointer *)t;
        void **inner = (void **)(void *)mem;
        bool need;
        if (!reuse)
            *inner = NULL;
        if ((st = read_pointer(c, q, inner, &id, &need)) || !need)
            return st;
        p = q;
        slot = inner;
    }
}

long ndr_pointer_unmarshal_embedded(ndr_call *c, const asidl_ndr_pointer *p, unsigned char *slot,
                                    const unsigned char *base)
{
    uint32_t id;
    long st = ndr_in_u32(c, &id);
    return st ? st : ndr_pointer_unmarshal_embedded_id(c, p, slot, base, id);
}

long ndr_pointer_unmarshal_embedded_id(ndr_call *c, const asidl_ndr_pointer *p, unsigned char *slot,
                                       const unsigned char *base, uint32_t id)
{
    bool need;
    long st = accept_id(c, p, (void **)(void *)slot, id, &need);
    if (st || !need)
        return st;
    ndr_queue_entry e = { &p->hdr, slot, base, id, c->p.reuse };
    return ndr_queue_push(c, &e);
}

/* The caller's storage for a top-level referent and how many elements it holds. */
static long caller_capacity(ndr_call *c, const asidl_ndr_type *t, const unsigned char *mem,
                            const unsigned char *base, size_t *cap)
{
    uint64_t recorded;
    *cap = SIZE_MAX;
    if (!(t->flags & ASIDL_NDR_F_CONFORMANT) || (t->kind != ASIDL_NDR_ARRAY && t->kind != ASIDL_NDR_STRUCT))
        return RPC_S_OK;
    if (ndr_map_get(&c->p.capacities, (uint64_t)(uintptr_t)mem, &recorded)) {
        *cap = (size_t)recorded;
        return RPC_S_OK;
    }
    /* [out]-only: the declared size, from [in] parameters the caller set. */
    if (t->kind != ASIDL_NDR_ARRAY)
        return RPC_X_INVALID_BOUND;
    const asidl_ndr_array *a = (const asidl_ndr_array *)t;
    size_t total = 1;
    for (uint32_t i = 0; i < a->n_dims; i++) {
        const asidl_ndr_dim *d = &a->dims[i];
        int64_t v, lower = 0;
        bool ready;
        long st;
        if (d->count) {
            v = d->count;
        } else if (d->size_is || d->max_is) {
            if (d->min_is && (st = ndr_eval(c, c->p.proc, c->p.frame, d->min_is, base, &lower, &ready)))
                return st;
            st = ndr_eval(c, c->p.proc, c->p.frame, d->size_is ? d->size_is : d->max_is, base, &v, &ready);
            if (st)
                return st;
            if (!ready)
                return RPC_X_INVALID_BOUND;
            if (!d->size_is && (__builtin_sub_overflow(v, lower, &v) || __builtin_add_overflow(v, 1, &v)))
                return RPC_X_INVALID_BOUND;
        } else {
            return RPC_X_INVALID_BOUND;     /* an [out] string of unstated size */
        }
        if (v < 0 || __builtin_mul_overflow(total, (size_t)v, &total))
            return RPC_X_INVALID_BOUND;
    }
    *cap = total;
    return RPC_S_OK;
}

long ndr_pointer_unmarshal_top(ndr_call *c, const asidl_ndr_pointer *p, unsigned char *slot,
                               const unsigned char *base, bool caller_memory)
{
    void **s = (void **)(void *)slot;
    uint32_t id;
    bool need;
    long st;
    if (!caller_memory) {
        /* Server parameters and return values: everything is new memory. */
        if ((st = read_pointer(c, p, s, &id, &need)) || !need)
            return st;
        return unmarshal_pointee(c, p, s, base, id, false, NULL, 0);
    }
    /* Client: the parameter's value is the caller's pointer, which the call cannot change. */
    unsigned char *given = *s;
    void *scratch = given;
    if (ptr_kind(p) == ASIDL_NDR_PTR_REF) {
        if (!given)
            return RPC_X_NULL_REF_POINTER;
        need = true;
        id = 0;
    } else {
        if ((st = read_pointer(c, p, &scratch, &id, &need)))
            return st;
        if (!need)
            return RPC_S_OK;    /* NULL from the server: the caller's pointer stays as it was */
        if (!given)
            return RPC_X_BAD_STUB_DATA;     /* cannot hand back memory through a by-value pointer */
    }
    size_t cap;
    if ((st = caller_capacity(c, p->referent, given, base, &cap)))
        return st;
    return unmarshal_pointee(c, p, &scratch, base, id, c->p.reuse, given, cap);
}

static long unmarshal_queued(ndr_call *c, const ndr_queue_entry *e)
{
    if (e->type->kind == ASIDL_NDR_USER_MARSHAL)
        return ndr_user_unmarshal_data(c, (const asidl_ndr_user_marshal *)e->type, e->slot);
    return unmarshal_pointee(c, (const asidl_ndr_pointer *)e->type, (void **)(void *)e->slot, e->base, e->id,
                             e->reuse, NULL, 0);
}

long ndr_drain_unmarshal(ndr_call *c, size_t mark)
{
    return c->p.q_len == mark ? RPC_S_OK : drain(c, mark, unmarshal_queued);
}

long ndr_apply_fixups(ndr_call *c, size_t from)
{
    for (size_t i = from; i < c->p.fixups_len; i++) {
        uint64_t addr;
        ndr_fixup *f = &c->p.fixups[i];
        if (!ndr_map_get(&c->p.full_ptrs, f->id, &addr) || addr == FULL_PTR_PENDING)
            return RPC_X_BAD_STUB_DATA;
        *f->slot = (void *)(uintptr_t)addr;
        long st = ndr_undo_push(c, NDR_UNDO_SLOT, NULL, f->slot, NULL);
        if (st)
            return st;
    }
    c->p.fixups_len = from;
    return RPC_S_OK;
}
