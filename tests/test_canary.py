"""The canary run: the whole suite again, in a subprocess, with every test key
(and the sandbox's full key) replaced by one canary key, DEBUG logging on
(JOBO_LOG=debug, pytest's live logs), every test's output shown (-rA), and a
dump of the repr, str, args and pickle of every client and SDK exception still
alive after each test. The canary must appear nowhere in that output."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_canary_key_appears_in_no_output_log_repr_or_exception():
    canary = "jbe_test_CANARY" + secrets.token_hex(12)
    env = dict(os.environ, JOBO_TEST_CANARY_KEY=canary, JOBO_LOG="debug",
               PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # left out: the source builds of tests/test_packaging.py (a compile each, no key)
    cmd = [sys.executable, "-m", "pytest", os.path.join(ROOT, "tests"), "-p", "no:cacheprovider",
           "-q", "-rA", "--log-level=DEBUG", "-o", "log_cli=true", "-o", "log_cli_level=DEBUG",
           "-k", "not canary and not twenty_thousand and not source_build"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900, cwd=ROOT)
    text = out.stdout + out.stderr
    summary = [line for line in text.splitlines() if re.search(r"\d+ passed", line)]
    assert out.returncode == 0, text[-4000:]
    assert summary and "failed" not in summary[-1], summary
    assert canary not in text, "the canary key leaked into the output"
    assert canary[9:-4] not in text
    # and it was really in use: masked forms and dumps of live objects are in the output
    assert "jbe_\u2026" + canary[-4:] in text
    assert text.count("canary-dump:") > 100
    assert "GET /api/jobs?" in text  # the request logs were on
