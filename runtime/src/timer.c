/*
 * timer.c: deadlines (slow senders, call timeouts) in one binary heap, behind one timerfd in
 * the runtime's epoll set. The worker that gets the timerfd event runs every expired timer's
 * function, outside the heap's lock.
 *
 * Rule for owners: asidl__timer_cancel returns true when it removed a pending timer (its
 * function will not run); false means the function has run or is running, and the owner's
 * state must already tolerate that.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "rpcrt.h"

static struct {
    pthread_mutex_t lock;
    asidl__timer **heap;
    size_t len, cap;
    int fd;
} timers = { .lock = PTHREAD_MUTEX_INITIALIZER, .fd = -1 };

int asidl__timer_open(void)
{
    timers.fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    return timers.fd;
}

void asidl__timer_close(void)
{
    pthread_mutex_lock(&timers.lock);
    if (timers.fd >= 0)
        close(timers.fd);
    timers.fd = -1;
    free(timers.heap);
    timers.heap = NULL;
    timers.len = timers.cap = 0;
    pthread_mutex_unlock(&timers.lock);
}

void asidl__timer_init(asidl__timer *t, void (*fn)(asidl__timer *))
{
    t->due = 0;
    t->slot = SIZE_MAX;
    t->fn = fn;
}

static void place(size_t i, asidl__timer *t)
{
    timers.heap[i] = t;
    t->slot = i;
}

static void sift_up(size_t i)
{
    asidl__timer *t = timers.heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (timers.heap[parent]->due <= t->due)
            break;
        place(i, timers.heap[parent]);
        i = parent;
    }
    place(i, t);
}

static void sift_down(size_t i)
{
    asidl__timer *t = timers.heap[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= timers.len)
            break;
        if (child + 1 < timers.len && timers.heap[child + 1]->due < timers.heap[child]->due)
            child++;
        if (t->due <= timers.heap[child]->due)
            break;
        place(i, timers.heap[child]);
        i = child;
    }
    place(i, t);
}

static void remove_at(size_t i)
{
    asidl__timer *gone = timers.heap[i];
    gone->slot = SIZE_MAX;
    timers.len--;
    if (i == timers.len)
        return;
    place(i, timers.heap[timers.len]);
    sift_down(i);
    sift_up(timers.heap[i]->slot);
}

/* Points the timerfd at the earliest deadline (or disarms it). Called with the lock held. */
static void program(void)
{
    struct itimerspec its = { { 0, 0 }, { 0, 0 } };
    if (timers.len > 0) {
        int64_t due = timers.heap[0]->due;
        if (due <= 0)
            due = 1;
        its.it_value.tv_sec = due / 1000;
        its.it_value.tv_nsec = (due % 1000) * 1000000;
    }
    if (timers.fd >= 0)
        timerfd_settime(timers.fd, TFD_TIMER_ABSTIME, &its, NULL);
}

bool asidl__timer_start(asidl__timer *t, int64_t due_ms)
{
    pthread_mutex_lock(&timers.lock);
    if (t->slot != SIZE_MAX)
        remove_at(t->slot);
    if (timers.len == timers.cap) {
        size_t cap = timers.cap ? timers.cap * 2 : 64;
        asidl__timer **h = realloc(timers.heap, cap * sizeof *h);
        if (!h) {
            pthread_mutex_unlock(&timers.lock);
            return false;
        }
        timers.heap = h;
        timers.cap = cap;
    }
    t->due = due_ms;
    place(timers.len++, t);
    sift_up(t->slot);
    program();
    pthread_mutex_unlock(&timers.lock);
    return true;
}

bool asidl__timer_cancel(asidl__timer *t)
{
    pthread_mutex_lock(&timers.lock);
    bool pending = t->slot != SIZE_MAX;
    if (pending) {
        remove_at(t->slot);
        program();
    }
    pthread_mutex_unlock(&timers.lock);
    return pending;
}

void asidl__timer_expire(void)
{
    uint64_t ticks;
    ssize_t r = read(timers.fd, &ticks, sizeof ticks);
    (void)r;
    int64_t now = asidl__now_ms();
    for (;;) {
        pthread_mutex_lock(&timers.lock);
        asidl__timer *t = NULL;
        if (timers.len > 0 && timers.heap[0]->due <= now) {
            t = timers.heap[0];
            remove_at(0);
        }
        if (!t)
            program();
        pthread_mutex_unlock(&timers.lock);
        if (!t)
            break;
        t->fn(t);
    }
}
