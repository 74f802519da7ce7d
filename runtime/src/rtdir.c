/*
 * rtdir.c: where ncalrpc endpoints live. An endpoint name maps to a unix-domain socket file in
 * the runtime directory, chosen by the same search on both sides (docs/runtime-design.md, "Transports"):
 *
 *   1. $ASIDL_RUNTIME_DIR, when set (and then only it);
 *   2. /run/asidl, when this user may create sockets there (created if /run allows);
 *   3. $XDG_RUNTIME_DIR/asidl (the per-user directory systemd provides);
 *   4. /tmp/asidl-$UID, created private to the user.
 *
 * A server uses the first usable directory. A client looks for the endpoint in the same
 * order and connects to the first socket it finds, so a client can reach a server of another
 * user in /run/asidl without being able to write there.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rpcrt.h"

enum { MAX_CANDIDATES = 4 };

/* The directories of the search, in order; returns how many. */
static int candidates(char dirs[MAX_CANDIDATES][PATH_MAX])
{
    const char *env = getenv("ASIDL_RUNTIME_DIR");
    if (env && *env) {
        snprintf(dirs[0], PATH_MAX, "%s", env);
        return 1;
    }
    int n = 0;
    snprintf(dirs[n++], PATH_MAX, "/run/asidl");
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (xdg && *xdg)
        snprintf(dirs[n++], PATH_MAX, "%s/asidl", xdg);
    snprintf(dirs[n++], PATH_MAX, "/tmp/asidl-%lu", (unsigned long)getuid());
    return n;
}

/* True if `dir` is a directory this process may create sockets in. /tmp/asidl-$UID must also
 * be this user's own, not a symbolic link another user planted. */
static bool usable(const char *dir, bool private_to_user)
{
    struct stat st;
    if (lstat(dir, &st) != 0) {
        if (errno != ENOENT || mkdir(dir, private_to_user ? 0700 : 0755) != 0)
            return false;
        if (lstat(dir, &st) != 0)
            return false;
    }
    if (!S_ISDIR(st.st_mode))
        return false;
    if (private_to_user && (st.st_uid != getuid() || (st.st_mode & 0077) != 0))
        return false;
    return access(dir, W_OK | X_OK) == 0;
}

RPC_STATUS asidl__rtdir_for_server(char *out, size_t out_size)
{
    char (*d)[PATH_MAX] = malloc(MAX_CANDIDATES * PATH_MAX);
    if (!d)
        return RPC_S_OUT_OF_MEMORY;
    int n = candidates(d);
    bool env = getenv("ASIDL_RUNTIME_DIR") && *getenv("ASIDL_RUNTIME_DIR");
    RPC_STATUS st = RPC_S_CANT_CREATE_ENDPOINT;
    for (int i = 0; i < n; i++) {
        bool private_to_user = !env && strncmp(d[i], "/tmp/", 5) == 0;
        if (usable(d[i], private_to_user) && strlen(d[i]) < out_size) {
            snprintf(out, out_size, "%s", d[i]);
            st = RPC_S_OK;
            break;
        }
    }
    free(d);
    return st;
}

RPC_STATUS asidl__rtdir_socket_path(const char *endpoint, char *path, size_t path_size, bool for_server)
{
    char dir[PATH_MAX];
    if (!for_server) {
        char (*d)[PATH_MAX] = malloc(MAX_CANDIDATES * PATH_MAX);
        if (!d)
            return RPC_S_OUT_OF_MEMORY;
        int n = candidates(d);
        for (int i = 0; i < n; i++) {
            struct stat st;
            int len = snprintf(path, path_size, "%s/%s", d[i], endpoint);
            if (len > 0 && (size_t)len < path_size && stat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
                free(d);
                return RPC_S_OK;
            }
        }
        free(d);
    }
    RPC_STATUS st = asidl__rtdir_for_server(dir, sizeof dir);
    if (st != RPC_S_OK) {
        if (for_server)
            return st;
        snprintf(dir, sizeof dir, "/tmp/asidl-%lu", (unsigned long)getuid());
    }
    int len = snprintf(path, path_size, "%s/%s", dir, endpoint);
    if (len < 0 || (size_t)len >= path_size)
        return RPC_S_INVALID_ENDPOINT_FORMAT;       /* too long for a unix socket address */
    return RPC_S_OK;
}
