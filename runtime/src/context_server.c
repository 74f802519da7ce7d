/*
 * context_server.c: context handles on the server side.
 *
 * A context handle is a UUID the server gives a client for a value its manager routines keep
 * (the manager's void *). The table maps UUIDs to records; every record belongs to the
 * association group of the connection it was created on, because a context handle lives as
 * long as the client's association: when the group's last connection goes, the handles still
 * open are run down (the type's <type>_rundown routine gets the value), once no call uses them.
 *
 * The NDR engine asks through the hooks below:
 *   - receiving: a nil UUID is NULL (allowed for [in,out], a mismatch for [in] only); a UUID the
 *     table has, in the caller's group, gives the value (and the call holds the record); any
 *     other is RPC_X_SS_CONTEXT_MISMATCH (fault nca_s_fault_context_mismatch). With
 *     [strict_context_handle] a handle only works with the interface that created it.
 *   - sending: a value for an [out] slot without a record becomes a new record; an [in,out]
 *     handle keeps its UUID with the new value, or is closed when the manager set it to NULL
 *     (no rundown: the manager released it).
 * The hooks may be asked twice for the same slot (a size pass, then the marshal pass): they
 * find the record they already made.
 *
 * Serialized handles (the default; [context_handle_noserialize] turns it off): calls using one
 * run one after the other, in arrival order. A call that finds its handle busy is queued on the
 * record and run by a worker when the handle is released; no thread waits for it.
 */
#include <stdlib.h>
#include <string.h>

#include "rpcrt.h"
#include "asidl_ndr.h"

typedef struct sctx {
    struct sctx *hash_next;
    struct sctx *group_next, *group_prev;
    asidl__uuid uuid;
    uint32_t group;
    void *user;                        /* the manager's value */
    void (*rundown)(void *);
    const asidl__rif *rif;             /* the interface that created it */
    unsigned refs;                     /* the table's (while in it) + one per call using it */
    bool in_table;
    bool rundown_due;                  /* run down when the last call lets go */
    bool serialize;
    asidl__dcall *owner;               /* the call running on a serialized handle */
    asidl__dcall *wait_head, *wait_tail;
} sctx;

/* One context handle a call uses (dcall->contexts). */
struct asidl__sctx_use {
    sctx *ctx;                         /* NULL: a nil [in,out] handle not (yet) given a value */
    const void *mem;                   /* the frame memory of the handle */
    bool strict;
    bool created;                      /* made by this call's reply */
    bool closed;                       /* the manager set the [in,out] handle to NULL */
    bool held;                         /* this call owns the serialized handle */
};

typedef struct group {
    struct group *next;
    uint32_t id;
    sctx *head;
} group;

static struct {
    pthread_mutex_t lock;
    sctx **table;
    size_t cap, n;
    group **groups;
    size_t gcap;
} t = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* ==================================================================== table */

static size_t uuid_hash(const asidl__uuid *u)
{
    uint64_t h = 1469598103934665603ull;
    const unsigned char *p = (const unsigned char *)u;
    for (size_t i = 0; i < sizeof *u; i++)
        h = (h ^ p[i]) * 1099511628211ull;
    return (size_t)h;
}

static bool grow_table_locked(void)
{
    size_t cap = t.cap ? t.cap * 2 : 64;
    sctx **table = calloc(cap, sizeof *table);
    if (!table)
        return false;
    for (size_t i = 0; i < t.cap; i++) {
        for (sctx *r = t.table[i], *next; r; r = next) {
            next = r->hash_next;
            size_t b = uuid_hash(&r->uuid) & (cap - 1);
            r->hash_next = table[b];
            table[b] = r;
        }
    }
    free(t.table);
    t.table = table;
    t.cap = cap;
    return true;
}

static sctx *find_locked(const asidl__uuid *u)
{
    if (!t.cap)
        return NULL;
    for (sctx *r = t.table[uuid_hash(u) & (t.cap - 1)]; r; r = r->hash_next)
        if (asidl__uuid_equal(&r->uuid, u))
            return r;
    return NULL;
}

static group **group_slot_locked(uint32_t id)
{
    group **p = &t.groups[id & (t.gcap - 1)];
    while (*p && (*p)->id != id)
        p = &(*p)->next;
    return p;
}

static bool insert_locked(sctx *r)
{
    if (t.n >= t.cap && !grow_table_locked())
        return false;
    if (!t.gcap) {
        if (!(t.groups = calloc(64, sizeof *t.groups)))
            return false;
        t.gcap = 64;
    }
    group **gp = group_slot_locked(r->group);
    if (!*gp) {
        if (!(*gp = calloc(1, sizeof **gp)))
            return false;
        (*gp)->id = r->group;
    }
    group *g = *gp;
    r->group_prev = NULL;
    r->group_next = g->head;
    if (g->head)
        g->head->group_prev = r;
    g->head = r;
    size_t b = uuid_hash(&r->uuid) & (t.cap - 1);
    r->hash_next = t.table[b];
    t.table[b] = r;
    t.n++;
    r->in_table = true;
    r->refs++;
    return true;
}

/* Takes a record out of the table and its group (dropping the table's reference). */
static void unlink_locked(sctx *r)
{
    if (!r->in_table)
        return;
    for (sctx **p = &t.table[uuid_hash(&r->uuid) & (t.cap - 1)]; *p; p = &(*p)->hash_next) {
        if (*p == r) {
            *p = r->hash_next;
            break;
        }
    }
    group **gp = group_slot_locked(r->group);
    group *g = *gp;
    if (r->group_prev)
        r->group_prev->group_next = r->group_next;
    else if (g)
        g->head = r->group_next;
    if (r->group_next)
        r->group_next->group_prev = r->group_prev;
    if (g && !g->head) {
        *gp = g->next;
        free(g);
    }
    r->in_table = false;
    t.n--;
    r->refs--;
}

/* Rundown routines run outside the lock, and an exception in one does not escape. */
typedef struct rundown_list {
    sctx *head;
} rundown_list;

static void collect_locked(sctx *r, rundown_list *l)
{
    r->hash_next = l->head;             /* free to reuse: the record is out of the table */
    l->head = r;
}

static void run_rundowns(rundown_list *l)
{
    while (l->head) {
        sctx *r = l->head;
        l->head = r->hash_next;
        if (r->rundown_due && r->rundown && r->user) {
            RpcTryExcept {
                r->rundown(r->user);
            } RpcExcept(EXCEPTION_EXECUTE_HANDLER) {
            } RpcEndExcept
        }
        free(r);
    }
}

unsigned asidl__sctx_count(void)
{
    pthread_mutex_lock(&t.lock);
    unsigned n = (unsigned)t.n;
    pthread_mutex_unlock(&t.lock);
    return n;
}

/* ==================================================================== the hooks */

static bool is_nil_wire(const asidl_ndr_context_wire *w)
{
    static const uint8_t zero[8];
    return w->uuid_d1 == 0 && w->uuid_d2 == 0 && w->uuid_d3 == 0 && memcmp(w->uuid_d4, zero, 8) == 0;
}

static void to_wire_uuid(const asidl__uuid *u, asidl_ndr_context_wire *w)
{
    w->attributes = 0;
    w->uuid_d1 = u->Data1;
    w->uuid_d2 = u->Data2;
    w->uuid_d3 = u->Data3;
    memcpy(w->uuid_d4, u->Data4, 8);
}

static struct asidl__sctx_use *add_use(asidl__dcall *d)
{
    if (d->n_contexts == d->cap_contexts) {
        unsigned cap = d->cap_contexts ? d->cap_contexts * 2 : 4;
        struct asidl__sctx_use *grown = realloc(d->contexts, cap * sizeof *grown);
        if (!grown)
            return NULL;
        d->contexts = grown;
        d->cap_contexts = cap;
    }
    struct asidl__sctx_use *u = &d->contexts[d->n_contexts++];
    memset(u, 0, sizeof *u);
    return u;
}

static struct asidl__sctx_use *find_use(asidl__dcall *d, const void *mem)
{
    for (unsigned i = 0; i < d->n_contexts; i++)
        if (d->contexts[i].mem == mem)
            return &d->contexts[i];
    return NULL;
}

static uint32_t call_group(const asidl__dcall *d)
{
    return d->scall->conn->group;
}

static long server_from_wire(void *hook_ctx, const asidl_ndr_context_handle *desc, unsigned param_flags,
                             const asidl_ndr_context_wire *w, void *mem)
{
    asidl__dcall *d = hook_ctx;
    void *value = NULL;
    struct asidl__sctx_use *u = add_use(d);
    if (!u)
        return RPC_S_OUT_OF_MEMORY;
    u->mem = mem;
    u->strict = (desc->hdr.flags & ASIDL_NDR_F_CTX_STRICT) != 0;
    if (is_nil_wire(w)) {
        if (!(param_flags & ASIDL_NDR_PARAM_OUT)) {
            d->n_contexts--;
            return RPC_X_SS_CONTEXT_MISMATCH;     /* an [in] handle must name something */
        }
        memcpy(mem, &value, sizeof value);
        return RPC_S_OK;
    }
    asidl__uuid id = { w->uuid_d1, w->uuid_d2, w->uuid_d3, { 0 } };
    memcpy(id.Data4, w->uuid_d4, 8);
    pthread_mutex_lock(&t.lock);
    sctx *r = find_locked(&id);
    bool ok = r && r->group == call_group(d) && !(u->strict && r->rif != d->rif);
    if (ok) {
        r->refs++;
        u->ctx = r;
        value = r->user;
    }
    pthread_mutex_unlock(&t.lock);
    if (!ok) {
        d->n_contexts--;
        return RPC_X_SS_CONTEXT_MISMATCH;
    }
    memcpy(mem, &value, sizeof value);
    return RPC_S_OK;
}

static long server_to_wire(void *hook_ctx, const asidl_ndr_context_handle *desc, unsigned param_flags,
                           const void *mem, asidl_ndr_context_wire *w)
{
    (void)param_flags;
    asidl__dcall *d = hook_ctx;
    void *value;
    memcpy(&value, mem, sizeof value);
    memset(w, 0, sizeof *w);
    struct asidl__sctx_use *u = find_use(d, mem);
    if (u && u->ctx && !u->created) {          /* an [in,out] handle the client sent */
        pthread_mutex_lock(&t.lock);
        u->closed = value == NULL;
        if (value)
            u->ctx->user = value;
        if (value)
            to_wire_uuid(&u->ctx->uuid, w);
        pthread_mutex_unlock(&t.lock);
        return RPC_S_OK;
    }
    if (u && u->ctx) {                         /* made by an earlier pass over this reply */
        pthread_mutex_lock(&t.lock);
        u->ctx->user = value;
        to_wire_uuid(&u->ctx->uuid, w);
        pthread_mutex_unlock(&t.lock);
        return RPC_S_OK;
    }
    if (!value)
        return RPC_S_OK;                       /* NULL travels as the nil handle */
    if (!u && !(u = add_use(d)))
        return RPC_S_OUT_OF_MEMORY;
    u->mem = mem;
    sctx *r = calloc(1, sizeof *r);
    if (!r)
        return RPC_S_OUT_OF_MEMORY;
    UuidCreate(&r->uuid);
    r->group = call_group(d);
    r->user = value;
    r->rundown = desc->rundown;
    r->rif = d->rif;
    r->serialize = !(desc->hdr.flags & ASIDL_NDR_F_CTX_NOSERIALIZE);
    r->refs = 1;                               /* this call's */
    pthread_mutex_lock(&t.lock);
    /* Checked under the table's lock: a group that ends after this finds the record in the
     * table; one that has already ended (the client left during the call) would never run it
     * down, so the record stays out of the table and runs down when the call ends. */
    bool ok = true;
    if (asidl__server_group_alive(d->scall->conn->srv, r->group))
        ok = insert_locked(r);
    else
        r->rundown_due = true;
    pthread_mutex_unlock(&t.lock);
    if (!ok) {
        free(r);
        return RPC_S_OUT_OF_MEMORY;
    }
    u->ctx = r;
    u->created = true;
    u->held = r->serialize;                    /* nobody else can know it yet */
    if (r->serialize)
        r->owner = d;
    to_wire_uuid(&r->uuid, w);
    return RPC_S_OK;
}

const asidl_ndr_hooks asidl__server_context_hooks = { server_to_wire, server_from_wire };

/* ==================================================================== serialization */

static int by_record(const void *a, const void *b)
{
    const struct asidl__sctx_use *x = a, *y = b;
    uintptr_t p = (uintptr_t)x->ctx, q = (uintptr_t)y->ctx;
    return p < q ? -1 : p > q;
}

/* Taking handles in one global order (by address) means two calls can never each hold a handle
 * the other waits for. */
bool asidl__sctx_acquire(asidl__dcall *d)
{
    if (d->n_contexts == 0)
        return true;                    /* most calls: no context handle, no lock */
    if (d->n_contexts > 1)
        qsort(d->contexts, d->n_contexts, sizeof *d->contexts, by_record);
    pthread_mutex_lock(&t.lock);
    for (unsigned i = 0; i < d->n_contexts; i++) {
        struct asidl__sctx_use *u = &d->contexts[i];
        sctx *r = u->ctx;
        if (!r || !r->serialize || u->held)
            continue;
        if (r->owner && r->owner != d) {
            d->wait_next = NULL;
            if (r->wait_tail)
                r->wait_tail->wait_next = d;
            else
                r->wait_head = d;
            r->wait_tail = d;
            pthread_mutex_unlock(&t.lock);
            return false;
        }
        r->owner = d;
        u->held = true;
    }
    pthread_mutex_unlock(&t.lock);
    return true;
}

static void run_waiter(void *arg)
{
    asidl__dcall *d = arg;
    if (asidl__sctx_acquire(d))
        asidl__dcall_run(d);
}

/* ==================================================================== the end of a call */

void asidl__sctx_finish(asidl__dcall *d, bool success)
{
    if (d->n_contexts == 0)
        return;
    rundown_list dead = { NULL };
    asidl__dcall *wake[8];
    unsigned n_wake = 0;
    asidl__dcall *more = NULL;          /* beyond the array: chained through wait_next */
    pthread_mutex_lock(&t.lock);
    for (unsigned i = 0; i < d->n_contexts; i++) {
        struct asidl__sctx_use *u = &d->contexts[i];
        sctx *r = u->ctx;
        if (!r)
            continue;
        if (u->closed && success) {
            unlink_locked(r);            /* the manager released the value itself */
            r->rundown_due = false;
        } else if (u->created && !success) {
            unlink_locked(r);            /* the client never learnt of it */
            r->rundown_due = true;
        }
        if (u->held && r->owner == d) {
            r->owner = NULL;
            asidl__dcall *w = r->wait_head;
            if (w) {
                r->wait_head = w->wait_next;
                if (!r->wait_head)
                    r->wait_tail = NULL;
                if (n_wake < 8) {
                    wake[n_wake++] = w;
                } else {
                    w->wait_next = more;
                    more = w;
                }
            }
        }
        if (--r->refs == 0)
            collect_locked(r, &dead);
    }
    d->n_contexts = 0;
    pthread_mutex_unlock(&t.lock);
    run_rundowns(&dead);
    /* Waiting calls go on on workers, in their order. */
    for (unsigned i = 0; i < n_wake; i++)
        if (!asidl__rt_post(run_waiter, wake[i]))
            run_waiter(wake[i]);
    while (more) {
        asidl__dcall *w = more;
        more = w->wait_next;
        if (!asidl__rt_post(run_waiter, w))
            run_waiter(w);
    }
}

/* ==================================================================== running down */

void asidl__sctx_group_ended(asidl__server *s, uint32_t id, void *ctx)
{
    (void)s, (void)ctx;
    rundown_list dead = { NULL };
    pthread_mutex_lock(&t.lock);
    group **gp = t.gcap ? group_slot_locked(id) : NULL;
    while (gp && *gp) {
        sctx *r = (*gp)->head;
        unlink_locked(r);                /* frees the group with its last record */
        r->rundown_due = true;
        if (r->refs == 0)
            collect_locked(r, &dead);
        gp = group_slot_locked(id);
    }
    pthread_mutex_unlock(&t.lock);
    run_rundowns(&dead);
}

void asidl__sctx_rundown_interface(const asidl__rif *rif)
{
    rundown_list dead = { NULL };
    pthread_mutex_lock(&t.lock);
    for (size_t b = 0; b < t.cap; b++) {
        for (sctx *r = t.table[b], *next; r; r = next) {
            next = r->hash_next;
            if (rif && r->rif != rif)
                continue;
            unlink_locked(r);
            r->rundown_due = true;
            if (r->refs == 0)
                collect_locked(r, &dead);
        }
    }
    pthread_mutex_unlock(&t.lock);
    run_rundowns(&dead);
}
