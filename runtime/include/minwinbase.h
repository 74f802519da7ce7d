/*
 * minwinbase.h: structures the kernel-object functions take: SECURITY_ATTRIBUTES (accepted,
 * and ignored apart from its size: Linux objects of this kind carry no ACL) and OVERLAPPED,
 * the per-operation record a completion port hands back.
 */
#ifndef _MINWINBASE_
#define _MINWINBASE_

#include "minwindef.h"

typedef struct _SECURITY_ATTRIBUTES {
    DWORD nLength;
    LPVOID lpSecurityDescriptor;
    BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

typedef struct _OVERLAPPED {
    ULONG_PTR Internal;
    ULONG_PTR InternalHigh;
    union {
        ASIDL_ANONYMOUS_STRUCT {
            DWORD Offset;
            DWORD OffsetHigh;
        };
        PVOID Pointer;
    };
    HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

typedef struct _OVERLAPPED_ENTRY {
    ULONG_PTR lpCompletionKey;
    LPOVERLAPPED lpOverlapped;
    ULONG_PTR Internal;
    DWORD dwNumberOfBytesTransferred;
} OVERLAPPED_ENTRY, *LPOVERLAPPED_ENTRY;

#endif /* _MINWINBASE_ */
