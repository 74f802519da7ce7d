/*
 * test_server_start.h: how the in-process RPC tests start their server and find it: listen on
 * ncacn_ip_tcp and ncalrpc with dynamic endpoints, register the interfaces, and give the
 * string bindings a client uses (TCP through the loopback address, so no name service is
 * needed; ncalrpc by endpoint name).
 */
#ifndef ASIDL_TEST_SERVER_START_H
#define ASIDL_TEST_SERVER_START_H

#include <stdbool.h>
#include <stdio.h>

#include <rpc.h>

#include "rpcrt.h"

typedef struct test_server {
    char tcp[128];
    char lrpc[256];
} test_server;

/* Registers the NULL-terminated interfaces and listens with `threads` minimum call threads;
 * false (after printing a TAP failure) when the server could not start. */
static inline bool test_server_start(test_server *s, const RPC_IF_HANDLE *ifaces, unsigned threads)
{
    s->tcp[0] = s->lrpc[0] = '\0';
    bool ok = RpcServerUseProtseqA((RPC_CSTR) "ncacn_ip_tcp", RPC_C_PROTSEQ_MAX_REQS_DEFAULT, NULL) == RPC_S_OK &&
              RpcServerUseProtseqA((RPC_CSTR) "ncalrpc", RPC_C_PROTSEQ_MAX_REQS_DEFAULT, NULL) == RPC_S_OK;
    for (const RPC_IF_HANDLE *i = ifaces; ok && *i; i++)
        ok = RpcServerRegisterIf(*i, NULL, NULL) == RPC_S_OK;
    ok = ok && RpcServerListen(threads, RPC_C_LISTEN_MAX_CALLS_DEFAULT, 1) == RPC_S_OK;
    RPC_BINDING_VECTOR *v = NULL;
    if (ok && RpcServerInqBindings(&v) == RPC_S_OK) {
        for (unsigned long i = 0; i < v->Count; i++) {
            asidl__binding *b = asidl__binding_from(v->BindingH[i]);
            if (b->protseq == ASIDL_PROTSEQ_TCP)
                snprintf(s->tcp, sizeof s->tcp, "ncacn_ip_tcp:127.0.0.1[%s]", b->endpoint);
            else
                snprintf(s->lrpc, sizeof s->lrpc, "ncalrpc:[%s]", b->endpoint);
        }
        RpcBindingVectorFree(&v);
    }
    if (!s->tcp[0] || !s->lrpc[0]) {
        printf("not ok - the test server starts\n");
        return false;
    }
    return true;
}

#endif
