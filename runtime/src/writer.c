/*
 * writer.c: a connection's second registration in the event loop, waiting only for room to
 * send (docs/runtime-design.md, "Writing").  A connection's own registration is changed only by
 * the thread holding its reading token: a client connection's one-shot event may already be on
 * its way, and re-arming could deliver a second event holding no reference.
 * A thread that finds the socket full meanwhile (a completion on an application thread, a new
 * asynchronous request) arms this duplicate of the socket for EPOLLOUT instead.  The owner
 * guards it with its own lock and holds a reference for it while it is armed.
 */
#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "rpcrt.h"

void asidl__writer_init(asidl__writer *w, asidl__source_fn *on_writable)
{
    *w = (asidl__writer){ .src = { on_writable, -1 } };
}

int asidl__writer_arm(asidl__writer *w, int socket_fd)
{
    if (w->armed)
        return 0;
    if (w->src.fd < 0 && (w->src.fd = fcntl(socket_fd, F_DUPFD_CLOEXEC, 0)) < 0)
        return -1;
    if (!w->watched) {
        if (asidl__rt_watch(&w->src, EPOLLOUT) != 0)
            return -1;
        w->watched = true;
    } else if (asidl__rt_rearm(&w->src, EPOLLOUT) != 0) {
        return -1;
    }
    w->armed = true;
    return 1;
}

void asidl__writer_close(asidl__writer *w)
{
    if (w->src.fd < 0)
        return;
    if (w->watched)
        asidl__rt_unwatch(&w->src);
    w->watched = false;
    close(w->src.fd);
    w->src.fd = -1;
}
