"""Output of the ``jobo`` data commands: tables for people; JSON, JSON Lines and CSV
for scripts.

- ``json``: one JSON document (the API's shape).
- ``jsonl``: one JSON object a line, written as results arrive.
- ``csv``: a header line, then one row a result. Jobs use the columns of
  :data:`jobo_enterprise.frames.JOB_COLUMNS` (the DataFrame schema); list values are
  JSON text, date-times ISO-8601 UTC, booleans ``true``/``false``, ``None`` empty.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional, Sequence

from .._time import format_datetime
from ..frames import column_names, job_record


def json_line(data: Any) -> str:
    """One JSON object on one line (non-ASCII kept as is)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_json_default) + "\n"


def json_text(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_datetime(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return str(value)


def job_json(job: Any) -> Dict[str, Any]:
    """A job as the API's JSON object, every field kept (extra ones too), ``id`` first."""
    data = job.to_dict()
    if "id" in data:
        data = {"id": data.pop("id"), **data}
    return data


# -- CSV ------------------------------------------------------------------------------


def csv_cell(value: Any) -> str:
    """One CSV value: lists and objects as JSON text, date-times ISO-8601 UTC."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"),
                          default=_json_default)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def csv_text(rows: Iterable[Sequence[Any]]) -> str:
    """CSV lines (``\\n``-terminated; fields with commas, quotes or newlines quoted)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buf.getvalue()


def job_csv_header() -> str:
    return csv_text([column_names()])


def job_csv_rows(jobs: Iterable[Any]) -> str:
    names = column_names()
    return csv_text([job_record(job)[n] for n in names] for job in jobs)


def record_csv(records: List[Dict[str, Any]]) -> str:
    """Generic records (a company, geocoded places): their keys as columns, in order."""
    names: List[str] = []
    for rec in records:
        for key in rec:
            if key not in names:
                names.append(key)
    return csv_text([names] + [[rec.get(n) for n in names] for rec in records])


# -- tables ---------------------------------------------------------------------------


def truncate(text: Optional[str], width: int) -> str:
    text = (text or "").replace("\n", " ")
    return text if len(text) <= width else text[: max(width - 1, 0)] + "\u2026"


def table(rows: Sequence[Sequence[str]], headers: Sequence[str],
          caps: Optional[Sequence[int]] = None) -> str:
    """Aligned columns that fit the terminal; long cells are cut with an ellipsis."""
    total_width = shutil.get_terminal_size((120, 24)).columns
    n = len(headers)
    caps = list(caps or [40] * n)
    widths = [min(caps[i], max([len(headers[i])] + [len(r[i]) for r in rows])) for i in range(n)]
    while sum(widths) + 2 * (n - 1) > total_width and max(widths) > 8:
        widths[widths.index(max(widths))] -= 1
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(truncate(c, w).ljust(w) for c, w in zip(r, widths)).rstrip())
    return "\n".join(lines) + "\n"


def fields_table(pairs: Iterable[Any]) -> str:
    """``name  value`` lines, for one record."""
    pairs = [(k, _human(v)) for k, v in pairs if v not in (None, "", [], {})]
    if not pairs:
        return ""
    width = max(len(k) for k, _ in pairs)
    return "".join(f"{k.ljust(width)}  {v}\n" for k, v in pairs)


def _human(value: Any) -> str:
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, (str, int, float)) for v in value):
            return truncate(", ".join(str(v) for v in value), 100)
        return f"({len(value)} entries)"
    if isinstance(value, dict):
        return truncate(json.dumps(value, ensure_ascii=False, default=_json_default), 100)
    return truncate(str(value), 100)


JOB_TABLE_HEADERS = ("TITLE", "COMPANY", "LOCATION", "SOURCE")
JOB_TABLE_CAPS = (44, 26, 30, 16)


def job_location(job: Any) -> str:
    locs = job.locations
    if not locs:
        return ""
    loc = locs[0]
    text = loc.location or ", ".join(p for p in (loc.city, loc.region, loc.country) if p)
    return text + (f" (+{len(locs) - 1})" if len(locs) > 1 else "")


def job_row(job: Any) -> Sequence[str]:
    company = job.company
    return (job.title or "", (company.name if company is not None else "") or "",
            job_location(job), job.source or "")


def usage_lines(usage: Any) -> str:
    """Credits and rate-limit figures of the last response, for the table format."""
    if usage is None:
        return ""
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
    return "\n".join(lines) + "\n"

