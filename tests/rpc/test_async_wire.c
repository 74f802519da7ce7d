/*
 * Asynchronous RPC seen from outside: an asidl server whose [async] manager (Hold, from
 * async_wire.idl/.acf) keeps every call, driven by impacket with raw PDUs
 * (tests/interop/impacket_async_wire.py), which checks the answers on the wire and, at the
 * end, the whole capture with tshark.
 *
 * The script decides how each held call ends.  It writes commands on its standard output as
 * lines "@ verb args" and reads one answer line for each on its standard input; every other
 * line it prints (TAP results, "#" details) is passed on.
 *
 *   @ wait TAG...            every TAG is held (within 5 s)             ok | timeout
 *   @ testcancel TAG         RpcServerTestCancel(RpcAsyncGetCallHandle)  status N
 *   @ waitcancel TAG         the RpcNotificationCallCancel event fired    ok | timeout
 *   @ waitdisconnect TAG     the RpcNotificationClientDisconnect event    ok | timeout
 *   @ complete TAG...        out values written, RpcAsyncCompleteCall     status N...
 *   @ complete-parallel TAG...  the same, each from a thread of its own, all at once
 *   @ abort TAG CODE         RpcAsyncAbortCall(pAsync, CODE)              status N
 *
 * Everything the server does to a held call happens on this program's threads, not on the
 * worker that ran the manager: that is the asynchronous model (complete later, from any
 * thread).  Synchronisation is by events and the script's own barriers, never by sleeping.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rpc.h>
#include <windows.h>

#include "async_wire.h"
#include "rpcrt.h"

extern char **environ;

#define PYTHON "/usr/bin/python3"
#define WAIT_MS 5000

/* ==================================================================== the held calls */

typedef struct held_call {
    PRPC_ASYNC_STATE async;
    long tag, n;
    long *values, *counter;
    hyper *stamp;
    HANDLE cancelled;                  /* signalled by RpcNotificationCallCancel */
    HANDLE disconnected;               /* signalled by RpcNotificationClientDisconnect */
} held_call;

#define MAX_HELD 64

static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t held_changed = PTHREAD_COND_INITIALIZER;
static held_call held[MAX_HELD];
static int n_held;

static void close_events(held_call *c)
{
    if (c->cancelled)
        CloseHandle(c->cancelled);
    if (c->disconnected)
        CloseHandle(c->disconnected);
}

/* Asks to be told of the client's cancel and disconnect, as a real server would. */
static RPC_STATUS subscribe(held_call *c)
{
    RPC_BINDING_HANDLE call = RpcAsyncGetCallHandle(c->async);
    c->cancelled = CreateEventA(NULL, TRUE, FALSE, NULL);
    c->disconnected = CreateEventA(NULL, TRUE, FALSE, NULL);
    if (!c->cancelled || !c->disconnected)
        return RPC_S_OUT_OF_MEMORY;
    RPC_ASYNC_NOTIFICATION_INFO info = { .hEvent = c->cancelled };
    RPC_STATUS st = RpcServerSubscribeForNotification(call, RpcNotificationCallCancel, RpcNotificationTypeEvent, &info);
    if (st != RPC_S_OK)
        return st;
    info.hEvent = c->disconnected;
    return RpcServerSubscribeForNotification(call, RpcNotificationClientDisconnect, RpcNotificationTypeEvent, &info);
}

void Hold(PRPC_ASYNC_STATE pAsync, handle_t h, long tag, long n, long *values, long *counter, hyper *stamp)
{
    (void)h;
    held_call c = { pAsync, tag, n, values, counter, stamp, NULL, NULL };
    RPC_STATUS st = subscribe(&c);
    pthread_mutex_lock(&held_lock);
    if (st == RPC_S_OK && n_held == MAX_HELD)
        st = RPC_S_SERVER_TOO_BUSY;
    if (st == RPC_S_OK) {
        held[n_held++] = c;
        pthread_cond_broadcast(&held_changed);
    }
    pthread_mutex_unlock(&held_lock);
    if (st != RPC_S_OK) {
        /* The script sees this fault instead of the answer it waits for. */
        RpcAsyncAbortCall(pAsync, st);
        close_events(&c);
    }
}

long Ping(handle_t h, long v)
{
    (void)h;
    return v + 1;
}

static held_call *find_locked(long tag)
{
    for (int i = 0; i < n_held; i++)
        if (held[i].tag == tag)
            return &held[i];
    return NULL;
}

/* A copy of the held call with this tag, waiting up to WAIT_MS for it to arrive. */
static bool lookup(long tag, held_call *out)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += WAIT_MS / 1000;
    pthread_mutex_lock(&held_lock);
    held_call *c;
    while (!(c = find_locked(tag)))
        if (pthread_cond_timedwait(&held_changed, &held_lock, &deadline) != 0)
            break;
    if (c)
        *out = *c;
    pthread_mutex_unlock(&held_lock);
    return c != NULL;
}

/* Takes the call off the table: whoever took it ends it. */
static bool take(long tag, held_call *out)
{
    if (!lookup(tag, out))
        return false;
    pthread_mutex_lock(&held_lock);
    held_call *c = find_locked(tag);
    if (c)
        *c = held[--n_held];
    pthread_mutex_unlock(&held_lock);
    return c != NULL;
}

static bool first_held(long *tag)
{
    pthread_mutex_lock(&held_lock);
    bool any = n_held > 0;
    if (any)
        *tag = held[0].tag;
    pthread_mutex_unlock(&held_lock);
    return any;
}

/* ==================================================================== the commands */

static long parse_long(const char *s, bool *ok)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 0);
    if (end == s || *end || errno)
        *ok = false;
    return v;
}

static RPC_STATUS complete_held(long tag)
{
    held_call c;
    if (!take(tag, &c))
        return RPC_S_NO_CALL_ACTIVE;
    for (long i = 0; i < c.n; i++)
        c.values[i] = c.tag * 100 + i;
    *c.counter += c.tag;
    *c.stamp = (hyper)c.tag << 40 | c.n;
    long ret = -c.tag;
    RPC_STATUS st = RpcAsyncCompleteCall(c.async, &ret);
    close_events(&c);
    return st;
}

/* Completes several held calls at once, each from a thread of its own, all let go together. */
typedef struct racer {
    pthread_t thread;
    HANDLE go;
    long tag;
    RPC_STATUS status;
    bool started;
} racer;

static void *race_complete(void *p)
{
    racer *r = p;
    WaitForSingleObject(r->go, INFINITE);
    r->status = complete_held(r->tag);
    return NULL;
}

static void complete_in_parallel(const long *tags, int n, FILE *out)
{
    racer r[16];
    HANDLE go = CreateEventA(NULL, TRUE, FALSE, NULL);
    for (int i = 0; i < n; i++) {
        r[i] = (racer){ .go = go, .tag = tags[i] };
        r[i].started = go && pthread_create(&r[i].thread, NULL, race_complete, &r[i]) == 0;
    }
    if (go)
        SetEvent(go);
    fprintf(out, "status");
    for (int i = 0; i < n; i++) {
        if (r[i].started)
            pthread_join(r[i].thread, NULL);
        else
            r[i].status = complete_held(r[i].tag);    /* no thread: completed here, late */
        fprintf(out, " %ld", (long)r[i].status);
    }
    fprintf(out, "\n");
    if (go)
        CloseHandle(go);
}

static RPC_STATUS abort_held(long tag, unsigned long code)
{
    held_call c;
    if (!lookup(tag, &c))
        return RPC_S_NO_CALL_ACTIVE;
    RPC_STATUS st = RpcAsyncAbortCall(c.async, code);
    if (st == RPC_S_INVALID_ARG)
        return st;                     /* refused (code 0): the call goes on, still held */
    if (take(tag, &c))
        close_events(&c);
    return st;
}

static const char *wait_event(long tag, bool cancel)
{
    held_call c;
    if (!lookup(tag, &c))
        return "timeout";
    return WaitForSingleObject(cancel ? c.cancelled : c.disconnected, WAIT_MS) == WAIT_OBJECT_0 ? "ok" : "timeout";
}

/* Runs one command line (without the "@ "); writes the answer line to `out`. */
static void run_command(char *line, FILE *out)
{
    char *words[16];
    int n = 0;
    for (char *w = strtok(line, " \t\r\n"); w && n < 16; w = strtok(NULL, " \t\r\n"))
        words[n++] = w;
    bool ok = n >= 2;
    long args[16] = { 0 };
    for (int i = 1; i < n; i++)
        args[i] = parse_long(words[i], &ok);
    if (!ok) {
        fprintf(out, "error bad command\n");
    } else if (!strcmp(words[0], "wait")) {
        held_call c;
        bool all = true;
        for (int i = 1; i < n && all; i++)
            all = lookup(args[i], &c);
        fprintf(out, all ? "ok\n" : "timeout\n");
    } else if (!strcmp(words[0], "testcancel") && n == 2) {
        held_call c;
        RPC_STATUS st = lookup(args[1], &c) ? RpcServerTestCancel(RpcAsyncGetCallHandle(c.async)) : RPC_S_NO_CALL_ACTIVE;
        fprintf(out, "status %ld\n", (long)st);
    } else if (!strcmp(words[0], "waitcancel") && n == 2) {
        fprintf(out, "%s\n", wait_event(args[1], true));
    } else if (!strcmp(words[0], "waitdisconnect") && n == 2) {
        fprintf(out, "%s\n", wait_event(args[1], false));
    } else if (!strcmp(words[0], "complete")) {
        fprintf(out, "status");
        for (int i = 1; i < n; i++)
            fprintf(out, " %ld", (long)complete_held(args[i]));
        fprintf(out, "\n");
    } else if (!strcmp(words[0], "complete-parallel")) {
        complete_in_parallel(args + 1, n - 1, out);
    } else if (!strcmp(words[0], "abort") && n == 3) {
        fprintf(out, "status %ld\n", (long)abort_held(args[1], (unsigned long)args[2]));
    } else {
        fprintf(out, "error unknown command\n");
    }
    fflush(out);
}

/* ==================================================================== main */

static bool start_server(char *port, size_t size)
{
    if (RpcServerUseProtseqA((RPC_CSTR) "ncacn_ip_tcp", RPC_C_PROTSEQ_MAX_REQS_DEFAULT, NULL) != RPC_S_OK ||
        RpcServerRegisterIf(awire_v1_0_s_ifspec, NULL, NULL) != RPC_S_OK ||
        RpcServerListen(1, RPC_C_LISTEN_MAX_CALLS_DEFAULT, 1) != RPC_S_OK)
        return false;
    RPC_BINDING_VECTOR *v = NULL;
    if (RpcServerInqBindings(&v) != RPC_S_OK || !v || !v->Count)
        return false;
    snprintf(port, size, "%s", asidl__binding_from(v->BindingH[0])->endpoint);
    RpcBindingVectorFree(&v);
    return true;
}

/* Starts the script in tests/interop with its stdin and stdout (and stderr) on pipes. */
static pid_t start_script(const char *port, const char *pcap, FILE **from, FILE **to)
{
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0)
        return -1;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&fa, from_child[1], 1);
    posix_spawn_file_actions_adddup2(&fa, from_child[1], 2);
    posix_spawn_file_actions_addclose(&fa, to_child[1]);
    posix_spawn_file_actions_addclose(&fa, from_child[0]);
    posix_spawn_file_actions_addchdir_np(&fa, "tests/interop");
    char *argv[] = { PYTHON, "impacket_async_wire.py", (char *)port, (char *)pcap, NULL };
    pid_t pid;
    int r = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(to_child[0]);
    close(from_child[1]);
    if (r != 0) {
        close(to_child[1]);
        close(from_child[0]);
        return -1;
    }
    *from = fdopen(from_child[0], "r");
    *to = fdopen(to_child[1], "w");
    return pid;
}

int main(void)
{
    if (access(PYTHON, X_OK) != 0) {
        printf("ok - impacket_async_wire # SKIP %s is not installed\n", PYTHON);
        return 0;
    }
    signal(SIGPIPE, SIG_IGN);          /* a script that died mid-command is reported, not fatal */
    char port[32];
    if (!start_server(port, sizeof port)) {
        printf("not ok - server_starts\n");
        return 1;
    }
    char dir[] = "/tmp/asidl-async-wire-XXXXXX";
    if (!mkdtemp(dir)) {
        printf("not ok - capture_directory\n");
        return 1;
    }
    char pcap[64];
    snprintf(pcap, sizeof pcap, "%s/run.pcap", dir);
    FILE *from = NULL, *to = NULL;
    pid_t pid = start_script(port, pcap, &from, &to);
    if (pid < 0 || !from || !to) {
        printf("not ok - impacket_async_wire_script_starts\n");
        return 1;
    }

    int results = 0;
    char line[4096];
    while (fgets(line, sizeof line, from)) {
        if (!strncmp(line, "@ ", 2)) {
            run_command(line + 2, to);
            continue;
        }
        if (!strncmp(line, "ok", 2) || !strncmp(line, "not ok", 6))
            results++;
        if (line[0] == '#' || !strncmp(line, "ok", 2) || !strncmp(line, "not ok", 6))
            fputs(line, stdout);
        else
            printf("#   %s", line);
        fflush(stdout);
    }
    fclose(from);
    fclose(to);
    int status = -1;
    waitpid(pid, &status, 0);
    bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!results)
        printf("not ok - impacket_async_wire_script_ran\n");

    /* Every call the script started, it ended: nothing may be left held. */
    int left = 0;
    held_call c;
    for (long tag; first_held(&tag) && take(tag, &c);) {
        RpcAsyncAbortCall(c.async, RPC_S_CALL_FAILED);
        close_events(&c);
        left++;
    }
    printf("%s - every_held_call_was_ended_by_the_script\n", left ? "not ok" : "ok");
    if (left)
        printf("#   %d call(s) left held\n", left);

    if (!clean || left)
        printf("# capture kept in %s\n", pcap);
    else if ((unlink(pcap) != 0 && errno != ENOENT) || rmdir(dir) != 0)
        printf("# could not remove %s\n", dir);
    RpcMgmtStopServerListening(NULL);
    asidl__rpc_server_reset();
    asidl__rt_shutdown();
    return clean && results && !left ? 0 : 1;
}
