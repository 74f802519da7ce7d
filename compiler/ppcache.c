/*
 * ppcache.c: a persistent cache of the C preprocessor's output, so that a build compiling many
 * IDL files which share the standard imports runs cpp on each import once, not once per file.
 *
 * An entry is found by a key naming everything that decides what cpp writes: its exact command
 * line (the preprocessor, every option, -D/-U/-I in order, the file's path), the preprocessor
 * binary's identity (its predefined macros come with it), the working directory (relative
 * paths), the environment variables cpp reads, and the content of the file.  The entry holds
 * cpp's output and messages, and every file cpp read (from the line markers) with its size,
 * times, inode and device: it is used only while none of them changed, and while no file
 * exists that an #include would now find before the one it found (see shadowing_paths).
 *
 * Entries are written to a temporary file and renamed into place, so concurrent runs (make -j)
 * see whole entries or none.  Each carries its full key and ends in a checksum: an entry that
 * does not check out is ignored, and rewritten after cpp has run.  The total size is bounded
 * (ASIDL_CACHE_SIZE, default 256M); the least recently used entries go first.
 *
 * Never cached: a failed run, and output that depends on more than the files read: __DATE__,
 * __TIME__ and __TIMESTAMP__ (the clock), __has_include (whether a file exists), or any file
 * changed in the last seconds, whose times may not yet tell its versions apart.
 *
 * Location: $ASIDL_CACHE_DIR, else $XDG_CACHE_HOME/asidl, else ~/.cache/asidl.  Off with
 * ASIDL_CACHE=0 or -no_cache.  Any failure to read or write the cache just means cpp runs.
 */
#include "asidl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Bumped when the entry format or the key changes meaning. */
#define ENTRY_MAGIC "ASIDLPP1"
enum { MAGIC_LEN = 8 };

/* A file changed this recently may change again within the same timestamp. */
enum { RECENT_S = 2 };     /* seconds */

/* An entry not used for this long has its time refreshed when used, for least-recently-used
 * trimming, at most one extra system call per entry and hour. */
enum { REFRESH_AFTER_S = 3600 };

/* ---- hashing ---- */

/* A 128-bit hash for keys and checksums: not cryptographic; the key material itself is stored
 * in the entry and compared, so a collision can only cost a miss. */
typedef struct Hash128 {
    uint64_t a, b;
} Hash128;

static uint64_t rotl64(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static uint64_t avalanche(uint64_t x)
{
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ull;
    x ^= x >> 27;
    x *= 0x81dadef4bc2dd44dull;
    x ^= x >> 33;
    return x;
}

static Hash128 hash128(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t a = 0x243f6a8885a308d3ull ^ len, b = 0x13198a2e03707344ull + len;
    for (; len >= 16; p += 16, len -= 16) {
        uint64_t w1, w2;
        memcpy(&w1, p, 8);
        memcpy(&w2, p + 8, 8);
        a = rotl64((a ^ w1) * 0x9e3779b97f4a7c15ull, 29) + b;
        b = rotl64((b ^ w2) * 0xc2b2ae3d27d4eb4full, 31) + a;
    }
    unsigned char tail[16] = { 0 };
    memcpy(tail, p, len);
    tail[15] = (unsigned char)(0x80 | len);
    uint64_t w1, w2;
    memcpy(&w1, tail, 8);
    memcpy(&w2, tail + 8, 8);
    a = rotl64((a ^ w1) * 0x9e3779b97f4a7c15ull, 29) + b;
    b = rotl64((b ^ w2) * 0xc2b2ae3d27d4eb4full, 31) + a;
    return (Hash128){ avalanche(a ^ rotl64(b, 17)), avalanche(b + rotl64(a, 41)) };
}

/* ---- growable byte buffers, for key material and entries ---- */

typedef struct Buf {
    char *p;
    size_t len, cap;
} Buf;

static void buf_add(Buf *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            diag_fatal("out of memory (cache entry of %zu bytes)", cap);
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void buf_u64(Buf *b, uint64_t v)
{
    buf_add(b, &v, sizeof v);
}

static void buf_bytes(Buf *b, const void *data, size_t n)
{
    buf_u64(b, n);
    buf_add(b, data, n);
}

static void buf_str(Buf *b, const char *s)
{
    buf_bytes(b, s, strlen(s));
}

/* Reading an entry: every read is bounds-checked; a short or malformed entry sets ok false. */
typedef struct Cursor {
    const char *p, *end;
    bool ok;
} Cursor;

static uint64_t get_u64(Cursor *c)
{
    uint64_t v = 0;
    if (c->ok && (size_t)(c->end - c->p) >= sizeof v) {
        memcpy(&v, c->p, sizeof v);
        c->p += sizeof v;
    } else {
        c->ok = false;
    }
    return v;
}

static const char *get_bytes(Cursor *c, size_t *n)
{
    uint64_t len = get_u64(c);
    if (!c->ok || len > (uint64_t)(c->end - c->p)) {
        c->ok = false;
        *n = 0;
        return NULL;
    }
    const char *s = c->p;
    c->p += len;
    *n = (size_t)len;
    return s;
}

/* ---- tracing: ASIDL_CACHE_TRACE=1 says on stderr what the cache did with each file ---- */

static bool tracing;

static void trace(const PpCacheKey *key, const char *what, const char *detail);

/* ---- where the cache lives, and whether it is used ---- */

static int cache_state;        /* 0 not decided, 1 on, -1 off */
static const char *cache_dir;

/* Environment variables that change what GCC's preprocessor writes: part of the key. */
static const char *const keyed_env[] = {
    "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "GCC_EXEC_PREFIX", "COMPILER_PATH",
    "SOURCE_DATE_EPOCH",
};
/* ... and ones that add include directories asidl does not know of, or make cpp write files
 * itself: with any of them set, nothing is cached. */
static const char *const uncacheable_env[] = {
    "CPATH", "C_INCLUDE_PATH", "DEPENDENCIES_OUTPUT", "SUNPRO_DEPENDENCIES",
};

static bool make_dirs(const char *dir)
{
    struct stat st;
    if (stat(dir, &st) == 0)
        return S_ISDIR(st.st_mode) && access(dir, R_OK | W_OK | X_OK) == 0;
    char *path = xstrdup(dir);
    for (char *p = path + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST)
                return false;
            *p = saved;
            if (!saved)
                break;
        }
    }
    return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && access(dir, R_OK | W_OK | X_OK) == 0;
}

bool ppcache_enabled(void)
{
    if (cache_state)
        return cache_state > 0;
    cache_state = -1;
    const char *t = getenv("ASIDL_CACHE_TRACE");
    tracing = t && *t && strcmp(t, "0") != 0;
    const char *env = getenv("ASIDL_CACHE");
    if (opts.no_cache || (env && strcmp(env, "0") == 0))
        return false;
    for (size_t i = 0; i < sizeof uncacheable_env / sizeof uncacheable_env[0]; i++) {
        const char *v = getenv(uncacheable_env[i]);
        if (v && *v)
            return false;
    }
    const char *dir = getenv("ASIDL_CACHE_DIR"), *base;
    if (dir && *dir)
        dir = xstrdup(dir);
    else if ((base = getenv("XDG_CACHE_HOME")) && base[0] == '/')
        dir = xasprintf("%s/asidl", base);
    else if ((base = getenv("HOME")) && *base)
        dir = xasprintf("%s/.cache/asidl", base);
    else
        return false;
    if (!make_dirs(dir))
        return false;
    cache_dir = dir;
    cache_state = 1;
    return true;
}

/* ---- keys ---- */

struct PpCacheKey {
    char *material;            /* everything the output depends on, as stored in the entry */
    size_t material_len;
    char name[40];             /* "pp-" and 32 hex digits of the material's hash */
    const char *const *argv;   /* the command: its -I directories, its input (the last word) */
    struct timespec made;      /* files changed after this (minus RECENT_S) are too new */
};

/* What tells two versions of a file apart: size, modification and change times, inode, device. */
enum { IDENTITY_WORDS = 7 };

static void identity_of(const struct stat *st, uint64_t id[IDENTITY_WORDS])
{
    id[0] = (uint64_t)st->st_size;
    id[1] = (uint64_t)st->st_mtim.tv_sec;
    id[2] = (uint64_t)st->st_mtim.tv_nsec;
    id[3] = (uint64_t)st->st_ctim.tv_sec;
    id[4] = (uint64_t)st->st_ctim.tv_nsec;
    id[5] = (uint64_t)st->st_ino;
    id[6] = (uint64_t)st->st_dev;
}

static void add_identity(Buf *b, const struct stat *st)
{
    uint64_t id[IDENTITY_WORDS];
    identity_of(st, id);
    buf_add(b, id, sizeof id);
}

/* The part of every key that is the same for the whole run: the working directory and the
 * environment variables cpp reads. */
static const Buf *run_context(void)
{
    static Buf b;
    if (!b.len) {
        char cwd[4096];
        buf_str(&b, getcwd(cwd, sizeof cwd) ? cwd : "");
        for (size_t i = 0; i < sizeof keyed_env / sizeof keyed_env[0]; i++) {
            const char *v = getenv(keyed_env[i]);
            buf_str(&b, keyed_env[i]);
            buf_u64(&b, v != NULL);
            buf_str(&b, v ? v : "");
        }
    }
    return &b;
}

/* The identity of the preprocessor program (its predefined macros come with it); false if it
 * cannot be examined.  Every key of a run names the same program: looked at once. */
static bool program_identity(const char *path, uint64_t id[IDENTITY_WORDS])
{
    static const char *known;
    static uint64_t known_id[IDENTITY_WORDS];
    if (!known || strcmp(known, path) != 0) {
        struct stat st;
        if (path[0] != '/' || stat(path, &st) != 0)
            return false;
        identity_of(&st, known_id);
        known = xstrdup(path);
    }
    memcpy(id, known_id, sizeof known_id);
    return true;
}

PpCacheKey *ppcache_key(const char *const *argv, const char *src, size_t src_len)
{
    uint64_t program[IDENTITY_WORDS];
    if (!ppcache_enabled() || !program_identity(argv[0], program))
        return NULL;
    PpCacheKey *key = xmalloc(sizeof *key);
    clock_gettime(CLOCK_REALTIME_COARSE, &key->made);
    Buf b = { 0 };
    buf_add(&b, ENTRY_MAGIC, MAGIC_LEN);
    buf_str(&b, ASIDL_VERSION);
    buf_add(&b, program, sizeof program);
    for (int i = 0; argv[i]; i++)
        buf_str(&b, argv[i]);
    buf_u64(&b, 0xffffffffffffffffull);   /* end of the command */
    const Buf *context = run_context();
    buf_add(&b, context->p, context->len);
    Hash128 content = hash128(src, src_len);
    buf_u64(&b, src_len);
    buf_u64(&b, content.a);
    buf_u64(&b, content.b);
    Hash128 h = hash128(b.p, b.len);
    snprintf(key->name, sizeof key->name, "pp-%016llx%016llx", (unsigned long long)h.a,
             (unsigned long long)h.b);
    key->material = xmalloc(b.len);
    memcpy(key->material, b.p, b.len);
    key->material_len = b.len;
    free(b.p);
    key->argv = argv;
    return key;
}

static const char *key_input(const PpCacheKey *key)
{
    const char *input = key->argv[0];
    for (int i = 0; key->argv[i]; i++)
        input = key->argv[i];
    return input;
}

static void trace(const PpCacheKey *key, const char *what, const char *detail)
{
    if (tracing)
        fprintf(stderr, "asidl: cache: %s: %s%s%s\n", key_input(key), what, detail ? ": " : "",
                detail ? detail : "");
}

/* ---- entries ----
 *
 *   key material (starting with the magic)     bytes
 *   files cpp read                            count, then each: path bytes, identity (7 x u64)
 *   files that must not exist                  count, then each: path bytes
 *   cpp's messages                             bytes
 *   cpp's output                               bytes
 *   checksum of all the above                  2 x u64
 *
 * Integers are u64 in the host's byte order (a cache is not shared between machines; one from
 * another byte order fails its key comparison).  "bytes" is a u64 length and the bytes.
 */

static bool identity_matches(Cursor *c, const struct stat *st)
{
    uint64_t id[IDENTITY_WORDS];
    identity_of(st, id);
    if (!c->ok || (size_t)(c->end - c->p) < sizeof id || memcmp(c->p, id, sizeof id) != 0)
        return false;
    c->p += sizeof id;
    return true;
}

static const char *entry_path(const char *name)
{
    return xasprintf("%s/%s", cache_dir, name);
}

static size_t size_limit(void);

/* Reads the whole file into arena memory with two spare bytes at the end. */
static char *read_entry_file(const char *path, size_t *len, struct stat *st)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char *buf = NULL;
    /* No entry is larger than the cache may be: anything else is not one of ours. */
    if (fstat(fd, st) == 0 && S_ISREG(st->st_mode) && st->st_size > 0 && (uint64_t)st->st_size <= size_limit()) {
        size_t n = (size_t)st->st_size, got = 0;
        buf = xmalloc(n + 2);
        while (got < n) {
            ssize_t r = read(fd, buf + got, n - got);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                break;
            got += (size_t)r;
        }
        if (got != n)
            buf = NULL;
        *len = n;
    }
    if (buf && st->st_mtime + REFRESH_AFTER_S < time(NULL))
        futimens(fd, NULL);    /* used now: trimmed last */
    close(fd);
    return buf;
}

static const char *check_entry(const PpCacheKey *key, char **out, size_t *out_len, char **msgs, size_t *msgs_len)
{
    size_t len;
    struct stat est;
    char *buf = read_entry_file(entry_path(key->name), &len, &est);
    if (!buf)
        return "no entry";
    if (len < key->material_len + 2 * sizeof(uint64_t))
        return "entry truncated";
    /* Whole and uncorrupted: the checksum covers everything before it. */
    Hash128 sum = hash128(buf, len - 16);
    uint64_t a, b;
    memcpy(&a, buf + len - 16, 8);
    memcpy(&b, buf + len - 8, 8);
    if (a != sum.a || b != sum.b)
        return "entry damaged (checksum)";
    Cursor c = { buf, buf + len - 16, true };
    size_t n;
    const char *material = get_bytes(&c, &n);
    if (!c.ok || n != key->material_len || memcmp(material, key->material, n) != 0)
        return "entry for another key";
    /* Every file cpp read is as it was. */
    uint64_t n_files = get_u64(&c);
    for (uint64_t i = 0; c.ok && i < n_files; i++) {
        const char *path = get_bytes(&c, &n);
        struct stat st;
        if (!c.ok)
            break;
        if (stat(xstrndup(path, n), &st) != 0 || !identity_matches(&c, &st))
            return xasprintf("%.*s changed", (int)n, path);
    }
    /* No file has appeared that an #include would find first. */
    uint64_t n_absent = get_u64(&c);
    for (uint64_t i = 0; c.ok && i < n_absent; i++) {
        const char *path = get_bytes(&c, &n);
        struct stat st;
        if (!c.ok)
            break;
        if (stat(xstrndup(path, n), &st) == 0)
            return xasprintf("%.*s appeared", (int)n, path);
    }
    const char *m = get_bytes(&c, msgs_len);
    const char *o = get_bytes(&c, out_len);
    if (!c.ok || c.p != c.end)
        return "entry malformed";
    *msgs = (char *)m;
    *out = (char *)o;
    /* The output is followed by the checksum, already checked: two NULs end the text there. */
    (*out)[*out_len] = '\0';
    (*out)[*out_len + 1] = '\0';
    return NULL;
}

bool ppcache_lookup(const PpCacheKey *key, char **out, size_t *out_len, char **msgs, size_t *msgs_len)
{
    if (!key)
        return false;
    const char *miss = check_entry(key, out, out_len, msgs, msgs_len);
    trace(key, miss ? "miss" : "hit", miss);
    return !miss;
}

/* ---- storing ---- */

static bool too_recent(const struct stat *st, const struct timespec *made)
{
    time_t limit = made->tv_sec - RECENT_S;
    return st->st_mtim.tv_sec >= limit || st->st_ctim.tv_sec >= limit;
}

/* Whether a file's text uses what makes output depend on more than the files read. */
static bool uses_volatile_macros(const char *path)
{
    static const char *const words[] = { "__DATE__", "__TIME__", "__TIMESTAMP__", "__has_include" };
    FILE *f = fopen(path, "rb");
    if (!f)
        return true;
    Buf text = { 0 };
    char chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&text, chunk, got);
    bool found = ferror(f) != 0;
    fclose(f);
    for (size_t i = 0; !found && i < sizeof words / sizeof words[0]; i++)
        found = text.len && memmem(text.p, text.len, words[i], strlen(words[i]));
    free(text.p);
    return found;
}

typedef struct PathList {
    const char **v;
    int n, cap;
} PathList;

static bool path_list_has(const PathList *l, const char *path)
{
    for (int i = 0; i < l->n; i++)
        if (l->v[i] == path)
            return true;
    return false;
}

static void path_list_add(PathList *l, const char *path)
{
    path = intern(path);
    if (path_list_has(l, path))
        return;
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 16;
        l->v = xrealloc_vec(l->v, (size_t)l->n, (size_t)cap, sizeof *l->v);
        l->cap = cap;
    }
    l->v[l->n++] = path;
}

static void add_if_absent(PathList *absent, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        path_list_add(absent, path);
}

static const char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? xstrndup(path, (size_t)(slash - path)) : "";
}

/* The files whose appearance would change what `#include`, having found `path` while reading
 * `includer`, finds: for each -I directory D that path lies in (path is "D/rel"), rel in every
 * directory searched before D, the includer's own directory first (a quoted include).  A
 * candidate that exists now was not searched (an angle include skips the includer's directory,
 * #include_next the directories before its own), so it is left out.  A superset is harmless:
 * it can only cost a miss. */
static void shadowing_paths(const PpCacheKey *key, const char *path, const char *includer, PathList *absent)
{
    const char *dirs[256];
    int n_dirs = 0;
    for (int i = 0; key->argv[i] && n_dirs < 256; i++) {
        const char *a = key->argv[i];
        if (a[0] == '-' && a[1] == 'I' && a[2]) {
            size_t n = strlen(a + 2);
            while (n > 1 && a[2 + n - 1] == '/')
                n--;
            dirs[n_dirs++] = xstrndup(a + 2, n);
        }
    }
    const char *own = dir_of(includer);
    for (int k = 0; k < n_dirs; k++) {
        size_t n = strlen(dirs[k]);
        if (strncmp(path, dirs[k], n) != 0 || path[n] != '/')
            continue;
        const char *rel = path + n + 1;
        const char *first = *own ? xasprintf("%s/%s", own, rel) : rel;
        if (strcmp(first, path) != 0)
            add_if_absent(absent, first);
        for (int j = 0; j < k; j++)
            add_if_absent(absent, xasprintf("%s/%s", dirs[j], rel));
    }
}

/* The files cpp read, from the line markers of its output: `# 1 "x.h" 1` enters x.h (flag 1),
 * `# 12 "y.idl" 2` returns to y.idl.  Markers without flags (#line) name no file read.
 * Returns false if the output cannot be cached. */
static bool files_read(const PpCacheKey *key, const char *text, size_t len, PathList *files, PathList *absent)
{
    const char *input = key_input(key);
    path_list_add(files, input);
    const char *stack[200];
    int depth = 0;
    stack[0] = intern(input);
    const char *p = text, *end = text + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        if (p[0] == '#' && p + 2 < eol && p[1] == ' ' && p[2] >= '0' && p[2] <= '9') {
            const char *q = memchr(p, '"', (size_t)(eol - p));
            const char *r = q ? q + 1 : eol;
            while (r < eol && *r != '"')
                r += (*r == '\\' && r + 1 < eol) ? 2 : 1;
            if (q && r < eol && q[1] != '<') {
                const char *name = intern(unescape_c_string(q + 1, (size_t)(r - q - 1)));
                const char *flags = r + 1;
                while (flags < eol && *flags == ' ')
                    flags++;
                if (flags < eol && *flags == '1') {
                    if (depth + 1 >= (int)(sizeof stack / sizeof stack[0]))
                        return false;
                    if (!path_list_has(files, name))
                        shadowing_paths(key, name, stack[depth], absent);
                    path_list_add(files, name);
                    stack[++depth] = name;
                } else if (flags < eol && *flags == '2') {
                    while (depth > 0 && stack[depth] != name)
                        depth--;
                }
            }
        }
        p = eol + 1;
    }
    return true;
}

static void trim(size_t added);

void ppcache_store(const PpCacheKey *key, const char *out, size_t out_len, const char *msgs, size_t msgs_len)
{
    if (!key)
        return;
    PathList files = { 0 }, absent = { 0 };
    if (!files_read(key, out, out_len, &files, &absent)) {
        trace(key, "not stored", "includes nested too deep");
        return;
    }
    Buf b = { 0 };
    buf_bytes(&b, key->material, key->material_len);
    buf_u64(&b, (uint64_t)files.n);
    for (int i = 0; i < files.n; i++) {
        struct stat st;
        const char *why = stat(files.v[i], &st) != 0 ? "cannot be examined"
                        : too_recent(&st, &key->made) ? "changed too recently"
                        : uses_volatile_macros(files.v[i]) ? "uses __DATE__, __TIME__, __TIMESTAMP__ or __has_include"
                        : NULL;
        if (why) {
            trace(key, "not stored", xasprintf("%s %s", files.v[i], why));
            free(b.p);
            return;
        }
        buf_str(&b, files.v[i]);
        add_identity(&b, &st);
    }
    buf_u64(&b, (uint64_t)absent.n);
    for (int i = 0; i < absent.n; i++)
        buf_str(&b, absent.v[i]);
    buf_bytes(&b, msgs, msgs_len);
    buf_bytes(&b, out, out_len);
    Hash128 sum = hash128(b.p, b.len);
    buf_u64(&b, sum.a);
    buf_u64(&b, sum.b);

    /* Written whole under a private name, then renamed into place: readers see all or none. */
    static unsigned serial;
    const char *tmp = xasprintf("%s/tmp-%ld-%u", cache_dir, (long)getpid(), serial++);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
        size_t done = 0;
        while (done < b.len) {
            ssize_t w = write(fd, b.p + done, b.len - done);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break;
            done += (size_t)w;
        }
        if (close(fd) == 0 && done == b.len && rename(tmp, entry_path(key->name)) == 0) {
            trace(key, "stored", NULL);
            trim(b.len);
        } else {
            trace(key, "not stored", strerror(errno));
            unlink(tmp);
        }
    } else {
        trace(key, "not stored", strerror(errno));
    }
    free(b.p);
}

/* ---- small remembered facts (such as where cc1 is) ---- */

static const char *note_path(const char *what)
{
    Hash128 h = hash128(what, strlen(what));
    return entry_path(xasprintf("note-%016llx%016llx", (unsigned long long)h.a, (unsigned long long)h.b));
}

/* A note is "what\0value\0" and its checksum. */
const char *ppcache_recall(const char *what)
{
    if (!ppcache_enabled())
        return NULL;
    size_t len;
    struct stat st;
    char *buf = read_entry_file(note_path(what), &len, &st);
    size_t wn = strlen(what);
    if (!buf || len < wn + 2 + 16)
        return NULL;
    Hash128 sum = hash128(buf, len - 16);
    uint64_t a, b;
    memcpy(&a, buf + len - 16, 8);
    memcpy(&b, buf + len - 8, 8);
    if (a != sum.a || b != sum.b || memcmp(buf, what, wn + 1) != 0 || buf[len - 17] != '\0')
        return NULL;
    return buf + wn + 1;
}

void ppcache_remember(const char *what, const char *value)
{
    if (!ppcache_enabled())
        return;
    Buf b = { 0 };
    buf_add(&b, what, strlen(what) + 1);
    buf_add(&b, value, strlen(value) + 1);
    Hash128 sum = hash128(b.p, b.len);
    buf_u64(&b, sum.a);
    buf_u64(&b, sum.b);
    const char *tmp = xasprintf("%s/tmp-%ld-note", cache_dir, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd >= 0) {
        bool ok = write(fd, b.p, b.len) == (ssize_t)b.len;
        if (close(fd) != 0 || !ok || rename(tmp, note_path(what)) != 0)
            unlink(tmp);
    }
    free(b.p);
}

/* ---- keeping the size bounded ---- */

typedef struct CacheFile {
    const char *name;
    off_t size;
    struct timespec used;
} CacheFile;

static int older_first(const void *x, const void *y)
{
    const CacheFile *a = x, *b = y;
    if (a->used.tv_sec != b->used.tv_sec)
        return a->used.tv_sec < b->used.tv_sec ? -1 : 1;
    if (a->used.tv_nsec != b->used.tv_nsec)
        return a->used.tv_nsec < b->used.tv_nsec ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* ASIDL_CACHE_SIZE: bytes, or with a K, M or G suffix; 256M if unset or not a size. */
static size_t size_limit(void)
{
    static size_t limit;
    if (limit)
        return limit;
    limit = (size_t)256 << 20;
    const char *s = getenv("ASIDL_CACHE_SIZE");
    if (!s || *s < '0' || *s > '9')
        return limit;
    char *end;
    unsigned long long n = strtoull(s, &end, 10);
    int shift = 0;
    switch (*end) {
    case 'k': case 'K': shift = 10; end++; break;
    case 'm': case 'M': shift = 20; end++; break;
    case 'g': case 'G': shift = 30; end++; break;
    }
    if (!*end && n > 0 && n <= (SIZE_MAX >> shift))
        limit = (size_t)(n << shift);
    return limit;
}

/* Sums the cache's size (once per run; later stores add to the sum) and, above the limit,
 * removes the least recently used files until it is a quarter under.  Temporary files a
 * crashed run left behind go when an hour old.  Concurrent runs may trim at once: a file
 * already gone is simply skipped. */
static void trim(size_t added)
{
    static bool counted;
    static size_t total;
    size_t limit = size_limit();
    total += added;
    if (counted && total <= limit)
        return;
    DIR *d = opendir(cache_dir);
    if (!d)
        return;
    CacheFile *files = NULL;
    size_t n = 0, cap = 0;
    total = 0;
    time_t now = time(NULL);
    struct dirent *de;
    while ((de = readdir(d))) {
        bool tmp = strncmp(de->d_name, "tmp-", 4) == 0;
        if (!tmp && strncmp(de->d_name, "pp-", 3) != 0 && strncmp(de->d_name, "note-", 5) != 0)
            continue;
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (tmp) {
            if (st.st_mtime + 3600 < now)
                unlinkat(dirfd(d), de->d_name, 0);
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            CacheFile *bigger = realloc(files, cap * sizeof *files);
            if (!bigger)
                break;
            files = bigger;
        }
        files[n++] = (CacheFile){ xstrdup(de->d_name), st.st_size, st.st_mtim };
        total += (size_t)st.st_size;
    }
    counted = true;
    if (total > limit) {
        qsort(files, n, sizeof *files, older_first);
        for (size_t i = 0; i < n && total > limit - limit / 4; i++) {
            if (unlinkat(dirfd(d), files[i].name, 0) == 0 || errno == ENOENT)
                total -= (size_t)files[i].size;
        }
    }
    closedir(d);
    free(files);
}
