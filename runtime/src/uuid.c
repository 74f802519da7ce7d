/*
 * uuid.c: Microsoft's Uuid* functions. A NULL UUID pointer means the nil UUID wherever
 * Microsoft's documentation says so (comparisons, UuidToString).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <wchar.h>

#include <rpc.h>

#include "rpcrt.h"

_Static_assert(sizeof(UUID) == 16 && sizeof(asidl__uuid) == 16, "UUID layout");

static const UUID nil_uuid;

static bool fill_random(void *p, size_t n)
{
    uint8_t *b = p;
    while (n > 0) {
        ssize_t got = getrandom(b, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        b += got;
        n -= (size_t)got;
    }
    return true;
}

/* Version 4 (random): version nibble 4 in Data3, variant bits 10 in Data4[0]. */
RPC_STATUS RPC_ENTRY UuidCreate(UUID *Uuid)
{
    if (!Uuid)
        return RPC_S_INVALID_ARG;
    if (!fill_random(Uuid, sizeof *Uuid))
        return RPC_S_UUID_NO_ADDRESS;
    Uuid->Data3 = (unsigned short)((Uuid->Data3 & 0x0FFF) | 0x4000);
    Uuid->Data4[0] = (unsigned char)((Uuid->Data4[0] & 0x3F) | 0x80);
    return RPC_S_OK;
}

/* Version 1 (time-based). Linux gives an unprivileged process no stable hardware address to put
 * in the node field, so, like Windows on a machine without a network card, asidl uses a random
 * node with the multicast bit set, fixed for the life of the process, and says so by returning
 * RPC_S_UUID_LOCAL_ONLY. */
static pthread_mutex_t seq_lock = PTHREAD_MUTEX_INITIALIZER;
static uint8_t seq_node[6];
static uint16_t seq_clock;
static uint64_t seq_last;
static bool seq_ready;

RPC_STATUS RPC_ENTRY UuidCreateSequential(UUID *Uuid)
{
    if (!Uuid)
        return RPC_S_INVALID_ARG;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    /* 100 ns intervals since 1582-10-15, the Gregorian reform. */
    uint64_t now = (uint64_t)ts.tv_sec * 10000000u + (uint64_t)ts.tv_nsec / 100u +
                   0x01B21DD213814000ull;

    pthread_mutex_lock(&seq_lock);
    if (!seq_ready) {
        if (!fill_random(seq_node, sizeof seq_node) || !fill_random(&seq_clock, sizeof seq_clock)) {
            pthread_mutex_unlock(&seq_lock);
            return RPC_S_UUID_NO_ADDRESS;
        }
        seq_node[0] |= 0x01;          /* multicast: not a real hardware address */
        seq_ready = true;
    }
    if (now <= seq_last)
        now = seq_last + 1;           /* strictly increasing within the process */
    seq_last = now;
    uint16_t clock_seq = seq_clock;
    pthread_mutex_unlock(&seq_lock);

    Uuid->Data1 = (unsigned long)(now & 0xFFFFFFFFu);
    Uuid->Data2 = (unsigned short)((now >> 32) & 0xFFFF);
    Uuid->Data3 = (unsigned short)(((now >> 48) & 0x0FFF) | 0x1000);
    Uuid->Data4[0] = (unsigned char)(((clock_seq >> 8) & 0x3F) | 0x80);
    Uuid->Data4[1] = (unsigned char)clock_seq;
    memcpy(Uuid->Data4 + 2, seq_node, 6);
    return RPC_S_UUID_LOCAL_ONLY;
}

RPC_STATUS RPC_ENTRY UuidCreateNil(UUID *NilUuid)
{
    if (!NilUuid)
        return RPC_S_INVALID_ARG;
    *NilUuid = nil_uuid;
    return RPC_S_OK;
}

/* ---- text form: 8-4-4-4-12 hexadecimal digits, lower case on output ---- */

#define UUID_TEXT_LEN 36

static void uuid_format(const UUID *u, char out[UUID_TEXT_LEN + 1])
{
    snprintf(out, UUID_TEXT_LEN + 1, "%08lx-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             (unsigned long)u->Data1, u->Data2, u->Data3, u->Data4[0], u->Data4[1], u->Data4[2],
             u->Data4[3], u->Data4[4], u->Data4[5], u->Data4[6], u->Data4[7]);
}

static int hex_digit(unsigned c)
{
    if (c >= '0' && c <= '9') return (int)(c - '0');
    if (c >= 'a' && c <= 'f') return (int)(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return (int)(c - 'A' + 10);
    return -1;
}

/* Parses exactly 36 characters (text must be NUL-terminated there); `at(i)` gives character i. */
#define PARSE_UUID_BODY(text, at)                                                          \
    do {                                                                                   \
        uint8_t bytes[16];                                                                 \
        unsigned n = 0;                                                                    \
        for (unsigned i = 0; i < UUID_TEXT_LEN; i++) {                                     \
            unsigned c = (unsigned)(at(i));                                                \
            if (i == 8 || i == 13 || i == 18 || i == 23) {                                 \
                if (c != '-')                                                              \
                    return false;                                                          \
                continue;                                                                  \
            }                                                                              \
            int hi = hex_digit(c), lo = hex_digit((unsigned)(at(i + 1)));                  \
            if (hi < 0 || lo < 0)                                                          \
                return false;                                                              \
            bytes[n++] = (uint8_t)(hi << 4 | lo);                                          \
            i++;                                                                           \
        }                                                                                  \
        if ((text)[UUID_TEXT_LEN] != 0)                                                    \
            return false;                                                                  \
        out->Data1 = (unsigned long)bytes[0] << 24 | (unsigned long)bytes[1] << 16 |        \
                     (unsigned long)bytes[2] << 8 | bytes[3];                              \
        out->Data2 = (unsigned short)(bytes[4] << 8 | bytes[5]);                           \
        out->Data3 = (unsigned short)(bytes[6] << 8 | bytes[7]);                           \
        memcpy(out->Data4, bytes + 8, 8);                                                  \
        return true;                                                                       \
    } while (0)

/* Each character is checked before the next is read, so a short string stops at its NUL. */
static bool uuid_parse(const char *text, UUID *out)
{
#define AT_CHAR(i) ((unsigned char)text[i])
    for (unsigned i = 0; i < UUID_TEXT_LEN; i++)
        if (text[i] == 0)
            return false;
    PARSE_UUID_BODY(text, AT_CHAR);
#undef AT_CHAR
}

static bool uuid_parse_w(const wchar_t *text, UUID *out)
{
#define AT_WCHAR(i) ((uint32_t)text[i] > 0x7F ? 0u : (unsigned)text[i])
    for (unsigned i = 0; i < UUID_TEXT_LEN; i++)
        if (text[i] == 0)
            return false;
    PARSE_UUID_BODY(text, AT_WCHAR);
#undef AT_WCHAR
}

bool asidl__uuid_from_text(const char *text, UUID *out)
{
    return uuid_parse(text, out);
}

RPC_STATUS RPC_ENTRY UuidToStringA(const UUID *Uuid, RPC_CSTR *StringUuid)
{
    if (!StringUuid)
        return RPC_S_INVALID_ARG;
    char *s = malloc(UUID_TEXT_LEN + 1);
    if (!s)
        return RPC_S_OUT_OF_MEMORY;
    uuid_format(Uuid ? Uuid : &nil_uuid, s);
    *StringUuid = (RPC_CSTR)s;
    return RPC_S_OK;
}

RPC_STATUS RPC_ENTRY UuidToStringW(const UUID *Uuid, RPC_WSTR *StringUuid)
{
    if (!StringUuid)
        return RPC_S_INVALID_ARG;
    char narrow[UUID_TEXT_LEN + 1];
    uuid_format(Uuid ? Uuid : &nil_uuid, narrow);
    wchar_t *s = malloc((UUID_TEXT_LEN + 1) * sizeof *s);
    if (!s)
        return RPC_S_OUT_OF_MEMORY;
    for (unsigned i = 0; i <= UUID_TEXT_LEN; i++)
        s[i] = (wchar_t)narrow[i];
    *StringUuid = s;
    return RPC_S_OK;
}

/* A NULL or empty string is the nil UUID (Microsoft's documented behaviour). */
RPC_STATUS RPC_ENTRY UuidFromStringA(RPC_CSTR StringUuid, UUID *Uuid)
{
    if (!Uuid)
        return RPC_S_INVALID_ARG;
    if (!StringUuid || !*StringUuid) {
        *Uuid = nil_uuid;
        return RPC_S_OK;
    }
    UUID parsed;
    if (!uuid_parse((const char *)StringUuid, &parsed))
        return RPC_S_INVALID_STRING_UUID;
    *Uuid = parsed;
    return RPC_S_OK;
}

RPC_STATUS RPC_ENTRY UuidFromStringW(RPC_WSTR StringUuid, UUID *Uuid)
{
    if (!Uuid)
        return RPC_S_INVALID_ARG;
    if (!StringUuid || !*StringUuid) {
        *Uuid = nil_uuid;
        return RPC_S_OK;
    }
    UUID parsed;
    if (!uuid_parse_w(StringUuid, &parsed))
        return RPC_S_INVALID_STRING_UUID;
    *Uuid = parsed;
    return RPC_S_OK;
}

/* ---- comparisons: field by field as unsigned numbers, then Data4 byte by byte ---- */

static int cmp_unsigned(unsigned long a, unsigned long b)
{
    return a < b ? -1 : a > b;
}

signed int RPC_ENTRY UuidCompare(UUID *Uuid1, UUID *Uuid2, RPC_STATUS *Status)
{
    const UUID *a = Uuid1 ? Uuid1 : &nil_uuid;
    const UUID *b = Uuid2 ? Uuid2 : &nil_uuid;
    if (Status)
        *Status = RPC_S_OK;
    int c = cmp_unsigned((unsigned long)a->Data1, (unsigned long)b->Data1);
    if (!c)
        c = cmp_unsigned(a->Data2, b->Data2);
    if (!c)
        c = cmp_unsigned(a->Data3, b->Data3);
    for (int i = 0; !c && i < 8; i++)
        c = cmp_unsigned(a->Data4[i], b->Data4[i]);
    return c;
}

int RPC_ENTRY UuidEqual(UUID *Uuid1, UUID *Uuid2, RPC_STATUS *Status)
{
    return UuidCompare(Uuid1, Uuid2, Status) == 0;
}

int RPC_ENTRY UuidIsNil(UUID *Uuid, RPC_STATUS *Status)
{
    return UuidCompare(Uuid, NULL, Status) == 0;
}

/* The DCE reference's uuid_hash: two running 16-bit sums over the UUID's 16 bytes in memory,
 * folded modulo 255 into one 16-bit value. The sums wrap as the reference's `short`s do. */
static int as_int16(uint16_t v)
{
    return v >= 0x8000 ? (int)v - 0x10000 : (int)v;
}

unsigned short RPC_ENTRY UuidHash(UUID *Uuid, RPC_STATUS *Status)
{
    const UUID *u = Uuid ? Uuid : &nil_uuid;
    const uint8_t *bytes = (const uint8_t *)u;
    uint16_t sum = 0, sum_of_sums = 0;
    for (size_t i = 0; i < sizeof *u; i++) {
        sum = (uint16_t)(sum + bytes[i]);
        sum_of_sums = (uint16_t)(sum_of_sums + sum);
    }
    int x = -as_int16(sum_of_sums) % 255;
    if (x < 0)
        x += 255;
    int y = (as_int16(sum_of_sums) - as_int16(sum)) % 255;
    if (y < 0)
        y += 255;
    if (Status)
        *Status = RPC_S_OK;
    return (unsigned short)(y * 256 + x);
}
