/*
 * emit.c: the one output helper every generator writes through.
 *
 * It indents at the start of each line (four spaces per level), so generators write text as if
 * it were flush left and say where blocks open and close with emit_indent().  Text the user
 * wrote (cpp_quote) bypasses indentation through emit_verbatim().  It counts the newlines that
 * end the output, so separating blank lines can be asked for without ever doubling them.
 */
#include "asidl.h"

#include <stdlib.h>
#include <string.h>

enum { INDENT_WIDTH = 4 };

void emit_init(Emitter *e, FILE *out)
{
    *e = (Emitter){ .out = out, .at_line_start = true, .newlines = 2 };
}

static void put_newline(Emitter *e)
{
    fputc('\n', e->out);
    e->at_line_start = true;
    e->newlines++;
    e->lines++;
}

static void put_text(Emitter *e, const char *s, size_t n, bool indent)
{
    if (n == 0)
        return;
    if (e->at_line_start && indent)
        fprintf(e->out, "%*s", e->indent * INDENT_WIDTH, "");
    fwrite(s, 1, n, e->out);
    e->at_line_start = false;
    e->newlines = 0;
}

/* Writes text, indenting every line that starts inside it; empty lines stay empty so the
 * output carries no trailing blanks. */
static void emit_text(Emitter *e, const char *s, bool indent)
{
    for (;;) {
        const char *nl = strchr(s, '\n');
        put_text(e, s, nl ? (size_t)(nl - s) : strlen(s), indent);
        if (!nl)
            return;
        put_newline(e);
        s = nl + 1;
    }
}

void emit(Emitter *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        diag_fatal("out of memory");
    emit_text(e, s, true);
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
        put_newline(e);
    if (!*text) {
        put_newline(e);   /* cpp_quote("") is an empty line */
        return;
    }
    emit_text(e, text, false);
    if (!e->at_line_start)
        put_newline(e);
}

void emit_blank_line(Emitter *e)
{
    if (!e->at_line_start)
        put_newline(e);
    if (e->newlines < 2)
        put_newline(e);
}
