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

static long marshal_members(ndr_call *c, const asidl_ndr_struct *s, const unsigned char *mem);
static long unmarshal_members(ndr_call *c, const asidl_ndr_struct *s, unsigned char *mem);

/* ---- structures with a fixed wire layout ---- */

/* A structure whose members are all base types and embedded pointers (the usual case) has a
 * wire layout the descriptor alone fixes: each member lies at a fixed offset from the
 * structure's aligned start, since no member is aligned more than the structure.  Such a
 * structure is reserved or taken as one block (one bounds check) and its members encoded at
 * their offsets; an array of them is one block of elements. */
enum { FLAT_MAX_FIELDS = 32 };

/* What a member is, decided once per structure or run of structures rather than per element
 * from the descriptors (a chain of dependent loads that dominated the walk). */
enum { FLAT_SAME4 = 1, FLAT_LONG, FLAT_ULONG, FLAT_BASE, FLAT_POINTER };

typedef struct flat_member {
    uint8_t how;                            /* FLAT_* */
    uint16_t at;                            /* wire offset from the structure's start */
    uint32_t offset;                        /* C offset */
    const asidl_ndr_type *type;
} flat_member;

typedef struct flat_layout {
    uint32_t size;                          /* wire octets of one structure (no trailing gap) */
    uint32_t stride;                        /* from one array element to the next */
    bool gaps;                              /* alignment gaps anywhere (zeroed when writing) */
    uint32_t n;
    flat_member m[FLAT_MAX_FIELDS];
} flat_layout;

static bool flat_layout_of(const asidl_ndr_struct *s, flat_layout *l)
{
    unsigned align = s->hdr.align;
    if ((s->hdr.flags & ASIDL_NDR_F_CONFORMANT) || s->n_fields == 0 || s->n_fields > FLAT_MAX_FIELDS ||
        align == 0 || align > 8 || (align & (align - 1)))
        return false;
    uint32_t pos = 0;
    l->gaps = false;
    l->n = s->n_fields;
    for (uint32_t i = 0; i < s->n_fields; i++) {
        const asidl_ndr_type *t = s->fields[i].type;
        flat_member *m = &l->m[i];
        if (ndr_check_magic(t))
            return false;
        unsigned a;
        if (t->kind == ASIDL_NDR_BASE) {
            const asidl_ndr_base *b = (const asidl_ndr_base *)t;
            a = t->align;
            m->how = FLAT_BASE;
            if (NDR_HOST_LITTLE_ENDIAN && a == 4 && b->wire != ASIDL_NDR_W_FLOAT && t->mem_size == 4)
                m->how = FLAT_SAME4;
            else if (NDR_HOST_LITTLE_ENDIAN && a == 4 && b->wire != ASIDL_NDR_W_FLOAT && t->mem_size == 8)
                m->how = b->wire == ASIDL_NDR_W_UINT32 ? FLAT_ULONG : FLAT_LONG;
        } else if (t->kind == ASIDL_NDR_POINTER) {
            a = 4;                          /* a referent ID */
            m->how = FLAT_POINTER;
        } else {
            return false;
        }
        if (a == 0 || a > align || (a & (a - 1)))
            return false;
        uint32_t start = (pos + a - 1) & ~(uint32_t)(a - 1);
        l->gaps |= start != pos;
        m->at = (uint16_t)start;
        m->offset = s->fields[i].offset;
        m->type = t;
        pos = start + a;
    }
    l->size = pos;
    l->stride = (pos + align - 1) & ~(uint32_t)(align - 1);
    l->gaps |= l->stride != pos;
    return true;
}

/* Wire octets of n structures in a row, the last without its trailing gap. */
static bool flat_run_size(const flat_layout *l, size_t n, size_t *bytes)
{
    if (n == 0) {
        *bytes = 0;
        return true;
    }
    if (n - 1 > (SIZE_MAX - l->size) / l->stride)
        return false;
    *bytes = (n - 1) * l->stride + l->size;
    return true;
}

/* dst: the structure's reserved wire octets, gaps already zeroed (NULL while sizing). */
static long marshal_flat(ndr_call *c, const flat_layout *l, const unsigned char *mem, unsigned char *dst)
{
    for (uint32_t i = 0; i < l->n; i++) {
        const flat_member *m = &l->m[i];
        const unsigned char *field = mem + m->offset;
        unsigned char *at = dst ? dst + m->at : NULL;
        long st = RPC_S_OK;
        switch (m->how) {
        case FLAT_SAME4:
            if (at)
                memcpy(at, field, 4);
            break;
        case FLAT_LONG:
        case FLAT_ULONG:
            st = ndr_encode_long(field, m->how == FLAT_ULONG, at);
            break;
        case FLAT_BASE:
            st = ndr_base_encode((const asidl_ndr_base *)m->type, field, at);
            break;
        default:
            st = ndr_pointer_marshal_embedded_at(c, (const asidl_ndr_pointer *)m->type, field, mem, at);
            break;
        }
        if (st)
            return st;
    }
    return RPC_S_OK;
}

/* src: the structure's wire octets, known to be in the input. */
static long unmarshal_flat(ndr_call *c, const flat_layout *l, unsigned char *mem, const unsigned char *src)
{
    for (uint32_t i = 0; i < l->n; i++) {
        const flat_member *m = &l->m[i];
        unsigned char *field = mem + m->offset;
        const unsigned char *at = src + m->at;
        switch (m->how) {
        case FLAT_SAME4: {
            uint32_t w = ndr_get_u32(c, at);
            memcpy(field, &w, 4);
            break;
        }
        case FLAT_LONG:
        case FLAT_ULONG:
            ndr_decode_long(at, c->p.swap, m->how == FLAT_ULONG, field);
            break;
        case FLAT_BASE:
            ndr_base_decode((const asidl_ndr_base *)m->type, at, c->p.swap, field);
            break;
        default: {
            long st = ndr_pointer_unmarshal_embedded_id(c, (const asidl_ndr_pointer *)m->type, field, mem,
                                                        ndr_get_u32(c, at));
            if (st)
                return st;
            break;
        }
        }
    }
    return RPC_S_OK;
}

long ndr_struct_marshal_n(ndr_call *c, const asidl_ndr_struct *s, const unsigned char *mem, size_t n)
{
    flat_layout l;
    if (!flat_layout_of(s, &l)) {
        for (size_t i = 0; i < n; i++) {
            long st = marshal_members(c, s, mem + i * s->hdr.mem_size);
            if (st)
                return st;
        }
        return RPC_S_OK;
    }
    c->p.hoist_pending = 0;
    size_t bytes;
    unsigned char *dst;
    if (!flat_run_size(&l, n, &bytes))
        return RPC_X_NO_MEMORY;
    long st = ndr_out_align(c, s->hdr.align);
    if (!st)
        st = ndr_out_space(c, bytes, &dst);
    if (st)
        return st;
    if (dst && l.gaps)
        memset(dst, 0, bytes);
    for (size_t i = 0; i < n && !st; i++)
        st = marshal_flat(c, &l, mem + i * s->hdr.mem_size, dst ? dst + i * l.stride : NULL);
    return st;
}

long ndr_struct_unmarshal_n(ndr_call *c, const asidl_ndr_struct *s, unsigned char *mem, size_t n)
{
    flat_layout l;
    if (!flat_layout_of(s, &l)) {
        for (size_t i = 0; i < n; i++) {
            long st = unmarshal_members(c, s, mem + i * s->hdr.mem_size);
            if (st)
                return st;
        }
        return RPC_S_OK;
    }
    c->p.hoist_pending = 0;
    c->p.target_cap = SIZE_MAX;
    size_t bytes;
    const unsigned char *src;
    long st = ndr_in_align(c, s->hdr.align);
    if (st)
        return st;
    if (!flat_run_size(&l, n, &bytes) || (st = ndr_in_take(c, bytes, &src)))
        return RPC_X_BAD_STUB_DATA;
    for (size_t i = 0; i < n && !st; i++)
        st = unmarshal_flat(c, &l, mem + i * s->hdr.mem_size, src + i * l.stride);
    return st;
}

/* ---- any structure, member by member ---- */

static long marshal_members(ndr_call *c, const asidl_ndr_struct *s, const unsigned char *mem)
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

static long unmarshal_members(ndr_call *c, const asidl_ndr_struct *s, unsigned char *mem)
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

long ndr_struct_marshal(ndr_call *c, const asidl_ndr_struct *s, const unsigned char *mem)
{
    return ndr_struct_marshal_n(c, s, mem, 1);
}

long ndr_struct_unmarshal(ndr_call *c, const asidl_ndr_struct *s, unsigned char *mem)
{
    return ndr_struct_unmarshal_n(c, s, mem, 1);
}
