/*
 * transport_lrpc.c: ncalrpc over unix-domain stream sockets. An endpoint name is a file name in
 * the runtime directory (rtdir.c); names that are empty, "." or "..", contain '/', or do not
 * fit a unix socket address are refused. A dynamic endpoint gets a generated unique name.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "rpcrt.h"

RPC_STATUS asidl__lrpc_endpoint_check(const char *endpoint)
{
    struct sockaddr_un sun;
    if (!endpoint || !*endpoint || strcmp(endpoint, ".") == 0 || strcmp(endpoint, "..") == 0 ||
        strchr(endpoint, '/') || strlen(endpoint) >= sizeof sun.sun_path)
        return RPC_S_INVALID_ENDPOINT_FORMAT;
    return RPC_S_OK;
}

static bool make_address(const char *path, struct sockaddr_un *sun)
{
    memset(sun, 0, sizeof *sun);
    sun->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sun->sun_path)
        return false;
    memcpy(sun->sun_path, path, strlen(path) + 1);
    return true;
}

/* Connects to the socket at `path`: 1 connected, 0 nobody listening (refused / no file),
 * -1 other failure. A full listen queue is retried until the deadline. */
static int connect_path(const char *path, int64_t deadline, int *fd_out)
{
    struct sockaddr_un sun;
    if (!make_address(path, &sun))
        return -1;
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return -1;
        int r;
        do
            r = connect(fd, (struct sockaddr *)&sun, sizeof sun);
        while (r < 0 && errno == EINTR);
        if (r == 0) {
            *fd_out = fd;
            return 1;
        }
        int err = errno;
        close(fd);
        if (err == ENOENT || err == ECONNREFUSED || err == ENOTDIR)
            return 0;
        if (err != EAGAIN || (deadline >= 0 && asidl__now_ms() >= deadline))
            return -1;
        poll(NULL, 0, 1);        /* the server's queue is full: try again shortly */
    }
}

RPC_STATUS asidl__lrpc_connect(const char *endpoint, int timeout_ms, int *fd_out)
{
    RPC_STATUS st = asidl__lrpc_endpoint_check(endpoint);
    if (st != RPC_S_OK)
        return st;
    char path[sizeof ((struct sockaddr_un *)0)->sun_path];
    st = asidl__rtdir_socket_path(endpoint, path, sizeof path, false);
    if (st != RPC_S_OK)
        return st == RPC_S_INVALID_ENDPOINT_FORMAT ? st : RPC_S_SERVER_UNAVAILABLE;
    int64_t deadline = timeout_ms < 0 ? -1 : asidl__now_ms() + timeout_ms;
    return connect_path(path, deadline, fd_out) == 1 ? RPC_S_OK : RPC_S_SERVER_UNAVAILABLE;
}

RPC_STATUS asidl__lrpc_listen(const char *endpoint, int backlog, asidl__listener_fds *out)
{
    out->count = 0;
    out->path[0] = 0;
    char name[128];
    if (endpoint && *endpoint) {
        RPC_STATUS st = asidl__lrpc_endpoint_check(endpoint);
        if (st != RPC_S_OK)
            return st;
        snprintf(name, sizeof name, "%s", endpoint);
    } else {
        static unsigned counter;
        unsigned rnd = 0;
        if (getrandom(&rnd, sizeof rnd, GRND_NONBLOCK) != sizeof rnd)
            rnd = (unsigned)asidl__now_ms();
        snprintf(name, sizeof name, "asidl-%ld-%u-%08x", (long)getpid(),
                 __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED), rnd);
    }
    char path[sizeof out->path];
    RPC_STATUS st = asidl__rtdir_socket_path(name, path, sizeof path, true);
    if (st != RPC_S_OK)
        return st;

    /* A socket file left by a server that died is removed; a live one is a duplicate. */
    struct stat sb;
    if (lstat(path, &sb) == 0) {
        if (!S_ISSOCK(sb.st_mode))
            return RPC_S_CANT_CREATE_ENDPOINT;
        int probe;
        int r = connect_path(path, 0, &probe);
        if (r == 1) {
            close(probe);
            return RPC_S_DUPLICATE_ENDPOINT;
        }
        unlink(path);
    }

    struct sockaddr_un sun;
    if (!make_address(path, &sun))
        return RPC_S_INVALID_ENDPOINT_FORMAT;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return RPC_S_OUT_OF_RESOURCES;
    if (bind(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
        int err = errno;
        close(fd);
        return err == EADDRINUSE ? RPC_S_DUPLICATE_ENDPOINT : RPC_S_CANT_CREATE_ENDPOINT;
    }
    if (listen(fd, backlog) != 0) {
        close(fd);
        unlink(path);
        return RPC_S_CANT_CREATE_ENDPOINT;
    }
    out->fd[out->count++] = fd;
    snprintf(out->endpoint, sizeof out->endpoint, "%s", name);
    snprintf(out->path, sizeof out->path, "%s", path);
    return RPC_S_OK;
}
