/*
 * win_internal.h: the internal header of asidl's Windows objects (runtime/src/win_*.c), sectioned
 * by the file that implements each part; docs/windows-objects.md describes the behaviour.
 *
 * One lock for everything.  Every object's state, the handle table, the wait lists, the APC
 * queues and the message queues are guarded by one mutex, the dispatcher lock, as in the NT
 * kernel: a wait for all of several objects acquires them atomically by construction, a
 * signal can hand an object straight to the waiter it releases, and there is no lock order to
 * get wrong.  Nothing blocks while holding it (the only system calls made under it are quick,
 * non-blocking ones on the objects' descriptors: creating, flipping, closing them); waiting
 * threads sleep on their own condition variable.  Functions
 * named *_locked expect the caller to hold it.
 *
 * The last section is the interface the asynchronous RPC runtime uses to deliver completions.
 */
#ifndef ASIDL_WIN_INTERNAL_H
#define ASIDL_WIN_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <windows.h>

typedef struct asidl__wobj asidl__wobj;
typedef struct asidl__waiter asidl__waiter;
typedef struct asidl__thread asidl__thread;
typedef struct asidl__port asidl__port;
typedef struct asidl__window asidl__window;

/* ============================================================================ win_error.c */

/* The calling thread's last error (what GetLastError returns). */
void asidl__set_last_error(DWORD code);

/* =========================================================================== win_handle.c */

void asidl__win_lock(void);
void asidl__win_unlock(void);
/* The dispatcher lock itself, for pthread_cond_wait. */
pthread_mutex_t *asidl__win_mutex(void);

typedef enum asidl__wkind {
    ASIDL_WOBJ_ANY = 0,          /* for lookups: any kind a handle may name */
    ASIDL_WOBJ_EVENT,
    ASIDL_WOBJ_PORT,
    ASIDL_WOBJ_THREAD,
    ASIDL_WOBJ_WINDOW,
} asidl__wkind;

/* What each kind of object does; every function is called under the lock. */
typedef struct asidl__wobj_ops {
    /* Would a wait on the object be satisfied now? */
    bool (*signalled)(asidl__wobj *o);
    /* A wait was satisfied by the object: an auto-reset event resets.  NULL: nothing to do. */
    void (*acquire)(asidl__wobj *o);
    /* Its last handle was closed (or the window destroyed): end the operations in progress
     * that only this kind knows about (completion-port dequeues).  NULL: nothing to do. */
    void (*close)(asidl__wobj *o);
    /* The last reference is gone: free it. */
    void (*destroy)(asidl__wobj *o);
} asidl__wobj_ops;

typedef struct asidl__wait_block asidl__wait_block;
typedef struct asidl__wfd asidl__wfd;

/* The part every waitable object starts with. */
struct asidl__wobj {
    const asidl__wobj_ops *ops;
    asidl__wkind kind;
    unsigned refs;                    /* open handles + waits in progress + internal users */
    unsigned handles;                 /* open handles */
    asidl__wait_block *waits_first;   /* the waits blocked on it, oldest first */
    asidl__wait_block *waits_last;
    asidl__wfd *fd;                   /* the pollable descriptor, once asked for */
};

void asidl__wobj_init(asidl__wobj *o, asidl__wkind kind, const asidl__wobj_ops *ops);
void asidl__wobj_retain_locked(asidl__wobj *o);
/* Drops a reference; the last one destroys the object. */
void asidl__wobj_release_locked(asidl__wobj *o);

/* GetCurrentThread()'s value, as on Windows. */
#define ASIDL_CURRENT_THREAD_HANDLE ((HANDLE)(LONG_PTR)-2)

/* Gives o a new handle (which holds a reference); NULL when out of memory. */
HANDLE asidl__handle_open_locked(asidl__wobj *o);
/* The object h names, borrowed while the lock is held; NULL when h is not an open handle of
 * that kind.  The pseudo-handle names the calling thread, whose record must already exist
 * (asidl__thread_self). */
asidl__wobj *asidl__handle_lookup_locked(HANDLE h, asidl__wkind kind);
/* Closes h, which must be an open handle of o (from asidl__handle_lookup_locked).  The last
 * handle's close ends the waits on o (they fail), closes its descriptor and drops the
 * reference. */
void asidl__handle_close_locked(HANDLE h, asidl__wobj *o);

/* ============================================================================= win_wait.c */

/* How a wait ended, besides the index of the object that satisfied it. */
#define ASIDL_WAKE_PENDING (-1)
#define ASIDL_WAKE_TIMEOUT (-2)
#define ASIDL_WAKE_APC (-3)       /* an APC was queued to the alertable waiter */
#define ASIDL_WAKE_CLOSED (-4)    /* an object's last handle was closed during the wait */
#define ASIDL_WAKE_DELIVERED (-5) /* a packet or a message was handed to the waiter */

typedef enum asidl__wait_kind {
    ASIDL_WAIT_NONE = 0,          /* not waiting */
    ASIDL_WAIT_OBJECTS,           /* WaitFor...(Ex), SleepEx */
    ASIDL_WAIT_PORT,              /* GetQueuedCompletionStatus(Ex) */
    ASIDL_WAIT_MESSAGE,           /* GetMessage */
} asidl__wait_kind;

struct asidl__wait_block {
    asidl__wait_block *prev, *next;   /* in the object's list */
    asidl__wobj *obj;
    asidl__waiter *waiter;
    unsigned index;                   /* in the wait's handle array */
};

/* One per thread (in its record): what the thread is blocked in, and how it was woken.
 * Only the thread itself starts a wait; anyone holding the lock may end it. */
struct asidl__waiter {
    pthread_cond_t cond;              /* on the monotonic clock */
    asidl__wait_kind kind;
    bool alertable;
    int result;                       /* an index, or ASIDL_WAKE_* */
    /* ASIDL_WAIT_OBJECTS */
    unsigned count;
    bool wait_all;
    asidl__wait_block blocks[MAXIMUM_WAIT_OBJECTS];
    /* ASIDL_WAIT_PORT: the port's stack of dequeuers, and where a packet is handed over */
    asidl__port *port;
    asidl__waiter *port_next;
    OVERLAPPED_ENTRY *entries;
    ULONG entries_max;
    ULONG entries_filled;
    /* ASIDL_WAIT_MESSAGE: the filter of the GetMessage call */
    HWND msg_hwnd;
    UINT msg_min, msg_max;
};

/* The absolute CLOCK_MONOTONIC deadline ms milliseconds from now (INFINITE: none, NULL). */
const struct timespec *asidl__deadline(DWORD ms, struct timespec *buf);
/* Blocks the calling thread, whose waiter w has been set up and linked, until someone ends
 * the wait or the deadline passes (then the wait is unlinked and ends with TIMEOUT).
 * Returns w->result, with w->kind back to NONE. */
int asidl__waiter_block_locked(asidl__waiter *w, const struct timespec *deadline);
/* Ends w's wait with result: unlinks it from whatever it waits on and wakes the thread. */
void asidl__waiter_wake_locked(asidl__waiter *w, int result);
/* o's state changed: releases the waits it now satisfies (oldest first, each taking what it
 * acquires) and makes its descriptor follow the state.  Call after every change. */
void asidl__wobj_changed_locked(asidl__wobj *o);
/* o's last handle is closing: every wait on it ends with ASIDL_WAKE_CLOSED. */
void asidl__wobj_abandon_waits_locked(asidl__wobj *o);

/* =========================================================================== win_thread.c */

typedef struct asidl__apc asidl__apc;
typedef struct asidl__msg asidl__msg;

/* A thread asidl knows: one that has called a thread-aware function (GetCurrentThreadId,
 * a wait, a message function, ...).  Waitable: signalled once the thread has exited. */
struct asidl__thread {
    asidl__wobj obj;
    DWORD id;                         /* the kernel thread id (gettid) */
    bool exited;
    asidl__thread *registry_next;     /* live threads by id */
    asidl__waiter waiter;
    /* win_apc.c: APCs queued to the thread, FIFO */
    asidl__apc *apc_first, *apc_last;
    /* win_msg.c: the thread's message queue and the windows it owns */
    asidl__msg *msg_first, *msg_last;
    unsigned msg_count;
    bool quit_posted;
    int quit_code;
    asidl__window *windows;
};

/* The calling thread's record, created on first use (NULL only when out of memory, with the
 * last error set).  Borrowed: it lives as long as the thread. */
asidl__thread *asidl__thread_self(void);
/* The calling thread's record if it has one (never creates it). */
asidl__thread *asidl__thread_current(void);
/* The live thread with this id, borrowed while the lock is held; NULL if none. */
asidl__thread *asidl__thread_find_locked(DWORD id);

/* ============================================================================== win_apc.c */

/* Queues an APC (run(arg) on the thread; discard(arg), if not NULL, if the thread exits with
 * it still queued) and wakes the thread if it is in an alertable wait.  ERROR_SUCCESS, or
 * ERROR_INVALID_HANDLE if the thread has exited. */
DWORD asidl__apc_queue_locked(asidl__thread *t, asidl__apc *apc);
asidl__apc *asidl__apc_new(void (*run)(void *), void (*discard)(void *), void *arg);
/* Runs the calling thread's queued APCs, including any they queue, outside the lock; returns
 * how many ran. */
unsigned asidl__apc_run_pending(asidl__thread *self);
/* Takes every APC off t's queue (the thread exits); give the list to asidl__apc_discard
 * after unlocking. */
asidl__apc *asidl__apc_take_all_locked(asidl__thread *t);
void asidl__apc_discard(asidl__apc *list);

/* ============================================================================= win_iocp.c */

/* Takes w (blocked in GetQueuedCompletionStatus) off its port's stack of dequeuers. */
void asidl__port_unlink_waiter_locked(asidl__waiter *w);

/* ============================================================================== win_msg.c */

/* The thread exits: destroys the windows it owns and drops its queued messages. */
void asidl__msg_thread_exit_locked(asidl__thread *t);

/* =============================================================================== win_fd.c */

/* Makes o's descriptor, if it has one, readable exactly while o is signalled. */
void asidl__wfd_update_locked(asidl__wobj *o);
/* Closes and frees o's descriptor (its last handle is closing). */
void asidl__wfd_close_locked(asidl__wobj *o);

/* ====================================================== for the asynchronous RPC runtime */

/*
 * How asynchronous RPC delivers a completion through these objects, from any thread.  None of
 * these functions touches the calling thread's last error (the thread delivering a completion
 * may be the application's own); each returns ERROR_SUCCESS or the Windows error code the
 * public function would have set.
 *
 *   RpcNotificationTypeEvent     asidl__event_signal(u.hEvent)
 *   RpcNotificationTypeIoc       asidl__port_post(u.IOC.hIOPort, bytes, key, overlapped)
 *   RpcNotificationTypeHwnd      asidl__window_post(u.HWND.hWnd, u.HWND.Msg, 0, (LPARAM)pAsync)
 *   RpcNotificationTypeApc       when the call starts, t = asidl__thread_ref(u.APC.hThread)
 *                                (NULL handle: the calling thread); on completion
 *                                asidl__apc_queue(t, run, discard, arg), then asidl__thread_unref(t).
 *
 * The thread is captured when the call starts, by reference, so a thread id reused by a later
 * thread can never receive the APC; if the thread has exited, asidl__apc_queue returns
 * ERROR_INVALID_HANDLE and nothing runs (the APC's discard runs instead for an APC queued
 * before the thread exited).
 */
DWORD asidl__event_signal(HANDLE event);
DWORD asidl__port_post(HANDLE port, DWORD bytes, ULONG_PTR key, LPOVERLAPPED overlapped);
DWORD asidl__window_post(HWND window, UINT msg, WPARAM wparam, LPARAM lparam);

/* A counted reference to the thread hThread names (a handle from OpenThread, the
 * GetCurrentThread pseudo-handle, or NULL for the calling thread); NULL if it names none
 * (*error says why). */
asidl__thread *asidl__thread_ref(HANDLE hThread, DWORD *error);
void asidl__thread_unref(asidl__thread *t);
DWORD asidl__thread_id(const asidl__thread *t);
/* Queues run(arg) to run on t in its next alertable wait; discard(arg), if not NULL, runs
 * instead (on the exiting thread) if t exits first. */
DWORD asidl__apc_queue(asidl__thread *t, void (*run)(void *arg), void (*discard)(void *arg), void *arg);
/* The same for a thread named by id (the live thread with that id now). */
DWORD asidl__apc_queue_to_id(DWORD thread_id, void (*run)(void *arg), void (*discard)(void *arg), void *arg);

#endif /* ASIDL_WIN_INTERNAL_H */
