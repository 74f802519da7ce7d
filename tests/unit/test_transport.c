/*
 * Transports on loopback: ncacn_ip_tcp over 127.0.0.1 and ::1 (and one dual-stack listener
 * serving both), ncalrpc over unix sockets in the runtime directory, dynamic endpoints,
 * duplicate and stale endpoints, refused names, no SIGPIPE, and the runtime-directory search.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rpcrt.h"
#include "test.h"

static char rtdir[64];

/* Accepts on `l` and exchanges a few bytes each way with `client`. */
static void exchange(asidl__listener_fds *l, int listen_index, int client)
{
    CHECK_EQ_INT(asidl__sock_wait(l->fd[listen_index], POLLIN, 2000), 1);
    int server = asidl__transport_accept(l->fd[listen_index]);
    CHECK(server >= 0);
    if (server < 0)
        return;
    CHECK_EQ_INT(asidl__sock_send(client, "ping", 4), 4);
    char buf[8] = { 0 };
    CHECK_EQ_INT(asidl__sock_wait(server, POLLIN, 2000), 1);
    CHECK_EQ_INT(asidl__sock_recv(server, buf, sizeof buf), 4);
    CHECK(memcmp(buf, "ping", 4) == 0);
    CHECK_EQ_INT(asidl__sock_send(server, "pong!", 5), 5);
    CHECK_EQ_INT(asidl__sock_wait(client, POLLIN, 2000), 1);
    CHECK_EQ_INT(asidl__sock_recv(client, buf, sizeof buf), 5);
    CHECK(memcmp(buf, "pong!", 5) == 0);
    /* Nothing more to read: non-blocking, so EAGAIN rather than a hang. */
    CHECK_EQ_INT(asidl__sock_recv(client, buf, sizeof buf), -1);
    CHECK_EQ_INT(errno, EAGAIN);
    close(server);
}

static void tcp_round_trip(const char *host, const char *connect_to)
{
    asidl__listener_fds l;
    CHECK_EQ_INT(asidl__transport_listen(ASIDL_PROTSEQ_TCP, host, NULL, 16, &l), RPC_S_OK);
    CHECK(l.count >= 1);
    unsigned long port = strtoul(l.endpoint, NULL, 10);
    CHECK(port > 0 && port < 65536);
    int fd = -1;
    CHECK_EQ_INT(asidl__transport_connect(ASIDL_PROTSEQ_TCP, connect_to, l.endpoint, 2000, &fd), RPC_S_OK);
    if (fd >= 0) {
        /* With a host of two addresses the connection may arrive on either listener. */
        int which = 0;
        if (l.count == 2 && asidl__sock_wait(l.fd[0], POLLIN, 200) <= 0)
            which = 1;
        exchange(&l, which, fd);
        close(fd);
    }
    asidl__transport_unlisten(&l);
}

TEST(tcp_over_ipv4_loopback_with_a_dynamic_port)
{
    tcp_round_trip("127.0.0.1", "127.0.0.1");
}

TEST(tcp_over_ipv6_loopback_with_a_dynamic_port)
{
    tcp_round_trip("::1", "::1");
}

TEST(a_listener_on_all_interfaces_serves_ipv4_and_ipv6)
{
    asidl__listener_fds l;
    CHECK_EQ_INT(asidl__transport_listen(ASIDL_PROTSEQ_TCP, NULL, NULL, 16, &l), RPC_S_OK);
    const char *clients[] = { "127.0.0.1", "::1", "" /* empty: this machine */ };
    for (int i = 0; i < 3; i++) {
        int fd = -1;
        CHECK_EQ_INT(asidl__transport_connect(ASIDL_PROTSEQ_TCP, clients[i], l.endpoint, 2000, &fd),
                     RPC_S_OK);
        if (fd >= 0) {
            exchange(&l, 0, fd);
            close(fd);
        }
    }
    asidl__transport_unlisten(&l);
}

TEST(tcp_failures_map_to_rpc_status_codes)
{
    /* Take a port, then free it: nobody listens there now. */
    asidl__listener_fds l;
    CHECK_EQ_INT(asidl__transport_listen(ASIDL_PROTSEQ_TCP, "127.0.0.1", NULL, 1, &l), RPC_S_OK);
    char port[sizeof l.endpoint];
    snprintf(port, sizeof port, "%s", l.endpoint);

    asidl__listener_fds dup;
    CHECK_EQ_INT(asidl__transport_listen(ASIDL_PROTSEQ_TCP, "127.0.0.1", port, 1, &dup),
                 RPC_S_DUPLICATE_ENDPOINT);
    asidl__transport_unlisten(&l);

    int fd = -1;
    CHECK_EQ_INT(asidl__transport_connect(ASIDL_PROTSEQ_TCP, "127.0.0.1", port, 2000, &fd),
                 RPC_S_SERVER_UNAVAILABLE);
    CHECK_EQ_INT(fd, -1);
    CHECK_EQ_INT(asidl__transport_connect(ASIDL_PROTSEQ_TCP, "no-such-host.invalid", "135", 2000, &fd),
                 RPC_S_SERVER_UNAVAILABLE);
    CHECK_EQ_INT(asidl__transport_connect(ASIDL_PROTSEQ_TCP, "127.0.0.1", "http", 2000, &fd),
                 RPC_S_INVALID_ENDPOINT_FORMAT);
    CHECK_EQ_INT(asidl__transport_connect(ASIDL_PROTSEQ_TCP, "127.0.0.1", "", 2000, &fd),
                 RPC_S_NO_ENDPOINT_FOUND);
}

TEST(sending_to_a_closed_peer_fails_without_sigpipe)
{
    /* SIGPIPE's default action would kill this test process. */
    signal(SIGPIPE, SIG_DFL);
    asidl__listener_fds l;
    CHECK_EQ_INT(asidl__transport_listen(ASIDL_PROTSEQ_TCP, "127.0.0.1", NULL, 1, &l), RPC_S_OK);
    int fd = -1;
    CHECK_EQ_INT(asidl__transport_connect(ASIDL_PROTSEQ_TCP, "127.0.0.1", l.endpoint, 2000, &fd), RPC_S_OK);
    CHECK_EQ_INT(asidl__sock_wait(l.fd[0], POLLIN, 2000), 1);
    int server = asidl__transport_accept(l.fd[0]);
    CHECK(server >= 0);
    close(server);
    char junk[4096] = { 0 };
    ssize_t r = 0;
    for (int i = 0; i < 100 && r >= 0; i++)
        r = asidl__sock_send(fd, junk, sizeof junk);
    CHECK(r < 0);
    CHECK(errno == EPIPE || errno == ECONNRESET);
    close(fd);
    asidl__transport_unlisten(&l);
}

TEST(ncalrpc_named_endpoint_round_trip)
{
    asidl__listener_fds l;
    CHECK_EQ_INT(asidl__transport_listen(ASIDL_PROTSEQ_LRPC, NULL, "test-endpoint", 16, &l), RPC_S_OK);
    CHECK(strcmp(l.endpoint, "test-endpoint") == 0);
    char expected[PATH_MAX];
    snprintf(expected, sizeof expected, "%s/test-endpoint", rtdir);
    CHECK(strcmp(l.path, expected) == 0);
    struct stat st;
    CHECK(stat(expected, &st) == 0 && S_ISSOCK(st.st_mode));

    /* A second server on a live endpoint is a duplicate. */
    asidl__listener_fds dup;
    CHECK_EQ_INT(asidl__transport_listen(ASIDL_PROTSEQ_LRPC, NULL, "test-endpoint", 16, &dup),
                 RPC_S_DUPLICATE_ENDPOINT);
    /* The duplicate check found the server by connecting: that probe reaches the live server
     * and is already closed, which a server handles as any client leaving. */
    CHECK_EQ_INT(asidl__sock_wait(l.fd[0], POLLIN, 2000), 1);
    int probe = asidl__transport_accept(l.fd[0]);
    char byte;
    CHECK(probe >= 0 && asidl__sock_wait(probe, POLLIN, 2000) == 1 && asidl__sock_recv(probe, &byte, 1) == 0);
    close(probe);

    int fd = -1;
    CHECK_EQ_INT(asidl__transport_connect(ASIDL_PROTSEQ_LRPC, "", "test-endpoint", 2000, &fd), RPC_S_OK);
    if (fd >= 0) {
        exchange(&l, 0, fd);
        close(fd);
    }
    asidl__transport_unlisten(&l);
    CHECK(stat(expected, &st) != 0);              /* the socket file goes with the listener */
    CHECK_EQ_INT(asidl__transport_connect(ASIDL_PROTSEQ_LRPC, "", "test-endpoint", 2000, &fd),
                 RPC_S_SERVER_UNAVAILABLE);
}

TEST(ncalrpc_dynamic_endpoints_get_unique_names)
{
    asidl__listener_fds a, b;
    CHECK_EQ_INT(asidl__transport_listen(ASIDL_PROTSEQ_LRPC, NULL, NULL, 4, &a), RPC_S_OK);
    CHECK_EQ_INT(asidl__transport_listen(ASIDL_PROTSEQ_LRPC, NULL, "", 4, &b), RPC_S_OK);
    CHECK(strcmp(a.endpoint, b.endpoint) != 0);
    CHECK(strncmp(a.endpoint, "asidl-", 6) == 0);
    int fd = -1;
    CHECK_EQ_INT(asidl__transport_connect(ASIDL_PROTSEQ_LRPC, "", b.endpoint, 2000, &fd), RPC_S_OK);
    if (fd >= 0) {
        exchange(&b, 0, fd);
        close(fd);
    }
    asidl__transport_unlisten(&a);
    asidl__transport_unlisten(&b);
}

TEST(a_stale_ncalrpc_socket_file_is_reclaimed)
{
    /* A server that died leaves its socket file behind: bound, never unlinked. */
    char path[sizeof rtdir + 8];
    snprintf(path, sizeof path, "%s/stale", rtdir);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
    CHECK_EQ_INT(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0);
    close(fd);

    asidl__listener_fds l;
    CHECK_EQ_INT(asidl__transport_listen(ASIDL_PROTSEQ_LRPC, NULL, "stale", 4, &l), RPC_S_OK);
    asidl__transport_unlisten(&l);

    /* A regular file of that name is not ours to delete. */
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f)
        fclose(f);
    CHECK_EQ_INT(asidl__transport_listen(ASIDL_PROTSEQ_LRPC, NULL, "stale", 4, &l),
                 RPC_S_CANT_CREATE_ENDPOINT);
    unlink(path);
}

TEST(bad_ncalrpc_endpoint_names_are_refused)
{
    char long_name[200];
    memset(long_name, 'n', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = 0;
    /* Fits sun_path alone, but not after the directory. */
    char almost[100];
    memset(almost, 'a', sizeof almost - 1);
    almost[sizeof almost - 1] = 0;
    const char *bad[] = { "a/b", "/abs", ".", "..", long_name, almost };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        asidl__listener_fds l;
        int fd = -1;
        CHECK_EQ_INT(asidl__transport_listen(ASIDL_PROTSEQ_LRPC, NULL, bad[i], 4, &l),
                     RPC_S_INVALID_ENDPOINT_FORMAT);
        CHECK_EQ_INT(asidl__transport_connect(ASIDL_PROTSEQ_LRPC, "", bad[i], 100, &fd),
                     RPC_S_INVALID_ENDPOINT_FORMAT);
    }
}

TEST(protocol_sequences_endpoints_and_addresses_are_validated)
{
    asidl__protseq p;
    CHECK_EQ_INT(asidl__protseq_lookup("ncacn_ip_tcp", &p), RPC_S_OK);
    CHECK_EQ_INT(p, ASIDL_PROTSEQ_TCP);
    CHECK_EQ_INT(asidl__protseq_lookup("ncalrpc", &p), RPC_S_OK);
    CHECK_EQ_INT(p, ASIDL_PROTSEQ_LRPC);
    CHECK_EQ_INT(asidl__protseq_lookup("ncacn_np", &p), RPC_S_PROTSEQ_NOT_SUPPORTED);
    CHECK_EQ_INT(asidl__protseq_lookup("ncadg_ip_udp", &p), RPC_S_PROTSEQ_NOT_SUPPORTED);
    CHECK_EQ_INT(asidl__protseq_lookup("tcp", &p), RPC_S_INVALID_RPC_PROTSEQ);
    CHECK_EQ_INT(asidl__protseq_lookup("NCACN_IP_TCP", &p), RPC_S_INVALID_RPC_PROTSEQ);
    CHECK_EQ_INT(asidl__protseq_lookup("", &p), RPC_S_INVALID_RPC_PROTSEQ);

    CHECK_EQ_INT(asidl__endpoint_check(ASIDL_PROTSEQ_TCP, "135"), RPC_S_OK);
    CHECK_EQ_INT(asidl__endpoint_check(ASIDL_PROTSEQ_TCP, "65535"), RPC_S_OK);
    CHECK_EQ_INT(asidl__endpoint_check(ASIDL_PROTSEQ_TCP, ""), RPC_S_OK);
    CHECK_EQ_INT(asidl__endpoint_check(ASIDL_PROTSEQ_TCP, "65536"), RPC_S_INVALID_ENDPOINT_FORMAT);
    CHECK_EQ_INT(asidl__endpoint_check(ASIDL_PROTSEQ_TCP, "-1"), RPC_S_INVALID_ENDPOINT_FORMAT);
    CHECK_EQ_INT(asidl__endpoint_check(ASIDL_PROTSEQ_TCP, "12a"), RPC_S_INVALID_ENDPOINT_FORMAT);
    CHECK_EQ_INT(asidl__endpoint_check(ASIDL_PROTSEQ_TCP, "999999"), RPC_S_INVALID_ENDPOINT_FORMAT);
    CHECK_EQ_INT(asidl__endpoint_check(ASIDL_PROTSEQ_LRPC, "my_service"), RPC_S_OK);
    CHECK_EQ_INT(asidl__endpoint_check(ASIDL_PROTSEQ_LRPC, "x/y"), RPC_S_INVALID_ENDPOINT_FORMAT);

    CHECK_EQ_INT(asidl__netaddr_check(ASIDL_PROTSEQ_TCP, "fe80::1%lo"), RPC_S_OK);
    CHECK_EQ_INT(asidl__netaddr_check(ASIDL_PROTSEQ_TCP, "host.example.com"), RPC_S_OK);
    CHECK_EQ_INT(asidl__netaddr_check(ASIDL_PROTSEQ_TCP, "a b"), RPC_S_INVALID_NET_ADDR);
    CHECK_EQ_INT(asidl__netaddr_check(ASIDL_PROTSEQ_TCP, "x;rm"), RPC_S_INVALID_NET_ADDR);
    CHECK_EQ_INT(asidl__netaddr_check(ASIDL_PROTSEQ_LRPC, ""), RPC_S_OK);
    CHECK_EQ_INT(asidl__netaddr_check(ASIDL_PROTSEQ_LRPC, "localhost"), RPC_S_OK);
    CHECK_EQ_INT(asidl__netaddr_check(ASIDL_PROTSEQ_LRPC, "192.0.2.1"), RPC_S_INVALID_NET_ADDR);
}

/* The search without ASIDL_RUNTIME_DIR, run as an unprivileged user (the test runs as root in
 * CI, where /run is writable; a child drops to `nobody` to see the other branches). */
static int search_as_nobody(const char *xdg, char *chosen, size_t size)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        if (setgid(65534) != 0 || setuid(65534) != 0)
            _exit(2);
        unsetenv("ASIDL_RUNTIME_DIR");
        if (xdg)
            setenv("XDG_RUNTIME_DIR", xdg, 1);
        else
            unsetenv("XDG_RUNTIME_DIR");
        char dir[PATH_MAX];
        if (asidl__rtdir_for_server(dir, sizeof dir) != RPC_S_OK)
            _exit(3);
        if (write(fds[1], dir, strlen(dir)) < 0)
            _exit(4);
        _exit(0);
    }
    close(fds[1]);
    ssize_t n = read(fds[0], chosen, size - 1);
    chosen[n > 0 ? n : 0] = 0;
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(runtime_directory_search_order)
{
    if (getuid() != 0) {
        printf("#   skipped: switching to another user needs root\n");
        return;
    }
    char xdg[sizeof rtdir + 8], chosen[PATH_MAX], expected[sizeof xdg + 8];
    snprintf(xdg, sizeof xdg, "%s/xdg", rtdir);
    mkdir(xdg, 0777);
    chmod(xdg, 0777);
    /* /run is not writable for nobody: $XDG_RUNTIME_DIR/asidl is next. */
    if (access("/run/asidl", F_OK) != 0) {
        CHECK_EQ_INT(search_as_nobody(xdg, chosen, sizeof chosen), 0);
        snprintf(expected, sizeof expected, "%s/asidl", xdg);
        CHECK(strcmp(chosen, expected) == 0);
    }
    /* Without XDG_RUNTIME_DIR: a private /tmp/asidl-$UID. */
    CHECK_EQ_INT(search_as_nobody(NULL, chosen, sizeof chosen), 0);
    CHECK(strcmp(chosen, "/tmp/asidl-65534") == 0);
    struct stat st;
    CHECK(stat("/tmp/asidl-65534", &st) == 0 && st.st_uid == 65534 && (st.st_mode & 0777) == 0700);
    rmdir("/tmp/asidl-65534");
    /* A /tmp/asidl-$UID that someone else owns is not used. */
    mkdir("/tmp/asidl-65534", 0700);
    CHECK_EQ_INT(search_as_nobody(NULL, chosen, sizeof chosen), 3);
    rmdir("/tmp/asidl-65534");
    snprintf(expected, sizeof expected, "%s/asidl", xdg);
    rmdir(expected);
    rmdir(xdg);
}

int main(void)
{
    snprintf(rtdir, sizeof rtdir, "/tmp/asidl-test-XXXXXX");
    if (!mkdtemp(rtdir))
        return 1;
    chmod(rtdir, 0711);          /* the search test's unprivileged child passes through it */
    setenv("ASIDL_RUNTIME_DIR", rtdir, 1);

    RUN(tcp_over_ipv4_loopback_with_a_dynamic_port);
    RUN(tcp_over_ipv6_loopback_with_a_dynamic_port);
    RUN(a_listener_on_all_interfaces_serves_ipv4_and_ipv6);
    RUN(tcp_failures_map_to_rpc_status_codes);
    RUN(sending_to_a_closed_peer_fails_without_sigpipe);
    RUN(ncalrpc_named_endpoint_round_trip);
    RUN(ncalrpc_dynamic_endpoints_get_unique_names);
    RUN(a_stale_ncalrpc_socket_file_is_reclaimed);
    RUN(bad_ncalrpc_endpoint_names_are_refused);
    RUN(protocol_sequences_endpoints_and_addresses_are_validated);
    RUN(runtime_directory_search_order);
    rmdir(rtdir);
    return test_exit();
}
