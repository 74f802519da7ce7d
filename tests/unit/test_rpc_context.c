/*
 * Context handles end to end: created by a manager's [out] parameter, used as the binding of
 * later calls, closed by the manager, run down (the type's rundown routine) when the client's
 * association goes away, forgotten on the client with RpcSsDestroyClientContext, confined to
 * their association and (when strict) to their interface, and serialized.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "calc_server.h"
#include "rpcrt.h"
#include "test.h"
#include "test_server_start.h"

static const char *tcp_binding, *lrpc_binding;

static RPC_BINDING_HANDLE bind_text(const char *text)
{
    RPC_BINDING_HANDLE h = NULL;
    if (RpcBindingFromStringBindingA((RPC_CSTR)text, &h) != RPC_S_OK)
        return NULL;
    return h;
}

static int rundowns(void)
{
    return __atomic_load_n(&calc_rundowns, __ATOMIC_SEQ_CST);
}

/* Rundowns happen on the server's thread that saw the association end: wait a little. */
static bool wait_rundowns(int expected)
{
    for (int i = 0; i < 500 && rundowns() < expected; i++)
        sleep_ms(10);
    sleep_ms(20);
    return rundowns() == expected;
}

TEST(a_handle_is_made_used_as_binding_and_closed)
{
    RPC_BINDING_HANDLE h = bind_text(tcp_binding);
    CTX c = NULL;
    unsigned before = asidl__sctx_count();
    int down = rundowns();
    CHECK_EQ_INT(c_Open(h, 41, &c), 0);
    CHECK(c != NULL);
    CHECK_EQ_INT(asidl__sctx_count(), before + 1);
    /* the handle carries its own binding: the one it was made on can go */
    RpcBindingFree(&h);
    CHECK_EQ_INT(c_Read(c), 41);
    CHECK_EQ_INT(c_PeekLoose(c), 41);       /* another interface may use it ... */
    CHECK_EQ_INT(CALL_STATUS(c_PeekStrict(c)), RPC_X_SS_CONTEXT_MISMATCH);   /* ... unless strict */
    CTX keep = c;
    c_Close(&c);
    CHECK(c == NULL);
    CHECK_EQ_INT(asidl__sctx_count(), before);
    CHECK_EQ_INT(rundowns(), down);          /* closed by its manager: no rundown */
    (void)keep;
    CHECK_EQ_INT(blocks_live(), 0);
}

TEST(null_and_foreign_handles_are_refused_before_anything_is_sent)
{
    CHECK_EQ_INT(CALL_STATUS(c_Read(NULL)), RPC_X_SS_IN_NULL_CONTEXT);
    long not_a_handle[8] = { 0 };
    CHECK_EQ_INT(CALL_STATUS(c_Read(not_a_handle)), RPC_X_SS_CONTEXT_MISMATCH);
    CTX none = NULL;
    CHECK_EQ_INT(CALL_STATUS(c_Close(&none)), RPC_X_SS_IN_NULL_CONTEXT);   /* binds through it */
    void *v = NULL;
    RpcSsDestroyClientContext(&v);           /* NULL: nothing to do */
    CHECK_EQ_INT(CALL_STATUS(RpcSsDestroyClientContext((void **)&(void *){ not_a_handle })),
                 RPC_X_SS_CONTEXT_MISMATCH);
}

TEST(handles_run_down_when_the_client_association_ends)
{
    int down = rundowns();
    RPC_BINDING_HANDLE h = bind_text(lrpc_binding);
    CTX c[3] = { NULL, NULL, NULL };
    for (int i = 0; i < 3; i++)
        CHECK_EQ_INT(c_Open(h, i, &c[i]), 0);
    RpcBindingFree(&h);
    /* The handles keep the association: nothing runs down while they live. */
    CHECK_EQ_INT(c_Read(c[2]), 2);
    sleep_ms(50);
    CHECK_EQ_INT(rundowns(), down);
    /* The client forgets them without telling the server; with the last one the association
     * closes and the server runs all three down. */
    for (int i = 0; i < 3; i++) {
        RpcSsDestroyClientContext(&c[i]);
        CHECK(c[i] == NULL);
    }
    CHECK(wait_rundowns(down + 3));
    CHECK_EQ_INT(asidl__sctx_count(), 0);
}

TEST(handles_run_down_when_the_client_connection_breaks)
{
    int down = rundowns();
    RPC_BINDING_HANDLE h = bind_text(tcp_binding);
    CTX c = NULL;
    CHECK_EQ_INT(c_Open(h, 7, &c), 0);
    /* As if the client process died: its connection goes without a goodbye. */
    asidl__assoc *a = asidl__binding_from(h)->assoc;
    pthread_mutex_lock(&a->lock);
    for (asidl__cconn *conn = a->conns; conn; conn = conn->next)
        shutdown(conn->src.fd, SHUT_RDWR);
    pthread_mutex_unlock(&a->lock);
    CHECK(wait_rundowns(down + 1));
    /* The client's record is stale now: the server no longer knows the handle. A new
     * connection in the same association group is refused by the server (the group is gone). */
    CHECK(CALL_STATUS(c_Read(c)) != 0);
    RpcSsDestroyClientContext(&c);
    RpcBindingFree(&h);
    CHECK_EQ_INT(asidl__sctx_count(), 0);
}

TEST(a_handle_works_only_in_its_own_association)
{
    RPC_BINDING_HANDLE h = bind_text(tcp_binding), other = bind_text(tcp_binding);
    CTX c = NULL;
    CHECK_EQ_INT(c_Open(h, 9, &c), 0);
    /* the same 20 bytes sent on another association */
    asidl__cctxh *r = asidl__cctxh_from(c);
    uint8_t wire[20] = { 0 };
    memcpy(wire + 4, &r->uuid, 16);         /* little-endian host: the NDR order */
    asidl__syntax_id calc = { CALC_UUID, ASIDL_SYNTAX_VERSION(1, 0) };
    uint8_t *out = NULL;
    size_t out_len = 0;
    CHECK_EQ_INT(asidl__client_call(asidl__binding_from(other), &calc, 10, wire, sizeof wire, &out, &out_len),
                 RPC_X_SS_CONTEXT_MISMATCH);
    /* and on its own association it is accepted */
    CHECK_EQ_INT(asidl__client_call(asidl__binding_from(h), &calc, 10, wire, sizeof wire, &out, &out_len), RPC_S_OK);
    CHECK(out_len == 4 && out[0] == 9);
    free(out);
    c_Close(&c);
    RpcBindingFree(&h);
    RpcBindingFree(&other);
}

struct slow_arg {
    CTX c;
    long result;
};

static void *slow_thread(void *p)
{
    struct slow_arg *a = p;
    a->result = c_Slow(a->c, 150);
    return NULL;
}

TEST(calls_on_one_serialized_handle_run_one_at_a_time)
{
    RPC_BINDING_HANDLE h = bind_text(tcp_binding);
    CTX one = NULL, two = NULL;
    CHECK_EQ_INT(c_Open(h, 1, &one), 0);
    CHECK_EQ_INT(c_Open(h, 2, &two), 0);
    struct slow_arg args[4] = { { one, 0 }, { one, 0 }, { one, 0 }, { two, 0 } };
    /* three calls on one handle: never two at once */
    __atomic_store_n(&slow_max_in_flight, 0, __ATOMIC_SEQ_CST);
    pthread_t t[4];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, slow_thread, &args[i]);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    CHECK_EQ_INT(__atomic_load_n(&slow_max_in_flight, __ATOMIC_SEQ_CST), 1);
    for (int i = 0; i < 3; i++)
        CHECK_EQ_INT(args[i].result, 1);
    /* calls on two handles run together */
    __atomic_store_n(&slow_max_in_flight, 0, __ATOMIC_SEQ_CST);
    pthread_create(&t[0], NULL, slow_thread, &args[0]);
    pthread_create(&t[3], NULL, slow_thread, &args[3]);
    pthread_join(t[0], NULL);
    pthread_join(t[3], NULL);
    CHECK_EQ_INT(__atomic_load_n(&slow_max_in_flight, __ATOMIC_SEQ_CST), 2);
    CHECK_EQ_INT(args[3].result, 2);
    c_Close(&one);
    c_Close(&two);
    RpcBindingFree(&h);
}

TEST(unregistering_with_rundown_runs_down_the_interfaces_handles)
{
    RPC_BINDING_HANDLE h = bind_text(tcp_binding);
    CTX c = NULL;
    CHECK_EQ_INT(c_Open(h, 5, &c), 0);
    int down = rundowns();
    CHECK_EQ_INT(RpcServerUnregisterIfEx((RPC_IF_HANDLE)&calc_server_if, NULL, 1), RPC_S_OK);
    CHECK_EQ_INT(rundowns(), down + 1);
    CHECK_EQ_INT(RpcServerRegisterIf((RPC_IF_HANDLE)&calc_server_if, NULL, NULL), RPC_S_OK);
    CHECK_EQ_INT(CALL_STATUS(c_Read(c)), RPC_X_SS_CONTEXT_MISMATCH);
    RpcSsDestroyClientContext(&c);
    RpcBindingFree(&h);
}

int main(void)
{
    const RPC_IF_HANDLE ifaces[] = { (RPC_IF_HANDLE)&calc_server_if, (RPC_IF_HANDLE)&peek_server_if, NULL };
    test_server server;
    if (!test_server_start(&server, ifaces, 2))
        return 1;
    tcp_binding = server.tcp;
    lrpc_binding = server.lrpc;
    RUN(a_handle_is_made_used_as_binding_and_closed);
    RUN(null_and_foreign_handles_are_refused_before_anything_is_sent);
    RUN(handles_run_down_when_the_client_association_ends);
    RUN(handles_run_down_when_the_client_connection_breaks);
    RUN(a_handle_works_only_in_its_own_association);
    RUN(calls_on_one_serialized_handle_run_one_at_a_time);
    RUN(unregistering_with_rundown_runs_down_the_interfaces_handles);
    RpcMgmtStopServerListening(NULL);
    asidl__rpc_server_reset();
    asidl__rt_shutdown();
    CHECK_EQ_INT(blocks_live(), 0);
    CHECK_EQ_INT(asidl__sctx_count(), 0);
    return test_exit();
}
