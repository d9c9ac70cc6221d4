"""The jobo command: a readable table, --json, --sandbox, errors, no key in output."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from keys import fake_key

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _jobo(*args: str, env: dict = None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, PYTHONPATH=ROOT, COLUMNS="120")
    for name in ("JOBO_API_KEY", "JOBO_BASE_URL", "JOBO_CA_BUNDLE", "JOBO_ENVIRONMENT"):
        full_env.pop(name, None)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "jobo_enterprise", *args], env=full_env,
                          capture_output=True, text=True, timeout=60)


def test_search_with_an_in_process_sandbox_prints_a_table_and_usage():
    out = _jobo("search", "data engineer", "--page-size", "5", "--sandbox")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "jobs for 'data engineer' - page 1 of" in lines[0]
    assert lines[1].split() == ["TITLE", "COMPANY", "LOCATION", "SOURCE"]
    assert len([l for l in lines[3:] if l.strip() and not l.startswith(("credits", "rate", "request"))]) == 5
    assert any(l.startswith("credits: used 5 | remaining ") for l in lines)
    assert any(l.startswith("rate limit: ") for l in lines)


def test_search_json_against_a_sandbox_with_the_key_from_the_environment(sandbox):
    key = sandbox.keys["full"]
    out = _jobo("search", "nurse", "--page-size", "3", "--json", "--base-url", sandbox.base_url,
                "--ca-bundle", sandbox.ca_cert, env={"JOBO_API_KEY": key})
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data["jobs"]) == 3 and data["page_size"] == 3
    assert data["usage"]["credits_used"] == 3
    assert key not in out.stdout + out.stderr


def test_errors_are_one_line_without_the_key(sandbox):
    key = fake_key("jbe_test_CliUnknownKey0123456789ab")
    # the fault route answers 401 whatever the key (in the canary run it is a valid one)
    out = _jobo("search", "x", "--base-url", sandbox.fault_url("status=401"),
                "--ca-bundle", sandbox.ca_cert, env={"JOBO_API_KEY": key})
    assert out.returncode == 1
    assert out.stderr.startswith("jobo: error: HTTP 401 Unauthorized: Missing or invalid API key")
    assert key not in out.stdout + out.stderr


def test_missing_key_says_how_to_set_it():
    out = _jobo("search", "x")
    assert out.returncode == 1 and "JOBO_API_KEY" in out.stderr


def test_no_command_prints_help():
    out = _jobo()
    assert out.returncode == 2 and "search" in out.stdout and "diagnostics" in out.stdout
