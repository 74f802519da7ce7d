/*
 * transport_tcp.c: ncacn_ip_tcp over IPv4 and IPv6. Clients try every address the name
 * resolves to, each with a non-blocking connect bounded by the timeout; servers listen on one
 * dual-stack socket (all interfaces, as Windows does) or on the addresses of a given host.
 * Every socket is non-blocking, close-on-exec, and has Nagle's delay off (RPC traffic is
 * request/response: waiting to coalesce only adds latency).
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rpcrt.h"

static void no_delay(int fd)
{
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* Connects to one address; true when connected within the deadline. */
static bool connect_one(const struct addrinfo *ai, int64_t deadline, int *fd_out)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return false;
    int r;
    do
        r = connect(fd, ai->ai_addr, ai->ai_addrlen);
    while (r < 0 && errno == EINTR);
    if (r < 0 && errno == EINPROGRESS) {
        int wait = deadline < 0 ? -1 : (int)(deadline - asidl__now_ms());
        if (deadline >= 0 && wait < 0)
            wait = 0;
        int err = 0;
        socklen_t len = sizeof err;
        if (asidl__sock_wait(fd, POLLOUT, wait) > 0 &&
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
            r = 0;
    }
    if (r != 0) {
        close(fd);
        return false;
    }
    no_delay(fd);
    *fd_out = fd;
    return true;
}

RPC_STATUS asidl__tcp_connect(const char *host, const char *port, int timeout_ms, int *fd_out)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                              .ai_flags = AI_NUMERICSERV };
    struct addrinfo *res = NULL;
    /* An empty network address means this machine (getaddrinfo's NULL host: loopback). */
    if (getaddrinfo(host && *host ? host : NULL, port, &hints, &res) != 0)
        return RPC_S_SERVER_UNAVAILABLE;
    int64_t deadline = timeout_ms < 0 ? -1 : asidl__now_ms() + timeout_ms;
    RPC_STATUS st = RPC_S_SERVER_UNAVAILABLE;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        if (connect_one(ai, deadline, fd_out)) {
            st = RPC_S_OK;
            break;
        }
        if (deadline >= 0 && asidl__now_ms() >= deadline)
            break;
    }
    freeaddrinfo(res);
    return st;
}

/* Binds and listens on one address; returns the fd or -1. */
static int listen_on(const struct sockaddr *sa, socklen_t len, bool dual_stack, int backlog)
{
    int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1, zero = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (sa->sa_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, dual_stack ? &zero : &one, sizeof one);
    if (bind(fd, sa, len) != 0 || listen(fd, backlog) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static unsigned bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return 0;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void set_port(struct sockaddr *sa, unsigned port)
{
    if (sa->sa_family == AF_INET6)
        ((struct sockaddr_in6 *)sa)->sin6_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in *)sa)->sin_port = htons((uint16_t)port);
}

static RPC_STATUS listen_error(void)
{
    return errno == EADDRINUSE ? RPC_S_DUPLICATE_ENDPOINT : RPC_S_CANT_CREATE_ENDPOINT;
}

RPC_STATUS asidl__tcp_listen(const char *host, const char *port, int backlog, asidl__listener_fds *out)
{
    out->count = 0;
    out->path[0] = 0;
    const char *service = port && *port ? port : "0";
    if (!host || !*host) {
        uint16_t p = htons((uint16_t)strtoul(service, NULL, 10));
        struct sockaddr_in6 any6 = { .sin6_family = AF_INET6, .sin6_port = p,
                                     .sin6_addr = IN6ADDR_ANY_INIT };
        struct sockaddr_in any4 = { .sin_family = AF_INET, .sin_port = p,
                                    .sin_addr.s_addr = htonl(INADDR_ANY) };
        int fd = listen_on((struct sockaddr *)&any6, sizeof any6, true, backlog);
        if (fd < 0 && (errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL))
            fd = listen_on((struct sockaddr *)&any4, sizeof any4, false, backlog);
        if (fd < 0)
            return listen_error();
        out->fd[out->count++] = fd;
    } else {
        struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                                  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
        struct addrinfo *res = NULL;
        if (getaddrinfo(host, service, &hints, &res) != 0)
            return RPC_S_INVALID_NET_ADDR;
        unsigned chosen = 0;
        /* Every address of the host (at most two: its IPv6 and IPv4 ones), one port for all. */
        for (struct addrinfo *ai = res; ai && out->count < 2; ai = ai->ai_next) {
            if (chosen)
                set_port(ai->ai_addr, chosen);
            int fd = listen_on(ai->ai_addr, ai->ai_addrlen, false, backlog);
            if (fd < 0) {
                if (out->count == 0) {
                    RPC_STATUS st = listen_error();
                    freeaddrinfo(res);
                    return st;
                }
                continue;
            }
            chosen = bound_port(fd);
            out->fd[out->count++] = fd;
        }
        freeaddrinfo(res);
        if (out->count == 0)
            return RPC_S_CANT_CREATE_ENDPOINT;
    }
    snprintf(out->endpoint, sizeof out->endpoint, "%u", bound_port(out->fd[0]));
    return RPC_S_OK;
}
