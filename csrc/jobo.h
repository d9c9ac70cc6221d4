/* jobo.h: declarations shared by the files of the jobo_enterprise._core module.
 *
 * One concern per file:
 *   module.c     module definition, exec slot, module state, version checks
 *   transport.c  the Transport type: handle pool, transfer loop, GIL release, signals
 *   request.c    URL joining, query encoding, header lists
 *   response.c   header callback, body buffer with a size cap, usage figures
 *   errors.c     HTTP status / error body / CURLcode -> typed exception
 *   decode.c     JSON text -> cJSON tree (per-parse arena) -> Python objects
 *   record.c     models as lazy views over a parsed tree; typed fields in C
 *   columns.c    the columns of a table of jobs, read from their parsed trees
 *   multi.c      concurrent transfers on one multi handle, driven from a thread
 *   aio.c        the same driven by an asyncio event loop (multi-socket API)
 *
 * There are no mutable C globals: everything mutable lives in the module state
 * (jobo_state) or in a Transport object.
 */
#ifndef JOBO_H
#define JOBO_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <curl/curl.h>
#include <cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "compat.h" /* the newer C-API names, for 3.9 and 3.10 */

#define JOBO_KEY_CACHE_SIZE 512          /* interned object keys (power of two) */
#define JOBO_KEY_CACHE_MAXLEN 32         /* longer keys are not cached */
#define JOBO_MAX_HEADER_BYTES (256 * 1024) /* response header block cap */
#define JOBO_KEPT_HEADER_BYTES (64 * 1024) /* headers kept for exceptions */
#define JOBO_SLICE_MS 50                 /* longest wait between signal checks */
#define JOBO_POOL_MAX 16                 /* idle handles kept per Transport */
#define JOBO_POOL_CAP 1024               /* ... at most, however wide its multi handles */
#define JOBO_MAX_KEY_BYTES 1024          /* longest API key accepted */
#define JOBO_MAX_DEPTH 128               /* deepest JSON nesting accepted */
#define JOBO_PARSE_FACTOR 16             /* a parsed tree takes at most this x the body */
#define JOBO_PARSE_SLACK (1024 * 1024)   /* ... plus this many bytes */
#define JOBO_MAX_SERVER_TEXT 500         /* characters of server text in a message */
#define JOBO_SPARE_MIN (1024 * 1024)   /* a tree block this big is kept for the next parse */
#define JOBO_STR_(x) #x
#define JOBO_STR(x) JOBO_STR_(x)

/* ---- module state -------------------------------------------------------- */

typedef struct {
    PyObject *str;      /* interned str, owned */
    Py_ssize_t len;
} jobo_key_entry;

typedef struct {
    PyTypeObject *TransportType;
    PyTypeObject *MultiType;      /* concurrent transfers on one multi handle */
    PyTypeObject *LoopMultiType;  /* the same, driven by an asyncio loop (aio.c) */
    PyTypeObject *FinishedType;   /* one finished transfer of a LoopMulti */
    PyTypeObject *DocType;        /* owner of one parsed tree (record.c) */
    PyTypeObject *RecordType;     /* base of the models */
    PyTypeObject *FieldType;      /* base of typed model fields */
    PyTypeObject *PlainFieldType; /* str / bool model fields */

    /* exception classes, imported from jobo_enterprise.exceptions */
    PyObject *JoboError;
    PyObject *ConfigurationError;
    PyObject *ConnectionError;
    PyObject *TimeoutError;
    PyObject *TLSError;
    PyObject *APIError;
    PyObject *ValidationError;
    PyObject *AuthenticationError;
    PyObject *InsufficientCreditsError;
    PyObject *PermissionError;
    PyObject *NotFoundError;
    PyObject *CursorRestartRequiredError;
    PyObject *RateLimitError;
    PyObject *ServerError;
    PyObject *ResponseError;
    PyObject *retry_fields;       /* exceptions._retry_fields (_wait.retry_fields) */
    PyObject *usage_from_core;    /* _usage.Usage._from_core, on first use */
    PyObject *usage_kwnames;      /* its keyword names, a tuple (with usage_from_core) */
    PyObject *str_convert;        /* interned "_convert" (record.c) */

    /* imported on first use by record.c */
    PyObject *uuid_type, *uuid_int, *uuid_is_safe, *uuid_unknown;
    void *datetime_api;           /* PyDateTime_CAPI from its capsule (not owned) */
    long live_docs;               /* parsed trees alive (GIL held to change) */
    long materialized;            /* views made dict-backed so far (GIL held) */
    unsigned decode_tick;         /* jobo_decode checks for signals now and then */

    jobo_key_entry keys[JOBO_KEY_CACHE_SIZE];
    /* the block of the last big tree freed, for the next parse to reuse
     * (exchanged atomically: parses run without the GIL); closed when the
     * module is cleared */
    void *spare_chunk;
    int spare_closed;
    size_t spare_reused, spare_missed; /* big parses that took / could not take it (tests) */

    /* interpreter exit: set by _core._shutdown() (an atexit handler); read and
     * counted without the GIL, hence the __atomic builtins */
    int shutting_down;
    int in_flight;               /* transfers inside libcurl right now */
} jobo_state;

extern struct PyModuleDef jobo_module_def;

jobo_state *jobo_get_state(PyObject *module);
/* _usage.Usage._from_core (borrowed), imported on first use; NULL on error. */
PyObject *jobo_usage_factory(jobo_state *st);
jobo_state *jobo_state_from_type(PyTypeObject *tp);

/* ---- response (response.c) ----------------------------------------------- */

/* Usage figures parsed from response headers; has_* say which were present and
 * well formed. A malformed header value is simply "absent". */
typedef struct {
    long long credits_used, credits_remaining, credits_required;
    long long rl_limit, rl_remaining, rl_reset;
    long long date;              /* epoch of the Date header */
    unsigned has_credits_used : 1, has_credits_remaining : 1, has_credits_required : 1,
        has_rl_limit : 1, has_rl_remaining : 1, has_rl_reset : 1, has_date : 1;
    /* raw Retry-After, as sent: the wait is decided in Python (_wait.py) */
    long long retry_after_secs, retry_after_date;
    unsigned retry_after_kind : 2; /* 0 none, 1 seconds, 2 HTTP-date */
    char request_id[128];
    char content_type[96];
} jobo_usage;

typedef struct {
    /* body */
    char *body;
    size_t len, cap, max_body;
    int body_too_large;
    /* headers */
    char *hdr;                   /* kept header lines of the final response */
    size_t hlen, hcap;
    size_t header_bytes;         /* all header bytes of the final response */
    int header_too_large;
    long status;                 /* from the status line, 0 if none yet */
    int64_t last_rx_ms;          /* monotonic time of the last byte received */
    jobo_usage usage;
    /* the client's key, to mask it in server text that reaches an exception
     * (borrowed from the Transport, which outlives the transfer) */
    const char *key;
    size_t key_len;
    const char *masked_key;
} jobo_response;

/* CLOCK_MONOTONIC in milliseconds (no Python calls; safe without the GIL). */
int64_t jobo_now_ms(void);

void jobo_response_init(jobo_response *r, size_t max_body);
void jobo_response_free(jobo_response *r);
void jobo_response_reset(jobo_response *r);
size_t jobo_write_cb(char *data, size_t size, size_t nmemb, void *userp);
size_t jobo_header_cb(char *data, size_t size, size_t nitems, void *userp);
/* Parse one header line into u (exposed for the fuzz harness). */
void jobo_parse_header_line(jobo_usage *u, const char *line, size_t len);
/* The Usage object: _usage.Usage._from_core called with named figures. */
PyObject *jobo_usage_object(jobo_state *st, const jobo_usage *u);
/* The keyword names jobo_usage_object passes, as a tuple of interned str. */
PyObject *jobo_usage_kwnames(void);
/* dict of lower-cased header name -> value from the kept header lines */
PyObject *jobo_headers_dict(const jobo_response *r);

/* Mask the client's key in the kept headers, the request id and content type
 * and (up to `body_limit` bytes) the body: done once before server text goes
 * into an exception. 0, or -1 out of memory. No Python calls. */
int jobo_response_mask(jobo_response *r, size_t body_limit);

/* ---- server text (text.c) -------------------------------------------------- */

/* A malloc'd copy of s[0..n) with every encoded occurrence of key (raw,
 * JSON-escaped, percent-encoded) replaced by mask; NUL-terminated, its length
 * in *outlen. NULL when out of memory. */
char *jobo_mask_key(const char *s, size_t n, const char *key, size_t klen, const char *mask,
                    size_t *outlen);
/* The value of one hex digit (either case), or -1. */
int jobo_hex_digit(unsigned char c);
/* A malloc'd UTF-8 copy with control characters escaped, invalid bytes as
 * \xNN, cut after max_chars characters (marked with an ellipsis). */
char *jobo_escape_text(const char *s, size_t n, size_t max_chars, size_t *outlen);

/* ---- request (request.c) ------------------------------------------------- */

/* Returns a malloc'd URL "base + path [+ '?' + encoded query]" or NULL with an
 * exception set. query is None or a sequence of (str, str) pairs. */
char *jobo_build_url(jobo_state *st, CURL *easy, const char *base, PyObject *path,
                     PyObject *query);
/* Appends s to a slist; NULL with MemoryError on failure (the old list is freed). */
struct curl_slist *jobo_slist_append(struct curl_slist *list, const char *s);

/* ---- errors (errors.c) --------------------------------------------------- */

/* Raise the typed exception for an HTTP status >= 300. Always returns NULL. */
PyObject *jobo_raise_http_error(jobo_state *st, jobo_response *r);
/* Raise the typed exception for a failed transfer. Always returns NULL. */
PyObject *jobo_raise_transfer_error(jobo_state *st, jobo_response *r, CURLcode code,
                                    const char *errbuf, double timeout_s, int connected,
                                    long os_errno);
/* Raise JoboResponseError for an unusable 2xx body. Always returns NULL. */
PyObject *jobo_raise_response_error(jobo_state *st, jobo_response *r, const char *what);
/* Raise cls(message) with no HTTP fields. Always returns NULL. */
PyObject *jobo_raise_simple(PyObject *cls, const char *message);
/* Raise JoboConnectionError(message, code=code) for a refused response. NULL. */
PyObject *jobo_raise_connection_coded(jobo_state *st, jobo_response *r, const char *code,
                                      const char *message);

/* ---- decode (decode.c) --------------------------------------------------- */

/* Build Python objects from a parsed cJSON tree. GIL held. */
PyObject *jobo_decode(jobo_state *st, const cJSON *item);
/* Decode a UTF-8 buffer of n bytes into a str (invalid UTF-8 -> U+FFFD). */
PyObject *jobo_str_from_utf8(const char *s, Py_ssize_t n);
/* Outcomes of a parse (jobo_parse_nogil's *why). */
enum {
    JOBO_PARSE_OK = 0,
    JOBO_PARSE_INVALID,       /* not valid JSON */
    JOBO_PARSE_TOO_MANY,      /* the tree would exceed the memory budget */
    JOBO_PARSE_TOO_DEEP,      /* nested deeper than JOBO_MAX_DEPTH */
    JOBO_PARSE_NUL,           /* a string holds a NUL character */
    JOBO_PARSE_NOMEM,
    JOBO_PARSE_INTERRUPTED,   /* a signal handler raised: its exception is set */
};
typedef struct {
    size_t nodes;   /* values */
    size_t bytes;   /* arena bytes the tree needs */
    int depth;      /* deepest nesting seen */
} jobo_scan;
/* The pre-scan alone (exposed for the fuzz harness): a JOBO_PARSE_ code. */
int jobo_prescan(const char *buf, size_t len, jobo_scan *out);
int jobo_arena_probe(const char *buf, size_t len, size_t *used, size_t *cap, int *chunks);
/* A sentence for a JOBO_PARSE_ code. */
const char *jobo_parse_error(int why);
/* Parse len bytes of JSON with the GIL released (GIL held on entry); NULL on
 * failure with the reason in *why (JOBO_PARSE_INTERRUPTED: an exception is
 * set). The tree lives in a per-parse arena: free it only with
 * jobo_delete_nogil. */
cJSON *jobo_parse_nogil(const char *buf, size_t len, int *why);
void jobo_delete_nogil(cJSON *tree);
/* The same, reusing the block of the module's last big tree freed (st may be
 * NULL): a scan of pages maps one tree's memory once, not once per page. */
cJSON *jobo_parse_tree(jobo_state *st, const char *buf, size_t len, int *why);
void jobo_free_tree(jobo_state *st, cJSON *tree);

/* Route cJSON's allocations through the per-parse arenas (module exec). */
void jobo_arena_install(void);
void jobo_key_cache_clear(jobo_state *st);
/* An object key as a str, interned through the module's key cache. */
PyObject *jobo_decode_key(jobo_state *st, const char *s);

/* ---- records (record.c) -------------------------------------------------- */

/* Create the Doc, Record, Field and PlainField types and add them (exec). */
int jobo_record_types_init(PyObject *module, jobo_state *st);
/* A view of tree's root (a JSON object) as an instance of cls, a Record
 * subclass; takes ownership of tree (freed even on failure). */
PyObject *jobo_record_from_tree(jobo_state *st, PyTypeObject *cls, cJSON *tree);
int jobo_is_record_class(jobo_state *st, PyObject *cls);
/* A date-time in the shape the API sends, YYYY-MM-DDTHH:MM:SS[.f{1,6}]
 * [Z|(+|-)HH:MM] (no suffix: UTC), with a valid calendar date. */
typedef struct {
    int year, month, day, hour, minute, second, usec;
    int offset;                  /* minutes east of UTC */
} jobo_iso;
/* 1 and *t filled when s has that shape, else 0. No Python calls. */
int jobo_parse_iso(const char *s, jobo_iso *t);
/* The node a view reads (and, borrowed, the Doc that owns it), or NULL for
 * anything that is not a view. */
const cJSON *jobo_record_node(jobo_state *st, PyObject *obj, PyObject **doc);

/* ---- columns (columns.c) ------------------------------------------------- */

/* Add _core.job_columns and its COL_* kinds (exec). */
int jobo_columns_init(PyObject *module);

/* ---- transport (transport.c) --------------------------------------------- */

extern PyType_Spec jobo_transport_spec;

/* One easy handle from a Transport's pool, with the multi handle that runs its
 * blocking calls (NULL until the first one). */
typedef struct {
    CURLM *multi;
    CURL *easy;
    char errbuf[CURL_ERROR_SIZE];
} jobo_slot;

/* One transfer: its slot, its response buffers, its URL. */
typedef struct {
    jobo_slot *slot;
    jobo_response resp;
    char *url;
    PyObject *body;   /* owned reference to the request body (bytes) or NULL */
    long timeout_ms;
    long stall_ms;    /* read_timeout: abort when no byte came for this long */
    CURLcode code;
    int added;        /* on a multi handle (started) */
    int done;         /* finished (or aborted as stalled) */
    int stalled;
    const struct curl_slist *base_hdr; /* the transport's header list in use */
    struct curl_slist *extra_hdr;      /* owned: base_hdr plus a call's extra headers */
} jobo_xfer;

/* A call's own options on a prepared transfer: extra header lines ("Name: value"
 * str items, or None) after the transport's, and a read_timeout (seconds, 0 =
 * off, or None = the transport's). 0, or -1 with the exception set. */
int jobo_xfer_options(jobo_xfer *x, PyObject *headers, PyObject *read_timeout);
/* The checks of submit()'s info (a dict or None) and model (a model class or
 * None) that Multi and LoopMulti share; -1 with TypeError set. */
int jobo_submit_check(jobo_state *st, PyObject *info, PyObject *model);
/* Seconds in [0, 86400] from a Python number; 0, or -1 with ValueError naming `what`. */
int jobo_seconds_arg(PyObject *o, const char *what, double *out);
/* Report a finished transfer into info (a dict, or NULL): "status",
 * "header_block" (the final response's header lines as bytes, the key masked),
 * "elapsed" (seconds), and "content" (the body bytes) when info["raw"] is true.
 * 0, or -1 with the exception set. */
int jobo_xfer_report(jobo_xfer *x, PyObject *info);

/* The timeout argument of a request in ms (None: the client's). -1 on error. */
long jobo_transport_timeout_ms(PyObject *transport, PyObject *timeout);
/* 0 when a request may start, else -1 with the typed exception set. */
int jobo_transport_check_open(PyObject *transport, jobo_state *st);
/* A multi handle runs up to n transfers of this Transport at once: keep as
 * many idle slots. 0, or -1 with MemoryError. */
int jobo_transport_pool_reserve(PyObject *transport, int n);
/* Set up x (a slot from the Transport's pool) for one request. 0 or -1; call
 * jobo_xfer_release in both cases. */
int jobo_xfer_prepare(PyObject *transport, jobo_state *st, jobo_xfer *x, const char *method,
                      PyObject *path, PyObject *query, PyObject *body, long timeout_ms);
/* The outcome of a finished transfer: (data, usage), or NULL with the typed
 * exception set. */
PyObject *jobo_xfer_result(jobo_state *st, jobo_xfer *x, PyObject *model);
/* Put the HTTP version of x's answer in info["http_version"] (info: a dict, or
 * NULL/None); for a client that requires HTTP/2, raise on an HTTP/1.x answer.
 * 0, or -1 with the exception set. */
int jobo_xfer_version_check(PyObject *transport, jobo_state *st, jobo_xfer *x, PyObject *info);
/* Give the slot back to the pool (not on any multi handle) and free buffers. */
void jobo_xfer_release(PyObject *transport, jobo_xfer *x);
int jobo_is_transport(jobo_state *st, PyObject *o);

/* ---- concurrent transfers (multi.c) --------------------------------------- */

extern PyType_Spec jobo_multi_spec;

/* ---- transfers driven by an event loop (aio.c) ---------------------------- */

extern PyType_Spec jobo_loop_multi_spec;
extern PyType_Spec jobo_finished_spec;

#endif /* JOBO_H */
