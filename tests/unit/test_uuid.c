/*
 * UUID functions with Microsoft's names and results: text round trips (A and W), refusal of
 * malformed text, NULL meaning nil, ordering, version bits of created UUIDs, UuidHash; and
 * DceErrorInqText.
 */
#include <stdlib.h>
#include <wchar.h>

#include <rpc.h>

#include "test.h"

static const UUID sample = { 0x6ba7b810, 0x9dad, 0x11d1, { 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8 } };

TEST(uuid_text_round_trips_in_lower_case)
{
    RPC_CSTR s = NULL;
    CHECK_EQ_INT(UuidToStringA(&sample, &s), RPC_S_OK);
    CHECK(s && strcmp((char *)s, "6ba7b810-9dad-11d1-80b4-00c04fd430c8") == 0);
    UUID back;
    CHECK_EQ_INT(UuidFromStringA(s, &back), RPC_S_OK);
    CHECK(memcmp(&back, &sample, sizeof back) == 0);
    CHECK_EQ_INT(RpcStringFreeA(&s), RPC_S_OK);
    CHECK(s == NULL);

    CHECK_EQ_INT(UuidFromStringA((RPC_CSTR)"6BA7B810-9DAD-11D1-80B4-00C04FD430C8", &back), RPC_S_OK);
    CHECK(memcmp(&back, &sample, sizeof back) == 0);
}

TEST(wide_uuid_text_round_trips)
{
    RPC_WSTR w = NULL;
    CHECK_EQ_INT(UuidToStringW(&sample, &w), RPC_S_OK);
    CHECK(w && wcscmp(w, L"6ba7b810-9dad-11d1-80b4-00c04fd430c8") == 0);
    UUID back;
    CHECK_EQ_INT(UuidFromStringW(w, &back), RPC_S_OK);
    CHECK(memcmp(&back, &sample, sizeof back) == 0);
    /* Every position made invalid is refused, as Windows does. */
    for (int i = 0; i < 36; i++) {
        wchar_t saved = w[i];
        w[i] = L'g';
        CHECK_EQ_INT(UuidFromStringW(w, &back), RPC_S_INVALID_STRING_UUID);
        w[i] = 0x4E2D;      /* a non-ASCII character */
        CHECK_EQ_INT(UuidFromStringW(w, &back), RPC_S_INVALID_STRING_UUID);
        w[i] = saved;
    }
    RpcStringFreeW(&w);
}

TEST(malformed_uuid_text_is_refused)
{
    static const char *bad[] = {
        "6ba7b810-9dad-11d1-80b4-00c04fd430c",        /* short */
        "6ba7b810-9dad-11d1-80b4-00c04fd430c88",      /* long */
        "{6ba7b810-9dad-11d1-80b4-00c04fd430c8}",     /* braces are CLSIDFromString's */
        "6ba7b810 9dad-11d1-80b4-00c04fd430c8",
        "6ba7b8109dad-11d1-80b4-00c04fd430c8-",
        "6ba7b810-9dad-11d1-80b4-00c04fd430cg",
        "x",
    };
    UUID u = sample;
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_EQ_INT(UuidFromStringA((RPC_CSTR)bad[i], &u), RPC_S_INVALID_STRING_UUID);
    CHECK(memcmp(&u, &sample, sizeof u) == 0);     /* untouched on failure */
    char text[40];
    strcpy(text, "6ba7b810-9dad-11d1-80b4-00c04fd430c8");
    for (int i = 0; i < 36; i++) {
        char saved = text[i];
        text[i] = 'g';
        CHECK_EQ_INT(UuidFromStringA((RPC_CSTR)text, &u), RPC_S_INVALID_STRING_UUID);
        text[i] = saved;
    }
}

TEST(null_and_empty_text_mean_the_nil_uuid)
{
    UUID u = sample;
    CHECK_EQ_INT(UuidFromStringA(NULL, &u), RPC_S_OK);
    RPC_STATUS st = -1;
    CHECK(UuidIsNil(&u, &st));
    CHECK_EQ_INT(st, RPC_S_OK);
    u = sample;
    CHECK_EQ_INT(UuidFromStringA((RPC_CSTR)"", &u), RPC_S_OK);
    CHECK(UuidIsNil(&u, &st));
    CHECK(UuidIsNil(NULL, &st));
    RPC_CSTR s = NULL;
    CHECK_EQ_INT(UuidToStringA(NULL, &s), RPC_S_OK);
    CHECK(strcmp((char *)s, "00000000-0000-0000-0000-000000000000") == 0);
    RpcStringFreeA(&s);
    CHECK_EQ_INT(UuidCreateNil(&u), RPC_S_OK);
    CHECK(UuidIsNil(&u, &st));
    CHECK_EQ_INT(UuidFromStringA((RPC_CSTR)"x", NULL), RPC_S_INVALID_ARG);
    CHECK_EQ_INT(UuidToStringA(&sample, NULL), RPC_S_INVALID_ARG);
}

TEST(comparison_orders_field_by_field)
{
    RPC_STATUS st;
    UUID a = sample, b = sample;
    CHECK_EQ_INT(UuidCompare(&a, &b, &st), 0);
    CHECK(UuidEqual(&a, &b, &st));
    b.Data1 = 0xF0000000;                  /* compared as unsigned */
    CHECK_EQ_INT(UuidCompare(&a, &b, &st), -1);
    CHECK_EQ_INT(UuidCompare(&b, &a, &st), 1);
    b = sample;
    b.Data3 = 0x11d0;
    CHECK_EQ_INT(UuidCompare(&a, &b, &st), 1);
    b = sample;
    b.Data4[7] = 0xc9;
    CHECK_EQ_INT(UuidCompare(&a, &b, &st), -1);
    CHECK(!UuidEqual(&a, &b, &st));
    CHECK_EQ_INT(UuidCompare(NULL, &a, &st), -1);
    CHECK_EQ_INT(UuidCompare(NULL, NULL, &st), 0);
    CHECK_EQ_INT(st, RPC_S_OK);
}

TEST(created_uuids_are_version_4_and_distinct)
{
    UUID and_mask, or_mask, u;
    CHECK_EQ_INT(UuidCreate(&u), RPC_S_OK);
    and_mask = or_mask = u;
    for (int i = 0; i < 1000; i++) {
        UUID v;
        CHECK_EQ_INT(UuidCreate(&v), RPC_S_OK);
        RPC_STATUS st;
        CHECK(!UuidEqual(&u, &v, &st));
        for (size_t b = 0; b < sizeof v; b++) {
            ((unsigned char *)&and_mask)[b] &= ((unsigned char *)&v)[b];
            ((unsigned char *)&or_mask)[b] |= ((unsigned char *)&v)[b];
        }
    }
    /* Only the version and variant bits are fixed. */
    CHECK_EQ_INT(and_mask.Data1, 0);
    CHECK_EQ_INT(and_mask.Data3, 0x4000);
    CHECK_EQ_INT(and_mask.Data4[0], 0x80);
    CHECK_EQ_INT(or_mask.Data3, 0x4fff);
    CHECK_EQ_INT(or_mask.Data4[0], 0xbf);
    CHECK_EQ_INT(UuidCreate(NULL), RPC_S_INVALID_ARG);
}

TEST(sequential_uuids_are_version_1_increasing_with_a_local_node)
{
    UUID a, b;
    CHECK_EQ_INT(UuidCreateSequential(&a), RPC_S_UUID_LOCAL_ONLY);
    CHECK_EQ_INT(UuidCreateSequential(&b), RPC_S_UUID_LOCAL_ONLY);
    CHECK_EQ_INT(a.Data3 >> 12, 1);
    CHECK_EQ_INT(b.Data3 >> 12, 1);
    CHECK(a.Data4[2] & 0x01);                          /* multicast node: not hardware */
    CHECK(memcmp(a.Data4 + 2, b.Data4 + 2, 6) == 0);   /* same node */
    uint64_t ta = (uint64_t)(a.Data3 & 0x0FFF) << 48 | (uint64_t)a.Data2 << 32 | a.Data1;
    uint64_t tb = (uint64_t)(b.Data3 & 0x0FFF) << 48 | (uint64_t)b.Data2 << 32 | b.Data1;
    CHECK(tb > ta);
}

TEST(uuid_hash_is_stable_and_spreads)
{
    RPC_STATUS st;
    UUID u = sample;
    unsigned short h = UuidHash(&u, &st);
    CHECK_EQ_INT(st, RPC_S_OK);
    CHECK_EQ_INT(UuidHash(&u, &st), h);
    CHECK_EQ_INT(UuidHash(NULL, &st), 0);
    u.Data4[7] ^= 1;
    CHECK(UuidHash(&u, &st) != h);
}

TEST(dce_error_text_describes_rpc_codes_and_flags_others)
{
    unsigned char text[DCE_C_ERROR_STRING_LEN];
    CHECK_EQ_INT(DceErrorInqTextA(RPC_S_OK, text), RPC_S_OK);
    CHECK(strlen((char *)text) > 0);
    CHECK_EQ_INT(DceErrorInqTextA(RPC_S_SERVER_UNAVAILABLE, text), RPC_S_OK);
    CHECK(strstr((char *)text, "server") != NULL);
    unsigned char not_rpc[DCE_C_ERROR_STRING_LEN];
    CHECK_EQ_INT(DceErrorInqTextA(RPC_S_NOT_RPC_ERROR, not_rpc), RPC_S_OK);
    /* Codes without a text get RPC_S_NOT_RPC_ERROR's text and RPC_S_OK, as on Windows. */
    CHECK_EQ_INT(DceErrorInqTextA(35, text), RPC_S_OK);
    CHECK(strcmp((char *)text, (char *)not_rpc) == 0);
    CHECK_EQ_INT(DceErrorInqTextA(3814, text), RPC_S_OK);
    CHECK(strcmp((char *)text, (char *)not_rpc) == 0);
    /* Every RPC status in the 1700-1950 range that has a name has its own text. */
    static const RPC_STATUS some[] = { RPC_S_INVALID_STRING_BINDING, RPC_S_CALL_CANCELLED,
        RPC_S_ASYNC_CALL_PENDING, RPC_X_BAD_STUB_DATA, RPC_S_INVALID_ASYNC_HANDLE,
        RPC_S_PROCNUM_OUT_OF_RANGE, RPC_S_UNKNOWN_IF, EPT_S_NOT_REGISTERED };
    for (unsigned i = 0; i < sizeof some / sizeof some[0]; i++) {
        CHECK_EQ_INT(DceErrorInqTextA(some[i], text), RPC_S_OK);
        CHECK(strcmp((char *)text, (char *)not_rpc) != 0);
    }
    wchar_t wtext[DCE_C_ERROR_STRING_LEN];
    CHECK_EQ_INT(DceErrorInqTextW(RPC_S_CALL_CANCELLED, wtext), RPC_S_OK);
    CHECK_EQ_INT(DceErrorInqTextA(RPC_S_CALL_CANCELLED, text), RPC_S_OK);
    CHECK_EQ_INT(wcslen(wtext), strlen((char *)text));
    CHECK_EQ_INT(DceErrorInqTextA(RPC_S_OK, NULL), RPC_S_INVALID_ARG);
}

int main(void)
{
    RUN(uuid_text_round_trips_in_lower_case);
    RUN(wide_uuid_text_round_trips);
    RUN(malformed_uuid_text_is_refused);
    RUN(null_and_empty_text_mean_the_nil_uuid);
    RUN(comparison_orders_field_by_field);
    RUN(created_uuids_are_version_4_and_distinct);
    RUN(sequential_uuids_are_version_1_increasing_with_a_local_node);
    RUN(uuid_hash_is_stable_and_spreads);
    RUN(dce_error_text_describes_rpc_codes_and_flags_others);
    return test_exit();
}
