/*
 * scall.c: one received call on the server side, from the moment its last request fragment
 * arrived until the dispatcher ends it with a response or a fault, on any thread, at any time
 * (docs/runtime-design.md, "Server call"). The call holds a reference to its connection, so a
 * reply after the client left finds the connection torn down, sends nothing, and frees
 * everything.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "copy.h"
#include "rpcrt.h"

/* Where a call's copy of its request starts in its block (aligned as malloc would align it,
 * for the NDR engine reads arrays in place). */
#define STUB_OFFSET ((sizeof(asidl__scall) + _Alignof(max_align_t) - 1) & ~(_Alignof(max_align_t) - 1))

/* The call and a copy of a one-fragment request share one block, the thread's spare when it
 * is large enough: no allocation per call in the steady state. */
asidl__scall *asidl__scall_new(asidl__sconn *c, const uint8_t *stub, size_t stub_len, uint8_t *heap)
{
    size_t cap;
    asidl__scall *call = asidl__spare_take(ASIDL_SPARE_SCALL, heap ? sizeof *call : STUB_OFFSET + stub_len, &cap);
    if (!call) {
        free(heap);
        return NULL;
    }
    *call = (asidl__scall){ .conn = c, .stub_len = stub_len, .stub_heap = heap, .block_cap = cap };
    if (heap) {
        call->stub = heap;
    } else if (stub_len) {
        uint8_t *copy = (uint8_t *)call + STUB_OFFSET;
        asidl__copy(copy, stub, stub_len);
        call->stub = copy;
    }
    asidl__sconn_ref(c);
    return call;
}

void asidl__scall_dispose(asidl__scall *call)
{
    if (call->stub_heap)
        free(call->stub_heap);
    asidl__spare_give(ASIDL_SPARE_SCALL, call, call->block_cap);
}

void asidl__scall_keep(asidl__scall *call)
{
    call->kept = true;
}

/* The call is over: its connection and its count go; its memory too unless the dispatcher
 * keeps it. */
void asidl__scall_free(asidl__scall *call)
{
    asidl__sconn *c = call->conn;
    asidl__server *s = c->srv;
    if (!call->kept)
        asidl__scall_dispose(call);
    __atomic_sub_fetch(&s->pending_calls, 1, __ATOMIC_RELAXED);
    asidl__sconn_release(c);
}

/* Takes the call off its connection's list; returns whether anything may still be sent. */
static bool detach(asidl__scall *call, unsigned *cancel_count, uint16_t *frag)
{
    asidl__sconn *c = call->conn;
    bool alive = !c->torn_down && !c->dead && !call->disconnected;
    if (!call->disconnected && (call->prev || c->calls == call)) {
        if (call->prev)
            call->prev->next = call->next;
        else if (c->calls == call)
            c->calls = call->next;
        if (call->next)
            call->next->prev = call->prev;
        call->prev = call->next = NULL;
        c->n_calls--;
    }
    *cancel_count = call->cancel_count;
    *frag = c->frag_size;
    return alive;
}

static RPC_STATUS finish(asidl__scall *call, asidl__buf *b, bool alive, bool orphaned)
{
    asidl__sconn *c = call->conn;
    RPC_STATUS st = alive ? RPC_S_OK : RPC_S_CALL_FAILED;
    if (alive && !orphaned && b->len) {
        size_t len;
        uint8_t *data = asidl__buf_take(b, &len);
        pthread_mutex_lock(&c->lock);
        asidl__sconn_send_locked(c, data, len);
        pthread_mutex_unlock(&c->lock);
    }
    asidl__buf_free(b);
    asidl__scall_free(call);
    return st;
}

RPC_STATUS asidl__scall_reply(asidl__scall *call, const void *stub, size_t stub_len)
{
    if (!call)
        return RPC_S_INVALID_ARG;
    asidl__sconn *c = call->conn;
    unsigned cancels;
    uint16_t frag;
    bool no_memory = false;
    /* One lock round trip: the call leaves the connection's list and its answer is sent,
     * written straight from the stub bytes (a copy only of what the socket does not take). */
    pthread_mutex_lock(&c->lock);
    bool alive = detach(call, &cancels, &frag);
    bool orphaned = call->orphaned || call->maybe;     /* nobody waits for an answer */
    if (call->returned)
        asidl__server_turn_ends_locked(c, call);
    if (alive && !orphaned) {
        asidl__frags f;
        asidl__frags_response(&f, call->call_id, call->context_id, (uint8_t)(cancels > 255 ? 255 : cancels), stub,
                              stub_len, frag);
        if (!f.failed)
            asidl__sconn_send_frags_locked(c, &f);
        else
            no_memory = true;
        asidl__frags_free(&f);
    }
    pthread_mutex_unlock(&c->lock);

    if (!no_memory) {
        asidl__scall_free(call);
        return alive ? RPC_S_OK : RPC_S_CALL_FAILED;
    }
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_fault(&b, 0, call->call_id, call->context_id, 0, ASIDL_NCA_S_FAULT_REMOTE_NO_MEMORY);
    return finish(call, &b, alive, orphaned);
}

RPC_STATUS asidl__scall_fault(asidl__scall *call, uint32_t status, bool did_not_execute)
{
    if (!call)
        return RPC_S_INVALID_ARG;
    asidl__sconn *c = call->conn;
    unsigned cancels;
    uint16_t frag;
    pthread_mutex_lock(&c->lock);
    bool alive = detach(call, &cancels, &frag);
    bool orphaned = call->orphaned || call->maybe;     /* nobody waits for an answer */
    pthread_mutex_unlock(&c->lock);

    asidl__buf b;
    asidl__buf_init(&b);
    if (alive && !orphaned)
        asidl__pdu_encode_fault(&b, did_not_execute ? ASIDL_PFC_DID_NOT_EXECUTE : 0, call->call_id,
                                call->context_id, (uint8_t)(cancels > 255 ? 255 : cancels), status);
    return finish(call, &b, alive, orphaned);
}

RPC_STATUS asidl__scall_callback(asidl__scall *call, uint16_t opnum, bool maybe, const void *stub, size_t stub_len,
                                 uint8_t **reply, size_t *reply_len, uint8_t *drep0, bool *faulted)
{
    *reply = NULL;
    *reply_len = 0;
    *drep0 = 0x10;                     /* little-endian */
    *faulted = false;
    asidl__sconn *c = call->conn;
    pthread_mutex_lock(&c->lock);
    bool alive = !c->torn_down && !c->dead && !c->closing && !call->disconnected && !call->orphaned;
    uint16_t frag = c->frag_size;
    pthread_mutex_unlock(&c->lock);
    if (!alive)
        return RPC_S_CALL_FAILED_DNE;
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__frag_request(&b, call->call_id, call->context_id, opnum, NULL, stub, stub_len, frag,
                        maybe ? ASIDL_PFC_MAYBE : 0);
    if (b.failed) {
        asidl__buf_free(&b);
        return RPC_S_OUT_OF_MEMORY;
    }
    size_t len;
    uint8_t *data = asidl__buf_take(&b, &len);
    if (maybe) {
        pthread_mutex_lock(&c->lock);
        asidl__sconn_send_locked(c, data, len);
        pthread_mutex_unlock(&c->lock);
        return RPC_S_OK;
    }

    asidl__scallback cb = { .call_id = call->call_id };
    pthread_cond_init(&cb.answered, NULL);
    asidl__reasm_init(&cb.reply, c->srv->limits.max_request);
    /* This worker is about to wait: another one reads the connection meanwhile, and the
     * connection's next calls (the client may make some from inside the callback) need not
     * wait for this manager routine to return. */
    asidl__rt_blocking();
    asidl__server_yield_turn(c);
    pthread_mutex_lock(&c->lock);
    if (c->torn_down || call->disconnected) {
        /* gone meanwhile: nobody would answer, or tell */
        pthread_mutex_unlock(&c->lock);
        free(data);
        pthread_cond_destroy(&cb.answered);
        return RPC_S_CALL_FAILED_DNE;
    }
    cb.next = c->callbacks;
    c->callbacks = &cb;
    asidl__sconn_send_locked(c, data, len);
    while (!cb.done)
        pthread_cond_wait(&cb.answered, &c->lock);
    for (asidl__scallback **p = &c->callbacks; *p; p = &(*p)->next) {
        if (*p == &cb) {
            *p = cb.next;
            break;
        }
    }
    pthread_mutex_unlock(&c->lock);
    pthread_cond_destroy(&cb.answered);
    *faulted = cb.faulted;
    if (cb.status == RPC_S_OK) {
        *reply = asidl__reasm_take(&cb.reply, reply_len);
        *drep0 = cb.drep0;
    }
    asidl__reasm_free(&cb.reply);
    return cb.status;
}

RPC_STATUS asidl__scall_test_cancel(asidl__scall *call)
{
    if (!call)
        return RPC_S_INVALID_BINDING;
    pthread_mutex_lock(&call->conn->lock);
    /* Abandoned or cut off, nobody will read the answer: that is a cancel too (DCE). */
    bool cancelled = call->cancel_count > 0 || call->orphaned || call->disconnected;
    pthread_mutex_unlock(&call->conn->lock);
    return cancelled ? RPC_S_OK : RPC_S_CALL_IN_PROGRESS;
}

/* The hook runs with the connection locked: it may record or signal, not end the call. */
void asidl__scall_set_notify(asidl__scall *call, void (*fn)(asidl__scall *, int, void *), void *ctx)
{
    pthread_mutex_lock(&call->conn->lock);
    call->notify = fn;
    call->notify_ctx = ctx;
    if (fn && call->cancel_count > 0)
        fn(call, ASIDL_SCALL_CANCELLED, ctx);
    if (fn && call->disconnected)
        fn(call, ASIDL_SCALL_DISCONNECTED, ctx);
    pthread_mutex_unlock(&call->conn->lock);
}
