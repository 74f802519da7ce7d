/*
 * ccall.c: one request from the client's side: started (the stub bytes are fragmented and
 * queued at once, so the caller's buffer is free on return), then either waited for by its
 * caller or completed by whichever thread reads its reply. Exactly one outcome wins: the
 * reply, a fault, a broken connection, the timeout or an abortive cancel.
 */
#include <stdlib.h>
#include <string.h>

#include "rpcrt.h"

void asidl__ccall_ref(asidl__ccall *call)
{
    __atomic_add_fetch(&call->refs, 1, __ATOMIC_RELAXED);
}

/* Calls are recycled: the last release parks the call on its connection, with its reply
 * buffer when that is small, and the connection's next call starts from it, without an
 * allocation for itself or for its reply. The slot holds one call and is filled and emptied
 * with atomic exchanges (releases happen outside every lock). A parked call holds no
 * reference to its connection; the connection frees it with itself. */
#define KEPT_REPLY_MAX (8u * 1024u)     /* an idle connection keeps little memory; a bigger
                                           reply's allocation is small next to its copying */

asidl__ccall *asidl__ccall_new(asidl__cconn *c, int kind)
{
    asidl__ccall *call = __atomic_exchange_n(&c->spare, NULL, __ATOMIC_ACQUIRE);
    uint8_t *room = NULL;
    size_t cap = 0;
    if (call) {
        room = call->response.data;             /* empty, with its room kept */
        cap = call->response.cap;
    } else if (!(call = malloc(sizeof *call))) {
        return NULL;
    }
    /* Both reassemblers as asidl__reasm_init leaves them, in the one initialisation. */
    *call = (asidl__ccall){ .conn = c, .refs = 1, .kind = kind,
                            .response = { .data = room, .cap = cap, .limit = ASIDL_MAX_RESPONSE },
                            .cb_request = { .limit = ASIDL_MAX_RESPONSE } };
    return call;
}

void asidl__ccall_destroy(asidl__ccall *call)
{
    asidl__reasm_free(&call->response);
    free(call);
}

void asidl__ccall_release(asidl__ccall *call)
{
    /* A holder that sees the count at 1 is the last: a reference is only ever taken by someone
     * who holds one (the starter, or the table for a call nobody waits for; a negotiation is
     * found through its context only until its owner clears that, before it lets go), and the
     * acquire load orders this after every other holder's release. A synchronous call, the
     * usual one, is so let go without an atomic read-modify-write. */
    if (__atomic_load_n(&call->refs, __ATOMIC_ACQUIRE) != 1 &&
        __atomic_sub_fetch(&call->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    if (call->cb_request.data)
        asidl__reasm_free(&call->cb_request);
    while (call->cb_queue) {
        asidl__cbreq *r = call->cb_queue;
        call->cb_queue = r->next;
        free(r->stub);
        free(r);
    }
    if (call->lent) {
        asidl__inbuf_give_back(call->lent);   /* the reply was unmarshalled from it */
        call->lent = NULL;
    }
    asidl__cconn *c = call->conn;
    if (call->response.cap > KEPT_REPLY_MAX)
        asidl__reasm_free(&call->response);
    asidl__ccall *none = NULL;
    if (!__atomic_compare_exchange_n(&c->spare, &none, call, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
        asidl__ccall_destroy(call);
    asidl__cconn_release(c);
}

RPC_STATUS asidl__ccall_start(asidl__assoc *a, const asidl__syntax_id *iface, uint16_t opnum,
                              const asidl__uuid *object, const void *stub, size_t stub_len,
                              uint32_t timeout_ms, bool noncausal, asidl__ccall_done_fn *done_fn,
                              void *done_ctx, asidl__ccall **out)
{
    asidl__request req = { .iface = iface, .opnum = opnum, .object = object, .stub = stub, .stub_len = stub_len,
                           .timeout_ms = timeout_ms, .noncausal = noncausal };
    return asidl__ccall_start_ex(a, &req, done_fn, done_ctx, out);
}

/* A call whose request did not go out (c->lock held, released here): it completes quietly, as
 * one that failed to start (no done function runs), and the starter's reference is given up. */
static void abandon_unsent(asidl__cconn *c, asidl__ccall *call, asidl__frags *f, RPC_STATUS st)
{
    if (call->done_fn)
        c->n_async--;
    call->done_fn = NULL;
    pthread_mutex_unlock(&c->lock);
    asidl__frags_free(f);
    asidl__cconn_complete(c, call, st, 0);
    asidl__ccall_release(call);
}

/* Sends the request on a connection of the association. With `waiter` (a synchronous caller
 * that waits for the reply at once) a call that went out is returned with c->lock still held
 * when nothing else needs doing outside it (*locked), so that the wait begins under the same
 * hold. */
static RPC_STATUS start_on_a_connection(asidl__assoc *a, const asidl__request *req, asidl__ccall_done_fn *done_fn,
                                        void *done_ctx, bool may_resend, bool waiter, asidl__ccall **out,
                                        bool *locked)
{
    asidl__cconn *c;
    uint16_t ctx_id;
    bool unchecked, held;
    uint32_t timeout_ms = req->timeout_ms;
    RPC_STATUS st = asidl__assoc_connection(a, req->iface, !req->noncausal, waiter && may_resend,
                                            timeout_ms ? (int)timeout_ms : -1, &c, &ctx_id, &unchecked, &held);
    if (st != RPC_S_OK)
        return st;
    /* (Under c->lock when held: only a connection's first call allocates here.) */
    asidl__ccall *call = asidl__ccall_new(c, ASIDL_CCALL_REQUEST);   /* takes over the reference */
    if (!call) {
        if (held)
            pthread_mutex_unlock(&c->lock);
        else
            asidl__cconn_unreserve(c);
        asidl__cconn_release(c);
        return RPC_S_OUT_OF_MEMORY;
    }
    call->context_id = ctx_id;
    call->timeout_ms = timeout_ms;
    call->done_fn = done_fn;
    call->done_ctx = done_ctx;
    call->maybe = req->maybe;
    call->callbacks = req->callbacks;

    if (!held) {
        pthread_mutex_lock(&c->lock);
        if (c->reserved)
            c->reserved--;                /* the call takes over from the reservation */
    }
    if (c->dead) {
        pthread_mutex_unlock(&c->lock);
        asidl__ccall_release(call);
        return RPC_S_CALL_FAILED_DNE;
    }
    uint32_t call_id = asidl__cconn_add_call(c, call);
    if (timeout_ms && !done_fn)             /* the timeout is for synchronous calls (Windows) */
        call->deadline = asidl__now_ms() + timeout_ms;
    if (call_id == 0) {
        pthread_mutex_unlock(&c->lock);
        asidl__cconn_complete(c, call, RPC_S_OUT_OF_MEMORY, 0);
        asidl__ccall_release(call);
        return RPC_S_OUT_OF_MEMORY;
    }

    /* The call joins the table and its request goes out under one lock (building the headers
     * of a short request allocates nothing). */
    asidl__frags f;
    asidl__frags_request(&f, call_id, ctx_id, req->opnum, req->object, req->stub, req->stub_len, c->frag_size,
                         req->maybe ? ASIDL_PFC_MAYBE : 0);
    if (f.failed) {
        abandon_unsent(c, call, &f, RPC_S_OUT_OF_MEMORY);
        return RPC_S_OUT_OF_MEMORY;
    }
    call->sent = true;
    /* Written straight from the caller's stub bytes; whatever the socket does not take at once
     * is copied, so the caller's buffer is free on return. */
    asidl__ccall *finished = NULL;
    if (!asidl__cconn_send_request_locked(c, &f, unchecked && may_resend, &finished)) {
        /* Closed by the server while idle, and nothing went: the call leaves quietly, and the
         * request goes on another connection. */
        call->sent = false;
        abandon_unsent(c, call, &f, RPC_S_CALL_FAILED);
        asidl__cconn_discard(c);
        return ASIDL_CCALL_RESEND;
    }
    if (unchecked)
        asidl__cconn_probe_locked(c, call, asidl__frags_bytes(&f));
    asidl__frags_free(&f);
    *out = call;
    if (waiter && !req->maybe && !finished) {
        *locked = true;
        return RPC_S_OK;
    }
    pthread_mutex_unlock(&c->lock);
    asidl__cconn_run_finished(finished);
    if (req->maybe) {
        /* Nothing comes back for a [maybe] call (a server that answers anyway, as Windows does,
         * answers a call_id nobody waits for: the reply is dropped). Complete it now; a broken
         * connection has failed it already, which is then its outcome. */
        asidl__cconn_complete(c, call, RPC_S_OK, 0);
    } else if (done_fn) {
        asidl__cconn_watch_async(c);
    }
    return RPC_S_OK;
}

/* How often a request that never reached the server (a connection the server had closed
 * while idle, asidl__assoc_connection's *unchecked) goes again before one attempt looks first. */
#define MAX_RESENDS 8

/* Starts the call on a connection; a request the send shows refused goes again on another
 * (nothing went). *attempts counts the tries of the call so far. */
static RPC_STATUS start(asidl__assoc *a, const asidl__request *req, asidl__ccall_done_fn *done_fn, void *done_ctx,
                        bool waiter, int *attempts, asidl__ccall **out, bool *locked)
{
    *out = NULL;
    *locked = false;
    for (;; (*attempts)++) {
        RPC_STATUS st = start_on_a_connection(a, req, done_fn, done_ctx, *attempts < MAX_RESENDS, waiter, out,
                                              locked);
        if (st != ASIDL_CCALL_RESEND)
            return st;
    }
}

RPC_STATUS asidl__ccall_start_ex(asidl__assoc *a, const asidl__request *req, asidl__ccall_done_fn *done_fn,
                                 void *done_ctx, asidl__ccall **out)
{
    bool locked;
    int attempts = 0;
    return start(a, req, done_fn, done_ctx, false, &attempts, out, &locked);
}

RPC_STATUS asidl__ccall_call(asidl__assoc *a, const asidl__request *req, asidl__ccall **out,
                             const uint8_t **reply, size_t *len)
{
    *reply = NULL;
    *len = 0;
    int attempts = 0;
    for (;;) {
        bool locked;
        RPC_STATUS st = start(a, req, NULL, NULL, true, &attempts, out, &locked);
        if (st != RPC_S_OK)
            return st;
        asidl__ccall *call = *out;
        /* The reply is the caller's until it releases the call: a one-fragment one this thread
         * reads may stay where it was read. (Only this thread looks at the flag: as the
         * reader of its own call.) */
        call->reply_in_place = true;
        st = locked ? asidl__cconn_wait_locked(call->conn, call) : asidl__cconn_wait(call->conn, call);
        if (st == ASIDL_CCALL_RESEND) {
            /* The probe of a TCP connection the server had closed while idle: the request
             * never reached it, so it goes again, on another connection. */
            asidl__ccall_release(call);
            *out = NULL;
            attempts++;
            continue;
        }
        if (st == RPC_S_OK && call->lent) {
            *reply = call->in_place;
            *len = call->in_place_len;
        } else if (st == RPC_S_OK) {
            *reply = call->response.data;      /* the buffer is kept for the next call */
            *len = call->response.len;
        }
        return st;
    }
}

RPC_STATUS asidl__ccall_wait(asidl__ccall *call)
{
    return asidl__cconn_wait(call->conn, call);
}

RPC_STATUS asidl__ccall_result(asidl__ccall *call, uint8_t **response, size_t *len)
{
    *response = NULL;
    *len = 0;
    pthread_mutex_lock(&call->conn->lock);
    bool done = call->done;
    RPC_STATUS st = call->status;
    pthread_mutex_unlock(&call->conn->lock);
    if (!done)
        return RPC_S_ASYNC_CALL_PENDING;
    if (st == RPC_S_OK)
        *response = asidl__reasm_take(&call->response, len);
    return st;
}

RPC_STATUS asidl__ccall_cancel(asidl__ccall *call, bool abortive)
{
    if (abortive) {
        asidl__cconn_complete(call->conn, call, RPC_S_CALL_CANCELLED, ASIDL_PTYPE_ORPHANED);
        return RPC_S_OK;
    }
    pthread_mutex_lock(&call->conn->lock);
    bool done = call->done;
    uint32_t id = call->call_id;
    pthread_mutex_unlock(&call->conn->lock);
    if (done)
        return RPC_S_OK;
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_header_only(&b, ASIDL_PTYPE_CO_CANCEL, ASIDL_PFC_FIRST_FRAG | ASIDL_PFC_LAST_FRAG, id);
    if (b.failed) {
        asidl__buf_free(&b);
        return RPC_S_OUT_OF_MEMORY;
    }
    size_t len;
    uint8_t *data = asidl__buf_take(&b, &len);
    asidl__cconn_queue(call->conn, data, len);
    return RPC_S_OK;
}

RPC_STATUS asidl__client_call(asidl__binding *b, const asidl__syntax_id *iface, uint16_t opnum,
                              const void *stub, size_t stub_len, uint8_t **response, size_t *len)
{
    *response = NULL;
    *len = 0;
    asidl__assoc *a;
    asidl__call_options o;
    RPC_STATUS st = asidl__binding_call_setup(b, &a, &o);
    if (st != RPC_S_OK)
        return st;
    asidl__request req = { .iface = iface, .opnum = opnum, .object = o.has_object ? &o.object : NULL,
                           .stub = stub, .stub_len = stub_len, .timeout_ms = o.timeout_ms, .noncausal = o.noncausal };
    asidl__ccall *call;
    const uint8_t *reply;
    size_t reply_len;
    st = asidl__ccall_call(a, &req, &call, &reply, &reply_len);
    if (st == RPC_S_OK && call->lent) {
        /* the caller's to free: a copy of a reply left in the reading block */
        if (reply_len && !(*response = malloc(reply_len)))
            st = RPC_S_OUT_OF_MEMORY;
        else if (reply_len)
            memcpy(*response, reply, reply_len);
        *len = st == RPC_S_OK ? reply_len : 0;
    } else if (st == RPC_S_OK) {
        *response = asidl__reasm_take(&call->response, len);   /* the caller's to free */
    }
    if (call)
        asidl__ccall_release(call);
    asidl__assoc_release(a);
    return st;
}
