/*
 * ndr_context.c: context handles on the wire: 4 octets of attributes and a 16-octet UUID
 * (fields in NDR byte order), aligned to 4.  What a handle stands for belongs to the RPC
 * runtime, which the engine asks through the call's hooks; without hooks, context handles
 * cannot be marshalled (RPC_S_CANNOT_SUPPORT).
 */
#include "ndr_internal.h"

static unsigned current_param_flags(const ndr_call *c)
{
    if (!c->p.proc || c->p.param >= c->p.proc->n_params)
        return 0;
    return c->p.proc->params[c->p.param].flags;
}

long ndr_context_marshal(ndr_call *c, const asidl_ndr_context_handle *h, const unsigned char *mem)
{
    if (!c->hooks || !c->hooks->context_to_wire)
        return RPC_S_CANNOT_SUPPORT;
    asidl_ndr_context_wire w;
    memset(&w, 0, sizeof w);
    long st = c->hooks->context_to_wire(c->hook_ctx, h, current_param_flags(c), mem, &w);
    unsigned char *dst;
    if (!st)
        st = ndr_out_align(c, 4);
    if (!st)
        st = ndr_out_space(c, 20, &dst);
    if (st || !dst)
        return st;
    ndr_put_u32(dst, w.attributes);
    ndr_put_u32(dst + 4, w.uuid_d1);
    dst[8] = (unsigned char)w.uuid_d2;
    dst[9] = (unsigned char)(w.uuid_d2 >> 8);
    dst[10] = (unsigned char)w.uuid_d3;
    dst[11] = (unsigned char)(w.uuid_d3 >> 8);
    memcpy(dst + 12, w.uuid_d4, 8);
    return RPC_S_OK;
}

long ndr_context_unmarshal(ndr_call *c, const asidl_ndr_context_handle *h, unsigned char *mem)
{
    if (!c->hooks || !c->hooks->context_from_wire)
        return RPC_S_CANNOT_SUPPORT;
    const unsigned char *src;
    long st = ndr_in_align(c, 4);
    if (!st)
        st = ndr_in_take(c, 20, &src);
    if (st)
        return st;
    asidl_ndr_context_wire w;
    w.attributes = ndr_get_u32(c, src);
    w.uuid_d1 = ndr_get_u32(c, src + 4);
    w.uuid_d2 = ndr_get_u16(c, src + 8);
    w.uuid_d3 = ndr_get_u16(c, src + 10);
    memcpy(w.uuid_d4, src + 12, 8);
    return c->hooks->context_from_wire(c->hook_ctx, h, current_param_flags(c), &w, mem);
}
