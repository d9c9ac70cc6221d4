"""ISO-8601 date-time parsing and formatting for the wire.

The API sends date-times as ISO-8601 strings, normally in UTC with a ``Z``
suffix (``2024-05-01T12:34:56.123Z``), but older servers and other tools also
produce ``+hh:mm`` offsets, no offset at all, fractional seconds of any length
or a bare date. :func:`parse_datetime` reads all of these into a timezone-aware
:class:`~datetime.datetime`; :func:`format_datetime` writes the form the API
prefers.

Python 3.11+ has a complete ISO-8601 reader in :meth:`datetime.fromisoformat`,
which is used as the fast path. Python 3.9 and 3.10 reject ``Z`` and fractions
other than 3 or 6 digits, so there the fast path only covers the shapes that
version accepts and everything else goes through a regular expression.
"""

from __future__ import annotations

import re
import sys
from datetime import date, datetime, timedelta, timezone
from typing import Any, Optional, Union

__all__ = ["parse_datetime", "format_datetime", "datetime_from_epoch", "UTC"]

#: The UTC timezone singleton used for every UTC value this module returns.
UTC = timezone.utc

_fromisoformat = datetime.fromisoformat

if sys.version_info >= (3, 11):  # pragma: no cover - depends on the interpreter

    def _fast_parse(s: str) -> datetime:
        return _fromisoformat(s)

else:  # pragma: no cover - depends on the interpreter

    def _fast_parse(s: str) -> datetime:
        # 3.9/3.10: fromisoformat knows "+00:00" but not "Z"; other rejected
        # shapes raise ValueError and fall through to the regex.
        if s[-1:] == "Z":
            s = s[:-1] + "+00:00"
        return _fromisoformat(s)


# Extended ISO-8601: date, optional time (minutes and seconds optional,
# fraction of any length with "." or ","), optional "Z" / "±hh[:mm[:ss]]".
_ISO_RE = re.compile(
    r"""
    \s*
    (?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})
    (?:
        [Tt\ ]
        (?P<hour>\d{2})
        (?::(?P<minute>\d{2})
            (?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?
        )?
        \s*
        (?:
            (?P<utc>[Zz])
            |
            (?P<sign>[+-])(?P<oh>\d{2})(?::?(?P<om>\d{2}))?(?::?(?P<os>\d{2}))?
        )?
    )?
    \s*\Z
    """,
    re.VERBOSE,
)


def _slow_parse(s: str) -> Optional[datetime]:
    """Parse *s* with the regular expression; ``None`` if it is not ISO-8601."""
    m = _ISO_RE.match(s)
    if m is None:
        return None
    g = m.group
    try:
        tz: Optional[timezone] = None
        if g("utc"):
            tz = UTC
        elif g("sign"):
            offset = timedelta(
                hours=int(g("oh")), minutes=int(g("om") or 0), seconds=int(g("os") or 0)
            )
            if offset >= timedelta(hours=24):
                return None
            tz = UTC if not offset else timezone(-offset if g("sign") == "-" else offset)
        hour = int(g("hour") or 0)
        minute = int(g("minute") or 0)
        second = int(g("second") or 0)
        fraction = g("fraction") or ""
        micro = int((fraction + "000000")[:6]) if fraction else 0
        extra = timedelta(0)
        if hour == 24 and not (minute or second or micro):
            # "24:00:00" is the end of the day, i.e. the next midnight.
            hour, extra = 0, timedelta(days=1)
        if second == 60:
            # A leap second cannot be represented; keep the last whole second.
            second = 59
        dt = datetime(
            int(g("year")), int(g("month")), int(g("day")),
            hour, minute, second, micro, tzinfo=tz or UTC,
        )
        return dt + extra if extra else dt
    except (ValueError, OverflowError):
        return None


def parse_datetime(value: Any) -> Any:
    """Read a wire date-time into a timezone-aware :class:`~datetime.datetime`.

    Accepted strings (extended ISO-8601): ``YYYY-MM-DD``,
    ``YYYY-MM-DDTHH:MM[:SS[.f…]]`` with ``T``, ``t`` or a space between date
    and time, a fraction of any length (beyond microseconds it is truncated)
    and an optional ``Z`` or ``±hh[:mm]`` offset. A value without an offset is
    taken as UTC, as is a bare date (midnight UTC). The offset of the input is
    kept (``+02:00`` stays ``+02:00``); UTC inputs get :data:`UTC`.

    Other inputs: ``None`` gives ``None``; a :class:`datetime` is returned
    (made aware as UTC if naive); a :class:`date` becomes midnight UTC; an
    ``int``/``float`` is read as Unix epoch seconds.

    **An unparsable string is not an error**: it is returned unchanged, so one
    malformed value from a server never makes a whole page unreadable. Check
    ``isinstance(value, datetime)`` where that matters. Values of any other type
    are returned unchanged too.

    >>> parse_datetime("2024-05-01T12:34:56.5Z")
    datetime.datetime(2024, 5, 1, 12, 34, 56, 500000, tzinfo=datetime.timezone.utc)
    >>> parse_datetime("2024-05-01")
    datetime.datetime(2024, 5, 1, 0, 0, tzinfo=datetime.timezone.utc)
    >>> parse_datetime("yesterday")
    'yesterday'
    """
    dt: Optional[datetime]
    if type(value) is str:
        try:
            dt = _fast_parse(value)
        except ValueError:
            dt = _slow_parse(value)
            if dt is None:
                return value
        if dt.tzinfo is None:
            return dt.replace(tzinfo=UTC)
        return dt
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        dt = datetime_from_epoch(value)
        return value if dt is None else dt
    if isinstance(value, str):  # a str subclass
        return parse_datetime(str.__str__(value))
    return value


def datetime_from_epoch(seconds: Union[int, float, None]) -> Optional[datetime]:
    """Unix epoch seconds → aware UTC :class:`datetime`; ``None`` if out of range.

    >>> datetime_from_epoch(0)
    datetime.datetime(1970, 1, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def format_datetime(value: Any) -> Any:
    """Write a date-time the way the API prefers: ISO-8601 in UTC with ``Z``.

    - an aware :class:`datetime` is converted to UTC;
    - a naive :class:`datetime` is taken to be UTC already;
    - a :class:`date` means midnight UTC of that day;
    - an ``int``/``float`` is read as Unix epoch seconds;
    - a ``str`` is passed through unchanged (the caller vouches for it);
    - ``None`` gives ``None``.

    Microseconds are written only when non-zero.

    >>> from datetime import datetime, timedelta, timezone
    >>> format_datetime(datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))))
    '2024-05-01T12:00:00Z'
    >>> format_datetime(datetime(2024, 5, 1, 12, 0, 0, 250000))
    '2024-05-01T12:00:00.250000Z'

    :raises TypeError: for any other type.
    """
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None).isoformat() + "Z"
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, date):
        return value.isoformat() + "T00:00:00Z"
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        dt = datetime_from_epoch(value)
        if dt is None:
            raise ValueError(f"epoch seconds out of range: {value!r}")
        return format_datetime(dt)
    raise TypeError(
        f"expected a datetime, date, ISO-8601 string or epoch seconds, "
        f"got {type(value).__name__}"
    )
