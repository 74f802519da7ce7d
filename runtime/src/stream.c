/*
 * stream.c: a connection's two byte queues. Input accumulates until whole PDUs can be taken
 * off the front; output is a list of complete PDU sequences written in order, so the fragments
 * of one call never interleave with another's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rpcrt.h"

/* Bytes asked of the socket per read: a few maximum-size fragments. */
#define READ_CHUNK (64u * 1024u)
/* An idle connection gives back a buffer larger than this. */
#define KEEP_IDLE 16384u

int asidl__inbuf_fill(asidl__inbuf *b, int fd)
{
    if (b->cap - b->len < READ_CHUNK / 4) {
        size_t cap = b->len + READ_CHUNK;
        uint8_t *p = realloc(b->data, cap);
        if (!p) {
            errno = ENOMEM;
            return ASIDL_FILL_ERROR;
        }
        b->data = p;
        b->cap = cap;
    }
    ssize_t r = asidl__sock_recv(fd, b->data + b->len, b->cap - b->len);
    if (r > 0) {
        b->len += (size_t)r;
        return ASIDL_FILL_DATA;
    }
    if (r == 0)
        return ASIDL_FILL_EOF;
    return errno == EAGAIN || errno == EWOULDBLOCK ? ASIDL_FILL_AGAIN : ASIDL_FILL_ERROR;
}

asidl__pdu_status asidl__inbuf_peek(const asidl__inbuf *b, const uint8_t **pdu, size_t *len)
{
    asidl__pdu_status st = asidl__pdu_frame(b->data, b->len, len);
    if (st == ASIDL_PDU_OK)
        *pdu = b->data;
    return st;
}

void asidl__inbuf_consume(asidl__inbuf *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
        if (b->cap > KEEP_IDLE) {
            free(b->data);
            b->data = NULL;
            b->cap = 0;
        }
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

void asidl__inbuf_free(asidl__inbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

struct asidl__outbuf {
    asidl__outbuf *next;
    uint8_t *data;
    size_t len;
    size_t sent;
};

bool asidl__sendq_push(asidl__sendq *q, uint8_t *data, size_t len)
{
    asidl__outbuf *o = malloc(sizeof *o);
    if (!o) {
        free(data);
        return false;
    }
    o->next = NULL;
    o->data = data;
    o->len = len;
    o->sent = 0;
    if (q->tail)
        q->tail->next = o;
    else
        q->head = o;
    q->tail = o;
    q->bytes += len;
    return true;
}

int asidl__sendq_flush(asidl__sendq *q, int fd)
{
    while (q->head) {
        asidl__outbuf *o = q->head;
        while (o->sent < o->len) {
            ssize_t r = asidl__sock_send(fd, o->data + o->sent, o->len - o->sent);
            if (r < 0)
                return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
            o->sent += (size_t)r;
            q->bytes -= (size_t)r;
        }
        q->head = o->next;
        if (!q->head)
            q->tail = NULL;
        free(o->data);
        free(o);
    }
    return 1;
}

void asidl__sendq_clear(asidl__sendq *q)
{
    while (q->head) {
        asidl__outbuf *o = q->head;
        q->head = o->next;
        free(o->data);
        free(o);
    }
    q->tail = NULL;
    q->bytes = 0;
}
