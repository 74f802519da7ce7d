/*
 * sconn.c: one accepted connection on the server side: reading PDUs with the connection's
 * reading token, answering bind / alter_context, reassembling requests into calls, cancels,
 * and every protocol violation, as Windows answers them (docs/runtime-design.md has the table;
 * Samba's raw protocol tests record Windows' behaviour).
 *
 * The connection is registered edge-triggered, so a request costs no re-arming. Only the worker
 * holding the reading token (c->token) reads it: one that gets an event while another holds
 * the token leaves a note (missed) for the holder. The holder gives the token back before
 * running the dispatch callbacks of the calls it completed, so the next request can be read by
 * another worker meanwhile. Replies are queued from any thread. A torn-down connection is freed
 * after the event loop's grace period: a worker may have taken its last event just before.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rpcrt.h"

static void on_event(asidl__source *src, uint32_t events);
static void on_timer(asidl__timer *t);

/* No more I/O: the handler tears the connection down. Set under c->lock, and stored
 * atomically because the worker taking the reading token reads it without the lock. */
static void mark_dead(asidl__sconn *c)
{
    __atomic_store_n(&c->dead, true, __ATOMIC_RELAXED);
}

/* Whether a worker holds the reading token (read under c->lock, see take_token). */
static bool token_held(const asidl__sconn *c)
{
    return __atomic_load_n(&c->token, __ATOMIC_RELAXED) != 0;
}

/* Who is calling: the transport and the client's address, for the server binding handle and
 * for interfaces that admit local clients only. */
static void note_peer(asidl__sconn *c, int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    c->protseq = ASIDL_PROTSEQ_TCP;
    if (getpeername(fd, (struct sockaddr *)&ss, &len) != 0)
        return;
    if (ss.ss_family == AF_UNIX) {
        c->protseq = ASIDL_PROTSEQ_LRPC;
        c->peer_local = true;
    } else if (ss.ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
        inet_ntop(AF_INET, &in->sin_addr, c->peer, sizeof c->peer);
        c->peer_local = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    } else if (ss.ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
        if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
            struct in_addr v4;
            memcpy(&v4, &in6->sin6_addr.s6_addr[12], 4);
            inet_ntop(AF_INET, &v4, c->peer, sizeof c->peer);
            c->peer_local = in6->sin6_addr.s6_addr[12] == 127;
        } else {
            inet_ntop(AF_INET6, &in6->sin6_addr, c->peer, sizeof c->peer);
            c->peer_local = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
        }
    }
}

static void on_writable(asidl__source *src, uint32_t events);

asidl__sconn *asidl__sconn_new(asidl__server *s, int fd, const char *secondary_address)
{
    asidl__sconn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->src = (asidl__source){ on_event, fd };
    asidl__writer_init(&c->writer, on_writable);
    c->srv = s;
    pthread_mutex_init(&c->lock, NULL);
    c->refs = 1;                      /* the epoll registration's */
    c->watching = EPOLLIN | EPOLLRDHUP;
    snprintf(c->secondary_address, sizeof c->secondary_address, "%s", secondary_address);
    note_peer(c, fd);
    asidl__timer_init(&c->timer, on_timer);

    pthread_mutex_lock(&s->lock);
    if (s->stopping) {
        pthread_mutex_unlock(&s->lock);
        pthread_mutex_destroy(&c->lock);
        free(c);
        return NULL;
    }
    s->refs++;
    s->n_conns++;
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    pthread_mutex_unlock(&s->lock);

    if (asidl__rt_watch_edge(&c->src, c->watching) != 0) {
        asidl__server_conn_gone(s, c);
        asidl__server_release(s);
        pthread_mutex_destroy(&c->lock);
        free(c);
        return NULL;
    }
    return c;
}

/* The count is atomic rather than guarded by c->lock: a call, a dispatch and an event each take
 * and drop one, and a lock round trip each would cost more than the work they guard. */
void asidl__sconn_ref(asidl__sconn *c)
{
    __atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
}

void asidl__sconn_release(asidl__sconn *c)
{
    if (__atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    asidl__server *s = c->srv;
    asidl__writer_close(&c->writer);
    free(c->ctx);
    pthread_mutex_destroy(&c->lock);
    free(c);
    asidl__server_release(s);
}

/* The registration's reference, dropped once no worker can hold an event for it. */
static void release_registration(asidl__retiree *r)
{
    asidl__sconn_release((asidl__sconn *)((char *)r - offsetof(asidl__sconn, retiree)));
}

void asidl__sconn_kill(asidl__sconn *c)
{
    pthread_mutex_lock(&c->lock);
    mark_dead(c);
    if (!c->torn_down)
        shutdown(c->src.fd, SHUT_RDWR);    /* wakes the worker that will tear it down */
    pthread_mutex_unlock(&c->lock);
}

/* ---- sending ---- */

/* Arms the connection's writer (c->lock held), with a reference for its event. */
static bool arm_writer_locked(asidl__sconn *c)
{
    int r = asidl__writer_arm(&c->writer, c->src.fd);
    if (r > 0)
        asidl__sconn_ref(c);
    return r >= 0;
}

/* Room to send on a socket no handler is serving: send the rest of the queue. */
static void on_writable(asidl__source *src, uint32_t events)
{
    (void)events;
    asidl__sconn *c = (asidl__sconn *)((char *)src - offsetof(asidl__sconn, writer.src));
    pthread_mutex_lock(&c->lock);
    c->writer.armed = false;                 /* this worker now holds its reference */
    if (c->torn_down) {
        asidl__writer_close(&c->writer);
    } else if (!c->dead && c->want_write) {
        int r = asidl__sendq_flush(&c->out, c->src.fd);
        c->want_write = r == 0;
        if (r < 0 || (r == 0 && !token_held(c) && !arm_writer_locked(c))) {
            mark_dead(c);
            shutdown(c->src.fd, SHUT_RDWR);  /* wakes the worker that tears it down */
        } else if (r > 0 && c->closing && !token_held(c)) {
            shutdown(c->src.fd, SHUT_RDWR);
        }
    }
    pthread_mutex_unlock(&c->lock);
    asidl__sconn_release(c);
}

static void after_send_locked(asidl__sconn *c, int r);

void asidl__sconn_send_locked(asidl__sconn *c, uint8_t *data, size_t len)
{
    if (c->dead || c->torn_down) {
        free(data);
        return;
    }
    asidl__trace_pdus("->", c->src.fd, data, len);
    if (!asidl__sendq_push(&c->out, data, len)) {
        mark_dead(c);
        shutdown(c->src.fd, SHUT_RDWR);
        return;
    }
    if (c->want_write)
        return;                       /* the worker waiting for EPOLLOUT sends it in order */
    after_send_locked(c, asidl__sendq_flush(&c->out, c->src.fd));
}

void asidl__sconn_send_frags_locked(asidl__sconn *c, const asidl__frags *f)
{
    if (c->dead || c->torn_down)
        return;
    if (c->want_write || c->out.head || asidl__trace_enabled()) {
        size_t len;
        uint8_t *data = asidl__frags_flatten(f, 0, &len);
        if (!data) {
            mark_dead(c);
            shutdown(c->src.fd, SHUT_RDWR);
            return;
        }
        asidl__sconn_send_locked(c, data, len);
        return;
    }
    asidl__stats_add(RPC_C_STATS_PKTS_OUT, f->count);
    after_send_locked(c, asidl__sendq_send_frags(&c->out, c->src.fd, f));
}

/* What a send (1 all written, 0 the socket is full, -1 error) leaves to do (c->lock held). */
static void after_send_locked(asidl__sconn *c, int r)
{
    if (r < 0) {
        mark_dead(c);
        shutdown(c->src.fd, SHUT_RDWR);
    } else if (r == 0) {
        /* The socket is full: the rest goes when it drains, from an epoll worker, so no thread
         * blocks here on behalf of a slow client. */
        c->want_write = true;
        if (!token_held(c) && !arm_writer_locked(c)) {
            mark_dead(c);               /* nobody would ever send the rest */
            shutdown(c->src.fd, SHUT_RDWR);
        }
    } else if (c->closing && !token_held(c)) {
        shutdown(c->src.fd, SHUT_RDWR);   /* the answer is out; the worker closes */
    }
}

static void send_buf(asidl__sconn *c, asidl__buf *b)
{
    if (b->failed) {
        asidl__buf_free(b);
        return;
    }
    size_t len;
    uint8_t *data = asidl__buf_take(b, &len);
    pthread_mutex_lock(&c->lock);
    asidl__sconn_send_locked(c, data, len);
    pthread_mutex_unlock(&c->lock);
}

static void send_fault(asidl__sconn *c, uint32_t call_id, uint16_t ctx_id, uint32_t status,
                       bool did_not_execute)
{
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_fault(&b, did_not_execute ? ASIDL_PFC_DID_NOT_EXECUTE : 0, call_id, ctx_id, 0,
                            status);
    send_buf(c, &b);
}

/* Answers with a fault, then closes the connection once it is sent. */
static void fault_and_close(asidl__sconn *c, uint32_t call_id, uint16_t ctx_id, uint32_t status,
                            bool did_not_execute)
{
    send_fault(c, call_id, ctx_id, status, did_not_execute);
    pthread_mutex_lock(&c->lock);
    c->closing = true;
    pthread_mutex_unlock(&c->lock);
}

static void nak_and_close(asidl__sconn *c, uint32_t call_id, uint16_t reason)
{
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_bind_nak(&b, call_id, reason);
    send_buf(c, &b);
    pthread_mutex_lock(&c->lock);
    c->closing = true;
    pthread_mutex_unlock(&c->lock);
}

/* ---- bind and alter_context ---- */

typedef enum { NEGOTIATED, REFUSE_NAK_0, REFUSE_NAK_4, REFUSE_PROTOCOL } negotiation;

static asidl__sctx *find_ctx(asidl__sconn *c, uint16_t id)
{
    for (unsigned i = 0; i < c->n_ctx; i++)
        if (c->ctx[i].id == id)
            return &c->ctx[i];
    return NULL;
}

static bool offers(const asidl__pdu_ctx *ctx, const asidl__syntax_id *wanted)
{
    for (unsigned t = 0; t < ctx->n_transfer; t++) {
        asidl__syntax_id ts;
        asidl__pdu_ctx_transfer(ctx, t, &ts);
        if (asidl__syntax_equal(&ts, wanted))
            return true;
    }
    return false;
}

/* Fills one result per presentation context. Windows accepts at most one new context per bind
 * or alter_context; the others get provider rejection (reason 1 for an unknown interface,
 * 2 otherwise), and the feature negotiation context gets negotiate_ack. */
static negotiation negotiate(asidl__sconn *c, const asidl__pdu *pdu, asidl__pdu_result *res)
{
    bool is_bind = pdu->hdr.ptype == ASIDL_PTYPE_BIND;
    unsigned n = pdu->u.bind.n_context;
    if (n == 0)
        return is_bind ? REFUSE_NAK_4 : REFUSE_PROTOCOL;
    bool accepted_new = false, have_features = false;
    for (unsigned i = 0; i < n; i++) {
        asidl__pdu_ctx ctx;
        asidl__pdu_bind_context(pdu, i, &ctx);
        if (ctx.n_transfer == 0)
            return is_bind ? REFUSE_NAK_0 : REFUSE_PROTOCOL;
        memset(&res[i], 0, sizeof res[i]);
        res[i].result = ASIDL_CTX_PROVIDER_REJECTION;
        res[i].reason = ASIDL_CTX_REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED;

        asidl__syntax_id first;
        uint64_t features;
        asidl__pdu_ctx_transfer(&ctx, 0, &first);
        if (is_bind && asidl__btfn_features(&first, &features)) {
            if (have_features)
                return REFUSE_NAK_0;          /* only one feature negotiation per bind */
            have_features = true;
            res[i].result = ASIDL_CTX_NEGOTIATE_ACK;
            /* asidl keeps a connection after orphaned; it has no security multiplexing yet. */
            res[i].reason = (uint16_t)(features & ASIDL_BTFN_KEEP_CONNECTION_ON_ORPHAN);
            continue;
        }

        asidl__sctx *existing = find_ctx(c, ctx.context_id);
        if (existing) {
            /* A context id is bound to one interface for the life of the connection. */
            if (!asidl__uuid_equal(&existing->iface->id.uuid, &ctx.abstract.uuid) ||
                ASIDL_SYNTAX_MAJOR(existing->iface->id.version) != ASIDL_SYNTAX_MAJOR(ctx.abstract.version))
                return is_bind ? REFUSE_NAK_0 : REFUSE_PROTOCOL;
            if (offers(&ctx, &asidl__ndr20_syntax)) {
                res[i].result = ASIDL_CTX_ACCEPTANCE;
                res[i].reason = 0;
                res[i].transfer = asidl__ndr20_syntax;
            } else {
                res[i].reason = ASIDL_CTX_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED;
            }
            continue;
        }

        const asidl__siface *iface = asidl__server_find_iface(c->srv, &ctx.abstract);
        if (!iface)
            continue;
        res[i].reason = ASIDL_CTX_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED;
        if (accepted_new || !offers(&ctx, &asidl__ndr20_syntax))
            continue;
        if (c->n_ctx >= c->srv->limits.max_contexts) {
            res[i].reason = ASIDL_CTX_REASON_LOCAL_LIMIT_EXCEEDED;
            continue;
        }
        if (c->n_ctx == c->cap_ctx) {
            unsigned cap = c->cap_ctx ? c->cap_ctx * 2 : 4;
            asidl__sctx *grown = realloc(c->ctx, cap * sizeof *grown);
            if (!grown) {
                res[i].reason = ASIDL_CTX_REASON_LOCAL_LIMIT_EXCEEDED;
                continue;
            }
            c->ctx = grown;
            c->cap_ctx = cap;
        }
        c->ctx[c->n_ctx++] = (asidl__sctx){ ctx.context_id, iface };
        res[i].result = ASIDL_CTX_ACCEPTANCE;
        res[i].reason = 0;
        res[i].transfer = asidl__ndr20_syntax;
        accepted_new = true;
    }
    return NEGOTIATED;
}

static void handle_bind(asidl__sconn *c, const asidl__pdu *pdu)
{
    uint32_t call_id = pdu->hdr.call_id;
    if (pdu->auth.present) {
        nak_and_close(c, call_id, ASIDL_NAK_AUTH_TYPE_NOT_RECOGNIZED);   /* no authentication yet */
        return;
    }
    if (!asidl__server_group_join(c->srv, pdu->u.bind.assoc_group_id, &c->group)) {
        nak_and_close(c, call_id, ASIDL_NAK_NOT_SPECIFIED);
        return;
    }
    c->bound = true;
    asidl__pdu_result res[256];
    negotiation n = negotiate(c, pdu, res);
    if (n != NEGOTIATED) {
        nak_and_close(c, call_id, n == REFUSE_NAK_4 ? ASIDL_NAK_PROTOCOL_VERSION_NOT_SUPPORTED
                                                    : ASIDL_NAK_NOT_SPECIFIED);
        return;
    }
    c->frag_size = asidl__negotiate_frag(pdu->u.bind.max_xmit_frag, pdu->u.bind.max_recv_frag,
                                         c->protseq == ASIDL_PROTSEQ_LRPC ? c->srv->limits.max_frag_lrpc
                                                                          : c->srv->limits.max_frag);
    c->conc_mpx = (pdu->hdr.pfc_flags & ASIDL_PFC_CONC_MPX) != 0;
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_bind_ack(&b, ASIDL_PTYPE_BIND_ACK,
                               ASIDL_PFC_FIRST_FRAG | ASIDL_PFC_LAST_FRAG |
                               (c->conc_mpx ? ASIDL_PFC_CONC_MPX : 0),
                               call_id, c->frag_size, c->frag_size, c->group, c->secondary_address, res,
                               pdu->u.bind.n_context);
    send_buf(c, &b);
}

static void handle_alter(asidl__sconn *c, const asidl__pdu *pdu)
{
    uint32_t call_id = pdu->hdr.call_id;
    if (pdu->auth.present) {
        fault_and_close(c, call_id, 0, ASIDL_FAULT_ACCESS_DENIED, true);
        return;
    }
    asidl__pdu_result res[256];
    if (negotiate(c, pdu, res) != NEGOTIATED) {
        fault_and_close(c, call_id, 0, ASIDL_NCA_S_PROTO_ERROR, true);
        return;
    }
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_bind_ack(&b, ASIDL_PTYPE_ALTER_CONTEXT_RESP,
                               ASIDL_PFC_FIRST_FRAG | ASIDL_PFC_LAST_FRAG |
                               (c->conc_mpx ? ASIDL_PFC_CONC_MPX : 0),
                               call_id, c->frag_size, c->frag_size, c->group, NULL, res, pdu->u.bind.n_context);
    send_buf(c, &b);
}

/* ---- requests ---- */

/* Makes a complete request a call and puts it on the ready list. Its stub data is copied
 * from `stub` (borrowed from the input buffer), or is `heap` (a reassembled request, owned). */
static void make_call(asidl__sconn *c, uint32_t call_id, uint16_t ctx_id, uint16_t opnum,
                      const asidl__uuid *object, const uint8_t drep[4], const asidl__siface *iface,
                      const uint8_t *stub, size_t stub_len, uint8_t *heap, unsigned cancel_count, bool maybe,
                      asidl__scall ***ready_tail)
{
    if (opnum >= iface->n_procs) {
        free(heap);
        if (!maybe)
            send_fault(c, call_id, ctx_id, ASIDL_NCA_S_OP_RNG_ERROR, true);
        return;
    }
    asidl__server *s = c->srv;
    /* Counted without the server lock: a call over the limit takes its count back at once. */
    bool busy = __atomic_add_fetch(&s->pending_calls, 1, __ATOMIC_RELAXED) > s->limits.max_pending_calls;
    asidl__scall *call = NULL;
    if (busy)
        free(heap);
    else
        call = asidl__scall_new(c, stub, stub_len, heap);   /* (which frees heap if it fails) */
    if (!call) {
        __atomic_sub_fetch(&s->pending_calls, 1, __ATOMIC_RELAXED);
        if (!maybe)
            send_fault(c, call_id, ctx_id, busy ? ASIDL_NCA_S_SERVER_TOO_BUSY : ASIDL_NCA_S_FAULT_REMOTE_NO_MEMORY,
                       true);
        return;
    }
    call->call_id = call_id;
    call->maybe = maybe;
    call->context_id = ctx_id;
    call->opnum = opnum;
    call->has_object = object != NULL;
    if (object)
        call->object = *object;
    memcpy(call->drep, drep, 4);
    call->iface = &iface->id;
    call->siface = iface;
    call->cancel_count = cancel_count;

    /* No other thread sees the call before the end of the event queues it (cancels that
     * arrive meanwhile find it through c->unqueued), and it joins c->calls when it is taken
     * off the queue to run (pop_ready_locked): no lock round trip here. */
    if (!c->unqueued)
        c->unqueued = call;
    **ready_tail = call;
    *ready_tail = &call->run_next;
}

static void reset_reassembly(asidl__sconn *c)
{
    asidl__reasm_free(&c->incoming.data);
    c->incoming.active = false;
    c->incoming.orphaned = false;
    c->incoming.maybe = false;
    c->incoming.cancel_count = 0;
}

static void handle_request(asidl__sconn *c, const asidl__pdu *pdu, asidl__scall ***ready_tail)
{
    const asidl__pdu_header *h = &pdu->hdr;
    uint16_t ctx_id = pdu->u.request.context_id;
    size_t max = c->srv->limits.max_request;

    if (pdu->auth.present) {
        fault_and_close(c, h->call_id, ctx_id, ASIDL_FAULT_ACCESS_DENIED, false);
        return;
    }
    if (h->frag_length > c->frag_size) {
        fault_and_close(c, h->call_id, ctx_id, ASIDL_NCA_S_PROTO_ERROR, false);
        return;
    }

    if (h->pfc_flags & ASIDL_PFC_FIRST_FRAG) {
        if (c->incoming.active) {
            /* A new call while another is still arriving: the fault goes on the older one. */
            fault_and_close(c, c->incoming.call_id, c->incoming.context_id, ASIDL_NCA_S_PROTO_ERROR, false);
            return;
        }
        if (h->pfc_flags & ASIDL_PFC_PENDING_CANCEL) {
            fault_and_close(c, h->call_id, ctx_id, RPC_S_NO_CALL_ACTIVE, true);
            return;
        }
        /* [maybe] calls are answered nothing, not even the faults of calls that cannot run. */
        bool maybe = (h->pfc_flags & ASIDL_PFC_MAYBE) != 0;
        asidl__sctx *ctx = find_ctx(c, ctx_id);
        if (!ctx || !ctx->iface->active) {
            if (!maybe)
                send_fault(c, h->call_id, ctx_id, ASIDL_NCA_S_UNK_IF, true);   /* connection stays */
            return;
        }
        const asidl__uuid *object = pdu->u.request.has_object ? &pdu->u.request.object : NULL;
        if (h->pfc_flags & ASIDL_PFC_LAST_FRAG) {
            if (pdu->u.request.stub_len > max) {      /* the cap holds for one fragment too */
                fault_and_close(c, h->call_id, ctx_id, ASIDL_FAULT_ACCESS_DENIED, false);
                return;
            }
            make_call(c, h->call_id, ctx_id, pdu->u.request.opnum, object, h->drep, ctx->iface,
                      pdu->u.request.stub, pdu->u.request.stub_len, NULL, 0, maybe, ready_tail);
            return;
        }
        if (pdu->u.request.alloc_hint > max) {
            fault_and_close(c, h->call_id, ctx_id, ASIDL_FAULT_ACCESS_DENIED, false);
            return;
        }
        c->incoming.active = true;
        c->incoming.call_id = h->call_id;
        c->incoming.context_id = ctx_id;
        c->incoming.opnum = pdu->u.request.opnum;
        c->incoming.has_object = object != NULL;
        if (object)
            c->incoming.object = *object;
        memcpy(c->incoming.drep, h->drep, 4);
        c->incoming.iface = ctx->iface;
        c->incoming.maybe = maybe;
        asidl__reasm_init(&c->incoming.data, max);
        if (asidl__reasm_start(&c->incoming.data, pdu->u.request.alloc_hint) != ASIDL_REASM_OK ||
            asidl__reasm_append(&c->incoming.data, pdu->u.request.stub, pdu->u.request.stub_len) !=
                ASIDL_REASM_OK) {
            reset_reassembly(c);
            fault_and_close(c, h->call_id, ctx_id, ASIDL_FAULT_ACCESS_DENIED, false);
        }
        return;
    }

    /* A later fragment: it must continue the call being reassembled, in the same byte order. */
    if (!c->incoming.active || c->incoming.call_id != h->call_id) {
        if (c->incoming.active)
            fault_and_close(c, c->incoming.call_id, c->incoming.context_id, ASIDL_NCA_S_PROTO_ERROR, false);
        else
            fault_and_close(c, h->call_id, ctx_id, ASIDL_NCA_S_PROTO_ERROR, false);
        return;
    }
    if (memcmp(c->incoming.drep, h->drep, 4) != 0) {
        fault_and_close(c, c->incoming.call_id, c->incoming.context_id, ASIDL_NCA_S_PROTO_ERROR, true);
        reset_reassembly(c);
        return;
    }
    size_t have = c->incoming.data.len;
    if (pdu->u.request.alloc_hint > max - have ||
        asidl__reasm_append(&c->incoming.data, pdu->u.request.stub, pdu->u.request.stub_len) != ASIDL_REASM_OK) {
        fault_and_close(c, c->incoming.call_id, c->incoming.context_id, ASIDL_FAULT_ACCESS_DENIED, false);
        reset_reassembly(c);
        return;
    }
    if (!(h->pfc_flags & ASIDL_PFC_LAST_FRAG))
        return;
    size_t len;
    uint8_t *stub = asidl__reasm_take(&c->incoming.data, &len);
    bool orphaned = c->incoming.orphaned;
    unsigned cancels = c->incoming.cancel_count;
    uint32_t call_id = c->incoming.call_id;
    uint16_t frag_ctx = c->incoming.context_id, opnum = c->incoming.opnum;
    asidl__uuid object = c->incoming.object;
    bool has_object = c->incoming.has_object;
    uint8_t drep[4];
    memcpy(drep, c->incoming.drep, 4);
    const asidl__siface *iface = c->incoming.iface;
    bool maybe = c->incoming.maybe;
    reset_reassembly(c);
    if (orphaned) {             /* abandoned by the client before it was complete */
        free(stub);
        return;
    }
    make_call(c, call_id, frag_ctx, opnum, has_object ? &object : NULL, drep, iface, stub, len, stub, cancels,
              maybe, ready_tail);
}

/* ---- the client's answers to [callback]s ---- */

static asidl__scallback *find_callback(asidl__sconn *c, uint32_t call_id)
{
    for (asidl__scallback *cb = c->callbacks; cb; cb = cb->next)
        if (cb->call_id == call_id && !cb->done)
            return cb;
    return NULL;
}

static void callback_done_locked(asidl__scallback *cb, RPC_STATUS status)
{
    cb->done = true;
    cb->status = status;
    pthread_cond_signal(&cb->answered);
}

/* A response or fault from the client: the answer to a [callback] a manager routine waits for
 * (anything else is a type only a server sends). */
static void handle_callback_answer(asidl__sconn *c, const asidl__pdu *pdu)
{
    const asidl__pdu_header *h = &pdu->hdr;
    pthread_mutex_lock(&c->lock);
    asidl__scallback *cb = find_callback(c, h->call_id);
    bool violation = !cb;
    if (cb && h->ptype == ASIDL_PTYPE_FAULT) {
        cb->faulted = true;
        callback_done_locked(cb, asidl__fault_to_status(pdu->u.response.status));
    } else if (cb) {
        bool first = (h->pfc_flags & ASIDL_PFC_FIRST_FRAG) != 0;
        if (first == cb->started) {
            violation = true;                                  /* out of sequence */
            callback_done_locked(cb, RPC_S_PROTOCOL_ERROR);
        } else if ((first && asidl__reasm_start(&cb->reply, pdu->u.response.alloc_hint) != ASIDL_REASM_OK) ||
                   asidl__reasm_append(&cb->reply, pdu->u.response.stub, pdu->u.response.stub_len) != ASIDL_REASM_OK) {
            violation = true;                                  /* over the size cap */
            callback_done_locked(cb, RPC_S_OUT_OF_RESOURCES);
        } else {
            if (first)
                cb->drep0 = h->drep[0];
            cb->started = true;
            if (h->pfc_flags & ASIDL_PFC_LAST_FRAG)
                callback_done_locked(cb, RPC_S_OK);
        }
    }
    pthread_mutex_unlock(&c->lock);
    if (violation)
        fault_and_close(c, h->call_id, 0, ASIDL_NCA_S_PROTO_ERROR, true);
}

/* A complete call by its id: running (or replying), queued, or made by this event. */
static asidl__scall *find_call_locked(asidl__sconn *c, uint32_t id)
{
    for (asidl__scall *call = c->calls; call; call = call->next)
        if (call->call_id == id)
            return call;
    for (asidl__scall *call = c->dispatch_head; call; call = call->run_next)
        if (call->call_id == id)
            return call;
    for (asidl__scall *call = c->unqueued; call; call = call->run_next)
        if (call->call_id == id)
            return call;
    return NULL;
}

/* co_cancel and orphaned: never answered; for an unknown call they are ignored (Windows). */
static void handle_cancel(asidl__sconn *c, const asidl__pdu *pdu, bool orphaned)
{
    uint32_t id = pdu->hdr.call_id;
    pthread_mutex_lock(&c->lock);
    asidl__scall *call;
    if (c->incoming.active && c->incoming.call_id == id) {
        if (orphaned)
            c->incoming.orphaned = true;
        else
            c->incoming.cancel_count++;
    } else if ((call = find_call_locked(c, id))) {
        /* An abandoned call is cancelled too: its manager may stop (nobody waits). */
        bool first = call->cancel_count == 0 && !call->orphaned;
        if (orphaned)
            call->orphaned = true;
        else
            call->cancel_count++;
        if (call->notify && (!orphaned || first))
            call->notify(call, ASIDL_SCALL_CANCELLED, call->notify_ctx);
        /* An abandoned call's manager waits in vain for the answer to its callback. */
        asidl__scallback *cb = orphaned ? find_callback(c, id) : NULL;
        if (cb)
            callback_done_locked(cb, RPC_S_CALL_CANCELLED);
    }
    pthread_mutex_unlock(&c->lock);
}

static void handle_pdu(asidl__sconn *c, const uint8_t *p, size_t len, asidl__scall ***ready_tail)
{
    asidl__trace_pdu("<-", c->src.fd, p, len);
    asidl__pdu pdu;
    asidl__pdu_status st = asidl__pdu_decode(p, len, &pdu);
    if (!c->bound) {
        /* The first PDU must be a bind (Windows naks anything else with reason 4). */
        if (st != ASIDL_PDU_OK && st != ASIDL_PDU_BAD_PTYPE) {
            pthread_mutex_lock(&c->lock);
            mark_dead(c);
            pthread_mutex_unlock(&c->lock);
        } else if (st != ASIDL_PDU_OK || pdu.hdr.ptype != ASIDL_PTYPE_BIND) {
            nak_and_close(c, pdu.hdr.call_id, ASIDL_NAK_PROTOCOL_VERSION_NOT_SUPPORTED);
        } else {
            handle_bind(c, &pdu);
        }
        return;
    }
    if (st != ASIDL_PDU_OK) {
        fault_and_close(c, pdu.hdr.call_id, 0, ASIDL_NCA_S_PROTO_ERROR, true);
        return;
    }
    switch (pdu.hdr.ptype) {
    case ASIDL_PTYPE_REQUEST:
        handle_request(c, &pdu, ready_tail);
        break;
    case ASIDL_PTYPE_ALTER_CONTEXT:
        handle_alter(c, &pdu);
        break;
    case ASIDL_PTYPE_CO_CANCEL:
        handle_cancel(c, &pdu, false);
        break;
    case ASIDL_PTYPE_ORPHANED:
        handle_cancel(c, &pdu, true);
        break;
    case ASIDL_PTYPE_RESPONSE:
    case ASIDL_PTYPE_FAULT:
        handle_callback_answer(c, &pdu);
        break;
    case ASIDL_PTYPE_BIND:                       /* one bind per connection */
        nak_and_close(c, pdu.hdr.call_id, ASIDL_NAK_NOT_SPECIFIED);
        break;
    default:                                     /* auth3 (no authentication started), or a
                                                    type only a server sends */
        fault_and_close(c, pdu.hdr.call_id, 0, ASIDL_NCA_S_PROTO_ERROR, true);
        break;
    }
}

/* Bytes that are not a DCE/RPC stream at all. */
static void handle_garbage(asidl__sconn *c, asidl__pdu_status st)
{
    const uint8_t *p = c->in.data;
    if (st == ASIDL_PDU_BAD_VERSION && c->in.len >= 16 && p[0] == 5 && !c->bound) {
        asidl__pdu_header h;
        bool le = (p[4] & 0xF0) == 0x10;
        h.call_id = le ? (uint32_t)p[12] | (uint32_t)p[13] << 8 | (uint32_t)p[14] << 16 | (uint32_t)p[15] << 24
                       : (uint32_t)p[15] | (uint32_t)p[14] << 8 | (uint32_t)p[13] << 16 | (uint32_t)p[12] << 24;
        nak_and_close(c, h.call_id, ASIDL_NAK_PROTOCOL_VERSION_NOT_SUPPORTED);
        return;
    }
    pthread_mutex_lock(&c->lock);
    mark_dead(c);
    pthread_mutex_unlock(&c->lock);
}

/* ---- the handler ---- */

static void watch_partial(asidl__sconn *c)
{
    /* Nothing pending and nothing was: the usual case needs no lock (only the handler, this
     * thread, writes partial_since). */
    if (c->in.len == 0 && !c->partial_since)
        return;
    pthread_mutex_lock(&c->lock);
    if (c->in.len > 0 && !c->dead && !c->closing) {
        int64_t now = asidl__now_ms();
        if (!c->partial_since)
            c->partial_since = now;
        if (!c->timer_armed && c->srv->limits.read_timeout_ms > 0) {
            c->timer_armed = true;
            asidl__sconn_ref(c);
            if (!asidl__timer_start(&c->timer, c->partial_since + c->srv->limits.read_timeout_ms)) {
                c->timer_armed = false;
                __atomic_sub_fetch(&c->refs, 1, __ATOMIC_RELAXED);   /* not the last: ours remains */
            }
        }
    } else {
        c->partial_since = 0;
    }
    pthread_mutex_unlock(&c->lock);
}

/* dead and closing are also set by other threads (a failed send, the server stopping). */
static bool stopped(asidl__sconn *c)
{
    pthread_mutex_lock(&c->lock);
    bool s = c->dead || c->closing;
    pthread_mutex_unlock(&c->lock);
    return s;
}

/* `stop`: the connection was already dead or closing when the handler last looked (under its
 * lock), which spares a lock round trip before the first read. `events`: what the event loop
 * reported. True when input may be left unread that no new edge would announce. */
static bool read_more(asidl__sconn *c, bool stop, uint32_t events, asidl__scall ***ready_tail)
{
    /* A short read drains the socket, except for the client's shutdown behind the data: it
     * raised its edge before this event was taken, so only reading on finds it. */
    bool shut = (events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
    /* A bounded number of reads per event, so one flooding client cannot starve the others
     * (the handler then has the connection's event raised again). */
    bool unread = !stop;
    for (int round = 0; round < 16 && !stop; round++) {
        if (round > 0 && stopped(c))
            break;
        int r = asidl__inbuf_fill(&c->in, c->src.fd, false);
        if (r == ASIDL_FILL_AGAIN) {
            unread = false;
            break;
        }
        if (r != ASIDL_FILL_DATA && r != ASIDL_FILL_MORE) {
            pthread_mutex_lock(&c->lock);
            mark_dead(c);              /* the client went away (or the socket failed) */
            pthread_mutex_unlock(&c->lock);
            break;
        }
        for (;;) {
            const uint8_t *p;
            size_t len;
            asidl__pdu_status st = asidl__inbuf_peek(&c->in, &p, &len);
            if (st == ASIDL_PDU_NEED_MORE)
                break;
            if (st != ASIDL_PDU_OK) {
                handle_garbage(c, st);
                break;
            }
            handle_pdu(c, p, len, ready_tail);
            asidl__inbuf_consume(&c->in, len);
            /* Before the next PDU of this read: a handler may have stopped the connection.
             * (With none left, the next read's check, or the end of the event, sees it.) */
            if (c->in.len > 0 && (stop = stopped(c)))
                break;
        }
        if (r == ASIDL_FILL_DATA && !shut) {
            unread = false;  /* drained: what arrives next raises a new edge */
            break;
        }
    }
    if (!asidl__inbuf_settle(&c->in)) {
        pthread_mutex_lock(&c->lock);
        mark_dead(c);
        pthread_mutex_unlock(&c->lock);
    }
    watch_partial(c);
    return unread;
}

static void write_more(asidl__sconn *c)
{
    pthread_mutex_lock(&c->lock);
    if (!c->dead && !c->torn_down) {
        int r = asidl__sendq_flush(&c->out, c->src.fd);
        if (r < 0)
            mark_dead(c);
        c->want_write = r == 0;
    }
    pthread_mutex_unlock(&c->lock);
}

/* Called by the token holder with c->lock held; returns with it released. */
static void teardown_locked(asidl__sconn *c)
{
    c->torn_down = true;
    mark_dead(c);
    /* The token stays taken: a late event's worker leaves a note nobody reads. */
    if (c->writer.armed)
        shutdown(c->src.fd, SHUT_RDWR);   /* its event comes, and its worker closes it */
    else
        asidl__writer_close(&c->writer);
    asidl__rt_unwatch(&c->src);
    close(c->src.fd);                   /* a late event finds the token taken, and never the fd */
    asidl__sendq_clear(&c->out);
    asidl__inbuf_free(&c->in);
    reset_reassembly(c);
    for (asidl__scall *call = c->calls, *next; call; call = next) {
        next = call->next;
        call->prev = call->next = NULL;
        call->disconnected = true;
        if (call->notify)
            call->notify(call, ASIDL_SCALL_DISCONNECTED, call->notify_ctx);
    }
    c->calls = NULL;
    c->n_calls = 0;
    for (asidl__scallback *cb = c->callbacks; cb; cb = cb->next)
        if (!cb->done)
            callback_done_locked(cb, RPC_S_CALL_FAILED);
    c->callbacks = NULL;                /* each waiter finds itself unlisted */
    if (c->timer_armed && asidl__timer_cancel(&c->timer)) {
        c->timer_armed = false;
        __atomic_sub_fetch(&c->refs, 1, __ATOMIC_RELAXED);   /* the handler's own reference keeps c alive */
    }
    bool grouped = c->bound;
    pthread_mutex_unlock(&c->lock);
    if (grouped)
        asidl__server_group_leave(c->srv, c->group);
    asidl__server_conn_gone(c->srv, c);
    asidl__rt_retire(&c->retiree, release_registration);
}

/* The connection's next call to dispatch; the connection is "dispatching" while one is out.
 * The call joins the calls in progress, which the end of the connection reaches (one taken
 * after that end is disconnected at once). */
static asidl__scall *pop_ready_locked(asidl__sconn *c)
{
    asidl__scall *call = c->dispatch_head;
    if (call) {
        c->dispatch_head = call->run_next;
        if (!c->dispatch_head)
            c->dispatch_tail = NULL;
        call->run_next = NULL;
        if (c->torn_down) {
            call->disconnected = true;
        } else {
            call->next = c->calls;
            if (c->calls)
                c->calls->prev = call;
            c->calls = call;
            c->n_calls++;
        }
    }
    c->dispatching = call != NULL;
    return call;
}

/* The reading token. Free, it is taken without the lock (a compare-and-swap). Taken, the event
 * is left in `missed` under c->lock, after a second look under the lock: the holder gives the
 * token back in a critical section of that lock which first takes up what `missed` holds, so
 * the event is either seen by the holder or finds the token free. A torn-down connection's
 * token is never given back. The swap's acquire and the give's release order whatever one
 * holder wrote without the lock (the input buffer, the reassembly, `closing`) before the
 * next holder reads it. */
static bool take_token(asidl__sconn *c, uint32_t events)
{
    uint32_t expected = 0;
    if (__atomic_compare_exchange_n(&c->token, &expected, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return true;
    pthread_mutex_lock(&c->lock);
    expected = 0;
    bool taken = __atomic_compare_exchange_n(&c->token, &expected, 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
    if (!taken)
        c->missed |= events;
    pthread_mutex_unlock(&c->lock);
    return taken;
}

static void on_event(asidl__source *src, uint32_t events)
{
    asidl__sconn *c = (asidl__sconn *)src;
    if (!take_token(c, events))
        return;
    asidl__sconn_ref(c);
    /* `closing` is written by token holders only; `dead` by other threads too (atomically). */
    bool stop = c->closing || __atomic_load_n(&c->dead, __ATOMIC_RELAXED);
    c->unqueued = NULL;                  /* (the last event's were queued at its end) */

    asidl__scall *ready = NULL, **ready_tail = &ready;
    bool unread = false;
    for (;;) {
        if (events & EPOLLOUT)
            write_more(c);
        if (events & (EPOLLHUP | EPOLLERR)) {
            pthread_mutex_lock(&c->lock);
            if (c->closing)
                mark_dead(c);          /* the client left before the answer was sent */
            stop = c->dead || c->closing;
            pthread_mutex_unlock(&c->lock);
        }
        if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
            unread = read_more(c, stop, events, &ready_tail);
        pthread_mutex_lock(&c->lock);
        events = c->missed;
        c->missed = 0;
        if (!events)
            break;
        stop = c->dead || c->closing;
        pthread_mutex_unlock(&c->lock);
    }

    /* What arrived runs in arrival order, one manager routine at a time (causal ordering: a
     * client that wants its calls to overlap on the server uses RPC_C_OPT_BINDING_NONCAUSAL,
     * which spreads them over connections). The calls join the connection's queue before the
     * token goes back, so that calls read by the next event queue up behind them. */
    asidl__scall *first = NULL;
    if (ready) {
        if (c->dispatch_tail)
            *c->dispatch_tail = ready;
        else
            c->dispatch_head = ready;
        c->dispatch_tail = ready_tail;
        first = c->dispatching ? NULL : pop_ready_locked(c);
    }
    if (c->dead || (c->closing && !c->out.head)) {
        teardown_locked(c);              /* the calls are told; their replies send nothing */
    } else {
        /* Edge-triggered: a system call only when the events wanted change, or when input was
         * left unread (re-registering raises the event again). */
        uint32_t want = EPOLLRDHUP | (c->closing ? 0 : EPOLLIN) | (c->want_write ? EPOLLOUT : 0);
        if (want != c->watching || unread) {
            c->watching = want;
            asidl__rt_rearm_edge(&c->src, want);
        }
        __atomic_store_n(&c->token, 0, __ATOMIC_RELEASE);   /* `missed` was empty (take_token) */
        pthread_mutex_unlock(&c->lock);
    }
    if (first)
        asidl__server_dispatch(c->srv, first);
    asidl__sconn_release(c);
}

asidl__scall *asidl__sconn_next_ready_locked(asidl__sconn *c)
{
    return pop_ready_locked(c);
}

asidl__scall *asidl__sconn_next_ready(asidl__sconn *c)
{
    pthread_mutex_lock(&c->lock);
    asidl__scall *call = pop_ready_locked(c);
    pthread_mutex_unlock(&c->lock);
    return call;
}

static void run_handed_over(void *arg)
{
    asidl__sconn *c = arg;
    asidl__scall *call = asidl__sconn_next_ready(c);
    if (call)
        asidl__server_dispatch(c->srv, call);
    asidl__sconn_release(c);
}

bool asidl__sconn_hand_over(asidl__sconn *c)
{
    pthread_mutex_lock(&c->lock);
    if (!c->dispatch_head) {
        c->dispatching = false;          /* the next call to arrive starts at once */
        pthread_mutex_unlock(&c->lock);
        return true;
    }
    /* Still dispatching: the worker given the next call takes it, and those after it. */
    asidl__sconn_ref(c);
    pthread_mutex_unlock(&c->lock);
    if (asidl__rt_post(run_handed_over, c))
        return true;
    asidl__sconn_release(c);
    return false;
}

/* A partial PDU older than the read timeout: the sender is too slow (or never finishes). */
static void on_timer(asidl__timer *t)
{
    asidl__sconn *c = (asidl__sconn *)((char *)t - offsetof(asidl__sconn, timer));
    pthread_mutex_lock(&c->lock);
    c->timer_armed = false;
    if (!c->torn_down && c->partial_since) {
        int64_t due = c->partial_since + c->srv->limits.read_timeout_ms;
        if (asidl__now_ms() >= due) {
            mark_dead(c);
            shutdown(c->src.fd, SHUT_RDWR);
        } else if (asidl__timer_start(&c->timer, due)) {
            c->timer_armed = true;
            pthread_mutex_unlock(&c->lock);
            return;                    /* the reference goes on with the timer */
        }
    }
    pthread_mutex_unlock(&c->lock);
    asidl__sconn_release(c);
}
