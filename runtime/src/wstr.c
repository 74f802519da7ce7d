/*
 * wstr.c: conversions between the runtime's UTF-8 strings (RPC_CSTR) and wide strings
 * (RPC_WSTR = wchar_t *, UTF-32 on Linux). The W forms of the API convert their arguments,
 * call the A form, and convert its results back: one implementation, two spellings.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "rpcrt.h"

static bool valid_code_point(uint32_t c)
{
    return c <= 0x10FFFF && (c < 0xD800 || c > 0xDFFF);
}

asidl__wconv asidl__wcs_to_utf8(const wchar_t *w, char **out)
{
    *out = NULL;
    if (!w)
        return ASIDL_WCONV_OK;
    size_t n = 0;
    for (const wchar_t *p = w; *p; p++) {
        uint32_t c = (uint32_t)*p;
        if (!valid_code_point(c))
            return ASIDL_WCONV_INVALID;
        n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }
    char *s = malloc(n + 1);
    if (!s)
        return ASIDL_WCONV_NO_MEMORY;
    char *o = s;
    for (const wchar_t *p = w; *p; p++) {
        uint32_t c = (uint32_t)*p;
        if (c < 0x80) {
            *o++ = (char)c;
        } else if (c < 0x800) {
            *o++ = (char)(0xC0 | c >> 6);
            *o++ = (char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            *o++ = (char)(0xE0 | c >> 12);
            *o++ = (char)(0x80 | (c >> 6 & 0x3F));
            *o++ = (char)(0x80 | (c & 0x3F));
        } else {
            *o++ = (char)(0xF0 | c >> 18);
            *o++ = (char)(0x80 | (c >> 12 & 0x3F));
            *o++ = (char)(0x80 | (c >> 6 & 0x3F));
            *o++ = (char)(0x80 | (c & 0x3F));
        }
    }
    *o = 0;
    *out = s;
    return ASIDL_WCONV_OK;
}

/* Decodes one UTF-8 sequence at *p; returns false on a malformed, overlong or surrogate one. */
static bool next_utf8(const unsigned char **p, uint32_t *cp)
{
    const unsigned char *s = *p;
    uint32_t c = s[0];
    unsigned len;
    uint32_t min;
    if (c < 0x80) {
        *cp = c;
        *p = s + 1;
        return true;
    } else if ((c & 0xE0) == 0xC0) {
        len = 2, c &= 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, c &= 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, c &= 0x07, min = 0x10000;
    } else {
        return false;
    }
    for (unsigned i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)       /* also stops at the terminating NUL */
            return false;
        c = c << 6 | (s[i] & 0x3F);
    }
    if (c < min || !valid_code_point(c))
        return false;
    *cp = c;
    *p = s + len;
    return true;
}

asidl__wconv asidl__utf8_to_wcs(const char *s, wchar_t **out)
{
    *out = NULL;
    if (!s)
        return ASIDL_WCONV_OK;
    size_t n = 0;
    uint32_t c;
    for (const unsigned char *p = (const unsigned char *)s; *p; n++)
        if (!next_utf8(&p, &c))
            return ASIDL_WCONV_INVALID;
    wchar_t *w = malloc((n + 1) * sizeof *w);
    if (!w)
        return ASIDL_WCONV_NO_MEMORY;
    size_t i = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; i++) {
        next_utf8(&p, &c);
        w[i] = (wchar_t)c;
    }
    w[i] = 0;
    *out = w;
    return ASIDL_WCONV_OK;
}
