/*
 * interface.c: interface specifications (RPC_IF_HANDLE). A generated stub file describes each
 * interface once per side with a `const asidl_interface` (asidl_stub.h), and the handle is
 * that object's address; the runtime checks its magic and ABI version before trusting it.
 */
#include "rpcrt.h"
#include "asidl_stub.h"
#include "rpcndr.h"

const asidl_interface *asidl__interface_from(RPC_IF_HANDLE h)
{
    const asidl_interface *itf = h;
    if (!itf || itf->magic != ASIDL_INTERFACE_MAGIC || itf->abi_version != ASIDL_ABI_VERSION)
        return NULL;
    if (itf->proc_count && !itf->procs)
        return NULL;
    return itf;
}

void asidl__interface_syntax(const asidl_interface *itf, asidl__syntax_id *out)
{
    out->uuid = itf->uuid;
    out->version = ASIDL_SYNTAX_VERSION(itf->major, itf->minor);
}

RPC_STATUS RPC_ENTRY RpcIfInqId(RPC_IF_HANDLE RpcIfHandle, RPC_IF_ID *RpcIfId)
{
    const asidl_interface *itf = asidl__interface_from(RpcIfHandle);
    if (!itf || !RpcIfId)
        return RPC_S_INVALID_ARG;
    RpcIfId->Uuid = itf->uuid;
    RpcIfId->VersMajor = itf->major;
    RpcIfId->VersMinor = itf->minor;
    return RPC_S_OK;
}
