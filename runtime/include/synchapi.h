/*
 * synchapi.h: event objects, waits (plain and alertable) and sleeping.
 *
 * A wait is alertable when its bAlertable argument is TRUE: APCs queued to the waiting thread
 * (QueueUserAPC, or asynchronous RPC's RpcNotificationTypeApc) then run inside the wait, which
 * returns WAIT_IO_COMPLETION.  Exported as asidl_<name>; the Windows names are macros.
 */
#ifndef _SYNCHAPI_H_
#define _SYNCHAPI_H_

#include "minwinbase.h"

ASIDL_EXTERN_C_BEGIN

#define INFINITE 0xFFFFFFFF

#define WAIT_OBJECT_0 ((DWORD)0x00000000L)
#define WAIT_ABANDONED ((DWORD)0x00000080L)
#define WAIT_ABANDONED_0 WAIT_ABANDONED
#define WAIT_IO_COMPLETION ((DWORD)0x000000C0L)
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)
#ifndef WAIT_TIMEOUT
#define WAIT_TIMEOUT 258L
#endif

ASIDL_API HANDLE WINAPI asidl_CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                                           BOOL bInitialState, LPCSTR lpName);
ASIDL_API HANDLE WINAPI asidl_CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                                           BOOL bInitialState, LPCWSTR lpName);
ASIDL_API BOOL WINAPI asidl_SetEvent(HANDLE hEvent);
ASIDL_API BOOL WINAPI asidl_ResetEvent(HANDLE hEvent);

ASIDL_API DWORD WINAPI asidl_WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
ASIDL_API DWORD WINAPI asidl_WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable);
ASIDL_API DWORD WINAPI asidl_WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                                    DWORD dwMilliseconds);
ASIDL_API DWORD WINAPI asidl_WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles, BOOL bWaitAll,
                                                      DWORD dwMilliseconds, BOOL bAlertable);

ASIDL_API DWORD WINAPI asidl_SleepEx(DWORD dwMilliseconds, BOOL bAlertable);
ASIDL_API void WINAPI asidl_Sleep(DWORD dwMilliseconds);

#define CreateEventA asidl_CreateEventA
#define CreateEventW asidl_CreateEventW
#ifdef UNICODE
#define CreateEvent CreateEventW
#else
#define CreateEvent CreateEventA
#endif
#define SetEvent asidl_SetEvent
#define ResetEvent asidl_ResetEvent
#define WaitForSingleObject asidl_WaitForSingleObject
#define WaitForSingleObjectEx asidl_WaitForSingleObjectEx
#define WaitForMultipleObjects asidl_WaitForMultipleObjects
#define WaitForMultipleObjectsEx asidl_WaitForMultipleObjectsEx
#define SleepEx asidl_SleepEx
#define Sleep asidl_Sleep

ASIDL_EXTERN_C_END

#endif /* _SYNCHAPI_H_ */
