/*
 * sbinding.c: server binding handles, the handle_t a manager routine receives: it stands for
 * the call and its client. It is valid while the call is in progress and is not freed by the
 * application (RpcBindingFree refuses it with RPC_S_WRONG_KIND_OF_BINDING).
 *
 *   RpcServerTestCancel(h)         whether the client cancelled the call (h NULL: this thread's call)
 *   RpcBindingInqObject(h, &u)     the object UUID the request carried (nil without one)
 *   RpcBindingToStringBinding(h)   the client's address: "ncacn_ip_tcp:192.0.2.7", "ncalrpc:"
 *   RpcBindingServerFromClient(h)  a client binding to the caller's machine, without endpoint
 */
#include <stdlib.h>
#include <string.h>

#include "rpcrt.h"

RPC_STATUS RPC_ENTRY RpcServerTestCancel(RPC_BINDING_HANDLE BindingHandle)
{
    asidl__dcall *d;
    if (!BindingHandle) {
        d = asidl__dcall_current();
        if (!d)
            return RPC_S_NO_CALL_ACTIVE;
    } else {
        asidl__sbinding *b = asidl__sbinding_from(BindingHandle);
        if (!b)
            return RPC_S_INVALID_BINDING;
        d = b->call;
    }
    return asidl__scall_test_cancel(d->scall);
}

RPC_STATUS asidl__sbinding_inq_object(asidl__sbinding *b, UUID *object)
{
    asidl__scall *call = b->call->scall;
    if (call->has_object)
        *object = call->object;
    else
        memset(object, 0, sizeof *object);
    return RPC_S_OK;
}

static char *client_string_binding(const asidl__sbinding *b)
{
    const asidl__sconn *c = b->call->scall->conn;
    return asidl__strbind_compose(NULL, asidl__protseq_name(c->protseq),
                                  c->protseq == ASIDL_PROTSEQ_TCP ? c->peer : NULL, NULL, NULL);
}

RPC_STATUS asidl__sbinding_to_string(asidl__sbinding *b, char **out)
{
    *out = client_string_binding(b);
    return *out ? RPC_S_OK : RPC_S_OUT_OF_MEMORY;
}

RPC_STATUS RPC_ENTRY RpcBindingServerFromClient(RPC_BINDING_HANDLE ClientBinding, RPC_BINDING_HANDLE *ServerBinding)
{
    if (!ServerBinding)
        return RPC_S_INVALID_ARG;
    *ServerBinding = NULL;
    asidl__sbinding *b = asidl__sbinding_from(ClientBinding);
    if (!b)
        return asidl__binding_from(ClientBinding) ? RPC_S_WRONG_KIND_OF_BINDING : RPC_S_INVALID_BINDING;
    char *text = client_string_binding(b);
    if (!text)
        return RPC_S_OUT_OF_MEMORY;
    RPC_STATUS st = RpcBindingFromStringBindingA((RPC_CSTR)text, ServerBinding);
    free(text);
    return st;
}
