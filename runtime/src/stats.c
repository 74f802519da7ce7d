/*
 * stats.c: the process's RPC statistics (RpcMgmtInqStats): calls received and made, PDUs received
 * and sent, counted where they happen (the dispatcher, the client call start, the PDU trace point
 * every sent and received buffer passes). Each thread counts in a block of its own (rpcrt.h);
 * an inquiry sums them.
 */
#include <pthread.h>
#include <stdlib.h>

#include "rpcrt.h"

_Thread_local asidl__stats_block asidl__stats_mine;

/* The blocks of the threads that have counted, and the totals of those that have exited (and
 * of counts a thread could not keep in a block of its own), under `lock`. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static asidl__stats_block *blocks;
static unsigned long shared[4];        /* atomic as well: added to without the lock */
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;
static bool have_key;

/* A thread's exit: its counts move to the shared totals, and its block (about to be freed
 * with the thread) leaves the list. */
static void retire(void *arg)
{
    asidl__stats_block *b = arg;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < 4; i++)
        __atomic_add_fetch(&shared[i], __atomic_load_n(&b->n[i], __ATOMIC_RELAXED), __ATOMIC_RELAXED);
    if (b->prev)
        b->prev->next = b->next;
    else
        blocks = b->next;
    if (b->next)
        b->next->prev = b->prev;
    b->listed = false;
    b->gone = true;
    pthread_mutex_unlock(&lock);
}

static void make_key(void)
{
    have_key = pthread_key_create(&exit_key, retire) == 0;
}

void asidl__stats_add_first(int which, unsigned long n)
{
    asidl__stats_block *b = &asidl__stats_mine;
    pthread_once(&key_once, make_key);
    /* Without a way to hear of the thread's exit, or once it is exiting, the block could be
     * read after it is gone: the count goes to the shared totals instead. */
    if (b->gone || !have_key || pthread_setspecific(exit_key, b) != 0) {
        __atomic_add_fetch(&shared[which], n, __ATOMIC_RELAXED);
        return;
    }
    pthread_mutex_lock(&lock);
    b->prev = NULL;
    b->next = blocks;
    if (blocks)
        blocks->prev = b;
    blocks = b;
    b->listed = true;
    pthread_mutex_unlock(&lock);
    asidl__stats_add(which, n);
}

/* Statistics of this process (a binding to another server: remote management is not offered). */
RPC_STATUS RPC_ENTRY RpcMgmtInqStats(RPC_BINDING_HANDLE Binding, RPC_STATS_VECTOR **Statistics)
{
    if (!Statistics)
        return RPC_S_INVALID_ARG;
    *Statistics = NULL;
    if (Binding)
        return asidl__binding_from(Binding) ? RPC_S_CANNOT_SUPPORT : RPC_S_INVALID_BINDING;
    RPC_STATS_VECTOR *v = malloc(sizeof *v + 3 * sizeof v->Stats[0]);
    if (!v)
        return RPC_S_OUT_OF_MEMORY;
    v->Count = 4;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < 4; i++) {
        unsigned long sum = __atomic_load_n(&shared[i], __ATOMIC_RELAXED);
        for (const asidl__stats_block *b = blocks; b; b = b->next)
            sum += __atomic_load_n(&b->n[i], __ATOMIC_RELAXED);
        v->Stats[i] = sum;
    }
    pthread_mutex_unlock(&lock);
    *Statistics = v;
    return RPC_S_OK;
}

RPC_STATUS RPC_ENTRY RpcMgmtStatsVectorFree(RPC_STATS_VECTOR **StatsVector)
{
    if (!StatsVector)
        return RPC_S_INVALID_ARG;
    free(*StatsVector);
    *StatsVector = NULL;
    return RPC_S_OK;
}
