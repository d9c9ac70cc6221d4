"""``client.jobs`` (also ``client.search``): search, advanced search, one job, paging."""

from __future__ import annotations

import math
from collections import deque
from typing import Any, Deque, Dict, Iterator, Optional, Union

from .._iterators import JobIterator, PageIterator, search_total
from .._prefetch import Prefetcher
from ..models import Job, SearchResult
from ._base import Call, Resource, build_query, check_int, json_body, page_jobs, path_segment
from ._params import ADVANCED_FILTERS, SEARCH_QUERY, IncExc, Range, StrOrList, When

# argument names of the advanced search body, in wire order
ADVANCED_FIELDS: tuple[str, ...] = ADVANCED_FILTERS.names


# paging prefetch. The adaptive default of ``iter``/``iter_pages`` (``prefetch=None``)
# bounds what an early stop wastes: when the k-th page is handed out, at most
# adaptive_window(k) = min(k, PREFETCH_MAX) later pages have been requested, so the
# pages requested and never handed out cost at most what the pages handed out cost
# (one page at most for a loop that stops within the first). PREFETCH_MAX is also the
# largest explicit ``prefetch``. The official names (``iter_jobs``) prefetch nothing
# unless asked.
PREFETCH_MAX = 16


def adaptive_window(handed_out: int) -> int:
    """Pages that may be in flight beyond the ``handed_out``-th page of a scan."""
    return min(handed_out, PREFETCH_MAX)


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
    return Call("GET", "/api/jobs", SearchResult._from_response, query=query)


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
    return Call("POST", "/api/jobs/search", SearchResult._from_response,
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
        call = search_call(q, page, page_size, SEARCH_QUERY.given(locals()), extra_params)
        return self._run(call, timeout)

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
        filters = ADVANCED_FILTERS.given(locals())
        return self._run(advanced_call(filters, page, page_size), timeout)

    def get(self, job_id: Any, *, timeout: Optional[float] = None) -> Job:
        """One job by id (GET /api/jobs/{id}); ``str`` or ``UUID``. Free.

        Raises :class:`~jobo_enterprise.JoboNotFoundError` for an unknown id.
        """
        call = Call("GET", "/api/jobs/" + path_segment("job_id", job_id), Job._from_response)
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
        filters = ADVANCED_FILTERS.given(locals())
        _check_filters(filters)
        check_int("page_size", page_size, 1, 100)
        check_int("start_page", start_page, 1)
        if max_items is not None:
            check_int("max_items", max_items, 0)
        if prefetch is not None:
            check_int("prefetch", prefetch, 0, PREFETCH_MAX)
        filters.setdefault("include_facets", [])
        pages = _iter_pages(self._client, filters, page_size, max_items, prefetch, start_page)
        return PageIterator(pages, progress=progress, total=search_total, limit=max_items)

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
        pages = self.iter_pages(page_size=page_size, max_items=max_items, prefetch=prefetch,
                                **ADVANCED_FILTERS.given(locals()))
        return JobIterator(pages, progress=progress, total=search_total, limit=max_items)

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
        return self.iter(page_size=page_size, max_items=max_items, progress=progress,
                         prefetch=official_prefetch(prefetch), **ADVANCED_FILTERS.given(locals()))


def _check_filters(filters: Dict[str, Any]) -> None:
    advanced_body(filters, 1, 1)  # validate every value now, before any request


def _iter_pages(
    client: Any,
    filters: Dict[str, Any],
    page_size: int,
    max_items: Optional[int],
    prefetch: Optional[int],
    start_page: int,
) -> Iterator[SearchResult]:
    """Pages in order. After the first page (which gives total_pages), up to
    ``window`` later pages are in flight at any time on one multi handle, driven
    from this thread whenever it waits (see jobo_enterprise._prefetch: no
    worker threads; over HTTP/1.1 each transfer in flight has a connection, over
    h2 each is a stream of one). The first page runs on that handle too, so the
    next page reuses its connection instead of opening another;
    a page is requested only once the consumer is within ``window`` pages of it,
    so stopping early wastes at most ``window`` pages of credits.

    ``window`` is ``prefetch`` when it is given. With ``prefetch=None`` it is
    ``adaptive_window(n)`` when the n-th page is handed out, and pages are only
    requested at that moment: at no time have more than ``min(n, PREFETCH_MAX)``
    pages beyond the n-th been requested."""
    remaining = max_items
    if remaining == 0:
        return
    adaptive = prefetch is None
    window = 0 if prefetch is None else prefetch
    handed_out = 0
    # the pages ahead run on one multi handle, driven while this thread waits
    engine = Prefetcher(client)
    ahead: Deque[Any] = deque()
    next_page = start_page + 1

    def fetch(page: int) -> SearchResult:
        return client._execute(advanced_call(filters, page, page_size))

    def fill_window() -> None:
        nonlocal next_page
        while len(ahead) < window and next_page <= last_page:
            ahead.append(engine.submit(advanced_call(filters, next_page, page_size)))
            next_page += 1
        engine.flush()

    try:
        if window or adaptive:
            # the first page on the engine too: the pages after it reuse its
            # connection (over HTTP/2, every page is a stream of that one)
            result = engine.result(engine.submit(advanced_call(filters, start_page, page_size)))
        else:
            result = fetch(start_page)
        last_page = result.total_pages
        if remaining is not None:
            last_page = min(last_page, start_page - 1 + math.ceil(remaining / page_size))
        while True:
            jobs = page_jobs(result)
            if not jobs:
                return
            handed_out += 1
            if adaptive:
                window = adaptive_window(handed_out)
            fill_window()
            if remaining is not None:
                if len(jobs) > remaining:
                    del jobs[remaining:]
                remaining -= len(jobs)
            yield result
            if remaining == 0:
                return
            if ahead:
                result = engine.result(ahead.popleft())
            elif window == 0 and next_page <= last_page:
                result = fetch(next_page)
                next_page += 1
            else:
                return
    finally:
        # pages in flight are cancelled, not waited for (Ctrl-C, or the caller stopped)
        engine.close()
