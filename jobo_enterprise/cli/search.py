"""``jobo search``: GET /api/jobs, one page or all of them."""

from __future__ import annotations

import argparse
from typing import Any

from . import listing
from .common import add_common, api_option, client

# (API parameter, help) of the search filters; each becomes --name-with-dashes
FILTERS = (
    ("location", "place name: city, region or country"),
    ("sources", "ATS ids, comma-separated (greenhouse,lever_co,...)"),
    ("work_model", "remote, hybrid, onsite (comma-separated)"),
    ("employment_type", "full-time, part-time, contract, ... (comma-separated)"),
    ("experience_level", "intern, entry, mid, senior, lead, executive (comma-separated)"),
    ("skills", "comma-separated"),
    ("industries", "comma-separated"),
    ("posted_after", "ISO-8601 date or date-time"),
    ("posted_before", "ISO-8601 date or date-time"),
    ("discovered_after", "ISO-8601 date or date-time"),
    ("discovered_before", "ISO-8601 date or date-time"),
    ("include_facets", "facets to count, comma-separated ('' for none)"),
    ("include_fields", "heavy fields to keep, comma-separated ('' for none)"),
)
INT_FILTERS = ("min_salary_usd", "max_salary_usd")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "search", help="search jobs (GET /api/jobs)",
        description="Search jobs (GET /api/jobs). Costs 1 credit per job returned.",
        epilog='example: jobo search "data engineer" --work-model remote --all --max-items 500 '
               "--format csv > jobs.csv")
    p.add_argument("q", nargs="?", default=None,
                   help='free text; a "quoted phrase" must appear in the title')
    g = p.add_argument_group("filters (named as in the API; --work_model works too)")
    for name, text in FILTERS:
        api_option(g, name, help=text)
    for name in INT_FILTERS:
        api_option(g, name, type=int, metavar="USD", help="yearly salary bound in USD")
    g.add_argument("--search-description", dest="search_description",
                   action=argparse.BooleanOptionalAction, default=None,
                   help="match the description and skills too (the API's default)")
    listing.add_paging(p)
    add_common(p)
    return p


def run(args: argparse.Namespace) -> int:
    filters = {name: getattr(args, name) for name, _ in FILTERS}
    filters.update({name: getattr(args, name) for name in INT_FILTERS})
    filters["search_description"] = args.search_description
    size = listing.page_size(args)
    subject = f"for {args.q!r}" if args.q else "for all jobs"
    with client(args) as c:
        return listing.run(
            args, lambda page: c.jobs.search(args.q, page=page, page_size=size, **filters),
            subject)
