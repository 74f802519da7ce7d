/*
 * The engine's shortcuts (ndr_shapes.c for the frequent top-level parameters, the simple-array
 * functions, the one-operand correlation expressions) against the general walk.  Every
 * procedure here is run both ways (ndr_use_fast_paths) on the same input: the request the
 * client marshals, then every truncation of it, single-octet corruptions at every offset, a
 * batch of random corruptions and the big-endian reading of it, on the server with and
 * without in-place arrays; then the same for the reply on the client.  Statuses, octets
 * produced and memory filled must be the same both ways, and nothing may leak either way.
 * The procedures mix the shapes with their near misses (sizes after the array, fixed arrays,
 * [in, out] data, unique pointers, IDL long arrays, 64-bit and negative sizes).  Also the
 * call's own storage for its tables and the stack-first output buffer, past their ends, and
 * the per-procedure infos (ndr_procinfo.c): a descriptor whose memory is reused for another,
 * and procedures the table cannot keep.
 */
#include <stddef.h>

#include "ndr_test.h"
#include "ndr_internal.h"   /* ndr_use_fast_paths, ndr_proc_info_get */

#define PTR_HDR(kind) ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_PTR_##kind, sizeof(void *))
#define P_IN ASIDL_NDR_PARAM_IN
#define P_OUT ASIDL_NDR_PARAM_OUT
#define P_INOUT (ASIDL_NDR_PARAM_IN | ASIDL_NDR_PARAM_OUT)
#define RET (ASIDL_NDR_PARAM_OUT | ASIDL_NDR_PARAM_RETURN)
#define END { ASIDL_NDR_OP_END, 0, 0 }
#define NOWIRE_HANDLE { "h", P_IN | ASIDL_NDR_PARAM_NOWIRE, ASIDL_NDR_C_PTR, sizeof(void *), NULL }
/* Which procedure: by its parameters, so that a copy of a descriptor elsewhere counts too. */
#define IS(proc, name) ((proc)->params == name##_params)
#define PROC(name, params, flags) \
    { ASIDL_NDR_MAGIC, 0, sizeof params / sizeof params[0], (flags), ASIDL_NDR_HANDLE_EXPLICIT, 0, name, params, NULL, NULL, NULL }

/* ---- void Echo([in] handle_t h, [in] unsigned long n, [in, size_is(n)] const byte *in,
 *                [out, size_is(n)] byte *out); (bench/rpc/echo.idl) ---- */
static const asidl_ndr_op echo_n[] = { { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(unsigned long), 1 }, END };
static const asidl_ndr_dim echo_dims[] = { { .size_is = echo_n } };
static const asidl_ndr_array echo_arr = { ASIDL_NDR_HDR(ARRAY, 1, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_byte.hdr, 1, echo_dims };
static const asidl_ndr_pointer echo_ptr = { PTR_HDR(REF), &echo_arr.hdr };
static const asidl_ndr_param echo_params[] = {
    NOWIRE_HANDLE,
    { "n", P_IN, ASIDL_NDR_C_OF(unsigned long), sizeof(unsigned long), &asidl_ndr_t_ulong.hdr },
    { "in", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &echo_ptr.hdr },
    { "out", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &echo_ptr.hdr },
};
static const asidl_ndr_proc echo_proc = PROC("Echo", echo_params, 0);

/* ---- long Sum([in] long n, [in, size_is(n)] long *values, [out] long *total,
 *               [out] hyper *count); IDL long arrays are 8 octets in C, 4 on the wire ---- */
static const asidl_ndr_op sum_n[] = { { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(long), 0 }, END };
static const asidl_ndr_dim sum_dims[] = { { .size_is = sum_n } };
static const asidl_ndr_array sum_arr = { ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_long.hdr, 1, sum_dims };
static const asidl_ndr_pointer sum_ptr = { PTR_HDR(REF), &sum_arr.hdr };
static const asidl_ndr_pointer ref_long = { PTR_HDR(REF), &asidl_ndr_t_long.hdr };
static const asidl_ndr_pointer ref_hyper = { PTR_HDR(REF), &asidl_ndr_t_hyper.hdr };
static const asidl_ndr_param sum_params[] = {
    { "n", P_IN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
    { "values", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &sum_ptr.hdr },
    { "total", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &ref_long.hdr },
    { "count", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &ref_hyper.hdr },
    { "return", RET, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
};
static const asidl_ndr_proc sum_proc = PROC("Sum", sum_params, ASIDL_NDR_PROC_HAS_RETURN);

/* ---- short Late([in, size_is(n)] DWORD *data, [in] DWORD n, [out, size_is(n)] short *back);
 *      the size arrives after the array it sizes ---- */
static const asidl_ndr_op late_n[] = { { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(uint32_t), 1 }, END };
static const asidl_ndr_dim late_dims[] = { { .size_is = late_n } };
static const asidl_ndr_array late_data_arr = { ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_uint32.hdr, 1, late_dims };
static const asidl_ndr_array late_back_arr = { ASIDL_NDR_HDR(ARRAY, 2, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_short.hdr, 1, late_dims };
static const asidl_ndr_pointer late_data = { PTR_HDR(REF), &late_data_arr.hdr };
static const asidl_ndr_pointer late_back = { PTR_HDR(REF), &late_back_arr.hdr };
static const asidl_ndr_param late_params[] = {
    { "data", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &late_data.hdr },
    { "n", P_IN, ASIDL_NDR_C_OF(uint32_t), sizeof(uint32_t), &asidl_ndr_t_uint32.hdr },
    { "back", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &late_back.hdr },
    { "return", RET, ASIDL_NDR_C_OF(short), sizeof(short), &asidl_ndr_t_short.hdr },
};
static const asidl_ndr_proc late_proc = PROC("Late", late_params, ASIDL_NDR_PROC_HAS_RETURN);

/* ---- void Fixed([in] byte key[8], [out] DWORD codes[4], [in, out] long *io,
 *                 [in, out, size_is(2)] short *pair); fixed arrays, [in, out] data ---- */
static const asidl_ndr_dim key_dims[] = { { .count = 8 } };
static const asidl_ndr_dim codes_dims[] = { { .count = 4 } };
static const asidl_ndr_op two[] = { { ASIDL_NDR_OP_CONST, 0, 2 }, END };
static const asidl_ndr_dim pair_dims[] = { { .size_is = two } };
static const asidl_ndr_array key_arr = { ASIDL_NDR_HDR(ARRAY, 1, 0, 8), &asidl_ndr_t_byte.hdr, 1, key_dims };
static const asidl_ndr_array codes_arr = { ASIDL_NDR_HDR(ARRAY, 4, 0, 16), &asidl_ndr_t_uint32.hdr, 1, codes_dims };
static const asidl_ndr_array pair_arr = { ASIDL_NDR_HDR(ARRAY, 2, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_short.hdr, 1, pair_dims };
static const asidl_ndr_pointer key_ptr = { PTR_HDR(REF), &key_arr.hdr };
static const asidl_ndr_pointer codes_ptr = { PTR_HDR(REF), &codes_arr.hdr };
static const asidl_ndr_pointer pair_ptr = { PTR_HDR(REF), &pair_arr.hdr };
static const asidl_ndr_param fixed_params[] = {
    { "key", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &key_ptr.hdr },
    { "codes", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &codes_ptr.hdr },
    { "io", P_INOUT, ASIDL_NDR_C_PTR, sizeof(void *), &ref_long.hdr },
    { "pair", P_INOUT, ASIDL_NDR_C_PTR, sizeof(void *), &pair_ptr.hdr },
};
static const asidl_ndr_proc fixed_proc = PROC("Fixed", fixed_params, 0);

/* ---- boolean Wide([in] hyper n, [in, size_is(n)] unsigned short *v,
 *                   [in, unique, size_is(n)] byte *opt, [out] boolean *flag); ---- */
static const asidl_ndr_op wide_n[] = { { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(long long), 0 }, END };
static const asidl_ndr_dim wide_dims[] = { { .size_is = wide_n } };
static const asidl_ndr_array wide_v_arr = { ASIDL_NDR_HDR(ARRAY, 2, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_ushort.hdr, 1, wide_dims };
static const asidl_ndr_array wide_opt_arr = { ASIDL_NDR_HDR(ARRAY, 1, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_byte.hdr, 1, wide_dims };
static const asidl_ndr_pointer wide_v = { PTR_HDR(REF), &wide_v_arr.hdr };
static const asidl_ndr_pointer wide_opt = { PTR_HDR(UNIQUE), &wide_opt_arr.hdr };
static const asidl_ndr_pointer ref_boolean = { PTR_HDR(REF), &asidl_ndr_t_boolean.hdr };
static const asidl_ndr_param wide_params[] = {
    { "n", P_IN, ASIDL_NDR_C_OF(long long), sizeof(long long), &asidl_ndr_t_hyper.hdr },
    { "v", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &wide_v.hdr },
    { "opt", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &wide_opt.hdr },
    { "flag", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &ref_boolean.hdr },
    { "return", RET, ASIDL_NDR_C_OF(unsigned char), 1, &asidl_ndr_t_boolean.hdr },
};
static const asidl_ndr_proc wide_proc = PROC("Wide", wide_params, ASIDL_NDR_PROC_HAS_RETURN);

/* ===================================================================== a client's arguments */

/* The caller's side of one call: every parameter's storage, [out] storage pre-filled with a
 * pattern, so that what the reply writes (or leaves) can be compared. */
typedef struct client {
    void *h;
    unsigned long echo_n;
    unsigned char echo_in[40], echo_out[40];
    const unsigned char *echo_pin;
    unsigned char *echo_pout;
    long sum_n, sum_values[8], sum_total, sum_ret;
    long long sum_count;
    long *sum_pv, *sum_pt;
    long long *sum_pc;
    uint32_t late_data[8], late_n;
    short late_back[8], late_ret;
    uint32_t *late_pd;
    short *late_pb;
    unsigned char key[8];
    uint32_t codes[4];
    long io;
    short pair[2];
    unsigned char *pkey;
    uint32_t *pcodes;
    long *pio;
    short *ppair;
    long long wide_n;
    unsigned short wide_v[8];
    unsigned char wide_opt[8], wide_flag, wide_ret;
    unsigned short *wide_pv;
    unsigned char *wide_popt, *wide_pflag;
    void *args[8];
} client;

/* Builds the arguments of proc with sizes `n` (variant picks NULL or odd values). */
static void client_args(client *k, const asidl_ndr_proc *proc, long long n, int variant)
{
    memset(k, 0xA5, sizeof *k);
    k->h = NULL;
    for (int i = 0; i < 40; i++)
        k->echo_in[i] = (unsigned char)(i * 7 + 1);
    for (int i = 0; i < 8; i++) {
        k->sum_values[i] = variant == 2 && i == 1 ? (long)1 << 40 : 1000 * i - 3;
        k->late_data[i] = 0x01020304u * (uint32_t)(i + 1);
        k->key[i] = (unsigned char)(0xF0 + i);
        k->wide_v[i] = (unsigned short)(0x8000 + i);
        k->wide_opt[i] = (unsigned char)i;
    }
    k->io = 77;
    k->pair[0] = -1;
    k->pair[1] = 2;
    if (IS(proc, echo)) {
        k->echo_n = variant == 2 ? (unsigned long)1 << 33 : variant == 3 ? ~0ul : (unsigned long)n;
        k->echo_pin = variant == 1 ? NULL : k->echo_in;
        k->echo_pout = k->echo_out;
        void *a[] = { &k->h, &k->echo_n, &k->echo_pin, &k->echo_pout };
        memcpy(k->args, a, sizeof a);
    } else if (IS(proc, sum)) {
        k->sum_n = (long)n;
        k->sum_pv = k->sum_values;
        k->sum_pt = variant == 1 ? NULL : &k->sum_total;
        k->sum_pc = &k->sum_count;
        void *a[] = { &k->sum_n, &k->sum_pv, &k->sum_pt, &k->sum_pc, &k->sum_ret };
        memcpy(k->args, a, sizeof a);
    } else if (IS(proc, late)) {
        k->late_n = (uint32_t)n;
        k->late_pd = k->late_data;
        k->late_pb = variant == 1 ? NULL : k->late_back;
        void *a[] = { &k->late_pd, &k->late_n, &k->late_pb, &k->late_ret };
        memcpy(k->args, a, sizeof a);
    } else if (IS(proc, fixed)) {
        k->pkey = variant == 1 ? NULL : k->key;
        k->pcodes = k->codes;
        k->pio = &k->io;
        k->ppair = k->pair;
        void *a[] = { &k->pkey, &k->pcodes, &k->pio, &k->ppair };
        memcpy(k->args, a, sizeof a);
    } else {
        k->wide_n = variant == 2 ? -1 : n;
        k->wide_pv = k->wide_v;
        k->wide_popt = variant == 1 ? NULL : k->wide_opt;
        k->wide_pflag = &k->wide_flag;
        void *a[] = { &k->wide_n, &k->wide_pv, &k->wide_popt, &k->wide_pflag, &k->wide_ret };
        memcpy(k->args, a, sizeof a);
    }
}

/* What a reply can have written into the caller's storage. */
static void client_outputs(const client *k, const asidl_ndr_proc *proc, unsigned char *out, size_t *len)
{
#define TAKE(x) (memcpy(out + *len, &(x), sizeof(x)), *len += sizeof(x))
    *len = 0;
    if (IS(proc, echo)) {
        TAKE(k->echo_out);
    } else if (IS(proc, sum)) {
        TAKE(k->sum_total);
        TAKE(k->sum_count);
        TAKE(k->sum_ret);
    } else if (IS(proc, late)) {
        TAKE(k->late_back);
        TAKE(k->late_ret);
    } else if (IS(proc, fixed)) {
        TAKE(k->codes);
        TAKE(k->io);
        TAKE(k->pair);
    } else {
        TAKE(k->wide_flag);
        TAKE(k->wide_ret);
    }
#undef TAKE
}

/* ===================================================================== the server's side */

/* A manager that fills every [out] parameter from the [in] ones (so replies carry data). */
static void manager(const asidl_ndr_proc *proc, void **a)
{
    if (IS(proc, echo)) {
        unsigned long n = *(unsigned long *)a[1];
        memcpy(*(unsigned char **)a[3], *(unsigned char **)a[2], n);
    } else if (IS(proc, sum)) {
        long n = *(long *)a[0], *v = *(long **)a[1], t = 0;
        for (long i = 0; i < n; i++)
            t += v[i];
        **(long **)a[2] = t;
        **(long long **)a[3] = n;
        *(long *)a[4] = -t;
    } else if (IS(proc, late)) {
        uint32_t n = *(uint32_t *)a[1], *d = *(uint32_t **)a[0];
        short *b = *(short **)a[2];
        for (uint32_t i = 0; i < n; i++)
            b[i] = (short)(d[i] >> 16);
        *(short *)a[3] = (short)n;
    } else if (IS(proc, fixed)) {
        unsigned char *key = *(unsigned char **)a[0];
        uint32_t *codes = *(uint32_t **)a[1];
        for (int i = 0; i < 4; i++)
            codes[i] = (uint32_t)key[i] << 8 | key[i + 4];
        **(long **)a[2] += 1;
        (*(short **)a[3])[0] ^= 0x55;
    } else {
        **(unsigned char **)a[3] = *(long long *)a[0] > 2;
        *(unsigned char *)a[4] = 1;
    }
}

typedef struct outcome {
    long st;
    size_t len;
    unsigned char bytes[1024];
} outcome;

static bool same(const outcome *a, const outcome *b)
{
    return a->st == b->st && a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
}

static void append(outcome *o, const void *p, size_t n)
{
    if (o->len + n <= sizeof o->bytes) {
        memcpy(o->bytes + o->len, p, n);
        o->len += n;
    }
}

/* The server's view of a request: the unmarshal status and, when it succeeds, what was
 * received (marshalled back as a client would send it) and the reply the manager's results
 * make.  The frame is freed and must leave nothing allocated. */
static void serve(const asidl_ndr_proc *proc, const unsigned char *req, size_t len, unsigned drep, int in_place,
                  outcome *o)
{
    memset(o, 0, sizeof *o);
    void *args[8];
    unsigned char *block = malloc(asidl_ndr_frame_size(proc));
    asidl_ndr_frame_init(proc, block, args);
    asidl_ndr_call c;
    asidl_ndr_call_init(&c, ASIDL_NDR_SERVER);
    c.in_place = in_place;
    o->st = asidl_ndr_server_unmarshal(&c, proc, args, req, len, drep);
    asidl_ndr_call_cleanup(&c);
    if (o->st == RPC_S_OK) {
        asidl_ndr_call k;
        asidl_ndr_call_init(&k, ASIDL_NDR_CLIENT);
        asidl_ndr_buffer again;
        asidl_ndr_buffer_init(&again);
        long st = asidl_ndr_client_marshal(&k, proc, args, &again);
        append(o, &st, sizeof st);
        append(o, again.data, again.len);
        asidl_ndr_buffer_free(&again);
        asidl_ndr_call_cleanup(&k);
        manager(proc, args);
        asidl_ndr_call_init(&c, ASIDL_NDR_SERVER);
        asidl_ndr_buffer reply;
        asidl_ndr_buffer_init(&reply);
        st = asidl_ndr_server_marshal(&c, proc, args, &reply);
        append(o, &st, sizeof st);
        append(o, reply.data, reply.len);
        asidl_ndr_buffer_free(&reply);
        asidl_ndr_call_cleanup(&c);
        asidl_ndr_server_free(proc, args, in_place ? req : NULL, in_place ? len : 0);
    }
    CHECK_NO_LEAKS();
    free(block);
}

/* The client's view of a reply: the status and what the caller's storage holds after it. */
static void receive(const asidl_ndr_proc *proc, long long n, int variant, const unsigned char *rep, size_t len,
                    unsigned drep, outcome *o)
{
    memset(o, 0, sizeof *o);
    client *k = malloc(sizeof *k);
    client_args(k, proc, n, variant);
    asidl_ndr_call c;
    asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
    asidl_ndr_buffer req;
    asidl_ndr_buffer_init(&req);
    long st = asidl_ndr_client_marshal(&c, proc, k->args, &req);  /* records [in, out] capacities */
    asidl_ndr_buffer_free(&req);
    o->st = st ? st : asidl_ndr_client_unmarshal(&c, proc, k->args, rep, len, drep);
    asidl_ndr_call_cleanup(&c);
    unsigned char out[512];
    size_t out_len;
    client_outputs(k, proc, out, &out_len);
    append(o, out, out_len);
    CHECK_NO_LEAKS();
    free(k);
}

/* ===================================================================== the comparison */

static int compared, differed;

static void report(const char *what, const asidl_ndr_proc *proc, size_t at, int value, const outcome *general,
                   const outcome *fast)
{
    if (differed++ < 10)
        printf("#   %s of %s (offset %zu, value %d): general %ld, shortcuts %ld%s\n", what, proc->name, at, value,
               general->st, fast->st, general->st == fast->st ? " (same status, other octets)" : "");
    test_failed_checks_++;
}

static void compare_request(const asidl_ndr_proc *proc, const unsigned char *req, size_t len, unsigned drep,
                            size_t at, int value)
{
    for (int in_place = 0; in_place <= 1; in_place++) {
        outcome general, fast;
        ndr_use_fast_paths(false);
        serve(proc, req, len, drep, in_place, &general);
        ndr_use_fast_paths(true);
        serve(proc, req, len, drep, in_place, &fast);
        compared++;
        if (!same(&general, &fast))
            report(in_place ? "request (in place)" : "request", proc, at, value, &general, &fast);
    }
}

static void compare_reply(const asidl_ndr_proc *proc, long long n, int variant, const unsigned char *rep, size_t len,
                          unsigned drep, size_t at, int value)
{
    outcome general, fast;
    ndr_use_fast_paths(false);
    receive(proc, n, variant, rep, len, drep, &general);
    ndr_use_fast_paths(true);
    receive(proc, n, variant, rep, len, drep, &fast);
    compared++;
    if (!same(&general, &fast))
        report("reply", proc, at, value, &general, &fast);
}

/* Feeds a message and its damaged forms to check(msg, len, drep, offset, value). */
typedef void damage_fn(const asidl_ndr_proc *proc, long long n, int variant, const unsigned char *msg, size_t len,
                       unsigned drep, size_t at, int value);

static void request_check(const asidl_ndr_proc *proc, long long n, int variant, const unsigned char *msg, size_t len,
                          unsigned drep, size_t at, int value)
{
    (void)n;
    (void)variant;
    compare_request(proc, msg, len, drep, at, value);
}

static void with_damage(const asidl_ndr_proc *proc, long long n, int variant, const unsigned char *msg, size_t len,
                        damage_fn *check)
{
    unsigned char *copy = malloc(len + 8);
    check(proc, n, variant, msg, len, ASIDL_NDR_DREP_LITTLE_ENDIAN, len, -1);
    check(proc, n, variant, msg, len, ASIDL_NDR_DREP_BIG_ENDIAN, len, -2);
    memcpy(copy, msg, len);
    memset(copy + len, 0, 8);
    check(proc, n, variant, copy, len + 8, ASIDL_NDR_DREP_LITTLE_ENDIAN, len, -3);     /* trailing octets */
    for (size_t cut = 0; cut < len; cut++)
        check(proc, n, variant, msg, cut, ASIDL_NDR_DREP_LITTLE_ENDIAN, cut, -4);
    static const int values[] = { 0x00, 0xFF, 0x80, 0x7F, 0x01, 0x10 };
    for (size_t at = 0; at < len; at++) {
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
            memcpy(copy, msg, len);
            if (copy[at] == values[v])
                continue;
            copy[at] = (unsigned char)values[v];
            check(proc, n, variant, copy, len, ASIDL_NDR_DREP_LITTLE_ENDIAN, at, values[v]);
        }
    }
    for (int r = 0; r < 200; r++) {
        memcpy(copy, msg, len);
        for (int f = 0; f < 1 + r % 3 && len; f++)
            copy[ndr_rand() % len] = (unsigned char)ndr_rand();
        check(proc, n, variant, copy, len, ASIDL_NDR_DREP_LITTLE_ENDIAN, 0, 1000 + r);
    }
    free(copy);
}

/* A whole call both ways, then its request and its reply damaged every way. */
static void compare_call(const asidl_ndr_proc *proc, long long n, int variant)
{
    const char *why = NULL;
    CHECK_OK(asidl_ndr_validate_proc(proc, &why));
    client *k = malloc(sizeof *k);
    asidl_ndr_buffer req[2];
    long st[2];
    for (int fast = 0; fast <= 1; fast++) {
        ndr_use_fast_paths(fast);
        client_args(k, proc, n, variant);
        asidl_ndr_call c;
        asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
        asidl_ndr_buffer_init(&req[fast]);
        st[fast] = asidl_ndr_client_marshal(&c, proc, k->args, &req[fast]);
        asidl_ndr_call_cleanup(&c);
    }
    CHECK_EQ_INT(st[1], st[0]);
    CHECK(req[0].len == req[1].len && (!req[0].len || memcmp(req[0].data, req[1].data, req[0].len) == 0));
    if (st[0] == RPC_S_OK) {
        with_damage(proc, n, variant, req[0].data, req[0].len, request_check);
        /* the reply, as the general walk produces it from the intact request */
        ndr_use_fast_paths(false);
        void *args[8];
        unsigned char *block = malloc(asidl_ndr_frame_size(proc));
        asidl_ndr_frame_init(proc, block, args);
        asidl_ndr_call c;
        asidl_ndr_call_init(&c, ASIDL_NDR_SERVER);
        asidl_ndr_buffer rep;
        asidl_ndr_buffer_init(&rep);
        CHECK_OK(asidl_ndr_server_unmarshal(&c, proc, args, req[0].data, req[0].len, ASIDL_NDR_DREP_LITTLE_ENDIAN));
        manager(proc, args);
        CHECK_OK(asidl_ndr_server_marshal(&c, proc, args, &rep));
        asidl_ndr_server_free(proc, args, NULL, 0);
        asidl_ndr_call_cleanup(&c);
        free(block);
        with_damage(proc, n, variant, rep.data, rep.len, compare_reply);
        asidl_ndr_buffer_free(&rep);
    }
    ndr_use_fast_paths(true);
    asidl_ndr_buffer_free(&req[0]);
    asidl_ndr_buffer_free(&req[1]);
    free(k);
    CHECK_NO_LEAKS();
}

/* ===================================================================== tests */

TEST(echo_agrees_with_the_general_walk)
{
    compared = differed = 0;
    compare_call(&echo_proc, 16, 0);
    compare_call(&echo_proc, 0, 0);
    compare_call(&echo_proc, 1, 0);
    compare_call(&echo_proc, 37, 0);
    compare_call(&echo_proc, 16, 1);    /* NULL [ref] pointer */
    compare_call(&echo_proc, 16, 2);    /* n beyond 32 bits */
    compare_call(&echo_proc, 16, 3);    /* n beyond INT64_MAX: no valid count */
    CHECK(compared > 1000);
}

TEST(long_arrays_and_ref_results_agree_with_the_general_walk)
{
    compare_call(&sum_proc, 3, 0);
    compare_call(&sum_proc, 0, 0);
    compare_call(&sum_proc, 3, 1);      /* NULL [out] pointer */
    compare_call(&sum_proc, 3, 2);      /* an element beyond 32 bits */
    compare_call(&sum_proc, -1, 0);     /* negative size */
}

TEST(a_size_after_its_array_agrees_with_the_general_walk)
{
    compare_call(&late_proc, 5, 0);
    compare_call(&late_proc, 0, 0);
    compare_call(&late_proc, 5, 1);
}

TEST(fixed_and_in_out_data_agree_with_the_general_walk)
{
    compare_call(&fixed_proc, 0, 0);
    compare_call(&fixed_proc, 0, 1);
}

TEST(wide_negative_sizes_and_unique_arrays_agree_with_the_general_walk)
{
    compare_call(&wide_proc, 4, 0);
    compare_call(&wide_proc, 4, 1);     /* NULL unique pointer */
    compare_call(&wide_proc, 0, 0);
    compare_call(&wide_proc, 4, 2);     /* size -1 */
}

/* The shortcuts' own checks, with the statuses the general walk gives. */
TEST(malformed_echo_requests_are_refused_as_before)
{
    static const struct { const char *hex; long st; } cases[] = {
        /* n = 4, conformance 4, 4 octets: accepted */
        { "04000000 04000000 01020304", RPC_S_OK },
        /* conformance larger than the octets that follow */
        { "04000000 05000000 01020304", RPC_X_BAD_STUB_DATA },
        /* conformance disagrees with n */
        { "04000000 03000000 010203", RPC_X_BAD_STUB_DATA },
        /* huge conformance: refused before anything is allocated */
        { "ffffffff ffffffff 01020304", RPC_X_BAD_STUB_DATA },
        /* negative-looking conformance */
        { "00000080 00000080 01020304", RPC_X_BAD_STUB_DATA },
        /* truncated conformance */
        { "04000000 0400", RPC_X_BAD_STUB_DATA },
        /* no n at all */
        { "", RPC_X_BAD_STUB_DATA },
    };
    for (int fast = 0; fast <= 1; fast++) {
        ndr_use_fast_paths(fast);
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            unsigned char req[64];
            size_t len = ndr_unhex(cases[i].hex, req, sizeof req);
            outcome o;
            serve(&echo_proc, req, len, ASIDL_NDR_DREP_LITTLE_ENDIAN, 1, &o);
            CHECK_EQ_INT(o.st, cases[i].st);
        }
    }
    ndr_use_fast_paths(true);
}

TEST(malformed_echo_replies_are_refused_as_before)
{
    /* the caller's buffer holds n = 4 octets */
    static const struct { const char *hex; long st; } cases[] = {
        { "04000000 01020304", RPC_S_OK },
        { "05000000 0102030405", RPC_X_INVALID_BOUND },     /* more than the caller's buffer holds */
        { "03000000 010203", RPC_X_BAD_STUB_DATA },         /* disagrees with n */
        { "04000000 010203", RPC_X_BAD_STUB_DATA },         /* short */
        { "ffffffff 01020304", RPC_X_BAD_STUB_DATA },       /* huge */
    };
    for (int fast = 0; fast <= 1; fast++) {
        ndr_use_fast_paths(fast);
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
            unsigned char rep[64];
            size_t len = ndr_unhex(cases[i].hex, rep, sizeof rep);
            outcome o;
            receive(&echo_proc, 4, 0, rep, len, ASIDL_NDR_DREP_LITTLE_ENDIAN, &o);
            CHECK_EQ_INT(o.st, cases[i].st);
            if (cases[i].st == RPC_S_OK)
                CHECK(memcmp(o.bytes, "\x01\x02\x03\x04", 4) == 0);
        }
    }
    ndr_use_fast_paths(true);
}

/* ---- void Six([in] long *a, ... [in] long *f): six allocations in one request, more than the
 *      undo log holds inside the call ---- */
static const asidl_ndr_param six_params[] = {
    { "a", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &ref_long.hdr },
    { "b", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &ref_long.hdr },
    { "c", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &ref_long.hdr },
    { "d", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &ref_long.hdr },
    { "e", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &ref_long.hdr },
    { "f", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &ref_long.hdr },
};
static const asidl_ndr_proc six_proc = PROC("Six", six_params, 0);

TEST(a_failed_request_takes_back_more_allocations_than_the_call_holds)
{
    unsigned char req[64];
    size_t len = ndr_unhex("01000000 02000000 03000000 04000000 05000000 06000000", req, sizeof req);
    for (int fast = 0; fast <= 1; fast++) {
        ndr_use_fast_paths(fast);
        for (size_t cut = 0; cut <= len; cut++) {
            void *args[6];
            _Alignas(16) unsigned char block[64];
            asidl_ndr_frame_init(&six_proc, block, args);
            asidl_ndr_call c;
            asidl_ndr_call_init(&c, ASIDL_NDR_SERVER);
            long st = asidl_ndr_server_unmarshal(&c, &six_proc, args, req, cut, ASIDL_NDR_DREP_LITTLE_ENDIAN);
            CHECK_EQ_INT(st, cut == len ? RPC_S_OK : RPC_X_BAD_STUB_DATA);
            if (st == RPC_S_OK) {
                CHECK_EQ_INT(**(long **)args[5], 6);
                asidl_ndr_server_free(&six_proc, args, NULL, 0);
            } else {
                for (int i = 0; i < 6; i++)
                    CHECK(*(void **)args[i] == NULL);   /* taken back, pointers reset */
            }
            asidl_ndr_call_cleanup(&c);
            CHECK_NO_LEAKS();
        }
    }
    ndr_use_fast_paths(true);
}

TEST(a_local_buffer_moves_to_the_heap_once_outgrown)
{
    unsigned char storage[32];
    void *h = NULL;
    unsigned long n = 8;
    unsigned char in[100], out[100], *pin = in, *pout = out;
    for (int i = 0; i < 100; i++)
        in[i] = (unsigned char)(3 * i);
    void *args[] = { &h, &n, &pin, &pout };
    for (int round = 0; round < 2; round++) {
        n = round ? 100 : 8;
        asidl_ndr_buffer b;
        asidl_ndr_buffer_init_local(&b, storage, sizeof storage);
        asidl_ndr_call c;
        asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
        CHECK_OK(asidl_ndr_client_marshal(&c, &echo_proc, args, &b));
        CHECK_EQ_INT(b.len, 8 + n);
        CHECK(round ? b.data != storage : b.data == storage);   /* 108 octets do not fit 32 */
        CHECK(b.cap >= b.len);
        CHECK_EQ_INT(b.data[4], n);
        CHECK(memcmp(b.data + 8, in, n) == 0);
        asidl_ndr_call_cleanup(&c);
        asidl_ndr_buffer_free(&b);      /* frees the heap block, never the storage */
        CHECK(b.data == NULL && b.len == 0);
    }
    /* without storage it is an ordinary growing buffer */
    asidl_ndr_buffer b;
    asidl_ndr_buffer_init_local(&b, NULL, 0);
    asidl_ndr_call c;
    asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
    CHECK_OK(asidl_ndr_client_marshal(&c, &echo_proc, args, &b));
    CHECK_EQ_INT(b.len, 108);
    asidl_ndr_call_cleanup(&c);
    asidl_ndr_buffer_free(&b);
}

/* A descriptor built in memory that later holds another: the second is not run with what was
 * worked out for the first. */
TEST(a_descriptor_reused_for_another_gets_its_own_info)
{
    asidl_ndr_proc *p = malloc(sizeof *p);
    *p = echo_proc;
    compare_call(p, 16, 0);
    const ndr_proc_info *first = ndr_proc_info_get(p);
    CHECK(first && first->params == echo_params);
    *p = sum_proc;
    compare_call(p, 5, 0);
    const ndr_proc_info *second = ndr_proc_info_get(p);
    CHECK(second && second->params == sum_params && second->n_params == 5 && second != first);
    CHECK_EQ_INT(asidl_ndr_frame_size(p), asidl_ndr_frame_size(&sum_proc));
    /* and the request is the one the original descriptor gives */
    client *k = malloc(sizeof *k);
    asidl_ndr_buffer req[2];
    for (int copy = 0; copy <= 1; copy++) {
        client_args(k, &sum_proc, 5, 0);
        asidl_ndr_call c;
        asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
        asidl_ndr_buffer_init(&req[copy]);
        CHECK_OK(asidl_ndr_client_marshal(&c, copy ? p : &sum_proc, k->args, &req[copy]));
        asidl_ndr_call_cleanup(&c);
    }
    CHECK(req[0].len == req[1].len && req[0].len && memcmp(req[0].data, req[1].data, req[0].len) == 0);
    asidl_ndr_buffer_free(&req[0]);
    asidl_ndr_buffer_free(&req[1]);
    free(k);
    free(p);
}

/* Descriptors whose addresses all hash to one slot of the table: past the slots a lookup
 * probes, a procedure has no info, and every entry point works it out per call, with the same
 * results. */
TEST(procedures_the_table_cannot_keep_work_the_same)
{
    enum { COPIES = 24 };
    const size_t stride = (size_t)NDR_INFO_SLOTS << 4;     /* same slot (ndr_info_slot) */
    unsigned char *mem = malloc(COPIES * stride);
    asidl_ndr_proc *none = NULL, *kept = NULL;
    for (int i = 0; i < COPIES; i++) {
        asidl_ndr_proc *p = (asidl_ndr_proc *)(void *)(mem + (size_t)i * stride);
        *p = echo_proc;
        if (ndr_proc_info_get(p))
            kept = p;
        else if (!none)
            none = p;
    }
    CHECK(kept && none);
    void *args[2][8];
    unsigned char *frames[2];
    for (int i = 0; i < 2; i++) {
        const asidl_ndr_proc *p = i ? none : kept;
        CHECK_EQ_INT(asidl_ndr_frame_size(p), asidl_ndr_frame_size(&echo_proc));
        frames[i] = malloc(asidl_ndr_frame_size(p));
        asidl_ndr_frame_init(p, frames[i], args[i]);
        for (int j = 0; j < 4; j++)
            CHECK((unsigned char *)args[i][j] - frames[i] == (unsigned char *)args[0][j] - frames[0]);
    }
    free(frames[0]);
    free(frames[1]);
    compare_call(none, 16, 0);
    compare_call(none, 16, 1);
    compare_call(kept, 37, 0);
    /* kept and worked out per call, the same request and, served, the same reply */
    client *k = malloc(sizeof *k);
    asidl_ndr_buffer req[2];
    outcome *served = malloc(2 * sizeof *served);
    for (int i = 0; i < 2; i++) {
        client_args(k, &echo_proc, 37, 0);
        asidl_ndr_call c;
        asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
        asidl_ndr_buffer_init(&req[i]);
        CHECK_OK(asidl_ndr_client_marshal(&c, i ? none : kept, k->args, &req[i]));
        asidl_ndr_call_cleanup(&c);
        serve(i ? none : kept, req[i].data, req[i].len, ASIDL_NDR_DREP_LITTLE_ENDIAN, 1, &served[i]);
    }
    CHECK(req[0].len == req[1].len && req[0].len && memcmp(req[0].data, req[1].data, req[0].len) == 0);
    CHECK_OK(served[0].st);
    CHECK(served[0].len && same(&served[0], &served[1]));
    asidl_ndr_buffer_free(&req[0]);
    asidl_ndr_buffer_free(&req[1]);
    free(served);
    free(k);
    free(mem);
}

/* ---- the frame's room for [out] referents (ndr_proc.c) ---- */

/* Echo's request for n octets, unmarshalled into args (a frame of `frame_size` octets at
 * block, laid out by asidl_ndr_frame_init unless the caller moved its slots); the manager's
 * echo; the reply; then the frame freed.  Returns the status of the unmarshal and the blocks
 * that were live while the manager ran. */
static long echo_in_frame(unsigned long n, void **args, unsigned char *block, size_t alloc_limit, long *live,
                          bool *in_frame)
{
    static unsigned char in[4096], out[4096];
    for (size_t i = 0; i < sizeof in; i++)
        in[i] = (unsigned char)(i * 7 + 1);
    const unsigned char *in_p = in;
    unsigned char *out_p = out;
    void *h = NULL;
    void *cargs[4] = { &h, &n, &in_p, &out_p };
    asidl_ndr_call c;
    asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
    asidl_ndr_buffer req;
    asidl_ndr_buffer_init(&req);
    CHECK_OK(asidl_ndr_client_marshal(&c, &echo_proc, cargs, &req));
    asidl_ndr_call_cleanup(&c);

    asidl_ndr_call_init(&c, ASIDL_NDR_SERVER);
    c.alloc_limit = alloc_limit;
    c.in_place = 1;
    long st = asidl_ndr_server_unmarshal(&c, &echo_proc, args, req.data, req.len, ASIDL_NDR_DREP_LITTLE_ENDIAN);
    *live = ndr_live_blocks;
    *in_frame = false;
    if (st == RPC_S_OK) {
        unsigned char *o = *(unsigned char **)args[3];
        const unsigned char *i = *(const unsigned char **)args[2];
        *in_frame = o >= block && o < block + asidl_ndr_frame_size(&echo_proc);
        for (unsigned long k = 0; k < n; k++)
            CHECK(o[k] == 0);       /* [out] storage starts zeroed */
        memcpy(o, i, n);
        asidl_ndr_buffer rep;
        asidl_ndr_buffer_init(&rep);
        CHECK_OK(asidl_ndr_server_marshal(&c, &echo_proc, args, &rep));
        asidl_ndr_server_free(&echo_proc, args, req.data, req.len);
        CHECK(rep.len == 4 + n);
        CHECK(memcmp(rep.data + 4, in, n) == 0);
        asidl_ndr_buffer_free(&rep);
    } else {
        CHECK(*(void **)args[3] == NULL);   /* a failed unmarshal leaves nothing in the frame */
    }
    asidl_ndr_call_cleanup(&c);
    asidl_ndr_buffer_free(&req);
    CHECK_NO_LEAKS();
    return st;
}

TEST(small_out_buffers_live_in_the_frame_and_larger_ones_on_the_heap)
{
    size_t size = asidl_ndr_frame_size(&echo_proc);
    CHECK(size >= 4 * sizeof(void *) + 256);
    void *args[4];
    unsigned char *block = malloc(size);
    long live;
    bool in_frame;
    unsigned long sizes[] = { 0, 1, 16, 255, 256 };
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        memset(block, 0xA5, size);      /* the room need not start cleared */
        asidl_ndr_frame_init(&echo_proc, block, args);
        CHECK_OK(echo_in_frame(sizes[k], args, block, SIZE_MAX, &live, &in_frame));
        CHECK(in_frame);
        /* no MIDL_user_allocate for it (an empty [in] array is a block of its own), and
         * asidl_ndr_server_free did not free it (CHECK_NO_LEAKS: the count stays level) */
        CHECK_EQ_INT(live, sizes[k] == 0 ? 1 : 0);
    }
    /* beyond the room: a block, freed as before */
    asidl_ndr_frame_init(&echo_proc, block, args);
    CHECK_OK(echo_in_frame(257, args, block, SIZE_MAX, &live, &in_frame));
    CHECK(!in_frame);
    CHECK_EQ_INT(live, 1);
    /* the room counts against the call's allocation cap as a block would */
    asidl_ndr_frame_init(&echo_proc, block, args);
    CHECK_STATUS(echo_in_frame(16, args, block, 15, &live, &in_frame), RPC_X_NO_MEMORY);
    CHECK_EQ_INT(live, 0);
    /* with the shortcuts off, a block */
    ndr_use_fast_paths(false);
    asidl_ndr_frame_init(&echo_proc, block, args);
    CHECK_OK(echo_in_frame(16, args, block, SIZE_MAX, &live, &in_frame));
    CHECK(!in_frame);
    CHECK_EQ_INT(live, 1);
    ndr_use_fast_paths(true);
    free(block);
}

TEST(a_frame_whose_slots_are_elsewhere_gets_blocks)
{
    /* slots of the caller's own making: the room after them is not known to be there */
    void *h = NULL, *in = NULL, *out = NULL;
    unsigned long n = 0;
    void *args[4] = { &h, &n, &in, &out };
    unsigned char block[1];
    long live;
    bool in_frame;
    CHECK_OK(echo_in_frame(16, args, block, SIZE_MAX, &live, &in_frame));
    CHECK(!in_frame);
    CHECK_EQ_INT(live, 1);
}

int main(void)
{
    RUN(echo_agrees_with_the_general_walk);
    RUN(long_arrays_and_ref_results_agree_with_the_general_walk);
    RUN(a_size_after_its_array_agrees_with_the_general_walk);
    RUN(fixed_and_in_out_data_agree_with_the_general_walk);
    RUN(wide_negative_sizes_and_unique_arrays_agree_with_the_general_walk);
    RUN(malformed_echo_requests_are_refused_as_before);
    RUN(malformed_echo_replies_are_refused_as_before);
    RUN(a_failed_request_takes_back_more_allocations_than_the_call_holds);
    RUN(a_local_buffer_moves_to_the_heap_once_outgrown);
    RUN(a_descriptor_reused_for_another_gets_its_own_info);
    RUN(procedures_the_table_cannot_keep_work_the_same);
    RUN(small_out_buffers_live_in_the_frame_and_larger_ones_on_the_heap);
    RUN(a_frame_whose_slots_are_elsewhere_gets_blocks);
    return test_exit();
}
