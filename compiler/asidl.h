/*
 * asidl compiler: the one internal header, sectioned by the file that implements each part
 * (chibicc style).  Phases: main.c (driver) -> preprocess.c (cpp) -> grammar/ (parse, building
 * the AST through ast.c) -> acf.c (merge ACF attributes) -> resolve.c (names) -> check.c
 * (semantics) -> gen_*.c (output).
 *
 * Memory: the compiler allocates from one arena and never frees; every pointer in the AST lives
 * until exit.  Names are interned (intern.c), so equal names are equal pointers.
 */
#ifndef ASIDL_COMPILER_H
#define ASIDL_COMPILER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ASIDL_VERSION "0.1.0"
/* Bumped whenever generated code needs a different runtime; the generated files check it. */
#define ASIDL_ABI_VERSION 1

#define FMT(a, b) __attribute__((format(printf, a, b)))
#define NORETURN __attribute__((noreturn))

typedef struct Loc Loc;
typedef struct Expr Expr;
typedef struct Attr Attr;
typedef struct Type Type;
typedef struct Decl Decl;
typedef struct Stmt Stmt;
typedef struct File File;
typedef struct Namespace Namespace;
typedef struct Program Program;
typedef struct Options Options;

/* ===================================================================== util.c */

void *xmalloc(size_t n);              /* zeroed arena memory; never freed */
void *xrealloc_vec(void *old, size_t old_n, size_t new_n, size_t elem);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) FMT(1, 2);
const char *intern(const char *s);    /* equal strings give the same pointer */
const char *intern_n(const char *s, size_t n);
const char *intern_find(const char *s, size_t n);   /* the interned copy, or NULL if there is none */
/* A map from a pair of pointers (a non-NULL) to a pointer, in arena memory; NULL if absent. */
typedef struct PairMap {
    struct PairSlot *slots;
    size_t cap, count;
} PairMap;
void *pairmap_get(const PairMap *m, const void *a, const void *b);
void pairmap_put(PairMap *m, const void *a, const void *b, void *val);
/* Arena memory, followed by two NULs; NULL with errno set on failure. */
char *read_whole_file(const char *path, size_t *len);

/* ===================================================================== diag.c */

/* A source position: file as named by the line markers, 1-based line and column, and the
 * length of the token for the caret underline (0 = just a caret). */
struct Loc {
    const char *file;
    int line, col, len;
};

typedef enum WarnKind {
    WARN_UNIMPLEMENTED = 1,   /* attribute parsed but without effect yet */
    WARN_SEMANTIC = 2,        /* suspicious but legal IDL */
    WARN_STYLE = 3,
    WARN_PEDANTIC = 4,
} WarnKind;

void diag_init(int warning_level, bool warnings_are_errors);
void diag_error(Loc loc, const char *fmt, ...) FMT(2, 3);
void diag_warning(Loc loc, WarnKind level, const char *fmt, ...) FMT(3, 4);
void diag_note(Loc loc, const char *fmt, ...) FMT(2, 3);
void diag_fatal(const char *fmt, ...) FMT(1, 2) NORETURN;      /* no location: I/O, usage */
void diag_internal(const char *fmt, ...) FMT(1, 2) NORETURN;   /* a bug in asidl, not the input */
int diag_error_count(void);
/* Source text for caret lines: the driver registers each file it reads (original, not
 * preprocessed text), so diagnostics can quote the line a line marker points at. */
void diag_register_source(const char *path, const char *text, size_t len);

/* ===================================================================== ast.c
 * The AST.  Every node has kind and loc first.  Lists are singly linked through `next`;
 * builders append through the *_append helpers so order is source order.
 */

typedef struct Uuid {
    uint32_t d1;
    uint16_t d2, d3;
    uint8_t d4[8];
} Uuid;

/* ---- expressions ---- */

typedef enum ExprKind {
    EXPR_EMPTY,      /* an omitted argument: the first one in size_is(, n) */
    EXPR_INT,        /* ival, text keeps the spelling (hex stays hex in output) */
    EXPR_FLOAT,      /* fval, text */
    EXPR_STRING,     /* str: contents without quotes, escapes kept as written */
    EXPR_WSTRING,    /* L"..." */
    EXPR_CHAR,       /* 'c': ival, text */
    EXPR_TRUE, EXPR_FALSE, EXPR_NULL,
    EXPR_NAME,       /* str: identifier or dotted WinRT name; ref set by resolve.c */
    EXPR_UUID,       /* uuid */
    EXPR_VERSION,    /* major.minor in ival = major | minor << 16 (the wire's order), text */
    EXPR_TYPE,       /* a type as an attribute argument: switch_type(short) */
    EXPR_UNARY,      /* op lhs */
    EXPR_BINARY,     /* lhs op rhs */
    EXPR_COND,       /* cond ? lhs : rhs */
    EXPR_CAST,       /* (type) lhs */
    EXPR_SIZEOF,     /* sizeof(type) */
    EXPR_MEMBER,     /* lhs . str  or  lhs -> str (op says which) */
    EXPR_INDEX,      /* lhs [ rhs ] */
} ExprKind;

typedef enum ExprOp {
    OP_NONE,
    OP_NEG, OP_POS, OP_NOT, OP_BITNOT, OP_DEREF, OP_ADDR,
    OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_SHL, OP_SHR,
    OP_BITAND, OP_BITOR, OP_BITXOR, OP_LOGAND, OP_LOGOR,
    OP_EQ, OP_NE, OP_LT, OP_GT, OP_LE, OP_GE,
    OP_DOT, OP_ARROW,
} ExprOp;

struct Expr {
    ExprKind kind;
    Loc loc;
    ExprOp op;
    Expr *lhs, *rhs, *cond;
    Type *type;            /* EXPR_TYPE, EXPR_CAST, EXPR_SIZEOF */
    unsigned type_quals;
    const char *str;       /* EXPR_NAME, EXPR_STRING, EXPR_WSTRING, EXPR_MEMBER */
    const char *text;      /* literal spelling for EXPR_INT/FLOAT/CHAR/VERSION */
    int64_t ival;
    bool is_unsigned;      /* integer literal with a U suffix, or too large for int64 */
    double fval;
    Uuid uuid;
    Decl *ref;             /* EXPR_NAME: the const, enumerator, parameter or field it names */
    Expr *next;            /* next argument in an attribute's list */
};

/* ---- attributes ---- */

typedef enum AttrArgs { A_NONE, A_EXPR, A_EXPRS, A_OPT, A_TYPE, A_UUID, A_STR, A_VER, A_ANY } AttrArgs;

typedef enum AttrKind {
    ATTR_UNKNOWN_ = 0,
#define ATTR(id, name, args) ATTR_##id,
#include "attrs.def"
#undef ATTR
    ATTR_COUNT_
} AttrKind;

struct Attr {
    AttrKind kind;
    Loc loc;
    Expr *args;            /* argument list (EXPR_EMPTY for omitted entries); NULL if none */
    int nargs;
    bool from_acf;         /* merged in from the ACF */
    bool used;             /* some phase acted on it; unused ones draw the "no effect yet" warning */
    Attr *next;
};

const char *attr_name(AttrKind k);
AttrArgs attr_args(AttrKind k);
AttrKind attr_lookup(const char *name);          /* name interned; ATTR_UNKNOWN_ if not an attribute */
Attr *attr_find(Attr *list, AttrKind k);         /* first match or NULL */
bool attr_has(Attr *list, AttrKind k);
Expr *attr_arg(Attr *a, int i);                  /* i-th argument or NULL */

/* ---- types ---- */

typedef enum TypeKind {
    TY_VOID,
    TY_BASE,          /* u.base */
    TY_ENUM,          /* u.rec.fields: DECL_ENUMERATOR list */
    TY_STRUCT,        /* u.rec.fields: DECL_FIELD list (bitfields have Decl.bits) */
    TY_UNION,         /* u.rec.fields: arms carry [case(...)] / [default] attrs; an empty arm has no name */
    TY_ENCUNION,      /* union U switch (long d) u { case 1: ... }: u.rec.fields are the arms,
                         u.rec.discrim the discriminant field, u.rec.arm_name the union member name */
    TY_POINTER,       /* u.ptr */
    TY_ARRAY,         /* u.arr */
    TY_FUNCTION,      /* u.fn */
    TY_ALIAS,         /* typedef name: name, attrs, u.alias.target */
    TY_NAMED,         /* a name the parser could not resolve yet; resolve.c replaces or reports it */
    TY_INTERFACE,     /* u.iface (also [object] and dual interfaces) */
    TY_DISPINTERFACE, /* u.iface: props in u.iface.props, methods as STMT_DECL in body */
    TY_COCLASS,       /* u.iface.members: DECL_IFACE_REF list */
    TY_MODULE,        /* u.iface.body: functions and consts */
    TY_LIBRARY,       /* u.iface.body: anything */
    TY_PIPE,          /* u.ptr.ref is the element type */
    TY_SAFEARRAY,     /* u.ptr.ref is the element type */
    TY_RUNTIMECLASS,  /* WinRT: u.iface.members */
    TY_DELEGATE,      /* WinRT: u.iface, body holds the Invoke method */
    TY_APICONTRACT,   /* WinRT */
    TY_PARAM,         /* WinRT generic parameter T inside interface IVector<T> */
    TY_PARAMETERIZED, /* WinRT instance IVector<int>: u.generic */
} TypeKind;

typedef enum BaseKind {
    B_BOOLEAN, B_BYTE, B_CHAR, B_WCHAR, B_SMALL, B_SHORT, B_INT, B_LONG, B_HYPER,
    B_INT8, B_INT16, B_INT32, B_INT64, B_INT3264, B_INT128,
    B_FLOAT, B_DOUBLE, B_HANDLE, B_ERROR_STATUS,
} BaseKind;

enum { SIGN_DEFAULT = 0, SIGN_SIGNED = 1, SIGN_UNSIGNED = 2 };
enum { Q_CONST = 1, Q_VOLATILE = 2 };

struct Namespace {
    const char *name;      /* last component */
    const char *full;      /* Windows.Foundation */
    Namespace *parent;
};

struct Type {
    TypeKind kind;
    Loc loc;
    const char *name;      /* tag, typedef, interface... name; NULL when anonymous */
    Attr *attrs;           /* written on the definition or, for TY_ALIAS, on the typedef */
    Namespace *ns;         /* WinRT namespace, NULL at global scope */
    File *file;            /* where defined (or first declared) */
    bool defined;          /* body seen; false for forward references */
    bool written;          /* gen_header: already emitted */
    union {
        struct { BaseKind kind; int sign; } base;
        struct { Decl *fields; Decl *discrim; const char *arm_name; } rec;
        struct { Type *ref; unsigned ref_quals; } ptr;
        struct { Type *elem; unsigned elem_quals; Expr *dim; Expr *lower; } arr;  /* dim NULL: [] or [*] */
        struct { Type *ret; unsigned ret_quals; Decl *params; bool varargs; const char *callconv; } fn;
        struct { Type *target; unsigned target_quals; } alias;
        struct {
            Type *base;            /* inherited interface; NULL for a root */
            Stmt *body;            /* methods (STMT_DECL of DECL_FUNC), typedefs, consts, cpp_quote, ... */
            Decl *members;         /* coclass / runtimeclass: DECL_IFACE_REF list */
            Decl *props;           /* dispinterface properties */
            Type *async_iface;     /* [async_uuid]: the AsyncIFoo built by resolve.c */
            Type *sync_iface;      /* on AsyncIFoo: the interface it was made from */
            Type *params;          /* WinRT generic parameters (TY_PARAM chained through u.param.next) */
            Decl *requires;        /* WinRT `requires A, B`: DECL_IFACE_REF list (added by front) */
        } iface;
        struct { Type *next; } param;
        struct { Type *generic; Type **args; int nargs; } generic;
    } u;
};

Type *type_new(TypeKind kind, Loc loc);
Type *type_base(BaseKind kind, int sign);          /* shared instances */
Type *type_void(void);
Type *type_pointer(Type *ref, unsigned ref_quals);
Type *type_array(Type *elem, Expr *dim);
Type *type_strip_alias(Type *t);                   /* follow TY_ALIAS to the real type */
bool type_is_integer(Type *t);                     /* after stripping aliases: base integers, enums */
bool type_is_char(Type *t);                        /* what a [string] may be made of (char, wchar_t, ...) */
bool type_is_pointer(Type *t);
bool type_is_interface(Type *t);
const char *type_kind_name(TypeKind k);           /* "struct", "union", ... for diagnostics */

/* ---- declarations ---- */

typedef enum DeclKind {
    DECL_FIELD,        /* struct/union member, dispinterface property */
    DECL_PARAM,
    DECL_FUNC,         /* operation, method or C prototype: type is TY_FUNCTION */
    DECL_TYPEDEF,      /* type is the TY_ALIAS it defines */
    DECL_CONST,        /* const T name = value */
    DECL_ENUMERATOR,
    DECL_VAR,          /* extern variable from a C header */
    DECL_IFACE_REF,    /* [default, source] interface IFoo; inside coclass / runtimeclass */
} DeclKind;

enum { STORAGE_NONE, STORAGE_EXTERN, STORAGE_STATIC };

struct Decl {
    DeclKind kind;
    Loc loc;
    const char *name;      /* NULL for an empty union arm or an unnamed parameter */
    Attr *attrs;
    Type *type;
    unsigned quals;        /* qualifiers on the declared object itself (const T x) */
    Expr *value;           /* const / enumerator value (NULL: previous + 1) */
    Expr *bits;            /* bitfield width */
    int storage;
    bool is_inline;
    Type *owner;           /* enclosing interface, struct, union, enum or module */
    /* filled by resolve.c / check.c */
    int opnum;             /* operation number inside its interface, counting inherited ones */
    bool has_ival;
    int64_t ival;          /* evaluated DECL_CONST / DECL_ENUMERATOR value */
    Decl *next;
};

Decl *decl_new(DeclKind kind, Loc loc, const char *name);

/* ---- statements: the ordered contents of a file, interface, library or namespace ---- */

typedef enum StmtKind {
    STMT_TYPE,         /* definition or forward declaration of a struct, union, enum, interface, ...: type */
    STMT_TYPEDEF,      /* decls: DECL_TYPEDEF list */
    STMT_DECL,         /* decls: functions, consts, variables */
    STMT_IMPORT,       /* str: the name as written; import: the parsed file (NULL if it failed) */
    STMT_IMPORTLIB,    /* str */
    STMT_INCLUDE,      /* DCE "include "x.h";": str */
    STMT_CPP_QUOTE,    /* str: the text with C escapes already decoded */
    STMT_PRAGMA,       /* str: a #pragma line kept by cpp, without "#pragma " */
    STMT_MIDL_PRAGMA,  /* str: midl_pragma warning(disable: 2111) and the like */
    STMT_NAMESPACE,    /* ns, body */
    STMT_DECLARE,      /* WinRT declare { ... }: body holds the instances it names */
} StmtKind;

struct Stmt {
    StmtKind kind;
    Loc loc;
    bool forward;          /* STMT_TYPE: a forward declaration (`interface I;`, `struct S;`), not the definition */
    Type *type;
    Decl *decls;
    const char *str;
    File *import;
    Namespace *ns;
    Stmt *body;
    Stmt *next;
};

Stmt *stmt_new(StmtKind kind, Loc loc);

/* ---- files and the program ---- */

struct File {
    const char *name;      /* as written in import / on the command line */
    const char *path;      /* as found on the include path */
    Stmt *stmts;
    bool is_c_header;      /* imported .h: C declarations only */
    bool is_acf;
    bool imported;         /* declarations only, no code generated */
    File *next;            /* every file of the program in the order parsing finished */
};

struct Program {
    File *main;            /* the IDL named on the command line */
    File *acf;             /* its ACF, or NULL */
    File *files;           /* every file, imports first */
};

/* Append helpers: append e (and whatever follows it) at the end of *list; NULL e is a no-op.
 * They walk the list, which is fine for the short lists IDL has; the parser keeps a tail
 * pointer for statement lists, the only long ones. */
void expr_append(Expr **list, Expr *e);
void attr_append(Attr **list, Attr *a);
void decl_append(Decl **list, Decl *d);
void stmt_append(Stmt **list, Stmt *s);

/* ---- symbol table (global, shared by all files of a run) ---- */

/* WinRT: a type, tag or enumerator declared inside `namespace A.B { }` is registered under its
 * qualified name "A.B.Name" (enumerators of such enums under "A.B.Enum.Value"); everything
 * else under its plain name.  sym_type_in() looks a name as written up the way C++ would,
 * innermost namespace first: "N" in namespace A.B tries "A.B.N", "A.N", then "N". */
Type *sym_type(const char *name);                  /* typedef, interface, coclass, ... or NULL */
Type *sym_type_in(Namespace *ns, const char *name);
const char *sym_qualified_name(Namespace *ns, const char *name);   /* "A.B.name" or name */
/* Tags share one namespace (as in C); sym_tag returns the entry only if it is of that kind
 * (TY_UNION also matches TY_ENCUNION). */
Type *sym_tag(TypeKind kind, const char *name);    /* struct / union / enum tag or NULL */
Type *sym_tag_in(TypeKind kind, Namespace *ns, const char *name);
Decl *sym_value(const char *name);                 /* const or enumerator or NULL */
Namespace *sym_namespace(Namespace *parent, const char *name);   /* creates on first use */
/* Registering returns the previous entry with that name (the caller reports redefinition);
 * the table then keeps the FIRST entry.  Registering NULL-named things is a no-op.  The parser
 * uses sym_replace_type when a file's typedef shadows a typedef it imported (later references
 * mean the new one, as in MIDL and widl). */
Type *sym_add_type(Type *t);
void sym_replace_type(Type *t);                    /* t shadows the entry of the same name */
Type *sym_add_tag(Type *t);
Decl *sym_add_value(Decl *d);

/* ===================================================================== ast_dump.c */

/* Writes f's AST as indented text, one node per line (debugging, parser tests). */
void ast_dump(FILE *out, File *f);

/* ===================================================================== runtime_types.c */

/* Names that asidl's runtime headers (runtime/include) already define, such as LONG, DWORD or
 * GUID.  An IDL typedef of such a name is checked against the wire type recorded here (check.c)
 * and not written to the generated header again (gen_header.c). */
typedef struct RuntimeType {
    const char *name;
    const char *header;    /* the public header that defines it, e.g. "windef.h" */
    const char *wire;      /* wire shape for diagnostics: "uint32", "struct GUID", ... */
} RuntimeType;

const RuntimeType *runtime_type_lookup(const char *name);
/* True if an IDL typedef `typedef <target> name;` describes the same wire type. */
bool runtime_type_matches(const RuntimeType *rt, Type *target);

/* ===================================================================== options (main.c) */

struct Options {
    const char *input;                 /* the .idl */
    const char *acf;                   /* -acf FILE, else NULL (then <base>.acf if present) */
    const char *out_dir;               /* -out DIR / --out-dir */
    const char *header, *cstub, *sstub, *iid, *proxy;   /* output names (NULL: derived) */
    bool gen_header, gen_client, gen_server, gen_iid, gen_proxy;
    const char **include_dirs; int n_include_dirs;     /* -I, in order, then the default path */
    const char **cpp_defs; int n_cpp_defs;              /* "-DX=1" / "-UX" as given, in order */
    const char *cpp_cmd;               /* default "cpp" */
    const char *cpp_opt;               /* extra options, split on spaces */
    bool no_cpp;
    bool no_cache;                     /* -no_cache: do not use the preprocessor cache */
    bool widl_compat;                  /* define __WIDL__ (default on; -no_widl_compat) */
    bool oldnames, use_epv, ms_ext, app_config;
    const char *prefix_client;         /* -prefix client STR: client stub routine names */
    const char *prefix_server;         /* -prefix server STR: manager routine names the server calls */
    bool no_default_epv;               /* -no_default_epv: the server stub has no default EPV */
    int warning_level;                 /* -W0..-W4, default 1 */
    bool warnings_are_errors;          /* -WX */
    const char *dep_file;              /* -MF */
    const char **dep_targets; int n_dep_targets;       /* -MT */
    bool dep_output, dep_phony;        /* -M/-MD, -MP */
    bool dep_only;                     /* -M: write dependencies, no code */
};

extern Options opts;

/* ===================================================================== preprocess.c */

/* Runs the C preprocessor (or not, with -no_cpp) on a file found on the include path and returns
 * its output, followed by two NULs (what the scanner needs to scan it in place); line markers
 * stay in it for the scanner.  Records every file cpp read (for -M). */
char *preprocess_file(const char *path, size_t *out_len);
/* Finds name on the include path (the importing file's directory first); NULL if absent. */
const char *find_include(const char *name, const char *from_file);
/* Every file read while compiling (IDL, ACF, imports, headers cpp included), for -M output. */
const char **preprocess_dependencies(int *n);

/* ===================================================================== ppcache.c */

/* The persistent cache of preprocessor output (docs/compiler.md, "The preprocessor cache"). */
typedef struct PpCacheKey PpCacheKey;
/* Whether the cache is on: not -no_cache, not ASIDL_CACHE=0, and its directory usable. */
bool ppcache_enabled(void);
/* The key of running the command argv (its input the last word) on a file of text src; NULL
 * when such a run cannot be cached.  argv must stay valid while the key is used. */
PpCacheKey *ppcache_key(const char *const *argv, const char *src, size_t src_len);
/* A stored run's output (followed by two NULs) and messages, if valid; arena memory. */
bool ppcache_lookup(const PpCacheKey *key, char **out, size_t *out_len, char **msgs, size_t *msgs_len);
/* Stores a successful run's output and messages, unless something makes it uncacheable. */
void ppcache_store(const PpCacheKey *key, const char *out, size_t out_len, const char *msgs, size_t msgs_len);
/* Small facts kept between runs, such as where the preprocessor proper is: NULL if unknown. */
const char *ppcache_recall(const char *what);
void ppcache_remember(const char *what, const char *value);

/* ===================================================================== grammar/ (idl.y, idl.l) */

/* Parses one IDL (or, with is_acf, ACF) file: preprocesses it, builds its AST, parses each
 * import once (recursively) and links it in.  Errors are reported through diag.c; returns the
 * File even after errors (with what could be recovered) or NULL if it could not be read. */
File *parse_file(Program *prog, const char *path, const char *name, bool is_acf, bool imported);

/*
 * What the parser builds, beyond the node comments above:
 *  - Lists come in source order.  A declaration statement with declarators gives STMT_DECL;
 *    one that defines or forward-declares a struct/union/enum tag also gives a STMT_TYPE
 *    before it (`struct S { ... };` alone is just the STMT_TYPE).  Types defined inside a
 *    typedef are reached through the alias only.
 *  - A type name the parser already knows becomes a pointer to that Type (TY_ALIAS, the
 *    interface, ...); an unknown one a TY_NAMED node whose name is as written (maybe dotted)
 *    and whose ns is the namespace the reference appears in.  Inside a WinRT generic, its
 *    parameters are TY_PARAM nodes.
 *  - Qualifiers: `const T *p` puts Q_CONST on the pointer's ref_quals, `T *const p` on the
 *    Decl's quals; array elements and function results carry theirs in elem_quals/ret_quals.
 *  - Every declarator of a typedef or field gets its own copy of the attribute list (acf.c
 *    may add to one).  A typedef's attributes are both Decl.attrs and the TY_ALIAS's attrs.
 *  - An empty union arm (`[case(3)] ;` or `case 3: ;`) is a DECL_FIELD without a name and of
 *    type TY_VOID.  Encapsulated union arms carry [case(...)] / [default] attributes made from
 *    their labels, exactly like non-encapsulated ones.
 *  - `(void)` parameter lists are empty (params NULL, varargs false).
 *  - Methods, fields, enumerators and parameters have Decl.owner set to the enclosing
 *    interface, struct/union, enum or module (parameters: that of their function).
 *  - Attribute arguments: A_UUID gives one EXPR_UUID (bare or quoted), A_VER one EXPR_VERSION,
 *    A_TYPE one EXPR_TYPE, A_STR one EXPR_STRING per string (adjacent literals joined), A_ANY
 *    EXPR_NAME (dotted names), EXPR_VERSION (1.0), EXPR_INT, EXPR_STRING, or EXPR_TYPE with
 *    str set for a "type name" pair (implicit_handle(handle_t h)).
 *  - cpp_quote and #pragma midl_echo give STMT_CPP_QUOTE; other #pragma lines STMT_PRAGMA
 *    (e.g. "winrt ns_prefix", "pack(push,1)"); midl_pragma warning(...) STMT_MIDL_PRAGMA with
 *    str "warning(...)" as written.
 *  - WinRT: `interface I<T>` has TY_PARAM parameters in u.iface.params; `requires A, B` is
 *    u.iface.requires (DECL_IFACE_REF list); a delegate is TY_DELEGATE whose u.iface.body holds
 *    one STMT_DECL of a DECL_FUNC named "Invoke"; `I<int>` is TY_PARAMETERIZED; `declare { }`
 *    is STMT_DECLARE whose body holds a STMT_TYPE per instance.
 *
 * The ACF is a File with is_acf set, built from the same nodes with names left unresolved and
 * nothing registered in the symbol table:
 *  - `[attrs] interface Name { ... }`: STMT_TYPE of a TY_INTERFACE (name, attrs, body).
 *  - `typedef [attrs] Name, Name2;` (inside or outside the interface): STMT_TYPEDEF whose
 *    decls are DECL_TYPEDEF with name and attrs only (type NULL).
 *  - `[attrs] Op([attrs] p, ...);`: STMT_DECL of a DECL_FUNC (name, attrs) whose type is a
 *    TY_FUNCTION with ret NULL and DECL_PARAM entries that have only name and attrs.
 *  - include "x.h"; gives STMT_INCLUDE, cpp_quote STMT_CPP_QUOTE.
 */

/* ---- parser internals: shared by grammar/idl.y, grammar/idl.l, ast.c and parse.c ---- */

/* Bison's location: a span of the preprocessed input, mapped through the line markers. */
typedef struct SrcSpan {
    const char *file;
    int first_line, first_column, last_line, last_column;
} SrcSpan;

Loc loc_of(SrcSpan s);     /* the span's start, with len = its width when it is on one line */

/* One declarator's derivations, applied to the base type from the first to the last:
 * `*a[3]` is POINTER then ARRAY (array of pointers). */
typedef enum DerivKind { DERIV_POINTER, DERIV_ARRAY, DERIV_FUNCTION } DerivKind;

typedef struct Deriv {
    DerivKind kind;
    Loc loc;
    unsigned quals;          /* DERIV_POINTER: qualifiers of the pointer itself */
    Expr *dim, *lower;       /* DERIV_ARRAY: NULL dim for [] and [*]; lower for [lo..hi] */
    Decl *params;            /* DERIV_FUNCTION */
    bool varargs;
    const char *callconv;
    struct Deriv *next;
} Deriv;

typedef struct Declarator {
    const char *name;        /* NULL for abstract declarators */
    Loc loc;                 /* of the name, else of the first token */
    Deriv *derivs;
    const char *callconv;    /* seen before a function derivation was (e.g. `(__stdcall *f)(...)`) */
    Expr *bits;              /* bitfield width */
    Expr *init;              /* `= value` */
    struct Declarator *next;
} Declarator;

/* Declaration specifiers: storage, qualifiers and the base type of a declaration. */
enum { SPEC_EXTERN = 0x10, SPEC_STATIC = 0x20, SPEC_INLINE = 0x40, SPEC_REGISTER = 0x80 };

typedef struct DeclSpec {
    Type *type;
    unsigned quals;          /* Q_CONST | Q_VOLATILE | SPEC_* bits */
    bool has_body;           /* the specifier defines or forward-declares a tag type */
    Loc loc;
} DeclSpec;

/* Lists under construction keep their tail, so the grammar builds long lists (an enum of
 * thousands of members) in linear time.  list(x) starts one (x may be NULL); add appends x
 * and whatever is chained after it. */
typedef struct StmtList { Stmt *head, *tail; } StmtList;
typedef struct DeclList { Decl *head, *tail; } DeclList;
typedef struct ExprList { Expr *head, *tail; } ExprList;
typedef struct AttrList { Attr *head, *tail; } AttrList;
typedef struct DtorList { Declarator *head, *tail; } DtorList;
StmtList stmt_list(Stmt *first);
void stmt_list_add(StmtList *l, Stmt *s);
DeclList decl_list(Decl *first);
void decl_list_add(DeclList *l, Decl *d);
ExprList expr_list(Expr *first);
void expr_list_add(ExprList *l, Expr *e);
AttrList attr_list(Attr *first);
void attr_list_add(AttrList *l, Attr *a);
DtorList dtor_list(Declarator *first);
void dtor_list_add(DtorList *l, Declarator *d);

typedef struct ParseState {
    Program *prog;
    File *file;
    bool is_acf;
    void *scanner;            /* the flex scanner (yyscan_t) */
    /* scanner position and mode (grammar/idl.l) */
    const char *cur_file;     /* file named by the last line marker */
    int line, col;
    int start_token;          /* returned once before the input: selects IDL or ACF */
    int prev_token;           /* last token returned, for '[' (attributes or array?) */
    bool prev_ends_stmt;      /* that token closed an attribute list or a cpp_quote(...) */
    bool cur_ends_stmt;       /* set by the scanner action for the token being scanned */
    int attr_depth;           /* inside [ ]: nesting of ( and [ */
    bool in_quote;            /* between cpp_quote and its closing ')' */
    int quote_depth;
    SrcSpan comment_start;    /* for "unterminated comment" */
    int skip_depth;           /* inside __declspec( ) and the like, which are skipped */
    int skip_return;          /* start condition to return to after the skip */
    const char *last_text;    /* text of the last token, for syntax errors */
    /* grammar context */
    Namespace *ns;            /* current WinRT namespace, NULL at global scope */
    Namespace **ns_stack;     /* the enclosing ones, restored when a namespace body ends */
    int ns_depth, ns_cap;
    Type *generic_params;     /* TY_PARAM chain in scope while parsing a WinRT generic */
} ParseState;

/* The constructors grammar actions call (ast.c; the production each builds is written above
 * it there). */
Type *ast_lookup_type(ParseState *ps, const char *name);   /* known type or generic parameter; name interned */
Attr *attr_concat(Attr *a, Attr *b);
Expr *ast_expr(ExprKind kind, Loc loc);
Expr *ast_int(Loc loc, const char *text);
Expr *ast_float(Loc loc, const char *text);
Expr *ast_string(Loc loc, const char *raw);
Expr *ast_wstring(Loc loc, const char *raw);
Expr *ast_char(ParseState *ps, Loc loc, const char *text);
Expr *ast_name(Loc loc, const char *name);
Expr *ast_uuid(Loc loc, const char *text, bool quoted);
Expr *ast_version(Loc loc, const char *text);
Expr *ast_typed_name(ParseState *ps, Loc loc, Type *t, const char *name);
Expr *ast_unary(Loc loc, ExprOp op, Expr *operand);
Expr *ast_binary(Loc loc, ExprOp op, Expr *lhs, Expr *rhs);
Expr *ast_cond(Loc loc, Expr *cond, Expr *lhs, Expr *rhs);
Expr *ast_index(Loc loc, Expr *array, Expr *index);
Expr *ast_member(Loc loc, ExprOp op, Expr *lhs, const char *name);
Expr *ast_type_expr(ParseState *ps, Loc loc, DeclSpec *spec, Declarator *abs);
Expr *ast_type_expr_of(Loc loc, Type *t);
Expr *ast_cast(Loc loc, Expr *type, Expr *operand);
Expr *ast_sizeof(Loc loc, Expr *type);
const char *ast_dotted(const char *a, const char *b);
const char *ast_concat(const char *a, const char *b);
Attr *ast_attr(ParseState *ps, int kind, Loc loc, Expr *args);
Attr *ast_attr_unknown(ParseState *ps, const char *name, Loc loc);
Declarator *ast_dtor_name(const char *name, Loc loc);
Declarator *ast_dtor_pointer(Declarator *d, unsigned quals, Loc loc);
Declarator *ast_dtor_array(Declarator *d, Expr *lower, Expr *dim, Loc loc);
Declarator *ast_dtor_function(Declarator *d, Decl *params, Loc loc);
Declarator *ast_dtor_callconv(Declarator *d, const char *callconv);
Decl *ast_varargs(Decl *params, Loc loc);
DeclSpec ast_spec(Type *t, Loc loc);
DeclSpec ast_decl_spec(DeclSpec *spec, unsigned quals);
Type *ast_type_ref(ParseState *ps, const char *name, Loc loc);
Type *ast_signed(Type *t, int sign, ParseState *ps, Loc loc);
Type *ast_wrap_type(TypeKind kind, Loc loc, Type *elem);
Type *ast_safearray(ParseState *ps, Loc loc, DeclSpec *spec, Declarator *abs);
Type *ast_generic_instance(ParseState *ps, Loc loc, Type *generic, Expr *args);
DeclSpec ast_tag_spec(ParseState *ps, TypeKind kind, const char *name, Loc loc);
DeclSpec ast_record(ParseState *ps, TypeKind kind, const char *name, Loc loc, Decl *fields);
DeclSpec ast_encunion(ParseState *ps, const char *name, Loc loc, Decl *discrim, const char *arm_name, Decl *arms);
Decl *ast_discriminant(ParseState *ps, DeclSpec *spec, const char *name, Loc loc);
Attr *ast_case_label(Loc loc, Expr *value);
Decl *ast_enc_arm(ParseState *ps, Attr *labels, Decl *arm);
Decl *ast_fields(ParseState *ps, Attr *attrs, DeclSpec *spec, Declarator *dtors);
Decl *ast_empty_arm(ParseState *ps, Attr *attrs, Loc loc);
Decl *ast_enumerator(ParseState *ps, Attr *attrs, const char *name, Loc loc, Expr *value);
Decl *ast_param(ParseState *ps, Attr *attrs, DeclSpec *spec, Declarator *d);
Stmt *ast_declaration(ParseState *ps, Attr *attrs, DeclSpec *spec, Declarator *dtors);
Decl *ast_member_decls(ParseState *ps, Attr *attrs, DeclSpec *spec, Declarator *dtors);
Stmt *ast_typedef(ParseState *ps, Loc loc, Attr *attrs, DeclSpec *spec, Declarator *dtors);
Type *ast_interface_head(ParseState *ps, TypeKind kind, Attr *attrs, const char *name, Loc loc, Type *generic_params);
Type *ast_generic_param(Type *list, const char *name, Loc loc);
Stmt *ast_interface_fwd(ParseState *ps, Type *t, Loc loc);
Stmt *ast_interface_def(ParseState *ps, Type *t, Type *base, Decl *requires, Stmt *body);
Decl *ast_iface_ref(Decl *list, Attr *attrs, Type *t, Loc loc);
Decl *ast_disp_section(ParseState *ps, bool methods, Decl *members);
Stmt *ast_dispinterface(ParseState *ps, Type *t, Decl *members, Type *iface);
Stmt *ast_members_def(ParseState *ps, Type *t, Type *base, Decl *members);
Stmt *ast_body_def(ParseState *ps, Type *t, Stmt *body);
Type *ast_delegate_head(ParseState *ps, Attr *attrs, DeclSpec *ret, const char *name, Loc loc, Type *generic_params);
Stmt *ast_delegate(ParseState *ps, Type *t, Decl *params);
void ast_namespace_enter(ParseState *ps, const char *qname);
Stmt *ast_namespace_leave(ParseState *ps, Loc loc, Stmt *body);
Stmt *ast_declare(ParseState *ps, Loc loc, Stmt *items);
Stmt *ast_type_stmt(Loc loc, Type *t);
Stmt *ast_simple_stmt(StmtKind kind, Loc loc, const char *str);
Stmt *ast_include(ParseState *ps, Loc loc, Expr *names);
Stmt *ast_cpp_quote(ParseState *ps, Loc loc, const char *raw);
Stmt *ast_pragma(ParseState *ps, Loc loc, const char *text);
Stmt *ast_import(ParseState *ps, Loc loc, const char *raw);
Stmt *ast_acf_interface(ParseState *ps, Attr *attrs, const char *name, Loc loc, Stmt *body);
Decl *ast_acf_name(DeclKind kind, Attr *attrs, const char *name, Loc loc);
Stmt *ast_acf_typedef(ParseState *ps, Loc loc, Attr *attrs, Decl *names);
Stmt *ast_acf_operation(ParseState *ps, Attr *attrs, const char *name, Loc loc, Decl *params);

/* The scanner (grammar/idl.l).  It scans text in place: text[len] and text[len + 1] must be
 * NUL (preprocess_file's results are), and the text must stay until scanner_close. */
int scanner_open(ParseState *ps, char *text, size_t len, const char *file);
void scanner_close(ParseState *ps);
/* Decodes C escapes of a literal's contents (cpp_quote, line markers). */
char *unescape_c_string(const char *raw, size_t len);

/* Parses the tokens of ps's scanner: the bison parser (grammar/idl.y). 0 if no syntax error. */
int parse_tokens(ParseState *ps);

/* parse.c: `import "name";` while parsing ps->file: parses the file once per run and
 * returns it (NULL if it could not be found or read, after a diagnostic). */
File *parse_import(ParseState *ps, const char *name, Loc loc);

/* ===================================================================== acf.c */

/* Copies attributes from the ACF onto the matching interface, operations, parameters and
 * types, reporting names the IDL lacks. */
void acf_apply(Program *prog);

/* ===================================================================== resolve.c */

/* Binds TY_NAMED references and EXPR_NAME references, numbers operations, evaluates constant
 * expressions, builds AsyncIFoo interfaces for [async_uuid].  What it leaves in the AST:
 *  - no TY_NAMED node is reachable any more (unless an error was reported), and references to
 *    forward-declared interfaces, structs, unions and enums point at the definition;
 *  - EXPR_NAME.ref: the parameter, field, constant or enumerator named (attribute arguments,
 *    constant values, array dimensions); EXPR_MEMBER.ref: the field of s.f / p->f;
 *    [call_as(Local)]: the argument's ref is the local operation;
 *  - Decl.ival / has_ival on every integer DECL_CONST and DECL_ENUMERATOR (implicit enumerator
 *    values count on from the previous one);
 *  - Decl.opnum on every operation of an interface: its procedure number, counting the
 *    inherited ones first (IUnknown's three for object interfaces); a [call_as(Local)]
 *    operation takes Local's number (it is Local's wire form); [callback] operations have
 *    their own numbers, from 0, and the others are numbered as if they were not there;
 *  - u.iface.async_iface on each valid [async_uuid] interface: AsyncIFoo, a TY_INTERFACE with
 *    uuid = the async_uuid (other attributes copied), base IUnknown or the base's AsyncIBase,
 *    and per method M (except call_as ones) Begin_M (the [in] and [in, out] parameters, as [in])
 *    and Finish_M (the [out] and [in, out] parameters, as [out]), both returning M's type and
 *    keeping M's attributes, owner = AsyncIFoo, opnums numbered like any interface.  It is in
 *    the symbol table but in no statement list: a generator emits it after IFoo.  Its
 *    u.iface.sync_iface points back. */
void resolve_program(Program *prog);
/* Evaluates an integer constant expression; false (and diag) if it is not one. */
bool eval_int_expr(Expr *e, int64_t *out);

/* Tables keyed by pointers (nodes, or interned names): open addressing, arena-allocated. */
typedef struct PtrMap {
    const void **keys;
    void **vals;
    size_t cap, len;
} PtrMap;
void *ptrmap_get(const PtrMap *m, const void *key);      /* NULL if absent */
void ptrmap_put(PtrMap *m, const void *key, void *val);
bool ptrmap_mark(PtrMap *m, const void *key);            /* adds key; true if it was new */

/* ===================================================================== check.c */

void check_program(Program *prog);

/* ===================================================================== emit.c */

typedef struct Emitter {
    FILE *out;
    int indent;
    bool at_line_start;
    int newlines;           /* newlines ending the output so far: 2 means a blank line */
    unsigned long lines;    /* lines written, so a caller can tell whether a step wrote any */
} Emitter;

void emit_init(Emitter *e, FILE *out);
void emit(Emitter *e, const char *fmt, ...) FMT(2, 3);   /* indents at line starts */
void emit_indent(Emitter *e, int delta);
/* Text the user wrote (cpp_quote): on its own line(s), never indented. */
void emit_verbatim(Emitter *e, const char *text);
/* Ends the current line and leaves exactly one blank line, however often it is called. */
void emit_blank_line(Emitter *e);

/* ===================================================================== ctype.c */

/* C spelling of a declaration of `name` (may be NULL) with type t: "const char *name",
 * "long (*name)[4]", "HRESULT (STDMETHODCALLTYPE *name)(IFoo *This)". */
char *c_decl(Type *t, unsigned quals, const char *name);
char *c_type(Type *t, unsigned quals);              /* same without a name */
char *c_expr(Expr *e);                              /* an expression as C source */
const char *expr_op_text(ExprOp op);                 /* "+", "<<", "->", ... */

/* C_DECL_FIELD: a struct member, whose conformant outermost dimension is written [1] as MIDL
 * does (C++ has no flexible array members). */
enum { C_DECL_FIELD = 1 };
char *c_decl_flags(Type *t, unsigned quals, const char *name, int flags);
/* The two halves of a declaration: the declarator ("*const p", "(*f)(long a)", "a[4]"; may be
 * empty) and the specifier type it applies to (a base, named or aggregate type) with its
 * qualifiers.  Generators that write an aggregate's body inline use these. */
char *c_declarator(Type *t, unsigned quals, const char *name, int flags,
                   Type **spec, unsigned *spec_quals);
char *c_specifier(Type *spec, unsigned spec_quals);  /* "const struct _S", "unsigned long" */
/* The C name of a named type: "struct _S", "IFoo", "hyper", "__x_ABI_CWindows_CFoundation_CUri".
 * A typedef with represent_as(L) or user_marshal(U) is spelled L / U: the type the application
 * works with (c_plain_name gives the transmitted type's own name). */
const char *c_type_name(Type *t);
/* The bare identifier of a named type (tag, typedef or interface name; WinRT names mangled as
 * __x_ABI_C<namespace parts joined by _C>_C<name>): used to build IID_x, x_Vtbl, guards. */
const char *c_plain_name(Type *t);

/* ===================================================================== gen_header.c */

void gen_header(Program *prog, FILE *out, const char *header_name);

/* Shared with the stub generators, so that every generated file agrees with the header on
 * names and prototypes. */
bool iface_is_object(Type *iface);                  /* [object]/[odl]/derived/dispinterface/delegate */
/* Vtable name of a method: get_X / put_X / putref_X / add_X / remove_X for property and event
 * methods, else its name. */
const char *method_c_name(Decl *method);
bool op_is_async(Type *iface, Decl *op);           /* [async] on an RPC (non-object) operation */
/* [explicit_handle] (ACF) on the interface or operation and no binding handle as the first
 * parameter: the C prototype gets "handle_t IDL_handle" first, as with MIDL. */
bool op_needs_idl_handle(Type *iface, Decl *op);
/* The C function type of an RPC operation as client stub and server manager both have it:
 * [async] puts "PRPC_ASYNC_STATE <op>_AsyncHandle" first and returns void; IDL_handle as above. */
Type *op_c_function(Type *iface, Decl *op);
/* "calc_v1_0_c_ifspec" / "calc_v1_0_s_ifspec", or with -oldnames "calc_ClientIfHandle" /
 * "calc_ServerIfHandle": the header declares exactly these, the stubs define them. */
char *ifspec_name(Type *iface, bool server);
/* "calc_v1_0_epv_t": the manager entry point vector type (-oldnames adds calc_SERVER_EPV). */
char *epv_type_name(Type *iface);

/* ===================================================================== gen_desc.c
 * The stub files' NDR descriptor tables (runtime/include/asidl_ndr.h) and what the client and
 * server stub files share.  Stubs are written for the main file's RPC interfaces: defined,
 * not [object], not [local].  Building the tables reports every construct the NDR engine
 * cannot express (pipes, interface pointers, ...) as an error at its declaration.
 */

typedef enum StubSide { STUB_CLIENT, STUB_SERVER } StubSide;
typedef struct StubTables StubTables;

bool stub_interface_wanted(Type *iface);            /* stubs are written for this interface */
bool gen_stubs_needed(Program *prog);               /* the main file has such interfaces */
/* Builds the descriptors of every remote operation of those interfaces and of the types they
 * reach.  The two sides differ only where a side must not name the other's routines (the
 * server's context handles call <type>_rundown; the client binds through [implicit_handle]
 * and <type>_bind). */
StubTables *stub_tables(Program *prog, StubSide side);
int stub_interfaces(StubTables *g, Type ***ifaces);  /* in file order */
void stub_emit_tables(StubTables *g, Emitter *e);    /* every descriptor, referents first */
const char *stub_proc_name(StubTables *g, Decl *op); /* its asidl_ndr_proc, NULL if none */
/* A by-value parameter or result libffi cannot describe (a union, a type the application
 * converts): the server dispatcher calls the manager through a generated invoker instead. */
bool stub_proc_needs_invoker(StubTables *g, Decl *op);
int stub_epv_slot(StubTables *g, Decl *op);           /* index in the EPV, -1 if not in it */
/* Opens a stub file: banner, includes, format check and every descriptor; NULL (and nothing
 * written) when the run has errors. */
StubTables *stub_begin(Program *prog, StubSide side, FILE *out, Emitter *e);
/* The procedure table, the asidl_interface object and the RPC_IF_HANDLE defined from it
 * (server side: epv, invokers, epv_slots name the server's tables, or NULL). */
void stub_emit_interface(StubTables *g, Emitter *e, Type *iface, const char *epv, const char *invokers,
                         const char *epv_slots);
/* The same with every table a side may have ([callback] operations have their own tables). */
typedef struct StubIfaceTables {
    const char *epv, *invokers, *epv_slots;          /* server side */
    const char *callback_epv, *callback_invokers;    /* client side: the application's callbacks */
} StubIfaceTables;
void stub_emit_interface_tables(StubTables *g, Emitter *e, Type *iface, const StubIfaceTables *t);
/* Operations are numbered in two spaces ([MS-RPCE] 2.2.4.2): [callback] ones and the others.
 * The count of one space (highest opnum + 1), and the operation at an opnum (or NULL). */
int stub_op_count(Type *iface, bool callbacks);
Decl *stub_op_at(Type *iface, int opnum, bool callbacks);
/* The invoker of a procedure libffi cannot call: calls m-><op>(...) for `const epv_type *m`. */
void stub_emit_invoker(StubTables *g, Emitter *e, Type *iface, Decl *op, const char *epv_type);
/* The function with the header's prototype that calls an operation from this side: on the
 * client a client stub, on the server the stub of a [callback] (run on the client). */
void stub_emit_caller(StubTables *g, Emitter *e, Type *iface, Decl *op);
/* The C name of an operation's client stub or manager routine (-prefix). */
char *stub_routine_name(Decl *op, StubSide side);
/* op_c_function with every parameter named (unnamed ones are asidl_arg<i>). */
Type *stub_named_function(Type *iface, Decl *op);
const char *stub_implicit_handle(Type *iface);      /* [implicit_handle] variable name or NULL */

/* ===================================================================== gen_client.c, gen_server.c */

void gen_client(Program *prog, FILE *out, const char *file_name);   /* foo_c.c */
void gen_server(Program *prog, FILE *out, const char *file_name);   /* foo_s.c */

/* ===================================================================== gen_iid.c */

bool gen_iid_needed(Program *prog);    /* the main file defines a GUID-carrying type */
void gen_iid(Program *prog, FILE *out, const char *file_name);

#endif
