/*
 * asidl driver: command line, the phases in order, output files and make dependencies.
 *
 * The command line accepts MIDL's own option spellings (so a midl line from an existing makefile
 * works unchanged) and GNU-style aliases for the common ones.  Options that only tune code MIDL
 * generates for Windows (-Oicf, -env, -robust, ...) are accepted and have no effect; --help says
 * which.
 */
#include "asidl.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

Options opts;

/* ---- options ---------------------------------------------------------------------------- */

static const char usage_text[] =
    "usage: asidl [options] file.idl\n"
    "\n"
    "Output (default: foo.h, plus foo_c.c and foo_s.c for RPC interfaces and foo_i.c for object\n"
    "interfaces, in the current directory):\n"
    "  -out DIR, -o DIR, --out-dir=DIR    write the outputs into DIR\n"
    "  -header FILE, -h FILE, --header[=FILE]   name of the header\n"
    "  -cstub FILE, --client[=FILE]       name of the client stub (foo_c.c)\n"
    "  -sstub FILE, --server[=FILE]       name of the server stub (foo_s.c)\n"
    "  -iid FILE, --iid[=FILE]            name of the IID file (foo_i.c)\n"
    "  -proxy FILE, --proxy[=FILE]        name of the proxy file (foo_p.c)\n"
    "  -client none|stub, -server none|stub   leave out or write the stub\n"
    "  --header, --client, --server, --iid, --proxy given without a MIDL option: write only those\n"
    "  -oldnames                          also declare foo_ClientIfHandle / foo_ServerIfHandle\n"
    "  -use_epv                           the server stub calls through the manager EPV (always so)\n"
    "  -no_default_epv                    no default EPV: RpcServerRegisterIf must be given one\n"
    "  -prefix client|server|all STR      prefix client stub / manager routine names (repeatable pairs)\n"
    "  -syntax_check, --parse-only        check the input, write nothing\n"
    "  --dump-ast                         print the parsed syntax tree of every file and stop\n"
    "\n"
    "Input:\n"
    "  -I DIR, -D NAME[=VAL], -U NAME     passed to the C preprocessor, in order\n"
    "  -acf FILE                          the ACF (default: foo.acf beside foo.idl, or on -I)\n"
    "  -no_cpp                            do not run the preprocessor\n"
    "  -no_cache                          do not use the preprocessor output cache (see asidl(1))\n"
    "  -cpp_cmd CMD                       preprocessor command (default: cpp)\n"
    "  -cpp_opt \"OPTS\"                    extra preprocessor options\n"
    "  -no_def_idir                       do not search asidl's own import directory\n"
    "  -no_widl_compat                    do not define __WIDL__ (defined by default, see asidl(1))\n"
    "\n"
    "Diagnostics:\n"
    "  -W0 .. -W4, -no_warn               warning level (default 1), -no_warn is -W0\n"
    "  -WX                                treat warnings as errors\n"
    "\n"
    "Make dependencies (every output a target; the IDL, ACF and each imported or included file a\n"
    "prerequisite):\n"
    "  -M                                 print the rule to stdout, write no code\n"
    "  -MD                                write foo.d beside the header as well as the code\n"
    "  -MF FILE                           write the rule to FILE (implies -MD without -M)\n"
    "  -MT TARGET                         use TARGET instead of the outputs (repeatable)\n"
    "  -MP                                add a phony target for each prerequisite\n"
    "\n"
    "  -app_config                        allow ACF handle attributes in the IDL\n"
    "\n"
    "Accepted for MIDL compatibility, without effect: -ms_ext, -env ENV, -Oi, -Oic,\n"
    "  -Oicf, -Oif, -Os, -robust, -no_robust, -char MODE, -error CHECKS, -target VER, -nologo,\n"
    "  -protocol P, -osf, -pack N, -Zp N, -mktyplib203, -lcid N, -no_format_opt, -tlb FILE,\n"
    "  -dlldata FILE, -winrt, -ns_prefix, -m32, -m64, -confirm, -no_stamp\n"
    "\n"
    "  --help, --version\n";

static void usage_error(const char *fmt, const char *arg) NORETURN;
static void usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "asidl: error: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'asidl --help'.\n");
    exit(1);
}

typedef struct ArgList {
    const char **v;
    int n, cap;
} ArgList;

static void arglist_push(ArgList *l, const char *s)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 8;
        l->v = xrealloc_vec(l->v, (size_t)l->cap, (size_t)cap, sizeof *l->v);
        l->cap = cap;
    }
    l->v[l->n++] = s;
}

/* MIDL options that take a value and are accepted without effect. */
static const char *const ignored_with_value[] = {
    "-env", "-char", "-error", "-target", "-protocol", "-pack", "-Zp", "-lcid", "-tlb",
    "-dlldata", "-ns_prefix", "-robust_level", "-sal", "-header_ext", NULL,
};
static const char *const ignored_flags[] = {
    "-ms_ext", "-Oi", "-Oic", "-Oicf", "-Oif", "-Os", "-robust", "-no_robust",
    "-nologo", "-osf", "-mktyplib203", "-no_format_opt", "-winrt", "-m32", "-m64", "-confirm",
    "-no_stamp", "-c_ext", "-notlb", "-newtlb", "-oldtlb", "-stub_only", NULL,
};

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

static bool is_prefix_kind(const char *s)
{
    static const char *const kinds[] = { "client", "cstub", "server", "sstub", "switch", "all", NULL };
    return in_list(kinds, s);
}

/* Output selection: a MIDL -client/-server none turns one off; the GNU --header/--client/...
 * switches, once any is given, select exactly the outputs named. */
static bool selected_any;
static bool dump_ast;          /* --dump-ast: write the parsed AST (ast_dump) and stop */
static bool sel_header, sel_client, sel_server, sel_iid, sel_proxy;

/* "--name=VALUE" or "--name VALUE" (the latter only when the option requires a value). */
static const char *long_value(const char *arg, const char *name)
{
    size_t n = strlen(name);
    if (strncmp(arg, name, n) == 0 && arg[n] == '=')
        return arg + n + 1;
    return NULL;
}

static void parse_args(int argc, char **argv)
{
    static ArgList includes, defs, targets;
    opts.cpp_cmd = "cpp";
    opts.warning_level = 1;
    opts.widl_compat = true;
    opts.gen_header = opts.gen_client = opts.gen_server = opts.gen_iid = opts.gen_proxy = true;
    bool no_def_idir = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v;
#define NEXT() (i + 1 < argc ? argv[++i] : (usage_error("option '%s' needs a value", a), ""))
        if (a[0] != '-' || a[1] == '\0') {
            if (opts.input)
                usage_error("more than one input file ('%s')", a);
            opts.input = a;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-help") || !strcmp(a, "-?")) {
            fputs(usage_text, stdout);
            exit(0);
        } else if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
            printf("asidl %s (generated-code ABI %d)\n", ASIDL_VERSION, ASIDL_ABI_VERSION);
            exit(0);
        } else if (!strcmp(a, "-out") || !strcmp(a, "-o") || !strcmp(a, "--out-dir")) {
            opts.out_dir = NEXT();
        } else if ((v = long_value(a, "--out-dir"))) {
            opts.out_dir = v;
        } else if (!strcmp(a, "-header") || !strcmp(a, "-h")) {
            opts.header = NEXT();
        } else if (!strcmp(a, "-cstub")) {
            opts.cstub = NEXT();
        } else if (!strcmp(a, "-sstub")) {
            opts.sstub = NEXT();
        } else if (!strcmp(a, "-iid")) {
            opts.iid = NEXT();
        } else if (!strcmp(a, "-proxy")) {
            opts.proxy = NEXT();
        } else if (!strcmp(a, "--header") || (v = long_value(a, "--header"))) {
            selected_any = sel_header = true;
            if (v) opts.header = v;
        } else if (!strcmp(a, "--client") || (v = long_value(a, "--client"))) {
            selected_any = sel_client = true;
            if (v) opts.cstub = v;
        } else if (!strcmp(a, "--server") || (v = long_value(a, "--server"))) {
            selected_any = sel_server = true;
            if (v) opts.sstub = v;
        } else if (!strcmp(a, "--iid") || (v = long_value(a, "--iid"))) {
            selected_any = sel_iid = true;
            if (v) opts.iid = v;
        } else if (!strcmp(a, "--proxy") || (v = long_value(a, "--proxy"))) {
            selected_any = sel_proxy = true;
            if (v) opts.proxy = v;
        } else if (!strcmp(a, "-client") || !strcmp(a, "-server")) {
            const char *what = NEXT();
            bool on = !strcmp(what, "stub") || !strcmp(what, "all");
            if (!on && strcmp(what, "none"))
                usage_error("-client/-server take 'none' or 'stub', not '%s'", what);
            if (a[1] == 'c') opts.gen_client = on; else opts.gen_server = on;
        } else if (!strcmp(a, "-acf")) {
            opts.acf = NEXT();
        } else if (!strcmp(a, "-oldnames")) {
            opts.oldnames = true;
        } else if (!strcmp(a, "-app_config")) {
            opts.app_config = true;   /* handle attributes allowed in the IDL, as MIDL does */
        } else if (!strcmp(a, "-use_epv")) {
            opts.use_epv = true;
        } else if (!strcmp(a, "-no_default_epv")) {
            opts.no_default_epv = true;
        } else if (!strcmp(a, "-prefix")) {
            /* -prefix client|cstub|server|sstub|switch|all STR, one pair or more */
            bool any = false, client_set = false, server_set = false;
            const char *all = NULL;
            while (i + 2 < argc && is_prefix_kind(argv[i + 1])) {
                const char *kind = argv[++i], *str = argv[++i];
                if (!strcmp(kind, "client") || !strcmp(kind, "cstub"))
                    opts.prefix_client = str, client_set = true;
                else if (!strcmp(kind, "server") || !strcmp(kind, "sstub"))
                    opts.prefix_server = str, server_set = true;
                else if (!strcmp(kind, "all"))
                    all = str;
                /* "switch" names MIDL's extra header prototypes, which asidl does not write */
                any = true;
            }
            if (!any)
                usage_error("-prefix takes client, cstub, server, sstub, switch or all and a string%s", "");
            if (all && !client_set)
                opts.prefix_client = all;
            if (all && !server_set)
                opts.prefix_server = all;
        } else if (!strcmp(a, "-no_cpp") || !strcmp(a, "-nocpp")) {
            opts.no_cpp = true;
        } else if (!strcmp(a, "-no_cache")) {
            opts.no_cache = true;
        } else if (!strcmp(a, "-cpp_cmd")) {
            opts.cpp_cmd = NEXT();
        } else if (!strcmp(a, "-cpp_opt")) {
            opts.cpp_opt = NEXT();
        } else if (!strcmp(a, "-no_def_idir")) {
            no_def_idir = true;
        } else if (!strcmp(a, "-no_widl_compat")) {
            opts.widl_compat = false;
        } else if (!strcmp(a, "--dump-ast")) {
            dump_ast = true;
            opts.gen_header = opts.gen_client = opts.gen_server = opts.gen_iid = opts.gen_proxy = false;
            selected_any = true;
        } else if (!strcmp(a, "-syntax_check") || !strcmp(a, "--parse-only")) {
            opts.gen_header = opts.gen_client = opts.gen_server = opts.gen_iid = opts.gen_proxy = false;
            selected_any = true;
        } else if (a[1] == 'I') {
            arglist_push(&includes, a[2] ? a + 2 : NEXT());
        } else if (a[1] == 'D' || a[1] == 'U') {
            const char *val = a[2] ? a + 2 : NEXT();
            arglist_push(&defs, xasprintf("-%c%s", a[1], val));
        } else if (a[1] == 'W' && a[2] >= '0' && a[2] <= '4' && !a[3]) {
            opts.warning_level = a[2] - '0';
        } else if (!strcmp(a, "-WX")) {
            opts.warnings_are_errors = true;
        } else if (!strcmp(a, "-no_warn")) {
            opts.warning_level = 0;
        } else if (!strcmp(a, "-M")) {
            opts.dep_output = opts.dep_only = true;
        } else if (!strcmp(a, "-MD") || !strcmp(a, "-MMD")) {
            opts.dep_output = true;
        } else if (!strcmp(a, "-MF")) {
            opts.dep_file = NEXT();
            opts.dep_output = true;
        } else if (!strcmp(a, "-MT")) {
            arglist_push(&targets, NEXT());
        } else if (!strcmp(a, "-MP")) {
            opts.dep_phony = true;
        } else if (in_list(ignored_with_value, a)) {
            (void)NEXT();
        } else if (in_list(ignored_flags, a)) {
            /* accepted for MIDL compatibility; no effect on Linux */
        } else {
            usage_error("unknown option '%s'", a);
        }
#undef NEXT
    }
    if (!opts.input)
        usage_error("%s", "no input file");

    if (selected_any) {
        opts.gen_header &= sel_header;
        opts.gen_client &= sel_client;
        opts.gen_server &= sel_server;
        opts.gen_iid &= sel_iid;
        opts.gen_proxy &= sel_proxy;
    }
    if (!no_def_idir)
        arglist_push(&includes, NULL);   /* placeholder replaced by the default dir below */
    opts.include_dirs = includes.v;
    opts.n_include_dirs = includes.n;
    opts.cpp_defs = defs.v;
    opts.n_cpp_defs = defs.n;
    opts.dep_targets = targets.v;
    opts.n_dep_targets = targets.n;
}

/* asidl's own standard imports: <exe>/../share/asidl/idl when installed, else the source
 * tree's runtime/idl compiled in by the Makefile. */
static const char *default_idl_dir(void)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char *dir = xasprintf("%s/../share/asidl/idl", exe);
            struct stat st;
            if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
                return dir;
        }
    }
#ifdef ASIDL_IDL_DIR
    return ASIDL_IDL_DIR;
#else
    return NULL;
#endif
}

/* ---- output files ------------------------------------------------------------------------ */

static const char *base_name;   /* "calc" for dir/calc.idl */

static const char *output_path(const char *given, const char *suffix)
{
    const char *file = given ? given : xasprintf("%s%s", base_name, suffix);
    if (opts.out_dir && file[0] != '/')
        return xasprintf("%s/%s", opts.out_dir, file);
    return file;
}

/* Generated text is built in memory and written only when the whole run succeeded, so a failed
 * run never leaves a half-written or stale-but-new-looking output behind. */
typedef struct Output {
    const char *path;
    char *text;
    size_t len;
} Output;

static Output outputs[8];
static int n_outputs;

/* -out DIR is created when missing, parents included, as build systems expect. */
static void make_dirs(const char *dir)
{
    char *path = xstrdup(dir);
    for (char *p = path + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST)
                diag_fatal("cannot create directory '%s': %s", path, strerror(errno));
            *p = saved;
            if (!saved)
                break;
        }
    }
}

static void write_output(const Output *o)
{
    FILE *f = fopen(o->path, "wb");
    if (!f)
        diag_fatal("cannot write '%s': %s", o->path, strerror(errno));
    if (fwrite(o->text, 1, o->len, f) != o->len || fclose(f) != 0)
        diag_fatal("cannot write '%s': %s", o->path, strerror(errno));
}

static void generate(Program *prog, bool enabled, const char *path,
                     void (*gen)(Program *, FILE *, const char *))
{
    if (!enabled)
        return;
    Output *o = &outputs[n_outputs++];
    o->path = path;
    if (opts.dep_only)
        return;
    FILE *mem = open_memstream(&o->text, &o->len);
    if (!mem)
        diag_fatal("out of memory");
    const char *slash = strrchr(path, '/');
    gen(prog, mem, slash ? slash + 1 : path);
    fclose(mem);
}

/* ---- make dependencies -------------------------------------------------------------------- */

static void write_make_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == ' ' || *s == '#')
            fputc('\\', f);
        else if (*s == '$')
            fputc('$', f);
        fputc(*s, f);
    }
}

static void write_dependencies(FILE *f)
{
    if (opts.n_dep_targets > 0) {
        for (int i = 0; i < opts.n_dep_targets; i++) {
            if (i) fputc(' ', f);
            write_make_escaped(f, opts.dep_targets[i]);
        }
    } else {
        for (int i = 0; i < n_outputs; i++) {
            if (i) fputc(' ', f);
            write_make_escaped(f, outputs[i].path);
        }
    }
    fputc(':', f);
    int n;
    const char **deps = preprocess_dependencies(&n);
    for (int i = 0; i < n; i++) {
        fputs(" \\\n  ", f);
        write_make_escaped(f, deps[i]);
    }
    fputc('\n', f);
    if (opts.dep_phony) {
        for (int i = 1; i < n; i++) {   /* the first prerequisite is the input itself */
            fputc('\n', f);
            write_make_escaped(f, deps[i]);
            fputs(":\n", f);
        }
    }
}

/* ---- the ACF ------------------------------------------------------------------------------ */

/* MIDL looks for foo.acf beside foo.idl and then on the include path. */
static const char *find_acf(const char *idl_path)
{
    if (opts.acf) {
        if (access(opts.acf, R_OK) == 0)
            return opts.acf;
        const char *found = find_include(opts.acf, idl_path);
        if (!found)
            diag_fatal("cannot find ACF '%s'", opts.acf);
        return found;
    }
    const char *slash = strrchr(base_name, '/');
    const char *acf_name = xasprintf("%s.acf", slash ? slash + 1 : base_name);
    return find_include(acf_name, idl_path);
}

/* ---- main --------------------------------------------------------------------------------- */

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    for (int i = 0; i < opts.n_include_dirs; i++)
        if (!opts.include_dirs[i])
            opts.include_dirs[i] = default_idl_dir();
    if (opts.n_include_dirs > 0 && !opts.include_dirs[opts.n_include_dirs - 1])
        opts.n_include_dirs--;
    diag_init(opts.warning_level, opts.warnings_are_errors);

    const char *input = opts.input;
    if (access(input, R_OK) != 0)
        diag_fatal("cannot open '%s': %s", input, strerror(errno));
    const char *slash = strrchr(input, '/');
    const char *file = slash ? slash + 1 : input;
    const char *dot = strrchr(file, '.');
    base_name = dot ? xstrndup(file, (size_t)(dot - file)) : file;

    Program prog = {0};
    prog.main = parse_file(&prog, input, input, false, false);
    if (!prog.main)
        return 1;
    const char *acf = find_acf(input);
    if (acf)
        prog.acf = parse_file(&prog, acf, acf, true, false);
    if (dump_ast) {
        for (File *f = prog.files; f; f = f->next)
            ast_dump(stdout, f);
        if (prog.acf)
            ast_dump(stdout, prog.acf);
        return diag_error_count() ? 1 : 0;
    }
    /* A syntax error leaves a partial AST; checking it would only add confusing errors. */
    if (diag_error_count())
        return 1;

    acf_apply(&prog);
    resolve_program(&prog);
    check_program(&prog);
    if (diag_error_count())
        return 1;

    generate(&prog, opts.gen_header, output_path(opts.header, ".h"), gen_header);
    generate(&prog, opts.gen_iid && gen_iid_needed(&prog), output_path(opts.iid, "_i.c"), gen_iid);
    generate(&prog, opts.gen_client && gen_stubs_needed(&prog), output_path(opts.cstub, "_c.c"), gen_client);
    generate(&prog, opts.gen_server && gen_stubs_needed(&prog), output_path(opts.sstub, "_s.c"), gen_server);
    if (diag_error_count())
        return 1;

    if (opts.out_dir && !opts.dep_only)
        make_dirs(opts.out_dir);
    if (!opts.dep_only)
        for (int i = 0; i < n_outputs; i++)
            write_output(&outputs[i]);
    if (opts.dep_output) {
        if (opts.dep_only && !opts.dep_file) {
            write_dependencies(stdout);
        } else {
            const char *dep = opts.dep_file ? opts.dep_file : output_path(NULL, ".d");
            FILE *f = fopen(dep, "w");
            if (!f)
                diag_fatal("cannot write '%s': %s", dep, strerror(errno));
            write_dependencies(f);
            if (fclose(f) != 0)
                diag_fatal("cannot write '%s': %s", dep, strerror(errno));
        }
    }
    return 0;
}
