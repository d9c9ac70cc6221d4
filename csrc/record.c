/* record.c: typed models as lazy views over a parsed JSON tree.
 *
 * A response body is parsed once, with the GIL released, into a cJSON tree
 * that lives in a per-parse arena (decode.c). Instead of turning the whole
 * tree into dicts and lists, the client wraps its root in a model object
 * whose class derives from Record: a Record in *view mode* points at a node
 * of the tree (and holds a reference to the Doc that owns the arena), and a
 * field becomes a Python object only when it is read:
 *
 *   - Field (the C base of models._Field) is a data descriptor for typed
 *     fields. Reading one finds the member in the node and converts it in C
 *     (int, float, UUID, ISO-8601 date-time, nested model, list of models,
 *     list of str, list of UUID); a value of an unexpected shape, and any
 *     record in dict mode, go through the field's Python _convert(), so the
 *     C path is only a faster route to the same values. A view keeps the
 *     result in its own __dict__ (one dict per record); a dict-mode record
 *     in its _cache dict, next to the raw JSON value.
 *   - PlainField is a non-data descriptor for str and bool fields: in view
 *     mode it decodes the member and stores it in the instance __dict__, so
 *     the next read is an ordinary instance-dict hit.
 *   - Reading __dict__ (to_dict, ==, pickling, repr, assignment) turns a view
 *     into an ordinary dict-backed record first ("materialises" it): typed
 *     values move to _cache, every member gets its raw JSON value (nested
 *     records already handed out give their own __dict__, so that they stay
 *     the data of their parent), and the node and Doc are dropped.
 *
 * Garbage collection: a view starts untracked by the cyclic GC, as CPython
 * does for dicts of atomic values. It cannot be part of a cycle while it only
 * holds the Doc and atomic values (str, numbers, UUID, datetime); it is
 * tracked as soon as it stores anything else (a list, a nested record) or
 * Python code gets hold of one of its dicts or sets an attribute.
 *
 * A record in *dict mode* (node == NULL) is exactly the model of models.py:
 * its __dict__ is the JSON object. Views never outlive their tree: every view
 * holds a strong reference to the Doc, and the tree is read-only after the
 * parse, so views may be read from any thread (with the GIL, like any
 * Python object).
 */
#include "jobo.h"

/* datetime.h declares a static PyDateTimeAPI pointer for its macros; they are
 * not used here (the C API table is kept in the module state), so the unused
 * variable is compiled away. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-variable"
#include <datetime.h>
#pragma GCC diagnostic pop
#include <math.h>
#include <string.h>
#include <structmember.h>

#define MAX_EXACT_INT 9007199254740992.0 /* 2^53 */

/* ---- Doc: owner of one parsed tree --------------------------------------- */

typedef struct {
    PyObject_HEAD
    cJSON *root;
    jobo_state *st;     /* state of the module that made it (outlives it) */
} DocObject;

static void
doc_dealloc(DocObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    self->st->live_docs--;
    jobo_free_tree(self->st, self->root); /* its block may serve the next parse */
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static PyType_Slot doc_slots[] = {
    {Py_tp_dealloc, (void *)doc_dealloc},
    {Py_tp_doc, (void *)"The parsed JSON tree of one response (internal)."},
    {0, NULL},
};

PyType_Spec jobo_doc_spec = {
    .name = "jobo_enterprise._core.Doc",
    .basicsize = sizeof(DocObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = doc_slots,
};

/* ---- Record -------------------------------------------------------------- */

#define RECORD_INLINE 6

typedef struct {
    PyObject_HEAD
    PyObject *dict;     /* instance __dict__ (tp_dictoffset); NULL in a view */
    PyObject *cache;    /* _cache: converted values (and usage), or NULL */
    PyObject *doc;      /* Doc owning node, or NULL in dict mode */
    const cJSON *node;  /* the JSON object viewed, or NULL in dict mode */
    const cJSON *hint;  /* member found last: lookups start there */
    Py_ssize_t hint_i;  /* its position */
    Py_ssize_t nvals;   /* size of vals (grows as members are read) */
    PyObject **vals;    /* values read so far, by member position: NULL,
                           inline_vals, or a PyMem block */
    PyObject *inline_vals[RECORD_INLINE]; /* enough for most nested objects */
    uint64_t refs;      /* bit i: vals[i] may reference other objects (is not
                           atomic); the collector visits only those, and any
                           i >= 64 */
} RecordObject;

#define RECORD_ST(r) (((DocObject *)(r)->doc)->st) /* views only */

static jobo_state *
state_of(PyObject *obj)
{
    PyObject *m = PyType_GetModuleByDef(Py_TYPE(obj), &jobo_module_def);
    return m == NULL ? NULL : jobo_get_state(m);
}

/* A new view of node (a JSON object) as an instance of cls. */
static PyObject *
record_view(PyTypeObject *cls, PyObject *doc, const cJSON *node)
{
    RecordObject *r;
    if (cls->tp_alloc == PyType_GenericAlloc && cls->tp_itemsize == 0) {
        /* PyType_GenericAlloc without the tracking (see "Garbage
         * collection" above), which would only be undone at once */
        r = PyObject_GC_New(RecordObject, cls);
        if (r == NULL)
            return NULL;
        memset((char *)r + sizeof(PyObject), 0, (size_t)cls->tp_basicsize - sizeof(PyObject));
    } else {
        r = (RecordObject *)cls->tp_alloc(cls, 0);
        if (r == NULL)
            return NULL;
        PyObject_GC_UnTrack(r);
    }
    r->doc = Py_NewRef(doc);
    r->node = node;
    return (PyObject *)r;
}

/* c's key is k (the first byte is compared inline: most keys differ there) */
#define KEY_IS(c, k) \
    ((c)->string != NULL && (c)->string[0] == (k)[0] && \
     ((k)[0] == '\0' || strcmp((c)->string + 1, (k) + 1) == 0))

/* Position of the member named k of the viewed object, or -1. Fields are
 * usually read in the order the server sends them (or the same one again), so
 * the search starts at the member found last and wraps around. */
static Py_ssize_t
record_find(RecordObject *r, const char *k)
{
    const cJSON *c = r->hint;
    Py_ssize_t i = r->hint_i;
    if (c == NULL) {
        c = r->node->child;
        i = 0;
    }
    for (; c != NULL; c = c->next, i++)
        if (KEY_IS(c, k))
            goto found;
    if (r->hint == NULL)
        return -1; /* the whole object was scanned */
    for (c = r->node->child, i = 0; c != NULL && c != r->hint; c = c->next, i++)
        if (KEY_IS(c, k))
            goto found;
    return -1;
found:
    r->hint = c;
    r->hint_i = i;
    return i;
}

/* The UTF-8 text of a field name (a str): an ASCII name, as every field's
 * is, is its own UTF-8, read without a call. */
#define KEY_UTF8(name) \
    (PyUnicode_IS_COMPACT_ASCII(name) ? (const char *)PyUnicode_DATA(name) \
                                      : PyUnicode_AsUTF8(name))

/* record_find for a field descriptor, which remembers in *pos where its member
 * was in the last object read. The objects of one class nearly always list
 * their members in the same order, so the member is looked for at that
 * position first, stepping there from the last member found (or from the
 * first) without comparing keys on the way; a miss searches by key and moves
 * the descriptor's position. */
static Py_ssize_t
record_find_at(RecordObject *r, const char *k, Py_ssize_t *pos)
{
    Py_ssize_t want = *pos, i;
    const cJSON *c;
    if (want >= 0) {
        if (r->hint != NULL && r->hint_i <= want) {
            c = r->hint;
            i = r->hint_i;
        } else {
            c = r->node->child;
            i = 0;
        }
        for (; c != NULL && i < want; c = c->next)
            i++;
        if (c != NULL && KEY_IS(c, k)) {
            r->hint = c;
            r->hint_i = i;
            return i;
        }
    }
    i = record_find(r, k);
    if (i >= 0)
        *pos = i;
    return i;
}

/* v is what the decoder makes of a JSON string, number, true/false or null */
static int
is_json_scalar(PyObject *v)
{
    return PyUnicode_CheckExact(v) || v == Py_None || PyBool_Check(v) || PyLong_CheckExact(v) ||
           PyFloat_CheckExact(v);
}

/* v cannot reference other objects: a JSON scalar, or a datetime or (untracked)
 * UUID built by the conversions */
static int
is_atomic(jobo_state *st, PyObject *v)
{
    return is_json_scalar(v) ||
           (st->uuid_type != NULL && Py_IS_TYPE(v, (PyTypeObject *)st->uuid_type)) ||
           (st->datetime_api != NULL &&
            Py_IS_TYPE(v, ((PyDateTime_CAPI *)st->datetime_api)->DateTimeType));
}

static void
record_track(RecordObject *r)
{
    if (!PyObject_GC_IsTracked((PyObject *)r))
        PyObject_GC_Track(r);
}

/* The value already read for member i of a view (borrowed), or NULL. */
static inline PyObject *
record_val(RecordObject *r, Py_ssize_t i)
{
    return i < r->nvals ? r->vals[i] : NULL;
}

/* Keep v (a new reference, stolen) as the value of member i of a view and
 * return it (a new reference), or NULL. Tracks the record unless v is atomic.
 * If the record stopped being a view meanwhile (code run by an allocation,
 * such as a finaliser, read its __dict__), v is returned without being kept. */
static PyObject *
record_keep(jobo_state *st, RecordObject *r, Py_ssize_t i, PyObject *v)
{
    if (v == NULL || r->node == NULL)
        return v;
    if (i >= r->nvals) {
        /* the inline slots first, then a block grown to a power of two that
         * holds i (counting the members up front would walk a linked list of
         * cold nodes) */
        Py_ssize_t n = 16;
        PyObject **vals;
        if (r->vals == NULL && i < RECORD_INLINE) {
            r->vals = r->inline_vals;
            r->nvals = RECORD_INLINE;
            goto store;
        }
        while (n <= i)
            n *= 2;
        if (r->vals == r->inline_vals) {
            vals = PyMem_Malloc((size_t)n * sizeof(PyObject *));
            if (vals != NULL)
                memcpy(vals, r->inline_vals, sizeof(r->inline_vals));
        } else {
            vals = PyMem_Realloc(r->vals, (size_t)n * sizeof(PyObject *));
        }
        if (vals == NULL) {
            Py_DECREF(v);
            return PyErr_NoMemory();
        }
        memset(vals + r->nvals, 0, (size_t)(n - r->nvals) * sizeof(PyObject *));
        r->vals = vals;
        r->nvals = n;
    }
store:
    Py_XSETREF(r->vals[i], Py_NewRef(v));
    if (is_atomic(st, v)) {
        if (i < 64)
            r->refs &= ~((uint64_t)1 << i);
    } else {
        if (i < 64)
            r->refs |= (uint64_t)1 << i;
        record_track(r);
    }
    return v;
}

/* Member i (node c) of a view as it is in JSON, decoded and kept. The Doc
 * is held while decoding: an allocation may run code that ends the view. */
static PyObject *
record_raw(RecordObject *r, Py_ssize_t i, const cJSON *c)
{
    PyObject *v = record_val(r, i), *doc;
    jobo_state *st = RECORD_ST(r);
    if (v != NULL)
        return Py_NewRef(v);
    doc = Py_NewRef(r->doc);
    if ((c->type & 0xFF) == cJSON_String && c->valuestring != NULL)
        v = jobo_str_from_utf8(c->valuestring, (Py_ssize_t)strlen(c->valuestring));
    else
        v = jobo_decode(st, c);
    v = record_keep(st, r, i, v);
    Py_DECREF(doc);
    return v;
}

static int
ensure_dict(RecordObject *r)
{
    if (r->dict == NULL && (r->dict = PyDict_New()) == NULL)
        return -1;
    return 0;
}

/* Drop the values of vals (r's inline slots or a block of its own) and the block. */
static void
free_vals(RecordObject *r, PyObject **vals, Py_ssize_t nvals)
{
    Py_ssize_t i;
    if (vals == NULL)
        return;
    for (i = 0; i < nvals; i++)
        Py_CLEAR(vals[i]);
    if (vals != r->inline_vals)
        PyMem_Free(vals);
}

static void
record_drop_view(RecordObject *r)
{
    PyObject **vals = r->vals;
    Py_ssize_t nvals = r->nvals;
    r->vals = NULL;
    r->nvals = 0;
    free_vals(r, vals, nvals);
    r->refs = 0;
    r->node = NULL;
    r->hint = NULL;
    r->hint_i = 0;
    Py_CLEAR(r->doc);
}

static int record_materialize(jobo_state *st, RecordObject *r);

/* The raw JSON value of member c, for materialising, given the typed value
 * already handed out for it: a record gives its own (materialised) __dict__,
 * a list of records a list of their dicts, a list of JSON scalars is the same
 * list object; anything else is decoded again from the tree. */
static PyObject *
raw_for_member(jobo_state *st, const cJSON *c, PyObject *typed)
{
    if (PyObject_TypeCheck(typed, st->RecordType)) {
        RecordObject *sub = (RecordObject *)typed;
        if (record_materialize(st, sub) < 0 || ensure_dict(sub) < 0)
            return NULL;
        return Py_NewRef(sub->dict);
    }
    if (PyList_CheckExact(typed) && cJSON_IsArray(c)) {
        Py_ssize_t n = PyList_GET_SIZE(typed), i, records = 0, scalars = 0;
        for (i = 0; i < n; i++) {
            PyObject *v = PyList_GET_ITEM(typed, i);
            if (PyObject_TypeCheck(v, st->RecordType))
                records++;
            else if (is_json_scalar(v))
                scalars++;
        }
        if (scalars == n)
            return Py_NewRef(typed);
        if (records == n) {
            /* a snapshot: materialising may run code that changes the list */
            PyObject *items = PyList_GetSlice(typed, 0, n), *list = PyList_New(n);
            if (items == NULL || list == NULL) {
                Py_XDECREF(items);
                Py_XDECREF(list);
                return NULL;
            }
            for (i = 0; i < n; i++) {
                RecordObject *sub = (RecordObject *)PyList_GET_ITEM(items, i);
                if (record_materialize(st, sub) < 0 || ensure_dict(sub) < 0) {
                    Py_DECREF(items);
                    Py_DECREF(list);
                    return NULL;
                }
                PyList_SET_ITEM(list, i, Py_NewRef(sub->dict));
            }
            Py_DECREF(items);
            return list;
        }
    }
    return jobo_decode(st, c);
}

/* View mode -> dict mode. __dict__ gets every member's raw JSON value; the
 * values of typed fields read so far move to _cache. The record leaves view
 * mode before any value is built (an allocation may run arbitrary code, which
 * must not see a half-converted view); on failure it goes back to it. */
static int
record_materialize(jobo_state *st, RecordObject *r)
{
    const cJSON *c, *node = r->node;
    PyObject *doc = r->doc, **vals = r->vals;
    Py_ssize_t i = 0, nvals = r->nvals;
    int ok = -1;
    if (node == NULL)
        return 0;
    record_track(r);
    if (ensure_dict(r) < 0)
        return -1;
    st->materialized++;
    r->node = NULL; /* detached: the references are ours until the end */
    r->doc = NULL;
    r->vals = NULL;
    r->nvals = 0;
    r->hint = NULL;
    r->hint_i = 0;
    r->refs = 0;
    for (c = node->child; c != NULL; c = c->next, i++) {
        PyObject *key, *have = i < nvals ? vals[i] : NULL, *raw;
        int rc;
        key = jobo_decode_key(st, c->string != NULL ? c->string : "");
        if (key == NULL)
            goto done;
        if (have == NULL) {
            raw = jobo_decode(st, c);
        } else {
            PyObject *descr = _PyType_Lookup(Py_TYPE(r), key);
            if (descr != NULL && PyObject_TypeCheck(descr, st->FieldType)) {
                if (r->cache == NULL && (r->cache = PyDict_New()) == NULL) {
                    Py_DECREF(key);
                    goto done;
                }
                if (!PyDict_CheckExact(r->cache) || PyDict_SetItem(r->cache, key, have) < 0) {
                    if (!PyErr_Occurred())
                        PyErr_SetString(PyExc_TypeError, "_cache must be a dict");
                    Py_DECREF(key);
                    goto done;
                }
                raw = raw_for_member(st, c, have);
            } else {
                raw = Py_NewRef(have); /* a str/bool field or an extra: raw already */
            }
        }
        if (raw == NULL) {
            Py_DECREF(key);
            goto done;
        }
        rc = r->dict != NULL ? PyDict_SetItem(r->dict, key, raw) : -1;
        Py_DECREF(key);
        Py_DECREF(raw);
        if (rc < 0) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_RuntimeError, "record changed while materialised");
            goto done;
        }
    }
    ok = 0;
done:
    if (ok < 0 && r->node == NULL && r->doc == NULL && r->vals == NULL) {
        r->node = node; /* back to the view, which is intact */
        r->doc = doc;
        r->vals = vals;
        r->nvals = nvals;
        r->refs = ~(uint64_t)0; /* visit all: conservative after a failure */
        return -1;
    }
    free_vals(r, vals, nvals);
    Py_XDECREF(doc);
    return ok;
}

static PyObject *
record_get_dict(RecordObject *self, void *Py_UNUSED(closure))
{
    record_track(self);
    if (self->node != NULL && record_materialize(RECORD_ST(self), self) < 0)
        return NULL;
    if (ensure_dict(self) < 0)
        return NULL;
    return Py_NewRef(self->dict);
}

static int
record_set_dict(RecordObject *self, PyObject *value, void *Py_UNUSED(closure))
{
    if (value == NULL || !PyDict_Check(value)) {
        PyErr_SetString(PyExc_TypeError, "__dict__ must be set to a dict");
        return -1;
    }
    record_track(self);
    Py_XSETREF(self->dict, Py_NewRef(value));
    record_drop_view(self);
    return 0;
}

static PyObject *field_descr_get(PyObject *self, PyObject *inst, PyObject *owner);
static PyObject *plain_descr_get(PyObject *self, PyObject *inst, PyObject *owner);
static PyObject *record_getattro(PyObject *self, PyObject *name);

/* obj is a Record: its class inherits Record's attribute lookup (only its
 * subclasses can), or else is one anyway (a subclass overriding
 * __getattribute__). The first test spares the walk of the MRO that
 * PyObject_TypeCheck makes for a model class, once per field read. */
#define IS_RECORD(st, obj) \
    (Py_TYPE(obj)->tp_getattro == record_getattro || PyObject_TypeCheck(obj, (st)->RecordType))

/* Attribute lookup of a view follows what the instance __dict__ of a
 * dict-backed record would give, the node standing in for the dict: a data
 * descriptor of the class first (typed fields, properties, __dict__), then a
 * member of the object (str/bool fields, and undeclared members, which hide a
 * method of the same name exactly as an extra key of __dict__ does), then the
 * class attribute. */
static PyObject *
record_getattro(PyObject *self, PyObject *name)
{
    RecordObject *r = (RecordObject *)self;
    PyObject *descr;
    descrgetfunc get;
    const char *k;
    Py_ssize_t i;

    if (r->node == NULL || !PyUnicode_CheckExact(name))
        return PyObject_GenericGetAttr(self, name);
    descr = _PyType_Lookup(Py_TYPE(self), name);
    get = descr != NULL ? Py_TYPE(descr)->tp_descr_get : NULL;
    if (get == field_descr_get || get == plain_descr_get) {
        PyObject *v;
        Py_INCREF(descr);
        v = get(descr, self, (PyObject *)Py_TYPE(self));
        Py_DECREF(descr);
        return v;
    }
    if (descr != NULL && get != NULL && Py_TYPE(descr)->tp_descr_set != NULL)
        return PyObject_GenericGetAttr(self, name); /* a data descriptor wins */
    if ((k = PyUnicode_AsUTF8(name)) == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_UnicodeError))
            return NULL;
        PyErr_Clear(); /* a name no JSON key can have */
        return PyObject_GenericGetAttr(self, name);
    }
    if ((i = record_find(r, k)) >= 0)
        return record_raw(r, i, r->hint);
    return PyObject_GenericGetAttr(self, name);
}

/* Any change (other than to _cache) makes a view an ordinary record first, so
 * that assignments and deletions see and change the whole data. */
static int
record_setattro(PyObject *self, PyObject *name, PyObject *value)
{
    RecordObject *r = (RecordObject *)self;
    record_track(r);
    if (r->node != NULL && !(PyUnicode_Check(name) &&
                             PyUnicode_CompareWithASCIIString(name, "_cache") == 0) &&
        record_materialize(RECORD_ST(r), r) < 0)
        return -1;
    return PyObject_GenericSetAttr(self, name, value);
}

static int
record_traverse(RecordObject *self, visitproc visit, void *arg)
{
    Py_ssize_t i;
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->dict);
    Py_VISIT(self->cache);
    Py_VISIT(self->doc);
    /* atomic values (str, numbers, datetime, the untracked UUIDs) cannot be
     * in a cycle: skipping them spares the collector a cache miss per value */
    if (self->vals != NULL)
        for (i = 0; i < self->nvals; i++)
            if (i >= 64 || (self->refs >> i) & 1)
                Py_VISIT(self->vals[i]);
    return 0;
}

static int
record_clear(RecordObject *self)
{
    Py_CLEAR(self->dict);
    Py_CLEAR(self->cache);
    record_drop_view(self);
    return 0;
}

static void
record_dealloc(RecordObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    record_clear(self);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static PyObject *
record_is_view(RecordObject *self, void *Py_UNUSED(closure))
{
    return PyBool_FromLong(self->node != NULL);
}

static PyObject *
record_get_cache(RecordObject *self, void *Py_UNUSED(closure))
{
    if (self->cache == NULL)
        Py_RETURN_NONE;
    record_track(self);
    return Py_NewRef(self->cache);
}

static int
record_set_cache(RecordObject *self, PyObject *value, void *Py_UNUSED(closure))
{
    record_track(self);
    Py_XSETREF(self->cache, value == Py_None ? NULL : Py_XNewRef(value));
    return 0;
}

static PyMemberDef record_members[] = {
    {"__dictoffset__", T_PYSSIZET, offsetof(RecordObject, dict), READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

static PyGetSetDef record_getset[] = {
    {"__dict__", (getter)record_get_dict, (setter)record_set_dict,
     "the JSON object of this record (a view is materialised first)", NULL},
    {"_cache", (getter)record_get_cache, (setter)record_set_cache,
     "converted field values (and usage), or None", NULL},
    {"_is_view", (getter)record_is_view, NULL,
     "True while the record reads from the parsed response tree", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot record_slots[] = {
    {Py_tp_dealloc, (void *)record_dealloc},
    {Py_tp_traverse, (void *)record_traverse},
    {Py_tp_clear, (void *)record_clear},
    {Py_tp_getattro, (void *)record_getattro},
    {Py_tp_setattro, (void *)record_setattro},
    {Py_tp_members, record_members},
    {Py_tp_getset, record_getset},
    {Py_tp_new, (void *)PyType_GenericNew},
    {Py_tp_doc, (void *)"Base of the models: a JSON object, either a dict or a lazy view of\n"
                        "a parsed response."},
    {0, NULL},
};

PyType_Spec jobo_record_spec = {
    .name = "jobo_enterprise._core.Record",
    .basicsize = sizeof(RecordObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .slots = record_slots,
};

/* ---- typed conversions in C ---------------------------------------------- */

/* uuid.UUID, its two slot descriptors and SafeUUID.unknown, imported on first
 * use (the uuid module is already loaded by models.py). */
static int
import_uuid(jobo_state *st)
{
    PyObject *mod, *cls_dict = NULL, *safe = NULL;
    int rc = -1;
    if (st->uuid_type != NULL)
        return 0;
    mod = PyImport_ImportModule("uuid");
    if (mod == NULL)
        return -1;
    {
        PyObject *cls = PyObject_GetAttrString(mod, "UUID");
        if (cls == NULL)
            goto done;
        if (!PyType_Check(cls)) {
            Py_DECREF(cls);
            PyErr_SetString(PyExc_TypeError, "uuid.UUID is not a class");
            goto done;
        }
        cls_dict = PyObject_GetAttrString(cls, "__dict__");
        safe = PyObject_GetAttrString(mod, "SafeUUID");
        if (cls_dict == NULL || safe == NULL ||
            (st->uuid_int = PyMapping_GetItemString(cls_dict, "int")) == NULL ||
            (st->uuid_is_safe = PyMapping_GetItemString(cls_dict, "is_safe")) == NULL ||
            (st->uuid_unknown = PyObject_GetAttrString(safe, "unknown")) == NULL ||
            Py_TYPE(st->uuid_int)->tp_descr_set == NULL ||
            Py_TYPE(st->uuid_is_safe)->tp_descr_set == NULL) {
            Py_DECREF(cls);
            Py_CLEAR(st->uuid_int);
            Py_CLEAR(st->uuid_is_safe);
            Py_CLEAR(st->uuid_unknown);
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "uuid.UUID has an unexpected layout");
            goto done;
        }
        st->uuid_type = cls;
    }
    rc = 0;
done:
    Py_XDECREF(cls_dict);
    Py_XDECREF(safe);
    Py_DECREF(mod);
    return rc;
}

/* A UUID from its canonical 8-4-4-4-12 form (either case), built the way
 * uuid.UUID() builds it. 1 = done (*out set), 0 = another form (let Python
 * decide), -1 = error. */
static int
fast_uuid(jobo_state *st, const char *s, PyObject **out)
{
    unsigned char bytes[16];
    int i, j = 0;
    PyObject *u, *n;
    if (strlen(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
        return 0;
    for (i = 0; i < 36; i += 2) {
        int hi, lo;
        if (i == 8 || i == 13 || i == 18 || i == 23)
            i++;
        hi = jobo_hex_digit((unsigned char)s[i]);
        lo = jobo_hex_digit((unsigned char)s[i + 1]);
        if (hi < 0 || lo < 0)
            return 0;
        bytes[j++] = (unsigned char)(hi << 4 | lo);
    }
    if (j != 16 || import_uuid(st) < 0)
        return j != 16 ? 0 : -1;
    u = ((PyTypeObject *)st->uuid_type)->tp_alloc((PyTypeObject *)st->uuid_type, 0);
    if (u == NULL)
        return -1;
    n = _PyLong_FromByteArray(bytes, 16, 0, 0);
    if (n == NULL || Py_TYPE(st->uuid_int)->tp_descr_set(st->uuid_int, u, n) < 0 ||
        Py_TYPE(st->uuid_is_safe)->tp_descr_set(st->uuid_is_safe, u, st->uuid_unknown) < 0) {
        Py_XDECREF(n);
        Py_DECREF(u);
        return -1;
    }
    Py_DECREF(n);
    /* A UUID holds an int and an enum member and cannot be given anything
     * else (its __setattr__ refuses), so it can never be part of a cycle:
     * like CPython does for tuples of atomic values, keep it out of the
     * collector's lists. */
    PyObject_GC_UnTrack(u);
    *out = u;
    return 1;
}

static int
digits(const char *s, int n)
{
    int v = 0, i;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int
month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
        return 29;
    return days[m - 1];
}

int
jobo_parse_iso(const char *s, jobo_iso *t)
{
    size_t len = strlen(s), i = 19;
    int scale = 100000;
    if (len < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return 0;
    t->year = digits(s, 4);
    t->month = digits(s + 5, 2);
    t->day = digits(s + 8, 2);
    t->hour = digits(s + 11, 2);
    t->minute = digits(s + 14, 2);
    t->second = digits(s + 17, 2);
    t->usec = 0;
    t->offset = 0;
    if (t->year < 1 || t->month < 1 || t->month > 12 || t->day < 1 ||
        t->day > month_days(t->year, t->month) || t->hour < 0 || t->hour > 23 ||
        t->minute < 0 || t->minute > 59 || t->second < 0 || t->second > 59)
        return 0;
    if (i < len && s[i] == '.') {
        size_t start = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 6) {
            t->usec += (s[i] - '0') * scale;
            scale /= 10;
            i++;
        }
        if (i == start || (i < len && s[i] >= '0' && s[i] <= '9'))
            return 0;
    }
    if (i + 6 == len && (s[i] == '+' || s[i] == '-') && s[i + 3] == ':') {
        int oh = digits(s + i + 1, 2), om = digits(s + i + 4, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return 0;
        t->offset = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
        return 1;
    }
    return i == len || (i + 1 == len && s[i] == 'Z');
}

/* The shape the API sends, YYYY-MM-DDTHH:MM:SS[.f{1,6}][Z|+00:00], as an
 * aware UTC datetime (what parse_datetime gives for it). 1 = done, 0 = another
 * shape, another offset or an invalid date (let Python decide), -1 = error. */
static int
fast_datetime(jobo_state *st, const char *s, PyObject **out)
{
    jobo_iso t;
    PyDateTime_CAPI *api;
    PyObject *dt;
    if (!jobo_parse_iso(s, &t) || t.offset != 0)
        return 0;
    if (st->datetime_api == NULL) {
        st->datetime_api = PyCapsule_Import(PyDateTime_CAPSULE_NAME, 0);
        if (st->datetime_api == NULL)
            return -1;
    }
    api = (PyDateTime_CAPI *)st->datetime_api;
    dt = api->DateTime_FromDateAndTime(t.year, t.month, t.day, t.hour, t.minute, t.second,
                                       t.usec, api->TimeZone_UTC, api->DateTimeType);
    if (dt == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_ValueError))
            return -1;
        PyErr_Clear(); /* e.g. 31 April: parse_datetime decides */
        return 0;
    }
    *out = dt;
    return 1;
}

/* ---- Field: typed field descriptor (base of models._Field) --------------- */

enum {
    KIND_OTHER = 0,
    KIND_INT,
    KIND_FLOAT,
    KIND_UUID,
    KIND_DATETIME,
    KIND_MODEL,
    KIND_MODEL_LIST,
    KIND_STR_LIST,
    KIND_UUID_LIST,
};

typedef struct {
    PyObject_HEAD
    PyObject *name;     /* attribute name (set by __set_name__) */
    PyObject *default_; /* value of an absent scalar field */
    PyObject *model;    /* class of nested objects, or None */
    int kind;
    char required;      /* absent or null: _convert(None) raises, no default */
    jobo_state *st;     /* cached by descr_state() */
    Py_ssize_t pos;     /* where the member was in the last view read (a guess) */
} FieldObject;

/* A Record subclass for nested objects of this field, or NULL. */
static PyTypeObject *
field_model(jobo_state *st, FieldObject *f)
{
    return jobo_is_record_class(st, f->model) ? (PyTypeObject *)f->model : NULL;
}

/* field._convert(raw) in Python: the reference conversion. */
static PyObject *
convert_in_python(jobo_state *st, FieldObject *f, PyObject *raw)
{
    return PyObject_CallMethodOneArg((PyObject *)f, st->str_convert, raw);
}

/* Member c (NULL if absent) of a view -> the field's value. 1 = done,
 * 0 = not a shape handled here. */
static int
convert_fast(jobo_state *st, FieldObject *f, PyObject *doc, const cJSON *c, PyObject **out)
{
    int type = c->type & 0xFF;
    switch (f->kind) {
    case KIND_INT:
        if (type == cJSON_Number && c->valuedouble == floor(c->valuedouble) &&
            fabs(c->valuedouble) < MAX_EXACT_INT) {
            *out = PyLong_FromLongLong((long long)c->valuedouble);
            return *out == NULL ? -1 : 1;
        }
        return 0;
    case KIND_FLOAT:
        if (type == cJSON_Number) {
            *out = PyFloat_FromDouble(c->valuedouble);
            return *out == NULL ? -1 : 1;
        }
        return 0;
    case KIND_UUID:
        return type == cJSON_String && c->valuestring ? fast_uuid(st, c->valuestring, out) : 0;
    case KIND_DATETIME:
        return type == cJSON_String && c->valuestring ? fast_datetime(st, c->valuestring, out)
                                                      : 0;
    case KIND_MODEL: {
        PyTypeObject *cls = field_model(st, f);
        if (type != cJSON_Object || cls == NULL)
            return 0;
        *out = record_view(cls, doc, c);
        return *out == NULL ? -1 : 1;
    }
    case KIND_MODEL_LIST:
    case KIND_STR_LIST:
    case KIND_UUID_LIST: {
        Py_ssize_t n = 0, i = 0;
        const cJSON *e;
        PyTypeObject *cls = f->kind == KIND_MODEL_LIST ? field_model(st, f) : NULL;
        int want = f->kind == KIND_MODEL_LIST ? cJSON_Object : cJSON_String;
        PyObject *list;
        if (type != cJSON_Array || (f->kind == KIND_MODEL_LIST && cls == NULL))
            return 0;
        for (e = c->child; e != NULL; e = e->next, n++)
            if ((e->type & 0xFF) != want || (want == cJSON_String && e->valuestring == NULL))
                return 0;
        if ((list = PyList_New(n)) == NULL)
            return -1;
        for (e = c->child; e != NULL; e = e->next, i++) {
            PyObject *v = NULL;
            int rc = 1;
            if (f->kind == KIND_MODEL_LIST)
                v = record_view(cls, doc, e);
            else if (f->kind == KIND_STR_LIST)
                v = jobo_str_from_utf8(e->valuestring, (Py_ssize_t)strlen(e->valuestring));
            else
                rc = fast_uuid(st, e->valuestring, &v);
            if (rc <= 0 || v == NULL) {
                Py_DECREF(list);
                return rc == 0 ? 0 : -1;
            }
            PyList_SET_ITEM(list, i, v);
        }
        *out = list;
        return 1;
    }
    default:
        return 0;
    }
}

/* The state, cached in the descriptor on first use (the descriptor's type
 * keeps the module, hence the state, alive). */
static jobo_state *
descr_state(PyObject *self, jobo_state **slot)
{
    if (*slot == NULL)
        *slot = state_of(self);
    return *slot;
}

/* Read a typed field: the value converted before, or the JSON value converted
 * now and kept (view: by member position; dict mode or an absent member: in
 * _cache by name). */
static PyObject *
field_descr_get(PyObject *self, PyObject *inst, PyObject *Py_UNUSED(owner))
{
    FieldObject *f = (FieldObject *)self;
    RecordObject *r;
    jobo_state *st;
    PyObject *v, *raw;

    if (inst == NULL || inst == Py_None)
        return Py_NewRef(self);
    if (f->name == NULL || !PyUnicode_Check(f->name)) {
        PyErr_SetString(PyExc_AttributeError, "field has no name");
        return NULL;
    }
    if ((st = descr_state(self, &f->st)) == NULL)
        return NULL;
    if (!IS_RECORD(st, inst)) {
        PyErr_Format(PyExc_TypeError, "field %R read on a %s", f->name, Py_TYPE(inst)->tp_name);
        return NULL;
    }
    r = (RecordObject *)inst;
    if (r->node != NULL) {
        const char *k = KEY_UTF8(f->name);
        Py_ssize_t i;
        const cJSON *c;
        int rc;
        if (k == NULL)
            return NULL;
        i = record_find_at(r, k, &f->pos);
        c = r->hint;
        if (i >= 0 && !cJSON_IsNull(c)) {
            PyObject *doc;
            if ((v = record_val(r, i)) != NULL)
                return Py_NewRef(v);
            /* hold the tree: converting may run code that ends the view */
            doc = Py_NewRef(r->doc);
            v = NULL;
            rc = convert_fast(st, f, doc, c, &v);
            if (rc == 0 && (raw = jobo_decode(st, c)) != NULL) {
                v = convert_in_python(st, f, raw);
                Py_DECREF(raw);
            }
            v = rc < 0 ? NULL : record_keep(st, r, i, v);
            Py_DECREF(doc);
            return v;
        }
        /* absent (or null): scalars read as their default; lists and nested
         * models as _convert(None) says, kept in _cache like in dict mode */
        if (!f->required && (f->kind == KIND_INT || f->kind == KIND_FLOAT ||
                             f->kind == KIND_UUID || f->kind == KIND_DATETIME))
            return Py_NewRef(f->default_ != NULL ? f->default_ : Py_None);
        raw = NULL;
    } else {
        raw = r->dict != NULL ? PyDict_GetItemWithError(r->dict, f->name) : NULL;
        if (raw == NULL && PyErr_Occurred())
            return NULL;
    }
    if (r->cache != NULL && PyDict_CheckExact(r->cache)) {
        v = PyDict_GetItemWithError(r->cache, f->name);
        if (v != NULL)
            return Py_NewRef(v);
        if (PyErr_Occurred())
            return NULL;
    }
    v = convert_in_python(st, f, raw != NULL ? raw : Py_None);
    if (v == NULL)
        return NULL;
    record_track(r); /* _cache holds a value of any type */
    if (r->cache == NULL && (r->cache = PyDict_New()) == NULL) {
        Py_DECREF(v);
        return NULL;
    }
    if (PyDict_CheckExact(r->cache) && PyDict_SetItem(r->cache, f->name, v) < 0) {
        Py_DECREF(v);
        return NULL;
    }
    return v;
}

static int
field_traverse(FieldObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->name);
    Py_VISIT(self->default_);
    Py_VISIT(self->model);
    return 0;
}

static int
field_clear(FieldObject *self)
{
    Py_CLEAR(self->name);
    Py_CLEAR(self->default_);
    Py_CLEAR(self->model);
    return 0;
}

static void
field_dealloc(FieldObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    field_clear(self);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static PyMemberDef field_members[] = {
    {"name", T_OBJECT, offsetof(FieldObject, name), 0, "attribute name"},
    {"default", T_OBJECT, offsetof(FieldObject, default_), 0, "value when absent"},
    {"model", T_OBJECT, offsetof(FieldObject, model), 0, "class of nested objects"},
    {"_ckind", T_INT, offsetof(FieldObject, kind), 0, "conversion done in C (FIELD_*)"},
    {"_required", T_BOOL, offsetof(FieldObject, required), 0,
     "absent or null raises (through _convert) instead of reading the default"},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot field_slots[] = {
    {Py_tp_dealloc, (void *)field_dealloc},
    {Py_tp_traverse, (void *)field_traverse},
    {Py_tp_clear, (void *)field_clear},
    {Py_tp_descr_get, (void *)field_descr_get},
    {Py_tp_members, field_members},
    {Py_tp_new, (void *)PyType_GenericNew},
    {Py_tp_doc, (void *)"Base of typed model fields: reading converts the JSON value once\n"
                        "(in C for the shapes the API sends) and caches it."},
    {0, NULL},
};

PyType_Spec jobo_field_spec = {
    .name = "jobo_enterprise._core.Field",
    .basicsize = sizeof(FieldObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    .slots = field_slots,
};

/* ---- PlainField: str / bool fields --------------------------------------- */

typedef struct {
    PyObject_HEAD
    PyObject *name;
    PyObject *default_;
    PyObject *missing;  /* called with no arguments for an absent member, or NULL */
    jobo_state *st;     /* cached by descr_state() */
    Py_ssize_t pos;     /* where the member was in the last view read (a guess) */
} PlainFieldObject;

static PyObject *
plain_new(PyTypeObject *tp, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"name", "default", "missing", NULL};
    PyObject *name, *dflt = Py_None, *missing = Py_None;
    PlainFieldObject *self;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "U|OO:PlainField", kwlist, &name, &dflt,
                                     &missing))
        return NULL;
    if (missing != Py_None && !PyCallable_Check(missing)) {
        PyErr_SetString(PyExc_TypeError, "PlainField: missing must be callable or None");
        return NULL;
    }
    self = (PlainFieldObject *)tp->tp_alloc(tp, 0);
    if (self == NULL)
        return NULL;
    self->name = Py_NewRef(name);
    PyUnicode_InternInPlace(&self->name);
    self->default_ = Py_NewRef(dflt);
    self->missing = missing == Py_None ? NULL : Py_NewRef(missing);
    return (PyObject *)self;
}

/* An absent member: the default, or what missing() says (a required field
 * raises there). */
static PyObject *
plain_absent(PlainFieldObject *p)
{
    if (p->missing != NULL)
        return PyObject_CallNoArgs(p->missing);
    return Py_NewRef(p->default_);
}

/* Reached when the instance __dict__ has no such key (always, for a view):
 * a view gives the member as it is in JSON; otherwise, and for an absent
 * member, the default. */
static PyObject *
plain_descr_get(PyObject *self, PyObject *inst, PyObject *Py_UNUSED(owner))
{
    PlainFieldObject *p = (PlainFieldObject *)self;
    jobo_state *st;
    RecordObject *r;
    const char *k;
    Py_ssize_t i;

    if (inst == NULL || inst == Py_None)
        return Py_NewRef(p->default_);
    if ((st = descr_state(self, &p->st)) == NULL)
        return NULL;
    if (!IS_RECORD(st, inst))
        return Py_NewRef(p->default_);
    r = (RecordObject *)inst;
    if (r->node == NULL)
        return plain_absent(p); /* dict mode: the instance dict has no such key */
    if ((k = KEY_UTF8(p->name)) == NULL)
        return NULL;
    if ((i = record_find_at(r, k, &p->pos)) < 0)
        return plain_absent(p);
    return record_raw(r, i, r->hint);
}

static int
plain_traverse(PlainFieldObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->name);
    Py_VISIT(self->default_);
    Py_VISIT(self->missing);
    return 0;
}

/* Only missing (a bound method of the Python field) can be part of a cycle;
 * name and default stay, so a descriptor cleared by the collector still reads. */
static int
plain_clear(PlainFieldObject *self)
{
    Py_CLEAR(self->missing);
    return 0;
}

static void
plain_dealloc(PlainFieldObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    plain_clear(self);
    Py_CLEAR(self->name);
    Py_CLEAR(self->default_);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static PyObject *
plain_repr(PlainFieldObject *self)
{
    return PyUnicode_FromFormat("<plain field %U, default %R>", self->name, self->default_);
}

static PyMemberDef plain_members[] = {
    {"name", T_OBJECT, offsetof(PlainFieldObject, name), READONLY, "attribute name"},
    {"default", T_OBJECT, offsetof(PlainFieldObject, default_), READONLY, "value when absent"},
    {NULL, 0, 0, 0, NULL},
};

static PyType_Slot plain_slots[] = {
    {Py_tp_new, (void *)plain_new},
    {Py_tp_dealloc, (void *)plain_dealloc},
    {Py_tp_traverse, (void *)plain_traverse},
    {Py_tp_clear, (void *)plain_clear},
    {Py_tp_repr, (void *)plain_repr},
    {Py_tp_descr_get, (void *)plain_descr_get},
    {Py_tp_members, plain_members},
    {Py_tp_doc, (void *)"PlainField(name, default=None, missing=None)\n\nA str or bool model "
                        "field: the JSON value as it is, read from\nthe instance __dict__ (a "
                        "view fills it on first read). An absent\nmember reads as default, or "
                        "as missing() when it is given."},
    {0, NULL},
};

PyType_Spec jobo_plainfield_spec = {
    .name = "jobo_enterprise._core.PlainField",
    .basicsize = sizeof(PlainFieldObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .slots = plain_slots,
};

/* ---- detaching the views a caller kept ---------------------------------- */

/* A view keeps its whole parsed tree alive: one job kept from each page of a
 * long feed would keep every page. The iterators that yield the jobs of pages
 * call _core.detach_kept(page.jobs) once the caller is done with a page: every
 * view of that list referenced from elsewhere (or handed out by one of them
 * and referenced from elsewhere) becomes dict-backed, so the tree goes with
 * the page.
 *
 * Who holds what is decided once per object, by its parent, before anything
 * here takes a reference of its own: a view's or list's only "own" reference
 * is the slot of its parent (a list item or a member value), so a count above
 * that means someone kept it. The walk then passes that answer down (held)
 * and never looks at the count of an object it has itself increfed: a view
 * that nobody kept stays a view, and only the views of the kept set are
 * converted. */

static int detach_value(jobo_state *st, PyObject *v, int held);

/* Count of references to v beyond the one slot of its parent. */
#define KEPT_ELSEWHERE(v) (Py_REFCNT(v) > 1)

/* r (held: r, or an object r is reachable from, was kept) */
static int
detach_record(jobo_state *st, RecordObject *r, int held)
{
    Py_ssize_t i;
    int rc = 0;
    if (r->node == NULL)
        return 0;
    if (held)
        return record_materialize(st, r);
    Py_INCREF(r); /* reading a value may not end r; the count is not read again */
    for (i = 0; rc == 0 && r->node != NULL && i < r->nvals; i++) {
        PyObject *v = r->vals[i];
        if (v != NULL && (i >= 64 || (r->refs >> i) & 1)) { /* atomic: no views */
            int vheld = KEPT_ELSEWHERE(v); /* before our own reference */
            Py_INCREF(v);
            rc = detach_value(st, v, vheld);
            Py_DECREF(v);
        }
    }
    Py_DECREF(r);
    return rc;
}

/* v, a value of a view or an item of a list (held: v itself, or an object it
 * is reachable from, is referenced from outside its parent, so every view in
 * it is reachable from outside too). */
static int
detach_value(jobo_state *st, PyObject *v, int held)
{
    Py_ssize_t i;
    if (PyObject_TypeCheck(v, st->RecordType))
        return detach_record(st, (RecordObject *)v, held);
    if (!PyList_CheckExact(v))
        return 0;
    for (i = 0; i < PyList_GET_SIZE(v); i++) {
        PyObject *item = PyList_GET_ITEM(v, i);
        int rc, iheld;
        if (!PyObject_TypeCheck(item, st->RecordType))
            continue;
        iheld = held || KEPT_ELSEWHERE(item); /* before our own reference */
        Py_INCREF(item);
        rc = detach_record(st, (RecordObject *)item, iheld);
        Py_DECREF(item);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static PyObject *
jobo_detach_kept(PyObject *module, PyObject *records)
{
    jobo_state *st = jobo_get_state(module);
    if (!PyList_CheckExact(records)) {
        PyErr_SetString(PyExc_TypeError, "detach_kept() takes a list of models");
        return NULL;
    }
    if (detach_value(st, records, 0) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
live_docs(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    return PyLong_FromLong(jobo_get_state(module)->live_docs);
}

static PyObject *
materialized(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    return PyLong_FromLong(jobo_get_state(module)->materialized);
}

static PyMethodDef jobo_record_methods[] = {
    {"detach_kept", jobo_detach_kept, METH_O,
     "detach_kept(models: list) -> None\n\nMake the views of the list that are referenced\n"
     "from elsewhere (and the views they handed out that are) dict-backed, so that\n"
     "they no longer keep the parsed response alive."},
    {"_live_docs", live_docs, METH_NOARGS,
     "_live_docs() -> int\n\nParsed response trees alive (held by views)."},
    {"_materialized", materialized, METH_NOARGS,
     "_materialized() -> int\n\nViews turned into dict-backed records so far (a count for\n"
     "tests: detaching converts the kept views only)."},
    {NULL, NULL, 0, NULL},
};

/* ---- entry points -------------------------------------------------------- */

PyObject *
jobo_record_from_tree(jobo_state *st, PyTypeObject *cls, cJSON *tree)
{
    DocObject *doc;
    PyObject *rec;
    doc = (DocObject *)st->DocType->tp_alloc(st->DocType, 0);
    if (doc == NULL) {
        jobo_delete_nogil(tree);
        return NULL;
    }
    doc->root = tree;
    doc->st = st;
    st->live_docs++;
    rec = record_view(cls, (PyObject *)doc, tree);
    Py_DECREF(doc);
    return rec;
}

const cJSON *
jobo_record_node(jobo_state *st, PyObject *obj, PyObject **doc)
{
    RecordObject *r = (RecordObject *)obj;
    if (!PyObject_TypeCheck(obj, st->RecordType) || r->node == NULL)
        return NULL;
    *doc = r->doc;
    return r->node;
}

int
jobo_is_record_class(jobo_state *st, PyObject *cls)
{
    return cls != NULL && PyType_Check(cls) &&
           PyType_IsSubtype((PyTypeObject *)cls, st->RecordType);
}

int
jobo_record_types_init(PyObject *module, jobo_state *st)
{
    static const struct {
        const char *name;
        int value;
    } kinds[] = {
        {"FIELD_OTHER", KIND_OTHER},       {"FIELD_INT", KIND_INT},
        {"FIELD_FLOAT", KIND_FLOAT},       {"FIELD_UUID", KIND_UUID},
        {"FIELD_DATETIME", KIND_DATETIME}, {"FIELD_MODEL", KIND_MODEL},
        {"FIELD_MODEL_LIST", KIND_MODEL_LIST}, {"FIELD_STR_LIST", KIND_STR_LIST},
        {"FIELD_UUID_LIST", KIND_UUID_LIST},
    };
    size_t i;
    st->DocType = (PyTypeObject *)PyType_FromModuleAndSpec(module, &jobo_doc_spec, NULL);
    st->RecordType = (PyTypeObject *)PyType_FromModuleAndSpec(module, &jobo_record_spec, NULL);
    st->FieldType = (PyTypeObject *)PyType_FromModuleAndSpec(module, &jobo_field_spec, NULL);
    st->PlainFieldType =
        (PyTypeObject *)PyType_FromModuleAndSpec(module, &jobo_plainfield_spec, NULL);
    if (st->DocType == NULL || st->RecordType == NULL || st->FieldType == NULL ||
        st->PlainFieldType == NULL)
        return -1;
    if ((st->str_convert = PyUnicode_InternFromString("_convert")) == NULL ||
        PyModule_AddObjectRef(module, "Record", (PyObject *)st->RecordType) < 0 ||
        PyModule_AddObjectRef(module, "Field", (PyObject *)st->FieldType) < 0 ||
        PyModule_AddObjectRef(module, "PlainField", (PyObject *)st->PlainFieldType) < 0)
        return -1;
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
        if (PyModule_AddIntConstant(module, kinds[i].name, kinds[i].value) < 0)
            return -1;
    return PyModule_AddFunctions(module, jobo_record_methods);
}
