/*
 * cconn.c: the client side's associations and connections (docs/runtime-design.md, "Calls").
 *
 * An association is one server endpoint with its association group and its connections. A
 * connection carries any number of outstanding calls, told apart by call_id in a hash table,
 * and negotiates presentation contexts (bind, then alter_context) as interfaces are used.
 *
 * Reading follows the reading-token rule: a synchronous caller reads its own reply on its own
 * thread when nobody else is reading (no hand-off to another thread); replies it meets for
 * other calls are delivered to them. When only asynchronous calls are outstanding the
 * connection is armed in the runtime's epoll set and whichever worker gets the event reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rpcrt.h"

static void on_event(asidl__source *src, uint32_t events);
static void on_writable(asidl__source *src, uint32_t events);

/* ---- associations ---- */

asidl__assoc *asidl__assoc_new(asidl__protseq p, const char *netaddr, const char *endpoint,
                               int connect_timeout_ms)
{
    asidl__assoc *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    a->netaddr = strdup(netaddr ? netaddr : "");
    a->endpoint = strdup(endpoint ? endpoint : "");
    if (!a->netaddr || !a->endpoint) {
        free(a->netaddr);
        free(a->endpoint);
        free(a);
        return NULL;
    }
    pthread_mutex_init(&a->lock, NULL);
    a->users = 1;
    a->refs = 1;
    a->protseq = p;
    a->connect_timeout_ms = connect_timeout_ms;
    a->max_conns = 16;
    return a;
}

/* users and refs are atomic: every call takes and drops a user, and a lock round trip each
 * would cost more than the counting. The users together hold one memory reference (so a call
 * counts only as a user): a user is only ever added by someone who holds one already (a
 * binding handle, or its copy), so users never climbs back from zero. a->lock guards the list
 * of connections. */
static void assoc_unref(asidl__assoc *a)
{
    if (__atomic_sub_fetch(&a->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    pthread_mutex_destroy(&a->lock);
    free(a->netaddr);
    free(a->endpoint);
    free(a);
}

void asidl__assoc_ref(asidl__assoc *a)
{
    __atomic_add_fetch(&a->users, 1, __ATOMIC_RELAXED);
}

unsigned asidl__assoc_connection_count(asidl__assoc *a)
{
    pthread_mutex_lock(&a->lock);
    unsigned n = a->n_conns;
    pthread_mutex_unlock(&a->lock);
    return n;
}

/* ---- the call table ---- */

static asidl__ccall *table_find(asidl__cconn *c, uint32_t id)
{
    if (!c->table_size)
        return NULL;
    for (asidl__ccall *call = c->table[id & (c->table_size - 1)]; call; call = call->hash_next)
        if (call->call_id == id)
            return call;
    return NULL;
}

static bool table_grow(asidl__cconn *c)
{
    unsigned size = c->table_size ? c->table_size * 2 : 16;
    asidl__ccall **t = calloc(size, sizeof *t);
    if (!t)
        return false;
    for (unsigned i = 0; i < c->table_size; i++) {
        for (asidl__ccall *call = c->table[i], *next; call; call = next) {
            next = call->hash_next;
            call->hash_next = t[call->call_id & (size - 1)];
            t[call->call_id & (size - 1)] = call;
        }
    }
    free(c->table);
    c->table = t;
    c->table_size = size;
    return true;
}

uint32_t asidl__cconn_add_call(asidl__cconn *c, asidl__ccall *call)
{
    if (c->n_calls >= c->table_size * 2 && !table_grow(c) && !c->table_size)
        return 0;
    uint32_t id;
    do {
        id = c->next_call_id++;
    } while (id == 0 || table_find(c, id));
    call->call_id = id;
    unsigned b = id & (c->table_size - 1);
    call->hash_next = c->table[b];
    c->table[b] = call;
    call->in_table = true;
    c->n_calls++;
    /* The table holds a reference to a call nobody waits for; a waited-for call is kept by
     * its waiting owner, who lets go only once it saw the call complete, and completion takes
     * the call out of the table (both under c->lock). */
    if (call->done_fn) {
        c->n_async++;
        asidl__ccall_ref(call);
        call->table_ref = true;
    }
    return id;
}

static void table_remove(asidl__cconn *c, asidl__ccall *call)
{
    for (asidl__ccall **p = &c->table[call->call_id & (c->table_size - 1)]; *p; p = &(*p)->hash_next) {
        if (*p == call) {
            *p = call->hash_next;
            break;
        }
    }
    call->hash_next = NULL;
    call->in_table = false;
    c->n_calls--;
}

/* ---- completion ---- */

/* Wakes the threads sleeping on c->changed (c->lock held). Sleepers count themselves under
 * the lock before they sleep, so none can be missed; with none, the broadcast is skipped. */
static void wake_locked(asidl__cconn *c)
{
    if (c->sleepers)
        pthread_cond_broadcast(&c->changed);
}

/* Called with c->lock held. The first outcome wins; later ones are ignored. Completed calls
 * with a done function go on `finished`, to be run outside the lock. */
static void complete_locked(asidl__cconn *c, asidl__ccall *call, RPC_STATUS status,
                            asidl__ccall **finished)
{
    if (call->done)
        return;
    call->done = true;
    call->status = status;
    if (c->probe == call)
        c->probe = NULL;
    if (call->in_table) {
        table_remove(c, call);
        if (call->done_fn) {
            c->n_async--;
            call->done_next = *finished;     /* the table's reference moves to the list */
            *finished = call;
        } else if (call->table_ref) {
            asidl__ccall_release(call);      /* one that failed to start: its starter holds one */
        }
    }
    wake_locked(c);
}

static void run_finished(asidl__ccall *list)
{
    /* The list was built newest first; complete in arrival order. */
    asidl__ccall *ordered = NULL;
    while (list) {
        asidl__ccall *next = list->done_next;
        list->done_next = ordered;
        ordered = list;
        list = next;
    }
    while (ordered) {
        asidl__ccall *next = ordered->done_next;
        ordered->done_fn(ordered, ordered->done_ctx);
        asidl__ccall_release(ordered);
        ordered = next;
    }
}

/* The connection is unusable: every outstanding call fails (c->lock held). */
static void fail_locked(asidl__cconn *c, RPC_STATUS status, asidl__ccall **finished)
{
    if (!c->dead) {
        c->dead = true;
        c->dead_status = status;
        if (!c->torn_down && c->src.fd >= 0)
            shutdown(c->src.fd, SHUT_RDWR);
    }
    for (unsigned i = 0; i < c->table_size; i++) {
        while (c->table[i]) {
            asidl__ccall *call = c->table[i];
            /* A bind that could not complete means the server could not be reached. */
            complete_locked(c, call, call->kind == ASIDL_CCALL_NEGOTIATE ? RPC_S_SERVER_UNAVAILABLE
                                                                         : status, finished);
        }
    }
    for (unsigned i = 0; i < c->n_ctx; i++) {
        if (c->ctx[i].state == ASIDL_CCTX_NEGOTIATING) {
            c->ctx[i].state = ASIDL_CCTX_REJECTED;
            c->ctx[i].status = RPC_S_SERVER_UNAVAILABLE;
        }
    }
}

static void queue_header_locked(asidl__cconn *c, uint8_t ptype, uint32_t call_id,
                                asidl__ccall **finished);

void asidl__cconn_complete(asidl__cconn *c, asidl__ccall *call, RPC_STATUS status, uint8_t orphan_ptype)
{
    asidl__ccall *finished = NULL;
    pthread_mutex_lock(&c->lock);
    bool was_done = call->done;
    complete_locked(c, call, status, &finished);
    if (!was_done && orphan_ptype)
        queue_header_locked(c, orphan_ptype, call->call_id, &finished);
    pthread_mutex_unlock(&c->lock);
    run_finished(finished);
}

/* ---- connections ---- */

static asidl__cconn *cconn_new(asidl__assoc *a, int fd)
{
    asidl__cconn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    /* Client sockets stay in blocking mode: every operation that must not block passes
     * MSG_DONTWAIT, and a synchronous caller waiting for its reply blocks in recv itself. */
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    c->src = (asidl__source){ on_event, fd };
    asidl__writer_init(&c->writer, on_writable);
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->changed, NULL);
    c->refs = 1;
    c->next_call_id = 1;
    c->frag_size = ASIDL_FRAG_MIN;
    c->frag_proposed = a->protseq == ASIDL_PROTSEQ_LRPC ? ASIDL_FRAG_MAX_LRPC : ASIDL_FRAG_MAX;
    if (a->protseq == ASIDL_PROTSEQ_TCP && !asidl__tcp_acked(fd, &c->acked_at_connect))
        c->acked_at_connect = 0;
    c->assoc = a;
    __atomic_add_fetch(&a->refs, 1, __ATOMIC_RELAXED);   /* the connection's memory reference */
    return c;
}

/* Atomic, as the association's counts. */
static void cconn_ref(asidl__cconn *c)
{
    __atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
}

void asidl__cconn_release(asidl__cconn *c)
{
    if (__atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    if (c->src.fd >= 0)
        close(c->src.fd);
    asidl__writer_close(&c->writer);
    asidl__inbuf_free(&c->in);
    asidl__sendq_clear(&c->out);
    free(c->table);
    free(c->ctx);
    if (c->spare)
        asidl__ccall_destroy(c->spare);
    pthread_cond_destroy(&c->changed);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* Takes the socket out of the epoll set and closes it (c->lock held). Only safe when no
 * epoll event can be on its way to a worker: the source is not armed, or this is the worker
 * that received its event. */
static void close_socket_locked(asidl__cconn *c)
{
    if (c->src.fd < 0)
        return;
    if (c->watched)
        asidl__rt_unwatch(&c->src);
    c->watched = false;
    close(c->src.fd);
    c->src.fd = -1;
}

/* Called by the holder of the reading token (or when nobody can hold it any more) with
 * c->lock held; returns with it released. */
static void teardown_locked(asidl__cconn *c)
{
    asidl__ccall *finished = NULL;
    fail_locked(c, c->dead_status ? c->dead_status : RPC_S_CALL_FAILED, &finished);
    c->torn_down = true;
    /* An armed socket may have an event on its way to a worker that would then find it
     * closed (or reused): shut it down instead, so that the event surely comes, and let the
     * worker that gets it close the socket. */
    if (c->armed || c->writer.armed)
        shutdown(c->src.fd, SHUT_RDWR);
    if (!c->armed)
        close_socket_locked(c);
    if (!c->writer.armed)
        asidl__writer_close(&c->writer);
    asidl__sendq_clear(&c->out);
    asidl__inbuf_free(&c->in);
    asidl__assoc *a = c->assoc;
    c->assoc = NULL;
    wake_locked(c);
    pthread_mutex_unlock(&c->lock);
    run_finished(finished);
    if (a) {
        pthread_mutex_lock(&a->lock);
        bool listed = false;
        for (asidl__cconn **p = &a->conns; *p; p = &(*p)->next) {
            if (*p == c) {
                *p = c->next;
                a->n_conns--;
                listed = true;
                break;
            }
        }
        pthread_mutex_unlock(&a->lock);
        if (listed)
            asidl__cconn_release(c);       /* the association's list reference */
        assoc_unref(a);
    }
}

/* Arms the connection's writer (c->lock held), with a reference for its event. */
static bool arm_writer_locked(asidl__cconn *c)
{
    int r = asidl__writer_arm(&c->writer, c->src.fd);
    if (r > 0)
        cconn_ref(c);
    return r >= 0;
}

/* Arms the socket in the epoll set (c->lock held). An armed connection holds a reference,
 * which the worker that receives the (one-shot) event takes over. False when the event loop
 * cannot watch it (out of descriptors or memory): then nobody would ever read it. */
static bool arm_locked(asidl__cconn *c)
{
    if (c->torn_down || c->dead)
        return true;
    uint32_t mask = EPOLLIN | EPOLLRDHUP | (c->want_write ? EPOLLOUT : 0);
    if (c->armed) {
        /* Its one-shot event may already have fired, on its way to a worker that will re-arm
         * it: re-arming now could deliver a second event that holds no reference. Only room
         * to send cannot wait for that worker; the writer descriptor waits for it. */
        return (c->armed_mask & mask) == mask || arm_writer_locked(c);
    }
    if (!c->watched) {
        /* In a process that is only a client, the first asynchronous call is what creates the
         * event loop: the set must exist before the socket can join it. */
        if (!asidl__rt_init() || asidl__rt_watch(&c->src, mask) != 0)
            return false;
        c->watched = true;
        if (!asidl__rt_need_io_thread())
            return false;                /* watched by nobody: as good as not watched */
    } else if (asidl__rt_rearm(&c->src, mask) != 0) {
        return false;
    }
    c->armed = true;
    c->armed_mask = mask;
    cconn_ref(c);
    return true;
}

/* After the token is released or a waiter leaves (c->lock held; may release it by tearing
 * down, which it reports by returning false). */
static bool settle_locked(asidl__cconn *c)
{
    if (c->reading || c->torn_down)
        return true;
    if (c->dead) {
        teardown_locked(c);
        return false;
    }
    if (c->sync_waiters)
        wake_locked(c);     /* one of them takes the token */
    else if ((c->n_async || c->want_write) && !arm_locked(c)) {
        /* Unwatched, its calls would wait for ever: they fail instead. */
        c->dead = true;
        c->dead_status = RPC_S_OUT_OF_RESOURCES;
        teardown_locked(c);
        return false;
    }
    return true;
}

void asidl__cconn_watch_async(asidl__cconn *c)
{
    pthread_mutex_lock(&c->lock);
    if (settle_locked(c))
        pthread_mutex_unlock(&c->lock);
}

/* ---- sending ---- */

static void flush_locked(asidl__cconn *c, asidl__ccall **finished)
{
    int r = asidl__sendq_flush(&c->out, c->src.fd);
    if (r < 0)
        fail_locked(c, RPC_S_CALL_FAILED, finished);
    c->want_write = r == 0;
}

static void queue_locked(asidl__cconn *c, uint8_t *data, size_t len, asidl__ccall **finished)
{
    if (c->dead || c->torn_down) {
        free(data);
        return;
    }
    asidl__trace_pdus("->", c->src.fd, data, len);
    if (!asidl__sendq_push(&c->out, data, len)) {
        fail_locked(c, RPC_S_OUT_OF_MEMORY, finished);
        return;
    }
    if (c->want_write)
        return;                     /* whoever waits for the socket to drain sends it in order */
    flush_locked(c, finished);
    if (c->want_write && !c->reading && !arm_locked(c))   /* an epoll worker sends the rest; a reader polls for it */
        fail_locked(c, RPC_S_OUT_OF_RESOURCES, finished);
}

/* Like queue_locked for a fragment sequence that borrows its stub bytes: written straight from
 * them when nothing waits to be sent before it (and no trace wants the PDUs whole). */
static void queue_frags_locked(asidl__cconn *c, const asidl__frags *f, asidl__ccall **finished)
{
    asidl__cconn_send_request_locked(c, f, false, finished);
}

bool asidl__cconn_send_request_locked(asidl__cconn *c, const asidl__frags *f, bool unchecked,
                                      asidl__ccall **finished)
{
    if (c->dead || c->torn_down)
        return true;
    if (c->want_write || c->out.head || asidl__trace_enabled()) {
        size_t len;
        uint8_t *data = asidl__frags_flatten(f, 0, &len);
        if (data)
            queue_locked(c, data, len, finished);
        else
            fail_locked(c, RPC_S_OUT_OF_MEMORY, finished);
        return true;
    }
    int r = asidl__sendq_send_frags(&c->out, c->src.fd, f);
    if (r == ASIDL_SEND_PEER_GONE && unchecked)
        return false;
    asidl__stats_add(RPC_C_STATS_PKTS_OUT, f->count);
    if (r < 0)
        fail_locked(c, RPC_S_CALL_FAILED, finished);
    c->want_write = r == 0;
    if (c->want_write && !c->reading && !arm_locked(c))   /* as queue_locked */
        fail_locked(c, RPC_S_OUT_OF_RESOURCES, finished);
    return true;
}

void asidl__cconn_run_finished(asidl__ccall *finished)
{
    run_finished(finished);
}

void asidl__cconn_queue(asidl__cconn *c, uint8_t *data, size_t len)
{
    asidl__ccall *finished = NULL;
    pthread_mutex_lock(&c->lock);
    queue_locked(c, data, len, &finished);
    pthread_mutex_unlock(&c->lock);
    run_finished(finished);
}

/* Queues a PDU encoded into b (consumed); one that could not be encoded (out of memory) is
 * dropped: a cancel, an orphaned or a fault answer is advisory. */
static void queue_buf_locked(asidl__cconn *c, asidl__buf *b, asidl__ccall **finished)
{
    if (b->failed) {
        asidl__buf_free(b);
        return;
    }
    size_t len;
    uint8_t *data = asidl__buf_take(b, &len);
    queue_locked(c, data, len, finished);
}

static void queue_header_locked(asidl__cconn *c, uint8_t ptype, uint32_t call_id,
                                asidl__ccall **finished)
{
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_header_only(&b, ptype, ASIDL_PFC_FIRST_FRAG | ASIDL_PFC_LAST_FRAG, call_id);
    queue_buf_locked(c, &b, finished);
}

/* ---- receiving ---- */

static RPC_STATUS nak_status(uint16_t reason)
{
    switch (reason) {
    case ASIDL_NAK_TEMPORARY_CONGESTION:
    case ASIDL_NAK_LOCAL_LIMIT_EXCEEDED:
        return RPC_S_SERVER_TOO_BUSY;
    case ASIDL_NAK_PROTOCOL_VERSION_NOT_SUPPORTED:
        return RPC_S_PROTOCOL_ERROR;
    case ASIDL_NAK_AUTH_TYPE_NOT_RECOGNIZED:
        return RPC_S_UNKNOWN_AUTHN_SERVICE;
    default:
        return RPC_S_CALL_FAILED_DNE;
    }
}

/* A bind_ack / alter_context_resp / bind_nak for `call` (c->lock held): decides its context. */
static RPC_STATUS negotiated_locked(asidl__cconn *c, asidl__ccall *call, const asidl__pdu *pdu)
{
    asidl__cctx *ctx = &c->ctx[call->ctx_index];
    RPC_STATUS st;
    if (pdu->hdr.ptype == ASIDL_PTYPE_BIND_NAK) {
        st = nak_status(pdu->u.bind_nak.reject_reason);
    } else if (pdu->u.bind_ack.n_results < 1) {
        st = RPC_S_PROTOCOL_ERROR;
    } else {
        if (pdu->hdr.ptype == ASIDL_PTYPE_BIND_ACK) {
            uint16_t f = pdu->u.bind_ack.max_xmit_frag < pdu->u.bind_ack.max_recv_frag
                             ? pdu->u.bind_ack.max_xmit_frag : pdu->u.bind_ack.max_recv_frag;
            c->frag_size = f < 512 ? 512 : f;     /* never below what any server can take */
            c->group = pdu->u.bind_ack.assoc_group_id;
        }
        asidl__pdu_result r;
        asidl__pdu_bind_ack_result(pdu, 0, &r);   /* one context proposed per bind/alter */
        if (r.result == ASIDL_CTX_ACCEPTANCE && asidl__syntax_equal(&r.transfer, &asidl__ndr20_syntax))
            st = RPC_S_OK;
        else if (r.result == ASIDL_CTX_ACCEPTANCE)
            st = RPC_S_UNSUPPORTED_TRANS_SYN;
        else if (r.result == ASIDL_CTX_PROVIDER_REJECTION &&
                 r.reason == ASIDL_CTX_REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED)
            st = RPC_S_UNKNOWN_IF;
        else if (r.result == ASIDL_CTX_PROVIDER_REJECTION &&
                 r.reason == ASIDL_CTX_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED)
            st = RPC_S_UNSUPPORTED_TRANS_SYN;
        else
            st = RPC_S_CALL_FAILED_DNE;
    }
    ctx->state = st == RPC_S_OK ? ASIDL_CCTX_ACCEPTED : ASIDL_CCTX_REJECTED;
    ctx->status = st;
    return st;
}

static void refresh_deadline(asidl__ccall *call)
{
    if (call->timeout_ms)
        call->deadline = asidl__now_ms() + call->timeout_ms;
}

/* ---- [callback] requests from the server ---- */

static void queue_fault_locked(asidl__cconn *c, uint32_t call_id, uint16_t ctx_id, RPC_STATUS status,
                               bool did_not_execute, asidl__ccall **finished)
{
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_fault(&b, did_not_execute ? ASIDL_PFC_DID_NOT_EXECUTE : 0, call_id, ctx_id, 0,
                            asidl__status_to_fault(status));
    queue_buf_locked(c, &b, finished);
}

/* The next [callback] request of the call to run, or NULL (c->lock held). */
static asidl__cbreq *next_callback_locked(asidl__ccall *call)
{
    asidl__cbreq *r = call->cb_queue;
    if (r) {
        call->cb_queue = r->next;
        if (!call->cb_queue)
            call->cb_queue_tail = NULL;
    }
    return r;
}

static void serve(asidl__ccall *call, asidl__cbreq *r)
{
    asidl__ccall_serve_callback(call, r->opnum, r->drep0, r->maybe, r->stub, r->stub_len);
    free(r);
}

/* The [callback]s of an asynchronous call, which nobody waits on: a worker runs them, one
 * after the other, as they come. */
static void run_callbacks_job(void *arg)
{
    asidl__ccall *call = arg;
    asidl__cconn *c = call->conn;
    for (;;) {
        pthread_mutex_lock(&c->lock);
        asidl__cbreq *r = next_callback_locked(call);
        if (!r)
            call->cb_running = false;
        pthread_mutex_unlock(&c->lock);
        if (!r)
            break;
        serve(call, r);
    }
    asidl__ccall_release(call);
}

/* The call breaks the callback protocol: it fails, and the server is told it was abandoned. */
static void callback_violation_locked(asidl__cconn *c, asidl__ccall *call, RPC_STATUS status,
                                      asidl__ccall **finished)
{
    complete_locked(c, call, status, finished);
    queue_header_locked(c, ASIDL_PTYPE_ORPHANED, call->call_id, finished);
}

/* A request from the server: a [callback] it makes while it executes one of our calls, with
 * that call's call_id and presentation context ([MS-RPCE] 3.3.1.5.9). Its fragments gather on
 * the call; complete requests queue up there (a [maybe] one is not answered, so the next may
 * follow it at once) and run in order on the call's own thread (a synchronous call, woken in
 * asidl__cconn_wait) or on a worker (an asynchronous one). */
static void callback_request_locked(asidl__cconn *c, asidl__ccall *call, const asidl__pdu *pdu,
                                    asidl__ccall **finished)
{
    const asidl__pdu_header *h = &pdu->hdr;
    bool first = (h->pfc_flags & ASIDL_PFC_FIRST_FRAG) != 0, last = (h->pfc_flags & ASIDL_PFC_LAST_FRAG) != 0;
    if (!call || call->kind != ASIDL_CCALL_REQUEST || call->done) {
        /* No call of ours waits (it was given up on): answer, so that the server's manager
         * routine does not wait for ever. */
        if (last && !(h->pfc_flags & ASIDL_PFC_MAYBE))
            queue_fault_locked(c, h->call_id, pdu->u.request.context_id, RPC_S_CALL_CANCELLED, true, finished);
        return;
    }
    if (first == call->cb_started) {
        callback_violation_locked(c, call, RPC_S_PROTOCOL_ERROR, finished);   /* out of sequence */
        return;
    }
    if (first) {
        if (asidl__reasm_start(&call->cb_request, pdu->u.request.alloc_hint) != ASIDL_REASM_OK) {
            callback_violation_locked(c, call, RPC_S_OUT_OF_RESOURCES, finished);
            return;
        }
        call->cb_started = true;
        call->cb_opnum = pdu->u.request.opnum;
        call->cb_drep0 = h->drep[0];
        call->cb_maybe = (h->pfc_flags & ASIDL_PFC_MAYBE) != 0;
    }
    if (asidl__reasm_append(&call->cb_request, pdu->u.request.stub, pdu->u.request.stub_len) != ASIDL_REASM_OK) {
        callback_violation_locked(c, call, RPC_S_OUT_OF_RESOURCES, finished);
        return;
    }
    refresh_deadline(call);
    if (!last)
        return;
    call->cb_started = false;
    asidl__cbreq *r = malloc(sizeof *r);
    if (!r) {
        asidl__reasm_free(&call->cb_request);
        if (!call->cb_maybe)
            queue_fault_locked(c, call->call_id, call->context_id, RPC_S_OUT_OF_MEMORY, true, finished);
        return;
    }
    *r = (asidl__cbreq){ NULL, call->cb_opnum, call->cb_drep0, call->cb_maybe, NULL, 0 };
    r->stub = asidl__reasm_take(&call->cb_request, &r->stub_len);
    if (call->cb_queue_tail)
        call->cb_queue_tail->next = r;
    else
        call->cb_queue = r;
    call->cb_queue_tail = r;
    if (!call->done_fn) {
        wake_locked(c);   /* for the waiting caller */
        return;
    }
    if (call->cb_running)
        return;                                /* its worker takes this one too */
    asidl__ccall_ref(call);
    call->cb_running = true;
    if (asidl__rt_post(run_callbacks_job, call)) {
        asidl__rt_need_io_thread();
        return;
    }
    /* No worker can take it: the callbacks are answered as failed. */
    call->cb_running = false;
    asidl__ccall_release(call);                /* the table still holds one: never the last */
    while ((r = next_callback_locked(call))) {
        if (!r->maybe)
            queue_fault_locked(c, call->call_id, call->context_id, RPC_S_OUT_OF_MEMORY, true, finished);
        free(r->stub);
        free(r);
    }
}

void asidl__ccall_callback_answer(asidl__ccall *call, bool maybe, RPC_STATUS status, bool did_not_execute,
                                  const void *reply, size_t reply_len)
{
    asidl__cconn *c = call->conn;
    asidl__ccall *finished = NULL;
    pthread_mutex_lock(&c->lock);
    if (!maybe && !call->done && status == RPC_S_OK) {
        asidl__frags f;
        asidl__frags_response(&f, call->call_id, call->context_id, 0, reply, reply_len, c->frag_size);
        if (f.failed)
            callback_violation_locked(c, call, RPC_S_OUT_OF_MEMORY, &finished);   /* cannot answer */
        else
            queue_frags_locked(c, &f, &finished);
        asidl__frags_free(&f);
    } else if (!maybe && !call->done) {
        asidl__buf b;
        asidl__buf_init(&b);
        asidl__pdu_encode_fault(&b, did_not_execute ? ASIDL_PFC_DID_NOT_EXECUTE : 0, call->call_id,
                                call->context_id, 0, asidl__status_to_fault(status));
        if (b.failed) {
            asidl__buf_free(&b);
            callback_violation_locked(c, call, RPC_S_OUT_OF_MEMORY, &finished);   /* cannot answer */
        } else {
            size_t len;
            uint8_t *data = asidl__buf_take(&b, &len);
            queue_locked(c, data, len, &finished);
        }
    }
    refresh_deadline(call);
    pthread_mutex_unlock(&c->lock);
    run_finished(finished);
}

/* Delivers one PDU (c->lock held); returns whether the connection is dead afterwards.
 * `in_place`: the call whose waiting caller is this reader and takes its reply where it lies. */
static bool process_pdu_locked(asidl__cconn *c, const uint8_t *p, size_t len, asidl__ccall *in_place,
                               asidl__ccall **finished)
{
    asidl__trace_pdu("<-", c->src.fd, p, len);
    asidl__pdu pdu;
    if (asidl__pdu_decode(p, len, &pdu) != ASIDL_PDU_OK) {
        fail_locked(c, RPC_S_PROTOCOL_ERROR, finished);
        return true;
    }
    asidl__ccall *call = table_find(c, pdu.hdr.call_id);
    switch (pdu.hdr.ptype) {
    case ASIDL_PTYPE_BIND_ACK:
    case ASIDL_PTYPE_ALTER_CONTEXT_RESP:
    case ASIDL_PTYPE_BIND_NAK: {
        if (!call || call->kind != ASIDL_CCALL_NEGOTIATE) {
            fail_locked(c, RPC_S_PROTOCOL_ERROR, finished);
            break;
        }
        RPC_STATUS st = negotiated_locked(c, call, &pdu);
        complete_locked(c, call, st, finished);
        if (pdu.hdr.ptype == ASIDL_PTYPE_BIND_NAK)
            fail_locked(c, st, finished);            /* the server closes after a nak */
        break;
    }
    case ASIDL_PTYPE_RESPONSE: {
        if (!call)
            break;          /* the reply to a call given up on (timeout, abortive cancel) */
        if (call->kind != ASIDL_CCALL_REQUEST) {
            fail_locked(c, RPC_S_PROTOCOL_ERROR, finished);
            break;
        }
        bool first = (pdu.hdr.pfc_flags & ASIDL_PFC_FIRST_FRAG) != 0;
        if (first == call->response_started) {
            complete_locked(c, call, RPC_S_PROTOCOL_ERROR, finished);
            queue_header_locked(c, ASIDL_PTYPE_ORPHANED, call->call_id, finished);
            break;
        }
        bool whole = first && (pdu.hdr.pfc_flags & ASIDL_PFC_LAST_FRAG);
        if (whole && call == in_place && pdu.u.response.alloc_hint <= call->response.limit &&
            (call->lent = asidl__inbuf_lend(&c->in))) {
            /* Not copied: the reading block is the call's until its caller has unmarshalled the
             * reply and released the call. */
            call->drep0 = pdu.hdr.drep[0];
            call->in_place = pdu.u.response.stub;
            call->in_place_len = pdu.u.response.stub_len;
            complete_locked(c, call, RPC_S_OK, finished);
            break;
        }
        if (first && asidl__reasm_start(&call->response, pdu.u.response.alloc_hint) != ASIDL_REASM_OK) {
            complete_locked(c, call, RPC_S_OUT_OF_RESOURCES, finished);
            queue_header_locked(c, ASIDL_PTYPE_ORPHANED, call->call_id, finished);
            break;
        }
        if (first)
            call->drep0 = pdu.hdr.drep[0];
        call->response_started = true;
        if (asidl__reasm_append(&call->response, pdu.u.response.stub, pdu.u.response.stub_len) !=
            ASIDL_REASM_OK) {
            complete_locked(c, call, RPC_S_OUT_OF_RESOURCES, finished);
            queue_header_locked(c, ASIDL_PTYPE_ORPHANED, call->call_id, finished);
            break;
        }
        refresh_deadline(call);
        if (pdu.hdr.pfc_flags & ASIDL_PFC_LAST_FRAG)
            complete_locked(c, call, RPC_S_OK, finished);
        break;
    }
    case ASIDL_PTYPE_FAULT: {
        RPC_STATUS st = asidl__fault_to_status(pdu.u.response.status);
        if (!call) {
            if (pdu.hdr.call_id == 0)      /* a fault about the connection itself */
                fail_locked(c, st, finished);
            break;
        }
        call->did_not_execute = (pdu.hdr.pfc_flags & ASIDL_PFC_DID_NOT_EXECUTE) != 0;
        call->faulted = !call->done;
        if (call->kind == ASIDL_CCALL_NEGOTIATE) {
            c->ctx[call->ctx_index].state = ASIDL_CCTX_REJECTED;
            c->ctx[call->ctx_index].status = st;
        }
        complete_locked(c, call, st, finished);
        break;
    }
    case ASIDL_PTYPE_REQUEST:
        callback_request_locked(c, call, &pdu, finished);
        break;
    case ASIDL_PTYPE_SHUTDOWN:
        c->server_shutdown = true;       /* finish what is outstanding, start nothing new */
        break;
    default:
        fail_locked(c, RPC_S_PROTOCOL_ERROR, finished);
        break;
    }
    return c->dead;
}

static bool is_dead(asidl__cconn *c)
{
    pthread_mutex_lock(&c->lock);
    bool d = c->dead;
    pthread_mutex_unlock(&c->lock);
    return d;
}

/* Octets handed to the socket: written, or queued to be. */
static uint64_t handed_over(const asidl__cconn *c)
{
    return c->out.written + c->out.bytes;
}

/* The connection turned out closed while its probe's reply was awaited (c->lock held, the
 * reading token too): unless the server refused the request unread, the probe fails with
 * the rest. Its own thread (`mine`) may wait a little, unlocked, for the evidence; another
 * reader only looks, under the lock (the call may be gone once the lock is let go). */
static void settle_probe_locked(asidl__cconn *c, asidl__ccall *mine, asidl__ccall **finished)
{
    enum { EVIDENCE_WAIT_MS = 1000 };    /* a few round trips, and a lost reset's resend */
    asidl__ccall *probe = c->probe;
    c->probe = NULL;
    /* Only while its request is the last thing sent: a server that read it and then closed
     * with later octets unread resets the connection too, and a reset's acknowledgement is
     * not counted. */
    if (handed_over(c) != c->probe_end)
        return;
    bool refused;
    if (probe == mine) {
        int64_t wait = EVIDENCE_WAIT_MS;
        if (mine->deadline && mine->deadline - asidl__now_ms() < wait)
            wait = mine->deadline - asidl__now_ms();
        pthread_mutex_unlock(&c->lock);
        refused = asidl__tcp_refused(c->src.fd, c->probe_acked_before, wait > 0 ? (int)wait : 0);
        pthread_mutex_lock(&c->lock);
        refused = refused && handed_over(c) == c->probe_end;   /* (others may have sent meanwhile) */
    } else {
        refused = asidl__tcp_refused(c->src.fd, c->probe_acked_before, 0);
    }
    if (refused)
        complete_locked(c, probe, ASIDL_CCALL_RESEND, finished);
}

/* Reads what the socket has and delivers every whole PDU (reading token held, c->lock not).
 * With `wait` the first read blocks until something arrives. `mine`: the synchronous call
 * whose caller reads (NULL for an epoll worker). Returns with c->lock held: the PDUs of one
 * read are delivered under one hold, and the reader goes on to look at its call and give the
 * token back under the same one. */
static void read_available(asidl__cconn *c, asidl__ccall *mine, bool wait, asidl__ccall **finished)
{
    asidl__ccall *in_place = mine && mine->reply_in_place ? mine : NULL;   /* process_pdu_locked */
    for (int round = 0;; round++) {
        int r = asidl__inbuf_fill(&c->in, c->src.fd, wait && round == 0);
        pthread_mutex_lock(&c->lock);
        if (r == ASIDL_FILL_AGAIN)
            break;
        if (r != ASIDL_FILL_DATA && r != ASIDL_FILL_MORE) {
            if (c->probe)
                settle_probe_locked(c, mine, finished);
            fail_locked(c, RPC_S_CALL_FAILED, finished);    /* the server went away */
            break;
        }
        c->probe = NULL;             /* the server is there: a close from now on is a failure */
        bool dead = false;
        while (!dead) {
            const uint8_t *p;
            size_t len;
            asidl__pdu_status st = asidl__inbuf_peek(&c->in, &p, &len);
            if (st == ASIDL_PDU_NEED_MORE)
                break;
            if (st != ASIDL_PDU_OK) {
                fail_locked(c, RPC_S_PROTOCOL_ERROR, finished);
                dead = true;
                break;
            }
            dead = process_pdu_locked(c, p, len, in_place, finished);
            asidl__inbuf_consume(&c->in, len);
            if (c->in.len == 0)
                break;                   /* the usual end: nothing partial left to look at */
        }
        /* A read that filled its room may have left more behind: read on, a few rounds. */
        if (dead || c->dead || r == ASIDL_FILL_DATA || round == 15)
            break;
        pthread_mutex_unlock(&c->lock);
    }
    /* (The input buffer is the token holder's: settled under the lock for convenience.) */
    if (!asidl__inbuf_settle(&c->in))
        fail_locked(c, RPC_S_OUT_OF_MEMORY, finished);
}

/* ---- the reading token ---- */

/* The writer descriptor has room: send what is queued (writing needs no token). */
static void on_writable(asidl__source *src, uint32_t events)
{
    (void)events;
    asidl__cconn *c = (asidl__cconn *)((char *)src - offsetof(asidl__cconn, writer.src));
    pthread_mutex_lock(&c->lock);
    c->writer.armed = false;                 /* this worker now holds its reference */
    if (c->torn_down) {
        asidl__writer_close(&c->writer);
        pthread_mutex_unlock(&c->lock);
        asidl__cconn_release(c);
        return;
    }
    asidl__ccall *finished = NULL;
    if (c->want_write)
        flush_locked(c, &finished);
    if (settle_locked(c))
        pthread_mutex_unlock(&c->lock);
    run_finished(finished);
    asidl__cconn_release(c);
}

static void on_event(asidl__source *src, uint32_t events)
{
    asidl__cconn *c = (asidl__cconn *)src;
    pthread_mutex_lock(&c->lock);
    c->armed = false;                        /* this worker now holds the armed reference */
    if (c->torn_down) {
        close_socket_locked(c);              /* torn down while armed: finish the job */
        pthread_mutex_unlock(&c->lock);
        asidl__cconn_release(c);
        return;
    }
    if (c->reading) {
        pthread_mutex_unlock(&c->lock);      /* the token holder re-arms when it is done */
        asidl__cconn_release(c);
        return;
    }
    c->reading = true;
    asidl__ccall *finished = NULL;
    if (events & EPOLLOUT)
        flush_locked(c, &finished);
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)) {
        pthread_mutex_unlock(&c->lock);
        read_available(c, NULL, false, &finished);
    }
    c->reading = false;
    if (settle_locked(c))
        pthread_mutex_unlock(&c->lock);
    run_finished(finished);
    asidl__cconn_release(c);
}

/* The synchronous caller's loop while holding the token: reads and writes until its call is
 * complete, the connection breaks, or the call's deadline passes (returns false then). Called
 * and returns with c->lock held, the call seen pending (not done, no callback queued): the
 * reply is delivered, seen and the token given back under one more hold of the lock. */
static bool pump(asidl__cconn *c, asidl__ccall *call)
{
    for (;;) {
        bool out = c->out.head != NULL;
        int64_t deadline = call->deadline;
        pthread_mutex_unlock(&c->lock);
        asidl__ccall *finished = NULL;
        if (!deadline && !out) {
            /* Nothing to send and no deadline: block in recv itself, one system call per
             * reply instead of poll + recv (client sockets stay in blocking mode). */
            read_available(c, call, true, &finished);
        } else {
            bool read = false;
            int wait = -1;
            if (deadline) {
                int64_t left = deadline - asidl__now_ms();
                if (left <= 0) {
                    pthread_mutex_lock(&c->lock);
                    return false;
                }
                wait = left > 1000000 ? 1000000 : (int)left;
            }
            struct pollfd pfd = { c->src.fd, (short)(POLLIN | (out ? POLLOUT : 0)), 0 };
            int r = poll(&pfd, 1, wait);
            if (r < 0 && errno != EINTR) {
                pthread_mutex_lock(&c->lock);
                return true;
            }
            if (r > 0 && (pfd.revents & POLLOUT)) {
                pthread_mutex_lock(&c->lock);
                flush_locked(c, &finished);
                pthread_mutex_unlock(&c->lock);
            }
            if (r > 0 && (pfd.revents & (POLLIN | POLLHUP | POLLERR))) {
                read_available(c, call, false, &finished);
                read = true;
            }
            if (!read)
                pthread_mutex_lock(&c->lock);
        }
        /* c->lock held */
        if (finished) {                  /* other calls' completions run outside the lock */
            pthread_mutex_unlock(&c->lock);
            run_finished(finished);
            pthread_mutex_lock(&c->lock);
        }
        if (call->done || c->dead || call->cb_queue)
            return true;
    }
}

RPC_STATUS asidl__cconn_wait(asidl__cconn *c, asidl__ccall *call)
{
    pthread_mutex_lock(&c->lock);
    return asidl__cconn_wait_locked(c, call);
}

RPC_STATUS asidl__cconn_wait_locked(asidl__cconn *c, asidl__ccall *call)
{
    asidl__ccall *finished = NULL;
    c->sync_waiters++;
    /* (A [maybe] callback may arrive just before the reply: it still runs.) */
    while (!call->done || (call->cb_queue && !c->dead)) {
        bool timed_out = false;
        if (call->cb_queue && !c->dead) {
            /* The server asks this caller to run a [callback]: run it without the reading
             * token (the callback may make calls of its own) and without counting as a waiter
             * (so asynchronous calls get a reader meanwhile). */
            asidl__cbreq *r = next_callback_locked(call);
            c->sync_waiters--;
            if (settle_locked(c))              /* else torn down, unlocked, the call failed */
                pthread_mutex_unlock(&c->lock);
            serve(call, r);
            pthread_mutex_lock(&c->lock);
            c->sync_waiters++;
            continue;
        }
        if (!c->reading && !c->torn_down && !c->dead) {
            c->reading = true;
            timed_out = !pump(c, call);
            c->reading = false;
        } else if (c->torn_down || (c->dead && !c->reading)) {
            break;     /* fail_locked has completed the call, or is about to */
        } else if (call->deadline) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            int64_t left = call->deadline - asidl__now_ms();
            if (left <= 0) {
                timed_out = true;
            } else {
                ts.tv_sec += left / 1000;
                ts.tv_nsec += (left % 1000) * 1000000;
                if (ts.tv_nsec >= 1000000000) {
                    ts.tv_sec++;
                    ts.tv_nsec -= 1000000000;
                }
                c->sleepers++;
                pthread_cond_timedwait(&c->changed, &c->lock, &ts);
                c->sleepers--;
            }
        } else {
            c->sleepers++;
            pthread_cond_wait(&c->changed, &c->lock);
            c->sleepers--;
        }
        if (timed_out && !call->done && call->deadline && asidl__now_ms() >= call->deadline) {
            /* No packet for the call within the timeout: given up, as Windows does, with
             * RPC_S_CALL_CANCELLED; the server is told it was abandoned. */
            complete_locked(c, call, RPC_S_CALL_CANCELLED, &finished);
            queue_header_locked(c, ASIDL_PTYPE_ORPHANED, call->call_id, &finished);
        }
    }
    if (!call->done)
        complete_locked(c, call, c->dead_status ? c->dead_status : RPC_S_CALL_FAILED, &finished);
    c->sync_waiters--;
    RPC_STATUS st = call->status;
    if (settle_locked(c))
        pthread_mutex_unlock(&c->lock);
    run_finished(finished);
    return st;
}

/* ---- choosing a connection and negotiating contexts ---- */

static int find_ctx(asidl__cconn *c, const asidl__syntax_id *iface)
{
    for (unsigned i = 0; i < c->n_ctx; i++)
        if (asidl__syntax_equal(&c->ctx[i].iface, iface))
            return (int)i;
    return -1;
}

/* Makes sure the connection has a presentation context for the interface (bind on a new
 * connection, alter_context on a used one), waiting for a negotiation already under way. */
static RPC_STATUS ensure_context(asidl__cconn *c, const asidl__syntax_id *iface, uint32_t group,
                                 int timeout_ms, uint16_t *ctx_id)
{
    bool waited = false;              /* a negotiation decided during this call */
    pthread_mutex_lock(&c->lock);
    for (;;) {
        if (c->dead) {
            RPC_STATUS st = c->dead_status ? c->dead_status : RPC_S_CALL_FAILED_DNE;
            pthread_mutex_unlock(&c->lock);
            return st;
        }
        int i = find_ctx(c, iface);
        if (i >= 0 && c->ctx[i].state == ASIDL_CCTX_ACCEPTED) {
            *ctx_id = c->ctx[i].id;
            pthread_mutex_unlock(&c->lock);
            return RPC_S_OK;
        }
        if (i >= 0 && c->ctx[i].state == ASIDL_CCTX_REJECTED && waited) {
            RPC_STATUS st = c->ctx[i].status;
            pthread_mutex_unlock(&c->lock);
            return st;
        }
        if (i >= 0 && c->ctx[i].state == ASIDL_CCTX_NEGOTIATING) {
            /* someone else's negotiation: wait for it */
            asidl__ccall *neg = c->ctx[i].negotiation;
            asidl__ccall_ref(neg);
            pthread_mutex_unlock(&c->lock);
            asidl__cconn_wait(c, neg);
            asidl__ccall_release(neg);
            waited = true;
            pthread_mutex_lock(&c->lock);
            continue;
        }
        /* A context rejected by an earlier call is asked for again (the server may have
         * registered the interface since), under the same context id. */
        unsigned slot = i >= 0 ? (unsigned)i : c->n_ctx;
        if (i < 0 && c->n_ctx >= 256) {
            pthread_mutex_unlock(&c->lock);
            return RPC_S_OUT_OF_RESOURCES;
        }
        if (i < 0 && c->n_ctx == c->cap_ctx) {
            unsigned cap = c->cap_ctx ? c->cap_ctx * 2 : 4;
            asidl__cctx *grown = realloc(c->ctx, cap * sizeof *grown);
            if (!grown) {
                pthread_mutex_unlock(&c->lock);
                return RPC_S_OUT_OF_MEMORY;
            }
            c->ctx = grown;
            c->cap_ctx = cap;
        }
        asidl__ccall *neg = asidl__ccall_new(c, ASIDL_CCALL_NEGOTIATE);
        if (!neg) {
            pthread_mutex_unlock(&c->lock);
            return RPC_S_OUT_OF_MEMORY;
        }
        cconn_ref(c);
        neg->ctx_index = slot;
        if (timeout_ms > 0) {
            neg->timeout_ms = (uint32_t)timeout_ms;
            neg->deadline = asidl__now_ms() + timeout_ms;
        }
        asidl__cctx *ctx = &c->ctx[slot];
        ctx->iface = *iface;
        ctx->id = (uint16_t)slot;
        ctx->state = ASIDL_CCTX_NEGOTIATING;
        ctx->status = RPC_S_OK;
        ctx->negotiation = neg;
        if (i < 0)
            c->n_ctx++;
        uint32_t call_id = asidl__cconn_add_call(c, neg);
        bool bind = !c->bind_sent;
        c->bind_sent = true;
        asidl__ctx_elem elem = { ctx->id, *iface, 1, &asidl__ndr20_syntax };
        pthread_mutex_unlock(&c->lock);

        asidl__buf b;
        asidl__buf_init(&b);
        asidl__pdu_encode_bind(&b, bind ? ASIDL_PTYPE_BIND : ASIDL_PTYPE_ALTER_CONTEXT,
                               ASIDL_PFC_FIRST_FRAG | ASIDL_PFC_LAST_FRAG | ASIDL_PFC_CONC_MPX,
                               call_id, c->frag_proposed, c->frag_proposed, group, &elem, 1);
        if (b.failed) {
            asidl__buf_free(&b);
            asidl__cconn_complete(c, neg, RPC_S_OUT_OF_MEMORY, 0);
        } else {
            size_t len;
            uint8_t *data = asidl__buf_take(&b, &len);
            asidl__cconn_queue(c, data, len);
        }
        asidl__cconn_wait(c, neg);
        pthread_mutex_lock(&c->lock);
        if (c->ctx[neg->ctx_index].state == ASIDL_CCTX_NEGOTIATING) {
            c->ctx[neg->ctx_index].state = ASIDL_CCTX_REJECTED;      /* timed out */
            c->ctx[neg->ctx_index].status = neg->status;
        }
        c->ctx[neg->ctx_index].negotiation = NULL;
        pthread_mutex_unlock(&c->lock);
        asidl__ccall_release(neg);
        waited = true;
        pthread_mutex_lock(&c->lock);
    }
}

/* ---- a connection the server closed while idle ----
 *
 * An idle connection nobody watches may have been closed by the server meanwhile, and a
 * request sent on it is then never run: it may go again, on a new connection. Where the
 * close shows without a system call spent on a look first:
 * - ncalrpc: at the send (a Unix socket whose peer has gone refuses the request whole, EPIPE);
 * - TCP, a synchronous call (its caller reads the reply at once): a send to a closed peer
 *   succeeds (the reset comes later), so the call goes as the connection's probe; when the
 *   reply read finds the connection closed, tcp_delivery.c tells from the kernel's count of
 *   acknowledged octets whether the server ever received the request;
 * - otherwise (TCP for an asynchronous call, whose reply an epoll worker reads; a kernel that
 *   does not count): a peek at the socket, which finds the server's FIN, before the send. */
static bool close_shows_unlooked(const asidl__assoc *a, const asidl__cconn *c, bool reads_reply)
{
    /* (acked_at_connect is set once, before the connection is listed) */
    return a->protseq == ASIDL_PROTSEQ_LRPC || (reads_reply && c->acked_at_connect != 0);
}

static bool still_open(asidl__cconn *c)
{
    char byte;
    ssize_t r = recv(c->src.fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return r > 0 || (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
}

void asidl__cconn_probe_locked(asidl__cconn *c, asidl__ccall *call, size_t request_len)
{
    /* (only TCP connections know their acknowledged count; a failed send completed the call) */
    if (c->acked_at_connect && !call->done) {
        c->probe = call;
        c->probe_end = handed_over(c);
        c->probe_acked_before = c->acked_at_connect + c->probe_end - request_len;
    }
}

void asidl__cconn_discard(asidl__cconn *c)
{
    pthread_mutex_lock(&c->lock);
    asidl__ccall *finished = NULL;
    fail_locked(c, RPC_S_CALL_FAILED, &finished);
    if (!c->reading && !c->torn_down)
        teardown_locked(c);
    else
        pthread_mutex_unlock(&c->lock);
    run_finished(finished);
}

/* Where this thread's last call on an association went. While that connection has calls
 * outstanding, the thread's next call goes there too, so the server receives (and dispatches)
 * one thread's calls in the order they were made: causal ordering. The pointers are only
 * compared with listed connections, never followed. */
static _Thread_local struct {
    const asidl__assoc *assoc;
    const asidl__cconn *conn;
} recent;

/* The pick of asidl__assoc_connection's scan that needs nothing more (its lock held, the
 * association's released): an idle one may have been closed by the server meanwhile. */
static bool kept_still_open(asidl__assoc *a, asidl__cconn *c, bool idle, bool reads_reply, bool *unchecked)
{
    if (!idle)
        return true;
    if (close_shows_unlooked(a, c, reads_reply)) {
        *unchecked = true;
        return true;
    }
    if (still_open(c))
        return true;
    pthread_mutex_unlock(&c->lock);
    asidl__cconn_discard(c);
    asidl__cconn_release(c);
    return false;
}

RPC_STATUS asidl__assoc_connection(asidl__assoc *a, const asidl__syntax_id *iface, bool causal, bool reads_reply,
                                   int timeout_ms, asidl__cconn **out, uint16_t *ctx_id, bool *unchecked,
                                   bool *locked)
{
    *unchecked = false;
    *locked = false;
    for (int attempt = 0; attempt < 8; attempt++) {
        asidl__cconn *pick = NULL, *idle_other = NULL, *loaded = NULL;
        unsigned least = ~0u, live = 0;
        bool pick_idle = false, pick_causal = false, pick_reserved = false, kept = false;
        int pick_ctx = -1;                 /* the pick's accepted context for iface, if seen */
        pthread_mutex_lock(&a->lock);
        for (asidl__cconn *c = a->conns; c; c = c->next) {
            pthread_mutex_lock(&c->lock);
            bool usable = !c->dead && !c->torn_down && !c->server_shutdown;
            int i = find_ctx(c, iface);
            bool has = i >= 0 && c->ctx[i].state == ASIDL_CCTX_ACCEPTED;
            bool idle = c->n_calls == 0 && !c->reading && c->reserved == 0;
            unsigned load = c->n_calls + c->reserved + (c->reading ? 1 : 0);
            bool here_causal = usable && causal && recent.assoc == a && recent.conn == c && load > 0;
            /* The usual picks are final when seen (a causal one; else the first idle one with
             * the context, unless a causal one follows): reserved under this same lock. */
            bool take = here_causal || (usable && has && idle && !pick);
            int ctx_id = has ? c->ctx[i].id : -1;   /* an accepted context stays accepted */
            if (take && has && !pick_reserved && (here_causal || !c->next)) {
                /* The common case (one connection, idle, the context negotiated; or the
                 * thread's causal one): nothing is left to look at, and the caller puts its
                 * call in the table under this same hold of c->lock, without a reservation. */
                cconn_ref(c);
                pick = c;
                pick_ctx = ctx_id;
                pick_causal = here_causal;
                kept = true;
                break;
            }
            if (take) {
                cconn_ref(c);
                c->reserved++;
            }
            pthread_mutex_unlock(&c->lock);
            if (!usable)
                continue;
            live++;
            if (here_causal) {
                if (pick_reserved) {       /* the idle one seen before is not needed */
                    asidl__cconn_unreserve(pick);
                    asidl__cconn_release(pick);
                }
                pick = c;                  /* the thread has calls outstanding there */
                pick_causal = true;
                pick_reserved = true;
                pick_ctx = ctx_id;
                break;
            }
            if (take) {
                pick = c;
                pick_reserved = true;
                pick_ctx = ctx_id;
            }
            if (idle && !idle_other)
                idle_other = c;
            if (load < least || (load == least && has)) {
                least = load;
                loaded = c;
            }
        }
        if (kept) {
            pthread_mutex_unlock(&a->lock);
            if (!kept_still_open(a, pick, !pick_causal, reads_reply, unchecked))
                continue;
            recent.assoc = a;
            recent.conn = pick;
            *out = pick;
            *ctx_id = (uint16_t)pick_ctx;
            *locked = true;
            return RPC_S_OK;
        }
        /* An idle connection with the context; else an idle one to alter; else a new one
         * while under the limit; else the least loaded (its calls are pipelined). */
        if (!pick)
            pick = idle_other;
        /* Only an idle connection may have been closed unseen; one with calls outstanding is
         * being read (a peek for each pipelined call would cost a system call each). */
        pick_idle = pick != NULL && !pick_causal;
        bool make_new = !pick && (a->n_conns < a->max_conns || !loaded);
        if (!pick && !make_new)
            pick = loaded;
        /* With no connection left, the server has ended the association group: a new
         * connection starts a new one (and the association takes its id). */
        bool fresh_group = live == 0;
        uint32_t group = fresh_group ? 0 : a->group;
        if (pick && !pick_reserved) {
            /* Reserved until the call is in its table, so that two threads looking at the same
             * moment do not both take this connection for idle. */
            pthread_mutex_lock(&pick->lock);
            cconn_ref(pick);
            pick->reserved++;
            pthread_mutex_unlock(&pick->lock);
        }
        pthread_mutex_unlock(&a->lock);

        if (pick) {
            bool look = pick_idle && !close_shows_unlooked(a, pick, reads_reply);
            if (look && !still_open(pick)) {
                asidl__cconn_unreserve(pick);
                asidl__cconn_discard(pick);
                asidl__cconn_release(pick);
                continue;
            }
            RPC_STATUS st = RPC_S_OK;
            if (pick_ctx >= 0)
                *ctx_id = (uint16_t)pick_ctx;   /* negotiated before: nothing to ask */
            else
                st = ensure_context(pick, iface, group, timeout_ms, ctx_id);
            if (st == RPC_S_OK) {
                recent.assoc = a;
                recent.conn = pick;
                *out = pick;
                *unchecked = pick_idle && !look && pick_ctx >= 0;   /* else it just answered */
                return RPC_S_OK;
            }
            asidl__cconn_unreserve(pick);
            bool dead = is_dead(pick);
            asidl__cconn_release(pick);
            if (!dead)
                return st;           /* the server refused the interface */
            continue;                /* the connection broke: try another */
        }

        int fd;
        RPC_STATUS st = asidl__transport_connect(a->protseq, a->netaddr, a->endpoint,
                                                 a->connect_timeout_ms, &fd);
        if (st != RPC_S_OK)
            return st;
        asidl__cconn *c = cconn_new(a, fd);
        if (!c) {
            close(fd);
            return RPC_S_OUT_OF_MEMORY;
        }
        st = ensure_context(c, iface, group, timeout_ms, ctx_id);
        bool usable = !is_dead(c);
        if (usable) {
            pthread_mutex_lock(&c->lock);
            c->reserved = st == RPC_S_OK;   /* the caller's call is on its way */
            pthread_mutex_unlock(&c->lock);
            pthread_mutex_lock(&a->lock);
            if (a->group == 0 || fresh_group)
                a->group = c->group;
            c->next = a->conns;
            a->conns = c;
            a->n_conns++;
            pthread_mutex_unlock(&a->lock);
            cconn_ref(c);               /* one for the association's list, one for the caller */
        } else {
            asidl__cconn_discard(c);
        }
        if (st != RPC_S_OK) {
            asidl__cconn_release(c);
            return st;
        }
        recent.assoc = a;
        recent.conn = c;
        *out = c;
        return RPC_S_OK;
    }
    return RPC_S_SERVER_UNAVAILABLE;
}

void asidl__cconn_unreserve(asidl__cconn *c)
{
    pthread_mutex_lock(&c->lock);
    if (c->reserved)
        c->reserved--;
    pthread_mutex_unlock(&c->lock);
}

void asidl__assoc_release(asidl__assoc *a)
{
    if (__atomic_sub_fetch(&a->users, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    pthread_mutex_lock(&a->lock);
    asidl__cconn *conns = a->conns;
    a->conns = NULL;
    a->n_conns = 0;
    pthread_mutex_unlock(&a->lock);
    while (conns) {
        asidl__cconn *c = conns;
        conns = c->next;
        pthread_mutex_lock(&c->lock);
        c->next = NULL;
        c->assoc = NULL;
        pthread_mutex_unlock(&c->lock);
        asidl__cconn_discard(c);
        asidl__cconn_release(c);        /* the list's reference */
        assoc_unref(a);                 /* the connection's memory reference */
    }
    assoc_unref(a);                     /* the users' */
}
