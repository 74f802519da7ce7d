/*
 * bench/rpc: synchronous RPC against the raw round trip it is made of, in one run.
 *
 *   floor    a raw echo of n octets over loopback TCP and over a unix-domain socket (the floor
 *            of ncalrpc): a length-prefixed message written with one send, answered by a
 *            blocking thread per connection on the server that passes it through the same
 *            Echo routine as asidl's manager (the cheapest honest echo: no event loop, one recv
 *            and one send per message where the kernel allows, and the application's own work)
 *   latency  Echo(n octets in, n octets out) through asidl's generated stubs and runtime, over
 *            ncacn_ip_tcp and ncalrpc, one call in flight: time per call
 *   calls/s  the same calls from several threads sharing one binding, against the raw echo from
 *            the same number of threads (one connection each)
 *
 * The ratios to the floor are the result (goal, issue 4: synchronous latency at most 1.25x the
 * raw round trip). A loopback round trip on a shared virtual machine is noisy, so every figure
 * comes from several short measurements, interleaved round by round with those it is compared
 * with (raw tcp, asidl tcp, raw unix, asidl ncalrpc, then again): the median and the best are
 * printed, and a ratio is the median of the ratios of neighbouring measurements. Prints
 * numbers only; nothing is asserted (timings belong in reports, not in tests).
 *
 *   bench/rpc/run.sh [-t seconds per measurement, default 0.1] [-r rounds, default 9]
 *                    [-s size]... [-l (latency only) | -p (throughput only)]
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <sched.h>
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
#include "raw_io.h"

static double seconds = 0.1;
static int rounds = 9;
static const unsigned long sizes[] = { 16, 256, 4096, 65536 };
#define N_SIZES (sizeof sizes / sizeof sizes[0])
#define MAX_SIZE (1ul << 20)
#define THREADS 4
#define MAX_ROUNDS 64

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

/* One connection of the raw echo: a message is read with as few recv calls as the kernel
 * allows (the first asks for everything the buffer holds, as asidl's reads do), the reply is
 * made by the same Echo routine asidl's server calls (the application's work, which belongs in
 * both sides of the ratio: only what the RPC machinery adds should show), then written back
 * with one send. */
static void *echo_connection(void *arg)
{
    int fd = (int)(intptr_t)arg;
    unsigned char *buf = malloc(4 + MAX_SIZE), *reply = malloc(4 + MAX_SIZE);
    for (;;) {
        ssize_t got = recv(fd, buf, 4 + MAX_SIZE, 0);
        if (got <= 0)
            break;
        if (got < 4 && !read_all(fd, buf + got, 4 - (size_t)got))
            break;
        uint32_t n;
        memcpy(&n, buf, 4);
        size_t have = got < 4 ? 4 : (size_t)got;
        if (n > MAX_SIZE || have > 4 + n || !read_all(fd, buf + have, 4 + n - have))
            break;
        memcpy(reply, buf, 4);
        Echo(NULL, n, buf + 4, reply + 4);
        if (!write_all(fd, reply, 4 + n))
            break;
    }
    free(reply);
    free(buf);
    close(fd);
    return NULL;
}

static raw_endpoints raw;

/* ---- where the threads run ----
 *
 * Left to the scheduler, the client and the server of a ping-pong land sometimes on one CPU,
 * sometimes on two, and a wake-up across CPUs costs tens of microseconds on a virtual machine:
 * that, not the code measured, decided the ratios. So every thread is placed, the same way for
 * the floor and for asidl: "one CPU" (client and server share CPU 0: the round trip is pure CPU
 * work, system calls and two context switches) and "two CPUs" (the server's threads on CPU 1,
 * the calling threads on CPU 0: every message wakes a thread on the other CPU). */
typedef enum { PLACE_FREE, PLACE_ONE_CPU, PLACE_TWO_CPUS } placement;
static placement place = PLACE_FREE;
static cpu_set_t original_cpus;

static void pin(pid_t tid, int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(tid, sizeof set, &set);
}

/* Every thread of the process (the servers' and the runtime's) goes to `cpu`; threads made
 * later inherit it. The calling threads place themselves when they start. */
static void place_process(placement p)
{
    place = p;
    DIR *d = opendir("/proc/self/task");
    for (struct dirent *e; d && (e = readdir(d));) {
        pid_t tid = (pid_t)atoi(e->d_name);
        if (tid <= 0)
            continue;
        if (p == PLACE_ONE_CPU)
            pin(tid, 0);
        else if (p == PLACE_TWO_CPUS)
            pin(tid, 1);
        else
            sched_setaffinity(tid, sizeof original_cpus, &original_cpus);
    }
    if (d)
        closedir(d);
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
    if (place != PLACE_FREE)
        pin(0, 0);
    unsigned char *in = calloc(1, 4 + j->size), *out = calloc(1, 4 + j->size);
    uint32_t n = (uint32_t)j->size;
    memcpy(in, &n, 4);
    int fd = j->raw ? raw_dial(&raw, j->tcp) : -1;
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

/* The kinds measured for one size, interleaved round by round (raw, asidl, raw, asidl...: a
 * disturbance of the machine hits neighbours alike). Each keeps the rate of every round, so
 * that both its best and its median can be reported, and ratios can be taken round by round
 * between neighbouring measurements. */
typedef struct kind {
    bool raw, tcp;
    RPC_BINDING_HANDLE binding;
    double rate[MAX_ROUNDS];
} kind;

static void measure_all(kind *kinds, int n, unsigned long size, int threads)
{
    for (int i = 0; i < n; i++)
        measure(kinds[i].raw, kinds[i].tcp, kinds[i].binding, size, threads);   /* warm-up */
    for (int round = 0; round < rounds; round++)
        for (int i = 0; i < n; i++)
            kinds[i].rate[round] = measure(kinds[i].raw, kinds[i].tcp, kinds[i].binding, size, threads);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(const double *v, int n)
{
    double s[MAX_ROUNDS];
    memcpy(s, v, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, by_value);
    return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static double best(const double *v, int n)
{
    double b = v[0];
    for (int i = 1; i < n; i++)
        b = v[i] > b ? v[i] : b;
    return b;
}

/* Microseconds per call of kind k: best (lowest) and median over the rounds. */
static double best_us(const kind *k)
{
    return 1e6 / best(k->rate, rounds);
}

static double median_us(const kind *k)
{
    return 1e6 / median(k->rate, rounds);
}

/* The ratio of time per call of `num` to `den`, round by round (neighbouring measurements),
 * and its median: robust against a machine whose speed drifts during the run. */
static double median_ratio(const kind *num, const kind *den)
{
    double r[MAX_ROUNDS];
    for (int i = 0; i < rounds; i++)
        r[i] = den->rate[i] / num->rate[i];
    return median(r, rounds);
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

static void latency_table(placement p, const unsigned long *chosen, size_t n_chosen, RPC_BINDING_HANDLE h_tcp,
                          RPC_BINDING_HANDLE h_lrpc)
{
    static const char *const names[] = { "threads placed by the scheduler",
                                         "client and server threads on one CPU",
                                         "client threads on CPU 0, server threads on CPU 1" };
    place_process(p);
    printf("\nlatency, one call in flight, %s:\n"
           "microseconds per call, median (best); ratio = asidl / raw floor of the same transport,\n"
           "median of the round-by-round ratios (best / best)\n", names[p]);
    printf("%7s %16s %16s %14s %16s %16s %14s\n", "n", "raw tcp", "asidl tcp", "ratio", "raw unix",
           "asidl lrpc", "ratio");
    for (size_t i = 0; i < n_chosen; i++) {
        /* neighbours in each round: raw tcp, asidl tcp, raw unix, asidl ncalrpc */
        kind k[4] = { { true, true, NULL, { 0 } }, { false, true, h_tcp, { 0 } },
                      { true, false, NULL, { 0 } }, { false, false, h_lrpc, { 0 } } };
        measure_all(k, 4, chosen[i], 1);
        char f[4][32], r[2][32];
        for (int j = 0; j < 4; j++)
            snprintf(f[j], sizeof f[j], "%.1f (%.1f)", median_us(&k[j]), best_us(&k[j]));
        for (int j = 0; j < 2; j++)
            snprintf(r[j], sizeof r[j], "%.2fx (%.2fx)", median_ratio(&k[2 * j + 1], &k[2 * j]),
                     best_us(&k[2 * j + 1]) / best_us(&k[2 * j]));
        printf("%7lu %16s %16s %14s %16s %16s %14s\n", chosen[i], f[0], f[1], r[0], f[2], f[3], r[1]);
        fflush(stdout);
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_rpc [-t seconds per measurement] [-r rounds] [-s size]... [-l | -p]\n"
                    "                 [-c one|two|free]...\n"
                    "  -l  latency only, -p pipelined throughput only\n"
                    "  -c  where latency is measured: one CPU, two CPUs (client | server), or where the\n"
                    "      scheduler puts the threads (default: one and two)\n");
    exit(2);
}

int main(int argc, char **argv)
{
    unsigned long chosen[16];
    size_t n_chosen = 0;
    bool latency = true, throughput = true;
    unsigned places = 0;
    for (int opt; (opt = getopt(argc, argv, "t:r:s:lpc:")) != -1;) {
        switch (opt) {
        case 'c':
            if (strcmp(optarg, "free") == 0)
                places |= 1 << PLACE_FREE;
            else if (strcmp(optarg, "one") == 0)
                places |= 1 << PLACE_ONE_CPU;
            else if (strcmp(optarg, "two") == 0)
                places |= 1 << PLACE_TWO_CPUS;
            else
                usage();
            break;
        case 't':
            seconds = atof(optarg);
            break;
        case 'r':
            rounds = atoi(optarg);
            break;
        case 's':
            if (n_chosen == 16 || strtoul(optarg, NULL, 10) > MAX_SIZE)
                usage();
            chosen[n_chosen++] = strtoul(optarg, NULL, 10);
            break;
        case 'l':
            throughput = false;
            break;
        case 'p':
            latency = false;
            break;
        default:
            usage();
        }
    }
    if (optind < argc || seconds <= 0 || rounds < 1 || rounds > MAX_ROUNDS)
        usage();
    sched_getaffinity(0, sizeof original_cpus, &original_cpus);
    if (!places)
        places = CPU_COUNT(&original_cpus) > 1 ? 1 << PLACE_ONE_CPU | 1 << PLACE_TWO_CPUS : 1 << PLACE_ONE_CPU;
    if ((places & (1 << PLACE_TWO_CPUS)) && (!CPU_ISSET(0, &original_cpus) || !CPU_ISSET(1, &original_cpus))) {
        fprintf(stderr, "two CPUs: CPUs 0 and 1 are needed\n");
        return 2;
    }
    if ((places & (1 << PLACE_ONE_CPU)) && !CPU_ISSET(0, &original_cpus)) {
        fprintf(stderr, "one CPU: CPU 0 is needed\n");
        return 2;
    }
    if (!n_chosen) {
        memcpy(chosen, sizes, sizeof sizes);
        n_chosen = N_SIZES;
    }
    raw_listen(&raw, "asidl-bench", echo_connection);
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

    printf("bench/rpc: Echo(n octets in, n out); %d interleaved rounds of %.2f s per figure\n", rounds, seconds);
    printf("floor: raw echo of n octets (4-octet length + data, one blocking send and recv each way,\n"
           "       a blocking thread per connection on the server replying through the same Echo\n"
           "       routine) over loopback TCP / a unix socket\n");
    if (latency) {
        for (int p = 0; p < 3; p++) {
            if (places & (1 << p))
                latency_table((placement)p, chosen, n_chosen, h_tcp, h_lrpc);
        }
    }
    place_process(PLACE_FREE);
    if (throughput) {
        printf("\nthroughput, %d threads: calls per second, median; asidl's threads share one binding,\n"
               "the raw echo has one connection per thread; ratio = asidl / raw tcp, median of round-by-round ratios\n",
               THREADS);
        printf("%7s %10s %12s %7s %12s %7s\n", "n", "raw tcp", "asidl tcp", "ratio", "asidl lrpc", "ratio");
        for (size_t i = 0; i < n_chosen; i++) {
            kind k[3] = { { true, true, NULL, { 0 } }, { false, true, h_tcp, { 0 } },
                          { false, false, h_lrpc, { 0 } } };
            measure_all(k, 3, chosen[i], THREADS);
            printf("%7lu %10.0f %12.0f %6.2fx %12.0f %6.2fx\n", chosen[i], median(k[0].rate, rounds),
                   median(k[1].rate, rounds), 1 / median_ratio(&k[1], &k[0]), median(k[2].rate, rounds),
                   1 / median_ratio(&k[2], &k[0]));
            fflush(stdout);
        }
    }
    RpcBindingFree(&h_tcp);
    RpcBindingFree(&h_lrpc);
    unlink(raw.unix_path.sun_path);
    return 0;
}
