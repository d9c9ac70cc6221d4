"""Usage: the credit and rate-limit figures of one response.

A leaf module (it imports nothing of the package but the leaves ``_time`` and
``_wait``), so that the C
core can import it on first use without importing the models, which import
the C core. Public as ``jobo_enterprise.Usage`` and ``jobo_enterprise.models.Usage``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Optional, Tuple, Union

from ._time import datetime_from_epoch, format_datetime
from ._wait import header_wait

__all__ = ["Usage"]


class Usage:
    """Credit and rate-limit figures of one response (from its headers).

    All fields are ``None`` when the server did not send the header.

    Attributes:
        credits_used: credits this request consumed (``X-Credits-Used`` /
            ``X-Credits-Deducted``); a float when the server reports fractions.
        credits_remaining: credits left in the billing period
            (``X-Credits-Remaining`` / ``X-Credits-Balance``).
        credits_required: credits the request would have needed (402 only).
        rate_limit_limit: requests allowed per window.
        rate_limit_remaining: requests left in the current window.
        rate_limit_reset: when the window resets (aware UTC datetime).
        retry_after: seconds to wait before retrying (429/503), as a float.
        request_id: the ``X-Request-Id`` to quote to support.
        date: the server's ``Date`` header (aware UTC datetime).

    Instances are immutable and hashable.
    """

    __slots__ = (
        "credits_used",
        "credits_remaining",
        "credits_required",
        "rate_limit_limit",
        "rate_limit_remaining",
        "rate_limit_reset",
        "retry_after",
        "request_id",
        "date",
    )

    credits_used: Union[int, float, None]
    credits_remaining: Union[int, float, None]
    credits_required: Union[int, float, None]
    rate_limit_limit: Optional[int]
    rate_limit_remaining: Optional[int]
    rate_limit_reset: Optional[datetime]
    retry_after: Optional[float]
    request_id: Optional[str]
    date: Optional[datetime]

    def __init__(
        self,
        credits_used: Union[int, float, None] = None,
        credits_remaining: Union[int, float, None] = None,
        credits_required: Union[int, float, None] = None,
        rate_limit_limit: Optional[int] = None,
        rate_limit_remaining: Optional[int] = None,
        rate_limit_reset: Optional[datetime] = None,
        retry_after: Optional[float] = None,
        request_id: Optional[str] = None,
        date: Optional[datetime] = None,
    ) -> None:
        put = object.__setattr__
        put(self, "credits_used", credits_used)
        put(self, "credits_remaining", credits_remaining)
        put(self, "credits_required", credits_required)
        put(self, "rate_limit_limit", rate_limit_limit)
        put(self, "rate_limit_remaining", rate_limit_remaining)
        put(self, "rate_limit_reset", rate_limit_reset)
        put(self, "retry_after", None if retry_after is None else float(retry_after))
        put(self, "request_id", request_id)
        put(self, "date", date)

    @classmethod
    def _from_core(
        cls,
        *,
        credits_used: Union[int, float, None],
        credits_remaining: Union[int, float, None],
        credits_required: Union[int, float, None],
        rate_limit_limit: Optional[int],
        rate_limit_remaining: Optional[int],
        rate_limit_reset_epoch: Union[int, float, None],
        retry_after_seconds: Optional[float],
        request_id: Optional[str],
        date_epoch: Union[int, float, None],
        retry_after_date_epoch: Union[int, float, None] = None,
    ) -> "Usage":
        """Build from the raw figures the C core parsed from the headers, passed
        by name; the epochs (seconds) become aware UTC datetimes, and
        ``Retry-After`` (delta-seconds, or an HTTP-date as an epoch) becomes
        ``retry_after`` by :func:`jobo_enterprise._wait.header_wait`."""
        # positionally, in __init__'s order (once per response: the cheaper call)
        return cls(
            credits_used,
            credits_remaining,
            credits_required,
            rate_limit_limit,
            rate_limit_remaining,
            datetime_from_epoch(rate_limit_reset_epoch),
            header_wait(retry_after_seconds, retry_after_date_epoch, date_epoch),
            request_id,
            datetime_from_epoch(date_epoch),
        )

    def _astuple(self) -> Tuple[Any, ...]:
        return tuple(getattr(self, n) for n in Usage.__slots__)

    def to_dict(self) -> Dict[str, Any]:
        """The figures as a JSON-ready dict (date-times as ISO-8601 ``Z``)."""
        out: Dict[str, Any] = {}
        for name in Usage.__slots__:
            value = getattr(self, name)
            out[name] = format_datetime(value) if isinstance(value, datetime) else value
        return out

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Usage is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Usage is immutable")

    def __eq__(self, other: object) -> bool:
        if type(other) is not Usage:
            return NotImplemented
        return self._astuple() == other._astuple()

    def __hash__(self) -> int:
        return hash(self._astuple())

    def __reduce__(self) -> Tuple[Any, ...]:
        return (Usage, self._astuple())

    def __repr__(self) -> str:
        parts = [
            f"{name}={getattr(self, name)!r}"
            for name in Usage.__slots__
            if getattr(self, name) is not None
        ]
        return f"Usage({', '.join(parts)})"
