/*
 * win_apc.c: asynchronous procedure calls (QueueUserAPC) and the internal queue the RPC
 * runtime uses for RpcNotificationTypeApc.
 *
 * Each thread has a FIFO of APCs.  They run only on that thread, only when it is in an
 * alertable wait (SleepEx, WaitFor...Ex, GetQueuedCompletionStatusEx with the alertable flag
 * TRUE), and then all of them run, including those queued meanwhile, before the wait returns
 * WAIT_IO_COMPLETION.  Queuing to a thread in an alertable wait ends that wait.  APCs still
 * queued when their thread exits never run (their discard function runs instead, on the exiting
 * thread), as Windows drops them.
 */
#include <stdlib.h>

#include "win_internal.h"

struct asidl__apc {
    asidl__apc *next;
    void (*run)(void *arg);
    void (*discard)(void *arg);
    void *arg;
    PAPCFUNC user_fn;           /* QueueUserAPC's routine, called with user_data */
    ULONG_PTR user_data;
};

asidl__apc *asidl__apc_new(void (*run)(void *), void (*discard)(void *), void *arg)
{
    asidl__apc *apc = calloc(1, sizeof *apc);
    if (apc) {
        apc->run = run;
        apc->discard = discard;
        apc->arg = arg;
    }
    return apc;
}

DWORD asidl__apc_queue_locked(asidl__thread *t, asidl__apc *apc)
{
    if (t->exited)
        return ERROR_INVALID_HANDLE;
    apc->next = NULL;
    if (t->apc_last)
        t->apc_last->next = apc;
    else
        t->apc_first = apc;
    t->apc_last = apc;
    if (t->waiter.kind != ASIDL_WAIT_NONE && t->waiter.alertable)
        asidl__waiter_wake_locked(&t->waiter, ASIDL_WAKE_APC);
    return ERROR_SUCCESS;
}

unsigned asidl__apc_run_pending(asidl__thread *self)
{
    unsigned ran = 0;
    for (;;) {
        asidl__win_lock();
        asidl__apc *apc = self->apc_first;
        if (apc) {
            self->apc_first = apc->next;
            if (!self->apc_first)
                self->apc_last = NULL;
        }
        asidl__win_unlock();
        if (!apc)
            return ran;
        if (apc->user_fn)
            apc->user_fn(apc->user_data);
        else
            apc->run(apc->arg);
        free(apc);
        ran++;
    }
}

asidl__apc *asidl__apc_take_all_locked(asidl__thread *t)
{
    asidl__apc *list = t->apc_first;
    t->apc_first = t->apc_last = NULL;
    return list;
}

void asidl__apc_discard(asidl__apc *list)
{
    while (list) {
        asidl__apc *next = list->next;
        if (list->discard)
            list->discard(list->arg);
        free(list);
        list = next;
    }
}

/* ------------------------------------------------------------------ QueueUserAPC */

DWORD WINAPI asidl_QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData)
{
    if (!pfnAPC) {
        asidl__set_last_error(ERROR_INVALID_PARAMETER);
        return 0;
    }
    if (hThread == ASIDL_CURRENT_THREAD_HANDLE && !asidl__thread_self())
        return 0;
    asidl__apc *apc = asidl__apc_new(NULL, NULL, NULL);
    if (!apc) {
        asidl__set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return 0;
    }
    apc->user_fn = pfnAPC;
    apc->user_data = dwData;
    asidl__win_lock();
    asidl__thread *t = (asidl__thread *)asidl__handle_lookup_locked(hThread, ASIDL_WOBJ_THREAD);
    DWORD error = t ? asidl__apc_queue_locked(t, apc) : ERROR_INVALID_HANDLE;
    asidl__win_unlock();
    if (error != ERROR_SUCCESS) {
        free(apc);
        asidl__set_last_error(error);
        return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------ for the RPC runtime */

DWORD asidl__apc_queue(asidl__thread *t, void (*run)(void *arg), void (*discard)(void *arg), void *arg)
{
    if (!t || !run)
        return ERROR_INVALID_PARAMETER;
    asidl__apc *apc = asidl__apc_new(run, discard, arg);
    if (!apc)
        return ERROR_NOT_ENOUGH_MEMORY;
    asidl__win_lock();
    DWORD error = asidl__apc_queue_locked(t, apc);
    asidl__win_unlock();
    if (error != ERROR_SUCCESS)
        free(apc);
    return error;
}

DWORD asidl__apc_queue_to_id(DWORD thread_id, void (*run)(void *arg), void (*discard)(void *arg), void *arg)
{
    if (!run)
        return ERROR_INVALID_PARAMETER;
    asidl__apc *apc = asidl__apc_new(run, discard, arg);
    if (!apc)
        return ERROR_NOT_ENOUGH_MEMORY;
    asidl__win_lock();
    asidl__thread *t = asidl__thread_find_locked(thread_id);
    DWORD error = t ? asidl__apc_queue_locked(t, apc) : ERROR_INVALID_PARAMETER;
    asidl__win_unlock();
    if (error != ERROR_SUCCESS)
        free(apc);
    return error;
}
