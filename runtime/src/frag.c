/*
 * frag.c: splitting stub data into request/response fragments, and reassembling the stub data
 * of incoming fragments under a size cap.
 *
 * Each fragment carries at most max_frag bytes in total; its stub part is rounded down to a
 * multiple of 8 so every fragment but the last carries whole NDR alignment units (not required
 * by NDR, whose alignment is relative to the reassembled data, but what other runtimes do and
 * what packet dissectors display most readably).
 *
 * The fragments of a call are built as their headers alone, around the stub bytes they borrow
 * (asidl__frags): the sender writes headers and stub together with one system call (a short
 * sequence gathered into one copy, a long one with sendmsg), and copies only what the socket
 * does not take at once.
 */
#include <stdlib.h>
#include <sys/uio.h>
#include <string.h>

#include "copy.h"
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

/* Writes the header of a request fragment carrying `n` stub bytes, which are not copied: the
 * header's frag_length counts them (the caller keeps fragments within ASIDL_PDU_MAX_FRAG). */
static void request_header(uint8_t *p, size_t header_len, uint8_t flags, uint32_t call_id, uint32_t alloc_hint,
                           uint16_t context_id, uint16_t opnum, const asidl__uuid *object, size_t n)
{
    asidl__pdu_put_header(p, ASIDL_PTYPE_REQUEST,
                          object ? flags | ASIDL_PFC_OBJECT_UUID : flags & (uint8_t)~ASIDL_PFC_OBJECT_UUID,
                          (uint16_t)(header_len + n), call_id);
    asidl__put_le32(p + 16, alloc_hint);
    asidl__put_le16(p + 20, context_id);
    asidl__put_le16(p + 22, opnum);
    if (object) {
        asidl__put_le32(p + 24, object->Data1);
        asidl__put_le16(p + 28, object->Data2);
        asidl__put_le16(p + 30, object->Data3);
        memcpy(p + 32, object->Data4, 8);
    }
}

static void response_header(uint8_t *p, uint8_t flags, uint32_t call_id, uint32_t alloc_hint,
                            uint16_t context_id, uint8_t cancel_count, size_t n)
{
    asidl__pdu_put_header(p, ASIDL_PTYPE_RESPONSE, flags, (uint16_t)(ASIDL_PDU_RESPONSE_LEN + n), call_id);
    asidl__put_le32(p + 16, alloc_hint);
    asidl__put_le16(p + 20, context_id);
    p[22] = cancel_count;
    p[23] = 0;
}

/* Sizes the sequence and finds room for its headers: in the structure when they fit. */
static void frags_begin(asidl__frags *f, const void *stub, size_t stub_len, size_t header_len, uint16_t max_frag)
{
    f->header_len = header_len;
    f->stub = stub;
    f->stub_len = stub_len;
    f->chunk = stub_per_fragment(max_frag, header_len);
    f->count = stub_len <= f->chunk ? 1 : (stub_len + f->chunk - 1) / f->chunk;   /* usually one */
    f->failed = false;
    if (f->count * header_len <= sizeof f->local) {
        f->headers = f->local;
    } else {
        f->headers = malloc(f->count * header_len);
        f->failed = f->headers == NULL;
    }
}

void asidl__frags_request(asidl__frags *f, uint32_t call_id, uint16_t context_id, uint16_t opnum,
                          const asidl__uuid *object, const void *stub, size_t stub_len, uint16_t max_frag,
                          uint8_t extra_flags)
{
    frags_begin(f, stub, stub_len, object ? ASIDL_PDU_REQUEST_OBJECT_LEN : ASIDL_PDU_REQUEST_LEN, max_frag);
    /* PENDING_CANCEL is only meaningful on the first fragment. */
    uint8_t later_flags = extra_flags & (uint8_t)~ASIDL_PFC_PENDING_CANCEL;
    size_t left = stub_len;
    for (size_t i = 0; i < f->count && !f->failed; i++) {
        size_t n = left < f->chunk ? left : f->chunk;
        uint8_t flags = i == 0 ? ASIDL_PFC_FIRST_FRAG | extra_flags : later_flags;
        if (n == left)
            flags |= ASIDL_PFC_LAST_FRAG;
        request_header(f->headers + i * f->header_len, f->header_len, flags, call_id, hint(left), context_id,
                       opnum, object, n);
        left -= n;
    }
}

void asidl__frags_response(asidl__frags *f, uint32_t call_id, uint16_t context_id, uint8_t cancel_count,
                           const void *stub, size_t stub_len, uint16_t max_frag)
{
    frags_begin(f, stub, stub_len, ASIDL_PDU_RESPONSE_LEN, max_frag);
    size_t left = stub_len;
    for (size_t i = 0; i < f->count && !f->failed; i++) {
        size_t n = left < f->chunk ? left : f->chunk;
        uint8_t flags = (i == 0 ? ASIDL_PFC_FIRST_FRAG : 0) | (n == left ? ASIDL_PFC_LAST_FRAG : 0);
        response_header(f->headers + i * f->header_len, flags, call_id, hint(left), context_id, cancel_count, n);
        left -= n;
    }
}

size_t asidl__frags_bytes(const asidl__frags *f)
{
    return f->count * f->header_len + f->stub_len;
}

/* Any sequence from any offset.  Every fragment but the last is header_len + chunk octets:
 * the one holding `from` is found by division, not by walking the ones before it (a partly
 * sent big message resumes late). */
__attribute__((noinline))       /* (inlined, its register saves would be the usual call's too) */
static size_t iov_from(const asidl__frags *f, size_t from, struct iovec *iov, size_t max)
{
    size_t i = 0, k = 0;
    if (from) {
        size_t whole = f->header_len + f->chunk;
        i = from / whole;
        from -= i * whole;
    }
    for (; i < f->count && k < max; i++, from = 0) {
        size_t at = i * f->chunk;
        size_t n = f->stub_len - at < f->chunk ? f->stub_len - at : f->chunk;
        if (from < f->header_len) {
            iov[k].iov_base = f->headers + i * f->header_len + from;
            iov[k].iov_len = f->header_len - from;
            k++;
            from = 0;
        } else {
            from -= f->header_len;
        }
        if (n > from && k < max) {
            iov[k].iov_base = (void *)(f->stub + at + from);
            iov[k].iov_len = n - from;
            k++;
        }
    }
    return k;
}

size_t asidl__frags_iov(const asidl__frags *f, size_t from, struct iovec *iov, size_t max)
{
    if (f->count != 1 || from != 0 || max < 2)
        return iov_from(f, from, iov, max);
    /* the usual call: one fragment, sent whole */
    iov[0].iov_base = f->headers;
    iov[0].iov_len = f->header_len;
    iov[1].iov_base = (void *)f->stub;
    iov[1].iov_len = f->stub_len;
    return f->stub_len ? 2 : 1;
}

uint8_t *asidl__frags_flatten(const asidl__frags *f, size_t from, size_t *len)
{
    size_t total = asidl__frags_bytes(f);
    *len = total > from ? total - from : 0;
    uint8_t *out = malloc(*len ? *len : 1);
    if (!out)
        return NULL;
    struct iovec iov[64];
    size_t at = 0;
    while (at < *len) {
        size_t k = asidl__frags_iov(f, from + at, iov, 64);
        for (size_t i = 0; i < k; i++) {
            memcpy(out + at, iov[i].iov_base, iov[i].iov_len);
            at += iov[i].iov_len;
        }
    }
    return out;
}

void asidl__frags_free(asidl__frags *f)
{
    if (f->headers != f->local)
        free(f->headers);
    f->headers = NULL;
}

/* The flat forms: every fragment, stub bytes included, appended to `b`. */
static void flatten_into(asidl__buf *b, asidl__frags *f)
{
    if (f->failed) {
        b->failed = true;
    } else {
        size_t len;
        uint8_t *flat = asidl__frags_flatten(f, 0, &len);
        if (flat)
            asidl__buf_put(b, flat, len);
        else
            b->failed = true;
        free(flat);
    }
    asidl__frags_free(f);
}

void asidl__frag_request(asidl__buf *b, uint32_t call_id, uint16_t context_id, uint16_t opnum,
                         const asidl__uuid *object, const void *stub, size_t stub_len,
                         uint16_t max_frag, uint8_t extra_flags)
{
    asidl__frags f;
    asidl__frags_request(&f, call_id, context_id, opnum, object, stub, stub_len, max_frag, extra_flags);
    flatten_into(b, &f);
}

void asidl__frag_response(asidl__buf *b, uint32_t call_id, uint16_t context_id,
                          uint8_t cancel_count, const void *stub, size_t stub_len,
                          uint16_t max_frag)
{
    asidl__frags f;
    asidl__frags_response(&f, call_id, context_id, cancel_count, stub, stub_len, max_frag);
    flatten_into(b, &f);
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
        asidl__copy(r->data + r->len, p, n);
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
