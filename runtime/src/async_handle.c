/*
 * async_handle.c: the RpcAsync* functions of the public API, on either side of a call.  The
 * handle's Lock field (reserved for the runtime) says whose it is: a client call in progress
 * (async_client.c), a server call in progress (async_server.c), initialised and unused, or
 * spent by RpcAsyncCompleteCall / RpcAsyncAbortCall and awaiting RpcAsyncInitializeHandle.
 */
#include <string.h>

#include "rpcrt.h"

RPC_STATUS RPC_ENTRY RpcAsyncInitializeHandle(PRPC_ASYNC_STATE pAsync, unsigned int Size)
{
    if (!pAsync || Size != sizeof(RPC_ASYNC_STATE))
        return RPC_S_INVALID_ARG;
    pAsync->Size = Size;
    pAsync->Signature = ASIDL_ASYNC_SIGNATURE;
    pAsync->Lock = ASIDL_ASYNC_READY;
    pAsync->Flags = 0;
    pAsync->StubInfo = NULL;
    pAsync->RuntimeInfo = NULL;
    memset(pAsync->Reserved, 0, sizeof pAsync->Reserved);
    return RPC_S_OK;
}

long asidl__async_state(PRPC_ASYNC_STATE s)
{
    if (!s || s->Size != sizeof(RPC_ASYNC_STATE) || s->Signature != ASIDL_ASYNC_SIGNATURE)
        return -1;
    return s->Lock;
}

/* Obsolete on Windows (the stubs did it); kept for code that still calls it. */
RPC_STATUS RPC_ENTRY RpcAsyncRegisterInfo(PRPC_ASYNC_STATE pAsync)
{
    return asidl__async_state(pAsync) < 0 ? RPC_S_INVALID_ASYNC_HANDLE : RPC_S_OK;
}

RPC_STATUS RPC_ENTRY RpcAsyncGetCallStatus(PRPC_ASYNC_STATE pAsync)
{
    switch (asidl__async_state(pAsync)) {
    case ASIDL_ASYNC_CLIENT:
        return asidl__acall_status(pAsync);
    case ASIDL_ASYNC_SERVER:
        return RPC_S_ASYNC_CALL_PENDING;     /* in progress until its manager completes it */
    case ASIDL_ASYNC_READY:
        return RPC_S_INVALID_BINDING;        /* no call yet (Windows' answer) */
    default:
        return RPC_S_INVALID_ASYNC_HANDLE;
    }
}

RPC_STATUS RPC_ENTRY RpcAsyncCompleteCall(PRPC_ASYNC_STATE pAsync, void *Reply)
{
    switch (asidl__async_state(pAsync)) {
    case ASIDL_ASYNC_CLIENT:
        return asidl__acall_complete(pAsync, Reply);
    case ASIDL_ASYNC_SERVER:
        return asidl__sasync_complete(pAsync, Reply);
    default:
        return RPC_S_INVALID_ASYNC_HANDLE;
    }
}

RPC_STATUS RPC_ENTRY RpcAsyncAbortCall(PRPC_ASYNC_STATE pAsync, unsigned long ExceptionCode)
{
    /* A client ends its call with RpcAsyncCancelCall. */
    return asidl__async_state(pAsync) == ASIDL_ASYNC_SERVER ? asidl__sasync_abort(pAsync, ExceptionCode)
                                                  : RPC_S_INVALID_ASYNC_HANDLE;
}

RPC_STATUS RPC_ENTRY RpcAsyncCancelCall(PRPC_ASYNC_STATE pAsync, BOOL fAbort)
{
    /* A server ends its call with RpcAsyncAbortCall. */
    return asidl__async_state(pAsync) == ASIDL_ASYNC_CLIENT ? asidl__acall_cancel(pAsync, fAbort != FALSE)
                                                  : RPC_S_INVALID_ASYNC_HANDLE;
}

RPC_BINDING_HANDLE RPC_ENTRY RpcAsyncGetCallHandle(PRPC_ASYNC_STATE pAsync)
{
    switch (asidl__async_state(pAsync)) {
    case ASIDL_ASYNC_CLIENT:
        return asidl__acall_binding(pAsync);
    case ASIDL_ASYNC_SERVER: {
        asidl__dcall *d = pAsync->RuntimeInfo;
        return &d->binding;
    }
    default:
        return NULL;
    }
}
