/*
 * rpcndr.h: what generated stubs and headers need besides rpc.h: MIDL's spellings of IDL base
 * types, context handles, the user-supplied allocator, and the COM declaration macros.
 *
 * IDL base types in C (LP64 Linux; the NDR engine converts to the wire sizes):
 *   small          char (signed on x86-64)     wire 1
 *   byte, boolean  unsigned char               wire 1
 *   short          short                       wire 2
 *   long           long (8 bytes in memory)    wire 4; a value outside 32 bits fails to marshal
 *   hyper, __int64 long long                   wire 8
 *   wchar_t        wchar_t (4 bytes)           wire 2 (UTF-16)
 *   __int3264      long (pointer-sized)        wire 4 in NDR
 * small, hyper and __intN are macros, so "unsigned small" and "unsigned hyper" work.
 */
#ifndef __RPCNDR_H__
#define __RPCNDR_H__

/* Generated headers test this as MIDL's do (the value is Windows' current one). */
#define __RPCNDR_H_VERSION__ 500
#if defined(__REQUIRED_RPCNDR_H_VERSION__) && __RPCNDR_H_VERSION__ < __REQUIRED_RPCNDR_H_VERSION__
#error "this stub requires a newer rpcndr.h"
#endif

/* Version of the interface between asidl-generated code and libasidlrt (descriptor format,
 * stub entry points); generated files refuse to compile against a runtime with another. */
#define ASIDL_ABI_VERSION 1

#include "rpc.h"
#include "basetyps.h"
#include "asidl_oletypes.h"
#include "asidl_ndr.h"       /* the NDR descriptor format generated stubs are made of */

ASIDL_EXTERN_C_BEGIN

/* ---- IDL base types ---- */

#ifndef small
#define small char
#endif
typedef unsigned char byte;
typedef byte cs_byte;
typedef unsigned char boolean;
#ifndef hyper
#define hyper __int64
#endif
#define MIDL_uhyper unsigned __int64

/* ---- GUID declarations in generated headers ---- */

#define EXTERN_GUID(itf, l1, s1, s2, c1, c2, c3, c4, c5, c6, c7, c8) EXTERN_C const IID itf

/* ---- context handles ---- */

/* Client side: the opaque value the stubs keep for a context handle (NULL: none). */
typedef void *NDR_CCONTEXT;

/* Server side: the runtime's record of a context handle; userContext is the manager's value. */
typedef struct _NDR_SCONTEXT {
    void *pad[2];
    void *userContext;
} *NDR_SCONTEXT;

#define NDRSContextValue(hContext) (&(hContext)->userContext)
/* Bytes of a context handle on the wire: 4 attributes + 16 UUID. */
#define cbNDRContext 20

/* Called by the server runtime for each context handle still open when its client goes away
 * (the generated <type>_rundown routine). */
typedef void (__RPC_USER *NDR_RUNDOWN)(void *context);
typedef void (__RPC_USER *NDR_NOTIFY_ROUTINE)(void);
typedef void (__RPC_USER *NDR_NOTIFY2_ROUTINE)(boolean flag);

/* Frees the client's record of a context handle without contacting the server, and sets
 * *ContextHandle to NULL (for when the server is known to be gone). */
RPCRTAPI void RPC_ENTRY RpcSsDestroyClientContext(void **ContextHandle);

/* ---- memory the stubs allocate for the application ---- */

/* Supplied by the application, as with MIDL: the stubs allocate [out] data and unmarshalled
 * [in] data with MIDL_user_allocate and release it with MIDL_user_free. */
#ifndef __MIDL_user_allocate_free_DEFINED__
#define __MIDL_user_allocate_free_DEFINED__
void *__RPC_USER MIDL_user_allocate(size_t size);
void __RPC_USER MIDL_user_free(void *ptr);
#endif
#define midl_user_allocate MIDL_user_allocate
#define midl_user_free MIDL_user_free

ASIDL_EXTERN_C_END

#endif /* __RPCNDR_H__ */
