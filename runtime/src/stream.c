/*
 * stream.c: a connection's two byte queues. Input accumulates until whole PDUs can be taken
 * off the front; output is a list of complete PDU sequences written in order, so the fragments
 * of one call never interleave with another's.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <string.h>

#include "rpcrt.h"

/* Bytes asked of the socket per read: a few maximum-size fragments (128 KiB was measured
 * slower for 64 KiB messages than two reads into 64 KiB). */
#define READ_CHUNK (64u * 1024u)

/* Reads go into a per-thread scratch block and PDUs are processed from there: a connection
 * owns memory only while it holds a partial PDU (asidl__inbuf_settle), so neither a busy nor
 * an idle connection costs an allocation per request or a large buffer of its own.
 *
 * A reader may lend the block to one consumer that wants a PDU's bytes where they are
 * (asidl__inbuf_lend): the thread then reads into a fresh block until the lent one comes back
 * (asidl__inbuf_give_back), so nothing this thread reads meanwhile (a nested call) can
 * overwrite the lent bytes. A block only ever belongs to one owner: a thread's `scratch`, or
 * the one it was lent to. */
static _Thread_local uint8_t *scratch;       /* NULL before the first read, or while lent */
static _Thread_local bool keyed;             /* the thread's key is set: its block is freed */
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

/* The key's destructor frees the block the thread holds when it ends (the thread's own
 * storage is still there while key destructors run). */
static void drop_scratch(void *unused)
{
    (void)unused;
    free(scratch);
    scratch = NULL;
    keyed = false;
}

static void make_key(void)
{
    pthread_key_create(&scratch_key, drop_scratch);
}

static void key_thread(void)
{
    pthread_once(&scratch_once, make_key);
    keyed = pthread_setspecific(scratch_key, &keyed) == 0;
}

static uint8_t *thread_scratch(void)
{
    if (!scratch) {
        if (!keyed)
            key_thread();
        scratch = malloc(READ_CHUNK);
    }
    return scratch;
}

static bool own_at_least(asidl__inbuf *b, size_t want)
{
    if (b->own_cap >= want)
        return true;
    uint8_t *p = realloc(b->own, want);
    if (!p)
        return false;
    b->own = p;
    b->own_cap = want;
    return true;
}

int asidl__inbuf_fill(asidl__inbuf *b, int fd, bool wait)
{
    uint8_t *dst;
    size_t room;
    if (b->len == 0) {
        if (!thread_scratch()) {
            errno = ENOMEM;
            return ASIDL_FILL_ERROR;
        }
        b->data = scratch;
        b->block = scratch;
        dst = scratch;
        room = READ_CHUNK;
    } else {
        /* A partial PDU is pending: read the rest of it (and what follows) after it, in the
         * block it is in (which may be lent by now: the lent bytes lie before it). */
        if (b->block && b->data + b->len > b->block + READ_CHUNK - 16)
            asidl__inbuf_settle(b);
        if (!b->block) {
            size_t need = b->len + READ_CHUNK / 4;
            if (!own_at_least(b, need)) {
                errno = ENOMEM;
                return ASIDL_FILL_ERROR;
            }
            b->data = b->own;
            dst = b->own + b->len;
            room = b->own_cap - b->len;
        } else {
            dst = b->data + b->len;
            room = (size_t)(b->block + READ_CHUNK - dst);
        }
    }
    ssize_t r;
    if (wait) {
        do
            r = recv(fd, dst, room, 0);
        while (r < 0 && errno == EINTR);
    } else {
        r = asidl__sock_recv(fd, dst, room);
    }
    if (r > 0) {
        b->len += (size_t)r;
        /* A read that did not fill the room has (almost always) drained the socket: the
         * caller need not spend a system call to hear EAGAIN. */
        return (size_t)r == room ? ASIDL_FILL_MORE : ASIDL_FILL_DATA;
    }
    if (b->len == 0)
        b->data = NULL;
    if (r == 0)
        return ASIDL_FILL_EOF;
    return errno == EAGAIN || errno == EWOULDBLOCK ? ASIDL_FILL_AGAIN : ASIDL_FILL_ERROR;
}

uint8_t *asidl__inbuf_lend(const asidl__inbuf *b)
{
    if (!b->block || b->block != scratch)
        return NULL;           /* not this thread's block (or lent already) */
    scratch = NULL;
    return b->block;
}

void asidl__inbuf_give_back(uint8_t *block)
{
    if (scratch) {
        free(block);           /* the thread read into another one meanwhile: keep that */
        return;
    }
    if (!keyed)
        key_thread();
    scratch = block;
}

asidl__pdu_status asidl__inbuf_peek(const asidl__inbuf *b, const uint8_t **pdu, size_t *len)
{
    if (b->len == 0)
        return ASIDL_PDU_NEED_MORE;     /* the usual look after the last PDU of a read */
    asidl__pdu_status st = asidl__pdu_frame(b->data, b->len, len);
    if (st == ASIDL_PDU_OK)
        *pdu = b->data;
    return st;
}

void asidl__inbuf_consume(asidl__inbuf *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
        b->data = b->block ? NULL : b->own;
        return;
    }
    if (b->block) {
        b->data += n;
    } else {
        memmove(b->own, b->own + n, b->len - n);
        b->data = b->own;
    }
    b->len -= n;
}

bool asidl__inbuf_settle(asidl__inbuf *b)
{
    if (!b->block)
        return true;
    b->block = NULL;
    if (b->len == 0) {
        b->data = b->own;
        /* An idle connection keeps no large buffer. */
        if (b->own_cap > 2 * ASIDL_PDU_MAX_FRAG) {
            free(b->own);
            b->own = NULL;
            b->own_cap = 0;
            b->data = NULL;
        }
        return true;
    }
    uint8_t *from = b->data;
    if (!own_at_least(b, b->len + READ_CHUNK / 4)) {
        b->len = 0;
        b->data = NULL;
        return false;
    }
    memmove(b->own, from, b->len);
    b->data = b->own;
    return true;
}

void asidl__inbuf_free(asidl__inbuf *b)
{
    free(b->own);
    memset(b, 0, sizeof *b);
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
            q->written += (size_t)r;
        }
        q->head = o->next;
        if (!q->head)
            q->tail = NULL;
        free(o->data);
        free(o);
    }
    return 1;
}

/* The first send of a fragment sequence (nothing queued before it): 1 all sent, 0 *sent
 * octets went and the socket is full, -1 error, ASIDL_SEND_PEER_GONE. */

/* What one send's result r means after *sent octets: 1 some went (counted), else the
 * sequence's outcome as above. */
static int took(asidl__sendq *q, ssize_t r, size_t *sent)
{
    if (r < 0 && *sent == 0 && (errno == EPIPE || errno == ECONNRESET))
        return ASIDL_SEND_PEER_GONE;
    if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        return -1;
    if (r <= 0)
        return 0;
    *sent += (size_t)r;
    q->written += (size_t)r;
    return 1;
}

/* Straight from the pieces with sendmsg. */
static int send_pieces(asidl__sendq *q, int fd, const asidl__frags *f, size_t total, size_t *sent)
{
    while (*sent < total) {
        struct iovec iov[128];
        struct msghdr m = { .msg_iov = iov };
        m.msg_iovlen = asidl__frags_iov(f, *sent, iov, 128);
        ssize_t r;
        do
            r = sendmsg(fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
        while (r < 0 && errno == EINTR);
        int went = took(q, r, sent);
        if (went != 1)
            return went;
    }
    return 1;
}

/* A short sequence goes as one copy with send(): the kernel's import of a message header and
 * its iovecs (sendmsg) costs more than copying a few hundred octets (perf, 16-octet calls:
 * ~2% of a round trip, paid by client and server). */
#define COPY_TO_SEND_MAX 2048u

static int send_copy(asidl__sendq *q, int fd, const asidl__frags *f, size_t total, size_t *sent)
{
    uint8_t one[COPY_TO_SEND_MAX];
    struct iovec iov[16];
    size_t n = asidl__frags_iov(f, 0, iov, 16), at = 0;
    for (size_t i = 0; i < n; i++) {
        memcpy(one + at, iov[i].iov_base, iov[i].iov_len);
        at += iov[i].iov_len;
    }
    if (at != total)
        return send_pieces(q, fd, f, total, sent);   /* (more pieces than gathered here) */
    int went = took(q, asidl__sock_send(fd, one, total), sent);
    return went == 1 ? *sent == total : went;
}

int asidl__sendq_send_frags(asidl__sendq *q, int fd, const asidl__frags *f)
{
    size_t total = asidl__frags_bytes(f), sent = 0;
    if (!q->head) {
        int r = total <= COPY_TO_SEND_MAX ? send_copy(q, fd, f, total, &sent) : send_pieces(q, fd, f, total, &sent);
        if (r != 0)
            return r;
    }
    size_t len;
    uint8_t *rest = asidl__frags_flatten(f, sent, &len);
    if (!rest || !asidl__sendq_push(q, rest, len))
        return -1;
    return asidl__sendq_flush(q, fd);
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
