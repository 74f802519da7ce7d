/*
 * handleapi.h: closing the handles of asidl's Windows objects (events, completion ports,
 * thread handles, message queues).
 *
 * Like every Windows function asidl implements, CloseHandle is exported from libasidlrt as
 * asidl_CloseHandle; the Windows name is a macro, so asidl claims no global Windows names.
 */
#ifndef _APISETHANDLE_
#define _APISETHANDLE_

#include "minwindef.h"

ASIDL_EXTERN_C_BEGIN

#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)

ASIDL_API BOOL WINAPI asidl_CloseHandle(HANDLE hObject);
#define CloseHandle asidl_CloseHandle

/*
 * asidl extension: a file descriptor that polls readable (POLLIN, EPOLLIN) exactly while the
 * object is signalled: an event is set, a completion port has packets queued, a message window
 * (passed as (HANDLE)hWnd) has messages queued, a thread (a handle from OpenThread) has exited.
 * Add it to epoll, poll, libuv or GLib and consume through the Windows API (a wait,
 * GetQueuedCompletionStatus, GetMessage); the descriptor follows.  Reading it consumes
 * nothing (read() fails).  Created on the first call, the same one on later calls; owned by
 * the object and closed with its last handle (DestroyMessageWindow for a window): do not close
 * it yourself.  -1 with GetLastError() ERROR_INVALID_HANDLE for a bad handle or the
 * GetCurrentThread pseudo-handle, ERROR_TOO_MANY_OPEN_FILES when out of descriptors.
 */
ASIDL_API int WINAPI asidl_GetWaitableFd(HANDLE hObject);

ASIDL_EXTERN_C_END

#endif /* _APISETHANDLE_ */
