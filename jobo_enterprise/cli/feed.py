"""``jobo feed export OUT``: the bulk feed into a file, resumable after any failure.

See :mod:`jobo_enterprise.cli.export` for the files and the guarantees.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Dict, Optional, Tuple

from ..resources.feed import FEED_PATH, MANAGED_FEED_PATH, feed_call
from .common import Bar, UsageError, add_common, api_option, client, note
from .export import (
    Export,
    checkpoint_path,
    comma_list,
    load_checkpoint,
    make_sink,
    output_exists,
    parse_location,
)
from .output import json_line

LIST_FILTERS = (
    ("sources", "ATS ids, comma-separated"),
    ("work_models", "remote, hybrid, onsite (comma-separated)"),
    ("employment_types", "full-time, part-time, contract, ... (comma-separated)"),
    ("experience_levels", "intern, entry, mid, senior, lead, executive (comma-separated)"),
)
DATE_FILTERS = ("posted_after", "updated_after")
MANAGED_UNSUPPORTED = ("locations", "employment_types", "experience_levels", "stable_scan")
SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".parquet": "parquet"}


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser("feed", help="the bulk feed: jobo feed export OUT",
                              description="The bulk feed (POST /api/jobs/feed).")
    sub = p.add_subparsers(dest="feed_command", metavar="SUBCOMMAND", required=True,
                           parser_class=type(p))
    e = sub.add_parser(
        "export", help="write the feed to a file, resumable",
        description=(
            "Write every job of the feed to OUT as the pages arrive (0.5 credit per job). "
            "After each page a checkpoint (OUT.checkpoint.json) records the cursor, the "
            "count of jobs written and the length of OUT, replaced atomically. If the "
            "export stops for any reason (Ctrl-C, a kill, a network failure), run the "
            "same command with --resume: OUT is cut back to the checkpoint and the export "
            "goes on, with no job lost and none written twice. A cursor the server no "
            "longer accepts (409) starts the scan again and skips the jobs already "
            "written."),
        epilog="example: jobo feed export remote.jsonl --work-models remote "
               "--locations country=US --resume")
    e.add_argument("output", metavar="OUT",
                   help="OUT.jsonl, OUT.csv, or a directory for --format parquet")
    e.add_argument("--format", dest="export_format", choices=["jsonl", "csv", "parquet"],
                   help="default: from OUT's suffix (.jsonl, .ndjson, .csv, .parquet)")
    e.add_argument("--resume", action="store_true",
                   help="continue from OUT's checkpoint (start afresh if there is neither "
                        "OUT nor a checkpoint)")
    e.add_argument("--overwrite", action="store_true",
                   help="start again even if OUT or its checkpoint exists")
    e.add_argument("--managed", action="store_true",
                   help="the managed feed (POST /api/jobs/feed/managed): jobs of the "
                        "account's managed companies")
    g = e.add_argument_group("filters (named as in the API; --work_models works too)")
    g.add_argument("--locations", action="append", metavar="PLACE",
                   help="country=US;region=California;city=San Jose (or a JSON object); "
                        "repeat for more places, any one matches")
    for name, text in LIST_FILTERS:
        api_option(g, name, help=text)
    for name in DATE_FILTERS:
        api_option(g, name, help="ISO-8601 date or date-time")
    g.add_argument("--stable-scan", dest="stable_scan", action=argparse.BooleanOptionalAction,
                   default=None, help="a consistent snapshot across pages (the API's default)")
    api_option(g, "batch_size", type=int, help="jobs per page, 1-1000 (default 1000)")
    add_common(e, formats=())
    return p


def _format(args: argparse.Namespace) -> str:
    if args.export_format:
        return args.export_format
    suffix = os.path.splitext(args.output.rstrip("/" + os.sep))[1].lower()
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    if os.path.isdir(args.output):
        return "parquet"
    raise UsageError(f"cannot tell the format of {args.output!r} from its suffix: "
                     "give --format jsonl, csv or parquet")


def _filters(args: argparse.Namespace) -> Dict[str, Any]:
    """The filters given on the command line (None for those not given)."""
    filters: Dict[str, Any] = {
        "locations": [parse_location(t) for t in args.locations] if args.locations else None}
    for name, _ in LIST_FILTERS:
        filters[name] = comma_list(getattr(args, name))
    for name in DATE_FILTERS:
        filters[name] = getattr(args, name)
    filters["stable_scan"] = args.stable_scan
    filters["batch_size"] = args.batch_size
    filters["managed"] = args.managed or None
    return filters


def _check(args: argparse.Namespace) -> Tuple[str, Dict[str, Any], Optional[Dict[str, Any]]]:
    """(format, filters given, checkpoint to resume or None), or UsageError."""
    fmt = _format(args)
    given = _filters(args)
    ckpt_file = checkpoint_path(args.output)
    if args.resume and args.overwrite:
        raise UsageError("--resume and --overwrite do not go together")
    if args.batch_size is not None and not 1 <= args.batch_size <= 1000:
        raise UsageError("--batch-size must be between 1 and 1000")
    if args.managed:
        extra = [n for n in MANAGED_UNSUPPORTED if given[n] is not None]
        if extra:
            raise UsageError(f"the managed feed takes no {', '.join(extra)} filter")
    saved = None if args.overwrite else load_checkpoint(ckpt_file)
    if saved is not None and not saved["pages"] and not args.resume:
        saved = None  # an export that never received a page: nothing to keep
        args.overwrite = True
    if saved is not None:
        if not args.resume:
            state = "a finished" if saved.get("done") else "an unfinished"
            raise UsageError(f"{args.output} has {state} export ({ckpt_file}): continue it "
                             "with --resume, or start again with --overwrite")
        if saved["format"] != fmt:
            raise UsageError(f"the checkpoint is of a {saved['format']} export, not {fmt}")
        if any(v is not None for v in given.values()) and given != saved["filters"]:
            raise UsageError("the filters differ from those of the export being resumed "
                             f"(see {ckpt_file}); give the same ones, or none")
    elif output_exists(args.output, fmt) and not args.overwrite:
        raise UsageError(f"{args.output} exists and has no checkpoint: "
                         "remove it or give --overwrite")
    return fmt, given, saved


def run(args: argparse.Namespace) -> int:
    fmt, given, saved = _check(args)
    if saved is not None and saved.get("done"):
        _finish(args, Export(args.output, fmt, saved, None), "already complete")
        return 0
    filters = saved["filters"] if saved is not None else given
    managed = bool(filters.get("managed"))
    request = {k: v for k, v in filters.items() if v is not None and k != "managed"}
    batch_size = request.pop("batch_size", 1000)
    # refuse bad values (nothing sent) before any file is touched
    feed_call(MANAGED_FEED_PATH if managed else FEED_PATH, None, batch_size, request)
    with client(args) as c:
        method = c.feed.get_managed_jobs if managed else c.feed.get_jobs

        def fetch(cursor: Any) -> Any:
            if cursor:
                return method(cursor=cursor)
            return method(batch_size=batch_size, **request)

        if args.overwrite:
            ckpt_file = checkpoint_path(args.output)
            if os.path.exists(ckpt_file):
                os.unlink(ckpt_file)
            if os.path.exists(args.output):
                make_sink(args.output, fmt).remove()
        export = (Export.resume(args.output, saved) if saved is not None
                  else Export.start(args.output, fmt, given))
        try:
            with Bar(args, desc="feed") as bar:
                export.run(fetch, bar, lambda text: note(args, text))
        except BaseException as exc:
            if export.state["jobs_written"] or export.state["pages"]:
                note(args, f"{export.state['jobs_written']} jobs are safely in {args.output}; "
                           "run the same command with --resume to continue")
            exc.cli_extra = {"jobs_written": export.state["jobs_written"],  # type: ignore
                             "checkpoint": export.ckpt}
            raise
        finally:
            export.close()
    _finish(args, export, "done")
    return 0


def _finish(args: argparse.Namespace, export: Export, word: str) -> None:
    summary = export.summary()
    if args.json:
        sys.stdout.write(json_line(summary))
    else:
        note(args, f"{word}: {summary['jobs_written']} jobs in {args.output} "
                   f"({summary['jobs_this_run']} written by this run, "
                   f"{summary['restarts']} restarts)")
