/*
 * util.c: the compiler's memory arena, string interning and file reading.
 *
 * The compiler is a short-lived process: everything it allocates lives until exit, so one bump
 * allocator serves the whole run and nothing is freed.  Chunks stay reachable from a list, so
 * leak checkers see "still reachable", never "lost".
 */
#include "asidl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena ---- */

enum { CHUNK_SIZE = 1 << 20 };
#define ARENA_ALIGN (_Alignof(max_align_t))

typedef struct Chunk {
    struct Chunk *next;
    size_t used, size;
    _Alignas(max_align_t) unsigned char data[];
} Chunk;

static Chunk *arena;          /* the chunk being filled; older chunks follow through next */
static Chunk *big_blocks;     /* allocations too large to share a chunk */

static Chunk *chunk_new(size_t size)
{
    Chunk *c = calloc(1, sizeof(Chunk) + size);
    if (!c)
        diag_fatal("out of memory (asking for %zu bytes)", size);
    c->size = size;
    return c;
}

void *xmalloc(size_t n)
{
    if (n == 0)
        n = 1;
    n = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
    if (n > CHUNK_SIZE / 4) {
        /* Large blocks get their own zeroed chunk so they do not waste the current one. */
        Chunk *c = chunk_new(n);
        c->next = big_blocks;
        big_blocks = c;
        return c->data;
    }
    if (!arena || arena->size - arena->used < n) {
        Chunk *c = chunk_new(CHUNK_SIZE);
        c->next = arena;
        arena = c;
    }
    void *p = arena->data + arena->used;
    arena->used += n;
    return p;
}

/* The arena cannot grow a block in place: vectors are copied into a larger one. */
void *xrealloc_vec(void *old, size_t old_n, size_t new_n, size_t elem)
{
    if (new_n && elem > SIZE_MAX / new_n)
        diag_fatal("out of memory (vector of %zu elements)", new_n);
    void *p = xmalloc(new_n * elem);
    if (old && old_n)
        memcpy(p, old, (old_n < new_n ? old_n : new_n) * elem);
    return p;
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap, ap2;
    char small[256];
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        diag_internal("xasprintf: bad format '%s'", fmt);
    char *p = xmalloc((size_t)n + 1);
    if ((size_t)n < sizeof small)
        memcpy(p, small, (size_t)n + 1);
    else
        vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

/* ---- interning: open addressing on an FNV-1a hash, doubled at half load ---- */

static const char **intern_slots;
static size_t intern_cap, intern_count;

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static void intern_grow(void)
{
    size_t cap = intern_cap ? intern_cap * 2 : 4096;
    const char **slots = calloc(cap, sizeof *slots);
    if (!slots)
        diag_fatal("out of memory (intern table of %zu entries)", cap);
    for (size_t i = 0; i < intern_cap; i++) {
        const char *s = intern_slots[i];
        if (!s)
            continue;
        size_t j = hash_bytes(s, strlen(s)) & (cap - 1);
        while (slots[j])
            j = (j + 1) & (cap - 1);
        slots[j] = s;
    }
    free(intern_slots);
    intern_slots = slots;
    intern_cap = cap;
}

const char *intern_n(const char *s, size_t n)
{
    if ((intern_count + 1) * 2 > intern_cap)
        intern_grow();
    size_t j = hash_bytes(s, n) & (intern_cap - 1);
    for (; intern_slots[j]; j = (j + 1) & (intern_cap - 1)) {
        const char *t = intern_slots[j];
        if (strncmp(t, s, n) == 0 && t[n] == '\0')
            return t;
    }
    const char *copy = xstrndup(s, n);
    intern_slots[j] = copy;
    intern_count++;
    return copy;
}

const char *intern_find(const char *s, size_t n)
{
    if (!intern_cap)
        return NULL;
    size_t j = hash_bytes(s, n) & (intern_cap - 1);
    for (; intern_slots[j]; j = (j + 1) & (intern_cap - 1)) {
        const char *t = intern_slots[j];
        if (strncmp(t, s, n) == 0 && t[n] == '\0')
            return t;
    }
    return NULL;
}

const char *intern(const char *s)
{
    return intern_n(s, strlen(s));
}

/* ---- files ---- */

char *read_whole_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    int read_errno = ferror(f) ? errno : 0;
    fclose(f);
    if (!buf) {
        errno = ENOMEM;
        return NULL;
    }
    if (read_errno) {
        free(buf);
        errno = read_errno;
        return NULL;
    }
    /* Copy into the arena so the text lives as long as the AST that points into it. */
    char *text = xstrndup(buf, n);
    free(buf);
    if (len)
        *len = n;
    return text;
}
