/*
 * NDR arrays (C706 14.3.3): fixed, conformant (size_is, max_is, min_is), varying (length_is,
 * first_is, last_is), conformant varying, multi-dimensional, arrays of structures (block copy
 * and element by element), correlation expressions (n * 2, *pn, fields after the array) and
 * the checks that keep a hostile count from sizing anything.  impacket has no
 * multi-dimensional arrays, first_is/last_is or min_is, so those vectors are worked out by hand
 * from C706 14.3.3.
 */
#include <stddef.h>

#include "ndr_test.h"

#define PTR_HDR(kind) ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_PTR_##kind, sizeof(void *))
#define CONF ASIDL_NDR_F_CONFORMANT
#define VARY ASIDL_NDR_F_VARYING
#define END { ASIDL_NDR_OP_END, 0, 0 }
#define FIELD(T, m) { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(long), offsetof(T, m) }

/* ---- short a[3] ---- */
static const asidl_ndr_dim dim3[] = { { .count = 3 } };
static const asidl_ndr_array short3 = { ASIDL_NDR_HDR(ARRAY, 2, 0, 3 * sizeof(short)), &asidl_ndr_t_short.hdr, 1, dim3 };

TEST(fixed_array_is_just_its_elements)
{
    short a[3] = { 1, -2, 3 };
    ndr_roundtrip(&short3.hdr, a, "0100 feff 0300");
}

/* ---- struct sized { long n; [size_is(n)] long *p; } ---- */
struct sized {
    long n;
    long *p;
};
static const asidl_ndr_op sized_n[] = { FIELD(struct sized, n), END };
static const asidl_ndr_dim sized_dims[] = { { .size_is = sized_n } };
static const asidl_ndr_array sized_arr = { ASIDL_NDR_HDR(ARRAY, 4, CONF, 0), &asidl_ndr_t_long.hdr, 1, sized_dims };
static const asidl_ndr_pointer sized_ptr = { PTR_HDR(UNIQUE), &sized_arr.hdr };
static const asidl_ndr_field sized_fields[] = {
    { offsetof(struct sized, n), &asidl_ndr_t_long.hdr },      /* n */
    { offsetof(struct sized, p), &sized_ptr.hdr },             /* p */
};
static const asidl_ndr_struct sized_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_COMPLEX, sizeof(struct sized)), 2, sized_fields,
};

TEST(conformant_array_behind_a_pointer_sized_by_a_field)
{
    long data[3] = { 10, 20, -30 };
    struct sized v = { 3, data };
    ndr_roundtrip(&sized_desc.hdr, &v, "03000000 00000200 03000000 0a000000 14000000 e2ffffff");
    struct sized empty = { 0, data };
    ndr_roundtrip(&sized_desc.hdr, &empty, "00000000 00000200 00000000");
    ndr_check_rejects(&sized_desc.hdr, "02000000 00000200 03000000 0a000000 14000000 e2ffffff",
                      RPC_X_BAD_STUB_DATA);     /* max count 3, n says 2 */
    struct sized big = { (long)INT32_MAX + 1, data };
    ndr_check_marshal_fails(&sized_desc.hdr, &big, RPC_X_BAD_STUB_DATA);   /* n itself is a long */
}

/* ---- struct doubled { short n; [size_is(n * 2)] short *p; } ---- */
struct doubled {
    short n;
    short *p;
};
static const asidl_ndr_op doubled_n2[] = {
    { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(short), offsetof(struct doubled, n) },   /* n */
    { ASIDL_NDR_OP_CONST, 0, 2 },                                                  /* 2 */
    { ASIDL_NDR_OP_MUL, 0, 0 },                                                    /* * */
    END,
};
static const asidl_ndr_dim doubled_dims[] = { { .size_is = doubled_n2 } };
static const asidl_ndr_array doubled_arr = { ASIDL_NDR_HDR(ARRAY, 2, CONF, 0), &asidl_ndr_t_short.hdr, 1, doubled_dims };
static const asidl_ndr_pointer doubled_ptr = { PTR_HDR(UNIQUE), &doubled_arr.hdr };
static const asidl_ndr_field doubled_fields[] = {
    { offsetof(struct doubled, n), &asidl_ndr_t_short.hdr },   /* n */
    { offsetof(struct doubled, p), &doubled_ptr.hdr },         /* p */
};
static const asidl_ndr_struct doubled_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_COMPLEX, sizeof(struct doubled)), 2, doubled_fields,
};

TEST(size_is_an_expression_n_times_2)
{
    short data[4] = { 1, 2, 3, 4 };
    struct doubled v = { 2, data };
    ndr_roundtrip(&doubled_desc.hdr, &v, "0200 0000 00000200 04000000 0100 0200 0300 0400");
    struct doubled neg = { -1, data };
    ndr_check_marshal_fails(&doubled_desc.hdr, &neg, RPC_X_INVALID_BOUND);
}

/* ---- struct indirect { long *pn; [size_is(*pn)] char *buf; } ---- */
struct indirect {
    long *pn;
    char *buf;
};
static const asidl_ndr_op indirect_star_pn[] = {
    { ASIDL_NDR_OP_FIELD_ADDR, 0, offsetof(struct indirect, pn) },    /* pn */
    { ASIDL_NDR_OP_DEREF, ASIDL_NDR_C_OF(long), 0 },                  /* *pn */
    END,
};
static const asidl_ndr_pointer indirect_pn = { PTR_HDR(REF), &asidl_ndr_t_long.hdr };
static const asidl_ndr_dim indirect_dims[] = { { .size_is = indirect_star_pn } };
static const asidl_ndr_array indirect_arr = { ASIDL_NDR_HDR(ARRAY, 1, CONF, 0), &asidl_ndr_t_byte.hdr, 1, indirect_dims };
static const asidl_ndr_pointer indirect_buf = { PTR_HDR(UNIQUE), &indirect_arr.hdr };
static const asidl_ndr_field indirect_fields[] = {
    { offsetof(struct indirect, pn), &indirect_pn.hdr },       /* pn */
    { offsetof(struct indirect, buf), &indirect_buf.hdr },     /* buf */
};
static const asidl_ndr_struct indirect_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_COMPLEX, sizeof(struct indirect)), 2, indirect_fields,
};

TEST(size_is_through_a_pointer_star_pn)
{
    long n = 3;
    char data[3] = { 'a', 'b', 'c' };
    struct indirect v = { &n, data };
    /* embedded ref pointer: ID in place; referents in order: *pn, then buf's array */
    ndr_roundtrip(&indirect_desc.hdr, &v, "00000200 04000200 03000000 03000000 616263");
    struct indirect null_pn = { NULL, data };
    ndr_check_marshal_fails(&indirect_desc.hdr, &null_pn, RPC_X_NULL_REF_POINTER);
    ndr_check_rejects(&indirect_desc.hdr, "00000000 04000200 03000000 03000000 616263",
                      RPC_X_BAD_STUB_DATA);     /* a NULL embedded [ref] pointer */
    ndr_check_rejects(&indirect_desc.hdr, "00000200 04000200 02000000 03000000 616263",
                      RPC_X_BAD_STUB_DATA);     /* *pn disagrees with the count */
}

/* ---- struct window { long first; long len; [first_is(first), length_is(len)] short a[6]; } ---- */
struct window {
    long first, len;
    short a[6];
};
static const asidl_ndr_op window_first[] = { FIELD(struct window, first), END };
static const asidl_ndr_op window_len[] = { FIELD(struct window, len), END };
static const asidl_ndr_dim window_dims[] = { { .count = 6, .first_is = window_first, .length_is = window_len } };
static const asidl_ndr_array window_arr = {
    ASIDL_NDR_HDR(ARRAY, 2, VARY, 6 * sizeof(short)), &asidl_ndr_t_short.hdr, 1, window_dims,
};
static const asidl_ndr_field window_fields[] = {
    { offsetof(struct window, first), &asidl_ndr_t_long.hdr },     /* first */
    { offsetof(struct window, len), &asidl_ndr_t_long.hdr },       /* len */
    { offsetof(struct window, a), &window_arr.hdr },               /* a */
};
static const asidl_ndr_struct window_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, 0, sizeof(struct window)), 3, window_fields,
};

TEST(varying_array_sends_offset_count_and_only_that_slice)
{
    struct window v = { 2, 3, { 0, 0, 7, 8, 9, 0 } };
    ndr_roundtrip(&window_desc.hdr, &v, "02000000 03000000 02000000 03000000 0700 0800 0900");
    struct window out = { 4, 3, { 0 } };      /* 4 + 3 > 6 */
    ndr_check_marshal_fails(&window_desc.hdr, &out, RPC_X_INVALID_BOUND);
    ndr_check_rejects(&window_desc.hdr, "02000000 03000000 04000000 03000000 0700 0800 0900",
                      RPC_X_INVALID_BOUND);     /* offset + count beyond 6 */
    ndr_check_rejects(&window_desc.hdr, "01000000 03000000 02000000 03000000 0700 0800 0900",
                      RPC_X_BAD_STUB_DATA);     /* offset is not first */
}

/* ---- struct upto { long last; [last_is(last)] short a[4]; } ---- */
struct upto {
    long last;
    short a[4];
};
static const asidl_ndr_op upto_last[] = { FIELD(struct upto, last), END };
static const asidl_ndr_dim upto_dims[] = { { .count = 4, .last_is = upto_last } };
static const asidl_ndr_array upto_arr = { ASIDL_NDR_HDR(ARRAY, 2, VARY, 4 * sizeof(short)), &asidl_ndr_t_short.hdr, 1, upto_dims };
static const asidl_ndr_field upto_fields[] = {
    { offsetof(struct upto, last), &asidl_ndr_t_long.hdr },    /* last */
    { offsetof(struct upto, a), &upto_arr.hdr },               /* a */
};
static const asidl_ndr_struct upto_desc = { ASIDL_NDR_HDR(STRUCT, 4, 0, sizeof(struct upto)), 2, upto_fields };

TEST(last_is_gives_the_last_index_sent)
{
    struct upto v = { 1, { 5, 6, 0, 0 } };      /* elements 0 and 1 */
    ndr_roundtrip(&upto_desc.hdr, &v, "01000000 00000000 02000000 0500 0600");
}

/* ---- struct bounded { long lo, hi; [min_is(lo), max_is(hi)] short *p; } (DCE) ---- */
struct bounded {
    long lo, hi;
    short *p;
};
static const asidl_ndr_op bounded_lo[] = { FIELD(struct bounded, lo), END };
static const asidl_ndr_op bounded_hi[] = { FIELD(struct bounded, hi), END };
static const asidl_ndr_dim bounded_dims[] = { { .min_is = bounded_lo, .max_is = bounded_hi } };
static const asidl_ndr_array bounded_arr = { ASIDL_NDR_HDR(ARRAY, 2, CONF, 0), &asidl_ndr_t_short.hdr, 1, bounded_dims };
static const asidl_ndr_pointer bounded_ptr = { PTR_HDR(UNIQUE), &bounded_arr.hdr };
static const asidl_ndr_field bounded_fields[] = {
    { offsetof(struct bounded, lo), &asidl_ndr_t_long.hdr },   /* lo */
    { offsetof(struct bounded, hi), &asidl_ndr_t_long.hdr },   /* hi */
    { offsetof(struct bounded, p), &bounded_ptr.hdr },         /* p */
};
static const asidl_ndr_struct bounded_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_COMPLEX, sizeof(struct bounded)), 3, bounded_fields,
};

TEST(max_is_and_min_is_give_the_count)
{
    short data[3] = { 1, 2, 3 };
    struct bounded v = { 5, 7, data };          /* indexes 5..7: three elements */
    ndr_roundtrip(&bounded_desc.hdr, &v, "05000000 07000000 00000200 03000000 0100 0200 0300");
    struct bounded zero = { 0, 2, data };       /* max_is alone: count = max + 1 */
    ndr_roundtrip(&bounded_desc.hdr, &zero, "00000000 02000000 00000200 03000000 0100 0200 0300");
    ndr_check_rejects(&bounded_desc.hdr, "05000000 08000000 00000200 03000000 0100 0200 0300",
                      RPC_X_BAD_STUB_DATA);
}

/* ---- long m[2][3] ---- */
static const asidl_ndr_dim dims_2x3[] = { { .count = 2 }, { .count = 3 } };
static const asidl_ndr_array long2x3 = { ASIDL_NDR_HDR(ARRAY, 4, 0, 6 * sizeof(long)), &asidl_ndr_t_long.hdr, 2, dims_2x3 };

TEST(fixed_multi_dimensional_array_is_row_major)
{
    long m[2][3] = { { 1, 2, 3 }, { 4, 5, 6 } };
    ndr_roundtrip(&long2x3.hdr, m, "01000000 02000000 03000000 04000000 05000000 06000000");
}

/* ---- struct rows { long n; [size_is(n)] short (*p)[3]; }: conformant in the first dimension.
 * C706 14.3.3.4: a conformant multi-dimensional array carries a maximum count for every
 * dimension (the fixed one too), then the elements. */
struct rows {
    long n;
    short (*p)[3];
};
static const asidl_ndr_op rows_n[] = { FIELD(struct rows, n), END };
static const asidl_ndr_dim rows_dims[] = { { .size_is = rows_n }, { .count = 3 } };
static const asidl_ndr_array rows_arr = { ASIDL_NDR_HDR(ARRAY, 2, CONF, 0), &asidl_ndr_t_short.hdr, 2, rows_dims };
static const asidl_ndr_pointer rows_ptr = { PTR_HDR(UNIQUE), &rows_arr.hdr };
static const asidl_ndr_field rows_fields[] = {
    { offsetof(struct rows, n), &asidl_ndr_t_long.hdr },   /* n */
    { offsetof(struct rows, p), &rows_ptr.hdr },           /* p */
};
static const asidl_ndr_struct rows_desc = { ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_COMPLEX, sizeof(struct rows)), 2, rows_fields };

TEST(conformant_multi_dimensional_array_counts_every_dimension)
{
    short m[2][3] = { { 1, 2, 3 }, { 4, 5, 6 } };
    struct rows v = { 2, m };
    ndr_roundtrip(&rows_desc.hdr, &v, "02000000 00000200 02000000 03000000 0100 0200 0300 0400 0500 0600");
    ndr_check_rejects(&rows_desc.hdr, "02000000 00000200 02000000 04000000 0100 0200 0300 0400 0500 0600 0700 0800",
                      RPC_X_BAD_STUB_DATA);     /* the fixed dimension is 3, not 4 */
}

/* ---- struct grid { long k; [length_is(k)] short a[3][2]; }: varying in the first dimension.
 * C706 14.3.3.6: an (offset, actual count) pair for every dimension, then the slice. */
struct grid {
    long k;
    short a[3][2];
};
static const asidl_ndr_op grid_k[] = { FIELD(struct grid, k), END };
static const asidl_ndr_dim grid_dims[] = { { .count = 3, .length_is = grid_k }, { .count = 2 } };
static const asidl_ndr_array grid_arr = { ASIDL_NDR_HDR(ARRAY, 2, VARY, 6 * sizeof(short)), &asidl_ndr_t_short.hdr, 2, grid_dims };
static const asidl_ndr_field grid_fields[] = {
    { offsetof(struct grid, k), &asidl_ndr_t_long.hdr },   /* k */
    { offsetof(struct grid, a), &grid_arr.hdr },           /* a */
};
static const asidl_ndr_struct grid_desc = { ASIDL_NDR_HDR(STRUCT, 4, 0, sizeof(struct grid)), 2, grid_fields };

TEST(varying_multi_dimensional_array_has_a_pair_per_dimension)
{
    struct grid v = { 2, { { 1, 2 }, { 3, 4 }, { 0, 0 } } };
    ndr_roundtrip(&grid_desc.hdr, &v, "02000000 00000000 02000000 00000000 02000000 0100 0200 0300 0400");
    ndr_check_rejects(&grid_desc.hdr, "02000000 00000000 02000000 01000000 01000000 0100 0200",
                      RPC_X_BAD_STUB_DATA);     /* the second dimension is not varying */
}

/* ---- arrays of structures: a block copy where C and wire layouts agree ---- */
struct ipair {
    int32_t a, b;
};
struct pair {
    long a;
    long b;
};
struct pad {
    long a;
    short b;
};
static const asidl_ndr_field pair_fields[] = {
    { offsetof(struct ipair, a), &asidl_ndr_t_int32.hdr },     /* a (LONG) */
    { offsetof(struct ipair, b), &asidl_ndr_t_int32.hdr },     /* b (LONG) */
};
static const asidl_ndr_struct pair_desc = { ASIDL_NDR_HDR(STRUCT, 4, 0, sizeof(struct ipair)), 2, pair_fields };
static const asidl_ndr_field lpair_fields[] = {
    { offsetof(struct pair, a), &asidl_ndr_t_long.hdr },       /* a (long: 8 in C) */
    { offsetof(struct pair, b), &asidl_ndr_t_long.hdr },       /* b */
};
static const asidl_ndr_struct lpair_desc = { ASIDL_NDR_HDR(STRUCT, 4, 0, sizeof(struct pair)), 2, lpair_fields };
static const asidl_ndr_field pad_fields[] = {
    { offsetof(struct pad, a), &asidl_ndr_t_long.hdr },        /* a */
    { offsetof(struct pad, b), &asidl_ndr_t_short.hdr },       /* b */
};
static const asidl_ndr_struct pad_desc = { ASIDL_NDR_HDR(STRUCT, 4, 0, sizeof(struct pad)), 2, pad_fields };
static const asidl_ndr_array pairs3 = { ASIDL_NDR_HDR(ARRAY, 4, 0, 3 * sizeof(struct ipair)), &pair_desc.hdr, 1, dim3 };
static const asidl_ndr_array lpairs3 = { ASIDL_NDR_HDR(ARRAY, 4, 0, 3 * sizeof(struct pair)), &lpair_desc.hdr, 1, dim3 };
static const asidl_ndr_array pads3 = { ASIDL_NDR_HDR(ARRAY, 4, 0, 3 * sizeof(struct pad)), &pad_desc.hdr, 1, dim3 };

TEST(arrays_of_structs_block_copied_or_walked_give_the_same_bytes)
{
    struct ipair flat[3] = { { 1, 2 }, { 3, 4 }, { 5, 6 } };
    struct pair longs[3] = { { 1, 2 }, { 3, 4 }, { 5, 6 } };
    const char *hex = "01000000 02000000 03000000 04000000 05000000 06000000";
    ndr_roundtrip(&pairs3.hdr, flat, hex);
    ndr_roundtrip(&lpairs3.hdr, longs, hex);
    /* {long; short} leaves a 2-octet gap between elements: zero on the wire, never C padding */
    struct pad pads[3];
    memset(pads, 0xEE, sizeof pads);
    for (int i = 0; i < 3; i++)
        pads[i].a = i + 1, pads[i].b = (short)(10 + i);
    ndr_roundtrip(&pads3.hdr, pads, "01000000 0a00 0000 02000000 0b00 0000 03000000 0c00");
}

/* ---- arrays of structures with pointers: written and read as one block of elements ----
 * struct item { short tag; long a; [unique] long *p; [unique, string] char *s; }
 * struct items { long n; [size_is(n)] struct item *v; }
 * On the wire an item is tag, a 2-octet gap, a, p's ID, s's ID: 16 octets; the referents
 * follow all the items, in pointer order. */
struct item {
    short tag;
    long a;
    long *p;
    char *s;
};
struct items {
    long n;
    struct item *v;
};
static const asidl_ndr_pointer item_long = { PTR_HDR(UNIQUE), &asidl_ndr_t_long.hdr };
static const asidl_ndr_dim item_str_dim[] = { { 0 } };
static const asidl_ndr_array item_str = {
    ASIDL_NDR_HDR(ARRAY, 1, CONF | VARY | ASIDL_NDR_F_STRING, 0), &asidl_ndr_t_char.hdr, 1, item_str_dim,
};
static const asidl_ndr_pointer item_str_ptr = { PTR_HDR(UNIQUE), &item_str.hdr };
static const asidl_ndr_field item_fields[] = {
    { offsetof(struct item, tag), &asidl_ndr_t_short.hdr },   /* tag */
    { offsetof(struct item, a), &asidl_ndr_t_long.hdr },      /* a */
    { offsetof(struct item, p), &item_long.hdr },             /* p */
    { offsetof(struct item, s), &item_str_ptr.hdr },          /* s */
};
static const asidl_ndr_struct item_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_COMPLEX, sizeof(struct item)), 4, item_fields,
};
static const asidl_ndr_op items_n[] = { FIELD(struct items, n), END };
static const asidl_ndr_dim items_dims[] = { { .size_is = items_n } };
static const asidl_ndr_array items_arr = {
    ASIDL_NDR_HDR(ARRAY, 4, CONF | ASIDL_NDR_F_COMPLEX, 0), &item_desc.hdr, 1, items_dims,
};
static const asidl_ndr_pointer items_ptr = { PTR_HDR(UNIQUE), &items_arr.hdr };
static const asidl_ndr_field items_fields[] = {
    { offsetof(struct items, n), &asidl_ndr_t_long.hdr },     /* n */
    { offsetof(struct items, v), &items_ptr.hdr },            /* v */
};
static const asidl_ndr_struct items_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, ASIDL_NDR_F_COMPLEX, sizeof(struct items)), 2, items_fields,
};

#define ITEMS_LE "03000000 00000200 03000000"                                   \
                 "0100 0000 ffffffff 04000200 08000200"                          \
                 "0200 0000 05000000 00000000 0c000200"                          \
                 "fdff 0000 78563412 10000200 00000000"                          \
                 "07000000 03000000 00000000 03000000 616200 00"                 \
                 "01000000 00000000 01000000 00 000000 f7ffffff"
#define ITEMS_BE "00000003 00020000 00000003"                                   \
                 "0001 0000 ffffffff 00020004 00020008"                          \
                 "0002 0000 00000005 00000000 0002000c"                          \
                 "fffd 0000 12345678 00020010 00000000"                          \
                 "00000007 00000003 00000000 00000003 616200 00"                 \
                 "00000001 00000000 00000001 00 000000 fffffff7"

TEST(arrays_of_structs_with_pointers_keep_member_order_gaps_and_referent_order)
{
    long seven = 7, minus_nine = -9;
    struct item v[3];
    memset(v, 0xEE, sizeof v);      /* C padding must not reach the wire */
    v[0].tag = 1, v[0].a = -1, v[0].p = &seven, v[0].s = "ab";
    v[1].tag = 2, v[1].a = 5, v[1].p = NULL, v[1].s = "";
    v[2].tag = -3, v[2].a = 0x12345678, v[2].p = &minus_nine, v[2].s = NULL;
    struct items all = { 3, v };
    ndr_roundtrip(&items_desc.hdr, &all, ITEMS_LE);
    ndr_check_decodes_to(&items_desc.hdr, ITEMS_BE, ASIDL_NDR_DREP_BIG_ENDIAN, ITEMS_LE);
    /* an item's long out of range: refused, whichever item it is in */
    v[2].a = (long)INT32_MAX + 1;
    ndr_check_marshal_fails(&items_desc.hdr, &all, RPC_X_BAD_STUB_DATA);
    v[2].a = 0x12345678;
    minus_nine = (long)INT32_MIN - 1;
    ndr_check_marshal_fails(&items_desc.hdr, &all, RPC_X_BAD_STUB_DATA);
    /* three items announced, the octets of two and a half present */
    ndr_check_rejects(&items_desc.hdr, "03000000 00000200 03000000"
                      "0100 0000 ffffffff 00000000 00000000 0200 0000 05000000 00000000 00000000 fdff 0000",
                      RPC_X_BAD_STUB_DATA);
}

/* ---- a correlation on a field that comes after the array: checked at the end ----
 * struct late { [length_is(len)] short a[4]; long len; } */
struct late {
    short a[4];
    long len;
};
static const asidl_ndr_op late_len[] = { FIELD(struct late, len), END };
static const asidl_ndr_dim late_dims[] = { { .count = 4, .length_is = late_len } };
static const asidl_ndr_array late_arr = { ASIDL_NDR_HDR(ARRAY, 2, VARY, 4 * sizeof(short)), &asidl_ndr_t_short.hdr, 1, late_dims };
static const asidl_ndr_field late_fields[] = {
    { offsetof(struct late, a), &late_arr.hdr },               /* a */
    { offsetof(struct late, len), &asidl_ndr_t_long.hdr },     /* len */
};
static const asidl_ndr_struct late_desc = { ASIDL_NDR_HDR(STRUCT, 4, 0, sizeof(struct late)), 2, late_fields };

TEST(correlation_with_a_later_field_is_checked_when_it_arrives)
{
    struct late v = { { 1, 2, 0, 0 }, 2 };
    ndr_roundtrip(&late_desc.hdr, &v, "00000000 02000000 0100 0200 02000000");
    ndr_check_rejects(&late_desc.hdr, "00000000 02000000 0100 0200 03000000", RPC_X_BAD_STUB_DATA);
}

TEST(hostile_counts_are_refused_before_anything_is_sized_from_them)
{
    /* 4 billion elements announced, 4 octets present */
    ndr_check_rejects(&sized_desc.hdr, "ffffffff 00000200 ffffffff 01000000", RPC_X_BAD_STUB_DATA);
    /* multi-dimensional counts whose product overflows */
    ndr_check_rejects(&rows_desc.hdr, "02000000 00000200 ffffffff 03000000 0100", RPC_X_BAD_STUB_DATA);
    /* the per-call allocation cap */
    asidl_ndr_call c;
    asidl_ndr_call_init(&c, ASIDL_NDR_SERVER);
    c.alloc_limit = 16;
    unsigned char in[64];
    size_t n = ndr_unhex("08000000 00000200 08000000 0100000002000000030000000400000005000000060000000700000008000000",
                         in, sizeof in);
    struct sized v;
    size_t pos = 0;
    CHECK_STATUS(asidl_ndr_unmarshal(&c, &sized_desc.hdr, &v, in, n, &pos, ASIDL_NDR_DREP_LITTLE_ENDIAN),
                 RPC_X_NO_MEMORY);
    CHECK_EQ_INT(pos, 0);
    c.alloc_limit = 64;
    CHECK_OK(asidl_ndr_unmarshal(&c, &sized_desc.hdr, &v, in, n, &pos, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    CHECK_EQ_INT(v.p[7], 8);
    asidl_ndr_free(&sized_desc.hdr, &v);
    asidl_ndr_call_cleanup(&c);
    CHECK_NO_LEAKS();
}

TEST(allocation_failure_midway_releases_everything)
{
    long data[3] = { 1, 2, 3 };
    struct sized v = { 3, data };
    asidl_ndr_buffer enc;
    CHECK_OK(ndr_encode(&sized_desc.hdr, &v, &enc));
    struct sized got;
    ndr_fail_alloc_after(0);
    CHECK_STATUS(ndr_decode(&sized_desc.hdr, &got, enc.data, enc.len, ASIDL_NDR_DREP_LITTLE_ENDIAN), RPC_X_NO_MEMORY);
    ndr_fail_alloc_after(-1);
    CHECK_NO_LEAKS();
    asidl_ndr_buffer_free(&enc);
}

TEST(descriptors_are_valid)
{
    VALID(&short3.hdr);
    VALID(&sized_desc.hdr);
    VALID(&items_desc.hdr);
    VALID(&doubled_desc.hdr);
    VALID(&indirect_desc.hdr);
    VALID(&window_desc.hdr);
    VALID(&upto_desc.hdr);
    VALID(&bounded_desc.hdr);
    VALID(&long2x3.hdr);
    VALID(&rows_desc.hdr);
    VALID(&grid_desc.hdr);
    VALID(&pairs3.hdr);
    VALID(&lpairs3.hdr);
    VALID(&pads3.hdr);
    VALID(&late_desc.hdr);
}

int main(void)
{
    RUN(fixed_array_is_just_its_elements);
    RUN(conformant_array_behind_a_pointer_sized_by_a_field);
    RUN(size_is_an_expression_n_times_2);
    RUN(size_is_through_a_pointer_star_pn);
    RUN(varying_array_sends_offset_count_and_only_that_slice);
    RUN(last_is_gives_the_last_index_sent);
    RUN(max_is_and_min_is_give_the_count);
    RUN(fixed_multi_dimensional_array_is_row_major);
    RUN(conformant_multi_dimensional_array_counts_every_dimension);
    RUN(varying_multi_dimensional_array_has_a_pair_per_dimension);
    RUN(arrays_of_structs_block_copied_or_walked_give_the_same_bytes);
    RUN(arrays_of_structs_with_pointers_keep_member_order_gaps_and_referent_order);
    RUN(correlation_with_a_later_field_is_checked_when_it_arrives);
    RUN(hostile_counts_are_refused_before_anything_is_sized_from_them);
    RUN(allocation_failure_midway_releases_everything);
    RUN(descriptors_are_valid);
    return test_exit();
}
