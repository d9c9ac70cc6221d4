"""``client.jobs``: job search (GET /api/jobs)."""

from __future__ import annotations

from datetime import datetime
from typing import Optional, Sequence, Union

from ..models import SearchResult
from ._base import Call, Resource, build_query, check_int

StrOrList = Union[str, Sequence[str], None]


def _search_call(
    *,
    q: Optional[str],
    page: int,
    page_size: int,
    location: Optional[str],
    sources: StrOrList,
    work_model: StrOrList,
    employment_type: StrOrList,
    experience_level: StrOrList,
    posted_after: Union[datetime, str, None],
    posted_before: Union[datetime, str, None],
    discovered_after: Union[datetime, str, None],
    discovered_before: Union[datetime, str, None],
    min_salary_usd: Optional[int],
    max_salary_usd: Optional[int],
    skills: StrOrList,
    industries: StrOrList,
    search_description: Optional[bool],
    include_facets: StrOrList,
    include_fields: StrOrList,
) -> Call:
    check_int("page", page, 1)
    check_int("page_size", page_size, 1, 100)
    if min_salary_usd is not None:
        check_int("min_salary_usd", min_salary_usd, 0)
    if max_salary_usd is not None:
        check_int("max_salary_usd", max_salary_usd, 0)
    query = build_query(
        [
            ("q", q or None),
            ("search_description", search_description),
            ("location", location or None),
            ("sources", sources),
            ("work_model", work_model),
            ("employment_type", employment_type),
            ("experience_level", experience_level),
            ("posted_after", posted_after),
            ("posted_before", posted_before),
            ("discovered_after", discovered_after),
            ("discovered_before", discovered_before),
            ("min_salary_usd", min_salary_usd),
            ("max_salary_usd", max_salary_usd),
            ("skills", skills),
            ("industries", industries),
            ("include_facets", include_facets),
            ("include_fields", include_fields),
            ("page", page),
            ("page_size", page_size),
        ]
    )
    return Call("GET", "/api/jobs", SearchResult._from_response, query=query)


class JobsResource(Resource):
    """Job search. Reached as ``client.jobs`` (and ``client.search``)."""

    __slots__ = ()

    def search(
        self,
        q: Optional[str] = None,
        *,
        page: int = 1,
        page_size: int = 25,
        location: Optional[str] = None,
        sources: StrOrList = None,
        work_model: StrOrList = None,
        employment_type: StrOrList = None,
        experience_level: StrOrList = None,
        posted_after: Union[datetime, str, None] = None,
        posted_before: Union[datetime, str, None] = None,
        discovered_after: Union[datetime, str, None] = None,
        discovered_before: Union[datetime, str, None] = None,
        min_salary_usd: Optional[int] = None,
        max_salary_usd: Optional[int] = None,
        skills: StrOrList = None,
        industries: StrOrList = None,
        search_description: Optional[bool] = None,
        include_facets: StrOrList = None,
        include_fields: StrOrList = None,
        timeout: Optional[float] = None,
    ) -> SearchResult:
        """Search jobs (GET /api/jobs). Costs 1 credit per job returned.

        ``q`` is free text: every word must match the title, description or
        skills (``search_description=False``: the title only); a ``"quoted
        phrase"`` must appear in the title. List-valued filters (``sources``,
        ``work_model``, ``employment_type``, ``experience_level``, ``skills``,
        ``industries``) take a list or a comma-separated string; values are
        the lowercase wire values of :mod:`jobo_enterprise.enums`. Date-times
        are sent as ISO-8601 UTC (naive ones are taken as UTC).
        ``include_facets``/``include_fields``: ``None`` = the server default,
        ``[]`` or ``""`` = none. ``page`` >= 1, ``page_size`` 1–100; anything
        else raises :class:`~jobo_enterprise.JoboValidationError` before a
        request is sent. ``timeout`` overrides the client's total timeout for
        this call.

        >>> result = client.jobs.search("data engineer", page_size=5, work_model=["remote"])
        >>> result.total, result.jobs[0].title, result.usage.credits_used
        """
        call = _search_call(
            q=q,
            page=page,
            page_size=page_size,
            location=location,
            sources=sources,
            work_model=work_model,
            employment_type=employment_type,
            experience_level=experience_level,
            posted_after=posted_after,
            posted_before=posted_before,
            discovered_after=discovered_after,
            discovered_before=discovered_before,
            min_salary_usd=min_salary_usd,
            max_salary_usd=max_salary_usd,
            skills=skills,
            industries=industries,
            search_description=search_description,
            include_facets=include_facets,
            include_fields=include_fields,
        )
        return self._run(call, timeout)
