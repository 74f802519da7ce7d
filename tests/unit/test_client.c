/*
 * The client side of the protocol engine end to end against the server side (echo_server.h),
 * over ncacn_ip_tcp (IPv4 and IPv6) and ncalrpc: synchronous calls read on the caller's thread,
 * asynchronous ones completed by whichever thread reads the reply, fragmentation both ways,
 * object UUIDs, faults, alter_context, connection reuse and limits, timeouts, cancel, and
 * scripted misbehaving servers (disconnect mid-call, garbage, naks, faults).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rpc.h>

#include "echo_server.h"
#include "test.h"

static char tcp_port[32], lrpc_endpoint[128], tcp6_port[32];
static asidl__server *server;

static RPC_BINDING_HANDLE bind_to(const char *protseq, const char *addr, const char *endpoint)
{
    RPC_CSTR text = NULL;
    RPC_BINDING_HANDLE h = NULL;
    if (RpcStringBindingComposeA(NULL, (RPC_CSTR)protseq, (RPC_CSTR)addr, (RPC_CSTR)endpoint, NULL,
                                 &text) != RPC_S_OK)
        return NULL;
    if (RpcBindingFromStringBindingA(text, &h) != RPC_S_OK)
        h = NULL;
    RpcStringFreeA(&text);
    return h;
}

static RPC_STATUS call(RPC_BINDING_HANDLE h, const asidl__syntax_id *iface, uint16_t opnum,
                       const void *in, size_t in_len, uint8_t **out, size_t *out_len)
{
    asidl__binding *b = asidl__binding_from(h);
    return b ? asidl__client_call(b, iface, opnum, in, in_len, out, out_len) : RPC_S_INVALID_BINDING;
}

static bool echo_round_trip(RPC_BINDING_HANDLE h, size_t n)
{
    uint8_t *in = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++)
        in[i] = (uint8_t)(i * 7 + n);
    uint8_t *out = NULL;
    size_t out_len = 0;
    RPC_STATUS st = call(h, &echo_iface, 0, in, n, &out, &out_len);
    bool ok = st == RPC_S_OK && out_len == n && (n == 0 || memcmp(in, out, n) == 0);
    if (!ok)
        printf("#   echo of %zu bytes: status %ld, %zu bytes back\n", n, (long)st, out_len);
    free(in);
    free(out);
    return ok;
}

static asidl__assoc *assoc_of(RPC_BINDING_HANDLE h)
{
    return asidl__binding_from(h)->assoc;
}

TEST(synchronous_calls_over_tcp_ipv4_ipv6_and_ncalrpc)
{
    RPC_BINDING_HANDLE h[3] = {
        bind_to("ncacn_ip_tcp", "127.0.0.1", tcp_port),
        bind_to("ncacn_ip_tcp", "::1", tcp6_port),
        bind_to("ncalrpc", NULL, lrpc_endpoint),
    };
    for (int i = 0; i < 3; i++) {
        CHECK(h[i] != NULL);
        CHECK(echo_round_trip(h[i], 0));
        CHECK(echo_round_trip(h[i], 1));
        CHECK(echo_round_trip(h[i], 1000));
        /* Sequential calls reuse one connection. */
        CHECK_EQ_INT(asidl__assoc_connection_count(assoc_of(h[i])), 1);
        RpcBindingFree(&h[i]);
    }
    /* Freeing the handles closed their connections at the server too. */
    for (int i = 0; i < 300 && asidl__server_connection_count(server) > 0; i++)
        sleep_ms(10);
    CHECK_EQ_INT(asidl__server_connection_count(server), 0);
}

/* The fragment size both sides use (the client's; the server's is the same, from one bind). */
static unsigned fragment_size_of(RPC_BINDING_HANDLE h)
{
    asidl__assoc *a = assoc_of(h);
    pthread_mutex_lock(&a->lock);
    unsigned n = a->conns ? a->conns->frag_size : 0;
    pthread_mutex_unlock(&a->lock);
    return n;
}

/* TCP fragments at Windows' size; ncalrpc, asidl's own, at the largest frag_length allows. */
TEST(large_stubs_are_fragmented_both_ways)
{
    RPC_BINDING_HANDLE h = bind_to("ncacn_ip_tcp", "127.0.0.1", tcp_port);
    CHECK(echo_round_trip(h, 5816));          /* exactly one full fragment's stub */
    CHECK_EQ_INT(fragment_size_of(h), 5840);
    CHECK(echo_round_trip(h, 5817));
    CHECK(echo_round_trip(h, 1 << 20));
    RpcBindingFree(&h);
    h = bind_to("ncalrpc", NULL, lrpc_endpoint);
    CHECK(echo_round_trip(h, 65504));         /* exactly one full fragment's stub */
    CHECK_EQ_INT(fragment_size_of(h), 65528);
    CHECK(echo_round_trip(h, 65505));
    CHECK(echo_round_trip(h, 3 << 20));
    RpcBindingFree(&h);
}

TEST(the_object_uuid_of_the_binding_travels_with_the_request)
{
    RPC_BINDING_HANDLE h = bind_to("ncacn_ip_tcp", "127.0.0.1", tcp_port);
    UUID obj;
    UuidFromStringA((RPC_CSTR)"c1a2b3d4-e5f6-4718-9a0b-1c2d3e4f5a6b", &obj);
    uint8_t *out = NULL;
    size_t len = 0;
    CHECK_EQ_INT(call(h, &echo_iface, 1, NULL, 0, &out, &len), RPC_S_OK);
    CHECK(len == 16 && out && out[0] == 0 && out[15] == 0);
    free(out);
    RpcBindingSetObject(h, &obj);
    CHECK_EQ_INT(call(h, &echo_iface, 1, NULL, 0, &out, &len), RPC_S_OK);
    CHECK(len == 16 && out && out[0] == 0xd4 && out[3] == 0xc1 && out[15] == 0x6b);
    free(out);
    RpcBindingFree(&h);
}

TEST(faults_become_the_status_windows_reports)
{
    RPC_BINDING_HANDLE h = bind_to("ncacn_ip_tcp", "127.0.0.1", tcp_port);
    uint8_t *out = NULL;
    size_t len = 0;
    CHECK_EQ_INT(call(h, &echo_iface, 77, "x", 1, &out, &len), RPC_S_PROCNUM_OUT_OF_RANGE);
    uint32_t code = 0x20000123;             /* an application exception code */
    CHECK_EQ_INT(call(h, &echo_iface, 4, &code, 4, &out, &len), 0x20000123);
    code = ASIDL_NCA_S_FAULT_CANCEL;
    CHECK_EQ_INT(call(h, &echo_iface, 4, &code, 4, &out, &len), RPC_S_CALL_CANCELLED);
    CHECK(out == NULL && len == 0);
    static const asidl__syntax_id unknown = {
        { 0x5f0e7e1d, 0x9c8b, 0x4a3f, { 0x8e, 0x2d, 0x1c, 0x0b, 0x9a, 0x8f, 0x7e, 0x6d } },
        ASIDL_SYNTAX_VERSION(1, 0),
    };
    CHECK_EQ_INT(call(h, &unknown, 0, "x", 1, &out, &len), RPC_S_UNKNOWN_IF);
    /* After all that, the connection is still the one and works. */
    CHECK(echo_round_trip(h, 10));
    CHECK_EQ_INT(asidl__assoc_connection_count(assoc_of(h)), 1);
    RpcBindingFree(&h);
}

TEST(a_second_interface_is_negotiated_on_the_same_connection)
{
    RPC_BINDING_HANDLE h = bind_to("ncacn_ip_tcp", "127.0.0.1", tcp_port);
    CHECK(echo_round_trip(h, 3));
    uint8_t *out = NULL;
    size_t len = 0;
    CHECK_EQ_INT(call(h, &echo_iface2, 0, "two", 3, &out, &len), RPC_S_OK);
    CHECK(len == 3 && memcmp(out, "two", 3) == 0);
    free(out);
    CHECK(echo_round_trip(h, 4));
    CHECK_EQ_INT(asidl__assoc_connection_count(assoc_of(h)), 1);
    RpcBindingFree(&h);
}

TEST(unreachable_servers_are_reported)
{
    asidl__listener_fds l;
    asidl__transport_listen(ASIDL_PROTSEQ_TCP, "127.0.0.1", NULL, 1, &l);
    char port[32];
    snprintf(port, sizeof port, "%.31s", l.endpoint);
    asidl__transport_unlisten(&l);
    RPC_BINDING_HANDLE h = bind_to("ncacn_ip_tcp", "127.0.0.1", port);
    uint8_t *out;
    size_t len;
    CHECK_EQ_INT(call(h, &echo_iface, 0, "x", 1, &out, &len), RPC_S_SERVER_UNAVAILABLE);
    RpcBindingFree(&h);
    h = bind_to("ncalrpc", NULL, "nobody-listens-here");
    CHECK_EQ_INT(call(h, &echo_iface, 0, "x", 1, &out, &len), RPC_S_SERVER_UNAVAILABLE);
    RpcBindingFree(&h);
}

/* ---- concurrency ---- */

static RPC_BINDING_HANDLE shared_handle;

static void *sync_caller(void *arg)
{
    long id = (long)(intptr_t)arg;
    int good = 0;
    for (int i = 0; i < 40; i++) {
        uint32_t v[2] = { (uint32_t)id, (uint32_t)i };
        uint8_t *out = NULL;
        size_t len = 0;
        if (call(shared_handle, &echo_iface, 0, v, sizeof v, &out, &len) == RPC_S_OK && len == sizeof v &&
            memcmp(out, v, sizeof v) == 0)
            good++;
        free(out);
    }
    return (void *)(intptr_t)good;
}

TEST(many_threads_share_one_binding)
{
    shared_handle = bind_to("ncacn_ip_tcp", "127.0.0.1", tcp_port);
    pthread_t t[8];
    for (long i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, sync_caller, (void *)(intptr_t)i);
    for (int i = 0; i < 8; i++) {
        void *r;
        pthread_join(t[i], &r);
        CHECK_EQ_INT((intptr_t)r, 40);
    }
    unsigned n = asidl__assoc_connection_count(assoc_of(shared_handle));
    CHECK(n >= 1 && n <= 16);
    RpcBindingFree(&shared_handle);
}

/* ---- asynchronous completion ---- */

typedef struct async_result {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int done;
    int good;
    int on_caller_thread;
    uint32_t order[64];
} async_result;

static async_result ar = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, { 0 } };
static pthread_t main_thread;

static void async_done(asidl__ccall *c, void *ctx)
{
    uint32_t expect = (uint32_t)(uintptr_t)ctx;
    uint8_t *out = NULL;
    size_t len = 0;
    RPC_STATUS st = asidl__ccall_result(c, &out, &len);
    pthread_mutex_lock(&ar.lock);
    if (st == RPC_S_OK && len == 8 && le32(out + 4) == expect)
        ar.good++;
    if (pthread_equal(pthread_self(), main_thread))
        ar.on_caller_thread++;
    if (ar.done < 64)
        ar.order[ar.done] = expect;
    ar.done++;
    pthread_cond_broadcast(&ar.cond);
    pthread_mutex_unlock(&ar.lock);
    free(out);
}

TEST(asynchronous_calls_complete_on_the_thread_that_reads_their_reply)
{
    RPC_BINDING_HANDLE h = bind_to("ncacn_ip_tcp", "127.0.0.1", tcp_port);
    asidl__assoc *a;
    CHECK_EQ_INT(asidl__binding_assoc(asidl__binding_from(h), &a), RPC_S_OK);
    asidl__ccall *calls[20];
    for (uint32_t i = 0; i < 20; i++) {
        /* Later calls have shorter delays: the replies come back in reverse order. */
        uint32_t stub[2] = { (20 - i) * 40, i };
        CHECK_EQ_INT(asidl__ccall_start(a, &echo_iface, 2, NULL, stub, sizeof stub, 0, false,
                                        async_done, (void *)(uintptr_t)i, &calls[i]), RPC_S_OK);
    }
    /* Causal ordering: one thread's outstanding calls share one connection, in order. */
    CHECK_EQ_INT(asidl__assoc_connection_count(a), 1);
    /* A synchronous call on the same binding while they are pending. */
    CHECK(echo_round_trip(h, 64));
    pthread_mutex_lock(&ar.lock);
    while (ar.done < 20)
        pthread_cond_wait(&ar.cond, &ar.lock);
    pthread_mutex_unlock(&ar.lock);
    CHECK_EQ_INT(ar.good, 20);
    CHECK_EQ_INT(ar.on_caller_thread, 0);      /* completed by a runtime thread, not the caller */
    CHECK(ar.order[0] > ar.order[19]);          /* out of order, as the server completed them */
    for (int i = 0; i < 20; i++)
        asidl__ccall_release(calls[i]);
    asidl__assoc_release(a);
    RpcBindingFree(&h);
}

static int noncausal_done;

static void count_done(asidl__ccall *c, void *ctx)
{
    (void)c;
    (void)ctx;
    __atomic_add_fetch(&noncausal_done, 1, __ATOMIC_SEQ_CST);
}

TEST(noncausal_bindings_spread_one_threads_calls_over_connections)
{
    RPC_BINDING_HANDLE h = bind_to("ncacn_ip_tcp", "127.0.0.1", tcp_port);
    asidl__assoc *a;
    asidl__binding_assoc(asidl__binding_from(h), &a);
    asidl__ccall *calls[6];
    for (int i = 0; i < 6; i++) {
        uint32_t stub[2] = { 200, (uint32_t)i };
        CHECK_EQ_INT(asidl__ccall_start(a, &echo_iface, 2, NULL, stub, sizeof stub, 0, true,
                                        count_done, NULL, &calls[i]), RPC_S_OK);
    }
    CHECK_EQ_INT(asidl__assoc_connection_count(a), 6);     /* each found the others busy */
    while (__atomic_load_n(&noncausal_done, __ATOMIC_SEQ_CST) < 6)
        sleep_ms(5);
    for (int i = 0; i < 6; i++)
        asidl__ccall_release(calls[i]);
    asidl__assoc_release(a);
    RpcBindingFree(&h);
}

static int parked_done, parked_good;

static void parked_reply(asidl__ccall *c, void *ctx)
{
    uint8_t *out = NULL;
    size_t len = 0;
    if (asidl__ccall_result(c, &out, &len) == RPC_S_OK && len == 4 && le32(out) == (uint32_t)(uintptr_t)ctx)
        __atomic_add_fetch(&parked_good, 1, __ATOMIC_SEQ_CST);
    free(out);
    __atomic_add_fetch(&parked_done, 1, __ATOMIC_SEQ_CST);
}

TEST(thousands_of_pending_calls_hold_no_threads_on_either_side)
{
    enum { N = 2000 };
    RPC_BINDING_HANDLE h = bind_to("ncalrpc", NULL, lrpc_endpoint);
    asidl__assoc *a;
    asidl__binding_assoc(asidl__binding_from(h), &a);
    unsigned threads_before = asidl__rt_worker_count();
    static asidl__ccall *calls[N];
    for (uint32_t i = 0; i < N; i++)
        CHECK_EQ_INT(asidl__ccall_start(a, &echo_iface, 5, NULL, &i, 4, 0, false, parked_reply,
                                        (void *)(uintptr_t)i, &calls[i]), RPC_S_OK);
    for (int i = 0; i < 500 && echo_parked() < N; i++)
        sleep_ms(10);
    CHECK_EQ_INT(echo_parked(), N);                    /* all pending at the server at once */
    CHECK_EQ_INT(asidl__assoc_connection_count(a), 1); /* on one connection (causal) */
    CHECK_EQ_INT(asidl__rt_worker_count(), threads_before);   /* and no thread per call */
    echo_release_parked();                             /* completed later, from this thread */
    for (int i = 0; i < 1000 && __atomic_load_n(&parked_done, __ATOMIC_SEQ_CST) < N; i++)
        sleep_ms(10);
    CHECK_EQ_INT(parked_good, N);
    for (int i = 0; i < N; i++)
        asidl__ccall_release(calls[i]);
    asidl__assoc_release(a);
    RpcBindingFree(&h);
}

/* ---- tracing ---- */

static int trace_one_call(void)
{
    char port[32];
    asidl__server *s = echo_server_start(NULL, port, sizeof port);
    RPC_BINDING_HANDLE h = bind_to("ncacn_ip_tcp", "127.0.0.1", port);
    uint8_t *out = NULL;
    size_t len;
    RPC_STATUS st = call(h, &echo_iface, 0, "hello", 5, &out, &len);
    free(out);
    RpcBindingFree(&h);
    asidl__server_free(s);
    asidl__rt_shutdown();
    return st == RPC_S_OK ? 0 : 1;
}

static char self_path[PATH_MAX];

TEST(asidl_trace_prints_every_pdu)
{
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "ASIDL_TRACE=1 '%s' --trace-one-call 2>&1", self_path);
    FILE *f = popen(cmd, "r");
    char line[512];
    int binds = 0, requests = 0, responses = 0, total = 0;
    while (f && fgets(line, sizeof line, f)) {
        total++;
        binds += strstr(line, ": bind call 1 flags FIRST|LAST|CONC_MPX") != NULL;
        requests += strstr(line, ": request call 2 flags FIRST|LAST len 29 ctx 0 opnum 0 stub 5") != NULL;
        responses += strstr(line, ": response call 2 ") != NULL;
    }
    CHECK(f && pclose(f) == 0);
    CHECK_EQ_INT(total, 8);              /* bind, bind_ack, request, response: each sent and received */
    CHECK_EQ_INT(binds, 2);
    CHECK_EQ_INT(requests, 2);
    CHECK_EQ_INT(responses, 2);
    snprintf(cmd, sizeof cmd, "'%s' --trace-one-call 2>&1", self_path);
    f = popen(cmd, "r");
    total = 0;
    while (f && fgets(line, sizeof line, f))
        total++;
    CHECK(f && pclose(f) == 0);
    CHECK_EQ_INT(total, 0);              /* silent without the switch */
}

/* ---- timeouts and cancel ---- */

TEST(a_call_timeout_gives_up_with_rpc_s_call_cancelled)
{
    RPC_BINDING_HANDLE h = bind_to("ncacn_ip_tcp", "127.0.0.1", tcp_port);
    CHECK(echo_round_trip(h, 1));
    RpcBindingSetOption(h, RPC_C_OPT_CALL_TIMEOUT, 200);
    uint32_t stub[2] = { 1000, 7 };
    uint8_t *out;
    size_t len;
    int64_t t0 = asidl__now_ms();
    CHECK_EQ_INT(call(h, &echo_iface, 2, stub, sizeof stub, &out, &len), RPC_S_CALL_CANCELLED);
    int64_t took = asidl__now_ms() - t0;
    CHECK(took >= 190 && took < 900);
    /* The binding goes on working; the late reply is discarded. */
    RpcBindingSetOption(h, RPC_C_OPT_CALL_TIMEOUT, 0);
    CHECK(echo_round_trip(h, 100));
    sleep_ms(900);
    CHECK(echo_round_trip(h, 100));
    RpcBindingFree(&h);
}

TEST(cancel_non_abortive_reaches_the_server_abortive_completes_at_once)
{
    RPC_BINDING_HANDLE h = bind_to("ncacn_ip_tcp", "127.0.0.1", tcp_port);
    asidl__assoc *a;
    asidl__binding_assoc(asidl__binding_from(h), &a);
    asidl__ccall *c = NULL;
    CHECK_EQ_INT(asidl__ccall_start(a, &echo_iface, 3, NULL, NULL, 0, 0, false, NULL, NULL, &c), RPC_S_OK);
    sleep_ms(50);
    CHECK_EQ_INT(asidl__ccall_cancel(c, false), RPC_S_OK);
    CHECK_EQ_INT(asidl__ccall_wait(c), RPC_S_CALL_CANCELLED);    /* the server's nca_s_fault_cancel */
    asidl__ccall_release(c);

    uint32_t stub[2] = { 400, 1 };
    CHECK_EQ_INT(asidl__ccall_start(a, &echo_iface, 2, NULL, stub, sizeof stub, 0, false, NULL, NULL, &c), RPC_S_OK);
    int64_t t0 = asidl__now_ms();
    CHECK_EQ_INT(asidl__ccall_cancel(c, true), RPC_S_OK);
    CHECK_EQ_INT(asidl__ccall_wait(c), RPC_S_CALL_CANCELLED);
    CHECK(asidl__now_ms() - t0 < 200);
    uint8_t *out;
    size_t len;
    CHECK_EQ_INT(asidl__ccall_result(c, &out, &len), RPC_S_CALL_CANCELLED);
    asidl__ccall_release(c);
    CHECK(echo_round_trip(h, 5));
    asidl__assoc_release(a);
    RpcBindingFree(&h);
    echo_wait_idle();
}

/* The server closes every connection it has, as one that restarts or drops idle clients does. */
static void server_closes_its_connections(void)
{
    pthread_mutex_lock(&server->lock);
    for (asidl__sconn *c = server->conns; c; c = c->next)
        asidl__sconn_kill(c);
    pthread_mutex_unlock(&server->lock);
    for (int i = 0; i < 500 && asidl__server_connection_count(server) > 0; i++)
        sleep_ms(10);
}

static int resent_done;
static RPC_STATUS resent_status = -1;

static void resent_call_done(asidl__ccall *c, void *ctx)
{
    (void)ctx;
    uint8_t *out = NULL;
    size_t len = 0;
    resent_status = asidl__ccall_result(c, &out, &len);
    if (resent_status == RPC_S_OK && (len != 5 || memcmp(out, "again", 5) != 0))
        resent_status = RPC_S_PROTOCOL_ERROR;
    free(out);
    __atomic_store_n(&resent_done, 1, __ATOMIC_SEQ_CST);
}

/* A call on a connection the server closed while it was idle goes over a new one, without the
 * caller seeing anything: over ncalrpc the refused send tells; over TCP the kernel's evidence
 * after the reply read found the close (synchronous calls), or a look before the send. Both
 * kinds of call: a synchronous one and an asynchronous one, whose done function runs once,
 * for the answer on the new connection. */
TEST(a_connection_the_server_closed_while_idle_is_replaced_unseen)
{
    static const struct { const char *protseq, *addr; const char *endpoint; } to[] = {
        { "ncalrpc", NULL, lrpc_endpoint },
        { "ncacn_ip_tcp", "127.0.0.1", tcp_port },
    };
    for (unsigned i = 0; i < sizeof to / sizeof to[0]; i++) {
        RPC_BINDING_HANDLE h = bind_to(to[i].protseq, to[i].addr, to[i].endpoint);
        CHECK(echo_round_trip(h, 10));
        server_closes_its_connections();
        CHECK_EQ_INT(asidl__server_connection_count(server), 0);
        CHECK(echo_round_trip(h, 10));
        CHECK(echo_round_trip(h, 3000));
        CHECK_EQ_INT(asidl__assoc_connection_count(assoc_of(h)), 1);

        server_closes_its_connections();
        asidl__assoc *a;
        CHECK_EQ_INT(asidl__binding_assoc(asidl__binding_from(h), &a), RPC_S_OK);
        __atomic_store_n(&resent_done, 0, __ATOMIC_SEQ_CST);
        asidl__ccall *c = NULL;
        CHECK_EQ_INT(asidl__ccall_start(a, &echo_iface, 0, NULL, "again", 5, 0, false, resent_call_done,
                                        NULL, &c), RPC_S_OK);
        for (int n = 0; n < 500 && !__atomic_load_n(&resent_done, __ATOMIC_SEQ_CST); n++)
            sleep_ms(10);
        CHECK_EQ_INT(__atomic_load_n(&resent_done, __ATOMIC_SEQ_CST), 1);
        CHECK_EQ_INT(resent_status, RPC_S_OK);
        if (c)
            asidl__ccall_release(c);
        asidl__assoc_release(a);
        RpcBindingFree(&h);
    }
    echo_wait_idle();
}

/* ---- scripted servers that misbehave ---- */

typedef enum { CLOSE_AFTER_REQUEST, GARBAGE_RESPONSE, NAK_BIND, FAULT_CALL_ID_ZERO, SHORT_FRAG_SIZE,
               SILENT_AFTER_REQUEST, CALLBACKS_THEN_REPLY, CALLBACK_OUT_OF_SEQUENCE } misbehaviour;

typedef struct scripted {
    int listen_fd;
    misbehaviour what;
    char port[32];
    uint8_t request_flags;      /* of the request's last fragment */
    int answers_seen;           /* the client's answers to callbacks, as the script expects them */
} scripted;


static bool read_one(int fd, uint8_t *buf, size_t cap, size_t *len)
{
    size_t have = 0;
    for (;;) {
        size_t frag;
        asidl__pdu_status st = asidl__pdu_frame(buf, have, &frag);
        if (st == ASIDL_PDU_OK) {
            *len = frag;
            return true;
        }
        size_t need = have < 16 ? 16 : (size_t)(buf[8] | buf[9] << 8);
        if (st != ASIDL_PDU_NEED_MORE || need > cap || asidl__sock_wait(fd, POLLIN, 3000) <= 0)
            return false;
        ssize_t r = asidl__sock_recv(fd, buf + have, need - have);
        if (r <= 0)
            return false;
        have += (size_t)r;
    }
}

/* Reads the client's answer to a callback request and counts it if it is the expected one. */
static void expect_answer(scripted *s, int fd, uint8_t ptype, uint32_t call_id, uint32_t status)
{
    uint8_t buf[4096];
    size_t len;
    asidl__pdu pdu;
    if (read_one(fd, buf, sizeof buf, &len) && asidl__pdu_decode(buf, len, &pdu) == ASIDL_PDU_OK &&
        pdu.hdr.ptype == ptype && pdu.hdr.call_id == call_id &&
        (ptype != ASIDL_PTYPE_FAULT || (pdu.u.response.status == status &&
                                        (pdu.hdr.pfc_flags & ASIDL_PFC_DID_NOT_EXECUTE))))
        s->answers_seen++;
}

static void *scripted_server(void *arg)
{
    scripted *s = arg;
    if (asidl__sock_wait(s->listen_fd, POLLIN, 5000) <= 0)
        return NULL;
    int fd = asidl__transport_accept(s->listen_fd);
    if (fd < 0)
        return NULL;
    uint8_t buf[65536];
    size_t len;
    asidl__pdu pdu;
    asidl__buf b;
    asidl__buf_init(&b);
    if (!read_one(fd, buf, sizeof buf, &len) || asidl__pdu_decode(buf, len, &pdu) != ASIDL_PDU_OK)
        goto out;
    if (s->what == NAK_BIND) {
        asidl__pdu_encode_bind_nak(&b, pdu.hdr.call_id, ASIDL_NAK_TEMPORARY_CONGESTION);
    } else {
        asidl__pdu_result r = { 0, 0, asidl__ndr20_syntax };
        uint16_t frag = s->what == SHORT_FRAG_SIZE ? 2048 : 4280;
        asidl__pdu_encode_bind_ack(&b, ASIDL_PTYPE_BIND_ACK, 3, pdu.hdr.call_id, frag, frag, 5, "1", &r, 1);
    }
    asidl__sock_send(fd, b.data, b.len);
    asidl__buf_free(&b);
    if (s->what == NAK_BIND)
        goto out;
    /* Read the whole request (several fragments when the stub is large). */
    for (;;) {
        if (!read_one(fd, buf, sizeof buf, &len) || asidl__pdu_decode(buf, len, &pdu) != ASIDL_PDU_OK)
            goto out;
        if (s->what == SHORT_FRAG_SIZE && pdu.hdr.frag_length > 2048)
            goto out;                    /* the client ignored the negotiated size */
        if (pdu.hdr.pfc_flags & ASIDL_PFC_LAST_FRAG)
            break;
    }
    s->request_flags = pdu.hdr.pfc_flags;
    asidl__buf_init(&b);
    switch (s->what) {
    case CLOSE_AFTER_REQUEST:
        break;
    case SILENT_AFTER_REQUEST:
        sleep_ms(500);          /* no answer, and the connection stays open meanwhile */
        break;
    case CALLBACKS_THEN_REPLY:
        /* A callback for a call the client does not have, then one it has no routine for:
         * both answered with a fault that did not execute; then the call's own reply. */
        asidl__pdu_encode_request(&b, 3, pdu.hdr.call_id + 100, 1, 0, 0, NULL, "x", 1);
        asidl__sock_send(fd, b.data, b.len);
        asidl__buf_free(&b);
        expect_answer(s, fd, ASIDL_PTYPE_FAULT, pdu.hdr.call_id + 100, ASIDL_NCA_S_FAULT_CANCEL);
        asidl__buf_init(&b);
        asidl__pdu_encode_request(&b, 3, pdu.hdr.call_id, 1, 0, 9, NULL, "x", 1);
        asidl__sock_send(fd, b.data, b.len);
        asidl__buf_free(&b);
        expect_answer(s, fd, ASIDL_PTYPE_FAULT, pdu.hdr.call_id, ASIDL_NCA_S_OP_RNG_ERROR);
        asidl__buf_init(&b);
        asidl__pdu_encode_response(&b, 3, pdu.hdr.call_id, 2, 0, 0, "ok", 2);
        break;
    case CALLBACK_OUT_OF_SEQUENCE:
        /* a callback's later fragment with no first one: the call fails and is orphaned */
        asidl__pdu_encode_request(&b, ASIDL_PFC_LAST_FRAG, pdu.hdr.call_id, 1, 0, 0, NULL, "x", 1);
        asidl__sock_send(fd, b.data, b.len);
        asidl__buf_free(&b);
        asidl__buf_init(&b);
        expect_answer(s, fd, ASIDL_PTYPE_ORPHANED, pdu.hdr.call_id, 0);
        break;
    case GARBAGE_RESPONSE:
        asidl__buf_put(&b, "\x05\x00\x02\x03\x10\x00\x00\x00\x08\x00", 10);   /* frag_length 8 */
        asidl__buf_put_zeros(&b, 6);
        break;
    case FAULT_CALL_ID_ZERO:
        asidl__pdu_encode_fault(&b, 0, 0, 0, 0, ASIDL_NCA_S_PROTO_ERROR);
        break;
    case SHORT_FRAG_SIZE:
        asidl__pdu_encode_response(&b, 3, pdu.hdr.call_id, 2, 0, 0, "ok", 2);
        break;
    default:
        break;
    }
    if (b.len)
        asidl__sock_send(fd, b.data, b.len);
    asidl__buf_free(&b);
    sleep_ms(100);
out:
    close(fd);
    return NULL;
}

static RPC_STATUS against_counting(misbehaviour what, size_t stub_len, int *answers_seen)
{
    scripted s = { .what = what };
    asidl__listener_fds l;
    if (asidl__transport_listen(ASIDL_PROTSEQ_TCP, "127.0.0.1", NULL, 4, &l) != RPC_S_OK)
        return -1;
    s.listen_fd = l.fd[0];
    pthread_t t;
    pthread_create(&t, NULL, scripted_server, &s);
    RPC_BINDING_HANDLE h = bind_to("ncacn_ip_tcp", "127.0.0.1", l.endpoint);
    uint8_t *stub = calloc(1, stub_len ? stub_len : 1);
    uint8_t *out = NULL;
    size_t len = 0;
    RPC_STATUS st = call(h, &echo_iface, 0, stub, stub_len, &out, &len);
    free(stub);
    free(out);
    RpcBindingFree(&h);
    pthread_join(t, NULL);
    asidl__transport_unlisten(&l);
    if (answers_seen)
        *answers_seen = s.answers_seen;
    return st;
}

static RPC_STATUS against(misbehaviour what, size_t stub_len)
{
    return against_counting(what, stub_len, NULL);
}

TEST(misbehaving_servers_fail_calls_cleanly)
{
    CHECK_EQ_INT(against(CLOSE_AFTER_REQUEST, 10), RPC_S_CALL_FAILED);
    CHECK_EQ_INT(against(GARBAGE_RESPONSE, 10), RPC_S_PROTOCOL_ERROR);
    CHECK_EQ_INT(against(NAK_BIND, 10), RPC_S_SERVER_TOO_BUSY);
    CHECK_EQ_INT(against(FAULT_CALL_ID_ZERO, 10), RPC_S_PROTOCOL_ERROR);
    /* The fragment size the server's bind_ack gives is the one the client sends with. */
    CHECK_EQ_INT(against(SHORT_FRAG_SIZE, 10000), RPC_S_OK);
}

/* The server's [callback] requests ([MS-RPCE] 3.3.1.5.9) that the client cannot serve are
 * answered, so that the server's manager does not wait for ever; out of sequence, they fail the
 * call. (Callbacks that run are tested with generated stubs in tests/rpc/test_callback.c.) */
TEST(callback_requests_the_client_cannot_serve_are_answered_with_faults)
{
    int answers = 0;
    CHECK_EQ_INT(against_counting(CALLBACKS_THEN_REPLY, 10, &answers), RPC_S_OK);
    CHECK_EQ_INT(answers, 2);
    CHECK_EQ_INT(against_counting(CALLBACK_OUT_OF_SEQUENCE, 10, &answers), RPC_S_PROTOCOL_ERROR);
    CHECK_EQ_INT(answers, 1);
}

/* How a scripted TCP server ends a connection after answering its first call, while the
 * client leaves it idle. */
typedef enum {
    IDLE_CLOSE,                 /* closes it: a request sent later is refused unread (reset) */
    IDLE_HALF_CLOSE,            /* shuts down its sending side, then still reads a request */
    IDLE_READ_THEN_CLOSE,       /* reads the next request, then closes without an answer */
} idle_ending;

typedef struct idle_closer {
    int listen_fd;
    idle_ending how;
    int ended;                  /* atomic: the first connection's ending is under way */
    int client_done;            /* atomic: the client's second call has returned */
    int requests_first;         /* requests read on the first connection */
    int requests_later;         /* on connections after it */
} idle_closer;

/* Answers a bind (true) or a request (echoing its stub) read into buf; false for anything else. */
static bool answer_scripted(int fd, const uint8_t *buf, size_t len, int *requests)
{
    asidl__pdu pdu;
    if (asidl__pdu_decode(buf, len, &pdu) != ASIDL_PDU_OK)
        return false;
    asidl__buf b;
    asidl__buf_init(&b);
    if (pdu.hdr.ptype == ASIDL_PTYPE_BIND) {
        asidl__pdu_result r = { 0, 0, asidl__ndr20_syntax };
        asidl__pdu_encode_bind_ack(&b, ASIDL_PTYPE_BIND_ACK, 3, pdu.hdr.call_id, 4280, 4280, 5, "1", &r, 1);
    } else if (pdu.hdr.ptype == ASIDL_PTYPE_REQUEST) {
        (*requests)++;
        asidl__pdu_encode_response(&b, 3, pdu.hdr.call_id, 0, 0, 0, pdu.u.request.stub, pdu.u.request.stub_len);
    }
    bool sent = b.len && asidl__sock_send(fd, b.data, b.len) == (ssize_t)b.len;
    asidl__buf_free(&b);
    return sent;
}

static void *idle_closer_server(void *arg)
{
    idle_closer *s = arg;
    uint8_t buf[8192];
    size_t len;
    if (asidl__sock_wait(s->listen_fd, POLLIN, 5000) <= 0)
        return NULL;
    int fd = asidl__transport_accept(s->listen_fd);
    if (fd < 0)
        return NULL;
    /* the bind, then the first call */
    for (int i = 0; i < 2; i++) {
        if (!read_one(fd, buf, sizeof buf, &len) || !answer_scripted(fd, buf, len, &s->requests_first)) {
            close(fd);
            return NULL;
        }
    }
    sleep_ms(50);                             /* the client has read its reply: now idle */
    switch (s->how) {
    case IDLE_CLOSE:
        close(fd);
        __atomic_store_n(&s->ended, 1, __ATOMIC_SEQ_CST);
        break;
    case IDLE_HALF_CLOSE:
        shutdown(fd, SHUT_WR);
        __atomic_store_n(&s->ended, 1, __ATOMIC_SEQ_CST);
        if (read_one(fd, buf, sizeof buf, &len))
            s->requests_first++;
        close(fd);
        break;
    case IDLE_READ_THEN_CLOSE:
        __atomic_store_n(&s->ended, 1, __ATOMIC_SEQ_CST);
        if (read_one(fd, buf, sizeof buf, &len))
            s->requests_first++;
        close(fd);
        break;
    }
    /* A request sent again comes on a new connection. */
    while (!__atomic_load_n(&s->client_done, __ATOMIC_SEQ_CST)) {
        if (asidl__sock_wait(s->listen_fd, POLLIN, 20) <= 0)
            continue;
        int again = asidl__transport_accept(s->listen_fd);
        if (again < 0)
            break;
        while (read_one(again, buf, sizeof buf, &len) && answer_scripted(again, buf, len, &s->requests_later))
            ;
        close(again);
    }
    return NULL;
}

/* The second synchronous call of a client on a TCP connection the server ended while idle, and
 * the requests the server saw: */
static RPC_STATUS after_idle_ending(idle_ending how, int *requests_first, int *requests_later)
{
    idle_closer s = { .how = how };
    asidl__listener_fds l;
    if (asidl__transport_listen(ASIDL_PROTSEQ_TCP, "127.0.0.1", NULL, 4, &l) != RPC_S_OK)
        return -1;
    s.listen_fd = l.fd[0];
    pthread_t t;
    pthread_create(&t, NULL, idle_closer_server, &s);
    RPC_BINDING_HANDLE h = bind_to("ncacn_ip_tcp", "127.0.0.1", l.endpoint);
    RPC_STATUS st = echo_round_trip(h, 16) ? RPC_S_OK : -1;
    for (int i = 0; i < 500 && !__atomic_load_n(&s.ended, __ATOMIC_SEQ_CST); i++)
        sleep_ms(5);
    sleep_ms(20);                             /* the FIN (if any) is in */
    if (st == RPC_S_OK) {
        uint8_t *out = NULL;
        size_t len = 0;
        st = call(h, &echo_iface, 0, "second call", 11, &out, &len);
        if (st == RPC_S_OK && (len != 11 || memcmp(out, "second call", 11) != 0))
            st = RPC_S_PROTOCOL_ERROR;
        free(out);
    }
    RpcBindingFree(&h);
    __atomic_store_n(&s.client_done, 1, __ATOMIC_SEQ_CST);
    pthread_join(t, NULL);
    asidl__transport_unlisten(&l);
    *requests_first = s.requests_first;
    *requests_later = s.requests_later;
    return st;
}

/* A synchronous call sent, without a look first, on a TCP connection the server ended while
 * idle goes again on a new connection only when the server's kernel refused the request
 * unread (at most once: a request that reached the server may have run there). */
TEST(a_request_on_a_tcp_connection_closed_while_idle_goes_again_only_if_never_received)
{
    int first, later;
    CHECK_EQ_INT(after_idle_ending(IDLE_CLOSE, &first, &later), RPC_S_OK);
    CHECK_EQ_INT(first, 1);
    CHECK_EQ_INT(later, 1);                   /* sent again, once, and answered */
    /* The server still read it: the call fails instead of running twice. */
    CHECK_EQ_INT(after_idle_ending(IDLE_HALF_CLOSE, &first, &later), RPC_S_CALL_FAILED);
    CHECK_EQ_INT(first, 2);
    CHECK_EQ_INT(later, 0);
    CHECK_EQ_INT(after_idle_ending(IDLE_READ_THEN_CLOSE, &first, &later), RPC_S_CALL_FAILED);
    CHECK_EQ_INT(first, 2);
    CHECK_EQ_INT(later, 0);
}

/* A [maybe] request goes out with PFC_MAYBE and its caller does not wait for an answer. */
TEST(a_maybe_call_is_sent_with_pfc_maybe_and_completes_without_an_answer)
{
    scripted s = { .what = SILENT_AFTER_REQUEST };
    asidl__listener_fds l;
    CHECK(asidl__transport_listen(ASIDL_PROTSEQ_TCP, "127.0.0.1", NULL, 4, &l) == RPC_S_OK);
    s.listen_fd = l.fd[0];
    pthread_t t;
    pthread_create(&t, NULL, scripted_server, &s);
    RPC_BINDING_HANDLE h = bind_to("ncacn_ip_tcp", "127.0.0.1", l.endpoint);
    asidl__assoc *a = NULL;
    CHECK(asidl__binding_assoc(asidl__binding_from(h), &a) == RPC_S_OK);
    asidl__request req = { .iface = &echo_iface, .opnum = 0, .stub = "fire and forget", .stub_len = 15,
                           .maybe = true };
    asidl__ccall *c = NULL;
    int64_t t0 = asidl__now_ms();
    CHECK_EQ_INT(asidl__ccall_start_ex(a, &req, NULL, NULL, &c), RPC_S_OK);
    if (c) {
        CHECK_EQ_INT(asidl__ccall_wait(c), RPC_S_OK);
        uint8_t *out = NULL;
        size_t len = 1;
        CHECK_EQ_INT(asidl__ccall_result(c, &out, &len), RPC_S_OK);
        CHECK(out == NULL && len == 0);
        asidl__ccall_release(c);
    }
    CHECK(asidl__now_ms() - t0 < 400);        /* the server holds its silence for 500 ms */
    asidl__assoc_release(a);
    pthread_join(t, NULL);
    CHECK_EQ_INT(s.request_flags & ASIDL_PFC_MAYBE, ASIDL_PFC_MAYBE);
    RpcBindingFree(&h);
    asidl__transport_unlisten(&l);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--trace-one-call") == 0)
        return trace_one_call();
    ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
    self_path[n > 0 ? n : 0] = 0;
    static char rtdir[64];
    snprintf(rtdir, sizeof rtdir, "/tmp/asidl-client-XXXXXX");
    if (!mkdtemp(rtdir))
        return 1;
    setenv("ASIDL_RUNTIME_DIR", rtdir, 1);
    main_thread = pthread_self();
    server = echo_server_start(NULL, tcp_port, sizeof tcp_port);
    if (!server ||
        asidl__server_listen(server, ASIDL_PROTSEQ_TCP, "::1", NULL, tcp6_port, sizeof tcp6_port) != RPC_S_OK ||
        asidl__server_listen(server, ASIDL_PROTSEQ_LRPC, NULL, NULL, lrpc_endpoint, sizeof lrpc_endpoint) != RPC_S_OK) {
        printf("not ok - servers_start\n");
        return 1;
    }
    RUN(synchronous_calls_over_tcp_ipv4_ipv6_and_ncalrpc);
    RUN(large_stubs_are_fragmented_both_ways);
    RUN(the_object_uuid_of_the_binding_travels_with_the_request);
    RUN(faults_become_the_status_windows_reports);
    RUN(a_second_interface_is_negotiated_on_the_same_connection);
    RUN(unreachable_servers_are_reported);
    RUN(many_threads_share_one_binding);
    RUN(asynchronous_calls_complete_on_the_thread_that_reads_their_reply);
    RUN(noncausal_bindings_spread_one_threads_calls_over_connections);
    RUN(thousands_of_pending_calls_hold_no_threads_on_either_side);
    RUN(asidl_trace_prints_every_pdu);
    RUN(a_call_timeout_gives_up_with_rpc_s_call_cancelled);
    RUN(cancel_non_abortive_reaches_the_server_abortive_completes_at_once);
    RUN(a_connection_the_server_closed_while_idle_is_replaced_unseen);
    RUN(misbehaving_servers_fail_calls_cleanly);
    RUN(a_maybe_call_is_sent_with_pfc_maybe_and_completes_without_an_answer);
    RUN(callback_requests_the_client_cannot_serve_are_answered_with_faults);
    RUN(a_request_on_a_tcp_connection_closed_while_idle_goes_again_only_if_never_received);
    echo_wait_idle();
    asidl__server_free(server);
    asidl__rt_shutdown();
    rmdir(rtdir);
    return test_exit();
}
