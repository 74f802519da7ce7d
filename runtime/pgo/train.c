/*
 * runtime/pgo/train.c: the workload the runtime's profile-guided build learns from (the
 * Makefile's "profile-guided optimisation"). One process is server and client (the client
 * stubs are prefixed c_), over ncalrpc and loopback TCP, doing what RPC applications commonly
 * do, so that their paths are the ones laid out hot: synchronous calls of scalars, of byte
 * arrays from 16 octets to 64 KiB, of IDL long and 32-bit arrays up to 64 Ki elements, of
 * structures with strings and of a union with a wide string; a context handle's life;
 * [async] calls the server completes at once or later from another thread, notified by event,
 * callback and completion port; calls from one thread and from several sharing a binding. The benchmarks are not
 * what it runs. Prints nothing unless something fails (exit status 1).
 *
 *   train <ncalrpc endpoint>
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "train.h"

/* ==================================================================== the manager routines */

long Add(handle_t h, long a, long b)
{
    (void)h;
    return a + b;
}

void Echo(handle_t h, unsigned long n, const byte *in, byte *out)
{
    (void)h;
    memcpy(out, in, n);
}

double Weigh(handle_t h, unsigned long n, const train_record *records, long *longest_label)
{
    (void)h;
    double total = 0;
    *longest_label = 0;
    for (unsigned long i = 0; i < n; i++) {
        total += records[i].weight;
        long len = records[i].label ? (long)strlen(records[i].label) : 0;
        if (len > *longest_label)
            *longest_label = len;
    }
    return total;
}

hyper Total(handle_t h, unsigned long n, const long *values, const unsigned int *flags, unsigned long *set)
{
    (void)h;
    hyper total = 0;
    *set = 0;
    for (unsigned long i = 0; i < n; i++) {
        total += values[i];
        *set += flags[i] != 0;
    }
    return total;
}

long Measure(handle_t h, short kind, train_value *value)
{
    (void)h;
    if (kind == 1)
        return value->number;
    return kind == 2 && value->text ? (long)wcslen(value->text) : -1;
}

void Open(handle_t h, train_tally *tally)
{
    (void)h;
    *tally = calloc(1, sizeof(long));
}

long Count(train_tally tally, long by)
{
    return tally ? (*(long *)tally += by) : 0;
}

void Close(train_tally *tally)
{
    free(*tally);
    *tally = NULL;
}

void train_tally_rundown(train_tally tally)
{
    free(tally);
}

/* Later's calls with a delay wait here for the completion thread. */
typedef struct later {
    struct later *next;
    PRPC_ASYNC_STATE async;
    long reply;
    unsigned long delay_us;
} later;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    later *head;
    bool stopping;
} completions = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, false };

void Later(PRPC_ASYNC_STATE async, handle_t h, long x, unsigned long delay_us)
{
    (void)h;
    long reply = x + 1;
    later *l = delay_us ? malloc(sizeof *l) : NULL;
    if (!l) {
        RpcAsyncCompleteCall(async, &reply);
        return;
    }
    *l = (later){ NULL, async, reply, delay_us };
    pthread_mutex_lock(&completions.lock);
    l->next = completions.head;
    completions.head = l;
    pthread_cond_signal(&completions.changed);
    pthread_mutex_unlock(&completions.lock);
}

static void *complete_later(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&completions.lock);
    for (;;) {
        while (!completions.head && !completions.stopping)
            pthread_cond_wait(&completions.changed, &completions.lock);
        later *l = completions.head;
        if (!l)
            break;
        completions.head = l->next;
        pthread_mutex_unlock(&completions.lock);
        nanosleep(&(struct timespec){ 0, (long)l->delay_us * 1000 }, NULL);
        RpcAsyncCompleteCall(l->async, &l->reply);
        free(l);
        pthread_mutex_lock(&completions.lock);
    }
    pthread_mutex_unlock(&completions.lock);
    return NULL;
}

/* ============================================================================ the client */

static int failures;

static void expect(bool ok, const char *what)
{
    if (!ok && failures++ < 10)
        fprintf(stderr, "train: %s failed\n", what);
}

static void echoes(handle_t h, unsigned long n, int calls)
{
    byte *in = malloc(n), *out = malloc(n);
    for (unsigned long i = 0; i < n; i++)
        in[i] = (byte)(i * 31 + n);
    for (int i = 0; i < calls && in && out; i++) {
        c_Echo(h, n, in, out);
        expect(memcmp(in, out, n) == 0, "Echo");
    }
    free(in);
    free(out);
}

static void records(handle_t h, int calls)
{
    static char *labels[] = { "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", NULL };
    train_record r[8];
    for (int i = 0; i < 8; i++)
        r[i] = (train_record){ i, i * 0.5, labels[i] };
    for (int i = 0; i < calls; i++) {
        long longest = 0;
        expect(c_Weigh(h, 8, r, &longest) == 14.0 && longest == 7, "Weigh");
    }
}

static void totals(handle_t h, unsigned long n, int calls)
{
    long *values = malloc(n * sizeof *values);
    unsigned int *flags = malloc(n * sizeof *flags);
    hyper expected = 0;
    unsigned long expected_set = 0;
    for (unsigned long i = 0; values && flags && i < n; i++) {
        values[i] = (long)(i * 7) - 1000;
        flags[i] = i % 3 == 0;
        expected += values[i];
        expected_set += flags[i];
    }
    for (int i = 0; i < calls && values && flags; i++) {
        unsigned long set = 0;
        expect(c_Total(h, n, values, flags, &set) == expected && set == expected_set, "Total");
    }
    free(values);
    free(flags);
}

static void values(handle_t h, int calls)
{
    for (int i = 0; i < calls; i++) {
        train_value number = { .number = i }, text = { .text = L"a wide string" };
        expect(c_Measure(h, 1, &number) == i && c_Measure(h, 2, &text) == 13, "Measure");
    }
}

static void tally(handle_t h, int counts)
{
    train_tally t = NULL;
    c_Open(h, &t);
    long total = 0;
    for (int i = 1; i <= counts; i++)
        total = c_Count(t, i);
    expect(total == (long)counts * (counts + 1) / 2, "Count");
    c_Close(&t);
}

/* [async] calls, `in_flight` at a time, notified each of the three usual ways. */
typedef enum { BY_EVENT, BY_CALLBACK, BY_PORT } notified;

typedef struct slot {
    RPC_ASYNC_STATE async;
    long x;
} slot;

static atomic_int unfinished;            /* BY_CALLBACK: calls of the batch not finished yet */
static HANDLE batch_done;

static void finish(slot *s)
{
    long reply = 0;
    expect(RpcAsyncCompleteCall(&s->async, &reply) == RPC_S_OK && reply == s->x + 1, "Later");
}

static void RPC_ENTRY finished_callback(PRPC_ASYNC_STATE async, void *context, RPC_ASYNC_EVENT event)
{
    (void)context, (void)event;
    finish(async->UserInfo);
    if (atomic_fetch_sub(&unfinished, 1) == 1)
        SetEvent(batch_done);
}

static void asynchronous(handle_t h, int calls, int in_flight, unsigned long delay_us, notified how)
{
    slot s[16];
    HANDLE port = how == BY_PORT ? CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1) : NULL;
    for (int done = 0; done < calls; done += in_flight) {
        atomic_store(&unfinished, in_flight);
        for (int i = 0; i < in_flight; i++) {
            RpcAsyncInitializeHandle(&s[i].async, sizeof s[i].async);
            s[i].async.UserInfo = &s[i];
            s[i].x = done + i;
            if (how == BY_EVENT) {
                s[i].async.NotificationType = RpcNotificationTypeEvent;
                s[i].async.u.hEvent = CreateEvent(NULL, FALSE, FALSE, NULL);
            } else if (how == BY_CALLBACK) {
                s[i].async.NotificationType = RpcNotificationTypeCallback;
                s[i].async.u.NotificationRoutine = finished_callback;
            } else {
                s[i].async.NotificationType = RpcNotificationTypeIoc;
                s[i].async.u.IOC.hIOPort = port;
                s[i].async.u.IOC.dwCompletionKey = (ULONG_PTR)&s[i];
            }
            c_Later(&s[i].async, h, s[i].x, delay_us);
        }
        for (int i = 0; i < in_flight && how != BY_CALLBACK; i++) {
            slot *done_one = &s[i];
            if (how == BY_EVENT) {
                WaitForSingleObject(s[i].async.u.hEvent, INFINITE);
                CloseHandle(s[i].async.u.hEvent);
            } else {
                DWORD bytes;
                ULONG_PTR key = 0;
                LPOVERLAPPED overlapped;
                GetQueuedCompletionStatus(port, &bytes, &key, &overlapped, INFINITE);
                done_one = (slot *)key;
            }
            finish(done_one);
        }
        if (how == BY_CALLBACK)
            WaitForSingleObject(batch_done, INFINITE);
    }
    if (port)
        CloseHandle(port);
}

static void *adder(void *arg)
{
    handle_t h = arg;
    for (long i = 0; i < 1000; i++)
        expect(c_Add(h, i, 1) == i + 1, "Add");
    echoes(h, 64, 500);
    return NULL;
}

static void workload(handle_t h)
{
    for (long i = 0; i < 2000; i++)
        expect(c_Add(h, i, i) == 2 * i, "Add");
    echoes(h, 16, 2000);
    echoes(h, 256, 1000);
    echoes(h, 4096, 500);
    echoes(h, 65536, 40);
    records(h, 500);
    totals(h, 16, 500);
    totals(h, 4096, 100);
    totals(h, 65536, 10);
    values(h, 500);
    tally(h, 500);
    asynchronous(h, 400, 1, 0, BY_EVENT);
    asynchronous(h, 160, 16, 200, BY_EVENT);
    asynchronous(h, 480, 16, 0, BY_CALLBACK);
    asynchronous(h, 480, 16, 0, BY_PORT);
    pthread_t t[3];
    for (int i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, adder, h);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
}

static handle_t bind_text(const char *text)
{
    handle_t h = NULL;
    if (RpcBindingFromStringBindingA((RPC_CSTR)text, &h) != RPC_S_OK)
        h = NULL;
    return h;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: train <ncalrpc endpoint>\n");
        return 2;
    }
    pthread_t completer;
    batch_done = CreateEvent(NULL, FALSE, FALSE, NULL);
    if (RpcServerUseProtseqA((RPC_CSTR) "ncacn_ip_tcp", 10, NULL) != RPC_S_OK ||
        RpcServerUseProtseqEpA((RPC_CSTR) "ncalrpc", 10, (RPC_CSTR)argv[1], NULL) != RPC_S_OK ||
        RpcServerRegisterIf(asidl_train_v1_0_s_ifspec, NULL, NULL) != RPC_S_OK ||
        RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, TRUE) != RPC_S_OK ||
        pthread_create(&completer, NULL, complete_later, NULL) != 0) {
        fprintf(stderr, "train: the server did not start\n");
        return 1;
    }
    RPC_BINDING_VECTOR *v = NULL;
    RpcServerInqBindings(&v);
    char tcp[64] = "", lrpc[160];
    for (unsigned long i = 0; v && i < v->Count; i++) {
        RPC_CSTR text = NULL;
        RpcBindingToStringBindingA(v->BindingH[i], &text);
        const char *port = text ? strchr((char *)text, '[') : NULL;
        if (port && strncmp((char *)text, "ncacn_ip_tcp:", 13) == 0)
            snprintf(tcp, sizeof tcp, "ncacn_ip_tcp:127.0.0.1%s", port);
        RpcStringFreeA(&text);
    }
    RpcBindingVectorFree(&v);
    snprintf(lrpc, sizeof lrpc, "ncalrpc:[%s]", argv[1]);
    const char *to[] = { lrpc, tcp };
    for (int i = 0; i < 2; i++) {
        handle_t h = bind_text(to[i]);
        expect(h != NULL, to[i]);
        if (h) {
            workload(h);
            RpcBindingFree(&h);
        }
    }
    RpcMgmtStopServerListening(NULL);
    RpcMgmtWaitServerListen();
    pthread_mutex_lock(&completions.lock);
    completions.stopping = true;
    pthread_cond_signal(&completions.changed);
    pthread_mutex_unlock(&completions.lock);
    pthread_join(completer, NULL);
    CloseHandle(batch_done);
    return failures ? 1 : 0;
}
