/*
 * compiler/runtime_types.c: which IDL typedefs of runtime-defined names describe the same wire
 * type, and that its table lists exactly the type names the public headers define, each with
 * the header that defines it, all reachable from rpc.h + rpcndr.h (what generated headers
 * include).
 *
 * runtime_types.c is compiled into this test directly: it depends only on the Type structures
 * of asidl.h, which the test builds by hand.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>

#include "../../compiler/runtime_types.c"

#include "test.h"

void diag_internal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("#   internal error: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    abort();
}

/* ------------------------------------------------------------------ building IDL types */

/* Every node the tests build, freed at the end (the compiler's own nodes live as long as it). */
static void **nodes;
static size_t n_nodes;

static void *node(size_t size)
{
    void **grown = realloc(nodes, (n_nodes + 1) * sizeof *nodes);
    void *p = calloc(1, size);
    if (!grown || !p)
        abort();
    nodes = grown;
    nodes[n_nodes++] = p;
    return p;
}

static void free_nodes(void)
{
    for (size_t i = 0; i < n_nodes; i++)
        free(nodes[i]);
    free(nodes);
}

static Type *base(BaseKind k, int sign)
{
    Type *t = node(sizeof *t);
    t->kind = TY_BASE;
    t->u.base.kind = k;
    t->u.base.sign = sign;
    return t;
}

static Type *alias(const char *name, Type *target)
{
    Type *t = node(sizeof *t);
    t->kind = TY_ALIAS;
    t->name = name;
    t->u.alias.target = target;
    return t;
}

static Type *pointer_to(Type *ref, unsigned quals)
{
    Type *t = node(sizeof *t);
    t->kind = TY_POINTER;
    t->u.ptr.ref = ref;
    t->u.ptr.ref_quals = quals;
    return t;
}

static Type *void_t(void)
{
    Type *t = node(sizeof *t);
    t->kind = TY_VOID;
    return t;
}

static Expr *int_literal(int64_t v)
{
    Expr *e = node(sizeof *e);
    e->kind = EXPR_INT;
    e->ival = v;
    return e;
}

static Type *array_of(Type *elem, Expr *dim)
{
    Type *t = node(sizeof *t);
    t->kind = TY_ARRAY;
    t->u.arr.elem = elem;
    t->u.arr.dim = dim;
    return t;
}

static Decl *field(const char *name, Type *type, Decl *next)
{
    Decl *d = node(sizeof *d);
    d->kind = DECL_FIELD;
    d->name = name;
    d->type = type;
    d->next = next;
    return d;
}

static Type *struct_of(const char *tag, Decl *fields)
{
    Type *t = node(sizeof *t);
    t->kind = TY_STRUCT;
    t->name = tag;
    t->defined = fields != NULL;
    t->u.rec.fields = fields;
    return t;
}

static bool matches(const char *name, Type *target)
{
    const RuntimeType *rt = runtime_type_lookup(name);
    if (!rt) {
        printf("#   '%s' is not a runtime type\n", name);
        return false;
    }
    return runtime_type_matches(rt, target);
}

/* struct _GUID { unsigned long Data1; unsigned short Data2; unsigned short Data3; byte Data4[8]; } */
static Type *idl_guid(Type *data1, Type *data4_elem, int64_t data4_len, const char *data3_name)
{
    return struct_of("_GUID",
                     field("Data1", data1,
                     field("Data2", base(B_SHORT, SIGN_UNSIGNED),
                     field(data3_name, base(B_SHORT, SIGN_UNSIGNED),
                     field("Data4", array_of(data4_elem, int_literal(data4_len)), NULL)))));
}

/* ------------------------------------------------------------------ matching */

TEST(lookup_finds_runtime_names_with_header_and_wire)
{
    const RuntimeType *rt = runtime_type_lookup("LONG");
    CHECK(rt != NULL);
    if (rt) {
        CHECK(strcmp(rt->name, "LONG") == 0);
        CHECK(strcmp(rt->header, "winnt.h") == 0);
        CHECK(strcmp(rt->wire, "int32") == 0);
    }
    rt = runtime_type_lookup("GUID");
    CHECK(rt && strcmp(rt->header, "guiddef.h") == 0 && strstr(rt->wire, "Data4") != NULL);
    CHECK(runtime_type_lookup("IFoo") == NULL);
    CHECK(runtime_type_lookup("long") == NULL);
    CHECK(runtime_type_lookup("") == NULL);
    CHECK(runtime_type_lookup(NULL) == NULL);
    CHECK(!runtime_type_matches(NULL, base(B_LONG, SIGN_DEFAULT)));
    CHECK(!runtime_type_matches(runtime_type_lookup("LONG"), NULL));
}

TEST(integers_match_by_wire_size_and_sign)
{
    CHECK(matches("LONG", base(B_LONG, SIGN_DEFAULT)));        /* IDL long: 4 wire bytes */
    CHECK(matches("LONG", base(B_INT, SIGN_DEFAULT)));
    CHECK(matches("LONG", base(B_INT32, SIGN_SIGNED)));
    CHECK(!matches("LONG", base(B_SHORT, SIGN_DEFAULT)));
    CHECK(!matches("LONG", base(B_LONG, SIGN_UNSIGNED)));
    CHECK(!matches("LONG", base(B_HYPER, SIGN_DEFAULT)));
    CHECK(matches("DWORD", base(B_LONG, SIGN_UNSIGNED)));
    CHECK(!matches("DWORD", base(B_LONG, SIGN_DEFAULT)));
    CHECK(matches("ULONG", alias("DWORD", base(B_LONG, SIGN_UNSIGNED))));   /* typedef DWORD ULONG */
    CHECK(matches("BOOL", base(B_LONG, SIGN_DEFAULT)));
    CHECK(matches("HRESULT", alias("LONG", base(B_LONG, SIGN_DEFAULT))));
    CHECK(matches("WORD", base(B_SHORT, SIGN_UNSIGNED)));
    CHECK(!matches("WORD", base(B_SHORT, SIGN_DEFAULT)));
    CHECK(matches("SHORT", base(B_INT16, SIGN_DEFAULT)));
    CHECK(matches("BYTE", base(B_BYTE, SIGN_DEFAULT)));
    CHECK(matches("BYTE", base(B_CHAR, SIGN_UNSIGNED)));
    CHECK(!matches("BYTE", base(B_SMALL, SIGN_DEFAULT)));     /* small is signed */
    CHECK(!matches("BYTE", base(B_CHAR, SIGN_DEFAULT)));      /* char is text, not a number */
    CHECK(matches("BOOLEAN", base(B_BOOLEAN, SIGN_DEFAULT)));
    CHECK(matches("INT8", base(B_SMALL, SIGN_DEFAULT)));
    CHECK(matches("LONGLONG", base(B_HYPER, SIGN_DEFAULT)));
    CHECK(matches("LONGLONG", base(B_INT64, SIGN_DEFAULT)));
    CHECK(matches("ULONGLONG", base(B_INT64, SIGN_UNSIGNED)));
    CHECK(!matches("ULONGLONG", base(B_INT64, SIGN_DEFAULT)));
    CHECK(!matches("ULONGLONG", base(B_LONG, SIGN_UNSIGNED)));
    CHECK(matches("VARIANT_BOOL", base(B_SHORT, SIGN_DEFAULT)));
    CHECK(matches("error_status_t", base(B_ERROR_STATUS, SIGN_DEFAULT)));
    CHECK(!matches("LONG", base(B_FLOAT, SIGN_DEFAULT)));
    CHECK(matches("FLOAT", base(B_FLOAT, SIGN_DEFAULT)));
    CHECK(matches("DOUBLE", base(B_DOUBLE, SIGN_DEFAULT)));
    CHECK(!matches("DOUBLE", base(B_FLOAT, SIGN_DEFAULT)));
}

TEST(pointer_sized_integers_need_int3264)
{
    CHECK(matches("LONG_PTR", base(B_INT3264, SIGN_DEFAULT)));
    CHECK(matches("ULONG_PTR", base(B_INT3264, SIGN_UNSIGNED)));
    CHECK(matches("SIZE_T", alias("ULONG_PTR", base(B_INT3264, SIGN_UNSIGNED))));
    CHECK(!matches("ULONG_PTR", base(B_INT3264, SIGN_DEFAULT)));
    /* NDR 2.0 sends __int3264 as 32 bits: a 32-bit integer of the same sign is the same wire
     * type (mingw-w64's basetsd.h without _WIN64 says long); a 64-bit one is not. */
    CHECK(matches("LONG_PTR", base(B_LONG, SIGN_DEFAULT)));
    CHECK(matches("ULONG_PTR", base(B_LONG, SIGN_UNSIGNED)));
    CHECK(!matches("ULONG_PTR", base(B_LONG, SIGN_DEFAULT)));
    CHECK(!matches("LONG_PTR", base(B_SHORT, SIGN_DEFAULT)));
    CHECK(!matches("LONG_PTR", base(B_HYPER, SIGN_DEFAULT)));
}

TEST(characters_match_by_kind_not_size)
{
    CHECK(matches("CHAR", base(B_CHAR, SIGN_DEFAULT)));
    CHECK(!matches("CHAR", base(B_WCHAR, SIGN_DEFAULT)));
    CHECK(!matches("CHAR", base(B_BYTE, SIGN_DEFAULT)));
    CHECK(matches("WCHAR", base(B_WCHAR, SIGN_DEFAULT)));
    CHECK(!matches("WCHAR", base(B_SHORT, SIGN_UNSIGNED)));   /* same wire size, but not text */
    CHECK(!matches("WCHAR", base(B_CHAR, SIGN_DEFAULT)));
    CHECK(matches("OLECHAR", alias("WCHAR", base(B_WCHAR, SIGN_DEFAULT))));
    CHECK(matches("TCHAR", alias("WCHAR", base(B_WCHAR, SIGN_DEFAULT))));
}

TEST(string_pointers_match_by_what_they_point_to)
{
    Type *wchar = alias("WCHAR", base(B_WCHAR, SIGN_DEFAULT));
    CHECK(matches("LPSTR", pointer_to(base(B_CHAR, SIGN_DEFAULT), 0)));
    CHECK(matches("LPCSTR", pointer_to(alias("CHAR", base(B_CHAR, SIGN_DEFAULT)), Q_CONST)));
    CHECK(!matches("LPSTR", pointer_to(base(B_WCHAR, SIGN_DEFAULT), 0)));
    CHECK(!matches("LPSTR", base(B_CHAR, SIGN_DEFAULT)));
    CHECK(matches("LPWSTR", pointer_to(wchar, 0)));
    CHECK(matches("LPCWSTR", pointer_to(wchar, Q_CONST)));
    CHECK(!matches("LPWSTR", pointer_to(base(B_SHORT, SIGN_UNSIGNED), 0)));
    CHECK(!matches("LPWSTR", pointer_to(pointer_to(wchar, 0), 0)));
    CHECK(matches("BSTR", pointer_to(alias("OLECHAR", wchar), 0)));
    CHECK(matches("LPOLESTR", pointer_to(alias("OLECHAR", wchar), 0)));
    CHECK(!matches("BSTR", pointer_to(base(B_CHAR, SIGN_DEFAULT), 0)));
    CHECK(matches("RPC_CSTR", pointer_to(base(B_CHAR, SIGN_UNSIGNED), 0)));
    CHECK(!matches("RPC_CSTR", pointer_to(base(B_CHAR, SIGN_DEFAULT), 0)));
    CHECK(matches("RPC_WSTR", pointer_to(base(B_WCHAR, SIGN_DEFAULT), 0)));
    CHECK(matches("LPDWORD", pointer_to(alias("DWORD", base(B_LONG, SIGN_UNSIGNED)), 0)));
    CHECK(!matches("LPDWORD", pointer_to(base(B_LONG, SIGN_DEFAULT), 0)));
}

TEST(handles_and_void_pointers)
{
    CHECK(matches("HANDLE", pointer_to(void_t(), 0)));
    CHECK(!matches("HANDLE", pointer_to(base(B_LONG, SIGN_DEFAULT), 0)));
    CHECK(!matches("HANDLE", base(B_INT3264, SIGN_UNSIGNED)));
    CHECK(matches("LPVOID", alias("PVOID", pointer_to(void_t(), 0))));
    CHECK(matches("PHANDLE", pointer_to(alias("HANDLE", pointer_to(void_t(), 0)), 0)));
    CHECK(matches("HWND", pointer_to(void_t(), 0)));
    CHECK(matches("HWND", pointer_to(struct_of("HWND__", NULL), 0)));
    CHECK(!matches("HWND", base(B_LONG, SIGN_DEFAULT)));
    CHECK(matches("handle_t", base(B_HANDLE, SIGN_DEFAULT)));
    CHECK(matches("RPC_BINDING_HANDLE", alias("handle_t", base(B_HANDLE, SIGN_DEFAULT))));
    CHECK(matches("RPC_BINDING_HANDLE", pointer_to(void_t(), 0)));
    CHECK(!matches("RPC_BINDING_HANDLE", base(B_LONG, SIGN_DEFAULT)));
}

TEST(guid_matches_field_by_field_with_names)
{
    Type *ulong = base(B_LONG, SIGN_UNSIGNED);
    Type *byte_t = base(B_BYTE, SIGN_DEFAULT);
    CHECK(matches("GUID", idl_guid(ulong, byte_t, 8, "Data3")));
    CHECK(matches("GUID", alias("_GUID", idl_guid(alias("DWORD", ulong), base(B_CHAR, SIGN_UNSIGNED), 8, "Data3"))));
    CHECK(matches("_GUID", idl_guid(ulong, byte_t, 8, "Data3")));
    CHECK(matches("IID", alias("GUID", idl_guid(ulong, byte_t, 8, "Data3"))));
    CHECK(matches("UUID", idl_guid(ulong, byte_t, 8, "Data3")));
    CHECK(!matches("GUID", idl_guid(base(B_SHORT, SIGN_UNSIGNED), byte_t, 8, "Data3")));
    CHECK(!matches("GUID", idl_guid(base(B_LONG, SIGN_DEFAULT), byte_t, 8, "Data3")));
    CHECK(!matches("GUID", idl_guid(ulong, byte_t, 7, "Data3")));
    CHECK(!matches("GUID", idl_guid(ulong, base(B_WCHAR, SIGN_DEFAULT), 8, "Data3")));
    CHECK(!matches("GUID", idl_guid(ulong, byte_t, 8, "data3")));   /* descriptors name fields */
    /* a missing or an extra field */
    CHECK(!matches("GUID", struct_of("_GUID", field("Data1", ulong, field("Data2", base(B_SHORT, SIGN_UNSIGNED),
                                                   field("Data3", base(B_SHORT, SIGN_UNSIGNED), NULL))))));
    Type *extra = idl_guid(ulong, byte_t, 8, "Data3");
    extra->u.rec.fields->next->next->next->next = field("Data5", ulong, NULL);
    CHECK(!matches("GUID", extra));
    /* an array size given by a constant resolve.c evaluated */
    Decl *eight = node(sizeof *eight);
    eight->kind = DECL_CONST;
    eight->has_ival = true;
    eight->ival = 8;
    Expr *name = node(sizeof *name);
    name->kind = EXPR_NAME;
    name->ref = eight;
    Type *named = idl_guid(ulong, byte_t, 8, "Data3");
    named->u.rec.fields->next->next->next->type->u.arr.dim = name;
    CHECK(matches("GUID", named));
    named->u.rec.fields->next->next->next->type->u.arr.dim = NULL;   /* Data4[] */
    CHECK(!matches("GUID", named));
    /* forward references: the runtime's own tag, or not */
    CHECK(matches("GUID", struct_of("_GUID", NULL)));
    CHECK(!matches("GUID", struct_of("_MYGUID", NULL)));
    CHECK(!matches("GUID", base(B_INT128, SIGN_DEFAULT)));
    /* REFIID is IID * in IDL */
    CHECK(matches("REFIID", pointer_to(alias("IID", idl_guid(ulong, byte_t, 8, "Data3")), 0)));
    CHECK(!matches("REFIID", pointer_to(ulong, 0)));
}

TEST(other_structs_match_by_fields)
{
    Type *dword = alias("DWORD", base(B_LONG, SIGN_UNSIGNED));
    Type *lng = alias("LONG", base(B_LONG, SIGN_DEFAULT));
    CHECK(matches("FILETIME", struct_of("_FILETIME", field("dwLowDateTime", dword,
                                                      field("dwHighDateTime", dword, NULL)))));
    CHECK(!matches("FILETIME", struct_of("_FILETIME", field("dwLowDateTime", dword,
                                                       field("dwHighDateTime", lng, NULL)))));
    CHECK(matches("LARGE_INTEGER", struct_of("_LARGE_INTEGER", field("QuadPart", base(B_HYPER, SIGN_DEFAULT), NULL))));
    CHECK(!matches("LARGE_INTEGER", struct_of("_LARGE_INTEGER", field("LowPart", dword,
                                                                field("HighPart", lng, NULL)))));
    CHECK(!matches("LARGE_INTEGER", base(B_HYPER, SIGN_DEFAULT)));
    CHECK(matches("ULARGE_INTEGER", struct_of(NULL, field("QuadPart", base(B_HYPER, SIGN_UNSIGNED), NULL))));
    CHECK(matches("POINT", struct_of("tagPOINT", field("x", lng, field("y", lng, NULL)))));
    CHECK(!matches("POINT", struct_of("tagPOINT", field("x", base(B_SHORT, SIGN_DEFAULT),
                                                  field("y", base(B_SHORT, SIGN_DEFAULT), NULL)))));
    Decl *bitfield = field("y", lng, NULL);
    bitfield->bits = int_literal(3);
    CHECK(!matches("POINT", struct_of("tagPOINT", field("x", lng, bitfield))));
    CHECK(matches("SECURITY_ATTRIBUTES",
                  struct_of("_SECURITY_ATTRIBUTES",
                            field("nLength", dword,
                            field("lpSecurityDescriptor", alias("LPVOID", pointer_to(void_t(), 0)),
                            field("bInheritHandle", alias("BOOL", base(B_LONG, SIGN_DEFAULT)), NULL))))));
}

TEST(c_only_runtime_types_match_no_idl_declaration)
{
    Type *s = struct_of("_RPC_ASYNC_STATE", field("Size", base(B_INT, SIGN_UNSIGNED), NULL));
    CHECK(!matches("RPC_ASYNC_STATE", s));
    CHECK(!matches("RPC_ASYNC_STATE", struct_of("_RPC_ASYNC_STATE", NULL)));
    CHECK(!matches("OVERLAPPED", pointer_to(void_t(), 0)));
}

TEST(c_only_pointers_match_any_idl_pointer)
{
    /* mmstream.idl: typedef void *PAPCFUNC; -- the C size agrees, and that is all such a type has. */
    CHECK(matches("PAPCFUNC", pointer_to(void_t(), 0)));
    CHECK(matches("PFN_RPCNOTIFICATION_ROUTINE", pointer_to(void_t(), 0)));
    CHECK(!matches("PAPCFUNC", base(B_LONG, SIGN_DEFAULT)));
    CHECK(!matches("PRPC_ASYNC_STATE", base(B_INT3264, SIGN_UNSIGNED)));
}

/* ------------------------------------------------------------------ the table against the headers */

/*
 * The headers' declarations are read from the preprocessor's output (cc -E), whose line
 * markers say which file each line comes from.  In it, at file scope: every typedef's
 * declarator names, and every struct/union/enum tag that is defined (followed by '{').
 * Generated headers (wtypes.h, unknwn.h, ... once committed) are skipped: their types are
 * the IDL's, not the runtime's.
 */

#define INCLUDE_DIR "runtime/include"
#define MAX_NAMES 1024

typedef struct Declared {
    char name[64];
    char header[64];
} Declared;

typedef struct Scan {
    Declared names[MAX_NAMES];
    int n;
} Scan;

static bool is_generated(const char *path)
{
    char line[256] = "";
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    bool generated = fgets(line, sizeof line, f) && strstr(line, "Generated by asidl") != NULL;
    fclose(f);
    return generated;
}

static void add_name(Scan *s, const char *name, const char *path)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->names[i].name, name) == 0)
            return;
    if (s->n == MAX_NAMES)
        return;
    snprintf(s->names[s->n].name, sizeof s->names[0].name, "%s", name);
    const char *slash = strrchr(path, '/');
    snprintf(s->names[s->n].header, sizeof s->names[0].header, "%s", slash ? slash + 1 : path);
    s->n++;
}

#define MAX_TOKENS 4096

typedef struct Token {
    char text[64];
    bool ident;
} Token;

static bool is_keyword(const char *w)
{
    static const char *const words[] = {
        "void", "char", "short", "int", "long", "float", "double", "signed", "unsigned", "const",
        "volatile", "struct", "union", "enum", "_Bool", "__attribute__", "typedef", "__extension__",
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(w, words[i]) == 0)
            return true;
    return false;
}

/* The names one typedef statement declares (tokens from after "typedef" to before ";"). */
static void typedef_names(Scan *s, Token *tok, int n, const char *path)
{
    /* Drop brace bodies; the declarators follow them. */
    Token *flat = malloc(sizeof(Token) * (size_t)n);
    int m = 0, depth = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(tok[i].text, "{") == 0)
            depth++;
        else if (strcmp(tok[i].text, "}") == 0)
            depth--;
        else if (depth == 0)
            flat[m++] = tok[i];
    }
    /* In each comma-separated declarator, the name is the first identifier that is neither a
     * keyword, nor a tag (after struct/union/enum), nor a type name (followed by an
     * identifier or '*'). */
    int parens = 0;
    bool found = false;
    for (int i = 0; i < m; i++) {
        const char *t = flat[i].text;
        if (strcmp(t, "(") == 0 || strcmp(t, "[") == 0)
            parens++;
        else if (strcmp(t, ")") == 0 || strcmp(t, "]") == 0)
            parens--;
        else if (strcmp(t, ",") == 0 && parens == 0)
            found = false;
        if (found || !flat[i].ident || is_keyword(t))
            continue;
        if (i > 0 && (strcmp(flat[i - 1].text, "struct") == 0 || strcmp(flat[i - 1].text, "union") == 0 ||
                      strcmp(flat[i - 1].text, "enum") == 0))
            continue;
        if (i + 1 < m && (flat[i + 1].ident || strcmp(flat[i + 1].text, "*") == 0))
            continue;
        add_name(s, t, path);
        found = true;
    }
    free(flat);
}

/* Preprocesses `source` and collects what the public headers declare. */
static bool scan_headers(const char *source, Scan *s)
{
    char src[] = "/tmp/asidl-rt-XXXXXX.c";
    int fd = mkstemps(src, 2);
    if (fd < 0)
        return false;
    FILE *f = fdopen(fd, "w");
    fputs(source, f);
    fclose(f);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cc -std=c11 -E -I%s %s", INCLUDE_DIR, src);
    FILE *p = popen(cmd, "r");
    if (!p) {
        remove(src);
        return false;
    }

    static Token tok[MAX_TOKENS];
    int ntok = 0, depth = 0;
    bool in_typedef = false, ours = false, generated = false;
    char path[512] = "", stmt_path[512] = "";
    char line[4096];
    while (fgets(line, sizeof line, p)) {
        if (line[0] == '#') {   /* # 12 "runtime/include/winnt.h" 1 */
            char *q = strchr(line, '"');
            char *end = q ? strchr(q + 1, '"') : NULL;
            if (q && end) {
                snprintf(path, sizeof path, "%.*s", (int)(end - q - 1), q + 1);
                ours = strncmp(path, INCLUDE_DIR "/", strlen(INCLUDE_DIR) + 1) == 0;
                generated = ours && is_generated(path);
            }
            continue;
        }
        for (char *c = line; *c;) {
            Token t = { "", false };
            if (*c == ' ' || *c == '\t' || *c == '\n') {
                c++;
                continue;
            }
            if (*c == '"' || *c == '\'') {   /* literals: skipped whole */
                char quote = *c++;
                while (*c && *c != quote)
                    c += (*c == '\\' && c[1]) ? 2 : 1;
                if (*c)
                    c++;
                continue;
            }
            size_t len = 1;
            if (*c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')) {
                while (c[len] == '_' || (c[len] >= 'a' && c[len] <= 'z') || (c[len] >= 'A' && c[len] <= 'Z') ||
                       (c[len] >= '0' && c[len] <= '9'))
                    len++;
                t.ident = true;
            } else if (*c >= '0' && *c <= '9') {
                while ((c[len] >= '0' && c[len] <= '9') || (c[len] >= 'a' && c[len] <= 'z') ||
                       (c[len] >= 'A' && c[len] <= 'Z'))
                    len++;
            }
            snprintf(t.text, sizeof t.text, "%.*s", (int)(len < 63 ? len : 63), c);
            c += len;

            bool mine = ours && !generated;
            if (in_typedef) {
                if (depth == 0 && strcmp(t.text, ";") == 0) {
                    typedef_names(s, tok, ntok, stmt_path);
                    in_typedef = false;
                } else if (ntok < MAX_TOKENS) {
                    tok[ntok++] = t;
                }
            } else if (depth == 0 && mine && strcmp(t.text, "typedef") == 0) {
                in_typedef = true;
                ntok = 0;
                snprintf(stmt_path, sizeof stmt_path, "%s", path);
            }
            /* A tag definition anywhere in our headers: struct X { */
            static char prev2[64], prev1[64];
            if (mine && strcmp(t.text, "{") == 0 &&
                (strcmp(prev2, "struct") == 0 || strcmp(prev2, "union") == 0 || strcmp(prev2, "enum") == 0))
                add_name(s, prev1, path);
            snprintf(prev2, sizeof prev2, "%s", prev1);
            snprintf(prev1, sizeof prev1, "%s", t.text);

            if (strcmp(t.text, "{") == 0 || strcmp(t.text, "(") == 0)
                depth++;
            else if (strcmp(t.text, "}") == 0 || strcmp(t.text, ")") == 0)
                depth--;
        }
    }
    int status = pclose(p);
    remove(src);
    return status == 0;
}

static const Declared *find_declared(const Scan *s, const char *name)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->names[i].name, name) == 0)
            return &s->names[i];
    return NULL;
}

TEST(table_lists_every_type_the_headers_define)
{
    static Scan all;
    static const char every_header[] =
        "#include <windows.h>\n#include <rpc.h>\n#include <rpcndr.h>\n#include <objbase.h>\n#include <ole2.h>\n";
    CHECK(scan_headers(every_header, &all));
    CHECK(all.n > 150);   /* the scan saw the headers at all */
    CHECK(find_declared(&all, "DWORD") != NULL);
    CHECK(find_declared(&all, "PAPCFUNC") != NULL);             /* function-pointer typedef */
    CHECK(find_declared(&all, "RPC_IF_CALLBACK_FN") != NULL);   /* function typedef */
    CHECK(find_declared(&all, "HWND__") != NULL);               /* tag from DECLARE_HANDLE */
    for (int i = 0; i < all.n; i++) {
        const RuntimeType *rt = runtime_type_lookup(all.names[i].name);
        if (!rt) {
            printf("#   %s (from %s) is missing from runtime_types.c\n", all.names[i].name, all.names[i].header);
            CHECK(rt != NULL);
        } else if (strcmp(rt->header, all.names[i].header) != 0) {
            printf("#   %s: runtime_types.c says <%s>, it is in <%s>\n", rt->name, rt->header, all.names[i].header);
            CHECK(strcmp(rt->header, all.names[i].header) == 0);
        }
    }
}

TEST(every_listed_type_is_reachable_from_rpc_h_and_rpcndr_h)
{
    /* Generated headers include just these two, and omit the typedefs of listed names. */
    static Scan reach;
    CHECK(scan_headers("#include \"rpc.h\"\n#include \"rpcndr.h\"\n", &reach));
    prepare_table();
    /* Names spelled as keywords or macros in C are not typedefs there. */
    static const char *const macros[] = { "small", "hyper", "MIDL_uhyper", "REFGUID", "REFIID", "REFCLSID",
                                          "REFFMTID" };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const char *name = table[i].rt.name;
        bool is_macro = false;
        for (size_t k = 0; k < sizeof macros / sizeof macros[0]; k++)
            is_macro |= strcmp(name, macros[k]) == 0;
        if (is_macro)
            continue;
        if (!find_declared(&reach, name)) {
            printf("#   %s is listed but rpc.h + rpcndr.h do not define it\n", name);
            CHECK(find_declared(&reach, name) != NULL);
        }
    }
}

int main(void)
{
    RUN(lookup_finds_runtime_names_with_header_and_wire);
    RUN(integers_match_by_wire_size_and_sign);
    RUN(pointer_sized_integers_need_int3264);
    RUN(characters_match_by_kind_not_size);
    RUN(string_pointers_match_by_what_they_point_to);
    RUN(handles_and_void_pointers);
    RUN(guid_matches_field_by_field_with_names);
    RUN(other_structs_match_by_fields);
    RUN(c_only_runtime_types_match_no_idl_declaration);
    RUN(c_only_pointers_match_any_idl_pointer);
    RUN(table_lists_every_type_the_headers_define);
    RUN(every_listed_type_is_reachable_from_rpc_h_and_rpcndr_h);
    free_nodes();
    return test_exit();
}
