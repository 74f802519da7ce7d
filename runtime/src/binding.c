/*
 * binding.c: client binding handles. A handle holds the parts of its string binding, the
 * object UUID and the options; its association (cconn.c) is made by the first call and shared
 * with copies made by RpcBindingCopy.
 *
 * Handles are checked before use (a magic number), so a NULL, freed or foreign pointer is
 * refused with RPC_S_INVALID_BINDING where that can be detected.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "rpcrt.h"

asidl__binding *asidl__binding_from(RPC_BINDING_HANDLE h)
{
    asidl__binding *b = h;
    return b && b->magic == ASIDL_BINDING_MAGIC ? b : NULL;
}

static void binding_free(asidl__binding *b)
{
    b->magic = 0;
    if (b->assoc)
        asidl__assoc_release(b->assoc);
    free(b->netaddr);
    free(b->endpoint);
    free(b->options);
    pthread_mutex_destroy(&b->lock);
    free(b);
}

static asidl__binding *binding_new(asidl__protseq p, const char *netaddr, const char *endpoint,
                                   const char *options)
{
    asidl__binding *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    pthread_mutex_init(&b->lock, NULL);
    b->magic = ASIDL_BINDING_MAGIC;
    b->protseq = p;
    b->com_timeout = RPC_C_BINDING_DEFAULT_TIMEOUT;
    b->netaddr = strdup(netaddr ? netaddr : "");
    b->endpoint = strdup(endpoint ? endpoint : "");
    b->options = strdup(options ? options : "");
    if (!b->netaddr || !b->endpoint || !b->options) {
        binding_free(b);
        return NULL;
    }
    return b;
}

/* Windows' communication timeouts are relative (0 shortest .. 9 longest, 10 infinite); asidl
 * gives them these connect times. */
int asidl__binding_connect_timeout_ms(const asidl__binding *b)
{
    static const int ms[10] = { 1000, 2000, 4000, 8000, 15000, 30000, 60000, 120000, 240000, 480000 };
    return b->com_timeout >= RPC_C_BINDING_INFINITE_TIMEOUT ? -1 : ms[b->com_timeout];
}

static RPC_STATUS assoc_locked(asidl__binding *b, asidl__assoc **out)
{
    if (!b->assoc)
        b->assoc = asidl__assoc_new(b->protseq, b->netaddr, b->endpoint,
                                    asidl__binding_connect_timeout_ms(b));
    asidl__assoc *a = b->assoc;
    if (a)
        asidl__assoc_ref(a);
    *out = a;
    return a ? RPC_S_OK : RPC_S_OUT_OF_MEMORY;
}

RPC_STATUS asidl__binding_assoc(asidl__binding *b, asidl__assoc **out)
{
    pthread_mutex_lock(&b->lock);
    RPC_STATUS st = assoc_locked(b, out);
    pthread_mutex_unlock(&b->lock);
    return st;
}

static RPC_STATUS call_setup_locked(asidl__binding *b, asidl__assoc **out, asidl__call_options *o)
{
    static const asidl__uuid nil;
    o->object = b->object;
    o->has_object = memcmp(&o->object, &nil, sizeof nil) != 0;
    o->timeout_ms = b->call_timeout_ms;
    o->noncausal = b->noncausal;
    return assoc_locked(b, out);
}

RPC_STATUS asidl__binding_call_setup(asidl__binding *b, asidl__assoc **out, asidl__call_options *o)
{
    pthread_mutex_lock(&b->lock);
    RPC_STATUS st = call_setup_locked(b, out, o);
    pthread_mutex_unlock(&b->lock);
    return st;
}

RPC_STATUS asidl__binding_call_setup_bound(asidl__binding *b, asidl__assoc **out, asidl__call_options *o,
                                           bool *bound)
{
    pthread_mutex_lock(&b->lock);
    *bound = b->endpoint && *b->endpoint;
    *out = NULL;
    RPC_STATUS st = *bound ? call_setup_locked(b, out, o) : RPC_S_OK;
    pthread_mutex_unlock(&b->lock);
    return st;
}

/* ---- string bindings to handles and back ---- */

RPC_STATUS RPC_ENTRY RpcBindingFromStringBindingA(RPC_CSTR StringBinding, RPC_BINDING_HANDLE *Binding)
{
    if (!Binding)
        return RPC_S_INVALID_ARG;
    *Binding = NULL;
    asidl__strbind sb;
    RPC_STATUS st = asidl__strbind_parse((const char *)StringBinding, &sb);
    if (st != RPC_S_OK)
        return st;
    asidl__protseq p;
    st = asidl__protseq_lookup(sb.protseq, &p);
    if (st == RPC_S_OK)
        st = asidl__netaddr_check(p, sb.netaddr);
    if (st == RPC_S_OK)
        st = asidl__endpoint_check(p, sb.endpoint);
    UUID object = { 0 };
    if (st == RPC_S_OK && *sb.object && !asidl__uuid_from_text(sb.object, &object))
        st = RPC_S_INVALID_STRING_UUID;
    asidl__binding *b = NULL;
    if (st == RPC_S_OK) {
        b = binding_new(p, sb.netaddr, sb.endpoint, sb.options);
        if (!b)
            st = RPC_S_OUT_OF_MEMORY;
        else
            b->object = object;
    }
    asidl__strbind_free(&sb);
    if (st == RPC_S_OK)
        *Binding = b;
    return st;
}

RPC_STATUS RPC_ENTRY RpcBindingFromStringBindingW(RPC_WSTR StringBinding, RPC_BINDING_HANDLE *Binding)
{
    if (!Binding)
        return RPC_S_INVALID_ARG;
    *Binding = NULL;
    char *narrow;
    asidl__wconv c = asidl__wcs_to_utf8(StringBinding, &narrow);
    if (c != ASIDL_WCONV_OK)
        return c == ASIDL_WCONV_NO_MEMORY ? RPC_S_OUT_OF_MEMORY : RPC_S_INVALID_STRING_BINDING;
    RPC_STATUS st = RpcBindingFromStringBindingA((RPC_CSTR)narrow, Binding);
    free(narrow);
    return st;
}

RPC_STATUS RPC_ENTRY RpcBindingToStringBindingA(RPC_BINDING_HANDLE Binding, RPC_CSTR *StringBinding)
{
    asidl__binding *b = asidl__binding_from(Binding);
    asidl__sbinding *sb = b ? NULL : asidl__sbinding_from(Binding);
    if (!b && !sb)
        return RPC_S_INVALID_BINDING;
    if (!StringBinding)
        return RPC_S_INVALID_ARG;
    if (sb)                              /* a manager's handle: the client's address */
        return asidl__sbinding_to_string(sb, (char **)StringBinding);
    pthread_mutex_lock(&b->lock);
    static const UUID nil;
    RPC_CSTR object = NULL;
    RPC_STATUS st = RPC_S_OK;
    if (memcmp(&b->object, &nil, sizeof nil) != 0)
        st = UuidToStringA(&b->object, &object);
    char *s = NULL;
    if (st == RPC_S_OK) {
        s = asidl__strbind_compose((const char *)object, asidl__protseq_name(b->protseq), b->netaddr,
                                   b->endpoint, b->options);
        if (!s)
            st = RPC_S_OUT_OF_MEMORY;
    }
    pthread_mutex_unlock(&b->lock);
    free(object);
    *StringBinding = (RPC_CSTR)s;
    return st;
}

RPC_STATUS RPC_ENTRY RpcBindingToStringBindingW(RPC_BINDING_HANDLE Binding, RPC_WSTR *StringBinding)
{
    if (!StringBinding)
        return RPC_S_INVALID_ARG;
    RPC_CSTR narrow = NULL;
    RPC_STATUS st = RpcBindingToStringBindingA(Binding, &narrow);
    if (st != RPC_S_OK)
        return st;
    asidl__wconv c = asidl__utf8_to_wcs((char *)narrow, StringBinding);
    free(narrow);
    return c == ASIDL_WCONV_OK ? RPC_S_OK : RPC_S_OUT_OF_MEMORY;
}

/* ---- copies, freeing, resetting ---- */

RPC_STATUS RPC_ENTRY RpcBindingCopy(RPC_BINDING_HANDLE SourceBinding, RPC_BINDING_HANDLE *DestinationBinding)
{
    asidl__binding *src = asidl__binding_from(SourceBinding);
    if (!src)
        return RPC_S_INVALID_BINDING;
    if (!DestinationBinding)
        return RPC_S_INVALID_ARG;
    pthread_mutex_lock(&src->lock);
    asidl__binding *b = binding_new(src->protseq, src->netaddr, src->endpoint, src->options);
    if (b) {
        b->object = src->object;
        b->call_timeout_ms = src->call_timeout_ms;
        b->noncausal = src->noncausal;
        b->dont_linger = src->dont_linger;
        b->com_timeout = src->com_timeout;
        b->assoc = src->assoc;              /* copies share the association */
        if (b->assoc)
            asidl__assoc_ref(b->assoc);
    }
    pthread_mutex_unlock(&src->lock);
    *DestinationBinding = b;
    return b ? RPC_S_OK : RPC_S_OUT_OF_MEMORY;
}

RPC_STATUS RPC_ENTRY RpcBindingFree(RPC_BINDING_HANDLE *Binding)
{
    if (!Binding)
        return RPC_S_INVALID_ARG;
    asidl__binding *b = asidl__binding_from(*Binding);
    if (!b)
        return asidl__sbinding_from(*Binding) ? RPC_S_WRONG_KIND_OF_BINDING : RPC_S_INVALID_BINDING;
    binding_free(b);
    *Binding = NULL;
    return RPC_S_OK;
}

/* Removes the endpoint (for the endpoint mapper to find again) and lets go of the server. */
RPC_STATUS RPC_ENTRY RpcBindingReset(RPC_BINDING_HANDLE Binding)
{
    asidl__binding *b = asidl__binding_from(Binding);
    if (!b)
        return RPC_S_INVALID_BINDING;
    char *empty = strdup("");
    if (!empty)
        return RPC_S_OUT_OF_MEMORY;
    pthread_mutex_lock(&b->lock);
    free(b->endpoint);
    b->endpoint = empty;
    asidl__assoc *a = b->assoc;
    b->assoc = NULL;
    pthread_mutex_unlock(&b->lock);
    if (a)
        asidl__assoc_release(a);
    return RPC_S_OK;
}

/* ---- object UUID and options ---- */

RPC_STATUS RPC_ENTRY RpcBindingSetObject(RPC_BINDING_HANDLE Binding, UUID *ObjectUuid)
{
    asidl__binding *b = asidl__binding_from(Binding);
    if (!b)
        return RPC_S_INVALID_BINDING;
    pthread_mutex_lock(&b->lock);
    if (ObjectUuid)
        b->object = *ObjectUuid;
    else
        memset(&b->object, 0, sizeof b->object);
    pthread_mutex_unlock(&b->lock);
    return RPC_S_OK;
}

RPC_STATUS RPC_ENTRY RpcBindingInqObject(RPC_BINDING_HANDLE Binding, UUID *ObjectUuid)
{
    asidl__binding *b = asidl__binding_from(Binding);
    asidl__sbinding *sb = b ? NULL : asidl__sbinding_from(Binding);
    if (!b && !sb)
        return RPC_S_INVALID_BINDING;
    if (!ObjectUuid)
        return RPC_S_INVALID_ARG;
    if (sb)                              /* a manager's handle: the request's object */
        return asidl__sbinding_inq_object(sb, ObjectUuid);
    pthread_mutex_lock(&b->lock);
    *ObjectUuid = b->object;
    pthread_mutex_unlock(&b->lock);
    return RPC_S_OK;
}

/* RPC_C_OPT_CALL_TIMEOUT (milliseconds without a packet from the server before a synchronous
 * call fails with RPC_S_CALL_CANCELLED; 0 or INFINITE: none), RPC_C_OPT_BINDING_NONCAUSAL,
 * RPC_C_OPT_DONT_LINGER. Unlike Windows, the timeout also applies on ncalrpc. */
RPC_STATUS RPC_ENTRY RpcBindingSetOption(RPC_BINDING_HANDLE hBinding, unsigned long option, ULONG_PTR optionValue)
{
    asidl__binding *b = asidl__binding_from(hBinding);
    if (!b)
        return RPC_S_INVALID_BINDING;
    RPC_STATUS st = RPC_S_OK;
    pthread_mutex_lock(&b->lock);
    switch (option) {
    case RPC_C_OPT_CALL_TIMEOUT:
        b->call_timeout_ms = optionValue >= 0xFFFFFFFFu ? 0 : (uint32_t)optionValue;
        break;
    case RPC_C_OPT_BINDING_NONCAUSAL:
        b->noncausal = optionValue != 0;
        break;
    case RPC_C_OPT_DONT_LINGER:
        b->dont_linger = optionValue != 0;
        break;
    default:
        st = RPC_S_INVALID_ARG;
        break;
    }
    pthread_mutex_unlock(&b->lock);
    return st;
}

RPC_STATUS RPC_ENTRY RpcBindingInqOption(RPC_BINDING_HANDLE hBinding, unsigned long option, ULONG_PTR *pOptionValue)
{
    asidl__binding *b = asidl__binding_from(hBinding);
    if (!b)
        return RPC_S_INVALID_BINDING;
    if (!pOptionValue)
        return RPC_S_INVALID_ARG;
    RPC_STATUS st = RPC_S_OK;
    pthread_mutex_lock(&b->lock);
    switch (option) {
    case RPC_C_OPT_CALL_TIMEOUT:
        *pOptionValue = b->call_timeout_ms;
        break;
    case RPC_C_OPT_BINDING_NONCAUSAL:
        *pOptionValue = b->noncausal;
        break;
    case RPC_C_OPT_DONT_LINGER:
        *pOptionValue = b->dont_linger;
        break;
    default:
        st = RPC_S_INVALID_ARG;
        break;
    }
    pthread_mutex_unlock(&b->lock);
    return st;
}

RPC_STATUS RPC_ENTRY RpcMgmtSetComTimeout(RPC_BINDING_HANDLE Binding, unsigned int Timeout)
{
    asidl__binding *b = asidl__binding_from(Binding);
    if (!b)
        return RPC_S_INVALID_BINDING;
    if (Timeout > RPC_C_BINDING_INFINITE_TIMEOUT)
        return RPC_S_INVALID_TIMEOUT;
    pthread_mutex_lock(&b->lock);
    b->com_timeout = Timeout;
    pthread_mutex_unlock(&b->lock);
    return RPC_S_OK;
}

RPC_STATUS RPC_ENTRY RpcMgmtInqComTimeout(RPC_BINDING_HANDLE Binding, unsigned int *Timeout)
{
    asidl__binding *b = asidl__binding_from(Binding);
    if (!b)
        return RPC_S_INVALID_BINDING;
    if (!Timeout)
        return RPC_S_INVALID_ARG;
    pthread_mutex_lock(&b->lock);
    *Timeout = b->com_timeout;
    pthread_mutex_unlock(&b->lock);
    return RPC_S_OK;
}
