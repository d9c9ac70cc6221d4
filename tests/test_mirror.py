"""The mirror: incremental, crash-safe sync of the feed into SQLite and DuckDB.

Each test runs its own sandbox (the tests change its data and clock) with
``drop_expired=True`` (a complete feed scan is exactly what a mirror should hold) and
expiry times drawn around 8 days ago (so no job expires by itself while a test runs;
tests expire jobs through the sandbox's timeline). The databases are real files,
read back with sqlite3 and duckdb.
"""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone

import pytest

from jobo_enterprise import JoboClient, JoboConnectionError
from jobo_enterprise.frames import column_names
from jobo_enterprise.mirror import (EXPIRED_WINDOW, Mirror, MirrorBusyError, MirrorError,
                                    MirrorFiltersError)
from jobo_enterprise_sandbox import Sandbox

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DAY = 86400
BACKENDS = ["sqlite", "duckdb"]


def _sandbox(jobs: int = 300) -> Sandbox:
    return Sandbox(seed=19, jobs=jobs, http_port=None, drop_expired=True,
                   expiry_ref=int(time.time()) - 8 * DAY)


@pytest.fixture
def sb():
    with _sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def connect(sb):
    made = []

    def make(base_url=None, **kw):
        c = JoboClient(sb.keys["full"], base_url=base_url or sb.base_url,
                       ca_bundle=sb.ca_cert, **kw)
        made.append(c)
        return c

    yield make
    for c in made:
        c.close()


def _path(tmp_path, backend, name="jobs"):
    return str(tmp_path / (name + (".duckdb" if backend == "duckdb" else ".sqlite")))


def _read(path):
    """Every row of the jobs table (without load_id), by id, read with the database's
    own driver: {id: {column: value}}."""
    if path.endswith(".duckdb"):
        import duckdb

        con = duckdb.connect(path)
    else:
        con = sqlite3.connect(path)
    try:
        cur = con.execute("SELECT * FROM jobs ORDER BY id")
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    finally:
        con.close()
    out = {}
    for row in rows:
        rec = dict(zip(names, row))
        rec.pop("load_id")
        assert rec["id"] not in out, "duplicate id"
        out[rec["id"]] = rec
    return out


def _served(sb, keep=lambda doc: True):
    """{id: document} of what the sandbox's feed holds now."""
    docs = {}
    for job in sb.served_jobs():
        doc = json.loads(sb.dataset.job_json(job))
        if keep(doc):
            docs[job.id] = doc
    return docs


def _assert_mirror_equals(path, docs):
    rows = _read(path)
    assert sorted(rows) == sorted(docs)
    for jid, row in rows.items():
        doc = docs[jid]
        assert json.loads(row["raw_json"]) == doc
        assert row["title"] == doc["title"]
        assert row["workplace_type"] == doc["workplace_type"]
        assert row["company_name"] == doc["company"]["name"]
        updated = row["updated_at"]
        text = updated if isinstance(updated, str) else updated.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert text == doc["updated_at"]


# ----------------------------------------------------------------------------- basics

@pytest.mark.parametrize("backend", BACKENDS)
def test_first_sync_loads_the_whole_feed_with_the_documented_columns(sb, connect, tmp_path,
                                                                     backend):
    path = _path(tmp_path, backend)
    with Mirror(connect(), path, batch_size=100) as mirror:
        first = mirror.sync()
        again = mirror.sync()
    served = _served(sb)
    assert first.mode == "full" and first.reason == "the database is new"
    assert first.inserted == len(served) == first.jobs and first.deleted == 0
    assert first.pages == -(-len(served) // 100)
    assert first.credits >= len(served) // 2  # 0.5 credit per job
    assert abs((first.watermark - datetime.now(timezone.utc)).total_seconds()) < 60
    assert first.elapsed > 0
    _assert_mirror_equals(path, served)
    assert list(_read(path)[next(iter(served))]) == column_names() + ["raw_json"]
    # nothing changed: the next sync is incremental and fetches (almost) nothing
    assert again.mode == "incremental" and again.reason is None
    assert (again.inserted, again.updated, again.deleted) == (0, 0, 0)
    assert again.watermark >= first.watermark


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_unfiltered_mirror_equals_the_changing_sandbox_after_each_round(sb, connect,
                                                                          tmp_path, backend):
    path = _path(tmp_path, backend)
    mirror = Mirror(connect(), path, batch_size=80)
    mirror.sync()
    before = set(_served(sb))
    scheduled = sb.expire_jobs(2, at=sb.now() + 3 * 3600)  # reached by the clock below
    for hours in (1, 5, 30):
        sb.advance_clock(hours * 3600)
        updated = sb.update_jobs(7)
        moved = sb.update_jobs(2, work_model="hybrid")
        expired = sb.expire_jobs(4)
        added = sb.add_jobs(5)
        summary = mirror.sync()
        served = _served(sb)
        _assert_mirror_equals(path, served)
        assert summary.mode == "incremental"
        assert summary.inserted == len(added)
        assert summary.updated == len(set(updated + moved) - set(expired))
        gone = before - set(served)
        assert set(expired) <= gone and summary.deleted == len(gone)
        assert summary.watermark.timestamp() == pytest.approx(sb.now(), abs=30)
        before = set(served)
    assert not set(scheduled) & set(_read(path))  # expired when the clock got there
    mirror.close()


def test_a_mirror_older_than_the_expired_window_reloads_in_full_and_says_so(
        sb, connect, tmp_path, caplog):
    path = _path(tmp_path, "sqlite")
    mirror = Mirror(connect(), path, batch_size=100)
    mirror.sync()
    sb.advance_clock(EXPIRED_WINDOW.total_seconds() - 3 * 3600)  # inside the window
    assert mirror.sync().mode == "incremental"
    expired_early = sb.expire_jobs(3)   # more than 7 days before the next sync: never listed
    sb.advance_clock(8 * DAY)
    sb.update_jobs(4)
    sb.add_jobs(2)
    with caplog.at_level(logging.WARNING, logger="jobo_enterprise.mirror"):
        summary = mirror.sync()
    assert summary.mode == "full" and "older than the 7-day expired-ids window" in summary.reason
    assert "loading everything again" in caplog.text
    assert summary.swept == 3 and summary.deleted >= 3  # what the feed no longer has
    assert not set(expired_early) & set(_read(path))
    _assert_mirror_equals(path, _served(sb))
    assert mirror.status().last_summary["mode"] == "full"


# ----------------------------------------------------------------------------- filters

def test_a_job_that_stops_matching_the_filters_stays_until_it_expires(sb, connect, tmp_path):
    path = _path(tmp_path, "sqlite")
    client = connect()
    mirror = Mirror(client, path, batch_size=100)
    mirror.sync(work_models=["remote"])
    remote = _served(sb, lambda d: d["workplace_type"] == "Remote")
    _assert_mirror_equals(path, remote)
    sb.advance_clock(3600)
    since = datetime.fromtimestamp(sb.now() - 60, timezone.utc)
    leaver = next(iter(remote))
    sb.update_jobs(ids=[leaver], work_model="onsite")
    # the filtered updated_after scan does not return it ...
    assert leaver not in {str(j.id) for j in client.feed.iter_jobs(work_models=["remote"],
                                                                 updated_after=since)}
    # ... so the mirror keeps it as it was last seen
    mirror.sync()
    row = _read(path)[leaver]
    assert row["workplace_type"] == "Remote" and json.loads(row["raw_json"]) == remote[leaver]
    sb.advance_clock(3600)
    sb.expire_jobs(ids=[leaver])
    mirror.sync()
    assert leaver not in _read(path)
    _assert_mirror_equals(path, _served(sb, lambda d: d["workplace_type"] == "Remote"))


def test_filters_are_remembered_and_other_filters_refuse_unless_reset(sb, connect, tmp_path):
    path = _path(tmp_path, "sqlite")
    mirror = Mirror(connect(), path, batch_size=200)
    mirror.sync(experience_levels="senior,Lead", work_models=["remote", "hybrid"])
    remembered = {"experience_levels": ["lead", "senior"], "work_models": ["hybrid", "remote"]}
    assert mirror.status().filters == remembered
    # the same filters in another spelling, or none at all: the remembered ones
    assert mirror.sync(work_models="hybrid,remote", experience_levels=["lead", "senior"]).mode \
        == "incremental"
    assert mirror.sync().filters == remembered
    rows = _read(path)
    with pytest.raises(MirrorFiltersError, match="reset=True"):
        mirror.sync(work_models=["onsite"])
    assert _read(path) == rows and mirror.status().filters == remembered
    summary = mirror.sync(work_models=["onsite"], reset=True)
    assert summary.mode == "full" and summary.reason == "reset was asked for"
    assert mirror.status().filters == {"work_models": ["onsite"]}
    _assert_mirror_equals(path, _served(sb, lambda d: d["workplace_type"] == "Onsite"))
    # reset with no filters: the same ones again; an empty list: none at all
    assert mirror.sync(reset=True).filters == {"work_models": ["onsite"]}
    assert mirror.sync(reset=True, work_models=[]).filters == {}
    _assert_mirror_equals(path, _served(sb))


# ----------------------------------------------------------------------------- observable

def test_progress_bar_counts_jobs_and_credits(sb, connect, tmp_path):
    import io

    out = io.StringIO()
    summary = Mirror(connect(), _path(tmp_path, "sqlite"), batch_size=100).sync(
        progress=True, progress_file=out)
    text = out.getvalue()
    assert f"{summary.inserted}/{summary.inserted}" in text
    assert f"credits {int(summary.credits):,}, inserted {summary.inserted:,}, updated 0, " \
        f"deleted 0, watermark {summary.to_dict()['watermark']}" in text


def test_bad_filter_values_are_a_clear_error_and_touch_nothing(connect, tmp_path):
    from jobo_enterprise import JoboValidationError

    path = _path(tmp_path, "sqlite")
    with pytest.raises(JoboValidationError, match="Parameter 'sources'"):
        Mirror(connect(), path).sync(sources=[42])
    with pytest.raises(JoboValidationError, match="Parameter 'posted_after'"):
        Mirror(connect(), path).sync(posted_after="last tuesday")
    assert not os.path.exists(path)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_file_that_is_not_a_database_or_a_missing_folder_is_a_clear_error(connect, tmp_path,
                                                                           backend):
    path = _path(tmp_path, backend)
    with open(path, "w") as fh:
        fh.write("not a database, " * 1000)
    with pytest.raises(MirrorError, match=f"cannot open {path} as a {backend} mirror"):
        Mirror(connect(), path).sync()
    with open(path) as fh:
        assert fh.read().startswith("not a database")  # left as it was
    with pytest.raises(MirrorError, match="cannot create the lock file"):
        Mirror(connect(), str(tmp_path / "no" / "such" / "jobs.sqlite")).sync()


def test_status_of_a_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(MirrorError, match="no mirror at"):
        Mirror(None, str(tmp_path / "nope.sqlite")).status()
    with pytest.raises(MirrorError, match="no client"):
        Mirror(None, str(tmp_path / "nope.sqlite")).sync()


# ----------------------------------------------------------------------------- the CLI

def _jobo(*args, sb, env=None, **popen):
    full_env = dict(os.environ, PYTHONPATH=ROOT, JOBO_API_KEY=sb.keys["full"])
    full_env.pop("JOBO_BASE_URL", None)
    full_env.update(env or {})
    return [sys.executable, "-m", "jobo_enterprise", "mirror", *args], full_env


def _run_jobo(*args, sb, base_url=None, timeout=60):
    cmd, env = _jobo(*args, sb=sb)
    if args[0] == "sync":
        cmd += ["--base-url", base_url or sb.base_url, "--ca-bundle", sb.ca_cert]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)


def test_cli_sync_and_status(sb, tmp_path):
    path = _path(tmp_path, "sqlite")
    done = _run_jobo("sync", "--db", path, "--work-models", "remote", "--batch-size", "50",
                     "--json", sb=sb)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["mode"] == "full" and summary["inserted"] > 0
    assert sb.keys["full"] not in done.stdout + done.stderr
    status = _run_jobo("status", "--db", path, sb=sb)
    assert status.returncode == 0
    assert f"jobs         {summary['inserted']:,}" in status.stdout
    assert '"work_models": ["remote"]' in status.stdout
    assert "last result  full:" in status.stdout
    refused = _run_jobo("sync", "--db", path, "--work-models", "onsite", sb=sb)
    assert refused.returncode == 2 and "--reset" in refused.stderr
    text = _run_jobo("sync", "--db", path, "--progress", sb=sb)
    assert text.returncode == 0 and "incremental sync" in text.stdout
    assert "mirror jobs.sqlite" in text.stderr and "jobs/s" in text.stderr  # the bar
    as_json = json.loads(_run_jobo("status", "--db", path, "--json", sb=sb).stdout)
    assert as_json["filters"] == {"work_models": ["remote"]} and as_json["busy"] is False
    assert as_json["last_summary"]["mode"] == "incremental"


# ----------------------------------------------------------------------------- crash safety

def _reference(sb, connect, tmp_path, backend="sqlite"):
    path = _path(tmp_path, backend, "reference")
    with Mirror(connect(), path, batch_size=20) as mirror:
        summary = mirror.sync()
    return _read(path), summary.pages


KILLS = {"sqlite": (signal.SIGKILL, signal.SIGINT, signal.SIGKILL, signal.SIGINT, signal.SIGKILL),
         "duckdb": (signal.SIGKILL, signal.SIGINT)}


@pytest.mark.parametrize("backend", BACKENDS)
def test_killed_and_interrupted_syncs_end_identical_to_an_uninterrupted_one(sb, connect,
                                                                           tmp_path, backend):
    expected, pages = _reference(sb, connect, tmp_path, backend)  # pages of 20 jobs
    path = _path(tmp_path, backend)
    rng = random.Random(19)
    done = 0
    for n, sig in enumerate(KILLS[backend]):
        token = f"kill-{backend}-{n}"
        slow = sb.fault_url(f"delay=40,id={token}")  # about 40 ms a request, counted
        cmd, env = _jobo("sync", "--db", path, "--batch-size", "20", "--no-progress", sb=sb)
        child = subprocess.Popen(cmd + ["--base-url", slow, "--ca-bundle", sb.ca_cert], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # a random moment inside the scan: once this child asked for page k + 1 (a
        # probe, then one request a page: k pages are committed), plus up to one
        # request's time (in the transfer, or between the page and its commit)
        k = rng.randint(1, 2)
        target = done + k
        deadline = time.monotonic() + 30
        while sb.fault_requests(token) < k + 2 and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.045))
        child.send_signal(sig)
        out, err = child.communicate(timeout=30)
        assert child.returncode == (130 if sig == signal.SIGINT else -signal.SIGKILL), err
        if sig == signal.SIGINT:
            assert "the next sync continues where this one stopped" in err
        status = Mirror(None, path).status()
        assert status.in_progress is not None and status.in_progress["pages"] >= target
        assert len(_read(path)) == status.jobs <= status.in_progress["pages"] * 20
        done = status.in_progress["pages"]
    resumed = _run_jobo("sync", "--db", path, "--batch-size", "20", "--json", sb=sb)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["resumed"] and summary["pages"] == pages - done
    assert _read(path) == expected


def test_a_network_failure_mid_scan_then_a_rerun_ends_identical(sb, connect, tmp_path):
    backend = "sqlite"  # DuckDB's crash and resume: the kill test
    expected, _ = _reference(sb, connect, tmp_path, backend)
    path = _path(tmp_path, backend)
    # the probe and four pages pass, then every connection is reset
    broken = connect(base_url=sb.fault_url("reset,after=5,id=mirror-net-" + backend),
                     max_retries=1)
    with pytest.raises(JoboConnectionError):
        Mirror(broken, path, batch_size=20).sync()
    status = Mirror(None, path).status()
    assert status.in_progress["pages"] == 4 and 0 < status.jobs <= 80
    summary = Mirror(connect(), path, batch_size=20).sync()
    assert summary.resumed and summary.mode == "full"
    assert _read(path) == expected


def test_a_stale_cursor_mid_scan_restarts_from_the_last_committed_page(sb, connect, tmp_path):
    expected, _ = _reference(sb, connect, tmp_path)
    path = _path(tmp_path, "sqlite")
    mirror = Mirror(connect(base_url=sb.fault_url("delay=30")), path, batch_size=20)
    result = {}
    worker = threading.Thread(target=lambda: result.update(summary=mirror.sync()))
    worker.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if os.path.exists(path):
            run = Mirror(None, path).status().in_progress
            if run is not None and run["pages"] >= 3:
                break
        time.sleep(0.01)
    sb.expire_cursors()  # the next continuation answers 409
    worker.join(30)
    summary = result["summary"]
    assert summary.restarts == 1 and not summary.resumed
    assert _read(path) == expected
    # a stored cursor that went stale while no sync ran: the same restart
    killed = _path(tmp_path, "sqlite", "stored")
    broken = connect(base_url=sb.fault_url("reset,after=3,id=mirror-409"), max_retries=0)
    with pytest.raises(JoboConnectionError):
        Mirror(broken, killed, batch_size=20).sync()
    assert Mirror(None, killed).status().in_progress["cursor"]
    sb.expire_cursors()
    again = Mirror(connect(), killed, batch_size=20).sync()
    assert again.resumed and again.restarts == 1
    assert _read(killed) == expected


# ----------------------------------------------------------------------------- two at once

@pytest.mark.parametrize("backend", BACKENDS)
def test_a_second_sync_of_the_same_database_refuses_or_waits(sb, connect, tmp_path, backend):
    path = _path(tmp_path, backend)
    # 15 batches at 250 ms each: still running while the other syncs are tried
    slow = Mirror(connect(base_url=sb.fault_url("delay=250")), path, batch_size=20)
    worker = threading.Thread(target=slow.sync)
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while not Mirror(None, path).storage.busy() and time.monotonic() < deadline:
            time.sleep(0.01)
        with pytest.raises(MirrorBusyError, match=f"pid {os.getpid()}"):
            Mirror(connect(), path).sync()
        status = Mirror(None, path).status()
        assert status.busy and "a sync is running now" in str(status)
        cli = _run_jobo("sync", "--db", path, sb=sb)
        assert cli.returncode == 4 and "another sync" in cli.stderr
        waited = Mirror(connect(), path).sync(wait=30)  # queues behind the running one
    finally:
        worker.join(30)
    assert waited.mode == "incremental" and waited.inserted == 0
    assert not Mirror(None, path).status().busy
    _assert_mirror_equals(path, _served(sb))


# ----------------------------------------------------------------------------- Parquet

@pytest.mark.parametrize("backend", BACKENDS)
def test_a_parquet_export_is_a_first_load_that_syncs_on_incrementally(sb, connect, tmp_path,
                                                                      backend):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    from jobo_enterprise.frames import job_record

    client = connect()
    exported_at = datetime.fromtimestamp(int(sb.now()), timezone.utc)
    records = [job_record(j) for j in client.feed.iter_jobs(work_models=["remote"])]
    export = tmp_path / "export"
    export.mkdir()  # a directory of parts, as a partitioned writer leaves it
    half = len(records) // 2
    pq.write_table(pa.Table.from_pylist(records[:half]), str(export / "part.0.parquet"))
    pq.write_table(pa.Table.from_pylist(records[half:]), str(export / "part.1.parquet"))

    reference = _path(tmp_path, backend, "reference")
    Mirror(client, reference).sync(work_models=["remote"])
    path = _path(tmp_path, backend)
    mirror = Mirror(client, path)
    loaded = mirror.load_parquet(export, work_models="remote", exported_at=exported_at)
    assert loaded.inserted == loaded.jobs == len(records) and loaded.watermark == exported_at
    strip = lambda rows: {k: dict(v, raw_json=None) for k, v in rows.items()}  # noqa: E731
    assert strip(_read(path)) == strip(_read(reference))
    status = mirror.status()
    assert status.filters == {"work_models": ["remote"]} and status.in_progress is None
    with pytest.raises(MirrorError, match="reset=True"):
        mirror.load_parquet(export, work_models="remote")

    sb.advance_clock(3600)
    changed = sb.update_jobs(ids=list(_read(path))[:3])
    sb.expire_jobs(ids=[list(_read(path))[3]])
    summary = mirror.sync()
    assert summary.mode == "incremental" and summary.updated == 3 and summary.deleted == 1
    rows = _read(path)
    remote = _served(sb, lambda d: d["workplace_type"] == "Remote")
    assert sorted(rows) == sorted(remote)
    assert all(json.loads(rows[i]["raw_json"]) == remote[i] for i in changed)


def test_load_parquet_names_missing_columns(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": ["a"], "title": ["t"]}), str(tmp_path / "bad.parquet"))
    with pytest.raises(MirrorError, match="normalized_title"):
        Mirror(None, str(tmp_path / "m.sqlite")).load_parquet(tmp_path / "bad.parquet")


def test_the_readme_mirror_example_runs(capsys):
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        text = fh.read()
    start = text.index("## Keeping a mirror of the feed")
    block = text[text.index("```python\n", start) + 10:text.index("```\n", start + 40)]
    exec(compile(block, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "full sync" in out and "\nincremental " in out and "last result  incremental" in out


# ----------------------------------------------------------------------------- the interface

class _DictStorage:
    """Another backend written against the documented Storage interface alone: a dict
    in memory, transactions by snapshot, the lock a threading lock."""

    name = "dict"
    location = "memory"

    def __init__(self):
        import contextlib
        import copy

        self._contextlib, self._copy = contextlib, copy
        self.jobs, self.state, self._mutex = {}, {}, threading.Lock()

    def open(self):
        pass

    def close(self):
        pass

    def busy(self):
        return self._mutex.locked()

    def lock(self, wait=False):
        @self._contextlib.contextmanager
        def held():
            if not self._mutex.acquire(blocking=bool(wait)):
                raise MirrorBusyError("busy")
            try:
                yield
            finally:
                self._mutex.release()
        return held()

    def transaction(self):
        @self._contextlib.contextmanager
        def tx():
            saved = self._copy.deepcopy((self.jobs, self.state))
            try:
                yield
            except BaseException:
                self.jobs, self.state = saved
                raise
        return tx()

    def read_state(self):
        return dict(self.state)

    def write_state(self, values):
        for k, v in values.items():
            self.state.pop(k, None) if v is None else self.state.__setitem__(k, v)

    def existing(self, ids):
        return {i: self.jobs[i]["raw_json"] for i in ids if i in self.jobs}

    def replace(self, rows):
        self.jobs.update((r["id"], dict(r)) for r in rows)

    def delete(self, ids):
        return sum(self.jobs.pop(i, None) is not None for i in ids)

    def sweep(self, load_id):
        old = [i for i, r in self.jobs.items() if r["load_id"] < load_id]
        return self.delete(old)

    def clear(self):
        self.jobs.clear()
        self.state.clear()

    def count(self):
        return len(self.jobs)


def test_a_backend_written_against_the_storage_interface_alone_works(sb, connect):
    from jobo_enterprise.mirror import Storage

    storage = type("DictStorage", (_DictStorage, Storage), {})()
    mirror = Mirror(connect(), storage, batch_size=100)
    assert mirror.sync().mode == "full"
    sb.advance_clock(3600)
    ids = sorted(storage.jobs)
    sb.update_jobs(ids=ids[:5])
    sb.expire_jobs(ids=ids[5:7])
    sb.add_jobs(3)
    summary = mirror.sync()
    assert (summary.inserted, summary.updated, summary.deleted) == (3, 5, 2)
    served = _served(sb)
    assert {i: json.loads(r["raw_json"]) for i, r in storage.jobs.items()} == served
    assert mirror.status().jobs == len(served)
