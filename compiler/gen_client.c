/*
 * gen_client.c: foo_c.c, the client stubs.
 *
 *   banner, includes (foo.h, asidl_stub.h), the descriptor tables (gen_desc.c);
 *   per interface: the [implicit_handle] variable the header declares, the procedures by opnum,
 *   the client asidl_interface and foo_v1_0_c_ifspec (with -oldnames foo_ClientIfHandle, an
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

static bool scalar_result(Type *t)
{
    for (int i = 0; t && t->kind == TY_ALIAS && i < 100; i++) {
        Expr *e = attr_arg(attr_find(t->attrs, ATTR_REPRESENT_AS), 0);
        if (!e)
            e = attr_arg(attr_find(t->attrs, ATTR_USER_MARSHAL), 0);
        t = e && e->kind == EXPR_TYPE && e->type ? e->type : t->u.alias.target;
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

static void emit_stub(StubTables *g, Emitter *e, Type *iface, Decl *op)
{
    const char *proc = stub_proc_name(g, op);
    if (!proc || !stub_wanted(iface, op))
        return;
    bool async = op_is_async(iface, op);
    Type *fn = stub_named_function(iface, op);
    Type *ret = op->type->u.fn.ret;
    bool has_result = ret && type_strip_alias(ret) && type_strip_alias(ret)->kind != TY_VOID;
    const char *itf = xasprintf("%s__client_interface", c_plain_name(iface));

    emit_blank_line(e);
    emit(e, "%s\n{\n", c_decl(fn, 0, stub_routine_name(op, STUB_CLIENT)));
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
        emit(e, "asidl_client_call(&%s, &%s, asidl_args);\n", itf, proc);
    if (has_result && !async)
        emit(e, "return asidl_result;\n");
    emit_indent(e, -1);
    emit(e, "}\n");
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
        stub_emit_interface(g, e, iface, NULL, NULL, NULL);
        for (Stmt *s = iface->u.iface.body; s; s = s->next)
            if (s->kind == STMT_DECL)
                for (Decl *op = s->decls; op; op = op->next)
                    if (op->kind == DECL_FUNC)
                        emit_stub(g, e, iface, op);
    }
}
