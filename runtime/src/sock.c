/*
 * sock.c: the few socket operations every transport shares: non-blocking sends and receives
 * that never raise SIGPIPE, waiting for readiness, and the monotonic clock used for timeouts.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include "rpcrt.h"

ssize_t asidl__sock_send(int fd, const void *p, size_t n)
{
    ssize_t r;
    do
        r = send(fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
    while (r < 0 && errno == EINTR);
    return r;
}

ssize_t asidl__sock_recv(int fd, void *p, size_t n)
{
    ssize_t r;
    do
        r = recv(fd, p, n, MSG_DONTWAIT);
    while (r < 0 && errno == EINTR);
    return r;
}

bool asidl__sock_set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

int64_t asidl__now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int asidl__sock_wait(int fd, short events, int timeout_ms)
{
    int64_t deadline = timeout_ms < 0 ? 0 : asidl__now_ms() + timeout_ms;
    for (;;) {
        struct pollfd p = { .fd = fd, .events = events };
        int wait = timeout_ms < 0 ? -1 : (int)(deadline - asidl__now_ms());
        if (timeout_ms >= 0 && wait < 0)
            wait = 0;
        int r = poll(&p, 1, wait);
        if (r >= 0)
            return r;
        if (errno != EINTR)
            return -1;
    }
}
