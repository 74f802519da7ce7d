/*
 * asidl-epmd: the DCE/RPC endpoint mapper as a program. Servers register their dynamic
 * endpoints with it (RpcEpRegister), clients ask it where an interface listens (bindings without
 * an endpoint, RpcEpResolveBinding), over ncacn_ip_tcp port 135 or the one given. It runs in the
 * foreground until SIGINT or SIGTERM (a service manager's way), and says on standard output
 * which port it listens on.
 *
 *   asidl-epmd [-p PORT]     PORT: default $ASIDL_EPMAP_PORT, else 135; 0 picks a free one
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rpc.h>
#include <asidl_rpc.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: asidl-epmd [-p PORT]\n"
               "Runs the DCE/RPC endpoint mapper on ncacn_ip_tcp port PORT (default: $ASIDL_EPMAP_PORT,\n"
               "else 135; 0 picks a free port) until SIGINT or SIGTERM.\n");
}

int main(int argc, char **argv)
{
    const char *port = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
            port = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    /* The signals are taken by sigwait below, never by a runtime thread: block them before any
     * thread starts (threads inherit the mask). */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    char actual[128];
    RPC_STATUS st = asidl_epm_serve(port, actual, sizeof actual);
    if (st != RPC_S_OK) {
        unsigned char text[DCE_C_ERROR_STRING_LEN];
        DceErrorInqTextA(st, text);
        fprintf(stderr, "asidl-epmd: cannot listen on port %s: %s (%ld)\n", port ? port : "(default)",
                (char *)text, (long)st);
        return 1;
    }
    printf("asidl-epmd: listening on port %s\n", actual);
    fflush(stdout);
    int sig = 0;
    sigwait(&stop, &sig);
    return 0;
}
