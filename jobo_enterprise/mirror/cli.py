"""``jobo mirror sync|status``: keep a local database up to date with the feed.

    jobo mirror sync --db jobs.sqlite --work-models remote --sources greenhouse,lever_co
    jobo mirror sync --db jobs.sqlite                 # again later: remembered filters
    jobo mirror sync --db jobs.duckdb --location country=US --location country=CA,city=Toronto
    jobo mirror status --db jobs.sqlite

The key comes from ``JOBO_API_KEY`` (never from the command line). The exit statuses are
``jobo``'s own (:mod:`jobo_enterprise.cli.errors`): 0 done; 2 a usage error, or filters
other than the database's without ``--reset``; 3 a permanent refusal; 4 a temporary
failure, including another sync of the database running (when ``--wait`` did not allow
waiting); 130 interrupted (the next sync continues where this one stopped).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Dict, List, Optional

from ..cli.common import add_connection_args, client

__all__ = ["add_parser", "run"]


def _location(text: str) -> Dict[str, str]:
    entry: Dict[str, str] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or name not in ("country", "region", "city") or not value.strip():
            raise argparse.ArgumentTypeError(
                f"{text!r}: expected country=..., region=..., city=... joined by commas")
        entry[name] = value.strip()
    return entry


def _wait(text: str) -> Any:
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds")
    if seconds < 0:
        raise argparse.ArgumentTypeError("--wait takes seconds >= 0")
    return seconds


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``mirror`` (with ``sync`` and ``status``) to the ``jobo`` subcommands."""
    mirror = subparsers.add_parser(
        "mirror", help="keep a local database (SQLite, DuckDB) up to date with the feed",
        description="Keep a local copy of the feed: the first sync loads everything, later "
                    "ones fetch what changed and delete what expired.")
    actions = mirror.add_subparsers(dest="mirror_command", metavar="ACTION")
    actions.required = True

    sync = actions.add_parser("sync", help="bring the database up to date")
    _add_database_args(sync)
    f = sync.add_argument_group("filters (remembered by the database)")
    f.add_argument("--location", action="append", type=_location, metavar="PLACE",
                   help="country=..,region=..,city=.. (any given part must match; repeat "
                        "for more places)")
    f.add_argument("--sources", help="comma-separated ATS ids")
    f.add_argument("--work-models", help="remote, hybrid, onsite (comma-separated)")
    f.add_argument("--employment-types", help="full-time, part-time, ... (comma-separated)")
    f.add_argument("--experience-levels", help="intern, entry, mid, ... (comma-separated)")
    f.add_argument("--posted-after", help="ISO-8601 date-time")
    sync.add_argument("--reset", action="store_true",
                      help="empty the database and rebuild it (needed to change filters)")
    sync.add_argument("--wait", nargs="?", const=True, default=False, type=_wait,
                      metavar="SECONDS",
                      help="when another sync of the database runs, wait for it (at most "
                           "SECONDS) instead of stopping at once")
    sync.add_argument("--overlap", type=float, default=600,
                      help="seconds before the last watermark to fetch again (default 600)")
    sync.add_argument("--batch-size", type=int, default=1000, help="jobs per page (1-1000)")
    bar = sync.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None,
                     help="show a progress bar (default: when stderr is a terminal)")
    bar.add_argument("--no-progress", dest="progress", action="store_false")
    add_connection_args(sync)

    status = actions.add_parser("status", help="show the state of a database")
    _add_database_args(status)
    return mirror


def _add_database_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", required=True, metavar="PATH",
                   help="the database file (DuckDB for .duckdb/.ddb, SQLite otherwise)")
    p.add_argument("--backend", choices=["sqlite", "duckdb"], help="override the guess")
    p.add_argument("--json", action="store_true", help="print JSON")


def _print(obj: Any, as_json: bool) -> None:
    if as_json:
        json.dump(obj.to_dict(), sys.stdout, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(obj)


def run(args: argparse.Namespace) -> int:
    """Run ``jobo mirror ...``; the exit status (failures raise, and ``jobo`` maps them
    to its exit statuses)."""
    from .core import Mirror

    if args.mirror_command == "status":
        with Mirror(None, args.db, backend=args.backend) as mirror:
            _print(mirror.status(), args.json)
        return 0
    filters: Dict[str, Optional[List[Any]]] = {
        "locations": args.location, "sources": args.sources,
        "work_models": args.work_models, "employment_types": args.employment_types,
        "experience_levels": args.experience_levels, "posted_after": args.posted_after}
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    try:
        with client(args) as c, Mirror(c, args.db, backend=args.backend,
                                       overlap=args.overlap,
                                       batch_size=args.batch_size) as mirror:
            summary = mirror.sync(reset=args.reset, wait=args.wait, progress=progress,
                                  progress_file=sys.stderr, **filters)
    except KeyboardInterrupt:
        print("jobo: interrupted; the next sync continues where this one stopped",
              file=sys.stderr)
        raise
    _print(summary, args.json)
    return 0
