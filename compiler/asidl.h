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
char *read_whole_file(const char *path, size_t *len);   /* NULL with errno set on failure */

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
AttrKind attr_lookup(const char *name);          /* ATTR_UNKNOWN_ if not an attribute */
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
bool type_is_char(Type *t);                        /* char, byte, wchar_t, and their aliases (WCHAR, ...) */
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

/* Append helpers: keep builders O(1) per element by passing the list head's address. */
void expr_append(Expr **list, Expr *e);
void attr_append(Attr **list, Attr *a);
void decl_append(Decl **list, Decl *d);
void stmt_append(Stmt **list, Stmt *s);

/* ---- symbol table (global, shared by all files of a run) ---- */

Type *sym_type(const char *name);                  /* typedef, interface, coclass, ... or NULL */
Type *sym_tag(TypeKind kind, const char *name);    /* struct / union / enum tag or NULL */
Decl *sym_value(const char *name);                 /* const or enumerator or NULL */
Namespace *sym_namespace(Namespace *parent, const char *name);   /* creates on first use */
/* Registering returns the previous entry with that name (the caller reports redefinition). */
Type *sym_add_type(Type *t);
Type *sym_add_tag(Type *t);
Decl *sym_add_value(Decl *d);

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
    bool widl_compat;                  /* define __WIDL__ (default on; -no_widl_compat) */
    bool oldnames, use_epv, ms_ext, app_config;
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
 * its output; line markers stay in it for the scanner.  Records every file cpp read (for -M). */
char *preprocess_file(const char *path, size_t *out_len);
/* Finds name on the include path (the importing file's directory first); NULL if absent. */
const char *find_include(const char *name, const char *from_file);
/* Every file read while compiling (IDL, ACF, imports, headers cpp included), for -M output. */
const char **preprocess_dependencies(int *n);

/* ===================================================================== grammar/ (idl.y, idl.l) */

/* Parses one IDL (or, with is_acf, ACF) file: preprocesses it, builds its AST, parses each
 * import once (recursively) and links it in.  Errors are reported through diag.c; returns the
 * File even after errors (with what could be recovered) or NULL if it could not be read. */
File *parse_file(Program *prog, const char *path, const char *name, bool is_acf, bool imported);

/* ===================================================================== acf.c */

/* Copies attributes from the ACF onto the matching interface, operations, parameters and
 * types, reporting names the IDL lacks. */
void acf_apply(Program *prog);

/* ===================================================================== resolve.c */

/* Binds TY_NAMED references and EXPR_NAME references, numbers operations, evaluates constant
 * expressions, builds AsyncIFoo interfaces for [async_uuid]. */
void resolve_program(Program *prog);
/* Evaluates an integer constant expression; false (and diag) if it is not one. */
bool eval_int_expr(Expr *e, int64_t *out);

/* ===================================================================== check.c */

void check_program(Program *prog);

/* ===================================================================== emit.c */

typedef struct Emitter {
    FILE *out;
    int indent;
    bool at_line_start;
} Emitter;

void emit(Emitter *e, const char *fmt, ...) FMT(2, 3);   /* indents at line starts */
void emit_indent(Emitter *e, int delta);

/* ===================================================================== ctype.c */

/* C spelling of a declaration of `name` (may be NULL) with type t: "const char *name",
 * "long (*name)[4]", "HRESULT (STDMETHODCALLTYPE *name)(IFoo *This)". */
char *c_decl(Type *t, unsigned quals, const char *name);
char *c_type(Type *t, unsigned quals);              /* same without a name */
char *c_expr(Expr *e);                              /* an expression as C source */

/* ===================================================================== gen_header.c */

void gen_header(Program *prog, FILE *out, const char *header_name);

/* ===================================================================== gen_iid.c */

bool gen_iid_needed(Program *prog);    /* the main file defines a GUID-carrying type */
void gen_iid(Program *prog, FILE *out, const char *file_name);

#endif
