"""Feed pages, expired ids and the feed request bodies (``/api/jobs/feed``...)."""

from __future__ import annotations

from datetime import datetime
from typing import Iterator, List, Optional
from uuid import UUID

from ._fields import Model, _Response, _str, _bool, _int, _datetime, _models, _strs, _uuids
from .jobs import Job

__all__ = [
    "FeedPage",
    "JobFeedResponse",
    "ExpiredJobIdsResponse",
    "LocationFilter",
    "JobFeedRequest",
    "ManagedJobFeedRequest",
]


class FeedPage(_Response):
    """One page of the jobs feed (``POST /api/jobs/feed`` and ``/feed/managed``).
    Also available as ``JobFeedResponse``.

    Attributes:
        jobs: the jobs of this page (list of :class:`Job`).
        next_cursor: cursor of the next page, or ``None``.
        has_more: whether another page follows; stop when it is false or
            there is no cursor.
        estimated_total: estimated size of the whole scan (first page only).
        usage: the response's :class:`Usage`.

    Iterating a page yields its jobs; ``len()`` is the number of jobs (so an
    empty page is falsy).
    """

    __slots__ = ()
    _repr_fields = ("jobs", "has_more", "next_cursor", "estimated_total")

    jobs: List[Job] = _models(Job, default_factory=list)
    next_cursor: Optional[str] = _str(default=None)
    has_more: bool = _bool(default=False)
    estimated_total: Optional[int] = _int(default=None)

    def __iter__(self) -> Iterator[Job]:
        return iter(self.jobs)

    def __len__(self) -> int:
        return len(self.jobs)


JobFeedResponse = FeedPage


class ExpiredJobIdsResponse(_Response):
    """One page of expired job ids (``GET /api/jobs/expired``).

    Attributes: ``job_ids`` (list of UUID), ``next_cursor`` (str or
    ``None``), ``has_more`` (bool), ``usage``.
    """

    __slots__ = ()
    _repr_fields = ("job_ids", "has_more", "next_cursor")

    job_ids: List[UUID] = _uuids(default_factory=list)
    next_cursor: Optional[str] = _str(default=None)
    has_more: bool = _bool(default=False)


class LocationFilter(Model):
    """A location filter of the feed; missing parts are wildcards.

    >>> LocationFilter(country="US", city=None).to_dict()
    {'country': 'US'}
    """

    __slots__ = ()
    _omit_none = True

    country: Optional[str] = _str(default=None)
    region: Optional[str] = _str(default=None)
    city: Optional[str] = _str(default=None)


class JobFeedRequest(Model):
    """Body of ``POST /api/jobs/feed``.

    Fields: ``locations`` (list of :class:`LocationFilter`), ``sources``,
    ``work_models``, ``employment_types``, ``experience_levels`` (lists of
    str; enum members accepted), ``posted_after``, ``updated_after``
    (datetimes), ``stable_scan`` (bool), ``cursor`` (str) and ``batch_size``
    (1–1000, default 1000). A continuation sends the cursor alone: the cursor
    carries the original filters.
    """

    __slots__ = ()
    _omit_none = True

    locations: Optional[List[LocationFilter]] = _models(LocationFilter, default=None)
    sources: Optional[List[str]] = _strs(default=None)
    work_models: Optional[List[str]] = _strs(default=None)
    employment_types: Optional[List[str]] = _strs(default=None)
    experience_levels: Optional[List[str]] = _strs(default=None)
    posted_after: Optional[datetime] = _datetime(default=None)
    updated_after: Optional[datetime] = _datetime(default=None)
    stable_scan: Optional[bool] = _bool(default=None)
    cursor: Optional[str] = _str(default=None)
    batch_size: int = _int(default=1000, ge=1, le=1000)


class ManagedJobFeedRequest(Model):
    """Body of ``POST /api/jobs/feed/managed``: :class:`JobFeedRequest`
    without ``locations``, ``employment_types``, ``experience_levels`` and
    ``stable_scan``.
    """

    __slots__ = ()
    _omit_none = True

    sources: Optional[List[str]] = _strs(default=None)
    work_models: Optional[List[str]] = _strs(default=None)
    posted_after: Optional[datetime] = _datetime(default=None)
    updated_after: Optional[datetime] = _datetime(default=None)
    cursor: Optional[str] = _str(default=None)
    batch_size: int = _int(default=1000, ge=1, le=1000)
