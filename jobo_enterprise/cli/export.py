"""The feed export behind ``jobo feed export``: written as it goes, resumable, no
job lost and none written twice.

Files:

- ``OUT.jsonl``: one job a line, the API's JSON object (every field), ``id`` first.
- ``OUT.csv``: a header, then one row a job, in the columns of
  :data:`jobo_enterprise.frames.JOB_COLUMNS`.
- ``OUT/`` (``--format parquet``, needs pyarrow): a dataset directory, one
  ``part-NNNNNN.parquet`` file a page, in the same columns with Arrow types.
- ``OUT.checkpoint.json``: the checkpoint, replaced atomically (write, fsync, rename)
  after each page once that page's jobs are on disk: the request's filters, the
  cursor of the next page, the count of jobs written, and the output's length in
  bytes (for parquet: the count of part files).

``--resume`` cuts the output back to the checkpointed length (or removes the part
files past the checkpointed count), so a page half-written when the process died is
dropped, and continues from the checkpointed cursor. The ids already in the output
are read back and every job whose id was written is skipped, so nothing is written
twice. A cursor the server no longer accepts (409 ``feed_cursor_restart_required``)
starts the scan again from the first page with the same filters, skipping the jobs
already written; a second 409 in the same run ends it with exit status 4 (the
checkpoint stays good for another ``--resume``).
"""

from __future__ import annotations

import csv
import json
import os
import re
import time
from typing import Any, Dict, Iterable, List, Optional, Set

from ..exceptions import JoboCursorRestartRequiredError
from ..frames import JOB_COLUMNS, LOCATION_FIELDS, column_names, job_record
from .common import UsageError
from .output import job_csv_header, job_csv_rows, job_json, json_line

CHECKPOINT_VERSION = 1
PARQUET_HINT = ("--format parquet needs pyarrow: pip install 'jobo-enterprise-native[parquet]' "
                "(or pip install pyarrow)")


def checkpoint_path(output: str) -> str:
    return output.rstrip("/" + os.sep) + ".checkpoint.json"


def _fsync_dir(path: str) -> None:
    fd = os.open(path or ".", os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data``: a reader (or a crash) sees the old or the new
    content, never a mix."""
    tmp = f"{path}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    _fsync_dir(os.path.dirname(os.path.abspath(path)))


def load_checkpoint(path: str) -> Optional[Dict[str, Any]]:
    try:
        with open(path, "rb") as f:
            data = json.loads(f.read())
    except FileNotFoundError:
        return None
    except ValueError:
        raise UsageError(f"the checkpoint {path} is not valid JSON; start again with "
                         "--overwrite") from None
    if not isinstance(data, dict) or data.get("version") != CHECKPOINT_VERSION:
        raise UsageError(f"{path} is not a checkpoint of this version of jobo")
    return data


def _lock(fd: int, output: str) -> None:
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise UsageError(f"another process is exporting to {output}") from None


# -- sinks: where the jobs go ---------------------------------------------------------


class _Sink:
    """An output held open (and locked) through one descriptor: a file or a directory."""

    _fd = -1

    def sync(self) -> None:
        os.fsync(self._fd)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class FileSink(_Sink):
    """JSON Lines or CSV: appended page by page; its position is the file's length."""

    def __init__(self, path: str, fmt: str) -> None:
        self.path = path
        self.fmt = fmt

    def open(self, position: Optional[int]) -> None:
        """Open for writing; ``None`` starts a new file, else cut it back to ``position``."""
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        _lock(self._fd, self.path)
        size = os.fstat(self._fd).st_size
        if position is not None and size < position:
            raise UsageError(
                f"{self.path} is shorter than its checkpoint says ({size} < {position} "
                "bytes): it was changed since; start again with --overwrite")
        os.ftruncate(self._fd, position or 0)
        os.lseek(self._fd, 0, os.SEEK_END)
        if position is None and self.fmt == "csv":
            self._write(job_csv_header().encode("utf-8"))
            self.sync()

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view):]

    def append(self, jobs: List[Any]) -> None:
        if not jobs:
            return
        if self.fmt == "csv":
            text = job_csv_rows(jobs)
        else:
            text = "".join(json_line(job_json(j)) for j in jobs)
        self._write(text.encode("utf-8"))

    @property
    def position(self) -> int:
        return os.lseek(self._fd, 0, os.SEEK_CUR)

    def ids(self) -> Set[str]:
        """The ids of the jobs in the file (read back to skip them)."""
        with open(self.path, "r", encoding="utf-8", newline="") as f:
            if self.fmt == "csv":
                rows = csv.reader(f)
                next(rows, None)
                return {row[0] for row in rows if row}
            found = set()
            for line in f:
                m = _ID_PREFIX.match(line)
                found.add(m.group(1) if m else str(json.loads(line).get("id")))
            return found

    def remove(self) -> None:
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


_ID_PREFIX = re.compile(r'\{"id":"([^"\\]+)"')
_PART = re.compile(r"^part-(\d{6})\.parquet$")


def arrow_schema(pa: Any) -> Any:
    """The Arrow schema of :data:`JOB_COLUMNS`."""
    scalar = {"string": pa.string(), "float": pa.float64(), "bool": pa.bool_(),
              "datetime": pa.timestamp("us", tz="UTC")}
    location = pa.struct([(name, scalar[kind]) for name, kind in LOCATION_FIELDS])
    kinds = dict(scalar, **{"list<string>": pa.list_(pa.string()),
                            "list<location>": pa.list_(location)})
    return pa.schema([(name, kinds[kind]) for name, kind in JOB_COLUMNS])


class ParquetSink(_Sink):
    """A dataset directory, one part file a page; its position is the count of parts."""

    def __init__(self, path: str) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise UsageError(PARQUET_HINT) from None
        self.path = path
        self._pa, self._pq = pa, pq
        self._schema = arrow_schema(pa)
        self._parts = 0

    def _files(self) -> List[str]:
        return sorted(os.listdir(self.path)) if os.path.isdir(self.path) else []

    def open(self, position: Optional[int]) -> None:
        if os.path.exists(self.path) and not os.path.isdir(self.path):
            raise UsageError(f"{self.path} is a file; --format parquet writes a directory")
        os.makedirs(self.path, exist_ok=True)
        self._fd = os.open(self.path, os.O_RDONLY)
        _lock(self._fd, self.path)
        self._parts = position or 0
        for name in self._files():
            m = _PART.match(name)
            if (m and int(m.group(1)) >= self._parts) or name.endswith(".parquet.tmp"):
                os.unlink(os.path.join(self.path, name))
        missing = [i for i in range(self._parts)
                   if not os.path.exists(self._part_path(i))]
        if missing:
            raise UsageError(f"{self.path} lacks part files its checkpoint lists "
                             f"(part {missing[0]}); start again with --overwrite")

    def _part_path(self, index: int) -> str:
        return os.path.join(self.path, f"part-{index:06d}.parquet")

    def append(self, jobs: List[Any]) -> None:
        if not jobs:
            return
        names = column_names()
        records = [job_record(j) for j in jobs]
        table = self._pa.Table.from_pydict(
            {n: [r[n] for r in records] for n in names}, schema=self._schema)
        final = self._part_path(self._parts)
        tmp = final + ".tmp"
        self._pq.write_table(table, tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, final)
        self._parts += 1

    @property
    def position(self) -> int:
        return self._parts

    def ids(self) -> Set[str]:
        found: Set[str] = set()
        for i in range(self._parts):
            found.update(self._pq.read_table(self._part_path(i), columns=["id"])
                         .column("id").to_pylist())
        return found

    def remove(self) -> None:
        """Remove the part files (only those: the directory may hold other files)."""
        for name in self._files():
            if _PART.match(name) or name.endswith(".parquet.tmp"):
                os.unlink(os.path.join(self.path, name))


def make_sink(path: str, fmt: str) -> Any:
    return ParquetSink(path) if fmt == "parquet" else FileSink(path, fmt)


def output_exists(path: str, fmt: str) -> bool:
    if fmt == "parquet":
        return os.path.isdir(path) and any(_PART.match(n) for n in os.listdir(path))
    return os.path.exists(path)


# -- the export loop ------------------------------------------------------------------


class Export:
    """One run of an export: ``run(fetch)`` pages until the feed's end."""

    def __init__(self, output: str, fmt: str, state: Dict[str, Any], sink: Any) -> None:
        self.output = output
        self.fmt = fmt
        self.state = state
        self.sink = sink
        self.ckpt: str = checkpoint_path(output)
        self.written_now: int = 0
        self.pages_now: int = 0
        self.credits_now: int = 0

    @classmethod
    def start(cls, output: str, fmt: str, filters: Dict[str, Any]) -> "Export":
        sink = make_sink(output, fmt)
        sink.open(None)
        state = {"version": CHECKPOINT_VERSION, "format": fmt,
                 "output": os.path.basename(output.rstrip("/" + os.sep)),
                 "filters": filters, "cursor": None, "jobs_written": 0, "pages": 0,
                 "restarts": 0, "estimated_total": None, "done": False,
                 "started_at": _now()}
        export = cls(output, fmt, state, sink)
        export.save()
        return export

    @classmethod
    def resume(cls, output: str, state: Dict[str, Any]) -> "Export":
        fmt = state["format"]
        sink = make_sink(output, fmt)
        sink.open(state["parts" if fmt == "parquet" else "file_length"])
        return cls(output, fmt, state, sink)

    def save(self) -> None:
        self.sink.sync()
        self.state["parts" if self.fmt == "parquet" else "file_length"] = self.sink.position
        self.state["updated_at"] = _now()
        write_atomically(self.ckpt, (json.dumps(self.state, indent=1) + "\n").encode())

    def run(self, fetch: Any, bar: Any, note: Any) -> None:
        """``fetch(cursor)`` is one feed page (``None``: the first, with the filters)."""
        seen = self.sink.ids() if self.state["jobs_written"] else set()
        if len(seen) != self.state["jobs_written"]:
            note(f"the output holds {len(seen)} distinct jobs, the checkpoint counted "
                 f"{self.state['jobs_written']}; going on from the output")
            self.state["jobs_written"] = len(seen)
        cursor = self.state["cursor"]
        restarted = False
        if self.state["estimated_total"]:
            bar.set_total(max(0, self.state["estimated_total"] - len(seen)))
        while True:
            try:
                page = fetch(cursor)
            except JoboCursorRestartRequiredError:
                if restarted:
                    raise
                restarted = True
                self.state["restarts"] += 1
                note("the server no longer accepts the feed cursor (409): starting the scan "
                     f"again, skipping the {len(seen)} jobs already written")
                cursor = None
                continue
            if cursor is None and page.estimated_total:
                self.state["estimated_total"] = page.estimated_total
                bar.set_total(max(0, page.estimated_total - len(seen)))
            fresh = []
            for job in page.jobs:
                job_id = str(job.id)
                if job_id not in seen:
                    seen.add(job_id)
                    fresh.append(job)
            self.sink.append(fresh)
            more = bool(page.has_more and page.next_cursor)
            self.state.update(cursor=page.next_cursor if more else None, done=not more,
                              jobs_written=self.state["jobs_written"] + len(fresh),
                              pages=self.state["pages"] + 1)
            self.save()
            used = page.usage.credits_used if page.usage is not None else None
            self.written_now += len(fresh)
            self.pages_now += 1
            self.credits_now += used or 0
            bar.update(len(fresh), used)
            if not more:
                return
            cursor = page.next_cursor

    def close(self) -> None:
        self.sink.close()

    def summary(self) -> Dict[str, Any]:
        return {"output": self.output, "format": self.fmt, "done": self.state["done"],
                "jobs_written": self.state["jobs_written"], "jobs_this_run": self.written_now,
                "pages_this_run": self.pages_now, "credits_this_run": self.credits_now,
                "restarts": self.state["restarts"], "checkpoint": self.ckpt}


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def parse_location(text: str) -> Dict[str, str]:
    """``country=US;region=California;city=San Jose`` or a JSON object."""
    text = text.strip()
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise UsageError(f"--locations {text!r}: not valid JSON ({exc})") from None
        if not isinstance(value, dict):
            raise UsageError(f"--locations {text!r}: expected a JSON object")
        items: Iterable[Any] = value.items()
    else:
        items = []
        for part in filter(None, (p.strip() for p in text.split(";"))):
            key, eq, val = part.partition("=")
            if not eq:
                raise UsageError(f"--locations {text!r}: expected key=value parts "
                                 "(country=US;region=California;city=San Jose)")
            items.append((key.strip(), val.strip()))
    out = {}
    for key, val in items:
        if key not in ("country", "region", "city") or not isinstance(val, str):
            raise UsageError(f"--locations {text!r}: the keys are country, region and city")
        out[key] = val
    if not out:
        raise UsageError("--locations needs at least one of country, region, city")
    return out


def comma_list(text: Optional[str]) -> Optional[List[str]]:
    if text is None:
        return None
    return [v.strip() for v in text.split(",") if v.strip()]


__all__ = ["Export", "checkpoint_path", "load_checkpoint", "output_exists", "make_sink",
           "parse_location", "comma_list", "arrow_schema", "write_atomically"]
