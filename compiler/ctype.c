/*
 * ctype.c: how IDL types and expressions are spelled in C.
 *
 * Types are spelled the way MIDL's headers spell them (`long`, `hyper`, `small`, `byte`,
 * `boolean`, `handle_t`, ...); asidl's public headers (runtime/include) define those words for
 * LP64 Linux.  A declaration is built the way C reads it, inside out: each pointer, array or
 * function layer wraps the declarator of the layer outside it, and the innermost named or base
 * type (the "specifier") goes in front.  Everything returned is arena memory.
 */
#include "asidl.h"

#include <inttypes.h>
#include <string.h>

/* ---- names ---- */

static const char *base_name(BaseKind kind, int sign)
{
    bool u = sign == SIGN_UNSIGNED;
    switch (kind) {
    case B_BOOLEAN:      return "boolean";
    case B_BYTE:         return "byte";
    case B_CHAR:         return u ? "unsigned char" : sign == SIGN_SIGNED ? "signed char" : "char";
    case B_WCHAR:        return "wchar_t";
    /* small is signed char in the public headers, so its unsigned form is spelled directly */
    case B_SMALL:        return u ? "unsigned char" : "small";
    case B_SHORT:        return u ? "unsigned short" : "short";
    case B_INT:          return u ? "unsigned int" : "int";
    case B_LONG:         return u ? "unsigned long" : "long";
    case B_HYPER:        return u ? "MIDL_uhyper" : "hyper";
    case B_INT8:         return u ? "unsigned __int8" : sign == SIGN_SIGNED ? "signed __int8" : "__int8";
    case B_INT16:        return u ? "unsigned __int16" : "__int16";
    case B_INT32:        return u ? "unsigned __int32" : "__int32";
    case B_INT64:        return u ? "unsigned __int64" : "__int64";
    case B_INT3264:      return u ? "unsigned __int3264" : "__int3264";
    case B_INT128:       return u ? "unsigned __int128" : "__int128";
    case B_FLOAT:        return "float";
    case B_DOUBLE:       return "double";
    case B_HANDLE:       return "handle_t";
    case B_ERROR_STATUS: return "error_status_t";
    }
    diag_internal("ctype: unknown base type %d", (int)kind);
}

/* "Windows.Foundation" -> "Windows<sep>Foundation" */
static char *ns_joined(const Namespace *ns, const char *sep)
{
    const char *full = ns->full ? ns->full : ns->name;
    size_t seplen = strlen(sep), n = 0;
    for (const char *p = full; *p; p++)
        n += *p == '.' ? seplen : 1;
    char *out = xmalloc(n + 1), *q = out;
    for (const char *p = full; *p; p++) {
        if (*p == '.') {
            memcpy(q, sep, seplen);
            q += seplen;
        } else {
            *q++ = *p;
        }
    }
    *q = '\0';
    return out;
}

/* A dotted name as written (Windows.Foundation.Uri) split into namespace and last part. */
static char *dotted_c_name(const char *dotted)
{
    const char *last = strrchr(dotted, '.');
    if (!last)
        return xstrdup(dotted);
    Namespace ns = { .full = xstrndup(dotted, (size_t)(last - dotted)) };
    return xasprintf("__x_ABI_C%s_C%s", ns_joined(&ns, "_C"), last + 1);
}

static Type *runtimeclass_default_iface(Type *t)
{
    Decl *first = NULL;
    for (Decl *m = t->u.iface.members; m; m = m->next) {
        if (!first)
            first = m;
        if (attr_has(m->attrs, ATTR_DEFAULT))
            return m->type;
    }
    return first ? first->type : NULL;
}

/* The name a generic argument contributes to an instance name: IVector<Windows.Foundation.Uri*>
 * becomes __FIVector_1_Windows__CFoundation__CUri (pointers do not show). */
static const char *generic_arg_name(Type *t)
{
    while (t->kind == TY_POINTER)
        t = t->u.ptr.ref;
    if (t->kind == TY_PARAMETERIZED)
        return c_type_name(t);
    if (t->kind == TY_BASE || t->kind == TY_VOID) {
        char *s = xstrdup(c_type_name(t));
        for (char *p = s; *p; p++)
            if (*p == ' ')
                *p = '_';
        return s;
    }
    if (!t->name)
        return xstrdup("anonymous");
    if (t->ns)
        return xasprintf("%s__C%s", ns_joined(t->ns, "__C"), t->name);
    if (strchr(t->name, '.')) {
        char *s = xstrdup(t->name), *o = xmalloc(strlen(s) * 3 + 1), *q = o;
        for (char *p = s; *p; p++) {
            if (*p == '.') {
                memcpy(q, "__C", 3);
                q += 3;
            } else {
                *q++ = *p;
            }
        }
        *q = '\0';
        return o;
    }
    return xstrdup(t->name);
}

const char *c_type_name(Type *t)
{
    switch (t->kind) {
    case TY_VOID:
        return "void";
    case TY_BASE:
        return base_name(t->u.base.kind, t->u.base.sign);
    case TY_ENUM:
        return t->name ? xasprintf("enum %s", c_plain_name(t)) : "enum";
    case TY_STRUCT:
        return t->name ? xasprintf("struct %s", c_plain_name(t)) : "struct";
    case TY_UNION:
        return t->name ? xasprintf("union %s", c_plain_name(t)) : "union";
    case TY_ENCUNION:
        /* MIDL writes an encapsulated union as the struct holding discriminant and union */
        return t->name ? xasprintf("struct %s", c_plain_name(t)) : "struct";
    case TY_PIPE:
        return t->name ? xasprintf("struct pipe_%s", c_plain_name(t)) : "struct";
    case TY_SAFEARRAY:
        return "SAFEARRAY";
    case TY_RUNTIMECLASS: {
        /* a runtime class used as a type means its default interface */
        Type *def = runtimeclass_default_iface(t);
        if (def && def != t)
            return c_type_name(def);
        return c_plain_name(t);
    }
    case TY_POINTER: case TY_ARRAY: case TY_FUNCTION:
        return c_type(t, 0);
    case TY_ALIAS: {
        /* represent_as(L) / user_marshal(U) on a transmitted type: the application sees its
         * own type L / U wherever the IDL uses the transmitted one */
        for (Attr *a = t->attrs; a; a = a->next) {
            if (a->kind != ATTR_REPRESENT_AS && a->kind != ATTR_USER_MARSHAL)
                continue;
            Expr *arg = attr_arg(a, 0);
            if (arg && arg->kind == EXPR_TYPE && arg->type && arg->type != t)
                return c_type(arg->type, arg->type_quals);
        }
        return c_plain_name(t);
    }
    default:
        return c_plain_name(t);
    }
}

const char *c_plain_name(Type *t)
{
    if (t->kind == TY_PARAMETERIZED) {
        /* widl's instance names: IVector<HSTRING> is __FIVector_1_HSTRING */
        Type *g = t->u.generic.generic;
        char *s = xasprintf("__F%s_%d", g && g->name ? g->name : "generic", t->u.generic.nargs);
        for (int i = 0; i < t->u.generic.nargs; i++)
            s = xasprintf("%s_%s", s, generic_arg_name(t->u.generic.args[i]));
        return s;
    }
    if (!t->name)
        return "anonymous";
    if (t->ns)
        return xasprintf("__x_ABI_C%s_C%s", ns_joined(t->ns, "_C"), t->name);
    if (strchr(t->name, '.'))
        return dotted_c_name(t->name);
    return t->name;
}

/* ---- declarators ---- */

static const char *quals_text(unsigned quals)
{
    switch (quals & (Q_CONST | Q_VOLATILE)) {
    case Q_CONST:              return "const";
    case Q_VOLATILE:           return "volatile";
    case Q_CONST | Q_VOLATILE: return "const volatile";
    default:                   return NULL;
    }
}

static char *params_text(Type *fn)
{
    if (!fn->u.fn.params)
        return xstrdup(fn->u.fn.varargs ? "..." : "void");
    char *s = NULL;
    for (Decl *p = fn->u.fn.params; p; p = p->next) {
        char *one = c_decl(p->type, p->quals, p->name);
        s = s ? xasprintf("%s, %s", s, one) : one;
    }
    if (fn->u.fn.varargs)
        s = xasprintf("%s, ...", s);
    return s;
}

/* Wraps `inner` (the declarator built so far, possibly empty) in the layers of t.  quals
 * qualify the object of type t.  callconv_done: an enclosing pointer already wrote the
 * function's calling convention inside its parentheses. */
static char *build_declarator(Type *t, unsigned quals, const char *inner, int flags,
                              Type **spec, unsigned *spec_quals)
{
    bool callconv_done = false;
    for (;;) {
        switch (t->kind) {
        case TY_POINTER: {
            const char *q = quals_text(quals);
            char *s = q ? xasprintf("*%s%s%s", q, *inner ? " " : "", inner) : xasprintf("*%s", inner);
            Type *ref = t->u.ptr.ref;
            if (ref->kind == TY_ARRAY) {
                s = xasprintf("(%s)", s);
            } else if (ref->kind == TY_FUNCTION) {
                const char *cc = ref->u.fn.callconv;
                s = cc ? xasprintf("(%s %s)", cc, s) : xasprintf("(%s)", s);
                callconv_done = true;
            }
            inner = s;
            quals = t->u.ptr.ref_quals;
            t = ref;
            continue;
        }
        case TY_SAFEARRAY: {
            /* SAFEARRAY(T) is always handled through a pointer */
            const char *q = quals_text(quals);
            inner = q ? xasprintf("*%s%s%s", q, *inner ? " " : "", inner) : xasprintf("*%s", inner);
            *spec = t;
            *spec_quals = 0;
            return (char *)inner;
        }
        case TY_ARRAY: {
            const char *dim;
            if (t->u.arr.dim && t->u.arr.lower)
                dim = xasprintf("%s - %s + 1", c_expr(t->u.arr.dim), c_expr(t->u.arr.lower));
            else if (t->u.arr.dim)
                dim = c_expr(t->u.arr.dim);
            else
                dim = (flags & C_DECL_FIELD) ? "1" : "";
            flags &= ~C_DECL_FIELD;   /* only the outermost dimension may be conformant */
            inner = xasprintf("%s[%s]", inner, dim);
            quals |= t->u.arr.elem_quals;   /* a qualified array is an array of qualified elements */
            t = t->u.arr.elem;
            continue;
        }
        case TY_FUNCTION: {
            const char *cc = t->u.fn.callconv;
            if (cc && !callconv_done)
                inner = xasprintf("%s %s(%s)", cc, inner, params_text(t));
            else
                inner = xasprintf("%s(%s)", inner, params_text(t));
            callconv_done = false;
            quals = t->u.fn.ret_quals;
            t = t->u.fn.ret;
            continue;
        }
        default:
            *spec = t;
            *spec_quals = quals;
            return (char *)inner;
        }
    }
}

char *c_declarator(Type *t, unsigned quals, const char *name, int flags,
                   Type **spec, unsigned *spec_quals)
{
    return build_declarator(t, quals, name ? name : "", flags, spec, spec_quals);
}

char *c_specifier(Type *spec, unsigned spec_quals)
{
    const char *q = quals_text(spec_quals);
    const char *n = c_type_name(spec);
    return q ? xasprintf("%s %s", q, n) : xstrdup(n);
}

char *c_decl_flags(Type *t, unsigned quals, const char *name, int flags)
{
    Type *spec;
    unsigned sq;
    char *d = c_declarator(t, quals, name, flags, &spec, &sq);
    char *s = c_specifier(spec, sq);
    return *d ? xasprintf("%s %s", s, d) : s;
}

char *c_decl(Type *t, unsigned quals, const char *name)
{
    return c_decl_flags(t, quals, name, 0);
}

char *c_type(Type *t, unsigned quals)
{
    return c_decl_flags(t, quals, NULL, 0);
}

/* ---- expressions ---- */

/* C precedence, higher binds tighter. */
enum {
    PREC_COND = 2, PREC_LOGOR, PREC_LOGAND, PREC_BITOR, PREC_BITXOR, PREC_BITAND,
    PREC_EQ, PREC_REL, PREC_SHIFT, PREC_ADD, PREC_MUL, PREC_UNARY, PREC_POSTFIX, PREC_PRIMARY,
};

const char *expr_op_text(ExprOp op)
{
    switch (op) {
    case OP_NEG: case OP_SUB:   return "-";
    case OP_POS: case OP_ADD:   return "+";
    case OP_NOT:                return "!";
    case OP_BITNOT:             return "~";
    case OP_DEREF: case OP_MUL: return "*";
    case OP_ADDR: case OP_BITAND: return "&";
    case OP_DIV:    return "/";
    case OP_MOD:    return "%";
    case OP_SHL:    return "<<";
    case OP_SHR:    return ">>";
    case OP_BITOR:  return "|";
    case OP_BITXOR: return "^";
    case OP_LOGAND: return "&&";
    case OP_LOGOR:  return "||";
    case OP_EQ:     return "==";
    case OP_NE:     return "!=";
    case OP_LT:     return "<";
    case OP_GT:     return ">";
    case OP_LE:     return "<=";
    case OP_GE:     return ">=";
    case OP_DOT:    return ".";
    case OP_ARROW:  return "->";
    case OP_NONE:   break;
    }
    return "?";
}

static int binary_prec(ExprOp op)
{
    switch (op) {
    case OP_MUL: case OP_DIV: case OP_MOD: return PREC_MUL;
    case OP_ADD: case OP_SUB:              return PREC_ADD;
    case OP_SHL: case OP_SHR:              return PREC_SHIFT;
    case OP_LT: case OP_GT: case OP_LE: case OP_GE: return PREC_REL;
    case OP_EQ: case OP_NE:                return PREC_EQ;
    case OP_BITAND:                        return PREC_BITAND;
    case OP_BITXOR:                        return PREC_BITXOR;
    case OP_BITOR:                         return PREC_BITOR;
    case OP_LOGAND:                        return PREC_LOGAND;
    case OP_LOGOR:                         return PREC_LOGOR;
    default:                               return PREC_PRIMARY;
    }
}

static int expr_prec(const Expr *e)
{
    switch (e->kind) {
    case EXPR_UNARY: case EXPR_CAST: case EXPR_SIZEOF: return PREC_UNARY;
    case EXPR_BINARY:                return binary_prec(e->op);
    case EXPR_COND:                  return PREC_COND;
    case EXPR_MEMBER: case EXPR_INDEX: return PREC_POSTFIX;
    default:                         return PREC_PRIMARY;
    }
}

/* Whether a binary operand needs no parentheses.  Beyond what C requires, mixed operators
 * are parenthesised except products inside sums, so that code using the constant does not
 * draw -Wparentheses and reads unambiguously. */
static bool binary_operand_bare(const Expr *parent, const Expr *child, bool is_left)
{
    int pp = binary_prec(parent->op), cp = expr_prec(child);
    if (child->kind != EXPR_BINARY)
        return cp > pp;
    if (cp == PREC_MUL && pp == PREC_ADD)
        return true;
    if (cp == pp && is_left && (pp == PREC_ADD || pp == PREC_MUL || child->op == parent->op))
        return true;
    return false;
}

static char *paren(char *s) { return xasprintf("(%s)", s); }

static char *int_text(const Expr *e)
{
    if (e->text)
        return xstrdup(e->text);
    if (e->is_unsigned)
        return xasprintf("%" PRIu64 "U", (uint64_t)e->ival);
    if (e->ival < 0)
        return xasprintf("(%" PRId64 ")", e->ival);
    return xasprintf("%" PRId64, e->ival);
}

char *c_expr(Expr *e)
{
    switch (e->kind) {
    case EXPR_EMPTY:
        return xstrdup("");
    case EXPR_INT:
        return int_text(e);
    case EXPR_FLOAT:
        return e->text ? xstrdup(e->text) : xasprintf("%.17g", e->fval);
    case EXPR_STRING:
        return xasprintf("\"%s\"", e->str ? e->str : "");
    case EXPR_WSTRING:
        return xasprintf("L\"%s\"", e->str ? e->str : "");
    case EXPR_CHAR:
        if (e->text && e->text[0] == '\'')
            return xstrdup(e->text);
        if (e->text)
            return xasprintf("'%s'", e->text);
        return xasprintf("%" PRId64, e->ival);
    case EXPR_TRUE:
        return xstrdup("TRUE");
    case EXPR_FALSE:
        return xstrdup("FALSE");
    case EXPR_NULL:
        return xstrdup("NULL");
    case EXPR_NAME:
        return strchr(e->str, '.') ? dotted_c_name(e->str) : xstrdup(e->str);
    case EXPR_UUID: {
        const Uuid *u = &e->uuid;
        return xasprintf("{0x%08" PRIx32 ", 0x%04x, 0x%04x, {0x%02x, 0x%02x, 0x%02x, 0x%02x, "
                         "0x%02x, 0x%02x, 0x%02x, 0x%02x}}",
                         u->d1, u->d2, u->d3, u->d4[0], u->d4[1], u->d4[2], u->d4[3],
                         u->d4[4], u->d4[5], u->d4[6], u->d4[7]);
    }
    case EXPR_VERSION:
        return e->text ? xstrdup(e->text)
                       : xasprintf("%d.%d", (int)(e->ival & 0xffff), (int)((e->ival >> 16) & 0xffff));
    case EXPR_TYPE:
        return c_type(e->type, e->type_quals);
    case EXPR_UNARY: {
        char *operand = c_expr(e->lhs);
        if (expr_prec(e->lhs) < PREC_UNARY)
            operand = paren(operand);
        const char *op = expr_op_text(e->op);
        /* keep "- -x" from becoming the decrement "--x" */
        if ((e->op == OP_NEG || e->op == OP_POS || e->op == OP_DEREF || e->op == OP_ADDR) &&
            operand[0] == op[0])
            operand = paren(operand);
        return xasprintf("%s%s", op, operand);
    }
    case EXPR_BINARY: {
        char *l = c_expr(e->lhs), *r = c_expr(e->rhs);
        if (!binary_operand_bare(e, e->lhs, true))
            l = paren(l);
        if (!binary_operand_bare(e, e->rhs, false))
            r = paren(r);
        return xasprintf("%s %s %s", l, expr_op_text(e->op), r);
    }
    case EXPR_COND: {
        char *c = c_expr(e->cond), *l = c_expr(e->lhs), *r = c_expr(e->rhs);
        if (expr_prec(e->cond) <= PREC_COND)
            c = paren(c);
        if (expr_prec(e->lhs) <= PREC_COND)
            l = paren(l);
        if (expr_prec(e->rhs) < PREC_COND)
            r = paren(r);
        return xasprintf("%s ? %s : %s", c, l, r);
    }
    case EXPR_CAST: {
        char *operand = c_expr(e->lhs);
        if (expr_prec(e->lhs) < PREC_UNARY)
            operand = paren(operand);
        return xasprintf("(%s)%s", c_type(e->type, e->type_quals), operand);
    }
    case EXPR_SIZEOF:
        return xasprintf("sizeof(%s)", c_type(e->type, e->type_quals));
    case EXPR_MEMBER: {
        char *l = c_expr(e->lhs);
        if (expr_prec(e->lhs) < PREC_POSTFIX)
            l = paren(l);
        return xasprintf("%s%s%s", l, e->op == OP_ARROW ? "->" : ".", e->str);
    }
    case EXPR_INDEX: {
        char *l = c_expr(e->lhs);
        if (expr_prec(e->lhs) < PREC_POSTFIX)
            l = paren(l);
        return xasprintf("%s[%s]", l, c_expr(e->rhs));
    }
    }
    diag_internal("ctype: unknown expression kind %d", (int)e->kind);
}
