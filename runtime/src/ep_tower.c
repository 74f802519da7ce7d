/*
 * ep_tower.c: protocol towers, the endpoint map's description of how to reach an interface
 * (C706 appendix L, [MS-RPCE] 2.2.1.1). A tower is not NDR: it is a little-endian floor count,
 * then floors of (LHS length, protocol identifier and its data, RHS length, address data):
 *
 *   floor 1  0x0d + interface UUID + major version (u16)   minor version (u16)
 *   floor 2  0x0d + transfer syntax UUID + major version    minor version
 *   floor 3  0x0b (RPC connection-oriented)                 minor version (u16, 0)
 *   floor 4  0x07 TCP                                       port, big-endian u16
 *            0x10 local RPC (ncalrpc)                       endpoint name with its NUL
 *   floor 5  0x09 IPv4 (TCP only)                           address, 4 octets
 *
 * UUIDs are in NDR little-endian order, lengths little-endian, the port and address in network
 * order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpcrt.h"

static void put_floor_uuid(asidl__buf *b, const asidl__syntax_id *id)
{
    asidl__buf_put_u16le(b, 19);
    asidl__buf_put_u8(b, ASIDL_EPM_PROT_UUID);
    asidl__buf_put_uuid(b, &id->uuid);
    asidl__buf_put_u16le(b, ASIDL_SYNTAX_MAJOR(id->version));
    asidl__buf_put_u16le(b, 2);
    asidl__buf_put_u16le(b, ASIDL_SYNTAX_MINOR(id->version));
}

void asidl__tower_encode(asidl__buf *b, const asidl__tower *t)
{
    bool tcp = t->transport == ASIDL_EPM_PROT_TCP;
    asidl__buf_put_u16le(b, tcp ? 5 : 4);
    put_floor_uuid(b, &t->iface);
    put_floor_uuid(b, &t->transfer);
    asidl__buf_put_u16le(b, 1);
    asidl__buf_put_u8(b, t->rpc_protocol ? t->rpc_protocol : ASIDL_EPM_PROT_RPC_CO);
    asidl__buf_put_u16le(b, 2);
    asidl__buf_put_u16le(b, t->rpc_minor);
    asidl__buf_put_u16le(b, 1);
    asidl__buf_put_u8(b, t->transport);
    if (tcp) {
        unsigned long port = strtoul(t->endpoint, NULL, 10);
        asidl__buf_put_u16le(b, 2);
        asidl__buf_put_u8(b, (uint8_t)(port >> 8));
        asidl__buf_put_u8(b, (uint8_t)port);
        asidl__buf_put_u16le(b, 1);
        asidl__buf_put_u8(b, ASIDL_EPM_PROT_IP);
        asidl__buf_put_u16le(b, 4);
        asidl__buf_put(b, t->ipv4, 4);
    } else {
        size_t n = strlen(t->endpoint) + 1;
        asidl__buf_put_u16le(b, (uint16_t)n);
        asidl__buf_put(b, t->endpoint, n);
    }
}

/* ---- decoding ---- */

typedef struct floor {
    const uint8_t *lhs;
    size_t lhs_len;
    const uint8_t *rhs;
    size_t rhs_len;
} floor_t;

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static bool next_floor(const uint8_t **p, const uint8_t *end, floor_t *f)
{
    if (end - *p < 2)
        return false;
    f->lhs_len = le16(*p);
    *p += 2;
    if ((size_t)(end - *p) < f->lhs_len + 2 || f->lhs_len == 0)
        return false;
    f->lhs = *p;
    *p += f->lhs_len;
    f->rhs_len = le16(*p);
    *p += 2;
    if ((size_t)(end - *p) < f->rhs_len)
        return false;
    f->rhs = *p;
    *p += f->rhs_len;
    return true;
}

static bool uuid_floor(const floor_t *f, asidl__syntax_id *id)
{
    if (f->lhs_len != 19 || f->lhs[0] != ASIDL_EPM_PROT_UUID || f->rhs_len != 2)
        return false;
    const uint8_t *u = f->lhs + 1;
    id->uuid.Data1 = (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 | (uint32_t)u[3] << 24;
    id->uuid.Data2 = le16(u + 4);
    id->uuid.Data3 = le16(u + 6);
    memcpy(id->uuid.Data4, u + 8, 8);
    id->version = ASIDL_SYNTAX_VERSION(le16(f->lhs + 17), le16(f->rhs));
    return true;
}

RPC_STATUS asidl__tower_decode(const uint8_t *p, size_t len, asidl__tower *out)
{
    memset(out, 0, sizeof *out);
    const uint8_t *end = p + len;
    if (len < 2)
        return EPT_S_INVALID_ENTRY;
    unsigned floors = le16(p);
    p += 2;
    if (floors < 4 || floors > 8)
        return EPT_S_INVALID_ENTRY;
    floor_t f[8];
    for (unsigned i = 0; i < floors; i++)
        if (!next_floor(&p, end, &f[i]))
            return EPT_S_INVALID_ENTRY;
    if (!uuid_floor(&f[0], &out->iface) || !uuid_floor(&f[1], &out->transfer))
        return EPT_S_INVALID_ENTRY;
    if (f[2].lhs_len != 1 || f[2].rhs_len != 2)
        return EPT_S_INVALID_ENTRY;
    out->rpc_protocol = f[2].lhs[0];
    out->rpc_minor = le16(f[2].rhs);
    if (f[3].lhs_len != 1)
        return EPT_S_INVALID_ENTRY;
    out->transport = f[3].lhs[0];
    if (out->transport == ASIDL_EPM_PROT_TCP || out->transport == ASIDL_EPM_PROT_UDP ||
        out->transport == ASIDL_EPM_PROT_HTTP) {
        if (f[3].rhs_len != 2)
            return EPT_S_INVALID_ENTRY;
        unsigned port = (unsigned)f[3].rhs[0] << 8 | f[3].rhs[1];
        if (port)
            snprintf(out->endpoint, sizeof out->endpoint, "%u", port);
    } else if (f[3].rhs_len > 0) {
        /* a name (ncalrpc, a pipe): NUL-terminated inside the floor */
        size_t n = f[3].rhs_len;
        if (f[3].rhs[n - 1] != 0 || n > sizeof out->endpoint || memchr(f[3].rhs, 0, n) != f[3].rhs + n - 1)
            return EPT_S_INVALID_ENTRY;
        memcpy(out->endpoint, f[3].rhs, n);
    }
    if (floors > 4 && f[4].lhs_len == 1 && f[4].lhs[0] == ASIDL_EPM_PROT_IP && f[4].rhs_len == 4) {
        out->has_host = true;
        memcpy(out->ipv4, f[4].rhs, 4);
    }
    return RPC_S_OK;
}

asidl__protseq asidl__tower_protseq(const asidl__tower *t)
{
    if (t->rpc_protocol != ASIDL_EPM_PROT_RPC_CO)
        return ASIDL_PROTSEQ_NONE;
    switch (t->transport) {
    case ASIDL_EPM_PROT_TCP: return ASIDL_PROTSEQ_TCP;
    case ASIDL_EPM_PROT_LRPC: return ASIDL_PROTSEQ_LRPC;
    default: return ASIDL_PROTSEQ_NONE;
    }
}

const char *asidl__epmap_port(void)
{
    const char *v = getenv("ASIDL_EPMAP_PORT");
    if (v && *v && asidl__endpoint_check(ASIDL_PROTSEQ_TCP, v) == RPC_S_OK)
        return v;
    return "135";
}
