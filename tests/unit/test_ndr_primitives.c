/*
 * NDR base types: C sizes versus wire sizes (IDL long is 8 bytes in C on LP64 and 4 on the
 * wire), range checks, enums, characters, floating types, both byte orders on input.
 * Expected bytes are worked out by hand from C706 14.2 (primitive types, alignment).
 */
#include <stddef.h>
#include <wchar.h>

#include "ndr_test.h"
#include "ndr_internal.h"   /* ndr_longs_use_vector_paths: run both versions of the long loops */

/* struct all_bases { small s8; byte u8; short s16; unsigned short u16; long l;
 *                    unsigned long ul; hyper h; float f; double d; boolean b; char c; wchar_t w; } */
struct all_bases {
    signed char s8;
    unsigned char u8;
    short s16;
    unsigned short u16;
    long l;
    unsigned long ul;
    long long h;
    float f;
    double d;
    unsigned char b;
    char c;
    wchar_t w;
};

static const asidl_ndr_field all_bases_fields[] = {
    { offsetof(struct all_bases, s8), &asidl_ndr_t_small.hdr },      /* s8 */
    { offsetof(struct all_bases, u8), &asidl_ndr_t_byte.hdr },       /* u8 */
    { offsetof(struct all_bases, s16), &asidl_ndr_t_short.hdr },     /* s16 */
    { offsetof(struct all_bases, u16), &asidl_ndr_t_ushort.hdr },    /* u16 */
    { offsetof(struct all_bases, l), &asidl_ndr_t_long.hdr },        /* l */
    { offsetof(struct all_bases, ul), &asidl_ndr_t_ulong.hdr },      /* ul */
    { offsetof(struct all_bases, h), &asidl_ndr_t_hyper.hdr },       /* h */
    { offsetof(struct all_bases, f), &asidl_ndr_t_float.hdr },       /* f */
    { offsetof(struct all_bases, d), &asidl_ndr_t_double.hdr },      /* d */
    { offsetof(struct all_bases, b), &asidl_ndr_t_boolean.hdr },     /* b */
    { offsetof(struct all_bases, c), &asidl_ndr_t_char.hdr },        /* c */
    { offsetof(struct all_bases, w), &asidl_ndr_t_wchar.hdr },       /* w */
};
static const asidl_ndr_struct all_bases_desc = {
    ASIDL_NDR_HDR(STRUCT, 8, 0, sizeof(struct all_bases)),
    12, all_bases_fields,
};

/* Offsets: s8 0, u8 1, s16 2, u16 4, (pad 2) l 8, ul 12, h 16, f 24, (pad 4) d 32, b 40,
 * c 41, w 42: 44 octets. */
#define ALL_BASES_LE "fe80fdff 34120000 fcffffff 00000080 0807060504030201 0000c03f 00000000" \
                     "0000000000000240 0178e900"
#define ALL_BASES_BE "fe80fffd 12340000 fffffffc 80000000 0102030405060708 3fc00000 00000000" \
                     "4002000000000000 017800e9"

static const struct all_bases all_bases_value = {
    -2, 0x80, -3, 0x1234, -4, 0x80000000ul, 0x0102030405060708ll, 1.5f, 2.25, 1, 'x', 0xE9,
};

TEST(every_base_type_has_its_wire_size_and_alignment)
{
    ndr_roundtrip(&all_bases_desc.hdr, &all_bases_value, ALL_BASES_LE);
}

TEST(big_endian_input_decodes_to_the_same_values)
{
    struct all_bases got;
    unsigned char in[64];
    size_t n = ndr_unhex(ALL_BASES_BE, in, sizeof in);
    CHECK_OK(ndr_decode(&all_bases_desc.hdr, &got, in, n, ASIDL_NDR_DREP_BIG_ENDIAN));
    CHECK_EQ_INT(got.s8, -2);
    CHECK_EQ_INT(got.u8, 0x80);
    CHECK_EQ_INT(got.s16, -3);
    CHECK_EQ_INT(got.u16, 0x1234);
    CHECK_EQ_INT(got.l, -4);
    CHECK_EQ_INT(got.ul, 0x80000000ul);
    CHECK_EQ_INT(got.h, 0x0102030405060708ll);
    CHECK(got.f == 1.5f);
    CHECK(got.d == 2.25);
    CHECK_EQ_INT(got.b, 1);
    CHECK_EQ_INT(got.c, 'x');
    CHECK_EQ_INT(got.w, 0xE9);
    ndr_check_decodes_to(&all_bases_desc.hdr, ALL_BASES_BE, ASIDL_NDR_DREP_BIG_ENDIAN, ALL_BASES_LE);
}

TEST(long_is_four_octets_and_sign_extends)
{
    long v = -2;
    ndr_roundtrip(&asidl_ndr_t_long.hdr, &v, "feffffff");
    long got = 0;
    unsigned char in[] = { 0xfe, 0xff, 0xff, 0xff };
    CHECK_OK(ndr_decode(&asidl_ndr_t_long.hdr, &got, in, 4, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    CHECK_EQ_INT(got, -2);
    unsigned long u = 0;
    CHECK_OK(ndr_decode(&asidl_ndr_t_ulong.hdr, &u, in, 4, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    CHECK_EQ_INT(u, 0xfffffffeul);
    long max = INT32_MAX, min = INT32_MIN;
    ndr_roundtrip(&asidl_ndr_t_long.hdr, &max, "ffffff7f");
    ndr_roundtrip(&asidl_ndr_t_long.hdr, &min, "00000080");
}

TEST(long_outside_32_bits_is_bad_stub_data_not_truncated)
{
    long big = (long)INT32_MAX + 1, small_ = (long)INT32_MIN - 1;
    unsigned long ubig = 0x100000000ul;
    ndr_check_marshal_fails(&asidl_ndr_t_long.hdr, &big, RPC_X_BAD_STUB_DATA);
    ndr_check_marshal_fails(&asidl_ndr_t_long.hdr, &small_, RPC_X_BAD_STUB_DATA);
    ndr_check_marshal_fails(&asidl_ndr_t_ulong.hdr, &ubig, RPC_X_BAD_STUB_DATA);
    ndr_check_marshal_fails(&asidl_ndr_t_error_status.hdr, &ubig, RPC_X_BAD_STUB_DATA);
    long long wide = (long long)INT32_MAX + 1;   /* hyper is 8 on the wire: fine */
    ndr_roundtrip(&asidl_ndr_t_hyper.hdr, &wide, "0000008000000000");
}

TEST(fixed_width_32_bit_types_copy_as_they_are)
{
    int32_t i = -5;
    uint32_t d = 0xdeadbeef;
    ndr_roundtrip(&asidl_ndr_t_int32.hdr, &i, "fbffffff");
    ndr_roundtrip(&asidl_ndr_t_uint32.hdr, &d, "efbeadde");
}

TEST(enum16_takes_two_octets_and_values_up_to_0x7fff)
{
    int e = 5;
    ndr_roundtrip(&asidl_ndr_t_enum16.hdr, &e, "0500");
    e = 0x7fff;
    ndr_roundtrip(&asidl_ndr_t_enum16.hdr, &e, "ff7f");
    e = 0x8000;
    ndr_check_marshal_fails(&asidl_ndr_t_enum16.hdr, &e, RPC_X_ENUM_VALUE_OUT_OF_RANGE);
    e = -1;
    ndr_check_marshal_fails(&asidl_ndr_t_enum16.hdr, &e, RPC_X_ENUM_VALUE_OUT_OF_RANGE);
    int got = 0;
    unsigned char in[] = { 0x34, 0x12 };
    CHECK_OK(ndr_decode(&asidl_ndr_t_enum16.hdr, &got, in, 2, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    CHECK_EQ_INT(got, 0x1234);
    int v1 = -7;    /* [v1_enum]: 32 bits */
    ndr_roundtrip(&asidl_ndr_t_enum32.hdr, &v1, "f9ffffff");
}

TEST(single_wchar_is_one_utf16_unit_and_beyond_bmp_fails)
{
    wchar_t w = L'\x263A';
    ndr_roundtrip(&asidl_ndr_t_wchar.hdr, &w, "3a26");
    w = (wchar_t)0x1F600;
    ndr_check_marshal_fails(&asidl_ndr_t_wchar.hdr, &w, RPC_X_BAD_STUB_DATA);
    wchar_t got = 0;
    unsigned char in[] = { 0x3d, 0xd8 };    /* a lone high surrogate passes through */
    CHECK_OK(ndr_decode(&asidl_ndr_t_wchar.hdr, &got, in, 2, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    CHECK_EQ_INT(got, 0xD83D);
}

TEST(floats_and_doubles_in_both_byte_orders)
{
    float f = -0.5f;
    double d = 1e300;
    ndr_roundtrip(&asidl_ndr_t_float.hdr, &f, "000000bf");
    ndr_roundtrip(&asidl_ndr_t_double.hdr, &d, "9c7500883ce4377e");
    ndr_check_decodes_to(&asidl_ndr_t_double.hdr, "7e37e43c8800759c", ASIDL_NDR_DREP_BIG_ENDIAN,
                         "9c7500883ce4377e");
    ndr_check_decodes_to(&asidl_ndr_t_float.hdr, "bf000000", ASIDL_NDR_DREP_BIG_ENDIAN, "000000bf");
}

/* [range(1, 10)] long */
static const asidl_ndr_range one_to_ten = {
    ASIDL_NDR_HDR(RANGE, 4, 0, sizeof(long)), &asidl_ndr_t_long.hdr, 1, 10,
};

TEST(range_is_enforced_both_ways)
{
    long v = 10;
    ndr_roundtrip(&one_to_ten.hdr, &v, "0a000000");
    v = 11;
    ndr_check_marshal_fails(&one_to_ten.hdr, &v, RPC_X_INVALID_BOUND);
    ndr_check_rejects(&one_to_ten.hdr, "00000000", RPC_X_INVALID_BOUND);
    ndr_check_rejects(&one_to_ten.hdr, "0b000000", RPC_X_INVALID_BOUND);
}

/* long a[3] (fixed): elements convert one by one */
static const asidl_ndr_dim three[] = { { .count = 3 } };
static const asidl_ndr_array long3_desc = {
    ASIDL_NDR_HDR(ARRAY, 4, 0, 3 * sizeof(long)), &asidl_ndr_t_long.hdr, 1, three,
};
static const asidl_ndr_array ulong3_desc = {
    ASIDL_NDR_HDR(ARRAY, 4, 0, 3 * sizeof(unsigned long)), &asidl_ndr_t_ulong.hdr, 1, three,
};

TEST(long_arrays_convert_and_check_every_element)
{
    long a[3] = { 1, -1, INT32_MIN };
    ndr_roundtrip(&long3_desc.hdr, a, "01000000 ffffffff 00000080");
    a[1] = (long)INT32_MAX + 1;
    ndr_check_marshal_fails(&long3_desc.hdr, a, RPC_X_BAD_STUB_DATA);
    unsigned long u[3] = { 0, 0xffffffffu, 0x100000000ul };
    ndr_check_marshal_fails(&ulong3_desc.hdr, u, RPC_X_BAD_STUB_DATA);
    u[2] = 7;
    ndr_roundtrip(&ulong3_desc.hdr, u, "00000000 ffffffff 07000000");
    /* big-endian elements */
    ndr_check_decodes_to(&long3_desc.hdr, "00000001 ffffffff 80000000", ASIDL_NDR_DREP_BIG_ENDIAN,
                         "01000000 ffffffff 00000080");
}

/* struct longs { long n; [size_is(n)] long *v; } and the same with unsigned long elements:
 * arrays long enough for the vectorised loops, at every alignment of the C array. */
struct longs {
    long n;
    long *v;
};
#define LONGS_PTR_HDR ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_PTR_UNIQUE, sizeof(void *))
static const asidl_ndr_op longs_n[] = { { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(long), offsetof(struct longs, n) },
                                        { ASIDL_NDR_OP_END, 0, 0 } };
static const asidl_ndr_dim longs_dims[] = { { .size_is = longs_n } };
static const asidl_ndr_array longs_arr = {
    ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_long.hdr, 1, longs_dims,
};
static const asidl_ndr_array ulongs_arr = {
    ASIDL_NDR_HDR(ARRAY, 4, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_ulong.hdr, 1, longs_dims,
};
static const asidl_ndr_pointer longs_ptr = { LONGS_PTR_HDR, &longs_arr.hdr };
static const asidl_ndr_pointer ulongs_ptr = { LONGS_PTR_HDR, &ulongs_arr.hdr };
static const asidl_ndr_field longs_fields[] = {
    { offsetof(struct longs, n), &asidl_ndr_t_long.hdr },      /* n */
    { offsetof(struct longs, v), &longs_ptr.hdr },             /* v */
};
static const asidl_ndr_field ulongs_fields[] = {
    { offsetof(struct longs, n), &asidl_ndr_t_long.hdr },      /* n */
    { offsetof(struct longs, v), &ulongs_ptr.hdr },            /* v */
};
static const asidl_ndr_struct longs_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_COMPLEX, sizeof(struct longs)), 2, longs_fields,
};
static const asidl_ndr_struct ulongs_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_COMPLEX, sizeof(struct longs)), 2, ulongs_fields,
};

enum { LONGS_MAX = 67 };

/* Values over the whole range the wire type holds, its ends included. */
static long long_pattern(size_t i, bool is_unsigned)
{
    static const int64_t ends[] = { 0, -1, INT32_MIN, INT32_MAX, 1, -2 };
    static const uint32_t uends[] = { 0, UINT32_MAX, 0x80000000u, 0x7fffffffu, 1, 0xfffffffeu };
    if (i % 5 == 0)
        return is_unsigned ? (long)uends[(i / 5) % 6] : (long)ends[(i / 5) % 6];
    uint32_t bits = (uint32_t)i * 2654435761u;
    return is_unsigned ? (long)bits : (long)(int32_t)bits;
}

/* Marshals n elements starting at v, checks every wire element, decodes the bytes as they are
 * and byte-swapped (big-endian input) and compares with the values. */
static void check_long_array(const asidl_ndr_struct *desc, long *v, size_t n)
{
    struct longs in = { (long)n, v };
    asidl_ndr_buffer b;
    CHECK_OK(ndr_encode(&desc->hdr, &in, &b));
    CHECK_EQ_INT(b.len, 12 + 4 * n);     /* n, referent ID, maximum count, elements */
    for (size_t i = 0; i < n && b.len == 12 + 4 * n; i++) {
        uint32_t w;
        memcpy(&w, b.data + 12 + 4 * i, 4);
        CHECK_EQ_INT(w, (uint32_t)v[i]);
    }
    for (int order = 0; order < 2 && b.len == 12 + 4 * n; order++) {
        unsigned drep = ASIDL_NDR_DREP_LITTLE_ENDIAN;
        if (order == 1) {       /* every item of this encoding is a 4-octet integer */
            for (size_t at = 0; at < b.len; at += 4) {
                unsigned char t0 = b.data[at], t1 = b.data[at + 1];
                b.data[at] = b.data[at + 3];
                b.data[at + 1] = b.data[at + 2];
                b.data[at + 2] = t1;
                b.data[at + 3] = t0;
            }
            drep = ASIDL_NDR_DREP_BIG_ENDIAN;
        }
        struct longs out = { 0, NULL };
        CHECK_OK(ndr_decode(&desc->hdr, &out, b.data, b.len, drep));
        CHECK_EQ_INT(out.n, (long)n);
        for (size_t i = 0; i < n && out.v; i++) {
            if (out.v[i] != v[i]) {
                CHECK_EQ_INT(out.v[i], v[i]);
                break;
            }
        }
        asidl_ndr_free(&desc->hdr, &out);
    }
    asidl_ndr_buffer_free(&b);
    CHECK_NO_LEAKS();
}

static void long_arrays_in_both_loops(bool vector_paths)
{
    ndr_longs_use_vector_paths(vector_paths);
    long storage[LONGS_MAX + 4];
    for (int u = 0; u < 2; u++) {
        const asidl_ndr_struct *desc = u ? &ulongs_desc : &longs_desc;
        for (size_t start = 0; start < 4; start++) {
            for (size_t n = 0; n + start <= LONGS_MAX + 3; n += n < 20 ? 1 : 7) {
                long *v = storage + start;
                for (size_t i = 0; i < n; i++)
                    v[i] = long_pattern(i + start, u);
                check_long_array(desc, v, n);
                /* one value out of range, at every position: refused, never truncated */
                for (size_t bad = 0; bad < n; bad++) {
                    long keep = v[bad];
                    v[bad] = u ? (long)(bad % 2 ? 0x100000000l : -1l) : (bad % 2 ? (long)INT32_MAX + 1 : (long)INT32_MIN - 1);
                    struct longs in = { (long)n, v };
                    ndr_check_marshal_fails(&desc->hdr, &in, RPC_X_BAD_STUB_DATA);
                    v[bad] = keep;
                }
            }
        }
    }
    ndr_longs_use_vector_paths(true);
}

TEST(long_arrays_of_every_length_and_alignment_in_the_vector_loops)
{
    long_arrays_in_both_loops(true);
}

TEST(long_arrays_of_every_length_and_alignment_in_the_portable_loops)
{
    long_arrays_in_both_loops(false);
}

TEST(unsupported_data_representations_are_refused)
{
    long v;
    unsigned char in[4] = { 0 };
    CHECK_STATUS(ndr_decode(&asidl_ndr_t_long.hdr, &v, in, 4, 0x11), RPC_S_CANNOT_SUPPORT);   /* EBCDIC */
    CHECK_STATUS(ndr_decode(&asidl_ndr_t_long.hdr, &v, in, 4, 0x20), RPC_S_CANNOT_SUPPORT);
    CHECK_NO_LEAKS();
}

TEST(truncated_primitives_are_bad_stub_data)
{
    ndr_check_rejects(&asidl_ndr_t_long.hdr, "010203", RPC_X_BAD_STUB_DATA);
    ndr_check_rejects(&asidl_ndr_t_hyper.hdr, "01020304050607", RPC_X_BAD_STUB_DATA);
    ndr_check_rejects(&asidl_ndr_t_short.hdr, "", RPC_X_BAD_STUB_DATA);
}

int main(void)
{
    RUN(every_base_type_has_its_wire_size_and_alignment);
    RUN(big_endian_input_decodes_to_the_same_values);
    RUN(long_is_four_octets_and_sign_extends);
    RUN(long_outside_32_bits_is_bad_stub_data_not_truncated);
    RUN(fixed_width_32_bit_types_copy_as_they_are);
    RUN(enum16_takes_two_octets_and_values_up_to_0x7fff);
    RUN(single_wchar_is_one_utf16_unit_and_beyond_bmp_fails);
    RUN(floats_and_doubles_in_both_byte_orders);
    RUN(range_is_enforced_both_ways);
    RUN(long_arrays_convert_and_check_every_element);
    RUN(long_arrays_of_every_length_and_alignment_in_the_vector_loops);
    RUN(long_arrays_of_every_length_and_alignment_in_the_portable_loops);
    RUN(unsupported_data_representations_are_refused);
    RUN(truncated_primitives_are_bad_stub_data);
    return test_exit();
}
