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

ASIDL_EXTERN_C_END

#endif /* _APISETHANDLE_ */
