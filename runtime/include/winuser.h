/*
 * winuser.h: the message-queue part of the window API.
 *
 * asidl has no windows: an HWND names a message queue owned by the runtime, which is what
 * asynchronous RPC's RpcNotificationTypeHwnd posts to (message Msg, wParam 0, lParam the
 * RPC_ASYNC_STATE pointer).  As on Windows each thread has one queue and a window belongs to
 * the thread that created it: PostMessage appends to the owner's queue from any thread;
 * GetMessage waits for a message of the calling thread's queue matching hWnd (NULL: any of the
 * thread's windows and thread messages) and the range [wMsgFilterMin, wMsgFilterMax] (0, 0:
 * any); it returns FALSE for WM_QUIT and -1 for a window that is not the calling thread's.
 * PeekMessage does not wait.  See docs/windows-objects.md.
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

/*
 * asidl extension: a message window, owned by the calling thread, that stands in for a real
 * window wherever an HWND receives posted messages (RPC_ASYNC_STATE.u.HWND.hWnd).  PostMessage
 * works from any thread; only the owner reads the window's messages, with GetMessage or
 * PeekMessage.  The owner destroys it with asidl_DestroyMessageWindow (another thread gets
 * ERROR_ACCESS_DENIED), or it is destroyed when the owner exits; its queued messages go with it.
 * NULL with GetLastError() set when out of memory.
 */
ASIDL_API HWND WINAPI asidl_CreateMessageWindow(void);
ASIDL_API BOOL WINAPI asidl_DestroyMessageWindow(HWND hWnd);
ASIDL_API BOOL WINAPI asidl_IsWindow(HWND hWnd);
ASIDL_API void WINAPI asidl_PostQuitMessage(int nExitCode);
ASIDL_API BOOL WINAPI asidl_PostMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
ASIDL_API BOOL WINAPI asidl_PostMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam);
ASIDL_API BOOL WINAPI asidl_GetMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax);
ASIDL_API BOOL WINAPI asidl_GetMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax);
ASIDL_API BOOL WINAPI asidl_PeekMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax,
                                         UINT wRemoveMsg);
ASIDL_API BOOL WINAPI asidl_PeekMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax,
                                         UINT wRemoveMsg);

#define IsWindow asidl_IsWindow
#define PostQuitMessage asidl_PostQuitMessage
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
