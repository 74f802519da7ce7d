/*
 * PDU codec: every connection-oriented PDU type round-trips, big-endian input is read right,
 * hostile input (every truncation, every single-byte corruption) is refused without reading
 * outside the fragment, fragment-size negotiation follows Windows, and fragmentation and
 * reassembly preserve the stub bytes under the size cap.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "rpcrt.h"
#include "test.h"

static const asidl__syntax_id iface = {
    { 0xb3c3b2a6, 0x6f3e, 0x4c9d, { 0x9a, 0x41, 0x2f, 0x0d, 0x8e, 0x7c, 0x5a, 0x11 } },
    ASIDL_SYNTAX_VERSION(1, 0),
};
static const asidl__uuid object = {
    0xc1a2b3d4, 0xe5f6, 0x4718, { 0x9a, 0x0b, 0x1c, 0x2d, 0x3e, 0x4f, 0x5a, 0x6b }
};

static asidl__pdu decode_ok(const asidl__buf *b)
{
    asidl__pdu pdu;
    CHECK_EQ_INT(asidl__pdu_decode(b->data, b->len, &pdu), ASIDL_PDU_OK);
    return pdu;
}

TEST(bind_round_trips_with_two_contexts)
{
    asidl__syntax_id transfers[2] = { asidl__ndr64_syntax, asidl__ndr20_syntax };
    asidl__ctx_elem ctx[2] = {
        { 0, iface, 2, transfers },
        { 1, iface, 1, &asidl__ndr20_syntax },
    };
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_bind(&b, ASIDL_PTYPE_BIND, ASIDL_PFC_FIRST_FRAG | ASIDL_PFC_LAST_FRAG |
                           ASIDL_PFC_CONC_MPX, 7, 5840, 4280, 0x4711, ctx, 2);
    CHECK(!b.failed);
    CHECK_EQ_INT(b.len, 16 + 12 + (24 + 40) + (24 + 20));
    asidl__pdu pdu = decode_ok(&b);
    CHECK_EQ_INT(pdu.hdr.ptype, ASIDL_PTYPE_BIND);
    CHECK_EQ_INT(pdu.hdr.call_id, 7);
    CHECK_EQ_INT(pdu.hdr.frag_length, b.len);
    CHECK_EQ_INT(pdu.hdr.pfc_flags, 0x13);
    CHECK_EQ_INT(pdu.u.bind.max_xmit_frag, 5840);
    CHECK_EQ_INT(pdu.u.bind.max_recv_frag, 4280);
    CHECK_EQ_INT(pdu.u.bind.assoc_group_id, 0x4711);
    CHECK_EQ_INT(pdu.u.bind.n_context, 2);
    asidl__pdu_ctx c;
    asidl__syntax_id ts;
    asidl__pdu_bind_context(&pdu, 0, &c);
    CHECK_EQ_INT(c.context_id, 0);
    CHECK_EQ_INT(c.n_transfer, 2);
    CHECK(asidl__syntax_equal(&c.abstract, &iface));
    asidl__pdu_ctx_transfer(&c, 0, &ts);
    CHECK(asidl__syntax_equal(&ts, &asidl__ndr64_syntax));
    asidl__pdu_ctx_transfer(&c, 1, &ts);
    CHECK(asidl__syntax_equal(&ts, &asidl__ndr20_syntax));
    asidl__pdu_bind_context(&pdu, 1, &c);
    CHECK_EQ_INT(c.context_id, 1);
    CHECK_EQ_INT(c.n_transfer, 1);
    asidl__pdu_ctx_transfer(&c, 0, &ts);
    CHECK(asidl__syntax_equal(&ts, &asidl__ndr20_syntax));
    asidl__buf_free(&b);
}

TEST(bind_ack_round_trips_with_secondary_address_padding)
{
    asidl__pdu_result results[3] = {
        { ASIDL_CTX_ACCEPTANCE, 0, asidl__ndr20_syntax },
        { ASIDL_CTX_PROVIDER_REJECTION, ASIDL_CTX_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED, { { 0 }, 0 } },
        { ASIDL_CTX_NEGOTIATE_ACK, ASIDL_BTFN_KEEP_CONNECTION_ON_ORPHAN, { { 0 }, 0 } },
    };
    /* "135" + NUL: 26 + 4 = 30, so two bytes of padding before the result count. */
    const char *addrs[] = { "135", "49152", "", NULL };
    for (int i = 0; i < 4; i++) {
        asidl__buf b;
        asidl__buf_init(&b);
        asidl__pdu_encode_bind_ack(&b, ASIDL_PTYPE_BIND_ACK, 3, 1, 4280, 4280, 0x12345, addrs[i],
                                   results, 3);
        CHECK_EQ_INT(b.len % 4, 0);
        asidl__pdu pdu = decode_ok(&b);
        CHECK_EQ_INT(pdu.u.bind_ack.max_xmit_frag, 4280);
        CHECK_EQ_INT(pdu.u.bind_ack.assoc_group_id, 0x12345);
        CHECK(strcmp(pdu.u.bind_ack.secondary_address, addrs[i] ? addrs[i] : "") == 0);
        CHECK_EQ_INT(pdu.u.bind_ack.n_results, 3);
        for (unsigned r = 0; r < 3; r++) {
            asidl__pdu_result got;
            asidl__pdu_bind_ack_result(&pdu, r, &got);
            CHECK_EQ_INT(got.result, results[r].result);
            CHECK_EQ_INT(got.reason, results[r].reason);
            CHECK(asidl__syntax_equal(&got.transfer, &results[r].transfer));
        }
        asidl__buf_free(&b);
    }
}

TEST(bind_nak_is_24_bytes_listing_version_5_0)
{
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_bind_nak(&b, 3, ASIDL_NAK_PROTOCOL_VERSION_NOT_SUPPORTED);
    CHECK_EQ_INT(b.len, 24);
    asidl__pdu pdu = decode_ok(&b);
    CHECK_EQ_INT(pdu.u.bind_nak.reject_reason, 4);
    CHECK_EQ_INT(pdu.u.bind_nak.n_versions, 1);
    CHECK_EQ_INT(pdu.u.bind_nak.versions[0], 5);
    CHECK_EQ_INT(pdu.u.bind_nak.versions[1], 0);
    asidl__buf_free(&b);

    /* An old-style nak that stops after the reason is still read. */
    uint8_t short_nak[18] = { 5, 0, 13, 3, 0x10, 0, 0, 0, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0 };
    asidl__pdu pdu2;
    CHECK_EQ_INT(asidl__pdu_decode(short_nak, sizeof short_nak, &pdu2), ASIDL_PDU_OK);
    CHECK_EQ_INT(pdu2.u.bind_nak.reject_reason, 2);
    CHECK_EQ_INT(pdu2.u.bind_nak.n_versions, 0);
}

TEST(request_with_and_without_object_uuid)
{
    uint8_t stub[13];
    for (unsigned i = 0; i < sizeof stub; i++)
        stub[i] = (uint8_t)(0xA0 + i);
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_request(&b, 3, 9, 13, 2, 0x1234, NULL, stub, sizeof stub);
    CHECK_EQ_INT(b.len, 24 + 13);
    asidl__pdu pdu = decode_ok(&b);
    CHECK(!pdu.u.request.has_object);
    CHECK_EQ_INT(pdu.u.request.alloc_hint, 13);
    CHECK_EQ_INT(pdu.u.request.context_id, 2);
    CHECK_EQ_INT(pdu.u.request.opnum, 0x1234);
    CHECK_EQ_INT(pdu.u.request.stub_len, 13);
    CHECK_EQ_MEM(pdu.u.request.stub, stub, 13);
    asidl__buf_free(&b);

    asidl__buf_init(&b);
    asidl__pdu_encode_request(&b, 3, 10, 13, 0, 1, &object, stub, sizeof stub);
    CHECK_EQ_INT(b.len, 40 + 13);
    pdu = decode_ok(&b);
    CHECK(pdu.hdr.pfc_flags & ASIDL_PFC_OBJECT_UUID);
    CHECK(pdu.u.request.has_object);
    CHECK(asidl__uuid_equal(&pdu.u.request.object, &object));
    CHECK_EQ_MEM(pdu.u.request.stub, stub, 13);
    asidl__buf_free(&b);
}

TEST(response_fault_and_header_only_pdus)
{
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_response(&b, 3, 5, 4, 1, 2, "\1\2\3\4", 4);
    asidl__pdu pdu = decode_ok(&b);
    CHECK_EQ_INT(pdu.hdr.ptype, ASIDL_PTYPE_RESPONSE);
    CHECK_EQ_INT(pdu.u.response.context_id, 1);
    CHECK_EQ_INT(pdu.u.response.cancel_count, 2);
    CHECK_EQ_INT(pdu.u.response.stub_len, 4);
    asidl__buf_free(&b);

    asidl__buf_init(&b);
    asidl__pdu_encode_fault(&b, ASIDL_PFC_DID_NOT_EXECUTE, 6, 3, 0, ASIDL_NCA_S_OP_RNG_ERROR);
    CHECK_EQ_INT(b.len, 32);
    pdu = decode_ok(&b);
    CHECK_EQ_INT(pdu.hdr.ptype, ASIDL_PTYPE_FAULT);
    CHECK_EQ_INT(pdu.hdr.pfc_flags, 0x23);
    CHECK_EQ_INT(pdu.u.response.context_id, 3);
    CHECK_EQ_INT(pdu.u.response.status, 0x1C010002);
    CHECK_EQ_INT(pdu.u.response.stub_len, 0);
    asidl__buf_free(&b);

    static const uint8_t types[] = { ASIDL_PTYPE_SHUTDOWN, ASIDL_PTYPE_CO_CANCEL, ASIDL_PTYPE_ORPHANED };
    for (unsigned i = 0; i < 3; i++) {
        asidl__buf_init(&b);
        asidl__pdu_encode_header_only(&b, types[i], 3, 40 + i);
        CHECK_EQ_INT(b.len, 16);
        pdu = decode_ok(&b);
        CHECK_EQ_INT(pdu.hdr.ptype, types[i]);
        CHECK_EQ_INT(pdu.hdr.call_id, 40 + i);
        asidl__buf_free(&b);
    }
}

TEST(a_28_byte_fault_without_the_reserved_word_is_accepted)
{
    uint8_t f[28] = { 5, 0, 3, 3, 0x10, 0, 0, 0, 28, 0, 0, 0, 9, 0, 0, 0,
                      0, 0, 0, 0, 0, 0, 0, 0, 0xE4, 0x06, 0, 0 };
    asidl__pdu pdu;
    CHECK_EQ_INT(asidl__pdu_decode(f, sizeof f, &pdu), ASIDL_PDU_OK);
    CHECK_EQ_INT(pdu.u.response.status, 0x6E4);
}

/* A request and a bind written by a big-endian sender (drep[0] = 0x00). */
TEST(big_endian_pdus_are_read_in_the_senders_byte_order)
{
    uint8_t req[] = {
        5, 0, 0, 0x83, 0x00, 0, 0, 0,  0, 44, 0, 0,  0, 0, 0x01, 0x02,   /* call_id 0x102 */
        0, 0, 0, 4,  0, 7,  0x01, 0x00,                                   /* hint 4, ctx 7, opnum 256 */
        0xc1, 0xa2, 0xb3, 0xd4, 0xe5, 0xf6, 0x47, 0x18,                   /* object, big-endian fields */
        0x9a, 0x0b, 0x1c, 0x2d, 0x3e, 0x4f, 0x5a, 0x6b,
        0xde, 0xad, 0xbe, 0xef,
    };
    asidl__pdu pdu;
    CHECK_EQ_INT(asidl__pdu_decode(req, sizeof req, &pdu), ASIDL_PDU_OK);
    CHECK(!pdu.little_endian);
    CHECK_EQ_INT(pdu.hdr.frag_length, 44);
    CHECK_EQ_INT(pdu.hdr.call_id, 0x102);
    CHECK_EQ_INT(pdu.u.request.alloc_hint, 4);
    CHECK_EQ_INT(pdu.u.request.context_id, 7);
    CHECK_EQ_INT(pdu.u.request.opnum, 256);
    CHECK(asidl__uuid_equal(&pdu.u.request.object, &object));
    CHECK_EQ_INT(pdu.u.request.stub_len, 4);

    uint8_t bind[] = {
        5, 0, 11, 3, 0x00, 0, 0, 0,  0, 72, 0, 0,  0, 0, 0, 1,
        0x10, 0xb8, 0x16, 0xd0,  0, 0, 0x47, 0x11,  1, 0, 0, 0,
        0, 5, 1, 0,
        0xb3, 0xc3, 0xb2, 0xa6, 0x6f, 0x3e, 0x4c, 0x9d,                   /* iface, big-endian */
        0x9a, 0x41, 0x2f, 0x0d, 0x8e, 0x7c, 0x5a, 0x11,  0, 0, 0, 1,      /* version 1.0 */
        0x8a, 0x88, 0x5d, 0x04, 0x1c, 0xeb, 0x11, 0xc9,                   /* NDR 2.0 */
        0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60,  0, 0, 0, 2,
    };
    CHECK_EQ_INT(asidl__pdu_decode(bind, sizeof bind, &pdu), ASIDL_PDU_OK);
    CHECK_EQ_INT(pdu.u.bind.max_xmit_frag, 4280);
    CHECK_EQ_INT(pdu.u.bind.max_recv_frag, 5840);
    CHECK_EQ_INT(pdu.u.bind.assoc_group_id, 0x4711);
    asidl__pdu_ctx c;
    asidl__syntax_id ts;
    asidl__pdu_bind_context(&pdu, 0, &c);
    CHECK_EQ_INT(c.context_id, 5);
    CHECK(asidl__syntax_equal(&c.abstract, &iface));
    asidl__pdu_ctx_transfer(&c, 0, &ts);
    CHECK(asidl__syntax_equal(&ts, &asidl__ndr20_syntax));
}

TEST(framing_reports_incomplete_and_foreign_streams)
{
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_request(&b, 3, 1, 0, 0, 0, NULL, "abcdefgh", 8);
    size_t n = 0;
    for (size_t avail = 0; avail < b.len; avail++)
        CHECK_EQ_INT(asidl__pdu_frame(b.data, avail, &n), ASIDL_PDU_NEED_MORE);
    CHECK_EQ_INT(asidl__pdu_frame(b.data, b.len, &n), ASIDL_PDU_OK);
    CHECK_EQ_INT(n, b.len);

    const uint8_t http[] = "GET / HTTP/1.1\r\n";
    CHECK_EQ_INT(asidl__pdu_frame(http, 1, &n), ASIDL_PDU_BAD_VERSION);
    uint8_t v52[2] = { 5, 2 };
    CHECK_EQ_INT(asidl__pdu_frame(v52, 2, &n), ASIDL_PDU_BAD_VERSION);
    uint8_t tiny[16] = { 5, 0, 0, 3, 0x10, 0, 0, 0, 15, 0 };
    CHECK_EQ_INT(asidl__pdu_frame(tiny, 16, &n), ASIDL_PDU_BAD_FRAG_LENGTH);
    asidl__buf_free(&b);
}

TEST(precise_errors_for_invalid_pdus)
{
    asidl__pdu pdu;
    /* A connectionless ping on a connection. */
    uint8_t ping[16] = { 5, 0, 1, 3, 0x10, 0, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0 };
    CHECK_EQ_INT(asidl__pdu_decode(ping, 16, &pdu), ASIDL_PDU_BAD_PTYPE);
    uint8_t rts[20] = { 5, 0, 20, 3, 0x10, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0 };
    CHECK_EQ_INT(asidl__pdu_decode(rts, 20, &pdu), ASIDL_PDU_BAD_PTYPE);
    /* A request header cut before opnum. */
    uint8_t short_req[20] = { 5, 0, 0, 3, 0x10, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0 };
    CHECK_EQ_INT(asidl__pdu_decode(short_req, 20, &pdu), ASIDL_PDU_BAD_FRAG_LENGTH);
    /* An OBJECT_UUID flag without room for the UUID. */
    uint8_t no_obj[30] = { 5, 0, 0, 0x83, 0x10, 0, 0, 0, 30, 0, 0, 0, 1, 0, 0, 0 };
    CHECK_EQ_INT(asidl__pdu_decode(no_obj, 30, &pdu), ASIDL_PDU_BAD_FRAG_LENGTH);
    /* auth_length larger than the fragment. */
    uint8_t big_auth[32] = { 5, 0, 0, 3, 0x10, 0, 0, 0, 32, 0, 0x40, 0, 1, 0, 0, 0 };
    CHECK_EQ_INT(asidl__pdu_decode(big_auth, 32, &pdu), ASIDL_PDU_BAD_AUTH_LENGTH);
    /* An auth pad length that runs into the request header. */
    uint8_t big_pad[40] = { 5, 0, 0, 3, 0x10, 0, 0, 0, 40, 0, 4, 0, 1, 0, 0, 0 };
    big_pad[28] = 10;  /* auth_type */
    big_pad[30] = 9;   /* pad length > the 4 stub bytes */
    CHECK_EQ_INT(asidl__pdu_decode(big_pad, 40, &pdu), ASIDL_PDU_BAD_AUTH_LENGTH);
    big_pad[30] = 4;
    CHECK_EQ_INT(asidl__pdu_decode(big_pad, 40, &pdu), ASIDL_PDU_OK);
    CHECK(pdu.auth.present);
    CHECK_EQ_INT(pdu.auth.auth_type, 10);
    CHECK_EQ_INT(pdu.u.request.stub_len, 0);
    CHECK_EQ_INT(pdu.auth.value_len, 4);
    /* frag_length disagreeing with the bytes given. */
    uint8_t co[16] = { 5, 0, 18, 3, 0x10, 0, 0, 0, 16, 0, 0, 0, 1, 0, 0, 0 };
    CHECK_EQ_INT(asidl__pdu_decode(co, 15, &pdu), ASIDL_PDU_NEED_MORE);

    /* A bind announcing two contexts but carrying one. */
    asidl__ctx_elem ctx = { 0, iface, 1, &asidl__ndr20_syntax };
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_bind(&b, ASIDL_PTYPE_BIND, 3, 1, 4280, 4280, 0, &ctx, 1);
    b.data[24] = 2;
    CHECK_EQ_INT(asidl__pdu_decode(b.data, b.len, &pdu), ASIDL_PDU_BAD_BODY);
    b.data[24] = 1;
    b.data[30] = 2;     /* n_transfer 2, one present */
    CHECK_EQ_INT(asidl__pdu_decode(b.data, b.len, &pdu), ASIDL_PDU_BAD_BODY);
    asidl__buf_free(&b);

    /* A bind_ack whose secondary address runs past the end or is not terminated. */
    asidl__pdu_result res = { 0, 0, asidl__ndr20_syntax };
    asidl__buf_init(&b);
    asidl__pdu_encode_bind_ack(&b, ASIDL_PTYPE_BIND_ACK, 3, 1, 4280, 4280, 1, "135", &res, 1);
    b.data[24] = 200;
    CHECK_EQ_INT(asidl__pdu_decode(b.data, b.len, &pdu), ASIDL_PDU_BAD_BODY);
    b.data[24] = 4;
    b.data[29] = 'x';
    CHECK_EQ_INT(asidl__pdu_decode(b.data, b.len, &pdu), ASIDL_PDU_BAD_BODY);
    b.data[29] = 0;
    b.data[32] = 2;     /* two results, one present */
    CHECK_EQ_INT(asidl__pdu_decode(b.data, b.len, &pdu), ASIDL_PDU_BAD_BODY);
    asidl__buf_free(&b);
}

/* Hands fn every prefix of a valid PDU (`prefix`: each in a fresh allocation of exactly its
 * size, so that an overread is caught under ASan/valgrind), then every single-octet corruption
 * of it. When the corrupted octet makes frag_length announce less than the buffer holds, only
 * that much is handed on, so that the body parsers (not just the length check) see the
 * corrupted value. `whole` is the valid PDU's length. */
typedef void variant_fn(uint8_t *data, size_t len, size_t whole, bool prefix);

static void each_variant(const asidl__buf *b, variant_fn *fn)
{
    for (size_t n = 0; n <= b->len; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, b->data, n);
        fn(copy, n, b->len, true);
        free(copy);
    }
    uint8_t *copy = malloc(b->len);
    for (size_t at = 0; at < b->len; at++) {
        for (unsigned v = 0; v < 256; v++) {
            memcpy(copy, b->data, b->len);
            copy[at] = (uint8_t)v;
            size_t frag;
            if (asidl__pdu_frame(copy, b->len, &frag) == ASIDL_PDU_OK && frag < b->len)
                fn(copy, frag, b->len, false);
            else
                fn(copy, b->len, b->len, false);
        }
    }
    free(copy);
}

/* Each variant must either decode or fail with a status, never read outside the buffer; a
 * truncated PDU never decodes; what a decoded bind or bind_ack lists can be walked. */
static void decode_in_bounds(uint8_t *data, size_t len, size_t whole, bool prefix)
{
    asidl__pdu pdu;
    asidl__pdu_status st = asidl__pdu_decode(data, len, &pdu);
    if (prefix) {
        if (len < whole)
            CHECK(st != ASIDL_PDU_OK);
        return;
    }
    if (st != ASIDL_PDU_OK || len < whole)
        return;
    if (pdu.hdr.ptype == ASIDL_PTYPE_BIND || pdu.hdr.ptype == ASIDL_PTYPE_ALTER_CONTEXT) {
        for (unsigned c = 0; c < pdu.u.bind.n_context; c++) {
            asidl__pdu_ctx ctx;
            asidl__syntax_id ts;
            asidl__pdu_bind_context(&pdu, c, &ctx);
            for (unsigned t = 0; t < ctx.n_transfer; t++)
                asidl__pdu_ctx_transfer(&ctx, t, &ts);
        }
    }
    if (pdu.hdr.ptype == ASIDL_PTYPE_BIND_ACK || pdu.hdr.ptype == ASIDL_PTYPE_ALTER_CONTEXT_RESP) {
        for (unsigned r = 0; r < pdu.u.bind_ack.n_results; r++) {
            asidl__pdu_result res;
            asidl__pdu_bind_ack_result(&pdu, r, &res);
        }
        CHECK(strlen(pdu.u.bind_ack.secondary_address) < whole);
    }
}

static void torture(const asidl__buf *b)
{
    each_variant(b, decode_in_bounds);
}

TEST(every_truncation_and_byte_corruption_is_refused_or_read_in_bounds)
{
    asidl__syntax_id transfers[2] = { asidl__ndr64_syntax, asidl__ndr20_syntax };
    asidl__ctx_elem ctx[2] = { { 0, iface, 2, transfers }, { 1, iface, 1, transfers + 1 } };
    asidl__pdu_result res[2] = { { 0, 0, asidl__ndr20_syntax }, { 2, 1, { { 0 }, 0 } } };
    asidl__buf b;

    asidl__buf_init(&b);
    asidl__pdu_encode_bind(&b, ASIDL_PTYPE_BIND, 3, 1, 4280, 4280, 0, ctx, 2);
    torture(&b);
    asidl__buf_free(&b);

    asidl__buf_init(&b);
    asidl__pdu_encode_bind_ack(&b, ASIDL_PTYPE_BIND_ACK, 3, 1, 4280, 4280, 1, "49152", res, 2);
    torture(&b);
    asidl__buf_free(&b);

    asidl__buf_init(&b);
    asidl__pdu_encode_request(&b, 3, 1, 4, 0, 1, &object, "abcd", 4);
    torture(&b);
    asidl__buf_free(&b);

    asidl__buf_init(&b);
    asidl__pdu_encode_fault(&b, 0, 1, 0, 0, 5);
    torture(&b);
    asidl__buf_free(&b);

    asidl__buf_init(&b);
    asidl__pdu_encode_bind_nak(&b, 1, 4);
    torture(&b);
    asidl__buf_free(&b);
}

TEST(fragment_size_negotiation_follows_windows)
{
    CHECK_EQ_INT(asidl__negotiate_frag(4280, 4280, ASIDL_FRAG_MAX), 4280);
    CHECK_EQ_INT(asidl__negotiate_frag(5840, 5840, ASIDL_FRAG_MAX), 5840);
    CHECK_EQ_INT(asidl__negotiate_frag(65535, 65535, ASIDL_FRAG_MAX), 5840);
    CHECK_EQ_INT(asidl__negotiate_frag(5000, 4000, ASIDL_FRAG_MAX), 4000);
    CHECK_EQ_INT(asidl__negotiate_frag(4000, 5000, ASIDL_FRAG_MAX), 4000);
    CHECK_EQ_INT(asidl__negotiate_frag(16, 16, ASIDL_FRAG_MAX), 2048);
    CHECK_EQ_INT(asidl__negotiate_frag(0, 9000, ASIDL_FRAG_MAX), 2048);
    CHECK_EQ_INT(asidl__negotiate_frag(4283, 9000, ASIDL_FRAG_MAX), 4280);
    CHECK_EQ_INT(asidl__negotiate_frag(3001, 3001, ASIDL_FRAG_MAX), 3000);
}

TEST(bind_time_feature_negotiation_syntax_is_recognised)
{
    asidl__syntax_id f = { { 0x6cb71c2c, 0x9812, 0x4540, { 3, 0, 0, 0, 0, 0, 0, 0 } },
                           ASIDL_SYNTAX_VERSION(1, 0) };
    uint64_t features = 0;
    CHECK(asidl__btfn_features(&f, &features));
    CHECK_EQ_INT(features, 3);
    CHECK(!asidl__btfn_features(&asidl__ndr20_syntax, &features));
    f.version = 2;
    CHECK(!asidl__btfn_features(&f, &features));
}

/* The one-pass reading of requests and responses must give what the general decoder gives:
 * the same status and, when it decodes, the same fields. */
static bool same_decoding(const uint8_t *data, size_t len)
{
    asidl__pdu a, b;
    asidl__pdu_status sa = asidl__pdu_decode(data, len, &a), sb = asidl__pdu_decode_general(data, len, &b);
    if (sa != sb)
        return false;
    if (sa != ASIDL_PDU_OK)
        return true;
    if (memcmp(&a.hdr, &b.hdr, sizeof a.hdr) != 0 || a.little_endian != b.little_endian ||
        a.auth.present != b.auth.present || a.auth.value != b.auth.value || a.auth.value_len != b.auth.value_len)
        return false;
    switch (a.hdr.ptype) {
    case ASIDL_PTYPE_REQUEST:
        return a.u.request.alloc_hint == b.u.request.alloc_hint && a.u.request.context_id == b.u.request.context_id &&
               a.u.request.opnum == b.u.request.opnum && a.u.request.has_object == b.u.request.has_object &&
               memcmp(&a.u.request.object, &b.u.request.object, sizeof a.u.request.object) == 0 &&
               a.u.request.stub == b.u.request.stub && a.u.request.stub_len == b.u.request.stub_len;
    case ASIDL_PTYPE_RESPONSE:
    case ASIDL_PTYPE_FAULT:
        return a.u.response.alloc_hint == b.u.response.alloc_hint &&
               a.u.response.context_id == b.u.response.context_id &&
               a.u.response.cancel_count == b.u.response.cancel_count &&
               a.u.response.fault_flags == b.u.response.fault_flags && a.u.response.status == b.u.response.status &&
               a.u.response.stub == b.u.response.stub && a.u.response.stub_len == b.u.response.stub_len;
    default:
        return true;
    }
}

/* A prefix is also offered announced as what it is (frag_length set to its length). */
static void decodes_the_same(uint8_t *data, size_t len, size_t whole, bool prefix)
{
    (void)whole;
    bool ok = same_decoding(data, len);
    CHECK(ok);
    if (!ok)
        printf("#   %s of %zu octets\n", prefix ? "prefix" : "corruption", len);
    if (prefix && len >= ASIDL_PDU_HEADER_LEN) {
        data[8] = (uint8_t)len;
        data[9] = (uint8_t)(len >> 8);
        CHECK(same_decoding(data, len));
    }
}

/* Every prefix and every single-octet corruption of one PDU, as torture offers them. */
static void check_same_decoding(const asidl__buf *b)
{
    each_variant(b, decodes_the_same);
}

TEST(requests_and_responses_read_in_one_pass_decode_as_the_general_decoder_does)
{
    static const char stub[] = "0123456789abcdef0123";
    asidl__buf b;
    for (size_t n = 0; n <= 20; n += 4) {
        asidl__buf_init(&b);
        asidl__pdu_encode_request(&b, ASIDL_PFC_FIRST_FRAG | ASIDL_PFC_LAST_FRAG, 0x01020304, 0x0a0b0c0d, 3, 0x0102,
                                  NULL, stub, n);
        check_same_decoding(&b);
        asidl__buf_free(&b);
        asidl__buf_init(&b);
        asidl__pdu_encode_response(&b, ASIDL_PFC_FIRST_FRAG, 0x01020304, 0x0a0b0c0d, 3, 7, stub, n);
        b.data[23] = 0x5a;      /* a reserved octet a sender may fill: ignored by both */
        check_same_decoding(&b);
        asidl__buf_free(&b);
    }
    /* The forms left to the general decoder: an object UUID, a fault, a security trailer. */
    asidl__buf_init(&b);
    asidl__pdu_encode_request(&b, 3, 1, 4, 0, 1, &object, "abcd", 4);
    check_same_decoding(&b);
    asidl__buf_free(&b);
    asidl__buf_init(&b);
    asidl__pdu_encode_fault(&b, 0, 1, 0, 0, 5);
    check_same_decoding(&b);
    asidl__buf_free(&b);
    asidl__buf_init(&b);
    asidl__pdu_encode_response(&b, 3, 9, 8, 0, 0, stub, 8);
    asidl__buf_put(&b, "\x0a\x02\x00\x00\x01\x00\x00\x00" "12345678", 16);
    b.data[8] = (uint8_t)b.len;
    b.data[10] = 8;             /* auth_length: an 8-octet value after the 8-octet trailer */
    check_same_decoding(&b);
    asidl__buf_free(&b);
}

/* Splits `len` stub bytes, decodes every fragment, checks the flags, sizes and hints, and
 * reassembles them. */
static void check_fragmentation(size_t len, uint16_t max_frag, bool request, bool with_object)
{
    uint8_t *stub = malloc(len ? len : 1);
    for (size_t i = 0; i < len; i++)
        stub[i] = (uint8_t)(i * 7 + 3);
    asidl__buf b;
    asidl__buf_init(&b);
    if (request)
        asidl__frag_request(&b, 77, 2, 9, with_object ? &object : NULL, stub, len, max_frag,
                            ASIDL_PFC_CONC_MPX);
    else
        asidl__frag_response(&b, 77, 2, 0, stub, len, max_frag);
    CHECK(!b.failed);

    asidl__reasm r;
    asidl__reasm_init(&r, 1u << 22);
    size_t at = 0, frags = 0, left = len;
    while (at < b.len) {
        size_t n = 0;
        CHECK_EQ_INT(asidl__pdu_frame(b.data + at, b.len - at, &n), ASIDL_PDU_OK);
        if (n == 0)
            break;
        CHECK(n <= max_frag || max_frag < ASIDL_PDU_REQUEST_OBJECT_LEN + 8);
        asidl__pdu pdu;
        CHECK_EQ_INT(asidl__pdu_decode(b.data + at, n, &pdu), ASIDL_PDU_OK);
        CHECK_EQ_INT(pdu.hdr.call_id, 77);
        CHECK_EQ_INT(!!(pdu.hdr.pfc_flags & ASIDL_PFC_FIRST_FRAG), frags == 0);
        CHECK_EQ_INT(!!(pdu.hdr.pfc_flags & ASIDL_PFC_LAST_FRAG), at + n == b.len);
        CHECK_EQ_INT(pdu.u.request.alloc_hint, left);   /* same offset in response */
        if (request) {
            CHECK(pdu.hdr.pfc_flags & ASIDL_PFC_CONC_MPX);
            CHECK_EQ_INT(pdu.u.request.opnum, 9);
            CHECK_EQ_INT(pdu.u.request.has_object, with_object);
            if (at + n != b.len)
                CHECK_EQ_INT(pdu.u.request.stub_len % 8, 0);
            if (frags == 0)
                CHECK_EQ_INT(asidl__reasm_start(&r, pdu.u.request.alloc_hint), ASIDL_REASM_OK);
            CHECK_EQ_INT(asidl__reasm_append(&r, pdu.u.request.stub, pdu.u.request.stub_len),
                         ASIDL_REASM_OK);
            left -= pdu.u.request.stub_len;
        } else {
            if (frags == 0)
                CHECK_EQ_INT(asidl__reasm_start(&r, pdu.u.response.alloc_hint), ASIDL_REASM_OK);
            CHECK_EQ_INT(asidl__reasm_append(&r, pdu.u.response.stub, pdu.u.response.stub_len),
                         ASIDL_REASM_OK);
            left -= pdu.u.response.stub_len;
        }
        frags++;
        at += n;
    }
    size_t got_len;
    uint8_t *got = asidl__reasm_take(&r, &got_len);
    CHECK_EQ_INT(got_len, len);
    if (len)
        CHECK_EQ_MEM(got, stub, len);
    free(got);
    asidl__reasm_free(&r);
    asidl__buf_free(&b);
    free(stub);
}

/* The iovecs from any offset on describe exactly the rest of the flat sequence, however few
 * of them the caller takes at a time. */
static void check_iovecs(size_t len, uint16_t max_frag, bool with_object)
{
    uint8_t *stub = malloc(len ? len : 1);
    for (size_t i = 0; i < len; i++)
        stub[i] = (uint8_t)(i * 5 + 1);
    asidl__frags f;
    if (with_object)
        asidl__frags_request(&f, 3, 0, 1, &object, stub, len, max_frag, 0);
    else
        asidl__frags_response(&f, 3, 0, 0, stub, len, max_frag);
    size_t total;
    uint8_t *flat = asidl__frags_flatten(&f, 0, &total);
    CHECK_EQ_INT(total, asidl__frags_bytes(&f));
    size_t step = total > 5000 ? 97 : 1;
    for (size_t from = 0; from <= total + 1; from += step) {
        for (size_t max = 1; max <= 4; max += 3) {
            size_t at = from;
            for (;;) {
                struct iovec iov[4];
                size_t k = asidl__frags_iov(&f, at, iov, max);
                CHECK(k <= max);
                if (k == 0)
                    break;
                for (size_t i = 0; i < k; i++) {
                    CHECK(iov[i].iov_len > 0 && at + iov[i].iov_len <= total);
                    if (at + iov[i].iov_len > total)
                        break;
                    CHECK_EQ_MEM(iov[i].iov_base, flat + at, iov[i].iov_len);
                    at += iov[i].iov_len;
                }
            }
            CHECK_EQ_INT(at, from < total ? total : from);
        }
    }
    free(flat);
    asidl__frags_free(&f);
    free(stub);
}

TEST(iovecs_from_any_offset_describe_the_rest_of_the_sequence)
{
    check_iovecs(0, 4280, false);
    check_iovecs(16, 4280, false);
    check_iovecs(16, 4280, true);
    check_iovecs(4256, 4280, false);        /* exactly one full fragment */
    check_iovecs(4257, 4280, true);
    check_iovecs(20000, 2048, false);
    check_iovecs(100, 20, true);            /* absurdly small fragments */
}

TEST(fragmentation_splits_and_reassembly_restores_the_stub)
{
    check_fragmentation(0, 4280, true, false);
    check_fragmentation(1, 4280, true, true);
    check_fragmentation(4256, 4280, true, false);    /* exactly one full fragment */
    check_fragmentation(4257, 4280, true, false);
    check_fragmentation(100000, 4280, true, true);
    check_fragmentation(100000, 2048, false, false);
    check_fragmentation(5816, 5840, false, false);
    check_fragmentation(3, 20, true, true);          /* absurdly small size still progresses */
}

/* Reads everything the other end of `fd` sends until `want` octets have come. */
static void read_exactly(int fd, uint8_t *to, size_t want)
{
    for (size_t got = 0; got < want;) {
        ssize_t r = recv(fd, to + got, want - got, 0);
        CHECK(r > 0);
        if (r <= 0)
            return;
        got += (size_t)r;
    }
}

/* Reads `want` octets from `from` while the queue drains into `to` (both ends of one socket
 * pair): the queued rest goes as the reader makes room. */
static void receive_while_flushing(asidl__sendq *q, int to, int from, uint8_t *got, size_t want)
{
    size_t at = 0;
    int flushed = 0;
    while (flushed != 1) {
        ssize_t r = recv(from, got + at, want - at, MSG_DONTWAIT);
        if (r > 0)
            at += (size_t)r;
        flushed = asidl__sendq_flush(q, to);
        CHECK(flushed >= 0);
        if (flushed < 0)
            break;
    }
    read_exactly(from, got + at, want - at);
}

TEST(borrowed_fragments_are_sent_whole_or_their_rest_is_copied_and_queued)
{
    size_t len = 300000;
    uint8_t *stub = malloc(len);
    for (size_t i = 0; i < len; i++)
        stub[i] = (uint8_t)(i * 13 + 1);
    asidl__buf flat;
    asidl__buf_init(&flat);
    asidl__frag_response(&flat, 5, 1, 0, stub, len, 5840);
    CHECK(!flat.failed);

    int sv[2];
    CHECK_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    int small = 4096;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    asidl__sendq q = { 0 };
    asidl__frags f;
    asidl__frags_response(&f, 5, 1, 0, stub, len, 5840);
    CHECK_EQ_INT(asidl__frags_bytes(&f), flat.len);
    /* The socket takes only part: the rest is copied onto the queue. */
    CHECK_EQ_INT(asidl__sendq_send_frags(&q, sv[0], &f), 0);
    CHECK(q.head != NULL);
    asidl__frags_free(&f);
    memset(stub, 0, len);                  /* the caller's buffer is free on return */
    /* A second sequence goes behind the queued rest, never before it. */
    uint8_t small_stub[3] = { 7, 8, 9 };
    asidl__frags f2;
    asidl__frags_response(&f2, 6, 1, 0, small_stub, 3, 5840);
    CHECK_EQ_INT(asidl__sendq_send_frags(&q, sv[0], &f2), 0);
    size_t second_len;
    uint8_t *second = asidl__frags_flatten(&f2, 0, &second_len);
    asidl__frags_free(&f2);

    uint8_t *got = malloc(flat.len + second_len);
    receive_while_flushing(&q, sv[0], sv[1], got, flat.len + second_len);
    CHECK_EQ_MEM(got, flat.data, flat.len);
    CHECK_EQ_MEM(got + flat.len, second, second_len);

    /* Nothing queued and room enough: written at once. */
    asidl__frags_response(&f2, 7, 1, 0, small_stub, 3, 5840);
    CHECK_EQ_INT(asidl__sendq_send_frags(&q, sv[0], &f2), 1);
    CHECK(q.head == NULL);
    read_exactly(sv[1], got, second_len);
    /* A peer that has gone is an error, not a queued rest; one that refused the first octet
     * says so (the sequence can go elsewhere whole). */
    close(sv[1]);
    CHECK_EQ_INT(asidl__sendq_send_frags(&q, sv[0], &f2), ASIDL_SEND_PEER_GONE);
    CHECK(q.head == NULL);
    asidl__frags_free(&f2);
    asidl__sendq_clear(&q);
    close(sv[0]);
    free(got);
    free(second);
    asidl__buf_free(&flat);
    free(stub);
}

/* A short sequence is gathered into one copy and sent with send(): a socket with no room
 * takes none of it, and all of it is queued, to go in order when the socket drains. */
TEST(a_short_sequence_meeting_a_full_socket_is_queued_whole)
{
    int sv[2];
    CHECK_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    int small = 4096;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    uint8_t filler[512] = { 0 };
    size_t filled = 0;
    for (ssize_t r; (r = send(sv[0], filler, sizeof filler, MSG_DONTWAIT)) > 0;)
        filled += (size_t)r;
    CHECK(filled > 0);

    uint8_t stub[1000];
    for (size_t i = 0; i < sizeof stub; i++)
        stub[i] = (uint8_t)(i * 7 + 3);
    asidl__frags f;
    asidl__frags_response(&f, 9, 1, 0, stub, sizeof stub, 5840);
    size_t len;
    uint8_t *expected = asidl__frags_flatten(&f, 0, &len);
    asidl__sendq q = { 0 };
    CHECK_EQ_INT(asidl__sendq_send_frags(&q, sv[0], &f), 0);
    CHECK(q.head != NULL && q.bytes == len);
    asidl__frags_free(&f);

    uint8_t *got = malloc(filled + len);
    receive_while_flushing(&q, sv[0], sv[1], got, filled + len);
    CHECK_EQ_MEM(got + filled, expected, len);
    CHECK_EQ_INT(q.written, len);
    asidl__sendq_clear(&q);
    close(sv[0]);
    close(sv[1]);
    free(got);
    free(expected);
}

TEST(reassembly_refuses_to_grow_past_its_limit)
{
    asidl__reasm r;
    asidl__reasm_init(&r, 1000);
    CHECK_EQ_INT(asidl__reasm_start(&r, 1001), ASIDL_REASM_TOO_BIG);
    CHECK_EQ_INT(asidl__reasm_start(&r, 0xFFFFFFFFu), ASIDL_REASM_TOO_BIG);
    CHECK_EQ_INT(asidl__reasm_start(&r, 600), ASIDL_REASM_OK);
    uint8_t chunk[600] = { 0 };
    CHECK_EQ_INT(asidl__reasm_append(&r, chunk, 600), ASIDL_REASM_OK);
    CHECK_EQ_INT(asidl__reasm_append(&r, chunk, 400), ASIDL_REASM_OK);
    CHECK_EQ_INT(asidl__reasm_append(&r, chunk, 1), ASIDL_REASM_TOO_BIG);
    CHECK_EQ_INT(r.len, 1000);
    asidl__reasm_free(&r);
}

int main(void)
{
    RUN(bind_round_trips_with_two_contexts);
    RUN(requests_and_responses_read_in_one_pass_decode_as_the_general_decoder_does);
    RUN(bind_ack_round_trips_with_secondary_address_padding);
    RUN(bind_nak_is_24_bytes_listing_version_5_0);
    RUN(request_with_and_without_object_uuid);
    RUN(response_fault_and_header_only_pdus);
    RUN(a_28_byte_fault_without_the_reserved_word_is_accepted);
    RUN(big_endian_pdus_are_read_in_the_senders_byte_order);
    RUN(framing_reports_incomplete_and_foreign_streams);
    RUN(precise_errors_for_invalid_pdus);
    RUN(every_truncation_and_byte_corruption_is_refused_or_read_in_bounds);
    RUN(fragment_size_negotiation_follows_windows);
    RUN(bind_time_feature_negotiation_syntax_is_recognised);
    RUN(fragmentation_splits_and_reassembly_restores_the_stub);
    RUN(iovecs_from_any_offset_describe_the_rest_of_the_sequence);
    RUN(borrowed_fragments_are_sent_whole_or_their_rest_is_copied_and_queued);
    RUN(a_short_sequence_meeting_a_full_socket_is_queued_whole);
    RUN(reassembly_refuses_to_grow_past_its_limit);
    return test_exit();
}
