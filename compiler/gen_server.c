/*
 * gen_server.c: foo_s.c, the server side of each interface.
 *
 *   banner, includes, the descriptor tables (gen_desc.c);
 *   per interface: the default manager EPV (foo_v1_0_epv_t filled with the manager routines the
 *   header declares, -prefix server applied; none with -no_default_epv), invokers for the
 *   procedures libffi cannot call, the EPV index of each opnum when it is not the opnum itself,
 *   the procedures by opnum, the server asidl_interface and foo_v1_0_s_ifspec (with -oldnames
 *   foo_ServerIfHandle).
 *
 * There is no dispatch code: the runtime's dispatcher unmarshals the [in] parameters into an
 * argument frame from the descriptors, calls the manager routine of the EPV in use through
 * libffi (or the invoker), and marshals the [out] parameters, at once or, for [async]
 * procedures, when RpcAsyncCompleteCall comes.  With or without -use_epv the call goes
 * through the EPV, which is what -use_epv asks MIDL for.
 */
#include "asidl.h"

static bool in_epv(Decl *op)
{
    return op->kind == DECL_FUNC && op->type && op->type->kind == TY_FUNCTION &&
           !attr_has(op->attrs, ATTR_CALLBACK) && !attr_has(op->attrs, ATTR_LOCAL);
}

/* The type a frame slot holds for a parameter: arrays are passed (and held) as pointers. */
static Type *slot_type(Decl *p)
{
    Type *t = type_strip_alias(p->type);
    if (t && t->kind == TY_ARRAY)
        return type_pointer(t->u.arr.elem, t->u.arr.elem_quals);
    return p->type;
}

static void emit_invoker(StubTables *g, Emitter *e, Type *iface, Decl *op, const char *epv_type)
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

static void emit_server_interface(StubTables *g, Emitter *e, Type *iface)
{
    const char *name = c_plain_name(iface);
    const char *epv_type = epv_type_name(iface);
    bool any = false, invokers = false, slots_differ = false;
    int count = 0;
    for (Stmt *s = iface->u.iface.body; s; s = s->next)
        if (s->kind == STMT_DECL)
            for (Decl *op = s->decls; op; op = op->next) {
                if (op->kind != DECL_FUNC)
                    continue;
                any |= in_epv(op);
                invokers |= stub_proc_needs_invoker(g, op);
                if (op->opnum + 1 > count)
                    count = op->opnum + 1;
                if (stub_proc_name(g, op) && stub_epv_slot(g, op) != op->opnum)
                    slots_differ = true;
            }

    const char *epv = NULL;
    if (any && !opts.no_default_epv) {
        epv = xasprintf("&%s__default_epv", name);
        emit_blank_line(e);
        emit(e, "/* The manager routines the server calls unless RpcServerRegisterIf is given an EPV */\n");
        emit(e, "static const %s %s__default_epv = {\n", epv_type, name);
        emit_indent(e, 1);
        for (Stmt *s = iface->u.iface.body; s; s = s->next)
            if (s->kind == STMT_DECL)
                for (Decl *op = s->decls; op; op = op->next)
                    if (in_epv(op))
                        emit(e, "%s,\n", stub_routine_name(op, STUB_SERVER));
        emit_indent(e, -1);
        emit(e, "};\n");
    }

    const char *invoker_table = NULL;
    if (invokers) {
        for (Stmt *s = iface->u.iface.body; s; s = s->next)
            if (s->kind == STMT_DECL)
                for (Decl *op = s->decls; op; op = op->next)
                    if (op->kind == DECL_FUNC && stub_proc_needs_invoker(g, op))
                        emit_invoker(g, e, iface, op, epv_type);
        invoker_table = xasprintf("%s__invokers", name);
        emit_blank_line(e);
        emit(e, "static asidl_server_invoker *const %s[] = {\n", invoker_table);
        emit_indent(e, 1);
        for (int opnum = 0; opnum < count; opnum++) {
            Decl *found = NULL;
            for (Stmt *s = iface->u.iface.body; s && !found; s = s->next)
                if (s->kind == STMT_DECL)
                    for (Decl *op = s->decls; op; op = op->next)
                        if (op->kind == DECL_FUNC && op->opnum == opnum && stub_proc_needs_invoker(g, op)) {
                            found = op;
                            break;
                        }
            if (found)
                emit(e, "%s__%s_invoke,\n", name, found->name);
            else
                emit(e, "NULL,\n");
        }
        emit_indent(e, -1);
        emit(e, "};\n");
    }

    const char *slot_table = NULL;
    if (slots_differ) {
        slot_table = xasprintf("%s__epv_slots", name);
        emit_blank_line(e);
        emit(e, "/* The EPV index of each opnum ([local] and [callback] operations have none) */\n");
        emit(e, "static const int16_t %s[] = {\n", slot_table);
        emit_indent(e, 1);
        for (int opnum = 0; opnum < count; opnum++) {
            Decl *found = NULL;
            for (Stmt *s = iface->u.iface.body; s && !found; s = s->next)
                if (s->kind == STMT_DECL)
                    for (Decl *op = s->decls; op; op = op->next)
                        if (op->kind == DECL_FUNC && op->opnum == opnum && stub_proc_name(g, op)) {
                            found = op;
                            break;
                        }
            if (found)
                emit(e, "%d,   /* %s */\n", stub_epv_slot(g, found), found->name);
            else
                emit(e, "-1,\n");
        }
        emit_indent(e, -1);
        emit(e, "};\n");
    }
    stub_emit_interface(g, e, iface, epv, invoker_table, slot_table);
}

void gen_server(Program *prog, FILE *out, const char *file_name)
{
    (void)file_name;
    Emitter em;
    Emitter *e = &em;
    StubTables *g = stub_begin(prog, STUB_SERVER, out, e);
    if (!g)
        return;   /* errors, reported while building this or the other stub file */
    Type **ifaces;
    int n = stub_interfaces(g, &ifaces);
    for (int i = 0; i < n; i++) {
        emit_blank_line(e);
        emit(e, "/* ==================================================================== interface %s */\n",
             ifaces[i]->name);
        emit_server_interface(g, e, ifaces[i]);
    }
}
