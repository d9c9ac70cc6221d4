/* text.c: server-supplied text made safe to show.
 *
 * Two pure byte-level passes, no Python calls (the fuzz harness fuzz_text
 * drives them directly):
 *
 *   jobo_mask_key     every occurrence of the client's own API key in a buffer
 *                     is replaced by its masked form, in each form a server or
 *                     proxy could echo it: raw, JSON-escaped (\/, \", \\,
 *                     \u00XX) and percent-encoded (%2F), also mixed.
 *   jobo_escape_text  control characters (C0, DEL, C1, line and paragraph
 *                     separators, bidirectional overrides) become visible
 *                     escapes (\r, \n, \x1b, \u202e), invalid UTF-8 bytes
 *                     become \xNN, and the text is cut to a length.
 */
#include "jobo.h"

#include <string.h>

int
jobo_hex_digit(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* the byte that n hex digits at s encode, or -1 (values above 0xff too) */
static int
hexbyte(const char *s, int n)
{
    int v = 0, i, d;
    for (i = 0; i < n; i++) {
        if ((d = jobo_hex_digit((unsigned char)s[i])) < 0)
            return -1;
        v = v * 16 + d;
    }
    return v <= 0xff ? v : -1;
}

/* Bytes taken by an encoded copy of the key starting at s, or 0. */
static size_t
match_at(const char *s, size_t n, const char *key, size_t klen)
{
    size_t i = 0, k;
    for (k = 0; k < klen; k++) {
        int c = (unsigned char)key[k];
        if (i < n && s[i] == '\\' && i + 1 < n) {
            char e = s[i + 1];
            if ((c == '/' || c == '"' || c == '\\') && e == c) {
                i += 2;
                continue;
            }
            if (e == 'u' && i + 5 < n && hexbyte(s + i + 2, 4) == c) {
                i += 6;
                continue;
            }
        }
        if (i + 2 < n && s[i] == '%' && hexbyte(s + i + 1, 2) == c) {
            i += 3;
            continue;
        }
        if (i < n && (unsigned char)s[i] == c) {
            i++;
            continue;
        }
        return 0;
    }
    return i;
}

char *
jobo_mask_key(const char *s, size_t n, const char *key, size_t klen, const char *mask,
              size_t *outlen)
{
    size_t mlen = strlen(mask), i = 0, o = 0, cap, m;
    unsigned char first;
    char *out;

    /* the masked form is never longer than an encoded key (>= klen bytes)
     * unless the key is shorter than the mask: size for the worst case */
    cap = n + 1;
    if (klen > 0 && mlen > klen)
        cap = n + (n / klen + 1) * (mlen - klen) + 1;
    out = malloc(cap);
    if (out == NULL)
        return NULL;
    if (klen == 0) {
        memcpy(out, s, n);
        out[n] = '\0';
        *outlen = n;
        return out;
    }
    first = (unsigned char)key[0];
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        m = 0;
        /* the raw key first (a run of backslashes or percent signs could
         * otherwise be read as escapes and miss it), then any encoded form */
        if (c == first && n - i >= klen && memcmp(s + i, key, klen) == 0)
            m = klen;
        else if (c == first || c == '\\' || c == '%')
            m = match_at(s + i, n - i, key, klen);
        if (m) {
            memcpy(out + o, mask, mlen);
            o += mlen;
            i += m;
        } else {
            out[o++] = (char)c;
            i++;
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

/* Length of a well-formed UTF-8 sequence at s (1-4), its code point in *cp;
 * 0 when malformed (overlong, surrogate, above U+10FFFF, cut off). */
static int
utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0], v;
    int len, i;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        v = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        v = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if ((size_t)len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if ((len == 3 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))) ||
        (len == 4 && (v < 0x10000 || v > 0x10ffff)))
        return 0;
    *cp = v;
    return len;
}

static int
needs_escape(unsigned cp)
{
    return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 ||
           cp == 0x2029 || (cp >= 0x200e && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

char *
jobo_escape_text(const char *text, size_t n, size_t max_chars, size_t *outlen)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, o = 0, chars = 0;
    /* at most 6 output bytes per input byte (\u202e for 3 bytes, \xNN for 1),
     * plus the ellipsis */
    char *out = malloc(n * 4 + 8);
    if (out == NULL)
        return NULL;
    while (i < n) {
        unsigned cp = 0;
        int len = utf8_seq(s + i, n - i, &cp);
        if (chars >= max_chars) {
            memcpy(out + o, "\xe2\x80\xa6", 3); /* … */
            o += 3;
            break;
        }
        chars++;
        if (len == 0) {
            o += (size_t)sprintf(out + o, "\\x%02x", s[i]);
            i++;
        } else if (needs_escape(cp)) {
            if (cp == '\n')
                o += (size_t)sprintf(out + o, "\\n");
            else if (cp == '\r')
                o += (size_t)sprintf(out + o, "\\r");
            else if (cp == '\t')
                o += (size_t)sprintf(out + o, "\\t");
            else if (cp < 0x100)
                o += (size_t)sprintf(out + o, "\\x%02x", cp);
            else
                o += (size_t)sprintf(out + o, "\\u%04x", cp);
            i += (size_t)len;
        } else {
            memcpy(out + o, s + i, (size_t)len);
            o += (size_t)len;
            i += (size_t)len;
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}
