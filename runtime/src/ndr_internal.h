/*
 * ndr_internal.h: what the NDR engine's files share.  One concept per file:
 *
 *   ndr_buffer.c      output buffers, input cursor, the call's scratch tables (queue, undo log,
 *                     maps), allocation with the per-call cap
 *   ndr_primitives.c  base types: conversion between C and wire sizes, byte order, ranges
 *   ndr_longs.c       arrays of IDL long (8 bytes in C, 4 on the wire): vectorised conversion
 *   ndr_expr.c        correlation expressions and the checks deferred until operands arrive
 *   ndr_structs.c     structures, conformant structures (hoisted conformance)
 *   ndr_arrays.c      fixed, conformant, varying and multi-dimensional arrays
 *   ndr_strings.c     [string] arrays: char and UTF-32 wchar_t <-> UTF-16
 *   ndr_pointers.c    pointer rules: top-level in place, embedded deferred, full-pointer aliasing
 *   ndr_unions.c      non-encapsulated and encapsulated unions
 *   ndr_context.c     context handles' wire form
 *   ndr_usertypes.c   user_marshal / wire_marshal, transmit_as / represent_as
 *   ndr_free.c        releasing unmarshalled data
 *   ndr_engine.c      the dispatch on type kind, one-value entry points
 *   ndr_proc.c        procedure-level entry points (client and server)
 *   ndr_shapes.c      the frequent top-level parameters, without the general walk; the
 *                     passes' loops over a procedure's parameters
 *   ndr_procinfo.c    what is worked out once per procedure (shapes, frame layout and its
 *                     room for [out] referents)
 *   ndr_validate.c    descriptor consistency checks
 *
 * Conventions: every function returns a status (0 = RPC_S_OK) and leaves the call unusable for
 * the current pass on failure; the public entry points roll back.  `mem` is the C object,
 * `base` the structure whose fields correlation expressions read (NULL outside structures).
 * Walks recurse over descriptor structure only; anything whose depth depends on the data
 * (chains of pointers) goes through the call's queue, so hostile input cannot exhaust the stack.
 */
#ifndef ASIDL_NDR_INTERNAL_H
#define ASIDL_NDR_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rpc.h"
#include "rpcndr.h"
#include "asidl_ndr.h"
#include "copy.h"

typedef asidl_ndr_call ndr_call;

/* The handful of small steps every value takes (a count, a base value, a one-operand
 * expression) are inlined into their callers whatever the compiler's size heuristics say:
 * calling them cost as much as doing them. */
#define NDR_INLINE static inline __attribute__((always_inline))

/* The engine's shortcuts for frequent forms (a correlation expression that is one operand,
 * one-dimensional arrays, ...) must give exactly what the general code gives, errors
 * included.  Tests turn them off (false) to compare; on by default. */
extern bool ndr_fast_paths;
void ndr_use_fast_paths(bool on);

enum { NDR_MODE_SIZE = 1, NDR_MODE_MARSHAL, NDR_MODE_UNMARSHAL };

/* First referent ID of a pass and the step between IDs, as Windows and Samba number them. */
#define NDR_FIRST_REFERENT_ID 0x00020000u
#define NDR_REFERENT_ID_STEP 4u
/* Marker a user_marshal type with pointers leaves in place of its data ("User"). */
#define NDR_USER_MARSHAL_MARKER 0x72657355u

static inline bool ndr_sizing(const ndr_call *c) { return c->p.mode == NDR_MODE_SIZE; }

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NDR_HOST_LITTLE_ENDIAN 1
#else
#define NDR_HOST_LITTLE_ENDIAN 0
#endif

/* ===================================================================== ndr_buffer.c */

/* Output: reserve n bytes at the current position; *dst is NULL while sizing. */
long ndr_out_grow(ndr_call *c, size_t n);
static inline size_t ndr_out_pos(const ndr_call *c)
{
    return ndr_sizing(c) ? c->p.size_pos : c->p.out->len;
}
static inline long ndr_out_space(ndr_call *c, size_t n, unsigned char **dst)
{
    if (ndr_sizing(c)) {
        if (n > SIZE_MAX - c->p.size_pos)
            return RPC_X_NO_MEMORY;
        c->p.size_pos += n;
        *dst = NULL;
        return RPC_S_OK;
    }
    asidl_ndr_buffer *b = c->p.out;
    if (b->cap - b->len < n) {
        long st = ndr_out_grow(c, n);
        if (st)
            return st;
    }
    *dst = b->data + b->len;
    b->len += n;
    return RPC_S_OK;
}
/* Pads with zero octets to a multiple of a (1, 2, 4 or 8). */
static inline long ndr_out_align(ndr_call *c, unsigned a)
{
    size_t pad = (size_t)(-ndr_out_pos(c)) & (a - 1);
    if (!pad)
        return RPC_S_OK;
    unsigned char *dst;
    long st = ndr_out_space(c, pad, &dst);
    if (!st && dst) {
        for (size_t i = 0; i < pad; i++)   /* at most 7: a call to memset costs more */
            dst[i] = 0;
    }
    return st;
}

/* Whether n items of `size` octets fit in `room` octets (n * size <= room, no overflow): what
 * counts read from the wire are held to before they size anything.  (A multiplication: the
 * division it replaces was a measurable part of reading short strings.) */
static inline bool ndr_fits(size_t n, size_t size, size_t room)
{
    size_t bytes;
    return !__builtin_mul_overflow(n, size, &bytes) && bytes <= room;
}

/* Input: everything is checked against the end of the buffer before it is read. */
static inline size_t ndr_in_left(const ndr_call *c) { return c->p.in_len - c->p.in_pos; }
static inline long ndr_in_align(ndr_call *c, unsigned a)
{
    size_t pad = (size_t)(-c->p.in_pos) & (a - 1);
    if (pad > ndr_in_left(c))
        return RPC_X_BAD_STUB_DATA;
    c->p.in_pos += pad;
    return RPC_S_OK;
}
static inline long ndr_in_take(ndr_call *c, size_t n, const unsigned char **src)
{
    if (n > ndr_in_left(c))
        return RPC_X_BAD_STUB_DATA;
    *src = c->p.in + c->p.in_pos;
    c->p.in_pos += n;
    return RPC_S_OK;
}
static inline uint32_t ndr_get_u32(const ndr_call *c, const unsigned char *s)
{
    if (c->p.swap)
        return (uint32_t)s[3] | (uint32_t)s[2] << 8 | (uint32_t)s[1] << 16 | (uint32_t)s[0] << 24;
    return (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24;
}
static inline uint16_t ndr_get_u16(const ndr_call *c, const unsigned char *s)
{
    if (c->p.swap)
        return (uint16_t)(s[1] | s[0] << 8);
    return (uint16_t)(s[0] | s[1] << 8);
}
static inline void ndr_put_u32(unsigned char *dst, uint32_t v)
{
    dst[0] = (unsigned char)v;
    dst[1] = (unsigned char)(v >> 8);
    dst[2] = (unsigned char)(v >> 16);
    dst[3] = (unsigned char)(v >> 24);
}
/* A 4-octet count or referent ID, aligned to 4: the most frequent items of the wire. */
NDR_INLINE long ndr_out_u32(ndr_call *c, uint32_t v)
{
    unsigned char *dst;
    long st = ndr_out_align(c, 4);
    if (!st)
        st = ndr_out_space(c, 4, &dst);
    if (!st && dst)
        ndr_put_u32(dst, v);
    return st;
}
NDR_INLINE long ndr_in_u32(ndr_call *c, uint32_t *v)
{
    const unsigned char *src;
    long st = ndr_in_align(c, 4);
    if (!st)
        st = ndr_in_take(c, 4, &src);
    if (!st)
        *v = ndr_get_u32(c, src);
    return st;
}

/* The queue of deferred referents (pointers embedded in constructs). */
typedef struct asidl_ndr__queue_entry {
    const asidl_ndr_type *type;     /* the pointer (or user_marshal) type */
    unsigned char *slot;            /* unmarshal: where the pointer goes; marshal: its referent */
    const unsigned char *base;      /* correlation base of the pointer's structure */
    uint32_t id;                    /* unmarshal: the referent ID read in place */
    uint8_t reuse;                  /* unmarshal: client [in,out] data, existing memory is reused */
} ndr_queue_entry;
/* Grows *items (realloc, doubling from 16) to hold at least `need` entries of item_size
 * octets: RPC_S_OK, or RPC_X_NO_MEMORY leaving it as it was. */
long ndr_grow_array(void **items, size_t *cap, size_t need, size_t item_size);
long ndr_queue_grow(ndr_call *c);
static inline long ndr_queue_push(ndr_call *c, const ndr_queue_entry *e)
{
    if (c->p.q_len == c->p.q_cap) {
        long st = ndr_queue_grow(c);
        if (st)
            return st;
    }
    c->p.queue[c->p.q_len++] = *e;
    return RPC_S_OK;
}
/* Reverses the entries [from, to). */
void ndr_queue_reverse(ndr_call *c, size_t from, size_t to);

/* Undo log: what a failed unmarshal must take back, newest first. */
enum { NDR_UNDO_ALLOC = 1, NDR_UNDO_SLOT, NDR_UNDO_USER_FREE, NDR_UNDO_FREE_PRESENTED };
typedef struct asidl_ndr__undo {
    uint8_t kind;
    void *mem;                      /* ALLOC: the block; USER/PRESENTED: the object */
    void **slot;                    /* ALLOC, SLOT: the pointer to reset to NULL (may be NULL) */
    const asidl_ndr_type *type;     /* USER_FREE, FREE_PRESENTED: the descriptor */
} ndr_undo;
long ndr_undo_grow(ndr_call *c);
static inline long ndr_undo_push(ndr_call *c, uint8_t kind, void *mem, void **slot, const asidl_ndr_type *type)
{
    if (c->p.undo_len == c->p.undo_cap) {
        long st = ndr_undo_grow(c);
        if (st)
            return st;
    }
    c->p.undo[c->p.undo_len++] = (ndr_undo){ kind, mem, slot, type };
    return RPC_S_OK;
}
void ndr_undo_rollback(ndr_call *c, size_t to);

/* Allocates n bytes for unmarshalled data (zeroed if asked), counts them against the call's
 * cap, stores the block in *slot (if slot) and logs it for rollback. */
long ndr_alloc(ndr_call *c, size_t n, bool zero, void **slot, void **out);

/* An open-addressing map from 64-bit keys to 64-bit values (keys are never 0). */
typedef struct asidl_ndr__map_slot {
    uint64_t key, value;
} ndr_map_slot;
long ndr_map_put(asidl_ndr__map *m, uint64_t key, uint64_t value);
bool ndr_map_get(const asidl_ndr__map *m, uint64_t key, uint64_t *value);
void ndr_map_clear(asidl_ndr__map *m);
void ndr_map_free(asidl_ndr__map *m);

/* Starts a pass of the given mode over a fresh state (tables kept allocated).  Inline: every
 * pass of every call starts here. */
static inline void ndr_begin_pass(ndr_call *c, int mode)
{
    /* (in the order asidl_ndr.h keeps them, which the compiler merges into wide stores) */
    c->p.mode = (uint8_t)mode;
    c->p.swap = 0;
    c->p.reuse = 0;
    c->p.record_caps = 0;
    c->p.hoist_pending = 0;
    c->p.hoist_n = 0;
    c->p.param = 0;
    c->p.ready_limit = 0;
    c->p.proc = NULL;
    c->p.frame = NULL;
    c->p.ready_base = NULL;
    c->p.size_pos = 0;
    c->p.alloc_total = 0;
    c->p.q_len = 0;
    c->p.undo_len = 0;
    c->p.checks_len = 0;
    c->p.fixups_len = 0;
    c->p.target_cap = SIZE_MAX;
    c->p.next_id = NDR_FIRST_REFERENT_ID;
    if (c->p.full_ptrs.used)
        ndr_map_clear(&c->p.full_ptrs);
}

/* ===================================================================== ndr_primitives.c */

unsigned ndr_wire_size(uint8_t wire);
bool ndr_wire_signed(uint8_t wire);
/* Reads / writes a C integer of `size` bytes (1, 2, 4, 8); signed or not. */
static inline int64_t ndr_load_int(const void *mem, unsigned size, bool is_signed)
{
    switch (size) {
    case 1: { uint8_t v; memcpy(&v, mem, 1); return is_signed ? (int64_t)(int8_t)v : (int64_t)v; }
    case 2: { uint16_t v; memcpy(&v, mem, 2); return is_signed ? (int64_t)(int16_t)v : (int64_t)v; }
    case 4: { uint32_t v; memcpy(&v, mem, 4); return is_signed ? (int64_t)(int32_t)v : (int64_t)v; }
    default: { uint64_t v; memcpy(&v, mem, 8); return (int64_t)v; }
    }
}
void ndr_store_int(void *mem, unsigned size, int64_t v);
/* The value of an integer-like base object in memory (enums, chars, booleans included). */
int64_t ndr_base_value(const asidl_ndr_base *b, const void *mem);
/* One value at a place already reserved or taken (its wire size, aligned): encode checks the
 * range (dst NULL: the check alone), decode converts from big-endian input if swap.  The
 * frequent cases (same size in C and on the wire, IDL long) are inline: structures and
 * referents are mostly made of them. */
long ndr_base_encode_general(const asidl_ndr_base *b, const void *mem, unsigned char *dst);
void ndr_base_decode_general(const asidl_ndr_base *b, const unsigned char *src, bool swap, void *mem);
/* IDL long in a C long (8 octets, little-endian host): narrowed, never truncated. */
static inline long ndr_encode_long(const void *mem, bool is_unsigned, unsigned char *dst)
{
    uint64_t v;
    memcpy(&v, mem, 8);
    if ((is_unsigned ? v : v + ((uint64_t)1 << 31)) >> 32)
        return RPC_X_BAD_STUB_DATA;
    uint32_t w = (uint32_t)v;
    if (dst)
        memcpy(dst, &w, 4);
    return RPC_S_OK;
}
static inline void ndr_decode_long(const unsigned char *src, bool swap, bool is_unsigned, void *mem)
{
    uint32_t w;
    memcpy(&w, src, 4);
    if (swap)
        w = __builtin_bswap32(w);
    uint64_t v = is_unsigned ? (uint64_t)w : (uint64_t)(int64_t)(int32_t)w;
    memcpy(mem, &v, 8);
}
static inline long ndr_base_encode(const asidl_ndr_base *b, const void *mem, unsigned char *dst)
{
    if (NDR_HOST_LITTLE_ENDIAN && b->hdr.align == 4 && b->wire != ASIDL_NDR_W_FLOAT) {
        if (b->hdr.mem_size == 4) {
            if (dst)
                memcpy(dst, mem, 4);
            return RPC_S_OK;
        }
        if (b->hdr.mem_size == 8)
            return ndr_encode_long(mem, b->wire == ASIDL_NDR_W_UINT32, dst);
    }
    return ndr_base_encode_general(b, mem, dst);
}
static inline void ndr_base_decode(const asidl_ndr_base *b, const unsigned char *src, bool swap, void *mem)
{
    if (NDR_HOST_LITTLE_ENDIAN && b->hdr.align == 4 && b->wire != ASIDL_NDR_W_FLOAT) {
        if (b->hdr.mem_size == 4) {
            uint32_t w;
            memcpy(&w, src, 4);
            if (swap)
                w = __builtin_bswap32(w);
            memcpy(mem, &w, 4);
            return;
        }
        if (b->hdr.mem_size == 8) {
            ndr_decode_long(src, swap, b->wire == ASIDL_NDR_W_UINT32, mem);
            return;
        }
    }
    ndr_base_decode_general(b, src, swap, mem);
}
NDR_INLINE long ndr_base_marshal(ndr_call *c, const asidl_ndr_base *b, const void *mem)
{
    unsigned char *dst;
    long st = ndr_out_align(c, b->hdr.align);
    if (!st)
        st = ndr_out_space(c, b->hdr.align, &dst);
    return st ? st : ndr_base_encode(b, mem, dst);
}
NDR_INLINE long ndr_base_unmarshal(ndr_call *c, const asidl_ndr_base *b, void *mem)
{
    const unsigned char *src;
    long st = ndr_in_align(c, b->hdr.align);
    if (!st)
        st = ndr_in_take(c, b->hdr.align, &src);
    if (!st)
        ndr_base_decode(b, src, c->p.swap, mem);
    return st;
}
/* n consecutive elements (C stride b->hdr.mem_size): block copies when layouts match (the C
 * object is the wire object: same size, no narrowing or range rule, little-endian both). */
long ndr_base_marshal_n_general(ndr_call *c, const asidl_ndr_base *b, const void *mem, size_t n);
long ndr_base_unmarshal_n_general(ndr_call *c, const asidl_ndr_base *b, void *mem, size_t n);
static inline bool ndr_base_block_copy(const asidl_ndr_base *b)
{
    return NDR_HOST_LITTLE_ENDIAN && b->hdr.mem_size == b->hdr.align && b->wire != ASIDL_NDR_W_ENUM16;
}
static inline long ndr_base_marshal_n(ndr_call *c, const asidl_ndr_base *b, const void *mem, size_t n)
{
    size_t bytes;
    if (!ndr_base_block_copy(b) || __builtin_mul_overflow(n, (size_t)b->hdr.align, &bytes))
        return ndr_base_marshal_n_general(c, b, mem, n);
    unsigned char *dst;
    long st = ndr_out_align(c, b->hdr.align);
    if (st || n == 0)
        return st;
    st = ndr_out_space(c, bytes, &dst);
    if (!st && dst)
        asidl__copy(dst, mem, bytes);
    return st;
}
static inline long ndr_base_unmarshal_n(ndr_call *c, const asidl_ndr_base *b, void *mem, size_t n)
{
    if (c->p.swap || !ndr_base_block_copy(b))
        return ndr_base_unmarshal_n_general(c, b, mem, n);
    const unsigned char *src;
    long st = ndr_in_align(c, b->hdr.align);
    if (st || n == 0)
        return st;
    if (!ndr_fits(n, b->hdr.align, ndr_in_left(c)))
        return RPC_X_BAD_STUB_DATA;
    st = ndr_in_take(c, n * b->hdr.align, &src);
    if (!st && mem != src)      /* in place: the elements are already where they belong */
        asidl__copy(mem, src, n * b->hdr.align);
    return st;
}
/* Marshals an integer value as the given base type (discriminants). */
long ndr_base_marshal_value(ndr_call *c, const asidl_ndr_base *b, int64_t v);
long ndr_base_unmarshal_value(ndr_call *c, const asidl_ndr_base *b, int64_t *v);
long ndr_range_check(const asidl_ndr_range *r, const void *mem);

/* ===================================================================== ndr_longs.c */

/* n IDL longs (8-byte C values) to 4-octet little-endian wire values; false if one does not
 * fit (what dst then holds is unspecified).  dst NULL: the check alone (sizing). */
bool ndr_narrow_longs(unsigned char *dst, const void *src, size_t n, bool is_unsigned);
/* n 4-octet wire values (big-endian if swap) to 8-byte C longs, sign- or zero-extended. */
void ndr_widen_longs(void *dst, const unsigned char *src, size_t n, bool is_unsigned, bool swap);
/* Tests: false makes both run their portable loops whatever the processor offers. */
void ndr_longs_use_vector_paths(bool on);

/* ===================================================================== ndr_expr.c */

/* Evaluates a correlation expression.  While unmarshalling, operands not received yet make
 * *ready false (the result is then meaningless); otherwise *ready is true.  ndr_eval_general
 * is the stack machine for every form; ndr_eval takes the most frequent form, one parameter,
 * field or constant (size_is(n), length_is(len)), inline, exactly as the machine does. */
long ndr_eval_general(ndr_call *c, const asidl_ndr_proc *proc, void **frame, const asidl_ndr_op *e,
                      const unsigned char *base, int64_t *out, bool *ready);

/* Whether an operand has been received (while unmarshalling, parameters and fields that come
 * later on the wire have not). */
NDR_INLINE bool ndr_param_ready(const ndr_call *c, const asidl_ndr_proc *proc, uint32_t j)
{
    if (!c || c->p.mode != NDR_MODE_UNMARSHAL)
        return true;
    const asidl_ndr_param *p = &proc->params[j];
    if (p->flags & ASIDL_NDR_PARAM_NOWIRE)
        return true;
    bool received = c->side == ASIDL_NDR_CLIENT ? (p->flags & ASIDL_NDR_PARAM_OUT) != 0
                                                : (p->flags & ASIDL_NDR_PARAM_IN) != 0;
    return !received || j < c->p.param;
}
NDR_INLINE bool ndr_field_ready(const ndr_call *c, const unsigned char *base, int64_t offset)
{
    if (!c || c->p.mode != NDR_MODE_UNMARSHAL)
        return true;
    return base != c->p.ready_base || offset < (int64_t)c->p.ready_limit;
}
/* An integer operand of C type ctype (ASIDL_NDR_C_OF). */
NDR_INLINE long ndr_load_operand(const unsigned char *addr, uint8_t ctype, int64_t *out)
{
    unsigned size = ctype & 0x0F;
    if (size != 1 && size != 2 && size != 4 && size != 8)
        return RPC_S_INTERNAL_ERROR;
    bool is_signed = (ctype & ASIDL_NDR_C_SIGNED) != 0;
    int64_t v = ndr_load_int(addr, size, is_signed);
    if (size == 8 && !is_signed && v < 0)
        return RPC_X_INVALID_BOUND;     /* unsigned beyond INT64_MAX: no valid count */
    *out = v;
    return RPC_S_OK;
}

NDR_INLINE long ndr_eval(ndr_call *c, const asidl_ndr_proc *proc, void **frame, const asidl_ndr_op *e,
                            const unsigned char *base, int64_t *out, bool *ready)
{
    if (!ndr_fast_paths || e->op == ASIDL_NDR_OP_END || e[1].op != ASIDL_NDR_OP_END)
        return ndr_eval_general(c, proc, frame, e, base, out, ready);
    *ready = true;
    switch (e->op) {
    case ASIDL_NDR_OP_CONST:
        *out = e->arg;
        return RPC_S_OK;
    case ASIDL_NDR_OP_PARAM:
        if (!proc || !frame || (uint64_t)e->arg >= proc->n_params)     /* (a negative one too) */
            return RPC_S_INTERNAL_ERROR;
        *ready = ndr_param_ready(c, proc, (uint32_t)e->arg);
        *out = 0;       /* what the machine leaves for an operand not received */
        return *ready ? ndr_load_operand(frame[e->arg], e->ctype, out) : RPC_S_OK;
    case ASIDL_NDR_OP_FIELD:
        if (!base || e->arg < 0)
            return RPC_S_INTERNAL_ERROR;
        *ready = ndr_field_ready(c, base, e->arg);
        *out = 0;
        return *ready ? ndr_load_operand(base + e->arg, e->ctype, out) : RPC_S_OK;
    }
    return ndr_eval_general(c, proc, frame, e, base, out, ready);
}
/* Unmarshal-time consistency check: eval(a) - eval(b) (b may be NULL) must equal `expected`;
 * checked now if the operands are there, else when the pass ends. */
long ndr_check_expr(ndr_call *c, const asidl_ndr_op *a, const asidl_ndr_op *b, const unsigned char *base,
                    int64_t expected);
NDR_INLINE long ndr_check(ndr_call *c, const asidl_ndr_op *a, const asidl_ndr_op *b, const unsigned char *base,
                          int64_t expected)
{
    if (!a)
        return RPC_S_OK;        /* most expressions are absent */
    if (!b && ndr_fast_paths && a[0].op != ASIDL_NDR_OP_END && a[1].op == ASIDL_NDR_OP_END) {
        /* one operand, received: what ndr_check_expr's comparison does with it */
        int64_t v;
        bool ready;
        long st = ndr_eval(c, c->p.proc, c->p.frame, a, base, &v, &ready);
        if (st || ready)
            return st ? st : v == expected ? RPC_S_OK : RPC_X_BAD_STUB_DATA;
    }
    return ndr_check_expr(c, a, b, base, expected);
}
typedef struct asidl_ndr__check {
    const asidl_ndr_op *a, *b;
    const unsigned char *base;
    int64_t expected;
    uint32_t param;                 /* parameter being unmarshalled when it was deferred */
} ndr_check_entry;
long ndr_check_push(ndr_call *c, const ndr_check_entry *e);
long ndr_run_deferred_checks(ndr_call *c, size_t from);

/* ===================================================================== ndr_engine.c */

static inline long ndr_check_magic(const asidl_ndr_type *t)
{
    if (t && t->magic == ASIDL_NDR_MAGIC)
        return RPC_S_OK;
    if (t && (t->magic & 0xFFFFFF00u) == ASIDL_NDR_MAGIC_FAMILY)
        return RPC_X_WRONG_STUB_VERSION;
    return RPC_S_INTERNAL_ERROR;
}
/* Inline (flat) representation of a value; embedded pointers are queued. */
long ndr_marshal_inline(ndr_call *c, const asidl_ndr_type *t, const unsigned char *mem,
                        const unsigned char *base);
long ndr_unmarshal_inline(ndr_call *c, const asidl_ndr_type *t, unsigned char *mem,
                          const unsigned char *base);
/* A whole construct with its deferred referents: the unit of deferral scope. */
long ndr_marshal_root(ndr_call *c, const asidl_ndr_type *t, const unsigned char *mem,
                      const unsigned char *base);
long ndr_unmarshal_root(ndr_call *c, const asidl_ndr_type *t, unsigned char *mem,
                        const unsigned char *base);
/* Lower bound on the wire size of one value (to reject impossible counts early). */
size_t ndr_min_wire_size_general(const asidl_ndr_type *t);
static inline size_t ndr_min_wire_size(const asidl_ndr_type *t)
{
    if (t && t->magic == ASIDL_NDR_MAGIC && (t->kind == ASIDL_NDR_BASE || t->kind == ASIDL_NDR_RANGE))
        return t->align;        /* the frequent elements, as the general function has them */
    return ndr_min_wire_size_general(t);
}
/* If the type's memory layout equals its wire layout (so arrays of it are block copies),
 * its wire stride; else 0. */
size_t ndr_flat_stride_general(const asidl_ndr_type *t);
static inline size_t ndr_flat_stride(const asidl_ndr_type *t)
{
    if (NDR_HOST_LITTLE_ENDIAN && t && t->magic == ASIDL_NDR_MAGIC && t->kind == ASIDL_NDR_BASE &&
        !(t->flags & ASIDL_NDR_F_COMPLEX)) {
        /* as the general function has it for a base type */
        const asidl_ndr_base *b = (const asidl_ndr_base *)t;
        return b->hdr.mem_size == b->hdr.align && b->wire != ASIDL_NDR_W_ENUM16 ? b->hdr.align : 0;
    }
    return ndr_flat_stride_general(t);
}

/* Input for an unmarshal pass; drep is the PDU's drep[0]. */
static inline long ndr_set_input(ndr_call *c, const void *buf, size_t len, size_t pos, unsigned drep)
{
    if (pos > len || (!buf && len))
        return RPC_S_INVALID_ARG;
    /* drep[0]: integer order in the high nibble (1 little-endian, 0 big), characters in the
     * low one (0 ASCII; EBCDIC is not supported). */
    if ((drep & 0x0F) != 0 || ((drep & 0xF0) != 0x10 && (drep & 0xF0) != 0x00))
        return RPC_S_CANNOT_SUPPORT;
    c->p.in = buf;
    c->p.in_len = len;
    c->p.in_pos = pos;
    c->p.drep = drep;
    c->p.swap = (drep & 0xF0) == 0x00;
    return RPC_S_OK;
}
/* Resolves full-pointer aliases and runs deferred checks at the end of an unmarshal pass. */
long ndr_finish_unmarshal_general(ndr_call *c);
static inline long ndr_finish_unmarshal(ndr_call *c)
{
    return c->p.fixups_len || c->p.checks_len ? ndr_finish_unmarshal_general(c) : RPC_S_OK;
}

/* ===================================================================== ndr_structs.c */

long ndr_struct_marshal(ndr_call *c, const asidl_ndr_struct *s, const unsigned char *mem);
long ndr_struct_unmarshal(ndr_call *c, const asidl_ndr_struct *s, unsigned char *mem);
/* n structures in a row (C stride mem_size): one block when the layout is fixed. */
long ndr_struct_marshal_n(ndr_call *c, const asidl_ndr_struct *s, const unsigned char *mem, size_t n);
long ndr_struct_unmarshal_n(ndr_call *c, const asidl_ndr_struct *s, unsigned char *mem, size_t n);
/* A conformant structure's trailing array, the structure that directly holds it, and the
 * offset of that array from the outer structure's start. */
const asidl_ndr_array *ndr_struct_tail(const asidl_ndr_struct *s, uint32_t *offset,
                                       const asidl_ndr_struct **holder);

/* ===================================================================== ndr_arrays.c */

typedef struct ndr_bounds {
    uint32_t n_dims;
    uint32_t max[ASIDL_NDR_MAX_DIMS];       /* Z: elements in memory per dimension */
    uint32_t offset[ASIDL_NDR_MAX_DIMS];    /* first transmitted, per dimension */
    uint32_t count[ASIDL_NDR_MAX_DIMS];     /* transmitted, per dimension */
    size_t total;                           /* elements in memory */
    size_t sent;                            /* elements transmitted */
} ndr_bounds;

/* Bounds of an array in memory (conformance and variance from its expressions). */
long ndr_array_bounds(ndr_call *c, const asidl_ndr_proc *proc, void **frame, const asidl_ndr_array *a,
                      const unsigned char *mem, const unsigned char *base, ndr_bounds *b);
/* The frequent array: one dimension, neither varying nor a string, of a base type.  The
 * simple-array functions do for it what the general ones do, in the same order; they serve
 * ndr_shapes.c, for top-level parameters only.  _peek is ndr_referent_mem_size for a
 * conformant one; _unmarshal takes the elements the memory given can hold (cap). */
static inline bool ndr_dim_is_varying(const asidl_ndr_dim *d)
{
    return d->length_is || d->first_is || d->last_is;
}
static inline bool ndr_array_is_simple(const asidl_ndr_array *a)
{
    return a->n_dims == 1 && !(a->hdr.flags & (ASIDL_NDR_F_VARYING | ASIDL_NDR_F_STRING)) && a->elem &&
           a->elem->kind == ASIDL_NDR_BASE && a->dims && !ndr_dim_is_varying(&a->dims[0]);
}
long ndr_simple_array_marshal(ndr_call *c, const asidl_ndr_array *a, const unsigned char *mem);
long ndr_simple_array_unmarshal(ndr_call *c, const asidl_ndr_array *a, unsigned char *mem, size_t cap);
/* The same for a conformant one whose size_is (one parameter) the caller has evaluated
 * (and, unmarshalling, found received): the value instead of the expression. */
long ndr_simple_array_marshal_sized(ndr_call *c, const asidl_ndr_array *a, const unsigned char *mem, int64_t size);
long ndr_simple_array_unmarshal_sized(ndr_call *c, const asidl_ndr_array *a, unsigned char *mem, size_t cap,
                                      int64_t size);
long ndr_simple_array_peek(ndr_call *c, const asidl_ndr_array *a, size_t *bytes, size_t *elements);
long ndr_array_marshal(ndr_call *c, const asidl_ndr_array *a, const unsigned char *mem,
                       const unsigned char *base);
long ndr_array_unmarshal(ndr_call *c, const asidl_ndr_array *a, unsigned char *mem,
                         const unsigned char *base);
/* Memory a conformant referent needs, read from the conformance ahead in the input (which
 * is not consumed); for other types their mem_size. */
long ndr_referent_mem_size(ndr_call *c, const asidl_ndr_type *t, size_t *bytes, size_t *elements);
/* Conformance written/read at the start of a conformant structure. */
long ndr_write_conformance(ndr_call *c, const ndr_bounds *b);
long ndr_read_conformance(ndr_call *c, const asidl_ndr_array *a, ndr_bounds *b);

/* ===================================================================== ndr_strings.c */

long ndr_string_marshal(ndr_call *c, const asidl_ndr_array *a, const unsigned char *mem,
                        const unsigned char *base);
long ndr_string_unmarshal(ndr_call *c, const asidl_ndr_array *a, unsigned char *mem,
                          const unsigned char *base);
/* Elements (terminator included) the string in memory needs on the wire; limit is the most
 * C elements that may be read (SIZE_MAX: unbounded). */
long ndr_string_wire_count(const asidl_ndr_base *elem, const unsigned char *mem, size_t limit,
                           size_t *count);

/* ===================================================================== ndr_pointers.c */

long ndr_pointer_marshal_embedded(ndr_call *c, const asidl_ndr_pointer *p, const unsigned char *slot,
                                  const unsigned char *base);
long ndr_pointer_unmarshal_embedded(ndr_call *c, const asidl_ndr_pointer *p, unsigned char *slot,
                                    const unsigned char *base);
/* The same with the pointer's 4 octets already reserved at dst (NULL while sizing) / its ID
 * already read: what structures with a fixed wire layout use. */
long ndr_pointer_marshal_embedded_at(ndr_call *c, const asidl_ndr_pointer *p, const unsigned char *slot,
                                     const unsigned char *base, unsigned char *dst);
long ndr_pointer_unmarshal_embedded_id(ndr_call *c, const asidl_ndr_pointer *p, unsigned char *slot,
                                       const unsigned char *base, uint32_t id);
long ndr_pointer_marshal_top(ndr_call *c, const asidl_ndr_pointer *p, const unsigned char *slot,
                             const unsigned char *base);
/* caller_memory: the client's top-level [ref] referent is the caller's storage. */
long ndr_pointer_unmarshal_top(ndr_call *c, const asidl_ndr_pointer *p, unsigned char *slot,
                               const unsigned char *base, bool caller_memory);
/* A server's [in]-only array of plain data whose wire form is its C form can stay in the
 * request buffer (call->in_place): *mem is then where its elements are. */
static inline bool ndr_in_place_possible(ndr_call *c, const asidl_ndr_type *t, size_t elements, unsigned char **mem)
{
    if (!c->in_place || c->side != ASIDL_NDR_SERVER || c->p.swap || t->kind != ASIDL_NDR_ARRAY ||
        !c->p.proc || c->p.param >= c->p.proc->n_params ||
        (c->p.proc->params[c->p.param].flags & (ASIDL_NDR_PARAM_IN | ASIDL_NDR_PARAM_OUT)) != ASIDL_NDR_PARAM_IN)
        return false;
    const asidl_ndr_array *a = (const asidl_ndr_array *)t;
    if ((t->flags & (ASIDL_NDR_F_VARYING | ASIDL_NDR_F_STRING)) || ndr_flat_stride(a->elem) != a->elem->mem_size)
        return false;
    /* where the elements start: after the counts, at the element's alignment */
    size_t pos = c->p.in_pos;
    if (t->flags & ASIDL_NDR_F_CONFORMANT)
        pos = ((pos + 3) & ~(size_t)3) + 4 * (size_t)a->n_dims;
    pos = (pos + a->elem->align - 1) & ~(size_t)(a->elem->align - 1);
    const unsigned char *at = c->p.in + pos;
    if (elements == 0 || pos > c->p.in_len || elements > (c->p.in_len - pos) / a->elem->mem_size ||
        ((uintptr_t)at & (a->elem->align - 1)))
        return false;
    *mem = (unsigned char *)(uintptr_t)at;
    return true;
}

/* Processes queued referents above mark, newest construct first (depth-first order). */
long ndr_drain_marshal(ndr_call *c, size_t mark);
long ndr_drain_unmarshal(ndr_call *c, size_t mark);
/* Resolves aliases of full pointers whose referent arrived after them. */
long ndr_apply_fixups(ndr_call *c, size_t from);
typedef struct asidl_ndr__fixup {
    uint32_t id;
    void **slot;
} ndr_fixup;
long ndr_fixup_push(ndr_call *c, uint32_t id, void **slot);

/* ===================================================================== ndr_unions.c */

long ndr_union_marshal(ndr_call *c, const asidl_ndr_union *u, const unsigned char *mem,
                       const unsigned char *base);
long ndr_union_unmarshal(ndr_call *c, const asidl_ndr_union *u, unsigned char *mem,
                         const unsigned char *base);
/* The arm for a discriminant: *arm may be NULL for an empty arm; RPC_X_INVALID_TAG if none. */
long ndr_union_arm(const asidl_ndr_union *u, int64_t discriminant, const asidl_ndr_type **arm);
/* Discriminant of a union in memory (encapsulated: its own; otherwise switch_is). */
long ndr_union_discriminant(ndr_call *c, const asidl_ndr_proc *proc, void **frame, const asidl_ndr_union *u,
                            const unsigned char *mem, const unsigned char *base, int64_t *d);

/* ===================================================================== ndr_context.c */

long ndr_context_marshal(ndr_call *c, const asidl_ndr_context_handle *h, const unsigned char *mem);
long ndr_context_unmarshal(ndr_call *c, const asidl_ndr_context_handle *h, unsigned char *mem);

/* ===================================================================== ndr_usertypes.c */

long ndr_user_marshal(ndr_call *c, const asidl_ndr_user_marshal *u, const unsigned char *mem);
long ndr_user_unmarshal(ndr_call *c, const asidl_ndr_user_marshal *u, unsigned char *mem);
/* The deferred half of a user_marshal type with pointers. */
long ndr_user_marshal_data(ndr_call *c, const asidl_ndr_user_marshal *u, const unsigned char *mem);
long ndr_user_unmarshal_data(ndr_call *c, const asidl_ndr_user_marshal *u, unsigned char *mem);
long ndr_xmit_marshal(ndr_call *c, const asidl_ndr_transmit_as *x, const unsigned char *mem);
long ndr_xmit_unmarshal(ndr_call *c, const asidl_ndr_transmit_as *x, unsigned char *mem);
uint32_t ndr_user_flags(const ndr_call *c);
/* Calls a user_marshal type's _UserFree routine (c may be NULL outside a pass). */
void ndr_user_free_object(const ndr_call *c, const asidl_ndr_user_marshal *u, void *mem);

/* ===================================================================== ndr_shapes.c */

/* The frequent top-level parameters, each a shape (ndr_shapes.c explains them):
 *   BASE        a base type by value                           (ref: the type)
 *   REF_BASE    a [ref] pointer to a base type                 (ref: the base type)
 *   REF_ARRAY   a [ref] pointer to a simple array of one size  (ref: the array)
 *   REF_OTHER   a [ref] pointer to anything else not a pointer (ref: the referent)
 *   GENERAL     anything else: the general walk
 * A shape depends on the descriptors only, so it is worked out once per procedure
 * (ndr_procinfo.c); whether the shortcut applies also depends on the call. */
enum { NDR_SHAPE_OF_GENERAL = 0, NDR_SHAPE_BASE, NDR_SHAPE_REF_BASE, NDR_SHAPE_REF_ARRAY, NDR_SHAPE_REF_OTHER };

typedef struct ndr_param_info {
    uint8_t shape;              /* NDR_SHAPE_* */
    uint8_t free;               /* NDR_FREE_*: what asidl_ndr_server_free finds in it */
    /* REF_ARRAY, conformant, size_is naming one parameter of an integer C type: that
     * parameter's index (else NDR_NO_SIZE_PARAM), and on which sides (bit 1 << side) it has
     * been received when this one is unmarshalled.  The shortcuts then read the count
     * straight from the frame instead of evaluating the expression on every call. */
    uint8_t size_ready;
    uint8_t size_ctype;         /* ... and its C type (ASIDL_NDR_C_OF) */
    /* REF_ARRAY with a size_param whose elements are copied as one block (ndr_base_block_copy):
     * the shortcuts read and write it without the simple-array functions' layers. */
    uint8_t flat;
    /* ... and, being [in] only with a stride equal to its elements' size, the server may leave
     * it in the request (what ndr_in_place_possible finds from the descriptors alone). */
    uint8_t in_place;
    /* The parameter's ASIDL_NDR_PARAM_* flags, so that the passes read the info alone and not
     * the descriptor beside it too. */
    uint16_t flags;
    uint32_t size_param;
    /* REF_ARRAY: its elements' wire size (a base type's alignment), read here rather than
     * through the array's descriptor and its element's. */
    uint32_t elem_size;
    const asidl_ndr_type *ref;  /* REF_*: the referent */
    size_t offset;              /* the parameter's slot in the argument frame */
} ndr_param_info;
#define NDR_NO_SIZE_PARAM UINT32_MAX

/* Classifies a parameter (offset is left alone; size_param is NDR_NO_SIZE_PARAM). */
void ndr_param_classify(const asidl_ndr_param *p, ndr_param_info *info);
/* What only the whole procedure tells: where parameter i's size comes from (size_param). */
void ndr_param_classify_size(const asidl_ndr_proc *proc, uint32_t i, ndr_param_info *info);

/* A REF_ARRAY parameter's size_is read from the frame, as evaluating the expression gives it,
 * when the info says where it is and (unmarshalling, with the parameter being read the one
 * described) that it has been received; false when the general evaluation must run (which
 * also reports the errors). */
NDR_INLINE bool ndr_known_size(const ndr_call *c, const ndr_param_info *pi, bool unmarshalling, int64_t *v)
{
    if (pi->size_param == NDR_NO_SIZE_PARAM || (unmarshalling && !(pi->size_ready >> c->side & 1)))
        return false;
    /* ndr_load_operand, its C type's size already found valid: the frequent unsigned types
     * straight, the others as it has them */
    const void *at = c->p.frame[pi->size_param];
    if (pi->size_ctype == 4) {             /* unsigned int, DWORD */
        uint32_t n;
        memcpy(&n, at, 4);
        *v = n;
        return true;
    }
    if (pi->size_ctype == 8) {             /* unsigned long (IDL long is a C long), size_t */
        uint64_t n;
        memcpy(&n, at, 8);
        *v = (int64_t)n;
        return *v >= 0;
    }
    unsigned size = pi->size_ctype & 0x0F;
    bool is_signed = (pi->size_ctype & ASIDL_NDR_C_SIGNED) != 0;
    *v = ndr_load_int(at, size, is_signed);
    return !(size == 8 && !is_signed && *v < 0);
}

/* The shortcuts: anything they do not cover returns NDR_SHAPE_GENERAL (no status has that
 * value) and the caller takes the general walk. */
#define NDR_SHAPE_GENERAL (-1L)

/* A pass's parameters (NDR_LIST_*), each by its shortcut or the general walk: marshalling (or
 * sizing) a list; the client's reply; the server's [in] parameters.  info may be NULL (each
 * parameter is then classified as it comes).  c->p.proc and frame are set. */
typedef struct asidl_ndr__proc_info ndr_proc_info;
long ndr_params_marshal(ndr_call *c, const ndr_proc_info *info, const asidl_ndr_proc *proc, void **args,
                        int list);
long ndr_params_client_unmarshal(ndr_call *c, const ndr_proc_info *info, const asidl_ndr_proc *proc,
                                 void **args);
long ndr_params_server_unmarshal(ndr_call *c, const ndr_proc_info *info, const asidl_ndr_proc *proc,
                                 void **args);

/* ===================================================================== ndr_procinfo.c */

/* What a parameter holds for asidl_ndr_server_free: nothing (plain data by value, or not on
 * the wire), at most one block of plain data (a [ref] or [unique] pointer to it), or something
 * only the walk can free (ndr_free.c). */
enum { NDR_FREE_NOTHING = 0, NDR_FREE_BLOCK, NDR_FREE_WALK };
uint8_t ndr_param_free_kind(const asidl_ndr_param *p);

/* The parameters each pass visits, in order: on the wire, and
 *   IN        [in], not the return value (the client's request, the server's unmarshalling)
 *   OUT       [out], the return value included (the reply, both sides)
 *   OUT_ONLY  [out] and not [in], not the return value (the server allocates their storage) */
enum { NDR_LIST_IN, NDR_LIST_OUT, NDR_LIST_OUT_ONLY, NDR_LISTS };

static inline bool ndr_param_in_list(const asidl_ndr_param *p, int list)
{
    if ((p->flags & ASIDL_NDR_PARAM_NOWIRE) || !p->type)
        return false;
    switch (list) {
    case NDR_LIST_IN:
        return (p->flags & (ASIDL_NDR_PARAM_IN | ASIDL_NDR_PARAM_RETURN)) == ASIDL_NDR_PARAM_IN;
    case NDR_LIST_OUT:
        return (p->flags & ASIDL_NDR_PARAM_OUT) != 0;
    default:
        return (p->flags & (ASIDL_NDR_PARAM_IN | ASIDL_NDR_PARAM_OUT | ASIDL_NDR_PARAM_RETURN)) ==
               ASIDL_NDR_PARAM_OUT;
    }
}

/* What the engine works out once per procedure descriptor: its parameters' shapes, the lists
 * its passes visit, and its argument frame's layout. */
struct asidl_ndr__proc_info {
    const asidl_ndr_proc *proc;         /* the descriptor it describes */
    const asidl_ndr_param *params;      /* ... and, as it was then, its parameters */
    uint32_t n_params;
    size_t frame_size;
    size_t slots_size;                  /* the parameters' part of the frame, which starts zeroed */
    size_t out_room_at;                 /* where the frame's room for [out] referents is (0: none) */
    bool plain;                         /* no parameter is NDR_FREE_WALK */
    uint32_t n_list[NDR_LISTS];
    const uint32_t *list[NDR_LISTS];    /* parameter indexes (in the same block) */
    uint32_t n_blocks;                  /* the NDR_FREE_BLOCK parameters (same block) */
    const uint32_t *blocks;
    ndr_param_info param[];
};

/* The table of infos (ndr_procinfo.c): a procedure's info is in the slot its address hashes
 * to, or one of the next few. */
enum { NDR_INFO_SLOTS = 4096 };
extern const ndr_proc_info *ndr_infos[NDR_INFO_SLOTS];

static inline size_t ndr_info_slot(const asidl_ndr_proc *proc)
{
    return (size_t)((uintptr_t)proc >> 4) % NDR_INFO_SLOTS;
}

static inline bool ndr_info_describes(const ndr_proc_info *info, const asidl_ndr_proc *proc)
{
    return info->proc == proc && info->params == proc->params && info->n_params == proc->n_params;
}

const ndr_proc_info *ndr_proc_info_find(const asidl_ndr_proc *proc);

/* The procedure's info, worked out on first use (proc must carry ASIDL_NDR_MAGIC).  NULL if it
 * could not be kept (out of memory, too many procedures): the caller works things out itself.
 * The usual case, the info in its first slot, is inline. */
static inline const ndr_proc_info *ndr_proc_info_get(const asidl_ndr_proc *proc)
{
    const ndr_proc_info *info = __atomic_load_n(&ndr_infos[ndr_info_slot(proc)], __ATOMIC_ACQUIRE);
    return info && ndr_info_describes(info, proc) ? info : ndr_proc_info_find(proc);
}

/* The procedure's info for a pass of call c: the one the call's previous pass found, if it
 * describes proc (a call's passes are those of one procedure), else ndr_proc_info_get's, kept
 * for the next pass.  One look-up in the table per call, not per pass. */
static inline const ndr_proc_info *ndr_call_info(ndr_call *c, const asidl_ndr_proc *proc)
{
    const ndr_proc_info *info = c->p.info;
    if (!info || !ndr_info_describes(info, proc))
        c->p.info = info = ndr_proc_info_get(proc);
    return info;
}

/* A parameter's info: from the procedure's, or classified into `local`. */
static inline const ndr_param_info *ndr_param_info_of(const ndr_proc_info *info, const asidl_ndr_proc *proc,
                                                      uint32_t i, ndr_param_info *local)
{
    if (info)
        return &info->param[i];
    ndr_param_classify(&proc->params[i], local);
    return local;
}

/* Walks the parameters of one list: the info's list, or (info NULL) by testing each. */
typedef struct ndr_param_iter {
    const uint32_t *list;       /* NULL: test each of proc's parameters */
    uint32_t n, at;
    const asidl_ndr_proc *proc;
    int which;
} ndr_param_iter;

static inline ndr_param_iter ndr_params(const ndr_proc_info *info, const asidl_ndr_proc *proc, int list)
{
    if (info)
        return (ndr_param_iter){ info->list[list], info->n_list[list], 0, proc, list };
    return (ndr_param_iter){ NULL, proc->n_params, 0, proc, list };
}

static inline bool ndr_next_param(ndr_param_iter *it, uint32_t *i)
{
    if (it->list) {
        if (it->at >= it->n)
            return false;
        *i = it->list[it->at++];
        return true;
    }
    while (it->at < it->n) {
        uint32_t k = it->at++;
        if (ndr_param_in_list(&it->proc->params[k], it->which)) {
            *i = k;
            return true;
        }
    }
    return false;
}

/* Lays a frame's slots out (into args, if not NULL) and returns its size. */
size_t ndr_frame_layout(const asidl_ndr_proc *proc, unsigned char *block, void **args);

/* A frame's room for [out] referents: after the slots of a procedure whose parameters free as
 * at most one block each, with [out]-only pointers among them.  The server unmarshal places
 * those referents there, when they fit, instead of allocating them (they live as long as the
 * frame, which outlives the reply, asynchronous calls' included); asidl_ndr_server_free knows
 * them by their address.  ndr_frame_layout and the info agree on it whether or not an info
 * can be kept, so a frame always has the room its procedure's info says. */
enum { NDR_OUT_ROOM = 256 };     /* (a multiple of 8) */
/* Where the room starts in a frame whose slots take `slots` octets (0: no room). */
size_t ndr_out_room_at(const asidl_ndr_proc *proc, size_t slots);

/* ===================================================================== ndr_free.c */

/* Frees what a value references; proc/frame give parameters to correlation expressions. */
void ndr_free_value(const asidl_ndr_type *t, void *mem, const asidl_ndr_proc *proc, void **frame);

#endif
