"""examples/explore.ipynb runs top to bottom in a real Jupyter kernel (nbclient) against
the sandbox it starts, and its outputs are what the notebook promises: the search's HTML
table, the documented columns, the progress bar widget with its total, and the chart."""

from __future__ import annotations

import ast
import base64
import os

import nbformat
import pytest
from nbclient import NotebookClient

from jobo_enterprise import frames

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTEBOOK = os.path.join(ROOT, "examples", "explore.ipynb")


def kernel_env() -> dict:
    """The kernel imports the jobo_enterprise these tests import (under scripts/asan.sh,
    the sanitized build), with the same sanitizer runtime."""
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    if "libasan" in env.get("LD_PRELOAD", ""):
        # ASan intercepts C++ exceptions (matplotlib's and pyarrow's) only when libstdc++
        # is there from the start
        import ctypes.util

        env["LD_PRELOAD"] += ":" + (ctypes.util.find_library("stdc++") or "libstdc++.so.6")
    return env


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": os.path.dirname(NOTEBOOK)}}
                   ).execute(env=kernel_env())
    return {tag: cell for cell in nb.cells for tag in cell.metadata.get("tags", [])}


def _data(cell, mime):
    return [out["data"][mime] for out in cell.outputs
            if out.get("output_type") in ("execute_result", "display_data")
            and mime in out.get("data", {})]


def _result(cell) -> str:
    (text,) = [o["data"]["text/plain"] for o in cell.outputs
               if o.get("output_type") == "execute_result"]
    return text


def _stream(cell, name="stdout"):
    return "".join(out["text"] for out in cell.outputs
                   if out.get("output_type") == "stream" and out.get("name") == name)


def test_notebook_runs_without_errors(executed):
    for tag, cell in executed.items():
        assert not [o for o in cell.outputs if o.get("output_type") == "error"], tag


def test_search_shows_as_an_html_table_with_totals_and_usage(executed):
    (html,) = _data(executed["search-table"], "text/html")
    assert "<table>" in html and "<th>Title</th>" in html and "<th>Salary</th>" in html
    assert html.count("<tr>") == 1 + 8  # header + one row per job
    assert "jobs · page 1 of" in html and "credits used 8" in html
    (card,) = _data(executed["job-card"], "text/html")
    assert 'class="jobo-card"' in card


def test_the_frame_has_the_documented_columns(executed):
    printed = _stream(executed["columns"]).strip()
    assert ast.literal_eval(printed) == frames.column_names()
    assert _result(executed["scan"]) == f"(1500, {len(frames.JOB_COLUMNS)})"
    dtypes = _result(executed["columns"])
    assert "datetime64[us, UTC]" in dtypes and "boolean" in dtypes


def test_the_progress_bar_is_a_widget_with_the_total(executed):
    (widget,) = _data(executed["scan"], "application/vnd.jupyter.widget-view+json")
    assert widget["model_id"]
    # the widget's text form, as the kernel last rendered it: the total is max_items
    (bar,) = [o["data"]["text/plain"] for o in executed["scan"].outputs
              if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert "/1500" in bar


def test_the_chart_is_made(executed):
    (png,) = _data(executed["chart"], "image/png")
    raw = base64.b64decode(png)
    assert raw.startswith(b"\x89PNG") and len(raw) > 2000


def test_feed_and_arrow_cells(executed):
    assert "skills_must_have" in _result(executed["feed"])
    assert "rows" in _stream(executed["arrow"])
    assert "struct<location: string" in _result(executed["arrow"])
