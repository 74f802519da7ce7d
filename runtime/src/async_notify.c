/*
 * async_notify.c: delivering one asynchronous-RPC notification the way RPC_ASYNC_STATE (or a
 * server's subscription) asks, through asidl's Windows objects (docs/async.md):
 *
 *   None       nothing: the application polls RpcAsyncGetCallStatus
 *   Event      SetEvent(u.hEvent)
 *   Apc        u.APC.NotificationRoutine(pAsync, NULL, event) queued to u.APC.hThread (NULL:
 *              the thread that asked), run in that thread's next alertable wait
 *   Ioc        a completion packet (dwNumberOfBytesTransferred, dwCompletionKey, lpOverlapped)
 *              posted to u.IOC.hIOPort
 *   Hwnd       PostMessage(u.HWND.hWnd, u.HWND.Msg, 0, (LPARAM)pAsync)
 *   Callback   u.NotificationRoutine(pAsync, NULL, event), called on the delivering thread
 *
 * The target is captured when the notification is asked for: the APC thread by reference, so
 * that a thread id reused after the thread exits can never receive it.  A target that has gone
 * since (a closed event, an exited thread) gets nothing, as on Windows.
 */
#include <stdlib.h>

#include "rpcrt.h"
#include "win_internal.h"

RPC_STATUS asidl__notice_capture(asidl__notice *n, RPC_NOTIFICATION_TYPES type, const RPC_ASYNC_NOTIFICATION_INFO *u)
{
    n->type = type;
    n->u = *u;
    n->apc_thread = NULL;
    switch (type) {
    case RpcNotificationTypeNone:
    case RpcNotificationTypeEvent:
    case RpcNotificationTypeIoc:
    case RpcNotificationTypeHwnd:
        return RPC_S_OK;
    case RpcNotificationTypeCallback:
        return u->NotificationRoutine ? RPC_S_OK : RPC_S_INVALID_ARG;
    case RpcNotificationTypeApc: {
        if (!u->APC.NotificationRoutine)
            return RPC_S_INVALID_ARG;
        DWORD error;
        n->apc_thread = asidl__thread_ref(u->APC.hThread, &error);
        return n->apc_thread ? RPC_S_OK : RPC_S_INVALID_ARG;
    }
    }
    return RPC_S_INVALID_ARG;
}

void asidl__notice_release(asidl__notice *n)
{
    if (n->apc_thread)
        asidl__thread_unref(n->apc_thread);
    n->apc_thread = NULL;
}

typedef struct apc_call {
    PFN_RPCNOTIFICATION_ROUTINE routine;
    PRPC_ASYNC_STATE async;
    RPC_ASYNC_EVENT event;
} apc_call;

static void run_apc(void *arg)
{
    apc_call *a = arg;
    PFN_RPCNOTIFICATION_ROUTINE routine = a->routine;
    PRPC_ASYNC_STATE async = a->async;
    RPC_ASYNC_EVENT event = a->event;
    free(a);
    routine(async, NULL, event);
}

void asidl__notice_deliver(const asidl__notice *n, PRPC_ASYNC_STATE pAsync, RPC_ASYNC_EVENT event)
{
    switch (n->type) {
    case RpcNotificationTypeNone:
        break;
    case RpcNotificationTypeEvent:
        asidl__event_signal(n->u.hEvent);
        break;
    case RpcNotificationTypeIoc:
        asidl__port_post(n->u.IOC.hIOPort, n->u.IOC.dwNumberOfBytesTransferred, n->u.IOC.dwCompletionKey,
                         n->u.IOC.lpOverlapped);
        break;
    case RpcNotificationTypeHwnd:
        asidl__window_post(n->u.HWND.hWnd, n->u.HWND.Msg, 0, (LPARAM)pAsync);
        break;
    case RpcNotificationTypeCallback:
        n->u.NotificationRoutine(pAsync, NULL, event);
        break;
    case RpcNotificationTypeApc: {
        apc_call *a = malloc(sizeof *a);
        if (!a)
            break;
        *a = (apc_call){ n->u.APC.NotificationRoutine, pAsync, event };
        if (asidl__apc_queue(n->apc_thread, run_apc, free, a) != ERROR_SUCCESS)
            free(a);                   /* the thread has exited: nobody to run it */
        break;
    }
    }
}
