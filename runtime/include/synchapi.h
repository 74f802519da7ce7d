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
/* CreateEventEx's dwFlags. */
#define CREATE_EVENT_MANUAL_RESET 0x00000001
#define CREATE_EVENT_INITIAL_SET 0x00000002

/* Events are process-local: a name (non-empty lpName) is refused with ERROR_NOT_SUPPORTED.
 * lpEventAttributes and dwDesiredAccess are accepted and ignored. */
ASIDL_API HANDLE WINAPI asidl_CreateEventExA(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCSTR lpName,
                                             DWORD dwFlags, DWORD dwDesiredAccess);
ASIDL_API HANDLE WINAPI asidl_CreateEventExW(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCWSTR lpName,
                                             DWORD dwFlags, DWORD dwDesiredAccess);
ASIDL_API BOOL WINAPI asidl_SetEvent(HANDLE hEvent);
ASIDL_API BOOL WINAPI asidl_ResetEvent(HANDLE hEvent);
/* Releases the waiters a SetEvent would release now (all for a manual-reset event, one for an
 * auto-reset event), then leaves the event reset. */
ASIDL_API BOOL WINAPI asidl_PulseEvent(HANDLE hEvent);

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
#define CreateEventExA asidl_CreateEventExA
#define CreateEventExW asidl_CreateEventExW
#ifdef UNICODE
#define CreateEventEx CreateEventExW
#else
#define CreateEventEx CreateEventExA
#endif
#define SetEvent asidl_SetEvent
#define ResetEvent asidl_ResetEvent
#define PulseEvent asidl_PulseEvent
#define WaitForSingleObject asidl_WaitForSingleObject
#define WaitForSingleObjectEx asidl_WaitForSingleObjectEx
#define WaitForMultipleObjects asidl_WaitForMultipleObjects
#define WaitForMultipleObjectsEx asidl_WaitForMultipleObjectsEx
#define SleepEx asidl_SleepEx
#define Sleep asidl_Sleep

ASIDL_EXTERN_C_END

#endif /* _SYNCHAPI_H_ */
