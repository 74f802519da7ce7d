/*
 * gen_header.c: foo.h, the C declarations of the main IDL file.
 *
 * Layout of the generated header (MIDL's order):
 *   banner, rpc.h/rpcndr.h, the ABI check, windows.h/ole2.h for COM files, the include guard,
 *   the headers of imported files, forward declarations of every COM interface and coclass,
 *   extern "C" { the main file's declarations in source order; the helper routines the user
 *   implements (rundown, bind/unbind, transmit_as, represent_as, user_marshal, call_as) }.
 * AsyncIFoo twins of [async_uuid] interfaces are resolve.c's (u.iface.async_iface); they are
 * written right after the interface they come from.
 * Only the main file is written: imported files have their own headers, included by name.
 */
#include "asidl.h"

#include <string.h>

/* ===================================================================== small helpers */

typedef struct TypeSet {
    Type **v;
    int n, cap;
} TypeSet;

static bool typeset_has(const TypeSet *s, const Type *t)
{
    for (int i = 0; i < s->n; i++)
        if (s->v[i] == t)
            return true;
    return false;
}

/* Adds t unless present; false if it was already there. */
static bool typeset_add(TypeSet *s, Type *t)
{
    if (typeset_has(s, t))
        return false;
    if (s->n == s->cap) {
        int cap = s->cap ? s->cap * 2 : 16;
        s->v = xrealloc_vec(s->v, (size_t)s->cap, (size_t)cap, sizeof *s->v);
        s->cap = cap;
    }
    s->v[s->n++] = t;
    return true;
}

static Type *strip_alias(Type *t)
{
    for (int depth = 0; t && t->kind == TY_ALIAS && depth < 100; depth++)
        t = t->u.alias.target;
    return t;
}

static const char *base_file_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* "sub/foo.idl" -> "foo.h"; names without an extension get ".h" appended. */
static char *header_for(const char *name)
{
    const char *base = base_file_name(name);
    const char *dot = strrchr(base, '.');
    if (dot && !strcmp(dot, ".h"))
        return xstrdup(base);
    size_t stem = dot ? (size_t)(dot - base) : strlen(base);
    return xasprintf("%.*s.h", (int)stem, base);
}

static char *uuid_text(const Uuid *u)
{
    return xasprintf("%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                     (unsigned)u->d1, u->d2, u->d3, u->d4[0], u->d4[1], u->d4[2], u->d4[3],
                     u->d4[4], u->d4[5], u->d4[6], u->d4[7]);
}

static const Uuid *type_uuid(Type *t)
{
    Expr *e = attr_arg(attr_find(t->attrs, ATTR_UUID), 0);
    return e && e->kind == EXPR_UUID ? &e->uuid : NULL;
}

static void version_of(Type *iface, int *major, int *minor)
{
    Expr *v = attr_arg(attr_find(iface->attrs, ATTR_VERSION), 0);
    *major = *minor = 0;
    if (!v)
        return;
    if (v->kind == EXPR_VERSION) {
        *major = (int)(v->ival & 0xffff);
        *minor = (int)((v->ival >> 16) & 0xffff);
    } else if (v->kind == EXPR_INT) {
        *major = (int)v->ival;
    }
}

static Type *named_type(const char *name)
{
    Type *t = sym_type(name);
    if (t)
        return t;
    t = type_new(TY_NAMED, (Loc){0});
    t->name = intern(name);
    return t;
}

static Decl *param_new(Type *type, const char *name)
{
    Decl *p = decl_new(DECL_PARAM, (Loc){0}, name ? intern(name) : NULL);
    p->type = type;
    return p;
}

/* A copy of a parameter list, so synthesized prototypes can put parameters in front. */
static Decl *copy_params(Decl *params)
{
    Decl *list = NULL;
    for (Decl *p = params; p; p = p->next) {
        Decl *c = decl_new(p->kind, p->loc, p->name);
        *c = *p;
        c->next = NULL;
        decl_append(&list, c);
    }
    return list;
}

static Type *function_like(Type *fn, Type *ret, Decl *params, const char *callconv)
{
    Type *f = type_new(TY_FUNCTION, fn ? fn->loc : (Loc){0});
    f->u.fn.ret = ret;
    f->u.fn.ret_quals = fn && ret == fn->u.fn.ret ? fn->u.fn.ret_quals : 0;
    f->u.fn.params = params;
    f->u.fn.varargs = fn && fn->u.fn.varargs;
    f->u.fn.callconv = callconv;
    return f;
}

static Type *func_type(Decl *d)
{
    return d->type && d->type->kind == TY_FUNCTION ? d->type : NULL;
}

static bool param_is_in(Decl *p)
{
    return attr_has(p->attrs, ATTR_IN) || !attr_has(p->attrs, ATTR_OUT);
}

/* ===================================================================== shared naming rules */

bool iface_is_object(Type *t)
{
    switch (t->kind) {
    case TY_DISPINTERFACE: case TY_DELEGATE:
        return true;
    case TY_INTERFACE:
        return attr_has(t->attrs, ATTR_OBJECT) || attr_has(t->attrs, ATTR_ODL) ||
               t->u.iface.base != NULL || t->u.iface.sync_iface != NULL ||
               t->ns != NULL || t->u.iface.params != NULL;
    default:
        return false;
    }
}

/* The base interface (bound by resolve.c); NULL for a root.  A dispinterface's vtable is
 * IDispatch's, a delegate's IUnknown's. */
static Type *base_iface(Type *t)
{
    Type *b = NULL;
    if (t->kind == TY_INTERFACE || t->kind == TY_DISPINTERFACE || t->kind == TY_DELEGATE)
        b = strip_alias(t->u.iface.base);
    if (!b && t->kind == TY_DISPINTERFACE)
        return sym_type("IDispatch");
    if (!b && t->kind == TY_DELEGATE)
        return sym_type("IUnknown");
    return b && (b->kind == TY_INTERFACE || b->kind == TY_DISPINTERFACE) ? b : NULL;
}

const char *method_c_name(Decl *m)
{
    static const struct { AttrKind kind; const char *prefix; } prefixes[] = {
        { ATTR_PROPGET, "get_" }, { ATTR_PROPPUT, "put_" }, { ATTR_PROPPUTREF, "putref_" },
        { ATTR_EVENT_ADD, "add_" }, { ATTR_EVENT_REMOVE, "remove_" },
    };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        if (!attr_has(m->attrs, prefixes[i].kind))
            continue;
        /* Begin_X / Finish_X made from a [propget] X by resolve.c keep X's attributes:
         * the accessor prefix goes after theirs (Begin_get_X), as MIDL names them */
        Type *owner = m->owner;
        if (owner && owner->kind == TY_INTERFACE && owner->u.iface.sync_iface) {
            const char *rest = !strncmp(m->name, "Begin_", 6) ? m->name + 6 :
                               !strncmp(m->name, "Finish_", 7) ? m->name + 7 : NULL;
            if (rest)
                return xasprintf("%.*s%s%s", (int)(rest - m->name), m->name, prefixes[i].prefix, rest);
        }
        return xasprintf("%s%s", prefixes[i].prefix, m->name);
    }
    return m->name;
}

bool op_is_async(Type *iface, Decl *op)
{
    return attr_has(op->attrs, ATTR_ASYNC) && !iface_is_object(iface);
}

/* A binding handle parameter: handle_t, a [handle] (generic) type, or an [in] context handle. */
static bool is_binding_handle(Decl *p)
{
    bool in = param_is_in(p);
    if (attr_has(p->attrs, ATTR_CONTEXT_HANDLE))
        return in;
    for (Type *t = p->type; t; t = t->u.alias.target) {
        if (t->kind == TY_BASE)
            return t->u.base.kind == B_HANDLE;
        if (t->kind != TY_ALIAS)
            return false;
        if (attr_has(t->attrs, ATTR_HANDLE))
            return true;
        if (attr_has(t->attrs, ATTR_CONTEXT_HANDLE))
            return in;
    }
    return false;
}

bool op_needs_idl_handle(Type *iface, Decl *op)
{
    Type *fn = func_type(op);
    if (!fn || iface_is_object(iface) || attr_has(op->attrs, ATTR_CALLBACK))
        return false;
    if (!attr_has(iface->attrs, ATTR_EXPLICIT_HANDLE) && !attr_has(op->attrs, ATTR_EXPLICIT_HANDLE))
        return false;
    return !fn->u.fn.params || !is_binding_handle(fn->u.fn.params);
}

Type *op_c_function(Type *iface, Decl *op)
{
    Type *fn = func_type(op);
    if (!fn)
        diag_internal("gen_header: operation %s has no function type", op->name ? op->name : "?");
    bool async = op_is_async(iface, op), idl_handle = op_needs_idl_handle(iface, op);
    if (!async && !idl_handle)
        return fn;
    Decl *params = copy_params(fn->u.fn.params);
    if (idl_handle) {
        Decl *h = param_new(type_base(B_HANDLE, SIGN_DEFAULT), "IDL_handle");
        h->next = params;
        params = h;
    }
    Type *ret = fn->u.fn.ret;
    if (async) {
        Decl *h = param_new(named_type("PRPC_ASYNC_STATE"), xasprintf("%s_AsyncHandle", op->name));
        h->next = params;
        params = h;
        ret = type_void();
    }
    return function_like(fn, ret, params, fn->u.fn.callconv);
}

char *ifspec_name(Type *iface, bool server)
{
    const char *name = c_plain_name(iface);
    if (opts.oldnames)
        return xasprintf("%s_%sIfHandle", name, server ? "Server" : "Client");
    int major, minor;
    version_of(iface, &major, &minor);
    return xasprintf("%s_v%d_%d_%c_ifspec", name, major, minor, server ? 's' : 'c');
}

char *epv_type_name(Type *iface)
{
    int major, minor;
    version_of(iface, &major, &minor);
    return xasprintf("%s_v%d_%d_epv_t", c_plain_name(iface), major, minor);
}

/* ===================================================================== generator state */

typedef struct Gen {
    Emitter e;
    Program *prog;
    File *main;
    /* the top-level statement being written: aggregates whose definition lies inside it are
     * written inline, the others are referred to by name */
    Loc span_begin;
    const Loc *span_end;
    TypeSet forwarded;        /* forward declarations already written */
    TypeSet helper_seen;      /* types already searched for helper routines */
    TypeSet helper_types;     /* typedefs needing user routines, in first-use order */
    TypeSet call_as_ifaces;   /* object interfaces with [call_as] methods */
    TypeSet included;         /* header names already #included (interned, kept as pointers) */
} Gen;

static bool same_file(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static bool loc_before(Loc a, Loc b)
{
    return a.line < b.line || (a.line == b.line && a.col < b.col);
}

/* Whether an aggregate type is defined by the statement being written. */
static bool defined_here(Gen *g, Type *t)
{
    if (!t->loc.file || !g->span_begin.file)
        return true;
    if (!same_file(t->loc.file, g->span_begin.file) || loc_before(t->loc, g->span_begin))
        return false;
    if (g->span_end && same_file(g->span_end->file, g->span_begin.file) &&
        !loc_before(t->loc, *g->span_end))
        return false;
    return true;
}

static bool in_main_file(Gen *g, Type *t)
{
    return !t->file || t->file == g->main;
}

static bool is_aggregate(Type *t)
{
    return t->kind == TY_STRUCT || t->kind == TY_UNION || t->kind == TY_ENCUNION ||
           t->kind == TY_ENUM;
}

static bool runtime_defines(Type *t)
{
    return t->name && runtime_type_lookup(t->name);
}

/* Whether a specifier must be written as a body ("struct _S { ... }") rather than by name. */
static bool needs_body(Gen *g, Type *t)
{
    if (t->kind == TY_PIPE)
        return !t->written;
    return is_aggregate(t) && t->defined && !t->written && in_main_file(g, t) &&
           defined_here(g, t) && !runtime_defines(t);
}

static void emit_aggregate(Gen *g, Type *t, unsigned quals, const char *pipe_name);

static void emit_specifier(Gen *g, Type *spec, unsigned quals, const char *pipe_name)
{
    if (needs_body(g, spec))
        emit_aggregate(g, spec, quals, pipe_name);
    else
        emit(&g->e, "%s", c_specifier(spec, quals));
}

/* One member of a struct or union: "long a;", "struct { ... } inner;", "long bits : 3;". */
static void emit_member(Gen *g, Decl *f)
{
    Type *spec;
    unsigned sq;
    char *d = c_declarator(f->type, f->quals, f->name, C_DECL_FIELD, &spec, &sq);
    if (!f->name && !needs_body(g, spec))
        return;   /* an empty union arm */
    emit_specifier(g, spec, sq, NULL);
    if (*d)
        emit(&g->e, " %s", d);
    if (f->bits)
        emit(&g->e, " : %s", c_expr(f->bits));
    emit(&g->e, ";\n");
}

static const char *enumerator_name(Type *en, Decl *d)
{
    /* WinRT enumerators are scoped by their enum; C needs them prefixed */
    return en->ns && en->name ? xasprintf("%s_%s", en->name, d->name) : d->name;
}

static void emit_pipe_body(Gen *g, Type *pipe)
{
    Type *elem = pipe->u.ptr.ref;
    Type *elem_ptr = type_pointer(elem, 0);
    emit(&g->e, "void (__RPC_USER *pull)(char *state, %s, unsigned long esize, unsigned long *ecount);\n",
         c_decl(elem_ptr, 0, "buf"));
    emit(&g->e, "void (__RPC_USER *push)(char *state, %s, unsigned long ecount);\n",
         c_decl(elem_ptr, 0, "buf"));
    emit(&g->e, "void (__RPC_USER *alloc)(char *state, unsigned long bsize, %s, unsigned long *bcount);\n",
         c_decl(type_pointer(elem_ptr, 0), 0, "buf"));
    emit(&g->e, "char *state;\n");
}

/* Writes "struct tag {\n ... }" without the declarators that follow. */
static void emit_aggregate(Gen *g, Type *t, unsigned quals, const char *pipe_name)
{
    t->written = true;
    if (t->kind == TY_PIPE) {
        /* MIDL's pipe structure: the stub calls pull/push/alloc with the user's state */
        emit(&g->e, "struct pipe_%s {\n", pipe_name ? pipe_name : "anonymous");
        emit_indent(&g->e, 1);
        emit_pipe_body(g, t);
        emit_indent(&g->e, -1);
        emit(&g->e, "}");
        return;
    }
    emit(&g->e, "%s {\n", c_specifier(t, quals));
    emit_indent(&g->e, 1);
    switch (t->kind) {
    case TY_ENUM:
        for (Decl *d = t->u.rec.fields; d; d = d->next) {
            emit(&g->e, "%s", enumerator_name(t, d));
            if (d->value)
                emit(&g->e, " = %s", c_expr(d->value));
            emit(&g->e, "%s\n", d->next ? "," : "");
        }
        break;
    case TY_ENCUNION:
        /* union U switch (long d) u { ... }  ->  struct U { long d; union { ... } u; } */
        if (t->u.rec.discrim)
            emit_member(g, t->u.rec.discrim);
        emit(&g->e, "union {\n");
        emit_indent(&g->e, 1);
        for (Decl *f = t->u.rec.fields; f; f = f->next)
            emit_member(g, f);
        emit_indent(&g->e, -1);
        emit(&g->e, "} %s;\n", t->u.rec.arm_name ? t->u.rec.arm_name : "tagged_union");
        break;
    default:
        for (Decl *f = t->u.rec.fields; f; f = f->next)
            emit_member(g, f);
        break;
    }
    emit_indent(&g->e, -1);
    emit(&g->e, "}");
}

/* ===================================================================== helper routines */

static Expr *attr_type_arg(Type *alias, AttrKind kind)
{
    Expr *e = attr_arg(attr_find(alias->attrs, kind), 0);
    return e && e->kind == EXPR_TYPE && e->type ? e : NULL;
}

static bool has_helper_routines(Type *alias)
{
    static const AttrKind kinds[] = {
        ATTR_CONTEXT_HANDLE, ATTR_HANDLE, ATTR_TRANSMIT_AS, ATTR_REPRESENT_AS,
        ATTR_WIRE_MARSHAL, ATTR_USER_MARSHAL,
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (attr_has(alias->attrs, kinds[i]))
            return true;
    return false;
}

/* Records every typedef reachable from t that needs routines the user writes. */
static void collect_helpers(Gen *g, Type *t)
{
    for (int depth = 0; t && depth < 100; depth++) {
        if (!typeset_add(&g->helper_seen, t))
            return;
        switch (t->kind) {
        case TY_ALIAS:
            if (has_helper_routines(t))
                typeset_add(&g->helper_types, t);
            t = t->u.alias.target;
            continue;
        case TY_POINTER: case TY_PIPE: case TY_SAFEARRAY:
            t = t->u.ptr.ref;
            continue;
        case TY_ARRAY:
            t = t->u.arr.elem;
            continue;
        case TY_STRUCT: case TY_UNION: case TY_ENCUNION:
            if (t->u.rec.discrim)
                collect_helpers(g, t->u.rec.discrim->type);
            for (Decl *f = t->u.rec.fields; f; f = f->next)
                collect_helpers(g, f->type);
            return;
        case TY_FUNCTION:
            for (Decl *p = t->u.fn.params; p; p = p->next)
                collect_helpers(g, p->type);
            t = t->u.fn.ret;
            continue;
        default:
            return;
        }
    }
}

static void emit_helper_prototypes(Gen *g, Type *t)
{
    Emitter *e = &g->e;
    const char *name = c_plain_name(t);
    if (attr_has(t->attrs, ATTR_CONTEXT_HANDLE))
        emit(e, "void __RPC_USER %s_rundown(%s);\n", name, name);
    if (attr_has(t->attrs, ATTR_HANDLE)) {
        emit(e, "handle_t __RPC_USER %s_bind(%s);\n", name, name);
        emit(e, "void __RPC_USER %s_unbind(%s, handle_t);\n", name, name);
    }
    Expr *x = attr_type_arg(t, ATTR_TRANSMIT_AS);
    if (x) {
        const char *xmit = c_type(x->type, 0);
        emit(e, "void __RPC_USER %s_to_xmit(%s *, %s **);\n", name, name, xmit);
        emit(e, "void __RPC_USER %s_from_xmit(%s *, %s *);\n", name, xmit, name);
        emit(e, "void __RPC_USER %s_free_inst(%s *);\n", name, name);
        emit(e, "void __RPC_USER %s_free_xmit(%s *);\n", name, xmit);
    }
    Expr *l = attr_type_arg(t, ATTR_REPRESENT_AS);
    if (l) {
        const char *local = c_type(l->type, 0);
        emit(e, "void __RPC_USER %s_from_local(%s *, %s **);\n", name, local, name);
        emit(e, "void __RPC_USER %s_to_local(%s *, %s *);\n", name, name, local);
        emit(e, "void __RPC_USER %s_free_inst(%s *);\n", name, name);
        emit(e, "void __RPC_USER %s_free_local(%s *);\n", name, local);
    }
    /* wire_marshal(W) on T: routines for T.  user_marshal(U) (ACF) on the transmitted type:
     * routines for the user's type U. */
    const char *user = NULL;
    if (attr_has(t->attrs, ATTR_WIRE_MARSHAL))
        user = name;
    Expr *u = attr_type_arg(t, ATTR_USER_MARSHAL);
    if (u)
        user = c_type(u->type, 0);
    if (user) {
        const char *stem = u ? c_plain_name(u->type) : name;
        emit(e, "unsigned long __RPC_USER %s_UserSize(unsigned long *, unsigned long, %s *);\n", stem, user);
        emit(e, "unsigned char * __RPC_USER %s_UserMarshal(unsigned long *, unsigned char *, %s *);\n", stem, user);
        emit(e, "unsigned char * __RPC_USER %s_UserUnmarshal(unsigned long *, unsigned char *, %s *);\n", stem, user);
        emit(e, "void __RPC_USER %s_UserFree(unsigned long *, %s *);\n", stem, user);
    }
}

/* ===================================================================== object interfaces */

static bool is_vtable_method(Decl *d)
{
    return d->kind == DECL_FUNC && func_type(d) && !attr_has(d->attrs, ATTR_CALL_AS);
}

/* The C vtable entry's function type: This first, STDMETHODCALLTYPE. */
static Type *method_function(Type *this_iface, Decl *m, bool with_this)
{
    Type *fn = func_type(m);
    Decl *params = copy_params(fn->u.fn.params);
    if (with_this) {
        Decl *self = param_new(type_pointer(this_iface, 0), "This");
        self->next = params;
        params = self;
    }
    return function_like(fn, fn->u.fn.ret, params, "STDMETHODCALLTYPE");
}

/* Base interfaces first, so a derived vtable starts with its base's layout. */
static int iface_chain(Type *iface, Type **chain, int max)
{
    int n = 0;
    for (Type *t = iface; t && n < max; t = base_iface(t)) {
        for (int i = 0; i < n; i++)
            if (chain[i] == t)
                return n;   /* a cycle: check.c reports it, the header stops here */
        chain[n++] = t;
    }
    for (int i = 0; i < n / 2; i++) {
        Type *tmp = chain[i];
        chain[i] = chain[n - 1 - i];
        chain[n - 1 - i] = tmp;
    }
    return n;
}

enum { MAX_INHERITANCE = 64 };

static void emit_cxx_class(Gen *g, Type *iface, Type *base, bool dispinterface)
{
    Emitter *e = &g->e;
    const Uuid *u = type_uuid(iface);
    const char *name = c_plain_name(iface);
    if (u)
        emit(e, "MIDL_INTERFACE(\"%s\")\n%s", uuid_text(u), name);
    else
        emit(e, "interface %s", name);
    if (base)
        emit(e, " : public %s", c_plain_name(base));
    emit(e, "\n{\npublic:\n");
    emit_indent(e, 1);
    if (!dispinterface) {
        for (Stmt *s = iface->u.iface.body; s; s = s->next) {
            if (s->kind != STMT_DECL)
                continue;
            for (Decl *m = s->decls; m; m = m->next)
                if (is_vtable_method(m))
                    emit(e, "virtual %s = 0;\n",
                         c_decl(method_function(iface, m, false), 0, method_c_name(m)));
        }
    }
    emit_indent(e, -1);
    emit(e, "};\n");
}

/* "This,a,b": a COBJMACROS macro's parameters, which are also its call's arguments. */
static char *macro_params(Decl *params)
{
    char *s = xstrdup("This");
    int i = 0;
    for (Decl *p = params; p; p = p->next, i++)
        s = xasprintf("%s,%s", s, p->name ? p->name : xasprintf("arg%d", i));
    return s;
}

/* The methods of a vtable in slot order: each interface of the chain, root first. */
typedef struct VtblSlot {
    Decl *method;
    Type *declared_in;
} VtblSlot;

static int vtable_slots(Type *vtable_of, VtblSlot **out)
{
    Type *chain[MAX_INHERITANCE];
    int n = iface_chain(vtable_of, chain, MAX_INHERITANCE), count = 0, cap = 0;
    VtblSlot *slots = NULL;
    for (int i = 0; i < n; i++) {
        if (chain[i]->kind == TY_DISPINTERFACE)
            continue;   /* its methods are dispatched through IDispatch::Invoke */
        for (Stmt *s = chain[i]->u.iface.body; s; s = s->next) {
            if (s->kind != STMT_DECL)
                continue;
            for (Decl *m = s->decls; m; m = m->next) {
                if (!is_vtable_method(m))
                    continue;
                if (count == cap) {
                    int bigger = cap ? cap * 2 : 16;
                    slots = xrealloc_vec(slots, (size_t)cap, (size_t)bigger, sizeof *slots);
                    cap = bigger;
                }
                slots[count++] = (VtblSlot){ m, chain[i] };
            }
        }
    }
    *out = slots;
    return count;
}

static void emit_c_vtable(Gen *g, Type *iface, Type *vtable_of)
{
    Emitter *e = &g->e;
    const char *name = c_plain_name(iface);
    VtblSlot *slots;
    int n = vtable_slots(vtable_of, &slots);

    emit(e, "typedef struct %sVtbl {\n", name);
    emit_indent(e, 1);
    emit(e, "BEGIN_INTERFACE\n");
    for (int i = 0; i < n; i++) {
        if (i == 0 || slots[i].declared_in != slots[i - 1].declared_in)
            emit(e, "\n/* %s methods */\n", c_plain_name(slots[i].declared_in));
        emit(e, "%s;\n", c_decl(type_pointer(method_function(iface, slots[i].method, true), 0), 0,
                                method_c_name(slots[i].method)));
    }
    emit(e, "\nEND_INTERFACE\n");
    emit_indent(e, -1);
    emit(e, "} %sVtbl;\n\n", name);
    emit(e, "interface %s {\n    CONST_VTBL struct %sVtbl *lpVtbl;\n};\n\n", name, name);

    emit(e, "#ifdef COBJMACROS\n");
    for (int i = 0; i < n; i++) {
        const char *mn = method_c_name(slots[i].method);
        char *params = macro_params(func_type(slots[i].method)->u.fn.params);
        emit(e, "#define %s_%s(%s) ((This)->lpVtbl->%s(%s))\n", name, mn, params, mn, params);
    }
    emit(e, "#endif /* COBJMACROS */\n");
}

static Decl *find_method(Type *iface, const char *name)
{
    for (Stmt *s = iface->u.iface.body; s; s = s->next)
        if (s->kind == STMT_DECL)
            for (Decl *m = s->decls; m; m = m->next)
                if (m->kind == DECL_FUNC && m->name && name && !strcmp(m->name, name))
                    return m;
    return NULL;
}

/* [call_as(Local)] Remote: the user writes IFoo_Local_Proxy (the local signature, calling the
 * remote proxy) and IFoo_Local_Stub (the remote signature, calling the object's Local). */
static void emit_call_as_prototypes(Gen *g, Type *iface)
{
    Emitter *e = &g->e;
    const char *name = c_plain_name(iface);
    for (Stmt *s = iface->u.iface.body; s; s = s->next) {
        if (s->kind != STMT_DECL)
            continue;
        for (Decl *remote = s->decls; remote; remote = remote->next) {
            Expr *target = attr_arg(attr_find(remote->attrs, ATTR_CALL_AS), 0);
            if (remote->kind != DECL_FUNC || !func_type(remote) || !target || target->kind != EXPR_NAME)
                continue;
            Decl *local = find_method(iface, target->str);
            if (local && func_type(local))
                emit(e, "%s;\n", c_decl(method_function(iface, local, true), 0,
                                        xasprintf("%s_%s_Proxy", name, method_c_name(local))));
            emit(e, "%s;\n", c_decl(method_function(iface, remote, true), 0,
                                    xasprintf("%s_%s_Stub", name, target->str)));
        }
    }
}

static void emit_body(Gen *g, Stmt *list, Type *scope, bool declarations_only);

static void emit_object_interface(Gen *g, Type *iface)
{
    Emitter *e = &g->e;
    const char *name = c_plain_name(iface);
    bool disp = iface->kind == TY_DISPINTERFACE;
    const char *what = disp ? "DISPINTERFACE" : "INTERFACE";
    iface->written = true;

    emit(e, "#ifndef __%s_%s_DEFINED__\n#define __%s_%s_DEFINED__\n\n", name, what, name, what);
    emit(e, "/* %s %s */\n\n", disp ? "dispinterface" : iface->kind == TY_DELEGATE ? "delegate" : "interface",
         iface->name);
    emit_body(g, iface->u.iface.body, iface, true);
    emit_blank_line(e);

    if (type_uuid(iface))
        emit(e, "EXTERN_C const IID %s_%s;\n\n", disp ? "DIID" : "IID", name);
    Type *base = base_iface(iface);
    emit(e, "#if defined(__cplusplus) && !defined(CINTERFACE)\n\n");
    emit_cxx_class(g, iface, base, disp);
    emit(e, "\n#else /* C style interface */\n\n");
    /* a dispinterface's vtable is IDispatch's */
    emit_c_vtable(g, iface, disp ? (base ? base : iface) : iface);
    emit(e, "\n#endif /* C style interface */\n\n");
    emit(e, "#endif /* __%s_%s_DEFINED__ */\n", name, what);

    for (Stmt *s = iface->u.iface.body; s; s = s->next)
        if (s->kind == STMT_DECL)
            for (Decl *m = s->decls; m; m = m->next)
                if (attr_has(m->attrs, ATTR_CALL_AS))
                    typeset_add(&g->call_as_ifaces, iface);

    Type *async = iface->kind == TY_INTERFACE ? iface->u.iface.async_iface : NULL;
    if (async && !async->written) {
        emit_blank_line(e);
        emit_object_interface(g, async);
    }
}

/* ===================================================================== RPC interfaces */

static void emit_implicit_handle(Gen *g, Type *iface)
{
    Attr *a = attr_find(iface->attrs, ATTR_IMPLICIT_HANDLE);
    if (!a || !a->args)
        return;
    /* implicit_handle(handle_t h): one EXPR_TYPE carrying the variable's name in str */
    const char *type = "handle_t", *name = NULL;
    for (Expr *x = a->args; x; x = x->next) {
        if (x->kind == EXPR_TYPE && x->type) {
            type = c_type(x->type, x->type_quals);
            if (x->str)
                name = x->str;
        } else if (x->kind == EXPR_NAME) {
            name = x->str;
        }
    }
    if (name)
        emit(&g->e, "extern %s %s;\n", type, name);
}

static bool op_in_epv(Decl *op)
{
    return op->kind == DECL_FUNC && func_type(op) && !attr_has(op->attrs, ATTR_CALLBACK) &&
           !attr_has(op->attrs, ATTR_LOCAL);
}

static void emit_epv(Gen *g, Type *iface)
{
    Emitter *e = &g->e;
    bool any = false;
    for (Stmt *s = iface->u.iface.body; s && !any; s = s->next)
        if (s->kind == STMT_DECL)
            for (Decl *op = s->decls; op; op = op->next)
                any |= op_in_epv(op);
    if (!any)
        return;   /* an empty struct is not portable C */
    const char *epv = epv_type_name(iface);
    emit(e, "typedef struct %s {\n", epv);
    emit_indent(e, 1);
    for (Stmt *s = iface->u.iface.body; s; s = s->next)
        if (s->kind == STMT_DECL)
            for (Decl *op = s->decls; op; op = op->next)
                if (op_in_epv(op))
                    emit(e, "%s;\n", c_decl(type_pointer(op_c_function(iface, op), 0), 0, op->name));
    emit_indent(e, -1);
    emit(e, "} %s;\n", epv);
    if (opts.oldnames)
        emit(e, "typedef %s %s_SERVER_EPV;\n", epv, c_plain_name(iface));
}

static void emit_rpc_interface(Gen *g, Type *iface)
{
    Emitter *e = &g->e;
    const char *name = c_plain_name(iface);
    iface->written = true;
    emit(e, "#ifndef __%s_INTERFACE_DEFINED__\n#define __%s_INTERFACE_DEFINED__\n\n", name, name);
    int major, minor;
    version_of(iface, &major, &minor);
    emit(e, "/* interface %s, version %d.%d */\n\n", iface->name, major, minor);
    emit_body(g, iface->u.iface.body, iface, false);
    emit_blank_line(e);
    emit_implicit_handle(g, iface);
    if (!attr_has(iface->attrs, ATTR_LOCAL)) {
        emit_blank_line(e);
        emit_epv(g, iface);
        emit_blank_line(e);
        emit(e, "extern RPC_IF_HANDLE %s;\n", ifspec_name(iface, false));
        emit(e, "extern RPC_IF_HANDLE %s;\n", ifspec_name(iface, true));
    }
    emit_blank_line(e);
    emit(e, "#endif /* __%s_INTERFACE_DEFINED__ */\n", name);
}

/* ===================================================================== other COM and WinRT */

static void emit_coclass(Gen *g, Type *t)
{
    Emitter *e = &g->e;
    const Uuid *u = type_uuid(t);
    t->written = true;
    if (!u)
        return;
    const char *name = c_plain_name(t);
    emit(e, "EXTERN_C const CLSID CLSID_%s;\n\n", name);
    emit(e, "#ifdef __cplusplus\nclass DECLSPEC_UUID(\"%s\") %s;\n#endif\n", uuid_text(u), name);
}

static void emit_library(Gen *g, Type *t)
{
    Emitter *e = &g->e;
    const char *name = c_plain_name(t);
    t->written = true;
    emit(e, "#ifndef __%s_LIBRARY_DEFINED__\n#define __%s_LIBRARY_DEFINED__\n\n", name, name);
    emit(e, "/* library %s */\n\n", t->name);
    if (type_uuid(t))
        emit(e, "EXTERN_C const IID LIBID_%s;\n\n", name);
    emit_body(g, t->u.iface.body, t, false);
    emit_blank_line(e);
    emit(e, "#endif /* __%s_LIBRARY_DEFINED__ */\n", name);
}

static void emit_module(Gen *g, Type *t)
{
    Emitter *e = &g->e;
    const char *name = c_plain_name(t);
    t->written = true;
    emit(e, "#ifndef __%s_MODULE_DEFINED__\n#define __%s_MODULE_DEFINED__\n\n", name, name);
    emit(e, "/* module %s */\n\n", t->name);
    emit_body(g, t->u.iface.body, t, false);
    emit_blank_line(e);
    emit(e, "#endif /* __%s_MODULE_DEFINED__ */\n", name);
}

static char *upper_ident(const char *s)
{
    char *out = xstrdup(s);
    for (char *p = out; *p; p++)
        *p = *p == '.' ? '_' : (char)((*p >= 'a' && *p <= 'z') ? *p - 'a' + 'A' : *p);
    return out;
}

static void emit_apicontract(Gen *g, Type *t)
{
    Expr *v = attr_arg(attr_find(t->attrs, ATTR_CONTRACTVERSION), 0);
    t->written = true;
    if (!v)
        return;
    long value = v->kind == EXPR_VERSION ? ((v->ival & 0xffff) << 16) | ((v->ival >> 16) & 0xffff)
                                         : (long)v->ival << 16;
    const char *full = t->ns ? xasprintf("%s.%s", t->ns->full, t->name) : t->name;
    char *macro = xasprintf("%s_VERSION", upper_ident(full));
    emit(&g->e, "#if !defined(%s)\n#define %s 0x%lx\n#endif\n", macro, macro, value);
}

static void emit_runtimeclass(Gen *g, Type *t)
{
    t->written = true;
    const char *full = t->ns ? xasprintf("%s.%s", t->ns->full, t->name) : t->name;
    char *id = xstrdup(full);
    for (char *p = id; *p; p++)
        if (*p == '.')
            *p = '_';
    emit(&g->e, "/* runtimeclass %s */\n", full);
    emit(&g->e, "#ifndef RUNTIMECLASS_%s_DEFINED\n#define RUNTIMECLASS_%s_DEFINED\n", id, id);
    emit(&g->e, "#define RuntimeClass_%s L\"%s\"\n#endif\n", id, full);
}

/* ===================================================================== statements */

/* A typedef's C name: WinRT types in a namespace get their mangled name. */
static const char *typedef_name(Decl *d)
{
    return d->type && d->type->kind == TY_ALIAS && d->name ? c_plain_name(d->type) : d->name;
}

static void emit_typedef(Gen *g, Stmt *s)
{
    Emitter *e = &g->e;
    const char *runtime_name = NULL;
    for (Decl *d = s->decls; d; d = d->next) {
        if (d->name && runtime_type_lookup(d->name)) {
            const RuntimeType *rt = runtime_type_lookup(d->name);
            emit(e, "/* %s is defined by %s */\n", d->name, rt->header ? rt->header : "the runtime headers");
            if (!runtime_name)
                runtime_name = d->name;
            d->type->written = true;
        }
    }
    Decl *d = s->decls;
    while (d) {
        if (d->name && runtime_type_lookup(d->name)) {
            d = d->next;
            continue;
        }
        Type *target = d->type->kind == TY_ALIAS ? d->type->u.alias.target : d->type;
        unsigned tq = d->type->kind == TY_ALIAS ? d->type->u.alias.target_quals : d->quals;
        Type *spec;
        unsigned sq;
        char *list = c_declarator(target, tq, typedef_name(d), 0, &spec, &sq);
        Decl *first = d;
        d->type->written = true;
        /* declarators sharing the specifier go into one typedef, as they were written */
        for (d = d->next; d; d = d->next) {
            if (d->name && runtime_type_lookup(d->name))
                continue;
            Type *t2 = d->type->kind == TY_ALIAS ? d->type->u.alias.target : d->type;
            unsigned q2 = d->type->kind == TY_ALIAS ? d->type->u.alias.target_quals : d->quals;
            Type *spec2;
            unsigned sq2;
            char *one = c_declarator(t2, q2, typedef_name(d), 0, &spec2, &sq2);
            if (spec2 != spec || sq2 != sq)
                break;
            list = xasprintf("%s, %s", list, one);
            d->type->written = true;
        }
        /* `typedef enum E E;` before enum E's definition: C (as GNU C) allows it, C++ does
         * not, and needs no typedef to call the enum E */
        bool c_only = spec->kind == TY_ENUM && !spec->written && in_main_file(g, spec) &&
                      !needs_body(g, spec) && !runtime_defines(spec);
        if (c_only)
            emit(e, "#ifndef __cplusplus\n");
        emit(e, "typedef ");
        if (runtime_name && needs_body(g, spec)) {
            /* the runtime headers define the aggregate together with its typedef name */
            spec->written = true;
            if (spec->name)
                emit(e, "%s", c_specifier(spec, sq));
            else
                emit(e, "%s", runtime_name);
        } else {
            emit_specifier(g, spec, sq, first->name);
        }
        emit(e, " %s;\n", list);
        if (c_only)
            emit(e, "#endif\n");
    }
}

static void emit_const(Gen *g, Decl *d)
{
    if (!d->value) {
        if (d->has_ival)
            emit(&g->e, "#define %s (%lld)\n", d->name, (long long)d->ival);
        return;
    }
    char *v = c_expr(d->value);
    bool literal = d->value->kind == EXPR_STRING || d->value->kind == EXPR_WSTRING;
    emit(&g->e, literal ? "#define %s %s\n" : "#define %s (%s)\n", d->name, v);
}

static void emit_decls(Gen *g, Stmt *s, Type *scope)
{
    Emitter *e = &g->e;
    bool rpc = scope && scope->kind == TY_INTERFACE && !iface_is_object(scope);
    for (Decl *d = s->decls; d; d = d->next) {
        switch (d->kind) {
        case DECL_CONST:
            emit_const(g, d);
            break;
        case DECL_FUNC:
            if (!func_type(d))
                break;
            emit_blank_line(e);
            if (rpc && !attr_has(d->attrs, ATTR_LOCAL)) {
                /* -prefix: the client stub and the manager routine may have different names */
                char *client = stub_routine_name(d, STUB_CLIENT), *server = stub_routine_name(d, STUB_SERVER);
                emit(e, "%s;\n", c_decl(op_c_function(scope, d), 0, client));
                if (strcmp(client, server) != 0)
                    emit(e, "%s;\n", c_decl(op_c_function(scope, d), 0, server));
            } else if (rpc)
                emit(e, "%s;\n", c_decl(op_c_function(scope, d), 0, d->name));
            else
                emit(e, "%s;\n", c_decl(d->type, d->quals, d->name));
            break;
        case DECL_VAR:
            emit(e, "%s%s;\n", d->storage == STORAGE_STATIC ? "static " : "extern ",
                 c_decl(d->type, d->quals, d->name));
            break;
        default:
            break;
        }
    }
}

/* Pragmas cpp kept from the IDL: the ones gcc and clang know pass through; the others are
 * compiler-specific (MSVC's warning, ...) and would draw -Wunknown-pragmas. */
static void emit_pragma(Gen *g, const char *text)
{
    static const char *portable[] = { "pack", "GCC", "clang", "push_macro", "pop_macro", "once" };
    for (size_t i = 0; i < sizeof portable / sizeof portable[0]; i++) {
        size_t n = strlen(portable[i]);
        if (!strncmp(text, portable[i], n) && (text[n] == '\0' || text[n] == '(' || text[n] == ' ')) {
            emit(&g->e, "#pragma %s\n", text);
            return;
        }
    }
    emit(&g->e, "#ifdef _MSC_VER\n#pragma %s\n#endif\n", text);
}

static void emit_type_stmt(Gen *g, Stmt *s)
{
    Type *t = s->type;
    if (!t || t->written)
        return;
    if (s->forward && t->kind != TY_STRUCT && t->kind != TY_UNION && t->kind != TY_ENUM &&
        t->kind != TY_ENCUNION)
        return;   /* `interface I;`: the forward declarations at the top cover it */
    switch (t->kind) {
    case TY_STRUCT: case TY_UNION: case TY_ENCUNION: case TY_ENUM:
        if (needs_body(g, t)) {
            emit_aggregate(g, t, 0, NULL);
            emit(&g->e, ";\n");
        } else if (!t->defined && t->name && in_main_file(g, t) && !runtime_defines(t)) {
            emit(&g->e, "%s;\n", c_type_name(t));   /* a forward declaration of a tag */
        }
        break;
    case TY_INTERFACE:
        if (!t->defined || t->u.iface.params)
            break;   /* a forward reference, or a WinRT generic: only its instances are types */
        if (iface_is_object(t))
            emit_object_interface(g, t);
        else
            emit_rpc_interface(g, t);
        break;
    case TY_DISPINTERFACE: case TY_DELEGATE:
        if (t->defined)
            emit_object_interface(g, t);
        break;
    case TY_COCLASS:
        if (t->defined)
            emit_coclass(g, t);
        break;
    case TY_LIBRARY:
        emit_library(g, t);
        break;
    case TY_MODULE:
        emit_module(g, t);
        break;
    case TY_APICONTRACT:
        emit_apicontract(g, t);
        break;
    case TY_RUNTIMECLASS:
        if (t->defined)
            emit_runtimeclass(g, t);
        break;
    default:
        break;
    }
}

/* Statements of one group (#defines of constants, cpp_quote lines, pragmas, the notes on
 * typedefs the runtime headers define) stay together; anything else is set apart by blank
 * lines. */
typedef enum Group { G_NONE, G_SILENT, G_CONST, G_QUOTE, G_PRAGMA, G_RUNTIME, G_OTHER } Group;

static bool all_runtime_defined(Decl *decls)
{
    for (Decl *d = decls; d; d = d->next)
        if (!d->name || !runtime_type_lookup(d->name))
            return false;
    return decls != NULL;
}

static Group stmt_group(Stmt *s, bool declarations_only)
{
    switch (s->kind) {
    case STMT_CPP_QUOTE:
        return G_QUOTE;
    case STMT_PRAGMA:
        return G_PRAGMA;
    case STMT_DECL: {
        bool consts = false, others = false;
        for (Decl *d = s->decls; d; d = d->next) {
            if (d->kind == DECL_CONST)
                consts = true;
            else
                others = true;
        }
        if (declarations_only)
            return consts ? G_CONST : G_SILENT;
        return others ? G_OTHER : consts ? G_CONST : G_SILENT;
    }
    case STMT_TYPEDEF:
        return all_runtime_defined(s->decls) ? G_RUNTIME : G_OTHER;
    case STMT_TYPE:
        return G_OTHER;
    default:
        return G_SILENT;
    }
}

/* Writes a statement list in order.  declarations_only: skip methods (an object interface's
 * body, whose methods go to the vtable).  *prev: the group written last, across nested
 * namespace bodies. */
static void emit_stmts(Gen *g, Stmt *list, Type *scope, bool declarations_only, Group *prev)
{
    Loc saved_begin = g->span_begin;
    const Loc *saved_end = g->span_end;
    for (Stmt *s = list; s; s = s->next) {
        g->span_begin = s->loc;
        g->span_end = s->next ? &s->next->loc : saved_end;
        Group group = stmt_group(s, declarations_only);
        if (group != G_SILENT) {
            if (*prev != G_NONE && (group == G_OTHER || group != *prev))
                emit_blank_line(&g->e);
            *prev = group;
        }
        switch (s->kind) {
        case STMT_TYPE:
            emit_type_stmt(g, s);
            break;
        case STMT_TYPEDEF:
            emit_typedef(g, s);
            break;
        case STMT_DECL:
            if (!declarations_only)
                emit_decls(g, s, scope);
            else
                for (Decl *d = s->decls; d; d = d->next)
                    if (d->kind == DECL_CONST)
                        emit_const(g, d);
            break;
        case STMT_CPP_QUOTE:
            emit_verbatim(&g->e, s->str ? s->str : "");
            break;
        case STMT_PRAGMA:
            if (s->str)
                emit_pragma(g, s->str);
            break;
        case STMT_NAMESPACE: case STMT_DECLARE:
            emit_stmts(g, s->body, scope, declarations_only, prev);
            break;
        case STMT_IMPORT: case STMT_IMPORTLIB: case STMT_INCLUDE: case STMT_MIDL_PRAGMA:
            break;   /* includes were written at the top; midl_pragma only concerns asidl */
        }
    }
    g->span_begin = saved_begin;
    g->span_end = saved_end;
}

static void emit_body(Gen *g, Stmt *list, Type *scope, bool declarations_only)
{
    Group prev = G_NONE;
    emit_stmts(g, list, scope, declarations_only, &prev);
}

/* ===================================================================== file level */

/* Writes each header once; returns how many #include lines it wrote. */
static int emit_includes(Gen *g, Stmt *list)
{
    int n = 0;
    for (Stmt *s = list; s; s = s->next) {
        switch (s->kind) {
        case STMT_IMPORT: case STMT_INCLUDE: {
            if (!s->str)
                break;
            const char *h = intern(header_for(s->str));
            if (!typeset_add(&g->included, (Type *)(uintptr_t)h))
                break;
            emit(&g->e, "#include \"%s\"\n", h);
            n++;
            break;
        }
        case STMT_TYPE:
            if (s->type && (s->type->kind == TY_LIBRARY || s->type->kind == TY_MODULE ||
                            s->type->kind == TY_INTERFACE))
                n += emit_includes(g, s->type->u.iface.body);
            break;
        case STMT_NAMESPACE:
            n += emit_includes(g, s->body);
            break;
        default:
            break;
        }
    }
    return n;
}

static void emit_forward_declaration(Gen *g, Type *t)
{
    Emitter *e = &g->e;
    const char *name = c_plain_name(t);
    emit(e, "#ifndef __%s_FWD_DEFINED__\n#define __%s_FWD_DEFINED__\n", name, name);
    if (t->kind == TY_COCLASS)
        emit(e, "#ifdef __cplusplus\ntypedef class %s %s;\n#else\ntypedef struct %s %s;\n#endif\n",
             name, name, name, name);
    else
        emit(e, "typedef interface %s %s;\n", name, name);
    emit(e, "#endif\n\n");
}

static void forward_declare(Gen *g, Type *t)
{
    /* by name: each use of a WinRT generic instance is its own Type */
    const char *name = intern(c_plain_name(t));
    for (int i = 0; i < g->forwarded.n; i++)
        if (intern(c_plain_name(g->forwarded.v[i])) == name)
            return;
    typeset_add(&g->forwarded, t);
}

static void forward_parameterized(Gen *g, Type *t)
{
    while (t && (t->kind == TY_POINTER || t->kind == TY_ARRAY))
        t = t->kind == TY_POINTER ? t->u.ptr.ref : t->u.arr.elem;
    if (!t || t->kind != TY_PARAMETERIZED)
        return;
    for (int i = 0; i < t->u.generic.nargs; i++)
        forward_parameterized(g, t->u.generic.args[i]);
    forward_declare(g, t);
}

static void collect_forward_declarations(Gen *g, Stmt *list)
{
    for (Stmt *s = list; s; s = s->next) {
        if (s->kind == STMT_NAMESPACE || s->kind == STMT_DECLARE) {
            collect_forward_declarations(g, s->body);
            continue;
        }
        Type *t = s->type;
        if (s->kind != STMT_TYPE || !t)
            continue;
        switch (t->kind) {
        case TY_INTERFACE:
            if (t->u.iface.params)
                break;
            if (t->defined && !iface_is_object(t))
                break;
            forward_declare(g, t);
            if (t->u.iface.async_iface)
                forward_declare(g, t->u.iface.async_iface);
            /* WinRT instances used in method signatures need a C name too */
            for (Stmt *b = t->u.iface.body; b; b = b->next)
                if (b->kind == STMT_DECL)
                    for (Decl *m = b->decls; m; m = m->next)
                        if (func_type(m)) {
                            forward_parameterized(g, func_type(m)->u.fn.ret);
                            for (Decl *p = func_type(m)->u.fn.params; p; p = p->next)
                                forward_parameterized(g, p->type);
                        }
            break;
        case TY_DISPINTERFACE: case TY_COCLASS: case TY_DELEGATE:
            forward_declare(g, t);
            break;
        case TY_PARAMETERIZED:
            forward_parameterized(g, t);
            break;
        case TY_LIBRARY:
            collect_forward_declarations(g, t->u.iface.body);
            break;
        default:
            break;
        }
    }
}

/* Helper routines are looked for in every typedef of the main file and every type a remote
 * operation or method uses (imported typedefs included, as MIDL does). */
static void collect_file_helpers(Gen *g, Stmt *list, Type *scope)
{
    for (Stmt *s = list; s; s = s->next) {
        switch (s->kind) {
        case STMT_TYPEDEF:
            for (Decl *d = s->decls; d; d = d->next)
                if (!(d->name && runtime_type_lookup(d->name)))
                    collect_helpers(g, d->type);
            break;
        case STMT_DECL:
            if (scope && (scope->kind == TY_INTERFACE || scope->kind == TY_DELEGATE) &&
                !attr_has(scope->attrs, ATTR_LOCAL))
                for (Decl *d = s->decls; d; d = d->next)
                    if (d->kind == DECL_FUNC && !attr_has(d->attrs, ATTR_LOCAL))
                        collect_helpers(g, d->type);
            break;
        case STMT_TYPE:
            if (s->type && (s->type->kind == TY_INTERFACE || s->type->kind == TY_LIBRARY ||
                            s->type->kind == TY_DELEGATE) && s->type->defined)
                collect_file_helpers(g, s->type->u.iface.body, s->type);
            break;
        case STMT_NAMESPACE:
            collect_file_helpers(g, s->body, scope);
            break;
        default:
            break;
        }
    }
}

void gen_header(Program *prog, FILE *out, const char *header_name)
{
    Gen g = { .prog = prog, .main = prog->main };
    emit_init(&g.e, out);
    Emitter *e = &g.e;
    const char *source = base_file_name(prog->main->name ? prog->main->name : prog->main->path);

    char *guard = xasprintf("__%s__", base_file_name(header_name));
    for (char *p = guard; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
            *p = '_';

    emit(e, "/* Generated by asidl %s from %s. Do not edit. */\n\n", ASIDL_VERSION, source);
    emit(e, "#include \"rpc.h\"\n#include \"rpcndr.h\"\n\n");
    emit(e, "#if !defined(ASIDL_ABI_VERSION) || ASIDL_ABI_VERSION != %d\n", ASIDL_ABI_VERSION);
    emit(e, "#error \"%s was generated by asidl for runtime ABI %d; rpcndr.h is from another asidl\"\n",
         base_file_name(header_name), ASIDL_ABI_VERSION);
    emit(e, "#endif\n\n");

    collect_forward_declarations(&g, prog->main->stmts);
    if (g.forwarded.n > 0)
        emit(e, "#ifndef COM_NO_WINDOWS_H\n#include \"windows.h\"\n#include \"ole2.h\"\n#endif\n\n");
    /* The guard comes after ole2.h, as with MIDL: ole2.h includes the standard COM headers,
     * and when this is one of them (unknwn.h) the nested inclusion must still define it. */
    emit(e, "#ifndef %s\n#define %s\n\n", guard, guard);
    /* the ACF's include "x.h" brings the application's own types (represent_as, ...) */
    int includes = emit_includes(&g, prog->main->stmts);
    if (prog->acf)
        includes += emit_includes(&g, prog->acf->stmts);
    if (includes > 0)
        emit(e, "\n");
    if (g.forwarded.n > 0) {
        emit(e, "/* Forward declarations */\n\n");
        for (int i = 0; i < g.forwarded.n; i++)
            emit_forward_declaration(&g, g.forwarded.v[i]);
    }

    emit(e, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    g.span_begin = (Loc){0};
    g.span_end = NULL;
    emit_body(&g, prog->main->stmts, NULL, false);

    collect_file_helpers(&g, prog->main->stmts, NULL);
    if (g.helper_types.n || g.call_as_ifaces.n) {
        emit_blank_line(e);
        emit(e, "/* Additional prototypes: routines the stubs call, which the application provides */\n\n");
        for (int i = 0; i < g.helper_types.n; i++)
            emit_helper_prototypes(&g, g.helper_types.v[i]);
        for (int i = 0; i < g.call_as_ifaces.n; i++)
            emit_call_as_prototypes(&g, g.call_as_ifaces.v[i]);
    }

    emit_blank_line(e);
    emit(e, "#ifdef __cplusplus\n}\n#endif\n\n#endif /* %s */\n", guard);
}
