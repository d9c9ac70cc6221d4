"""``jobo geocode TEXT``: resolve a place name (GET /api/locations/geocode)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .common import add_common, client, note, output_format
from .output import json_line, json_text, record_csv, table

COLUMNS = ("display_name", "city", "region", "country", "country_code", "latitude",
           "longitude", "fuzzy_confidence")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "geocode", help="resolve a place name (GET /api/locations/geocode)",
        description="Resolve a place name to places with coordinates "
                    "(GET /api/locations/geocode). Costs 1 credit. No match is not an "
                    "error: the table says so, JSON has succeeded=false.")
    p.add_argument("text", help="'City', 'City, Country' or 'City, ST'")
    add_common(p)
    return p


def run(args: argparse.Namespace) -> int:
    with client(args) as c:
        result = c.locations.geocode(args.text)
    data = result.to_dict()
    places = [{name: loc.get(name) for name in COLUMNS} for loc in data.get("locations") or []]
    fmt = output_format(args)
    if fmt == "json":
        sys.stdout.write(json_text(data))
    elif fmt == "jsonl":
        sys.stdout.write("".join(json_line(p) for p in places))
    elif fmt == "csv":
        sys.stdout.write(record_csv(places) if places else ",".join(COLUMNS) + "\n")
    elif not result.succeeded:
        sys.stdout.write(f"no place found for {args.text!r}"
                         + (f": {result.error}" if result.error else "") + "\n")
    else:
        rows = [["" if p[n] is None else str(p[n]) for n in COLUMNS] for p in places]
        sys.stdout.write(table(rows, [n.upper().replace("_", " ") for n in COLUMNS]))
        if result.method:
            note(args, f"matched by {result.method}")
    return 0
