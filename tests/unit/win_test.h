/*
 * Helpers for the tests of asidl's Windows objects (test_win_*.c): threads, clocks, and a way
 * to know that another thread has really entered a wait before acting on it, which makes the
 * ordering tests (FIFO release, LIFO dequeue, wait-all atomicity) deterministic instead of
 * depending on sleeps.
 */
#ifndef ASIDL_WIN_TEST_H
#define ASIDL_WIN_TEST_H

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <windows.h>

#include "win_internal.h"
#include "test.h"

static inline int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void pause_ms(int ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static inline pthread_t start_thread(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    if (pthread_create(&t, NULL, fn, arg) != 0) {
        printf("# pthread_create failed\n");
        abort();
    }
    return t;
}

/* Is the thread with this id blocked in one of asidl's waits (of the given kind, or any)? */
static inline bool thread_is_waiting(DWORD tid, asidl__wait_kind kind)
{
    asidl__win_lock();
    asidl__thread *t = asidl__thread_find_locked(tid);
    bool waiting = t && t->waiter.kind != ASIDL_WAIT_NONE && (kind == ASIDL_WAIT_NONE || t->waiter.kind == kind);
    asidl__win_unlock();
    return waiting;
}

/* Waits (up to 10 s) until that thread is blocked; false if it never is. */
static inline bool wait_until_waiting(DWORD tid, asidl__wait_kind kind)
{
    for (int i = 0; i < 10000; i++) {
        if (thread_is_waiting(tid, kind))
            return true;
        pause_ms(1);
    }
    return false;
}

/* Waits (up to 10 s) until *v == expected. */
static inline bool wait_until_equal(atomic_int *v, int expected)
{
    for (int i = 0; i < 10000; i++) {
        if (atomic_load(v) == expected)
            return true;
        pause_ms(1);
    }
    return atomic_load(v) == expected;
}

/* Does fd poll readable right now? */
static inline bool fd_readable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

#endif
