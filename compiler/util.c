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
#include <sys/mman.h>

/* ---- arena ---- */

enum { CHUNK_SIZE = 2 << 20 };   /* a huge page (see arena_chunk_new) */
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

/* Arena chunks are one huge page, aligned, and advised as such.  A run fills megabytes of fresh
 * memory; taking it 2 MiB per page fault instead of 4 KiB removes most of the kernel's share of
 * a run (a third of it, in page faults, before).  Where transparent huge pages are off, the
 * chunk is simply made of small pages. */
static Chunk *arena_chunk_new(void)
{
    size_t size = CHUNK_SIZE;
    char *map = mmap(NULL, 2 * size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        return chunk_new(size - sizeof(Chunk));
    /* Keep the aligned 2 MiB inside the 4 MiB mapped; give the rest back. */
    char *start = (char *)(((uintptr_t)map + size - 1) & ~(uintptr_t)(size - 1));
    if (start > map)
        munmap(map, (size_t)(start - map));
    if (start + size < map + 2 * size)
        munmap(start + size, (size_t)(map + 2 * size - (start + size)));
#ifdef MADV_HUGEPAGE
    madvise(start, size, MADV_HUGEPAGE);   /* advice: nothing to do if it is not taken */
#endif
    Chunk *c = (Chunk *)start;             /* fresh anonymous memory is zeroed */
    c->size = size - sizeof(Chunk);
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
        Chunk *c = arena_chunk_new();
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

/* ---- interning: open addressing, doubled at half load ----
 *
 * Every identifier the scanner sees is interned, so this is on the hottest path: each slot keeps
 * the string's hash and length, and a probe compares bytes only when both match. */

typedef struct InternSlot {
    const char *s;             /* NULL: empty */
    uint32_t hash, len;
} InternSlot;

static InternSlot *intern_slots;
static size_t intern_cap, intern_count;

/* Eight bytes at a time: a multiply mixes each word in, a final avalanche spreads it.  The
 * last word overlaps the one before it rather than being assembled byte by byte. */
static inline uint32_t hash_bytes(const char *s, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;
    if (n >= 8) {
        const char *last = s + n - 8;
        for (; s < last; s += 8) {
            memcpy(&w, s, 8);
            h = (h ^ w) * 0xff51afd7ed558ccdull;
            h ^= h >> 32;
        }
        memcpy(&w, last, 8);
    } else {
        w = 0;
        for (size_t i = 0; i < n; i++)
            w |= (uint64_t)(unsigned char)s[i] << (8 * i);
    }
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    return (uint32_t)h;
}

static void intern_grow(void)
{
    size_t cap = intern_cap ? intern_cap * 2 : 4096;
    InternSlot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        diag_fatal("out of memory (intern table of %zu entries)", cap);
    for (size_t i = 0; i < intern_cap; i++) {
        if (!intern_slots[i].s)
            continue;
        size_t j = intern_slots[i].hash & (cap - 1);
        while (slots[j].s)
            j = (j + 1) & (cap - 1);
        slots[j] = intern_slots[i];
    }
    free(intern_slots);
    intern_slots = slots;
    intern_cap = cap;
}

/* The slot holding s, or the empty slot where it would go. */
static inline InternSlot *intern_slot(const char *s, size_t n, uint32_t h)
{
    size_t j = h & (intern_cap - 1);
    for (;; j = (j + 1) & (intern_cap - 1)) {
        InternSlot *slot = &intern_slots[j];
        if (!slot->s || (slot->hash == h && slot->len == n && memcmp(slot->s, s, n) == 0))
            return slot;
    }
}

const char *intern_n(const char *s, size_t n)
{
    if (n > UINT32_MAX)
        diag_fatal("a name of %zu bytes is too long", n);
    if ((intern_count + 1) * 2 > intern_cap)
        intern_grow();
    uint32_t h = hash_bytes(s, n);
    InternSlot *slot = intern_slot(s, n, h);
    if (!slot->s) {
        *slot = (InternSlot){ xstrndup(s, n), h, (uint32_t)n };
        intern_count++;
    }
    return slot->s;
}

const char *intern_find(const char *s, size_t n)
{
    if (!intern_cap || n > UINT32_MAX)
        return NULL;
    return intern_slot(s, n, hash_bytes(s, n))->s;
}

const char *intern(const char *s)
{
    return intern_n(s, strlen(s));
}

/* ---- maps keyed by a pair of pointers (interned names, nodes) ---- */

struct PairSlot {
    const void *a, *b;         /* a NULL: empty */
    void *val;
};

static size_t pair_slot(const void *a, const void *b, size_t cap)
{
    uint64_t h = ((uint64_t)(uintptr_t)a * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)(uintptr_t)b * 0xc2b2ae3d27d4eb4full);
    return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

void *pairmap_get(const PairMap *m, const void *a, const void *b)
{
    if (!m->cap || !a)
        return NULL;
    for (size_t j = pair_slot(a, b, m->cap); m->slots[j].a; j = (j + 1) & (m->cap - 1))
        if (m->slots[j].a == a && m->slots[j].b == b)
            return m->slots[j].val;
    return NULL;
}

void pairmap_put(PairMap *m, const void *a, const void *b, void *val)
{
    if (!a)
        diag_internal("pairmap_put: NULL key");
    if ((m->count + 1) * 2 > m->cap) {
        PairMap bigger = { NULL, m->cap ? m->cap * 2 : 256, 0 };
        bigger.slots = xmalloc(bigger.cap * sizeof *bigger.slots);
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].a)
                pairmap_put(&bigger, m->slots[i].a, m->slots[i].b, m->slots[i].val);
        *m = bigger;
    }
    size_t j = pair_slot(a, b, m->cap);
    while (m->slots[j].a && !(m->slots[j].a == a && m->slots[j].b == b))
        j = (j + 1) & (m->cap - 1);
    if (!m->slots[j].a)
        m->count++;
    m->slots[j] = (struct PairSlot){ a, b, val };
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
    /* Copy into the arena so the text lives as long as the AST that points into it; two NULs
     * let the scanner scan it in place. */
    char *text = xmalloc(n + 2);
    memcpy(text, buf, n);
    free(buf);
    if (len)
        *len = n;
    return text;
}
