"""What every ``jobo`` subcommand shares: options, the client, the progress bar.

A subcommand module (``search``, ``feed``, ... or one outside this package, such as
``jobo mirror``) calls :func:`add_common` on its parser and :func:`client` in its
``run(args)``.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any, Iterator, Optional, Sequence

FORMATS = ("table", "json", "jsonl", "csv")


class UsageError(Exception):
    """A bad option or a local condition the user must fix: exit status 2."""


def add_common(parser: argparse.ArgumentParser, formats: Sequence[str] = FORMATS,
               connection: bool = True) -> None:
    """``--format``, ``--json``, ``--quiet`` and (with ``connection``) the options
    that choose the server: ``--sandbox``, ``--environment``, ``--base-url``,
    ``--ca-bundle``, ``--timeout``."""
    out = parser.add_argument_group("output")
    if formats:
        out.add_argument("--format", choices=list(formats), default=None,
                         help=f"output format (default {formats[0]})")
    out.add_argument("--json", action="store_true",
                     help="JSON output, and errors as one JSON object on stderr")
    out.add_argument("-q", "--quiet", action="store_true",
                     help="no progress bar and no notes on stderr")
    if connection:
        add_connection_args(parser)


def add_connection_args(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group(
        "connection", "The key comes from JOBO_API_KEY (never from the command line).")
    g.add_argument("--sandbox", action="store_true",
                   help="run a local sandbox server in this process and use its key "
                        "(no key, no network)")
    g.add_argument("--environment", choices=["production", "sandbox"],
                   help="default JOBO_ENVIRONMENT, else production")
    g.add_argument("--base-url", help="default JOBO_BASE_URL")
    g.add_argument("--ca-bundle", help="PEM file of trusted CAs; default JOBO_CA_BUNDLE")
    g.add_argument("--timeout", type=float, default=30.0,
                   help="seconds per request (default 30; feed calls get at least 120)")


def api_option(parser: Any, name: str, help: Optional[str] = None, **kw: Any) -> None:
    """An option named after the API parameter ``name``: ``--work-model``, with the
    API's own spelling ``--work_model`` accepted as well."""
    dashed = "--" + name.replace("_", "-")
    parser.add_argument(dashed, dest=name, help=help, **kw)
    if "_" in name:
        parser.add_argument("--" + name, dest=name, help=argparse.SUPPRESS, **kw)


def output_format(args: argparse.Namespace, default: str = "table") -> str:
    if getattr(args, "json", False):
        return "json"
    return getattr(args, "format", None) or default


@contextlib.contextmanager
def client(args: argparse.Namespace, **options: Any) -> Iterator[Any]:
    """A JoboClient configured from the options (``--sandbox``: a sandbox server in
    this process for the life of the command)."""
    from ..client import JoboClient

    options.setdefault("timeout", args.timeout)
    options.setdefault("feed_timeout", max(args.timeout, 120.0))
    if args.sandbox:
        try:
            from jobo_enterprise_sandbox import Sandbox
        except ImportError as exc:  # the optional extra is missing
            raise UsageError(
                "--sandbox needs the sandbox extra: "
                f"pip install 'jobo-enterprise-native[sandbox]' ({exc})") from None
        with Sandbox() as sb:
            with JoboClient(sb.keys["full"], base_url=sb.base_url, ca_bundle=sb.ca_cert,
                            **options) as c:
                yield c
        return
    with JoboClient(environment=args.environment, base_url=args.base_url,
                    ca_bundle=args.ca_bundle, **options) as c:
        check_ca_bundle(c.ca_bundle, c.ca_source)
        yield c


def check_ca_bundle(path: Optional[str], source: str) -> None:
    """A CA bundle that holds no certificate is a configuration error (exit 2), told
    before any request, rather than a TLS failure on the first one."""
    if path is None:  # the system trust store
        return
    import ssl

    try:
        ssl.create_default_context().load_verify_locations(cafile=path)
    except (ssl.SSLError, OSError, ValueError) as exc:
        source = "--ca-bundle" if source == "ca_bundle argument" else source
        raise UsageError(f"the CA bundle {path!r} (from {source}) holds no usable "
                         f"PEM certificate ({getattr(exc, 'reason', None) or exc})") from None


def wants_progress(args: argparse.Namespace) -> bool:
    """A bar only when a person watches: stdout and stderr are terminals, no --quiet."""
    if getattr(args, "quiet", False):
        return False
    try:
        return sys.stdout.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class Bar:
    """The progress bar of a multi-page command (jobs, jobs/s, credits), or nothing.

    ``write(text)`` prints to stdout without tearing the bar."""

    def __init__(self, args: argparse.Namespace, desc: str = "jobs",
                 total: Optional[int] = None) -> None:
        self._progress: Any = None
        if wants_progress(args):
            try:
                from .._progress import Progress
            except ImportError:  # pragma: no cover - tqdm is optional
                return
            try:
                self._progress = Progress(total=total, desc=desc, file=sys.stderr)
            except ImportError:  # tqdm missing: no bar, the command still runs
                self._progress = None

    def set_total(self, total: Optional[int]) -> None:
        if self._progress is not None:
            self._progress.set_total(total)

    def update(self, jobs: int, credits: Optional[int] = None) -> None:
        if self._progress is not None:
            self._progress.update(jobs, credits)

    def write(self, text: str) -> None:
        if not text:
            return
        if self._progress is None:
            sys.stdout.write(text)
            return
        from tqdm.auto import tqdm

        with tqdm.external_write_mode(file=sys.stdout):
            sys.stdout.write(text)
            sys.stdout.flush()

    def close(self) -> None:
        if self._progress is not None:
            self._progress.close()
            self._progress = None

    def __enter__(self) -> "Bar":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def note(args: argparse.Namespace, text: str) -> None:
    """A line for the person at the terminal, on stderr (not with --quiet)."""
    if not getattr(args, "quiet", False):
        print(f"jobo: {text}", file=sys.stderr)


def credits_of(page: Any) -> Optional[int]:
    usage = getattr(page, "usage", None)
    return usage.credits_used if usage is not None else None
