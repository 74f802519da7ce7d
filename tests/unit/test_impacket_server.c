/*
 * asidl's client stubs (asidl_client_call) calling an impacket-based server
 * (tests/interop/impacket_calc_server.py, which fixes impacket's server as oracles.md says):
 * several types, requests and replies in many fragments, an object UUID, context handles and
 * a second interface on the same connection (alter_context), faults, and calls from several
 * threads at once. The traffic goes through the server's recording relay; when this program
 * closes the server's input, the server checks the capture with tshark and prints TAP lines,
 * which this program passes on.
 */
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "calc_iface.h"
#include "rpcrt.h"
#include "test.h"

extern char **environ;

static char binding_text[128];

/* calc_iface.h's descriptors serve both sides and name the server's rundown routine; a client
 * never runs it. */
int calc_rundowns;
void CTX_rundown(void *ctx)
{
    (void)ctx;
}

static RPC_BINDING_HANDLE bind_server(void)
{
    RPC_BINDING_HANDLE h = NULL;
    RpcBindingFromStringBindingA((RPC_CSTR)binding_text, &h);
    return h;
}

TEST(asidl_stubs_call_impacket_with_several_types)
{
    RPC_BINDING_HANDLE h = bind_server();
    long sum = 0;
    CHECK_EQ_INT(c_Add(h, 40, 2, &sum), 0);
    CHECK_EQ_INT(sum, 42);
    CHECK_EQ_INT(c_Add(h, 1000, 1, &sum), 1);
    CHECK(c_Scale(h, 1.5, 2.5f) == 3.75);
    wchar_t *out = NULL;
    c_Echo(h, L"h\u00e9llo \U0001F600!", &out);
    CHECK(out && wcscmp(out, L"!\U0001F600 oll\u00e9h") == 0);
    MIDL_user_free(out);
    long values[4] = { 5, 6, 7, -100 };
    CHECK_EQ_INT(c_Sum(h, 4, values), -82);
    pt a = { -4, 0.25 }, b = { 8, 0.75 };
    pt m = c_Mid(h, a, b);
    CHECK_EQ_INT(m.x, 2);
    CHECK(m.y == 0.5);
    CHECK_EQ_INT(c_Big(h, -5), -4);
    RpcBindingFree(&h);
}

TEST(asidl_requests_and_impacket_replies_in_many_fragments)
{
    RPC_BINDING_HANDLE h = bind_server();
    long n = 50000;
    long *values = malloc(sizeof *values * (size_t)n);
    long expect = 0;
    for (long i = 0; i < n; i++)
        expect += values[i] = i % 7 - 3;
    CHECK_EQ_INT(c_Sum(h, n, values), expect);
    free(values);
    wchar_t *text = malloc(sizeof(wchar_t) * 20001), *out = NULL;
    for (int i = 0; i < 20000; i++)
        text[i] = L'A' + i % 26;
    text[20000] = 0;
    c_Echo(h, text, &out);
    CHECK(out && wcslen(out) == 20000 && out[0] == text[19999] && out[19999] == L'A');
    MIDL_user_free(out);
    free(text);
    RpcBindingFree(&h);
}

TEST(asidl_object_uuid_context_handles_and_alter_context_with_impacket)
{
    RPC_BINDING_HANDLE h = bind_server();
    UUID object = { 0x1a2b3c4d, 0x5e6f, 0x7a8b, { 9, 8, 7, 6, 5, 4, 3, 2 } }, got;
    RpcBindingSetObject(h, &object);
    char *client = NULL;
    c_Whoami(h, &got, &client);
    CHECK(memcmp(&got, &object, sizeof got) == 0);
    CHECK(client && strcmp(client, "impacket") == 0);
    MIDL_user_free(client);
    CTX ctx = NULL;
    CHECK_EQ_INT(c_Open(h, 123, &ctx), 0);
    CHECK(ctx != NULL);
    CHECK_EQ_INT(c_Read(ctx), 123);
    CHECK_EQ_INT(c_PeekLoose(ctx), 123);          /* the second interface: alter_context */
    CTX stale = ctx;
    asidl__cctxh copy = *asidl__cctxh_from(ctx);
    c_Close(&ctx);
    CHECK(ctx == NULL);
    (void)stale;
    /* the closed handle, sent again, is refused by the server */
    uint8_t wire[20] = { 0 };
    memcpy(wire + 4, &copy.uuid, 16);
    asidl__syntax_id calc = { CALC_UUID, ASIDL_SYNTAX_VERSION(1, 0) };
    uint8_t *reply = NULL;
    size_t len = 0;
    CHECK_EQ_INT(asidl__client_call(asidl__binding_from(h), &calc, 10, wire, sizeof wire, &reply, &len),
                 RPC_X_SS_CONTEXT_MISMATCH);
    RpcBindingFree(&h);
}

TEST(impacket_faults_reach_asidl_as_statuses)
{
    RPC_BINDING_HANDLE h = bind_server();
    CHECK_EQ_INT(CALL_STATUS(c_Fail(h, 0x4711)), 0x4711);
    error_status_t comm = 9, fault = 9;
    c_FailStatus(h, 0x4712, &comm, &fault);
    CHECK_EQ_INT(fault, 0x4712);
    asidl__syntax_id calc = { CALC_UUID, ASIDL_SYNTAX_VERSION(1, 0) };
    uint8_t *reply = NULL;
    size_t len = 0;
    CHECK_EQ_INT(asidl__client_call(asidl__binding_from(h), &calc, 30, "", 0, &reply, &len), RPC_S_PROCNUM_OUT_OF_RANGE);
    long sum = 0;
    CHECK_EQ_INT(c_Add(h, 2, 2, &sum), 0);
    RpcBindingFree(&h);
}

static void *adder(void *arg)
{
    RPC_BINDING_HANDLE h = arg;
    long bad = 0;
    for (long i = 0; i < 50; i++) {
        long sum = 0;
        if (c_Add(h, i, i, &sum) != 0 || sum != 2 * i)
            bad++;
    }
    return (void *)bad;
}

TEST(several_threads_share_one_binding_to_impacket)
{
    RPC_BINDING_HANDLE h = bind_server();
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, adder, h);
    for (int i = 0; i < 4; i++) {
        void *bad;
        pthread_join(t[i], &bad);
        CHECK(bad == NULL);
    }
    RpcBindingFree(&h);
}

int main(void)
{
    char dir[] = "/tmp/asidl-capture-XXXXXX";
    if (!mkdtemp(dir)) {
        printf("not ok - capture_directory\n");
        return 1;
    }
    char pcap[128];
    snprintf(pcap, sizeof pcap, "%s/run.pcap", dir);
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0)
        return 1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&fa, from_child[1], 1);
    posix_spawn_file_actions_adddup2(&fa, from_child[1], 2);
    posix_spawn_file_actions_addclose(&fa, to_child[1]);
    posix_spawn_file_actions_addclose(&fa, from_child[0]);
    posix_spawn_file_actions_addchdir_np(&fa, "tests/interop");
    char *argv[] = { "/usr/bin/python3", "impacket_calc_server.py", pcap, NULL };
    pid_t pid;
    if (posix_spawn(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
        printf("not ok - impacket_server_starts\n");
        return 1;
    }
    posix_spawn_file_actions_destroy(&fa);
    close(to_child[0]);
    close(from_child[1]);
    FILE *in = fdopen(from_child[0], "r");
    char line[2048];
    int port = 0;
    while (!port && in && fgets(line, sizeof line, in))
        if (sscanf(line, "port %d", &port) != 1)
            fputs(line, stdout);
    if (!port) {
        printf("not ok - impacket_server_starts\n");
        return 1;
    }
    snprintf(binding_text, sizeof binding_text, "ncacn_ip_tcp:127.0.0.1[%d]", port);
    RUN(asidl_stubs_call_impacket_with_several_types);
    RUN(asidl_requests_and_impacket_replies_in_many_fragments);
    RUN(asidl_object_uuid_context_handles_and_alter_context_with_impacket);
    RUN(impacket_faults_reach_asidl_as_statuses);
    RUN(several_threads_share_one_binding_to_impacket);
    close(to_child[1]);                 /* the server stops and checks the capture */
    while (fgets(line, sizeof line, in))
        fputs(line, stdout);
    fclose(in);
    int status = -1;
    waitpid(pid, &status, 0);
    bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!clean)
        printf("# capture kept in %s\n", pcap);
    else if (unlink(pcap) != 0 || rmdir(dir) != 0)
        printf("# could not remove %s\n", dir);
    asidl__rt_shutdown();
    return test_exit() || !clean;
}
