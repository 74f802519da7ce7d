/*
 * ndr_expr.c: correlation expressions (size_is, length_is, first_is, last_is, max_is, min_is,
 * switch_is).  A small stack machine over 64-bit integers; every arithmetic step is checked,
 * so a hostile count can make an expression fail but never wrap into a small, wrong size.
 *
 * Marshalling reads operands from memory the caller filled.  Unmarshalling takes counts from
 * the wire and uses the expressions to check them against the parameters and fields they
 * correlate with: at once if those have been received, otherwise when the pass ends
 * (size_is(n) where n comes after the array).  Operands not received yet are never read.
 */
#include "ndr_internal.h"

#define EXPR_STACK 16
#define EXPR_MAX_OPS 256

typedef struct value {
    int64_t v;
    const unsigned char *addr;
    bool is_addr;
} value;

static int64_t shift_right(int64_t a, int64_t b)
{
    return a >= 0 ? a >> b : -((-(a + 1)) >> b) - 1;
}

static long binary(uint8_t op, int64_t a, int64_t b, int64_t *r)
{
    switch (op) {
    case ASIDL_NDR_OP_ADD: return __builtin_add_overflow(a, b, r) ? RPC_X_INVALID_BOUND : 0;
    case ASIDL_NDR_OP_SUB: return __builtin_sub_overflow(a, b, r) ? RPC_X_INVALID_BOUND : 0;
    case ASIDL_NDR_OP_MUL: return __builtin_mul_overflow(a, b, r) ? RPC_X_INVALID_BOUND : 0;
    case ASIDL_NDR_OP_DIV:
    case ASIDL_NDR_OP_MOD:
        if (b == 0)
            return RPC_S_ZERO_DIVIDE;
        if (a == INT64_MIN && b == -1)
            return RPC_X_INVALID_BOUND;
        *r = op == ASIDL_NDR_OP_DIV ? a / b : a % b;
        return 0;
    case ASIDL_NDR_OP_SHL:
        if (b < 0 || b > 62)
            return RPC_X_INVALID_BOUND;
        return __builtin_mul_overflow(a, (int64_t)1 << b, r) ? RPC_X_INVALID_BOUND : 0;
    case ASIDL_NDR_OP_SHR:
        if (b < 0 || b > 63)
            return RPC_X_INVALID_BOUND;
        *r = shift_right(a, b);
        return 0;
    case ASIDL_NDR_OP_AND: *r = a & b; return 0;
    case ASIDL_NDR_OP_OR: *r = a | b; return 0;
    case ASIDL_NDR_OP_XOR: *r = a ^ b; return 0;
    case ASIDL_NDR_OP_LAND: *r = a && b; return 0;
    case ASIDL_NDR_OP_LOR: *r = a || b; return 0;
    case ASIDL_NDR_OP_EQ: *r = a == b; return 0;
    case ASIDL_NDR_OP_NE: *r = a != b; return 0;
    case ASIDL_NDR_OP_LT: *r = a < b; return 0;
    case ASIDL_NDR_OP_GT: *r = a > b; return 0;
    case ASIDL_NDR_OP_LE: *r = a <= b; return 0;
    case ASIDL_NDR_OP_GE: *r = a >= b; return 0;
    }
    return RPC_S_INTERNAL_ERROR;
}

bool ndr_fast_paths = true;

void ndr_use_fast_paths(bool on)
{
    ndr_fast_paths = on;
}

/* The stack machine, for every form. */
long ndr_eval_general(ndr_call *c, const asidl_ndr_proc *proc, void **frame, const asidl_ndr_op *e,
                      const unsigned char *base, int64_t *out, bool *ready)
{
    value st[EXPR_STACK];
    int sp = 0;
    *ready = true;
    for (int n = 0; e->op != ASIDL_NDR_OP_END; e++, n++) {
        if (n == EXPR_MAX_OPS)
            return RPC_S_INTERNAL_ERROR;
        value r = { 0, NULL, false };
        long status = RPC_S_OK;
        switch (e->op) {
        case ASIDL_NDR_OP_CONST:
            r.v = e->arg;
            break;
        case ASIDL_NDR_OP_FIELD:
        case ASIDL_NDR_OP_FIELD_ADDR:
            if (!base || e->arg < 0)
                return RPC_S_INTERNAL_ERROR;
            if (!ndr_field_ready(c, base, e->arg))
                *ready = false;
            if (e->op == ASIDL_NDR_OP_FIELD_ADDR) {
                r.addr = base + e->arg;
                r.is_addr = true;
            } else if (*ready) {
                status = ndr_load_operand(base + e->arg, e->ctype, &r.v);
            }
            break;
        case ASIDL_NDR_OP_PARAM:
        case ASIDL_NDR_OP_PARAM_ADDR:
            if (!proc || !frame || e->arg < 0 || e->arg >= proc->n_params)
                return RPC_S_INTERNAL_ERROR;
            if (!ndr_param_ready(c, proc, (uint32_t)e->arg))
                *ready = false;
            if (e->op == ASIDL_NDR_OP_PARAM_ADDR) {
                r.addr = frame[e->arg];
                r.is_addr = true;
            } else if (*ready) {
                status = ndr_load_operand(frame[e->arg], e->ctype, &r.v);
            }
            break;
        case ASIDL_NDR_OP_DEREF:
        case ASIDL_NDR_OP_DEREF_ADDR: {
            if (sp < 1 || !st[sp - 1].is_addr)
                return RPC_S_INTERNAL_ERROR;
            const unsigned char *a = st[--sp].addr;
            if (!*ready) {
                r.is_addr = e->op == ASIDL_NDR_OP_DEREF_ADDR;
                break;      /* operands not received: nothing to read yet */
            }
            const unsigned char *p;
            memcpy(&p, a, sizeof p);
            if (!p)
                return RPC_X_NULL_REF_POINTER;
            if (e->op == ASIDL_NDR_OP_DEREF_ADDR) {
                r.addr = p + e->arg;
                r.is_addr = true;
            } else {
                status = ndr_load_operand(p + e->arg, e->ctype, &r.v);
            }
            break;
        }
        case ASIDL_NDR_OP_NEG:
        case ASIDL_NDR_OP_NOT:
        case ASIDL_NDR_OP_BITNOT: {
            if (sp < 1 || st[sp - 1].is_addr)
                return RPC_S_INTERNAL_ERROR;
            int64_t a = st[--sp].v;
            if (e->op == ASIDL_NDR_OP_NEG) {
                if (a == INT64_MIN)
                    return RPC_X_INVALID_BOUND;
                r.v = -a;
            } else {
                r.v = e->op == ASIDL_NDR_OP_NOT ? !a : ~a;
            }
            break;
        }
        case ASIDL_NDR_OP_COND: {
            if (sp < 3 || st[sp - 1].is_addr || st[sp - 2].is_addr || st[sp - 3].is_addr)
                return RPC_S_INTERNAL_ERROR;
            int64_t el = st[--sp].v, th = st[--sp].v, cond = st[--sp].v;
            r.v = cond ? th : el;
            break;
        }
        default:
            if (e->op < ASIDL_NDR_OP_ADD || e->op > ASIDL_NDR_OP_GE)
                return RPC_S_INTERNAL_ERROR;
            if (sp < 2 || st[sp - 1].is_addr || st[sp - 2].is_addr)
                return RPC_S_INTERNAL_ERROR;
            sp -= 2;
            if (*ready)
                status = binary(e->op, st[sp].v, st[sp + 1].v, &r.v);
            break;
        }
        if (status)
            return status;
        if (sp == EXPR_STACK)
            return RPC_S_INTERNAL_ERROR;
        st[sp++] = r;
    }
    if (sp != 1 || st[0].is_addr)
        return RPC_S_INTERNAL_ERROR;
    *out = st[0].v;
    return RPC_S_OK;
}

static inline long compare(ndr_call *c, const asidl_ndr_op *a, const asidl_ndr_op *b, const unsigned char *base,
                           int64_t expected, bool *ready)
{
    int64_t va, vb = 0;
    bool ra, rb = true;
    long st = ndr_eval(c, c->p.proc, c->p.frame, a, base, &va, &ra);
    if (!st && b)
        st = ndr_eval(c, c->p.proc, c->p.frame, b, base, &vb, &rb);
    *ready = ra && rb;
    if (st || !*ready)
        return st;
    int64_t diff;
    if (__builtin_sub_overflow(va, vb, &diff) || diff != expected)
        return RPC_X_BAD_STUB_DATA;
    return RPC_S_OK;
}

long ndr_check_expr(ndr_call *c, const asidl_ndr_op *a, const asidl_ndr_op *b, const unsigned char *base,
                    int64_t expected)
{
    bool ready;
    long st = compare(c, a, b, base, expected, &ready);
    if (st || ready)
        return st;
    ndr_check_entry e = { a, b, base, expected, c->p.param };
    return ndr_check_push(c, &e);
}

long ndr_run_deferred_checks(ndr_call *c, size_t from)
{
    /* Everything of the pass has arrived: make every operand count as received. */
    const unsigned char *saved_base = c->p.ready_base;
    uint32_t saved_param = c->p.param;
    c->p.ready_base = NULL;
    c->p.param = UINT32_MAX;
    long st = RPC_S_OK;
    for (size_t i = from; i < c->p.checks_len && !st; i++) {
        bool ready;
        const ndr_check_entry *e = &c->p.checks[i];
        st = compare(c, e->a, e->b, e->base, e->expected, &ready);
        if (!st && !ready)
            st = RPC_S_INTERNAL_ERROR;
    }
    c->p.checks_len = from;
    c->p.ready_base = saved_base;
    c->p.param = saved_param;
    return st;
}
