/*
 * calc_server.h: the manager routines of the test interfaces of calc_iface.h, as an application
 * writes them, and the server-side interface objects with their default EPVs. Also a counting
 * MIDL_user_allocate / MIDL_user_free (the application's own, replacing the runtime's weak
 * defaults) so tests can see that nothing the stubs allocated is left behind.
 */
#ifndef CALC_SERVER_H
#define CALC_SERVER_H

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "calc_iface.h"

/* ---- the application's allocator, counting live blocks ---- */
static long live_blocks;

void *MIDL_user_allocate(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p)
        __atomic_add_fetch(&live_blocks, 1, __ATOMIC_SEQ_CST);
    return p;
}

void MIDL_user_free(void *p)
{
    if (p) {
        __atomic_sub_fetch(&live_blocks, 1, __ATOMIC_SEQ_CST);
        free(p);
    }
}

static __attribute__((unused)) long blocks_live(void)
{
    return __atomic_load_n(&live_blocks, __ATOMIC_SEQ_CST);
}

static __attribute__((unused)) void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* ---- manager routines ---- */
int calc_rundowns;
static int slow_in_flight, slow_max_in_flight;

typedef struct counter {
    long value;
} counter;

static long s_Add(handle_t h, long a, long b, long *sum)
{
    (void)h;
    *sum = a + b;
    return a + b > 1000 ? 1 : 0;
}

static double s_Scale(handle_t h, double x, float f)
{
    (void)h;
    return x * f;
}

/* Gives the string back reversed. */
static void s_Echo(handle_t h, wchar_t *in, wchar_t **out)
{
    (void)h;
    size_t n = wcslen(in);
    *out = MIDL_user_allocate((n + 1) * sizeof(wchar_t));
    for (size_t i = 0; i < n; i++)
        (*out)[i] = in[n - 1 - i];
    (*out)[n] = 0;
}

static long s_Sum(handle_t h, long n, long *values)
{
    (void)h;
    long s = 0;
    for (long i = 0; i < n; i++)
        s += values[i];
    return s;
}

static pt s_Mid(handle_t h, pt a, pt b)
{
    (void)h;
    pt r = { (short)((a.x + b.x) / 2), (a.y + b.y) / 2 };
    return r;
}

static void s_Fail(handle_t h, unsigned long code)
{
    (void)h;
    RpcRaiseException((RPC_STATUS)code);
}

static void s_Stop(handle_t h)
{
    (void)h;
    RpcMgmtStopServerListening(NULL);
}

static void s_Whoami(handle_t h, GUID *object, char **client)
{
    RpcBindingInqObject(h, object);
    RPC_CSTR text = NULL;
    if (RpcBindingToStringBindingA(h, &text) == RPC_S_OK) {
        *client = MIDL_user_allocate(strlen((char *)text) + 1);
        strcpy(*client, (char *)text);
        RpcStringFreeA(&text);
    }
}

static long long s_Big(handle_t h, long long v)
{
    (void)h;
    return v + 1;
}

static long s_Open(handle_t h, long v, CTX *ph)
{
    (void)h;
    counter *c = malloc(sizeof *c);
    c->value = v;
    *ph = c;
    return 0;
}

static long s_Read(CTX h)
{
    return ((counter *)h)->value;
}

static void s_Close(CTX *ph)
{
    free(*ph);
    *ph = NULL;
}

static long s_Slow(CTX h, long ms)
{
    int now = __atomic_add_fetch(&slow_in_flight, 1, __ATOMIC_SEQ_CST);
    int max = __atomic_load_n(&slow_max_in_flight, __ATOMIC_SEQ_CST);
    while (now > max && !__atomic_compare_exchange_n(&slow_max_in_flight, &max, now, false, __ATOMIC_SEQ_CST,
                                                     __ATOMIC_SEQ_CST))
        ;
    sleep_ms(ms);
    __atomic_sub_fetch(&slow_in_flight, 1, __ATOMIC_SEQ_CST);
    return ((counter *)h)->value;
}

void CTX_rundown(void *ctx)
{
    __atomic_add_fetch(&calc_rundowns, 1, __ATOMIC_SEQ_CST);
    free(ctx);
}

static long s_PeekLoose(CTX h)
{
    return ((counter *)h)->value;
}

static long s_PeekStrict(CTX h)
{
    return ((counter *)h)->value;
}

/* The EPV types the generator writes, and the interfaces of the server side. */
typedef struct calc_v1_0_epv_t {
    long (*Add)(handle_t, long, long, long *);
    double (*Scale)(handle_t, double, float);
    void (*Echo)(handle_t, wchar_t *, wchar_t **);
    long (*Sum)(handle_t, long, long *);
    pt (*Mid)(handle_t, pt, pt);
    void (*Fail)(handle_t, unsigned long);
    void (*Stop)(handle_t);
    void (*Whoami)(handle_t, GUID *, char **);
    long long (*Big)(handle_t, long long);
    long (*Open)(handle_t, long, CTX *);
    long (*Read)(CTX);
    void (*Close)(CTX *);
    long (*Slow)(CTX, long);
} calc_v1_0_epv_t;

static const calc_v1_0_epv_t calc_default_epv = {
    s_Add, s_Scale, s_Echo, s_Sum, s_Mid, s_Fail, s_Stop, s_Whoami, s_Big, s_Open, s_Read, s_Close, s_Slow,
};

typedef struct peek_v2_1_epv_t {
    long (*PeekLoose)(CTX);
    long (*PeekStrict)(CTX);
} peek_v2_1_epv_t;

static const peek_v2_1_epv_t peek_default_epv = { s_PeekLoose, s_PeekStrict };

static const asidl_interface calc_server_if = {
    ASIDL_INTERFACE_MAGIC, ASIDL_ABI_VERSION, CALC_UUID, 1, 0, calc_procs, 13, &calc_default_epv, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL,
};
static const asidl_interface peek_server_if = {
    ASIDL_INTERFACE_MAGIC, ASIDL_ABI_VERSION, PEEK_UUID, 2, 1, peek_procs, 2, &peek_default_epv, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL,
};

#endif
