/*
 * Asynchronous calls from a process that is only a client: it has no runtime thread and no
 * epoll set until its first asynchronous call needs someone to read the replies
 * (docs/runtime-design.md, "Threads").  This program is the server; it starts a copy of itself
 * with --client BINDING, which runs the tests in a fresh process and prints their results.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rpc.h>
#include <windows.h>

#include "async_process.h"
#include "stub_test.h"
#include "test.h"

/* ==================================================================== the server's side */

void Add(PRPC_ASYNC_STATE pAsync, handle_t h, long a, long b, long *sum)
{
    (void)h;
    long ret = a + b;
    *sum = ret;
    RpcAsyncCompleteCall(pAsync, &ret);
}

long Ping(handle_t h, long v)
{
    (void)h;
    return v + 1;
}

/* ==================================================================== the client's side */

static const char *binding_text;

static RPC_BINDING_HANDLE bind_to(void)
{
    RPC_BINDING_HANDLE h = NULL;
    return RpcBindingFromStringBindingA((RPC_CSTR)binding_text, &h) == RPC_S_OK ? h : NULL;
}

TEST(a_synchronous_call_starts_no_thread)
{
    RPC_BINDING_HANDLE h = bind_to();
    CHECK_EQ_INT(c_Ping(h, 41), 42);
    CHECK_EQ_INT(thread_count(), 1);
    RpcBindingFree(&h);
}

/* Without descriptors for the epoll set nobody could ever read the reply: the call must end
 * with a failure (and its notification), not wait forever. */
TEST(without_descriptors_for_the_event_loop_an_asynchronous_call_fails_instead_of_hanging)
{
    RPC_BINDING_HANDLE h = bind_to();
    CHECK_EQ_INT(c_Ping(h, 1), 2);              /* the connection is open and idle */
    RPC_ASYNC_STATE a;
    RpcAsyncInitializeHandle(&a, sizeof a);
    a.NotificationType = RpcNotificationTypeEvent;
    a.u.hEvent = CreateEventA(NULL, FALSE, FALSE, NULL);
    CHECK(a.u.hEvent != NULL);

    struct rlimit old, low;
    getrlimit(RLIMIT_NOFILE, &old);
    low = old;
    low.rlim_cur = 64;
    setrlimit(RLIMIT_NOFILE, &low);
    int fds[64], n = 0;
    while (n < 64 && (fds[n] = dup(0)) >= 0)
        n++;
    CHECK_EQ_INT(errno, EMFILE);

    long sum = -1, reply = -1;
    CHECK_EQ_INT(RAISED(c_Add(&a, h, 2, 3, &sum)), RPC_S_OK);
    CHECK_EQ_INT(WaitForSingleObject(a.u.hEvent, 5000), WAIT_OBJECT_0);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_OUT_OF_RESOURCES);
    CHECK_EQ_INT(sum, -1);
    CHECK_EQ_INT(thread_count(), 1);

    while (n > 0)
        close(fds[--n]);
    setrlimit(RLIMIT_NOFILE, &old);
    CloseHandle(a.u.hEvent);
    RpcBindingFree(&h);
}

TEST(the_first_asynchronous_call_starts_one_io_thread_which_completes_it)
{
    RPC_BINDING_HANDLE h = bind_to();
    RPC_ASYNC_STATE a;
    RpcAsyncInitializeHandle(&a, sizeof a);
    a.NotificationType = RpcNotificationTypeEvent;
    a.u.hEvent = CreateEventA(NULL, FALSE, FALSE, NULL);
    long sum = 0, reply = 0;
    c_Add(&a, h, 20, 22, &sum);
    CHECK_EQ_INT(WaitForSingleObject(a.u.hEvent, 5000), WAIT_OBJECT_0);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_OK);
    CHECK_EQ_INT(reply, 42);
    CHECK_EQ_INT(sum, 42);
    CHECK_EQ_INT(thread_count(), 2);
    CloseHandle(a.u.hEvent);
    RpcBindingFree(&h);
}

TEST(a_completion_port_receives_the_packet_from_the_io_thread)
{
    RPC_BINDING_HANDLE h = bind_to();
    HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
    RPC_ASYNC_STATE a;
    RpcAsyncInitializeHandle(&a, sizeof a);
    a.NotificationType = RpcNotificationTypeIoc;
    a.u.IOC.hIOPort = port;
    a.u.IOC.dwCompletionKey = 77;
    long sum = 0, reply = 0;
    c_Add(&a, h, 7, 8, &sum);
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = NULL;
    CHECK(GetQueuedCompletionStatus(port, &bytes, &key, &ov, 5000));
    CHECK_EQ_INT(key, 77);
    CHECK_EQ_INT(RpcAsyncCompleteCall(&a, &reply), RPC_S_OK);
    CHECK_EQ_INT(reply, 15);
    CloseHandle(port);
    RpcBindingFree(&h);
}

/* 64 calls in flight, each completion starting the next call, in bursts that drain completely
 * in between: connections go from armed with calls outstanding to idle and back many times.
 * Restarted from the callback, calls start on the I/O thread that reads the replies; restarted
 * from a completion port, on the application's thread while the I/O thread reads. */

#define IN_FLIGHT 64
#define PER_BURST 4000

typedef struct slot {
    RPC_ASYNC_STATE async;
    long a, sum;
} slot;

static struct {
    RPC_BINDING_HANDLE binding;
    HANDLE port;                       /* NULL: notified by callback */
    slot slots[IN_FLIGHT];
    atomic_long started, completed, wrong;
    atomic_int in_flight;
} burst;

static void RPC_ENTRY restart(PRPC_ASYNC_STATE pAsync, void *context, RPC_ASYNC_EVENT event);

static bool start_one(slot *s)
{
    if (atomic_fetch_add(&burst.started, 1) >= PER_BURST)
        return false;
    RpcAsyncInitializeHandle(&s->async, sizeof s->async);
    s->async.UserInfo = s;
    if (burst.port) {
        s->async.NotificationType = RpcNotificationTypeIoc;
        s->async.u.IOC.hIOPort = burst.port;
        s->async.u.IOC.dwCompletionKey = (ULONG_PTR)s;
    } else {
        s->async.NotificationType = RpcNotificationTypeCallback;
        s->async.u.NotificationRoutine = restart;
    }
    s->a++;
    if (RAISED(c_Add(&s->async, burst.binding, s->a, 1000, &s->sum)) != RPC_S_OK) {
        atomic_fetch_add(&burst.wrong, 1);
        return false;
    }
    return true;
}

static void finish_one(slot *s)
{
    long reply = 0;
    if (RpcAsyncCompleteCall(&s->async, &reply) != RPC_S_OK || reply != s->a + 1000 || s->sum != reply)
        atomic_fetch_add(&burst.wrong, 1);
    atomic_fetch_add(&burst.completed, 1);
    if (!start_one(s))
        atomic_fetch_sub(&burst.in_flight, 1);
}

static void RPC_ENTRY restart(PRPC_ASYNC_STATE pAsync, void *context, RPC_ASYNC_EVENT event)
{
    (void)context, (void)event;
    finish_one(pAsync->UserInfo);
}

static void run_bursts(bool by_port)
{
    burst.binding = bind_to();
    burst.port = by_port ? CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1) : NULL;
    atomic_store(&burst.wrong, 0);
    for (int round = 0; round < 5; round++) {
        atomic_store(&burst.started, 0);
        atomic_store(&burst.completed, 0);
        atomic_store(&burst.in_flight, IN_FLIGHT);
        for (int i = 0; i < IN_FLIGHT; i++)
            if (!start_one(&burst.slots[i]))
                atomic_fetch_sub(&burst.in_flight, 1);
        for (int i = 0; i < 20000 && atomic_load(&burst.in_flight) > 0; i++) {
            OVERLAPPED_ENTRY got[IN_FLIGHT];
            ULONG n = 0;
            if (!by_port)
                usleep(1000);
            else if (GetQueuedCompletionStatusEx(burst.port, got, IN_FLIGHT, &n, 1, FALSE))
                for (ULONG k = 0; k < n; k++)
                    finish_one((slot *)got[k].lpCompletionKey);
        }
        CHECK_EQ_INT(atomic_load(&burst.in_flight), 0);
        CHECK_EQ_INT(atomic_load(&burst.completed), PER_BURST);
        usleep(20000);                          /* idle: nothing outstanding */
    }
    CHECK_EQ_INT(atomic_load(&burst.wrong), 0);
    CHECK_EQ_INT(thread_count(), 2);
    if (burst.port)
        CloseHandle(burst.port);
    RpcBindingFree(&burst.binding);
}

TEST(calls_restarted_from_their_callbacks_in_bursts_each_complete_once)
{
    run_bursts(false);
}

TEST(calls_restarted_from_a_completion_port_in_bursts_each_complete_once)
{
    run_bursts(true);
}

static int run_client(void)
{
    RUN(a_synchronous_call_starts_no_thread);
    RUN(without_descriptors_for_the_event_loop_an_asynchronous_call_fails_instead_of_hanging);
    RUN(the_first_asynchronous_call_starts_one_io_thread_which_completes_it);
    RUN(a_completion_port_receives_the_packet_from_the_io_thread);
    RUN(calls_restarted_from_their_callbacks_in_bursts_each_complete_once);
    RUN(calls_restarted_from_a_completion_port_in_bursts_each_complete_once);
    return test_exit();
}

/* ==================================================================== main: the server */

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--client") == 0) {
        binding_text = argv[2];
        return run_client();
    }
    char tcp[128] = "";
    RPC_BINDING_VECTOR *v = NULL;
    if (RpcServerUseProtseqA((RPC_CSTR) "ncacn_ip_tcp", RPC_C_PROTSEQ_MAX_REQS_DEFAULT, NULL) != RPC_S_OK ||
        RpcServerRegisterIf(aproc_v1_0_s_ifspec, NULL, NULL) != RPC_S_OK ||
        RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, 1) != RPC_S_OK || RpcServerInqBindings(&v) != RPC_S_OK) {
        printf("not ok - server_starts\n");
        return 1;
    }
    for (unsigned long i = 0; i < v->Count; i++) {
        RPC_CSTR text = NULL;
        RpcBindingToStringBindingA(v->BindingH[i], &text);
        const char *port = strchr((char *)text, '[');
        if (strncmp((char *)text, "ncacn_ip_tcp:", 13) == 0 && port)
            snprintf(tcp, sizeof tcp, "ncacn_ip_tcp:127.0.0.1%s", port);
        RpcStringFreeA(&text);
    }
    RpcBindingVectorFree(&v);

    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execl("/proc/self/exe", argv[0], "--client", tcp, (char *)NULL);
        _exit(127);
    }
    int status = -1;
    bool exited = false;
    for (int i = 0; i < 6000 && pid > 0 && !exited; i++) {   /* at most 60 s */
        exited = waitpid(pid, &status, WNOHANG) == pid;
        if (!exited)
            usleep(10000);
    }
    if (pid > 0 && !exited) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    if (exited && WIFEXITED(status) && WEXITSTATUS(status) != 127)
        printf("ok - client_process_exits_normally_within_60_s\n");
    else
        printf("not ok - client_process_exits_normally_within_60_s\n");
    RpcMgmtStopServerListening(NULL);
    return exited && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
