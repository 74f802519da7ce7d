/*
 * ndr_structs.c: structures.  A structure is aligned to its largest member and written member
 * by member, with no trailing padding (NDR 2.0).  A conformant structure (one that ends in a
 * conformant array, directly or through nested structures) carries the array's maximum counts
 * in front of the structure, aligned on their own, before the structure's alignment gap; the
 * array itself then writes only its variance and elements.
 */
#include "ndr_internal.h"

const asidl_ndr_array *ndr_struct_tail(const asidl_ndr_struct *s, uint32_t *offset,
                                       const asidl_ndr_struct **holder)
{
    uint32_t off = 0;
    for (int depth = 0; depth < 64; depth++) {
        if (!(s->hdr.flags & ASIDL_NDR_F_CONFORMANT) || s->n_fields == 0)
            return NULL;
        const asidl_ndr_field *f = &s->fields[s->n_fields - 1];
        if (ndr_check_magic(f->type))
            return NULL;
        if (f->type->kind == ASIDL_NDR_ARRAY) {
            *offset = off + f->offset;
            *holder = s;
            return (const asidl_ndr_array *)f->type;
        }
        if (f->type->kind != ASIDL_NDR_STRUCT)
            return NULL;
        off += f->offset;
        s = (const asidl_ndr_struct *)f->type;
    }
    return NULL;
}

/* The conformant array at the end of s, located in memory: its address and the address of the
 * structure that holds it (the base its size_is expressions read). */
static long locate_tail(const asidl_ndr_struct *s, const unsigned char *mem, const asidl_ndr_array **arr,
                        const unsigned char **arr_mem, const unsigned char **holder_mem)
{
    uint32_t off;
    const asidl_ndr_struct *holder;
    *arr = ndr_struct_tail(s, &off, &holder);
    if (!*arr)
        return RPC_S_INTERNAL_ERROR;
    *arr_mem = mem + off;
    *holder_mem = mem + off - holder->fields[holder->n_fields - 1].offset;
    return RPC_S_OK;
}

long ndr_struct_marshal(ndr_call *c, const asidl_ndr_struct *s, const unsigned char *mem)
{
    long st;
    bool conformant = (s->hdr.flags & ASIDL_NDR_F_CONFORMANT) != 0;
    bool hoisted = c->p.hoist_pending != 0;   /* an enclosing structure wrote our conformance */
    c->p.hoist_pending = 0;
    if (conformant && !hoisted) {
        const asidl_ndr_array *arr;
        const unsigned char *arr_mem, *holder_mem;
        ndr_bounds b;
        st = locate_tail(s, mem, &arr, &arr_mem, &holder_mem);
        if (!st)
            st = ndr_array_bounds(c, c->p.proc, c->p.frame, arr, arr_mem, holder_mem, &b);
        if (!st)
            st = ndr_write_conformance(c, &b);
        if (st)
            return st;
    }
    st = ndr_out_align(c, s->hdr.align);
    for (uint32_t i = 0; i < s->n_fields && !st; i++) {
        const asidl_ndr_field *f = &s->fields[i];
        if (conformant && i == s->n_fields - 1)
            c->p.hoist_pending = 1;
        if (f->type->kind == ASIDL_NDR_BASE && f->type->magic == ASIDL_NDR_MAGIC)
            st = ndr_base_marshal(c, (const asidl_ndr_base *)f->type, mem + f->offset);  /* most fields */
        else
            st = ndr_marshal_inline(c, f->type, mem + f->offset, mem);
    }
    c->p.hoist_pending = 0;
    return st;
}

long ndr_struct_unmarshal(ndr_call *c, const asidl_ndr_struct *s, unsigned char *mem)
{
    long st;
    bool conformant = (s->hdr.flags & ASIDL_NDR_F_CONFORMANT) != 0;
    bool hoisted = c->p.hoist_pending != 0;
    c->p.hoist_pending = 0;
    size_t cap = c->p.target_cap;       /* only the outermost construct is in sized memory */
    c->p.target_cap = SIZE_MAX;
    if (conformant && !hoisted) {
        uint32_t off;
        const asidl_ndr_struct *holder;
        const asidl_ndr_array *arr = ndr_struct_tail(s, &off, &holder);
        ndr_bounds b;
        if (!arr)
            return RPC_S_INTERNAL_ERROR;
        st = ndr_read_conformance(c, arr, &b);
        if (st)
            return st;
        if (b.total > cap)
            return RPC_X_INVALID_BOUND;
        c->p.hoist_n = (uint8_t)b.n_dims;
        memcpy(c->p.hoist, b.max, sizeof c->p.hoist);
    }
    st = ndr_in_align(c, s->hdr.align);
    if (st)
        return st;
    /* Fields are received in order: correlation checks may read the ones before the current. */
    const unsigned char *saved_base = c->p.ready_base;
    uint32_t saved_limit = c->p.ready_limit;
    c->p.ready_base = mem;
    for (uint32_t i = 0; i < s->n_fields && !st; i++) {
        const asidl_ndr_field *f = &s->fields[i];
        c->p.ready_limit = f->offset;
        if (conformant && i == s->n_fields - 1)
            c->p.hoist_pending = 1;
        if (f->type->kind == ASIDL_NDR_BASE && f->type->magic == ASIDL_NDR_MAGIC)
            st = ndr_base_unmarshal(c, (const asidl_ndr_base *)f->type, mem + f->offset);  /* most fields */
        else
            st = ndr_unmarshal_inline(c, f->type, mem + f->offset, mem);
    }
    c->p.hoist_pending = 0;
    c->p.ready_base = saved_base;
    c->p.ready_limit = saved_limit;
    return st;
}
