/* fuzz_headers: response header handling of the C core (response.c).
 *
 * The input is a raw header block (status lines and header lines, any bytes).
 * It is split after each '\n' and fed line by line, each line in a malloc'd
 * buffer of exactly its size (so ASan catches any over-read), to
 *   - jobo_header_cb, the libcurl header callback (status lines, the header size
 *     cap, the kept header copy, the blank line), stopping where it aborts as
 *     libcurl would; and
 *   - jobo_parse_header_line directly, for every line (no status handling).
 * Then the Python side runs on both records: jobo_usage_object (models.Usage,
 * whose retry_after Python derives from the raw Retry-After and Date) and
 * jobo_headers_dict. Checked: the C invariants below, and fuzz/_oracle.py's
 * reference parse of the integer headers and X-Request-Id.
 */
#include "common.h"

#include <math.h>

static void
check_usage(const jobo_usage *u)
{
    size_t i, n;
    if (u->retry_after_kind == 1 && u->retry_after_secs < 0)
        jobo_fuzz_fail("Retry-After seconds parsed to a negative value");
    if (u->retry_after_kind > 2)
        jobo_fuzz_fail("Retry-After kind out of range");
    n = strnlen(u->request_id, sizeof(u->request_id));
    if (n == sizeof(u->request_id))
        jobo_fuzz_fail("request_id is not NUL-terminated");
    for (i = 0; i < n; i++)
        if ((unsigned char)u->request_id[i] < 0x20 || (unsigned char)u->request_id[i] > 0x7e)
            jobo_fuzz_fail("request_id holds a non-printable byte");
    if (strnlen(u->content_type, sizeof(u->content_type)) == sizeof(u->content_type))
        jobo_fuzz_fail("content_type is not NUL-terminated");
    if ((u->has_credits_used && u->credits_used < 0) ||
        (u->has_credits_remaining && u->credits_remaining < 0) ||
        (u->has_credits_required && u->credits_required < 0) ||
        (u->has_rl_limit && u->rl_limit < 0) || (u->has_rl_remaining && u->rl_remaining < 0) ||
        (u->has_rl_reset && u->rl_reset < 0))
        jobo_fuzz_fail("a counter header parsed to a negative value");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    jobo_response r;
    jobo_usage direct;
    PyObject *usage = NULL, *headers = NULL, *usage_direct = NULL;
    size_t pos = 0;
    int aborted = 0;

    jobo_response_init(&r, 1 << 20);
    memset(&direct, 0, sizeof(direct));
    while (pos < size) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t len = nl ? (size_t)(nl - (data + pos)) + 1 : size - pos;
        char *line = malloc(len);
        if (line == NULL)
            return 0;
        memcpy(line, data + pos, len);
        if (!aborted && jobo_header_cb(line, 1, len, &r) != len)
            aborted = 1; /* libcurl stops the transfer here */
        jobo_parse_header_line(&direct, line, len);
        free(line);
        pos += len;
    }
    if (aborted && !r.header_too_large)
        jobo_fuzz_fail("jobo_header_cb aborted without header_too_large");
    if (!aborted && r.header_bytes > JOBO_MAX_HEADER_BYTES)
        jobo_fuzz_fail("header cap not enforced");
    if (r.hlen > JOBO_KEPT_HEADER_BYTES || r.hlen > r.hcap ||
        (r.hlen > 0 && r.hdr == NULL))
        jobo_fuzz_fail("kept header buffer out of bounds");
    if (r.status < 0 || r.status > 999)
        jobo_fuzz_fail("status out of range");

    check_usage(&r.usage);
    check_usage(&direct);

    usage = jobo_usage_object(jobo_fuzz_st, &r.usage);
    if (usage == NULL)
        jobo_fuzz_fail("jobo_usage_object failed");
    usage_direct = jobo_usage_object(jobo_fuzz_st, &direct);
    if (usage_direct == NULL)
        jobo_fuzz_fail("jobo_usage_object failed (direct)");
    headers = jobo_headers_dict(&r);
    if (headers == NULL)
        jobo_fuzz_fail("jobo_headers_dict failed");
    if (!aborted)
        jobo_fuzz_check("check_headers",
                        Py_BuildValue("(NOOO)", jobo_fuzz_bytes(data, size), usage, usage_direct,
                                      headers));
    Py_DECREF(usage);
    Py_DECREF(usage_direct);
    Py_DECREF(headers);
    jobo_response_free(&r);
    return 0;
}
