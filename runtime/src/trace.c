/*
 * trace.c: ASIDL_TRACE=1 (or any value but 0) prints one line per PDU sent or received to
 * stderr: direction, socket, type, flags, call_id, lengths, and what identifies the PDU's
 * purpose (opnum, context, status, negotiated sizes). For debugging interoperability without
 * a packet capture. Every PDU passes here, so the PDU counts of RpcMgmtInqStats are kept here
 * too.
 */
#include <stdio.h>
#include <stdlib.h>

#include "rpcrt.h"

int asidl__trace_switch;

/* The first look: every PDU asks, so later ones read the cached answer inline (rpcrt.h). Two
 * threads asking at once both read the environment and store the same answer. */
bool asidl__trace_read_switch(void)
{
    const char *v = getenv("ASIDL_TRACE");
    bool on = v && *v && !(v[0] == '0' && v[1] == 0);
    __atomic_store_n(&asidl__trace_switch, on ? ASIDL_TRACE_ON : ASIDL_TRACE_OFF, __ATOMIC_RELAXED);
    return on;
}

static void flags_text(uint8_t f, char *out, size_t size)
{
    static const char *const names[8] = { "FIRST", "LAST", "PENDING_CANCEL", "RESERVED_1", "CONC_MPX",
                                          "DID_NOT_EXECUTE", "MAYBE", "OBJECT_UUID" };
    size_t n = 0;
    out[0] = 0;
    for (int i = 0; i < 8; i++)
        if (f & (1u << i))
            n += (size_t)snprintf(out + n, n < size ? size - n : 0, "%s%s", n ? "|" : "", names[i]);
    if (!n)
        snprintf(out, size, "0");
}

void asidl__trace_one(const char *dir, int fd, const uint8_t *p, size_t len)
{
    asidl__pdu pdu;
    asidl__pdu_status st = asidl__pdu_decode(p, len, &pdu);
    if (st != ASIDL_PDU_OK) {
        fprintf(stderr, "asidl: %s fd %d: %zu bytes: %s\n", dir, fd, len, asidl__pdu_status_text(st));
        return;
    }
    char flags[96];
    flags_text(pdu.hdr.pfc_flags, flags, sizeof flags);
    char what[128] = "";
    switch (pdu.hdr.ptype) {
    case ASIDL_PTYPE_REQUEST:
        snprintf(what, sizeof what, " ctx %u opnum %u stub %zu", pdu.u.request.context_id,
                 pdu.u.request.opnum, pdu.u.request.stub_len);
        break;
    case ASIDL_PTYPE_RESPONSE:
        snprintf(what, sizeof what, " ctx %u stub %zu cancels %u", pdu.u.response.context_id,
                 pdu.u.response.stub_len, pdu.u.response.cancel_count);
        break;
    case ASIDL_PTYPE_FAULT:
        snprintf(what, sizeof what, " ctx %u status 0x%08x", pdu.u.response.context_id,
                 (unsigned)pdu.u.response.status);
        break;
    case ASIDL_PTYPE_BIND:
    case ASIDL_PTYPE_ALTER_CONTEXT:
        snprintf(what, sizeof what, " frag %u/%u group 0x%x contexts %u", pdu.u.bind.max_xmit_frag,
                 pdu.u.bind.max_recv_frag, (unsigned)pdu.u.bind.assoc_group_id, pdu.u.bind.n_context);
        break;
    case ASIDL_PTYPE_BIND_ACK:
    case ASIDL_PTYPE_ALTER_CONTEXT_RESP:
        snprintf(what, sizeof what, " frag %u/%u group 0x%x results %u", pdu.u.bind_ack.max_xmit_frag,
                 pdu.u.bind_ack.max_recv_frag, (unsigned)pdu.u.bind_ack.assoc_group_id,
                 pdu.u.bind_ack.n_results);
        break;
    case ASIDL_PTYPE_BIND_NAK:
        snprintf(what, sizeof what, " reason %u", pdu.u.bind_nak.reject_reason);
        break;
    default:
        break;
    }
    fprintf(stderr, "asidl: %s fd %d: %s call %u flags %s len %u%s\n", dir, fd,
            asidl__ptype_name(pdu.hdr.ptype), (unsigned)pdu.hdr.call_id, flags,
            pdu.hdr.frag_length, what);
}

void asidl__trace_pdus(const char *dir, int fd, const uint8_t *p, size_t len)
{
    bool trace = asidl__trace_enabled();
    unsigned long pdus = 0;
    /* A buffer may hold several PDUs (all fragments of one call). */
    while (len > 0) {
        size_t one;
        if (asidl__pdu_frame(p, len, &one) != ASIDL_PDU_OK)
            one = len;
        if (trace)
            asidl__trace_one(dir, fd, p, one);
        pdus++;
        p += one;
        len -= one;
    }
    asidl__stats_add(dir[0] == '-' ? RPC_C_STATS_PKTS_OUT : RPC_C_STATS_PKTS_IN, pdus);
}
