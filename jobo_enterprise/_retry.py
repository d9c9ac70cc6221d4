"""Retry policy and rate-limit pacing, shared by the sync and async clients.

Only the decisions live here (is this failure worth another attempt, how long
to wait, must the next call wait for the rate-limit window); the clients do
the sleeping, so a sync client sleeps interruptibly and an async one awaits.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Optional

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


def server_wait(exc: JoboError) -> Optional[float]:
    """The wait the server asked for, in seconds, or None.

    In order: ``Retry-After`` (seconds, or an HTTP-date measured against the
    server's ``Date``), the 429 body's ``retryAfter`` epoch, then
    ``X-RateLimit-Reset`` when no requests remain. The C core has already
    applied that order to ``JoboRateLimitError.retry_after``.
    """
    if isinstance(exc, JoboRateLimitError) and exc.retry_after is not None:
        return max(0.0, float(exc.retry_after))
    usage = exc.usage
    if usage is not None and usage.retry_after is not None:
        return max(0.0, float(usage.retry_after))
    return None


def backoff(attempt: int, rng: random.Random) -> float:
    """Full-jitter exponential backoff: uniform(0, min(cap, base * 2**attempt))."""
    return rng.uniform(0.0, min(BACKOFF_CAP, BACKOFF_BASE * (2 ** attempt)))


class RateLimitState:
    """The rate-limit figures seen by a client, shared by its threads.

    Each request takes one of the requests left in the window before it is sent
    (:meth:`acquire`), so threads racing for the window's last slot do not all
    spend it; answers (:meth:`update`) that arrive out of order cannot raise
    the count for the same window again.
    """

    __slots__ = ("_lock", "_remaining", "_reset")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._remaining: Optional[int] = None
        self._reset: Optional[float] = None

    def update(self, usage: object) -> None:
        if usage is None:
            return
        remaining = getattr(usage, "rate_limit_remaining", None)
        reset = getattr(usage, "rate_limit_reset", None)
        if remaining is None:
            return
        new_reset = reset.timestamp() if reset is not None else None
        with self._lock:
            known, known_reset = self._remaining, self._reset
            if known is not None and known_reset is not None and new_reset is not None:
                if abs(new_reset - known_reset) < 1.0:  # the same window
                    self._remaining = min(known, remaining)
                    return
                if new_reset < known_reset:  # an answer from an earlier window
                    return
            self._remaining = remaining
            self._reset = new_reset

    def acquire(self, now: Optional[float] = None) -> float:
        """Take one request of the window: 0 when one is left (or the figures are
        unknown), else the seconds until the window resets."""
        with self._lock:
            if self._remaining is None or self._reset is None:
                return 0.0
            delta = self._reset - (time.time() if now is None else now)
            if delta <= 0:
                self._remaining = None
                return 0.0
            if self._remaining > 0:
                self._remaining -= 1
                return 0.0
            return delta

    def window_passed(self) -> None:
        with self._lock:
            self._remaining = None
            self._reset = None
