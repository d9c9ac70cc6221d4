"""The iterators of long scans: jobs (or pages) one by one, a table of them, a progress bar.

Every paging method (``client.jobs.iter``/``iter_pages``/``iter_jobs``,
``client.feed.iter_jobs``/``iter_pages``/``iter_managed_jobs``) returns one of these,
wrapped around the resource's page generator:

- iterate it for the jobs (:class:`JobIterator`) or the pages (:class:`PageIterator`);
- ``to_pandas(max_items=None)`` / ``to_arrow(max_items=None)`` read what is left of the
  scan (or its next ``max_items`` jobs) into one table, page by page, with the columns
  of :mod:`jobo_enterprise.frames`; the iterator goes on from there;
- ``progress=True`` shows a tqdm bar of jobs with the scan's total (a search's
  ``total``, the feed's ``estimated_total``), jobs per second and credits spent.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator, List, Optional

from ._core import detach_kept

__all__ = ["JobIterator", "PageIterator"]

TotalOf = Callable[[Any], Optional[int]]


def search_total(page: Any) -> Optional[int]:
    """The bar's total for a search: its ``total`` (all pages)."""
    return getattr(page, "total", None)


def feed_total(page: Any) -> Optional[int]:
    """The bar's total for the feed: ``estimated_total`` (sent on the first page)."""
    return getattr(page, "estimated_total", None)


class _Scan:
    """Pages of a scan, with the bar and the tables; see the module's docstring."""

    __slots__ = ("_pages", "_bar", "_want_bar", "_desc", "_total_of", "_limit", "_jobs",
                 "_pos", "_done", "_fetched", "__weakref__")

    def __init__(self, pages: Iterator[Any], *, progress: Any = False,
                 total: Optional[TotalOf] = None, limit: Optional[int] = None,
                 desc: str = "jobs") -> None:
        if not isinstance(progress, bool):
            raise TypeError(f"progress must be True or False, not {type(progress).__name__}")
        if progress:
            from ._progress import _tqdm_class

            _tqdm_class()  # without tqdm: ImportError naming the extra, before any request
        self._pages = pages
        self._want_bar = progress
        self._bar: Any = None
        self._desc = desc
        self._total_of = total
        self._limit = limit  # max_items of the scan: the bar's total is at most that
        self._jobs: Optional[List[Any]] = None  # the page whose jobs are being handed out
        self._pos = 0
        self._done = False
        self._fetched = 0  # jobs of the pages taken from the scan so far

    # -- pages ------------------------------------------------------------------

    def _next_page(self) -> Any:
        """The next page from the scan (counted on the bar), or StopIteration."""
        if self._done:
            raise StopIteration
        try:
            page = next(self._pages)
        except BaseException:
            self._finish()
            raise
        if self._want_bar:
            self._count(page)
        self._fetched += len(page.jobs)
        return page

    def _count(self, page: Any) -> None:
        total = self._total_of(page) if self._total_of is not None else None
        if total is not None and self._limit is not None:
            total = min(total, self._limit)
        elif total is None:
            total = self._limit
        if self._bar is None:
            from ._progress import Progress

            self._bar = Progress(total=total, desc=self._desc)
        else:
            self._bar.set_total(total)
        jobs = len(page.jobs)
        if self._limit is not None:  # a page cut by max_items counts the jobs used
            jobs = max(0, min(jobs, self._limit - self._fetched))
        usage = getattr(page, "usage", None)
        self._bar.update(jobs, usage.credits_used if usage is not None else None)

    def _finish(self) -> None:
        self._done = True
        if self._bar is not None:
            self._bar.close()

    def close(self) -> None:
        """Stop the scan: pages in flight are abandoned, the bar is closed."""
        self._jobs = None
        close = getattr(self._pages, "close", None)
        if close is not None:
            close()
        self._finish()

    def __enter__(self) -> "_Scan":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- tables -----------------------------------------------------------------

    def _table(self, arrow: bool, max_items: Optional[int]) -> Any:
        from .frames import TableBuilder

        if max_items is not None and (isinstance(max_items, bool) or not isinstance(max_items, int)
                                      or max_items < 0):
            raise ValueError(f"max_items must be an int >= 0 or None, got {max_items!r}")
        builder = TableBuilder(arrow=arrow)
        left = max_items
        if left is not None:
            # the bar's total: the jobs handed out so far plus these
            pending = len(self._jobs) - self._pos if self._jobs is not None else 0
            cap = self._fetched - pending + left
            self._limit = cap if self._limit is None else min(self._limit, cap)
        if self._jobs is not None and self._pos < len(self._jobs):
            # the rest of a page being iterated
            end = len(self._jobs) if left is None else min(len(self._jobs), self._pos + left)
            builder.add(self._jobs[self._pos:end])
            if left is not None:
                left -= end - self._pos
            self._pos = end
        while left is None or left > 0:
            try:
                page = self._next_page()
            except StopIteration:
                break
            jobs = page.jobs
            if left is not None and len(jobs) > left:
                builder.add(jobs[:left])
                self._hand_out(jobs, left)  # the rest stays for the iterator
                break
            builder.add(jobs)
            if left is not None:
                left -= len(jobs)
        return builder.to_arrow() if arrow else builder.to_pandas()

    def _hand_out(self, jobs: List[Any], pos: int) -> None:
        if self._jobs is not None:
            detach_kept(self._jobs)
        self._jobs = jobs
        self._pos = pos

    def to_pandas(self, max_items: Optional[int] = None) -> Any:
        """The jobs left in the scan (at most ``max_items``) as a :class:`pandas.DataFrame`
        with the columns of :mod:`jobo_enterprise.frames`. Needs the ``pandas`` extra."""
        return self._table(False, max_items)

    def to_arrow(self, max_items: Optional[int] = None) -> Any:
        """The jobs left in the scan (at most ``max_items``) as a :class:`pyarrow.Table`.
        Needs the ``arrow`` extra."""
        return self._table(True, max_items)


class JobIterator(_Scan):
    """The jobs of a scan, in order. A job you keep stays valid after the iterator
    moves on (it is detached from its page's parsed response then)."""

    __slots__ = ()

    def __iter__(self) -> "JobIterator":
        return self

    def __next__(self) -> Any:
        jobs = self._jobs
        while jobs is None or self._pos >= len(jobs):
            if jobs is not None:
                # done with that page: what the caller kept of it no longer
                # holds the page's tree
                self._jobs = None
                detach_kept(jobs)
                jobs = None  # the page's tree goes before the next page is built
            jobs = self._next_page().jobs
            self._jobs = jobs
            self._pos = 0
        job = jobs[self._pos]
        self._pos += 1
        return job

    def __repr__(self) -> str:
        return f"<JobIterator{' (finished)' if self._done else ''}>"


class PageIterator(_Scan):
    """The pages of a scan, in order."""

    __slots__ = ()

    def __iter__(self) -> "PageIterator":
        return self

    def __next__(self) -> Any:
        if self._jobs is not None:
            # to_pandas(max_items=...) stopped inside a page: the rest of it
            # is not handed out as a page again
            self._jobs = None
        return self._next_page()

    def __repr__(self) -> str:
        return f"<PageIterator{' (finished)' if self._done else ''}>"
