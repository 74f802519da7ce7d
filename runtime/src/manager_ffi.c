/*
 * manager_ffi.c: calling a manager routine from an argument frame through libffi.
 *
 * The server never sees a manager routine's prototype; it has the procedure descriptor, whose
 * parameters say how C passes each one (ASIDL_NDR_C_*). From that a libffi call interface
 * (ffi_cif) is built once per procedure, when the interface is registered, and every call is
 * then ffi_call(cif, manager, &return, frame): the frame's slots are exactly libffi's argument
 * values.
 *
 * Structures and unions passed by value need their C layout as libffi types. It is derived
 * from the type descriptor (fields in order, fixed arrays as repeated elements, pointers and
 * context handles as pointers) and then checked against the descriptor's offsets and sizes,
 * which the C compiler computed: a mismatch refuses the registration instead of corrupting a
 * call. Unions become integer pieces of the union's alignment; that is the calling convention
 * of every union that holds an integer or pointer arm, but not of a union made of floating
 * types only (which x86-64 passes in vector registers). Types the application marshals itself
 * (user_marshal, transmit_as) are treated the same way when passed by value.
 */
#include <ffi.h>
#include <stdlib.h>
#include <string.h>

#include "rpcrt.h"
#include "asidl_ndr.h"

struct asidl__ffi_proc {
    ffi_cif cif;
    bool async;
    int ret;                    /* frame index of the return value, -1 when void */
    uint8_t ret_ctype;
    uint32_t ret_size;
    unsigned n_args;
    ffi_type **arg_types;
    void **owned;               /* types built for aggregates, and their element lists */
    size_t n_owned, cap_owned;
};

typedef struct builder {
    asidl__ffi_proc *p;
    const char *why;
    int depth;
} builder;

static void *own(builder *b, size_t size)
{
    if (b->p->n_owned == b->p->cap_owned) {
        size_t cap = b->p->cap_owned ? b->p->cap_owned * 2 : 8;
        void **grown = realloc(b->p->owned, cap * sizeof *grown);
        if (!grown)
            return NULL;
        b->p->owned = grown;
        b->p->cap_owned = cap;
    }
    void *mem = calloc(1, size);
    if (mem)
        b->p->owned[b->p->n_owned++] = mem;
    return mem;
}

static ffi_type *integer_type(unsigned size, bool is_signed)
{
    switch (size) {
    case 1: return is_signed ? &ffi_type_sint8 : &ffi_type_uint8;
    case 2: return is_signed ? &ffi_type_sint16 : &ffi_type_uint16;
    case 4: return is_signed ? &ffi_type_sint32 : &ffi_type_uint32;
    case 8: return is_signed ? &ffi_type_sint64 : &ffi_type_uint64;
    default: return NULL;
    }
}

/* A struct type of `n` elements of `elem` (a C array, or integer pieces). */
static ffi_type *repeated(builder *b, ffi_type *elem, size_t n)
{
    if (n == 0 || n > (1u << 20)) {
        b->why = "an array passed by value is empty or too large";
        return NULL;
    }
    ffi_type *t = own(b, sizeof *t);
    ffi_type **elems = t ? own(b, (n + 1) * sizeof *elems) : NULL;
    if (!elems) {
        b->why = "out of memory";
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        elems[i] = elem;
    t->type = FFI_TYPE_STRUCT;
    t->elements = elems;
    return t;
}

/* Size and alignment of a type (libffi computes a struct's on first use). */
static bool layout(ffi_type *t, size_t *size, size_t *align)
{
    if (t->type == FFI_TYPE_STRUCT && t->size == 0 &&
        ffi_get_struct_offsets(FFI_DEFAULT_ABI, t, NULL) != FFI_OK)
        return false;
    *size = t->size;
    *align = t->alignment;
    return true;
}

/* A block of `size` bytes aligned to `align`, as integer pieces. */
static ffi_type *pieces(builder *b, size_t size, size_t align)
{
    if (align > 8)
        align = 8;
    if (align == 0 || size % align != 0) {
        b->why = "a union's size is not a multiple of its alignment";
        return NULL;
    }
    return repeated(b, integer_type((unsigned)align, false), size / align);
}

static size_t natural_align(size_t size)
{
    size_t a = 8;
    while (a > 1 && size % a != 0)
        a /= 2;
    return a;
}

static ffi_type *type_for(builder *b, const asidl_ndr_type *t);

/* The C alignment of a union: its most aligned arm. */
static bool union_arms(builder *b, const asidl_ndr_union *u, size_t *size, size_t *align)
{
    *size = 0;
    *align = 1;
    for (uint32_t i = 0; i <= u->n_arms; i++) {
        const asidl_ndr_type *arm = i < u->n_arms ? u->arms[i].type : u->default_arm;
        if (!arm)
            continue;
        ffi_type *ft = type_for(b, arm);
        size_t s, a;
        if (!ft || !layout(ft, &s, &a)) {
            if (!b->why)
                b->why = "a union arm has no C layout";
            return false;
        }
        if (s > *size)
            *size = s;
        if (a > *align)
            *align = a;
    }
    *size = (*size + *align - 1) / *align * *align;
    return true;
}

/* Checks what libffi computed against what the C compiler put in the descriptor. */
static bool matches(builder *b, ffi_type *t, const uint32_t *offsets, size_t n, size_t mem_size)
{
    size_t *got = malloc((n ? n : 1) * sizeof *got);
    bool ok = got && ffi_get_struct_offsets(FFI_DEFAULT_ABI, t, got) == FFI_OK && t->size == mem_size;
    for (size_t i = 0; ok && i < n; i++)
        ok = got[i] == offsets[i];
    free(got);
    if (!ok)
        b->why = "a structure's C layout is not what its descriptor says";
    return ok;
}

static ffi_type *struct_type(builder *b, const asidl_ndr_struct *s)
{
    if (s->hdr.flags & ASIDL_NDR_F_CONFORMANT) {
        b->why = "a conformant structure cannot be passed by value";
        return NULL;
    }
    ffi_type *t = own(b, sizeof *t);
    ffi_type **elems = t ? own(b, (s->n_fields + 1) * sizeof *elems) : NULL;
    uint32_t *offsets = malloc((s->n_fields ? s->n_fields : 1) * sizeof *offsets);
    if (!elems || !offsets) {
        free(offsets);
        b->why = "out of memory";
        return NULL;
    }
    for (uint32_t i = 0; i < s->n_fields; i++) {
        elems[i] = type_for(b, s->fields[i].type);
        offsets[i] = s->fields[i].offset;
        if (!elems[i]) {
            free(offsets);
            return NULL;
        }
    }
    t->type = FFI_TYPE_STRUCT;
    t->elements = elems;
    bool ok = matches(b, t, offsets, s->n_fields, s->hdr.mem_size);
    free(offsets);
    return ok ? t : NULL;
}

static ffi_type *union_type(builder *b, const asidl_ndr_union *u)
{
    size_t size, align;
    if (!union_arms(b, u, &size, &align))
        return NULL;
    ffi_type *arms = pieces(b, size, align);
    if (!arms || !(u->hdr.flags & ASIDL_NDR_F_ENCAPSULATED))
        return arms;
    /* struct { discriminant; union { arms } } */
    ffi_type *t = own(b, sizeof *t);
    ffi_type **elems = t ? own(b, 3 * sizeof *elems) : NULL;
    if (!elems) {
        b->why = "out of memory";
        return NULL;
    }
    elems[0] = type_for(b, u->switch_type);
    elems[1] = arms;
    if (!elems[0])
        return NULL;
    t->type = FFI_TYPE_STRUCT;
    t->elements = elems;
    uint32_t offsets[2] = { u->discrim_offset, u->arm_offset };
    return matches(b, t, offsets, 2, u->hdr.mem_size) ? t : NULL;
}

static ffi_type *base_type(builder *b, const asidl_ndr_base *base)
{
    ffi_type *t;
    switch (base->wire) {
    case ASIDL_NDR_W_FLOAT:
        t = base->hdr.mem_size == sizeof(float) ? &ffi_type_float : NULL;
        break;
    case ASIDL_NDR_W_DOUBLE:
        t = base->hdr.mem_size == sizeof(double) ? &ffi_type_double : NULL;
        break;
    case ASIDL_NDR_W_INT8: case ASIDL_NDR_W_INT16: case ASIDL_NDR_W_INT32: case ASIDL_NDR_W_INT64:
    case ASIDL_NDR_W_ENUM16: case ASIDL_NDR_W_ENUM32:
        t = integer_type(base->hdr.mem_size, true);
        break;
    default:
        t = integer_type(base->hdr.mem_size, false);
        break;
    }
    if (!t)
        b->why = "a base type has a C size libffi cannot pass";
    return t;
}

static ffi_type *type_for(builder *b, const asidl_ndr_type *t)
{
    if (!t || (t->magic & 0xFFFFFF00u) != ASIDL_NDR_MAGIC_FAMILY) {
        b->why = "a parameter's type is not a descriptor";
        return NULL;
    }
    if (++b->depth > 64) {
        b->why = "types nest too deeply";
        return NULL;
    }
    ffi_type *r = NULL;
    switch (t->kind) {
    case ASIDL_NDR_BASE:
        r = base_type(b, (const asidl_ndr_base *)t);
        break;
    case ASIDL_NDR_RANGE:
        r = type_for(b, ((const asidl_ndr_range *)t)->base);
        break;
    case ASIDL_NDR_POINTER:
    case ASIDL_NDR_CONTEXT_HANDLE:
    case ASIDL_NDR_INTERFACE:
    case ASIDL_NDR_PIPE:
        r = &ffi_type_pointer;
        break;
    case ASIDL_NDR_STRUCT:
        r = struct_type(b, (const asidl_ndr_struct *)t);
        break;
    case ASIDL_NDR_UNION:
        r = union_type(b, (const asidl_ndr_union *)t);
        break;
    case ASIDL_NDR_ARRAY: {
        const asidl_ndr_array *a = (const asidl_ndr_array *)t;
        if (t->flags & (ASIDL_NDR_F_CONFORMANT | ASIDL_NDR_F_VARYING) || !a->elem || !a->elem->mem_size) {
            b->why = "only fixed arrays have a C layout by value";
            break;
        }
        ffi_type *elem = type_for(b, a->elem);
        if (elem)
            r = repeated(b, elem, t->mem_size / a->elem->mem_size);
        break;
    }
    case ASIDL_NDR_USER_MARSHAL:
    case ASIDL_NDR_TRANSMIT_AS:
        r = pieces(b, t->mem_size, natural_align(t->mem_size));
        break;
    default:
        b->why = "a parameter's type has an unknown kind";
        break;
    }
    b->depth--;
    return r;
}

static ffi_type *param_type(builder *b, const asidl_ndr_param *p)
{
    switch (p->ctype) {
    case ASIDL_NDR_C_PTR: return &ffi_type_pointer;
    case ASIDL_NDR_C_FLOAT: return &ffi_type_float;
    case ASIDL_NDR_C_DOUBLE: return &ffi_type_double;
    case ASIDL_NDR_C_VOID: return &ffi_type_void;
    case ASIDL_NDR_C_AGGREGATE: {
        ffi_type *t = type_for(b, p->type);
        size_t size, align;
        if (t && (!layout(t, &size, &align) || size != p->mem_size)) {
            b->why = "a parameter passed by value has another size than its type";
            t = NULL;
        }
        return t;
    }
    default: {
        ffi_type *t = integer_type(p->ctype & 0x0Fu, (p->ctype & ASIDL_NDR_C_SIGNED) != 0);
        if (!t || (p->ctype & ~(ASIDL_NDR_C_SIGNED | 0x0Fu)) != 0)
            b->why = "a parameter has an unknown C type";
        return (p->ctype & ~(ASIDL_NDR_C_SIGNED | 0x0Fu)) ? NULL : t;
    }
    }
}

void asidl__ffi_proc_free(asidl__ffi_proc *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_owned; i++)
        free(p->owned[i]);
    free(p->owned);
    free(p->arg_types);
    free(p);
}

RPC_STATUS asidl__ffi_proc_new(const asidl_ndr_proc *proc, asidl__ffi_proc **out, const char **why)
{
    *out = NULL;
    const char *dummy;
    if (!why)
        why = &dummy;
    *why = NULL;
    asidl__ffi_proc *p = calloc(1, sizeof *p);
    if (!p) {
        *why = "out of memory";
        return RPC_S_OUT_OF_MEMORY;
    }
    builder b = { p, NULL, 0 };
    p->async = (proc->flags & ASIDL_NDR_PROC_ASYNC) != 0;
    p->ret = -1;
    unsigned n = proc->n_params;
    bool has_return = (proc->flags & ASIDL_NDR_PROC_HAS_RETURN) && n > 0 &&
                      (proc->params[n - 1].flags & ASIDL_NDR_PARAM_RETURN);
    unsigned n_c = (has_return ? n - 1 : n) + (p->async ? 1 : 0);
    p->arg_types = calloc(n_c ? n_c : 1, sizeof *p->arg_types);
    if (!p->arg_types) {
        asidl__ffi_proc_free(p);
        *why = "out of memory";
        return RPC_S_OUT_OF_MEMORY;
    }
    unsigned k = 0;
    if (p->async)
        p->arg_types[k++] = &ffi_type_pointer;       /* PRPC_ASYNC_STATE */
    for (unsigned i = 0; i < n && !b.why; i++) {
        const asidl_ndr_param *prm = &proc->params[i];
        if (has_return && i == n - 1)
            break;
        ffi_type *t = param_type(&b, prm);
        if (t == &ffi_type_void) {
            b.why = "a parameter has the C type void";
            t = NULL;
        }
        if (!t && !b.why)
            b.why = "a parameter has no C type";
        p->arg_types[k++] = t;
    }
    ffi_type *rtype = &ffi_type_void;
    if (has_return && !b.why && !p->async) {
        /* An [async] manager returns void: its return value comes with RpcAsyncCompleteCall. */
        const asidl_ndr_param *r = &proc->params[n - 1];
        rtype = param_type(&b, r);
        if (!rtype && !b.why)
            b.why = "the return value has no C type";
        p->ret = (int)(n - 1);
        p->ret_ctype = r->ctype;
        p->ret_size = r->mem_size;
    }
    p->n_args = n_c;
    if (!b.why && ffi_prep_cif(&p->cif, FFI_DEFAULT_ABI, n_c, rtype, p->arg_types) != FFI_OK)
        b.why = "libffi refused the procedure's signature";
    if (b.why) {
        *why = b.why;
        asidl__ffi_proc_free(p);
        return RPC_S_INTERNAL_ERROR;
    }
    *out = p;
    return RPC_S_OK;
}

/* Stores an integer return value (libffi widens it to ffi_arg) in a slot of its C size. */
static void store_integer(void *slot, ffi_arg v, unsigned size)
{
    switch (size) {
    case 1: { uint8_t x = (uint8_t)v; memcpy(slot, &x, 1); break; }
    case 2: { uint16_t x = (uint16_t)v; memcpy(slot, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(slot, &x, 4); break; }
    default: { uint64_t x = (uint64_t)v; memcpy(slot, &x, 8); break; }
    }
}

void asidl__ffi_proc_call(const asidl__ffi_proc *p, void (*fn)(void), void **args)
{
    /* An [async] manager's first argument is the state whose address is in args[-1]. */
    void **values = p->async ? args - 1 : args;
    if (p->ret < 0) {
        ffi_call((ffi_cif *)&p->cif, fn, NULL, values);
    } else if (p->ret_ctype == ASIDL_NDR_C_AGGREGATE || p->ret_ctype == ASIDL_NDR_C_FLOAT ||
               p->ret_ctype == ASIDL_NDR_C_DOUBLE) {
        /* Room for whatever libffi writes (it may round a small structure up to words). */
        size_t room = (p->ret_size + 15) & ~(size_t)7;
        _Alignas(max_align_t) unsigned char buf[256];
        if (room <= sizeof buf) {
            ffi_call((ffi_cif *)&p->cif, fn, buf, values);
            memcpy(args[p->ret], buf, p->ret_size);
        } else {
            unsigned char *r = malloc(room);
            if (!r)
                RpcRaiseException(RPC_S_OUT_OF_MEMORY);      /* the dispatcher faults the call */
            RpcTryFinally {
                ffi_call((ffi_cif *)&p->cif, fn, r, values);
                memcpy(args[p->ret], r, p->ret_size);
            } RpcFinally {
                free(r);
            } RpcEndFinally
        }
    } else {
        ffi_arg v = 0;
        ffi_call((ffi_cif *)&p->cif, fn, &v, values);
        if (p->ret_ctype == ASIDL_NDR_C_PTR) {
            void *ptr = (void *)(uintptr_t)v;
            memcpy(args[p->ret], &ptr, sizeof ptr);
        } else {
            store_integer(args[p->ret], v, p->ret_ctype & 0x0Fu);
        }
    }
}
