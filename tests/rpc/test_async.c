/*
 * Asynchronous RPC end to end: the stubs asidl generates from async.idl/async.acf, client and
 * server in this process, over ncacn_ip_tcp and ncalrpc (spec/async-semantics.md sections 2-4).
 *
 * The server's Hold keeps each call, by tag, until a test completes, aborts or inspects it from
 * the test's own thread: that is how a test controls when (and in what order) replies leave.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rpc.h>
#include <windows.h>

#include "async.h"
#include "rpcrt.h"
#include "stub_test.h"
#include "test.h"
#include "test_server_start.h"

static const char *tcp_binding, *lrpc_binding;

/* ==================================================================== the server's side */

#define MAX_HELD 16384

typedef struct held_call {
    PRPC_ASYNC_STATE async;
    handle_t h;
    long tag;
    long *echo;
    long *counter;
} held_call;

static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t held_changed = PTHREAD_COND_INITIALIZER;
static held_call held[MAX_HELD];
static int n_held;

static atomic_int seq_log[4096];
static atomic_int seq_len;

void Add(PRPC_ASYNC_STATE pAsync, handle_t h, long a, long b, long *sum)
{
    (void)h;
    *sum = a + b;
    long ret = a + b;
    RpcAsyncCompleteCall(pAsync, &ret);
}

void Hold(PRPC_ASYNC_STATE pAsync, handle_t h, long tag, long *echo, long *counter)
{
    pthread_mutex_lock(&held_lock);
    if (n_held < MAX_HELD)
        held[n_held++] = (held_call){ pAsync, h, tag, echo, counter };
    pthread_cond_broadcast(&held_changed);
    pthread_mutex_unlock(&held_lock);
}

void Fill(PRPC_ASYNC_STATE pAsync, handle_t h, long n, long *values)
{
    (void)h;
    for (long i = 0; i < n; i++)
        values[i] = i * i;
    RpcAsyncCompleteCall(pAsync, NULL);
}

void Seq(PRPC_ASYNC_STATE pAsync, handle_t h, long seq)
{
    (void)h;
    int at = atomic_fetch_add(&seq_len, 1);
    if (at < 4096)
        seq_log[at] = (int)seq;
    long ret = seq;
    RpcAsyncCompleteCall(pAsync, &ret);
}

void Raise(PRPC_ASYNC_STATE pAsync, handle_t h, unsigned long code)
{
    (void)pAsync, (void)h;
    RpcRaiseException((RPC_STATUS)code);
}

void Sum(PRPC_ASYNC_STATE pAsync, handle_t h, long n, const long *values)
{
    (void)h;
    hyper total = 0;
    for (long i = 0; i < n; i++)
        total += values[i];
    RpcAsyncCompleteCall(pAsync, &total);
}

static atomic_int contexts_open, contexts_run_down;

void Open(PRPC_ASYNC_STATE pAsync, handle_t h, long v, ACTX *ctx)
{
    (void)h;
    long *value = malloc(sizeof *value);
    *value = v;
    *ctx = value;
    atomic_fetch_add(&contexts_open, 1);
    long ret = 0;
    RpcAsyncCompleteCall(pAsync, &ret);
}

void Read(PRPC_ASYNC_STATE pAsync, ACTX ctx)
{
    long ret = *(long *)ctx;
    RpcAsyncCompleteCall(pAsync, &ret);
}

void Close(ACTX *ctx)
{
    free(*ctx);
    *ctx = NULL;
    atomic_fetch_sub(&contexts_open, 1);
}

void ACTX_rundown(ACTX ctx)
{
    free(ctx);
    atomic_fetch_sub(&contexts_open, 1);
    atomic_fetch_add(&contexts_run_down, 1);
}

long Ping(handle_t h, long v)
{
    (void)h;
    return v + 1;
}

/* Takes the held call with this tag off the table, waiting up to 5 s for it to arrive. */
static bool take_held(long tag, held_call *out)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 5;
    pthread_mutex_lock(&held_lock);
    for (;;) {
        for (int i = 0; i < n_held; i++) {
            if (held[i].tag == tag) {
                *out = held[i];
                held[i] = held[--n_held];
                pthread_mutex_unlock(&held_lock);
                return true;
            }
        }
        if (pthread_cond_timedwait(&held_changed, &held_lock, &deadline) != 0)
            break;
    }
    pthread_mutex_unlock(&held_lock);
    return false;
}

static int held_count(void)
{
    pthread_mutex_lock(&held_lock);
    int n = n_held;
    pthread_mutex_unlock(&held_lock);
    return n;
}

static bool wait_held_count(int n)
{
    for (int i = 0; i < 1000 && held_count() < n; i++)
        usleep(10000);
    return held_count() >= n;
}

/* Completes a held call as the documentation's manager does: out values, then the reply. */
static RPC_STATUS finish_held(held_call *c, long ret)
{
    *c->echo = c->tag;
    *c->counter += 1;
    return RpcAsyncCompleteCall(c->async, &ret);
}

/* ==================================================================== the client's side */

static RPC_BINDING_HANDLE bind_to(const char *text)
{
    RPC_BINDING_HANDLE h = NULL;
    if (RpcBindingFromStringBindingA((RPC_CSTR)text, &h) != RPC_S_OK)
        return NULL;
    return h;
}

static RPC_STATUS init_handle(RPC_ASYNC_STATE *a, RPC_NOTIFICATION_TYPES type)
{
    RPC_STATUS st = RpcAsyncInitializeHandle(a, sizeof *a);
    a->NotificationType = type;
    return st;
}

/* Polls until the call is no longer pending (at most 5 s). */
static RPC_STATUS poll_until_done(RPC_ASYNC_STATE *a)
{
    RPC_STATUS st = RPC_S_ASYNC_CALL_PENDING;
    for (int i = 0; i < 5000 && st == RPC_S_ASYNC_CALL_PENDING; i++) {
        st = RpcAsyncGetCallStatus(a);
        if (st == RPC_S_ASYNC_CALL_PENDING)
            usleep(1000);
    }
    return st;
}

/* ==================================================================== the handle */

TEST(initialize_handle_checks_the_size_and_fills_the_documented_fields)
{
    RPC_ASYNC_STATE a;
    memset(&a, 0x5a, sizeof a);
    a.UserInfo = (void *)0x1234;
    CHECK_EQ_INT(RpcAsyncInitializeHandle(&a, sizeof a - 1), RPC_S_INVALID_ARG);
    CHECK_EQ_INT(RpcAsyncInitializeHandle(&a, sizeof a), RPC_S_OK);
    CHECK_EQ_INT(a.Size, sizeof a);
    CHECK_EQ_INT(a.Signature, 0x43595341);
    CHECK_EQ_INT(a.Lock, 0);
    CHECK_EQ_INT(a.Flags, 0);
    CHECK(a.StubInfo == NULL && a.RuntimeInfo == NULL);
    CHECK(a.UserInfo == (void *)0x1234);
    for (int i = 0; i < 4; i++)
        CHECK_EQ_INT(a.Reserved[i], 0);
    CHECK_EQ_INT(RpcAsyncGetCallStatus(&a), RPC_S_INVALID_BINDING);   /* no call yet */
    CHECK_EQ_INT(RPC_ASYNC_VERSION_1_0, sizeof(RPC_ASYNC_STATE));
}

TEST(a_handle_never_initialised_is_refused_and_nothing_is_sent)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    RPC_ASYNC_STATE a;
    memset(&a, 0xab, sizeof a);
    long sum = -1;
    CHECK_EQ_INT(RAISED(c_Add(&a, h, 1, 2, &sum)), RPC_S_INVALID_ASYNC_HANDLE);
    CHECK_EQ_INT(sum, -1);
    CHECK_EQ_INT(RpcAsyncGetCallStatus(&a), RPC_S_INVALID_ASYNC_HANDLE);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, NULL), RPC_S_INVALID_ASYNC_HANDLE);
    CHECK_EQ_INT(RpcAsyncCancelCall(&a, TRUE), RPC_S_INVALID_ASYNC_HANDLE);
    CHECK(RpcAsyncGetCallHandle(&a) == NULL);
    CHECK_EQ_INT(RAISED(c_Add(NULL, h, 1, 2, &sum)), RPC_S_INVALID_ASYNC_HANDLE);
    RpcBindingFree(&h);
}

/* ==================================================================== notification types */

static void polling_completes(const char *binding)
{
    RPC_BINDING_HANDLE h = bind_to(binding);
    RPC_ASYNC_STATE a;
    CHECK_EQ_INT(init_handle(&a, RpcNotificationTypeNone), RPC_S_OK);
    long sum = 0, reply = 0;
    c_Add(&a, h, 20, 22, &sum);
    CHECK(RpcAsyncGetCallHandle(&a) == h);
    CHECK_EQ_INT(poll_until_done(&a), RPC_S_OK);
    CHECK_EQ_INT(sum, 42);                              /* written before the status said done */
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_OK);
    CHECK_EQ_INT(reply, 42);
    /* spent: final, and refused until initialised again */
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_INVALID_ASYNC_HANDLE);
    CHECK_EQ_INT(RpcAsyncGetCallStatus(&a), RPC_S_INVALID_ASYNC_HANDLE);
    CHECK_EQ_INT(RAISED(c_Add(&a, h, 1, 1, &sum)), RPC_S_INVALID_ASYNC_HANDLE);
    CHECK_EQ_INT(init_handle(&a, RpcNotificationTypeNone), RPC_S_OK);
    c_Add(&a, h, 1, 1, &sum);
    CHECK_EQ_INT(poll_until_done(&a), RPC_S_OK);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_OK);
    CHECK_EQ_INT(reply, 2);
    RpcBindingFree(&h);
}

TEST(polling_over_tcp)
{
    polling_completes(tcp_binding);
}

TEST(polling_over_ncalrpc)
{
    polling_completes(lrpc_binding);
}

TEST(complete_call_returns_pending_without_blocking_and_buffers_wait_for_the_notification)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    RPC_ASYNC_STATE a;
    CHECK_EQ_INT(init_handle(&a, RpcNotificationTypeEvent), RPC_S_OK);
    a.u.hEvent = CreateEventA(NULL, FALSE, FALSE, NULL);
    long echo = -1, counter = 10, reply = -1;
    c_Hold(&a, h, 101, &echo, &counter);
    held_call c = { 0 };
    CHECK(take_held(101, &c));
    CHECK_EQ_INT(RpcAsyncGetCallStatus(&a), RPC_S_ASYNC_CALL_PENDING);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_ASYNC_CALL_PENDING);   /* and the call goes on */
    CHECK_EQ_INT(WaitForSingleObject(a.u.hEvent, 50), WAIT_TIMEOUT);
    CHECK_EQ_INT(echo, -1);
    CHECK_EQ_INT(counter, 10);
    CHECK_EQ_INT(reply, -1);
    CHECK_EQ_INT(c.tag, 101);
    CHECK_EQ_INT(*c.counter, 10);                        /* [in,out] reached the server */
    CHECK_EQ_INT(finish_held(&c, 7), RPC_S_OK);
    CHECK_EQ_INT(WaitForSingleObject(a.u.hEvent, 5000), WAIT_OBJECT_0);
    CHECK_EQ_INT(a.Event, RpcCallComplete);
    CHECK_EQ_INT(echo, 101);
    CHECK_EQ_INT(counter, 11);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_OK);
    CHECK_EQ_INT(reply, 7);
    CloseHandle(a.u.hEvent);
    RpcBindingFree(&h);
}

static atomic_int apc_runs;
static DWORD apc_thread_id;
static PRPC_ASYNC_STATE apc_async;

static void RPC_ENTRY count_apc(PRPC_ASYNC_STATE pAsync, void *context, RPC_ASYNC_EVENT event)
{
    CHECK(context == NULL);
    CHECK_EQ_INT(event, RpcCallComplete);
    apc_async = pAsync;
    apc_thread_id = GetCurrentThreadId();
    atomic_fetch_add(&apc_runs, 1);
}

TEST(apc_runs_on_the_calling_thread_only_in_an_alertable_wait)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    RPC_ASYNC_STATE a;
    CHECK_EQ_INT(init_handle(&a, RpcNotificationTypeApc), RPC_S_OK);
    a.u.APC.NotificationRoutine = count_apc;
    a.u.APC.hThread = NULL;
    atomic_store(&apc_runs, 0);
    long sum = 0, reply = 0;
    c_Add(&a, h, 2, 3, &sum);
    /* complete on the wire, but the APC waits for an alertable wait of this thread */
    for (int i = 0; i < 5000 && RpcAsyncGetCallStatus(&a) == RPC_S_ASYNC_CALL_PENDING; i++)
        Sleep(1);
    Sleep(20);
    CHECK_EQ_INT(atomic_load(&apc_runs), 0);
    CHECK_EQ_INT(SleepEx(5000, TRUE), WAIT_IO_COMPLETION);
    CHECK_EQ_INT(atomic_load(&apc_runs), 1);
    CHECK_EQ_INT(apc_thread_id, GetCurrentThreadId());
    CHECK(apc_async == &a);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_OK);
    CHECK_EQ_INT(reply, 5);
    CHECK_EQ_INT(sum, 5);
    RpcBindingFree(&h);
}

typedef struct apc_target {
    HANDLE ready;
    HANDLE stop;
    DWORD id;
} apc_target;

static void *alertable_thread(void *p)
{
    apc_target *t = p;
    t->id = GetCurrentThreadId();
    SetEvent(t->ready);
    while (WaitForSingleObjectEx(t->stop, INFINITE, TRUE) == WAIT_IO_COMPLETION)
        ;
    return NULL;
}

TEST(apc_goes_to_the_thread_named_by_hThread)
{
    apc_target t = { CreateEventA(NULL, TRUE, FALSE, NULL), CreateEventA(NULL, TRUE, FALSE, NULL), 0 };
    pthread_t th;
    pthread_create(&th, NULL, alertable_thread, &t);
    WaitForSingleObject(t.ready, INFINITE);
    RPC_BINDING_HANDLE h = bind_to(lrpc_binding);
    RPC_ASYNC_STATE a;
    CHECK_EQ_INT(init_handle(&a, RpcNotificationTypeApc), RPC_S_OK);
    a.u.APC.NotificationRoutine = count_apc;
    a.u.APC.hThread = OpenThread(THREAD_SET_CONTEXT, FALSE, t.id);
    CHECK(a.u.APC.hThread != NULL);
    atomic_store(&apc_runs, 0);
    long sum = 0, reply = 0;
    c_Add(&a, h, 4, 5, &sum);
    for (int i = 0; i < 5000 && atomic_load(&apc_runs) == 0; i++)
        Sleep(1);
    CHECK_EQ_INT(atomic_load(&apc_runs), 1);
    CHECK_EQ_INT(apc_thread_id, t.id);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_OK);
    CHECK_EQ_INT(reply, 9);
    SetEvent(t.stop);
    pthread_join(th, NULL);
    CloseHandle(a.u.APC.hThread);
    CloseHandle(t.ready);
    CloseHandle(t.stop);
    RpcBindingFree(&h);
}

TEST(ioc_posts_the_callers_key_overlapped_pointer_and_byte_count)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    RPC_ASYNC_STATE a;
    OVERLAPPED ov;
    CHECK_EQ_INT(init_handle(&a, RpcNotificationTypeIoc), RPC_S_OK);
    a.u.IOC.hIOPort = port;
    a.u.IOC.dwNumberOfBytesTransferred = 1234;
    a.u.IOC.dwCompletionKey = 0xC0FFEE;
    a.u.IOC.lpOverlapped = &ov;
    long values[5] = { -1, -1, -1, -1, -1 };
    c_Fill(&a, h, 5, values);
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED got = NULL;
    CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &got, 5000));
    CHECK_EQ_INT(bytes, 1234);
    CHECK_EQ_INT(key, 0xC0FFEE);
    CHECK(got == &ov);
    CHECK_EQ_INT(values[4], 16);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, NULL), RPC_S_OK);
    CHECK(!GetQueuedCompletionStatus(port, &bytes, &key, &got, 20));   /* exactly one packet */
    CloseHandle(port);
    RpcBindingFree(&h);
}

TEST(hwnd_posts_msg_with_wparam_0_and_lparam_pasync)
{
    RPC_BINDING_HANDLE h = bind_to(lrpc_binding);
    HWND queue = asidl_CreateMessageWindow();
    CHECK(queue != NULL);
    RPC_ASYNC_STATE a;
    CHECK_EQ_INT(init_handle(&a, RpcNotificationTypeHwnd), RPC_S_OK);
    a.u.HWND.hWnd = queue;
    a.u.HWND.Msg = WM_USER + 7;
    long sum = 0, reply = 0;
    c_Add(&a, h, 100, 1, &sum);
    MSG m;
    CHECK_EQ_INT(GetMessage(&m, NULL, 0, 0), TRUE);
    CHECK(m.hwnd == queue);
    CHECK_EQ_INT(m.message, WM_USER + 7);
    CHECK_EQ_INT(m.wParam, 0);
    CHECK(m.lParam == (LPARAM)&a);
    CHECK_EQ_INT(RpcAsyncCompleteCall((PRPC_ASYNC_STATE)m.lParam, &reply), RPC_S_OK);
    CHECK_EQ_INT(reply, 101);
    CHECK(!PeekMessage(&m, NULL, 0, 0, PM_REMOVE));
    asidl_DestroyMessageWindow(queue);
    RpcBindingFree(&h);
}

static atomic_int callback_runs;

static void RPC_ENTRY count_callback(PRPC_ASYNC_STATE pAsync, void *context, RPC_ASYNC_EVENT event)
{
    (void)pAsync;
    CHECK(context == NULL);
    CHECK_EQ_INT(event, RpcCallComplete);
    atomic_fetch_add(&callback_runs, 1);
}

TEST(callback_is_called_once_per_call)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    RPC_ASYNC_STATE a;
    CHECK_EQ_INT(init_handle(&a, RpcNotificationTypeCallback), RPC_S_OK);
    a.u.NotificationRoutine = count_callback;
    atomic_store(&callback_runs, 0);
    long sum = 0, reply = 0;
    c_Add(&a, h, -5, 5, &sum);
    for (int i = 0; i < 5000 && atomic_load(&callback_runs) == 0; i++)
        Sleep(1);
    Sleep(20);
    CHECK_EQ_INT(atomic_load(&callback_runs), 1);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_OK);
    CHECK_EQ_INT(reply, 0);
    RpcBindingFree(&h);
}

/* ==================================================================== the rules */

TEST(calls_complete_out_of_order_as_the_server_finishes_them)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    enum { N = 4 };
    RPC_ASYNC_STATE a[N];
    long echo[N], counter[N];
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    for (int i = 0; i < N; i++) {
        init_handle(&a[i], RpcNotificationTypeIoc);
        a[i].u.IOC.hIOPort = port;
        a[i].u.IOC.dwCompletionKey = (ULONG_PTR)i;
        echo[i] = -1;
        counter[i] = 0;
        c_Hold(&a[i], h, 200 + i, &echo[i], &counter[i]);
    }
    static const int order[N] = { 2, 0, 3, 1 };
    for (int k = 0; k < N; k++) {
        held_call c = { 0 };
        CHECK(take_held(200 + order[k], &c));
        CHECK_EQ_INT(finish_held(&c, order[k]), RPC_S_OK);
        DWORD bytes;
        ULONG_PTR key = 99;
        LPOVERLAPPED ov;
        CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &ov, 5000));
        CHECK_EQ_INT(key, order[k]);                  /* the one just completed, no other */
        long reply = -1;
        CHECK_EQ_INT(RpcAsyncCompleteCall(&a[key], &reply), RPC_S_OK);
        CHECK_EQ_INT(reply, order[k]);
        CHECK_EQ_INT(echo[key], 200 + order[k]);
    }
    CloseHandle(port);
    RpcBindingFree(&h);
}

TEST(a_synchronous_call_on_the_same_binding_runs_while_asynchronous_ones_are_pending)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    RPC_ASYNC_STATE a;
    init_handle(&a, RpcNotificationTypeNone);
    long echo = 0, counter = 0, reply = 0;
    c_Hold(&a, h, 300, &echo, &counter);
    held_call c = { 0 };
    CHECK(take_held(300, &c));
    CHECK_EQ_INT(c_Ping(h, 41), 42);                  /* as in seed 003 */
    CHECK_EQ_INT(RpcAsyncGetCallStatus(&a), RPC_S_ASYNC_CALL_PENDING);
    finish_held(&c, 1);
    CHECK_EQ_INT(poll_until_done(&a), RPC_S_OK);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_OK);
    RpcBindingFree(&h);
}

TEST(a_pending_handle_cannot_start_a_second_call)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    RPC_ASYNC_STATE a;
    init_handle(&a, RpcNotificationTypeNone);
    long echo = 0, counter = 0, reply = 0, sum = -1;
    c_Hold(&a, h, 301, &echo, &counter);
    CHECK_EQ_INT(RAISED(c_Add(&a, h, 1, 2, &sum)), RPC_S_INVALID_ASYNC_HANDLE);
    CHECK_EQ_INT(sum, -1);
    held_call c = { 0 };
    CHECK(take_held(301, &c));
    finish_held(&c, 3);
    CHECK_EQ_INT(poll_until_done(&a), RPC_S_OK);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_OK);
    CHECK_EQ_INT(reply, 3);                           /* the first call's result, untouched */
    RpcBindingFree(&h);
}

TEST(a_call_that_cannot_start_raises_and_never_notifies)
{
    atomic_store(&callback_runs, 0);
    RPC_ASYNC_STATE a;
    long sum = 0;
    /* no binding at all */
    init_handle(&a, RpcNotificationTypeCallback);
    a.u.NotificationRoutine = count_callback;
    CHECK_EQ_INT(RAISED(c_Add(&a, NULL, 1, 2, &sum)), RPC_S_INVALID_BINDING);
    /* nobody listening */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof sa;
    bind(s, (struct sockaddr *)&sa, sizeof sa);
    getsockname(s, (struct sockaddr *)&sa, &len);
    close(s);                                          /* a port nobody listens on now */
    char text[64];
    snprintf(text, sizeof text, "ncacn_ip_tcp:127.0.0.1[%u]", ntohs(sa.sin_port));
    RPC_BINDING_HANDLE dead = bind_to(text);
    RPC_STATUS st = RAISED(c_Add(&a, dead, 1, 2, &sum));
    CHECK(st == RPC_S_SERVER_UNAVAILABLE || st == RPC_S_CALL_FAILED_DNE);
    /* data the stub cannot marshal: a long beyond 32 bits */
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    CHECK_EQ_INT(RAISED(c_Add(&a, h, 1L << 40, 0, &sum)), RPC_X_BAD_STUB_DATA);
    /* the handle was not consumed: it can start a call now */
    init_handle(&a, RpcNotificationTypeEvent);
    a.u.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    c_Add(&a, h, 1, 2, &sum);
    CHECK_EQ_INT(WaitForSingleObject(a.u.hEvent, 5000), WAIT_OBJECT_0);
    long reply = 0;
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_OK);
    CHECK_EQ_INT(reply, 3);
    Sleep(20);
    CHECK_EQ_INT(atomic_load(&callback_runs), 0);     /* neither failed start ever notified */
    CloseHandle(a.u.hEvent);
    RpcBindingFree(&dead);
    RpcBindingFree(&h);
}

TEST(calls_from_one_thread_on_one_binding_arrive_in_order)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    enum { N = 200 };
    static RPC_ASYNC_STATE a[N];
    atomic_store(&seq_len, 0);
    for (int i = 0; i < N; i++) {
        init_handle(&a[i], RpcNotificationTypeNone);
        c_Seq(&a[i], h, i);
    }
    for (int i = 0; i < N; i++) {
        CHECK_EQ_INT(poll_until_done(&a[i]), RPC_S_OK);
        long reply = -1;
        CHECK_EQ_INT(RpcAsyncCompleteCall(&a[i], &reply), RPC_S_OK);
        CHECK_EQ_INT(reply, i);
    }
    CHECK_EQ_INT(atomic_load(&seq_len), N);
    int out_of_order = 0;
    for (int i = 0; i < N; i++)
        out_of_order += seq_log[i] != i;
    CHECK_EQ_INT(out_of_order, 0);
    if (out_of_order) {
        printf("#  ");
        for (int i = 0; i < 40; i++)
            printf(" %d", seq_log[i]);
        printf("\n");
    }
    CHECK_EQ_INT(asidl__assoc_connection_count(asidl__binding_from(h)->assoc), 1);
    RpcBindingFree(&h);
}

TEST(the_noncausal_option_lets_calls_spread_over_connections)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    CHECK_EQ_INT(RpcBindingSetOption(h, RPC_C_OPT_BINDING_NONCAUSAL, TRUE), RPC_S_OK);
    enum { N = 8 };
    RPC_ASYNC_STATE a[N];
    long echo[N] = { 0 }, counter[N] = { 0 };
    for (int i = 0; i < N; i++) {
        init_handle(&a[i], RpcNotificationTypeNone);
        c_Hold(&a[i], h, 400 + i, &echo[i], &counter[i]);
    }
    /* every call is pending on the server at once, and they did not queue behind one another */
    CHECK(wait_held_count(N));
    CHECK(asidl__assoc_connection_count(asidl__binding_from(h)->assoc) > 1);
    for (int i = 0; i < N; i++) {
        held_call c = { 0 };
        CHECK(take_held(400 + i, &c));
        finish_held(&c, i);
    }
    for (int i = 0; i < N; i++) {
        long reply = -1;
        CHECK_EQ_INT(poll_until_done(&a[i]), RPC_S_OK);
        CHECK_EQ_INT(RpcAsyncCompleteCall(&a[i], &reply), RPC_S_OK);
        CHECK_EQ_INT(reply, i);
    }
    RpcBindingFree(&h);
}

static void large_requests_behind_a_pending_call(const char *binding)
{
    RPC_BINDING_HANDLE h = bind_to(binding);
    RPC_ASYNC_STATE held_state;
    init_handle(&held_state, RpcNotificationTypeNone);
    long echo = 0, counter = 0;
    c_Hold(&held_state, h, 450, &echo, &counter);     /* the connection is now watched */
    held_call c = { 0 };
    CHECK(take_held(450, &c));
    enum { N = 4, COUNT = 256 * 1024 };               /* 1 MiB on the wire each: more than the socket holds */
    long *values = malloc(COUNT * sizeof *values);
    for (long i = 0; i < COUNT; i++)
        values[i] = i;
    RPC_ASYNC_STATE a[N];
    for (int i = 0; i < N; i++) {
        init_handle(&a[i], RpcNotificationTypeNone);
        c_Sum(&a[i], h, COUNT, values);
    }
    for (int i = 0; i < N; i++) {
        hyper total = 0;
        CHECK_EQ_INT(poll_until_done(&a[i]), RPC_S_OK);
        CHECK_EQ_INT(RpcAsyncCompleteCall(&a[i], &total), RPC_S_OK);
        CHECK_EQ_INT(total, (hyper)COUNT * (COUNT - 1) / 2);
    }
    finish_held(&c, 0);
    CHECK_EQ_INT(poll_until_done(&held_state), RPC_S_OK);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&held_state, NULL), RPC_S_OK);
    free(values);
    RpcBindingFree(&h);
}

static void large_replies_pipelined(const char *binding)
{
    RPC_BINDING_HANDLE h = bind_to(binding);
    enum { N = 16, COUNT = 46000 };                   /* 184 KB replies, i * i within 32 bits: 2.9 MB in all */
    RPC_ASYNC_STATE a[N];
    long *values[N];
    for (int i = 0; i < N; i++) {
        values[i] = calloc(COUNT, sizeof(long));
        init_handle(&a[i], RpcNotificationTypeNone);
        c_Fill(&a[i], h, COUNT, values[i]);
    }
    for (int i = 0; i < N; i++) {
        CHECK_EQ_INT(poll_until_done(&a[i]), RPC_S_OK);
        CHECK_EQ_INT(RpcAsyncCompleteCall(&a[i], NULL), RPC_S_OK);
        CHECK_EQ_INT(values[i][COUNT - 1], (long)(COUNT - 1) * (COUNT - 1));
        free(values[i]);
    }
    RpcBindingFree(&h);
}

TEST(large_replies_of_pipelined_calls_all_arrive_over_tcp)
{
    large_replies_pipelined(tcp_binding);
}

TEST(large_replies_of_pipelined_calls_all_arrive_over_ncalrpc)
{
    large_replies_pipelined(lrpc_binding);
}

TEST(large_requests_are_sent_while_the_connection_waits_for_replies_over_tcp)
{
    large_requests_behind_a_pending_call(tcp_binding);
}

TEST(large_requests_are_sent_while_the_connection_waits_for_replies_over_ncalrpc)
{
    large_requests_behind_a_pending_call(lrpc_binding);
}

TEST(context_handles_are_made_and_used_by_asynchronous_calls)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    RPC_ASYNC_STATE a;
    ACTX ctx = NULL;
    long reply = -1;
    init_handle(&a, RpcNotificationTypeNone);
    c_Open(&a, h, 77, &ctx);
    CHECK_EQ_INT(poll_until_done(&a), RPC_S_OK);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_OK);
    CHECK(ctx != NULL);                                  /* written before the notification */
    CHECK_EQ_INT(atomic_load(&contexts_open), 1);
    init_handle(&a, RpcNotificationTypeNone);
    c_Read(&a, ctx);                                     /* the binding comes from the handle */
    CHECK_EQ_INT(poll_until_done(&a), RPC_S_OK);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_OK);
    CHECK_EQ_INT(reply, 77);
    c_Close(&ctx);
    CHECK(ctx == NULL);
    CHECK_EQ_INT(atomic_load(&contexts_open), 0);
    /* one the client forgets runs down when its association ends (the handle kept it) */
    init_handle(&a, RpcNotificationTypeNone);
    c_Open(&a, h, 78, &ctx);
    CHECK_EQ_INT(poll_until_done(&a), RPC_S_OK);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_OK);
    RpcBindingFree(&h);
    RpcSsDestroyClientContext(&ctx);
    for (int i = 0; i < 500 && atomic_load(&contexts_run_down) == 0; i++)
        Sleep(2);
    CHECK_EQ_INT(atomic_load(&contexts_run_down), 1);
    CHECK_EQ_INT(atomic_load(&contexts_open), 0);
}

/* ==================================================================== abort, exceptions */

TEST(abort_sends_the_servers_code_and_leaves_out_buffers_alone)
{
    RPC_BINDING_HANDLE h = bind_to(lrpc_binding);
    RPC_ASYNC_STATE a;
    init_handle(&a, RpcNotificationTypeNone);
    long echo = -1, counter = 5, reply = -1;
    c_Hold(&a, h, 500, &echo, &counter);
    held_call c = { 0 };
    CHECK(take_held(500, &c));
    CHECK_EQ_INT(RpcAsyncAbortCall(c.async, 0), RPC_S_INVALID_ARG);   /* a fault needs a code */
    *c.echo = 77;                                       /* written, but never marshalled */
    CHECK_EQ_INT(RpcAsyncAbortCall(c.async, 0x2A2A2A2A), RPC_S_OK);
    CHECK_EQ_INT(poll_until_done(&a), 0x2A2A2A2A);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), 0x2A2A2A2A);
    CHECK_EQ_INT(reply, -1);
    CHECK_EQ_INT(echo, -1);
    CHECK_EQ_INT(counter, 5);
    RpcBindingFree(&h);
}

TEST(an_exception_in_an_async_manager_reaches_the_client)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    RPC_ASYNC_STATE a;
    init_handle(&a, RpcNotificationTypeNone);
    c_Raise(&a, h, 0x5EED);
    CHECK_EQ_INT(poll_until_done(&a), 0x5EED);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, NULL), 0x5EED);
    RpcBindingFree(&h);
}

TEST(the_server_handle_refuses_client_functions_and_a_second_completion)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    RPC_ASYNC_STATE a;
    init_handle(&a, RpcNotificationTypeNone);
    long echo = 0, counter = 0;
    c_Hold(&a, h, 501, &echo, &counter);
    held_call c = { 0 };
    CHECK(take_held(501, &c));
    CHECK_EQ_INT(RpcAsyncGetCallStatus(c.async), RPC_S_ASYNC_CALL_PENDING);
    CHECK_EQ_INT(RpcAsyncCancelCall(c.async, TRUE), RPC_S_INVALID_ASYNC_HANDLE);
    CHECK(RpcAsyncGetCallHandle(c.async) == c.h);       /* the binding the manager received */
    CHECK_EQ_INT(RpcServerTestCancel(RpcAsyncGetCallHandle(c.async)), RPC_S_CALL_IN_PROGRESS);
    CHECK_EQ_INT(RpcAsyncAbortCall(&a, 1), RPC_S_INVALID_ASYNC_HANDLE);   /* a client handle */
    finish_held(&c, 0);
    CHECK_EQ_INT(poll_until_done(&a), RPC_S_OK);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, NULL), RPC_S_OK);
    RpcBindingFree(&h);
}

/* ==================================================================== cancel */

static void cancel_reaches_the_server(const char *binding, bool server_gives_up)
{
    RPC_BINDING_HANDLE h = bind_to(binding);
    RPC_ASYNC_STATE a;
    init_handle(&a, RpcNotificationTypeEvent);
    a.u.hEvent = CreateEventA(NULL, FALSE, FALSE, NULL);
    long echo = -1, counter = 0, reply = -1;
    c_Hold(&a, h, 600, &echo, &counter);
    held_call c = { 0 };
    CHECK(take_held(600, &c));
    RPC_BINDING_HANDLE sh = RpcAsyncGetCallHandle(c.async);
    CHECK_EQ_INT(RpcServerTestCancel(sh), RPC_S_CALL_IN_PROGRESS);
    HANDLE cancelled = CreateEventA(NULL, TRUE, FALSE, NULL);
    RPC_ASYNC_NOTIFICATION_INFO info = { .hEvent = cancelled };
    CHECK_EQ_INT(RpcServerSubscribeForNotification(sh, RpcNotificationCallCancel, RpcNotificationTypeEvent, &info),
                 RPC_S_OK);
    CHECK_EQ_INT(RpcAsyncCancelCall(&a, FALSE), RPC_S_OK);
    CHECK_EQ_INT(WaitForSingleObject(cancelled, 5000), WAIT_OBJECT_0);
    CHECK_EQ_INT(RpcServerTestCancel(sh), RPC_S_OK);
    unsigned long queued = 0;
    CHECK_EQ_INT(RpcServerUnsubscribeForNotification(sh, RpcNotificationCallCancel, &queued), RPC_S_OK);
    CHECK_EQ_INT(queued, 1);
    /* non-abortive: the client still waits for the server's decision */
    CHECK_EQ_INT(WaitForSingleObject(a.u.hEvent, 50), WAIT_TIMEOUT);
    CHECK_EQ_INT(RpcAsyncGetCallStatus(&a), RPC_S_ASYNC_CALL_PENDING);
    if (server_gives_up) {
        CHECK_EQ_INT(RpcAsyncAbortCall(c.async, RPC_S_CALL_CANCELLED), RPC_S_OK);
        CHECK_EQ_INT(WaitForSingleObject(a.u.hEvent, 5000), WAIT_OBJECT_0);
        CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_CALL_CANCELLED);
        CHECK_EQ_INT(echo, -1);
    } else {
        CHECK_EQ_INT(finish_held(&c, 9), RPC_S_OK);   /* the cancel came too late: it succeeds */
        CHECK_EQ_INT(WaitForSingleObject(a.u.hEvent, 5000), WAIT_OBJECT_0);
        CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_OK);
        CHECK_EQ_INT(reply, 9);
        CHECK_EQ_INT(echo, 600);
    }
    CloseHandle(cancelled);
    CloseHandle(a.u.hEvent);
    RpcBindingFree(&h);
}

TEST(a_non_abortive_cancel_reaches_the_server_which_ends_the_call_cancelled)
{
    cancel_reaches_the_server(tcp_binding, true);
}

TEST(a_non_abortive_cancel_the_server_ignores_still_succeeds)
{
    cancel_reaches_the_server(lrpc_binding, false);
}

TEST(an_abortive_cancel_completes_at_once_and_the_late_reply_is_dropped)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    RPC_ASYNC_STATE a;
    init_handle(&a, RpcNotificationTypeCallback);
    a.u.NotificationRoutine = count_callback;
    atomic_store(&callback_runs, 0);
    long echo = -1, counter = 0, reply = -1;
    c_Hold(&a, h, 601, &echo, &counter);
    held_call c = { 0 };
    CHECK(take_held(601, &c));
    CHECK_EQ_INT(RpcAsyncCancelCall(&a, TRUE), RPC_S_OK);
    CHECK_EQ_INT(atomic_load(&callback_runs), 1);        /* completed locally, at once */
    CHECK_EQ_INT(RpcAsyncGetCallStatus(&a), RPC_S_CALL_CANCELLED);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_CALL_CANCELLED);
    /* the server learns it through orphaned; its reply goes nowhere */
    RPC_BINDING_HANDLE sh = RpcAsyncGetCallHandle(c.async);
    for (int i = 0; i < 500 && RpcServerTestCancel(sh) != RPC_S_OK; i++)
        Sleep(2);
    CHECK_EQ_INT(RpcServerTestCancel(sh), RPC_S_OK);
    CHECK_EQ_INT(finish_held(&c, 1), RPC_S_OK);
    CHECK_EQ_INT(c_Ping(h, 1), 2);                       /* the connection goes on */
    Sleep(20);
    CHECK_EQ_INT(atomic_load(&callback_runs), 1);
    CHECK_EQ_INT(echo, -1);
    RpcBindingFree(&h);
}

TEST(the_cancel_timeout_bounds_how_long_a_cancel_waits_for_the_server)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    CHECK_EQ_INT(RpcMgmtSetCancelTimeout(-2), RPC_S_INVALID_ARG);
    CHECK_EQ_INT(RpcMgmtSetCancelTimeout(1), RPC_S_OK);
    RPC_ASYNC_STATE a;
    init_handle(&a, RpcNotificationTypeEvent);
    a.u.hEvent = CreateEventA(NULL, FALSE, FALSE, NULL);
    long echo = -1, counter = 0;
    c_Hold(&a, h, 602, &echo, &counter);
    held_call c = { 0 };
    CHECK(take_held(602, &c));
    CHECK_EQ_INT(RpcAsyncCancelCall(&a, FALSE), RPC_S_OK);
    CHECK_EQ_INT(WaitForSingleObject(a.u.hEvent, 300), WAIT_TIMEOUT);   /* the server has its second */
    CHECK_EQ_INT(WaitForSingleObject(a.u.hEvent, 5000), WAIT_OBJECT_0);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, NULL), RPC_S_CALL_CANCELLED);
    CHECK_EQ_INT(finish_held(&c, 0), RPC_S_OK);
    /* timeout 0: cancels are abortive */
    CHECK_EQ_INT(RpcMgmtSetCancelTimeout(0), RPC_S_OK);
    init_handle(&a, RpcNotificationTypeNone);
    c_Hold(&a, h, 603, &echo, &counter);
    CHECK(take_held(603, &c));
    CHECK_EQ_INT(RpcAsyncCancelCall(&a, FALSE), RPC_S_OK);
    CHECK_EQ_INT(RpcAsyncGetCallStatus(&a), RPC_S_CALL_CANCELLED);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, NULL), RPC_S_CALL_CANCELLED);
    CHECK_EQ_INT(finish_held(&c, 0), RPC_S_OK);
    CHECK_EQ_INT(RpcMgmtSetCancelTimeout(RPC_C_CANCEL_INFINITE_TIMEOUT), RPC_S_OK);
    CloseHandle(a.u.hEvent);
    RpcBindingFree(&h);
}

static atomic_int server_notices;
static PRPC_ASYNC_STATE server_notice_async;
static RPC_ASYNC_EVENT server_notice_event;

static void RPC_ENTRY server_notice(PRPC_ASYNC_STATE pAsync, void *context, RPC_ASYNC_EVENT event)
{
    CHECK(context == NULL);
    server_notice_async = pAsync;
    server_notice_event = event;
    atomic_fetch_add(&server_notices, 1);
}

TEST(a_server_subscription_can_call_back_and_reports_a_past_cancel_at_once)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    RPC_ASYNC_STATE a;
    init_handle(&a, RpcNotificationTypeNone);
    long echo = -1, counter = 0;
    c_Hold(&a, h, 604, &echo, &counter);
    held_call c = { 0 };
    CHECK(take_held(604, &c));
    RPC_BINDING_HANDLE sh = RpcAsyncGetCallHandle(c.async);
    RPC_ASYNC_NOTIFICATION_INFO bad = { .NotificationRoutine = NULL };
    CHECK_EQ_INT(RpcServerSubscribeForNotification(sh, RpcNotificationCallCancel, RpcNotificationTypeCallback, &bad),
                 RPC_S_INVALID_ARG);
    CHECK_EQ_INT(RpcServerSubscribeForNotification(sh, RpcNotificationCallNone, RpcNotificationTypeNone, NULL),
                 RPC_S_INVALID_ARG);
    CHECK_EQ_INT(RpcServerSubscribeForNotification(NULL, RpcNotificationCallCancel, RpcNotificationTypeNone, NULL),
                 RPC_S_NO_CALL_ACTIVE);              /* no manager routine runs on this thread */
    CHECK_EQ_INT(RpcAsyncCancelCall(&a, FALSE), RPC_S_OK);
    for (int i = 0; i < 500 && RpcServerTestCancel(sh) != RPC_S_OK; i++)
        Sleep(2);
    atomic_store(&server_notices, 0);
    RPC_ASYNC_NOTIFICATION_INFO info = { .NotificationRoutine = server_notice };
    CHECK_EQ_INT(RpcServerSubscribeForNotification(sh, RpcNotificationCallCancel, RpcNotificationTypeCallback, &info),
                 RPC_S_OK);
    for (int i = 0; i < 500 && atomic_load(&server_notices) == 0; i++)
        Sleep(2);
    CHECK_EQ_INT(atomic_load(&server_notices), 1);
    CHECK(server_notice_async == c.async);
    CHECK_EQ_INT(server_notice_event, RpcClientCancel);
    CHECK_EQ_INT(RpcAsyncAbortCall(c.async, RPC_S_CALL_CANCELLED), RPC_S_OK);
    CHECK_EQ_INT(poll_until_done(&a), RPC_S_CALL_CANCELLED);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, NULL), RPC_S_CALL_CANCELLED);
    RpcBindingFree(&h);
}

/* ==================================================================== races: one completion */

typedef struct race {
    held_call call;
    HANDLE go;
} race;

static void *complete_on_go(void *p)
{
    race *r = p;
    WaitForSingleObject(r->go, INFINITE);
    finish_held(&r->call, 1);
    return NULL;
}

TEST(reply_and_abortive_cancel_racing_give_exactly_one_completion)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    int ok = 0, cancelled = 0, other = 0;
    for (int round = 0; round < 200; round++) {
        RPC_ASYNC_STATE a;
        init_handle(&a, RpcNotificationTypeCallback);
        a.u.NotificationRoutine = count_callback;
        atomic_store(&callback_runs, 0);
        long echo = -1, counter = 0;
        c_Hold(&a, h, 1000 + round, &echo, &counter);
        race r = { .go = CreateEventA(NULL, TRUE, FALSE, NULL) };
        CHECK(take_held(1000 + round, &r.call));
        pthread_t th;
        pthread_create(&th, NULL, complete_on_go, &r);
        SetEvent(r.go);
        /* a varying head start for the reply, so that both outcomes happen */
        if (round % 2)
            usleep((useconds_t)(round % 10) * 10);
        RpcAsyncCancelCall(&a, TRUE);
        pthread_join(th, NULL);
        for (int i = 0; i < 5000 && RpcAsyncGetCallStatus(&a) == RPC_S_ASYNC_CALL_PENDING; i++)
            Sleep(1);
        Sleep(1);
        RPC_STATUS st = RpcAsyncCompleteCall(&a, NULL);
        ok += st == RPC_S_OK;
        cancelled += st == RPC_S_CALL_CANCELLED;
        other += st != RPC_S_OK && st != RPC_S_CALL_CANCELLED;
        if (st == RPC_S_OK)
            CHECK_EQ_INT(echo, 1000 + round);
        else
            CHECK_EQ_INT(echo, -1);                     /* a cancelled call never writes */
        CHECK_EQ_INT(atomic_load(&callback_runs), 1);
        CloseHandle(r.go);
    }
    CHECK_EQ_INT(other, 0);
    printf("#   200 races: %d replies won, %d cancels won\n", ok, cancelled);
    RpcBindingFree(&h);
}

/* ==================================================================== disconnect */

TEST(a_client_that_disconnects_leaves_the_server_call_valid_and_its_completion_fails)
{
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    RPC_ASYNC_STATE a;
    init_handle(&a, RpcNotificationTypeNone);
    long echo = -1, counter = 0;
    c_Hold(&a, h, 700, &echo, &counter);
    held_call c = { 0 };
    CHECK(take_held(700, &c));
    HANDLE gone = CreateEventA(NULL, TRUE, FALSE, NULL);
    RPC_ASYNC_NOTIFICATION_INFO info = { .hEvent = gone };
    RPC_BINDING_HANDLE sh = RpcAsyncGetCallHandle(c.async);
    CHECK_EQ_INT(RpcServerSubscribeForNotification(sh, RpcNotificationClientDisconnect, RpcNotificationTypeEvent,
                                                   &info), RPC_S_OK);
    /* the network goes away under the client */
    asidl__assoc *assoc = asidl__binding_from(h)->assoc;
    pthread_mutex_lock(&assoc->lock);
    for (asidl__cconn *conn = assoc->conns; conn; conn = conn->next) {
        pthread_mutex_lock(&conn->lock);
        if (conn->src.fd >= 0)
            shutdown(conn->src.fd, SHUT_RDWR);
        pthread_mutex_unlock(&conn->lock);
    }
    pthread_mutex_unlock(&assoc->lock);
    CHECK_EQ_INT(poll_until_done(&a), RPC_S_CALL_FAILED);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, NULL), RPC_S_CALL_FAILED);
    CHECK_EQ_INT(echo, -1);
    CHECK_EQ_INT(WaitForSingleObject(gone, 5000), WAIT_OBJECT_0);
    CHECK_EQ_INT(RpcServerTestCancel(sh), RPC_S_OK);     /* nobody will read the answer */
    CHECK_EQ_INT(finish_held(&c, 0), RPC_S_CALL_FAILED);
    CloseHandle(gone);
    /* and the binding makes a new connection for the next call */
    CHECK_EQ_INT(c_Ping(h, 5), 6);
    RpcBindingFree(&h);
}

/* ==================================================================== scale */

static atomic_int scale_done;

static void RPC_ENTRY count_done(PRPC_ASYNC_STATE pAsync, void *context, RPC_ASYNC_EVENT event)
{
    (void)pAsync, (void)context, (void)event;
    atomic_fetch_add(&scale_done, 1);
}

TEST(ten_thousand_calls_pending_on_one_binding_hold_no_thread_on_either_side)
{
    enum { N = 10000 };
    RPC_BINDING_HANDLE h = bind_to(tcp_binding);
    RPC_ASYNC_STATE *a = calloc(N, sizeof *a);
    long *echo = calloc(N, sizeof *echo), *counter = calloc(N, sizeof *counter);
    int threads_before = thread_count();
    atomic_store(&scale_done, 0);
    for (int i = 0; i < N; i++) {
        init_handle(&a[i], RpcNotificationTypeCallback);
        a[i].u.NotificationRoutine = count_done;
        counter[i] = i;
        c_Hold(&a[i], h, 100000 + i, &echo[i], &counter[i]);
    }
    CHECK(wait_held_count(N));
    int threads_pending = thread_count();
    printf("#   threads: %d before, %d with %d calls pending (client and server in this process)\n",
           threads_before, threads_pending, N);
    CHECK(threads_pending <= threads_before + 2);
    CHECK_EQ_INT(atomic_load(&scale_done), 0);
    CHECK_EQ_INT(c_Ping(h, 1), 2);
    /* completed from this thread in reverse order */
    for (int i = N - 1; i >= 0; i--) {
        held_call c = { 0 };
        if (!take_held(100000 + i, &c)) {
            CHECK(!"held call missing");
            break;
        }
        finish_held(&c, i);
    }
    for (int i = 0; i < 1000 && atomic_load(&scale_done) < N; i++)
        Sleep(10);
    CHECK_EQ_INT(atomic_load(&scale_done), N);
    int wrong = 0;
    for (int i = 0; i < N; i++) {
        long reply = -1;
        wrong += RpcAsyncCompleteCall(&a[i], &reply) != RPC_S_OK || reply != i || echo[i] != 100000 + i ||
                 counter[i] != i + 1;
    }
    CHECK_EQ_INT(wrong, 0);
    free(a);
    free(echo);
    free(counter);
    RpcBindingFree(&h);
}

/* ==================================================================== main */

int main(void)
{
    const RPC_IF_HANDLE ifaces[] = { atest_v1_0_s_ifspec, NULL };
    test_server server;
    if (!test_server_start(&server, ifaces, 1))
        return 1;
    tcp_binding = server.tcp;
    lrpc_binding = server.lrpc;
    RUN(initialize_handle_checks_the_size_and_fills_the_documented_fields);
    RUN(a_handle_never_initialised_is_refused_and_nothing_is_sent);
    RUN(polling_over_tcp);
    RUN(polling_over_ncalrpc);
    RUN(complete_call_returns_pending_without_blocking_and_buffers_wait_for_the_notification);
    RUN(apc_runs_on_the_calling_thread_only_in_an_alertable_wait);
    RUN(apc_goes_to_the_thread_named_by_hThread);
    RUN(ioc_posts_the_callers_key_overlapped_pointer_and_byte_count);
    RUN(hwnd_posts_msg_with_wparam_0_and_lparam_pasync);
    RUN(callback_is_called_once_per_call);
    RUN(calls_complete_out_of_order_as_the_server_finishes_them);
    RUN(a_synchronous_call_on_the_same_binding_runs_while_asynchronous_ones_are_pending);
    RUN(a_pending_handle_cannot_start_a_second_call);
    RUN(a_call_that_cannot_start_raises_and_never_notifies);
    RUN(calls_from_one_thread_on_one_binding_arrive_in_order);
    RUN(the_noncausal_option_lets_calls_spread_over_connections);
    RUN(large_requests_are_sent_while_the_connection_waits_for_replies_over_tcp);
    RUN(large_replies_of_pipelined_calls_all_arrive_over_tcp);
    RUN(large_replies_of_pipelined_calls_all_arrive_over_ncalrpc);
    RUN(large_requests_are_sent_while_the_connection_waits_for_replies_over_ncalrpc);
    RUN(context_handles_are_made_and_used_by_asynchronous_calls);
    RUN(abort_sends_the_servers_code_and_leaves_out_buffers_alone);
    RUN(an_exception_in_an_async_manager_reaches_the_client);
    RUN(the_server_handle_refuses_client_functions_and_a_second_completion);
    RUN(a_non_abortive_cancel_reaches_the_server_which_ends_the_call_cancelled);
    RUN(a_non_abortive_cancel_the_server_ignores_still_succeeds);
    RUN(an_abortive_cancel_completes_at_once_and_the_late_reply_is_dropped);
    RUN(the_cancel_timeout_bounds_how_long_a_cancel_waits_for_the_server);
    RUN(a_server_subscription_can_call_back_and_reports_a_past_cancel_at_once);
    RUN(reply_and_abortive_cancel_racing_give_exactly_one_completion);
    RUN(a_client_that_disconnects_leaves_the_server_call_valid_and_its_completion_fails);
    RUN(ten_thousand_calls_pending_on_one_binding_hold_no_thread_on_either_side);
    CHECK_EQ_INT(RpcMgmtStopServerListening(NULL), RPC_S_OK);
    asidl__rpc_server_reset();
    asidl__rt_shutdown();
    return test_exit();
}
