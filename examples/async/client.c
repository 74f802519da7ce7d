/*
 * The asynchronous calculator's client: asynchronous RPC as Microsoft's documentation teaches
 * it, running on Linux.  It binds the way the documentation's samples do (the binding handle is
 * kept in the interface-handle variable that -oldnames declares, calc_ClientIfHandle, and passed
 * explicitly to every call) and then shows, section by section:
 *
 *   1. the code fragment of "Making the Asynchronous Call": an event notification, the call
 *      inside RpcTryExcept, and a synchronous call while the asynchronous one runs;
 *   2. several calls in flight on one binding, completing in an order other than their start;
 *   3. every notification type: polling, event, APC, I/O completion port, message queue, callback;
 *   4. cancelling a call, politely (the server sees it with RpcServerTestCancel) and abortively;
 *   5. calls the server aborts, and the exception code that reaches the client;
 * and a summary.  The process exits 0 when every call ended as expected.
 *
 *   client ncacn_ip_tcp 127.0.0.1 5050     client ncalrpc "" calc
 * With --shutdown last, it finally asks the server to stop.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <windows.h>
#include "calc.h"

static bool failed;              /* something did not behave as documented */
static unsigned async_calls, sync_calls;
static double started_ms;

/* The final status of every asynchronous call, counted for the summary. */
static struct {
    RPC_STATUS status;
    unsigned count;
} outcomes[8];
static int n_outcomes;

/* ==================================================================== helpers */

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static const char *status_name(RPC_STATUS st)
{
    switch (st) {
    case RPC_S_OK: return "RPC_S_OK";
    case RPC_S_ASYNC_CALL_PENDING: return "RPC_S_ASYNC_CALL_PENDING";
    case RPC_S_CALL_CANCELLED: return "RPC_S_CALL_CANCELLED";
    case RPC_S_SERVER_UNAVAILABLE: return "RPC_S_SERVER_UNAVAILABLE";
    case RPC_S_CALL_FAILED: return "RPC_S_CALL_FAILED";
    case CALC_E_OVERFLOW: return "CALC_E_OVERFLOW";
    case CALC_E_FAILED: return "CALC_E_FAILED";
    default: return "an unexpected status";
    }
}

/* Prints "1818 (RPC_S_CALL_CANCELLED)", with hex for application codes. */
static const char *describe(RPC_STATUS st)
{
    static char text[96];
    if (st & 0x20000000L)
        snprintf(text, sizeof text, "%ld = 0x%lx (%s)", (long)st, (unsigned long)st, status_name(st));
    else
        snprintf(text, sizeof text, "%ld (%s)", (long)st, status_name(st));
    return text;
}

static void expect(bool ok, const char *what)
{
    if (!ok) {
        printf("   UNEXPECTED: %s\n", what);
        failed = true;
    }
}

/* RpcAsyncCompleteCall, counted: the call's final status. */
static RPC_STATUS complete(RPC_ASYNC_STATE *async, void *reply)
{
    RPC_STATUS st = RpcAsyncCompleteCall(async, reply);
    int i = 0;
    while (i < n_outcomes && outcomes[i].status != st)
        i++;
    if (i == n_outcomes && n_outcomes < (int)(sizeof outcomes / sizeof outcomes[0]))
        outcomes[n_outcomes++].status = st;
    if (i < n_outcomes)
        outcomes[i].count++;
    return st;
}

static void report_exception(const char *call, unsigned long code)
{
    printf("   %s raised exception %lu: the call never started, no notification will come\n", call, code);
    failed = true;
}

/* Starting an asynchronous call either returns (the call is on its way and exactly one
 * notification will follow) or raises an exception (nothing started, nothing will follow). */
static bool start_reduce(RPC_ASYNC_STATE *async, calc_op op, unsigned long delay_ms, unsigned long count,
                         const long *values, hyper *result)
{
    RpcTryExcept {
        Reduce(async, calc_ClientIfHandle, op, delay_ms, count, values, result);
        async_calls++;
        return true;
    } RpcExcept(RpcExceptionFilter(RpcExceptionCode())) {
        report_exception("Reduce", RpcExceptionCode());
    } RpcEndExcept
    return false;
}

static bool start_wait(RPC_ASYNC_STATE *async, unsigned long timeout_ms)
{
    RpcTryExcept {
        Wait(async, calc_ClientIfHandle, timeout_ms);
        async_calls++;
        return true;
    } RpcExcept(RpcExceptionFilter(RpcExceptionCode())) {
        report_exception("Wait", RpcExceptionCode());
    } RpcEndExcept
    return false;
}

static bool start_fail(RPC_ASYNC_STATE *async, unsigned long code)
{
    RpcTryExcept {
        Fail(async, calc_ClientIfHandle, code);
        async_calls++;
        return true;
    } RpcExcept(RpcExceptionFilter(RpcExceptionCode())) {
        report_exception("Fail", RpcExceptionCode());
    } RpcEndExcept
    return false;
}

/* A synchronous call; -1 (and a message) if it raised. */
static long add(long a, long b)
{
    RpcTryExcept {
        long sum = Add(calc_ClientIfHandle, a, b);
        sync_calls++;
        return sum;
    } RpcExcept(RpcExceptionFilter(RpcExceptionCode())) {
        printf("   Add raised exception %lu\n", RpcExceptionCode());
        failed = true;
    } RpcEndExcept
    return -1;
}

static bool get_stats(calc_stats *stats)
{
    RpcTryExcept {
        Stats(calc_ClientIfHandle, stats);
        sync_calls++;
        return true;
    } RpcExcept(RpcExceptionFilter(RpcExceptionCode())) {
        printf("   Stats raised exception %lu\n", RpcExceptionCode());
        failed = true;
    } RpcEndExcept
    return false;
}

/* ==================================================================== 1. the documented fragment */

/* "Making the Asynchronous Call", as the documentation writes it (with its AsyncFunc and
 * NonAsyncFunc standing for Reduce and Add). */
static void documented_fragment(void)
{
    printf("1. The documentation's fragment: an event notification, a synchronous call meanwhile\n");
    RPC_ASYNC_STATE Async;
    RPC_STATUS status;
    unsigned long ulCode;
    static const long values[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    hyper result = 0;
    long nReply = 0;
    volatile bool started = false;      /* set inside RpcTryExcept: volatile, as with setjmp */

    // Initialize the handle.
    status = RpcAsyncInitializeHandle(&Async, sizeof(RPC_ASYNC_STATE));
    if (status)
    {
        printf("   RpcAsyncInitializeHandle failed: %ld\n", (long)status);
        failed = true;
        return;
    }

    Async.UserInfo = NULL;
    Async.NotificationType = RpcNotificationTypeEvent;

    Async.u.hEvent = CreateEvent(NULL, FALSE, FALSE, NULL);
    if (Async.u.hEvent == 0)
    {
        printf("   CreateEvent failed: %lu\n", (unsigned long)GetLastError());
        failed = true;
        return;
    }
    // Call an asynchronous RPC routine here
    RpcTryExcept
    {
        printf("   Calling the remote procedure 'Reduce' (1 + ... + 10, ready in 200 ms)\n");
        Reduce(&Async, calc_ClientIfHandle, CALC_ADD, 200, 10, values, &result);
        async_calls++;
        started = true;
    }
    RpcExcept(1)
    {
        ulCode = RpcExceptionCode();
        printf("   Reduce: Run time reported exception 0x%lx = %lu\n", ulCode, ulCode);
        failed = true;
    }
    RpcEndExcept

    // Call a synchronous routine while
    // the asynchronous procedure is still running
    RpcTryExcept
    {
        printf("   Calling the remote procedure 'Add'\n");
        long sum = Add(calc_ClientIfHandle, 40, 2);
        sync_calls++;
        printf("   Add(40, 2) = %ld, while 'Reduce' is running asynchronously (its status: %s)\n",
               sum, started ? status_name(RpcAsyncGetCallStatus(&Async)) : "not started");
    }
    RpcExcept(1)
    {
        ulCode = RpcExceptionCode();
        printf("   Add: Run time reported exception 0x%lx = %lu\n", ulCode, ulCode);
        failed = true;
    }
    RpcEndExcept

    if (started) {
        DWORD waited = WaitForSingleObject(Async.u.hEvent, INFINITE);
        status = complete(&Async, &nReply);
        printf("   the event is signalled (%s): RpcAsyncCompleteCall = %s, Reduce returned %ld, result %lld\n",
               waited == WAIT_OBJECT_0 ? "WAIT_OBJECT_0" : "??", status_name(status), nReply, (long long)result);
        expect(status == RPC_S_OK && nReply == 10 && result == 55, "Reduce should return 10 and give 55");
    }
    CloseHandle(Async.u.hEvent);
}

/* ==================================================================== 2. out of order */

#define IN_FLIGHT 4

static void out_of_order(void)
{
    printf("\n2. Four calls in flight at once on one binding, completing as the server finishes them\n");
    static const unsigned long delay_ms[IN_FLIGHT] = { 240, 60, 180, 120 };
    static const long factors[] = { 1, 2, 3, 4, 5, 6 };
    RPC_ASYNC_STATE async[IN_FLIGHT];
    HANDLE done[IN_FLIGHT];
    int which[IN_FLIGHT];                /* done[i] belongs to call which[i] */
    hyper result[IN_FLIGHT];
    int n = 0;
    double t0 = now_ms();
    for (int i = 0; i < IN_FLIGHT; i++) {
        RpcAsyncInitializeHandle(&async[i], sizeof async[i]);
        async[i].NotificationType = RpcNotificationTypeEvent;
        async[i].u.hEvent = CreateEvent(NULL, FALSE, FALSE, NULL);
        result[i] = 0;
        /* call i computes (i + 3)! */
        if (!start_reduce(&async[i], CALC_MUL, delay_ms[i], (unsigned long)i + 3, factors, &result[i])) {
            CloseHandle(async[i].u.hEvent);
            continue;
        }
        printf("   start #%d: Reduce(MUL, 1..%d), which the server completes after %3lu ms\n",
               i + 1, i + 3, delay_ms[i]);
        done[n] = async[i].u.hEvent;
        which[n++] = i;
    }
    int pending = 0;
    long sum = add(1, 2);
    for (int i = 0; i < n; i++)
        pending += RpcAsyncGetCallStatus(&async[which[i]]) == RPC_S_ASYNC_CALL_PENDING;
    printf("   Add(1, 2) = %ld, synchronously, while %d asynchronous calls are pending\n", sum, pending);

    char order[64] = "";
    while (n > 0) {
        DWORD w = WaitForMultipleObjects((DWORD)n, done, FALSE, 5000);
        if (w >= WAIT_OBJECT_0 + (DWORD)n) {
            expect(false, "a call did not complete within 5 s");
            break;
        }
        int k = (int)(w - WAIT_OBJECT_0), i = which[k];
        long reply = 0;
        RPC_STATUS st = complete(&async[i], &reply);
        printf("   done  #%d after %3.0f ms: %s, %d! = %lld\n", i + 1, now_ms() - t0, status_name(st), i + 3,
               (long long)result[i]);
        static const long long factorial[IN_FLIGHT] = { 6, 24, 120, 720 };
        expect(st == RPC_S_OK && result[i] == factorial[i], "a wrong result");
        snprintf(order + strlen(order), sizeof order - strlen(order), " #%d", i + 1);
        CloseHandle(done[k]);
        done[k] = done[n - 1];           /* the rest keep their order */
        which[k] = which[n - 1];
        n--;
    }
    printf("   order of start:      #1 #2 #3 #4\n");
    printf("   order of completion:%s\n", order);
}

/* ==================================================================== 3. notification types */

/* Each notification type's line: the call's outcome, then how its completion was learned. */
static void notified(const char *type, const char *how, RPC_ASYNC_STATE *async, const hyper *result,
                     long long expected)
{
    long reply = 0;
    RPC_STATUS st = complete(async, &reply);
    printf("   %-9s %s, Reduce = %-3lld %s\n", type, status_name(st), (long long)*result, how);
    expect(st == RPC_S_OK && *result == expected, "a wrong result");
}

static const long ten[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };

/* Every notification call is Reduce(ADD, 1..n), the server completing it 20 ms later. */
#define NOTIFY_DELAY_MS 20
#define TRIANGLE(n) ((long long)(n) * ((n) + 1) / 2)

static void by_polling(void)
{
    RPC_ASYNC_STATE async;
    hyper result = 0;
    RpcAsyncInitializeHandle(&async, sizeof async);
    async.NotificationType = RpcNotificationTypeNone;
    if (!start_reduce(&async, CALC_ADD, NOTIFY_DELAY_MS, 5, ten, &result))
        return;
    RPC_STATUS st;
    int polls = 0;
    while ((st = RpcAsyncGetCallStatus(&async)) == RPC_S_ASYNC_CALL_PENDING && polls < 5000) {
        polls++;
        Sleep(1);
    }
    notified("None", "polled RpcAsyncGetCallStatus until it stopped returning 997",
             &async, &result, TRIANGLE(5));
}

static void by_event(void)
{
    RPC_ASYNC_STATE async;
    hyper result = 0;
    RpcAsyncInitializeHandle(&async, sizeof async);
    async.NotificationType = RpcNotificationTypeEvent;
    async.u.hEvent = CreateEvent(NULL, FALSE, FALSE, NULL);
    if (start_reduce(&async, CALC_ADD, NOTIFY_DELAY_MS, 6, ten, &result)) {
        DWORD w = WaitForSingleObject(async.u.hEvent, 5000);
        notified("Event", w == WAIT_OBJECT_0 ? "WaitForSingleObject(u.hEvent) = WAIT_OBJECT_0"
                                             : "WaitForSingleObject(u.hEvent) timed out",
                 &async, &result, TRIANGLE(6));
    }
    CloseHandle(async.u.hEvent);
}

static DWORD apc_thread;
static int apc_event = -1;            /* the Event the routine was given */

static void RPC_ENTRY on_apc(PRPC_ASYNC_STATE pAsync, void *Context, RPC_ASYNC_EVENT Event)
{
    (void)pAsync, (void)Context;
    apc_thread = GetCurrentThreadId();
    apc_event = Event;
}

static void by_apc(void)
{
    RPC_ASYNC_STATE async;
    hyper result = 0;
    RpcAsyncInitializeHandle(&async, sizeof async);
    async.NotificationType = RpcNotificationTypeApc;
    async.u.APC.NotificationRoutine = on_apc;
    async.u.APC.hThread = NULL;                     /* this thread, in its next alertable wait */
    if (!start_reduce(&async, CALC_ADD, NOTIFY_DELAY_MS, 7, ten, &result))
        return;
    DWORD w = SleepEx(5000, TRUE);
    bool here = w == WAIT_IO_COMPLETION && apc_event == RpcCallComplete && apc_thread == GetCurrentThreadId();
    notified("Apc", here ? "SleepEx(5000, TRUE) = WAIT_IO_COMPLETION: the APC ran on this thread"
                         : "SleepEx(5000, TRUE): the APC did not run on this thread",
             &async, &result, TRIANGLE(7));
    expect(here, "the APC should run on the calling thread in SleepEx");
}

static void by_completion_port(void)
{
    RPC_ASYNC_STATE async;
    OVERLAPPED overlapped;
    hyper result = 0;
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    RpcAsyncInitializeHandle(&async, sizeof async);
    async.NotificationType = RpcNotificationTypeIoc;
    async.u.IOC.hIOPort = port;
    async.u.IOC.dwNumberOfBytesTransferred = sizeof result;
    async.u.IOC.dwCompletionKey = 0xCA1C;
    async.u.IOC.lpOverlapped = &overlapped;
    if (start_reduce(&async, CALC_ADD, NOTIFY_DELAY_MS, 8, ten, &result)) {
        DWORD bytes = 0;
        ULONG_PTR key = 0;
        LPOVERLAPPED got = NULL;
        BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &got, 5000);
        bool ours = ok && key == 0xCA1C && got == &overlapped && bytes == sizeof result;
        notified("Ioc", ours ? "GetQueuedCompletionStatus: a packet with our key, OVERLAPPED, byte count"
                             : "GetQueuedCompletionStatus: not the packet asked for",
                 &async, &result, TRIANGLE(8));
        expect(ours, "the completion packet should carry the handle's IOC values");
    }
    CloseHandle(port);
}

static void by_message(void)
{
    RPC_ASYNC_STATE async;
    hyper result = 0;
    /* On Windows this is a window; asidl gives a message queue standing in for one. */
    HWND window = asidl_CreateMessageWindow();
    RpcAsyncInitializeHandle(&async, sizeof async);
    async.NotificationType = RpcNotificationTypeHwnd;
    async.u.HWND.hWnd = window;
    async.u.HWND.Msg = WM_USER + 1;
    if (start_reduce(&async, CALC_ADD, NOTIFY_DELAY_MS, 9, ten, &result)) {
        MSG msg;
        BOOL got = GetMessage(&msg, NULL, 0, 0);
        bool ours = got > 0 && msg.hwnd == window && msg.message == WM_USER + 1 && msg.wParam == 0 &&
                    msg.lParam == (LPARAM)&async;
        notified("Hwnd", ours ? "GetMessage: WM_USER+1 for our window, wParam 0, lParam = &Async"
                              : "GetMessage: not the message asked for",
                 ours ? (PRPC_ASYNC_STATE)msg.lParam : &async, &result, TRIANGLE(9));
        expect(ours, "the message should carry Msg, wParam 0 and lParam = pAsync");
    }
    asidl_DestroyMessageWindow(window);
}

static HANDLE callback_done;
static int callback_event = -1;

static void RPC_ENTRY on_complete(PRPC_ASYNC_STATE pAsync, void *Context, RPC_ASYNC_EVENT Event)
{
    (void)pAsync, (void)Context;
    callback_event = Event;
    SetEvent(callback_done);
}

static void by_callback(void)
{
    RPC_ASYNC_STATE async;
    hyper result = 0;
    callback_done = CreateEvent(NULL, FALSE, FALSE, NULL);
    RpcAsyncInitializeHandle(&async, sizeof async);
    async.NotificationType = RpcNotificationTypeCallback;
    async.u.NotificationRoutine = on_complete;
    if (start_reduce(&async, CALC_ADD, NOTIFY_DELAY_MS, 10, ten, &result)) {
        bool called = WaitForSingleObject(callback_done, 5000) == WAIT_OBJECT_0 &&
                      callback_event == RpcCallComplete;
        notified("Callback", called ? "the notification routine was called with RpcCallComplete"
                                    : "the notification routine was not called",
                 &async, &result, TRIANGLE(10));
        expect(called, "the callback should be called once the call completed");
    }
    CloseHandle(callback_done);
}

static void notification_types(void)
{
    printf("\n3. Each way of learning that a call completed (Reduce(ADD, 1..n), ready %d ms later)\n",
           NOTIFY_DELAY_MS);
    by_polling();
    by_event();
    by_apc();
    by_completion_port();
    by_message();
    by_callback();
}

/* ==================================================================== 4. cancel */

/* Starts Wait(5 s), cancels it after 50 ms, and returns its final status. */
static RPC_STATUS cancel_wait(BOOL fAbort, double *took_ms)
{
    RPC_ASYNC_STATE async;
    RpcAsyncInitializeHandle(&async, sizeof async);
    async.NotificationType = RpcNotificationTypeEvent;
    async.u.hEvent = CreateEvent(NULL, FALSE, FALSE, NULL);
    RPC_STATUS st = RPC_S_CALL_FAILED;
    if (start_wait(&async, 5000)) {
        Sleep(50);
        double t0 = now_ms();
        RPC_STATUS cancel = RpcAsyncCancelCall(&async, fAbort);
        expect(cancel == RPC_S_OK, "RpcAsyncCancelCall should accept a pending call");
        /* cancelled or not, the notification still comes, and CompleteCall ends the call */
        if (WaitForSingleObject(async.u.hEvent, 5000) == WAIT_OBJECT_0) {
            long reply = 0;
            st = complete(&async, &reply);
        } else {
            expect(false, "no notification within 5 s of the cancel");
            RpcAsyncCancelCall(&async, TRUE);
            WaitForSingleObject(async.u.hEvent, INFINITE);
            st = complete(&async, NULL);
        }
        *took_ms = now_ms() - t0;
    }
    CloseHandle(async.u.hEvent);
    return st;
}

static void cancelling(void)
{
    printf("\n4. Cancelling Wait(5000 ms), 50 ms after it started\n");
    double took = 0;
    RPC_STATUS st = cancel_wait(FALSE, &took);
    calc_stats stats = { 0 };
    get_stats(&stats);
    printf("   non-abortive: RpcAsyncCancelCall(&Async, FALSE) tells the server, whose RpcServerTestCancel\n"
           "                 sees it (Stats: %lu cancelled call%s seen) and which aborts the call:\n"
           "                 RpcAsyncCompleteCall = %s, %.0f ms after the cancel\n",
           stats.cancels_seen, stats.cancels_seen == 1 ? "" : "s", describe(st), took);
    expect(st == RPC_S_CALL_CANCELLED && stats.cancels_seen == 1,
           "the server should have ended the call with RPC_S_CALL_CANCELLED");

    st = cancel_wait(TRUE, &took);
    printf("   abortive:     RpcAsyncCancelCall(&Async, TRUE) ends the call here at once:\n"
           "                 RpcAsyncCompleteCall = %s, %.0f ms after the cancel\n", describe(st), took);
    expect(st == RPC_S_CALL_CANCELLED && took < 1000, "an abortive cancel should end the call at once");
}

/* ==================================================================== 5. abort */

static void aborting(void)
{
    printf("\n5. Calls the server ends with RpcAsyncAbortCall(pAsync, code)\n");
    RPC_ASYNC_STATE async;
    RpcAsyncInitializeHandle(&async, sizeof async);
    HANDLE event = CreateEvent(NULL, FALSE, FALSE, NULL);
    async.NotificationType = RpcNotificationTypeEvent;
    async.u.hEvent = event;
    long reply = -1;
    if (start_fail(&async, CALC_E_FAILED)) {
        WaitForSingleObject(async.u.hEvent, 5000);
        RPC_STATUS st = complete(&async, &reply);
        printf("   Fail(CALC_E_FAILED):         RpcAsyncCompleteCall = %s\n", describe(st));
        expect(st == CALC_E_FAILED && reply == -1, "the server's code, and no reply value");
    }

    /* 1000^7 does not fit in 64 bits: the server refuses to reduce it */
    static const long thousands[] = { 1000, 1000, 1000, 1000, 1000, 1000, 1000 };
    hyper result = -1;
    RpcAsyncInitializeHandle(&async, sizeof async);        /* again before every call */
    async.NotificationType = RpcNotificationTypeEvent;
    async.u.hEvent = event;
    if (start_reduce(&async, CALC_MUL, 0, 7, thousands, &result)) {
        WaitForSingleObject(async.u.hEvent, 5000);
        RPC_STATUS st = complete(&async, &reply);
        printf("   Reduce(MUL, 1000 x 7):       RpcAsyncCompleteCall = %s, result untouched (%lld)\n",
               describe(st), (long long)result);
        expect(st == CALC_E_OVERFLOW && result == -1, "CALC_E_OVERFLOW, and [out] left as it was");
    }
    CloseHandle(event);
}

/* ==================================================================== main */

static void summary(void)
{
    printf("\nSummary\n   %u asynchronous calls:", async_calls);
    for (int i = 0; i < n_outcomes; i++)
        printf("%s %u %s", i ? "," : "", outcomes[i].count, status_name(outcomes[i].status));
    printf("\n   %u synchronous calls on the same binding\n", sync_calls);
    printf("   %.2f s in all\n", (now_ms() - started_ms) / 1000);
}

int main(int argc, char **argv)
{
    bool shutdown = argc > 1 && strcmp(argv[argc - 1], "--shutdown") == 0;
    if (shutdown)
        argc--;
    if (argc != 4) {
        fprintf(stderr, "usage: %s PROTSEQ NETWORK_ADDRESS ENDPOINT [--shutdown]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    started_ms = now_ms();

    /* As the documentation's samples do: the binding goes into the interface-handle variable
     * (-oldnames' calc_ClientIfHandle), and every call names it explicitly. */
    RPC_CSTR text = NULL;
    RPC_STATUS st = RpcStringBindingCompose(NULL, (RPC_CSTR)argv[1], (RPC_CSTR)argv[2], (RPC_CSTR)argv[3],
                                            NULL, &text);
    if (st == RPC_S_OK)
        st = RpcBindingFromStringBinding(text, &calc_ClientIfHandle);
    if (st != RPC_S_OK) {
        fprintf(stderr, "client: bad binding (%ld)\n", (long)st);
        RpcStringFree(&text);
        return 1;
    }
    printf("client: bound to %s\n\n", (char *)text);
    RpcStringFree(&text);

    documented_fragment();
    out_of_order();
    notification_types();
    cancelling();
    aborting();
    summary();

    if (shutdown) {
        RpcTryExcept {
            Shutdown(calc_ClientIfHandle);
            printf("client: asked the server to shut down\n");
        } RpcExcept(RpcExceptionFilter(RpcExceptionCode())) {
            printf("client: Shutdown raised exception %lu\n", RpcExceptionCode());
            failed = true;
        } RpcEndExcept
    }
    RpcBindingFree(&calc_ClientIfHandle);
    if (failed)
        printf("client: something did not go as documented (see UNEXPECTED above)\n");
    return failed ? 1 : 0;
}
