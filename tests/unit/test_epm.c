/*
 * The endpoint mapper: protocol towers (encoding checked byte for byte by impacket, decoding fed
 * truncated and corrupted towers), servers registering dynamic endpoints (RpcEpRegister,
 * RpcEpRegisterNoReplace, RpcEpUnregister), clients finding them (bindings without endpoint,
 * RpcEpResolveBinding, object UUIDs), entries leaving with the association that made them,
 * impacket's epm client against the mapper, and the asidl-epmd program.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "calc_server.h"
#include "rpcrt.h"
#include "asidl_rpc.h"
#include "test.h"

extern char **environ;

static char mapper_port[32], tcp_port[32], lrpc_name[128];
static RPC_BINDING_VECTOR *bindings;

static RPC_BINDING_HANDLE bind_text(const char *text)
{
    RPC_BINDING_HANDLE h = NULL;
    RpcBindingFromStringBindingA((RPC_CSTR)text, &h);
    return h;
}

static const asidl__syntax_id calc_syntax = { CALC_UUID, ASIDL_SYNTAX_VERSION(1, 0) };
static const asidl__syntax_id peek_syntax = { PEEK_UUID, ASIDL_SYNTAX_VERSION(2, 1) };

TEST(towers_encode_and_decode)
{
    asidl__tower t;
    memset(&t, 0, sizeof t);
    t.iface = calc_syntax;
    t.transfer = asidl__ndr20_syntax;
    t.rpc_protocol = ASIDL_EPM_PROT_RPC_CO;
    t.transport = ASIDL_EPM_PROT_TCP;
    strcpy(t.endpoint, "4660");
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__tower_encode(&b, &t);
    /* floor count 5; floor 4: TCP, port 0x1234 big-endian; floor 5: IPv4 0.0.0.0 */
    CHECK_EQ_INT(b.len, 2 + 25 + 25 + 7 + 7 + 9);
    static const uint8_t floor4[] = { 1, 0, 0x07, 2, 0, 0x12, 0x34 };
    CHECK(b.len >= 66 && memcmp(b.data + 2 + 25 + 25 + 7, floor4, sizeof floor4) == 0);
    CHECK(b.data[0] == 5 && b.data[2] == 19 && b.data[4] == 0x0d);
    asidl__tower back;
    CHECK_EQ_INT(asidl__tower_decode(b.data, b.len, &back), RPC_S_OK);
    CHECK(asidl__syntax_equal(&back.iface, &calc_syntax));
    CHECK(asidl__syntax_equal(&back.transfer, &asidl__ndr20_syntax));
    CHECK_EQ_INT(asidl__tower_protseq(&back), ASIDL_PROTSEQ_TCP);
    CHECK(strcmp(back.endpoint, "4660") == 0 && back.has_host);
    /* every truncation is refused, never read past */
    for (size_t n = 0; n < b.len; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, b.data, n);
        CHECK(asidl__tower_decode(copy, n, &back) != RPC_S_OK || n >= 2 + 25 + 25 + 7 + 7);
        free(copy);
    }
    asidl__buf_free(&b);

    t.transport = ASIDL_EPM_PROT_LRPC;
    strcpy(t.endpoint, "calc-endpoint");
    asidl__buf_init(&b);
    asidl__tower_encode(&b, &t);
    CHECK_EQ_INT(b.data[0], 4);
    CHECK_EQ_INT(asidl__tower_decode(b.data, b.len, &back), RPC_S_OK);
    CHECK(strcmp(back.endpoint, "calc-endpoint") == 0);
    CHECK_EQ_INT(asidl__tower_protseq(&back), ASIDL_PROTSEQ_LRPC);
    b.data[b.len - 1] = 'x';            /* the name loses its NUL */
    CHECK_EQ_INT(asidl__tower_decode(b.data, b.len, &back), EPT_S_INVALID_ENTRY);
    b.data[0] = 9;                      /* more floors than bytes */
    CHECK_EQ_INT(asidl__tower_decode(b.data, b.len, &back), EPT_S_INVALID_ENTRY);
    asidl__buf_free(&b);
}

TEST(bindings_without_endpoint_find_the_registered_one)
{
    CHECK_EQ_INT(RpcEpRegisterA((RPC_IF_HANDLE)&calc_server_if, bindings, NULL, (RPC_CSTR) "asidl calc test"),
                 RPC_S_OK);
    const char *texts[] = { "ncacn_ip_tcp:127.0.0.1", "ncalrpc:" };
    for (int i = 0; i < 2; i++) {
        RPC_BINDING_HANDLE h = bind_text(texts[i]);
        long sum = 0;
        CHECK_EQ_INT(CALL_STATUS(c_Add(h, 20, 22, &sum)), 0);
        CHECK_EQ_INT(sum, 42);
        RPC_CSTR text = NULL;
        RpcBindingToStringBindingA(h, &text);
        char want[256];
        snprintf(want, sizeof want, i == 0 ? "ncacn_ip_tcp:127.0.0.1[%s]" : "ncalrpc:[%s]",
                 i == 0 ? tcp_port : lrpc_name);
        CHECK(text && strcmp((char *)text, want) == 0);
        RpcStringFreeA(&text);
        /* RpcBindingReset forgets the endpoint; the next call finds it again */
        CHECK_EQ_INT(RpcBindingReset(h), RPC_S_OK);
        CHECK_EQ_INT(CALL_STATUS(c_Add(h, 1, 1, &sum)), 0);
        RpcBindingFree(&h);
    }
    /* RpcEpResolveBinding on its own; an interface nobody registered */
    RPC_BINDING_HANDLE h = bind_text("ncacn_ip_tcp:127.0.0.1");
    CHECK_EQ_INT(RpcEpResolveBinding(h, (RPC_IF_HANDLE)&peek_client_if), EPT_S_NOT_REGISTERED);
    CHECK_EQ_INT(RpcEpResolveBinding(h, (RPC_IF_HANDLE)&calc_client_if), RPC_S_OK);
    CHECK(strcmp(asidl__binding_from(h)->endpoint, tcp_port) == 0);
    RpcBindingFree(&h);
    long sum;
    h = bind_text("ncacn_ip_tcp:127.0.0.1");
    CHECK_EQ_INT(CALL_STATUS(c_Add(h, 1, 2, &sum)), 0);
    RpcBindingFree(&h);
}

TEST(objects_select_entries_and_unregistering_removes_them)
{
    UUID obj = { 0x71717171, 0x7272, 0x7373, { 1, 2, 3, 4, 5, 6, 7, 8 } };
    UUID other = { 0x81818181, 0x8282, 0x8383, { 8, 7, 6, 5, 4, 3, 2, 1 } };
    UUID *list[1] = { &obj };
    UUID_VECTOR *uv = malloc(sizeof *uv);
    uv->Count = 1;
    uv->Uuid[0] = list[0];
    CHECK_EQ_INT(RpcEpRegisterW((RPC_IF_HANDLE)&peek_server_if, bindings, uv, L"peek"), RPC_S_OK);
    char ep[128];
    CHECK_EQ_INT(asidl__ep_map(ASIDL_PROTSEQ_TCP, "127.0.0.1", &peek_syntax, &obj, ep, sizeof ep), RPC_S_OK);
    CHECK(strcmp(ep, tcp_port) == 0);
    CHECK_EQ_INT(asidl__ep_map(ASIDL_PROTSEQ_TCP, "127.0.0.1", &peek_syntax, NULL, ep, sizeof ep), EPT_S_NOT_REGISTERED);
    CHECK_EQ_INT(asidl__ep_map(ASIDL_PROTSEQ_TCP, "127.0.0.1", &peek_syntax, &other, ep, sizeof ep),
                 EPT_S_NOT_REGISTERED);
    /* calc was registered without object: any object finds it */
    CHECK_EQ_INT(asidl__ep_map(ASIDL_PROTSEQ_LRPC, "", &calc_syntax, &other, ep, sizeof ep), RPC_S_OK);
    CHECK(strcmp(ep, lrpc_name) == 0);
    /* a binding with an object resolves through it */
    RPC_BINDING_HANDLE h = bind_text("ncacn_ip_tcp:127.0.0.1");
    RpcBindingSetObject(h, &obj);
    CHECK_EQ_INT(RpcEpResolveBinding(h, (RPC_IF_HANDLE)&peek_client_if), RPC_S_OK);
    RpcBindingFree(&h);

    unsigned before = asidl__epm_entry_count();
    /* replace (the default) keeps one entry per interface, object and transport ... */
    CHECK_EQ_INT(RpcEpRegisterW((RPC_IF_HANDLE)&peek_server_if, bindings, uv, L"peek again"), RPC_S_OK);
    CHECK_EQ_INT(asidl__epm_entry_count(), before);
    /* ... NoReplace adds */
    CHECK_EQ_INT(RpcEpRegisterNoReplaceA((RPC_IF_HANDLE)&peek_server_if, bindings, uv, NULL), RPC_S_OK);
    CHECK_EQ_INT(asidl__epm_entry_count(), before + 2);
    CHECK_EQ_INT(RpcEpUnregister((RPC_IF_HANDLE)&peek_server_if, bindings, uv), RPC_S_OK);
    CHECK_EQ_INT(asidl__epm_entry_count(), before - 2);
    CHECK_EQ_INT(asidl__ep_map(ASIDL_PROTSEQ_TCP, "127.0.0.1", &peek_syntax, &obj, ep, sizeof ep), EPT_S_NOT_REGISTERED);
    CHECK_EQ_INT(RpcEpUnregister((RPC_IF_HANDLE)&peek_server_if, bindings, uv), EPT_S_NOT_REGISTERED);
    free(uv);
    /* arguments */
    CHECK_EQ_INT(RpcEpRegisterA(NULL, bindings, NULL, NULL), RPC_S_INVALID_ARG);
    CHECK_EQ_INT(RpcEpRegisterA((RPC_IF_HANDLE)&peek_server_if, NULL, NULL, NULL), RPC_S_NO_BINDINGS);
    RPC_BINDING_VECTOR *no_endpoint = calloc(1, sizeof *no_endpoint);
    no_endpoint->Count = 1;
    no_endpoint->BindingH[0] = bind_text("ncacn_ip_tcp:127.0.0.1");
    CHECK_EQ_INT(RpcEpRegisterA((RPC_IF_HANDLE)&peek_server_if, no_endpoint, NULL, NULL), RPC_S_INVALID_BINDING);
    RpcBindingVectorFree(&no_endpoint);
}

static void run_python(const char *script_args)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s 2>&1", script_args);
    FILE *f = popen(cmd, "r");
    char line[1024];
    int lines = 0;
    while (f && fgets(line, sizeof line, f)) {
        fputs(line, stdout);
        lines++;
    }
    fflush(stdout);
    int status = f ? pclose(f) : -1;
    if (!lines || status != 0)
        printf("not ok - %s (exit %d)\n", script_args, status);
}

static void impacket_epm_client(void)
{
    char args[512];
    snprintf(args, sizeof args, "tests/interop/impacket_epm.py %s 6f2b1c3e-8d4a-4b7e-9c15-3a2e7d9f0b61 1.0 %s %s "
             "'asidl calc test'", mapper_port, tcp_port, lrpc_name);
    run_python(args);
}

TEST(entries_leave_with_the_association_that_registered_them)
{
    /* A second port of the same mapper: registering through it drops this process's
     * association with the first, and with it the entries made through that one. */
    char second[32];
    CHECK_EQ_INT(asidl_epm_serve("0", second, sizeof second), RPC_S_OK);
    CHECK(asidl__epm_entry_count() >= 2);
    setenv("ASIDL_EPMAP_PORT", second, 1);
    CHECK_EQ_INT(RpcEpRegisterA((RPC_IF_HANDLE)&peek_server_if, bindings, NULL, NULL), RPC_S_OK);
    for (int i = 0; i < 200 && asidl__epm_entry_count() != 2; i++)
        sleep_ms(10);
    CHECK_EQ_INT(asidl__epm_entry_count(), 2);      /* peek's two; calc's went */
    char ep[128];
    CHECK_EQ_INT(asidl__ep_map(ASIDL_PROTSEQ_TCP, "127.0.0.1", &calc_syntax, NULL, ep, sizeof ep), EPT_S_NOT_REGISTERED);
    CHECK_EQ_INT(asidl__ep_map(ASIDL_PROTSEQ_TCP, "127.0.0.1", &peek_syntax, NULL, ep, sizeof ep), RPC_S_OK);
    setenv("ASIDL_EPMAP_PORT", mapper_port, 1);
}

TEST(registrations_from_other_machines_are_refused)
{
    /* The mapper accepts ept_insert only from this machine. Every client here is local, so the
     * refusal is seen by making the server take its connections for remote ones. */
    char text[64];
    snprintf(text, sizeof text, "ncacn_ip_tcp:127.0.0.1[%s]", mapper_port);
    RPC_BINDING_HANDLE h = bind_text(text);
    uint32_t n = 0, replace = 1;
    asidl__ept_entry none, *entries = &none;
    error_status_t status = 1, *pstatus = &status;
    void *args[] = { &h, &n, &entries, &replace, &pstatus };
    CHECK_EQ_INT(asidl__client_call_status(&asidl__ept_client_ifspec, asidl__ept_procs[ASIDL_EPT_INSERT], args),
                 RPC_S_OK);
    CHECK_EQ_INT(status, 0);                            /* local: accepted (nothing to insert) */
    asidl__server *s = asidl__rpc_server();
    pthread_mutex_lock(&s->lock);
    for (asidl__sconn *c = s->conns; c; c = c->next)
        c->peer_local = false;                          /* as if every client were remote */
    pthread_mutex_unlock(&s->lock);
    status = 0;
    CHECK_EQ_INT(asidl__client_call_status(&asidl__ept_client_ifspec, asidl__ept_procs[ASIDL_EPT_INSERT], args),
                 RPC_S_OK);
    CHECK_EQ_INT(status, ASIDL_EPT_S_CANT_PERFORM_OP);
    RpcBindingFree(&h);                                 /* the connection goes; new ones are local again */
}

TEST(the_asidl_epmd_program_serves_registrations_and_lookups)
{
    char exe[PATH_MAX], epmd[PATH_MAX + 32];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    CHECK(n > 0);
    exe[n > 0 ? n : 0] = 0;
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = 0;
    snprintf(epmd, sizeof epmd, "%s/../bin/asidl-epmd", exe);
    int out[2];
    CHECK(pipe(out) == 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    char *argv[] = { epmd, "-p", "0", NULL };
    pid_t pid;
    CHECK_EQ_INT(posix_spawn(&pid, epmd, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    FILE *f = fdopen(out[0], "r");
    char line[256] = "";
    CHECK(f && fgets(line, sizeof line, f));
    char port[32] = "";
    CHECK(sscanf(line, "asidl-epmd: listening on port %31s", port) == 1);
    setenv("ASIDL_EPMAP_PORT", port, 1);
    CHECK_EQ_INT(RpcEpRegisterA((RPC_IF_HANDLE)&calc_server_if, bindings, NULL, (RPC_CSTR) "via asidl-epmd"), RPC_S_OK);
    RPC_BINDING_HANDLE h = bind_text("ncalrpc:");
    long sum = 0;
    CHECK_EQ_INT(CALL_STATUS(c_Add(h, 5, 5, &sum)), 0);
    CHECK_EQ_INT(sum, 10);
    RpcBindingFree(&h);
    CHECK_EQ_INT(kill(pid, SIGTERM), 0);
    int status = -1;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (f)
        fclose(f);
    /* a port taken: it says so and fails */
    char *argv2[] = { epmd, "-p", mapper_port, NULL };
    CHECK_EQ_INT(posix_spawn(&pid, epmd, NULL, NULL, argv2, environ), 0);
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    setenv("ASIDL_EPMAP_PORT", mapper_port, 1);
}

int main(void)
{
    CHECK_EQ_INT(asidl_epm_serve("0", mapper_port, sizeof mapper_port), RPC_S_OK);
    setenv("ASIDL_EPMAP_PORT", mapper_port, 1);
    CHECK_EQ_INT(RpcServerUseProtseqA((RPC_CSTR) "ncacn_ip_tcp", 10, NULL), RPC_S_OK);
    CHECK_EQ_INT(RpcServerUseProtseqA((RPC_CSTR) "ncalrpc", 10, NULL), RPC_S_OK);
    CHECK_EQ_INT(RpcServerRegisterIf((RPC_IF_HANDLE)&calc_server_if, NULL, NULL), RPC_S_OK);
    CHECK_EQ_INT(RpcServerRegisterIf((RPC_IF_HANDLE)&peek_server_if, NULL, NULL), RPC_S_OK);
    CHECK_EQ_INT(RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, 1), RPC_S_OK);
    CHECK_EQ_INT(RpcServerInqBindings(&bindings), RPC_S_OK);
    for (unsigned long i = 0; bindings && i < bindings->Count; i++) {
        asidl__binding *b = asidl__binding_from(bindings->BindingH[i]);
        snprintf(b->protseq == ASIDL_PROTSEQ_TCP ? tcp_port : lrpc_name, 128, "%s", b->endpoint);
    }
    RUN(towers_encode_and_decode);
    RUN(bindings_without_endpoint_find_the_registered_one);
    impacket_epm_client();
    RUN(objects_select_entries_and_unregistering_removes_them);
    RUN(entries_leave_with_the_association_that_registered_them);
    RUN(registrations_from_other_machines_are_refused);
    RUN(the_asidl_epmd_program_serves_registrations_and_lookups);
    RpcBindingVectorFree(&bindings);
    RpcMgmtStopServerListening(NULL);
    asidl__rpc_server_reset();
    asidl__rt_shutdown();
    CHECK_EQ_INT(blocks_live(), 0);
    return test_exit();
}
