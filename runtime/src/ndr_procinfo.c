/*
 * ndr_procinfo.c: what the engine works out once per procedure descriptor, not on every call:
 * each parameter's shape (ndr_shapes.c), what freeing it takes (ndr_free.c), which parameters
 * each pass visits, and the argument frame's layout.
 *
 * Descriptors are constant for as long as they are used (a stub's are static const), so
 * what follows from them can be kept.  The infos live in a table keyed by the descriptor's
 * address, filled lazily and without locks: a slot goes from empty to an info once (compare
 * and swap) and never changes again, and infos are never freed, so a reader needs no more
 * than an acquiring load.  Two threads may work the same info out at once; one keeps its own,
 * the other frees its copy.  An info also records the parameter array it was made from: a
 * descriptor built in memory later reused for another one (tests build some on the stack)
 * does not match an older info, and gets a slot of its own.  When the table is full or memory
 * is short, ndr_proc_info_get returns NULL and the engine works everything out per call as
 * before: slower, never different.
 */
#include <stdlib.h>

#include "ndr_internal.h"

/* NDR_INFO_SLOTS procedures can be kept: far more than the interfaces of one process define.
 * A lookup probes at most PROBES slots from the one the address hashes to. */
enum { PROBES = 16 };

const ndr_proc_info *ndr_infos[NDR_INFO_SLOTS];

/* ---- frames ---- */

/* A slot is aligned to the smallest power of two that covers it, up to 8. */
static size_t slot_align(const asidl_ndr_param *p)
{
    static const uint8_t by_size[8] = { 1, 1, 2, 4, 4, 8, 8, 8 };
    if (p->ctype == ASIDL_NDR_C_AGGREGATE)
        return _Alignof(max_align_t);
    return p->mem_size < 8 ? by_size[p->mem_size] : 8;
}

size_t ndr_out_room_at(const asidl_ndr_proc *proc, size_t slots)
{
    /* An [async] call's frame lives while the call is pending: heap blocks of the [out]
     * referents' own sizes hold less than a room each pending call would keep. */
    if (proc->flags & ASIDL_NDR_PROC_ASYNC)
        return 0;
    bool any = false;
    for (uint32_t i = 0; i < proc->n_params; i++) {
        const asidl_ndr_param *p = &proc->params[i];
        uint8_t kind = ndr_param_free_kind(p);
        if (kind == NDR_FREE_WALK)
            return 0;       /* the free walk would not know the room */
        any |= kind == NDR_FREE_BLOCK && ndr_param_in_list(p, NDR_LIST_OUT_ONLY);
    }
    return any ? (slots + 15) & ~(size_t)15 : 0;
}

size_t ndr_frame_layout(const asidl_ndr_proc *proc, unsigned char *block, void **args)
{
    size_t size = 0;
    for (uint32_t i = 0; i < proc->n_params; i++) {
        const asidl_ndr_param *p = &proc->params[i];
        size_t a = slot_align(p);
        size = (size + a - 1) & ~(a - 1);
        if (args)
            args[i] = block + size;
        size += p->mem_size ? p->mem_size : 1;
    }
    size_t room = ndr_out_room_at(proc, size);
    return room ? room + NDR_OUT_ROOM : size ? size : 1;
}

/* ---- the table ---- */

static ndr_proc_info *make_info(const asidl_ndr_proc *proc)
{
    size_t params = sizeof(ndr_proc_info) + proc->n_params * sizeof(ndr_param_info);
    ndr_proc_info *info = malloc(params + (NDR_LISTS + 1) * proc->n_params * sizeof(uint32_t));
    if (!info)
        return NULL;
    uint32_t *lists = (uint32_t *)(void *)((unsigned char *)info + params);
    for (int l = 0; l < NDR_LISTS; l++) {
        info->list[l] = lists;
        info->n_list[l] = 0;
        for (uint32_t i = 0; i < proc->n_params; i++)
            if (ndr_param_in_list(&proc->params[i], l))
                lists[info->n_list[l]++] = i;
        lists += info->n_list[l];
    }
    info->proc = proc;
    info->params = proc->params;
    info->n_params = proc->n_params;
    size_t size = 0;
    bool plain = true;
    for (uint32_t i = 0; i < proc->n_params; i++) {
        const asidl_ndr_param *p = &proc->params[i];
        size_t a = slot_align(p);
        size = (size + a - 1) & ~(a - 1);
        info->param[i].offset = size;
        size += p->mem_size ? p->mem_size : 1;
        ndr_param_classify(p, &info->param[i]);
        ndr_param_classify_size(proc, i, &info->param[i]);
        info->param[i].free = ndr_param_free_kind(p);
        plain &= info->param[i].free != NDR_FREE_WALK;
    }
    info->slots_size = size;
    info->out_room_at = ndr_out_room_at(proc, size);
    info->frame_size = info->out_room_at ? info->out_room_at + NDR_OUT_ROOM : size ? size : 1;
    info->plain = plain;
    info->blocks = lists;
    info->n_blocks = 0;
    for (uint32_t i = 0; i < proc->n_params; i++)
        if (info->param[i].free == NDR_FREE_BLOCK)
            lists[info->n_blocks++] = i;
    return info;
}

const ndr_proc_info *ndr_proc_info_find(const asidl_ndr_proc *proc)
{
    size_t at = ndr_info_slot(proc);
    ndr_proc_info *mine = NULL;
    for (int probe = 0; probe < PROBES; probe++, at = (at + 1) % NDR_INFO_SLOTS) {
        const ndr_proc_info *seen = __atomic_load_n(&ndr_infos[at], __ATOMIC_ACQUIRE);
        if (!seen) {
            if (!mine && !(mine = make_info(proc)))
                return NULL;
            const ndr_proc_info *expected = NULL;
            if (__atomic_compare_exchange_n(&ndr_infos[at], &expected, mine, false, __ATOMIC_ACQ_REL,
                                            __ATOMIC_ACQUIRE))
                return mine;
            seen = expected;    /* another thread filled the slot first */
        }
        if (ndr_info_describes(seen, proc)) {
            free(mine);
            return seen;
        }
    }
    free(mine);
    return NULL;
}
