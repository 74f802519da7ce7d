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

/* The server's protective limits (one RPC server per process). Zero fields keep their value. */
typedef struct asidl_server_limits {
    unsigned long max_connections;     /* more are accepted and closed at once (default 4096) */
    unsigned long max_request_bytes;   /* a request's stub data, all fragments (default 4 MiB) */
    unsigned long max_pending_calls;   /* calls received and not yet answered; more are refused with
                                          RPC_S_SERVER_TOO_BUSY (default 65536) */
    unsigned long read_timeout_ms;     /* a PDU that takes longer to arrive closes its connection
                                          (default 30000) */
} asidl_server_limits;

/* Sets the limits; they apply to connections and requests from now on. RPC_S_INVALID_ARG for a
 * NULL pointer or a request limit beyond what a reassembly can hold (1 GiB). */
RPCRTAPI RPC_STATUS RPC_ENTRY asidl_server_set_limits(const asidl_server_limits *limits);
RPCRTAPI RPC_STATUS RPC_ENTRY asidl_server_get_limits(asidl_server_limits *limits);

ASIDL_EXTERN_C_END

#endif /* ASIDL_RPC_H */
