/* fuzz_response: a whole HTTP response through the C response path, above all
 * the error path (errors.c: jobo_raise_http_error on any status, headers, body).
 *
 * The input is a raw response: a header block (status line(s) and header
 * lines, split after each '\n') up to the first empty line ("\n" or "\r\n"),
 * then the body. The header lines go to jobo_header_cb and the body, in chunks,
 * to jobo_write_cb, as libcurl would hand them over; then the same steps as
 * Transport.request() after a finished transfer:
 *   - a callback abort (header or body cap)   -> jobo_raise_transfer_error
 *   - status outside 2xx                      -> jobo_raise_http_error
 *   - empty 2xx body / 2xx body not JSON      -> jobo_raise_response_error
 *   - otherwise jobo_parse_nogil + jobo_decode + jobo_usage_object.
 * fuzz/_oracle.py's check_response then checks the outcome: exactly the typed
 * JoboError subclass for the status (never another exception), str()/repr()
 * of the error, its fields, and a (data, Usage) pair for a usable 2xx.
 */
#include "common.h"

#define CHUNK 16384

static int
feed_headers(jobo_response *r, const uint8_t *data, size_t size, size_t *body_at)
{
    size_t pos = 0;
    while (pos < size) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t len = nl ? (size_t)(nl - (data + pos)) + 1 : size - pos;
        int blank = (len == 1 && data[pos] == '\n') ||
                    (len == 2 && data[pos] == '\r' && data[pos + 1] == '\n');
        char *line = malloc(len);
        size_t got;
        if (line == NULL)
            abort();
        memcpy(line, data + pos, len);
        got = jobo_header_cb(line, 1, len, r);
        free(line);
        pos += len;
        if (got != len) {
            *body_at = pos;
            return -1;
        }
        if (blank)
            break;
    }
    *body_at = pos;
    return 0;
}

static int
feed_body(jobo_response *r, const uint8_t *data, size_t size)
{
    size_t pos = 0;
    while (pos < size) {
        size_t n = size - pos < CHUNK ? size - pos : CHUNK;
        char *chunk = malloc(n);
        size_t got;
        if (chunk == NULL)
            abort();
        memcpy(chunk, data + pos, n);
        got = jobo_write_cb(chunk, 1, n, r);
        free(chunk);
        if (got != n)
            return -1;
        pos += n;
    }
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jobo_state *st = jobo_fuzz_st;
    jobo_response r;
    size_t body_at = 0;
    int failed;
    cJSON *tree = NULL;
    int why = 0;
    PyObject *result = NULL, *decoded = NULL, *usage = NULL;
    PyObject *type = NULL, *value = NULL, *tb = NULL;

    /* a small body cap for some inputs, so that the cap path runs too */
    jobo_response_init(&r, (size % 13 == 0) ? 512 : (size_t)4 << 20);
    failed = feed_headers(&r, data, size, &body_at);
    if (failed == 0)
        failed = feed_body(&r, data + body_at, size - body_at);

    if (failed) {
        jobo_raise_transfer_error(st, &r, CURLE_WRITE_ERROR, "", 30.0, 1, 0);
    } else if (r.status < 200 || r.status >= 300) {
        jobo_raise_http_error(st, &r);
    } else if (r.len == 0) {
        jobo_raise_response_error(st, &r, "the server sent an empty body where JSON was expected");
    } else if ((tree = jobo_parse_nogil(r.body, r.len, &why)) == NULL) {
        jobo_raise_response_error(st, &r, jobo_parse_error(why));
    } else if ((decoded = jobo_decode(st, tree)) != NULL) {
        usage = jobo_usage_object(st, &r.usage);
        if (usage != NULL)
            result = PyTuple_Pack(2, decoded, usage);
    }
    jobo_delete_nogil(tree);
    Py_XDECREF(decoded);
    Py_XDECREF(usage);

    if (result == NULL) {
        if (!PyErr_Occurred())
            jobo_fuzz_fail("NULL without an exception set");
        PyErr_Fetch(&type, &value, &tb);
        PyErr_NormalizeException(&type, &value, &tb);
        if (value == NULL)
            jobo_fuzz_fail("no exception value");
    } else if (PyErr_Occurred()) {
        jobo_fuzz_fail("a result with an exception set");
    }
    jobo_fuzz_check("check_response",
                    Py_BuildValue("(NliiOO)", jobo_fuzz_bytes(data, size), r.status, failed,
                                  r.max_body < 1024, result ? result : Py_None,
                                  value ? value : Py_None));
    Py_XDECREF(result);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    jobo_response_free(&r);
    return 0;
}
