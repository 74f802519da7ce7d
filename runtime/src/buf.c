/*
 * buf.c: a growable byte buffer with sticky allocation failure, used to build PDUs.
 */
#include <stdlib.h>
#include <string.h>

#include "rpcrt.h"

void asidl__buf_init(asidl__buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
}

void asidl__buf_free(asidl__buf *b)
{
    free(b->data);
    asidl__buf_init(b);
}

bool asidl__buf_reserve(asidl__buf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (extra <= b->cap - b->len)
        return true;
    if (extra > SIZE_MAX / 2 - b->len) {
        b->failed = true;
        return false;
    }
    size_t want = b->len + extra;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < want)
        cap *= 2;
    uint8_t *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void asidl__buf_put(asidl__buf *b, const void *p, size_t n)
{
    if (n == 0 || !asidl__buf_reserve(b, n))
        return;
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void asidl__buf_put_zeros(asidl__buf *b, size_t n)
{
    if (n == 0 || !asidl__buf_reserve(b, n))
        return;
    memset(b->data + b->len, 0, n);
    b->len += n;
}

void asidl__buf_put_u8(asidl__buf *b, uint8_t v)
{
    asidl__buf_put(b, &v, 1);
}

void asidl__buf_put_u16le(asidl__buf *b, uint16_t v)
{
    uint8_t p[2] = { (uint8_t)v, (uint8_t)(v >> 8) };
    asidl__buf_put(b, p, 2);
}

void asidl__buf_put_u32le(asidl__buf *b, uint32_t v)
{
    uint8_t p[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    asidl__buf_put(b, p, 4);
}

void asidl__buf_put_uuid(asidl__buf *b, const asidl__uuid *u)
{
    asidl__buf_put_u32le(b, u->Data1);
    asidl__buf_put_u16le(b, u->Data2);
    asidl__buf_put_u16le(b, u->Data3);
    asidl__buf_put(b, u->Data4, 8);
}

void asidl__buf_patch_u16le(asidl__buf *b, size_t at, uint16_t v)
{
    if (b->failed || at + 2 > b->len)
        return;
    b->data[at] = (uint8_t)v;
    b->data[at + 1] = (uint8_t)(v >> 8);
}

uint8_t *asidl__buf_take(asidl__buf *b, size_t *len)
{
    uint8_t *p = b->data;
    *len = b->len;
    asidl__buf_init(b);
    return p;
}
