/*
 * ep_mapper.c: the endpoint mapper server (ept, [MS-RPCE] 3.1.1.1 / C706 chapter 6): a table of
 * (object, protocol tower, annotation) entries that servers register their dynamic endpoints in
 * and clients look them up from, run in any asidl process with asidl_epm_serve and as the
 * program asidl-epmd.
 *
 * Rules (where C706 and Windows leave a choice, the choice is said):
 *   - ept_insert, ept_delete and ept_mgmt_delete are accepted from this machine only (ncalrpc or
 *     a loopback address); others get ept_s_cant_perform_op. The table holds at most 4096 entries.
 *   - An entry lives as long as the association that registered it: asidl's RpcEpRegister keeps
 *     its connection to the mapper for the life of the process, so the entries of a server that
 *     exits (or crashes) disappear with it instead of pointing at a dead endpoint.
 *   - ept_map matches the interface UUID and major version, a minor version at least the one
 *     asked for, the transfer syntax and the transport; a nil object matches entries with a nil
 *     object, another object its own entries first, then nil-object ones.
 *   - Results beyond max_ents / max_towers are continued through the entry_handle context
 *     handle (NULL once everything was returned); nothing matching is ept_s_not_registered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpcrt.h"
#include "asidl_stub.h"
#include "rpcndr.h"
#include "asidl_rpc.h"

#define MAX_ENTRIES 4096
#define CURSOR_MAGIC 0x52435045u      /* "EPCR" */

typedef struct ep_entry {
    struct ep_entry *next;
    asidl__uuid object;
    asidl__tower tower;
    uint8_t *bytes;                    /* the tower as registered, returned as it is */
    uint32_t len;
    char annotation[64];
    uint32_t group;                    /* the registering association */
} ep_entry;

typedef struct cursor {
    uint32_t magic;
    unsigned skip;                     /* matches already returned */
} cursor;

static struct {
    pthread_mutex_t lock;
    ep_entry *head, **tail;
    unsigned n;
    asidl__uuid self;                  /* ept_inq_object's answer */
} db = { .lock = PTHREAD_MUTEX_INITIALIZER };

static const asidl__uuid nil_uuid;

static bool is_nil(const GUID *u)
{
    return !u || memcmp(u, &nil_uuid, sizeof nil_uuid) == 0;
}

static void entry_free(ep_entry *e)
{
    free(e->bytes);
    free(e);
}

/* The calling client is on this machine (registrations are taken from it only). */
static bool local_caller(handle_t h)
{
    asidl__sbinding *b = asidl__sbinding_from(h);
    return b && b->call->scall->conn->peer_local;
}

static uint32_t caller_group(handle_t h)
{
    asidl__sbinding *b = asidl__sbinding_from(h);
    return b ? b->call->scall->conn->group : 0;
}

static bool same_registration(const ep_entry *e, const asidl__uuid *object, const asidl__tower *t)
{
    return asidl__uuid_equal(&e->object, object) && asidl__uuid_equal(&e->tower.iface.uuid, &t->iface.uuid) &&
           ASIDL_SYNTAX_MAJOR(e->tower.iface.version) == ASIDL_SYNTAX_MAJOR(t->iface.version) &&
           e->tower.transport == t->transport;
}

static void unlink_where(bool (*match)(const ep_entry *, const void *), const void *arg, unsigned *removed)
{
    ep_entry **p = &db.head;
    while (*p) {
        ep_entry *e = *p;
        if (match(e, arg)) {
            *p = e->next;
            entry_free(e);
            db.n--;
            if (removed)
                (*removed)++;
        } else {
            p = &e->next;
        }
    }
    db.tail = &db.head;
    while (*db.tail)
        db.tail = &(*db.tail)->next;
}

/* ==================================================================== manager routines */

typedef struct decoded_entry {
    asidl__uuid object;
    asidl__tower tower;
} decoded_entry;

static bool decode_entries(uint32_t num_ents, const asidl__ept_entry *entries, decoded_entry *out)
{
    for (uint32_t i = 0; i < num_ents; i++) {
        const asidl__twr *t = entries[i].tower;
        if (!t || asidl__tower_decode(t->tower_octet_string, t->tower_length, &out[i].tower) != RPC_S_OK ||
            asidl__tower_protseq(&out[i].tower) == ASIDL_PROTSEQ_NONE)
            return false;
        out[i].object = entries[i].object;
    }
    return true;
}

typedef struct replace_key {
    const asidl__uuid *object;
    const asidl__tower *tower;
} replace_key;

static bool matches_registration(const ep_entry *e, const void *arg)
{
    const replace_key *k = arg;
    return same_registration(e, k->object, k->tower);
}

static void ept_insert(handle_t h, uint32_t num_ents, asidl__ept_entry *entries, uint32_t replace,
                       error_status_t *status)
{
    if (!local_caller(h)) {
        *status = ASIDL_EPT_S_CANT_PERFORM_OP;
        return;
    }
    decoded_entry *dec = calloc(num_ents ? num_ents : 1, sizeof *dec);
    if (!dec) {
        *status = ASIDL_EPT_S_CANT_CREATE;
        return;
    }
    if (!decode_entries(num_ents, entries, dec)) {
        free(dec);
        *status = ASIDL_EPT_S_INVALID_ENTRY;
        return;
    }
    uint32_t group = caller_group(h);
    pthread_mutex_lock(&db.lock);
    *status = 0;
    for (uint32_t i = 0; i < num_ents && *status == 0; i++) {
        if (replace) {
            replace_key k = { &dec[i].object, &dec[i].tower };
            unlink_where(matches_registration, &k, NULL);
        }
        ep_entry *e = db.n < MAX_ENTRIES ? calloc(1, sizeof *e) : NULL;
        uint32_t len = entries[i].tower->tower_length;
        if (e && !(e->bytes = malloc(len ? len : 1))) {
            free(e);
            e = NULL;
        }
        if (!e) {
            *status = ASIDL_EPT_S_CANT_CREATE;
            break;
        }
        memcpy(e->bytes, entries[i].tower->tower_octet_string, len);
        e->len = len;
        e->object = dec[i].object;
        e->tower = dec[i].tower;
        e->group = group;
        memcpy(e->annotation, entries[i].annotation, sizeof e->annotation);
        e->annotation[sizeof e->annotation - 1] = 0;
        if (!db.tail)
            db.tail = &db.head;
        *db.tail = e;
        db.tail = &e->next;
        db.n++;
    }
    pthread_mutex_unlock(&db.lock);
    free(dec);
}

typedef struct delete_key {
    const asidl__uuid *object;         /* NULL: any object */
    const asidl__tower *tower;
} delete_key;

static bool matches_delete(const ep_entry *e, const void *arg)
{
    const delete_key *k = arg;
    return (!k->object || asidl__uuid_equal(&e->object, k->object)) &&
           asidl__syntax_equal(&e->tower.iface, &k->tower->iface) &&
           asidl__syntax_equal(&e->tower.transfer, &k->tower->transfer) &&
           e->tower.transport == k->tower->transport && strcmp(e->tower.endpoint, k->tower->endpoint) == 0;
}

static void ept_delete(handle_t h, uint32_t num_ents, asidl__ept_entry *entries, error_status_t *status)
{
    if (!local_caller(h)) {
        *status = ASIDL_EPT_S_CANT_PERFORM_OP;
        return;
    }
    decoded_entry *dec = calloc(num_ents ? num_ents : 1, sizeof *dec);
    if (!dec || !decode_entries(num_ents, entries, dec)) {
        free(dec);
        *status = dec ? ASIDL_EPT_S_INVALID_ENTRY : ASIDL_EPT_S_CANT_PERFORM_OP;
        return;
    }
    unsigned removed = 0;
    pthread_mutex_lock(&db.lock);
    for (uint32_t i = 0; i < num_ents; i++) {
        delete_key k = { &dec[i].object, &dec[i].tower };
        unlink_where(matches_delete, &k, &removed);
    }
    pthread_mutex_unlock(&db.lock);
    free(dec);
    *status = removed || num_ents == 0 ? 0 : ASIDL_EPT_S_NOT_REGISTERED;
}

static void ept_mgmt_delete(handle_t h, uint32_t object_speced, GUID *object, asidl__twr *tower,
                            error_status_t *status)
{
    asidl__tower t;
    if (!local_caller(h)) {
        *status = ASIDL_EPT_S_CANT_PERFORM_OP;
        return;
    }
    if (!tower || asidl__tower_decode(tower->tower_octet_string, tower->tower_length, &t) != RPC_S_OK) {
        *status = ASIDL_EPT_S_INVALID_ENTRY;
        return;
    }
    asidl__uuid obj = object ? *object : nil_uuid;
    delete_key k = { object_speced ? &obj : NULL, &t };
    unsigned removed = 0;
    pthread_mutex_lock(&db.lock);
    unlink_where(matches_delete, &k, &removed);
    pthread_mutex_unlock(&db.lock);
    *status = removed ? 0 : ASIDL_EPT_S_NOT_REGISTERED;
}

/* ---- lookups: both go through a cursor kept in the entry_handle context handle ---- */

static cursor *cursor_of(void *handle)
{
    cursor *c = handle;
    return c && c->magic == CURSOR_MAGIC ? c : NULL;
}

/* The server's rundown routine for ept_lookup_handle_t: a client that went away mid-lookup. */
void asidl__epm_cursor_rundown(void *handle)
{
    cursor *c = cursor_of(handle);
    if (c) {
        c->magic = 0;
        free(c);
    }
}

/* After a batch: keeps the cursor when more matches remain, else closes the handle. */
static void settle_cursor(void **entry_handle, unsigned returned_to, bool more)
{
    cursor *c = cursor_of(*entry_handle);
    if (more) {
        if (!c && (c = calloc(1, sizeof *c)))
            c->magic = CURSOR_MAGIC;
        if (c)
            c->skip = returned_to;
        *entry_handle = c;
    } else {
        asidl__epm_cursor_rundown(c);
        *entry_handle = NULL;
    }
}

static asidl__twr *copy_tower(const ep_entry *e)
{
    asidl__twr *t = MIDL_user_allocate(sizeof *t + (e->len ? e->len : 1));
    if (t) {
        t->tower_length = e->len;
        memcpy(t->tower_octet_string, e->bytes, e->len);
    }
    return t;
}

static bool version_matches(uint32_t entry, uint16_t major, uint16_t minor, uint32_t option)
{
    uint16_t emaj = ASIDL_SYNTAX_MAJOR(entry), emin = ASIDL_SYNTAX_MINOR(entry);
    switch (option) {
    case RPC_C_VERS_ALL: return true;
    case RPC_C_VERS_COMPATIBLE: return emaj == major && emin >= minor;
    case RPC_C_VERS_EXACT: return emaj == major && emin == minor;
    case RPC_C_VERS_MAJOR_ONLY: return emaj == major;
    case RPC_C_VERS_UPTO: return emaj < major || (emaj == major && emin <= minor);
    default: return false;
    }
}

static void ept_lookup(handle_t h, uint32_t inquiry_type, GUID *object, asidl__rpc_if_id *ifid,
                       uint32_t vers_option, void **entry_handle, uint32_t max_ents, uint32_t *num_ents,
                       asidl__ept_entry *entries, error_status_t *status)
{
    (void)h;
    *num_ents = 0;
    bool by_if = inquiry_type == RPC_C_EP_MATCH_BY_IF || inquiry_type == RPC_C_EP_MATCH_BY_BOTH;
    bool by_obj = inquiry_type == RPC_C_EP_MATCH_BY_OBJ || inquiry_type == RPC_C_EP_MATCH_BY_BOTH;
    if (inquiry_type > RPC_C_EP_MATCH_BY_BOTH || (by_if && !ifid) || (by_obj && !object)) {
        settle_cursor(entry_handle, 0, false);
        *status = ASIDL_EPT_S_CANT_PERFORM_OP;
        return;
    }
    cursor *c = cursor_of(*entry_handle);
    unsigned skip = c ? c->skip : 0, seen = 0;
    bool more = false;
    *status = 0;
    pthread_mutex_lock(&db.lock);
    for (ep_entry *e = db.head; e; e = e->next) {
        if (by_if && (!asidl__uuid_equal(&e->tower.iface.uuid, &ifid->uuid) ||
                      !version_matches(e->tower.iface.version, ifid->vers_major, ifid->vers_minor, vers_option)))
            continue;
        if (by_obj && !asidl__uuid_equal(&e->object, object))
            continue;
        if (seen++ < skip)
            continue;
        if (*num_ents == max_ents) {
            more = true;
            break;
        }
        asidl__ept_entry *out = &entries[*num_ents];
        out->object = e->object;
        memcpy(out->annotation, e->annotation, sizeof out->annotation);
        if (!(out->tower = copy_tower(e))) {
            *status = ASIDL_EPT_S_CANT_PERFORM_OP;
            break;
        }
        (*num_ents)++;
    }
    pthread_mutex_unlock(&db.lock);
    settle_cursor(entry_handle, skip + *num_ents, more && *status == 0);
    if (*status == 0 && *num_ents == 0)
        *status = ASIDL_EPT_S_NOT_REGISTERED;
}

static bool map_matches(const ep_entry *e, const asidl__tower *want)
{
    return asidl__uuid_equal(&e->tower.iface.uuid, &want->iface.uuid) &&
           ASIDL_SYNTAX_MAJOR(e->tower.iface.version) == ASIDL_SYNTAX_MAJOR(want->iface.version) &&
           ASIDL_SYNTAX_MINOR(e->tower.iface.version) >= ASIDL_SYNTAX_MINOR(want->iface.version) &&
           asidl__syntax_equal(&e->tower.transfer, &want->transfer) &&
           e->tower.rpc_protocol == want->rpc_protocol && e->tower.transport == want->transport;
}

static void ept_map(handle_t h, GUID *object, asidl__twr *map_tower, void **entry_handle, uint32_t max_towers,
                    uint32_t *num_towers, asidl__twr **towers, error_status_t *status)
{
    (void)h;
    *num_towers = 0;
    asidl__tower want;
    if (!map_tower || asidl__tower_decode(map_tower->tower_octet_string, map_tower->tower_length, &want) != RPC_S_OK) {
        settle_cursor(entry_handle, 0, false);
        *status = ASIDL_EPT_S_NOT_REGISTERED;
        return;
    }
    cursor *c = cursor_of(*entry_handle);
    unsigned skip = c ? c->skip : 0, seen = 0;
    bool more = false;
    *status = 0;
    pthread_mutex_lock(&db.lock);
    /* First the entries of the object asked for, then those registered without an object. */
    for (int pass = is_nil(object) ? 1 : 0; pass < 2 && !more && *status == 0; pass++) {
        for (ep_entry *e = db.head; e; e = e->next) {
            if (!map_matches(e, &want))
                continue;
            if (pass == 0 ? !asidl__uuid_equal(&e->object, object) : !is_nil(&e->object))
                continue;
            if (seen++ < skip)
                continue;
            if (*num_towers == max_towers) {
                more = true;
                break;
            }
            if (!(towers[*num_towers] = copy_tower(e))) {
                *status = ASIDL_EPT_S_CANT_PERFORM_OP;
                break;
            }
            (*num_towers)++;
        }
    }
    pthread_mutex_unlock(&db.lock);
    settle_cursor(entry_handle, skip + *num_towers, more && *status == 0);
    if (*status == 0 && *num_towers == 0)
        *status = ASIDL_EPT_S_NOT_REGISTERED;
}

static void ept_lookup_handle_free(handle_t h, void **entry_handle, error_status_t *status)
{
    (void)h;
    settle_cursor(entry_handle, 0, false);
    *status = 0;
}

static void ept_inq_object(handle_t h, GUID *ept_object, error_status_t *status)
{
    (void)h;
    pthread_mutex_lock(&db.lock);
    if (is_nil(&db.self))
        UuidCreate(&db.self);
    *ept_object = db.self;
    pthread_mutex_unlock(&db.lock);
    *status = 0;
}

/* ==================================================================== the interface */

static void (*const ept_epv[ASIDL_EPT_N_PROCS])(void) = {
    (void (*)(void))ept_insert,
    (void (*)(void))ept_delete,
    (void (*)(void))ept_lookup,
    (void (*)(void))ept_map,
    (void (*)(void))ept_lookup_handle_free,
    (void (*)(void))ept_inq_object,
    (void (*)(void))ept_mgmt_delete,
};

static const asidl_interface ept_server_ifspec = {
    ASIDL_INTERFACE_MAGIC, ASIDL_ABI_VERSION,
    { 0xe1af8308, 0x5d1f, 0x11c9, { 0x91, 0xa4, 0x08, 0x00, 0x2b, 0x14, 0xa0, 0xfa } }, 3, 0,
    asidl__ept_procs, ASIDL_EPT_N_PROCS, ept_epv, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL,
};

static bool belongs_to_group(const ep_entry *e, const void *arg)
{
    return e->group == *(const uint32_t *)arg;
}

void asidl__epm_group_ended(uint32_t group)
{
    pthread_mutex_lock(&db.lock);
    unlink_where(belongs_to_group, &group, NULL);
    pthread_mutex_unlock(&db.lock);
}

unsigned asidl__epm_entry_count(void)
{
    pthread_mutex_lock(&db.lock);
    unsigned n = db.n;
    pthread_mutex_unlock(&db.lock);
    return n;
}

RPC_STATUS asidl_epm_serve(const char *port, char *actual, size_t actual_size)
{
    if (!port)
        port = asidl__epmap_port();
    if (actual && actual_size)
        actual[0] = 0;
    asidl__server *s = asidl__rpc_server();
    if (!s)
        return RPC_S_OUT_OF_RESOURCES;
    char got[128];
    RPC_STATUS st = asidl__server_listen(s, ASIDL_PROTSEQ_TCP, NULL, strcmp(port, "0") == 0 ? NULL : port, got,
                                         sizeof got);
    if (st != RPC_S_OK)
        return st;
    /* Serves at once, with or without RpcServerListen. */
    st = RpcServerRegisterIfEx((RPC_IF_HANDLE)&ept_server_ifspec, NULL, NULL,
                               RPC_IF_AUTOLISTEN | RPC_IF_ALLOW_CALLBACKS_WITH_NO_AUTH, RPC_C_LISTEN_MAX_CALLS_DEFAULT,
                               NULL);
    if (st == RPC_S_TYPE_ALREADY_REGISTERED)
        st = RPC_S_OK;                       /* a second port for the same mapper */
    if (st == RPC_S_OK && actual && actual_size)
        snprintf(actual, actual_size, "%s", got);
    return st;
}
