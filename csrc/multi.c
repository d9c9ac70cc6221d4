/* multi.c: the Multi type, concurrent transfers of one client on ONE libcurl
 * multi handle, driven from the caller's thread.
 *
 * The paging iterators submit the requests of the pages ahead and wait for
 * the one they need next; meanwhile every submitted transfer progresses on the
 * same multi handle, in short slices (<= JOBO_SLICE_MS) with the GIL released
 * and PyErr_CheckSignals() between them. No thread is started, so nothing is
 * left to join at interpreter exit, and Ctrl-C lands as in any call.
 *
 *   submit(method, path, ...) -> id    start a transfer (a Transport.request
 *                                      description), return at once
 *   wait(id) -> (data, usage)          drive all until that one is done; its
 *                                      result, or its typed exception
 *   send(seconds)                      drive all until every request is sent
 *                                      (connection, TLS, request out), so the
 *                                      server works while the caller is away
 *   run(seconds)                       drive all for a while (a wait between
 *                                      attempts that lets the others progress)
 *   cancel(id), close()                take transfers off (their connections
 *                                      are closed)
 *
 * Each transfer has its own easy handle, taken from the Transport's pool; the
 * multi handle holds the connection cache and is used by one thread at a time
 * (a second thread gets RuntimeError), so no connection cache is shared
 * between threads.
 *
 * Memory: at most `max_bodies` transfers may receive a body at once (plus the
 * one being waited for); the others are paused once their headers are in
 * (CURL_WRITEFUNC_PAUSE), their data waiting in the socket, until a body is
 * taken. The total and stall timeouts are this file's own: their clocks run
 * while the caller's thread drives the transfers, and not while a body is held
 * back, so a caller that spends a minute on one page does not time out the
 * pages waiting in their sockets.
 *
 * Later work can drive the same jobs from an event loop (CURLMOPT_SOCKETFUNCTION
 * and TIMERFUNCTION instead of drive()) and multiplex them over one HTTP/2
 * connection (CURLMOPT_PIPELINING): both are options of this multi handle.
 */
#include "jobo.h"

#include <string.h>
#include <unistd.h>

typedef struct {
    jobo_xfer x;            /* CURLINFO_PRIVATE of the easy handle points here */
    long id;
    PyObject *model;        /* owned, or NULL */
    PyObject *info;         /* owned dict the attempt is reported in, or NULL */
    int granted;            /* may receive its body */
    int paused;             /* its body is held back (not granted yet) */
    int sent;               /* its request went out */
    int closing;            /* being taken off: data is discarded */
    int64_t active_ms;      /* driven, unpaused time: the total timeout's clock */
    int64_t idle_ms;        /* driven, unpaused time with no byte: the stall clock */
} jobo_job;

typedef struct {
    PyObject_HEAD
    PyObject *transport;    /* the Transport whose configuration and pool are used */
    CURLM *multi;
    jobo_job **jobs;        /* live jobs, in submit order */
    Py_ssize_t n, cap;
    long next_id;
    int max_bodies;
    int held;               /* granted jobs not yet taken */
    int peak_held;
    int busy;               /* a thread is driving the multi handle */
    int closed;
    pid_t pid;
} MultiObject;

#if LIBCURL_VERSION_NUM >= 0x075000
/* CURLOPT_PREREQFUNCTION: the connection is up and the request goes out now. */
static int
job_prereq_cb(void *userp, char *conn_primary_ip, char *conn_local_ip, int conn_primary_port,
              int conn_local_port)
{
    (void)conn_primary_ip;
    (void)conn_local_ip;
    (void)conn_primary_port;
    (void)conn_local_port;
    ((jobo_job *)userp)->sent = 1;
    return CURL_PREREQFUNC_OK;
}
#endif

static size_t
job_write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
    jobo_job *j = (jobo_job *)userp;
    if (j->closing)
        return size * nmemb;
    if (!j->granted) {
        j->paused = 1;
        return CURL_WRITEFUNC_PAUSE;
    }
    return jobo_write_cb(data, size, nmemb, &j->x.resp);
}

/* Take a job off the multi handle and release its slot and buffers. */
static void
job_free(MultiObject *self, jobo_job *j)
{
    if (j->x.slot != NULL && j->x.added && !j->x.done && self->multi != NULL) {
        if (j->paused) {
            /* leave no pause behind on a handle that goes back to the pool */
            j->closing = 1;
            curl_easy_pause(j->x.slot->easy, CURLPAUSE_CONT);
        }
        curl_multi_remove_handle(self->multi, j->x.slot->easy);
    }
    if (j->granted)
        self->held--;
    jobo_xfer_release(self->transport, &j->x);
    Py_CLEAR(j->model);
    Py_CLEAR(j->info);
    free(j);
}

static Py_ssize_t
job_index(MultiObject *self, long id)
{
    Py_ssize_t i;
    for (i = 0; i < self->n; i++)
        if (self->jobs[i]->id == id)
            return i;
    return -1;
}

static void
job_remove_at(MultiObject *self, Py_ssize_t i)
{
    jobo_job *j = self->jobs[i];
    memmove(self->jobs + i, self->jobs + i + 1, (size_t)(self->n - i - 1) * sizeof(*self->jobs));
    self->n--;
    job_free(self, j);
}

/* After fork the child must not touch the parent's connections: forget the
 * handles (leak them), as the Transport does with its pool. */
static int
check_process(MultiObject *self, jobo_state *st)
{
    if (self->pid == getpid())
        return 0;
    PyMem_Free(self->jobs);
    self->jobs = NULL;
    self->n = self->cap = 0;
    self->multi = NULL;
    self->held = 0;
    self->closed = 1;
    jobo_raise_simple(st->ConnectionError,
                      "these transfers were started in the parent process (fork)");
    return -1;
}

static int
check_usable(MultiObject *self, jobo_state *st)
{
    if (check_process(self, st) < 0)
        return -1;
    if (self->closed) {
        jobo_raise_simple(st->ConfigurationError, "these transfers have been closed");
        return -1;
    }
    if (self->busy) {
        PyErr_SetString(PyExc_RuntimeError,
                        "Multi is being driven by another thread; use it from one thread");
        return -1;
    }
    return 0;
}

/* Let bodies flow: the oldest transfers first, up to max_bodies, and `want`
 * (the one being waited for) always. GIL held; no Python calls. */
static void
grant_bodies(MultiObject *self, jobo_job *want)
{
    Py_ssize_t i;
    for (i = 0; i < self->n; i++) {
        jobo_job *j = self->jobs[i];
        if (j->granted || j->x.done)
            continue;
        if (self->held >= self->max_bodies && j != want)
            continue;
        j->granted = 1;
        self->held++;
        if (j->paused) {
            j->paused = 0;
            j->idle_ms = 0; /* the stall clock restarts */
            curl_easy_pause(j->x.slot->easy, CURLPAUSE_CONT);
        }
    }
    if (self->held > self->peak_held)
        self->peak_held = self->held;
}

/* Total and stall timeouts. Their clocks run only while this thread drives
 * the transfers (a caller busy with a page leaves the answers waiting in the
 * sockets, which is no fault of the server) and not while a body is held
 * back. `slice_start` and `now` bound the slice just driven. No Python calls. */
static void
expire_jobs(MultiObject *self, int64_t slice_start, int64_t now)
{
    int64_t dt = now - slice_start;
    Py_ssize_t i;
    for (i = 0; i < self->n; i++) {
        jobo_job *j = self->jobs[i];
        if (j->x.done || j->paused)
            continue;
        j->active_ms += dt;
        j->idle_ms = j->x.resp.last_rx_ms >= slice_start ? 0 : j->idle_ms + dt;
        if (j->active_ms > j->x.timeout_ms) {
            snprintf(j->x.slot->errbuf, CURL_ERROR_SIZE,
                     "Operation timed out after %lld milliseconds", (long long)j->active_ms);
        } else if (j->x.stall_ms > 0 && j->idle_ms > j->x.stall_ms) {
            snprintf(j->x.slot->errbuf, CURL_ERROR_SIZE,
                     "no data received for %.3g s (read_timeout)", j->x.stall_ms / 1000.0);
            j->x.stalled = 1;
        } else {
            continue;
        }
        curl_multi_remove_handle(self->multi, j->x.slot->easy);
        j->x.code = CURLE_OPERATION_TIMEDOUT;
        j->x.done = 1;
    }
}

/* Every transfer still running has sent its request (or is done). */
static int
all_sent(MultiObject *self)
{
    Py_ssize_t i;
    for (i = 0; i < self->n; i++) {
        jobo_job *j = self->jobs[i];
        if (!j->x.done && !j->sent && j->x.resp.status == 0)
            return 0;
    }
    return 1;
}

/* Transfers still running as far as this file knows (not yet seen done). */
static int
undone(MultiObject *self)
{
    Py_ssize_t i;
    int n = 0;
    for (i = 0; i < self->n; i++)
        if (!self->jobs[i]->x.done)
            n++;
    return n;
}

/* Drive every transfer until `want` is done (want != NULL), or until
 * `until_ms` (monotonic) passes, or (until_sent) until every request is sent.
 * 0, or -1 with an exception set (KeyboardInterrupt, a multi error,
 * interpreter exit). */
static int
drive(MultiObject *self, jobo_state *st, jobo_job *want, int64_t until_ms, int until_sent)
{
    CURLMcode mc = CURLM_OK;
    CURLMsg *msg;
    int running = 0, queued, stopping = 0, rc = 0;

    self->busy = 1;
    __atomic_add_fetch(&st->in_flight, 1, __ATOMIC_SEQ_CST);
    for (;;) {
        int64_t now = jobo_now_ms();
        long slice = JOBO_SLICE_MS;
        if (want != NULL ? want->x.done : now >= until_ms)
            break;
        if (until_sent && all_sent(self))
            break;
        if (want == NULL && until_ms - now < slice)
            slice = (long)(until_ms - now);
        grant_bodies(self, want);
        Py_BEGIN_ALLOW_THREADS
        if (__atomic_load_n(&st->shutting_down, __ATOMIC_SEQ_CST)) {
            /* the interpreter is exiting: leave libcurl for good before
             * taking the GIL again (which may end this thread) */
            stopping = 1;
            __atomic_sub_fetch(&st->in_flight, 1, __ATOMIC_SEQ_CST);
        } else {
            mc = curl_multi_perform(self->multi, &running);
            /* send(): once the requests are out, return without waiting; and a
             * transfer this perform() finished is collected at once, not after
             * a poll that may have no socket left to wake it */
            if (mc == CURLM_OK && !(until_sent && all_sent(self)) && running >= undone(self))
                mc = curl_multi_poll(self->multi, NULL, 0, (int)slice, NULL);
            if (mc == CURLM_OK)
                expire_jobs(self, now, jobo_now_ms());
        }
        Py_END_ALLOW_THREADS
        if (stopping) {
            self->busy = 0;
            jobo_raise_simple(st->ConnectionError, "the interpreter is shutting down");
            return -1; /* handles stay attached: the process is ending */
        }
        while ((msg = curl_multi_info_read(self->multi, &queued)) != NULL) {
            jobo_xfer *x = NULL;
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            curl_multi_remove_handle(self->multi, msg->easy_handle);
            if (x != NULL && !x->done) {
                x->code = msg->data.result;
                x->done = 1;
            }
        }
        if (mc != CURLM_OK)
            break;
        if (PyErr_CheckSignals() < 0) {
            rc = -1;
            break;
        }
    }
    __atomic_sub_fetch(&st->in_flight, 1, __ATOMIC_SEQ_CST);
    self->busy = 0;
    if (rc == 0 && mc != CURLM_OK) {
        jobo_raise_simple(st->ConnectionError, curl_multi_strerror(mc));
        return -1;
    }
    return rc;
}

static int
Multi_init(MultiObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"transport", "max_bodies", "max_connections", NULL};
    jobo_state *st = jobo_state_from_type(Py_TYPE(self));
    PyObject *transport;
    int max_bodies = 3, max_connections = 0;

    if (self->transport != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Multi is already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O|$ii:Multi", kwlist, &transport, &max_bodies,
                                     &max_connections))
        return -1;
    if (!jobo_is_transport(st, transport)) {
        PyErr_SetString(PyExc_TypeError, "Multi: transport must be a Transport");
        return -1;
    }
    if (max_bodies < 1) {
        PyErr_SetString(PyExc_ValueError, "max_bodies must be at least 1");
        return -1;
    }
    if (max_connections < 0) {
        PyErr_SetString(PyExc_ValueError, "max_connections must be 0 (no limit) or more");
        return -1;
    }
    if ((self->multi = curl_multi_init()) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    /* over HTTP/2 the transfers of this handle are streams of one connection */
    if (curl_multi_setopt(self->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX) !=
        CURLM_OK) {
        PyErr_SetString(PyExc_RuntimeError, "libcurl refused CURLMOPT_PIPELINING");
        return -1;
    }
    /* more transfers than connections wait inside libcurl for a free one */
    if (max_connections > 0 &&
        curl_multi_setopt(self->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)max_connections) !=
            CURLM_OK) {
        PyErr_SetString(PyExc_RuntimeError, "libcurl refused CURLMOPT_MAX_TOTAL_CONNECTIONS");
        return -1;
    }
    self->transport = Py_NewRef(transport);
    self->max_bodies = max_bodies;
    self->pid = getpid();
    self->next_id = 1;
    return 0;
}

static void
close_all(MultiObject *self)
{
    if (self->pid != getpid()) {
        PyMem_Free(self->jobs);
        self->jobs = NULL;
        self->n = self->cap = 0;
        self->multi = NULL;
        self->closed = 1;
        return;
    }
    while (self->n > 0)
        job_remove_at(self, self->n - 1);
    PyMem_Free(self->jobs);
    self->jobs = NULL;
    self->cap = 0;
    if (self->multi != NULL)
        curl_multi_cleanup(self->multi);
    self->multi = NULL;
    self->closed = 1;
}

static PyObject *
Multi_submit(MultiObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"method", "path", "query", "body", "timeout", "model", "info",
                             "headers", "read_timeout", NULL};
    jobo_state *st = jobo_state_from_type(Py_TYPE(self));
    const char *method;
    PyObject *path, *query = Py_None, *body = Py_None, *timeout = Py_None, *model = Py_None;
    PyObject *info = Py_None, *headers = Py_None, *read_timeout = Py_None;
    jobo_job *j;
    long timeout_ms;
    CURL *e;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "sU|OOOOOOO:submit", kwlist, &method, &path,
                                     &query, &body, &timeout, &model, &info, &headers,
                                     &read_timeout))
        return NULL;
    if (jobo_submit_check(st, info, model) < 0)
        return NULL;
    if (check_usable(self, st) < 0 || jobo_transport_check_open(self->transport, st) < 0)
        return NULL;
    if ((timeout_ms = jobo_transport_timeout_ms(self->transport, timeout)) < 0)
        return NULL;
    if (self->n == self->cap) {
        Py_ssize_t ncap = self->cap ? self->cap * 2 : 8;
        jobo_job **nj = PyMem_Realloc(self->jobs, (size_t)ncap * sizeof(*nj));
        if (nj == NULL)
            return PyErr_NoMemory();
        self->jobs = nj;
        self->cap = ncap;
    }
    if ((j = calloc(1, sizeof(*j))) == NULL)
        return PyErr_NoMemory();
    if (jobo_xfer_prepare(self->transport, st, &j->x, method, path, query, body, timeout_ms) < 0 ||
        jobo_xfer_options(&j->x, headers, read_timeout) < 0)
        goto error;
    e = j->x.slot->easy;
    /* this file keeps the time (paused time does not count) and the body gate */
    if (curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 0L) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, job_write_cb) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_WRITEDATA, (void *)j) != CURLE_OK ||
        /* wait for a connection that is being set up rather than open another: over
         * HTTP/2 the transfer then rides it as a stream */
        curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L) != CURLE_OK
#if LIBCURL_VERSION_NUM >= 0x075000
        || curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, job_prereq_cb) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_PREREQDATA, (void *)j) != CURLE_OK
#endif
    ) {
        PyErr_SetString(PyExc_RuntimeError, "libcurl refused a transfer option");
        goto error;
    }
    j->model = model == Py_None ? NULL : Py_NewRef(model);
    j->info = info == Py_None ? NULL : Py_NewRef(info);
    j->id = self->next_id++;
    j->x.resp.last_rx_ms = jobo_now_ms();
    if (curl_multi_add_handle(self->multi, e) != CURLM_OK) {
        jobo_raise_simple(st->ConnectionError, "libcurl could not start the transfer");
        goto error;
    }
    j->x.added = 1;
#if LIBCURL_VERSION_NUM < 0x075000
    j->sent = 1; /* no way to know: send() does not wait */
#endif
    self->jobs[self->n++] = j;
    /* the pool keeps as many easy handles as this window uses */
    if (self->n > JOBO_POOL_MAX && jobo_transport_pool_reserve(self->transport, (int)self->n) < 0)
        PyErr_Clear(); /* a smaller pool only costs handles rebuilt */
    return PyLong_FromLong(j->id);
error:
    jobo_xfer_release(self->transport, &j->x);
    Py_XDECREF(j->model);
    free(j);
    return NULL;
}

static int
id_arg(PyObject *arg, long *id)
{
    *id = PyLong_AsLong(arg);
    return (*id == -1 && PyErr_Occurred()) ? -1 : 0;
}

static PyObject *
Multi_wait(MultiObject *self, PyObject *arg)
{
    jobo_state *st = jobo_state_from_type(Py_TYPE(self));
    Py_ssize_t i;
    jobo_job *j;
    PyObject *result;
    long id;

    if (id_arg(arg, &id) < 0 || check_usable(self, st) < 0)
        return NULL;
    if ((i = job_index(self, id)) < 0) {
        PyErr_Format(PyExc_KeyError, "no transfer %ld", id);
        return NULL;
    }
    j = self->jobs[i];
    if (drive(self, st, j, 0, 0) < 0)
        return NULL; /* the transfer stays: wait() again, or cancel() */
    result = jobo_xfer_version_check(self->transport, st, &j->x, j->info) < 0
                 ? NULL
                 : jobo_xfer_result(st, &j->x, j->model);
    if ((i = job_index(self, id)) >= 0)
        job_remove_at(self, i);
    return result;
}

/* run(seconds) and send(seconds): drive every transfer for at most that long
 * (send: only until every request is out). */
static int
drive_for(MultiObject *self, PyObject *arg, int until_sent)
{
    jobo_state *st = jobo_state_from_type(Py_TYPE(self));
    double seconds;
    if (jobo_seconds_arg(arg, "seconds", &seconds) < 0)
        return -1;
    if (check_usable(self, st) < 0)
        return -1;
    return drive(self, st, NULL, jobo_now_ms() + (int64_t)(seconds * 1000.0 + 0.5), until_sent);
}

static PyObject *
Multi_run(MultiObject *self, PyObject *arg)
{
    if (drive_for(self, arg, 0) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
Multi_send(MultiObject *self, PyObject *arg)
{
    if (drive_for(self, arg, 1) < 0)
        return NULL;
    return PyBool_FromLong(all_sent(self));
}

static PyObject *
Multi_cancel(MultiObject *self, PyObject *arg)
{
    jobo_state *st = jobo_state_from_type(Py_TYPE(self));
    Py_ssize_t i;
    long id;
    (void)st;
    if (id_arg(arg, &id) < 0)
        return NULL;
    if (self->pid != getpid()) {
        close_all(self); /* inherited across fork: forget, don't close */
        Py_RETURN_FALSE;
    }
    if (self->busy) {
        PyErr_SetString(PyExc_RuntimeError, "Multi is being driven by another thread");
        return NULL;
    }
    if ((i = job_index(self, id)) < 0)
        Py_RETURN_FALSE;
    job_remove_at(self, i);
    Py_RETURN_TRUE;
}

static PyObject *
Multi_close(MultiObject *self, PyObject *Py_UNUSED(ignored))
{
    if (self->busy) {
        PyErr_SetString(PyExc_RuntimeError, "Multi is being driven by another thread");
        return NULL;
    }
    close_all(self);
    Py_RETURN_NONE;
}

static void
Multi_dealloc(MultiObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    if (self->transport != NULL)
        close_all(self);
    Py_CLEAR(self->transport);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static int
Multi_traverse(MultiObject *self, visitproc visit, void *arg)
{
    Py_ssize_t i;
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->transport);
    for (i = 0; i < self->n; i++) {
        Py_VISIT(self->jobs[i]->model);
        Py_VISIT(self->jobs[i]->info);
    }
    return 0;
}

static PyObject *
get_pending(MultiObject *self, void *Py_UNUSED(c))
{
    return PyLong_FromSsize_t(self->n);
}

static PyObject *
get_peak_bodies(MultiObject *self, void *Py_UNUSED(c))
{
    return PyLong_FromLong(self->peak_held);
}

static PyObject *
get_max_bodies(MultiObject *self, void *Py_UNUSED(c))
{
    return PyLong_FromLong(self->max_bodies);
}

static PyObject *
get_closed(MultiObject *self, void *Py_UNUSED(c))
{
    return PyBool_FromLong(self->closed);
}

static PyObject *
Multi_repr(MultiObject *self)
{
    return PyUnicode_FromFormat("<jobo_enterprise._core.Multi %zd pending%s>", self->n,
                                self->closed ? " closed" : "");
}

static PyMethodDef Multi_methods[] = {
    {"submit", (PyCFunction)(void (*)(void))Multi_submit, METH_VARARGS | METH_KEYWORDS,
     "submit(method, path, query=None, body=None, timeout=None, model=None, info=None,\n"
     "       headers=None, read_timeout=None)\n"
     "    -> int\n\n"
     "Start one request (the arguments of Transport.request) and return its id at once;\n"
     "wait() reports its HTTP version in info (a dict), as Transport.request does."},
    {"wait", (PyCFunction)Multi_wait, METH_O,
     "wait(id) -> (data, usage)\n\nDrive every transfer until this one is done (GIL released,\n"
     "interruptible); its result, or its typed JoboError. The id is then forgotten."},
    {"run", (PyCFunction)Multi_run, METH_O,
     "run(seconds)\n\nDrive every transfer for that long (an interruptible sleep)."},
    {"send", (PyCFunction)Multi_send, METH_O,
     "send(seconds) -> bool\n\nDrive every transfer until each has sent its request (at most\n"
     "that long), so the server works on them while the caller is away. True when all\n"
     "were sent."},
    {"cancel", (PyCFunction)Multi_cancel, METH_O,
     "cancel(id) -> bool\n\nTake a transfer off (its connection is closed)."},
    {"close", (PyCFunction)Multi_close, METH_NOARGS,
     "close()\n\nCancel every transfer and free the multi handle."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Multi_getset[] = {
    {"pending", (getter)get_pending, NULL, "Transfers submitted and not yet taken.", NULL},
    {"peak_bodies", (getter)get_peak_bodies, NULL,
     "The most transfers that were allowed to hold a body at once.", NULL},
    {"max_bodies", (getter)get_max_bodies, NULL, "Bodies received at once (besides the one waited for).", NULL},
    {"closed", (getter)get_closed, NULL, "True once close() was called.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot Multi_slots[] = {
    {Py_tp_doc, (void *)"Multi(transport, *, max_bodies=3, max_connections=0)\n\nConcurrent "
                        "transfers of one "
                        "client on one libcurl multi handle,\ndriven from the calling thread."},
    {Py_tp_init, (void *)Multi_init},
    {Py_tp_dealloc, (void *)Multi_dealloc},
    {Py_tp_traverse, (void *)Multi_traverse},
    {Py_tp_repr, (void *)Multi_repr},
    {Py_tp_methods, Multi_methods},
    {Py_tp_getset, Multi_getset},
    {0, NULL},
};

PyType_Spec jobo_multi_spec = {
    .name = "jobo_enterprise._core.Multi",
    .basicsize = sizeof(MultiObject),
    .itemsize = 0,
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .slots = Multi_slots,
};
