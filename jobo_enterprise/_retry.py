"""Retry policy and rate-limit pacing, shared by the sync and async clients.

Only the decisions live here (is this failure worth another attempt, how long
to wait, must the next call wait for the rate-limit window); the clients do
the sleeping, so a sync client sleeps interruptibly and an async one awaits
(see :mod:`jobo_enterprise._run`). How long the *server* asked to wait is
weighed in one place, :func:`jobo_enterprise._wait.server_wait`.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Optional

from ._wait import server_wait
from .exceptions import (
    JoboConnectionError,
    JoboError,
    JoboRateLimitError,
    JoboServerError,
    JoboTLSError,
)

BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
RETRY_STATUSES = frozenset({429, 502, 503, 504})
# transfer failures where no response arrived (see csrc/errors.c failure_code)
RETRY_CONNECTION_CODES = frozenset(
    {"connect_failed", "connect_timeout", "dns_failed", "connection_reset", "connection_failed"}
)


def is_retryable(exc: JoboError) -> bool:
    """429, 502, 503, 504, and connection failures where no response arrived."""
    if isinstance(exc, JoboTLSError):
        return False
    if isinstance(exc, (JoboRateLimitError, JoboServerError)):
        return exc.status_code in RETRY_STATUSES
    if isinstance(exc, JoboConnectionError):
        return exc.code in RETRY_CONNECTION_CODES
    return False


def asked_wait(exc: JoboError) -> Optional[float]:
    """The wait the server asked for with this failure, in seconds, or None:
    :func:`jobo_enterprise._wait.server_wait` over the raw figures of its
    response (the same rule that gave ``JoboRateLimitError.retry_after``)."""
    if exc.usage is None and exc.response_body is None:
        return None  # no response arrived
    wait = server_wait(exc.status_code, exc.usage, exc.response_body)
    return None if wait is None else wait[0]


def retry_wait(exc: JoboError, attempt: int, *, max_retries: int, max_wait: float,
               stop: Optional[float], rng: random.Random) -> Optional[float]:
    """Seconds to wait before the next attempt of a call after ``exc`` ended
    its attempt number ``attempt`` (0 = the first), or None to raise ``exc``.

    None when the retries are spent or the failure is not worth another
    attempt (:func:`is_retryable`); when the server asks for longer than
    ``max_wait``; or when the wait would end past ``stop`` (the call's
    deadline, on the monotonic clock). Else the server's wait, or full-jitter
    backoff when it named none.
    """
    if attempt >= max_retries or not is_retryable(exc):
        return None
    asked = asked_wait(exc)
    if asked is not None and asked > max_wait:
        return None  # the server wants longer than we may wait: raise at once
    wait = asked if asked is not None else backoff(attempt, rng)
    if stop is not None and time.monotonic() + wait >= stop:
        return None
    return wait


def backoff(attempt: int, rng: random.Random) -> float:
    """Full-jitter exponential backoff: uniform(0, min(cap, base * 2**attempt))."""
    return rng.uniform(0.0, min(BACKOFF_CAP, BACKOFF_BASE * (2 ** attempt)))


class RateLimitState:
    """Client-side pacing against the key's rate-limit window, shared by every
    request of one client (threads, prefetched pages, and the async client).

    A state machine behind one lock, with no thread-specific waiting:
    :meth:`acquire` either hands out one request of the window (returns 0) or
    says how long to wait before asking again, and the caller sleeps its own
    way (``time.sleep``, driving its transfers, ``await asyncio.sleep``). Every
    request that took a slot reports back with :meth:`update`, with the answer's
    :class:`~jobo_enterprise.models.Usage` or ``None`` (no figures).

    States:

    - ``unknown``: nothing heard yet. The first request goes alone (a probe);
      the others wait for its answer, except the opening window of an explicit
      ``prefetch`` (``acquire(unprobed=True)``), which goes along with it.
    - ``free``: the server sent no rate-limit figures; nothing is paced.
    - ``window``: ``remaining`` requests left until ``reset`` (epoch). Each
      acquire takes one; with none left, wait for the reset.
    - ``assumed``: the window reset and no answer of the new one has come yet.
      It is assumed to allow the last known ``X-RateLimit-Limit``, and those
      slots are handed out; once they are gone, wait for the first answer of
      the new window, which gives its real ``remaining`` and ``reset``.

    Answers arriving out of order cannot raise the count of a window: within
    one window the smaller ``remaining`` wins, and answers of an earlier
    window are ignored.
    """

    __slots__ = ("_lock", "_state", "_limit", "_remaining", "_reset", "_prev_reset", "_since")

    POLL = 0.02  # seconds between asks while a probe or a new window is awaited
    ASSUMED_GIVE_UP = 5.0  # an assumed window with no answer at all: start another

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state = "unknown"
        self._limit: Optional[int] = None
        self._remaining = 0
        self._reset: Optional[float] = None
        self._prev_reset: Optional[float] = None
        self._since = 0.0

    @property
    def state(self) -> str:
        """``unknown``, ``probing``, ``free``, ``window`` or ``assumed``."""
        return self._state

    def acquire(self, now: Optional[float] = None, *, unprobed: bool = False) -> float:
        """Take one request of the window: 0 to go, else seconds to wait before
        asking again. ``unprobed``: the request goes along with the probe instead
        of waiting for its answer (the opening window of an explicit prefetch,
        which the caller asked to have in flight at once); it is no probe itself."""
        now = time.time() if now is None else now
        with self._lock:
            state = self._state
            if unprobed and state in ("unknown", "probing"):
                return 0.0
            if state == "unknown":
                self._state = "probing"
                self._since = now
                return 0.0
            if state == "probing":
                return self.POLL
            if state == "free":
                return 0.0
            if state == "window" and now >= self._reset:  # type: ignore[operator]
                self._assume(now)
                state = "assumed"
            if state == "assumed" and self._remaining <= 0 and now - self._since > self.ASSUMED_GIVE_UP:
                self._assume(now)
            if self._remaining > 0:
                self._remaining -= 1
                return 0.0
            if state == "assumed":
                return self.POLL
            return max(self.POLL, self._reset - now)  # type: ignore[operator]

    def _assume(self, now: float) -> None:
        self._state = "assumed"
        self._remaining = self._limit or 1
        if self._reset is not None:
            self._prev_reset = self._reset
        self._reset = None
        self._since = now

    def update(self, usage: object) -> None:
        """Report the answer of a request that acquired (``None``: none came)."""
        limit = getattr(usage, "rate_limit_limit", None) if usage is not None else None
        remaining = getattr(usage, "rate_limit_remaining", None) if usage is not None else None
        reset_dt = getattr(usage, "rate_limit_reset", None) if usage is not None else None
        with self._lock:
            if remaining is None or reset_dt is None:
                if self._state == "probing":
                    # the probe's answer had no figures: don't pace (until some come)
                    self._state = "free" if usage is not None else "unknown"
                return
            reset = reset_dt.timestamp()
            if limit is not None:
                self._limit = limit
            state = self._state
            if state in ("unknown", "probing", "free"):
                self._state, self._remaining, self._reset = "window", remaining, reset
            elif state == "window":
                if abs(reset - self._reset) < 1.0:  # type: ignore[operator]
                    self._remaining = min(self._remaining, remaining)
                elif reset > self._reset:  # type: ignore[operator]
                    # a new window began: slots handed out since are counted
                    self._assume(time.time())
                    self._remaining = min(self._remaining, remaining)
                    self._state, self._reset = "window", reset
                # else: an answer from an earlier window
            elif self._prev_reset is not None and reset < self._prev_reset + 1.0:
                return  # assumed, but this answer is from the window before
            else:  # assumed: the first answer of the new window
                self._remaining = min(self._remaining, remaining)
                self._state, self._reset = "window", reset
