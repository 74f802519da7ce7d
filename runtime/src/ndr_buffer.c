/*
 * ndr_buffer.c: the engine's working storage.  Output buffers that grow, the input cursor's
 * multi-byte reads, and the per-call tables a pass needs (deferred-referent queue, undo log,
 * maps).  The queue and the undo log start in storage inside the call; beyond it, and for the
 * other tables, they are allocated lazily with malloc (they are the engine's, not the
 * application's) and kept across passes, so a reused asidl_ndr_call stops allocating.
 */
#include <stdlib.h>

#include "ndr_internal.h"

/* ---- call state ---- */

static size_t default_alloc_limit = (size_t)64 << 20;

void asidl_ndr_set_default_alloc_limit(size_t bytes)
{
    default_alloc_limit = bytes;
}

/* Entries of a table that fit the call's local storage for it. */
#define LOCAL_ENTRIES(c, field, type) (sizeof (c)->p.field / (sizeof(type)))

/* The growable tables empty, the queue and the undo log in the call's own storage (the call
 * is not moved once set up). The maps are reset apart: cleanup frees them only when used. */
static void reset_tables(asidl_ndr_call *call)
{
    call->p.queue = (void *)call->p.local_queue;
    call->p.q_cap = LOCAL_ENTRIES(call, local_queue, ndr_queue_entry);
    call->p.undo = (void *)call->p.local_undo;
    call->p.undo_cap = LOCAL_ENTRIES(call, local_undo, ndr_undo);
    call->p.checks = NULL;
    call->p.fixups = NULL;
    call->p.q_len = call->p.undo_len = 0;
    call->p.checks_len = call->p.checks_cap = call->p.fixups_len = call->p.fixups_cap = 0;
}


/* The settings, and the tables' bookkeeping, which outlives passes.  Nothing else: every pass
 * sets the state it reads before reading it (ndr_begin_pass, ndr_set_input, the output of a
 * marshal pass), and a call is set up twice per RPC, where clearing all of it cost more than
 * any pass's own bookkeeping. */
void asidl_ndr_call_init(asidl_ndr_call *call, asidl_ndr_side side)
{
    call->side = side;
    call->alloc_limit = default_alloc_limit;
    call->user_marshal_context = 2;     /* MSHCTX_DIFFERENTMACHINE: data crosses the network */
    call->in_place = 0;
    call->hooks = NULL;
    call->hook_ctx = NULL;
    call->p.mode = 0;
    call->p.info = NULL;
    reset_tables(call);
    call->p.full_ptrs = (asidl_ndr__map){ NULL, 0, 0 };
    call->p.capacities = (asidl_ndr__map){ NULL, 0, 0 };
}

void asidl_ndr_call_cleanup(asidl_ndr_call *call)
{
    /* The usual call: its queue and undo log stayed in its own storage and it needed no other
     * table, so nothing is to be freed, and what reset_tables sets is as it set it (the lengths
     * are each pass's).  One test, not one per table. */
    uintptr_t moved = ((uintptr_t)call->p.queue ^ (uintptr_t)call->p.local_queue) |
                      ((uintptr_t)call->p.undo ^ (uintptr_t)call->p.local_undo) | (uintptr_t)call->p.checks |
                      (uintptr_t)call->p.fixups | (uintptr_t)call->p.full_ptrs.slots |
                      (uintptr_t)call->p.capacities.slots;
    if (!moved)
        return;
    if (call->p.queue && call->p.queue != (void *)call->p.local_queue)
        free(call->p.queue);
    if (call->p.undo && call->p.undo != (void *)call->p.local_undo)
        free(call->p.undo);
    if (call->p.checks)
        free(call->p.checks);
    if (call->p.fixups)
        free(call->p.fixups);
    if (call->p.full_ptrs.slots)
        ndr_map_free(&call->p.full_ptrs);
    if (call->p.capacities.slots)
        ndr_map_free(&call->p.capacities);
    /* The rest of the state is set by each pass; only the tables' bookkeeping is reset. */
    reset_tables(call);
}

/* ---- growable arrays ---- */

long ndr_grow_array(void **items, size_t *cap, size_t need, size_t item_size)
{
    if (need <= *cap)
        return RPC_S_OK;
    size_t n = *cap ? *cap : 16;
    while (n < need) {
        if (n > SIZE_MAX / 2 / item_size)
            return RPC_X_NO_MEMORY;
        n *= 2;
    }
    void *p = realloc(*items, n * item_size);
    if (!p)
        return RPC_X_NO_MEMORY;
    *items = p;
    *cap = n;
    return RPC_S_OK;
}

/* The same for a table whose first entries live in the call (local, local_cap entries). */
static long grow_local_array(void **items, size_t *cap, size_t need, size_t item_size, void *local,
                             size_t local_cap)
{
    if (need <= *cap)
        return RPC_S_OK;
    if (!*items && need <= local_cap) {
        *items = local;
        *cap = local_cap;
        return RPC_S_OK;
    }
    if (*items != local)
        return ndr_grow_array(items, cap, need, item_size);
    void *heap = NULL;
    size_t heap_cap = 0;
    long st = ndr_grow_array(&heap, &heap_cap, need, item_size);
    if (st)
        return st;
    memcpy(heap, local, *cap * item_size);
    *items = heap;
    *cap = heap_cap;
    return RPC_S_OK;
}

_Static_assert(sizeof(ndr_queue_entry) * 4 <= sizeof ((ndr_call *)0)->p.local_queue, "local queue too small");
_Static_assert(sizeof(ndr_undo) * 4 <= sizeof ((ndr_call *)0)->p.local_undo, "local undo log too small");

long ndr_queue_grow(ndr_call *c)
{
    return grow_local_array((void **)&c->p.queue, &c->p.q_cap, c->p.q_len + 1, sizeof(ndr_queue_entry),
                            c->p.local_queue, LOCAL_ENTRIES(c, local_queue, ndr_queue_entry));
}

void ndr_queue_reverse(ndr_call *c, size_t from, size_t to)
{
    ndr_queue_entry *q = c->p.queue;
    size_t i = from, j = to;
    while (j > i + 1) {
        ndr_queue_entry t = q[i];
        q[i++] = q[--j];
        q[j] = t;
    }
}

long ndr_undo_grow(ndr_call *c)
{
    if (!c->p.undo) {       /* the first entry of a pass that allocates: the call's own storage */
        c->p.undo = (void *)c->p.local_undo;
        c->p.undo_cap = LOCAL_ENTRIES(c, local_undo, ndr_undo);
        return RPC_S_OK;
    }
    return grow_local_array((void **)&c->p.undo, &c->p.undo_cap, c->p.undo_len + 1, sizeof(ndr_undo),
                            c->p.local_undo, LOCAL_ENTRIES(c, local_undo, ndr_undo));
}

void ndr_undo_rollback(ndr_call *c, size_t to)
{
    while (c->p.undo_len > to) {
        ndr_undo *u = &c->p.undo[--c->p.undo_len];
        switch (u->kind) {
        case NDR_UNDO_ALLOC:
            if (u->slot)
                *u->slot = NULL;
            MIDL_user_free(u->mem);
            break;
        case NDR_UNDO_SLOT:
            *u->slot = NULL;
            break;
        case NDR_UNDO_USER_FREE:
            ndr_user_free_object(c, (const asidl_ndr_user_marshal *)u->type, u->mem);
            break;
        case NDR_UNDO_FREE_PRESENTED: {
            const asidl_ndr_transmit_as *x = (const asidl_ndr_transmit_as *)u->type;
            if (x->free_presented)
                x->free_presented(u->mem);
            break;
        }
        }
    }
}

long ndr_fixup_push(ndr_call *c, uint32_t id, void **slot)
{
    long st = ndr_grow_array((void **)&c->p.fixups, &c->p.fixups_cap, c->p.fixups_len + 1, sizeof(ndr_fixup));
    if (st)
        return st;
    c->p.fixups[c->p.fixups_len++] = (ndr_fixup){ id, slot };
    return RPC_S_OK;
}

long ndr_check_push(ndr_call *c, const ndr_check_entry *e)
{
    long st = ndr_grow_array((void **)&c->p.checks, &c->p.checks_cap, c->p.checks_len + 1, sizeof *e);
    if (st)
        return st;
    c->p.checks[c->p.checks_len++] = *e;
    return RPC_S_OK;
}

/* ---- allocation of unmarshalled data ---- */

long ndr_alloc(ndr_call *c, size_t n, bool zero, void **slot, void **out)
{
    if (n == 0)
        n = 1;      /* a zero-element conformant array still gets a distinct non-NULL block */
    if (n > c->alloc_limit || c->p.alloc_total > c->alloc_limit - n)
        return RPC_X_NO_MEMORY;
    void *p = MIDL_user_allocate(n);
    if (!p)
        return RPC_X_NO_MEMORY;
    long st = ndr_undo_push(c, NDR_UNDO_ALLOC, p, slot, NULL);
    if (st) {
        MIDL_user_free(p);
        return st;
    }
    c->p.alloc_total += n;
    if (zero)
        memset(p, 0, n);
    if (slot)
        *slot = p;
    *out = p;
    return RPC_S_OK;
}

/* ---- output ---- */

static int realloc_grow(asidl_ndr_buffer *b, size_t min_cap)
{
    size_t n = b->cap ? b->cap : 256;
    while (n < min_cap) {
        if (n > SIZE_MAX / 2)
            return -1;
        n *= 2;
    }
    unsigned char *p = realloc(b->data, n);
    if (!p)
        return -1;
    b->data = p;
    b->cap = n;
    return 0;
}

void asidl_ndr_buffer_init(asidl_ndr_buffer *buf)
{
    memset(buf, 0, sizeof *buf);
    buf->grow = realloc_grow;
}

/* A buffer that starts in the caller's storage (owner remembers it) and moves to the heap the
 * first time it outgrows it; from then on it grows like a realloc-backed one. */
static int local_grow(asidl_ndr_buffer *b, size_t min_cap)
{
    if (b->data != b->owner)
        return realloc_grow(b, min_cap);
    size_t n = b->cap ? b->cap * 2 : 256;
    while (n < min_cap) {
        if (n > SIZE_MAX / 2)
            return -1;
        n *= 2;
    }
    unsigned char *p = malloc(n);
    if (!p)
        return -1;
    if (b->len)
        memcpy(p, b->data, b->len);
    b->data = p;
    b->cap = n;
    return 0;
}

void asidl_ndr_buffer_init_local(asidl_ndr_buffer *buf, void *storage, size_t cap)
{
    memset(buf, 0, sizeof *buf);
    buf->data = storage;
    buf->cap = storage ? cap : 0;
    buf->owner = storage;
    buf->grow = local_grow;
}

void asidl_ndr_buffer_init_fixed(asidl_ndr_buffer *buf, void *storage, size_t cap)
{
    memset(buf, 0, sizeof *buf);
    buf->data = storage;
    buf->cap = cap;
}

void asidl_ndr_buffer_free(asidl_ndr_buffer *buf)
{
    if (buf->grow == realloc_grow || (buf->grow == local_grow && buf->data != buf->owner))
        free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

long ndr_out_grow(ndr_call *c, size_t n)
{
    asidl_ndr_buffer *b = c->p.out;
    if (n > SIZE_MAX - b->len || !b->grow || b->grow(b, b->len + n) != 0 || b->cap - b->len < n)
        return RPC_X_NO_MEMORY;
    return RPC_S_OK;
}

/* ---- maps: open addressing, linear probing, keys never 0 ---- */

static size_t map_hash(uint64_t key, size_t cap)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return (size_t)key & (cap - 1);
}

static long map_resize(asidl_ndr__map *m, size_t cap)
{
    ndr_map_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return RPC_X_NO_MEMORY;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key)
            continue;
        size_t h = map_hash(m->slots[i].key, cap);
        while (slots[h].key)
            h = (h + 1) & (cap - 1);
        slots[h] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return RPC_S_OK;
}

long ndr_map_put(asidl_ndr__map *m, uint64_t key, uint64_t value)
{
    if ((m->used + 1) * 4 > m->cap * 3) {
        if (m->cap > SIZE_MAX / 2 / sizeof(ndr_map_slot))
            return RPC_X_NO_MEMORY;
        long st = map_resize(m, m->cap ? m->cap * 2 : 64);
        if (st)
            return st;
    }
    size_t h = map_hash(key, m->cap);
    while (m->slots[h].key && m->slots[h].key != key)
        h = (h + 1) & (m->cap - 1);
    if (!m->slots[h].key)
        m->used++;
    m->slots[h].key = key;
    m->slots[h].value = value;
    return RPC_S_OK;
}

bool ndr_map_get(const asidl_ndr__map *m, uint64_t key, uint64_t *value)
{
    if (!m->cap)
        return false;
    size_t h = map_hash(key, m->cap);
    while (m->slots[h].key) {
        if (m->slots[h].key == key) {
            *value = m->slots[h].value;
            return true;
        }
        h = (h + 1) & (m->cap - 1);
    }
    return false;
}

void ndr_map_clear(asidl_ndr__map *m)
{
    if (m->used)
        memset(m->slots, 0, m->cap * sizeof *m->slots);
    m->used = 0;
}

void ndr_map_free(asidl_ndr__map *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->used = 0;
}
