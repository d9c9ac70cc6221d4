/* compat.h: the few CPython C-API pieces newer than 3.9 that the core uses,
 * spelled for 3.9 and 3.10 (the oldest versions the package supports).
 *
 * Included by jobo.h right after Python.h, so every file sees one spelling:
 * the newest API's name. Each shim follows what the newer CPython does; on the
 * versions that have the real API nothing here is compiled.
 *
 *   3.10  Py_NewRef, Py_XNewRef, PyModule_AddObjectRef,
 *         Py_TPFLAGS_DISALLOW_INSTANTIATION
 *   3.11  PyType_GetModuleByDef
 */
#ifndef JOBO_COMPAT_H
#define JOBO_COMPAT_H

#if PY_VERSION_HEX < 0x030A0000 /* 3.9 */

static inline PyObject *
jobo_compat_NewRef(PyObject *o)
{
    Py_INCREF(o);
    return o;
}

static inline PyObject *
jobo_compat_XNewRef(PyObject *o)
{
    Py_XINCREF(o);
    return o;
}

#define Py_NewRef(o) jobo_compat_NewRef((PyObject *)(o))
#define Py_XNewRef(o) jobo_compat_XNewRef((PyObject *)(o))

/* Like PyModule_AddObject, but the reference to value stays the caller's,
 * on success and on failure alike. */
static inline int
PyModule_AddObjectRef(PyObject *module, const char *name, PyObject *value)
{
    if (value == NULL) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_SystemError, "PyModule_AddObjectRef() must be called with an exception raised if value is NULL");
        return -1;
    }
    Py_INCREF(value);
    if (PyModule_AddObject(module, name, value) < 0) {
        Py_DECREF(value);
        return -1;
    }
    return 0;
}

/* 3.10 turns this flag into "tp_new = NULL" inside PyType_FromSpec. 3.9 has
 * no such flag: the bit (free in 3.9) marks the spec, and the wrapper below
 * clears it and then does what 3.10 does, so that calling the type raises
 * "TypeError: cannot create '...' instances". */
#define Py_TPFLAGS_DISALLOW_INSTANTIATION (1UL << 7)

static inline PyObject *
jobo_compat_FromModuleAndSpec(PyObject *module, PyType_Spec *spec, PyObject *bases)
{
    PyType_Spec plain = *spec;
    PyObject *type;
    plain.flags &= ~Py_TPFLAGS_DISALLOW_INSTANTIATION;
    type = PyType_FromModuleAndSpec(module, &plain, bases);
    if (type != NULL && (spec->flags & Py_TPFLAGS_DISALLOW_INSTANTIATION))
        ((PyTypeObject *)type)->tp_new = NULL;
    return type;
}

#define PyType_FromModuleAndSpec(module, spec, bases) jobo_compat_FromModuleAndSpec((module), (spec), (bases))

#endif /* 3.9 */

#if PY_VERSION_HEX < 0x030B0000 /* 3.9, 3.10 */

/* The module of the first class in type's MRO that was made from a spec of
 * def's module (borrowed), or NULL with TypeError set: what 3.11 does. */
static inline PyObject *
jobo_compat_GetModuleByDef(PyTypeObject *type, PyModuleDef *def)
{
    PyObject *mro = type->tp_mro;
    Py_ssize_t i, n;
    if (mro == NULL || !PyTuple_Check(mro)) {
        PyErr_Format(PyExc_TypeError, "PyType_GetModuleByDef: type %s is not ready", type->tp_name);
        return NULL;
    }
    n = PyTuple_GET_SIZE(mro);
    for (i = 0; i < n; i++) {
        PyTypeObject *t = (PyTypeObject *)PyTuple_GET_ITEM(mro, i);
        PyObject *m;
        if (!(t->tp_flags & Py_TPFLAGS_HEAPTYPE))
            continue; /* static types have no module */
        m = ((PyHeapTypeObject *)t)->ht_module;
        if (m != NULL && PyModule_GetDef(m) == def)
            return m;
    }
    PyErr_Format(PyExc_TypeError, "PyType_GetModuleByDef: No superclass of '%s' has the given module",
                 type->tp_name);
    return NULL;
}

#define PyType_GetModuleByDef(type, def) jobo_compat_GetModuleByDef((type), (def))

#endif /* 3.9, 3.10 */

#endif /* JOBO_COMPAT_H */
