"""The :class:`Sandbox`: dataset + certificates + HTTPS API server + HTTP redirector."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import tempfile
import threading
import time
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Tuple

from . import certs
from .app import App
from .data import CACHE_DOCS_MAX, Dataset, JobRecord, generate

if TYPE_CHECKING:
    from .timeline import Timeline
from .http11 import HTTPSServer, RedirectServer

__all__ = ["Sandbox", "FaultURL"]


def _origin(scheme: str, host: str, port: int) -> str:
    h = f"[{host}]" if ":" in host else host
    return f"{scheme}://{h}:{port}"


class FaultURL(str):
    """A base URL of :meth:`Sandbox.fault`: a ``str`` (give it as a client's
    ``base_url``) that also reads its own request counter."""

    __slots__ = ("sandbox", "token")

    def __new__(cls, url: str, sandbox: "Sandbox", token: str) -> "FaultURL":
        self = super().__new__(cls, url)
        self.sandbox = sandbox
        self.token = token
        return self

    @property
    def requests(self) -> int:
        """Requests that reached this fault URL so far (faulted or served normally)."""
        return self.sandbox.fault_requests(self.token)

    def __reduce__(self) -> Any:
        return (str, (str(self),))


class Sandbox:
    """A local emulation of the Jobo Enterprise API over HTTPS with synthetic data.

    >>> with Sandbox(seed=1) as sb:                                # doctest: +SKIP
    ...     sb.base_url, sb.ca_cert, sb.keys["full"]
    ('https://127.0.0.1:41234', '/tmp/jobo-sandbox-…/ca.pem', 'jbe_test_…')

    Arguments: ``seed`` (dataset, keys), ``jobs`` (dataset size), ``host``, ``port``
    (0 = any free port), ``http_port`` (plain-HTTP redirector; 0 = any free port, None =
    none), ``state_dir`` (where ``ca.pem``, ``server.pem`` and ``server.key`` go; default
    a temporary directory removed by :meth:`stop`), ``latency_ms`` (added before each API
    response), ``path_prefix`` (a base path such as ``/v1`` the API is served under),
    ``companies`` and ``anchor`` (dataset knobs, see :func:`.data.generate`),
    ``verbose`` (log each request to stderr), ``cursor_ttl`` (seconds a feed cursor
    stays valid, default 3600), ``legacy_feed_limit`` (jobs a ``stable_scan=false``
    feed may page through, default 10,000), ``prerender`` (build every job's JSON at
    start: a slower start, then full-speed feeds from the first scan), ``drop_expired``
    (feeds leave out jobs whose expiry time has passed, see :mod:`.timeline`),
    ``expiry_ref`` (the time hidden expiry times are drawn around, default now: e.g. 8
    days ago for data where no job expires while a test runs), ``http2``
    (offer ``h2`` by ALPN next to ``http/1.1``, see :mod:`.http2`; default off: the
    sandbox then refuses h2 and every client speaks HTTP/1.1).

    The sandbox changes over time on request (:mod:`.timeline`): :meth:`advance_clock`,
    :meth:`update_jobs`, :meth:`expire_jobs`, :meth:`add_jobs` (also ``POST
    /__timeline``); :meth:`now` is its clock and :meth:`served_jobs` what a complete
    unfiltered feed scan returns now.

    The full-text search index is built in the background after start (a text query
    that arrives first waits for it). Datasets of more than 20,000 jobs build job
    documents on first use and the text index on the first text query, so ``Sandbox(jobs=100_000)`` starts in about 3
    s (13 s with ``prerender``) and stays under 1 GB with every job served.

    After :meth:`start`: ``base_url``, ``http_url``, ``ca_cert`` (path), ``keys`` (plan ->
    key: ``full``, ``search_only``, ``feed_only``, ``limited``, ``low_credits``,
    ``revoked``), ``dataset``, ``app`` and ``startup_seconds``.
    """

    def __init__(self, seed: int = 1, jobs: int = 5000, host: str = "127.0.0.1",
                 port: int = 0, http_port: Optional[int] = 0,
                 state_dir: Optional[str] = None, latency_ms: float = 0,
                 path_prefix: str = "", companies: Optional[int] = None,
                 anchor: Optional[int] = None, verbose: bool = False,
                 cursor_ttl: float = 3600, legacy_feed_limit: int = 10_000,
                 prerender: bool = False, drop_expired: bool = False,
                 expiry_ref: Optional[int] = None, http2: bool = False):
        self.seed = seed
        self.jobs = jobs
        self.host = host
        self.port = port
        self.http_port = http_port
        self.state_dir = state_dir
        self.latency_ms = latency_ms
        self.path_prefix = path_prefix
        self.companies = companies
        self.anchor = anchor
        self.verbose = verbose
        self.cursor_ttl = cursor_ttl
        self.legacy_feed_limit = legacy_feed_limit
        self.prerender = prerender
        self.drop_expired = drop_expired
        self.expiry_ref = expiry_ref
        self.http2 = http2
        self._own_state_dir = False
        self._https: Optional[HTTPSServer] = None
        self._http: Optional[RedirectServer] = None
        self.app: Optional[App] = None
        self.dataset = None
        self.base_url = ""
        self.http_url: Optional[str] = None
        self.ca_cert = ""
        self.server_cert = ""
        self.server_key = ""
        self.keys: Dict[str, str] = {}
        self.startup_seconds = 0.0
        self._fault_lock = threading.Lock()
        self._fault_seq = 0

    # -- lifecycle -----------------------------------------------------------------
    def start(self) -> "Sandbox":
        if self._https is not None:
            return self
        t0 = time.perf_counter()
        self.dataset: Dataset = generate(self.seed, self.jobs, self.companies, self.anchor,
                                self.expiry_ref)
        self.app = App(self.dataset, seed=self.seed, latency_ms=self.latency_ms,
                       path_prefix=self.path_prefix, verbose=self.verbose,
                       cursor_ttl=self.cursor_ttl, legacy_feed_limit=self.legacy_feed_limit)
        self.app.timeline.drop_expired = self.drop_expired
        if self.prerender:
            self.dataset.prerender()
        if len(self.dataset.jobs) <= CACHE_DOCS_MAX:
            # the full-text index, built while the server already answers (a text
            # search that comes first waits for it)
            threading.Thread(target=self.app.engine.ensure_haystacks, daemon=True,
                             name="jobo-sandbox-warmup").start()
        if self.state_dir is None:
            self.state_dir = tempfile.mkdtemp(prefix="jobo-sandbox-")
            self._own_state_dir = True
        os.makedirs(self.state_dir, exist_ok=True)
        hosts = ["127.0.0.1", "localhost", "::1"]
        if self.host not in hosts and self.host not in ("0.0.0.0", "::", ""):
            hosts.insert(0, self.host)
        ca = certs.make_ca()
        leaf = certs.issue_cert(ca, hosts)
        self.ca_cert: str = os.path.join(self.state_dir, "ca.pem")
        with open(self.ca_cert, "wb") as fh:
            fh.write(ca.cert_pem)
        pem: Tuple[str, str] = certs.write_pem_files(leaf, self.state_dir, "server")
        self.server_cert: str = pem[0]
        self.server_key: str = pem[1]
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(self.server_cert, self.server_key)
        server_class = HTTPSServer
        if self.http2:
            from .http2 import ALPN, H2Server
            server_class = H2Server
            ctx.set_alpn_protocols(ALPN)
        else:
            ctx.set_alpn_protocols(["http/1.1"])
        try:
            self._https = server_class((self.host, self.port), self.app, ctx)
            self._https.start()
            port = self._https.server_address[1]
            self.base_url: str = _origin("https", self.host, port) + self.app.path_prefix
            if self.http_port is not None:
                self._http = RedirectServer((self.host, self.http_port), self.app,
                                            _origin("https", self.host, port))
                self._http.start()
                self.http_url = _origin("http", self.host, self._http.server_address[1])
        except BaseException:
            self.stop()
            raise
        self.keys = dict(self.app.accounts.default_keys)
        self.startup_seconds: float = time.perf_counter() - t0
        return self

    def stop(self) -> None:
        """Close the listeners and every open connection (ending fault delays and drips
        at once); remove a temporary state dir."""
        if self.app is not None:
            self.app.stop_event.set()
        for server in (self._http, self._https):
            if server is not None:
                server.stop()
        self._http = self._https = None
        if self._own_state_dir and self.state_dir:
            shutil.rmtree(self.state_dir, ignore_errors=True)
            self.state_dir = None
            self._own_state_dir = False

    def __enter__(self) -> "Sandbox":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- helpers for tests -----------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._https is not None

    def info(self) -> Dict[str, Any]:
        """The startup description printed by ``python -m jobo_enterprise_sandbox``."""
        return {"base_url": self.base_url, "http_url": self.http_url,
                "ca_cert": self.ca_cert, "keys": dict(self.keys)}

    def info_json(self) -> str:
        return json.dumps(self.info())

    def stats(self) -> Dict[str, Any]:
        """Counters (see ``GET /__stats``) without making a request."""
        return self.app.stats()

    def create_key(self, plan: str = "full", credits: Optional[int] = None,
                   rate_limit: Optional[int] = None, window: Optional[int] = None,
                   key: Optional[str] = None) -> str:
        """A new key with a fresh balance and rate window (e.g. a second ``low_credits``
        key for an independent test, or a rotation scenario)."""
        return self.app.accounts.create_key(plan, credits, rate_limit, window, key)

    def revoke_key(self, key: str) -> bool:
        return self.app.accounts.revoke(key)

    def expire_cursors(self) -> None:
        """Make every feed cursor issued so far stale: its next use answers 409
        ``feed_cursor_restart_required`` (also ``POST /__cursors/expire``)."""
        self.app.expire_cursors()

    # -- a sandbox that changes (see .timeline) --------------------------------------------
    @property
    def timeline(self) -> Timeline:
        """The :class:`~.timeline.Timeline` (clock and changes) of the running sandbox."""
        return self.app.timeline

    def now(self) -> float:
        """The sandbox's clock (epoch seconds): real time plus every advance."""
        return self.app.timeline.now()

    def advance_clock(self, seconds: float) -> float:
        """Move the sandbox's clock forward by ``seconds``; the new time."""
        return self.app.timeline.advance(seconds)

    def update_jobs(self, count: int = 0, ids: Optional[Iterable[str]] = None,
                    work_model: Optional[str] = None) -> List[str]:
        """Update ``count`` served jobs (or ``ids``) now; see :meth:`.Timeline.update_jobs`."""
        return self.app.timeline.update_jobs(count, ids, work_model)

    def expire_jobs(self, count: int = 0, ids: Optional[Iterable[str]] = None,
                    at: Optional[float] = None) -> List[str]:
        """Expire ``count`` served jobs (or ``ids``) now (or ``at`` that time); their ids."""
        return self.app.timeline.expire_jobs(count, ids, at)

    def add_jobs(self, count: int) -> List[str]:
        """Add ``count`` new jobs, created and updated now; their ids."""
        return self.app.timeline.add_jobs(count)

    def served_jobs(self) -> List[JobRecord]:
        """The jobs (dataset records, ``.id``, ``.doc``) an unfiltered feed returns now."""
        return self.app.timeline.served_jobs()

    def fault_url(self, spec: str) -> str:
        """The base URL that serves the API through the fault ``spec`` (see
        :mod:`.faults`), e.g. ``sb.fault_url("status=503,times=2")``."""
        return f"{self.base_url}/__fault/{spec}"

    def fault_requests(self, token: str) -> int:
        """Requests that reached the fault spec (or ``id``) ``token`` so far."""
        return self.app.fault_counters.get(token)

    def fault(self, spec: str) -> "FaultURL":
        """A base URL that serves the API through the fault ``spec``, with a request
        counter of its own: ``url = sb.fault("status=503,times=2")``, then a client on
        ``base_url=url``, then ``url.requests`` (every request that reached it). Unlike
        :meth:`fault_url`, two calls with the same spec never share a counter (nor a
        ``times`` budget): each gets an ``id=`` of its own unless ``spec`` names one."""
        items = [item.strip() for item in spec.split(",") if item.strip()]
        token = next((item[3:] for item in items if item.startswith("id=")), None)
        if token is None:
            with self._fault_lock:
                self._fault_seq += 1
                token = f"f{self._fault_seq}"
            items.append("id=" + token)
        return FaultURL(self.fault_url(",".join(items)), self, token)

    def reset(self) -> None:
        """Restore the default keys' balances and rate windows."""
        self.app.accounts.reset()

    def __repr__(self) -> str:
        state = self.base_url if self.running else "stopped"
        h2 = " http2" if self.http2 else ""
        return f"<Sandbox seed={self.seed} jobs={self.jobs}{h2} {state}>"
