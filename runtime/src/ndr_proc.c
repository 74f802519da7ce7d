/*
 * ndr_proc.c: procedure-level marshalling, the interface the client stubs and the server
 * dispatcher use.  A call's arguments are an argument frame: args[i] is the address of
 * parameter i's value (and of the return value's storage, last), the form libffi takes, so the
 * server dispatcher can call the manager routine straight from the frame, and an asynchronous
 * call can keep the frame and marshal its [out] parameters whenever it completes.
 *
 * Each top-level parameter is its own deferral scope: its referents all come before the next
 * parameter.  Referent IDs and full-pointer aliasing span the whole request or reply.
 */
#include "ndr_internal.h"
#include "rpcrt.h"          /* asidl__ndr_frame_slots_size */

static bool on_wire(const asidl_ndr_param *p)
{
    return !(p->flags & ASIDL_NDR_PARAM_NOWIRE) && p->type;
}

/* ASIDL_NDR_F_CONFORMANT is an array's or a structure's bit; other kinds use that bit for
 * something else (a context handle's STRICT). */
static bool ndr_is_conformant(const asidl_ndr_type *t)
{
    return (t->kind == ASIDL_NDR_ARRAY || t->kind == ASIDL_NDR_STRUCT) && (t->flags & ASIDL_NDR_F_CONFORMANT);
}

static long check_proc(const asidl_ndr_proc *proc, void **args)
{
    if (!proc || !args)
        return RPC_S_INVALID_ARG;
    if (proc->magic != ASIDL_NDR_MAGIC)
        return (proc->magic & 0xFFFFFF00u) == ASIDL_NDR_MAGIC_FAMILY ? RPC_X_WRONG_STUB_VERSION
                                                                      : RPC_S_INTERNAL_ERROR;
    return RPC_S_OK;
}

/* ---- frames ---- */

static const ndr_proc_info *frame_info(const asidl_ndr_proc *proc)
{
    return proc->magic == ASIDL_NDR_MAGIC ? ndr_proc_info_get(proc) : NULL;
}

size_t asidl_ndr_frame_size(const asidl_ndr_proc *proc)
{
    const ndr_proc_info *info = frame_info(proc);
    return info ? info->frame_size : ndr_frame_layout(proc, NULL, NULL);
}

size_t asidl__ndr_frame_slots_size(const asidl_ndr_proc *proc)
{
    const ndr_proc_info *info = frame_info(proc);
    return info ? info->slots_size : ndr_frame_layout(proc, NULL, NULL);
}

void asidl_ndr_frame_init(const asidl_ndr_proc *proc, void *block, void **args)
{
    const ndr_proc_info *info = frame_info(proc);
    if (!info) {
        memset(block, 0, ndr_frame_layout(proc, block, args));
        return;
    }
    unsigned char *b = block;
    for (uint32_t i = 0; i < info->n_params; i++)
        args[i] = b + info->param[i].offset;
    memset(block, 0, info->slots_size);     /* (the room is cleared where it is used) */
}

/* ---- marshalling one direction ---- */

/* Marshals (or sizes) the parameters whose flags include `which`. */
static long marshal_params(ndr_call *c, const asidl_ndr_proc *proc, void **args, unsigned which)
{
    c->p.proc = proc;
    c->p.frame = args;
    return ndr_params_marshal(c, ndr_call_info(c, proc), proc, args,
                              which == ASIDL_NDR_PARAM_IN ? NDR_LIST_IN : NDR_LIST_OUT);
}

static long size_pass(ndr_call *c, const asidl_ndr_proc *proc, void **args, unsigned which, size_t *size)
{
    long st = check_proc(proc, args);
    if (st)
        return st;
    ndr_begin_pass(c, NDR_MODE_SIZE);
    st = marshal_params(c, proc, args, which);
    if (!st)
        *size = c->p.size_pos;
    return st;
}

static long marshal_pass(ndr_call *c, const asidl_ndr_proc *proc, void **args, unsigned which,
                         asidl_ndr_buffer *out)
{
    long st = check_proc(proc, args);
    if (st)
        return st;
    ndr_begin_pass(c, NDR_MODE_MARSHAL);
    c->p.out = out;
    size_t len = out->len;
    st = marshal_params(c, proc, args, which);
    if (st)
        out->len = len;
    return st;
}

long asidl_ndr_client_size(asidl_ndr_call *call, const asidl_ndr_proc *proc, void **args, size_t *size)
{
    return size_pass(call, proc, args, ASIDL_NDR_PARAM_IN, size);
}

long asidl_ndr_client_marshal(asidl_ndr_call *call, const asidl_ndr_proc *proc, void **args,
                              asidl_ndr_buffer *out)
{
    if (call->p.capacities.used)
        ndr_map_clear(&call->p.capacities);
    return marshal_pass(call, proc, args, ASIDL_NDR_PARAM_IN, out);
}

long asidl_ndr_server_size(asidl_ndr_call *call, const asidl_ndr_proc *proc, void **args, size_t *size)
{
    return size_pass(call, proc, args, ASIDL_NDR_PARAM_OUT, size);
}

long asidl_ndr_server_marshal(asidl_ndr_call *call, const asidl_ndr_proc *proc, void **args,
                              asidl_ndr_buffer *out)
{
    return marshal_pass(call, proc, args, ASIDL_NDR_PARAM_OUT, out);
}

/* ---- client: the reply ---- */

/* After a failed reply: what the caller's [out]-only storage holds is not to be trusted, so
 * fixed-size referents and the return value are zeroed (pointers the call allocated were
 * already reset to NULL and freed). */
static void clear_out_params(const asidl_ndr_proc *proc, void **args)
{
    for (uint32_t i = 0; i < proc->n_params; i++) {
        const asidl_ndr_param *p = &proc->params[i];
        if (!on_wire(p) || !(p->flags & ASIDL_NDR_PARAM_OUT) || (p->flags & ASIDL_NDR_PARAM_IN))
            continue;
        const asidl_ndr_type *t = p->type;
        if (p->flags & ASIDL_NDR_PARAM_RETURN) {
            memset(args[i], 0, p->mem_size);
        } else if (t->kind == ASIDL_NDR_POINTER) {
            const asidl_ndr_type *r = ((const asidl_ndr_pointer *)t)->referent;
            void *target;
            memcpy(&target, args[i], sizeof target);
            if (target && !ndr_is_conformant(r) && r->mem_size)
                memset(target, 0, r->mem_size);
        }
    }
}

long asidl_ndr_client_unmarshal(asidl_ndr_call *call, const asidl_ndr_proc *proc, void **args,
                                const void *buf, size_t len, unsigned drep)
{
    ndr_call *c = call;
    long st = check_proc(proc, args);
    if (st)
        return st;
    ndr_begin_pass(c, NDR_MODE_UNMARSHAL);
    c->p.proc = proc;
    c->p.frame = args;
    st = ndr_set_input(c, buf, len, 0, drep);
    if (!st)
        st = ndr_params_client_unmarshal(c, ndr_call_info(c, proc), proc, args);
    if (!st) {
        c->p.param = proc->n_params;
        st = ndr_finish_unmarshal(c);
    }
    if (st) {
        ndr_undo_rollback(c, 0);
        clear_out_params(proc, args);
        return st;
    }
    c->p.undo_len = 0;
    return RPC_S_OK;
}

/* ---- server: the request ---- */

/* Elements the server allocates for an [out]-only conformant array, from [in] parameters. */
static long declared_elements(ndr_call *c, const asidl_ndr_array *a, size_t *n)
{
    *n = 1;
    for (uint32_t i = 0; i < a->n_dims; i++) {
        const asidl_ndr_dim *d = &a->dims[i];
        int64_t v, lower = 0;
        bool ready;
        long st;
        if (d->count) {
            v = d->count;
        } else if (d->size_is || d->max_is) {
            if (d->min_is && (st = ndr_eval(c, c->p.proc, c->p.frame, d->min_is, NULL, &lower, &ready)))
                return st;
            if ((st = ndr_eval(c, c->p.proc, c->p.frame, d->size_is ? d->size_is : d->max_is, NULL, &v, &ready)))
                return st;
            if (!d->size_is && (__builtin_sub_overflow(v, lower, &v) || __builtin_add_overflow(v, 1, &v)))
                return RPC_X_INVALID_BOUND;
        } else {
            return RPC_X_INVALID_BOUND;     /* an [out] string needs a stated size */
        }
        if (v < 0 || v > UINT32_MAX || __builtin_mul_overflow(*n, (size_t)v, n))
            return RPC_X_INVALID_BOUND;
    }
    return RPC_S_OK;
}

/* The frame's room for [out] referents (NDR_OUT_ROOM), if the procedure's frame has one and
 * args is laid out as asidl_ndr_frame_init lays it (a frame of the caller's own making, its
 * slots elsewhere, has no room): what is left of it. */
typedef struct out_room {
    unsigned char *base;        /* the frame */
    unsigned char *at;          /* its room (NULL: none) */
    size_t left;
} out_room;

static out_room frame_room(const ndr_proc_info *info, void **args)
{
    out_room r = { NULL, NULL, 0 };
    if (!info || !info->out_room_at || !ndr_fast_paths)
        return r;
    unsigned char *base = (unsigned char *)args[0] - info->param[0].offset;
    uint32_t last = info->n_params - 1;
    if ((unsigned char *)args[last] != base + info->param[last].offset)
        return r;
    r.base = base;
    r.at = base + info->out_room_at;
    r.left = NDR_OUT_ROOM;
    return r;
}

/* n zeroed octets for an [out] referent in the room, counted against the call's cap as
 * ndr_alloc counts them; false (nothing done) if they do not fit. */
static bool room_alloc(ndr_call *c, out_room *room, size_t n, void **slot, long *st)
{
    if (n == 0)
        n = 1;      /* as ndr_alloc: a distinct non-NULL block */
    size_t used = NDR_OUT_ROOM - room->left, at = (used + 7) & ~(size_t)7;
    if (at > NDR_OUT_ROOM || n > NDR_OUT_ROOM - at)
        return false;
    if (n > c->alloc_limit || c->p.alloc_total > c->alloc_limit - n) {
        *st = RPC_X_NO_MEMORY;
        return true;
    }
    /* a failed pass leaves nothing in the frame, as for a block it allocated */
    if ((*st = ndr_undo_push(c, NDR_UNDO_SLOT, NULL, slot, NULL)))
        return true;
    c->p.alloc_total += n;
    unsigned char *mem = room->at + at;
    /* whole words: at is a multiple of 8 and so is the room's end (a call to memset costs
     * more than the few words an [out] referent here has) */
    static const uint64_t zero;
    for (size_t i = 0; i < n; i += 8)
        memcpy(mem + i, &zero, 8);
    *slot = mem;
    room->left = NDR_OUT_ROOM - (at + n);
    return true;
}

/* [out]-only pointer parameters get zeroed storage for the manager to fill: in the frame's
 * room if there is one and it fits, else a block. */
static long allocate_out_param(ndr_call *c, const ndr_param_info *pi, const asidl_ndr_param *p, void *slot,
                               out_room *room)
{
    if (p->type->kind != ASIDL_NDR_POINTER)
        return RPC_S_OK;            /* the frame slot itself is the storage */
    const asidl_ndr_type *r = ((const asidl_ndr_pointer *)p->type)->referent;
    long st = ndr_check_magic(r);
    if (st)
        return st;
    size_t bytes = r->mem_size;
    if (ndr_is_conformant(r)) {
        if (r->kind != ASIDL_NDR_ARRAY)
            return RPC_X_INVALID_BOUND;
        size_t n;
        int64_t size;
        if (ndr_fast_paths && ndr_known_size(c, pi, false, &size)) {   /* (every [in] one is there) */
            if (size < 0 || size > UINT32_MAX)
                return RPC_X_INVALID_BOUND;     /* as declared_elements has it */
            n = (size_t)size;
        } else if ((st = declared_elements(c, (const asidl_ndr_array *)r, &n))) {
            return st;
        }
        if (__builtin_mul_overflow(n, (size_t)((const asidl_ndr_array *)r)->elem->mem_size, &bytes))
            return RPC_X_INVALID_BOUND;
    }
    /* (asidl_ndr_server_free knows the referent by its slot's place in the frame) */
    if (room->at && pi->free == NDR_FREE_BLOCK && (unsigned char *)slot == room->base + pi->offset &&
        room_alloc(c, room, bytes, (void **)slot, &st))
        return st;
    void *mem;
    return ndr_alloc(c, bytes, true, (void **)slot, &mem);
}

long asidl_ndr_server_unmarshal(asidl_ndr_call *call, const asidl_ndr_proc *proc, void **args,
                                const void *buf, size_t len, unsigned drep)
{
    ndr_call *c = call;
    long st = check_proc(proc, args);
    if (st)
        return st;
    ndr_begin_pass(c, NDR_MODE_UNMARSHAL);
    c->p.proc = proc;
    c->p.frame = args;
    st = ndr_set_input(c, buf, len, 0, drep);
    const ndr_proc_info *info = ndr_call_info(c, proc);
    if (!st)
        st = ndr_params_server_unmarshal(c, info, proc, args);
    c->p.param = proc->n_params;        /* every [in] parameter is there now */
    ndr_param_info local;
    ndr_param_iter it = ndr_params(info, proc, NDR_LIST_OUT_ONLY);
    out_room room = st ? (out_room){ NULL, NULL, 0 } : frame_room(info, args);
    for (uint32_t i; !st && ndr_next_param(&it, &i);)
        st = allocate_out_param(c, ndr_param_info_of(info, proc, i, &local), &proc->params[i], args[i], &room);
    if (!st)
        st = ndr_finish_unmarshal(c);
    if (st) {
        ndr_undo_rollback(c, 0);
        return st;
    }
    c->p.undo_len = 0;
    return RPC_S_OK;
}
