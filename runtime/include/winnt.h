/*
 * winnt.h: Windows' fundamental data types, with Windows' sizes.
 *
 * Sizes are those of 64-bit Windows, not of Linux C types: BYTE 1, WORD/SHORT 2,
 * DWORD/LONG/ULONG/INT/BOOL 4, LONGLONG/ULONGLONG 8, pointers and handles 8.  In particular
 * LONG and ULONG are 32-bit although C long is 64-bit on LP64 Linux.  WCHAR is C wchar_t
 * (4 bytes on Linux); the NDR engine converts it to and from UTF-16 on the wire.
 *
 * On Windows some of these live in minwindef.h; here every scalar type is in this one file so
 * that each header can include it without an ordering constraint.
 */
#ifndef _WINNT_
#define _WINNT_

#include <wchar.h>
#include "basetsd.h"

#ifndef VOID
#define VOID void
#endif
typedef char CHAR;
typedef short SHORT;
typedef int32_t LONG;

typedef unsigned char UCHAR, *PUCHAR;
typedef unsigned short USHORT, *PUSHORT;
typedef uint32_t ULONG, *PULONG;
typedef unsigned char BYTE, *PBYTE, *LPBYTE;
typedef unsigned short WORD, *PWORD, *LPWORD;
typedef uint32_t DWORD, *PDWORD, *LPDWORD;
typedef int INT, *PINT, *LPINT;
typedef unsigned int UINT, *PUINT;
typedef int BOOL, *PBOOL, *LPBOOL;
typedef float FLOAT, *PFLOAT;
typedef double DOUBLE;
typedef unsigned char BOOLEAN, *PBOOLEAN;

typedef void *PVOID, *LPVOID;
typedef const void *LPCVOID;
typedef CHAR *PCHAR, *LPCH, *PCH;
typedef SHORT *PSHORT;
typedef LONG *PLONG, *LPLONG;

typedef wchar_t WCHAR, *PWCHAR, *LPWCH, *PWCH;
typedef CHAR *PSTR, *LPSTR, *NPSTR;
typedef const CHAR *PCSTR, *LPCSTR;
typedef WCHAR *PWSTR, *LPWSTR, *NWPSTR;
typedef const WCHAR *PCWSTR, *LPCWSTR;

/* TCHAR follows UNICODE, as on Windows. */
#ifdef UNICODE
typedef WCHAR TCHAR;
#define __TEXT(quote) L##quote
#else
typedef char TCHAR;
#define __TEXT(quote) quote
#endif
typedef TCHAR *PTSTR, *LPTSTR;
typedef const TCHAR *PCTSTR, *LPCTSTR;
#define TEXT(quote) __TEXT(quote)

typedef __int64 LONGLONG, *PLONGLONG;
typedef unsigned __int64 ULONGLONG, *PULONGLONG;
typedef ULONGLONG DWORDLONG, *PDWORDLONG;

typedef LONG HRESULT;
typedef LONG SCODE, *PSCODE;
typedef DWORD LCID, *PLCID;
typedef WORD LANGID;

typedef void *HANDLE, *PHANDLE, *LPHANDLE;
#define DECLARE_HANDLE(name) struct name##__ { int unused; }; typedef struct name##__ *name

typedef union _LARGE_INTEGER {
    ASIDL_ANONYMOUS_STRUCT {
        DWORD LowPart;
        LONG HighPart;
    };
    struct {
        DWORD LowPart;
        LONG HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
    ASIDL_ANONYMOUS_STRUCT {
        DWORD LowPart;
        DWORD HighPart;
    };
    struct {
        DWORD LowPart;
        DWORD HighPart;
    } u;
    ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

typedef struct _LUID {
    DWORD LowPart;
    LONG HighPart;
} LUID, *PLUID;

/* ---- access rights (OpenThread and friends take them; asidl checks the ones it knows) ---- */

typedef DWORD ACCESS_MASK, *PACCESS_MASK;

#define DELETE 0x00010000
#define READ_CONTROL 0x00020000
#define WRITE_DAC 0x00040000
#define WRITE_OWNER 0x00080000
#define SYNCHRONIZE 0x00100000
#define STANDARD_RIGHTS_REQUIRED 0x000F0000
#define STANDARD_RIGHTS_ALL 0x001F0000

#define EVENT_MODIFY_STATE 0x0002
#define EVENT_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3)

#define THREAD_TERMINATE 0x0001
#define THREAD_SUSPEND_RESUME 0x0002
#define THREAD_GET_CONTEXT 0x0008
#define THREAD_SET_CONTEXT 0x0010
#define THREAD_SET_INFORMATION 0x0020
#define THREAD_QUERY_INFORMATION 0x0040
#define THREAD_SET_THREAD_TOKEN 0x0080
#define THREAD_IMPERSONATE 0x0100
#define THREAD_DIRECT_IMPERSONATION 0x0200
#define THREAD_SET_LIMITED_INFORMATION 0x0400
#define THREAD_QUERY_LIMITED_INFORMATION 0x0800
#define THREAD_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF)

#define MAXIMUM_WAIT_OBJECTS 64

#define MINCHAR 0x80
#define MAXCHAR 0x7f
#define MINSHORT 0x8000
#define MAXSHORT 0x7fff
#define MINLONG 0x80000000
#define MAXLONG 0x7fffffff
#define MAXBYTE 0xff
#define MAXWORD 0xffff
#define MAXDWORD 0xffffffff

#endif /* _WINNT_ */
