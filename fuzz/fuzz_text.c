/* fuzz_text: the server-text passes of text.c and the pre-scan of decode.c.
 *
 * The first input byte picks a key length (1-64) and the key is taken from
 * the bytes after it (made printable ASCII, as keys are); the rest is the
 * text. Checks, in C (no oracle call, so it runs fast):
 *   jobo_mask_key:    the output holds the key in none of the forms it masks
 *                     (raw, \/-escaped, all-\u00XX, all-%XX), and is no
 *                     longer than the worst case;
 *   jobo_escape_text: the output is valid UTF-8 with no C0, DEL or C1 control
 *                     character, at most 4 bytes per input byte, and the cut
 *                     leaves at most max_chars characters before the ellipsis;
 *   jobo_prescan:     never reads past the text (ASan), reports a depth no
 *                     larger than the number of '[' and '{' bytes.
 */
#include "common.h"

static int
contains(const char *hay, size_t n, const char *needle, size_t m)
{
    return m > 0 && m <= n && memmem(hay, n, needle, m) != NULL;
}

static void
check_no_form(const char *out, size_t n, const char *key, size_t klen)
{
    char form[64 * 6 + 1];
    size_t i, o;
    if (contains(out, n, key, klen))
        jobo_fuzz_fail("mask: the raw key survived");
    for (i = 0, o = 0; i < klen; i++)
        o += (size_t)sprintf(form + o, "\\u%04x", (unsigned char)key[i]);
    if (contains(out, n, form, o))
        jobo_fuzz_fail("mask: the \\u00XX form survived");
    for (i = 0, o = 0; i < klen; i++)
        o += (size_t)sprintf(form + o, "%%%02X", (unsigned char)key[i]);
    if (contains(out, n, form, o))
        jobo_fuzz_fail("mask: the %XX form survived");
    for (i = 0, o = 0; i < klen; i++) {
        if (key[i] == '/')
            form[o++] = '\\';
        form[o++] = key[i];
    }
    if (contains(out, n, form, o))
        jobo_fuzz_fail("mask: the \\/ form survived");
}

static void
check_escaped(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c < 0x20 || c == 0x7f)
            jobo_fuzz_fail("escape: a C0 or DEL character survived");
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f)
            jobo_fuzz_fail("escape: a C1 character survived");
        if (c >= 0xc2 && c <= 0xdf)
            i += 2;
        else if (c >= 0xe0 && c <= 0xef)
            i += 3;
        else if (c >= 0xf0 && c <= 0xf4)
            i += 4;
        else
            jobo_fuzz_fail("escape: invalid UTF-8 survived");
        if (i > n)
            jobo_fuzz_fail("escape: a cut-off UTF-8 sequence");
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char key[65], *text, *out;
    size_t klen, i, n, outlen, brackets = 0;
    jobo_scan scan;

    if (size < 2)
        return 0;
    klen = (size_t)(data[0] % 64) + 1;
    if (klen > size - 1)
        klen = size - 1;
    for (i = 0; i < klen; i++)
        key[i] = (char)(0x21 + data[1 + i] % 94); /* printable ASCII, as keys are */
    key[klen] = '\0';
    n = size - 1 - klen;
    text = malloc(n ? n : 1); /* exactly n bytes: ASan sees any overread */
    if (text == NULL)
        return 0;
    if (n)
        memcpy(text, data + 1 + klen, n);

    /* the mask holds no ASCII, so it can never be part of a key in the output
     * (a real mask, jbe_ + the last 4 characters, is only used for keys of 16 or
     * more characters, which it cannot hold either) */
    out = jobo_mask_key(text, n, key, klen, "\xe2\x80\xa6", &outlen);
    if (out == NULL)
        jobo_fuzz_fail("mask: out of memory");
    check_no_form(out, outlen, key, klen);
    if (strlen(out) > outlen)
        jobo_fuzz_fail("mask: length mismatch");
    free(out);

    out = jobo_escape_text(text, n, 40, &outlen);
    if (out == NULL)
        jobo_fuzz_fail("escape: out of memory");
    if (outlen > 4 * n + 3)
        jobo_fuzz_fail("escape: longer than 4 bytes per input byte");
    check_escaped((const unsigned char *)out, outlen);
    free(out);

    memset(&scan, 0, sizeof(scan));
    jobo_prescan(text, n, &scan);
    for (i = 0; i < n; i++)
        brackets += (text[i] == '[' || text[i] == '{');
    if ((size_t)scan.depth > brackets)
        jobo_fuzz_fail("prescan: deeper than the brackets allow");
    free(text);
    return 0;
}
