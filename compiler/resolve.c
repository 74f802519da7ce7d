/*
 * resolve.c: binds every name in the program to what it names, after the whole program (the
 * IDL, its imports and its ACF) has been parsed.
 *
 *   - type references the parser left as TY_NAMED, and forward declarations (interface IFoo;
 *     struct S;) are pointed at the definition;
 *   - names in attribute expressions (size_is(n), switch_is(kind), case(RED), ...) are bound to
 *     the parameter, field, constant or enumerator they mean (Expr.ref);
 *   - constants, enumerators (implicit values count up from the previous one) and array
 *     dimensions are evaluated (Decl.ival / Decl.has_ival);
 *   - definitions are checked for redefinition (types, tags, constants, enumerators,
 *     operations, parameters, fields);
 *   - interfaces get their base (checked for cycles) and their operations a number (Decl.opnum);
 *   - [async_uuid] interfaces get their AsyncIFoo twin (u.iface.async_iface / sync_iface).
 *
 * Errors are reported at the use and resolution goes on, so one run shows them all.
 */
#include "asidl.h"

#include <string.h>

/* ===================================================================== tables */

static size_t hash_ptr(const void *p)
{
    uintptr_t x = (uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

void *ptrmap_get(const PtrMap *m, const void *key)
{
    if (!m->cap)
        return NULL;
    for (size_t i = hash_ptr(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        if (!m->keys[i])
            return NULL;
        if (m->keys[i] == key)
            return m->vals[i];
    }
}

void ptrmap_put(PtrMap *m, const void *key, void *val)
{
    if (2 * (m->len + 1) > m->cap) {
        PtrMap bigger = { 0 };
        bigger.cap = m->cap ? 2 * m->cap : 8;   /* most maps are per scope and small */
        bigger.keys = xmalloc(bigger.cap * sizeof *bigger.keys);
        bigger.vals = xmalloc(bigger.cap * sizeof *bigger.vals);
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i])
                ptrmap_put(&bigger, m->keys[i], m->vals[i]);
        *m = bigger;
    }
    size_t i = hash_ptr(key) & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != key)
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i])
        m->len++;
    m->keys[i] = key;
    m->vals[i] = val;
}

bool ptrmap_mark(PtrMap *m, const void *key)
{
    if (ptrmap_get(m, key))
        return false;
    ptrmap_put(m, key, (void *)1);
    return true;
}

/* ===================================================================== state */

static PtrMap walked;          /* Type* and Decl* lists already walked */
static PtrMap type_defs;       /* name -> Type* (defined interface, coclass, ...) or typedef Decl's alias */
static PtrMap tag_defs;        /* Type* with body, keyed by name, one map per tag kind below */
static PtrMap tag_defs_union, tag_defs_enum;
static PtrMap value_defs;      /* name -> Decl* (const or enumerator) */
static PtrMap const_state;     /* Decl* -> EVAL_BUSY / EVAL_DONE / EVAL_FAILED */

enum { EVAL_BUSY = 1, EVAL_DONE, EVAL_FAILED };

static void note_previous(Loc loc, const char *what, const char *name)
{
    diag_note(loc, "previous definition of %s '%s' is here", what, name);
}

static PtrMap *tag_map(TypeKind k)
{
    switch (k) {
    case TY_UNION:
    case TY_ENCUNION: return &tag_defs_union;
    case TY_ENUM: return &tag_defs_enum;
    default: return &tag_defs;
    }
}

/* ===================================================================== constant evaluation */

typedef struct Value {
    int64_t v;
    bool is_unsigned;       /* C's usual arithmetic conversions: unsigned wins */
} Value;

typedef enum EvalStatus { EV_OK, EV_FAILED } EvalStatus;

static EvalStatus eval_const_decl(Decl *d);
static EvalStatus eval_enum(Type *t);

/* The size MIDL gives sizeof(T) in a constant expression: the Windows (and NDR) size of the
 * base types, so that constants mean what they mean to MIDL. */
static bool midl_sizeof(Type *t, int64_t *out)
{
    t = type_strip_alias(t);
    if (!t)
        return false;
    switch (t->kind) {
    case TY_BASE:
        switch (t->u.base.kind) {
        case B_BOOLEAN: case B_BYTE: case B_CHAR: case B_SMALL: case B_INT8: *out = 1; return true;
        case B_WCHAR: case B_SHORT: case B_INT16: *out = 2; return true;
        case B_INT: case B_LONG: case B_INT32: case B_FLOAT: case B_ERROR_STATUS: *out = 4; return true;
        case B_HYPER: case B_INT64: case B_DOUBLE: case B_INT3264: case B_HANDLE: *out = 8; return true;
        case B_INT128: *out = 16; return true;
        }
        return false;
    case TY_ENUM: *out = 4; return true;
    case TY_POINTER: case TY_INTERFACE: *out = 8; return true;
    default: return false;
    }
}

/* Truncates v to what a cast to integer type t leaves of it. */
static Value cast_to(Type *t, Value v)
{
    Type *s = type_strip_alias(t);
    int64_t size;
    if (!s || s->kind != TY_BASE || !midl_sizeof(s, &size) || size >= 8)
        return v;
    bool is_unsigned = s->u.base.sign == SIGN_UNSIGNED || s->u.base.kind == B_BYTE ||
                       s->u.base.kind == B_BOOLEAN || s->u.base.kind == B_WCHAR;
    uint64_t mask = (UINT64_C(1) << (8 * size)) - 1;
    uint64_t bits = (uint64_t)v.v & mask;
    if (!is_unsigned && (bits >> (8 * size - 1)))
        bits |= ~mask;
    return (Value){ (int64_t)bits, false };
}

static EvalStatus fail(Loc loc, bool report, const char *msg)
{
    if (report)
        diag_error(loc, "%s", msg);
    return EV_FAILED;
}

static EvalStatus eval(Expr *e, Value *out, bool report);

static EvalStatus eval_binary(Expr *e, Value *out, bool report)
{
    Value a, b;
    if (eval(e->lhs, &a, report) || eval(e->rhs, &b, report))
        return EV_FAILED;
    bool u = a.is_unsigned || b.is_unsigned;
    uint64_t ua = (uint64_t)a.v, ub = (uint64_t)b.v;
    int64_t r = 0;
    bool overflow = false;
    switch (e->op) {
    case OP_ADD:
        if (u) r = (int64_t)(ua + ub);
        else overflow = __builtin_add_overflow(a.v, b.v, &r);
        break;
    case OP_SUB:
        if (u) r = (int64_t)(ua - ub);
        else overflow = __builtin_sub_overflow(a.v, b.v, &r);
        break;
    case OP_MUL:
        if (u) r = (int64_t)(ua * ub);
        else overflow = __builtin_mul_overflow(a.v, b.v, &r);
        break;
    case OP_DIV:
    case OP_MOD:
        if (b.v == 0)
            return fail(e->loc, report, "division by zero in constant expression");
        if (u)
            r = (int64_t)(e->op == OP_DIV ? ua / ub : ua % ub);
        else if (a.v == INT64_MIN && b.v == -1)
            overflow = true;
        else
            r = e->op == OP_DIV ? a.v / b.v : a.v % b.v;
        break;
    case OP_SHL:
    case OP_SHR:
        if (b.v < 0 || b.v > 63) {
            if (report)
                diag_error(e->rhs->loc, "shift count %lld is out of range", (long long)b.v);
            return EV_FAILED;
        }
        if (e->op == OP_SHR)
            r = a.is_unsigned ? (int64_t)(ua >> b.v) : a.v >> b.v;
        else if (a.is_unsigned)
            r = (int64_t)(ua << b.v);
        else if (a.v < 0 || (b.v > 0 && (ua >> (63 - b.v)) != 0))
            overflow = true;
        else
            r = (int64_t)(ua << b.v);
        out->is_unsigned = a.is_unsigned;
        if (overflow)
            return fail(e->loc, report, "integer overflow in constant expression");
        out->v = r;
        return EV_OK;
    case OP_BITAND: r = a.v & b.v; break;
    case OP_BITOR: r = a.v | b.v; break;
    case OP_BITXOR: r = a.v ^ b.v; break;
    case OP_LOGAND: *out = (Value){ a.v && b.v, false }; return EV_OK;
    case OP_LOGOR: *out = (Value){ a.v || b.v, false }; return EV_OK;
    case OP_EQ: *out = (Value){ a.v == b.v, false }; return EV_OK;
    case OP_NE: *out = (Value){ a.v != b.v, false }; return EV_OK;
    case OP_LT: *out = (Value){ u ? ua < ub : a.v < b.v, false }; return EV_OK;
    case OP_GT: *out = (Value){ u ? ua > ub : a.v > b.v, false }; return EV_OK;
    case OP_LE: *out = (Value){ u ? ua <= ub : a.v <= b.v, false }; return EV_OK;
    case OP_GE: *out = (Value){ u ? ua >= ub : a.v >= b.v, false }; return EV_OK;
    default:
        return fail(e->loc, report, "expression is not an integer constant");
    }
    if (overflow)
        return fail(e->loc, report, "integer overflow in constant expression");
    *out = (Value){ r, u };
    return EV_OK;
}

static EvalStatus eval_name(Expr *e, Value *out, bool report)
{
    Decl *d = e->ref;
    if (!d)
        return EV_FAILED;   /* unbound: reported where it was resolved */
    switch (d->kind) {
    case DECL_CONST:
        if (eval_const_decl(d) != EV_OK)
            return EV_FAILED;
        break;
    case DECL_ENUMERATOR:
        if (!d->has_ival && (!d->owner || eval_enum(d->owner) != EV_OK || !d->has_ival))
            return EV_FAILED;
        break;
    default:
        if (report)
            diag_error(e->loc, "'%s' is not a constant", e->str);
        return EV_FAILED;
    }
    if (!d->has_ival) {
        if (report)
            diag_error(e->loc, "'%s' is not an integer constant", e->str);
        return EV_FAILED;
    }
    *out = (Value){ d->ival, false };
    Type *t = type_strip_alias(d->type);
    if (t && t->kind == TY_BASE && t->u.base.sign == SIGN_UNSIGNED)
        out->is_unsigned = true;
    return EV_OK;
}

static EvalStatus eval(Expr *e, Value *out, bool report)
{
    if (!e)
        return EV_FAILED;
    switch (e->kind) {
    case EXPR_INT:
    case EXPR_CHAR:
        *out = (Value){ e->ival, e->is_unsigned };
        return EV_OK;
    case EXPR_TRUE:
        *out = (Value){ 1, false };
        return EV_OK;
    case EXPR_FALSE:
    case EXPR_NULL:
        *out = (Value){ 0, false };
        return EV_OK;
    case EXPR_NAME:
        return eval_name(e, out, report);
    case EXPR_UNARY: {
        Value a;
        if (e->op == OP_DEREF || e->op == OP_ADDR)
            return fail(e->loc, report, "expression is not an integer constant");
        if (eval(e->lhs, &a, report))
            return EV_FAILED;
        switch (e->op) {
        case OP_NEG:
            if (!a.is_unsigned && a.v == INT64_MIN)
                return fail(e->loc, report, "integer overflow in constant expression");
            *out = (Value){ (int64_t)(0 - (uint64_t)a.v), a.is_unsigned };
            return EV_OK;
        case OP_POS: *out = a; return EV_OK;
        case OP_NOT: *out = (Value){ !a.v, false }; return EV_OK;
        case OP_BITNOT: *out = (Value){ ~a.v, a.is_unsigned }; return EV_OK;
        default: return fail(e->loc, report, "expression is not an integer constant");
        }
    }
    case EXPR_BINARY:
        return eval_binary(e, out, report);
    case EXPR_COND: {
        Value c;
        if (eval(e->cond, &c, report))
            return EV_FAILED;
        return eval(c.v ? e->lhs : e->rhs, out, report);
    }
    case EXPR_CAST: {
        Value a;
        Type *t = type_strip_alias(e->type);
        if (!t || (t->kind != TY_BASE && t->kind != TY_ENUM) ||
            (t->kind == TY_BASE && (t->u.base.kind == B_FLOAT || t->u.base.kind == B_DOUBLE)))
            return fail(e->loc, report, "expression is not an integer constant");
        if (eval(e->lhs, &a, report))
            return EV_FAILED;
        *out = cast_to(e->type, a);
        return EV_OK;
    }
    case EXPR_SIZEOF: {
        int64_t size;
        if (!midl_sizeof(e->type, &size))
            return fail(e->loc, report, "sizeof of this type is not supported in a constant expression");
        *out = (Value){ size, true };
        return EV_OK;
    }
    default:
        return fail(e->loc, report, "expression is not an integer constant");
    }
}

bool eval_int_expr(Expr *e, int64_t *out)
{
    Value v;
    if (eval(e, &v, true) != EV_OK)
        return false;
    *out = v.v;
    return true;
}

/* A constant's value is computed once, when first needed; a constant defined in terms of
 * itself is reported once. */
static EvalStatus eval_const_decl(Decl *d)
{
    intptr_t state = (intptr_t)ptrmap_get(&const_state, d);
    if (state == EVAL_DONE)
        return EV_OK;
    if (state == EVAL_FAILED)
        return EV_FAILED;
    if (state == EVAL_BUSY) {
        diag_error(d->loc, "constant '%s' is defined in terms of itself", d->name);
        ptrmap_put(&const_state, d, (void *)(intptr_t)EVAL_FAILED);
        return EV_FAILED;
    }
    Type *t = type_strip_alias(d->type);
    bool integral = t && (t->kind == TY_ENUM ||
                          (t->kind == TY_BASE && t->u.base.kind != B_FLOAT && t->u.base.kind != B_DOUBLE));
    if (!integral || !d->value) {
        /* strings, floats, pointers: kept as written, no integer value */
        ptrmap_put(&const_state, d, (void *)(intptr_t)EVAL_DONE);
        return EV_OK;
    }
    ptrmap_put(&const_state, d, (void *)(intptr_t)EVAL_BUSY);
    Value v;
    if (eval(d->value, &v, true) != EV_OK) {
        ptrmap_put(&const_state, d, (void *)(intptr_t)EVAL_FAILED);
        return EV_FAILED;
    }
    v = cast_to(d->type, v);
    d->ival = v.v;
    d->has_ival = true;
    ptrmap_put(&const_state, d, (void *)(intptr_t)EVAL_DONE);
    return EV_OK;
}

/* Enumerators without a value count on from the previous one (the first is 0). */
static EvalStatus eval_enum(Type *t)
{
    intptr_t state = (intptr_t)ptrmap_get(&const_state, t);
    if (state == EVAL_DONE)
        return EV_OK;
    if (state == EVAL_FAILED)
        return EV_FAILED;
    if (state == EVAL_BUSY) {
        /* an enumerator used before it is defined, inside its own enum */
        return EV_FAILED;
    }
    ptrmap_put(&const_state, t, (void *)(intptr_t)EVAL_BUSY);
    int64_t next = 0;
    bool next_known = true;
    EvalStatus status = EV_OK;
    for (Decl *d = t->u.rec.fields; d; d = d->next) {
        if (d->value) {
            Value v;
            if (eval(d->value, &v, true) == EV_OK) {
                d->ival = v.v;
                d->has_ival = true;
            } else {
                status = EV_FAILED;
            }
        } else if (next_known) {
            d->ival = next;
            d->has_ival = true;
        }
        next_known = d->has_ival;
        if (d->has_ival) {
            if (d->ival == INT64_MAX && d->next && !d->next->value) {
                diag_error(d->next->loc, "enumerator value for '%s' overflows", d->next->name);
                next_known = false;
                status = EV_FAILED;
            }
            next = d->ival + (d->ival != INT64_MAX);
        }
    }
    ptrmap_put(&const_state, t, (void *)(intptr_t)(status == EV_OK ? EVAL_DONE : EVAL_FAILED));
    return status;
}

/* ===================================================================== names in expressions */

/* Where a name in an attribute expression is looked up first: the parameters of the operation
 * or the fields of the struct the attribute sits in. */
typedef struct Scope {
    Decl *locals;          /* DECL_PARAM or DECL_FIELD list, or NULL */
    const char *owner;     /* "operation 'Get'" / "struct 'S'" for messages */
    bool locals_allowed;   /* size_is & co. may name locals; case(), range() may not */
} Scope;

static Decl *find_decl(Decl *list, const char *name)
{
    for (Decl *d = list; d; d = d->next)
        if (d->name == name)
            return d;
    return NULL;
}

static void resolve_type(Type **slot);
static Type *definition_of(Type *t);

/* The record type an expression of type t designates through '.' or '->'. */
static Type *member_container(Type *t, ExprOp op)
{
    t = type_strip_alias(t);
    if (t && op == OP_ARROW) {
        if (t->kind != TY_POINTER)
            return NULL;
        t = type_strip_alias(t->u.ptr.ref);
    }
    if (t && (t->kind == TY_STRUCT || t->kind == TY_UNION || t->kind == TY_ENCUNION))
        return t;
    return NULL;
}

/* The declared type of a bound expression, as far as member lookup needs it. */
static Type *expr_decl_type(Expr *e)
{
    if (!e)
        return NULL;
    switch (e->kind) {
    case EXPR_NAME:
    case EXPR_MEMBER:
        return e->ref ? e->ref->type : NULL;
    case EXPR_UNARY:
        if (e->op == OP_DEREF) {
            Type *t = type_strip_alias(expr_decl_type(e->lhs));
            return t && t->kind == TY_POINTER ? t->u.ptr.ref : NULL;
        }
        return NULL;
    case EXPR_INDEX: {
        Type *t = type_strip_alias(expr_decl_type(e->lhs));
        if (t && t->kind == TY_POINTER)
            return t->u.ptr.ref;
        if (t && t->kind == TY_ARRAY)
            return t->u.arr.elem;
        return NULL;
    }
    default:
        return NULL;
    }
}

static void resolve_expr(Expr *e, Scope *sc)
{
    if (!e)
        return;
    switch (e->kind) {
    case EXPR_NAME: {
        Decl *d = sc && sc->locals_allowed ? find_decl(sc->locals, e->str) : NULL;
        if (!d)
            d = sym_value(e->str);
        if (d) {
            e->ref = d;
        } else if (sc && sc->locals_allowed && sc->owner) {
            diag_error(e->loc, "use of undeclared identifier '%s' (not a %s of %s, nor a constant)",
                       e->str, sc->locals && sc->locals->kind == DECL_FIELD ? "field" : "parameter",
                       sc->owner);
        } else {
            diag_error(e->loc, "use of undeclared identifier '%s'", e->str);
        }
        return;
    }
    case EXPR_MEMBER: {
        resolve_expr(e->lhs, sc);
        Type *lt = expr_decl_type(e->lhs);
        if (!lt)
            return;   /* the left side is unbound (reported) or not a variable (check.c) */
        Type *rec = member_container(lt, e->op);
        if (!rec) {
            diag_error(e->loc, "'%s%s' applied to something that is not a %s", e->op == OP_ARROW ? "->" : ".",
                       e->str, e->op == OP_ARROW ? "pointer to a struct or union" : "struct or union");
            return;
        }
        e->ref = find_decl(rec->u.rec.fields, e->str);
        if (!e->ref)
            diag_error(e->loc, "%s '%s' has no field named '%s'", type_kind_name(rec->kind),
                       rec->name ? rec->name : "(anonymous)", e->str);
        return;
    }
    case EXPR_CAST:
    case EXPR_SIZEOF:
    case EXPR_TYPE:
        if (e->type)
            resolve_type(&e->type);
        resolve_expr(e->lhs, sc);
        return;
    default:
        resolve_expr(e->cond, sc);
        resolve_expr(e->lhs, sc);
        resolve_expr(e->rhs, sc);
        return;
    }
}

/* How the arguments of each attribute are bound. */
typedef enum ArgBinding {
    BIND_NOTHING,       /* names, strings, uuids, versions, types (bound by resolve_attrs) */
    BIND_LOCALS,        /* parameters / fields in scope, then constants */
    BIND_CONSTANTS,     /* constants and enumerators only */
} ArgBinding;

static ArgBinding attr_binding(AttrKind k)
{
    switch (k) {
    case ATTR_SIZE_IS: case ATTR_LENGTH_IS: case ATTR_FIRST_IS: case ATTR_LAST_IS:
    case ATTR_MAX_IS: case ATTR_MIN_IS: case ATTR_SWITCH_IS: case ATTR_IID_IS:
    case ATTR_BYTE_COUNT:
        return BIND_LOCALS;
    case ATTR_CASE: case ATTR_RANGE: case ATTR_ID: case ATTR_HELPCONTEXT:
    case ATTR_HELPSTRINGCONTEXT: case ATTR_DEFAULTVALUE:
        return BIND_CONSTANTS;
    default:
        return BIND_NOTHING;
    }
}

/* represent_as(T), user_marshal(T) and cs_char(T) name the application's own C type, which
 * the IDL need not know (MIDL: "does not need to be known to MIDL"). */
static bool names_local_type(AttrKind k)
{
    return k == ATTR_REPRESENT_AS || k == ATTR_USER_MARSHAL || k == ATTR_CS_CHAR;
}

static void resolve_attrs(Attr *attrs, Scope *sc)
{
    for (Attr *a = attrs; a; a = a->next) {
        /* type arguments: switch_type(short), transmit_as(T), ... */
        for (Expr *arg = a->args; arg; arg = arg->next) {
            if (arg->kind != EXPR_TYPE || !arg->type)
                continue;
            if (names_local_type(a->kind) && arg->type->kind == TY_NAMED) {
                Type *def = definition_of(arg->type);
                if (def)
                    arg->type = def;
                continue;
            }
            resolve_type(&arg->type);
        }
        ArgBinding b = attr_binding(a->kind);
        if (b == BIND_NOTHING)
            continue;
        Scope consts = { NULL, NULL, false };
        for (Expr *arg = a->args; arg; arg = arg->next)
            resolve_expr(arg, b == BIND_LOCALS && sc ? sc : &consts);
    }
}

/* ===================================================================== redefinitions */

/* Two typedefs name the same type if they reach the same definition through the same pointer
 * and array shape: `typedef long X;` twice is harmless, as in C11. */
static bool same_type(Type *a, Type *b)
{
    for (;;) {
        if (a == b)
            return true;
        if (!a || !b)
            return false;
        if (a->kind == TY_ALIAS && b->kind == TY_ALIAS && a->name == b->name)
            return true;
        if (a->kind != b->kind)
            return false;
        switch (a->kind) {
        case TY_BASE:
            return a->u.base.kind == b->u.base.kind && a->u.base.sign == b->u.base.sign;
        case TY_VOID:
            return true;
        case TY_POINTER:
            if (a->u.ptr.ref_quals != b->u.ptr.ref_quals)
                return false;
            a = a->u.ptr.ref;
            b = b->u.ptr.ref;
            continue;
        case TY_ARRAY: {
            int64_t da = -1, db = -1;
            Value v;
            if (a->u.arr.dim && eval(a->u.arr.dim, &v, false) == EV_OK) da = v.v;
            if (b->u.arr.dim && eval(b->u.arr.dim, &v, false) == EV_OK) db = v.v;
            if (da != db)
                return false;
            a = a->u.arr.elem;
            b = b->u.arr.elem;
            continue;
        }
        case TY_NAMED:
            return a->name == b->name;
        default:
            /* structs, interfaces...: the same when they are the same definition */
            return a->name && a->name == b->name;
        }
    }
}

static bool same_file(Loc a, Loc b)
{
    return a.file && b.file && (a.file == b.file || strcmp(a.file, b.file) == 0);
}

/* The name a type is known by program-wide: WinRT types carry their namespace. */
static const char *qualified(Type *t)
{
    return t->ns ? intern(sym_qualified_name(t->ns, t->name)) : t->name;
}

/* typedef, interface, coclass, ... share one name space. */
static void define_type_name(Type *t, Loc loc)
{
    if (!t->name)
        return;
    const char *key = qualified(t);
    Type *prev = ptrmap_get(&type_defs, key);
    if (!prev) {
        ptrmap_put(&type_defs, key, t);
        return;
    }
    if (prev == t)
        return;
    if (t->kind == TY_ALIAS && prev->kind == TY_ALIAS) {
        Type *target = t->u.alias.target, *prev_target = prev->u.alias.target;
        if (same_type(target, prev_target))
            return;
        /* MIDL lets a file shadow a typedef it imports; within one file it is an error. */
        if (!same_file(loc, prev->loc))
            return;
        diag_error(loc, "redefinition of typedef '%s' with a different type", t->name);
        note_previous(prev->loc, "typedef", t->name);
        return;
    }
    /* `interface IFoo;` may be completed as a dispinterface (mingw's wbemdisp.idl) */
    bool ifaces = (t->kind == TY_INTERFACE || t->kind == TY_DISPINTERFACE) &&
                  (prev->kind == TY_INTERFACE || prev->kind == TY_DISPINTERFACE);
    if (ifaces && (!t->defined || !prev->defined)) {
        if (t->defined)
            ptrmap_put(&type_defs, key, t);
        return;
    }
    /* `typedef interface IFoo IFoo;` names the interface itself */
    if (t->kind == TY_ALIAS && type_strip_alias(t) == prev)
        return;
    if (prev->kind == TY_ALIAS && type_strip_alias(prev) == t)
        return;
    if (t->kind == TY_ALIAS || prev->kind == TY_ALIAS || t->kind != prev->kind) {
        if (!same_file(loc, prev->loc))
            return;
        diag_error(loc, "'%s' redeclared as a different kind of symbol", t->name);
        note_previous(prev->loc, prev->kind == TY_ALIAS ? "typedef" : type_kind_name(prev->kind), t->name);
        return;
    }
    /* two definitions with bodies of one interface, coclass, ... */
    if (t->defined && prev->defined) {
        diag_error(loc, "redefinition of %s '%s'", type_kind_name(t->kind), t->name);
        note_previous(prev->loc, type_kind_name(prev->kind), t->name);
        return;
    }
    if (t->defined)
        ptrmap_put(&type_defs, key, t);
}

static void define_tag(Type *t)
{
    if (!t->name || !t->defined)
        return;
    PtrMap *m = tag_map(t->kind);
    const char *key = qualified(t);
    Type *prev = ptrmap_get(m, key);
    if (!prev) {
        ptrmap_put(m, key, t);
        return;
    }
    if (prev == t)
        return;
    const char *kind = type_kind_name(t->kind);
    diag_error(t->loc, "redefinition of '%s %s'", kind, t->name);
    note_previous(prev->loc, kind, t->name);
}

/* Constants and enumerators share one name space, except that a WinRT enum's enumerators
 * are scoped by the enum (Windows.Foo.Color.Red). */
static void define_value(Decl *d)
{
    if (!d->name)
        return;
    const char *key = d->name;
    if (d->kind == DECL_ENUMERATOR && d->owner && d->owner->ns && d->owner->name)
        key = intern(xasprintf("%s.%s", qualified(d->owner), d->name));
    Decl *prev = ptrmap_get(&value_defs, key);
    if (!prev) {
        ptrmap_put(&value_defs, key, d);
        return;
    }
    if (prev == d)
        return;
    /* The same constant in two imported files is harmless if it has the same value. */
    if (!same_file(d->loc, prev->loc)) {
        Value a, b;
        if (d->kind == prev->kind && d->value && prev->value && eval(d->value, &a, false) == EV_OK &&
            eval(prev->value, &b, false) == EV_OK && a.v == b.v)
            return;
        if (d->kind == DECL_CONST && prev->kind == DECL_CONST && (!d->value || !prev->value ||
            d->value->kind == EXPR_STRING || d->value->kind == EXPR_WSTRING))
            return;
    }
    const char *what = d->kind == DECL_ENUMERATOR ? "enumerator" : "constant";
    diag_error(d->loc, "redefinition of %s '%s'", what, d->name);
    note_previous(prev->loc, prev->kind == DECL_ENUMERATOR ? "enumerator" : "constant", d->name);
}

/* The earlier declaration in list called d's name, if any. */
static Decl *earlier_same_name(Decl *list, Decl *d)
{
    for (Decl *e = list; e != d; e = e->next)
        if (e->name == d->name)
            return e;
    return NULL;
}

/* Fields of one struct, parameters of one operation: names must differ. */
static void check_unique_names(Decl *list, const char *what)
{
    /* Most lists (parameters, fields) are short: comparing each pair costs less than a map,
     * which would take arena memory for every function of every imported file. */
    int n = 0;
    for (Decl *d = list; d && n <= 16; d = d->next)
        n++;
    if (n <= 16) {
        for (Decl *d = list; d; d = d->next) {
            Decl *prev = d->name ? earlier_same_name(list, d) : NULL;
            if (prev) {
                diag_error(d->loc, "redefinition of %s '%s'", what, d->name);
                note_previous(prev->loc, what, d->name);
            }
        }
        return;
    }
    PtrMap seen = { 0 };
    for (Decl *d = list; d; d = d->next) {
        if (!d->name)
            continue;
        Decl *prev = ptrmap_get(&seen, d->name);
        if (prev) {
            diag_error(d->loc, "redefinition of %s '%s'", what, d->name);
            note_previous(prev->loc, what, d->name);
        } else {
            ptrmap_put(&seen, d->name, d);
        }
    }
}

/* ===================================================================== types */

static void walk_fields(Type *t);
static void walk_function(Type *fn, const char *name);

/* The definition a forward declaration or a name stands for, or NULL.  WinRT names are looked
 * up from the namespace of the reference outwards. */
static Type *definition_of(Type *t)
{
    if (!t->name)
        return NULL;
    switch (t->kind) {
    case TY_NAMED: {
        Type *found = sym_type_in(t->ns, t->name);
        return found && found->kind != TY_NAMED ? found : NULL;
    }
    case TY_STRUCT:
    case TY_UNION:
    case TY_ENCUNION:
    case TY_ENUM: {
        Type *found = sym_tag_in(t->kind == TY_ENCUNION ? TY_UNION : t->kind, t->ns, t->name);
        return found && found->defined ? found : NULL;
    }
    case TY_INTERFACE:
    case TY_DISPINTERFACE:
    case TY_COCLASS:
    case TY_MODULE:
    case TY_RUNTIMECLASS:
    case TY_DELEGATE:
    case TY_APICONTRACT: {
        Type *found = sym_type_in(t->ns, t->name);
        return found && found->kind == t->kind && found->defined ? found : NULL;
    }
    default:
        return NULL;
    }
}

/* Resolves the type in *slot, replacing names and forward declarations by definitions. */
static void resolve_type(Type **slot)
{
    Type *t = *slot;
    if (!t)
        return;
    if (t->kind == TY_NAMED) {
        Type *def = definition_of(t);
        if (!def) {
            if (ptrmap_mark(&walked, t))
                diag_error(t->loc, "unknown type '%s'", t->name);
            return;
        }
        *slot = t = def;
    } else if (!t->defined && t->name) {
        Type *def = definition_of(t);
        if (def && def != t)
            *slot = t = def;
    }
    switch (t->kind) {
    case TY_POINTER:
    case TY_PIPE:
    case TY_SAFEARRAY:
        resolve_type(&t->u.ptr.ref);
        return;
    case TY_ARRAY:
        resolve_type(&t->u.arr.elem);
        if (ptrmap_mark(&walked, t)) {
            Scope consts = { NULL, NULL, false };
            resolve_expr(t->u.arr.dim, &consts);
            resolve_expr(t->u.arr.lower, &consts);
            Value v;
            if (t->u.arr.dim && eval(t->u.arr.dim, &v, true) == EV_OK && v.v <= 0 && !v.is_unsigned)
                diag_error(t->u.arr.dim->loc, "array dimension must be positive, not %lld", (long long)v.v);
        }
        return;
    case TY_FUNCTION:
        if (ptrmap_mark(&walked, t))
            walk_function(t, NULL);
        return;
    case TY_STRUCT:
    case TY_UNION:
    case TY_ENCUNION:
    case TY_ENUM:
        if (t->defined && ptrmap_mark(&walked, t))
            walk_fields(t);
        return;
    case TY_PARAMETERIZED:
        if (ptrmap_mark(&walked, t)) {
            resolve_type(&t->u.generic.generic);
            for (int i = 0; i < t->u.generic.nargs; i++)
                resolve_type(&t->u.generic.args[i]);
        }
        return;
    default:
        return;
    }
}

static void walk_fields(Type *t)
{
    Scope sc = { t->u.rec.fields, NULL, true };
    sc.owner = xasprintf("%s '%s'", type_kind_name(t->kind), t->name ? t->name : "(anonymous)");
    define_tag(t);
    resolve_attrs(t->attrs, NULL);
    if (t->kind == TY_ENUM) {
        Scope consts = { NULL, NULL, false };
        for (Decl *d = t->u.rec.fields; d; d = d->next) {
            resolve_attrs(d->attrs, NULL);
            resolve_expr(d->value, &consts);
            define_value(d);
        }
        eval_enum(t);
        return;
    }
    if (t->kind == TY_ENCUNION && t->u.rec.discrim) {
        Decl *disc = t->u.rec.discrim;
        resolve_type(&disc->type);
        resolve_attrs(disc->attrs, NULL);
    }
    check_unique_names(t->u.rec.fields, t->kind == TY_STRUCT ? "field" : "union arm");
    for (Decl *d = t->u.rec.fields; d; d = d->next) {
        resolve_type(&d->type);
        /* union arms name no siblings; a struct's fields may size each other */
        resolve_attrs(d->attrs, t->kind == TY_STRUCT ? &sc : NULL);
        if (d->bits) {
            Scope consts = { NULL, NULL, false };
            resolve_expr(d->bits, &consts);
            Value v;
            if (eval(d->bits, &v, true) == EV_OK && v.v < 0)
                diag_error(d->bits->loc, "bit-field '%s' has a negative width", d->name ? d->name : "");
        }
    }
}

/* Parameters, their attributes (which may name each other) and the operation's own
 * attributes, which apply to its return value. */
static void walk_function(Type *fn, const char *name)
{
    resolve_type(&fn->u.fn.ret);
    Scope sc = { fn->u.fn.params, NULL, true };
    sc.owner = name ? xasprintf("operation '%s'", name) : "the function";
    check_unique_names(fn->u.fn.params, "parameter");
    for (Decl *p = fn->u.fn.params; p; p = p->next) {
        resolve_type(&p->type);
        resolve_attrs(p->attrs, &sc);
    }
}

static void walk_func_decl(Decl *d)
{
    if (!d->type)
        return;
    if (d->type->kind != TY_FUNCTION) {
        resolve_type(&d->type);
        return;
    }
    ptrmap_mark(&walked, d->type);
    walk_function(d->type, d->name);
    Scope sc = { d->type->u.fn.params, xasprintf("operation '%s'", d->name ? d->name : ""), true };
    resolve_attrs(d->attrs, &sc);
}

/* ===================================================================== statements */

static void walk_stmts(Stmt *list);

static void walk_decl(Decl *d)
{
    switch (d->kind) {
    case DECL_FUNC:
        walk_func_decl(d);
        return;
    case DECL_TYPEDEF:
        if (d->type && d->type->kind == TY_ALIAS) {
            define_type_name(d->type, d->loc);
            resolve_type(&d->type->u.alias.target);
            resolve_attrs(d->type->attrs, NULL);
        } else {
            resolve_type(&d->type);
        }
        if (!d->type || d->attrs != d->type->attrs)
            resolve_attrs(d->attrs, NULL);
        return;
    case DECL_CONST: {
        resolve_type(&d->type);
        Scope consts = { NULL, NULL, false };
        resolve_expr(d->value, &consts);
        define_value(d);
        eval_const_decl(d);
        return;
    }
    case DECL_VAR:
    case DECL_FIELD:
    case DECL_PARAM:
        resolve_type(&d->type);
        resolve_attrs(d->attrs, NULL);
        return;
    case DECL_IFACE_REF:
        resolve_type(&d->type);
        return;
    case DECL_ENUMERATOR:
        return;
    }
}

/* Operation names within one interface: a property's get and put share a name. */
static void check_operation_names(Type *iface)
{
    PtrMap seen[4] = { { 0 } };
    for (Stmt *s = iface->u.iface.body; s; s = s->next) {
        if (s->kind != STMT_DECL)
            continue;
        for (Decl *d = s->decls; d; d = d->next) {
            if (d->kind != DECL_FUNC || !d->name)
                continue;
            int accessor = attr_has(d->attrs, ATTR_PROPGET) ? 1 : attr_has(d->attrs, ATTR_PROPPUT) ? 2 :
                           attr_has(d->attrs, ATTR_PROPPUTREF) ? 3 : 0;
            if (attr_has(d->attrs, ATTR_EVENT_ADD))
                accessor = 1;
            else if (attr_has(d->attrs, ATTR_EVENT_REMOVE))
                accessor = 2;
            Decl *prev = ptrmap_get(&seen[accessor], d->name);
            if (prev) {
                diag_error(d->loc, "redefinition of operation '%s' in %s '%s'", d->name,
                           type_kind_name(iface->kind), iface->name);
                note_previous(prev->loc, "operation", d->name);
            } else {
                ptrmap_put(&seen[accessor], d->name, d);
            }
        }
    }
}

static void walk_container(Type *t)
{
    resolve_attrs(t->attrs, NULL);
    if (t->kind == TY_INTERFACE || t->kind == TY_DISPINTERFACE || t->kind == TY_DELEGATE)
        resolve_type(&t->u.iface.base);
    for (Decl *d = t->u.iface.members; d; d = d->next)
        walk_decl(d);
    for (Decl *d = t->u.iface.props; d; d = d->next)
        walk_decl(d);
    check_unique_names(t->u.iface.props, "property");
    walk_stmts(t->u.iface.body);
    if (t->kind == TY_INTERFACE || t->kind == TY_DISPINTERFACE)
        check_operation_names(t);
}

static void walk_type_stmt(Type **slot)
{
    Type *t = *slot;
    if (!t)
        return;
    switch (t->kind) {
    case TY_INTERFACE:
    case TY_DISPINTERFACE:
    case TY_COCLASS:
    case TY_MODULE:
    case TY_LIBRARY:
    case TY_RUNTIMECLASS:
    case TY_DELEGATE:
    case TY_APICONTRACT:
        if (t->kind != TY_LIBRARY)
            define_type_name(t, t->loc);
        if (t->defined && ptrmap_mark(&walked, t))
            walk_container(t);
        return;
    default:
        resolve_type(slot);
        return;
    }
}

static void walk_stmts(Stmt *list)
{
    for (Stmt *s = list; s; s = s->next) {
        switch (s->kind) {
        case STMT_TYPE:
            /* a forward declaration is walked where it is defined, so that diagnostics come
             * in source order */
            if (!s->forward)
                walk_type_stmt(&s->type);
            break;
        case STMT_TYPEDEF:
        case STMT_DECL:
            for (Decl *d = s->decls; d; d = d->next)
                walk_decl(d);
            break;
        case STMT_NAMESPACE:
        case STMT_DECLARE:
            walk_stmts(s->body);
            break;
        default:
            break;
        }
    }
}

/* ===================================================================== interfaces */

/* The base an interface inherits methods from: a defined interface, or NULL. */
static Type *iface_base(Type *t)
{
    Type *b = t->u.iface.base;
    return b && (b->kind == TY_INTERFACE || b->kind == TY_DISPINTERFACE) && b->defined ? b : NULL;
}

/* Checks the base of each interface once: it must be a defined interface, and following
 * bases must not come back. */
static void check_base(Type *t)
{
    Type *b = t->u.iface.base;
    if (!b)
        return;
    Type *real = type_strip_alias(b);
    if (real && real != b && (real->kind == TY_INTERFACE || real->kind == TY_DISPINTERFACE))
        t->u.iface.base = b = real;
    if (b->kind == TY_NAMED)
        return;   /* unknown type, reported */
    /* a wrong base stays in place (iface_base() skips it) so later checks do not add
     * "has no base" to the error */
    if (b->kind != TY_INTERFACE && b->kind != TY_DISPINTERFACE) {
        diag_error(t->loc, "%s '%s' cannot inherit from '%s', which is not an interface",
                   type_kind_name(t->kind), t->name, b->name ? b->name : type_kind_name(b->kind));
        return;
    }
    if (!b->defined) {
        diag_error(t->loc, "interface '%s' cannot inherit from incomplete interface '%s'", t->name, b->name);
        return;
    }
    int steps = 0;
    for (Type *p = b; p; p = iface_base(p)) {
        if (p == t) {
            diag_error(t->loc, "interface '%s' inherits from itself", t->name);
            t->u.iface.base = NULL;
            return;
        }
        if (++steps > 10000)
            break;
    }
}

static bool is_method_stmt(Stmt *s, Decl *d)
{
    return s->kind == STMT_DECL && d->kind == DECL_FUNC;
}

/* Operations are numbered in order; an object interface's count on from its base's
 * (IUnknown's three come first).  A [call_as(Local)] operation is the wire form of Local and
 * takes Local's number instead of one of its own.  [callback] operations are numbered apart,
 * from 0 in declaration order, and the others as if they were not there ([MS-RPCE] 2.2.4.2):
 * a callback travels from the server to the client, in the other direction's number space. */
static int number_operations(Type *t, PtrMap *done)
{
    intptr_t known = (intptr_t)ptrmap_get(done, t);
    if (known)
        return (int)(known - 1);
    ptrmap_put(done, t, (void *)(intptr_t)1);   /* guards cycles (already reported) */
    Type *b = iface_base(t);
    int n = b ? number_operations(b, done) : 0, callbacks = 0;
    for (Stmt *s = t->u.iface.body; s; s = s->next)
        for (Decl *d = s->decls; d; d = d->next) {
            if (!is_method_stmt(s, d))
                continue;
            if (attr_has(d->attrs, ATTR_CALL_AS)) {
                d->opnum = -1;
                continue;
            }
            d->opnum = attr_has(d->attrs, ATTR_CALLBACK) ? callbacks++ : n++;
        }
    for (Stmt *s = t->u.iface.body; s; s = s->next)
        for (Decl *d = s->decls; d; d = d->next) {
            if (!is_method_stmt(s, d))
                continue;
            Attr *ca = attr_find(d->attrs, ATTR_CALL_AS);
            if (!ca)
                continue;
            Expr *target = attr_arg(ca, 0);
            Decl *local = NULL;
            if (target && target->kind == EXPR_NAME) {
                for (Stmt *s2 = t->u.iface.body; s2 && !local; s2 = s2->next)
                    for (Decl *d2 = s2->decls; d2; d2 = d2->next)
                        if (is_method_stmt(s2, d2) && d2->name == target->str && d2 != d) {
                            local = d2;
                            break;
                        }
            }
            if (!local) {
                diag_error(target ? target->loc : ca->loc, "[call_as] of '%s' names '%s', which is not an operation of '%s'",
                           d->name, target && target->str ? target->str : "?", t->name);
                continue;
            }
            target->ref = local;
            d->opnum = local->opnum;
        }
    ptrmap_put(done, t, (void *)(intptr_t)(n + 1));
    return n;
}

/* ===================================================================== [async_uuid] */

static bool derives_from(Type *t, const char *name)
{
    const char *n = intern(name);
    int steps = 0;
    for (Type *p = t; p && steps < 10000; p = iface_base(p), steps++)
        if (p->name == n)
            return true;
    return false;
}

static Attr *copy_attr(Attr *a, AttrKind kind)
{
    Attr *c = xmalloc(sizeof *c);
    *c = *a;
    c->kind = kind;
    c->next = NULL;
    return c;
}

/* A parameter for Begin_ (in: true) or Finish_ (in: false): the same declaration with the
 * direction it has in that half. */
static Decl *async_param(Decl *p, bool in)
{
    Decl *c = xmalloc(sizeof *c);
    *c = *p;
    c->next = NULL;
    c->attrs = NULL;
    for (Attr *a = p->attrs; a; a = a->next) {
        if (in && (a->kind == ATTR_OUT || a->kind == ATTR_RETVAL))
            continue;
        if (!in && a->kind == ATTR_IN)
            continue;
        attr_append(&c->attrs, copy_attr(a, a->kind));
    }
    return c;
}

static Decl *async_method(Decl *m, const char *prefix, bool in, Type *owner)
{
    Decl *d = decl_new(DECL_FUNC, m->loc, intern(xasprintf("%s%s", prefix, m->name)));
    d->attrs = m->attrs;
    d->owner = owner;
    Type *fn = type_new(TY_FUNCTION, m->type->loc);
    fn->u.fn.ret = m->type->u.fn.ret;
    fn->u.fn.ret_quals = m->type->u.fn.ret_quals;
    fn->u.fn.callconv = m->type->u.fn.callconv;
    for (Decl *p = m->type->u.fn.params; p; p = p->next) {
        bool is_out = attr_has(p->attrs, ATTR_OUT);
        bool is_in = attr_has(p->attrs, ATTR_IN) || !is_out;
        if (in ? is_in : is_out) {
            Decl *c = async_param(p, in);
            c->owner = owner;
            decl_append(&fn->u.fn.params, c);
        }
    }
    d->type = fn;
    return d;
}

static bool async_uuid_valid(Type *t, Attr *au)
{
    if (t->kind != TY_INTERFACE || !attr_has(t->attrs, ATTR_OBJECT)) {
        diag_error(au->loc, "[async_uuid] on '%s', which is not an [object] interface", t->name);
        return false;
    }
    if (derives_from(t, "IDispatch")) {
        diag_error(au->loc, "[async_uuid] on '%s', which derives from IDispatch", t->name);
        return false;
    }
    Type *b = iface_base(t);
    if (!b) {
        diag_error(au->loc, "[async_uuid] on '%s', which does not derive from IUnknown", t->name);
        return false;
    }
    if (b->name != intern("IUnknown") && !attr_has(b->attrs, ATTR_ASYNC_UUID)) {
        diag_error(au->loc, "[async_uuid] on '%s', whose base '%s' has no [async_uuid]", t->name, b->name);
        return false;
    }
    return true;
}

/* Builds AsyncIFoo for an [async_uuid] interface IFoo (after its base's). */
static Type *build_async_iface(Type *t, PtrMap *done)
{
    if (ptrmap_get(done, t))
        return t->u.iface.async_iface;
    ptrmap_put(done, t, (void *)1);
    Attr *au = attr_find(t->attrs, ATTR_ASYNC_UUID);
    if (!au || !t->defined || !async_uuid_valid(t, au))
        return NULL;
    Type *b = iface_base(t);
    Type *async_base = b;
    if (b->name != intern("IUnknown")) {
        async_base = build_async_iface(b, done);
        if (!async_base)
            return NULL;   /* the base's own error is reported */
    }
    au->used = true;

    Type *a = type_new(TY_INTERFACE, t->loc);
    a->name = intern(xasprintf("Async%s", t->name));
    a->ns = t->ns;
    a->file = t->file;
    a->defined = true;
    for (Attr *x = t->attrs; x; x = x->next) {
        if (x->kind == ATTR_UUID)
            continue;
        attr_append(&a->attrs, copy_attr(x, x->kind == ATTR_ASYNC_UUID ? ATTR_UUID : x->kind));
    }
    a->u.iface.base = async_base;
    for (Stmt *s = t->u.iface.body; s; s = s->next)
        for (Decl *m = s->decls; m; m = m->next) {
            if (!is_method_stmt(s, m) || !m->type || m->type->kind != TY_FUNCTION ||
                attr_has(m->attrs, ATTR_CALL_AS))
                continue;
            Stmt *begin = stmt_new(STMT_DECL, m->loc);
            begin->decls = async_method(m, "Begin_", true, a);
            Stmt *finish = stmt_new(STMT_DECL, m->loc);
            finish->decls = async_method(m, "Finish_", false, a);
            stmt_append(&a->u.iface.body, begin);
            stmt_append(&a->u.iface.body, finish);
        }
    a->u.iface.sync_iface = t;
    t->u.iface.async_iface = a;

    Type *prev = sym_add_type(a);
    if (prev && prev != a) {
        diag_error(au->loc, "[async_uuid] on '%s' would define '%s', which is already defined", t->name, a->name);
        note_previous(prev->loc, type_kind_name(prev->kind), a->name);
    }
    return a;
}

/* ===================================================================== driver */

/* Visits every interface-like type defined in a statement list, in source order. */
static void for_each_iface(Stmt *list, void (*fn)(Type *, void *), void *ctx)
{
    for (Stmt *s = list; s; s = s->next) {
        if (s->kind == STMT_NAMESPACE)
            for_each_iface(s->body, fn, ctx);
        if (s->kind != STMT_TYPE || s->forward || !s->type || !s->type->defined)
            continue;
        Type *t = s->type;
        if (t->kind == TY_INTERFACE || t->kind == TY_DISPINTERFACE || t->kind == TY_DELEGATE)
            fn(t, ctx);
        if (t->kind == TY_LIBRARY || t->kind == TY_MODULE)
            for_each_iface(t->u.iface.body, fn, ctx);
    }
}

static void base_cb(Type *t, void *ctx)
{
    (void)ctx;
    check_base(t);
}

static void number_cb(Type *t, void *ctx)
{
    number_operations(t, ctx);
}

typedef struct AsyncPass {
    PtrMap built;       /* interfaces whose AsyncIFoo was attempted */
    PtrMap *numbered;   /* the operation-numbering pass's table, shared so bases count once */
} AsyncPass;

static void async_cb(Type *t, void *ctx)
{
    AsyncPass *pass = ctx;
    Type *a = build_async_iface(t, &pass->built);
    if (a)
        number_operations(a, pass->numbered);
}

void resolve_program(Program *prog)
{
    for (File *f = prog->files; f; f = f->next) {
        if (f->is_acf)
            continue;
        walk_stmts(f->stmts);
    }
    for (File *f = prog->files; f; f = f->next)
        if (!f->is_acf)
            for_each_iface(f->stmts, base_cb, NULL);
    PtrMap numbered = { 0 };
    for (File *f = prog->files; f; f = f->next)
        if (!f->is_acf)
            for_each_iface(f->stmts, number_cb, &numbered);
    AsyncPass pass = { { 0 }, &numbered };
    for (File *f = prog->files; f; f = f->next)
        if (!f->is_acf)
            for_each_iface(f->stmts, async_cb, &pass);
}
