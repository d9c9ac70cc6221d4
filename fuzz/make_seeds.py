"""Write the seed inputs of the fuzz harnesses: python3 fuzz/make_seeds.py OUT_DIR

OUT_DIR/<harness>/seed-<name> for fuzz_headers (raw header blocks), fuzz_response
(raw HTTP responses: status line, headers, blank line, body) and fuzz_decode
(JSON documents and near-JSON). Two sources:

- real responses of the local sandbox (jobo_enterprise_sandbox, 127.0.0.1 only):
  search, one job, a company, geocode, feed, expired ids, and the errors it
  gives (401 missing/revoked key, 403 plan, 402 credits, 404, 400, 429 rate
  limit, 405, the plain-HTTP 301), captured byte for byte with http.client;
- hand-made inputs for every error-body shape of API.md section 3, HTML and
  empty bodies, truncated JSON, deep nesting, numbers around and beyond 2**53,
  invalid UTF-8, lone surrogate escapes, and header lines of every kind that
  csrc/response.c parses (all three HTTP-date forms, bad and overflowing numbers,
  several status lines, folded and colon-less lines, long values).

`fuzz/run.sh --seeds` runs this into fuzz/build/seeds/, and `fuzz/run.sh --merge`
folds the seeds (kept whole) and what fuzzing found (minimised) into fuzz/corpus/.
"""

from __future__ import annotations

import http.client
import json
import os
import ssl
import sys
import urllib.parse
from typing import Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

MAX_SEED = 12 * 1024  # keep inputs small: libFuzzer mutates up to the largest one

Raw = Tuple[int, str, List[Tuple[str, str]], bytes]  # status, reason, headers, body


def raw_response(status: int, reason: str, headers, body: bytes, version="HTTP/1.1") -> bytes:
    head = f"{version} {status} {reason}\r\n".encode("latin-1")
    for k, v in headers:
        head += k.encode("latin-1") + b": " + (v if isinstance(v, bytes) else v.encode("latin-1")) + b"\r\n"
    return head + b"\r\n" + body


class Writer:
    def __init__(self, out: str):
        self.out = out
        self.count: Dict[str, int] = {}

    def put(self, harness: str, name: str, data: bytes) -> None:
        d = os.path.join(self.out, harness)
        os.makedirs(d, exist_ok=True)
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)[:80]
        with open(os.path.join(d, f"seed-{safe}"), "wb") as fh:
            fh.write(data)
        self.count[harness] = self.count.get(harness, 0) + 1

    def response(self, name: str, raw: bytes) -> None:
        """A whole response: to fuzz_response, its header block to fuzz_headers,
        its body to fuzz_decode and fuzz_view."""
        if len(raw) > MAX_SEED:
            head, _, body = raw.partition(b"\r\n\r\n")
            raw = head + b"\r\n\r\n" + body[: MAX_SEED - len(head)]
        self.put("fuzz_response", name, raw)
        head, sep, body = raw.partition(b"\r\n\r\n")
        self.put("fuzz_headers", name, head + sep)
        if body:
            self.put("fuzz_decode", name, body)
            self.put("fuzz_view", name, body)


# ---- real sandbox responses ---------------------------------------------------------

def fetch(conn_factory, method: str, path: str, key: Optional[str], body=None) -> bytes:
    conn = conn_factory()
    headers = {"Accept": "application/json", "User-Agent": "jobo-fuzz-seeds/1"}
    if key is not None:
        headers["X-Api-Key"] = key
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    conn.request(method, path, body=data, headers=headers)
    resp = conn.getresponse()
    payload = resp.read()
    raw = raw_response(resp.status, resp.reason, resp.getheaders(), payload)
    conn.close()
    return raw


def sandbox_seeds(w: Writer) -> None:
    from jobo_enterprise_sandbox import Sandbox

    with Sandbox(seed=7, jobs=300) as sb:
        u = urllib.parse.urlsplit(sb.base_url)
        ctx = ssl.create_default_context(cafile=sb.ca_cert)

        def https():
            return http.client.HTTPSConnection(u.hostname, u.port, context=ctx, timeout=10)

        full = sb.keys["full"]
        search = fetch(https, "GET", "/api/jobs?q=engineer&page_size=1", full)
        w.response("sandbox-search", search)
        doc = json.loads(search.partition(b"\r\n\r\n")[2])
        job = doc["jobs"][0]
        w.response("sandbox-search-remote", fetch(
            https, "GET", "/api/jobs?work_model=remote&page_size=1&page=2", full))
        w.response("sandbox-search-empty", fetch(
            https, "GET", "/api/jobs?q=zzzzqqqqxxxx&page_size=1", full))
        w.response("sandbox-job", fetch(https, "GET", f"/api/jobs/{job['id']}", full))
        w.response("sandbox-company", fetch(
            https, "GET", f"/api/companies/{job['company']['id']}", full))
        w.response("sandbox-geocode", fetch(
            https, "GET", "/api/locations/geocode?location=Berlin", full))
        w.response("sandbox-feed", fetch(https, "POST", "/api/jobs/feed", full, {"batch_size": 1}))
        w.response("sandbox-expired", fetch(https, "GET", "/api/jobs/expired?page_size=3", full))
        w.response("sandbox-advanced-search", fetch(
            https, "POST", "/api/jobs/search", full, {"queries": ["data"], "page_size": 1}))
        # errors
        w.response("sandbox-401-missing-key", fetch(https, "GET", "/api/jobs", None))
        w.response("sandbox-401-revoked", fetch(https, "GET", "/api/jobs", sb.keys["revoked"]))
        w.response("sandbox-401-query-key", fetch(https, "GET", f"/api/jobs?api_key={full}", None))
        w.response("sandbox-403-plan", fetch(
            https, "POST", "/api/jobs/feed", sb.keys["search_only"], {}))
        w.response("sandbox-402-credits", fetch(
            https, "GET", "/api/jobs?page_size=100", sb.keys["low_credits"]))
        w.response("sandbox-404-job", fetch(
            https, "GET", "/api/jobs/00000000-0000-0000-0000-000000000000", full))
        w.response("sandbox-404-route", fetch(https, "GET", "/api/nothing-here", full))
        w.response("sandbox-405", fetch(https, "DELETE", "/api/jobs", full))
        w.response("sandbox-400-page-size", fetch(https, "GET", "/api/jobs?page_size=1000", full))
        w.response("sandbox-400-feed-cursor", fetch(
            https, "POST", "/api/jobs/feed", full, {"cursor": "not-a-cursor"}))
        limited = sb.keys["limited"]
        for i in range(12):  # the limited plan allows 5 requests a window
            raw = fetch(https, "GET", "/api/jobs?page_size=1", limited)
            if raw.startswith(b"HTTP/1.1 429"):
                w.response("sandbox-429", raw)
                break
        if sb.http_url:
            h = urllib.parse.urlsplit(sb.http_url)
            w.response("sandbox-301-plain-http", fetch(
                lambda: http.client.HTTPConnection(h.hostname, h.port, timeout=10),
                "GET", "/api/jobs", full))


# ---- hand-made responses: API.md section 3 -------------------------------------------

DATE = ("Date", "Tue, 14 Nov 2023 22:13:20 GMT")  # 1700000000, the harness's "now"
RL = [("X-RateLimit-Limit", "60"), ("X-RateLimit-Remaining", "59"),
      ("X-RateLimit-Reset", "1700000060"), ("X-Request-Id", "req_0123456789abcdef")]
JSON_CT = ("Content-Type", "application/json")
PROBLEM_CT = ("Content-Type", "application/problem+json")


def j(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def error_seeds(w: Writer) -> None:
    r = w.response
    r("401-documented", raw_response(401, "Unauthorized", [JSON_CT, DATE] + RL, j(
        {"status": 401, "error": "Unauthorized", "message": "Missing or invalid API key"})))
    r("403-documented", raw_response(403, "Forbidden", [JSON_CT, DATE] + RL, j(
        {"status": 403, "error": "Forbidden",
         "message": "Your plan does not include access to this endpoint"})))
    r("429-documented", raw_response(429, "Too Many Requests", [JSON_CT, DATE] + RL[:2] + [
        ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "1677721600")], j(
        {"status": 429, "error": "Too Many Requests",
         "message": "Rate limit exceeded. Retry after 1677721600", "retryAfter": 1677721600})))
    r("429-retry-after-seconds", raw_response(429, "Too Many Requests", [
        JSON_CT, DATE, ("Retry-After", "120")] + RL, j(
        {"error": "rate_limited", "detail": "slow down", "retry_after_seconds": 30})))
    r("429-retry-after-date", raw_response(429, "Too Many Requests", [
        JSON_CT, DATE, ("Retry-After", "Tue, 14 Nov 2023 22:15:20 GMT")], j(
        {"status": 429, "message": "Rate limit exceeded"})))
    r("429-retry-after-date-no-Date", raw_response(429, "Too Many Requests", [
        JSON_CT, ("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")], b"{}"))
    r("429-retryAfter-string", raw_response(429, "Too Many Requests", [JSON_CT], j(
        {"message": "later", "retryAfter": "1677721600"})))
    r("429-retryAfter-seconds-small", raw_response(429, "Too Many Requests", [JSON_CT], j(
        {"message": "later", "retryAfter": 2.5})))
    r("429-retryAfter-huge", raw_response(429, "Too Many Requests", [JSON_CT],
                                          b'{"message":"later","retryAfter":1e400}'))
    r("429-retryAfter-nan-string", raw_response(429, "Too Many Requests", [JSON_CT], j(
        {"message": "later", "retryAfter": "nan"})))
    r("429-retryAfter-negative", raw_response(429, "Too Many Requests", [JSON_CT], j(
        {"message": "later", "retry_after_seconds": -5})))
    r("429-reset-only", raw_response(429, "Too Many Requests", [
        ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "1700000100")], b""))
    r("400-problem-details", raw_response(400, "Bad Request", [PROBLEM_CT, DATE] + RL, j(
        {"type": "about:blank", "title": "Bad Request", "status": 400,
         "detail": "Parameter 'page_size' must be between 1 and 100.",
         "code": "invalid_parameter", "api_version": "2024-06-01"})))
    r("409-cursor-restart", raw_response(409, "Conflict", [PROBLEM_CT] + RL, j(
        {"title": "Conflict", "status": 409, "detail": "The feed cursor can no longer be continued",
         "code": "feed_cursor_restart_required"})))
    r("402-credits", raw_response(402, "Payment Required", [
        JSON_CT, ("X-Credits-Required", "100"), ("X-Credits-Balance", "30")] + RL, j(
        {"status": 402, "error": "Payment Required",
         "message": "Insufficient credits: this request needs 100 credits, balance is 30"})))
    r("404-simple", raw_response(404, "Not Found", [JSON_CT], j(
        {"error": "not_found", "detail": "No job with id 42"})))
    r("400-same-error-and-message", raw_response(400, "Bad Request", [JSON_CT], j(
        {"error": "bad", "message": "bad"})))
    r("500-error-only", raw_response(500, "Internal Server Error", [JSON_CT], j(
        {"error": "internal"})))
    r("500-title-only", raw_response(500, "Internal Server Error", [PROBLEM_CT], j(
        {"title": "Oops"})))
    r("502-html", raw_response(502, "Bad Gateway", [("Content-Type", "text/html")],
        b"<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
        b"</h1></center><hr><center>nginx</center></body></html>\r\n"))
    r("503-retry-after", raw_response(503, "Service Unavailable", [
        ("Retry-After", "5"), ("Content-Type", "text/plain")], b"overloaded"))
    r("504-empty", raw_response(504, "Gateway Timeout", [("Content-Length", "0")], b""))
    r("500-truncated-json", raw_response(500, "Internal Server Error", [JSON_CT],
                                         b'{"status":500,"error":"Internal Ser'))
    r("400-json-array", raw_response(400, "Bad Request", [JSON_CT], b'["a","b"]'))
    r("400-json-string", raw_response(400, "Bad Request", [JSON_CT], b'"just a string"'))
    r("400-message-not-string", raw_response(400, "Bad Request", [JSON_CT], j(
        {"message": 12, "error": None, "detail": ["x"], "code": {}})))
    r("400-message-empty", raw_response(400, "Bad Request", [JSON_CT], j(
        {"message": "", "error": "", "detail": "d"})))
    r("400-message-long", raw_response(400, "Bad Request", [JSON_CT], j(
        {"message": "m" * 3000, "error": "e" * 1500})))
    r("400-message-invalid-utf8", raw_response(400, "Bad Request", [JSON_CT],
                                               b'{"message":"bad \xff\xfe byte \xc3("}'))
    r("400-message-nul-escape", raw_response(400, "Bad Request", [JSON_CT],
                                             b'{"message":"a\\u0000b"}'))
    r("400-body-not-json", raw_response(400, "Bad Request", [("Content-Type", "text/plain")],
                                        b"Bad Request\n" * 300))
    r("400-body-binary", raw_response(400, "Bad Request", [], bytes(range(256))))
    r("418-unknown-status", raw_response(418, "I'm a teapot", [JSON_CT], j({"message": "short"})))
    r("199-informational", raw_response(199, "Odd", [], b""))
    r("301-absolute", raw_response(301, "Moved Permanently", [
        ("Location", "https://connect.jobo.world/api/jobs?page=2")], b""))
    r("302-relative", raw_response(302, "Found", [("Location", "/api/jobs")], b""))
    r("307-no-location", raw_response(307, "Temporary Redirect", [], b""))
    r("308-location-garbage", raw_response(308, "Permanent Redirect", [
        ("Location", "ht!tp://[::1:bad")], b""))
    r("301-location-ipv6", raw_response(301, "Moved", [("Location", "https://[::1]:8443/x")], b""))
    r("301-location-long", raw_response(301, "Moved", [
        ("Location", "https://" + "a" * 600 + ".example/")], b""))
    # 2xx: usable, empty, not JSON
    r("200-ok", raw_response(200, "OK", [JSON_CT, DATE, ("X-Credits-Used", "2"),
                                         ("X-Credits-Remaining", "999998")] + RL,
                             j({"jobs": [], "total": 0, "page": 1, "page_size": 25,
                                "total_pages": 0})))
    r("200-empty", raw_response(200, "OK", [JSON_CT], b""))
    r("200-html", raw_response(200, "OK", [("Content-Type", "text/html")],
                               b"<!DOCTYPE html><html><body>captive portal</body></html>"))
    r("200-truncated", raw_response(200, "OK", [JSON_CT], b'{"jobs":[{"id":"7f3a","title":"Data'))
    r("204-no-content", raw_response(204, "No Content", [], b""))
    # several status lines: only the last block counts
    w.put("fuzz_response", "100-continue-then-200",
          b"HTTP/1.1 100 Continue\r\n\r\n" + raw_response(200, "OK", [JSON_CT], b"[1]"))
    w.put("fuzz_response", "connect-200-then-429",
          b"HTTP/1.1 200 Connection established\r\nX-Request-Id: proxy\r\n\r\n" +
          raw_response(429, "Too Many Requests", [("Retry-After", "1")], b""))
    w.put("fuzz_response", "http2-status", b"HTTP/2 404\r\ncontent-type: application/json\r\n\r\n"
          b'{"error":"nope"}')
    w.put("fuzz_response", "no-status-line", b"X-Request-Id: x\r\n\r\n{}")
    w.put("fuzz_response", "lf-only", b"HTTP/1.1 500 X\nContent-Type: text/html\n\n<p>x</p>")


# ---- hand-made header blocks -------------------------------------------------------

def header_seeds(w: Writer) -> None:
    put = lambda name, lines: w.put("fuzz_headers", name, "".join(
        ln + "\r\n" for ln in lines).encode("latin-1") + b"\r\n")
    put("every-header", ["HTTP/1.1 200 OK", "Date: Tue, 14 Nov 2023 22:13:20 GMT",
                         "Content-Type: application/json; charset=utf-8",
                         "X-Credits-Used: 25", "X-Credits-Remaining: 99975",
                         "X-Credits-Required: 0", "X-RateLimit-Limit: 60",
                         "X-RateLimit-Remaining: 0", "X-RateLimit-Reset: 1700000060",
                         "Retry-After: 60", "X-Request-Id: 5f0c6f6e-1b1e-4c7a-9a43-0d7d9c3a1b22"])
    put("newer-credit-names", ["HTTP/2 200", "x-credits-deducted: 3", "x-credits-balance: 7"])
    put("numbers-bad", ["HTTP/1.1 200 OK", "X-Credits-Used: -1", "X-Credits-Remaining: 1.5",
                        "X-RateLimit-Limit: 9223372036854775807",
                        "X-RateLimit-Remaining: 9223372036854775808",
                        "X-RateLimit-Reset: -9223372036854775808", "X-Credits-Required: 0x10",
                        "X-Credits-Used:", "X-Credits-Balance: 12 34", "X-Credits-Deducted: -"])
    put("whitespace", ["HTTP/1.1 200 OK", "X-Credits-Used:\t \t42 \t", "  X-Request-Id  :  spaced  ",
                       "x-ratelimit-limit:60\t", "X-RATELIMIT-RESET:  1700000000"])
    put("repeated-last-wins", ["HTTP/1.1 200 OK", "X-Credits-Used: 1", "X-Credits-Used: 2",
                               "X-Credits-Used: bad", "X-Request-Id: first", "X-Request-Id: \x01bad"])
    put("retry-after-imf", ["HTTP/1.1 429 Too Many Requests", "Date: Tue, 14 Nov 2023 22:13:20 GMT",
                            "Retry-After: Tue, 14 Nov 2023 22:14:20 GMT"])
    put("retry-after-rfc850", ["HTTP/1.1 503 Service Unavailable",
                               "Retry-After: Tuesday, 14-Nov-23 22:14:20 GMT"])
    put("retry-after-asctime", ["HTTP/1.1 503 Service Unavailable", "Retry-After: Tue Nov 14 22:14:20 2023"])
    put("retry-after-past", ["HTTP/1.1 429 Too Many Requests", "Date: Tue, 14 Nov 2023 22:13:20 GMT",
                             "Retry-After: Thu, 01 Jan 1970 00:00:00 GMT"])
    put("retry-after-far", ["HTTP/1.1 429 Too Many Requests", "Retry-After: Fri, 31 Dec 9999 23:59:59 GMT"])
    put("retry-after-old", ["HTTP/1.1 429 Too Many Requests", "Retry-After: Mon, 01 Jan 1583 00:00:00 GMT",
                            "Date: Sat, 01 Jan 10000 00:00:00 GMT"])
    put("retry-after-bad", ["HTTP/1.1 429 Too Many Requests", "Retry-After: -5", "Retry-After: soon",
                            "Retry-After: 99999999999999999999", "Retry-After: 1.5"])
    put("retry-after-numeric-zone", ["HTTP/1.1 429 X", "Date: Tue, 14 Nov 2023 23:13:20 +0100",
                                     "Retry-After: 14 Nov 2023 22:13:20 -1200"])
    put("date-bad", ["HTTP/1.1 200 OK", "Date: yesterday", "Date: ", "Date: " + "9" * 200])
    put("request-id-long", ["HTTP/1.1 200 OK", "X-Request-Id: " + "r" * 300])
    put("request-id-nonascii", ["HTTP/1.1 200 OK", "X-Request-Id: caf\xe9"])
    put("content-type-long", ["HTTP/1.1 200 OK", "Content-Type: text/html; " + "p=v; " * 40])
    put("two-status-lines", ["HTTP/1.1 100 Continue", "X-Credits-Used: 9", "", "HTTP/1.1 200 OK",
                             "X-Credits-Remaining: 5"])
    put("status-line-odd", ["HTTP/1.1 2", "HTTP/", "HTTP/1.1", "HTTP/1.1 20x OK", "HTTP/1.1  200"])
    put("no-colon-and-short", ["HTTP/1.1 200 OK", "no colon here", "a:b", ":", "X", "Date"])
    put("folded", ["HTTP/1.1 200 OK", "X-Request-Id: abc", " continued", "\tX-Credits-Used: 4"])
    put("empty-name", ["HTTP/1.1 200 OK", ": value", "   : value2", "X-: 1"])
    put("long-name", ["HTTP/1.1 200 OK", "X" * 300 + ": long name"])
    w.put("fuzz_headers", "nul-bytes", b"HTTP/1.1 200 OK\r\nX-Request-Id: a\x00b\r\n"
          b"X-Credits-Used: 1\x002\r\nX-Cred\x00its-Used: 3\r\n\r\n")
    w.put("fuzz_headers", "lf-only", b"HTTP/1.1 200 OK\nX-Credits-Used: 7\nDate: Tue, 14 Nov 2023 "
          b"22:13:20 GMT\n\n")
    w.put("fuzz_headers", "no-newline", b"HTTP/1.1 200 OK\r\nX-Credits-Used: 7")
    w.put("fuzz_headers", "cr-inside", b"HTTP/1.1 200 OK\r\nX-Request-Id: a\rb\r\n\r\n")
    w.put("fuzz_headers", "invalid-utf8", b"HTTP/1.1 200 OK\r\nX-Caf\xc3: \xff\xfe\r\n\r\n")
    w.put("fuzz_headers", "many-lines", b"HTTP/1.1 200 OK\r\n" +
          b"".join(b"X-H%d: %d\r\n" % (i, i) for i in range(400)) + b"\r\n")


# ---- hand-made JSON -------------------------------------------------------------------

def json_seeds(w: Writer) -> None:
    put = lambda name, data: w.put("fuzz_decode", name, data)
    put("scalars", b'[null,true,false,0,-0,1,-1,0.5,-2.5e-3,1E2,"",""]')
    put("int-2-53", b"[9007199254740991,9007199254740992,9007199254740993,-9007199254740993]")
    put("int-big", b"[18446744073709551616,9223372036854775807,-9223372036854775808,"
        b"123456789012345678901234567890]")
    put("float-edges", b"[1e308,1.7976931348623157e308,1e309,-1e400,5e-324,1e-400,0.1,-0.0]")
    put("number-63-chars", b"[" + b"1" * 63 + b"]")
    put("number-64-chars", b"[" + b"1" * 64 + b"]")
    put("number-long-fraction", b"0." + b"3" * 80)
    put("number-lenient", b"[01,1.,-.5,+1]")
    put("strings", '["plain","caf\u00e9","\u20ac","\U0001F600","tab\\tnew\\nline",'
        '"\\"q\\" \\\\ \\/ \\b\\f\\r","\\u0041\\u00e9\\u20ac\\ud83d\\ude00"]'.encode())
    put("string-nul-escape", b'{"k\\u0000x":"a\\u0000b"}')
    put("lone-high-surrogate", b'["\\ud800"]')
    put("lone-low-surrogate", b'["\\udc00x"]')
    put("reversed-surrogates", b'["\\udc00\\ud800"]')
    put("invalid-utf8", b'{"\xff":"\xc3(","ok":"\xe2\x82","x":"\xed\xa0\x80","y":"\xc0\xaf"}')
    put("bom", b'\xef\xbb\xbf{"a":1}')
    put("control-chars", b'\x01[\x02"a\x03"\x04]')
    put("whitespace-trailing", b'{"a":[1,2]} \r\n\t')
    put("trailing-garbage", b'{"a":1}x')
    put("two-values", b"[1] [2]")
    put("empty-object-array", b'{"a":{},"b":[],"c":[{}],"d":[[]]}')
    put("duplicate-keys", b'{"a":1,"a":2,"b":{"c":1,"c":[3]}}')
    put("keys-32-33", ('{"' + "k" * 32 + '":1,"' + "k" * 33 + '":2,"' + "\u00e9" * 10 + '":3}').encode())
    put("many-keys", j({f"field_{i}": i for i in range(600)}))
    put("repeated-keys-list", j([{"id": i, "title": "t", "company": {"id": i, "name": "c"}}
                                 for i in range(40)]))
    put("deep-array-999", b"[" * 999 + b"]" * 999)
    put("deep-array-1001", b"[" * 1001 + b"]" * 1001)
    put("deep-object-500", b'{"a":' * 500 + b"1" + b"}" * 500)
    put("deep-unclosed", b"[" * 3000)
    put("truncated-object", b'{"jobs":[{"id":"1","title":"Eng')
    put("truncated-escape", b'["\\u12')
    put("nan-infinity", b"[NaN,Infinity,-Infinity]")
    put("html", b"<html><body>Not JSON</body></html>")
    put("empty", b"")
    put("just-space", b"   ")
    put("bare-scalar", b"42")
    put("bare-string", b'"s"')


# ---- model-shaped JSON for the views ---------------------------------------------------

def view_seeds(w: Writer) -> None:
    """Documents shaped like the models, with the odd values the C conversions must
    hand to Python (or refuse) exactly as the dict-backed models read them."""
    put = lambda name, doc: w.put("fuzz_view", name, doc if isinstance(doc, bytes) else j(doc))
    uid = "c20e1258-8c82-40c1-849c-a106b6d7e491"
    job = {"id": uid, "title": "Data Engineer", "company": {"id": uid, "name": "Acme",
           "industries": ["Software"]}, "locations": [{"city": "Berlin", "latitude": 52.5,
           "longitude": 13.4}], "compensation": {"min": 70000, "max": 95000.5,
           "currency": "EUR"}, "created_at": "2024-05-01T12:34:56Z",
           "qualifications": {"must_have": {"skills": [{"name": "SQL", "type": "hard"}]}},
           "benefits": ["x"], "is_remote": True}
    put("job", job)
    put("feed-page", {"jobs": [job, dict(job, id=uid.upper())], "next_cursor": "c",
                      "has_more": True, "estimated_total": 2})
    put("search-result", {"jobs": [job], "total": 1, "page": 1, "page_size": 25,
                          "total_pages": 1, "facets": {"sources": [{"key": "a", "count": 1}]}})
    for i, ids in enumerate(([uid.upper()], ["{" + uid + "}"], [uid.replace("-", "")],
                             ["urn:uuid:" + uid], [uid[:-1] + "g"], [uid[:8] + "-" * 5],
                             [12345], [None], ["ok", 1])):
        put(f"odd-ids-{i}", {"id": ids[0], "job_ids": ids, "jobs": [{"id": x} for x in ids]})
    for i, when in enumerate(("2024-05-01T12:34:56Z", "2024-05-01T12:34:56.5Z",
                              "2024-05-01T12:34:56.1234567Z", "2024-05-01T12:34:56+02:00",
                              "2024-05-01 12:34:56Z", "2024-05-01", "2024-02-30T00:00:00Z",
                              "2024-05-01T24:00:00Z", "2024-05-01T12:34:60Z",
                              "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z",
                              "2024-05-01T12:34:56.Z", "2024-05-01T12:34:56+00:00x",
                              1714566896, -1e300, "")):
        put(f"odd-dates-{i}", {"created_at": when, "updated_at": when,
                               "jobs": [{"date_posted": when, "valid_through": when}]})
    put("wrong-shapes", {"company": "Acme", "locations": {"city": "B"}, "benefits": "x",
                         "jobs": {"a": 1}, "facets": [1], "qualifications": [],
                         "compensation": {"min": "70000", "max": True, "currency": 3}})
    put("mixed-lists", {"jobs": [job, "x", None, 3, [job]], "locations": [{"city": "B"}, "P"],
                        "responsibilities": ["a", None, 3, {"x": 1}], "job_ids": [uid, 3]})
    put("nulls", {"id": None, "title": None, "company": None, "locations": None, "jobs": None,
                  "qualifications": None, "facets": None, "job_ids": None})
    put("numbers", {"total": 9007199254740993, "page": 1.0, "page_size": 2.5, "total_pages": -0.0,
                    "estimated_total": "12", "jobs": [{"compensation": {"min": 1e308}}]})
    put("extras-like-methods", {"title": "t", "to_dict": 1, "detach": "x", "_fields": 3,
                                "usage": 5, "jobs": [{"model_dump": [], "_repr_fields": 1}]})
    put("duplicate-keys", b'{"title":"a","title":"b","jobs":[{"id":"x","id":"' +
        uid.encode() + b'"}]}')
    put("invalid-utf8", b'{"title":"\xff\xfe","jobs":[{"title":"caf\xc3","summary":"\xed\xa0\x80"}]}'
        .decode("unicode_escape").encode("latin-1"))


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    w = Writer(sys.argv[1])
    error_seeds(w)
    header_seeds(w)
    json_seeds(w)
    view_seeds(w)
    try:
        sandbox_seeds(w)
    except ModuleNotFoundError as exc:  # the sandbox needs 'cryptography'
        print(f"make_seeds: no sandbox seeds ({exc})", file=sys.stderr)
    # truncations of the real search body, at a few points
    body_path = os.path.join(w.out, "fuzz_decode", "seed-sandbox-search")
    if os.path.exists(body_path):
        with open(body_path, "rb") as fh:
            body = fh.read()
        for frac in (0.1, 0.5, 0.97):
            w.put("fuzz_decode", f"sandbox-search-cut-{int(frac * 100)}", body[: int(len(body) * frac)])
    for h, n in sorted(w.count.items()):
        print(f"make_seeds: {n} seeds for {h} in {os.path.join(w.out, h)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
