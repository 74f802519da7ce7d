/*
 * impacket as the client of an asidl server (the protocol engine's server side with the echo
 * interface of echo_server.h): tests/interop/impacket_client.py makes the calls and prints
 * one TAP line per check, which this program passes on.
 */
#include <stdio.h>

#include "echo_server.h"

int main(void)
{
    char port[32];
    asidl__server *s = echo_server_start(NULL, port, sizeof port);
    if (!s) {
        printf("not ok - server_starts\n");
        return 1;
    }
    char cmd[256];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 tests/interop/impacket_client.py %s 2>&1", port);
    FILE *f = popen(cmd, "r");
    int lines = 0;
    char line[1024];
    while (f && fgets(line, sizeof line, f)) {
        fputs(line, stdout);
        fflush(stdout);
        lines++;
    }
    int status = f ? pclose(f) : -1;
    echo_wait_idle();
    asidl__server_free(s);
    asidl__rt_shutdown();
    if (lines == 0)
        printf("not ok - impacket_client_ran\n");
    return status == 0 ? 0 : 1;
}
