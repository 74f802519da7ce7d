/*
 * asidl's PDU encoder against impacket's, byte for byte, and asidl's decoder on impacket's
 * bytes. tests/interop/impacket_pdus.py prints impacket's encodings ("name hex" lines) of PDUs
 * whose parameters are repeated here. Run from the repository root (tests/run-all.sh does).
 */
#include <stdio.h>
#include <stdlib.h>

#include "rpcrt.h"
#include "test.h"

#define MAX_PDUS 32

typedef struct reference {
    char name[64];
    uint8_t bytes[1024];
    size_t len;
} reference;

static reference refs[MAX_PDUS];
static int n_refs;

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

static bool load_references(void)
{
    FILE *f = popen("/usr/bin/python3 tests/interop/impacket_pdus.py", "r");
    if (!f)
        return false;
    char line[4096];
    while (n_refs < MAX_PDUS && fgets(line, sizeof line, f)) {
        reference *r = &refs[n_refs];
        char hex[3000];
        if (sscanf(line, "%63s %2999s", r->name, hex) != 2)
            continue;
        size_t n = strlen(hex) / 2;
        if (n > sizeof r->bytes)
            continue;
        for (size_t i = 0; i < n; i++)
            r->bytes[i] = (uint8_t)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
        r->len = n;
        n_refs++;
    }
    return pclose(f) == 0 && n_refs > 0;
}

static const reference *ref(const char *name)
{
    for (int i = 0; i < n_refs; i++)
        if (strcmp(refs[i].name, name) == 0)
            return &refs[i];
    printf("#   impacket produced no PDU named %s\n", name);
    return NULL;
}

static void same_bytes(const char *name, const asidl__buf *ours)
{
    const reference *r = ref(name);
    CHECK(r != NULL);
    if (!r)
        return;
    CHECK_EQ_INT(ours->len, r->len);
    if (ours->len == r->len)
        CHECK_EQ_MEM(ours->data, r->bytes, r->len);
}

/* The parameters impacket_pdus.py uses. */
static const asidl__syntax_id IFACE = {
    { 0xb3c3b2a6, 0x6f3e, 0x4c9d, { 0x9a, 0x41, 0x2f, 0x0d, 0x8e, 0x7c, 0x5a, 0x11 } },
    ASIDL_SYNTAX_VERSION(1, 0),
};
static const asidl__syntax_id IFACE2 = {
    { 0x0d9a5c37, 0x2b41, 0x4a8e, { 0xb7, 0xf3, 0x5e, 0x6c, 0x1d, 0x2a, 0x9b, 0x04 } },
    ASIDL_SYNTAX_VERSION(3, 2),
};
static const asidl__uuid OBJECT = {
    0xc1a2b3d4, 0xe5f6, 0x4718, { 0x9a, 0x0b, 0x1c, 0x2d, 0x3e, 0x4f, 0x5a, 0x6b }
};
static uint8_t STUB[22];

TEST(impacket_reference_pdus_are_available)
{
    CHECK(load_references());
    for (unsigned i = 0; i < sizeof STUB; i++)
        STUB[i] = (uint8_t)(i + 1);
}

TEST(bind_matches_impacket)
{
    asidl__ctx_elem ctx = { 0, IFACE, 1, &asidl__ndr20_syntax };
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_bind(&b, ASIDL_PTYPE_BIND, 3, 1, 4280, 4280, 0, &ctx, 1);
    same_bytes("bind", &b);
    asidl__buf_free(&b);
}

TEST(bind_with_two_contexts_and_two_transfer_syntaxes_matches_impacket)
{
    asidl__syntax_id transfers[2] = { asidl__ndr64_syntax, asidl__ndr20_syntax };
    asidl__ctx_elem ctx[2] = { { 0, IFACE, 2, transfers }, { 1, IFACE2, 1, &asidl__ndr20_syntax } };
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_bind(&b, ASIDL_PTYPE_BIND, 3, 7, 5840, 5840, 0x4711, ctx, 2);
    same_bytes("bind_two_contexts", &b);
    asidl__buf_free(&b);
}

TEST(alter_context_matches_impacket)
{
    asidl__ctx_elem ctx = { 1, IFACE2, 1, &asidl__ndr20_syntax };
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_bind(&b, ASIDL_PTYPE_ALTER_CONTEXT, 3, 2, 4280, 4280, 0, &ctx, 1);
    same_bytes("alter_context", &b);
    asidl__buf_free(&b);
}

TEST(requests_match_impacket)
{
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_request(&b, 3, 3, sizeof STUB, 0, 5, NULL, STUB, sizeof STUB);
    same_bytes("request", &b);
    asidl__buf_free(&b);

    asidl__buf_init(&b);
    asidl__pdu_encode_request(&b, 3, 4, sizeof STUB, 1, 65535, &OBJECT, STUB, sizeof STUB);
    same_bytes("request_object", &b);
    asidl__buf_free(&b);

    asidl__buf_init(&b);
    asidl__pdu_encode_request(&b, 0, 5, 16, 0, 2, NULL, STUB, 16);
    same_bytes("request_middle_fragment", &b);
    asidl__buf_free(&b);
}

TEST(response_matches_impacket)
{
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_response(&b, 3, 3, sizeof STUB, 0, 0, STUB, sizeof STUB);
    same_bytes("response", &b);
    asidl__buf_free(&b);
}

TEST(bind_ack_matches_impacket)
{
    asidl__pdu_result results[3] = {
        { 0, 0, asidl__ndr20_syntax },
        { 2, 2, { { 0 }, 0 } },
        { 3, 0, { { 0 }, 0 } },
    };
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__pdu_encode_bind_ack(&b, ASIDL_PTYPE_BIND_ACK, 3, 1, 4280, 4280, 0x12345, "49152",
                               results, 3);
    same_bytes("bind_ack", &b);
    asidl__buf_free(&b);
}

TEST(header_only_pdus_match_impacket)
{
    static const struct { const char *name; uint8_t ptype; uint32_t call_id; } cases[] = {
        { "co_cancel", ASIDL_PTYPE_CO_CANCEL, 9 },
        { "orphaned", ASIDL_PTYPE_ORPHANED, 10 },
        { "shutdown", ASIDL_PTYPE_SHUTDOWN, 11 },
    };
    for (unsigned i = 0; i < 3; i++) {
        asidl__buf b;
        asidl__buf_init(&b);
        asidl__pdu_encode_header_only(&b, cases[i].ptype, 3, cases[i].call_id);
        same_bytes(cases[i].name, &b);
        asidl__buf_free(&b);
    }
}

TEST(impacket_pdus_decode_to_the_values_it_was_given)
{
    asidl__pdu pdu;
    const reference *r = ref("bind_two_contexts");
    CHECK(r && asidl__pdu_decode(r->bytes, r->len, &pdu) == ASIDL_PDU_OK);
    if (r) {
        CHECK_EQ_INT(pdu.u.bind.assoc_group_id, 0x4711);
        CHECK_EQ_INT(pdu.u.bind.n_context, 2);
        asidl__pdu_ctx c;
        asidl__syntax_id ts;
        asidl__pdu_bind_context(&pdu, 1, &c);
        CHECK_EQ_INT(c.context_id, 1);
        CHECK(asidl__syntax_equal(&c.abstract, &IFACE2));
        asidl__pdu_ctx_transfer(&c, 0, &ts);
        CHECK(asidl__syntax_equal(&ts, &asidl__ndr20_syntax));
    }
    r = ref("request_object");
    CHECK(r && asidl__pdu_decode(r->bytes, r->len, &pdu) == ASIDL_PDU_OK);
    if (r) {
        CHECK_EQ_INT(pdu.u.request.opnum, 65535);
        CHECK(asidl__uuid_equal(&pdu.u.request.object, &OBJECT));
        CHECK_EQ_INT(pdu.u.request.stub_len, sizeof STUB);
    }
    r = ref("bind_ack");
    CHECK(r && asidl__pdu_decode(r->bytes, r->len, &pdu) == ASIDL_PDU_OK);
    if (r) {
        CHECK(strcmp(pdu.u.bind_ack.secondary_address, "49152") == 0);
        CHECK_EQ_INT(pdu.u.bind_ack.n_results, 3);
        asidl__pdu_result res;
        asidl__pdu_bind_ack_result(&pdu, 2, &res);
        CHECK_EQ_INT(res.result, ASIDL_CTX_NEGOTIATE_ACK);
    }
}

int main(void)
{
    RUN(impacket_reference_pdus_are_available);
    RUN(bind_matches_impacket);
    RUN(bind_with_two_contexts_and_two_transfer_syntaxes_matches_impacket);
    RUN(alter_context_matches_impacket);
    RUN(requests_match_impacket);
    RUN(response_matches_impacket);
    RUN(bind_ack_matches_impacket);
    RUN(header_only_pdus_match_impacket);
    RUN(impacket_pdus_decode_to_the_values_it_was_given);
    return test_exit();
}
