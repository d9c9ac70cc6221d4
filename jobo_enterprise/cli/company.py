"""``jobo company ID [--jobs]``: a company's profile, or its jobs."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from . import listing
from .common import add_common, api_option, client, output_format
from .output import fields_table, json_line, json_text, record_csv


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "company", help="a company's profile, or its jobs with --jobs",
        description="A company's profile (GET /api/companies/{id}, free), or with --jobs "
                    "its jobs (GET /api/companies/{id}/jobs, free).")
    p.add_argument("id", help="the company's id (a UUID), e.g. from a job's company_id")
    p.add_argument("--jobs", action="store_true", help="list the company's jobs instead")
    g = p.add_argument_group("filters of --jobs")
    api_option(g, "posted_after", help="ISO-8601 date or date-time")
    listing.add_paging(p)
    add_common(p)
    return p


def run(args: argparse.Namespace) -> int:
    with client(args) as c:
        if args.jobs:
            size = listing.page_size(args)
            return listing.run(args, lambda page: c.companies.get_jobs(
                args.id, posted_after=args.posted_after, page=page, page_size=size),
                f"of company {args.id}")
        profile = c.companies.get(args.id)
    data = profile.to_dict()
    fmt = output_format(args)
    if fmt == "json":
        sys.stdout.write(json_text(data))
    elif fmt == "jsonl":
        sys.stdout.write(json_line(data))
    elif fmt == "csv":
        sys.stdout.write(record_csv([data]))
    else:
        sys.stdout.write(fields_table(data.items()))
    return 0
