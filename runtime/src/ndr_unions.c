/*
 * ndr_unions.c: discriminated unions.  On the wire a union is its discriminant (of the
 * switch type, aligned as that type) followed by the selected arm, aligned as the arm's own
 * type (C706; MIDL's default).  With [ms_union] the arm is aligned to the largest arm
 * alignment instead.  An encapsulated union (union U switch (long d) ...) is a structure of
 * discriminant and union: it starts aligned to the larger of the two.  A non-encapsulated
 * union's discriminant comes from its switch_is expression when marshalling and is checked
 * against it when unmarshalling.  No arm for the discriminant and no [default]:
 * RPC_X_INVALID_TAG.
 */
#include "ndr_internal.h"

long ndr_union_arm(const asidl_ndr_union *u, int64_t d, const asidl_ndr_type **arm)
{
    for (uint32_t i = 0; i < u->n_arms; i++) {
        if (u->arms[i].case_value == d) {
            *arm = u->arms[i].type;
            return RPC_S_OK;
        }
    }
    if (u->hdr.flags & ASIDL_NDR_F_HAS_DEFAULT) {
        *arm = u->default_arm;
        return RPC_S_OK;
    }
    return RPC_X_INVALID_TAG;
}

static const asidl_ndr_base *switch_base(const asidl_ndr_union *u)
{
    const asidl_ndr_type *t = u->switch_type;
    if (t->kind == ASIDL_NDR_RANGE)
        t = ((const asidl_ndr_range *)t)->base;
    return (const asidl_ndr_base *)t;
}

long ndr_union_discriminant(ndr_call *c, const asidl_ndr_proc *proc, void **frame, const asidl_ndr_union *u,
                            const unsigned char *mem, const unsigned char *base, int64_t *d)
{
    if (u->hdr.flags & ASIDL_NDR_F_ENCAPSULATED) {
        *d = ndr_base_value(switch_base(u), mem + u->discrim_offset);
        return RPC_S_OK;
    }
    if (!u->switch_is)
        return RPC_S_INTERNAL_ERROR;
    bool ready;
    return ndr_eval(c, proc, frame, u->switch_is, base, d, &ready);
}

static unsigned max_arm_align(const asidl_ndr_union *u)
{
    unsigned a = 1;
    for (uint32_t i = 0; i < u->n_arms; i++)
        if (u->arms[i].type && u->arms[i].type->align > a)
            a = u->arms[i].type->align;
    if ((u->hdr.flags & ASIDL_NDR_F_HAS_DEFAULT) && u->default_arm && u->default_arm->align > a)
        a = u->default_arm->align;
    return a;
}

long ndr_union_marshal(ndr_call *c, const asidl_ndr_union *u, const unsigned char *mem,
                       const unsigned char *base)
{
    bool encap = (u->hdr.flags & ASIDL_NDR_F_ENCAPSULATED) != 0;
    int64_t d;
    const asidl_ndr_type *arm;
    long st = ndr_union_discriminant(c, c->p.proc, c->p.frame, u, mem, base, &d);
    if (!st)
        st = ndr_union_arm(u, d, &arm);
    if (!st && encap)
        st = ndr_out_align(c, u->hdr.align);
    if (!st)
        st = ndr_base_marshal_value(c, switch_base(u), d);
    if (!st && (u->hdr.flags & ASIDL_NDR_F_MS_UNION))
        st = ndr_out_align(c, max_arm_align(u));
    if (st || !arm)
        return st;
    if (encap)
        return ndr_marshal_inline(c, arm, mem + u->arm_offset, mem);
    return ndr_marshal_inline(c, arm, mem, base);
}

long ndr_union_unmarshal(ndr_call *c, const asidl_ndr_union *u, unsigned char *mem,
                         const unsigned char *base)
{
    bool encap = (u->hdr.flags & ASIDL_NDR_F_ENCAPSULATED) != 0;
    const asidl_ndr_base *sb = switch_base(u);
    int64_t d;
    const asidl_ndr_type *arm;
    long st = encap ? ndr_in_align(c, u->hdr.align) : RPC_S_OK;
    if (!st)
        st = ndr_base_unmarshal_value(c, sb, &d);
    if (st)
        return st;
    if (u->switch_type->kind == ASIDL_NDR_RANGE) {
        const asidl_ndr_range *r = (const asidl_ndr_range *)u->switch_type;
        if (d < r->min || d > r->max)
            return RPC_X_INVALID_BOUND;
    }
    if ((st = ndr_union_arm(u, d, &arm)))
        return st;
    if (encap) {
        ndr_store_int(mem + u->discrim_offset, sb->hdr.mem_size, d);
    } else if ((st = ndr_check(c, u->switch_is, NULL, base, d))) {
        return st;
    }
    if ((u->hdr.flags & ASIDL_NDR_F_MS_UNION) && (st = ndr_in_align(c, max_arm_align(u))))
        return st;
    if (!arm)
        return RPC_S_OK;
    if (encap) {
        /* The discriminant is a field the arm's expressions may read. */
        const unsigned char *saved_base = c->p.ready_base;
        uint32_t saved_limit = c->p.ready_limit;
        c->p.ready_base = mem;
        c->p.ready_limit = u->arm_offset;
        st = ndr_unmarshal_inline(c, arm, mem + u->arm_offset, mem);
        c->p.ready_base = saved_base;
        c->p.ready_limit = saved_limit;
        return st;
    }
    return ndr_unmarshal_inline(c, arm, mem, base);
}
