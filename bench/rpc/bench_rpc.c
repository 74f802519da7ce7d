/*
 * bench/rpc: synchronous RPC against the raw round trip it is made of, in one run.
 *
 *   floor    a raw echo of n octets over loopback TCP (and, for reference, a unix-domain socket):
 *            a length-prefixed message written, the same message read back, by a thread per
 *            connection of a plain blocking server
 *   latency  Echo(n octets in, n octets out) through asidl's generated stubs and runtime, over
 *            ncacn_ip_tcp and ncalrpc, one call in flight: time per call
 *   calls/s  the same calls from several threads sharing one binding, against the raw echo from
 *            the same number of threads (one connection each)
 *
 * The ratios to the floor are the result (goal, issue 4: synchronous latency at most 1.25x the
 * raw TCP round trip). Each figure is the best of several short measurements, interleaved with
 * those it is compared with. Prints numbers
 * only; nothing is asserted (timings belong in reports, not in tests).
 *
 *   bench/rpc/run.sh [seconds per measurement, default 0.2]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "echo.h"

static double seconds = 0.2;
static const unsigned long sizes[] = { 16, 256, 4096, 65536 };
#define N_SIZES (sizeof sizes / sizeof sizes[0])
#define THREADS 4
#define ROUNDS 5

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the manager routine ---- */

void Echo(handle_t h, unsigned long n, const byte *in, byte *out)
{
    (void)h;
    memcpy(out, in, n);
}

/* ---- the raw echo ---- */

static bool read_all(int fd, void *p, size_t n)
{
    for (size_t got = 0; got < n;) {
        ssize_t r = recv(fd, (char *)p + got, n - got, 0);
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return true;
}

static bool write_all(int fd, const void *p, size_t n)
{
    for (size_t sent = 0; sent < n;) {
        ssize_t r = send(fd, (const char *)p + sent, n - sent, MSG_NOSIGNAL);
        if (r <= 0)
            return false;
        sent += (size_t)r;
    }
    return true;
}

static void *echo_connection(void *arg)
{
    int fd = (int)(intptr_t)arg;
    unsigned char *buf = malloc(4 + 65536);
    for (;;) {
        uint32_t n;
        if (!read_all(fd, &n, 4) || n > 65536 || !read_all(fd, buf + 4, n))
            break;
        memcpy(buf, &n, 4);
        if (!write_all(fd, buf, 4 + n))
            break;
    }
    free(buf);
    close(fd);
    return NULL;
}

static void *echo_acceptor(void *arg)
{
    int lfd = (int)(intptr_t)arg;
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            return NULL;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        pthread_t t;
        pthread_create(&t, NULL, echo_connection, (void *)(intptr_t)fd);
        pthread_detach(t);
    }
}

static struct sockaddr_in tcp_addr;
static struct sockaddr_un unix_addr;

static void start_raw_servers(void)
{
    int t = socket(AF_INET, SOCK_STREAM, 0);
    tcp_addr.sin_family = AF_INET;
    tcp_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof tcp_addr;
    if (bind(t, (struct sockaddr *)&tcp_addr, sizeof tcp_addr) || listen(t, 64) ||
        getsockname(t, (struct sockaddr *)&tcp_addr, &len)) {
        perror("raw tcp server");
        exit(1);
    }
    int u = socket(AF_UNIX, SOCK_STREAM, 0);
    unix_addr.sun_family = AF_UNIX;
    snprintf(unix_addr.sun_path, sizeof unix_addr.sun_path, "/tmp/asidl-bench-%d.sock", (int)getpid());
    unlink(unix_addr.sun_path);
    if (bind(u, (struct sockaddr *)&unix_addr, sizeof unix_addr) || listen(u, 64)) {
        perror("raw unix server");
        exit(1);
    }
    pthread_t a, b;
    pthread_create(&a, NULL, echo_acceptor, (void *)(intptr_t)t);
    pthread_create(&b, NULL, echo_acceptor, (void *)(intptr_t)u);
    pthread_detach(a);
    pthread_detach(b);
}

static int raw_connect(bool tcp)
{
    int fd = socket(tcp ? AF_INET : AF_UNIX, SOCK_STREAM, 0);
    int r = tcp ? connect(fd, (struct sockaddr *)&tcp_addr, sizeof tcp_addr)
                : connect(fd, (struct sockaddr *)&unix_addr, sizeof unix_addr);
    if (r != 0) {
        perror("raw connect");
        exit(1);
    }
    int one = 1;
    if (tcp)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* ---- one measurement: calls of a kind, for `seconds`, from `threads` threads ---- */

typedef struct job {
    bool raw, tcp;
    RPC_BINDING_HANDLE binding;
    unsigned long size;
    double until;
    long calls;
} job;

static void *run_job(void *arg)
{
    job *j = arg;
    unsigned char *in = calloc(1, 4 + j->size), *out = calloc(1, 4 + j->size);
    uint32_t n = (uint32_t)j->size;
    memcpy(in, &n, 4);
    int fd = j->raw ? raw_connect(j->tcp) : -1;
    for (;;) {
        for (int k = 0; k < 16; k++) {
            if (j->raw) {
                if (!write_all(fd, in, 4 + n) || !read_all(fd, out, 4 + n)) {
                    fprintf(stderr, "raw echo failed\n");
                    exit(1);
                }
            } else {
                c_Echo(j->binding, n, in + 4, out + 4);
            }
            j->calls++;
        }
        if (now() >= j->until)
            break;
    }
    if (fd >= 0)
        close(fd);
    free(in);
    free(out);
    return NULL;
}

/* Calls per second of one measurement. */
static double measure(bool raw, bool tcp, RPC_BINDING_HANDLE binding, unsigned long size, int threads)
{
    job jobs[THREADS];
    pthread_t t[THREADS];
    double start = now();
    for (int i = 0; i < threads; i++) {
        jobs[i] = (job){ raw, tcp, binding, size, start + seconds, 0 };
        pthread_create(&t[i], NULL, run_job, &jobs[i]);
    }
    long calls = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(t[i], NULL);
        calls += jobs[i].calls;
    }
    return (double)calls / (now() - start);
}

/* The kinds measured for one size, interleaved round by round (so that a disturbance of the
 * machine hits them alike), each keeping its best rate. */
typedef struct kind {
    bool raw, tcp;
    RPC_BINDING_HANDLE binding;
    double best;
} kind;

static void measure_all(kind *kinds, int n, unsigned long size, int threads)
{
    for (int i = 0; i < n; i++) {
        kinds[i].best = 0;
        measure(kinds[i].raw, kinds[i].tcp, kinds[i].binding, size, threads);   /* warm-up */
    }
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < n; i++) {
            double rate = measure(kinds[i].raw, kinds[i].tcp, kinds[i].binding, size, threads);
            if (rate > kinds[i].best)
                kinds[i].best = rate;
        }
    }
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

int main(int argc, char **argv)
{
    if (argc > 1)
        seconds = atof(argv[1]) > 0 ? atof(argv[1]) : seconds;
    start_raw_servers();
    char lrpc[64];
    snprintf(lrpc, sizeof lrpc, "asidl-bench-%d", (int)getpid());
    if (RpcServerUseProtseqA((RPC_CSTR) "ncacn_ip_tcp", 10, NULL) != RPC_S_OK ||
        RpcServerUseProtseqEpA((RPC_CSTR) "ncalrpc", 10, (RPC_CSTR)lrpc, NULL) != RPC_S_OK ||
        RpcServerRegisterIf(bench_echo_v1_0_s_ifspec, NULL, NULL) != RPC_S_OK ||
        RpcServerListen(THREADS, RPC_C_LISTEN_MAX_CALLS_DEFAULT, TRUE) != RPC_S_OK) {
        fprintf(stderr, "server failed to start\n");
        return 1;
    }
    RPC_BINDING_VECTOR *v = NULL;
    RpcServerInqBindings(&v);
    char tcp[64] = "";
    for (unsigned long i = 0; v && i < v->Count; i++) {
        RPC_CSTR text = NULL;
        RpcBindingToStringBindingA(v->BindingH[i], &text);
        const char *port = strchr((char *)text, '[');
        if (strncmp((char *)text, "ncacn_ip_tcp:", 13) == 0 && port)
            snprintf(tcp, sizeof tcp, "ncacn_ip_tcp:127.0.0.1%s", port);
        RpcStringFreeA(&text);
    }
    RpcBindingVectorFree(&v);
    char lrpc_text[96];
    snprintf(lrpc_text, sizeof lrpc_text, "ncalrpc:[%s]", lrpc);
    RPC_BINDING_HANDLE h_tcp = bind_text(tcp), h_lrpc = bind_text(lrpc_text);

    printf("bench/rpc: Echo(n octets in, n out), best of %d x %.1f s; floor = raw echo of n octets\n\n", ROUNDS,
           seconds);
    printf("latency, one call in flight (microseconds per call)\n");
    printf("%8s %10s %10s %12s %7s %12s %7s %7s\n", "n", "raw tcp", "raw unix", "asidl tcp", "ratio", "asidl lrpc",
           "ratio", "/unix");
    for (size_t i = 0; i < N_SIZES; i++) {
        kind k[4] = { { true, true, NULL, 0 }, { true, false, NULL, 0 }, { false, true, h_tcp, 0 },
                      { false, false, h_lrpc, 0 } };
        measure_all(k, 4, sizes[i], 1);
        double raw_tcp = 1e6 / k[0].best, raw_unix = 1e6 / k[1].best;
        double rpc_tcp = 1e6 / k[2].best, rpc_lrpc = 1e6 / k[3].best;
        printf("%8lu %10.1f %10.1f %12.1f %6.2fx %12.1f %6.2fx %6.2fx\n", sizes[i], raw_tcp, raw_unix, rpc_tcp,
               rpc_tcp / raw_tcp, rpc_lrpc, rpc_lrpc / raw_tcp, rpc_lrpc / raw_unix);
        fflush(stdout);
    }
    printf("\nthroughput, %d threads (calls per second; asidl's threads share one binding)\n", THREADS);
    printf("%8s %10s %12s %7s %12s %7s\n", "n", "raw tcp", "asidl tcp", "ratio", "asidl lrpc", "ratio");
    for (size_t i = 0; i < N_SIZES; i++) {
        kind k[3] = { { true, true, NULL, 0 }, { false, true, h_tcp, 0 }, { false, false, h_lrpc, 0 } };
        measure_all(k, 3, sizes[i], THREADS);
        double raw = k[0].best, rpc_tcp = k[1].best, rpc_lrpc = k[2].best;
        printf("%8lu %10.0f %12.0f %6.2fx %12.0f %6.2fx\n", sizes[i], raw, rpc_tcp, rpc_tcp / raw, rpc_lrpc,
               rpc_lrpc / raw);
        fflush(stdout);
    }
    RpcBindingFree(&h_tcp);
    RpcBindingFree(&h_lrpc);
    unlink(unix_addr.sun_path);
    return 0;
}
