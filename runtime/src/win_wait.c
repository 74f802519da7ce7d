/*
 * win_wait.c: waiting for objects (WaitForSingleObject(Ex), WaitForMultipleObjects(Ex)),
 * sleeping (Sleep, SleepEx), and the machinery every blocking function shares.
 *
 * A blocked thread is described by its waiter; a wait for objects links one wait block per
 * object into the object's list, oldest wait first.  Whoever changes an object's state
 * (asidl__wobj_changed_locked) walks that list and ends, in order, the waits that are now
 * satisfied, taking for each what it acquires (an auto-reset event resets as it releases the
 * first waiter, so exactly one is released per SetEvent; a wait for all objects acquires
 * them all in the same step).  The released thread finds its result set and only has to
 * return: no thundering herd, no wake-up stolen by a thread that was not waiting yet.
 *
 * Order of checks when a wait starts, as the NT kernel does them: the objects first (a wait
 * already satisfied returns its object even if APCs are queued; they run in the next
 * alertable wait), then, for an alertable wait, queued APCs (run, WAIT_IO_COMPLETION), then
 * the timeout.  Deadlines are on CLOCK_MONOTONIC.
 */
#include <errno.h>
#include <sched.h>

#include "win_internal.h"

const struct timespec *asidl__deadline(DWORD ms, struct timespec *buf)
{
    if (ms == INFINITE)
        return NULL;
    clock_gettime(CLOCK_MONOTONIC, buf);
    buf->tv_sec += (time_t)(ms / 1000);
    buf->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (buf->tv_nsec >= 1000000000L) {
        buf->tv_sec++;
        buf->tv_nsec -= 1000000000L;
    }
    return buf;
}

/* ------------------------------------------------------------------ wait blocks */

static void link_block(asidl__wait_block *b)
{
    asidl__wobj *o = b->obj;
    b->next = NULL;
    b->prev = o->waits_last;
    if (o->waits_last)
        o->waits_last->next = b;
    else
        o->waits_first = b;
    o->waits_last = b;
}

static void unlink_block(asidl__wait_block *b)
{
    asidl__wobj *o = b->obj;
    if (b->prev)
        b->prev->next = b->next;
    else
        o->waits_first = b->next;
    if (b->next)
        b->next->prev = b->prev;
    else
        o->waits_last = b->prev;
    b->prev = b->next = NULL;
}

static void waiter_unlink_locked(asidl__waiter *w)
{
    switch (w->kind) {
    case ASIDL_WAIT_OBJECTS:
        for (unsigned i = 0; i < w->count; i++)
            unlink_block(&w->blocks[i]);
        break;
    case ASIDL_WAIT_PORT:
        asidl__port_unlink_waiter_locked(w);
        break;
    case ASIDL_WAIT_MESSAGE:
    case ASIDL_WAIT_NONE:
        break;
    }
}

void asidl__waiter_wake_locked(asidl__waiter *w, int result)
{
    waiter_unlink_locked(w);
    w->kind = ASIDL_WAIT_NONE;
    w->result = result;
    pthread_cond_signal(&w->cond);
}

int asidl__waiter_block_locked(asidl__waiter *w, const struct timespec *deadline)
{
    while (w->result == ASIDL_WAKE_PENDING) {
        int rc = deadline ? pthread_cond_timedwait(&w->cond, asidl__win_mutex(), deadline)
                          : pthread_cond_wait(&w->cond, asidl__win_mutex());
        if (rc == ETIMEDOUT && w->result == ASIDL_WAKE_PENDING) {
            waiter_unlink_locked(w);
            w->kind = ASIDL_WAIT_NONE;
            w->result = ASIDL_WAKE_TIMEOUT;
        }
    }
    return w->result;
}

/* ------------------------------------------------------------------ satisfying waits */

static void acquire(asidl__wobj *o)
{
    if (o->ops->acquire) {
        o->ops->acquire(o);
        asidl__wfd_update_locked(o);
    }
}

/* The index of the object that satisfies w's wait now (acquired), or -1. */
static int try_satisfy(asidl__waiter *w)
{
    if (w->count == 0)
        return -1;
    if (w->wait_all) {
        for (unsigned i = 0; i < w->count; i++)
            if (!w->blocks[i].obj->ops->signalled(w->blocks[i].obj))
                return -1;
        for (unsigned i = 0; i < w->count; i++)
            acquire(w->blocks[i].obj);
        return 0;
    }
    for (unsigned i = 0; i < w->count; i++) {
        if (w->blocks[i].obj->ops->signalled(w->blocks[i].obj)) {
            acquire(w->blocks[i].obj);
            return (int)i;
        }
    }
    return -1;
}

void asidl__wobj_changed_locked(asidl__wobj *o)
{
    asidl__wait_block *b = o->waits_first;
    while (b && o->ops->signalled(o)) {
        asidl__waiter *w = b->waiter;
        /* A wait links all its blocks at once, so its blocks in this list are adjacent. */
        asidl__wait_block *next = b->next;
        while (next && next->waiter == w)
            next = next->next;
        int index = try_satisfy(w);
        if (index >= 0)
            asidl__waiter_wake_locked(w, index);
        b = next;
    }
    asidl__wfd_update_locked(o);
}

void asidl__wobj_abandon_waits_locked(asidl__wobj *o)
{
    while (o->waits_first)
        asidl__waiter_wake_locked(o->waits_first->waiter, ASIDL_WAKE_CLOSED);
}

/* ------------------------------------------------------------------ WaitFor... */

static DWORD wait_failed(DWORD error)
{
    asidl__set_last_error(error);
    return WAIT_FAILED;
}

/* A wait for count objects (0: an alertable sleep) by the calling thread. */
static DWORD wait_for(asidl__thread *self, DWORD count, const HANDLE *handles, BOOL wait_all,
                      DWORD ms, BOOL alertable)
{
    asidl__waiter *w = &self->waiter;
    struct timespec buf;
    const struct timespec *deadline = asidl__deadline(ms, &buf);

    asidl__win_lock();
    for (DWORD i = 0; i < count; i++) {
        asidl__wobj *o = asidl__handle_lookup_locked(handles[i], ASIDL_WOBJ_ANY);
        if (!o) {
            asidl__win_unlock();
            return wait_failed(ERROR_INVALID_HANDLE);
        }
        /* Windows refuses the same object twice in a wait for all. */
        for (DWORD j = 0; wait_all && j < i; j++) {
            if (w->blocks[j].obj == o) {
                asidl__win_unlock();
                return wait_failed(ERROR_INVALID_PARAMETER);
            }
        }
        w->blocks[i].obj = o;
        w->blocks[i].waiter = w;
        w->blocks[i].index = (unsigned)i;
    }
    w->count = (unsigned)count;
    w->wait_all = wait_all != FALSE;

    int result = try_satisfy(w);
    if (result < 0) {
        if (alertable && self->apc_first)
            result = ASIDL_WAKE_APC;
        else if (ms == 0)
            result = ASIDL_WAKE_TIMEOUT;
        else {
            for (unsigned i = 0; i < w->count; i++) {
                asidl__wobj_retain_locked(w->blocks[i].obj);
                link_block(&w->blocks[i]);
            }
            w->kind = ASIDL_WAIT_OBJECTS;
            w->alertable = alertable != FALSE;
            w->result = ASIDL_WAKE_PENDING;
            result = asidl__waiter_block_locked(w, deadline);
            for (unsigned i = 0; i < w->count; i++)
                asidl__wobj_release_locked(w->blocks[i].obj);
        }
    }
    asidl__win_unlock();

    if (result >= 0)
        return WAIT_OBJECT_0 + (DWORD)result;
    switch (result) {
    case ASIDL_WAKE_APC:
        asidl__apc_run_pending(self);
        return WAIT_IO_COMPLETION;
    case ASIDL_WAKE_TIMEOUT:
        return WAIT_TIMEOUT;
    default:                    /* ASIDL_WAKE_CLOSED: an object went away during the wait */
        return wait_failed(ERROR_INVALID_HANDLE);
    }
}

DWORD WINAPI asidl_WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                            DWORD dwMilliseconds, BOOL bAlertable)
{
    if (nCount == 0 || nCount > MAXIMUM_WAIT_OBJECTS || !lpHandles)
        return wait_failed(ERROR_INVALID_PARAMETER);
    asidl__thread *self = asidl__thread_self();
    if (!self)
        return WAIT_FAILED;
    return wait_for(self, nCount, lpHandles, bWaitAll, dwMilliseconds, bAlertable);
}

DWORD WINAPI asidl_WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                          DWORD dwMilliseconds)
{
    return asidl_WaitForMultipleObjectsEx(nCount, lpHandles, bWaitAll, dwMilliseconds, FALSE);
}

DWORD WINAPI asidl_WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable)
{
    return asidl_WaitForMultipleObjectsEx(1, &hHandle, FALSE, dwMilliseconds, bAlertable);
}

DWORD WINAPI asidl_WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
{
    return asidl_WaitForMultipleObjectsEx(1, &hHandle, FALSE, dwMilliseconds, FALSE);
}

/* ------------------------------------------------------------------ sleeping */

/* A sleep nothing can end early: the thread is not alertable. */
static void sleep_plain(DWORD ms)
{
    if (ms == 0) {
        sched_yield();
        return;
    }
    struct timespec buf;
    const struct timespec *deadline = asidl__deadline(ms, &buf);
    for (;;) {
        if (!deadline) {
            struct timespec day = { .tv_sec = 86400 };
            nanosleep(&day, NULL);
            continue;
        }
        int rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline, NULL);
        if (rc != EINTR)
            return;
    }
}

DWORD WINAPI asidl_SleepEx(DWORD dwMilliseconds, BOOL bAlertable)
{
    if (!bAlertable) {
        sleep_plain(dwMilliseconds);
        return 0;
    }
    asidl__thread *self = asidl__thread_self();
    if (!self) {
        sleep_plain(dwMilliseconds);
        return 0;
    }
    DWORD r = wait_for(self, 0, NULL, FALSE, dwMilliseconds, TRUE);
    return r == WAIT_IO_COMPLETION ? WAIT_IO_COMPLETION : 0;
}

void WINAPI asidl_Sleep(DWORD dwMilliseconds)
{
    sleep_plain(dwMilliseconds);
}
