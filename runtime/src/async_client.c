/*
 * async_client.c: the client side of an [async] procedure (docs/async.md).
 *
 *   start       the stub's asidl_client_call_async: the handle is checked, the argument frame
 *               copied (the stub's argument vector lives on its stack, which is gone when the
 *               stub returns; the values in it, the addresses of the caller's [out] buffers
 *               among them, are what the call keeps), the binding found, the [in] parameters
 *               marshalled and the request queued.  Any failure up to here raises, and then
 *               no notification is ever delivered.
 *   completion  on whichever thread reads the reply (or fails the connection, or cancels):
 *               the [out] parameters are unmarshalled into the caller's buffers, the call is
 *               marked complete, and only then is the notification delivered, so a woken
 *               application finds its buffers filled and RpcAsyncCompleteCall final.
 *   RpcAsyncCompleteCall   RPC_S_ASYNC_CALL_PENDING until then; afterwards copies the return
 *               value, frees the call and leaves the handle spent.
 *   RpcAsyncCancelCall     abortive: the call completes now with RPC_S_CALL_CANCELLED and the
 *               server is sent orphaned; otherwise co_cancel is sent and the server decides,
 *               within the thread's RpcMgmtSetCancelTimeout if one is set.
 *
 * No thread belongs to a call: the connection's reader completes it (docs/runtime-design.md).
 * The call object is referenced by the handle (until RpcAsyncCompleteCall), by the starting
 * stub (until it returns: the reply may complete the call before that) and by a cancel timer
 * while one is pending.
 */
#include <stdlib.h>
#include <string.h>

#include "rpcrt.h"
#include "asidl_stub.h"
#include "rpcndr.h"

#define ACALL_MAGIC 0x4c4c4341u   /* "ACLL" */

typedef struct asidl__acall {
    uint32_t magic;
    int refs;
    PRPC_ASYNC_STATE state;
    const asidl_ndr_proc *proc;
    RPC_BINDING_HANDLE binding;        /* what RpcAsyncGetCallHandle returns */
    bool unbind;                       /* a generic handle: <type>_unbind once the call is over */
    asidl__assoc *assoc;               /* held until completion: the call survives RpcBindingFree */
    asidl__ccall *ccall;               /* the protocol engine's call, set once started */
    asidl__notice notice;
    asidl_ndr_call ndr;                /* from marshalling to unmarshalling: [in,out] capacities */
    asidl__cctx_call contexts;
    int finished;                      /* [out] data written and status final (atomic) */
    RPC_STATUS status;
    asidl__timer cancel_timer;
    bool cancel_timer_started;
    void **args;                       /* the copied frame (after the object) */
} asidl__acall;

/* ==================================================================== lifetime */

static void acall_put(asidl__acall *a)
{
    if (__atomic_sub_fetch(&a->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    asidl__ccall *call = __atomic_load_n(&a->ccall, __ATOMIC_ACQUIRE);
    if (call)
        asidl__ccall_release(call);
    asidl__notice_release(&a->notice);
    a->magic = 0;
    free(a);
}

static asidl__acall *acall_of(PRPC_ASYNC_STATE s)
{
    asidl__acall *a = s->RuntimeInfo;
    return a && a->magic == ACALL_MAGIC ? a : NULL;
}

/* ==================================================================== completion */

static void complete(asidl__ccall *call, void *ctx)
{
    asidl__acall *a = ctx;
    uint8_t *data;
    size_t len;
    RPC_STATUS st = asidl__ccall_result(call, &data, &len);
    asidl__failure_kind kind = st == RPC_S_OK ? ASIDL_FAIL_NONE : call->faulted ? ASIDL_FAIL_FAULT : ASIDL_FAIL_COMM;
    if (st == RPC_S_OK) {
        st = asidl_ndr_client_unmarshal(&a->ndr, a->proc, a->args, data, len, call->drep0);
        kind = st == RPC_S_OK ? ASIDL_FAIL_NONE : ASIDL_FAIL_LOCAL;
    }
    asidl__cctx_call_finish(&a->contexts, st == RPC_S_OK);
    free(data);
    asidl_ndr_call_cleanup(&a->ndr);
    if (asidl__client_deliver_status(a->proc, a->args, st, kind))
        st = RPC_S_OK;                 /* a [comm_status] / [fault_status] parameter has it */
    asidl__assoc_release(a->assoc);
    a->assoc = NULL;
    if (a->unbind)
        a->proc->generic_unbind(a->args[a->proc->handle_param], a->binding);

    /* From the moment `finished` is set the application may free everything: take what the
     * notification needs first. */
    PRPC_ASYNC_STATE state = a->state;
    asidl__notice notice = a->notice;
    a->notice.apc_thread = NULL;
    a->status = st;
    state->Event = RpcCallComplete;
    __atomic_store_n(&a->finished, 1, __ATOMIC_RELEASE);
    asidl__notice_deliver(&notice, state, RpcCallComplete);
    asidl__notice_release(&notice);
}

/* ==================================================================== start */

static asidl__acall *acall_new(const asidl_ndr_proc *proc, PRPC_ASYNC_STATE s, void **stub_args)
{
    size_t head = (sizeof(asidl__acall) + sizeof(void *) * proc->n_params + _Alignof(max_align_t) - 1) &
                  ~(_Alignof(max_align_t) - 1);
    asidl__acall *a = calloc(1, head + asidl__ndr_frame_slots_size(proc));   /* (no server room) */
    if (!a)
        return NULL;
    a->magic = ACALL_MAGIC;
    a->refs = 2;                       /* the handle's and the starting stub's */
    a->state = s;
    a->proc = proc;
    a->args = (void **)(a + 1);
    asidl_ndr_frame_init(proc, (unsigned char *)a + head, a->args);
    for (unsigned i = 0; i < proc->n_params; i++)
        if (!(proc->params[i].flags & ASIDL_NDR_PARAM_RETURN) && stub_args[i])
            memcpy(a->args[i], stub_args[i], proc->params[i].mem_size);
    asidl__timer_init(&a->cancel_timer, NULL);
    return a;
}

/* Everything up to handing the request to the engine; on failure nothing is left behind. */
static RPC_STATUS start(const asidl_interface *itf, const asidl_ndr_proc *proc, PRPC_ASYNC_STATE s, void **args)
{
    /* Not initialised, in use by a call, or used and not initialised again: refused. */
    if (asidl__async_state(s) != ASIDL_ASYNC_READY)
        return RPC_S_INVALID_ASYNC_HANDLE;
    RPC_STATUS st = asidl__client_check_stub(itf, proc, args);
    if (st != RPC_S_OK)
        return st;

    asidl__acall *a = acall_new(proc, s, args);
    if (!a)
        return RPC_S_OUT_OF_MEMORY;
    st = asidl__notice_capture(&a->notice, s->NotificationType, &s->u);
    if (st == RPC_S_OK)
        st = asidl__client_binding(itf, proc, a->args, &a->binding, &a->unbind);
    asidl__call_options o;
    bool unresolved;
    if (st == RPC_S_OK)
        st = asidl__client_call_setup(asidl__binding_from(a->binding), itf, &a->assoc, &o, &unresolved);

    asidl_ndr_call_init(&a->ndr, ASIDL_NDR_CLIENT);
    a->contexts.binding = a->binding;
    a->ndr.hooks = &asidl__client_context_hooks;
    a->ndr.hook_ctx = &a->contexts;
    /* No sizing pass: a small request is marshalled on the stack, a large one moves to the heap
     * once.  The connection writes it (or copies what the socket does not take) before
     * asidl__ccall_start_ex returns, so it need not outlive this function. */
    unsigned char local[ASIDL_NDR_LOCAL_BUFFER];
    asidl_ndr_buffer request;
    asidl_ndr_buffer_init_local(&request, local, sizeof local);
    if (st == RPC_S_OK)
        st = asidl_ndr_client_marshal(&a->ndr, proc, a->args, &request);

    if (st == RPC_S_OK) {
        asidl__syntax_id iface;
        asidl__interface_syntax(itf, &iface);
        s->RuntimeInfo = a;
        s->Lock = ASIDL_ASYNC_CLIENT;
        asidl__stats_add(RPC_C_STATS_CALLS_OUT, 1);
        asidl__ccall *call;
        /* From here the call may complete (and be completed by the application) on another
         * thread before this one goes on: only the stub's own reference is used below. */
        asidl__request req = { .iface = &iface, .opnum = proc->opnum, .object = o.has_object ? &o.object : NULL,
                               .stub = request.data, .stub_len = request.len, .noncausal = o.noncausal,
                               .maybe = (proc->flags & ASIDL_NDR_PROC_MAYBE) != 0,
                               .callbacks = itf->callback_count ? itf : NULL };
        st = asidl__ccall_start_ex(a->assoc, &req, complete, a, &call);
        if (st == RPC_S_OK) {
            __atomic_store_n(&a->ccall, call, __ATOMIC_RELEASE);
        } else {
            s->RuntimeInfo = NULL;
            s->Lock = ASIDL_ASYNC_READY;
        }
    }
    asidl_ndr_buffer_free(&request);
    if (st != RPC_S_OK) {
        if (a->unbind)
            proc->generic_unbind(a->args[proc->handle_param], a->binding);
        asidl__cctx_call_finish(&a->contexts, false);
        asidl_ndr_call_cleanup(&a->ndr);
        if (a->assoc)
            asidl__assoc_release(a->assoc);
        acall_put(a);
    }
    acall_put(a);
    return st;
}

void asidl_client_call_async(const asidl_interface *itf, const asidl_ndr_proc *proc, PRPC_ASYNC_STATE pAsync,
                             void **args)
{
    RPC_STATUS st = start(itf, proc, pAsync, args);
    if (st != RPC_S_OK)
        RpcRaiseException(st);
}

/* ==================================================================== the handle's functions */

RPC_STATUS asidl__acall_status(PRPC_ASYNC_STATE s)
{
    asidl__acall *a = acall_of(s);
    if (!a)
        return RPC_S_INVALID_ASYNC_HANDLE;
    return __atomic_load_n(&a->finished, __ATOMIC_ACQUIRE) ? a->status : RPC_S_ASYNC_CALL_PENDING;
}

RPC_STATUS asidl__acall_complete(PRPC_ASYNC_STATE s, void *reply)
{
    asidl__acall *a = acall_of(s);
    if (!a)
        return RPC_S_INVALID_ASYNC_HANDLE;
    if (!__atomic_load_n(&a->finished, __ATOMIC_ACQUIRE))
        return RPC_S_ASYNC_CALL_PENDING;
    RPC_STATUS st = a->status;
    const asidl_ndr_proc *proc = a->proc;
    if (st == RPC_S_OK && reply && (proc->flags & ASIDL_NDR_PROC_HAS_RETURN) && proc->n_params)
        memcpy(reply, a->args[proc->n_params - 1], proc->params[proc->n_params - 1].mem_size);
    s->RuntimeInfo = NULL;
    s->Lock = ASIDL_ASYNC_SPENT;
    if (a->cancel_timer_started && asidl__timer_cancel(&a->cancel_timer))
        acall_put(a);                  /* the timer's reference: it will not run */
    acall_put(a);
    return st;
}

/* RpcMgmtSetCancelTimeout: how long this thread's non-abortive cancels wait for the server
 * before the call is cancelled locally (seconds; RPC_C_CANCEL_INFINITE_TIMEOUT: no limit). */
static _Thread_local long cancel_timeout = RPC_C_CANCEL_INFINITE_TIMEOUT;

RPC_STATUS RPC_ENTRY RpcMgmtSetCancelTimeout(long Timeout)
{
    if (Timeout < RPC_C_CANCEL_INFINITE_TIMEOUT)
        return RPC_S_INVALID_ARG;
    cancel_timeout = Timeout;
    return RPC_S_OK;
}

static void cancel_timer_expired(asidl__timer *t)
{
    asidl__acall *a = (asidl__acall *)((char *)t - offsetof(asidl__acall, cancel_timer));
    asidl__ccall_cancel(a->ccall, true);
    acall_put(a);
}

RPC_STATUS asidl__acall_cancel(PRPC_ASYNC_STATE s, bool abortive)
{
    asidl__acall *a = acall_of(s);
    if (!a)
        return RPC_S_INVALID_ASYNC_HANDLE;
    asidl__ccall *call = __atomic_load_n(&a->ccall, __ATOMIC_ACQUIRE);
    if (!call)
        return RPC_S_INVALID_ASYNC_CALL;   /* the stub has not returned yet */
    if (__atomic_load_n(&a->finished, __ATOMIC_ACQUIRE))
        return RPC_S_OK;                   /* nothing left to cancel */
    long timeout = cancel_timeout;
    if (abortive || timeout == 0)
        return asidl__ccall_cancel(call, true);
    RPC_STATUS st = asidl__ccall_cancel(call, false);
    if (st == RPC_S_OK && timeout > 0 && !a->cancel_timer_started) {
        a->cancel_timer.fn = cancel_timer_expired;
        __atomic_add_fetch(&a->refs, 1, __ATOMIC_RELAXED);
        a->cancel_timer_started = true;
        /* Someone must run the timer; without one the cancel waits for the server. */
        if (!asidl__rt_need_io_thread() ||
            !asidl__timer_start(&a->cancel_timer, asidl__now_ms() + (int64_t)timeout * 1000)) {
            a->cancel_timer_started = false;
            acall_put(a);
        }
    }
    return st;
}

RPC_BINDING_HANDLE asidl__acall_binding(PRPC_ASYNC_STATE s)
{
    asidl__acall *a = acall_of(s);
    return a ? a->binding : NULL;
}
