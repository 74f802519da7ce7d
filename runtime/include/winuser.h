/*
 * winuser.h: the message-queue part of the window API.
 *
 * asidl has no windows: an HWND names a message queue owned by the runtime, which is what
 * asynchronous RPC's RpcNotificationTypeHwnd posts to (message Msg, wParam 0, lParam the
 * RPC_ASYNC_STATE pointer).  PostMessage appends to a queue from any thread; GetMessage waits
 * for a message matching hWnd and the range [wMsgFilterMin, wMsgFilterMax] (0, 0: any), as on
 * Windows, and returns FALSE for WM_QUIT; PeekMessage does not wait.
 * Exported as asidl_<name>; the Windows names are macros.
 */
#ifndef _WINUSER_
#define _WINUSER_

#include "windef.h"

ASIDL_EXTERN_C_BEGIN

typedef struct tagMSG {
    HWND hwnd;
    UINT message;
    WPARAM wParam;
    LPARAM lParam;
    DWORD time;
    POINT pt;
} MSG, *PMSG, *NPMSG, *LPMSG;

#define WM_NULL 0x0000
#define WM_QUIT 0x0012
#define WM_USER 0x0400
#define WM_APP 0x8000

#define PM_NOREMOVE 0x0000
#define PM_REMOVE 0x0001
#define PM_NOYIELD 0x0002

ASIDL_API BOOL WINAPI asidl_PostMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
ASIDL_API BOOL WINAPI asidl_PostMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
ASIDL_API BOOL WINAPI asidl_GetMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax);
ASIDL_API BOOL WINAPI asidl_GetMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax);
ASIDL_API BOOL WINAPI asidl_PeekMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax,
                                         UINT wRemoveMsg);
ASIDL_API BOOL WINAPI asidl_PeekMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax,
                                         UINT wRemoveMsg);

#define PostMessageA asidl_PostMessageA
#define PostMessageW asidl_PostMessageW
#define GetMessageA asidl_GetMessageA
#define GetMessageW asidl_GetMessageW
#define PeekMessageA asidl_PeekMessageA
#define PeekMessageW asidl_PeekMessageW
#ifdef UNICODE
#define PostMessage PostMessageW
#define GetMessage GetMessageW
#define PeekMessage PeekMessageW
#else
#define PostMessage PostMessageA
#define GetMessage GetMessageA
#define PeekMessage PeekMessageA
#endif

ASIDL_EXTERN_C_END

#endif /* _WINUSER_ */
