/*
 * The kvstore server: listens on the protocol sequence and endpoint given (ncacn_ip_tcp and a
 * port, or ncalrpc and a name; without an endpoint it takes a dynamic one and registers it with
 * the endpoint mapper), serves until a client calls Shutdown, and prints what it does.
 *
 *   server ncacn_ip_tcp 5050        server ncalrpc kvstore        server ncacn_ip_tcp
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "kvstore.h"

/* A session: the values a client stored, by name. */
typedef struct entry {
    struct entry *next;
    wchar_t name[KV_MAX_NAME + 1];
    long value;
} entry;

typedef struct session {
    entry *entries;
    int number;
} session;

static int sessions_opened;

static void free_session(session *s)
{
    while (s->entries) {
        entry *e = s->entries;
        s->entries = e->next;
        free(e);
    }
    free(s);
}

long Hello(handle_t binding, const char *who, char **greeting)
{
    RPC_CSTR client = NULL;
    RpcBindingToStringBinding(binding, &client);       /* who is calling, for the log */
    printf("server: Hello from %s (%s)\n", who, client ? (char *)client : "?");
    RpcStringFree(&client);
    size_t n = strlen(who) + 32;
    *greeting = midl_user_allocate(n);                 /* freed by the runtime after the reply */
    if (!*greeting)
        return -1;
    snprintf(*greeting, n, "Hello, %s, from kvstore!", who);
    return 0;
}

long OpenSession(handle_t binding, KV_SESSION *ctx)
{
    (void)binding;
    session *s = calloc(1, sizeof *s);
    if (!s)
        return -1;
    s->number = ++sessions_opened;
    *ctx = s;                                           /* the client gets a context handle */
    printf("server: session %d opened\n", s->number);
    return 0;
}

long Put(KV_SESSION ctx, const wchar_t *name, long value)
{
    session *s = ctx;
    if (wcslen(name) > KV_MAX_NAME)
        return -1;
    for (entry *e = s->entries; e; e = e->next) {
        if (wcscmp(e->name, name) == 0) {
            e->value = value;
            return 0;
        }
    }
    entry *e = calloc(1, sizeof *e);
    if (!e)
        return -1;
    wcscpy(e->name, name);
    e->value = value;
    e->next = s->entries;
    s->entries = e;
    return 0;
}

long Get(KV_SESSION ctx, const wchar_t *name, long *value)
{
    session *s = ctx;
    for (entry *e = s->entries; e; e = e->next) {
        if (wcscmp(e->name, name) == 0) {
            *value = e->value;
            return 0;
        }
    }
    RpcRaiseException(KV_E_NOT_FOUND);                  /* reaches the client as its exception */
}

long Stats(handle_t binding, long n, const long *values, KV_STATS *stats)
{
    (void)binding;
    stats->count = n;
    stats->total = 0;
    for (long i = 0; i < n; i++)
        stats->total += values[i];
    stats->mean = n ? (double)stats->total / (double)n : 0.0;
    return 0;
}

void CloseSession(KV_SESSION *ctx)
{
    session *s = *ctx;
    printf("server: session %d closed\n", s->number);
    free_session(s);
    *ctx = NULL;                                        /* closed: no rundown */
}

/* The runtime calls this for every session a client left open when its association ended. */
void __RPC_USER KV_SESSION_rundown(KV_SESSION ctx)
{
    session *s = ctx;
    printf("server: session %d run down (its client went away)\n", s->number);
    free_session(s);
}

void Shutdown(handle_t binding)
{
    (void)binding;
    printf("server: shutting down\n");
    RpcMgmtStopServerListening(NULL);
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s PROTSEQ [ENDPOINT]\n", argv[0]);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);                 /* one line at a time, also into a pipe */
    RPC_STATUS st;
    if (argc == 3)
        st = RpcServerUseProtseqEp((RPC_CSTR)argv[1], RPC_C_PROTSEQ_MAX_REQS_DEFAULT, (RPC_CSTR)argv[2], NULL);
    else
        st = RpcServerUseProtseq((RPC_CSTR)argv[1], RPC_C_PROTSEQ_MAX_REQS_DEFAULT, NULL);
    if (st == RPC_S_OK)
        st = RpcServerRegisterIf(kvstore_v1_0_s_ifspec, NULL, NULL);
    RPC_BINDING_VECTOR *bindings = NULL;
    if (st == RPC_S_OK)
        st = RpcServerInqBindings(&bindings);
    if (st == RPC_S_OK && argc == 2)                    /* a dynamic endpoint: tell the mapper */
        st = RpcEpRegister(kvstore_v1_0_s_ifspec, bindings, NULL, (RPC_CSTR) "asidl kvstore example");
    for (unsigned long i = 0; st == RPC_S_OK && i < bindings->Count; i++) {
        RPC_CSTR text = NULL;
        RpcBindingToStringBinding(bindings->BindingH[i], &text);
        printf("server: listening on %s\n", (char *)text);
        RpcStringFree(&text);
    }
    RpcBindingVectorFree(&bindings);
    if (st != RPC_S_OK) {
        unsigned char text[DCE_C_ERROR_STRING_LEN];
        DceErrorInqText(st, text);
        fprintf(stderr, "server: %s (%ld)\n", (char *)text, (long)st);
        return 1;
    }
    fflush(stdout);
    st = RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, FALSE);    /* until Shutdown */
    RpcServerUnregisterIf(NULL, NULL, TRUE);
    printf("server: stopped (%ld)\n", (long)st);
    return st == RPC_S_OK ? 0 : 1;
}
