"""jobo feed export: files written as the pages arrive, a checkpoint after each page,
and --resume after Ctrl-C, SIGKILL, a network failure or a 409, with no job lost and
none written twice.

The interrupted runs are real processes against a sandbox server: the SIGKILL test
kills the export at random moments while a sandbox runs in its own process.
"""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from jobo_enterprise.cli import main
from jobo_enterprise.frames import column_names
from jobo_enterprise_sandbox import Sandbox

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _env(key: str) -> dict:
    env = dict(os.environ, PYTHONPATH=ROOT, JOBO_API_KEY=key)
    for name in ("JOBO_BASE_URL", "JOBO_CA_BUNDLE", "JOBO_ENVIRONMENT"):
        env.pop(name, None)
    return env


class Server:
    """Where an export goes: base URL, CA file and key of a sandbox."""

    def __init__(self, base_url: str, ca_cert: str, key: str) -> None:
        self.base_url, self.ca_cert, self.key = base_url, ca_cert, key

    def args(self) -> list:
        return ["--base-url", self.base_url, "--ca-bundle", self.ca_cert]

    def start(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "jobo_enterprise", "feed", "export", *args, *self.args()],
            env=_env(self.key), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        proc = self.start(*args)
        out, err = proc.communicate(timeout=120)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


@pytest.fixture(scope="module")
def sandbox_process():
    """A sandbox in its own process (2,000 jobs, 10 ms added to each answer)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "jobo_enterprise_sandbox", "--jobs", "2000", "--seed", "11",
         "--latency-ms", "10", "--http-port", "-1"],
        env=_env(""), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        info = json.loads(proc.stdout.readline())
        yield Server(info["base_url"], info["ca_cert"], info["keys"]["full"])
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _lines(path) -> list:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]  # a torn line would fail here


def _checkpoint(path) -> dict:
    with open(str(path) + ".checkpoint.json") as f:
        return json.load(f)


def _wait_for_pages(path, pages: int, proc: subprocess.Popen, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if _checkpoint(path)["pages"] >= pages:
                return
        except (FileNotFoundError, ValueError):
            pass
        time.sleep(0.02)
    raise AssertionError(f"the export did not reach {pages} pages")


def _feed_ids(client, **filters) -> list:
    return [str(job.id) for job in client.feed.iter_jobs(**filters)]


# -- whole exports ---------------------------------------------------------------------------


@pytest.fixture
def export(sandbox, monkeypatch, capsys):
    """export(*args) -> (status, stdout, stderr): `jobo feed export` in this process."""

    def run(*args, base_url=None):
        monkeypatch.setenv("JOBO_API_KEY", sandbox.keys["full"])
        monkeypatch.setenv("JOBO_BASE_URL", base_url or sandbox.base_url)
        monkeypatch.setenv("JOBO_CA_BUNDLE", sandbox.ca_cert)
        capsys.readouterr()
        status = main(["feed", "export", *map(str, args)])
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_jsonl_export_has_every_job_of_the_feed_once(export, client, tmp_path):
    out = tmp_path / "remote.jsonl"
    status, stdout, err = export(out, "--work-models", "remote", "--batch-size", "300", "--json")
    assert status == 0, err
    jobs = _lines(out)
    expected = list(client.feed.iter_jobs(work_models=["remote"], batch_size=300))
    assert [j["id"] for j in jobs] == [str(j.id) for j in expected]
    assert jobs[0] == {"id": str(expected[0].id), **expected[0].to_dict()}  # every field
    summary = json.loads(stdout)
    assert summary["done"] and summary["jobs_written"] == len(jobs) == summary["jobs_this_run"]
    ckpt = _checkpoint(out)
    assert ckpt["done"] and ckpt["cursor"] is None and ckpt["jobs_written"] == len(jobs)
    assert ckpt["file_length"] == out.stat().st_size
    assert ckpt["pages"] == -(-len(jobs) // 300)
    assert ckpt["filters"]["work_models"] == ["remote"]


def test_csv_export_uses_the_dataframe_columns(export, client, tmp_path):
    out = tmp_path / "contract.csv"
    status, _, err = export(out, "--employment-types", "contract", "--locations", "country=US")
    assert status == 0, err
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == column_names()
    expected = _feed_ids(client, employment_types=["contract"], locations=[{"country": "US"}])
    assert [r[0] for r in rows[1:]] == expected and expected
    locations = [json.loads(r[rows[0].index("locations")]) for r in rows[1:]]
    assert all(any(loc["country"] == "United States" for loc in locs) for locs in locations)


def test_parquet_export_is_a_dataset_with_one_part_a_page(export, client, tmp_path):
    pa_ds = pytest.importorskip("pyarrow.dataset")
    from jobo_enterprise.cli.export import arrow_schema
    import pyarrow as pa

    out = tmp_path / "hybrid.parquet"
    status, _, err = export(out, "--work-models", "hybrid", "--batch-size", "250")
    assert status == 0, err
    parts = sorted(p.name for p in out.iterdir())
    table = pa_ds.dataset(str(out)).to_table()
    expected = _feed_ids(client, work_models=["hybrid"], batch_size=250)
    assert parts == [f"part-{i:06d}.parquet" for i in range(-(-len(expected) // 250))]
    assert sorted(table.column("id").to_pylist()) == sorted(expected)
    assert table.schema.equals(arrow_schema(pa))
    assert _checkpoint(out)["parts"] == len(parts)


def test_an_export_is_not_overwritten_nor_resumed_with_other_filters(export, tmp_path):
    out = tmp_path / "jobs.jsonl"
    out.write_text("mine\n")
    status, _, err = export(out, "--sources", "greenhouse")
    assert status == 2 and "exists" in err and out.read_text() == "mine\n"
    assert export(out, "--sources", "greenhouse", "--overwrite")[0] == 0
    first = out.read_bytes()
    status, _, err = export(out, "--sources", "greenhouse")
    assert status == 2 and "--resume" in err
    status, _, err = export(out, "--sources", "lever_co", "--resume")
    assert status == 2 and "filters differ" in err
    status, _, err = export(out, "--resume")
    assert status == 0 and "already complete" in err and out.read_bytes() == first
    assert export(out, "--format", "csv", "--resume")[0] == 2
    assert export("jobs.txt")[0] == 2  # no format from the suffix
    assert export(out, "--batch-size", "5000", "--overwrite")[0] == 2
    assert export(out, "--locations", "planet=Mars", "--overwrite")[0] == 2


def test_a_second_409_ends_the_run_with_status_4(export, sandbox, tmp_path):
    out = tmp_path / "jobs.jsonl"
    status, _, err = export(out, base_url=sandbox.fault_url("status=409"))
    assert status == 4
    assert "starting the scan again" in err and "HTTP 409" in err.splitlines()[-1]


# -- interrupted exports ------------------------------------------------------------------


def test_ctrl_c_then_resume_drops_a_torn_page(sandbox_process, tmp_path):
    out = tmp_path / "jobs.csv"
    proc = sandbox_process.start(str(out), "--batch-size", "100")
    _wait_for_pages(out, 3, proc)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "--resume" in err and err.endswith("jobo: error: interrupted\n")
    # a page cut short by a crash: bytes past the checkpoint, ending mid-row
    with open(out, "ab") as f:
        f.write(b'9d1e0c5a-0000-4000-8000-000000000000,"Half a ti')
    done = sandbox_process.run(str(out), "--resume")
    assert done.returncode == 0, done.stderr
    full = sandbox_process.run(str(tmp_path / "full.csv"), "--batch-size", "100")
    with open(out, newline="") as a, open(tmp_path / "full.csv", newline="") as b:
        assert list(csv.reader(a)) == list(csv.reader(b))


@pytest.mark.parametrize("fmt, kills", [("jsonl", 5), ("parquet", 3)])
def test_sigkill_at_random_moments_then_resume_loses_nothing(sandbox_process, tmp_path, fmt,
                                                             kills):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    name = "jobs." + fmt
    reference = tmp_path / "reference" / name
    reference.parent.mkdir()
    whole = sandbox_process.run(str(reference), "--batch-size", "50")
    assert whole.returncode == 0, whole.stderr
    pages = _checkpoint(reference)["pages"]  # 40

    # Each kill lands a random number of pages further on, then a random fraction of
    # a page later: while a page is fetched, written, or its checkpoint replaced.
    out = tmp_path / name
    done = 0
    for i in range(kills):
        proc = sandbox_process.start(str(out), "--batch-size", "50",
                                     *(["--resume"] if i else []))
        if i == 0 and rng.random() < 0.5:
            time.sleep(rng.uniform(0.05, 0.5))  # early: maybe before the first page
        else:
            left = pages - done
            target = done + rng.randint(1, max(1, left // (kills - i + 1)))
            _wait_for_pages(out, target, proc)
            time.sleep(rng.uniform(0, 0.06))
        assert proc.poll() is None, f"seed {seed}: the export ended before kill {i + 1}"
        proc.kill()
        proc.communicate(timeout=30)
        try:
            done = _checkpoint(out)["pages"]
        except FileNotFoundError:
            done = 0
    final = sandbox_process.run(str(out), "--resume")
    assert final.returncode == 0, (seed, final.stderr)

    if fmt == "jsonl":
        ids = [j["id"] for j in _lines(out)]
        want = [j["id"] for j in _lines(reference)]
    else:
        import pyarrow.dataset as ds

        ids = ds.dataset(str(out)).to_table(columns=["id"]).column("id").to_pylist()
        want = ds.dataset(str(reference)).to_table(columns=["id"]).column("id").to_pylist()
    assert len(ids) == len(set(ids)), f"seed {seed}: a job was written twice"
    assert set(ids) == set(want) and len(want) == 2000, f"seed {seed}"
    assert _checkpoint(out)["jobs_written"] == len(ids)


def test_409_on_resume_restarts_the_scan_and_skips_jobs_written(tmp_path):
    with Sandbox(seed=5, jobs=1200, latency_ms=15) as sb:
        server = Server(sb.base_url, sb.ca_cert, sb.keys["full"])
        out = tmp_path / "jobs.jsonl"
        proc = server.start(str(out), "--batch-size", "60", "--sources", "greenhouse,workday,ashby")
        _wait_for_pages(out, 2, proc)
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
        written = len(_lines(out))
        assert proc.returncode == 130 and written >= 60
        sb.expire_cursors()  # the checkpointed cursor now answers 409
        done = server.run(str(out), "--resume")
        assert done.returncode == 0, done.stderr
        assert "409" in done.stderr and "skipping the" in done.stderr
        ids = [j["id"] for j in _lines(out)]
        assert len(ids) == len(set(ids))
        from jobo_enterprise import JoboClient

        with JoboClient(sb.keys["full"], base_url=sb.base_url, ca_bundle=sb.ca_cert) as c:
            assert set(ids) == set(_feed_ids(c, sources=["greenhouse", "workday", "ashby"]))
        ckpt = _checkpoint(out)
        assert ckpt["restarts"] == 1 and ckpt["done"] and ckpt["jobs_written"] == len(ids)


def test_network_failure_then_resume_against_a_new_server(tmp_path):
    out = tmp_path / "jobs.jsonl"
    first = Sandbox(seed=9, jobs=800, latency_ms=15).start()
    try:
        server = Server(first.base_url, first.ca_cert, first.keys["full"])
        proc = server.start(str(out), "--batch-size", "50")
        _wait_for_pages(out, 2, proc)
    finally:
        first.stop()  # the server goes away mid-export
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 4, err
    assert "--resume" in err
    # the same data elsewhere; its cursors are signed with another secret (409)
    with Sandbox(seed=9, jobs=800) as second:
        done = Server(second.base_url, second.ca_cert, second.keys["full"]).run(
            str(out), "--resume")
        assert done.returncode == 0, done.stderr
        ids = [j["id"] for j in _lines(out)]
        assert len(ids) == len(set(ids)) == 800


def test_bad_filters_and_configuration_touch_no_file(export, sandbox, tmp_path, monkeypatch):
    out = tmp_path / "jobs.jsonl"
    assert export(out, "--work-models", "remote", "--managed", "--locations", "country=US")[0] == 2
    monkeypatch.delenv("JOBO_API_KEY")
    status = main(["feed", "export", str(out), "--base-url", sandbox.base_url])  # no key
    assert status == 2
    assert list(tmp_path.iterdir()) == []


def test_the_managed_feed_is_refused_for_sandbox_keys(export, tmp_path):
    status, _, err = export(tmp_path / "managed.jsonl", "--managed", "--sources", "greenhouse")
    assert status == 3 and "HTTP 403" in err
