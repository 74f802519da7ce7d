/*
 * spare.c: one spare block per thread and kind for the objects a server call makes and frees
 * once each (the call with its request, the dispatcher's frame). The thread that frees one
 * keeps it for the next call it makes, so a steady stream of calls allocates nothing; what a
 * thread keeps is freed when it ends.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "rpcrt.h"

/* Blocks larger than this are freed rather than kept: a thread holds little memory between
 * calls, and a large request costs a copy that dwarfs its allocation anyway. */
#define SPARE_MAX (16u * 1024u)
/* Sizes are rounded up, so that calls of slightly different sizes share a block; by a little,
 * since a pending [async] call keeps its blocks (bench/async counts the heap per pending call). */
#define SPARE_GRAIN 64u

typedef struct spares {
    void *block[ASIDL_SPARE_KINDS];
    size_t cap[ASIDL_SPARE_KINDS];
    bool keyed;                       /* the key's destructor will free them */
} spares;

static _Thread_local spares mine;
static pthread_key_t spare_key;
static bool have_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

/* The key's destructor: the thread ends. A block given back after this (by a later destructor)
 * registers the thread again, and the destructors run once more. */
static void drop_all(void *arg)
{
    spares *s = arg;
    for (int k = 0; k < ASIDL_SPARE_KINDS; k++) {
        free(s->block[k]);
        s->block[k] = NULL;
        s->cap[k] = 0;
    }
    s->keyed = false;
}

static void make_key(void)
{
    have_key = pthread_key_create(&spare_key, drop_all) == 0;
}

void *asidl__spare_take(asidl__spare_kind k, size_t size, size_t *cap)
{
    void *b = mine.block[k];
    if (b && mine.cap[k] >= size) {
        mine.block[k] = NULL;
        *cap = mine.cap[k];
        return b;
    }
    size_t want = size <= SPARE_MAX ? (size + SPARE_GRAIN - 1) & ~(size_t)(SPARE_GRAIN - 1) : size;
    b = malloc(want);
    *cap = want;
    return b;
}

void asidl__spare_give(asidl__spare_kind k, void *block, size_t cap)
{
    if (!block)
        return;
    if (cap > SPARE_MAX || (mine.block[k] && mine.cap[k] >= cap)) {
        free(block);
        return;
    }
    if (!mine.keyed) {
        pthread_once(&spare_once, make_key);
        if (!have_key || pthread_setspecific(spare_key, &mine) != 0) {
            free(block);                /* nobody would free it when the thread ends */
            return;
        }
        mine.keyed = true;
    }
    if (mine.block[k])
        free(mine.block[k]);            /* the smaller one */
    mine.block[k] = block;
    mine.cap[k] = cap;
}
