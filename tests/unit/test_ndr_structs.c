/*
 * NDR structures: alignment to the largest member (also when nested), conformant and
 * conformant-varying structures with their maximum counts moved in front (C706 14.3.7),
 * conformance hoisted to the outermost structure, alignment of the counts before 8-byte
 * elements.  Expected bytes are worked out by hand from C706 14.3.
 */
#include <stddef.h>

#include "ndr_test.h"

#define PTR_HDR(kind) ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_PTR_##kind, sizeof(void *))

/* ---- struct with_hyper { short a; struct { char c; hyper h; } inner; } ---- */

struct char_hyper {
    char c;
    long long h;
};
struct with_hyper {
    short a;
    struct char_hyper inner;
};

static const asidl_ndr_field char_hyper_fields[] = {
    { offsetof(struct char_hyper, c), &asidl_ndr_t_char.hdr },     /* c */
    { offsetof(struct char_hyper, h), &asidl_ndr_t_hyper.hdr },    /* h */
};
static const asidl_ndr_struct char_hyper_desc = {
    ASIDL_NDR_HDR(STRUCT, 8, 0, sizeof(struct char_hyper)), 2, char_hyper_fields,
};
static const asidl_ndr_field with_hyper_fields[] = {
    { offsetof(struct with_hyper, a), &asidl_ndr_t_short.hdr },          /* a */
    { offsetof(struct with_hyper, inner), &char_hyper_desc.hdr },        /* inner */
};
static const asidl_ndr_struct with_hyper_desc = {
    ASIDL_NDR_HDR(STRUCT, 8, 0, sizeof(struct with_hyper)), 2, with_hyper_fields,
};

TEST(struct_aligns_to_its_largest_member_even_nested)
{
    /* a at 0; inner aligned to 8 (its hyper): c at 8, h at 16 */
    struct with_hyper v = { 1, { 'a', 0x0102030405060708ll } };
    ndr_roundtrip(&with_hyper_desc.hdr, &v, "0100000000000000 6100000000000000 0807060504030201");
}

/* ---- struct small_nest { char c; struct { short s; char d; } in; long l; } ---- */

struct short_char {
    short s;
    char d;
};
struct small_nest {
    char c;
    struct short_char in;
    long l;
};
static const asidl_ndr_field short_char_fields[] = {
    { offsetof(struct short_char, s), &asidl_ndr_t_short.hdr },    /* s */
    { offsetof(struct short_char, d), &asidl_ndr_t_char.hdr },     /* d */
};
static const asidl_ndr_struct short_char_desc = {
    ASIDL_NDR_HDR(STRUCT, 2, 0, sizeof(struct short_char)), 2, short_char_fields,
};
static const asidl_ndr_field small_nest_fields[] = {
    { offsetof(struct small_nest, c), &asidl_ndr_t_char.hdr },         /* c */
    { offsetof(struct small_nest, in), &short_char_desc.hdr },         /* in */
    { offsetof(struct small_nest, l), &asidl_ndr_t_long.hdr },         /* l */
};
static const asidl_ndr_struct small_nest_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, 0, sizeof(struct small_nest)), 3, small_nest_fields,
};

TEST(no_trailing_padding_inside_nested_structs)
{
    /* c 0; in aligned 2: s 2, d 4; l aligned 4 at 8 (NDR 2.0 adds no trailing pad to in) */
    struct small_nest v = { 'x', { -1, 'y' }, 7 };
    ndr_roundtrip(&small_nest_desc.hdr, &v, "7800ffff 79000000 07000000");
}

/* ---- conformant: struct cs { long n; [size_is(n)] short a[]; } ---- */

struct cs {
    long n;
    short a[];
};
static const asidl_ndr_op cs_n[] = {
    { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(long), offsetof(struct cs, n) },   /* n */
    { ASIDL_NDR_OP_END, 0, 0 },
};
static const asidl_ndr_dim cs_dims[] = { { .size_is = cs_n } };
static const asidl_ndr_array cs_a = {
    ASIDL_NDR_HDR(ARRAY, 2, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_short.hdr, 1, cs_dims,
};
static const asidl_ndr_field cs_fields[] = {
    { offsetof(struct cs, n), &asidl_ndr_t_long.hdr },     /* n */
    { offsetof(struct cs, a), &cs_a.hdr },                 /* a */
};
static const asidl_ndr_struct cs_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_CONFORMANT, sizeof(struct cs)), 2, cs_fields,
};
static const asidl_ndr_pointer cs_ref = { PTR_HDR(REF), &cs_desc.hdr };
static const asidl_ndr_pointer cs_unique = { PTR_HDR(UNIQUE), &cs_desc.hdr };

TEST(conformant_struct_puts_the_max_count_first)
{
    struct cs *v = malloc(sizeof *v + 3 * sizeof(short));
    v->n = 3;
    v->a[0] = 1, v->a[1] = 2, v->a[2] = 3;
    ndr_roundtrip(&cs_ref.hdr, &v, "03000000 03000000 0100 0200 0300");
    ndr_roundtrip(&cs_unique.hdr, &v, "00000200 03000000 03000000 0100 0200 0300");
    free(v);
    /* the wire count must agree with the field it is correlated with */
    ndr_check_rejects(&cs_ref.hdr, "03000000 02000000 0100 0200 0300", RPC_X_BAD_STUB_DATA);
    /* by value, a conformant structure cannot be received */
    struct cs fixed;
    ndr_check_marshal_fails(&cs_ref.hdr, &(struct cs *){ NULL }, RPC_X_NULL_REF_POINTER);
    CHECK_STATUS(ndr_decode(&cs_desc.hdr, &fixed, "\x00\x00\x00\x00\x00\x00\x00\x00", 8,
                            ASIDL_NDR_DREP_LITTLE_ENDIAN), RPC_X_BAD_STUB_DATA);
}

/* ---- the count is aligned to 4, then the struct to 8 ----
 * struct ch { short n; [size_is(n)] hyper a[]; } */
struct ch {
    short n;
    long long a[];
};
static const asidl_ndr_op ch_n[] = {
    { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(short), offsetof(struct ch, n) },  /* n */
    { ASIDL_NDR_OP_END, 0, 0 },
};
static const asidl_ndr_dim ch_dims[] = { { .size_is = ch_n } };
static const asidl_ndr_array ch_a = {
    ASIDL_NDR_HDR(ARRAY, 8, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_hyper.hdr, 1, ch_dims,
};
static const asidl_ndr_field ch_fields[] = {
    { offsetof(struct ch, n), &asidl_ndr_t_short.hdr },    /* n */
    { offsetof(struct ch, a), &ch_a.hdr },                 /* a */
};
static const asidl_ndr_struct ch_desc = {
    ASIDL_NDR_HDR(STRUCT, 8, ASIDL_NDR_F_CONFORMANT, sizeof(struct ch)), 2, ch_fields,
};
static const asidl_ndr_pointer ch_ref = { PTR_HDR(REF), &ch_desc.hdr };

TEST(max_count_is_aligned_to_4_not_to_the_8_byte_elements)
{
    struct ch *v = malloc(sizeof *v + sizeof(long long));
    v->n = 1;
    v->a[0] = 0x0102030405060708ll;
    /* Z at 0 (4 octets), struct aligned to 8: n at 8, element at 16 */
    ndr_roundtrip(&ch_ref.hdr, &v, "01000000 00000000 0100000000000000 0807060504030201");
    free(v);
}

/* ---- conformant varying: struct cvs { long n; long len; [size_is(n), length_is(len)] short a[]; } */
struct cvs {
    long n, len;
    short a[];
};
static const asidl_ndr_op cvs_n[] = {
    { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(long), offsetof(struct cvs, n) },      /* n */
    { ASIDL_NDR_OP_END, 0, 0 },
};
static const asidl_ndr_op cvs_len[] = {
    { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(long), offsetof(struct cvs, len) },    /* len */
    { ASIDL_NDR_OP_END, 0, 0 },
};
static const asidl_ndr_dim cvs_dims[] = { { .size_is = cvs_n, .length_is = cvs_len } };
static const asidl_ndr_array cvs_a = {
    ASIDL_NDR_HDR(ARRAY, 2, ASIDL_NDR_F_CONFORMANT | ASIDL_NDR_F_VARYING, 0), &asidl_ndr_t_short.hdr, 1, cvs_dims,
};
static const asidl_ndr_field cvs_fields[] = {
    { offsetof(struct cvs, n), &asidl_ndr_t_long.hdr },      /* n */
    { offsetof(struct cvs, len), &asidl_ndr_t_long.hdr },    /* len */
    { offsetof(struct cvs, a), &cvs_a.hdr },                 /* a */
};
static const asidl_ndr_struct cvs_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_CONFORMANT, sizeof(struct cvs)), 3, cvs_fields,
};
static const asidl_ndr_pointer cvs_ref = { PTR_HDR(REF), &cvs_desc.hdr };

TEST(conformant_varying_struct_keeps_the_variance_in_place)
{
    struct cvs *v = malloc(sizeof *v + 4 * sizeof(short));
    v->n = 4, v->len = 2;
    v->a[0] = 7, v->a[1] = 8, v->a[2] = 9, v->a[3] = 10;
    ndr_roundtrip(&cvs_ref.hdr, &v, "04000000 04000000 02000000 00000000 02000000 0700 0800");
    free(v);
    ndr_check_rejects(&cvs_ref.hdr, "04000000 04000000 02000000 00000000 03000000 0700 0800 0900",
                      RPC_X_BAD_STUB_DATA);     /* actual count disagrees with len */
    ndr_check_rejects(&cvs_ref.hdr, "04000000 04000000 05000000 00000000 05000000 0700080009000a000b00",
                      RPC_X_INVALID_BOUND);     /* more elements than the maximum */
    ndr_check_rejects(&cvs_ref.hdr, "04000000 04000000 02000000 03000000 02000000 0700 0800",
                      RPC_X_INVALID_BOUND);     /* offset + count beyond the maximum */
}

/* ---- nested: struct outer { long tag; struct cs inner; } -- inner's count goes before outer */
struct outer {
    long tag;
    struct cs inner;
};
static const asidl_ndr_field outer_fields[] = {
    { offsetof(struct outer, tag), &asidl_ndr_t_long.hdr },    /* tag */
    { offsetof(struct outer, inner), &cs_desc.hdr },           /* inner */
};
static const asidl_ndr_struct outer_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_CONFORMANT, sizeof(struct outer)), 2, outer_fields,
};
static const asidl_ndr_pointer outer_ref = { PTR_HDR(REF), &outer_desc.hdr };

TEST(conformance_of_a_nested_struct_goes_before_the_outermost)
{
    struct outer *v = malloc(sizeof *v + 2 * sizeof(short));
    v->tag = 9;
    v->inner.n = 2;
    v->inner.a[0] = 5, v->inner.a[1] = 6;
    ndr_roundtrip(&outer_ref.hdr, &v, "02000000 09000000 02000000 0500 0600");
    free(v);
}

/* ---- string tail: struct named { long id; [string] char name[]; } ---- */
struct named {
    long id;
    char name[];
};
static const asidl_ndr_dim named_dims[] = { { 0 } };
static const asidl_ndr_array named_name = {
    ASIDL_NDR_HDR(ARRAY, 1, ASIDL_NDR_F_CONFORMANT | ASIDL_NDR_F_VARYING | ASIDL_NDR_F_STRING, 0),
    &asidl_ndr_t_char.hdr, 1, named_dims,
};
static const asidl_ndr_field named_fields[] = {
    { offsetof(struct named, id), &asidl_ndr_t_long.hdr },     /* id */
    { offsetof(struct named, name), &named_name.hdr },         /* name */
};
static const asidl_ndr_struct named_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_CONFORMANT, sizeof(struct named)), 2, named_fields,
};
static const asidl_ndr_pointer named_ref = { PTR_HDR(REF), &named_desc.hdr };

TEST(struct_ending_in_a_string_is_conformant_varying)
{
    struct named *v = malloc(sizeof *v + 3);
    v->id = 5;
    memcpy(v->name, "ab", 3);
    ndr_roundtrip(&named_ref.hdr, &v, "03000000 05000000 00000000 03000000 616200");
    free(v);
}

TEST(descriptors_are_valid)
{
    VALID(&with_hyper_desc.hdr);
    VALID(&small_nest_desc.hdr);
    VALID(&cs_ref.hdr);
    VALID(&ch_ref.hdr);
    VALID(&cvs_ref.hdr);
    VALID(&outer_ref.hdr);
    VALID(&named_ref.hdr);
}

int main(void)
{
    RUN(struct_aligns_to_its_largest_member_even_nested);
    RUN(no_trailing_padding_inside_nested_structs);
    RUN(conformant_struct_puts_the_max_count_first);
    RUN(max_count_is_aligned_to_4_not_to_the_8_byte_elements);
    RUN(conformant_varying_struct_keeps_the_variance_in_place);
    RUN(conformance_of_a_nested_struct_goes_before_the_outermost);
    RUN(struct_ending_in_a_string_is_conformant_varying);
    RUN(descriptors_are_valid);
    return test_exit();
}
