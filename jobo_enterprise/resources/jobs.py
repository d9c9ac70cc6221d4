"""``client.jobs`` (also ``client.search``): search, advanced search, one job, paging."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Optional, Union

from .._iterators import JobIterator, PageIterator, search_total
from .._paging import PREFETCH_MAX, PageWindow, adaptive_window  # noqa: F401 (re-exported)
from ..models import Job, SearchResult
from ._base import Call, Resource, build_query, check_int, json_body, path_segment
from ._params import ADVANCED_FILTERS, SEARCH_QUERY, IncExc, Range, StrOrList, When

# argument names of the advanced search body, in wire order
ADVANCED_FIELDS: tuple[str, ...] = ADVANCED_FILTERS.names


# paging prefetch (the credit bound: see jobo_enterprise._paging). The adaptive
# default of ``iter``/``iter_pages`` (``prefetch=None``) bounds what an early stop
# wastes; PREFETCH_MAX is also the largest explicit ``prefetch``. The official
# names (``iter_jobs``) prefetch nothing unless asked.


def official_prefetch(prefetch: Any) -> Optional[int]:
    """The ``prefetch`` of an official-name iterator as ``iter`` takes it: False,
    None or 0 = none (the default, as in the official package), True = the
    adaptive window, k = a fixed window of k pages."""
    if prefetch is None or prefetch is False:
        return 0
    if prefetch is True:
        return None
    return prefetch


def search_call(
    q: Optional[str],
    page: int,
    page_size: int,
    filters: Dict[str, Any],
    extra_params: Optional[Dict[str, Any]] = None,
) -> Call:
    """The Call of GET /api/jobs from the arguments of :meth:`JobsResource.search`."""
    check_int("page", page, 1)
    check_int("page_size", page_size, 1, 100)
    if not filters.get("location"):
        filters.pop("location", None)  # an empty q or location means "not given"
    pairs = [("q", q or None)] + SEARCH_QUERY.encode(filters)
    pairs += [("page", page), ("page_size", page_size)]
    query = build_query(pairs + list((extra_params or {}).items()))
    return Call("GET", "/api/jobs", SearchResult, query=query)


def advanced_body(filters: Dict[str, Any], page: int, page_size: int) -> bytes:
    """The JSON body of POST /api/jobs/search from the advanced-search arguments."""
    check_int("page", page, 1)
    check_int("page_size", page_size, 1, 100)
    fields = ADVANCED_FILTERS.encode(filters)
    fields.append(("page", page))
    fields.append(("page_size", page_size))
    return json_body(fields)


def advanced_call(filters: Dict[str, Any], page: int, page_size: int) -> Call:
    """The Call of POST /api/jobs/search."""
    return Call("POST", "/api/jobs/search", SearchResult,
                body=advanced_body(filters, page, page_size))


class JobsResource(Resource):
    """Jobs: ``client.jobs``, also reachable as ``client.search`` (the official
    SDK's name), which answers ``search``, ``search_advanced``, ``iter_jobs``
    and ``get_job`` too."""

    __slots__ = ()

    def search(
        self,
        q: Optional[str] = None,
        *,
        page: int = 1,
        page_size: int = 25,
        # <params: SEARCH_QUERY>
        search_description: Optional[bool] = None,
        location: Optional[str] = None,
        sources: StrOrList = None,
        work_model: StrOrList = None,
        employment_type: StrOrList = None,
        experience_level: StrOrList = None,
        posted_after: When = None,
        posted_before: When = None,
        discovered_after: When = None,
        discovered_before: When = None,
        min_salary_usd: Optional[int] = None,
        max_salary_usd: Optional[int] = None,
        skills: StrOrList = None,
        industries: StrOrList = None,
        include_facets: StrOrList = None,
        include_fields: StrOrList = None,
        # </params>
        extra_params: Optional[Dict[str, Any]] = None,
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
        this call. ``extra_params`` adds query parameters this SDK version does
        not know yet (encoded like the others).

        >>> result = client.jobs.search("data engineer", page_size=5, work_model=["remote"])
        >>> result.total, result.jobs[0].title, result.usage.credits_used
        """
        filters = SEARCH_QUERY.pick(
            # <args: SEARCH_QUERY>
            search_description, location, sources, work_model, employment_type,
            experience_level, posted_after, posted_before, discovered_after,
            discovered_before, min_salary_usd, max_salary_usd, skills, industries,
            include_facets, include_fields,
            # </args>
        )
        return self._run(search_call(q, page, page_size, filters, extra_params), timeout)

    def search_advanced(
        self,
        *,
        # <params: ADVANCED_FILTERS>
        queries: StrOrList = None,
        search_description: Optional[bool] = None,
        locations: StrOrList = None,
        sources: StrOrList = None,
        skills: IncExc = None,
        companies: IncExc = None,
        industries: IncExc = None,
        work_models: StrOrList = None,
        employment_types: StrOrList = None,
        experience_levels: StrOrList = None,
        salary_usd: Range = None,
        posted_after: When = None,
        posted_before: When = None,
        discovered_after: When = None,
        discovered_before: When = None,
        include_facets: StrOrList = None,
        include_fields: StrOrList = None,
        # </params>
        page: int = 1,
        page_size: int = 25,
        timeout: Optional[float] = None,
    ) -> SearchResult:
        """Advanced search (POST /api/jobs/search). Costs 1 credit per job returned.

        ``queries`` are OR'd; a query starting with ``-`` excludes. ``skills``,
        ``companies`` and ``industries`` take an
        :class:`~jobo_enterprise.models.InclusionExclusionFilter` or a dict
        ``{"include": [...], "exclude": [...]}``; ``salary_usd`` a
        :class:`~jobo_enterprise.models.RangeFilter` or ``{"min": .., "max": ..}``.

        >>> client.jobs.search_advanced(
        ...     queries=["data engineer", "analytics engineer", "-intern"],
        ...     locations=["Germany"], skills={"include": ["python"]},
        ...     salary_usd={"min": 80000}, page_size=10)
        """
        filters = ADVANCED_FILTERS.pick(
            # <args: ADVANCED_FILTERS>
            queries, search_description, locations, sources, skills, companies, industries,
            work_models, employment_types, experience_levels, salary_usd, posted_after,
            posted_before, discovered_after, discovered_before, include_facets,
            include_fields,
            # </args>
        )
        return self._run(advanced_call(filters, page, page_size), timeout)

    def get(self, job_id: Any, *, timeout: Optional[float] = None) -> Job:
        """One job by id (GET /api/jobs/{id}); ``str`` or ``UUID``. Free.

        Raises :class:`~jobo_enterprise.JoboNotFoundError` for an unknown id.
        """
        call = Call("GET", "/api/jobs/" + path_segment("job_id", job_id), Job)
        return self._run(call, timeout)

    def iter_pages(
        self,
        *,
        page_size: int = 100,
        max_items: Optional[int] = None,
        prefetch: Optional[int] = None,
        start_page: int = 1,
        progress: bool = False,
        # <params: ADVANCED_FILTERS>
        queries: StrOrList = None,
        search_description: Optional[bool] = None,
        locations: StrOrList = None,
        sources: StrOrList = None,
        skills: IncExc = None,
        companies: IncExc = None,
        industries: IncExc = None,
        work_models: StrOrList = None,
        employment_types: StrOrList = None,
        experience_levels: StrOrList = None,
        salary_usd: Range = None,
        posted_after: When = None,
        posted_before: When = None,
        discovered_after: When = None,
        discovered_before: When = None,
        include_facets: StrOrList = None,
        include_fields: StrOrList = None,
        # </params>
    ) -> PageIterator:
        """Every page of an advanced search, in order (POST /api/jobs/search).

        Takes the filters of :meth:`search_advanced` (facets are not requested
        unless ``include_facets`` is given). Stops at ``total_pages`` or at an
        empty page and never requests a page past the last. ``max_items`` caps
        the number of jobs (the last page is cut).

        Later pages are fetched concurrently over the client's connections and
        yielded in order. ``prefetch=None`` (the default) adapts: when the n-th
        page is handed out, up to ``min(n, 16)`` later pages are in flight, so
        the window doubles every round trip until a long scan runs 16 requests
        at a time. Every requested page costs its credits even if you stop
        before reaching it, so the rule bounds the waste: the pages requested
        and never handed out cost at most what the pages handed out cost, a
        loop that stops within the first page pays for one extra page at most,
        and with ``max_items`` no page beyond those it needs is ever requested.
        ``prefetch=k`` (0–16) keeps a fixed window of ``k`` pages in flight
        (stopping wastes at most ``k`` pages); ``prefetch=0`` fetches one page
        at a time and never more than you consume.

        ``progress=True`` shows a progress bar (tqdm, the ``progress`` extra) of
        jobs out of the search's ``total``, with jobs per second and credits.
        ``.to_pandas()`` / ``.to_arrow()`` read the pages left into one table.
        """
        filters = ADVANCED_FILTERS.pick(
            # <args: ADVANCED_FILTERS>
            queries, search_description, locations, sources, skills, companies, industries,
            work_models, employment_types, experience_levels, salary_usd, posted_after,
            posted_before, discovered_after, discovered_before, include_facets,
            include_fields,
            # </args>
        )
        plan = _search_plan(filters, page_size, max_items, prefetch, start_page)
        return self._client._iterate(plan, "pages", progress=progress, total=search_total,
                                     limit=max_items)

    def iter(
        self,
        *,
        page_size: int = 100,
        max_items: Optional[int] = None,
        prefetch: Optional[int] = None,
        progress: bool = False,
        # <params: ADVANCED_FILTERS>
        queries: StrOrList = None,
        search_description: Optional[bool] = None,
        locations: StrOrList = None,
        sources: StrOrList = None,
        skills: IncExc = None,
        companies: IncExc = None,
        industries: IncExc = None,
        work_models: StrOrList = None,
        employment_types: StrOrList = None,
        experience_levels: StrOrList = None,
        salary_usd: Range = None,
        posted_after: When = None,
        posted_before: When = None,
        discovered_after: When = None,
        discovered_before: When = None,
        include_facets: StrOrList = None,
        include_fields: StrOrList = None,
        # </params>
    ) -> JobIterator:
        """Every job of an advanced search, in order; see :meth:`iter_pages`.

        By default the next pages are fetched concurrently: while you are on
        the n-th page, up to ``min(n, 16)`` later pages are requested (and
        charged), so an early ``break`` wastes at most the credits of the pages
        you got (one page if you stop within the first). ``prefetch=k`` fixes
        the window at ``k`` pages, ``prefetch=0`` fetches one page at a time.

        ``progress=True`` shows a progress bar of jobs out of the search's
        ``total`` (tqdm: the ``progress`` extra). ``.to_pandas(max_items=None)``
        and ``.to_arrow(max_items=None)`` read the jobs left (or the next
        ``max_items``) into one table with the columns of
        :mod:`jobo_enterprise.frames`.

        >>> for job in client.jobs.iter(queries=["nurse"], locations=["US"], max_items=500):
        ...     print(job.title)
        >>> df = client.jobs.iter(queries=["nurse"]).to_pandas(max_items=1000)
        """
        filters = ADVANCED_FILTERS.pick(
            # <args: ADVANCED_FILTERS>
            queries, search_description, locations, sources, skills, companies, industries,
            work_models, employment_types, experience_levels, salary_usd, posted_after,
            posted_before, discovered_after, discovered_before, include_facets,
            include_fields,
            # </args>
        )
        plan = _search_plan(filters, page_size, max_items, prefetch, 1)
        return self._client._iterate(plan, "jobs", progress=progress, total=search_total,
                                     limit=max_items)

    # -- the official SDK's names ----------------------------------------------

    def get_job(self, job_id: Any, *, timeout: Optional[float] = None) -> Job:
        """Same as :meth:`get` (the official SDK's name)."""
        return self.get(job_id, timeout=timeout)

    def iter_jobs(
        self,
        *,
        page_size: int = 25,
        prefetch: Union[bool, int, None] = False,
        max_items: Optional[int] = None,
        progress: bool = False,
        # <params: ADVANCED_FILTERS>
        queries: StrOrList = None,
        search_description: Optional[bool] = None,
        locations: StrOrList = None,
        sources: StrOrList = None,
        skills: IncExc = None,
        companies: IncExc = None,
        industries: IncExc = None,
        work_models: StrOrList = None,
        employment_types: StrOrList = None,
        experience_levels: StrOrList = None,
        salary_usd: Range = None,
        posted_after: When = None,
        posted_before: When = None,
        discovered_after: When = None,
        discovered_before: When = None,
        include_facets: StrOrList = None,
        include_fields: StrOrList = None,
        # </params>
    ) -> JobIterator:
        """Every job of an advanced search, in order: the official SDK's name,
        default page size and cost.

        As in the official package, no page is requested before the loop asks
        for it: a loop that stops on the n-th page pays for n pages. Overlap is
        yours to ask for: ``prefetch=True`` takes the adaptive window of
        :meth:`iter`, ``prefetch=k`` (1–16) a fixed window of ``k`` pages.
        """
        filters = ADVANCED_FILTERS.pick(
            # <args: ADVANCED_FILTERS>
            queries, search_description, locations, sources, skills, companies, industries,
            work_models, employment_types, experience_levels, salary_usd, posted_after,
            posted_before, discovered_after, discovered_before, include_facets,
            include_fields,
            # </args>
        )
        return self.iter(page_size=page_size, max_items=max_items, progress=progress,
                         prefetch=official_prefetch(prefetch), **filters)


def _search_plan(filters: Dict[str, Any], page_size: int, max_items: Optional[int],
                 prefetch: Optional[int], start_page: int) -> PageWindow:
    """The pages of an advanced search (jobo_enterprise._paging), every argument
    checked now, before any request. Facets are not requested unless asked for."""
    advanced_body(filters, 1, 1)
    check_int("page_size", page_size, 1, 100)
    check_int("start_page", start_page, 1)
    if max_items is not None:
        check_int("max_items", max_items, 0)
    if prefetch is not None:
        check_int("prefetch", prefetch, 0, PREFETCH_MAX)
    filters.setdefault("include_facets", [])
    return PageWindow(lambda page: advanced_call(filters, page, page_size),
                      start_page=start_page, page_size=page_size, max_items=max_items,
                      prefetch=prefetch)


if TYPE_CHECKING:
    from .._iterators import AsyncJobIterator, AsyncPageIterator
    from ._typing import awaitable, returning

    class AsyncJobsResource(Resource):  # what type checkers see: the sync methods, awaited
        @awaitable(JobsResource.search)
        def search(self) -> None: ...
        @awaitable(JobsResource.search_advanced)
        def search_advanced(self) -> None: ...
        @awaitable(JobsResource.get)
        def get(self) -> None: ...
        @awaitable(JobsResource.get_job)
        def get_job(self) -> None: ...
        @returning(JobsResource.iter_pages, AsyncPageIterator)
        def iter_pages(self) -> None: ...
        @returning(JobsResource.iter, AsyncJobIterator)
        def iter(self) -> None: ...
        @returning(JobsResource.iter_jobs, AsyncJobIterator)
        def iter_jobs(self) -> None: ...

else:
    class AsyncJobsResource(JobsResource):
        """``client.jobs`` (also ``client.search``) of an
        :class:`~jobo_enterprise.AsyncJoboClient`: the methods of
        :class:`JobsResource`, run on the event loop. ``search``,
        ``search_advanced``, ``get`` and ``get_job`` return awaitables; ``iter``,
        ``iter_pages`` and ``iter_jobs`` async iterators (``async for``), under the
        same credit and prefetch rules.

        >>> result = await client.jobs.search("data engineer", page_size=5)
        >>> async for job in client.jobs.iter(queries=["nurse"], max_items=500):
        ...     print(job.title)
        """

        __slots__ = ()
