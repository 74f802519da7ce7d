/*
 * win_handle.c: the dispatcher lock, the reference-counted object base, and the handle table
 * that turns HANDLE values into objects (CloseHandle).
 *
 * A handle is an index into the table plus the generation of its slot: bits 2..31 hold the
 * index + 1 and bits 32..61 the generation, so a value is never NULL, INVALID_HANDLE_VALUE (-1)
 * or a pseudo-handle (-2), and a closed handle stays invalid after its slot is reused (the
 * generation moved on).  Freed slots are reused oldest first, which spreads reuse over the
 * whole table.  Any value is safe to pass: it is looked up, never dereferenced.
 */
#include <stdlib.h>

#include "win_internal.h"

static pthread_mutex_t dispatcher = PTHREAD_MUTEX_INITIALIZER;

void asidl__win_lock(void)
{
    pthread_mutex_lock(&dispatcher);
}

void asidl__win_unlock(void)
{
    pthread_mutex_unlock(&dispatcher);
}

pthread_mutex_t *asidl__win_mutex(void)
{
    return &dispatcher;
}

/* ------------------------------------------------------------------ objects */

void asidl__wobj_init(asidl__wobj *o, asidl__wkind kind, const asidl__wobj_ops *ops)
{
    o->ops = ops;
    o->kind = kind;
    o->refs = 1;
    o->handles = 0;
    o->waits_first = o->waits_last = NULL;
    o->fd = NULL;
}

void asidl__wobj_retain_locked(asidl__wobj *o)
{
    o->refs++;
}

void asidl__wobj_release_locked(asidl__wobj *o)
{
    if (--o->refs == 0)
        o->ops->destroy(o);
}

/* ------------------------------------------------------------------ the table */

#define GENERATION_MASK 0x3FFFFFFFu
#define INDEX_LIMIT 0x3FFFFFFFu
#define NO_SLOT UINT32_MAX

typedef struct slot {
    asidl__wobj *obj;           /* NULL while free */
    uint32_t generation;
    uint32_t next_free;
} slot;

static struct {
    slot *slots;
    uint32_t used;              /* slots ever handed out */
    uint32_t capacity;
    uint32_t free_first, free_last;
} table = { .free_first = NO_SLOT, .free_last = NO_SLOT };

static HANDLE handle_value(uint32_t index, uint32_t generation)
{
    return (HANDLE)(uintptr_t)(((uint64_t)generation << 32) | ((uint64_t)(index + 1) << 2));
}

/* The slot a value names, or NO_SLOT when the value cannot be a handle at all. */
static uint32_t slot_index(HANDLE h, uint32_t *generation)
{
    uint64_t v = (uint64_t)(uintptr_t)h;
    if ((v & 3) != 0 || (v >> 62) != 0)
        return NO_SLOT;
    uint64_t index_plus_one = (v & 0xFFFFFFFFu) >> 2;
    if (index_plus_one == 0 || index_plus_one > table.used)
        return NO_SLOT;
    *generation = (uint32_t)(v >> 32);
    return (uint32_t)(index_plus_one - 1);
}

static uint32_t take_free_slot(void)
{
    if (table.free_first != NO_SLOT) {
        uint32_t i = table.free_first;
        table.free_first = table.slots[i].next_free;
        if (table.free_first == NO_SLOT)
            table.free_last = NO_SLOT;
        return i;
    }
    if (table.used == table.capacity) {
        if (table.capacity >= INDEX_LIMIT)
            return NO_SLOT;
        uint32_t cap = table.capacity ? table.capacity * 2 : 64;
        if (cap > INDEX_LIMIT)
            cap = INDEX_LIMIT;
        slot *grown = realloc(table.slots, (size_t)cap * sizeof *grown);
        if (!grown)
            return NO_SLOT;
        table.slots = grown;
        table.capacity = cap;
    }
    uint32_t i = table.used++;
    table.slots[i].obj = NULL;
    table.slots[i].generation = 0;
    return i;
}

HANDLE asidl__handle_open_locked(asidl__wobj *o)
{
    uint32_t i = take_free_slot();
    if (i == NO_SLOT)
        return NULL;
    slot *s = &table.slots[i];
    s->generation = (s->generation + 1) & GENERATION_MASK;
    if (s->generation == 0)
        s->generation = 1;
    s->obj = o;
    s->next_free = NO_SLOT;
    o->handles++;
    asidl__wobj_retain_locked(o);
    return handle_value(i, s->generation);
}

asidl__wobj *asidl__handle_lookup_locked(HANDLE h, asidl__wkind kind)
{
    asidl__wobj *o;
    if (h == ASIDL_CURRENT_THREAD_HANDLE) {
        asidl__thread *self = asidl__thread_current();
        o = self ? &self->obj : NULL;
    } else {
        uint32_t generation = 0;
        uint32_t i = slot_index(h, &generation);
        if (i == NO_SLOT || table.slots[i].obj == NULL || table.slots[i].generation != generation)
            return NULL;
        o = table.slots[i].obj;
    }
    if (o && kind != ASIDL_WOBJ_ANY && o->kind != kind)
        return NULL;
    return o;
}

void asidl__handle_close_locked(HANDLE h, asidl__wobj *o)
{
    uint32_t generation = 0;
    uint32_t i = slot_index(h, &generation);
    slot *s = &table.slots[i];
    s->obj = NULL;
    s->next_free = NO_SLOT;
    if (table.free_last == NO_SLOT)
        table.free_first = i;
    else
        table.slots[table.free_last].next_free = i;
    table.free_last = i;

    if (--o->handles == 0) {
        asidl__wobj_abandon_waits_locked(o);
        if (o->ops->close)
            o->ops->close(o);
        asidl__wfd_close_locked(o);
    }
    asidl__wobj_release_locked(o);
}

/* ------------------------------------------------------------------ CloseHandle */

BOOL WINAPI asidl_CloseHandle(HANDLE hObject)
{
    /* Closing the pseudo-handle has no effect, as documented for GetCurrentThread. */
    if (hObject == ASIDL_CURRENT_THREAD_HANDLE)
        return TRUE;
    asidl__win_lock();
    asidl__wobj *o = asidl__handle_lookup_locked(hObject, ASIDL_WOBJ_ANY);
    /* A window is not a kernel object: DestroyMessageWindow ends it. */
    if (!o || o->kind == ASIDL_WOBJ_WINDOW) {
        asidl__win_unlock();
        asidl__set_last_error(ERROR_INVALID_HANDLE);
        return FALSE;
    }
    asidl__handle_close_locked(hObject, o);
    asidl__win_unlock();
    return TRUE;
}
