"""``client.feed``: the bulk feed, the managed feed, and expired job ids."""

from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, Optional
from uuid import UUID

from .._iterators import JobIterator, PageIterator, feed_total
from .._prefetch import Prefetcher
from ..exceptions import JoboResponseError, JoboValidationError
from ..models import ExpiredJobIdsResponse, FeedPage
from ._base import Call, Resource, build_query, check_int, json_body
from ._params import FEED_FILTERS, MANAGED_FEED_FILTERS, Locations, Params, StrOrList, When

#: seconds allowed for one feed or expired-ids call (the API asks for at least 120)
DEFAULT_FEED_TIMEOUT = 120.0

FEED_PATH = "/api/jobs/feed"
MANAGED_FEED_PATH = "/api/jobs/feed/managed"
EXPIRED_PATH = "/api/jobs/expired"


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise JoboValidationError(f"Parameter '{name}' must be True or False, got {value!r}.")
    return value


def feed_call(path: str, cursor: Optional[str], batch_size: int, fields: Dict[str, Any],
              params: Params = FEED_FILTERS) -> Call:
    """The Call of a feed request. With a cursor only the cursor is sent: it
    already carries the filters and batch size of the first request."""
    if cursor is not None:
        if not isinstance(cursor, str) or not cursor:
            raise JoboValidationError("Parameter 'cursor' must be a non-empty string.")
        body = json_body([("cursor", cursor)])
    else:
        check_int("batch_size", batch_size, 1, 1000)
        pairs = params.encode(fields)
        pairs.append(("batch_size", batch_size))
        body = json_body(pairs)
    return Call("POST", path, FeedPage._from_response, body=body, timeout_kind="feed")


def follow_cursors(client: Any, call_for: Callable[[Optional[str]], Call],
                   prefetch: bool) -> Iterator[Any]:
    """Pages of a cursor-paged endpoint until ``has_more`` is false or no cursor
    comes back; ``call_for(cursor)`` describes the request of a page (``None``:
    the first). A cursor that repeats raises JoboResponseError instead of looping.
    With ``prefetch`` the next page is fetched while the caller consumes the
    current one (one page ahead, so memory stays bounded), on the prefetch
    engine (no worker thread: see jobo_enterprise._prefetch)."""
    seen = set()
    page = client._execute(call_for(None))
    engine = Prefetcher(client) if prefetch else None
    try:
        while True:
            cursor = page.next_cursor if page.has_more else None
            ticket = None
            if cursor:
                if cursor in seen:
                    raise JoboResponseError(
                        "the server returned a cursor it had already returned; "
                        "stopping instead of looping",
                        code="cursor_repeated",
                        request_id=page.usage.request_id if page.usage else None,
                    )
                seen.add(cursor)
                if engine is not None:
                    ticket = engine.submit(call_for(cursor))
                    engine.flush()
            yield page
            if not cursor:
                return
            del page  # done with: its tree goes before the next one is built
            page = engine.result(ticket) if ticket is not None else client._execute(call_for(cursor))
    finally:
        if engine is not None:
            # a prefetch in flight is cancelled, not waited for (Ctrl-C, or the caller stopped)
            engine.close()


def expired_call(expired_since: Any, cursor: Optional[str], batch_size: int) -> Call:
    """The Call of GET /api/jobs/expired."""
    check_int("batch_size", batch_size, 1, 10000)
    query = build_query([("expired_since", expired_since), ("cursor", cursor),
                         ("batch_size", batch_size)])
    return Call("GET", EXPIRED_PATH, ExpiredJobIdsResponse._from_response, query=query,
                timeout_kind="feed")


class FeedResource(Resource):
    """The bulk job feed: ``client.feed``. Feed calls use the client's
    ``feed_timeout`` (default 120 s)."""

    __slots__ = ()

    def get_jobs(
        self,
        *,
        # <params: FEED_FILTERS>
        locations: Locations = None,
        sources: StrOrList = None,
        work_models: StrOrList = None,
        employment_types: StrOrList = None,
        experience_levels: StrOrList = None,
        posted_after: When = None,
        updated_after: When = None,
        stable_scan: Optional[bool] = None,
        # </params>
        cursor: Optional[str] = None,
        batch_size: int = 1000,
        timeout: Optional[float] = None,
    ) -> FeedPage:
        """One batch of the feed (POST /api/jobs/feed). Costs 0.5 credit per job.

        ``locations`` takes :class:`~jobo_enterprise.models.LocationFilter`
        objects or dicts (any entry matches; missing parts are wildcards).
        Continue with ``cursor=page.next_cursor``: only the cursor is sent.

        >>> page = client.feed.get_jobs(locations=[LocationFilter(country="US")],
        ...                             work_models=["remote"], batch_size=500)
        >>> page.jobs, page.next_cursor, page.has_more, page.estimated_total
        """
        fields = FEED_FILTERS.given(locals())
        return self._run(feed_call(FEED_PATH, cursor, batch_size, fields), timeout)

    def iter_pages(
        self,
        *,
        prefetch: bool = True,
        batch_size: int = 1000,
        progress: bool = False,
        # <params: FEED_FILTERS>
        locations: Locations = None,
        sources: StrOrList = None,
        work_models: StrOrList = None,
        employment_types: StrOrList = None,
        experience_levels: StrOrList = None,
        posted_after: When = None,
        updated_after: When = None,
        stable_scan: Optional[bool] = None,
        # </params>
    ) -> PageIterator:
        """Every batch of the feed, following cursors (see :meth:`iter_jobs`).

        Unlike the official names, this one prefetches by default: the next
        batch is fetched while you work on the current one (so a stop costs at
        most one batch you did not get); ``prefetch=False`` turns that off."""
        pages = self._feed_pages(FEED_PATH, FEED_FILTERS.given(locals()), batch_size,
                                 _flag("prefetch", prefetch))
        return PageIterator(pages, progress=progress, total=feed_total)

    def _feed_pages(self, path: str, filters: Dict[str, Any], batch_size: int, prefetch: bool,
                    params: Params = FEED_FILTERS) -> Iterator[FeedPage]:
        """The first request with the filters, then cursor-only continuations."""
        first = feed_call(path, None, batch_size, filters, params)
        return follow_cursors(
            self._client,
            lambda cursor: first if cursor is None else feed_call(path, cursor, 1, {}),
            prefetch)

    def iter_jobs(
        self,
        *,
        prefetch: bool = False,
        batch_size: int = 1000,
        progress: bool = False,
        # <params: FEED_FILTERS>
        locations: Locations = None,
        sources: StrOrList = None,
        work_models: StrOrList = None,
        employment_types: StrOrList = None,
        experience_levels: StrOrList = None,
        posted_after: When = None,
        updated_after: When = None,
        stable_scan: Optional[bool] = None,
        # </params>
    ) -> JobIterator:
        """Every job of the feed, following cursors until ``has_more`` is false.

        Takes the filters of :meth:`get_jobs` (not ``cursor``). As in the
        official package, a batch is requested only when the loop reaches it,
        so a loop pays for the batches it got. ``prefetch=True`` fetches the
        next batch while you work on the current one (a stop then costs at most
        one batch more; at most two batches are held at a time).

        ``progress=True`` shows a progress bar of jobs out of the feed's
        ``estimated_total`` (tqdm: the ``progress`` extra).
        ``.to_pandas(max_items=None)`` / ``.to_arrow(max_items=None)`` read the
        jobs left into one table with the columns of :mod:`jobo_enterprise.frames`.

        >>> for job in client.feed.iter_jobs(sources=["greenhouse"], batch_size=1000):
        ...     store(job)
        >>> df = client.feed.iter_jobs(sources=["greenhouse"]).to_pandas()
        """
        filters = FEED_FILTERS.given(locals())
        pages = self._feed_pages(FEED_PATH, filters, batch_size, _flag("prefetch", prefetch))
        return JobIterator(pages, progress=progress, total=feed_total)

    def get_managed_jobs(
        self,
        *,
        # <params: MANAGED_FEED_FILTERS>
        sources: StrOrList = None,
        work_models: StrOrList = None,
        posted_after: When = None,
        updated_after: When = None,
        # </params>
        cursor: Optional[str] = None,
        batch_size: int = 1000,
        timeout: Optional[float] = None,
    ) -> FeedPage:
        """One batch of the managed feed (POST /api/jobs/feed/managed): jobs of
        the account's managed companies. Sandbox keys get JoboPermissionError."""
        fields = MANAGED_FEED_FILTERS.given(locals())
        call = feed_call(MANAGED_FEED_PATH, cursor, batch_size, fields, MANAGED_FEED_FILTERS)
        return self._run(call, timeout)

    def iter_managed_jobs(
        self,
        *,
        prefetch: bool = False,
        batch_size: int = 1000,
        progress: bool = False,
        # <params: MANAGED_FEED_FILTERS>
        sources: StrOrList = None,
        work_models: StrOrList = None,
        posted_after: When = None,
        updated_after: When = None,
        # </params>
    ) -> JobIterator:
        """Every job of the managed feed, following cursors; a batch is requested
        only when the loop reaches it unless ``prefetch=True`` (see
        :meth:`iter_jobs`)."""
        pages = self._feed_pages(MANAGED_FEED_PATH, MANAGED_FEED_FILTERS.given(locals()),
                                 batch_size, _flag("prefetch", prefetch), MANAGED_FEED_FILTERS)
        return JobIterator(pages, progress=progress, total=feed_total)

    def get_expired_job_ids(
        self,
        expired_since: When = None,
        cursor: Optional[str] = None,
        batch_size: int = 1000,
        *,
        timeout: Optional[float] = None,
    ) -> ExpiredJobIdsResponse:
        """Ids of jobs that expired since ``expired_since`` (GET /api/jobs/expired).

        ``expired_since`` defaults to 24 hours ago on the server and may reach
        back at most 7 days. ``batch_size`` 1–10000. Free.
        """
        return self._run(expired_call(expired_since, cursor, batch_size), timeout)

    def iter_expired_job_ids(
        self, expired_since: When = None, batch_size: int = 1000, *, prefetch: bool = False
    ) -> Iterator[UUID]:
        """Every expired job id since ``expired_since``, following cursors. A
        batch is requested only when the loop reaches it, unless
        ``prefetch=True`` (the next batch is fetched while you work on this one)."""
        check_int("batch_size", batch_size, 1, 10000)
        pages = follow_cursors(
            self._client,
            lambda cursor: expired_call(None if cursor else expired_since, cursor, batch_size),
            _flag("prefetch", prefetch))
        return (job_id for page in pages for job_id in page.job_ids)
