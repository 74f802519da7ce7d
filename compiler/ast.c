/*
 * ast.c: AST nodes, the attribute table, the symbol table, and the constructors the grammar's
 * actions call.  Above each constructor is the IDL production it builds.
 */
#include "asidl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ===================================================================== locations */

Loc loc_of(SrcSpan s)
{
    Loc loc = { s.file, s.first_line, s.first_column, 0 };
    if (s.first_line == s.last_line && s.last_column > s.first_column)
        loc.len = s.last_column - s.first_column;
    return loc;
}

/* ===================================================================== attributes */

static const struct { const char *name; AttrArgs args; } attr_table[ATTR_COUNT_] = {
    [ATTR_UNKNOWN_] = { "<unknown attribute>", A_ANY },
#define ATTR(id, name, args) [ATTR_##id] = { name, args },
#include "attrs.def"
#undef ATTR
};

const char *attr_name(AttrKind k)
{
    return (unsigned)k < ATTR_COUNT_ ? attr_table[k].name : "<bad attribute>";
}

AttrArgs attr_args(AttrKind k)
{
    return (unsigned)k < ATTR_COUNT_ ? attr_table[k].args : A_NONE;
}

/* ---- a small map keyed by interned pointers (names) ---- */

typedef struct Map {
    const void **keys;
    void **vals;
    size_t cap, count;
} Map;

static size_t map_slot(const void *key, size_t cap)
{
    return (size_t)(((uintptr_t)key >> 3) * 0x9E3779B97F4A7C15ull) & (cap - 1);
}

static void *map_get(const Map *m, const void *key)
{
    if (!m->cap || !key)
        return NULL;
    for (size_t j = map_slot(key, m->cap); m->keys[j]; j = (j + 1) & (m->cap - 1))
        if (m->keys[j] == key)
            return m->vals[j];
    return NULL;
}

static void map_put(Map *m, const void *key, void *val)
{
    if ((m->count + 1) * 2 > m->cap) {
        Map bigger = { NULL, NULL, m->cap ? m->cap * 2 : 256, 0 };
        bigger.keys = xmalloc(bigger.cap * sizeof *bigger.keys);
        bigger.vals = xmalloc(bigger.cap * sizeof *bigger.vals);
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i])
                map_put(&bigger, m->keys[i], m->vals[i]);
        *m = bigger;
    }
    size_t j = map_slot(key, m->cap);
    while (m->keys[j] && m->keys[j] != key)
        j = (j + 1) & (m->cap - 1);
    if (!m->keys[j])
        m->count++;
    m->keys[j] = key;
    m->vals[j] = val;
}

static Map attr_names;

AttrKind attr_lookup(const char *name)
{
    if (!attr_names.cap)
        for (int k = 1; k < ATTR_COUNT_; k++)
            map_put(&attr_names, intern(attr_table[k].name), (void *)(intptr_t)k);
    return (AttrKind)(intptr_t)map_get(&attr_names, name);
}

Attr *attr_find(Attr *list, AttrKind k)
{
    for (; list; list = list->next)
        if (list->kind == k)
            return list;
    return NULL;
}

bool attr_has(Attr *list, AttrKind k)
{
    return attr_find(list, k) != NULL;
}

Expr *attr_arg(Attr *a, int i)
{
    Expr *e = a ? a->args : NULL;
    while (e && i-- > 0)
        e = e->next;
    return e;
}

/* ===================================================================== types */

Type *type_new(TypeKind kind, Loc loc)
{
    Type *t = xmalloc(sizeof *t);
    t->kind = kind;
    t->loc = loc;
    return t;
}

enum { BASE_KINDS = B_ERROR_STATUS + 1 };
static Type base_types[BASE_KINDS][3];
static Type void_type = { .kind = TY_VOID, .defined = true };

Type *type_base(BaseKind kind, int sign)
{
    if ((unsigned)kind >= BASE_KINDS || sign < 0 || sign > 2)
        diag_internal("type_base(%d, %d)", (int)kind, sign);
    Type *t = &base_types[kind][sign];
    if (t->kind != TY_BASE) {
        t->kind = TY_BASE;
        t->defined = true;
        t->u.base.kind = kind;
        t->u.base.sign = sign;
    }
    return t;
}

Type *type_void(void)
{
    return &void_type;
}

Type *type_pointer(Type *ref, unsigned ref_quals)
{
    Type *t = type_new(TY_POINTER, (Loc){ 0 });
    t->u.ptr.ref = ref;
    t->u.ptr.ref_quals = ref_quals;
    t->defined = true;
    return t;
}

Type *type_array(Type *elem, Expr *dim)
{
    Type *t = type_new(TY_ARRAY, (Loc){ 0 });
    t->u.arr.elem = elem;
    t->u.arr.dim = dim;
    t->defined = true;
    return t;
}

Type *type_strip_alias(Type *t)
{
    /* A bound keeps a (checker-reported) typedef cycle from hanging us. */
    for (int i = 0; t && t->kind == TY_ALIAS && i < 1000; i++)
        t = t->u.alias.target;
    return t;
}

bool type_is_integer(Type *t)
{
    t = type_strip_alias(t);
    if (!t)
        return false;
    if (t->kind == TY_ENUM)
        return true;
    if (t->kind != TY_BASE)
        return false;
    switch (t->u.base.kind) {
    case B_FLOAT: case B_DOUBLE: case B_HANDLE: case B_ERROR_STATUS:
        return false;
    default:
        return true;
    }
}

/* Characters a [string] may be made of: the one rule the checker and the descriptor generator
 * share (8-bit and 16-bit units, signed or not, and wchar_t). */
bool type_is_char(Type *t)
{
    t = t ? type_strip_alias(t) : NULL;
    if (!t || t->kind != TY_BASE)
        return false;
    switch (t->u.base.kind) {
    case B_CHAR: case B_BYTE: case B_WCHAR: case B_SMALL: case B_INT8:
        return true;
    case B_SHORT: case B_INT16:
        return t->u.base.sign == SIGN_UNSIGNED;
    default:
        return false;
    }
}

bool type_is_pointer(Type *t)
{
    t = type_strip_alias(t);
    return t && t->kind == TY_POINTER;
}

/* Interfaces, and the WinRT types whose values are interface pointers too. */
bool type_is_interface(Type *t)
{
    t = type_strip_alias(t);
    if (!t)
        return false;
    switch (t->kind) {
    case TY_INTERFACE: case TY_DISPINTERFACE: case TY_DELEGATE: case TY_RUNTIMECLASS:
    case TY_PARAMETERIZED:
        return true;
    default:
        return false;
    }
}

const char *type_kind_name(TypeKind k)
{
    switch (k) {
    case TY_VOID: return "void";
    case TY_BASE: return "base type";
    case TY_ENUM: return "enum";
    case TY_STRUCT: return "struct";
    case TY_UNION: return "union";
    case TY_ENCUNION: return "union";
    case TY_POINTER: return "pointer";
    case TY_ARRAY: return "array";
    case TY_FUNCTION: return "function";
    case TY_ALIAS: return "typedef";
    case TY_NAMED: return "type name";
    case TY_INTERFACE: return "interface";
    case TY_DISPINTERFACE: return "dispinterface";
    case TY_COCLASS: return "coclass";
    case TY_MODULE: return "module";
    case TY_LIBRARY: return "library";
    case TY_PIPE: return "pipe";
    case TY_SAFEARRAY: return "SAFEARRAY";
    case TY_RUNTIMECLASS: return "runtimeclass";
    case TY_DELEGATE: return "delegate";
    case TY_APICONTRACT: return "apicontract";
    case TY_PARAM: return "type parameter";
    case TY_PARAMETERIZED: return "parameterized type";
    }
    return "type";
}

/* ===================================================================== decls, stmts, lists */

Decl *decl_new(DeclKind kind, Loc loc, const char *name)
{
    Decl *d = xmalloc(sizeof *d);
    d->kind = kind;
    d->loc = loc;
    d->name = name;
    return d;
}

Stmt *stmt_new(StmtKind kind, Loc loc)
{
    Stmt *s = xmalloc(sizeof *s);
    s->kind = kind;
    s->loc = loc;
    return s;
}

#define DEFINE_APPEND(fn, T)                \
    void fn(T **list, T *e)                 \
    {                                       \
        if (!e)                             \
            return;                         \
        while (*list)                       \
            list = &(*list)->next;          \
        *list = e;                          \
    }

DEFINE_APPEND(expr_append, Expr)
DEFINE_APPEND(attr_append, Attr)
DEFINE_APPEND(decl_append, Decl)
DEFINE_APPEND(stmt_append, Stmt)

#define DEFINE_LIST(List, T, start, add)    \
    List start(T *first)                    \
    {                                       \
        List l = { NULL, NULL };            \
        add(&l, first);                     \
        return l;                           \
    }                                       \
    void add(List *l, T *e)                 \
    {                                       \
        if (!e)                             \
            return;                         \
        if (l->tail)                        \
            l->tail->next = e;              \
        else                                \
            l->head = e;                    \
        l->tail = e;                        \
        while (l->tail->next)               \
            l->tail = l->tail->next;        \
    }

DEFINE_LIST(StmtList, Stmt, stmt_list, stmt_list_add)
DEFINE_LIST(DeclList, Decl, decl_list, decl_list_add)
DEFINE_LIST(ExprList, Expr, expr_list, expr_list_add)
DEFINE_LIST(AttrList, Attr, attr_list, attr_list_add)
DEFINE_LIST(DtorList, Declarator, dtor_list, dtor_list_add)

/* ===================================================================== symbol table */

static Map types, tags, values, namespaces;

/* Every key the symbol tables hold, by its namespace and last name: "A.B.name" under ("A.B",
 * "name").  Looking a plain name up in a namespace, and in each enclosing one, is then a probe
 * per level instead of building and hashing "A.B.name". */
static PairMap qualified_keys;

static void add_qualified_key(const char *key)
{
    const char *dot = strrchr(key, '.');
    if (dot)
        pairmap_put(&qualified_keys, intern_n(key, (size_t)(dot - key)), intern(dot + 1), (void *)key);
}

/* The interned "A.B.name" for name (interned) in namespace ns, or NULL if no table holds it.
 * A dotted name (a relative reference such as Foundation.Uri) is rare: it is spelled out. */
static const char *qualified_find(Namespace *ns, const char *name)
{
    if (!ns)
        return name;
    if (!strchr(name, '.'))
        return pairmap_get(&qualified_keys, ns->full, name);
    size_t a = strlen(ns->full), b = strlen(name);
    char small[512];
    char *buf = a + b + 1 <= sizeof small ? small : xmalloc(a + b + 1);
    memcpy(buf, ns->full, a);
    buf[a] = '.';
    memcpy(buf + a + 1, name, b);
    return intern_find(buf, a + b + 1);
}

const char *sym_qualified_name(Namespace *ns, const char *name)
{
    return ns ? intern(xasprintf("%s.%s", ns->full, name)) : intern(name);
}

Type *sym_type(const char *name)
{
    return name ? map_get(&types, intern(name)) : NULL;
}

/* sym_type_in for an interned name. */
static Type *find_type_in(Namespace *ns, const char *name)
{
    for (; ns; ns = ns->parent) {
        Type *t = map_get(&types, qualified_find(ns, name));
        if (t)
            return t;
    }
    return map_get(&types, name);
}

Type *sym_type_in(Namespace *ns, const char *name)
{
    return name ? find_type_in(ns, intern(name)) : NULL;
}

static bool tag_kind_matches(const Type *t, TypeKind kind)
{
    if (kind == TY_UNION || kind == TY_ENCUNION)
        return t->kind == TY_UNION || t->kind == TY_ENCUNION;
    return t->kind == kind;
}

Type *sym_tag(TypeKind kind, const char *name)
{
    Type *t = name ? map_get(&tags, intern(name)) : NULL;
    return t && tag_kind_matches(t, kind) ? t : NULL;
}

Type *sym_tag_in(TypeKind kind, Namespace *ns, const char *name)
{
    if (!name)
        return NULL;
    name = intern(name);
    for (; ns; ns = ns->parent) {
        Type *t = map_get(&tags, qualified_find(ns, name));
        if (t)
            return tag_kind_matches(t, kind) ? t : NULL;
    }
    return sym_tag(kind, name);
}

Decl *sym_value(const char *name)
{
    return name ? map_get(&values, intern(name)) : NULL;
}

Namespace *sym_namespace(Namespace *parent, const char *name)
{
    const char *full = sym_qualified_name(parent, name);
    Namespace *ns = map_get(&namespaces, full);
    if (!ns) {
        ns = xmalloc(sizeof *ns);
        ns->name = intern(name);
        ns->full = full;
        ns->parent = parent;
        map_put(&namespaces, full, ns);
    }
    return ns;
}

static void put_symbol(Map *m, const char *key, void *entry)
{
    map_put(m, key, entry);
    add_qualified_key(key);
}

static void *register_first(Map *m, const char *key, void *entry)
{
    void *prev = map_get(m, key);
    if (!prev)
        put_symbol(m, key, entry);
    return prev;
}

Type *sym_add_type(Type *t)
{
    return t->name ? register_first(&types, sym_qualified_name(t->ns, t->name), t) : NULL;
}

void sym_replace_type(Type *t)
{
    put_symbol(&types, sym_qualified_name(t->ns, t->name), t);
}

Type *sym_add_tag(Type *t)
{
    return t->name ? register_first(&tags, sym_qualified_name(t->ns, t->name), t) : NULL;
}

Decl *sym_add_value(Decl *d)
{
    return d->name ? register_first(&values, intern(d->name), d) : NULL;
}

/* ===================================================================== parser helpers */

static const char *varargs_marker(void)
{
    return intern("...");
}

Type *ast_lookup_type(ParseState *ps, const char *name)
{
    for (Type *p = ps->generic_params; p; p = p->u.param.next)
        if (p->name == name)
            return p;
    return find_type_in(ps->ns, name);
}

static Attr *attr_copy(Attr *list)
{
    Attr *copy = NULL, **tail = &copy;
    for (; list; list = list->next) {
        Attr *a = xmalloc(sizeof *a);
        *a = *list;
        a->next = NULL;
        *tail = a;
        tail = &a->next;
    }
    return copy;
}

Attr *attr_concat(Attr *a, Attr *b)
{
    attr_append(&a, b);
    return a;
}

/* Applies a declarator's derivations to the base type; returns the declared thing's type and
 * (in *quals) the qualifiers of the thing itself. */
static Type *derive(Type *base, unsigned base_quals, Declarator *d, unsigned *quals)
{
    Type *t = base;
    unsigned q = base_quals & (Q_CONST | Q_VOLATILE);
    for (Deriv *v = d ? d->derivs : NULL; v; v = v->next) {
        switch (v->kind) {
        case DERIV_POINTER:
            t = type_pointer(t, q);
            t->loc = v->loc;
            q = v->quals;
            break;
        case DERIV_ARRAY:
            t = type_array(t, v->dim);
            t->loc = v->loc;
            t->u.arr.elem_quals = q;
            t->u.arr.lower = v->lower;
            q = 0;
            break;
        case DERIV_FUNCTION: {
            Type *f = type_new(TY_FUNCTION, v->loc);
            f->defined = true;
            f->u.fn.ret = t;
            f->u.fn.ret_quals = q;
            f->u.fn.params = v->params;
            f->u.fn.varargs = v->varargs;
            f->u.fn.callconv = v->callconv;
            t = f;
            q = 0;
            break;
        }
        }
    }
    *quals = q;
    return t;
}

static bool is_tag_type(const Type *t)
{
    return t && (t->kind == TY_STRUCT || t->kind == TY_UNION || t->kind == TY_ENCUNION ||
                 t->kind == TY_ENUM);
}

static Stmt *type_stmt(Loc loc, Type *t, bool forward)
{
    Stmt *s = stmt_new(STMT_TYPE, loc);
    s->type = t;
    s->forward = forward;
    return s;
}

/* ===================================================================== expressions */

Expr *ast_expr(ExprKind kind, Loc loc)
{
    Expr *e = xmalloc(sizeof *e);
    e->kind = kind;
    e->loc = loc;
    return e;
}

/* expr: INT_LIT (decimal, 0x hex, 0 octal; suffixes u, l, ll, i64) */
Expr *ast_int(Loc loc, const char *text)
{
    Expr *e = ast_expr(EXPR_INT, loc);
    e->text = text;
    const char *p = text;
    unsigned base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    } else if (p[0] == '0') {
        base = 8;
    }
    uint64_t v = 0;
    bool overflow = false, bad_digit = false;
    for (; *p; p++) {
        unsigned d;
        if (*p >= '0' && *p <= '9')
            d = (unsigned)(*p - '0');
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            d = (unsigned)(*p - 'a' + 10);
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            d = (unsigned)(*p - 'A' + 10);
        else
            break;
        if (d >= base)
            bad_digit = true;
        if (v > (UINT64_MAX - d) / base)
            overflow = true;
        v = v * base + d;
    }
    for (; *p; p++)
        if (*p == 'u' || *p == 'U')
            e->is_unsigned = true;
    if (bad_digit)
        diag_error(loc, "invalid digit in octal constant '%s'", text);
    else if (overflow)
        diag_error(loc, "integer constant '%s' is too large", text);
    if (bad_digit || overflow)
        v = 0;
    if (v > (uint64_t)INT64_MAX)
        e->is_unsigned = true;
    e->ival = (int64_t)v;
    return e;
}

/* expr: FLOAT_LIT */
Expr *ast_float(Loc loc, const char *text)
{
    Expr *e = ast_expr(EXPR_FLOAT, loc);
    e->text = text;
    e->fval = strtod(text, NULL);
    return e;
}

/* expr: STRING  (contents without the quotes, escapes as written) */
Expr *ast_string(Loc loc, const char *raw)
{
    Expr *e = ast_expr(EXPR_STRING, loc);
    e->str = raw;
    return e;
}

/* expr: WSTRING  (L"...") */
Expr *ast_wstring(Loc loc, const char *raw)
{
    Expr *e = ast_expr(EXPR_WSTRING, loc);
    e->str = raw;
    return e;
}

/* expr: CHAR_LIT  ('a', '\n', L'x') */
Expr *ast_char(ParseState *ps, Loc loc, const char *text)
{
    (void)ps;
    Expr *e = ast_expr(EXPR_CHAR, loc);
    e->text = text;
    const char *open = strchr(text, '\'');
    size_t n = strlen(open + 1);
    char *value = unescape_c_string(open + 1, n ? n - 1 : 0);
    if (value[0] == '\0' || value[1] != '\0')
        diag_error(loc, "character constant %s must hold exactly one character", text);
    e->ival = (unsigned char)value[0];
    return e;
}

/* expr: IDENT  and  any_arg: any_name  (a dotted WinRT name) */
Expr *ast_name(Loc loc, const char *name)
{
    Expr *e = ast_expr(EXPR_NAME, loc);
    e->str = name;
    return e;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool parse_uuid(const char *s, Uuid *u)
{
    static const int group_len[] = { 8, 4, 4, 4, 12 };
    uint8_t bytes[16];
    int nbytes = 0;
    for (int g = 0; g < 5; g++) {
        for (int i = 0; i < group_len[g]; i += 2) {
            int hi = hex_value(s[0]), lo = hi < 0 ? -1 : hex_value(s[1]);
            if (hi < 0 || lo < 0)
                return false;
            bytes[nbytes++] = (uint8_t)(hi << 4 | lo);
            s += 2;
        }
        if (g < 4 && *s++ != '-')
            return false;
    }
    if (*s)
        return false;
    u->d1 = (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
    u->d2 = (uint16_t)(bytes[4] << 8 | bytes[5]);
    u->d3 = (uint16_t)(bytes[6] << 8 | bytes[7]);
    memcpy(u->d4, bytes + 8, 8);
    return true;
}

/* attr: uuid(UUID_LIT) | uuid(STRING)  (and a bare UUID in custom(...)) */
Expr *ast_uuid(Loc loc, const char *text, bool quoted)
{
    Expr *e = ast_expr(EXPR_UUID, loc);
    e->text = text;
    if (!parse_uuid(text, &e->uuid))
        diag_error(loc, "invalid UUID %s%s%s: expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
                   quoted ? "\"" : "'", text, quoted ? "\"" : "'");
    return e;
}

/* attr: version(1) | version(1.0) | version(0x00010002)  (hex: major in the high 16 bits, as
 * widl reads it) and versions in WinRT attributes: contract(C, 1.0) */
Expr *ast_version(Loc loc, const char *text)
{
    Expr *e = ast_expr(EXPR_VERSION, loc);
    e->text = text;
    char *end;
    errno = 0;
    unsigned long major, minor = 0;
    bool ok;
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        unsigned long long v = strtoull(text, &end, 16);
        ok = end != text + 2 && errno == 0 && v <= 0xffffffffull;
        major = (unsigned long)(v >> 16);
        minor = (unsigned long)(v & 0xffff);
    } else {
        major = strtoul(text, &end, 10);
        ok = end != text && errno == 0;
    }
    if (ok && *end == '.') {
        const char *m = end + 1;
        minor = strtoul(m, &end, 10);
        ok = end != m && errno == 0;
    }
    if (!ok || *end || major > 0xffff || minor > 0xffff) {
        diag_error(loc, "invalid version '%s': expected major.minor, each 0 to 65535", text);
        major = minor = 0;
    }
    e->ival = (int64_t)(major | minor << 16);
    return e;
}

/* any_arg: type name  (implicit_handle(handle_t h)) */
Expr *ast_typed_name(ParseState *ps, Loc loc, Type *t, const char *name)
{
    (void)ps;
    Expr *e = ast_expr(EXPR_TYPE, loc);
    e->type = t;
    e->str = name;
    return e;
}

/* expr: op expr */
Expr *ast_unary(Loc loc, ExprOp op, Expr *operand)
{
    Expr *e = ast_expr(EXPR_UNARY, loc);
    e->op = op;
    e->lhs = operand;
    return e;
}

/* expr: expr op expr */
Expr *ast_binary(Loc loc, ExprOp op, Expr *lhs, Expr *rhs)
{
    Expr *e = ast_expr(EXPR_BINARY, loc);
    e->op = op;
    e->lhs = lhs;
    e->rhs = rhs;
    return e;
}

/* expr: expr ? expr : expr */
Expr *ast_cond(Loc loc, Expr *cond, Expr *lhs, Expr *rhs)
{
    Expr *e = ast_expr(EXPR_COND, loc);
    e->cond = cond;
    e->lhs = lhs;
    e->rhs = rhs;
    return e;
}

/* expr: expr [ expr ] */
Expr *ast_index(Loc loc, Expr *array, Expr *index)
{
    Expr *e = ast_expr(EXPR_INDEX, loc);
    e->lhs = array;
    e->rhs = index;
    return e;
}

/* expr: expr . name | expr -> name */
Expr *ast_member(Loc loc, ExprOp op, Expr *lhs, const char *name)
{
    Expr *e = ast_expr(EXPR_MEMBER, loc);
    e->op = op;
    e->lhs = lhs;
    e->str = name;
    return e;
}

/* type_arg, cast_type, attr_type_arg: decl_specs abs_dtor_opt */
Expr *ast_type_expr(ParseState *ps, Loc loc, DeclSpec *spec, Declarator *abs)
{
    (void)ps;
    Expr *e = ast_expr(EXPR_TYPE, loc);
    e->type = derive(spec->type, spec->quals, abs, &e->type_quals);
    return e;
}

Expr *ast_type_expr_of(Loc loc, Type *t)
{
    Expr *e = ast_expr(EXPR_TYPE, loc);
    e->type = t;
    return e;
}

/* expr: ( cast_type ) expr */
Expr *ast_cast(Loc loc, Expr *type, Expr *operand)
{
    Expr *e = ast_expr(EXPR_CAST, loc);
    e->type = type->type;
    e->type_quals = type->type_quals;
    e->lhs = operand;
    return e;
}

/* expr: sizeof ( cast_type ) | sizeof ( IDENT ) */
Expr *ast_sizeof(Loc loc, Expr *type)
{
    Expr *e = ast_expr(EXPR_SIZEOF, loc);
    e->type = type->type;
    e->type_quals = type->type_quals;
    return e;
}

/* any_name: any_name . IDENT  and  qname: qname . IDENT */
const char *ast_dotted(const char *a, const char *b)
{
    return intern(xasprintf("%s.%s", a, b));
}

/* string_lit: string_lit STRING  ("a" "b" is "ab") */
const char *ast_concat(const char *a, const char *b)
{
    return intern(xasprintf("%s%s", a, b));
}

/* ===================================================================== attributes */

/* attr: NAME | NAME ( args )  -- the argument shape was checked by the grammar */
Attr *ast_attr(ParseState *ps, int kind, Loc loc, Expr *args)
{
    (void)ps;
    Attr *a = xmalloc(sizeof *a);
    a->kind = (AttrKind)kind;
    a->loc = loc;
    a->args = args;
    for (Expr *e = args; e; e = e->next)
        a->nargs++;
    return a;
}

/* attr: UNKNOWN_NAME [( ... )] */
Attr *ast_attr_unknown(ParseState *ps, const char *name, Loc loc)
{
    (void)ps;
    diag_error(loc, "unknown attribute '%s'", name);
    return NULL;
}

/* ===================================================================== declarators */

/* direct_dtor: name  (and the empty abstract declarator, name NULL) */
Declarator *ast_dtor_name(const char *name, Loc loc)
{
    Declarator *d = xmalloc(sizeof *d);
    d->name = name;
    d->loc = loc;
    return d;
}

static Declarator *prepend_deriv(Declarator *d, DerivKind kind, Loc loc)
{
    Deriv *v = xmalloc(sizeof *v);
    v->kind = kind;
    v->loc = loc;
    v->next = d->derivs;
    d->derivs = v;
    return d;
}

/* declarator: '*' ptr_quals declarator */
Declarator *ast_dtor_pointer(Declarator *d, unsigned quals, Loc loc)
{
    prepend_deriv(d, DERIV_POINTER, loc)->derivs->quals = quals;
    return d;
}

/* direct_dtor: direct_dtor [ ] | [ * ] | [ expr ] | [ lo .. hi ] */
Declarator *ast_dtor_array(Declarator *d, Expr *lower, Expr *dim, Loc loc)
{
    prepend_deriv(d, DERIV_ARRAY, loc);
    d->derivs->lower = lower;
    d->derivs->dim = dim;
    return d;
}

/* direct_dtor: direct_dtor ( params ) */
Declarator *ast_dtor_function(Declarator *d, Decl *params, Loc loc)
{
    prepend_deriv(d, DERIV_FUNCTION, loc);
    Deriv *f = d->derivs;
    f->callconv = d->callconv;
    d->callconv = NULL;
    /* A trailing ", ..." arrives as a marker parameter. */
    for (Decl **p = &params; *p; p = &(*p)->next) {
        if ((*p)->name == varargs_marker() && !(*p)->type) {
            *p = NULL;
            f->varargs = true;
            break;
        }
    }
    /* (void) declares no parameters. */
    if (params && !params->next && !params->name && params->type == type_void() && !params->quals)
        params = NULL;
    f->params = params;
    return d;
}

/* declarator: CALLCONV declarator  -- belongs to the function being declared, which may be
 * derived only later: `HRESULT (__stdcall *pfn)(void)`. */
Declarator *ast_dtor_callconv(Declarator *d, const char *callconv)
{
    Deriv *last_fn = NULL;
    for (Deriv *v = d->derivs; v; v = v->next)
        if (v->kind == DERIV_FUNCTION && !v->callconv)
            last_fn = v;
    if (last_fn)
        last_fn->callconv = callconv;
    else
        d->callconv = callconv;
    return d;
}

/* params: param_list , ... */
Decl *ast_varargs(Decl *params, Loc loc)
{
    decl_append(&params, decl_new(DECL_PARAM, loc, varargs_marker()));
    return params;
}

/* ===================================================================== declaration specifiers */

DeclSpec ast_spec(Type *t, Loc loc)
{
    DeclSpec s = { t, 0, false, loc };
    return s;
}

/* decl_specs: spec_prefix type_spec spec_quals */
DeclSpec ast_decl_spec(DeclSpec *spec, unsigned quals)
{
    DeclSpec s = *spec;
    s.quals |= quals;
    return s;
}

/* type_spec: IDENT | TYPENAME | A.B.C  -- a known type, a generic parameter, or TY_NAMED */
Type *ast_type_ref(ParseState *ps, const char *name, Loc loc)
{
    Type *t = ps->is_acf ? NULL : ast_lookup_type(ps, name);
    if (t)
        return t;
    t = type_new(TY_NAMED, loc);
    t->name = name;
    t->ns = ps->ns;
    t->file = ps->file;
    return t;
}

/* base_type: signed int_type | unsigned int_type */
Type *ast_signed(Type *t, int sign, ParseState *ps, Loc loc)
{
    (void)ps;
    (void)loc;
    return type_base(t->u.base.kind, sign);
}

/* type_spec: pipe type_spec */
Type *ast_wrap_type(TypeKind kind, Loc loc, Type *elem)
{
    Type *t = type_new(kind, loc);
    t->u.ptr.ref = elem;
    t->defined = true;
    return t;
}

/* type_spec: SAFEARRAY ( decl_specs abs_dtor_opt ) */
Type *ast_safearray(ParseState *ps, Loc loc, DeclSpec *spec, Declarator *abs)
{
    unsigned quals;
    Type *t = ast_wrap_type(TY_SAFEARRAY, loc, derive(spec->type, spec->quals, abs, &quals));
    t->u.ptr.ref_quals = quals;
    t->file = ps->file;
    return t;
}

/* named_type: named_head < type_args >   (WinRT IVector<int>) */
Type *ast_generic_instance(ParseState *ps, Loc loc, Type *generic, Expr *args)
{
    Type *t = type_new(TY_PARAMETERIZED, loc);
    t->name = generic->name;
    t->ns = ps->ns;
    t->file = ps->file;
    t->defined = true;
    t->u.generic.generic = generic;
    for (Expr *e = args; e; e = e->next)
        t->u.generic.nargs++;
    t->u.generic.args = xmalloc((size_t)t->u.generic.nargs * sizeof(Type *));
    int i = 0;
    for (Expr *e = args; e; e = e->next)
        t->u.generic.args[i++] = e->type;
    return t;
}

/* struct_spec: struct name   (a reference, or `struct S;` on its own) */
DeclSpec ast_tag_spec(ParseState *ps, TypeKind kind, const char *name, Loc loc)
{
    Type *t = ps->is_acf ? NULL : sym_tag_in(kind, ps->ns, name);
    if (!t) {
        t = type_new(kind, loc);
        t->name = name;
        t->ns = ps->ns;
        t->file = ps->file;
        if (!ps->is_acf)
            sym_add_tag(t);
    }
    return ast_spec(t, loc);
}

/* The tag type a definition fills: the forward-declared one of this scope if there is one,
 * else a new one (registered, unless a definition already holds the name). */
static Type *tag_for_definition(ParseState *ps, TypeKind kind, const char *name, Loc loc)
{
    Type *t = name ? sym_tag(kind, sym_qualified_name(ps->ns, name)) : NULL;
    if (t && !t->defined) {
        if (kind == TY_ENCUNION)
            t->kind = TY_ENCUNION;
    } else {
        t = type_new(kind, loc);
        t->name = name;
        t->ns = ps->ns;
        if (name)
            sym_add_tag(t);
    }
    t->loc = loc;
    t->file = ps->file;
    t->defined = true;
    return t;
}

/* struct_spec: struct [name] { fields }   union_spec: union [name] { fields }
 * enum_spec: enum [name] { enumerators } */
DeclSpec ast_record(ParseState *ps, TypeKind kind, const char *name, Loc loc, Decl *fields)
{
    Type *t = tag_for_definition(ps, kind, name, loc);
    t->u.rec.fields = fields;
    for (Decl *f = fields; f; f = f->next) {
        f->owner = t;
        if (kind != TY_ENUM)
            continue;
        /* WinRT enumerators are scoped by their enum; the others are global, as in C. */
        if (t->ns && t->name)
            register_first(&values, intern(xasprintf("%s.%s", sym_qualified_name(t->ns, t->name), f->name)), f);
        else
            sym_add_value(f);
    }
    DeclSpec s = ast_spec(t, loc);
    s.has_body = true;
    return s;
}

/* union_spec: union [name] switch ( discriminant ) [arm_name] { enc_arms } */
DeclSpec ast_encunion(ParseState *ps, const char *name, Loc loc, Decl *discrim, const char *arm_name,
                      Decl *arms)
{
    Type *t = tag_for_definition(ps, TY_ENCUNION, name, loc);
    t->u.rec.fields = arms;
    t->u.rec.discrim = discrim;
    t->u.rec.arm_name = arm_name;
    if (discrim)
        discrim->owner = t;
    for (Decl *f = arms; f; f = f->next)
        f->owner = t;
    DeclSpec s = ast_spec(t, loc);
    s.has_body = true;
    return s;
}

/* discriminant: decl_specs name   (switch (long kind)) */
Decl *ast_discriminant(ParseState *ps, DeclSpec *spec, const char *name, Loc loc)
{
    (void)ps;
    Decl *d = decl_new(DECL_FIELD, loc, name);
    d->type = spec->type;
    d->quals = spec->quals & (Q_CONST | Q_VOLATILE);
    return d;
}

/* case_label: case expr : | default : */
Attr *ast_case_label(Loc loc, Expr *value)
{
    Attr *a = xmalloc(sizeof *a);
    a->kind = value ? ATTR_CASE : ATTR_DEFAULT;
    a->loc = loc;
    a->args = value;
    a->nargs = value ? 1 : 0;
    return a;
}

/* enc_arm: case_labels arm_body  -- `case 1: case 2:` is one [case(1, 2)] */
Decl *ast_enc_arm(ParseState *ps, Attr *labels, Decl *arm)
{
    (void)ps;
    if (!arm)
        return NULL;
    AttrList merged = { NULL, NULL };
    Attr *case_attr = NULL;
    ExprList values = { NULL, NULL };
    for (Attr *a = labels, *next; a; a = next) {
        next = a->next;
        a->next = NULL;
        if (a->kind == ATTR_CASE) {
            expr_list_add(&values, a->args);
            if (case_attr) {
                case_attr->nargs += a->nargs;
                continue;
            }
            case_attr = a;
        }
        attr_list_add(&merged, a);
    }
    if (case_attr)
        case_attr->args = values.head;
    attr_list_add(&merged, arm->attrs);
    arm->attrs = merged.head;
    return arm;
}

/* field: attrs_opt decl_specs field_dtors ;  |  attrs_opt decl_specs ;  (anonymous member) */
Decl *ast_fields(ParseState *ps, Attr *attrs, DeclSpec *spec, Declarator *dtors)
{
    if (!dtors) {
        if (!is_tag_type(spec->type) || spec->type->kind == TY_ENUM) {
            diag_warning(spec->loc, WARN_SEMANTIC, "declaration does not declare anything");
            return NULL;
        }
        Decl *d = decl_new(DECL_FIELD, spec->loc, NULL);
        d->type = spec->type;
        d->attrs = attrs;
        d->quals = spec->quals & (Q_CONST | Q_VOLATILE);
        return d;
    }
    (void)ps;
    DeclList list = { NULL, NULL };
    for (Declarator *dt = dtors; dt; dt = dt->next) {
        Decl *d = decl_new(DECL_FIELD, dt->loc, dt->name);
        d->type = derive(spec->type, spec->quals, dt, &d->quals);
        d->attrs = dt == dtors ? attrs : attr_copy(attrs);
        d->bits = dt->bits;
        decl_list_add(&list, d);
    }
    return list.head;
}

/* field: attrs_opt ;   arm_body: attrs_opt ;   (an empty union arm) */
Decl *ast_empty_arm(ParseState *ps, Attr *attrs, Loc loc)
{
    (void)ps;
    Decl *d = decl_new(DECL_FIELD, loc, NULL);
    d->type = type_void();
    d->attrs = attrs;
    return d;
}

/* enumerator: attrs_opt name [= expr] */
Decl *ast_enumerator(ParseState *ps, Attr *attrs, const char *name, Loc loc, Expr *value)
{
    (void)ps;
    Decl *d = decl_new(DECL_ENUMERATOR, loc, name);
    d->attrs = attrs;
    d->value = value;
    return d;
}

/* param: attrs_opt decl_specs declarator | attrs_opt decl_specs abs_dtor_opt */
Decl *ast_param(ParseState *ps, Attr *attrs, DeclSpec *spec, Declarator *d)
{
    (void)ps;
    Decl *p = decl_new(DECL_PARAM, d->name ? d->loc : spec->loc, d->name);
    p->type = derive(spec->type, spec->quals, d, &p->quals);
    p->attrs = attrs;
    return p;
}

/* The declarations of `decl_specs init_dtors`: functions, constants (with an initializer)
 * and variables. */
static Decl *make_decls(ParseState *ps, Attr *attrs, DeclSpec *spec, Declarator *dtors)
{
    DeclList list = { NULL, NULL };
    for (Declarator *dt = dtors; dt; dt = dt->next) {
        unsigned quals;
        Type *t = derive(spec->type, spec->quals, dt, &quals);
        DeclKind kind = dt->init ? DECL_CONST : t->kind == TY_FUNCTION ? DECL_FUNC : DECL_VAR;
        Decl *d = decl_new(kind, dt->loc, dt->name);
        d->type = t;
        d->quals = quals;
        d->value = dt->init;
        d->attrs = dt == dtors ? attrs : attr_copy(attrs);
        d->storage = spec->quals & SPEC_EXTERN ? STORAGE_EXTERN
                   : spec->quals & SPEC_STATIC ? STORAGE_STATIC : STORAGE_NONE;
        d->is_inline = (spec->quals & SPEC_INLINE) != 0;
        if (kind == DECL_CONST && d->name && !ps->is_acf)
            register_first(&values, sym_qualified_name(ps->ns, d->name), d);
        decl_list_add(&list, d);
    }
    return list.head;
}

/* decl_stmt: attrs_opt decl_specs init_dtors ;  |  attrs_opt decl_specs ; */
Stmt *ast_declaration(ParseState *ps, Attr *attrs, DeclSpec *spec, Declarator *dtors)
{
    Type *t = spec->type;
    if (!dtors) {
        if (!is_tag_type(t)) {
            diag_warning(spec->loc, WARN_SEMANTIC, "declaration does not declare anything");
            return NULL;
        }
        t->attrs = attr_concat(t->attrs, attrs);
        return type_stmt(spec->loc, t, !spec->has_body);
    }
    Stmt *list = NULL;
    if (spec->has_body)
        stmt_append(&list, type_stmt(spec->loc, t, false));
    Stmt *s = stmt_new(STMT_DECL, dtors->loc);
    s->decls = make_decls(ps, attrs, spec, dtors);
    stmt_append(&list, s);
    return list;
}

/* member_decls: member_decls attrs_opt decl_specs init_dtors ;   (dispinterface members) */
Decl *ast_member_decls(ParseState *ps, Attr *attrs, DeclSpec *spec, Declarator *dtors)
{
    return make_decls(ps, attrs, spec, dtors);
}

/* typedef_stmt: attrs_opt typedef attrs_opt decl_specs declarators ; */
Stmt *ast_typedef(ParseState *ps, Loc loc, Attr *attrs, DeclSpec *spec, Declarator *dtors)
{
    Stmt *s = stmt_new(STMT_TYPEDEF, loc);
    DeclList decls = { NULL, NULL };
    for (Declarator *dt = dtors; dt; dt = dt->next) {
        Type *alias = type_new(TY_ALIAS, dt->loc);
        alias->name = dt->name;
        alias->ns = ps->ns;
        alias->file = ps->file;
        alias->defined = true;
        alias->attrs = dt == dtors ? attrs : attr_copy(attrs);
        alias->u.alias.target = derive(spec->type, spec->quals, dt, &alias->u.alias.target_quals);
        if (dt->name) {
            /* A file's own typedef shadows a typedef it imported, as in MIDL and widl
             * (msctf.idl retypes wtypes.idl's HKL); within one file the first stays and
             * resolve.c reports the second.  An interface or other definition is never
             * shadowed by a typedef. */
            Type *prev = sym_add_type(alias);
            if (prev && prev->file != ps->file && prev->kind == TY_ALIAS)
                sym_replace_type(alias);
        } else
            diag_error(dt->loc, "typedef declares no name");
        Decl *d = decl_new(DECL_TYPEDEF, dt->loc, dt->name);
        d->type = alias;
        d->attrs = alias->attrs;
        decl_list_add(&decls, d);
    }
    s->decls = decls.head;
    return s;
}

/* ===================================================================== interfaces and friends */

/* iface_head: attrs_opt interface name generic_params_opt   (and the heads of dispinterface,
 * coclass, library, module, runtimeclass, apicontract): finds the forward declaration this
 * completes or registers a new type.  A second definition gets a type of its own, which the
 * symbol table does not hold, for the checker to report. */
Type *ast_interface_head(ParseState *ps, TypeKind kind, Attr *attrs, const char *name, Loc loc,
                         Type *generic_params)
{
    Type *t = sym_type(sym_qualified_name(ps->ns, name));
    if (!t || t->kind != kind || t->defined) {
        Type *prev = t;
        t = type_new(kind, loc);
        t->name = name;
        t->ns = ps->ns;
        t->file = ps->file;
        if (!prev)
            sym_add_type(t);
    }
    t->attrs = attr_concat(t->attrs, attrs);
    if (generic_params) {
        t->u.iface.params = generic_params;
        ps->generic_params = generic_params;
    }
    return t;
}

/* generic_param_names: name | generic_param_names , name */
Type *ast_generic_param(Type *list, const char *name, Loc loc)
{
    Type *p = type_new(TY_PARAM, loc);
    p->name = name;
    p->defined = true;
    Type **tail = &list;
    while (*tail)
        tail = &(*tail)->u.param.next;
    *tail = p;
    return list;
}

/* iface_stmt: iface_head ;   (also dispinterface, coclass, runtimeclass, apicontract X;) */
Stmt *ast_interface_fwd(ParseState *ps, Type *t, Loc loc)
{
    (void)loc;
    ps->generic_params = NULL;
    /* `interface I;` after I's definition declares nothing new. */
    Type *registered = sym_type(sym_qualified_name(t->ns, t->name));
    if (registered && registered != t && registered->kind == t->kind)
        t = registered;
    return type_stmt(t->loc, t, true);
}

static void set_owner(Stmt *body, Type *owner)
{
    for (Stmt *s = body; s; s = s->next) {
        if (s->kind != STMT_DECL)
            continue;
        for (Decl *d = s->decls; d; d = d->next) {
            d->owner = owner;
            if (d->kind == DECL_FUNC && d->type && d->type->kind == TY_FUNCTION)
                for (Decl *p = d->type->u.fn.params; p; p = p->next)
                    p->owner = owner;
        }
    }
}

/* iface_stmt: iface_head inherit_opt requires_opt { stmts } */
Stmt *ast_interface_def(ParseState *ps, Type *t, Type *base, Decl *requires, Stmt *body)
{
    ps->generic_params = NULL;
    t->u.iface.base = base;
    t->u.iface.requires = requires;
    t->u.iface.body = body;
    t->defined = true;
    for (Decl *r = requires; r; r = r->next)
        r->owner = t;
    set_owner(body, t);
    return type_stmt(t->loc, t, false);
}

/* type_ref_list / coclass_item / rc_item: [attrs] interface I ; */
Decl *ast_iface_ref(Decl *list, Attr *attrs, Type *t, Loc loc)
{
    Decl *d = decl_new(DECL_IFACE_REF, loc, t->name);
    d->type = t;
    d->attrs = attrs;
    decl_append(&list, d);
    return list;
}

/* disp_section: properties : member_decls | methods : member_decls */
Decl *ast_disp_section(ParseState *ps, bool methods, Decl *members)
{
    (void)ps;
    for (Decl *d = members; d; d = d->next) {
        if (methods && d->kind != DECL_FUNC)
            diag_error(d->loc, "'%s' in the methods: section of a dispinterface is not a method",
                       d->name ? d->name : "declaration");
        else if (!methods && d->kind == DECL_VAR)
            d->kind = DECL_FIELD;
        else if (!methods)
            diag_error(d->loc, "'%s' in the properties: section of a dispinterface is not a property",
                       d->name ? d->name : "declaration");
    }
    return members;
}

/* disp_stmt: disp_head { disp_sections }  |  disp_head { interface I ; }
 * Properties go to u.iface.props, methods to the body (one STMT_DECL each); the second form
 * names the interface in u.iface.members. */
Stmt *ast_dispinterface(ParseState *ps, Type *t, Decl *members, Type *iface)
{
    (void)ps;
    StmtList methods = { NULL, NULL };
    DeclList props = { NULL, NULL };
    for (Decl *d = members, *next; d; d = next) {
        next = d->next;
        d->next = NULL;
        d->owner = t;
        if (d->kind == DECL_FUNC) {
            Stmt *s = stmt_new(STMT_DECL, d->loc);
            s->decls = d;
            stmt_list_add(&methods, s);
        } else {
            decl_list_add(&props, d);
        }
    }
    t->u.iface.body = methods.head;
    t->u.iface.props = props.head;
    set_owner(t->u.iface.body, t);
    if (iface)
        t->u.iface.members = ast_iface_ref(NULL, NULL, iface, iface->loc);
    t->defined = true;
    return type_stmt(t->loc, t, false);
}

/* coclass_stmt: coclass_head { coclass_items }
 * rc_stmt: rc_head [: base] { rc_items }   (a WinRT runtime class may derive from another) */
Stmt *ast_members_def(ParseState *ps, Type *t, Type *base, Decl *members)
{
    (void)ps;
    t->u.iface.base = base;
    t->u.iface.members = members;
    for (Decl *d = members; d; d = d->next)
        d->owner = t;
    t->defined = true;
    return type_stmt(t->loc, t, false);
}

/* library_stmt, module_stmt: head { stmts }   contract_stmt: contract_head { } */
Stmt *ast_body_def(ParseState *ps, Type *t, Stmt *body)
{
    (void)ps;
    t->u.iface.body = body;
    if (t->kind == TY_MODULE)
        set_owner(body, t);
    t->defined = true;
    return type_stmt(t->loc, t, false);
}

/* delegate_head: attrs_opt delegate decl_specs name generic_params_opt
 * The delegate's body is its one method, Invoke, whose parameters ast_delegate fills in. */
Type *ast_delegate_head(ParseState *ps, Attr *attrs, DeclSpec *ret, const char *name, Loc loc,
                        Type *generic_params)
{
    Type *t = ast_interface_head(ps, TY_DELEGATE, attrs, name, loc, generic_params);
    Type *fn = type_new(TY_FUNCTION, loc);
    fn->defined = true;
    fn->u.fn.ret = ret->type;
    fn->u.fn.ret_quals = ret->quals & (Q_CONST | Q_VOLATILE);
    Decl *invoke = decl_new(DECL_FUNC, loc, intern("Invoke"));
    invoke->type = fn;
    Stmt *s = stmt_new(STMT_DECL, loc);
    s->decls = invoke;
    t->u.iface.body = s;
    return t;
}

/* delegate_stmt: delegate_head ( params ) ; */
Stmt *ast_delegate(ParseState *ps, Type *t, Decl *params)
{
    ps->generic_params = NULL;
    Type *fn = t->u.iface.body->decls->type;
    Declarator tmp = { 0 };
    ast_dtor_function(&tmp, params, fn->loc);
    fn->u.fn.params = tmp.derivs->params;
    fn->u.fn.varargs = tmp.derivs->varargs;
    t->defined = true;
    set_owner(t->u.iface.body, t);
    return type_stmt(t->loc, t, false);
}

/* ns_stmt: namespace qname {   -- entering */
void ast_namespace_enter(ParseState *ps, const char *qname)
{
    if (ps->ns_depth == ps->ns_cap) {
        int cap = ps->ns_cap ? ps->ns_cap * 2 : 8;
        ps->ns_stack = xrealloc_vec(ps->ns_stack, (size_t)ps->ns_cap, (size_t)cap, sizeof *ps->ns_stack);
        ps->ns_cap = cap;
    }
    ps->ns_stack[ps->ns_depth++] = ps->ns;
    const char *p = qname;
    for (;;) {
        const char *dot = strchr(p, '.');
        ps->ns = sym_namespace(ps->ns, dot ? intern_n(p, (size_t)(dot - p)) : p);
        if (!dot)
            break;
        p = dot + 1;
    }
}

/* ns_stmt: namespace qname { stmts } */
Stmt *ast_namespace_leave(ParseState *ps, Loc loc, Stmt *body)
{
    Stmt *s = stmt_new(STMT_NAMESPACE, loc);
    s->ns = ps->ns;
    s->body = body;
    if (ps->ns_depth > 0)
        ps->ns = ps->ns_stack[--ps->ns_depth];
    return s;
}

/* declare_stmt: declare { declare_items } */
Stmt *ast_declare(ParseState *ps, Loc loc, Stmt *items)
{
    (void)ps;
    Stmt *s = stmt_new(STMT_DECLARE, loc);
    s->body = items;
    return s;
}

/* declare_item: interface type_ref ; */
Stmt *ast_type_stmt(Loc loc, Type *t)
{
    return type_stmt(loc, t, false);
}

/* ===================================================================== simple statements */

/* importlib ( "x.tlb" ) ;   midl_pragma warning ( ... ) */
Stmt *ast_simple_stmt(StmtKind kind, Loc loc, const char *str)
{
    Stmt *s = stmt_new(kind, loc);
    s->str = str;
    return s;
}

/* stmt: include "a.h", "b.h" ;   (DCE) */
Stmt *ast_include(ParseState *ps, Loc loc, Expr *names)
{
    (void)ps;
    (void)loc;
    StmtList list = { NULL, NULL };
    for (Expr *e = names; e; e = e->next)
        stmt_list_add(&list, ast_simple_stmt(STMT_INCLUDE, e->loc, intern(unescape_c_string(e->str, strlen(e->str)))));
    return list.head;
}

/* stmt: cpp_quote ( "text" )   and  #pragma midl_echo("text") */
Stmt *ast_cpp_quote(ParseState *ps, Loc loc, const char *raw)
{
    (void)ps;
    return ast_simple_stmt(STMT_CPP_QUOTE, loc, unescape_c_string(raw, strlen(raw)));
}

/* stmt: PRAGMA  (a #pragma line cpp kept) */
Stmt *ast_pragma(ParseState *ps, Loc loc, const char *text)
{
    (void)ps;
    return ast_simple_stmt(STMT_PRAGMA, loc, text);
}

/* import_names: STRING | import_names , STRING  -- parsed right away (parse.c) */
Stmt *ast_import(ParseState *ps, Loc loc, const char *raw)
{
    Stmt *s = ast_simple_stmt(STMT_IMPORT, loc, intern(unescape_c_string(raw, strlen(raw))));
    s->import = parse_import(ps, s->str, loc);
    return s;
}

/* ===================================================================== ACF */

/* acf_stmt: attrs_opt interface name { acf_items }   -- not registered: acf.c matches by name */
Stmt *ast_acf_interface(ParseState *ps, Attr *attrs, const char *name, Loc loc, Stmt *body)
{
    Type *t = type_new(TY_INTERFACE, loc);
    t->name = name;
    t->attrs = attrs;
    t->file = ps->file;
    t->u.iface.body = body;
    t->defined = true;
    return type_stmt(loc, t, false);
}

/* acf_names: name | acf_names , name   acf_param: attrs_opt name */
Decl *ast_acf_name(DeclKind kind, Attr *attrs, const char *name, Loc loc)
{
    Decl *d = decl_new(kind, loc, name);
    d->attrs = attrs;
    return d;
}

/* acf_typedef: typedef attrs_opt acf_names ; */
Stmt *ast_acf_typedef(ParseState *ps, Loc loc, Attr *attrs, Decl *names)
{
    (void)ps;
    Stmt *s = stmt_new(STMT_TYPEDEF, loc);
    for (Decl *d = names; d; d = d->next)
        d->attrs = d == names ? attrs : attr_copy(attrs);
    s->decls = names;
    return s;
}

/* acf_item: attrs_opt name ( acf_params ) ; */
Stmt *ast_acf_operation(ParseState *ps, Attr *attrs, const char *name, Loc loc, Decl *params)
{
    (void)ps;
    Type *fn = type_new(TY_FUNCTION, loc);
    fn->defined = true;
    fn->u.fn.params = params;
    Decl *d = decl_new(DECL_FUNC, loc, name);
    d->attrs = attrs;
    d->type = fn;
    for (Decl *p = params; p; p = p->next)
        p->owner = NULL;
    Stmt *s = stmt_new(STMT_DECL, loc);
    s->decls = d;
    return s;
}

/* ===================================================================== C escapes */

char *unescape_c_string(const char *raw, size_t len)
{
    char *out = xmalloc(len + 1), *o = out;
    const char *p = raw, *end = raw + len;
    while (p < end) {
        if (*p != '\\' || p + 1 >= end) {
            *o++ = *p++;
            continue;
        }
        p++;
        char c = *p++;
        switch (c) {
        case 'n': *o++ = '\n'; break;
        case 't': *o++ = '\t'; break;
        case 'r': *o++ = '\r'; break;
        case 'a': *o++ = '\a'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'v': *o++ = '\v'; break;
        case '\n': break;                      /* line continuation */
        case 'x': {
            unsigned v = 0;
            int digits = 0;
            while (p < end && hex_value(*p) >= 0 && digits < 2) {
                v = v * 16 + (unsigned)hex_value(*p++);
                digits++;
            }
            *o++ = digits ? (char)v : 'x';
            break;
        }
        case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
            unsigned v = (unsigned)(c - '0');
            for (int i = 0; i < 2 && p < end && *p >= '0' && *p <= '7'; i++)
                v = v * 8 + (unsigned)(*p++ - '0');
            *o++ = (char)v;
            break;
        }
        default:                               /* \\ \" \' \? and unknown escapes */
            *o++ = c;
            break;
        }
    }
    *o = '\0';
    return out;
}
