"""The ``jobo`` command (also ``python -m jobo_enterprise``).

    jobo search "data engineer" --page-size 5            # key from JOBO_API_KEY
    jobo search "data engineer" --page-size 5 --sandbox  # local sandbox, no key
    jobo search python --work-model remote --all --max-items 300 --format csv
    jobo get 3f1c...                                      # one job
    jobo feed export jobs.jsonl --work-models remote      # --resume after any failure
    jobo expired --expired-since 2025-05-01
    jobo company 1894c230-... --jobs
    jobo geocode "San Francisco, CA"
    jobo diagnostics                                      # CA file, libcurl, TLS backend

The key is never taken from the command line (it would show in ``ps`` and in
shell history): set ``JOBO_API_KEY``, or use ``--sandbox``. The exit statuses are
listed in :mod:`jobo_enterprise.cli.errors`.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, List, NoReturn, Optional, Sequence

from .._version import __version__
from ..mirror import cli as mirror
from . import company, diagnostics, errors, expired, feed, geocode, get, search

# The subcommands, in the order `jobo --help` lists them. Each entry is a module (or
# any object) with two functions: add_parser(subparsers) adds its parser (calling
# common.add_common for the shared options), and run(args) -> int runs it and returns
# the exit status (raising an exception maps to a status through errors.EXIT_STATUS).
# A new command is one line here (`mirror` lives in jobo_enterprise/mirror/cli.py).
COMMANDS: List[Any] = [search, get, feed, expired, company, geocode, mirror, diagnostics]

EPILOG = """\
The key comes from the environment variable JOBO_API_KEY (never from the command
line). --sandbox runs a local sandbox server in the process instead: no key, no
network, synthetic data. JOBO_ENVIRONMENT, JOBO_BASE_URL and JOBO_CA_BUNDLE choose
the server and its CA.

Data commands take --format table|json|jsonl|csv (--json: JSON output and JSON
errors). A progress bar shows on a terminal for multi-page work (not when the
output is piped, nor with --quiet).

exit status:
  0    success
  2    usage or configuration error (bad option, no key, unusable CA bundle)
  3    permanent refusal (400, 401, 402, 403, 404, TLS verification failure)
  4    temporary failure worth retrying (429, 5xx, network, timeout, malformed
       body, a feed 409 that a restart did not cure)
  130  interrupted

`jobo COMMAND --help` describes each command."""


class _Parser(argparse.ArgumentParser):
    """Usage errors raise instead of exiting, so that main() reports them (as JSON
    with --json) and returns 2."""

    def error(self, message: str) -> NoReturn:
        raise _ParseError(message, self)


class _ParseError(Exception):
    def __init__(self, message: str, parser: argparse.ArgumentParser) -> None:
        super().__init__(message)
        self.parser = parser


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="jobo",
        description="The command line of jobo_enterprise, the Jobo Enterprise API SDK.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"jobo {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        before = set(sub.choices)
        command.add_parser(sub)
        for name in set(sub.choices) - before:
            sub.choices[name].set_defaults(_run=command.run)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run ``jobo`` with ``argv`` (default: the process's arguments); return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in argv
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _ParseError as exc:
        if as_json:
            return errors.report(errors.UsageError(str(exc)), True)
        exc.parser.print_usage(sys.stderr)
        sys.stderr.write(f"{exc.parser.prog}: error: {exc}\n")
        return errors.USAGE
    run = getattr(args, "_run", None)
    if run is None:
        parser.print_help()
        return errors.USAGE
    try:
        return int(run(args) or 0)
    except BrokenPipeError:  # e.g. `jobo search ... --format jsonl | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return errors.OK
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - mapped, reported
        if errors.exit_status(exc) == 1:
            raise  # a bug: let Python print the traceback
        return errors.report(exc, as_json, extra=getattr(exc, "cli_extra", None))


__all__ = ["main", "build_parser", "COMMANDS"]
