/*
 * asidl_rpc.h: asidl's own additions to the RPC API (Linux-native, asidl-prefixed). Programs
 * written for Windows do not need it; include it for what Windows does not have.
 */
#ifndef ASIDL_RPC_H
#define ASIDL_RPC_H

#include "rpc.h"

ASIDL_EXTERN_C_BEGIN

/* Runs an endpoint mapper (the ept interface, e1af8308-5d1f-11c9-91a4-08002b14a0fa v3.0) in
 * this process, on ncacn_ip_tcp port `port`: NULL means $ASIDL_EPMAP_PORT, else 135; "0" an
 * ephemeral port. The port used is written to `actual` (may be NULL). The mapper serves at once,
 * whether or not the process calls RpcServerListen. It is what the asidl-epmd program runs.
 * Clients and servers find the mapper on port $ASIDL_EPMAP_PORT (135 when unset). */
RPCRTAPI RPC_STATUS RPC_ENTRY asidl_epm_serve(const char *port, char *actual, size_t actual_size);

ASIDL_EXTERN_C_END

#endif /* ASIDL_RPC_H */
