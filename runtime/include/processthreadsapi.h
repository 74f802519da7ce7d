/*
 * processthreadsapi.h: thread identity and APC queues.
 *
 * Any thread of the program has an id (GetCurrentThreadId) and can be opened (OpenThread) to
 * queue APCs to it; a queued APC runs when that thread next enters an alertable wait
 * (SleepEx, WaitFor...Ex with bAlertable TRUE).  GetCurrentThread returns a pseudo-handle
 * meaning "the calling thread" that need not be closed.  A thread id is the kernel's (gettid);
 * a thread handle is signalled once the thread has exited.
 * Exported as asidl_<name>; the Windows names are macros.
 */
#ifndef _PROCESSTHREADSAPI_H_
#define _PROCESSTHREADSAPI_H_

#include "minwinbase.h"

ASIDL_EXTERN_C_BEGIN

typedef void (NTAPI *PAPCFUNC)(ULONG_PTR Parameter);

ASIDL_API DWORD WINAPI asidl_QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData);
ASIDL_API DWORD WINAPI asidl_GetCurrentThreadId(void);
ASIDL_API HANDLE WINAPI asidl_GetCurrentThread(void);
ASIDL_API HANDLE WINAPI asidl_OpenThread(DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwThreadId);
ASIDL_API DWORD WINAPI asidl_GetThreadId(HANDLE Thread);

#define QueueUserAPC asidl_QueueUserAPC
#define GetCurrentThreadId asidl_GetCurrentThreadId
#define GetCurrentThread asidl_GetCurrentThread
#define OpenThread asidl_OpenThread
#define GetThreadId asidl_GetThreadId

ASIDL_EXTERN_C_END

#endif /* _PROCESSTHREADSAPI_H_ */
