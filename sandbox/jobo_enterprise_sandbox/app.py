"""The request pipeline shared by every endpoint.

``App.handle(request)`` does, in order:

1. strip the configured base path prefix (``path_prefix``, e.g. ``/v1``);
2. apply the first *wrapper* whose prefix regex matches the raw (not yet
   percent-decoded) path (e.g. ``/__fault/<spec>/...``, see :mod:`.faults`): the wrapper
   gets the request with the prefix removed and ``inner`` (steps 3-9) to call or not;
3. route (404 / 405);  internal routes stop here: no key, no latency, not counted;
4. ``--latency-ms`` sleep;
5. authenticate ``X-Api-Key`` (401; query-string keys are ignored);
6. rate-limit per key (429, ``Retry-After`` = reset - now, body ``retryAfter``);
7. plan check: the route's group must be in the key's plan (403);
8. run the handler (which returns a :class:`Response` or raises :class:`ApiError`);
9. for a 2xx, charge ``response.cost`` credits (402 when the balance cannot cover it;
   fractional costs are kept exactly, see :mod:`.accounts`).

Every response gets ``Date`` (from the same ``now`` as the rate limit), ``X-Request-Id``
and ``X-RateLimit-*``; a 2xx also ``X-Credits-Used`` and ``X-Credits-Remaining``.
Failed requests never cost credits.

Test hooks on every response: ``X-Connection-Id`` (the number of the TCP connection,
added by :mod:`.http11`); ``X-Echo`` copying the request's ``X-Echo-Request`` header or
its ``echo`` query parameter; and with ``?echo=<token>``, a 2xx JSON object body also
gets ``"echo": "<token>"``, ``"connection_id": <n>`` and ``"echo_request"`` (the request
as received: ``method``, ``path``, ``query`` pairs, ``headers`` without ``X-Api-Key``, and
``body``; see :func:`echo_request`) as its first members.
"""

from __future__ import annotations

import collections
import email.utils
import json
import re
import secrets
import sys
import threading
import time
import traceback
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Pattern, Tuple
from urllib.parse import unquote

from .accounts import PLANS, Account, Accounts
from .data import Dataset
from .routing import Router
from .search import SearchEngine
from .wire import ApiError, Request, Response

if TYPE_CHECKING:
    from .timeline import Timeline

__all__ = ["App", "Wrapper"]

# wrapper(request, prefix_match, inner) -> Response
Wrapper = Callable[[Request, "re.Match[str]", Callable[[Request], Response]], Response]

_ANON_LIMIT = PLANS["full"].rate_limit
_ANON_WINDOW = PLANS["full"].window


def http_date(ts: int) -> str:
    return email.utils.formatdate(ts, usegmt=True)


def echo_request(req: Request) -> Dict[str, Any]:
    """What ``?echo=`` sends back of the request: method, path, the query as
    received (every ``[name, value]`` pair, in order), the headers (lowercase names)
    without ``X-Api-Key``, and the body (parsed JSON, else text, else None)."""
    from urllib.parse import parse_qsl

    query = parse_qsl(req.raw_target.partition("?")[2], keep_blank_values=True)
    body: Any = None
    if req.body:
        try:
            body = json.loads(req.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            body = req.body.decode("utf-8", errors="replace")
    return {"method": req.method, "path": req.path,
            "query": [[k, v] for k, v in query],
            "headers": {k: v for k, v in req.headers.items() if k != "x-api-key"},
            "body": body}


class App:
    """The request pipeline of one sandbox; ``cursor_ttl`` (seconds a feed cursor stays
    valid after it was issued) and ``legacy_feed_limit`` (jobs a ``stable_scan=false``
    feed scan may page through) can be changed at any time."""

    def __init__(self, dataset: Dataset, seed: int = 1, latency_ms: float = 0,
                 path_prefix: str = "", verbose: bool = False,
                 cursor_ttl: float = 3600, legacy_feed_limit: int = 10_000):
        self.dataset = dataset
        self.cursor_ttl = cursor_ttl
        self.legacy_feed_limit = legacy_feed_limit
        self.cursor_secret: bytes = secrets.token_bytes(32)
        self.cursor_generation: int = 0
        self.stop_event: threading.Event = threading.Event()
        self.engine: SearchEngine = SearchEngine(dataset)
        self.accounts: Accounts = Accounts(seed)
        self.router: Router = Router()
        self.latency: float = max(0.0, float(latency_ms)) / 1000.0
        prefix = "/" + path_prefix.strip("/") if path_prefix.strip("/") else ""
        self.path_prefix = prefix
        self.verbose = verbose
        self.wrappers: List[Tuple[Pattern[str], Wrapper]] = []
        self._stats_lock = threading.Lock()
        self._requests_total = 0
        self._by_plan: Dict[str, int] = collections.Counter()
        self._by_route: Dict[str, int] = collections.Counter()
        self._by_status: Dict[str, int] = collections.Counter()
        self._connections: Dict[str, int] = collections.Counter()
        self._by_connection: Dict[str, int] = collections.Counter()
        self._next_connection = 0
        self._tls_failures = 0
        self._h2: Dict[str, int] = collections.Counter()
        self.clock: Callable[[], float] = time.time  # the timeline's clock, once installed
        from . import endpoints, faults, timeline  # routes, the fault prefix, the clock
        endpoints.register(self)
        faults.install(self)
        self.timeline: Timeline = timeline.install(self, seed)

    def expire_cursors(self) -> None:
        """Make every feed cursor issued so far stale (409 on its next use)."""
        with self._stats_lock:
            self.cursor_generation += 1

    def next_connection_id(self) -> int:
        with self._stats_lock:
            self._next_connection += 1
            return self._next_connection

    # -- extension points ------------------------------------------------------
    def add_wrapper(self, prefix_regex: str, wrapper: Wrapper) -> None:
        """Route every path matching ``prefix_regex`` (anchored at the start, e.g.
        ``r"/__fault/(?P<spec>[^/]+)"``) through ``wrapper``; the matched prefix is
        removed from ``request.path`` before ``inner`` routes it."""
        self.wrappers.append((re.compile(prefix_regex), wrapper))

    # -- statistics ----------------------------------------------------------------
    def count_connection(self, kind: str) -> None:
        with self._stats_lock:
            self._connections[kind] += 1

    def count_h2(self, what: str) -> None:
        """h2 counters: ``connections``, ``streams``, ``resets``, ``goaways``."""
        with self._stats_lock:
            self._h2[what] += 1

    def count_tls_failure(self) -> None:
        with self._stats_lock:
            self._tls_failures += 1

    def _count(self, plan: str, route: str) -> None:
        with self._stats_lock:
            self._requests_total += 1
            self._by_plan[plan] += 1
            self._by_route[route] += 1

    def stats(self) -> Dict[str, Any]:
        """Counters since start: API requests (internal routes excluded) in total, per
        plan (``anonymous`` = no or unknown key) and per route, responses per status,
        TCP connections accepted per port kind (``https``, ``http``), failed TLS
        handshakes, the credit balance of each default key (whole credits), and the
        requests (internal ones included) per connection id, and the h2 counters
        (connections that chose h2, streams, stream resets and GOAWAYs sent)."""
        with self._stats_lock:
            return {
                "requests_total": self._requests_total,
                "requests_by_plan": dict(self._by_plan),
                "requests_by_route": dict(self._by_route),
                "responses_by_status": dict(self._by_status),
                "connections": {"https": self._connections["https"],
                                "http": self._connections["http"]},
                "tls_handshake_failures": self._tls_failures,
                "credits_remaining": {plan: self.accounts.balance(key)
                                      for plan, key in self.accounts.default_keys.items()},
                "requests_by_connection": dict(self._by_connection),
                "h2": {k: self._h2[k] for k in ("connections", "streams", "resets",
                                                "goaways")},
            }

    # -- the pipeline ------------------------------------------------------------------
    def handle(self, req: Request) -> Response:
        """Answer one request (never raises)."""
        req.now = int(self.clock())
        try:
            resp = self._dispatch(req)
        except ApiError as exc:
            resp = self._anonymous(exc.to_response(), req.now)
        except Exception:  # a bug in a handler must not kill the connection thread
            if self.verbose:
                traceback.print_exc(file=sys.stderr)
            resp = self._anonymous(ApiError(500, "Internal sandbox error").to_response(),
                                   req.now)
        resp.headers = [("Date", http_date(req.now)),
                        ("X-Request-Id", "req_" + secrets.token_hex(8))] + resp.headers
        echo = req.query.get("echo")
        if echo is not None:
            self._echo_body(resp, echo, req.connection_id, echo_request(req))
        else:
            echo = req.headers.get("x-echo-request")
        if echo is not None:
            resp.headers.append(("X-Echo", echo.replace("\r", " ").replace("\n", " ")))
        with self._stats_lock:
            if req.connection_id:
                self._by_connection[str(req.connection_id)] += 1
            if not req.context.get("internal"):
                self._by_status[str(resp.status)] += 1
        return resp

    @staticmethod
    def _echo_body(resp: Response, token: str, connection_id: int,
                   request: Dict[str, Any]) -> None:
        if not 200 <= resp.status < 300 or resp.faulted or resp.transmit is not None \
                or resp.content_length is not None:
            return
        head = {"echo": token, "connection_id": connection_id, "echo_request": request}
        prefix = json.dumps(head, separators=(",", ":")).encode()[1:-1]
        body = resp.body
        if isinstance(body, dict):
            resp.body = dict(head, **body)
        elif isinstance(body, (bytes, bytearray)) and body[:1] == b"{":
            rest = bytes(body[1:]).lstrip()
            resp.body = b"{" + prefix + (b"" if rest[:1] == b"}" else b",") + rest

    def error(self, status: int, message: str) -> Response:
        """A complete error response outside any route (malformed HTTP etc.)."""
        now = int(self.clock())
        resp = self._anonymous(ApiError(status, message).to_response(), now)
        resp.headers = [("Date", http_date(now)),
                        ("X-Request-Id", "req_" + secrets.token_hex(8))] + resp.headers
        return resp

    def _dispatch(self, req: Request) -> Response:
        if self.path_prefix:
            p = self.path_prefix
            if req.path == p or req.path.startswith(p + "/"):
                req.path = req.path[len(p):] or "/"
            else:
                raise ApiError(404, f"No endpoint at {req.path}")
            raw = req.raw_path
            if raw == p or raw.startswith(p + "/"):
                req.raw_path = raw[len(p):] or "/"
        for regex, wrapper in self.wrappers:
            m = regex.match(req.raw_path)
            if m is not None:
                req.raw_path = req.raw_path[m.end():] or "/"
                req.path = unquote(req.raw_path, errors="replace")
                return wrapper(req, m, self._inner)
        return self._inner(req)

    @staticmethod
    def _anonymous(resp: Response, now: int) -> Response:
        resp.headers = [("X-RateLimit-Limit", str(_ANON_LIMIT)),
                        ("X-RateLimit-Remaining", str(_ANON_LIMIT)),
                        ("X-RateLimit-Reset", str(now + _ANON_WINDOW))] + resp.headers
        return resp

    def _inner(self, req: Request) -> Response:
        key = req.headers.get("x-api-key")
        try:
            route, params = self.router.match(req.method, req.path)
        except ApiError as exc:
            self._count(self._plan_of(key), "unmatched")
            return self._anonymous(exc.to_response(), req.now)
        req.params = params
        if route.group == "internal":
            req.context["internal"] = True
            try:
                return route.handler(req)
            except ApiError as exc:
                return exc.to_response()
        self._count(self._plan_of(key), route.name)
        if self.latency:
            time.sleep(self.latency)
            req.now = int(self.clock())
        account = self.accounts.authenticate(key.strip() if key else None)
        if account is None:
            return self._anonymous(
                ApiError(401, "Missing or invalid API key").to_response(), req.now)
        req.account = account
        now = req.now
        decision = self.accounts.hit(account, now)
        rate = [("X-RateLimit-Limit", str(decision.limit)),
                ("X-RateLimit-Remaining", str(decision.remaining)),
                ("X-RateLimit-Reset", str(decision.reset))]
        if not decision.allowed:
            resp = ApiError(
                429, f"Rate limit exceeded. Retry after {decision.reset}",
                headers=[("Retry-After", str(max(1, decision.reset - now)))],
                extra={"retryAfter": decision.reset},
            ).to_response()
        elif route.group not in account.groups:
            resp = ApiError(403, "Your plan does not include access to this endpoint").to_response()
        else:
            try:
                resp = route.handler(req)
            except ApiError as exc:
                resp = exc.to_response()
            if 200 <= resp.status < 300:
                resp = self._charge(account, resp)
        resp.headers = rate + resp.headers
        return resp

    def _charge(self, account: Account, resp: Response) -> Response:
        charge = self.accounts.charge(account, resp.cost)
        if not charge.ok:
            exact = charge.exact
            need = int(exact) if float(exact).is_integer() else exact
            return ApiError(
                402, f"Insufficient credits: this request needs {need} credits, "
                     f"balance is {charge.remaining}",
                headers=[("X-Credits-Required", str(charge.required)),
                         ("X-Credits-Balance", str(charge.remaining))],
            ).to_response()
        resp.headers = [("X-Credits-Used", str(charge.used)),
                        ("X-Credits-Remaining", str(charge.remaining))] + resp.headers
        return resp

    def _plan_of(self, key: Optional[str]) -> str:
        if not key:
            return "anonymous"
        account = self.accounts._by_key.get(key.strip())
        return account.plan if account is not None else "anonymous"
