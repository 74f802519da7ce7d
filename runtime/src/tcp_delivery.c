/*
 * tcp_delivery.c: what the kernel knows of whether the peer's kernel took what was sent on a
 * TCP connection. A client sends a call on a connection that was idle without looking first
 * whether the server closed it meanwhile (a look costs a system call on every such call);
 * when the reply read then finds the connection closed, this tells a request the server never
 * received, which may go again on a new connection, from one it may have run.
 *
 * The evidence, from TCP_INFO: tcpi_bytes_acked counts the octets the peer acknowledged (and
 * the SYN). A server that has closed its socket answers data with a reset and acknowledges
 * none of it; one that only shut down its sending side still takes (and acknowledges) the
 * request, and may run it. So "refused" needs both: none of the request acknowledged, and the
 * connection reset (state CLOSE). Right after the end-of-file neither may have arrived yet;
 * the caller may wait a little for one of them. Without the evidence the answer is "may have
 * been received": the call fails, as any call on a broken connection does.
 */
#include <errno.h>
#include <linux/tcp.h>          /* struct tcp_info with tcpi_bytes_acked (glibc's lacks it) */
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>

#include "rpcrt.h"

#define STATE_CLOSE 7           /* TCP_CLOSE in the kernel's tcp_states.h */
#define LOOK_EVERY_MS 20        /* an acknowledgement wakes no poll: look again this often */

static bool read_info(int fd, struct tcp_info *ti)
{
    socklen_t len = sizeof *ti;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &len) != 0)
        return false;
    /* (kernels before 4.1 report a shorter structure without the count) */
    return len >= offsetof(struct tcp_info, tcpi_bytes_acked) + sizeof ti->tcpi_bytes_acked;
}

bool asidl__tcp_acked(int fd, uint64_t *acked)
{
    struct tcp_info ti;
    if (!read_info(fd, &ti))
        return false;
    *acked = ti.tcpi_bytes_acked;
    return true;
}

bool asidl__tcp_refused(int fd, uint64_t acked_before, int wait_ms)
{
    int64_t until = asidl__now_ms() + wait_ms;
    for (;;) {
        struct tcp_info ti;
        if (!read_info(fd, &ti) || ti.tcpi_bytes_acked > acked_before)
            return false;                   /* (some of) the request reached the server */
        if (ti.tcpi_state == STATE_CLOSE)
            return true;                    /* reset, none of it acknowledged */
        int64_t left = until - asidl__now_ms();
        if (left <= 0)
            return false;
        /* No events asked for: a reset still wakes the poll (POLLERR, POLLHUP). */
        struct pollfd pfd = { fd, 0, 0 };
        if (poll(&pfd, 1, left < LOOK_EVERY_MS ? (int)left : LOOK_EVERY_MS) < 0 && errno != EINTR)
            return false;
    }
}
