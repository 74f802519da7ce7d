/*
 * ndr_validate.c: consistency checks on descriptor graphs.  The engine trusts descriptors for
 * everything the wire cannot contradict (alignments, flags, offsets); this is where a wrong
 * hand-written or generated table is caught, with a sentence saying what is wrong.  Tests run
 * it over every descriptor they use; the generator's golden tests run it over its output.
 */
#include <stdlib.h>

#include "ndr_internal.h"

typedef struct validator {
    const asidl_ndr_proc *proc;
    const asidl_ndr_type **seen;
    size_t n_seen, cap_seen;
    const char *why;
} validator;

static long fail(validator *v, const char *why)
{
    if (!v->why)
        v->why = why;
    return RPC_S_INTERNAL_ERROR;
}

static bool power_of_two_align(unsigned a)
{
    return a == 1 || a == 2 || a == 4 || a == 8;
}

static long check_expr(validator *v, const asidl_ndr_op *e, bool field_ok)
{
    int depth = 0, n = 0;
    bool top_is_addr = false;
    for (; e->op != ASIDL_NDR_OP_END; e++) {
        if (++n > 256)
            return fail(v, "expression too long or not terminated");
        switch (e->op) {
        case ASIDL_NDR_OP_CONST:
            depth++;
            top_is_addr = false;
            break;
        case ASIDL_NDR_OP_FIELD:
        case ASIDL_NDR_OP_FIELD_ADDR:
            if (!field_ok)
                return fail(v, "expression reads a field outside a structure");
            if (e->arg < 0)
                return fail(v, "negative field offset in expression");
            depth++;
            top_is_addr = e->op == ASIDL_NDR_OP_FIELD_ADDR;
            break;
        case ASIDL_NDR_OP_PARAM:
        case ASIDL_NDR_OP_PARAM_ADDR:
            if (!v->proc)
                return fail(v, "expression reads a parameter outside a procedure");
            if (e->arg < 0 || e->arg >= v->proc->n_params)
                return fail(v, "expression reads a parameter that does not exist");
            depth++;
            top_is_addr = e->op == ASIDL_NDR_OP_PARAM_ADDR;
            break;
        case ASIDL_NDR_OP_DEREF:
        case ASIDL_NDR_OP_DEREF_ADDR:
            if (depth < 1 || !top_is_addr)
                return fail(v, "dereference of something that is not an address");
            top_is_addr = e->op == ASIDL_NDR_OP_DEREF_ADDR;
            break;
        case ASIDL_NDR_OP_NEG: case ASIDL_NDR_OP_NOT: case ASIDL_NDR_OP_BITNOT:
            if (depth < 1 || top_is_addr)
                return fail(v, "unary operator without an integer operand");
            break;
        case ASIDL_NDR_OP_COND:
            if (depth < 3 || top_is_addr)
                return fail(v, "conditional without three operands");
            depth -= 2;
            break;
        default:
            if (e->op < ASIDL_NDR_OP_ADD || e->op > ASIDL_NDR_OP_GE)
                return fail(v, "unknown expression operator");
            if (depth < 2 || top_is_addr)
                return fail(v, "binary operator without two integer operands");
            depth--;
            break;
        }
        if (e->op == ASIDL_NDR_OP_FIELD || e->op == ASIDL_NDR_OP_PARAM || e->op == ASIDL_NDR_OP_DEREF) {
            unsigned size = e->ctype & 0x0F;
            if ((e->ctype & 0x70) || (size != 1 && size != 2 && size != 4 && size != 8))
                return fail(v, "expression operand with an invalid C type");
        }
        if (depth > 16)
            return fail(v, "expression needs too deep a stack");
    }
    if (depth != 1 || top_is_addr)
        return fail(v, "expression does not end with one integer");
    return RPC_S_OK;
}

static long check_type(validator *v, const asidl_ndr_type *t, bool in_struct);

static bool has_complex(const asidl_ndr_type *t)
{
    return t && (t->flags & ASIDL_NDR_F_COMPLEX);
}

static bool is_conformant(const asidl_ndr_type *t)
{
    return (t->kind == ASIDL_NDR_ARRAY || t->kind == ASIDL_NDR_STRUCT) && (t->flags & ASIDL_NDR_F_CONFORMANT);
}

static long check_base(validator *v, const asidl_ndr_base *b)
{
    unsigned ws = ndr_wire_size(b->wire);
    if (!ws)
        return fail(v, "base type with an unknown wire type");
    if (b->hdr.align != ws)
        return fail(v, "base type alignment differs from its wire size");
    unsigned m = b->hdr.mem_size;
    if (m != 1 && m != 2 && m != 4 && m != 8)
        return fail(v, "base type with an impossible C size");
    if (m < ws)
        return fail(v, "base type smaller in C than on the wire");
    if ((b->wire == ASIDL_NDR_W_FLOAT || b->wire == ASIDL_NDR_W_DOUBLE) && m != ws)
        return fail(v, "floating type with a C size other than its wire size");
    if (b->hdr.flags)
        return fail(v, "base type with flags");
    return RPC_S_OK;
}

static long check_struct(validator *v, const asidl_ndr_struct *s)
{
    if (!s->n_fields || !s->fields)
        return fail(v, "structure without fields");
    unsigned align = 1;
    bool complex = false;
    for (uint32_t i = 0; i < s->n_fields; i++) {
        const asidl_ndr_field *f = &s->fields[i];
        long st = check_type(v, f->type, true);
        if (st)
            return st;
        if (i && f->offset <= s->fields[i - 1].offset)
            return fail(v, "structure fields not in increasing offset order");
        bool last = i == s->n_fields - 1;
        if (is_conformant(f->type) && !last)
            return fail(v, "conformant member that is not the last one");
        if (!is_conformant(f->type) && f->offset + (uint64_t)f->type->mem_size > s->hdr.mem_size)
            return fail(v, "structure member beyond the structure's size");
        if (f->type->align > align)
            align = f->type->align;
        complex |= has_complex(f->type);
    }
    if (s->hdr.align != align)
        return fail(v, "structure alignment is not its largest member's");
    if (complex != has_complex(&s->hdr))
        return fail(v, "structure COMPLEX flag does not match its members");
    bool conformant = is_conformant(s->fields[s->n_fields - 1].type);
    if (conformant != ((s->hdr.flags & ASIDL_NDR_F_CONFORMANT) != 0))
        return fail(v, "structure CONFORMANT flag does not match its last member");
    if (s->hdr.flags & ~(ASIDL_NDR_F_COMPLEX | ASIDL_NDR_F_CONFORMANT))
        return fail(v, "structure with unknown flags");
    return RPC_S_OK;
}

static long check_array(validator *v, const asidl_ndr_array *a, bool in_struct)
{
    long st = check_type(v, a->elem, in_struct);
    if (st)
        return st;
    if (is_conformant(a->elem))
        return fail(v, "array of conformant elements");
    if (a->n_dims == 0 || a->n_dims > ASIDL_NDR_MAX_DIMS || !a->dims)
        return fail(v, "array with no or too many dimensions");
    bool conformant = false, varying = false, string = (a->hdr.flags & ASIDL_NDR_F_STRING) != 0;
    uint64_t fixed = a->elem->mem_size;
    for (uint32_t i = 0; i < a->n_dims; i++) {
        const asidl_ndr_dim *d = &a->dims[i];
        int sizes = (d->count != 0) + (d->size_is != NULL) + (d->max_is != NULL);
        if (sizes > 1)
            return fail(v, "array dimension with more than one size");
        if (sizes == 0 && !string)
            return fail(v, "array dimension without a size");
        if (d->min_is && !d->size_is && !d->max_is)
            return fail(v, "min_is on a dimension that is not conformant");
        if (d->length_is && d->last_is)
            return fail(v, "both length_is and last_is");
        conformant |= d->count == 0;
        varying |= d->length_is || d->first_is || d->last_is;
        fixed *= d->count;
        const asidl_ndr_op *exprs[] = { d->size_is, d->max_is, d->min_is, d->length_is, d->first_is, d->last_is };
        for (size_t k = 0; k < sizeof exprs / sizeof exprs[0]; k++)
            if (exprs[k] && (st = check_expr(v, exprs[k], in_struct)))
                return st;
    }
    if (string) {
        const asidl_ndr_base *e = (const asidl_ndr_base *)a->elem;
        if (a->n_dims != 1)
            return fail(v, "multi-dimensional [string] array");
        if (a->elem->kind != ASIDL_NDR_BASE || e->wire == ASIDL_NDR_W_FLOAT || e->wire == ASIDL_NDR_W_DOUBLE ||
            e->wire == ASIDL_NDR_W_ENUM16 || e->wire == ASIDL_NDR_W_ENUM32 || ndr_wire_size(e->wire) > 2)
            return fail(v, "[string] array of something other than characters");
        if (varying)
            return fail(v, "[string] array with length_is, first_is or last_is");
        varying = true;
    }
    if (conformant != ((a->hdr.flags & ASIDL_NDR_F_CONFORMANT) != 0))
        return fail(v, "array CONFORMANT flag does not match its dimensions");
    if (varying != ((a->hdr.flags & ASIDL_NDR_F_VARYING) != 0))
        return fail(v, "array VARYING flag does not match its dimensions");
    if (a->hdr.align != a->elem->align)
        return fail(v, "array alignment is not its element's");
    if (!conformant && a->hdr.mem_size != fixed)
        return fail(v, "fixed array size is not element size times counts");
    if (conformant && a->hdr.mem_size != 0)
        return fail(v, "conformant array with a fixed size");
    if (has_complex(a->elem) != has_complex(&a->hdr))
        return fail(v, "array COMPLEX flag does not match its element");
    if (a->hdr.flags & ~(ASIDL_NDR_F_COMPLEX | ASIDL_NDR_F_CONFORMANT | ASIDL_NDR_F_VARYING | ASIDL_NDR_F_STRING))
        return fail(v, "array with unknown flags");
    return RPC_S_OK;
}

static long check_union(validator *v, const asidl_ndr_union *u, bool in_struct)
{
    bool encap = (u->hdr.flags & ASIDL_NDR_F_ENCAPSULATED) != 0;
    long st = check_type(v, u->switch_type, in_struct);
    if (st)
        return st;
    const asidl_ndr_type *sw = u->switch_type;
    if (sw->kind == ASIDL_NDR_RANGE)
        sw = ((const asidl_ndr_range *)sw)->base;
    if (sw->kind != ASIDL_NDR_BASE)
        return fail(v, "union switch type is not a base type");
    uint8_t w = ((const asidl_ndr_base *)sw)->wire;
    if (w == ASIDL_NDR_W_FLOAT || w == ASIDL_NDR_W_DOUBLE)
        return fail(v, "union switch type is a floating type");
    unsigned align = sw->align;
    if (encap) {
        if (u->switch_is)
            return fail(v, "encapsulated union with switch_is");
        if (u->discrim_offset + (uint64_t)sw->mem_size > u->hdr.mem_size || u->arm_offset > u->hdr.mem_size)
            return fail(v, "encapsulated union offsets beyond its size");
    } else {
        if (!u->switch_is)
            return fail(v, "non-encapsulated union without switch_is");
        if ((st = check_expr(v, u->switch_is, in_struct)))
            return st;
    }
    if (u->n_arms && !u->arms)
        return fail(v, "union without its arms");
    for (uint32_t i = 0; i < u->n_arms; i++) {
        const asidl_ndr_type *arm = u->arms[i].type;
        for (uint32_t j = 0; j < i; j++)
            if (u->arms[j].case_value == u->arms[i].case_value)
                return fail(v, "union with a repeated case value");
        if (!arm)
            continue;
        if ((st = check_type(v, arm, in_struct)))
            return st;
        if (is_conformant(arm))
            return fail(v, "conformant union arm");
        if (arm->align > align)
            align = arm->align;
        if (arm->mem_size > u->hdr.mem_size - (encap ? u->arm_offset : 0))
            return fail(v, "union arm larger than the union");
    }
    if (u->default_arm) {
        if (!(u->hdr.flags & ASIDL_NDR_F_HAS_DEFAULT))
            return fail(v, "default arm without HAS_DEFAULT");
        if ((st = check_type(v, u->default_arm, in_struct)))
            return st;
        if (u->default_arm->align > align)
            align = u->default_arm->align;
    }
    if (u->hdr.align != align)
        return fail(v, "union alignment is not the largest of discriminant and arms");
    if (!has_complex(&u->hdr))
        return fail(v, "union without the COMPLEX flag");
    if (u->hdr.flags & ~(ASIDL_NDR_F_COMPLEX | ASIDL_NDR_F_ENCAPSULATED | ASIDL_NDR_F_HAS_DEFAULT | ASIDL_NDR_F_MS_UNION))
        return fail(v, "union with unknown flags");
    return RPC_S_OK;
}

static long check_type(validator *v, const asidl_ndr_type *t, bool in_struct)
{
    if (!t)
        return fail(v, "missing type descriptor");
    if (t->magic != ASIDL_NDR_MAGIC)
        return fail(v, (t->magic & 0xFFFFFF00u) == ASIDL_NDR_MAGIC_FAMILY ? "descriptor of another format version"
                                                                          : "not a type descriptor (bad magic)");
    for (size_t i = 0; i < v->n_seen; i++)
        if (v->seen[i] == t)
            return RPC_S_OK;    /* already checked, or being checked (recursive types) */
    if (v->n_seen == v->cap_seen) {
        size_t n = v->cap_seen ? v->cap_seen * 2 : 32;
        const asidl_ndr_type **s = realloc(v->seen, n * sizeof *s);
        if (!s)
            return RPC_X_NO_MEMORY;
        v->seen = s;
        v->cap_seen = n;
    }
    v->seen[v->n_seen++] = t;
    if (!power_of_two_align(t->align))
        return fail(v, "alignment is not 1, 2, 4 or 8");
    switch (t->kind) {
    case ASIDL_NDR_BASE:
        return check_base(v, (const asidl_ndr_base *)t);
    case ASIDL_NDR_RANGE: {
        const asidl_ndr_range *r = (const asidl_ndr_range *)t;
        long st = check_type(v, r->base, in_struct);
        if (st)
            return st;
        if (r->base->kind != ASIDL_NDR_BASE)
            return fail(v, "range over something other than a base type");
        if (t->align != r->base->align || t->mem_size != r->base->mem_size)
            return fail(v, "range alignment or size differs from its base type's");
        if (r->min > r->max)
            return fail(v, "range with min above max");
        return RPC_S_OK;
    }
    case ASIDL_NDR_STRUCT:
        return check_struct(v, (const asidl_ndr_struct *)t);
    case ASIDL_NDR_ARRAY:
        return check_array(v, (const asidl_ndr_array *)t, in_struct);
    case ASIDL_NDR_POINTER: {
        const asidl_ndr_pointer *p = (const asidl_ndr_pointer *)t;
        unsigned kind = t->flags & ASIDL_NDR_PTR_KIND_MASK;
        if (kind < ASIDL_NDR_PTR_REF || kind > ASIDL_NDR_PTR_IGNORE)
            return fail(v, "pointer of unknown kind");
        if (t->flags & ~(ASIDL_NDR_F_COMPLEX | ASIDL_NDR_PTR_KIND_MASK))
            return fail(v, "pointer with unknown flags");
        if (t->align != 4 || t->mem_size != sizeof(void *) || !has_complex(t))
            return fail(v, "pointer needs align 4, sizeof(void *) and COMPLEX");
        if (kind == ASIDL_NDR_PTR_IGNORE && !p->referent)
            return RPC_S_OK;
        return check_type(v, p->referent, in_struct);
    }
    case ASIDL_NDR_UNION:
        return check_union(v, (const asidl_ndr_union *)t, in_struct);
    case ASIDL_NDR_CONTEXT_HANDLE:
        if (t->align != 4 || t->mem_size != sizeof(void *) || !has_complex(t))
            return fail(v, "context handle needs align 4, sizeof(void *) and COMPLEX");
        return RPC_S_OK;
    case ASIDL_NDR_USER_MARSHAL: {
        const asidl_ndr_user_marshal *u = (const asidl_ndr_user_marshal *)t;
        if (!u->size || !u->marshal || !u->unmarshal || !u->free)
            return fail(v, "user_marshal type without its four routines");
        if (!has_complex(t))
            return fail(v, "user_marshal type without the COMPLEX flag");
        return RPC_S_OK;
    }
    case ASIDL_NDR_TRANSMIT_AS: {
        const asidl_ndr_transmit_as *x = (const asidl_ndr_transmit_as *)t;
        if (!x->to_wire || !x->from_wire || !x->free_wire)
            return fail(v, "transmit_as type without its conversion routines");
        if (!has_complex(t))
            return fail(v, "transmit_as type without the COMPLEX flag");
        long st = check_type(v, x->wire_type, false);
        if (st)
            return st;
        if (t->align != x->wire_type->align)
            return fail(v, "transmit_as alignment differs from the transmitted type's");
        return RPC_S_OK;
    }
    case ASIDL_NDR_INTERFACE:
    case ASIDL_NDR_PIPE:
        return fail(v, "interface pointers and pipes are not supported yet");
    }
    return fail(v, "unknown descriptor kind");
}

long asidl_ndr_validate_type(const asidl_ndr_type *type, const char **why)
{
    validator v = { 0 };
    long st = check_type(&v, type, false);
    free(v.seen);
    if (why)
        *why = st ? v.why : NULL;
    return st;
}

long asidl_ndr_validate_proc(const asidl_ndr_proc *proc, const char **why)
{
    validator v = { .proc = proc };
    long st = RPC_S_OK;
    if (!proc || proc->magic != ASIDL_NDR_MAGIC) {
        st = fail(&v, "not a procedure descriptor (bad magic)");
    } else if (proc->n_params && !proc->params) {
        st = fail(&v, "procedure without its parameters");
    } else {
        for (uint32_t i = 0; i < proc->n_params && !st; i++) {
            const asidl_ndr_param *p = &proc->params[i];
            bool last = i == proc->n_params - 1U;
            if (p->flags & ASIDL_NDR_PARAM_RETURN) {
                if (!last || !(proc->flags & ASIDL_NDR_PROC_HAS_RETURN))
                    st = fail(&v, "return value that is not the last entry of a HAS_RETURN procedure");
            } else if (last && (proc->flags & ASIDL_NDR_PROC_HAS_RETURN)) {
                st = fail(&v, "HAS_RETURN procedure whose last entry is not the return value");
            } else if (!(p->flags & (ASIDL_NDR_PARAM_IN | ASIDL_NDR_PARAM_OUT))) {
                st = fail(&v, "parameter neither [in] nor [out]");
            }
            if (!st && p->ctype != ASIDL_NDR_C_VOID && p->mem_size == 0)
                st = fail(&v, "parameter without a size");
            if (!st && !(p->flags & ASIDL_NDR_PARAM_NOWIRE))
                st = check_type(&v, p->type, false);
        }
        if (!st && (proc->handle_kind == ASIDL_NDR_HANDLE_EXPLICIT || proc->handle_kind == ASIDL_NDR_HANDLE_GENERIC ||
                    proc->handle_kind == ASIDL_NDR_HANDLE_CONTEXT) &&
            proc->handle_param >= proc->n_params)
            st = fail(&v, "binding parameter index out of range");
        if (!st && proc->handle_kind == ASIDL_NDR_HANDLE_GENERIC && (!proc->generic_bind || !proc->generic_unbind))
            st = fail(&v, "generic handle without bind/unbind routines");
        if (!st && proc->handle_kind == ASIDL_NDR_HANDLE_IMPLICIT && !proc->implicit_handle)
            st = fail(&v, "implicit handle without its variable");
        if (!st && proc->handle_kind > ASIDL_NDR_HANDLE_AUTO)
            st = fail(&v, "unknown binding handle kind");
    }
    free(v.seen);
    if (why)
        *why = st ? v.why : NULL;
    return st;
}
