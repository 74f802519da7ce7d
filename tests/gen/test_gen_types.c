/*
 * The stubs asidl generates from tests/gen/types.idl, run end to end through the NDR engine
 * (gen_test.h's loopback): every type family, as parameters, fields and results, at top level
 * and embedded, in and out.  Each test calls the generated client stub as an application
 * would; the loopback marshals with the generated client descriptors, unmarshals with the
 * generated server descriptors, calls the manager routine below (the -prefix server "s_"
 * names, from the generated default EPV), and brings the reply back.  Values are compared on
 * both sides, the client frees what it received, and the counting allocator shows nothing
 * leaks.  Every truncation of every request must fail cleanly on the server side.
 */
#include <math.h>
#include <wchar.h>

#include "gen_test.h"
#include "types.h"

#define ASIDL_HANDLE ((handle_t)(uintptr_t)0x5150)   /* a binding handle value: it does not travel */

static int manager_calls;

/* ===================================================================== interface objects */

TEST(descriptors_pass_the_engine_checks_on_both_sides)
{
    const asidl_interface *c = gen_types_v2_1_c_ifspec, *s = gen_types_v2_1_s_ifspec;
    CHECK_EQ_INT(gen_validate_interface(c), 21);
    CHECK_EQ_INT(gen_validate_interface(s), 21);
}

TEST(interface_objects_carry_identity_endpoints_and_epv)
{
    const asidl_interface *c = gen_types_v2_1_c_ifspec, *s = gen_types_v2_1_s_ifspec;
    static const GUID uuid = { 0x2b7c1d40, 0x5e6f, 0x4a81, { 0x9b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60, 0x71, 0x82 } };
    CHECK(c->magic == ASIDL_INTERFACE_MAGIC && s->magic == ASIDL_INTERFACE_MAGIC);
    CHECK(memcmp(&c->uuid, &uuid, sizeof uuid) == 0 && memcmp(&s->uuid, &uuid, sizeof uuid) == 0);
    CHECK(c->major == 2 && c->minor == 1 && s->major == 2 && s->minor == 1);
    CHECK_EQ_INT(c->proc_count, 22);   /* LocalOnly has opnum 19 and no descriptor */
    CHECK(c->procs[19] == NULL && s->procs[19] == NULL);
    CHECK(c->default_epv == NULL);
    const gen_types_v2_1_epv_t *epv = s->default_epv;
    CHECK(epv && epv->Bases == s_Bases && epv->Later == s_Later && epv->Converted == s_Converted);
    CHECK(s->endpoints && !strcmp(s->endpoints[0], "ncacn_ip_tcp:[4747]") &&
          !strcmp(s->endpoints[1], "ncalrpc:[gen_types]") && s->endpoints[2] == NULL);
    /* after the [local] operation, EPV slots and opnums part */
    CHECK(s->epv_slots && s->epv_slots[18] == 18 && s->epv_slots[19] == -1 && s->epv_slots[20] == 19 &&
          s->epv_slots[21] == 20);
    /* only the procedures passing a union or a converted type by value get an invoker */
    int invokers = 0;
    for (uint32_t i = 0; i < s->proc_count; i++)
        invokers += s->invokers && s->invokers[i] != NULL;
    CHECK_EQ_INT(invokers, 2);
    CHECK(s->invokers[14] != NULL && s->invokers[18] != NULL);
    CHECK(c->implicit_handle == NULL && c->invokers == NULL && c->epv_slots == NULL);
}

TEST(parameter_descriptors_say_direction_and_c_class)
{
    const asidl_ndr_proc *p = gen_proc(gen_types_v2_1_c_ifspec, "Scalars");
    CHECK(p && p->opnum == 1 && p->handle_kind == ASIDL_NDR_HANDLE_EXPLICIT && p->handle_param == 0);
    CHECK(p->flags == ASIDL_NDR_PROC_HAS_RETURN && p->n_params == 13);
    CHECK(p->params[0].flags == (ASIDL_NDR_PARAM_IN | ASIDL_NDR_PARAM_NOWIRE) && p->params[0].type == NULL);
    CHECK(gen_param(p, "f")->ctype == ASIDL_NDR_C_FLOAT && gen_param(p, "d")->ctype == ASIDL_NDR_C_DOUBLE);
    CHECK(gen_param(p, "x")->ctype == (8 | ASIDL_NDR_C_SIGNED) && gen_param(p, "u")->ctype == sizeof(unsigned long));
    CHECK(gen_param(p, "r")->type->kind == ASIDL_NDR_RANGE && gen_param(p, "p")->type->kind == ASIDL_NDR_RANGE);
    CHECK(gen_param(p, "c")->type->align == 2 && gen_param(p, "wc")->type->align == 4);   /* enum, v1_enum */
    const asidl_ndr_param *ret = &p->params[12];
    CHECK(ret->flags == (ASIDL_NDR_PARAM_OUT | ASIDL_NDR_PARAM_RETURN) && ret->ctype == ASIDL_NDR_C_DOUBLE);

    p = gen_proc(gen_types_v2_1_c_ifspec, "Status");
    CHECK(p && (p->flags & ASIDL_NDR_PROC_COMM_STATUS));
    CHECK(gen_param(p, "comm")->flags == (ASIDL_NDR_PARAM_OUT | ASIDL_NDR_PARAM_COMM_STATUS | ASIDL_NDR_PARAM_NOWIRE));
    CHECK(gen_param(p, "fault")->flags == (ASIDL_NDR_PARAM_OUT | ASIDL_NDR_PARAM_FAULT_STATUS | ASIDL_NDR_PARAM_NOWIRE));

    p = gen_proc(gen_types_v2_1_c_ifspec, "Later");
    CHECK(p && p->flags == (ASIDL_NDR_PROC_ASYNC | ASIDL_NDR_PROC_HAS_RETURN) && p->n_params == 4);
    p = gen_proc(gen_types_v2_1_c_ifspec, "Add");
    CHECK(p && p->handle_kind == ASIDL_NDR_HANDLE_CONTEXT && p->handle_param == 0);
    p = gen_proc(gen_types_v2_1_c_ifspec, "ByValue");
    CHECK(p && gen_param(p, "n")->ctype == ASIDL_NDR_C_AGGREGATE && gen_param(p, "n")->mem_size == sizeof(number));
    /* an array parameter is a [ref] pointer to the array */
    p = gen_proc(gen_types_v2_1_c_ifspec, "Arrays");
    const asidl_ndr_type *fixed = gen_param(p, "fixed")->type;
    CHECK(fixed->kind == ASIDL_NDR_POINTER && (fixed->flags & ASIDL_NDR_PTR_KIND_MASK) == ASIDL_NDR_PTR_REF);
    CHECK(((const asidl_ndr_pointer *)fixed)->referent->mem_size == 3 * sizeof(long));
}

/* ===================================================================== base types */

static all_bases sample_bases(void)
{
    all_bases b = {
        .flag = 1, .octet = 0xfe, .c = 'q', .wc = 0x20ac, .sm = -100, .usm = 200, .s = -30000, .us = 60000,
        .i = -2000000000, .ui = 4000000000u, .l = -2147483647L - 1, .ul = 4294967295UL,
        .h = -0x0102030405060708LL, .uh = 0xf0e0d0c0b0a09080ULL, .i32 = 123456, .i3264 = -42,
        .f = 1.5f, .d = -2.25, .status = 1783, .col = BLUE, .wcol = WIDE_HIGH,
    };
    return b;
}

short s_Bases(handle_t h, all_bases *in, all_bases *out)
{
    manager_calls++;
    all_bases want = sample_bases();
    CHECK(h == NULL);   /* the binding handle does not travel; the runtime gives the server its own */
    CHECK(in->flag == 1 && in->octet == 0xfe && in->c == 'q' && in->wc == 0x20ac && in->sm == -100);
    CHECK(in->usm == 200 && in->s == -30000 && in->us == 60000 && in->i == -2000000000 && in->ui == 4000000000u);
    CHECK(in->l == want.l && in->ul == want.ul && in->h == want.h && in->uh == want.uh);
    CHECK(in->i32 == 123456 && in->i3264 == -42 && in->f == 1.5f && in->d == -2.25 && in->status == 1783);
    CHECK(in->col == BLUE && in->wcol == WIDE_HIGH);
    *out = *in;
    out->l = 2147483647L;
    out->wc = 0xffff;
    out->col = GREEN;
    out->d = 1e300;
    return -7;
}

TEST(base_types_cross_in_both_directions)
{
    all_bases in = sample_bases(), out;
    memset(&out, 0x5a, sizeof out);
    short r = Bases(ASIDL_HANDLE, &in, &out);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK_EQ_INT(r, -7);
    CHECK(out.l == 2147483647L && out.wc == 0xffff && out.col == GREEN && out.d == 1e300);
    CHECK(out.h == in.h && out.uh == in.uh && out.ul == in.ul && out.sm == in.sm && out.i3264 == in.i3264);
    /* IDL long is 4 octets on the wire, whatever C's long is: 21 members in 84 octets */
    CHECK_EQ_INT(gen_last_request_len, 84);
    CHECK_NO_LEAKS();
}

TEST(a_long_beyond_32_bits_is_refused_not_truncated)
{
    all_bases in = sample_bases(), out;
    if (sizeof(long) > 4) {
        in.l = (long)(0x7fffffffL) + 1;   /* does not fit the wire's 32 bits */
        int before = manager_calls;
        Bases(ASIDL_HANDLE, &in, &out);
        CHECK_EQ_INT(gen_last_status, RPC_X_BAD_STUB_DATA);
        CHECK_EQ_INT(manager_calls, before);
    }
    CHECK_NO_LEAKS();
}

double s_Scalars(handle_t h, small s, boolean b, wchar_t w, float f, double d, hyper x, unsigned long u, color c,
                 wide_color wc, long r, percent p)
{
    (void)h;
    manager_calls++;
    CHECK(s == -5 && b == 1 && w == 0xe9 && f == 0.5f && d == 3.0 && x == 0x123456789abcLL && u == 7);
    CHECK(c == GREEN && wc == WIDE_LOW && r == 10 && p == 100);
    return d * 2 + f;
}

TEST(scalars_and_a_double_result)
{
    double r = Scalars(ASIDL_HANDLE, -5, 1, 0xe9, 0.5f, 3.0, 0x123456789abcLL, 7, GREEN, WIDE_LOW, 10, 100);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK(r == 6.5);
}

TEST(range_and_enum_bounds_are_enforced)
{
    int before = manager_calls;
    Scalars(ASIDL_HANDLE, 0, 0, 0, 0, 0, 0, 0, RED, WIDE_LOW, 11, 50);    /* [range(0, 10)] */
    CHECK_EQ_INT(gen_last_status, RPC_X_INVALID_BOUND);
    Scalars(ASIDL_HANDLE, 0, 0, 0, 0, 0, 0, 0, RED, WIDE_LOW, 5, 0);      /* percent is 1..100 */
    CHECK_EQ_INT(gen_last_status, RPC_X_INVALID_BOUND);
    Scalars(ASIDL_HANDLE, 0, 0, 0, 0, 0, 0, 0, (color)0x8000, WIDE_LOW, 5, 5);   /* 16-bit enum */
    CHECK_EQ_INT(gen_last_status, RPC_X_ENUM_VALUE_OUT_OF_RANGE);
    CHECK_EQ_INT(manager_calls, before);
    CHECK_NO_LEAKS();
}

/* ===================================================================== structures */

long s_Lists(handle_t h, node *list, node **copy)
{
    (void)h;
    long n = 0;
    *copy = NULL;
    for (node *p = list; p; p = p->next, n++) {
        node *c = MIDL_user_allocate(sizeof *c);
        c->value = p->value * 10;
        c->next = *copy;    /* reversed */
        *copy = c;
    }
    return n;
}

static void free_list(node *p)
{
    while (p) {
        node *next = p->next;
        MIDL_user_free(p);
        p = next;
    }
}

TEST(linked_lists_through_unique_pointers_even_long_ones)
{
    node nodes[3] = { { 1, &nodes[1] }, { 2, &nodes[2] }, { 3, NULL } };
    node *copy = NULL;
    CHECK_EQ_INT(Lists(ASIDL_HANDLE, nodes, &copy), 3);
    CHECK(copy && copy->value == 30 && copy->next && copy->next->value == 20 && copy->next->next &&
          copy->next->next->value == 10 && !copy->next->next->next);
    free_list(copy);

    enum { LONG_LIST = 5000 };
    node *many = calloc(LONG_LIST, sizeof *many);
    for (int i = 0; i < LONG_LIST; i++) {
        many[i].value = i;
        many[i].next = i + 1 < LONG_LIST ? &many[i + 1] : NULL;
    }
    copy = NULL;
    CHECK_EQ_INT(Lists(ASIDL_HANDLE, many, &copy), LONG_LIST);
    CHECK(copy && copy->value == (LONG_LIST - 1) * 10);
    free_list(copy);
    free(many);
    CHECK_NO_LEAKS();
}

void s_Conformant(handle_t h, counted *c, window *w)
{
    (void)h;
    CHECK(c->count == 3 && c->values[0] == -1 && c->values[1] == 0 && c->values[2] == 1);
    CHECK(w->max == 6 && w->first == 1 && w->len == 3);
    CHECK(w->text[1] == L'a' && w->text[2] == 0xFFFF && w->text[3] == L'c');
    w->first = 0;
    w->len = 2;
    w->text[0] = L'o';
    w->text[1] = L'k';
}

TEST(conformant_and_conformant_varying_structures)
{
    counted *c = malloc(sizeof *c + 3 * sizeof(short));
    c->count = 3;
    c->values[0] = -1, c->values[1] = 0, c->values[2] = 1;
    window *w = malloc(sizeof *w + 6 * sizeof(wchar_t));
    w->max = 6;
    w->first = 1;
    w->len = 3;
    wmemset(w->text, L'-', 6);
    w->text[1] = L'a', w->text[2] = 0xFFFF, w->text[3] = L'c';
    Conformant(ASIDL_HANDLE, c, w);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK(w->first == 0 && w->len == 2 && w->text[0] == L'o' && w->text[1] == L'k');
    free(c);
    free(w);
    CHECK_NO_LEAKS();
}

TEST(a_wide_character_beyond_one_code_unit_is_refused)
{
    counted c1 = { 1, { 5 } };
    window *w = malloc(sizeof *w + 2 * sizeof(wchar_t));
    w->max = 2, w->first = 0, w->len = 1;
    w->text[0] = 0x1F600;
    Conformant(ASIDL_HANDLE, &c1, w);
    CHECK_EQ_INT(gen_last_status, RPC_X_BAD_STUB_DATA);
    free(w);
    CHECK_NO_LEAKS();
}

static long grid_cells[2] = { 100, 200 };

void s_Grids(handle_t h, grids *g)
{
    (void)h;
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++)
            CHECK(g->fixed[r][c] == r * 10 + c);
    CHECK(!strcmp(g->name, "grid"));
    CHECK(g->cells[0] && *g->cells[0] == 100 && g->cells[1] == NULL);
    g->fixed[1][2] = -1;
    strcpy(g->name, "done");
    *g->cells[0] = 101;
}

TEST(fixed_multidimensional_string_and_pointer_arrays_in_a_struct)
{
    grids g = { .fixed = { { 0, 1, 2 }, { 10, 11, 12 } }, .name = "grid", .cells = { &grid_cells[0], NULL } };
    Grids(ASIDL_HANDLE, &g);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK(g.fixed[1][2] == -1 && g.fixed[0][0] == 0 && !strcmp(g.name, "done"));
    CHECK(g.cells[0] == &grid_cells[0] && grid_cells[0] == 101);   /* [in, out]: written in place */
    grid_cells[0] = 100;
    CHECK_NO_LEAKS();
}

void s_Pointers(handle_t h, with_pointers *p, long *a, long *b, boolean *same)
{
    (void)h;
    CHECK(!strcmp(p->name, "pointers") && *p->required == 5 && p->n == 2);
    CHECK(p->twice && p->twice[0] == 1 && p->twice[3] == 4);
    CHECK(p->alias_a && p->alias_a == p->alias_b && *p->alias_a == 9);   /* [ptr] aliases stay aliases */
    CHECK(p->wide && !wcscmp(p->wide, L"\u00fc\U0001F600"));
    *same = a == b && *a == 77;
    *p->required = 6;
    p->twice[3] = 40;
}

TEST(embedded_and_top_level_full_pointers_keep_their_aliases)
{
    long required = 5, shared = 9, top = 77;
    byte twice[4] = { 1, 2, 3, 4 };
    wchar_t wide[] = L"\u00fc\U0001F600";
    char name[] = "pointers";
    with_pointers p = { name, &required, &shared, &shared, 2, twice, wide };
    boolean same = 0;
    Pointers(ASIDL_HANDLE, &p, &top, &top, &same);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK(same == 1);
    CHECK(required == 6 && twice[3] == 40 && p.twice == twice && p.name == name && p.alias_a == &shared);
    /* The reply's text is 4 UTF-16 units for the 3 wchar_t the client sent: the engine gives
     * it a new block (the old one stays the application's), which the application frees. */
    CHECK(p.wide && !wcscmp(p.wide, wide));
    if (p.wide != wide)
        MIDL_user_free(p.wide);
    CHECK_NO_LEAKS();
}

TEST(a_null_ref_pointer_is_refused)
{
    char name[] = "x";
    with_pointers p = { name, NULL, NULL, NULL, 0, NULL, NULL };
    long top = 1;
    boolean same;
    Pointers(ASIDL_HANDLE, &p, &top, &top, &same);
    CHECK_EQ_INT(gen_last_status, RPC_X_NULL_REF_POINTER);
    CHECK_NO_LEAKS();
}

/* ===================================================================== arrays */

long s_Arrays(handle_t h, unsigned long n, const long values[], long upto[], long fixed[3], short *deref, long *pn)
{
    (void)h;
    long sum = 0;
    for (unsigned long i = 0; i < n; i++)
        sum += values[i] + upto[i];
    for (int i = 0; i < 3; i++)
        sum += fixed[i];
    for (long i = 0; i < *pn; i++)
        sum += deref[i];
    return sum;
}

TEST(conformant_max_is_fixed_and_dereferenced_sizes)
{
    long values[4] = { 1, 2, 3, 4 }, upto[4] = { 10, 20, 30, 40 }, fixed[3] = { 100, 200, 300 }, pn = 2;
    short deref[2] = { 1000, 2000 };
    CHECK_EQ_INT(Arrays(ASIDL_HANDLE, 4, values, upto, fixed, deref, &pn), 3710);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    /* n, the conformant array (count + 4), max_is (count + 4), the fixed one, size_is(*pn) (count + 2), *pn */
    CHECK_EQ_INT(gen_last_request_len, 4 + 4 + 16 + 4 + 16 + 12 + 4 + 4 + 4);
    CHECK_NO_LEAKS();
}

void s_Varying(handle_t h, long first, long last, long window[10])
{
    (void)h;
    for (long i = first; i <= last; i++)
        window[i] *= 2;
}

TEST(first_is_and_last_is_send_only_the_window)
{
    long window[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    Varying(ASIDL_HANDLE, 3, 5, window);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK(window[2] == 2 && window[3] == 6 && window[5] == 10 && window[6] == 6);
    /* first, last, then offset 3 and count 3 and the three elements */
    CHECK_EQ_INT(gen_last_request_len, 4 + 4 + 8 + 12);
    Varying(ASIDL_HANDLE, 5, 12, window);   /* last_is beyond the array */
    CHECK(gen_last_status != RPC_S_OK);
    CHECK_NO_LEAKS();
}

void s_OutArray(handle_t h, unsigned long size, unsigned long *len, long *data)
{
    (void)h;
    CHECK(size == 8);
    *len = 3;
    for (int i = 0; i < 3; i++)
        data[i] = (i + 1) * 11;
}

TEST(out_array_sized_by_an_in_parameter_and_its_length_by_an_out_one)
{
    unsigned long len = 0;
    long data[8] = { 0 };
    OutArray(ASIDL_HANDLE, 8, &len, data);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK(len == 3 && data[0] == 11 && data[2] == 33 && data[3] == 0);
    CHECK_NO_LEAKS();
}

void s_Indirect(handle_t h, unsigned long n, long **pp, long **maybe)
{
    (void)h;
    CHECK(n == 3 && *pp && (*pp)[0] == 7 && (*pp)[2] == 9);
    if (*maybe) {
        **maybe += 1;
    } else {
        *maybe = MIDL_user_allocate(sizeof **maybe);
        **maybe = 42;
    }
}

TEST(size_is_on_the_second_level_and_a_unique_pointer_to_pointer)
{
    long cells[3] = { 7, 8, 9 }, *p = cells, *maybe = NULL, one = 1, *pone = &one;
    Indirect(ASIDL_HANDLE, 3, &p, &maybe);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK(maybe && *maybe == 42);
    MIDL_user_free(maybe);
    Indirect(ASIDL_HANDLE, 3, &p, &pone);
    CHECK(pone == &one && one == 2);   /* [in, out]: the existing memory is refilled */
    CHECK_NO_LEAKS();
}

static long multi_sum;

void s_Multi(handle_t h, unsigned long rows, long grid[][GRID_COLUMNS])
{
    (void)h;
    multi_sum = 0;
    for (unsigned long r = 0; r < rows; r++)
        for (int c = 0; c < GRID_COLUMNS; c++)
            multi_sum += grid[r][c] * (c + 1);
}

TEST(conformant_multidimensional_array)
{
    long grid[2][GRID_COLUMNS] = { { 1, 1, 1, 1 }, { 2, 2, 2, 2 } };
    Multi(ASIDL_HANDLE, 2, grid);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK_EQ_INT(multi_sum, 30);
    /* rows, then a maximum count for every dimension (2 and 4), then 8 elements */
    CHECK_EQ_INT(gen_last_request_len, 4 + 8 + 32);
}

/* ===================================================================== strings */

void s_Strings(handle_t h, const char *narrow, const wchar_t *wide, unsigned long size, char *buffer, wchar_t **copy)
{
    (void)h;
    CHECK(!strcmp(narrow, "hello"));
    CHECK(!wcscmp(wide, L"w\u00f6rld\U0001F600"));
    CHECK(size == 16);
    strcpy(buffer, "ok");
    *copy = MIDL_user_allocate(5 * sizeof(wchar_t));
    wcscpy(*copy, L"b\U0001F600ck");
}

TEST(narrow_and_wide_strings_with_surrogate_pairs)
{
    char buffer[16];
    memset(buffer, 'x', sizeof buffer);
    wchar_t *copy = NULL;
    Strings(ASIDL_HANDLE, "hello", L"w\u00f6rld\U0001F600", sizeof buffer, buffer, &copy);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK(!strcmp(buffer, "ok"));
    CHECK(copy && !wcscmp(copy, L"b\U0001F600ck"));
    MIDL_user_free(copy);
    CHECK_NO_LEAKS();
}

char *s_Echo(handle_t h, char *s)
{
    (void)h;
    size_t n = strlen(s);
    char *r = MIDL_user_allocate(n + 1);
    for (size_t i = 0; i < n; i++)
        r[i] = s[n - 1 - i];
    r[n] = 0;
    return r;
}

TEST(a_string_result)
{
    char in[] = "stressed";
    char *r = Echo(ASIDL_HANDLE, in);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK(r && !strcmp(r, "desserts"));
    MIDL_user_free(r);
    CHECK_NO_LEAKS();
}

/* ===================================================================== unions */

void s_Unions(handle_t h, short kind, number *n, tagged *t, holder *hd, short *seen)
{
    (void)h;
    *seen = 0;
    if (kind == 2 && n->d == 0.25)
        *seen |= 1;
    if (t->kind == 2 && !strcmp(t->value.s, "arm"))
        *seen |= 2;
    if (hd->kind == 3 && hd->n.h == -5)
        *seen |= 4;
    if (t->kind == 2)
        MIDL_user_free(t->value.s);   /* the manager changes arms: the string is its to free */
    t->kind = 1;
    t->value.l = 1234;
}

TEST(non_encapsulated_encapsulated_and_embedded_unions)
{
    number n = { .d = 0.25 };
    char arm[] = "arm";
    tagged t = { .kind = 2, .value.s = arm };
    holder hd = { .kind = 3, .n.h = -5 };
    short seen = 0;
    Unions(ASIDL_HANDLE, 2, &n, &t, &hd, &seen);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK_EQ_INT(seen, 7);
    CHECK(t.kind == 1 && t.value.l == 1234);
    /* the default arm and an empty arm */
    n.f = 2.5f;
    hd.kind = 5;
    t.kind = 3;
    Unions(ASIDL_HANDLE, 9, &n, &t, &hd, &seen);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK_NO_LEAKS();
}

short s_ByValue(handle_t h, short kind, number n, tagged t)
{
    (void)h;
    return (short)(kind == 1 ? n.l : -1) + (short)(t.kind == 4 ? t.value.other : -100);
}

TEST(unions_passed_by_value_go_through_the_generated_invoker)
{
    number n = { .l = 40 };
    tagged t = { .kind = 4, .value.other = 2 };   /* the default arm */
    CHECK_EQ_INT(ByValue(ASIDL_HANDLE, 1, n, t), 42);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK_NO_LEAKS();
}

/* ===================================================================== context handles */

static int rundowns;

void __RPC_USER session_rundown(session s)
{
    rundowns++;
    free(s);
}

long s_Open(handle_t h, long start, session *s)
{
    (void)h;
    long *total = malloc(sizeof *total);
    *total = start;
    *s = total;
    return 0;
}

long s_Add(session s, long amount)
{
    long *total = s;
    *total += amount;
    return *total;
}

void s_Close(session *s)
{
    free(*s);
    *s = NULL;
}

TEST(context_handles_bind_and_travel)
{
    session s = NULL;
    CHECK_EQ_INT(Open(ASIDL_HANDLE, 40, &s), 0);
    CHECK(s != NULL);
    CHECK_EQ_INT(Add(s, 2), 42);
    CHECK_EQ_INT(Add(s, -2), 40);
    Close(&s);
    CHECK(s == NULL);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
}

TEST(only_the_server_descriptor_calls_the_rundown_routine)
{
    const asidl_ndr_param *c = gen_param(gen_proc(gen_types_v2_1_c_ifspec, "Open"), "s");
    const asidl_ndr_param *s = gen_param(gen_proc(gen_types_v2_1_s_ifspec, "Open"), "s");
    const asidl_ndr_context_handle *cc = (const void *)((const asidl_ndr_pointer *)c->type)->referent;
    const asidl_ndr_context_handle *sc = (const void *)((const asidl_ndr_pointer *)s->type)->referent;
    CHECK(cc->hdr.kind == ASIDL_NDR_CONTEXT_HANDLE && sc->hdr.kind == ASIDL_NDR_CONTEXT_HANDLE);
    CHECK(cc->rundown == NULL && sc->rundown != NULL);
    CHECK(!strcmp(sc->type_name, "session"));
    if (sc->rundown) {
        sc->rundown(malloc(4));
        CHECK_EQ_INT(rundowns, 1);
    }
}

/* ===================================================================== types the application converts */

/* [transmit_as(long)] tenths: a double held as tenths on the wire */
void __RPC_USER tenths_to_xmit(tenths *t, long **x)
{
    *x = MIDL_user_allocate(sizeof **x);
    **x = lround(t->value * 10);
}
void __RPC_USER tenths_from_xmit(long *x, tenths *t)
{
    t->value = *x / 10.0;
}
void __RPC_USER tenths_free_inst(tenths *t)
{
    (void)t;
}
void __RPC_USER tenths_free_xmit(long *x)
{
    MIDL_user_free(x);
}

/* [wire_marshal(wire_text)] text_handle: a char * the routines write as a length and octets */
static unsigned long align4(unsigned long n) { return (n + 3) & ~3UL; }

unsigned long __RPC_USER text_handle_UserSize(unsigned long *flags, unsigned long start, text_handle *t)
{
    (void)flags;
    return align4(start) + 4 + strlen(*t);
}
unsigned char *__RPC_USER text_handle_UserMarshal(unsigned long *flags, unsigned char *buf, text_handle *t)
{
    CHECK((*flags & 0xffff) == 2 && (*flags >> 16) == 0x10);   /* different machine, little-endian */
    CHECK(asidl_user_buffer_end(flags) == buf + 4 + strlen(*t));   /* the room UserSize asked for */
    uint32_t n = (uint32_t)strlen(*t);
    memcpy(buf, &n, 4);
    memcpy(buf + 4, *t, n);
    return buf + 4 + n;
}
unsigned char *__RPC_USER text_handle_UserUnmarshal(unsigned long *flags, unsigned char *buf, text_handle *t)
{
    /* hostile input: the buffer's end comes from asidl's addition to MIDL's interface */
    const unsigned char *end = asidl_user_buffer_end(flags);
    uint32_t n;
    if (!end || end - buf < 4)
        return NULL;
    memcpy(&n, buf, 4);
    if (n > (size_t)(end - buf) - 4)
        return NULL;
    char *s = MIDL_user_allocate(n + 1);
    memcpy(s, buf + 4, n);
    s[n] = 0;
    *t = s;
    return buf + 4 + n;
}
void __RPC_USER text_handle_UserFree(unsigned long *flags, text_handle *t)
{
    (void)flags;
    MIDL_user_free(*t);
    *t = NULL;
}

/* [represent_as(local_text)] net_text (ACF) */
void __RPC_USER net_text_from_local(local_text *l, net_text **n)
{
    *n = MIDL_user_allocate(sizeof **n);
    (*n)->len = (unsigned long)strlen(l->text);
    (*n)->chars = MIDL_user_allocate((*n)->len + 1);
    memcpy((*n)->chars, l->text, (*n)->len);
}
void __RPC_USER net_text_to_local(net_text *n, local_text *l)
{
    size_t len = n->chars ? n->len : 0;   /* the engine checked chars holds len; NULL holds none */
    l->text = MIDL_user_allocate(len + 1);
    if (len)
        memcpy(l->text, n->chars, len);
    l->text[len] = 0;
}
void __RPC_USER net_text_free_inst(net_text *n)
{
    MIDL_user_free(n->chars);
}
void __RPC_USER net_text_free_local(local_text *l)
{
    MIDL_user_free(l->text);
    l->text = NULL;
}

/* [user_marshal(user_pair)] wire_user_pair (ACF): two longs, the routines' own format */
unsigned long __RPC_USER user_pair_UserSize(unsigned long *flags, unsigned long start, user_pair *p)
{
    (void)flags, (void)p;
    return align4(start) + 8;
}
unsigned char *__RPC_USER user_pair_UserMarshal(unsigned long *flags, unsigned char *buf, user_pair *p)
{
    (void)flags;
    int32_t v[2] = { (int32_t)p->first, (int32_t)p->second };
    memcpy(buf, v, 8);
    return buf + 8;
}
unsigned char *__RPC_USER user_pair_UserUnmarshal(unsigned long *flags, unsigned char *buf, user_pair *p)
{
    const unsigned char *end = asidl_user_buffer_end(flags);
    if (!end || end - buf < 8)
        return NULL;
    int32_t v[2];
    memcpy(v, buf, 8);
    p->first = v[0];
    p->second = v[1];
    return buf + 8;
}
void __RPC_USER user_pair_UserFree(unsigned long *flags, user_pair *p)
{
    (void)flags, (void)p;
}

void s_Converted(handle_t h, tenths t, tenths *doubled, text_handle text, local_text *local, user_pair *pair,
                 user_pair *swapped)
{
    (void)h;
    CHECK(t.value == 2.5);
    CHECK(text && !strcmp(text, "handle text"));
    CHECK(local->text && !strcmp(local->text, "local"));
    CHECK(pair->first == 1 && pair->second == -2);
    doubled->value = t.value * 2;
    MIDL_user_free(local->text);
    local->text = MIDL_user_allocate(8);
    strcpy(local->text, "changed");
    swapped->first = pair->second;
    swapped->second = pair->first;
}

TEST(transmit_as_represent_as_wire_marshal_and_user_marshal)
{
    tenths t = { 2.5 }, doubled = { 0 };
    char text[] = "handle text";
    local_text local = { MIDL_user_allocate(6) };
    strcpy(local.text, "local");
    user_pair pair = { 1, -2 }, swapped = { 0, 0 };
    char *old = local.text;
    Converted(ASIDL_HANDLE, t, &doubled, text, &local, &pair, &swapped);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    /* net_text_to_local filled the presented object afresh; the old text is the caller's */
    CHECK(local.text != old);
    MIDL_user_free(old);
    CHECK(doubled.value == 5.0);
    CHECK(local.text && !strcmp(local.text, "changed"));
    CHECK(swapped.first == -2 && swapped.second == 1);
    net_text_free_local(&local);
    CHECK_NO_LEAKS();
}

/* ===================================================================== status parameters, async */

error_status_t s_Status(handle_t h, error_status_t *comm, error_status_t *fault)
{
    (void)h;
    CHECK(comm != NULL && fault != NULL);   /* storage from the runtime: they do not travel */
    return 5;
}

TEST(comm_and_fault_status_do_not_travel)
{
    error_status_t comm = 99, fault = 99;
    CHECK_EQ_INT(Status(ASIDL_HANDLE, &comm, &fault), 5);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK(comm == 0 && fault == 0);
    CHECK_EQ_INT(gen_last_request_len, 0);
    CHECK_EQ_INT(gen_last_reply_len, 4);   /* only the result */
}

static PRPC_ASYNC_STATE later_async;

void s_Later(PRPC_ASYNC_STATE async, handle_t h, long x, long *y)
{
    (void)h;
    later_async = async;
    *y = x + 1;
    /* what RpcAsyncCompleteCall(async, &result) does with the result */
    *(long *)gen_async_frame[3] = x * 2;
}

TEST(async_stub_hands_over_the_async_handle_and_no_result_slot)
{
    RPC_ASYNC_STATE state;
    memset(&state, 0, sizeof state);
    long y = 0;
    Later(&state, ASIDL_HANDLE, 20, &y);
    CHECK_EQ_INT(gen_last_status, RPC_S_OK);
    CHECK(gen_last_async == &state && later_async == &state);
    CHECK_EQ_INT(y, 21);
    long result;
    memcpy(&result, gen_async_result, sizeof result);
    CHECK_EQ_INT(result, 40);
}

TEST(every_request_truncation_fails_cleanly)
{
    CHECK(gen_truncations_checked > 500);
    CHECK_NO_LEAKS();
}

int main(void)
{
    gen_server_interface = gen_types_v2_1_s_ifspec;
    RUN(descriptors_pass_the_engine_checks_on_both_sides);
    RUN(interface_objects_carry_identity_endpoints_and_epv);
    RUN(parameter_descriptors_say_direction_and_c_class);
    RUN(base_types_cross_in_both_directions);
    RUN(a_long_beyond_32_bits_is_refused_not_truncated);
    RUN(scalars_and_a_double_result);
    RUN(range_and_enum_bounds_are_enforced);
    RUN(linked_lists_through_unique_pointers_even_long_ones);
    RUN(conformant_and_conformant_varying_structures);
    RUN(a_wide_character_beyond_one_code_unit_is_refused);
    RUN(fixed_multidimensional_string_and_pointer_arrays_in_a_struct);
    RUN(embedded_and_top_level_full_pointers_keep_their_aliases);
    RUN(a_null_ref_pointer_is_refused);
    RUN(conformant_max_is_fixed_and_dereferenced_sizes);
    RUN(first_is_and_last_is_send_only_the_window);
    RUN(out_array_sized_by_an_in_parameter_and_its_length_by_an_out_one);
    RUN(size_is_on_the_second_level_and_a_unique_pointer_to_pointer);
    RUN(conformant_multidimensional_array);
    RUN(narrow_and_wide_strings_with_surrogate_pairs);
    RUN(a_string_result);
    RUN(non_encapsulated_encapsulated_and_embedded_unions);
    RUN(unions_passed_by_value_go_through_the_generated_invoker);
    RUN(context_handles_bind_and_travel);
    RUN(only_the_server_descriptor_calls_the_rundown_routine);
    RUN(transmit_as_represent_as_wire_marshal_and_user_marshal);
    RUN(comm_and_fault_status_do_not_travel);
    RUN(async_stub_hands_over_the_async_handle_and_no_result_slot);
    RUN(every_request_truncation_fails_cleanly);
    return test_exit();
}
