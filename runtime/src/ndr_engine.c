/*
 * ndr_engine.c: the dispatch on descriptor kind, the deferral scope of a top-level construct,
 * and the one-value entry points (asidl_ndr_size / _marshal / _unmarshal).
 *
 * NDR's pointer rule, as implemented here: a construct (structure, array, union) is written
 * flat first, its embedded pointers as referent IDs; then the referents follow in the order
 * their pointers appeared, each one completely (its own flat part, then its referents) before
 * the next.  A top-level pointer's referent follows the pointer at once.  The queue in the call
 * holds the pending referents, so the order is depth-first without recursion over the data.
 */
#include "ndr_internal.h"

long ndr_marshal_inline(ndr_call *c, const asidl_ndr_type *t, const unsigned char *mem,
                        const unsigned char *base)
{
    long st = ndr_check_magic(t);
    if (st)
        return st;
    switch (t->kind) {
    case ASIDL_NDR_BASE:
        return ndr_base_marshal(c, (const asidl_ndr_base *)t, mem);
    case ASIDL_NDR_RANGE: {
        const asidl_ndr_range *r = (const asidl_ndr_range *)t;
        st = ndr_range_check(r, mem);
        return st ? st : ndr_base_marshal(c, (const asidl_ndr_base *)r->base, mem);
    }
    case ASIDL_NDR_STRUCT:
        return ndr_struct_marshal(c, (const asidl_ndr_struct *)t, mem);
    case ASIDL_NDR_ARRAY:
        return ndr_array_marshal(c, (const asidl_ndr_array *)t, mem, base);
    case ASIDL_NDR_POINTER:
        return ndr_pointer_marshal_embedded(c, (const asidl_ndr_pointer *)t, mem, base);
    case ASIDL_NDR_UNION:
        return ndr_union_marshal(c, (const asidl_ndr_union *)t, mem, base);
    case ASIDL_NDR_CONTEXT_HANDLE:
        return ndr_context_marshal(c, (const asidl_ndr_context_handle *)t, mem);
    case ASIDL_NDR_USER_MARSHAL:
        return ndr_user_marshal(c, (const asidl_ndr_user_marshal *)t, mem);
    case ASIDL_NDR_TRANSMIT_AS:
        return ndr_xmit_marshal(c, (const asidl_ndr_transmit_as *)t, mem);
    case ASIDL_NDR_INTERFACE:
    case ASIDL_NDR_PIPE:
        return RPC_S_CANNOT_SUPPORT;
    }
    return RPC_S_INTERNAL_ERROR;
}

long ndr_unmarshal_inline(ndr_call *c, const asidl_ndr_type *t, unsigned char *mem,
                          const unsigned char *base)
{
    long st = ndr_check_magic(t);
    if (st)
        return st;
    switch (t->kind) {
    case ASIDL_NDR_BASE:
        return ndr_base_unmarshal(c, (const asidl_ndr_base *)t, mem);
    case ASIDL_NDR_RANGE: {
        const asidl_ndr_range *r = (const asidl_ndr_range *)t;
        st = ndr_base_unmarshal(c, (const asidl_ndr_base *)r->base, mem);
        return st ? st : ndr_range_check(r, mem);
    }
    case ASIDL_NDR_STRUCT:
        return ndr_struct_unmarshal(c, (const asidl_ndr_struct *)t, mem);
    case ASIDL_NDR_ARRAY:
        return ndr_array_unmarshal(c, (const asidl_ndr_array *)t, mem, base);
    case ASIDL_NDR_POINTER:
        return ndr_pointer_unmarshal_embedded(c, (const asidl_ndr_pointer *)t, mem, base);
    case ASIDL_NDR_UNION:
        return ndr_union_unmarshal(c, (const asidl_ndr_union *)t, mem, base);
    case ASIDL_NDR_CONTEXT_HANDLE:
        return ndr_context_unmarshal(c, (const asidl_ndr_context_handle *)t, mem);
    case ASIDL_NDR_USER_MARSHAL:
        return ndr_user_unmarshal(c, (const asidl_ndr_user_marshal *)t, mem);
    case ASIDL_NDR_TRANSMIT_AS:
        return ndr_xmit_unmarshal(c, (const asidl_ndr_transmit_as *)t, mem);
    case ASIDL_NDR_INTERFACE:
    case ASIDL_NDR_PIPE:
        return RPC_S_CANNOT_SUPPORT;
    }
    return RPC_S_INTERNAL_ERROR;
}

long ndr_marshal_root(ndr_call *c, const asidl_ndr_type *t, const unsigned char *mem,
                      const unsigned char *base)
{
    long st = ndr_check_magic(t);
    if (st)
        return st;
    size_t mark = c->p.q_len;
    if (t->kind == ASIDL_NDR_POINTER)
        st = ndr_pointer_marshal_top(c, (const asidl_ndr_pointer *)t, mem, base);
    else
        st = ndr_marshal_inline(c, t, mem, base);
    return st ? st : ndr_drain_marshal(c, mark);
}

long ndr_unmarshal_root(ndr_call *c, const asidl_ndr_type *t, unsigned char *mem,
                        const unsigned char *base)
{
    long st = ndr_check_magic(t);
    if (st)
        return st;
    /* Conformant data cannot arrive by value: it could not fit the fixed storage given. */
    if ((t->kind == ASIDL_NDR_ARRAY || t->kind == ASIDL_NDR_STRUCT) && (t->flags & ASIDL_NDR_F_CONFORMANT))
        return RPC_X_BAD_STUB_DATA;
    size_t mark = c->p.q_len;
    if (t->kind == ASIDL_NDR_POINTER)
        st = ndr_pointer_unmarshal_top(c, (const asidl_ndr_pointer *)t, mem, base, false);
    else
        st = ndr_unmarshal_inline(c, t, mem, base);
    return st ? st : ndr_drain_unmarshal(c, mark);
}

/* ---- static properties used to bound and speed up array walks ---- */

size_t ndr_min_wire_size_general(const asidl_ndr_type *t)
{
    if (ndr_check_magic(t))
        return 0;
    switch (t->kind) {
    case ASIDL_NDR_BASE:
    case ASIDL_NDR_RANGE:
        return t->align;
    case ASIDL_NDR_POINTER:             /* embedded: every kind has a 4-octet form */
        return 4;
    case ASIDL_NDR_CONTEXT_HANDLE:
        return 20;
    case ASIDL_NDR_UNION:
        return ndr_min_wire_size(((const asidl_ndr_union *)t)->switch_type);
    case ASIDL_NDR_STRUCT: {
        const asidl_ndr_struct *s = (const asidl_ndr_struct *)t;
        size_t n = 0;
        for (uint32_t i = 0; i < s->n_fields; i++)
            n += ndr_min_wire_size(s->fields[i].type);
        return n;
    }
    case ASIDL_NDR_ARRAY: {
        const asidl_ndr_array *a = (const asidl_ndr_array *)t;
        if (t->flags & (ASIDL_NDR_F_CONFORMANT | ASIDL_NDR_F_VARYING | ASIDL_NDR_F_STRING))
            return 4;
        size_t n = ndr_min_wire_size(a->elem);
        for (uint32_t d = 0; d < a->n_dims; d++) {
            if (a->dims[d].count && n > SIZE_MAX / a->dims[d].count)
                return SIZE_MAX;
            n *= a->dims[d].count;
        }
        return n;
    }
    case ASIDL_NDR_TRANSMIT_AS:
        return ndr_min_wire_size(((const asidl_ndr_transmit_as *)t)->wire_type);
    }
    return 0;
}

/* Wire size of a plain type whose C layout is its wire layout with no padding anywhere (so an
 * array of it is one block copy, and no uninitialised C padding reaches the wire); else 0. */
static size_t flat_size(const asidl_ndr_type *t)
{
    if (ndr_check_magic(t) || (t->flags & ASIDL_NDR_F_COMPLEX))
        return 0;
    switch (t->kind) {
    case ASIDL_NDR_BASE: {
        const asidl_ndr_base *b = (const asidl_ndr_base *)t;
        if (b->hdr.mem_size != b->hdr.align || b->wire == ASIDL_NDR_W_ENUM16)
            return 0;
        return b->hdr.align;
    }
    case ASIDL_NDR_STRUCT: {
        const asidl_ndr_struct *s = (const asidl_ndr_struct *)t;
        if (t->flags & ASIDL_NDR_F_CONFORMANT)
            return 0;
        size_t pos = 0;
        for (uint32_t i = 0; i < s->n_fields; i++) {
            const asidl_ndr_type *ft = s->fields[i].type;
            size_t fs = flat_size(ft);
            if (!fs || s->fields[i].offset != pos || (pos & (ft->align - 1)))
                return 0;
            pos += fs;
        }
        return pos == t->mem_size && !(pos & (t->align - 1)) ? pos : 0;
    }
    case ASIDL_NDR_ARRAY: {
        const asidl_ndr_array *a = (const asidl_ndr_array *)t;
        if (t->flags & (ASIDL_NDR_F_CONFORMANT | ASIDL_NDR_F_VARYING | ASIDL_NDR_F_STRING))
            return 0;
        if (flat_size(a->elem) != a->elem->mem_size)
            return 0;
        return t->mem_size;
    }
    }
    return 0;
}

size_t ndr_flat_stride_general(const asidl_ndr_type *t)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    size_t n = flat_size(t);
    return n == t->mem_size ? n : 0;
#else
    (void)t;
    return 0;
#endif
}

/* ---- one value ---- */

long asidl_ndr_size(asidl_ndr_call *call, const asidl_ndr_type *type, const void *mem, size_t start,
                    size_t *size)
{
    ndr_begin_pass(call, NDR_MODE_SIZE);
    call->p.size_pos = start;
    long st = ndr_marshal_root(call, type, mem, NULL);
    if (!st)
        *size = call->p.size_pos - start;
    return st;
}

long asidl_ndr_marshal(asidl_ndr_call *call, const asidl_ndr_type *type, const void *mem,
                       asidl_ndr_buffer *out)
{
    ndr_begin_pass(call, NDR_MODE_MARSHAL);
    call->p.out = out;
    size_t len = out->len;
    long st = ndr_marshal_root(call, type, mem, NULL);
    if (st)
        out->len = len;
    return st;
}

long ndr_finish_unmarshal_general(ndr_call *c)
{
    long st = c->p.fixups_len ? ndr_apply_fixups(c, 0) : RPC_S_OK;
    if (!st && c->p.checks_len)
        st = ndr_run_deferred_checks(c, 0);
    return st;
}

long asidl_ndr_unmarshal(asidl_ndr_call *call, const asidl_ndr_type *type, void *mem, const void *buf,
                         size_t len, size_t *pos, unsigned drep)
{
    ndr_begin_pass(call, NDR_MODE_UNMARSHAL);
    long st = ndr_set_input(call, buf, len, *pos, drep);
    if (!st)
        st = ndr_unmarshal_root(call, type, mem, NULL);
    if (!st)
        st = ndr_finish_unmarshal(call);
    if (st) {
        ndr_undo_rollback(call, 0);
        return st;
    }
    call->p.undo_len = 0;
    *pos = call->p.in_pos;
    return RPC_S_OK;
}

