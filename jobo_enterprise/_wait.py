"""How long the server asks a client to wait: the one place that decides it.

The C core reports the raw figures of a response and decides nothing: the
``Retry-After`` header as it came (delta-seconds, or an HTTP-date as an epoch),
the server's ``Date``, the ``X-RateLimit-Reset`` epoch and ``X-RateLimit-Remaining``,
and the decoded error body (whose 429 form carries ``retryAfter``, an epoch, or
``retry_after_seconds``). :func:`server_wait` weighs them, and everything that
shows or uses a wait reads it from there: :attr:`Usage.retry_after
<jobo_enterprise.models.Usage.retry_after>`, :attr:`JoboRateLimitError.retry_after
<jobo_enterprise.JoboRateLimitError.retry_after>` and ``retry_at``, and the retry
policy of the sync and async clients (:mod:`jobo_enterprise._retry`).

A leaf module (standard library only): the C core reaches it through
``_usage`` and ``exceptions`` without importing the package.
"""

from __future__ import annotations

import re
import time
from typing import Any, Optional, Tuple

__all__ = ["header_wait", "server_wait"]

#: the largest figure taken from a body (anything bigger is ignored as absurd)
MAX_FIGURE = 1e12
#: a body figure above this is an epoch (as documented), below it a number of seconds
EPOCH_FROM = 1e9
_DECIMAL = re.compile(r"[0-9]*\.?[0-9]*\Z")


def header_wait(retry_after_seconds: Optional[float], retry_after_date: Optional[float],
                date: Optional[float], now: Optional[float] = None) -> Optional[float]:
    """The wait a ``Retry-After`` header asks for, in seconds (>= 0), or None.

    ``retry_after_seconds`` is its delta-seconds form, ``retry_after_date`` its
    HTTP-date form as an epoch, measured against the server's ``Date`` (an
    epoch) when it sent one, else against ``now`` (this machine's clock), so a
    client whose clock is off still waits what the server meant.
    """
    if retry_after_seconds is not None:
        return max(0.0, float(retry_after_seconds))
    if retry_after_date is not None:
        base = date if date is not None else (time.time() if now is None else now)
        return max(0.0, float(retry_after_date - base))
    return None


def body_figure(body: Any, name: str) -> Optional[float]:
    """A finite figure >= 0 from an error body: a JSON number, or a plain decimal
    string (``"12"``, ``"12.5"``, at most 18 digits). NaN, ``"inf"``, hex,
    exponents in strings, negatives and absurd values are ignored, so a
    hostile body cannot produce an absurd wait."""
    if not isinstance(body, dict):
        return None
    value = body.get(name)
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        digits = sum(c.isdigit() for c in value)
        if not value.isascii() or not _DECIMAL.match(value) or not 0 < digits <= 18:
            return None
        value = float(value)
    if not isinstance(value, (int, float)):
        return None
    value = float(value)
    if not 0.0 <= value <= MAX_FIGURE:  # NaN fails both comparisons
        return None
    return value


def server_wait(status: Optional[int], usage: Any, body: Any = None,
                now: Optional[float] = None) -> Optional[Tuple[float, float]]:
    """``(seconds, at)``: how long the server asks to wait before the next
    attempt (>= 0) and the epoch when that is, or None when it does not say.

    In order:

    1. ``Retry-After`` (any status; :attr:`Usage.retry_after`, measured
       against the server's ``Date``);
    and for a 429 only:
    2. the body's ``retryAfter``: an epoch as documented (a small figure is
       taken as seconds);
    3. the body's ``retry_after_seconds``;
    4. ``X-RateLimit-Reset`` when no request remains in the window.

    ``usage`` is the response's :class:`~jobo_enterprise.models.Usage` (or
    None), ``body`` its decoded error body, ``now`` the epoch to measure from
    (default: now).
    """
    now = time.time() if now is None else now
    after = getattr(usage, "retry_after", None) if usage is not None else None
    if after is not None:
        date = getattr(usage, "date", None)
        base = date.timestamp() if date is not None else now
        return max(0.0, after), base + max(0.0, after)
    if status != 429:
        return None
    value = body_figure(body, "retryAfter")
    if value is not None:
        if value > EPOCH_FROM:
            return max(0.0, value - now), value
        return value, now + value
    value = body_figure(body, "retry_after_seconds")
    if value is not None:
        return value, now + value
    reset = getattr(usage, "rate_limit_reset", None) if usage is not None else None
    remaining = getattr(usage, "rate_limit_remaining", None)
    if reset is not None and not remaining:
        at = reset.timestamp()
        return max(0.0, at - now), at
    return None


def retry_fields(status: Optional[int], usage: Any, body: Any) -> dict:
    """The ``retry_after`` and ``retry_at`` keywords of the exception the C
    core raises for an HTTP failure (empty when the server gave no wait)."""
    wait = server_wait(status, usage, body)
    if wait is None:
        return {}
    from datetime import datetime, timezone

    after, at = wait
    try:
        when: Optional[datetime] = datetime.fromtimestamp(at, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        when = None
    return {"retry_after": after, "retry_at": when}
