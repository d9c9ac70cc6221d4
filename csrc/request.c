/* request.c: the request side: URL joining, query encoding, header lists.
 *
 * The base URL is stored without a trailing slash; paths start with '/'.
 * Query values are str, sent percent-encoded as UTF-8. The API key never
 * appears in a URL: it travels only in the X-Api-Key header.
 */
#include "jobo.h"

#include <string.h>

typedef struct {
    char *buf;
    size_t len, cap;
} strbuf;

static int
sb_add(strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t ncap = b->cap ? b->cap : 256;
        char *nbuf;
        while (ncap < b->len + n + 1)
            ncap *= 2;
        nbuf = realloc(b->buf, ncap);
        if (nbuf == NULL)
            return -1;
        b->buf = nbuf;
        b->cap = ncap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
    return 0;
}

/* UTF-8 of a str, refusing embedded NUL. */
static const char *
utf8_of(PyObject *o, Py_ssize_t *n, const char *what)
{
    const char *s;
    if (!PyUnicode_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s must be str, not %.100s", what, Py_TYPE(o)->tp_name);
        return NULL;
    }
    s = PyUnicode_AsUTF8AndSize(o, n);
    if (s != NULL && (Py_ssize_t)strlen(s) != *n) {
        PyErr_Format(PyExc_ValueError, "%s contains a NUL character", what);
        return NULL;
    }
    return s;
}

static int
add_escaped(strbuf *b, CURL *easy, const char *s, Py_ssize_t n)
{
    char *esc = curl_easy_escape(easy, s, (int)n);
    int rc;
    if (esc == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    rc = sb_add(b, esc, strlen(esc));
    curl_free(esc);
    if (rc < 0)
        PyErr_NoMemory();
    return rc;
}

char *
jobo_build_url(jobo_state *st, CURL *easy, const char *base, PyObject *path, PyObject *query)
{
    strbuf b = {NULL, 0, 0};
    PyObject *seq = NULL;
    const char *p;
    Py_ssize_t plen, i, n;
    (void)st;

    p = utf8_of(path, &plen, "path");
    if (p == NULL)
        goto error;
    if (plen == 0 || p[0] != '/') {
        PyErr_SetString(PyExc_ValueError, "path must start with '/'");
        goto error;
    }
    for (i = 0; i < plen; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#') {
            PyErr_SetString(PyExc_ValueError,
                            "path must be percent-encoded ASCII without '?' or '#'");
            goto error;
        }
    }
    if (sb_add(&b, base, strlen(base)) < 0 || sb_add(&b, p, (size_t)plen) < 0) {
        PyErr_NoMemory();
        goto error;
    }

    if (query != NULL && query != Py_None) {
        int first = 1;
        seq = PySequence_Fast(query, "query must be a sequence of (name, value) pairs");
        if (seq == NULL)
            goto error;
        n = PySequence_Fast_GET_SIZE(seq);
        for (i = 0; i < n; i++) {
            PyObject *pair = PySequence_Fast_GET_ITEM(seq, i);
            const char *k, *v;
            Py_ssize_t klen, vlen;
            if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
                PyErr_SetString(PyExc_TypeError, "query items must be (name, value) tuples");
                goto error;
            }
            k = utf8_of(PyTuple_GET_ITEM(pair, 0), &klen, "query name");
            if (k == NULL)
                goto error;
            v = utf8_of(PyTuple_GET_ITEM(pair, 1), &vlen, "query value");
            if (v == NULL)
                goto error;
            if (sb_add(&b, first ? "?" : "&", 1) < 0) {
                PyErr_NoMemory();
                goto error;
            }
            first = 0;
            if (add_escaped(&b, easy, k, klen) < 0)
                goto error;
            if (sb_add(&b, "=", 1) < 0) {
                PyErr_NoMemory();
                goto error;
            }
            if (add_escaped(&b, easy, v, vlen) < 0)
                goto error;
        }
    }
    Py_XDECREF(seq);
    return b.buf;
error:
    Py_XDECREF(seq);
    free(b.buf);
    return NULL;
}

struct curl_slist *
jobo_slist_append(struct curl_slist *list, const char *s)
{
    struct curl_slist *n = curl_slist_append(list, s);
    if (n == NULL) {
        curl_slist_free_all(list);
        PyErr_NoMemory();
    }
    return n;
}
