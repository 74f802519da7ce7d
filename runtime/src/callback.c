/*
 * callback.c: [callback] operations at the stub level ([MS-RPCE] 2.2.4.2, 3.3.1.5.9).
 *
 * A callback is a procedure of the interface that runs on the CLIENT, called by a manager
 * routine while it executes a call of that interface. On the wire it is an ordinary call in
 * the other direction on the same connection: the server sends request PDUs carrying the
 * executing call's call_id and presentation context and the callback's own opnum (callbacks
 * are numbered apart from the other operations), the client answers with response (or fault)
 * PDUs of that call_id, and the call itself goes on.
 *
 *   server   asidl_server_callback (the stub of the callback in foo_s.c): on the thread running
 *            the manager, marshals the [in] parameters, sends the request and waits for the
 *            answer (asidl__scall_callback: another worker reads meanwhile), unmarshals the
 *            [out] parameters. Failures raise, or go to [comm_status] / [fault_status].
 *   client   asidl__ccall_serve_callback: the thread waiting for the call (or, for an
 *            asynchronous call, a runtime worker) unmarshals the [in] parameters into a frame,
 *            calls the application's routine from the interface's callback EPV (foo_c.c)
 *            through libffi or the stub's invoker, and answers with the [out] parameters, or
 *            with a fault: the routine's exception code, or op_rng_error (did not execute)
 *            for a callback the client does not have.
 *
 * A callback may itself make calls on the same binding: they are new calls (their own
 * call_id) on the connection, served by another server worker while the manager waits.
 */
#include <stdlib.h>
#include <string.h>

#include "rpcrt.h"
#include "asidl_stub.h"
#include "rpcndr.h"

/* ==================================================================== the client's side */

typedef void (*routine_fn)(void);

void asidl__ccall_serve_callback(asidl__ccall *call, uint16_t opnum, uint8_t drep0, bool maybe, uint8_t *request,
                                 size_t request_len)
{
    const asidl_interface *itf = call->callbacks;
    const asidl_ndr_proc *proc = itf && itf->callbacks && opnum < itf->callback_count ? itf->callbacks[opnum] : NULL;
    routine_fn routine = proc && itf->callback_epv ? ((const routine_fn *)itf->callback_epv)[opnum] : NULL;
    asidl_server_invoker *invoker = proc && itf->callback_invokers ? itf->callback_invokers[opnum] : NULL;
    if (!routine) {
        free(request);
        asidl__ccall_callback_answer(call, maybe, RPC_S_PROCNUM_OUT_OF_RANGE, true, NULL, 0);
        return;
    }
    if (proc->magic != ASIDL_NDR_MAGIC) {
        free(request);
        asidl__ccall_callback_answer(call, maybe, RPC_X_WRONG_STUB_VERSION, true, NULL, 0);
        return;
    }

    /* One block: the frame's pointers, then the frame. */
    size_t align = _Alignof(max_align_t);
    size_t head = (sizeof(void *) * (proc->n_params + 1u) + align - 1) & ~(align - 1);
    unsigned char *block = calloc(1, head + asidl_ndr_frame_size(proc));
    asidl__ffi_proc *fproc = NULL;
    RPC_STATUS st = block ? RPC_S_OK : RPC_S_OUT_OF_MEMORY;
    if (st == RPC_S_OK && !invoker)
        st = asidl__ffi_proc_new(proc, &fproc, NULL);
    if (st != RPC_S_OK) {
        free(block);
        free(request);
        asidl__ccall_callback_answer(call, maybe, st, true, NULL, 0);
        return;
    }
    void **args = (void **)block;
    asidl_ndr_frame_init(proc, block + head, args);
    /* [comm_status] / [fault_status] parameters do not travel: they get storage of their own */
    unsigned long status_slot = 0;
    for (unsigned i = 0; i < proc->n_params; i++) {
        const asidl_ndr_param *p = &proc->params[i];
        if ((p->flags & ASIDL_NDR_PARAM_NOWIRE) && !(p->flags & ASIDL_NDR_PARAM_RETURN) &&
            p->ctype == ASIDL_NDR_C_PTR && p->mem_size == sizeof(void *)) {
            void *slot = &status_slot;
            memcpy(args[i], &slot, sizeof slot);
        }
    }

    asidl_ndr_call ndr;
    asidl_ndr_call_init(&ndr, ASIDL_NDR_SERVER);
    ndr.in_place = 1;
    st = asidl_ndr_server_unmarshal(&ndr, proc, args, request, request_len, drep0);
    asidl_ndr_call_cleanup(&ndr);
    bool ran = false;
    if (st == RPC_S_OK) {
        ran = true;
        RpcTryExcept {
            if (invoker)
                invoker(itf->callback_epv, NULL, args);
            else
                asidl__ffi_proc_call(fproc, routine, args);
        } RpcExcept(EXCEPTION_EXECUTE_HANDLER) {
            st = (RPC_STATUS)RpcExceptionCode();
            if (st == RPC_S_OK)
                st = RPC_S_CALL_FAILED;  /* an exception that claims success is still a failure */
        } RpcEndExcept
    }
    /* No sizing pass: a small reply stays on the stack, a large one moves to the heap once
     * (the answer is written or copied before asidl__ccall_callback_answer returns). */
    unsigned char local[ASIDL_NDR_LOCAL_BUFFER];
    asidl_ndr_buffer out;
    asidl_ndr_buffer_init_local(&out, local, sizeof local);
    if (st == RPC_S_OK && !maybe) {
        asidl_ndr_call_init(&ndr, ASIDL_NDR_SERVER);
        st = asidl_ndr_server_marshal(&ndr, proc, args, &out);
        asidl_ndr_call_cleanup(&ndr);
    }
    if (ran)
        asidl_ndr_server_free(proc, args, request, request_len);
    asidl__ccall_callback_answer(call, maybe, st, false, out.data, out.len);
    asidl_ndr_buffer_free(&out);
    asidl__ffi_proc_free(fproc);
    free(block);
    free(request);
}

/* ==================================================================== the server's side */

static RPC_STATUS run_callback(const asidl_interface *itf, const asidl_ndr_proc *proc, void **args,
                               asidl__failure_kind *kind)
{
    *kind = ASIDL_FAIL_LOCAL;
    RPC_STATUS checked = asidl__client_check_stub(itf, proc, args);
    if (checked != RPC_S_OK)
        return checked;
    /* Only inside a call of the callback's interface, on the thread running its manager; an
     * [async] call may be completed by another thread at any moment, so it makes none. */
    asidl__dcall *d = asidl__dcall_current();
    if (!d || !d->rif || !d->rif->itf || !asidl__uuid_equal(&d->rif->itf->uuid, &itf->uuid) ||
        d->rif->itf->major != itf->major)
        return RPC_S_NO_CALL_ACTIVE;
    if (d->async_state)
        return RPC_S_CANNOT_SUPPORT;

    asidl_ndr_call ndr;
    asidl_ndr_call_init(&ndr, ASIDL_NDR_CLIENT);
    /* No sizing pass: a small request stays on the stack (the call waits for its answer, so
     * the request outlives its sending), a large one moves to the heap once. */
    unsigned char local[ASIDL_NDR_LOCAL_BUFFER];
    asidl_ndr_buffer request;
    asidl_ndr_buffer_init_local(&request, local, sizeof local);
    RPC_STATUS st = asidl_ndr_client_marshal(&ndr, proc, args, &request);
    uint8_t *reply = NULL;
    size_t reply_len = 0;
    if (st == RPC_S_OK) {
        bool maybe = (proc->flags & ASIDL_NDR_PROC_MAYBE) != 0, faulted = false;
        uint8_t drep0;
        st = asidl__scall_callback(d->scall, proc->opnum, maybe, request.data, request.len, &reply, &reply_len,
                                   &drep0, &faulted);
        *kind = st == RPC_S_OK ? ASIDL_FAIL_NONE : faulted ? ASIDL_FAIL_FAULT : ASIDL_FAIL_COMM;
        if (st == RPC_S_OK && !maybe) {
            st = asidl_ndr_client_unmarshal(&ndr, proc, args, reply, reply_len, drep0);
            *kind = st == RPC_S_OK ? ASIDL_FAIL_NONE : ASIDL_FAIL_LOCAL;
        }
    }
    free(reply);
    asidl_ndr_buffer_free(&request);
    asidl_ndr_call_cleanup(&ndr);
    return st;
}

void asidl_server_callback(const asidl_interface *itf, const asidl_ndr_proc *proc, void **args)
{
    asidl__failure_kind kind;
    RPC_STATUS st = run_callback(itf, proc, args, &kind);
    if (!asidl__client_deliver_status(proc, args, st, kind))
        RpcRaiseException(st);
}
