/* common.c: embedded CPython for the fuzz harnesses (see common.h). */
#include "common.h"

#ifndef JOBO_FUZZ_ROOT
#error "build with -DJOBO_FUZZ_ROOT=\"/path/to/repo\" (fuzz/run.sh does)"
#endif

PyMODINIT_FUNC PyInit__core(void);

jobo_state *jobo_fuzz_st;
PyObject *jobo_fuzz_oracle;
static PyObject *core_module;

void
jobo_fuzz_fail(const char *what)
{
    fprintf(stderr, "\n==jobo-fuzz== FINDING: %s\n", what);
    if (PyErr_Occurred())
        PyErr_Print();
    fflush(stderr);
    abort();
}

PyObject *
jobo_fuzz_bytes(const uint8_t *data, size_t size)
{
    PyObject *b = PyBytes_FromStringAndSize(size ? (const char *)data : "", (Py_ssize_t)size);
    if (b == NULL)
        jobo_fuzz_fail("PyBytes_FromStringAndSize");
    return b;
}

void
jobo_fuzz_check(const char *name, PyObject *args)
{
    PyObject *fn, *res;
    int ok;
    if (args == NULL)
        jobo_fuzz_fail("building the oracle arguments");
    fn = PyObject_GetAttrString(jobo_fuzz_oracle, name);
    if (fn == NULL)
        jobo_fuzz_fail(name);
    res = PyObject_Call(fn, args, NULL);
    Py_DECREF(fn);
    Py_DECREF(args);
    if (res == NULL)
        jobo_fuzz_fail(name);
    ok = PyObject_IsTrue(res);
    Py_DECREF(res);
    if (ok != 1)
        jobo_fuzz_fail(name);
}

static int
prepend_path(const char *dir)
{
    PyObject *path = PySys_GetObject("path"); /* borrowed */
    PyObject *s = PyUnicode_DecodeFSDefault(dir);
    int rc;
    if (path == NULL || s == NULL)
        return -1;
    rc = PyList_Insert(path, 0, s);
    Py_DECREF(s);
    return rc;
}

/* libFuzzer's start-up hook, the same for every harness */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return jobo_fuzz_init();
}

int
jobo_fuzz_init(void)
{
    PyPreConfig pre;
    PyConfig config;
    PyStatus status;
    PyObject *spec, *origin;
    int builtin;

    if (core_module != NULL)
        return 0;
    if (PyImport_AppendInittab("jobo_enterprise._core", PyInit__core) < 0)
        jobo_fuzz_fail("PyImport_AppendInittab");

    PyPreConfig_InitIsolatedConfig(&pre);
    pre.allocator = PYMEM_ALLOCATOR_MALLOC; /* every object through malloc: ASan sees it */
    status = Py_PreInitialize(&pre);
    if (PyStatus_Exception(status))
        Py_ExitStatusException(status);

    /* isolated: no environment variables, no user site, no cwd on sys.path;
     * and no Python signal handlers (libFuzzer owns SIGINT/SIGALRM). */
    PyConfig_InitIsolatedConfig(&config);
    config.install_signal_handlers = 0;
    config.site_import = 0;
    status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status))
        Py_ExitStatusException(status);

    if (prepend_path(JOBO_FUZZ_ROOT "/fuzz") < 0 || prepend_path(JOBO_FUZZ_ROOT) < 0)
        jobo_fuzz_fail("sys.path");
    core_module = PyImport_ImportModule("jobo_enterprise._core");
    if (core_module == NULL)
        jobo_fuzz_fail("import jobo_enterprise._core");
    /* the harness must exercise the instrumented core linked into it, never a
     * _core*.so built in place in the source tree */
    spec = PyObject_GetAttrString(core_module, "__spec__");
    origin = spec ? PyObject_GetAttrString(spec, "origin") : NULL;
    builtin = origin && PyUnicode_Check(origin) && PyUnicode_CompareWithASCIIString(origin, "built-in") == 0;
    Py_XDECREF(spec);
    Py_XDECREF(origin);
    if (!builtin)
        jobo_fuzz_fail("jobo_enterprise._core is not the built-in (linked-in) module");
    jobo_fuzz_st = (jobo_state *)PyModule_GetState(core_module);
    if (jobo_fuzz_st == NULL)
        jobo_fuzz_fail("PyModule_GetState");
    jobo_fuzz_oracle = PyImport_ImportModule("_oracle");
    if (jobo_fuzz_oracle == NULL)
        jobo_fuzz_fail("import fuzz/_oracle.py");
    return 0;
}
