/*
 * gen_client.c: foo_c.c, the client stubs.
 *
 *   banner, includes (foo.h, asidl_stub.h), the descriptor tables (gen_desc.c);
 *   per interface: the [implicit_handle] variable the header declares, the application's
 *   [callback] routines (the server runs them during a call: the runtime dispatches them from
 *   the calling thread), the procedures by opnum and the callbacks by callback opnum, the
 *   client asidl_interface and foo_v1_0_c_ifspec (with -oldnames foo_ClientIfHandle, an
 *   ordinary variable the application may even overwrite: the stubs never read it), then one
 *   function per operation with the header's prototype.
 *
 * A stub is thin: it lists the addresses of its parameters, and of its result's storage, as
 * the argument frame and hands it to the runtime with the procedure's descriptor.  A
 * synchronous call has finished when asidl_client_call returns (failures raise, or fill the
 * [comm_status]/[fault_status] parameters); an [async] one has started when
 * asidl_client_call_async returns, and its result arrives through RpcAsyncCompleteCall.
 */
#include "asidl.h"

static bool is_callback(Decl *op)
{
    return op->kind == DECL_FUNC && op->type && op->type->kind == TY_FUNCTION && attr_has(op->attrs, ATTR_CALLBACK) &&
           !attr_has(op->attrs, ATTR_LOCAL);
}

/* The application's [callback] routines, which the runtime runs when the server calls one
 * during a call of the interface: an EPV-like structure in callback opnum order (-prefix
 * client names them), and invokers for those libffi cannot call. */
static void emit_callback_tables(StubTables *g, Emitter *e, Type *iface, StubIfaceTables *t)
{
    const char *name = c_plain_name(iface);
    int count = stub_op_count(iface, true);
    bool any = false, invokers = false;
    for (int opnum = 0; opnum < count; opnum++) {
        Decl *op = stub_op_at(iface, opnum, true);
        any |= op && is_callback(op) && stub_proc_name(g, op);
        invokers |= op && is_callback(op) && stub_proc_needs_invoker(g, op);
    }
    if (!any)
        return;
    const char *type = xasprintf("struct %s__callback_epv", name);
    emit_blank_line(e);
    emit(e, "/* The application's [callback] routines, run when the server calls them during a call */\n");
    emit(e, "static const %s {\n", type);
    emit_indent(e, 1);
    for (int opnum = 0; opnum < count; opnum++) {
        Decl *op = stub_op_at(iface, opnum, true);
        if (op && is_callback(op))
            emit(e, "%s;\n", c_decl(type_pointer(op_c_function(iface, op), 0), 0, op->name));
        else
            emit(e, "void (*asidl_unused%d)(void);\n", opnum);
    }
    emit_indent(e, -1);
    emit(e, "} %s__callback_epv = {\n", name);
    emit_indent(e, 1);
    for (int opnum = 0; opnum < count; opnum++) {
        Decl *op = stub_op_at(iface, opnum, true);
        emit(e, "%s,\n", op && is_callback(op) ? stub_routine_name(op, STUB_CLIENT) : "NULL");
    }
    emit_indent(e, -1);
    emit(e, "};\n");
    t->callback_epv = xasprintf("&%s__callback_epv", name);
    if (!invokers)
        return;
    for (int opnum = 0; opnum < count; opnum++) {
        Decl *op = stub_op_at(iface, opnum, true);
        if (op && is_callback(op) && stub_proc_needs_invoker(g, op))
            stub_emit_invoker(g, e, iface, op, type);
    }
    t->callback_invokers = xasprintf("%s__callback_invokers", name);
    emit_blank_line(e);
    emit(e, "static asidl_server_invoker *const %s[] = {\n", t->callback_invokers);
    emit_indent(e, 1);
    for (int opnum = 0; opnum < count; opnum++) {
        Decl *op = stub_op_at(iface, opnum, true);
        if (op && is_callback(op) && stub_proc_needs_invoker(g, op))
            emit(e, "%s__%s_invoke,\n", name, op->name);
        else
            emit(e, "NULL,\n");
    }
    emit_indent(e, -1);
    emit(e, "};\n");
}

void gen_client(Program *prog, FILE *out, const char *file_name)
{
    (void)file_name;
    Emitter em;
    Emitter *e = &em;
    StubTables *g = stub_begin(prog, STUB_CLIENT, out, e);
    if (!g)
        return;   /* errors, reported while building this or the other stub file */
    Type **ifaces;
    int n = stub_interfaces(g, &ifaces);

    for (int i = 0; i < n; i++) {
        Type *iface = ifaces[i];
        emit_blank_line(e);
        emit(e, "/* ==================================================================== interface %s */\n",
             iface->name);
        const char *ih = stub_implicit_handle(iface);
        if (ih) {
            emit_blank_line(e);
            emit(e, "/* [implicit_handle]: the binding every call of the interface uses */\n");
            emit(e, "handle_t %s;\n", ih);
        }
        StubIfaceTables t = { 0 };
        emit_callback_tables(g, e, iface, &t);
        stub_emit_interface_tables(g, e, iface, &t);
        for (Stmt *s = iface->u.iface.body; s; s = s->next)
            if (s->kind == STMT_DECL)
                for (Decl *op = s->decls; op; op = op->next)
                    if (op->kind == DECL_FUNC && !attr_has(op->attrs, ATTR_CALLBACK))
                        stub_emit_caller(g, e, iface, op);
    }
}
