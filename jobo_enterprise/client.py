"""``JoboClient``: configuration, the C transport, and the resources."""

from __future__ import annotations

import atexit
import collections
import os
import random
import time
from typing import Any, Dict, Optional, Tuple, TypeVar

from . import _core, _log
from ._config import (
    Secret,
    check_proxy,
    check_timeout,
    resolve_api_key,
    resolve_base_url,
    resolve_ca_bundle,
)
from ._version import __version__
from ._iterators import JobIterator, PageIterator
from ._paging import sync_pages
from ._response import raw_response
from ._retry import RateLimitState, retry_wait
from ._run import SLEEP, Steps
from .exceptions import JoboConfigurationError, JoboError
from .companies import AsyncCompaniesClient, CompaniesClient
from .feed import AsyncJobsFeedClient, JobsFeedClient
from .locations import AsyncLocationsClient, LocationsClient
from .models import Usage
from .resources import DEFAULT_FEED_TIMEOUT
from .resources._base import Resource
from .search import AsyncJobsSearchClient, JobsSearchClient

# the official package's names in this module: the client, its sub-client classes
# and the default feed timeout
__all__ = ["JoboClient", "JobsSearchClient", "JobsFeedClient", "CompaniesClient",
           "LocationsClient", "DEFAULT_FEED_TIMEOUT", "AsyncJoboClient",
           "AsyncJobsSearchClient", "AsyncJobsFeedClient", "AsyncCompaniesClient",
           "AsyncLocationsClient"]

USER_AGENT_PREFIX = f"jobo-enterprise-python/{__version__}"

# At exit, stop transfers still running in daemon threads before libcurl's and
# OpenSSL's exit-time cleanup can run under them.
atexit.register(_core._shutdown)
# A child forked while transfers were in flight has none of them: its exit
# must not wait for the parent's.
os.register_at_fork(after_in_child=_core._after_fork_in_child)
DEFAULT_MAX_BODY = 64 * 1024 * 1024
#: http_version values -> the C transport's code (0 auto, 11 HTTP/1.1, 20 HTTP/2)
HTTP_VERSIONS = {"auto": 0, "1.1": 11, "2": 20}
#: attempts kept for diagnostics()
ATTEMPTS_KEPT = 32


def _check_max_retries(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise JoboConfigurationError("max_retries must be a non-negative integer")
    return value


def _check_max_wait(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise JoboConfigurationError("max_wait must be a non-negative number of seconds")
    return float(value)


#: what with_options() may change; a different key or base URL is a new client
WITH_OPTIONS = ("timeout", "max_retries", "max_wait", "deadline", "read_timeout",
                "feed_timeout")
_UNSET: Any = object()
_C = TypeVar("_C", bound="_Client")


def _http_version_code(value: Any) -> int:
    code = HTTP_VERSIONS.get(value) if isinstance(value, str) else None
    if code is None:
        raise JoboConfigurationError(
            f"http_version must be 'auto', '1.1' or '2', not {value!r}")
    return code


#: the constructor's arguments, documented once for both clients
_ARGUMENTS = """
    Arguments:
        api_key: the API key; default ``JOBO_API_KEY``. Surrounding whitespace
            is stripped; any other whitespace, control or non-ASCII character
            raises :class:`JoboConfigurationError` before anything is sent.
        environment: ``"production"`` (default) or ``"sandbox"``; default
            ``JOBO_ENVIRONMENT``.
        base_url: overrides ``environment`` (default ``JOBO_BASE_URL``); may
            carry a path prefix. Must be ``https://``.
        timeout: total seconds per request (default 30).
        connect_timeout: seconds to establish the connection (default 10).
        read_timeout: abort when no byte arrives for this long (default: off).
        feed_timeout: total seconds for feed calls (default 120).
        ca_bundle: PEM file of trusted CAs; default ``JOBO_CA_BUNDLE``, else
            ``SSL_CERT_FILE``, else certifi's bundle if installed, else the
            system trust store. TLS verification cannot be switched off.
        max_retries: retries after a failed attempt (default 2): on 429, 502,
            503, 504 and on connection failures where no response arrived.
        max_wait: the longest wait the client accepts, from the server's
            Retry-After or rate-limit reset (default 60 s); a longer one raises
            at once. ``max_wait=0`` never waits.
        deadline: total seconds for all attempts of one call (default: none).
        max_body: largest response body accepted, in bytes (default 64 MiB).
        proxy: proxy URL (``http://host:port``, ``socks5h://...``); default: the
            standard ``HTTPS_PROXY``/``https_proxy`` and ``NO_PROXY`` variables.
            HTTPS goes through it as a CONNECT tunnel: the proxy sees the host
            and port, never the key.
        http_version: ``"auto"`` (default: HTTP/2 when the server offers it by
            ALPN, else HTTP/1.1), ``"1.1"`` (never HTTP/2: for a proxy or
            middlebox that breaks h2) or ``"2"`` (HTTP/2 required: an answer in
            HTTP/1.x raises :class:`JoboConnectionError` with code
            ``"http2_refused"``). :meth:`diagnostics` shows the version of
            each recent attempt.
        max_connections: the most connections open at once for concurrent
            requests (default 100): an :class:`AsyncJoboClient`'s keep-alive pool
            on each event loop, and a prefetching iterator's transfers; more
            requests wait for a free connection. Over HTTP/2 they share one.
        httpx_client: accepted for code written for the official package, but
            only as ``None``: this client's transport is libcurl in the C core,
            so an ``httpx.Client`` raises :class:`TypeError`; set ``timeout``,
            ``proxy``, ``ca_bundle`` and the other options here instead.

    The API key is held only by the C transport; ``repr(client)`` shows it
    masked.
    """


class _Client:
    """What :class:`JoboClient` and :class:`AsyncJoboClient` share: the
    constructor (options, environment, validation), the C transport and its
    key, the resources, and the steps after an attempt."""

    #: the resource classes, in the order jobs, feed, companies, locations
    _RESOURCES: Tuple[type, type, type, type]
    jobs: Any
    search: Any
    feed: Any
    companies: Any
    locations: Any
    #: a client of with_options(): shares its root's transport, closes nothing
    _shared: bool = False
    _root: Any = None

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        environment: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        read_timeout: Optional[float] = None,
        feed_timeout: float = DEFAULT_FEED_TIMEOUT,
        ca_bundle: Optional[str] = None,
        max_retries: int = 2,
        max_wait: float = 60.0,
        deadline: Optional[float] = None,
        max_body: int = DEFAULT_MAX_BODY,
        proxy: Optional[str] = None,
        http_version: str = "auto",
        max_connections: int = 100,
        httpx_client: Any = None,
    ) -> None:
        # from here on no frame holds the raw key in a local (tracebacks that
        # capture locals, as Sentry's do, show <API key, hidden>)
        api_key = Secret(api_key)  # type: ignore[assignment]
        self._transport: Any = None
        if httpx_client is not None:
            raise TypeError(
                "JoboClient does not take an httpx_client: its transport is libcurl in "
                "the C core, not httpx. Pass the settings instead: timeout=, "
                "connect_timeout=, read_timeout=, proxy=, ca_bundle= (see "
                "help(JoboClient))."
            )
        try:
            base = resolve_base_url(environment, base_url)
            self.timeout: float | None = check_timeout("timeout", timeout)
            self.connect_timeout: float | None = check_timeout("connect_timeout", connect_timeout)
            self.read_timeout: float | None = check_timeout("read_timeout", read_timeout, allow_none=True)
            self.feed_timeout: float | None = check_timeout("feed_timeout", feed_timeout)
            self.max_retries: int = _check_max_retries(max_retries)
            self.max_wait: float = _check_max_wait(max_wait)
            self.deadline: float | None = check_timeout("deadline", deadline, allow_none=True)
            self._rate = RateLimitState()
            self._rng = random.Random()
            if isinstance(max_body, bool) or not isinstance(max_body, int) or max_body <= 0:
                raise JoboConfigurationError("max_body must be a positive number of bytes")
            version_code = _http_version_code(http_version)
            if (isinstance(max_connections, bool) or not isinstance(max_connections, int)
                    or not 1 <= max_connections <= 10000):
                raise JoboConfigurationError("max_connections must be an integer from 1 to 10000")
            self.max_connections: int = max_connections
            ca, self._ca_source = resolve_ca_bundle(ca_bundle)
            # what the client pickles as: its configuration, never its key
            self._settings = dict(
                base_url=base, timeout=self.timeout, connect_timeout=self.connect_timeout,
                read_timeout=self.read_timeout, feed_timeout=self.feed_timeout,
                ca_bundle=ca if ca_bundle is not None else None,
                max_retries=max_retries, max_wait=self.max_wait, deadline=self.deadline,
                max_body=max_body, proxy=proxy, http_version=http_version,
                max_connections=max_connections)
            self._transport = _core.Transport(
                base,
                resolve_api_key(api_key).reveal(),  # type: ignore[arg-type]
                USER_AGENT_PREFIX,
                ca_bundle=ca,
                connect_timeout=self.connect_timeout,
                timeout=self.timeout,
                read_timeout=self.read_timeout or 0.0,
                max_body=max_body,
                proxy=check_proxy(proxy),
                http_version=version_code,
            )
        except JoboConfigurationError as exc:
            if _log.enabled():
                _log.refused(exc)
            raise
        self._usage: Optional[Usage] = None
        self._attempts: Any = collections.deque(maxlen=ATTEMPTS_KEPT)
        jobs, feed, companies, locations = self._RESOURCES
        self.jobs = jobs(self)
        #: the official SDK's name for :attr:`jobs` (the same object)
        self.search = self.jobs
        self.feed = feed(self)
        self.companies = companies(self)
        self.locations = locations(self)

    # -- properties -------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The base URL requests go to."""
        return self._transport.base_url

    @property
    def ca_bundle(self) -> Optional[str]:
        """The CA bundle file in use, or None for the system trust store."""
        return self._transport.ca_bundle

    @property
    def ca_source(self) -> str:
        """Where the CA bundle came from: ``"ca_bundle argument"``,
        ``"JOBO_CA_BUNDLE"``, ``"SSL_CERT_FILE"``, ``"certifi"``, ``"system"``."""
        return self._ca_source

    @property
    def usage(self) -> Optional[Usage]:
        """Credits and rate-limit figures of the most recent response."""
        return self._usage

    @property
    def user_agent(self) -> str:
        return self._transport.user_agent

    @property
    def http_version(self) -> str:
        """The HTTP version asked for: ``"auto"``, ``"1.1"`` or ``"2"``."""
        return self._transport.http_version

    def diagnostics(self) -> Dict[str, Any]:
        """:func:`jobo_enterprise.diagnostics` for this client's CA bundle, plus its
        ``http_version`` option and its recent ``attempts`` (oldest first, at most
        32): method, path, attempt number, the HTTP version the answer came in
        (None when no answer came), the status code (None without an answer),
        the exception's class name (None on success), the request id and
        ``elapsed``, the seconds from the request to the answer's last byte
        (None without an answer). No key, no query string."""
        from ._diagnostics import diagnostics

        info = diagnostics(self._transport.ca_bundle)
        info["ca_source"] = self._ca_source
        info["http_version"] = self.http_version
        info["attempts"] = [dict(a) for a in list(self._attempts)]
        return info

    def _note(self, call: Any, attempt: int, info: dict, status: Optional[int],
              error: Optional[BaseException], request_id: Optional[str]) -> None:
        self._attempts.append({
            "method": call.method, "path": call.path, "attempt": attempt + 1,
            "http_version": info.get("http_version"), "status": status,
            "error": type(error).__name__ if error is not None else None,
            "request_id": request_id, "elapsed": info.get("elapsed"),
        })

    @property
    def closed(self) -> bool:
        return self._transport is None or self._transport.closed

    # -- running requests -------------------------------------------------------

    # The steps of one call that every driver shares (jobo_enterprise._run):
    # what happens after an attempt failed or succeeded.

    def _after_failure(self, call: Any, exc: JoboError, attempt: int, stop: Optional[float],
                       started: float, info: Optional[dict], settings: Any) -> float:
        """Record a failed attempt; the wait before the next one, or raise exc.
        ``info`` is what the transport reported of the attempt (its HTTP version)."""
        exc.retries_taken = attempt
        info = info or {}
        self._note(call, attempt, info, getattr(exc, "status_code", None), exc,
                   getattr(exc, "request_id", None))
        if started:
            _log.failure(call, exc, attempt, time.perf_counter() - started, self._mask,
                         info.get("http_version"), max_attempts=settings.max_retries + 1)
        if exc.usage is not None:
            self._usage = exc.usage
        self._rate.update(exc.usage)
        wait = retry_wait(exc, attempt, max_retries=settings.max_retries,
                          max_wait=settings.max_wait, stop=stop, rng=self._rng)
        if wait is None:
            raise exc
        _log.retrying(call, exc, wait, attempt + 1, settings.max_retries + 1, self._mask)
        return wait

    def _after_success(self, call: Any, data: Any, usage: Any, attempt: int,
                       started: float, info: Optional[dict] = None,
                       settings: Any = None) -> Any:
        info = info or {}
        self._note(call, attempt, info, 200, None, usage.request_id)
        if started:
            _log.success(call, usage, attempt, time.perf_counter() - started, self._mask,
                         info.get("http_version"), status=info.get("status", 200),
                         max_attempts=(settings or self).max_retries + 1)
        self._usage = usage
        self._rate.update(usage)
        result = call.finish(data, usage)
        result._set_response_headers(info.get("header_block"))
        if settings is not None and settings.raw:
            return raw_response(call, data, usage, attempt, info, lambda: result)
        return result

    def _mask(self, text: str) -> str:
        """The client's own key masked in text, in any form (for log lines)."""
        return self._transport.mask(text)

    # -- lifecycle --------------------------------------------------------------

    def with_options(
        self: _C,
        *,
        timeout: float = _UNSET,
        max_retries: int = _UNSET,
        max_wait: float = _UNSET,
        deadline: Optional[float] = _UNSET,
        read_timeout: Optional[float] = _UNSET,
        feed_timeout: float = _UNSET,
    ) -> _C:
        """A client with these settings changed, sharing this one's connection
        pool, rate-limit state and key (the key stays in the C transport: it is
        never copied into Python). Options not given keep this client's value.

        >>> patient = client.with_options(max_retries=5, max_wait=120)
        >>> quick = client.with_options(timeout=5, deadline=10)

        Closing a derived client leaves the shared connections open: close the
        client you made. A different key, base URL, CA bundle, proxy or HTTP
        version needs a new client (rate limits are per key, so it has its own
        rate-limit state): those are not options here (a TypeError)."""
        given = {k: v for k, v in (("timeout", timeout), ("max_retries", max_retries),
                                   ("max_wait", max_wait), ("deadline", deadline),
                                   ("read_timeout", read_timeout),
                                   ("feed_timeout", feed_timeout)) if v is not _UNSET}
        checks = {
            "timeout": lambda v: check_timeout("timeout", v),
            "feed_timeout": lambda v: check_timeout("feed_timeout", v),
            "read_timeout": lambda v: check_timeout("read_timeout", v, allow_none=True),
            "deadline": lambda v: check_timeout("deadline", v, allow_none=True),
            "max_retries": _check_max_retries,
            "max_wait": _check_max_wait,
        }
        changed = {name: checks[name](value) for name, value in given.items()}
        clone = object.__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.__dict__.update(changed)
        clone._settings = dict(self._settings, **changed)
        clone._shared = True
        clone._root = self._root or self  # who owns what is shared (the async loop transfers)
        # the resources, bound to the clone (aliases such as .search stay aliases)
        rebound: Dict[int, Any] = {}
        for name, value in list(vars(self).items()):
            if isinstance(value, Resource):
                if id(value) not in rebound:
                    rebound[id(value)] = type(value)(clone)
                setattr(clone, name, rebound[id(value)])
        return clone

    def __reduce__(self) -> Any:
        """A client pickles as its configuration (base URL, timeouts, retries,
        an explicit CA bundle or proxy), never as its key: the copy reads its key
        from ``JOBO_API_KEY`` where it is unpickled. :func:`jobo_enterprise.dask.read_feed`
        also takes a key-provider callable for its workers."""
        return (_from_settings, (type(self), dict(self._settings)))

    def __copy__(self) -> Any:
        return self  # a client is shared, not copied (copy.deepcopy of a config too)

    def __deepcopy__(self, memo: Any) -> Any:
        return self

    def __repr__(self) -> str:
        if self._transport is None:
            return f"<{type(self).__name__} (not configured)>"
        state = " closed" if self._transport.closed else ""
        return (
            f"<{type(self).__name__} base_url={self._transport.base_url!r} "
            f"api_key={self._transport.masked_key!r}{state}>"
        )


class JoboClient(_Client):
    __doc__ = """A client of the Jobo Enterprise API.

    >>> from jobo_enterprise import JoboClient
    >>> client = JoboClient()                  # key from JOBO_API_KEY
    >>> result = client.jobs.search("data engineer", page_size=5)

    Use the client as a context manager or call :meth:`close`. A client is
    safe to share between threads.
    """ + _ARGUMENTS

    _RESOURCES = (JobsSearchClient, JobsFeedClient, CompaniesClient, LocationsClient)
    jobs: JobsSearchClient
    search: JobsSearchClient
    feed: JobsFeedClient
    companies: CompaniesClient
    locations: LocationsClient

    def _execute(self, call: Any, timeout: Optional[float] = None) -> Any:
        """Run a Call (pacing, attempts, retries with backoff: jobo_enterprise._run)
        on this thread; returns its result. ``timeout`` overrides the call's."""
        if timeout is not None:
            call = call.with_options(timeout=timeout)
        steps = Steps(self, call)
        request = self._transport.request
        while not steps.done:
            kind, arg = steps.effect
            try:
                # interruptible: Ctrl-C raises KeyboardInterrupt in either
                outcome = time.sleep(arg) if kind is SLEEP else request(*arg)
            except BaseException as exc:
                steps.fail(exc)
            else:
                steps.ok(outcome)
        return steps.result

    def _iterate(self, plan: Any, shape: str, **options: Any) -> Any:
        """A paging plan (jobo_enterprise._paging) run on this thread, as the
        iterator a resource method returns: ``shape`` "pages" (PageIterator),
        "jobs" (JobIterator) or "ids" (the ``job_ids`` of the pages, one by one)."""
        pages = sync_pages(self, plan)
        if shape == "ids":
            return (job_id for page in pages for job_id in page.job_ids)
        return (JobIterator if shape == "jobs" else PageIterator)(pages, **options)

    def close(self) -> None:
        """Close the client's connections. Further calls raise JoboConfigurationError.
        A client made by :meth:`with_options` leaves the shared connections open."""
        if self._transport is not None and not self._shared:
            self._transport.close()

    def __enter__(self) -> "JoboClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()



class AsyncJoboClient(_Client):
    __doc__ = """The async client of the Jobo Enterprise API: the constructor,
    options, environment variables and validation of :class:`JoboClient`, every
    method a coroutine and every iterator an async iterator.

    >>> async with AsyncJoboClient() as client:
    ...     result = await client.jobs.search("data engineer", page_size=5)
    ...     async for job in client.jobs.iter(queries=["nurse"], max_items=200):
    ...         print(job.title)

    Requests run on the running event loop (asyncio or uvloop): the C core
    drives a libcurl multi handle from the loop, with a keep-alive pool of at
    most ``max_connections`` connections per loop; there is no thread per
    request. Cancelling a task (or ``asyncio.timeout``/``wait_for`` expiring)
    takes its transfer off at once and closes its connection. Results and
    exceptions are those of the sync client; waits (pacing, retries) use
    ``asyncio.sleep``. One client serves successive loops (``asyncio.run``
    called again, a loop per test); using it from two loops running at the
    same time raises :class:`RuntimeError`. Use it with ``async with`` or
    ``await client.close()`` (also ``aclose()``).
    """ + _ARGUMENTS

    _RESOURCES = (AsyncJobsSearchClient, AsyncJobsFeedClient, AsyncCompaniesClient,
                  AsyncLocationsClient)
    jobs: AsyncJobsSearchClient
    search: AsyncJobsSearchClient
    feed: AsyncJobsFeedClient
    companies: AsyncCompaniesClient
    locations: AsyncLocationsClient
    _loop_t: Any = None

    def _execute(self, call: Any, timeout: Optional[float] = None) -> Any:
        """A coroutine that runs a Call on the running loop (jobo_enterprise._aio)."""
        from ._aio import execute

        return execute(self, call if timeout is None else call.with_options(timeout=timeout))

    def _iterate(self, plan: Any, shape: str, **options: Any) -> Any:
        """A paging plan run on the loop, as an async iterator (see JoboClient._iterate)."""
        from ._aio import async_ids, async_pages
        from ._iterators import AsyncJobIterator, AsyncPageIterator

        pages = async_pages(self, plan)
        if shape == "ids":
            return async_ids(pages)
        return (AsyncJobIterator if shape == "jobs" else AsyncPageIterator)(pages, **options)

    def _loop_transport(self) -> Any:
        """This client's transfers on the running loop: made on first use, made
        again on a new loop (the previous loop's are closed)."""
        import asyncio

        from ._aio import LoopTransport

        if self._root is not None:  # a client of with_options(): its root's transfers
            return self._root._loop_transport()
        loop = asyncio.get_running_loop()
        current = self._loop_t
        if current is not None and current.loop is loop:
            return current
        if self._transport.closed:
            raise JoboConfigurationError("this client has been closed")
        if current is not None:
            if current.loop.is_running():
                raise RuntimeError(
                    "this AsyncJoboClient is in use on another event loop that is still "
                    "running; use one client per loop (or close it there first)")
            current.close()
        self._loop_t = LoopTransport(self._transport, loop, self.max_connections)
        return self._loop_t

    def _close_transfers(self) -> None:
        if self._shared:
            return  # a client of with_options(): the root's to close
        if self._loop_t is not None:
            self._loop_t.close()
            self._loop_t = None
        if self._transport is not None:
            self._transport.close()

    async def close(self) -> None:
        """Cancel what still runs, close the client's connections. Further calls
        raise JoboConfigurationError. (The official spelling; also :meth:`aclose`.)"""
        self._close_transfers()

    async def aclose(self) -> None:
        """Same as :meth:`close`."""
        self._close_transfers()

    async def __aenter__(self) -> "AsyncJoboClient":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._close_transfers()


def _from_settings(cls: Any, settings: Any, api_key: Optional[str] = None) -> Any:
    """A client with a pickled client's configuration; the key from ``api_key``,
    else ``JOBO_API_KEY``."""
    try:
        return cls(api_key, **settings)
    except JoboConfigurationError as exc:
        if api_key is None and "No API key" in str(exc):
            raise JoboConfigurationError(
                "a JoboClient is pickled without its key, and JOBO_API_KEY is not set in "
                "this process: set it here (or give jobo_enterprise.dask.read_feed an "
                "api_key callable)") from None
        raise
