/*
 * windef.h: window-related base types.  asidl has no windowing system: an HWND names one of
 * the runtime's message queues (see winuser.h), which is what asynchronous RPC's
 * RpcNotificationTypeHwnd needs.
 */
#ifndef _WINDEF_
#define _WINDEF_

#include "minwindef.h"

DECLARE_HANDLE(HWND);

typedef struct tagPOINT {
    LONG x;
    LONG y;
} POINT, *PPOINT, *NPPOINT, *LPPOINT;

typedef struct tagSIZE {
    LONG cx;
    LONG cy;
} SIZE, *PSIZE, *LPSIZE;

typedef struct tagRECT {
    LONG left;
    LONG top;
    LONG right;
    LONG bottom;
} RECT, *PRECT, *NPRECT, *LPRECT;
typedef const RECT *LPCRECT;

#endif /* _WINDEF_ */
