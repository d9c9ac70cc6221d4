/* floor.c: the floor of benchmark (a) -- the least a client can do per search call.
 *
 * One libcurl easy handle, reused for every call (so one kept-alive TLS
 * connection), the same request headers as the SDKs (X-Api-Key, Accept,
 * User-Agent), the body collected into one reused buffer and parsed with
 * cJSON on every call (then freed). No Python anywhere.
 *
 *   floor URL CA_FILE API_KEY N [WARMUP]
 *   floor --parse FILE N        (cJSON alone: parse + delete a file N times)
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
#include <sys/resource.h>
#include <time.h>

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

/* One call: GET, check the status, parse the body, count the jobs. */
static int
call(CURL *h, buffer *b, int *jobs)
{
    long status = 0;
    CURLcode rc;
    cJSON *tree, *arr;
    b->len = 0;
    rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        fprintf(stderr, "floor: %s\n", curl_easy_strerror(rc));
        return -1;
    }
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
    arr = cJSON_GetObjectItemCaseSensitive(tree, "jobs");
    *jobs = cJSON_GetArraySize(arr);
    cJSON_Delete(tree);
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
    struct curl_slist *headers = NULL;
    buffer body = {NULL, 0, 0};
    char key_header[512], ua[128];
    long n, warmup, i;
    int jobs = 0;
    double u0, s0, u1, s1, w0, w1, d;

    if (argc == 4 && strcmp(argv[1], "--parse") == 0)
        return parse_only(argv[2], atol(argv[3]));
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
    snprintf(key_header, sizeof key_header, "X-Api-Key: %s", argv[3]);
    snprintf(ua, sizeof ua, "jobo-bench-floor/1 libcurl/%s", curl_version_info(CURLVERSION_NOW)->version);
    headers = curl_slist_append(headers, key_header);
    headers = curl_slist_append(headers, "Accept: application/json");
    curl_easy_setopt(h, CURLOPT_URL, argv[1]);
    curl_easy_setopt(h, CURLOPT_CAINFO, argv[2]);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_USERAGENT, ua);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);

    for (i = 0; i < warmup; i++)
        if (call(h, &body, &jobs) < 0)
            return 1;
    cpu_split(&u0, &s0);
    w0 = wall_seconds();
    for (i = 0; i < n; i++)
        if (call(h, &body, &jobs) < 0)
            return 1;
    w1 = wall_seconds();
    cpu_split(&u1, &s1);
    d = n ? 1e6 / n : 0.0;

    printf("{\"calls\": %ld, \"cpu_us\": %.3f, \"user_us\": %.3f, \"sys_us\": %.3f, "
           "\"wall_us\": %.3f, \"bytes\": %zu, \"jobs\": %d, "
           "\"libcurl\": \"%s\", \"cjson\": \"%s\"}\n",
           n, (u1 - u0 + s1 - s0) * d, (u1 - u0) * d, (s1 - s0) * d, (w1 - w0) * d, body.len, jobs,
           curl_version_info(CURLVERSION_NOW)->version, cJSON_Version());
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);
    curl_global_cleanup();
    free(body.data);
    return 0;
}
