/*
 * calc_iface.h: a test interface for the stub-level runtime, written as asidl's generator
 * writes an interface (descriptor tables, the asidl_interface objects of both sides, client
 * stubs calling asidl_client_call), by hand until the generator exists. The IDL it stands for:
 *
 *   [uuid(6f2b1c3e-8d4a-4b7e-9c15-3a2e7d9f0b61), version(1.0)]
 *   interface calc {
 *     typedef struct { short x; double y; } pt;
 *     typedef [context_handle] void *CTX;
 *     long   Add([in] handle_t h, [in] long a, [in] long b, [out] long *sum);      // 0
 *     double Scale([in] handle_t h, [in] double x, [in] float f);                  // 1
 *     void   Echo([in] handle_t h, [in, string] wchar_t *in, [out, string] wchar_t **out); // 2
 *     long   Sum([in] handle_t h, [in] long n, [in, size_is(n)] long *values);     // 3
 *     pt     Mid([in] handle_t h, [in] pt a, [in] pt b);                           // 4
 *     void   Fail([in] handle_t h, [in] unsigned long code);                       // 5
 *     void   Stop([in] handle_t h);                                                // 6
 *     void   Whoami([in] handle_t h, [out] GUID *object, [out, string] char **client); // 7
 *     hyper  Big([in] handle_t h, [in] hyper v);                                   // 8
 *     long   Open([in] handle_t h, [in] long v, [out] CTX *ph);                    // 9
 *     long   Read([in] CTX h);                                                     // 10
 *     void   Close([in, out] CTX *ph);                                             // 11
 *     long   Slow([in] CTX h, [in] long ms);                                       // 12
 *   }
 *   [uuid(2c9e4f1a-7b3d-4e58-a6c2-9d0f1e3b5a78), version(2.1)]
 *   interface peek {                          // uses calc's handles
 *     long PeekLoose([in] CTX h);                                                  // 0
 *     long PeekStrict([in] CTX_STRICT h);      // [strict_context_handle]            // 1
 *   }
 * The ACF variant of Fail used by the client tests adds
 *   [comm_status] error_status_t *comm, [fault_status] error_status_t *fault.
 */
#ifndef CALC_IFACE_H
#define CALC_IFACE_H

#include <stddef.h>

#include <rpc.h>
#include <rpcndr.h>
#include <asidl_stub.h>

typedef struct pt {
    short x;
    double y;
} pt;
typedef void *CTX;

#define PTR_HDR(kind) ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_PTR_##kind, sizeof(void *))
#define P_IN ASIDL_NDR_PARAM_IN
#define P_OUT ASIDL_NDR_PARAM_OUT
#define P_RET (ASIDL_NDR_PARAM_OUT | ASIDL_NDR_PARAM_RETURN)
#define P_HANDLE { "h", P_IN | ASIDL_NDR_PARAM_NOWIRE, ASIDL_NDR_C_PTR, sizeof(void *), NULL }
#define RET_LONG { "return", P_RET, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr }
#define PROC(op, name, params, flags, hkind) \
    { ASIDL_NDR_MAGIC, (op), sizeof(params) / sizeof(params[0]), (flags), (hkind), 0, name, params, NULL, NULL, NULL }
#define HAS_RET ASIDL_NDR_PROC_HAS_RETURN

/* ---- types ---- */
static const asidl_ndr_pointer calc_ref_long = { PTR_HDR(REF), &asidl_ndr_t_long.hdr };
static const asidl_ndr_array calc_wstring = {
    ASIDL_NDR_HDR(ARRAY, 2, ASIDL_NDR_F_CONFORMANT | ASIDL_NDR_F_VARYING | ASIDL_NDR_F_STRING, 0),
    &asidl_ndr_t_wchar.hdr, 1, (const asidl_ndr_dim[]){ { 0 } },
};
static const asidl_ndr_array calc_string = {
    ASIDL_NDR_HDR(ARRAY, 1, ASIDL_NDR_F_CONFORMANT | ASIDL_NDR_F_VARYING | ASIDL_NDR_F_STRING, 0),
    &asidl_ndr_t_char.hdr, 1, (const asidl_ndr_dim[]){ { 0 } },
};
static const asidl_ndr_pointer calc_ref_wstring = { PTR_HDR(REF), &calc_wstring.hdr };
static const asidl_ndr_pointer calc_unique_wstring = { PTR_HDR(UNIQUE), &calc_wstring.hdr };
static const asidl_ndr_pointer calc_ref_unique_wstring = { PTR_HDR(REF), &calc_unique_wstring.hdr };
static const asidl_ndr_pointer calc_unique_string = { PTR_HDR(UNIQUE), &calc_string.hdr };
static const asidl_ndr_pointer calc_ref_unique_string = { PTR_HDR(REF), &calc_unique_string.hdr };
static const asidl_ndr_op calc_sum_n[] = { { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(long), 1 }, { ASIDL_NDR_OP_END, 0, 0 } };
static const asidl_ndr_dim calc_sum_dims[] = { { .size_is = calc_sum_n } };
static const asidl_ndr_array calc_sum_arr = {
    ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_long.hdr, 1, calc_sum_dims,
};
static const asidl_ndr_pointer calc_sum_values = { PTR_HDR(REF), &calc_sum_arr.hdr };
static const asidl_ndr_field calc_pt_fields[] = {
    { offsetof(pt, x), &asidl_ndr_t_short.hdr },    /* x */
    { offsetof(pt, y), &asidl_ndr_t_double.hdr },   /* y */
};
static const asidl_ndr_struct calc_pt = { ASIDL_NDR_HDR(STRUCT, 8, 0, sizeof(pt)), 2, calc_pt_fields };
static const asidl_ndr_dim calc_eight[] = { { .count = 8 } };
static const asidl_ndr_array calc_guid_data4 = { ASIDL_NDR_HDR(ARRAY, 1, 0, 8), &asidl_ndr_t_byte.hdr, 1, calc_eight };
static const asidl_ndr_field calc_guid_fields[] = {
    { offsetof(GUID, Data1), &asidl_ndr_t_uint32.hdr },
    { offsetof(GUID, Data2), &asidl_ndr_t_ushort.hdr },
    { offsetof(GUID, Data3), &asidl_ndr_t_ushort.hdr },
    { offsetof(GUID, Data4), &calc_guid_data4.hdr },
};
static const asidl_ndr_struct calc_guid = { ASIDL_NDR_HDR(STRUCT, 4, 0, sizeof(GUID)), 4, calc_guid_fields };
static const asidl_ndr_pointer calc_ref_guid = { PTR_HDR(REF), &calc_guid.hdr };

extern int calc_rundowns;               /* counted by the server's CTX_rundown */
void CTX_rundown(void *ctx);
static const asidl_ndr_context_handle calc_ctx = {
    ASIDL_NDR_HDR(CONTEXT_HANDLE, 4, ASIDL_NDR_F_COMPLEX, sizeof(void *)), CTX_rundown, "CTX",
};
static const asidl_ndr_context_handle calc_ctx_strict = {
    ASIDL_NDR_HDR(CONTEXT_HANDLE, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_F_CTX_STRICT, sizeof(void *)), CTX_rundown,
    "CTX_STRICT",
};
static const asidl_ndr_pointer calc_ref_ctx = { PTR_HDR(REF), &calc_ctx.hdr };

/* ---- procedures ---- */
static const asidl_ndr_param calc_add_params[] = {
    P_HANDLE,
    { "a", P_IN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
    { "b", P_IN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
    { "sum", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &calc_ref_long.hdr },
    RET_LONG,
};
static const asidl_ndr_param calc_scale_params[] = {
    P_HANDLE,
    { "x", P_IN, ASIDL_NDR_C_DOUBLE, sizeof(double), &asidl_ndr_t_double.hdr },
    { "f", P_IN, ASIDL_NDR_C_FLOAT, sizeof(float), &asidl_ndr_t_float.hdr },
    { "return", P_RET, ASIDL_NDR_C_DOUBLE, sizeof(double), &asidl_ndr_t_double.hdr },
};
static const asidl_ndr_param calc_echo_params[] = {
    P_HANDLE,
    { "in", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &calc_ref_wstring.hdr },
    { "out", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &calc_ref_unique_wstring.hdr },
};
static const asidl_ndr_param calc_sum_params[] = {
    P_HANDLE,
    { "n", P_IN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
    { "values", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &calc_sum_values.hdr },
    RET_LONG,
};
static const asidl_ndr_param calc_mid_params[] = {
    P_HANDLE,
    { "a", P_IN, ASIDL_NDR_C_AGGREGATE, sizeof(pt), &calc_pt.hdr },
    { "b", P_IN, ASIDL_NDR_C_AGGREGATE, sizeof(pt), &calc_pt.hdr },
    { "return", P_RET, ASIDL_NDR_C_AGGREGATE, sizeof(pt), &calc_pt.hdr },
};
static const asidl_ndr_param calc_fail_params[] = {
    P_HANDLE,
    { "code", P_IN, ASIDL_NDR_C_OF(unsigned long), sizeof(unsigned long), &asidl_ndr_t_ulong.hdr },
};
static const asidl_ndr_param calc_stop_params[] = { P_HANDLE };
static const asidl_ndr_param calc_whoami_params[] = {
    P_HANDLE,
    { "object", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &calc_ref_guid.hdr },
    { "client", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &calc_ref_unique_string.hdr },
};
static const asidl_ndr_param calc_big_params[] = {
    P_HANDLE,
    { "v", P_IN, ASIDL_NDR_C_OF(long long), sizeof(long long), &asidl_ndr_t_hyper.hdr },
    { "return", P_RET, ASIDL_NDR_C_OF(long long), sizeof(long long), &asidl_ndr_t_hyper.hdr },
};
static const asidl_ndr_param calc_open_params[] = {
    P_HANDLE,
    { "v", P_IN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
    { "ph", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &calc_ref_ctx.hdr },
    RET_LONG,
};
static const asidl_ndr_param calc_read_params[] = {
    { "h", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &calc_ctx.hdr },
    RET_LONG,
};
static const asidl_ndr_param calc_close_params[] = {
    { "ph", P_IN | P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &calc_ref_ctx.hdr },
};
static const asidl_ndr_param calc_slow_params[] = {
    { "h", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &calc_ctx.hdr },
    { "ms", P_IN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
    RET_LONG,
};

#define EXPLICIT ASIDL_NDR_HANDLE_EXPLICIT
#define CONTEXT ASIDL_NDR_HANDLE_CONTEXT
static const asidl_ndr_proc calc_add = PROC(0, "Add", calc_add_params, HAS_RET, EXPLICIT);
static const asidl_ndr_proc calc_scale = PROC(1, "Scale", calc_scale_params, HAS_RET, EXPLICIT);
static const asidl_ndr_proc calc_echo = PROC(2, "Echo", calc_echo_params, 0, EXPLICIT);
static const asidl_ndr_proc calc_sum = PROC(3, "Sum", calc_sum_params, HAS_RET, EXPLICIT);
static const asidl_ndr_proc calc_mid = PROC(4, "Mid", calc_mid_params, HAS_RET, EXPLICIT);
static const asidl_ndr_proc calc_fail = PROC(5, "Fail", calc_fail_params, 0, EXPLICIT);
static const asidl_ndr_proc calc_stop = PROC(6, "Stop", calc_stop_params, 0, EXPLICIT);
static const asidl_ndr_proc calc_whoami = PROC(7, "Whoami", calc_whoami_params, 0, EXPLICIT);
static const asidl_ndr_proc calc_big = PROC(8, "Big", calc_big_params, HAS_RET, EXPLICIT);
static const asidl_ndr_proc calc_open = PROC(9, "Open", calc_open_params, HAS_RET, EXPLICIT);
static const asidl_ndr_proc calc_read = PROC(10, "Read", calc_read_params, HAS_RET, CONTEXT);
static const asidl_ndr_proc calc_close = PROC(11, "Close", calc_close_params, 0, CONTEXT);
static const asidl_ndr_proc calc_slow = PROC(12, "Slow", calc_slow_params, HAS_RET, CONTEXT);

static const asidl_ndr_proc *const calc_procs[] = {
    &calc_add, &calc_scale, &calc_echo, &calc_sum, &calc_mid, &calc_fail, &calc_stop,
    &calc_whoami, &calc_big, &calc_open, &calc_read, &calc_close, &calc_slow,
};
#define CALC_UUID { 0x6f2b1c3e, 0x8d4a, 0x4b7e, { 0x9c, 0x15, 0x3a, 0x2e, 0x7d, 0x9f, 0x0b, 0x61 } }

/* The ACF variant of Fail: [comm_status] and [fault_status] parameters on the client side. */
static const asidl_ndr_param calc_fail_status_params[] = {
    P_HANDLE,
    { "code", P_IN, ASIDL_NDR_C_OF(unsigned long), sizeof(unsigned long), &asidl_ndr_t_ulong.hdr },
    { "comm", P_OUT | ASIDL_NDR_PARAM_NOWIRE | ASIDL_NDR_PARAM_COMM_STATUS, ASIDL_NDR_C_PTR, sizeof(void *), NULL },
    { "fault", P_OUT | ASIDL_NDR_PARAM_NOWIRE | ASIDL_NDR_PARAM_FAULT_STATUS, ASIDL_NDR_C_PTR, sizeof(void *), NULL },
};
static const asidl_ndr_proc calc_fail_status = PROC(5, "Fail", calc_fail_status_params, ASIDL_NDR_PROC_COMM_STATUS, EXPLICIT);

/* ... and of Add: on success both are set to error_status_ok. */
static const asidl_ndr_param calc_add_status_params[] = {
    P_HANDLE,
    { "a", P_IN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
    { "b", P_IN, ASIDL_NDR_C_OF(long), sizeof(long), &asidl_ndr_t_long.hdr },
    { "sum", P_OUT, ASIDL_NDR_C_PTR, sizeof(void *), &calc_ref_long.hdr },
    { "comm", P_OUT | ASIDL_NDR_PARAM_NOWIRE | ASIDL_NDR_PARAM_COMM_STATUS, ASIDL_NDR_C_PTR, sizeof(void *), NULL },
    { "fault", P_OUT | ASIDL_NDR_PARAM_NOWIRE | ASIDL_NDR_PARAM_FAULT_STATUS, ASIDL_NDR_C_PTR, sizeof(void *), NULL },
    RET_LONG,
};
static const asidl_ndr_proc calc_add_status =
    PROC(0, "Add", calc_add_status_params, HAS_RET | ASIDL_NDR_PROC_COMM_STATUS, EXPLICIT);

/* ---- interface peek ---- */
static const asidl_ndr_param peek_loose_params[] = {
    { "h", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &calc_ctx.hdr },
    RET_LONG,
};
static const asidl_ndr_param peek_strict_params[] = {
    { "h", P_IN, ASIDL_NDR_C_PTR, sizeof(void *), &calc_ctx_strict.hdr },
    RET_LONG,
};
static const asidl_ndr_proc peek_loose = PROC(0, "PeekLoose", peek_loose_params, HAS_RET, CONTEXT);
static const asidl_ndr_proc peek_strict = PROC(1, "PeekStrict", peek_strict_params, HAS_RET, CONTEXT);
static const asidl_ndr_proc *const peek_procs[] = { &peek_loose, &peek_strict };
#define PEEK_UUID { 0x2c9e4f1a, 0x7b3d, 0x4e58, { 0xa6, 0xc2, 0x9d, 0x0f, 0x1e, 0x3b, 0x5a, 0x78 } }

static const asidl_interface calc_client_if = {
    ASIDL_INTERFACE_MAGIC, ASIDL_ABI_VERSION, CALC_UUID, 1, 0, calc_procs, 13, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL,
};
static const asidl_interface peek_client_if = {
    ASIDL_INTERFACE_MAGIC, ASIDL_ABI_VERSION, PEEK_UUID, 2, 1, peek_procs, 2, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL,
};

/* ---- client stubs, as generated ---- */
static inline long c_Add(handle_t h, long a, long b, long *sum)
{
    long ret = 0;
    void *args[] = { &h, &a, &b, &sum, &ret };
    asidl_client_call(&calc_client_if, &calc_add, args);
    return ret;
}
static inline double c_Scale(handle_t h, double x, float f)
{
    double ret = 0;
    void *args[] = { &h, &x, &f, &ret };
    asidl_client_call(&calc_client_if, &calc_scale, args);
    return ret;
}
static inline void c_Echo(handle_t h, wchar_t *in, wchar_t **out)
{
    void *args[] = { &h, &in, &out };
    asidl_client_call(&calc_client_if, &calc_echo, args);
}
static inline long c_Sum(handle_t h, long n, long *values)
{
    long ret = 0;
    void *args[] = { &h, &n, &values, &ret };
    asidl_client_call(&calc_client_if, &calc_sum, args);
    return ret;
}
static inline pt c_Mid(handle_t h, pt a, pt b)
{
    pt ret = { 0, 0 };
    void *args[] = { &h, &a, &b, &ret };
    asidl_client_call(&calc_client_if, &calc_mid, args);
    return ret;
}
static inline void c_Fail(handle_t h, unsigned long code)
{
    void *args[] = { &h, &code };
    asidl_client_call(&calc_client_if, &calc_fail, args);
}
static inline void c_FailStatus(handle_t h, unsigned long code, error_status_t *comm, error_status_t *fault)
{
    void *args[] = { &h, &code, &comm, &fault };
    asidl_client_call(&calc_client_if, &calc_fail_status, args);
}
static inline long c_AddStatus(handle_t h, long a, long b, long *sum, error_status_t *comm, error_status_t *fault)
{
    long ret = 0;
    void *args[] = { &h, &a, &b, &sum, &comm, &fault, &ret };
    asidl_client_call(&calc_client_if, &calc_add_status, args);
    return ret;
}
static inline void c_Stop(handle_t h)
{
    void *args[] = { &h };
    asidl_client_call(&calc_client_if, &calc_stop, args);
}
static inline void c_Whoami(handle_t h, GUID *object, char **client)
{
    void *args[] = { &h, &object, &client };
    asidl_client_call(&calc_client_if, &calc_whoami, args);
}
static inline long long c_Big(handle_t h, long long v)
{
    long long ret = 0;
    void *args[] = { &h, &v, &ret };
    asidl_client_call(&calc_client_if, &calc_big, args);
    return ret;
}
static inline long c_Open(handle_t h, long v, CTX *ph)
{
    long ret = 0;
    void *args[] = { &h, &v, &ph, &ret };
    asidl_client_call(&calc_client_if, &calc_open, args);
    return ret;
}
static inline long c_Read(CTX h)
{
    long ret = 0;
    void *args[] = { &h, &ret };
    asidl_client_call(&calc_client_if, &calc_read, args);
    return ret;
}
static inline void c_Close(CTX *ph)
{
    void *args[] = { &ph };
    asidl_client_call(&calc_client_if, &calc_close, args);
}
static inline long c_Slow(CTX h, long ms)
{
    long ret = 0;
    void *args[] = { &h, &ms, &ret };
    asidl_client_call(&calc_client_if, &calc_slow, args);
    return ret;
}
static inline long c_PeekLoose(CTX h)
{
    long ret = 0;
    void *args[] = { &h, &ret };
    asidl_client_call(&peek_client_if, &peek_loose, args);
    return ret;
}
static inline long c_PeekStrict(CTX h)
{
    long ret = 0;
    void *args[] = { &h, &ret };
    asidl_client_call(&peek_client_if, &peek_strict, args);
    return ret;
}

/* Runs a client call and gives back the exception code it raised (0 if none). */
#define CALL_STATUS(expr) ({                                   \
        unsigned long code_ = 0;                               \
        RpcTryExcept { expr; }                                 \
        RpcExcept(EXCEPTION_EXECUTE_HANDLER) { code_ = RpcExceptionCode(); } \
        RpcEndExcept                                           \
        code_; })

#endif
