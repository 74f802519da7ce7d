/*
 * impacket as the client of an asidl server built from the stub-level runtime (calc_server.h
 * registered with RpcServerRegisterIf, called through the libffi dispatcher): several types,
 * fragmented requests, pipelined calls, an object UUID, context handles across alter_context,
 * faults (unknown opnum, manager exception, bad stub data). The traffic goes through a
 * recording relay and the capture must decode cleanly in tshark. tests/interop/
 * impacket_calc_client.py makes the calls and prints TAP lines, which this program passes on.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "calc_server.h"
#include "rpcrt.h"

int main(void)
{
    if (RpcServerUseProtseqA((RPC_CSTR) "ncacn_ip_tcp", 10, NULL) != RPC_S_OK ||
        RpcServerRegisterIf((RPC_IF_HANDLE)&calc_server_if, NULL, NULL) != RPC_S_OK ||
        RpcServerRegisterIf((RPC_IF_HANDLE)&peek_server_if, NULL, NULL) != RPC_S_OK ||
        RpcServerListen(2, RPC_C_LISTEN_MAX_CALLS_DEFAULT, 1) != RPC_S_OK) {
        printf("not ok - server_starts\n");
        return 1;
    }
    RPC_BINDING_VECTOR *v = NULL;
    RpcServerInqBindings(&v);
    const char *port = v && v->Count ? asidl__binding_from(v->BindingH[0])->endpoint : "0";
    char dir[] = "/tmp/asidl-capture-XXXXXX";
    if (!mkdtemp(dir)) {
        printf("not ok - capture_directory\n");
        return 1;
    }
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cd tests/interop && /usr/bin/python3 impacket_calc_client.py %s %s/run.pcap 2>&1", port,
             dir);
    FILE *f = popen(cmd, "r");
    int lines = 0;
    char line[2048];
    while (f && fgets(line, sizeof line, f)) {
        fputs(line, stdout);
        fflush(stdout);
        lines++;
    }
    int status = f ? pclose(f) : -1;
    if (lines == 0)
        printf("not ok - impacket_calc_client_ran\n");
    if (status == 0) {
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        if (system(cmd) != 0)
            printf("# could not remove %s\n", dir);
    } else {
        printf("# capture kept in %s/run.pcap\n", dir);
    }
    RpcBindingVectorFree(&v);
    RpcMgmtStopServerListening(NULL);
    asidl__rpc_server_reset();
    asidl__rt_shutdown();
    return status == 0 ? 0 : 1;
}
