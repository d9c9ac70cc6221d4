/* errors.c: failures -> typed exceptions of jobo_enterprise.exceptions.
 *
 * HTTP failures read every error-body shape of the API (documented
 * {status,error,message}, problem details {title,status,detail,code}, the
 * simple {error,detail}) and survive non-JSON bodies (an HTML page from a
 * proxy, an empty body, truncated JSON). Transfer failures map CURLcode to
 * JoboTimeoutError, JoboTLSError or JoboConnectionError.
 */
#include "jobo.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_ERROR_BODY_PARSE (1024 * 1024)
#define MAX_ERROR_TEXT 2000

/* Call cls(message, **kwargs) and set it as the current exception. */
static PyObject *
raise_with(PyObject *cls, const char *message, PyObject *kwargs)
{
    PyObject *msg = NULL, *args = NULL, *exc = NULL;
    msg = PyUnicode_DecodeUTF8(message, (Py_ssize_t)strlen(message), "replace");
    if (msg == NULL)
        goto done;
    args = PyTuple_Pack(1, msg);
    if (args == NULL)
        goto done;
    exc = PyObject_Call(cls, args, kwargs);
    if (exc == NULL)
        goto done;
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
done:
    Py_XDECREF(msg);
    Py_XDECREF(args);
    Py_XDECREF(exc);
    return NULL;
}

PyObject *
jobo_raise_simple(PyObject *cls, const char *message)
{
    return raise_with(cls, message, NULL);
}

static int
set_item(PyObject *d, const char *k, PyObject *v)
{
    int rc;
    if (v == NULL)
        return -1;
    rc = PyDict_SetItemString(d, k, v);
    Py_DECREF(v);
    return rc;
}

static int
set_str(PyObject *d, const char *k, const char *v)
{
    if (v == NULL || v[0] == '\0')
        return 0;
    return set_item(d, k, PyUnicode_DecodeUTF8(v, (Py_ssize_t)strlen(v), "replace"));
}

/* Server-supplied text as shown: control characters escaped, cut to
 * JOBO_MAX_SERVER_TEXT characters. A malloc'd string, or NULL (MemoryError). */
static char *
shown(const char *v)
{
    size_t n;
    char *e = jobo_escape_text(v, strlen(v), JOBO_MAX_SERVER_TEXT, &n);
    if (e == NULL)
        PyErr_NoMemory();
    return e;
}

/* set_str for server-supplied text (see shown()). */
static int
set_text(PyObject *d, const char *k, const char *v)
{
    char *e;
    int rc;
    if (v == NULL || v[0] == '\0')
        return 0;
    if ((e = shown(v)) == NULL)
        return -1;
    rc = set_str(d, k, e);
    free(e);
    return rc;
}

/* Before server text goes into an exception: mask the client's key in it
 * (headers, request id, content type, and the body as far as it is used). */
static int
mask_for_exception(jobo_response *r)
{
    size_t limit = r->len <= MAX_ERROR_BODY_PARSE ? r->len : MAX_ERROR_TEXT + 6 * r->key_len + 16;
    if (jobo_response_mask(r, limit) < 0) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* Common kwargs: status_code, request_id, headers, usage. */
static PyObject *
base_kwargs(jobo_state *st, jobo_response *r)
{
    PyObject *kw = PyDict_New();
    if (kw == NULL)
        return NULL;
    if (r->status > 0 && set_item(kw, "status_code", PyLong_FromLong(r->status)) < 0)
        goto error;
    if (set_text(kw, "request_id", r->usage.request_id) < 0)
        goto error;
    if (set_item(kw, "headers", jobo_headers_dict(r)) < 0)
        goto error;
    if (set_item(kw, "usage", jobo_usage_object(st, &r->usage)) < 0)
        goto error;
    return kw;
error:
    Py_DECREF(kw);
    return NULL;
}

static const char *
json_str(const cJSON *obj, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (cJSON_IsString(it) && it->valuestring != NULL && it->valuestring[0] != '\0')
        return it->valuestring;
    return NULL;
}

/* The host named by a Location header, into out (empty if none). */
static void
location_host(jobo_response *r, char *out, size_t cap)
{
    size_t pos = 0;
    out[0] = '\0';
    while (pos < r->hlen) {
        const char *line = r->hdr + pos;
        const char *nl = memchr(line, '\n', r->hlen - pos);
        size_t len = nl ? (size_t)(nl - line) + 1 : r->hlen - pos;
        pos += len;
        if (len > 9 && strncasecmp(line, "location:", 9) == 0) {
            char url[2048];
            const char *v = line + 9;
            size_t vlen = len - 9;
            CURLU *u;
            char *host = NULL;
            while (vlen && (*v == ' ' || *v == '\t')) {
                v++;
                vlen--;
            }
            while (vlen && (v[vlen - 1] == '\r' || v[vlen - 1] == '\n' || v[vlen - 1] == ' '))
                vlen--;
            if (vlen == 0 || vlen >= sizeof(url))
                return;
            memcpy(url, v, vlen);
            url[vlen] = '\0';
            u = curl_url();
            if (u == NULL)
                return;
            if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
                curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host != NULL) {
                snprintf(out, cap, "%s", host);
                curl_free(host);
            } else {
                snprintf(out, cap, "%s", "a relative location on the same host");
            }
            curl_url_cleanup(u);
            return;
        }
    }
}

static PyObject *
class_for_status(jobo_state *st, long status)
{
    switch (status) {
    case 400: return st->ValidationError;
    case 401: return st->AuthenticationError;
    case 402: return st->InsufficientCreditsError;
    case 403: return st->PermissionError;
    case 404: return st->NotFoundError;
    case 409: return st->CursorRestartRequiredError;
    case 429: return st->RateLimitError;
    default: break;
    }
    if (status >= 500 && status <= 599)
        return st->ServerError;
    if (status >= 300 && status <= 399)
        return st->ResponseError;
    return st->APIError;
}

/* retry_after and retry_at of a 429: the C core hands the raw figures (the
 * usage, the decoded body) to the one Python function that weighs them
 * (jobo_enterprise._wait.retry_fields) and keeps what it decides. */
static int
add_retry_fields(jobo_state *st, PyObject *kw, long status)
{
    PyObject *usage = PyDict_GetItemString(kw, "usage");          /* borrowed */
    PyObject *body = PyDict_GetItemString(kw, "response_body");   /* borrowed */
    PyObject *code = PyLong_FromLong(status), *fields;
    int rc;
    if (code == NULL)
        return -1;
    fields = PyObject_CallFunctionObjArgs(st->retry_fields, code, usage ? usage : Py_None,
                                          body ? body : Py_None, NULL);
    Py_DECREF(code);
    if (fields == NULL)
        return -1;
    rc = PyDict_Update(kw, fields);
    Py_DECREF(fields);
    return rc;
}

PyObject *
jobo_raise_http_error(jobo_state *st, jobo_response *r)
{
    PyObject *kw = NULL, *cls;
    cJSON *tree = NULL;
    const cJSON *obj = NULL;
    char message[4096];
    char host[512];
    const char *msg = NULL, *err = NULL, *detail = NULL;
    char *text = NULL;
    int why = 0;

    if (mask_for_exception(r) < 0)
        return NULL;
    kw = base_kwargs(st, r);
    if (kw == NULL)
        goto done;
    cls = class_for_status(st, r->status);

    if (r->len > 0 && r->len <= MAX_ERROR_BODY_PARSE) {
        tree = jobo_parse_nogil(r->body, r->len, &why);
        if (tree == NULL && why == JOBO_PARSE_INTERRUPTED)
            goto done;
    }
    if (tree != NULL) {
        if (set_item(kw, "response_body", jobo_decode(st, tree)) < 0)
            goto done;
        if (cJSON_IsObject(tree))
            obj = tree;
    } else if (r->len > 0) {
        size_t n = r->len > MAX_ERROR_TEXT ? MAX_ERROR_TEXT : r->len;
        if (set_item(kw, "response_body", jobo_str_from_utf8(r->body, (Py_ssize_t)n)) < 0)
            goto done;
    }

    if (obj != NULL) {
        detail = json_str(obj, "detail");
        msg = json_str(obj, "message");
        if (msg == NULL)
            msg = detail;
        if (msg == NULL)
            msg = json_str(obj, "title");
        err = json_str(obj, "error");
        if (msg == NULL && err != NULL) {
            msg = err;
            err = NULL;
        }
        if (err == NULL)
            err = json_str(obj, "title");
        if (err != NULL && msg != NULL && strcmp(err, msg) == 0)
            err = NULL;
        if (set_text(kw, "error", err) < 0 || set_text(kw, "detail", detail) < 0 ||
            set_text(kw, "code", json_str(obj, "code")) < 0 ||
            set_text(kw, "api_version", json_str(obj, "api_version")) < 0)
            goto done;
    }

    if (r->status >= 300 && r->status <= 399) {
        location_host(r, host, sizeof(host));
        if (host[0] && (text = shown(host)) == NULL)
            goto done;
        if (host[0])
            snprintf(message, sizeof(message),
                     "redirect to %s was not followed (the SDK never follows redirects)", text);
        else
            snprintf(message, sizeof(message),
                     "redirect without a Location was not followed");
    } else if (msg != NULL) {
        if ((text = shown(msg)) == NULL)
            goto done;
        snprintf(message, sizeof(message), "%s", text);
    } else if (r->len == 0) {
        snprintf(message, sizeof(message), "the server sent an empty error body");
    } else if (strstr(r->usage.content_type, "html") != NULL) {
        snprintf(message, sizeof(message),
                 "the server answered with an HTML page instead of JSON (%zu bytes)", r->len);
    } else {
        if ((text = shown(r->usage.content_type[0] ? r->usage.content_type
                                                   : "no content type")) == NULL)
            goto done;
        snprintf(message, sizeof(message),
                 "the server answered with a body that is not a JSON error (%s, %zu bytes)",
                 text, r->len);
    }

    if (r->status == 429 && add_retry_fields(st, kw, r->status) < 0)
        goto done;
    raise_with(cls, message, kw);
done:
    free(text);
    jobo_delete_nogil(tree);
    Py_XDECREF(kw);
    return NULL;
}

PyObject *
jobo_raise_response_error(jobo_state *st, jobo_response *r, const char *what)
{
    PyObject *kw;
    /* only the first MAX_ERROR_TEXT bytes of the body are kept */
    if (jobo_response_mask(r, MAX_ERROR_TEXT + 6 * r->key_len + 16) < 0)
        return PyErr_NoMemory();
    if ((kw = base_kwargs(st, r)) == NULL)
        return NULL;
    if (r->len > 0) {
        size_t n = r->len > MAX_ERROR_TEXT ? MAX_ERROR_TEXT : r->len;
        if (set_item(kw, "response_body", jobo_str_from_utf8(r->body, (Py_ssize_t)n)) < 0)
            goto done;
    }
    raise_with(st->ResponseError, what, kw);
done:
    Py_DECREF(kw);
    return NULL;
}

/* CURLE_SSL_CONNECT_ERROR covers a handshake the peer refused (no common
 * protocol or cipher: permanent) and one the network broke (the server went
 * away mid-handshake: transient, and no request went out). The socket's errno,
 * or failing that the words of libcurl's message, tell them apart. */
static int
handshake_interrupted(CURLcode code, long os_errno, const char *why)
{
    static const char *const words[] = {
        "reset by peer", "send failure", "recv failure", "ssl_error_syscall",
        "unexpected eof", "connection closed", "connection was closed", "broken pipe",
        "not connected", "getpeername", "connection refused", "timed out",
    };
    char lower[512];
    size_t i;

    if (code != CURLE_SSL_CONNECT_ERROR)
        return 0;
    switch (os_errno) {
    case ECONNRESET:
    case ECONNABORTED:
    case ENOTCONN:
    case EPIPE:
    case ETIMEDOUT:
    case ECONNREFUSED:
    case ENETUNREACH:
    case EHOSTUNREACH:
        return 1;
    default:
        break;
    }
    for (i = 0; i + 1 < sizeof(lower) && why[i]; i++)
        lower[i] = (char)((why[i] >= 'A' && why[i] <= 'Z') ? why[i] + ('a' - 'A') : why[i]);
    lower[i] = '\0';
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strstr(lower, words[i]) != NULL)
            return 1;
    return 0;
}

static int
is_tls_code(CURLcode c)
{
    switch (c) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_USE_SSL_FAILED:
        return 1;
    default:
        return 0;
    }
}

/* A stable name for the way a transfer failed. Retry logic keys on it: the
 * failures where no response arrived are connect_failed, connect_timeout,
 * dns_failed and connection_reset. */
static const char *
failure_code(CURLcode code, long status, int connected)
{
    if (is_tls_code(code))
        return "tls_error";
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return "dns_failed";
    case CURLE_COULDNT_CONNECT:
        return "connect_failed";
    case CURLE_OPERATION_TIMEDOUT:
        if (!connected)
            return "connect_timeout";
        return status > 0 ? "body_timeout" : "response_timeout";
    case CURLE_PARTIAL_FILE:
        return "truncated_body";
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        return status > 0 ? "response_interrupted" : "connection_reset";
    case CURLE_UNSUPPORTED_PROTOCOL:
        return "unsupported_protocol";
    default:
        return status > 0 ? "response_interrupted" : "connection_failed";
    }
}

PyObject *
jobo_raise_transfer_error(jobo_state *st, jobo_response *r, CURLcode code, const char *errbuf,
                          double timeout_s, int connected, long os_errno)
{
    PyObject *kw, *cls;
    char message[1024];
    const char *why = (errbuf != NULL && errbuf[0]) ? errbuf : curl_easy_strerror(code);

    if (r->body_too_large) {
        snprintf(message, sizeof(message),
                 "the response body exceeds the size cap of %zu bytes", r->max_body);
        return jobo_raise_response_error(st, r, message);
    }
    if (r->header_too_large) {
        snprintf(message, sizeof(message), "the response headers exceed %d bytes",
                 JOBO_MAX_HEADER_BYTES);
        return jobo_raise_response_error(st, r, message);
    }
    if (code == CURLE_OUT_OF_MEMORY && r->status > 0 && r->len == 0) {
        /* while headers arrive, libcurl refuses one header line above its own
         * limit (100 KB) with CURLE_OUT_OF_MEMORY: say what happened */
        snprintf(message, sizeof(message),
                 "a response header line exceeds libcurl's limit of 100 KB per header");
        return jobo_raise_response_error(st, r, message);
    }
    if (jobo_response_mask(r, 0) < 0)
        return PyErr_NoMemory();
    kw = base_kwargs(st, r);
    if (kw == NULL)
        return NULL;
    if (code == CURLE_OPERATION_TIMEDOUT) {
        cls = st->TimeoutError;
        if (!connected)
            snprintf(message, sizeof(message), "connecting timed out: %s", why);
        else if (timeout_s > 0)
            snprintf(message, sizeof(message), "the request timed out (limit %.3g s): %s",
                     timeout_s, why);
        else
            snprintf(message, sizeof(message), "the request timed out: %s", why);
    } else if (!connected && handshake_interrupted(code, os_errno, why)) {
        cls = st->ConnectionError;
        code = CURLE_RECV_ERROR; /* failure_code: connection_reset, retried as such */
        snprintf(message, sizeof(message), "the connection broke during the TLS handshake: %s",
                 why);
    } else if (is_tls_code(code)) {
        cls = st->TLSError;
        snprintf(message, sizeof(message), "TLS verification or handshake failed: %s", why);
    } else if (code == CURLE_UNSUPPORTED_PROTOCOL) {
        cls = st->ConfigurationError;
        snprintf(message, sizeof(message), "only https:// URLs are allowed: %s", why);
    } else {
        cls = st->ConnectionError;
        snprintf(message, sizeof(message), "the connection failed: %s", why);
    }
    if (set_str(kw, "code",
                (code == CURLE_HTTP2_STREAM && r->status > 0 && r->len > 0)
                    /* HTTP/2: the stream was reset after part of the body */
                    ? "truncated_body"
                    : failure_code(code, r->status, connected)) < 0)
        goto done;
    raise_with(cls, message, kw);
done:
    Py_DECREF(kw);
    return NULL;
}

/* A JoboConnectionError with a machine code, for a response the client refuses
 * (the response's status, request id and usage ride along). Returns NULL. */
PyObject *
jobo_raise_connection_coded(jobo_state *st, jobo_response *r, const char *code,
                            const char *message)
{
    PyObject *kw = base_kwargs(st, r);
    if (kw == NULL)
        return NULL;
    if (set_str(kw, "code", code) == 0)
        raise_with(st->ConnectionError, message, kw);
    Py_DECREF(kw);
    return NULL;
}
