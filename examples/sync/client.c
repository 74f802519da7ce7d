/*
 * The kvstore client: binds to the server named on the command line, calls every operation,
 * and shows how a failure arrives: as an RPC exception, caught with RpcTryExcept.
 *
 *   client ncacn_ip_tcp 127.0.0.1 5050     client ncalrpc "" kvstore
 *   client ncacn_ip_tcp 127.0.0.1          (no endpoint: the endpoint mapper finds it)
 * With --shutdown last, it also asks the server to stop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kvstore.h"

static int run(handle_t binding, int shutdown)
{
    char *greeting = NULL;
    KV_SESSION session = NULL;
    long value = 0;
    int failed = 0;
    RpcTryExcept {
        Hello(binding, "example client", &greeting);
        printf("client: %s\n", greeting);
        midl_user_free(greeting);

        OpenSession(binding, &session);
        Put(session, L"apples", 3);
        Put(session, L"pears", 7);
        Put(session, L"apples", 5);
        Get(session, L"apples", &value);
        printf("client: apples = %ld\n", value);

        long values[] = { 4, 8, 15, 16, 23, 42 };
        KV_STATS stats;
        Stats(binding, 6, values, &stats);
        printf("client: %ld values, total %lld, mean %.2f\n", stats.count, (long long)stats.total, stats.mean);
    } RpcExcept(RpcExceptionFilter(RpcExceptionCode())) {
        printf("client: call failed with exception %lu\n", RpcExceptionCode());
        failed = 1;
    } RpcEndExcept

    /* A failure raised by the manager routine arrives with its code. */
    RpcTryExcept {
        Get(session, L"plums", &value);
        printf("client: plums = %ld (unexpected)\n", value);
        failed = 1;
    } RpcExcept(RpcExceptionFilter(RpcExceptionCode())) {
        printf("client: Get(plums) raised %lu%s\n", RpcExceptionCode(),
               RpcExceptionCode() == KV_E_NOT_FOUND ? " (KV_E_NOT_FOUND, from the server)" : "");
        failed |= RpcExceptionCode() != KV_E_NOT_FOUND;
    } RpcEndExcept

    RpcTryExcept {
        CloseSession(&session);
        printf("client: session closed (%s)\n", session ? "still set" : "handle now NULL");
        if (shutdown)
            Shutdown(binding);
    } RpcExcept(RpcExceptionFilter(RpcExceptionCode())) {
        printf("client: call failed with exception %lu\n", RpcExceptionCode());
        failed = 1;
    } RpcEndExcept
    return failed;
}

int main(int argc, char **argv)
{
    int shutdown = argc > 1 && strcmp(argv[argc - 1], "--shutdown") == 0;
    if (shutdown)
        argc--;
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s PROTSEQ NETWORK_ADDRESS [ENDPOINT] [--shutdown]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    RPC_CSTR text = NULL;
    handle_t binding = NULL;
    RPC_STATUS st = RpcStringBindingCompose(NULL, (RPC_CSTR)argv[1], (RPC_CSTR)argv[2],
                                            argc > 3 ? (RPC_CSTR)argv[3] : NULL, NULL, &text);
    if (st == RPC_S_OK)
        st = RpcBindingFromStringBinding(text, &binding);
    RpcStringFree(&text);
    if (st != RPC_S_OK) {
        fprintf(stderr, "client: bad binding (%ld)\n", (long)st);
        return 1;
    }
    int failed = run(binding, shutdown);
    RpcBindingFree(&binding);
    return failed;
}
