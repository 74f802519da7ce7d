/*
 * The IDL and ACF grammar (one parser; the scanner's first token says which language).
 *
 * Actions stay one line and call a constructor in compiler/ast.c, which has the production it
 * builds written above it.  Every semantic value lives in the compiler's arena (util.c), which
 * is never freed, so values discarded during error recovery own nothing: no %destructor is
 * needed, and none is declared.
 *
 * Type names: the scanner returns TYPENAME for names the symbol table knows as types, IDENT
 * otherwise.  An IDENT is accepted wherever a type may stand (it becomes a TY_NAMED node that
 * resolve.c binds or reports), so an unknown type is never a syntax error.  The distinction
 * only matters in constant expressions, where `(T)x` is a cast only for a known T.
 */
%code requires {
#include "asidl.h"

/* Spans keep their file: a rule's span starts where its first symbol does. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                        \
    do {                                                                   \
        if (N) {                                                           \
            (Cur).file = YYRHSLOC(Rhs, 1).file;                            \
            (Cur).first_line = YYRHSLOC(Rhs, 1).first_line;                \
            (Cur).first_column = YYRHSLOC(Rhs, 1).first_column;            \
            (Cur).last_line = YYRHSLOC(Rhs, N).last_line;                  \
            (Cur).last_column = YYRHSLOC(Rhs, N).last_column;              \
        } else {                                                           \
            (Cur).file = YYRHSLOC(Rhs, 0).file;                            \
            (Cur).first_line = (Cur).last_line = YYRHSLOC(Rhs, 0).last_line; \
            (Cur).first_column = (Cur).last_column = YYRHSLOC(Rhs, 0).last_column; \
        }                                                                  \
    } while (0)
}

%code provides {
int yylex(YYSTYPE *lval, SrcSpan *lloc, ParseState *ps);
}

%code {
#include <string.h>

#define LOC(span) loc_of(span)
static void stmts_add(StmtList *list, Stmt *s);
static void yyerror(SrcSpan *loc, ParseState *ps, const char *msg);
}

%define api.pure full
%define api.location.type {SrcSpan}
%define parse.error custom
%locations
%param {ParseState *ps}
%expect 0

%union {
    const char *str;
    int ival;
    unsigned quals;
    Expr *expr;
    Attr *attr;
    Type *type;
    Decl *decl;
    Stmt *stmt;
    Declarator *dtor;
    DeclSpec spec;
    StmtList list;
    DeclList dlist;
    ExprList elist;
    AttrList alist;
    DtorList tlist;
}

/* Selects the language; the scanner returns one of them first. */
%token START_IDL "start of IDL" START_ACF "start of ACF"

%token <str> IDENT "identifier" TYPENAME "type name"
%token <str> INT_LIT "integer" FLOAT_LIT "number" STRING "string" WSTRING "wide string"
%token <str> CHAR_LIT "character constant" UUID_LIT "UUID"
%token <str> PRAGMA "#pragma" MIDL_PRAGMA "midl_pragma" MIDL_ECHO "#pragma midl_echo"
%token <str> CALLCONV "calling convention"
%token <str> AKW_UNKNOWN "unknown attribute"
/* Attribute names inside [ ], by the shape of their arguments (attrs.def). */
%token <ival> AKW_NONE "attribute" AKW_EXPR "attribute(expr)" AKW_EXPRS "attribute(exprs)"
%token <ival> AKW_OPT "attribute[(exprs)]" AKW_TYPE "attribute(type)" AKW_UUID "attribute(uuid)"
%token <ival> AKW_STR "attribute(string)" AKW_VER "attribute(version)" AKW_ANY "attribute(...)"

%token APICONTRACT "apicontract" BOOLEAN "boolean" BYTE "byte" CASE "case" CHAR "char"
%token COCLASS "coclass" CONST "const" CPP_QUOTE "cpp_quote" DECLARE "declare"
%token DEFAULT "default" DELEGATE "delegate" DISPINTERFACE "dispinterface" DOUBLE "double"
%token ENUM "enum" ERROR_STATUS_T "error_status_t" EXTERN "extern" FALSE "FALSE"
%token FLOAT "float" HANDLE_T "handle_t" HYPER "hyper" IMPORT "import" IMPORTLIB "importlib"
%token INCLUDE "include" INLINE "inline" INT "int" INT8 "__int8" INT16 "__int16"
%token INT32 "__int32" INT64 "__int64" INT3264 "__int3264" INT128 "__int128"
%token INTERFACE "interface" LIBRARY "library" LONG "long" METHODS "methods" MODULE "module"
%token NAMESPACE "namespace" NULL_ "NULL" PIPE "pipe" PROPERTIES "properties"
%token REGISTER "register" REQUIRES "requires" RUNTIMECLASS "runtimeclass"
%token SAFEARRAY "SAFEARRAY" SHORT "short" SIGNED "signed" SIZEOF "sizeof" SMALL "small"
%token STATIC "static" STRUCT "struct" SWITCH "switch" TRUE "TRUE" TYPEDEF "typedef"
%token UNION "union" UNSIGNED "unsigned" VOID "void" VOLATILE "volatile" WCHAR "wchar_t"
%token SHL "<<" SHR ">>" LE "<=" GE ">=" EQ "==" NE "!=" ANDAND "&&" OROR "||"
%token ARROW "->" DOTDOT ".." ELLIPSIS "..."

%type <list> stmts acf_stmts acf_items import_names declare_items
%type <stmt> stmt import_stmt typedef_stmt decl_stmt iface_stmt disp_stmt coclass_stmt
%type <stmt> library_stmt module_stmt rc_stmt delegate_stmt contract_stmt ns_stmt declare_stmt
%type <stmt> declare_item acf_stmt acf_item acf_typedef
%type <str> name string_lit qname soft_keyword any_name acf_op_name
%type <attr> attrs_opt attr_opt attr case_label
%type <alist> attrs attr_block attr_list case_labels
%type <expr> expr opt_expr any_arg type_arg
%type <elist> expr_list_e any_args type_args string_list
%type <expr> attr_type_arg cast_type array_dim_lo
%type <type> base_type int_type named_type named_head type_ref iface_head disp_head
%type <type> coclass_head library_head module_head rc_head delegate_head contract_head
%type <type> inherit_opt generic_params_opt generic_param_names
%type <decl> field requires_opt type_ref_list params param
%type <decl> enum_body enumerator enc_arm arm_body
%type <dlist> fields param_list enumerators enc_arms
%type <decl> disp_section coclass_item rc_item acf_param
%type <dlist> member_decls disp_sections coclass_items rc_items acf_params acf_names
%type <decl> discriminant
%type <dtor> declarator direct_dtor abs_dtor abs_dtor_opt direct_abs field_dtor init_dtor
%type <tlist> init_dtors declarators field_dtors
%type <spec> decl_specs type_spec struct_spec union_spec enum_spec cast_specs known_type_spec
%type <quals> spec_prefix spec_quals ptr_quals
%type <ival> array_open

%right '?' ':'
%left OROR
%left ANDAND
%left '|'
%left '^'
%left '&'
%left EQ NE
%left '<' '>' LE GE
%left SHL SHR
%left '+' '-'
%left '*' '/' '%'
%precedence UNARY
%precedence '[' '.' ARROW

%%

start
    : START_IDL stmts                     { ps->file->stmts = $2.head; }
    | START_ACF acf_stmts                 { ps->file->stmts = $2.head; }
    ;

/* ------------------------------------------------------------------ statements */

stmts
    : %empty                              { $$.head = $$.tail = NULL; }
    | stmts stmt                          { $$ = $1; stmts_add(&$$, $2); }
    ;

stmt
    : ';'                                 { $$ = NULL; }
    | import_stmt
    | IMPORTLIB '(' string_lit ')' ';'    { $$ = ast_simple_stmt(STMT_IMPORTLIB, LOC(@1), $3); }
    | INCLUDE string_list ';'             { $$ = ast_include(ps, LOC(@1), $2.head); }
    | CPP_QUOTE '(' string_lit ')'        { $$ = ast_cpp_quote(ps, LOC(@1), $3); }
    | PRAGMA                              { $$ = ast_pragma(ps, LOC(@1), $1); }
    | MIDL_ECHO                           { $$ = ast_cpp_quote(ps, LOC(@1), $1); }
    | MIDL_PRAGMA                         { $$ = ast_simple_stmt(STMT_MIDL_PRAGMA, LOC(@1), $1); }
    | typedef_stmt
    | decl_stmt
    | iface_stmt
    | disp_stmt
    | coclass_stmt
    | library_stmt
    | module_stmt
    | rc_stmt
    | delegate_stmt
    | contract_stmt
    | ns_stmt
    | declare_stmt
    | error ';'                           { $$ = NULL; }
    ;

import_stmt
    : IMPORT import_names ';'             { $$ = $2.head; }
    ;

/* Each name is imported as soon as it is read, so its types are known to the rest. */
import_names
    : STRING                              { $$ = stmt_list(ast_import(ps, LOC(@1), $1)); }
    | import_names ',' STRING             { $$ = $1; stmt_list_add(&$$, ast_import(ps, LOC(@3), $3)); }
    ;

typedef_stmt
    : attrs_opt TYPEDEF attrs_opt decl_specs declarators ';'
                                          { $$ = ast_typedef(ps, LOC(@2), attr_concat($1, $3), &$4, $5.head); }
    ;

decl_stmt
    : attrs_opt decl_specs init_dtors ';' { $$ = ast_declaration(ps, $1, &$2, $3.head); }
    | attrs_opt decl_specs ';'            { $$ = ast_declaration(ps, $1, &$2, NULL); }
    ;

/* interface I : Base { ... }, interface I;, WinRT interface I<T> : IInspectable requires A { } */
iface_stmt
    : iface_head ';'                      { $$ = ast_interface_fwd(ps, $1, LOC(@2)); }
    | iface_head inherit_opt requires_opt '{' stmts '}'
                                          { $$ = ast_interface_def(ps, $1, $2, $3, $5.head); }
    | iface_head inherit_opt requires_opt '{' stmts error '}'
                                          { $$ = ast_interface_def(ps, $1, $2, $3, $5.head); }
    ;

iface_head
    : attrs_opt INTERFACE name generic_params_opt
                                          { $$ = ast_interface_head(ps, TY_INTERFACE, $1, $3, LOC(@3), $4); }
    ;

generic_params_opt
    : %empty                              { $$ = NULL; }
    | '<' generic_param_names '>'         { $$ = $2; }
    ;

generic_param_names
    : name                                { $$ = ast_generic_param(NULL, $1, LOC(@1)); }
    | generic_param_names ',' name        { $$ = ast_generic_param($1, $3, LOC(@3)); }
    ;

inherit_opt
    : %empty                              { $$ = NULL; }
    | ':' type_ref                        { $$ = $2; }
    ;

requires_opt
    : %empty                              { $$ = NULL; }
    | REQUIRES type_ref_list              { $$ = $2; }
    ;

type_ref_list
    : type_ref                            { $$ = ast_iface_ref(NULL, NULL, $1, LOC(@1)); }
    | type_ref_list ',' type_ref          { $$ = ast_iface_ref($1, NULL, $3, LOC(@3)); }
    ;

/* dispinterface D { properties: ... methods: ... }  or  dispinterface D { interface I; } */
disp_stmt
    : disp_head ';'                       { $$ = ast_interface_fwd(ps, $1, LOC(@2)); }
    | disp_head '{' disp_sections '}'     { $$ = ast_dispinterface(ps, $1, $3.head, NULL); }
    | disp_head '{' INTERFACE type_ref ';' '}'
                                          { $$ = ast_dispinterface(ps, $1, NULL, $4); }
    ;

disp_head
    : attrs_opt DISPINTERFACE name        { $$ = ast_interface_head(ps, TY_DISPINTERFACE, $1, $3, LOC(@3), NULL); }
    ;

disp_sections
    : %empty                              { $$ = decl_list(NULL); }
    | disp_sections disp_section          { $$ = $1; decl_list_add(&$$, $2); }
    ;

disp_section
    : PROPERTIES ':' member_decls         { $$ = ast_disp_section(ps, false, $3.head); }
    | METHODS ':' member_decls            { $$ = ast_disp_section(ps, true, $3.head); }
    ;

member_decls
    : %empty                              { $$ = decl_list(NULL); }
    | member_decls attrs_opt decl_specs init_dtors ';'
                                          { $$ = $1; decl_list_add(&$$, ast_member_decls(ps, $2, &$3, $4.head)); }
    | member_decls error ';'              { $$ = $1; }
    ;

coclass_stmt
    : coclass_head ';'                    { $$ = ast_interface_fwd(ps, $1, LOC(@2)); }
    | coclass_head '{' coclass_items '}'  { $$ = ast_members_def(ps, $1, NULL, $3.head); }
    ;

coclass_head
    : attrs_opt COCLASS name              { $$ = ast_interface_head(ps, TY_COCLASS, $1, $3, LOC(@3), NULL); }
    ;

coclass_items
    : %empty                              { $$ = decl_list(NULL); }
    | coclass_items coclass_item          { $$ = $1; decl_list_add(&$$, $2); }
    ;

coclass_item
    : attrs_opt INTERFACE type_ref ';'    { $$ = ast_iface_ref(NULL, $1, $3, LOC(@3)); }
    | attrs_opt DISPINTERFACE type_ref ';'
                                          { $$ = ast_iface_ref(NULL, $1, $3, LOC(@3)); }
    | error ';'                           { $$ = NULL; }
    ;

library_stmt
    : library_head '{' stmts '}'          { $$ = ast_body_def(ps, $1, $3.head); }
    | library_head '{' stmts error '}'    { $$ = ast_body_def(ps, $1, $3.head); }
    ;

library_head
    : attrs_opt LIBRARY name              { $$ = ast_interface_head(ps, TY_LIBRARY, $1, $3, LOC(@3), NULL); }
    ;

module_stmt
    : module_head '{' stmts '}'           { $$ = ast_body_def(ps, $1, $3.head); }
    | module_head '{' stmts error '}'     { $$ = ast_body_def(ps, $1, $3.head); }
    ;

module_head
    : attrs_opt MODULE name               { $$ = ast_interface_head(ps, TY_MODULE, $1, $3, LOC(@3), NULL); }
    ;

/* WinRT runtimeclass C { [default] interface I; ... } */
rc_stmt
    : rc_head ';'                         { $$ = ast_interface_fwd(ps, $1, LOC(@2)); }
    | rc_head '{' rc_items '}'            { $$ = ast_members_def(ps, $1, NULL, $3.head); }
    | rc_head ':' type_ref '{' rc_items '}'
                                          { $$ = ast_members_def(ps, $1, $3, $5.head); }
    ;

rc_head
    : attrs_opt RUNTIMECLASS name         { $$ = ast_interface_head(ps, TY_RUNTIMECLASS, $1, $3, LOC(@3), NULL); }
    ;

rc_items
    : %empty                              { $$ = decl_list(NULL); }
    | rc_items rc_item                    { $$ = $1; decl_list_add(&$$, $2); }
    ;

rc_item
    : attrs_opt INTERFACE type_ref ';'    { $$ = ast_iface_ref(NULL, $1, $3, LOC(@3)); }
    | error ';'                           { $$ = NULL; }
    ;

/* WinRT delegate HRESULT Handler<T>([in] T arg); */
delegate_stmt
    : delegate_head '(' params ')' ';'    { $$ = ast_delegate(ps, $1, $3); }
    ;

delegate_head
    : attrs_opt DELEGATE decl_specs name generic_params_opt
                                          { $$ = ast_delegate_head(ps, $1, &$3, $4, LOC(@4), $5); }
    ;

/* WinRT apicontract C { } */
contract_stmt
    : contract_head ';'                   { $$ = ast_interface_fwd(ps, $1, LOC(@2)); }
    | contract_head '{' '}'               { $$ = ast_body_def(ps, $1, NULL); }
    ;

contract_head
    : attrs_opt APICONTRACT name          { $$ = ast_interface_head(ps, TY_APICONTRACT, $1, $3, LOC(@3), NULL); }
    ;

/* WinRT namespace A.B { ... }: the namespace is entered before its body is read. */
ns_stmt
    : NAMESPACE qname '{'                 { ast_namespace_enter(ps, $2); }
      stmts '}'                           { $$ = ast_namespace_leave(ps, LOC(@2), $5.head); }
    ;

/* WinRT declare { interface IVector<int>; } */
declare_stmt
    : DECLARE '{' declare_items '}'       { $$ = ast_declare(ps, LOC(@1), $3.head); }
    ;

declare_items
    : %empty                              { $$ = stmt_list(NULL); }
    | declare_items declare_item          { $$ = $1; stmt_list_add(&$$, $2); }
    ;

declare_item
    : INTERFACE type_ref ';'              { $$ = ast_type_stmt(LOC(@2), $2); }
    | error ';'                           { $$ = NULL; }
    ;

/* ------------------------------------------------------------------ ACF */

acf_stmts
    : %empty                              { $$.head = $$.tail = NULL; }
    | acf_stmts acf_stmt                  { $$ = $1; stmts_add(&$$, $2); }
    ;

acf_stmt
    : ';'                                 { $$ = NULL; }
    | INCLUDE string_list ';'             { $$ = ast_include(ps, LOC(@1), $2.head); }
    | IMPORT STRING ';'                   { $$ = ast_simple_stmt(STMT_IMPORT, LOC(@2), $2); }
    | CPP_QUOTE '(' string_lit ')'        { $$ = ast_cpp_quote(ps, LOC(@1), $3); }
    | PRAGMA                              { $$ = ast_pragma(ps, LOC(@1), $1); }
    | acf_typedef
    | attrs_opt INTERFACE name '{' acf_items '}'
                                          { $$ = ast_acf_interface(ps, $1, $3, LOC(@3), $5.head); }
    | attrs_opt INTERFACE name '{' acf_items error '}'
                                          { $$ = ast_acf_interface(ps, $1, $3, LOC(@3), $5.head); }
    | error ';'                           { $$ = NULL; }
    ;

acf_typedef
    : TYPEDEF attrs_opt acf_names ';'     { $$ = ast_acf_typedef(ps, LOC(@1), $2, $3.head); }
    ;

acf_names
    : name                                { $$ = decl_list(ast_acf_name(DECL_TYPEDEF, NULL, $1, LOC(@1))); }
    | acf_names ',' name                  { $$ = $1; decl_list_add(&$$, ast_acf_name(DECL_TYPEDEF, NULL, $3, LOC(@3))); }
    ;

acf_items
    : %empty                              { $$.head = $$.tail = NULL; }
    | acf_items acf_item                  { $$ = $1; stmts_add(&$$, $2); }
    ;

acf_item
    : ';'                                 { $$ = NULL; }
    | acf_typedef
    | INCLUDE string_list ';'             { $$ = ast_include(ps, LOC(@1), $2.head); }
    | CPP_QUOTE '(' string_lit ')'        { $$ = ast_cpp_quote(ps, LOC(@1), $3); }
    | attrs_opt acf_op_name '(' acf_params ')' ';'
                                          { $$ = ast_acf_operation(ps, $1, $2, LOC(@2), $4.head); }
    | error ';'                           { $$ = NULL; }
    ;

acf_op_name
    : IDENT
    | TYPENAME
    ;

acf_params
    : %empty                              { $$ = decl_list(NULL); }
    | acf_param                           { $$ = decl_list($1); }
    | acf_params ',' acf_param            { $$ = $1; decl_list_add(&$$, $3); }
    ;

acf_param
    : attrs_opt name                      { $$ = ast_acf_name(DECL_PARAM, $1, $2, LOC(@2)); }
    ;

/* ------------------------------------------------------------------ attributes */

attrs_opt
    : %empty                              { $$ = NULL; }
    | attrs                               { $$ = $1.head; }
    ;

/* [a, b] [c] : several lists in a row are one list */
attrs
    : attr_block
    | attrs attr_block                    { $$ = $1; attr_list_add(&$$, $2.head); }
    ;

attr_block
    : '[' attr_list ']'                   { $$ = $2; }
    ;

/* Empty entries are allowed, as widl allows them: [ , object, uuid(...), ] */
attr_list
    : attr_opt                            { $$ = attr_list($1); }
    | attr_list ',' attr_opt              { $$ = $1; attr_list_add(&$$, $3); }
    ;

attr_opt
    : %empty                              { $$ = NULL; }
    | attr
    ;

attr
    : AKW_NONE                            { $$ = ast_attr(ps, $1, LOC(@1), NULL); }
    | AKW_EXPR '(' expr ')'               { $$ = ast_attr(ps, $1, LOC(@1), $3); }
    | AKW_EXPRS '(' expr_list_e ')'       { $$ = ast_attr(ps, $1, LOC(@1), $3.head); }
    | AKW_OPT                             { $$ = ast_attr(ps, $1, LOC(@1), NULL); }
    | AKW_OPT '(' expr_list_e ')'         { $$ = ast_attr(ps, $1, LOC(@1), $3.head); }
    | AKW_TYPE '(' attr_type_arg ')'      { $$ = ast_attr(ps, $1, LOC(@1), $3); }
    | AKW_UUID '(' UUID_LIT ')'           { $$ = ast_attr(ps, $1, LOC(@1), ast_uuid(LOC(@3), $3, false)); }
    | AKW_UUID '(' STRING ')'             { $$ = ast_attr(ps, $1, LOC(@1), ast_uuid(LOC(@3), $3, true)); }
    | AKW_STR '(' string_list ')'         { $$ = ast_attr(ps, $1, LOC(@1), $3.head); }
    | AKW_VER '(' INT_LIT ')'             { $$ = ast_attr(ps, $1, LOC(@1), ast_version(LOC(@3), $3)); }
    | AKW_VER '(' FLOAT_LIT ')'           { $$ = ast_attr(ps, $1, LOC(@1), ast_version(LOC(@3), $3)); }
    | AKW_ANY                             { $$ = ast_attr(ps, $1, LOC(@1), NULL); }
    | AKW_ANY '(' any_args ')'            { $$ = ast_attr(ps, $1, LOC(@1), $3.head); }
    | AKW_UNKNOWN                         { $$ = ast_attr_unknown(ps, $1, LOC(@1)); }
    | AKW_UNKNOWN '(' any_args ')'        { $$ = ast_attr_unknown(ps, $1, LOC(@1)); }
    ;

/* size_is(, *pn): entries may be empty */
expr_list_e
    : opt_expr                            { $$ = expr_list($1); }
    | expr_list_e ',' opt_expr            { $$ = $1; expr_list_add(&$$, $3); }
    ;

opt_expr
    : %empty                              { $$ = ast_expr(EXPR_EMPTY, LOC(@$)); }
    | expr
    ;

attr_type_arg
    : decl_specs abs_dtor_opt             { $$ = ast_type_expr(ps, LOC(@1), &$1, $2); }
    ;

/* WinRT: contract(Windows.Foundation.UniversalApiContract, 1.0), threading(both), ... */
any_args
    : any_arg                             { $$ = expr_list($1); }
    | any_args ',' any_arg                { $$ = $1; expr_list_add(&$$, $3); }
    ;

any_arg
    : any_name                            { $$ = ast_name(LOC(@1), $1); }
    | any_name name                       { $$ = ast_typed_name(ps, LOC(@1), ast_type_ref(ps, $1, LOC(@1)), $2); }
    | base_type name                      { $$ = ast_typed_name(ps, LOC(@1), $1, $2); }
    | INT_LIT                             { $$ = ast_int(LOC(@1), $1); }
    | '-' INT_LIT                         { $$ = ast_unary(LOC(@1), OP_NEG, ast_int(LOC(@2), $2)); }
    | FLOAT_LIT                           { $$ = ast_version(LOC(@1), $1); }
    | string_lit                          { $$ = ast_string(LOC(@1), $1); }
    ;

any_name
    : IDENT
    | any_name '.' IDENT                  { $$ = ast_dotted($1, $3); }
    ;

string_list
    : string_lit                          { $$ = expr_list(ast_string(LOC(@1), $1)); }
    | string_list ',' string_lit          { $$ = $1; expr_list_add(&$$, ast_string(LOC(@3), $3)); }
    ;

string_lit
    : STRING
    | string_lit STRING                   { $$ = ast_concat($1, $2); }
    ;

/* ------------------------------------------------------------------ declarations */

decl_specs
    : spec_prefix type_spec spec_quals    { $$ = ast_decl_spec(&$2, $1 | $3); }
    ;

spec_prefix
    : %empty                              { $$ = 0; }
    | spec_prefix CONST                   { $$ = $1 | Q_CONST; }
    | spec_prefix VOLATILE                { $$ = $1 | Q_VOLATILE; }
    | spec_prefix EXTERN                  { $$ = $1 | SPEC_EXTERN; }
    | spec_prefix STATIC                  { $$ = $1 | SPEC_STATIC; }
    | spec_prefix REGISTER                { $$ = $1 | SPEC_REGISTER; }
    | spec_prefix INLINE                  { $$ = $1 | SPEC_INLINE; }
    ;

spec_quals
    : %empty                              { $$ = 0; }
    | spec_quals CONST                    { $$ = $1 | Q_CONST; }
    | spec_quals VOLATILE                 { $$ = $1 | Q_VOLATILE; }
    ;

type_spec
    : known_type_spec
    | IDENT                               { $$ = ast_spec(ast_type_ref(ps, $1, LOC(@1)), LOC(@1)); }
    | named_type                          { $$ = ast_spec($1, LOC(@1)); }
    | PIPE type_spec                      { $$ = ast_spec(ast_wrap_type(TY_PIPE, LOC(@1), $2.type), LOC(@1)); }
    ;

/* The types a cast may name: no bare unknown identifiers (they would read as expressions). */
known_type_spec
    : base_type                           { $$ = ast_spec($1, LOC(@1)); }
    | VOID                                { $$ = ast_spec(type_void(), LOC(@1)); }
    | TYPENAME                            { $$ = ast_spec(ast_type_ref(ps, $1, LOC(@1)), LOC(@1)); }
    | struct_spec
    | union_spec
    | enum_spec
    | SAFEARRAY '(' decl_specs abs_dtor_opt ')'
                                          { $$ = ast_spec(ast_safearray(ps, LOC(@1), &$3, $4), LOC(@1)); }
    ;

/* Dotted WinRT names and generic instances; plain names are IDENT / TYPENAME above. */
named_type
    : qname '.' IDENT                     { $$ = ast_type_ref(ps, ast_dotted($1, $3), LOC(@1)); }
    | qname '.' TYPENAME                  { $$ = ast_type_ref(ps, ast_dotted($1, $3), LOC(@1)); }
    | named_head '<' type_args '>'        { $$ = ast_generic_instance(ps, LOC(@1), $1, $3.head); }
    ;

named_head
    : IDENT                               { $$ = ast_type_ref(ps, $1, LOC(@1)); }
    | TYPENAME                            { $$ = ast_type_ref(ps, $1, LOC(@1)); }
    | qname '.' IDENT                     { $$ = ast_type_ref(ps, ast_dotted($1, $3), LOC(@1)); }
    | qname '.' TYPENAME                  { $$ = ast_type_ref(ps, ast_dotted($1, $3), LOC(@1)); }
    ;

qname
    : IDENT
    | TYPENAME
    | qname '.' IDENT                     { $$ = ast_dotted($1, $3); }
    | qname '.' TYPENAME                  { $$ = ast_dotted($1, $3); }
    ;

/* A type used by name where no declarator follows: base interfaces, coclass members, ... */
type_ref
    : IDENT                               { $$ = ast_type_ref(ps, $1, LOC(@1)); }
    | TYPENAME                            { $$ = ast_type_ref(ps, $1, LOC(@1)); }
    | named_type
    ;

type_args
    : type_arg                            { $$ = expr_list($1); }
    | type_args ',' type_arg              { $$ = $1; expr_list_add(&$$, $3); }
    ;

type_arg
    : decl_specs abs_dtor_opt             { $$ = ast_type_expr(ps, LOC(@1), &$1, $2); }
    ;

base_type
    : int_type
    | SIGNED int_type                     { $$ = ast_signed($2, SIGN_SIGNED, ps, LOC(@1)); }
    | UNSIGNED int_type                   { $$ = ast_signed($2, SIGN_UNSIGNED, ps, LOC(@1)); }
    | SIGNED                              { $$ = type_base(B_INT, SIGN_SIGNED); }
    | UNSIGNED                            { $$ = type_base(B_INT, SIGN_UNSIGNED); }
    | FLOAT                               { $$ = type_base(B_FLOAT, SIGN_DEFAULT); }
    | DOUBLE                              { $$ = type_base(B_DOUBLE, SIGN_DEFAULT); }
    | LONG DOUBLE                         { $$ = type_base(B_DOUBLE, SIGN_DEFAULT); }
    | BOOLEAN                             { $$ = type_base(B_BOOLEAN, SIGN_DEFAULT); }
    | BYTE                                { $$ = type_base(B_BYTE, SIGN_DEFAULT); }
    | WCHAR                               { $$ = type_base(B_WCHAR, SIGN_DEFAULT); }
    | HANDLE_T                            { $$ = type_base(B_HANDLE, SIGN_DEFAULT); }
    | ERROR_STATUS_T                      { $$ = type_base(B_ERROR_STATUS, SIGN_DEFAULT); }
    ;

int_type
    : CHAR                                { $$ = type_base(B_CHAR, SIGN_DEFAULT); }
    | SMALL                               { $$ = type_base(B_SMALL, SIGN_DEFAULT); }
    | SHORT                               { $$ = type_base(B_SHORT, SIGN_DEFAULT); }
    | SHORT INT                           { $$ = type_base(B_SHORT, SIGN_DEFAULT); }
    | INT                                 { $$ = type_base(B_INT, SIGN_DEFAULT); }
    | LONG                                { $$ = type_base(B_LONG, SIGN_DEFAULT); }
    | LONG INT                            { $$ = type_base(B_LONG, SIGN_DEFAULT); }
    | LONG LONG                           { $$ = type_base(B_INT64, SIGN_DEFAULT); }
    | LONG LONG INT                       { $$ = type_base(B_INT64, SIGN_DEFAULT); }
    | HYPER                               { $$ = type_base(B_HYPER, SIGN_DEFAULT); }
    | HYPER INT                           { $$ = type_base(B_HYPER, SIGN_DEFAULT); }
    | INT8                                { $$ = type_base(B_INT8, SIGN_DEFAULT); }
    | INT16                               { $$ = type_base(B_INT16, SIGN_DEFAULT); }
    | INT32                               { $$ = type_base(B_INT32, SIGN_DEFAULT); }
    | INT64                               { $$ = type_base(B_INT64, SIGN_DEFAULT); }
    | INT3264                             { $$ = type_base(B_INT3264, SIGN_DEFAULT); }
    | INT128                              { $$ = type_base(B_INT128, SIGN_DEFAULT); }
    ;

struct_spec
    : STRUCT name                         { $$ = ast_tag_spec(ps, TY_STRUCT, $2, LOC(@2)); }
    | STRUCT '{' fields '}'               { $$ = ast_record(ps, TY_STRUCT, NULL, LOC(@1), $3.head); }
    | STRUCT name '{' fields '}'          { $$ = ast_record(ps, TY_STRUCT, $2, LOC(@2), $4.head); }
    ;

union_spec
    : UNION name                          { $$ = ast_tag_spec(ps, TY_UNION, $2, LOC(@2)); }
    | UNION '{' fields '}'                { $$ = ast_record(ps, TY_UNION, NULL, LOC(@1), $3.head); }
    | UNION name '{' fields '}'           { $$ = ast_record(ps, TY_UNION, $2, LOC(@2), $4.head); }
    | UNION SWITCH '(' discriminant ')' '{' enc_arms '}'
                                          { $$ = ast_encunion(ps, NULL, LOC(@1), $4, NULL, $7.head); }
    | UNION SWITCH '(' discriminant ')' name '{' enc_arms '}'
                                          { $$ = ast_encunion(ps, NULL, LOC(@1), $4, $6, $8.head); }
    | UNION name SWITCH '(' discriminant ')' '{' enc_arms '}'
                                          { $$ = ast_encunion(ps, $2, LOC(@2), $5, NULL, $8.head); }
    | UNION name SWITCH '(' discriminant ')' name '{' enc_arms '}'
                                          { $$ = ast_encunion(ps, $2, LOC(@2), $5, $7, $9.head); }
    ;

discriminant
    : decl_specs name                     { $$ = ast_discriminant(ps, &$1, $2, LOC(@2)); }
    ;

enc_arms
    : %empty                              { $$ = decl_list(NULL); }
    | enc_arms enc_arm                    { $$ = $1; decl_list_add(&$$, $2); }
    ;

enc_arm
    : case_labels arm_body                { $$ = ast_enc_arm(ps, $1.head, $2); }
    | error ';'                           { $$ = NULL; }
    ;

case_labels
    : case_label                          { $$ = attr_list($1); }
    | case_labels case_label              { $$ = $1; attr_list_add(&$$, $2); }
    ;

/* Labels become the arm's [case(...)] / [default] attributes. */
case_label
    : CASE expr ':'                       { $$ = ast_case_label(LOC(@1), $2); }
    | DEFAULT ':'                         { $$ = ast_case_label(LOC(@1), NULL); }
    ;

arm_body
    : attrs_opt decl_specs declarator ';' { $$ = ast_fields(ps, $1, &$2, $3); }
    | attrs_opt ';'                       { $$ = ast_empty_arm(ps, $1, LOC(@2)); }
    ;

enum_spec
    : ENUM name                           { $$ = ast_tag_spec(ps, TY_ENUM, $2, LOC(@2)); }
    | ENUM '{' enum_body '}'              { $$ = ast_record(ps, TY_ENUM, NULL, LOC(@1), $3); }
    | ENUM name '{' enum_body '}'         { $$ = ast_record(ps, TY_ENUM, $2, LOC(@2), $4); }
    ;

enum_body
    : %empty                              { $$ = NULL; }
    | enumerators                         { $$ = $1.head; }
    | enumerators ','                     { $$ = $1.head; }
    ;

enumerators
    : enumerator                          { $$ = decl_list($1); }
    | enumerators ',' enumerator          { $$ = $1; decl_list_add(&$$, $3); }
    ;

enumerator
    : attrs_opt name                      { $$ = ast_enumerator(ps, $1, $2, LOC(@2), NULL); }
    | attrs_opt name '=' expr             { $$ = ast_enumerator(ps, $1, $2, LOC(@2), $4); }
    ;

fields
    : %empty                              { $$ = decl_list(NULL); }
    | fields field                        { $$ = $1; decl_list_add(&$$, $2); }
    ;

field
    : attrs_opt decl_specs field_dtors ';'
                                          { $$ = ast_fields(ps, $1, &$2, $3.head); }
    | attrs_opt decl_specs ';'            { $$ = ast_fields(ps, $1, &$2, NULL); }
    | attrs_opt ';'                       { $$ = ast_empty_arm(ps, $1, LOC(@2)); }
    | error ';'                           { $$ = NULL; }
    ;

field_dtors
    : field_dtor                          { $$ = dtor_list($1); }
    | field_dtors ',' field_dtor          { $$ = $1; dtor_list_add(&$$, $3); }
    ;

field_dtor
    : declarator
    | declarator ':' expr                 { $$ = $1; $$->bits = $3; }
    | ':' expr                            { $$ = ast_dtor_name(NULL, LOC(@1)); $$->bits = $2; }
    ;

init_dtors
    : init_dtor                           { $$ = dtor_list($1); }
    | init_dtors ',' init_dtor            { $$ = $1; dtor_list_add(&$$, $3); }
    ;

init_dtor
    : declarator
    | declarator '=' expr                 { $$ = $1; $$->init = $3; }
    ;

declarators
    : declarator                          { $$ = dtor_list($1); }
    | declarators ',' declarator          { $$ = $1; dtor_list_add(&$$, $3); }
    ;

declarator
    : direct_dtor
    | '*' ptr_quals declarator            { $$ = ast_dtor_pointer($3, $2, LOC(@1)); }
    | CALLCONV declarator                 { $$ = ast_dtor_callconv($2, $1); }
    ;

ptr_quals
    : %empty                              { $$ = 0; }
    | ptr_quals CONST                     { $$ = $1 | Q_CONST; }
    | ptr_quals VOLATILE                  { $$ = $1 | Q_VOLATILE; }
    ;

direct_dtor
    : name                                { $$ = ast_dtor_name($1, LOC(@1)); }
    | '(' declarator ')'                  { $$ = $2; }
    | direct_dtor array_open ']'          { $$ = ast_dtor_array($1, NULL, NULL, LOC(@2)); }
    | direct_dtor array_open '*' ']'      { $$ = ast_dtor_array($1, NULL, NULL, LOC(@2)); }
    | direct_dtor array_open expr ']'     { $$ = ast_dtor_array($1, NULL, $3, LOC(@2)); }
    | direct_dtor array_open array_dim_lo DOTDOT expr ']'
                                          { $$ = ast_dtor_array($1, $3, $5, LOC(@2)); }
    | direct_dtor '(' params ')'          { $$ = ast_dtor_function($1, $3, LOC(@2)); }
    ;

array_open
    : '['                                 { $$ = 0; }
    ;

array_dim_lo
    : expr
    ;

abs_dtor_opt
    : %empty                              { $$ = ast_dtor_name(NULL, LOC(@$)); }
    | abs_dtor
    ;

abs_dtor
    : '*' ptr_quals abs_dtor_opt          { $$ = ast_dtor_pointer($3, $2, LOC(@1)); }
    | CALLCONV abs_dtor                   { $$ = ast_dtor_callconv($2, $1); }
    | direct_abs
    ;

direct_abs
    : '(' abs_dtor ')'                    { $$ = $2; }
    | array_open ']'                      { $$ = ast_dtor_array(ast_dtor_name(NULL, LOC(@1)), NULL, NULL, LOC(@1)); }
    | array_open expr ']'                 { $$ = ast_dtor_array(ast_dtor_name(NULL, LOC(@1)), NULL, $2, LOC(@1)); }
    | direct_abs array_open ']'           { $$ = ast_dtor_array($1, NULL, NULL, LOC(@2)); }
    | direct_abs array_open expr ']'      { $$ = ast_dtor_array($1, NULL, $3, LOC(@2)); }
    | direct_abs '(' params ')'           { $$ = ast_dtor_function($1, $3, LOC(@2)); }
    ;

params
    : %empty                              { $$ = NULL; }
    | param_list                          { $$ = $1.head; }
    | param_list ',' ELLIPSIS             { $$ = ast_varargs($1.head, LOC(@3)); }
    | ELLIPSIS                            { $$ = ast_varargs(NULL, LOC(@1)); }
    ;

param_list
    : param                               { $$ = decl_list($1); }
    | param_list ',' param                { $$ = $1; decl_list_add(&$$, $3); }
    ;

param
    : attrs_opt decl_specs declarator     { $$ = ast_param(ps, $1, &$2, $3); }
    | attrs_opt decl_specs abs_dtor_opt   { $$ = ast_param(ps, $1, &$2, $3); }
    ;

/* Names of declared things: keywords that only mean something in one context (WinRT words,
 * `pipe`, dispinterface section labels) may still name parameters, fields and the like. */
name
    : IDENT
    | TYPENAME
    | soft_keyword
    ;

soft_keyword
    : NAMESPACE    { $$ = intern("namespace"); }    | RUNTIMECLASS { $$ = intern("runtimeclass"); }
    | APICONTRACT  { $$ = intern("apicontract"); }  | DELEGATE     { $$ = intern("delegate"); }
    | DECLARE      { $$ = intern("declare"); }      | REQUIRES     { $$ = intern("requires"); }
    | PIPE         { $$ = intern("pipe"); }         | PROPERTIES   { $$ = intern("properties"); }
    | METHODS      { $$ = intern("methods"); }      | MODULE       { $$ = intern("module"); }
    | LIBRARY      { $$ = intern("library"); }      | INCLUDE      { $$ = intern("include"); }
    ;

/* ------------------------------------------------------------------ expressions */

expr
    : INT_LIT                             { $$ = ast_int(LOC(@1), $1); }
    | FLOAT_LIT                           { $$ = ast_float(LOC(@1), $1); }
    | string_lit                          { $$ = ast_string(LOC(@1), $1); }
    | WSTRING                             { $$ = ast_wstring(LOC(@1), $1); }
    | CHAR_LIT                            { $$ = ast_char(ps, LOC(@1), $1); }
    | UUID_LIT                            { $$ = ast_uuid(LOC(@1), $1, false); }
    | IDENT                               { $$ = ast_name(LOC(@1), $1); }
    | TRUE                                { $$ = ast_expr(EXPR_TRUE, LOC(@1)); }
    | FALSE                               { $$ = ast_expr(EXPR_FALSE, LOC(@1)); }
    | NULL_                               { $$ = ast_expr(EXPR_NULL, LOC(@1)); }
    | '(' expr ')'                        { $$ = $2; }
    | expr '[' expr ']'                   { $$ = ast_index(LOC(@2), $1, $3); }
    | expr '.' name                       { $$ = ast_member(LOC(@2), OP_DOT, $1, $3); }
    | expr ARROW name                     { $$ = ast_member(LOC(@2), OP_ARROW, $1, $3); }
    | '-' expr %prec UNARY                { $$ = ast_unary(LOC(@1), OP_NEG, $2); }
    | '+' expr %prec UNARY                { $$ = ast_unary(LOC(@1), OP_POS, $2); }
    | '!' expr %prec UNARY                { $$ = ast_unary(LOC(@1), OP_NOT, $2); }
    | '~' expr %prec UNARY                { $$ = ast_unary(LOC(@1), OP_BITNOT, $2); }
    | '*' expr %prec UNARY                { $$ = ast_unary(LOC(@1), OP_DEREF, $2); }
    | '&' expr %prec UNARY                { $$ = ast_unary(LOC(@1), OP_ADDR, $2); }
    | '(' cast_type ')' expr %prec UNARY  { $$ = ast_cast(LOC(@1), $2, $4); }
    | SIZEOF '(' cast_type ')'            { $$ = ast_sizeof(LOC(@1), $3); }
    | SIZEOF '(' IDENT ')'                { $$ = ast_sizeof(LOC(@1), ast_type_expr_of(LOC(@3), ast_type_ref(ps, $3, LOC(@3)))); }
    | expr '*' expr                       { $$ = ast_binary(LOC(@2), OP_MUL, $1, $3); }
    | expr '/' expr                       { $$ = ast_binary(LOC(@2), OP_DIV, $1, $3); }
    | expr '%' expr                       { $$ = ast_binary(LOC(@2), OP_MOD, $1, $3); }
    | expr '+' expr                       { $$ = ast_binary(LOC(@2), OP_ADD, $1, $3); }
    | expr '-' expr                       { $$ = ast_binary(LOC(@2), OP_SUB, $1, $3); }
    | expr SHL expr                       { $$ = ast_binary(LOC(@2), OP_SHL, $1, $3); }
    | expr SHR expr                       { $$ = ast_binary(LOC(@2), OP_SHR, $1, $3); }
    | expr '<' expr                       { $$ = ast_binary(LOC(@2), OP_LT, $1, $3); }
    | expr '>' expr                       { $$ = ast_binary(LOC(@2), OP_GT, $1, $3); }
    | expr LE expr                        { $$ = ast_binary(LOC(@2), OP_LE, $1, $3); }
    | expr GE expr                        { $$ = ast_binary(LOC(@2), OP_GE, $1, $3); }
    | expr EQ expr                        { $$ = ast_binary(LOC(@2), OP_EQ, $1, $3); }
    | expr NE expr                        { $$ = ast_binary(LOC(@2), OP_NE, $1, $3); }
    | expr '&' expr                       { $$ = ast_binary(LOC(@2), OP_BITAND, $1, $3); }
    | expr '^' expr                       { $$ = ast_binary(LOC(@2), OP_BITXOR, $1, $3); }
    | expr '|' expr                       { $$ = ast_binary(LOC(@2), OP_BITOR, $1, $3); }
    | expr ANDAND expr                    { $$ = ast_binary(LOC(@2), OP_LOGAND, $1, $3); }
    | expr OROR expr                      { $$ = ast_binary(LOC(@2), OP_LOGOR, $1, $3); }
    | expr '?' expr ':' expr              { $$ = ast_cond(LOC(@2), $1, $3, $5); }
    ;

cast_type
    : cast_specs abs_dtor_opt             { $$ = ast_type_expr(ps, LOC(@1), &$1, $2); }
    ;

cast_specs
    : spec_quals known_type_spec spec_quals
                                          { $$ = ast_decl_spec(&$2, $1 | $3); }
    ;

%%

/* Bison's own errors: "memory exhausted" means the parser's stack (10000 entries) is full,
 * which only absurdly deep nesting does. */
static void yyerror(SrcSpan *loc, ParseState *ps, const char *msg)
{
    (void)ps;
    if (strcmp(msg, "memory exhausted") == 0)
        diag_error(loc_of(*loc), "nesting too deep for the parser");
    else
        diag_error(loc_of(*loc), "%s", msg);
}

static void stmts_add(StmtList *list, Stmt *s)
{
    if (!s)
        return;
    if (list->tail)
        list->tail->next = s;
    else
        list->head = s;
    list->tail = s;
    while (list->tail->next)
        list->tail = list->tail->next;
}

/* Token names in messages: descriptive names as they are, keywords and punctuation quoted. */
static const char *token_display(yysymbol_kind_t sym, char *buf, size_t size)
{
    const char *name = yysymbol_name(sym);
    switch (sym) {
    case YYSYMBOL_YYEOF:
        return "end of file";
    case YYSYMBOL_IDENT: case YYSYMBOL_TYPENAME: case YYSYMBOL_INT_LIT: case YYSYMBOL_FLOAT_LIT:
    case YYSYMBOL_STRING: case YYSYMBOL_WSTRING: case YYSYMBOL_CHAR_LIT: case YYSYMBOL_UUID_LIT:
    case YYSYMBOL_PRAGMA: case YYSYMBOL_CALLCONV: case YYSYMBOL_AKW_UNKNOWN:
    case YYSYMBOL_AKW_NONE: case YYSYMBOL_AKW_EXPR: case YYSYMBOL_AKW_EXPRS: case YYSYMBOL_AKW_OPT:
    case YYSYMBOL_AKW_TYPE: case YYSYMBOL_AKW_UUID: case YYSYMBOL_AKW_STR: case YYSYMBOL_AKW_VER:
    case YYSYMBOL_AKW_ANY:
        return name;
    default:
        break;
    }
    if (name[0] == '\'')
        return name;
    snprintf(buf, size, "'%s'", name);
    return buf;
}

static bool token_has_text(yysymbol_kind_t sym)
{
    switch (sym) {
    case YYSYMBOL_IDENT: case YYSYMBOL_TYPENAME: case YYSYMBOL_INT_LIT: case YYSYMBOL_FLOAT_LIT:
    case YYSYMBOL_CALLCONV: case YYSYMBOL_AKW_UNKNOWN: case YYSYMBOL_UUID_LIT:
    case YYSYMBOL_AKW_NONE: case YYSYMBOL_AKW_EXPR: case YYSYMBOL_AKW_EXPRS: case YYSYMBOL_AKW_OPT:
    case YYSYMBOL_AKW_TYPE: case YYSYMBOL_AKW_UUID: case YYSYMBOL_AKW_STR: case YYSYMBOL_AKW_VER:
    case YYSYMBOL_AKW_ANY:
        return true;
    default:
        return false;
    }
}

/* "syntax error, unexpected identifier 'x', expecting ';' or ','" (the expected tokens are
 * listed only when there are at most four, as bison does). */
static int yyreport_syntax_error(const yypcontext_t *ctx, ParseState *ps)
{
    enum { MAX_EXPECTED = 4 };
    yysymbol_kind_t expected[MAX_EXPECTED];
    int n = yypcontext_expected_tokens(ctx, expected, MAX_EXPECTED);
    if (n < 0)
        return n;
    yysymbol_kind_t got = yypcontext_token(ctx);
    char msg[512], buf[64];
    size_t len = (size_t)snprintf(msg, sizeof msg, "syntax error");
    if (got != YYSYMBOL_YYEMPTY) {
        const char *what = token_display(got, buf, sizeof buf);
        if (token_has_text(got) && ps->last_text)
            len += (size_t)snprintf(msg + len, sizeof msg - len, ", unexpected %s '%.60s'", what, ps->last_text);
        else
            len += (size_t)snprintf(msg + len, sizeof msg - len, ", unexpected %s", what);
    }
    for (int i = 0; i < n && len < sizeof msg; i++)
        len += (size_t)snprintf(msg + len, sizeof msg - len, "%s%s", i == 0 ? ", expecting " : " or ",
                                token_display(expected[i], buf, sizeof buf));
    diag_error(loc_of(*yypcontext_location(ctx)), "%s", msg);
    return 0;
}

int parse_tokens(ParseState *ps)
{
    return yyparse(ps);
}
