/* columns.c: the columns of a table of jobs, read straight from parsed trees.
 *
 * DataFrames and Arrow tables (jobo_enterprise.frames) are built column by
 * column. _core.job_columns(jobs, plan, parse_time) walks the parsed JSON of
 * each job (a view of a response) once and appends each value to the buffers
 * of its column, in Arrow's memory layout, so no dict, model, nested view or
 * Python object per value is made: the text is copied once, from the tree
 * into the column's data buffer.
 *
 *   plan: a tuple with one entry per column, (kind, path, sub), where path is
 *         the tuple of object keys leading from a job to the value and sub a
 *         tuple of (key, kind) pairs for the members read from the objects of
 *         a list (COL_NAMES, COL_FIRST: one key; COL_STRUCTS: the fields).
 *
 * The output is a list with one entry per column. A "leaf" is the buffers of
 * one Arrow array of scalars:
 *
 *   (length, null count, validity bitmap or None when nothing is null,
 *    data, int32 offsets or None)
 *
 * with data the UTF-8 text (COL_STR, COL_FIRST; offsets given), float64
 * (COL_FLOAT), int64 microseconds since the epoch, UTC (COL_DATETIME) or the
 * value bits (COL_BOOL). COL_STR_LIST and COL_NAMES give (int32 list offsets,
 * the leaf of all their items); COL_STRUCTS (int32 list offsets, number of
 * objects, [one leaf per sub key]). Lists are never null (absent: empty).
 * Every buffer is a bytearray.
 *
 * A value of an unexpected JSON type reads as missing (another JSON scalar
 * where text is expected: its str()), except date-times in another text form
 * (or a number), which go through parse_time(value) -> int microseconds or
 * None: the same reading as the models' parse_datetime. Invalid UTF-8 reads
 * with U+FFFD in place, as everywhere in the decoder.
 */
#include "jobo.h"

#include <math.h>
#include <string.h>

enum {
    COL_STR = 0,
    COL_FLOAT,
    COL_BOOL,
    COL_DATETIME,
    COL_STR_LIST,
    COL_NAMES,
    COL_FIRST,
    COL_STRUCTS,
};

#define COL_MAX_PATH 4
#define COL_MAX_SUB 8

/* ---- output buffers -------------------------------------------------------
 *
 * A bytearray written through a length and capacity of our own: appending a
 * value is a bounds check and a memcpy; the bytearray grows by doubling and
 * is cut to its length once, at the end. */

typedef struct {
    PyObject *ba; /* owned */
    char *p;
    Py_ssize_t len, cap;
} obuf;

static int
obuf_init(obuf *b)
{
    b->len = b->cap = 0;
    b->ba = PyByteArray_FromStringAndSize(NULL, 0);
    b->p = b->ba != NULL ? PyByteArray_AS_STRING(b->ba) : NULL;
    return b->ba == NULL ? -1 : 0;
}

/* room for n more bytes */
static int
obuf_grow(obuf *b, Py_ssize_t n)
{
    Py_ssize_t cap = b->cap < 256 ? 256 : b->cap;
    if (n > PY_SSIZE_T_MAX / 4 - b->len) {
        PyErr_NoMemory();
        return -1;
    }
    while (cap - b->len < n)
        cap *= 2;
    if (PyByteArray_Resize(b->ba, cap) < 0)
        return -1;
    b->p = PyByteArray_AS_STRING(b->ba);
    b->cap = cap;
    return 0;
}

static inline int
obuf_put(obuf *b, const void *s, Py_ssize_t n)
{
    if (b->cap - b->len < n && obuf_grow(b, n) < 0)
        return -1;
    memcpy(b->p + b->len, s, (size_t)n);
    b->len += n;
    return 0;
}

/* the bytearray, cut to its length (a new reference) */
static PyObject *
obuf_take(obuf *b)
{
    if (PyByteArray_Resize(b->ba, b->len) < 0)
        return NULL;
    return Py_NewRef(b->ba);
}

/* Arrow's bitmaps: bit i of byte i / 8, least significant bit first */
typedef struct {
    obuf bytes;
    Py_ssize_t n, zeros;
} bitmap;

static inline int
bit_put(bitmap *m, int on)
{
    if ((m->n & 7) == 0) {
        char z = 0;
        if (obuf_put(&m->bytes, &z, 1) < 0)
            return -1;
    }
    if (on)
        m->bytes.p[m->bytes.len - 1] |= (char)(1u << (m->n & 7));
    else
        m->zeros++;
    m->n++;
    return 0;
}

/* the buffers of one Arrow array of scalars (see the top of the file) */
typedef struct {
    int kind;      /* COL_STR, COL_FLOAT, COL_DATETIME or COL_BOOL */
    bitmap valid;
    obuf data;     /* UTF-8, float64 or int64 */
    bitmap bits;   /* COL_BOOL: the values */
    obuf offsets;  /* COL_STR: int32 */
} leaf;

static int
leaf_init(leaf *l, int kind)
{
    int32_t zero = 0;
    memset(l, 0, sizeof(*l));
    l->kind = kind;
    if (obuf_init(&l->valid.bytes) < 0)
        return -1;
    if (kind == COL_BOOL)
        return obuf_init(&l->bits.bytes);
    if (obuf_init(&l->data) < 0)
        return -1;
    if (kind == COL_STR)
        return obuf_init(&l->offsets) < 0 || obuf_put(&l->offsets, &zero, 4) < 0 ? -1 : 0;
    return 0;
}

static void
leaf_clear(leaf *l)
{
    Py_CLEAR(l->valid.bytes.ba);
    Py_CLEAR(l->data.ba);
    Py_CLEAR(l->bits.bytes.ba);
    Py_CLEAR(l->offsets.ba);
}

static PyObject *
leaf_take(leaf *l)
{
    PyObject *valid, *data, *offsets = NULL;
    if (l->valid.zeros == 0)
        valid = Py_NewRef(Py_None);
    else
        valid = obuf_take(&l->valid.bytes);
    data = obuf_take(l->kind == COL_BOOL ? &l->bits.bytes : &l->data);
    if (l->kind == COL_STR)
        offsets = obuf_take(&l->offsets);
    else
        offsets = Py_NewRef(Py_None);
    if (valid == NULL || data == NULL || offsets == NULL) {
        Py_XDECREF(valid);
        Py_XDECREF(data);
        Py_XDECREF(offsets);
        return NULL;
    }
    return Py_BuildValue("(nnNNN)", l->valid.n, l->valid.zeros, valid, data, offsets);
}

typedef struct {
    int kind;
    int slot;                       /* of path[0] in the key table */
    int npath, nsub;
    const char *path[COL_MAX_PATH];
    const char *sub[COL_MAX_SUB];
    int subkind[COL_MAX_SUB];
    leaf values;                    /* the column's values, or its lists' items */
    obuf list_offsets;              /* lists: int32 */
    int32_t items;                  /* lists: items so far */
    leaf child[COL_MAX_SUB];        /* COL_STRUCTS: the fields of the objects */
} column;

/* ---- reading the tree ---------------------------------------------------- */

/* The members of a job are found in one walk over them: each member's key is
 * hashed into a small open-addressing table of the first keys of the plan's
 * paths (a lookup per column would walk the member list again and again, and
 * a page of jobs is megabytes of tree, mostly out of cache). Jobs of one
 * response list their members in the same order, so the table also keeps the
 * keys of the last job by position: a member whose key is the one at its
 * position last time takes that key's slot after one key comparison. */
#define KEY_SLOTS 128    /* power of two, > 2 * the plan's first keys */
#define SHAPE_MEMBERS 64 /* positions remembered */
#define SHAPE_KEYLEN 32  /* keys remembered up to this length (with the NUL) */
#define FILL_BATCH 8     /* jobs whose members are found together */

typedef struct {
    const char *key[KEY_SLOTS];
    const cJSON *found[FILL_BATCH][KEY_SLOTS];
    int used[KEY_SLOTS]; /* the slots of the plan's keys */
    int nused;
    char shape_key[SHAPE_MEMBERS][SHAPE_KEYLEN];
    int shape_slot[SHAPE_MEMBERS]; /* -1: not a planned key, -2: nothing remembered */
} key_table;

/* a == b, for short keys (no call, unlike strcmp) */
static inline int
key_eq(const char *a, const char *b)
{
    while (*a != '\0' && *a == *b)
        a++, b++;
    return *a == *b;
}

static uint32_t
key_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* the slot of k: where it is, else the empty slot where it goes; -1 if full */
static int
key_slot(const key_table *t, const char *k)
{
    uint32_t h = key_hash(k);
    int n;
    for (n = 0; n < KEY_SLOTS; n++, h++) {
        int i = (int)(h & (KEY_SLOTS - 1));
        if (t->key[i] == NULL || strcmp(t->key[i], k) == 0)
            return i;
    }
    return -1;
}

static void
key_table_init(key_table *t)
{
    int k;
    for (k = 0; k < SHAPE_MEMBERS; k++)
        t->shape_slot[k] = -2;
}

/* a key of the plan; 0, or -1 when the table is full */
static int
key_table_add(key_table *t, const char *k, int *slot)
{
    int i = key_slot(t, k);
    if (i < 0)
        return -1;
    if (t->key[i] == NULL) {
        t->key[i] = k;
        t->used[t->nused++] = i;
    }
    *slot = i;
    return 0;
}

/* c, the member at position k of a job: found[slot] = c if its key is planned
 * and not seen yet in this job */
static inline void
key_table_visit(key_table *t, const cJSON **found, const cJSON *c, int k)
{
    int i;
    if (c->string == NULL)
        return;
    if (k < SHAPE_MEMBERS && t->shape_slot[k] != -2 && key_eq(c->string, t->shape_key[k])) {
        i = t->shape_slot[k];
    } else {
        size_t n;
        i = key_slot(t, c->string);
        if (i >= 0 && t->key[i] == NULL)
            i = -1;
        if (k < SHAPE_MEMBERS) {
            n = strlen(c->string);
            if (n < SHAPE_KEYLEN) {
                memcpy(t->shape_key[k], c->string, n + 1);
                t->shape_slot[k] = i;
            } else {
                t->shape_slot[k] = -2;
            }
        }
    }
    if (i >= 0 && found[i] == NULL)
        found[i] = c;
}

/* found[b][slot] = the first member of jobs[b] with that key, for every
 * planned key. The member lists of the m jobs are walked in step: each step
 * to the next member is a load that often misses the cache (a job's members
 * sit between kilobytes of values), and the walks of different jobs do not
 * wait for each other, so their misses overlap. */
static void
key_table_fill(key_table *t, const cJSON *const *jobs, int m)
{
    const cJSON *c[FILL_BATCH];
    int b, k, live = 1;
    for (b = 0; b < m; b++) {
        for (k = 0; k < t->nused; k++)
            t->found[b][t->used[k]] = NULL;
        c[b] = jobs[b]->child;
    }
    for (k = 0; live; k++) {
        live = 0;
        for (b = 0; b < m; b++) {
            if (c[b] == NULL)
                continue;
            live = 1;
            key_table_visit(t, t->found[b], c[b], k);
            c[b] = c[b]->next;
        }
    }
}

static const cJSON *
member(const cJSON *obj, const char *k)
{
    const cJSON *c;
    if (obj == NULL || (obj->type & 0xFF) != cJSON_Object)
        return NULL;
    for (c = obj->child; c != NULL; c = c->next)
        if (c->string != NULL && c->string[0] == k[0] && key_eq(c->string, k))
            return c;
    return NULL;
}

/* the value of col, from the job's member named col->path[0] (or NULL) */
static const cJSON *
follow(const cJSON *top, const column *col)
{
    const cJSON *node = top;
    int i;
    for (i = 1; i < col->npath && node != NULL; i++)
        node = member(node, col->path[i]);
    if (node != NULL && (node->type & 0xFF) == cJSON_NULL)
        return NULL;
    return node;
}

static int
is_string(const cJSON *c)
{
    return c != NULL && (c->type & 0xFF) == cJSON_String && c->valuestring != NULL;
}

/* ---- values --------------------------------------------------------------- */

/* 1 = a number in *out, 0 = missing */
static int
float_value(const cJSON *c, double *out)
{
    if (c == NULL)
        return 0;
    if ((c->type & 0xFF) == cJSON_Number) {
        *out = c->valuedouble;
        return 1;
    }
    if (is_string(c)) {
        char *end;
        const char *s = c->valuestring;
        double d;
        if (*s == '\0')
            return 0;
        d = strtod(s, &end);
        while (*end == ' ')
            end++;
        if (*end != '\0')
            return 0;
        *out = d;
        return 1;
    }
    return 0;
}

/* days from 1970-01-01 to y-m-d of the proleptic Gregorian calendar: count
 * years from March, so that the leap day ends a year */
static int64_t
days_since_epoch(int y, int m, int d)
{
    int64_t yy = y - (m <= 2), era, yoe, doy, doe;
    era = (yy >= 0 ? yy : yy - 399) / 400;
    yoe = yy - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The shapes the API sends (jobo_parse_iso) as microseconds since the epoch.
 * 1 = done, 0 = another shape (ask Python). */
static int
fast_micros(const char *s, int64_t *out)
{
    jobo_iso t;
    if (!jobo_parse_iso(s, &t))
        return 0;
    *out = ((days_since_epoch(t.year, t.month, t.day) * 24 + t.hour) * 60 + t.minute -
            t.offset) * 60 + t.second;
    *out = *out * 1000000 + t.usec;
    return 1;
}

/* 1 = a time in *out, 0 = missing, -1 = error */
static int
time_value(jobo_state *st, const cJSON *c, PyObject *parse_time, int64_t *out)
{
    PyObject *raw, *res;
    int rc = 0;
    if (c == NULL)
        return 0;
    if (is_string(c) && fast_micros(c->valuestring, out))
        return 1;
    if ((c->type & 0xFF) != cJSON_String && (c->type & 0xFF) != cJSON_Number)
        return 0;
    if ((raw = jobo_decode(st, c)) == NULL)
        return -1;
    res = PyObject_CallOneArg(parse_time, raw);
    Py_DECREF(raw);
    if (res == NULL)
        return -1;
    if (res != Py_None) {
        long long v = PyLong_AsLongLong(res);
        if (v == -1 && PyErr_Occurred())
            rc = -1;
        else {
            *out = (int64_t)v;
            rc = 1;
        }
    }
    Py_DECREF(res);
    return rc;
}

/* 1 if s[0:n] is well-formed UTF-8 (no overlong forms, no surrogates). Runs
 * of ASCII, most of any text, are skipped 32 bytes at a time. */
#define HIGH_BITS 0x8080808080808080ULL

static int
utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c;
        size_t len, k;
        uint32_t cp, least;
        for (; i + 32 <= n; i += 32) {
            uint64_t a, b, d, e;
            memcpy(&a, s + i, 8);
            memcpy(&b, s + i + 8, 8);
            memcpy(&d, s + i + 16, 8);
            memcpy(&e, s + i + 24, 8);
            if ((a | b | d | e) & HIGH_BITS)
                break;
        }
        for (; i + 8 <= n; i += 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (w & HIGH_BITS) {
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                i += (size_t)__builtin_ctzll(w & HIGH_BITS) >> 3; /* the first high byte */
#endif
                break;
            }
        }
        while (i < n && s[i] < 0x80)
            i++;
        if (i == n)
            break;
        c = s[i];
        if ((c & 0xE0) == 0xC0) {
            len = 2, cp = c & 0x1F, least = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, cp = c & 0x0F, least = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, cp = c & 0x07, least = 0x10000;
        } else {
            return 0;
        }
        if (n - i < len)
            return 0;
        for (k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i + k] & 0x3F);
        }
        if (cp < least || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* Append c (NULL: missing) to a text leaf: its UTF-8, or for another JSON
 * scalar the UTF-8 of its str() */
static int
text_append(jobo_state *st, leaf *l, const cJSON *c)
{
    PyObject *tmp = NULL;
    const char *s = NULL;
    Py_ssize_t n = 0;
    int32_t end;
    int ok = 1, rc = -1;
    if (c == NULL || (c->type & 0xFF) == cJSON_NULL || (c->type & 0xFF) == cJSON_Object ||
        (c->type & 0xFF) == cJSON_Array) {
        ok = 0;
    } else if (is_string(c) &&
               (n = (Py_ssize_t)strlen(c->valuestring),
                utf8_valid((const unsigned char *)c->valuestring, (size_t)n))) {
        s = c->valuestring;
    } else {
        PyObject *v = jobo_decode(st, c); /* a str (U+FFFD in place), or a number */
        if (v == NULL)
            goto done;
        tmp = PyObject_Str(v);
        Py_DECREF(v);
        if (tmp == NULL || (s = PyUnicode_AsUTF8AndSize(tmp, &n)) == NULL)
            goto done;
    }
    if (n > INT32_MAX - l->data.len) {
        PyErr_SetString(PyExc_OverflowError, "job_columns: over 2 GiB of text in one column");
        goto done;
    }
    if (n > 0 && obuf_put(&l->data, s, n) < 0)
        goto done;
    end = (int32_t)l->data.len;
    if (obuf_put(&l->offsets, &end, 4) < 0 || bit_put(&l->valid, ok) < 0)
        goto done;
    rc = 0;
done:
    Py_XDECREF(tmp);
    return rc;
}

static int
float_append(leaf *l, const cJSON *c)
{
    double d = NAN;
    int ok = float_value(c, &d);
    if (!ok)
        d = NAN;
    return obuf_put(&l->data, &d, 8) < 0 || bit_put(&l->valid, ok) < 0 ? -1 : 0;
}

static int
time_append(jobo_state *st, leaf *l, const cJSON *c, PyObject *parse_time)
{
    int64_t t = 0;
    int rc = time_value(st, c, parse_time, &t);
    if (rc < 0)
        return -1;
    if (rc == 0)
        t = 0;
    return obuf_put(&l->data, &t, 8) < 0 || bit_put(&l->valid, rc) < 0 ? -1 : 0;
}

static int
bool_append(leaf *l, const cJSON *c)
{
    int type = c != NULL ? (c->type & 0xFF) : cJSON_NULL;
    int ok = type == cJSON_True || type == cJSON_False;
    return bit_put(&l->bits, type == cJSON_True) < 0 || bit_put(&l->valid, ok) < 0 ? -1 : 0;
}

/* a struct field (COL_STR or COL_FLOAT) */
static int
leaf_append(jobo_state *st, leaf *l, const cJSON *c)
{
    if (c != NULL && (c->type & 0xFF) == cJSON_NULL)
        c = NULL;
    return l->kind == COL_FLOAT ? float_append(l, c) : text_append(st, l, c);
}

/* the end of this row's list */
static int
list_end(column *col)
{
    return obuf_put(&col->list_offsets, &col->items, 4);
}

/* the items of arr (or their member key) that are strings */
static int
text_list(jobo_state *st, const cJSON *arr, column *col, const char *key)
{
    const cJSON *e;
    if (arr != NULL && (arr->type & 0xFF) == cJSON_Array)
        for (e = arr->child; e != NULL; e = e->next) {
            const cJSON *v = key == NULL ? e : member(e, key);
            if (!is_string(v))
                continue;
            if (col->items == INT32_MAX) {
                PyErr_SetString(PyExc_OverflowError, "job_columns: over 2**31 list items");
                return -1;
            }
            if (text_append(st, &col->values, v) < 0)
                return -1;
            col->items++;
        }
    return list_end(col);
}

/* the objects of arr, each a struct of the sub keys */
static int
struct_list(jobo_state *st, const cJSON *arr, column *col)
{
    const cJSON *e;
    if (arr != NULL && (arr->type & 0xFF) == cJSON_Array)
        for (e = arr->child; e != NULL; e = e->next) {
            int i;
            if ((e->type & 0xFF) != cJSON_Object)
                continue;
            if (col->items == INT32_MAX) {
                PyErr_SetString(PyExc_OverflowError, "job_columns: over 2**31 list items");
                return -1;
            }
            col->items++;
            for (i = 0; i < col->nsub; i++)
                if (leaf_append(st, &col->child[i], member(e, col->sub[i])) < 0)
                    return -1;
        }
    return list_end(col);
}

static int
read_value(jobo_state *st, const cJSON *top, column *col, PyObject *parse_time)
{
    const cJSON *c = follow(top, col);
    switch (col->kind) {
    case COL_STR:
        return text_append(st, &col->values, c);
    case COL_BOOL:
        return bool_append(&col->values, c);
    case COL_FLOAT:
        return float_append(&col->values, c);
    case COL_DATETIME:
        return time_append(st, &col->values, c, parse_time);
    case COL_STR_LIST:
        return text_list(st, c, col, NULL);
    case COL_NAMES:
        return text_list(st, c, col, col->sub[0]);
    case COL_FIRST: {
        const cJSON *first = NULL, *e;
        if (c != NULL && (c->type & 0xFF) == cJSON_Array)
            for (e = c->child; e != NULL && first == NULL; e = e->next)
                if ((e->type & 0xFF) == cJSON_Object)
                    first = e;
        return leaf_append(st, &col->values, member(first, col->sub[0]));
    }
    case COL_STRUCTS:
        return struct_list(st, c, col);
    default:
        PyErr_SetString(PyExc_ValueError, "job_columns: unknown column kind");
        return -1;
    }
}

/* ---- the plan -------------------------------------------------------------- */

static const char *
key_text(PyObject *k)
{
    if (!PyUnicode_Check(k)) {
        PyErr_SetString(PyExc_TypeError, "job_columns: keys of the plan must be str");
        return NULL;
    }
    return PyUnicode_AsUTF8(k);
}

static int
is_list_kind(int kind)
{
    return kind == COL_STR_LIST || kind == COL_NAMES || kind == COL_STRUCTS;
}

/* Reads one entry of the plan into col and makes its buffers. */
static int
column_init(PyObject *entry, column *col)
{
    PyObject *path, *sub;
    Py_ssize_t i;
    int32_t zero = 0;
    memset(col, 0, sizeof(*col));
    if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 3 ||
        !PyTuple_Check(PyTuple_GET_ITEM(entry, 1)) || !PyTuple_Check(PyTuple_GET_ITEM(entry, 2))) {
        PyErr_SetString(PyExc_TypeError, "job_columns: a plan entry is (kind, path, sub)");
        return -1;
    }
    col->kind = (int)PyLong_AsLong(PyTuple_GET_ITEM(entry, 0));
    if (col->kind == -1 && PyErr_Occurred())
        return -1;
    path = PyTuple_GET_ITEM(entry, 1);
    sub = PyTuple_GET_ITEM(entry, 2);
    if (PyTuple_GET_SIZE(path) < 1 || PyTuple_GET_SIZE(path) > COL_MAX_PATH ||
        PyTuple_GET_SIZE(sub) > COL_MAX_SUB || col->kind < COL_STR || col->kind > COL_STRUCTS) {
        PyErr_SetString(PyExc_ValueError, "job_columns: a plan entry is out of range");
        return -1;
    }
    col->npath = (int)PyTuple_GET_SIZE(path);
    for (i = 0; i < col->npath; i++)
        if ((col->path[i] = key_text(PyTuple_GET_ITEM(path, i))) == NULL)
            return -1;
    col->nsub = (int)PyTuple_GET_SIZE(sub);
    for (i = 0; i < col->nsub; i++) {
        PyObject *pair = PyTuple_GET_ITEM(sub, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            PyErr_SetString(PyExc_TypeError, "job_columns: a sub entry is (key, kind)");
            return -1;
        }
        if ((col->sub[i] = key_text(PyTuple_GET_ITEM(pair, 0))) == NULL)
            return -1;
        col->subkind[i] = (int)PyLong_AsLong(PyTuple_GET_ITEM(pair, 1));
        if (col->subkind[i] == -1 && PyErr_Occurred())
            return -1;
        if (col->subkind[i] != COL_STR && col->subkind[i] != COL_FLOAT) {
            PyErr_SetString(PyExc_ValueError, "job_columns: a sub key is text or a float");
            return -1;
        }
    }
    if ((col->kind == COL_NAMES || col->kind == COL_FIRST || col->kind == COL_STRUCTS) &&
        col->nsub < 1) {
        PyErr_SetString(PyExc_ValueError, "job_columns: this kind of column needs sub keys");
        return -1;
    }
    if (is_list_kind(col->kind) &&
        (obuf_init(&col->list_offsets) < 0 || obuf_put(&col->list_offsets, &zero, 4) < 0))
        return -1;
    if (col->kind == COL_STRUCTS) {
        for (i = 0; i < col->nsub; i++)
            if (leaf_init(&col->child[i], col->subkind[i]) < 0)
                return -1;
        return 0;
    }
    /* the values: text for the text kinds, else the kind itself */
    return leaf_init(&col->values, col->kind == COL_FLOAT      ? COL_FLOAT
                                   : col->kind == COL_BOOL     ? COL_BOOL
                                   : col->kind == COL_DATETIME ? COL_DATETIME
                                                               : COL_STR);
}

static void
column_clear(column *col)
{
    int i;
    leaf_clear(&col->values);
    Py_CLEAR(col->list_offsets.ba);
    for (i = 0; i < COL_MAX_SUB; i++)
        leaf_clear(&col->child[i]);
}

/* what the column returns (see the top of the file) */
static PyObject *
column_take(column *col)
{
    PyObject *offsets, *inner;
    int i;
    if (!is_list_kind(col->kind))
        return leaf_take(&col->values);
    if ((offsets = obuf_take(&col->list_offsets)) == NULL)
        return NULL;
    if (col->kind != COL_STRUCTS) {
        if ((inner = leaf_take(&col->values)) == NULL) {
            Py_DECREF(offsets);
            return NULL;
        }
        return Py_BuildValue("(NN)", offsets, inner);
    }
    if ((inner = PyList_New(col->nsub)) == NULL) {
        Py_DECREF(offsets);
        return NULL;
    }
    for (i = 0; i < col->nsub; i++) {
        PyObject *o = leaf_take(&col->child[i]);
        if (o == NULL) {
            Py_DECREF(offsets);
            Py_DECREF(inner);
            return NULL;
        }
        PyList_SET_ITEM(inner, i, o);
    }
    return Py_BuildValue("(NiN)", offsets, (int)col->items, inner);
}

static PyObject *
job_columns(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    jobo_state *st = jobo_get_state(module);
    PyObject *jobs, *plan, *parse_time, *doc = NULL, *result = NULL;
    column *cols = NULL;
    key_table *keys = NULL;
    Py_ssize_t ncols = 0, i, j, n;
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "job_columns(jobs, plan, parse_time) takes 3 arguments");
        return NULL;
    }
    jobs = args[0];
    plan = args[1];
    parse_time = args[2];
    if (!PyList_Check(jobs) || !PyTuple_Check(plan) || !PyCallable_Check(parse_time)) {
        PyErr_SetString(PyExc_TypeError, "job_columns(list, tuple, callable)");
        return NULL;
    }
    n = PyList_GET_SIZE(jobs);
    for (j = 0; j < n; j++)
        if (jobo_record_node(st, PyList_GET_ITEM(jobs, j), &doc) == NULL) {
            PyErr_Format(PyExc_TypeError, "job_columns: item %zd is not a view of a response", j);
            return NULL;
        }
    ncols = PyTuple_GET_SIZE(plan);
    if (ncols > KEY_SLOTS / 2) {
        PyErr_SetString(PyExc_ValueError, "job_columns: too many columns");
        return NULL;
    }
    cols = PyMem_Calloc((size_t)(ncols ? ncols : 1), sizeof(column));
    keys = PyMem_Calloc(1, sizeof(key_table));
    if (cols == NULL || keys == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    key_table_init(keys);
    for (i = 0; i < ncols; i++) {
        if (column_init(PyTuple_GET_ITEM(plan, i), &cols[i]) < 0)
            goto done;
        if (key_table_add(keys, cols[i].path[0], &cols[i].slot) < 0) {
            PyErr_SetString(PyExc_ValueError, "job_columns: too many columns");
            goto done;
        }
    }
    /* the list can only shrink or change through Python code, which the loop
     * runs only in parse_time: take a copy of the items */
    jobs = PySequence_List(jobs);
    if (jobs == NULL)
        goto done;
    for (j = 0; j < PyList_GET_SIZE(jobs); j += FILL_BATCH) {
        const cJSON *nodes[FILL_BATCH];
        PyObject *docs[FILL_BATCH];
        int m = 0, b, rc = 0;
        /* parse_time runs Python code, which could turn a view into a
         * dict-backed model: hold the trees of the batch */
        for (; m < FILL_BATCH && j + m < PyList_GET_SIZE(jobs); m++) {
            nodes[m] = jobo_record_node(st, PyList_GET_ITEM(jobs, j + m), &doc);
            if (nodes[m] == NULL) {
                PyErr_SetString(PyExc_RuntimeError, "job_columns: a job stopped being a view");
                rc = -1;
                break;
            }
            docs[m] = Py_NewRef(doc);
        }
        if (rc == 0)
            key_table_fill(keys, nodes, m);
        for (b = 0; b < m && rc == 0; b++)
            for (i = 0; i < ncols && rc == 0; i++)
                rc = read_value(st, keys->found[b][cols[i].slot], &cols[i], parse_time);
        for (b = 0; b < m; b++)
            Py_DECREF(docs[b]);
        if (rc < 0) {
            Py_DECREF(jobs);
            goto done;
        }
    }
    Py_DECREF(jobs);
    if ((result = PyList_New(ncols)) == NULL)
        goto done;
    for (i = 0; i < ncols; i++) {
        PyObject *o = column_take(&cols[i]);
        if (o == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, i, o);
    }
done:
    if (cols != NULL)
        for (i = 0; i < ncols; i++)
            column_clear(&cols[i]);
    PyMem_Free(cols);
    PyMem_Free(keys);
    return result;
}

static PyMethodDef jobo_columns_methods[] = {
    {"job_columns", (PyCFunction)(void (*)(void))job_columns, METH_FASTCALL,
     "job_columns(jobs: list, plan: tuple, parse_time) -> list\n\nThe columns of a table of\n"
     "jobs (views of responses) as Arrow buffers, read from their parsed JSON in one pass\n"
     "(frames.py)."},
    {NULL, NULL, 0, NULL},
};

int
jobo_columns_init(PyObject *module)
{
    if (PyModule_AddIntMacro(module, COL_STR) < 0 || PyModule_AddIntMacro(module, COL_FLOAT) < 0 ||
        PyModule_AddIntMacro(module, COL_BOOL) < 0 ||
        PyModule_AddIntMacro(module, COL_DATETIME) < 0 ||
        PyModule_AddIntMacro(module, COL_STR_LIST) < 0 ||
        PyModule_AddIntMacro(module, COL_NAMES) < 0 || PyModule_AddIntMacro(module, COL_FIRST) < 0 ||
        PyModule_AddIntMacro(module, COL_STRUCTS) < 0)
        return -1;
    return PyModule_AddFunctions(module, jobo_columns_methods);
}
