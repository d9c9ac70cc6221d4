"""The jobo command: every subcommand, the formats, exit statuses, errors, progress.

Most tests call ``jobo_enterprise.cli.main`` in this process against the session
sandbox (fast); the entry points, Ctrl-C, time zones and terminals run it as a
subprocess.
"""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import termios
import time
from datetime import datetime, timedelta, timezone

import pytest

from jobo_enterprise.cli import main
from jobo_enterprise.frames import JOB_COLUMNS, column_names, job_record
from keys import fake_key

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _env(extra: dict = None) -> dict:
    env = dict(os.environ, PYTHONPATH=ROOT, COLUMNS="120")
    for name in ("JOBO_API_KEY", "JOBO_BASE_URL", "JOBO_CA_BUNDLE", "JOBO_ENVIRONMENT"):
        env.pop(name, None)
    env.update(extra or {})
    return env


def _jobo(*args: str, env: dict = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "jobo_enterprise", *args], env=_env(env),
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def jobo(sandbox, monkeypatch, capsys):
    """jobo(*args, base_url=None, plan="full") -> (status, stdout, stderr), in process."""

    def run(*args, base_url=None, plan="full", key=None):
        monkeypatch.setenv("JOBO_API_KEY", key or sandbox.keys[plan])
        monkeypatch.setenv("JOBO_BASE_URL", base_url or sandbox.base_url)
        monkeypatch.setenv("JOBO_CA_BUNDLE", sandbox.ca_cert)
        capsys.readouterr()
        status = main(list(args))
        out, err = capsys.readouterr()
        return status, out, err

    return run


# -- search -----------------------------------------------------------------------------


def test_search_with_an_in_process_sandbox_prints_a_table_and_usage():
    out = _jobo("search", "data engineer", "--page-size", "5", "--sandbox")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "jobs for 'data engineer' - page 1 of" in lines[0]
    assert lines[1].split() == ["TITLE", "COMPANY", "LOCATION", "SOURCE"]
    assert len([l for l in lines[3:] if l.strip() and not l.startswith(("credits", "rate", "request"))]) == 5
    assert any(l.startswith("credits: used 5 | remaining ") for l in lines)
    assert any(l.startswith("rate limit: ") for l in lines)


def test_the_jobo_script_is_installed_next_to_python(sandbox):
    script = os.path.join(os.path.dirname(sys.executable), "jobo")
    out = subprocess.run([script, "search", "nurse", "--page-size", "2", "--format", "jsonl",
                          "--base-url", sandbox.base_url, "--ca-bundle", sandbox.ca_cert],
                         env=_env({"JOBO_API_KEY": sandbox.keys["full"]}),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert len(out.stdout.splitlines()) == 2


def test_search_json_against_a_sandbox_with_the_key_from_the_environment(sandbox):
    key = sandbox.keys["full"]
    out = _jobo("search", "nurse", "--page-size", "3", "--json", "--base-url", sandbox.base_url,
                "--ca-bundle", sandbox.ca_cert, env={"JOBO_API_KEY": key})
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data["jobs"]) == 3 and data["page_size"] == 3
    assert data["usage"]["credits_used"] == 3
    assert key not in out.stdout + out.stderr


def _jsonl(text: str) -> list:
    return [json.loads(line) for line in text.splitlines()]


def test_search_all_follows_the_pages_and_max_items_cuts_the_last(jobo, client):
    status, out, _ = jobo("search", "nurse", "--all", "--max-items", "23", "--page-size", "10",
                          "--format", "jsonl")
    assert status == 0
    ids = [j["id"] for j in _jsonl(out)]
    expected = [str(j.id) for p in (1, 2, 3)
                for j in client.jobs.search("nurse", page=p, page_size=10).jobs][:23]
    assert ids == expected


def test_max_items_without_a_page_size_charges_little_past_it(jobo):
    status, out, _ = jobo("search", "engineer", "--max-items", "250", "--json")
    data = json.loads(out)
    assert status == 0 and len(data["jobs"]) == 250
    assert data["usage"]["credits_used"] == 84  # pages of 84, 84, 84: 2 jobs past 250
    status, out, _ = jobo("search", "engineer", "--max-items", "30", "--all")
    assert status == 0 and "credits used by these pages: 30" in out


def test_search_all_without_a_cap_reads_every_page(jobo, client):
    total = client.jobs.search("pharmacist", page_size=1).total
    assert 10 < total < 400
    status, out, _ = jobo("search", "pharmacist", "--all", "--page-size", "7", "--json")
    data = json.loads(out)
    assert status == 0 and data["total"] == total
    assert len({j["id"] for j in data["jobs"]}) == total
    assert data["usage"]["credits_used"] == (total % 7 or 7)  # the last page's


def test_search_all_table_lists_every_job(jobo, client):
    total = client.jobs.search("pharmacist", page_size=1).total
    status, out, _ = jobo("search", "pharmacist", "--all", "--page-size", "50")
    lines = out.splitlines()
    assert status == 0
    assert lines[0].startswith(f"{total} jobs for 'pharmacist' - pages 1 to ")
    assert lines[0].endswith(f", {total} shown")
    assert f"credits used by these pages: {total}" in out


@pytest.mark.parametrize("spelling", ["--work-model", "--work_model"])
def test_filters_are_the_api_parameters(jobo, client, spelling):
    status, out, _ = jobo("search", "engineer", spelling, "remote", "--min-salary-usd", "100000",
                          "--page-size", "20", "--format", "jsonl")
    jobs = _jsonl(out)
    expected = client.jobs.search("engineer", work_model="remote", min_salary_usd=100000,
                                  page_size=20)
    assert status == 0 and jobs
    assert [j["id"] for j in jobs] == [str(j.id) for j in expected.jobs]
    assert {j["workplace_type"] for j in jobs} == {"Remote"}


def test_csv_has_the_dataframe_columns_and_lists_as_json(jobo, client):
    status, out, _ = jobo("search", "nurse", "--page-size", "5", "--format", "csv")
    assert status == 0
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == column_names()
    jobs = client.jobs.search("nurse", page_size=5).jobs
    assert len(rows) == 6
    kinds = dict(JOB_COLUMNS)
    for row, job in zip(rows[1:], jobs):
        record = job_record(job)
        for name, cell in zip(rows[0], row):
            want = record[name]
            kind = kinds[name]
            if kind.startswith("list"):
                assert json.loads(cell) == want, name
            elif want is None:
                assert cell == "", name
            elif kind == "datetime":
                assert datetime.fromisoformat(cell.replace("Z", "+00:00")) == want, name
            elif kind == "float":
                assert float(cell) == want, name
            elif kind == "bool":
                assert cell == ("true" if want else "false"), name
            else:
                assert cell == want, name
    assert any(json.loads(r[rows[0].index("locations")]) for r in rows[1:])


# -- get, company, geocode, expired, diagnostics ---------------------------------------------


def test_get_prints_one_job_in_each_format(jobo, client):
    job = client.jobs.search("nurse", page_size=1).jobs[0]
    status, out, _ = jobo("get", str(job.id), "--json")
    assert status == 0 and json.loads(out) == {"id": str(job.id), **job.to_dict()}
    status, out, _ = jobo("get", str(job.id))
    assert status == 0
    assert re.search(r"^title\s+" + re.escape(job.title) + "$", out, re.M)
    assert re.search(r"^id\s+" + str(job.id) + "$", out, re.M)
    status, out, _ = jobo("get", str(job.id), "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == column_names() and rows[1][0] == str(job.id)
    status, out, _ = jobo("get", str(job.id), "--format", "jsonl")
    assert out.count("\n") == 1 and json.loads(out)["title"] == job.title


def test_company_profile_and_its_jobs(jobo, client):
    job = client.jobs.search("nurse", page_size=1).jobs[0]
    company_id = str(job.company.id)
    status, out, _ = jobo("company", company_id, "--json")
    assert status == 0 and json.loads(out) == client.companies.get(company_id).to_dict()
    status, out, _ = jobo("company", company_id)
    assert re.search(r"^name\s+" + re.escape(job.company.name) + "$", out, re.M)
    status, out, _ = jobo("company", company_id, "--jobs", "--all", "--page-size", "2",
                          "--format", "jsonl")
    jobs = _jsonl(out)
    assert status == 0
    assert len(jobs) == client.companies.get_jobs(company_id, page_size=100).total
    assert {j["company"]["id"] for j in jobs} == {company_id}
    assert str(job.id) in {j["id"] for j in jobs}


def test_geocode_in_table_csv_and_json(jobo):
    status, out, _ = jobo("geocode", "San Francisco, CA")
    assert status == 0
    assert out.splitlines()[0].split()[:2] == ["DISPLAY", "NAME"]
    assert "37.7749" in out and "-122.4194" in out
    status, out, _ = jobo("geocode", "San Francisco, CA", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["country_code"] == "US" and float(rows[0]["latitude"]) == 37.7749
    status, out, _ = jobo("geocode", "Xqzvillezz", "--json")
    assert status == 0 and json.loads(out)["succeeded"] is False
    status, out, _ = jobo("geocode", "Xqzvillezz")
    assert out.startswith("no place found for 'Xqzvillezz'")


def test_expired_follows_cursors_in_each_format(jobo, client):
    since = (datetime.now(timezone.utc) - timedelta(days=6)).strftime("%Y-%m-%dT%H:%M:%SZ")
    expected = [str(i) for i in client.feed.iter_expired_job_ids(since, batch_size=1000)]
    assert len(expected) > 20
    status, out, err = jobo("expired", "--expired-since", since, "--batch-size", "7")
    assert status == 0 and out.split() == expected
    assert f"{len(expected)} expired job ids" in err
    status, out, _ = jobo("expired", "--expired_since", since, "--batch-size", "7", "--json")
    assert json.loads(out) == expected
    status, out, _ = jobo("expired", "--expired-since", since, "--format", "csv",
                          "--max-items", "10", "--batch-size", "4")
    assert out.split() == ["id"] + expected[:10]
    status, out, _ = jobo("expired", "--expired-since", since, "--format", "jsonl",
                          "--max-items", "3")
    assert _jsonl(out) == [{"id": i} for i in expected[:3]]


def test_diagnostics_as_json():
    out = _jobo("diagnostics", "--json")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert "libcurl" in json.dumps(info).lower()


# -- help, usage, exit statuses ------------------------------------------------------------


def test_help_names_the_key_variable_the_sandbox_and_the_exit_statuses():
    out = _jobo("--help")
    assert out.returncode == 0
    for word in ("JOBO_API_KEY", "--sandbox", "search", "get", "feed", "expired", "company",
                 "geocode", "diagnostics"):
        assert word in out.stdout
    statuses = re.findall(r"^\s+(\d+)\s+\S", out.stdout.split("exit status:")[1], re.M)
    assert statuses == ["0", "2", "3", "4", "130"]
    sub = _jobo("search", "--help")
    assert "JOBO_API_KEY" in sub.stdout and "--sandbox" in sub.stdout
    assert "--work-model" in sub.stdout and "--format" in sub.stdout


def test_no_command_prints_help():
    out = _jobo()
    assert out.returncode == 2 and "search" in out.stdout and "diagnostics" in out.stdout


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.mark.parametrize("spec, status", [
    ("status=400", 3),
    ("status=401", 3),
    ("status=402", 3),
    ("status=403", 3),
    ("status=404", 3),
    ("status=422", 3),
    ("status=429,retry_after=3600", 4),
    ("status=500", 4),
    ("status=502,retry_after=3600", 4),
    ("malformed", 4),
    ("truncate", 4),
])
def test_exit_status_of_server_answers(jobo, sandbox, spec, status):
    code, out, err = jobo("search", "x", base_url=sandbox.fault_url(spec))
    assert code == status, err
    assert out == "" and err.startswith("jobo: error: ") and err.count("\n") == 1


def test_exit_status_of_refusals_by_plan_and_id(jobo):
    assert jobo("get", "00000000-0000-4000-8000-000000000000")[0] == 3
    assert jobo("search", "x", plan="feed_only")[0] == 3
    assert jobo("search", "x", plan="revoked")[0] == 3


def test_exit_status_of_network_failures_and_timeouts(jobo, sandbox):
    code, _, err = jobo("search", "x", base_url=f"https://127.0.0.1:{_closed_port()}")
    assert code == 4, err
    code, _, err = jobo("search", "x", "--timeout", "0.3",
                        base_url=sandbox.fault_url("delay=3000"))
    assert code == 4 and "tim" in err.lower(), err


def test_tls_verification_failure_is_permanent(sandbox, tmp_path):
    other_ca = tmp_path / "other.pem"
    from jobo_enterprise_sandbox import Sandbox

    with Sandbox(jobs=50) as other:
        other_ca.write_bytes(open(other.ca_cert, "rb").read())
    out = _jobo("search", "x", "--base-url", sandbox.base_url, "--ca-bundle", str(other_ca),
                env={"JOBO_API_KEY": sandbox.keys["full"]})
    assert out.returncode == 3, out.stderr
    assert "TLS" in out.stderr


def test_usage_and_configuration_errors_exit_2(jobo, sandbox, monkeypatch, capsys, tmp_path):
    assert jobo("search", "x", "--page-size", "500")[0] == 2
    assert jobo("search", "--no-such-option")[0] == 2
    assert jobo("search", "x", "--ca-bundle", "/nonexistent/ca.pem")[0] == 2
    for content in ("", "not a certificate\n"):
        bundle = tmp_path / "bad.pem"
        bundle.write_text(content)
        status, _, err = jobo("search", "x", "--ca-bundle", str(bundle))
        assert status == 2 and "CA bundle" in err and "usable" in err, err
    assert jobo("search", "x", "--max-items", "-1")[0] == 2
    monkeypatch.delenv("JOBO_API_KEY")
    assert main(["search", "x", "--base-url", sandbox.base_url]) == 2
    assert "JOBO_API_KEY" in capsys.readouterr().err


def test_missing_key_says_how_to_set_it():
    out = _jobo("search", "x")
    assert out.returncode == 2 and "JOBO_API_KEY" in out.stderr


def test_errors_are_one_line_without_the_key(sandbox):
    key = fake_key("jbe_test_CliUnknownKey0123456789ab")
    # the fault route answers 401 whatever the key (in the canary run it is a valid one)
    out = _jobo("search", "x", "--base-url", sandbox.fault_url("status=401"),
                "--ca-bundle", sandbox.ca_cert, env={"JOBO_API_KEY": key})
    assert out.returncode == 3
    assert out.stderr.startswith("jobo: error: HTTP 401 Unauthorized: Missing or invalid API key")
    assert out.stderr.count("\n") == 1
    assert key not in out.stdout + out.stderr


def test_json_errors_are_one_json_object_on_stderr(jobo, sandbox):
    code, out, err = jobo("search", "x", "--json", base_url=sandbox.fault_url("status=403"))
    assert code == 3 and out == ""
    data = json.loads(err)
    assert err.count("\n") == 1
    assert data["error"] == "JoboPermissionError" and data["status_code"] == 403
    assert data["exit_status"] == 3 and data["message"].startswith("HTTP 403 Forbidden")
    assert data["request_id"].startswith("req_")
    code, out, err = jobo("search", "--page-size", "lots", "--json")
    assert code == 2 and json.loads(err)["error"] == "UsageError"
    assert "page_size" in json.loads(err)["message"] or "page-size" in json.loads(err)["message"]


def test_rate_limit_says_when_on_the_local_clock(sandbox):
    key = sandbox.keys["full"]
    before = datetime.now(timezone.utc)
    # a zone of whole hours and a half (spelled without a tz database, POSIX signs
    # inverted) chosen so that the retry falls near local noon: on the same local day,
    # where the CLI prints the time alone, whatever the time of day the test runs at
    retry = before + timedelta(seconds=1800)
    offset = (12 * 60 - (retry.hour * 60 + retry.minute)) // 60 * 60 + 30
    offset = (offset + 11 * 60) % (24 * 60) - 11 * 60  # within UTC-11 .. UTC+13
    zone = f"XYZ{'-' if offset >= 0 else '+'}{abs(offset) // 60}:{abs(offset) % 60:02d}"
    env = {"JOBO_API_KEY": key, "TZ": zone}
    out = _jobo("search", "x", "--base-url", sandbox.fault_url("status=429,retry_after=1800"),
                "--ca-bundle", sandbox.ca_cert, env=env)
    assert out.returncode == 4
    m = re.search(r"retry at (\d\d):(\d\d):(\d\d) XYZ \(in (\d+) min (\d\d) s\)", out.stderr)
    assert m, out.stderr
    # no raw epoch anywhere (the random request id may hold any digits: left out)
    text = re.sub(r"req_[0-9a-zA-Z]+", "req_", out.stderr)
    assert "1796" not in text and not re.search(r"\d{10}", text)
    local = before + timedelta(minutes=offset, seconds=1800)
    shown = local.replace(hour=int(m[1]), minute=int(m[2]), second=int(m[3]))
    assert abs((shown - local).total_seconds()) < 120
    assert 27 <= int(m[4]) <= 30
    js = _jobo("search", "x", "--json", "--base-url",
               sandbox.fault_url("status=429,retry_after=1800"), "--ca-bundle",
               sandbox.ca_cert, env=env)
    data = json.loads(js.stderr)
    assert js.returncode == 4 and 1700 < data["retry_after"] <= 1800
    retry_at = datetime.fromisoformat(data["retry_at"].replace("Z", "+00:00"))
    assert abs((retry_at - before).total_seconds() - 1800) < 120


def test_ctrl_c_exits_130(sandbox):
    proc = subprocess.Popen(
        [sys.executable, "-m", "jobo_enterprise", "search", "x", "--base-url",
         sandbox.fault_url("delay=20000"), "--ca-bundle", sandbox.ca_cert],
        env=_env({"JOBO_API_KEY": sandbox.keys["full"]}), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert err == "jobo: error: interrupted\n"


# -- progress ------------------------------------------------------------------------------


def _run_on_a_terminal(args: list, env: dict) -> tuple:
    """Run jobo with stdout and stderr on a pseudo-terminal; (status, everything shown)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # 100x30
    proc = subprocess.Popen([sys.executable, "-m", "jobo_enterprise", *args],
                            env=_env(env), stdin=subprocess.DEVNULL,
                            stdout=slave, stderr=slave)
    os.close(slave)
    shown = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        elif proc.poll() is not None:
            break
    os.close(master)
    return proc.wait(timeout=10), shown.decode("utf-8", "replace")


BAR = re.compile(r"jobs/s.*credits \d")


def test_progress_bar_on_a_terminal_for_multi_page_work(sandbox):
    env = {"JOBO_API_KEY": sandbox.keys["full"]}
    args = ["search", "nurse", "--all", "--max-items", "60", "--page-size", "20",
            "--format", "csv", "--base-url", sandbox.base_url, "--ca-bundle", sandbox.ca_cert]
    status, shown = _run_on_a_terminal(args, env)
    assert status == 0, shown
    assert BAR.search(shown), shown[-500:]
    assert "60/60" in shown
    # the CSV is whole: one header, 60 rows, each on a line of its own (the bar is
    # cleared before rows are written and drawn again after)
    assert len(re.findall(r"(?:^|[\r\n])id,title,", shown)) == 1
    rows = [r for r in re.split(r"[\r\n]+", shown) if re.match(r"[0-9a-f]{8}-[0-9a-f]{4}-", r)]
    assert len(rows) == 60
    status, quiet = _run_on_a_terminal(args + ["--quiet"], env)
    assert status == 0 and not BAR.search(quiet) and "60/60" not in quiet
    piped = _jobo(*args, env=env)
    assert piped.returncode == 0 and piped.stderr == ""


def test_feed_export_and_expired_show_the_bar_on_a_terminal_only(sandbox, tmp_path):
    env = {"JOBO_API_KEY": sandbox.keys["full"]}
    conn = ["--base-url", sandbox.base_url, "--ca-bundle", sandbox.ca_cert]
    out = tmp_path / "remote.jsonl"
    export = ["feed", "export", str(out), "--work-models", "remote", "--batch-size", "200"]
    status, shown = _run_on_a_terminal(export + conn, env)
    assert status == 0, shown
    written = sum(1 for _ in open(out))
    assert re.search(rf"feed: 100%.*{written}/{written} .*jobs/s.*credits \d", shown), shown
    piped = _jobo(*export, "--overwrite", *conn, env=env)
    assert piped.returncode == 0 and not BAR.search(piped.stderr)
    assert piped.stderr.startswith(f"jobo: done: {written} jobs in ")

    since = (datetime.now(timezone.utc) - timedelta(days=6)).strftime("%Y-%m-%dT%H:%M:%SZ")
    expired = ["expired", "--expired-since", since, "--batch-size", "10", *conn]
    status, shown = _run_on_a_terminal(expired, env)
    assert status == 0 and re.search(r"expired ids: .*jobs/s", shown), shown
    status, shown = _run_on_a_terminal(expired + ["-q"], env)
    assert status == 0 and "jobs/s" not in shown and "expired job ids" not in shown


def test_the_readme_command_line_examples_run(sandbox, monkeypatch, capsys, tmp_path):
    """Each example runs; --sandbox (tested above) is swapped for the session's sandbox
    to spare a server start per line."""
    import shlex

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    start = text.index("## The command line")
    section = text[start:text.index("\n## ", start + 10)]
    block = re.findall(r"```sh\n(.*?)```", section, flags=re.S)[0]
    commands = [shlex.split(line) for line in block.splitlines() if line.strip()]
    assert len(commands) >= 5 and all(c[0] == "jobo" for c in commands)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JOBO_API_KEY", sandbox.keys["full"])
    conn = ["--base-url", sandbox.base_url, "--ca-bundle", sandbox.ca_cert]
    for argv in commands:
        argv = [a for a in argv if a != "--sandbox"] + (conn if "--sandbox" in argv else [])
        capsys.readouterr()
        status = main(argv[1:])
        out, err = capsys.readouterr()
        assert status == 0, (argv, err)
        assert out or err, argv
    assert (tmp_path / "remote.jsonl").stat().st_size > 0


def test_retry_time_names_the_day_when_it_is_not_today_and_hours_when_long():
    from jobo_enterprise.cli.errors import message, retry_when
    from jobo_enterprise.exceptions import JoboRateLimitError

    now = datetime(2025, 5, 1, 12, 0, 0, tzinfo=timezone.utc).timestamp()
    soon = JoboRateLimitError(retry_at=datetime.fromtimestamp(now + 95, timezone.utc))
    assert retry_when(soon, now=now).endswith("(in 1 min 35 s)")
    assert re.fullmatch(r"\d\d:\d\d:\d\d \S* ?\(in 1 min 35 s\)", retry_when(soon, now=now))
    later = JoboRateLimitError(retry_at=datetime.fromtimestamp(now + 2 * 86400 + 3900,
                                                               timezone.utc))
    text = retry_when(later, now=now)
    assert re.match(r"2025-05-0[34] \d\d:\d\d:\d\d", text) and text.endswith("(in 49 h 05 min)")
    unknown = JoboRateLimitError("Rate limit exceeded. Retry after 1796031731")
    assert message(unknown) == "HTTP 429 Too Many Requests: rate limit exceeded; retry later"
