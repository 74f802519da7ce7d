/*
 * protseq.c: protocol sequence names, the syntax of endpoints and network addresses per
 * protocol sequence, and the dispatch of connect / listen / accept to the transport.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rpcrt.h"

/* Microsoft's protocol sequences that asidl does not implement: refused as not supported
 * rather than as invalid, so a program can tell a typo from a missing transport. */
static const char *const known_unsupported[] = {
    "ncacn_np", "ncacn_http", "ncadg_ip_udp", "ncacn_nb_tcp", "ncacn_nb_ipx", "ncacn_nb_nb",
    "ncacn_spx", "ncadg_ipx", "ncacn_at_dsp", "ncadg_mq", "ncacn_vns_spp", "ncacn_dnet_nsp",
    "ncacn_hvsocket", "ncadg_ip_udp6",
};

RPC_STATUS asidl__protseq_lookup(const char *name, asidl__protseq *out)
{
    *out = ASIDL_PROTSEQ_NONE;
    if (!name || !*name)
        return RPC_S_INVALID_RPC_PROTSEQ;
    if (strcmp(name, "ncacn_ip_tcp") == 0) {
        *out = ASIDL_PROTSEQ_TCP;
        return RPC_S_OK;
    }
    if (strcmp(name, "ncalrpc") == 0) {
        *out = ASIDL_PROTSEQ_LRPC;
        return RPC_S_OK;
    }
    for (size_t i = 0; i < sizeof known_unsupported / sizeof known_unsupported[0]; i++)
        if (strcmp(name, known_unsupported[i]) == 0)
            return RPC_S_PROTSEQ_NOT_SUPPORTED;
    return RPC_S_INVALID_RPC_PROTSEQ;
}

const char *asidl__protseq_name(asidl__protseq p)
{
    switch (p) {
    case ASIDL_PROTSEQ_TCP: return "ncacn_ip_tcp";
    case ASIDL_PROTSEQ_LRPC: return "ncalrpc";
    default: return "";
    }
}

RPC_STATUS asidl__endpoint_check(asidl__protseq p, const char *endpoint)
{
    if (!endpoint || !*endpoint)
        return RPC_S_OK;
    if (p == ASIDL_PROTSEQ_TCP) {
        /* A decimal port number. */
        size_t n = strlen(endpoint);
        if (n > 5 || strspn(endpoint, "0123456789") != n || strtoul(endpoint, NULL, 10) > 65535)
            return RPC_S_INVALID_ENDPOINT_FORMAT;
        return RPC_S_OK;
    }
    return asidl__lrpc_endpoint_check(endpoint);
}

RPC_STATUS asidl__netaddr_check(asidl__protseq p, const char *netaddr)
{
    if (!netaddr || !*netaddr)
        return RPC_S_OK;
    if (p == ASIDL_PROTSEQ_TCP) {
        /* A host name or an IPv4/IPv6 literal (with an optional %zone). */
        size_t n = strlen(netaddr);
        if (n > 255 || strspn(netaddr, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789.-_:%") != n)
            return RPC_S_INVALID_NET_ADDR;
        return RPC_S_OK;
    }
    /* ncalrpc reaches this machine only. */
    char host[256];
    if (strcasecmp(netaddr, "localhost") == 0 || strcmp(netaddr, ".") == 0)
        return RPC_S_OK;
    if (gethostname(host, sizeof host) == 0 && strcasecmp(netaddr, host) == 0)
        return RPC_S_OK;
    return RPC_S_INVALID_NET_ADDR;
}

RPC_STATUS asidl__transport_connect(asidl__protseq p, const char *netaddr, const char *endpoint,
                                    int timeout_ms, int *fd_out)
{
    *fd_out = -1;
    RPC_STATUS st = asidl__endpoint_check(p, endpoint);
    if (st != RPC_S_OK)
        return st;
    if (!endpoint || !*endpoint)
        return RPC_S_NO_ENDPOINT_FOUND;      /* the endpoint mapper resolves these (later) */
    switch (p) {
    case ASIDL_PROTSEQ_TCP: return asidl__tcp_connect(netaddr, endpoint, timeout_ms, fd_out);
    case ASIDL_PROTSEQ_LRPC: return asidl__lrpc_connect(endpoint, timeout_ms, fd_out);
    default: return RPC_S_PROTSEQ_NOT_SUPPORTED;
    }
}

RPC_STATUS asidl__transport_listen(asidl__protseq p, const char *host, const char *endpoint,
                                   int backlog, asidl__listener_fds *out)
{
    memset(out, 0, sizeof *out);
    out->fd[0] = out->fd[1] = -1;
    RPC_STATUS st = asidl__endpoint_check(p, endpoint);
    if (st != RPC_S_OK)
        return st;
    switch (p) {
    case ASIDL_PROTSEQ_TCP: return asidl__tcp_listen(host, endpoint, backlog, out);
    case ASIDL_PROTSEQ_LRPC: return asidl__lrpc_listen(endpoint, backlog, out);
    default: return RPC_S_PROTSEQ_NOT_SUPPORTED;
    }
}

void asidl__transport_unlisten(asidl__listener_fds *l)
{
    for (int i = 0; i < l->count; i++)
        if (l->fd[i] >= 0)
            close(l->fd[i]);
    if (l->path[0])
        unlink(l->path);
    l->count = 0;
    l->path[0] = 0;
}

int asidl__transport_accept(int listen_fd)
{
    int fd;
    do
        fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd >= 0) {
        struct sockaddr_storage ss;
        socklen_t len = sizeof ss;
        if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0 && ss.ss_family != AF_UNIX) {
            int one = 1;
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
    }
    return fd;
}
