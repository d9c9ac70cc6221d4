/* columns.c: the columns of a table of jobs, read straight from parsed trees.
 *
 * DataFrames and Arrow tables (jobo_enterprise.frames) are built column by
 * column. _core.job_columns(jobs, plan, parse_time, arrow) walks the parsed
 * JSON of each job (a view of a response) once and appends each value to the
 * output of its column, so no dict, model or nested view is made per job:
 *
 *   plan: a tuple with one entry per column, (kind, path, sub), where path is
 *         the tuple of object keys leading from a job to the value and sub a
 *         tuple of (key, kind) pairs for the members read from the objects of
 *         a list (COL_NAMES, COL_FIRST: one key; COL_STRUCTS: the fields).
 *
 * The output is a list with one entry per column. For a DataFrame (arrow false):
 *
 *   COL_STR        list of str / None (another JSON scalar: its str())
 *   COL_BOOL       list of True / False / None
 *   COL_FLOAT      (bytearray of float64, bytearray of validity bytes 0/1);
 *                  a missing value is NaN with validity 0
 *   COL_DATETIME   (bytearray of int64 microseconds since the epoch, UTC,
 *                  bytearray of validity bytes); missing is INT64_MIN (NaT)
 *   COL_STR_LIST   list of lists of str (absent: [])
 *   COL_NAMES      list of lists: the sub key of each object of the array
 *   COL_FIRST      list of str / None: the sub key of the array's first object
 *   COL_STRUCTS    list of lists of dicts keyed by the sub keys
 *
 * For an Arrow table (arrow true) no str is made: text goes out in Arrow's
 * layout, a "text" being (bytearray of int32 offsets, bytearray of UTF-8
 * data, bytearray of validity bytes). COL_STR and COL_FIRST give a text;
 * COL_STR_LIST and COL_NAMES (bytearray of int32 list lengths, a text of all
 * the items); COL_STRUCTS (bytearray of int32 list lengths, [one text or
 * number pair per sub key, over all objects of all jobs]). Numbers and
 * booleans are as above.
 *
 * A value of an unexpected JSON type reads as missing, except date-times in
 * another text form (or a number), which go through parse_time(value) ->
 * int microseconds or None: the same reading as the models' parse_datetime.
 * Invalid UTF-8 reads with U+FFFD in place, as everywhere in the decoder.
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

/* a column of text in Arrow's layout; the bytearrays are borrowed from the
 * column's output */
typedef struct {
    PyObject *offsets, *data, *valid;
    int32_t end;                    /* the last offset */
} textbuf;

typedef struct str_cache str_cache;

typedef struct {
    int kind;
    int arrow;                      /* Arrow layout (no str made) */
    str_cache *strs;                /* shared by the columns of one call */
    int slot;                       /* of path[0] in the key table */
    int npath, nsub;
    const char *path[COL_MAX_PATH];
    const char *sub[COL_MAX_SUB];
    int subkind[COL_MAX_SUB];
    PyObject *subname[COL_MAX_SUB]; /* borrowed from the plan */
    PyObject *out;                  /* owned: what the column returns */
    PyObject *list;                 /* borrowed: the list to append to, if any */
    PyObject *data, *valid;         /* borrowed bytearrays (numbers, lengths) */
    textbuf text;                   /* Arrow: the column's (or its items') text */
    PyObject *child[COL_MAX_SUB];   /* borrowed outputs of the struct fields */
    PyObject *child_valid[COL_MAX_SUB];
    textbuf child_text[COL_MAX_SUB];
} column;

/* ---- reading the tree ---------------------------------------------------- */

/* The members of a job are found in one walk over them: each member's key is
 * hashed into a small open-addressing table of the first keys of the plan's
 * paths (a lookup per column would walk the member list again and again, and
 * a page of jobs is megabytes of tree, mostly out of cache). */
#define KEY_SLOTS 128 /* power of two, > 2 * the plan's first keys */

typedef struct {
    const char *key[KEY_SLOTS];
    const cJSON *found[KEY_SLOTS];
} key_table;

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

/* found[slot] = the job's first member with that key, for every planned key */
static void
key_table_fill(key_table *t, const cJSON *job)
{
    const cJSON *c;
    memset(t->found, 0, sizeof(t->found));
    for (c = job->child; c != NULL; c = c->next) {
        int i;
        if (c->string == NULL)
            continue;
        i = key_slot(t, c->string);
        if (i >= 0 && t->key[i] != NULL && t->found[i] == NULL)
            t->found[i] = c;
    }
}

static const cJSON *
member(const cJSON *obj, const char *k)
{
    const cJSON *c;
    if (obj == NULL || (obj->type & 0xFF) != cJSON_Object)
        return NULL;
    for (c = obj->child; c != NULL; c = c->next)
        if (c->string != NULL && c->string[0] == k[0] && strcmp(c->string, k) == 0)
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

/* Short ASCII strings repeat across jobs (company names, work models, skills,
 * benefits, industries): one str object serves every cell with the same text
 * (as pyarrow's to_pandas does), a direct-mapped cache per call. */
#define STR_CACHE_SLOTS 4096 /* power of two */
#define STR_CACHE_MAXLEN 64

struct str_cache {
    PyObject *str[STR_CACHE_SLOTS];
};

static PyObject *
text_object(str_cache *cache, const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    size_t i;
    PyObject *o;
    if (cache == NULL || n > STR_CACHE_MAXLEN)
        return jobo_str_from_utf8(s, (Py_ssize_t)n);
    for (i = 0; i < n; i++) {
        if ((unsigned char)s[i] & 0x80)
            return jobo_str_from_utf8(s, (Py_ssize_t)n);
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    }
    o = cache->str[h & (STR_CACHE_SLOTS - 1)];
    if (o != NULL && PyUnicode_GET_LENGTH(o) == (Py_ssize_t)n &&
        memcmp(PyUnicode_1BYTE_DATA(o), s, n) == 0)
        return Py_NewRef(o);
    if ((o = jobo_str_from_utf8(s, (Py_ssize_t)n)) == NULL)
        return NULL;
    Py_XSETREF(cache->str[h & (STR_CACHE_SLOTS - 1)], Py_NewRef(o));
    return o;
}

static PyObject *
str_value(jobo_state *st, str_cache *cache, const cJSON *c)
{
    PyObject *v, *s;
    if (c == NULL || (c->type & 0xFF) == cJSON_NULL)
        Py_RETURN_NONE;
    if (is_string(c))
        return text_object(cache, c->valuestring, strlen(c->valuestring));
    if ((c->type & 0xFF) == cJSON_Object || (c->type & 0xFF) == cJSON_Array)
        Py_RETURN_NONE;
    if ((v = jobo_decode(st, c)) == NULL)
        return NULL;
    s = PyObject_Str(v);
    Py_DECREF(v);
    return s;
}

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

static PyObject *
float_object(const cJSON *c)
{
    double d;
    if (!float_value(c, &d))
        Py_RETURN_NONE;
    return PyFloat_FromDouble(d);
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

/* ---- outputs -------------------------------------------------------------- */

static int
append_bytes(PyObject *buf, const void *p, Py_ssize_t n)
{
    Py_ssize_t size = PyByteArray_GET_SIZE(buf);
    if (PyByteArray_Resize(buf, size + n) < 0)
        return -1;
    memcpy(PyByteArray_AS_STRING(buf) + size, p, (size_t)n);
    return 0;
}

static int
append_new(PyObject *list, PyObject *v)
{
    int rc;
    if (v == NULL)
        return -1;
    rc = PyList_Append(list, v);
    Py_DECREF(v);
    return rc;
}

/* 1 if s[0:n] is well-formed UTF-8 (no overlong forms, no surrogates) */
static int
utf8_valid(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len, k;
        uint32_t cp, least;
        if (i + 8 <= n) { /* ASCII runs, 8 bytes at a time */
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (!(w & 0x8080808080808080ULL)) {
                i += 8;
                continue;
            }
        }
        if (c < 0x80) {
            i++;
            continue;
        }
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

/* Append c (NULL: missing) to a text column: its UTF-8, or for another JSON
 * scalar the UTF-8 of its str() */
static int
text_append(jobo_state *st, textbuf *t, const cJSON *c)
{
    PyObject *tmp = NULL;
    const char *s = NULL;
    Py_ssize_t n = 0;
    char ok = 1;
    int rc = -1;
    if (c == NULL || (c->type & 0xFF) == cJSON_NULL || (c->type & 0xFF) == cJSON_Object ||
        (c->type & 0xFF) == cJSON_Array) {
        ok = 0;
    } else if (is_string(c) && utf8_valid((const unsigned char *)c->valuestring,
                                          strlen(c->valuestring))) {
        s = c->valuestring;
        n = (Py_ssize_t)strlen(s);
    } else {
        if ((tmp = str_value(st, NULL, c)) == NULL || (s = PyUnicode_AsUTF8AndSize(tmp, &n)) == NULL)
            goto done;
    }
    if (n > INT32_MAX - t->end) {
        PyErr_SetString(PyExc_OverflowError, "job_columns: over 2 GiB of text in one column");
        goto done;
    }
    if ((n > 0 && append_bytes(t->data, s, n) < 0))
        goto done;
    t->end += (int32_t)n;
    if (append_bytes(t->offsets, &t->end, 4) < 0 || append_bytes(t->valid, &ok, 1) < 0)
        goto done;
    rc = 0;
done:
    Py_XDECREF(tmp);
    return rc;
}

static int
append_float(PyObject *data, PyObject *valid, const cJSON *c)
{
    double d = NAN;
    char ok = (char)float_value(c, &d);
    if (!ok)
        d = NAN;
    return append_bytes(data, &d, 8) < 0 || append_bytes(valid, &ok, 1) < 0 ? -1 : 0;
}

/* one value of a struct field (COL_STR -> str, COL_FLOAT -> float) */
static PyObject *
sub_value(jobo_state *st, str_cache *cache, const cJSON *c, int kind)
{
    if (c != NULL && (c->type & 0xFF) == cJSON_NULL)
        c = NULL;
    return kind == COL_FLOAT ? float_object(c) : str_value(st, cache, c);
}

static PyObject *
str_list(jobo_state *st, str_cache *cache, const cJSON *arr, const char *key)
{
    PyObject *list = PyList_New(0);
    const cJSON *e;
    if (list == NULL || arr == NULL || (arr->type & 0xFF) != cJSON_Array) {
        if (list != NULL)
            PyObject_GC_UnTrack(list);
        return list;
    }
    for (e = arr->child; e != NULL; e = e->next) {
        const cJSON *v = key == NULL ? e : member(e, key);
        if (is_string(v) && append_new(list, str_value(st, cache, v)) < 0) {
            Py_DECREF(list);
            return NULL;
        }
    }
    /* a list of str cannot be part of a cycle: like CPython does for tuples
     * of atomic values, keep it out of the collector's lists, which a table of
     * 100,000 jobs would otherwise fill with some 600,000 lists to traverse */
    PyObject_GC_UnTrack(list);
    return list;
}

/* Arrow: the items of arr (or their member key) to col->text, the count to
 * col->data */
static int
text_list(jobo_state *st, const cJSON *arr, column *col, const char *key)
{
    int32_t count = 0;
    const cJSON *e;
    if (arr != NULL && (arr->type & 0xFF) == cJSON_Array)
        for (e = arr->child; e != NULL; e = e->next) {
            const cJSON *v = key == NULL ? e : member(e, key);
            if (!is_string(v))
                continue;
            if (text_append(st, &col->text, v) < 0)
                return -1;
            count++;
        }
    return append_bytes(col->data, &count, 4);
}

static PyObject *
struct_list(jobo_state *st, const cJSON *arr, const column *col)
{
    PyObject *list = PyList_New(0);
    const cJSON *e;
    /* made of dicts of str and float, which CPython keeps out of the collector:
     * so is the list (see str_list) */
    if (list != NULL)
        PyObject_GC_UnTrack(list);
    if (list == NULL || arr == NULL || (arr->type & 0xFF) != cJSON_Array)
        return list;
    for (e = arr->child; e != NULL; e = e->next) {
        PyObject *d;
        int i;
        if ((e->type & 0xFF) != cJSON_Object)
            continue;
        if ((d = PyDict_New()) == NULL || append_new(list, d) < 0)
            goto error;
        for (i = 0; i < col->nsub; i++) {
            PyObject *v = sub_value(st, col->strs, member(e, col->sub[i]), col->subkind[i]);
            int rc = v == NULL ? -1 : PyDict_SetItem(d, col->subname[i], v);
            Py_XDECREF(v);
            if (rc < 0)
                goto error;
        }
    }
    return list;
error:
    Py_DECREF(list);
    return NULL;
}

static int
struct_flat(jobo_state *st, const cJSON *arr, column *col)
{
    int32_t n = 0;
    const cJSON *e;
    if (arr != NULL && (arr->type & 0xFF) == cJSON_Array) {
        for (e = arr->child; e != NULL; e = e->next) {
            int i;
            if ((e->type & 0xFF) != cJSON_Object)
                continue;
            n++;
            for (i = 0; i < col->nsub; i++) {
                const cJSON *v = member(e, col->sub[i]);
                if (v != NULL && (v->type & 0xFF) == cJSON_NULL)
                    v = NULL;
                if (col->subkind[i] == COL_FLOAT) {
                    if (append_float(col->child[i], col->child_valid[i], v) < 0)
                        return -1;
                } else if (text_append(st, &col->child_text[i], v) < 0) {
                    return -1;
                }
            }
        }
    }
    return append_bytes(col->data, &n, 4);
}

static int
read_value(jobo_state *st, const cJSON *top, column *col, PyObject *parse_time)
{
    const cJSON *c = follow(top, col);
    switch (col->kind) {
    case COL_STR:
        if (col->arrow)
            return text_append(st, &col->text, c);
        return append_new(col->list, str_value(st, col->strs, c));
    case COL_BOOL: {
        PyObject *v = Py_None;
        if (c != NULL && (c->type & 0xFF) == cJSON_True)
            v = Py_True;
        else if (c != NULL && (c->type & 0xFF) == cJSON_False)
            v = Py_False;
        return PyList_Append(col->list, v);
    }
    case COL_FLOAT:
        return append_float(col->data, col->valid, c);
    case COL_DATETIME: {
        int64_t t = INT64_MIN;
        int rc = time_value(st, c, parse_time, &t);
        char ok = (char)(rc == 1);
        if (rc < 0)
            return -1;
        if (!ok)
            t = INT64_MIN;
        return append_bytes(col->data, &t, 8) < 0 || append_bytes(col->valid, &ok, 1) < 0 ? -1
                                                                                         : 0;
    }
    case COL_STR_LIST:
        if (col->arrow)
            return text_list(st, c, col, NULL);
        return append_new(col->list, str_list(st, col->strs, c, NULL));
    case COL_NAMES:
        if (col->arrow)
            return text_list(st, c, col, col->sub[0]);
        return append_new(col->list, str_list(st, col->strs, c, col->sub[0]));
    case COL_FIRST: {
        const cJSON *first = NULL, *e;
        if (c != NULL && (c->type & 0xFF) == cJSON_Array)
            for (e = c->child; e != NULL && first == NULL; e = e->next)
                if ((e->type & 0xFF) == cJSON_Object)
                    first = e;
        c = member(first, col->sub[0]);
        if (col->arrow)
            return text_append(st, &col->text, c);
        return append_new(col->list, sub_value(st, col->strs, c, COL_STR));
    }
    case COL_STRUCTS:
        if (col->arrow)
            return struct_flat(st, c, col);
        return append_new(col->list, struct_list(st, c, col));
    default:
        PyErr_SetString(PyExc_ValueError, "job_columns: unknown column kind");
        return -1;
    }
}

/* ---- the plan -------------------------------------------------------------- */

static PyObject *
number_output(PyObject **data, PyObject **valid)
{
    PyObject *out;
    *data = PyByteArray_FromStringAndSize(NULL, 0);
    *valid = PyByteArray_FromStringAndSize(NULL, 0);
    if (*data == NULL || *valid == NULL) {
        Py_XDECREF(*data);
        Py_XDECREF(*valid);
        return NULL;
    }
    out = PyTuple_Pack(2, *data, *valid);
    Py_DECREF(*data);
    Py_DECREF(*valid);
    return out; /* *data and *valid stay alive through out */
}

/* (offsets, data, valid) of an empty text column; offsets start at 0 */
static PyObject *
text_output(textbuf *t)
{
    PyObject *out;
    t->end = 0;
    t->offsets = PyByteArray_FromStringAndSize("\0\0\0\0", 4);
    t->data = PyByteArray_FromStringAndSize(NULL, 0);
    t->valid = PyByteArray_FromStringAndSize(NULL, 0);
    out = t->offsets && t->data && t->valid ? PyTuple_Pack(3, t->offsets, t->data, t->valid)
                                            : NULL;
    Py_XDECREF(t->offsets);
    Py_XDECREF(t->data);
    Py_XDECREF(t->valid);
    return out; /* the bytearrays stay alive through out */
}

/* (bytearray of int32 lengths, inner) */
static PyObject *
lengths_output(column *col, PyObject *inner)
{
    PyObject *out = NULL;
    if (inner != NULL && (col->data = PyByteArray_FromStringAndSize(NULL, 0)) != NULL) {
        out = PyTuple_Pack(2, col->data, inner);
        Py_DECREF(col->data);
    }
    Py_XDECREF(inner);
    return out;
}

static const char *
key_text(PyObject *k)
{
    if (!PyUnicode_Check(k)) {
        PyErr_SetString(PyExc_TypeError, "job_columns: keys of the plan must be str");
        return NULL;
    }
    return PyUnicode_AsUTF8(k);
}

/* Reads one entry of the plan into col and makes its output. */
static int
column_init(PyObject *entry, column *col, int arrow)
{
    PyObject *path, *sub;
    Py_ssize_t i;
    memset(col, 0, sizeof(*col));
    col->arrow = arrow;
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
        col->subname[i] = PyTuple_GET_ITEM(pair, 0);
        if ((col->sub[i] = key_text(col->subname[i])) == NULL)
            return -1;
        col->subkind[i] = (int)PyLong_AsLong(PyTuple_GET_ITEM(pair, 1));
        if (col->subkind[i] == -1 && PyErr_Occurred())
            return -1;
    }
    if ((col->kind == COL_NAMES || col->kind == COL_FIRST || col->kind == COL_STRUCTS) &&
        col->nsub < 1) {
        PyErr_SetString(PyExc_ValueError, "job_columns: this kind of column needs sub keys");
        return -1;
    }
    if (col->kind == COL_FLOAT || col->kind == COL_DATETIME) {
        col->out = number_output(&col->data, &col->valid);
        return col->out == NULL ? -1 : 0;
    }
    if (arrow && (col->kind == COL_STR || col->kind == COL_FIRST)) {
        col->out = text_output(&col->text);
        return col->out == NULL ? -1 : 0;
    }
    if (arrow && (col->kind == COL_STR_LIST || col->kind == COL_NAMES)) {
        col->out = lengths_output(col, text_output(&col->text));
        return col->out == NULL ? -1 : 0;
    }
    if (arrow && col->kind == COL_STRUCTS) {
        PyObject *children = PyList_New(col->nsub);
        if (children == NULL)
            return -1;
        Py_INCREF(children); /* lengths_output takes one reference */
        col->out = lengths_output(col, children);
        for (i = 0; col->out != NULL && i < col->nsub; i++) {
            PyObject *o = col->subkind[i] == COL_FLOAT
                              ? number_output(&col->child[i], &col->child_valid[i])
                              : text_output(&col->child_text[i]);
            if (o == NULL)
                break;
            PyList_SET_ITEM(children, i, o);
        }
        Py_DECREF(children);
        return col->out == NULL || i < col->nsub ? -1 : 0;
    }
    col->out = col->list = PyList_New(0);
    return col->out == NULL ? -1 : 0;
}

static PyObject *
job_columns(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    jobo_state *st = jobo_get_state(module);
    PyObject *jobs, *plan, *parse_time, *doc = NULL, *result = NULL;
    column *cols = NULL;
    key_table *keys = NULL;
    str_cache *strs = NULL;
    Py_ssize_t ncols = 0, i, j, n;
    int arrow;
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError,
                        "job_columns(jobs, plan, parse_time, arrow) takes 4 arguments");
        return NULL;
    }
    jobs = args[0];
    plan = args[1];
    parse_time = args[2];
    if ((arrow = PyObject_IsTrue(args[3])) < 0)
        return NULL;
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
    strs = PyMem_Calloc(1, sizeof(str_cache));
    if (cols == NULL || keys == NULL || strs == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (i = 0; i < ncols; i++) {
        if (column_init(PyTuple_GET_ITEM(plan, i), &cols[i], arrow) < 0)
            goto done;
        cols[i].strs = strs;
        cols[i].slot = key_slot(keys, cols[i].path[0]);
        keys->key[cols[i].slot] = cols[i].path[0];
    }
    /* the list can only shrink or change through Python code, which the loop
     * runs only in parse_time: take a copy of the items */
    jobs = PySequence_List(jobs);
    if (jobs == NULL)
        goto done;
    for (j = 0; j < PyList_GET_SIZE(jobs); j++) {
        const cJSON *node = jobo_record_node(st, PyList_GET_ITEM(jobs, j), &doc);
        int rc = 0;
        if (node == NULL) {
            PyErr_SetString(PyExc_RuntimeError, "job_columns: a job stopped being a view");
            Py_DECREF(jobs);
            goto done;
        }
        /* parse_time runs Python code, which could turn the view into a
         * dict-backed model: hold the tree for the row */
        Py_INCREF(doc);
        key_table_fill(keys, node);
        for (i = 0; i < ncols && rc == 0; i++) {
            rc = read_value(st, keys->found[cols[i].slot], &cols[i], parse_time);
        }
        Py_DECREF(doc);
        if (rc < 0) {
            Py_DECREF(jobs);
            goto done;
        }
    }
    Py_DECREF(jobs);
    if ((result = PyList_New(ncols)) == NULL)
        goto done;
    for (i = 0; i < ncols; i++) {
        PyList_SET_ITEM(result, i, cols[i].out);
        cols[i].out = NULL;
    }
done:
    for (i = 0; i < ncols; i++)
        Py_XDECREF(cols[i].out);
    PyMem_Free(cols);
    PyMem_Free(keys);
    if (strs != NULL)
        for (i = 0; i < STR_CACHE_SLOTS; i++)
            Py_XDECREF(strs->str[i]);
    PyMem_Free(strs);
    return result;
}

static PyMethodDef jobo_columns_methods[] = {
    {"job_columns", (PyCFunction)(void (*)(void))job_columns, METH_FASTCALL,
     "job_columns(jobs: list, plan: tuple, parse_time, arrow: bool) -> list\n\nThe columns of a\n"
     "table of "
     "jobs (views of responses), read from their parsed JSON in one pass (frames.py)."},
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
