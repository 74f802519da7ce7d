/*
 * String bindings and binding handles with Microsoft's names and results: composing and
 * parsing (escapes, endpoint= form, options, every malformed shape refused), handles from
 * string bindings validated per protocol sequence, round trips, copies, object UUIDs, options
 * and timeouts, and the W forms with wchar_t strings.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <wchar.h>

#include <rpc.h>

#include "test.h"

static bool str_is(RPC_CSTR s, const char *want)
{
    bool same = s && strcmp((const char *)s, want) == 0;
    if (!same)
        printf("#   got \"%s\", expected \"%s\"\n", s ? (const char *)s : "(null)", want);
    return same;
}

TEST(compose_joins_the_parts_as_windows_does)
{
    RPC_CSTR s = NULL;
    CHECK_EQ_INT(RpcStringBindingComposeA((RPC_CSTR)"6ba7b810-9dad-11d1-80b4-00c04fd430c8",
                                          (RPC_CSTR)"ncacn_ip_tcp", (RPC_CSTR)"host.example",
                                          (RPC_CSTR)"135", (RPC_CSTR)"opt=1", &s), RPC_S_OK);
    CHECK(str_is(s, "6ba7b810-9dad-11d1-80b4-00c04fd430c8@ncacn_ip_tcp:host.example[135,opt=1]"));
    RpcStringFreeA(&s);
    CHECK_EQ_INT(RpcStringBindingComposeA(NULL, (RPC_CSTR)"ncalrpc", NULL, (RPC_CSTR)"svc", NULL, &s), RPC_S_OK);
    CHECK(str_is(s, "ncalrpc:[svc]"));
    RpcStringFreeA(&s);
    CHECK_EQ_INT(RpcStringBindingComposeA((RPC_CSTR)"", (RPC_CSTR)"ncacn_ip_tcp", (RPC_CSTR)"::1",
                                          (RPC_CSTR)"", (RPC_CSTR)"", &s), RPC_S_OK);
    CHECK(str_is(s, "ncacn_ip_tcp:::1"));
    RpcStringFreeA(&s);
    CHECK_EQ_INT(RpcStringBindingComposeA(NULL, (RPC_CSTR)"ncacn_ip_tcp", NULL, NULL, (RPC_CSTR)"a=b", &s),
                 RPC_S_OK);
    CHECK(str_is(s, "ncacn_ip_tcp:[,a=b]"));
    RpcStringFreeA(&s);
    /* Delimiters inside a part are escaped with a backslash, and parse back unchanged. */
    CHECK_EQ_INT(RpcStringBindingComposeA(NULL, (RPC_CSTR)"ncalrpc", NULL, (RPC_CSTR)"a,b]c\\d@e=f",
                                          NULL, &s), RPC_S_OK);
    CHECK(str_is(s, "ncalrpc:[a\\,b\\]c\\\\d\\@e\\=f]"));
    RPC_CSTR ep = NULL;
    CHECK_EQ_INT(RpcStringBindingParseA(s, NULL, NULL, NULL, &ep, NULL), RPC_S_OK);
    CHECK(str_is(ep, "a,b]c\\d@e=f"));
    RpcStringFreeA(&ep);
    RpcStringFreeA(&s);
    CHECK_EQ_INT(RpcStringBindingComposeA(NULL, NULL, NULL, NULL, NULL, NULL), RPC_S_INVALID_ARG);
}

TEST(parse_returns_every_part_and_empty_strings_for_absent_ones)
{
    RPC_CSTR u, p, n, e, o;
    CHECK_EQ_INT(RpcStringBindingParseA((RPC_CSTR)"6ba7b810-9dad-11d1-80b4-00c04fd430c8@ncacn_ip_tcp:"
                                        "10.0.0.1[4747,opt1=a,opt2=b]", &u, &p, &n, &e, &o), RPC_S_OK);
    CHECK(str_is(u, "6ba7b810-9dad-11d1-80b4-00c04fd430c8"));
    CHECK(str_is(p, "ncacn_ip_tcp"));
    CHECK(str_is(n, "10.0.0.1"));
    CHECK(str_is(e, "4747"));
    CHECK(str_is(o, "opt1=a,opt2=b"));
    RPC_CSTR *all[] = { &u, &p, &n, &e, &o };
    for (int i = 0; i < 5; i++)
        RpcStringFreeA(all[i]);

    CHECK_EQ_INT(RpcStringBindingParseA((RPC_CSTR)"ncalrpc:", &u, &p, &n, &e, &o), RPC_S_OK);
    CHECK(str_is(u, "") && str_is(p, "ncalrpc") && str_is(n, "") && str_is(e, "") && str_is(o, ""));
    for (int i = 0; i < 5; i++)
        RpcStringFreeA(all[i]);

    /* "endpoint=" names the endpoint; NULL outputs are skipped. */
    CHECK_EQ_INT(RpcStringBindingParseA((RPC_CSTR)"ncacn_ip_tcp:h[endpoint=99,x=y]", NULL, NULL, NULL, &e, &o),
                 RPC_S_OK);
    CHECK(str_is(e, "99") && str_is(o, "x=y"));
    RpcStringFreeA(&e);
    RpcStringFreeA(&o);
    /* The address of an IPv6 host runs up to the bracket. */
    CHECK_EQ_INT(RpcStringBindingParseA((RPC_CSTR)"ncacn_ip_tcp:fe80::1%eth0[135]", NULL, NULL, &n, &e, NULL),
                 RPC_S_OK);
    CHECK(str_is(n, "fe80::1%eth0") && str_is(e, "135"));
    RpcStringFreeA(&n);
    RpcStringFreeA(&e);
}

TEST(malformed_string_bindings_are_refused_and_outputs_left_null)
{
    static const struct { const char *text; RPC_STATUS st; } bad[] = {
        { "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}@ncacn_ip_tcp:h", RPC_S_INVALID_STRING_UUID },
        { "not-a-uuid@ncacn_ip_tcp:h", RPC_S_INVALID_STRING_UUID },
        { "6ba7b810-9dad-11d1-80b4-00c04fd430c8@ncacn_ip_tcp", RPC_S_INVALID_STRING_BINDING },
        { "ncacn_ip_tcp", RPC_S_INVALID_STRING_BINDING },
        { "ncacn_ip_tcp:h[135", RPC_S_INVALID_STRING_BINDING },
        { "ncacn_ip_tcp:h[135]x", RPC_S_INVALID_STRING_BINDING },
        { "ncacn_ip_tcp:h]135", RPC_S_INVALID_STRING_BINDING },
        { "ncacn_ip_tcp:h[135,136]", RPC_S_INVALID_STRING_BINDING },
        { "ncacn_ip_tcp:h[135,endpoint=136]", RPC_S_INVALID_STRING_BINDING },
        { "ncacn_ip_tcp:h[135,=v]", RPC_S_INVALID_STRING_BINDING },
        { "ncacn_ip_tcp:h[1[2]]", RPC_S_INVALID_STRING_BINDING },
        { "ncacn_ip_tcp:h\\", RPC_S_INVALID_STRING_BINDING },
        { "ncacn_ip_tcp:h[135,]", RPC_S_INVALID_STRING_BINDING },
    };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        RPC_CSTR u = (RPC_CSTR)1, p = (RPC_CSTR)1, n = (RPC_CSTR)1, e = (RPC_CSTR)1, o = (RPC_CSTR)1;
        RPC_STATUS st = RpcStringBindingParseA((RPC_CSTR)bad[i].text, &u, &p, &n, &e, &o);
        if (st != bad[i].st)
            printf("#   \"%s\": %ld\n", bad[i].text, (long)st);
        CHECK_EQ_INT(st, bad[i].st);
        CHECK(!u && !p && !n && !e && !o);
        RPC_BINDING_HANDLE h = (RPC_BINDING_HANDLE)1;
        CHECK_EQ_INT(RpcBindingFromStringBindingA((RPC_CSTR)bad[i].text, &h), bad[i].st);
        CHECK(h == NULL);
    }
    CHECK_EQ_INT(RpcStringBindingParseA(NULL, NULL, NULL, NULL, NULL, NULL), RPC_S_INVALID_STRING_BINDING);
}

TEST(handles_are_validated_per_protocol_sequence)
{
    static const struct { const char *text; RPC_STATUS st; } cases[] = {
        { "ncacn_ip_tcp:127.0.0.1[135]", RPC_S_OK },
        { "ncacn_ip_tcp:::1[49152]", RPC_S_OK },
        { "ncacn_ip_tcp:server.example.com", RPC_S_OK },
        { "ncalrpc:[my_endpoint]", RPC_S_OK },
        { "ncalrpc:localhost[my_endpoint]", RPC_S_OK },
        { "ncacn_np:server[\\pipe\\x]", RPC_S_PROTSEQ_NOT_SUPPORTED },
        { "ncadg_ip_udp:server[135]", RPC_S_PROTSEQ_NOT_SUPPORTED },
        { "tcp:server[135]", RPC_S_INVALID_RPC_PROTSEQ },
        { ":server[135]", RPC_S_INVALID_RPC_PROTSEQ },
        { "ncacn_ip_tcp:server[http]", RPC_S_INVALID_ENDPOINT_FORMAT },
        { "ncacn_ip_tcp:server[70000]", RPC_S_INVALID_ENDPOINT_FORMAT },
        { "ncacn_ip_tcp:bad host[135]", RPC_S_INVALID_NET_ADDR },
        { "ncalrpc:[a/b]", RPC_S_INVALID_ENDPOINT_FORMAT },
        { "ncalrpc:[..]", RPC_S_INVALID_ENDPOINT_FORMAT },
        { "ncalrpc:192.0.2.7[svc]", RPC_S_INVALID_NET_ADDR },
    };
    for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        RPC_BINDING_HANDLE h = NULL;
        RPC_STATUS st = RpcBindingFromStringBindingA((RPC_CSTR)cases[i].text, &h);
        if (st != cases[i].st)
            printf("#   \"%s\": %ld\n", cases[i].text, (long)st);
        CHECK_EQ_INT(st, cases[i].st);
        CHECK_EQ_INT(h != NULL, st == RPC_S_OK);
        if (h)
            CHECK_EQ_INT(RpcBindingFree(&h), RPC_S_OK);
        CHECK(h == NULL);
    }
}

TEST(a_handle_gives_back_its_string_binding)
{
    const char *text = "6ba7b810-9dad-11d1-80b4-00c04fd430c8@ncacn_ip_tcp:10.1.2.3[4747,k=v]";
    RPC_BINDING_HANDLE h = NULL;
    CHECK_EQ_INT(RpcBindingFromStringBindingA((RPC_CSTR)text, &h), RPC_S_OK);
    RPC_CSTR s = NULL;
    CHECK_EQ_INT(RpcBindingToStringBindingA(h, &s), RPC_S_OK);
    CHECK(str_is(s, text));
    RpcStringFreeA(&s);
    UUID obj;
    CHECK_EQ_INT(RpcBindingInqObject(h, &obj), RPC_S_OK);
    CHECK_EQ_INT(obj.Data1, 0x6ba7b810);

    /* Reset drops the endpoint (the endpoint mapper's job to find it again). */
    CHECK_EQ_INT(RpcBindingReset(h), RPC_S_OK);
    CHECK_EQ_INT(RpcBindingToStringBindingA(h, &s), RPC_S_OK);
    CHECK(str_is(s, "6ba7b810-9dad-11d1-80b4-00c04fd430c8@ncacn_ip_tcp:10.1.2.3[,k=v]"));
    RpcStringFreeA(&s);
    RpcBindingFree(&h);
}

TEST(copies_are_independent_handles)
{
    RPC_BINDING_HANDLE h = NULL, copy = NULL;
    CHECK_EQ_INT(RpcBindingFromStringBindingA((RPC_CSTR)"ncacn_ip_tcp:127.0.0.1[9]", &h), RPC_S_OK);
    CHECK_EQ_INT(RpcBindingSetOption(h, RPC_C_OPT_CALL_TIMEOUT, 1500), RPC_S_OK);
    CHECK_EQ_INT(RpcBindingCopy(h, &copy), RPC_S_OK);
    CHECK(copy != NULL && copy != h);
    ULONG_PTR v = 0;
    CHECK_EQ_INT(RpcBindingInqOption(copy, RPC_C_OPT_CALL_TIMEOUT, &v), RPC_S_OK);
    CHECK_EQ_INT(v, 1500);
    UUID obj = { 0x11111111, 2, 3, { 4 } };
    CHECK_EQ_INT(RpcBindingSetObject(copy, &obj), RPC_S_OK);
    UUID got;
    RPC_STATUS st;
    CHECK_EQ_INT(RpcBindingInqObject(h, &got), RPC_S_OK);
    CHECK(UuidIsNil(&got, &st));                    /* the original is unchanged */
    CHECK_EQ_INT(RpcBindingInqObject(copy, &got), RPC_S_OK);
    CHECK(UuidEqual(&got, &obj, &st));
    CHECK_EQ_INT(RpcBindingSetObject(copy, NULL), RPC_S_OK);
    CHECK_EQ_INT(RpcBindingInqObject(copy, &got), RPC_S_OK);
    CHECK(UuidIsNil(&got, &st));
    CHECK_EQ_INT(RpcBindingFree(&h), RPC_S_OK);
    CHECK_EQ_INT(RpcBindingFree(&copy), RPC_S_OK);
}

TEST(options_and_timeouts)
{
    RPC_BINDING_HANDLE h = NULL;
    CHECK_EQ_INT(RpcBindingFromStringBindingA((RPC_CSTR)"ncalrpc:[x]", &h), RPC_S_OK);
    ULONG_PTR v = 99;
    CHECK_EQ_INT(RpcBindingInqOption(h, RPC_C_OPT_CALL_TIMEOUT, &v), RPC_S_OK);
    CHECK_EQ_INT(v, 0);
    CHECK_EQ_INT(RpcBindingSetOption(h, RPC_C_OPT_CALL_TIMEOUT, 0xFFFFFFFF), RPC_S_OK);  /* INFINITE */
    CHECK_EQ_INT(RpcBindingInqOption(h, RPC_C_OPT_CALL_TIMEOUT, &v), RPC_S_OK);
    CHECK_EQ_INT(v, 0);
    CHECK_EQ_INT(RpcBindingSetOption(h, RPC_C_OPT_BINDING_NONCAUSAL, TRUE), RPC_S_OK);
    CHECK_EQ_INT(RpcBindingInqOption(h, RPC_C_OPT_BINDING_NONCAUSAL, &v), RPC_S_OK);
    CHECK_EQ_INT(v, 1);
    CHECK_EQ_INT(RpcBindingSetOption(h, 4242, 1), RPC_S_INVALID_ARG);
    CHECK_EQ_INT(RpcBindingInqOption(h, 4242, &v), RPC_S_INVALID_ARG);
    unsigned int t = 0;
    CHECK_EQ_INT(RpcMgmtInqComTimeout(h, &t), RPC_S_OK);
    CHECK_EQ_INT(t, RPC_C_BINDING_DEFAULT_TIMEOUT);
    CHECK_EQ_INT(RpcMgmtSetComTimeout(h, RPC_C_BINDING_INFINITE_TIMEOUT), RPC_S_OK);
    CHECK_EQ_INT(RpcMgmtSetComTimeout(h, 11), RPC_S_INVALID_TIMEOUT);
    RpcBindingFree(&h);
}

TEST(invalid_handles_are_refused)
{
    RPC_BINDING_HANDLE h = NULL;
    CHECK_EQ_INT(RpcBindingFree(&h), RPC_S_INVALID_BINDING);
    UUID u;
    CHECK_EQ_INT(RpcBindingInqObject(NULL, &u), RPC_S_INVALID_BINDING);
    CHECK_EQ_INT(RpcBindingSetOption(NULL, RPC_C_OPT_CALL_TIMEOUT, 1), RPC_S_INVALID_BINDING);
    RPC_CSTR s;
    CHECK_EQ_INT(RpcBindingToStringBindingA(NULL, &s), RPC_S_INVALID_BINDING);
    int not_a_handle[16] = { 0 };
    CHECK_EQ_INT(RpcBindingReset(not_a_handle), RPC_S_INVALID_BINDING);
    RPC_BINDING_HANDLE copy;
    CHECK_EQ_INT(RpcBindingCopy(not_a_handle, &copy), RPC_S_INVALID_BINDING);
}

TEST(wide_forms_take_wchar_t_strings)
{
    RPC_WSTR s = NULL;
    CHECK_EQ_INT(RpcStringBindingComposeW(NULL, L"ncacn_ip_tcp", L"h\u00e9te", L"135", NULL, &s), RPC_S_OK);
    CHECK(s && wcscmp(s, L"ncacn_ip_tcp:h\u00e9te[135]") == 0);
    RPC_WSTR p = NULL, n = NULL, e = NULL;
    CHECK_EQ_INT(RpcStringBindingParseW(s, NULL, &p, &n, &e, NULL), RPC_S_OK);
    CHECK(p && wcscmp(p, L"ncacn_ip_tcp") == 0);
    CHECK(n && wcscmp(n, L"h\u00e9te") == 0);
    CHECK(e && wcscmp(e, L"135") == 0);
    RpcStringFreeW(&p);
    RpcStringFreeW(&n);
    RpcStringFreeW(&e);
    RpcStringFreeW(&s);

    RPC_BINDING_HANDLE h = NULL;
    CHECK_EQ_INT(RpcBindingFromStringBindingW(L"ncalrpc:[wide]", &h), RPC_S_OK);
    CHECK_EQ_INT(RpcBindingToStringBindingW(h, &s), RPC_S_OK);
    CHECK(s && wcscmp(s, L"ncalrpc:[wide]") == 0);
    RpcStringFreeW(&s);
    RpcBindingFree(&h);
    /* A lone surrogate is not a character. */
    wchar_t bad[] = { L'n', 0xD800, 0 };
    CHECK_EQ_INT(RpcBindingFromStringBindingW(bad, &h), RPC_S_INVALID_STRING_BINDING);
    CHECK_EQ_INT(RpcStringBindingParseW(L"6ba7b810@ncalrpc:", NULL, &p, NULL, NULL, NULL),
                 RPC_S_INVALID_STRING_UUID);
}

int main(void)
{
    RUN(compose_joins_the_parts_as_windows_does);
    RUN(parse_returns_every_part_and_empty_strings_for_absent_ones);
    RUN(malformed_string_bindings_are_refused_and_outputs_left_null);
    RUN(handles_are_validated_per_protocol_sequence);
    RUN(a_handle_gives_back_its_string_binding);
    RUN(copies_are_independent_handles);
    RUN(options_and_timeouts);
    RUN(invalid_handles_are_refused);
    RUN(wide_forms_take_wchar_t_strings);
    return test_exit();
}
