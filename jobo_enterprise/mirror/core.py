"""The sync loop: :class:`Mirror`, :class:`SyncSummary`, :class:`MirrorStatus`."""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, Optional, Union

from .._time import format_datetime
from ..exceptions import JoboCursorRestartRequiredError, JoboValidationError
from ..frames import job_record
from .errors import MirrorError, MirrorFiltersError
from .storage import SQLiteStorage, Storage, iso_utc

__all__ = ["Mirror", "SyncSummary", "MirrorStatus", "EXPIRED_WINDOW", "open_storage"]

log: logging.Logger = logging.getLogger("jobo_enterprise.mirror")

#: how far back ``GET /api/jobs/expired`` reaches: older mirrors resync in full
EXPIRED_WINDOW = timedelta(days=7)
# kept clear of the window's edge: an incremental sync must finish its scan and ask for
# the expired ids within this time (and clock skew between requests is absorbed)
_EDGE = timedelta(hours=1)
# how far inside the window a full load asks for expired ids, once its scan is done
_FULL_EDGE = timedelta(minutes=2)
# consecutive 409s without a page in between before a sync gives up
_MAX_RESTARTS = 5

FILTER_NAMES = ("locations", "sources", "work_models", "employment_types",
                "experience_levels", "posted_after")


def open_storage(database: Union[str, "os.PathLike[str]", Storage],
                 backend: Optional[str] = None) -> Storage:
    """A :class:`Storage` for ``database``: a Storage is used as it is; a path gets
    ``backend`` (``"sqlite"`` or ``"duckdb"``; by default DuckDB for a ``.duckdb`` or
    ``.ddb`` file, SQLite otherwise)."""
    if isinstance(database, Storage):
        return database
    path = os.fspath(database)
    if backend is None:
        backend = "duckdb" if path.endswith((".duckdb", ".ddb")) else "sqlite"
    if backend == "sqlite":
        return SQLiteStorage(path)
    if backend == "duckdb":
        from .duckdb_storage import DuckDBStorage

        return DuckDBStorage(path)
    raise ValueError(f"unknown mirror backend {backend!r} (sqlite or duckdb)")


def _parse_time(text: Optional[str]) -> Optional[datetime]:
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def canonical_filters(filters: Dict[str, Any]) -> Dict[str, Any]:
    """The filters in the one form a database remembers them in (lists sorted and
    lower-cased, dates as ISO-8601 UTC, unset ones left out)."""
    out: Dict[str, Any] = {}
    for name in FILTER_NAMES:
        value = filters.get(name)
        if value is None:
            continue
        try:
            _canonical_filter(out, name, value)
        except (TypeError, ValueError, AttributeError) as exc:
            raise JoboValidationError(f"Parameter '{name}' has an invalid value {value!r}: "
                                      f"{exc}") from None
    return out


def _canonical_filter(out: Dict[str, Any], name: str, value: Any) -> None:
    """Put the canonical form of one filter value into ``out``."""
    if name == "posted_after":
        if isinstance(value, str):
            value = _parse_time(value) if "T" in value else datetime.fromisoformat(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        out[name] = format_datetime(value)
    elif name == "locations":
        items = [value] if isinstance(value, dict) or hasattr(value, "to_dict") else value
        entries = []
        for item in items:
            d = item.to_dict() if hasattr(item, "to_dict") else dict(item)
            entries.append({k: d[k] for k in ("country", "region", "city") if d.get(k)})
        if entries:
            out[name] = sorted(entries, key=lambda e: json.dumps(e, sort_keys=True))
    else:
        if isinstance(value, str):
            value = value.split(",")
        if not all(isinstance(getattr(v, "value", v), str) for v in value):
            raise TypeError("expected strings")
        values = sorted({getattr(v, "value", v).strip().lower() for v in value} - {""})
        if values:
            out[name] = values


@dataclass
class SyncSummary:
    """What one :meth:`Mirror.sync` did.

    ``mode`` is ``"full"`` (every matching job, then jobs no longer in the feed are
    removed) or ``"incremental"``; ``reason`` says why a sync was full. ``resumed`` is
    true when it continued a sync that had been interrupted. ``inserted``, ``updated``
    (stored content changed) and ``unchanged`` count the jobs the feed returned;
    ``deleted`` the jobs removed (``expired``: listed by the expired-ids endpoint,
    ``swept``: not seen by a full load). ``pages`` and ``credits`` are the feed pages
    fetched and the credits they cost, ``restarts`` the scans restarted after a stale
    cursor (409). ``watermark`` is where the next incremental sync starts (the
    server's time when this one began), ``elapsed`` the seconds it took."""

    database: str
    mode: str
    reason: Optional[str] = None
    resumed: bool = False
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    expired: int = 0
    swept: int = 0
    pages: int = 0
    credits: float = 0
    restarts: int = 0
    watermark: Optional[datetime] = None
    elapsed: float = 0.0
    jobs: int = 0
    filters: Dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> Dict[str, Any]:
        out = asdict(self)
        out["watermark"] = iso_utc(self.watermark)
        return out

    def __str__(self) -> str:
        how = self.mode + (" (resumed)" if self.resumed else "")
        text = (f"{self.database}: {how} sync, {self.inserted:,} inserted, "
                f"{self.updated:,} updated, {self.deleted:,} deleted "
                f"({self.unchanged:,} unchanged); {self.pages:,} pages, "
                f"{self.credits:g} credits; watermark {iso_utc(self.watermark)}; "
                f"{self.jobs:,} jobs; {self.elapsed:.1f} s")
        if self.reason:
            text += f"\n  full sync because {self.reason}"
        return text


@dataclass
class MirrorStatus:
    """The state of a mirror database (:meth:`Mirror.status`, ``jobo mirror status``):
    ``jobs`` (-1 when a running sync holds a DuckDB file, which cannot be read then),
    ``filters`` (None before the first sync), ``watermark``, ``last_sync`` (the server's
    time when the last complete sync began), ``last_summary`` (its
    :meth:`SyncSummary.to_dict`), ``in_progress`` (the interrupted or running sync:
    kind, start, pages, cursor) and ``busy`` (a sync holds the lock now)."""

    database: str
    backend: str
    jobs: int
    filters: Optional[Dict[str, Any]]
    watermark: Optional[datetime]
    last_sync: Optional[datetime]
    last_summary: Optional[Dict[str, Any]]
    in_progress: Optional[Dict[str, Any]]
    busy: bool

    def to_dict(self) -> Dict[str, Any]:
        out = asdict(self)
        out["watermark"] = iso_utc(self.watermark)
        out["last_sync"] = iso_utc(self.last_sync)
        return out

    def __str__(self) -> str:
        if self.jobs < 0:  # DuckDB: the running sync holds the file
            return (f"database     {self.database} ({self.backend})\n"
                    "busy         a sync is running now and holds the file; ask again later")
        lines = [f"database     {self.database} ({self.backend})",
                 f"jobs         {self.jobs:,}",
                 "filters      " + (json.dumps(self.filters) if self.filters else
                                    "none (the whole feed)" if self.filters is not None
                                    else "not set yet"),
                 "watermark    " + (iso_utc(self.watermark)
                                      or "none: the next sync loads everything"),
                 f"last sync    {iso_utc(self.last_sync) or 'never completed'}"]
        if self.last_summary:
            s = self.last_summary
            lines.append(f"last result  {s['mode']}: {s['inserted']:,} inserted, "
                         f"{s['updated']:,} updated, {s['deleted']:,} deleted, "
                         f"{s['pages']:,} pages, {s['credits']:g} credits, "
                         f"{s['elapsed']:.1f} s")
        if self.in_progress:
            run = self.in_progress
            lines.append(f"interrupted  a {run['kind']} sync started {run['start']} stopped "
                         f"after {run['pages']:,} pages; the next sync continues it")
        if self.busy:
            lines.append("busy         a sync is running now")
        return "\n".join(lines)


class Mirror:
    """A local copy of the feed, kept up to date by :meth:`sync`.

    >>> from jobo_enterprise import JoboClient
    >>> from jobo_enterprise.mirror import Mirror
    >>> with Mirror(JoboClient(), "jobs.sqlite") as mirror:      # doctest: +SKIP
    ...     print(mirror.sync(work_models=["remote"], progress=True))

    ``database`` is a path (SQLite by default; DuckDB for ``.duckdb``/``.ddb`` or with
    ``backend="duckdb"``) or a :class:`~jobo_enterprise.mirror.storage.Storage`.
    ``client`` may be None to only read the state (:meth:`status`).

    ``overlap`` (default 10 minutes) is how far before the last watermark an incremental
    sync starts again, and how far before the last sync it asks for expired ids: jobs
    that change near a boundary are fetched twice rather than missed (an unchanged job
    fetched again costs its feed credit and changes nothing). ``batch_size`` is the feed's
    page size (1-1000): each page commits together with the progress that covers it.
    """

    def __init__(self, client: Any, database: Union[str, "os.PathLike[str]", Storage], *,
                 backend: Optional[str] = None, overlap: Union[float, timedelta] = 600,
                 batch_size: int = 1000) -> None:
        self.client = client
        self.storage: Storage = open_storage(database, backend)
        self.overlap: timedelta = overlap if isinstance(overlap, timedelta) else timedelta(seconds=overlap)
        if self.overlap < timedelta(0):
            raise ValueError("overlap must be >= 0")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) \
                or not 1 <= batch_size <= 1000:
            raise ValueError("batch_size must be an integer between 1 and 1000")
        self.batch_size = batch_size

    @property
    def database(self) -> str:
        return self.storage.location

    # -- reading -------------------------------------------------------------------------
    def status(self) -> MirrorStatus:
        """The state of the database (works while a sync runs, for SQLite)."""
        storage = self.storage
        busy = storage.busy()
        missing = storage.name in ("sqlite", "duckdb") and not os.path.exists(storage.location)
        if missing and not busy:
            raise MirrorError(f"no mirror at {storage.location}: run a sync first")
        if busy and (missing or storage.name == "duckdb"):
            # DuckDB lets no other connection open the file while a sync writes to it
            return MirrorStatus(storage.location, storage.name, -1, None, None, None, None,
                                None, True)
        storage.open()
        try:
            state = storage.read_state()
            jobs = storage.count()
        finally:
            storage.close()
        run = json.loads(state["run"]) if state.get("run") else None
        return MirrorStatus(
            database=storage.location, backend=storage.name, jobs=jobs,
            filters=json.loads(state["filters"]) if "filters" in state else None,
            watermark=_parse_time(state.get("watermark")),
            last_sync=_parse_time(state.get("last_sync")),
            last_summary=json.loads(state["last_summary"]) if state.get("last_summary") else None,
            in_progress=run, busy=busy)

    def load_parquet(self, path: Any, *, exported_at: Any = None, reset: bool = False,
                     wait: Union[bool, float] = False, **filters: Any) -> SyncSummary:
        """A first load from a Parquet export of the feed (a file or a directory of
        them, with the columns of :data:`jobo_enterprise.frames.JOB_COLUMNS`, as
        ``to_parquet`` of :func:`jobo_enterprise.dask.read_feed` writes them), for a
        first load of millions of jobs on a cluster; later :meth:`sync` calls go on
        incrementally from there.

        Pass the filters the export was made with (the database remembers them) and
        ``exported_at``, the time its scan started (a datetime or ISO-8601 text;
        default the newest ``updated_at`` in the file, which is never later than the
        real start, so nothing is missed, at the price of fetching again what changed
        since). Expiries are only known for 7 days: load an export less than 7 days
        old, or the next sync loads everything again. The load is one transaction;
        rows from the export have a null ``raw_json`` until the feed sends them again.
        A database that already holds a mirror needs ``reset=True``. Needs pyarrow.
        """
        asked = canonical_filters(filters)
        unknown = sorted(set(filters) - set(FILTER_NAMES))
        if unknown:
            raise TypeError(f"load_parquet() got unexpected keyword argument(s): "
                            f"{', '.join(unknown)}")
        from .parquet import load_parquet

        return load_parquet(self, path, exported_at, reset, wait, asked)

    def close(self) -> None:
        self.storage.close()

    def __enter__(self) -> "Mirror":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Mirror {self.storage.name} {self.storage.location!r}>"

    # -- syncing -------------------------------------------------------------------------
    def sync(self, *, locations: Any = None, sources: Any = None, work_models: Any = None,
             employment_types: Any = None, experience_levels: Any = None,
             posted_after: Any = None, reset: bool = False, wait: Union[bool, float] = False,
             progress: bool = False, progress_file: Any = None) -> SyncSummary:
        """Bring the database up to date with the feed; a :class:`SyncSummary`.

        The first sync loads every job that matches the filters (the feed's
        ``locations``, ``sources``, ``work_models``, ``employment_types``,
        ``experience_levels``, ``posted_after``). Later syncs fetch the jobs updated
        since the last watermark (minus the overlap) and delete the ids the
        expired-ids endpoint lists since the last sync. A mirror whose last sync is
        older than the expired-ids window (7 days) cannot learn every expiry, so it
        loads everything again and removes what the feed no longer has; the summary's
        ``reason`` (and a log warning) says so.

        The database remembers its filters: with none given, a sync uses them; other
        filters raise :class:`MirrorFiltersError` unless ``reset=True``, which empties
        the database first and loads it again (with the remembered filters when none
        are given; an empty list, e.g. ``sources=[]``, asks for no filter at all). A job that stops matching the filters is not returned by
        the filtered scan any more, so it stays (as last seen) until it expires.

        Each page of jobs commits in one transaction with the progress that covers it:
        a sync interrupted at any point (Ctrl-C, a crash, a lost connection, a stale
        cursor) continues where it stopped when run again, and ends with the same
        rows as one that was never interrupted.

        ``wait``: another sync of the same database makes this one raise
        :class:`MirrorBusyError` at once (False), wait for it (True) or wait up to
        that many seconds. ``progress=True`` shows a bar (jobs, jobs/s, credits; the
        ``progress`` extra).
        """
        if self.client is None:
            raise MirrorError("this Mirror has no client: Mirror(client, database) to sync")
        given = dict(locations=locations, sources=sources, work_models=work_models,
                     employment_types=employment_types, experience_levels=experience_levels,
                     posted_after=posted_after)
        asked = None if all(v is None for v in given.values()) else canonical_filters(given)
        with self.storage.lock(wait):
            self.storage.open()
            try:
                return _Run(self, asked, reset, progress, progress_file).run()
            finally:
                self.storage.close()  # DuckDB: let other processes open the file between syncs


class _Run:
    """One sync, from the lock to the final commit."""

    def __init__(self, mirror: Mirror, asked: Optional[Dict[str, Any]], reset: bool,
                 progress: bool, progress_file: Any) -> None:
        self.m = mirror
        self.st = mirror.storage
        self.asked = asked
        self.reset = reset
        self.bar: Any = None
        if progress:
            from .._progress import Progress

            self.bar = Progress(desc=f"mirror {os.path.basename(mirror.database)}",
                                file=progress_file)
        self.t0 = time.monotonic()

    def run(self) -> SyncSummary:
        try:
            return self._run()
        finally:
            if self.bar is not None:
                self.bar.close()

    def _server_now(self) -> datetime:
        """The server's time (its Date header) from a free request."""
        probe = self.m.client.feed.get_expired_job_ids(batch_size=1)
        date = probe.usage.date if probe.usage is not None else None
        return date if date is not None else datetime.now(timezone.utc)

    def _run(self) -> SyncSummary:
        st = self.st
        state = st.read_state()
        stored = json.loads(state["filters"]) if "filters" in state else None
        reason = None
        if self.reset:
            # no filters given: rebuild with the remembered ones
            filters = self.asked if self.asked is not None else (stored or {})
            with st.transaction():
                st.clear()
                st.write_state({"filters": json.dumps(filters, sort_keys=True)})
            state, reason = {}, "reset was asked for"
        elif stored is None:
            filters = self.asked or {}
        else:
            if self.asked is not None and self.asked != stored:
                raise MirrorFiltersError(
                    f"{st.location} was built with the filters {json.dumps(stored)}, and this "
                    f"sync asks for {json.dumps(self.asked)}; pass reset=True (--reset) to "
                    "empty it and rebuild it with the new filters")
            filters = stored
        now = self._server_now()
        last = _parse_time(state.get("last_sync"))
        run = json.loads(state["run"]) if state.get("run") else None
        if run is not None and _parse_time(run["start"]) < now - EXPIRED_WINDOW + _EDGE:
            run = None  # too old to continue: its expired-ids window has passed
            reason = "an interrupted sync is older than the 7-day expired-ids window"
        resumed = run is not None
        if run is None:
            load = int(state.get("load_id", "0"))
            if last is None:
                kind, start_from = "full", None
                reason = reason or "the database is new"
            elif last - self.m.overlap < now - EXPIRED_WINDOW + _EDGE:
                kind, start_from = "full", None
                reason = (f"the last sync ({iso_utc(last)}) is older than the 7-day "
                          "expired-ids window: expiries since then cannot all be known")
                log.warning("mirror %s: %s; loading everything again", st.location, reason)
            else:
                kind, start_from = "incremental", iso_utc(
                    _parse_time(state["watermark"]) - self.m.overlap)
            if kind == "full":
                load += 1
                since = None  # the whole window, asked for when the scan is done
            else:
                since = last - self.m.overlap
            run = {"kind": kind, "from": start_from, "start": iso_utc(now),
                   "since": since and iso_utc(since), "load": load, "cursor": None,
                   "position": None, "pages": 0, "reason": reason}
            with st.transaction():
                st.write_state({"filters": json.dumps(filters, sort_keys=True),
                                "run": json.dumps(run)})
        else:
            reason = run.get("reason")
        summary = SyncSummary(database=st.location, mode=run["kind"], reason=reason,
                              resumed=resumed, filters=filters)
        self._scan(run, filters, summary)
        self._finish(run, summary)
        return summary

    def _scan(self, run: Dict[str, Any], filters: Dict[str, Any], summary: SyncSummary) -> None:
        feed = self.m.client.feed
        restarts_in_a_row = 0
        while True:
            try:
                if run["cursor"]:
                    page = feed.get_jobs(cursor=run["cursor"])
                else:
                    page = feed.get_jobs(updated_after=run["position"] or run["from"],
                                         batch_size=self.m.batch_size, **filters)
            except JoboCursorRestartRequiredError:
                # a stale cursor: scan again from the last committed position (the
                # stable scan is in (updated_at, id) order, so nothing is skipped)
                restarts_in_a_row += 1
                summary.restarts += 1
                if restarts_in_a_row > _MAX_RESTARTS:
                    raise
                run["cursor"] = None
                continue
            restarts_in_a_row = 0
            if self.bar is not None and page.estimated_total is not None \
                    and run["cursor"] is None and not summary.pages:
                self.bar.set_total(page.estimated_total)
            self._store(page, run, summary)
            if self.bar is not None:
                used = page.usage.credits_used if page.usage is not None else None
                self.bar.update(len(page.jobs), used,
                                f"inserted {summary.inserted:,}, updated {summary.updated:,}")
            if not run["cursor"]:
                return

    def _store(self, page: Any, run: Dict[str, Any], summary: SyncSummary) -> None:
        st = self.st
        rows: Dict[str, Dict[str, Any]] = {}
        newest = None
        for job in page.jobs:
            row = job_record(job)
            row["raw_json"] = json.dumps(job.to_dict(), sort_keys=True, ensure_ascii=False,
                                         separators=(",", ":"))
            row["load_id"] = run["load"]
            rows[row["id"]] = row  # a repeated id within a page: the last one wins
            if row["updated_at"] is not None and (newest is None or row["updated_at"] > newest):
                newest = row["updated_at"]
        more = page.has_more and page.next_cursor
        counts = [0, 0, 0]
        with st.transaction():
            before = st.existing(list(rows))
            for jid, row in rows.items():
                if jid not in before:
                    counts[0] += 1
                else:
                    counts[1 if before[jid] != row["raw_json"] else 2] += 1
            st.replace(list(rows.values()))
            run["cursor"] = page.next_cursor if more else None
            if newest is not None:
                mark = iso_utc(newest)
                if run["position"] is None or mark > run["position"]:
                    run["position"] = mark
            run["pages"] += 1
            st.write_state({"run": json.dumps(run)})
        summary.inserted += counts[0]
        summary.updated += counts[1]
        summary.unchanged += counts[2]
        summary.pages += 1
        used = page.usage.credits_used if page.usage is not None else None
        summary.credits += used or 0

    def _finish(self, run: Dict[str, Any], summary: SyncSummary) -> None:
        st = self.st
        since = run["since"]
        if since is None:  # a full load: every expiry the endpoint still knows of
            since = iso_utc(self._server_now() - EXPIRED_WINDOW + _FULL_EDGE)
        expired = [str(i) for i in self.m.client.feed.iter_expired_job_ids(
            expired_since=since, batch_size=10000)]
        with st.transaction():
            summary.expired = st.delete(expired)
            summary.swept = st.sweep(run["load"]) if run["kind"] == "full" else 0
            summary.deleted = summary.expired + summary.swept
            summary.watermark = _parse_time(run["start"])
            summary.jobs = st.count()
            summary.elapsed = time.monotonic() - self.t0
            st.write_state({"run": None, "watermark": run["start"], "last_sync": run["start"],
                            "load_id": str(run["load"]),
                            "last_summary": json.dumps(summary.to_dict())})
        if self.bar is not None:
            self.bar.update(0, None, f"inserted {summary.inserted:,}, updated "
                                     f"{summary.updated:,}, deleted {summary.deleted:,}, "
                                     f"watermark {run['start']}")

