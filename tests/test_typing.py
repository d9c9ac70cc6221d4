"""Type checkers see every keyword: mypy --strict and pyright flag each deliberate
mistake of tests/typecheck/mistakes.py (``querys=``, ``sorces=``, ...) and nothing in
tests/typecheck/correct.py, and pyright's --verifytypes finds the public interface
fully typed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "typecheck")
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)


def marked_lines() -> set:
    with open(os.path.join(HERE, "mistakes.py"), encoding="utf-8") as f:
        return {i for i, line in enumerate(f, 1) if re.search(r"#\s*error\b", line)}


def tool(name: str) -> str:
    path = os.path.join(BIN, name)
    if not os.path.exists(path):
        path = shutil.which(name) or ""
    if not path:
        pytest.skip(f"{name} is not installed (the 'test' extra installs it)")
    return path


def test_mypy_strict_flags_every_mistake_and_nothing_else(tmp_path):
    out = subprocess.run(
        [tool("mypy"), "--strict", "--follow-imports=silent", "--no-error-summary",
         "--cache-dir", str(tmp_path / "cache"), "correct.py", "mistakes.py"],
        cwd=HERE, capture_output=True, text=True, timeout=300,
        env=dict(os.environ, MYPYPATH=ROOT),
    )
    errors = [line for line in out.stdout.splitlines() if ": error: " in line]
    assert not [e for e in errors if not e.startswith("mistakes.py:")], out.stdout
    flagged = {int(e.split(":")[1]) for e in errors}
    assert flagged == marked_lines(), out.stdout
    assert any('"querys"' in e and 'did you mean "queries"' in e for e in errors)
    assert any('"sorces"' in e and 'did you mean "sources"' in e for e in errors)


def pyright(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([tool("basedpyright"), *args], cwd=HERE, capture_output=True,
                          text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=ROOT))


def test_pyright_flags_every_mistake_and_nothing_else():
    out = pyright("-p", "pyrightconfig.json", "--outputjson")
    report = json.loads(out.stdout)
    errors = [d for d in report["generalDiagnostics"] if d["severity"] == "error"]
    assert not [d for d in errors if not d["file"].endswith("mistakes.py")], errors
    assert {d["range"]["start"]["line"] + 1 for d in errors} == marked_lines(), errors
    messages = " ".join(d["message"] for d in errors)
    assert '"querys"' in messages and '"sorces"' in messages


def test_verifytypes_finds_the_public_interface_fully_typed():
    out = pyright("--pythonpath", sys.executable, "--verifytypes", "jobo_enterprise",
                  "--ignoreexternal", "--outputjson")
    report = json.loads(out.stdout)["typeCompleteness"]
    assert report["packageName"] == "jobo_enterprise"
    assert report["exportedSymbolCounts"]["withKnownType"] > 500
    unknown = [s["name"] for s in report["symbols"] if not s["isTypeKnown"]]
    assert report["completenessScore"] == 1.0, unknown[:40]
