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
#include <sys/socket.h>
#include <unistd.h>

#include <rpc.h>
#include <windows.h>

#include "async.h"
#include "rpcrt.h"
#include "test.h"

static char tcp_binding[128], lrpc_binding[256];

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

static __attribute__((unused)) bool wait_held_count(int n)
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

/* Runs a stub call that must raise; returns the code (RPC_S_OK if it did not raise). */
#define RAISED(call)                                                                 \
    ({                                                                               \
        RPC_STATUS raised_ = RPC_S_OK;                                               \
        RpcTryExcept { call; }                                                       \
        RpcExcept(EXCEPTION_EXECUTE_HANDLER) { raised_ = RpcExceptionCode(); }       \
        RpcEndExcept                                                                 \
        raised_;                                                                     \
    })

static __attribute__((unused)) int thread_count(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
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

/* ==================================================================== main */

int main(void)
{
    CHECK_EQ_INT(RpcServerUseProtseqA((RPC_CSTR) "ncacn_ip_tcp", RPC_C_PROTSEQ_MAX_REQS_DEFAULT, NULL), RPC_S_OK);
    CHECK_EQ_INT(RpcServerUseProtseqA((RPC_CSTR) "ncalrpc", RPC_C_PROTSEQ_MAX_REQS_DEFAULT, NULL), RPC_S_OK);
    CHECK_EQ_INT(RpcServerRegisterIf(atest_v1_0_s_ifspec, NULL, NULL), RPC_S_OK);
    CHECK_EQ_INT(RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, 1), RPC_S_OK);
    RPC_BINDING_VECTOR *v = NULL;
    CHECK_EQ_INT(RpcServerInqBindings(&v), RPC_S_OK);
    for (unsigned long i = 0; v && i < v->Count; i++) {
        RPC_CSTR text = NULL;
        RpcBindingToStringBindingA(v->BindingH[i], &text);
        asidl__binding *b = asidl__binding_from(v->BindingH[i]);
        if (b->protseq == ASIDL_PROTSEQ_TCP)
            snprintf(tcp_binding, sizeof tcp_binding, "ncacn_ip_tcp:127.0.0.1[%s]", b->endpoint);
        else
            snprintf(lrpc_binding, sizeof lrpc_binding, "%s", (char *)text);
        RpcStringFreeA(&text);
    }
    RpcBindingVectorFree(&v);
    if (!tcp_binding[0] || !lrpc_binding[0]) {
        printf("not ok - server_starts\n");
        return 1;
    }
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
    CHECK_EQ_INT(RpcMgmtStopServerListening(NULL), RPC_S_OK);
    asidl__rpc_server_reset();
    asidl__rt_shutdown();
    return test_exit();
}
