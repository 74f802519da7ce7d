/*
 * Byte-exact comparison with an independent NDR implementation: python3-impacket.
 *
 * For each case below (a procedure's [in] parameters, described and valued exactly as the
 * python side, tests/ndr/impacket_check.py, describes them with impacket's NDR classes):
 *   1. asidl marshals the arguments; the script checks impacket's encoding of the same values
 *      is the same octets (padding aside: impacket fills gaps with 0xaa..0xef marker octets,
 *      which the test values avoid, so those identify padding; asidl's padding must be 0),
 *      and that impacket decodes asidl's octets back to the same values;
 *   2. the script hands back impacket's encodings; asidl unmarshals each (as a server would)
 *      and marshals the result again, which must give asidl's original octets.
 * A case one side has and the other lacks fails, as does a script that does not run, so
 * this cannot pass by saying nothing.  Cases cover the traps listed in dcerpc-wire.md: top-
 * level [unique] referents in place, struct alignment, nested deferral scope, union arm
 * alignment, the conformance count before 8-byte elements.
 */
#include <stddef.h>
#include <unistd.h>
#include <wchar.h>

#include "ndr_test.h"

#define PTR_HDR(kind) ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_PTR_##kind, sizeof(void *))
#define CPLX ASIDL_NDR_F_COMPLEX
#define CONF ASIDL_NDR_F_CONFORMANT
#define STR_FLAGS (ASIDL_NDR_F_CONFORMANT | ASIDL_NDR_F_VARYING | ASIDL_NDR_F_STRING)
#define END { ASIDL_NDR_OP_END, 0, 0 }
#define PROC(name, params) { ASIDL_NDR_MAGIC, 0, sizeof params / sizeof params[0], 0, ASIDL_NDR_HANDLE_AUTO, 0, name, params, NULL, NULL, NULL }
#define IN_PARAM(name, ctype, T, type) { name, ASIDL_NDR_PARAM_IN, ctype, sizeof(T), type }

static const asidl_ndr_pointer unique_long = { PTR_HDR(UNIQUE), &asidl_ndr_t_long.hdr };

/* ---- base_types: void f([in] struct prims s) ---- */
struct prims {
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
};
static const asidl_ndr_field prims_fields[] = {
    { offsetof(struct prims, s8), &asidl_ndr_t_small.hdr },    /* s8 */
    { offsetof(struct prims, u8), &asidl_ndr_t_byte.hdr },     /* u8 */
    { offsetof(struct prims, s16), &asidl_ndr_t_short.hdr },   /* s16 */
    { offsetof(struct prims, u16), &asidl_ndr_t_ushort.hdr },  /* u16 */
    { offsetof(struct prims, l), &asidl_ndr_t_long.hdr },      /* l */
    { offsetof(struct prims, ul), &asidl_ndr_t_ulong.hdr },    /* ul */
    { offsetof(struct prims, h), &asidl_ndr_t_hyper.hdr },     /* h */
    { offsetof(struct prims, f), &asidl_ndr_t_float.hdr },     /* f */
    { offsetof(struct prims, d), &asidl_ndr_t_double.hdr },    /* d */
    { offsetof(struct prims, b), &asidl_ndr_t_boolean.hdr },   /* b */
    { offsetof(struct prims, c), &asidl_ndr_t_char.hdr },      /* c */
};
static const asidl_ndr_struct prims_desc = { ASIDL_NDR_HDR(STRUCT, 8, 0, sizeof(struct prims)), 11, prims_fields };
static const asidl_ndr_param base_types_params[] = {
    { "s", ASIDL_NDR_PARAM_IN, ASIDL_NDR_C_AGGREGATE, sizeof(struct prims), &prims_desc.hdr },
};
static const asidl_ndr_proc base_types_proc = PROC("base_types", base_types_params);
static struct prims base_types_s = { -2, 0x7f, -3, 0x1234, -4, 0x01020304, 0x0102030405060708ll, 1.5f, 2.25, 1, 'x' };
static void *base_types_args[] = { &base_types_s };

/* ---- enum_and_long: void f([in] enum16 e, [in] long l) ---- */
static const asidl_ndr_param enum_params[] = {
    IN_PARAM("e", ASIDL_NDR_C_OF(int), int, &asidl_ndr_t_enum16.hdr),
    IN_PARAM("l", ASIDL_NDR_C_OF(long), long, &asidl_ndr_t_long.hdr),
};
static const asidl_ndr_proc enum_proc = PROC("enum_and_long", enum_params);
static int enum_e = 5;
static long enum_l = 7;
static void *enum_args[] = { &enum_e, &enum_l };

/* ---- nested_alignment: void f([in] struct with_hyper s), struct with_hyper { short a; struct { char c; hyper h; } inner; } */
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
static const asidl_ndr_struct char_hyper_desc = { ASIDL_NDR_HDR(STRUCT, 8, 0, sizeof(struct char_hyper)), 2, char_hyper_fields };
static const asidl_ndr_field with_hyper_fields[] = {
    { offsetof(struct with_hyper, a), &asidl_ndr_t_short.hdr },    /* a */
    { offsetof(struct with_hyper, inner), &char_hyper_desc.hdr },  /* inner */
};
static const asidl_ndr_struct with_hyper_desc = { ASIDL_NDR_HDR(STRUCT, 8, 0, sizeof(struct with_hyper)), 2, with_hyper_fields };
static const asidl_ndr_param nested_alignment_params[] = {
    { "s", ASIDL_NDR_PARAM_IN, ASIDL_NDR_C_AGGREGATE, sizeof(struct with_hyper), &with_hyper_desc.hdr },
};
static const asidl_ndr_proc nested_alignment_proc = PROC("nested_alignment", nested_alignment_params);
static struct with_hyper nested_alignment_s = { 1, { 'a', 0x0102030405060708ll } };
static void *nested_alignment_args[] = { &nested_alignment_s };

/* ---- conformant_array: void f([in] long count, [in, size_is(count)] long *arr) ---- */
static const asidl_ndr_op param0[] = { { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(long), 0 }, END };
static const asidl_ndr_dim by_param0[] = { { .size_is = param0 } };
static const asidl_ndr_array long_carr = { ASIDL_NDR_HDR(ARRAY, 4, CONF, 0), &asidl_ndr_t_long.hdr, 1, by_param0 };
static const asidl_ndr_pointer long_carr_ref = { PTR_HDR(REF), &long_carr.hdr };
static const asidl_ndr_param carr_params[] = {
    IN_PARAM("count", ASIDL_NDR_C_OF(long), long, &asidl_ndr_t_long.hdr),
    IN_PARAM("arr", ASIDL_NDR_C_PTR, long *, &long_carr_ref.hdr),
};
static const asidl_ndr_proc carr_proc = PROC("conformant_array", carr_params);
static long carr_count = 3, carr_data[3] = { 1, 2, -3 }, *carr_arr = carr_data;
static void *carr_args[] = { &carr_count, &carr_arr };

/* ---- conformant_varying_array: void f([in] long size, [in] long len,
 *      [in, size_is(size), length_is(len)] short *a) ---- */
static const asidl_ndr_op param1[] = { { ASIDL_NDR_OP_PARAM, ASIDL_NDR_C_OF(long), 1 }, END };
static const asidl_ndr_dim cv_dims[] = { { .size_is = param0, .length_is = param1 } };
static const asidl_ndr_array short_cvarr = {
    ASIDL_NDR_HDR(ARRAY, 2, CONF | ASIDL_NDR_F_VARYING, 0), &asidl_ndr_t_short.hdr, 1, cv_dims,
};
static const asidl_ndr_pointer short_cvarr_ref = { PTR_HDR(REF), &short_cvarr.hdr };
static const asidl_ndr_param cv_params[] = {
    IN_PARAM("size", ASIDL_NDR_C_OF(long), long, &asidl_ndr_t_long.hdr),
    IN_PARAM("len", ASIDL_NDR_C_OF(long), long, &asidl_ndr_t_long.hdr),
    IN_PARAM("a", ASIDL_NDR_C_PTR, short *, &short_cvarr_ref.hdr),
};
static const asidl_ndr_proc cv_proc = PROC("conformant_varying_array", cv_params);
static long cv_size = 5, cv_len = 2;
static short cv_data[5] = { 7, 8 }, *cv_a = cv_data;
static void *cv_args[] = { &cv_size, &cv_len, &cv_a };

/* ---- varying_in_struct: void f([in] struct window w),
 *      struct window { long first; long len; [first_is(first), length_is(len)] short a[6]; } ---- */
struct window {
    long first, len;
    short a[6];
};
static const asidl_ndr_op window_first[] = { { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(long), offsetof(struct window, first) }, END };
static const asidl_ndr_op window_len[] = { { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(long), offsetof(struct window, len) }, END };
static const asidl_ndr_dim window_dims[] = { { .count = 6, .first_is = window_first, .length_is = window_len } };
static const asidl_ndr_array window_arr = {
    ASIDL_NDR_HDR(ARRAY, 2, ASIDL_NDR_F_VARYING, 6 * sizeof(short)), &asidl_ndr_t_short.hdr, 1, window_dims,
};
static const asidl_ndr_field window_fields[] = {
    { offsetof(struct window, first), &asidl_ndr_t_long.hdr },     /* first */
    { offsetof(struct window, len), &asidl_ndr_t_long.hdr },       /* len */
    { offsetof(struct window, a), &window_arr.hdr },               /* a */
};
static const asidl_ndr_struct window_desc = { ASIDL_NDR_HDR(STRUCT, 4, 0, sizeof(struct window)), 3, window_fields };
static const asidl_ndr_param window_params[] = {
    { "w", ASIDL_NDR_PARAM_IN, ASIDL_NDR_C_AGGREGATE, sizeof(struct window), &window_desc.hdr },
};
static const asidl_ndr_proc window_proc = PROC("varying_in_struct", window_params);
static struct window window_w = { 2, 3, { 0, 0, 7, 8, 9, 0 } };
static void *window_args[] = { &window_w };

/* ---- strings: void f([in, string] char *s, [in, unique, string] wchar_t *w,
 *      [in, unique, string] wchar_t *n) ---- */
static const asidl_ndr_dim unsized[] = { { 0 } };
static const asidl_ndr_array cstring = { ASIDL_NDR_HDR(ARRAY, 1, STR_FLAGS, 0), &asidl_ndr_t_char.hdr, 1, unsized };
static const asidl_ndr_array wstring = { ASIDL_NDR_HDR(ARRAY, 2, STR_FLAGS, 0), &asidl_ndr_t_wchar.hdr, 1, unsized };
static const asidl_ndr_pointer cstring_ref = { PTR_HDR(REF), &cstring.hdr };
static const asidl_ndr_pointer wstring_unique = { PTR_HDR(UNIQUE), &wstring.hdr };
static const asidl_ndr_param strings_params[] = {
    IN_PARAM("s", ASIDL_NDR_C_PTR, char *, &cstring_ref.hdr),
    IN_PARAM("w", ASIDL_NDR_C_PTR, wchar_t *, &wstring_unique.hdr),
    IN_PARAM("n", ASIDL_NDR_C_PTR, wchar_t *, &wstring_unique.hdr),
};
static const asidl_ndr_proc strings_proc = PROC("strings", strings_params);
static const char *strings_s = "hello";
static const wchar_t *strings_w = L"a\U0001F600", *strings_n = NULL;
static void *strings_args[] = { &strings_s, &strings_w, &strings_n };

/* ---- nested_deferral: void f([in] struct outer o),
 *      struct outer { struct inner { long *q; long x; } in; long *p; long y; } ---- */
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
static const asidl_ndr_param nested_deferral_params[] = {
    { "o", ASIDL_NDR_PARAM_IN, ASIDL_NDR_C_AGGREGATE, sizeof(struct outer), &outer_desc.hdr },
};
static const asidl_ndr_proc nested_deferral_proc = PROC("nested_deferral", nested_deferral_params);
static long nd_q = 11, nd_p = 22;
static struct outer nested_deferral_o = { { &nd_q, 1 }, &nd_p, 2 };
static void *nested_deferral_args[] = { &nested_deferral_o };

/* ---- top_level_unique: void f([in, unique] long *a, [in] long b, [in, unique] struct inner *s) ---- */
static const asidl_ndr_pointer inner_unique = { PTR_HDR(UNIQUE), &inner_desc.hdr };
static const asidl_ndr_param tlu_params[] = {
    IN_PARAM("a", ASIDL_NDR_C_PTR, long *, &unique_long.hdr),
    IN_PARAM("b", ASIDL_NDR_C_OF(long), long, &asidl_ndr_t_long.hdr),
    IN_PARAM("s", ASIDL_NDR_C_PTR, struct inner *, &inner_unique.hdr),
};
static const asidl_ndr_proc tlu_proc = PROC("top_level_unique", tlu_params);
static long tlu_a_v = 5, *tlu_a = &tlu_a_v, tlu_b = 6, tlu_q = 7;
static struct inner tlu_s_v = { &tlu_q, 8 }, *tlu_s = &tlu_s_v;
static void *tlu_args[] = { &tlu_a, &tlu_b, &tlu_s };

/* ---- array_of_pointers: void f([in] struct ptrs p), struct ptrs { long n; [size_is(n)] long **arr; } ---- */
struct ptrs {
    long n;
    long **arr;
};
static const asidl_ndr_op ptrs_n[] = { { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(long), offsetof(struct ptrs, n) }, END };
static const asidl_ndr_dim ptrs_dims[] = { { .size_is = ptrs_n } };
static const asidl_ndr_array ptrs_arr = { ASIDL_NDR_HDR(ARRAY, 4, CPLX | CONF, 0), &unique_long.hdr, 1, ptrs_dims };
static const asidl_ndr_pointer ptrs_ptr = { PTR_HDR(UNIQUE), &ptrs_arr.hdr };
static const asidl_ndr_field ptrs_fields[] = {
    { offsetof(struct ptrs, n), &asidl_ndr_t_long.hdr },   /* n */
    { offsetof(struct ptrs, arr), &ptrs_ptr.hdr },         /* arr */
};
static const asidl_ndr_struct ptrs_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct ptrs)), 2, ptrs_fields };
static const asidl_ndr_param aop_params[] = {
    { "p", ASIDL_NDR_PARAM_IN, ASIDL_NDR_C_AGGREGATE, sizeof(struct ptrs), &ptrs_desc.hdr },
};
static const asidl_ndr_proc aop_proc = PROC("array_of_pointers", aop_params);
static long aop_ten = 10, aop_thirty = 30;
static long *aop_elems[3] = { &aop_ten, NULL, &aop_thirty };
static struct ptrs aop_p = { 3, aop_elems };
static void *aop_args[] = { &aop_p };

/* ---- conformant_struct: void f([in] struct cs *p, [in] struct ch *q),
 *      struct cs { long n; [size_is(n)] short a[]; }, struct ch { short n; [size_is(n)] hyper a[]; } ---- */
struct cs {
    long n;
    short a[];
};
struct ch {
    short n;
    long long a[];
};
static const asidl_ndr_op cs_n[] = { { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(long), offsetof(struct cs, n) }, END };
static const asidl_ndr_dim cs_dims[] = { { .size_is = cs_n } };
static const asidl_ndr_array cs_a = { ASIDL_NDR_HDR(ARRAY, 2, CONF, 0), &asidl_ndr_t_short.hdr, 1, cs_dims };
static const asidl_ndr_field cs_fields[] = {
    { offsetof(struct cs, n), &asidl_ndr_t_long.hdr },     /* n */
    { offsetof(struct cs, a), &cs_a.hdr },                 /* a */
};
static const asidl_ndr_struct cs_desc = { ASIDL_NDR_HDR(STRUCT, 4, CONF, sizeof(struct cs)), 2, cs_fields };
static const asidl_ndr_pointer cs_ref = { PTR_HDR(REF), &cs_desc.hdr };
static const asidl_ndr_op ch_n[] = { { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(short), offsetof(struct ch, n) }, END };
static const asidl_ndr_dim ch_dims[] = { { .size_is = ch_n } };
static const asidl_ndr_array ch_a = { ASIDL_NDR_HDR(ARRAY, 8, CONF, 0), &asidl_ndr_t_hyper.hdr, 1, ch_dims };
static const asidl_ndr_field ch_fields[] = {
    { offsetof(struct ch, n), &asidl_ndr_t_short.hdr },    /* n */
    { offsetof(struct ch, a), &ch_a.hdr },                 /* a */
};
static const asidl_ndr_struct ch_desc = { ASIDL_NDR_HDR(STRUCT, 8, CONF, sizeof(struct ch)), 2, ch_fields };
static const asidl_ndr_pointer ch_ref = { PTR_HDR(REF), &ch_desc.hdr };
static const asidl_ndr_param cstruct_params[] = {
    IN_PARAM("p", ASIDL_NDR_C_PTR, struct cs *, &cs_ref.hdr),
    IN_PARAM("q", ASIDL_NDR_C_PTR, struct ch *, &ch_ref.hdr),
};
static const asidl_ndr_proc cstruct_proc = PROC("conformant_struct", cstruct_params);
static struct cs *cstruct_p;
static struct ch *cstruct_q;
static void *cstruct_args[] = { &cstruct_p, &cstruct_q };

/* ---- union_long_arms: void f([in] struct holder h),
 *      struct holder { long kind; [switch_is(kind)] union { [case(1)] long l; [case(2)] long *p; } u; } ---- */
union lp {
    long l;
    long *p;
};
struct holder {
    long kind;
    union lp u;
};
static const asidl_ndr_op holder_kind[] = { { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(long), offsetof(struct holder, kind) }, END };
static const asidl_ndr_arm lp_arms[] = {
    { 1, &asidl_ndr_t_long.hdr },  /* l */
    { 2, &unique_long.hdr },       /* p */
};
static const asidl_ndr_union holder_u = {
    ASIDL_NDR_HDR(UNION, 4, CPLX, sizeof(union lp)), &asidl_ndr_t_ulong.hdr, holder_kind, 0, 0, 2, lp_arms, NULL,
};
static const asidl_ndr_field holder_fields[] = {
    { offsetof(struct holder, kind), &asidl_ndr_t_long.hdr },      /* kind */
    { offsetof(struct holder, u), &holder_u.hdr },                 /* u */
};
static const asidl_ndr_struct holder_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct holder)), 2, holder_fields };
static const asidl_ndr_param union_params[] = {
    { "h", ASIDL_NDR_PARAM_IN, ASIDL_NDR_C_AGGREGATE, sizeof(struct holder), &holder_desc.hdr },
};
static const asidl_ndr_proc union_proc = PROC("union_long_arms", union_params);
static long union_answer = 42;
static struct holder union_h = { 2, { .p = &union_answer } };
static void *union_args[] = { &union_h };

/* ---- union_arm_alignment: void f([in] struct narrow n),
 *      struct narrow { small kind; [switch_is(kind)] union { [case(1)] short s; [case(2)] long l; } u; }
 *      The arm aligns as its own type (DCE / MIDL default): the short follows the 1-octet
 *      discriminant at offset 2, not at 4.  ([in] long tail follows: impacket's union decoder
 *      only reads a discriminant with more than 4 octets after it.) */
union sl {
    short s;
    long l;
};
struct narrow {
    signed char kind;
    union sl u;
};
static const asidl_ndr_op narrow_kind[] = { { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(signed char), offsetof(struct narrow, kind) }, END };
static const asidl_ndr_arm sl_arms[] = {
    { 1, &asidl_ndr_t_short.hdr },     /* s */
    { 2, &asidl_ndr_t_long.hdr },      /* l */
};
static const asidl_ndr_union narrow_u = {
    ASIDL_NDR_HDR(UNION, 4, CPLX, sizeof(union sl)), &asidl_ndr_t_small.hdr, narrow_kind, 0, 0, 2, sl_arms, NULL,
};
static const asidl_ndr_field narrow_fields[] = {
    { offsetof(struct narrow, kind), &asidl_ndr_t_small.hdr },     /* kind */
    { offsetof(struct narrow, u), &narrow_u.hdr },                 /* u */
};
static const asidl_ndr_struct narrow_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct narrow)), 2, narrow_fields };
static const asidl_ndr_param narrow_params[] = {
    { "n", ASIDL_NDR_PARAM_IN, ASIDL_NDR_C_AGGREGATE, sizeof(struct narrow), &narrow_desc.hdr },
    IN_PARAM("tail", ASIDL_NDR_C_OF(long), long, &asidl_ndr_t_long.hdr),  /* impacket's union decoder needs data after it */
};
static const asidl_ndr_proc narrow_proc = PROC("union_arm_alignment", narrow_params);
static struct narrow narrow_n = { 1, { .s = -3 } };
static long narrow_tail = 0x01020304;
static void *narrow_args[] = { &narrow_n, &narrow_tail };

/* ---- array_of_structs: void f([in] long n, [in, size_is(n)] struct item *items),
 *      struct item { long id; [unique, string] wchar_t *name; } ---- */
struct item {
    long id;
    wchar_t *name;
};
static const asidl_ndr_field item_fields[] = {
    { offsetof(struct item, id), &asidl_ndr_t_long.hdr },      /* id */
    { offsetof(struct item, name), &wstring_unique.hdr },      /* name */
};
static const asidl_ndr_struct item_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct item)), 2, item_fields };
static const asidl_ndr_array items_arr = { ASIDL_NDR_HDR(ARRAY, 4, CPLX | CONF, 0), &item_desc.hdr, 1, by_param0 };
static const asidl_ndr_pointer items_ref = { PTR_HDR(REF), &items_arr.hdr };
static const asidl_ndr_param aos_params[] = {
    IN_PARAM("n", ASIDL_NDR_C_OF(long), long, &asidl_ndr_t_long.hdr),
    IN_PARAM("items", ASIDL_NDR_C_PTR, struct item *, &items_ref.hdr),
};
static const asidl_ndr_proc aos_proc = PROC("array_of_structs", aos_params);
static long aos_n = 2;
static struct item aos_data[2] = { { 1, L"one" }, { 2, L"tw\u00f6" } }, *aos_items = aos_data;
static void *aos_args[] = { &aos_n, &aos_items };

/* ---- multiple_params: void f([in] char c, [in] hyper h, [in] short s, [in] double d) ---- */
static const asidl_ndr_param mp_params[] = {
    IN_PARAM("c", ASIDL_NDR_C_OF(char), char, &asidl_ndr_t_char.hdr),
    IN_PARAM("h", ASIDL_NDR_C_OF(long long), long long, &asidl_ndr_t_hyper.hdr),
    IN_PARAM("s", ASIDL_NDR_C_OF(short), short, &asidl_ndr_t_short.hdr),
    IN_PARAM("d", ASIDL_NDR_C_DOUBLE, double, &asidl_ndr_t_double.hdr),
};
static const asidl_ndr_proc mp_proc = PROC("multiple_params", mp_params);
static char mp_c = 'c';
static long long mp_h = 0x0102030405060708ll;
static short mp_s = 5;
static double mp_d = -2.5;
static void *mp_args[] = { &mp_c, &mp_h, &mp_s, &mp_d };

/* ---- the cases ---- */

struct vector_case {
    const char *name;
    const asidl_ndr_proc *proc;
    void **args;
    asidl_ndr_buffer enc;
};

static struct vector_case cases[] = {
    { "base_types", &base_types_proc, base_types_args, { 0 } },
    { "enum_and_long", &enum_proc, enum_args, { 0 } },
    { "nested_alignment", &nested_alignment_proc, nested_alignment_args, { 0 } },
    { "conformant_array", &carr_proc, carr_args, { 0 } },
    { "conformant_varying_array", &cv_proc, cv_args, { 0 } },
    { "varying_in_struct", &window_proc, window_args, { 0 } },
    { "strings", &strings_proc, strings_args, { 0 } },
    { "nested_deferral", &nested_deferral_proc, nested_deferral_args, { 0 } },
    { "top_level_unique", &tlu_proc, tlu_args, { 0 } },
    { "array_of_pointers", &aop_proc, aop_args, { 0 } },
    { "conformant_struct", &cstruct_proc, cstruct_args, { 0 } },
    { "union_long_arms", &union_proc, union_args, { 0 } },
    { "union_arm_alignment", &narrow_proc, narrow_args, { 0 } },
    { "array_of_structs", &aos_proc, aos_args, { 0 } },
    { "multiple_params", &mp_proc, mp_args, { 0 } },
};
#define N_CASES (sizeof cases / sizeof cases[0])

static void hex_line(FILE *f, const char *name, const unsigned char *b, size_t n)
{
    fprintf(f, "%s ", name);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%02x", b[i]);
    fprintf(f, "\n");
}

/* Unmarshals impacket's octets as a server would, then marshals them again as a client. */
static void check_impacket_bytes(struct vector_case *vc, const unsigned char *b, size_t n)
{
    const asidl_ndr_proc *proc = vc->proc;
    void *frame[8];
    void *block = malloc(asidl_ndr_frame_size(proc));
    asidl_ndr_frame_init(proc, block, frame);
    asidl_ndr_call server, client;
    asidl_ndr_call_init(&server, ASIDL_NDR_SERVER);
    asidl_ndr_call_init(&client, ASIDL_NDR_CLIENT);
    long st = asidl_ndr_server_unmarshal(&server, proc, frame, b, n, ASIDL_NDR_DREP_LITTLE_ENDIAN);
    CHECK_OK(st);
    if (st == RPC_S_OK) {
        asidl_ndr_buffer again;
        asidl_ndr_buffer_init(&again);
        CHECK_OK(asidl_ndr_client_marshal(&client, proc, frame, &again));
        CHECK_EQ_INT(again.len, vc->enc.len);
        if (again.len == vc->enc.len && memcmp(again.data, vc->enc.data, again.len) != 0) {
            ndr_print_hex("asidl re-encoded", again.data, again.len);
            ndr_print_hex("asidl original  ", vc->enc.data, vc->enc.len);
            test_failed_checks_++;
        }
        asidl_ndr_buffer_free(&again);
        asidl_ndr_server_free(proc, frame, NULL, 0);
    }
    asidl_ndr_call_cleanup(&server);
    asidl_ndr_call_cleanup(&client);
    free(block);
    CHECK_NO_LEAKS();
}

int main(void)
{
    /* values that need the heap */
    cstruct_p = malloc(sizeof *cstruct_p + 3 * sizeof(short));
    cstruct_p->n = 3;
    cstruct_p->a[0] = 1, cstruct_p->a[1] = 2, cstruct_p->a[2] = 3;
    cstruct_q = malloc(sizeof *cstruct_q + sizeof(long long));
    cstruct_q->n = 1;
    cstruct_q->a[0] = 0x0102030405060708ll;

    const char *srcdir = getenv("ASIDL_SRCDIR") ? getenv("ASIDL_SRCDIR") : ".";
    char script[4096], vectors[] = "/tmp/asidl-ndr-vectors-XXXXXX", back[] = "/tmp/asidl-ndr-impacket-XXXXXX";
    snprintf(script, sizeof script, "%s/tests/ndr/impacket_check.py", srcdir);
    int fd1 = mkstemp(vectors), fd2 = mkstemp(back);
    FILE *out = fd1 >= 0 ? fdopen(fd1, "w") : NULL;
    if (!out || fd2 < 0) {
        printf("not ok - impacket_vectors_written\n");
        return 1;
    }
    close(fd2);

    /* 1. asidl's encodings */
    int encoded = 1;
    for (size_t i = 0; i < N_CASES; i++) {
        const char *why = NULL;
        asidl_ndr_call c;
        asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
        asidl_ndr_buffer_init(&cases[i].enc);
        if (asidl_ndr_validate_proc(cases[i].proc, &why) != RPC_S_OK ||
            asidl_ndr_client_marshal(&c, cases[i].proc, cases[i].args, &cases[i].enc) != RPC_S_OK) {
            printf("#   %s: %s\n", cases[i].name, why ? why : "marshalling failed");
            encoded = 0;
        }
        asidl_ndr_call_cleanup(&c);
        hex_line(out, cases[i].name, cases[i].enc.data, cases[i].enc.len);
    }
    fclose(out);
    printf("%s - asidl_encodes_every_case\n", encoded ? "ok" : "not ok");

    /* 2. impacket's verdicts (the script prints TAP lines of its own) */
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 '%s' '%s' '%s'", script, vectors, back);
    fflush(stdout);
    int rc = system(cmd);
    printf("%s - impacket_script_ran\n", rc == 0 ? "ok" : "not ok");

    /* 3. impacket's encodings, decoded by asidl */
    FILE *in = fopen(back, "r");
    int seen[N_CASES] = { 0 };
    char line[65536];
    while (in && fgets(line, sizeof line, in)) {
        char *sp = strchr(line, ' ');
        if (!sp)
            continue;
        *sp = 0;
        size_t i;
        for (i = 0; i < N_CASES && strcmp(cases[i].name, line) != 0; i++)
            ;
        if (i == N_CASES) {
            printf("not ok - impacket_case_known_to_asidl_%s\n", line);
            continue;
        }
        unsigned char b[8192];
        size_t n = ndr_unhex(sp + 1, b, sizeof b);
        seen[i] = 1;
        int before = test_failed_checks_;
        check_impacket_bytes(&cases[i], b, n);
        printf("%s - impacket_bytes_decode_in_asidl_%s\n", test_failed_checks_ == before ? "ok" : "not ok",
               cases[i].name);
    }
    if (in)
        fclose(in);
    int all = 1;
    for (size_t i = 0; i < N_CASES; i++) {
        if (!seen[i]) {
            printf("#   impacket returned no encoding for %s\n", cases[i].name);
            all = 0;
        }
        asidl_ndr_buffer_free(&cases[i].enc);
    }
    printf("%s - impacket_returned_every_case\n", all ? "ok" : "not ok");
    unlink(vectors);
    unlink(back);
    free(cstruct_p);
    free(cstruct_q);
    return 0;
}
