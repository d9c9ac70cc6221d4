"""``jobo diagnostics``: the CA file, libcurl, the TLS backend and its features."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import add_common, output_format
from .output import json_text


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "diagnostics", help="print the CA file, libcurl, TLS backend and features",
        description="Print what the SDK would use to connect: the CA bundle and where it "
                    "comes from, the libcurl version, the TLS backend and its features. "
                    "Sends nothing.")
    p.add_argument("--ca-bundle", help="the CA bundle to check (default: as a client "
                                       "would resolve it)")
    add_common(p, formats=("table", "json"), connection=False)
    return p


def run(args: argparse.Namespace) -> int:
    from .._diagnostics import diagnostics

    info = diagnostics(args.ca_bundle)
    if output_format(args) == "json":
        sys.stdout.write(json_text(info))
        return 0
    width = max(len(k) for k in info)
    for key, value in info.items():
        if key == "bundled":  # the libraries a binary wheel carries
            value = ", ".join(value) or "none (libcurl and cJSON are the system's)"
        print(f"{key.ljust(width)}  {value}")
    return 0
