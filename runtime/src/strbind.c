/*
 * strbind.c: string bindings, "[ObjectUuid@]ProtSeq:[NetworkAddr][[Endpoint][,Option=Value]...]",
 * composed and parsed as Windows does: a backslash escapes the next character, the endpoint may
 * also be given as "endpoint=...", and every part the caller asks for is returned as a string
 * ("" when absent) freed with RpcStringFree.
 *
 * Only the structure is checked here (plus the object UUID, as Windows does); whether the
 * protocol sequence, address and endpoint make sense is up to RpcBindingFromStringBinding.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "rpcrt.h"

/* ---- escaping ---- */

/* Index of the first unescaped `ch` in s[from, to), or -1. */
static long find_unescaped(const char *s, size_t from, size_t to, char ch)
{
    for (size_t i = from; i < to; i++) {
        if (s[i] == '\\') {
            i++;            /* skip the escaped character (a trailing '\' is caught later) */
            continue;
        }
        if (s[i] == ch)
            return (long)i;
    }
    return -1;
}

/* Copies s[from, to) without escapes; *bad is set for a trailing lone backslash. */
static char *unescape(const char *s, size_t from, size_t to, bool *bad)
{
    char *out = malloc(to - from + 1);
    if (!out)
        return NULL;
    size_t n = 0;
    for (size_t i = from; i < to; i++) {
        if (s[i] == '\\') {
            if (i + 1 >= to) {
                *bad = true;
                break;
            }
            i++;
        }
        out[n++] = s[i];
    }
    out[n] = 0;
    return out;
}

/* Appends `part` to `out`, escaping the backslash and every character of `special`. */
static char *escape_into(char *out, const char *part, const char *special)
{
    for (; *part; part++) {
        if (*part == '\\' || strchr(special, *part))
            *out++ = '\\';
        *out++ = *part;
    }
    return out;
}

static bool present(const char *s)
{
    return s && *s;
}

char *asidl__strbind_compose(const char *object, const char *protseq, const char *netaddr,
                             const char *endpoint, const char *options)
{
    size_t len = 1;
    const char *parts[5] = { object, protseq, netaddr, endpoint, options };
    for (int i = 0; i < 5; i++)
        if (parts[i])
            len += 2 * strlen(parts[i]) + 2;     /* every character escaped, plus a delimiter */
    char *s = malloc(len);
    if (!s)
        return NULL;
    char *o = s;
    /* '@' is found anywhere and ':' before the address, so they are escaped where a parser could
     * take them for delimiters; '[' / ']' / ',' / '=' likewise in the later parts. */
    if (present(object)) {
        o = escape_into(o, object, "@:[]");
        *o++ = '@';
    }
    if (present(protseq)) {
        o = escape_into(o, protseq, "@:[]");
        *o++ = ':';
    }
    if (present(netaddr))
        o = escape_into(o, netaddr, "@[]");
    if (present(endpoint) || present(options)) {
        *o++ = '[';
        if (present(endpoint))
            o = escape_into(o, endpoint, "@[],=");
        if (present(options)) {
            *o++ = ',';
            o = escape_into(o, options, "@[]");
        }
        *o++ = ']';
    }
    *o = 0;
    return s;
}

void asidl__strbind_free(asidl__strbind *sb)
{
    free(sb->object);
    free(sb->protseq);
    free(sb->netaddr);
    free(sb->endpoint);
    free(sb->options);
    memset(sb, 0, sizeof *sb);
}

/* Appends one "key=value" (still escaped in s[from, to)) to the options list. */
static bool add_option(asidl__strbind *sb, const char *s, size_t from, size_t to, bool *bad)
{
    char *opt = unescape(s, from, to, bad);
    if (!opt)
        return false;
    size_t have = strlen(sb->options), add = strlen(opt);
    char *joined = realloc(sb->options, have + add + 2);
    if (!joined) {
        free(opt);
        return false;
    }
    if (have)
        joined[have++] = ',';
    memcpy(joined + have, opt, add + 1);
    sb->options = joined;
    free(opt);
    return true;
}

/* Splits the text between '[' and ']' into the endpoint and the options. */
static RPC_STATUS parse_bracket(const char *s, size_t from, size_t to, asidl__strbind *sb)
{
    bool have_endpoint = false, bad = false;
    size_t at = from;
    for (unsigned element = 0; at <= to; element++) {
        long comma = find_unescaped(s, at, to, ',');
        size_t end = comma < 0 ? to : (size_t)comma;
        long eq = find_unescaped(s, at, end, '=');
        if (eq < 0) {
            /* A bare element is the endpoint; only one, and only the first may be empty. */
            if (have_endpoint || (end == at && element > 0))
                return RPC_S_INVALID_STRING_BINDING;
            free(sb->endpoint);
            sb->endpoint = unescape(s, at, end, &bad);
            if (!sb->endpoint)
                return RPC_S_OUT_OF_MEMORY;
            have_endpoint = true;
        } else if ((size_t)eq == at) {
            return RPC_S_INVALID_STRING_BINDING;            /* "=value": no option name */
        } else if ((size_t)eq - at == 8 && strncasecmp(s + at, "endpoint", 8) == 0) {
            if (have_endpoint)
                return RPC_S_INVALID_STRING_BINDING;
            free(sb->endpoint);
            sb->endpoint = unescape(s, (size_t)eq + 1, end, &bad);
            if (!sb->endpoint)
                return RPC_S_OUT_OF_MEMORY;
            have_endpoint = true;
        } else if (!add_option(sb, s, at, end, &bad)) {
            return RPC_S_OUT_OF_MEMORY;
        }
        if (bad)
            return RPC_S_INVALID_STRING_BINDING;
        if (comma < 0)
            break;
        at = end + 1;
    }
    return RPC_S_OK;
}

static char *empty(void)
{
    return calloc(1, 1);
}

static RPC_STATUS parse(const char *s, asidl__strbind *sb)
{
    size_t len = strlen(s);
    bool bad = false;
    size_t at = 0;

    long amp = find_unescaped(s, 0, len, '@');
    if (amp >= 0) {
        sb->object = unescape(s, 0, (size_t)amp, &bad);
        if (!sb->object)
            return RPC_S_OUT_OF_MEMORY;
        UUID u;
        if (bad || (*sb->object && !asidl__uuid_from_text(sb->object, &u)))
            return RPC_S_INVALID_STRING_UUID;
        at = (size_t)amp + 1;
    }

    long colon = find_unescaped(s, at, len, ':');
    if (colon < 0)
        return RPC_S_INVALID_STRING_BINDING;
    sb->protseq = unescape(s, at, (size_t)colon, &bad);
    if (!sb->protseq)
        return RPC_S_OUT_OF_MEMORY;
    at = (size_t)colon + 1;

    long open = find_unescaped(s, at, len, '[');
    size_t addr_end = open < 0 ? len : (size_t)open;
    if (find_unescaped(s, at, addr_end, ']') >= 0)
        return RPC_S_INVALID_STRING_BINDING;
    sb->netaddr = unescape(s, at, addr_end, &bad);
    if (!sb->netaddr)
        return RPC_S_OUT_OF_MEMORY;
    if (bad)
        return RPC_S_INVALID_STRING_BINDING;

    if (open >= 0) {
        long close = find_unescaped(s, (size_t)open + 1, len, ']');
        if (close < 0 || (size_t)close != len - 1)
            return RPC_S_INVALID_STRING_BINDING;        /* unclosed, or text after ']' */
        if (find_unescaped(s, (size_t)open + 1, (size_t)close, '[') >= 0)
            return RPC_S_INVALID_STRING_BINDING;
        return parse_bracket(s, (size_t)open + 1, (size_t)close, sb);
    }
    return RPC_S_OK;
}

RPC_STATUS asidl__strbind_parse(const char *text, asidl__strbind *out)
{
    memset(out, 0, sizeof *out);
    if (!text)
        return RPC_S_INVALID_STRING_BINDING;
    out->options = empty();
    if (!out->options)
        return RPC_S_OUT_OF_MEMORY;
    RPC_STATUS st = parse(text, out);
    if (st == RPC_S_OK) {
        char **parts[4] = { &out->object, &out->protseq, &out->netaddr, &out->endpoint };
        for (int i = 0; i < 4; i++)
            if (!*parts[i] && !(*parts[i] = empty()))
                st = RPC_S_OUT_OF_MEMORY;
    }
    if (st != RPC_S_OK)
        asidl__strbind_free(out);
    return st;
}

/* ---- the public functions ---- */

RPC_STATUS RPC_ENTRY RpcStringBindingComposeA(RPC_CSTR ObjUuid, RPC_CSTR ProtSeq, RPC_CSTR NetworkAddr,
                                              RPC_CSTR Endpoint, RPC_CSTR Options,
                                              RPC_CSTR *StringBinding)
{
    if (!StringBinding)
        return RPC_S_INVALID_ARG;
    char *s = asidl__strbind_compose((const char *)ObjUuid, (const char *)ProtSeq,
                                     (const char *)NetworkAddr, (const char *)Endpoint,
                                     (const char *)Options);
    if (!s)
        return RPC_S_OUT_OF_MEMORY;
    *StringBinding = (RPC_CSTR)s;
    return RPC_S_OK;
}

static void give(RPC_CSTR *dst, char **src)
{
    if (dst) {
        *dst = (RPC_CSTR)*src;
        *src = NULL;
    }
}

RPC_STATUS RPC_ENTRY RpcStringBindingParseA(RPC_CSTR StringBinding, RPC_CSTR *ObjUuid, RPC_CSTR *Protseq,
                                            RPC_CSTR *NetworkAddr, RPC_CSTR *Endpoint,
                                            RPC_CSTR *NetworkOptions)
{
    RPC_CSTR *outs[5] = { ObjUuid, Protseq, NetworkAddr, Endpoint, NetworkOptions };
    for (int i = 0; i < 5; i++)
        if (outs[i])
            *outs[i] = NULL;
    asidl__strbind sb;
    RPC_STATUS st = asidl__strbind_parse((const char *)StringBinding, &sb);
    if (st != RPC_S_OK)
        return st;
    give(ObjUuid, &sb.object);
    give(Protseq, &sb.protseq);
    give(NetworkAddr, &sb.netaddr);
    give(Endpoint, &sb.endpoint);
    give(NetworkOptions, &sb.options);
    asidl__strbind_free(&sb);
    return RPC_S_OK;
}

RPC_STATUS RPC_ENTRY RpcStringFreeA(RPC_CSTR *String)
{
    if (!String)
        return RPC_S_INVALID_ARG;
    free(*String);
    *String = NULL;
    return RPC_S_OK;
}

RPC_STATUS RPC_ENTRY RpcStringFreeW(RPC_WSTR *String)
{
    if (!String)
        return RPC_S_INVALID_ARG;
    free(*String);
    *String = NULL;
    return RPC_S_OK;
}

/* ---- W forms: convert, call the A form, convert back ---- */

static RPC_STATUS wconv_status(asidl__wconv c, RPC_STATUS invalid)
{
    return c == ASIDL_WCONV_OK ? RPC_S_OK : c == ASIDL_WCONV_NO_MEMORY ? RPC_S_OUT_OF_MEMORY : invalid;
}

RPC_STATUS RPC_ENTRY RpcStringBindingComposeW(RPC_WSTR ObjUuid, RPC_WSTR ProtSeq, RPC_WSTR NetworkAddr,
                                              RPC_WSTR Endpoint, RPC_WSTR Options,
                                              RPC_WSTR *StringBinding)
{
    if (!StringBinding)
        return RPC_S_INVALID_ARG;
    RPC_WSTR in[5] = { ObjUuid, ProtSeq, NetworkAddr, Endpoint, Options };
    char *narrow[5] = { NULL };
    RPC_STATUS st = RPC_S_OK;
    for (int i = 0; i < 5 && st == RPC_S_OK; i++)
        st = wconv_status(asidl__wcs_to_utf8(in[i], &narrow[i]), RPC_S_INVALID_ARG);
    RPC_CSTR composed = NULL;
    if (st == RPC_S_OK)
        st = RpcStringBindingComposeA((RPC_CSTR)narrow[0], (RPC_CSTR)narrow[1], (RPC_CSTR)narrow[2],
                                      (RPC_CSTR)narrow[3], (RPC_CSTR)narrow[4], &composed);
    if (st == RPC_S_OK)
        st = wconv_status(asidl__utf8_to_wcs((char *)composed, StringBinding), RPC_S_INVALID_ARG);
    free(composed);
    for (int i = 0; i < 5; i++)
        free(narrow[i]);
    return st;
}

RPC_STATUS RPC_ENTRY RpcStringBindingParseW(RPC_WSTR StringBinding, RPC_WSTR *ObjUuid, RPC_WSTR *Protseq,
                                            RPC_WSTR *NetworkAddr, RPC_WSTR *Endpoint,
                                            RPC_WSTR *NetworkOptions)
{
    RPC_WSTR *outs[5] = { ObjUuid, Protseq, NetworkAddr, Endpoint, NetworkOptions };
    for (int i = 0; i < 5; i++)
        if (outs[i])
            *outs[i] = NULL;
    char *narrow;
    RPC_STATUS st = wconv_status(asidl__wcs_to_utf8(StringBinding, &narrow),
                                 RPC_S_INVALID_STRING_BINDING);
    if (st != RPC_S_OK)
        return st;
    asidl__strbind sb;
    st = asidl__strbind_parse(narrow, &sb);
    free(narrow);
    if (st != RPC_S_OK)
        return st;
    char *parts[5] = { sb.object, sb.protseq, sb.netaddr, sb.endpoint, sb.options };
    for (int i = 0; i < 5 && st == RPC_S_OK; i++)
        if (outs[i])
            st = wconv_status(asidl__utf8_to_wcs(parts[i], outs[i]), RPC_S_INVALID_STRING_BINDING);
    asidl__strbind_free(&sb);
    if (st != RPC_S_OK)
        for (int i = 0; i < 5; i++)
            if (outs[i])
                RpcStringFreeW(outs[i]);
    return st;
}
