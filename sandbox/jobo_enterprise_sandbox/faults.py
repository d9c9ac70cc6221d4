"""Fault routes: every endpoint is also served under ``/__fault/<spec>/``.

A base URL of ``https://127.0.0.1:PORT/__fault/<spec>`` makes a whole client misbehave
(``/v1/__fault/<spec>`` when the sandbox has a ``path_prefix``). ``<spec>`` is a
comma-separated list of items; values are percent-decoded after splitting, so a URL
goes in encoded (``redirect=https%3A%2F%2Fexample.com%2F``):

==================== =======================================================================
item                 effect
==================== =======================================================================
``status=<code>``    answer with this status and the documented error body (401, 403, 429
                     and 409 exactly as API.md §3; 429 with ``retryAfter`` = now +
                     ``retry_after`` (default 1 s), ``Retry-After`` and
                     ``X-RateLimit-Remaining: 0``; 402 with the credit headers); a code
                     below 300 serves the request normally with that status
``html``             the error body is an HTML page (``text/html``); alone it means
                     ``status=502``
``retry_after=<s>``  add ``Retry-After: <s>`` (delta-seconds)
``retry_after_date=<s>`` add ``Retry-After`` as an HTTP-date ``<s>`` seconds ahead
``times=<n>``        apply the fault only to the first n requests of this spec, then
                     serve normally (``times=0``: never)
``after=<n>``        serve the first n requests of this spec normally, then apply the
                     fault (with ``times``, to that many requests after those n): a
                     failure in the middle of a scan
``delay=<ms>``       wait before sending the headers (at most 120,000 ms; the wait ends
                     at once when the sandbox stops)
``drip=<ms>``        send the body one byte every ``ms`` (at most 1,000); a body larger
                     than 64 KiB is first replaced by a small valid JSON body of the same
                     shape with ``"truncated_for_drip": true``
``truncate``         announce the full ``Content-Length``, send half of the body and
                     close the connection
``reset``            send the headers, then reset the connection (TCP RST); over h2,
                     reset the stream (``RST_STREAM``)
``refuse``           reset before any response byte: TCP RST over HTTP/1.1,
                     ``RST_STREAM(REFUSED_STREAM)`` over h2 (retryable: the request was
                     not answered)
``stall``            send the headers and half of the body, then nothing more until the
                     sandbox stops (at most 120 s); over h2 only that stream stalls, the
                     connection and its other streams go on
``goaway=<n>``       after the n-th request on a connection, close it: ``Connection:
                     close`` over HTTP/1.1, ``GOAWAY`` over h2 (open streams finish)
``malformed``        200 with invalid JSON (a cut-off SearchResponse)
``empty``            200 with an empty body
``huge=<MiB>``       200 with a valid JSON body of exactly that size (fractions allowed,
                     at most 1024), streamed, never held in memory: the response shape of
                     the endpoint (FeedResponse, expired ids or SearchResponse) with no
                     jobs and a ``"padding"`` string
``redirect=<url>``   302 (or the 3xx ``status=`` given) with ``Location: <url>``
``id=<token>``       count this spec under ``token`` (separate counters for the same spec)
``echo_key``         answer 401 (or the ``status=`` given) echoing the ``X-Api-Key`` it
                     received, as a hostile server or proxy would, in every form: raw,
                     JSON-escaped (``\\/`` and ``\\u00XX``) and percent-encoded, in the
                     ``message``, the ``detail`` and the ``X-Echo-Key``,
                     ``X-Echo-Key-Encoded`` and ``X-Request-Id`` headers; with ``html``
                     the body is an HTML page holding the same forms
``match=<text>``     fault only the requests whose body or query contains ``<text>``
                     (percent-encoded: ``match=%5B%22workday%22%5D`` is ``["workday"]``);
                     the others are served normally, and ``times`` and ``after``
                     count matching requests only
==================== =======================================================================

Counters are kept per ``id`` token, or per spec string when there is none, and count
every request that reached the spec, faulted or served normally. ``GET
/__fault/stats/<token>`` answers ``{"requests": n}`` (``<token>`` is the id, or the
spec string itself) with no key needed. A request served normally (after ``times``)
goes through authentication, rate limits and credits. So does the answer that
``delay``, ``drip``, ``truncate``, ``reset`` and ``retry_after`` alone modify (it is
charged like any other); an answer that a fault replaces (``status``, ``html``,
``malformed``, ``empty``, ``huge``, ``redirect``, ``echo_key``) needs no key and costs nothing. Faulted
answers carry ``X-RateLimit-*`` headers too. Unknown items or bad values answer 400.

Examples: ``status=503,times=2`` (two 503s, then normal answers),
``status=429,retry_after=1``, ``delay=200``, ``drip=2``, ``truncate``, ``reset``,
``malformed``, ``empty``, ``huge=2``, ``redirect=https%3A%2F%2Fexample.com%2F``,
``echo_key``, ``echo_key,html``, ``echo_key,status=403``,
``status=503,times=1,id=test42`` plus ``GET /__fault/stats/test42``.
"""

from __future__ import annotations

import email.utils
import json
import socket
import struct
import threading
from typing import TYPE_CHECKING, Callable, Dict, Iterator, Optional, Tuple
from urllib.parse import quote, unquote

from .accounts import PLANS
from .wire import REASONS, ApiError, ProblemError, Request, Response

if TYPE_CHECKING:  # pragma: no cover
    from .app import App

__all__ = ["FaultSpec", "install", "PREFIX_REGEX"]

PREFIX_REGEX = r"/__fault/(?!stats(?:/|$))(?P<spec>[^/]+)"
MAX_DELAY_MS = 120_000
MAX_DRIP_MS = 1_000
DRIP_MAX_BYTES = 64 * 1024
MAX_HUGE_MIB = 1024
_MIB = 1024 * 1024
_FLAGS = ("html", "truncate", "reset", "malformed", "empty", "echo_key", "refuse",
          "stall")

_MESSAGES = {
    400: "Invalid parameter",
    401: "Missing or invalid API key",
    403: "Your plan does not include access to this endpoint",
    404: "Not found",
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service temporarily unavailable",
    504: "Gateway timeout",
}


class FaultSpec:
    """One parsed ``<spec>`` (see the module documentation)."""

    __slots__ = ("raw", "key", "status", "html", "retry_after", "retry_after_date", "times",
                 "after", "delay_ms", "drip_ms", "truncate", "reset", "malformed", "empty",
                 "huge_bytes", "redirect", "id", "echo_key", "refuse", "stall", "goaway",
                 "match")

    def __init__(self, raw: str) -> None:
        self.raw: str = raw
        self.status: Optional[int] = None
        self.html: bool = False
        self.truncate: bool = False
        self.reset: bool = False
        self.malformed: bool = False
        self.empty: bool = False
        self.echo_key: bool = False
        self.refuse: bool = False
        self.stall: bool = False
        self.goaway: Optional[int] = None
        self.retry_after: Optional[int] = None
        self.retry_after_date: Optional[int] = None
        self.times: Optional[int] = None
        self.after: int = 0
        self.delay_ms: float = 0.0
        self.drip_ms: float = 0.0
        self.huge_bytes: Optional[int] = None
        self.redirect: Optional[str] = None
        self.id: Optional[str] = None
        self.match: Optional[str] = None
        for item in raw.split(","):
            if item:
                self._item(item)
        self.key: str = self.id if self.id is not None else unquote(raw, errors="replace")

    @staticmethod
    def _bad(message: str) -> ApiError:
        return ApiError(400, f"Invalid fault spec: {message}")

    def _number(self, name: str, value: str, lo: float, hi: float, integer: bool = True):
        try:
            number = int(value) if integer else float(value)
        except ValueError:
            raise self._bad(f"'{name}' needs a {'whole ' if integer else ''}number, "
                            f"not '{value}'") from None
        if not lo <= number <= hi:
            raise self._bad(f"'{name}' must be between {lo:g} and {hi:g}")
        return number

    def _item(self, item: str) -> None:
        name, sep, value = item.partition("=")
        name = unquote(name, errors="replace").strip().lower()
        value = unquote(value, errors="replace").strip()
        if name in _FLAGS:
            if sep:
                raise self._bad(f"'{name}' takes no value")
            setattr(self, name, True)
            return
        if not sep or value == "":
            raise self._bad(f"'{name}' needs a value" if name else "empty item")
        if name == "status":
            self.status = self._number(name, value, 100, 599)
        elif name == "retry_after":
            self.retry_after = self._number(name, value, 0, 86400)
        elif name == "retry_after_date":
            self.retry_after_date = self._number(name, value, 0, 86400)
        elif name == "times":
            self.times = self._number(name, value, 0, 10 ** 9)
        elif name == "after":
            self.after = self._number(name, value, 0, 10 ** 9)
        elif name == "delay":
            self.delay_ms = self._number(name, value, 0, MAX_DELAY_MS, integer=False)
        elif name == "drip":
            self.drip_ms = self._number(name, value, 0, MAX_DRIP_MS, integer=False)
        elif name == "huge":
            mib = self._number(name, value, 0, MAX_HUGE_MIB, integer=False)
            self.huge_bytes = int(mib * _MIB)
        elif name == "redirect":
            self.redirect = value
        elif name == "id":
            self.id = value
        elif name == "goaway":
            self.goaway = self._number(name, value, 1, 10 ** 6)
        elif name == "match":
            self.match = value
        else:
            raise self._bad(f"unknown item '{name}'")
        if self.redirect is not None and self.status is not None \
                and not 300 <= self.status < 400:
            raise self._bad("'redirect' needs a 3xx 'status' (or none: 302)")


class FaultCounters:
    """Requests per spec key (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Dict[str, int] = {}

    def hit(self, key: str) -> int:
        with self._lock:
            n = self._counts.get(key, 0) + 1
            self._counts[key] = n
            return n

    def get(self, key: str) -> int:
        with self._lock:
            return self._counts.get(key, 0)


# ------------------------------------------------------------------------ bodies

def _shape(path: str) -> Tuple[bytes, bytes]:
    """(opening, closing) of an empty response of the endpoint's shape; a string
    member (padding) goes between them."""
    if path.rstrip("/").startswith("/api/jobs/feed"):
        return (b'{"jobs":[],"next_cursor":null,"has_more":false,"estimated_total":0,',
                b"}")
    if path.rstrip("/") == "/api/jobs/expired":
        return b'{"job_ids":[],"next_cursor":null,"has_more":false,', b"}"
    return (b'{"jobs":[],"total":0,"page":1,"page_size":25,"total_pages":0,"facets":{},',
            b"}")


def _small_body(path: str) -> bytes:
    head, tail = _shape(path)
    return head + b'"truncated_for_drip":true' + tail


def _huge_stream(path: str, size: int) -> Tuple[Callable[[], Iterator[bytes]], int]:
    head, tail = _shape(path)
    head += b'"padding":"'
    tail = b'"' + tail
    pad = max(0, size - len(head) - len(tail))
    chunk = b"x" * 65536

    def chunks() -> Iterator[bytes]:
        yield head
        left = pad
        while left > 0:
            n = min(left, len(chunk))
            yield chunk if n == len(chunk) else chunk[:n]
            left -= n
        yield tail

    return chunks, len(head) + pad + len(tail)


def _html_page(status: int, message: str) -> bytes:
    reason = REASONS.get(status, "Error")
    return (f"<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head>\n"
            f"<body><h1>{status} {reason}</h1>\n<p>{message}</p>\n"
            f"<hr><address>jobo sandbox fault injection</address></body></html>\n"
            ).encode("utf-8")


def _error_response(spec: FaultSpec, status: int, now: int) -> Response:
    headers = []
    retry = spec.retry_after if spec.retry_after is not None else 1
    if status == 429:
        limit = PLANS["full"].rate_limit
        reset = now + retry
        headers = [("X-RateLimit-Limit", str(limit)), ("X-RateLimit-Remaining", "0"),
                   ("X-RateLimit-Reset", str(reset))]
        if spec.retry_after is None and spec.retry_after_date is None:
            headers.append(("Retry-After", str(retry)))
        err: ApiError = ApiError(429, f"Rate limit exceeded. Retry after {reset}",
                                 extra={"retryAfter": reset})
    elif status == 409:
        err = ProblemError(409, "The feed cursor can no longer be continued. Start a new "
                                "scan without a cursor.", "feed_cursor_restart_required")
    elif status == 402:
        err = ApiError(402, "Insufficient credits: this request needs 1 credits, "
                            "balance is 0",
                       headers=[("X-Credits-Required", "1"), ("X-Credits-Balance", "0")])
    else:
        err = ApiError(status, _MESSAGES.get(status, REASONS.get(status, "Error")))
    resp = err.to_response()
    resp.headers = headers + resp.headers
    if spec.html:
        resp.body = _html_page(status, err.message)
        resp.content_type = "text/html; charset=utf-8"
    return resp


def key_forms(key: str) -> Dict[str, str]:
    """The forms in which a server could echo a key back, as they appear in
    the bytes of a JSON body or a header."""
    raw = json.dumps(key)[1:-1]  # inside a JSON string: only " and \ escaped
    return {
        "raw": raw,
        "json_slash": raw.replace("/", "\\/"),
        "json_unicode": "".join(f"\\u{ord(c):04x}" for c in key),
        "json_unicode_upper": "".join(f"\\u{ord(c):04X}" for c in key),
        "percent": quote(key, safe=""),
        "percent_all": "".join(f"%{ord(c):02X}" for c in key),
    }


def _echo_key_response(spec: FaultSpec, req: Request) -> Response:
    key = req.headers.get("x-api-key", "")
    status = spec.status if spec.status is not None and spec.status >= 300 else 401
    forms = key_forms(key)
    text = "; ".join(f"{name}: {form}" for name, form in forms.items())
    reason = REASONS.get(status, "Error")
    headers = [("X-Echo-Key", key), ("X-Echo-Key-Encoded", forms["percent"]),
               ("X-Request-Id", key)]
    if spec.html:
        page = (f"<!DOCTYPE html>\n<html><head><title>{status} {reason}</title></head>\n"
                f"<body><h1>The key {key} is revoked</h1>\n<p>{text}</p>\n"
                f"<a href=\"/login?key={forms['percent']}\">sign in</a></body></html>\n")
        return Response(status, page.encode("utf-8"), headers=headers,
                        content_type="text/html; charset=utf-8")
    body = ('{"status":%d,"error":"%s","message":"The key %s is revoked (%s)",'
            '"detail":"received %s",'
            '"code":"%s"}' % (status, reason, forms["raw"], text, forms["json_slash"],
                              forms["json_unicode"]))
    return Response(status, body.encode("utf-8"), headers=headers)


# ------------------------------------------------------------------------ transmit

def _abort(conn) -> None:
    """Make the coming close an abortive one (RST) and stop the keep-alive loop."""
    conn.close_connection = True
    try:
        conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass


def _make_transmit(spec: FaultSpec, stop: threading.Event,
                   stream: Optional[Callable[[], Iterator[bytes]]] = None,
                   length: Optional[int] = None):
    def transmit(conn, payload: bytes) -> None:
        cut = payload.index(b"\r\n\r\n") + 4
        head = payload[:cut]
        if stream is None:
            body = payload[cut:]
            chunks: Iterator[bytes] = iter((body,) if body else ())
            total = len(body)
        else:
            chunks, total = stream(), length
        if spec.delay_ms and stop.wait(spec.delay_ms / 1000.0):
            _abort(conn)
            return
        sock = conn.sock
        if spec.refuse:
            _abort(conn)
            return
        sock.sendall(head)
        if spec.reset:
            _abort(conn)
            return
        limit = total // 2 if spec.truncate or spec.stall else total
        step = spec.drip_ms / 1000.0
        sent = 0
        for chunk in chunks:
            if sent >= limit:
                break
            chunk = chunk[:limit - sent]
            if step:
                for i in range(len(chunk)):
                    sock.sendall(chunk[i:i + 1])
                    if stop.wait(step):
                        _abort(conn)
                        return
            else:
                sock.sendall(chunk)
                if stop.is_set():
                    _abort(conn)
                    return
            sent += len(chunk)
        if spec.stall:
            stop.wait(MAX_DELAY_MS / 1000.0)
            _abort(conn)
        elif spec.truncate:
            conn.close_connection = True
    return transmit


# ------------------------------------------------------------------------ install

def install(app: "App") -> None:
    counters = FaultCounters()
    per_connection = FaultCounters()
    app.fault_counters = counters
    stop = app.stop_event

    def wrapper(req: Request, match, inner) -> Response:
        spec = FaultSpec(match.group("spec"))
        n = counters.hit(spec.key)
        req.context["fault_spec"] = spec.key
        if spec.match is not None:
            if spec.match.encode("utf-8") not in req.body \
                    and spec.match not in unquote(req.raw_target.partition("?")[2],
                                                  errors="replace"):
                return inner(req)
            n = counters.hit(spec.key + "\0match")
        if n <= spec.after or (spec.times is not None and n > spec.after + spec.times):
            return inner(req)
        now = req.now
        stream = None
        length = None
        status = spec.status
        if spec.echo_key:
            resp = _echo_key_response(spec, req)
        elif spec.redirect is not None:
            code = status or 302
            resp = ApiError(code, f"Redirecting to {spec.redirect}",
                            headers=[("Location", spec.redirect)]).to_response()
        elif (status is not None and status >= 300) or (status is None and spec.html):
            resp = _error_response(spec, status or 502, now)
        elif spec.malformed:
            resp = Response(status or 200, b'{"jobs":[{"id":"6f1c2d8e-0000-4000-8000-'
                                           b'000000000000","title":"Data Engin')
        elif spec.empty:
            resp = Response(status or 200, b"")
        elif spec.huge_bytes is not None:
            stream, length = _huge_stream(req.path, spec.huge_bytes)
            resp = Response(status or 200, None, content_length=length)
        else:
            resp = inner(req)
            if status is not None and 200 <= resp.status < 300:
                resp.status = status
        if not any(h[0] == "X-RateLimit-Limit" for h in resp.headers):
            resp = app._anonymous(resp, now)
        resp.faulted = True
        if spec.retry_after is not None:
            resp.headers.append(("Retry-After", str(spec.retry_after)))
        if spec.retry_after_date is not None:
            resp.headers.append(("Retry-After", email.utils.formatdate(
                now + spec.retry_after_date, usegmt=True)))
        if spec.drip_ms:
            if stream is not None and length > DRIP_MAX_BYTES:
                stream, length = None, None
                resp.content_length = None
                resp.body = _small_body(req.path)
            elif stream is None and len(resp.body_bytes()) > DRIP_MAX_BYTES:
                resp.body = _small_body(req.path)
        if spec.goaway is not None and \
                per_connection.hit(f"{req.connection_id}") >= spec.goaway:
            resp.close_connection = True
        if (spec.truncate or spec.stall) and stream is None and not resp.body_bytes():
            # nothing to cut: announce a 16-byte JSON body and send 8 bytes of it
            stream, length = (lambda: iter((b'{"truncated":1}\n',))), 16
            resp.content_length = length
        if spec.delay_ms or spec.drip_ms or spec.truncate or spec.reset or spec.refuse \
                or spec.stall or stream is not None:
            resp.transmit = _make_transmit(spec, stop, stream, length)
        return resp

    def stats(req: Request) -> Response:
        token = req.params["token"]
        return Response(200, {"requests": counters.get(token)})

    app.add_wrapper(PREFIX_REGEX, wrapper)
    app.router.add("GET", "/__fault/stats/{token}", "internal", stats)
