/* transport.c: the Transport type.
 *
 * A Transport holds the configuration of one client (base URL, the API key in
 * its X-Api-Key header line, TLS settings, timeouts) and a pool of idle
 * "slots". A slot is one easy handle and, once it has served a blocking call,
 * its own multi handle; that multi handle owns the connection cache, so
 * kept-alive connections are reused from call to call but never shared between
 * threads: a thread takes a slot from the pool (under the GIL) for the whole
 * transfer and gives it back afterwards. Slots that only ever run on a shared
 * multi handle (prefetch, the async client) never make one of their own.
 *
 * The pool keeps JOBO_POOL_MAX idle slots, or as many as the widest multi
 * handle that runs on this Transport can use at once (jobo_transport_pool_reserve),
 * so that a steady stream of concurrent transfers reuses its easy handles
 * instead of building and tearing one down per request.
 *
 * A transfer runs in short slices (<= JOBO_SLICE_MS) with the GIL released;
 * between slices PyErr_CheckSignals() runs, so Ctrl-C lands as
 * KeyboardInterrupt within a fraction of a second. After fork() the child
 * forgets the inherited handles (their sockets belong to the parent).
 */
#include "jobo.h"

#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    PyObject_HEAD
    char *base_url;              /* no trailing slash */
    char *masked_key;
    char *user_agent;
    char *ca_bundle;             /* NULL: libcurl's default trust store */
    char *proxy;                 /* NULL: libcurl's environment variables */
    long connect_timeout_ms;
    long timeout_ms;
    long read_timeout_ms;        /* 0: no stall limit */
    size_t max_body;
    int http_version;            /* 0: auto (h2 when offered), 11: HTTP/1.1, 20: h2 only */
    struct curl_slist *hdr_get;  /* holds the only copy of the key */
    const char *key;             /* the key inside hdr_get's first line */
    size_t key_len;
    struct curl_slist *hdr_post;
    jobo_slot **idle;            /* pool_max entries */
    int n_idle;
    int pool_max;
    long made;                   /* easy handles built (for Transport._pool) */
    long multis;                 /* per-slot multi handles built */
    pid_t pid;
    int closed;
} TransportObject;

static void
zero_free(char *s)
{
    if (s != NULL) {
        volatile char *p = s;
        while (*p)
            *p++ = 0;
        free(s);
    }
}

/* Free a header list, wiping each line first (one of them holds the key). */
static void
slist_wipe_free(struct curl_slist *l)
{
    struct curl_slist *it;
    for (it = l; it != NULL; it = it->next) {
        volatile char *p = it->data;
        while (p && *p)
            *p++ = 0;
    }
    curl_slist_free_all(l);
}

static void
slot_free(jobo_slot *s)
{
    if (s == NULL)
        return;
    if (s->multi && s->easy)
        curl_multi_remove_handle(s->multi, s->easy);
    if (s->easy)
        curl_easy_cleanup(s->easy);
    if (s->multi)
        curl_multi_cleanup(s->multi);
    free(s);
}

#define SETOPT(opt, val)                                                     \
    do {                                                                     \
        if (curl_easy_setopt(s->easy, opt, val) != CURLE_OK)                 \
            goto error;                                                      \
    } while (0)

static jobo_slot *
slot_new(TransportObject *self)
{
    jobo_slot *s = calloc(1, sizeof(*s));
    if (s == NULL)
        return NULL;
    s->easy = curl_easy_init(); /* s->multi: made by slot_multi when needed */
    if (s->easy == NULL)
        goto error;
    SETOPT(CURLOPT_NOSIGNAL, 1L);
#if LIBCURL_VERSION_NUM >= 0x075500
    SETOPT(CURLOPT_PROTOCOLS_STR, "https");
    SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "https");
#else
    SETOPT(CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
    SETOPT(CURLOPT_REDIR_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
    SETOPT(CURLOPT_FOLLOWLOCATION, 0L);
    SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);
    SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
    SETOPT(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
    if (self->ca_bundle != NULL) {
        /* the bundle replaces the trust store: libcurl's built-in CA
         * directory would otherwise still be trusted next to it */
        SETOPT(CURLOPT_CAINFO, self->ca_bundle);
        SETOPT(CURLOPT_CAPATH, NULL);
    }
    if (self->proxy != NULL) {
        SETOPT(CURLOPT_PROXY, self->proxy);
        /* the API is https only: through an HTTP proxy that means a CONNECT
         * tunnel, so the proxy sees "CONNECT host:port" and nothing else */
        SETOPT(CURLOPT_HTTPPROXYTUNNEL, 1L);
    }
    SETOPT(CURLOPT_CONNECTTIMEOUT_MS, self->connect_timeout_ms);
    SETOPT(CURLOPT_USERAGENT, self->user_agent);
    SETOPT(CURLOPT_WRITEFUNCTION, jobo_write_cb);
    SETOPT(CURLOPT_HEADERFUNCTION, jobo_header_cb);
    SETOPT(CURLOPT_ERRORBUFFER, s->errbuf);
    SETOPT(CURLOPT_TCP_KEEPALIVE, 1L);
    SETOPT(CURLOPT_TCP_NODELAY, 1L);
    /* auto and "2" both offer h2 and http/1.1 by ALPN (libcurl has no h2-only
     * mode over TLS); "2" refuses an HTTP/1.x answer afterwards (version_check) */
    SETOPT(CURLOPT_HTTP_VERSION, self->http_version == 11 ? (long)CURL_HTTP_VERSION_1_1
                                                          : (long)CURL_HTTP_VERSION_2TLS);
    return s;
error:
    slot_free(s);
    return NULL;
}

#undef SETOPT

static jobo_slot *
slot_take(TransportObject *self)
{
    pid_t pid = getpid();
    if (pid != self->pid) {
        /* forked: the idle handles' sockets and TLS sessions belong to the
         * parent. Closing them here would send close_notify on the parent's
         * connections, so they are forgotten (leaked) instead. */
        self->n_idle = 0;
        self->pid = pid;
    }
    if (self->n_idle > 0)
        return self->idle[--self->n_idle];
    self->made++;
    return slot_new(self);
}

static void
slot_give_back(TransportObject *self, jobo_slot *s)
{
    if (!self->closed && s != NULL && getpid() == self->pid && self->n_idle < self->pool_max)
        self->idle[self->n_idle++] = s;
    else
        slot_free(s);
}

/* The slot's own multi handle (for a blocking call), made on first use.
 * NULL when out of memory. */
static CURLM *
slot_multi(TransportObject *self, jobo_slot *s)
{
    if (s->multi == NULL && (s->multi = curl_multi_init()) != NULL)
        self->multis++;
    return s->multi;
}

/* Let the pool keep up to n idle slots (capped at JOBO_POOL_CAP): called by
 * a multi handle that runs up to n transfers of this Transport at once.
 * 0, or -1 with MemoryError. */
int
jobo_transport_pool_reserve(PyObject *transport, int n)
{
    TransportObject *self = (TransportObject *)transport;
    jobo_slot **idle;
    if (n > JOBO_POOL_CAP)
        n = JOBO_POOL_CAP;
    if (n <= self->pool_max)
        return 0;
    idle = realloc(self->idle, (size_t)n * sizeof(*idle));
    if (idle == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    self->idle = idle;
    self->pool_max = n;
    return 0;
}

long
jobo_transport_timeout_ms(PyObject *transport, PyObject *timeout)
{
    TransportObject *self = (TransportObject *)transport;
    double t;
    if (timeout == NULL || timeout == Py_None)
        return self->timeout_ms;
    t = PyFloat_AsDouble(timeout);
    if (t == -1.0 && PyErr_Occurred())
        return -1;
    if (!(t > 0) || t > 86400.0) {
        PyErr_SetString(PyExc_ValueError, "timeout must be between 0 and 86400 seconds");
        return -1;
    }
    return (long)(t * 1000.0 + 0.5);
}

/* A request may start: the client is open and the interpreter not exiting.
 * 0, or -1 with the exception set. */
int
jobo_transport_check_open(PyObject *transport, jobo_state *st)
{
    if (((TransportObject *)transport)->closed) {
        jobo_raise_simple(st->ConfigurationError, "this client has been closed");
        return -1;
    }
    if (__atomic_load_n(&st->shutting_down, __ATOMIC_SEQ_CST)) {
        jobo_raise_simple(st->ConnectionError, "the interpreter is shutting down");
        return -1;
    }
    return 0;
}

#define XSETOPT(opt, val)                                                    \
    do {                                                                     \
        if (curl_easy_setopt(e, opt, val) != CURLE_OK) {                     \
            PyErr_Format(PyExc_RuntimeError, "libcurl refused option %s", #opt); \
            return -1;                                                       \
        }                                                                    \
    } while (0)

/* Take a slot and set up its easy handle for one request. 0 or -1 (exception
 * set; jobo_xfer_release frees what was taken). */
int
jobo_xfer_prepare(PyObject *transport, jobo_state *st, jobo_xfer *x, const char *method,
                  PyObject *path, PyObject *query, PyObject *body, long timeout_ms)
{
    TransportObject *self = (TransportObject *)transport;
    CURL *e;
    int is_post;

    if (strcmp(method, "GET") == 0)
        is_post = 0;
    else if (strcmp(method, "POST") == 0)
        is_post = 1;
    else {
        PyErr_SetString(PyExc_ValueError, "method must be 'GET' or 'POST'");
        return -1;
    }
    if (body != NULL && body != Py_None && !PyBytes_Check(body)) {
        PyErr_SetString(PyExc_TypeError, "body must be bytes or None");
        return -1;
    }
    x->slot = slot_take(self);
    if (x->slot == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    e = x->slot->easy;
    x->url = jobo_build_url(st, e, self->base_url, path, query);
    if (x->url == NULL)
        return -1;
    jobo_response_init(&x->resp, self->max_body);
    x->resp.key = self->key;
    x->resp.key_len = self->key_len;
    x->resp.masked_key = self->masked_key;
    x->timeout_ms = timeout_ms;
    x->stall_ms = self->read_timeout_ms;
    x->code = CURLE_OK;
    x->slot->errbuf[0] = '\0';
    XSETOPT(CURLOPT_URL, x->url);
    XSETOPT(CURLOPT_WRITEFUNCTION, jobo_write_cb);
#if LIBCURL_VERSION_NUM >= 0x075000
    XSETOPT(CURLOPT_PREREQFUNCTION, NULL); /* a Multi may have set one */
#endif
    XSETOPT(CURLOPT_WRITEDATA, (void *)&x->resp);
    XSETOPT(CURLOPT_HEADERDATA, (void *)&x->resp);
    XSETOPT(CURLOPT_TIMEOUT_MS, timeout_ms);
    XSETOPT(CURLOPT_PRIVATE, (void *)x);
    if (is_post) {
        /* the bytes object stays alive (we own a reference) for the transfer */
        const char *b = "";
        curl_off_t n = 0;
        if (body != NULL && body != Py_None) {
            x->body = Py_NewRef(body);
            b = PyBytes_AS_STRING(body);
            n = (curl_off_t)PyBytes_GET_SIZE(body);
        }
        x->base_hdr = n ? self->hdr_post : self->hdr_get;
        XSETOPT(CURLOPT_HTTPHEADER, x->base_hdr);
        XSETOPT(CURLOPT_POSTFIELDSIZE_LARGE, n);
        XSETOPT(CURLOPT_POSTFIELDS, b);
    } else {
        x->base_hdr = self->hdr_get;
        XSETOPT(CURLOPT_HTTPHEADER, x->base_hdr);
        XSETOPT(CURLOPT_HTTPGET, 1L);
    }
    return 0;
}

#undef XSETOPT

void
jobo_xfer_release(PyObject *transport, jobo_xfer *x)
{
    TransportObject *self = (TransportObject *)transport;
    if (x->slot != NULL) {
        curl_easy_setopt(x->slot->easy, CURLOPT_PRIVATE, NULL);
        if (x->extra_hdr != NULL) /* the handle must not keep the list freed below */
            curl_easy_setopt(x->slot->easy, CURLOPT_HTTPHEADER, (struct curl_slist *)x->base_hdr);
        slot_give_back(self, x->slot);
        x->slot = NULL;
    }
    free(x->url);
    x->url = NULL;
    curl_slist_free_all(x->extra_hdr);
    x->extra_hdr = NULL;
    jobo_response_free(&x->resp);
    Py_CLEAR(x->body);
}

/* read_timeout: a transfer that received no byte for its stall limit is
 * taken off the multi handle (which closes its connection) and marked as
 * timed out. Returns how many were aborted. No Python calls. */
static int
abort_stalled(CURLM *multi, jobo_xfer *xs, Py_ssize_t n)
{
    int64_t now = 0;
    Py_ssize_t i;
    int aborted = 0;
    for (i = 0; i < n; i++) {
        jobo_xfer *x = &xs[i];
        if (x->stall_ms <= 0 || x->done || !x->added)
            continue;
        if (now == 0)
            now = jobo_now_ms();
        if (now - x->resp.last_rx_ms > x->stall_ms) {
            curl_multi_remove_handle(multi, x->slot->easy);
            x->code = CURLE_OPERATION_TIMEDOUT;
            x->done = x->stalled = 1;
            snprintf(x->slot->errbuf, CURL_ERROR_SIZE,
                     "no data received for %.3g s (read_timeout)", x->stall_ms / 1000.0);
            aborted++;
        }
    }
    return aborted;
}

/* Start queued transfers until `limit` run at once. 0, or -1 on a multi error. */
static int
start_more(CURLM *multi, jobo_xfer *xs, Py_ssize_t n, Py_ssize_t limit, Py_ssize_t *next,
           Py_ssize_t *active)
{
    while (*next < n && *active < limit) {
        jobo_xfer *x = &xs[*next];
        x->resp.last_rx_ms = jobo_now_ms(); /* the stall clock starts now */
        if (curl_multi_add_handle(multi, x->slot->easy) != CURLM_OK)
            return -1;
        x->added = 1;
        (*next)++;
        (*active)++;
    }
    return 0;
}

/* Drive the prepared transfers to their ends on the multi handle of the first
 * one, at most `limit` at once (<= 0: all), in slices with the GIL released.
 * Returns 0 with each x->code set, or -1 with an exception set
 * (KeyboardInterrupt from a signal handler, or a multi error); removing a
 * running transfer closes its connection. */
static int
run_transfers(TransportObject *self, jobo_state *st, jobo_xfer *xs, Py_ssize_t n,
              Py_ssize_t limit)
{
    CURLM *multi = slot_multi(self, xs[0].slot);
    CURLMcode mc = CURLM_OK;
    CURLMsg *msg;
    int running = 0, queued, stopping = 0, rc = 0;
    Py_ssize_t i, next = 0, active = 0, finished = 0;

    if (multi == NULL) {
        PyErr_NoMemory();
        return -1;
    }

    if (limit <= 0 || limit > n)
        limit = n;
    __atomic_add_fetch(&st->in_flight, 1, __ATOMIC_SEQ_CST);
    if (start_more(multi, xs, n, limit, &next, &active) < 0)
        mc = CURLM_INTERNAL_ERROR;
    while (mc == CURLM_OK && finished < n) {
        int aborted = 0;
        Py_BEGIN_ALLOW_THREADS
        if (__atomic_load_n(&st->shutting_down, __ATOMIC_SEQ_CST)) {
            /* the interpreter is exiting: leave libcurl for good before
             * taking the GIL again (which may end this thread) */
            stopping = 1;
            __atomic_sub_fetch(&st->in_flight, 1, __ATOMIC_SEQ_CST);
        } else {
            mc = curl_multi_perform(multi, &running);
            if (mc == CURLM_OK && running)
                mc = curl_multi_poll(multi, NULL, 0, JOBO_SLICE_MS, NULL);
            if (mc == CURLM_OK)
                aborted = abort_stalled(multi, xs, n);
        }
        Py_END_ALLOW_THREADS
        if (stopping) {
            jobo_raise_simple(st->ConnectionError, "the interpreter is shutting down");
            return -1; /* handles stay attached: the process is ending */
        }
        active -= aborted;
        finished += aborted;
        while ((msg = curl_multi_info_read(multi, &queued)) != NULL) {
            jobo_xfer *x = NULL;
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
            curl_multi_remove_handle(multi, msg->easy_handle);
            if (x != NULL && !x->done) {
                x->code = msg->data.result;
                x->done = 1;
                active--;
                finished++;
            }
        }
        if (mc != CURLM_OK || finished >= n)
            break;
        if (start_more(multi, xs, n, limit, &next, &active) < 0) {
            mc = CURLM_INTERNAL_ERROR;
            break;
        }
        if (PyErr_CheckSignals() < 0) {
            rc = -1;
            break;
        }
    }
    /* on an interrupt or an error, take off whatever still runs */
    for (i = 0; i < next; i++)
        if (!xs[i].done)
            curl_multi_remove_handle(multi, xs[i].slot->easy);
    __atomic_sub_fetch(&st->in_flight, 1, __ATOMIC_SEQ_CST);
    if (rc == 0 && mc != CURLM_OK) {
        jobo_raise_simple(st->ConnectionError, curl_multi_strerror(mc));
        return -1;
    }
    return rc;
}

/* The HTTP version a finished transfer's response came in: "1.0", "1.1", "2",
 * "3", or NULL when no response arrived. */
static const char *
xfer_http_version(jobo_xfer *x)
{
    long v = 0;
    if (x->slot == NULL || curl_easy_getinfo(x->slot->easy, CURLINFO_HTTP_VERSION, &v) != CURLE_OK)
        return NULL;
    switch (v) {
    case CURL_HTTP_VERSION_1_0:
        return "1.0";
    case CURL_HTTP_VERSION_1_1:
        return "1.1";
    case CURL_HTTP_VERSION_2_0:
        return "2";
#if LIBCURL_VERSION_NUM >= 0x074200
    case CURL_HTTP_VERSION_3:
        return "3";
#endif
    default:
        return NULL;
    }
}

/* A header line a call may add: a token, ':', a value of printable ASCII or
 * tabs. CR, LF and NUL never reach libcurl (the Python layer refuses them
 * first, with the reason; this is the last guard). */
static int
header_line_ok(const char *s, Py_ssize_t n)
{
    Py_ssize_t i = 0;
    for (; i < n && s[i] != ':'; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || strchr("()<>@,;\\\"/[]?={}", c) != NULL)
            return 0;
    }
    if (i == 0 || i == n)
        return 0;
    for (i++; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c >= 0x7f)
            return 0;
    }
    return 1;
}

int
jobo_seconds_arg(PyObject *o, const char *what, double *out)
{
    double t = PyFloat_AsDouble(o);
    if (t == -1.0 && PyErr_Occurred())
        return -1;
    if (!(t >= 0) || t > 86400.0) {
        PyErr_Format(PyExc_ValueError, "%s must be between 0 and 86400 seconds", what);
        return -1;
    }
    *out = t;
    return 0;
}

int
jobo_submit_check(jobo_state *st, PyObject *info, PyObject *model)
{
    if (info != Py_None && !PyDict_Check(info)) {
        PyErr_SetString(PyExc_TypeError, "submit: info must be a dict or None");
        return -1;
    }
    if (model != Py_None && !jobo_is_record_class(st, model)) {
        PyErr_SetString(PyExc_TypeError, "submit: model must be a model class or None");
        return -1;
    }
    return 0;
}

int
jobo_xfer_options(jobo_xfer *x, PyObject *headers, PyObject *read_timeout)
{
    double t;
    if (read_timeout != NULL && read_timeout != Py_None) {
        if (jobo_seconds_arg(read_timeout, "read_timeout", &t) < 0)
            return -1;
        x->stall_ms = (long)(t * 1000.0 + 0.5);
    }
    if (headers != NULL && headers != Py_None) {
        PyObject *seq = PySequence_Fast(headers, "headers must be a sequence of str");
        const struct curl_slist *h;
        struct curl_slist *list = NULL;
        Py_ssize_t i, n;
        if (seq == NULL)
            return -1;
        n = PySequence_Fast_GET_SIZE(seq);
        for (h = x->base_hdr; h != NULL && n > 0; h = h->next)
            if ((list = jobo_slist_append(list, h->data)) == NULL)
                goto fail;
        for (i = 0; i < n; i++) {
            PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
            Py_ssize_t len;
            const char *line;
            if (!PyUnicode_Check(item)) {
                PyErr_SetString(PyExc_TypeError, "headers must be a sequence of str");
                goto fail;
            }
            line = PyUnicode_AsUTF8AndSize(item, &len);
            if (line == NULL)
                goto fail;
            if ((Py_ssize_t)strlen(line) != len || !header_line_ok(line, len)) {
                PyErr_SetString(PyExc_ValueError,
                                "a header line must be 'Name: value' in printable ASCII");
                goto fail;
            }
            if ((list = jobo_slist_append(list, line)) == NULL)
                goto fail;
        }
        Py_DECREF(seq);
        if (list != NULL) {
            if (curl_easy_setopt(x->slot->easy, CURLOPT_HTTPHEADER, list) != CURLE_OK) {
                curl_slist_free_all(list);
                PyErr_SetString(PyExc_RuntimeError, "libcurl refused a transfer option");
                return -1;
            }
            curl_slist_free_all(x->extra_hdr);
            x->extra_hdr = list;
        }
        return 0;
    fail:
        curl_slist_free_all(list);
        Py_DECREF(seq);
        return -1;
    }
    return 0;
}

static int
set_new(PyObject *info, const char *name, PyObject *value)
{
    int rc = value ? PyDict_SetItemString(info, name, value) : -1;
    Py_XDECREF(value);
    return rc;
}

int
jobo_xfer_report(jobo_xfer *x, PyObject *info)
{
    jobo_response *r = &x->resp;
    curl_off_t total_us = 0;
    PyObject *raw;
    long status = r->status;
    if (info == NULL || !PyDict_Check(info))
        return 0;
    if (status == 0)
        curl_easy_getinfo(x->slot->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(x->slot->easy, CURLINFO_TOTAL_TIME_T, &total_us);
    /* a server or proxy that echoes the key in a header: masked here already */
    if (jobo_response_mask(r, 0) < 0) {
        PyErr_NoMemory();
        return -1;
    }
    if (set_new(info, "status", PyLong_FromLong(status)) < 0 ||
        set_new(info, "elapsed", PyFloat_FromDouble((double)total_us / 1e6)) < 0 ||
        set_new(info, "header_block",
                PyBytes_FromStringAndSize(r->hdr ? r->hdr : "", (Py_ssize_t)r->hlen)) < 0)
        return -1;
    raw = PyDict_GetItemString(info, "raw"); /* borrowed */
    if (raw != NULL && PyObject_IsTrue(raw) == 1 &&
        set_new(info, "content",
                PyBytes_FromStringAndSize(r->body ? r->body : "", (Py_ssize_t)r->len)) < 0)
        return -1;
    return 0;
}

/* Report the attempt's HTTP version into `info` (a dict, or None) and, for a
 * client pinned to HTTP/2, refuse an answer in HTTP/1.x. 0, or -1 with the
 * exception set. */
int
jobo_xfer_version_check(PyObject *transport, jobo_state *st, jobo_xfer *x, PyObject *info)
{
    TransportObject *self = (TransportObject *)transport;
    const char *v = xfer_http_version(x);
    if (info != NULL && PyDict_Check(info)) {
        PyObject *value;
        if (jobo_xfer_report(x, info) < 0)
            return -1;
        value = v ? PyUnicode_FromString(v) : Py_NewRef(Py_None);
        int rc = value ? PyDict_SetItemString(info, "http_version", value) : -1;
        Py_XDECREF(value);
        if (rc < 0)
            return -1;
    }
    if (self->http_version == 20 && v != NULL && v[0] == '1') {
        char message[256];
        snprintf(message, sizeof(message),
                 "the server answered in HTTP/%s and this client requires HTTP/2 "
                 "(http_version=\"2\"): the server, or a proxy on the way, does not "
                 "accept h2", v);
        jobo_raise_connection_coded(st, &x->resp, "http2_refused", message);
        return -1;
    }
    return 0;
}

/* The outcome of a finished transfer: (data, usage), or NULL with the typed
 * exception set. */
PyObject *
jobo_xfer_result(jobo_state *st, jobo_xfer *x, PyObject *model)
{
    jobo_response *r = &x->resp;
    PyObject *data = NULL, *usage = NULL, *result = NULL;
    cJSON *tree = NULL;
    CURL *e = x->slot->easy;
    int why = 0;

    if (x->code != CURLE_OK) {
        /* "connected": the TLS session was up and the request went out */
        curl_off_t pretransfer_us = 0;
        long request_size = 0, os_errno = 0;
        curl_easy_getinfo(e, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
        curl_easy_getinfo(e, CURLINFO_REQUEST_SIZE, &request_size);
        curl_easy_getinfo(e, CURLINFO_OS_ERRNO, &os_errno);
        return jobo_raise_transfer_error(st, r, x->code, x->slot->errbuf, x->timeout_ms / 1000.0,
                                         pretransfer_us > 0 || request_size > 0 || r->status > 0,
                                         os_errno);
    }
    if (r->status == 0) {
        long status = 0;
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        r->status = status;
    }
    if (r->status < 200 || r->status >= 300)
        return jobo_raise_http_error(st, r);
    if (r->len == 0)
        return jobo_raise_response_error(st, r,
                                         "the server sent an empty body where JSON was expected");
    tree = jobo_parse_tree(st, r->body, r->len, &why);
    if (tree == NULL) {
        if (why == JOBO_PARSE_INTERRUPTED)
            return NULL; /* KeyboardInterrupt (or what a signal handler raised) */
        return jobo_raise_response_error(st, r, jobo_parse_error(why));
    }
    /* the tree holds all of it now: the body goes before the objects are built
     * (a page of a long scan is held once, not twice) */
    free(r->body);
    r->body = NULL;
    r->len = r->cap = 0;
    if (model != NULL && cJSON_IsObject(tree)) {
        data = jobo_record_from_tree(st, (PyTypeObject *)model, tree); /* owns tree */
    } else {
        data = jobo_decode(st, tree);
        jobo_delete_nogil(tree);
    }
    if (data == NULL)
        goto done;
    /* the body is data and stays as sent; an echoed key in the request id is masked */
    if (jobo_response_mask(r, 0) < 0) {
        PyErr_NoMemory();
        goto done;
    }
    usage = jobo_usage_object(st, &r->usage);
    if (usage == NULL)
        goto done;
    result = PyTuple_Pack(2, data, usage);
done:
    Py_XDECREF(data);
    Py_XDECREF(usage);
    return result;
}

static PyObject *
Transport_request(TransportObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"method", "path", "query", "body", "timeout", "model", "info",
                             "headers", "read_timeout", NULL};
    jobo_state *st = jobo_state_from_type(Py_TYPE(self));
    const char *method;
    PyObject *path, *query = Py_None, *body = Py_None, *timeout = Py_None, *result = NULL;
    PyObject *model = Py_None, *info = Py_None, *headers = Py_None, *read_timeout = Py_None;
    jobo_xfer x;
    long timeout_ms;

    memset(&x, 0, sizeof(x));
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "sU|OOOOOOO:request", kwlist, &method,
                                     &path, &query, &body, &timeout, &model, &info, &headers,
                                     &read_timeout))
        return NULL;
    if (model == Py_None) {
        model = NULL;
    } else if (!jobo_is_record_class(st, model)) {
        PyErr_SetString(PyExc_TypeError, "request: model must be a model class or None");
        return NULL;
    }
    if ((timeout_ms = jobo_transport_timeout_ms((PyObject *)self, timeout)) < 0)
        return NULL;
    if (jobo_transport_check_open((PyObject *)self, st) < 0)
        return NULL;
    if (jobo_xfer_prepare((PyObject *)self, st, &x, method, path, query, body, timeout_ms) == 0 &&
        jobo_xfer_options(&x, headers, read_timeout) == 0 &&
        run_transfers(self, st, &x, 1, 1) == 0 &&
        jobo_xfer_version_check((PyObject *)self, st, &x, info) == 0)
        result = jobo_xfer_result(st, &x, model);
    jobo_xfer_release((PyObject *)self, &x);
    return result;
}

static void
close_idle(TransportObject *self)
{
    int i;
    if (getpid() != self->pid) {
        self->n_idle = 0; /* inherited across fork: forget, don't close */
        return;
    }
    for (i = 0; i < self->n_idle; i++)
        slot_free(self->idle[i]);
    self->n_idle = 0;
}

static PyObject *
Transport_close(TransportObject *self, PyObject *Py_UNUSED(ignored))
{
    self->closed = 1;
    close_idle(self);
    Py_RETURN_NONE;
}

/* "jbe_…7f3a": the prefix up to the first '_' (at most 4 chars) and the last
 * four characters; short keys show nothing but their length class. Characters
 * of the tail outside [A-Za-z0-9_-] show as '*', so the masked form can stand
 * inside JSON, a header or a URL without escaping. */
static char *
mask_key(const char *key)
{
    size_t n = strlen(key), i;
    char buf[64], tail[5];
    if (n >= 16) {
        size_t pre = (strncmp(key, "jbe_", 4) == 0) ? 4 : 0;
        for (i = 0; i < 4; i++) {
            char c = key[n - 4 + i];
            int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '_' || c == '-';
            tail[i] = ok ? c : '*';
        }
        tail[4] = '\0';
        snprintf(buf, sizeof(buf), "%.*s\xe2\x80\xa6%s", (int)pre, key, tail);
    } else {
        snprintf(buf, sizeof(buf), "\xe2\x80\xa6");
    }
    return strdup(buf);
}

static int
key_is_valid(const char *key, Py_ssize_t n)
{
    Py_ssize_t i;
    if (n == 0 || (Py_ssize_t)strlen(key) != n)
        return 0;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)key[i];
        if (c <= 0x20 || c >= 0x7f)
            return 0;
    }
    return 1;
}

static int
Transport_init(TransportObject *self, PyObject *args, PyObject *kwds)
{
    static char *kwlist[] = {"base_url", "api_key", "user_agent", "ca_bundle",
                             "connect_timeout", "timeout", "read_timeout", "max_body",
                             "proxy", "http_version", NULL};
    jobo_state *st = jobo_state_from_type(Py_TYPE(self));
    const char *base_url, *key, *ua_prefix, *ca_bundle = NULL, *proxy = NULL;
    Py_ssize_t base_len, key_len, max_body = 64 * 1024 * 1024;
    double connect_timeout = 10.0, timeout = 30.0, read_timeout = 0.0;
    int http_version = 0;
    char *line = NULL;
    size_t n;
    curl_version_info_data *vi;

    if (self->base_url != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "Transport is already initialised");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "s#s#s|$zdddnzi:Transport", kwlist, &base_url,
                                     &base_len, &key, &key_len, &ua_prefix, &ca_bundle,
                                     &connect_timeout, &timeout, &read_timeout, &max_body,
                                     &proxy, &http_version))
        return -1;
    if (http_version != 0 && http_version != 11 && http_version != 20) {
        PyErr_SetString(PyExc_ValueError, "http_version must be 0 (auto), 11 or 20");
        return -1;
    }
    if (base_len < 9 || strncasecmp(base_url, "https://", 8) != 0) {
        jobo_raise_simple(st->ConfigurationError, "the base URL must start with https://");
        return -1;
    }
    if (key_len > JOBO_MAX_KEY_BYTES) {
        jobo_raise_simple(st->ConfigurationError,
                          "the API key is longer than " JOBO_STR(JOBO_MAX_KEY_BYTES)
                          " bytes; check how it was copied");
        return -1;
    }
    if (!key_is_valid(key, key_len)) {
        jobo_raise_simple(st->ConfigurationError,
                          "the API key contains whitespace, a control character or a "
                          "non-ASCII character");
        return -1;
    }
    if (!(connect_timeout > 0) || !(timeout > 0) || read_timeout < 0 || max_body <= 0) {
        PyErr_SetString(PyExc_ValueError, "timeouts and max_body must be positive");
        return -1;
    }

    n = (size_t)base_len;
    while (n > 8 && base_url[n - 1] == '/')
        n--;
    self->base_url = strndup(base_url, n);
    self->masked_key = mask_key(key);
    vi = curl_version_info(CURLVERSION_NOW);
    n = strlen(ua_prefix) + strlen(vi->version) + 16;
    self->user_agent = malloc(n);
    if (self->user_agent)
        snprintf(self->user_agent, n, "%s libcurl/%s", ua_prefix, vi->version);
    if (ca_bundle != NULL && ca_bundle[0] != '\0')
        self->ca_bundle = strdup(ca_bundle);
    if (proxy != NULL && proxy[0] != '\0' && (self->proxy = strdup(proxy)) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (self->base_url == NULL || self->masked_key == NULL || self->user_agent == NULL ||
        (ca_bundle != NULL && ca_bundle[0] != '\0' && self->ca_bundle == NULL)) {
        PyErr_NoMemory();
        return -1;
    }
    self->connect_timeout_ms = (long)(connect_timeout * 1000.0 + 0.5);
    self->timeout_ms = (long)(timeout * 1000.0 + 0.5);
    self->read_timeout_ms = read_timeout > 0 ? (long)(read_timeout * 1000.0 + 0.5) : 0;
    self->max_body = (size_t)max_body;
    self->http_version = http_version;
    self->pid = getpid();
    if (jobo_transport_pool_reserve((PyObject *)self, JOBO_POOL_MAX) < 0)
        return -1;

    n = (size_t)key_len + 16;
    line = malloc(n);
    if (line == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    snprintf(line, n, "X-Api-Key: %s", key);
    if ((self->hdr_get = jobo_slist_append(NULL, line)) == NULL ||
        (self->hdr_get = jobo_slist_append(self->hdr_get, "Accept: application/json")) == NULL ||
        (self->hdr_get = jobo_slist_append(self->hdr_get, "Expect:")) == NULL ||
        (self->hdr_post = jobo_slist_append(NULL, line)) == NULL ||
        (self->hdr_post = jobo_slist_append(self->hdr_post, "Accept: application/json")) == NULL ||
        (self->hdr_post = jobo_slist_append(self->hdr_post, "Expect:")) == NULL ||
        (self->hdr_post =
             jobo_slist_append(self->hdr_post, "Content-Type: application/json")) == NULL) {
        zero_free(line);
        return -1;
    }
    zero_free(line);
    self->key = self->hdr_get->data + strlen("X-Api-Key: ");
    self->key_len = (size_t)key_len;
    return 0;
}

static void
Transport_dealloc(TransportObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    close_idle(self);
    free(self->idle);
    slist_wipe_free(self->hdr_get);
    slist_wipe_free(self->hdr_post);
    free(self->base_url);
    free(self->masked_key);
    free(self->user_agent);
    free(self->ca_bundle);
    zero_free(self->proxy); /* may carry proxy credentials */
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static PyObject *
Transport_repr(TransportObject *self)
{
    return PyUnicode_FromFormat("<jobo_enterprise._core.Transport base_url='%s' api_key='%s'%s>",
                                self->base_url ? self->base_url : "",
                                self->masked_key ? self->masked_key : "",
                                self->closed ? " closed" : "");
}

static PyObject *
get_base_url(TransportObject *self, void *Py_UNUSED(c))
{
    return PyUnicode_FromString(self->base_url ? self->base_url : "");
}

static PyObject *
get_masked_key(TransportObject *self, void *Py_UNUSED(c))
{
    return PyUnicode_FromString(self->masked_key ? self->masked_key : "");
}

static PyObject *
get_user_agent(TransportObject *self, void *Py_UNUSED(c))
{
    return PyUnicode_FromString(self->user_agent ? self->user_agent : "");
}

static PyObject *
get_proxy_set(TransportObject *self, void *Py_UNUSED(c))
{
    return PyBool_FromLong(self->proxy != NULL);
}

static PyObject *
get_closed(TransportObject *self, void *Py_UNUSED(c))
{
    return PyBool_FromLong(self->closed);
}

static PyObject *
get_ca_bundle(TransportObject *self, void *Py_UNUSED(c))
{
    if (self->ca_bundle == NULL)
        Py_RETURN_NONE;
    return PyUnicode_DecodeFSDefault(self->ca_bundle);
}

/* The client's key masked in a text, in every form a server could echo it. */
static PyObject *
Transport_mask(TransportObject *self, PyObject *arg)
{
    const char *s;
    Py_ssize_t n;
    size_t mlen = 0;
    char *m;
    PyObject *result;
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "mask: text must be str");
        return NULL;
    }
    if (self->key == NULL)
        return Py_NewRef(arg);
    if ((s = PyUnicode_AsUTF8AndSize(arg, &n)) == NULL)
        return NULL;
    if ((m = jobo_mask_key(s, (size_t)n, self->key, self->key_len, self->masked_key, &mlen)) ==
        NULL)
        return PyErr_NoMemory();
    result = PyUnicode_DecodeUTF8(m, (Py_ssize_t)mlen, "surrogatepass");
    free(m);
    return result;
}

static PyObject *
Transport_pool(TransportObject *self, PyObject *Py_UNUSED(ignored))
{
    return Py_BuildValue("{s:i,s:i,s:l,s:l}", "idle", self->n_idle, "capacity", self->pool_max,
                         "made", self->made, "multis", self->multis);
}

static PyObject *
get_http_version(TransportObject *self, void *Py_UNUSED(c))
{
    return PyUnicode_FromString(self->http_version == 11   ? "1.1"
                                : self->http_version == 20 ? "2"
                                                           : "auto");
}

static PyMethodDef Transport_methods[] = {
    {"request", (PyCFunction)(void (*)(void))Transport_request, METH_VARARGS | METH_KEYWORDS,
     "request(method, path, query=None, body=None, timeout=None, model=None, info=None,\n"
     "        headers=None, read_timeout=None) -> (data, usage)\n\n"
     "Perform one HTTPS request with the GIL released. Returns the decoded JSON\n"
     "body (with model, a Record subclass, a JSON object body comes back as a\n"
     "lazy view of that class) and a Usage record, or raises a typed JoboError.\n"
     "headers: extra 'Name: value' lines after the client's; read_timeout: this\n"
     "request's stall limit (seconds, 0 = off; None = the client's).\n"
     "With info, a dict, info['http_version'] is set to the HTTP version of the\n"
     "response (\"1.1\", \"2\"), or None when none came, also when it raises;\n"
     "when a transfer finished, info['status'], info['header_block'] (bytes) and\n"
     "info['elapsed'] (seconds) too, and info['content'] (the body) if info['raw']."},
    {"mask", (PyCFunction)Transport_mask, METH_O,
     "mask(text) -> str\n\nThe text with the client's key masked, raw, JSON-escaped or\n"
     "percent-encoded."},
    {"_pool", (PyCFunction)Transport_pool, METH_NOARGS,
     "_pool() -> dict\n\nThe handle pool: idle easy handles, how many it keeps, how many\n"
     "were built, and how many multi handles were made for blocking calls."},
    {"close", (PyCFunction)Transport_close, METH_NOARGS,
     "close()\n\nClose idle connections; further requests raise JoboConfigurationError."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Transport_getset[] = {
    {"base_url", (getter)get_base_url, NULL, "The base URL, without a trailing slash.", NULL},
    {"masked_key", (getter)get_masked_key, NULL, "The API key, masked (jbe_…7f3a).", NULL},
    {"user_agent", (getter)get_user_agent, NULL, "The User-Agent header sent.", NULL},
    {"ca_bundle", (getter)get_ca_bundle, NULL, "The CA bundle file, or None.", NULL},
    {"closed", (getter)get_closed, NULL, "True once close() was called.", NULL},
    {"has_proxy", (getter)get_proxy_set, NULL, "True when an explicit proxy is set.", NULL},
    {"http_version", (getter)get_http_version, NULL,
     "The HTTP version asked for: \"auto\", \"1.1\" or \"2\".", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot Transport_slots[] = {
    {Py_tp_doc, (void *)"Transport(base_url, api_key, user_agent, *, ca_bundle=None, "
                        "connect_timeout=10.0, timeout=30.0, read_timeout=0.0, "
                        "max_body=67108864, proxy=None, http_version=0)\n\n"
                        "The C transport of one client (http_version: 0 auto, 11, 20)."},
    {Py_tp_init, (void *)Transport_init},
    {Py_tp_dealloc, (void *)Transport_dealloc},
    {Py_tp_repr, (void *)Transport_repr},
    {Py_tp_methods, Transport_methods},
    {Py_tp_getset, Transport_getset},
    {0, NULL},
};

PyType_Spec jobo_transport_spec = {
    .name = "jobo_enterprise._core.Transport",
    .basicsize = sizeof(TransportObject),
    .itemsize = 0,
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = Transport_slots,
};

int
jobo_is_transport(jobo_state *st, PyObject *o)
{
    return PyObject_TypeCheck(o, st->TransportType);
}
