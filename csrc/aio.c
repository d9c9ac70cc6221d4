/* aio.c: the LoopMulti type, the transfers of one client on ONE libcurl multi
 * handle driven by an asyncio event loop, and Finished, one transfer's answer
 * ready to be read (on the loop, or on a helper thread for a large body).
 *
 * libcurl's multi-socket interface does the waiting through the loop:
 *   CURLMOPT_SOCKETFUNCTION  -> loop.add_reader / add_writer / remove_*, with
 *                               self._on_socket(fd, events) as the callback
 *   CURLMOPT_TIMERFUNCTION   -> loop.call_later(seconds, self._on_timer)
 *                               (loop.call_soon for "now")
 * and each callback runs curl_multi_socket_action() for that socket (or the
 * timeout), then hands every finished transfer to its future
 * (future.set_result(None)). There is no thread and no blocking call: each
 * step does the non-blocking I/O (and TLS) that is ready, with the GIL held,
 * and returns to the loop.
 *
 *   submit(future, method, path, query, body, timeout, model, info) -> id
 *                 start a transfer (a Transport.request description)
 *   take(id) -> Finished     a finished transfer, off this handle
 *   cancel(id)               take a transfer off at once; a connection in the
 *                            middle of a response is closed, never reused
 *   close()                  cancel all, unregister from the loop, free
 *   Finished.result() -> (data, usage)  parse (GIL released) and build the
 *                            result, or raise its typed JoboError; any thread
 *
 * The multi handle holds this client's keep-alive connections for this loop,
 * at most max_connections of them (CURLMOPT_MAX_TOTAL_CONNECTIONS: more
 * transfers queue inside libcurl); over HTTP/2 the transfers are streams of one
 * connection. Easy handles come from the Transport's pool, as in multi.c.
 *
 * Callbacks may call into Python (the loop's methods) because the GIL is held
 * whenever libcurl runs here; a Python error inside one is kept and raised
 * when libcurl returns. Sockets are registered in a small table so that
 * close() can unregister what libcurl did not. No mutable C globals.
 *
 * The loop's bookkeeping is kept off the per-request path:
 * - a kept-alive connection stays registered for reading while it is idle
 *   between transfers (libcurl asks to stop watching it at the end of each
 *   one): the next transfer on it needs no add_reader. Should the idle socket
 *   turn readable (the server closed it), its reader is removed then, and
 *   libcurl, which does not watch it, finds it dead before reuse. Only the
 *   sockets of connections stay (CURLOPT_OPENSOCKETFUNCTION marks them): libcurl
 *   closes those through CURLOPT_CLOSESOCKETFUNCTION, which unregisters them
 *   for good before the descriptor can be reused. Any other socket libcurl
 *   watches (the threaded resolver's wake-up pipe, closed without a word) is
 *   unregistered as soon as libcurl stops watching it.
 * - one timer handle: libcurl moving its timeout later leaves the handle
 *   armed (it fires early, finds the new time and re-arms once); only an
 *   earlier timeout replaces it.
 */
#include "jobo.h"

#include <string.h>
#include <unistd.h>

#define AIO_IN 1
#define AIO_OUT 2

typedef struct {
    jobo_xfer x;            /* first: CURLINFO_PRIVATE points here */
    long id;
    PyObject *model;        /* owned, or NULL */
    PyObject *info;         /* owned dict, or NULL */
    PyObject *future;       /* owned: set_result(None) when the transfer is done */
} aio_job;

typedef struct {
    curl_socket_t fd;
    int reg;                /* AIO_IN / AIO_OUT registered with the loop */
    int want;               /* what libcurl watches now (0: an idle kept-alive socket) */
    int conn;               /* a connection's socket: libcurl closes it through
                             * closesocket_cb (others, such as the resolver's
                             * wake-up pipe, it may close without a word) */
} aio_sock;

typedef struct {
    PyObject_HEAD
    PyObject *transport;
    PyObject *loop;
    PyObject *timer;        /* the loop's handle for libcurl's timeout, or NULL */
    double timer_at;        /* when it fires (CLOCK_MONOTONIC seconds, the loop's clock) */
    double want_at;         /* when libcurl wants its timeout run (< 0: never) */
    CURLM *multi;
    aio_job **jobs;
    Py_ssize_t n, cap;
    aio_sock *socks;
    Py_ssize_t nsocks, capsocks;
    long next_id;
    long completed;
    int max_connections;
    int busy;               /* inside libcurl: no re-entry */
    int closed;
    int cb_failed;          /* a Python call inside a libcurl callback raised */
    PyObject *cb_error;     /* that exception, raised when libcurl returns */
    pid_t pid;
} LoopMultiObject;

typedef struct {
    PyObject_HEAD
    PyObject *transport;
    aio_job *job;           /* owned; NULL once read */
} FinishedObject;

/* ---- the loop side --------------------------------------------------------- */

/* The current exception as one object (cleared), and back (across versions). */
static PyObject *
fetch_error(void)
{
#if PY_VERSION_HEX >= 0x030C0000
    return PyErr_GetRaisedException();
#else
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    if (type == NULL)
        return NULL;
    PyErr_NormalizeException(&type, &value, &tb);
    if (value != NULL && tb != NULL)
        PyException_SetTraceback(value, tb);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    return value;
#endif
}

static void
restore_error(PyObject *value)
{
    if (value == NULL)
        return;
#if PY_VERSION_HEX >= 0x030C0000
    PyErr_SetRaisedException(value);
#else
    PyErr_Restore(Py_NewRef((PyObject *)Py_TYPE(value)), value, PyException_GetTraceback(value));
#endif
}

static PyObject *
loop_call(LoopMultiObject *self, const char *name, PyObject *args)
{
    PyObject *m = PyObject_GetAttrString(self->loop, name), *r;
    if (m == NULL)
        return NULL;
    r = PyObject_Call(m, args, NULL);
    Py_DECREF(m);
    return r;
}

/* Remember a Python error raised inside a libcurl callback. */
static void
keep_error(LoopMultiObject *self)
{
    if (self->cb_error == NULL)
        self->cb_error = fetch_error();
    else
        PyErr_Clear();
    self->cb_failed = 1;
}

static Py_ssize_t
sock_index(LoopMultiObject *self, curl_socket_t fd)
{
    Py_ssize_t i;
    for (i = 0; i < self->nsocks; i++)
        if (self->socks[i].fd == fd)
            return i;
    return -1;
}

/* The table entry of fd, added (nothing registered) if missing. -1: no memory. */
static Py_ssize_t
sock_add(LoopMultiObject *self, curl_socket_t fd)
{
    Py_ssize_t i = sock_index(self, fd);
    if (i >= 0)
        return i;
    if (self->nsocks == self->capsocks) {
        Py_ssize_t ncap = self->capsocks ? self->capsocks * 2 : 8;
        aio_sock *ns = PyMem_Realloc(self->socks, (size_t)ncap * sizeof(*ns));
        if (ns == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        self->socks = ns;
        self->capsocks = ncap;
    }
    self->socks[self->nsocks].fd = fd;
    self->socks[self->nsocks].reg = 0;
    self->socks[self->nsocks].want = 0;
    self->socks[self->nsocks].conn = 0;
    return self->nsocks++;
}

/* Register socket i with the loop for exactly `target` (AIO_IN|AIO_OUT);
 * an entry left with nothing registered and nothing wanted leaves the table.
 * quiet: a failure is ignored (unregistering from a closed loop). 0 or -1. */
static int
sock_sync(LoopMultiObject *self, Py_ssize_t i, int target, int quiet)
{
    curl_socket_t fd = self->socks[i].fd;
    int reg = self->socks[i].reg, rc = 0, bit;

    for (bit = AIO_IN; bit <= AIO_OUT; bit <<= 1) {
        PyObject *args, *r;
        if ((target & bit) == (reg & bit))
            continue;
        if (target & bit) {
            PyObject *cb = PyObject_GetAttrString((PyObject *)self, "_on_socket");
            if (cb == NULL)
                return -1;
            args = Py_BuildValue("(iNii)", (int)fd, cb, (int)fd,
                                 bit == AIO_IN ? CURL_CSELECT_IN : CURL_CSELECT_OUT);
            r = args ? loop_call(self, bit == AIO_IN ? "add_reader" : "add_writer", args) : NULL;
        } else {
            args = Py_BuildValue("(i)", (int)fd);
            r = args ? loop_call(self, bit == AIO_IN ? "remove_reader" : "remove_writer", args)
                     : NULL;
        }
        Py_XDECREF(args);
        if (r == NULL) {
            if (!quiet && (target & bit)) {
                rc = -1;
                break;
            }
            PyErr_Clear(); /* unregistering from a closed loop: nothing to undo */
        } else {
            Py_DECREF(r);
        }
        reg ^= bit;
    }
    self->socks[i].reg = reg;
    if (reg == 0 && self->socks[i].want == 0 && !self->socks[i].conn)
        self->socks[i] = self->socks[--self->nsocks];
    return rc;
}

/* Socket i leaves the loop and the table for good (closed, or about to be
 * reused); an exception being raised meanwhile is kept as it was. */
static void
sock_forget(LoopMultiObject *self, Py_ssize_t i)
{
    PyObject *exc = fetch_error();
    self->socks[i].want = 0;
    self->socks[i].conn = 0;
    sock_sync(self, i, 0, 1);
    restore_error(exc);
}

/* CURLMOPT_SOCKETFUNCTION (GIL held: libcurl only runs here with it). At the
 * end of a transfer (CURL_POLL_REMOVE) a kept-alive socket stays registered
 * for reading, idle, for the next transfer on it. */
static int
socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    LoopMultiObject *self = (LoopMultiObject *)userp;
    Py_ssize_t i;
    int want = 0;
    (void)easy;
    (void)socketp;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
        want |= AIO_IN;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
        want |= AIO_OUT;
    if (want == 0) {
        if ((i = sock_index(self, fd)) >= 0) {
            self->socks[i].want = 0;
            sock_sync(self, i, self->socks[i].conn ? self->socks[i].reg & AIO_IN : 0, 1);
        }
        return 0;
    }
    if ((i = sock_add(self, fd)) < 0 ||
        (self->socks[i].want = want, sock_sync(self, i, want | (self->socks[i].reg & AIO_IN), 0)) <
            0) {
        keep_error(self);
        return -1;
    }
    return 0;
}

/* CURLOPT_OPENSOCKETFUNCTION: a connection's socket, made as libcurl would
 * and marked as one that closesocket_cb will see closed. A stale entry of the
 * same number (a descriptor closed behind this table's back) leaves the loop
 * first. GIL held: libcurl connects only inside this object's calls. */
static curl_socket_t
opensocket_cb(void *clientp, curlsocktype purpose, struct curl_sockaddr *address)
{
    LoopMultiObject *self = (LoopMultiObject *)clientp;
    curl_socket_t fd = socket(address->family, address->socktype, address->protocol);
    Py_ssize_t i;
    if (fd == CURL_SOCKET_BAD || purpose != CURLSOCKTYPE_IPCXN)
        return fd;
    if ((i = sock_index(self, fd)) >= 0)
        sock_forget(self, i);
    if ((i = sock_add(self, fd)) < 0) {
        PyErr_Clear(); /* no room to mark it: it is unregistered when libcurl stops watching */
        return fd;
    }
    self->socks[i].conn = 1;
    return fd;
}

/* CURLOPT_CLOSESOCKETFUNCTION: libcurl closes a socket of this handle's
 * connections; it leaves the loop first, before its number can be reused. */
static int
closesocket_cb(void *clientp, curl_socket_t fd)
{
    LoopMultiObject *self = (LoopMultiObject *)clientp;
    Py_ssize_t i = sock_index(self, fd);
    if (i >= 0)
        sock_forget(self, i);
    return close(fd);
}

/* CLOCK_MONOTONIC in seconds, the clock of the loop's time() */
#define MONO_NOW() (jobo_now_ms() / 1000.0)

static void
cancel_timer(LoopMultiObject *self)
{
    if (self->timer != NULL) {
        PyObject *r = PyObject_CallMethod(self->timer, "cancel", NULL);
        if (r == NULL)
            PyErr_Clear();
        Py_XDECREF(r);
        Py_CLEAR(self->timer);
    }
}

/* Arm the timer handle to fire in `delay` seconds (0: at the loop's next turn). */
static int
arm_timer(LoopMultiObject *self, double delay, double at)
{
    PyObject *cb, *args;
    if ((cb = PyObject_GetAttrString((PyObject *)self, "_on_timer")) == NULL)
        return -1;
    if (delay <= 0) {
        args = PyTuple_Pack(1, cb);
        self->timer = args ? loop_call(self, "call_soon", args) : NULL;
    } else {
        args = Py_BuildValue("(dO)", delay, cb);
        self->timer = args ? loop_call(self, "call_later", args) : NULL;
    }
    Py_DECREF(cb);
    Py_XDECREF(args);
    if (self->timer == NULL)
        return -1;
    self->timer_at = at;
    return 0;
}

/* CURLMOPT_TIMERFUNCTION: libcurl's timeout is now in timeout_ms (-1: none).
 * A handle armed for earlier stays (see the file's comment). */
static int
timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
    LoopMultiObject *self = (LoopMultiObject *)userp;
    double now, at;
    (void)multi;
    if (timeout_ms < 0 || self->closed) {
        self->want_at = -1;
        cancel_timer(self);
        return 0;
    }
    now = MONO_NOW();
    at = now + timeout_ms / 1000.0;
    self->want_at = at;
    if (self->timer != NULL && self->timer_at <= at)
        return 0; /* it fires in time: re-armed for `at` then */
    cancel_timer(self);
    if (arm_timer(self, timeout_ms / 1000.0, at) < 0) {
        keep_error(self);
        return -1;
    }
    return 0;
}

/* Raise the error kept from a callback, if any. 0 or -1. */
static int
raise_kept(LoopMultiObject *self)
{
    if (!self->cb_failed)
        return 0;
    self->cb_failed = 0;
    if (self->cb_error != NULL) {
        restore_error(self->cb_error);
        self->cb_error = NULL;
    } else {
        PyErr_SetString(PyExc_RuntimeError, "the event loop refused a libcurl request");
    }
    return -1;
}

/* ---- jobs ---------------------------------------------------------------- */

static Py_ssize_t
job_index(LoopMultiObject *self, long id)
{
    Py_ssize_t i;
    for (i = 0; i < self->n; i++)
        if (self->jobs[i]->id == id)
            return i;
    return -1;
}

/* Free a job (off any multi handle): its slot goes back to the pool. */
static void
job_free(PyObject *transport, aio_job *j)
{
    if (j->x.slot != NULL) {
        curl_easy_setopt(j->x.slot->easy, CURLOPT_LOW_SPEED_LIMIT, 0L);
        curl_easy_setopt(j->x.slot->easy, CURLOPT_LOW_SPEED_TIME, 0L);
        /* connections made from now on by this handle elsewhere close as usual
         * (those of this LoopMulti keep its callback: libcurl copied it) */
        curl_easy_setopt(j->x.slot->easy, CURLOPT_OPENSOCKETFUNCTION, NULL);
        curl_easy_setopt(j->x.slot->easy, CURLOPT_OPENSOCKETDATA, NULL);
        curl_easy_setopt(j->x.slot->easy, CURLOPT_CLOSESOCKETFUNCTION, NULL);
        curl_easy_setopt(j->x.slot->easy, CURLOPT_CLOSESOCKETDATA, NULL);
    }
    jobo_xfer_release(transport, &j->x);
    Py_CLEAR(j->model);
    Py_CLEAR(j->info);
    Py_CLEAR(j->future);
    free(j);
}

/* Take job i out of the table (not freed). */
static aio_job *
job_pop(LoopMultiObject *self, Py_ssize_t i)
{
    aio_job *j = self->jobs[i];
    memmove(self->jobs + i, self->jobs + i + 1, (size_t)(self->n - i - 1) * sizeof(*self->jobs));
    self->n--;
    return j;
}

/* Stop a job's transfer now: removed while a response is under way, its
 * connection is closed by libcurl (an HTTP/2 stream is reset). */
static void
job_stop(LoopMultiObject *self, aio_job *j)
{
    if (j->x.added && !j->x.done && self->multi != NULL && self->pid == getpid()) {
        self->busy = 1;
        curl_multi_remove_handle(self->multi, j->x.slot->easy);
        self->busy = 0;
    }
    j->x.done = 1;
}

/* Finished transfers: off the multi handle, their futures told. */
static void
collect(LoopMultiObject *self)
{
    CURLMsg *msg;
    int queued;
    while ((msg = curl_multi_info_read(self->multi, &queued)) != NULL) {
        aio_job *j = NULL;
        PyObject *r;
        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
        curl_multi_remove_handle(self->multi, msg->easy_handle);
        if (j == NULL || j->x.done)
            continue;
        j->x.code = msg->data.result;
        j->x.done = 1;
        self->completed++;
        if (j->x.code == CURLE_OPERATION_TIMEDOUT && j->x.stall_ms > 0 &&
            jobo_now_ms() - j->x.resp.last_rx_ms >= j->x.stall_ms) {
            snprintf(j->x.slot->errbuf, CURL_ERROR_SIZE,
                     "no data received for %.3g s (read_timeout)", j->x.stall_ms / 1000.0);
            j->x.stalled = 1;
        }
        /* a cancelled future is done already: nobody waits for this one */
        r = PyObject_CallMethod(j->future, "done", NULL);
        if (r != NULL && r == Py_False) {
            Py_DECREF(r);
            r = PyObject_CallMethod(j->future, "set_result", "(O)", Py_None);
        }
        if (r == NULL)
            keep_error(self);
        Py_XDECREF(r);
    }
}

/* Run libcurl for one socket event (or the timeout: fd CURL_SOCKET_TIMEOUT). */
static int
act(LoopMultiObject *self, curl_socket_t fd, int events)
{
    int running = 0;
    CURLMcode mc;
    if (self->closed || self->multi == NULL || self->pid != getpid())
        return 0; /* a late callback of a closed handle */
    if (self->busy) {
        PyErr_SetString(PyExc_RuntimeError, "LoopMulti re-entered from a libcurl callback");
        return -1;
    }
    self->busy = 1;
    mc = curl_multi_socket_action(self->multi, fd, events, &running);
    collect(self);
    self->busy = 0;
    if (raise_kept(self) < 0)
        return -1;
    if (mc != CURLM_OK) {
        jobo_state *st = jobo_state_from_type(Py_TYPE(self));
        jobo_raise_simple(st->ConnectionError, curl_multi_strerror(mc));
        return -1;
    }
    return 0;
}

/* ---- LoopMulti --------------------------------------------------------------- */

static int
LoopMulti_init(LoopMultiObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"transport", "loop", "max_connections", NULL};
    jobo_state *st = jobo_state_from_type(Py_TYPE(self));
    PyObject *transport, *loop;
    int max_connections = 100;

    if (self->transport != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "LoopMulti is already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OO|$i:LoopMulti", kwlist, &transport, &loop,
                                     &max_connections))
        return -1;
    if (!jobo_is_transport(st, transport)) {
        PyErr_SetString(PyExc_TypeError, "LoopMulti: transport must be a Transport");
        return -1;
    }
    if (max_connections < 1 || max_connections > 10000) {
        PyErr_SetString(PyExc_ValueError, "max_connections must be between 1 and 10000");
        return -1;
    }
    if ((self->multi = curl_multi_init()) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (curl_multi_setopt(self->multi, CURLMOPT_SOCKETFUNCTION, socket_cb) != CURLM_OK ||
        curl_multi_setopt(self->multi, CURLMOPT_SOCKETDATA, (void *)self) != CURLM_OK ||
        curl_multi_setopt(self->multi, CURLMOPT_TIMERFUNCTION, timer_cb) != CURLM_OK ||
        curl_multi_setopt(self->multi, CURLMOPT_TIMERDATA, (void *)self) != CURLM_OK ||
        curl_multi_setopt(self->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX) !=
            CURLM_OK ||
        curl_multi_setopt(self->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)max_connections) !=
            CURLM_OK ||
        curl_multi_setopt(self->multi, CURLMOPT_MAXCONNECTS, (long)max_connections) != CURLM_OK) {
        curl_multi_cleanup(self->multi);
        self->multi = NULL;
        PyErr_SetString(PyExc_RuntimeError, "libcurl refused a multi handle option");
        return -1;
    }
    /* as many easy handles stay pooled as transfers can run at once */
    if (jobo_transport_pool_reserve(transport, max_connections) < 0) {
        curl_multi_cleanup(self->multi);
        self->multi = NULL;
        return -1;
    }
    self->transport = Py_NewRef(transport);
    self->loop = Py_NewRef(loop);
    self->max_connections = max_connections;
    self->pid = getpid();
    self->next_id = 1;
    self->want_at = -1;
    return 0;
}

static int
check_open(LoopMultiObject *self, jobo_state *st)
{
    if (self->pid != getpid()) {
        jobo_raise_simple(st->ConnectionError,
                          "these transfers were started in the parent process (fork)");
        return -1;
    }
    if (self->closed || self->multi == NULL) {
        jobo_raise_simple(st->ConfigurationError, "these transfers have been closed");
        return -1;
    }
    if (self->busy) {
        PyErr_SetString(PyExc_RuntimeError, "LoopMulti re-entered from a libcurl callback");
        return -1;
    }
    return 0;
}

static PyObject *
LoopMulti_submit(LoopMultiObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"future", "method", "path", "query", "body", "timeout", "model",
                             "info", "headers", "read_timeout", NULL};
    jobo_state *st = jobo_state_from_type(Py_TYPE(self));
    const char *method;
    PyObject *future, *path, *query = Py_None, *body = Py_None, *timeout = Py_None;
    PyObject *model = Py_None, *info = Py_None, *headers = Py_None, *read_timeout = Py_None;
    aio_job *j;
    long timeout_ms;
    CURL *e;
    CURLMcode mc;

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "OsU|OOOOOOO:submit", kwlist, &future,
                                     &method, &path, &query, &body, &timeout, &model, &info,
                                     &headers, &read_timeout))
        return NULL;
    if (jobo_submit_check(st, info, model) < 0)
        return NULL;
    if (check_open(self, st) < 0 || jobo_transport_check_open(self->transport, st) < 0)
        return NULL;
    if ((timeout_ms = jobo_transport_timeout_ms(self->transport, timeout)) < 0)
        return NULL;
    if (self->n == self->cap) {
        Py_ssize_t ncap = self->cap ? self->cap * 2 : 16;
        aio_job **nj = PyMem_Realloc(self->jobs, (size_t)ncap * sizeof(*nj));
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
    /* over HTTP/2, ride the connection being set up as a stream; read_timeout
     * as libcurl's low-speed limit (fewer than 1 byte/s for that long) */
    if (curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, opensocket_cb) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, (void *)self) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, closesocket_cb) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, (void *)self) != CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, j->x.stall_ms > 0 ? 1L : 0L) !=
            CURLE_OK ||
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME,
                         j->x.stall_ms > 0 ? (j->x.stall_ms + 999) / 1000 : 0L) != CURLE_OK) {
        PyErr_SetString(PyExc_RuntimeError, "libcurl refused a transfer option");
        goto error;
    }
    j->future = Py_NewRef(future);
    j->model = model == Py_None ? NULL : Py_NewRef(model);
    j->info = info == Py_None ? NULL : Py_NewRef(info);
    j->id = self->next_id++;
    j->x.resp.last_rx_ms = jobo_now_ms();
    self->busy = 1;
    mc = curl_multi_add_handle(self->multi, e); /* schedules the timer: the start */
    self->busy = 0;
    if (mc != CURLM_OK) {
        raise_kept(self);
        PyErr_Clear();
        jobo_raise_simple(st->ConnectionError, "libcurl could not start the transfer");
        goto error;
    }
    j->x.added = 1;
    self->jobs[self->n++] = j;
    if (raise_kept(self) < 0) {
        job_stop(self, job_pop(self, self->n - 1));
        job_free(self->transport, j);
        return NULL;
    }
    return PyLong_FromLong(j->id);
error:
    job_free(self->transport, j);
    return NULL;
}

static int
id_arg(PyObject *arg, long *id)
{
    *id = PyLong_AsLong(arg);
    return (*id == -1 && PyErr_Occurred()) ? -1 : 0;
}

static PyTypeObject *
finished_type(LoopMultiObject *self)
{
    return jobo_state_from_type(Py_TYPE(self))->FinishedType;
}

static PyObject *
LoopMulti_take(LoopMultiObject *self, PyObject *arg)
{
    jobo_state *st = jobo_state_from_type(Py_TYPE(self));
    FinishedObject *f;
    Py_ssize_t i;
    aio_job *j;
    long id;

    if (id_arg(arg, &id) < 0)
        return NULL;
    if ((i = job_index(self, id)) < 0) {
        PyErr_Format(PyExc_KeyError, "no transfer %ld", id);
        return NULL;
    }
    if (!self->jobs[i]->x.done) {
        PyErr_Format(PyExc_RuntimeError, "transfer %ld is still running", id);
        return NULL;
    }
    j = job_pop(self, i);
    Py_CLEAR(j->future);
    if (jobo_xfer_version_check(self->transport, st, &j->x, j->info) < 0) {
        job_free(self->transport, j);
        return NULL;
    }
    f = PyObject_GC_New(FinishedObject, finished_type(self));
    if (f == NULL) {
        job_free(self->transport, j);
        return NULL;
    }
    f->transport = Py_NewRef(self->transport);
    f->job = j;
    PyObject_GC_Track(f);
    return (PyObject *)f;
}

static PyObject *
LoopMulti_cancel(LoopMultiObject *self, PyObject *arg)
{
    Py_ssize_t i;
    aio_job *j;
    long id;
    if (id_arg(arg, &id) < 0)
        return NULL;
    if (self->busy) {
        PyErr_SetString(PyExc_RuntimeError, "LoopMulti re-entered from a libcurl callback");
        return NULL;
    }
    if ((i = job_index(self, id)) < 0)
        Py_RETURN_FALSE;
    j = job_pop(self, i);
    job_stop(self, j);
    job_free(self->transport, j);
    /* what the removal asked of the loop (sockets closed) */
    if (raise_kept(self) < 0)
        return NULL;
    Py_RETURN_TRUE;
}

static void
close_all(LoopMultiObject *self)
{
    if (self->pid != getpid()) {
        /* inherited across fork: the connections are the parent's; forget them */
        Py_ssize_t i;
        for (i = 0; i < self->n; i++) {
            Py_CLEAR(self->jobs[i]->model);
            Py_CLEAR(self->jobs[i]->info);
            Py_CLEAR(self->jobs[i]->future);
        }
        PyMem_Free(self->jobs);
        self->jobs = NULL;
        self->n = self->cap = 0;
        self->nsocks = 0;
        self->multi = NULL;
        self->closed = 1;
        Py_CLEAR(self->timer);
        return;
    }
    self->closed = 1;
    while (self->n > 0) {
        aio_job *j = job_pop(self, self->n - 1);
        job_stop(self, j);
        job_free(self->transport, j);
    }
    PyMem_Free(self->jobs);
    self->jobs = NULL;
    self->cap = 0;
    if (self->multi != NULL) {
        self->busy = 1;
        curl_multi_cleanup(self->multi); /* closes the idle connections */
        self->busy = 0;
        self->multi = NULL;
    }
    /* whatever is left registered with the loop (idle sockets libcurl closed
     * with its own cleanup went already) */
    while (self->nsocks > 0)
        sock_forget(self, self->nsocks - 1);
    cancel_timer(self);
    self->cb_failed = 0;
    Py_CLEAR(self->cb_error);
    PyErr_Clear();
}

static PyObject *
LoopMulti_close(LoopMultiObject *self, PyObject *Py_UNUSED(ignored))
{
    if (self->busy) {
        PyErr_SetString(PyExc_RuntimeError, "LoopMulti re-entered from a libcurl callback");
        return NULL;
    }
    if (self->transport != NULL)
        close_all(self);
    Py_RETURN_NONE;
}

static PyObject *
LoopMulti_on_socket(LoopMultiObject *self, PyObject *args)
{
    int fd, events, bit;
    Py_ssize_t i;
    if (!PyArg_ParseTuple(args, "ii:_on_socket", &fd, &events))
        return NULL;
    bit = events == CURL_CSELECT_OUT ? AIO_OUT : AIO_IN;
    i = sock_index(self, (curl_socket_t)fd);
    if (i >= 0 && !(self->socks[i].want & bit) && !self->busy) {
        /* an idle kept-alive socket turned readable (closed by the server):
         * libcurl does not watch it, nor does the loop any longer */
        if (sock_sync(self, i, self->socks[i].reg & ~bit, 1) < 0)
            return NULL;
        Py_RETURN_NONE;
    }
    if (act(self, (curl_socket_t)fd, events) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *
LoopMulti_on_timer(LoopMultiObject *self, PyObject *Py_UNUSED(ignored))
{
    double now;
    Py_CLEAR(self->timer);
    if (self->want_at < 0)
        Py_RETURN_NONE; /* libcurl has no timeout any more */
    now = MONO_NOW();
    if (self->want_at > self->timer_at && self->want_at > now) {
        /* libcurl moved its timeout later since the handle was armed */
        if (!self->closed && arm_timer(self, self->want_at - now, self->want_at) < 0)
            return NULL;
        Py_RETURN_NONE;
    }
    self->want_at = -1;
    if (act(self, CURL_SOCKET_TIMEOUT, 0) < 0)
        return NULL;
    Py_RETURN_NONE;
}

static void
LoopMulti_dealloc(LoopMultiObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    if (self->transport != NULL && !self->closed) {
        PyObject *exc = fetch_error();
        close_all(self);
        restore_error(exc);
    }
    PyMem_Free(self->jobs);
    PyMem_Free(self->socks);
    Py_CLEAR(self->timer);
    Py_CLEAR(self->cb_error);
    Py_CLEAR(self->loop);
    Py_CLEAR(self->transport);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static int
LoopMulti_traverse(LoopMultiObject *self, visitproc visit, void *arg)
{
    Py_ssize_t i;
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->transport);
    Py_VISIT(self->loop);
    Py_VISIT(self->timer);
    Py_VISIT(self->cb_error);
    for (i = 0; i < self->n; i++) {
        Py_VISIT(self->jobs[i]->model);
        Py_VISIT(self->jobs[i]->info);
        Py_VISIT(self->jobs[i]->future);
    }
    return 0;
}

static int
LoopMulti_clear(LoopMultiObject *self)
{
    /* a cycle through the loop (a registered callback holds this object):
     * take every transfer off before the references go */
    if (self->transport != NULL && !self->closed)
        close_all(self);
    Py_CLEAR(self->timer);
    Py_CLEAR(self->cb_error);
    Py_CLEAR(self->loop);
    return 0;
}

static PyObject *
lm_get_pending(LoopMultiObject *self, void *Py_UNUSED(c))
{
    return PyLong_FromSsize_t(self->n);
}

static PyObject *
lm_get_sockets(LoopMultiObject *self, void *Py_UNUSED(c))
{
    Py_ssize_t i, n = 0;
    for (i = 0; i < self->nsocks; i++)
        n += self->socks[i].want != 0;
    return PyLong_FromSsize_t(n);
}

static PyObject *
lm_get_registered(LoopMultiObject *self, void *Py_UNUSED(c))
{
    Py_ssize_t i, n = 0;
    for (i = 0; i < self->nsocks; i++)
        n += self->socks[i].reg != 0;
    return PyLong_FromSsize_t(n);
}

static PyObject *
lm_get_completed(LoopMultiObject *self, void *Py_UNUSED(c))
{
    return PyLong_FromLong(self->completed);
}

static PyObject *
lm_get_closed(LoopMultiObject *self, void *Py_UNUSED(c))
{
    return PyBool_FromLong(self->closed);
}

static PyObject *
lm_get_loop(LoopMultiObject *self, void *Py_UNUSED(c))
{
    if (self->loop == NULL)
        Py_RETURN_NONE;
    return Py_NewRef(self->loop);
}

static PyObject *
lm_get_max_connections(LoopMultiObject *self, void *Py_UNUSED(c))
{
    return PyLong_FromLong(self->max_connections);
}

static PyObject *
LoopMulti_repr(LoopMultiObject *self)
{
    return PyUnicode_FromFormat("<jobo_enterprise._core.LoopMulti %zd pending%s>", self->n,
                                self->closed ? " closed" : "");
}

static PyMethodDef LoopMulti_methods[] = {
    {"submit", (PyCFunction)(void (*)(void))LoopMulti_submit, METH_VARARGS | METH_KEYWORDS,
     "submit(future, method, path, query=None, body=None, timeout=None, model=None, info=None)\n"
     "    -> int\n\nStart one request (the arguments of Transport.request) on the loop and\n"
     "return its id at once; future.set_result(None) is called when it is done."},
    {"take", (PyCFunction)LoopMulti_take, METH_O,
     "take(id) -> Finished\n\nA done transfer, taken off this handle (its HTTP version reported\n"
     "in info); Finished.result() reads it."},
    {"cancel", (PyCFunction)LoopMulti_cancel, METH_O,
     "cancel(id) -> bool\n\nTake a transfer off at once; a connection in the middle of a\n"
     "response is closed, not reused. False when there is no such transfer."},
    {"close", (PyCFunction)LoopMulti_close, METH_NOARGS,
     "close()\n\nCancel every transfer, close the connections, leave the loop."},
    {"_on_socket", (PyCFunction)LoopMulti_on_socket, METH_VARARGS,
     "The loop's callback for a socket libcurl watches."},
    {"_on_timer", (PyCFunction)LoopMulti_on_timer, METH_NOARGS,
     "The loop's callback for libcurl's timeout."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef LoopMulti_getset[] = {
    {"pending", (getter)lm_get_pending, NULL, "Transfers submitted and not yet taken.", NULL},
    {"sockets", (getter)lm_get_sockets, NULL, "Sockets libcurl watches (transfers under way).",
     NULL},
    {"registered", (getter)lm_get_registered, NULL,
     "Sockets registered with the loop: those libcurl watches, and the idle kept-alive\n"
     "connections waiting for their next transfer.", NULL},
    {"completed", (getter)lm_get_completed, NULL, "Transfers that have finished.", NULL},
    {"closed", (getter)lm_get_closed, NULL, "True once close() was called.", NULL},
    {"loop", (getter)lm_get_loop, NULL, "The event loop that drives the transfers.", NULL},
    {"max_connections", (getter)lm_get_max_connections, NULL,
     "The most connections open at once.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot LoopMulti_slots[] = {
    {Py_tp_doc, (void *)"LoopMulti(transport, loop, *, max_connections=100)\n\nConcurrent "
                        "transfers of one client on one libcurl multi handle,\ndriven by an "
                        "asyncio event loop (add_reader/add_writer/call_later)."},
    {Py_tp_init, (void *)LoopMulti_init},
    {Py_tp_dealloc, (void *)LoopMulti_dealloc},
    {Py_tp_traverse, (void *)LoopMulti_traverse},
    {Py_tp_clear, (void *)LoopMulti_clear},
    {Py_tp_repr, (void *)LoopMulti_repr},
    {Py_tp_methods, LoopMulti_methods},
    {Py_tp_getset, LoopMulti_getset},
    {0, NULL},
};

PyType_Spec jobo_loop_multi_spec = {
    .name = "jobo_enterprise._core.LoopMulti",
    .basicsize = sizeof(LoopMultiObject),
    .itemsize = 0,
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .slots = LoopMulti_slots,
};

/* ---- Finished ---------------------------------------------------------------- */

static PyObject *
Finished_result(FinishedObject *self, PyObject *Py_UNUSED(ignored))
{
    jobo_state *st = jobo_state_from_type(Py_TYPE(self));
    aio_job *j = self->job;
    PyObject *result;
    if (j == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "this transfer's result was already read");
        return NULL;
    }
    self->job = NULL;
    /* the body is parsed with the GIL released (jobo_parse_nogil) */
    result = jobo_xfer_result(st, &j->x, j->model);
    job_free(self->transport, j);
    return result;
}

static PyObject *
Finished_get_size(FinishedObject *self, void *Py_UNUSED(c))
{
    return PyLong_FromSize_t(self->job != NULL ? self->job->x.resp.len : 0);
}

static void
Finished_dealloc(FinishedObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    if (self->job != NULL)
        job_free(self->transport, self->job);
    self->job = NULL;
    Py_CLEAR(self->transport);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static int
Finished_traverse(FinishedObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->transport);
    if (self->job != NULL) {
        Py_VISIT(self->job->model);
        Py_VISIT(self->job->info);
    }
    return 0;
}

static PyMethodDef Finished_methods[] = {
    {"result", (PyCFunction)Finished_result, METH_NOARGS,
     "result() -> (data, usage)\n\nParse the body (GIL released) and build the result, or raise\n"
     "the transfer's typed JoboError. Once; from any thread."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Finished_getset[] = {
    {"size", (getter)Finished_get_size, NULL, "Bytes of the response body.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot Finished_slots[] = {
    {Py_tp_doc, (void *)"One finished transfer of a LoopMulti, to be read once."},
    {Py_tp_dealloc, (void *)Finished_dealloc},
    {Py_tp_traverse, (void *)Finished_traverse},
    {Py_tp_methods, Finished_methods},
    {Py_tp_getset, Finished_getset},
    {0, NULL},
};

PyType_Spec jobo_finished_spec = {
    .name = "jobo_enterprise._core.Finished",
    .basicsize = sizeof(FinishedObject),
    .itemsize = 0,
#ifdef Py_TPFLAGS_DISALLOW_INSTANTIATION
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_DISALLOW_INSTANTIATION,
#else
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
#endif
    .slots = Finished_slots,
};
