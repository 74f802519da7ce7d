/*
 * asidl_base.h: the compiler-level vocabulary every other asidl public header builds on.
 *
 * Microsoft's headers rely on MSVC keywords (__int64, __stdcall, __declspec) that gcc and clang
 * do not have on Linux.  This header gives them a Linux meaning, once, so that generated code
 * and code written from Microsoft's documentation compile unchanged:
 *   - __int8 .. __int64 are macros (as in mingw), so "unsigned __int64" works;
 *   - calling-convention keywords are empty: Linux has one C calling convention per ABI;
 *   - DECLSPEC_* map to the GCC attribute with the same effect, or to nothing.
 * ASIDL_API marks what libasidlrt exports (the library is built with -fvisibility=hidden).
 */
#ifndef ASIDL_BASE_H
#define ASIDL_BASE_H

#include <stddef.h>
#include <stdint.h>

#if !defined(__GNUC__) && !defined(__clang__)
#error "asidl's headers need gcc or clang (they use GNU attributes)"
#endif

#define ASIDL_API __attribute__((visibility("default")))

#ifdef __cplusplus
#define ASIDL_EXTERN_C_BEGIN extern "C" {
#define ASIDL_EXTERN_C_END }
#else
#define ASIDL_EXTERN_C_BEGIN
#define ASIDL_EXTERN_C_END
#endif

/* An anonymous struct inside a union is C11 but a GNU extension in C++. */
#ifdef __cplusplus
#define ASIDL_ANONYMOUS_STRUCT __extension__ struct
#else
#define ASIDL_ANONYMOUS_STRUCT struct
#endif

#ifndef EXTERN_C
#ifdef __cplusplus
#define EXTERN_C extern "C"
#else
#define EXTERN_C extern
#endif
#endif

/* ---- MSVC sized-integer keywords (MIDL's __int8 .. __int64 and __int3264) ---- */

#ifndef __int8
#define __int8 char
#endif
#ifndef __int16
#define __int16 short
#endif
#ifndef __int32
#define __int32 int
#endif
#ifndef __int64
#define __int64 long long
#endif
/* Pointer-sized: Windows makes it __int64 on 64-bit targets; on Linux (LP64 and ILP32 alike)
 * that is C long, which keeps unsigned __int3264 identical to uintptr_t and size_t. */
#ifndef __int3264
#define __int3264 long
#endif

/* ---- calling conventions: meaningless on Linux, kept as empty words ---- */

#ifndef __stdcall
#define __stdcall
#endif
#ifndef __cdecl
#define __cdecl
#endif
#ifndef __fastcall
#define __fastcall
#endif
#ifndef _stdcall
#define _stdcall
#endif
#ifndef _cdecl
#define _cdecl
#endif
#ifndef __pascal
#define __pascal
#endif

/* ---- __declspec equivalents ---- */

#ifndef DECLSPEC_IMPORT
#define DECLSPEC_IMPORT
#endif
#ifndef DECLSPEC_EXPORT
#define DECLSPEC_EXPORT __attribute__((visibility("default")))
#endif
#ifndef DECLSPEC_NORETURN
#define DECLSPEC_NORETURN __attribute__((noreturn))
#endif
#ifndef DECLSPEC_NOTHROW
#ifdef __cplusplus
#define DECLSPEC_NOTHROW __attribute__((nothrow))
#else
#define DECLSPEC_NOTHROW
#endif
#endif
#ifndef DECLSPEC_ALIGN
#define DECLSPEC_ALIGN(x) __attribute__((aligned(x)))
#endif
#ifndef DECLSPEC_NOINLINE
#define DECLSPEC_NOINLINE __attribute__((noinline))
#endif
/* Several translation units may define the same GUID; the linker keeps one (weak symbol). */
#ifndef DECLSPEC_SELECTANY
#define DECLSPEC_SELECTANY __attribute__((weak))
#endif
#ifndef DECLSPEC_NOVTABLE
#define DECLSPEC_NOVTABLE
#endif
/* __declspec(uuid) attaches an IID to a C++ type for __uuidof, which gcc does not have. */
#ifndef DECLSPEC_UUID
#define DECLSPEC_UUID(x)
#endif
#ifndef DECLSPEC_DEPRECATED
#define DECLSPEC_DEPRECATED __attribute__((deprecated))
#endif
#ifndef FORCEINLINE
#define FORCEINLINE static inline __attribute__((always_inline))
#endif

#endif /* ASIDL_BASE_H */
