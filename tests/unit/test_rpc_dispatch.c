/*
 * The stub-level runtime end to end, in one process: client stubs (asidl_client_call) calling
 * manager routines through the server API (RpcServerUseProtseq, RpcServerRegisterIf*,
 * RpcServerListen) over ncacn_ip_tcp and ncalrpc. Parameters of several types (through libffi:
 * integers, floating point, structures by value in and out, strings, arrays), manager EPVs and
 * manager types, exceptions raised by managers, [comm_status]/[fault_status], hostile stub
 * data, security callbacks and the interface limits, and the server binding handle.
 */
#include <pthread.h>
#include <stdlib.h>

#include "calc_server.h"
#include "rpcrt.h"
#include "asidl_rpc.h"
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

TEST(parameters_of_several_types_reach_the_manager_and_come_back)
{
    const char *texts[] = { tcp_binding, lrpc_binding };
    for (int i = 0; i < 2; i++) {
        RPC_BINDING_HANDLE h = bind_text(texts[i]);
        CHECK(h != NULL);
        long sum = 0;
        CHECK_EQ_INT(c_Add(h, 40, 2, &sum), 0);
        CHECK_EQ_INT(sum, 42);
        CHECK_EQ_INT(c_Add(h, -2000000000, -100000000, &sum), 0);
        CHECK_EQ_INT(sum, -2100000000);
        CHECK(c_Scale(h, 1.5, 2.5f) == 3.75);
        wchar_t *out = NULL;
        c_Echo(h, L"h\u00e9llo \U0001F600", &out);
        CHECK(out && wcscmp(out, L"\U0001F600 oll\u00e9h") == 0);
        MIDL_user_free(out);
        long values[5] = { 1, 2, 3, 4, -100 };
        CHECK_EQ_INT(c_Sum(h, 5, values), -90);
        CHECK_EQ_INT(c_Sum(h, 0, values), 0);
        pt a = { 10, 1.0 }, b = { 20, 2.0 };
        pt m = c_Mid(h, a, b);
        CHECK_EQ_INT(m.x, 15);
        CHECK(m.y == 1.5);
        CHECK_EQ_INT(c_Big(h, 0x123456789ALL), 0x123456789BLL);
        CHECK_EQ_INT(c_Big(h, -1), 0);
        RpcBindingFree(&h);
    }
    CHECK_EQ_INT(blocks_live(), 0);
}

TEST(a_long_outside_32_bits_is_refused_before_sending)
{
    RPC_BINDING_HANDLE h = bind_text(tcp_binding);
    long sum = 0;
    CHECK_EQ_INT(CALL_STATUS(c_Add(h, 1L << 40, 0, &sum)), RPC_X_BAD_STUB_DATA);
    /* and the binding goes on working */
    CHECK_EQ_INT(CALL_STATUS(c_Add(h, 1, 2, &sum)), 0);
    CHECK_EQ_INT(sum, 3);
    RpcBindingFree(&h);
}

TEST(large_arguments_travel_in_several_fragments)
{
    RPC_BINDING_HANDLE h = bind_text(tcp_binding);
    long n = 100000;
    long *values = malloc(sizeof *values * (size_t)n);
    long expect = 0;
    for (long i = 0; i < n; i++) {
        values[i] = i % 1000 - 500;
        expect += values[i];
    }
    CHECK_EQ_INT(c_Sum(h, n, values), expect);
    free(values);
    wchar_t *big = malloc(sizeof(wchar_t) * 30001), *out = NULL;
    for (int i = 0; i < 30000; i++)
        big[i] = L'a' + i % 26;
    big[30000] = 0;
    c_Echo(h, big, &out);
    CHECK(out && wcslen(out) == 30000 && out[0] == big[29999] && out[29999] == big[0]);
    MIDL_user_free(out);
    free(big);
    RpcBindingFree(&h);
}

TEST(an_exception_in_the_manager_is_a_fault_with_its_code)
{
    RPC_BINDING_HANDLE h = bind_text(tcp_binding);
    CHECK_EQ_INT(CALL_STATUS(c_Fail(h, 0x12345678)), 0x12345678);
    CHECK_EQ_INT(CALL_STATUS(c_Fail(h, RPC_S_ACCESS_DENIED)), RPC_S_ACCESS_DENIED);
    /* RPC statuses with an NCA spelling go back to the same status */
    CHECK_EQ_INT(CALL_STATUS(c_Fail(h, RPC_S_ZERO_DIVIDE)), RPC_S_ZERO_DIVIDE);
    long sum = 0;
    CHECK_EQ_INT(CALL_STATUS(c_Add(h, 1, 1, &sum)), 0);
    RpcBindingFree(&h);
}

TEST(comm_status_and_fault_status_receive_failures_instead_of_raising)
{
    RPC_BINDING_HANDLE h = bind_text(tcp_binding);
    error_status_t comm = 99, fault = 99;
    CHECK_EQ_INT(CALL_STATUS(c_FailStatus(h, 0x4711, &comm, &fault)), 0);
    CHECK_EQ_INT(fault, 0x4711);
    CHECK_EQ_INT(comm, 99);                       /* untouched: it was not a communication failure */
    /* an exception raised with code 0 is still a failure */
    CHECK_EQ_INT(CALL_STATUS(c_FailStatus(h, 0, &comm, &fault)), 0);
    CHECK_EQ_INT(fault, RPC_S_CALL_FAILED);
    /* a call that succeeds sets both to error_status_ok */
    comm = fault = 99;
    long sum = 0;
    CHECK_EQ_INT(c_AddStatus(h, 2, 3, &sum, &comm, &fault), 0);
    CHECK_EQ_INT(sum, 5);
    CHECK_EQ_INT(comm, 0);
    CHECK_EQ_INT(fault, 0);
    RpcBindingFree(&h);
    /* nobody listens there: a communication failure */
    h = bind_text("ncacn_ip_tcp:127.0.0.1[1]");
    comm = fault = 99;
    CHECK_EQ_INT(CALL_STATUS(c_FailStatus(h, 5, &comm, &fault)), 0);
    CHECK_EQ_INT(comm, RPC_S_SERVER_UNAVAILABLE);
    CHECK_EQ_INT(fault, 99);
    /* without the ACF parameters the same failure raises */
    CHECK_EQ_INT(CALL_STATUS(c_Fail(h, 5)), RPC_S_SERVER_UNAVAILABLE);
    RpcBindingFree(&h);
}

TEST(malformed_stub_data_faults_and_the_server_keeps_serving)
{
    RPC_BINDING_HANDLE h = bind_text(tcp_binding);
    asidl__binding *b = asidl__binding_from(h);
    asidl__syntax_id calc = { CALC_UUID, ASIDL_SYNTAX_VERSION(1, 0) };
    uint8_t *out = NULL;
    size_t out_len = 0;
    /* Add with 3 of its 8 bytes */
    CHECK_EQ_INT(asidl__client_call(b, &calc, 0, "\1\0\0", 3, &out, &out_len), RPC_X_BAD_STUB_DATA);
    /* Sum claiming a million values and carrying two */
    static const uint8_t lying[] = { 0x40, 0x42, 0x0f, 0, 0x40, 0x42, 0x0f, 0, 1, 0, 0, 0, 2, 0, 0, 0 };
    CHECK_EQ_INT(asidl__client_call(b, &calc, 3, lying, sizeof lying, &out, &out_len), RPC_X_BAD_STUB_DATA);
    /* Sum whose n disagrees with the array's count */
    static const uint8_t mismatch[] = { 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0 };
    CHECK_EQ_INT(asidl__client_call(b, &calc, 3, mismatch, sizeof mismatch, &out, &out_len), RPC_X_BAD_STUB_DATA);
    /* Echo with a string lacking its terminator */
    static const uint8_t unterminated[] = { 2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 'a', 0, 'b', 0 };
    CHECK_EQ_INT(asidl__client_call(b, &calc, 2, unterminated, sizeof unterminated, &out, &out_len),
                 RPC_X_BAD_STUB_DATA);
    /* Read with a context handle nobody made */
    static const uint8_t forged[20] = { 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    CHECK_EQ_INT(asidl__client_call(b, &calc, 10, forged, sizeof forged, &out, &out_len), RPC_X_SS_CONTEXT_MISMATCH);
    /* an opnum the interface does not have */
    CHECK_EQ_INT(asidl__client_call(b, &calc, 13, "", 0, &out, &out_len), RPC_S_PROCNUM_OUT_OF_RANGE);
    long sum = 0;
    CHECK_EQ_INT(c_Add(h, 2, 3, &sum), 0);
    CHECK_EQ_INT(sum, 5);
    RpcBindingFree(&h);
    CHECK_EQ_INT(blocks_live(), 0);
}

TEST(random_corruptions_of_requests_never_hurt_the_server)
{
    RPC_BINDING_HANDLE h = bind_text(lrpc_binding);
    asidl__binding *b = asidl__binding_from(h);
    asidl__syntax_id calc = { CALC_UUID, ASIDL_SYNTAX_VERSION(1, 0) };
    /* A valid Echo request, then corrupted copies of it to every procedure. */
    uint8_t good[64];
    size_t n = 0;
    static const uint8_t echo_req[] = { 4, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 'a', 0, 'b', 0, 'c', 0, 0, 0 };
    memcpy(good, echo_req, sizeof echo_req);
    n = sizeof echo_req;
    unsigned seed = 12345;
    for (int i = 0; i < 300; i++) {
        uint8_t req[64];
        memcpy(req, good, n);
        seed = seed * 1103515245u + 12345u;
        req[(seed >> 16) % n] ^= (uint8_t)(1u << ((seed >> 8) % 8));
        size_t len = (seed >> 4) % 4 == 0 ? (seed >> 12) % n : n;
        uint16_t opnum = (uint16_t)((seed >> 20) % 13);
        if (opnum == 6 || opnum == 12)
            opnum = 2;                     /* not Stop; not Slow (it sleeps) */
        uint8_t *out = NULL;
        size_t out_len = 0;
        RPC_STATUS st = asidl__client_call(b, &calc, opnum, req, len, &out, &out_len);
        free(out);
        /* a fault or a reply, never a broken connection */
        CHECK(st != RPC_S_CALL_FAILED && st != RPC_S_SERVER_UNAVAILABLE && st != RPC_S_PROTOCOL_ERROR);
        if (opnum == 9 && st == RPC_S_OK) {
            /* Open made a context handle from junk; it runs down with the association */
        }
    }
    long sum = 0;
    CHECK_EQ_INT(c_Add(h, 20, 22, &sum), 0);
    CHECK_EQ_INT(sum, 42);
    RpcBindingFree(&h);
    CHECK_EQ_INT(blocks_live(), 0);
}

/* ---- manager EPVs and manager types ---- */

static long alt_Add(handle_t h, long a, long b, long *sum)
{
    (void)h;
    *sum = a - b;
    return 7;
}

static const UUID type_a = { 0xa1a1a1a1, 0xa1a1, 0xa1a1, { 1, 2, 3, 4, 5, 6, 7, 8 } };
static const UUID object_a = { 0x0b0b0b0b, 0x0b0b, 0x0b0b, { 9, 9, 9, 9, 9, 9, 9, 9 } };
static const UUID object_plain = { 0x0c0c0c0c, 0x0c0c, 0x0c0c, { 1, 1, 1, 1, 1, 1, 1, 1 } };

TEST(a_manager_epv_given_at_registration_replaces_the_default)
{
    /* Register calc again under a manager type, with another EPV; objects of that type reach it. */
    calc_v1_0_epv_t alt = calc_default_epv;
    alt.Add = alt_Add;
    UUID type = type_a, object = object_a, plain = object_plain;
    CHECK_EQ_INT(RpcServerRegisterIf((RPC_IF_HANDLE)&calc_server_if, &type, (RPC_MGR_EPV *)&alt), RPC_S_OK);
    CHECK_EQ_INT(RpcServerRegisterIf((RPC_IF_HANDLE)&calc_server_if, &type, (RPC_MGR_EPV *)&alt),
                 RPC_S_TYPE_ALREADY_REGISTERED);
    CHECK_EQ_INT(RpcObjectSetType(&object, &type), RPC_S_OK);
    UUID got;
    CHECK_EQ_INT(RpcObjectInqType(&object, &got), RPC_S_OK);
    CHECK(memcmp(&got, &type, sizeof got) == 0);
    CHECK_EQ_INT(RpcObjectInqType(&plain, &got), RPC_S_OBJECT_NOT_FOUND);

    RPC_BINDING_HANDLE h = bind_text(tcp_binding);
    long sum = 0;
    CHECK_EQ_INT(c_Add(h, 10, 3, &sum), 0);          /* no object: the default manager */
    CHECK_EQ_INT(sum, 13);
    RpcBindingSetObject(h, &object);
    CHECK_EQ_INT(c_Add(h, 10, 3, &sum), 7);          /* an object of type_a: the other manager */
    CHECK_EQ_INT(sum, 7);
    RpcBindingSetObject(h, &plain);
    CHECK_EQ_INT(c_Add(h, 10, 3, &sum), 0);          /* an object without a type: the default */
    CHECK_EQ_INT(sum, 13);
    RPC_MGR_EPV *epv = NULL;
    CHECK_EQ_INT(RpcServerInqIf((RPC_IF_HANDLE)&calc_server_if, &type, &epv), RPC_S_OK);
    CHECK(epv == (RPC_MGR_EPV *)&alt);
    CHECK_EQ_INT(RpcServerInqIf((RPC_IF_HANDLE)&calc_server_if, NULL, &epv), RPC_S_OK);
    CHECK(epv == (RPC_MGR_EPV *)&calc_default_epv);

    /* Unregistering the type leaves its objects to the default manager. */
    CHECK_EQ_INT(RpcServerUnregisterIf((RPC_IF_HANDLE)&calc_server_if, &type, 1), RPC_S_OK);
    RpcBindingSetObject(h, &object);
    CHECK_EQ_INT(c_Add(h, 10, 3, &sum), 0);
    CHECK_EQ_INT(sum, 13);
    CHECK_EQ_INT(RpcObjectSetType(&object, NULL), RPC_S_OK);
    CHECK_EQ_INT(RpcObjectInqType(&object, &got), RPC_S_OBJECT_NOT_FOUND);
    RpcBindingFree(&h);
}

/* ---- the server binding handle ---- */

TEST(the_manager_sees_the_object_and_the_client_through_its_binding)
{
    RPC_BINDING_HANDLE h = bind_text(tcp_binding);
    UUID object = object_plain, got = { 0 };
    RpcBindingSetObject(h, &object);
    char *client = NULL;
    c_Whoami(h, &got, &client);
    CHECK(memcmp(&got, &object, sizeof got) == 0);
    CHECK(client && strcmp(client, "ncacn_ip_tcp:127.0.0.1") == 0);
    MIDL_user_free(client);
    RpcBindingFree(&h);
    h = bind_text(lrpc_binding);
    client = NULL;
    c_Whoami(h, &got, &client);
    CHECK(UuidIsNil(&got, &(RPC_STATUS){ 0 }));
    CHECK(client && strcmp(client, "ncalrpc:") == 0);
    MIDL_user_free(client);
    RpcBindingFree(&h);
    /* outside a call there is no call to test */
    CHECK_EQ_INT(RpcServerTestCancel(NULL), RPC_S_NO_CALL_ACTIVE);
}

/* ---- access control ---- */

static int callback_calls;
static RPC_STATUS RPC_ENTRY refuse_odd(RPC_IF_HANDLE itf, void *ctx)
{
    callback_calls++;
    RPC_CSTR text = NULL;
    RpcBindingToStringBindingA(ctx, &text);
    bool lrpc = text && strncmp((char *)text, "ncalrpc:", 8) == 0;
    RpcStringFreeA(&text);
    return itf == (RPC_IF_HANDLE)&peek_server_if && lrpc && callback_calls % 2 == 1 ? RPC_S_OK : RPC_S_ACCESS_DENIED;
}

TEST(security_callbacks_and_interface_flags_admit_or_refuse_calls)
{
    /* peek, registered again with a callback (the call sees the binding) */
    CHECK_EQ_INT(RpcServerUnregisterIf((RPC_IF_HANDLE)&peek_server_if, NULL, 1), RPC_S_OK);
    CHECK_EQ_INT(RpcServerRegisterIfEx((RPC_IF_HANDLE)&peek_server_if, NULL, NULL, 0,
                                       RPC_C_LISTEN_MAX_CALLS_DEFAULT, refuse_odd), RPC_S_OK);
    RPC_BINDING_HANDLE lrpc = bind_text(lrpc_binding), tcp = bind_text(tcp_binding);
    CTX c = NULL;
    CHECK_EQ_INT(c_Open(lrpc, 5, &c), 0);
    callback_calls = 0;
    CHECK_EQ_INT(CALL_STATUS(c_PeekLoose(c)), 0);                      /* first call: admitted */
    CHECK_EQ_INT(CALL_STATUS(c_PeekLoose(c)), RPC_S_ACCESS_DENIED);    /* second: refused */
    CHECK_EQ_INT(callback_calls, 2);
    /* over TCP the call is unauthenticated: refused without asking the callback (Windows) */
    CTX t = NULL;
    CHECK_EQ_INT(c_Open(tcp, 6, &t), 0);
    CHECK_EQ_INT(CALL_STATUS(c_PeekLoose(t)), RPC_S_ACCESS_DENIED);
    CHECK_EQ_INT(callback_calls, 2);
    /* ... unless the interface allows unauthenticated callers through the callback */
    CHECK_EQ_INT(RpcServerUnregisterIf((RPC_IF_HANDLE)&peek_server_if, NULL, 1), RPC_S_OK);
    CHECK_EQ_INT(RpcServerRegisterIfEx((RPC_IF_HANDLE)&peek_server_if, NULL, NULL, RPC_IF_ALLOW_CALLBACKS_WITH_NO_AUTH,
                                       RPC_C_LISTEN_MAX_CALLS_DEFAULT, refuse_odd), RPC_S_OK);
    CHECK_EQ_INT(CALL_STATUS(c_PeekLoose(t)), RPC_S_ACCESS_DENIED);    /* asked, and refused (tcp) */
    CHECK_EQ_INT(callback_calls, 3);

    /* RPC_IF_ALLOW_LOCAL_ONLY: loopback TCP and ncalrpc are local */
    CHECK_EQ_INT(RpcServerUnregisterIf((RPC_IF_HANDLE)&peek_server_if, NULL, 1), RPC_S_OK);
    CHECK_EQ_INT(RpcServerRegisterIfEx((RPC_IF_HANDLE)&peek_server_if, NULL, NULL, RPC_IF_ALLOW_LOCAL_ONLY,
                                       RPC_C_LISTEN_MAX_CALLS_DEFAULT, NULL), RPC_S_OK);
    CHECK_EQ_INT(CALL_STATUS(c_PeekLoose(t)), 0);
    CHECK_EQ_INT(c_PeekLoose(c), 5);
    /* RPC_IF_ALLOW_SECURE_ONLY: nothing is authenticated yet */
    CHECK_EQ_INT(RpcServerUnregisterIf((RPC_IF_HANDLE)&peek_server_if, NULL, 1), RPC_S_OK);
    CHECK_EQ_INT(RpcServerRegisterIfEx((RPC_IF_HANDLE)&peek_server_if, NULL, NULL, RPC_IF_ALLOW_SECURE_ONLY,
                                       RPC_C_LISTEN_MAX_CALLS_DEFAULT, NULL), RPC_S_OK);
    CHECK_EQ_INT(CALL_STATUS(c_PeekLoose(c)), RPC_S_ACCESS_DENIED);
    /* back to normal */
    CHECK_EQ_INT(RpcServerUnregisterIf((RPC_IF_HANDLE)&peek_server_if, NULL, 1), RPC_S_OK);
    CHECK_EQ_INT(RpcServerRegisterIf((RPC_IF_HANDLE)&peek_server_if, NULL, NULL), RPC_S_OK);
    CHECK_EQ_INT(c_PeekLoose(t), 6);
    c_Close(&c);
    c_Close(&t);
    RpcBindingFree(&lrpc);
    RpcBindingFree(&tcp);
}

TEST(max_rpc_size_refuses_larger_requests)
{
    CHECK_EQ_INT(RpcServerUnregisterIf((RPC_IF_HANDLE)&calc_server_if, NULL, 1), RPC_S_OK);
    CHECK_EQ_INT(RpcServerRegisterIf2((RPC_IF_HANDLE)&calc_server_if, NULL, NULL, 0, RPC_C_LISTEN_MAX_CALLS_DEFAULT,
                                      1000, NULL), RPC_S_OK);
    RPC_BINDING_HANDLE h = bind_text(tcp_binding);
    long values[300] = { 0 };
    values[0] = 9;
    CHECK_EQ_INT(c_Sum(h, 200, values), 9);                                  /* 808 bytes */
    CHECK_EQ_INT(CALL_STATUS(c_Sum(h, 300, values)), RPC_S_ACCESS_DENIED);   /* 1208 bytes */
    CHECK_EQ_INT(RpcServerUnregisterIf((RPC_IF_HANDLE)&calc_server_if, NULL, 1), RPC_S_OK);
    CHECK_EQ_INT(RpcServerRegisterIf((RPC_IF_HANDLE)&calc_server_if, NULL, NULL), RPC_S_OK);
    CHECK_EQ_INT(c_Sum(h, 300, values), 9);
    RpcBindingFree(&h);
}

static void *slow_caller(void *arg)
{
    CTX c = arg;
    unsigned long code = CALL_STATUS(c_Slow(c, 300));
    return (void *)(uintptr_t)code;
}

TEST(max_calls_of_an_interface_turns_extra_calls_away)
{
    /* peek with MaxCalls 1: while one PeekLoose... calc's Slow holds nothing of peek, so use calc */
    CHECK_EQ_INT(RpcServerUnregisterIf((RPC_IF_HANDLE)&calc_server_if, NULL, 1), RPC_S_OK);
    CHECK_EQ_INT(RpcServerRegisterIfEx((RPC_IF_HANDLE)&calc_server_if, NULL, NULL, 0, 1, NULL), RPC_S_OK);
    RPC_BINDING_HANDLE h = bind_text(tcp_binding), h2 = bind_text(tcp_binding);
    CTX c = NULL;
    CHECK_EQ_INT(c_Open(h, 3, &c), 0);
    pthread_t t;
    pthread_create(&t, NULL, slow_caller, c);
    sleep_ms(100);
    long sum = 0;
    CHECK_EQ_INT(CALL_STATUS(c_Add(h2, 1, 1, &sum)), RPC_S_SERVER_TOO_BUSY);
    void *res;
    pthread_join(t, &res);
    CHECK_EQ_INT((uintptr_t)res, 0);
    CHECK_EQ_INT(CALL_STATUS(c_Add(h2, 1, 1, &sum)), 0);
    c_Close(&c);
    CHECK_EQ_INT(RpcServerUnregisterIf((RPC_IF_HANDLE)&calc_server_if, NULL, 1), RPC_S_OK);
    CHECK_EQ_INT(RpcServerRegisterIf((RPC_IF_HANDLE)&calc_server_if, NULL, NULL), RPC_S_OK);
    RpcBindingFree(&h);
    RpcBindingFree(&h2);
}

TEST(an_unregistered_interface_is_unknown_and_comes_back_when_registered_again)
{
    RPC_BINDING_HANDLE h = bind_text(tcp_binding);
    long sum = 0;
    CHECK_EQ_INT(c_Add(h, 1, 2, &sum), 0);
    CHECK_EQ_INT(RpcServerUnregisterIf((RPC_IF_HANDLE)&calc_server_if, NULL, 1), RPC_S_OK);
    CHECK_EQ_INT(RpcServerUnregisterIf((RPC_IF_HANDLE)&calc_server_if, NULL, 1), RPC_S_UNKNOWN_IF);
    CHECK_EQ_INT(CALL_STATUS(c_Add(h, 1, 2, &sum)), RPC_S_UNKNOWN_IF);
    RPC_BINDING_HANDLE fresh = bind_text(tcp_binding);
    CHECK_EQ_INT(CALL_STATUS(c_Add(fresh, 1, 2, &sum)), RPC_S_UNKNOWN_IF);   /* the bind is refused */
    CHECK_EQ_INT(RpcServerRegisterIf((RPC_IF_HANDLE)&calc_server_if, NULL, NULL), RPC_S_OK);
    CHECK_EQ_INT(CALL_STATUS(c_Add(h, 1, 2, &sum)), 0);                      /* same connection */
    CHECK_EQ_INT(sum, 3);
    RpcBindingFree(&fresh);
    fresh = bind_text(tcp_binding);
    CHECK_EQ_INT(CALL_STATUS(c_Add(fresh, 2, 2, &sum)), 0);
    CHECK_EQ_INT(sum, 4);
    RpcBindingFree(&fresh);
    RpcBindingFree(&h);
}

TEST(registration_checks_its_arguments_and_the_descriptors)
{
    CHECK_EQ_INT(RpcServerRegisterIf(NULL, NULL, NULL), RPC_S_INVALID_ARG);
    int junk[16] = { 0 };
    CHECK_EQ_INT(RpcServerRegisterIf((RPC_IF_HANDLE)junk, NULL, NULL), RPC_S_INVALID_ARG);
    /* a client-side interface object has no default EPV */
    CHECK_EQ_INT(RpcServerRegisterIf((RPC_IF_HANDLE)&calc_client_if, NULL, NULL), RPC_S_UNKNOWN_MGR_TYPE);
    /* a structure whose C layout is not what its descriptor says cannot be called through libffi */
    static const asidl_ndr_field bad_fields[] = {
        { 0, &asidl_ndr_t_short.hdr },
        { 4, &asidl_ndr_t_double.hdr },      /* C puts the double at 8 */
    };
    static const asidl_ndr_struct bad_struct = { ASIDL_NDR_HDR(STRUCT, 8, 0, 16), 2, bad_fields };
    static const asidl_ndr_param bad_params[] = {
        P_HANDLE,
        { "a", P_IN, ASIDL_NDR_C_AGGREGATE, 16, &bad_struct.hdr },
    };
    static const asidl_ndr_proc bad_proc = PROC(0, "Bad", bad_params, 0, EXPLICIT);
    static const asidl_ndr_proc *const bad_procs[] = { &bad_proc };
    static void (*const bad_epv[])(void) = { (void (*)(void))s_Stop };
    static const asidl_interface bad_if = {
        ASIDL_INTERFACE_MAGIC, ASIDL_ABI_VERSION,
        { 0x11112222, 0x3333, 0x4444, { 5, 5, 5, 5, 6, 6, 6, 6 } }, 1, 0, bad_procs, 1, bad_epv, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL,
    };
    CHECK_EQ_INT(RpcServerRegisterIf((RPC_IF_HANDLE)&bad_if, NULL, NULL), RPC_S_INTERNAL_ERROR);
    /* ... and an interface from another ABI version is not one */
    asidl_interface other = calc_server_if;
    other.abi_version = 999;
    CHECK_EQ_INT(RpcServerRegisterIf((RPC_IF_HANDLE)&other, NULL, NULL), RPC_S_INVALID_ARG);
}

/* The call interface libffi gets for a procedure (manager_ffi.c) passes every width right:
 * narrow, signed and 64-bit values reach the manager and come back intact, an [async] manager
 * gets its state first, and managers with more parameters than argument registers, or a
 * floating point one, are called right too. */
static struct {
    signed char c;
    unsigned char uc;
    short s;
    unsigned short us;
    long l;
    void *p;
    long long ll;
    unsigned long ul;
} seen;

static short words_narrow(signed char c, unsigned char uc, short s, unsigned short us, long l, void *p)
{
    seen.c = c, seen.uc = uc, seen.s = s, seen.us = us, seen.l = l, seen.p = p;
    return (short)(s - 1);
}

static signed char words_many(signed char c, short s, long long ll, unsigned long ul, void *p,
                              unsigned short us, long l)
{
    seen.c = c, seen.s = s, seen.ll = ll, seen.ul = ul, seen.p = p, seen.us = us, seen.l = l;
    return (signed char)(c * 2);
}

static void *words_async(PRPC_ASYNC_STATE state, long long ll)
{
    seen.p = state;
    seen.ll = ll;
    return NULL;
}

static unsigned char words_mixed(short s, double d)
{
    seen.s = s;
    seen.l = (long)(d * 2);
    return 200;
}

#define WP(name, T) { name, P_IN, ASIDL_NDR_C_OF(T), sizeof(T), NULL }
#define WPTR(name) { name, P_IN, ASIDL_NDR_C_PTR, sizeof(void *), NULL }
#define WRET(T) { "return", P_RET, ASIDL_NDR_C_OF(T), sizeof(T), NULL }

TEST(integer_and_pointer_managers_receive_and_return_every_width)
{
    static const asidl_ndr_param narrow_params[] = {
        WP("c", signed char), WP("uc", unsigned char), WP("s", short), WP("us", unsigned short),
        WP("l", long), WPTR("p"), WRET(short),
    };
    static const asidl_ndr_param many_params[] = {
        WP("c", signed char), WP("s", short), WP("ll", long long), WP("ul", unsigned long), WPTR("p"),
        WP("us", unsigned short), WP("l", long), WRET(signed char),
    };
    static const asidl_ndr_param async_params[] = {
        WP("ll", long long), { "return", P_RET, ASIDL_NDR_C_PTR, sizeof(void *), NULL },
    };
    static const asidl_ndr_param mixed_params[] = {
        WP("s", short), { "d", P_IN, ASIDL_NDR_C_DOUBLE, sizeof(double), NULL }, WRET(unsigned char),
    };
    static const asidl_ndr_proc narrow = PROC(0, "narrow", narrow_params, HAS_RET, 0);
    static const asidl_ndr_proc many = PROC(1, "many", many_params, HAS_RET, 0);
    static const asidl_ndr_proc async = PROC(2, "async", async_params, HAS_RET | ASIDL_NDR_PROC_ASYNC, 0);
    static const asidl_ndr_proc mixed = PROC(3, "mixed", mixed_params, HAS_RET, 0);

    asidl__ffi_proc *fp = NULL;
    CHECK_EQ_INT(asidl__ffi_proc_new(&narrow, &fp, NULL), RPC_S_OK);
    signed char c = -100;
    unsigned char uc = 250;
    short s = -30000, r = 0;
    unsigned short us = 65000;
    long l = -2000000000;
    void *p = &seen;
    void *args[] = { &c, &uc, &s, &us, &l, &p, &r };
    asidl__ffi_proc_call(fp, (void (*)(void))words_narrow, args);
    CHECK_EQ_INT(seen.c, -100);
    CHECK_EQ_INT(seen.uc, 250);
    CHECK_EQ_INT(seen.s, -30000);
    CHECK_EQ_INT(seen.us, 65000);
    CHECK_EQ_INT(seen.l, -2000000000);
    CHECK(seen.p == &seen);
    CHECK_EQ_INT(r, -30001);
    asidl__ffi_proc_free(fp);

    CHECK_EQ_INT(asidl__ffi_proc_new(&many, &fp, NULL), RPC_S_OK);
    long long ll = -0x123456789ALL;
    unsigned long ul = 4000000000u;
    signed char rc = 0;
    c = -7;
    void *many_args[] = { &c, &s, &ll, &ul, &p, &us, &l, &rc };
    asidl__ffi_proc_call(fp, (void (*)(void))words_many, many_args);
    CHECK_EQ_INT(seen.c, -7);
    CHECK_EQ_INT(seen.s, -30000);
    CHECK(seen.ll == -0x123456789ALL);
    CHECK(seen.ul == 4000000000u);
    CHECK(seen.p == &seen);
    CHECK_EQ_INT(seen.us, 65000);
    CHECK_EQ_INT(seen.l, -2000000000);
    CHECK_EQ_INT(rc, -14);
    asidl__ffi_proc_free(fp);

    CHECK_EQ_INT(asidl__ffi_proc_new(&async, &fp, NULL), RPC_S_OK);
    RPC_ASYNC_STATE state;
    void *state_address = &state, *unused = &seen;
    ll = 0x7FFFFFFFFFFFFFFFLL;
    void *async_args[] = { &state_address, &ll, &unused };
    asidl__ffi_proc_call(fp, (void (*)(void))words_async, async_args + 1);
    CHECK(seen.p == &state);
    CHECK(seen.ll == 0x7FFFFFFFFFFFFFFFLL);
    CHECK(unused == &seen);                 /* an [async] manager's result is not its return value */
    asidl__ffi_proc_free(fp);

    CHECK_EQ_INT(asidl__ffi_proc_new(&mixed, &fp, NULL), RPC_S_OK);
    double d = 21.25;
    unsigned char ru = 0;
    s = -5;
    void *mixed_args[] = { &s, &d, &ru };
    asidl__ffi_proc_call(fp, (void (*)(void))words_mixed, mixed_args);
    CHECK_EQ_INT(seen.s, -5);
    CHECK_EQ_INT(seen.l, 42);
    CHECK_EQ_INT(ru, 200);
    asidl__ffi_proc_free(fp);
}

TEST(the_servers_limits_can_be_read_and_set)
{
    asidl_server_limits l, saved;
    CHECK_EQ_INT(asidl_server_get_limits(&saved), RPC_S_OK);
    CHECK_EQ_INT(saved.max_connections, 4096);
    CHECK_EQ_INT(saved.max_request_bytes, 4 * 1024 * 1024);
    CHECK_EQ_INT(saved.max_pending_calls, 65536);
    CHECK_EQ_INT(saved.read_timeout_ms, 30000);
    CHECK_EQ_INT(asidl_server_set_limits(NULL), RPC_S_INVALID_ARG);
    l = (asidl_server_limits){ 0, 2ul << 30, 0, 0 };
    CHECK_EQ_INT(asidl_server_set_limits(&l), RPC_S_INVALID_ARG);

    /* a request over the limit: refused, and the connection closed */
    l = (asidl_server_limits){ 0, 2000, 0, 0 };
    CHECK_EQ_INT(asidl_server_set_limits(&l), RPC_S_OK);
    RPC_BINDING_HANDLE h = bind_text(tcp_binding);
    long values[1000] = { 1 };
    CHECK_EQ_INT(c_Sum(h, 400, values), 1);                                  /* 1608 octets */
    CHECK_EQ_INT(CALL_STATUS(c_Sum(h, 1000, values)), RPC_S_ACCESS_DENIED);  /* 4008 */
    sleep_ms(50);                                       /* the server closes that connection */
    CHECK_EQ_INT(CALL_STATUS(c_Sum(h, 400, values)), 0);                     /* a new connection */

    /* connections beyond the limit are closed at once */
    unsigned now = asidl__server_connection_count(asidl__rpc_server());
    l = (asidl_server_limits){ now, 0, 0, 0 };
    CHECK_EQ_INT(asidl_server_set_limits(&l), RPC_S_OK);
    RPC_BINDING_HANDLE other = bind_text(tcp_binding);
    CHECK(CALL_STATUS(c_Sum(other, 1, values)) != 0);
    CHECK_EQ_INT(CALL_STATUS(c_Sum(h, 1, values)), 0);                       /* the existing one works */
    RpcBindingFree(&other);
    RpcBindingFree(&h);
    CHECK_EQ_INT(asidl_server_set_limits(&saved), RPC_S_OK);
    CHECK_EQ_INT(asidl_server_get_limits(&l), RPC_S_OK);
    CHECK_EQ_INT(l.max_connections, 4096);
}

TEST(inquiries_about_the_server)
{
    RPC_STATS_VECTOR *before = NULL, *after = NULL;
    CHECK_EQ_INT(RpcMgmtInqStats(NULL, &before), RPC_S_OK);
    RPC_BINDING_HANDLE h = bind_text(tcp_binding);
    long sum = 0;
    for (int i = 0; i < 3; i++)
        c_Add(h, 1, 2, &sum);
    CHECK_EQ_INT(RpcMgmtInqStats(NULL, &after), RPC_S_OK);
    CHECK(before && after && after->Count == 4);
    /* this process is client and server: 3 calls each way; bind, bind_ack, requests, responses */
    CHECK_EQ_INT(after->Stats[RPC_C_STATS_CALLS_OUT] - before->Stats[RPC_C_STATS_CALLS_OUT], 3);
    CHECK_EQ_INT(after->Stats[RPC_C_STATS_CALLS_IN] - before->Stats[RPC_C_STATS_CALLS_IN], 3);
    CHECK_EQ_INT(after->Stats[RPC_C_STATS_PKTS_OUT] - before->Stats[RPC_C_STATS_PKTS_OUT], 8);
    CHECK_EQ_INT(after->Stats[RPC_C_STATS_PKTS_IN] - before->Stats[RPC_C_STATS_PKTS_IN], 8);
    RpcMgmtStatsVectorFree(&before);
    RpcMgmtStatsVectorFree(&after);
    CHECK(after == NULL);
    CHECK_EQ_INT(RpcMgmtInqStats(h, &after), RPC_S_CANNOT_SUPPORT);
    RpcBindingFree(&h);

    RPC_IF_ID_VECTOR *ids = NULL;
    CHECK_EQ_INT(RpcMgmtInqIfIds(NULL, &ids), RPC_S_OK);
    CHECK(ids && ids->Count == 2);
    bool saw_calc = false;
    for (unsigned long i = 0; ids && i < ids->Count; i++)
        saw_calc |= ids->IfId[i]->Uuid.Data1 == 0x6f2b1c3e && ids->IfId[i]->VersMajor == 1;
    CHECK(saw_calc);
    CHECK_EQ_INT(RpcIfIdVectorFree(&ids), RPC_S_OK);
    CHECK(ids == NULL);
    RPC_IF_ID id;
    CHECK_EQ_INT(RpcIfInqId((RPC_IF_HANDLE)&peek_server_if, &id), RPC_S_OK);
    CHECK_EQ_INT(id.VersMajor, 2);
    CHECK_EQ_INT(id.VersMinor, 1);
    CHECK_EQ_INT(RpcMgmtIsServerListening(NULL), RPC_S_OK);
    CHECK_EQ_INT(RpcNetworkIsProtseqValidA((RPC_CSTR) "ncalrpc"), RPC_S_OK);
    CHECK_EQ_INT(RpcNetworkIsProtseqValidA((RPC_CSTR) "ncacn_np"), RPC_S_PROTSEQ_NOT_SUPPORTED);
    CHECK_EQ_INT(RpcNetworkIsProtseqValidW(L"ncacn_ip_tcp"), RPC_S_OK);
    CHECK_EQ_INT(RpcNetworkIsProtseqValidA((RPC_CSTR) "tcp"), RPC_S_INVALID_RPC_PROTSEQ);
    RPC_PROTSEQ_VECTORA *pv = NULL;
    CHECK_EQ_INT(RpcNetworkInqProtseqsA(&pv), RPC_S_OK);
    CHECK(pv && pv->Count == 2 && strcmp((char *)pv->Protseq[0], "ncacn_ip_tcp") == 0);
    RpcProtseqVectorFreeA(&pv);
    RPC_PROTSEQ_VECTORW *pw = NULL;
    CHECK_EQ_INT(RpcNetworkInqProtseqsW(&pw), RPC_S_OK);
    CHECK(pw && pw->Count == 2 && wcscmp(pw->Protseq[1], L"ncalrpc") == 0);
    RpcProtseqVectorFreeW(&pw);
    CHECK(pw == NULL);
}

int main(void)
{
    const RPC_IF_HANDLE ifaces[] = { (RPC_IF_HANDLE)&calc_server_if, (RPC_IF_HANDLE)&peek_server_if, NULL };
    test_server server;
    if (!test_server_start(&server, ifaces, 1))
        return 1;
    tcp_binding = server.tcp;
    lrpc_binding = server.lrpc;
    RUN(parameters_of_several_types_reach_the_manager_and_come_back);
    RUN(a_long_outside_32_bits_is_refused_before_sending);
    RUN(large_arguments_travel_in_several_fragments);
    RUN(an_exception_in_the_manager_is_a_fault_with_its_code);
    RUN(comm_status_and_fault_status_receive_failures_instead_of_raising);
    RUN(malformed_stub_data_faults_and_the_server_keeps_serving);
    RUN(random_corruptions_of_requests_never_hurt_the_server);
    RUN(a_manager_epv_given_at_registration_replaces_the_default);
    RUN(the_manager_sees_the_object_and_the_client_through_its_binding);
    RUN(security_callbacks_and_interface_flags_admit_or_refuse_calls);
    RUN(max_rpc_size_refuses_larger_requests);
    RUN(max_calls_of_an_interface_turns_extra_calls_away);
    RUN(an_unregistered_interface_is_unknown_and_comes_back_when_registered_again);
    RUN(registration_checks_its_arguments_and_the_descriptors);
    RUN(integer_and_pointer_managers_receive_and_return_every_width);
    RUN(the_servers_limits_can_be_read_and_set);
    RUN(inquiries_about_the_server);
    CHECK_EQ_INT(RpcMgmtStopServerListening(NULL), RPC_S_OK);
    asidl__rpc_server_reset();
    asidl__rt_shutdown();
    CHECK_EQ_INT(blocks_live(), 0);
    return test_exit();
}
