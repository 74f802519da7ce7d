/*
 * The server side of the protocol engine against hand-made PDUs on raw sockets: negotiation,
 * every protocol violation answered as Windows answers it (fault or nak, then close or not),
 * limits (request size, connections, pending calls), slow senders, clients that vanish
 * mid-call, cancel and orphaned, and a big-endian client. After each case the server must keep
 * serving, and at the end every connection must be gone (and, under ASan/valgrind, freed).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "echo_server.h"
#include "raw_pdu.h"
#include "test.h"

static char port[32];
static asidl__server *server;

static int raw_connect(const char *to_port)
{
    int fd = -1;
    if (asidl__transport_connect(ASIDL_PROTSEQ_TCP, "127.0.0.1", to_port, 2000, &fd) != RPC_S_OK)
        return -1;
    return fd;
}

static void send_all(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n > 0) {
        if (asidl__sock_wait(fd, POLLOUT, 2000) <= 0)
            return;
        ssize_t r = asidl__sock_send(fd, b, n);
        if (r <= 0)
            return;
        b += r;
        n -= (size_t)r;
    }
}

static void send_buf(int fd, asidl__buf *b)
{
    send_all(fd, b->data, b->len);
    asidl__buf_free(b);
    asidl__buf_init(b);
}

/* True when the server closes the connection (without sending anything more). */
static bool closed_by_server(int fd)
{
    char b[256];
    for (;;) {
        if (asidl__sock_wait(fd, POLLIN, 3000) <= 0)
            return false;
        ssize_t r = asidl__sock_recv(fd, b, sizeof b);
        if (r == 0 || (r < 0 && errno == ECONNRESET))
            return true;
        if (r < 0)
            return false;
    }
}

static void encode_bind(asidl__buf *b, uint8_t ptype, uint32_t call_id, const asidl__syntax_id *iface,
                        uint16_t ctx_id, uint16_t max_frag)
{
    asidl__ctx_elem ctx = { ctx_id, *iface, 1, &asidl__ndr20_syntax };
    asidl__pdu_encode_bind(b, ptype, 3, call_id, max_frag, max_frag, 0, &ctx, 1);
}

/* Connects and binds the echo interface as context 0; returns the fd. */
static int bound_connection(const char *to_port, uint16_t max_frag)
{
    int fd = raw_connect(to_port);
    if (fd < 0)
        return -1;
    asidl__buf b;
    asidl__buf_init(&b);
    encode_bind(&b, ASIDL_PTYPE_BIND, 1, &echo_iface, 0, max_frag);
    send_buf(fd, &b);
    uint8_t store[65536];
    asidl__pdu pdu;
    if (!read_pdu(fd, store, sizeof store, &pdu) || pdu.hdr.ptype != ASIDL_PTYPE_BIND_ACK) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Sends an echo request and checks the response. */
static bool echo_works(int fd, uint32_t call_id)
{
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_request(&b, 3, call_id, 5, 0, 0, NULL, "hello", 5);
    send_buf(fd, &b);
    uint8_t store[65536];
    asidl__pdu pdu;
    return read_pdu(fd, store, sizeof store, &pdu) && pdu.hdr.ptype == ASIDL_PTYPE_RESPONSE &&
           pdu.hdr.call_id == call_id && pdu.u.response.stub_len == 5 &&
           memcmp(pdu.u.response.stub, "hello", 5) == 0;
}

static void expect_fault(int fd, uint32_t call_id, uint32_t status, bool dne)
{
    uint8_t store[65536];
    asidl__pdu pdu;
    CHECK(read_pdu(fd, store, sizeof store, &pdu));
    CHECK_EQ_INT(pdu.hdr.ptype, ASIDL_PTYPE_FAULT);
    CHECK_EQ_INT(pdu.hdr.call_id, call_id);
    CHECK_EQ_INT(pdu.u.response.status, status);
    CHECK_EQ_INT(!!(pdu.hdr.pfc_flags & ASIDL_PFC_DID_NOT_EXECUTE), dne);
}

static void expect_nak(int fd, uint16_t reason)
{
    uint8_t store[65536];
    asidl__pdu pdu;
    CHECK(read_pdu(fd, store, sizeof store, &pdu));
    CHECK_EQ_INT(pdu.hdr.ptype, ASIDL_PTYPE_BIND_NAK);
    CHECK_EQ_INT(pdu.u.bind_nak.reject_reason, reason);
}

static void wait_connections(asidl__server *s, unsigned n)
{
    for (int i = 0; i < 300 && asidl__server_connection_count(s) != n; i++)
        sleep_ms(10);
}

/* ---- negotiation ---- */

TEST(bind_negotiates_fragment_size_group_and_contexts)
{
    static const uint16_t proposed[][3] = { { 4280, 4280, 4280 }, { 65535, 65535, 5840 },
                                            { 1000, 1000, 2048 }, { 5000, 4283, 4280 } };
    for (unsigned i = 0; i < 4; i++) {
        int fd = raw_connect(port);
        asidl__ctx_elem ctx = { 0, echo_iface, 1, &asidl__ndr20_syntax };
        asidl__buf b;
        asidl__buf_init(&b);
        asidl__pdu_encode_bind(&b, ASIDL_PTYPE_BIND, 3 | ASIDL_PFC_CONC_MPX, 7, proposed[i][0],
                               proposed[i][1], 0, &ctx, 1);
        send_buf(fd, &b);
        uint8_t store[4096];
        asidl__pdu pdu;
        CHECK(read_pdu(fd, store, sizeof store, &pdu));
        CHECK_EQ_INT(pdu.hdr.ptype, ASIDL_PTYPE_BIND_ACK);
        CHECK_EQ_INT(pdu.hdr.call_id, 7);
        CHECK(pdu.hdr.pfc_flags & ASIDL_PFC_CONC_MPX);
        CHECK_EQ_INT(pdu.u.bind_ack.max_xmit_frag, proposed[i][2]);
        CHECK_EQ_INT(pdu.u.bind_ack.max_recv_frag, proposed[i][2]);
        CHECK(pdu.u.bind_ack.assoc_group_id != 0);
        CHECK(strcmp(pdu.u.bind_ack.secondary_address, port) == 0);
        asidl__pdu_result r;
        asidl__pdu_bind_ack_result(&pdu, 0, &r);
        CHECK_EQ_INT(r.result, ASIDL_CTX_ACCEPTANCE);
        CHECK(asidl__syntax_equal(&r.transfer, &asidl__ndr20_syntax));
        close(fd);
    }
}

TEST(bind_results_per_context_follow_windows)
{
    static const asidl__syntax_id unknown = {
        { 0x5f0e7e1d, 0x9c8b, 0x4a3f, { 0x8e, 0x2d, 0x1c, 0x0b, 0x9a, 0x8f, 0x7e, 0x6d } },
        ASIDL_SYNTAX_VERSION(1, 0),
    };
    asidl__syntax_id newer_minor = echo_iface;
    newer_minor.version = ASIDL_SYNTAX_VERSION(1, 1);
    asidl__syntax_id btfn = { { 0x6cb71c2c, 0x9812, 0x4540, { 3, 0, 0, 0, 0, 0, 0, 0 } },
                              ASIDL_SYNTAX_VERSION(1, 0) };
    asidl__ctx_elem ctx[6] = {
        { 0, unknown, 1, &asidl__ndr20_syntax },           /* unknown interface: reason 1 */
        { 1, echo_iface, 1, &asidl__ndr64_syntax },        /* NDR64 only: reason 2 */
        { 2, newer_minor, 1, &asidl__ndr20_syntax },       /* client minor newer: unknown */
        { 3, echo_iface, 1, &asidl__ndr20_syntax },        /* accepted */
        { 4, echo_iface2, 1, &asidl__ndr20_syntax },       /* a second new context: reason 2 */
        { 5, echo_iface, 1, &btfn },                       /* feature negotiation */
    };
    int fd = raw_connect(port);
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_bind(&b, ASIDL_PTYPE_BIND, 3, 1, 4280, 4280, 0, ctx, 6);
    send_buf(fd, &b);
    uint8_t store[4096];
    asidl__pdu pdu;
    CHECK(read_pdu(fd, store, sizeof store, &pdu));
    CHECK_EQ_INT(pdu.u.bind_ack.n_results, 6);
    static const uint16_t want[6][2] = { { 2, 1 }, { 2, 2 }, { 2, 1 }, { 0, 0 }, { 2, 2 }, { 3, 2 } };
    for (unsigned i = 0; i < 6 && pdu.hdr.ptype == ASIDL_PTYPE_BIND_ACK; i++) {
        asidl__pdu_result r;
        asidl__pdu_bind_ack_result(&pdu, i, &r);
        CHECK_EQ_INT(r.result, want[i][0]);
        CHECK_EQ_INT(r.reason, want[i][1]);
    }
    /* The rejected context ids are unusable; the accepted one (3) works. */
    asidl__pdu_encode_request(&b, 3, 2, 1, 4, 0, NULL, "x", 1);
    send_buf(fd, &b);
    expect_fault(fd, 2, ASIDL_NCA_S_UNK_IF, true);
    asidl__pdu_encode_request(&b, 3, 3, 2, 3, 0, NULL, "ok", 2);
    send_buf(fd, &b);
    CHECK(read_pdu(fd, store, sizeof store, &pdu) && pdu.hdr.ptype == ASIDL_PTYPE_RESPONSE);

    /* alter_context adds the second interface; reusing id 3 for another interface is fatal. */
    encode_bind(&b, ASIDL_PTYPE_ALTER_CONTEXT, 4, &echo_iface2, 4, 4280);
    send_buf(fd, &b);
    CHECK(read_pdu(fd, store, sizeof store, &pdu));
    CHECK_EQ_INT(pdu.hdr.ptype, ASIDL_PTYPE_ALTER_CONTEXT_RESP);
    CHECK(strcmp(pdu.u.bind_ack.secondary_address, "") == 0);
    asidl__pdu_result r;
    asidl__pdu_bind_ack_result(&pdu, 0, &r);
    CHECK_EQ_INT(r.result, ASIDL_CTX_ACCEPTANCE);
    encode_bind(&b, ASIDL_PTYPE_ALTER_CONTEXT, 5, &echo_iface2, 3, 4280);
    send_buf(fd, &b);
    expect_fault(fd, 5, ASIDL_NCA_S_PROTO_ERROR, true);
    CHECK(closed_by_server(fd));
    close(fd);
}

TEST(the_first_pdu_must_be_a_bind_and_only_one_bind)
{
    int fd = raw_connect(port);
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_request(&b, 3, 9, 1, 0, 0, NULL, "x", 1);
    send_buf(fd, &b);
    expect_nak(fd, ASIDL_NAK_PROTOCOL_VERSION_NOT_SUPPORTED);
    CHECK(closed_by_server(fd));
    close(fd);

    fd = raw_connect(port);
    asidl__pdu_encode_bind(&b, ASIDL_PTYPE_BIND, 3, 1, 4280, 4280, 0, NULL, 0);   /* no contexts */
    send_buf(fd, &b);
    expect_nak(fd, ASIDL_NAK_PROTOCOL_VERSION_NOT_SUPPORTED);
    CHECK(closed_by_server(fd));
    close(fd);

    fd = bound_connection(port, 4280);
    encode_bind(&b, ASIDL_PTYPE_BIND, 2, &echo_iface, 1, 4280);
    send_buf(fd, &b);
    expect_nak(fd, ASIDL_NAK_NOT_SPECIFIED);
    CHECK(closed_by_server(fd));
    close(fd);

    /* A bind naming an association group the server never gave out. */
    fd = raw_connect(port);
    asidl__ctx_elem ctx = { 0, echo_iface, 1, &asidl__ndr20_syntax };
    asidl__pdu_encode_bind(&b, ASIDL_PTYPE_BIND, 3, 1, 4280, 4280, 0x7777, &ctx, 1);
    send_buf(fd, &b);
    expect_nak(fd, ASIDL_NAK_NOT_SPECIFIED);
    close(fd);
}

TEST(association_groups_are_shared_by_later_connections)
{
    int a = raw_connect(port);
    asidl__buf b;
    asidl__buf_init(&b);
    encode_bind(&b, ASIDL_PTYPE_BIND, 1, &echo_iface, 0, 4280);
    send_buf(a, &b);
    uint8_t store[4096];
    asidl__pdu pdu;
    CHECK(read_pdu(a, store, sizeof store, &pdu));
    uint32_t group = pdu.u.bind_ack.assoc_group_id;
    int c = raw_connect(port);
    asidl__ctx_elem ctx = { 0, echo_iface, 1, &asidl__ndr20_syntax };
    asidl__pdu_encode_bind(&b, ASIDL_PTYPE_BIND, 3, 1, 4280, 4280, group, &ctx, 1);
    send_buf(c, &b);
    CHECK(read_pdu(c, store, sizeof store, &pdu));
    CHECK_EQ_INT(pdu.hdr.ptype, ASIDL_PTYPE_BIND_ACK);
    CHECK_EQ_INT(pdu.u.bind_ack.assoc_group_id, group);
    close(a);
    close(c);
}

/* ---- requests ---- */

TEST(unknown_context_and_opnum_fault_with_did_not_execute_and_the_connection_survives)
{
    int fd = bound_connection(port, 4280);
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_request(&b, 3, 2, 1, 9, 0, NULL, "x", 1);
    send_buf(fd, &b);
    expect_fault(fd, 2, ASIDL_NCA_S_UNK_IF, true);
    asidl__pdu_encode_request(&b, 3, 3, 1, 0, 77, NULL, "x", 1);
    send_buf(fd, &b);
    expect_fault(fd, 3, ASIDL_NCA_S_OP_RNG_ERROR, true);
    CHECK(echo_works(fd, 4));
    close(fd);
}

TEST(pipelined_requests_in_one_write_are_all_answered_in_order)
{
    int fd = bound_connection(port, 4280);
    asidl__buf b;
    asidl__buf_init(&b);
    for (uint32_t id = 10; id < 40; id++)
        asidl__pdu_encode_request(&b, 3, id, 4, 0, 0, NULL, &id, 4);
    send_buf(fd, &b);
    uint8_t store[4096];
    bool seen[30] = { false };
    for (int i = 0; i < 30; i++) {
        asidl__pdu pdu;
        CHECK(read_pdu(fd, store, sizeof store, &pdu));
        uint32_t id = pdu.hdr.call_id;
        CHECK(id >= 10 && id < 40 && pdu.u.response.stub_len == 4 && le32(pdu.u.response.stub) == id);
        if (id >= 10 && id < 40)
            seen[id - 10] = true;
    }
    for (int i = 0; i < 30; i++)
        CHECK(seen[i]);
    close(fd);
}

/* One connection's calls run in the order they arrived, though several workers take its
 * events: the worker that read some requests queues them before it re-arms the connection, so
 * calls read by the next event (on another worker) cannot run first. Echo replies from its
 * manager, so the answers' order is the managers' order. The requests come in many writes,
 * while the server is already reading and running the earlier ones. */
TEST(one_connections_calls_run_in_arrival_order_across_workers)
{
    int fd = bound_connection(port, 4280);
    enum { WRITES = 40, PER_WRITE = 8 };
    asidl__buf b;
    for (uint32_t w = 0; w < WRITES; w++) {
        asidl__buf_init(&b);
        for (uint32_t i = 0; i < PER_WRITE; i++) {
            uint32_t id = 100 + w * PER_WRITE + i;
            asidl__pdu_encode_request(&b, 3, id, 1, 0, 0, NULL, &id, 4);
        }
        send_buf(fd, &b);
    }
    uint8_t store[4096];
    uint32_t expected = 100;
    for (int i = 0; i < WRITES * PER_WRITE; i++) {
        asidl__pdu pdu;
        if (!read_pdu(fd, store, sizeof store, &pdu)) {
            CHECK(!"every call answered");
            break;
        }
        if (pdu.hdr.call_id != expected) {
            printf("#   answer %d: call %u, expected %u\n", i, (unsigned)pdu.hdr.call_id, (unsigned)expected);
            CHECK(!"answers in the order sent");
            break;
        }
        expected++;
    }
    close(fd);
}

TEST(a_big_endian_client_is_understood)
{
    int fd = bound_connection(port, 4280);
    uint8_t req[] = {
        5, 0, 0, 3, 0x00, 0, 0, 0, 0, 29, 0, 0, 0, 0, 0, 42,
        0, 0, 0, 5, 0, 0, 0, 0,
        'h', 'e', 'l', 'l', 'o',
    };
    send_all(fd, req, sizeof req);
    uint8_t store[4096];
    asidl__pdu pdu;
    CHECK(read_pdu(fd, store, sizeof store, &pdu));
    CHECK_EQ_INT(pdu.hdr.ptype, ASIDL_PTYPE_RESPONSE);
    CHECK_EQ_INT(pdu.hdr.call_id, 42);
    CHECK(pdu.u.response.stub_len == 5 && memcmp(pdu.u.response.stub, "hello", 5) == 0);
    close(fd);
}

TEST(a_fragment_longer_than_negotiated_is_a_protocol_error)
{
    int fd = bound_connection(port, 2048);
    uint8_t big[3000] = { 0 };
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_request(&b, 3, 5, sizeof big, 0, 0, NULL, big, sizeof big);
    send_buf(fd, &b);
    expect_fault(fd, 5, ASIDL_NCA_S_PROTO_ERROR, false);
    CHECK(closed_by_server(fd));
    close(fd);
}

TEST(fragment_sequence_violations_close_the_connection)
{
    /* A middle fragment with no call being reassembled. */
    int fd = bound_connection(port, 4280);
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_request(&b, 0, 6, 1, 0, 0, NULL, "x", 1);
    send_buf(fd, &b);
    expect_fault(fd, 6, ASIDL_NCA_S_PROTO_ERROR, false);
    CHECK(closed_by_server(fd));
    close(fd);

    /* A new call's first fragment while another is being reassembled: the older one faults. */
    fd = bound_connection(port, 4280);
    asidl__pdu_encode_request(&b, ASIDL_PFC_FIRST_FRAG, 7, 100, 0, 0, NULL, "abcd", 4);
    asidl__pdu_encode_request(&b, ASIDL_PFC_FIRST_FRAG, 8, 100, 0, 0, NULL, "abcd", 4);
    send_buf(fd, &b);
    expect_fault(fd, 7, ASIDL_NCA_S_PROTO_ERROR, false);
    CHECK(closed_by_server(fd));
    close(fd);

    /* Fragments of one call in two byte orders. */
    fd = bound_connection(port, 4280);
    asidl__pdu_encode_request(&b, ASIDL_PFC_FIRST_FRAG, 9, 8, 0, 0, NULL, "abcd", 4);
    send_buf(fd, &b);
    uint8_t be_last[] = { 5, 0, 0, 2, 0x00, 0, 0, 0, 0, 28, 0, 0, 0, 0, 0, 9,
                          0, 0, 0, 4, 0, 0, 0, 0, 'e', 'f', 'g', 'h' };
    send_all(fd, be_last, sizeof be_last);
    expect_fault(fd, 9, ASIDL_NCA_S_PROTO_ERROR, true);
    CHECK(closed_by_server(fd));
    close(fd);

    /* A first fragment announcing it is cancelled. */
    fd = bound_connection(port, 4280);
    asidl__pdu_encode_request(&b, 3 | ASIDL_PFC_PENDING_CANCEL, 10, 1, 0, 0, NULL, "x", 1);
    send_buf(fd, &b);
    expect_fault(fd, 10, RPC_S_NO_CALL_ACTIVE, true);
    close(fd);
}

TEST(fragmented_requests_are_reassembled_and_answered_in_fragments)
{
    int fd = bound_connection(port, 2048);
    size_t n = 100000;
    uint8_t *stub = malloc(n);
    for (size_t i = 0; i < n; i++)
        stub[i] = (uint8_t)(i * 31);
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__frag_request(&b, 11, 0, 0, NULL, stub, n, 2048, 0);
    send_buf(fd, &b);
    asidl__reasm r;
    asidl__reasm_init(&r, n);
    uint8_t store[4096];
    for (;;) {
        asidl__pdu pdu;
        if (!read_pdu(fd, store, sizeof store, &pdu) || pdu.hdr.ptype != ASIDL_PTYPE_RESPONSE) {
            CHECK(false);
            break;
        }
        CHECK(pdu.hdr.frag_length <= 2048);
        asidl__reasm_append(&r, pdu.u.response.stub, pdu.u.response.stub_len);
        if (pdu.hdr.pfc_flags & ASIDL_PFC_LAST_FRAG)
            break;
    }
    CHECK_EQ_INT(r.len, n);
    CHECK(r.len == n && memcmp(r.data, stub, n) == 0);
    asidl__reasm_free(&r);
    free(stub);
    close(fd);
}

TEST(garbage_and_unsupported_pdus_are_refused)
{
    int fd = raw_connect(port);
    send_all(fd, "GET / HTTP/1.1\r\n\r\n", 18);
    CHECK(closed_by_server(fd));
    close(fd);

    fd = raw_connect(port);
    uint8_t v52[] = { 5, 2, 11, 3, 0x10, 0, 0, 0, 16, 0, 0, 0, 3, 0, 0, 0 };
    send_all(fd, v52, sizeof v52);
    expect_nak(fd, ASIDL_NAK_PROTOCOL_VERSION_NOT_SUPPORTED);
    CHECK(closed_by_server(fd));
    close(fd);

    fd = raw_connect(port);
    uint8_t tiny[] = { 5, 0, 11, 3, 0x10, 0, 0, 0, 8, 0, 0, 0, 3, 0, 0, 0 };
    send_all(fd, tiny, sizeof tiny);                 /* frag_length 8 */
    CHECK(closed_by_server(fd));
    close(fd);

    static const uint8_t client_must_not_send[] = { ASIDL_PTYPE_AUTH3, ASIDL_PTYPE_RESPONSE,
                                                    ASIDL_PTYPE_SHUTDOWN, ASIDL_PTYPE_BIND_ACK };
    for (unsigned i = 0; i < sizeof client_must_not_send; i++) {
        fd = bound_connection(port, 4280);
        asidl__buf b;
        asidl__buf_init(&b);
        if (client_must_not_send[i] == ASIDL_PTYPE_AUTH3) {
            uint8_t auth3[28] = { 5, 0, 16, 3, 0x10, 0, 0, 0, 28, 0, 4, 0, 20, 0, 0, 0,
                                  0, 0, 0, 0, 10, 2, 0, 0, 1, 0, 0, 0 };
            b.failed = false;
            asidl__buf_put(&b, auth3, 24);
            asidl__buf_put(&b, "abcd", 4);
        } else if (client_must_not_send[i] == ASIDL_PTYPE_RESPONSE) {
            asidl__pdu_encode_response(&b, 3, 20, 0, 0, 0, NULL, 0);
        } else if (client_must_not_send[i] == ASIDL_PTYPE_SHUTDOWN) {
            asidl__pdu_encode_header_only(&b, ASIDL_PTYPE_SHUTDOWN, 3, 20);
        } else {
            asidl__pdu_encode_bind_ack(&b, ASIDL_PTYPE_BIND_ACK, 3, 20, 4280, 4280, 1, NULL, NULL, 0);
        }
        send_buf(fd, &b);
        expect_fault(fd, 20, ASIDL_NCA_S_PROTO_ERROR, true);
        CHECK(closed_by_server(fd));
        close(fd);
    }

    /* No authentication yet: a bind asking for it is refused, a request carrying it too. */
    fd = raw_connect(port);
    asidl__buf b;
    asidl__buf_init(&b);
    encode_bind(&b, ASIDL_PTYPE_BIND, 1, &echo_iface, 0, 4280);
    uint8_t trailer[12] = { 10, 2, 0, 0, 1, 0, 0, 0, 'n', 't', 'l', 'm' };
    asidl__buf_put(&b, trailer, sizeof trailer);
    asidl__buf_patch_u16le(&b, 8, (uint16_t)b.len);
    asidl__buf_patch_u16le(&b, 10, 4);
    send_buf(fd, &b);
    expect_nak(fd, ASIDL_NAK_AUTH_TYPE_NOT_RECOGNIZED);
    close(fd);

    fd = bound_connection(port, 4280);
    asidl__pdu_encode_request(&b, 3, 21, 4, 0, 0, NULL, "abcd", 4);
    asidl__buf_put(&b, trailer, sizeof trailer);
    asidl__buf_patch_u16le(&b, 8, (uint16_t)b.len);
    asidl__buf_patch_u16le(&b, 10, 4);
    send_buf(fd, &b);
    expect_fault(fd, 21, ASIDL_FAULT_ACCESS_DENIED, false);
    CHECK(closed_by_server(fd));
    close(fd);
}

/* ---- cancel, orphaned, disconnect ---- */

TEST(cancel_and_orphaned_for_unknown_calls_are_ignored)
{
    int fd = bound_connection(port, 4280);
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_header_only(&b, ASIDL_PTYPE_CO_CANCEL, 3, 999);
    asidl__pdu_encode_header_only(&b, ASIDL_PTYPE_ORPHANED, 3, 998);
    send_buf(fd, &b);
    CHECK(echo_works(fd, 5));
    close(fd);
}

TEST(co_cancel_reaches_a_pending_call_and_counts_in_the_answer)
{
    int fd = bound_connection(port, 4280);
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_request(&b, 3, 30, 0, 0, 3, NULL, NULL, 0);
    asidl__pdu_encode_header_only(&b, ASIDL_PTYPE_CO_CANCEL, 3, 30);
    send_buf(fd, &b);
    uint8_t store[4096];
    asidl__pdu pdu;
    CHECK(read_pdu(fd, store, sizeof store, &pdu));
    CHECK_EQ_INT(pdu.hdr.ptype, ASIDL_PTYPE_FAULT);
    CHECK_EQ_INT(pdu.u.response.status, ASIDL_NCA_S_FAULT_CANCEL);
    CHECK_EQ_INT(pdu.u.response.cancel_count, 1);
    close(fd);
}

/* Cancels reach a call wherever it is: made in the same read as the cancel (above), waiting
 * for the connection's running call to return, or running (then its manager is told). */
TEST(cancel_and_orphaned_reach_a_call_waiting_behind_the_running_one)
{
    int fd = bound_connection(port, 4280);
    asidl__buf b;
    asidl__buf_init(&b);
    uint8_t stub[8];
    uint32_t delay = 200;
    memcpy(stub, &delay, 4);
    memcpy(stub + 4, "slow", 4);
    asidl__pdu_encode_request(&b, 3, 60, 8, 0, 6, NULL, stub, 8);    /* holds the turn 200 ms */
    send_buf(fd, &b);
    sleep_ms(50);
    asidl__pdu_encode_request(&b, 3, 61, 0, 0, 3, NULL, NULL, 0);    /* waits for its cancel */
    send_buf(fd, &b);
    delay = 0;
    memcpy(stub, &delay, 4);
    asidl__pdu_encode_request(&b, 3, 62, 8, 0, 0, NULL, stub, 8);    /* echo */
    send_buf(fd, &b);
    sleep_ms(50);
    asidl__pdu_encode_header_only(&b, ASIDL_PTYPE_CO_CANCEL, 3, 61);
    asidl__pdu_encode_header_only(&b, ASIDL_PTYPE_ORPHANED, 3, 62);
    send_buf(fd, &b);
    uint8_t store[4096];
    asidl__pdu pdu;
    CHECK(read_pdu(fd, store, sizeof store, &pdu));
    CHECK_EQ_INT(pdu.hdr.ptype, ASIDL_PTYPE_RESPONSE);
    CHECK_EQ_INT(pdu.hdr.call_id, 60);
    CHECK(read_pdu(fd, store, sizeof store, &pdu));
    CHECK_EQ_INT(pdu.hdr.ptype, ASIDL_PTYPE_FAULT);
    CHECK_EQ_INT(pdu.hdr.call_id, 61);
    CHECK_EQ_INT(pdu.u.response.status, ASIDL_NCA_S_FAULT_CANCEL);
    CHECK_EQ_INT(pdu.u.response.cancel_count, 1);
    CHECK(echo_works(fd, 63));     /* the next answer is for 63: nothing came for 62 */
    close(fd);
}

TEST(an_orphaned_call_gets_no_answer)
{
    int fd = bound_connection(port, 4280);
    asidl__buf b;
    asidl__buf_init(&b);
    uint32_t delay = 100;
    uint8_t stub[8];
    memcpy(stub, &delay, 4);
    memcpy(stub + 4, "late", 4);
    asidl__pdu_encode_request(&b, 3, 40, 8, 0, 2, NULL, stub, 8);
    asidl__pdu_encode_header_only(&b, ASIDL_PTYPE_ORPHANED, 3, 40);
    send_buf(fd, &b);
    sleep_ms(200);
    CHECK(echo_works(fd, 41));     /* the next answer is for 41: nothing came for 40 */
    close(fd);
}

/* PFC_MAYBE (C706 12.6): the call runs, and nothing comes back for it, neither its
 * response nor the fault of a call that cannot run or that fails. */
TEST(a_maybe_request_runs_and_gets_no_answer_not_even_a_fault)
{
    int fd = bound_connection(port, 4280);
    asidl__buf b;
    asidl__buf_init(&b);
    uint8_t maybe = ASIDL_PFC_FIRST_FRAG | ASIDL_PFC_LAST_FRAG | ASIDL_PFC_MAYBE;
    uint32_t code = 0x20000456;
    asidl__pdu_encode_request(&b, maybe, 90, 1, 0, 5, NULL, "m", 1);       /* parked: runs later */
    asidl__pdu_encode_request(&b, maybe, 91, 4, 0, 4, NULL, &code, 4);     /* faults */
    asidl__pdu_encode_request(&b, maybe, 92, 1, 0, 77, NULL, "x", 1);      /* no such opnum */
    asidl__pdu_encode_request(&b, maybe, 93, 1, 9, 0, NULL, "x", 1);       /* no such context */
    uint8_t *big = calloc(1, 10000);
    asidl__frag_request(&b, 94, 0, 0, NULL, big, 10000, 4280, ASIDL_PFC_MAYBE);  /* fragmented */
    free(big);
    send_buf(fd, &b);
    for (int i = 0; i < 300 && echo_parked() == 0; i++)
        sleep_ms(10);
    CHECK_EQ_INT(echo_parked(), 1);           /* the manager got the maybe call */
    echo_release_parked();                    /* and its answer goes nowhere */
    CHECK(echo_works(fd, 95));                /* the next PDU is the answer to 95 */
    uint8_t store[256];
    asidl__pdu pdu;
    CHECK(asidl__sock_wait(fd, POLLIN, 200) == 0 || !read_pdu(fd, store, sizeof store, &pdu));
    close(fd);
}

TEST(a_client_that_vanishes_mid_call_leaves_nothing_behind)
{
    int before = echo_late_replies_failed;
    for (int i = 0; i < 3; i++) {
        int fd = bound_connection(port, 4280);
        asidl__buf b;
        asidl__buf_init(&b);
        uint32_t delay = 150;
        asidl__pdu_encode_request(&b, 3, 50, 4, 0, 2, NULL, &delay, 4);
        send_buf(fd, &b);
        sleep_ms(20);
        close(fd);
    }
    echo_wait_idle();
    CHECK_EQ_INT(echo_late_replies_failed - before, 3);    /* each reply saw RPC_S_CALL_FAILED */
    wait_connections(server, 0);
    CHECK_EQ_INT(asidl__server_connection_count(server), 0);
}

TEST(truncated_pdus_from_a_departing_client_are_freed)
{
    int fd = bound_connection(port, 4280);
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_request(&b, ASIDL_PFC_FIRST_FRAG, 60, 100000, 0, 0, NULL, "abcdefgh", 8);
    asidl__pdu_encode_request(&b, 0, 60, 100000, 0, 0, NULL, "abcdefgh", 8);
    b.len -= 3;                     /* the second fragment is cut short */
    send_buf(fd, &b);
    sleep_ms(50);
    close(fd);
    wait_connections(server, 0);
    CHECK_EQ_INT(asidl__server_connection_count(server), 0);
}

/* ---- connections are edge-triggered: no event lost, no connection freed under a worker ---- */

/* A client that floods one connection with requests while it reads the answers: the handler
 * stops after a bounded number of reads per event and must have the event raised again
 * (edge-triggered, nothing else would announce the input it left). */
typedef struct flood {
    int fd;
    int calls;
    size_t size;
} flood;

static void *flood_requests(void *arg)
{
    flood *f = arg;
    uint8_t *stub = calloc(1, f->size);
    asidl__buf b;
    asidl__buf_init(&b);
    for (int i = 0; i < f->calls; i++) {
        asidl__pdu_encode_request(&b, 3, (uint32_t)(1000 + i), (uint32_t)f->size, 0, 0, NULL, stub, f->size);
        if (b.len > 60000 || i == f->calls - 1)
            send_buf(f->fd, &b);
    }
    asidl__buf_free(&b);
    free(stub);
    return NULL;
}

TEST(a_flooded_connection_is_read_to_the_end)
{
    flood f = { bound_connection(port, 5840), 3000, 1000 };
    pthread_t writer;
    CHECK(f.fd >= 0 && pthread_create(&writer, NULL, flood_requests, &f) == 0);
    static uint8_t store[8192];
    int answered = 0;
    for (; answered < f.calls; answered++) {
        asidl__pdu pdu;
        if (!read_pdu(f.fd, store, sizeof store, &pdu) || pdu.hdr.call_id != (uint32_t)(1000 + answered) ||
            pdu.u.response.stub_len != f.size)
            break;
    }
    CHECK_EQ_INT(answered, f.calls);
    pthread_join(writer, NULL);
    close(f.fd);
}

/* Clients that leave at every stage (bound, mid-request, with answers unread, with pipelined
 * requests) while slow manager routines keep workers busy, so that several workers poll at
 * once: an event one of them takes may belong to a connection another is tearing down. Under
 * ASan, a connection freed before that event is handled is a use after free. */
static bool churn_stop;                  /* atomic */

static void *keep_workers_busy(void *arg)
{
    (void)arg;
    int fd = bound_connection(port, 4280);
    asidl__buf b;
    asidl__buf_init(&b);
    for (uint32_t id = 1; !__atomic_load_n(&churn_stop, __ATOMIC_RELAXED) && fd >= 0; id++) {
        uint32_t ms = 3;
        asidl__pdu_encode_request(&b, 3, id, 4, 0, 6, NULL, &ms, 4);
        send_buf(fd, &b);
        uint8_t store[256];
        asidl__pdu pdu;
        if (!read_pdu(fd, store, sizeof store, &pdu))
            break;
    }
    asidl__buf_free(&b);
    if (fd >= 0)
        close(fd);
    return NULL;
}

static void *churn_connections(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    for (int i = 0; i < 150; i++) {
        int fd = bound_connection(port, 4280);
        if (fd < 0)
            continue;
        asidl__buf b;
        asidl__buf_init(&b);
        int pipelined = (int)(rand_r(&seed) % 4);
        for (int k = 0; k < pipelined; k++)
            asidl__pdu_encode_request(&b, 3, (uint32_t)(10 + k), 5, 0, 0, NULL, "hello", 5);
        if (rand_r(&seed) % 2)
            asidl__pdu_encode_request(&b, ASIDL_PFC_FIRST_FRAG, 20, 100, 0, 0, NULL, "partial", 7);
        if (b.len)
            send_buf(fd, &b);
        asidl__buf_free(&b);
        if (pipelined > 0 && rand_r(&seed) % 3 == 0) {    /* an answer is on its way */
            uint8_t store[256];
            asidl__pdu pdu;
            (void)read_pdu(fd, store, sizeof store, &pdu);
        }
        close(fd);
    }
    return NULL;
}

TEST(connections_leaving_while_several_workers_poll_are_freed_safely)
{
    pthread_t busy[2], churn[3];
    __atomic_store_n(&churn_stop, false, __ATOMIC_RELAXED);
    for (int i = 0; i < 2; i++)
        CHECK(pthread_create(&busy[i], NULL, keep_workers_busy, NULL) == 0);
    for (int i = 0; i < 3; i++)
        CHECK(pthread_create(&churn[i], NULL, churn_connections, (void *)(uintptr_t)(i + 1)) == 0);
    for (int i = 0; i < 3; i++)
        pthread_join(churn[i], NULL);
    __atomic_store_n(&churn_stop, true, __ATOMIC_RELAXED);
    for (int i = 0; i < 2; i++)
        pthread_join(busy[i], NULL);
    int fd = bound_connection(port, 4280);
    CHECK(echo_works(fd, 7));
    close(fd);
    wait_connections(server, 0);
    CHECK_EQ_INT(asidl__server_connection_count(server), 0);
}

/* ---- limits (a second server with small ones) ---- */

TEST(limits_on_request_size_connections_pending_calls_and_slow_senders)
{
    asidl__server_limits lim;
    asidl__server_limits_default(&lim);
    lim.max_request = 10000;
    lim.max_connections = 3;
    lim.max_pending_calls = 1;
    lim.read_timeout_ms = 300;
    char p2[32];
    asidl__server *s2 = echo_server_start(&lim, p2, sizeof p2);
    CHECK(s2 != NULL);
    if (!s2)
        return;

    /* A reassembled request over the cap, and an alloc_hint over it. */
    int fd = bound_connection(p2, 4280);
    uint8_t *big = calloc(1, 12000);
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__frag_request(&b, 70, 0, 0, NULL, big, 12000, 4280, 0);
    free(big);
    send_buf(fd, &b);
    expect_fault(fd, 70, ASIDL_FAULT_ACCESS_DENIED, false);
    CHECK(closed_by_server(fd));
    close(fd);
    fd = bound_connection(p2, 4280);
    asidl__pdu_encode_request(&b, ASIDL_PFC_FIRST_FRAG, 71, 20000, 0, 0, NULL, "abcd", 4);
    send_buf(fd, &b);
    expect_fault(fd, 71, ASIDL_FAULT_ACCESS_DENIED, false);
    close(fd);

    /* One pending call at most: a second one is too busy (and did not execute). */
    fd = bound_connection(p2, 4280);
    uint32_t delay = 300;
    asidl__pdu_encode_request(&b, 3, 72, 4, 0, 2, NULL, &delay, 4);
    asidl__pdu_encode_request(&b, 3, 73, 4, 0, 2, NULL, &delay, 4);
    send_buf(fd, &b);
    expect_fault(fd, 73, ASIDL_NCA_S_SERVER_TOO_BUSY, true);
    uint8_t store[4096];
    asidl__pdu pdu;
    CHECK(read_pdu(fd, store, sizeof store, &pdu) && pdu.hdr.call_id == 72 &&
          pdu.hdr.ptype == ASIDL_PTYPE_RESPONSE);
    close(fd);

    /* A slow sender: half a header, then nothing. */
    fd = raw_connect(p2);
    send_all(fd, "\x05\x00\x0b\x03\x10\x00", 6);
    int64_t t0 = asidl__now_ms();
    CHECK(closed_by_server(fd));
    int64_t waited = asidl__now_ms() - t0;
    CHECK(waited >= 250 && waited < 2000);
    close(fd);
    /* A header announcing 65535 bytes that never come. */
    fd = bound_connection(p2, 4280);
    uint8_t hdr[20] = { 5, 0, 0, 3, 0x10, 0, 0, 0, 0xFF, 0xFF, 0, 0, 80, 0, 0, 0 };
    send_all(fd, hdr, sizeof hdr);
    CHECK(closed_by_server(fd));
    close(fd);

    /* Three connections at most: the fourth is closed at once. */
    wait_connections(s2, 0);
    int c[3];
    for (int i = 0; i < 3; i++)
        c[i] = bound_connection(p2, 4280);
    CHECK(c[0] >= 0 && c[1] >= 0 && c[2] >= 0);
    int extra = raw_connect(p2);
    CHECK(extra >= 0 && closed_by_server(extra));
    close(extra);
    CHECK(echo_works(c[2], 80));
    for (int i = 0; i < 3; i++)
        close(c[i]);
    echo_wait_idle();
    asidl__server_free(s2);
}

int main(void)
{
    server = echo_server_start(NULL, port, sizeof port);
    if (!server) {
        printf("not ok - server_starts\n");
        return 1;
    }
    RUN(bind_negotiates_fragment_size_group_and_contexts);
    RUN(bind_results_per_context_follow_windows);
    RUN(the_first_pdu_must_be_a_bind_and_only_one_bind);
    RUN(association_groups_are_shared_by_later_connections);
    RUN(unknown_context_and_opnum_fault_with_did_not_execute_and_the_connection_survives);
    RUN(pipelined_requests_in_one_write_are_all_answered_in_order);
    RUN(one_connections_calls_run_in_arrival_order_across_workers);
    RUN(a_big_endian_client_is_understood);
    RUN(a_fragment_longer_than_negotiated_is_a_protocol_error);
    RUN(fragment_sequence_violations_close_the_connection);
    RUN(fragmented_requests_are_reassembled_and_answered_in_fragments);
    RUN(garbage_and_unsupported_pdus_are_refused);
    RUN(cancel_and_orphaned_for_unknown_calls_are_ignored);
    RUN(co_cancel_reaches_a_pending_call_and_counts_in_the_answer);
    RUN(cancel_and_orphaned_reach_a_call_waiting_behind_the_running_one);
    RUN(an_orphaned_call_gets_no_answer);
    RUN(a_maybe_request_runs_and_gets_no_answer_not_even_a_fault);
    RUN(a_client_that_vanishes_mid_call_leaves_nothing_behind);
    RUN(truncated_pdus_from_a_departing_client_are_freed);
    RUN(a_flooded_connection_is_read_to_the_end);
    RUN(connections_leaving_while_several_workers_poll_are_freed_safely);
    RUN(limits_on_request_size_connections_pending_calls_and_slow_senders);
    echo_wait_idle();
    wait_connections(server, 0);
    asidl__server_free(server);
    asidl__rt_shutdown();
    return test_exit();
}
