/*
 * Procedure-level marshalling, as stubs and the server dispatcher use it: argument frames,
 * [in]/[out]/[in,out] parameters, return values, handles that do not travel, correlation over
 * parameters (also with the size after the array), top-level pointers (referents in place,
 * full pointers aliased across parameters), the client refilling the caller's memory as MIDL
 * does, the server allocating [out]-only storage, a manager routine called through libffi
 * straight from the frame, and an asynchronous-style completion marshalled later from another
 * thread.
 */
#include <ffi.h>
#include <pthread.h>
#include <stddef.h>

#include "ndr_test.h"

#define PTR_HDR(kind) ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_PTR_##kind, sizeof(void *))
#define CPLX ASIDL_NDR_F_COMPLEX
#define P_IN ASIDL_NDR_PARAM_IN
#define P_OUT ASIDL_NDR_PARAM_OUT
#define RET (ASIDL_NDR_PARAM_OUT | ASIDL_NDR_PARAM_RETURN)
#define END { ASIDL_NDR_OP_END, 0, 0 }

/* Runs a whole call: client marshal, server unmarshal, manager, server marshal, server free,
 * client unmarshal.  Returns the request and reply through the buffers (caller frees). */
typedef void (*manager_fn)(void **frame);

static long run_call(const asidl_ndr_proc *proc, void **client_args, manager_fn manager,
                     asidl_ndr_buffer *request, asidl_ndr_buffer *reply)
{
    asidl_ndr_call client, server;
    asidl_ndr_call_init(&client, ASIDL_NDR_CLIENT);
    asidl_ndr_call_init(&server, ASIDL_NDR_SERVER);
    asidl_ndr_buffer_init(request);
    asidl_ndr_buffer_init(reply);
    long st = asidl_ndr_client_marshal(&client, proc, client_args, request);
    void *frame_args[16];
    void *block = malloc(asidl_ndr_frame_size(proc));
    asidl_ndr_frame_init(proc, block, frame_args);
    if (!st)
        st = asidl_ndr_server_unmarshal(&server, proc, frame_args, request->data, request->len,
                                        ASIDL_NDR_DREP_LITTLE_ENDIAN);
    if (!st) {
        manager(frame_args);
        size_t size = 0;
        st = asidl_ndr_server_size(&server, proc, frame_args, &size);
        if (!st)
            st = asidl_ndr_server_marshal(&server, proc, frame_args, reply);
        if (!st && size != reply->len)
            st = -2;
        asidl_ndr_server_free(proc, frame_args, NULL, 0);
    }
    if (!st)
        st = asidl_ndr_client_unmarshal(&client, proc, client_args, reply->data, reply->len,
                                        ASIDL_NDR_DREP_LITTLE_ENDIAN);
    free(block);
    asidl_ndr_call_cleanup(&client);
    asidl_ndr_call_cleanup(&server);
    return st;
}

/* ---- long Sum([in] handle_t h, [in] long n, [in, size_is(n)] long *values,
 *               [out] long *total, [out] hyper *count); ---- */
static const asidl_ndr_op sum_n[] = { { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(long), 1 }, END };   /* n */
static const asidl_ndr_dim sum_dims[] = { { .size_is = sum_n } };
static const asidl_ndr_array sum_values_arr = { ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_long.hdr, 1, sum_dims };
static const asidl_ndr_pointer sum_values = { PTR_HDR(REF), &sum_values_arr.hdr };
static const asidl_ndr_pointer ref_long = { PTR_HDR(REF), &asidl_ndr_t_long.hdr };
static const asidl_ndr_pointer ref_hyper = { PTR_HDR(REF), &asidl_ndr_t_hyper.hdr };
static const asidl_ndr_param sum_params[] = {
    { "h", P_IN | ASIDL_NDR_PARAM_NOWIRE, ASIDL_NDR_C_PTR, sizeof(void *), NULL },
    { "n", P_IN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
    { "values", P_IN, ASIDL_NDR_C_PTR, sizeof(long *), &sum_values.hdr },
    { "total", P_OUT, ASIDL_NDR_C_PTR, sizeof(long *), &ref_long.hdr },
    { "count", P_OUT, ASIDL_NDR_C_PTR, sizeof(long long *), &ref_hyper.hdr },
    { "return", RET, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
};
static const asidl_ndr_proc sum_proc = {
    ASIDL_NDR_MAGIC, 0, 6, ASIDL_NDR_PROC_HAS_RETURN, ASIDL_NDR_HANDLE_EXPLICIT, 0, "Sum", sum_params, NULL, NULL, NULL,
};

/* The manager routine as an application writes it. */
static long Sum(void *h, long n, long *values, long *total, long long *count)
{
    (void)h;
    *total = 0;
    for (long i = 0; i < n; i++)
        *total += values[i];
    *count = n;
    return n > 0 ? 0 : 5;
}

static void sum_manager(void **a)
{
    *(long *)a[5] = Sum(*(void **)a[0], *(long *)a[1], *(long **)a[2], *(long **)a[3], *(long long **)a[4]);
}

TEST(a_whole_call_in_and_out)
{
    void *h = NULL;
    long n = 3, values[3] = { 1, 2, 3 }, total = -1, ret = -1;
    long long count = -1;
    long *pv = values, *pt = &total;
    long long *pc = &count;
    void *args[] = { &h, &n, &pv, &pt, &pc, &ret };
    asidl_ndr_buffer req, rep;
    CHECK_OK(run_call(&sum_proc, args, sum_manager, &req, &rep));
    /* the handle does not travel; the [ref] array's count and elements are in place */
    CHECK_HEX(req.data, req.len, "03000000 03000000 01000000 02000000 03000000");
    /* total, count aligned to 8, return value */
    CHECK_HEX(rep.data, rep.len, "06000000 00000000 0300000000000000 00000000");
    CHECK_EQ_INT(total, 6);
    CHECK_EQ_INT(count, 3);
    CHECK_EQ_INT(ret, 0);
    asidl_ndr_buffer_free(&req);
    asidl_ndr_buffer_free(&rep);
    CHECK_NO_LEAKS();
}

TEST(a_failed_reply_zeroes_out_only_parameters)
{
    void *h = NULL;
    long n = 3, values[3] = { 1, 2, 3 }, total = 99, ret = 99;
    long long count = 99;
    long *pv = values, *pt = &total;
    long long *pc = &count;
    void *args[] = { &h, &n, &pv, &pt, &pc, &ret };
    asidl_ndr_call c;
    asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
    unsigned char reply[24];
    size_t len = ndr_unhex("06000000 00000000 0300000000000000 000000", reply, sizeof reply);   /* short */
    CHECK_STATUS(asidl_ndr_client_unmarshal(&c, &sum_proc, args, reply, len, ASIDL_NDR_DREP_LITTLE_ENDIAN),
                 RPC_X_BAD_STUB_DATA);
    CHECK_EQ_INT(total, 0);
    CHECK_EQ_INT(count, 0);
    CHECK_EQ_INT(ret, 0);
    CHECK_EQ_INT(values[2], 3);     /* [in] data is not touched */
    asidl_ndr_call_cleanup(&c);
    CHECK_NO_LEAKS();
}

TEST(the_manager_is_called_through_libffi_from_the_frame)
{
    /* What the server dispatcher does: one cif per procedure from the parameters' C types. */
    ffi_type *types[8], *rtype = NULL;
    unsigned nargs = 0;
    for (unsigned i = 0; i < sum_proc.n_params; i++) {
        const asidl_ndr_param *p = &sum_proc.params[i];
        ffi_type *t = p->ctype == ASIDL_NDR_C_PTR ? &ffi_type_pointer
                    : p->ctype == ASIDL_NDR_C_OF(long) ? &ffi_type_slong : NULL;
        CHECK(t != NULL);
        if (p->flags & ASIDL_NDR_PARAM_RETURN)
            rtype = t;
        else
            types[nargs++] = t;
    }
    ffi_cif cif;
    CHECK_EQ_INT(ffi_prep_cif(&cif, FFI_DEFAULT_ABI, nargs, rtype, types), FFI_OK);

    asidl_ndr_call client, server;
    asidl_ndr_call_init(&client, ASIDL_NDR_CLIENT);
    asidl_ndr_call_init(&server, ASIDL_NDR_SERVER);
    void *h = NULL;
    long n = 4, values[4] = { 10, 20, 30, 40 }, total = 0, ret = -1;
    long long count = 0;
    long *pv = values, *pt = &total;
    long long *pc = &count;
    void *cargs[] = { &h, &n, &pv, &pt, &pc, &ret };
    asidl_ndr_buffer req, rep;
    asidl_ndr_buffer_init(&req);
    asidl_ndr_buffer_init(&rep);
    CHECK_OK(asidl_ndr_client_marshal(&client, &sum_proc, cargs, &req));
    void *frame[6];
    void *block = malloc(asidl_ndr_frame_size(&sum_proc));
    asidl_ndr_frame_init(&sum_proc, block, frame);
    CHECK_OK(asidl_ndr_server_unmarshal(&server, &sum_proc, frame, req.data, req.len, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    ffi_arg result;
    ffi_call(&cif, FFI_FN(Sum), &result, frame);
    *(long *)frame[5] = (long)result;
    CHECK_OK(asidl_ndr_server_marshal(&server, &sum_proc, frame, &rep));
    asidl_ndr_server_free(&sum_proc, frame, NULL, 0);
    CHECK_OK(asidl_ndr_client_unmarshal(&client, &sum_proc, cargs, rep.data, rep.len, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    CHECK_EQ_INT(total, 100);
    CHECK_EQ_INT(count, 4);
    CHECK_EQ_INT(ret, 0);
    free(block);
    asidl_ndr_buffer_free(&req);
    asidl_ndr_buffer_free(&rep);
    asidl_ndr_call_cleanup(&client);
    asidl_ndr_call_cleanup(&server);
    CHECK_NO_LEAKS();
}

/* An asynchronous server call: the frame outlives the dispatch and another thread marshals
 * the [out] parameters when the manager completes it. */
struct completion {
    void **frame;
    asidl_ndr_buffer reply;
    long status;
};

static void *complete_later(void *arg)
{
    struct completion *w = arg;
    asidl_ndr_call c;
    asidl_ndr_call_init(&c, ASIDL_NDR_SERVER);
    *(long *)w->frame[5] = 0;           /* RpcAsyncCompleteCall(pAsync, &ret) */
    **(long **)w->frame[3] = 42;
    **(long long **)w->frame[4] = 7;
    asidl_ndr_buffer_init(&w->reply);
    w->status = asidl_ndr_server_marshal(&c, &sum_proc, w->frame, &w->reply);
    asidl_ndr_server_free(&sum_proc, w->frame, NULL, 0);
    asidl_ndr_call_cleanup(&c);
    return NULL;
}

TEST(out_parameters_can_be_marshalled_later_from_another_thread)
{
    asidl_ndr_call server;
    asidl_ndr_call_init(&server, ASIDL_NDR_SERVER);
    unsigned char req[32];
    size_t len = ndr_unhex("02000000 02000000 05000000 06000000", req, sizeof req);
    void *frame[6];
    void *block = malloc(asidl_ndr_frame_size(&sum_proc));
    asidl_ndr_frame_init(&sum_proc, block, frame);
    CHECK_OK(asidl_ndr_server_unmarshal(&server, &sum_proc, frame, req, len, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    asidl_ndr_call_cleanup(&server);    /* the dispatch is over; the frame is all that is kept */
    struct completion w = { frame, { 0 }, -1 };
    pthread_t t;
    pthread_create(&t, NULL, complete_later, &w);
    pthread_join(t, NULL);
    CHECK_OK(w.status);
    CHECK_HEX(w.reply.data, w.reply.len, "2a000000 00000000 0700000000000000 00000000");
    asidl_ndr_buffer_free(&w.reply);
    free(block);
    CHECK_NO_LEAKS();
}

/* ---- void Fill([in, out] struct rec *r), struct rec { long n; [unique] long *p; [unique, string] char *name; } */
struct rec {
    long n;
    long *p;
    char *name;
};
static const asidl_ndr_pointer unique_long = { PTR_HDR(UNIQUE), &asidl_ndr_t_long.hdr };
static const asidl_ndr_dim unsized[] = { { 0 } };
static const asidl_ndr_array cstring = {
    ASIDL_NDR_HDR(ARRAY, 1, ASIDL_NDR_F_CONFORMANT | ASIDL_NDR_F_VARYING | ASIDL_NDR_F_STRING, 0), &asidl_ndr_t_char.hdr, 1, unsized,
};
static const asidl_ndr_pointer unique_string = { PTR_HDR(UNIQUE), &cstring.hdr };
static const asidl_ndr_field rec_fields[] = {
    { offsetof(struct rec, n), &asidl_ndr_t_long.hdr },    /* n */
    { offsetof(struct rec, p), &unique_long.hdr },         /* p */
    { offsetof(struct rec, name), &unique_string.hdr },    /* name */
};
static const asidl_ndr_struct rec_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct rec)), 3, rec_fields };
static const asidl_ndr_pointer rec_ref = { PTR_HDR(REF), &rec_desc.hdr };
static const asidl_ndr_param fill_params[] = {
    { "r", P_IN | P_OUT, ASIDL_NDR_C_PTR, sizeof(struct rec *), &rec_ref.hdr },
};
static const asidl_ndr_proc fill_proc = {
    ASIDL_NDR_MAGIC, 1, 1, 0, ASIDL_NDR_HANDLE_AUTO, 0, "Fill", fill_params, NULL, NULL, NULL,
};

static const char *fill_new_name;
static long fill_new_p;         /* 0: set p to NULL */

static void fill_manager(void **a)
{
    struct rec *r = *(struct rec **)a[0];
    r->n++;
    if (fill_new_p) {
        if (!r->p)
            r->p = MIDL_user_allocate(sizeof *r->p);
        *r->p = fill_new_p;
    } else if (r->p) {
        MIDL_user_free(r->p);   /* the manager owns what it replaces */
        r->p = NULL;
    }
    MIDL_user_free(r->name);
    r->name = NULL;
    if (fill_new_name) {
        r->name = MIDL_user_allocate(strlen(fill_new_name) + 1);
        strcpy(r->name, fill_new_name);
    }
}

TEST(in_out_unique_pointers_reuse_or_replace_client_memory)
{
    long x = 1;
    char name[] = "abcdef";
    struct rec r = { 1, &x, name }, *pr = &r;
    void *args[] = { &pr };
    asidl_ndr_buffer req, rep;

    /* non-NULL stays non-NULL: the stub writes into the caller's memory */
    fill_new_p = 9;
    fill_new_name = "xy";
    CHECK_OK(run_call(&fill_proc, args, fill_manager, &req, &rep));
    CHECK(r.p == &x && x == 9);
    CHECK(r.name == name && strcmp(name, "xy") == 0);
    CHECK_EQ_INT(r.n, 2);
    asidl_ndr_buffer_free(&req);
    asidl_ndr_buffer_free(&rep);

    /* a longer string than the client's buffer held: new memory, the old block stays the
     * caller's (it is not overrun) */
    fill_new_name = "a much longer name";
    CHECK_OK(run_call(&fill_proc, args, fill_manager, &req, &rep));
    CHECK(r.name != name && strcmp(r.name, "a much longer name") == 0);
    CHECK_EQ_INT(strlen(name), 2);
    MIDL_user_free(r.name);
    asidl_ndr_buffer_free(&req);
    asidl_ndr_buffer_free(&rep);

    /* NULL becomes non-NULL: allocated with MIDL_user_allocate; non-NULL becomes NULL:
     * the pointer is cleared and the memory left to the application (orphaned, as MIDL) */
    r.name = NULL;
    fill_new_name = "new";
    fill_new_p = 0;
    CHECK_OK(run_call(&fill_proc, args, fill_manager, &req, &rep));
    CHECK(r.p == NULL && x == 9);
    CHECK(r.name && strcmp(r.name, "new") == 0);
    CHECK_EQ_INT(ndr_live_blocks, 1);
    MIDL_user_free(r.name);
    asidl_ndr_buffer_free(&req);
    asidl_ndr_buffer_free(&rep);
    CHECK_NO_LEAKS();
}

/* ---- void Fetch([in] long n, [out, size_is(n)] long *buf); ---- */
static const asidl_ndr_op fetch_n[] = { { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(long), 0 }, END };   /* n */
static const asidl_ndr_dim fetch_dims[] = { { .size_is = fetch_n } };
static const asidl_ndr_array fetch_arr = { ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_long.hdr, 1, fetch_dims };
static const asidl_ndr_pointer fetch_buf = { PTR_HDR(REF), &fetch_arr.hdr };
static const asidl_ndr_param fetch_params[] = {
    { "n", P_IN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
    { "buf", P_OUT, ASIDL_NDR_C_PTR, sizeof(long *), &fetch_buf.hdr },
};
static const asidl_ndr_proc fetch_proc = {
    ASIDL_NDR_MAGIC, 2, 2, 0, ASIDL_NDR_HANDLE_AUTO, 0, "Fetch", fetch_params, NULL, NULL, NULL,
};

static void fetch_manager(void **a)
{
    long n = *(long *)a[0], *buf = *(long **)a[1];
    for (long i = 0; i < n; i++)
        buf[i] = i * i;
}

TEST(server_allocates_out_only_arrays_from_in_parameters)
{
    long n = 4, buf[4] = { -1, -1, -1, -1 }, *pb = buf;
    void *args[] = { &n, &pb };
    asidl_ndr_buffer req, rep;
    CHECK_OK(run_call(&fetch_proc, args, fetch_manager, &req, &rep));
    CHECK_HEX(rep.data, rep.len, "04000000 00000000 01000000 04000000 09000000");
    CHECK(buf[3] == 9);
    asidl_ndr_buffer_free(&req);
    asidl_ndr_buffer_free(&rep);
    /* a reply with more elements than the caller's buffer holds is refused, not written */
    long small_[2] = { 0, 0 }, *ps = small_;
    long two = 2;
    void *args2[] = { &two, &ps };
    asidl_ndr_call c;
    asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
    unsigned char reply[32];
    size_t len = ndr_unhex("04000000 00000000 01000000 04000000 09000000", reply, sizeof reply);
    CHECK_STATUS(asidl_ndr_client_unmarshal(&c, &fetch_proc, args2, reply, len, ASIDL_NDR_DREP_LITTLE_ENDIAN),
                 RPC_X_INVALID_BOUND);
    CHECK(small_[0] == 0 && small_[1] == 0);
    asidl_ndr_call_cleanup(&c);
    CHECK_NO_LEAKS();
}

/* ---- void Alias([in, ptr] long *a, [in, ptr] long *b); ---- */
static const asidl_ndr_pointer full_long = { PTR_HDR(FULL), &asidl_ndr_t_long.hdr };
static const asidl_ndr_param alias_params[] = {
    { "a", P_IN, ASIDL_NDR_C_PTR, sizeof(long *), &full_long.hdr },
    { "b", P_IN, ASIDL_NDR_C_PTR, sizeof(long *), &full_long.hdr },
};
static const asidl_ndr_proc alias_proc = {
    ASIDL_NDR_MAGIC, 3, 2, 0, ASIDL_NDR_HANDLE_AUTO, 0, "Alias", alias_params, NULL, NULL, NULL,
};

static int alias_seen_same;
static void alias_manager(void **a)
{
    alias_seen_same = *(long **)a[0] == *(long **)a[1] && **(long **)a[0] == 7;
}

TEST(full_pointers_alias_across_parameters)
{
    long x = 7, *pa = &x, *pb = &x;
    void *args[] = { &pa, &pb };
    asidl_ndr_buffer req, rep;
    CHECK_OK(run_call(&alias_proc, args, alias_manager, &req, &rep));
    CHECK_HEX(req.data, req.len, "00000200 07000000 00000200");
    CHECK(alias_seen_same);     /* and the server frees the shared referent once */
    asidl_ndr_buffer_free(&req);
    asidl_ndr_buffer_free(&rep);
    CHECK_NO_LEAKS();
}

/* ---- void Later([in, size_is(n)] long *a, [in] long n): the size comes after the array ---- */
static const asidl_ndr_op later_n[] = { { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(long), 1 }, END };  /* n */
static const asidl_ndr_dim later_dims[] = { { .size_is = later_n } };
static const asidl_ndr_array later_arr = { ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_long.hdr, 1, later_dims };
static const asidl_ndr_pointer later_ptr = { PTR_HDR(REF), &later_arr.hdr };
static const asidl_ndr_param later_params[] = {
    { "a", P_IN, ASIDL_NDR_C_PTR, sizeof(long *), &later_ptr.hdr },
    { "n", P_IN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
};
static const asidl_ndr_proc later_proc = {
    ASIDL_NDR_MAGIC, 4, 2, 0, ASIDL_NDR_HANDLE_AUTO, 0, "Later", later_params, NULL, NULL, NULL,
};

TEST(size_parameter_after_the_array_is_checked_when_it_arrives)
{
    asidl_ndr_call c;
    asidl_ndr_call_init(&c, ASIDL_NDR_SERVER);
    void *frame[2];
    void *block = malloc(asidl_ndr_frame_size(&later_proc));
    unsigned char req[32];
    size_t len = ndr_unhex("02000000 05000000 06000000 02000000", req, sizeof req);
    asidl_ndr_frame_init(&later_proc, block, frame);
    CHECK_OK(asidl_ndr_server_unmarshal(&c, &later_proc, frame, req, len, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    CHECK_EQ_INT((*(long **)frame[0])[1], 6);
    asidl_ndr_server_free(&later_proc, frame, NULL, 0);
    len = ndr_unhex("02000000 05000000 06000000 03000000", req, sizeof req);
    asidl_ndr_frame_init(&later_proc, block, frame);
    CHECK_STATUS(asidl_ndr_server_unmarshal(&c, &later_proc, frame, req, len, ASIDL_NDR_DREP_LITTLE_ENDIAN),
                 RPC_X_BAD_STUB_DATA);
    CHECK(*(long **)frame[0] == NULL);  /* nothing left in the frame to free */
    free(block);
    asidl_ndr_call_cleanup(&c);
    CHECK_NO_LEAKS();
}

/* ---- void Pick([in] short k, [in, switch_is(k)] union choice *u) ---- */
union choice {
    long l;
    char c;
};
static const asidl_ndr_op pick_k[] = { { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(short), 0 }, END };   /* k */
static const asidl_ndr_arm choice_arms[] = {
    { 1, &asidl_ndr_t_long.hdr },  /* l */
    { 2, &asidl_ndr_t_char.hdr },  /* c */
};
static const asidl_ndr_union pick_u = {
    ASIDL_NDR_HDR(UNION, 4, CPLX, sizeof(union choice)), &asidl_ndr_t_short.hdr, pick_k, 0, 0, 2, choice_arms, NULL,
};
static const asidl_ndr_pointer pick_ref = { PTR_HDR(REF), &pick_u.hdr };
static const asidl_ndr_param pick_params[] = {
    { "k", P_IN, ASIDL_NDR_C_OF(short), sizeof(short), &asidl_ndr_t_short.hdr },
    { "u", P_IN, ASIDL_NDR_C_PTR, sizeof(union choice *), &pick_ref.hdr },
};
static const asidl_ndr_proc pick_proc = {
    ASIDL_NDR_MAGIC, 5, 2, 0, ASIDL_NDR_HANDLE_AUTO, 0, "Pick", pick_params, NULL, NULL, NULL,
};

static char pick_seen;
static void pick_manager(void **a)
{
    pick_seen = (*(union choice **)a[1])->c;
}

TEST(switch_is_on_a_parameter)
{
    short k = 2;
    union choice u = { .c = 'q' }, *pu = &u;
    void *args[] = { &k, &pu };
    asidl_ndr_buffer req, rep;
    CHECK_OK(run_call(&pick_proc, args, pick_manager, &req, &rep));
    CHECK_HEX(req.data, req.len, "0200 0200 71");
    CHECK_EQ_INT(pick_seen, 'q');
    asidl_ndr_buffer_free(&req);
    asidl_ndr_buffer_free(&rep);
    CHECK_NO_LEAKS();
}

TEST(in_place_arrays_point_into_the_request_and_are_not_freed)
{
    asidl_ndr_call c;
    asidl_ndr_call_init(&c, ASIDL_NDR_SERVER);
    c.in_place = 1;
    unsigned char *req = malloc(32);    /* aligned like a PDU body */
    size_t len = ndr_unhex("03000000 03000000 01000000 02000000 03000000", req, 32);
    void *frame[6];
    void *block = malloc(asidl_ndr_frame_size(&sum_proc));
    asidl_ndr_frame_init(&sum_proc, block, frame);
    CHECK_OK(asidl_ndr_server_unmarshal(&c, &sum_proc, frame, req, len, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    long *values = *(long **)frame[2];
    /* long is 8 bytes in C, 4 on the wire: not the same octets, so it is copied */
    CHECK(values && ((unsigned char *)values < req || (unsigned char *)values >= req + len));
    asidl_ndr_server_free(&sum_proc, frame, req, len);

    /* DWORDs are: void SendDwords([in] DWORD n, [in, size_is(n)] DWORD *data) */
    static const asidl_ndr_op n32[] = { { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(uint32_t), 0 }, END };
    static const asidl_ndr_dim dims[] = { { .size_is = n32 } };
    static const asidl_ndr_array arr = { ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_uint32.hdr, 1, dims };
    static const asidl_ndr_pointer ref = { PTR_HDR(REF), &arr.hdr };
    static const asidl_ndr_param params[] = {
        { "n", P_IN, ASIDL_NDR_C_OF(uint32_t), sizeof(uint32_t), &asidl_ndr_t_uint32.hdr },
        { "data", P_IN, ASIDL_NDR_C_PTR, sizeof(uint32_t *), &ref.hdr },
    };
    static const asidl_ndr_proc proc = { ASIDL_NDR_MAGIC, 6, 2, 0, ASIDL_NDR_HANDLE_AUTO, 0, "SendDwords", params, NULL, NULL, NULL };
    asidl_ndr_frame_init(&proc, block, frame);
    CHECK_OK(asidl_ndr_server_unmarshal(&c, &proc, frame, req, len, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    uint32_t *data = *(uint32_t **)frame[1];
    CHECK(data == (uint32_t *)(void *)(req + 8));   /* the elements where they arrived */
    CHECK(data[2] == 3);
    CHECK_NO_LEAKS();                               /* nothing was allocated for them */
    asidl_ndr_server_free(&proc, frame, req, len);
    CHECK_NO_LEAKS();
    /* big-endian input is converted, so it is copied */
    len = ndr_unhex("00000003 00000003 00000001 00000002 00000003", req, 32);
    asidl_ndr_frame_init(&proc, block, frame);
    CHECK_OK(asidl_ndr_server_unmarshal(&c, &proc, frame, req, len, ASIDL_NDR_DREP_BIG_ENDIAN));
    data = *(uint32_t **)frame[1];
    CHECK(data != (uint32_t *)(void *)(req + 8) && data[2] == 3);
    asidl_ndr_server_free(&proc, frame, req, len);
    CHECK_NO_LEAKS();
    free(block);
    free(req);
    asidl_ndr_call_cleanup(&c);
}

/* Hostile requests and replies for every procedure above: each truncation and a batch of
 * random corruptions must be refused or accepted cleanly, and nothing may leak. */
static void fuzz_request(const asidl_ndr_proc *proc, void **client_args, int rounds)
{
    asidl_ndr_call client, server;
    asidl_ndr_call_init(&client, ASIDL_NDR_CLIENT);
    asidl_ndr_call_init(&server, ASIDL_NDR_SERVER);
    asidl_ndr_buffer req;
    asidl_ndr_buffer_init(&req);
    CHECK_OK(asidl_ndr_client_marshal(&client, proc, client_args, &req));
    void *frame[8];
    void *block = malloc(asidl_ndr_frame_size(proc));
    unsigned char *copy = malloc(req.len + 1);
    for (int r = -(int)req.len; r < rounds; r++) {
        size_t len = req.len;
        memcpy(copy, req.data, req.len);
        if (r < 0) {
            len = (size_t)(-r - 1);     /* every truncation */
        } else {
            for (int f = 0; f < 1 + r % 4 && len; f++)
                copy[ndr_rand() % len] = (unsigned char)ndr_rand();
        }
        asidl_ndr_frame_init(proc, block, frame);
        server.in_place = r & 1;
        long st = asidl_ndr_server_unmarshal(&server, proc, frame, copy, len, ASIDL_NDR_DREP_LITTLE_ENDIAN);
        if (r < 0 && st == RPC_S_OK && len < req.len)
            CHECK(!"a truncated request was accepted");
        if (st == RPC_S_OK) {
            asidl_ndr_buffer reply;
            asidl_ndr_buffer_init(&reply);
            (void)asidl_ndr_server_marshal(&server, proc, frame, &reply);
            asidl_ndr_buffer_free(&reply);
            asidl_ndr_server_free(proc, frame, copy, len);
        }
        CHECK_NO_LEAKS();
    }
    free(copy);
    free(block);
    asidl_ndr_buffer_free(&req);
    asidl_ndr_call_cleanup(&client);
    asidl_ndr_call_cleanup(&server);
}

TEST(hostile_requests_are_refused_cleanly)
{
    void *h = NULL;
    long n = 3, values[3] = { 1, 2, 3 }, total, ret;
    long long count;
    long *pv = values, *pt = &total;
    long long *pc = &count;
    void *sum_args[] = { &h, &n, &pv, &pt, &pc, &ret };
    fuzz_request(&sum_proc, sum_args, 2000);
    long x = 1;
    char name[] = "abcdef";
    struct rec r = { 1, &x, name }, *pr = &r;
    void *fill_args[] = { &pr };
    fuzz_request(&fill_proc, fill_args, 2000);
    long fn = 4, buf[4], *pb = buf;
    void *fetch_args[] = { &fn, &pb };
    fuzz_request(&fetch_proc, fetch_args, 500);
    long a = 7, *pa = &a, *pa2 = &a;
    void *alias_args[] = { &pa, &pa2 };
    fuzz_request(&alias_proc, alias_args, 1000);
    short k = 1;
    union choice u = { .l = 5 }, *pu = &u;
    void *pick_args[] = { &k, &pu };
    fuzz_request(&pick_proc, pick_args, 1000);
}

TEST(hostile_replies_leave_the_caller_consistent)
{
    /* [in,out] data is rewritten in place: a corrupt reply may leave it changed, but never
     * dangling, overrun or leaking */
    unsigned char good[128];
    size_t len = ndr_unhex("02000000 00000200 04000200 09000000 03000000 00000000 03000000 787900", good, sizeof good);
    for (int round = 0; round < 3000; round++) {
        long x = 1;
        char name[] = "abcdef";
        struct rec r = { 1, &x, name }, *pr = &r;
        void *args[] = { &pr };
        asidl_ndr_call c;
        asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
        asidl_ndr_buffer req;
        asidl_ndr_buffer_init(&req);
        CHECK_OK(asidl_ndr_client_marshal(&c, &fill_proc, args, &req));     /* records the buffer sizes */
        unsigned char reply[128];
        memcpy(reply, good, len);
        size_t rl = round < (int)len ? (size_t)round : len;
        if (round >= (int)len)
            for (int f = 0; f < 1 + round % 3; f++)
                reply[ndr_rand() % len] = (unsigned char)ndr_rand();
        long st = asidl_ndr_client_unmarshal(&c, &fill_proc, args, reply, rl, ASIDL_NDR_DREP_LITTLE_ENDIAN);
        if (st == RPC_S_OK) {
            if (r.p && r.p != &x)
                MIDL_user_free(r.p);
            if (r.name && r.name != name)
                MIDL_user_free(r.name);
        }
        CHECK(strlen(name) < sizeof name);     /* never overrun */
        CHECK_NO_LEAKS();
        asidl_ndr_buffer_free(&req);
        asidl_ndr_call_cleanup(&c);
    }
}

TEST(frames_lay_out_every_parameter_aligned)
{
    void *args[6];
    size_t size = asidl_ndr_frame_size(&sum_proc);
    unsigned char *block = malloc(size);
    asidl_ndr_frame_init(&sum_proc, block, args);
    for (int i = 0; i < 6; i++) {
        CHECK((unsigned char *)args[i] >= block && (unsigned char *)args[i] + sum_proc.params[i].mem_size <= block + size);
        CHECK(((uintptr_t)args[i] & (sum_proc.params[i].mem_size - 1)) == 0);
        CHECK(*(long *)args[i] == 0);
    }
    free(block);
}

/* A call keeps the procedure information its first pass found for the passes after it.  A
 * pass of another procedure, or of a descriptor rebuilt in the same memory with other
 * parameters (as programs that build descriptors at run time do), still follows its own. */
TEST(a_reused_call_follows_each_passes_own_descriptor)
{
    static const asidl_ndr_param one_long[] = {
        { "n", P_IN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
    };
    static const asidl_ndr_param two_shorts[] = {
        { "a", P_IN, ASIDL_NDR_C_OF(short), sizeof(short), &asidl_ndr_t_short.hdr },
        { "b", P_IN | P_OUT, ASIDL_NDR_C_OF(short), sizeof(short), &asidl_ndr_t_short.hdr },
    };
    asidl_ndr_proc proc = { ASIDL_NDR_MAGIC, 0, 1, 0, ASIDL_NDR_HANDLE_AUTO, 0, "Built", one_long, NULL, NULL, NULL };
    long n = 0x01020304;
    short a = 0x0506, b = 0x0708;
    void *long_args[] = { &n }, *short_args[] = { &a, &b };
    asidl_ndr_call c;
    asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
    asidl_ndr_buffer out;
    asidl_ndr_buffer_init(&out);
    CHECK_OK(asidl_ndr_client_marshal(&c, &proc, long_args, &out));
    CHECK_HEX(out.data, out.len, "04030201");
    /* the same memory now describes another procedure; the call is not set up again */
    proc.params = two_shorts;
    proc.n_params = 2;
    out.len = 0;
    CHECK_OK(asidl_ndr_client_marshal(&c, &proc, short_args, &out));
    CHECK_HEX(out.data, out.len, "0605 0807");
    unsigned char reply[2] = { 0x0A, 0x09 };
    CHECK_OK(asidl_ndr_client_unmarshal(&c, &proc, short_args, reply, sizeof reply, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    CHECK_EQ_INT(b, 0x090A);
    CHECK_EQ_INT(a, 0x0506);
    /* and a pass of another static procedure after it */
    out.len = 0;
    long values[2] = { 7, 8 }, total = 0, ret = 0, two = 2;
    long long count = 0;
    long *pv = values, *pt = &total;
    long long *pc = &count;
    void *h = NULL;
    void *sum_args[] = { &h, &two, &pv, &pt, &pc, &ret };
    CHECK_OK(asidl_ndr_client_marshal(&c, &sum_proc, sum_args, &out));
    CHECK_HEX(out.data, out.len, "02000000 02000000 07000000 08000000");
    asidl_ndr_buffer_free(&out);
    asidl_ndr_call_cleanup(&c);
    CHECK_NO_LEAKS();
}

TEST(procedure_descriptors_are_valid_and_misuse_is_caught)
{
    const char *why;
    CHECK_OK(asidl_ndr_validate_proc(&sum_proc, &why));
    CHECK_OK(asidl_ndr_validate_proc(&fill_proc, &why));
    CHECK_OK(asidl_ndr_validate_proc(&fetch_proc, &why));
    CHECK_OK(asidl_ndr_validate_proc(&alias_proc, &why));
    CHECK_OK(asidl_ndr_validate_proc(&later_proc, &why));
    CHECK_OK(asidl_ndr_validate_proc(&pick_proc, &why));
    asidl_ndr_proc stale = sum_proc;
    stale.magic = ASIDL_NDR_MAGIC_FAMILY | (ASIDL_NDR_FORMAT_VERSION + 1);
    asidl_ndr_call c;
    asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
    asidl_ndr_buffer b;
    asidl_ndr_buffer_init(&b);
    void *args[6] = { 0 };
    CHECK_STATUS(asidl_ndr_client_marshal(&c, &stale, args, &b), RPC_X_WRONG_STUB_VERSION);
    stale.magic = 0x12345678;
    CHECK_STATUS(asidl_ndr_client_marshal(&c, &stale, args, &b), RPC_S_INTERNAL_ERROR);
    CHECK_STATUS(asidl_ndr_validate_proc(&stale, &why), RPC_S_INTERNAL_ERROR);
    asidl_ndr_buffer_free(&b);
    asidl_ndr_call_cleanup(&c);
}

int main(void)
{
    RUN(a_whole_call_in_and_out);
    RUN(a_failed_reply_zeroes_out_only_parameters);
    RUN(the_manager_is_called_through_libffi_from_the_frame);
    RUN(out_parameters_can_be_marshalled_later_from_another_thread);
    RUN(in_out_unique_pointers_reuse_or_replace_client_memory);
    RUN(server_allocates_out_only_arrays_from_in_parameters);
    RUN(full_pointers_alias_across_parameters);
    RUN(size_parameter_after_the_array_is_checked_when_it_arrives);
    RUN(switch_is_on_a_parameter);
    RUN(in_place_arrays_point_into_the_request_and_are_not_freed);
    RUN(hostile_requests_are_refused_cleanly);
    RUN(hostile_replies_leave_the_caller_consistent);
    RUN(frames_lay_out_every_parameter_aligned);
    RUN(a_reused_call_follows_each_passes_own_descriptor);
    RUN(procedure_descriptors_are_valid_and_misuse_is_caught);
    return test_exit();
}
