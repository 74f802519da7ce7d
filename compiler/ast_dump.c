/*
 * ast_dump.c: a plain-text rendering of the AST, one node per line, for debugging the front end
 * and for parser tests that compare what was built (not what a generator made of it).
 *
 *   interface calc [uuid(12345678-...), version(1.0)] : IUnknown
 *     decls
 *       func add: fn([in] long a, [out] long* b) -> long
 *
 * Types are written inline: named types by name (TY_NAMED as ?name, generic parameters as
 * <T>), a record's body where it is first met, arrays as [2][3]long, pointers to functions
 * as (fn(...) -> long)*, qualifiers after what they qualify.
 */
#include "asidl.h"

static void dump_stmts(FILE *out, Stmt *s, int depth);
static void dump_type(FILE *out, Type *t, int depth);

/* A named record's body is written once, where it is first met (its definition). */
static bool already_expanded(Type *t)
{
    static Type **seen;
    static size_t n, cap;
    for (size_t i = 0; i < n; i++)
        if (seen[i] == t)
            return true;
    if (n == cap) {
        seen = xrealloc_vec(seen, cap, cap ? cap * 2 : 64, sizeof *seen);
        cap = cap ? cap * 2 : 64;
    }
    seen[n++] = t;
    return false;
}

static bool is_iface_like(const Type *t)
{
    switch (t->kind) {
    case TY_INTERFACE: case TY_DISPINTERFACE: case TY_COCLASS: case TY_MODULE: case TY_LIBRARY:
    case TY_RUNTIMECLASS: case TY_DELEGATE: case TY_APICONTRACT:
        return true;
    default:
        return false;
    }
}

static const char *base_name(Type *t)
{
    static const char *names[] = {
        [B_BOOLEAN] = "boolean", [B_BYTE] = "byte", [B_CHAR] = "char", [B_WCHAR] = "wchar_t",
        [B_SMALL] = "small", [B_SHORT] = "short", [B_INT] = "int", [B_LONG] = "long",
        [B_HYPER] = "hyper", [B_INT8] = "__int8", [B_INT16] = "__int16", [B_INT32] = "__int32",
        [B_INT64] = "__int64", [B_INT3264] = "__int3264", [B_INT128] = "__int128",
        [B_FLOAT] = "float", [B_DOUBLE] = "double", [B_HANDLE] = "handle_t",
        [B_ERROR_STATUS] = "error_status_t",
    };
    return names[t->u.base.kind];
}

/* Qualifiers follow what they qualify, as in `long const* const` (a const pointer to const
 * long), so the rendering is never ambiguous. */
static void dump_quals(FILE *out, unsigned q)
{
    if (q & Q_CONST)
        fputs(" const", out);
    if (q & Q_VOLATILE)
        fputs(" volatile", out);
}

static void dump_expr(FILE *out, Expr *e)
{
    if (!e) {
        fputs("<null>", out);
        return;
    }
    switch (e->kind) {
    case EXPR_EMPTY: break;
    case EXPR_INT: case EXPR_FLOAT: case EXPR_CHAR: fputs(e->text, out); break;
    case EXPR_VERSION: fprintf(out, "%u.%u", (unsigned)(e->ival & 0xffff), (unsigned)(e->ival >> 16)); break;
    case EXPR_STRING: fprintf(out, "\"%s\"", e->str); break;
    case EXPR_WSTRING: fprintf(out, "L\"%s\"", e->str); break;
    case EXPR_TRUE: fputs("TRUE", out); break;
    case EXPR_FALSE: fputs("FALSE", out); break;
    case EXPR_NULL: fputs("NULL", out); break;
    case EXPR_NAME: fputs(e->str, out); break;
    case EXPR_UUID:
        fprintf(out, "%08x-%04x-%04x-%02x%02x-", (unsigned)e->uuid.d1, e->uuid.d2, e->uuid.d3,
                e->uuid.d4[0], e->uuid.d4[1]);
        for (int i = 2; i < 8; i++)
            fprintf(out, "%02x", e->uuid.d4[i]);
        break;
    case EXPR_TYPE:
        dump_type(out, e->type, -1);
        dump_quals(out, e->type_quals);
        if (e->str)
            fprintf(out, " %s", e->str);
        break;
    case EXPR_UNARY: fprintf(out, "(%s", expr_op_text(e->op)); dump_expr(out, e->lhs); fputc(')', out); break;
    case EXPR_BINARY:
        fputc('(', out);
        dump_expr(out, e->lhs);
        fprintf(out, " %s ", expr_op_text(e->op));
        dump_expr(out, e->rhs);
        fputc(')', out);
        break;
    case EXPR_COND:
        fputc('(', out);
        dump_expr(out, e->cond);
        fputs(" ? ", out);
        dump_expr(out, e->lhs);
        fputs(" : ", out);
        dump_expr(out, e->rhs);
        fputc(')', out);
        break;
    case EXPR_CAST:
        fputs("((", out);
        dump_type(out, e->type, -1);
        dump_quals(out, e->type_quals);
        fputs(")", out);
        dump_expr(out, e->lhs);
        fputc(')', out);
        break;
    case EXPR_SIZEOF: fputs("sizeof(", out); dump_type(out, e->type, -1); fputc(')', out); break;
    case EXPR_MEMBER: dump_expr(out, e->lhs); fprintf(out, "%s%s", expr_op_text(e->op), e->str); break;
    case EXPR_INDEX: dump_expr(out, e->lhs); fputc('[', out); dump_expr(out, e->rhs); fputc(']', out); break;
    }
}

static void dump_attrs(FILE *out, Attr *a)
{
    if (!a)
        return;
    fputs("[", out);
    for (; a; a = a->next) {
        fputs(attr_name(a->kind), out);
        if (a->args) {
            fputc('(', out);
            for (Expr *e = a->args; e; e = e->next) {
                dump_expr(out, e);
                if (e->next)
                    fputs(", ", out);
            }
            fputc(')', out);
        }
        if (a->next)
            fputs(", ", out);
    }
    fputc(']', out);
}

static void indent(FILE *out, int depth)
{
    for (int i = 0; i < depth; i++)
        fputs("  ", out);
}

static void dump_decl(FILE *out, Decl *d, int depth);

static void dump_params(FILE *out, Type *fn)
{
    fputc('(', out);
    for (Decl *p = fn->u.fn.params; p; p = p->next) {
        dump_attrs(out, p->attrs);
        if (p->attrs)
            fputc(' ', out);
        if (p->type)
            dump_type(out, p->type, -1);
        dump_quals(out, p->quals);
        if (p->name)
            fprintf(out, "%s%s", p->type ? " " : "", p->name);
        if (p->next || fn->u.fn.varargs)
            fputs(", ", out);
    }
    if (fn->u.fn.varargs)
        fputs("...", out);
    fputc(')', out);
}

/* depth >= 0: a record body may be written on the following lines at that depth. */
static void dump_type(FILE *out, Type *t, int depth)
{
    if (!t) {
        fputs("<none>", out);
        return;
    }
    switch (t->kind) {
    case TY_VOID: fputs("void", out); return;
    case TY_BASE:
        if (t->u.base.sign == SIGN_SIGNED)
            fputs("signed ", out);
        else if (t->u.base.sign == SIGN_UNSIGNED)
            fputs("unsigned ", out);
        fputs(base_name(t), out);
        return;
    case TY_POINTER: {
        /* (fn(...) -> int)* is a pointer to a function, fn(...) -> int* a function */
        bool wrap = t->u.ptr.ref && (t->u.ptr.ref->kind == TY_FUNCTION || t->u.ptr.ref->kind == TY_ARRAY);
        fputs(wrap ? "(" : "", out);
        dump_type(out, t->u.ptr.ref, depth);
        dump_quals(out, t->u.ptr.ref_quals);
        fputs(wrap ? ")*" : "*", out);
        return;
    }
    case TY_ARRAY:
        /* [2][3]long: two arrays of three longs */
        fputc('[', out);
        if (t->u.arr.lower) {
            dump_expr(out, t->u.arr.lower);
            fputs("..", out);
        }
        if (t->u.arr.dim)
            dump_expr(out, t->u.arr.dim);
        fputc(']', out);
        dump_type(out, t->u.arr.elem, depth);
        dump_quals(out, t->u.arr.elem_quals);
        return;
    case TY_FUNCTION:
        fputs("fn", out);
        if (t->u.fn.callconv)
            fprintf(out, " %s", t->u.fn.callconv);
        dump_params(out, t);
        fputs(" -> ", out);
        dump_type(out, t->u.fn.ret, depth);
        dump_quals(out, t->u.fn.ret_quals);
        return;
    case TY_NAMED: fprintf(out, "?%s", t->name); return;
    case TY_PARAM: fprintf(out, "<%s>", t->name); return;
    case TY_PIPE: fputs("pipe ", out); dump_type(out, t->u.ptr.ref, depth); return;
    case TY_SAFEARRAY: fputs("SAFEARRAY(", out); dump_type(out, t->u.ptr.ref, depth); fputc(')', out); return;
    case TY_PARAMETERIZED:
        dump_type(out, t->u.generic.generic, -1);
        fputc('<', out);
        for (int i = 0; i < t->u.generic.nargs; i++) {
            dump_type(out, t->u.generic.args[i], -1);
            if (i + 1 < t->u.generic.nargs)
                fputs(", ", out);
        }
        fputc('>', out);
        return;
    case TY_STRUCT: case TY_UNION: case TY_ENCUNION: case TY_ENUM:
        fprintf(out, "%s", type_kind_name(t->kind));
        if (t->name)
            fprintf(out, " %s", t->name);
        if (!t->defined || (t->name && (depth < 0 || already_expanded(t))))
            return;
        if (depth < 0) {
            fputs(" {...}", out);
            return;
        }
        if (t->kind == TY_ENCUNION) {
            fputs(" switch(", out);
            if (t->u.rec.discrim)
                dump_decl(out, t->u.rec.discrim, -1);
            fputc(')', out);
            if (t->u.rec.arm_name)
                fprintf(out, " %s", t->u.rec.arm_name);
        }
        fputs(" {", out);
        for (Decl *f = t->u.rec.fields; f; f = f->next) {
            fputc('\n', out);
            dump_decl(out, f, depth + 1);
        }
        fputc('\n', out);
        indent(out, depth);
        fputc('}', out);
        return;
    default:
        if (t->ns)
            fprintf(out, "%s.", t->ns->full);
        fputs(t->name ? t->name : "<anonymous>", out);
        return;
    }
}

static const char *decl_kind(DeclKind k)
{
    switch (k) {
    case DECL_FIELD: return "field";
    case DECL_PARAM: return "param";
    case DECL_FUNC: return "func";
    case DECL_TYPEDEF: return "typedef";
    case DECL_CONST: return "const";
    case DECL_ENUMERATOR: return "enumerator";
    case DECL_VAR: return "var";
    case DECL_IFACE_REF: return "interface";
    }
    return "?";
}

/* depth < 0: inline, no kind word and no newline */
static void dump_decl(FILE *out, Decl *d, int depth)
{
    if (depth >= 0) {
        indent(out, depth);
        fputs(decl_kind(d->kind), out);
        if (d->storage == STORAGE_EXTERN)
            fputs(" extern", out);
        if (d->storage == STORAGE_STATIC)
            fputs(" static", out);
        if (d->is_inline)
            fputs(" inline", out);
        fputc(' ', out);
    }
    fputs(d->name ? d->name : "<unnamed>", out);
    if (d->attrs)
        fputc(' ', out);
    dump_attrs(out, d->attrs);
    if (d->type && d->kind != DECL_TYPEDEF) {
        fputs(": ", out);
        dump_type(out, d->type, depth);
        dump_quals(out, d->quals);
    } else if (d->kind == DECL_TYPEDEF && d->type) {
        fputs(" = ", out);
        dump_type(out, d->type->u.alias.target, depth);
        dump_quals(out, d->type->u.alias.target_quals);
    }
    if (d->bits) {
        fputs(" : ", out);
        dump_expr(out, d->bits);
    }
    if (d->value) {
        fputs(" = ", out);
        dump_expr(out, d->value);
    }
}

static void dump_iface(FILE *out, Type *t, int depth, bool forward)
{
    fprintf(out, "%s%s ", forward ? "forward " : "", type_kind_name(t->kind));
    if (t->ns)
        fprintf(out, "%s.", t->ns->full);
    fputs(t->name ? t->name : "<anonymous>", out);
    if (t->u.iface.params) {
        fputc('<', out);
        for (Type *p = t->u.iface.params; p; p = p->u.param.next)
            fprintf(out, "%s%s", p->name, p->u.param.next ? ", " : "");
        fputc('>', out);
    }
    if (!forward && t->attrs) {
        fputc(' ', out);
        dump_attrs(out, t->attrs);
    }
    if (forward) {
        fputc('\n', out);
        return;
    }
    if (t->u.iface.base) {
        fputs(" : ", out);
        dump_type(out, t->u.iface.base, -1);
    }
    for (Decl *r = t->u.iface.requires; r; r = r->next) {
        fputs(r == t->u.iface.requires ? " requires " : ", ", out);
        dump_type(out, r->type, -1);
    }
    fputc('\n', out);
    for (Decl *p = t->u.iface.props; p; p = p->next) {
        dump_decl(out, p, depth + 1);
        fputc('\n', out);
    }
    for (Decl *m = t->u.iface.members; m; m = m->next) {
        indent(out, depth + 1);
        fputs("interface ", out);
        dump_attrs(out, m->attrs);
        fputc(' ', out);
        dump_type(out, m->type, -1);
        fputc('\n', out);
    }
    dump_stmts(out, t->u.iface.body, depth + 1);
}

static void dump_stmts(FILE *out, Stmt *s, int depth)
{
    for (; s; s = s->next) {
        indent(out, depth);
        switch (s->kind) {
        case STMT_TYPE:
            if (is_iface_like(s->type)) {
                dump_iface(out, s->type, depth, s->forward);
                continue;
            }
            fprintf(out, "%s", s->forward ? "forward " : "");
            dump_type(out, s->type, s->forward ? -1 : depth);
            if (s->type->attrs)
                fputc(' ', out);
            dump_attrs(out, s->type->attrs);
            break;
        case STMT_TYPEDEF:
        case STMT_DECL:
            fputs(s->kind == STMT_TYPEDEF ? "typedefs\n" : "decls\n", out);
            for (Decl *d = s->decls; d; d = d->next) {
                dump_decl(out, d, depth + 1);
                if (d->next)
                    fputc('\n', out);
            }
            break;
        case STMT_IMPORT:
            fprintf(out, "import \"%s\" -> %s", s->str, s->import ? s->import->path : "<none>");
            break;
        case STMT_IMPORTLIB: fprintf(out, "importlib \"%s\"", s->str); break;
        case STMT_INCLUDE: fprintf(out, "include \"%s\"", s->str); break;
        case STMT_CPP_QUOTE: fprintf(out, "cpp_quote {%s}", s->str); break;
        case STMT_PRAGMA: fprintf(out, "pragma {%s}", s->str); break;
        case STMT_MIDL_PRAGMA: fprintf(out, "midl_pragma {%s}", s->str); break;
        case STMT_NAMESPACE:
            fprintf(out, "namespace %s\n", s->ns->full);
            dump_stmts(out, s->body, depth + 1);
            continue;
        case STMT_DECLARE:
            fputs("declare\n", out);
            dump_stmts(out, s->body, depth + 1);
            continue;
        }
        fputc('\n', out);
    }
}

void ast_dump(FILE *out, File *f)
{
    fprintf(out, "file %s%s%s%s\n", f->path, f->is_acf ? " (acf)" : "",
            f->is_c_header ? " (c header)" : "", f->imported ? " (imported)" : "");
    dump_stmts(out, f->stmts, 1);
}
