/*
 * win_iocp.c: I/O completion ports (CreateIoCompletionPort, PostQueuedCompletionStatus,
 * GetQueuedCompletionStatus(Ex)).
 *
 * A port is a FIFO of completion packets (bytes, key, OVERLAPPED pointer).  Threads that
 * dequeue are kept on a stack and served last-in first-out, as Windows does to keep the
 * most recently active thread's cache warm: a packet posted while threads wait goes straight
 * to the most recent one, so each packet is taken exactly once.  Closing the port's handle
 * drops its packets and ends every dequeue in progress with ERROR_ABANDONED_WAIT_0.
 *
 * Differences from Windows: there is no file I/O to associate (CreateIoCompletionPort with a
 * handle other than INVALID_HANDLE_VALUE fails with ERROR_NOT_SUPPORTED), and
 * NumberOfConcurrentThreads is accepted but not enforced (the kernel cannot tell asidl when a
 * thread that took a packet blocks, which is what the limit depends on).  A port can also be
 * waited on (WaitForSingleObject, its descriptor): it is signalled while packets are queued,
 * and such a wait takes none.
 */
#include <stdlib.h>

#include "win_internal.h"

typedef struct packet {
    struct packet *next;
    OVERLAPPED_ENTRY entry;
} packet;

struct asidl__port {
    asidl__wobj obj;
    packet *first, *last;
    size_t queued;
    asidl__waiter *dequeuers;   /* threads in GetQueuedCompletionStatus, most recent first */
};

static void drop_packets(asidl__port *port)
{
    while (port->first) {
        packet *p = port->first;
        port->first = p->next;
        free(p);
    }
    port->last = NULL;
    port->queued = 0;
}

static bool port_signalled(asidl__wobj *o)
{
    return ((asidl__port *)o)->queued > 0;
}

static void port_close(asidl__wobj *o)
{
    asidl__port *port = (asidl__port *)o;
    while (port->dequeuers)
        asidl__waiter_wake_locked(port->dequeuers, ASIDL_WAKE_CLOSED);
    drop_packets(port);
}

static void port_destroy(asidl__wobj *o)
{
    drop_packets((asidl__port *)o);
    free(o);
}

static const asidl__wobj_ops port_ops = {
    .signalled = port_signalled,
    .close = port_close,
    .destroy = port_destroy,
};

void asidl__port_unlink_waiter_locked(asidl__waiter *w)
{
    for (asidl__waiter **p = &w->port->dequeuers; *p; p = &(*p)->port_next) {
        if (*p == w) {
            *p = w->port_next;
            break;
        }
    }
    w->port_next = NULL;
}

/* ------------------------------------------------------------------ creating */

HANDLE WINAPI asidl_CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort,
                                           ULONG_PTR CompletionKey, DWORD NumberOfConcurrentThreads)
{
    (void)CompletionKey;                /* only meaningful when associating a file */
    (void)NumberOfConcurrentThreads;    /* not enforced: see above */
    if (FileHandle != INVALID_HANDLE_VALUE) {
        /* Associating: asidl has no file handles to give a port. */
        asidl__win_lock();
        bool known = asidl__handle_lookup_locked(FileHandle, ASIDL_WOBJ_ANY) != NULL;
        asidl__win_unlock();
        asidl__set_last_error(known ? ERROR_NOT_SUPPORTED : ERROR_INVALID_HANDLE);
        return NULL;
    }
    if (ExistingCompletionPort) {
        asidl__set_last_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    asidl__port *port = calloc(1, sizeof *port);
    if (!port) {
        asidl__set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    asidl__wobj_init(&port->obj, ASIDL_WOBJ_PORT, &port_ops);
    asidl__win_lock();
    HANDLE h = asidl__handle_open_locked(&port->obj);
    asidl__wobj_release_locked(&port->obj);
    asidl__win_unlock();
    asidl__set_last_error(h ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY);
    return h;
}

/* ------------------------------------------------------------------ posting */

DWORD asidl__port_post(HANDLE h, DWORD bytes, ULONG_PTR key, LPOVERLAPPED overlapped)
{
    packet *p = malloc(sizeof *p);
    if (!p)
        return ERROR_NOT_ENOUGH_MEMORY;
    p->next = NULL;
    p->entry.lpCompletionKey = key;
    p->entry.lpOverlapped = overlapped;
    p->entry.Internal = 0;      /* the packet's status: success */
    p->entry.dwNumberOfBytesTransferred = bytes;

    asidl__win_lock();
    asidl__port *port = (asidl__port *)asidl__handle_lookup_locked(h, ASIDL_WOBJ_PORT);
    if (!port) {
        asidl__win_unlock();
        free(p);
        return ERROR_INVALID_HANDLE;
    }
    if (port->dequeuers) {
        asidl__waiter *w = port->dequeuers;
        w->entries[0] = p->entry;
        w->entries_filled = 1;
        asidl__waiter_wake_locked(w, ASIDL_WAKE_DELIVERED);
        asidl__win_unlock();
        free(p);
        return ERROR_SUCCESS;
    }
    if (port->last)
        port->last->next = p;
    else
        port->first = p;
    port->last = p;
    port->queued++;
    asidl__wobj_changed_locked(&port->obj);
    asidl__win_unlock();
    return ERROR_SUCCESS;
}

BOOL WINAPI asidl_PostQueuedCompletionStatus(HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred,
                                             ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped)
{
    DWORD error = asidl__port_post(CompletionPort, dwNumberOfBytesTransferred, dwCompletionKey, lpOverlapped);
    if (error == ERROR_SUCCESS)
        return TRUE;
    asidl__set_last_error(error);
    return FALSE;
}

/* ------------------------------------------------------------------ dequeuing */

static ULONG take_queued_locked(asidl__port *port, OVERLAPPED_ENTRY *entries, ULONG max)
{
    ULONG n = 0;
    while (n < max && port->first) {
        packet *p = port->first;
        port->first = p->next;
        if (!port->first)
            port->last = NULL;
        port->queued--;
        entries[n++] = p->entry;
        free(p);
    }
    if (n)
        asidl__wobj_changed_locked(&port->obj);
    return n;
}

/* Takes up to max packets for the calling thread, waiting up to ms for the first; returns
 * how many, or 0 with *error set (WAIT_TIMEOUT, WAIT_IO_COMPLETION after running APCs,
 * ERROR_ABANDONED_WAIT_0 when the port was closed, ERROR_INVALID_HANDLE). */
static ULONG dequeue(HANDLE h, OVERLAPPED_ENTRY *entries, ULONG max, DWORD ms, BOOL alertable, DWORD *error)
{
    asidl__thread *self = asidl__thread_self();
    if (!self) {
        *error = ERROR_NOT_ENOUGH_MEMORY;
        return 0;
    }
    asidl__waiter *w = &self->waiter;
    struct timespec buf;
    const struct timespec *deadline = asidl__deadline(ms, &buf);

    asidl__win_lock();
    asidl__port *port = (asidl__port *)asidl__handle_lookup_locked(h, ASIDL_WOBJ_PORT);
    if (!port) {
        asidl__win_unlock();
        *error = ERROR_INVALID_HANDLE;
        return 0;
    }
    ULONG n = take_queued_locked(port, entries, max);
    int result = ASIDL_WAKE_DELIVERED;
    if (n == 0) {
        if (alertable && self->apc_first)
            result = ASIDL_WAKE_APC;
        else if (ms == 0)
            result = ASIDL_WAKE_TIMEOUT;
        else {
            asidl__wobj_retain_locked(&port->obj);
            w->kind = ASIDL_WAIT_PORT;
            w->alertable = alertable != FALSE;
            w->port = port;
            w->port_next = port->dequeuers;
            port->dequeuers = w;
            w->entries = entries;
            w->entries_max = max;
            w->entries_filled = 0;
            w->result = ASIDL_WAKE_PENDING;
            result = asidl__waiter_block_locked(w, deadline);
            n = result == ASIDL_WAKE_DELIVERED ? w->entries_filled : 0;
            w->port = NULL;
            w->entries = NULL;
            asidl__wobj_release_locked(&port->obj);
        }
    }
    asidl__win_unlock();

    switch (result) {
    case ASIDL_WAKE_DELIVERED:
        return n;
    case ASIDL_WAKE_APC:
        asidl__apc_run_pending(self);
        *error = WAIT_IO_COMPLETION;
        return 0;
    case ASIDL_WAKE_TIMEOUT:
        *error = WAIT_TIMEOUT;
        return 0;
    default:                    /* ASIDL_WAKE_CLOSED */
        *error = ERROR_ABANDONED_WAIT_0;
        return 0;
    }
}

BOOL WINAPI asidl_GetQueuedCompletionStatus(HANDLE CompletionPort, LPDWORD lpNumberOfBytesTransferred,
                                            PULONG_PTR lpCompletionKey, LPOVERLAPPED *lpOverlapped,
                                            DWORD dwMilliseconds)
{
    if (!lpNumberOfBytesTransferred || !lpCompletionKey || !lpOverlapped) {
        if (lpOverlapped)
            *lpOverlapped = NULL;
        asidl__set_last_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    OVERLAPPED_ENTRY entry;
    DWORD error = ERROR_SUCCESS;
    if (dequeue(CompletionPort, &entry, 1, dwMilliseconds, FALSE, &error) == 0) {
        /* As documented: no packet dequeued, *lpOverlapped is NULL, the reason in GetLastError. */
        *lpOverlapped = NULL;
        asidl__set_last_error(error);
        return FALSE;
    }
    *lpNumberOfBytesTransferred = entry.dwNumberOfBytesTransferred;
    *lpCompletionKey = entry.lpCompletionKey;
    *lpOverlapped = entry.lpOverlapped;
    return TRUE;
}

BOOL WINAPI asidl_GetQueuedCompletionStatusEx(HANDLE CompletionPort, LPOVERLAPPED_ENTRY lpCompletionPortEntries,
                                              ULONG ulCount, PULONG ulNumEntriesRemoved, DWORD dwMilliseconds,
                                              BOOL fAlertable)
{
    if (ulNumEntriesRemoved)
        *ulNumEntriesRemoved = 0;
    if (!lpCompletionPortEntries || ulCount == 0 || !ulNumEntriesRemoved) {
        asidl__set_last_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    DWORD error = ERROR_SUCCESS;
    ULONG n = dequeue(CompletionPort, lpCompletionPortEntries, ulCount, dwMilliseconds, fAlertable, &error);
    if (n == 0) {
        asidl__set_last_error(error);
        return FALSE;
    }
    *ulNumEntriesRemoved = n;
    return TRUE;
}
