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

typedef struct {
    jobo_chunk *head;
} jobo_arena;

/* what jobo_parse_nogil returns: a copy of the root node, in front of which
 * sits the arena that owns the whole tree */
typedef struct {
    jobo_arena *arena;
    cJSON root;
} jobo_tree;

static _Thread_local jobo_arena *running_arena;

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

static void *
arena_malloc(size_t n)
{
    jobo_arena *a = running_arena;
    jobo_chunk *c;
    size_t want = n;
    if (a == NULL)
        return malloc(n);
    if (n > SIZE_MAX / 2)
        return NULL;
    n = (n + ARENA_REDZONE + 15) & ~(size_t)15;
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

static void
arena_free(void *p)
{
    /* during a parse, memory belongs to the arena and goes with it */
    if (running_arena == NULL)
        free(p);
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

cJSON *
jobo_parse_nogil(const char *buf, size_t len)
{
    cJSON *parsed = NULL;
    jobo_tree *tree = NULL;
    jobo_arena *a;
    const char *end = NULL;

    if (len == 0)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    a = malloc(sizeof(*a));
    /* nodes and strings take about 3x the text; the arena grows if needed */
    if (a != NULL && (a->head = chunk_new(len < ((size_t)1 << 28) ? len * 3 + 4096 : len, NULL))) {
        running_arena = a;
        parsed = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
        if (parsed != NULL) {
            /* only whitespace may follow the value */
            const char *stop = buf + len;
            while (end < stop && (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t'))
                end++;
            if (end == stop)
                tree = arena_malloc(sizeof(*tree));
        }
        running_arena = NULL;
        if (tree != NULL) {
            tree->arena = a;
            tree->root = *parsed; /* nodes never point back to their parent */
        } else {
            arena_release(a);
        }
    } else {
        free(a);
    }
    Py_END_ALLOW_THREADS
    return tree != NULL ? &tree->root : NULL;
}

void
jobo_delete_nogil(cJSON *root)
{
    jobo_tree *tree;
    if (root == NULL)
        return;
    tree = (jobo_tree *)((char *)root - offsetof(jobo_tree, root));
    if (tree->arena->head->next == NULL && tree->arena->head->cap < ((size_t)1 << 20)) {
        arena_release(tree->arena); /* one small chunk: not worth a GIL round trip */
        return;
    }
    Py_BEGIN_ALLOW_THREADS
    arena_release(tree->arena);
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
    for (i = 0; i < JOBO_KEY_CACHE_SIZE; i++)
        Py_CLEAR(st->keys[i].str);
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
