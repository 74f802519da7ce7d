/*
 * Diagnostics: "file:line:col: error: message", then the source line and a caret under the
 * offending token (cproc's prefix, chibicc's caret):
 *
 *   calc.idl:12:17: error: unknown type 'strng'
 *      12 |   long add([in] strng name);
 *         |                 ^~~~~
 *
 * Errors are counted and compilation goes on; the driver exits 1 if any were reported.
 */
#include "asidl.h"

#include <stdlib.h>
#include <string.h>

/* Past this many errors the input is probably not IDL at all; stop instead of flooding. */
enum { MAX_ERRORS = 100 };

static int error_count;
static int warning_level = 1;
static bool werror;

/* Source texts for caret lines, found by path.  Files cpp included that the driver never read
 * itself are loaded on first use. */
typedef struct Source {
    const char *path;
    const char *text;
    size_t len;
    struct Source *next;
} Source;

static Source *sources;

void diag_init(int level, bool warnings_are_errors)
{
    warning_level = level;
    werror = warnings_are_errors;
}

int diag_error_count(void)
{
    return error_count;
}

void diag_register_source(const char *path, const char *text, size_t len)
{
    Source *s = xmalloc(sizeof *s);
    s->path = intern(path);
    s->text = text;
    s->len = len;
    s->next = sources;
    sources = s;
}

static Source *find_source(const char *path)
{
    const char *key = intern(path);
    for (Source *s = sources; s; s = s->next)
        if (s->path == key)
            return s;
    size_t len = 0;
    char *text = read_whole_file(path, &len);   /* NULL: no caret line, not an error */
    diag_register_source(path, text, text ? len : 0);
    return sources;
}

/* The text of line `line` (1-based) of a registered file, without its newline. */
static bool source_line(const char *path, int line, const char **start, int *len)
{
    Source *s = find_source(path);
    if (!s->text || line < 1)
        return false;
    const char *p = s->text, *end = s->text + s->len;
    for (int n = 1; n < line; n++) {
        p = memchr(p, '\n', (size_t)(end - p));
        if (!p)
            return false;
        p++;
    }
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    *start = p;
    *len = (int)((nl ? nl : end) - p);
    if (*len > 0 && p[*len - 1] == '\r')
        (*len)--;
    return true;
}

/* Quotes the source line and underlines loc; tabs in the line are repeated in the caret line so
 * the caret lands under the token whatever the tab width. */
static void print_caret(Loc loc)
{
    const char *text;
    int len;
    if (!loc.file || loc.line < 1 || loc.col < 1 || !source_line(loc.file, loc.line, &text, &len))
        return;
    fprintf(stderr, "%5d | %.*s\n", loc.line, len, text);
    fprintf(stderr, "      | ");
    for (int i = 0; i < loc.col - 1 && i < len; i++)
        fputc(text[i] == '\t' ? '\t' : ' ', stderr);
    fputc('^', stderr);
    for (int i = 1; i < loc.len && loc.col - 1 + i < len; i++)
        fputc('~', stderr);
    fputc('\n', stderr);
}

static void report(Loc loc, const char *kind, const char *fmt, va_list ap)
{
    if (loc.file && loc.line > 0) {
        if (loc.col > 0)
            fprintf(stderr, "%s:%d:%d: %s: ", loc.file, loc.line, loc.col, kind);
        else
            fprintf(stderr, "%s:%d: %s: ", loc.file, loc.line, kind);
    } else if (loc.file) {
        fprintf(stderr, "%s: %s: ", loc.file, kind);
    } else {
        fprintf(stderr, "asidl: %s: ", kind);
    }
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    print_caret(loc);
}

static void count_error(void)
{
    if (++error_count >= MAX_ERRORS) {
        fprintf(stderr, "asidl: too many errors (%d), stopping\n", error_count);
        exit(1);
    }
}

void diag_error(Loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(loc, "error", fmt, ap);
    va_end(ap);
    count_error();
}

void diag_warning(Loc loc, WarnKind level, const char *fmt, ...)
{
    if ((int)level > warning_level)
        return;
    va_list ap;
    va_start(ap, fmt);
    report(loc, werror ? "error" : "warning", fmt, ap);
    va_end(ap);
    if (werror)
        count_error();
}

void diag_note(Loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(loc, "note", fmt, ap);
    va_end(ap);
}

void diag_fatal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "asidl: error: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

void diag_internal(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "asidl: internal compiler error: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nThis is a bug in asidl, not in your input; please report it.\n");
    va_end(ap);
    abort();
}
