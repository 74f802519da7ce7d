/*
 * Discriminated unions (C706 14.3.8): non-encapsulated ([switch_is] a field) and encapsulated
 * (union switch (long d) ...), default and empty arms, unknown discriminants, pointers in
 * arms, and union alignment: the discriminant aligns as its type, the arm as its own type
 * (MIDL's DCE-compatible default), or to the largest arm with [ms_union].  Encapsulated
 * unions and [ms_union] are not expressible in impacket; their vectors are worked out by hand.
 */
#include <stddef.h>

#include "ndr_test.h"

#define PTR_HDR(kind) ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_PTR_##kind, sizeof(void *))
#define CPLX ASIDL_NDR_F_COMPLEX
#define END { ASIDL_NDR_OP_END, 0, 0 }

/* ---- struct holder { short kind; [switch_is(kind)] union u { [case(1)] long l; [case(2)] short s;
 *      [case(3)] hyper h; [case(4)] ; [default] char c; } u; } ---- */
union u_arms {
    long l;
    short s;
    long long h;
    char c;
};
struct holder {
    short kind;
    union u_arms u;
};
static const asidl_ndr_op holder_kind[] = {
    { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(short), offsetof(struct holder, kind) },  /* kind */
    END,
};
static const asidl_ndr_arm u_arms[] = {
    { 1, &asidl_ndr_t_long.hdr },      /* l */
    { 2, &asidl_ndr_t_short.hdr },     /* s */
    { 3, &asidl_ndr_t_hyper.hdr },     /* h */
    { 4, NULL },                       /* (empty) */
};
static const asidl_ndr_union holder_u = {
    ASIDL_NDR_HDR(UNION, 8, CPLX | ASIDL_NDR_F_HAS_DEFAULT, sizeof(union u_arms)),
    &asidl_ndr_t_short.hdr, holder_kind, 0, 0, 4, u_arms, &asidl_ndr_t_char.hdr,
};
static const asidl_ndr_field holder_fields[] = {
    { offsetof(struct holder, kind), &asidl_ndr_t_short.hdr },     /* kind */
    { offsetof(struct holder, u), &holder_u.hdr },                 /* u */
};
static const asidl_ndr_struct holder_desc = { ASIDL_NDR_HDR(STRUCT, 8, CPLX, sizeof(struct holder)), 2, holder_fields };

TEST(non_encapsulated_union_sends_its_discriminant_then_the_arm)
{
    struct holder v = { 1, { .l = 5 } };
    ndr_roundtrip(&holder_desc.hdr, &v, "0100 0100 05000000");
    v = (struct holder){ 2, { .s = -1 } };
    ndr_roundtrip(&holder_desc.hdr, &v, "0200 0200 ffff");
    v = (struct holder){ 3, { .h = 0x0102030405060708ll } };
    ndr_roundtrip(&holder_desc.hdr, &v, "0300 0300 00000000 0807060504030201");
    v = (struct holder){ 4, { 0 } };
    ndr_roundtrip(&holder_desc.hdr, &v, "0400 0400");
    v = (struct holder){ 9, { .c = 'z' } };
    ndr_roundtrip(&holder_desc.hdr, &v, "0900 0900 7a");
    /* the union's discriminant must agree with the field it is switched on */
    ndr_check_rejects(&holder_desc.hdr, "0100 0200 ffff", RPC_X_BAD_STUB_DATA);
}

/* ---- union alignment: struct narrow { small kind; [switch_is(kind)] union { [case(1)] short s;
 *      [case(2)] long l; } u; } with and without [ms_union] ---- */
union sl {
    short s;
    long l;
};
struct narrow {
    signed char kind;
    union sl u;
};
static const asidl_ndr_op narrow_kind[] = {
    { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(signed char), offsetof(struct narrow, kind) },  /* kind */
    END,
};
static const asidl_ndr_arm sl_arms[] = {
    { 1, &asidl_ndr_t_short.hdr },     /* s */
    { 2, &asidl_ndr_t_long.hdr },      /* l */
};
static const asidl_ndr_union narrow_u = {
    ASIDL_NDR_HDR(UNION, 4, CPLX, sizeof(union sl)), &asidl_ndr_t_small.hdr, narrow_kind, 0, 0, 2, sl_arms, NULL,
};
static const asidl_ndr_union narrow_ms_u = {
    ASIDL_NDR_HDR(UNION, 4, CPLX | ASIDL_NDR_F_MS_UNION, sizeof(union sl)), &asidl_ndr_t_small.hdr, narrow_kind, 0, 0,
    2, sl_arms, NULL,
};
static const asidl_ndr_field narrow_fields[] = {
    { offsetof(struct narrow, kind), &asidl_ndr_t_small.hdr },     /* kind */
    { offsetof(struct narrow, u), &narrow_u.hdr },                 /* u */
};
static const asidl_ndr_field narrow_ms_fields[] = {
    { offsetof(struct narrow, kind), &asidl_ndr_t_small.hdr },     /* kind */
    { offsetof(struct narrow, u), &narrow_ms_u.hdr },              /* u */
};
static const asidl_ndr_struct narrow_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct narrow)), 2, narrow_fields };
static const asidl_ndr_struct narrow_ms_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct narrow)), 2, narrow_ms_fields };

TEST(union_arm_aligns_as_its_own_type_unless_ms_union)
{
    struct narrow v = { 1, { .s = -1 } };
    ndr_roundtrip(&narrow_desc.hdr, &v, "01 01 ffff");
    ndr_roundtrip(&narrow_ms_desc.hdr, &v, "01 01 0000 ffff");
    v = (struct narrow){ 2, { .l = 3 } };
    ndr_roundtrip(&narrow_desc.hdr, &v, "02 02 0000 03000000");
}

TEST(unknown_discriminant_without_default_is_invalid_tag)
{
    struct narrow v = { 7, { 0 } };
    ndr_check_marshal_fails(&narrow_desc.hdr, &v, RPC_X_INVALID_TAG);
    ndr_check_rejects(&narrow_desc.hdr, "07 07", RPC_X_INVALID_TAG);
}

/* ---- encapsulated: union e switch (long d) u { case 1: hyper h; case 2: short s; } ---- */
struct encap {
    long d;
    union {
        long long h;
        short s;
    } u;
};
static const asidl_ndr_arm encap_arms[] = {
    { 1, &asidl_ndr_t_hyper.hdr },     /* h */
    { 2, &asidl_ndr_t_short.hdr },     /* s */
};
static const asidl_ndr_union encap_desc = {
    ASIDL_NDR_HDR(UNION, 8, CPLX | ASIDL_NDR_F_ENCAPSULATED, sizeof(struct encap)),
    &asidl_ndr_t_long.hdr, NULL, offsetof(struct encap, d), offsetof(struct encap, u), 2, encap_arms, NULL,
};
struct after_char {
    char c;
    struct encap e;
};
static const asidl_ndr_field after_char_fields[] = {
    { offsetof(struct after_char, c), &asidl_ndr_t_char.hdr },     /* c */
    { offsetof(struct after_char, e), &encap_desc.hdr },           /* e */
};
static const asidl_ndr_struct after_char_desc = {
    ASIDL_NDR_HDR(STRUCT, 8, CPLX, sizeof(struct after_char)), 2, after_char_fields,
};

TEST(encapsulated_union_aligns_to_its_largest_member)
{
    struct encap v = { 2, { .s = 3 } };
    ndr_roundtrip(&encap_desc.hdr, &v, "02000000 0300");
    v = (struct encap){ 1, { .h = -1 } };
    ndr_roundtrip(&encap_desc.hdr, &v, "01000000 00000000 ffffffffffffffff");
    struct after_char a = { 'a', { 2, { .s = 3 } } };
    ndr_roundtrip(&after_char_desc.hdr, &a, "61000000 00000000 02000000 0300");
    ndr_check_rejects(&encap_desc.hdr, "03000000 0300", RPC_X_INVALID_TAG);
    /* big-endian discriminant */
    ndr_check_decodes_to(&encap_desc.hdr, "00000002 0003", ASIDL_NDR_DREP_BIG_ENDIAN, "02000000 0300");
}

/* ---- a pointer in an arm is deferred like any embedded pointer ----
 * struct with_ptr { short kind; [switch_is(kind)] union { [case(5)] long *p; [case(6)] long x; } u; long tail; } */
union px {
    long *p;
    long x;
};
struct with_ptr {
    short kind;
    union px u;
    long tail;
};
static const asidl_ndr_pointer unique_long = { PTR_HDR(UNIQUE), &asidl_ndr_t_long.hdr };
static const asidl_ndr_op with_ptr_kind[] = {
    { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(short), offsetof(struct with_ptr, kind) },    /* kind */
    END,
};
static const asidl_ndr_arm px_arms[] = {
    { 5, &unique_long.hdr },           /* p */
    { 6, &asidl_ndr_t_long.hdr },      /* x */
};
static const asidl_ndr_union with_ptr_u = {
    ASIDL_NDR_HDR(UNION, 4, CPLX, sizeof(union px)), &asidl_ndr_t_short.hdr, with_ptr_kind, 0, 0, 2, px_arms, NULL,
};
static const asidl_ndr_field with_ptr_fields[] = {
    { offsetof(struct with_ptr, kind), &asidl_ndr_t_short.hdr },   /* kind */
    { offsetof(struct with_ptr, u), &with_ptr_u.hdr },             /* u */
    { offsetof(struct with_ptr, tail), &asidl_ndr_t_long.hdr },    /* tail */
};
static const asidl_ndr_struct with_ptr_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct with_ptr)), 3, with_ptr_fields };

TEST(pointer_arm_referent_follows_the_enclosing_struct)
{
    long answer = 42;
    struct with_ptr v = { 5, { .p = &answer }, 9 };
    ndr_roundtrip(&with_ptr_desc.hdr, &v, "0500 0500 00000200 09000000 2a000000");
    v = (struct with_ptr){ 6, { .x = 7 }, 9 };
    ndr_roundtrip(&with_ptr_desc.hdr, &v, "0600 0600 07000000 09000000");
}

TEST(descriptors_are_valid)
{
    VALID(&holder_desc.hdr);
    VALID(&narrow_desc.hdr);
    VALID(&narrow_ms_desc.hdr);
    VALID(&encap_desc.hdr);
    VALID(&after_char_desc.hdr);
    VALID(&with_ptr_desc.hdr);
}

int main(void)
{
    RUN(non_encapsulated_union_sends_its_discriminant_then_the_arm);
    RUN(union_arm_aligns_as_its_own_type_unless_ms_union);
    RUN(unknown_discriminant_without_default_is_invalid_tag);
    RUN(encapsulated_union_aligns_to_its_largest_member);
    RUN(pointer_arm_referent_follows_the_enclosing_struct);
    RUN(descriptors_are_valid);
    return test_exit();
}
