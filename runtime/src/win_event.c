/*
 * win_event.c: event objects (CreateEvent, SetEvent, ResetEvent, PulseEvent).
 *
 * A manual-reset event stays signalled until ResetEvent and releases every waiter; an
 * auto-reset event releases one waiter per SetEvent and is reset by the release (or stays
 * signalled until a wait takes it).  Events are process-local: naming one is refused with
 * ERROR_NOT_SUPPORTED, since a name promises sharing with other processes that asidl's
 * objects cannot give.
 */
#include <stdlib.h>

#include "win_internal.h"

typedef struct event {
    asidl__wobj obj;
    bool manual_reset;
    bool signalled;
} event;

static bool event_signalled(asidl__wobj *o)
{
    return ((event *)o)->signalled;
}

static void event_acquire(asidl__wobj *o)
{
    event *e = (event *)o;
    if (!e->manual_reset)
        e->signalled = false;
}

static void event_destroy(asidl__wobj *o)
{
    free(o);
}

static const asidl__wobj_ops event_ops = {
    .signalled = event_signalled,
    .acquire = event_acquire,
    .destroy = event_destroy,
};

/* ------------------------------------------------------------------ creating */

static HANDLE create_event(BOOL manual_reset, BOOL initial_state, bool named)
{
    if (named) {
        asidl__set_last_error(ERROR_NOT_SUPPORTED);
        return NULL;
    }
    event *e = malloc(sizeof *e);
    if (!e) {
        asidl__set_last_error(ERROR_NOT_ENOUGH_MEMORY);
        return NULL;
    }
    asidl__wobj_init(&e->obj, ASIDL_WOBJ_EVENT, &event_ops);
    e->manual_reset = manual_reset != FALSE;
    e->signalled = initial_state != FALSE;
    asidl__win_lock();
    HANDLE h = asidl__handle_open_locked(&e->obj);
    asidl__wobj_release_locked(&e->obj);     /* the handle holds it now (or nothing does) */
    asidl__win_unlock();
    /* Windows sets ERROR_SUCCESS (or ERROR_ALREADY_EXISTS for a named one) on success. */
    asidl__set_last_error(h ? ERROR_SUCCESS : ERROR_NOT_ENOUGH_MEMORY);
    return h;
}

HANDLE WINAPI asidl_CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                                 BOOL bInitialState, LPCSTR lpName)
{
    (void)lpEventAttributes;    /* no ACLs, no handle inheritance across exec */
    return create_event(bManualReset, bInitialState, lpName && lpName[0]);
}

HANDLE WINAPI asidl_CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                                 BOOL bInitialState, LPCWSTR lpName)
{
    (void)lpEventAttributes;
    return create_event(bManualReset, bInitialState, lpName && lpName[0]);
}

static HANDLE create_event_ex(DWORD flags, bool named)
{
    if (flags & ~(DWORD)(CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET)) {
        asidl__set_last_error(ERROR_INVALID_PARAMETER);
        return NULL;
    }
    return create_event((flags & CREATE_EVENT_MANUAL_RESET) != 0, (flags & CREATE_EVENT_INITIAL_SET) != 0,
                        named);
}

HANDLE WINAPI asidl_CreateEventExA(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCSTR lpName, DWORD dwFlags,
                                   DWORD dwDesiredAccess)
{
    (void)lpEventAttributes;
    (void)dwDesiredAccess;      /* every handle has full access */
    return create_event_ex(dwFlags, lpName && lpName[0]);
}

HANDLE WINAPI asidl_CreateEventExW(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCWSTR lpName, DWORD dwFlags,
                                   DWORD dwDesiredAccess)
{
    (void)lpEventAttributes;
    (void)dwDesiredAccess;
    return create_event_ex(dwFlags, lpName && lpName[0]);
}

/* ------------------------------------------------------------------ state */

typedef enum change { SET, RESET, PULSE } change;

static DWORD change_event(HANDLE h, change what)
{
    asidl__win_lock();
    event *e = (event *)asidl__handle_lookup_locked(h, ASIDL_WOBJ_EVENT);
    if (!e) {
        asidl__win_unlock();
        return ERROR_INVALID_HANDLE;
    }
    e->signalled = what != RESET;
    asidl__wobj_changed_locked(&e->obj);
    /* A pulse releases whoever the set could release, and leaves the event reset. */
    if (what == PULSE && e->signalled) {
        e->signalled = false;
        asidl__wfd_update_locked(&e->obj);
    }
    asidl__win_unlock();
    return ERROR_SUCCESS;
}

static BOOL result(DWORD error)
{
    if (error == ERROR_SUCCESS)
        return TRUE;
    asidl__set_last_error(error);
    return FALSE;
}

DWORD asidl__event_signal(HANDLE h)
{
    return change_event(h, SET);
}

BOOL WINAPI asidl_SetEvent(HANDLE hEvent)
{
    return result(change_event(hEvent, SET));
}

BOOL WINAPI asidl_ResetEvent(HANDLE hEvent)
{
    return result(change_event(hEvent, RESET));
}

BOOL WINAPI asidl_PulseEvent(HANDLE hEvent)
{
    return result(change_event(hEvent, PULSE));
}
