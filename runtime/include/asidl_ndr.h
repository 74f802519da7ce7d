/*
 * asidl_ndr.h: the NDR descriptor format and the NDR 2.0 engine that interprets it.
 *
 * Generated stubs describe every type and procedure of an interface as plain `static const`
 * data built from the structs below, using offsetof/sizeof so that the C compiler decides the
 * memory layout; the engine decides the wire layout.  The engine sizes, marshals, unmarshals
 * (little- or big-endian input) and frees values of those types.  Stubs reach this header
 * through <rpcndr.h>.  docs/ndr.md describes the format, the type mapping and the limits.
 *
 * Descriptors
 *   Every type descriptor starts with an asidl_ndr_type header whose `magic` is ASIDL_NDR_MAGIC;
 *   descriptors point at each other through that header (`&foo_desc.hdr`).  The engine checks
 *   the magic of every descriptor it visits: a stale or foreign pointer gives
 *   RPC_X_WRONG_STUB_VERSION (same family, other format version) or RPC_S_INTERNAL_ERROR.
 *
 * Ownership
 *   Descriptors are read-only and may be shared by any number of threads.  An asidl_ndr_call
 *   belongs to one call on one thread at a time.  Memory the unmarshaller allocates comes from
 *   MIDL_user_allocate and belongs to the caller of the unmarshal function (the application on
 *   the client, the dispatcher on the server), who releases it with asidl_ndr_free /
 *   asidl_ndr_server_free.  A failed unmarshal releases everything it allocated itself.
 *
 * Status values are Windows' (winerror.h): every function returns RPC_S_OK (0) or an RPC_S_* /
 * RPC_X_* code; hostile input gives RPC_X_BAD_STUB_DATA or a more specific RPC_X_* code.
 */
#ifndef ASIDL_NDR_H
#define ASIDL_NDR_H

#include <stddef.h>
#include <stdint.h>

#include "asidl_base.h"

ASIDL_EXTERN_C_BEGIN

/* ===================================================================== format identity */

/* Bumped whenever the layout of the structs below changes; generated code carries it in every
 * descriptor's magic, so a stub built for another format is refused rather than misread. */
#define ASIDL_NDR_FORMAT_VERSION 1
#define ASIDL_NDR_MAGIC_FAMILY 0x4E445200u          /* "NDR" in the top three bytes */
#define ASIDL_NDR_MAGIC (ASIDL_NDR_MAGIC_FAMILY | ASIDL_NDR_FORMAT_VERSION)

/* ===================================================================== type descriptors */

typedef enum asidl_ndr_kind {
    ASIDL_NDR_BASE = 1,         /* asidl_ndr_base: integers, characters, floats, enums */
    ASIDL_NDR_RANGE,            /* asidl_ndr_range: [range(min, max)] over a base type */
    ASIDL_NDR_STRUCT,           /* asidl_ndr_struct */
    ASIDL_NDR_ARRAY,            /* asidl_ndr_array: fixed, conformant, varying, multi-dimensional, [string] */
    ASIDL_NDR_POINTER,          /* asidl_ndr_pointer: [ref], [unique], [ptr], [ignore] */
    ASIDL_NDR_UNION,            /* asidl_ndr_union: non-encapsulated and encapsulated */
    ASIDL_NDR_CONTEXT_HANDLE,   /* asidl_ndr_context_handle */
    ASIDL_NDR_USER_MARSHAL,     /* asidl_ndr_user_marshal: [user_marshal] and [wire_marshal] */
    ASIDL_NDR_TRANSMIT_AS,      /* asidl_ndr_transmit_as: [transmit_as] and [represent_as] */
    ASIDL_NDR_INTERFACE,        /* reserved: COM interface pointers (a later issue) */
    ASIDL_NDR_PIPE,             /* reserved: pipes (a later issue) */
} asidl_ndr_kind;

/* The header every type descriptor starts with. */
typedef struct asidl_ndr_type {
    uint32_t magic;             /* ASIDL_NDR_MAGIC */
    uint8_t kind;               /* asidl_ndr_kind */
    uint8_t align;              /* NDR 2.0 wire alignment: 1, 2, 4 or 8 */
    uint16_t flags;             /* ASIDL_NDR_F_*: the common bit below plus the kind's own bits */
    uint32_t mem_size;          /* sizeof the C type; for a conformant type, of its fixed part */
} asidl_ndr_type;

/* The header of a descriptor, as generated code writes it:
 *   static const asidl_ndr_struct point_desc = { ASIDL_NDR_HDR(STRUCT, 4, 0, sizeof(struct point)), ... }; */
#define ASIDL_NDR_HDR(kind, align, flags, mem_size) \
    { ASIDL_NDR_MAGIC, ASIDL_NDR_##kind, (align), (flags), (uint32_t)(mem_size) }

/* Common flag: the type contains something a walk must visit (pointers, unions, context
 * handles, user_marshal or transmit_as types).  Types without it are plain data: freeing them
 * does nothing, and arrays of them may be block-copied. */
#define ASIDL_NDR_F_COMPLEX 0x8000u

/* ---- base types ---- */

/* What a base type is on the wire.  The C side is given by the header's mem_size (and, for
 * integers, the wire type's signedness): IDL `long` is { ASIDL_NDR_W_INT32, sizeof(long) },
 * converted and range-checked; `LONG`/`DWORD` are 4 bytes in C and copy as they are. */
typedef enum asidl_ndr_wire {
    ASIDL_NDR_W_INT8 = 1,       /* small */
    ASIDL_NDR_W_UINT8,          /* unsigned small, byte */
    ASIDL_NDR_W_INT16,          /* short */
    ASIDL_NDR_W_UINT16,         /* unsigned short */
    ASIDL_NDR_W_INT32,          /* long, int, __int32, __int3264 */
    ASIDL_NDR_W_UINT32,         /* unsigned long, error_status_t, DWORD */
    ASIDL_NDR_W_INT64,          /* hyper, __int64 */
    ASIDL_NDR_W_UINT64,         /* unsigned hyper */
    ASIDL_NDR_W_FLOAT,          /* IEEE single */
    ASIDL_NDR_W_DOUBLE,         /* IEEE double */
    ASIDL_NDR_W_CHAR,           /* char: one octet */
    ASIDL_NDR_W_WCHAR,          /* wchar_t: one UTF-16 code unit (C wchar_t holds a code point) */
    ASIDL_NDR_W_BOOLEAN,        /* boolean: one octet */
    ASIDL_NDR_W_ENUM16,         /* enum: 16 bits on the wire, 0..0x7FFF when marshalled */
    ASIDL_NDR_W_ENUM32,         /* [v1_enum] enum */
} asidl_ndr_wire;

typedef struct asidl_ndr_base {
    asidl_ndr_type hdr;         /* kind BASE, align = wire size, mem_size = sizeof the C type */
    uint8_t wire;               /* asidl_ndr_wire */
} asidl_ndr_base;

/* The base types MIDL's headers map IDL base types to, for descriptors to point at. */
#define ASIDL_NDR_BASE_TYPES(X)                                             \
    X(small, INT8, 1, signed char)                                          \
    X(usmall, UINT8, 1, unsigned char)                                      \
    X(byte, UINT8, 1, unsigned char)                                        \
    X(char, CHAR, 1, char)                                                  \
    X(boolean, BOOLEAN, 1, unsigned char)                                   \
    X(wchar, WCHAR, 2, wchar_t)                                             \
    X(short, INT16, 2, short)                                               \
    X(ushort, UINT16, 2, unsigned short)                                    \
    X(int, INT32, 4, int)                                                   \
    X(uint, UINT32, 4, unsigned int)                                        \
    X(long, INT32, 4, long)                                                 \
    X(ulong, UINT32, 4, unsigned long)                                      \
    X(int32, INT32, 4, int32_t)                                             \
    X(uint32, UINT32, 4, uint32_t)                                          \
    X(int3264, INT32, 4, long)                                              \
    X(uint3264, UINT32, 4, unsigned long)                                   \
    X(error_status, UINT32, 4, unsigned long)                               \
    X(hyper, INT64, 8, long long)                                           \
    X(uhyper, UINT64, 8, unsigned long long)                                \
    X(float, FLOAT, 4, float)                                               \
    X(double, DOUBLE, 8, double)                                            \
    X(enum16, ENUM16, 2, int)                                               \
    X(enum32, ENUM32, 4, int)
#define ASIDL_NDR_DECLARE_BASE_(name, wire, wsize, ctype) \
    ASIDL_API extern const asidl_ndr_base asidl_ndr_t_##name;
ASIDL_NDR_BASE_TYPES(ASIDL_NDR_DECLARE_BASE_)
#undef ASIDL_NDR_DECLARE_BASE_

/* [range(min, max)] on a base type: values outside are RPC_X_INVALID_BOUND both ways. */
typedef struct asidl_ndr_range {
    asidl_ndr_type hdr;         /* kind RANGE, align and mem_size as the base type's */
    const asidl_ndr_type *base; /* an asidl_ndr_base */
    int64_t min, max;
} asidl_ndr_range;

/* ---- correlation expressions ---- */

/* A correlation expression (size_is(n * 2), length_is(*pn), switch_is(s->kind), ...) is an array
 * of operations for a small stack machine over 64-bit integers, ended by ASIDL_NDR_OP_END.
 * Operands come from the fields of the structure that holds the described member (FIELD) or
 * from the procedure's parameters (PARAM).  Overflow and division by zero are errors, never
 * wrapped values. */
typedef enum asidl_ndr_opcode {
    ASIDL_NDR_OP_END = 0,
    ASIDL_NDR_OP_CONST,         /* push arg */
    ASIDL_NDR_OP_FIELD,         /* push the integer field of C type `ctype` at offset arg */
    ASIDL_NDR_OP_PARAM,         /* push the integer parameter number arg (of C type `ctype`) */
    ASIDL_NDR_OP_FIELD_ADDR,    /* push the address of the field at offset arg */
    ASIDL_NDR_OP_PARAM_ADDR,    /* push the address of parameter number arg */
    ASIDL_NDR_OP_DEREF,         /* pop an address A; push the integer of type `ctype` at (*(char **)A + arg) */
    ASIDL_NDR_OP_DEREF_ADDR,    /* pop an address A; push the address *(char **)A + arg */
    ASIDL_NDR_OP_NEG, ASIDL_NDR_OP_NOT, ASIDL_NDR_OP_BITNOT,                 /* unary */
    ASIDL_NDR_OP_ADD, ASIDL_NDR_OP_SUB, ASIDL_NDR_OP_MUL, ASIDL_NDR_OP_DIV,   /* binary: */
    ASIDL_NDR_OP_MOD, ASIDL_NDR_OP_SHL, ASIDL_NDR_OP_SHR,                     /* pop b, pop a, */
    ASIDL_NDR_OP_AND, ASIDL_NDR_OP_OR, ASIDL_NDR_OP_XOR,                      /* push a op b   */
    ASIDL_NDR_OP_LAND, ASIDL_NDR_OP_LOR,
    ASIDL_NDR_OP_EQ, ASIDL_NDR_OP_NE, ASIDL_NDR_OP_LT, ASIDL_NDR_OP_GT, ASIDL_NDR_OP_LE, ASIDL_NDR_OP_GE,
    ASIDL_NDR_OP_COND,          /* pop else, pop then, pop cond; push cond ? then : else */
} asidl_ndr_opcode;

/* C types for expression operands and procedure parameters: the size in the low bits, plus a
 * sign bit; ASIDL_NDR_C_OF(long) works out both from the type itself. */
#define ASIDL_NDR_C_SIGNED 0x80u
/* (compared with 1, not 0, so that -Wtype-limits stays quiet for unsigned types) */
#define ASIDL_NDR_C_OF(T) ((uint8_t)(sizeof(T) | (((T)-1 < (T)1) ? ASIDL_NDR_C_SIGNED : 0u)))
#define ASIDL_NDR_C_PTR 0x40u       /* any data or function pointer (handles, strings, arrays) */
#define ASIDL_NDR_C_FLOAT 0x41u
#define ASIDL_NDR_C_DOUBLE 0x42u
#define ASIDL_NDR_C_VOID 0x43u      /* only as the return "parameter" of a void procedure */
#define ASIDL_NDR_C_AGGREGATE 0x44u /* a struct or union passed by value: layout from its descriptor */

typedef struct asidl_ndr_op {
    uint8_t op;                 /* asidl_ndr_opcode */
    uint8_t ctype;              /* ASIDL_NDR_C_OF(...) for FIELD, PARAM and DEREF */
    int64_t arg;                /* constant, offset or parameter number */
} asidl_ndr_op;

/* ---- structures ---- */

typedef struct asidl_ndr_field {
    uint32_t offset;            /* offsetof(T, member) */
    const asidl_ndr_type *type;
} asidl_ndr_field;

#define ASIDL_NDR_F_CONFORMANT 0x0001u   /* struct: the last member is (or ends in) a conformant array */

typedef struct asidl_ndr_struct {
    asidl_ndr_type hdr;         /* kind STRUCT, align = largest member alignment, mem_size = sizeof(T) */
    uint32_t n_fields;
    const asidl_ndr_field *fields;
} asidl_ndr_struct;

/* ---- arrays ---- */

/* One dimension of an array.  A dimension is fixed (count) or conformant (size_is, or max_is
 * with an optional min_is); it may also be varying (length_is, first_is, last_is).  Indexes from
 * max_is/first_is/last_is count from min_is (0 by default); memory holds the elements from
 * index min_is on, row-major over all dimensions. */
typedef struct asidl_ndr_dim {
    uint32_t count;                 /* fixed element count (0 when conformant) */
    const asidl_ndr_op *size_is;    /* conformant: number of elements */
    const asidl_ndr_op *max_is;     /* conformant: highest valid index */
    const asidl_ndr_op *min_is;     /* lowest valid index (DCE; MIDL has only 0) */
    const asidl_ndr_op *length_is;  /* varying: number of elements transmitted */
    const asidl_ndr_op *first_is;   /* varying: first index transmitted */
    const asidl_ndr_op *last_is;    /* varying: last index transmitted */
} asidl_ndr_dim;

/* Array flags (ASIDL_NDR_F_CONFORMANT as above: some dimension is conformant). */
#define ASIDL_NDR_F_VARYING 0x0002u      /* some dimension is varying */
#define ASIDL_NDR_F_STRING 0x0004u       /* [string]: one dimension; the count comes from the terminator */

#define ASIDL_NDR_MAX_DIMS 8

typedef struct asidl_ndr_array {
    asidl_ndr_type hdr;         /* kind ARRAY, align = the element's (counts align themselves),
                                   mem_size = sizeof a fixed array, 0 when conformant */
    const asidl_ndr_type *elem;
    uint32_t n_dims;
    const asidl_ndr_dim *dims;
} asidl_ndr_array;

/* ---- pointers ---- */

/* Pointer kinds, in the low three bits of the header's flags. */
#define ASIDL_NDR_PTR_KIND_MASK 0x0007u
#define ASIDL_NDR_PTR_REF 1u         /* [ref]: never NULL; no wire form at top level */
#define ASIDL_NDR_PTR_UNIQUE 2u      /* [unique]: a referent ID, 0 for NULL */
#define ASIDL_NDR_PTR_FULL 3u        /* [ptr]: like unique, and aliases share one referent */
#define ASIDL_NDR_PTR_IGNORE 4u      /* [ignore]: sent as NULL, received as NULL */

typedef struct asidl_ndr_pointer {
    asidl_ndr_type hdr;         /* kind POINTER, align 4, mem_size sizeof(void *), flags: kind */
    const asidl_ndr_type *referent;
} asidl_ndr_pointer;

/* ---- unions ---- */

#define ASIDL_NDR_F_ENCAPSULATED 0x0001u /* union switch (T d) u {...}: the discriminant is in memory */
#define ASIDL_NDR_F_HAS_DEFAULT 0x0002u  /* a [default] arm exists (default_arm NULL: empty arm) */
#define ASIDL_NDR_F_MS_UNION 0x0004u     /* [ms_union]: arms aligned to the union's alignment */

typedef struct asidl_ndr_arm {
    int64_t case_value;         /* [case(value)] */
    const asidl_ndr_type *type; /* NULL: an empty arm */
} asidl_ndr_arm;

/* A non-encapsulated union is described once per use: switch_is says where the discriminant
 * comes from (a field of the enclosing structure or a parameter).  An encapsulated union's
 * descriptor describes the whole C struct { discriminant; union { arms } }. */
typedef struct asidl_ndr_union {
    asidl_ndr_type hdr;                 /* kind UNION, align = max(discriminant, arms) */
    const asidl_ndr_type *switch_type;  /* the discriminant's base type ([switch_type]) */
    const asidl_ndr_op *switch_is;      /* non-encapsulated: the discriminant's value */
    uint32_t discrim_offset;            /* encapsulated: offsetof the discriminant */
    uint32_t arm_offset;                /* encapsulated: offsetof the union of arms */
    uint32_t n_arms;
    const asidl_ndr_arm *arms;
    const asidl_ndr_type *default_arm;  /* with ASIDL_NDR_F_HAS_DEFAULT */
} asidl_ndr_union;

/* ---- context handles ---- */

#define ASIDL_NDR_F_CTX_STRICT 0x0001u       /* [strict_context_handle] */
#define ASIDL_NDR_F_CTX_NOSERIALIZE 0x0002u  /* ACF [context_handle_noserialize] */
#define ASIDL_NDR_F_CTX_SERIALIZE 0x0004u    /* ACF [context_handle_serialize] */

typedef struct asidl_ndr_context_handle {
    asidl_ndr_type hdr;                 /* kind CONTEXT_HANDLE, align 4, mem_size sizeof(void *) */
    void (*rundown)(void *context);     /* server: the type's <type>_rundown routine, or NULL */
    const char *type_name;              /* identifies the type for [strict_context_handle] */
} asidl_ndr_context_handle;

/* A context handle on the wire: 4 attribute octets and a UUID (20 octets), here in host order. */
typedef struct asidl_ndr_context_wire {
    uint32_t attributes;
    uint32_t uuid_d1;
    uint16_t uuid_d2, uuid_d3;
    uint8_t uuid_d4[8];
} asidl_ndr_context_wire;

/* ---- user_marshal / wire_marshal ---- */

/* The four routines MIDL specifies (<type>_UserSize, _UserMarshal, _UserUnmarshal, _UserFree),
 * reached through thunks the generator writes so that the object pointer can be void *.
 * flags: low 16 bits the marshalling context (MSHCTX_*), high 16 bits the data representation
 * of the buffer (0x10 little-endian, 0x00 big-endian). */
typedef uint32_t asidl_ndr_user_size_fn(uint32_t *flags, uint32_t start, void *obj);
typedef unsigned char *asidl_ndr_user_marshal_fn(uint32_t *flags, unsigned char *buffer, void *obj);
typedef unsigned char *asidl_ndr_user_unmarshal_fn(uint32_t *flags, unsigned char *buffer, void *obj);
typedef void asidl_ndr_user_free_fn(uint32_t *flags, void *obj);
/* MIDL's routines are not told where the buffer ends; asidl's are: given the flags pointer a
 * routine received, this returns the end of the input (_UserUnmarshal) or of the room granted
 * by _UserSize (_UserMarshal), NULL elsewhere.  A routine that checks its reads against it
 * cannot be made to overread by a hostile peer. */
ASIDL_API const unsigned char *asidl_ndr_user_buffer_end(const uint32_t *flags);

#define ASIDL_NDR_F_USER_POINTER 0x0001u /* the wire type has pointers: a 4-octet marker goes in
                                            place and the data follows the enclosing construct */

typedef struct asidl_ndr_user_marshal {
    asidl_ndr_type hdr;         /* kind USER_MARSHAL, align = wire type's, mem_size = sizeof(presented) */
    asidl_ndr_user_size_fn *size;
    asidl_ndr_user_marshal_fn *marshal;
    asidl_ndr_user_unmarshal_fn *unmarshal;
    asidl_ndr_user_free_fn *free;
} asidl_ndr_user_marshal;

/* ---- transmit_as / represent_as ---- */

/* The engine converts through four thunks (the generator adapts MIDL's routine names):
 *   to_wire(presented, &wire)   transmit_as: T_to_xmit;   represent_as: T_from_local
 *   from_wire(wire, presented)  transmit_as: T_from_xmit; represent_as: T_to_local
 *   free_wire(wire)             releases everything to_wire made (T_free_xmit; for
 *                               represent_as T_free_inst followed by MIDL_user_free)
 *   free_presented(presented)   T_free_inst / T_free_local: server-side release after the call */
#define ASIDL_NDR_F_REPRESENT_AS 0x0001u /* informational: which IDL attribute it came from */

typedef struct asidl_ndr_transmit_as {
    asidl_ndr_type hdr;                 /* kind TRANSMIT_AS, align = wire type's, mem_size = sizeof(presented) */
    const asidl_ndr_type *wire_type;    /* the transmitted type */
    void (*to_wire)(void *presented, void **wire);
    void (*from_wire)(void *wire, void *presented);
    void (*free_wire)(void *wire);
    void (*free_presented)(void *presented);
} asidl_ndr_transmit_as;

/* ===================================================================== procedures */

/* Parameter flags. */
#define ASIDL_NDR_PARAM_IN 0x0001u
#define ASIDL_NDR_PARAM_OUT 0x0002u
#define ASIDL_NDR_PARAM_RETURN 0x0004u       /* the return value: always the last entry */
#define ASIDL_NDR_PARAM_NOWIRE 0x0008u       /* not transmitted: handle_t, [comm_status], [fault_status] */
#define ASIDL_NDR_PARAM_COMM_STATUS 0x0010u
#define ASIDL_NDR_PARAM_FAULT_STATUS 0x0020u

typedef struct asidl_ndr_param {
    const char *name;           /* for diagnostics and traces */
    uint16_t flags;             /* ASIDL_NDR_PARAM_* */
    uint8_t ctype;              /* how the C prototype passes it: ASIDL_NDR_C_* (libffi) */
    uint32_t mem_size;          /* sizeof the parameter as declared (its frame slot) */
    const asidl_ndr_type *type; /* its NDR type: a pointer parameter has a pointer type, an array
                                   parameter a [ref] pointer to the array */
} asidl_ndr_param;

/* How a procedure finds its binding. */
typedef enum asidl_ndr_handle_kind {
    ASIDL_NDR_HANDLE_NONE = 0,  /* object (COM) methods: the proxy's binding */
    ASIDL_NDR_HANDLE_EXPLICIT,  /* a handle_t parameter (handle_param) */
    ASIDL_NDR_HANDLE_GENERIC,   /* a [handle] type parameter, bound with generic_bind/unbind */
    ASIDL_NDR_HANDLE_CONTEXT,   /* an [in] context handle parameter (handle_param) */
    ASIDL_NDR_HANDLE_IMPLICIT,  /* the interface's [implicit_handle] variable */
    ASIDL_NDR_HANDLE_AUTO,      /* [auto_handle] */
} asidl_ndr_handle_kind;

/* Procedure flags. */
#define ASIDL_NDR_PROC_ASYNC 0x0001u       /* [async]: C prototype void f(PRPC_ASYNC_STATE, params...) */
#define ASIDL_NDR_PROC_IDEMPOTENT 0x0002u
#define ASIDL_NDR_PROC_MAYBE 0x0004u
#define ASIDL_NDR_PROC_BROADCAST 0x0008u
#define ASIDL_NDR_PROC_HAS_RETURN 0x0010u  /* the last parameter entry is the return value */
#define ASIDL_NDR_PROC_CALLBACK 0x0020u
#define ASIDL_NDR_PROC_OBJECT 0x0040u      /* a method of an [object] interface (This first) */
#define ASIDL_NDR_PROC_COMM_STATUS 0x0080u /* errors come back through [comm_status] / [fault_status] */

/* A procedure: parameters in declaration order, then the return value (if any).  For an
 * [async] procedure the C prototype also takes PRPC_ASYNC_STATE first and returns void; the
 * return value is still the last entry here and travels on the wire. */
typedef struct asidl_ndr_proc {
    uint32_t magic;             /* ASIDL_NDR_MAGIC */
    uint16_t opnum;
    uint16_t n_params;          /* entries in params, the return value included */
    uint32_t flags;             /* ASIDL_NDR_PROC_* */
    uint8_t handle_kind;        /* asidl_ndr_handle_kind */
    uint8_t handle_param;       /* EXPLICIT, GENERIC, CONTEXT: the binding parameter's index */
    const char *name;
    const asidl_ndr_param *params;
    void *implicit_handle;      /* IMPLICIT: address of the interface's handle variable */
    void *(*generic_bind)(void *object);                /* GENERIC: <type>_bind thunk */
    void (*generic_unbind)(void *object, void *binding); /* GENERIC: <type>_unbind thunk */
} asidl_ndr_proc;

/* ===================================================================== engine state */

typedef enum asidl_ndr_side {
    ASIDL_NDR_CLIENT = 1,       /* marshals [in], unmarshals [out]: writes into caller memory */
    ASIDL_NDR_SERVER = 2,       /* unmarshals [in], marshals [out]: allocates everything */
} asidl_ndr_side;

/* A growing output buffer.  The engine appends at data + len and calls grow() when it needs
 * room; a NULL grow means a fixed buffer (running out is RPC_S_OUT_OF_MEMORY).  asidl_ndr_
 * buffer_init gives a realloc-backed buffer.  Alignment is relative to data (the stub data start). */
typedef struct asidl_ndr_buffer {
    unsigned char *data;
    size_t len, cap;
    int (*grow)(struct asidl_ndr_buffer *buf, size_t min_cap);  /* 0 on success */
    void *owner;                /* for grow()'s use */
} asidl_ndr_buffer;

/* Context handles belong to the RPC runtime; the engine asks it through these hooks.  `mem` is
 * the C object (NDR_CCONTEXT on the client, the manager's context value slot on the server);
 * `param_flags` the parameter's ASIDL_NDR_PARAM_* flags. */
typedef struct asidl_ndr_hooks {
    long (*context_to_wire)(void *hook_ctx, const asidl_ndr_context_handle *desc, unsigned param_flags,
                            const void *mem, asidl_ndr_context_wire *wire);
    long (*context_from_wire)(void *hook_ctx, const asidl_ndr_context_handle *desc, unsigned param_flags,
                              const asidl_ndr_context_wire *wire, void *mem);
} asidl_ndr_hooks;

/* Internal state; callers only allocate it (it may live on the stack) and leave it alone. */
struct asidl_ndr__queue_entry;
struct asidl_ndr__undo;
struct asidl_ndr__check;
struct asidl_ndr__map_slot;
struct asidl_ndr__fixup;
struct asidl_ndr__proc_info;
typedef struct asidl_ndr__map {
    struct asidl_ndr__map_slot *slots;
    size_t cap, used;
} asidl_ndr__map;

typedef struct asidl_ndr_call {
    /* ---- settings: the owner may change these between asidl_ndr_call_init and use ---- */
    asidl_ndr_side side;
    size_t alloc_limit;         /* bytes one unmarshal may allocate (asidl_ndr_set_default_alloc_limit) */
    uint32_t user_marshal_context; /* MSHCTX_* given to user_marshal routines (default 2, different machine) */
    int in_place;               /* server: leave [in]-only arrays of plain data in the request
                                   buffer instead of copying them (as MIDL does); the request
                                   must then stay alive and unchanged until asidl_ndr_server_free */
    const asidl_ndr_hooks *hooks;
    void *hook_ctx;

    /* ---- private ---- */
    struct {
        /* A pass's state that starts at zero, together so that starting a pass clears it
         * with a few wide stores (ndr_begin_pass). */
        uint8_t mode, swap, reuse, record_caps, hoist_pending, hoist_n;
        uint32_t param;
        uint32_t ready_limit;
        const asidl_ndr_proc *proc;
        void **frame;
        const unsigned char *ready_base;
        size_t size_pos;
        size_t alloc_total;
        size_t q_len, undo_len, checks_len, fixups_len;
        /* The rest of a pass's state: set where the pass starts. */
        size_t target_cap;          /* elements the memory being filled can hold (caller memory) */
        uint32_t next_id;
        uint32_t drep;
        uint32_t hoist[ASIDL_NDR_MAX_DIMS];
        asidl_ndr_buffer *out;
        const unsigned char *in;
        size_t in_len, in_pos;
        /* The procedure's info (ndr_procinfo.c) a pass found, for the call's next pass. */
        const struct asidl_ndr__proc_info *info;
        /* The tables, kept across passes. */
        struct asidl_ndr__queue_entry *queue;
        size_t q_cap;
        struct asidl_ndr__undo *undo;
        size_t undo_cap;
        struct asidl_ndr__check *checks;
        size_t checks_cap;
        struct asidl_ndr__fixup *fixups;
        size_t fixups_cap;
        asidl_ndr__map full_ptrs;   /* marshal: address -> id; unmarshal: id -> address */
        asidl_ndr__map capacities;  /* client [in,out] referents: address -> elements sent */
        /* The first entries of the queue and of the undo log, so that a small call allocates
         * neither (the call must not be moved once initialised: the tables may point here). */
        uint64_t local_queue[4 * 4];
        uint64_t local_undo[4 * 4];
    } p;
} asidl_ndr_call;

/* ===================================================================== engine API */

/* Data representation labels (the PDU header's drep[0]). */
#define ASIDL_NDR_DREP_LITTLE_ENDIAN 0x10u
#define ASIDL_NDR_DREP_BIG_ENDIAN 0x00u

ASIDL_API void asidl_ndr_call_init(asidl_ndr_call *call, asidl_ndr_side side);
/* Releases the call's internal tables (not the data it marshalled or unmarshalled). */
ASIDL_API void asidl_ndr_call_cleanup(asidl_ndr_call *call);
/* The allocation cap new calls start with (64 MiB unless changed). */
ASIDL_API void asidl_ndr_set_default_alloc_limit(size_t bytes);

ASIDL_API void asidl_ndr_buffer_init(asidl_ndr_buffer *buf);
/* A buffer over caller storage that never grows. */
ASIDL_API void asidl_ndr_buffer_init_fixed(asidl_ndr_buffer *buf, void *storage, size_t cap);
/* A buffer that starts in caller storage (typically a small array on the stack, so that small
 * messages need no allocation) and moves to the heap when it outgrows it.  The storage must
 * outlive the buffer's use; asidl_ndr_buffer_free releases only what went to the heap. */
ASIDL_API void asidl_ndr_buffer_init_local(asidl_ndr_buffer *buf, void *storage, size_t cap);
/* What the runtime's own callers give asidl_ndr_buffer_init_local: enough for most requests
 * and replies, small enough for any thread's stack. */
#define ASIDL_NDR_LOCAL_BUFFER 512
/* Frees the storage of a buffer made by asidl_ndr_buffer_init. */
ASIDL_API void asidl_ndr_buffer_free(asidl_ndr_buffer *buf);

/* ---- one value, as a top-level object (its pointers follow top-level pointer rules) ---- */

/* Exact number of octets the value takes when marshalled starting at offset `start`. */
ASIDL_API long asidl_ndr_size(asidl_ndr_call *call, const asidl_ndr_type *type, const void *mem,
                              size_t start, size_t *size);
/* Appends the value to out (aligned relative to out->data). */
ASIDL_API long asidl_ndr_marshal(asidl_ndr_call *call, const asidl_ndr_type *type, const void *mem,
                                 asidl_ndr_buffer *out);
/* Reads a value from buf[*pos..len) in the given data representation (drep[0] of the PDU) into
 * mem (mem_size bytes the caller provides), allocating what its pointers reference; advances
 * *pos.  On failure everything allocated is released and *pos is unchanged. */
ASIDL_API long asidl_ndr_unmarshal(asidl_ndr_call *call, const asidl_ndr_type *type, void *mem,
                                   const void *buf, size_t len, size_t *pos, unsigned drep);
/* Releases what the value's pointers reference (not mem itself), with MIDL_user_free. */
ASIDL_API void asidl_ndr_free(const asidl_ndr_type *type, void *mem);

/* ---- procedures ----
 * A call's arguments are an argument frame: args[i] is the address of parameter i's value
 * (the return value's storage for the last entry when ASIDL_NDR_PROC_HAS_RETURN), as libffi
 * takes them.  One asidl_ndr_call serves one call: the client uses the same one to marshal the
 * request and unmarshal the reply. */

/* Client: size and marshal the [in] parameters. */
ASIDL_API long asidl_ndr_client_size(asidl_ndr_call *call, const asidl_ndr_proc *proc, void **args,
                                     size_t *size);
ASIDL_API long asidl_ndr_client_marshal(asidl_ndr_call *call, const asidl_ndr_proc *proc, void **args,
                                        asidl_ndr_buffer *out);
/* Client: unmarshal the [out] parameters and the return value into the caller's memory.  On
 * failure everything allocated is released and [out]-only referents are zeroed. */
ASIDL_API long asidl_ndr_client_unmarshal(asidl_ndr_call *call, const asidl_ndr_proc *proc, void **args,
                                          const void *buf, size_t len, unsigned drep);

/* Server: the frame for a procedure: its size, and the layout of a zeroed block of that size
 * into args (n_params entries). */
ASIDL_API size_t asidl_ndr_frame_size(const asidl_ndr_proc *proc);
ASIDL_API void asidl_ndr_frame_init(const asidl_ndr_proc *proc, void *block, void **args);
/* Server: unmarshal the [in] parameters into a fresh frame and allocate what [out]-only
 * parameters point to.  On failure the frame holds nothing to free. */
ASIDL_API long asidl_ndr_server_unmarshal(asidl_ndr_call *call, const asidl_ndr_proc *proc, void **args,
                                          const void *buf, size_t len, unsigned drep);
/* Server: size and marshal the [out] parameters and the return value (any thread, any time
 * after the manager routine has filled them: asynchronous calls do this on completion). */
ASIDL_API long asidl_ndr_server_size(asidl_ndr_call *call, const asidl_ndr_proc *proc, void **args,
                                     size_t *size);
ASIDL_API long asidl_ndr_server_marshal(asidl_ndr_call *call, const asidl_ndr_proc *proc, void **args,
                                        asidl_ndr_buffer *out);
/* Server: release everything the frame references (after marshalling, or instead of it).
 * request/request_len: the request buffer the frame was unmarshalled from, whose octets
 * in_place arrays still point into (NULL, 0 if in_place was off). */
ASIDL_API void asidl_ndr_server_free(const asidl_ndr_proc *proc, void **args, const void *request,
                                     size_t request_len);

/* Checks a descriptor graph for internal consistency (magic, kinds, alignments, flags, field
 * order, expression shape).  Generated descriptors pass; tests run it on hand-written ones.
 * Returns RPC_S_OK, or RPC_S_INTERNAL_ERROR with a description in why (if not NULL). */
ASIDL_API long asidl_ndr_validate_type(const asidl_ndr_type *type, const char **why);
ASIDL_API long asidl_ndr_validate_proc(const asidl_ndr_proc *proc, const char **why);

ASIDL_EXTERN_C_END

#endif /* ASIDL_NDR_H */
