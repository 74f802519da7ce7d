/*
 * win_fd.c: the Linux extension: a pollable file descriptor per waitable object
 * (asidl_GetWaitableFd), for programs that run their own event loop (epoll, poll, libuv, GLib).
 *
 * The descriptor mirrors the object's state: it polls readable exactly while a wait on the
 * object would be satisfied (an event is set, a port has packets queued, a window has
 * messages queued, a thread has exited).  Consuming is done through the Windows API
 * (WaitForSingleObject on an auto-reset event, GetQueuedCompletionStatus, GetMessage), and
 * the descriptor follows.
 *
 * It is an epoll instance watching a private eventfd that asidl keeps at 1 while the object
 * is signalled and 0 otherwise.  Handing out the epoll descriptor rather than the eventfd means
 * nothing a loop does to it can consume or desynchronise the state: read() on an epoll
 * descriptor fails (EINVAL) instead of draining the counter.  Both are created on the first
 * request (close-on-exec) and closed with the object's last handle (DestroyMessageWindow for
 * a window); remove it from your loop before closing the handle.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "win_internal.h"

struct asidl__wfd {
    int epoll_fd;               /* handed out */
    int event_fd;               /* 1 while signalled, 0 otherwise */
    bool readable;
};

void asidl__wfd_update_locked(asidl__wobj *o)
{
    asidl__wfd *f = o->fd;
    if (!f)
        return;
    bool signalled = o->ops->signalled(o);
    if (signalled == f->readable)
        return;
    uint64_t value = 1;
    /* Neither can fail or block: the counter only ever moves between 0 and 1. */
    ssize_t n = signalled ? write(f->event_fd, &value, sizeof value) : read(f->event_fd, &value, sizeof value);
    if (n == (ssize_t)sizeof value)
        f->readable = signalled;
}

void asidl__wfd_close_locked(asidl__wobj *o)
{
    asidl__wfd *f = o->fd;
    if (!f)
        return;
    close(f->epoll_fd);
    close(f->event_fd);
    free(f);
    o->fd = NULL;
}

static asidl__wfd *wfd_new(DWORD *error)
{
    asidl__wfd *f = malloc(sizeof *f);
    if (!f) {
        *error = ERROR_NOT_ENOUGH_MEMORY;
        return NULL;
    }
    f->readable = false;
    f->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    f->epoll_fd = f->event_fd >= 0 ? epoll_create1(EPOLL_CLOEXEC) : -1;
    struct epoll_event ev = { .events = EPOLLIN };
    if (f->epoll_fd >= 0 && epoll_ctl(f->epoll_fd, EPOLL_CTL_ADD, f->event_fd, &ev) == 0)
        return f;
    *error = errno == EMFILE || errno == ENFILE ? ERROR_TOO_MANY_OPEN_FILES : ERROR_NOT_ENOUGH_MEMORY;
    if (f->epoll_fd >= 0)
        close(f->epoll_fd);
    if (f->event_fd >= 0)
        close(f->event_fd);
    free(f);
    return NULL;
}

int WINAPI asidl_GetWaitableFd(HANDLE hObject)
{
    DWORD error = ERROR_SUCCESS;
    int fd = -1;
    asidl__win_lock();
    /* The pseudo-handle has no handle whose close could end the descriptor. */
    asidl__wobj *o = hObject == ASIDL_CURRENT_THREAD_HANDLE ? NULL
                                                            : asidl__handle_lookup_locked(hObject, ASIDL_WOBJ_ANY);
    if (!o)
        error = ERROR_INVALID_HANDLE;
    else if (o->fd || (o->fd = wfd_new(&error)) != NULL) {
        asidl__wfd_update_locked(o);
        fd = o->fd->epoll_fd;
    }
    asidl__win_unlock();
    if (fd < 0)
        asidl__set_last_error(error);
    return fd;
}
