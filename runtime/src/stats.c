/*
 * stats.c: the process's RPC statistics (RpcMgmtInqStats): calls received and made, PDUs received
 * and sent, counted where they happen (the dispatcher, the client call start, the PDU trace point
 * every sent and received buffer passes).
 */
#include <stdlib.h>

#include "rpcrt.h"

static unsigned long counters[4];

void asidl__stats_add(int which, unsigned long n)
{
    __atomic_add_fetch(&counters[which], n, __ATOMIC_RELAXED);
}

/* Statistics of this process (a binding to another server: remote management is not offered). */
RPC_STATUS RPC_ENTRY RpcMgmtInqStats(RPC_BINDING_HANDLE Binding, RPC_STATS_VECTOR **Statistics)
{
    if (!Statistics)
        return RPC_S_INVALID_ARG;
    *Statistics = NULL;
    if (Binding)
        return asidl__binding_from(Binding) ? RPC_S_CANNOT_SUPPORT : RPC_S_INVALID_BINDING;
    RPC_STATS_VECTOR *v = malloc(sizeof *v + 3 * sizeof v->Stats[0]);
    if (!v)
        return RPC_S_OUT_OF_MEMORY;
    v->Count = 4;
    for (int i = 0; i < 4; i++)
        v->Stats[i] = __atomic_load_n(&counters[i], __ATOMIC_RELAXED);
    *Statistics = v;
    return RPC_S_OK;
}

RPC_STATUS RPC_ENTRY RpcMgmtStatsVectorFree(RPC_STATS_VECTOR **StatsVector)
{
    if (!StatsVector)
        return RPC_S_INVALID_ARG;
    free(*StatsVector);
    *StatsVector = NULL;
    return RPC_S_OK;
}
