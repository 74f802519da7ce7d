/*
 * gen_test.h: a loopback "runtime" for tests of generated stubs (tests/gen/test_gen_*.c).
 *
 * The Makefile compiles a test together with the foo_c.c and foo_s.c asidl writes for
 * tests/gen/foo.idl, renaming the stubs' entry points (-Dasidl_client_call=gen_loopback_call,
 * -Dasidl_client_call_async=gen_loopback_call_async), so a call through a generated client stub
 * lands here instead of in the network runtime.  The loopback does with the generated tables
 * what the runtime does, with nothing but the NDR engine in between:
 *
 *   client: size and marshal the [in] parameters with the client's procedure descriptor;
 *   server: unmarshal them into a fresh argument frame with the SERVER's descriptor of the same
 *           opnum (found through foo_v1_0_s_ifspec), call the manager routine from the default
 *           EPV through libffi (or the generated invoker), size and marshal the [out]
 *           parameters, free the frame;
 *   client: unmarshal the reply into the caller's memory.
 *
 * On the way it feeds every truncation of the request, and seeded corruptions of it, to the
 * server's unmarshaller (each must fail cleanly or succeed, and leave nothing allocated), checks the sizing pass against the marshalled
 * length, and keeps the last request and reply for tests that look at the octets.  Context
 * handles travel through hooks that carry the pointer value in the UUID.  Every failure is a
 * failed check of the test that made the call.
 */
#ifndef GEN_TEST_H
#define GEN_TEST_H

#include <ffi.h>
#include <stdbool.h>

#include "ndr_test.h"
#include "asidl_stub.h"

/* The server interface the loopback dispatches to: set by the test from foo_v1_0_s_ifspec. */
static const asidl_interface *gen_server_interface;
static const void *gen_server_epv;          /* NULL: the interface's default EPV */
static long gen_last_status;                /* of the last call, RPC_S_OK if it went through */
static unsigned char gen_last_request[1 << 16], gen_last_reply[1 << 16];
static size_t gen_last_request_len, gen_last_reply_len;
static PRPC_ASYNC_STATE gen_last_async;     /* what the last asynchronous call was given */
static void **gen_async_frame;              /* the server frame of an [async] call in progress: its
                                               manager completes it by storing the result here, as
                                               RpcAsyncCompleteCall would */
static int gen_truncations_checked;

/* ---- context handles: the value rides in the UUID's last eight octets ---- */

static long gen_ctx_to_wire(void *hook_ctx, const asidl_ndr_context_handle *desc, unsigned flags, const void *mem,
                            asidl_ndr_context_wire *w)
{
    (void)hook_ctx, (void)desc, (void)flags;
    void *v;
    memcpy(&v, mem, sizeof v);
    memset(w, 0, sizeof *w);
    uint64_t bits = (uint64_t)(uintptr_t)v;
    memcpy(w->uuid_d4, &bits, 8);
    w->uuid_d1 = v ? 0x600dcafeu : 0;
    return RPC_S_OK;
}

static long gen_ctx_from_wire(void *hook_ctx, const asidl_ndr_context_handle *desc, unsigned flags,
                              const asidl_ndr_context_wire *w, void *mem)
{
    (void)hook_ctx, (void)desc, (void)flags;
    uint64_t bits;
    memcpy(&bits, w->uuid_d4, 8);
    if (w->attributes != 0 || (bits && w->uuid_d1 != 0x600dcafeu))
        return RPC_X_SS_CONTEXT_MISMATCH;
    void *v = (void *)(uintptr_t)bits;
    memcpy(mem, &v, sizeof v);
    return RPC_S_OK;
}

static const asidl_ndr_hooks gen_hooks = { gen_ctx_to_wire, gen_ctx_from_wire };

/* ---- calling a manager routine through libffi, as the server dispatcher does ---- */

typedef struct gen_ffi_types {
    ffi_type *structs[64];
    ffi_type **elements[64];
    int n;
} gen_ffi_types;

static ffi_type *gen_int_type(unsigned size, bool is_signed)
{
    switch (size) {
    case 1: return is_signed ? &ffi_type_sint8 : &ffi_type_uint8;
    case 2: return is_signed ? &ffi_type_sint16 : &ffi_type_uint16;
    case 4: return is_signed ? &ffi_type_sint32 : &ffi_type_uint32;
    default: return is_signed ? &ffi_type_sint64 : &ffi_type_uint64;
    }
}

static ffi_type *gen_struct_type(gen_ffi_types *ft, const asidl_ndr_type *t);

/* Appends the ffi elements of one member; false if libffi cannot describe it. */
static bool gen_member_types(gen_ffi_types *ft, const asidl_ndr_type *t, ffi_type **out, size_t *n, size_t cap)
{
    if (*n >= cap)
        return false;
    switch (t->kind) {
    case ASIDL_NDR_BASE: {
        const asidl_ndr_base *b = (const asidl_ndr_base *)t;
        out[(*n)++] = b->wire == ASIDL_NDR_W_FLOAT ? &ffi_type_float :
                      b->wire == ASIDL_NDR_W_DOUBLE ? &ffi_type_double : gen_int_type(t->mem_size, false);
        return true;
    }
    case ASIDL_NDR_RANGE:
        return gen_member_types(ft, ((const asidl_ndr_range *)t)->base, out, n, cap);
    case ASIDL_NDR_POINTER: case ASIDL_NDR_CONTEXT_HANDLE:
        out[(*n)++] = &ffi_type_pointer;
        return true;
    case ASIDL_NDR_ARRAY: {
        const asidl_ndr_array *a = (const asidl_ndr_array *)t;
        if (!t->mem_size || !a->elem->mem_size)
            return false;
        for (uint32_t i = 0; i < t->mem_size / a->elem->mem_size; i++)
            if (!gen_member_types(ft, a->elem, out, n, cap))
                return false;
        return true;
    }
    case ASIDL_NDR_STRUCT: {
        ffi_type *s = gen_struct_type(ft, t);
        if (!s)
            return false;
        out[(*n)++] = s;
        return true;
    }
    default:
        return false;   /* unions, types the application converts: the generator wrote an invoker */
    }
}

static ffi_type *gen_struct_type(gen_ffi_types *ft, const asidl_ndr_type *t)
{
    if (t->kind != ASIDL_NDR_STRUCT || ft->n == 64)
        return NULL;
    const asidl_ndr_struct *s = (const asidl_ndr_struct *)t;
    ffi_type **elements = calloc(257, sizeof *elements);
    ffi_type *st = calloc(1, sizeof *st);
    ft->structs[ft->n] = st;
    ft->elements[ft->n++] = elements;
    size_t n = 0;
    for (uint32_t i = 0; i < s->n_fields; i++)
        if (!gen_member_types(ft, s->fields[i].type, elements, &n, 256))
            return NULL;
    elements[n] = NULL;
    st->type = FFI_TYPE_STRUCT;
    st->elements = elements;
    return st;
}

static ffi_type *gen_param_type(gen_ffi_types *ft, const asidl_ndr_param *p)
{
    switch (p->ctype) {
    case ASIDL_NDR_C_PTR: return &ffi_type_pointer;
    case ASIDL_NDR_C_FLOAT: return &ffi_type_float;
    case ASIDL_NDR_C_DOUBLE: return &ffi_type_double;
    case ASIDL_NDR_C_VOID: return &ffi_type_void;
    case ASIDL_NDR_C_AGGREGATE: return p->type ? gen_struct_type(ft, p->type) : NULL;
    default: return gen_int_type(p->ctype & 0x0F, (p->ctype & ASIDL_NDR_C_SIGNED) != 0);
    }
}

static void gen_free_types(gen_ffi_types *ft)
{
    for (int i = 0; i < ft->n; i++) {
        free(ft->structs[i]);
        free(ft->elements[i]);
    }
    ft->n = 0;
}

/* Calls the manager routine of `proc` from the frame: args[i] for each parameter, the result
 * stored through the last entry.  pAsync goes first for an [async] procedure. */
static bool gen_call_manager(const asidl_interface *itf, const asidl_ndr_proc *proc, PRPC_ASYNC_STATE pAsync,
                             void **args)
{
    const void *epv = gen_server_epv ? gen_server_epv : itf->default_epv;
    int slot = itf->epv_slots ? itf->epv_slots[proc->opnum] : proc->opnum;
    CHECK(epv != NULL && slot >= 0);
    if (!epv || slot < 0)
        return false;
    if (itf->invokers && itf->invokers[proc->opnum]) {
        itf->invokers[proc->opnum](epv, pAsync, args);
        return true;
    }
    void (*fn)(void) = ((void (*const *)(void))epv)[slot];
    bool has_return = (proc->flags & ASIDL_NDR_PROC_HAS_RETURN) != 0;
    unsigned n = proc->n_params - (has_return ? 1u : 0u);
    bool async = (proc->flags & ASIDL_NDR_PROC_ASYNC) != 0;
    gen_ffi_types ft = { .n = 0 };
    ffi_type *types[64];
    void *values[64];
    unsigned k = 0;
    if (async) {
        types[k] = &ffi_type_pointer;
        values[k++] = &pAsync;
    }
    bool ok = true;
    for (unsigned i = 0; i < n && k < 64; i++, k++) {
        types[k] = gen_param_type(&ft, &proc->params[i]);
        values[k] = args[i];
        ok &= types[k] != NULL;
    }
    ffi_type *rtype = &ffi_type_void;
    const asidl_ndr_param *ret = has_return ? &proc->params[proc->n_params - 1] : NULL;
    if (ret && !async) {
        rtype = gen_param_type(&ft, ret);
        ok &= rtype != NULL;
    }
    ffi_cif cif;
    ok = ok && ffi_prep_cif(&cif, FFI_DEFAULT_ABI, k, rtype, types) == FFI_OK;
    CHECK(ok);
    if (ok) {
        /* libffi writes integer results smaller than a register as a whole ffi_arg */
        ffi_arg widened;
        bool widen = ret && !async && rtype->type != FFI_TYPE_STRUCT && rtype != &ffi_type_float &&
                     rtype != &ffi_type_double && rtype->size < sizeof(ffi_arg);
        ffi_call(&cif, fn, widen ? (void *)&widened : ret && !async ? args[proc->n_params - 1] : NULL, values);
        if (widen)
            memcpy(args[proc->n_params - 1], &widened, ret->mem_size);
    }
    gen_free_types(&ft);
    return ok;
}

/* ---- the loopback ---- */

static const asidl_ndr_proc *gen_server_proc(const asidl_ndr_proc *client_proc)
{
    const asidl_interface *s = gen_server_interface;
    CHECK(s && s->magic == ASIDL_INTERFACE_MAGIC && client_proc->opnum < s->proc_count);
    if (!s || client_proc->opnum >= s->proc_count)
        return NULL;
    return s->procs[client_proc->opnum];
}

/* [comm_status]/[fault_status] parameters do not travel; the runtime gives the manager
 * storage for them and the client receives 0 when the call worked. */
static void gen_nowire_storage(const asidl_ndr_proc *proc, void **frame, void **blocks, bool allocate)
{
    for (uint32_t i = 0; i < proc->n_params; i++) {
        const asidl_ndr_param *p = &proc->params[i];
        blocks[i] = NULL;
        if (!(p->flags & (ASIDL_NDR_PARAM_COMM_STATUS | ASIDL_NDR_PARAM_FAULT_STATUS)) ||
            (p->flags & ASIDL_NDR_PARAM_RETURN) || !(p->flags & ASIDL_NDR_PARAM_NOWIRE))
            continue;
        if (allocate) {
            blocks[i] = calloc(1, 16);
            memcpy(frame[i], &blocks[i], sizeof(void *));
        }
    }
}

/* The server's unmarshaller over damaged input: it fails cleanly or succeeds, and what it
 * allocated is freed either way (the counting allocator tells). */
static void gen_unmarshal_damaged(const asidl_ndr_proc *sproc, const unsigned char *req, size_t len)
{
    asidl_ndr_call server;
    asidl_ndr_call_init(&server, ASIDL_NDR_SERVER);
    server.hooks = &gen_hooks;
    void *frame[64];
    void *block = calloc(1, asidl_ndr_frame_size(sproc));
    asidl_ndr_frame_init(sproc, block, frame);
    long st = asidl_ndr_server_unmarshal(&server, sproc, frame, req, len, ASIDL_NDR_DREP_LITTLE_ENDIAN);
    if (st == RPC_S_OK)
        asidl_ndr_server_free(sproc, frame, NULL, 0);   /* damage the engine cannot tell */
    asidl_ndr_call_cleanup(&server);
    free(block);
}

/* Every truncation of the request, and seeded random corruptions of it. */
static void gen_check_truncations(const asidl_ndr_proc *sproc, const unsigned char *req, size_t len)
{
    if (len > 2048)
        return;
    for (size_t cut = 0; cut < len; cut++) {
        gen_unmarshal_damaged(sproc, req, cut);
        gen_truncations_checked++;
    }
    unsigned char damaged[2048];
    uint32_t seed = 0x9e3779b9u ^ (uint32_t)len;
    for (int round = 0; len && round < 64; round++) {
        memcpy(damaged, req, len);
        for (int k = 0; k < 1 + round % 3; k++) {
            seed = seed * 1103515245u + 12345u;
            damaged[(seed >> 8) % len] ^= (unsigned char)(1u << ((seed >> 4) & 7));
        }
        gen_unmarshal_damaged(sproc, damaged, len);
    }
}

/* One whole call.  async_result: where an [async] call's result goes (the client frame has NULL). */
static long gen_roundtrip(const asidl_interface *itf, const asidl_ndr_proc *proc, PRPC_ASYNC_STATE pAsync,
                          void **args, void *async_result)
{
    const char *why = NULL;
    CHECK(itf && itf->magic == ASIDL_INTERFACE_MAGIC && itf->abi_version == ASIDL_ABI_VERSION);
    CHECK(proc->opnum < itf->proc_count && itf->procs[proc->opnum] == proc);
    if (asidl_ndr_validate_proc(proc, &why) != RPC_S_OK) {
        printf("#   client descriptor of %s: %s\n", proc->name, why);
        test_failed_checks_++;
    }
    const asidl_ndr_proc *sproc = gen_server_proc(proc);
    if (!sproc)
        return RPC_S_PROCNUM_OUT_OF_RANGE;
    CHECK(sproc->n_params == proc->n_params && sproc->opnum == proc->opnum);
    if (asidl_ndr_validate_proc(sproc, &why) != RPC_S_OK) {
        printf("#   server descriptor of %s: %s\n", sproc->name, why);
        test_failed_checks_++;
    }
    bool async = (proc->flags & ASIDL_NDR_PROC_ASYNC) != 0;
    bool has_return = (proc->flags & ASIDL_NDR_PROC_HAS_RETURN) != 0;
    void *client_args[64];
    memcpy(client_args, args, proc->n_params * sizeof *args);
    if (async && has_return)
        client_args[proc->n_params - 1] = async_result;   /* what RpcAsyncCompleteCall would fill */

    asidl_ndr_call client, server;
    asidl_ndr_call_init(&client, ASIDL_NDR_CLIENT);
    asidl_ndr_call_init(&server, ASIDL_NDR_SERVER);
    client.hooks = server.hooks = &gen_hooks;
    asidl_ndr_buffer request, reply;
    asidl_ndr_buffer_init(&request);
    asidl_ndr_buffer_init(&reply);
    size_t size = 0;
    long st = asidl_ndr_client_size(&client, proc, client_args, &size);
    if (!st)
        st = asidl_ndr_client_marshal(&client, proc, client_args, &request);
    if (!st && size != request.len) {
        printf("#   %s: the sizing pass said %zu octets, marshalling wrote %zu\n", proc->name, size, request.len);
        test_failed_checks_++;
    }
    if (!st) {
        gen_last_request_len = request.len < sizeof gen_last_request ? request.len : sizeof gen_last_request;
        if (gen_last_request_len)
            memcpy(gen_last_request, request.data, gen_last_request_len);
        gen_check_truncations(sproc, request.data, request.len);
    }
    void *frame[64], *nowire[64];
    void *block = calloc(1, asidl_ndr_frame_size(sproc));
    asidl_ndr_frame_init(sproc, block, frame);
    if (!st)
        st = asidl_ndr_server_unmarshal(&server, sproc, frame, request.data, request.len, ASIDL_NDR_DREP_LITTLE_ENDIAN);
    if (!st) {
        gen_nowire_storage(sproc, frame, nowire, true);
        gen_async_frame = async ? frame : NULL;
        if (!gen_call_manager(gen_server_interface, sproc, pAsync, frame))
            st = RPC_S_INTERNAL_ERROR;
        size_t out_size = 0;
        if (!st)
            st = asidl_ndr_server_size(&server, sproc, frame, &out_size);
        if (!st)
            st = asidl_ndr_server_marshal(&server, sproc, frame, &reply);
        if (!st && out_size != reply.len) {
            printf("#   %s: the reply's sizing pass said %zu octets, marshalling wrote %zu\n", proc->name, out_size,
                   reply.len);
            test_failed_checks_++;
        }
        asidl_ndr_server_free(sproc, frame, NULL, 0);
        for (uint32_t i = 0; i < sproc->n_params; i++)
            free(nowire[i]);
    }
    if (!st) {
        gen_last_reply_len = reply.len < sizeof gen_last_reply ? reply.len : sizeof gen_last_reply;
        if (gen_last_reply_len)
            memcpy(gen_last_reply, reply.data, gen_last_reply_len);
        st = asidl_ndr_client_unmarshal(&client, proc, client_args, reply.data, reply.len, ASIDL_NDR_DREP_LITTLE_ENDIAN);
    }
    if (!st) {
        for (uint32_t i = 0; i < proc->n_params; i++)
            if ((proc->params[i].flags & (ASIDL_NDR_PARAM_COMM_STATUS | ASIDL_NDR_PARAM_FAULT_STATUS)) &&
                (proc->params[i].flags & ASIDL_NDR_PARAM_NOWIRE)) {
                error_status_t *status;
                memcpy(&status, client_args[i], sizeof status);
                if (status)
                    *status = 0;
            }
    }
    free(block);
    asidl_ndr_buffer_free(&request);
    asidl_ndr_buffer_free(&reply);
    asidl_ndr_call_cleanup(&client);
    asidl_ndr_call_cleanup(&server);
    return st;
}

/* The generated client stubs call these (see the Makefile's renaming). */
void gen_loopback_call(const asidl_interface *itf, const asidl_ndr_proc *proc, void **args)
{
    CHECK(!(proc->flags & ASIDL_NDR_PROC_ASYNC));
    gen_last_status = gen_roundtrip(itf, proc, NULL, args, NULL);
}

/* An [async] call: the result has no slot in the client's frame (args[last] is NULL); here it
 * lands in gen_async_result, as RpcAsyncCompleteCall would deliver it. */
static unsigned char gen_async_result[64];

void gen_loopback_call_async(const asidl_interface *itf, const asidl_ndr_proc *proc, PRPC_ASYNC_STATE pAsync,
                             void **args)
{
    CHECK((proc->flags & ASIDL_NDR_PROC_ASYNC) != 0);
    if (proc->flags & ASIDL_NDR_PROC_HAS_RETURN)
        CHECK(args[proc->n_params - 1] == NULL);
    gen_last_async = pAsync;
    memset(gen_async_result, 0, sizeof gen_async_result);
    gen_last_status = gen_roundtrip(itf, proc, pAsync, args, gen_async_result);
}

/* Every procedure of an interface object passes the engine's descriptor checks. */
static inline int gen_validate_interface(const asidl_interface *itf)
{
    int n = 0;
    for (uint32_t i = 0; i < itf->proc_count; i++) {
        const char *why = NULL;
        if (!itf->procs[i])
            continue;
        n++;
        if (asidl_ndr_validate_proc(itf->procs[i], &why) != RPC_S_OK) {
            printf("#   %s: %s\n", itf->procs[i]->name, why);
            test_failed_checks_++;
        }
    }
    return n;
}

/* The descriptor of parameter `name` of a procedure, or NULL. */
static inline const asidl_ndr_param *gen_param(const asidl_ndr_proc *proc, const char *name)
{
    for (uint32_t i = 0; i < proc->n_params; i++)
        if (!strcmp(proc->params[i].name, name))
            return &proc->params[i];
    return NULL;
}

static inline const asidl_ndr_proc *gen_proc(const asidl_interface *itf, const char *name)
{
    for (uint32_t i = 0; i < itf->proc_count; i++)
        if (itf->procs[i] && !strcmp(itf->procs[i]->name, name))
            return itf->procs[i];
    return NULL;
}

#endif
