/*
 * win_thread.c: threads as Windows sees them: ids (GetCurrentThreadId), handles (OpenThread,
 * the GetCurrentThread pseudo-handle, GetThreadId), and the per-thread record that holds a
 * thread's waiter, APC queue and message queue.
 *
 * A thread's id is its kernel thread id (gettid), unique among live threads as Windows
 * promises.  asidl learns of a thread when it first calls one of the functions that need its
 * record (GetCurrentThreadId, GetCurrentThread, any wait, SleepEx, the message functions);
 * OpenThread finds only threads asidl knows, which includes every thread whose id was
 * obtained from GetCurrentThreadId.  When the thread exits (a thread-specific-data destructor)
 * its record is marked exited: handles to it become signalled, its queued APCs are discarded,
 * its windows destroyed.  The record itself lives on while handles or references remain.
 */
#include <stdlib.h>
#include <unistd.h>

#include "win_internal.h"

static _Thread_local asidl__thread *self;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;
static pthread_key_t exit_key;
static bool exit_key_made;

/* Live threads by id. */
#define REGISTRY_BUCKETS 256
static asidl__thread *registry[REGISTRY_BUCKETS];

static asidl__thread **registry_bucket(DWORD id)
{
    return &registry[id % REGISTRY_BUCKETS];
}

static void registry_remove_locked(asidl__thread *t)
{
    for (asidl__thread **p = registry_bucket(t->id); *p; p = &(*p)->registry_next) {
        if (*p == t) {
            *p = t->registry_next;
            t->registry_next = NULL;
            return;
        }
    }
}

asidl__thread *asidl__thread_find_locked(DWORD id)
{
    for (asidl__thread *t = *registry_bucket(id); t; t = t->registry_next)
        if (t->id == id)
            return t;
    return NULL;
}

/* ------------------------------------------------------------------ the object */

static bool thread_signalled(asidl__wobj *o)
{
    return ((asidl__thread *)o)->exited;
}

static void thread_destroy(asidl__wobj *o)
{
    asidl__thread *t = (asidl__thread *)o;
    pthread_cond_destroy(&t->waiter.cond);
    free(t);
}

static const asidl__wobj_ops thread_ops = {
    .signalled = thread_signalled,
    .destroy = thread_destroy,
};

/* ------------------------------------------------------------------ life of a record */

static void thread_exit(void *p)
{
    asidl__thread *t = p;
    asidl__win_lock();
    t->exited = true;
    registry_remove_locked(t);
    asidl__msg_thread_exit_locked(t);
    asidl__apc *left = asidl__apc_take_all_locked(t);
    asidl__wobj_changed_locked(&t->obj);
    asidl__win_unlock();

    asidl__apc_discard(left);

    asidl__win_lock();
    asidl__wobj_release_locked(&t->obj);    /* the thread's own reference */
    asidl__win_unlock();
    self = NULL;
}

static void make_exit_key(void)
{
    exit_key_made = pthread_key_create(&exit_key, thread_exit) == 0;
}

asidl__thread *asidl__thread_current(void)
{
    return self;
}

asidl__thread *asidl__thread_self(void)
{
    if (self)
        return self;
    pthread_once(&exit_key_once, make_exit_key);
    /* Without the key asidl would never learn that the thread exited: refuse, as for memory. */
    asidl__thread *t = exit_key_made ? calloc(1, sizeof *t) : NULL;
    if (!t) {
        asidl__set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&t->waiter.cond, &attr);
    pthread_condattr_destroy(&attr);
    if (rc != 0 || pthread_setspecific(exit_key, t) != 0) {
        if (rc == 0)
            pthread_cond_destroy(&t->waiter.cond);
        free(t);
        asidl__set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    asidl__wobj_init(&t->obj, ASIDL_WOBJ_THREAD, &thread_ops);
    t->id = (DWORD)gettid();
    asidl__win_lock();
    asidl__thread **bucket = registry_bucket(t->id);
    t->registry_next = *bucket;
    *bucket = t;
    asidl__win_unlock();
    self = t;
    return t;
}

/* ------------------------------------------------------------------ the Windows functions */

DWORD WINAPI asidl_GetCurrentThreadId(void)
{
    asidl__thread *t = asidl__thread_self();
    return t ? t->id : (DWORD)gettid();
}

HANDLE WINAPI asidl_GetCurrentThread(void)
{
    asidl__thread_self();       /* so that the pseudo-handle names a record */
    return ASIDL_CURRENT_THREAD_HANDLE;
}

HANDLE WINAPI asidl_OpenThread(DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwThreadId)
{
    (void)dwDesiredAccess;      /* every handle has full access */
    (void)bInheritHandle;       /* handles are not inherited across exec */
    asidl__win_lock();
    asidl__thread *t = asidl__thread_find_locked(dwThreadId);
    HANDLE h = t ? asidl__handle_open_locked(&t->obj) : NULL;
    asidl__win_unlock();
    if (!h)
        asidl__set_last_error(t ? ERROR_NOT_ENOUGH_MEMORY : ERROR_INVALID_PARAMETER);
    return h;
}

DWORD WINAPI asidl_GetThreadId(HANDLE Thread)
{
    if (Thread == ASIDL_CURRENT_THREAD_HANDLE)
        return asidl_GetCurrentThreadId();
    asidl__win_lock();
    asidl__thread *t = (asidl__thread *)asidl__handle_lookup_locked(Thread, ASIDL_WOBJ_THREAD);
    DWORD id = t ? t->id : 0;
    asidl__win_unlock();
    if (!t)
        asidl__set_last_error(ERROR_INVALID_HANDLE);
    return id;
}

/* ------------------------------------------------------------------ for the RPC runtime */

asidl__thread *asidl__thread_ref(HANDLE hThread, DWORD *error)
{
    asidl__thread *t = NULL;
    if (!hThread || hThread == ASIDL_CURRENT_THREAD_HANDLE) {
        t = asidl__thread_self();
        if (!t) {
            *error = ERROR_NOT_ENOUGH_MEMORY;
            return NULL;
        }
        asidl__win_lock();
    } else {
        asidl__win_lock();
        t = (asidl__thread *)asidl__handle_lookup_locked(hThread, ASIDL_WOBJ_THREAD);
    }
    if (t)
        asidl__wobj_retain_locked(&t->obj);
    asidl__win_unlock();
    *error = t ? ERROR_SUCCESS : ERROR_INVALID_HANDLE;
    return t;
}

void asidl__thread_unref(asidl__thread *t)
{
    if (!t)
        return;
    asidl__win_lock();
    asidl__wobj_release_locked(&t->obj);
    asidl__win_unlock();
}

DWORD asidl__thread_id(const asidl__thread *t)
{
    return t->id;
}
