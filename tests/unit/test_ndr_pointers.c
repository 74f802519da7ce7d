/*
 * Pointers (C706 14.3.10-12): embedded referents deferred until the enclosing construct is
 * complete, in depth-first order; the deferral scope of nested structures is the outermost
 * one; full pointers keep aliasing (and cycles) with one referent per address; [ignore];
 * pointers to pointers; data-dependent depth (a 200,000-node list) without recursion.
 * impacket cannot alias full pointers, so those vectors are worked out by hand from C706
 * 14.3.12.3 (full pointers).
 */
#include <stddef.h>

#include "ndr_test.h"

#define PTR_HDR(kind) ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_PTR_##kind, sizeof(void *))
#define CPLX ASIDL_NDR_F_COMPLEX

static const asidl_ndr_pointer unique_long = { PTR_HDR(UNIQUE), &asidl_ndr_t_long.hdr };
static const asidl_ndr_pointer full_long = { PTR_HDR(FULL), &asidl_ndr_t_long.hdr };

/* ---- struct later { [unique] long *p; long b; } ---- */
struct later {
    long *p;
    long b;
};
static const asidl_ndr_field later_fields[] = {
    { offsetof(struct later, p), &unique_long.hdr },           /* p */
    { offsetof(struct later, b), &asidl_ndr_t_long.hdr },      /* b */
};
static const asidl_ndr_struct later_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct later)), 2, later_fields };

TEST(embedded_referent_follows_the_whole_struct)
{
    long one = 1;
    struct later v = { &one, 2 };
    ndr_roundtrip(&later_desc.hdr, &v, "00000200 02000000 01000000");
    struct later null = { NULL, 2 };
    ndr_roundtrip(&later_desc.hdr, &null, "00000000 02000000");
}

/* ---- struct outer { struct inner { long *q; long x; } in; long *p; long y; } ---- */
struct inner {
    long *q;
    long x;
};
struct outer {
    struct inner in;
    long *p;
    long y;
};
static const asidl_ndr_field inner_fields[] = {
    { offsetof(struct inner, q), &unique_long.hdr },       /* q */
    { offsetof(struct inner, x), &asidl_ndr_t_long.hdr },  /* x */
};
static const asidl_ndr_struct inner_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct inner)), 2, inner_fields };
static const asidl_ndr_field outer_fields[] = {
    { offsetof(struct outer, in), &inner_desc.hdr },       /* in */
    { offsetof(struct outer, p), &unique_long.hdr },       /* p */
    { offsetof(struct outer, y), &asidl_ndr_t_long.hdr },  /* y */
};
static const asidl_ndr_struct outer_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct outer)), 3, outer_fields };

TEST(nested_struct_referents_wait_for_the_outermost_struct)
{
    long eleven = 11, twentytwo = 22;
    struct outer v = { { &eleven, 1 }, &twentytwo, 2 };
    /* not "q-id x *q p-id y *p": inner's referent waits until outer is complete */
    ndr_roundtrip(&outer_desc.hdr, &v, "00000200 01000000 04000200 02000000 0b000000 16000000");
}

/* ---- depth first: struct s { struct a *a; long *b; }, struct a { long *c; long v; } ---- */
struct sa {
    long *c;
    long v;
};
struct ss {
    struct sa *a;
    long *b;
};
static const asidl_ndr_field sa_fields[] = {
    { offsetof(struct sa, c), &unique_long.hdr },          /* c */
    { offsetof(struct sa, v), &asidl_ndr_t_long.hdr },     /* v */
};
static const asidl_ndr_struct sa_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct sa)), 2, sa_fields };
static const asidl_ndr_pointer sa_ptr = { PTR_HDR(UNIQUE), &sa_desc.hdr };
static const asidl_ndr_field ss_fields[] = {
    { offsetof(struct ss, a), &sa_ptr.hdr },               /* a */
    { offsetof(struct ss, b), &unique_long.hdr },          /* b */
};
static const asidl_ndr_struct ss_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct ss)), 2, ss_fields };

TEST(referents_go_depth_first_in_pointer_order)
{
    long c = 99, b = 7;
    struct sa a = { &c, 5 };
    struct ss v = { &a, &b };
    /* s: a-id b-id; then *a completely (c-id v, then *c); then *b */
    ndr_roundtrip(&ss_desc.hdr, &v, "00000200 04000200 08000200 05000000 63000000 07000000");
}

/* ---- depth first among several siblings, some with referents of their own:
 * struct trio { struct duo *a; long *b; struct duo *d; long *e; }, struct duo { long *x; long *y; } */
struct duo {
    long *x, *y;
};
struct trio {
    struct duo *a;
    long *b;
    struct duo *d;
    long *e;
};
static const asidl_ndr_field duo_fields[] = {
    { offsetof(struct duo, x), &unique_long.hdr },         /* x */
    { offsetof(struct duo, y), &unique_long.hdr },         /* y */
};
static const asidl_ndr_struct duo_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct duo)), 2, duo_fields };
static const asidl_ndr_pointer duo_ptr = { PTR_HDR(UNIQUE), &duo_desc.hdr };
static const asidl_ndr_field trio_fields[] = {
    { offsetof(struct trio, a), &duo_ptr.hdr },            /* a */
    { offsetof(struct trio, b), &unique_long.hdr },        /* b */
    { offsetof(struct trio, d), &duo_ptr.hdr },            /* d */
    { offsetof(struct trio, e), &unique_long.hdr },        /* e */
};
static const asidl_ndr_struct trio_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct trio)), 4, trio_fields };

TEST(every_referent_is_complete_before_the_next_sibling)
{
    long one = 1, two = 2, three = 3, four = 4, five = 5, six = 6;
    struct duo a = { &one, &two }, d = { &four, &five };
    struct trio v = { &a, &three, &d, &six };
    /* trio: a b d e IDs; *a (x y IDs, *x, *y); *b; *d (x y IDs, *x, *y); *e */
    ndr_roundtrip(&trio_desc.hdr, &v, "00000200 04000200 08000200 0c000200"
                                      "10000200 14000200 01000000 02000000"
                                      "03000000"
                                      "18000200 1c000200 04000000 05000000"
                                      "06000000");
    struct trio got;
    unsigned char in[128];
    size_t n = ndr_unhex("00000200 04000200 08000200 0c000200 10000200 14000200 01000000 02000000 03000000"
                         "18000200 1c000200 04000000 05000000 06000000", in, sizeof in);
    CHECK_OK(ndr_decode(&trio_desc.hdr, &got, in, n, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    CHECK_EQ_INT(*got.a->x, 1);
    CHECK_EQ_INT(*got.a->y, 2);
    CHECK_EQ_INT(*got.b, 3);
    CHECK_EQ_INT(*got.d->x, 4);
    CHECK_EQ_INT(*got.d->y, 5);
    CHECK_EQ_INT(*got.e, 6);
    asidl_ndr_free(&trio_desc.hdr, &got);
    CHECK_NO_LEAKS();
}

/* ---- struct ptrs { long n; [size_is(n)] long **arr; }: an array of unique pointers ---- */
struct ptrs {
    long n;
    long **arr;
};
static const asidl_ndr_op ptrs_n[] = {
    { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(long), offsetof(struct ptrs, n) },    /* n */
    { ASIDL_NDR_OP_END, 0, 0 },
};
static const asidl_ndr_dim ptrs_dims[] = { { .size_is = ptrs_n } };
static const asidl_ndr_array ptrs_arr = { ASIDL_NDR_HDR(ARRAY, 4, CPLX | ASIDL_NDR_F_CONFORMANT, 0), &unique_long.hdr, 1, ptrs_dims };
static const asidl_ndr_pointer ptrs_ptr = { PTR_HDR(UNIQUE), &ptrs_arr.hdr };
static const asidl_ndr_field ptrs_fields[] = {
    { offsetof(struct ptrs, n), &asidl_ndr_t_long.hdr },   /* n */
    { offsetof(struct ptrs, arr), &ptrs_ptr.hdr },         /* arr */
};
static const asidl_ndr_struct ptrs_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct ptrs)), 2, ptrs_fields };

TEST(array_of_pointers_sends_ids_then_referents)
{
    long ten = 10, thirty = 30;
    long *elems[3] = { &ten, NULL, &thirty };
    struct ptrs v = { 3, elems };
    ndr_roundtrip(&ptrs_desc.hdr, &v, "03000000 00000200 03000000 04000200 00000000 08000200 0a000000 1e000000");
}

/* ---- full pointers: struct twice { [ptr] long *a; [ptr] long *b; } ---- */
struct twice {
    long *a, *b;
};
static const asidl_ndr_field twice_fields[] = {
    { offsetof(struct twice, a), &full_long.hdr },         /* a */
    { offsetof(struct twice, b), &full_long.hdr },         /* b */
};
static const asidl_ndr_struct twice_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct twice)), 2, twice_fields };

TEST(full_pointers_alias_one_referent)
{
    long x = 7, y = 8;
    struct twice same = { &x, &x };
    ndr_roundtrip(&twice_desc.hdr, &same, "00000200 00000200 07000000");
    struct twice diff = { &x, &y };
    ndr_roundtrip(&twice_desc.hdr, &diff, "00000200 04000200 07000000 08000000");
    struct twice got;
    unsigned char in[32];
    size_t n = ndr_unhex("00000200 00000200 07000000", in, sizeof in);
    CHECK_OK(ndr_decode(&twice_desc.hdr, &got, in, n, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    CHECK(got.a == got.b && got.a && *got.a == 7);
    asidl_ndr_free(&twice_desc.hdr, &got);      /* freed once */
    CHECK_NO_LEAKS();
    /* an alias whose referent never arrives */
    ndr_check_rejects(&twice_desc.hdr, "00000000 00000200", RPC_X_BAD_STUB_DATA);
}

/* ---- struct node { [ptr] struct node *next; long v; } ---- */
struct node {
    struct node *next;
    long v;
};
extern const asidl_ndr_struct node_desc;
static const asidl_ndr_pointer node_full = { PTR_HDR(FULL), &node_desc.hdr };
static const asidl_ndr_field node_fields[] = {
    { offsetof(struct node, next), &node_full.hdr },       /* next */
    { offsetof(struct node, v), &asidl_ndr_t_long.hdr },   /* v */
};
const asidl_ndr_struct node_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct node)), 2, node_fields };

TEST(full_pointer_cycles_come_back_as_cycles)
{
    struct node a = { NULL, 1 }, b = { &a, 2 };
    a.next = &b;
    struct node *head = &a;
    ndr_roundtrip(&node_full.hdr, &head, "00000200 04000200 01000000 00000200 02000000");
    struct node *got = NULL;
    unsigned char in[32];
    size_t n = ndr_unhex("00000200 00000200 05000000", in, sizeof in);    /* a node pointing at itself */
    CHECK_OK(ndr_decode(&node_full.hdr, &got, in, n, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    CHECK(got && got->next == got && got->v == 5);
    asidl_ndr_free(&node_full.hdr, &got);
    CHECK_NO_LEAKS();
}

/* ---- a long list of unique pointers: struct link { [unique] struct link *next; long v; } ---- */
struct link {
    struct link *next;
    long v;
};
extern const asidl_ndr_struct link_desc;
static const asidl_ndr_pointer link_unique = { PTR_HDR(UNIQUE), &link_desc.hdr };
static const asidl_ndr_field link_fields[] = {
    { offsetof(struct link, next), &link_unique.hdr },     /* next */
    { offsetof(struct link, v), &asidl_ndr_t_long.hdr },   /* v */
};
const asidl_ndr_struct link_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct link)), 2, link_fields };

TEST(a_200000_node_list_needs_no_deep_stack)
{
    enum { N = 200000 };
    struct link *nodes = calloc(N, sizeof *nodes);
    for (int i = 0; i < N; i++) {
        nodes[i].next = i + 1 < N ? &nodes[i + 1] : NULL;
        nodes[i].v = i;
    }
    struct link *head = nodes;
    asidl_ndr_buffer enc;
    CHECK_OK(ndr_encode(&link_unique.hdr, &head, &enc));
    CHECK_EQ_INT(enc.len, 4 + (size_t)N * 8);     /* head ID, then (next ID, v) per node */
    asidl_ndr_call c;
    asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
    size_t size = 0;
    CHECK_OK(asidl_ndr_size(&c, &link_unique.hdr, &head, 0, &size));
    CHECK_EQ_INT(size, enc.len);
    asidl_ndr_call_cleanup(&c);
    struct link *got = NULL;
    CHECK_OK(ndr_decode(&link_unique.hdr, &got, enc.data, enc.len, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    long count = 0, sum_ok = 1;
    for (struct link *l = got; l; l = l->next, count++)
        sum_ok &= l->v == count;
    CHECK_EQ_INT(count, N);
    CHECK(sum_ok);
    asidl_ndr_free(&link_unique.hdr, &got);
    CHECK_NO_LEAKS();
    /* truncated in the middle: everything received so far is released */
    CHECK_STATUS(ndr_decode(&link_unique.hdr, &got, enc.data, enc.len / 2, ASIDL_NDR_DREP_LITTLE_ENDIAN),
                 RPC_X_BAD_STUB_DATA);
    CHECK_NO_LEAKS();
    asidl_ndr_buffer_free(&enc);
    free(nodes);
}

/* ---- long ** (top-level ref to unique) and [ignore] ---- */
static const asidl_ndr_pointer ref_to_unique = { PTR_HDR(REF), &unique_long.hdr };

TEST(pointer_to_pointer_puts_the_inner_id_in_place)
{
    long v = 42, *p = &v, **pp = &p;
    ndr_roundtrip(&ref_to_unique.hdr, &pp, "00000200 2a000000");
    long *null = NULL, **pnull = &null;
    ndr_roundtrip(&ref_to_unique.hdr, &pnull, "00000000");
}

struct ignored {
    void *ctx;
    long v;
};
static const asidl_ndr_pointer ignore_ptr = { PTR_HDR(IGNORE), NULL };
static const asidl_ndr_field ignored_fields[] = {
    { offsetof(struct ignored, ctx), &ignore_ptr.hdr },        /* ctx */
    { offsetof(struct ignored, v), &asidl_ndr_t_long.hdr },    /* v */
};
static const asidl_ndr_struct ignored_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct ignored)), 2, ignored_fields };

TEST(ignore_pointers_travel_as_null)
{
    struct ignored v = { &v, 5 };
    ndr_roundtrip(&ignored_desc.hdr, &v, "00000000 05000000");
    struct ignored got = { &got, 0 };
    unsigned char in[] = { 0, 0, 2, 0, 5, 0, 0, 0 };   /* even a non-NULL value comes back NULL */
    CHECK_OK(ndr_decode(&ignored_desc.hdr, &got, in, sizeof in, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    CHECK(got.ctx == NULL && got.v == 5);
    CHECK_NO_LEAKS();
}

TEST(null_ref_pointers_are_refused)
{
    long *null = NULL;
    static const asidl_ndr_pointer ref_long = { PTR_HDR(REF), &asidl_ndr_t_long.hdr };
    ndr_check_marshal_fails(&ref_long.hdr, &null, RPC_X_NULL_REF_POINTER);
}

TEST(descriptors_are_valid)
{
    VALID(&later_desc.hdr);
    VALID(&outer_desc.hdr);
    VALID(&ss_desc.hdr);
    VALID(&trio_desc.hdr);
    VALID(&ptrs_desc.hdr);
    VALID(&twice_desc.hdr);
    VALID(&node_full.hdr);
    VALID(&link_unique.hdr);
    VALID(&ref_to_unique.hdr);
    VALID(&ignored_desc.hdr);
}

int main(void)
{
    RUN(embedded_referent_follows_the_whole_struct);
    RUN(nested_struct_referents_wait_for_the_outermost_struct);
    RUN(referents_go_depth_first_in_pointer_order);
    RUN(every_referent_is_complete_before_the_next_sibling);
    RUN(array_of_pointers_sends_ids_then_referents);
    RUN(full_pointers_alias_one_referent);
    RUN(full_pointer_cycles_come_back_as_cycles);
    RUN(a_200000_node_list_needs_no_deep_stack);
    RUN(pointer_to_pointer_puts_the_inner_id_in_place);
    RUN(ignore_pointers_travel_as_null);
    RUN(null_ref_pointers_are_refused);
    RUN(descriptors_are_valid);
    return test_exit();
}
