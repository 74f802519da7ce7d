/*
 * ep_client.c: the endpoint mapper's clients: servers registering their endpoints
 * (RpcEpRegister, RpcEpRegisterNoReplace, RpcEpUnregister) and clients completing a binding
 * that has no endpoint (RpcEpResolveBinding, also done by every stub call on such a binding).
 *
 * The mapper is reached over ncacn_ip_tcp on port $ASIDL_EPMAP_PORT, 135 when unset: the one on
 * this machine for registrations, the one on the server's machine for resolution. A process
 * keeps its connection to the mapper it registered with for as long as it runs, because the
 * mapper drops an association's entries when the association ends (ep_mapper.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpcrt.h"
#include "asidl_stub.h"
#include "rpcndr.h"

/* The mapper's wire statuses as the Windows codes applications test. */
static RPC_STATUS ept_status(error_status_t st)
{
    switch ((uint32_t)st) {
    case 0: return RPC_S_OK;
    case ASIDL_EPT_S_NOT_REGISTERED: return EPT_S_NOT_REGISTERED;
    case ASIDL_EPT_S_INVALID_ENTRY: return EPT_S_INVALID_ENTRY;
    case ASIDL_EPT_S_CANT_PERFORM_OP: return EPT_S_CANT_PERFORM_OP;
    case ASIDL_EPT_S_CANT_CREATE: return EPT_S_CANT_CREATE;
    default: return (RPC_STATUS)st;
    }
}

static RPC_STATUS mapper_binding(const char *netaddr, RPC_BINDING_HANDLE *out)
{
    char *text = asidl__strbind_compose(NULL, "ncacn_ip_tcp", netaddr && *netaddr ? netaddr : "127.0.0.1",
                                        asidl__epmap_port(), NULL);
    if (!text)
        return RPC_S_OUT_OF_MEMORY;
    RPC_STATUS st = RpcBindingFromStringBindingA((RPC_CSTR)text, out);
    free(text);
    return st;
}

/* The registrations' binding to this machine's mapper, kept for the life of the process (a
 * different port, as tests use, replaces it). */
static pthread_mutex_t registrar_lock = PTHREAD_MUTEX_INITIALIZER;
static RPC_BINDING_HANDLE registrar;
static char registrar_port[8];

static RPC_STATUS registrar_binding(RPC_BINDING_HANDLE *out)
{
    pthread_mutex_lock(&registrar_lock);
    RPC_STATUS st = RPC_S_OK;
    const char *port = asidl__epmap_port();
    if (!registrar || strcmp(registrar_port, port) != 0) {
        if (registrar)
            RpcBindingFree(&registrar);
        st = mapper_binding(NULL, &registrar);
        if (st == RPC_S_OK)
            snprintf(registrar_port, sizeof registrar_port, "%s", port);
    }
    *out = registrar;
    pthread_mutex_unlock(&registrar_lock);
    return st;
}

/* ==================================================================== towers */

static asidl__twr *tower_for(const asidl__syntax_id *iface, asidl__protseq p, const char *endpoint)
{
    asidl__tower t;
    memset(&t, 0, sizeof t);
    t.iface = *iface;
    t.transfer = asidl__ndr20_syntax;
    t.rpc_protocol = ASIDL_EPM_PROT_RPC_CO;
    t.transport = p == ASIDL_PROTSEQ_TCP ? ASIDL_EPM_PROT_TCP : ASIDL_EPM_PROT_LRPC;
    snprintf(t.endpoint, sizeof t.endpoint, "%s", endpoint ? endpoint : "");
    asidl__buf b;
    asidl__buf_init(&b);
    asidl__tower_encode(&b, &t);
    asidl__twr *twr = b.failed ? NULL : malloc(sizeof *twr + b.len);
    if (twr) {
        twr->tower_length = (uint32_t)b.len;
        memcpy(twr->tower_octet_string, b.data, b.len);
    }
    asidl__buf_free(&b);
    return twr;
}

/* ==================================================================== registration */

typedef struct entries {
    asidl__ept_entry *e;
    uint32_t n;
} entries;

static void entries_free(entries *es)
{
    for (uint32_t i = 0; i < es->n; i++)
        free(es->e[i].tower);
    free(es->e);
}

/* One entry per (binding, object): the objects of UuidVector, or the nil object. */
static RPC_STATUS make_entries(const asidl_interface *itf, RPC_BINDING_VECTOR *bv, UUID_VECTOR *uv,
                               const char *annotation, entries *out)
{
    out->e = NULL;
    out->n = 0;
    if (!bv || bv->Count == 0)
        return RPC_S_NO_BINDINGS;
    unsigned long objects = uv && uv->Count ? uv->Count : 1;
    if (bv->Count > 4096 || objects > 4096)
        return EPT_S_CANT_CREATE;
    out->e = calloc(bv->Count * objects, sizeof *out->e);
    if (!out->e)
        return RPC_S_OUT_OF_MEMORY;
    asidl__syntax_id iface;
    asidl__interface_syntax(itf, &iface);
    for (unsigned long i = 0; i < bv->Count; i++) {
        asidl__binding *b = asidl__binding_from(bv->BindingH[i]);
        if (!b) {
            entries_free(out);
            return RPC_S_INVALID_BINDING;
        }
        pthread_mutex_lock(&b->lock);
        asidl__protseq p = b->protseq;
        char *endpoint = strdup(b->endpoint);
        pthread_mutex_unlock(&b->lock);
        if (!endpoint || !*endpoint) {
            free(endpoint);
            entries_free(out);
            return endpoint ? RPC_S_INVALID_BINDING : RPC_S_OUT_OF_MEMORY;
        }
        for (unsigned long j = 0; j < objects; j++) {
            asidl__ept_entry *e = &out->e[out->n];
            if (uv && uv->Count && uv->Uuid[j])
                e->object = *uv->Uuid[j];
            snprintf(e->annotation, sizeof e->annotation, "%s", annotation ? annotation : "");
            if (!(e->tower = tower_for(&iface, p, endpoint))) {
                free(endpoint);
                entries_free(out);
                return RPC_S_OUT_OF_MEMORY;
            }
            out->n++;
        }
        free(endpoint);
    }
    return RPC_S_OK;
}

static RPC_STATUS call_insert_or_delete(RPC_IF_HANDLE IfSpec, RPC_BINDING_VECTOR *bv, UUID_VECTOR *uv,
                                        const char *annotation, int opnum, uint32_t replace)
{
    const asidl_interface *itf = asidl__interface_from(IfSpec);
    if (!itf)
        return RPC_S_INVALID_ARG;
    entries es;
    RPC_STATUS st = make_entries(itf, bv, uv, annotation, &es);
    if (st != RPC_S_OK)
        return st;
    RPC_BINDING_HANDLE h;
    st = registrar_binding(&h);
    if (st == RPC_S_OK) {
        error_status_t status = 0, *pstatus = &status;
        asidl__ept_entry *pe = es.e;
        if (opnum == ASIDL_EPT_INSERT) {
            void *args[] = { &h, &es.n, &pe, &replace, &pstatus };
            st = asidl__client_call_status(&asidl__ept_client_ifspec, asidl__ept_procs[opnum], args);
        } else {
            void *args[] = { &h, &es.n, &pe, &pstatus };
            st = asidl__client_call_status(&asidl__ept_client_ifspec, asidl__ept_procs[opnum], args);
        }
        if (st == RPC_S_OK)
            st = ept_status(status);
    }
    entries_free(&es);
    return st;
}

RPC_STATUS RPC_ENTRY RpcEpRegisterA(RPC_IF_HANDLE IfSpec, RPC_BINDING_VECTOR *BindingVector, UUID_VECTOR *UuidVector,
                                   RPC_CSTR Annotation)
{
    return call_insert_or_delete(IfSpec, BindingVector, UuidVector, (const char *)Annotation, ASIDL_EPT_INSERT, 1);
}

RPC_STATUS RPC_ENTRY RpcEpRegisterNoReplaceA(RPC_IF_HANDLE IfSpec, RPC_BINDING_VECTOR *BindingVector,
                                            UUID_VECTOR *UuidVector, RPC_CSTR Annotation)
{
    return call_insert_or_delete(IfSpec, BindingVector, UuidVector, (const char *)Annotation, ASIDL_EPT_INSERT, 0);
}

static RPC_STATUS register_w(RPC_IF_HANDLE IfSpec, RPC_BINDING_VECTOR *bv, UUID_VECTOR *uv, RPC_WSTR Annotation,
                             uint32_t replace)
{
    char *annotation = NULL;
    asidl__wconv c = asidl__wcs_to_utf8(Annotation, &annotation);
    if (c != ASIDL_WCONV_OK)
        return c == ASIDL_WCONV_NO_MEMORY ? RPC_S_OUT_OF_MEMORY : RPC_S_INVALID_ARG;
    RPC_STATUS st = call_insert_or_delete(IfSpec, bv, uv, annotation, ASIDL_EPT_INSERT, replace);
    free(annotation);
    return st;
}

RPC_STATUS RPC_ENTRY RpcEpRegisterW(RPC_IF_HANDLE IfSpec, RPC_BINDING_VECTOR *BindingVector, UUID_VECTOR *UuidVector,
                                   RPC_WSTR Annotation)
{
    return register_w(IfSpec, BindingVector, UuidVector, Annotation, 1);
}

RPC_STATUS RPC_ENTRY RpcEpRegisterNoReplaceW(RPC_IF_HANDLE IfSpec, RPC_BINDING_VECTOR *BindingVector,
                                            UUID_VECTOR *UuidVector, RPC_WSTR Annotation)
{
    return register_w(IfSpec, BindingVector, UuidVector, Annotation, 0);
}

RPC_STATUS RPC_ENTRY RpcEpUnregister(RPC_IF_HANDLE IfSpec, RPC_BINDING_VECTOR *BindingVector, UUID_VECTOR *UuidVector)
{
    return call_insert_or_delete(IfSpec, BindingVector, UuidVector, NULL, ASIDL_EPT_DELETE, 0);
}

/* ==================================================================== resolution */

RPC_STATUS asidl__ep_map(asidl__protseq p, const char *netaddr, const asidl__syntax_id *iface,
                         const asidl__uuid *object, char *endpoint, size_t endpoint_size)
{
    RPC_BINDING_HANDLE h;
    RPC_STATUS st = mapper_binding(p == ASIDL_PROTSEQ_TCP ? netaddr : NULL, &h);
    if (st != RPC_S_OK)
        return st;
    asidl__twr *want = tower_for(iface, p, "");
    if (!want) {
        RpcBindingFree(&h);
        return RPC_S_OUT_OF_MEMORY;
    }
    static const asidl__uuid nil;
    GUID obj = object ? *object : nil;
    GUID *pobj = memcmp(&obj, &nil, sizeof obj) ? &obj : NULL;
    void *ctx = NULL, **pctx = &ctx;
    uint32_t max = 4, num = 0, *pnum = &num;
    asidl__twr *towers[4] = { NULL }, **ptowers = towers;
    error_status_t status = 0, *pstatus = &status;
    void *args[] = { &h, &pobj, &want, &pctx, &max, &pnum, &ptowers, &pstatus };
    st = asidl__client_call_status(&asidl__ept_client_ifspec, asidl__ept_procs[ASIDL_EPT_MAP], args);
    if (st == RPC_S_OK)
        st = ept_status(status);
    bool found = false;
    for (uint32_t i = 0; i < 4; i++) {
        asidl__tower t;
        if (st == RPC_S_OK && !found && i < num && towers[i] &&
            asidl__tower_decode(towers[i]->tower_octet_string, towers[i]->tower_length, &t) == RPC_S_OK &&
            asidl__tower_protseq(&t) == p && t.endpoint[0] &&
            asidl__endpoint_check(p, t.endpoint) == RPC_S_OK) {
            snprintf(endpoint, endpoint_size, "%s", t.endpoint);
            found = true;
        }
        MIDL_user_free(towers[i]);
    }
    if (ctx)
        RpcSsDestroyClientContext(&ctx);     /* the mapper frees its cursor with the association */
    free(want);
    RpcBindingFree(&h);
    if (st == RPC_S_OK && !found)
        st = EPT_S_NOT_REGISTERED;
    return st;
}

/* The interface's [endpoint] for a protocol sequence, if it names one. */
static bool well_known_endpoint(const asidl_interface *itf, asidl__protseq p, char *out, size_t size)
{
    for (const char *const *ep = itf->endpoints; ep && *ep; ep++) {
        asidl__strbind sb;
        if (asidl__strbind_parse(*ep, &sb) != RPC_S_OK)
            continue;
        asidl__protseq q;
        bool ok = asidl__protseq_lookup(sb.protseq, &q) == RPC_S_OK && q == p && *sb.endpoint &&
                  asidl__endpoint_check(p, sb.endpoint) == RPC_S_OK;
        if (ok)
            snprintf(out, size, "%s", sb.endpoint);
        asidl__strbind_free(&sb);
        if (ok)
            return true;
    }
    return false;
}

RPC_STATUS RPC_ENTRY RpcEpResolveBinding(RPC_BINDING_HANDLE Binding, RPC_IF_HANDLE IfSpec)
{
    asidl__binding *b = asidl__binding_from(Binding);
    if (!b)
        return asidl__sbinding_from(Binding) ? RPC_S_WRONG_KIND_OF_BINDING : RPC_S_INVALID_BINDING;
    const asidl_interface *itf = asidl__interface_from(IfSpec);
    if (!itf)
        return RPC_S_INVALID_ARG;
    pthread_mutex_lock(&b->lock);
    bool has = *b->endpoint != 0;
    asidl__protseq p = b->protseq;
    char *netaddr = strdup(b->netaddr);
    asidl__uuid object = b->object;
    pthread_mutex_unlock(&b->lock);
    if (has || !netaddr) {
        free(netaddr);
        return has ? RPC_S_OK : RPC_S_OUT_OF_MEMORY;
    }
    char endpoint[128];
    RPC_STATUS st = RPC_S_OK;
    if (!well_known_endpoint(itf, p, endpoint, sizeof endpoint)) {
        asidl__syntax_id iface;
        asidl__interface_syntax(itf, &iface);
        st = asidl__ep_map(p, netaddr, &iface, &object, endpoint, sizeof endpoint);
    }
    free(netaddr);
    if (st != RPC_S_OK)
        return st;
    char *copy = strdup(endpoint);
    if (!copy)
        return RPC_S_OUT_OF_MEMORY;
    asidl__assoc *stale = NULL;
    pthread_mutex_lock(&b->lock);
    if (!*b->endpoint) {                     /* another thread may have resolved it meanwhile */
        free(b->endpoint);
        b->endpoint = copy;
        copy = NULL;
        stale = b->assoc;                    /* an association made without the endpoint */
        b->assoc = NULL;
    }
    pthread_mutex_unlock(&b->lock);
    free(copy);
    if (stale)
        asidl__assoc_release(stale);
    return RPC_S_OK;
}
