/*
 * The server API's life cycle, in the order a program goes through it: protocol sequences and
 * endpoints (RpcServerUseProtseq*), registration before listening, RpcServerListen with and
 * without DontWait, RpcMgmtStopServerListening from a manager routine, RpcMgmtWaitServerListen,
 * MaxCalls, auto-listen interfaces, well-known endpoints, and the binding rules of the client
 * stubs (implicit and automatic handles, bindings without endpoint).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "calc_server.h"
#include "rpcrt.h"
#include "test.h"

static char tcp_endpoint[32];

static RPC_BINDING_HANDLE tcp_binding(void)
{
    char text[128];
    snprintf(text, sizeof text, "ncacn_ip_tcp:127.0.0.1[%s]", tcp_endpoint);
    RPC_BINDING_HANDLE h = NULL;
    RpcBindingFromStringBindingA((RPC_CSTR)text, &h);
    return h;
}

static bool call_add(RPC_BINDING_HANDLE h, unsigned long *code)
{
    long sum = 0;
    *code = CALL_STATUS(c_Add(h, 2, 2, &sum));
    return *code == 0 && sum == 4;
}

TEST(nothing_to_listen_on_until_a_protocol_sequence_is_used)
{
    CHECK_EQ_INT(RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, 1), RPC_S_NO_PROTSEQS_REGISTERED);
    CHECK_EQ_INT(RpcMgmtWaitServerListen(), RPC_S_NOT_LISTENING);
    CHECK_EQ_INT(RpcMgmtStopServerListening(NULL), RPC_S_NOT_LISTENING);
    CHECK_EQ_INT(RpcMgmtIsServerListening(NULL), RPC_S_NOT_LISTENING);
    RPC_BINDING_VECTOR *v = (RPC_BINDING_VECTOR *)1;
    CHECK_EQ_INT(RpcServerInqBindings(&v), RPC_S_NO_BINDINGS);
    CHECK(v == NULL);
}

TEST(protocol_sequences_and_endpoints_are_checked)
{
    CHECK_EQ_INT(RpcServerUseProtseqA((RPC_CSTR) "ncacn_np", 10, NULL), RPC_S_PROTSEQ_NOT_SUPPORTED);
    CHECK_EQ_INT(RpcServerUseProtseqA((RPC_CSTR) "tcp", 10, NULL), RPC_S_INVALID_RPC_PROTSEQ);
    CHECK_EQ_INT(RpcServerUseProtseqA(NULL, 10, NULL), RPC_S_INVALID_RPC_PROTSEQ);
    CHECK_EQ_INT(RpcServerUseProtseqEpA((RPC_CSTR) "ncacn_ip_tcp", 10, (RPC_CSTR) "http", NULL),
                 RPC_S_INVALID_ENDPOINT_FORMAT);
    CHECK_EQ_INT(RpcServerUseProtseqEpA((RPC_CSTR) "ncacn_ip_tcp", 10, (RPC_CSTR) "70000", NULL),
                 RPC_S_INVALID_ENDPOINT_FORMAT);
    CHECK_EQ_INT(RpcServerUseProtseqEpA((RPC_CSTR) "ncalrpc", 10, (RPC_CSTR) "a/b", NULL),
                 RPC_S_INVALID_ENDPOINT_FORMAT);
    CHECK_EQ_INT(RpcServerUseProtseqEpA((RPC_CSTR) "ncalrpc", 10, NULL, NULL), RPC_S_INVALID_ENDPOINT_FORMAT);
    /* a port another socket holds */
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
    socklen_t len = sizeof a;
    CHECK(bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && listen(fd, 1) == 0 &&
          getsockname(fd, (struct sockaddr *)&a, &len) == 0);
    char port[16];
    snprintf(port, sizeof port, "%u", ntohs(a.sin6_port));
    CHECK_EQ_INT(RpcServerUseProtseqEpA((RPC_CSTR) "ncacn_ip_tcp", 10, (RPC_CSTR)port, NULL), RPC_S_DUPLICATE_ENDPOINT);
    close(fd);
    /* now it is free: the W form, twice (the second time there is nothing to do) */
    wchar_t wport[16];
    swprintf(wport, 16, L"%s", port);
    CHECK_EQ_INT(RpcServerUseProtseqEpW(L"ncacn_ip_tcp", 10, wport, NULL), RPC_S_OK);
    CHECK_EQ_INT(RpcServerUseProtseqEpW(L"ncacn_ip_tcp", 10, wport, NULL), RPC_S_OK);
    snprintf(tcp_endpoint, sizeof tcp_endpoint, "%s", port);
    CHECK_EQ_INT(RpcServerUseProtseqW(L"ncalrpc", 10, NULL), RPC_S_OK);
    RPC_BINDING_VECTOR *v = NULL;
    CHECK_EQ_INT(RpcServerInqBindings(&v), RPC_S_OK);
    CHECK(v && v->Count == 2);
    RpcBindingVectorFree(&v);
}

static pthread_t listener;
static RPC_STATUS listener_status = -1;

static void *listen_blocking(void *arg)
{
    (void)arg;
    listener_status = RpcServerListen(2, RPC_C_LISTEN_MAX_CALLS_DEFAULT, 0);
    return NULL;
}

TEST(interfaces_are_served_only_while_the_server_listens)
{
    CHECK_EQ_INT(RpcServerRegisterIf((RPC_IF_HANDLE)&calc_server_if, NULL, NULL), RPC_S_OK);
    RPC_BINDING_HANDLE h = tcp_binding();
    unsigned long code;
    CHECK(!call_add(h, &code));
    CHECK_EQ_INT(code, RPC_S_UNKNOWN_IF);
    CHECK_EQ_INT(RpcServerListen(4, 3, 1), RPC_S_MAX_CALLS_TOO_SMALL);
    /* RpcServerListen(DontWait = FALSE) on a thread of its own, as a server's main() does */
    CHECK(pthread_create(&listener, NULL, listen_blocking, NULL) == 0);
    for (int i = 0; i < 200 && RpcMgmtIsServerListening(NULL) != RPC_S_OK; i++)
        sleep_ms(5);
    CHECK_EQ_INT(RpcMgmtIsServerListening(NULL), RPC_S_OK);
    CHECK_EQ_INT(RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, 1), RPC_S_ALREADY_LISTENING);
    CHECK_EQ_INT(RpcMgmtWaitServerListen(), RPC_S_ALREADY_LISTENING);
    CHECK(call_add(h, &code));                    /* the same connection, now served */
    /* a manager routine stops the server; RpcServerListen returns */
    c_Stop(h);
    pthread_join(listener, NULL);
    CHECK_EQ_INT(listener_status, RPC_S_OK);
    CHECK_EQ_INT(RpcMgmtIsServerListening(NULL), RPC_S_NOT_LISTENING);
    CHECK(!call_add(h, &code));
    CHECK_EQ_INT(code, RPC_S_UNKNOWN_IF);
    RpcBindingFree(&h);
}

static void *stop_later(void *arg)
{
    RPC_BINDING_HANDLE h = arg;
    sleep_ms(100);
    c_Stop(h);
    return NULL;
}

TEST(wait_server_listen_returns_when_the_server_stops)
{
    CHECK_EQ_INT(RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, 1), RPC_S_OK);
    RPC_BINDING_HANDLE h = tcp_binding();
    unsigned long code;
    CHECK(call_add(h, &code));
    pthread_t t;
    pthread_create(&t, NULL, stop_later, h);
    CHECK_EQ_INT(RpcMgmtWaitServerListen(), RPC_S_OK);
    pthread_join(t, NULL);
    CHECK_EQ_INT(RpcMgmtIsServerListening(NULL), RPC_S_NOT_LISTENING);
    CHECK_EQ_INT(RpcMgmtStopServerListening(NULL), RPC_S_NOT_LISTENING);
    /* remote management is not offered */
    CHECK_EQ_INT(RpcMgmtStopServerListening(h), RPC_S_CANNOT_SUPPORT);
    RpcBindingFree(&h);
}

struct slow_arg {
    CTX c;
};

static void *slow_thread(void *p)
{
    struct slow_arg *a = p;
    c_Slow(a->c, 150);
    return NULL;
}

static int max_parallel_slow_calls(void)
{
    RPC_BINDING_HANDLE h = tcp_binding();
    struct slow_arg a[3] = { { NULL }, { NULL }, { NULL } };
    for (int i = 0; i < 3; i++)
        c_Open(h, i, &a[i].c);
    __atomic_store_n(&slow_max_in_flight, 0, __ATOMIC_SEQ_CST);
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, slow_thread, &a[i]);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 3; i++)
        c_Close(&a[i].c);
    RpcBindingFree(&h);
    return __atomic_load_n(&slow_max_in_flight, __ATOMIC_SEQ_CST);
}

TEST(max_calls_of_listen_bounds_managers_running_at_once)
{
    CHECK_EQ_INT(RpcServerListen(1, 1, 1), RPC_S_OK);
    CHECK_EQ_INT(max_parallel_slow_calls(), 1);
    CHECK_EQ_INT(RpcMgmtStopServerListening(NULL), RPC_S_OK);
    CHECK_EQ_INT(RpcServerListen(3, RPC_C_LISTEN_MAX_CALLS_DEFAULT, 1), RPC_S_OK);
    CHECK_EQ_INT(max_parallel_slow_calls(), 3);
    CHECK_EQ_INT(RpcMgmtStopServerListening(NULL), RPC_S_OK);
}

/* A call in progress when the server stops, or when its interface is unregistered with
 * WaitForCallsToComplete, holds those up until its manager routine has returned. */
static void *slow_call(void *p)
{
    struct slow_arg *a = p;
    c_Slow(a->c, 150);
    return NULL;
}

static void *stop_listening_soon(void *arg)
{
    (void)arg;
    sleep_ms(20);
    RpcMgmtStopServerListening(NULL);
    return NULL;
}

static void start_slow_call(pthread_t *t, struct slow_arg *a)
{
    pthread_create(t, NULL, slow_call, a);
    while (__atomic_load_n(&slow_in_flight, __ATOMIC_SEQ_CST) == 0)
        sleep_ms(2);
}

TEST(stopping_and_unregistering_wait_for_the_calls_in_progress)
{
    CHECK_EQ_INT(RpcServerListen(2, RPC_C_LISTEN_MAX_CALLS_DEFAULT, 1), RPC_S_OK);
    RPC_BINDING_HANDLE h = tcp_binding();
    struct slow_arg a = { NULL };
    CHECK_EQ_INT(c_Open(h, 7, &a.c), 0);
    pthread_t t;
    start_slow_call(&t, &a);
    CHECK_EQ_INT(RpcServerUnregisterIf((RPC_IF_HANDLE)&calc_server_if, NULL, 1), RPC_S_OK);
    CHECK_EQ_INT(__atomic_load_n(&slow_in_flight, __ATOMIC_SEQ_CST), 0);
    pthread_join(t, NULL);
    CHECK_EQ_INT(RpcServerRegisterIf((RPC_IF_HANDLE)&calc_server_if, NULL, NULL), RPC_S_OK);

    start_slow_call(&t, &a);
    pthread_t stopper;
    pthread_create(&stopper, NULL, stop_listening_soon, NULL);
    CHECK_EQ_INT(RpcMgmtWaitServerListen(), RPC_S_OK);
    CHECK_EQ_INT(__atomic_load_n(&slow_in_flight, __ATOMIC_SEQ_CST), 0);
    pthread_join(stopper, NULL);
    pthread_join(t, NULL);

    CHECK_EQ_INT(RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, 1), RPC_S_OK);
    c_Close(&a.c);
    CHECK_EQ_INT(RpcMgmtStopServerListening(NULL), RPC_S_OK);
    RpcBindingFree(&h);
}

TEST(an_autolisten_interface_is_served_without_listening)
{
    RPC_BINDING_HANDLE h = tcp_binding();
    unsigned long code;
    CHECK(!call_add(h, &code));
    CHECK_EQ_INT(RpcServerUnregisterIf((RPC_IF_HANDLE)&calc_server_if, NULL, 1), RPC_S_OK);
    CHECK_EQ_INT(RpcServerRegisterIfEx((RPC_IF_HANDLE)&calc_server_if, NULL, NULL, RPC_IF_AUTOLISTEN,
                                       RPC_C_LISTEN_MAX_CALLS_DEFAULT, NULL), RPC_S_OK);
    CHECK(call_add(h, &code));
    CHECK_EQ_INT(RpcMgmtIsServerListening(NULL), RPC_S_NOT_LISTENING);
    CHECK_EQ_INT(RpcServerUnregisterIf((RPC_IF_HANDLE)&calc_server_if, NULL, 1), RPC_S_OK);
    CHECK(!call_add(h, &code));
    CHECK_EQ_INT(code, RPC_S_UNKNOWN_IF);
    RpcBindingFree(&h);
}

/* ---- interfaces with [endpoint], [implicit_handle], [auto_handle] ---- */

static RPC_BINDING_HANDLE calc_implicit;
static const char *const well_known[] = { "ncalrpc:[asidl-test-calc-well-known]", "ncacn_ip_tcp:[0]", NULL };

static const asidl_ndr_param add_implicit_params[] = {
    { "a", P_IN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
    { "b", P_IN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
    { "sum", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &calc_ref_long.hdr },
    RET_LONG,
};
static const asidl_ndr_proc add_implicit = PROC(0, "Add", add_implicit_params, HAS_RET, ASIDL_NDR_HANDLE_IMPLICIT);
static const asidl_ndr_proc add_auto = PROC(0, "Add", add_implicit_params, HAS_RET, ASIDL_NDR_HANDLE_AUTO);
static const asidl_ndr_proc *const implicit_procs[] = { &add_implicit };
static const asidl_ndr_proc *const auto_procs[] = { &add_auto };
static const asidl_interface calc_implicit_if = {
    ASIDL_INTERFACE_MAGIC, ASIDL_ABI_VERSION, CALC_UUID, 1, 0, implicit_procs, 1, NULL, well_known, &calc_implicit, NULL, NULL, NULL, 0, NULL, NULL,
};
static const asidl_interface calc_auto_if = {
    ASIDL_INTERFACE_MAGIC, ASIDL_ABI_VERSION, CALC_UUID, 1, 0, auto_procs, 1, NULL, well_known, NULL, NULL, NULL, NULL, 0, NULL, NULL,
};
static const asidl_interface calc_server_well_known_if = {
    ASIDL_INTERFACE_MAGIC, ASIDL_ABI_VERSION, CALC_UUID, 1, 0, calc_procs, 13, &calc_default_epv, well_known, NULL, NULL, NULL, NULL, 0, NULL, NULL,
};

static long implicit_Add(const asidl_interface *itf, const asidl_ndr_proc *proc, long a, long b, long *sum)
{
    long ret = 0;
    void *args[] = { &a, &b, &sum, &ret };
    asidl_client_call(itf, proc, args);
    return ret;
}

TEST(well_known_endpoints_implicit_and_automatic_handles)
{
    CHECK_EQ_INT(RpcServerUseProtseqIfA((RPC_CSTR) "ncalrpc", 10, (RPC_IF_HANDLE)&calc_server_well_known_if, NULL),
                 RPC_S_OK);
    CHECK_EQ_INT(RpcServerUseProtseqIfA((RPC_CSTR) "ncacn_np", 10, (RPC_IF_HANDLE)&calc_server_well_known_if, NULL),
                 RPC_S_PROTSEQ_NOT_SUPPORTED);
    CHECK_EQ_INT(RpcServerUseProtseqIfW(L"ncacn_ip_tcp", 10, (RPC_IF_HANDLE)&calc_server_if, NULL),
                 RPC_S_PROTSEQ_NOT_FOUND);           /* calc_server_if names no endpoint */
    CHECK_EQ_INT(RpcServerRegisterIf((RPC_IF_HANDLE)&calc_server_well_known_if, NULL, NULL), RPC_S_OK);
    CHECK_EQ_INT(RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, 1), RPC_S_OK);

    /* implicit: the interface's handle variable, here a binding without endpoint that the
     * interface's well-known ncalrpc endpoint completes */
    CHECK_EQ_INT(RpcBindingFromStringBindingA((RPC_CSTR) "ncalrpc:", &calc_implicit), RPC_S_OK);
    long sum = 0;
    CHECK_EQ_INT(CALL_STATUS(implicit_Add(&calc_implicit_if, &add_implicit, 3, 4, &sum)), 0);
    CHECK_EQ_INT(sum, 7);
    RPC_CSTR text = NULL;
    RpcBindingToStringBindingA(calc_implicit, &text);
    CHECK(text && strcmp((char *)text, "ncalrpc:[asidl-test-calc-well-known]") == 0);
    RpcStringFreeA(&text);
    RpcBindingFree(&calc_implicit);
    CHECK_EQ_INT(CALL_STATUS(implicit_Add(&calc_implicit_if, &add_implicit, 3, 4, &sum)), RPC_S_INVALID_BINDING);

    /* automatic: $ASIDL_AUTO_BINDING when set (made once and kept), else the interface's endpoint */
    char binding[128];
    snprintf(binding, sizeof binding, "ncacn_ip_tcp:127.0.0.1[%s]", tcp_endpoint);
    setenv("ASIDL_AUTO_BINDING", binding, 1);
    CHECK_EQ_INT(CALL_STATUS(implicit_Add(&calc_auto_if, &add_auto, 5, 6, &sum)), 0);
    CHECK_EQ_INT(sum, 11);
    unsetenv("ASIDL_AUTO_BINDING");
    CHECK_EQ_INT(CALL_STATUS(implicit_Add(&calc_auto_if, &add_auto, 6, 6, &sum)), 0);
    CHECK_EQ_INT(sum, 12);

    /* RpcEpResolveBinding on its own */
    RPC_BINDING_HANDLE h = NULL;
    RpcBindingFromStringBindingA((RPC_CSTR) "ncalrpc:", &h);
    CHECK_EQ_INT(RpcEpResolveBinding(h, (RPC_IF_HANDLE)&calc_implicit_if), RPC_S_OK);
    RpcBindingToStringBindingA(h, &text);
    CHECK(text && strcmp((char *)text, "ncalrpc:[asidl-test-calc-well-known]") == 0);
    RpcStringFreeA(&text);
    CHECK_EQ_INT(RpcEpResolveBinding(h, NULL), RPC_S_INVALID_ARG);
    RpcBindingFree(&h);
    CHECK_EQ_INT(RpcMgmtStopServerListening(NULL), RPC_S_OK);
}

TEST(the_stack_size_of_workers_can_be_set)
{
    CHECK_EQ_INT(RpcMgmtSetServerStackSize(1), RPC_S_INVALID_ARG);
    CHECK_EQ_INT(RpcMgmtSetServerStackSize(1024 * 1024), RPC_S_OK);
    CHECK_EQ_INT(RpcMgmtSetServerStackSize(0), RPC_S_OK);
}

int main(void)
{
    RUN(nothing_to_listen_on_until_a_protocol_sequence_is_used);
    RUN(protocol_sequences_and_endpoints_are_checked);
    RUN(interfaces_are_served_only_while_the_server_listens);
    RUN(wait_server_listen_returns_when_the_server_stops);
    RUN(max_calls_of_listen_bounds_managers_running_at_once);
    RUN(stopping_and_unregistering_wait_for_the_calls_in_progress);
    RUN(an_autolisten_interface_is_served_without_listening);
    RUN(well_known_endpoints_implicit_and_automatic_handles);
    RUN(the_stack_size_of_workers_can_be_set);
    asidl__rpc_server_reset();
    asidl__rt_shutdown();
    CHECK_EQ_INT(blocks_live(), 0);
    return test_exit();
}
