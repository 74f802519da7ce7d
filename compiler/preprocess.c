/*
 * preprocess.c: runs the C preprocessor on each IDL, ACF and imported file, finds files on the
 * include path, and records every file read for make dependency output.
 *
 * Each file is preprocessed on its own, as MIDL does: macros defined in one IDL file do not
 * leak into the files it imports.  The command line is
 *
 *   <cpp_cmd> -x c -undef -nostdinc -D__midl=801 -D__ASIDL__=1 -D_WIN32=1 [-D__WIDL__=1]
 *             <-D/-U options in order> <-I dirs in order> <cpp_opt> FILE
 *
 *  -undef      the host's predefined macros (linux, unix, __GNUC__, __x86_64__, ...) must not
 *              change what an interface means.
 *  -nostdinc   Linux system headers are not IDL include directories; only -I directories and
 *              asidl's own import directory (the last entry of opts.include_dirs) are searched.
 *  __midl      MIDL's predefined macro (801 is MIDL 8.01).
 *  _WIN32      both MIDL (through cl.exe) and widl predefine it, and real IDL files and the C
 *              headers they import (mingw-w64's _mingw.h refuses to work without it) test it.
 *  __WIDL__    defined unless -no_widl_compat: IDL written for widl, such as mingw-w64's, hides
 *              C-only bodies and selects its WinRT pragmas behind #ifdef __WIDL__; asidl reads
 *              that IDL the way widl does.  -no_widl_compat gives the MIDL view.
 *
 * Speed: starting cpp is the main cost of a run, as every import is a process of its own.  Its
 * output is kept between runs (ppcache.c), so a file's cpp runs once until the file or anything
 * it includes changes.  When a file is needed, its output is taken from the cache or its
 * preprocessor starts at once, and the imports it names (found by reading its cached output or
 * its source, transitively) are planned the same way, in the order the parser will want them;
 * as many preprocessors run at a time as there are processors, plus one, alongside the parsing.
 * The parser then collects finished output.  Output and error streams go to anonymous memory
 * files, so a child never blocks on a full pipe.
 */
#include "asidl.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* ---- dependencies ---- */

static const char **deps;
static int n_deps, cap_deps;

static void add_dependency(const char *path)
{
    static PairMap known;
    path = intern(path);
    if (pairmap_get(&known, path, NULL))
        return;
    pairmap_put(&known, path, NULL, (void *)path);
    if (n_deps == cap_deps) {
        int cap = cap_deps ? cap_deps * 2 : 32;
        deps = xrealloc_vec(deps, (size_t)n_deps, (size_t)cap, sizeof *deps);
        cap_deps = cap;
    }
    deps[n_deps++] = path;
}

const char **preprocess_dependencies(int *n)
{
    *n = n_deps;
    return deps;
}

/* Every file cpp read, from the line markers of its output: `# 12 "dir/x.h" 1`.  Only lines
 * starting with '#' are looked at; memchr finds the next one. */
static void record_markers(const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        if (p[0] == '#' && p + 2 < eol && p[1] == ' ' && p[2] >= '0' && p[2] <= '9') {
            const char *q = memchr(p, '"', (size_t)(eol - p));
            if (q && q + 1 < eol && q[1] != '<') {
                const char *r = q + 1;
                while (r < eol && *r != '"')
                    r += (*r == '\\' && r + 1 < eol) ? 2 : 1;
                size_t n = (size_t)(r - q - 1);
                add_dependency(memchr(q + 1, '\\', n) ? unescape_c_string(q + 1, n) : intern_n(q + 1, n));
            }
        }
        if (eol == end)
            break;
        const char *next = memmem(eol, (size_t)(end - eol), "\n#", 2);
        if (!next)
            break;
        p = next + 1;
    }
}

/* ---- include path ---- */

static bool is_readable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

/* name, found from from_file's directory or on the include path, or NULL. */
static const char *search_include(const char *name, const char *from_file)
{
    if (name[0] == '/')
        return is_readable_file(name) ? name : NULL;
    if (from_file) {
        const char *slash = strrchr(from_file, '/');
        const char *candidate = slash
            ? xasprintf("%.*s/%s", (int)(slash - from_file), from_file, name)
            : name;
        if (is_readable_file(candidate))
            return intern(candidate);
    }
    for (int i = 0; i < opts.n_include_dirs; i++) {
        const char *dir = opts.include_dirs[i];
        size_t n = strlen(dir);
        const char *candidate = xasprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
        if (is_readable_file(candidate))
            return intern(candidate);
    }
    return NULL;
}

/* Each import is looked for twice (when planning and when parsing) and many files import the
 * same names: answers are remembered for the run, by name and importing file. */
const char *find_include(const char *name, const char *from_file)
{
    static PairMap found;
    static const char not_found[] = "";
    name = intern(name);
    from_file = from_file ? intern(from_file) : NULL;
    const char *path = pairmap_get(&found, name, from_file);
    if (!path) {
        path = search_include(name, from_file);
        pairmap_put(&found, name, from_file, (void *)(path ? path : not_found));
    }
    return path == not_found ? NULL : path;
}

/* ---- running cpp ---- */

/* A preprocessor run: queued (pid 0, not done), running (pid > 0) or done (status kept until
 * preprocess_file collects it). */
typedef struct CppJob {
    const char *path;
    pid_t pid;
    bool done;
    bool planned;              /* its source was scanned for imports */
    char *raw;                 /* needs no preprocessing: its source text (see needs_cpp) */
    size_t raw_len;
    const char **argv;         /* the preprocessor's command line */
    PpCacheKey *cache_key;     /* where its output is cached (NULL: it is not) */
    bool cached;               /* done: the output came from the cache */
    char *out, *msgs;          /* the cached output and messages */
    size_t out_len, msgs_len;
    int status;
    int out_fd, err_fd;
    struct CppJob *next;
} CppJob;

static CppJob *jobs;           /* in the order they are expected to be needed */
static int running_jobs, max_running;
static int unread_jobs;        /* started and not yet collected: each holds two open files */
enum { MAX_UNREAD = 32 };

typedef struct Words {
    const char **v;
    int n, cap;
} Words;

static void add_word(Words *w, const char *word)
{
    if (w->n == w->cap) {
        int cap = w->cap ? w->cap * 2 : 32;
        w->v = xrealloc_vec(w->v, (size_t)w->n, (size_t)cap, sizeof *w->v);
        w->cap = cap;
    }
    w->v[w->n++] = word;
}

static void split_words(const char *s, Words *w)
{
    while (s && *s) {
        while (*s == ' ' || *s == '\t')
            s++;
        const char *start = s;
        while (*s && *s != ' ' && *s != '\t')
            s++;
        if (s == start)
            break;
        add_word(w, xstrndup(start, (size_t)(s - start)));
    }
}

static int anonymous_file(void)
{
    int fd = memfd_create("asidl-cpp", MFD_CLOEXEC);
    if (fd < 0) {
        FILE *f = tmpfile();
        if (!f)
            diag_fatal("cannot create a temporary file for the preprocessor: %s", strerror(errno));
        fd = dup(fileno(f));
        fclose(f);
        if (fd < 0)
            diag_fatal("cannot create a temporary file for the preprocessor: %s", strerror(errno));
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    return fd;
}

static bool default_cpp(void)
{
    return (!opts.cpp_cmd || strcmp(opts.cpp_cmd, "cpp") == 0) && !(opts.cpp_opt && *opts.cpp_opt);
}

/* GCC's cpp is a driver that starts its preprocessor proper, cc1 -E, for every file.  With the
 * default command asidl asks cpp once where cc1 is and starts cc1 directly, a process fewer
 * per file (a quarter of the preprocessing time) with the same output.  Anything unexpected,
 * such as a cpp that is not GCC's, keeps the plain driver; -cpp_cmd /usr/bin/cpp does too. */
static const char *probe_cc1(void)
{
    const char *cc1 = NULL;
    int out = anonymous_file();
    const char *argv[] = { "cpp", "-print-prog-name=cc1", NULL };
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out, 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int status = -1;
    if (posix_spawnp(&pid, argv[0], &fa, NULL, (char **)argv, environ) == 0)
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    posix_spawn_file_actions_destroy(&fa);
    char path[4096];
    ssize_t n = status == 0 ? pread(out, path, sizeof path - 1, 0) : -1;
    close(out);
    if (n <= 1)
        return NULL;
    path[n] = '\0';
    path[strcspn(path, "\n")] = '\0';
    if (path[0] == '/' && access(path, X_OK) == 0)
        cc1 = xstrdup(path);
    return cc1;
}

/* The cpp that posix_spawnp would run (the first executable "cpp" on PATH) and its identity:
 * the answer to "where is cc1" holds as long as this does. */
static const char *cpp_identity(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return NULL;
    for (const char *p = path;; p++) {
        const char *colon = strchr(p, ':');
        size_t n = colon ? (size_t)(colon - p) : strlen(p);
        const char *candidate = n ? xasprintf("%.*s/cpp", (int)n, p) : "cpp";
        struct stat st;
        if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode) && access(candidate, X_OK) == 0) {
            const char *exec_prefix = getenv("GCC_EXEC_PREFIX"), *compiler_path = getenv("COMPILER_PATH");
            return xasprintf("cc1 of %s: %lld %lld.%09ld %lld.%09ld %llu %llu [%s] [%s]", candidate,
                             (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                             (long long)st.st_ctim.tv_sec, st.st_ctim.tv_nsec,
                             (unsigned long long)st.st_ino, (unsigned long long)st.st_dev,
                             exec_prefix ? exec_prefix : "", compiler_path ? compiler_path : "");
        }
        if (!colon)
            return NULL;
        p = colon;
    }
}

/* Where cc1 is: asked of cpp once, and remembered in the cache while that cpp stays the same,
 * so that a run whose outputs all come from the cache starts no process at all. */
static const char *gcc_cc1(void)
{
    static bool probed;
    static const char *cc1;
    if (probed)
        return cc1;
    probed = true;
    const char *identity = ppcache_enabled() ? cpp_identity() : NULL;
    const char *known = identity ? ppcache_recall(identity) : NULL;
    if (known && known[0] == '/' && access(known, X_OK) == 0)
        return cc1 = known;
    cc1 = probe_cc1();
    if (identity && cc1)
        ppcache_remember(identity, cc1);
    return cc1;
}

/* The preprocessor's command line for path: the same words for every file, then the file. */
static const char **cpp_argv(const char *path)
{
    static Words words;
    if (!words.n) {
        const char *cc1 = default_cpp() ? gcc_cc1() : NULL;
        if (cc1) {
            add_word(&words, cc1);
            add_word(&words, "-E");
            add_word(&words, "-quiet");
        } else {
            split_words(opts.cpp_cmd, &words);
            if (!words.n)
                add_word(&words, "cpp");
            add_word(&words, "-x");
            add_word(&words, "c");
        }
        const char *fixed[] = { "-undef", "-nostdinc", "-D__midl=801", "-D__ASIDL__=1", "-D_WIN32=1" };
        for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
            add_word(&words, fixed[i]);
        if (opts.widl_compat)
            add_word(&words, "-D__WIDL__=1");
        for (int i = 0; i < opts.n_cpp_defs; i++)
            add_word(&words, opts.cpp_defs[i]);
        for (int i = 0; i < opts.n_include_dirs; i++)
            add_word(&words, xasprintf("-I%s", opts.include_dirs[i]));
        split_words(opts.cpp_opt, &words);
    }
    const char **argv = xmalloc((size_t)(words.n + 2) * sizeof *argv);
    memcpy(argv, words.v, (size_t)words.n * sizeof *argv);
    argv[words.n] = path;
    argv[words.n + 1] = NULL;
    return argv;
}

static void start_job(CppJob *job)
{
    job->out_fd = anonymous_file();
    job->err_fd = anonymous_file();
    const char **argv = job->argv ? job->argv : cpp_argv(job->path);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, job->out_fd, 1);
    posix_spawn_file_actions_adddup2(&fa, job->err_fd, 2);
    int err = posix_spawnp(&job->pid, argv[0], &fa, NULL, (char **)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err)
        diag_fatal("cannot run the preprocessor '%s': %s (see -cpp_cmd, or -no_cpp)", argv[0], strerror(err));
    running_jobs++;
    unread_jobs++;
}

static CppJob *find_job(const char *path)
{
    for (CppJob *j = jobs; j; j = j->next)
        if (j->path == path)
            return j;
    return NULL;
}

static CppJob *add_job(const char *path, bool first)
{
    CppJob *job = xmalloc(sizeof *job);
    job->path = path;
    job->out_fd = job->err_fd = -1;
    CppJob **p = &jobs;
    if (!first)
        while (*p)
            p = &(*p)->next;
    job->next = *p;
    *p = job;
    return job;
}

static void forget_job(CppJob *job)
{
    for (CppJob **p = &jobs; *p; p = &(*p)->next) {
        if (*p == job) {
            *p = job->next;
            return;
        }
    }
}

/* Starts queued jobs, in order, while fewer than max_running are running (and a bounded
 * number of finished ones wait to be read, so a huge import tree cannot exhaust files). */
static void start_queued(void)
{
    for (CppJob *j = jobs; j && running_jobs < max_running && unread_jobs < MAX_UNREAD; j = j->next)
        if (!j->pid && !j->done)
            start_job(j);
}

/* Waits until job has finished, reaping (and replacing) whichever jobs finish meanwhile, so
 * the processors stay busy with the imports needed next. */
static void wait_for(CppJob *job)
{
    if (!job->pid && !job->done)
        start_job(job);
    while (!job->done) {
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            diag_fatal("waiting for the preprocessor: %s", strerror(errno));
        }
        for (CppJob *j = jobs; j; j = j->next) {
            if (j->pid == pid) {
                j->pid = 0;
                j->done = true;
                j->status = status;
                running_jobs--;
                break;
            }
        }
        start_queued();
    }
}

/* At exit: stop the speculative runs nobody collected (our own children, by pid). */
static void stop_jobs(void)
{
    for (CppJob *j = jobs; j; j = j->next) {
        if (j->pid > 0) {
            kill(j->pid, SIGTERM);
            waitpid(j->pid, NULL, 0);
            j->pid = 0;
        }
        /* Read ahead for a file the parser never asked for (an import under a false #if). */
        free(j->raw);
        j->raw = NULL;
    }
}

static char *read_fd(int fd, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < 0)
        diag_fatal("cannot read the preprocessor's output: %s", strerror(errno));
    size_t n = (size_t)st.st_size;
    char *buf = xmalloc(n + 2);   /* zeroed: the text ends in two NULs (see preprocess_file) */
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, buf + got, n - got, (off_t)got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            diag_fatal("cannot read the preprocessor's output: %s", r < 0 ? strerror(errno) : "short read");
        got += (size_t)r;
    }
    *len = n;
    return buf;
}

/* Passes cpp's diagnostics on through diag.c, so they count, read like ours and come out in
 * the same format: "file:line:col: error: message".  Context lines ("In file included from",
 * source quotes, carets, "compilation terminated.") are dropped. */
static int relay_diagnostics(const char *path, const char *text, size_t len)
{
    static const struct { const char *tag; int kind; } tags[] = {
        { ": fatal error: ", 0 }, { ": error: ", 0 }, { ": warning: ", 1 }, { ": note: ", 2 },
    };
    int errors = 0;
    bool shown = true;         /* whether the last error or warning was, for its notes */
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        char *line = xstrndup(p, (size_t)(eol - p));
        p = eol + 1;
        for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
            char *tag = strstr(line, tags[i].tag);
            if (!tag)
                continue;
            const char *msg = tag + strlen(tags[i].tag);
            *tag = '\0';
            /* line is now "file:line:col", "file:line" or a program name such as "cc1". */
            Loc loc = { path, 0, 0, 0 };
            char *c1 = strrchr(line, ':');
            if (c1) {
                *c1 = '\0';
                char *c2 = strrchr(line, ':');
                long a = strtol(c1 + 1, NULL, 10);
                if (c2) {
                    long b = strtol(c2 + 1, NULL, 10);
                    *c2 = '\0';
                    loc = (Loc){ intern(line), (int)b, (int)a, 0 };
                } else {
                    loc = (Loc){ intern(line), (int)a, 0, 0 };
                }
            } else if (strchr(line, '/') || strchr(line, '.')) {
                loc = (Loc){ intern(line), 0, 0, 0 };
            }
            /* cpp's warnings (mostly macro redefinitions in system headers) are level 2. */
            if (tags[i].kind == 0) {
                diag_error(loc, "%s", msg);
                errors++;
                shown = true;
            } else if (tags[i].kind == 1) {
                diag_warning(loc, WARN_SEMANTIC, "%s", msg);
                shown = opts.warning_level >= WARN_SEMANTIC;
            } else if (shown) {
                diag_note(loc, "%s", msg);
            }
            break;
        }
    }
    return errors;
}

/* ---- planning: which files will be needed, in which order ---- */

/* Calls fn for each name in the `import "a", "b";` statements that start a line of text.
 * Lines are not walked one by one: memmem finds each "import", which is then checked to
 * start its line (after blanks). */
static void scan_imports(const char *text, size_t len, const char *from, void (*fn)(const char *, int), int depth)
{
    const char *p = text, *end = text + len;
    while ((p = memmem(p, (size_t)(end - p), "import", 6))) {
        const char *line = p;
        while (line > text && (line[-1] == ' ' || line[-1] == '\t'))
            line--;
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        if ((line == text || line[-1] == '\n') && eol - p > 7 && (p[6] == ' ' || p[6] == '\t' || p[6] == '"')) {
            for (const char *q = p + 6; q < eol && *q != ';';) {
                const char *open = memchr(q, '"', (size_t)(eol - q));
                const char *close = open ? memchr(open + 1, '"', (size_t)(eol - open - 1)) : NULL;
                if (!close)
                    break;
                const char *path = find_include(intern_n(open + 1, (size_t)(close - open - 1)), from);
                if (path)
                    fn(path, depth);
                q = close + 1;
            }
            p = eol;
        } else {
            p += 6;
        }
    }
}

/* The names cpp gives a meaning with the options asidl passes it (-undef leaves only the
 * standard's), and the ones it always handles itself. */
static bool is_cpp_name(const char *name, size_t n)
{
    static const char *const names[] = {
        "__midl", "__ASIDL__", "_WIN32", "__WIDL__", "__STDC__", "__STDC_VERSION__",
        "__STDC_HOSTED__", "__STDC_UTF_16__", "__STDC_UTF_32__", "__FILE__", "__LINE__", "__DATE__",
        "__TIME__", "__TIMESTAMP__", "__COUNTER__", "__INCLUDE_LEVEL__", "__BASE_FILE__",
        "__FILE_NAME__", "_Pragma", "__VA_ARGS__", "__VA_OPT__", "__has_include",
        "__has_include_next", "__has_attribute", "__has_cpp_attribute", "__has_c_attribute",
        "__has_builtin",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == n && memcmp(names[i], name, n) == 0)
            return true;
    return false;
}

/* Whether cpp could change this text at all.  A file with no directive, no line splice and
 * no name a macro could have (is_cpp_name, the -D / -U names)
 * comes out of cpp as it went in, apart from comments, which the scanner skips itself; such a
 * file is read directly, saving a process.  With -cpp_cmd or -cpp_opt, cpp may define
 * anything, so every file goes through it. */
static bool needs_cpp(const char *text, size_t len)
{
    if (!default_cpp())
        return true;
    const char *p = text, *end = text + len;
    bool line_start = true;
    while (p < end) {
        char c = *p;
        if (c == '\n') {
            line_start = true;
            p++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            p++;
            continue;
        }
        if (line_start && c == '#')
            return true;
        line_start = false;
        if (c == '\\' && p + 1 < end && (p[1] == '\n' || p[1] == '\r'))
            return true;                            /* backslash-newline splices lines */
        if (c == '%' && p + 1 < end && p[1] == ':')
            return true;                            /* the digraph of # */
        if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            const char *start = p;
            while (p < end && (*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                               (*p >= '0' && *p <= '9')))
                p++;
            if (start[0] == '_' && is_cpp_name(start, (size_t)(p - start)))
                return true;
            for (int i = 0; i < opts.n_cpp_defs; i++) {
                const char *name = opts.cpp_defs[i] + 2;      /* "-DNAME=value", "-UNAME" */
                size_t n = strcspn(name, "=");
                if (n == (size_t)(p - start) && memcmp(name, start, n) == 0)
                    return true;
            }
            continue;
        }
        if (c >= '0' && c <= '9') {                 /* 0x__ is not a name */
            while (p < end && (*p == '_' || *p == '.' || (*p >= '0' && *p <= '9') ||
                               (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
                p++;
            continue;
        }
        p++;
    }
    return false;
}

/* A source file's text followed by two NULs, in malloc memory; NULL if it cannot be read
 * (the preprocessor, run on it, then says why). */
static char *read_source(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size >= 0 &&
        (buf = malloc((size_t)st.st_size + 2))) {
        size_t n = (size_t)st.st_size, got = 0;
        while (got < n) {
            ssize_t r = read(fd, buf + got, n - got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        buf[got] = buf[got + 1] = '\0';
        *len = got;
    }
    close(fd);
    return buf;
}

/* Queues path's preprocessing, then (depth first, so in the order the parser will want them)
 * the files its source text imports.  The source is read before preprocessing, so an import
 * inside a false #if is preprocessed for nothing; that costs time, never correctness: only
 * the outputs the parser asks for are ever used. */
static void plan(const char *path, int depth)
{
    CppJob *job = find_job(path);
    if (depth > 64 || (job && job->planned))
        return;
    if (!job)
        job = add_job(path, false);
    job->planned = true;
    size_t len;
    char *buf = read_source(path, &len);
    if (!buf)
        return;
    bool keep = false;
    if (!job->pid && !job->done) {
        if (!needs_cpp(buf, len)) {
            job->raw = buf;    /* kept for the parser, like the arena, until exit */
            job->raw_len = len;
            job->done = keep = true;
        } else {
            job->argv = cpp_argv(path);
            /* Cached only with GCC's preprocessor run directly: asidl then knows every
             * directory it searches (-nostdinc, the -I list), so an entry can be validated. */
            if (default_cpp() && gcc_cc1())
                job->cache_key = ppcache_key(job->argv, buf, len);
            if (ppcache_lookup(job->cache_key, &job->out, &job->out_len, &job->msgs, &job->msgs_len))
                job->cached = job->done = true;
        }
    }
    /* The imports the parser will ask for next: from the preprocessed text when it is known
     * (then preprocess_file need not look again), else from the source. */
    if (job->cached)
        scan_imports(job->out, job->out_len, path, plan, depth + 1);
    else
        scan_imports(buf, len, path, plan, depth + 1);
    if (!keep)
        free(buf);
}

static void plan_imports(const char *path, int depth)
{
    (void)depth;
    plan(path, 1);
}

char *preprocess_file(const char *path, size_t *out_len)
{
    path = intern(path);
    if (!is_readable_file(path)) {
        diag_error((Loc){ path, 0, 0, 0 }, "cannot read '%s': %s", path,
                   access(path, F_OK) == 0 ? "not a readable file" : strerror(ENOENT));
        return NULL;
    }
    if (opts.no_cpp) {
        add_dependency(path);
        char *text = read_whole_file(path, out_len);
        if (!text)
            diag_error((Loc){ path, 0, 0, 0 }, "cannot read '%s': %s", path, strerror(errno));
        return text;
    }
    if (!max_running) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        max_running = (int)(cpus > 0 && cpus < 64 ? cpus : 1) + 1;
        atexit(stop_jobs);
    }
    /* This file first, then (in the background) everything it will import. */
    CppJob *job = find_job(path);
    if (!job)
        job = add_job(path, true);
    plan(path, 0);
    if (!job->pid && !job->done)
        start_job(job);
    start_queued();
    if (job->raw) {
        forget_job(job);
        add_dependency(path);
        *out_len = job->raw_len;
        return job->raw;
    }
    wait_for(job);
    forget_job(job);

    size_t len, err_len;
    char *text, *err;
    if (job->cached) {
        text = job->out;
        len = job->out_len;
        err = job->msgs;
        err_len = job->msgs_len;
    } else {
        text = read_fd(job->out_fd, &len);
        err = read_fd(job->err_fd, &err_len);
        close(job->out_fd);
        close(job->err_fd);
        unread_jobs--;
        if (job->status == 0)
            ppcache_store(job->cache_key, text, len, err, err_len);
    }
    record_markers(text, len);
    int errors = relay_diagnostics(path, err, err_len);
    int status = job->status;
    if (status != 0) {
        if (errors == 0) {
            if (WIFSIGNALED(status))
                diag_error((Loc){ path, 0, 0, 0 }, "the preprocessor was killed by signal %d", WTERMSIG(status));
            else
                diag_error((Loc){ path, 0, 0, 0 }, "the preprocessor failed (exit status %d)",
                           WIFEXITED(status) ? WEXITSTATUS(status) : status);
        }
        return NULL;
    }
    /* What the preprocessed text really imports (a macro may have chosen), queued too; the
     * planner has already read cached and unpreprocessed text. */
    if (!job->cached)
        scan_imports(text, len, path, plan_imports, 0);
    start_queued();
    *out_len = len;
    return text;
}
