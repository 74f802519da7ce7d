/*
 * stub_test.h: what the tests of generated stubs share beyond test.h: the code a stub call
 * raised, and how many threads the process has (the asynchronous tests hold the runtime to
 * "no thread per pending call").
 */
#ifndef ASIDL_STUB_TEST_H
#define ASIDL_STUB_TEST_H

#include <dirent.h>

#include <rpc.h>

/* Runs a stub call; the code it raised, RPC_S_OK if none. */
#define RAISED(call)                                                                 \
    ({                                                                               \
        RPC_STATUS raised_ = RPC_S_OK;                                               \
        RpcTryExcept { call; }                                                       \
        RpcExcept(EXCEPTION_EXECUTE_HANDLER) { raised_ = RpcExceptionCode(); }       \
        RpcEndExcept                                                                 \
        raised_;                                                                     \
    })

/* Threads of this process now, -1 if /proc cannot tell. */
static inline int thread_count(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

#endif
