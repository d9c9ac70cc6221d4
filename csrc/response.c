/* response.c: the response side of a transfer.
 *
 * libcurl calls jobo_write_cb and jobo_header_cb with the GIL released, so
 * nothing here touches Python objects; they only fill a jobo_response. The body
 * buffer grows up to a cap, enforced while receiving. Header lines of interest
 * are parsed into a jobo_usage record; a malformed value is treated as absent.
 */
#include "jobo.h"

#include <string.h>
#include <strings.h>
#include <time.h>

int64_t
jobo_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
jobo_response_init(jobo_response *r, size_t max_body)
{
    memset(r, 0, sizeof(*r));
    r->max_body = max_body;
    r->last_rx_ms = jobo_now_ms();
}

void
jobo_response_free(jobo_response *r)
{
    free(r->body);
    free(r->hdr);
    r->body = NULL;
    r->hdr = NULL;
}

/* Forget headers (a new status line starts a new response: 100 Continue,
 * a proxy's CONNECT answer). The body buffer is kept for reuse. */
static void
reset_headers(jobo_response *r)
{
    r->hlen = 0;
    r->header_bytes = 0;
    r->status = 0;
    memset(&r->usage, 0, sizeof(r->usage));
}

void
jobo_response_reset(jobo_response *r)
{
    reset_headers(r);
    r->len = 0;
    r->body_too_large = 0;
    r->header_too_large = 0;
}

static int
reserve(char **buf, size_t *cap, size_t need)
{
    size_t ncap;
    char *nbuf;
    if (need <= *cap)
        return 0;
    ncap = *cap ? *cap : 16384;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return -1;
        ncap *= 2;
    }
    nbuf = realloc(*buf, ncap);
    if (nbuf == NULL)
        return -1;
    *buf = nbuf;
    *cap = ncap;
    return 0;
}

size_t
jobo_write_cb(char *data, size_t size, size_t nmemb, void *userp)
{
    jobo_response *r = (jobo_response *)userp;
    size_t n = size * nmemb;
    r->last_rx_ms = jobo_now_ms();
    if (n > r->max_body || r->len > r->max_body - n) {
        r->body_too_large = 1;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    /* +1 keeps room for a terminating NUL */
    if (reserve(&r->body, &r->cap, r->len + n + 1) < 0)
        return 0;
    memcpy(r->body + r->len, data, n);
    r->len += n;
    return n;
}

/* ---- small strict parsers ------------------------------------------------- */

static void
trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r' ||
                  (*s)[*n - 1] == '\n'))
        (*n)--;
}

/* Decimal integer, optional leading '-', no other characters; 0 on success. */
static int
parse_ll(const char *s, size_t n, long long *out)
{
    int neg = 0;
    unsigned long long v = 0;
    size_t i = 0;
    if (n == 0)
        return -1;
    if (s[0] == '-') {
        neg = 1;
        i = 1;
        if (n == 1)
            return -1;
    }
    for (; i < n; i++) {
        unsigned d;
        if (s[i] < '0' || s[i] > '9')
            return -1;
        d = (unsigned)(s[i] - '0');
        if (v > (9223372036854775807ULL - d) / 10)
            return -1; /* overflow */
        v = v * 10 + d;
    }
    *out = neg ? -(long long)v : (long long)v;
    return 0;
}

/* HTTP-date (IMF-fixdate and the obsolete forms curl_getdate knows). */
static int
parse_http_date(const char *s, size_t n, long long *out)
{
    char tmp[128];
    time_t t;
    if (n == 0 || n >= sizeof(tmp))
        return -1;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    t = curl_getdate(tmp, NULL);
    if (t == (time_t)-1)
        return -1;
    *out = (long long)t;
    return 0;
}

static int
name_is(const char *name, size_t nlen, const char *want)
{
    size_t wlen = strlen(want);
    return nlen == wlen && strncasecmp(name, want, wlen) == 0;
}

static void
copy_str(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

#define SET_LL(field)                                                        \
    do {                                                                     \
        long long v_;                                                        \
        if (parse_ll(value, vlen, &v_) == 0 && v_ >= 0) {                    \
            u->field = v_;                                                   \
            u->has_##field = 1;                                              \
        } else {                                                             \
            u->has_##field = 0;                                              \
        }                                                                    \
    } while (0)

void
jobo_parse_header_line(jobo_usage *u, const char *line, size_t len)
{
    const char *colon = memchr(line, ':', len);
    const char *name = line, *value;
    size_t nlen, vlen;
    if (colon == NULL)
        return;
    nlen = (size_t)(colon - line);
    value = colon + 1;
    vlen = len - nlen - 1;
    trim(&name, &nlen);
    trim(&value, &vlen);
    if (nlen < 4)
        return;

    switch (name[0] | 0x20) {
    case 'x':
        if (name_is(name, nlen, "x-credits-used") || name_is(name, nlen, "x-credits-deducted"))
            SET_LL(credits_used);
        else if (name_is(name, nlen, "x-credits-remaining") ||
                 name_is(name, nlen, "x-credits-balance"))
            SET_LL(credits_remaining);
        else if (name_is(name, nlen, "x-credits-required"))
            SET_LL(credits_required);
        else if (name_is(name, nlen, "x-ratelimit-limit"))
            SET_LL(rl_limit);
        else if (name_is(name, nlen, "x-ratelimit-remaining"))
            SET_LL(rl_remaining);
        else if (name_is(name, nlen, "x-ratelimit-reset"))
            SET_LL(rl_reset);
        else if (name_is(name, nlen, "x-request-id")) {
            size_t i;
            /* keep printable ASCII only */
            for (i = 0; i < vlen; i++)
                if ((unsigned char)value[i] < 0x20 || (unsigned char)value[i] > 0x7e)
                    break;
            if (i == vlen && vlen > 0)
                copy_str(u->request_id, sizeof(u->request_id), value, vlen);
        }
        break;
    case 'r':
        if (name_is(name, nlen, "retry-after")) {
            long long v;
            u->retry_after_kind = 0;
            if (parse_ll(value, vlen, &v) == 0) {
                if (v >= 0) {
                    u->retry_after_secs = v;
                    u->retry_after_kind = 1;
                }
            } else if (parse_http_date(value, vlen, &v) == 0) {
                u->retry_after_date = v;
                u->retry_after_kind = 2;
            }
        }
        break;
    case 'd':
        if (name_is(name, nlen, "date")) {
            long long v;
            if (parse_http_date(value, vlen, &v) == 0) {
                u->date = v;
                u->has_date = 1;
            } else {
                u->has_date = 0;
            }
        }
        break;
    case 'c':
        if (name_is(name, nlen, "content-type"))
            copy_str(u->content_type, sizeof(u->content_type), value, vlen);
        break;
    default:
        break;
    }
}

#undef SET_LL

size_t
jobo_header_cb(char *data, size_t size, size_t nitems, void *userp)
{
    jobo_response *r = (jobo_response *)userp;
    size_t n = size * nitems;

    r->last_rx_ms = jobo_now_ms();
    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        /* a status line: a new response begins */
        const char *sp = memchr(data, ' ', n);
        long status = 0;
        reset_headers(r);
        if (sp != NULL) {
            size_t i = (size_t)(sp - data) + 1, k;
            for (k = 0; k < 3 && i + k < n && data[i + k] >= '0' && data[i + k] <= '9'; k++)
                status = status * 10 + (data[i + k] - '0');
            if (k != 3)
                status = 0;
        }
        r->status = status;
        return n;
    }
    r->header_bytes += n;
    if (r->header_bytes > JOBO_MAX_HEADER_BYTES) {
        r->header_too_large = 1;
        return 0; /* abort */
    }
    if (n <= 2)
        return n; /* the blank line ending the block */
    jobo_parse_header_line(&r->usage, data, n);
    if (r->hlen + n <= JOBO_KEPT_HEADER_BYTES && reserve(&r->hdr, &r->hcap, r->hlen + n) == 0) {
        memcpy(r->hdr + r->hlen, data, n);
        r->hlen += n;
    }
    return n;
}

/* ---- to Python ------------------------------------------------------------ */

static PyObject *
ll_or_none(int has, long long v)
{
    if (!has)
        Py_RETURN_NONE;
    return PyLong_FromLongLong(v);
}

/* The keyword arguments of Usage._from_core, in the order of items[] below. */
static const char *const usage_names[10] = {
    "credits_used",         "credits_remaining",      "credits_required",
    "rate_limit_limit",     "rate_limit_remaining",   "rate_limit_reset_epoch",
    "retry_after_seconds",  "request_id",             "date_epoch",
    "retry_after_date_epoch",
};

/* The tuple of those names (interned), for a keyword-only vectorcall. */
PyObject *
jobo_usage_kwnames(void)
{
    PyObject *names = PyTuple_New(10);
    int i;
    if (names == NULL)
        return NULL;
    for (i = 0; i < 10; i++) {
        PyObject *name = PyUnicode_InternFromString(usage_names[i]);
        if (name == NULL) {
            Py_DECREF(names);
            return NULL;
        }
        PyTuple_SET_ITEM(names, i, name);
    }
    return names;
}

PyObject *
jobo_usage_object(jobo_state *st, const jobo_usage *u)
{
    PyObject *result = NULL;
    PyObject *items[10] = {NULL};
    int i;

    items[0] = ll_or_none(u->has_credits_used, u->credits_used);
    items[1] = ll_or_none(u->has_credits_remaining, u->credits_remaining);
    items[2] = ll_or_none(u->has_credits_required, u->credits_required);
    items[3] = ll_or_none(u->has_rl_limit, u->rl_limit);
    items[4] = ll_or_none(u->has_rl_remaining, u->rl_remaining);
    items[5] = ll_or_none(u->has_rl_reset, u->rl_reset);
    items[6] = ll_or_none(u->retry_after_kind == 1, u->retry_after_secs);
    if (u->request_id[0])
        items[7] = PyUnicode_FromString(u->request_id);
    else
        items[7] = Py_NewRef(Py_None);
    items[8] = ll_or_none(u->has_date, u->date);
    items[9] = ll_or_none(u->retry_after_kind == 2, u->retry_after_date);
    for (i = 0; i < 10; i++)
        if (items[i] == NULL)
            goto error;
    /* by name only, as _from_core takes them: no positional order to get wrong */
    if (jobo_usage_factory(st) != NULL)
        result = PyObject_Vectorcall(st->usage_from_core, items, 0, st->usage_kwnames);
error:
    for (i = 0; i < 10; i++)
        Py_XDECREF(items[i]);
    return result;
}

PyObject *
jobo_headers_dict(const jobo_response *r)
{
    PyObject *d = PyDict_New();
    size_t pos = 0;
    if (d == NULL)
        return NULL;
    while (pos < r->hlen) {
        const char *line = r->hdr + pos;
        const char *nl = memchr(line, '\n', r->hlen - pos);
        size_t len = nl ? (size_t)(nl - line) + 1 : r->hlen - pos;
        const char *colon = memchr(line, ':', len);
        pos += len;
        if (colon != NULL) {
            const char *name = line, *value = colon + 1;
            size_t nlen = (size_t)(colon - line), vlen = len - nlen - 1, i;
            char lower[256];
            PyObject *k, *v;
            int rc;
            trim(&name, &nlen);
            trim(&value, &vlen);
            if (nlen == 0 || nlen >= sizeof(lower))
                continue;
            for (i = 0; i < nlen; i++) {
                char c = name[i];
                lower[i] = (c >= 'A' && c <= 'Z') ? (char)(c | 0x20) : c;
            }
            k = jobo_str_from_utf8(lower, (Py_ssize_t)nlen);
            v = jobo_str_from_utf8(value, (Py_ssize_t)vlen);
            rc = (k && v) ? PyDict_SetItem(d, k, v) : -1;
            Py_XDECREF(k);
            Py_XDECREF(v);
            if (rc < 0) {
                Py_DECREF(d);
                return NULL;
            }
        }
    }
    return d;
}

/* ---- the client's key in server text --------------------------------------- */

/* Replace *buf (n bytes, NUL-terminated) by a masked copy of its first `limit`
 * bytes followed by the rest as it was. */
static int
mask_buffer(const jobo_response *r, char **buf, size_t *n, size_t *cap, size_t limit)
{
    size_t head = *n < limit ? *n : limit, rest = *n - head, mlen = 0;
    char *m = jobo_mask_key(*buf, head, r->key, r->key_len, r->masked_key, &mlen), *nb;
    if (m == NULL)
        return -1;
    nb = realloc(m, mlen + rest + 1);
    if (nb == NULL) {
        free(m);
        return -1;
    }
    memcpy(nb + mlen, *buf + head, rest);
    nb[mlen + rest] = '\0';
    free(*buf);
    *buf = nb;
    *n = mlen + rest;
    *cap = mlen + rest + 1;
    return 0;
}

static int
mask_field(const jobo_response *r, char *field, size_t cap)
{
    size_t mlen = 0;
    char *m = jobo_mask_key(field, strlen(field), r->key, r->key_len, r->masked_key, &mlen);
    if (m == NULL)
        return -1;
    copy_str(field, cap, m, mlen);
    free(m);
    return 0;
}

int
jobo_response_mask(jobo_response *r, size_t body_limit)
{
    if (r->key == NULL || r->key_len == 0)
        return 0;
    if (r->hdr != NULL && mask_buffer(r, &r->hdr, &r->hlen, &r->hcap, r->hlen) < 0)
        return -1;
    if (r->body != NULL && body_limit > 0 &&
        mask_buffer(r, &r->body, &r->len, &r->cap, body_limit) < 0)
        return -1;
    if (mask_field(r, r->usage.request_id, sizeof(r->usage.request_id)) < 0 ||
        mask_field(r, r->usage.content_type, sizeof(r->usage.content_type)) < 0)
        return -1;
    return 0;
}
