/*
 * A test server for the protocol engine: an interface whose dispatch works on opaque stub
 * bytes (the NDR engine is not involved), shared by the server tests.
 *
 *   opnum 0  echo: the response is the request's stub bytes
 *   opnum 1  the request's object UUID as 16 NDR bytes (zeros without one)
 *   opnum 2  delayed echo from another thread: the first 4 bytes are the delay in ms (LE)
 *   opnum 3  waits (on another thread) until the client cancels, then faults
 *            nca_s_fault_cancel; after 5 s without a cancel replies "no cancel"
 *   opnum 4  fault with the application status in the first 4 bytes (LE)
 *   opnum 5  parked: kept, with no thread, until echo_release_parked() echoes it
 *   opnum 6  slow manager routine: sleeps on the worker (the first 4 bytes, ms), holding the
 *            connection's turn (its next calls wait behind it), then echoes
 * The second interface has one procedure, echo.
 */
#ifndef ECHO_SERVER_H
#define ECHO_SERVER_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "rpcrt.h"

static const asidl__syntax_id echo_iface = {
    { 0xb3c3b2a6, 0x6f3e, 0x4c9d, { 0x9a, 0x41, 0x2f, 0x0d, 0x8e, 0x7c, 0x5a, 0x11 } },
    ASIDL_SYNTAX_VERSION(1, 0),
};
static const asidl__syntax_id echo_iface2 = {
    { 0x0d9a5c37, 0x2b41, 0x4a8e, { 0xb7, 0xf3, 0x5e, 0x6c, 0x1d, 0x2a, 0x9b, 0x04 } },
    ASIDL_SYNTAX_VERSION(3, 2),
};

static volatile int echo_late_replies_failed;    /* replies after the client left */
static pthread_mutex_t parked_lock = PTHREAD_MUTEX_INITIALIZER;
static asidl__scall *parked_calls;                /* linked through run_next */
static int parked_count;
static int echo_threads;                          /* helper threads still running */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static void *delayed_reply(void *arg)
{
    asidl__scall *call = arg;
    sleep_ms((int)le32(call->stub));
    if (asidl__scall_reply(call, call->stub, call->stub_len) == RPC_S_CALL_FAILED)
        __atomic_add_fetch(&echo_late_replies_failed, 1, __ATOMIC_SEQ_CST);
    __atomic_sub_fetch(&echo_threads, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void *wait_for_cancel(void *arg)
{
    asidl__scall *call = arg;
    for (int i = 0; i < 500; i++) {
        if (asidl__scall_test_cancel(call) == RPC_S_OK) {
            asidl__scall_fault(call, ASIDL_NCA_S_FAULT_CANCEL, false);
            __atomic_sub_fetch(&echo_threads, 1, __ATOMIC_SEQ_CST);
            return NULL;
        }
        sleep_ms(10);
    }
    asidl__scall_reply(call, "no cancel", 9);
    __atomic_sub_fetch(&echo_threads, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static void later(void *(*fn)(void *), asidl__scall *call)
{
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    __atomic_add_fetch(&echo_threads, 1, __ATOMIC_SEQ_CST);
    if (pthread_create(&t, &attr, fn, call) != 0) {
        __atomic_sub_fetch(&echo_threads, 1, __ATOMIC_SEQ_CST);
        asidl__scall_fault(call, ASIDL_NCA_S_SERVER_TOO_BUSY, true);
    }
    pthread_attr_destroy(&attr);
}

static void echo_dispatch(asidl__scall *call, void *ctx)
{
    (void)ctx;
    switch (call->opnum) {
    case 0:
        asidl__scall_reply(call, call->stub, call->stub_len);
        break;
    case 1: {
        asidl__buf b;
        asidl__buf_init(&b);
        if (call->has_object)
            asidl__buf_put_uuid(&b, &call->object);
        else
            asidl__buf_put_zeros(&b, 16);
        asidl__scall_reply(call, b.data, b.len);
        asidl__buf_free(&b);
        break;
    }
    case 2:
        if (call->stub_len < 4)
            asidl__scall_fault(call, RPC_X_BAD_STUB_DATA, false);
        else
            later(delayed_reply, call);
        break;
    case 3:
        later(wait_for_cancel, call);
        break;
    case 4:
        asidl__scall_fault(call, call->stub_len >= 4 ? le32(call->stub) : 0, false);
        break;
    case 5:
        pthread_mutex_lock(&parked_lock);
        call->run_next = parked_calls;
        parked_calls = call;
        parked_count++;
        pthread_mutex_unlock(&parked_lock);
        break;
    case 6:
        sleep_ms(call->stub_len >= 4 ? (int)le32(call->stub) : 0);
        asidl__scall_reply(call, call->stub, call->stub_len);
        break;
    }
}

static __attribute__((unused)) int echo_parked(void)
{
    pthread_mutex_lock(&parked_lock);
    int n = parked_count;
    pthread_mutex_unlock(&parked_lock);
    return n;
}

/* Replies to every parked call from the calling thread. */
static __attribute__((unused)) void echo_release_parked(void)
{
    pthread_mutex_lock(&parked_lock);
    asidl__scall *list = parked_calls;
    parked_calls = NULL;
    parked_count = 0;
    pthread_mutex_unlock(&parked_lock);
    while (list) {
        asidl__scall *next = list->run_next;
        asidl__scall_reply(list, list->stub, list->stub_len);
        list = next;
    }
}

/* Waits until every reply-later thread has ended its call. */
static void echo_wait_idle(void)
{
    while (__atomic_load_n(&echo_threads, __ATOMIC_SEQ_CST) > 0)
        sleep_ms(5);
    sleep_ms(20);      /* the last ones may still be returning from their start routine */
}

/* Starts a server with both interfaces on 127.0.0.1 (dynamic port, written to `port`). */
static asidl__server *echo_server_start(const asidl__server_limits *limits, char *port, size_t port_size)
{
    asidl__server *s = asidl__server_new(limits);
    if (!s)
        return NULL;
    if (asidl__server_register(s, &echo_iface, 7, echo_dispatch, NULL) != RPC_S_OK ||
        asidl__server_register(s, &echo_iface2, 1, echo_dispatch, NULL) != RPC_S_OK ||
        asidl__server_listen(s, ASIDL_PROTSEQ_TCP, "127.0.0.1", NULL, port, port_size) != RPC_S_OK ||
        asidl__server_start(s, 4) != RPC_S_OK) {
        asidl__server_free(s);
        return NULL;
    }
    return s;
}

#endif
