"""Paged job listings (``jobo search``, ``jobo company ID --jobs``) in every format.

One page by default; ``--all`` follows the pages (from ``--page``) to the last one,
``--max-items N`` stops after N jobs (and implies ``--all``). JSON Lines and CSV are
written page by page as they arrive.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Callable, Iterator, List, Optional, Sequence, Tuple

from .common import Bar, credits_of, output_format
from .output import (
    JOB_TABLE_CAPS,
    JOB_TABLE_HEADERS,
    job_csv_header,
    job_csv_rows,
    job_json,
    job_row,
    json_line,
    json_text,
    table,
    usage_lines,
)

Fetch = Callable[[int], Any]


def add_paging(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("paging")
    g.add_argument("--page", type=int, default=1, help="page to show (or start from); default 1")
    g.add_argument("--page-size", "--page_size", dest="page_size", type=int, default=None,
                   help="jobs per page, 1-100 (default 10, or 100 with --all)")
    g.add_argument("--all", action="store_true", help="follow the pages to the last one")
    g.add_argument("--max-items", "--max_items", dest="max_items", type=int, default=None,
                   metavar="N", help="stop after N jobs (implies --all; without --page-size, pages are "
                        "sized so that few jobs past N are fetched)")


def page_size(args: argparse.Namespace) -> int:
    """The --page-size given; else 10 for one page, 100 for --all. With --max-items N
    from the first page, the fewest pages that hold N, evenly filled, so that at most
    a few jobs past N are fetched (and charged)."""
    if args.page_size is not None:
        return args.page_size
    if args.max_items is not None and args.page == 1 and args.max_items > 0:
        pages = -(-args.max_items // 100)
        return -(-args.max_items // pages)
    return 100 if (args.all or args.max_items is not None) else 10


def pages(fetch: Fetch, start: int, max_items: Optional[int]) -> Iterator[Tuple[Any, List[Any]]]:
    """(result, jobs) per page from ``start`` until the last page, an empty page or
    ``max_items`` jobs; the page that reaches ``max_items`` is cut."""
    remaining = max_items
    number = start
    while remaining is None or remaining > 0:
        result = fetch(number)
        jobs = list(result.jobs)
        if remaining is not None:
            jobs = jobs[:remaining]
            remaining -= len(jobs)
        yield result, jobs
        if not jobs or number >= (result.total_pages or 0):
            return
        number += 1


def run(args: argparse.Namespace, fetch: Fetch, subject: str) -> int:
    """Print one page, or every page, of a listing in the chosen format."""
    fmt = output_format(args)
    if args.max_items is not None and args.max_items < 0:
        from .common import UsageError

        raise UsageError("--max-items must be 0 or more")
    if not (args.all or args.max_items is not None):
        return _one_page(fmt, fetch(args.page), subject)
    return _all_pages(args, fmt, fetch, subject)


def _one_page(fmt: str, result: Any, subject: str) -> int:
    out = sys.stdout
    if fmt == "json":
        data = result.to_dict()
        data["usage"] = result.usage.to_dict() if result.usage is not None else None
        out.write(json_text(data))
    elif fmt == "jsonl":
        out.write("".join(json_line(job_json(j)) for j in result.jobs))
    elif fmt == "csv":
        out.write(job_csv_header() + job_csv_rows(result.jobs))
    else:
        out.write(f"{result.total} jobs {subject} - page {result.page} of "
                  f"{result.total_pages}, {len(result.jobs)} shown\n")
        rows = [job_row(j) for j in result.jobs]
        if rows:
            out.write(table(rows, JOB_TABLE_HEADERS, JOB_TABLE_CAPS))
        out.write("\n" + usage_lines(result.usage))
    return 0


def _all_pages(args: argparse.Namespace, fmt: str, fetch: Fetch, subject: str) -> int:
    rows: List[Sequence[str]] = []
    total = shown = credits = 0
    first_page = last_page = args.page
    last: Any = None
    with Bar(args) as bar:
        for result, jobs in pages(fetch, args.page, args.max_items):
            if last is None:
                total = result.total
                left = max(0, total - (args.page - 1) * (result.page_size or 0))
                bar.set_total(left if args.max_items is None else min(left, args.max_items))
                if fmt == "json":
                    bar.write('{"total": %d,\n"jobs": [\n' % total)
                elif fmt == "csv":
                    bar.write(job_csv_header())
            last, last_page = result, result.page
            if fmt == "table":
                rows.extend(job_row(j) for j in jobs)
            elif fmt == "json":
                bar.write(("" if shown == 0 or not jobs else ",\n")
                          + ",\n".join(json_line(job_json(j))[:-1] for j in jobs))
            elif fmt == "jsonl":
                bar.write("".join(json_line(job_json(j)) for j in jobs))
            else:
                bar.write(job_csv_rows(jobs))
            shown += len(jobs)
            credits += credits_of(result) or 0
            bar.update(len(jobs), credits_of(result))
    usage = last.usage if last is not None else None
    if fmt == "json":
        if last is None:  # --max-items 0: nothing was requested
            sys.stdout.write('{"total": null,\n"jobs": [')
        sys.stdout.write('\n],\n"usage": %s}\n' % json_line(
            usage.to_dict() if usage is not None else None)[:-1])
    elif fmt == "table":
        pages_text = (f"page {first_page}" if first_page == last_page
                      else f"pages {first_page} to {last_page}")
        sys.stdout.write(f"{total} jobs {subject} - {pages_text}, {shown} shown\n")
        if rows:
            sys.stdout.write(table(rows, JOB_TABLE_HEADERS, JOB_TABLE_CAPS))
        sys.stdout.write(f"\ncredits used by these pages: {credits}\n" + usage_lines(usage))
    return 0
