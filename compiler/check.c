/*
 * check.c: semantic checks on the resolved program, reported like a C compiler would
 * (error at the offending token, the compiler keeps going).
 *
 * Two depths, as MIDL and widl have them:
 *   - declaration checks apply to every declaration of every IDL file: attributes in the
 *     right place and of the right shape ([string] on characters, [unique] on pointers,
 *     [v1_enum] on enums, [range] min <= max, unions' case values, uuids, ...);
 *   - remoting checks apply to the operations the run generates stubs for (the main file's
 *     interfaces that are not [local] and not inside a library) and to the types those
 *     operations carry: [out] parameters must be pointers, size_is names integers, context
 *     handles are parameters only, unions have a discriminant, ...
 * A header can declare anything C allows in a [local] interface; only what crosses the wire
 * must make sense on the wire.
 *
 * Attributes that parse but that no phase acts on yet draw one warning per attribute kind
 * (WARN_UNIMPLEMENTED): see attr_rules below.
 */
#include "asidl.h"

#include <string.h>

/* ===================================================================== attribute rules */

/* Where an attribute may be written. */
enum {
    P_IFACE = 1 << 0,       /* interface (and WinRT delegate) */
    P_DISP = 1 << 1,        /* dispinterface */
    P_COCLASS = 1 << 2,
    P_MODULE = 1 << 3,
    P_LIBRARY = 1 << 4,
    P_RUNTIMECLASS = 1 << 5,
    P_APICONTRACT = 1 << 6,
    P_FUNC = 1 << 7,        /* operation, method, function */
    P_PARAM = 1 << 8,
    P_FIELD = 1 << 9,       /* struct field, union arm, dispinterface property */
    P_TYPEDEF = 1 << 10,
    P_RECORD = 1 << 11,     /* struct or union definition */
    P_ENUM = 1 << 12,
    P_ENUMERATOR = 1 << 13,
    P_ANY = (1 << 14) - 1,
};

enum {
    F_MULTI = 1 << 0,       /* may be written more than once */
    F_ACF = 1 << 1,         /* valid in an ACF */
    F_ACF_ONLY = 1 << 2,    /* not valid in the IDL */
    F_APP_CONFIG = 1 << 3,  /* ... unless -app_config lets the IDL carry it */
    F_IMPL = 1 << 4,        /* some phase acts on it (checks, header, stubs, NDR) */
};

typedef struct AttrRule {
    unsigned places;
    unsigned flags;
} AttrRule;

/* Typelib-only attributes (helpstring, id, propget's dispatch details, ...) have no effect on
 * anything asidl generates, so they count as not implemented. */
static const AttrRule attr_rules[ATTR_COUNT_] = {
    [ATTR_ACTIVATABLE] = { P_RUNTIMECLASS, F_MULTI },
    [ATTR_AGGREGATABLE] = { P_COCLASS, 0 },
    [ATTR_AGILE] = { P_RUNTIMECLASS | P_IFACE, 0 },
    [ATTR_ALL_NODES] = { P_TYPEDEF | P_PARAM, F_ACF | F_ACF_ONLY },
    [ATTR_ALLOCATE] = { P_TYPEDEF, F_ACF | F_ACF_ONLY },
    [ATTR_ALLOWMULTIPLE] = { P_ANY, 0 },
    [ATTR_ANNOTATION] = { P_PARAM | P_FUNC | P_FIELD | P_TYPEDEF, F_MULTI },
    [ATTR_APPOBJECT] = { P_COCLASS, 0 },
    [ATTR_ASYNC] = { P_FUNC, F_ACF | F_IMPL },
    [ATTR_ASYNC_UUID] = { P_IFACE | P_DISP, F_IMPL },
    [ATTR_ATTRIBUTEUSAGE] = { P_ANY, F_MULTI },
    [ATTR_AUTO_HANDLE] = { P_IFACE, F_ACF | F_ACF_ONLY | F_APP_CONFIG | F_IMPL },
    [ATTR_BINDABLE] = { P_FUNC | P_FIELD, 0 },
    [ATTR_BROADCAST] = { P_FUNC, F_IMPL },
    [ATTR_BYTE_COUNT] = { P_PARAM, F_ACF | F_ACF_ONLY },
    [ATTR_CALL_AS] = { P_FUNC, F_IMPL },
    [ATTR_CALLBACK] = { P_FUNC, F_IMPL },
    [ATTR_CASE] = { P_FIELD, F_IMPL },
    [ATTR_CODE] = { P_IFACE | P_FUNC, F_ACF | F_ACF_ONLY | F_IMPL },
    [ATTR_COMM_STATUS] = { P_FUNC | P_PARAM, F_ACF | F_IMPL },
    [ATTR_COMPOSABLE] = { P_RUNTIMECLASS, F_MULTI },
    [ATTR_CONTEXT_HANDLE] = { P_TYPEDEF | P_PARAM | P_FUNC | P_FIELD, F_IMPL },
    [ATTR_CONTEXT_HANDLE_NOSERIALIZE] = { P_TYPEDEF | P_PARAM | P_FUNC | P_IFACE, F_ACF | F_IMPL },
    [ATTR_CONTEXT_HANDLE_SERIALIZE] = { P_TYPEDEF | P_PARAM | P_FUNC | P_IFACE, F_ACF | F_IMPL },
    [ATTR_CONTRACT] = { P_IFACE | P_FUNC | P_TYPEDEF | P_ENUM | P_ENUMERATOR | P_RECORD | P_FIELD |
                        P_RUNTIMECLASS, 0 },
    [ATTR_CONTRACTVERSION] = { P_APICONTRACT, F_IMPL },
    [ATTR_CONTROL] = { P_LIBRARY | P_COCLASS, 0 },
    [ATTR_CS_CHAR] = { P_TYPEDEF, F_ACF | F_ACF_ONLY },
    [ATTR_CS_DRTAG] = { P_PARAM, F_ACF | F_ACF_ONLY },
    [ATTR_CS_RTAG] = { P_PARAM, F_ACF | F_ACF_ONLY },
    [ATTR_CS_STAG] = { P_PARAM, F_ACF | F_ACF_ONLY },
    [ATTR_CS_TAG_RTN] = { P_FUNC | P_IFACE, F_ACF | F_ACF_ONLY },
    [ATTR_CUSTOM] = { P_ANY, F_MULTI },
    [ATTR_DECODE] = { P_IFACE | P_FUNC | P_TYPEDEF, F_ACF },
    [ATTR_DEFAULT] = { P_IFACE | P_DISP | P_FIELD | P_COCLASS, F_IMPL },
    [ATTR_DEFAULT_OVERLOAD] = { P_FUNC, 0 },
    [ATTR_DEFAULTBIND] = { P_FUNC | P_FIELD, 0 },
    [ATTR_DEFAULTCOLLELEM] = { P_FUNC | P_FIELD, 0 },
    [ATTR_DEFAULTVALUE] = { P_PARAM, 0 },
    [ATTR_DEFAULTVTABLE] = { P_COCLASS, 0 },
    [ATTR_DEPRECATED] = { P_IFACE | P_FUNC | P_TYPEDEF | P_ENUM | P_ENUMERATOR | P_RECORD | P_FIELD |
                          P_RUNTIMECLASS, 0 },
    [ATTR_DISABLE_CONSISTENCY_CHECK] = { P_PARAM | P_TYPEDEF, F_ACF },
    [ATTR_DISPLAYBIND] = { P_FUNC | P_FIELD, 0 },
    [ATTR_DLLNAME] = { P_MODULE, 0 },
    [ATTR_DUAL] = { P_IFACE, F_IMPL },
    [ATTR_ENABLE_ALLOCATE] = { P_IFACE, F_ACF | F_ACF_ONLY },
    [ATTR_ENCODE] = { P_IFACE | P_FUNC | P_TYPEDEF, F_ACF },
    [ATTR_ENDPOINT] = { P_IFACE, F_IMPL },
    [ATTR_ENTRY] = { P_FUNC, 0 },
    [ATTR_EVENT_ADD] = { P_FUNC, F_IMPL },
    [ATTR_EVENT_REMOVE] = { P_FUNC, F_IMPL },
    [ATTR_EXCLUSIVETO] = { P_IFACE, 0 },
    [ATTR_EXPLICIT_HANDLE] = { P_IFACE | P_FUNC, F_ACF | F_ACF_ONLY | F_APP_CONFIG | F_IMPL },
    [ATTR_FAULT_STATUS] = { P_FUNC | P_PARAM, F_ACF | F_IMPL },
    [ATTR_FIRST_IS] = { P_PARAM | P_FIELD, F_IMPL },
    [ATTR_FLAGS] = { P_ENUM | P_TYPEDEF, 0 },
    [ATTR_FORCE_ALLOCATE] = { P_PARAM, F_ACF },
    [ATTR_HANDLE] = { P_TYPEDEF, F_IMPL },
    [ATTR_HELPCONTEXT] = { P_IFACE | P_DISP | P_FUNC | P_TYPEDEF | P_ENUM | P_RECORD | P_LIBRARY |
                           P_MODULE | P_COCLASS | P_FIELD | P_ENUMERATOR, 0 },
    [ATTR_HELPFILE] = { P_LIBRARY, 0 },
    [ATTR_HELPSTRING] = { P_IFACE | P_DISP | P_FUNC | P_TYPEDEF | P_ENUM | P_RECORD | P_LIBRARY |
                          P_MODULE | P_COCLASS | P_FIELD | P_ENUMERATOR, 0 },
    [ATTR_HELPSTRINGCONTEXT] = { P_IFACE | P_DISP | P_FUNC | P_TYPEDEF | P_ENUM | P_RECORD |
                                 P_LIBRARY | P_MODULE | P_COCLASS | P_FIELD | P_ENUMERATOR, 0 },
    [ATTR_HELPSTRINGDLL] = { P_LIBRARY, 0 },
    [ATTR_HIDDEN] = { P_IFACE | P_DISP | P_FUNC | P_TYPEDEF | P_ENUM | P_ENUMERATOR | P_RECORD |
                      P_LIBRARY | P_MODULE | P_COCLASS | P_FIELD, 0 },
    [ATTR_ID] = { P_FUNC | P_FIELD | P_LIBRARY, 0 },
    [ATTR_IDEMPOTENT] = { P_FUNC, F_IMPL },
    [ATTR_IGNORE] = { P_FIELD | P_PARAM, F_IMPL },
    [ATTR_IID_IS] = { P_PARAM | P_FIELD, F_IMPL },
    [ATTR_IMMEDIATEBIND] = { P_FUNC | P_FIELD, 0 },
    [ATTR_IMPLICIT_HANDLE] = { P_IFACE, F_ACF | F_ACF_ONLY | F_APP_CONFIG | F_IMPL },
    [ATTR_IN] = { P_PARAM, F_IMPL },
    [ATTR_IN_LINE] = { P_TYPEDEF, F_ACF | F_ACF_ONLY },
    [ATTR_INPUT_SYNC] = { P_FUNC, 0 },
    [ATTR_LCID] = { P_LIBRARY | P_PARAM, 0 },
    [ATTR_LAST_IS] = { P_PARAM | P_FIELD, F_IMPL },
    [ATTR_LENGTH_IS] = { P_PARAM | P_FIELD, F_IMPL },
    [ATTR_LICENSED] = { P_COCLASS, 0 },
    [ATTR_LOCAL] = { P_IFACE | P_FUNC, F_IMPL },
    [ATTR_MARSHALING_BEHAVIOR] = { P_FUNC | P_RUNTIMECLASS | P_IFACE, 0 },
    [ATTR_MAX_IS] = { P_PARAM | P_FIELD, F_IMPL },
    [ATTR_MAYBE] = { P_FUNC, F_IMPL },
    [ATTR_MESSAGE] = { P_FUNC, 0 },
    [ATTR_MIN_IS] = { P_PARAM | P_FIELD, F_IMPL },
    [ATTR_MS_UNION] = { P_IFACE | P_TYPEDEF | P_RECORD, F_IMPL },
    [ATTR_NOCODE] = { P_IFACE | P_FUNC, F_ACF | F_ACF_ONLY | F_IMPL },
    [ATTR_NONBROWSABLE] = { P_FUNC | P_FIELD, 0 },
    [ATTR_NONCREATABLE] = { P_COCLASS, 0 },
    [ATTR_NONEXTENSIBLE] = { P_IFACE | P_DISP, 0 },
    [ATTR_NOTIFY] = { P_FUNC, F_ACF },
    [ATTR_NOTIFY_FLAG] = { P_FUNC, F_ACF },
    [ATTR_OBJECT] = { P_IFACE, F_IMPL },
    [ATTR_ODL] = { P_IFACE | P_DISP, F_IMPL },
    [ATTR_OLEAUTOMATION] = { P_IFACE, 0 },
    [ATTR_OPTIMIZE] = { P_IFACE | P_FUNC, F_ACF | F_ACF_ONLY },
    [ATTR_OPTIONAL] = { P_PARAM, 0 },
    [ATTR_OUT] = { P_PARAM, F_IMPL },
    [ATTR_OUT_OF_LINE] = { P_TYPEDEF, F_ACF | F_ACF_ONLY },
    [ATTR_OVERLOAD] = { P_FUNC, 0 },
    [ATTR_PARTIAL_IGNORE] = { P_PARAM, F_ACF },
    [ATTR_POINTER_DEFAULT] = { P_IFACE, F_IMPL },
    [ATTR_PROGID] = { P_COCLASS, 0 },
    [ATTR_PROPGET] = { P_FUNC, F_IMPL },
    [ATTR_PROPPUT] = { P_FUNC, F_IMPL },
    [ATTR_PROPPUTREF] = { P_FUNC, F_IMPL },
    [ATTR_PROTECTED] = { P_FUNC | P_IFACE | P_ENUMERATOR, 0 },
    [ATTR_PROXY] = { P_IFACE, 0 },
    [ATTR_PTR] = { P_PARAM | P_TYPEDEF | P_FIELD | P_FUNC, F_IMPL },
    [ATTR_PUBLIC] = { P_TYPEDEF | P_RECORD | P_ENUM, 0 },
    [ATTR_RANGE] = { P_PARAM | P_TYPEDEF | P_ENUM | P_FIELD, F_IMPL },
    [ATTR_READONLY] = { P_PARAM | P_FIELD, 0 },
    [ATTR_REF] = { P_PARAM | P_TYPEDEF | P_FIELD | P_FUNC, F_IMPL },
    [ATTR_REPLACEABLE] = { P_IFACE | P_DISP | P_FUNC | P_COCLASS, 0 },
    [ATTR_REPRESENT_AS] = { P_TYPEDEF, F_ACF | F_IMPL },
    [ATTR_REQUESTEDIT] = { P_FUNC | P_FIELD, 0 },
    [ATTR_RESTRICTED] = { P_IFACE | P_DISP | P_FUNC | P_TYPEDEF | P_ENUM | P_RECORD | P_LIBRARY |
                          P_MODULE | P_COCLASS | P_FIELD, 0 },
    [ATTR_RETVAL] = { P_PARAM, F_IMPL },
    [ATTR_SIZE_IS] = { P_PARAM | P_FIELD, F_IMPL },
    [ATTR_SOURCE] = { P_IFACE | P_DISP | P_FUNC | P_COCLASS, 0 },
    [ATTR_STATIC] = { P_RUNTIMECLASS, F_MULTI },
    [ATTR_STRICT_CONTEXT_HANDLE] = { P_IFACE, F_IMPL },
    [ATTR_STRING] = { P_FUNC | P_PARAM | P_TYPEDEF | P_FIELD, F_IMPL },
    [ATTR_SWITCH_IS] = { P_PARAM | P_FIELD, F_IMPL },
    [ATTR_SWITCH_TYPE] = { P_TYPEDEF | P_FIELD | P_PARAM | P_RECORD, F_IMPL },
    [ATTR_THREADING] = { P_COCLASS | P_RUNTIMECLASS, 0 },
    [ATTR_TRANSMIT_AS] = { P_TYPEDEF, F_IMPL },
    [ATTR_UIDEFAULT] = { P_FUNC | P_FIELD, 0 },
    [ATTR_UNIQUE] = { P_PARAM | P_TYPEDEF | P_FIELD | P_FUNC, F_IMPL },
    [ATTR_USER_MARSHAL] = { P_TYPEDEF, F_ACF | F_IMPL },
    [ATTR_USESGETLASTERROR] = { P_FUNC | P_FIELD, 0 },
    [ATTR_UUID] = { P_IFACE | P_DISP | P_TYPEDEF | P_ENUM | P_RECORD | P_LIBRARY | P_MODULE |
                    P_COCLASS | P_RUNTIMECLASS, F_IMPL },
    [ATTR_V1_ENUM] = { P_TYPEDEF | P_ENUM, F_IMPL },
    [ATTR_VI_PROGID] = { P_COCLASS, 0 },
    [ATTR_VARARG] = { P_FUNC, 0 },
    [ATTR_VERSION] = { P_IFACE | P_DISP | P_TYPEDEF | P_ENUM | P_RECORD | P_LIBRARY | P_MODULE |
                       P_COCLASS | P_RUNTIMECLASS, F_IMPL },
    [ATTR_WIRE_MARSHAL] = { P_TYPEDEF, F_IMPL },
};

static const char *place_name(unsigned place)
{
    switch (place) {
    case P_IFACE: return "an interface";
    case P_DISP: return "a dispinterface";
    case P_COCLASS: return "a coclass";
    case P_MODULE: return "a module";
    case P_LIBRARY: return "a library";
    case P_RUNTIMECLASS: return "a runtimeclass";
    case P_APICONTRACT: return "an apicontract";
    case P_FUNC: return "an operation";
    case P_PARAM: return "a parameter";
    case P_FIELD: return "a field";
    case P_TYPEDEF: return "a typedef";
    case P_RECORD: return "a struct or union";
    case P_ENUM: return "an enum";
    case P_ENUMERATOR: return "an enumerator";
    default: return "this declaration";
    }
}

/* ===================================================================== state */

static Program *prog;
static bool unimplemented_reported[ATTR_COUNT_];

/* ===================================================================== type helpers */

static Type *strip(Type *t)
{
    Type *s = t ? type_strip_alias(t) : NULL;
    return s ? s : t;
}

static bool is_pointer_like(Type *t)
{
    t = strip(t);
    return t && (t->kind == TY_POINTER || t->kind == TY_ARRAY);
}

static Type *pointee(Type *t)
{
    t = strip(t);
    if (!t)
        return NULL;
    if (t->kind == TY_POINTER)
        return t->u.ptr.ref;
    if (t->kind == TY_ARRAY)
        return t->u.arr.elem;
    return NULL;
}

/* Integers MIDL takes for sizes, lengths and discriminants. */
static bool is_integral(Type *t)
{
    t = strip(t);
    if (!t)
        return false;
    if (t->kind == TY_ENUM)
        return true;
    if (t->kind != TY_BASE)
        return false;
    switch (t->u.base.kind) {
    case B_FLOAT: case B_DOUBLE: case B_HANDLE:
        return false;
    default:
        return true;
    }
}

static bool alias_chain_has(Type *t, AttrKind k)
{
    for (int steps = 0; t && steps < 1000; steps++) {
        if (attr_has(t->attrs, k))
            return true;
        if (t->kind != TY_ALIAS)
            return false;
        t = t->u.alias.target;
    }
    return false;
}

static bool is_context_handle(Type *t, Attr *decl_attrs)
{
    return attr_has(decl_attrs, ATTR_CONTEXT_HANDLE) || alias_chain_has(t, ATTR_CONTEXT_HANDLE);
}

static bool is_handle_t(Type *t)
{
    t = strip(t);
    return t && t->kind == TY_BASE && t->u.base.kind == B_HANDLE;
}

static const char *base_name(Type *t)
{
    bool u = t->u.base.sign == SIGN_UNSIGNED;
    switch (t->u.base.kind) {
    case B_BOOLEAN: return "boolean";
    case B_BYTE: return "byte";
    case B_CHAR: return u ? "unsigned char" : "char";
    case B_WCHAR: return "wchar_t";
    case B_SMALL: return u ? "unsigned small" : "small";
    case B_SHORT: return u ? "unsigned short" : "short";
    case B_INT: return u ? "unsigned int" : "int";
    case B_LONG: return u ? "unsigned long" : "long";
    case B_HYPER: return u ? "unsigned hyper" : "hyper";
    case B_INT8: return u ? "UINT8" : "INT8";
    case B_INT16: return u ? "UINT16" : "INT16";
    case B_INT32: return u ? "UINT32" : "INT32";
    case B_INT64: return u ? "UINT64" : "INT64";
    case B_INT3264: return u ? "unsigned __int3264" : "__int3264";
    case B_INT128: return u ? "unsigned __int128" : "__int128";
    case B_FLOAT: return "float";
    case B_DOUBLE: return "double";
    case B_HANDLE: return "handle_t";
    case B_ERROR_STATUS: return "error_status_t";
    }
    return "?";
}

/* A type as a diagnostic names it: its name if it has one, else its C shape. */
static const char *describe_type(Type *t)
{
    if (!t)
        return "?";
    switch (t->kind) {
    case TY_VOID: return "void";
    case TY_BASE: return base_name(t);
    case TY_POINTER: return xasprintf("%s *", describe_type(t->u.ptr.ref));
    case TY_ARRAY: return xasprintf("%s[]", describe_type(t->u.arr.elem));
    case TY_FUNCTION: return "function";
    case TY_STRUCT: case TY_UNION: case TY_ENCUNION: case TY_ENUM:
        return t->name ? xasprintf("%s %s", type_kind_name(t->kind), t->name)
                       : xasprintf("anonymous %s", type_kind_name(t->kind));
    default:
        return t->name ? t->name : type_kind_name(t->kind);
    }
}

/* ===================================================================== attributes */

static bool in_main_file(Loc loc)
{
    const char *main = prog->main ? prog->main->path : NULL;
    const char *main_name = prog->main ? prog->main->name : NULL;
    const char *acf = prog->acf ? prog->acf->path : NULL;
    const char *acf_name = prog->acf ? prog->acf->name : NULL;
    if (!loc.file)
        return false;
    return (main && strcmp(loc.file, main) == 0) || (main_name && strcmp(loc.file, main_name) == 0) ||
           (acf && strcmp(loc.file, acf) == 0) || (acf_name && strcmp(loc.file, acf_name) == 0);
}

static void warn_unimplemented(Attr *a)
{
    if (unimplemented_reported[a->kind] || (attr_rules[a->kind].flags & F_IMPL))
        return;
    if (!in_main_file(a->loc))
        return;   /* imports generate nothing, so their attributes change nothing either */
    unimplemented_reported[a->kind] = true;
    diag_warning(a->loc, WARN_UNIMPLEMENTED, "attribute '%s' has no effect yet (further uses are not reported)",
                 attr_name(a->kind));
}

static bool same_args(Attr *a, Attr *b)
{
    Expr *x = a->args, *y = b->args;
    for (; x && y; x = x->next, y = y->next) {
        if (x->kind != y->kind)
            return false;
        if (x->kind == EXPR_UUID && memcmp(&x->uuid, &y->uuid, sizeof x->uuid) != 0)
            return false;
        if ((x->kind == EXPR_INT || x->kind == EXPR_VERSION) && x->ival != y->ival)
            return false;
        if ((x->kind == EXPR_NAME || x->kind == EXPR_STRING) && x->str != y->str &&
            (!x->str || !y->str || strcmp(x->str, y->str) != 0))
            return false;
    }
    return !x && !y;
}

/* One attribute list in one place: placement, ACF or IDL, duplicates, conflicting pointer
 * kinds, and the "no effect yet" warning. */
static void check_attr_list(Attr *list, unsigned place)
{
    Attr *ptr_attr = NULL;
    for (Attr *a = list; a; a = a->next) {
        if (a->kind <= ATTR_UNKNOWN_ || a->kind >= ATTR_COUNT_)
            continue;
        const AttrRule *r = &attr_rules[a->kind];
        if (!(r->places & place)) {
            diag_error(a->loc, "attribute '%s' cannot be applied to %s", attr_name(a->kind), place_name(place));
            continue;
        }
        if (a->from_acf && !(r->flags & F_ACF)) {
            diag_error(a->loc, "attribute '%s' is not valid in an ACF", attr_name(a->kind));
            continue;
        }
        if (!a->from_acf && (r->flags & F_ACF_ONLY) && !((r->flags & F_APP_CONFIG) && opts.app_config)) {
            if (r->flags & F_APP_CONFIG)
                diag_error(a->loc, "attribute '%s' belongs in the ACF (or compile with -app_config)",
                           attr_name(a->kind));
            else
                diag_error(a->loc, "attribute '%s' belongs in the ACF", attr_name(a->kind));
            continue;
        }
        if (!(r->flags & F_MULTI)) {
            for (Attr *b = list; b != a; b = b->next) {
                if (b->kind != a->kind || b->from_acf != a->from_acf)
                    continue;
                if (same_args(a, b) && a->kind != ATTR_UUID)
                    diag_warning(a->loc, WARN_SEMANTIC, "duplicate attribute '%s'", attr_name(a->kind));
                else
                    diag_error(a->loc, "duplicate attribute '%s'", attr_name(a->kind));
                break;
            }
        }
        if (a->kind == ATTR_REF || a->kind == ATTR_UNIQUE || a->kind == ATTR_PTR) {
            if (ptr_attr && ptr_attr->kind != a->kind)
                diag_error(a->loc, "conflicting pointer attributes '%s' and '%s'", attr_name(ptr_attr->kind),
                           attr_name(a->kind));
            ptr_attr = a;
        }
        warn_unimplemented(a);
    }
}

/* ===================================================================== attribute values */

/* Values inside attributes the grammar leaves open: range's bounds, pointer_default's kind.
 * (The parser already checks uuids and versions.) */
static void check_attr_values(Attr *list, Type *decl_type, const char *name)
{
    for (Attr *a = list; a; a = a->next) {
        switch (a->kind) {
        case ATTR_RANGE: {
            Expr *lo = attr_arg(a, 0), *hi = attr_arg(a, 1);
            int64_t l, h;
            if (!lo || !hi || a->nargs != 2) {
                diag_error(a->loc, "'[range]' takes two values, a minimum and a maximum");
                break;
            }
            if (decl_type && !is_integral(decl_type) && !(strip(decl_type) && strip(decl_type)->kind == TY_POINTER)) {
                diag_error(a->loc, "'[range]' on '%s', which has type '%s', not an integer type", name ? name : "",
                           describe_type(decl_type));
                break;
            }
            if (eval_int_expr(lo, &l) && eval_int_expr(hi, &h) && l > h)
                diag_error(a->loc, "'[range]' minimum %lld is greater than its maximum %lld", (long long)l,
                           (long long)h);
            break;
        }
        case ATTR_POINTER_DEFAULT: {
            Expr *e = attr_arg(a, 0);
            const char *k = e && e->kind == EXPR_NAME ? e->str : NULL;
            if (!k || (strcmp(k, "ref") != 0 && strcmp(k, "unique") != 0 && strcmp(k, "ptr") != 0))
                diag_error(e ? e->loc : a->loc, "'[pointer_default]' takes ref, unique or ptr");
            break;
        }
        default:
            break;
        }
    }
}

/* ===================================================================== declaration checks */

/* Attributes that describe the declared object's type: [string], pointer kinds, [v1_enum],
 * [context_handle], size_is on something it can size. */
static void check_decl_shape(Attr *attrs, Type *type, const char *name, bool is_param)
{
    const char *n = name ? name : "(unnamed)";
    if (!type)
        return;
    Type *t = strip(type);
    for (Attr *a = attrs; a; a = a->next) {
        switch (a->kind) {
        case ATTR_STRING: {
            if (!is_pointer_like(type)) {
                diag_error(a->loc, "'[string]' on '%s', which has type '%s', not a pointer or array", n,
                           describe_type(type));
                break;
            }
            Type *elem = type;
            while (is_pointer_like(elem))
                elem = pointee(elem);
            if (!type_is_char(elem))
                diag_error(a->loc, "'[string]' on '%s', whose elements are '%s', not char, byte or wchar_t", n,
                           describe_type(elem));
            break;
        }
        case ATTR_REF:
        case ATTR_UNIQUE:
        case ATTR_PTR:
            /* an array parameter is a pointer in C, and MIDL lets it be one of any kind */
            if (!t || (t->kind != TY_POINTER && !(is_param && t->kind == TY_ARRAY)))
                diag_error(a->loc, "'[%s]' on '%s', which has type '%s', not a pointer", attr_name(a->kind), n,
                           describe_type(type));
            break;
        case ATTR_V1_ENUM:
            if (!t || t->kind != TY_ENUM)
                diag_error(a->loc, "'[v1_enum]' on '%s', which has type '%s', not an enum", n, describe_type(type));
            break;
        case ATTR_CONTEXT_HANDLE: {
            /* a context handle is an opaque pointer: void * or a pointer to a struct */
            if (!t || t->kind != TY_POINTER) {
                diag_error(a->loc, "'[context_handle]' on '%s', which has type '%s', not a pointer", n,
                           describe_type(type));
            }
            break;
        }
        case ATTR_SIZE_IS:
        case ATTR_MAX_IS:
        case ATTR_MIN_IS:
        case ATTR_LENGTH_IS:
        case ATTR_FIRST_IS:
        case ATTR_LAST_IS: {
            /* one expression per pointer or array level, from the outside in */
            Type *level = type;
            int i = 0;
            for (Expr *e = a->args; e; e = e->next, i++) {
                if (!is_pointer_like(level)) {
                    if (i == 0)
                        diag_error(a->loc, "'[%s]' on '%s', which has type '%s', not a pointer or array",
                                   attr_name(a->kind), n, describe_type(type));
                    else
                        diag_error(a->loc, "'[%s]' on '%s' has %d expressions for %d levels of pointers or arrays",
                                   attr_name(a->kind), n, a->nargs, i);
                    break;
                }
                bool is_length = a->kind == ATTR_LENGTH_IS || a->kind == ATTR_FIRST_IS || a->kind == ATTR_LAST_IS;
                if (is_length && e->kind != EXPR_EMPTY && strip(level)->kind == TY_POINTER &&
                    !attr_has(attrs, ATTR_SIZE_IS) && !attr_has(attrs, ATTR_MAX_IS) && i == 0) {
                    diag_error(a->loc, "'[%s]' on pointer '%s' needs a '[size_is]' or '[max_is]' too",
                               attr_name(a->kind), n);
                    break;
                }
                Type *lv = strip(level);
                if ((a->kind == ATTR_SIZE_IS || a->kind == ATTR_MAX_IS) && e->kind != EXPR_EMPTY &&
                    lv->kind == TY_ARRAY && lv->u.arr.dim) {
                    diag_error(a->loc, "'[%s]' on '%s', an array whose size is fixed", attr_name(a->kind), n);
                    break;
                }
                level = pointee(level);
            }
            break;
        }
        default:
            break;
        }
    }
    if (attr_has(attrs, ATTR_STRING) && attr_has(attrs, ATTR_LENGTH_IS))
        diag_error(attr_find(attrs, ATTR_LENGTH_IS)->loc,
                   "'[string]' and '[length_is]' on '%s' both give its length; use one", n);
}

/* switch_type(T) and an encapsulated union's discriminant must be integers. */
static void check_switch_type(Type *t, Loc loc)
{
    if (!t)
        return;
    Type *s = strip(t);
    if (!s || s->kind == TY_NAMED)
        return;   /* unknown type, reported */
    if (!is_integral(s) || is_handle_t(s))
        diag_error(loc, "discriminant type '%s' is not an integer, character, boolean or enum type",
                   describe_type(t));
}

static void check_type_attr_args(Attr *list)
{
    for (Attr *a = list; a; a = a->next) {
        if (a->kind != ATTR_SWITCH_TYPE)
            continue;
        Expr *e = attr_arg(a, 0);
        if (e && e->kind == EXPR_TYPE)
            check_switch_type(e->type, e->loc);
    }
}

typedef struct CaseSeen {
    int64_t value;
    Loc loc;
} CaseSeen;

/* A union's arms: each arm of a discriminated union has a case or is the default; case
 * values are distinct; one default at most. */
static void check_union_arms(Type *u)
{
    bool discriminated = u->kind == TY_ENCUNION || alias_chain_has(u, ATTR_SWITCH_TYPE);
    for (Decl *d = u->u.rec.fields; d && !discriminated; d = d->next)
        if (attr_has(d->attrs, ATTR_CASE) || attr_has(d->attrs, ATTR_DEFAULT))
            discriminated = true;
    if (!discriminated)
        return;
    CaseSeen *seen = NULL;
    size_t n = 0;
    Attr *first_default = NULL;
    for (Decl *d = u->u.rec.fields; d; d = d->next) {
        Attr *c = attr_find(d->attrs, ATTR_CASE);
        Attr *def = attr_find(d->attrs, ATTR_DEFAULT);
        if (!c && !def) {
            diag_error(d->loc, "union arm '%s' has no [case] and is not the [default]", d->name ? d->name : "(empty)");
            continue;
        }
        if (def) {
            if (first_default) {
                diag_error(def->loc, "union '%s' has more than one [default] arm", u->name ? u->name : "(anonymous)");
                diag_note(first_default->loc, "first [default] arm is here");
            } else {
                first_default = def;
            }
        }
        for (Attr *a = d->attrs; a; a = a->next) {
            if (a->kind != ATTR_CASE)
                continue;
            for (Expr *e = a->args; e; e = e->next) {
                int64_t v;
                if (!eval_int_expr(e, &v))
                    continue;
                for (size_t i = 0; i < n; i++)
                    if (seen[i].value == v) {
                        diag_error(e->loc, "duplicate case value %lld in union '%s'", (long long)v,
                                   u->name ? u->name : "(anonymous)");
                        diag_note(seen[i].loc, "previous case with that value is here");
                        break;
                    }
                seen = xrealloc_vec(seen, n, n + 1, sizeof *seen);
                seen[n++] = (CaseSeen){ v, e->loc };
            }
        }
    }
}

/* True if a value of type t holds a value of type s (through typedefs, arrays and nested
 * structs and unions, not through pointers). */
static bool contains_by_value(Type *t, Type *s, int depth)
{
    t = strip(t);
    while (t && t->kind == TY_ARRAY)
        t = strip(t->u.arr.elem);
    if (!t || depth > 100)
        return false;
    if (t == s)
        return true;
    if ((t->kind == TY_STRUCT || t->kind == TY_UNION || t->kind == TY_ENCUNION) && t->defined)
        for (Decl *f = t->u.rec.fields; f; f = f->next)
            if (contains_by_value(f->type, s, depth + 1))
                return true;
    return false;
}

/* A struct: a conformant array (size_is'd [] or [*]) only as the last field, and no field
 * that contains the struct itself. */
static void check_struct_fields(Type *s)
{
    for (Decl *d = s->u.rec.fields; d; d = d->next) {
        Type *t = strip(d->type);
        if (t && t->kind == TY_ARRAY && !t->u.arr.dim && d->next)
            diag_error(d->loc, "conformant array '%s' must be the last field of %s", d->name ? d->name : "",
                       describe_type(s));
        if (contains_by_value(d->type, s, 0))
            diag_error(d->loc, "field '%s' contains %s itself; use a pointer", d->name ? d->name : "",
                       describe_type(s));
    }
}

static void check_decl(Decl *d, unsigned place);

static void check_record(Type *t)
{
    check_attr_list(t->attrs, t->kind == TY_ENUM ? P_ENUM : P_RECORD);
    check_attr_values(t->attrs, NULL, t->name);
    check_type_attr_args(t->attrs);
    if (t->kind == TY_ENUM) {
        for (Decl *d = t->u.rec.fields; d; d = d->next)
            check_attr_list(d->attrs, P_ENUMERATOR);
        return;
    }
    if (t->kind == TY_ENCUNION && t->u.rec.discrim)
        check_switch_type(t->u.rec.discrim->type, t->u.rec.discrim->loc);
    for (Decl *d = t->u.rec.fields; d; d = d->next)
        check_decl(d, P_FIELD);
    if (t->kind == TY_STRUCT)
        check_struct_fields(t);
    else
        check_union_arms(t);
}

/* ===================================================================== walking types */

static PtrMap records_checked;

/* Walks inline and named definitions a declaration's type contains, checking each once. */
static void check_type_defs(Type *t)
{
    for (int steps = 0; t && steps < 1000; steps++) {
        switch (t->kind) {
        case TY_POINTER:
        case TY_PIPE:
        case TY_SAFEARRAY:
            t = t->u.ptr.ref;
            continue;
        case TY_ARRAY:
            t = t->u.arr.elem;
            continue;
        case TY_STRUCT:
        case TY_UNION:
        case TY_ENCUNION:
        case TY_ENUM:
            if (t->defined && ptrmap_mark(&records_checked, t))
                check_record(t);
            return;
        case TY_FUNCTION:
            if (ptrmap_mark(&records_checked, t)) {
                check_type_defs(t->u.fn.ret);
                for (Decl *p = t->u.fn.params; p; p = p->next)
                    check_decl(p, P_PARAM);
            }
            return;
        default:
            return;
        }
    }
}

static void check_decl(Decl *d, unsigned place)
{
    check_attr_list(d->attrs, place);
    check_attr_values(d->attrs, d->type, d->name);
    check_type_attr_args(d->attrs);
    if (place == P_PARAM || place == P_FIELD)
        check_decl_shape(d->attrs, d->type, d->name, place == P_PARAM);
    check_type_defs(d->type);
}

static void check_function_decl(Decl *d)
{
    check_attr_list(d->attrs, P_FUNC);
    check_attr_values(d->attrs, NULL, d->name);
    if (!d->type || d->type->kind != TY_FUNCTION)
        return;
    Type *ret = strip(d->type->u.fn.ret);
    if (ret && ret->kind == TY_ARRAY)
        diag_error(d->loc, "function '%s' returns an array", d->name ? d->name : "");
    else if (ret && ret->kind == TY_FUNCTION)
        diag_error(d->loc, "function '%s' returns a function", d->name ? d->name : "");
    /* the operation's pointer and string attributes describe its return value */
    Attr *ret_attrs = NULL;
    for (Attr *a = d->attrs; a; a = a->next)
        if (a->kind == ATTR_STRING || a->kind == ATTR_REF || a->kind == ATTR_UNIQUE || a->kind == ATTR_PTR ||
            a->kind == ATTR_CONTEXT_HANDLE) {
            Attr *c = xmalloc(sizeof *c);
            *c = *a;
            c->next = ret_attrs;
            ret_attrs = c;
        }
    if (ret_attrs)
        check_decl_shape(ret_attrs, d->type->u.fn.ret, xasprintf("return value of %s", d->name ? d->name : ""), false);
    check_type_defs(d->type->u.fn.ret);
    for (Decl *p = d->type->u.fn.params; p; p = p->next) {
        check_decl(p, P_PARAM);
        Type *pt = strip(p->type);
        if (pt && pt->kind == TY_VOID)
            diag_error(p->loc, "parameter '%s' has type void", p->name ? p->name : "(unnamed)");
    }
}

/* ===================================================================== remoting checks */

typedef struct Remote {
    Type *iface;
    Decl *func;
    bool object;
} Remote;

static PtrMap remote_checked;

/* The type of an attribute expression over parameters or fields. */
static Type *expr_type(Expr *e)
{
    if (!e)
        return NULL;
    switch (e->kind) {
    case EXPR_NAME:
    case EXPR_MEMBER:
        return e->ref ? e->ref->type : NULL;
    case EXPR_UNARY:
        if (e->op == OP_DEREF)
            return pointee(expr_type(e->lhs));
        if (e->op == OP_ADDR)
            return NULL;
        return expr_type(e->lhs);
    case EXPR_INDEX:
        return pointee(expr_type(e->lhs));
    case EXPR_INT:
    case EXPR_CHAR:
    case EXPR_SIZEOF:
        return type_base(B_LONG, SIGN_DEFAULT);
    case EXPR_CAST:
        return e->type;
    case EXPR_COND:
        return expr_type(e->lhs);
    case EXPR_BINARY: {
        switch (e->op) {
        case OP_EQ: case OP_NE: case OP_LT: case OP_GT: case OP_LE: case OP_GE:
        case OP_LOGAND: case OP_LOGOR:
            return type_base(B_LONG, SIGN_DEFAULT);
        default: {
            Type *l = expr_type(e->lhs);
            return l && is_integral(l) ? expr_type(e->rhs) : l;
        }
        }
    }
    default:
        return NULL;
    }
}

/* size_is(n), switch_is(k), ...: the expression must be an integer; iid_is names a GUID pointer. */
static void check_attr_exprs(Decl *d)
{
    for (Attr *a = d->attrs; a; a = a->next) {
        switch (a->kind) {
        case ATTR_SIZE_IS: case ATTR_LENGTH_IS: case ATTR_FIRST_IS: case ATTR_LAST_IS:
        case ATTR_MAX_IS: case ATTR_MIN_IS: case ATTR_SWITCH_IS:
            for (Expr *e = a->args; e; e = e->next) {
                if (e->kind == EXPR_EMPTY)
                    continue;
                Type *t = expr_type(e);
                if (t && !is_integral(t))
                    diag_error(e->loc, "'[%s]' of '%s' needs an integer, but this has type '%s'", attr_name(a->kind),
                               d->name ? d->name : "", describe_type(t));
            }
            break;
        case ATTR_IID_IS: {
            Expr *e = attr_arg(a, 0);
            Type *t = e ? expr_type(e) : NULL;
            Type *g = t ? strip(pointee(t)) : NULL;
            if (t && (!g || g->kind != TY_STRUCT))
                diag_error(e->loc, "'[iid_is]' of '%s' needs a pointer to a GUID, but this has type '%s'",
                           d->name ? d->name : "", describe_type(t));
            break;
        }
        default:
            break;
        }
    }
}

static Type *union_of(Type *t)
{
    for (int steps = 0; steps < 100; steps++) {
        Type *s = strip(t);
        if (!s)
            return NULL;
        if (s->kind == TY_UNION || s->kind == TY_ENCUNION)
            return s;
        if (s->kind != TY_POINTER)
            return NULL;
        t = s->u.ptr.ref;
    }
    return NULL;
}

static void check_remote_type(Type *t, Decl *user, const char *role);

/* A parameter or field that crosses the wire: attributes that need an integer get one,
 * unions get a discriminant, and nothing unmarshallable hides inside. */
static void check_remote_var(Decl *d, const char *role, bool is_param)
{
    const char *n = d->name ? d->name : "(unnamed)";
    check_attr_exprs(d);
    Attr *sw = attr_find(d->attrs, ATTR_SWITCH_IS);
    Type *u = union_of(d->type);
    if (sw && (!u || u->kind != TY_UNION))
        diag_error(sw->loc, "'[switch_is]' on %s '%s', which has type '%s', not a non-encapsulated union", role, n,
                   describe_type(d->type));
    else if (!sw && u && u->kind == TY_UNION && u->u.rec.fields && !attr_has(d->attrs, ATTR_IGNORE)) {
        bool discriminated = alias_chain_has(d->type, ATTR_SWITCH_TYPE);
        for (Decl *arm = u->u.rec.fields; arm && !discriminated; arm = arm->next)
            if (attr_has(arm->attrs, ATTR_CASE) || attr_has(arm->attrs, ATTR_DEFAULT))
                discriminated = true;
        if (discriminated)
            diag_error(d->loc, "%s '%s' is a union without a '[switch_is]' saying which arm it holds", role, n);
    }
    if (!is_param && is_context_handle(d->type, d->attrs))
        diag_error(d->loc, "%s '%s' is a context handle; context handles can only be parameters", role, n);
    check_remote_type(d->type, d, role);
}

static void check_remote_type(Type *t, Decl *user, const char *role)
{
    const char *n = user && user->name ? user->name : "(unnamed)";
    Loc loc = user ? user->loc : t->loc;
    if (user && attr_has(user->attrs, ATTR_IID_IS))
        return;   /* void ** made an interface pointer by [iid_is] */
    for (int steps = 0; t && steps < 1000; steps++) {
        if (t->kind == TY_ALIAS) {
            /* types the user marshals or transmits as something else are taken on trust, and
             * HANDLE (void *) is sent as the opaque value it is, as MIDL and widl do */
            if (attr_has(t->attrs, ATTR_WIRE_MARSHAL) || attr_has(t->attrs, ATTR_USER_MARSHAL) ||
                attr_has(t->attrs, ATTR_TRANSMIT_AS) || attr_has(t->attrs, ATTR_REPRESENT_AS) ||
                attr_has(t->attrs, ATTR_CONTEXT_HANDLE) || attr_has(t->attrs, ATTR_HANDLE) ||
                (t->name && strcmp(t->name, "HANDLE") == 0))
                return;
            t = t->u.alias.target;
            continue;
        }
        switch (t->kind) {
        case TY_POINTER: {
            Type *r = strip(t->u.ptr.ref);
            if (r && r->kind == TY_VOID && !is_context_handle(t, user ? user->attrs : NULL)) {
                diag_error(loc, "%s '%s' is a 'void *', which cannot be sent (what does it point to?)", role, n);
                return;
            }
            if (r && (r->kind == TY_INTERFACE || r->kind == TY_DISPINTERFACE))
                return;   /* interface pointers are marshalled by the object layer */
            t = t->u.ptr.ref;
            continue;
        }
        case TY_ARRAY:
            t = t->u.arr.elem;
            continue;
        case TY_FUNCTION:
            diag_error(loc, "%s '%s' is a function pointer, which cannot be sent", role, n);
            return;
        case TY_STRUCT:
        case TY_UNION:
        case TY_ENCUNION:
            if (!t->defined) {
                diag_error(loc, "%s '%s' has incomplete type '%s'", role, n, describe_type(t));
                return;
            }
            if (ptrmap_mark(&remote_checked, t)) {
                for (Decl *f = t->u.rec.fields; f; f = f->next) {
                    if (f->bits)
                        diag_error(f->loc, "field '%s' of %s is a bit-field, which cannot be sent",
                                   f->name ? f->name : "", describe_type(t));
                    check_remote_var(f, t->kind == TY_STRUCT ? "field" : "union arm", false);
                }
            }
            return;
        case TY_ENUM:
            if (!t->defined)
                diag_error(loc, "%s '%s' has incomplete type '%s'", role, n, describe_type(t));
            return;
        case TY_INTERFACE:
        case TY_DISPINTERFACE:
            diag_error(loc, "%s '%s' is an interface by value; pass a pointer to it", role, n);
            return;
        default:
            return;
        }
    }
}

/* A context handle passed by value: its type is one, or [context_handle] marks a void *. */
static bool is_context_handle_value(Decl *p)
{
    if (alias_chain_has(p->type, ATTR_CONTEXT_HANDLE))
        return true;
    if (!attr_has(p->attrs, ATTR_CONTEXT_HANDLE))
        return false;
    Type *t = strip(p->type);
    return !(t && t->kind == TY_POINTER && strip(t->u.ptr.ref) && strip(t->u.ptr.ref)->kind == TY_POINTER);
}

static void check_remote_param(Remote *r, Decl *p, bool is_last)
{
    const char *n = p->name ? p->name : "(unnamed)";
    bool in = attr_has(p->attrs, ATTR_IN), out = attr_has(p->attrs, ATTR_OUT);
    Type *t = strip(p->type);
    if (!t)
        return;
    if (!in && !out && in_main_file(p->loc))
        diag_warning(p->loc, WARN_PEDANTIC, "parameter '%s' has no [in] or [out]; [in] assumed", n);
    if (out) {
        Type *r2 = t->kind == TY_POINTER ? strip(t->u.ptr.ref) : NULL;
        if (t->kind != TY_POINTER && t->kind != TY_ARRAY)
            diag_error(p->loc, "'[out]' parameter '%s' is not a pointer", n);
        else if (is_context_handle_value(p))
            diag_error(p->loc, "'[out]' context handle '%s' must be passed by pointer", n);
        else if (r2 && (r2->kind == TY_INTERFACE || r2->kind == TY_DISPINTERFACE))
            diag_error(p->loc, "'[out]' interface pointer '%s' must be a pointer to a pointer", n);
        else if (r2 && is_handle_t(r2))
            diag_error(p->loc, "binding handle '%s' must be an '[in]' parameter", n);
        else if (t->kind == TY_POINTER && !in && (attr_has(p->attrs, ATTR_UNIQUE) || attr_has(p->attrs, ATTR_PTR)))
            diag_error(p->loc, "'[out]'-only parameter '%s' cannot be a '[%s]' pointer; use '[in, out]' or another level of indirection",
                       n, attr_has(p->attrs, ATTR_UNIQUE) ? "unique" : "ptr");
        else if (t->kind == TY_POINTER && !in && attr_has(p->attrs, ATTR_STRING) && type_is_char(t->u.ptr.ref) &&
                 !attr_has(p->attrs, ATTR_SIZE_IS) && !attr_has(p->attrs, ATTR_MAX_IS))
            diag_error(p->loc, "'[out]' string '%s' has no size; add '[size_is]' or make it '[in, out]'", n);
    }
    if (attr_has(p->attrs, ATTR_RETVAL)) {
        if (!out)
            diag_error(p->loc, "'[retval]' parameter '%s' must also be '[out]'", n);
        else if (!is_last)
            diag_error(p->loc, "'[retval]' parameter '%s' must be the last parameter", n);
    }
    if (r->object && is_context_handle(p->type, p->attrs))
        diag_error(p->loc, "context handle '%s' in object interface '%s'; context handles are for RPC interfaces", n,
                   r->iface->name);
    check_remote_var(p, "parameter", true);
}

/* A binding, generic or context handle, by value or through a pointer. */
static bool is_any_handle(Decl *p)
{
    Type *t = p->type;
    for (int depth = 0; t && depth < 2; depth++) {
        if (is_handle_t(t) || is_context_handle(t, depth ? NULL : p->attrs) || alias_chain_has(t, ATTR_HANDLE))
            return true;
        t = strip(t);
        t = t && t->kind == TY_POINTER ? t->u.ptr.ref : NULL;
    }
    return false;
}

/* A [callback] runs on the client, inside the call of the interface that the server is
 * executing: it is bound by that call, and cannot outlive it. */
static void check_callback(Remote *r)
{
    Decl *f = r->func;
    Attr *cb = attr_find(f->attrs, ATTR_CALLBACK);
    if (r->object) {
        diag_error(cb->loc, "'[callback]' operation '%s' in object interface '%s'; callbacks are for RPC interfaces",
                   f->name, r->iface->name);
        return;
    }
    if (attr_has(f->attrs, ATTR_ASYNC))
        diag_error(attr_find(f->attrs, ATTR_ASYNC)->loc,
                   "'[callback]' operation '%s' cannot be '[async]': it runs inside the call that makes it", f->name);
    for (Decl *p = f->type->u.fn.params; p; p = p->next)
        if (is_any_handle(p))
            diag_error(p->loc,
                       "'[callback]' operation '%s' cannot take a binding or context handle ('%s'): it runs on the "
                       "client of the call that makes it",
                       f->name, p->name ? p->name : "(unnamed)");
}

static void check_remote_function(Remote *r)
{
    Decl *f = r->func;
    Type *fn = f->type;
    if (!fn || fn->kind != TY_FUNCTION)
        return;
    for (Decl *p = fn->u.fn.params; p; p = p->next)
        check_remote_param(r, p, p->next == NULL);
    if (attr_has(f->attrs, ATTR_MAYBE)) {
        Type *ret = strip(fn->u.fn.ret);
        bool has_out = ret && ret->kind != TY_VOID;
        for (Decl *p = fn->u.fn.params; p; p = p->next)
            has_out |= attr_has(p->attrs, ATTR_OUT);
        if (has_out)
            diag_error(attr_find(f->attrs, ATTR_MAYBE)->loc,
                       "'[maybe]' operation '%s' gets no reply, so it can have no [out] parameters or return value",
                       f->name);
    }
    if (attr_has(f->attrs, ATTR_CALLBACK))
        check_callback(r);
    if (fn->u.fn.varargs)
        diag_error(f->loc, "operation '%s' takes a variable argument list, which cannot be sent", f->name);
    Type *ret = strip(fn->u.fn.ret);
    if (ret && ret->kind != TY_VOID) {
        Decl rv = { .kind = DECL_PARAM, .loc = f->loc, .name = f->name, .attrs = f->attrs, .type = fn->u.fn.ret };
        Type *u = union_of(fn->u.fn.ret);
        if (u && u->kind == TY_UNION)
            diag_error(f->loc, "operation '%s' returns a non-encapsulated union, which has no discriminant", f->name);
        if (strip(fn->u.fn.ret)->kind == TY_POINTER && attr_has(f->attrs, ATTR_REF))
            diag_error(f->loc, "operation '%s' returns a '[ref]' pointer; return values can only be unique or full pointers",
                       f->name);
        check_remote_type(fn->u.fn.ret, &rv, "the return value of");
    }
}

/* ===================================================================== interfaces */

static bool has_operations(Type *t)
{
    for (Stmt *s = t->u.iface.body; s; s = s->next)
        if (s->kind == STMT_DECL)
            for (Decl *d = s->decls; d; d = d->next)
                if (d->kind == DECL_FUNC)
                    return true;
    return false;
}

static bool iface_is_remote(Type *t)
{
    return t->kind == TY_INTERFACE && !attr_has(t->attrs, ATTR_LOCAL);
}

static void check_interface(Type *t, bool in_library)
{
    unsigned place = t->kind == TY_DISPINTERFACE ? P_DISP : P_IFACE;
    check_attr_list(t->attrs, place);
    check_attr_values(t->attrs, NULL, t->name);
    bool object = attr_has(t->attrs, ATTR_OBJECT) || attr_has(t->attrs, ATTR_DUAL) || t->ns != NULL;
    bool main = t->file ? t->file == prog->main : in_main_file(t->loc);
    bool remote = main && !in_library && iface_is_remote(t);
    bool winrt = t->ns != NULL;

    /* An RPC interface is bound by its uuid; one without operations (a holder of types) needs
     * none.  widl lets an object interface go without one (mingw's amvideo.idl does), so that
     * is a warning: its IID would be all zeros. */
    if (remote && !winrt && !attr_has(t->attrs, ATTR_UUID) && has_operations(t)) {
        if (object)
            diag_warning(t->loc, WARN_SEMANTIC, "object interface '%s' has no [uuid]; its IID is all zeros", t->name);
        else
            diag_error(t->loc, "interface '%s' has no [uuid] (needed to call it remotely; mark it [local] if it is not)",
                       t->name);
    }
    if (remote && attr_has(t->attrs, ATTR_OBJECT) && !t->u.iface.base && t->name != intern("IUnknown"))
        diag_error(t->loc, "object interface '%s' must derive from another interface (IUnknown at the root)", t->name);
    Attr *ih = attr_find(t->attrs, ATTR_IMPLICIT_HANDLE);
    if (ih && attr_has(t->attrs, ATTR_AUTO_HANDLE))
        diag_error(ih->loc, "interface '%s' has both '[implicit_handle]' and '[auto_handle]'", t->name);
    if (object && (ih || attr_has(t->attrs, ATTR_AUTO_HANDLE) || attr_has(t->attrs, ATTR_EXPLICIT_HANDLE))) {
        Attr *h = ih ? ih : attr_find(t->attrs, ATTR_AUTO_HANDLE) ? attr_find(t->attrs, ATTR_AUTO_HANDLE)
                                                                  : attr_find(t->attrs, ATTR_EXPLICIT_HANDLE);
        diag_error(h->loc, "'[%s]' on object interface '%s'; binding handles are for RPC interfaces",
                   attr_name(h->kind), t->name);
    }

    for (Decl *p = t->u.iface.props; p; p = p->next)
        check_decl(p, P_FIELD);
    for (Stmt *s = t->u.iface.body; s; s = s->next) {
        if (s->kind != STMT_DECL)
            continue;
        for (Decl *d = s->decls; d; d = d->next) {
            if (d->kind != DECL_FUNC)
                continue;
            if (object && attr_has(d->attrs, ATTR_ASYNC))
                diag_error(attr_find(d->attrs, ATTR_ASYNC)->loc,
                           "'[async]' on '%s' in object interface '%s'; object interfaces are made asynchronous with [async_uuid]",
                           d->name, t->name);
            if (remote && !attr_has(d->attrs, ATTR_LOCAL)) {
                Remote r = { t, d, object };
                check_remote_function(&r);
            }
        }
    }
}

/* ===================================================================== runtime types */

/* An IDL typedef of a name the runtime headers already define must describe the same wire
 * type, or the generated code and the runtime would disagree about it.  It is checked in the
 * run that generates code for it, the one whose main file holds it: an imported file's
 * typedefs are its own compilation's business (and not the importer's to fix). */
static void check_runtime_typedef(Decl *d)
{
    if (!d->name || !d->type || d->type->kind != TY_ALIAS || !in_main_file(d->loc))
        return;
    const RuntimeType *rt = runtime_type_lookup(d->name);
    if (!rt || runtime_type_matches(rt, d->type->u.alias.target))
        return;
    diag_error(d->loc, "typedef '%s' as '%s' conflicts with the runtime's '%s' (%s, from <%s>)", d->name,
               describe_type(d->type->u.alias.target), rt->name, rt->wire, rt->header);
}

/* ===================================================================== statements */

static void check_stmts(Stmt *list, bool in_library);

static void check_container(Type *t, bool in_library)
{
    switch (t->kind) {
    case TY_INTERFACE:
    case TY_DISPINTERFACE:
    case TY_DELEGATE:
        check_interface(t, in_library);
        break;
    case TY_COCLASS:
        check_attr_list(t->attrs, P_COCLASS);
        break;
    case TY_MODULE:
        check_attr_list(t->attrs, P_MODULE);
        break;
    case TY_LIBRARY:
        check_attr_list(t->attrs, P_LIBRARY);
        in_library = true;
        break;
    case TY_RUNTIMECLASS:
        check_attr_list(t->attrs, P_RUNTIMECLASS);
        break;
    case TY_APICONTRACT:
        check_attr_list(t->attrs, P_APICONTRACT);
        break;
    default:
        break;
    }
    /* [default, source] interface I; in a coclass: typelib matters, placed by the grammar */
    for (Decl *m = t->u.iface.members; m; m = m->next)
        for (Attr *a = m->attrs; a; a = a->next)
            warn_unimplemented(a);
    check_stmts(t->u.iface.body, in_library);
}

static void check_stmts(Stmt *list, bool in_library)
{
    for (Stmt *s = list; s; s = s->next) {
        switch (s->kind) {
        case STMT_TYPE: {
            Type *t = s->type;
            if (!t || !t->defined || s->forward)
                break;
            switch (t->kind) {
            case TY_STRUCT:
            case TY_UNION:
            case TY_ENCUNION:
            case TY_ENUM:
                check_type_defs(t);
                break;
            case TY_INTERFACE:
            case TY_DISPINTERFACE:
            case TY_DELEGATE:
            case TY_COCLASS:
            case TY_MODULE:
            case TY_LIBRARY:
            case TY_RUNTIMECLASS:
            case TY_APICONTRACT:
                if (ptrmap_mark(&records_checked, t))
                    check_container(t, in_library);
                break;
            default:
                break;
            }
            break;
        }
        case STMT_TYPEDEF:
            for (Decl *d = s->decls; d; d = d->next) {
                Type *alias = d->type;
                Attr *attrs = alias && alias->kind == TY_ALIAS ? alias->attrs : d->attrs;
                check_attr_list(attrs, P_TYPEDEF);
                if (d->attrs && d->attrs != attrs)
                    check_attr_list(d->attrs, P_TYPEDEF);
                Type *target = alias && alias->kind == TY_ALIAS ? alias->u.alias.target : alias;
                check_attr_values(attrs, target, d->name);
                check_type_attr_args(attrs);
                check_decl_shape(attrs, target, d->name, false);
                check_type_defs(target);
                check_runtime_typedef(d);
            }
            break;
        case STMT_DECL:
            for (Decl *d = s->decls; d; d = d->next) {
                if (d->kind == DECL_FUNC)
                    check_function_decl(d);
                else if (d->kind != DECL_CONST)
                    check_decl(d, P_FIELD);
                else
                    check_type_defs(d->type);
            }
            break;
        case STMT_NAMESPACE:
        case STMT_DECLARE:
            check_stmts(s->body, in_library);
            break;
        default:
            break;
        }
    }
}

/* The ACF's own statements carry no declarations to check; its attributes were merged into
 * the IDL's (from_acf) and are checked there. */
void check_program(Program *p)
{
    prog = p;
    for (int k = ATTR_UNKNOWN_ + 1; k < ATTR_COUNT_; k++)
        if (!attr_rules[k].places)
            diag_internal("attribute '%s' has no rule in check.c's attr_rules", attr_name((AttrKind)k));
    for (File *f = p->files; f; f = f->next) {
        if (f->is_acf || f->is_c_header)
            continue;
        check_stmts(f->stmts, false);
    }
}
