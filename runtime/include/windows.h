/*
 * windows.h: the subset of the Windows API asidl provides on Linux: the base types, GUIDs,
 * error codes, and the kernel objects asynchronous RPC notifies through (events, I/O
 * completion ports, APCs with alertable waits, and message queues standing in for windows).
 *
 * Every function is exported from libasidlrt under an asidl_ prefix (asidl_SetEvent) and
 * reached through a macro with the Windows name (#define SetEvent asidl_SetEvent), so a program
 * linking asidl sees no new global Windows names.  Unlike Windows' windows.h this one does not
 * pull in rpc.h or the COM headers; include them yourself.
 */
#ifndef _WINDOWS_
#define _WINDOWS_

#include "windef.h"
#include "guiddef.h"
#include "winerror.h"
#include "winbase.h"
#include "winuser.h"

#endif /* _WINDOWS_ */
