"""The ``jobo`` command (also ``python -m jobo_enterprise``).

    jobo search "data engineer" --page-size 5            # key from JOBO_API_KEY
    jobo search "data engineer" --page-size 5 --sandbox  # local sandbox, no key
    jobo search python --work-model remote --json
    jobo diagnostics                                      # CA file, libcurl, TLS backend

The key is never taken from the command line (it would show in ``ps`` and in
shell history): set ``JOBO_API_KEY``, or use ``--sandbox``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
from typing import Any, Iterator, List, Optional, Sequence

from ._version import __version__
from .exceptions import JoboError
from .mirror import cli as mirror_cli


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jobo",
        description="Command line of jobo_enterprise, the Jobo Enterprise API SDK.",
    )
    parser.add_argument("--version", action="version", version=f"jobo {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    search = sub.add_parser("search", help="search jobs (GET /api/jobs)")
    search.add_argument("q", nargs="?", default=None, help="free text; quote a phrase for the title")
    search.add_argument("--page", type=int, default=1)
    search.add_argument("--page-size", type=int, default=10)
    search.add_argument("--location")
    search.add_argument("--sources", help="comma-separated ATS ids")
    search.add_argument("--work-model", help="remote, hybrid, onsite (comma-separated)")
    search.add_argument("--employment-type", help="full-time, part-time, ... (comma-separated)")
    search.add_argument("--experience-level", help="intern, entry, mid, ... (comma-separated)")
    search.add_argument("--skills", help="comma-separated")
    search.add_argument("--industries", help="comma-separated")
    search.add_argument("--min-salary-usd", type=int)
    search.add_argument("--max-salary-usd", type=int)
    search.add_argument("--posted-after", help="ISO-8601 date-time")
    search.add_argument("--json", action="store_true", help="print the JSON result")
    _add_connection_args(search)

    diag = sub.add_parser("diagnostics", help="print the CA file, libcurl, TLS backend and features")
    diag.add_argument("--ca-bundle")
    diag.add_argument("--json", action="store_true")
    mirror_cli.add_parser(sub)  # jobo mirror sync|status (jobo_enterprise/mirror/cli.py)
    return parser


def _add_connection_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("connection")
    g.add_argument(
        "--sandbox",
        action="store_true",
        help="start a local sandbox server in-process and use its key (no key, no network)",
    )
    g.add_argument("--environment", choices=["production", "sandbox"])
    g.add_argument("--base-url")
    g.add_argument("--ca-bundle")
    g.add_argument("--timeout", type=float, default=30.0)


@contextlib.contextmanager
def _client(args: argparse.Namespace) -> Iterator[Any]:
    from .client import JoboClient

    if args.sandbox:
        try:
            from .sandbox import Sandbox
        except ImportError as exc:  # the optional extra is missing
            raise SystemExit(
                f"jobo: --sandbox needs the sandbox extra: pip install 'jobo-enterprise[sandbox]' ({exc})"
            )
        with Sandbox() as sb:
            with JoboClient(
                sb.keys["full"], base_url=sb.base_url, ca_bundle=sb.ca_cert, timeout=args.timeout
            ) as client:
                yield client
        return
    with JoboClient(
        environment=args.environment,
        base_url=args.base_url,
        ca_bundle=args.ca_bundle,
        timeout=args.timeout,
    ) as client:
        yield client


def _truncate(text: Optional[str], width: int) -> str:
    text = (text or "").replace("\n", " ")
    return text if len(text) <= width else text[: max(width - 1, 0)] + "\u2026"


def _location(job: Any) -> str:
    locs = job.locations
    if not locs:
        return ""
    loc = locs[0]
    text = loc.location or ", ".join(p for p in (loc.city, loc.region, loc.country) if p)
    return text + (f" (+{len(locs) - 1})" if len(locs) > 1 else "")


def _table(rows: List[Sequence[str]], headers: Sequence[str], total_width: int) -> str:
    # column budget: share what is left after fixed gaps, cap each column
    caps = [44, 26, 30, 16]
    widths = [min(caps[i], max([len(headers[i])] + [len(r[i]) for r in rows])) for i in range(4)]
    while sum(widths) + 6 > total_width and max(widths) > 8:
        widths[widths.index(max(widths))] -= 1
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(_truncate(c, w).ljust(w) for c, w in zip(r, widths)).rstrip())
    return "\n".join(lines)


def _usage_lines(usage: Any) -> List[str]:
    if usage is None:
        return []
    credits = "credits: used {} | remaining {}".format(
        "?" if usage.credits_used is None else usage.credits_used,
        "?" if usage.credits_remaining is None else usage.credits_remaining,
    )
    reset = usage.rate_limit_reset.strftime("%H:%M:%S UTC") if usage.rate_limit_reset else "?"
    rate = "rate limit: {} of {} left, window resets {}".format(
        "?" if usage.rate_limit_remaining is None else usage.rate_limit_remaining,
        "?" if usage.rate_limit_limit is None else usage.rate_limit_limit,
        reset,
    )
    lines = [credits, rate]
    if usage.request_id:
        lines.append(f"request id: {usage.request_id}")
    return lines


def _cmd_search(args: argparse.Namespace) -> int:
    with _client(args) as client:
        result = client.jobs.search(
            args.q,
            page=args.page,
            page_size=args.page_size,
            location=args.location,
            sources=args.sources,
            work_model=args.work_model,
            employment_type=args.employment_type,
            experience_level=args.experience_level,
            skills=args.skills,
            industries=args.industries,
            min_salary_usd=args.min_salary_usd,
            max_salary_usd=args.max_salary_usd,
            posted_after=args.posted_after,
        )
    if args.json:
        out = result.to_dict()
        out["usage"] = result.usage.to_dict() if result.usage is not None else None
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
        return 0
    rows = [
        (job.title or "", job.company.name or "", _location(job), job.source or "")
        for job in result.jobs
    ]
    width = shutil.get_terminal_size((120, 24)).columns
    query = f"{args.q!r}" if args.q else "all jobs"
    print(
        f"{result.total} jobs for {query} - page {result.page} of {result.total_pages}, "
        f"{len(result.jobs)} shown"
    )
    if rows:
        print(_table(rows, ("TITLE", "COMPANY", "LOCATION", "SOURCE"), width))
    print()
    for line in _usage_lines(result.usage):
        print(line)
    return 0


def _cmd_diagnostics(args: argparse.Namespace) -> int:
    from ._diagnostics import diagnostics

    info = diagnostics(args.ca_bundle)
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    width = max(len(k) for k in info)
    for key, value in info.items():
        print(f"{key.ljust(width)}  {value}")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        if args.command == "mirror":
            return mirror_cli.run(args)
        if args.command == "diagnostics":
            return _cmd_diagnostics(args)
        return _cmd_search(args)
    except JoboError as exc:
        print(f"jobo: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("jobo: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `jobo search ... --json | head`
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
