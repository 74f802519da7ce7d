/*
 * The asynchronous calculator's server.  Reduce, Wait and Fail are [async] (calc.acf): their
 * manager routines receive the call's asynchronous handle first and may end the call later,
 * from any thread, as Microsoft's "Handling Asynchronous Calls" describes:
 *
 *   - Reduce computes its result at once, writes it to its [out] parameter, and keeps the handle;
 *     the completion thread calls RpcAsyncCompleteCall when the call's delay has passed, so
 *     calls complete in the order of their delays, not of their arrival;
 *   - Wait keeps the handle; the completion thread checks
 *     RpcServerTestCancel(RpcAsyncGetCallHandle(pAsync)) for it every few milliseconds and ends
 *     it with RpcAsyncAbortCall(pAsync, RPC_S_CALL_CANCELLED) once its client has cancelled
 *     it, or with RpcAsyncCompleteCall when its time is up;
 *   - Fail ends its call at once with RpcAsyncAbortCall(pAsync, code): the client's
 *     RpcAsyncCompleteCall returns that code.
 *
 * One completion thread serves every pending call, however many there are: no thread waits
 * for any particular call.
 *
 *   server ncacn_ip_tcp 5050      server ncalrpc calc      server ncacn_ip_tcp   (any free port)
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "calc.h"

/* How often the completion thread asks whether a pending call was cancelled. */
#define TEST_CANCEL_INTERVAL_MS 5

/* A call the server finishes later: its asynchronous handle, kept as the documentation says. */
typedef struct pending_call {
    struct pending_call *next;
    PRPC_ASYNC_STATE async;
    const char *operation;        /* "Reduce" or "Wait" */
    unsigned long number;         /* the call's number in the server's log */
    long long started_ms;
    long long due_ms;             /* when it completes if nobody cancels it */
    long reply;                   /* the return value */
    bool replies_time_waited;     /* Wait: the return value is the time waited */
} pending_call;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static pending_call *pending;     /* under lock, in no particular order */
static bool stopping;             /* under lock: the completion thread ends the calls left */
static calc_stats stats;          /* under lock */

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Counts a call received and returns its number. */
static unsigned long count_call(void)
{
    pthread_mutex_lock(&lock);
    unsigned long number = ++stats.calls;
    pthread_mutex_unlock(&lock);
    return number;
}

/* Counts a call ended; returns what ending it returned (RPC_S_CALL_FAILED: the client had gone). */
static RPC_STATUS count_end(RPC_STATUS ended, bool completed)
{
    pthread_mutex_lock(&lock);
    if (completed)
        stats.completed++;
    else
        stats.aborted++;
    pthread_mutex_unlock(&lock);
    return ended;
}

/* Hands a call to the completion thread, which ends it after delay_ms (or when cancelled). */
static void keep(PRPC_ASYNC_STATE pAsync, const char *operation, unsigned long number,
                 unsigned long delay_ms, long reply, bool replies_time_waited)
{
    pending_call *c = malloc(sizeof *c);
    if (!c) {
        count_end(RpcAsyncAbortCall(pAsync, RPC_S_OUT_OF_MEMORY), false);
        return;
    }
    c->async = pAsync;
    c->operation = operation;
    c->number = number;
    c->started_ms = now_ms();
    c->due_ms = c->started_ms + (long long)delay_ms;
    c->reply = reply;
    c->replies_time_waited = replies_time_waited;
    pthread_mutex_lock(&lock);
    c->next = pending;
    pending = c;
    pthread_cond_signal(&changed);
    pthread_mutex_unlock(&lock);
}

/* ==================================================================== the manager routines */

long Add(handle_t h, long a, long b)
{
    (void)h;
    count_call();
    return a + b;
}

void Reduce(PRPC_ASYNC_STATE pAsync, handle_t h, calc_op op, unsigned long delay_ms,
            unsigned long count, const long values[], hyper *result)
{
    (void)h;
    unsigned long number = count_call();
    hyper folded = op == CALC_MUL ? 1 : 0;
    for (unsigned long i = 0; i < count; i++) {
        bool overflow = op == CALC_MUL ? __builtin_mul_overflow(folded, (hyper)values[i], &folded)
                                       : __builtin_add_overflow(folded, (hyper)values[i], &folded);
        if (overflow) {
            printf("server: call %lu Reduce: the result does not fit a hyper: "
                   "RpcAsyncAbortCall(pAsync, CALC_E_OVERFLOW)\n", number);
            count_end(RpcAsyncAbortCall(pAsync, CALC_E_OVERFLOW), false);
            return;
        }
    }
    /* The [out] parameter lives in the call's argument frame until the call is completed:
     * RpcAsyncCompleteCall marshals it from there. */
    *result = folded;
    pthread_mutex_lock(&lock);
    if (folded > stats.largest)
        stats.largest = folded;
    pthread_mutex_unlock(&lock);
    keep(pAsync, "Reduce", number, delay_ms, (long)count, false);
}

void Wait(PRPC_ASYNC_STATE pAsync, handle_t h, unsigned long timeout_ms)
{
    (void)h;
    keep(pAsync, "Wait", count_call(), timeout_ms, 0, true);
}

void Fail(PRPC_ASYNC_STATE pAsync, handle_t h, unsigned long code)
{
    (void)h;
    unsigned long number = count_call();
    if (code == 0) {
        long reply = 0;
        count_end(RpcAsyncCompleteCall(pAsync, &reply), true);
        return;
    }
    printf("server: call %lu Fail: RpcAsyncAbortCall(pAsync, 0x%lx)\n", number, code);
    count_end(RpcAsyncAbortCall(pAsync, code), false);
}

void Stats(handle_t h, calc_stats *out)
{
    (void)h;
    count_call();
    pthread_mutex_lock(&lock);
    *out = stats;
    pthread_mutex_unlock(&lock);
}

void Shutdown(handle_t h)
{
    (void)h;
    count_call();
    printf("server: shutting down\n");
    RpcMgmtStopServerListening(NULL);
}

/* ==================================================================== the completion thread */

/* Ends one pending call: cancelled by its client, due, or left over at shutdown. */
static void finish(pending_call *c, bool cancelled, bool shutting_down)
{
    long long waited = now_ms() - c->started_ms;
    if (cancelled) {
        RPC_STATUS st = count_end(RpcAsyncAbortCall(c->async, RPC_S_CALL_CANCELLED), false);
        printf("server: call %lu %s: RpcServerTestCancel = RPC_S_OK after %lld ms, so "
               "RpcAsyncAbortCall(pAsync, RPC_S_CALL_CANCELLED) = %ld\n",
               c->number, c->operation, waited, (long)st);
    } else if (shutting_down) {
        printf("server: call %lu %s still pending at shutdown: "
               "RpcAsyncAbortCall(pAsync, RPC_S_SERVER_UNAVAILABLE)\n", c->number, c->operation);
        count_end(RpcAsyncAbortCall(c->async, RPC_S_SERVER_UNAVAILABLE), false);
    } else {
        long reply = c->replies_time_waited ? (long)waited : c->reply;
        count_end(RpcAsyncCompleteCall(c->async, &reply), true);
    }
    free(c);
}

/* Every TEST_CANCEL_INTERVAL_MS (sooner when a call falls due): takes off the list the calls
 * whose client cancelled them and the calls that are due, and ends them outside the lock. */
static void *completion_thread(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&lock);
    for (;;) {
        bool shutting_down = stopping;
        if (shutting_down && !pending)
            break;
        long long now = now_ms(), next = now + TEST_CANCEL_INTERVAL_MS;
        pending_call *cancelled = NULL, *due = NULL;
        for (pending_call **p = &pending; *p;) {
            pending_call *c = *p;
            if (RpcServerTestCancel(RpcAsyncGetCallHandle(c->async)) == RPC_S_OK) {
                *p = c->next;
                c->next = cancelled;
                cancelled = c;
                stats.cancels_seen++;
            } else if (c->due_ms <= now || shutting_down) {
                *p = c->next;
                c->next = due;
                due = c;
            } else {
                if (c->due_ms < next)
                    next = c->due_ms;
                p = &c->next;
            }
        }
        if (cancelled || due) {
            pthread_mutex_unlock(&lock);
            while (cancelled) {
                pending_call *c = cancelled;
                cancelled = c->next;
                finish(c, true, false);
            }
            while (due) {
                pending_call *c = due;
                due = c->next;
                finish(c, false, shutting_down);
            }
            pthread_mutex_lock(&lock);
            continue;
        }
        if (!pending && !stopping) {
            pthread_cond_wait(&changed, &lock);       /* nothing to watch until a call comes */
            continue;
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        long long wait_ms = next - now;
        until.tv_sec += wait_ms / 1000;
        until.tv_nsec += (wait_ms % 1000) * 1000000;
        if (until.tv_nsec >= 1000000000) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000;
        }
        pthread_cond_timedwait(&changed, &lock, &until);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

/* ==================================================================== main */

static int fail(const char *what, RPC_STATUS st)
{
    unsigned char text[DCE_C_ERROR_STRING_LEN];
    DceErrorInqText(st, text);
    fprintf(stderr, "server: %s: %s (%ld)\n", what, (char *)text, (long)st);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s PROTSEQ [ENDPOINT]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);                 /* one line at a time, also into a pipe */
    RPC_STATUS st;
    if (argc == 3)
        st = RpcServerUseProtseqEp((RPC_CSTR)argv[1], RPC_C_PROTSEQ_MAX_REQS_DEFAULT, (RPC_CSTR)argv[2], NULL);
    else
        st = RpcServerUseProtseq((RPC_CSTR)argv[1], RPC_C_PROTSEQ_MAX_REQS_DEFAULT, NULL);
    if (st != RPC_S_OK)
        return fail(argv[1], st);
    /* calc_ServerIfHandle: the interface's name under -oldnames (calc_v1_0_s_ifspec otherwise) */
    if ((st = RpcServerRegisterIf(calc_ServerIfHandle, NULL, NULL)) != RPC_S_OK)
        return fail("RpcServerRegisterIf", st);
    RPC_BINDING_VECTOR *bindings = NULL;
    if ((st = RpcServerInqBindings(&bindings)) != RPC_S_OK)
        return fail("RpcServerInqBindings", st);
    for (unsigned long i = 0; i < bindings->Count; i++) {
        RPC_CSTR text = NULL;
        RpcBindingToStringBinding(bindings->BindingH[i], &text);
        printf("server: listening on %s\n", (char *)text);
        RpcStringFree(&text);
    }
    RpcBindingVectorFree(&bindings);

    pthread_t completer;
    if (pthread_create(&completer, NULL, completion_thread, NULL) != 0)
        return fail("pthread_create", RPC_S_OUT_OF_RESOURCES);
    st = RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, FALSE);    /* until Shutdown */

    /* Calls still pending are aborted before the interface goes (which waits for them). */
    pthread_mutex_lock(&lock);
    stopping = true;
    pthread_cond_signal(&changed);
    pthread_mutex_unlock(&lock);
    pthread_join(completer, NULL);
    RpcServerUnregisterIf(NULL, NULL, TRUE);
    printf("server: %lu calls: %lu completed and %lu aborted asynchronously, %lu cancels seen\n",
           stats.calls, stats.completed, stats.aborted, stats.cancels_seen);
    printf("server: stopped (%ld)\n", (long)st);
    return st == RPC_S_OK ? 0 : 1;
}
