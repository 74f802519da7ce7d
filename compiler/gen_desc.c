/*
 * gen_desc.c: the NDR descriptor tables of the stub files (runtime/include/asidl_ndr.h).
 *
 * Every procedure of the main file's RPC interfaces, and every type its parameters reach, is
 * described as `static const` data the runtime's NDR engine interprets.  The C compiler decides
 * memory layout (offsetof, sizeof over the header's declarations); the descriptors decide wire
 * layout.  Three phases:
 *
 *   build   a walk over each parameter's type, one pointer or array level at a time, turning the
 *           attributes of the declaration and of the typedefs it crosses into descriptors
 *           (Desc nodes, each holding its C initializer text and what it refers to);
 *   share   structures, unions with a discriminant of their own, enums and the types the
 *           application converts are keyed by their Type, so recursive types close on
 *           themselves; everything else (pointers, arrays, expressions, ...) is keyed by its
 *           initializer text, so equal descriptors are written once;
 *   emit    a depth-first walk from the procedures writes each descriptor after the ones it
 *           refers to; a reference that closes a cycle gets a forward declaration instead.
 *
 * Output is deterministic: names and order follow declaration order.  A construct the engine
 * cannot express is reported at its declaration (asidl exits 1 and writes nothing).
 */
#include "asidl.h"

#include <stdlib.h>
#include <string.h>

/* ===================================================================== text helpers */

typedef struct Str {
    char *s;
    size_t len, cap;
} Str;

static void str_add(Str *b, const char *fmt, ...) FMT(2, 3);
static void str_add(Str *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *piece;
    if (vasprintf(&piece, fmt, ap) < 0)
        diag_fatal("out of memory");
    va_end(ap);
    size_t n = strlen(piece);
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->s = xrealloc_vec(b->s, b->cap, cap, 1);
        b->cap = cap;
    }
    memcpy(b->s + b->len, piece, n + 1);
    b->len += n;
    free(piece);
}

static char *str_take(Str *b)
{
    return b->s ? b->s : xstrdup("");
}

/* Lines of an initializer, each with an optional comment; comments line up in one column. */
typedef struct Lines {
    const char **text, **note;
    int n, cap;
} Lines;

static void line_add(Lines *l, const char *note, const char *fmt, ...) FMT(3, 4);
static void line_add(Lines *l, const char *note, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text;
    if (vasprintf(&text, fmt, ap) < 0)
        diag_fatal("out of memory");
    va_end(ap);
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 8;
        l->text = xrealloc_vec(l->text, (size_t)l->cap, (size_t)cap, sizeof *l->text);
        l->note = xrealloc_vec(l->note, (size_t)l->cap, (size_t)cap, sizeof *l->note);
        l->cap = cap;
    }
    l->text[l->n] = xstrdup(text);
    l->note[l->n] = note ? xstrdup(note) : NULL;
    l->n++;
    free(text);
}

/* "{\n    a,    /+ x +/\n    b,\n}" */
static char *lines_block(const Lines *l)
{
    size_t width = 0;
    for (int i = 0; i < l->n; i++)
        if (l->note[i] && strlen(l->text[i]) > width)
            width = strlen(l->text[i]);
    if (width > 72)
        width = 72;
    Str b = { 0 };
    str_add(&b, "{\n");
    for (int i = 0; i < l->n; i++) {
        if (l->note[i])
            str_add(&b, "    %-*s  /* %s */\n", (int)width, l->text[i], l->note[i]);
        else
            str_add(&b, "    %s\n", l->text[i]);
    }
    str_add(&b, "}");
    return str_take(&b);
}

/* Text inside a C comment must not close it. */
static const char *comment_safe(const char *s)
{
    if (!strstr(s, "*/"))
        return s;
    Str b = { 0 };
    for (const char *p = s; *p; p++) {
        if (p[0] == '*' && p[1] == '/')
            str_add(&b, "* ");
        else
            str_add(&b, "%c", *p);
    }
    return str_take(&b);
}

/* A C string literal of a name (names are identifiers, but stay safe). */
static const char *c_string(const char *s)
{
    Str b = { 0 };
    str_add(&b, "\"");
    for (const char *p = s; *p; p++) {
        if (*p == '"' || *p == '\\')
            str_add(&b, "\\%c", *p);
        else if ((unsigned char)*p < 0x20)
            str_add(&b, "\\%03o", (unsigned char)*p);
        else
            str_add(&b, "%c", *p);
    }
    str_add(&b, "\"");
    return str_take(&b);
}

/* ===================================================================== descriptors */

typedef enum NdrKind {
    NK_NONE, NK_BASE, NK_RANGE, NK_STRUCT, NK_ARRAY, NK_POINTER, NK_UNION, NK_CONTEXT,
    NK_USER, NK_XMIT,
} NdrKind;

typedef struct Desc Desc;
struct Desc {
    const char *name;
    const char *c_type;     /* "asidl_ndr_struct", ...; NULL for a function (a thunk) */
    bool array;             /* defined as name[] */
    bool external;          /* the runtime defines it (asidl_ndr_t_long): never written */
    const char *comment;    /* the line above the definition */
    const char *body;       /* initializer, or a function's whole definition */
    Desc **deps;
    int n_deps, cap_deps;
    int state;              /* emission: 0 new, 1 being written, 2 written */
    bool forward;           /* referred to before its definition (a recursive type) */
    bool complete;          /* built (a recursive reference may see one under construction) */
    /* type descriptors */
    NdrKind kind;
    int align;
    bool complex, conformant;
    const char *size;       /* C expression of the header's mem_size */
    const char *what;       /* what it describes, in words, for comments */
    bool ffi_ok;            /* a value of it passed by value can be described to libffi */
};

typedef struct Proc Proc;

struct StubTables {
    Program *prog;
    StubSide side;
    PtrMap by_key;          /* interned initializer key -> Desc (shared by content) */
    PtrMap by_type;         /* Type or Decl (+ variant) -> Desc (shared by identity) */
    PtrMap names;           /* interned names in use */
    PtrMap iface_of;        /* Type -> the interface whose body declares it (pointer_default) */
    PtrMap typedef_name;    /* an anonymous struct, union or enum -> the first typedef naming it */
    PtrMap procs;           /* operation Decl -> Proc */
    Desc **roots;
    int n_roots, cap_roots;
    Type **ifaces;
    int n_ifaces;
};

static void add_dep(Desc *d, Desc *dep)
{
    if (!dep || dep->external)
        return;
    for (int i = 0; i < d->n_deps; i++)
        if (d->deps[i] == dep)
            return;
    if (d->n_deps == d->cap_deps) {
        int cap = d->cap_deps ? d->cap_deps * 2 : 4;
        d->deps = xrealloc_vec(d->deps, (size_t)d->cap_deps, (size_t)cap, sizeof *d->deps);
        d->cap_deps = cap;
    }
    d->deps[d->n_deps++] = dep;
}

/* A fresh C identifier from a hint: "ndr__" + the hint, made unique in the file. */
static const char *unique_name(StubTables *g, const char *prefix, const char *hint)
{
    Str b = { 0 };
    str_add(&b, "%s", prefix);
    for (const char *p = hint; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
        str_add(&b, "%c", ok ? c : '_');
    }
    char *base = str_take(&b);
    const char *name = intern(base);
    for (int i = 2; !ptrmap_mark(&g->names, name); i++)
        name = intern(xasprintf("%s_%d", base, i));
    return name;
}

static Desc *desc_new(StubTables *g, const char *c_type, const char *hint)
{
    Desc *d = xmalloc(sizeof *d);
    d->c_type = c_type;
    d->name = unique_name(g, "ndr__", hint);
    return d;
}

/* A descriptor shared by content: an equal one made earlier is returned instead. */
static Desc *desc_shared(StubTables *g, Desc *proto, const char *hint)
{
    const char *key = intern(xasprintf("%s%s|%s", proto->c_type, proto->array ? "[]" : "", proto->body));
    Desc *old = ptrmap_get(&g->by_key, key);
    if (old)
        return old;
    Desc *d = xmalloc(sizeof *d);
    *d = *proto;
    d->name = unique_name(g, "ndr__", hint);
    d->complete = true;
    ptrmap_put(&g->by_key, key, d);
    return d;
}

/* The runtime's descriptors of MIDL's base types. */
static Desc *runtime_base(StubTables *g, const char *name, int wire_size, const char *c_spelling)
{
    const char *full = intern(xasprintf("asidl_ndr_t_%s", name));
    Desc *d = ptrmap_get(&g->by_key, full);
    if (d)
        return d;
    d = xmalloc(sizeof *d);
    d->name = full;
    d->c_type = "asidl_ndr_base";
    d->external = true;
    d->complete = true;
    d->kind = NK_BASE;
    d->align = wire_size;
    d->size = xasprintf("sizeof(%s)", c_spelling);
    d->what = c_spelling;
    d->ffi_ok = true;
    ptrmap_put(&g->by_key, full, d);
    return d;
}

static const char *hdr_ref(const Desc *d)
{
    return xasprintf("&%s.hdr", d->name);
}

/* Error placeholder: keeps the walk going after a diagnostic. */
static Desc *broken(StubTables *g)
{
    return runtime_base(g, "long", 4, "long");
}

/* ===================================================================== procedures */

struct Proc {
    Type *iface;
    Decl *op;
    Decl **params;          /* the C parameters in order (an IDL_handle first if the ACF asks) */
    int n_params;
    bool idl_handle;
    Desc *desc;             /* the asidl_ndr_proc, NULL when none is made */
    bool needs_invoker;     /* a by-value parameter or result libffi cannot describe */
    int epv_slot;           /* the manager routine's index in the EPV, -1 if none */
};

static int proc_param_index(const Proc *p, const Decl *param)
{
    for (int i = 0; i < p->n_params; i++)
        if (p->params[i] == param)
            return i;
    return -1;
}

/* ===================================================================== walking types */

/* Where a type is used: what the declaration's attributes are and what its expressions read. */
typedef struct Site {
    Attr *attrs;            /* the field's, parameter's or union arm's; the operation's for its result */
    Type *holder;           /* the structure whose fields FIELD operands read, or NULL */
    const char *holder_c;   /* its C name */
    bool holder_runtime;    /* defined by the runtime headers: member sizes come from C */
    Proc *proc;             /* the procedure whose parameters PARAM operands read, or NULL */
    bool top;               /* a parameter or result: its first pointer is top-level */
    bool result;            /* the result (top-level pointers are not [ref] by default) */
    const char *hint;       /* names the descriptors made for this use */
    const char *what;       /* "field 'x' of struct s", for diagnostics */
    Loc loc;
} Site;

enum { MAX_ALIASES = 32 };

/* Where the walk is inside one declaration's type. */
typedef struct Walk {
    int level;              /* pointer/array levels passed: indexes size_is(a, b) lists */
    bool ptr_attr_used;     /* the declaration's pointer attribute went to the first pointer */
    Type *aliases[MAX_ALIASES];   /* typedefs crossed since the last level, outermost first */
    int n_aliases;
    Type *iface;            /* whose pointer_default applies */
    const char *lvalue;     /* a C expression of an object at this level (fields only) */
    bool runtime_alias;     /* crossed a typedef the runtime headers define */
} Walk;

static Desc *walk_type(StubTables *g, Type *t, Site *s, Walk *w);
static const char *struct_hint(const char *cname);

static Attr *alias_attr(const Walk *w, AttrKind k)
{
    for (int i = 0; i < w->n_aliases; i++) {
        Attr *a = attr_find(w->aliases[i]->attrs, k);
        if (a)
            return a;
    }
    return NULL;
}

/* The C name of an object at this level: the outermost typedef crossed, the tag, or
 * __typeof__ of the member it is. */
static const char *level_c_name(StubTables *g, const Walk *w, Type *t)
{
    if (w->n_aliases > 0)
        return c_plain_name(w->aliases[0]);
    if ((t->kind == TY_STRUCT || t->kind == TY_UNION || t->kind == TY_ENCUNION || t->kind == TY_ENUM) && t->name)
        return c_type_name(t);
    if (t->kind == TY_BASE)
        return c_type_name(t);
    const char *named = ptrmap_get(&g->typedef_name, t);
    if (named)
        return named;
    if (w->lvalue)
        return xasprintf("__typeof__(%s)", w->lvalue);
    return NULL;
}

static Walk next_level(const Walk *w, const char *lvalue)
{
    Walk n = { .level = w->level, .ptr_attr_used = w->ptr_attr_used, .iface = w->iface, .lvalue = lvalue };
    return n;
}

static Expr *level_expr(Attr *attrs, AttrKind k, int level)
{
    Expr *e = attr_arg(attr_find(attrs, k), level);
    return e && e->kind != EXPR_EMPTY ? e : NULL;
}

static Type *strip(Type *t)
{
    Type *s = t ? type_strip_alias(t) : NULL;
    return s ? s : t;
}

static Type *pointer_default_iface(StubTables *g, Type *t)
{
    return ptrmap_get(&g->iface_of, t);
}

static int pointer_default(Type *iface)
{
    Expr *e = iface ? attr_arg(attr_find(iface->attrs, ATTR_POINTER_DEFAULT), 0) : NULL;
    if (e && e->kind == EXPR_NAME && e->str) {
        if (!strcmp(e->str, "ref"))
            return 1;
        if (!strcmp(e->str, "ptr"))
            return 3;
    }
    return 2;   /* MIDL's default outside DCE mode: [unique] */
}

static const char *pointer_kind_name(int kind)
{
    switch (kind) {
    case 1: return "REF";
    case 3: return "FULL";
    case 4: return "IGNORE";
    default: return "UNIQUE";
    }
}

static const char *pointer_kind_attr(int kind)
{
    switch (kind) {
    case 1: return "ref";
    case 3: return "ptr";
    case 4: return "ignore";
    default: return "unique";
    }
}

static int pointer_attr_kind(Attr *list)
{
    for (Attr *a = list; a; a = a->next) {
        switch (a->kind) {
        case ATTR_REF: return 1;
        case ATTR_UNIQUE: return 2;
        case ATTR_PTR: return 3;
        case ATTR_IGNORE: return 4;
        default: break;
        }
    }
    return 0;
}

/* ---- correlation expressions ---- */

typedef struct Ops {
    Lines lines;
    bool ok;
} Ops;

static const char *opname(ExprOp op)
{
    switch (op) {
    case OP_NEG: return "NEG";
    case OP_NOT: return "NOT";
    case OP_BITNOT: return "BITNOT";
    case OP_ADD: return "ADD";
    case OP_SUB: return "SUB";
    case OP_MUL: return "MUL";
    case OP_DIV: return "DIV";
    case OP_MOD: return "MOD";
    case OP_SHL: return "SHL";
    case OP_SHR: return "SHR";
    case OP_BITAND: return "AND";
    case OP_BITOR: return "OR";
    case OP_BITXOR: return "XOR";
    case OP_LOGAND: return "LAND";
    case OP_LOGOR: return "LOR";
    case OP_EQ: return "EQ";
    case OP_NE: return "NE";
    case OP_LT: return "LT";
    case OP_GT: return "GT";
    case OP_LE: return "LE";
    case OP_GE: return "GE";
    default: return NULL;
    }
}

static void expr_unsupported(Ops *o, Expr *e, const Site *s, const char *why)
{
    if (o->ok)
        diag_error(e->loc, "asidl cannot use '%s' in an attribute of %s: %s", comment_safe(c_expr(e)), s->what, why);
    o->ok = false;
}

/* The C type of an operand named by a declaration: spelled from its declaration, or from the C
 * member itself when the runtime headers declare the structure (their sizes may differ). */
static const char *operand_ctype(const Site *s, Decl *d, const char *field_path)
{
    if (d->kind == DECL_FIELD && s->holder_runtime && field_path)
        return xasprintf("ASIDL_NDR_C_OF(__typeof__(((%s *)0)->%s))", s->holder_c, field_path);
    return xasprintf("ASIDL_NDR_C_OF(%s)", c_type(d->type, 0));
}

/* s.a.b where s is a field of the holder: the member path "s.a.b", else NULL. */
static const char *field_path(const Site *s, Expr *e, Decl **leaf)
{
    if (e->kind == EXPR_NAME && e->ref && e->ref->kind == DECL_FIELD && s->holder && e->ref->owner == s->holder) {
        *leaf = e->ref;
        return e->ref->name;
    }
    if (e->kind == EXPR_MEMBER && e->op == OP_DOT && e->ref) {
        const char *base = field_path(s, e->lhs, leaf);
        if (base) {
            *leaf = e->ref;
            return xasprintf("%s.%s", base, e->str);
        }
    }
    return NULL;
}

static void compile_value(Ops *o, Expr *e, const Site *s);

/* Pushes an address A where *(char **)A is the pointer e evaluates to. */
static void compile_address(Ops *o, Expr *e, const Site *s)
{
    Decl *leaf = NULL;
    const char *path = field_path(s, e, &leaf);
    if (path) {
        line_add(&o->lines, comment_safe(c_expr(e)), "{ ASIDL_NDR_OP_FIELD_ADDR, 0, offsetof(%s, %s) },", s->holder_c, path);
        return;
    }
    if (e->kind == EXPR_NAME && e->ref && e->ref->kind == DECL_PARAM) {
        int i = s->proc ? proc_param_index(s->proc, e->ref) : -1;
        if (i < 0) {
            expr_unsupported(o, e, s, "it names a parameter outside a parameter list");
            return;
        }
        line_add(&o->lines, e->ref->name, "{ ASIDL_NDR_OP_PARAM_ADDR, 0, %d },", i);
        return;
    }
    if (e->kind == EXPR_UNARY && e->op == OP_DEREF) {
        compile_address(o, e->lhs, s);
        line_add(&o->lines, comment_safe(c_expr(e)), "{ ASIDL_NDR_OP_DEREF_ADDR, 0, 0 },");
        return;
    }
    if (e->kind == EXPR_MEMBER && e->op == OP_ARROW && e->ref && e->ref->owner) {
        compile_address(o, e->lhs, s);
        line_add(&o->lines, comment_safe(c_expr(e)), "{ ASIDL_NDR_OP_DEREF_ADDR, 0, offsetof(%s, %s) },",
                 c_type_name(e->ref->owner), e->str);
        return;
    }
    expr_unsupported(o, e, s, "only parameters, fields and pointers to them can be dereferenced");
}

static void compile_value(Ops *o, Expr *e, const Site *s)
{
    if (!o->ok)
        return;
    switch (e->kind) {
    case EXPR_INT: case EXPR_CHAR:
        line_add(&o->lines, comment_safe(c_expr(e)), "{ ASIDL_NDR_OP_CONST, 0, %lld },", (long long)e->ival);
        return;
    case EXPR_TRUE: case EXPR_FALSE:
        line_add(&o->lines, comment_safe(c_expr(e)), "{ ASIDL_NDR_OP_CONST, 0, %d },", e->kind == EXPR_TRUE);
        return;
    case EXPR_SIZEOF:
        line_add(&o->lines, comment_safe(c_expr(e)), "{ ASIDL_NDR_OP_CONST, 0, (int64_t)%s },", c_expr(e));
        return;
    case EXPR_CAST:
        compile_value(o, e->lhs, s);   /* the engine computes in 64 bits and checks the result */
        return;
    case EXPR_NAME: {
        Decl *d = e->ref;
        if (d && (d->kind == DECL_CONST || d->kind == DECL_ENUMERATOR) && d->has_ival) {
            line_add(&o->lines, e->str, "{ ASIDL_NDR_OP_CONST, 0, %lld },", (long long)d->ival);
            return;
        }
        if (d && d->kind == DECL_PARAM) {
            int i = s->proc ? proc_param_index(s->proc, d) : -1;
            if (i < 0) {
                expr_unsupported(o, e, s, "it names a parameter outside a parameter list");
                return;
            }
            line_add(&o->lines, d->name, "{ ASIDL_NDR_OP_PARAM, %s, %d },", operand_ctype(s, d, NULL), i);
            return;
        }
        Decl *leaf = NULL;
        const char *path = field_path(s, e, &leaf);
        if (path) {
            line_add(&o->lines, path, "{ ASIDL_NDR_OP_FIELD, %s, offsetof(%s, %s) },", operand_ctype(s, leaf, path),
                     s->holder_c, path);
            return;
        }
        expr_unsupported(o, e, s, d && d->kind == DECL_FIELD ? "it names a field of another structure"
                                                            : "it is not a parameter, a field or a constant");
        return;
    }
    case EXPR_MEMBER: {
        Decl *leaf = NULL;
        const char *path = e->op == OP_DOT ? field_path(s, e, &leaf) : NULL;
        if (path) {
            line_add(&o->lines, path, "{ ASIDL_NDR_OP_FIELD, %s, offsetof(%s, %s) },", operand_ctype(s, leaf, path),
                     s->holder_c, path);
            return;
        }
        if (e->op == OP_ARROW && e->ref && e->ref->owner) {
            compile_address(o, e->lhs, s);
            line_add(&o->lines, comment_safe(c_expr(e)), "{ ASIDL_NDR_OP_DEREF, ASIDL_NDR_C_OF(%s), offsetof(%s, %s) },",
                     c_type(e->ref->type, 0), c_type_name(e->ref->owner), e->str);
            return;
        }
        expr_unsupported(o, e, s, "members are read only from fields and through pointers");
        return;
    }
    case EXPR_UNARY:
        switch (e->op) {
        case OP_POS:
            compile_value(o, e->lhs, s);
            return;
        case OP_NEG: case OP_NOT: case OP_BITNOT:
            compile_value(o, e->lhs, s);
            line_add(&o->lines, comment_safe(c_expr(e)), "{ ASIDL_NDR_OP_%s, 0, 0 },", opname(e->op));
            return;
        case OP_DEREF: {
            /* the pointee's C type: from the declaration named, through each '*' */
            Expr *inner = e->lhs;
            int depth = 1;
            while (inner->kind == EXPR_UNARY && inner->op == OP_DEREF) {
                inner = inner->lhs;
                depth++;
            }
            Type *t = (inner->kind == EXPR_NAME || inner->kind == EXPR_MEMBER) && inner->ref ? inner->ref->type : NULL;
            for (int i = 0; t && i < depth; i++) {
                Type *st = strip(t);
                t = st && st->kind == TY_POINTER ? st->u.ptr.ref : NULL;
            }
            if (!t) {
                expr_unsupported(o, e, s, "it dereferences something that is not a pointer");
                return;
            }
            compile_address(o, e->lhs, s);
            line_add(&o->lines, comment_safe(c_expr(e)), "{ ASIDL_NDR_OP_DEREF, ASIDL_NDR_C_OF(%s), 0 },", c_type(t, 0));
            return;
        }
        default:
            expr_unsupported(o, e, s, "the engine has no such operator");
            return;
        }
    case EXPR_BINARY: {
        const char *op = opname(e->op);
        if (!op) {
            expr_unsupported(o, e, s, "the engine has no such operator");
            return;
        }
        compile_value(o, e->lhs, s);
        compile_value(o, e->rhs, s);
        line_add(&o->lines, c_expr(e)[0] ? xasprintf("%s", comment_safe(c_expr(e))) : NULL, "{ ASIDL_NDR_OP_%s, 0, 0 },", op);
        return;
    }
    case EXPR_COND:
        compile_value(o, e->cond, s);
        compile_value(o, e->lhs, s);
        compile_value(o, e->rhs, s);
        line_add(&o->lines, comment_safe(c_expr(e)), "{ ASIDL_NDR_OP_COND, 0, 0 },");
        return;
    default:
        expr_unsupported(o, e, s, "it is not an integer expression over parameters, fields and constants");
        return;
    }
}

/* size_is(n * 2) and the like: an asidl_ndr_op array. */
static Desc *expr_desc(StubTables *g, Expr *e, const Site *s, const char *attr, const char *hint)
{
    Ops o = { .ok = true };
    compile_value(&o, e, s);
    if (!o.ok)
        return NULL;
    line_add(&o.lines, NULL, "{ ASIDL_NDR_OP_END, 0, 0 },");
    Desc proto = { .c_type = "asidl_ndr_op", .array = true, .body = lines_block(&o.lines) };
    proto.comment = xasprintf("%s(%s)", attr, comment_safe(c_expr(e)));
    return desc_shared(g, &proto, hint);
}

/* ---- base types ---- */

typedef struct BaseInfo {
    const char *runtime;    /* asidl_ndr_t_<name> */
    const char *wire;       /* ASIDL_NDR_W_<wire> */
    int wire_size;
} BaseInfo;

static bool base_info(Type *t, BaseInfo *bi)
{
    bool u = t->u.base.sign == SIGN_UNSIGNED;
    switch (t->u.base.kind) {
    case B_BOOLEAN: *bi = (BaseInfo){ "boolean", "BOOLEAN", 1 }; return true;
    case B_BYTE: *bi = (BaseInfo){ "byte", "UINT8", 1 }; return true;
    case B_CHAR: *bi = (BaseInfo){ "char", "CHAR", 1 }; return true;
    case B_WCHAR: *bi = (BaseInfo){ "wchar", "WCHAR", 2 }; return true;
    case B_SMALL: case B_INT8: *bi = u ? (BaseInfo){ "usmall", "UINT8", 1 } : (BaseInfo){ "small", "INT8", 1 }; return true;
    case B_SHORT: case B_INT16: *bi = u ? (BaseInfo){ "ushort", "UINT16", 2 } : (BaseInfo){ "short", "INT16", 2 }; return true;
    case B_INT: case B_INT32: *bi = u ? (BaseInfo){ "uint", "UINT32", 4 } : (BaseInfo){ "int", "INT32", 4 }; return true;
    case B_LONG: *bi = u ? (BaseInfo){ "ulong", "UINT32", 4 } : (BaseInfo){ "long", "INT32", 4 }; return true;
    case B_INT3264: *bi = u ? (BaseInfo){ "uint3264", "UINT32", 4 } : (BaseInfo){ "int3264", "INT32", 4 }; return true;
    case B_HYPER: case B_INT64: *bi = u ? (BaseInfo){ "uhyper", "UINT64", 8 } : (BaseInfo){ "hyper", "INT64", 8 }; return true;
    case B_FLOAT: *bi = (BaseInfo){ "float", "FLOAT", 4 }; return true;
    case B_DOUBLE: *bi = (BaseInfo){ "double", "DOUBLE", 8 }; return true;
    case B_ERROR_STATUS: *bi = (BaseInfo){ "error_status", "UINT32", 4 }; return true;
    case B_INT128: case B_HANDLE:
        return false;
    }
    return false;
}

/* A base type's descriptor: the runtime's, unless the C object is declared with another type
 * than the IDL's (a typedef the runtime headers define, DWORD, LONG; a member of a structure
 * they define), whose size the C compiler must give. */
static Desc *base_desc(StubTables *g, Type *t, Site *s, Walk *w)
{
    BaseInfo bi;
    if (!base_info(t, &bi)) {
        if (t->u.base.kind == B_HANDLE)
            diag_error(s->loc, "%s is a handle_t, which can only be a parameter (the binding handle)", s->what);
        else
            diag_error(s->loc, "%s is a __int128, which NDR 2.0 cannot transmit", s->what);
        return broken(g);
    }
    const char *c_size = NULL;
    if (s->holder_runtime && w->lvalue && w->level == 0)
        c_size = xasprintf("sizeof(%s)", w->lvalue);
    else if (w->runtime_alias)
        c_size = xasprintf("sizeof(%s)", c_plain_name(w->aliases[0]));
    if (!c_size)
        return runtime_base(g, bi.runtime, bi.wire_size, c_type_name(t));
    Desc proto = { .c_type = "asidl_ndr_base", .kind = NK_BASE, .align = bi.wire_size, .size = c_size, .ffi_ok = true };
    Lines l = { 0 };
    line_add(&l, NULL, "ASIDL_NDR_HDR(BASE, %d, 0, %s),", bi.wire_size, c_size);
    line_add(&l, NULL, "ASIDL_NDR_W_%s,", bi.wire);
    proto.body = lines_block(&l);
    proto.what = w->n_aliases ? c_plain_name(w->aliases[0]) : c_type_name(t);
    proto.comment = w->n_aliases ? xasprintf("%s: the runtime headers' size in C, IDL %s on the wire", proto.what, c_type_name(t))
                                 : xasprintf("%s: the runtime headers' size in C, IDL %s on the wire", s->what, c_type_name(t));
    return desc_shared(g, &proto, w->n_aliases ? c_plain_name(w->aliases[0]) : s->hint);
}

static Desc *enum_desc(StubTables *g, Type *t, Site *s, Walk *w)
{
    bool v1 = attr_has(t->attrs, ATTR_V1_ENUM) || alias_attr(w, ATTR_V1_ENUM);
    const char *cname = level_c_name(g, w, t);
    if (!cname) {
        diag_error(s->loc, "%s is an anonymous enum asidl cannot name in C; give it a tag or a typedef", s->what);
        return broken(g);
    }
    Desc proto = { .c_type = "asidl_ndr_base", .kind = NK_BASE, .align = v1 ? 4 : 2, .ffi_ok = true };
    proto.size = xasprintf("sizeof(%s)", cname);
    Lines l = { 0 };
    line_add(&l, NULL, "ASIDL_NDR_HDR(BASE, %d, 0, %s),", proto.align, proto.size);
    line_add(&l, v1 ? "32 bits on the wire" : "16 bits on the wire", "ASIDL_NDR_W_ENUM%s,", v1 ? "32" : "16");
    proto.body = lines_block(&l);
    proto.what = cname;
    proto.comment = xasprintf("%s%s", v1 ? "[v1_enum] " : "", cname);
    return desc_shared(g, &proto, struct_hint(cname) ? struct_hint(cname) : s->hint);
}

static Desc *range_desc(StubTables *g, Desc *base, Attr *range, Site *s)
{
    int64_t lo, hi;
    Expr *a = attr_arg(range, 0), *b = attr_arg(range, 1);
    if (!a || !b || !eval_int_expr(a, &lo) || !eval_int_expr(b, &hi))
        return base;   /* check.c reported it */
    if (base->kind != NK_BASE) {
        diag_error(range->loc, "'[range]' on %s, which is not a base type", s->what);
        return base;
    }
    Desc proto = { .c_type = "asidl_ndr_range", .kind = NK_RANGE, .align = base->align, .size = base->size, .ffi_ok = true };
    Lines l = { 0 };
    line_add(&l, NULL, "ASIDL_NDR_HDR(RANGE, %d, 0, %s),", base->align, base->size);
    line_add(&l, NULL, "%s,", hdr_ref(base));
    line_add(&l, "min, max", "%lld, %lld,", (long long)lo, (long long)hi);
    proto.body = lines_block(&l);
    proto.what = xasprintf("[range(%lld, %lld)] %s", (long long)lo, (long long)hi, base->what);
    proto.comment = proto.what;
    Desc *d = desc_shared(g, &proto, xasprintf("%s_range", s->hint));
    add_dep(d, base);
    return d;
}

/* ---- arrays ---- */

typedef struct Dim {
    int64_t count;          /* fixed */
    Desc *size_is, *max_is, *min_is, *length_is, *first_is, *last_is;
    Expr *count_expr;       /* fixed: the bound as written, for the comment */
} Dim;

enum { MAX_DIMS = 8 };

static Desc *array_desc(StubTables *g, Desc *elem, Dim *dims, int n, bool string, Site *s)
{
    bool conformant = false, varying = string;
    for (int i = 0; i < n; i++) {
        conformant |= dims[i].count == 0;
        varying |= dims[i].length_is || dims[i].first_is || dims[i].last_is;
    }
    if (elem->conformant) {
        diag_error(s->loc, "%s is an array of conformant elements, which NDR cannot express", s->what);
        return broken(g);
    }
    Lines dl = { 0 };
    Desc *deps[MAX_DIMS * 6];
    int n_deps = 0;
    Str size = { 0 };
    for (int i = 0; i < n; i++) {
        Str d = { 0 };
        str_add(&d, "{ ");
        bool first = true;
        if (dims[i].count) {
            str_add(&d, ".count = %lld", (long long)dims[i].count);
            first = false;
            str_add(&size, "%lld * ", (long long)dims[i].count);
        }
        struct { const char *field; Desc *e; } parts[] = {
            { "size_is", dims[i].size_is }, { "max_is", dims[i].max_is }, { "min_is", dims[i].min_is },
            { "length_is", dims[i].length_is }, { "first_is", dims[i].first_is }, { "last_is", dims[i].last_is },
        };
        for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
            if (!parts[k].e)
                continue;
            str_add(&d, "%s.%s = %s", first ? "" : ", ", parts[k].field, parts[k].e->name);
            first = false;
            deps[n_deps++] = parts[k].e;
        }
        if (first)
            str_add(&d, "0");
        str_add(&d, " },");
        line_add(&dl, n > 1 ? xasprintf("dimension %d", i + 1) : NULL, "%s", str_take(&d));
    }
    Desc dproto = { .c_type = "asidl_ndr_dim", .array = true, .body = lines_block(&dl) };
    Desc *dd = desc_shared(g, &dproto, xasprintf("%s_dims", s->hint));
    for (int i = 0; i < n_deps; i++)
        add_dep(dd, deps[i]);

    Str flags = { 0 };
    if (elem->complex)
        str_add(&flags, "ASIDL_NDR_F_COMPLEX");
    if (conformant)
        str_add(&flags, "%sASIDL_NDR_F_CONFORMANT", flags.len ? " | " : "");
    if (varying)
        str_add(&flags, "%sASIDL_NDR_F_VARYING", flags.len ? " | " : "");
    if (string)
        str_add(&flags, "%sASIDL_NDR_F_STRING", flags.len ? " | " : "");
    Desc proto = { .c_type = "asidl_ndr_array", .kind = NK_ARRAY, .align = elem->align, .complex = elem->complex,
                   .conformant = conformant, .ffi_ok = elem->ffi_ok && !conformant };
    proto.size = conformant ? "0" : xasprintf("%s%s", str_take(&size), elem->size);
    Lines l = { 0 };
    line_add(&l, NULL, "ASIDL_NDR_HDR(ARRAY, %d, %s, %s),", elem->align, flags.len ? str_take(&flags) : "0", proto.size);
    line_add(&l, "element", "%s,", hdr_ref(elem));
    line_add(&l, "dimensions", "%d, %s,", n, dd->name);
    proto.body = lines_block(&l);
    proto.what = xasprintf("%s%s%sarray of %s", string ? "[string] " : "", conformant ? "conformant " : "fixed ",
                           varying && !string ? "varying " : "", elem->what);
    proto.comment = xasprintf("%s: %s", s->what, proto.what);
    Desc *d = desc_shared(g, &proto, xasprintf("%s_array", s->hint));
    add_dep(d, elem);
    add_dep(d, dd);
    return d;
}

/* The expressions of one dimension (level) of the declaration. */
static bool dim_exprs(StubTables *g, Site *s, int level, Dim *d, bool conformant_level)
{
    static const struct { AttrKind kind; const char *name; size_t off; } kinds[] = {
        { ATTR_SIZE_IS, "size_is", offsetof(Dim, size_is) }, { ATTR_MAX_IS, "max_is", offsetof(Dim, max_is) },
        { ATTR_MIN_IS, "min_is", offsetof(Dim, min_is) }, { ATTR_LENGTH_IS, "length_is", offsetof(Dim, length_is) },
        { ATTR_FIRST_IS, "first_is", offsetof(Dim, first_is) }, { ATTR_LAST_IS, "last_is", offsetof(Dim, last_is) },
    };
    bool ok = true;
    for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
        Expr *e = level_expr(s->attrs, kinds[k].kind, level);
        if (!e)
            continue;
        if (!conformant_level && (kinds[k].kind == ATTR_SIZE_IS || kinds[k].kind == ATTR_MAX_IS ||
                                  kinds[k].kind == ATTR_MIN_IS))
            continue;   /* a fixed bound: check.c reports size_is on it */
        Desc *x = expr_desc(g, e, s, kinds[k].name, xasprintf("%s_%s", s->hint, kinds[k].name));
        if (!x) {
            ok = false;
            continue;
        }
        *(Desc **)((char *)d + kinds[k].off) = x;
    }
    if (d->min_is && !d->size_is && !d->max_is) {
        diag_error(s->loc, "'[min_is]' on %s needs a '[size_is]' or '[max_is]' for the same dimension", s->what);
        ok = false;
    }
    if (d->length_is && d->last_is) {
        diag_error(s->loc, "%s has both '[length_is]' and '[last_is]' for one dimension", s->what);
        ok = false;
    }
    return ok;
}

static bool wants_string(Site *s, Walk *w)
{
    return attr_has(s->attrs, ATTR_STRING) || alias_attr(w, ATTR_STRING);
}

/* T a[2][3], [size_is(n)] T a[][4], [string] char s[16]: one descriptor with a dimension per
 * level (typedef'd array element types included, as NDR counts them). */
static Desc *array_level(StubTables *g, Type *t, Site *s, Walk *w)
{
    Dim dims[MAX_DIMS] = { 0 };
    int n = 0;
    bool string = wants_string(s, w);
    const char *lvalue = w->lvalue ? w->lvalue :
                         w->n_aliases ? xasprintf("(*(%s *)0)", c_plain_name(w->aliases[0])) : NULL;
    Walk inner = *w;
    for (;;) {
        if (n == MAX_DIMS) {
            diag_error(s->loc, "%s has more than %d array dimensions", s->what, MAX_DIMS);
            return broken(g);
        }
        Dim *d = &dims[n++];
        int level = inner.level++;
        if (t->u.arr.dim) {
            int64_t hi, lo = 0;
            if (!eval_int_expr(t->u.arr.dim, &hi) || (t->u.arr.lower && !eval_int_expr(t->u.arr.lower, &lo)))
                return broken(g);
            d->count = t->u.arr.lower ? hi - lo + 1 : hi;
            if (d->count <= 0 || d->count > UINT32_MAX) {
                diag_error(s->loc, "%s has an array bound of %lld elements", s->what, (long long)d->count);
                return broken(g);
            }
        }
        if (!dim_exprs(g, s, level, d, !t->u.arr.dim))
            return broken(g);
        if (!t->u.arr.dim && !d->size_is && !d->max_is && !(string && n == 1)) {
            diag_error(s->loc, "%s is a conformant array without '[size_is]' or '[max_is]'", s->what);
            return broken(g);
        }
        lvalue = lvalue ? xasprintf("(%s)[0]", lvalue) : NULL;
        /* the element: another dimension, through typedefs without attributes of their own */
        Type *e = t->u.arr.elem;
        while (e->kind == TY_ALIAS && !e->attrs)
            e = e->u.alias.target;
        if (e->kind != TY_ARRAY)
            break;
        t = e;
    }
    if (string && (n != 1 || !type_is_char(t->u.arr.elem))) {
        diag_error(s->loc, "'[string]' on %s, which is not a one-dimensional array of characters", s->what);
        return broken(g);
    }
    Walk ew = next_level(&inner, lvalue);
    ew.level = inner.level;
    Desc *elem = walk_type(g, t->u.arr.elem, s, &ew);
    return array_desc(g, elem, dims, n, string, s);
}

/* ---- pointers ---- */

static Desc *context_desc(StubTables *g, Type *alias, Site *s, Type *iface);

/* A pointer level: its kind from the declaration, the typedef, or the defaults (top-level
 * parameters [ref], others the interface's pointer_default); its referent an array when
 * sizes or [string] say so. */
static Desc *pointer_level(StubTables *g, Type *t, Site *s, Walk *w)
{
    int level = w->level;
    int kind = 0;
    if (!w->ptr_attr_used) {
        kind = pointer_attr_kind(s->attrs);
        w->ptr_attr_used = true;
    }
    for (int i = 0; !kind && i < w->n_aliases; i++)
        kind = pointer_attr_kind(w->aliases[i]->attrs);
    if (!kind)
        kind = s->top && level == 0 && !s->result ? 1 : pointer_default(w->iface);

    Type *ref = t->u.ptr.ref;
    Type *rs = strip(ref);
    if (rs && (rs->kind == TY_INTERFACE || rs->kind == TY_DISPINTERFACE)) {
        diag_error(s->loc, "%s is an interface pointer; asidl's stubs do not marshal interface pointers yet",
                   s->what);
        return broken(g);
    }
    if (rs && rs->kind == TY_VOID) {
        diag_error(s->loc, "%s is a 'void *', which cannot be sent", s->what);
        return broken(g);
    }
    bool string = wants_string(s, w) && type_is_char(ref) && strip(ref)->kind == TY_BASE;
    Dim dim = { 0 };
    bool sized = level_expr(s->attrs, ATTR_SIZE_IS, level) || level_expr(s->attrs, ATTR_MAX_IS, level) ||
                 level_expr(s->attrs, ATTR_LENGTH_IS, level) || level_expr(s->attrs, ATTR_FIRST_IS, level) ||
                 level_expr(s->attrs, ATTR_LAST_IS, level) || level_expr(s->attrs, ATTR_MIN_IS, level);
    if (sized && !dim_exprs(g, s, level, &dim, true))
        return broken(g);
    if (sized && !dim.size_is && !dim.max_is && !string) {
        diag_error(s->loc, "%s has '[length_is]', '[first_is]' or '[last_is]' without '[size_is]' or '[max_is]'",
                   s->what);
        return broken(g);
    }
    /* a C expression of the referent, to name its type if it has no name of its own */
    const char *ref_lvalue = w->lvalue ? xasprintf("(*%s)", w->lvalue) :
                             w->n_aliases ? xasprintf("(*(%s)0)", c_plain_name(w->aliases[0])) : NULL;
    Walk rw = next_level(w, ref_lvalue);
    rw.level = level + 1;
    Desc *referent;
    /* [context_handle] on a declaration of type void **: a pointer to the handle */
    if (attr_has(s->attrs, ATTR_CONTEXT_HANDLE) && rs && rs->kind == TY_POINTER && level == 0)
        referent = context_desc(g, NULL, s, w->iface);
    else
        referent = walk_type(g, ref, s, &rw);
    if (string || sized) {
        if (string && (dim.length_is || dim.first_is || dim.last_is)) {
            diag_error(s->loc, "'[string]' and '[length_is]' on %s both give its length; use one", s->what);
            return broken(g);
        }
        referent = array_desc(g, referent, &dim, 1, string, s);
    }
    Desc proto = { .c_type = "asidl_ndr_pointer", .kind = NK_POINTER, .align = 4, .complex = true,
                   .size = "sizeof(void *)", .ffi_ok = true };
    Lines l = { 0 };
    line_add(&l, NULL, "ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_PTR_%s, sizeof(void *)),",
             pointer_kind_name(kind));
    line_add(&l, "referent", "%s,", hdr_ref(referent));
    proto.body = lines_block(&l);
    proto.what = xasprintf("[%s] pointer to %s", pointer_kind_attr(kind), referent->what);
    proto.comment = xasprintf("%s: %s", s->what, proto.what);
    Desc *d = desc_shared(g, &proto, level ? xasprintf("%s_level%d", s->hint, level) : s->hint);
    add_dep(d, referent);
    return d;
}

/* ---- structures ---- */

static const char *decl_what(Decl *f, Type *owner)
{
    const char *kind = owner && owner->kind == TY_STRUCT ? "field" : "arm";
    const char *on = owner ? (owner->name ? xasprintf("%s %s", type_kind_name(owner->kind), owner->name)
                                          : xasprintf("an anonymous %s", type_kind_name(owner->kind)))
                           : "a type";
    return xasprintf("%s '%s' of %s", kind, f->name ? f->name : "(unnamed)", on);
}

static bool runtime_defined(Type *t, const char *cname)
{
    if (t->name && runtime_type_lookup(t->name))
        return true;
    return cname && runtime_type_lookup(cname);
}

/* The descriptor of one member of an aggregate whose C name is holder_c. */
static Desc *member_desc(StubTables *g, Type *holder, const char *holder_c, bool holder_runtime, Decl *f,
                         const char *lvalue, Type *iface, const char *hint)
{
    Site fs = {
        .attrs = f->attrs, .holder = holder->kind == TY_STRUCT ? holder : NULL, .holder_c = holder_c,
        .holder_runtime = holder_runtime, .hint = hint, .what = decl_what(f, holder), .loc = f->loc,
    };
    Walk fw = { .iface = iface, .lvalue = lvalue };
    if (f->bits) {
        diag_error(f->loc, "%s is a bit-field, which cannot be sent", fs.what);
        return broken(g);
    }
    return walk_type(g, f->type, &fs, &fw);
}

static const char *struct_hint(const char *cname)
{
    if (!strncmp(cname, "struct ", 7))
        return cname + 7;
    if (!strncmp(cname, "union ", 6))
        return cname + 6;
    if (!strncmp(cname, "__typeof__", 10))
        return NULL;
    return cname;
}

static Desc *struct_desc(StubTables *g, Type *t, Site *s, Walk *w)
{
    Desc *d = ptrmap_get(&g->by_type, t);
    if (d)
        return d;
    const char *cname = level_c_name(g, w, t);
    if (!cname) {
        diag_error(s->loc, "%s is an anonymous structure asidl cannot name in C; give it a tag or a typedef",
                   s->what);
        return broken(g);
    }
    const char *hint = struct_hint(cname);
    d = desc_new(g, "asidl_ndr_struct", hint ? hint : s->hint);
    d->kind = NK_STRUCT;
    d->size = xasprintf("sizeof(%s)", cname);
    d->what = cname;
    ptrmap_put(&g->by_type, t, d);

    bool runtime = runtime_defined(t, cname);
    Type *iface = pointer_default_iface(g, t);
    Lines fl = { 0 };
    int n = 0;
    d->align = 1;
    d->ffi_ok = true;
    for (Decl *f = t->u.rec.fields; f; f = f->next, n++) {
        const char *fhint = xasprintf("%s_%s", d->name + 5, f->name ? f->name : "field");
        Desc *fd = member_desc(g, t, cname, runtime, f, xasprintf("((%s *)0)->%s", cname, f->name), iface, fhint);
        if (fd->conformant && f->next)
            diag_error(f->loc, "%s is conformant but not the last field", decl_what(f, t));
        line_add(&fl, f->name, "{ offsetof(%s, %s), %s },", cname, f->name, hdr_ref(fd));
        add_dep(d, fd);
        if (fd->align > d->align)
            d->align = fd->align;
        d->complex |= fd->complex;
        d->ffi_ok &= fd->ffi_ok;
        if (!f->next)
            d->conformant = fd->conformant;
    }
    if (n == 0) {
        diag_error(s->loc, "%s is an empty structure, which NDR cannot send", s->what);
        d->complete = true;
        return d;
    }
    Desc fproto = { .c_type = "asidl_ndr_field", .array = true, .body = lines_block(&fl) };
    Desc *fields = desc_new(g, "asidl_ndr_field", xasprintf("%s_fields", d->name + 5));
    fields->array = true;
    fields->body = fproto.body;
    fields->complete = true;
    for (int i = 0; i < d->n_deps; i++)
        add_dep(fields, d->deps[i]);
    d->n_deps = 0;
    add_dep(d, fields);
    Str flags = { 0 };
    if (d->complex)
        str_add(&flags, "ASIDL_NDR_F_COMPLEX");
    if (d->conformant)
        str_add(&flags, "%sASIDL_NDR_F_CONFORMANT", flags.len ? " | " : "");
    Lines l = { 0 };
    line_add(&l, NULL, "ASIDL_NDR_HDR(STRUCT, %d, %s, %s),", d->align, flags.len ? str_take(&flags) : "0", d->size);
    line_add(&l, "fields", "%d, %s,", n, fields->name);
    d->body = lines_block(&l);
    d->comment = runtime ? xasprintf("%s (declared by the runtime headers)", cname) : cname;
    d->complete = true;
    return d;
}

/* ---- unions ---- */

/* The discriminant type of a non-encapsulated union: [switch_type], else the type of what
 * [switch_is] names. */
static Desc *switch_type_desc(StubTables *g, Type *u, Expr *sw, Site *s, Walk *w)
{
    Attr *st = attr_find(u->attrs, ATTR_SWITCH_TYPE);
    if (!st)
        st = alias_attr(w, ATTR_SWITCH_TYPE);
    if (!st)
        st = attr_find(s->attrs, ATTR_SWITCH_TYPE);
    Type *dt = NULL;
    Expr *a = attr_arg(st, 0);
    if (a && a->kind == EXPR_TYPE)
        dt = a->type;
    if (!dt && sw) {
        Expr *e = sw;
        int derefs = 0;
        while (e->kind == EXPR_UNARY && e->op == OP_DEREF) {
            e = e->lhs;
            derefs++;
        }
        if ((e->kind == EXPR_NAME || e->kind == EXPR_MEMBER) && e->ref)
            dt = e->ref->type;
        for (int i = 0; dt && i < derefs; i++)
            dt = strip(dt)->kind == TY_POINTER ? strip(dt)->u.ptr.ref : NULL;
    }
    if (!dt)
        dt = type_base(B_LONG, SIGN_DEFAULT);
    Site ds = { .hint = xasprintf("%s_switch", s->hint), .what = s->what, .loc = s->loc };
    Walk dw = { .iface = w->iface };
    Desc *d = walk_type(g, dt, &ds, &dw);
    if (d->kind == NK_RANGE || d->kind == NK_BASE)
        return d;
    diag_error(s->loc, "the discriminant of %s is not an integer", s->what);
    return broken(g);
}

typedef struct Arms {
    Lines lines;
    Desc refs;              /* only its dependency list: the arms' descriptors */
    int n;
    bool has_default;
    Desc *default_arm;
    int align;
    bool ffi_ok;
} Arms;

static void union_arms(StubTables *g, Type *u, const char *cname, const char *lvalue_base, Type *iface,
                       const char *hint, Arms *out)
{
    int index = 0;
    for (Decl *f = u->u.rec.fields; f; f = f->next, index++) {
        Desc *ad = NULL;
        Type *ft = strip(f->type);
        if (f->name && ft && ft->kind != TY_VOID)
            ad = member_desc(g, u, cname, false, f, lvalue_base ? xasprintf("%s.%s", lvalue_base, f->name) : NULL,
                             iface, xasprintf("%s_%s", hint, f->name));
        if (ad && ad->conformant)
            diag_error(f->loc, "%s is conformant, which a union arm cannot be", decl_what(f, u));
        if (ad) {
            add_dep(&out->refs, ad);
            if (ad->align > out->align)
                out->align = ad->align;
        }
        const char *arm_text = ad ? hdr_ref(ad) : "NULL";
        const char *note = f->name ? f->name : "(empty)";
        for (Attr *a = f->attrs; a; a = a->next) {
            if (a->kind != ATTR_CASE)
                continue;
            for (Expr *e = a->args; e; e = e->next) {
                int64_t v;
                if (!eval_int_expr(e, &v))
                    continue;
                line_add(&out->lines, note, "{ %lld, %s },", (long long)v, arm_text);
                out->n++;
            }
        }
        if (attr_has(f->attrs, ATTR_DEFAULT)) {
            out->has_default = true;
            out->default_arm = ad;
        }
    }
}

static Desc *arms_array(StubTables *g, Arms *arms, const char *hint)
{
    if (arms->n == 0)
        return NULL;
    Desc proto = { .c_type = "asidl_ndr_arm", .array = true, .body = lines_block(&arms->lines) };
    Desc *d = desc_shared(g, &proto, xasprintf("%s_arms", hint));
    for (int i = 0; i < arms->refs.n_deps; i++)
        add_dep(d, arms->refs.deps[i]);
    return d;
}

static bool ms_union(Type *u, Walk *w, Type *iface)
{
    return attr_has(u->attrs, ATTR_MS_UNION) || alias_attr(w, ATTR_MS_UNION) ||
           (iface && attr_has(iface->attrs, ATTR_MS_UNION));
}

/* union U { [case(1)] long l; ... }, described per use with its [switch_is]. */
static Desc *union_desc(StubTables *g, Type *u, Site *s, Walk *w)
{
    /* [switch_is] on the declaration names the union's discriminant, also through pointers */
    Expr *sw = attr_arg(attr_find(s->attrs, ATTR_SWITCH_IS), 0);
    if (!sw) {
        diag_error(s->loc, "%s is a union without a '[switch_is]' saying which arm it holds", s->what);
        return broken(g);
    }
    const char *cname = level_c_name(g, w, u);
    if (!cname) {
        diag_error(s->loc, "%s is an anonymous union asidl cannot name in C; give it a tag or a typedef", s->what);
        return broken(g);
    }
    Desc *swd = expr_desc(g, sw, s, "switch_is", xasprintf("%s_switch_is", s->hint));
    if (!swd)
        return broken(g);
    Desc *st = switch_type_desc(g, u, sw, s, w);
    const char *hint = struct_hint(cname) ? struct_hint(cname) : s->hint;
    Type *iface = pointer_default_iface(g, u);
    Arms arms = { .align = st->align };
    const char *use_hint = s->hint;
    union_arms(g, u, cname, w->lvalue, iface ? iface : w->iface, hint, &arms);
    Desc *arr = arms_array(g, &arms, hint);
    Str flags = { 0 };
    str_add(&flags, "ASIDL_NDR_F_COMPLEX");
    if (arms.has_default)
        str_add(&flags, " | ASIDL_NDR_F_HAS_DEFAULT");
    if (ms_union(u, w, iface))
        str_add(&flags, " | ASIDL_NDR_F_MS_UNION");
    Lines l = { 0 };
    line_add(&l, NULL, "ASIDL_NDR_HDR(UNION, %d, %s, sizeof(%s)),", arms.align, str_take(&flags), cname);
    line_add(&l, "switch_type", "%s,", hdr_ref(st));
    line_add(&l, comment_safe(xasprintf("switch_is(%s)", c_expr(sw))), "%s,", swd->name);
    line_add(&l, NULL, "0, 0,");
    line_add(&l, "arms", "%d, %s,", arms.n, arr ? arr->name : "NULL");
    line_add(&l, "default", "%s,", arms.default_arm ? hdr_ref(arms.default_arm) : "NULL");
    Desc proto = { .c_type = "asidl_ndr_union", .kind = NK_UNION, .align = arms.align, .complex = true,
                   .size = xasprintf("sizeof(%s)", cname), .body = lines_block(&l) };
    proto.what = cname;
    proto.comment = xasprintf("%s: %s, [switch_is(%s)]", s->what, cname, comment_safe(c_expr(sw)));
    Desc *d = desc_shared(g, &proto, use_hint);
    for (int i = 0; i < arms.refs.n_deps; i++)
        add_dep(d, arms.refs.deps[i]);
    add_dep(d, st);
    add_dep(d, swd);
    add_dep(d, arr);
    return d;
}

/* union U switch (long d) arm { ... }: the C struct { d; union { ... } arm; }. */
static Desc *encunion_desc(StubTables *g, Type *u, Site *s, Walk *w)
{
    Desc *d = ptrmap_get(&g->by_type, u);
    if (d)
        return d;
    const char *cname = level_c_name(g, w, u);
    Decl *disc = u->u.rec.discrim;
    if (!cname || !disc) {
        diag_error(s->loc, "%s is an anonymous union asidl cannot name in C; give it a tag or a typedef", s->what);
        return broken(g);
    }
    const char *hint = struct_hint(cname) ? struct_hint(cname) : s->hint;
    d = desc_new(g, "asidl_ndr_union", hint);
    d->kind = NK_UNION;
    d->complex = true;
    d->size = xasprintf("sizeof(%s)", cname);
    d->what = cname;
    ptrmap_put(&g->by_type, u, d);
    const char *arm_name = u->u.rec.arm_name ? u->u.rec.arm_name : "tagged_union";
    Type *iface = pointer_default_iface(g, u);
    Desc *st = member_desc(g, u, cname, false, disc, NULL, iface, xasprintf("%s_%s", hint, disc->name));
    if (st->kind != NK_BASE && st->kind != NK_RANGE)
        diag_error(disc->loc, "the discriminant of %s is not an integer", s->what);
    Arms arms = { .align = st->align };
    union_arms(g, u, cname, xasprintf("((%s *)0)->%s", cname, arm_name), iface, d->name + 5, &arms);
    Desc *arr = arms_array(g, &arms, d->name + 5);
    for (int i = 0; i < arms.refs.n_deps; i++)
        add_dep(d, arms.refs.deps[i]);
    add_dep(d, st);
    add_dep(d, arr);
    Str flags = { 0 };
    str_add(&flags, "ASIDL_NDR_F_COMPLEX | ASIDL_NDR_F_ENCAPSULATED");
    if (arms.has_default)
        str_add(&flags, " | ASIDL_NDR_F_HAS_DEFAULT");
    if (ms_union(u, w, iface))
        str_add(&flags, " | ASIDL_NDR_F_MS_UNION");
    d->align = arms.align;
    Lines l = { 0 };
    line_add(&l, NULL, "ASIDL_NDR_HDR(UNION, %d, %s, %s),", arms.align, str_take(&flags), d->size);
    line_add(&l, disc->name, "%s,", hdr_ref(st));
    line_add(&l, NULL, "NULL,");
    line_add(&l, disc->name, "offsetof(%s, %s),", cname, disc->name);
    line_add(&l, arm_name, "offsetof(%s, %s),", cname, arm_name);
    line_add(&l, "arms", "%d, %s,", arms.n, arr ? arr->name : "NULL");
    line_add(&l, "default", "%s,", arms.default_arm ? hdr_ref(arms.default_arm) : "NULL");
    d->body = lines_block(&l);
    d->comment = xasprintf("%s: union switch (%s %s) %s", cname, c_type(disc->type, 0), disc->name, arm_name);
    d->complete = true;
    return d;
}

/* ---- types the runtime or the application handles ---- */

static Desc *function_desc(StubTables *g, const char *name, const char *text, const char *comment)
{
    Desc *d = ptrmap_get(&g->by_key, intern(name));
    if (d)
        return d;
    d = xmalloc(sizeof *d);
    d->name = name;
    d->body = text;
    d->comment = comment;
    d->complete = true;
    ptrmap_mark(&g->names, intern(name));
    ptrmap_put(&g->by_key, intern(name), d);
    return d;
}

static unsigned context_flags(Type *alias, Site *s, Type *iface)
{
    unsigned f = 0;
    if (iface && attr_has(iface->attrs, ATTR_STRICT_CONTEXT_HANDLE))
        f |= 1;
    Attr *lists[] = { alias ? alias->attrs : NULL, s->attrs, iface ? iface->attrs : NULL };
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        if (attr_has(lists[i], ATTR_CONTEXT_HANDLE_NOSERIALIZE))
            f |= 2;
        if (attr_has(lists[i], ATTR_CONTEXT_HANDLE_SERIALIZE))
            f |= 4;
    }
    return f;
}

/* A context handle: a typedef with [context_handle], or a parameter marked so (alias NULL).
 * The server's descriptor calls the type's <type>_rundown routine when a client goes away;
 * the client's has none (a client program does not define it). */
static Desc *context_desc(StubTables *g, Type *alias, Site *s, Type *iface)
{
    unsigned flags = context_flags(alias, s, iface);
    const char *name = alias ? c_plain_name(alias) : NULL;
    const char *rundown = "NULL";
    Desc *thunk = NULL;
    if (alias && g->side == STUB_SERVER) {
        const char *fn = xasprintf("ndr__%s_rundown", name);
        Str b = { 0 };
        str_add(&b, "static void %s(void *context)\n{\n    %s_rundown((%s)context);\n}", fn, name, name);
        thunk = function_desc(g, fn, str_take(&b), xasprintf("[context_handle] %s: the server calls its rundown routine", name));
        rundown = fn;
    }
    Str f = { 0 };
    str_add(&f, "ASIDL_NDR_F_COMPLEX");
    if (flags & 1)
        str_add(&f, " | ASIDL_NDR_F_CTX_STRICT");
    if (flags & 2)
        str_add(&f, " | ASIDL_NDR_F_CTX_NOSERIALIZE");
    if (flags & 4)
        str_add(&f, " | ASIDL_NDR_F_CTX_SERIALIZE");
    Desc proto = { .c_type = "asidl_ndr_context_handle", .kind = NK_CONTEXT, .align = 4, .complex = true,
                   .size = "sizeof(void *)", .ffi_ok = true };
    Lines l = { 0 };
    line_add(&l, NULL, "ASIDL_NDR_HDR(CONTEXT_HANDLE, 4, %s, sizeof(void *)),", str_take(&f));
    line_add(&l, "rundown", "%s,", rundown);
    line_add(&l, "type name", "%s,", c_string(name ? name : "void *"));
    proto.body = lines_block(&l);
    proto.what = xasprintf("[context_handle] %s", name ? name : "void *");
    proto.comment = proto.what;
    Desc *d = desc_shared(g, &proto, name ? name : xasprintf("%s_context", s->hint));
    add_dep(d, thunk);
    return d;
}

/* The type named by an attribute argument: transmit_as(long), user_marshal(U), ... */
static Type *attr_type(Type *alias, AttrKind k)
{
    Expr *e = attr_arg(attr_find(alias->attrs, k), 0);
    return e && e->kind == EXPR_TYPE ? e->type : NULL;
}

static Desc *wire_type_desc(StubTables *g, Type *wire, Site *s, Type *iface, const char *hint)
{
    Site ws = { .hint = hint, .what = s->what, .loc = s->loc };
    Walk w = { .iface = iface };
    return walk_type(g, wire, &ws, &w);
}

/* [wire_marshal(W)] T (routines named after T) and [user_marshal(U)] W (routines named after
 * U): MIDL's four routines through thunks.  MIDL declares their flags and sizes unsigned long;
 * the engine's are 32-bit, so each thunk passes a copy. */
static Desc *user_marshal_desc(StubTables *g, Type *alias, Site *s)
{
    Desc *d = ptrmap_get(&g->by_type, alias);
    if (d)
        return d;
    bool wire_marshal = attr_has(alias->attrs, ATTR_WIRE_MARSHAL);
    Type *wire = wire_marshal ? attr_type(alias, ATTR_WIRE_MARSHAL) : alias->u.alias.target;
    Type *user = wire_marshal ? alias : attr_type(alias, ATTR_USER_MARSHAL);
    if (!wire || !user)
        return broken(g);
    const char *stem = c_plain_name(user);
    const char *presented = wire_marshal ? c_plain_name(alias) : c_type(user, 0);
    Type *iface = pointer_default_iface(g, alias);
    Desc *wd = wire_type_desc(g, wire, s, iface, xasprintf("%s_wire", stem));
    Type *ws = strip(wire);
    bool pointer = ws && ws->kind == TY_POINTER;
    int align = wd->align;
    if (pointer && wd->kind == NK_POINTER) {
        for (int i = 0; i < wd->n_deps; i++)
            if (wd->deps[i]->kind != NK_NONE)
                align = wd->deps[i]->align;   /* the data routines write is the referent */
    }
    d = desc_new(g, "asidl_ndr_user_marshal", stem);
    ptrmap_put(&g->by_type, alias, d);
    d->kind = NK_USER;
    d->what = presented;
    d->align = align;
    d->complex = true;
    d->size = xasprintf("sizeof(%s)", presented);
    const char *p = d->name;
    Str b = { 0 };
    /* the routines get their flags inside an asidl_user_flags (asidl_stub.h): MIDL's are
     * unsigned long, the engine's 32-bit, and the block lets a routine find its buffer's end */
    const char *f = "    asidl_user_flags f = { *flags, ASIDL_USER_FLAGS_MAGIC, flags };\n";
    str_add(&b, "static uint32_t %s_size(uint32_t *flags, uint32_t start, void *object)\n{\n%s", p, f);
    str_add(&b, "    unsigned long end = %s_UserSize(&f.flags, start, (%s *)object);\n", stem, presented);
    str_add(&b, "    return end > UINT32_MAX ? UINT32_MAX : (uint32_t)end;\n}\n\n");
    str_add(&b, "static unsigned char *%s_marshal(uint32_t *flags, unsigned char *buffer, void *object)\n{\n%s", p, f);
    str_add(&b, "    return %s_UserMarshal(&f.flags, buffer, (%s *)object);\n}\n\n", stem, presented);
    str_add(&b, "static unsigned char *%s_unmarshal(uint32_t *flags, unsigned char *buffer, void *object)\n{\n%s", p, f);
    str_add(&b, "    return %s_UserUnmarshal(&f.flags, buffer, (%s *)object);\n}\n\n", stem, presented);
    str_add(&b, "static void %s_free(uint32_t *flags, void *object)\n{\n%s", p, f);
    str_add(&b, "    %s_UserFree(&f.flags, (%s *)object);\n}", stem, presented);
    Desc *thunks = function_desc(g, xasprintf("%s_routines", p), str_take(&b),
                                 xasprintf("[%s] %s: MIDL's %s_User* routines", wire_marshal ? "wire_marshal" : "user_marshal",
                                           presented, stem));
    add_dep(d, thunks);   /* the wire type's descriptor only gave the alignment: the routines write it */
    Lines l = { 0 };
    line_add(&l, NULL, "ASIDL_NDR_HDR(USER_MARSHAL, %d, ASIDL_NDR_F_COMPLEX%s, %s),", align,
             pointer ? " | ASIDL_NDR_F_USER_POINTER" : "", d->size);
    line_add(&l, NULL, "%s_size, %s_marshal, %s_unmarshal, %s_free,", p, p, p, p);
    d->body = lines_block(&l);
    d->comment = xasprintf("[%s] %s, transmitted as %s", wire_marshal ? "wire_marshal" : "user_marshal", presented,
                           c_type(wire, 0));
    d->complete = true;
    return d;
}

/* [transmit_as(X)] T and (ACF) [represent_as(L)] N: conversions through MIDL's routines. */
static Desc *transmit_desc(StubTables *g, Type *alias, Site *s)
{
    Desc *d = ptrmap_get(&g->by_type, alias);
    if (d)
        return d;
    bool represent = attr_has(alias->attrs, ATTR_REPRESENT_AS);
    Type *xmit = represent ? alias->u.alias.target : attr_type(alias, ATTR_TRANSMIT_AS);
    Type *local = represent ? attr_type(alias, ATTR_REPRESENT_AS) : NULL;
    if (!xmit || (represent && !local))
        return broken(g);
    const char *name = c_plain_name(alias);
    const char *presented = represent ? c_type(local, 0) : name;
    const char *wire_c = represent ? name : c_type(xmit, 0);
    Type *iface = pointer_default_iface(g, alias);
    Desc *wd;
    if (represent) {
        /* the transmitted type is the typedef itself, without its represent_as */
        Site ws = { .hint = xasprintf("%s_wire", name), .what = s->what, .loc = s->loc };
        Walk w = { .iface = iface };
        w.aliases[w.n_aliases++] = alias;
        w.runtime_alias = runtime_type_lookup(name) != NULL;
        wd = walk_type(g, alias->u.alias.target, &ws, &w);
    } else {
        wd = wire_type_desc(g, xmit, s, iface, xasprintf("%s_wire", name));
    }
    if (wd->conformant) {
        diag_error(s->loc, "%s is transmitted as a conformant type, which asidl cannot allocate", s->what);
        return broken(g);
    }
    d = desc_new(g, "asidl_ndr_transmit_as", represent ? presented : name);
    ptrmap_put(&g->by_type, alias, d);
    d->kind = NK_XMIT;
    d->what = presented;
    d->align = wd->align;
    d->complex = true;
    d->size = xasprintf("sizeof(%s)", presented);
    const char *p = d->name;
    Str b = { 0 };
    if (represent) {
        str_add(&b, "static void %s_to_wire(void *presented, void **wire)\n{\n    %s *w = NULL;\n", p, wire_c);
        str_add(&b, "    %s_from_local((%s *)presented, &w);\n    *wire = w;\n}\n\n", name, presented);
        str_add(&b, "static void %s_from_wire(void *wire, void *presented)\n{\n", p);
        str_add(&b, "    %s_to_local((%s *)wire, (%s *)presented);\n}\n\n", name, wire_c, presented);
        str_add(&b, "static void %s_free_wire(void *wire)\n{\n", p);
        str_add(&b, "    %s_free_inst((%s *)wire);\n    MIDL_user_free(wire);\n}\n\n", name, wire_c);
        str_add(&b, "static void %s_free_presented(void *presented)\n{\n", p);
        str_add(&b, "    %s_free_local((%s *)presented);\n}", name, presented);
    } else {
        str_add(&b, "static void %s_to_wire(void *presented, void **wire)\n{\n    %s *w = NULL;\n", p, wire_c);
        str_add(&b, "    %s_to_xmit((%s *)presented, &w);\n    *wire = w;\n}\n\n", name, presented);
        str_add(&b, "static void %s_from_wire(void *wire, void *presented)\n{\n", p);
        str_add(&b, "    %s_from_xmit((%s *)wire, (%s *)presented);\n}\n\n", name, wire_c, presented);
        str_add(&b, "static void %s_free_wire(void *wire)\n{\n", p);
        str_add(&b, "    %s_free_xmit((%s *)wire);\n}\n\n", name, wire_c);
        str_add(&b, "static void %s_free_presented(void *presented)\n{\n", p);
        str_add(&b, "    %s_free_inst((%s *)presented);\n}", name, presented);
    }
    Desc *thunks = function_desc(g, xasprintf("%s_routines", p), str_take(&b),
                                 represent ? xasprintf("[represent_as(%s)] %s: MIDL's %s_from_local, _to_local, _free_inst, _free_local",
                                                       presented, name, name)
                                           : xasprintf("[transmit_as(%s)] %s: MIDL's %s_to_xmit, _from_xmit, _free_xmit, _free_inst",
                                                       wire_c, name, name));
    add_dep(d, thunks);
    add_dep(d, wd);
    Lines l = { 0 };
    line_add(&l, NULL, "ASIDL_NDR_HDR(TRANSMIT_AS, %d, ASIDL_NDR_F_COMPLEX%s, %s),", wd->align,
             represent ? " | ASIDL_NDR_F_REPRESENT_AS" : "", d->size);
    line_add(&l, "transmitted type", "%s,", hdr_ref(wd));
    line_add(&l, NULL, "%s_to_wire, %s_from_wire, %s_free_wire, %s_free_presented,", p, p, p, p);
    d->body = lines_block(&l);
    d->comment = represent ? xasprintf("[represent_as(%s)] %s", presented, name)
                           : xasprintf("[transmit_as(%s)] %s", wire_c, name);
    d->complete = true;
    return d;
}

/* ---- the walk ---- */

static Desc *walk_type(StubTables *g, Type *t, Site *s, Walk *w)
{
    for (int depth = 0; t && t->kind == TY_ALIAS; depth++) {
        if (depth > 100)
            return broken(g);
        if (attr_has(t->attrs, ATTR_CONTEXT_HANDLE))
            return context_desc(g, t, s, w->iface);
        if (attr_has(t->attrs, ATTR_WIRE_MARSHAL) || attr_has(t->attrs, ATTR_USER_MARSHAL))
            return user_marshal_desc(g, t, s);
        if (attr_has(t->attrs, ATTR_TRANSMIT_AS) || attr_has(t->attrs, ATTR_REPRESENT_AS))
            return transmit_desc(g, t, s);
        if (w->n_aliases < MAX_ALIASES)
            w->aliases[w->n_aliases++] = t;
        if (t->name && runtime_type_lookup(t->name))
            w->runtime_alias = true;
        Type *iface = pointer_default_iface(g, t);
        if (iface)
            w->iface = iface;
        t = t->u.alias.target;
    }
    if (!t)
        return broken(g);
    if (attr_has(s->attrs, ATTR_CONTEXT_HANDLE) && w->level == 0 && t->kind == TY_POINTER &&
        (!strip(t->u.ptr.ref) || strip(t->u.ptr.ref)->kind != TY_POINTER))
        return context_desc(g, NULL, s, w->iface);
    switch (t->kind) {
    case TY_BASE: {
        Desc *d = base_desc(g, t, s, w);
        Attr *r = attr_find(s->attrs, ATTR_RANGE);
        if (!r)
            r = alias_attr(w, ATTR_RANGE);
        return r ? range_desc(g, d, r, s) : d;
    }
    case TY_ENUM: {
        Desc *d = enum_desc(g, t, s, w);
        Attr *r = attr_find(s->attrs, ATTR_RANGE);
        if (!r)
            r = alias_attr(w, ATTR_RANGE);
        return r ? range_desc(g, d, r, s) : d;
    }
    case TY_STRUCT:
        return struct_desc(g, t, s, w);
    case TY_ENCUNION:
        return encunion_desc(g, t, s, w);
    case TY_UNION:
        return union_desc(g, t, s, w);
    case TY_POINTER:
        return pointer_level(g, t, s, w);
    case TY_ARRAY:
        return array_level(g, t, s, w);
    case TY_PIPE:
        diag_error(s->loc, "%s is a pipe; asidl's NDR engine does not transmit pipes yet", s->what);
        return broken(g);
    case TY_SAFEARRAY:
        diag_error(s->loc, "%s is a SAFEARRAY; asidl's stubs do not marshal SAFEARRAYs yet", s->what);
        return broken(g);
    case TY_INTERFACE: case TY_DISPINTERFACE:
        diag_error(s->loc, "%s is an interface; asidl's stubs do not marshal interface pointers yet", s->what);
        return broken(g);
    case TY_VOID:
        diag_error(s->loc, "%s has type void, which cannot be sent", s->what);
        return broken(g);
    case TY_FUNCTION:
        diag_error(s->loc, "%s is a function, which cannot be sent", s->what);
        return broken(g);
    default:
        diag_error(s->loc, "%s has a type asidl cannot send (%s)", s->what, type_kind_name(t->kind));
        return broken(g);
    }
}

/* ===================================================================== procedures */

static bool is_handle_t(Type *t)
{
    Type *s = strip(t);
    return s && s->kind == TY_BASE && s->u.base.kind == B_HANDLE;
}

static bool alias_chain_has(Type *t, AttrKind k)
{
    for (int i = 0; t && i < 100; i++) {
        if (attr_has(t->attrs, k))
            return true;
        if (t->kind != TY_ALIAS)
            return false;
        t = t->u.alias.target;
    }
    return false;
}

static Type *alias_with(Type *t, AttrKind k)
{
    for (int i = 0; t && i < 100; i++) {
        if (t->kind != TY_ALIAS)
            return NULL;
        if (attr_has(t->attrs, k))
            return t;
        t = t->u.alias.target;
    }
    return NULL;
}

static bool param_in(Decl *p)
{
    return attr_has(p->attrs, ATTR_IN) || !attr_has(p->attrs, ATTR_OUT);
}

static bool is_context_param(Decl *p)
{
    return attr_has(p->attrs, ATTR_CONTEXT_HANDLE) || alias_chain_has(p->type, ATTR_CONTEXT_HANDLE) ||
           (strip(p->type) && strip(p->type)->kind == TY_POINTER &&
            alias_chain_has(strip(p->type)->u.ptr.ref, ATTR_CONTEXT_HANDLE));
}

/* How C passes a value of type t: ASIDL_NDR_C_* for libffi.  Types the application converts
 * are passed as their presented type. */
static const char *c_class(Type *t, bool *aggregate)
{
    *aggregate = false;
    for (int i = 0; t && i < 100; i++) {
        if (t->kind == TY_ALIAS) {
            Type *u = attr_type(t, ATTR_REPRESENT_AS);
            if (!u)
                u = attr_type(t, ATTR_USER_MARSHAL);
            if (u) {
                t = u;
                continue;
            }
            t = t->u.alias.target;
            continue;
        }
        switch (t->kind) {
        case TY_BASE:
            if (t->u.base.kind == B_FLOAT)
                return "ASIDL_NDR_C_FLOAT";
            if (t->u.base.kind == B_DOUBLE)
                return "ASIDL_NDR_C_DOUBLE";
            if (t->u.base.kind == B_HANDLE)
                return "ASIDL_NDR_C_PTR";
            return NULL;    /* an integer: ASIDL_NDR_C_OF(its C type) */
        case TY_ENUM:
            return NULL;
        case TY_POINTER: case TY_ARRAY: case TY_FUNCTION:
            return "ASIDL_NDR_C_PTR";
        default:
            *aggregate = true;
            return "ASIDL_NDR_C_AGGREGATE";
        }
    }
    *aggregate = true;
    return "ASIDL_NDR_C_AGGREGATE";
}

static bool is_array_type(Type *t)
{
    Type *s = strip(t);
    return s && s->kind == TY_ARRAY;
}

/* One asidl_ndr_param line. */
static void param_line(Lines *l, const char *name, const char *flags, Type *type, Desc *d, bool *invoker)
{
    bool aggregate;
    const char *cls = c_class(type, &aggregate);
    const char *ctext = c_type(type, 0);
    if (!cls)
        cls = xasprintf("ASIDL_NDR_C_OF(%s)", ctext);
    if (aggregate && !(d && d->kind == NK_STRUCT && d->ffi_ok))
        *invoker = true;
    const char *size = is_array_type(type) ? "sizeof(void *)" : xasprintf("sizeof(%s)", ctext);
    line_add(l, name, "{ %s, %s, %s, %s, %s },", c_string(name), flags, cls, size, d ? hdr_ref(d) : "NULL");
}

/* The attributes of an operation that describe its result. */
static Attr *result_attrs(Decl *op)
{
    Attr *list = NULL;
    for (Attr *a = op->attrs; a; a = a->next) {
        switch (a->kind) {
        case ATTR_STRING: case ATTR_REF: case ATTR_UNIQUE: case ATTR_PTR: case ATTR_CONTEXT_HANDLE:
        case ATTR_RANGE: case ATTR_CONTEXT_HANDLE_NOSERIALIZE: case ATTR_CONTEXT_HANDLE_SERIALIZE: {
            Attr *c = xmalloc(sizeof *c);
            *c = *a;
            c->next = list;
            list = c;
            break;
        }
        default:
            break;
        }
    }
    return list;
}

/* [implicit_handle(handle_t name)]: the variable's name and type, or NULL. */
static const char *implicit_handle(Type *iface, Type **type)
{
    Attr *a = attr_find(iface->attrs, ATTR_IMPLICIT_HANDLE);
    const char *name = NULL;
    *type = NULL;
    for (Expr *x = a ? a->args : NULL; x; x = x->next) {
        if (x->kind == EXPR_TYPE && x->type) {
            *type = x->type;
            if (x->str)
                name = x->str;
        } else if (x->kind == EXPR_NAME) {
            name = x->str;
        }
    }
    return name;
}

const char *stub_implicit_handle(Type *iface)
{
    Type *t;
    return implicit_handle(iface, &t);
}

static bool op_is_remote(Decl *op)
{
    return op->kind == DECL_FUNC && op->type && op->type->kind == TY_FUNCTION && !attr_has(op->attrs, ATTR_LOCAL);
}

static void build_proc(StubTables *g, Type *iface, Decl *op, int epv_slot)
{
    Proc *p = xmalloc(sizeof *p);
    p->iface = iface;
    p->op = op;
    p->epv_slot = epv_slot;
    ptrmap_put(&g->procs, op, p);
    Type *fn = op->type;
    bool callback = attr_has(op->attrs, ATTR_CALLBACK);
    if (fn->u.fn.varargs) {
        diag_error(op->loc, "operation '%s' takes a variable argument list, which cannot be sent", op->name);
        return;
    }
    p->idl_handle = op_needs_idl_handle(iface, op);
    int n = p->idl_handle ? 1 : 0;
    for (Decl *d = fn->u.fn.params; d; d = d->next)
        n++;
    p->params = xmalloc(sizeof *p->params * (size_t)(n ? n : 1));
    int i = 0;
    if (p->idl_handle) {
        Decl *h = decl_new(DECL_PARAM, op->loc, intern("IDL_handle"));
        h->type = type_base(B_HANDLE, SIGN_DEFAULT);
        p->params[i++] = h;
    }
    for (Decl *d = fn->u.fn.params; d; d = d->next)
        p->params[i++] = d;
    p->n_params = n;

    /* the binding handle: a handle_t or [handle] type first, else an [in] context handle,
     * else the interface's [implicit_handle] / [auto_handle] (MIDL's default is auto) */
    const char *handle_kind = "ASIDL_NDR_HANDLE_AUTO";
    int handle_param = -1;
    Type *generic = NULL;
    if (n > 0 && is_handle_t(p->params[0]->type) && !is_context_param(p->params[0])) {
        handle_kind = "ASIDL_NDR_HANDLE_EXPLICIT";
        handle_param = 0;
    } else if (n > 0 && (generic = alias_with(p->params[0]->type, ATTR_HANDLE))) {
        handle_kind = "ASIDL_NDR_HANDLE_GENERIC";
        handle_param = 0;
    } else {
        for (int k = 0; k < n && handle_param < 0; k++)
            if (is_context_param(p->params[k]) && param_in(p->params[k])) {
                handle_kind = "ASIDL_NDR_HANDLE_CONTEXT";
                handle_param = k;
            }
        if (handle_param < 0) {
            Type *ht;
            if (implicit_handle(iface, &ht)) {
                if (ht && !is_handle_t(ht)) {
                    diag_error(attr_find(iface->attrs, ATTR_IMPLICIT_HANDLE)->loc,
                               "asidl supports [implicit_handle] of type handle_t only, not '%s'", c_type(ht, 0));
                    return;
                }
                handle_kind = "ASIDL_NDR_HANDLE_IMPLICIT";
            }
        }
    }
    /* The server never binds: whatever the client does, it dispatches the same way, and it
     * need not define the client's implicit handle variable or bind/unbind routines. */
    if (g->side == STUB_SERVER && (generic || !strcmp(handle_kind, "ASIDL_NDR_HANDLE_IMPLICIT"))) {
        handle_kind = "ASIDL_NDR_HANDLE_AUTO";
        generic = NULL;
    }
    /* A callback is bound by the call it runs in (the checker allows it no handle). */
    if (callback) {
        handle_kind = "ASIDL_NDR_HANDLE_NONE";
        handle_param = -1;
        generic = NULL;
    }

    const char *hint = xasprintf("%s_%s", c_plain_name(iface), op->name);
    Lines pl = { 0 };
    Desc refs = { 0 };      /* only its dependency list: the parameters' descriptors */
    bool comm = attr_has(op->attrs, ATTR_COMM_STATUS) || attr_has(op->attrs, ATTR_FAULT_STATUS);
    for (int k = 0; k < n; k++) {
        Decl *d = p->params[k];
        const char *name = d->name ? d->name : xasprintf("asidl_arg%d", k);
        bool in = param_in(d), out = attr_has(d->attrs, ATTR_OUT);
        Str flags = { 0 };
        str_add(&flags, "%s", in && out ? "ASIDL_NDR_PARAM_IN | ASIDL_NDR_PARAM_OUT" :
                              out ? "ASIDL_NDR_PARAM_OUT" : "ASIDL_NDR_PARAM_IN");
        Desc *pd = NULL;
        bool nowire = false;
        if (is_handle_t(d->type) && !is_context_param(d)) {
            nowire = true;
        } else {
            Site s = { .attrs = d->attrs, .proc = p, .top = true, .hint = xasprintf("%s_%s", hint, name),
                       .what = d->name ? xasprintf("parameter '%s' of %s", name, op->name)
                                       : xasprintf("unnamed parameter %d of %s", k + 1, op->name),
                       .loc = d->loc };
            Walk w = { .iface = iface };
            pd = walk_type(g, d->type, &s, &w);
            if (is_array_type(d->type) && pd) {
                /* C passes an array by address: a [ref] pointer to it */
                Desc proto = { .c_type = "asidl_ndr_pointer", .kind = NK_POINTER, .align = 4, .complex = true,
                               .size = "sizeof(void *)", .ffi_ok = true };
                Lines l = { 0 };
                line_add(&l, NULL, "ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_PTR_REF, sizeof(void *)),");
                line_add(&l, "the array", "%s,", hdr_ref(pd));
                proto.body = lines_block(&l);
                proto.what = xasprintf("[ref] pointer to %s", pd->what);
                proto.comment = xasprintf("%s, passed by address: %s", s.what, proto.what);
                Desc *ptr = desc_shared(g, &proto, xasprintf("%s_%s_ref", hint, name));
                add_dep(ptr, pd);
                pd = ptr;
            }
        }
        if (attr_has(d->attrs, ATTR_COMM_STATUS) || attr_has(d->attrs, ATTR_FAULT_STATUS)) {
            nowire = true;
            comm = true;
            if (attr_has(d->attrs, ATTR_COMM_STATUS))
                str_add(&flags, " | ASIDL_NDR_PARAM_COMM_STATUS");
            if (attr_has(d->attrs, ATTR_FAULT_STATUS))
                str_add(&flags, " | ASIDL_NDR_PARAM_FAULT_STATUS");
        }
        if (nowire)
            str_add(&flags, " | ASIDL_NDR_PARAM_NOWIRE");
        param_line(&pl, name, str_take(&flags), d->type, pd, &p->needs_invoker);
        add_dep(&refs, pd);
    }
    Type *ret = fn->u.fn.ret;
    bool has_return = ret && strip(ret) && strip(ret)->kind != TY_VOID;
    if (has_return) {
        Site s = { .attrs = result_attrs(op), .proc = p, .top = true, .result = true,
                   .hint = xasprintf("%s_result", hint), .what = xasprintf("the result of %s", op->name), .loc = op->loc };
        Walk w = { .iface = iface };
        Desc *rd = walk_type(g, ret, &s, &w);
        Str flags = { 0 };
        str_add(&flags, "ASIDL_NDR_PARAM_OUT | ASIDL_NDR_PARAM_RETURN");
        if (attr_has(op->attrs, ATTR_COMM_STATUS))
            str_add(&flags, " | ASIDL_NDR_PARAM_COMM_STATUS");
        if (attr_has(op->attrs, ATTR_FAULT_STATUS))
            str_add(&flags, " | ASIDL_NDR_PARAM_FAULT_STATUS");
        param_line(&pl, "return", str_take(&flags), ret, rd, &p->needs_invoker);
        add_dep(&refs, rd);
    }
    Desc *params = NULL;
    if (pl.n) {
        params = desc_new(g, "asidl_ndr_param", xasprintf("%s_params", hint));
        params->array = true;
        params->body = lines_block(&pl);
        params->complete = true;
        for (int k = 0; k < refs.n_deps; k++)
            add_dep(params, refs.deps[k]);
    }

    Str flags = { 0 };
    if (op_is_async(iface, op))
        str_add(&flags, "ASIDL_NDR_PROC_ASYNC");
    static const struct { AttrKind k; const char *flag; } op_flags[] = {
        { ATTR_IDEMPOTENT, "ASIDL_NDR_PROC_IDEMPOTENT" }, { ATTR_MAYBE, "ASIDL_NDR_PROC_MAYBE" },
        { ATTR_BROADCAST, "ASIDL_NDR_PROC_BROADCAST" },
    };
    for (size_t k = 0; k < sizeof op_flags / sizeof op_flags[0]; k++)
        if (attr_has(op->attrs, op_flags[k].k))
            str_add(&flags, "%s%s", flags.len ? " | " : "", op_flags[k].flag);
    if (has_return)
        str_add(&flags, "%sASIDL_NDR_PROC_HAS_RETURN", flags.len ? " | " : "");
    if (comm)
        str_add(&flags, "%sASIDL_NDR_PROC_COMM_STATUS", flags.len ? " | " : "");
    if (callback)
        str_add(&flags, "%sASIDL_NDR_PROC_CALLBACK", flags.len ? " | " : "");

    Desc *d = desc_new(g, "asidl_ndr_proc", hint);
    d->complete = true;
    Lines l = { 0 };
    line_add(&l, NULL, ".magic = ASIDL_NDR_MAGIC,");
    line_add(&l, NULL, ".opnum = %d,", op->opnum);
    line_add(&l, NULL, ".n_params = %d,", pl.n);
    line_add(&l, NULL, ".flags = %s,", flags.len ? str_take(&flags) : "0");
    line_add(&l, NULL, ".handle_kind = %s,", handle_kind);
    if (handle_param >= 0)
        line_add(&l, p->params[handle_param]->name ? p->params[handle_param]->name : NULL, ".handle_param = %d,",
                 handle_param);
    line_add(&l, NULL, ".name = %s,", c_string(op->name));
    line_add(&l, NULL, ".params = %s,", params ? params->name : "NULL");
    if (!strcmp(handle_kind, "ASIDL_NDR_HANDLE_IMPLICIT")) {
        Type *ht;
        line_add(&l, NULL, ".implicit_handle = &%s,", implicit_handle(iface, &ht));
    }
    if (generic) {
        const char *tn = c_plain_name(generic);
        Str b = { 0 };
        str_add(&b, "static void *ndr__%s_bind(void *object)\n{\n    return %s_bind(*(%s *)object);\n}\n\n", tn, tn, tn);
        str_add(&b, "static void ndr__%s_unbind(void *object, void *binding)\n{\n", tn);
        str_add(&b, "    %s_unbind(*(%s *)object, (handle_t)binding);\n}", tn, tn);
        Desc *thunks = function_desc(g, xasprintf("ndr__%s_bind", tn), str_take(&b),
                                     xasprintf("[handle] %s: the client binds through %s_bind and %s_unbind", tn, tn, tn));
        add_dep(d, thunks);
        line_add(&l, NULL, ".generic_bind = ndr__%s_bind,", tn);
        line_add(&l, NULL, ".generic_unbind = ndr__%s_unbind,", tn);
    }
    d->body = lines_block(&l);
    d->comment = xasprintf("%s, %sopnum %d", comment_safe(c_decl(op_c_function(iface, op), 0, op->name)),
                           callback ? "[callback] " : "", op->opnum);
    add_dep(d, params);
    p->desc = d;
    if (g->n_roots == g->cap_roots) {
        int cap = g->cap_roots ? g->cap_roots * 2 : 16;
        g->roots = xrealloc_vec(g->roots, (size_t)g->cap_roots, (size_t)cap, sizeof *g->roots);
        g->cap_roots = cap;
    }
    g->roots[g->n_roots++] = d;
}

/* ===================================================================== the tables */

bool stub_interface_wanted(Type *t)
{
    return t && t->kind == TY_INTERFACE && t->defined && !t->u.iface.params && !iface_is_object(t) &&
           !attr_has(t->attrs, ATTR_LOCAL);
}

bool gen_stubs_needed(Program *prog)
{
    for (Stmt *s = prog->main->stmts; s; s = s->next)
        if (s->kind == STMT_TYPE && !s->forward && stub_interface_wanted(s->type))
            return true;
    return false;
}

/* Which interface declares each type (its pointer_default governs the type's pointers),
 * recursively into aggregates defined inside others. */
static void map_type_owner(StubTables *g, Type *t, Type *iface, int depth)
{
    if (!t || depth > 50)
        return;
    switch (t->kind) {
    case TY_ALIAS:
        if (!ptrmap_get(&g->iface_of, t))
            ptrmap_put(&g->iface_of, t, iface);
        map_type_owner(g, t->u.alias.target, iface, depth + 1);
        return;
    case TY_POINTER:
        map_type_owner(g, t->u.ptr.ref, iface, depth + 1);
        return;
    case TY_ARRAY:
        map_type_owner(g, t->u.arr.elem, iface, depth + 1);
        return;
    case TY_STRUCT: case TY_UNION: case TY_ENCUNION:
        if (ptrmap_get(&g->iface_of, t))
            return;
        ptrmap_put(&g->iface_of, t, iface);
        for (Decl *f = t->u.rec.fields; f; f = f->next)
            map_type_owner(g, f->type, iface, depth + 1);
        return;
    default:
        return;
    }
}

static void map_owners(StubTables *g, Stmt *list, Type *iface)
{
    for (Stmt *s = list; s; s = s->next) {
        switch (s->kind) {
        case STMT_TYPE:
            if (s->type && s->type->kind == TY_INTERFACE && s->type->defined && !iface)
                map_owners(g, s->type->u.iface.body, s->type);
            else if (iface)
                map_type_owner(g, s->type, iface, 0);
            break;
        case STMT_TYPEDEF: case STMT_DECL:
            if (iface)
                for (Decl *d = s->decls; d; d = d->next)
                    if (d->kind == DECL_TYPEDEF)
                        map_type_owner(g, d->type, iface, 0);
            break;
        default:
            break;
        }
    }
}

/* typedef struct { ... } name;  gives the anonymous struct the C name "name". */
static void map_typedef_names(StubTables *g, Stmt *list)
{
    for (Stmt *s = list; s; s = s->next) {
        if (s->kind == STMT_TYPE && s->type && s->type->kind == TY_INTERFACE && s->type->defined)
            map_typedef_names(g, s->type->u.iface.body);
        if (s->kind != STMT_TYPEDEF)
            continue;
        for (Decl *d = s->decls; d; d = d->next) {
            Type *alias = d->type;
            Type *target = alias && alias->kind == TY_ALIAS ? alias->u.alias.target : NULL;
            if (target && !target->name && d->name && !ptrmap_get(&g->typedef_name, target) &&
                (target->kind == TY_STRUCT || target->kind == TY_UNION || target->kind == TY_ENCUNION ||
                 target->kind == TY_ENUM))
                ptrmap_put(&g->typedef_name, target, (void *)c_plain_name(alias));
        }
    }
}

StubTables *stub_tables(Program *prog, StubSide side)
{
    StubTables *g = xmalloc(sizeof *g);
    g->prog = prog;
    g->side = side;
    for (File *f = prog->files; f; f = f->next) {
        map_owners(g, f->stmts, NULL);
        map_typedef_names(g, f->stmts);
    }
    int cap = 0;
    for (Stmt *s = prog->main->stmts; s; s = s->next) {
        if (s->kind != STMT_TYPE || s->forward || !stub_interface_wanted(s->type))
            continue;
        if (g->n_ifaces == cap) {
            int bigger = cap ? cap * 2 : 4;
            g->ifaces = xrealloc_vec(g->ifaces, (size_t)cap, (size_t)bigger, sizeof *g->ifaces);
            cap = bigger;
        }
        g->ifaces[g->n_ifaces++] = s->type;
    }
    for (int i = 0; i < g->n_ifaces; i++) {
        Type *iface = g->ifaces[i];
        int slot = 0;
        for (Stmt *s = iface->u.iface.body; s; s = s->next) {
            if (s->kind != STMT_DECL)
                continue;
            for (Decl *op = s->decls; op; op = op->next) {
                if (!op_is_remote(op))
                    continue;
                bool callback = attr_has(op->attrs, ATTR_CALLBACK);
                build_proc(g, iface, op, callback ? -1 : slot);
                if (!callback)
                    slot++;
            }
        }
    }
    return g;
}

int stub_interfaces(StubTables *g, Type ***ifaces)
{
    *ifaces = g->ifaces;
    return g->n_ifaces;
}

/* ---- emission ---- */

static void order_desc(Desc *d, Desc ***out, int *n, int *cap)
{
    if (d->state == 2 || d->external)
        return;
    if (d->state == 1) {
        d->forward = true;    /* a cycle: this one is declared ahead */
        return;
    }
    d->state = 1;
    for (int i = 0; i < d->n_deps; i++)
        order_desc(d->deps[i], out, n, cap);
    d->state = 2;
    if (*n == *cap) {
        int bigger = *cap ? *cap * 2 : 64;
        *out = xrealloc_vec(*out, (size_t)*cap, (size_t)bigger, sizeof **out);
        *cap = bigger;
    }
    (*out)[(*n)++] = d;
}

void stub_emit_tables(StubTables *g, Emitter *e)
{
    Desc **order = NULL;
    int n = 0, cap = 0;
    for (int i = 0; i < g->n_roots; i++)
        order_desc(g->roots[i], &order, &n, &cap);
    bool any_forward = false;
    for (int i = 0; i < n; i++) {
        if (!order[i]->forward || !order[i]->c_type)
            continue;
        if (!any_forward)
            emit(e, "/* Recursive types: declared here, defined below. */\n");
        any_forward = true;
        emit(e, "static const %s %s%s;\n", order[i]->c_type, order[i]->name, order[i]->array ? "[]" : "");
    }
    for (int i = 0; i < n; i++) {
        Desc *d = order[i];
        emit_blank_line(e);
        if (d->comment)
            emit(e, "/* %s */\n", d->comment);
        if (!d->c_type)
            emit(e, "%s\n", d->body);
        else
            emit(e, "static const %s %s%s = %s;\n", d->c_type, d->name, d->array ? "[]" : "", d->body);
    }
}

const char *stub_proc_name(StubTables *g, Decl *op)
{
    Proc *p = ptrmap_get(&g->procs, op);
    return p && p->desc ? p->desc->name : NULL;
}

bool stub_proc_needs_invoker(StubTables *g, Decl *op)
{
    Proc *p = ptrmap_get(&g->procs, op);
    return p && p->desc && p->needs_invoker;
}

int stub_epv_slot(StubTables *g, Decl *op)
{
    Proc *p = ptrmap_get(&g->procs, op);
    return p ? p->epv_slot : -1;
}

/* ===================================================================== shared file parts */

char *stub_routine_name(Decl *op, StubSide side)
{
    const char *prefix = side == STUB_CLIENT ? opts.prefix_client : opts.prefix_server;
    return xasprintf("%s%s", prefix ? prefix : "", op->name);
}

static const char *stub_header_name(Program *prog)
{
    if (opts.header) {
        const char *slash = strrchr(opts.header, '/');
        return slash ? slash + 1 : opts.header;
    }
    const char *path = prog->main->name ? prog->main->name : prog->main->path;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    return xasprintf("%.*s.h", dot ? (int)(dot - base) : (int)strlen(base), base);
}

/* The server stub file calls [callback] operations, through stubs like the client's. */
static bool has_callbacks(Program *prog)
{
    for (Stmt *s = prog->main->stmts; s; s = s->next)
        if (s->kind == STMT_TYPE && !s->forward && stub_interface_wanted(s->type) && stub_op_count(s->type, true))
            return true;
    return false;
}

static void stub_emit_prologue(Emitter *e, Program *prog, StubSide side)
{
    const char *path = prog->main->name ? prog->main->name : prog->main->path;
    const char *slash = strrchr(path, '/');
    emit(e, "/* Generated by asidl %s from %s. Do not edit. */\n", ASIDL_VERSION, slash ? slash + 1 : path);
    if (side == STUB_CLIENT)
        emit(e, "/* Client stubs: the NDR descriptor tables, the client interface objects, a function per operation. */\n\n");
    else
        emit(e, "/* Server side: the NDR descriptor tables, the default manager EPVs, the server interface objects. */\n\n");
    bool callers = side == STUB_CLIENT || has_callbacks(prog);
    emit(e, "#include <stddef.h>\n#include <stdint.h>\n%s\n", callers ? "#include <string.h>\n" : "");
    emit(e, "#include \"%s\"\n#include \"asidl_stub.h\"\n\n", stub_header_name(prog));
    emit(e, "#if ASIDL_NDR_FORMAT_VERSION != 1\n");
    emit(e, "#error \"these stubs hold NDR descriptors of format 1; asidl_ndr.h is from another asidl\"\n");
    emit(e, "#endif\n");
}

/* The common opening of both stub files: nothing if the run has errors (those of the other
 * stub file included), else the prologue and every descriptor. */
StubTables *stub_begin(Program *prog, StubSide side, FILE *out, Emitter *e)
{
    if (diag_error_count())
        return NULL;
    StubTables *g = stub_tables(prog, side);
    if (diag_error_count())
        return NULL;
    emit_init(e, out);
    stub_emit_prologue(e, prog, side);
    emit_blank_line(e);
    emit(e, "/* ==================================================================== descriptors */\n");
    stub_emit_tables(g, e);
    return g;
}

static void version_of(Type *iface, int *major, int *minor)
{
    Expr *v = attr_arg(attr_find(iface->attrs, ATTR_VERSION), 0);
    *major = *minor = 0;
    if (v && v->kind == EXPR_VERSION) {
        *major = (int)(v->ival & 0xffff);
        *minor = (int)((v->ival >> 16) & 0xffff);
    } else if (v && v->kind == EXPR_INT) {
        *major = (int)v->ival;
    }
}

/* Operations numbered in one of the two spaces: [callback] ones or the others. */
static bool op_in_space(Decl *op, bool callbacks)
{
    return op->kind == DECL_FUNC && attr_has(op->attrs, ATTR_CALLBACK) == callbacks;
}

int stub_op_count(Type *iface, bool callbacks)
{
    int count = 0;
    for (Stmt *s = iface->u.iface.body; s; s = s->next)
        if (s->kind == STMT_DECL)
            for (Decl *op = s->decls; op; op = op->next)
                if (op_in_space(op, callbacks) && op->opnum + 1 > count)
                    count = op->opnum + 1;
    return count;
}

Decl *stub_op_at(Type *iface, int opnum, bool callbacks)
{
    for (Stmt *s = iface->u.iface.body; s; s = s->next)
        if (s->kind == STMT_DECL)
            for (Decl *op = s->decls; op; op = op->next)
                if (op_in_space(op, callbacks) && op->opnum == opnum)
                    return op;
    return NULL;
}

/* One table of procedure descriptors by opnum, in one number space; NULL if it has none. */
static const char *emit_proc_table(StubTables *g, Emitter *e, Type *iface, bool callbacks, int count)
{
    if (count == 0)
        return NULL;
    const char *table = xasprintf("%s__%s", c_plain_name(iface), callbacks ? "callbacks" : "procs");
    emit_blank_line(e);
    if (callbacks)
        emit(e, "/* interface %s: its [callback] procedures, which run on the client, by callback opnum */\n",
             iface->name);
    else
        emit(e, "/* interface %s: its procedures by opnum */\n", iface->name);
    emit(e, "static const asidl_ndr_proc *const %s[] = {\n", table);
    emit_indent(e, 1);
    for (int opnum = 0; opnum < count; opnum++) {
        Decl *op = stub_op_at(iface, opnum, callbacks);
        const char *pn = op && op_is_remote(op) ? stub_proc_name(g, op) : NULL;
        if (pn)
            emit(e, "&%s,\n", pn);
        else if (op)
            emit(e, "NULL,  /* [local] %s */\n", op->name);
        else
            emit(e, "NULL,  /* no operation */\n");
    }
    emit_indent(e, -1);
    emit(e, "};\n");
    return table;
}

/* The procedures by opnum ([callback] ones in a table of their own), the interface object and
 * its RPC_IF_HANDLE.  t: names of the side's other tables (NULL entries: none). */
void stub_emit_interface_tables(StubTables *g, Emitter *e, Type *iface, const StubIfaceTables *t)
{
    const char *name = c_plain_name(iface);
    int count = stub_op_count(iface, false), callback_count = stub_op_count(iface, true);
    const char *procs = emit_proc_table(g, e, iface, false, count);
    const char *callbacks = emit_proc_table(g, e, iface, true, callback_count);
    if (!procs)
        procs = "NULL";
    const char *endpoints = "NULL";
    Attr *ep = attr_find(iface->attrs, ATTR_ENDPOINT);
    if (ep && ep->args) {
        endpoints = xasprintf("%s__endpoints", name);
        emit_blank_line(e);
        emit(e, "static const char *const %s[] = {\n", endpoints);
        emit_indent(e, 1);
        for (Expr *x = ep->args; x; x = x->next)
            if (x->kind == EXPR_STRING)
                emit(e, "\"%s\",\n", x->str ? x->str : "");
        emit(e, "NULL,\n");
        emit_indent(e, -1);
        emit(e, "};\n");
    }
    Expr *u = attr_arg(attr_find(iface->attrs, ATTR_UUID), 0);
    Uuid uuid = u && u->kind == EXPR_UUID ? u->uuid : (Uuid){ 0 };
    int major, minor;
    version_of(iface, &major, &minor);
    bool server = g->side == STUB_SERVER;
    const char *object = xasprintf("%s__%s_interface", name, server ? "server" : "client");
    emit_blank_line(e);
    emit(e, "static const asidl_interface %s = {\n", object);
    emit_indent(e, 1);
    emit(e, ".magic = ASIDL_INTERFACE_MAGIC,\n");
    emit(e, ".abi_version = ASIDL_ABI_VERSION,\n");
    emit(e, ".uuid = { 0x%08x, 0x%04x, 0x%04x, { 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x, 0x%02x } },\n",
         (unsigned)uuid.d1, uuid.d2, uuid.d3, uuid.d4[0], uuid.d4[1], uuid.d4[2], uuid.d4[3], uuid.d4[4], uuid.d4[5],
         uuid.d4[6], uuid.d4[7]);
    emit(e, ".major = %d,\n.minor = %d,\n", major, minor);
    emit(e, ".procs = %s,\n.proc_count = %d,\n", procs, count);
    if (t->epv)
        emit(e, ".default_epv = %s,\n", t->epv);
    if (strcmp(endpoints, "NULL"))
        emit(e, ".endpoints = %s,\n", endpoints);
    const char *ih = stub_implicit_handle(iface);
    if (ih && !server)
        emit(e, ".implicit_handle = &%s,\n", ih);
    if (t->invokers)
        emit(e, ".invokers = %s,\n", t->invokers);
    if (t->epv_slots)
        emit(e, ".epv_slots = %s,\n", t->epv_slots);
    if (callbacks)
        emit(e, ".callbacks = %s,\n.callback_count = %d,\n", callbacks, callback_count);
    if (t->callback_epv)
        emit(e, ".callback_epv = %s,\n", t->callback_epv);
    if (t->callback_invokers)
        emit(e, ".callback_invokers = %s,\n", t->callback_invokers);
    emit_indent(e, -1);
    emit(e, "};\n");
    emit_blank_line(e);
    emit(e, "RPC_IF_HANDLE %s = (RPC_IF_HANDLE)&%s;\n", ifspec_name(iface, server), object);
}

void stub_emit_interface(StubTables *g, Emitter *e, Type *iface, const char *epv, const char *invokers,
                         const char *epv_slots)
{
    StubIfaceTables t = { .epv = epv, .invokers = invokers, .epv_slots = epv_slots };
    stub_emit_interface_tables(g, e, iface, &t);
}

/* The type a frame slot holds for a parameter: arrays are passed (and held) as pointers. */
static Type *slot_type(Decl *p)
{
    Type *t = type_strip_alias(p->type);
    if (t && t->kind == TY_ARRAY)
        return type_pointer(t->u.arr.elem, t->u.arr.elem_quals);
    return p->type;
}

void stub_emit_invoker(StubTables *g, Emitter *e, Type *iface, Decl *op, const char *epv_type)
{
    const char *name = c_plain_name(iface);
    Type *fn = stub_named_function(iface, op);
    bool async = op_is_async(iface, op);
    Type *ret = op->type->u.fn.ret;
    bool has_result = ret && type_strip_alias(ret) && type_strip_alias(ret)->kind != TY_VOID;
    emit_blank_line(e);
    emit(e, "/* %s passes by value what libffi cannot describe: the dispatcher calls it through this */\n",
         op->name);
    emit(e, "static void %s__%s_invoke(const void *epv, PRPC_ASYNC_STATE pAsync, void **args)\n{\n", name, op->name);
    emit_indent(e, 1);
    emit(e, "const %s *m = epv;\n", epv_type);
    if (!async)
        emit(e, "(void)pAsync;\n");
    int i = 0;
    Decl *p = fn->u.fn.params;
    if (async && p)
        p = p->next;
    char *call = xasprintf("m->%s(%s", op->name, async ? "pAsync" : "");
    bool first = !async;
    for (; p; p = p->next, i++) {
        call = xasprintf("%s%s*(%s)args[%d]", call, first ? "" : ", ",
                         c_type(type_pointer(slot_type(p), p->quals), 0), i);
        first = false;
    }
    call = xasprintf("%s)", call);
    if (has_result && !async)
        emit(e, "*(%s)args[%d] = %s;\n", c_type(type_pointer(ret, 0), 0), i, call);
    else
        emit(e, "%s;\n", call);
    emit_indent(e, -1);
    emit(e, "}\n");
    (void)g;
}

static bool scalar_result(Type *t)
{
    for (int i = 0; t && t->kind == TY_ALIAS && i < 100; i++) {
        Expr *x = attr_arg(attr_find(t->attrs, ATTR_REPRESENT_AS), 0);
        if (!x)
            x = attr_arg(attr_find(t->attrs, ATTR_USER_MARSHAL), 0);
        t = x && x->kind == EXPR_TYPE && x->type ? x->type : t->u.alias.target;
    }
    return t && (t->kind == TY_BASE || t->kind == TY_ENUM || t->kind == TY_POINTER);
}

/* [nocode] (ACF) on the operation, or on the interface without [code] on the operation: the
 * application writes this stub itself. */
static bool stub_wanted(Type *iface, Decl *op)
{
    if (attr_has(op->attrs, ATTR_NOCODE))
        return false;
    return !attr_has(iface->attrs, ATTR_NOCODE) || attr_has(op->attrs, ATTR_CODE);
}

void stub_emit_caller(StubTables *g, Emitter *e, Type *iface, Decl *op)
{
    const char *proc = stub_proc_name(g, op);
    if (!proc || !stub_wanted(iface, op))
        return;
    bool server = g->side == STUB_SERVER;
    bool async = op_is_async(iface, op);
    Type *fn = stub_named_function(iface, op);
    Type *ret = op->type->u.fn.ret;
    bool has_result = ret && type_strip_alias(ret) && type_strip_alias(ret)->kind != TY_VOID;
    const char *itf = xasprintf("%s__%s_interface", c_plain_name(iface), server ? "server" : "client");

    emit_blank_line(e);
    if (server)
        emit(e, "/* [callback] %s: runs on the client of the call this thread is executing */\n", op->name);
    emit(e, "%s\n{\n", c_decl(fn, 0, stub_routine_name(op, g->side)));
    emit_indent(e, 1);
    if (has_result && !async) {
        if (scalar_result(ret)) {
            emit(e, "%s = 0;\n", c_decl(ret, 0, "asidl_result"));
        } else {
            emit(e, "%s;\n", c_decl(ret, 0, "asidl_result"));
            emit(e, "memset(&asidl_result, 0, sizeof asidl_result);\n");
        }
    }
    /* the frame: every C parameter but the asynchronous handle, then the result's storage */
    int n = 0;
    Decl *p = fn->u.fn.params;
    const char *async_handle = NULL;
    if (async && p) {
        async_handle = p->name;
        p = p->next;
    }
    for (Decl *q = p; q; q = q->next)
        n++;
    if (n == 0 && !has_result) {
        emit(e, "void *asidl_args[1] = { NULL };   /* no parameters */\n");
    } else {
        emit(e, "void *asidl_args[] = {\n");
        emit_indent(e, 1);
        for (; p; p = p->next)
            emit(e, "(void *)&%s,\n", p->name);
        if (has_result)
            emit(e, async ? "NULL,   /* the result arrives through RpcAsyncCompleteCall */\n" : "&asidl_result,\n");
        emit_indent(e, -1);
        emit(e, "};\n");
    }
    if (async)
        emit(e, "asidl_client_call_async(&%s, &%s, %s, asidl_args);\n", itf, proc, async_handle);
    else
        emit(e, "%s(&%s, &%s, asidl_args);\n", server ? "asidl_server_callback" : "asidl_client_call", itf, proc);
    if (has_result && !async)
        emit(e, "return asidl_result;\n");
    emit_indent(e, -1);
    emit(e, "}\n");
}

/* A copy of an operation's C function type whose parameters all have names (unnamed ones
 * become asidl_arg<i>), for a definition. */
Type *stub_named_function(Type *iface, Decl *op)
{
    Type *fn = op_c_function(iface, op);
    Type *copy = type_new(TY_FUNCTION, fn->loc);
    *copy = *fn;
    copy->u.fn.params = NULL;
    int i = op_is_async(iface, op) ? -1 : 0;
    for (Decl *p = fn->u.fn.params; p; p = p->next, i++) {
        Decl *c = decl_new(DECL_PARAM, p->loc, p->name);
        *c = *p;
        c->next = NULL;
        if (!c->name)
            c->name = xasprintf("asidl_arg%d", i);
        decl_append(&copy->u.fn.params, c);
    }
    return copy;
}
