/*
 * How generated procedures bind, and the interface-level options (tests/gen/handles.idl,
 * compiled with -oldnames -prefix client c_ server s_): the descriptors name the binding
 * handle the runtime must use (explicit, IDL_handle from [explicit_handle], generic through
 * <type>_bind, context, [implicit_handle], [auto_handle]); the server's tables never refer to
 * the client's handle variable or bind routines; -oldnames' foo_ClientIfHandle is a plain
 * variable the stubs never read; [nocode] leaves the stub to the application; [callback]
 * procedures are numbered apart, have no EPV slot, and name the application's callback
 * routine (client prefix) on the client side.  Calls run through the loopback.
 */
#include <wchar.h>

#include "gen_test.h"
#include "handles.h"

#define BINDING ((handle_t)(uintptr_t)0xb1d)

/* ---- what the application provides ---- */

static int binds, unbinds;
static wchar_t *bound_name;

handle_t __RPC_USER server_name_bind(server_name name)
{
    binds++;
    bound_name = name;
    return BINDING;
}

void __RPC_USER server_name_unbind(server_name name, handle_t h)
{
    (void)name;
    unbinds += h == BINDING;
}

void __RPC_USER counter_rundown(counter c)
{
    free(c);
}

/* [callback] Progress: the client's routine, which the server would run during a call */
long c_Progress(long percent)
{
    return percent;
}

/* [nocode] Skipped: the application writes the client stub itself (the generated file has
 * none, or this program would not link). */
long c_Skipped(handle_t IDL_handle, long x)
{
    (void)IDL_handle;
    return -x;
}

/* ---- manager routines ---- */

long s_Query(handle_t IDL_handle, long key, long *value)
{
    (void)IDL_handle;
    *value = key * 3;
    return 0;
}
long s_Bound(handle_t h, long key) { (void)h; return key + 1; }
long s_Named(server_name server, long n) { return !wcscmp(server, L"srv") ? n : -1; }
long s_Make(handle_t IDL_handle, counter *c)
{
    (void)IDL_handle;
    *c = calloc(1, sizeof(long));
    return 0;
}
long s_Bump(counter c) { return ++*(long *)c; }
long s_Skipped(handle_t IDL_handle, long x) { (void)IDL_handle; return x; }
long s_Last(handle_t IDL_handle, long x) { (void)IDL_handle; return x * 100; }
long s_Get(long *value) { *value = 17; return 1; }
long s_Now(short kind, choice *c) { return kind == 2 ? (long)(c->big >> 32) : c->tiny; }

/* ---- tests ---- */

TEST(every_descriptor_passes_the_engine_checks)
{
    CHECK_EQ_INT(gen_validate_interface(explicit_handles_ClientIfHandle), 7);
    CHECK_EQ_INT(gen_validate_interface(explicit_handles_ServerIfHandle), 7);
    CHECK_EQ_INT(gen_validate_interface(implicit_handles_ClientIfHandle), 1);
    CHECK_EQ_INT(gen_validate_interface(implicit_handles_ServerIfHandle), 1);
    CHECK_EQ_INT(gen_validate_interface(auto_handles_ClientIfHandle), 1);
    CHECK_EQ_INT(gen_validate_interface(auto_handles_ServerIfHandle), 1);
}

TEST(explicit_handle_acf_adds_IDL_handle_first)
{
    const asidl_ndr_proc *p = gen_proc(explicit_handles_ClientIfHandle, "Query");
    CHECK(p && p->handle_kind == ASIDL_NDR_HANDLE_EXPLICIT && p->handle_param == 0);
    CHECK(!strcmp(p->params[0].name, "IDL_handle") && (p->params[0].flags & ASIDL_NDR_PARAM_NOWIRE));
    gen_server_interface = explicit_handles_ServerIfHandle;
    long value = 0;
    CHECK_EQ_INT(c_Query(BINDING, 14, &value), 0);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK_EQ_INT(value, 42);
    CHECK_EQ_INT(gen_last_request_len, 4);   /* the key: handles do not travel */
    CHECK_EQ_INT(c_Bound(BINDING, 1), 2);
    /* a [context_handle] [out] first is no binding: Make gets IDL_handle too */
    p = gen_proc(explicit_handles_ClientIfHandle, "Make");
    CHECK(p && p->handle_kind == ASIDL_NDR_HANDLE_EXPLICIT && !strcmp(p->params[0].name, "IDL_handle"));
}

TEST(generic_handles_bind_through_the_applications_routines)
{
    const asidl_ndr_proc *c = gen_proc(explicit_handles_ClientIfHandle, "Named");
    const asidl_ndr_proc *s = gen_proc(explicit_handles_ServerIfHandle, "Named");
    CHECK(c && c->handle_kind == ASIDL_NDR_HANDLE_GENERIC && c->handle_param == 0);
    CHECK(c->generic_bind && c->generic_unbind);
    /* the server never binds: a server program need not define server_name_bind */
    CHECK(s && s->handle_kind == ASIDL_NDR_HANDLE_AUTO && !s->generic_bind && !s->generic_unbind);
    wchar_t name[] = L"srv";
    server_name arg = name;
    if (c->generic_bind) {
        /* the runtime hands the thunks the address of the [handle] parameter */
        void *h = c->generic_bind(&arg);
        CHECK(h == BINDING && binds == 1 && bound_name == name);
        c->generic_unbind(&arg, h);
        CHECK_EQ_INT(unbinds, 1);
    }
    /* the generic handle is also an ordinary [in] parameter on the wire */
    gen_server_interface = explicit_handles_ServerIfHandle;
    CHECK_EQ_INT(c_Named(name, 9), 9);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK_NO_LEAKS();
}

TEST(context_handles_strict_and_not_serialized)
{
    const asidl_ndr_proc *p = gen_proc(explicit_handles_ClientIfHandle, "Bump");
    CHECK(p && p->handle_kind == ASIDL_NDR_HANDLE_CONTEXT && p->handle_param == 0);
    const asidl_ndr_type *t = p->params[0].type;
    CHECK(t->kind == ASIDL_NDR_CONTEXT_HANDLE);
    CHECK((t->flags & ASIDL_NDR_F_CTX_STRICT) && (t->flags & ASIDL_NDR_F_CTX_NOSERIALIZE));
    gen_server_interface = explicit_handles_ServerIfHandle;
    counter c = NULL;
    CHECK_EQ_INT(c_Make(BINDING, &c), 0);
    CHECK(c != NULL);
    CHECK_EQ_INT(c_Bump(c), 1);
    CHECK_EQ_INT(c_Bump(c), 2);
    free(c);   /* the loopback's handles are the server's pointers */
}

TEST(implicit_handle_is_the_clients_variable_and_not_the_servers)
{
    const asidl_interface *ci = implicit_handles_ClientIfHandle, *si = implicit_handles_ServerIfHandle;
    const asidl_ndr_proc *c = gen_proc(ci, "Get"), *s = gen_proc(si, "Get");
    CHECK(c && c->handle_kind == ASIDL_NDR_HANDLE_IMPLICIT && c->implicit_handle == (void *)&implicit_binding);
    CHECK(ci->implicit_handle == &implicit_binding && si->implicit_handle == NULL);
    CHECK(s && s->handle_kind == ASIDL_NDR_HANDLE_AUTO && s->implicit_handle == NULL);
    gen_server_interface = si;
    implicit_binding = BINDING;
    long v = 0;
    CHECK_EQ_INT(c_Get(&v), 1);
    CHECK_EQ_INT(v, 17);
}

TEST(auto_handle_and_ms_union)
{
    const asidl_ndr_proc *p = gen_proc(auto_handles_ClientIfHandle, "Now");
    CHECK(p && p->handle_kind == ASIDL_NDR_HANDLE_AUTO);
    const asidl_ndr_type *u = ((const asidl_ndr_pointer *)gen_param(p, "c")->type)->referent;
    CHECK(u->kind == ASIDL_NDR_UNION && (u->flags & ASIDL_NDR_F_MS_UNION) && u->align == 8);
    gen_server_interface = auto_handles_ServerIfHandle;
    choice c = { .tiny = 5 };
    CHECK_EQ_INT(c_Now(1, &c), 5);
    /* [ms_union]: the arm aligns to the union's 8, after the 2-octet discriminant */
    CHECK_EQ_INT(gen_last_request_len, 2 + 2 + 4 + 1);
    c.big = 0x700000000LL;
    CHECK_EQ_INT(c_Now(2, &c), 7);
}

TEST(oldnames_client_handle_is_a_plain_variable_the_stubs_do_not_read)
{
    /* seed 003 stores a binding handle in AsyncRPC_ClientIfHandle and passes it as one */
    RPC_IF_HANDLE saved = explicit_handles_ClientIfHandle;
    explicit_handles_ClientIfHandle = BINDING;
    gen_server_interface = explicit_handles_ServerIfHandle;
    CHECK_EQ_INT(c_Bound(explicit_handles_ClientIfHandle, 41), 42);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    explicit_handles_ClientIfHandle = saved;
}

TEST(nocode_leaves_the_stub_to_the_application_and_callbacks_are_numbered_apart)
{
    CHECK_EQ_INT(c_Skipped(BINDING, 3), -3);
    const asidl_interface *si = explicit_handles_ServerIfHandle, *ci = explicit_handles_ClientIfHandle;
    CHECK(gen_proc(si, "Skipped") != NULL);   /* the server still dispatches it */
    /* [callback] Progress is callback opnum 0, and the other operations are numbered without
     * it ([MS-RPCE] 2.2.4.2): Skipped is 5, Last 6, and every EPV index is the opnum. */
    CHECK(gen_proc(si, "Progress") == NULL && si->proc_count == 7 && si->epv_slots == NULL);
    CHECK(gen_proc(si, "Skipped")->opnum == 5 && gen_proc(si, "Last")->opnum == 6);
    for (int side = 0; side < 2; side++) {
        const asidl_interface *itf = side ? ci : si;
        CHECK(itf->callback_count == 1 && itf->callbacks && itf->callbacks[0]->opnum == 0 &&
              (itf->callbacks[0]->flags & ASIDL_NDR_PROC_CALLBACK) && !strcmp(itf->callbacks[0]->name, "Progress"));
    }
    typedef long progress_fn(long);
    CHECK(si->callback_epv == NULL && ci->callback_epv && *(progress_fn *const *)ci->callback_epv == c_Progress);
    const explicit_handles_v1_0_epv_t *epv = si->default_epv;
    CHECK(epv->Skipped == s_Skipped && epv->Last == s_Last);
    gen_server_interface = si;
    CHECK_EQ_INT(c_Last(BINDING, 2), 200);   /* its manager is at its opnum in the EPV */
    /* [nocode] on an interface, [code] on its operation */
    CHECK(gen_proc(auto_handles_ClientIfHandle, "Now") != NULL);
}

int main(void)
{
    RUN(every_descriptor_passes_the_engine_checks);
    RUN(explicit_handle_acf_adds_IDL_handle_first);
    RUN(generic_handles_bind_through_the_applications_routines);
    RUN(context_handles_strict_and_not_serialized);
    RUN(implicit_handle_is_the_clients_variable_and_not_the_servers);
    RUN(auto_handle_and_ms_union);
    RUN(oldnames_client_handle_is_a_plain_variable_the_stubs_do_not_read);
    RUN(nocode_leaves_the_stub_to_the_application_and_callbacks_are_numbered_apart);
    return test_exit();
}
