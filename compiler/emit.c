/*
 * emit.c: the one output helper every generator writes through.
 *
 * It indents at the start of each line (four spaces per level), so generators write text as if
 * it were flush left and say where blocks open and close with emit_indent().  Text the user
 * wrote (cpp_quote) bypasses indentation through emit_verbatim().
 */
#include "asidl.h"

#include <stdlib.h>
#include <string.h>

enum { INDENT_WIDTH = 4 };

void emit_init(Emitter *e, FILE *out)
{
    e->out = out;
    e->indent = 0;
    e->at_line_start = true;
}

/* Writes text, indenting every line that starts inside it; empty lines stay empty so the
 * output carries no trailing blanks. */
static void emit_text(Emitter *e, const char *s)
{
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        if (n > 0) {
            if (e->at_line_start)
                fprintf(e->out, "%*s", e->indent * INDENT_WIDTH, "");
            fwrite(s, 1, n, e->out);
            e->at_line_start = false;
        }
        if (!nl)
            break;
        fputc('\n', e->out);
        e->at_line_start = true;
        s = nl + 1;
    }
}

void emit(Emitter *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s;
    if (vasprintf(&s, fmt, ap) < 0)
        diag_fatal("out of memory");
    va_end(ap);
    emit_text(e, s);
    free(s);
}

void emit_indent(Emitter *e, int delta)
{
    e->indent += delta;
    if (e->indent < 0)
        diag_internal("emit: indentation went below zero");
}

void emit_verbatim(Emitter *e, const char *text)
{
    if (!e->at_line_start)
        fputc('\n', e->out);
    fputs(text, e->out);
    size_t n = strlen(text);
    if (n == 0 || text[n - 1] != '\n')
        fputc('\n', e->out);
    e->at_line_start = true;
}
