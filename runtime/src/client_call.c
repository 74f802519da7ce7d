/*
 * client_call.c: the entry point of every synchronous client stub (asidl_stub.h). One call:
 *
 *   1. the binding, by the procedure's rule: an explicit handle_t parameter, a generic handle
 *      bound by its <type>_bind routine, the binding of an [in] context handle, the interface's
 *      implicit handle variable, or an automatic binding (below);
 *   2. a binding without endpoint is completed first: the interface's [endpoint] for the
 *      protocol sequence, else the endpoint mapper on the server's machine;
 *   3. [in] parameters marshalled by the NDR engine, the request sent, the reply awaited on this
 *      thread (the protocol engine reads it itself), [out] parameters unmarshalled into the
 *      caller's memory;
 *   4. failure: the status is raised with RpcRaiseException, unless the procedure has
 *      [comm_status] / [fault_status] parameters (or return value): communication failures go
 *      to the [comm_status] one, faults the server sent to the [fault_status] one. Errors of
 *      the stub itself (bad binding, data that cannot be marshalled, a malformed reply) are
 *      always raised, as MIDL's stubs do.
 *
 * Automatic handles ([auto_handle]): Windows finds a server through a name service, which
 * Linux does not have. asidl uses the string binding in $ASIDL_AUTO_BINDING when set, else the
 * interface's first [endpoint] on this machine, else ncacn_ip_tcp on this machine through the
 * endpoint mapper; the binding is made once per interface and kept.
 */
#include <stdlib.h>
#include <string.h>

#include "rpcrt.h"
#include "asidl_stub.h"
#include "rpcndr.h"


/* ==================================================================== automatic binding */

typedef struct auto_binding {
    struct auto_binding *next;
    const asidl_interface *itf;
    RPC_BINDING_HANDLE h;
} auto_binding;

static pthread_mutex_t auto_lock = PTHREAD_MUTEX_INITIALIZER;
static auto_binding *autos;

static RPC_STATUS make_auto_binding(const asidl_interface *itf, RPC_BINDING_HANDLE *out)
{
    const char *env = getenv("ASIDL_AUTO_BINDING");
    if (env && *env)
        return RpcBindingFromStringBindingA((RPC_CSTR)env, out);
    for (const char *const *ep = itf->endpoints; ep && *ep; ep++)
        if (RpcBindingFromStringBindingA((RPC_CSTR)*ep, out) == RPC_S_OK)
            return RPC_S_OK;
    return RpcBindingFromStringBindingA((RPC_CSTR) "ncacn_ip_tcp:127.0.0.1", out);
}

static RPC_STATUS auto_binding_for(const asidl_interface *itf, RPC_BINDING_HANDLE *out)
{
    pthread_mutex_lock(&auto_lock);
    auto_binding *a = autos;
    while (a && a->itf != itf)
        a = a->next;
    RPC_STATUS st = RPC_S_OK;
    if (!a) {
        a = calloc(1, sizeof *a);
        st = a ? make_auto_binding(itf, &a->h) : RPC_S_OUT_OF_MEMORY;
        if (st == RPC_S_OK) {
            a->itf = itf;
            a->next = autos;
            autos = a;
        } else {
            free(a);
            a = NULL;
        }
    }
    *out = a ? a->h : NULL;
    pthread_mutex_unlock(&auto_lock);
    return st;
}

/* ==================================================================== binding rules */

static void *slot_pointer(void **args, unsigned i)
{
    void *p;
    memcpy(&p, args[i], sizeof p);
    return p;
}

RPC_STATUS asidl__client_binding(const asidl_interface *itf, const asidl_ndr_proc *proc, void **args,
                                 RPC_BINDING_HANDLE *out, bool *unbind)
{
    *out = NULL;
    *unbind = false;
    unsigned hp = proc->handle_param;
    bool param_ok = hp < proc->n_params;
    switch (proc->handle_kind) {
    case ASIDL_NDR_HANDLE_EXPLICIT:
        if (!param_ok)
            return RPC_S_INVALID_BINDING;
        *out = slot_pointer(args, hp);
        break;
    case ASIDL_NDR_HANDLE_GENERIC:
        if (!param_ok || !proc->generic_bind)
            return RPC_S_INVALID_BINDING;
        *out = proc->generic_bind(args[hp]);
        *unbind = *out != NULL && proc->generic_unbind;
        break;
    case ASIDL_NDR_HANDLE_CONTEXT: {
        if (!param_ok || !proc->params[hp].type)
            return RPC_S_INVALID_BINDING;
        /* the handle itself ([in]), or a pointer to it ([in,out]) */
        void *value = slot_pointer(args, hp);
        if (proc->params[hp].type->kind == ASIDL_NDR_POINTER)
            value = value ? *(void **)value : NULL;
        if (!value)
            return RPC_X_SS_IN_NULL_CONTEXT;
        asidl__cctxh *r = asidl__cctxh_from(value);
        if (!r)
            return RPC_X_SS_CONTEXT_MISMATCH;
        *out = r->binding;
        break;
    }
    case ASIDL_NDR_HANDLE_IMPLICIT: {
        RPC_BINDING_HANDLE *var = proc->implicit_handle ? (RPC_BINDING_HANDLE *)proc->implicit_handle
                                                        : itf->implicit_handle;
        if (!var)
            return RPC_S_INVALID_BINDING;
        *out = *var;
        break;
    }
    case ASIDL_NDR_HANDLE_AUTO: {
        RPC_STATUS st = auto_binding_for(itf, out);
        if (st != RPC_S_OK)
            return st;
        break;
    }
    default:                 /* object methods go through their proxy (a later issue) */
        return RPC_S_INVALID_BINDING;
    }
    return asidl__binding_from(*out) ? RPC_S_OK : RPC_S_INVALID_BINDING;
}

/* ==================================================================== the exchange */

typedef struct reply {
    asidl__ccall *call;                /* lends the bytes until it is released */
    const uint8_t *data;
    size_t len;
    uint8_t drep0;
} reply;

/* One request and its reply on the binding's association (a [maybe] request has none); *kind
 * says where a failure came from. While it waits, the calling thread runs the [callback]
 * routines of `itf` the server asks for. */
static RPC_STATUS exchange(asidl__assoc *a, const asidl__call_options *o, const asidl_interface *itf,
                           const asidl_ndr_proc *proc, const void *stub, size_t stub_len, reply *r,
                           asidl__failure_kind *kind)
{
    asidl__syntax_id iface;
    asidl__interface_syntax(itf, &iface);
    asidl__request req = { .iface = &iface, .opnum = proc->opnum, .object = o->has_object ? &o->object : NULL,
                           .stub = stub, .stub_len = stub_len, .timeout_ms = o->timeout_ms, .noncausal = o->noncausal,
                           .maybe = (proc->flags & ASIDL_NDR_PROC_MAYBE) != 0,
                           .callbacks = itf->callback_count ? itf : NULL };
    RPC_STATUS st = asidl__ccall_call(a, &req, &r->call, &r->data, &r->len);
    if (r->call) {
        r->drep0 = r->call->drep0;
        *kind = st == RPC_S_OK ? ASIDL_FAIL_NONE : r->call->faulted ? ASIDL_FAIL_FAULT : ASIDL_FAIL_COMM;
    } else {
        *kind = ASIDL_FAIL_COMM;
    }
    return st;
}

RPC_STATUS asidl__client_check_stub(const asidl_interface *itf, const asidl_ndr_proc *proc, void **args)
{
    if (!asidl__interface_from((RPC_IF_HANDLE)itf) || !proc || !args)
        return RPC_S_INVALID_ARG;
    if (proc->magic != ASIDL_NDR_MAGIC)
        return (proc->magic & 0xFFFFFF00u) == ASIDL_NDR_MAGIC_FAMILY ? RPC_X_WRONG_STUB_VERSION : RPC_S_INTERNAL_ERROR;
    return RPC_S_OK;
}

RPC_STATUS asidl__client_call_setup(asidl__binding *b, const asidl_interface *itf, asidl__assoc **a,
                                    asidl__call_options *o, bool *unresolved)
{
    bool bound;
    *unresolved = false;
    RPC_STATUS st = asidl__binding_call_setup_bound(b, a, o, &bound);
    if (st != RPC_S_OK || bound)
        return st;                 /* the usual case: one lock round trip */
    st = RpcEpResolveBinding(b, (RPC_IF_HANDLE)itf);
    if (st != RPC_S_OK) {
        *unresolved = true;
        return st;
    }
    return asidl__binding_call_setup(b, a, o);
}

static RPC_STATUS run_call(const asidl_interface *itf, const asidl_ndr_proc *proc, void **args, asidl__failure_kind *kind)
{
    *kind = ASIDL_FAIL_LOCAL;
    RPC_STATUS checked = asidl__client_check_stub(itf, proc, args);
    if (checked != RPC_S_OK)
        return checked;
    RPC_BINDING_HANDLE h;
    bool unbind;
    RPC_STATUS st = asidl__client_binding(itf, proc, args, &h, &unbind);
    if (st != RPC_S_OK)
        return st;
    asidl__assoc *a;
    asidl__call_options o;
    bool unresolved;
    st = asidl__client_call_setup(asidl__binding_from(h), itf, &a, &o, &unresolved);
    if (unresolved)
        *kind = ASIDL_FAIL_COMM;

    asidl_ndr_call ndr;
    asidl_ndr_call_init(&ndr, ASIDL_NDR_CLIENT);
    asidl__cctx_call cc = { .binding = h };
    ndr.hooks = &asidl__client_context_hooks;
    ndr.hook_ctx = &cc;
    /* Marshalled straight away, without a sizing pass: a small request fits the stack, and a
     * large one moves to the heap once, when its largest item (usually one array) arrives. */
    unsigned char local[ASIDL_NDR_LOCAL_BUFFER];
    asidl_ndr_buffer request;
    asidl_ndr_buffer_init_local(&request, local, sizeof local);
    if (st == RPC_S_OK)
        st = asidl_ndr_client_marshal(&ndr, proc, args, &request);
    reply r = { NULL, NULL, 0, ASIDL_NDR_DREP_LITTLE_ENDIAN };
    if (st == RPC_S_OK) {
        asidl__stats_add(RPC_C_STATS_CALLS_OUT, 1);
        st = exchange(a, &o, itf, proc, request.data, request.len, &r, kind);
    }
    asidl_ndr_buffer_free(&request);
    if (st == RPC_S_OK) {
        /* a [maybe] call has no reply, and nothing to unmarshal */
        if (!(proc->flags & ASIDL_NDR_PROC_MAYBE))
            st = asidl_ndr_client_unmarshal(&ndr, proc, args, r.data, r.len, r.drep0);
        *kind = st == RPC_S_OK ? ASIDL_FAIL_NONE : ASIDL_FAIL_LOCAL;
        asidl__cctx_call_finish(&cc, st == RPC_S_OK);
    } else {
        asidl__cctx_call_finish(&cc, false);
    }
    if (r.call)
        asidl__ccall_release(r.call);
    if (a)
        asidl__assoc_release(a);
    asidl_ndr_call_cleanup(&ndr);
    if (unbind)
        proc->generic_unbind(args[proc->handle_param], h);
    return st;
}

bool asidl__client_deliver_status(const asidl_ndr_proc *proc, void **args, RPC_STATUS st, asidl__failure_kind kind)
{
    if (!(proc->flags & ASIDL_NDR_PROC_COMM_STATUS))
        return kind == ASIDL_FAIL_NONE;
    unsigned want = kind == ASIDL_FAIL_FAULT ? ASIDL_NDR_PARAM_FAULT_STATUS : ASIDL_NDR_PARAM_COMM_STATUS;
    bool delivered = false;
    for (unsigned i = 0; i < proc->n_params; i++) {
        const asidl_ndr_param *p = &proc->params[i];
        unsigned which = p->flags & (ASIDL_NDR_PARAM_COMM_STATUS | ASIDL_NDR_PARAM_FAULT_STATUS);
        if (!which)
            continue;
        error_status_t *target = (p->flags & ASIDL_NDR_PARAM_RETURN) ? (error_status_t *)args[i]
                                                                     : (error_status_t *)slot_pointer(args, i);
        if (!target)
            continue;
        if (kind == ASIDL_FAIL_NONE) {
            if (!(p->flags & ASIDL_NDR_PARAM_RETURN))
                *target = 0;                   /* error_status_ok; a return value is the manager's */
            delivered = true;
        } else if ((which & want) && kind != ASIDL_FAIL_LOCAL) {
            *target = (error_status_t)(uint32_t)st;
            delivered = true;
        }
    }
    return kind == ASIDL_FAIL_NONE || delivered;
}

RPC_STATUS asidl__client_call_status(const asidl_interface *itf, const asidl_ndr_proc *proc, void **args)
{
    asidl__failure_kind kind;
    return run_call(itf, proc, args, &kind);
}

void asidl_client_call(const asidl_interface *itf, const asidl_ndr_proc *proc, void **args)
{
    asidl__failure_kind kind;
    RPC_STATUS st = run_call(itf, proc, args, &kind);
    if (!asidl__client_deliver_status(proc, args, st, kind))
        RpcRaiseException(st);
}
