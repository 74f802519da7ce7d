/*
 * rpc_server.c: the process's RPC server as Microsoft's API presents it: protocol sequences
 * and endpoints (RpcServerUseProtseq*), interface registration with manager EPVs, manager
 * types, security callbacks and limits (RpcServerRegisterIf*), listening (RpcServerListen,
 * RpcMgmtStopServerListening, RpcMgmtWaitServerListen), and the inquiries on them.
 *
 * One server per process, made on first use, on top of the protocol engine (server.c). An
 * interface takes calls while the server listens, or at once when registered with
 * RPC_IF_AUTOLISTEN; otherwise the engine does not know it and a client's bind to it is
 * rejected. Sockets open at RpcServerUseProtseq* (so endpoints are known before listening).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rpcrt.h"
#include "asidl_stub.h"
#include "asidl_rpc.h"
#include "rpcndr.h"

typedef struct endpoint_rec {
    struct endpoint_rec *next;
    asidl__protseq protseq;
    char endpoint[128];
    bool dynamic;
} endpoint_rec;

typedef struct object_type {
    struct object_type *next;
    asidl__uuid object, type;
} object_type;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t changed;           /* listening state or calls in progress changed */
    asidl__server *srv;
    asidl__rif *ifs;
    endpoint_rec *endpoints;
    bool listening;
    unsigned blocked_listeners;       /* threads inside RpcServerListen(DontWait = FALSE) */
    unsigned long listen_epoch;       /* incremented by every stop */
    unsigned call_waiters;            /* atomic: threads waiting for admitted calls to end */
    object_type *objects;
    RPC_OBJECT_INQ_FN *inq_fn;
} g = { .lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER };

static const asidl__uuid nil_uuid;

static bool is_nil(const asidl__uuid *u)
{
    return !u || memcmp(u, &nil_uuid, sizeof nil_uuid) == 0;
}

/* A client association ended: its context handles run down, its mapper entries go. */
static void group_ended(asidl__server *s, uint32_t group, void *ctx)
{
    asidl__sctx_group_ended(s, group, ctx);
    asidl__epm_group_ended(group);
}

/* g.lock held. */
static asidl__server *server_locked(void)
{
    if (!g.srv) {
        g.srv = asidl__server_new(NULL);
        if (g.srv)
            g.srv->group_ended = group_ended;
    }
    return g.srv;
}

asidl__server *asidl__rpc_server(void)
{
    pthread_mutex_lock(&g.lock);
    asidl__server *s = server_locked();
    pthread_mutex_unlock(&g.lock);
    return s;
}

/* Worker threads for listening: the minimum asked for, at least one per CPU. */
static RPC_STATUS start_workers(unsigned minimum)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned n = cpus > 0 ? (unsigned)cpus : 1;
    if (n > 64)
        n = 64;
    if (minimum > n)
        n = minimum > 1024 ? 1024 : minimum;
    return asidl__server_start(g.srv, n < 2 ? 2 : n);
}

/* ==================================================================== endpoints */

static bool has_endpoint_locked(asidl__protseq p, const char *endpoint, bool dynamic)
{
    for (endpoint_rec *e = g.endpoints; e; e = e->next)
        if (e->protseq == p && (dynamic ? e->dynamic : !e->dynamic && strcmp(e->endpoint, endpoint) == 0))
            return true;
    return false;
}

/* Opens one endpoint (NULL: a dynamic one) unless this process already has it. */
static RPC_STATUS use_endpoint(const char *protseq, const char *endpoint)
{
    asidl__protseq p;
    RPC_STATUS st = asidl__protseq_lookup(protseq, &p);
    if (st != RPC_S_OK)
        return st;
    bool dynamic = !endpoint || !*endpoint;
    if (!dynamic && (st = asidl__endpoint_check(p, endpoint)) != RPC_S_OK)
        return st;
    pthread_mutex_lock(&g.lock);
    asidl__server *s = server_locked();
    if (!s) {
        pthread_mutex_unlock(&g.lock);
        return RPC_S_OUT_OF_RESOURCES;
    }
    if (has_endpoint_locked(p, endpoint, dynamic)) {
        pthread_mutex_unlock(&g.lock);
        return RPC_S_OK;            /* asked again for the same endpoint: nothing to do */
    }
    endpoint_rec *e = calloc(1, sizeof *e);
    if (!e) {
        pthread_mutex_unlock(&g.lock);
        return RPC_S_OUT_OF_MEMORY;
    }
    e->protseq = p;
    e->dynamic = dynamic;
    /* Connections are answered from now on (a bind to an interface that is not served yet is
     * rejected at once rather than left waiting for RpcServerListen). */
    st = start_workers(1);
    if (st == RPC_S_OK)
        st = asidl__server_listen(s, p, NULL, dynamic ? NULL : endpoint, e->endpoint, sizeof e->endpoint);
    if (st != RPC_S_OK) {
        free(e);
    } else {
        e->next = g.endpoints;
        g.endpoints = e;
    }
    pthread_mutex_unlock(&g.lock);
    return st;
}

RPC_STATUS RPC_ENTRY RpcServerUseProtseqEpA(RPC_CSTR Protseq, unsigned int MaxCalls, RPC_CSTR Endpoint,
                                           void *SecurityDescriptor)
{
    (void)MaxCalls, (void)SecurityDescriptor;
    if (!Protseq)
        return RPC_S_INVALID_RPC_PROTSEQ;
    if (!Endpoint || !*Endpoint)
        return RPC_S_INVALID_ENDPOINT_FORMAT;
    return use_endpoint((const char *)Protseq, (const char *)Endpoint);
}

RPC_STATUS RPC_ENTRY RpcServerUseProtseqA(RPC_CSTR Protseq, unsigned int MaxCalls, void *SecurityDescriptor)
{
    (void)MaxCalls, (void)SecurityDescriptor;
    if (!Protseq)
        return RPC_S_INVALID_RPC_PROTSEQ;
    return use_endpoint((const char *)Protseq, NULL);
}

RPC_STATUS RPC_ENTRY RpcServerUseAllProtseqs(unsigned int MaxCalls, void *SecurityDescriptor)
{
    RPC_STATUS st = RpcServerUseProtseqA((RPC_CSTR)"ncacn_ip_tcp", MaxCalls, SecurityDescriptor);
    if (st == RPC_S_OK)
        st = RpcServerUseProtseqA((RPC_CSTR)"ncalrpc", MaxCalls, SecurityDescriptor);
    return st;
}

/* The interface's [endpoint("protseq:[endpoint]", ...)] entries for one protocol sequence
 * (every one when protseq is NULL). */
static RPC_STATUS use_interface_endpoints(const char *protseq, RPC_IF_HANDLE IfSpec)
{
    const asidl_interface *itf = asidl__interface_from(IfSpec);
    if (!itf)
        return RPC_S_INVALID_ARG;
    bool found = false;
    for (const char *const *ep = itf->endpoints; ep && *ep; ep++) {
        asidl__strbind sb;
        if (asidl__strbind_parse(*ep, &sb) != RPC_S_OK)
            continue;
        RPC_STATUS st = RPC_S_OK;
        if (!protseq || strcmp(sb.protseq, protseq) == 0) {
            found = true;
            st = use_endpoint(sb.protseq, sb.endpoint);
        }
        asidl__strbind_free(&sb);
        if (st != RPC_S_OK)
            return st;
    }
    return found ? RPC_S_OK : RPC_S_PROTSEQ_NOT_FOUND;
}

RPC_STATUS RPC_ENTRY RpcServerUseProtseqIfA(RPC_CSTR Protseq, unsigned int MaxCalls, RPC_IF_HANDLE IfSpec,
                                           void *SecurityDescriptor)
{
    (void)MaxCalls, (void)SecurityDescriptor;
    if (!Protseq)
        return RPC_S_INVALID_RPC_PROTSEQ;
    asidl__protseq p;
    RPC_STATUS st = asidl__protseq_lookup((const char *)Protseq, &p);
    return st != RPC_S_OK ? st : use_interface_endpoints((const char *)Protseq, IfSpec);
}

RPC_STATUS RPC_ENTRY RpcServerUseAllProtseqsIf(unsigned int MaxCalls, RPC_IF_HANDLE IfSpec, void *SecurityDescriptor)
{
    (void)MaxCalls, (void)SecurityDescriptor;
    return use_interface_endpoints(NULL, IfSpec);
}

/* W forms: convert and call the A form. */
static RPC_STATUS narrow2(RPC_WSTR a, RPC_WSTR b, char **na, char **nb)
{
    *na = *nb = NULL;
    asidl__wconv c1 = asidl__wcs_to_utf8(a, na);
    asidl__wconv c2 = c1 == ASIDL_WCONV_OK ? asidl__wcs_to_utf8(b, nb) : ASIDL_WCONV_OK;
    if (c1 == ASIDL_WCONV_OK && c2 == ASIDL_WCONV_OK)
        return RPC_S_OK;
    free(*na);
    free(*nb);
    *na = *nb = NULL;
    return c1 == ASIDL_WCONV_NO_MEMORY || c2 == ASIDL_WCONV_NO_MEMORY ? RPC_S_OUT_OF_MEMORY
                                                                      : RPC_S_INVALID_STRING_BINDING;
}

RPC_STATUS RPC_ENTRY RpcServerUseProtseqEpW(RPC_WSTR Protseq, unsigned int MaxCalls, RPC_WSTR Endpoint,
                                           void *SecurityDescriptor)
{
    char *p, *e;
    RPC_STATUS st = narrow2(Protseq, Endpoint, &p, &e);
    if (st == RPC_S_OK)
        st = RpcServerUseProtseqEpA((RPC_CSTR)p, MaxCalls, (RPC_CSTR)e, SecurityDescriptor);
    free(p);
    free(e);
    return st;
}

RPC_STATUS RPC_ENTRY RpcServerUseProtseqW(RPC_WSTR Protseq, unsigned int MaxCalls, void *SecurityDescriptor)
{
    char *p, *unused;
    RPC_STATUS st = narrow2(Protseq, NULL, &p, &unused);
    if (st == RPC_S_OK)
        st = RpcServerUseProtseqA((RPC_CSTR)p, MaxCalls, SecurityDescriptor);
    free(p);
    return st;
}

RPC_STATUS RPC_ENTRY RpcServerUseProtseqIfW(RPC_WSTR Protseq, unsigned int MaxCalls, RPC_IF_HANDLE IfSpec,
                                           void *SecurityDescriptor)
{
    char *p, *unused;
    RPC_STATUS st = narrow2(Protseq, NULL, &p, &unused);
    if (st == RPC_S_OK)
        st = RpcServerUseProtseqIfA((RPC_CSTR)p, MaxCalls, IfSpec, SecurityDescriptor);
    free(p);
    return st;
}

/* The network address clients use to reach this machine over TCP: its host name when that
 * resolves (it is what Windows reports), else the loopback address. */
static void this_host(char *out, size_t size)
{
    char name[256];
    if (gethostname(name, sizeof name) != 0 || !name[0] ||
        asidl__netaddr_check(ASIDL_PROTSEQ_TCP, name) != RPC_S_OK) {
        snprintf(out, size, "127.0.0.1");
        return;
    }
    name[sizeof name - 1] = 0;
    snprintf(out, size, "%s", name);
}

RPC_STATUS RPC_ENTRY RpcServerInqBindings(RPC_BINDING_VECTOR **BindingVector)
{
    if (!BindingVector)
        return RPC_S_INVALID_ARG;
    *BindingVector = NULL;
    char host[256];
    this_host(host, sizeof host);
    pthread_mutex_lock(&g.lock);
    unsigned n = 0;
    for (endpoint_rec *e = g.endpoints; e; e = e->next)
        n++;
    if (n == 0) {
        pthread_mutex_unlock(&g.lock);
        return RPC_S_NO_BINDINGS;
    }
    RPC_BINDING_VECTOR *v = calloc(1, sizeof *v + n * sizeof v->BindingH[0]);
    RPC_STATUS st = v ? RPC_S_OK : RPC_S_OUT_OF_MEMORY;
    for (endpoint_rec *e = g.endpoints; e && st == RPC_S_OK; e = e->next) {
        char *text = asidl__strbind_compose(NULL, asidl__protseq_name(e->protseq),
                                            e->protseq == ASIDL_PROTSEQ_TCP ? host : NULL, e->endpoint, NULL);
        st = text ? RpcBindingFromStringBindingA((RPC_CSTR)text, &v->BindingH[v->Count]) : RPC_S_OUT_OF_MEMORY;
        if (st == RPC_S_OK)
            v->Count++;
        free(text);
    }
    pthread_mutex_unlock(&g.lock);
    if (st != RPC_S_OK) {
        RpcBindingVectorFree(&v);
        return st;
    }
    *BindingVector = v;
    return RPC_S_OK;
}

RPC_STATUS RPC_ENTRY RpcBindingVectorFree(RPC_BINDING_VECTOR **BindingVector)
{
    if (!BindingVector)
        return RPC_S_INVALID_ARG;
    RPC_BINDING_VECTOR *v = *BindingVector;
    if (v) {
        for (unsigned long i = 0; i < v->Count; i++)
            if (v->BindingH[i])
                RpcBindingFree(&v->BindingH[i]);
        free(v);
    }
    *BindingVector = NULL;
    return RPC_S_OK;
}

/* ==================================================================== interfaces */

static asidl__rif *find_rif_locked(const asidl__syntax_id *id)
{
    for (asidl__rif *r = g.ifs; r; r = r->next)
        if (asidl__syntax_equal(&r->id, id))
            return r;
    return NULL;
}

static asidl__rif *new_rif(const asidl_interface *itf, RPC_STATUS *st)
{
    asidl__rif *r = calloc(1, sizeof *r);
    if (!r || !(r->procs = calloc(itf->proc_count ? itf->proc_count : 1, sizeof *r->procs)) ||
        !(r->plans = calloc(itf->proc_count ? itf->proc_count : 1, sizeof *r->plans))) {
        if (r)
            free(r->procs);
        free(r);
        *st = RPC_S_OUT_OF_MEMORY;
        return NULL;
    }
    r->itf = itf;
    asidl__interface_syntax(itf, &r->id);
    /* Every procedure's descriptor is checked and its libffi call built now, once. */
    for (uint32_t i = 0; i < itf->proc_count; i++) {
        const asidl_ndr_proc *proc = itf->procs[i];
        if (!proc)
            continue;
        bool invoked = itf->invokers && itf->invokers[i];     /* the stub calls it itself */
        const char *why = NULL;
        *st = asidl_ndr_validate_proc(proc, &why);
        if (*st == RPC_S_OK && proc->opnum != i) {
            *st = RPC_S_INTERNAL_ERROR;
            why = "its opnum is not its index in the interface";
        }
        if (*st == RPC_S_OK && !invoked)
            *st = asidl__ffi_proc_new(proc, &r->procs[i], &why);
        if (*st != RPC_S_OK) {
            fprintf(stderr, "asidl: cannot register an interface: procedure %s (opnum %u): %s\n",
                    proc->name ? proc->name : "?", i, why ? why : "invalid descriptor");
            for (uint32_t j = 0; j < i; j++)
                asidl__ffi_proc_free(r->procs[j]);
            free(r->procs);
            free(r->plans);
            free(r);
            return NULL;
        }
        asidl__proc_plan_make(proc, &r->plans[i]);
    }
    *st = RPC_S_OK;
    return r;
}

static void publish_admission_locked(asidl__rif *r);

/* Makes the engine dispatch the interface, or stop dispatching it, and publishes what its
 * calls are admitted with (g.lock held; after every change to the registration). */
static RPC_STATUS sync_engine_locked(asidl__rif *r)
{
    bool want = r->registered && (g.listening || (r->flags & RPC_IF_AUTOLISTEN));
    RPC_STATUS st = RPC_S_OK;
    if (want != r->in_engine) {
        if (want)
            st = asidl__server_register(g.srv, &r->id, r->itf->proc_count, asidl__dispatch, r);
        else
            st = asidl__server_unregister(g.srv, &r->id);
        if (st == RPC_S_OK)
            r->in_engine = want;
    }
    publish_admission_locked(r);
    return st;
}

static RPC_STATUS register_if(RPC_IF_HANDLE IfSpec, UUID *MgrTypeUuid, RPC_MGR_EPV *MgrEpv, unsigned flags,
                              unsigned max_calls, unsigned max_rpc_size, RPC_IF_CALLBACK_FN *callback)
{
    const asidl_interface *itf = asidl__interface_from(IfSpec);
    if (!itf)
        return RPC_S_INVALID_ARG;
    const void *epv = MgrEpv ? MgrEpv : itf->default_epv;
    if (!epv)
        return RPC_S_UNKNOWN_MGR_TYPE;      /* built without a default EPV, and none given */
    asidl__syntax_id id;
    asidl__interface_syntax(itf, &id);

    pthread_mutex_lock(&g.lock);
    RPC_STATUS st = server_locked() ? RPC_S_OK : RPC_S_OUT_OF_RESOURCES;
    asidl__rif *r = st == RPC_S_OK ? find_rif_locked(&id) : NULL;
    if (st == RPC_S_OK && !r && (r = new_rif(itf, &st))) {
        r->next = g.ifs;
        g.ifs = r;
    }
    if (st != RPC_S_OK) {
        pthread_mutex_unlock(&g.lock);
        return st;
    }
    asidl__uuid type = MgrTypeUuid ? *MgrTypeUuid : nil_uuid;
    for (asidl__mgr *m = r->registered ? r->mgrs : NULL; m; m = m->next) {
        if (asidl__uuid_equal(&m->type, &type)) {
            pthread_mutex_unlock(&g.lock);
            return RPC_S_TYPE_ALREADY_REGISTERED;
        }
    }
    asidl__mgr *m = calloc(1, sizeof *m);
    if (!m) {
        pthread_mutex_unlock(&g.lock);
        return RPC_S_OUT_OF_MEMORY;
    }
    m->type = type;
    m->epv = epv;
    if (!r->registered) {
        while (r->mgrs) {                   /* managers left from an earlier registration */
            asidl__mgr *old = r->mgrs;
            r->mgrs = old->next;
            free(old);
        }
    }
    m->next = r->mgrs;
    r->mgrs = m;
    r->itf = itf;
    r->flags = flags;
    r->max_calls = max_calls;
    r->max_rpc_size = max_rpc_size;
    r->callback = callback;
    r->registered = true;
    st = sync_engine_locked(r);
    if (st == RPC_S_OK && (flags & RPC_IF_AUTOLISTEN))
        st = start_workers(1);
    if (st != RPC_S_OK) {
        r->mgrs = m->next;
        free(m);
        r->registered = r->mgrs != NULL;
        sync_engine_locked(r);
    }
    pthread_mutex_unlock(&g.lock);
    return st;
}

RPC_STATUS RPC_ENTRY RpcServerRegisterIf(RPC_IF_HANDLE IfSpec, UUID *MgrTypeUuid, RPC_MGR_EPV *MgrEpv)
{
    return register_if(IfSpec, MgrTypeUuid, MgrEpv, 0, RPC_C_LISTEN_MAX_CALLS_DEFAULT, 0, NULL);
}

RPC_STATUS RPC_ENTRY RpcServerRegisterIfEx(RPC_IF_HANDLE IfSpec, UUID *MgrTypeUuid, RPC_MGR_EPV *MgrEpv,
                                          unsigned int Flags, unsigned int MaxCalls, RPC_IF_CALLBACK_FN *IfCallback)
{
    return register_if(IfSpec, MgrTypeUuid, MgrEpv, Flags, MaxCalls, 0, IfCallback);
}

RPC_STATUS RPC_ENTRY RpcServerRegisterIf2(RPC_IF_HANDLE IfSpec, UUID *MgrTypeUuid, RPC_MGR_EPV *MgrEpv,
                                         unsigned int Flags, unsigned int MaxCalls, unsigned int MaxRpcSize,
                                         RPC_IF_CALLBACK_FN *IfCallbackFn)
{
    return register_if(IfSpec, MgrTypeUuid, MgrEpv, Flags, MaxCalls, MaxRpcSize, IfCallbackFn);
}

/* Removes one manager type (or all, when type is NULL) of one interface; g.lock held. */
static RPC_STATUS unregister_locked(asidl__rif *r, const UUID *type)
{
    if (!r->registered)
        return RPC_S_UNKNOWN_IF;
    bool removed = false;
    for (asidl__mgr **p = &r->mgrs; *p;) {
        if (!type || asidl__uuid_equal(&(*p)->type, type)) {
            asidl__mgr *m = *p;
            *p = m->next;
            free(m);
            removed = true;
        } else {
            p = &(*p)->next;
        }
    }
    if (!removed)
        return RPC_S_UNKNOWN_MGR_TYPE;
    r->registered = r->mgrs != NULL;
    sync_engine_locked(r);
    return RPC_S_OK;
}

static RPC_STATUS unregister_if(RPC_IF_HANDLE IfSpec, UUID *MgrTypeUuid, bool wait, bool rundown)
{
    const asidl_interface *itf = NULL;
    asidl__syntax_id id;
    if (IfSpec) {
        if (!(itf = asidl__interface_from(IfSpec)))
            return RPC_S_INVALID_ARG;
        asidl__interface_syntax(itf, &id);
    }
    pthread_mutex_lock(&g.lock);
    RPC_STATUS st = RPC_S_OK;
    if (itf) {
        asidl__rif *r = find_rif_locked(&id);
        st = r ? unregister_locked(r, MgrTypeUuid) : RPC_S_UNKNOWN_IF;
    } else {
        for (asidl__rif *r = g.ifs; r; r = r->next)
            if (r->registered)
                unregister_locked(r, NULL);
    }
    /* Calls already admitted finish; WaitForCallsToComplete waits for them. */
    __atomic_add_fetch(&g.call_waiters, 1, __ATOMIC_SEQ_CST);
    for (asidl__rif *r = g.ifs; wait && st == RPC_S_OK && r; r = r->next) {
        if (itf && r != find_rif_locked(&id))
            continue;
        while (__atomic_load_n(&r->calls, __ATOMIC_SEQ_CST) > 0 && !r->registered)
            pthread_cond_wait(&g.changed, &g.lock);
    }
    __atomic_sub_fetch(&g.call_waiters, 1, __ATOMIC_SEQ_CST);
    pthread_mutex_unlock(&g.lock);
    if (rundown && st == RPC_S_OK) {
        pthread_mutex_lock(&g.lock);
        asidl__rif *only = itf ? find_rif_locked(&id) : NULL;
        pthread_mutex_unlock(&g.lock);
        if (only)
            asidl__sctx_rundown_interface(only);
        else
            asidl__sctx_rundown_interface(NULL);
    }
    return st;
}

RPC_STATUS RPC_ENTRY RpcServerUnregisterIf(RPC_IF_HANDLE IfSpec, UUID *MgrTypeUuid, unsigned int WaitForCallsToComplete)
{
    return unregister_if(IfSpec, MgrTypeUuid, WaitForCallsToComplete != 0, false);
}

RPC_STATUS RPC_ENTRY RpcServerUnregisterIfEx(RPC_IF_HANDLE IfSpec, UUID *MgrTypeUuid, int RundownContextHandles)
{
    return unregister_if(IfSpec, MgrTypeUuid, false, RundownContextHandles != 0);
}

RPC_STATUS RPC_ENTRY RpcServerInqIf(RPC_IF_HANDLE IfSpec, UUID *MgrTypeUuid, RPC_MGR_EPV **MgrEpv)
{
    const asidl_interface *itf = asidl__interface_from(IfSpec);
    if (!itf || !MgrEpv)
        return RPC_S_INVALID_ARG;
    asidl__syntax_id id;
    asidl__interface_syntax(itf, &id);
    asidl__uuid type = MgrTypeUuid ? *MgrTypeUuid : nil_uuid;
    pthread_mutex_lock(&g.lock);
    asidl__rif *r = find_rif_locked(&id);
    RPC_STATUS st = r && r->registered ? RPC_S_UNKNOWN_MGR_TYPE : RPC_S_UNKNOWN_IF;
    for (asidl__mgr *m = r && r->registered ? r->mgrs : NULL; m; m = m->next) {
        if (asidl__uuid_equal(&m->type, &type)) {
            *MgrEpv = (RPC_MGR_EPV *)m->epv;
            st = RPC_S_OK;
        }
    }
    pthread_mutex_unlock(&g.lock);
    return st;
}

/* ==================================================================== object types */

static object_type *find_object_locked(const asidl__uuid *object)
{
    for (object_type *o = g.objects; o; o = o->next)
        if (asidl__uuid_equal(&o->object, object))
            return o;
    return NULL;
}

RPC_STATUS RPC_ENTRY RpcObjectSetType(UUID *ObjUuid, UUID *TypeUuid)
{
    if (is_nil(ObjUuid))
        return RPC_S_INVALID_OBJECT;
    pthread_mutex_lock(&g.lock);
    object_type *o = find_object_locked(ObjUuid);
    RPC_STATUS st = RPC_S_OK;
    if (is_nil(TypeUuid)) {                 /* a nil type removes the object's type */
        for (object_type **p = &g.objects; *p; p = &(*p)->next) {
            if (*p == o) {
                *p = o->next;
                free(o);
                break;
            }
        }
    } else if (o) {
        st = RPC_S_ALREADY_REGISTERED;
    } else if ((o = calloc(1, sizeof *o))) {
        o->object = *ObjUuid;
        o->type = *TypeUuid;
        o->next = g.objects;
        g.objects = o;
    } else {
        st = RPC_S_OUT_OF_MEMORY;
    }
    pthread_mutex_unlock(&g.lock);
    return st;
}

RPC_STATUS RPC_ENTRY RpcObjectInqType(UUID *ObjUuid, UUID *TypeUuid)
{
    if (!ObjUuid)
        return RPC_S_INVALID_OBJECT;
    pthread_mutex_lock(&g.lock);
    object_type *o = find_object_locked(ObjUuid);
    asidl__uuid type = o ? o->type : nil_uuid;
    RPC_OBJECT_INQ_FN *fn = g.inq_fn;
    pthread_mutex_unlock(&g.lock);
    RPC_STATUS st = o ? RPC_S_OK : RPC_S_OBJECT_NOT_FOUND;
    if (!o && fn)
        fn(ObjUuid, &type, &st);
    if (TypeUuid)
        *TypeUuid = st == RPC_S_OK ? type : nil_uuid;
    return st;
}

RPC_STATUS RPC_ENTRY RpcObjectSetInqFn(RPC_OBJECT_INQ_FN *InquiryFn)
{
    pthread_mutex_lock(&g.lock);
    g.inq_fn = InquiryFn;
    pthread_mutex_unlock(&g.lock);
    return RPC_S_OK;
}

/* ==================================================================== admitting calls */

/* A call of an interface without MaxCalls and without an object (nearly every call) is admitted
 * without g.lock, from a record of its registration that g.lock's holder publishes whenever
 * the registration changes (NULL while it takes no such calls) and never changes once
 * published. The count of calls is atomic. An admitting thread (count up, then record read)
 * and one withdrawing the record (record cleared, then count read: unregistering with
 * WaitForCallsToComplete, stopping) each write one variable and then read the other's, so at
 * least one sees the other (sequentially consistent, as in Dekker's algorithm): either the
 * call sees the record gone and backs out, or the withdrawing thread sees the call and waits
 * for it. A thread that waits for the count announces itself in g.call_waiters first, and the
 * last call of an interface (count down, then waiters read) wakes it under g.lock. */
typedef struct asidl__admission_record {
    struct asidl__admission_record *next;
    asidl__admission adm;
} asidl__admission_record;

static void publish_admission_locked(asidl__rif *r)
{
    const asidl__mgr *nil_mgr = NULL;
    for (const asidl__mgr *m = r->registered ? r->mgrs : NULL; m; m = m->next)
        if (is_nil(&m->type))
            nil_mgr = m;
    asidl__admission_record *rec = NULL;
    if (nil_mgr && r->in_engine && r->max_calls == RPC_C_LISTEN_MAX_CALLS_DEFAULT) {
        asidl__admission adm = { nil_mgr->epv, r->flags, r->max_rpc_size, r->callback };
        /* Records are kept (a caller may still be reading one): an unchanged one is used again,
         * so that listening and stopping over and over adds none. */
        for (rec = r->retired; rec; rec = rec->next)
            if (rec->adm.epv == adm.epv && rec->adm.flags == adm.flags && rec->adm.max_rpc_size == adm.max_rpc_size &&
                rec->adm.callback == adm.callback)
                break;
        if (!rec && (rec = malloc(sizeof *rec))) {
            rec->adm = adm;
            rec->next = r->retired;
            r->retired = rec;
        }
    }
    /* Without memory for a record, calls are admitted under the lock instead. */
    __atomic_store_n(&r->published, rec, __ATOMIC_SEQ_CST);
}

RPC_STATUS asidl__rif_admit(asidl__rif *rif, const asidl__uuid *object, asidl__admission *out)
{
    if (is_nil(object)) {
        const asidl__admission_record *rec = __atomic_load_n(&rif->published, __ATOMIC_ACQUIRE);
        if (rec) {
            __atomic_add_fetch(&rif->calls, 1, __ATOMIC_SEQ_CST);
            if (__atomic_load_n(&rif->published, __ATOMIC_SEQ_CST) == rec) {
                *out = rec->adm;
                return RPC_S_OK;
            }
            asidl__rif_release(rif);   /* the registration changed meanwhile: ask under the lock */
        }
    }
    asidl__uuid type = nil_uuid;
    if (!is_nil(object)) {
        UUID obj = *object, t;
        if (RpcObjectInqType(&obj, &t) == RPC_S_OK)
            type = t;
    }
    pthread_mutex_lock(&g.lock);
    RPC_STATUS st = RPC_S_OK;
    const asidl__mgr *chosen = NULL, *fallback = NULL;
    if (!rif->registered || !rif->in_engine) {
        st = RPC_S_UNKNOWN_IF;
    } else {
        for (const asidl__mgr *m = rif->mgrs; m; m = m->next) {
            if (asidl__uuid_equal(&m->type, &type))
                chosen = m;
            if (is_nil(&m->type))
                fallback = m;
        }
        if (!chosen)
            chosen = fallback;          /* an object of a type with no manager of its own */
        if (!chosen)
            st = RPC_S_UNSUPPORTED_TYPE;
        else if (rif->max_calls != RPC_C_LISTEN_MAX_CALLS_DEFAULT &&
                 __atomic_load_n(&rif->calls, __ATOMIC_SEQ_CST) >= rif->max_calls)
            st = RPC_S_SERVER_TOO_BUSY;
    }
    if (st == RPC_S_OK) {
        __atomic_add_fetch(&rif->calls, 1, __ATOMIC_SEQ_CST);
        out->epv = chosen->epv;
        out->flags = rif->flags;
        out->max_rpc_size = rif->max_rpc_size;
        out->callback = rif->callback;
    }
    pthread_mutex_unlock(&g.lock);
    return st;
}

void asidl__rif_release(asidl__rif *rif)
{
    __atomic_sub_fetch(&rif->calls, 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&g.call_waiters, __ATOMIC_SEQ_CST)) {
        pthread_mutex_lock(&g.lock);
        pthread_cond_broadcast(&g.changed);
        pthread_mutex_unlock(&g.lock);
    }
}

/* ==================================================================== listening */

static unsigned calls_in_progress_locked(void)
{
    unsigned n = 0;
    for (asidl__rif *r = g.ifs; r; r = r->next)
        if (!(r->flags & RPC_IF_AUTOLISTEN))
            n += __atomic_load_n(&r->calls, __ATOMIC_SEQ_CST);
    return n;
}

/* Waits until the server stops listening and the calls that were running have finished. */
static void wait_for_stop_locked(void)
{
    unsigned long epoch = g.listen_epoch;
    while (g.listening && g.listen_epoch == epoch)
        pthread_cond_wait(&g.changed, &g.lock);
    __atomic_add_fetch(&g.call_waiters, 1, __ATOMIC_SEQ_CST);
    while (calls_in_progress_locked() > 0)
        pthread_cond_wait(&g.changed, &g.lock);
    __atomic_sub_fetch(&g.call_waiters, 1, __ATOMIC_SEQ_CST);
}

RPC_STATUS RPC_ENTRY RpcServerListen(unsigned int MinimumCallThreads, unsigned int MaxCalls, unsigned int DontWait)
{
    if (MinimumCallThreads == 0)
        MinimumCallThreads = 1;
    if (MaxCalls < MinimumCallThreads)
        return RPC_S_MAX_CALLS_TOO_SMALL;
    pthread_mutex_lock(&g.lock);
    if (g.listening) {
        pthread_mutex_unlock(&g.lock);
        return RPC_S_ALREADY_LISTENING;
    }
    if (!g.endpoints) {
        pthread_mutex_unlock(&g.lock);
        return RPC_S_NO_PROTSEQS_REGISTERED;
    }
    /* MaxCalls bounds manager routines running at once (the engine queues the rest). */
    pthread_mutex_lock(&g.srv->lock);
    __atomic_store_n(&g.srv->limits.max_executing,
                     MaxCalls == RPC_C_LISTEN_MAX_CALLS_DEFAULT ? 0 : MaxCalls, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&g.srv->lock);
    RPC_STATUS st = start_workers(MinimumCallThreads);
    if (st == RPC_S_OK) {
        g.listening = true;
        for (asidl__rif *r = g.ifs; r; r = r->next)
            sync_engine_locked(r);
    }
    if (st != RPC_S_OK || DontWait) {
        pthread_mutex_unlock(&g.lock);
        return st;
    }
    g.blocked_listeners++;
    wait_for_stop_locked();
    g.blocked_listeners--;
    pthread_mutex_unlock(&g.lock);
    return RPC_S_OK;
}

/* Stops taking new calls (calls running go on); callable from a manager routine. Remote
 * management (a binding to another server) is not provided. */
RPC_STATUS RPC_ENTRY RpcMgmtStopServerListening(RPC_BINDING_HANDLE Binding)
{
    if (Binding)
        return asidl__binding_from(Binding) ? RPC_S_CANNOT_SUPPORT : RPC_S_INVALID_BINDING;
    pthread_mutex_lock(&g.lock);
    if (!g.listening) {
        pthread_mutex_unlock(&g.lock);
        return RPC_S_NOT_LISTENING;
    }
    g.listening = false;
    g.listen_epoch++;
    for (asidl__rif *r = g.ifs; r; r = r->next)
        sync_engine_locked(r);
    pthread_cond_broadcast(&g.changed);
    pthread_mutex_unlock(&g.lock);
    return RPC_S_OK;
}

RPC_STATUS RPC_ENTRY RpcMgmtWaitServerListen(void)
{
    pthread_mutex_lock(&g.lock);
    RPC_STATUS st = RPC_S_OK;
    if (!g.listening)
        st = RPC_S_NOT_LISTENING;
    else if (g.blocked_listeners > 0)
        st = RPC_S_ALREADY_LISTENING;     /* RpcServerListen itself is waiting (Windows) */
    else
        wait_for_stop_locked();
    pthread_mutex_unlock(&g.lock);
    return st;
}

RPC_STATUS RPC_ENTRY RpcMgmtIsServerListening(RPC_BINDING_HANDLE Binding)
{
    if (Binding)
        return asidl__binding_from(Binding) ? RPC_S_CANNOT_SUPPORT : RPC_S_INVALID_BINDING;
    pthread_mutex_lock(&g.lock);
    bool l = g.listening;
    pthread_mutex_unlock(&g.lock);
    return l ? RPC_S_OK : RPC_S_NOT_LISTENING;
}

RPC_STATUS RPC_ENTRY RpcMgmtInqIfIds(RPC_BINDING_HANDLE Binding, RPC_IF_ID_VECTOR **IfIdVector)
{
    if (!IfIdVector)
        return RPC_S_INVALID_ARG;
    *IfIdVector = NULL;
    if (Binding)
        return asidl__binding_from(Binding) ? RPC_S_CANNOT_SUPPORT : RPC_S_INVALID_BINDING;
    pthread_mutex_lock(&g.lock);
    unsigned n = 0;
    for (asidl__rif *r = g.ifs; r; r = r->next)
        n += r->registered;
    RPC_IF_ID_VECTOR *v = calloc(1, sizeof *v + n * sizeof v->IfId[0]);
    RPC_STATUS st = v ? RPC_S_OK : RPC_S_OUT_OF_MEMORY;
    for (asidl__rif *r = g.ifs; r && st == RPC_S_OK; r = r->next) {
        if (!r->registered)
            continue;
        RPC_IF_ID *id = malloc(sizeof *id);
        if (!id) {
            st = RPC_S_OUT_OF_MEMORY;
            break;
        }
        id->Uuid = r->id.uuid;
        id->VersMajor = ASIDL_SYNTAX_MAJOR(r->id.version);
        id->VersMinor = ASIDL_SYNTAX_MINOR(r->id.version);
        v->IfId[v->Count++] = id;
    }
    pthread_mutex_unlock(&g.lock);
    if (st != RPC_S_OK) {
        RpcIfIdVectorFree(&v);
        return st;
    }
    if (n == 0) {
        free(v);
        return RPC_S_NO_INTERFACES;
    }
    *IfIdVector = v;
    return RPC_S_OK;
}

RPC_STATUS RPC_ENTRY RpcIfIdVectorFree(RPC_IF_ID_VECTOR **IfIdVector)
{
    if (!IfIdVector)
        return RPC_S_INVALID_ARG;
    RPC_IF_ID_VECTOR *v = *IfIdVector;
    if (v) {
        for (unsigned long i = 0; i < v->Count; i++)
            free(v->IfId[i]);
        free(v);
    }
    *IfIdVector = NULL;
    return RPC_S_OK;
}

/* Applies to worker threads started from now on (the server's are started when it listens). */
RPC_STATUS RPC_ENTRY RpcMgmtSetServerStackSize(unsigned long ThreadStackSize)
{
    return asidl__rt_set_stack_size(ThreadStackSize) ? RPC_S_OK : RPC_S_INVALID_ARG;
}

/* asidl serves no remote management interface, so there is nothing for the function to
 * authorize: every remote management request is refused. Kept for source compatibility. */
RPC_STATUS RPC_ENTRY RpcMgmtSetAuthorizationFn(RPC_MGMT_AUTHORIZATION_FN AuthorizationFn)
{
    (void)AuthorizationFn;
    return RPC_S_OK;
}

/* ==================================================================== protocol sequences */

static const char *const supported_protseqs[] = { "ncacn_ip_tcp", "ncalrpc" };

RPC_STATUS RPC_ENTRY RpcNetworkIsProtseqValidA(RPC_CSTR Protseq)
{
    asidl__protseq p;
    return Protseq ? asidl__protseq_lookup((const char *)Protseq, &p) : RPC_S_INVALID_RPC_PROTSEQ;
}

RPC_STATUS RPC_ENTRY RpcNetworkIsProtseqValidW(RPC_WSTR Protseq)
{
    char *p, *unused;
    RPC_STATUS st = narrow2(Protseq, NULL, &p, &unused);
    if (st == RPC_S_OK)
        st = RpcNetworkIsProtseqValidA((RPC_CSTR)p);
    free(p);
    return st == RPC_S_INVALID_STRING_BINDING ? RPC_S_INVALID_RPC_PROTSEQ : st;
}

RPC_STATUS RPC_ENTRY RpcNetworkInqProtseqsA(RPC_PROTSEQ_VECTORA **ProtseqVector)
{
    if (!ProtseqVector)
        return RPC_S_INVALID_ARG;
    unsigned n = sizeof supported_protseqs / sizeof supported_protseqs[0];
    RPC_PROTSEQ_VECTORA *v = calloc(1, sizeof *v + n * sizeof v->Protseq[0]);
    if (!v)
        return RPC_S_OUT_OF_MEMORY;
    for (unsigned i = 0; i < n; i++) {
        if (!(v->Protseq[i] = (unsigned char *)strdup(supported_protseqs[i]))) {
            RpcProtseqVectorFreeA(&v);
            return RPC_S_OUT_OF_MEMORY;
        }
        v->Count++;
    }
    *ProtseqVector = v;
    return RPC_S_OK;
}

RPC_STATUS RPC_ENTRY RpcProtseqVectorFreeA(RPC_PROTSEQ_VECTORA **ProtseqVector)
{
    if (!ProtseqVector)
        return RPC_S_INVALID_ARG;
    if (*ProtseqVector) {
        for (unsigned i = 0; i < (*ProtseqVector)->Count; i++)
            free((*ProtseqVector)->Protseq[i]);
        free(*ProtseqVector);
    }
    *ProtseqVector = NULL;
    return RPC_S_OK;
}

/* As every W function: the A function's result, converted. */
RPC_STATUS RPC_ENTRY RpcNetworkInqProtseqsW(RPC_PROTSEQ_VECTORW **ProtseqVector)
{
    if (!ProtseqVector)
        return RPC_S_INVALID_ARG;
    RPC_PROTSEQ_VECTORA *a;
    RPC_STATUS st = RpcNetworkInqProtseqsA(&a);
    if (st != RPC_S_OK)
        return st;
    RPC_PROTSEQ_VECTORW *v = calloc(1, sizeof *v + a->Count * sizeof v->Protseq[0]);
    for (unsigned i = 0; v && i < a->Count; i++) {
        if (asidl__utf8_to_wcs((const char *)a->Protseq[i], &v->Protseq[i]) != ASIDL_WCONV_OK)
            RpcProtseqVectorFreeW(&v);   /* sets v to NULL: out of memory */
        else
            v->Count++;
    }
    RpcProtseqVectorFreeA(&a);
    *ProtseqVector = v;
    return v ? RPC_S_OK : RPC_S_OUT_OF_MEMORY;
}

RPC_STATUS RPC_ENTRY RpcProtseqVectorFreeW(RPC_PROTSEQ_VECTORW **ProtseqVector)
{
    if (!ProtseqVector)
        return RPC_S_INVALID_ARG;
    if (*ProtseqVector) {
        for (unsigned i = 0; i < (*ProtseqVector)->Count; i++)
            free((*ProtseqVector)->Protseq[i]);
        free(*ProtseqVector);
    }
    *ProtseqVector = NULL;
    return RPC_S_OK;
}

/* ==================================================================== limits */

RPC_STATUS RPC_ENTRY asidl_server_set_limits(const asidl_server_limits *limits)
{
    if (!limits || limits->max_request_bytes > (1ul << 30) || limits->max_connections > UINT32_MAX ||
        limits->max_pending_calls > UINT32_MAX || limits->read_timeout_ms > INT32_MAX)
        return RPC_S_INVALID_ARG;
    asidl__server *s = asidl__rpc_server();
    if (!s)
        return RPC_S_OUT_OF_RESOURCES;
    pthread_mutex_lock(&s->lock);
    if (limits->max_connections)
        s->limits.max_connections = (unsigned)limits->max_connections;
    if (limits->max_request_bytes)
        s->limits.max_request = limits->max_request_bytes;
    if (limits->max_pending_calls)
        s->limits.max_pending_calls = (unsigned)limits->max_pending_calls;
    if (limits->read_timeout_ms)
        s->limits.read_timeout_ms = (int)limits->read_timeout_ms;
    pthread_mutex_unlock(&s->lock);
    return RPC_S_OK;
}

RPC_STATUS RPC_ENTRY asidl_server_get_limits(asidl_server_limits *limits)
{
    if (!limits)
        return RPC_S_INVALID_ARG;
    asidl__server *s = asidl__rpc_server();
    if (!s)
        return RPC_S_OUT_OF_RESOURCES;
    pthread_mutex_lock(&s->lock);
    limits->max_connections = s->limits.max_connections;
    limits->max_request_bytes = s->limits.max_request;
    limits->max_pending_calls = s->limits.max_pending_calls;
    limits->read_timeout_ms = (unsigned long)s->limits.read_timeout_ms;
    pthread_mutex_unlock(&s->lock);
    return RPC_S_OK;
}

/* ==================================================================== teardown (tests) */

void asidl__rpc_server_reset(void)
{
    pthread_mutex_lock(&g.lock);
    g.listening = false;
    g.listen_epoch++;
    pthread_cond_broadcast(&g.changed);
    asidl__server *s = g.srv;
    g.srv = NULL;
    asidl__rif *ifs = g.ifs;
    g.ifs = NULL;
    endpoint_rec *eps = g.endpoints;
    g.endpoints = NULL;
    object_type *objs = g.objects;
    g.objects = NULL;
    g.inq_fn = NULL;
    pthread_mutex_unlock(&g.lock);
    if (s)
        asidl__server_free(s);          /* disconnects clients: their context handles run down */
    while (ifs) {
        asidl__rif *r = ifs;
        ifs = r->next;
        while (r->mgrs) {
            asidl__mgr *m = r->mgrs;
            r->mgrs = m->next;
            free(m);
        }
        while (r->retired) {
            asidl__admission_record *rec = r->retired;
            r->retired = rec->next;
            free(rec);
        }
        for (uint32_t i = 0; i < r->itf->proc_count; i++)
            asidl__ffi_proc_free(r->procs[i]);
        free(r->procs);
        free(r->plans);
        free(r);
    }
    while (eps) {
        endpoint_rec *e = eps;
        eps = e->next;
        free(e);
    }
    while (objs) {
        object_type *o = objs;
        objs = o->next;
        free(o);
    }
}
