/*
 * ndr_free.c: releasing what unmarshalled values reference, with MIDL_user_free.
 *
 * The walk keeps its pending work on a stack of its own (a few entries in its frame, then heap
 * arrays), not in C recursion, so a million-node list frees like any other value.  It first finds every block, then frees them all: sizes of
 * referents (size_is(n), size_is(*pn)) are read from other referents and parameters, which
 * must still be there.  Full pointers are freed once however many times they are
 * referenced; [ignore] pointers are not followed.
 */
#include <stdlib.h>

#include "ndr_internal.h"

typedef struct work {
    const asidl_ndr_pointer *ptr;   /* the pointer whose referent this is */
    unsigned char *mem;
    const unsigned char *base;
} work;

/* The walk's bookkeeping, kept from one walk to the next (see take_scratch). */
typedef struct scratch {
    work *stack;                    /* referents to scan */
    size_t cap;
    void **blocks;                  /* referents found, freed at the end */
    size_t blocks_cap;
} scratch;

/* What a walk starts with on the C stack: most values have a few blocks at most, and need no
 * scratch arrays at all. */
enum { LOCAL_WORK = 8, LOCAL_BLOCKS = 16 };

typedef struct free_walk {
    scratch *s;                     /* NULL until the local arrays overflow */
    scratch fallback;               /* when no scratch can be allocated */
    work *stack;                    /* local_stack or s->stack */
    size_t cap;
    void **blocks;                  /* local_blocks or s->blocks */
    size_t blocks_cap;
    work local_stack[LOCAL_WORK];
    void *local_blocks[LOCAL_BLOCKS];
    size_t len, n_blocks;
    asidl_ndr__map seen;            /* full-pointer referents already scheduled */
    const asidl_ndr_proc *proc;
    void **frame;
    const unsigned char *keep, *keep_end;  /* the request buffer: in-place arrays are not freed */
    bool failed;                    /* out of memory for bookkeeping: stop (leak, never double free) */
} free_walk;

/* One spare set of bookkeeping arrays, taken and given back atomically.  Freeing a large value
 * needs a large list of blocks; growing and releasing it on every call would make malloc give
 * the heap's top back to the system after the value's blocks merge into it, and fault it in
 * again on the next call.  Arrays beyond SCRATCH_KEEP bytes are not kept. */
enum { SCRATCH_KEEP = 1 << 20 };
static scratch *spare;

static scratch *take_scratch(scratch *fallback)
{
    scratch *s = __atomic_exchange_n(&spare, NULL, __ATOMIC_ACQUIRE);
    if (!s)
        s = calloc(1, sizeof *s);
    if (!s) {
        memset(fallback, 0, sizeof *fallback);
        s = fallback;
    }
    return s;
}

static void release_arrays(scratch *s)
{
    free(s->stack);
    free(s->blocks);
    memset(s, 0, sizeof *s);
}

static void give_back_scratch(scratch *s, scratch *fallback)
{
    if (s == fallback) {
        release_arrays(s);
        return;
    }
    if (s->cap * sizeof *s->stack > SCRATCH_KEEP || s->blocks_cap * sizeof *s->blocks > SCRATCH_KEEP)
        release_arrays(s);
    s = __atomic_exchange_n(&spare, s, __ATOMIC_ACQ_REL);
    if (s) {
        release_arrays(s);
        free(s);
    }
}

static void walk_init(free_walk *w, const asidl_ndr_proc *proc, void **frame)
{
    w->s = NULL;
    w->stack = w->local_stack;
    w->cap = LOCAL_WORK;
    w->blocks = w->local_blocks;
    w->blocks_cap = LOCAL_BLOCKS;
    w->len = w->n_blocks = 0;
    w->seen = (asidl_ndr__map){ NULL, 0, 0 };
    w->proc = proc;
    w->frame = frame;
    w->keep = w->keep_end = NULL;
    w->failed = false;
}

/* Moves the walk's arrays from the stack to the scratch arrays (taken on first need). */
/* Moves the walk's arrays from the stack to the scratch arrays (taken on first need). */
static void to_scratch(free_walk *w)
{
    if (w->s)
        return;
    scratch *s = w->s = take_scratch(&w->fallback);
    if (ndr_grow_array((void **)&s->stack, &s->cap, 2 * LOCAL_WORK, sizeof *s->stack) ||
        ndr_grow_array((void **)&s->blocks, &s->blocks_cap, 2 * LOCAL_BLOCKS, sizeof *s->blocks)) {
        w->failed = true;
        return;
    }
    memcpy(s->stack, w->stack, w->len * sizeof *w->stack);
    memcpy(s->blocks, w->blocks, w->n_blocks * sizeof *w->blocks);
    w->stack = s->stack;
    w->cap = s->cap;
    w->blocks = s->blocks;
    w->blocks_cap = s->blocks_cap;
}

static void add_block_slow(free_walk *w, void *block)
{
    if (w->failed)
        return;
    if (w->n_blocks == w->blocks_cap) {
        to_scratch(w);
        if (w->failed ||
            ndr_grow_array((void **)&w->s->blocks, &w->s->blocks_cap, w->n_blocks + 1, sizeof *w->blocks)) {
            w->failed = true;
            return;
        }
        w->blocks = w->s->blocks;
        w->blocks_cap = w->s->blocks_cap;
    }
    w->blocks[w->n_blocks++] = block;
}

static inline void add_block(free_walk *w, void *block)
{
    if (!w->failed && w->n_blocks < w->blocks_cap)
        w->blocks[w->n_blocks++] = block;
    else
        add_block_slow(w, block);
}

static void push(free_walk *w, work item)
{
    if (w->failed)
        return;
    if (w->len == w->cap) {
        to_scratch(w);
        if (w->failed || ndr_grow_array((void **)&w->s->stack, &w->s->cap, w->len + 1, sizeof *w->stack)) {
            w->failed = true;
            return;
        }
        w->stack = w->s->stack;
        w->cap = w->s->cap;
    }
    w->stack[w->len++] = item;
}

static void schedule_referent(free_walk *w, const asidl_ndr_pointer *p, unsigned char *ref,
                              const unsigned char *base)
{
    unsigned kind = p->hdr.flags & ASIDL_NDR_PTR_KIND_MASK;
    if (!ref || kind == ASIDL_NDR_PTR_IGNORE)
        return;
    if (kind == ASIDL_NDR_PTR_FULL) {
        uint64_t v;
        if (ndr_map_get(&w->seen, (uint64_t)(uintptr_t)ref, &v))
            return;
        if (ndr_map_put(&w->seen, (uint64_t)(uintptr_t)ref, 1)) {
            w->failed = true;
            return;
        }
    }
    const asidl_ndr_type *rt = p->referent;
    if (!ndr_check_magic(rt) && !(rt->flags & ASIDL_NDR_F_COMPLEX) && rt->kind != ASIDL_NDR_POINTER) {
        add_block(w, ref);      /* plain data: nothing inside to visit */
        return;
    }
    push(w, (work){ p, ref, base });
}

static unsigned char *load_ptr(const unsigned char *slot)
{
    unsigned char *p;
    memcpy(&p, slot, sizeof p);
    return p;
}

/* Finds the pointers and application-owned objects inside one value. */
static void scan(free_walk *w, const asidl_ndr_type *t, unsigned char *mem, const unsigned char *base)
{
    if (ndr_check_magic(t) || !(t->flags & ASIDL_NDR_F_COMPLEX))
        return;
    switch (t->kind) {
    case ASIDL_NDR_STRUCT: {
        const asidl_ndr_struct *s = (const asidl_ndr_struct *)t;
        for (uint32_t i = 0; i < s->n_fields; i++) {
            const asidl_ndr_type *ft = s->fields[i].type;
            if (ft->kind == ASIDL_NDR_POINTER && !ndr_check_magic(ft))     /* most members that matter */
                schedule_referent(w, (const asidl_ndr_pointer *)ft, load_ptr(mem + s->fields[i].offset), mem);
            else if (ft->kind != ASIDL_NDR_BASE)
                scan(w, ft, mem + s->fields[i].offset, mem);
        }
        break;
    }
    case ASIDL_NDR_ARRAY: {
        const asidl_ndr_array *a = (const asidl_ndr_array *)t;
        ndr_bounds b;
        if (ndr_array_bounds(NULL, w->proc, w->frame, a, mem, base, &b))
            return;     /* sizes unknowable: nothing can be visited safely */
        /* Only the transmitted box holds values (the rest is zeroed or the caller's). */
        uint32_t nd = b.n_dims, idx[ASIDL_NDR_MAX_DIMS];
        if (b.sent == 0)
            return;
        for (uint32_t i = 0; i < nd; i++)
            idx[i] = b.offset[i];
        for (;;) {
            size_t linear = 0;
            for (uint32_t i = 0; i < nd; i++)
                linear = linear * b.max[i] + idx[i];
            scan(w, a->elem, mem + linear * a->elem->mem_size, base);
            int d = (int)nd - 1;
            for (; d >= 0; d--) {
                if (++idx[d] < b.offset[d] + b.count[d])
                    break;
                idx[d] = b.offset[d];
            }
            if (d < 0)
                break;
        }
        break;
    }
    case ASIDL_NDR_POINTER:
        schedule_referent(w, (const asidl_ndr_pointer *)t, load_ptr(mem), base);
        break;
    case ASIDL_NDR_UNION: {
        const asidl_ndr_union *u = (const asidl_ndr_union *)t;
        int64_t d;
        const asidl_ndr_type *arm;
        if (ndr_union_discriminant(NULL, w->proc, w->frame, u, mem, base, &d) || ndr_union_arm(u, d, &arm) || !arm)
            return;
        if (u->hdr.flags & ASIDL_NDR_F_ENCAPSULATED)
            scan(w, arm, mem + u->arm_offset, mem);
        else
            scan(w, arm, mem, base);
        break;
    }
    case ASIDL_NDR_USER_MARSHAL:
        ndr_user_free_object(NULL, (const asidl_ndr_user_marshal *)t, mem);
        break;
    case ASIDL_NDR_TRANSMIT_AS: {
        const asidl_ndr_transmit_as *x = (const asidl_ndr_transmit_as *)t;
        if (x->free_presented)
            x->free_presented(mem);
        break;
    }
    }
}

static void seed(free_walk *w, const asidl_ndr_type *t, void *mem)
{
    if (!mem || ndr_check_magic(t))
        return;
    if (t->kind == ASIDL_NDR_POINTER)
        schedule_referent(w, (const asidl_ndr_pointer *)t, load_ptr(mem), NULL);
    else
        scan(w, t, mem, NULL);
}

static void run(free_walk *w)
{
    while (w->len && !w->failed) {
        work item = w->stack[--w->len];
        add_block(w, item.mem);
        const asidl_ndr_type *rt = item.ptr->referent;
        if (ndr_check_magic(rt))
            continue;
        if (rt->kind == ASIDL_NDR_POINTER)
            schedule_referent(w, (const asidl_ndr_pointer *)rt, load_ptr(item.mem), item.base);
        else
            scan(w, rt, item.mem, item.base);
    }
    /* Out of bookkeeping memory: leak rather than risk freeing something still referenced. */
    if (!w->failed) {
        for (size_t i = 0; i < w->n_blocks; i++) {
            const unsigned char *b = w->blocks[i];
            if (!(b >= w->keep && b < w->keep_end))
                MIDL_user_free(w->blocks[i]);
        }
    }
    if (w->seen.slots)
        ndr_map_free(&w->seen);
    if (w->s)
        give_back_scratch(w->s, &w->fallback);
}

void ndr_free_value(const asidl_ndr_type *t, void *mem, const asidl_ndr_proc *proc, void **frame)
{
    free_walk w;
    walk_init(&w, proc, frame);
    seed(&w, t, mem);
    run(&w);
}

void asidl_ndr_free(const asidl_ndr_type *type, void *mem)
{
    ndr_free_value(type, mem, NULL, NULL);
}

uint8_t ndr_param_free_kind(const asidl_ndr_param *p)
{
    const asidl_ndr_type *t = p->type;
    if ((p->flags & ASIDL_NDR_PARAM_NOWIRE) || !t)
        return NDR_FREE_NOTHING;
    if (ndr_check_magic(t))
        return NDR_FREE_WALK;
    if (t->kind != ASIDL_NDR_POINTER)
        return t->flags & ASIDL_NDR_F_COMPLEX ? NDR_FREE_WALK : NDR_FREE_NOTHING;
    unsigned kind = t->flags & ASIDL_NDR_PTR_KIND_MASK;
    const asidl_ndr_type *r = ((const asidl_ndr_pointer *)t)->referent;
    if ((kind != ASIDL_NDR_PTR_REF && kind != ASIDL_NDR_PTR_UNIQUE) || ndr_check_magic(r) ||
        (r->flags & ASIDL_NDR_F_COMPLEX) || r->kind == ASIDL_NDR_POINTER)
        return NDR_FREE_WALK;
    return NDR_FREE_BLOCK;
}

/* Whether b, parameter i's referent, is in the frame's room for [out] referents (the room is
 * found from the slot's own place in the frame). */
static bool in_room(const ndr_proc_info *info, uint32_t i, const unsigned char *slot, const unsigned char *b)
{
    if (!info->out_room_at)
        return false;
    const unsigned char *room = slot - info->param[i].offset + info->out_room_at;
    return b >= room && b < room + NDR_OUT_ROOM;
}

/* A procedure without NDR_FREE_WALK parameters: their blocks, freed at once (no size has to be
 * read from one block to free another).  false, having freed nothing, otherwise. */
static bool free_plain(const ndr_proc_info *info, void **args, const unsigned char *keep, const unsigned char *keep_end)
{
    if (!ndr_fast_paths || !info || !info->plain)
        return false;
    for (uint32_t k = 0; k < info->n_blocks; k++) {
        uint32_t i = info->blocks[k];
        unsigned char *slot = args[i];
        if (!slot)
            continue;
        const unsigned char *b = load_ptr(slot);
        if (!b || (b >= keep && b < keep_end))
            continue;
        if (!in_room(info, i, slot, b))
            MIDL_user_free((void *)b);      /* (see leave_room) */
    }
    return true;
}

/* Referents the server unmarshal placed in the frame's room (ndr_proc.c) are no blocks: they
 * leave the frame before anything is freed.  Each is known by its address, from its own
 * slot's place in the frame. */
static void leave_room(const ndr_proc_info *info, void **args)
{
    for (uint32_t k = 0; k < info->n_blocks; k++) {
        uint32_t i = info->blocks[k];
        unsigned char *slot = args[i];
        if (!slot)
            continue;
        if (in_room(info, i, slot, load_ptr(slot)))
            memset(slot, 0, sizeof(void *));
    }
}

/* All parameters in one walk, so that a full pointer shared by two of them is freed once. */
void asidl_ndr_server_free(const asidl_ndr_proc *proc, void **args, const void *request, size_t request_len)
{
    if (!proc || proc->magic != ASIDL_NDR_MAGIC || !args)
        return;
    const unsigned char *keep = request, *keep_end = request ? keep + request_len : NULL;
    const ndr_proc_info *info = ndr_proc_info_get(proc);
    if (free_plain(info, args, keep, keep_end))
        return;
    if (info && info->out_room_at)
        leave_room(info, args);
    free_walk w;
    walk_init(&w, proc, args);
    w.keep = keep;
    w.keep_end = keep_end;
    for (uint32_t i = 0; i < proc->n_params; i++) {
        const asidl_ndr_param *p = &proc->params[i];
        if (!(p->flags & ASIDL_NDR_PARAM_NOWIRE) && p->type)
            seed(&w, p->type, args[i]);
    }
    run(&w);
}
