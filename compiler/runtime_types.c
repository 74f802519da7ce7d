/*
 * runtime_types.c: the type names asidl's public headers (runtime/include) already define,
 * and whether an IDL declaration of such a name describes the same wire type.
 *
 * IDL files commonly repeat Windows' typedefs (wtypes.idl: typedef long LONG; typedef struct
 * _GUID {...} GUID;).  The generated header must not repeat them, since rpc.h has already
 * declared them, and an IDL that declares one differently would marshal something other than
 * what the C code holds: check.c reports it, using runtime_type_matches.
 *
 * Matching is by wire type, as NDR sees it: integers by wire size and signedness (IDL long
 * matches LONG: both are 4 bytes on the wire, although C long is 8 in memory), characters by
 * kind (char and wchar_t differ), pointers by what they point to, structs field by field with
 * the field names (generated descriptors name the fields).  C-only types (function types,
 * unions with anonymous members, the runtime's own structures) match no IDL declaration.
 *
 * Every typedef name and struct/union/enum tag of the public headers is listed here;
 * tests/unit/test_runtime_types.c checks the list against the headers in both directions.
 */
#include <stdlib.h>
#include <string.h>

#include "asidl.h"

/* ===================================================================== wire shapes */

typedef enum ShapeKind {
    SH_OPAQUE,     /* C-only: no IDL declaration describes it */
    SH_C_POINTER,  /* C-only pointer: any IDL pointer agrees with it */
    SH_VOID,
    SH_INT,        /* integer of `size` wire bytes, `sign` SIGNED or UNSIGNED */
    SH_INT3264,    /* pointer-sized integer (IDL __int3264) of that sign */
    SH_CHAR,       /* IDL char: 8-bit text */
    SH_WCHAR,      /* IDL wchar_t: UTF-16 text on the wire */
    SH_FLOAT,
    SH_DOUBLE,
    SH_HANDLE,     /* binding handle: handle_t, or a void pointer as Windows declares it */
    SH_POINTER,    /* pointer to `ref`; NULL ref: an opaque handle-like pointer to anything */
    SH_ARRAY,      /* `size` elements of `ref` */
    SH_STRUCT,     /* `fields`, in order, names included; `tag` accepts a forward declaration */
} ShapeKind;

enum { SIGNED = 1, UNSIGNED = 2 };

typedef struct Field Field;

typedef struct Shape {
    ShapeKind kind;
    int size;
    int sign;
    const struct Shape *ref;
    const Field *fields;   /* SH_STRUCT: terminated by a NULL name */
    const char *tag;       /* SH_STRUCT */
    const char *text;      /* for diagnostics: RuntimeType.wire */
} Shape;

struct Field {
    const char *name;
    const Shape *shape;
};

static const Shape opaque = { SH_OPAQUE, 0, 0, NULL, NULL, NULL, "C-only type" };
static const Shape c_pointer = { SH_C_POINTER, 0, 0, NULL, NULL, NULL, "C-only pointer" };
static const Shape void_type = { SH_VOID, 0, 0, NULL, NULL, NULL, "void" };

static const Shape i8 = { SH_INT, 1, SIGNED, NULL, NULL, NULL, "int8" };
static const Shape u8 = { SH_INT, 1, UNSIGNED, NULL, NULL, NULL, "uint8" };
static const Shape i16 = { SH_INT, 2, SIGNED, NULL, NULL, NULL, "int16" };
static const Shape u16 = { SH_INT, 2, UNSIGNED, NULL, NULL, NULL, "uint16" };
static const Shape i32 = { SH_INT, 4, SIGNED, NULL, NULL, NULL, "int32" };
static const Shape u32 = { SH_INT, 4, UNSIGNED, NULL, NULL, NULL, "uint32" };
static const Shape i64 = { SH_INT, 8, SIGNED, NULL, NULL, NULL, "int64" };
static const Shape u64 = { SH_INT, 8, UNSIGNED, NULL, NULL, NULL, "uint64" };
static const Shape iptr = { SH_INT3264, 0, SIGNED, NULL, NULL, NULL, "__int3264" };
static const Shape uptr = { SH_INT3264, 0, UNSIGNED, NULL, NULL, NULL, "unsigned __int3264" };
static const Shape char8 = { SH_CHAR, 1, 0, NULL, NULL, NULL, "char" };
static const Shape wchar = { SH_WCHAR, 2, 0, NULL, NULL, NULL, "wchar_t" };
static const Shape float32 = { SH_FLOAT, 4, 0, NULL, NULL, NULL, "float" };
static const Shape float64 = { SH_DOUBLE, 8, 0, NULL, NULL, NULL, "double" };
static const Shape binding = { SH_HANDLE, 0, 0, NULL, NULL, NULL, "handle_t" };

#define POINTER_TO(target, description) { SH_POINTER, 0, 0, &target, NULL, NULL, description }

static const Shape any_pointer = { SH_POINTER, 0, 0, NULL, NULL, NULL, "pointer" };
static const Shape void_p = POINTER_TO(void_type, "void *");
static const Shape char_p = POINTER_TO(char8, "char *");
static const Shape wchar_p = POINTER_TO(wchar, "wchar_t *");
static const Shape i8_p = POINTER_TO(i8, "int8 *");
static const Shape u8_p = POINTER_TO(u8, "uint8 *");
static const Shape i16_p = POINTER_TO(i16, "int16 *");
static const Shape u16_p = POINTER_TO(u16, "uint16 *");
static const Shape i32_p = POINTER_TO(i32, "int32 *");
static const Shape u32_p = POINTER_TO(u32, "uint32 *");
static const Shape i64_p = POINTER_TO(i64, "int64 *");
static const Shape u64_p = POINTER_TO(u64, "uint64 *");
static const Shape iptr_p = POINTER_TO(iptr, "__int3264 *");
static const Shape uptr_p = POINTER_TO(uptr, "unsigned __int3264 *");
static const Shape float32_p = POINTER_TO(float32, "float *");
static const Shape void_pp = POINTER_TO(void_p, "void **");
static const Shape wchar_pp = POINTER_TO(wchar_p, "wchar_t **");

static const Shape byte_array_8 = { SH_ARRAY, 8, 0, &u8, NULL, NULL, "uint8[8]" };

static const Field guid_fields[] = {
    { "Data1", &u32 }, { "Data2", &u16 }, { "Data3", &u16 }, { "Data4", &byte_array_8 }, { NULL, NULL },
};
static const Shape guid = { SH_STRUCT, 16, 0, NULL, guid_fields, "_GUID",
                            "struct _GUID { uint32 Data1; uint16 Data2; uint16 Data3; uint8 Data4[8]; }" };
static const Shape guid_p = POINTER_TO(guid, "GUID *");

static const Field filetime_fields[] = {
    { "dwLowDateTime", &u32 }, { "dwHighDateTime", &u32 }, { NULL, NULL },
};
static const Shape filetime = { SH_STRUCT, 8, 0, NULL, filetime_fields, "_FILETIME",
                                "struct _FILETIME { uint32 dwLowDateTime; uint32 dwHighDateTime; }" };
static const Shape filetime_p = POINTER_TO(filetime, "FILETIME *");

/* In C a union with LowPart/HighPart too; IDL (wtypes.idl) declares only the 64-bit member. */
static const Field large_integer_fields[] = { { "QuadPart", &i64 }, { NULL, NULL } };
static const Shape large_integer = { SH_STRUCT, 8, 0, NULL, large_integer_fields, "_LARGE_INTEGER",
                                     "struct _LARGE_INTEGER { int64 QuadPart; }" };
static const Shape large_integer_p = POINTER_TO(large_integer, "LARGE_INTEGER *");
static const Field ularge_integer_fields[] = { { "QuadPart", &u64 }, { NULL, NULL } };
static const Shape ularge_integer = { SH_STRUCT, 8, 0, NULL, ularge_integer_fields, "_ULARGE_INTEGER",
                                      "struct _ULARGE_INTEGER { uint64 QuadPart; }" };
static const Shape ularge_integer_p = POINTER_TO(ularge_integer, "ULARGE_INTEGER *");

static const Field luid_fields[] = { { "LowPart", &u32 }, { "HighPart", &i32 }, { NULL, NULL } };
static const Shape luid = { SH_STRUCT, 8, 0, NULL, luid_fields, "_LUID",
                            "struct _LUID { uint32 LowPart; int32 HighPart; }" };
static const Shape luid_p = POINTER_TO(luid, "LUID *");

static const Field security_attributes_fields[] = {
    { "nLength", &u32 }, { "lpSecurityDescriptor", &void_p }, { "bInheritHandle", &i32 }, { NULL, NULL },
};
static const Shape security_attributes = {
    SH_STRUCT, 0, 0, NULL, security_attributes_fields, "_SECURITY_ATTRIBUTES",
    "struct _SECURITY_ATTRIBUTES { uint32 nLength; void *lpSecurityDescriptor; int32 bInheritHandle; }"
};
static const Shape security_attributes_p = POINTER_TO(security_attributes, "SECURITY_ATTRIBUTES *");

static const Field point_fields[] = { { "x", &i32 }, { "y", &i32 }, { NULL, NULL } };
static const Shape point = { SH_STRUCT, 8, 0, NULL, point_fields, "tagPOINT",
                             "struct tagPOINT { int32 x; int32 y; }" };
static const Shape point_p = POINTER_TO(point, "POINT *");
static const Field size_fields[] = { { "cx", &i32 }, { "cy", &i32 }, { NULL, NULL } };
static const Shape size_struct = { SH_STRUCT, 8, 0, NULL, size_fields, "tagSIZE", "struct tagSIZE { int32 cx; int32 cy; }" };
static const Shape size_p = POINTER_TO(size_struct, "SIZE *");
static const Field rect_fields[] = {
    { "left", &i32 }, { "top", &i32 }, { "right", &i32 }, { "bottom", &i32 }, { NULL, NULL },
};
static const Shape rect = { SH_STRUCT, 16, 0, NULL, rect_fields, "tagRECT",
                            "struct tagRECT { int32 left, top, right, bottom; }" };
static const Shape rect_p = POINTER_TO(rect, "RECT *");

static const Field msg_fields[] = {
    { "hwnd", &any_pointer }, { "message", &u32 }, { "wParam", &uptr }, { "lParam", &iptr },
    { "time", &u32 }, { "pt", &point }, { NULL, NULL },
};
static const Shape msg = { SH_STRUCT, 0, 0, NULL, msg_fields, "tagMSG",
                           "struct tagMSG { HWND hwnd; uint32 message; UINT_PTR wParam; LONG_PTR lParam; "
                           "uint32 time; POINT pt; }" };
static const Shape msg_p = POINTER_TO(msg, "MSG *");

static const Field rpc_if_id_fields[] = {
    { "Uuid", &guid }, { "VersMajor", &u16 }, { "VersMinor", &u16 }, { NULL, NULL },
};
static const Shape rpc_if_id = { SH_STRUCT, 20, 0, NULL, rpc_if_id_fields, "_RPC_IF_ID",
                                 "struct _RPC_IF_ID { GUID Uuid; uint16 VersMajor; uint16 VersMinor; }" };

/* ===================================================================== the table */

typedef struct Entry {
    RuntimeType rt;        /* first: runtime_type_lookup hands out &entry->rt */
    const Shape *shape;
} Entry;

#define T(name, header, shape) { { name, header, NULL }, &shape }

/* Kept in the order of the headers; sorted by name on first use. */
static Entry table[] = {
    /* basetsd.h */
    T("INT8", "basetsd.h", i8), T("PINT8", "basetsd.h", i8_p),
    T("INT16", "basetsd.h", i16), T("PINT16", "basetsd.h", i16_p),
    T("INT32", "basetsd.h", i32), T("PINT32", "basetsd.h", i32_p),
    T("INT64", "basetsd.h", i64), T("PINT64", "basetsd.h", i64_p),
    T("UINT8", "basetsd.h", u8), T("PUINT8", "basetsd.h", u8_p),
    T("UINT16", "basetsd.h", u16), T("PUINT16", "basetsd.h", u16_p),
    T("UINT32", "basetsd.h", u32), T("PUINT32", "basetsd.h", u32_p),
    T("UINT64", "basetsd.h", u64), T("PUINT64", "basetsd.h", u64_p),
    T("LONG32", "basetsd.h", i32), T("PLONG32", "basetsd.h", i32_p),
    T("ULONG32", "basetsd.h", u32), T("PULONG32", "basetsd.h", u32_p),
    T("DWORD32", "basetsd.h", u32), T("PDWORD32", "basetsd.h", u32_p),
    T("LONG64", "basetsd.h", i64), T("PLONG64", "basetsd.h", i64_p),
    T("ULONG64", "basetsd.h", u64), T("PULONG64", "basetsd.h", u64_p),
    T("DWORD64", "basetsd.h", u64), T("PDWORD64", "basetsd.h", u64_p),
    T("INT_PTR", "basetsd.h", iptr), T("PINT_PTR", "basetsd.h", iptr_p),
    T("UINT_PTR", "basetsd.h", uptr), T("PUINT_PTR", "basetsd.h", uptr_p),
    T("LONG_PTR", "basetsd.h", iptr), T("PLONG_PTR", "basetsd.h", iptr_p),
    T("ULONG_PTR", "basetsd.h", uptr), T("PULONG_PTR", "basetsd.h", uptr_p),
    T("DWORD_PTR", "basetsd.h", uptr), T("PDWORD_PTR", "basetsd.h", uptr_p),
    T("SIZE_T", "basetsd.h", uptr), T("PSIZE_T", "basetsd.h", uptr_p),
    T("SSIZE_T", "basetsd.h", iptr), T("PSSIZE_T", "basetsd.h", iptr_p),
    T("KAFFINITY", "basetsd.h", uptr), T("PKAFFINITY", "basetsd.h", uptr_p),

    /* winnt.h */
    T("CHAR", "winnt.h", char8), T("SHORT", "winnt.h", i16), T("LONG", "winnt.h", i32),
    T("UCHAR", "winnt.h", u8), T("PUCHAR", "winnt.h", u8_p),
    T("USHORT", "winnt.h", u16), T("PUSHORT", "winnt.h", u16_p),
    T("ULONG", "winnt.h", u32), T("PULONG", "winnt.h", u32_p),
    T("BYTE", "winnt.h", u8), T("PBYTE", "winnt.h", u8_p), T("LPBYTE", "winnt.h", u8_p),
    T("WORD", "winnt.h", u16), T("PWORD", "winnt.h", u16_p), T("LPWORD", "winnt.h", u16_p),
    T("DWORD", "winnt.h", u32), T("PDWORD", "winnt.h", u32_p), T("LPDWORD", "winnt.h", u32_p),
    T("INT", "winnt.h", i32), T("PINT", "winnt.h", i32_p), T("LPINT", "winnt.h", i32_p),
    T("UINT", "winnt.h", u32), T("PUINT", "winnt.h", u32_p),
    T("BOOL", "winnt.h", i32), T("PBOOL", "winnt.h", i32_p), T("LPBOOL", "winnt.h", i32_p),
    T("FLOAT", "winnt.h", float32), T("PFLOAT", "winnt.h", float32_p), T("DOUBLE", "winnt.h", float64),
    /* boolean in IDL (wtypes.idl: typedef boolean BOOLEAN) */
    T("BOOLEAN", "winnt.h", u8), T("PBOOLEAN", "winnt.h", u8_p),
    T("PVOID", "winnt.h", void_p), T("LPVOID", "winnt.h", void_p), T("LPCVOID", "winnt.h", void_p),
    T("PCHAR", "winnt.h", char_p), T("LPCH", "winnt.h", char_p), T("PCH", "winnt.h", char_p),
    T("PSHORT", "winnt.h", i16_p), T("PLONG", "winnt.h", i32_p), T("LPLONG", "winnt.h", i32_p),
    T("WCHAR", "winnt.h", wchar), T("PWCHAR", "winnt.h", wchar_p), T("LPWCH", "winnt.h", wchar_p),
    T("PWCH", "winnt.h", wchar_p),
    T("PSTR", "winnt.h", char_p), T("LPSTR", "winnt.h", char_p), T("NPSTR", "winnt.h", char_p),
    T("PCSTR", "winnt.h", char_p), T("LPCSTR", "winnt.h", char_p),
    T("PWSTR", "winnt.h", wchar_p), T("LPWSTR", "winnt.h", wchar_p), T("NWPSTR", "winnt.h", wchar_p),
    T("PCWSTR", "winnt.h", wchar_p), T("LPCWSTR", "winnt.h", wchar_p),
    /* TCHAR follows UNICODE in C; IDL files (compiled for Unicode) declare it as WCHAR. */
    T("TCHAR", "winnt.h", wchar), T("PTSTR", "winnt.h", wchar_p), T("LPTSTR", "winnt.h", wchar_p),
    T("PCTSTR", "winnt.h", wchar_p), T("LPCTSTR", "winnt.h", wchar_p),
    T("LONGLONG", "winnt.h", i64), T("PLONGLONG", "winnt.h", i64_p),
    T("ULONGLONG", "winnt.h", u64), T("PULONGLONG", "winnt.h", u64_p),
    T("DWORDLONG", "winnt.h", u64), T("PDWORDLONG", "winnt.h", u64_p),
    T("HRESULT", "winnt.h", i32), T("SCODE", "winnt.h", i32), T("PSCODE", "winnt.h", i32_p),
    T("LCID", "winnt.h", u32), T("PLCID", "winnt.h", u32_p), T("LANGID", "winnt.h", u16),
    T("HANDLE", "winnt.h", void_p), T("PHANDLE", "winnt.h", void_pp), T("LPHANDLE", "winnt.h", void_pp),
    T("_LARGE_INTEGER", "winnt.h", large_integer), T("LARGE_INTEGER", "winnt.h", large_integer),
    T("PLARGE_INTEGER", "winnt.h", large_integer_p),
    T("_ULARGE_INTEGER", "winnt.h", ularge_integer), T("ULARGE_INTEGER", "winnt.h", ularge_integer),
    T("PULARGE_INTEGER", "winnt.h", ularge_integer_p),
    T("_LUID", "winnt.h", luid), T("LUID", "winnt.h", luid), T("PLUID", "winnt.h", luid_p),
    T("ACCESS_MASK", "winnt.h", u32), T("PACCESS_MASK", "winnt.h", u32_p),

    /* minwindef.h */
    T("WPARAM", "minwindef.h", uptr), T("LPARAM", "minwindef.h", iptr), T("LRESULT", "minwindef.h", iptr),
    T("ATOM", "minwindef.h", u16), T("HGLOBAL", "minwindef.h", void_p), T("HLOCAL", "minwindef.h", void_p),
    T("FARPROC", "minwindef.h", c_pointer),
    T("_FILETIME", "minwindef.h", filetime), T("FILETIME", "minwindef.h", filetime),
    T("PFILETIME", "minwindef.h", filetime_p), T("LPFILETIME", "minwindef.h", filetime_p),

    /* windef.h */
    T("HWND__", "windef.h", opaque), T("HWND", "windef.h", any_pointer),
    T("tagPOINT", "windef.h", point), T("POINT", "windef.h", point), T("PPOINT", "windef.h", point_p),
    T("NPPOINT", "windef.h", point_p), T("LPPOINT", "windef.h", point_p),
    T("tagSIZE", "windef.h", size_struct), T("SIZE", "windef.h", size_struct), T("PSIZE", "windef.h", size_p),
    T("LPSIZE", "windef.h", size_p),
    T("tagRECT", "windef.h", rect), T("RECT", "windef.h", rect), T("PRECT", "windef.h", rect_p),
    T("NPRECT", "windef.h", rect_p), T("LPRECT", "windef.h", rect_p), T("LPCRECT", "windef.h", rect_p),

    /* guiddef.h: REFGUID and friends are macros there (a reference in C++); IDL declares them
     * as pointers (wtypes.idl: typedef IID *REFIID). */
    T("_GUID", "guiddef.h", guid), T("GUID", "guiddef.h", guid), T("LPGUID", "guiddef.h", guid_p),
    T("LPCGUID", "guiddef.h", guid_p), T("IID", "guiddef.h", guid), T("LPIID", "guiddef.h", guid_p),
    T("CLSID", "guiddef.h", guid), T("LPCLSID", "guiddef.h", guid_p), T("FMTID", "guiddef.h", guid),
    T("LPFMTID", "guiddef.h", guid_p), T("REFGUID", "guiddef.h", guid_p), T("REFIID", "guiddef.h", guid_p),
    T("REFCLSID", "guiddef.h", guid_p), T("REFFMTID", "guiddef.h", guid_p),

    /* minwinbase.h */
    T("_SECURITY_ATTRIBUTES", "minwinbase.h", security_attributes),
    T("SECURITY_ATTRIBUTES", "minwinbase.h", security_attributes),
    T("PSECURITY_ATTRIBUTES", "minwinbase.h", security_attributes_p),
    T("LPSECURITY_ATTRIBUTES", "minwinbase.h", security_attributes_p),
    T("_OVERLAPPED", "minwinbase.h", opaque), T("OVERLAPPED", "minwinbase.h", opaque),
    T("LPOVERLAPPED", "minwinbase.h", c_pointer),
    T("_OVERLAPPED_ENTRY", "minwinbase.h", opaque), T("OVERLAPPED_ENTRY", "minwinbase.h", opaque),
    T("LPOVERLAPPED_ENTRY", "minwinbase.h", c_pointer),

    /* processthreadsapi.h */
    T("PAPCFUNC", "processthreadsapi.h", c_pointer),

    /* winuser.h */
    T("tagMSG", "winuser.h", msg), T("MSG", "winuser.h", msg), T("PMSG", "winuser.h", msg_p),
    T("NPMSG", "winuser.h", msg_p), T("LPMSG", "winuser.h", msg_p),

    /* rpcdce.h */
    T("RPC_STATUS", "rpcdce.h", i32), T("error_status_t", "rpcdce.h", u32),
    T("RPC_CSTR", "rpcdce.h", u8_p), T("RPC_CCSTR", "rpcdce.h", u8_p),
    T("RPC_WSTR", "rpcdce.h", wchar_p), T("RPC_CWSTR", "rpcdce.h", wchar_p),
    T("I_RPC_HANDLE", "rpcdce.h", binding), T("RPC_BINDING_HANDLE", "rpcdce.h", binding),
    T("handle_t", "rpcdce.h", binding),
    T("RPC_IF_HANDLE", "rpcdce.h", void_p), T("RPC_MGR_EPV", "rpcdce.h", void_type),
    T("RPC_AUTH_IDENTITY_HANDLE", "rpcdce.h", void_p), T("RPC_AUTHZ_HANDLE", "rpcdce.h", void_p),
    T("UUID", "rpcdce.h", guid),
    T("_RPC_BINDING_VECTOR", "rpcdce.h", opaque), T("RPC_BINDING_VECTOR", "rpcdce.h", opaque),
    T("_UUID_VECTOR", "rpcdce.h", opaque), T("UUID_VECTOR", "rpcdce.h", opaque),
    T("_RPC_IF_ID", "rpcdce.h", rpc_if_id), T("RPC_IF_ID", "rpcdce.h", rpc_if_id),
    T("_RPC_IF_ID_VECTOR", "rpcdce.h", opaque), T("RPC_IF_ID_VECTOR", "rpcdce.h", opaque),
    T("_RPC_PROTSEQ_VECTORA", "rpcdce.h", opaque), T("RPC_PROTSEQ_VECTORA", "rpcdce.h", opaque),
    T("_RPC_PROTSEQ_VECTORW", "rpcdce.h", opaque), T("RPC_PROTSEQ_VECTORW", "rpcdce.h", opaque),
    T("_RPC_STATS_VECTOR", "rpcdce.h", opaque), T("RPC_STATS_VECTOR", "rpcdce.h", opaque),
    T("_RPC_POLICY", "rpcdce.h", opaque), T("RPC_POLICY", "rpcdce.h", opaque),
    T("PRPC_POLICY", "rpcdce.h", c_pointer),
    T("RPC_IF_CALLBACK_FN", "rpcdce.h", opaque), T("RPC_OBJECT_INQ_FN", "rpcdce.h", opaque),
    T("RPC_MGMT_AUTHORIZATION_FN", "rpcdce.h", opaque),

    /* rpcasync.h */
    T("_RPC_NOTIFICATION_TYPES", "rpcasync.h", opaque), T("RPC_NOTIFICATION_TYPES", "rpcasync.h", opaque),
    T("_RPC_ASYNC_EVENT", "rpcasync.h", opaque), T("RPC_ASYNC_EVENT", "rpcasync.h", opaque),
    T("RPCNOTIFICATION_ROUTINE", "rpcasync.h", opaque), T("PFN_RPCNOTIFICATION_ROUTINE", "rpcasync.h", c_pointer),
    T("_RPC_ASYNC_NOTIFICATION_INFO", "rpcasync.h", opaque),
    T("RPC_ASYNC_NOTIFICATION_INFO", "rpcasync.h", opaque),
    T("PRPC_ASYNC_NOTIFICATION_INFO", "rpcasync.h", c_pointer),
    T("_RPC_ASYNC_STATE", "rpcasync.h", opaque), T("RPC_ASYNC_STATE", "rpcasync.h", opaque),
    T("PRPC_ASYNC_STATE", "rpcasync.h", c_pointer),
    T("tagRPC_NOTIFICATIONS", "rpcasync.h", opaque), T("RPC_NOTIFICATIONS", "rpcasync.h", opaque),

    /* rpcndr.h: small, hyper and MIDL_uhyper are macros there */
    T("small", "rpcndr.h", i8), T("byte", "rpcndr.h", u8), T("cs_byte", "rpcndr.h", u8),
    T("boolean", "rpcndr.h", u8), T("hyper", "rpcndr.h", i64), T("MIDL_uhyper", "rpcndr.h", u64),
    T("NDR_CCONTEXT", "rpcndr.h", void_p),
    T("_NDR_SCONTEXT", "rpcndr.h", opaque), T("NDR_SCONTEXT", "rpcndr.h", opaque),
    T("NDR_RUNDOWN", "rpcndr.h", c_pointer), T("NDR_NOTIFY_ROUTINE", "rpcndr.h", c_pointer),
    T("NDR_NOTIFY2_ROUTINE", "rpcndr.h", c_pointer),

    /* asidl_except.h: the frame behind RpcTryExcept / RpcTryFinally */
    T("asidl_exc_frame", "asidl_except.h", opaque),

    /* asidl_oletypes.h */
    T("OLECHAR", "asidl_oletypes.h", wchar), T("LPOLESTR", "asidl_oletypes.h", wchar_p),
    T("LPCOLESTR", "asidl_oletypes.h", wchar_p),
    /* wtypes.idl: typedef [wire_marshal(wireBSTR)] OLECHAR *BSTR */
    T("BSTR", "asidl_oletypes.h", wchar_p), T("LPBSTR", "asidl_oletypes.h", wchar_pp),
    T("VARIANT_BOOL", "asidl_oletypes.h", i16),

    /* asidl_ndr.h: the NDR engine's descriptor format and state (C-only) */
    T("asidl_ndr__map", "asidl_ndr.h", opaque), T("asidl_ndr_arm", "asidl_ndr.h", opaque),
    T("asidl_ndr_array", "asidl_ndr.h", opaque), T("asidl_ndr_base", "asidl_ndr.h", opaque),
    T("asidl_ndr_buffer", "asidl_ndr.h", opaque), T("asidl_ndr_call", "asidl_ndr.h", opaque),
    T("asidl_ndr_context_handle", "asidl_ndr.h", opaque), T("asidl_ndr_context_wire", "asidl_ndr.h", opaque),
    T("asidl_ndr_dim", "asidl_ndr.h", opaque), T("asidl_ndr_field", "asidl_ndr.h", opaque),
    T("asidl_ndr_handle_kind", "asidl_ndr.h", opaque), T("asidl_ndr_hooks", "asidl_ndr.h", opaque),
    T("asidl_ndr_kind", "asidl_ndr.h", opaque), T("asidl_ndr_op", "asidl_ndr.h", opaque),
    T("asidl_ndr_opcode", "asidl_ndr.h", opaque), T("asidl_ndr_param", "asidl_ndr.h", opaque),
    T("asidl_ndr_pointer", "asidl_ndr.h", opaque), T("asidl_ndr_proc", "asidl_ndr.h", opaque),
    T("asidl_ndr_range", "asidl_ndr.h", opaque), T("asidl_ndr_side", "asidl_ndr.h", opaque),
    T("asidl_ndr_struct", "asidl_ndr.h", opaque), T("asidl_ndr_transmit_as", "asidl_ndr.h", opaque),
    T("asidl_ndr_type", "asidl_ndr.h", opaque), T("asidl_ndr_union", "asidl_ndr.h", opaque),
    T("asidl_ndr_user_free_fn", "asidl_ndr.h", opaque), T("asidl_ndr_user_marshal", "asidl_ndr.h", opaque),
    T("asidl_ndr_user_marshal_fn", "asidl_ndr.h", opaque), T("asidl_ndr_user_size_fn", "asidl_ndr.h", opaque),
    T("asidl_ndr_user_unmarshal_fn", "asidl_ndr.h", opaque), T("asidl_ndr_wire", "asidl_ndr.h", opaque),
};

#undef T

/* ===================================================================== lookup */

static int compare_entries(const void *a, const void *b)
{
    return strcmp(((const Entry *)a)->rt.name, ((const Entry *)b)->rt.name);
}

static void prepare_table(void)
{
    static bool prepared;
    if (prepared)
        return;
    size_t n = sizeof table / sizeof table[0];
    qsort(table, n, sizeof table[0], compare_entries);
    for (size_t i = 0; i < n; i++) {
        table[i].rt.wire = table[i].shape->text;
        if (i > 0 && strcmp(table[i - 1].rt.name, table[i].rt.name) == 0)
            diag_internal("runtime_types.c lists '%s' twice", table[i].rt.name);
    }
    prepared = true;
}

const RuntimeType *runtime_type_lookup(const char *name)
{
    if (!name)
        return NULL;
    prepare_table();
    Entry key = { { name, NULL, NULL }, NULL };
    Entry *e = bsearch(&key, table, sizeof table / sizeof table[0], sizeof table[0], compare_entries);
    return e ? &e->rt : NULL;
}

/* ===================================================================== matching */

static Type *strip_aliases(Type *t)
{
    while (t && t->kind == TY_ALIAS)
        t = t->u.alias.target;
    return t;
}

/* An IDL base type as an integer: wire size and signedness.  False for the non-integers and
 * for plain char, which is text (SH_CHAR) rather than a number. */
static bool integer_wire(Type *t, int *size, int *sign)
{
    if (t->kind != TY_BASE)
        return false;
    int s = t->u.base.sign;
    switch (t->u.base.kind) {
    case B_BOOLEAN: case B_BYTE:
        *size = 1; *sign = UNSIGNED; return true;
    case B_CHAR:
        if (s == SIGN_DEFAULT)
            return false;
        *size = 1; break;
    case B_SMALL: case B_INT8:
        *size = 1; break;
    case B_SHORT: case B_INT16:
        *size = 2; break;
    case B_INT: case B_LONG: case B_INT32:
        *size = 4; break;
    case B_HYPER: case B_INT64:
        *size = 8; break;
    case B_INT128:
        *size = 16; break;
    case B_ERROR_STATUS:
        *size = 4; *sign = UNSIGNED; return true;
    default:
        return false;
    }
    *sign = s == SIGN_UNSIGNED ? UNSIGNED : SIGNED;
    return true;
}

static bool is_base(Type *t, BaseKind k)
{
    return t->kind == TY_BASE && t->u.base.kind == k;
}

/* A fixed array dimension written as a literal or a named constant resolve.c evaluated. */
static bool constant_dimension(Expr *e, int64_t *out)
{
    if (!e)
        return false;
    if (e->kind == EXPR_INT) {
        *out = e->ival;
        return true;
    }
    if (e->kind == EXPR_NAME && e->ref && e->ref->has_ival) {
        *out = e->ref->ival;
        return true;
    }
    return false;
}

static bool shape_matches(const Shape *sh, Type *t);

static bool fields_match(const Field *f, Decl *d)
{
    for (; f->name; f++, d = d->next) {
        if (!d || !d->name || strcmp(d->name, f->name) != 0 || d->bits || !shape_matches(f->shape, d->type))
            return false;
    }
    return d == NULL;
}

static bool shape_matches(const Shape *sh, Type *t)
{
    t = strip_aliases(t);
    if (!t)
        return false;
    int size, sign;
    int64_t dim;
    switch (sh->kind) {
    case SH_OPAQUE:
        return false;
    case SH_C_POINTER:
        /* A C-only pointer (to a function or a runtime structure) has no wire form to compare;
         * an IDL that declares it as some pointer agrees with the runtime on its C size, which
         * is all a non-remotable type has.  mmstream.idl says `typedef void *PAPCFUNC;`. */
        return t->kind == TY_POINTER;
    case SH_VOID:
        return t->kind == TY_VOID;
    case SH_INT:
        return integer_wire(t, &size, &sign) && size == sh->size && sign == sh->sign;
    case SH_INT3264:
        /* NDR 2.0 sends __int3264 as 32 bits, so a 32-bit integer of the same sign is the same
         * wire type: mingw-w64's basetsd.h, read without _WIN64 as widl reads it, declares
         * LONG_PTR as long. */
        if (is_base(t, B_INT3264))
            return (t->u.base.sign == SIGN_UNSIGNED ? UNSIGNED : SIGNED) == sh->sign;
        return integer_wire(t, &size, &sign) && size == 4 && sign == sh->sign;
    case SH_CHAR:
        return is_base(t, B_CHAR) && t->u.base.sign == SIGN_DEFAULT;
    case SH_WCHAR:
        return is_base(t, B_WCHAR);
    case SH_FLOAT:
        return is_base(t, B_FLOAT);
    case SH_DOUBLE:
        return is_base(t, B_DOUBLE);
    case SH_HANDLE:
        return is_base(t, B_HANDLE) ||
               (t->kind == TY_POINTER && strip_aliases(t->u.ptr.ref) && strip_aliases(t->u.ptr.ref)->kind == TY_VOID);
    case SH_POINTER:
        return t->kind == TY_POINTER && (!sh->ref || shape_matches(sh->ref, t->u.ptr.ref));
    case SH_ARRAY:
        return t->kind == TY_ARRAY && constant_dimension(t->u.arr.dim, &dim) && dim == sh->size &&
               shape_matches(sh->ref, t->u.arr.elem);
    case SH_STRUCT:
        if (t->kind != TY_STRUCT)
            return false;
        if (!t->defined)   /* a forward reference: the runtime's own struct, named by its tag */
            return t->name && strcmp(t->name, sh->tag) == 0;
        return fields_match(sh->fields, t->u.rec.fields);
    }
    return false;
}

bool runtime_type_matches(const RuntimeType *rt, Type *target)
{
    if (!rt || !target)
        return false;
    const Entry *e = (const Entry *)rt;   /* rt is the first member of its Entry */
    return shape_matches(e->shape, target);
}
