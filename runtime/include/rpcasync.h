/*
 * rpcasync.h: asynchronous RPC: the RPC_ASYNC_STATE handle and the functions that drive it.
 *
 * Rules (the same on both sides of a call):
 *   - every outstanding call has its own RPC_ASYNC_STATE, initialised by RpcAsyncInitializeHandle
 *     (Size must be sizeof(RPC_ASYNC_STATE)) and then given a notification type;
 *   - if the stub call raises an exception, the call never started: no notification is ever
 *     delivered for it;
 *   - otherwise exactly one completion notification is delivered, after which the client calls
 *     RpcAsyncCompleteCall, which returns the call's final status and releases it; until then the
 *     handle and every [out] buffer belong to the runtime;
 *   - a server manager routine receives the server-side handle first and finishes the call, from
 *     any thread and at any later time, with RpcAsyncCompleteCall or RpcAsyncAbortCall.
 * docs/ describes the full behaviour.
 */
#ifndef __RPCASYNC_H__
#define __RPCASYNC_H__

#include "rpcdce.h"
#include "minwinbase.h"
#include "windef.h"

ASIDL_EXTERN_C_BEGIN

#define RPC_C_NOTIFY_ON_SEND_COMPLETE 0x1
#define RPC_C_INFINITE_TIMEOUT INFINITE

typedef enum _RPC_NOTIFICATION_TYPES {
    RpcNotificationTypeNone,       /* the caller polls RpcAsyncGetCallStatus */
    RpcNotificationTypeEvent,      /* u.hEvent is set */
    RpcNotificationTypeApc,        /* u.APC.NotificationRoutine is queued to u.APC.hThread */
    RpcNotificationTypeIoc,        /* a packet with the u.IOC values is posted to u.IOC.hIOPort */
    RpcNotificationTypeHwnd,       /* u.HWND.Msg is posted to u.HWND.hWnd, lParam = pAsync */
    RpcNotificationTypeCallback    /* u.NotificationRoutine is called */
} RPC_NOTIFICATION_TYPES;

typedef enum _RPC_ASYNC_EVENT {
    RpcCallComplete,
    RpcSendComplete,
    RpcReceiveComplete,
    RpcClientDisconnect,
    RpcClientCancel
} RPC_ASYNC_EVENT;

struct _RPC_ASYNC_STATE;

/* Context is always NULL; Event says what happened. */
typedef void RPC_ENTRY RPCNOTIFICATION_ROUTINE(struct _RPC_ASYNC_STATE *pAsync, void *Context,
                                               RPC_ASYNC_EVENT Event);
typedef RPCNOTIFICATION_ROUTINE *PFN_RPCNOTIFICATION_ROUTINE;

/* Where a notification goes; one branch is used, chosen by the notification type.
 * (The branch for windows is named HWND, like the type; its member is spelled through the
 * struct tag so that C++ accepts the declaration.) */
typedef union _RPC_ASYNC_NOTIFICATION_INFO {
    struct {
        PFN_RPCNOTIFICATION_ROUTINE NotificationRoutine;
        HANDLE hThread;                         /* 0: the thread that made the call */
    } APC;
    struct {
        HANDLE hIOPort;
        DWORD dwNumberOfBytesTransferred;
        DWORD_PTR dwCompletionKey;
        LPOVERLAPPED lpOverlapped;
    } IOC;
    struct {
        struct HWND__ *hWnd;
        UINT Msg;
    } HWND;
    HANDLE hEvent;
    PFN_RPCNOTIFICATION_ROUTINE NotificationRoutine;
} RPC_ASYNC_NOTIFICATION_INFO, *PRPC_ASYNC_NOTIFICATION_INFO;

typedef struct _RPC_ASYNC_STATE {
    unsigned int Size;                  /* set by RpcAsyncInitializeHandle; do not modify */
    unsigned long Signature;            /* 0x43595341 once initialised */
    long Lock;                          /* runtime use */
    unsigned long Flags;                /* RPC_C_NOTIFY_ON_SEND_COMPLETE */
    void *StubInfo;                     /* stub use */
    void *UserInfo;                     /* the application's; never touched by the runtime */
    void *RuntimeInfo;                  /* runtime use */
    RPC_ASYNC_EVENT Event;              /* what the notification is about */
    RPC_NOTIFICATION_TYPES NotificationType;
    RPC_ASYNC_NOTIFICATION_INFO u;
    LONG_PTR Reserved[4];               /* zeroed by RpcAsyncInitializeHandle */
} RPC_ASYNC_STATE, *PRPC_ASYNC_STATE;

#define RPC_ASYNC_VERSION_1_0 sizeof(RPC_ASYNC_STATE)

typedef enum tagRPC_NOTIFICATIONS {
    RpcNotificationCallNone = 0,
    RpcNotificationClientDisconnect = 1,
    RpcNotificationCallCancel = 2
} RPC_NOTIFICATIONS;

RPCRTAPI RPC_STATUS RPC_ENTRY RpcAsyncInitializeHandle(PRPC_ASYNC_STATE pAsync, unsigned int Size);
RPCRTAPI RPC_STATUS RPC_ENTRY RpcAsyncRegisterInfo(PRPC_ASYNC_STATE pAsync);
RPCRTAPI RPC_STATUS RPC_ENTRY RpcAsyncGetCallStatus(PRPC_ASYNC_STATE pAsync);
RPCRTAPI RPC_STATUS RPC_ENTRY RpcAsyncCompleteCall(PRPC_ASYNC_STATE pAsync, void *Reply);
RPCRTAPI RPC_STATUS RPC_ENTRY RpcAsyncAbortCall(PRPC_ASYNC_STATE pAsync, unsigned long ExceptionCode);
RPCRTAPI RPC_STATUS RPC_ENTRY RpcAsyncCancelCall(PRPC_ASYNC_STATE pAsync, BOOL fAbort);
/* The binding handle of the call (on a server: usable with RpcServerTestCancel). */
RPCRTAPI RPC_BINDING_HANDLE RPC_ENTRY RpcAsyncGetCallHandle(PRPC_ASYNC_STATE pAsync);

RPCRTAPI RPC_STATUS RPC_ENTRY RpcServerSubscribeForNotification(RPC_BINDING_HANDLE Binding,
                                                                RPC_NOTIFICATIONS Notification,
                                                                RPC_NOTIFICATION_TYPES NotificationType,
                                                                RPC_ASYNC_NOTIFICATION_INFO *NotificationInfo);
RPCRTAPI RPC_STATUS RPC_ENTRY RpcServerUnsubscribeForNotification(RPC_BINDING_HANDLE Binding,
                                                                  RPC_NOTIFICATIONS Notification,
                                                                  unsigned long *NotificationsQueued);

ASIDL_EXTERN_C_END

#endif /* __RPCASYNC_H__ */
