/*
 * raw_io.h: the whole-message socket reads and writes of the benchmarks' raw echo floors
 * (bench/rpc, bench/async), shared so that both floors do the same work.
 */
#ifndef ASIDL_BENCH_RAW_IO_H
#define ASIDL_BENCH_RAW_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

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

#endif
