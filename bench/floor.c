/* floor.c: the floor of benchmark (a) -- the least a client can do per search call.
 *
 * One libcurl easy handle, reused for every call (so one kept-alive TLS
 * connection), the same request headers as the SDKs (X-Api-Key, Accept,
 * User-Agent), the body collected into one reused buffer and parsed with
 * cJSON on every call (then freed). No Python anywhere.
 *
 *   floor URL CA_FILE API_KEY N [WARMUP]
 *   floor --parse FILE N        (cJSON alone: parse + delete a file N times)
 *   floor --concurrent C URL CA_FILE API_KEY N
 *                               (the floor of benchmark (g): N calls, C at once, on
 *                               one multi handle with at most C connections, driven
 *                               through libcurl's multi-socket interface by epoll;
 *                               a warm-up round of C calls opens the connections)
 *
 * prints one JSON line: {"calls": N, "cpu_us": per-call user+sys CPU,
 * "wall_us": per-call wall time, "bytes": body size, "jobs": jobs in body,
 * "libcurl": version, "cjson": version}. CPU comes from getrusage(RUSAGE_SELF)
 * around the measured loop only. Build: cc -O2 floor.c -lcurl -lcjson
 */
#define _POSIX_C_SOURCE 200809L
#include <cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    char *data;
    size_t len, cap;
} buffer;

static size_t
on_body(char *ptr, size_t size, size_t nmemb, void *userp)
{
    buffer *b = userp;
    size_t n = size * nmemb;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        char *p;
        while (cap < b->len + n + 1)
            cap *= 2;
        p = realloc(b->data, cap);
        if (p == NULL)
            return 0;
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, ptr, n);
    b->len += n;
    return n;
}

static void
cpu_split(double *user, double *sys)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
    *sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static double
wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A measured stretch: started with span_start; span_end turns it into user and
 * sys microseconds per call (of n) and wall seconds in all. */
typedef struct {
    double user, sys, wall;
} span;

static void
span_start(span *sp)
{
    cpu_split(&sp->user, &sp->sys);
    sp->wall = wall_seconds();
}

static void
span_end(span *sp, long n)
{
    double user, sys, wall = wall_seconds(), d = n ? 1e6 / n : 0.0;
    cpu_split(&user, &sys);
    sp->user = (user - sp->user) * d;
    sp->sys = (sys - sp->sys) * d;
    sp->wall = wall - sp->wall;
}

/* A finished transfer: check the status, parse the body, count the jobs. */
static int
check_body(CURL *h, buffer *b, int *jobs)
{
    long status = 0;
    cJSON *tree;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
        fprintf(stderr, "floor: HTTP %ld\n", status);
        return -1;
    }
    tree = cJSON_ParseWithLength(b->data, b->len);
    if (tree == NULL) {
        fprintf(stderr, "floor: invalid JSON\n");
        return -1;
    }
    *jobs = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(tree, "jobs"));
    cJSON_Delete(tree);
    return 0;
}

/* The request headers of every call, and one easy handle set up to make it. */
static struct curl_slist *
make_headers(const char *key, char *ua, size_t ua_size)
{
    char key_header[512];
    struct curl_slist *headers = NULL;
    snprintf(key_header, sizeof key_header, "X-Api-Key: %s", key);
    snprintf(ua, ua_size, "jobo-bench-floor/1 libcurl/%s", curl_version_info(CURLVERSION_NOW)->version);
    headers = curl_slist_append(headers, key_header);
    return curl_slist_append(headers, "Accept: application/json");
}

static void
setup_handle(CURL *h, const char *url, const char *ca, struct curl_slist *headers,
             const char *ua, buffer *body)
{
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CAINFO, ca);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_USERAGENT, ua);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
}

/* One call: GET, then check_body. */
static int
call(CURL *h, buffer *b, int *jobs)
{
    CURLcode rc;
    b->len = 0;
    rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        fprintf(stderr, "floor: %s\n", curl_easy_strerror(rc));
        return -1;
    }
    return check_body(h, b, jobs);
}

/* The multi-socket driver: libcurl names the sockets to watch (epoll) and the
 * timeout to keep; each readiness event or expiry is one
 * curl_multi_socket_action() call, as an event loop drives it, but in C. */
typedef struct {
    int ep;
    long timeout_ms; /* -1: none */
} driver;

static int
on_socket(CURL *e, curl_socket_t fd, int what, void *userp, void *socketp)
{
    driver *d = userp;
    struct epoll_event ev;
    (void)e;
    (void)socketp;
    memset(&ev, 0, sizeof ev);
    ev.data.fd = fd;
    if (what == CURL_POLL_REMOVE) {
        epoll_ctl(d->ep, EPOLL_CTL_DEL, fd, NULL);
        return 0;
    }
    ev.events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);
    if (epoll_ctl(d->ep, EPOLL_CTL_MOD, fd, &ev) != 0)
        epoll_ctl(d->ep, EPOLL_CTL_ADD, fd, &ev);
    return 0;
}

static int
on_timer(CURLM *m, long timeout_ms, void *userp)
{
    (void)m;
    ((driver *)userp)->timeout_ms = timeout_ms;
    return 0;
}

/* n calls with c in flight on one multi handle (each easy handle reused). */
static int
run_concurrent(CURLM *m, driver *d, buffer *bodies, CURL **hs, int c, long n, int *jobs)
{
    long started = 0, finished = 0;
    int i, running = 0, queued;
    CURLMsg *msg;
    struct epoll_event evs[64];
    for (i = 0; i < c && started < n; i++, started++)
        curl_multi_add_handle(m, hs[i]);
    while (finished < n) {
        int k, got = epoll_wait(d->ep, evs, 64, d->timeout_ms < 0 ? 1000 : (int)d->timeout_ms);
        if (got < 0)
            return -1;
        if (got == 0) {
            d->timeout_ms = -1;
            curl_multi_socket_action(m, CURL_SOCKET_TIMEOUT, 0, &running);
        }
        for (k = 0; k < got; k++) {
            int ev = (evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR) ? CURL_CSELECT_IN : 0) |
                     (evs[k].events & (EPOLLOUT | EPOLLERR) ? CURL_CSELECT_OUT : 0);
            curl_multi_socket_action(m, evs[k].data.fd, ev, &running);
        }
        while ((msg = curl_multi_info_read(m, &queued)) != NULL) {
            long j = 0;
            if (msg->msg != CURLMSG_DONE)
                continue;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
            curl_multi_remove_handle(m, msg->easy_handle);
            if (msg->data.result != CURLE_OK) {
                fprintf(stderr, "floor: %s\n", curl_easy_strerror(msg->data.result));
                return -1;
            }
            if (check_body(msg->easy_handle, &bodies[j], jobs) < 0)
                return -1;
            bodies[j].len = 0;
            finished++;
            if (started < n) {
                curl_multi_add_handle(m, msg->easy_handle);
                started++;
            }
        }
    }
    return 0;
}

static int
concurrent_main(int c, const char *url, const char *ca, const char *key, long n)
{
    CURLM *m;
    CURL **hs;
    buffer *bodies;
    struct curl_slist *headers;
    char ua[128];
    span sp;
    int i, jobs = 0;
    driver drv = {-1, -1};
    if (c < 1 || n < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 2;
    m = curl_multi_init();
    drv.ep = epoll_create1(0);
    if (drv.ep < 0)
        return 1;
    curl_multi_setopt(m, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(m, CURLMOPT_SOCKETDATA, &drv);
    curl_multi_setopt(m, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(m, CURLMOPT_TIMERDATA, &drv);
    hs = calloc((size_t)c, sizeof(*hs));
    bodies = calloc((size_t)c, sizeof(*bodies));
    if (m == NULL || hs == NULL || bodies == NULL)
        return 1;
    curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)c);
    curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)c);
    headers = make_headers(key, ua, sizeof ua);
    for (i = 0; i < c; i++) {
        CURL *h = hs[i] = curl_easy_init();
        if (h == NULL)
            return 1;
        setup_handle(h, url, ca, headers, ua, &bodies[i]);
        curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
        curl_easy_setopt(h, CURLOPT_PRIVATE, (char *)(long)i);
    }
    if (run_concurrent(m, &drv, bodies, hs, c, c, &jobs) < 0) /* warm-up: the connections */
        return 1;
    span_start(&sp);
    if (run_concurrent(m, &drv, bodies, hs, c, n, &jobs) < 0)
        return 1;
    span_end(&sp, n);
    printf("{\"calls\": %ld, \"concurrency\": %d, \"cpu_us\": %.3f, \"user_us\": %.3f, "
           "\"sys_us\": %.3f, \"wall_s\": %.4f, \"jobs\": %d, \"libcurl\": \"%s\", "
           "\"cjson\": \"%s\"}\n",
           n, c, sp.user + sp.sys, sp.user, sp.sys, sp.wall, jobs,
           curl_version_info(CURLVERSION_NOW)->version, cJSON_Version());
    for (i = 0; i < c; i++) {
        curl_easy_cleanup(hs[i]);
        free(bodies[i].data);
    }
    curl_multi_cleanup(m);
    close(drv.ep);
    curl_slist_free_all(headers);
    curl_global_cleanup();
    free(hs);
    free(bodies);
    return 0;
}

/* The cJSON share of a decode: parse and free FILE n times (after one warm-up). */
static int
parse_only(const char *path, long n)
{
    FILE *f = fopen(path, "rb");
    char *data;
    long size, i;
    double p = 0, d = 0, t0, t1, t2;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) <= 0) {
        fprintf(stderr, "floor: cannot read %s\n", path);
        return 1;
    }
    rewind(f);
    data = malloc((size_t)size);
    if (data == NULL || fread(data, 1, (size_t)size, f) != (size_t)size)
        return 1;
    fclose(f);
    cJSON_Delete(cJSON_ParseWithLength(data, (size_t)size));
    for (i = 0; i < n; i++) {
        cJSON *tree;
        t0 = wall_seconds();
        tree = cJSON_ParseWithLength(data, (size_t)size);
        t1 = wall_seconds();
        if (tree == NULL)
            return 1;
        cJSON_Delete(tree);
        t2 = wall_seconds();
        p += t1 - t0;
        d += t2 - t1;
    }
    printf("{\"bytes\": %ld, \"parse_ms\": %.3f, \"delete_ms\": %.3f, \"cjson\": \"%s\"}\n",
           size, p * 1e3 / n, d * 1e3 / n, cJSON_Version());
    free(data);
    return 0;
}

int
main(int argc, char **argv)
{
    CURL *h;
    struct curl_slist *headers;
    buffer body = {NULL, 0, 0};
    char ua[128];
    long n, warmup, i;
    int jobs = 0;
    span sp;

    if (argc == 4 && strcmp(argv[1], "--parse") == 0)
        return parse_only(argv[2], atol(argv[3]));
    if (argc == 7 && strcmp(argv[1], "--concurrent") == 0)
        return concurrent_main(atoi(argv[2]), argv[3], argv[4], argv[5], atol(argv[6]));
    if (argc < 5) {
        fprintf(stderr, "usage: floor URL CA_FILE API_KEY N [WARMUP]\n");
        return 2;
    }
    n = atol(argv[4]);
    warmup = argc > 5 ? atol(argv[5]) : 20;
    if (n < 0 || warmup < 0) {
        fprintf(stderr, "floor: N must be >= 0\n");
        return 2;
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    h = curl_easy_init();
    if (h == NULL)
        return 1;
    headers = make_headers(argv[3], ua, sizeof ua);
    setup_handle(h, argv[1], argv[2], headers, ua, &body);

    for (i = 0; i < warmup; i++)
        if (call(h, &body, &jobs) < 0)
            return 1;
    span_start(&sp);
    for (i = 0; i < n; i++)
        if (call(h, &body, &jobs) < 0)
            return 1;
    span_end(&sp, n);

    printf("{\"calls\": %ld, \"cpu_us\": %.3f, \"user_us\": %.3f, \"sys_us\": %.3f, "
           "\"wall_us\": %.3f, \"bytes\": %zu, \"jobs\": %d, "
           "\"libcurl\": \"%s\", \"cjson\": \"%s\"}\n",
           n, sp.user + sp.sys, sp.user, sp.sys, n ? sp.wall * 1e6 / n : 0.0, body.len, jobs,
           curl_version_info(CURLVERSION_NOW)->version, cJSON_Version());
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    free(body.data);
    return 0;
}
