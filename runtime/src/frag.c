/*
 * frag.c: splitting stub data into request/response fragments, and reassembling the stub data
 * of incoming fragments under a size cap.
 *
 * Each fragment carries at most max_frag bytes in total; its stub part is rounded down to a
 * multiple of 8 so every fragment but the last carries whole NDR alignment units (not required
 * by NDR, whose alignment is relative to the reassembled data, but what other runtimes do and
 * what packet dissectors display most readably).
 */
#include <stdlib.h>
#include <string.h>

#include "rpcrt.h"

static size_t stub_per_fragment(uint16_t max_frag, size_t header_len)
{
    size_t room = max_frag > header_len ? max_frag - header_len : 0;
    room &= ~(size_t)7;
    return room ? room : 8;    /* never zero: a broken max_frag must not loop forever */
}

static uint32_t hint(size_t remaining)
{
    return remaining > UINT32_MAX ? UINT32_MAX : (uint32_t)remaining;
}

void asidl__frag_request(asidl__buf *b, uint32_t call_id, uint16_t context_id, uint16_t opnum,
                         const asidl__uuid *object, const void *stub, size_t stub_len,
                         uint16_t max_frag, uint8_t extra_flags)
{
    const uint8_t *p = stub;
    size_t chunk = stub_per_fragment(max_frag, object ? ASIDL_PDU_REQUEST_OBJECT_LEN
                                                      : ASIDL_PDU_REQUEST_LEN);
    size_t left = stub_len;
    uint8_t flags = ASIDL_PFC_FIRST_FRAG;
    /* PENDING_CANCEL is only meaningful on the first fragment. */
    uint8_t later_flags = extra_flags & (uint8_t)~ASIDL_PFC_PENDING_CANCEL;
    asidl__buf_reserve(b, stub_len + (stub_len / chunk + 1) * ASIDL_PDU_REQUEST_OBJECT_LEN);
    do {
        size_t n = left < chunk ? left : chunk;
        uint8_t f = flags | (flags & ASIDL_PFC_FIRST_FRAG ? extra_flags : later_flags);
        if (n == left)
            f |= ASIDL_PFC_LAST_FRAG;
        asidl__pdu_encode_request(b, f, call_id, hint(left), context_id, opnum, object, p, n);
        p += n;
        left -= n;
        flags = 0;
    } while (left > 0 && !b->failed);
}

void asidl__frag_response(asidl__buf *b, uint32_t call_id, uint16_t context_id,
                          uint8_t cancel_count, const void *stub, size_t stub_len,
                          uint16_t max_frag)
{
    const uint8_t *p = stub;
    size_t chunk = stub_per_fragment(max_frag, ASIDL_PDU_RESPONSE_LEN);
    size_t left = stub_len;
    uint8_t flags = ASIDL_PFC_FIRST_FRAG;
    asidl__buf_reserve(b, stub_len + (stub_len / chunk + 1) * ASIDL_PDU_RESPONSE_LEN);
    do {
        size_t n = left < chunk ? left : chunk;
        uint8_t f = flags | (n == left ? ASIDL_PFC_LAST_FRAG : 0);
        asidl__pdu_encode_response(b, f, call_id, hint(left), context_id, cancel_count, p, n);
        p += n;
        left -= n;
        flags = 0;
    } while (left > 0 && !b->failed);
}

/* ---- reassembly ---- */

/* A first fragment's alloc_hint is trusted only this far for the initial allocation: the rest
 * grows as bytes actually arrive, so a hint alone cannot make the receiver allocate much. */
#define PREALLOC_MAX (256u * 1024u)

void asidl__reasm_init(asidl__reasm *r, size_t limit)
{
    r->data = NULL;
    r->len = 0;
    r->cap = 0;
    r->limit = limit;
}

static asidl__reasm_status grow(asidl__reasm *r, size_t want)
{
    if (want <= r->cap)
        return ASIDL_REASM_OK;
    /* The first allocation is what is asked for (the alloc_hint, or the first fragment): a
     * small reply, the usual case, costs a small block; growth beyond it doubles. */
    size_t cap = r->cap ? r->cap : want;
    while (cap < want)
        cap = cap > SIZE_MAX / 2 ? want : cap * 2;
    if (cap > r->limit)
        cap = r->limit > want ? r->limit : want;
    uint8_t *p = realloc(r->data, cap);
    if (!p)
        return ASIDL_REASM_NO_MEMORY;
    r->data = p;
    r->cap = cap;
    return ASIDL_REASM_OK;
}

asidl__reasm_status asidl__reasm_start(asidl__reasm *r, uint32_t alloc_hint)
{
    if (alloc_hint > r->limit)
        return ASIDL_REASM_TOO_BIG;
    return grow(r, alloc_hint < PREALLOC_MAX ? alloc_hint : PREALLOC_MAX);
}

asidl__reasm_status asidl__reasm_append(asidl__reasm *r, const uint8_t *p, size_t n)
{
    if (n > r->limit - r->len)
        return ASIDL_REASM_TOO_BIG;
    asidl__reasm_status st = grow(r, r->len + n);
    if (st != ASIDL_REASM_OK)
        return st;
    if (n)
        memcpy(r->data + r->len, p, n);
    r->len += n;
    return ASIDL_REASM_OK;
}

uint8_t *asidl__reasm_take(asidl__reasm *r, size_t *len)
{
    uint8_t *p = r->data;
    *len = r->len;
    r->data = NULL;
    r->len = 0;
    r->cap = 0;
    return p;
}

void asidl__reasm_free(asidl__reasm *r)
{
    free(r->data);
    r->data = NULL;
    r->len = 0;
    r->cap = 0;
}
