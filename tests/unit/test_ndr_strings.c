/*
 * [string] arrays: char and wchar_t, pointer and fixed-array forms, size_is bounds.  wchar_t
 * text is UTF-32 in memory and UTF-16 on the wire, with surrogate pairs; counts on the wire
 * are code units.  Vectors worked out by hand from C706 14.3.4 (strings) and the UTF-16
 * encoding rules.
 */
#include <stddef.h>
#include <wchar.h>

#include "ndr_test.h"

#define PTR_HDR(kind) ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_PTR_##kind, sizeof(void *))
#define STR_FLAGS (ASIDL_NDR_F_CONFORMANT | ASIDL_NDR_F_VARYING | ASIDL_NDR_F_STRING)
#define END { ASIDL_NDR_OP_END, 0, 0 }

static const asidl_ndr_dim unsized[] = { { 0 } };

/* [string] char * and [string] wchar_t * */
static const asidl_ndr_array cstring = { ASIDL_NDR_HDR(ARRAY, 1, STR_FLAGS, 0), &asidl_ndr_t_char.hdr, 1, unsized };
static const asidl_ndr_array wstring = { ASIDL_NDR_HDR(ARRAY, 2, STR_FLAGS, 0), &asidl_ndr_t_wchar.hdr, 1, unsized };
static const asidl_ndr_array ustring = { ASIDL_NDR_HDR(ARRAY, 2, STR_FLAGS, 0), &asidl_ndr_t_ushort.hdr, 1, unsized };
static const asidl_ndr_pointer cstr_unique = { PTR_HDR(UNIQUE), &cstring.hdr };
static const asidl_ndr_pointer cstr_ref = { PTR_HDR(REF), &cstring.hdr };
static const asidl_ndr_pointer wstr_unique = { PTR_HDR(UNIQUE), &wstring.hdr };
static const asidl_ndr_pointer ustr_unique = { PTR_HDR(UNIQUE), &ustring.hdr };

TEST(char_string_counts_include_the_terminator)
{
    const char *s = "hello";
    ndr_roundtrip(&cstr_unique.hdr, &s, "00000200 06000000 00000000 06000000 68656c6c6f00");
    ndr_roundtrip(&cstr_ref.hdr, &s, "06000000 00000000 06000000 68656c6c6f00");
    const char *empty = "";
    ndr_roundtrip(&cstr_unique.hdr, &empty, "00000200 01000000 00000000 01000000 00");
    const char *none = NULL;
    ndr_roundtrip(&cstr_unique.hdr, &none, "00000000");
    /* the decoded string is NUL-terminated C text */
    char *got = NULL;
    unsigned char in[64];
    size_t n = ndr_unhex("00000200 06000000 00000000 06000000 68656c6c6f00", in, sizeof in);
    CHECK_OK(ndr_decode(&cstr_unique.hdr, &got, in, n, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    CHECK(got && strcmp(got, "hello") == 0);
    asidl_ndr_free(&cstr_unique.hdr, &got);
    CHECK_NO_LEAKS();
}

TEST(wide_strings_are_utf16_with_surrogate_pairs)
{
    const wchar_t *s = L"h\u00e9";
    ndr_roundtrip(&wstr_unique.hdr, &s, "00000200 03000000 00000000 03000000 6800 e900 0000");
    const wchar_t *emoji = L"a\U0001F600";     /* one code point, two code units */
    ndr_roundtrip(&wstr_unique.hdr, &emoji, "00000200 04000000 00000000 04000000 6100 3dd8 00de 0000");
    wchar_t *got = NULL;
    unsigned char in[64];
    size_t n = ndr_unhex("00000200 04000000 00000000 04000000 6100 3dd8 00de 0000", in, sizeof in);
    CHECK_OK(ndr_decode(&wstr_unique.hdr, &got, in, n, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    CHECK(got && wcscmp(got, L"a\U0001F600") == 0);
    asidl_ndr_free(&wstr_unique.hdr, &got);
    /* big-endian code units */
    ndr_check_decodes_to(&wstr_unique.hdr, "00020000 00000004 00000000 00000004 0061 d83d de00 0000",
                         ASIDL_NDR_DREP_BIG_ENDIAN, "00000200 04000000 00000000 04000000 6100 3dd8 00de 0000");
}

TEST(unpaired_surrogates_pass_through_and_invalid_code_points_fail)
{
    /* a high surrogate not followed by a low one stays a single value */
    ndr_check_decodes_to(&wstr_unique.hdr, "00000200 03000000 00000000 03000000 3dd8 4100 0000",
                         ASIDL_NDR_DREP_LITTLE_ENDIAN, "00000200 03000000 00000000 03000000 3dd8 4100 0000");
    wchar_t bad[] = { 'a', (wchar_t)0x110000, 0 };
    const wchar_t *p = bad;
    ndr_check_marshal_fails(&wstr_unique.hdr, &p, RPC_X_BAD_STUB_DATA);
}

TEST(two_byte_strings_copy_as_they_are)
{
    const unsigned short s[] = { 'o', 'k', 0 };
    const unsigned short *p = s;
    ndr_roundtrip(&ustr_unique.hdr, &p, "00000200 03000000 00000000 03000000 6f00 6b00 0000");
}

/* struct fixed_names { [string] char c[8]; [string] wchar_t w[3]; } */
struct fixed_names {
    char c[8];
    wchar_t w[3];
};
static const asidl_ndr_dim eight[] = { { .count = 8 } };
static const asidl_ndr_dim three[] = { { .count = 3 } };
static const asidl_ndr_array c8 = {
    ASIDL_NDR_HDR(ARRAY, 1, ASIDL_NDR_F_VARYING | ASIDL_NDR_F_STRING, 8), &asidl_ndr_t_char.hdr, 1, eight,
};
static const asidl_ndr_array w3 = {
    ASIDL_NDR_HDR(ARRAY, 2, ASIDL_NDR_F_VARYING | ASIDL_NDR_F_STRING, 3 * sizeof(wchar_t)), &asidl_ndr_t_wchar.hdr, 1, three,
};
static const asidl_ndr_field fixed_names_fields[] = {
    { offsetof(struct fixed_names, c), &c8.hdr },      /* c */
    { offsetof(struct fixed_names, w), &w3.hdr },      /* w */
};
static const asidl_ndr_struct fixed_names_desc = {
    ASIDL_NDR_HDR(STRUCT, 2, 0, sizeof(struct fixed_names)), 2, fixed_names_fields,
};

TEST(fixed_size_strings_are_varying_arrays)
{
    struct fixed_names v = { "abc", L"\U0001F600" };   /* 3 code units: exactly the bound */
    ndr_roundtrip(&fixed_names_desc.hdr, &v, "00000000 04000000 61626300 00000000 03000000 3dd8 00de 0000");
    struct fixed_names two = { "abc", L"\U0001F600" };
    two.w[1] = (wchar_t)0x1F600;
    two.w[2] = 0;                       /* two code points, five code units: more than 3 */
    ndr_check_marshal_fails(&fixed_names_desc.hdr, &two, RPC_X_INVALID_BOUND);
    struct fixed_names unterminated;
    memcpy(unterminated.c, "abcdefgh", 8);
    unterminated.w[0] = 0;
    ndr_check_marshal_fails(&fixed_names_desc.hdr, &unterminated, RPC_X_INVALID_BOUND);
    /* on the wire: at most 8 characters */
    ndr_check_rejects(&fixed_names_desc.hdr, "00000000 09000000 616263646566676800 000000 00000000 01000000 0000",
                      RPC_X_INVALID_BOUND);
}

/* struct sized_buf { long cap; [string, size_is(cap)] wchar_t *buf; } */
struct sized_buf {
    long cap;
    wchar_t *buf;
};
static const asidl_ndr_op sized_cap[] = { { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(long), offsetof(struct sized_buf, cap) }, END };
static const asidl_ndr_dim sized_dims[] = { { .size_is = sized_cap } };
static const asidl_ndr_array sized_w = { ASIDL_NDR_HDR(ARRAY, 2, STR_FLAGS, 0), &asidl_ndr_t_wchar.hdr, 1, sized_dims };
static const asidl_ndr_pointer sized_ptr = { PTR_HDR(UNIQUE), &sized_w.hdr };
static const asidl_ndr_field sized_fields[] = {
    { offsetof(struct sized_buf, cap), &asidl_ndr_t_long.hdr },    /* cap */
    { offsetof(struct sized_buf, buf), &sized_ptr.hdr },           /* buf */
};
static const asidl_ndr_struct sized_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_COMPLEX, sizeof(struct sized_buf)), 2, sized_fields,
};

TEST(size_is_on_a_string_is_a_maximum_in_code_units)
{
    wchar_t text[8] = L"hi";
    struct sized_buf v = { 8, text };
    ndr_roundtrip(&sized_desc.hdr, &v, "08000000 00000200 08000000 00000000 03000000 6800 6900 0000");
    wchar_t small_[3] = L"\U0001F600";          /* 3 units in a buffer of 3 */
    struct sized_buf fits = { 3, small_ };
    ndr_roundtrip(&sized_desc.hdr, &fits, "03000000 00000200 03000000 00000000 03000000 3dd8 00de 0000");
    wchar_t big[3] = { (wchar_t)0x1F600, (wchar_t)0x1F600, 0 };
    struct sized_buf over = { 3, big };         /* 5 units in a buffer of 3 */
    ndr_check_marshal_fails(&sized_desc.hdr, &over, RPC_X_INVALID_BOUND);
}

TEST(malformed_wire_strings_are_refused)
{
    /* no terminator */
    ndr_check_rejects(&cstr_unique.hdr, "00000200 03000000 00000000 03000000 616263", RPC_X_BAD_STUB_DATA);
    ndr_check_rejects(&wstr_unique.hdr, "00000200 02000000 00000000 02000000 6100 6200", RPC_X_BAD_STUB_DATA);
    /* a string's offset is always 0, its count at least 1 */
    ndr_check_rejects(&cstr_unique.hdr, "00000200 03000000 01000000 02000000 6100", RPC_X_BAD_STUB_DATA);
    ndr_check_rejects(&cstr_unique.hdr, "00000200 03000000 00000000 00000000", RPC_X_BAD_STUB_DATA);
    /* more characters than the maximum count */
    ndr_check_rejects(&cstr_unique.hdr, "00000200 02000000 00000000 03000000 616200", RPC_X_INVALID_BOUND);
    /* a count far beyond the data */
    ndr_check_rejects(&cstr_unique.hdr, "00000200 ffffff7f 00000000 ffffff7f 6100", RPC_X_BAD_STUB_DATA);
}

TEST(descriptors_are_valid)
{
    VALID(&cstr_unique.hdr);
    VALID(&wstr_unique.hdr);
    VALID(&ustr_unique.hdr);
    VALID(&fixed_names_desc.hdr);
    VALID(&sized_desc.hdr);
}

int main(void)
{
    RUN(char_string_counts_include_the_terminator);
    RUN(wide_strings_are_utf16_with_surrogate_pairs);
    RUN(unpaired_surrogates_pass_through_and_invalid_code_points_fail);
    RUN(two_byte_strings_copy_as_they_are);
    RUN(fixed_size_strings_are_varying_arrays);
    RUN(size_is_on_a_string_is_a_maximum_in_code_units);
    RUN(malformed_wire_strings_are_refused);
    RUN(descriptors_are_valid);
    return test_exit();
}
