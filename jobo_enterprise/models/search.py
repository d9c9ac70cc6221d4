"""Search results and the search request body (``/api/jobs``, ``/api/jobs/search``)."""

from __future__ import annotations

from datetime import datetime
from typing import Dict, Iterator, List, Optional

from ._fields import Model, _Response, _str, _bool, _int, _datetime, _model, _models, _strs, _model_map
from .jobs import Job

__all__ = [
    "JobFacet",
    "SearchResult",
    "JobSearchResponse",
    "InclusionExclusionFilter",
    "RangeFilter",
    "JobSearchBodyRequest",
]


class JobFacet(Model):
    """One bucket of a search facet: a value (``key``) and its job ``count``."""

    __slots__ = ()
    _repr_fields = ("key", "count")

    key: str = _str()
    count: int = _int()


class SearchResult(_Response):
    """One page of search results (``GET /api/jobs``, ``POST /api/jobs/search``,
    ``GET /api/companies/{id}/jobs``). Also available as ``JobSearchResponse``.

    Attributes:
        jobs: the jobs of this page (list of :class:`Job`).
        total: number of matching jobs.
        page: this page's number (from 1).
        page_size: jobs per page.
        total_pages: number of pages; stop paging at ``page >= total_pages``
            or at an empty page.
        facets: facet name (``work_model``, ``skills``, ...) → list of
            :class:`JobFacet`.
        usage: the response's :class:`Usage`.

    Iterating a result yields its jobs; ``len()`` is the number of jobs on the
    page (so an empty page is falsy).
    """

    __slots__ = ()
    _repr_fields = ("total", "page", "total_pages", "jobs")

    jobs: List[Job] = _models(Job, default_factory=list)
    total: int = _int(default=0)
    page: int = _int(default=1)
    page_size: int = _int(default=25)
    total_pages: int = _int(default=0)
    facets: Dict[str, List[JobFacet]] = _model_map(JobFacet, default_factory=dict)

    def __iter__(self) -> Iterator[Job]:
        return iter(self.jobs)

    def __len__(self) -> int:
        return len(self.jobs)


JobSearchResponse = SearchResult


class InclusionExclusionFilter(Model):
    """Include/exclude lists for a search filter (skills, companies, industries).

    >>> InclusionExclusionFilter(include=["python"]).to_dict()
    {'include': ['python']}
    """

    __slots__ = ()
    _omit_none = True

    include: Optional[List[str]] = _strs(default=None)
    exclude: Optional[List[str]] = _strs(default=None)


class RangeFilter(Model):
    """A numeric range with optional ``min`` and ``max`` bounds (ints).

    >>> RangeFilter(min=100000).to_dict()
    {'min': 100000}
    """

    __slots__ = ()
    _omit_none = True
    _repr_fields = ("min", "max")

    min: Optional[int] = _int(default=None)
    max: Optional[int] = _int(default=None)


class JobSearchBodyRequest(Model):
    """Body of the advanced search, ``POST /api/jobs/search``.

    Fields: ``queries``, ``locations``, ``sources``, ``work_models``,
    ``employment_types``, ``experience_levels``, ``include_facets``,
    ``include_fields`` (lists of str; enum members accepted), ``skills``,
    ``companies``, ``industries`` (:class:`InclusionExclusionFilter`),
    ``salary_usd`` (:class:`RangeFilter`), ``posted_after``,
    ``posted_before``, ``discovered_after``, ``discovered_before``
    (datetimes), ``search_description`` (bool), ``page`` (≥ 1, default 1) and
    ``page_size`` (1–100, default 25). ``to_dict()`` is the body: ``None``
    fields left out, date-times as ISO-8601 UTC.
    """

    __slots__ = ()
    _omit_none = True

    queries: Optional[List[str]] = _strs(default=None)
    search_description: Optional[bool] = _bool(default=None)
    locations: Optional[List[str]] = _strs(default=None)
    sources: Optional[List[str]] = _strs(default=None)
    skills: Optional[InclusionExclusionFilter] = _model(InclusionExclusionFilter, default=None)
    companies: Optional[InclusionExclusionFilter] = _model(InclusionExclusionFilter, default=None)
    industries: Optional[InclusionExclusionFilter] = _model(InclusionExclusionFilter, default=None)
    work_models: Optional[List[str]] = _strs(default=None)
    employment_types: Optional[List[str]] = _strs(default=None)
    experience_levels: Optional[List[str]] = _strs(default=None)
    salary_usd: Optional[RangeFilter] = _model(RangeFilter, default=None)
    posted_after: Optional[datetime] = _datetime(default=None)
    posted_before: Optional[datetime] = _datetime(default=None)
    discovered_after: Optional[datetime] = _datetime(default=None)
    discovered_before: Optional[datetime] = _datetime(default=None)
    page: int = _int(default=1, ge=1)
    page_size: int = _int(default=25, ge=1, le=100)
    include_facets: Optional[List[str]] = _strs(default=None)
    include_fields: Optional[List[str]] = _strs(default=None)
