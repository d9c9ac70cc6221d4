/* decode.c: JSON text -> cJSON tree (GIL released) -> Python objects (GIL held).
 *
 * Objects become dicts, arrays lists (presized), strings str (ASCII fast path,
 * invalid UTF-8 replaced by U+FFFD), true/false bool, null None. A number that
 * is integral and within +-2^53 becomes int, any other number float (so
 * integers beyond 2^53 come back as float, the nearest double). Object keys
 * are interned through a small cache in the module state, keyed by length and
 * hash, so the same field names across thousands of jobs share one str.
 */
#include "jobo.h"

#include <math.h>
#include <string.h>

#define MAX_EXACT_INT 9007199254740992.0 /* 2^53 */

cJSON *
jobo_parse_nogil(const char *buf, size_t len)
{
    cJSON *tree;
    const char *end = NULL;
    if (len == 0)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    tree = cJSON_ParseWithLengthOpts(buf, len, &end, 0);
    if (tree != NULL) {
        /* only whitespace may follow the value */
        const char *stop = buf + len;
        while (end < stop && (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t'))
            end++;
        if (end != stop) {
            cJSON_Delete(tree);
            tree = NULL;
        }
    }
    Py_END_ALLOW_THREADS
    return tree;
}

void
jobo_delete_nogil(cJSON *tree)
{
    if (tree == NULL)
        return;
    Py_BEGIN_ALLOW_THREADS
    cJSON_Delete(tree);
    Py_END_ALLOW_THREADS
}

PyObject *
jobo_str_from_utf8(const char *s, Py_ssize_t n)
{
    Py_ssize_t i;
    PyObject *u;
    for (i = 0; i < n; i++)
        if ((unsigned char)s[i] & 0x80)
            return PyUnicode_DecodeUTF8(s, n, "replace");
    u = PyUnicode_New(n, 127);
    if (u == NULL)
        return NULL;
    memcpy(PyUnicode_1BYTE_DATA(u), s, (size_t)n);
    return u;
}

static PyObject *
decode_key(jobo_state *st, const char *s)
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
    if (d == floor(d) && fabs(d) <= MAX_EXACT_INT)
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
            k = decode_key(st, c->string ? c->string : "");
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
