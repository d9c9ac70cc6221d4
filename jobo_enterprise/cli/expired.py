"""``jobo expired``: ids of jobs expired since a date (GET /api/jobs/expired). Free."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import Bar, UsageError, add_common, api_option, client, note, output_format
from .output import csv_text, json_line


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "expired", help="ids of expired jobs (GET /api/jobs/expired)",
        description="Ids of the jobs that expired since --expired-since (default: 24 hours "
                    "ago; at most 7 days back), following the cursors to the end. Free. "
                    "The table format is one id a line.")
    api_option(p, "expired_since", help="ISO-8601 date or date-time")
    api_option(p, "batch_size", type=int, default=1000, help="ids per request, 1-10000")
    p.add_argument("--max-items", "--max_items", dest="max_items", type=int, default=None,
                   metavar="N", help="stop after N ids")
    add_common(p)
    return p


def run(args: argparse.Namespace) -> int:
    if args.max_items is not None and args.max_items < 0:
        raise UsageError("--max-items must be 0 or more")
    fmt = output_format(args)
    count = 0
    remaining = args.max_items
    with client(args) as c, Bar(args, desc="expired ids") as bar:
        bar.write({"json": "[", "csv": "id\n"}.get(fmt, ""))
        cursor = None
        while remaining is None or remaining > 0:
            page = c.feed.get_expired_job_ids(
                expired_since=None if cursor else args.expired_since, cursor=cursor,
                batch_size=args.batch_size)
            ids = [str(i) for i in page.job_ids]
            if remaining is not None:
                ids = ids[:remaining]
                remaining -= len(ids)
            if fmt == "json":
                bar.write(("," if count and ids else "") + ",".join(f'\n"{i}"' for i in ids))
            elif fmt == "jsonl":
                bar.write("".join(json_line({"id": i}) for i in ids))
            elif fmt == "csv":
                bar.write(csv_text([i] for i in ids))
            else:
                bar.write("".join(i + "\n" for i in ids))
            count += len(ids)
            bar.update(len(ids))
            if not (page.has_more and page.next_cursor):
                break
            cursor = page.next_cursor
    if fmt == "json":
        sys.stdout.write("\n]\n")
    elif fmt == "table":
        note(args, f"{count} expired job ids")
    return 0
