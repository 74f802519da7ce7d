/*
 * dispatch.c: a server call at the stub level. The engine hands over a complete request
 * (interface, opnum, object, stub bytes); this file admits it (manager type, MaxCalls, flags,
 * request size, security callback), unmarshals the [in] parameters into an argument frame,
 * calls the manager routine through libffi (manager_ffi.c), marshals the [out] parameters and
 * the return value, replies, and frees the frame.
 *
 * Procedures libffi cannot call (a union passed by value, ...) come with an invoker from the
 * stub (asidl_interface.invokers), which calls the manager with the header's C types instead.
 *
 * The call object (asidl__dcall) holds the engine's call, the procedure and the frame together,
 * so it can outlive the dispatch: a call waiting behind a serialized context handle runs later
 * on another worker, and an [async] procedure keeps its frame, with the server-side
 * RPC_ASYNC_STATE its manager receives first, until the application completes it from any
 * thread (async_server.c: RpcAsyncCompleteCall / RpcAsyncAbortCall).
 *
 * Failures and the fault each gives (the manager has not run unless said):
 *   interface no longer registered, unknown manager type   nca_s_unk_if / nca_s_unsupported_type, DNE
 *   no procedure or manager routine for the opnum            nca_s_op_rng_error, DNE
 *   MaxCalls of the interface reached                        nca_s_server_too_busy, DNE
 *   RPC_IF_ALLOW_LOCAL_ONLY from a remote client, request over MaxRpcSize, security callback
 *   refusing (or a callback and no RPC_IF_ALLOW_CALLBACKS_WITH_NO_AUTH on an unauthenticated
 *   remote call), RPC_IF_ALLOW_SECURE_ONLY (no authentication yet)   access denied (5), DNE
 *   malformed stub data                                      the NDR status (RPC_X_BAD_STUB_DATA ...)
 *   unknown or foreign context handle                        nca_s_fault_context_mismatch
 *   the manager raised an exception                          its code, unchanged (after it ran)
 *   [out] data the NDR engine refuses                        the NDR status (after it ran)
 */
#include <stdlib.h>
#include <string.h>

#include "rpcrt.h"
#include "asidl_stub.h"
#include "rpcndr.h"

static _Thread_local asidl__dcall *current_call;

asidl__dcall *asidl__dcall_current(void)
{
    return current_call;
}

asidl__sbinding *asidl__sbinding_from(RPC_BINDING_HANDLE h)
{
    asidl__sbinding *b = h;
    return b && b->magic == ASIDL_SBINDING_MAGIC ? b : NULL;
}

static RPC_STATUS fault(asidl__scall *call, RPC_STATUS status, bool did_not_execute)
{
    return asidl__scall_fault(call, asidl__status_to_fault(status), did_not_execute);
}

/* After the reply: the engine's call was kept for its request (asidl__scall_keep). */
static void free_dcall(asidl__dcall *d)
{
    asidl__rif_release(d->rif);
    d->binding.magic = 0;
    asidl__sasync_free_subscriptions(d);
    asidl__scall_dispose(d->scall);
    free(d->contexts);
    asidl__spare_give(ASIDL_SPARE_DCALL, d, d->block_cap);
}

void asidl__dcall_ref(asidl__dcall *d)
{
    __atomic_add_fetch(&d->refs, 1, __ATOMIC_RELAXED);
}

void asidl__dcall_put(asidl__dcall *d)
{
    if (__atomic_sub_fetch(&d->refs, 1, __ATOMIC_ACQ_REL) == 0)
        free_dcall(d);
}

bool asidl__dcall_claim(asidl__dcall *d)
{
    return __atomic_exchange_n(&d->claimed, 1, __ATOMIC_ACQ_REL) == 0;
}

/* A frame slot that does not travel and that the dispatcher fills. */
static bool is_local_param(const asidl_ndr_param *p)
{
    return (p->flags & ASIDL_NDR_PARAM_NOWIRE) && p->ctype == ASIDL_NDR_C_PTR && p->mem_size == sizeof(void *);
}

/* One block holds the call, a slot for the async handle's address, the frame's pointers, the
 * frame, and an [async] call's server-side RPC_ASYNC_STATE; its layout depends on the
 * procedure only. */
void asidl__proc_plan_make(const asidl_ndr_proc *proc, asidl__proc_plan *out)
{
    size_t align = _Alignof(max_align_t);
    out->head = (sizeof(asidl__dcall) + sizeof(void *) * (proc->n_params + 1) + align - 1) & ~(align - 1);
    out->frame = (asidl_ndr_frame_size(proc) + align - 1) & ~(align - 1);
    out->local_params = 0;
    for (unsigned i = 0; i < proc->n_params; i++)
        if (is_local_param(&proc->params[i]))
            out->local_params |= (uint64_t)1 << (i < 63 ? i : 63);
}

/* A frame slot that does not travel: a handle_t gets the call's binding handle; a
 * [comm_status]/[fault_status] pointer gets storage of its own. */
static void fill_local_param(asidl__dcall *d, unsigned i)
{
    const asidl_ndr_param *p = &d->proc->params[i];
    void *value = p->flags & (ASIDL_NDR_PARAM_COMM_STATUS | ASIDL_NDR_PARAM_FAULT_STATUS)
                      ? (void *)&d->status_slot : (void *)&d->binding;
    memcpy(d->args[i], &value, sizeof value);
}

/* The slots the plan marks; from parameter 63 on (bit 63), each is looked at. */
static void fill_local_params(asidl__dcall *d, uint64_t which)
{
    for (uint64_t w = which & ~(UINT64_C(1) << 63); w; w &= w - 1)
        fill_local_param(d, (unsigned)__builtin_ctzll(w));
    if (which >> 63)
        for (unsigned i = 63; i < d->proc->n_params; i++)
            if (is_local_param(&d->proc->params[i]))
                fill_local_param(d, i);
}

/* Access control before anything is unmarshalled: the interface's flags, its request size
 * limit and its security callback. */
static bool allowed(asidl__dcall *d, const asidl__admission *adm)
{
    const asidl__sconn *c = d->scall->conn;
    if ((adm->flags & RPC_IF_ALLOW_LOCAL_ONLY) && !c->peer_local)
        return false;
    if (adm->flags & RPC_IF_ALLOW_SECURE_ONLY)
        return false;                  /* no call is authenticated yet */
    if (adm->max_rpc_size && d->request_len > adm->max_rpc_size)
        return false;
    if (!adm->callback)
        return true;
    /* As on Windows: with a callback, unauthenticated calls are refused unless the interface
     * allows them; ncalrpc calls count as authenticated (the kernel knows the peer). */
    if (c->protseq != ASIDL_PROTSEQ_LRPC && !(adm->flags & RPC_IF_ALLOW_CALLBACKS_WITH_NO_AUTH))
        return false;
    return adm->callback((RPC_IF_HANDLE)d->rif->itf, &d->binding) == RPC_S_OK;
}

void asidl__dispatch(asidl__scall *call, void *ctx)
{
    asidl__rif *rif = ctx;
    asidl__stats_add(RPC_C_STATS_CALLS_IN, 1);
    const asidl_interface *itf = rif->itf;
    const asidl_ndr_proc *proc = call->opnum < itf->proc_count ? itf->procs[call->opnum] : NULL;
    const asidl__ffi_proc *fproc = proc ? rif->procs[call->opnum] : NULL;
    asidl_server_invoker *invoker = proc && itf->invokers ? itf->invokers[call->opnum] : NULL;
    int slot = !proc ? -1 : itf->epv_slots ? itf->epv_slots[call->opnum] : (int)call->opnum;
    if ((!fproc && !invoker) || slot < 0) {
        fault(call, RPC_S_PROCNUM_OUT_OF_RANGE, true);
        return;
    }
    asidl__admission adm;
    RPC_STATUS st = asidl__rif_admit(rif, call->has_object ? &call->object : NULL, &adm);
    if (st != RPC_S_OK) {
        fault(call, st, true);
        return;
    }
    void (*manager)(void) = ((void (*const *)(void))adm.epv)[slot];
    if (!manager) {
        asidl__rif_release(rif);
        fault(call, RPC_S_PROCNUM_OUT_OF_RANGE, true);
        return;
    }
    bool async = (proc->flags & ASIDL_NDR_PROC_ASYNC) != 0;

    /* The call's block (asidl__proc_plan_make), the thread's spare when it is large enough. */
    const asidl__proc_plan *plan = &rif->plans[call->opnum];
    size_t head = plan->head, frame = plan->frame, cap;
    asidl__dcall *d = asidl__spare_take(ASIDL_SPARE_DCALL, head + frame + (async ? sizeof(RPC_ASYNC_STATE) : 0),
                                        &cap);
    if (!d) {
        asidl__rif_release(rif);
        fault(call, RPC_S_OUT_OF_MEMORY, true);
        return;
    }
    /* (asidl_ndr_frame_init clears the frame and sets every pointer to it.) */
    *d = (asidl__dcall){ .block_cap = cap };
    /* A synchronous call ends when its manager returns; an [async] one when the manager
     * completes it, which may be before or after it returns: both hold a reference. */
    d->refs = async ? 2 : 1;
    if (async) {
        PRPC_ASYNC_STATE state = (PRPC_ASYNC_STATE)((unsigned char *)d + head + frame);
        memset(state, 0, sizeof *state);
        state->Size = sizeof *state;
        state->Signature = ASIDL_ASYNC_SIGNATURE;
        state->Lock = ASIDL_ASYNC_SERVER;
        state->RuntimeInfo = d;
        d->async_state = state;
    }
    d->scall = call;
    d->rif = rif;
    d->proc = proc;
    d->fproc = fproc;
    d->invoker = invoker;
    d->epv = adm.epv;
    d->manager = manager;
    d->binding = (asidl__sbinding){ ASIDL_SBINDING_MAGIC, d };
    void **slots = (void **)(d + 1);
    slots[0] = &d->async_state;        /* an [async] manager's first argument */
    d->args = slots + 1;
    asidl_ndr_frame_init(proc, (unsigned char *)d + head, d->args);
    asidl__scall_keep(call);           /* [in] arrays may stay in the request */
    d->request = call->stub;
    d->request_len = call->stub_len;

    if (!allowed(d, &adm)) {
        fault(call, RPC_S_ACCESS_DENIED, true);
        free_dcall(d);
        return;
    }
    if (plan->local_params)
        fill_local_params(d, plan->local_params);

    asidl_ndr_call ndr;
    asidl_ndr_call_init(&ndr, ASIDL_NDR_SERVER);
    ndr.in_place = 1;
    ndr.hooks = &asidl__server_context_hooks;
    ndr.hook_ctx = d;
    st = asidl_ndr_server_unmarshal(&ndr, proc, d->args, d->request, d->request_len, call->drep[0]);
    if (st != RPC_S_OK) {
        asidl_ndr_call_cleanup(&ndr);
        asidl__sctx_finish(d, false);
        fault(call, st, false);
        free_dcall(d);
        return;
    }
    /* A synchronous call that runs now replies before asidl__dcall_run returns: its reply is
     * marshalled with this NDR state (one set-up per call, and the tables grown for the
     * request serve the reply).  One that waits, or an [async] one, makes its own. */
    if (asidl__sctx_acquire(d)) {
        if (!async) {
            ndr.in_place = 0;
            d->ndr = &ndr;
        }
        asidl__dcall_run(d);            /* (d is gone after this) */
    }
    /* else it runs when the context handles it waits for are free */
    asidl_ndr_call_cleanup(&ndr);
}

void asidl__dcall_run(asidl__dcall *d)
{
    bool async = d->async_state != NULL;
    asidl__dcall *outer = current_call;
    current_call = d;
    RPC_STATUS code = RPC_S_OK;
    RpcTryExcept {
        if (d->invoker)
            d->invoker(d->epv, d->async_state, d->args);
        else
            asidl__ffi_proc_call(d->fproc, d->manager, d->args);
    } RpcExcept(EXCEPTION_EXECUTE_HANDLER) {
        code = (RPC_STATUS)RpcExceptionCode();
        if (code == RPC_S_OK)
            code = RPC_S_CALL_FAILED;  /* an exception that claims success is still a failure */
    } RpcEndExcept
    current_call = outer;
    /* An [async] manager that returned has kept the call (it may even have completed it
     * already); one that raised before completing it ends it with its exception. */
    if (code != RPC_S_OK) {
        if (asidl__dcall_claim(d))
            asidl__dcall_abort(d, code);
    } else if (!async) {
        asidl__dcall_claim(d);
        d->scall->returned = true;
        asidl__dcall_complete(d);
    }
    if (async)
        asidl__dcall_put(d);
}

RPC_STATUS asidl__dcall_complete(asidl__dcall *d)
{
    asidl_ndr_call own, *ndr = d->ndr;
    if (!ndr) {
        ndr = &own;
        asidl_ndr_call_init(ndr, ASIDL_NDR_SERVER);
        ndr->hooks = &asidl__server_context_hooks;
        ndr->hook_ctx = d;
    }
    /* No sizing pass: a small reply stays on the stack, a large one moves to the heap once. */
    unsigned char local[ASIDL_NDR_LOCAL_BUFFER];
    asidl_ndr_buffer out;
    asidl_ndr_buffer_init_local(&out, local, sizeof local);
    RPC_STATUS st = asidl_ndr_server_marshal(ndr, d->proc, d->args, &out);
    if (ndr == &own)
        asidl_ndr_call_cleanup(ndr);
    /* Everything the frame holds, and the context handles' new state, are settled before the
     * client can see the answer. (A handle made for a client that leaves before the reply
     * reaches it runs down with the client's association.) */
    asidl_ndr_server_free(d->proc, d->args, d->request, d->request_len);
    asidl__sctx_finish(d, st == RPC_S_OK);
    RPC_STATUS sent;
    if (st == RPC_S_OK)
        sent = asidl__scall_reply(d->scall, out.data, out.len);
    else
        sent = fault(d->scall, st, false);
    asidl_ndr_buffer_free(&out);
    asidl__dcall_put(d);
    return st != RPC_S_OK ? st : sent;
}

RPC_STATUS asidl__dcall_abort(asidl__dcall *d, RPC_STATUS code)
{
    asidl_ndr_server_free(d->proc, d->args, d->request, d->request_len);
    asidl__sctx_finish(d, false);
    RPC_STATUS sent = fault(d->scall, code, false);
    asidl__dcall_put(d);
    return sent;
}
