/*
 * acf.c: merges the attribute configuration file into the IDL.
 *
 * An ACF repeats the IDL's interface, operation, parameter and typedef names with the
 * attributes that configure how stubs are made ([async], [implicit_handle(...)],
 * [comm_status], [represent_as(...)], ...).  Each attribute is copied onto the IDL
 * declaration of the same name and marked from_acf, so later phases see one program.
 * Whether an attribute is valid in an ACF, and in that place, is check.c's business.
 *
 *   interface = attrs "interface" name "{" { operation | typedef } "}"
 *   operation = attrs name "(" [ attrs name { "," attrs name } ] ")" ";"
 *   typedef   = "typedef" attrs name ";"
 */
#include "asidl.h"

static void copy_attrs(Attr *from, Attr **to)
{
    for (Attr *a = from; a; a = a->next) {
        Attr *c = xmalloc(sizeof *c);
        *c = *a;
        c->from_acf = true;
        c->next = NULL;
        attr_append(to, c);
    }
}

/* The IDL interface an ACF interface configures: one defined in the main IDL file. */
static Type *find_interface(Stmt *list, const char *name)
{
    for (Stmt *s = list; s; s = s->next) {
        if (s->kind == STMT_NAMESPACE) {
            Type *t = find_interface(s->body, name);
            if (t)
                return t;
        }
        if (s->kind != STMT_TYPE || s->forward || !s->type || !s->type->defined)
            continue;
        Type *t = s->type;
        if ((t->kind == TY_INTERFACE || t->kind == TY_DISPINTERFACE) && t->name == name)
            return t;
        if (t->kind == TY_LIBRARY) {
            Type *inner = find_interface(t->u.iface.body, name);
            if (inner)
                return inner;
        }
    }
    return NULL;
}

static Decl *find_operation(Type *iface, const char *name)
{
    for (Stmt *s = iface->u.iface.body; s; s = s->next) {
        if (s->kind != STMT_DECL)
            continue;
        for (Decl *d = s->decls; d; d = d->next)
            if (d->kind == DECL_FUNC && d->name == name)
                return d;
    }
    return NULL;
}

static Decl *params_of(Decl *func)
{
    return func->type && func->type->kind == TY_FUNCTION ? func->type->u.fn.params : NULL;
}

static void apply_operation(Type *iface, Decl *acf_op)
{
    Decl *op = find_operation(iface, acf_op->name);
    if (!op) {
        diag_error(acf_op->loc, "the ACF configures operation '%s', which interface '%s' does not have",
                   acf_op->name, iface->name);
        return;
    }
    copy_attrs(acf_op->attrs, &op->attrs);
    for (Decl *acf_p = params_of(acf_op); acf_p; acf_p = acf_p->next) {
        if (!acf_p->name)
            continue;
        Decl *p = params_of(op);
        while (p && p->name != acf_p->name)
            p = p->next;
        if (!p) {
            diag_error(acf_p->loc, "the ACF configures parameter '%s', which operation '%s' does not have",
                       acf_p->name, op->name);
            continue;
        }
        copy_attrs(acf_p->attrs, &p->attrs);
    }
}

/* ACF typedefs name a type the IDL (or its imports) defined, by its typedef name. */
static void apply_typedef(Decl *acf_td)
{
    Type *t = acf_td->name ? sym_type(acf_td->name) : NULL;
    if (!t || t->kind != TY_ALIAS) {
        diag_error(acf_td->loc, "the ACF configures type '%s', which the IDL does not define", acf_td->name);
        return;
    }
    copy_attrs(acf_td->attrs, &t->attrs);
}

static void apply_interface(Program *prog, Type *acf_iface)
{
    Type *iface = prog->main ? find_interface(prog->main->stmts, acf_iface->name) : NULL;
    if (!iface) {
        diag_error(acf_iface->loc, "the ACF configures interface '%s', which '%s' does not define", acf_iface->name,
                   prog->main && prog->main->name ? prog->main->name : "the IDL");
        return;
    }
    copy_attrs(acf_iface->attrs, &iface->attrs);
    for (Stmt *s = acf_iface->u.iface.body; s; s = s->next) {
        for (Decl *d = s->decls; d; d = d->next) {
            if (d->kind == DECL_FUNC)
                apply_operation(iface, d);
            else if (d->kind == DECL_TYPEDEF)
                apply_typedef(d);
        }
    }
}

void acf_apply(Program *prog)
{
    if (!prog->acf)
        return;
    for (Stmt *s = prog->acf->stmts; s; s = s->next) {
        if (s->kind == STMT_TYPE && s->type && s->type->kind == TY_INTERFACE)
            apply_interface(prog, s->type);
        else if (s->kind == STMT_TYPEDEF)
            for (Decl *d = s->decls; d; d = d->next)
                apply_typedef(d);
    }
}
