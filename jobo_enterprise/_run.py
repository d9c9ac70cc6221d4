"""How a client runs one :class:`~jobo_enterprise.resources._base.Call`: the
policy written once, for every driver.

:func:`run_call` is a generator of *effects*: it does no I/O itself. It yields

- ``(SLEEP, seconds)``: wait that long (rate-limit pacing, the wait before a
  retry), then send it ``None``;
- ``(SEND, args)``: perform one attempt, ``transport.request(*args)`` (method,
  path, query, body, timeout, model, info), and send it the ``(data, usage)``
  the C core returns, or throw in whatever the attempt raised;

and returns the call's result (StopIteration's value). The steps of one
attempt, in order: *prepare* (the call's settings, the deadline, pacing),
*transport* (the driver), *interpret* (the C core's typed result or typed
exception, then :meth:`Call.finish`), *decide* (:func:`jobo_enterprise._retry.retry_wait`:
give up, or how long to wait before the next attempt).

A driver only performs effects: :class:`Steps` is the bookkeeping every driver
shares, and there is one driver per way of waiting: the sync client's
(``time.sleep``, ``Transport.request``), the prefetch engine's (a multi handle
driven from the caller's thread) and the async client's (``asyncio.sleep``, the
loop-driven multi handle). Nothing of the policy is in a driver.
"""

from __future__ import annotations

import time
from typing import Any, Dict, Generator, Optional, Tuple

from . import _log
from ._config import check_timeout
from ._retry import retry_wait
from .exceptions import JoboError, JoboTimeoutError

__all__ = ["SLEEP", "SEND", "Steps", "run_call"]

SLEEP = "sleep"
SEND = "send"

Effect = Tuple[str, Any]


class Settings:
    """The settings one call runs with: the client's, overridden by the call's
    own options (``Call.options``: ``timeout``, ``max_retries``, ``max_wait``,
    ``deadline``)."""

    __slots__ = ("timeout", "max_retries", "max_wait", "deadline", "default_timeout",
                 "read_timeout", "raw", "unprobed")

    def __init__(self, client: Any, call: Any) -> None:
        options: Dict[str, Any] = call.options or {}
        timeout = options.get("timeout")
        if timeout is None:
            # the client's own (a client of with_options may differ from its transport's)
            self.timeout: Optional[float] = (
                client.feed_timeout if call.timeout_kind == "feed" else client.timeout)
        else:
            self.timeout = check_timeout("timeout", timeout)
        read_timeout = options.get("read_timeout", client.read_timeout)
        #: the stall limit of each attempt (0: off)
        self.read_timeout: float = read_timeout or 0.0
        #: the call answers a RawResponse (with_raw_response)
        self.raw: bool = bool(options.get("raw"))
        #: the first attempt goes without waiting for the rate-limit probe's answer
        #: (set by a paging plan on its opening window: jobo_enterprise._paging)
        self.unprobed: bool = bool(options.get("unprobed"))
        #: the total timeout an attempt has when the call sets none
        self.default_timeout: Optional[float] = client.timeout
        self.max_retries: int = options.get("max_retries", client.max_retries)
        self.max_wait: float = options.get("max_wait", client.max_wait)
        self.deadline: Optional[float] = options.get("deadline", client.deadline)


def run_call(client: Any, call: Any) -> Generator[Effect, Any, Any]:
    """The effects of running ``call`` on ``client``; see the module's docstring."""
    settings = Settings(client, call)
    stop = time.monotonic() + settings.deadline if settings.deadline is not None else None
    rate = client._rate
    attempt = 0
    while True:
        # prepare: take a request of the rate-limit window, waiting (<= max_wait)
        # rather than spending a request on a certain 429
        while True:
            wait = rate.acquire(unprobed=settings.unprobed and attempt == 0)
            took = wait <= 0  # a slot of the window is this attempt's now
            if took or wait > settings.max_wait:
                break
            if stop is not None and time.monotonic() + wait >= stop:
                break
            if wait > rate.POLL:  # not the short polls while the first answer is awaited
                _log.pacing(wait)
            yield SLEEP, wait
        attempt_timeout = settings.timeout
        if stop is not None:
            left = stop - time.monotonic()
            if left <= 0:
                if took:
                    rate.update(None)  # the slot taken comes to nothing
                raise JoboTimeoutError(
                    f"the deadline of {settings.deadline:g} s passed before attempt "
                    f"{attempt + 1}", code="deadline", retries_taken=attempt)
            attempt_timeout = min(attempt_timeout or settings.default_timeout or left, left)
        started = time.perf_counter() if _log.enabled() else 0.0
        info: Dict[str, Any] = {"raw": True} if settings.raw else {}
        # transport
        try:
            data, usage = yield SEND, (call.method, call.path, call.query, call.body,
                                       attempt_timeout, call.model, info, call.headers,
                                       settings.read_timeout)
        except JoboError as exc:
            # interpret + decide
            wait = client._after_failure(call, exc, attempt, stop, started, info, settings)
            yield SLEEP, wait
            attempt += 1
            continue
        except BaseException:
            rate.update(None)  # interrupted or cancelled: the slot came to nothing
            raise
        return client._after_success(call, data, usage, attempt, started, info, settings)


class Steps:
    """A :func:`run_call` generator as a driver sees it: the effect to perform
    now (:attr:`effect`), then :meth:`ok` with its outcome or :meth:`fail`
    with what it raised; :attr:`done` and :attr:`result` once the call is over
    (its exception propagates out of ``ok``/``fail``)."""

    __slots__ = ("_gen", "effect", "done", "result")

    def __init__(self, client: Any, call: Any) -> None:
        self._gen = run_call(client, call)
        self.done = False
        self.result: Any = None
        self.effect: Effect = self._step(None, None)

    def _step(self, outcome: Any, error: Optional[BaseException]) -> Any:
        try:
            if error is not None:
                return self._gen.throw(error)
            return self._gen.send(outcome)
        except StopIteration as stop:
            self.done = True
            self.result = stop.value
            return None

    def ok(self, outcome: Any = None) -> None:
        self.effect = self._step(outcome, None)

    def fail(self, error: BaseException) -> None:
        self.effect = self._step(None, error)

    def close(self) -> None:
        """Abandon the call (a driver cancelled it between effects)."""
        self._gen.close()
