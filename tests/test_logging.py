"""Logging that fits ``logging``: a NullHandler, JOBO_LOG=info|debug, INFO for
retries and pacing waits, WARNING for 4xx/5xx answers, one DEBUG line per
attempt, every figure as an ``extra`` field, and never the key."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import uuid

import pytest

from jobo_enterprise import JoboClient, JoboNotFoundError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _spec(spec: str) -> str:
    return f"{spec},id=log-{uuid.uuid4().hex[:12]}"  # fresh counters per test


def _records(caplog, event=None, level=None):
    return [r for r in caplog.records if r.name == "jobo_enterprise"
            and (event is None or getattr(r, "jobo_event", None) == event)
            and (level is None or r.levelno == level)]


def test_the_package_logger_has_a_null_handler():
    logger = logging.getLogger("jobo_enterprise")
    assert any(isinstance(h, logging.NullHandler) for h in logger.handlers)


_SCRIPT = """
import os, sys
from jobo_enterprise import JoboClient, JoboNotFoundError
client = JoboClient(os.environ["K"], base_url=os.environ["U"], ca_bundle=os.environ["C"],
                    max_wait=5)
client.jobs.search("engineer", page_size=1)          # a retry, then 200
try:
    client.jobs.get("00000000-0000-0000-0000-000000000000")
except JoboNotFoundError:
    pass
print("done")
"""


def _run(sandbox, spec: str, **env) -> subprocess.CompletedProcess:
    full = dict(os.environ, K=sandbox.keys["full"], U=sandbox.fault_url(_spec(spec)),
                C=sandbox.ca_cert, PYTHONPATH=ROOT, **env)
    return subprocess.run([sys.executable, "-c", _SCRIPT], env=full, capture_output=True,
                          text=True, timeout=60)


def test_nothing_is_printed_unless_the_application_configures_logging(sandbox):
    # a 503 retried and a 404: records at INFO and WARNING, but no handler prints them
    proc = _run(sandbox, "status=503,times=1,retry_after=0")
    assert proc.stdout.strip() == "done", proc.stderr
    assert proc.stderr == ""


def test_jobo_log_info_prints_retries_and_warnings_but_no_attempt_lines(sandbox):
    proc = _run(sandbox, "status=503,times=1,retry_after=0", JOBO_LOG="info")
    assert proc.stdout.strip() == "done", proc.stderr
    err = proc.stderr
    assert "INFO GET /api/jobs: HTTP 503, retrying in 0.00 s (attempt 2 of 3)" in err
    assert "WARNING GET /api/jobs?q=engineer&page=1&page_size=1 -> JoboServerError" in err
    assert "WARNING GET /api/jobs/00000000-0000-0000-0000-000000000000 -> JoboNotFoundError" \
        in err
    assert " DEBUG " not in err and "-> 200" not in err


def test_jobo_log_debug_adds_one_line_per_attempt(sandbox):
    proc = _run(sandbox, "status=503,times=1,retry_after=0", JOBO_LOG="debug")
    assert proc.stdout.strip() == "done", proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if " -> " in ln]
    # attempt 1 (503, WARNING), attempt 2 (200, DEBUG), the 404 (WARNING)
    assert len(lines) == 3, proc.stderr
    assert " DEBUG GET /api/jobs?q=engineer&page=1&page_size=1 -> 200 over HTTP/1.1 in " \
        in lines[1]
    assert "(attempt 2 of 3, request id req_" in lines[1] and "credits used 1" in lines[1]


def test_an_unknown_jobo_log_value_is_ignored_with_a_message(sandbox):
    proc = _run(sandbox, "status=503,times=0", JOBO_LOG="loud")
    assert proc.stdout.strip() == "done"
    assert proc.stderr.strip() == ("jobo_enterprise: JOBO_LOG='loud' is not one of info, "
                                   "debug, warning, error; ignored")


def test_records_carry_their_figures_as_extra_fields(sandbox, make_client, caplog):
    client = make_client(base_url=sandbox.fault_url(_spec("status=503,times=1,retry_after=0")))
    with caplog.at_level(logging.DEBUG, logger="jobo_enterprise"):
        result = client.jobs.search("engineer", page_size=2)
    warning, = _records(caplog, "attempt", logging.WARNING)
    assert (warning.jobo_method, warning.jobo_status, warning.jobo_attempt,
            warning.jobo_max_attempts, warning.jobo_error) == ("GET", 503, 1, 3,
                                                              "JoboServerError")
    assert warning.jobo_http_version == "1.1" and warning.jobo_request_id.startswith("req_")
    retry, = _records(caplog, "retry", logging.INFO)
    assert (retry.jobo_reason, retry.jobo_wait_s, retry.jobo_attempt,
            retry.jobo_max_attempts, retry.jobo_status) == ("HTTP 503", 0.0, 2, 3, 503)
    ok, = _records(caplog, "attempt", logging.DEBUG)
    assert ok.jobo_path == "/api/jobs?q=engineer&page=1&page_size=2"
    assert (ok.jobo_status, ok.jobo_http_version, ok.jobo_attempt) == (200, "1.1", 2)
    assert ok.jobo_request_id == result.usage.request_id
    assert ok.jobo_credits_used == 2 and ok.jobo_credits_remaining is not None
    assert 0 < ok.jobo_elapsed_ms < 60_000


def test_a_connection_failure_is_a_debug_line_and_its_retry_is_info(sandbox, make_client,
                                                                    caplog):
    client = make_client(base_url=sandbox.fault_url(_spec("refuse,times=1")))
    with caplog.at_level(logging.DEBUG, logger="jobo_enterprise"):
        client.jobs.search("engineer", page_size=1)
    failed = [r for r in _records(caplog, "attempt") if r.jobo_error]
    assert [r.levelno for r in failed] == [logging.DEBUG]
    assert failed[0].jobo_status is None and failed[0].jobo_error == "JoboConnectionError"
    retry, = _records(caplog, "retry")
    assert retry.jobo_reason.startswith("JoboConnectionError")


def test_a_4xx_answer_logs_one_warning(sandbox, make_client, caplog):
    client = make_client()
    with caplog.at_level(logging.WARNING, logger="jobo_enterprise"):
        with pytest.raises(JoboNotFoundError):
            client.companies.get("00000000-0000-0000-0000-000000000000")
    record, = _records(caplog)
    assert record.levelno == logging.WARNING and record.jobo_status == 404
    assert "-> JoboNotFoundError" in record.getMessage()


def test_a_pacing_wait_is_logged_at_info(sandbox, make_client, caplog):
    key = sandbox.create_key("full", rate_limit=2, window=2)
    client = JoboClient(key, base_url=sandbox.base_url, ca_bundle=sandbox.ca_cert,
                        max_wait=5, max_retries=0)
    try:
        with caplog.at_level(logging.INFO, logger="jobo_enterprise"):
            for _ in range(3):
                client.jobs.get(sandbox.served_jobs()[0].id)
    finally:
        client.close()
    waits = _records(caplog, "pacing", logging.INFO)
    assert len(waits) >= 1 and 0 < waits[0].jobo_wait_s <= 2.5
    assert "waiting" in waits[0].getMessage() and "rate-limit window" in waits[0].getMessage()


def test_the_key_is_in_no_record_nor_any_extra_field(sandbox, caplog):
    key = sandbox.create_key("full")
    client = JoboClient(key, base_url=sandbox.fault_url(_spec("status=503,times=1,echo_key")),
                        ca_bundle=sandbox.ca_cert, max_wait=5)
    try:
        with caplog.at_level(logging.DEBUG, logger="jobo_enterprise"):
            client.jobs.search("engineer", extra_params={"note": key})
    finally:
        client.close()
    records = _records(caplog)
    assert len(records) >= 3
    for r in records:
        dumped = json.dumps({k: str(v) for k, v in vars(r).items()}) + r.getMessage()
        assert key not in dumped and key[9:] not in dumped


def test_the_readme_json_formatter_recipe_emits_the_fields(sandbox, make_client):
    import io
    import re

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        text = fh.read()
    recipe = re.search(r"```python\n(# JSON log lines.*?)```", text, flags=re.S).group(1)
    namespace: dict = {}
    exec(compile(recipe, "README.md", "exec"), namespace)
    handler = namespace["handler"]
    stream = io.StringIO()
    handler.setStream(stream)
    logger = logging.getLogger("jobo_enterprise")
    old = logger.level
    try:
        make_client().jobs.search("engineer", page_size=1)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["level"] == "DEBUG" and line["jobo_status"] == 200
    assert line["jobo_path"] == "/api/jobs?q=engineer&page=1&page_size=1"
    assert line["message"].startswith("GET /api/jobs?q=engineer")


def test_the_import_leaves_logging_alone_and_first_use_attaches_the_null_handler():
    # logging costs ~7 ms of import time: it is imported when the package first
    # logs (or the application already has it), with the NullHandler attached then

    code = (
        "import sys, jobo_enterprise\n"
        "assert 'logging' not in sys.modules, 'import jobo_enterprise imported logging'\n"
        "from jobo_enterprise import _log\n"
        "_log.enabled()\n"
        "import logging\n"
        "assert any(isinstance(h, logging.NullHandler)\n"
        "           for h in logging.getLogger('jobo_enterprise').handlers)\n"
        "assert not logging.getLogger('jobo_enterprise').isEnabledFor(logging.INFO)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "JOBO_LOG"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, timeout=60)
