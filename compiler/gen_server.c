/*
 * gen_server.c: foo_s.c, the server side of each interface.
 *
 *   banner, includes, the descriptor tables (gen_desc.c);
 *   per interface: the default manager EPV (foo_v1_0_epv_t filled with the manager routines the
 *   header declares, -prefix server applied; none with -no_default_epv), invokers for the
 *   procedures libffi cannot call, the EPV index of each opnum when it is not the opnum itself,
 *   the procedures by opnum and the [callback] ones by callback opnum, the server
 *   asidl_interface and foo_v1_0_s_ifspec (with -oldnames foo_ServerIfHandle), then the stub of
 *   each [callback] operation, which a manager routine calls to run it on its client.
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

static void emit_server_interface(StubTables *g, Emitter *e, Type *iface)
{
    const char *name = c_plain_name(iface);
    const char *epv_type = epv_type_name(iface);
    bool any = false, invokers = false, slots_differ = false;
    int count = stub_op_count(iface, false);
    for (int opnum = 0; opnum < count; opnum++) {
        Decl *op = stub_op_at(iface, opnum, false);
        if (!op)
            continue;
        any |= in_epv(op);
        invokers |= stub_proc_needs_invoker(g, op);
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
                    if (in_epv(op) && stub_proc_needs_invoker(g, op))
                        stub_emit_invoker(g, e, iface, op, epv_type);
        invoker_table = xasprintf("%s__invokers", name);
        emit_blank_line(e);
        emit(e, "static asidl_server_invoker *const %s[] = {\n", invoker_table);
        emit_indent(e, 1);
        for (int opnum = 0; opnum < count; opnum++) {
            Decl *op = stub_op_at(iface, opnum, false);
            if (op && stub_proc_needs_invoker(g, op))
                emit(e, "%s__%s_invoke,\n", name, op->name);
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
        emit(e, "/* The EPV index of each opnum ([local] operations have none) */\n");
        emit(e, "static const int16_t %s[] = {\n", slot_table);
        emit_indent(e, 1);
        for (int opnum = 0; opnum < count; opnum++) {
            Decl *op = stub_op_at(iface, opnum, false);
            if (op && stub_proc_name(g, op))
                emit(e, "%d,   /* %s */\n", stub_epv_slot(g, op), op->name);
            else
                emit(e, "-1,\n");
        }
        emit_indent(e, -1);
        emit(e, "};\n");
    }
    StubIfaceTables t = { .epv = epv, .invokers = invoker_table, .epv_slots = slot_table };
    stub_emit_interface_tables(g, e, iface, &t);

    /* the [callback] operations: called by manager routines, run on the client */
    for (Stmt *s = iface->u.iface.body; s; s = s->next)
        if (s->kind == STMT_DECL)
            for (Decl *op = s->decls; op; op = op->next)
                if (op->kind == DECL_FUNC && attr_has(op->attrs, ATTR_CALLBACK))
                    stub_emit_caller(g, e, iface, op);
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
