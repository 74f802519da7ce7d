/*
 * raw_io.h: the plumbing of the benchmarks' raw echo floors (bench/rpc, bench/async), shared
 * so that both floors do the same work: a loopback TCP and a unix-domain listener with a
 * blocking thread per connection, connecting to them, whole-message reads and writes.
 */
#ifndef ASIDL_BENCH_RAW_IO_H
#define ASIDL_BENCH_RAW_IO_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>

/* Reads exactly n octets; false at end of stream or on an error. */
static inline bool read_all(int fd, void *p, size_t n)
{
    for (size_t got = 0; got < n;) {
        ssize_t r = recv(fd, (char *)p + got, n - got, 0);
        if (r <= 0)
            return false;
        got += (size_t)r;
    }
    return true;
}

/* Writes all n octets (never raising SIGPIPE); false on an error. */
static inline bool write_all(int fd, const void *p, size_t n)
{
    for (size_t sent = 0; sent < n;) {
        ssize_t r = send(fd, (const char *)p + sent, n - sent, MSG_NOSIGNAL);
        if (r <= 0)
            return false;
        sent += (size_t)r;
    }
    return true;
}

/* Where the raw echo listens: loopback TCP on an ephemeral port, and a unix socket. */
typedef struct raw_endpoints {
    struct sockaddr_in tcp;
    struct sockaddr_un unix_path;
} raw_endpoints;

typedef struct raw_listener {
    int fd;
    void *(*serve)(void *);       /* runs one connection; its argument is the descriptor */
} raw_listener;

static inline void *raw_accept_forever(void *arg)
{
    raw_listener l = *(raw_listener *)arg;
    free(arg);
    for (;;) {
        int fd = accept(l.fd, NULL, NULL);
        if (fd < 0)
            return NULL;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);   /* fails harmlessly on unix */
        pthread_t t;
        if (pthread_create(&t, NULL, l.serve, (void *)(intptr_t)fd) != 0)
            close(fd);
        else
            pthread_detach(t);
    }
}

static inline void raw_accept_in_background(int fd, void *(*serve)(void *))
{
    raw_listener *l = malloc(sizeof *l);
    pthread_t t;
    if (!l)
        exit(1);
    *l = (raw_listener){ fd, serve };
    if (pthread_create(&t, NULL, raw_accept_forever, l) != 0) {
        perror("raw echo acceptor");
        exit(1);
    }
    pthread_detach(t);
}

/* Listens on loopback TCP and on /tmp/<name>-<pid>.sock, each connection served by `serve` on a
 * thread of its own; exits the program when that cannot be done. */
static inline void raw_listen(raw_endpoints *at, const char *name, void *(*serve)(void *))
{
    int t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    at->tcp = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof at->tcp;
    if (t < 0 || bind(t, (struct sockaddr *)&at->tcp, sizeof at->tcp) || listen(t, 64) ||
        getsockname(t, (struct sockaddr *)&at->tcp, &len)) {
        perror("raw tcp server");
        exit(1);
    }
    int u = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    at->unix_path = (struct sockaddr_un){ .sun_family = AF_UNIX };
    snprintf(at->unix_path.sun_path, sizeof at->unix_path.sun_path, "/tmp/%s-%d.sock", name, (int)getpid());
    unlink(at->unix_path.sun_path);
    if (u < 0 || bind(u, (struct sockaddr *)&at->unix_path, sizeof at->unix_path) || listen(u, 64)) {
        perror("raw unix server");
        exit(1);
    }
    raw_accept_in_background(t, serve);
    raw_accept_in_background(u, serve);
}

/* A connection to the raw echo (TCP without Nagle's delay); exits the program on failure. */
static inline int raw_dial(const raw_endpoints *at, bool tcp)
{
    int fd = socket(tcp ? AF_INET : AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int r = fd < 0 ? -1
            : tcp  ? connect(fd, (const struct sockaddr *)&at->tcp, sizeof at->tcp)
                   : connect(fd, (const struct sockaddr *)&at->unix_path, sizeof at->unix_path);
    int one = 1;
    if (r != 0 || (tcp && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)) {
        perror("raw connect");
        exit(1);
    }
    return fd;
}

#endif
