/* module.c: the jobo_enterprise._core module: definition, exec slot, state.
 *
 * Multi-phase initialisation; all mutable data lives in the module state. The
 * exec slot checks the libcurl it runs against (>= 7.78, with TLS), initialises
 * libcurl, imports the exception classes from jobo_enterprise.exceptions, and
 * creates the heap types (Transport; Record, Field, PlainField, Doc). The
 * Usage factory from jobo_enterprise._usage is imported on first use.
 */
#include "jobo.h"

#include <string.h>
#include <time.h>

jobo_state *
jobo_get_state(PyObject *module)
{
    return (jobo_state *)PyModule_GetState(module);
}

jobo_state *
jobo_state_from_type(PyTypeObject *tp)
{
    return (jobo_state *)PyType_GetModuleState(tp);
}

static const struct {
    const char *name;
    size_t offset;
} exception_names[] = {
    {"JoboError", offsetof(jobo_state, JoboError)},
    {"JoboConfigurationError", offsetof(jobo_state, ConfigurationError)},
    {"JoboConnectionError", offsetof(jobo_state, ConnectionError)},
    {"JoboTimeoutError", offsetof(jobo_state, TimeoutError)},
    {"JoboTLSError", offsetof(jobo_state, TLSError)},
    {"JoboAPIError", offsetof(jobo_state, APIError)},
    {"JoboValidationError", offsetof(jobo_state, ValidationError)},
    {"JoboAuthenticationError", offsetof(jobo_state, AuthenticationError)},
    {"JoboInsufficientCreditsError", offsetof(jobo_state, InsufficientCreditsError)},
    {"JoboPermissionError", offsetof(jobo_state, PermissionError)},
    {"JoboNotFoundError", offsetof(jobo_state, NotFoundError)},
    {"JoboCursorRestartRequiredError", offsetof(jobo_state, CursorRestartRequiredError)},
    {"JoboRateLimitError", offsetof(jobo_state, RateLimitError)},
    {"JoboServerError", offsetof(jobo_state, ServerError)},
    {"JoboResponseError", offsetof(jobo_state, ResponseError)},
    {"_retry_fields", offsetof(jobo_state, retry_fields)},
};

#define STATE_SLOT(st, off) ((PyObject **)((char *)(st) + (off)))

static int
import_exceptions(jobo_state *st)
{
    PyObject *mod = NULL;
    size_t i;
    int rc = -1;

    mod = PyImport_ImportModule("jobo_enterprise.exceptions");
    if (mod == NULL)
        goto done;
    for (i = 0; i < sizeof(exception_names) / sizeof(exception_names[0]); i++) {
        PyObject *o = PyObject_GetAttrString(mod, exception_names[i].name);
        if (o == NULL)
            goto done;
        *STATE_SLOT(st, exception_names[i].offset) = o;
    }
    rc = 0;
done:
    Py_XDECREF(mod);
    return rc;
}

/* Usage._from_core, imported on first use from jobo_enterprise._usage, a
 * leaf module that does not import this one (the models, which derive from
 * Record, are not imported for it). */
PyObject *
jobo_usage_factory(jobo_state *st)
{
    if (st->usage_from_core == NULL) {
        PyObject *mod = PyImport_ImportModule("jobo_enterprise._usage"), *usage_cls;
        if (mod == NULL)
            return NULL;
        usage_cls = PyObject_GetAttrString(mod, "Usage");
        Py_DECREF(mod);
        if (usage_cls == NULL)
            return NULL;
        st->usage_from_core = PyObject_GetAttrString(usage_cls, "_from_core");
        Py_DECREF(usage_cls);
        if (st->usage_from_core != NULL &&
            (st->usage_kwnames = jobo_usage_kwnames()) == NULL)
            Py_CLEAR(st->usage_from_core);
    }
    return st->usage_from_core;
}

static PyObject *
version_info(PyObject *Py_UNUSED(module), PyObject *Py_UNUSED(ignored))
{
    curl_version_info_data *vi = curl_version_info(CURLVERSION_NOW);
    return Py_BuildValue(
        "{s:s,s:s,s:O,s:O,s:O,s:s}", "libcurl", vi->version, "ssl",
        vi->ssl_version ? vi->ssl_version : "none", "http2",
        (vi->features & CURL_VERSION_HTTP2) ? Py_True : Py_False, "async_dns",
        (vi->features & CURL_VERSION_ASYNCHDNS) ? Py_True : Py_False, "ipv6",
        (vi->features & CURL_VERSION_IPV6) ? Py_True : Py_False, "cjson", cJSON_Version());
}

/* atexit: stop every transfer and wait (GIL released) until no thread is
 * inside libcurl, so that exit-time cleanup of OpenSSL and libcurl never runs
 * under a daemon thread still in a transfer. */
static PyObject *
interp_shutdown(PyObject *module, PyObject *args)
{
    jobo_state *st = jobo_get_state(module);
    double wait = 1.0;
    int left;
    if (!PyArg_ParseTuple(args, "|d:_shutdown", &wait))
        return NULL;
    __atomic_store_n(&st->shutting_down, 1, __ATOMIC_SEQ_CST);
    Py_BEGIN_ALLOW_THREADS
    {
        int steps = (int)(wait / 0.005);
        while (__atomic_load_n(&st->in_flight, __ATOMIC_SEQ_CST) > 0 && steps-- > 0) {
            struct timespec ts = {0, 5 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    Py_END_ALLOW_THREADS
    left = __atomic_load_n(&st->in_flight, __ATOMIC_SEQ_CST);
    return PyLong_FromLong(left);
}

/* os.register_at_fork(after_in_child=...): the child has one thread, which is
 * in no transfer; what the parent had in flight must not hold its exit. */
static PyObject *
after_fork_in_child(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    jobo_state *st = jobo_get_state(module);
    __atomic_store_n(&st->in_flight, 0, __ATOMIC_SEQ_CST);
    Py_RETURN_NONE;
}

static PyObject *
decode_json(PyObject *module, PyObject *arg)
{
    jobo_state *st = jobo_get_state(module);
    Py_buffer view;
    cJSON *tree;
    PyObject *result;
    int why = 0;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    tree = jobo_parse_nogil((const char *)view.buf, (size_t)view.len, &why);
    if (tree == NULL) {
        PyBuffer_Release(&view);
        if (why != JOBO_PARSE_INTERRUPTED)
            PyErr_SetString(PyExc_ValueError, jobo_parse_error(why));
        return NULL;
    }
    result = jobo_decode(st, tree);
    jobo_delete_nogil(tree);
    PyBuffer_Release(&view);
    return result;
}

/* Server text as exceptions show it (errors.c's rule): control characters
 * escaped, cut at JOBO_MAX_SERVER_TEXT characters. */
static PyObject *
shown_text(PyObject *Py_UNUSED(module), PyObject *arg)
{
    const char *s;
    Py_ssize_t n;
    size_t outlen;
    char *e;
    PyObject *result;
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "_shown_text: text must be str");
        return NULL;
    }
    if ((s = PyUnicode_AsUTF8AndSize(arg, &n)) == NULL)
        return NULL;
    if ((e = jobo_escape_text(s, (size_t)n, JOBO_MAX_SERVER_TEXT, &outlen)) == NULL)
        return PyErr_NoMemory();
    result = PyUnicode_DecodeUTF8(e, (Py_ssize_t)outlen, "replace");
    free(e);
    return result;
}

/* The pre-scan of a body (tests, the fuzz oracle): (outcome, values, tree
 * bytes, depth), outcome 0 when it would be parsed. */
static PyObject *
prescan(PyObject *Py_UNUSED(module), PyObject *arg)
{
    Py_buffer view;
    jobo_scan scan;
    int rc;
    memset(&scan, 0, sizeof(scan));
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    rc = jobo_prescan((const char *)view.buf, (size_t)view.len, &scan);
    PyBuffer_Release(&view);
    return Py_BuildValue("(innni)", rc, (Py_ssize_t)scan.nodes, (Py_ssize_t)scan.bytes,
                         (Py_ssize_t)JOBO_PARSE_FACTOR, scan.depth);
}

/* How often a big parse took the spare tree block, and how often the spare
 * was too small and was replaced (tests). */
static PyObject *
spare_counts(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    jobo_state *st = jobo_get_state(module);
    return Py_BuildValue("(nn)",
                         (Py_ssize_t)__atomic_load_n(&st->spare_reused, __ATOMIC_RELAXED),
                         (Py_ssize_t)__atomic_load_n(&st->spare_missed, __ATOMIC_RELAXED));
}

/* One parse's arena (tests): (chunks, bytes used, bytes reserved). */
static PyObject *
arena_probe(PyObject *Py_UNUSED(module), PyObject *arg)
{
    Py_buffer view;
    size_t used = 0, cap = 0;
    int chunks = 0, rc;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    rc = jobo_arena_probe((const char *)view.buf, (size_t)view.len, &used, &cap, &chunks);
    PyBuffer_Release(&view);
    if (rc == JOBO_PARSE_INTERRUPTED)
        return NULL;
    if (rc != 0) {
        PyErr_SetString(PyExc_ValueError, jobo_parse_error(rc));
        return NULL;
    }
    return Py_BuildValue("(inn)", chunks, (Py_ssize_t)used, (Py_ssize_t)cap);
}

static PyObject *
parse_model(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    jobo_state *st = jobo_get_state(module);
    Py_buffer view;
    cJSON *tree;
    int why = 0;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "parse_model(cls, data) takes 2 arguments");
        return NULL;
    }
    if (!jobo_is_record_class(st, args[0])) {
        PyErr_SetString(PyExc_TypeError, "parse_model: cls must be a model class");
        return NULL;
    }
    if (PyObject_GetBuffer(args[1], &view, PyBUF_SIMPLE) < 0)
        return NULL;
    tree = jobo_parse_tree(st, (const char *)view.buf, (size_t)view.len, &why);
    PyBuffer_Release(&view);
    if (tree == NULL) {
        if (why != JOBO_PARSE_INTERRUPTED)
            PyErr_SetString(PyExc_ValueError, jobo_parse_error(why));
        return NULL;
    }
    if (!cJSON_IsObject(tree)) {
        jobo_delete_nogil(tree);
        PyErr_Format(PyExc_TypeError, "%s expects a JSON object",
                     ((PyTypeObject *)args[0])->tp_name);
        return NULL;
    }
    return jobo_record_from_tree(st, (PyTypeObject *)args[0], tree);
}

static int
jobo_exec(PyObject *module)
{
    jobo_state *st = jobo_get_state(module);
    curl_version_info_data *vi;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        PyErr_SetString(PyExc_ImportError, "libcurl failed to initialise");
        return -1;
    }
    vi = curl_version_info(CURLVERSION_NOW);
    if (vi->version_num < 0x074e00) {
        PyErr_Format(PyExc_ImportError, "jobo_enterprise needs libcurl >= 7.78, found %s",
                     vi->version);
        return -1;
    }
    if (!(vi->features & CURL_VERSION_SSL)) {
        PyErr_SetString(PyExc_ImportError, "jobo_enterprise needs a libcurl built with TLS");
        return -1;
    }
    jobo_arena_install();
    if (import_exceptions(st) < 0 || jobo_record_types_init(module, st) < 0 ||
        jobo_columns_init(module) < 0)
        return -1;
    st->TransportType =
        (PyTypeObject *)PyType_FromModuleAndSpec(module, &jobo_transport_spec, NULL);
    if (st->TransportType == NULL)
        return -1;
    if (PyModule_AddObject(module, "Transport", Py_NewRef((PyObject *)st->TransportType)) < 0) {
        Py_DECREF(st->TransportType);
        return -1;
    }
    st->MultiType = (PyTypeObject *)PyType_FromModuleAndSpec(module, &jobo_multi_spec, NULL);
    if (st->MultiType == NULL)
        return -1;
    if (PyModule_AddObject(module, "Multi", Py_NewRef((PyObject *)st->MultiType)) < 0) {
        Py_DECREF(st->MultiType);
        return -1;
    }
    st->LoopMultiType =
        (PyTypeObject *)PyType_FromModuleAndSpec(module, &jobo_loop_multi_spec, NULL);
    st->FinishedType = (PyTypeObject *)PyType_FromModuleAndSpec(module, &jobo_finished_spec, NULL);
    if (st->LoopMultiType == NULL || st->FinishedType == NULL)
        return -1;
    if (PyModule_AddObject(module, "LoopMulti", Py_NewRef((PyObject *)st->LoopMultiType)) < 0) {
        Py_DECREF(st->LoopMultiType);
        return -1;
    }
    if (PyModule_AddStringConstant(module, "LIBCURL_VERSION", vi->version) < 0 ||
        PyModule_AddIntConstant(module, "DEFAULT_MAX_BODY", 64 * 1024 * 1024) < 0)
        return -1;
    return 0;
}

static int
jobo_traverse(PyObject *module, visitproc visit, void *arg)
{
    jobo_state *st = jobo_get_state(module);
    size_t i;
    if (st == NULL)
        return 0;
    Py_VISIT(st->TransportType);
    Py_VISIT(st->MultiType);
    Py_VISIT(st->LoopMultiType);
    Py_VISIT(st->FinishedType);
    Py_VISIT(st->DocType);
    Py_VISIT(st->RecordType);
    Py_VISIT(st->FieldType);
    Py_VISIT(st->PlainFieldType);
    Py_VISIT(st->str_convert);
    Py_VISIT(st->uuid_type);
    Py_VISIT(st->uuid_int);
    Py_VISIT(st->uuid_is_safe);
    Py_VISIT(st->uuid_unknown);
    for (i = 0; i < sizeof(exception_names) / sizeof(exception_names[0]); i++)
        Py_VISIT(*STATE_SLOT(st, exception_names[i].offset));
    Py_VISIT(st->usage_from_core);
    Py_VISIT(st->usage_kwnames);
    return 0;
}

static int
jobo_clear(PyObject *module)
{
    jobo_state *st = jobo_get_state(module);
    size_t i;
    if (st == NULL)
        return 0;
    Py_CLEAR(st->TransportType);
    Py_CLEAR(st->MultiType);
    Py_CLEAR(st->LoopMultiType);
    Py_CLEAR(st->FinishedType);
    Py_CLEAR(st->DocType);
    Py_CLEAR(st->RecordType);
    Py_CLEAR(st->FieldType);
    Py_CLEAR(st->PlainFieldType);
    Py_CLEAR(st->str_convert);
    Py_CLEAR(st->uuid_type);
    Py_CLEAR(st->uuid_int);
    Py_CLEAR(st->uuid_is_safe);
    Py_CLEAR(st->uuid_unknown);
    st->datetime_api = NULL;
    for (i = 0; i < sizeof(exception_names) / sizeof(exception_names[0]); i++)
        Py_CLEAR(*STATE_SLOT(st, exception_names[i].offset));
    Py_CLEAR(st->usage_from_core);
    Py_CLEAR(st->usage_kwnames);
    jobo_key_cache_clear(st);
    return 0;
}

/* curl_global_cleanup() is deliberately not called: at interpreter exit,
 * daemon threads may still be inside a transfer (with the GIL released), and
 * tearing libcurl's global state down under them would crash the process.
 * The process exit reclaims it. */
static void
jobo_free(void *module)
{
    jobo_clear((PyObject *)module);
}

static PyMethodDef jobo_methods[] = {
    {"version_info", version_info, METH_NOARGS,
     "version_info() -> dict\n\nlibcurl version, TLS backend and features, cJSON version."},
    {"_shutdown", interp_shutdown, METH_VARARGS,
     "_shutdown(wait=1.0) -> int\n\nStop all transfers for interpreter exit; wait until none\n"
     "is inside libcurl. Returns how many still are. Registered with atexit."},
    {"_after_fork_in_child", after_fork_in_child, METH_NOARGS,
     "_after_fork_in_child()\n\nForget the transfers the parent had in flight (registered with\n"
     "os.register_at_fork)."},
    {"_shown_text", shown_text, METH_O,
     "_shown_text(text) -> str\n\nServer text as exceptions show it: control characters\n"
     "escaped, cut at 500 characters."},
    {"_spare_counts", spare_counts, METH_NOARGS,
     "_spare_counts() -> (reused, replaced)\n\nBig parses that took the spare tree block, "
     "and spares too small for the parse that wanted them (tests)."},
    {"_arena_probe", arena_probe, METH_O,
     "_arena_probe(data: bytes) -> (chunks, used, reserved)\n\nThe arena of one parse of "
     "data (tests)."},
    {"_prescan", prescan, METH_O,
     "_prescan(data: bytes) -> (outcome, values, tree_bytes, factor, depth)\n\nThe pre-scan "
     "that bounds a parse: outcome 0 when the body would be parsed, the\nvalues counted, "
     "the bytes its tree takes, the budget factor, the deepest nesting."},
    {"decode_json", decode_json, METH_O,
     "decode_json(data: bytes) -> object\n\nDecode JSON with the C decoder (the same one\n"
     "responses go through): parsing runs with the GIL released."},
    {"parse_model", (PyCFunction)(void (*)(void))parse_model, METH_FASTCALL,
     "parse_model(cls, data: bytes) -> cls\n\nParse a JSON object (GIL released) and return a lazy\n"
     "view of it as an instance of the model class cls."},
    {NULL, NULL, 0, NULL},
};

static PyModuleDef_Slot jobo_slots[] = {
    {Py_mod_exec, (void *)jobo_exec},
    {0, NULL},
};

struct PyModuleDef jobo_module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "jobo_enterprise._core",
    .m_doc = "The C core of jobo_enterprise: HTTPS transport over libcurl, JSON over cJSON.",
    .m_size = sizeof(jobo_state),
    .m_methods = jobo_methods,
    .m_slots = jobo_slots,
    .m_traverse = jobo_traverse,
    .m_clear = jobo_clear,
    .m_free = jobo_free,
};

PyMODINIT_FUNC
PyInit__core(void)
{
    return PyModuleDef_Init(&jobo_module_def);
}
