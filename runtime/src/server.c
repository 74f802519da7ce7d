/*
 * server.c: a DCE/RPC server: registered interfaces, listening endpoints, accepted
 * connections (sconn.c), association groups, and the scheduling of dispatch callbacks under
 * the executing limit.
 *
 * Lifetime: the owner holds one reference and every connection one more, so a server outlives
 * its last connection; a connection outlives its last pending call (scall.c).
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rpcrt.h"

void asidl__server_limits_default(asidl__server_limits *l)
{
    l->max_request = 4u * 1024u * 1024u;
    l->max_connections = 4096;
    l->max_pending_calls = 65536;
    l->max_executing = 0;
    l->read_timeout_ms = 30000;
    l->max_frag = ASIDL_FRAG_MAX;
    l->max_frag_lrpc = ASIDL_FRAG_MAX_LRPC;
    l->max_contexts = 256;
}

asidl__server *asidl__server_new(const asidl__server_limits *limits)
{
    if (!asidl__rt_init())
        return NULL;
    asidl__server *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->changed, NULL);
    s->refs = 1;
    if (limits)
        s->limits = *limits;
    else
        asidl__server_limits_default(&s->limits);
    if (s->limits.max_frag < ASIDL_FRAG_MIN)
        s->limits.max_frag = ASIDL_FRAG_MIN;
    if (s->limits.max_frag_lrpc < ASIDL_FRAG_MIN)
        s->limits.max_frag_lrpc = ASIDL_FRAG_MIN;
    s->next_group = 0x10000 + (uint32_t)(asidl__now_ms() & 0xFFFF);
    return s;
}

void asidl__server_release(asidl__server *s)
{
    pthread_mutex_lock(&s->lock);
    bool last = --s->refs == 0;
    pthread_mutex_unlock(&s->lock);
    if (!last)
        return;
    while (s->ifaces) {
        asidl__siface *i = s->ifaces;
        s->ifaces = i->next;
        free(i);
    }
    while (s->listeners) {
        asidl__slistener *l = s->listeners;
        s->listeners = l->next;
        free(l);
    }
    while (s->groups) {
        asidl__sgroup *g = s->groups;
        s->groups = g->next;
        free(g);
    }
    pthread_cond_destroy(&s->changed);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* ---- interfaces ---- */

RPC_STATUS asidl__server_register(asidl__server *s, const asidl__syntax_id *iface, unsigned n_procs,
                                  asidl__dispatch_fn *fn, void *ctx)
{
    if (!iface || !fn)
        return RPC_S_INVALID_ARG;
    pthread_mutex_lock(&s->lock);
    for (asidl__siface *i = s->ifaces; i; i = i->next) {
        if (i->active && asidl__syntax_equal(&i->id, iface)) {
            pthread_mutex_unlock(&s->lock);
            return RPC_S_ALREADY_REGISTERED;
        }
    }
    /* Registered again after being unregistered: connections that negotiated the interface
     * before keep their presentation context, so the same entry comes back to life. */
    for (asidl__siface *i = s->ifaces; i; i = i->next) {
        if (asidl__syntax_equal(&i->id, iface)) {
            if (i->n_procs != n_procs || i->fn != fn || i->ctx != ctx) {
                pthread_mutex_unlock(&s->lock);
                return RPC_S_ALREADY_REGISTERED;   /* another dispatcher owns that identity */
            }
            i->active = true;
            pthread_mutex_unlock(&s->lock);
            return RPC_S_OK;
        }
    }
    asidl__siface *i = calloc(1, sizeof *i);
    if (!i) {
        pthread_mutex_unlock(&s->lock);
        return RPC_S_OUT_OF_MEMORY;
    }
    i->id = *iface;
    i->n_procs = n_procs;
    i->fn = fn;
    i->ctx = ctx;
    i->active = true;
    i->next = s->ifaces;
    s->ifaces = i;
    pthread_mutex_unlock(&s->lock);
    return RPC_S_OK;
}

RPC_STATUS asidl__server_unregister(asidl__server *s, const asidl__syntax_id *iface)
{
    RPC_STATUS st = RPC_S_UNKNOWN_IF;
    pthread_mutex_lock(&s->lock);
    for (asidl__siface *i = s->ifaces; i; i = i->next) {
        if (i->active && asidl__syntax_equal(&i->id, iface)) {
            i->active = false;
            st = RPC_S_OK;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

/* The DCE rule: same UUID and major version, and a client minor version no newer than the
 * server's. */
const asidl__siface *asidl__server_find_iface(asidl__server *s, const asidl__syntax_id *id)
{
    const asidl__siface *found = NULL;
    pthread_mutex_lock(&s->lock);
    for (asidl__siface *i = s->ifaces; i && !found; i = i->next)
        if (i->active && asidl__uuid_equal(&i->id.uuid, &id->uuid) &&
            ASIDL_SYNTAX_MAJOR(i->id.version) == ASIDL_SYNTAX_MAJOR(id->version) &&
            ASIDL_SYNTAX_MINOR(i->id.version) >= ASIDL_SYNTAX_MINOR(id->version))
            found = i;
    pthread_mutex_unlock(&s->lock);
    return found;
}

/* ---- association groups ---- */

bool asidl__server_group_join(asidl__server *s, uint32_t requested, uint32_t *id)
{
    pthread_mutex_lock(&s->lock);
    asidl__sgroup *g = NULL;
    if (requested != 0) {
        for (g = s->groups; g && g->id != requested; g = g->next)
            ;
        if (!g) {            /* Windows naks a bind naming a group it does not know */
            pthread_mutex_unlock(&s->lock);
            return false;
        }
    } else {
        g = calloc(1, sizeof *g);
        if (!g) {
            pthread_mutex_unlock(&s->lock);
            return false;
        }
        g->id = s->next_group++;
        if (g->id == 0)
            g->id = s->next_group++;
        g->next = s->groups;
        s->groups = g;
    }
    g->conns++;
    *id = g->id;
    pthread_mutex_unlock(&s->lock);
    return true;
}

bool asidl__server_group_alive(asidl__server *s, uint32_t id)
{
    pthread_mutex_lock(&s->lock);
    asidl__sgroup *g = s->groups;
    while (g && g->id != id)
        g = g->next;
    pthread_mutex_unlock(&s->lock);
    return g != NULL;
}

void asidl__server_group_leave(asidl__server *s, uint32_t id)
{
    bool ended = false;
    pthread_mutex_lock(&s->lock);
    for (asidl__sgroup **p = &s->groups; *p; p = &(*p)->next) {
        if ((*p)->id == id) {
            if (--(*p)->conns == 0) {
                asidl__sgroup *g = *p;
                *p = g->next;
                free(g);
                ended = true;
            }
            break;
        }
    }
    void (*fn)(asidl__server *, uint32_t, void *) = s->group_ended;
    void *ctx = s->group_ended_ctx;
    pthread_mutex_unlock(&s->lock);
    if (ended && fn)
        fn(s, id, ctx);     /* the association is gone: its context handles run down */
}

/* ---- listening and accepting ---- */

/* Only when no event can be on its way to a worker: the listener is not armed, or this is
 * the worker that received its event (s->lock held). */
static void close_listener(asidl__slistener *l)
{
    if (l->closed)
        return;
    l->closed = true;
    asidl__rt_unwatch(&l->src);
    close(l->src.fd);
    if (l->path[0])
        unlink(l->path);
}

static void on_accept(asidl__source *src, uint32_t events)
{
    (void)events;
    asidl__slistener *l = (asidl__slistener *)src;
    asidl__server *s = l->srv;
    pthread_mutex_lock(&s->lock);
    l->armed = false;
    if (s->stopping) {
        close_listener(l);
        pthread_cond_broadcast(&s->changed);
        pthread_mutex_unlock(&s->lock);
        return;
    }
    l->busy = true;
    pthread_mutex_unlock(&s->lock);

    /* A bounded batch, so one busy endpoint cannot starve the other sources. */
    for (int i = 0; i < 64; i++) {
        int fd = asidl__transport_accept(l->src.fd);
        if (fd < 0)
            break;
        pthread_mutex_lock(&s->lock);
        bool full = s->n_conns >= s->limits.max_connections || s->stopping;
        pthread_mutex_unlock(&s->lock);
        if (full || !asidl__sconn_new(s, fd, l->endpoint))
            close(fd);            /* over the limit: accepted and closed at once */
    }

    pthread_mutex_lock(&s->lock);
    l->busy = false;
    if (s->stopping)
        close_listener(l);
    else
        l->armed = asidl__rt_rearm(&l->src, EPOLLIN) == 0;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
}

RPC_STATUS asidl__server_listen(asidl__server *s, asidl__protseq p, const char *host,
                                const char *endpoint, char *actual, size_t actual_size)
{
    asidl__listener_fds fds;
    RPC_STATUS st = asidl__transport_listen(p, host, endpoint, 128, &fds);
    if (st != RPC_S_OK)
        return st;
    asidl__slistener *made[2] = { NULL, NULL };
    for (int i = 0; i < fds.count; i++) {
        made[i] = calloc(1, sizeof *made[i]);
        if (!made[i]) {
            free(made[0]);
            asidl__transport_unlisten(&fds);
            return RPC_S_OUT_OF_MEMORY;
        }
        made[i]->src = (asidl__source){ on_accept, fds.fd[i] };
        made[i]->srv = s;
        made[i]->protseq = p;
        memcpy(made[i]->endpoint, fds.endpoint, sizeof made[i]->endpoint);
    }
    memcpy(made[0]->path, fds.path, sizeof made[0]->path);   /* the first removes the file */
    if (actual && actual_size)
        snprintf(actual, actual_size, "%s", fds.endpoint);
    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < fds.count; i++) {
        made[i]->next = s->listeners;
        s->listeners = made[i];
        made[i]->armed = asidl__rt_watch(&made[i]->src, EPOLLIN) == 0;
        if (!made[i]->armed)
            st = RPC_S_OUT_OF_RESOURCES;
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

RPC_STATUS asidl__server_start(asidl__server *s, unsigned threads)
{
    (void)s;
    return asidl__rt_start_workers(threads ? threads : 2);
}

unsigned asidl__server_connection_count(asidl__server *s)
{
    pthread_mutex_lock(&s->lock);
    unsigned n = s->n_conns;
    pthread_mutex_unlock(&s->lock);
    return n;
}

void asidl__server_conn_gone(asidl__server *s, asidl__sconn *c)
{
    pthread_mutex_lock(&s->lock);
    if (c->prev)
        c->prev->next = c->next;
    else if (s->conns == c)
        s->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->prev = c->next = NULL;
    s->n_conns--;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->lock);
}

void asidl__server_free(asidl__server *s)
{
    pthread_mutex_lock(&s->lock);
    __atomic_store_n(&s->stopping, true, __ATOMIC_SEQ_CST);
    /* An armed listener may have an event on its way to a worker: shutting it down makes that
     * event certain, and its worker closes it. Others (accepting right now) close themselves
     * when they see `stopping`; listeners that are neither are closed here. */
    for (asidl__slistener *l = s->listeners; l; l = l->next) {
        if (l->armed)
            shutdown(l->src.fd, SHUT_RDWR);
        else if (!l->busy)
            close_listener(l);
    }
    for (asidl__sconn *c = s->conns; c; c = c->next)
        asidl__sconn_kill(c);
    /* Wait for the listeners, connections and running dispatches to finish. */
    for (;;) {
        bool busy = s->n_conns > 0 || __atomic_load_n(&s->executing, __ATOMIC_SEQ_CST) > 0;
        for (asidl__slistener *l = s->listeners; l; l = l->next)
            busy |= !l->closed;
        if (!busy)
            break;
        pthread_cond_wait(&s->changed, &s->lock);
    }
    /* Calls queued for an executing slot never ran: their connections are gone. */
    asidl__scall *queued = s->run_head;
    s->run_head = s->run_tail = NULL;
    s->n_queued = 0;
    pthread_mutex_unlock(&s->lock);
    while (queued) {
        asidl__scall *next = queued->run_next;
        asidl__scall_fault(queued, ASIDL_NCA_S_SERVER_TOO_BUSY, true);
        queued = next;
    }
    asidl__server_release(s);
}

/* ---- dispatch under the executing limit ---- */

/* The connection whose turn this thread's dispatch loop holds for which call, and whether the
 * turn went on before the dispatch callback returned: passed on by a manager routine that
 * waits (asidl__server_yield_turn), or ended by the call's reply (asidl__server_turn_ends_locked,
 * with the call to run next). */
typedef struct dispatch_turn {
    asidl__sconn *conn;
    asidl__scall *call;
    bool yielded;
    bool ended;
    asidl__scall *next;
} dispatch_turn;
static _Thread_local dispatch_turn turn;

void asidl__server_yield_turn(asidl__sconn *c)
{
    if (turn.conn != c || turn.yielded || turn.ended)
        return;
    turn.yielded = asidl__sconn_hand_over(c);
}

void asidl__server_turn_ends_locked(asidl__sconn *c, asidl__scall *call)
{
    if (turn.call != call || turn.conn != c || turn.yielded || turn.ended)
        return;
    turn.ended = true;
    turn.next = asidl__sconn_next_ready_locked(c);
}

/* The executing count is atomic, so a call without a MaxCalls limit takes no lock on its way
 * in or out. Two pairs of threads must never miss each other, and each pair writes one
 * variable, then reads the other's (sequentially consistent, as in Dekker's algorithm):
 *  - a call queued under the limit (queued, then executing read) and a slot being given up
 *    (executing, then queued read): either the queuing thread sees the free slot and takes its
 *    call back, or the leaving one sees the queue and runs from it;
 *  - asidl__server_free (stopping, then executing read under s->lock) and the last call going
 *    (executing, then stopping read): either the waiter sees the count at zero or the leaving
 *    call wakes it under the lock. */

/* The oldest queued call if a slot is free, counted as executing (s->lock held). */
static asidl__scall *take_queued_locked(asidl__server *s)
{
    asidl__scall *call = s->run_head;
    if (!call)
        return NULL;
    unsigned limit = s->limits.max_executing;
    if (limit && __atomic_load_n(&s->executing, __ATOMIC_SEQ_CST) >= limit)
        return NULL;
    s->run_head = call->run_next;
    if (!s->run_head)
        s->run_tail = NULL;
    __atomic_sub_fetch(&s->n_queued, 1, __ATOMIC_SEQ_CST);
    __atomic_add_fetch(&s->executing, 1, __ATOMIC_SEQ_CST);
    return call;
}

/* The slot of a call that has returned: the next queued call takes it, or it is given up.
 * The caller still holds a connection, so the server cannot go away meanwhile. */
static asidl__scall *leave_slot(asidl__server *s)
{
    __atomic_sub_fetch(&s->executing, 1, __ATOMIC_SEQ_CST);
    asidl__scall *next = NULL;
    if (__atomic_load_n(&s->n_queued, __ATOMIC_SEQ_CST)) {
        pthread_mutex_lock(&s->lock);
        next = take_queued_locked(s);
        pthread_mutex_unlock(&s->lock);
    }
    if (!next && __atomic_load_n(&s->stopping, __ATOMIC_SEQ_CST)) {
        pthread_mutex_lock(&s->lock);
        pthread_cond_broadcast(&s->changed);
        pthread_mutex_unlock(&s->lock);
    }
    return next;
}

void asidl__server_dispatch(asidl__server *s, asidl__scall *call)
{
    if (__atomic_load_n(&s->limits.max_executing, __ATOMIC_RELAXED)) {
        pthread_mutex_lock(&s->lock);
        call->run_next = NULL;
        if (s->run_tail)
            s->run_tail->run_next = call;
        else
            s->run_head = call;
        s->run_tail = call;
        __atomic_add_fetch(&s->n_queued, 1, __ATOMIC_SEQ_CST);
        call = take_queued_locked(s);       /* this call, an older one, or none: all busy */
        pthread_mutex_unlock(&s->lock);
        if (!call)
            return;
    } else {
        __atomic_add_fetch(&s->executing, 1, __ATOMIC_SEQ_CST);
    }

    while (call) {
        /* The call may be gone when the routine returns; its connection is kept for the next
         * and, until the slot is settled, keeps the server. */
        asidl__sconn *c = call->conn;
        asidl__sconn_ref(c);
        dispatch_turn outer = turn;
        turn = (dispatch_turn){ .conn = c, .call = call };
        call->siface->fn(call, call->siface->ctx);
        dispatch_turn mine = turn;
        turn = outer;
        call = mine.yielded ? NULL : mine.ended ? mine.next : asidl__sconn_next_ready(c);
        if (!call)
            call = leave_slot(s);   /* else the same connection's next call keeps this slot */
        asidl__sconn_release(c);
    }
}
