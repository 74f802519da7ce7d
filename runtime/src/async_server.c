/*
 * async_server.c: the server side of an [async] procedure (docs/async.md).  The dispatcher
 * (dispatch.c) gives the manager routine the call's RPC_ASYNC_STATE first and keeps the call,
 * with its argument frame, until the manager ends it, from any thread, with
 *
 *   RpcAsyncCompleteCall(pAsync, &ret)   the [out] parameters the manager wrote in the frame and
 *                                        the return value are marshalled and sent;
 *   RpcAsyncAbortCall(pAsync, code)      a fault carrying `code` is sent, nothing is marshalled.
 *
 * Either returns RPC_S_CALL_FAILED (after freeing everything) when the client has gone.
 *
 * Also here: RpcServerSubscribeForNotification, for being told of the client's disconnect or
 * cancel of a call in progress, through any notification type.  The engine reports those
 * events with the connection locked; everything but a Callback is delivered there (they only
 * signal objects), a Callback runs on a worker, holding the call's memory (and so pAsync) alive.
 */
#include <stdlib.h>
#include <string.h>

#include "rpcrt.h"
#include "asidl_ndr.h"

/* ==================================================================== completion */

static asidl__dcall *dcall_of(PRPC_ASYNC_STATE s)
{
    return s->RuntimeInfo;
}

RPC_STATUS asidl__sasync_complete(PRPC_ASYNC_STATE s, void *reply)
{
    asidl__dcall *d = dcall_of(s);
    if (!asidl__dcall_claim(d))
        return RPC_S_INVALID_ASYNC_CALL;     /* already completed or aborted */
    s->Lock = ASIDL_ASYNC_SPENT;
    const asidl_ndr_proc *proc = d->proc;
    if ((proc->flags & ASIDL_NDR_PROC_HAS_RETURN) && proc->n_params && reply)
        memcpy(d->args[proc->n_params - 1], reply, proc->params[proc->n_params - 1].mem_size);
    return asidl__dcall_complete(d);         /* frees the call, and the handle with it */
}

RPC_STATUS asidl__sasync_abort(PRPC_ASYNC_STATE s, unsigned long code)
{
    if (code == 0)
        return RPC_S_INVALID_ARG;            /* a fault must say what went wrong */
    asidl__dcall *d = dcall_of(s);
    if (!asidl__dcall_claim(d))
        return RPC_S_INVALID_ASYNC_CALL;
    s->Lock = ASIDL_ASYNC_SPENT;
    return asidl__dcall_abort(d, (RPC_STATUS)code);
}

/* ==================================================================== subscriptions */

enum { SUB_DISCONNECT, SUB_CANCEL, SUB_KINDS };

struct asidl__subscriptions {
    bool active[SUB_KINDS];
    asidl__notice notice[SUB_KINDS];
    unsigned long delivered[SUB_KINDS];
};

typedef struct callback_task {
    asidl__dcall *call;
    PFN_RPCNOTIFICATION_ROUTINE routine;
    RPC_ASYNC_EVENT event;
} callback_task;

static void run_callback(void *arg)
{
    callback_task *t = arg;
    t->routine(t->call->async_state, NULL, t->event);
    asidl__dcall_put(t->call);
    free(t);
}

/* With the connection locked. */
static void deliver_locked(asidl__dcall *d, int kind)
{
    struct asidl__subscriptions *subs = d->subs;
    if (!subs || !subs->active[kind])
        return;
    RPC_ASYNC_EVENT event = kind == SUB_CANCEL ? RpcClientCancel : RpcClientDisconnect;
    const asidl__notice *n = &subs->notice[kind];
    subs->delivered[kind]++;
    if (d->async_state)
        d->async_state->Event = event;
    if (n->type != RpcNotificationTypeCallback) {
        asidl__notice_deliver(n, d->async_state, event);
        return;
    }
    callback_task *t = malloc(sizeof *t);
    if (!t)
        return;
    *t = (callback_task){ d, n->u.NotificationRoutine, event };
    asidl__dcall_ref(d);
    if (!asidl__rt_post(run_callback, t)) {
        asidl__dcall_put(d);           /* not the last reference: the call is in progress */
        free(t);
    }
}

static void on_call_event(asidl__scall *call, int event, void *ctx)
{
    (void)call;
    deliver_locked(ctx, event == ASIDL_SCALL_CANCELLED ? SUB_CANCEL : SUB_DISCONNECT);
}

/* The call a server binding handle stands for (NULL: the manager routine running on this thread). */
static RPC_STATUS call_of(RPC_BINDING_HANDLE h, asidl__dcall **out)
{
    if (!h) {
        *out = asidl__dcall_current();
        return *out ? RPC_S_OK : RPC_S_NO_CALL_ACTIVE;
    }
    asidl__sbinding *b = asidl__sbinding_from(h);
    *out = b ? b->call : NULL;
    return b ? RPC_S_OK : RPC_S_INVALID_BINDING;
}

static int kind_of(RPC_NOTIFICATIONS n)
{
    return n == RpcNotificationClientDisconnect ? SUB_DISCONNECT : n == RpcNotificationCallCancel ? SUB_CANCEL : -1;
}

RPC_STATUS RPC_ENTRY RpcServerSubscribeForNotification(RPC_BINDING_HANDLE Binding, RPC_NOTIFICATIONS Notification,
                                                       RPC_NOTIFICATION_TYPES NotificationType,
                                                       RPC_ASYNC_NOTIFICATION_INFO *NotificationInfo)
{
    asidl__dcall *d;
    RPC_STATUS st = call_of(Binding, &d);
    if (st != RPC_S_OK)
        return st;
    int kind = kind_of(Notification);
    if (kind < 0 || (!NotificationInfo && NotificationType != RpcNotificationTypeNone))
        return RPC_S_INVALID_ARG;
    static const RPC_ASYNC_NOTIFICATION_INFO none;
    asidl__notice n;
    st = asidl__notice_capture(&n, NotificationType, NotificationInfo ? NotificationInfo : &none);
    if (st != RPC_S_OK)
        return st;

    asidl__scall *call = d->scall;
    asidl__sconn *c = call->conn;
    asidl__notice old = { .apc_thread = NULL };
    pthread_mutex_lock(&c->lock);
    if (!d->subs)
        d->subs = calloc(1, sizeof *d->subs);
    if (!d->subs) {
        pthread_mutex_unlock(&c->lock);
        asidl__notice_release(&n);
        return RPC_S_OUT_OF_MEMORY;
    }
    if (d->subs->active[kind])
        old = d->subs->notice[kind];
    d->subs->notice[kind] = n;
    d->subs->active[kind] = true;
    call->notify = on_call_event;
    call->notify_ctx = d;
    /* An event that has already happened is reported at once. */
    if (kind == SUB_CANCEL ? call->cancel_count > 0 || call->orphaned : call->disconnected)
        deliver_locked(d, kind);
    pthread_mutex_unlock(&c->lock);
    asidl__notice_release(&old);
    return RPC_S_OK;
}

RPC_STATUS RPC_ENTRY RpcServerUnsubscribeForNotification(RPC_BINDING_HANDLE Binding, RPC_NOTIFICATIONS Notification,
                                                         unsigned long *NotificationsQueued)
{
    asidl__dcall *d;
    RPC_STATUS st = call_of(Binding, &d);
    if (st != RPC_S_OK)
        return st;
    int kind = kind_of(Notification);
    if (kind < 0)
        return RPC_S_INVALID_ARG;
    asidl__sconn *c = d->scall->conn;
    asidl__notice old = { .apc_thread = NULL };
    unsigned long delivered = 0;
    pthread_mutex_lock(&c->lock);
    if (d->subs && d->subs->active[kind]) {
        old = d->subs->notice[kind];
        delivered = d->subs->delivered[kind];
        d->subs->active[kind] = false;
        d->subs->delivered[kind] = 0;
    }
    pthread_mutex_unlock(&c->lock);
    asidl__notice_release(&old);
    if (NotificationsQueued)
        *NotificationsQueued = delivered;
    return RPC_S_OK;
}

void asidl__sasync_free_subscriptions(asidl__dcall *d)
{
    if (!d->subs)
        return;
    for (int k = 0; k < SUB_KINDS; k++)
        if (d->subs->active[k])
            asidl__notice_release(&d->subs->notice[k]);
    free(d->subs);
    d->subs = NULL;
}
