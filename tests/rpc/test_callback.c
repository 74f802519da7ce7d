/*
 * [callback] operations end to end ([MS-RPCE] 2.2.4.2, 3.3.1.5.9), and [maybe], [idempotent]
 * and [broadcast] calls: the stubs asidl generates from callback.idl, client and server in this
 * process, over ncacn_ip_tcp and ncalrpc.  The client's stubs and callback routines carry the
 * c_ prefix; the manager routines and the server's callback stubs the IDL names.
 *
 * The wire is checked too: a raw client makes a call and answers the server's callback request
 * by hand (a response, a fault, orphaned, a disconnect), and a [maybe] call's manager holds it
 * while the client goes on.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <rpc.h>
#include <rpcasync.h>

#include "callback.h"
#include "asidl_stub.h"
#include "raw_pdu.h"
#include "rpcrt.h"
#include "test.h"
#include "test_server_start.h"

static const char *tcp_binding, *lrpc_binding;

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* ==================================================================== the server's side */

static atomic_ulong work_failure;       /* the status a callback of Work failed with */

long Work(handle_t h, long steps)
{
    (void)h;
    volatile long sum = 0;
    RpcTryExcept {
        for (long i = 1; i <= steps; i++) {
            long ack = 0;
            sum += Progress(i, "step", &ack) + ack;
        }
    } RpcExcept(EXCEPTION_EXECUTE_HANDLER) {
        atomic_store(&work_failure, (unsigned long)RpcExceptionCode());
        sum = -1;
    } RpcEndExcept
    return sum;
}

unsigned long TryFail(handle_t h, unsigned long code)
{
    (void)h;
    volatile unsigned long seen = 0;
    RpcTryExcept {
        Fail(code);
    } RpcExcept(EXCEPTION_EXECUTE_HANDLER) {
        seen = RpcExceptionCode();
    } RpcEndExcept
    return seen;
}

unsigned long Probe(handle_t h, long v)
{
    (void)h;
    error_status_t comm = 77, fault = 77;
    Check(v, &comm, &fault);                  /* never raises: the status parameters take it */
    return fault ? fault : comm;              /* both 0 after a success */
}

long Deep(handle_t h, long depth)
{
    (void)h;
    return Nest(depth) + 1;
}

long Ping(handle_t h, long v)
{
    (void)h;
    return v + 1;
}

hyper Sum(handle_t h, long n)
{
    (void)h;
    long *values = malloc(sizeof *values * (size_t)n);
    if (!values)
        RpcRaiseException(RPC_S_OUT_OF_MEMORY);
    Fill(n, values);
    hyper total = 0;
    for (long i = 0; i < n; i++)
        total += values[i];
    free(values);
    return total;
}

long Told(handle_t h, long v)
{
    (void)h;
    Tell(v);
    Tell(v + 1);
    return v;
}

/* Notify holds its call until the test releases it. */
static pthread_mutex_t notify_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t notify_changed = PTHREAD_COND_INITIALIZER;
static long notified_value;
static bool notify_entered, notify_release;
static atomic_int crashes;

void Notify(handle_t h, long value)
{
    (void)h;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&notify_lock);
    notified_value = value;
    notify_entered = true;
    pthread_cond_broadcast(&notify_changed);
    while (!notify_release && pthread_cond_timedwait(&notify_changed, &notify_lock, &until) == 0)
        ;
    pthread_mutex_unlock(&notify_lock);
}

void Crash(handle_t h, unsigned long code)
{
    (void)h;
    atomic_fetch_add(&crashes, 1);
    RpcRaiseException((RPC_STATUS)code);
}

static atomic_long announced;

void Announce(PRPC_ASYNC_STATE pAsync, handle_t h, long value)
{
    (void)h;
    atomic_store(&announced, value);
    RpcAsyncCompleteCall(pAsync, NULL);        /* nothing goes back: the call is [maybe] */
}

long Twice(handle_t h, long v)
{
    (void)h;
    return 2 * v;
}

long Anyone(handle_t h, long v)
{
    (void)h;
    return v + 100;
}

/* ==================================================================== the client's side */

static atomic_int progress_calls;
static pthread_t progress_thread;
static char progress_note[16];
static RPC_BINDING_HANDLE nest_binding;

long c_Progress(long step, char *note, long *ack)
{
    atomic_fetch_add(&progress_calls, 1);
    progress_thread = pthread_self();
    snprintf(progress_note, sizeof progress_note, "%s", note ? note : "(null)");
    *ack = 1000;
    return step * 10;
}

void c_Fail(unsigned long code)
{
    RpcRaiseException((RPC_STATUS)code);
}

void c_Check(long v, error_status_t *comm, error_status_t *fault)
{
    if (v < 0)
        RpcRaiseException((RPC_STATUS)-v);
    *comm = 1;                                /* writable, and not sent back */
    *fault = 2;
}

long c_Nest(long depth)
{
    return depth > 0 ? c_Deep(nest_binding, depth - 1) * 10 : c_Ping(nest_binding, 5);
}

static long told[2];
static atomic_int tells;
static RPC_BINDING_HANDLE tell_binding;  /* when set, Tell calls Ping on it */
static long tell_ping;

void c_Tell(long v)
{
    int i = atomic_fetch_add(&tells, 1);
    if (i < 2)
        told[i] = v;
    if (tell_binding)
        tell_ping = c_Ping(tell_binding, v);
}

void c_Fill(long n, long *values)
{
    for (long i = 0; i < n; i++)
        values[i] = i * 3;
}

static RPC_BINDING_HANDLE bind(const char *text)
{
    RPC_BINDING_HANDLE h = NULL;
    if (RpcBindingFromStringBindingA((RPC_CSTR)text, &h) != RPC_S_OK)
        return NULL;
    return h;
}

/* ==================================================================== through the stubs */

static void callbacks_over(const char *binding)
{
    RPC_BINDING_HANDLE h = bind(binding);
    CHECK(h != NULL);
    atomic_store(&progress_calls, 0);
    progress_thread = (pthread_t)0;
    CHECK_EQ_INT(c_Work(h, 4), 10 + 20 + 30 + 40 + 4 * 1000);
    CHECK_EQ_INT(atomic_load(&progress_calls), 4);
    CHECK(pthread_equal(progress_thread, pthread_self()));   /* on the thread that made the call */
    CHECK(strcmp(progress_note, "step") == 0);
    CHECK_EQ_INT(c_Work(h, 0), 0);
    RpcBindingFree(&h);
}

TEST(callbacks_run_on_the_calling_thread_during_the_call_over_tcp)
{
    callbacks_over(tcp_binding);
}

TEST(callbacks_run_on_the_calling_thread_during_the_call_over_ncalrpc)
{
    callbacks_over(lrpc_binding);
}

TEST(an_exception_in_a_client_callback_reaches_the_manager_as_its_code)
{
    RPC_BINDING_HANDLE h = bind(tcp_binding);
    CHECK_EQ_INT(c_TryFail(h, 0x20000777), 0x20000777);
    CHECK_EQ_INT(c_TryFail(h, RPC_S_ACCESS_DENIED), RPC_S_ACCESS_DENIED);
    CHECK_EQ_INT(c_Ping(h, 1), 2);            /* the connection goes on */
    RpcBindingFree(&h);
}

TEST(a_callbacks_status_parameters_take_its_failure_on_the_server)
{
    RPC_BINDING_HANDLE h = bind(tcp_binding);
    CHECK_EQ_INT(c_Probe(h, 5), 0);
    CHECK_EQ_INT(c_Probe(h, -0x20000555), 0x20000555);
    RpcBindingFree(&h);
}

TEST(callbacks_nest_calls_and_callbacks_on_the_same_binding)
{
    for (int i = 0; i < 2; i++) {
        nest_binding = bind(i ? lrpc_binding : tcp_binding);
        CHECK_EQ_INT(c_Deep(nest_binding, 0), 7);
        CHECK_EQ_INT(c_Deep(nest_binding, 3), 7111);
        RpcBindingFree(&nest_binding);
    }
}

TEST(large_callback_data_is_fragmented_both_ways)
{
    RPC_BINDING_HANDLE h = bind(tcp_binding);
    long n = 20000;                           /* 80000 octets back from the callback */
    CHECK_EQ_INT(c_Sum(h, n), 3LL * (n - 1) * n / 2);
    RpcBindingFree(&h);
}

TEST(maybe_callbacks_run_in_order_and_nothing_answers_them)
{
    RPC_BINDING_HANDLE h = bind(tcp_binding);
    for (int round = 0; round < 20; round++) {
        atomic_store(&tells, 0);
        told[0] = told[1] = 0;
        CHECK_EQ_INT(c_Told(h, 10 * round), 10 * round);
        CHECK_EQ_INT(atomic_load(&tells), 2);    /* both ran before the call returned */
        CHECK(told[0] == 10 * round && told[1] == 10 * round + 1);
    }
    CHECK_EQ_INT(c_Ping(h, 1), 2);            /* no answer to them came first */
    RpcBindingFree(&h);
}

TEST(a_callback_outside_a_call_fails_with_rpc_s_no_call_active)
{
    volatile RPC_STATUS code = 0;
    RpcTryExcept {
        long ack;
        Progress(1, "x", &ack);
    } RpcExcept(EXCEPTION_EXECUTE_HANDLER) {
        code = RpcExceptionCode();
    } RpcEndExcept
    CHECK_EQ_INT(code, RPC_S_NO_CALL_ACTIVE);
}

/* An asynchronous call has no thread waiting in the runtime: its callbacks run on a worker. */
typedef struct async_wait {
    pthread_mutex_t lock;
    pthread_cond_t done_cv;
    bool done;
} async_wait;

static void async_done(asidl__ccall *call, void *ctx)
{
    (void)call;
    async_wait *w = ctx;
    pthread_mutex_lock(&w->lock);
    w->done = true;
    pthread_cond_signal(&w->done_cv);
    pthread_mutex_unlock(&w->lock);
}

TEST(callbacks_of_an_asynchronous_call_run_on_a_runtime_thread)
{
    RPC_BINDING_HANDLE h = bind(tcp_binding);
    asidl__assoc *a = NULL;
    CHECK_EQ_INT(asidl__binding_assoc(asidl__binding_from(h), &a), RPC_S_OK);
    const asidl_interface *itf = asidl__interface_from(cbtest_v1_0_c_ifspec);
    asidl__syntax_id id;
    asidl__interface_syntax(itf, &id);
    uint8_t steps[4] = { 2, 0, 0, 0 };        /* Work(h, 2): the [in] long, NDR little-endian */
    asidl__request req = { .iface = &id, .opnum = 0, .stub = steps, .stub_len = 4, .callbacks = itf };
    async_wait w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false };
    atomic_store(&progress_calls, 0);
    progress_thread = pthread_self();
    asidl__ccall *call = NULL;
    CHECK_EQ_INT(asidl__ccall_start_ex(a, &req, async_done, &w, &call), RPC_S_OK);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&w.lock);
    while (!w.done && pthread_cond_timedwait(&w.done_cv, &w.lock, &until) == 0)
        ;
    pthread_mutex_unlock(&w.lock);
    CHECK(w.done);
    if (call && w.done) {
        uint8_t *out = NULL;
        size_t len = 0;
        CHECK_EQ_INT(asidl__ccall_result(call, &out, &len), RPC_S_OK);
        CHECK(len == 4 && out && out[0] + (out[1] << 8) == 2030);
        free(out);
    }
    if (call)
        asidl__ccall_release(call);
    CHECK_EQ_INT(atomic_load(&progress_calls), 2);
    CHECK(!pthread_equal(progress_thread, pthread_self()));
    asidl__assoc_release(a);
    RpcBindingFree(&h);
}

TEST(a_maybe_call_returns_while_its_manager_still_runs)
{
    RPC_BINDING_HANDLE h = bind(tcp_binding);
    pthread_mutex_lock(&notify_lock);
    notify_entered = notify_release = false;
    pthread_mutex_unlock(&notify_lock);
    c_Notify(h, 42);                          /* returns: nothing to wait for */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&notify_lock);
    while (!notify_entered && pthread_cond_timedwait(&notify_changed, &notify_lock, &until) == 0)
        ;
    CHECK(notify_entered);                    /* the manager got it, and holds it still */
    CHECK_EQ_INT(notified_value, 42);
    notify_release = true;
    pthread_cond_broadcast(&notify_changed);
    pthread_mutex_unlock(&notify_lock);

    /* A manager that raises: no exception here, and the next reply is the next call's. */
    int before = atomic_load(&crashes);
    RpcTryExcept {
        c_Crash(h, 0x20000123);
    } RpcExcept(EXCEPTION_EXECUTE_HANDLER) {
        CHECK(!"a [maybe] call raised");
    } RpcEndExcept
    for (int i = 0; i < 500 && atomic_load(&crashes) == before; i++)
        sleep_ms(10);
    CHECK_EQ_INT(atomic_load(&crashes), before + 1);
    CHECK_EQ_INT(c_Ping(h, 9), 10);
    RpcBindingFree(&h);
}

TEST(an_asynchronous_maybe_call_completes_once_sent)
{
    RPC_BINDING_HANDLE h = bind(lrpc_binding);
    RPC_ASYNC_STATE state;
    CHECK_EQ_INT(RpcAsyncInitializeHandle(&state, sizeof state), RPC_S_OK);
    state.NotificationType = RpcNotificationTypeNone;
    atomic_store(&announced, 0);
    c_Announce(&state, h, 77);
    CHECK_EQ_INT(RpcAsyncGetCallStatus(&state), RPC_S_OK);   /* complete already */
    CHECK_EQ_INT(RpcAsyncCompleteCall(&state, NULL), RPC_S_OK);
    for (int i = 0; i < 500 && atomic_load(&announced) == 0; i++)
        sleep_ms(10);
    CHECK_EQ_INT(atomic_load(&announced), 77);
    CHECK_EQ_INT(c_Ping(h, 1), 2);            /* and no answer to it came first */
    RpcBindingFree(&h);
}

TEST(idempotent_and_broadcast_operations_are_ordinary_calls)
{
    RPC_BINDING_HANDLE h = bind(lrpc_binding);
    CHECK_EQ_INT(c_Twice(h, 21), 42);
    CHECK_EQ_INT(c_Anyone(h, 1), 101);
    RpcBindingFree(&h);
}

/* ==================================================================== on the wire */

static void send_buf(int fd, asidl__buf *b)
{
    CHECK(!b->failed && asidl__sock_send(fd, b->data, b->len) == (ssize_t)b->len);
    asidl__buf_free(b);
    asidl__buf_init(b);
}

/* A raw connection bound to cbtest as context 0. */
static int raw_bound(void)
{
    const char *port = strrchr(tcp_binding, '[');
    char p[16] = "";
    if (port)
        snprintf(p, sizeof p, "%.*s", (int)strcspn(port + 1, "]"), port + 1);
    int fd = -1;
    if (asidl__transport_connect(ASIDL_PROTSEQ_TCP, "127.0.0.1", p, 2000, &fd) != RPC_S_OK)
        return -1;
    asidl__syntax_id id;
    asidl__interface_syntax(asidl__interface_from(cbtest_v1_0_s_ifspec), &id);
    asidl__ctx_elem ctx = { 0, id, 1, &asidl__ndr20_syntax };
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_bind(&b, ASIDL_PTYPE_BIND, 3, 1, 4280, 4280, 0, &ctx, 1);
    send_buf(fd, &b);
    uint8_t store[4096];
    asidl__pdu pdu;
    if (!read_pdu(fd, store, sizeof store, &pdu) || pdu.hdr.ptype != ASIDL_PTYPE_BIND_ACK) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Sends Work(h, steps) as call_id and reads the server's callback request for Progress. */
static bool work_until_callback(int fd, uint32_t call_id, long steps, uint8_t *store, size_t cap, asidl__pdu *pdu)
{
    uint8_t stub[4] = { (uint8_t)steps, 0, 0, 0 };
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_request(&b, 3, call_id, 4, 0, 0, NULL, stub, 4);
    send_buf(fd, &b);
    return read_pdu(fd, store, cap, pdu);
}

static unsigned long wait_work_failure(void)
{
    for (int i = 0; i < 300 && atomic_load(&work_failure) == 0; i++)
        sleep_ms(10);
    return atomic_exchange(&work_failure, 0);
}

TEST(a_callback_is_a_request_with_the_calls_call_id_answered_by_the_client)
{
    int fd = raw_bound();
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    uint8_t store[4096];
    asidl__pdu pdu;
    /* The callback request: the executing call's call_id and context, Progress's callback opnum
     * 0, and its [in] parameters: step 1, then the string "step". */
    CHECK(work_until_callback(fd, 6, 1, store, sizeof store, &pdu));
    CHECK_EQ_INT(pdu.hdr.ptype, ASIDL_PTYPE_REQUEST);
    CHECK_EQ_INT(pdu.hdr.call_id, 6);
    CHECK_EQ_INT(pdu.u.request.context_id, 0);
    CHECK_EQ_INT(pdu.u.request.opnum, 0);
    CHECK(pdu.u.request.stub_len == 4 + 12 + 5 && pdu.u.request.stub[0] == 1 &&
          memcmp(pdu.u.request.stub + 16, "step", 5) == 0);
    /* Answered: [out] ack 5, return value 7; Work returns their sum, 12. */
    uint8_t answer[8] = { 5, 0, 0, 0, 7, 0, 0, 0 };
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_response(&b, 3, 6, 8, 0, 0, answer, 8);
    send_buf(fd, &b);
    CHECK(read_pdu(fd, store, sizeof store, &pdu));
    CHECK(pdu.hdr.ptype == ASIDL_PTYPE_RESPONSE && pdu.hdr.call_id == 6 && pdu.u.response.stub_len == 4 &&
          pdu.u.response.stub[0] == 12);

    /* A fault as the answer: the manager's callback raises its status. */
    CHECK(work_until_callback(fd, 7, 1, store, sizeof store, &pdu) && pdu.hdr.ptype == ASIDL_PTYPE_REQUEST);
    asidl__pdu_encode_fault(&b, 0, 7, 0, 0, 0x20000999);
    send_buf(fd, &b);
    CHECK(read_pdu(fd, store, sizeof store, &pdu) && pdu.hdr.ptype == ASIDL_PTYPE_RESPONSE);
    CHECK_EQ_INT(wait_work_failure(), 0x20000999);

    /* The client abandons the call during the callback: RPC_S_CALL_CANCELLED, nothing sent. */
    CHECK(work_until_callback(fd, 8, 1, store, sizeof store, &pdu) && pdu.hdr.ptype == ASIDL_PTYPE_REQUEST);
    asidl__pdu_encode_header_only(&b, ASIDL_PTYPE_ORPHANED, 3, 8);
    send_buf(fd, &b);
    CHECK_EQ_INT(wait_work_failure(), RPC_S_CALL_CANCELLED);

    /* A response for no callback breaks the protocol: fault, and the connection closes. */
    asidl__pdu_encode_response(&b, 3, 40, 8, 0, 0, answer, 8);
    send_buf(fd, &b);
    CHECK(read_pdu(fd, store, sizeof store, &pdu) && pdu.hdr.ptype == ASIDL_PTYPE_FAULT &&
          pdu.u.response.status == ASIDL_NCA_S_PROTO_ERROR);
    close(fd);

    /* The client goes away during the callback: RPC_S_CALL_FAILED. */
    fd = raw_bound();
    CHECK(fd >= 0 && work_until_callback(fd, 9, 1, store, sizeof store, &pdu));
    close(fd);
    CHECK_EQ_INT(wait_work_failure(), RPC_S_CALL_FAILED);
}

/* ==================================================================== a scripted server */

/* Accepts a connection, acknowledges its bind and reads its first request into *pdu. */
static int script_accept_request(int listen_fd, uint8_t *store, size_t cap, asidl__pdu *pdu)
{
    if (asidl__sock_wait(listen_fd, POLLIN, 5000) <= 0)
        return -1;
    int fd = asidl__transport_accept(listen_fd);
    if (fd < 0)
        return -1;
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_result r = { 0, 0, asidl__ndr20_syntax };
    bool ok = read_pdu(fd, store, cap, pdu) && pdu->hdr.ptype == ASIDL_PTYPE_BIND;
    if (ok) {
        asidl__pdu_encode_bind_ack(&b, ASIDL_PTYPE_BIND_ACK, 3, pdu->hdr.call_id, 4280, 4280, 9, "1", &r, 1);
        ok = !b.failed && asidl__sock_send(fd, b.data, b.len) == (ssize_t)b.len &&
             read_pdu(fd, store, cap, pdu) && pdu->hdr.ptype == ASIDL_PTYPE_REQUEST;
    }
    asidl__buf_free(&b);
    if (!ok) {
        close(fd);
        return -1;
    }
    return fd;
}

typedef struct told_script {
    int listen_fd;
    atomic_int pings_answered;
} told_script;

#define TELL_CALLBACK_OPNUM 5
#define SCRIPTED_TOLD 4242

/* Told's reply comes in the same write as a [maybe] Tell before it, so the client reads both at
 * once; its Tell calls Ping on the same binding, and Ping's reply, in three fragments, is
 * longer than the Tell and Told's reply together: read where they were read, it would
 * overwrite Told's reply before the client unmarshals it. */
static void *told_script_run(void *arg)
{
    told_script *s = arg;
    uint8_t store[4096];
    asidl__pdu pdu;
    int fd = script_accept_request(s->listen_fd, store, sizeof store, &pdu);
    if (fd < 0)
        return NULL;
    uint32_t told_id = pdu.hdr.call_id;
    uint16_t ctx = pdu.u.request.context_id;
    uint8_t v[4] = { 7, 0, 0, 0 }, told_ret[4] = { SCRIPTED_TOLD & 0xff, SCRIPTED_TOLD >> 8, 0, 0 };
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_request(&b, ASIDL_PFC_FIRST_FRAG | ASIDL_PFC_LAST_FRAG | ASIDL_PFC_MAYBE, told_id, 4, ctx,
                              TELL_CALLBACK_OPNUM, NULL, v, 4);
    asidl__pdu_encode_response(&b, ASIDL_PFC_FIRST_FRAG | ASIDL_PFC_LAST_FRAG, told_id, 4, ctx, 0, told_ret, 4);
    bool ok = !b.failed && asidl__sock_send(fd, b.data, b.len) == (ssize_t)b.len;
    asidl__buf_free(&b);
    if (ok && read_pdu(fd, store, sizeof store, &pdu) && pdu.hdr.ptype == ASIDL_PTYPE_REQUEST) {
        uint8_t ping_ret[4] = { 99, 0, 0, 0 };
        asidl__buf_init(&b);
        asidl__pdu_encode_response(&b, ASIDL_PFC_FIRST_FRAG, pdu.hdr.call_id, 4, ctx, 0, ping_ret, 2);
        asidl__pdu_encode_response(&b, 0, pdu.hdr.call_id, 0, ctx, 0, ping_ret + 2, 1);
        asidl__pdu_encode_response(&b, ASIDL_PFC_LAST_FRAG, pdu.hdr.call_id, 0, ctx, 0, ping_ret + 3, 1);
        if (!b.failed && asidl__sock_send(fd, b.data, b.len) == (ssize_t)b.len)
            atomic_store(&s->pings_answered, 1);
        asidl__buf_free(&b);
    }
    while (read_pdu(fd, store, sizeof store, &pdu))
        ;                                      /* until the client closes */
    close(fd);
    return NULL;
}

/* A one-fragment reply may be unmarshalled where the calling thread read it; a [maybe]
 * callback that arrived with it runs first and may make calls that read on the same thread. */
TEST(a_reply_read_with_a_maybe_callback_survives_the_calls_that_callback_makes)
{
    asidl__listener_fds l;
    CHECK(asidl__transport_listen(ASIDL_PROTSEQ_TCP, "127.0.0.1", NULL, 4, &l) == RPC_S_OK);
    told_script s = { .listen_fd = l.fd[0] };
    pthread_t t;
    CHECK(pthread_create(&t, NULL, told_script_run, &s) == 0);
    char text[200];
    snprintf(text, sizeof text, "ncacn_ip_tcp:127.0.0.1[%s]", l.endpoint);
    RPC_BINDING_HANDLE h = bind(text);
    CHECK(h != NULL);
    atomic_store(&tells, 0);
    tell_binding = h;
    tell_ping = 0;
    CHECK_EQ_INT(c_Told(h, 1), SCRIPTED_TOLD);
    tell_binding = NULL;
    CHECK_EQ_INT(atomic_load(&tells), 1);
    CHECK_EQ_INT(told[0], 7);
    CHECK_EQ_INT(tell_ping, 99);
    RpcBindingFree(&h);
    pthread_join(t, NULL);
    CHECK_EQ_INT(atomic_load(&s.pings_answered), 1);     /* on the same connection */
    asidl__transport_unlisten(&l);
}

/* ==================================================================== main */

int main(void)
{
    const RPC_IF_HANDLE ifaces[] = { cbtest_v1_0_s_ifspec, NULL };
    test_server server;
    if (!test_server_start(&server, ifaces, 1))
        return 1;
    tcp_binding = server.tcp;
    lrpc_binding = server.lrpc;
    RUN(callbacks_run_on_the_calling_thread_during_the_call_over_tcp);
    RUN(callbacks_run_on_the_calling_thread_during_the_call_over_ncalrpc);
    RUN(an_exception_in_a_client_callback_reaches_the_manager_as_its_code);
    RUN(a_callbacks_status_parameters_take_its_failure_on_the_server);
    RUN(callbacks_nest_calls_and_callbacks_on_the_same_binding);
    RUN(large_callback_data_is_fragmented_both_ways);
    RUN(maybe_callbacks_run_in_order_and_nothing_answers_them);
    RUN(a_callback_outside_a_call_fails_with_rpc_s_no_call_active);
    RUN(callbacks_of_an_asynchronous_call_run_on_a_runtime_thread);
    RUN(a_maybe_call_returns_while_its_manager_still_runs);
    RUN(an_asynchronous_maybe_call_completes_once_sent);
    RUN(idempotent_and_broadcast_operations_are_ordinary_calls);
    RUN(a_callback_is_a_request_with_the_calls_call_id_answered_by_the_client);
    RUN(a_reply_read_with_a_maybe_callback_survives_the_calls_that_callback_makes);
    CHECK_EQ_INT(RpcMgmtStopServerListening(NULL), RPC_S_OK);
    asidl__rpc_server_reset();
    asidl__rt_shutdown();
    return test_exit();
}
