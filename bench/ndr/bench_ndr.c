/*
 * bench/ndr: NDR marshal + unmarshal throughput, as ratios to memcpy of the same number of
 * octets measured in the same run.  Procedure-level, as a call uses the engine: the client
 * marshals the [in] parameters into a reused buffer; the server unmarshals them into a frame
 * (allocating what they point to) and frees it.
 *
 *   (a)  void SendDwords([in] DWORD n, [in, size_is(n)] DWORD *data)     1 MiB on the wire
 *   (a') void SendLongs([in] long n, [in, size_is(n)] long *data)        1 MiB on the wire,
 *        C long is 8 bytes: every element is narrowed with a range check, and widened back
 *   (b)  void SendItems([in] long n, [in, size_is(n)] struct item *items) 10,000 items,
 *        struct item { long a; long b; [unique] long *p; [unique, string] char *s; }
 *
 * Goals (issue 3): (a) within 2x memcpy, (a') within 4x, (b) at least 200 MB/s of wire data.
 * Prints numbers only; it asserts nothing (timings belong in reports, not in tests).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rpc.h"
#include "rpcndr.h"

#define PTR_HDR(kind) ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_PTR_##kind, sizeof(void *))
#define END { ASIDL_NDR_OP_END, 0, 0 }

static const asidl_ndr_op n_param[] = { { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(long), 0 }, END };
static const asidl_ndr_op n_param32[] = { { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(uint32_t), 0 }, END };
static const asidl_ndr_dim by_n[] = { { .size_is = n_param } };
static const asidl_ndr_dim by_n32[] = { { .size_is = n_param32 } };

/* (a) */
static const asidl_ndr_array dwords_arr = { ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_uint32.hdr, 1, by_n32 };
static const asidl_ndr_pointer dwords_ref = { PTR_HDR(REF), &dwords_arr.hdr };
static const asidl_ndr_param dwords_params[] = {
    { "n", ASIDL_NDR_PARAM_IN, ASIDL_NDR_C_OF(uint32_t), sizeof(uint32_t), &asidl_ndr_t_uint32.hdr },
    { "data", ASIDL_NDR_PARAM_IN, ASIDL_NDR_C_PTR, sizeof(void *), &dwords_ref.hdr },
};
static const asidl_ndr_proc dwords_proc = {
    ASIDL_NDR_MAGIC, 0, 2, 0, ASIDL_NDR_HANDLE_AUTO, 0, "SendDwords", dwords_params, NULL, NULL, NULL,
};

/* (a') */
static const asidl_ndr_array longs_arr = { ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_long.hdr, 1, by_n };
static const asidl_ndr_pointer longs_ref = { PTR_HDR(REF), &longs_arr.hdr };
static const asidl_ndr_param longs_params[] = {
    { "n", ASIDL_NDR_PARAM_IN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
    { "data", ASIDL_NDR_PARAM_IN, ASIDL_NDR_C_PTR, sizeof(void *), &longs_ref.hdr },
};
static const asidl_ndr_proc longs_proc = {
    ASIDL_NDR_MAGIC, 1, 2, 0, ASIDL_NDR_HANDLE_AUTO, 0, "SendLongs", longs_params, NULL, NULL, NULL,
};

/* (b) */
struct item {
    long a, b;
    long *p;
    char *s;
};
static const asidl_ndr_pointer unique_long = { PTR_HDR(UNIQUE), &asidl_ndr_t_long.hdr };
static const asidl_ndr_dim unsized[] = { { 0 } };
static const asidl_ndr_array cstring = {
    ASIDL_NDR_HDR(ARRAY, 1, ASIDL_NDR_F_CONFORMANT | ASIDL_NDR_F_VARYING | ASIDL_NDR_F_STRING, 0), &asidl_ndr_t_char.hdr, 1, unsized,
};
static const asidl_ndr_pointer unique_string = { PTR_HDR(UNIQUE), &cstring.hdr };
static const asidl_ndr_field item_fields[] = {
    { offsetof(struct item, a), &asidl_ndr_t_long.hdr },   /* a */
    { offsetof(struct item, b), &asidl_ndr_t_long.hdr },   /* b */
    { offsetof(struct item, p), &unique_long.hdr },        /* p */
    { offsetof(struct item, s), &unique_string.hdr },      /* s */
};
static const asidl_ndr_struct item_desc = { ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_COMPLEX, sizeof(struct item)), 4, item_fields };
static const asidl_ndr_array items_arr = {
    ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_CONFORMANT | ASIDL_NDR_F_COMPLEX, 0), &item_desc.hdr, 1, by_n,
};
static const asidl_ndr_pointer items_ref = { PTR_HDR(REF), &items_arr.hdr };
static const asidl_ndr_param items_params[] = {
    { "n", ASIDL_NDR_PARAM_IN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
    { "items", ASIDL_NDR_PARAM_IN, ASIDL_NDR_C_PTR, sizeof(void *), &items_ref.hdr },
};
static const asidl_ndr_proc items_proc = {
    ASIDL_NDR_MAGIC, 2, 2, 0, ASIDL_NDR_HANDLE_AUTO, 0, "SendItems", items_params, NULL, NULL, NULL,
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);   /* CPU time: other processes do not inflate it */
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Best time per iteration over several rounds of enough iterations to take ~50 ms. */
#define MEASURE(result, body) do {                                          \
        double best_ = 1e30;                                                \
        for (int round_ = 0; round_ < 7; round_++) {                        \
            int iters_ = 0;                                                 \
            double t0_ = now(), t_;                                         \
            do {                                                            \
                body;                                                       \
                iters_++;                                                   \
            } while ((t_ = now()) - t0_ < 0.05);                            \
            if ((t_ - t0_) / iters_ < best_)                                \
                best_ = (t_ - t0_) / iters_;                                \
        }                                                                   \
        (result) = best_;                                                   \
    } while (0)

static volatile unsigned char sink;

typedef struct result {
    double marshal, unmarshal, unmarshal_in_place, memcpy_;
    size_t wire;
} result;

static result run(const asidl_ndr_proc *proc, void **args)
{
    result r;
    asidl_ndr_call client, server;
    asidl_ndr_call_init(&client, ASIDL_NDR_CLIENT);
    asidl_ndr_call_init(&server, ASIDL_NDR_SERVER);
    asidl_ndr_buffer buf;
    asidl_ndr_buffer_init(&buf);
    if (asidl_ndr_client_marshal(&client, proc, args, &buf) != RPC_S_OK) {
        fprintf(stderr, "%s: marshalling failed\n", proc->name);
        exit(1);
    }
    r.wire = buf.len;
    MEASURE(r.marshal, {
        buf.len = 0;
        if (asidl_ndr_client_marshal(&client, proc, args, &buf) != RPC_S_OK)
            exit(1);
    });
    void *frame[4];
    void *block = malloc(asidl_ndr_frame_size(proc));
    MEASURE(r.unmarshal, {
        asidl_ndr_frame_init(proc, block, frame);
        if (asidl_ndr_server_unmarshal(&server, proc, frame, buf.data, buf.len, ASIDL_NDR_DREP_LITTLE_ENDIAN) != RPC_S_OK)
            exit(1);
        asidl_ndr_server_free(proc, frame, NULL, 0);
    });
    /* As MIDL's server stubs do: [in] arrays of plain data stay in the request buffer. */
    server.in_place = 1;
    MEASURE(r.unmarshal_in_place, {
        asidl_ndr_frame_init(proc, block, frame);
        if (asidl_ndr_server_unmarshal(&server, proc, frame, buf.data, buf.len, ASIDL_NDR_DREP_LITTLE_ENDIAN) != RPC_S_OK)
            exit(1);
        asidl_ndr_server_free(proc, frame, buf.data, buf.len);
    });
    unsigned char *dst = malloc(buf.len);
    MEASURE(r.memcpy_, {
        memcpy(dst, buf.data, buf.len);
        sink = dst[buf.len / 2];
    });
    free(dst);
    free(block);
    asidl_ndr_buffer_free(&buf);
    asidl_ndr_call_cleanup(&client);
    asidl_ndr_call_cleanup(&server);
    return r;
}

static void report(const char *label, const result *r, double goal_ratio)
{
    double both = r->marshal + r->unmarshal;
    printf("%-46s %8zu octets  marshal %7.1f us  unmarshal %7.1f us  memcpy %7.1f us\n", label, r->wire,
           r->marshal * 1e6, r->unmarshal * 1e6, r->memcpy_ * 1e6);
    printf("%-46s ratio to memcpy: marshal %.2fx, unmarshal %.2fx, both %.2fx", "", r->marshal / r->memcpy_,
           r->unmarshal / r->memcpy_, both / r->memcpy_);
    if (goal_ratio > 0)
        printf("  (goal: within %.0fx)", goal_ratio);
    printf("  %.0f MB/s of wire data\n", (double)r->wire / both / 1e6);
    double in_place = r->marshal + r->unmarshal_in_place;
    if (r->unmarshal_in_place < r->unmarshal * 0.9)
        printf("%-46s server unmarshalling in place: unmarshal %.2fx, both %.2fx, %.0f MB/s\n", "",
               r->unmarshal_in_place / r->memcpy_, in_place / r->memcpy_, (double)r->wire / in_place / 1e6);
}

int main(int argc, char **argv)
{
    /* an argument (a, a2 or b) runs one benchmark only, for profiling */
    const char *only = argc > 1 ? argv[1] : NULL;
    enum { MIB = 1 << 20, N_ITEMS = 10000 };

    uint32_t n32 = MIB / 4;
    uint32_t *dwords = malloc(MIB);
    for (uint32_t i = 0; i < n32; i++)
        dwords[i] = i * 2654435761u;
    void *dword_args[] = { &n32, &dwords };
    result a = { 0, 0, 0, 1, 0 }, a2 = { 0, 0, 0, 1, 0 }, b = { 0, 0, 0, 1, 0 };
    if (!only || !strcmp(only, "a"))
        a = run(&dwords_proc, dword_args);

    long nl = MIB / 4;
    long *longs = malloc((size_t)nl * sizeof(long));
    for (long i = 0; i < nl; i++)
        longs[i] = (int32_t)((uint32_t)i * 2654435761u);    /* the whole 32-bit range */
    void *long_args[] = { &nl, &longs };
    if (!only || !strcmp(only, "a2"))
        a2 = run(&longs_proc, long_args);

    long ni = N_ITEMS;
    struct item *items = malloc(N_ITEMS * sizeof *items);
    long *values = malloc(N_ITEMS * sizeof *values);
    char (*names)[24] = malloc(N_ITEMS * sizeof *names);
    for (long i = 0; i < N_ITEMS; i++) {
        values[i] = i;
        snprintf(names[i], sizeof names[i], "item number %06ld", i);
        items[i] = (struct item){ i, -i, &values[i], names[i] };
    }
    void *item_args[] = { &ni, &items };
    if (!only || !strcmp(only, "b"))
        b = run(&items_proc, item_args);

    printf("bench/ndr: NDR 2.0 marshal + unmarshal, best of 7 rounds, ratios to memcpy of the same octets\n");
    report("(a)  1 MiB conformant array of DWORD", &a, 2);
    report("(a') 1 MiB conformant array of long (8 in C)", &a2, 4);
    report("(b)  10,000 structs {long, long, unique, string}", &b, 0);
    printf("%-46s goal: at least 200 MB/s of wire data\n", "");

    free(dwords);
    free(longs);
    free(items);
    free(values);
    free(names);
    return 0;
}
