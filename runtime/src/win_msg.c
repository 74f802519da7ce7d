/*
 * win_msg.c: message queues standing in for windows (asidl_CreateMessageWindow,
 * asidl_DestroyMessageWindow, IsWindow, PostMessage, PostQuitMessage, GetMessage,
 * PeekMessage).
 *
 * As on Windows, the queue belongs to a thread, and a window to the thread that created it:
 * PostMessage (from any thread) appends to the owner's queue; only the owner reads it.
 * GetMessage and PeekMessage look at the calling thread's queue: hWnd NULL takes messages for
 * any window of the thread and thread messages (hwnd NULL, from PostMessage(NULL, ...)); a
 * window takes only that window's; (HWND)-1 only thread messages.  Naming a window the thread
 * does not own is an invalid window here (GetMessage -1, PeekMessage FALSE, with
 * ERROR_INVALID_WINDOW_HANDLE), where Windows would wait forever for a message that can never
 * arrive in this queue.  WM_QUIT (PostQuitMessage) is a flag: it is returned when no posted
 * message passes the filter, whatever the filter.  A queue holds at most 10,000 messages
 * (Windows' default quota); PostMessage beyond it fails with ERROR_NOT_ENOUGH_QUOTA.
 *
 * A window is waitable (WaitForSingleObject((HANDLE)hWnd, ...), asidl_GetWaitableFd): it is
 * signalled while messages for it are queued, and such a wait takes none.
 */
#include <stdlib.h>

#include "win_internal.h"

#define QUEUE_QUOTA 10000

struct asidl__msg {
    asidl__msg *prev, *next;
    MSG m;
    asidl__window *win;         /* NULL for a thread message */
};

struct asidl__window {
    asidl__wobj obj;
    HWND hwnd;
    asidl__thread *owner;       /* NULL once destroyed */
    asidl__window *owner_next;
    unsigned pending;           /* its messages in the owner's queue */
};

static bool window_signalled(asidl__wobj *o)
{
    return ((asidl__window *)o)->pending > 0;
}

static void window_destroy(asidl__wobj *o)
{
    free(o);
}

static const asidl__wobj_ops window_ops = {
    .signalled = window_signalled,
    .destroy = window_destroy,
};

/* GetTickCount's clock: milliseconds on the monotonic clock, wrapping at 2^32. */
static DWORD tick_count(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (DWORD)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

/* ------------------------------------------------------------------ the queue */

static void queue_remove_locked(asidl__thread *t, asidl__msg *m)
{
    if (m->prev)
        m->prev->next = m->next;
    else
        t->msg_first = m->next;
    if (m->next)
        m->next->prev = m->prev;
    else
        t->msg_last = m->prev;
    t->msg_count--;
    if (m->win) {
        m->win->pending--;
        asidl__wobj_changed_locked(&m->win->obj);
    }
    free(m);
}

static bool matches(const MSG *m, HWND hwnd, UINT min, UINT max)
{
    if (hwnd == (HWND)(LONG_PTR)-1) {
        if (m->hwnd)
            return false;
    } else if (hwnd && m->hwnd != hwnd) {
        return false;
    }
    return (min == 0 && max == 0) || (m->message >= min && m->message <= max);
}

/* Appends m to t's queue and wakes t if it waits for such a message. */
static DWORD queue_post_locked(asidl__thread *t, asidl__msg *m)
{
    if (t->msg_count >= QUEUE_QUOTA)
        return ERROR_NOT_ENOUGH_QUOTA;
    m->next = NULL;
    m->prev = t->msg_last;
    if (t->msg_last)
        t->msg_last->next = m;
    else
        t->msg_first = m;
    t->msg_last = m;
    t->msg_count++;
    if (m->win) {
        m->win->pending++;
        asidl__wobj_changed_locked(&m->win->obj);
    }
    asidl__waiter *w = &t->waiter;
    if (w->kind == ASIDL_WAIT_MESSAGE && matches(&m->m, w->msg_hwnd, w->msg_min, w->msg_max))
        asidl__waiter_wake_locked(w, ASIDL_WAKE_DELIVERED);
    return ERROR_SUCCESS;
}

/* ------------------------------------------------------------------ windows */

HWND WINAPI asidl_CreateMessageWindow(void)
{
    asidl__thread *self = asidl__thread_self();
    if (!self)
        return NULL;
    asidl__window *w = calloc(1, sizeof *w);
    if (!w) {
        asidl__set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    asidl__wobj_init(&w->obj, ASIDL_WOBJ_WINDOW, &window_ops);
    asidl__win_lock();
    HANDLE h = asidl__handle_open_locked(&w->obj);
    if (h) {
        w->hwnd = (HWND)h;
        w->owner = self;
        w->owner_next = self->windows;
        self->windows = w;
    }
    asidl__wobj_release_locked(&w->obj);
    asidl__win_unlock();
    if (!h)
        asidl__set_last_error(ERROR_NOT_ENOUGH_MEMORY);
    return (HWND)h;
}

static asidl__window *window_lookup_locked(HWND hWnd)
{
    return (asidl__window *)asidl__handle_lookup_locked((HANDLE)hWnd, ASIDL_WOBJ_WINDOW);
}

/* Drops w's queued messages, unlinks it from its owner and closes its handle. */
static void destroy_window_locked(asidl__window *w)
{
    asidl__thread *owner = w->owner;
    for (asidl__msg *m = owner->msg_first, *next; m; m = next) {
        next = m->next;
        if (m->win == w)
            queue_remove_locked(owner, m);
    }
    for (asidl__window **p = &owner->windows; *p; p = &(*p)->owner_next) {
        if (*p == w) {
            *p = w->owner_next;
            break;
        }
    }
    w->owner = NULL;
    asidl__handle_close_locked((HANDLE)w->hwnd, &w->obj);
}

BOOL WINAPI asidl_DestroyMessageWindow(HWND hWnd)
{
    asidl__thread *self = asidl__thread_current();
    asidl__win_lock();
    asidl__window *w = window_lookup_locked(hWnd);
    DWORD error = !w ? ERROR_INVALID_WINDOW_HANDLE : w->owner != self ? ERROR_ACCESS_DENIED : ERROR_SUCCESS;
    if (error == ERROR_SUCCESS)
        destroy_window_locked(w);
    asidl__win_unlock();
    if (error != ERROR_SUCCESS) {
        asidl__set_last_error(error);
        return FALSE;
    }
    return TRUE;
}

BOOL WINAPI asidl_IsWindow(HWND hWnd)
{
    asidl__win_lock();
    bool valid = window_lookup_locked(hWnd) != NULL;
    asidl__win_unlock();
    return valid;
}

void asidl__msg_thread_exit_locked(asidl__thread *t)
{
    while (t->windows)
        destroy_window_locked(t->windows);
    while (t->msg_first)
        queue_remove_locked(t, t->msg_first);
    t->quit_posted = false;
}

/* ------------------------------------------------------------------ posting */

DWORD asidl__window_post(HWND hWnd, UINT msg, WPARAM wparam, LPARAM lparam)
{
    /* PostMessage(NULL, ...) posts a thread message to the calling thread, as on Windows. */
    asidl__thread *self = hWnd ? NULL : asidl__thread_self();
    if (!hWnd && !self)
        return ERROR_NOT_ENOUGH_MEMORY;
    asidl__msg *m = calloc(1, sizeof *m);
    if (!m)
        return ERROR_NOT_ENOUGH_MEMORY;
    m->m.hwnd = hWnd;
    m->m.message = msg;
    m->m.wParam = wparam;
    m->m.lParam = lparam;
    m->m.time = tick_count();

    asidl__win_lock();
    asidl__thread *target = self;
    if (hWnd) {
        asidl__window *w = window_lookup_locked(hWnd);
        m->win = w;
        target = w ? w->owner : NULL;
    }
    DWORD error = target ? queue_post_locked(target, m) : ERROR_INVALID_WINDOW_HANDLE;
    asidl__win_unlock();
    if (error != ERROR_SUCCESS)
        free(m);
    return error;
}

static BOOL post_message(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam)
{
    DWORD error = asidl__window_post(hWnd, Msg, wParam, lParam);
    if (error == ERROR_SUCCESS)
        return TRUE;
    asidl__set_last_error(error);
    return FALSE;
}

BOOL WINAPI asidl_PostMessageA(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam)
{
    return post_message(hWnd, Msg, wParam, lParam);
}

BOOL WINAPI asidl_PostMessageW(HWND hWnd, UINT Msg, WPARAM wParam, LPARAM lParam)
{
    return post_message(hWnd, Msg, wParam, lParam);
}

void WINAPI asidl_PostQuitMessage(int nExitCode)
{
    asidl__thread *self = asidl__thread_self();
    if (!self)
        return;
    asidl__win_lock();
    self->quit_posted = true;
    self->quit_code = nExitCode;
    asidl__win_unlock();
}

/* ------------------------------------------------------------------ reading */

typedef enum got { GOT_NOTHING, GOT_MESSAGE, GOT_QUIT, GOT_BAD_WINDOW } got;

/* Takes (or, without remove, copies) the first message of the calling thread's queue that
 * passes the filter; waits for one if wait. */
static got get_message(MSG *out, HWND hWnd, UINT min, UINT max, bool remove, bool wait)
{
    asidl__thread *self = asidl__thread_self();
    if (!self)
        return GOT_BAD_WINDOW;
    got result = GOT_NOTHING;
    asidl__win_lock();
    for (;;) {
        if (hWnd && hWnd != (HWND)(LONG_PTR)-1) {
            asidl__window *w = window_lookup_locked(hWnd);
            if (!w || w->owner != self) {
                result = GOT_BAD_WINDOW;
                break;
            }
        }
        asidl__msg *m = self->msg_first;
        while (m && !matches(&m->m, hWnd, min, max))
            m = m->next;
        if (m) {
            *out = m->m;
            if (remove)
                queue_remove_locked(self, m);
            result = out->message == WM_QUIT ? GOT_QUIT : GOT_MESSAGE;
            break;
        }
        if (self->quit_posted) {
            MSG quit = { .message = WM_QUIT, .wParam = (WPARAM)(LONG_PTR)self->quit_code, .time = tick_count() };
            *out = quit;
            if (remove)
                self->quit_posted = false;
            result = GOT_QUIT;
            break;
        }
        if (!wait)
            break;
        asidl__waiter *w = &self->waiter;
        w->kind = ASIDL_WAIT_MESSAGE;
        w->alertable = false;
        w->msg_hwnd = hWnd;
        w->msg_min = min;
        w->msg_max = max;
        w->result = ASIDL_WAKE_PENDING;
        asidl__waiter_block_locked(w, NULL);
    }
    asidl__win_unlock();
    if (result == GOT_BAD_WINDOW)
        asidl__set_last_error(ERROR_INVALID_WINDOW_HANDLE);
    return result;
}

static BOOL get(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax)
{
    if (!lpMsg) {
        asidl__set_last_error(ERROR_INVALID_PARAMETER);
        return -1;
    }
    switch (get_message(lpMsg, hWnd, wMsgFilterMin, wMsgFilterMax, true, true)) {
    case GOT_MESSAGE:
        return TRUE;
    case GOT_QUIT:
        return FALSE;
    default:
        return -1;
    }
}

static BOOL peek(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax, UINT wRemoveMsg)
{
    if (!lpMsg) {
        asidl__set_last_error(ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    got g = get_message(lpMsg, hWnd, wMsgFilterMin, wMsgFilterMax, (wRemoveMsg & PM_REMOVE) != 0, false);
    return g == GOT_MESSAGE || g == GOT_QUIT;
}

BOOL WINAPI asidl_GetMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax)
{
    return get(lpMsg, hWnd, wMsgFilterMin, wMsgFilterMax);
}

BOOL WINAPI asidl_GetMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax)
{
    return get(lpMsg, hWnd, wMsgFilterMin, wMsgFilterMax);
}

BOOL WINAPI asidl_PeekMessageA(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax, UINT wRemoveMsg)
{
    return peek(lpMsg, hWnd, wMsgFilterMin, wMsgFilterMax, wRemoveMsg);
}

BOOL WINAPI asidl_PeekMessageW(LPMSG lpMsg, HWND hWnd, UINT wMsgFilterMin, UINT wMsgFilterMax, UINT wRemoveMsg)
{
    return peek(lpMsg, hWnd, wMsgFilterMin, wMsgFilterMax, wRemoveMsg);
}
