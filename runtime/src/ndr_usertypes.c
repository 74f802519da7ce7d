/*
 * ndr_usertypes.c: types the application marshals itself.
 *
 * [user_marshal] / [wire_marshal]: the buffer is aligned to the wire type's alignment and the
 * application's <type>_UserSize / _UserMarshal / _UserUnmarshal / _UserFree routines do the
 * rest, as with MIDL.  Their results are checked against the buffer: a routine that claims
 * more room than it was given, or reads past the end, fails the call.  A wire type with
 * pointers (ASIDL_NDR_F_USER_POINTER) leaves a 4-octet marker in place and its data follows
 * the enclosing construct, like a pointer's referent.
 *
 * [transmit_as] / [represent_as]: the value is converted to the transmitted type, which is
 * marshalled as a construct of its own (its referents follow it), then released.  On receipt
 * the transmitted value is unmarshalled into a temporary, converted, and the temporary freed.
 */
#include "ndr_internal.h"

uint32_t ndr_user_flags(const ndr_call *c)
{
    uint32_t drep = c->p.mode == NDR_MODE_UNMARSHAL ? (c->p.drep & 0xFFu) : ASIDL_NDR_DREP_LITTLE_ENDIAN;
    return drep << 16 | (c->user_marshal_context & 0xFFFFu);
}

/* The routines get a pointer to the flags inside this block, as MIDL's get one inside its
 * USER_MARSHAL_CB, so that asidl_ndr_user_buffer_end can find the buffer's end. */
#define USER_CB_MAGIC 0x55434231u  /* "UCB1" */
typedef struct user_cb {
    uint32_t flags;
    uint32_t magic;
    const unsigned char *end;
} user_cb;

const unsigned char *asidl_ndr_user_buffer_end(const uint32_t *flags)
{
    const user_cb *cb = (const user_cb *)(const void *)flags;
    return flags && cb->magic == USER_CB_MAGIC ? cb->end : NULL;
}

void ndr_user_free_object(const ndr_call *c, const asidl_ndr_user_marshal *u, void *mem)
{
    user_cb cb = { c ? ndr_user_flags(c) : (ASIDL_NDR_DREP_LITTLE_ENDIAN << 16 | 2u), USER_CB_MAGIC, NULL };
    if (u->free)
        u->free(&cb.flags, mem);
}

long ndr_user_marshal_data(ndr_call *c, const asidl_ndr_user_marshal *u, const unsigned char *mem)
{
    long st = ndr_out_align(c, u->hdr.align);
    if (st)
        return st;
    size_t pos = ndr_out_pos(c);
    if (pos > UINT32_MAX)
        return RPC_X_NO_MEMORY;
    user_cb cb = { ndr_user_flags(c), USER_CB_MAGIC, NULL };
    uint32_t end = u->size(&cb.flags, (uint32_t)pos, (void *)mem);
    if (end < pos)
        return RPC_X_BAD_STUB_DATA;
    size_t need = end - pos;
    unsigned char *dst;
    if ((st = ndr_out_space(c, need, &dst)) || !dst)
        return st;
    cb.flags = ndr_user_flags(c);
    cb.end = dst + need;
    unsigned char *stop = u->marshal(&cb.flags, dst, (void *)mem);
    if (!stop || stop < dst || stop > dst + need)
        return RPC_X_BAD_STUB_DATA;
    c->p.out->len = (size_t)(stop - c->p.out->data);
    return RPC_S_OK;
}

long ndr_user_unmarshal_data(ndr_call *c, const asidl_ndr_user_marshal *u, unsigned char *mem)
{
    long st = ndr_in_align(c, u->hdr.align);
    if (st)
        return st;
    user_cb cb = { ndr_user_flags(c), USER_CB_MAGIC, c->p.in + c->p.in_len };
    /* MIDL's prototype takes a writable buffer; the routine must only read it. */
    unsigned char *src = (unsigned char *)(uintptr_t)(c->p.in + c->p.in_pos);
    unsigned char *stop = u->unmarshal(&cb.flags, src, mem);
    if (!stop)
        return RPC_X_BAD_STUB_DATA;
    if (stop < src || (size_t)(stop - c->p.in) > c->p.in_len) {
        ndr_user_free_object(c, u, mem);   /* it did build an object: give it back */
        return RPC_X_BAD_STUB_DATA;
    }
    c->p.in_pos = (size_t)(stop - c->p.in);
    return ndr_undo_push(c, NDR_UNDO_USER_FREE, mem, NULL, &u->hdr);
}

long ndr_user_marshal(ndr_call *c, const asidl_ndr_user_marshal *u, const unsigned char *mem)
{
    if (!(u->hdr.flags & ASIDL_NDR_F_USER_POINTER))
        return ndr_user_marshal_data(c, u, mem);
    long st = ndr_out_u32(c, NDR_USER_MARSHAL_MARKER);
    if (st)
        return st;
    ndr_queue_entry e = { &u->hdr, (unsigned char *)mem, NULL, 0, 0 };
    return ndr_queue_push(c, &e);
}

long ndr_user_unmarshal(ndr_call *c, const asidl_ndr_user_marshal *u, unsigned char *mem)
{
    if (!(u->hdr.flags & ASIDL_NDR_F_USER_POINTER))
        return ndr_user_unmarshal_data(c, u, mem);
    uint32_t marker;
    long st = ndr_in_u32(c, &marker);
    if (st)
        return st;
    if (marker != NDR_USER_MARSHAL_MARKER)
        return RPC_X_BAD_STUB_DATA;
    ndr_queue_entry e = { &u->hdr, mem, NULL, 0, 0 };
    return ndr_queue_push(c, &e);
}

/* ---- transmit_as / represent_as ---- */

typedef struct scope_state {
    uint8_t hoist_pending, hoist_n;
    uint32_t hoist[ASIDL_NDR_MAX_DIMS];
    const unsigned char *ready_base;
    uint32_t ready_limit;
} scope_state;

static void save_scope(const ndr_call *c, scope_state *s)
{
    s->hoist_pending = c->p.hoist_pending;
    s->hoist_n = c->p.hoist_n;
    memcpy(s->hoist, c->p.hoist, sizeof s->hoist);
    s->ready_base = c->p.ready_base;
    s->ready_limit = c->p.ready_limit;
}

static void restore_scope(ndr_call *c, const scope_state *s)
{
    c->p.hoist_pending = s->hoist_pending;
    c->p.hoist_n = s->hoist_n;
    memcpy(c->p.hoist, s->hoist, sizeof s->hoist);
    c->p.ready_base = s->ready_base;
    c->p.ready_limit = s->ready_limit;
}

long ndr_xmit_marshal(ndr_call *c, const asidl_ndr_transmit_as *x, const unsigned char *mem)
{
    void *w = NULL;
    x->to_wire((void *)mem, &w);
    if (!w)
        return RPC_X_NO_MEMORY;
    scope_state s;
    save_scope(c, &s);
    c->p.hoist_pending = 0;
    size_t mark = c->p.q_len;
    long st = ndr_marshal_inline(c, x->wire_type, w, NULL);
    if (!st)
        st = ndr_drain_marshal(c, mark);
    restore_scope(c, &s);
    x->free_wire(w);
    return st;
}

long ndr_xmit_unmarshal(ndr_call *c, const asidl_ndr_transmit_as *x, unsigned char *mem)
{
    size_t bytes, elements;
    long st = ndr_referent_mem_size(c, x->wire_type, &bytes, &elements);
    if (st)
        return st;
    size_t undo_mark = c->p.undo_len, q_mark = c->p.q_len;
    size_t checks_mark = c->p.checks_len, fixups_mark = c->p.fixups_len;
    void *w;
    if ((st = ndr_alloc(c, bytes, true, NULL, &w)))
        return st;
    scope_state s;
    save_scope(c, &s);
    c->p.hoist_pending = 0;
    c->p.ready_base = NULL;
    st = ndr_unmarshal_inline(c, x->wire_type, w, NULL);
    if (!st)
        st = ndr_drain_unmarshal(c, q_mark);
    if (!st)
        st = ndr_apply_fixups(c, fixups_mark);
    if (!st)
        st = ndr_run_deferred_checks(c, checks_mark);
    restore_scope(c, &s);
    if (st)
        return st;      /* the temporary and what it references are in the undo log */
    x->from_wire(w, mem);
    ndr_free_value(x->wire_type, w, NULL, NULL);
    MIDL_user_free(w);
    c->p.undo_len = undo_mark;     /* all of it is released now */
    return ndr_undo_push(c, NDR_UNDO_FREE_PRESENTED, mem, NULL, &x->hdr);
}
