/*
 * context_client.c: context handles on the client side. An NDR_CCONTEXT (what the application
 * keeps in its context handle variable) points to a record holding the handle's wire form and
 * a copy of the binding it was obtained on: calls on the handle go back to the same server
 * association, which therefore stays open while the handle lives (the server runs the handle
 * down when the association goes).
 *
 * The NDR engine asks through the hooks below:
 *   - sending: NULL is the nil handle for an [in,out] handle and RPC_X_SS_IN_NULL_CONTEXT for
 *     an [in] one; a pointer that is not a record is RPC_X_SS_CONTEXT_MISMATCH.
 *   - receiving: the nil handle sets the variable to NULL (the server closed it); the handle
 *     the variable already holds stays; any other is a new record.
 * Changes are recorded and made final only when the whole reply has been unmarshalled; a reply
 * that turns out bad leaves the application's handles as they were.
 */
#include <stdlib.h>
#include <string.h>

#include "rpcrt.h"
#include "asidl_ndr.h"
#include "rpcndr.h"

struct asidl__cctx_change {
    void *mem;                         /* the application's handle variable */
    asidl__cctxh *old;                 /* what it held (NULL for [out] only) */
    asidl__cctxh *created;             /* the record this reply made, or NULL */
};

asidl__cctxh *asidl__cctxh_from(const void *ndr_ccontext)
{
    asidl__cctxh *r = (asidl__cctxh *)ndr_ccontext;
    return r && r->magic == ASIDL_CCONTEXT_MAGIC ? r : NULL;
}

static void record_free(asidl__cctxh *r)
{
    if (!r)
        return;
    r->magic = 0;
    if (r->binding)
        RpcBindingFree(&r->binding);
    free(r);
}

static void uuid_from_wire(const asidl_ndr_context_wire *w, asidl__uuid *u)
{
    u->Data1 = w->uuid_d1;
    u->Data2 = w->uuid_d2;
    u->Data3 = w->uuid_d3;
    memcpy(u->Data4, w->uuid_d4, 8);
}

static long client_to_wire(void *hook_ctx, const asidl_ndr_context_handle *desc, unsigned param_flags,
                           const void *mem, asidl_ndr_context_wire *w)
{
    (void)hook_ctx, (void)desc;
    void *value;
    memcpy(&value, mem, sizeof value);
    memset(w, 0, sizeof *w);
    if (!value)
        return (param_flags & ASIDL_NDR_PARAM_OUT) ? RPC_S_OK : RPC_X_SS_IN_NULL_CONTEXT;
    asidl__cctxh *r = asidl__cctxh_from(value);
    if (!r)
        return RPC_X_SS_CONTEXT_MISMATCH;
    w->attributes = r->attributes;
    w->uuid_d1 = r->uuid.Data1;
    w->uuid_d2 = r->uuid.Data2;
    w->uuid_d3 = r->uuid.Data3;
    memcpy(w->uuid_d4, r->uuid.Data4, 8);
    return RPC_S_OK;
}

static struct asidl__cctx_change *add_change(asidl__cctx_call *cc)
{
    if (cc->n_changes == cc->cap_changes) {
        unsigned cap = cc->cap_changes ? cc->cap_changes * 2 : 4;
        struct asidl__cctx_change *grown = realloc(cc->changes, cap * sizeof *grown);
        if (!grown)
            return NULL;
        cc->changes = grown;
        cc->cap_changes = cap;
    }
    struct asidl__cctx_change *ch = &cc->changes[cc->n_changes++];
    memset(ch, 0, sizeof *ch);
    return ch;
}

static long client_from_wire(void *hook_ctx, const asidl_ndr_context_handle *desc, unsigned param_flags,
                             const asidl_ndr_context_wire *w, void *mem)
{
    (void)desc;
    asidl__cctx_call *cc = hook_ctx;
    void *value = NULL;
    if (param_flags & ASIDL_NDR_PARAM_IN)      /* [out] only: the variable may hold anything */
        memcpy(&value, mem, sizeof value);
    asidl__cctxh *old = asidl__cctxh_from(value);
    asidl__uuid u;
    uuid_from_wire(w, &u);
    static const asidl__uuid nil;
    bool is_nil = memcmp(&u, &nil, sizeof u) == 0;
    if (old && !is_nil && asidl__uuid_equal(&old->uuid, &u))
        return RPC_S_OK;                        /* the same handle comes back */
    struct asidl__cctx_change *ch = add_change(cc);
    if (!ch)
        return RPC_S_OUT_OF_MEMORY;
    ch->mem = mem;
    ch->old = old;
    void *result = NULL;
    if (!is_nil) {
        asidl__cctxh *r = calloc(1, sizeof *r);
        RPC_STATUS st = r ? RpcBindingCopy(cc->binding, &r->binding) : RPC_S_OUT_OF_MEMORY;
        if (st != RPC_S_OK) {
            free(r);
            cc->n_changes--;
            return st;
        }
        r->magic = ASIDL_CCONTEXT_MAGIC;
        r->attributes = w->attributes;
        r->uuid = u;
        ch->created = r;
        result = r;
    }
    memcpy(mem, &result, sizeof result);
    return RPC_S_OK;
}

const asidl_ndr_hooks asidl__client_context_hooks = { client_to_wire, client_from_wire };

void asidl__cctx_call_finish(asidl__cctx_call *cc, bool success)
{
    /* Newest first, so a variable changed twice gets its first value back. */
    for (unsigned i = cc->n_changes; i-- > 0;) {
        struct asidl__cctx_change *ch = &cc->changes[i];
        if (success) {
            record_free(ch->old);
        } else {
            memcpy(ch->mem, &ch->old, sizeof ch->old);
            record_free(ch->created);
        }
    }
    free(cc->changes);
    cc->changes = NULL;
    cc->n_changes = cc->cap_changes = 0;
}

/* For a client whose server is gone: forgets the handle without a call. */
void RPC_ENTRY RpcSsDestroyClientContext(void **ContextHandle)
{
    if (!ContextHandle)
        RpcRaiseException(RPC_S_INVALID_ARG);
    if (!*ContextHandle)
        return;
    asidl__cctxh *r = asidl__cctxh_from(*ContextHandle);
    if (!r)
        RpcRaiseException(RPC_X_SS_CONTEXT_MISMATCH);
    record_free(r);
    *ContextHandle = NULL;
}
