/*
 * pdu.c: encoding and decoding of connection-oriented DCE/RPC PDUs (C706 chapter 12,
 * [MS-RPCE] 2.2.2), the common header included.
 *
 * Input is hostile: every count and length is checked against the fragment before it is used,
 * and both data representations are accepted ("receiver makes it right"). Output is always
 * little-endian ASCII IEEE, as every current implementation sends.
 */
#include <stddef.h>
#include <string.h>

#include "rpcrt.h"

const asidl__syntax_id asidl__ndr20_syntax = {
    { 0x8a885d04, 0x1ceb, 0x11c9, { 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60 } },
    ASIDL_SYNTAX_VERSION(2, 0),
};

const asidl__syntax_id asidl__ndr64_syntax = {
    { 0x71710533, 0xbeba, 0x4937, { 0x83, 0x19, 0xb5, 0xdb, 0xef, 0x9c, 0xcc, 0x36 } },
    ASIDL_SYNTAX_VERSION(1, 0),
};

bool asidl__uuid_equal(const asidl__uuid *a, const asidl__uuid *b)
{
    return a->Data1 == b->Data1 && a->Data2 == b->Data2 && a->Data3 == b->Data3 &&
           memcmp(a->Data4, b->Data4, 8) == 0;
}

bool asidl__syntax_equal(const asidl__syntax_id *a, const asidl__syntax_id *b)
{
    return a->version == b->version && asidl__uuid_equal(&a->uuid, &b->uuid);
}

bool asidl__btfn_features(const asidl__syntax_id *transfer, uint64_t *features)
{
    const asidl__uuid *u = &transfer->uuid;
    if (u->Data1 != 0x6cb71c2c || u->Data2 != 0x9812 || u->Data3 != 0x4540 ||
        transfer->version != ASIDL_SYNTAX_VERSION(1, 0))
        return false;
    uint64_t f = 0;
    for (int i = 7; i >= 0; i--)
        f = (f << 8) | u->Data4[i];
    *features = f;
    return true;
}

const char *asidl__pdu_status_text(asidl__pdu_status s)
{
    switch (s) {
    case ASIDL_PDU_OK: return "ok";
    case ASIDL_PDU_NEED_MORE: return "incomplete fragment";
    case ASIDL_PDU_BAD_VERSION: return "not DCE/RPC version 5.0 or 5.1";
    case ASIDL_PDU_BAD_FRAG_LENGTH: return "fragment length too small for its packet type";
    case ASIDL_PDU_BAD_AUTH_LENGTH: return "authentication trailer does not fit in the fragment";
    case ASIDL_PDU_BAD_PTYPE: return "packet type not valid on a connection";
    case ASIDL_PDU_BAD_BODY: return "a count or length in the body exceeds the fragment";
    }
    return "unknown PDU status";
}

const char *asidl__ptype_name(unsigned ptype)
{
    static const char *const names[] = {
        "request", "ping", "response", "fault", "working", "nocall", "reject", "ack",
        "cl_cancel", "fack", "cancel_ack", "bind", "bind_ack", "bind_nak", "alter_context",
        "alter_context_resp", "auth3", "shutdown", "co_cancel", "orphaned", "rts",
    };
    return ptype < sizeof names / sizeof names[0] ? names[ptype] : "unknown";
}

/* ---- reading: a bounds-checked cursor in the sender's byte order ---- */

typedef struct reader {
    const uint8_t *p;
    size_t end;        /* bytes that may be read: [0, end) */
    size_t pos;
    bool le;
} reader;

static bool rd_has(const reader *r, size_t n)
{
    return r->pos <= r->end && n <= r->end - r->pos;
}

static uint16_t get16(const uint8_t *p, bool le)
{
    return le ? (uint16_t)(p[0] | p[1] << 8) : (uint16_t)(p[1] | p[0] << 8);
}

static uint32_t get32(const uint8_t *p, bool le)
{
    return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
              : (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
}

/* The caller has checked that 16 (uuid) or 20 (syntax) bytes are there. */
static void get_uuid(const uint8_t *p, bool le, asidl__uuid *u)
{
    u->Data1 = get32(p, le);
    u->Data2 = get16(p + 4, le);
    u->Data3 = get16(p + 6, le);
    memcpy(u->Data4, p + 8, 8);
}

static void get_syntax(const uint8_t *p, bool le, asidl__syntax_id *s)
{
    get_uuid(p, le, &s->uuid);
    s->version = get32(p + 16, le);
}

static bool rd_u8(reader *r, uint8_t *v)
{
    if (!rd_has(r, 1))
        return false;
    *v = r->p[r->pos++];
    return true;
}

static bool rd_u16(reader *r, uint16_t *v)
{
    if (!rd_has(r, 2))
        return false;
    *v = get16(r->p + r->pos, r->le);
    r->pos += 2;
    return true;
}

static bool rd_u32(reader *r, uint32_t *v)
{
    if (!rd_has(r, 4))
        return false;
    *v = get32(r->p + r->pos, r->le);
    r->pos += 4;
    return true;
}

static bool rd_skip(reader *r, size_t n)
{
    if (!rd_has(r, n))
        return false;
    r->pos += n;
    return true;
}

/* ---- framing and the common header ---- */

static bool is_little_endian(const uint8_t drep[4])
{
    return (drep[0] & 0xF0) == 0x10;
}

asidl__pdu_status asidl__pdu_frame(const uint8_t *data, size_t avail, size_t *frag_len)
{
    /* Version bytes are checked as soon as they arrive, so a peer speaking another protocol is
     * refused at once instead of after waiting for a made-up frag_length's worth of bytes. */
    if (avail < ASIDL_PDU_HEADER_LEN) {
        if ((avail >= 1 && data[0] != 5) || (avail >= 2 && data[1] > 1))
            return ASIDL_PDU_BAD_VERSION;
        return ASIDL_PDU_NEED_MORE;
    }
    if (data[0] != 5 || data[1] > 1)
        return ASIDL_PDU_BAD_VERSION;
    uint16_t len = get16(data + 8, is_little_endian(data + 4));
    if (len < ASIDL_PDU_HEADER_LEN)
        return ASIDL_PDU_BAD_FRAG_LENGTH;
    if (avail < len)
        return ASIDL_PDU_NEED_MORE;
    *frag_len = len;
    return ASIDL_PDU_OK;
}

/* The fixed part of each body after the 16-byte header (before variable parts and auth). */
static size_t fixed_body_len(uint8_t ptype, uint8_t flags)
{
    switch (ptype) {
    case ASIDL_PTYPE_REQUEST:
        return (flags & ASIDL_PFC_OBJECT_UUID) ? 24 : 8;
    case ASIDL_PTYPE_RESPONSE:
        return 8;
    case ASIDL_PTYPE_FAULT:
        return 12;          /* senders that omit the trailing reserved word are accepted */
    case ASIDL_PTYPE_BIND:
    case ASIDL_PTYPE_ALTER_CONTEXT:
        return 12;
    case ASIDL_PTYPE_BIND_ACK:
    case ASIDL_PTYPE_ALTER_CONTEXT_RESP:
        return 10;
    case ASIDL_PTYPE_BIND_NAK:
        return 2;
    case ASIDL_PTYPE_AUTH3:
        return 4;
    default:
        return 0;           /* shutdown, co_cancel, orphaned */
    }
}

static bool is_connection_ptype(uint8_t ptype)
{
    switch (ptype) {
    case ASIDL_PTYPE_REQUEST: case ASIDL_PTYPE_RESPONSE: case ASIDL_PTYPE_FAULT:
    case ASIDL_PTYPE_BIND: case ASIDL_PTYPE_BIND_ACK: case ASIDL_PTYPE_BIND_NAK:
    case ASIDL_PTYPE_ALTER_CONTEXT: case ASIDL_PTYPE_ALTER_CONTEXT_RESP:
    case ASIDL_PTYPE_AUTH3: case ASIDL_PTYPE_SHUTDOWN: case ASIDL_PTYPE_CO_CANCEL:
    case ASIDL_PTYPE_ORPHANED:
        return true;
    default:
        return false;
    }
}

/* Splits off the security trailer; *body_end becomes where the body's own bytes end. */
static asidl__pdu_status decode_auth(const uint8_t *data, size_t len, size_t body_start,
                                     asidl__pdu *out, size_t *body_end)
{
    size_t auth_len = out->hdr.auth_length;
    memset(&out->auth, 0, sizeof out->auth);
    if (auth_len == 0) {
        *body_end = len;
        return ASIDL_PDU_OK;
    }
    if (auth_len + ASIDL_PDU_SEC_TRAILER_LEN > len - body_start)
        return ASIDL_PDU_BAD_AUTH_LENGTH;
    size_t trailer = len - auth_len - ASIDL_PDU_SEC_TRAILER_LEN;
    out->auth.present = true;
    out->auth.auth_type = data[trailer];
    out->auth.auth_level = data[trailer + 1];
    out->auth.pad_length = data[trailer + 2];
    out->auth.context_id = get32(data + trailer + 4, out->little_endian);
    out->auth.value = data + trailer + ASIDL_PDU_SEC_TRAILER_LEN;
    out->auth.value_len = auth_len;
    if (out->auth.pad_length > trailer - body_start)
        return ASIDL_PDU_BAD_AUTH_LENGTH;
    *body_end = trailer - out->auth.pad_length;
    return ASIDL_PDU_OK;
}

static asidl__pdu_status decode_bind(reader *r, asidl__pdu *out)
{
    if (!rd_u16(r, &out->u.bind.max_xmit_frag) || !rd_u16(r, &out->u.bind.max_recv_frag) ||
        !rd_u32(r, &out->u.bind.assoc_group_id) || !rd_u8(r, &out->u.bind.n_context) ||
        !rd_skip(r, 3))
        return ASIDL_PDU_BAD_BODY;
    out->u.bind.contexts = r->p + r->pos;
    /* Walk the whole list now, so the accessors below never need to check bounds. */
    for (unsigned i = 0; i < out->u.bind.n_context; i++) {
        uint8_t n_transfer;
        if (!rd_skip(r, 2) || !rd_u8(r, &n_transfer) || !rd_skip(r, 1) || !rd_skip(r, 20) ||
            !rd_skip(r, (size_t)n_transfer * 20))
            return ASIDL_PDU_BAD_BODY;
    }
    return ASIDL_PDU_OK;
}

void asidl__pdu_bind_context(const asidl__pdu *pdu, unsigned index, asidl__pdu_ctx *out)
{
    const uint8_t *p = pdu->u.bind.contexts;
    bool le = pdu->little_endian;
    for (unsigned i = 0; i < index; i++)
        p += 24 + (size_t)p[2] * 20;
    out->context_id = get16(p, le);
    out->n_transfer = p[2];
    get_syntax(p + 4, le, &out->abstract);
    out->transfer_raw = p + 24;
    out->little_endian = le;
}

void asidl__pdu_ctx_transfer(const asidl__pdu_ctx *ctx, unsigned index, asidl__syntax_id *out)
{
    get_syntax(ctx->transfer_raw + (size_t)index * 20, ctx->little_endian, out);
}

static asidl__pdu_status decode_bind_ack(reader *r, asidl__pdu *out)
{
    uint16_t addr_len;
    if (!rd_u16(r, &out->u.bind_ack.max_xmit_frag) || !rd_u16(r, &out->u.bind_ack.max_recv_frag) ||
        !rd_u32(r, &out->u.bind_ack.assoc_group_id) || !rd_u16(r, &addr_len))
        return ASIDL_PDU_BAD_BODY;
    if (addr_len > 0) {
        if (!rd_has(r, addr_len) || r->p[r->pos + addr_len - 1] != '\0')
            return ASIDL_PDU_BAD_BODY;
        out->u.bind_ack.secondary_address = (const char *)r->p + r->pos;
        r->pos += addr_len;
    } else {
        out->u.bind_ack.secondary_address = "";
    }
    size_t pad = (4 - r->pos % 4) % 4;   /* aligned relative to the start of the PDU */
    if (!rd_skip(r, pad) || !rd_u8(r, &out->u.bind_ack.n_results) || !rd_skip(r, 3))
        return ASIDL_PDU_BAD_BODY;
    out->u.bind_ack.results = r->p + r->pos;
    if (!rd_skip(r, (size_t)out->u.bind_ack.n_results * 24))
        return ASIDL_PDU_BAD_BODY;
    return ASIDL_PDU_OK;
}

void asidl__pdu_bind_ack_result(const asidl__pdu *pdu, unsigned index, asidl__pdu_result *out)
{
    const uint8_t *p = pdu->u.bind_ack.results + (size_t)index * 24;
    out->result = get16(p, pdu->little_endian);
    out->reason = get16(p + 2, pdu->little_endian);
    get_syntax(p + 4, pdu->little_endian, &out->transfer);
}

static asidl__pdu_status decode_bind_nak(reader *r, asidl__pdu *out)
{
    if (!rd_u16(r, &out->u.bind_nak.reject_reason))
        return ASIDL_PDU_BAD_BODY;
    out->u.bind_nak.n_versions = 0;
    out->u.bind_nak.versions = NULL;
    /* The list of supported versions is optional (old peers stop after the reason). */
    if (rd_u8(r, &out->u.bind_nak.n_versions)) {
        out->u.bind_nak.versions = r->p + r->pos;
        if (!rd_skip(r, (size_t)out->u.bind_nak.n_versions * 2))
            return ASIDL_PDU_BAD_BODY;
    }
    return ASIDL_PDU_OK;
}

static asidl__pdu_status decode_request(reader *r, asidl__pdu *out)
{
    out->u.request.has_object = (out->hdr.pfc_flags & ASIDL_PFC_OBJECT_UUID) != 0;
    if (!rd_u32(r, &out->u.request.alloc_hint) || !rd_u16(r, &out->u.request.context_id) ||
        !rd_u16(r, &out->u.request.opnum))
        return ASIDL_PDU_BAD_BODY;
    memset(&out->u.request.object, 0, sizeof out->u.request.object);
    if (out->u.request.has_object) {
        if (!rd_has(r, 16))
            return ASIDL_PDU_BAD_BODY;
        get_uuid(r->p + r->pos, r->le, &out->u.request.object);
        r->pos += 16;
    }
    out->u.request.stub = r->p + r->pos;
    out->u.request.stub_len = r->end - r->pos;
    return ASIDL_PDU_OK;
}

static asidl__pdu_status decode_response(reader *r, asidl__pdu *out, bool fault)
{
    out->u.response.fault_flags = 0;
    out->u.response.status = 0;
    if (!rd_u32(r, &out->u.response.alloc_hint) || !rd_u16(r, &out->u.response.context_id) ||
        !rd_u8(r, &out->u.response.cancel_count) || !rd_u8(r, &out->u.response.fault_flags))
        return ASIDL_PDU_BAD_BODY;
    if (fault) {
        if (!rd_u32(r, &out->u.response.status))
            return ASIDL_PDU_BAD_BODY;
        rd_skip(r, 4);     /* the reserved word, when the sender included it */
    } else {
        out->u.response.fault_flags = 0;   /* a reserved byte in a response */
    }
    out->u.response.stub = r->p + r->pos;
    out->u.response.stub_len = r->end - r->pos;
    return ASIDL_PDU_OK;
}

asidl__pdu_status asidl__pdu_decode_general(const uint8_t *data, size_t len, asidl__pdu *out)
{
    size_t frag_len;
    asidl__pdu_status st = asidl__pdu_frame(data, len, &frag_len);
    if (st != ASIDL_PDU_OK)
        return st;
    if (frag_len != len)
        return ASIDL_PDU_BAD_FRAG_LENGTH;

    memset(out, 0, sizeof *out);
    out->hdr.rpc_vers = data[0];
    out->hdr.rpc_vers_minor = data[1];
    out->hdr.ptype = data[2];
    out->hdr.pfc_flags = data[3];
    memcpy(out->hdr.drep, data + 4, 4);
    out->little_endian = is_little_endian(out->hdr.drep);
    out->hdr.frag_length = get16(data + 8, out->little_endian);
    out->hdr.auth_length = get16(data + 10, out->little_endian);
    out->hdr.call_id = get32(data + 12, out->little_endian);

    if (!is_connection_ptype(out->hdr.ptype))
        return ASIDL_PDU_BAD_PTYPE;
    size_t fixed = fixed_body_len(out->hdr.ptype, out->hdr.pfc_flags);
    if (len < ASIDL_PDU_HEADER_LEN + fixed)
        return ASIDL_PDU_BAD_FRAG_LENGTH;

    size_t body_end;
    st = decode_auth(data, len, ASIDL_PDU_HEADER_LEN + fixed, out, &body_end);
    if (st != ASIDL_PDU_OK)
        return st;

    reader r = { data, body_end, ASIDL_PDU_HEADER_LEN, out->little_endian };
    switch (out->hdr.ptype) {
    case ASIDL_PTYPE_BIND:
    case ASIDL_PTYPE_ALTER_CONTEXT:
        return decode_bind(&r, out);
    case ASIDL_PTYPE_BIND_ACK:
    case ASIDL_PTYPE_ALTER_CONTEXT_RESP:
        return decode_bind_ack(&r, out);
    case ASIDL_PTYPE_BIND_NAK:
        return decode_bind_nak(&r, out);
    case ASIDL_PTYPE_REQUEST:
        return decode_request(&r, out);
    case ASIDL_PTYPE_RESPONSE:
        return decode_response(&r, out, false);
    case ASIDL_PTYPE_FAULT:
        return decode_response(&r, out, true);
    default:
        return ASIDL_PDU_OK;    /* auth3, shutdown, co_cancel, orphaned: nothing beyond the header */
    }
}

/* The PDUs of every call, a request without an object UUID and a response, as every peer sends
 * them (little-endian, no security trailer): a whole fragment of at least the 24 octets both
 * headers take, every field at a fixed offset.  They are read here in one pass; anything else
 * (other types, big-endian, auth trailers, anything malformed) takes the general decoder, which
 * gives these the same result (test_pdu compares the two). */
static bool decode_call_pdu(const uint8_t *data, size_t len, asidl__pdu *out)
{
    if (len < ASIDL_PDU_REQUEST_LEN || data[0] != 5 || data[1] > 1 || !is_little_endian(data + 4) ||
        get16(data + 8, true) != len || data[10] != 0 || data[11] != 0)
        return false;
    uint8_t ptype = data[2];
    if (!(ptype == ASIDL_PTYPE_REQUEST && !(data[3] & ASIDL_PFC_OBJECT_UUID)) && ptype != ASIDL_PTYPE_RESPONSE)
        return false;
    _Static_assert(ASIDL_PDU_REQUEST_LEN == ASIDL_PDU_RESPONSE_LEN, "one length check serves both");
    _Static_assert(offsetof(asidl__pdu_header, drep) == 4 && sizeof out->hdr.drep == 4,
                   "the header's first 8 fields are its first 8 octets");

    memset(out, 0, sizeof *out);
    memcpy(&out->hdr, data, 8);             /* versions, type, flags, drep: octets as sent */
    out->hdr.frag_length = (uint16_t)len;
    out->hdr.call_id = get32(data + 12, true);
    out->little_endian = true;
    if (ptype == ASIDL_PTYPE_REQUEST) {
        out->u.request.alloc_hint = get32(data + 16, true);
        out->u.request.context_id = get16(data + 20, true);
        out->u.request.opnum = get16(data + 22, true);
        out->u.request.stub = data + ASIDL_PDU_REQUEST_LEN;
        out->u.request.stub_len = len - ASIDL_PDU_REQUEST_LEN;
    } else {
        out->u.response.alloc_hint = get32(data + 16, true);
        out->u.response.context_id = get16(data + 20, true);
        out->u.response.cancel_count = data[22];
        out->u.response.stub = data + ASIDL_PDU_RESPONSE_LEN;   /* (octet 23 is reserved) */
        out->u.response.stub_len = len - ASIDL_PDU_RESPONSE_LEN;
    }
    return true;
}

asidl__pdu_status asidl__pdu_decode(const uint8_t *data, size_t len, asidl__pdu *out)
{
    return decode_call_pdu(data, len, out) ? ASIDL_PDU_OK : asidl__pdu_decode_general(data, len, out);
}

/* ---- encoding ---- */

void asidl__pdu_put_header(uint8_t *p, uint8_t ptype, uint8_t pfc_flags, uint16_t frag_length, uint32_t call_id)
{
    p[0] = 5;                          /* rpc_vers 5.0 */
    p[1] = 0;
    p[2] = ptype;
    p[3] = pfc_flags;
    p[4] = 0x10;                       /* drep: little-endian, ASCII, IEEE */
    p[5] = p[6] = p[7] = 0;
    asidl__put_le32(p + 8, frag_length);       /* frag_length, then auth_length 0 */
    asidl__put_le32(p + 12, call_id);
}

/* Starts a PDU; its frag_length is written by end_pdu once the body is complete. */
static size_t begin_pdu(asidl__buf *b, uint8_t ptype, uint8_t flags, uint32_t call_id)
{
    size_t start = b->len;
    if (asidl__buf_reserve(b, ASIDL_PDU_HEADER_LEN)) {
        asidl__pdu_put_header(b->data + start, ptype, flags, 0, call_id);   /* frag_length patched */
        b->len += ASIDL_PDU_HEADER_LEN;
    }
    return start;
}

static void end_pdu(asidl__buf *b, size_t start)
{
    size_t n = b->len - start;
    if (n > ASIDL_PDU_MAX_FRAG) {      /* a caller bug: fragments are split before this point */
        b->failed = true;
        return;
    }
    asidl__buf_patch_u16le(b, start + 8, (uint16_t)n);
}

static void put_syntax(asidl__buf *b, const asidl__syntax_id *s)
{
    asidl__buf_put_uuid(b, &s->uuid);
    asidl__buf_put_u32le(b, s->version);
}

void asidl__pdu_encode_bind(asidl__buf *b, uint8_t ptype, uint8_t pfc_flags, uint32_t call_id,
                            uint16_t max_xmit_frag, uint16_t max_recv_frag, uint32_t assoc_group_id,
                            const asidl__ctx_elem *ctx, unsigned n_ctx)
{
    size_t start = begin_pdu(b, ptype, pfc_flags, call_id);
    asidl__buf_put_u16le(b, max_xmit_frag);
    asidl__buf_put_u16le(b, max_recv_frag);
    asidl__buf_put_u32le(b, assoc_group_id);
    asidl__buf_put_u8(b, (uint8_t)n_ctx);
    asidl__buf_put_zeros(b, 3);
    for (unsigned i = 0; i < n_ctx; i++) {
        asidl__buf_put_u16le(b, ctx[i].context_id);
        asidl__buf_put_u8(b, ctx[i].n_transfer);
        asidl__buf_put_u8(b, 0);
        put_syntax(b, &ctx[i].abstract);
        for (unsigned t = 0; t < ctx[i].n_transfer; t++)
            put_syntax(b, &ctx[i].transfer[t]);
    }
    end_pdu(b, start);
}

void asidl__pdu_encode_bind_ack(asidl__buf *b, uint8_t ptype, uint8_t pfc_flags, uint32_t call_id,
                                uint16_t max_xmit_frag, uint16_t max_recv_frag,
                                uint32_t assoc_group_id, const char *secondary_address,
                                const asidl__pdu_result *results, unsigned n_results)
{
    size_t start = begin_pdu(b, ptype, pfc_flags, call_id);
    asidl__buf_put_u16le(b, max_xmit_frag);
    asidl__buf_put_u16le(b, max_recv_frag);
    asidl__buf_put_u32le(b, assoc_group_id);
    size_t addr_len = secondary_address && *secondary_address ? strlen(secondary_address) + 1 : 0;
    asidl__buf_put_u16le(b, (uint16_t)addr_len);
    asidl__buf_put(b, secondary_address, addr_len);
    asidl__buf_put_zeros(b, (4 - (b->len - start) % 4) % 4);
    asidl__buf_put_u8(b, (uint8_t)n_results);
    asidl__buf_put_zeros(b, 3);
    for (unsigned i = 0; i < n_results; i++) {
        asidl__buf_put_u16le(b, results[i].result);
        asidl__buf_put_u16le(b, results[i].reason);
        put_syntax(b, &results[i].transfer);
    }
    end_pdu(b, start);
}

void asidl__pdu_encode_bind_nak(asidl__buf *b, uint32_t call_id, uint16_t reject_reason)
{
    /* Windows lists one supported version (5.0) and pads the PDU to 24 bytes. */
    size_t start = begin_pdu(b, ASIDL_PTYPE_BIND_NAK, ASIDL_PFC_FIRST_FRAG | ASIDL_PFC_LAST_FRAG,
                             call_id);
    asidl__buf_put_u16le(b, reject_reason);
    asidl__buf_put_u8(b, 1);
    asidl__buf_put_u8(b, 5);
    asidl__buf_put_u8(b, 0);
    asidl__buf_put_zeros(b, 3);
    end_pdu(b, start);
}

void asidl__pdu_encode_request(asidl__buf *b, uint8_t pfc_flags, uint32_t call_id,
                               uint32_t alloc_hint, uint16_t context_id, uint16_t opnum,
                               const asidl__uuid *object, const void *stub, size_t stub_len)
{
    if (object)
        pfc_flags |= ASIDL_PFC_OBJECT_UUID;
    else
        pfc_flags &= (uint8_t)~ASIDL_PFC_OBJECT_UUID;
    size_t start = begin_pdu(b, ASIDL_PTYPE_REQUEST, pfc_flags, call_id);
    asidl__buf_put_u32le(b, alloc_hint);
    asidl__buf_put_u16le(b, context_id);
    asidl__buf_put_u16le(b, opnum);
    if (object)
        asidl__buf_put_uuid(b, object);
    asidl__buf_put(b, stub, stub_len);
    end_pdu(b, start);
}

void asidl__pdu_encode_response(asidl__buf *b, uint8_t pfc_flags, uint32_t call_id,
                                uint32_t alloc_hint, uint16_t context_id, uint8_t cancel_count,
                                const void *stub, size_t stub_len)
{
    size_t start = begin_pdu(b, ASIDL_PTYPE_RESPONSE, pfc_flags, call_id);
    asidl__buf_put_u32le(b, alloc_hint);
    asidl__buf_put_u16le(b, context_id);
    asidl__buf_put_u8(b, cancel_count);
    asidl__buf_put_u8(b, 0);
    asidl__buf_put(b, stub, stub_len);
    end_pdu(b, start);
}

void asidl__pdu_encode_fault(asidl__buf *b, uint8_t pfc_flags, uint32_t call_id,
                             uint16_t context_id, uint8_t cancel_count, uint32_t status)
{
    size_t start = begin_pdu(b, ASIDL_PTYPE_FAULT,
                             pfc_flags | ASIDL_PFC_FIRST_FRAG | ASIDL_PFC_LAST_FRAG, call_id);
    asidl__buf_put_u32le(b, 0);                /* alloc_hint: no stub data follows */
    asidl__buf_put_u16le(b, context_id);
    asidl__buf_put_u8(b, cancel_count);
    asidl__buf_put_u8(b, 0);                   /* flags: no extended error information */
    asidl__buf_put_u32le(b, status);
    asidl__buf_put_u32le(b, 0);                /* reserved */
    end_pdu(b, start);
}

void asidl__pdu_encode_header_only(asidl__buf *b, uint8_t ptype, uint8_t pfc_flags, uint32_t call_id)
{
    size_t start = begin_pdu(b, ptype, pfc_flags, call_id);
    end_pdu(b, start);
}

uint16_t asidl__negotiate_frag(uint16_t max_xmit, uint16_t max_recv, uint16_t cap)
{
    uint32_t n = max_xmit < max_recv ? max_xmit : max_recv;
    if (n < ASIDL_FRAG_MIN)
        n = ASIDL_FRAG_MIN;
    if (n > cap)
        n = cap;
    return (uint16_t)(n & ~7u);
}
