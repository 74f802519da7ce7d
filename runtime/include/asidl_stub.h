/*
 * asidl_stub.h: the contract between generated stubs (foo_c.c, foo_s.c) and the runtime.
 * Applications never call these directly; they call the stubs.
 *
 * An interface is described once per side by a `const asidl_interface`; its RPC_IF_HANDLE
 * (foo_v1_0_c_ifspec / foo_v1_0_s_ifspec) is that object's address.  Procedures are the NDR
 * engine's descriptors (asidl_ndr.h) indexed by opnum.  A stub builds the argument frame
 * (args[i] is the address of parameter i, the return value's storage last) on its own stack and
 * hands it to the runtime: synchronous calls are finished when the entry point returns;
 * asynchronous ones copy what they need before returning.
 */
#ifndef ASIDL_STUB_H
#define ASIDL_STUB_H

#include "rpc.h"
#include "rpcasync.h"
#include "asidl_ndr.h"

ASIDL_EXTERN_C_BEGIN

#define ASIDL_INTERFACE_MAGIC 0x46494441u   /* "ADIF" */

/* Server side: calls one procedure's manager routine (epv: the EPV in use) from its argument
 * frame with the C types the header declares, pAsync first for an [async] procedure, and
 * stores the result, if any, through the frame's last entry.  The generator writes one only
 * for a procedure passing by value what libffi cannot describe (a union, or a type the
 * application converts); the dispatcher uses libffi for all others. */
typedef void asidl_server_invoker(const void *epv, PRPC_ASYNC_STATE pAsync, void **args);

typedef struct asidl_interface {
    uint32_t magic;                        /* ASIDL_INTERFACE_MAGIC */
    uint32_t abi_version;                  /* ASIDL_ABI_VERSION of the generator */
    GUID uuid;                             /* the interface UUID */
    uint16_t major, minor;                 /* its version */
    const asidl_ndr_proc *const *procs;    /* indexed by opnum */
    uint32_t proc_count;
    const void *default_epv;               /* server side: the manager routines in opnum order
                                              (foo_v1_0_epv_t); NULL on the client side */
    const char *const *endpoints;          /* [endpoint("ncacn_ip_tcp:[1234]", ...)], NULL-terminated;
                                              NULL when the IDL names none */
    RPC_BINDING_HANDLE *implicit_handle;   /* the [implicit_handle] variable, or NULL */
    asidl_server_invoker *const *invokers; /* server side, by opnum: NULL, or a NULL entry, means
                                              call the manager through libffi */
    const int16_t *epv_slots;              /* server side, by opnum: the manager routine's index
                                              in the EPV (-1: none, e.g. a [local] operation);
                                              NULL when every index is the opnum */
    /* [callback] operations: numbered apart from the others, from 0 in declaration order
     * ([MS-RPCE] 2.2.4.2), and run on the client during a call of the interface. */
    const asidl_ndr_proc *const *callbacks;        /* both sides, by callback opnum */
    uint32_t callback_count;
    const void *callback_epv;              /* client side: the application's callback routines
                                              in callback opnum order (an EPV-like structure) */
    asidl_server_invoker *const *callback_invokers; /* client side, by callback opnum: NULL, or a
                                              NULL entry, means call the routine through libffi */
} asidl_interface;

/* Procedure descriptors as the generator writes them (asidl_ndr.h has the format):
 *  - a generic binding handle's thunks get the address of the [handle] parameter (args[i]):
 *    generic_bind(args[handle_param]) returns the binding from <type>_bind(value), and
 *    generic_unbind(args[handle_param], binding) calls <type>_unbind(value, binding);
 *  - the server's tables describe procedures whose client binds implicitly or through a generic
 *    handle as ASIDL_NDR_HANDLE_AUTO: the server has no binding to find, and a server program
 *    defines neither the client's handle variable nor its bind routines;
 *  - an [async] procedure's frame has no slot for PRPC_ASYNC_STATE (it is the separate pAsync
 *    argument); the client's frame has NULL as the result's address (the result arrives through
 *    RpcAsyncCompleteCall). */

/* MIDL declares the flags of the <type>_UserSize/_UserMarshal/_UserUnmarshal/_UserFree routines
 * unsigned long (8 octets on LP64 Linux), the engine's are 32-bit: the generated thunks hand
 * the routines the flags inside this block, so that a routine can still ask where its buffer
 * ends, with the pointer it was given, and never read past it:
 *
 *     const unsigned char *end = asidl_user_buffer_end(pFlags);   (NULL outside a call)
 */
#define ASIDL_USER_FLAGS_MAGIC 0x55464c47u   /* "UFLG" */
typedef struct asidl_user_flags {
    unsigned long flags;            /* what the routine sees: MSHCTX_* low, data representation high */
    uint32_t magic;                 /* ASIDL_USER_FLAGS_MAGIC */
    const uint32_t *engine_flags;   /* the engine's, for asidl_ndr_user_buffer_end */
} asidl_user_flags;

static inline const unsigned char *asidl_user_buffer_end(const unsigned long *pFlags)
{
    const asidl_user_flags *f = (const asidl_user_flags *)(const void *)pFlags;
    return pFlags && f->magic == ASIDL_USER_FLAGS_MAGIC ? asidl_ndr_user_buffer_end(f->engine_flags) : NULL;
}

/* Client stub of a synchronous procedure: binds, marshals args, sends, waits, unmarshals the
 * reply into the caller's [out] memory and the return slot.  Failures raise an RPC exception
 * (RpcRaiseException) unless the procedure has [comm_status]/[fault_status] parameters, which
 * then receive the status. */
ASIDL_API void asidl_client_call(const asidl_interface *itf, const asidl_ndr_proc *proc, void **args);

/* Client stub of an [async] procedure: starts the call and returns; completion is notified
 * through pAsync.  If starting fails it raises, and no notification is ever delivered. */
ASIDL_API void asidl_client_call_async(const asidl_interface *itf, const asidl_ndr_proc *proc,
                                       PRPC_ASYNC_STATE pAsync, void **args);

/* Server side, the stub of a [callback] operation: a manager routine calls it while it serves
 * a call of the interface, on the thread running the manager; the procedure runs on that
 * call's client (over its connection, with the call's call_id) and its [out] parameters come
 * back into args.  Failures raise, or fill [comm_status]/[fault_status] parameters, as for
 * asidl_client_call; outside such a call it fails with RPC_S_NO_CALL_ACTIVE. */
ASIDL_API void asidl_server_callback(const asidl_interface *itf, const asidl_ndr_proc *proc, void **args);

ASIDL_EXTERN_C_END

#endif /* ASIDL_STUB_H */
