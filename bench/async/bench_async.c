/*
 * bench/async: asynchronous calls against the pipelined raw exchange they are made of, and the
 * memory a pending server call costs, in one run (issue 5, "Speed and scale").
 *
 *   floor     a raw pipelined echo over loopback TCP (and over a unix-domain socket, the floor of
 *             ncalrpc) with 64 requests in flight: each request a message of the size of the RPC
 *             request PDU, written with a send of its own; the server reads whatever has arrived
 *             and answers each request with a message of the size of the RPC response PDU, one
 *             send each.  For reference, the same exchange with each batch of requests or replies
 *             written in one send.
 *   calls/s   Add(a, b, [out] sum), [async] on both sides, 64 calls in flight on one binding, each
 *             completion re-issuing its call, notified
 *               - by callback: completed and re-issued on the runtime thread that read the reply;
 *               - by I/O completion port: the main thread dequeues up to 64 packets at a time
 *                 (GetQueuedCompletionStatusEx), completes and re-issues them.
 *   pending   10,000 Hold calls that the server's [async] manager keeps without completing: the
 *             server's heap in use (mallinfo2) and resident size before and after, per call, less
 *             the call's own arguments; the server's thread count meanwhile; then every call is
 *             completed and every client notification checked.  The client's cost is printed too.
 *
 * The server is a second process (this program started with --server, the raw echo servers
 * beside the RPC server), and the measurements of one table are interleaved round by round,
 * each keeping its best.  Goals (issue 5): calls/s at least 0.5x the floor; a pending server
 * call below 2 KiB.  Prints numbers only; nothing is asserted (timings belong in reports).
 *
 *   bench/async/run.sh [seconds per measurement, default 0.3]
 *   build/bench/async/bench_async SECONDS KIND [tcp|lrpc]   one kind alone (0 raw, 1 raw
 *       batched, 2 callback, 3 completion port), to profile it
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rpc.h>
#include <windows.h>

#include "abench.h"
#include "raw_io.h"

#define IN_FLIGHT 64
#define PENDING 10000
#define ROUNDS 5
/* Add's request PDU: the 24-octet request header, then a and b (4 octets each on the wire);
 * its response PDU: the 24-octet response header, then sum and the return value. */
#define REQUEST_PDU (24 + 4 + 4)
#define RESPONSE_PDU (24 + 4 + 4)

static double seconds = 0.3;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pause_for(double s)
{
    struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ==================================================================== process figures */

static long long heap_in_use(void)
{
    struct mallinfo2 m = mallinfo2();
    return (long long)(m.uordblks + m.hblkhd);
}

static long long resident_bytes(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return (long long)resident * sysconf(_SC_PAGESIZE);
}

static long thread_count(void)
{
    long n = 0;
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

/* Established TCP connections from this machine to a port of 127.0.0.1: how many connections
 * a binding to that port has opened (asidl keeps them for later calls). */
static int connections_to(int port)
{
    FILE *f = fopen("/proc/net/tcp", "r");
    if (!f)
        return -1;
    char line[512];
    int n = 0;
    unsigned remote_port, state;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "%*s %*s 0100007F:%x %x", &remote_port, &state) == 2 && (int)remote_port == port &&
            state == 1)
            n++;
    fclose(f);
    return n;
}

/* ==================================================================== the raw echo */

/* One connection of the raw server: the client's first octet says whether replies are sent
 * one per request ('m') or one send per batch read ('b'). */
static void *raw_connection(void *arg)
{
    int fd = (int)(intptr_t)arg;
    enum { CAP = 64 * 1024 };
    unsigned char *in = malloc(CAP), *out = calloc(1, CAP / REQUEST_PDU * RESPONSE_PDU);
    char mode = 0;
    size_t have = 0;
    if (in && out && read_all(fd, &mode, 1)) {
        for (;;) {
            ssize_t r = recv(fd, in + have, CAP - have, 0);
            if (r <= 0)
                break;
            have += (size_t)r;
            size_t n = have / REQUEST_PDU;
            for (size_t i = 0; i < n; i++)       /* the reply echoes the request's first octets */
                memcpy(out + i * RESPONSE_PDU, in + i * REQUEST_PDU, RESPONSE_PDU);
            bool ok = true;
            if (mode == 'b')
                ok = write_all(fd, out, n * RESPONSE_PDU);
            for (size_t i = 0; mode != 'b' && i < n && ok; i++)
                ok = write_all(fd, out + i * RESPONSE_PDU, RESPONSE_PDU);
            if (!ok)
                break;
            memmove(in, in + n * REQUEST_PDU, have - n * REQUEST_PDU);
            have -= n * REQUEST_PDU;
        }
    }
    free(in);
    free(out);
    close(fd);
    return NULL;
}

static raw_endpoints raw;

/* A connection to the raw echo, told its mode ('m': a send per message, 'b': per batch). */
static int raw_connect(bool tcp, char mode)
{
    int fd = raw_dial(&raw, tcp);
    if (!write_all(fd, &mode, 1)) {
        perror("raw connect");
        exit(1);
    }
    return fd;
}

/* Sends n requests: one send each, or all in one. */
static void send_requests(int fd, size_t n, bool batched)
{
    static const unsigned char requests[IN_FLIGHT * REQUEST_PDU];
    bool ok = batched ? write_all(fd, requests, n * REQUEST_PDU) : true;
    for (size_t i = 0; !batched && i < n && ok; i++)
        ok = write_all(fd, requests, REQUEST_PDU);
    if (!ok) {
        fprintf(stderr, "raw echo failed\n");
        exit(1);
    }
}

/* Messages per second of the raw pipelined echo, IN_FLIGHT requests kept outstanding. */
static double raw_rate(bool tcp, bool batched)
{
    int fd = raw_connect(tcp, batched ? 'b' : 'm');
    static unsigned char replies[64 * 1024];
    size_t have = 0;
    long in_flight = IN_FLIGHT, done = 0, counted = 0;
    double start = now(), until = start + seconds, end = 0;
    send_requests(fd, IN_FLIGHT, batched);
    while (in_flight > 0) {
        ssize_t r = recv(fd, replies + have, sizeof replies - have, 0);
        if (r <= 0) {
            fprintf(stderr, "raw echo failed\n");
            exit(1);
        }
        have += (size_t)r;
        size_t n = have / RESPONSE_PDU;
        have -= n * RESPONSE_PDU;
        memmove(replies, replies + n * RESPONSE_PDU, have);
        in_flight -= (long)n;
        done += (long)n;
        if (!end && now() >= until) {
            end = now();
            counted = done;
        }
        if (!end) {
            send_requests(fd, n, batched);
            in_flight += (long)n;
        }
    }
    close(fd);
    return (double)counted / (end - start);
}

/* ==================================================================== the server process */

typedef struct held_call {
    PRPC_ASYNC_STATE async;
    long tag;
    long *echo;
} held_call;

static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static held_call held[PENDING];
static long n_held;

void Add(PRPC_ASYNC_STATE pAsync, handle_t h, long a, long b, long *sum)
{
    (void)h;
    long ret = a + b;
    *sum = ret;
    RpcAsyncCompleteCall(pAsync, &ret);
}

void Hold(PRPC_ASYNC_STATE pAsync, handle_t h, long tag, long *echo)
{
    (void)h;
    pthread_mutex_lock(&held_lock);
    bool kept = n_held < PENDING;
    if (kept)
        held[n_held++] = (held_call){ pAsync, tag, echo };
    pthread_mutex_unlock(&held_lock);
    if (!kept)
        RpcAsyncAbortCall(pAsync, RPC_S_SERVER_TOO_BUSY);
}

/* The server process's threads that are the benchmark's own (main, the raw echo acceptors). */
static long own_threads;

void ServerStats(handle_t h, hyper *heap_bytes, hyper *rss_bytes, long *threads, long *own, long *held_calls)
{
    (void)h;
    *heap_bytes = heap_in_use();
    *rss_bytes = resident_bytes();
    *threads = thread_count();
    *own = own_threads;
    pthread_mutex_lock(&held_lock);
    *held_calls = n_held;
    pthread_mutex_unlock(&held_lock);
}

/* Completes every held call (from this manager routine's thread); returns how many went out. */
long CompleteHeld(handle_t h)
{
    (void)h;
    pthread_mutex_lock(&held_lock);
    long n = n_held;
    n_held = 0;
    pthread_mutex_unlock(&held_lock);
    long sent = 0;
    for (long i = 0; i < n; i++) {
        long ret = held[i].tag;
        *held[i].echo = held[i].tag;
        if (RpcAsyncCompleteCall(held[i].async, &ret) == RPC_S_OK)
            sent++;
    }
    return sent;
}

/* Serves until standard input closes (the client process has finished or died). */
static int serve(void)
{
    for (long i = 0; i < PENDING; i++)
        held[i].tag = -1;              /* the table's pages are resident before anything is measured */
    raw_listen(&raw, "asidl-abench", raw_connection);
    own_threads = thread_count();
    if (RpcServerUseProtseqA((RPC_CSTR) "ncacn_ip_tcp", RPC_C_PROTSEQ_MAX_REQS_DEFAULT, NULL) != RPC_S_OK ||
        RpcServerUseProtseqA((RPC_CSTR) "ncalrpc", RPC_C_PROTSEQ_MAX_REQS_DEFAULT, NULL) != RPC_S_OK ||
        RpcServerRegisterIf(bench_async_v1_0_s_ifspec, NULL, NULL) != RPC_S_OK ||
        RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, TRUE) != RPC_S_OK) {
        fprintf(stderr, "server failed to start\n");
        return 1;
    }
    RPC_BINDING_VECTOR *v = NULL;
    RpcServerInqBindings(&v);
    for (unsigned long i = 0; v && i < v->Count; i++) {
        RPC_CSTR text = NULL;
        RpcBindingToStringBindingA(v->BindingH[i], &text);
        const char *port = strchr((char *)text, '[');
        if (strncmp((char *)text, "ncacn_ip_tcp:", 13) == 0 && port)
            printf("tcp ncacn_ip_tcp:127.0.0.1%s\n", port);
        else if (strncmp((char *)text, "ncalrpc:", 8) == 0)
            printf("lrpc %s\n", (char *)text);
        RpcStringFreeA(&text);
    }
    RpcBindingVectorFree(&v);
    printf("raw-tcp %d\nraw-unix %s\nready\n", ntohs(raw.tcp.sin_port), raw.unix_path.sun_path);
    fflush(stdout);
    char c;
    while (read(0, &c, 1) > 0)
        ;
    unlink(raw.unix_path.sun_path);
    _exit(0);
}

/* ==================================================================== the client process */

static char tcp_binding[128], lrpc_binding[256];
static pid_t server_pid;
static int lifeline = -1;              /* the server's standard input */

/* Copies a line the server process printed, which must fit. */
static void take_text(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size) {
        fprintf(stderr, "the server process printed an endpoint too long: %s\n", src);
        exit(1);
    }
    memcpy(dst, src, n + 1);
}

static void start_server_process(void)
{
    int to[2], from[2];
    if (pipe2(to, O_CLOEXEC) || pipe2(from, O_CLOEXEC)) {
        perror("pipe");
        exit(1);
    }
    server_pid = fork();
    if (server_pid < 0) {
        perror("fork");
        exit(1);
    }
    if (server_pid == 0) {
        dup2(to[0], 0);
        dup2(from[1], 1);
        execl("/proc/self/exe", "bench_async", "--server", (char *)NULL);
        _exit(127);
    }
    close(to[0]);
    close(from[1]);
    lifeline = to[1];
    FILE *f = fdopen(from[0], "r");
    char line[512];
    bool ready = false;
    int port = 0;
    while (f && !ready && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (strncmp(line, "tcp ", 4) == 0)
            take_text(tcp_binding, sizeof tcp_binding, line + 4);
        else if (strncmp(line, "lrpc ", 5) == 0)
            take_text(lrpc_binding, sizeof lrpc_binding, line + 5);
        else if (sscanf(line, "raw-tcp %d", &port) == 1)
            raw.tcp = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                                                 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        else if (strncmp(line, "raw-unix ", 9) == 0) {
            raw.unix_path.sun_family = AF_UNIX;
            take_text(raw.unix_path.sun_path, sizeof raw.unix_path.sun_path, line + 9);
        } else if (strcmp(line, "ready") == 0)
            ready = true;
    }
    if (f)
        fclose(f);
    if (!ready || !tcp_binding[0] || !lrpc_binding[0] || !port) {
        fprintf(stderr, "the server process did not start\n");
        exit(1);
    }
}

static void stop_server_process(void)
{
    close(lifeline);
    waitpid(server_pid, NULL, 0);
}

static RPC_BINDING_HANDLE bind_text(const char *text)
{
    RPC_BINDING_HANDLE h = NULL;
    if (RpcBindingFromStringBindingA((RPC_CSTR)text, &h) != RPC_S_OK) {
        fprintf(stderr, "bad binding %s\n", text);
        exit(1);
    }
    return h;
}

/* ---- 64 Add calls in flight ---- */

typedef struct add_slot {
    RPC_ASYNC_STATE async;
    long a, b, sum;
} add_slot;

static struct {
    RPC_BINDING_HANDLE binding;
    HANDLE port;                       /* NULL: notified by callback */
    atomic_bool stop;
    atomic_long completed;
    atomic_long wrong;
    atomic_int in_flight;
    add_slot slots[IN_FLIGHT];
} adds;

static void RPC_ENTRY add_done(PRPC_ASYNC_STATE pAsync, void *context, RPC_ASYNC_EVENT event);

static bool issue_add(add_slot *s)
{
    RpcAsyncInitializeHandle(&s->async, sizeof s->async);
    s->async.UserInfo = s;
    if (adds.port) {
        s->async.NotificationType = RpcNotificationTypeIoc;
        s->async.u.IOC.hIOPort = adds.port;
        s->async.u.IOC.dwCompletionKey = (ULONG_PTR)s;
    } else {
        s->async.NotificationType = RpcNotificationTypeCallback;
        s->async.u.NotificationRoutine = add_done;
    }
    s->a++;
    s->b = s->a * 3;
    RPC_STATUS raised = RPC_S_OK;
    RpcTryExcept {
        c_Add(&s->async, adds.binding, s->a, s->b, &s->sum);
    } RpcExcept(EXCEPTION_EXECUTE_HANDLER) {
        raised = RpcExceptionCode();
    } RpcEndExcept
    if (raised != RPC_S_OK)
        atomic_fetch_add(&adds.wrong, 1);
    return raised == RPC_S_OK;
}

/* Ends a completed call, checks its results, and starts the next one unless time is up. */
static void finish_add(add_slot *s)
{
    long ret = 0;
    RPC_STATUS st = RpcAsyncCompleteCall(&s->async, &ret);
    if (st != RPC_S_OK || ret != s->a + s->b || s->sum != ret)
        atomic_fetch_add(&adds.wrong, 1);
    atomic_fetch_add(&adds.completed, 1);
    if (atomic_load(&adds.stop) || !issue_add(s))
        atomic_fetch_sub(&adds.in_flight, 1);
}

static void RPC_ENTRY add_done(PRPC_ASYNC_STATE pAsync, void *context, RPC_ASYNC_EVENT event)
{
    (void)context, (void)event;
    finish_add(pAsync->UserInfo);
}

/* Calls per second with IN_FLIGHT calls kept outstanding on `binding`. */
static double async_rate(RPC_BINDING_HANDLE binding, bool by_port)
{
    adds.binding = binding;
    adds.port = by_port ? CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1) : NULL;
    atomic_store(&adds.stop, false);
    atomic_store(&adds.completed, 0);
    atomic_store(&adds.in_flight, IN_FLIGHT);
    double start = now(), until = start + seconds, end = 0;
    long counted = 0;
    for (int i = 0; i < IN_FLIGHT; i++)
        if (!issue_add(&adds.slots[i]))
            atomic_fetch_sub(&adds.in_flight, 1);
    if (by_port) {
        while (atomic_load(&adds.in_flight) > 0) {
            OVERLAPPED_ENTRY entries[IN_FLIGHT];
            ULONG n = 0;
            if (!GetQueuedCompletionStatusEx(adds.port, entries, IN_FLIGHT, &n, 10000, FALSE)) {
                fprintf(stderr, "no completion packet for 10 s\n");
                exit(1);
            }
            for (ULONG i = 0; i < n; i++)
                finish_add((add_slot *)entries[i].lpCompletionKey);
            if (!end && now() >= until) {
                end = now();
                counted = atomic_load(&adds.completed);
                atomic_store(&adds.stop, true);
            }
        }
        CloseHandle(adds.port);
    } else {
        pause_for(seconds);
        end = now();
        counted = atomic_load(&adds.completed);
        atomic_store(&adds.stop, true);
        for (int i = 0; i < 10000 && atomic_load(&adds.in_flight) > 0; i++)
            pause_for(0.001);
        if (atomic_load(&adds.in_flight) > 0) {
            fprintf(stderr, "%d calls still outstanding after 10 s\n", atomic_load(&adds.in_flight));
            exit(1);
        }
    }
    return (double)counted / (end - start);
}

/* ---- one table: the kinds measured for one transport, interleaved round by round ---- */

typedef enum { RAW, RAW_BATCHED, ASIDL_CALLBACK, ASIDL_IOC, N_KINDS } kind;

static const char *const kind_names[N_KINDS] = {
    "raw echo, a send per message (floor)",
    "raw echo, a send per batch",
    "asidl [async], callback",
    "asidl [async], completion port",
};

static double measure(kind k, bool tcp, RPC_BINDING_HANDLE binding)
{
    switch (k) {
    case RAW:
        return raw_rate(tcp, false);
    case RAW_BATCHED:
        return raw_rate(tcp, true);
    case ASIDL_CALLBACK:
        return async_rate(binding, false);
    case ASIDL_IOC:
        return async_rate(binding, true);
    default:
        return 0;
    }
}

/* Set by a second argument naming one kind (0..3): only it is run, to profile it. */
static int only_kind = -1;

static void measure_transport(bool tcp, RPC_BINDING_HANDLE binding, double best[N_KINDS])
{
    for (int k = 0; k < N_KINDS; k++) {
        best[k] = 0;
        if (only_kind < 0)
            measure((kind)k, tcp, binding);       /* warm-up */
    }
    for (int round = 0; round < ROUNDS; round++) {
        for (int k = 0; k < N_KINDS; k++) {
            if (only_kind >= 0 && k != only_kind)
                continue;
            double rate = measure((kind)k, tcp, binding);
            if (rate > best[k])
                best[k] = rate;
        }
    }
}

/* ---- 10,000 pending calls ---- */

typedef struct hold_slot {
    RPC_ASYNC_STATE async;
    long tag, echo;
} hold_slot;

static atomic_long holds_notified, holds_wrong;

static void RPC_ENTRY hold_done(PRPC_ASYNC_STATE pAsync, void *context, RPC_ASYNC_EVENT event)
{
    (void)context;
    hold_slot *s = pAsync->UserInfo;
    long ret = -1;
    RPC_STATUS st = RpcAsyncCompleteCall(pAsync, &ret);
    if (event != RpcCallComplete || st != RPC_S_OK || ret != s->tag || s->echo != s->tag)
        atomic_fetch_add(&holds_wrong, 1);
    atomic_fetch_add(&holds_notified, 1);
}

typedef struct server_figures {
    hyper heap, rss;
    long threads, own_threads, held;
} server_figures;

static server_figures server_stats(RPC_BINDING_HANDLE control)
{
    server_figures f = { 0, 0, 0, 0, 0 };
    c_ServerStats(control, &f.heap, &f.rss, &f.threads, &f.own_threads, &f.held);
    return f;
}

static void measure_pending(void)
{
    RPC_BINDING_HANDLE control = bind_text(tcp_binding), calls = bind_text(tcp_binding);
    static hold_slot slots[PENDING];
    for (long i = 0; i < PENDING; i++)
        slots[i].tag = -1;             /* resident before the client's figures are taken */
    /* One call of each kind first, so that what a first call sets up (the connection, its
     * context, the runtime's thread) is not counted as the cost of the pending ones. */
    {
        slots[0].tag = 0;
        RpcAsyncInitializeHandle(&slots[0].async, sizeof slots[0].async);
        slots[0].async.UserInfo = &slots[0];
        slots[0].async.NotificationType = RpcNotificationTypeCallback;
        slots[0].async.u.NotificationRoutine = hold_done;
        c_Hold(&slots[0].async, calls, 0, &slots[0].echo);
        for (int i = 0; i < 5000 && server_stats(control).held < 1; i++)
            pause_for(0.001);
        c_CompleteHeld(control);
        for (int i = 0; i < 5000 && atomic_load(&holds_notified) < 1; i++)
            pause_for(0.001);
        atomic_store(&holds_notified, 0);
    }
    server_figures before = server_stats(control);
    long long client_heap = heap_in_use(), client_rss = resident_bytes();

    for (long i = 0; i < PENDING; i++) {
        hold_slot *s = &slots[i];
        s->tag = i + 1;
        s->echo = 0;
        RpcAsyncInitializeHandle(&s->async, sizeof s->async);
        s->async.UserInfo = s;
        s->async.NotificationType = RpcNotificationTypeCallback;
        s->async.u.NotificationRoutine = hold_done;
        c_Hold(&s->async, calls, s->tag, &s->echo);
    }
    server_figures during = server_stats(control);
    for (int i = 0; i < 3000 && during.held < PENDING; i++) {
        pause_for(0.01);
        during = server_stats(control);
    }
    client_heap = heap_in_use() - client_heap;
    client_rss = resident_bytes() - client_rss;
    long client_threads = thread_count();
    long notified_early = atomic_load(&holds_notified);

    double t0 = now();
    long completed = c_CompleteHeld(control);
    for (int i = 0; i < 30000 && atomic_load(&holds_notified) < PENDING; i++)
        pause_for(0.001);
    double took = now() - t0;

    /* The arguments themselves: tag, *echo and the return value, in the server's frame. */
    long args = 3 * (long)sizeof(long);
    printf("\n%d calls pending on one binding (ncacn_ip_tcp), kept by the server's [async] manager\n", PENDING);
    printf("  held by the server           %ld of %d\n", during.held, PENDING);
    printf("  server heap per call         %.0f octets (%.0f in use, less %ld of arguments)   goal < 2048\n",
           (double)(during.heap - before.heap) / PENDING - (double)args,
           (double)(during.heap - before.heap) / PENDING, args);
    printf("  server resident per call     %.0f octets\n", (double)(during.rss - before.rss) / PENDING);
    printf("  server threads               %ld, of which the runtime's %ld (before: %ld and %ld)\n", during.threads,
           during.threads - during.own_threads, before.threads, before.threads - before.own_threads);
    printf("  client heap per call         %.0f octets (resident %.0f), client threads %ld\n",
           (double)client_heap / PENDING, (double)client_rss / PENDING, client_threads);
    printf("  completed by the server      %ld, in %.0f ms; notifications %ld of %d (%ld before the\n"
           "                               completion), wrong results %ld\n",
           completed, took * 1e3, atomic_load(&holds_notified), PENDING, notified_early,
           atomic_load(&holds_wrong));
    RpcBindingFree(&calls);
    RpcBindingFree(&control);
}

/* ==================================================================== main */

static void print_table(const char *title, const double best[N_KINDS])
{
    printf("\n%s\n", title);
    for (int k = 0; k < N_KINDS; k++)
        printf("  %-40s %10.0f /s  %5.2fx\n", kind_names[k], best[k], best[k] / best[RAW]);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--server") == 0)
        return serve();
    if (argc > 1)
        seconds = atof(argv[1]) > 0 ? atof(argv[1]) : seconds;
    /* For profiling: bench_async SECONDS KIND [tcp|lrpc] runs one kind (0..3) on one transport. */
    const char *only_transport = NULL;
    if (argc > 2) {
        only_kind = atoi(argv[2]) % N_KINDS;
        only_transport = argc > 3 ? argv[3] : "tcp";
    }
    start_server_process();
    RPC_BINDING_HANDLE h_tcp = bind_text(tcp_binding), h_lrpc = bind_text(lrpc_binding);

    printf("bench/async: %d calls (or messages) in flight on one binding, best of %d x %.1f s;\n"
           "server in a second process; requests %d octets, replies %d (the Add PDUs); ratio to the floor\n",
           IN_FLIGHT, ROUNDS, seconds, REQUEST_PDU, RESPONSE_PDU);
    fflush(stdout);
    double best[N_KINDS];
    if (!only_transport || strcmp(only_transport, "tcp") == 0) {
        measure_transport(true, h_tcp, best);
        print_table("ncacn_ip_tcp over loopback (floor: raw TCP)            calls/s   ratio   goal >= 0.5x", best);
        const char *port = strrchr(tcp_binding, '[');
        printf("  connections the binding opened: %d (calls restarted on the runtime's thread open their own)\n",
               port ? connections_to(atoi(port + 1)) : -1);
    }
    if (!only_transport || strcmp(only_transport, "lrpc") == 0) {
        measure_transport(false, h_lrpc, best);
        print_table("ncalrpc (floor: raw unix-domain socket)", best);
    }
    if (atomic_load(&adds.wrong))
        printf("  %ld Add calls failed or returned wrong results\n", atomic_load(&adds.wrong));

    if (!only_transport)
        measure_pending();
    RpcBindingFree(&h_tcp);
    RpcBindingFree(&h_lrpc);
    stop_server_process();
    return 0;
}
