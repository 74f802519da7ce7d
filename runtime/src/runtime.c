/*
 * runtime.c: the process's one event loop (docs/runtime-design.md, "Threads").
 *
 * One epoll set holds every socket that needs watching, most registered one-shot so that an
 * event goes to exactly one thread, which owns the source until it re-arms it; server
 * connections are edge-triggered (no re-arming per request) and retired through a grace period
 * (see "retiring"). Worker threads all wait in epoll_wait on the same set (leader/follower
 * without a hand-off: the kernel picks the next leader). Besides sockets the set holds an eventfd
 * for the task queue and the timerfd of timer.c.
 *
 * Threads are started on demand: a server asks for its workers when it listens; a client that
 * leaves a connection to be watched asks for one I/O thread. A purely synchronous client has
 * none.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "rpcrt.h"

typedef struct task {
    struct task *next;
    void (*fn)(void *);
    void *arg;
} task;

typedef struct worker {
    struct worker *next;
    pthread_t thread;
    pthread_cond_t wake;           /* a parked worker waits here */
    struct worker *parked_next;    /* the stack of parked workers */
    bool parked;
    uint64_t quiet;                /* atomic: the retirement epoch it last saw holding no event;
                                      QUIET_ALWAYS while parked */
} worker;

#define QUIET_ALWAYS UINT64_MAX

/* Which worker waits for the next event (see worker_main). polling, pickups, watcher_asleep
 * and exiting are atomic: the poller's own round (take an event, handle it, poll again) takes no
 * lock; parking, watching and waking a parked worker do. */
#define TAKEOVER_US 1000           /* a handler busy this long gets a worker to poll meanwhile */
#define WATCH_IDLE_US 1000000      /* after this long without events the watcher sleeps for good */

static struct {
    pthread_mutex_t lock;
    bool polling;                  /* a worker is in epoll_wait */
    uint64_t pickups;              /* events taken from the set so far */
    uint64_t seen_pickups;         /* the count as the watcher last saw it (lock) */
    int64_t seen_at_us;            /* when the watcher saw it change (lock) */
    worker *parked;                /* parked workers, most recent on top (the watcher) */
    bool watcher_asleep;           /* the top one sleeps without a timeout */
    bool exiting;
} lf = { .lock = PTHREAD_MUTEX_INITIALIZER };

static struct {
    pthread_mutex_t lock;
    bool ready;
    int epfd;
    asidl__source tasks_source;    /* the eventfd: readable while tasks are queued */
    asidl__source timer_source;    /* timer.c's timerfd */
    task *head, *tail;
    unsigned stopping;             /* workers asked to exit and not yet gone */
    worker *workers;
    unsigned n_workers;
    size_t stack_size;             /* RpcMgmtSetServerStackSize; 0: the system's default */
} rt = { .lock = PTHREAD_MUTEX_INITIALIZER, .epfd = -1 };

static void on_tasks(asidl__source *src, uint32_t events);
static void on_timer(asidl__source *src, uint32_t events);

bool asidl__rt_init(void)
{
    pthread_mutex_lock(&rt.lock);
    if (rt.ready) {
        pthread_mutex_unlock(&rt.lock);
        return true;
    }
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    int tfd = asidl__timer_open();
    bool ok = epfd >= 0 && efd >= 0 && tfd >= 0;
    if (ok) {
        rt.epfd = epfd;
        rt.tasks_source = (asidl__source){ on_tasks, efd };
        rt.timer_source = (asidl__source){ on_timer, tfd };
        ok = asidl__rt_watch(&rt.tasks_source, EPOLLIN) == 0 &&
             asidl__rt_watch(&rt.timer_source, EPOLLIN) == 0;
    }
    if (!ok) {
        if (epfd >= 0)
            close(epfd);
        if (efd >= 0)
            close(efd);
        asidl__timer_close();
        rt.epfd = -1;
    }
    rt.ready = ok;
    pthread_mutex_unlock(&rt.lock);
    return ok;
}

static int enrol(int op, asidl__source *s, uint32_t events)
{
    struct epoll_event ev = { .events = events, .data.ptr = s };
    return epoll_ctl(rt.epfd, op, s->fd, &ev);
}

int asidl__rt_watch(asidl__source *s, uint32_t events)
{
    return enrol(EPOLL_CTL_ADD, s, events | EPOLLONESHOT);
}

int asidl__rt_rearm(asidl__source *s, uint32_t events)
{
    return enrol(EPOLL_CTL_MOD, s, events | EPOLLONESHOT);
}

void asidl__rt_unwatch(asidl__source *s)
{
    epoll_ctl(rt.epfd, EPOLL_CTL_DEL, s->fd, NULL);
}

int asidl__rt_watch_edge(asidl__source *s, uint32_t events)
{
    return enrol(EPOLL_CTL_ADD, s, events | EPOLLET);
}

int asidl__rt_rearm_edge(asidl__source *s, uint32_t events)
{
    return enrol(EPOLL_CTL_MOD, s, events | EPOLLET);
}

/* ---- retiring ----
 *
 * An edge-triggered source stays armed, so a worker may take its event just before another
 * tears it down and unwatches it. Its memory must outlive that event: a quiescent-state grace
 * period. Each retirement takes the next epoch; each worker, before it waits for an event,
 * records the epoch it sees. A worker that recorded the retirement's epoch (or a later one)
 * started waiting after the unwatch, so it cannot get the source's event; a parked worker
 * holds none. Once every worker is past the epoch, the retiree is released. The wait is short:
 * only one worker at a time is inside epoll_wait (the poller), so the retirees wait at most for
 * the end of the handlers running meanwhile and for the poller's next event, after which it
 * comes back here; nothing accumulates while the server is idle, because a connection is only
 * torn down by a worker that took an event. */

static struct {
    pthread_mutex_t lock;
    uint64_t epoch;                /* atomic */
    asidl__retiree *head;          /* lock: oldest first */
    asidl__retiree **tail;
    unsigned pending;              /* atomic: retirees waiting */
} grace = { .lock = PTHREAD_MUTEX_INITIALIZER, .tail = &grace.head };

void asidl__rt_retire(asidl__retiree *r, void (*release)(asidl__retiree *r))
{
    r->release = release;
    r->next = NULL;
    pthread_mutex_lock(&grace.lock);
    r->epoch = __atomic_add_fetch(&grace.epoch, 1, __ATOMIC_SEQ_CST);
    *grace.tail = r;
    grace.tail = &r->next;
    __atomic_add_fetch(&grace.pending, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&grace.lock);
}

/* Releases the retirees every worker is past (all of them when `all`: no worker runs). */
static void release_retirees(bool all)
{
    uint64_t past = all ? QUIET_ALWAYS : 0;   /* epochs start at 1 */
    if (!all) {
        /* During asidl__rt_shutdown the list is empty while its workers still run. */
        pthread_mutex_lock(&rt.lock);
        if (rt.workers)
            past = QUIET_ALWAYS;
        for (worker *w = rt.workers; w; w = w->next) {
            uint64_t q = __atomic_load_n(&w->quiet, __ATOMIC_ACQUIRE);
            if (q < past)
                past = q;
        }
        pthread_mutex_unlock(&rt.lock);
    }
    pthread_mutex_lock(&grace.lock);
    asidl__retiree *done = NULL, **end = &grace.head;
    unsigned n = 0;
    while (*end && (*end)->epoch <= past) {     /* epochs rise along the list */
        end = &(*end)->next;
        n++;
    }
    if (n > 0) {                                /* detach the first n */
        done = grace.head;
        grace.head = *end;
        *end = NULL;
        if (!grace.head)
            grace.tail = &grace.head;
        __atomic_sub_fetch(&grace.pending, n, __ATOMIC_SEQ_CST);
    }
    pthread_mutex_unlock(&grace.lock);
    while (done) {
        asidl__retiree *r = done;
        done = r->next;
        r->release(r);
    }
}

/* A worker holding no event: the point where it records the epoch (and releases what it can).
 * Acquire and release suffice: a worker that took a source's event before the unwatch stored
 * its epoch before that epoll_wait, and the kernel's lock orders that epoll_wait before the
 * unwatch, which comes before the retirement's epoch; so the releaser reads that store or a
 * later one, never the parked value before it. */
static void quiesce(worker *w)
{
    __atomic_store_n(&w->quiet, __atomic_load_n(&grace.epoch, __ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
    if (__atomic_load_n(&grace.pending, __ATOMIC_SEQ_CST))
        release_retirees(false);
}

/* ---- the task queue ---- */

static void signal_tasks(void)
{
    uint64_t one = 1;
    ssize_t r = write(rt.tasks_source.fd, &one, sizeof one);
    (void)r;      /* a full counter is still readable, which is all that matters */
}

bool asidl__rt_post(void (*fn)(void *), void *arg)
{
    task *t = malloc(sizeof *t);
    if (!t)
        return false;
    t->next = NULL;
    t->fn = fn;
    t->arg = arg;
    pthread_mutex_lock(&rt.lock);
    if (rt.tail)
        rt.tail->next = t;
    else
        rt.head = t;
    rt.tail = t;
    signal_tasks();
    pthread_mutex_unlock(&rt.lock);
    return true;
}

/* A worker takes one task and re-arms the eventfd while more remain, so each queued task wakes
 * one worker. A NULL function is the request to exit. */
static bool run_one_task(void)
{
    pthread_mutex_lock(&rt.lock);
    task *t = rt.head;
    if (t) {
        rt.head = t->next;
        if (!rt.head)
            rt.tail = NULL;
    }
    if (!rt.head) {
        uint64_t v;
        ssize_t r = read(rt.tasks_source.fd, &v, sizeof v);
        (void)r;
    }
    asidl__rt_rearm(&rt.tasks_source, EPOLLIN);
    pthread_mutex_unlock(&rt.lock);
    if (!t)
        return true;
    void (*fn)(void *) = t->fn;
    void *arg = t->arg;
    free(t);
    if (!fn)
        return false;
    fn(arg);
    return true;
}

static void on_tasks(asidl__source *src, uint32_t events)
{
    (void)src;
    (void)events;
}

static void on_timer(asidl__source *src, uint32_t events)
{
    (void)events;
    asidl__timer_expire();
    asidl__rt_rearm(src, EPOLLIN);
}

/* ---- workers ----
 *
 * Which worker gets an event matters for latency. Threads waiting in epoll_wait on one set are
 * woken oldest first, so with several of them each call of a synchronous ping-pong would go to a
 * different worker, usually on another CPU, which costs as much again as the round trip itself
 * (bench/rpc). So one worker at a time polls (the poller) and handles what it takes, inline; when
 * it is done and nobody polls, it polls again, hot on its CPU, as a completion port wakes the
 * most recent thread. The other workers are parked. The one parked last (the watcher) looks every
 * TAKEOVER_US whether events are waiting unseen: nobody polls and the last event was taken that
 * long ago, i.e. every worker is inside a long handler (a slow manager routine). Then it becomes
 * the poller, and the next parked worker the watcher. A server under load thus grows to as many
 * pollers as it needs, each step within TAKEOVER_US, and a ping-pong never wakes a second thread.
 * A watcher that saw no event for WATCH_IDLE_US stops looking; the next event taken wakes it. */

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The watcher's turn: true when it should become the poller (lf.lock held). The watcher wakes
 * every TAKEOVER_US and notes when the count of events taken last changed: the poller need not
 * read the clock. Seen a tick late, a change still makes the takeover come on the same tick as
 * with the exact time of the last pickup. */
static bool watch(worker *w)
{
    for (;;) {
        if (__atomic_load_n(&lf.exiting, __ATOMIC_SEQ_CST)) {
            /* shutdown: every worker polls until its NULL task */
            for (worker **p = &lf.parked; *p; p = &(*p)->parked_next) {
                if (*p == w) {
                    *p = w->parked_next;
                    break;
                }
            }
            w->parked = false;
            return true;
        }
        if (!w->parked)
            return true;                          /* told to poll */
        if (lf.parked != w) {
            pthread_cond_wait(&w->wake, &lf.lock); /* not the watcher: wait to become it */
            continue;
        }
        int64_t now = now_us();
        uint64_t pickups = __atomic_load_n(&lf.pickups, __ATOMIC_SEQ_CST);
        if (pickups != lf.seen_pickups) {
            lf.seen_pickups = pickups;
            lf.seen_at_us = now;
        }
        int64_t idle = now - lf.seen_at_us;
        if (!__atomic_load_n(&lf.polling, __ATOMIC_SEQ_CST) && idle >= TAKEOVER_US) {
            lf.parked = w->parked_next;           /* take over; the next one watches */
            w->parked = false;
            if (lf.parked)
                pthread_cond_signal(&lf.parked->wake);
            return true;
        }
        if (idle >= WATCH_IDLE_US) {
            /* Sleep unless an event was taken meanwhile: the poller counts, then reads
             * watcher_asleep; this thread sets it, then reads the count. One of the two sees the
             * other's write, and a poller that sees it wakes this thread under the lock. */
            __atomic_store_n(&lf.watcher_asleep, true, __ATOMIC_SEQ_CST);
            if (__atomic_load_n(&lf.pickups, __ATOMIC_SEQ_CST) == lf.seen_pickups)
                pthread_cond_wait(&w->wake, &lf.lock);
            __atomic_store_n(&lf.watcher_asleep, false, __ATOMIC_SEQ_CST);
            continue;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += TAKEOVER_US * 1000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&w->wake, &lf.lock, &until);
    }
}

/* Parks this worker while another polls (lf.lock held); back when it should poll. */
static void park(worker *w)
{
    __atomic_store_n(&w->quiet, QUIET_ALWAYS, __ATOMIC_RELEASE);
    w->parked = true;
    w->parked_next = lf.parked;
    if (lf.parked && __atomic_load_n(&lf.watcher_asleep, __ATOMIC_SEQ_CST))
        pthread_cond_signal(&lf.parked->wake);   /* it is no longer the watcher */
    lf.parked = w;
    watch(w);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    for (;;) {
        quiesce(w);
        bool idle = false;
        if (!__atomic_compare_exchange_n(&lf.polling, &idle, true, false, __ATOMIC_SEQ_CST,
                                         __ATOMIC_SEQ_CST) &&
            !__atomic_load_n(&lf.exiting, __ATOMIC_SEQ_CST)) {
            pthread_mutex_lock(&lf.lock);
            if (__atomic_load_n(&lf.polling, __ATOMIC_SEQ_CST) &&
                !__atomic_load_n(&lf.exiting, __ATOMIC_SEQ_CST))
                park(w);
            pthread_mutex_unlock(&lf.lock);
            continue;
        }
        struct epoll_event ev;
        int n = epoll_wait(rt.epfd, &ev, 1, -1);
        __atomic_store_n(&lf.polling, false, __ATOMIC_SEQ_CST);
        if (n <= 0)
            continue;
        __atomic_add_fetch(&lf.pickups, 1, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&lf.watcher_asleep, __ATOMIC_SEQ_CST)) {
            pthread_mutex_lock(&lf.lock);
            if (lf.parked && __atomic_load_n(&lf.watcher_asleep, __ATOMIC_SEQ_CST)) {
                __atomic_store_n(&lf.watcher_asleep, false, __ATOMIC_SEQ_CST);
                pthread_cond_signal(&lf.parked->wake);   /* activity again: watch */
            }
            pthread_mutex_unlock(&lf.lock);
        }
        asidl__source *src = ev.data.ptr;
        if (src == &rt.tasks_source) {
            if (!run_one_task())
                break;
        } else {
            src->on_event(src, ev.events);
        }
    }
    return NULL;
}

RPC_STATUS asidl__rt_start_workers(unsigned n)
{
    if (!asidl__rt_init())
        return RPC_S_OUT_OF_RESOURCES;
    pthread_mutex_lock(&rt.lock);
    RPC_STATUS st = RPC_S_OK;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (rt.stack_size)
        pthread_attr_setstacksize(&attr, rt.stack_size);
    pthread_condattr_t cattr;
    pthread_condattr_init(&cattr);
    pthread_condattr_setclock(&cattr, CLOCK_REALTIME);
    while (rt.n_workers < n) {
        worker *w = calloc(1, sizeof *w);
        if (w) {
            pthread_cond_init(&w->wake, &cattr);
            w->quiet = QUIET_ALWAYS;       /* it has taken no event yet */
        }
        if (!w || pthread_create(&w->thread, &attr, worker_main, w) != 0) {
            if (w)
                pthread_cond_destroy(&w->wake);
            free(w);
            st = RPC_S_OUT_OF_THREADS;
            break;
        }
        w->next = rt.workers;
        rt.workers = w;
        rt.n_workers++;
    }
    pthread_condattr_destroy(&cattr);
    pthread_attr_destroy(&attr);
    pthread_mutex_unlock(&rt.lock);
    return st;
}

bool asidl__rt_set_stack_size(size_t bytes)
{
    if (bytes != 0 && bytes < (size_t)PTHREAD_STACK_MIN)
        return false;
    pthread_mutex_lock(&rt.lock);
    rt.stack_size = bytes;
    pthread_mutex_unlock(&rt.lock);
    return true;
}

bool asidl__rt_need_io_thread(void)
{
    pthread_mutex_lock(&rt.lock);
    bool none = rt.n_workers == 0;
    pthread_mutex_unlock(&rt.lock);
    return !none || asidl__rt_start_workers(1) == RPC_S_OK;
}

void asidl__rt_blocking(void)
{
    if (!asidl__rt_is_worker())
        return;
    pthread_mutex_lock(&lf.lock);
    if (__atomic_load_n(&lf.polling, __ATOMIC_SEQ_CST) ||
        __atomic_load_n(&lf.exiting, __ATOMIC_SEQ_CST)) {
        pthread_mutex_unlock(&lf.lock);
        return;
    }
    worker *w = lf.parked;
    if (w) {
        /* the watcher polls now; the next parked worker watches */
        lf.parked = w->parked_next;
        w->parked = false;
        pthread_cond_signal(&w->wake);
        if (lf.parked)
            pthread_cond_signal(&lf.parked->wake);
    }
    pthread_mutex_unlock(&lf.lock);
    if (!w)
        asidl__rt_start_workers(asidl__rt_worker_count() + 1);
}

unsigned asidl__rt_worker_count(void)
{
    pthread_mutex_lock(&rt.lock);
    unsigned n = rt.n_workers;
    pthread_mutex_unlock(&rt.lock);
    return n;
}

bool asidl__rt_is_worker(void)
{
    pthread_t self = pthread_self();
    pthread_mutex_lock(&rt.lock);
    bool found = false;
    for (worker *w = rt.workers; w && !found; w = w->next)
        found = pthread_equal(w->thread, self);
    pthread_mutex_unlock(&rt.lock);
    return found;
}

void asidl__rt_shutdown(void)
{
    pthread_mutex_lock(&rt.lock);
    if (!rt.ready) {
        pthread_mutex_unlock(&rt.lock);
        return;
    }
    worker *workers = rt.workers;
    unsigned n = rt.n_workers;
    rt.workers = NULL;
    rt.n_workers = 0;
    pthread_mutex_unlock(&rt.lock);
    /* Every worker polls from now on; each NULL task (after the tasks queued before it) stops one. */
    pthread_mutex_lock(&lf.lock);
    __atomic_store_n(&lf.exiting, true, __ATOMIC_SEQ_CST);
    for (worker *w = lf.parked; w; w = w->parked_next)
        pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&lf.lock);
    for (unsigned i = 0; i < n; i++)
        asidl__rt_post(NULL, NULL);
    while (workers) {
        worker *w = workers;
        workers = w->next;
        pthread_join(w->thread, NULL);
        pthread_cond_destroy(&w->wake);
        free(w);
    }
    pthread_mutex_lock(&lf.lock);
    __atomic_store_n(&lf.exiting, false, __ATOMIC_SEQ_CST);
    __atomic_store_n(&lf.polling, false, __ATOMIC_SEQ_CST);
    lf.parked = NULL;
    __atomic_store_n(&lf.watcher_asleep, false, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&lf.lock);
    release_retirees(true);            /* no worker is left to hold an event */
    pthread_mutex_lock(&rt.lock);
    while (rt.head) {
        task *t = rt.head;
        rt.head = t->next;
        free(t);
    }
    rt.tail = NULL;
    close(rt.tasks_source.fd);
    asidl__timer_close();
    close(rt.epfd);
    rt.epfd = -1;
    rt.ready = false;
    pthread_mutex_unlock(&rt.lock);
}
