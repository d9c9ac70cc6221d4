/* decode.c: JSON text -> cJSON tree (GIL released) -> Python objects (GIL held).
 *
 * Objects become dicts, arrays lists (presized), strings str (ASCII fast path,
 * invalid UTF-8 replaced by U+FFFD), true/false bool, null None. A number that
 * is integral with |n| < 2^53 becomes int, any other number float (so integers
 * from 2^53 on come back as float, the nearest double). Object keys
 * are interned through a small cache in the module state, keyed by length and
 * hash, so the same field names across thousands of jobs share one str.
 */
#include "jobo.h"

#include <math.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define MAX_EXACT_INT 9007199254740992.0 /* 2^53 */

/* Under AddressSanitizer the arena keeps ASan's view exact: a chunk starts out
 * poisoned, each allocation is unpoisoned to its requested size only and is
 * followed by a poisoned redzone, so an overread of a cJSON string or node is
 * reported as it would be with malloc. Without ASan this compiles to nothing. */
#if defined(__SANITIZE_ADDRESS__)
#define JOBO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define JOBO_ASAN 1
#endif
#endif
#ifdef JOBO_ASAN
#include <sanitizer/asan_interface.h>
#define ARENA_REDZONE 16
#else
#define ARENA_REDZONE 0
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#endif

/* ---- per-parse arena ------------------------------------------------------
 *
 * cJSON allocates every node and string with malloc; a 5 MB page is ~200,000
 * allocations, and freeing them (plus glibc's trimming after the large frees)
 * cost about as much as the parse. So each parse gets a bump arena: cJSON's
 * allocation hooks take memory from the arena of the parse running on this
 * thread, and the whole tree is freed by releasing the arena's few chunks.
 * cJSON's hooks take no context argument, so the running arena is found
 * through a thread-local pointer, set only for the duration of one parse on
 * that thread (never shared between threads); outside a parse the hooks are
 * plain malloc/free, so any other user of libcjson in the process is
 * unaffected. */

typedef struct jobo_chunk {
    struct jobo_chunk *next;
    size_t used, cap;
    _Alignas(16) char data[];
} jobo_chunk;

/* One parse in progress: its arena, and what it needs to look for a signal
 * now and then while the GIL is released (the thread state to take it back). */
typedef struct {
    jobo_chunk *head;
    PyThreadState *ts;     /* the parsing thread's state, GIL released */
    int64_t last_check_ms;
    unsigned tick;
    int interrupted;       /* a signal handler raised: stop the parse */
} jobo_arena;

/* what jobo_parse_nogil returns: a copy of the root node, in front of which
 * sits the arena that owns the whole tree */
typedef struct {
    jobo_arena *arena;
    cJSON root;
} jobo_tree;

/* initial-exec: read without a call to __tls_get_addr, once per allocation
 * of a parse (the module asks for 8 bytes of the static TLS block) */
#if defined(__ELF__)
#define JOBO_TLS_FAST __attribute__((tls_model("initial-exec")))
#else
#define JOBO_TLS_FAST
#endif
static _Thread_local jobo_arena *running_arena JOBO_TLS_FAST;

/* What an allocation of n bytes takes from the arena: 16-byte aligned, with
 * ASan's redzone (the pre-scan counts with it too) */
#define ALLOC_SIZE(n) ((((size_t)(n)) + ARENA_REDZONE + 15) & ~(size_t)15)

/* The tree (its arena) in front of a root jobo_parse_tree returned */
#define TREE_OF(root) ((jobo_tree *)((char *)(root) - offsetof(jobo_tree, root)))

static jobo_chunk *
chunk_new(size_t cap, jobo_chunk *next)
{
    jobo_chunk *c = malloc(sizeof(jobo_chunk) + cap);
    if (c != NULL) {
        c->next = next;
        c->used = 0;
        c->cap = cap;
        ASAN_POISON_MEMORY_REGION(c->data, cap);
    }
    return c;
}

/* With the GIL released, take it back for a moment every JOBO_SLICE_MS and run
 * the signal handlers, so Ctrl-C lands during a long parse. The handlers run
 * with no arena active (Python code in them may parse too). 0, or -1 when a
 * handler raised (the exception stays set). */
static int
arena_check_signals(jobo_arena *a)
{
    int64_t now;
    int rc;
    if (a->ts == NULL || a->interrupted)
        return a->interrupted ? -1 : 0;
    now = jobo_now_ms();
    if (now - a->last_check_ms < JOBO_SLICE_MS)
        return 0;
    a->last_check_ms = now;
    running_arena = NULL;
    PyEval_RestoreThread(a->ts);
    rc = PyErr_CheckSignals();
    a->ts = PyEval_SaveThread();
    running_arena = a;
    if (rc < 0)
        a->interrupted = 1;
    return rc;
}

/* The slow path of arena_malloc: the signal check every 4096 allocations, a
 * new chunk when the head one is full, and the refusals. */
static void *
arena_malloc_slow(jobo_arena *a, size_t n)
{
    jobo_chunk *c;
    size_t want = n;
    if (n > SIZE_MAX / 2)
        return NULL;
    if ((a->tick & 4095) == 0 && arena_check_signals(a) < 0)
        return NULL; /* cJSON gives up: the parse fails, the signal's exception is set */
    if (a->interrupted)
        return NULL;
    n = ALLOC_SIZE(n);
    c = a->head;
    if (c->cap - c->used < n) {
        size_t cap = c->cap * 2;
        if (cap < n)
            cap = n;
        c = chunk_new(cap, c);
        if (c == NULL)
            return NULL;
        a->head = c;
    }
    c->used += n;
    ASAN_UNPOISON_MEMORY_REGION(c->data + c->used - n, want);
    (void)want;
    return c->data + c->used - n;
}

/* cJSON's allocation hook: a bump of the running parse's arena (one per node
 * and per string, ~230,000 for a 1,000-job page), malloc outside a parse. */
static void *
arena_malloc(size_t n)
{
    jobo_arena *a = running_arena;
    jobo_chunk *c;
    size_t size;
    if (a == NULL)
        return malloc(n);
    size = ALLOC_SIZE(n);
    c = a->head;
    if (__builtin_expect((++a->tick & 4095) != 0 && !a->interrupted && size >= n &&
                             c->cap - c->used >= size,
                         1)) {
        char *p = c->data + c->used;
        c->used += size;
        ASAN_UNPOISON_MEMORY_REGION(p, n);
        return p;
    }
    return arena_malloc_slow(a, n);
}

static void
arena_free(void *p)
{
    /* during a parse, memory belongs to the arena and goes with it */
    if (running_arena == NULL)
        free(p);
}

/* What the arena of a parse of buf used (tests: the pre-scan's count must
 * hold all of it, so the first chunk is the only one): 0 and the figures, or
 * the parse's JOBO_PARSE_* outcome. */
int
jobo_arena_probe(const char *buf, size_t len, size_t *used, size_t *cap, int *chunks)
{
    int why = 0;
    cJSON *root = jobo_parse_tree(NULL, buf, len, &why);
    jobo_tree *tree;
    jobo_chunk *c;
    if (root == NULL)
        return why;
    tree = TREE_OF(root);
    *used = *cap = 0;
    *chunks = 0;
    for (c = tree->arena->head; c != NULL; c = c->next) {
        *used += c->used;
        *cap += c->cap;
        (*chunks)++;
    }
    jobo_free_tree(NULL, root);
    return 0;
}

/* ---- the spare tree block ----------------------------------------------------
 *
 * A page of a scan is a tree of megabytes (about 2.5x its body) that lives
 * until the next page. Freed to malloc and taken again page after page, such
 * blocks fragmented the heap (a stream of 100,000 feed jobs grew by ~12 MB
 * more than it held). So the first block of a big tree (JOBO_SPARE_MIN up to
 * JOBO_SPARE_MAX) is kept in the module state when the tree is freed, and the
 * next big parse takes it if it is large enough: one block is reused for the
 * whole scan, and nothing is faulted in again. The slot is exchanged
 * atomically, parses run without the GIL. */

#define JOBO_SPARE_MAX ((size_t)64 << 20)

/* A chunk of at least cap bytes for a new arena: the module's spare when the
 * tree is big and the spare large enough, else a new one. A new block that may
 * become the spare gets a quarter more room than this tree needs: the pages of
 * a scan differ in size by some percent, and a spare a few bytes too small for
 * the next page would be freed and replaced, block after block, which grows
 * the heap (once a large block is freed, glibc serves blocks of its size from
 * the heap rather than from mmap). Room never written is never faulted in. */
static jobo_chunk *
chunk_first(jobo_state *st, size_t cap)
{
    jobo_chunk *c = NULL;
    int big = st != NULL && cap >= JOBO_SPARE_MIN;
    if (big)
        c = __atomic_exchange_n((jobo_chunk **)&st->spare_chunk, NULL, __ATOMIC_ACQ_REL);
    if (c != NULL && c->cap >= cap) {
        __atomic_add_fetch(&st->spare_reused, 1, __ATOMIC_RELAXED);
        c->next = NULL;
        c->used = 0;
        ASAN_POISON_MEMORY_REGION(c->data, c->cap);
        return c;
    }
    if (c != NULL) {
        __atomic_add_fetch(&st->spare_missed, 1, __ATOMIC_RELAXED);
        free(c);
    }
    if (big && cap + cap / 4 <= JOBO_SPARE_MAX)
        cap += cap / 4;
    return chunk_new(cap, NULL);
}

/* Keep the big chunk c as the module's spare (the one it replaces is freed). */
static void
chunk_spare(jobo_state *st, jobo_chunk *c)
{
    c->next = NULL;
    ASAN_UNPOISON_MEMORY_REGION(c->data, c->cap);
    c = __atomic_exchange_n((jobo_chunk **)&st->spare_chunk, c, __ATOMIC_ACQ_REL);
    if (c != NULL)
        free(c);
}

static void arena_release(jobo_arena *a);

/* Free an arena, keeping its first chunk as st's spare when it is big. */
static void
arena_release_to(jobo_state *st, jobo_arena *a)
{
    jobo_chunk *c = a->head;
    if (st != NULL && c != NULL && !__atomic_load_n(&st->spare_closed, __ATOMIC_ACQUIRE) &&
        c->cap >= JOBO_SPARE_MIN && c->cap <= JOBO_SPARE_MAX) {
        a->head = c->next;
        chunk_spare(st, c);
    }
    arena_release(a);
}

static void
arena_release(jobo_arena *a)
{
    jobo_chunk *c = a->head, *next;
    while (c != NULL) {
        next = c->next;
        ASAN_UNPOISON_MEMORY_REGION(c->data, c->cap);
        free(c);
        c = next;
    }
    free(a);
}

void
jobo_arena_install(void)
{
    cJSON_Hooks hooks = {arena_malloc, arena_free};
    cJSON_InitHooks(&hooks);
}

/* ---- pre-scan --------------------------------------------------------------
 *
 * Before cJSON runs, one cheap pass over the text counts what the tree will
 * need: a node per value, an allocation per string (value or key) of at most
 * its raw length. That bounds the tree's memory exactly, so a body that would
 * take more than JOBO_PARSE_FACTOR times its size (plus JOBO_PARSE_SLACK) is
 * refused before any of it is allocated, and the arena is sized once. It also
 * bounds the nesting depth (JOBO_MAX_DEPTH) and refuses strings holding a NUL
 * (\u0000 or a raw 0 byte), which cJSON's NUL-terminated strings would cut.
 * It does not validate: malformed text is left for cJSON to refuse. */

static int
is_delim(unsigned char c)
{
    return c == ',' || c == ']' || c == '}' || c == ':' || c == ' ' || c == '\n' ||
           c == '\r' || c == '\t' || c == '"' || c == '[' || c == '{';
}

/* w (8 bytes of text) holds a '"', a '\\' or a 0 byte (can err towards yes,
 * never towards no) */
static inline uint64_t
string_stop(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
    return (((w - ones) & ~w) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
}

int
jobo_prescan(const char *buf, size_t len, jobo_scan *out)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0, nodes = 0, bytes = 0, budget;
    int depth = 0, max_depth = 0;
    jobo_arena *a = running_arena; /* set: check for signals every few MB */
    size_t next_check = (size_t)1 << 22;

    while (i < len) {
        unsigned char c = s[i];
        if (i >= next_check) {
            next_check = i + ((size_t)1 << 22);
            if (a != NULL && arena_check_signals(a) < 0)
                return JOBO_PARSE_INTERRUPTED;
        }
        switch (c) {
        case ' ': case '\n': case '\r': case '\t': case ',': case ':':
            i++;
            break;
        case '[': case '{':
            nodes++;
            if (++depth > max_depth) {
                max_depth = depth;
                if (depth > JOBO_MAX_DEPTH) {
                    out->depth = depth;
                    return JOBO_PARSE_TOO_DEEP;
                }
            }
            i++;
            break;
        case ']': case '}':
            depth--;
            i++;
            break;
        case '"': {
            size_t start = ++i, j;
            for (;;) {
                /* 16 or 8 bytes at a time up to a quote, a backslash or a NUL:
                 * most of a body is the text of long strings */
#ifdef __SSE2__
                while (i + 16 <= len) {
                    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
                    int m = _mm_movemask_epi8(
                        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                                  _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                     _mm_cmpeq_epi8(v, _mm_setzero_si128())));
                    if (m != 0) {
                        i += (size_t)__builtin_ctz((unsigned)m);
                        goto stop; /* s[i] is the stop: no need for the words */
                    }
                    i += 16;
                }
#endif
                while (i + 8 <= len) {
                    uint64_t w;
                    memcpy(&w, s + i, 8);
                    if (string_stop(w))
                        break;
                    i += 8;
                }
#ifdef __SSE2__
            stop:
#endif
                if (i >= len || s[i] == '"')
                    break;
                if (s[i] == 0)
                    return JOBO_PARSE_NUL;
                if (s[i] == '\\') {
                    if (i + 5 < len && s[i + 1] == 'u' && s[i + 2] == '0' && s[i + 3] == '0' &&
                        s[i + 4] == '0' && s[i + 5] == '0')
                        return JOBO_PARSE_NUL;
                    i++;
                }
                i++;
            }
            /* cJSON asks for the raw length + 2 (its count starts at the
             * opening quote, plus the terminating NUL), fewer an escape's
             * skipped bytes */
            bytes += ALLOC_SIZE(i - start + 2);
            i++;
            /* a key (followed by ':') is a string of its value's node; a
             * value string is a node of its own */
            for (j = i; j < len && (s[j] == ' ' || s[j] == '\n' || s[j] == '\r' || s[j] == '\t');
                 j++)
                ;
            if (!(j < len && s[j] == ':'))
                nodes++;
            break;
        }
        default: {
            /* a number, true, false, null, or junk cJSON will refuse */
            size_t start = i;
            nodes++;
            while (i < len && !is_delim(s[i]))
                i++;
            /* some cJSON builds (Debian's among them) copy a number's text to a
             * buffer of its own before strtod: at most the token and a NUL */
            if (c == '-' || (c >= '0' && c <= '9'))
                bytes += ALLOC_SIZE(i - start + 1);
            break;
        }
        }
    }
    out->nodes = nodes;
    out->depth = max_depth;
    out->bytes = nodes * ALLOC_SIZE(sizeof(cJSON)) + bytes + ALLOC_SIZE(sizeof(jobo_tree));
    budget = len > (SIZE_MAX - JOBO_PARSE_SLACK) / JOBO_PARSE_FACTOR
                 ? SIZE_MAX
                 : len * JOBO_PARSE_FACTOR + JOBO_PARSE_SLACK;
    if (out->bytes > budget)
        return JOBO_PARSE_TOO_MANY;
    return JOBO_PARSE_OK;
}

const char *
jobo_parse_error(int why)
{
    switch (why) {
    case JOBO_PARSE_TOO_MANY:
        return "the server sent a body with too many values to parse within the memory "
               "budget (16 times the body size)";
    case JOBO_PARSE_TOO_DEEP:
        return "the server sent JSON nested deeper than the limit of "
               JOBO_STR(JOBO_MAX_DEPTH) " levels";
    case JOBO_PARSE_NUL:
        return "the server sent a string holding a NUL character (\\u0000)";
    case JOBO_PARSE_NOMEM:
        return "out of memory while parsing the response";
    default:
        return "the server sent a body that is not valid JSON";
    }
}

cJSON *
jobo_parse_nogil(const char *buf, size_t len, int *why)
{
    return jobo_parse_tree(NULL, buf, len, why);
}

cJSON *
jobo_parse_tree(jobo_state *st, const char *buf, size_t len, int *why)
{
    cJSON *parsed = NULL;
    jobo_tree *tree = NULL;
    jobo_arena *a, *outer = running_arena;
    const char *end = NULL;
    jobo_scan scan;
    int rc = JOBO_PARSE_INVALID;

    *why = JOBO_PARSE_INVALID;
    if (len == 0)
        return NULL;
    a = calloc(1, sizeof(*a));
    if (a == NULL) {
        *why = JOBO_PARSE_NOMEM;
        return NULL;
    }
    a->ts = PyEval_SaveThread();
    a->last_check_ms = jobo_now_ms();
    running_arena = a;
    memset(&scan, 0, sizeof(scan));
    rc = jobo_prescan(buf, len, &scan);
    if (rc == JOBO_PARSE_OK) {
        /* the pre-scan's count is exact for cJSON 1.7's allocations; the arena
         * still grows should another version allocate more */
        if ((a->head = chunk_first(st, scan.bytes + 256)) == NULL) {
            rc = JOBO_PARSE_NOMEM;
        } else {
            parsed = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
            rc = JOBO_PARSE_INVALID;
            if (a->interrupted) {
                rc = JOBO_PARSE_INTERRUPTED;
            } else if (parsed != NULL) {
                /* only whitespace may follow the value */
                const char *stop = buf + len;
                while (end < stop &&
                       (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t'))
                    end++;
                if (end == stop && (tree = arena_malloc(sizeof(*tree))) != NULL)
                    rc = JOBO_PARSE_OK;
            }
        }
    }
    if (a->interrupted)
        rc = JOBO_PARSE_INTERRUPTED;
    running_arena = outer;
    PyEval_RestoreThread(a->ts);
    a->ts = NULL;
    if (tree != NULL && rc == JOBO_PARSE_OK) {
        tree->arena = a;
        tree->root = *parsed; /* nodes never point back to their parent */
    } else {
        tree = NULL;
        arena_release_to(st, a);
    }
    *why = rc;
    return tree != NULL ? &tree->root : NULL;
}

void
jobo_delete_nogil(cJSON *root)
{
    jobo_free_tree(NULL, root);
}

void
jobo_free_tree(jobo_state *st, cJSON *root)
{
    jobo_tree *tree;
    jobo_arena *a;
    if (root == NULL)
        return;
    tree = TREE_OF(root);
    a = tree->arena;
    if (a->head->next == NULL && (a->head->cap < ((size_t)1 << 20) || st != NULL)) {
        /* one small chunk, or one kept as the spare: not worth a GIL round trip */
        arena_release_to(st, a);
        return;
    }
    Py_BEGIN_ALLOW_THREADS
    arena_release_to(st, a);
    Py_END_ALLOW_THREADS
}

PyObject *
jobo_str_from_utf8(const char *s, Py_ssize_t n)
{
    Py_ssize_t i = 0;
    PyObject *u;
    /* ASCII check 8 bytes at a time (descriptions run to kilobytes) */
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (w & 0x8080808080808080ULL)
            return PyUnicode_DecodeUTF8(s, n, "replace");
    }
    for (; i < n; i++)
        if ((unsigned char)s[i] & 0x80)
            return PyUnicode_DecodeUTF8(s, n, "replace");
    u = PyUnicode_New(n, 127);
    if (u == NULL)
        return NULL;
    memcpy(PyUnicode_1BYTE_DATA(u), s, (size_t)n);
    return u;
}

PyObject *
jobo_decode_key(jobo_state *st, const char *s)
{
    size_t n = strlen(s), i;
    uint32_t h = 2166136261u;
    jobo_key_entry *e;
    PyObject *u;

    if (n > JOBO_KEY_CACHE_MAXLEN)
        return jobo_str_from_utf8(s, (Py_ssize_t)n);
    for (i = 0; i < n; i++) {
        if ((unsigned char)s[i] & 0x80)
            return jobo_str_from_utf8(s, (Py_ssize_t)n);
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    }
    h ^= (uint32_t)n;
    e = &st->keys[h & (JOBO_KEY_CACHE_SIZE - 1)];
    if (e->str != NULL && e->len == (Py_ssize_t)n &&
        memcmp(PyUnicode_1BYTE_DATA(e->str), s, n) == 0)
        return Py_NewRef(e->str);
    u = jobo_str_from_utf8(s, (Py_ssize_t)n);
    if (u == NULL)
        return NULL;
    PyUnicode_InternInPlace(&u);
    Py_XSETREF(e->str, Py_NewRef(u));
    e->len = (Py_ssize_t)n;
    return u;
}

void
jobo_key_cache_clear(jobo_state *st)
{
    int i;
    jobo_chunk *c;
    for (i = 0; i < JOBO_KEY_CACHE_SIZE; i++)
        Py_CLEAR(st->keys[i].str);
    /* and the spare tree block: trees freed from now on give theirs back */
    __atomic_store_n(&st->spare_closed, 1, __ATOMIC_RELEASE);
    c = __atomic_exchange_n((jobo_chunk **)&st->spare_chunk, NULL, __ATOMIC_ACQ_REL);
    if (c != NULL)
        free(c);
}

static PyObject *
decode_number(double d)
{
    /* < and not <=: the double 2^53 is also what 2^53 + 1 rounds to, so it is
     * not known to be exact and comes back as a float like every larger one */
    if (d == floor(d) && fabs(d) < MAX_EXACT_INT)
        return PyLong_FromLongLong((long long)d);
    return PyFloat_FromDouble(d);
}

PyObject *
jobo_decode(jobo_state *st, const cJSON *item)
{
    /* a large body: let Ctrl-C in now and then */
    if ((++st->decode_tick & 8191) == 0 && PyErr_CheckSignals() < 0)
        return NULL;
    switch (item->type & 0xFF) {
    case cJSON_NULL:
        Py_RETURN_NONE;
    case cJSON_True:
        Py_RETURN_TRUE;
    case cJSON_False:
        Py_RETURN_FALSE;
    case cJSON_Number:
        return decode_number(item->valuedouble);
    case cJSON_String:
    case cJSON_Raw:
        if (item->valuestring == NULL)
            return PyUnicode_New(0, 0);
        return jobo_str_from_utf8(item->valuestring, (Py_ssize_t)strlen(item->valuestring));
    case cJSON_Array: {
        Py_ssize_t n = 0, i = 0;
        const cJSON *c;
        PyObject *list;
        for (c = item->child; c != NULL; c = c->next)
            n++;
        list = PyList_New(n);
        if (list == NULL)
            return NULL;
        for (c = item->child; c != NULL; c = c->next, i++) {
            PyObject *v = jobo_decode(st, c);
            if (v == NULL) {
                Py_DECREF(list);
                return NULL;
            }
            PyList_SET_ITEM(list, i, v);
        }
        return list;
    }
    case cJSON_Object: {
        const cJSON *c;
        PyObject *dict = PyDict_New();
        if (dict == NULL)
            return NULL;
        for (c = item->child; c != NULL; c = c->next) {
            PyObject *k, *v;
            int rc;
            k = jobo_decode_key(st, c->string ? c->string : "");
            if (k == NULL)
                goto obj_error;
            v = jobo_decode(st, c);
            if (v == NULL) {
                Py_DECREF(k);
                goto obj_error;
            }
            rc = PyDict_SetItem(dict, k, v);
            Py_DECREF(k);
            Py_DECREF(v);
            if (rc < 0)
                goto obj_error;
        }
        return dict;
    obj_error:
        Py_DECREF(dict);
        return NULL;
    }
    default:
        PyErr_SetString(PyExc_ValueError, "unknown JSON node");
        return NULL;
    }
}
