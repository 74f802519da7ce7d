/*
 * rpc.h: the RPC runtime API, as on Windows: base types and Windows objects (windows.h),
 * DCE RPC (rpcdce.h), RPC status names (rpcnterr.h), asynchronous RPC (rpcasync.h) and the
 * RpcTryExcept / RpcTryFinally exception blocks (asidl_except.h).
 * Generated headers include it first, then rpcndr.h.
 */
#ifndef __RPC_H__
#define __RPC_H__

#include "windows.h"
#include "rpcdce.h"
#include "rpcnterr.h"
#include "rpcasync.h"
#include "asidl_except.h"

#endif /* __RPC_H__ */
