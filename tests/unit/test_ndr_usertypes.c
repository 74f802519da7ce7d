/*
 * Types the application marshals itself or converts: context handles (wire form through the
 * runtime's hooks), [user_marshal]/[wire_marshal] (MIDL's four routines, with and without the
 * pointer marker), [transmit_as]/[represent_as] (conversion thunks, a transmitted type with
 * pointers of its own).  Failures after such a value was received must hand it back to its
 * free routine: the counting allocator shows nothing leaks.
 */
#include <stdbool.h>
#include <stddef.h>

#include "ndr_test.h"

#define PTR_HDR(kind) ASIDL_NDR_HDR(POINTER, 4, ASIDL_NDR_F_COMPLEX | ASIDL_NDR_PTR_##kind, sizeof(void *))
#define CPLX ASIDL_NDR_F_COMPLEX

/* ===================================================================== context handles */

static unsigned last_ctx_flags;

/* A stand-in for the RPC runtime: the handle value rides in the UUID's first field. */
static long ctx_to_wire(void *hook_ctx, const asidl_ndr_context_handle *desc, unsigned flags, const void *mem,
                        asidl_ndr_context_wire *w)
{
    (void)hook_ctx, (void)desc;
    last_ctx_flags = flags;
    uintptr_t v;
    memcpy(&v, mem, sizeof v);
    w->attributes = 0;
    w->uuid_d1 = (uint32_t)v;
    w->uuid_d2 = v ? 0x5566 : 0;
    w->uuid_d3 = v ? 0x7788 : 0;
    static const uint8_t tail[8] = { 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00 };
    memcpy(w->uuid_d4, v ? tail : (const uint8_t[8]){ 0 }, 8);
    return RPC_S_OK;
}

static long ctx_from_wire(void *hook_ctx, const asidl_ndr_context_handle *desc, unsigned flags,
                          const asidl_ndr_context_wire *w, void *mem)
{
    (void)hook_ctx, (void)desc;
    last_ctx_flags = flags;
    if (w->attributes != 0)
        return RPC_X_SS_CONTEXT_MISMATCH;
    void *v = (void *)(uintptr_t)w->uuid_d1;
    memcpy(mem, &v, sizeof v);
    return RPC_S_OK;
}

static const asidl_ndr_hooks test_hooks = { ctx_to_wire, ctx_from_wire };
static const asidl_ndr_context_handle ctx_desc = {
    ASIDL_NDR_HDR(CONTEXT_HANDLE, 4, CPLX, sizeof(void *)), NULL, "test_handle",
};

TEST(context_handle_is_twenty_octets_through_the_hooks)
{
    asidl_ndr_call c;
    asidl_ndr_call_init(&c, ASIDL_NDR_CLIENT);
    c.hooks = &test_hooks;
    void *h = (void *)(uintptr_t)0x11223344;
    asidl_ndr_buffer out;
    asidl_ndr_buffer_init(&out);
    CHECK_OK(asidl_ndr_marshal(&c, &ctx_desc.hdr, &h, &out));
    CHECK_HEX(out.data, out.len, "00000000 44332211 6655 8877 99aabbccddeeff00");
    void *got = NULL;
    size_t pos = 0;
    CHECK_OK(asidl_ndr_unmarshal(&c, &ctx_desc.hdr, &got, out.data, out.len, &pos, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    CHECK(got == h);
    unsigned char be[20];
    ndr_unhex("00000000 11223344 5566 7788 99aabbccddeeff00", be, sizeof be);
    pos = 0;
    got = NULL;
    CHECK_OK(asidl_ndr_unmarshal(&c, &ctx_desc.hdr, &got, be, 20, &pos, ASIDL_NDR_DREP_BIG_ENDIAN));
    CHECK(got == h);
    pos = 0;
    CHECK_STATUS(asidl_ndr_unmarshal(&c, &ctx_desc.hdr, &got, be, 19, &pos, ASIDL_NDR_DREP_BIG_ENDIAN),
                 RPC_X_BAD_STUB_DATA);
    be[3] = 1;      /* the hook refuses */
    pos = 0;
    CHECK_STATUS(asidl_ndr_unmarshal(&c, &ctx_desc.hdr, &got, be, 20, &pos, ASIDL_NDR_DREP_BIG_ENDIAN),
                 RPC_X_SS_CONTEXT_MISMATCH);
    asidl_ndr_buffer_free(&out);
    asidl_ndr_call_cleanup(&c);
}

TEST(context_handles_need_the_runtime)
{
    void *h = NULL;
    ndr_check_marshal_fails(&ctx_desc.hdr, &h, RPC_S_CANNOT_SUPPORT);
}

/* ===================================================================== user_marshal */

/* presented type: struct blob { unsigned n; char *data; }; wire: u32 n, then n octets */
struct blob {
    unsigned n;
    char *data;
};
static uint32_t last_user_flags;
static int misbehave;   /* 1: UserMarshal overruns its room, 2: UserUnmarshal claims too much */

static uint32_t blob_size(uint32_t *flags, uint32_t start, void *obj)
{
    const struct blob *b = obj;
    last_user_flags = *flags;
    return ((start + 3) & ~3u) + 4 + b->n;
}

static unsigned char *blob_marshal(uint32_t *flags, unsigned char *buf, void *obj)
{
    const struct blob *b = obj;
    last_user_flags = *flags;
    CHECK(asidl_ndr_user_buffer_end(flags) == buf + 4 + b->n);
    buf[0] = (unsigned char)b->n, buf[1] = (unsigned char)(b->n >> 8);
    buf[2] = (unsigned char)(b->n >> 16), buf[3] = (unsigned char)(b->n >> 24);
    memcpy(buf + 4, b->data, b->n);
    return buf + 4 + b->n + (misbehave == 1 ? 8 : 0);
}

static unsigned char *blob_unmarshal(uint32_t *flags, unsigned char *buf, void *obj)
{
    struct blob *b = obj;
    last_user_flags = *flags;
    const unsigned char *end = asidl_ndr_user_buffer_end(flags);
    if (!end || end - buf < 4)
        return NULL;
    bool big = (*flags >> 16) == 0;
    b->n = big ? (unsigned)buf[3] | buf[2] << 8 | buf[1] << 16 | (unsigned)buf[0] << 24
               : (unsigned)buf[0] | buf[1] << 8 | buf[2] << 16 | (unsigned)buf[3] << 24;
    if (b->n > (size_t)(end - buf) - 4)
        return NULL;    /* checked against the end the engine gives */
    b->data = MIDL_user_allocate(b->n ? b->n : 1);
    memcpy(b->data, buf + 4, b->n);
    return buf + 4 + b->n + (misbehave == 2 ? 4096 : 0);
}

static void blob_free(uint32_t *flags, void *obj)
{
    struct blob *b = obj;
    last_user_flags = *flags;
    MIDL_user_free(b->data);
    b->data = NULL;
}

static const asidl_ndr_user_marshal blob_desc = {
    ASIDL_NDR_HDR(USER_MARSHAL, 4, CPLX, sizeof(struct blob)), blob_size, blob_marshal, blob_unmarshal, blob_free,
};
static const asidl_ndr_user_marshal blob_ptr_desc = {
    ASIDL_NDR_HDR(USER_MARSHAL, 4, CPLX | ASIDL_NDR_F_USER_POINTER, sizeof(struct blob)),
    blob_size, blob_marshal, blob_unmarshal, blob_free,
};

/* struct carrier { long a; blob b; long c; } */
struct carrier {
    long a;
    struct blob b;
    long c;
};
static const asidl_ndr_field carrier_fields[] = {
    { offsetof(struct carrier, a), &asidl_ndr_t_long.hdr },    /* a */
    { offsetof(struct carrier, b), &blob_desc.hdr },           /* b */
    { offsetof(struct carrier, c), &asidl_ndr_t_long.hdr },    /* c */
};
static const asidl_ndr_struct carrier_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct carrier)), 3, carrier_fields };
static const asidl_ndr_field carrier_ptr_fields[] = {
    { offsetof(struct carrier, a), &asidl_ndr_t_long.hdr },    /* a */
    { offsetof(struct carrier, b), &blob_ptr_desc.hdr },       /* b */
    { offsetof(struct carrier, c), &asidl_ndr_t_long.hdr },    /* c */
};
static const asidl_ndr_struct carrier_ptr_desc = {
    ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct carrier)), 3, carrier_ptr_fields,
};

TEST(user_marshal_routines_write_in_place)
{
    char text[] = "xyz";
    struct carrier v = { 1, { 3, text }, 2 };
    ndr_roundtrip(&carrier_desc.hdr, &v, "01000000 03000000 78797a 00 02000000");
    CHECK_EQ_INT(last_user_flags, 0x00100002);      /* little-endian data, different machine */
    ndr_check_decodes_to(&carrier_desc.hdr, "00000001 00000003 78797a 00 00000002", ASIDL_NDR_DREP_BIG_ENDIAN,
                         "01000000 03000000 78797a 00 02000000");
}

TEST(user_marshal_with_pointers_leaves_a_marker_and_defers_its_data)
{
    char text[] = "ab";
    struct carrier v = { 1, { 2, text }, 2 };
    ndr_roundtrip(&carrier_ptr_desc.hdr, &v, "01000000 55736572 02000000 02000000 6162");
    ndr_check_rejects(&carrier_ptr_desc.hdr, "01000000 00000000 02000000 02000000 6162", RPC_X_BAD_STUB_DATA);
}

TEST(user_routines_that_overrun_are_caught)
{
    char text[] = "xyz";
    struct carrier v = { 1, { 3, text }, 2 };
    misbehave = 1;      /* only marshalling calls the routine; sizing trusts _UserSize */
    asidl_ndr_buffer b;
    CHECK_STATUS(ndr_encode(&carrier_desc.hdr, &v, &b), RPC_X_BAD_STUB_DATA);
    CHECK_EQ_INT(b.len, 0);
    asidl_ndr_buffer_free(&b);
    misbehave = 2;
    ndr_check_rejects(&carrier_desc.hdr, "01000000 03000000 78797a 00 02000000", RPC_X_BAD_STUB_DATA);
    misbehave = 0;
    CHECK_NO_LEAKS();
}

/* ===================================================================== transmit_as */

/* [transmit_as(long)] double: tenths of a degree on the wire */
static void temp_to_xmit(void *presented, void **xmit)
{
    long *x = MIDL_user_allocate(sizeof *x);
    *x = (long)(*(double *)presented * 10.0);
    *xmit = x;
}
static void temp_from_xmit(void *xmit, void *presented)
{
    *(double *)presented = (double)*(long *)xmit / 10.0;
}
static void temp_free_xmit(void *xmit)
{
    MIDL_user_free(xmit);
}
static const asidl_ndr_transmit_as temp_desc = {
    ASIDL_NDR_HDR(TRANSMIT_AS, 4, CPLX, sizeof(double)), &asidl_ndr_t_long.hdr,
    temp_to_xmit, temp_from_xmit, temp_free_xmit, NULL,
};

TEST(transmit_as_converts_both_ways)
{
    double t = 21.5;
    ndr_roundtrip(&temp_desc.hdr, &t, "d7000000");
    double got = 0;
    unsigned char in[] = { 0x0a, 0, 0, 0 };
    CHECK_OK(ndr_decode(&temp_desc.hdr, &got, in, 4, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    CHECK(got == 1.0);
    CHECK_NO_LEAKS();
}

/* [represent_as(char *)] over struct bytes { long len; [size_is(len)] byte *b; }: the
 * transmitted type has a pointer of its own, so its referent follows it at once. */
struct bytes {
    long len;
    unsigned char *b;
};
static const asidl_ndr_op bytes_len[] = {
    { ASIDL_NDR_OP_FIELD, ASIDL_NDR_C_OF(long), offsetof(struct bytes, len) },     /* len */
    { ASIDL_NDR_OP_END, 0, 0 },
};
static const asidl_ndr_dim bytes_dims[] = { { .size_is = bytes_len } };
static const asidl_ndr_array bytes_arr = { ASIDL_NDR_HDR(ARRAY, 1, ASIDL_NDR_F_CONFORMANT, 0), &asidl_ndr_t_byte.hdr, 1, bytes_dims };
static const asidl_ndr_pointer bytes_ptr = { PTR_HDR(UNIQUE), &bytes_arr.hdr };
static const asidl_ndr_field bytes_fields[] = {
    { offsetof(struct bytes, len), &asidl_ndr_t_long.hdr },    /* len */
    { offsetof(struct bytes, b), &bytes_ptr.hdr },             /* b */
};
static const asidl_ndr_struct bytes_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct bytes)), 2, bytes_fields };

static void text_from_local(void *presented, void **wire)
{
    const char *s = *(char **)presented;
    struct bytes *w = MIDL_user_allocate(sizeof *w);
    w->len = (long)strlen(s);
    w->b = MIDL_user_allocate((size_t)w->len + 1);
    memcpy(w->b, s, (size_t)w->len);
    *wire = w;
}
static void text_to_local(void *wire, void *presented)
{
    const struct bytes *w = wire;
    size_t n = w->b && w->len > 0 ? (size_t)w->len : 0;   /* the engine checked b holds len */
    char *s = MIDL_user_allocate(n + 1);
    memcpy(s, n ? w->b : (const unsigned char *)"", n);
    s[n] = 0;
    *(char **)presented = s;
}
static void text_free_wire(void *wire)
{
    struct bytes *w = wire;
    MIDL_user_free(w->b);
    MIDL_user_free(w);
}
static void text_free_local(void *presented)
{
    MIDL_user_free(*(char **)presented);
}
static const asidl_ndr_transmit_as text_desc = {
    ASIDL_NDR_HDR(TRANSMIT_AS, 4, CPLX | ASIDL_NDR_F_REPRESENT_AS, sizeof(char *)), &bytes_desc.hdr,
    text_from_local, text_to_local, text_free_wire, text_free_local,
};
/* struct two_texts { text a; long mid; text b; } */
struct two_texts {
    char *a;
    long mid;
    char *b;
};
static const asidl_ndr_field two_texts_fields[] = {
    { offsetof(struct two_texts, a), &text_desc.hdr },         /* a */
    { offsetof(struct two_texts, mid), &asidl_ndr_t_long.hdr },/* mid */
    { offsetof(struct two_texts, b), &text_desc.hdr },         /* b */
};
static const asidl_ndr_struct two_texts_desc = { ASIDL_NDR_HDR(STRUCT, 4, CPLX, sizeof(struct two_texts)), 3, two_texts_fields };

TEST(represent_as_with_a_pointer_in_the_transmitted_type)
{
    struct two_texts v = { "hi", 7, "abc" };
    ndr_roundtrip(&two_texts_desc.hdr, &v,
                  "02000000 00000200 02000000 6869 0000 07000000 03000000 04000200 03000000 616263");
    struct two_texts got;
    unsigned char in[64];
    size_t n = ndr_unhex("02000000 00000200 02000000 6869 0000 07000000 03000000 04000200 03000000 616263",
                         in, sizeof in);
    CHECK_OK(ndr_decode(&two_texts_desc.hdr, &got, in, n, ASIDL_NDR_DREP_LITTLE_ENDIAN));
    CHECK(strcmp(got.a, "hi") == 0 && got.mid == 7 && strcmp(got.b, "abc") == 0);
    asidl_ndr_free(&two_texts_desc.hdr, &got);
    CHECK_NO_LEAKS();
}

TEST(descriptors_are_valid)
{
    VALID(&ctx_desc.hdr);
    VALID(&carrier_desc.hdr);
    VALID(&carrier_ptr_desc.hdr);
    VALID(&temp_desc.hdr);
    VALID(&two_texts_desc.hdr);
}

int main(void)
{
    RUN(context_handle_is_twenty_octets_through_the_hooks);
    RUN(context_handles_need_the_runtime);
    RUN(user_marshal_routines_write_in_place);
    RUN(user_marshal_with_pointers_leaves_a_marker_and_defers_its_data);
    RUN(user_routines_that_overrun_are_caught);
    RUN(transmit_as_converts_both_ways);
    RUN(represent_as_with_a_pointer_in_the_transmitted_type);
    RUN(descriptors_are_valid);
    return test_exit();
}
