"""The README's tour runs as written against the sandbox."""

from __future__ import annotations

import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _blocks(section: str) -> list:
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        text = fh.read()
    start = text.index(section)
    end = text.index("\n## ", start + len(section))
    return re.findall(r"```python\n(.*?)```", text[start:end], flags=re.S)


def test_the_tour_runs_against_the_sandbox(capsys):
    blocks = _blocks("## A tour, against the local sandbox")
    assert len(blocks) >= 8
    namespace: dict = {}
    for code in blocks:
        exec(compile(code, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "HTTP 404 Not Found" in out and "HTTP 401 Unauthorized" in out
    assert "did you mean 'country'?" in out and "8 ('created_at',)" in out


def test_the_fault_injection_example_runs():
    code = [b for b in _blocks("## The sandbox") if "fault_url" in b]
    assert len(code) == 1
    exec(compile(code[0], "README.md", "exec"), {})


def test_the_migration_example_runs(capsys):
    code = _blocks("## Migrating from the official package")
    assert len(code) == 1
    exec(compile(code[0], "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert "libcurl" in out[0] and "httpx" in out[0]
    assert out[1:] == ["30", "429 Too Many Requests 0.0", "JoboConnectionError"]


def test_the_async_example_runs(capsys):
    blocks = _blocks("## Async")
    assert len(blocks) == 2
    exec(compile(blocks[0], "README.md", "exec"), {"__name__": "readme_async"})
    out = capsys.readouterr().out.splitlines()
    assert out == ["True 5 5", "[2, 2, 2]", "30", "404", "cancelled"]


def test_the_fastapi_example_runs_with_fastapis_test_client(capsys):
    blocks = _blocks("## Async")
    exec(compile(blocks[1], "README.md", "exec"), {"__name__": "readme_fastapi"})
    assert capsys.readouterr().out.splitlines() == ["3", "404"]
