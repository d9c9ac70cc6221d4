"""Pagination, written once for the sync and the async clients.

A *plan* knows which page to ask for and when; it does no I/O. There are two:

- :class:`PageWindow`: numbered pages of a search. The first page gives
  ``total_pages``; after it, a window of later pages may be requested ahead
  (the *credit bound*: with ``prefetch=None`` the window is
  :func:`adaptive_window` of the pages handed out, so the pages requested and
  never handed out cost at most what the pages handed out cost); ``max_items``
  caps the jobs (the last page is cut) and no page beyond those needed is
  requested. An explicit ``prefetch=n`` opens with n pages at once, the first
  and the n - 1 after it, before the page count is known: a page past the last
  costs no credit (it holds no job), and those are cancelled as soon as the
  first page gives the count.
- :class:`CursorChain`: cursor-paged endpoints (the feed, expired ids), until
  ``has_more`` is false or no cursor comes; a repeated cursor raises instead of
  looping; with ``prefetch`` the next page is requested while the current one
  is handed out (one page ahead).

A driver runs a plan: :meth:`first` is the first call, and the calls
:meth:`opening` names start along with it (concurrently, on the driver's
prefetch machinery). Each page that arrives, in order, goes to :meth:`take`
(False: stop without handing it out); the driver cancels the newest
:meth:`surplus` calls ahead (requested past the last page), starts the calls
:meth:`ahead` names, hands the page out, stops when :meth:`finished`, and otherwise
takes the next page from the calls ahead (oldest first), or runs
:meth:`next_call` when none is ahead. :func:`sync_pages` is the sync client's
driver; the async client's runs the same plans on the event loop.
"""

from __future__ import annotations

import math
from collections import deque
from typing import Any, Callable, Deque, Iterator, List, Optional

from .exceptions import JoboResponseError

__all__ = ["PREFETCH_MAX", "adaptive_window", "PageWindow", "CursorChain", "sync_pages",
           "page_jobs"]

#: the largest prefetch window (and the adaptive window's ceiling)
PREFETCH_MAX = 16

CallFor = Callable[[Any], Any]


def adaptive_window(handed_out: int) -> int:
    """Pages that may be in flight beyond the ``handed_out``-th page of a scan."""
    return min(handed_out, PREFETCH_MAX)


def page_jobs(page: Any) -> List[Any]:
    """A page's ``jobs`` list; a page whose ``jobs`` is anything but a list (an
    object, a string, missing) raises JoboResponseError, not a TypeError from
    inside an iterator."""
    jobs = page.jobs
    if not isinstance(jobs, list):
        usage = getattr(page, "usage", None)
        raise JoboResponseError(
            "the server sent a page whose 'jobs' is "
            + ("missing" if jobs is None else f"a {type(jobs).__name__}, not a list"),
            code="malformed_page",
            request_id=getattr(usage, "request_id", None),
        )
    return jobs


class PageWindow:
    """The pages of a search, ``start_page`` on; ``call_for(n)`` describes page n.

    ``prefetch`` is the fixed window (0: one page at a time), None the
    adaptive one. When the n-th page is handed out, at most ``window`` pages
    beyond it have been requested."""

    __slots__ = ("_call_for", "_start", "_page_size", "_remaining", "_adaptive", "window",
                 "_handed_out", "_next_page", "_last_page")

    def __init__(self, call_for: CallFor, *, start_page: int, page_size: int,
                 max_items: Optional[int], prefetch: Optional[int]) -> None:
        self._call_for = call_for
        self._start = start_page
        self._page_size = page_size
        self._remaining = max_items
        self._adaptive = prefetch is None
        self.window = 0 if prefetch is None else prefetch
        self._handed_out = 0
        self._next_page = start_page
        self._last_page: Optional[int] = None

    def first(self) -> Optional[Any]:
        if self._remaining == 0:
            return None
        self._next_page = self._start + 1
        return self._call_for(self._start)

    def opening(self) -> List[Any]:
        """The calls that go along with the first (after :meth:`first`): with an
        explicit window of n, pages 2 to n of it (within ``max_items``); they do
        not wait for the rate-limit probe (the caller asked for n at once)."""
        last = self._needed(self._start + self.window - 1)  # window 0: none (the default)
        calls = []
        while self._next_page <= last:
            calls.append(self._call_for(self._next_page).with_options(unprobed=True))
            self._next_page += 1
        return calls

    def surplus(self) -> int:
        """How many of the newest calls ahead ask for pages past the last one
        (known since the first page): the driver cancels them."""
        if self._last_page is None:
            return 0
        extra = max(0, self._next_page - 1 - max(self._last_page, self._start))
        self._next_page -= extra
        return extra

    def _needed(self, last: int) -> int:
        """``last``, or the last page ``max_items`` needs when that is sooner
        (before the first page is handed out)."""
        if self._remaining is None:
            return last
        return min(last, self._start - 1 + math.ceil(self._remaining / self._page_size))

    @property
    def prefetches(self) -> bool:
        """Pages may be requested ahead of the one handed out."""
        return self._adaptive or self.window > 0

    def take(self, page: Any) -> bool:
        jobs = page_jobs(page)
        if self._last_page is None:
            self._last_page = self._needed(page.total_pages)
        if not jobs:
            return False
        self._handed_out += 1
        if self._adaptive:
            self.window = adaptive_window(self._handed_out)
        if self._remaining is not None:
            if len(jobs) > self._remaining:
                del jobs[self._remaining:]
            self._remaining -= len(jobs)
        return True

    def ahead(self, in_flight: int) -> List[Any]:
        calls = []
        while in_flight + len(calls) < self.window and self._next_page <= self._last_page:
            calls.append(self._call_for(self._next_page))
            self._next_page += 1
        return calls

    def finished(self) -> bool:
        return self._remaining == 0

    def next_call(self) -> Optional[Any]:
        if self._last_page is None or self._next_page > self._last_page:
            return None
        self._next_page += 1
        return self._call_for(self._next_page - 1)


class CursorChain:
    """Pages of a cursor-paged endpoint; ``call_for(cursor)`` describes the
    request of a page (``None``: the first)."""

    __slots__ = ("_call_for", "_prefetch", "_seen", "_cursor", "_requested")

    def __init__(self, call_for: CallFor, *, prefetch: bool) -> None:
        self._call_for = call_for
        self._prefetch = prefetch
        self._seen: set = set()
        self._cursor: Optional[str] = None
        self._requested = False

    def first(self) -> Any:
        return self._call_for(None)

    def opening(self) -> List[Any]:
        """Nothing goes along with the first call: the next needs its cursor."""
        return []

    def surplus(self) -> int:
        return 0

    @property
    def prefetches(self) -> bool:
        """The next page may be requested while the current one is handed out."""
        return self._prefetch

    def take(self, page: Any) -> bool:
        cursor = page.next_cursor if page.has_more else None
        if cursor:
            if cursor in self._seen:
                raise JoboResponseError(
                    "the server returned a cursor it had already returned; "
                    "stopping instead of looping",
                    code="cursor_repeated",
                    request_id=page.usage.request_id if page.usage else None,
                )
            self._seen.add(cursor)
        self._cursor = cursor or None
        self._requested = False
        return True

    def ahead(self, in_flight: int) -> List[Any]:
        if not self._prefetch or not self._cursor or in_flight or self._requested:
            return []
        self._requested = True
        return [self._call_for(self._cursor)]

    def finished(self) -> bool:
        return not self._cursor

    def next_call(self) -> Optional[Any]:
        if not self._cursor or self._requested:
            return None
        self._requested = True
        return self._call_for(self._cursor)


def sync_pages(client: Any, plan: Any) -> Iterator[Any]:
    """The sync client's driver of a plan: pages in order. The calls ahead run
    on the prefetch engine (one multi handle driven from this thread whenever
    it waits: no worker thread; see jobo_enterprise._prefetch); pages in flight
    when the loop stops (``break``, an exception, Ctrl-C) are cancelled, not
    waited for."""
    from ._prefetch import Prefetcher

    call = plan.first()
    if call is None:
        return
    engine = Prefetcher(client)
    ahead: Deque[Any] = deque()
    try:
        if plan.prefetches:
            # a plan that prefetches runs its first call on the engine too: the next
            # page reuses that connection (over h2, every page is a stream of it)
            # instead of waiting for a new one and its TLS handshake
            first = engine.submit(call)
            ahead.extend(engine.submit(c) for c in plan.opening())
            engine.flush()
            page = engine.result(first)
        else:
            page = client._execute(call)
        while True:
            if not plan.take(page):
                return
            for _ in range(plan.surplus()):
                engine.cancel(ahead.pop())
            ahead.extend(engine.submit(c) for c in plan.ahead(len(ahead)))
            engine.flush()
            yield page
            if plan.finished():
                return
            del page  # done with: its tree goes before the next one is built
            if ahead:
                page = engine.result(ahead.popleft())
            else:
                call = plan.next_call()
                if call is None:
                    return
                page = client._execute(call)
    finally:
        engine.close()
