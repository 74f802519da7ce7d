/*
 * parse.c: parse_file, the glue between the preprocessor, the scanner and the parser, and the
 * handling of imports: each imported file is parsed once per run (keyed by the path it was
 * found at) and every import of it links the same File.
 *
 * Imports are parsed when the parser reads the import statement, before the rest of the
 * importing file, so the types they declare are known to the scanner (type names) from there on.
 */
#include <stdlib.h>
#include <string.h>

#include "asidl.h"

enum { MAX_IMPORT_DEPTH = 200 };

typedef struct ParsedFile {
    const char *path;
    File *file;                /* NULL: the file could not be read */
    struct ParsedFile *next;
} ParsedFile;

static ParsedFile *parsed;     /* every IDL file parsed or being parsed in this run */
static int import_depth;

static ParsedFile *find_parsed(const char *path)
{
    for (ParsedFile *p = parsed; p; p = p->next)
        if (p->path == path)
            return p;
    return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The texts files were parsed from: tokens point into them, so they live, like the arena,
 * until exit. Listed here (not in the arena, which leak checkers do not scan) so that they
 * stay reachable. */
static char **kept_texts;
static size_t n_kept_texts, cap_kept_texts;

static void keep_text(char *text)
{
    if (n_kept_texts == cap_kept_texts) {
        cap_kept_texts = cap_kept_texts ? cap_kept_texts * 2 : 16;
        kept_texts = realloc(kept_texts, cap_kept_texts * sizeof *kept_texts);
        if (!kept_texts)
            diag_fatal("out of memory");
    }
    kept_texts[n_kept_texts++] = text;
}

File *parse_file(Program *prog, const char *path, const char *name, bool is_acf, bool imported)
{
    path = intern(path);
    if (!is_acf) {
        ParsedFile *done = find_parsed(path);
        if (done)
            return done->file;      /* parsed already, or an import cycle: link what there is */
    }
    File *f = xmalloc(sizeof *f);
    f->name = name ? intern(name) : path;
    f->path = path;
    f->is_acf = is_acf;
    f->imported = imported;
    f->is_c_header = !is_acf && ends_with(path, ".h");
    ParsedFile *entry = NULL;
    if (!is_acf) {
        entry = xmalloc(sizeof *entry);
        entry->path = path;
        entry->file = f;
        entry->next = parsed;
        parsed = entry;
    }

    size_t len;
    char *text = preprocess_file(path, &len);
    if (!text) {
        if (entry)
            entry->file = NULL;
        return NULL;
    }

    keep_text(text);
    ParseState ps = { 0 };
    ps.prog = prog;
    ps.file = f;
    ps.is_acf = is_acf;
    if (scanner_open(&ps, text, len, path) != 0)
        diag_fatal("cannot start the scanner for '%s'", path);
    parse_tokens(&ps);
    scanner_close(&ps);

    if (!is_acf)
        for (File **p = &prog->files;; p = &(*p)->next)
            if (!*p) {
                *p = f;
                break;
            }
    return f;
}

File *parse_import(ParseState *ps, const char *name, Loc loc)
{
    const char *path = find_include(name, ps->file->path);
    if (!path) {
        diag_error(loc, "cannot find import '%s'", name);
        return NULL;
    }
    if (import_depth >= MAX_IMPORT_DEPTH) {
        diag_error(loc, "imports nested more than %d deep", MAX_IMPORT_DEPTH);
        return NULL;
    }
    import_depth++;
    File *f = parse_file(ps->prog, path, name, false, true);
    import_depth--;
    return f;
}
