"""The resource layer's shape: one description per endpoint, run by any driver.

- a Call names its result model (no inference from a bound method);
- no method pulls its arguments from ``locals()``;
- pagination (page windows, cursors, the repeated-cursor guard, the credit
  bound) is one module of plans, and the wait before a retry is decided by one
  function (:func:`jobo_enterprise._wait.server_wait`) from the raw figures the
  C core reports.
"""

from __future__ import annotations

import ast
import inspect
import time
from pathlib import Path

import pytest

import jobo_enterprise
from jobo_enterprise import JoboClient, JoboRateLimitError, JoboResponseError
from jobo_enterprise._paging import CursorChain, PageWindow, adaptive_window
from jobo_enterprise._run import SEND, SLEEP, Steps
from jobo_enterprise._wait import server_wait
from jobo_enterprise.models import Job, SearchResult, Usage
from jobo_enterprise.resources._base import Call

PACKAGE = Path(jobo_enterprise.__file__).parent


def test_a_call_names_its_result_model_and_refuses_anything_else():
    call = Call("GET", "/api/jobs/x", Job)
    assert call.model is Job and "-> Job" in repr(call)
    with pytest.raises(TypeError, match="model"):
        Call("GET", "/api/jobs/x", Job._from_response)  # a parser is not a model
    with pytest.raises(TypeError, match="model"):
        Call("GET", "/api/jobs/x", dict)


def test_call_options_are_layered_without_touching_the_description():
    call = Call("GET", "/api/jobs", SearchResult, query=[("q", "x")])
    quick = call.with_options(timeout=3, max_retries=None)
    assert quick.options == {"timeout": 3} and call.options is None
    assert quick.with_options(max_wait=1).options == {"timeout": 3, "max_wait": 1}
    assert (quick.method, quick.path, quick.query, quick.model) == (
        "GET", "/api/jobs", [("q", "x")], SearchResult)


def test_no_code_of_the_package_reads_a_frames_locals():
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
                 and isinstance(n.func, ast.Name) and n.func.id == "locals"]
        assert not calls, f"{path.name} reads locals()"
        assert "__self__" not in path.read_text(encoding="utf-8"), path.name


def test_the_run_of_a_call_is_effects_that_a_driver_performs(sandbox):
    """The policy is a generator of effects: a driver written here (no sleeping,
    no client internals) runs a real call over the C transport."""
    client = JoboClient(sandbox.keys["full"], base_url=sandbox.base_url,
                        ca_bundle=sandbox.ca_cert)
    steps = Steps(client, Call("GET", "/api/jobs", SearchResult,
                               query=[("q", "python"), ("page_size", "2")]))
    kinds = []
    while not steps.done:
        kind, arg = steps.effect
        kinds.append(kind)
        steps.ok(None if kind is SLEEP else client._transport.request(*arg))
    assert kinds[-1] is SEND and isinstance(steps.result, SearchResult)
    assert len(steps.result.jobs) == 2 and steps.result.usage.credits_used == 2
    client.close()


# -- the one function that decides a wait -------------------------------------------------

NOW = 1_700_000_000.0


def usage(**figures) -> Usage:
    names = ("credits_used", "credits_remaining", "credits_required", "rate_limit_limit",
             "rate_limit_remaining", "rate_limit_reset_epoch", "retry_after_seconds",
             "request_id", "date_epoch", "retry_after_date_epoch")
    return Usage._from_core(**{n: figures.get(n) for n in names})


def test_retry_after_seconds_come_first_and_are_dated_from_the_servers_clock():
    u = usage(retry_after_seconds=30, date_epoch=NOW - 100, rate_limit_reset_epoch=NOW + 500,
              rate_limit_remaining=0)
    assert server_wait(429, u, {"retryAfter": NOW + 900}, now=NOW) == (30.0, NOW - 100 + 30)
    assert server_wait(503, u, None, now=NOW) == (30.0, NOW - 70)


def test_an_http_date_retry_after_is_measured_against_the_servers_date():
    # the server's clock runs 1000 s behind ours: it still means "in 45 s"
    u = usage(retry_after_date_epoch=NOW - 1000 + 45, date_epoch=NOW - 1000)
    assert u.retry_after == 45.0
    assert server_wait(429, u, None, now=NOW)[0] == 45.0


@pytest.mark.parametrize("body, wait", [
    ({"retryAfter": NOW + 12}, 12.0),           # the documented epoch
    ({"retryAfter": 7}, 7.0),                    # a small figure is seconds
    ({"retryAfter": "NaN", "retry_after_seconds": 4}, 4.0),
    ({"retry_after_seconds": "2.5"}, 2.5),
    ({"retryAfter": True}, None),
    ({"retryAfter": "1e5"}, None),
    ({"retryAfter": -3}, None),
    ({"retryAfter": float("inf")}, None),
    ({"retryAfter": 2e12}, None),
    ("<html>busy</html>", None),
])
def test_a_429_body_figure_is_used_only_when_sane(body, wait):
    got = server_wait(429, usage(), body, now=NOW)
    assert (got[0] if got else None) == wait
    assert server_wait(503, usage(), body, now=NOW) is None  # only a 429 reads its body


def test_the_rate_limit_reset_is_the_last_resort_of_a_429_with_no_request_left():
    spent = usage(rate_limit_remaining=0, rate_limit_reset_epoch=NOW + 20)
    assert server_wait(429, spent, {}, now=NOW) == (20.0, NOW + 20)
    left = usage(rate_limit_remaining=3, rate_limit_reset_epoch=NOW + 20)
    assert server_wait(429, left, {}, now=NOW) is None


def test_the_exception_and_the_retry_policy_read_the_same_decision(sandbox):
    client = JoboClient(sandbox.keys["full"], ca_bundle=sandbox.ca_cert, max_retries=0,
                        base_url=sandbox.fault_url(f"status=429,id=w{time.time_ns()}"))
    with pytest.raises(JoboRateLimitError) as info:
        client.jobs.search("x")
    exc = info.value
    after, at = server_wait(exc.status_code, exc.usage, exc.response_body)
    assert exc.retry_after == pytest.approx(after, abs=1.5)
    assert abs(exc.retry_at.timestamp() - at) < 1.5
    client.close()


# -- pagination: plans, no I/O ------------------------------------------------------------

class Page:
    """The fields a plan reads of a page."""

    def __init__(self, jobs=3, total_pages=10, next_cursor=None, has_more=False):
        self.jobs = list(range(jobs)) if isinstance(jobs, int) else jobs
        self.total_pages = total_pages
        self.next_cursor = next_cursor
        self.has_more = has_more
        self.usage = None


def test_the_adaptive_window_never_runs_more_than_the_pages_handed_out_ahead():
    plan = PageWindow(lambda n: n, start_page=1, page_size=3, max_items=None, prefetch=None)
    assert plan.first() == 1
    in_flight, handed = 0, 0
    while True:
        assert plan.take(Page())
        handed += 1
        ahead = plan.ahead(in_flight)
        in_flight += len(ahead)
        assert in_flight <= adaptive_window(handed)
        if not in_flight:
            break
        in_flight -= 1  # the next page arrives
    assert handed == 10


def test_max_items_cuts_the_last_page_and_requests_nothing_beyond():
    plan = PageWindow(lambda n: n, start_page=1, page_size=3, max_items=7, prefetch=16)
    plan.first()
    assert plan.take(Page()) and plan.ahead(0) == [2, 3]
    page = Page()
    plan.take(Page())
    plan.take(page)
    assert page.jobs == [0] and plan.finished()
    zero = PageWindow(lambda n: n, start_page=1, page_size=3, max_items=0, prefetch=None)
    assert zero.first() is None


def test_a_repeated_cursor_stops_the_scan_instead_of_looping():
    plan = CursorChain(lambda cursor: cursor, prefetch=True)
    assert plan.first() is None
    plan.take(Page(next_cursor="a", has_more=True))
    assert plan.ahead(0) == ["a"] and plan.ahead(1) == []
    plan.take(Page(next_cursor="b", has_more=True))
    with pytest.raises(JoboResponseError) as info:
        plan.take(Page(next_cursor="a", has_more=True))
    assert info.value.code == "cursor_repeated"
    done = CursorChain(lambda cursor: cursor, prefetch=False)
    done.take(Page(next_cursor="z", has_more=False))
    assert done.finished() and done.next_call() is None


def test_the_paging_policy_is_in_one_module():
    from jobo_enterprise.resources import feed, jobs

    for module in (jobs, feed):
        read = {n.attr for n in ast.walk(ast.parse(inspect.getsource(module)))
                if isinstance(n, ast.Attribute)}
        # the plans read these fields; the resources only describe calls
        assert not read & {"next_cursor", "has_more", "total_pages", "jobs"}, module
