"""The adaptive prefetch of ``jobs.iter`` / ``jobs.iter_pages`` (the default,
``prefetch=None``): same jobs in the same order as one page at a time, a window
of min(n, 16) pages beyond the n-th page handed out, and the credit bound of an
early stop (the pages never handed out cost at most what the pages handed out
cost; tests/test_credits.py checks it on the sandbox's balances).

Requests are counted by the sandbox itself (a fault route with only an ``id=``
token serves normally and counts every request that reaches it). Concurrency is
observed on the server: a module-private sandbox gets a pass-through wrapper
(``App.add_wrapper``, the pipeline's documented extension point; no sandbox file
changes) that counts the API requests being handled at the same time, the
sandbox's ``latency_ms`` included.
"""

from __future__ import annotations

import itertools
import math
import threading
import time

import pytest

from jobo_enterprise import JoboClient, JoboValidationError
from jobo_enterprise.resources.jobs import PREFETCH_MAX, adaptive_window
from jobo_enterprise_sandbox import Sandbox

HTTP_VERSIONS = ("1.1", "2")  # the sandbox tests run over HTTP/1.1 and h2 (conftest)

_tokens = itertools.count()


def _token(name: str) -> str:
    return f"prefetch-{name}-{next(_tokens)}-{time.monotonic_ns()}"


@pytest.fixture
def counted(sandbox):
    """counted(name) -> (client, token): a client on a fresh full key (its own
    credits and rate window) whose every request the sandbox counts under token."""
    made = []

    def make(name: str):
        token = _token(name)
        client = JoboClient(sandbox.create_key("full"), base_url=sandbox.fault_url(f"id={token}"),
                            ca_bundle=sandbox.ca_cert, max_retries=0)
        made.append(client)
        return client, token

    yield make
    for c in made:
        c.close()


def _prefetch_threads() -> list:
    return [t for t in threading.enumerate() if t.name.startswith("jobo-prefetch")]


def _wait_for_prefetch_threads_to_end(timeout: float = 15.0) -> None:
    """The pool is shut down (wait=False) when the iterator ends or is closed; its
    threads end once their page in flight is answered. After that the sandbox has
    seen every request the iterator will ever make."""
    deadline = time.monotonic() + timeout
    while _prefetch_threads():
        assert time.monotonic() < deadline, f"prefetch threads still alive: {_prefetch_threads()}"
        time.sleep(0.01)


def _wait_for_requests(sandbox, token: str, at_least: int, timeout: float = 15.0) -> int:
    deadline = time.monotonic() + timeout
    while sandbox.fault_requests(token) < at_least and time.monotonic() < deadline:
        time.sleep(0.01)
    return sandbox.fault_requests(token)


def adaptive_requested(held: int, last_page: int) -> int:
    """Pages requested by the default while the caller holds page ``held``: the pages
    yielded so far plus a window of ``held`` pages, at most PREFETCH_MAX."""
    return min(last_page, held + adaptive_window(held))


# -- (1) the same jobs, in the same order ---------------------------------------------


def test_default_yields_the_same_jobs_in_the_same_order_as_sequential(counted, sandbox):
    client, token = counted("order")
    total = client.jobs.search_advanced(page_size=1).total
    assert total >= 2000  # long enough for the window to reach PREFETCH_MAX
    before = sandbox.fault_requests(token)
    default = [j.id for j in client.jobs.iter(page_size=25)]
    pages = math.ceil(total / 25)
    # every page exactly once, never a page past the last
    assert sandbox.fault_requests(token) - before == pages
    sequential = [j.id for j in client.jobs.iter(page_size=25, prefetch=0)]
    assert len(default) == total == len(set(default))
    assert default == sequential
    # the official SDK's name uses the same default
    assert [j.id for j in client.search.iter_jobs(page_size=100)] == sequential
    _wait_for_prefetch_threads_to_end()


def test_default_pages_match_sequential_with_filters_start_page_and_max_items(counted, sandbox):
    client, token = counted("filters")
    filters = {"queries": ["engineer"]}
    total = client.jobs.search_advanced(page_size=1, **filters).total
    assert total > 333
    kw = dict(page_size=20, max_items=333, start_page=2, **filters)
    before = sandbox.fault_requests(token)
    default = list(client.jobs.iter_pages(**kw))
    assert sandbox.fault_requests(token) - before == math.ceil(333 / 20)  # never past max_items
    sequential = list(client.jobs.iter_pages(prefetch=0, **kw))
    assert [p.page for p in default] == [p.page for p in sequential] == list(range(2, 2 + 17))
    assert [[j.id for j in p.jobs] for p in default] == [[j.id for j in p.jobs]
                                                          for p in sequential]
    assert sum(len(p.jobs) for p in default) == 333
    _wait_for_prefetch_threads_to_end()


def test_a_page_is_handed_out_as_soon_as_it_arrives(make_client):
    """A transfer that finishes inside a step of the engine is collected at once: it
    does not sit out a poll slice (50 ms) with no socket left to wake it. With one
    page in flight at a time, every page would pay that wait; the engine must keep
    pace with the client's plain calls (``prefetch=0``) on the same connection."""
    client = make_client()
    kw = dict(page_size=10, max_items=300)
    list(client.jobs.iter_pages(prefetch=0, **kw))  # connections up, text index built
    timings = {}
    for prefetch in (0, 1, 0, 1):
        started = time.perf_counter()
        pages = list(client.jobs.iter_pages(prefetch=prefetch, **kw))
        took = time.perf_counter() - started
        timings[prefetch] = min(took, timings.get(prefetch, took))
        assert len(pages) == 30
    # 30 pages: a 50 ms wait per page would add 1.5 s
    assert timings[1] - timings[0] < 0.025 * 30, timings


# -- (2) the credit bound of an early stop ----------------------------------------------


def _stop_while_holding(sandbox, client, token, held: int, page_size: int, expected: int,
                        **kw) -> int:
    """Consume the jobs of the first ``held`` pages, break, and return how many
    pages the sandbox saw in the end. Before breaking, wait until the iterator's
    requests for the current window have reached the sandbox (so the count tests
    the window itself, not a race with the cancellation at close)."""
    before = sandbox.fault_requests(token)
    jobs = client.jobs.iter(page_size=page_size, **kw)
    consumed = 0
    for _job in jobs:
        consumed += 1
        if consumed == held * page_size:
            break
    _wait_for_requests(sandbox, token, before + expected)
    time.sleep(0.1)  # a request beyond the window would show up now
    jobs.close()
    _wait_for_prefetch_threads_to_end()
    return sandbox.fault_requests(token) - before


@pytest.mark.parametrize("held", [1, 2, 5, 13, 30])
def test_early_break_at_the_default_requests_at_most_the_adaptive_window(counted, sandbox,
                                                                         held):
    client, token = counted(f"break{held}")
    page_size = 10
    last_page = math.ceil(client.jobs.search_advanced(page_size=1).total / page_size)
    assert last_page > 60
    expected = adaptive_requested(held, last_page)
    seen = _stop_while_holding(sandbox, client, token, held, page_size, expected)
    # Exact, no slack: the client does not retry on a healthy sandbox (max_retries=0
    # anyway), and while the caller is parked on page `held` the iterator has made
    # exactly the pages yielded plus its window; the wait above lets all of them
    # arrive, so a smaller count would mean a narrower window than the rule.
    assert seen == expected
    # the rule in figures: 1 ahead while on page 1, 2 ahead on page 2, never more
    # than 16 ahead; so never more pages ahead than pages handed out
    assert {1: 2, 2: 4, 5: 10, 13: 26, 30: 46}[held] == expected
    assert seen - held <= min(held, PREFETCH_MAX)


@pytest.mark.parametrize("prefetch", [0, 1, 4, 16])
def test_early_break_with_an_explicit_prefetch_keeps_a_fixed_window(counted, sandbox,
                                                                    prefetch):
    client, token = counted(f"fixed{prefetch}")
    held = 5
    expected = held + prefetch
    seen = _stop_while_holding(sandbox, client, token, held, 10, expected, prefetch=prefetch)
    assert seen == expected


@pytest.mark.parametrize("prefetch", [4, 16])
def test_an_explicit_window_opens_at_once_on_a_new_client(sandbox, prefetch):
    """A new client's first request is the rate-limit probe, which other calls wait
    for; an explicit window is asked for at once, so its opening goes along with it:
    every page of it reaches the server while page 1 is still held there."""
    token = _token("opening-held")
    client = JoboClient(sandbox.create_key("full"),
                        base_url=sandbox.fault_url(f"delay=2500,times=1,id={token}"),
                        ca_bundle=sandbox.ca_cert, max_retries=0)
    try:
        pages = client.jobs.iter_pages(page_size=5, max_items=5 * prefetch, prefetch=prefetch)
        seen = []
        timer = threading.Timer(1.5, lambda: seen.append(sandbox.fault_requests(token)))
        timer.start()
        assert next(pages).page == 1  # held 2.5 s by the server
        timer.join()
        assert seen == [prefetch]
        assert [p.page for p in pages] == list(range(2, prefetch + 1))
        assert sandbox.fault_requests(token) == prefetch
    finally:
        client.close()


def test_stopping_on_the_first_page_costs_what_prefetch_1_does(counted, sandbox):
    default_client, default_token = counted("first-default")
    fixed_client, fixed_token = counted("first-fixed")
    a = _stop_while_holding(sandbox, default_client, default_token, 1, 10, 2)
    b = _stop_while_holding(sandbox, fixed_client, fixed_token, 1, 10, 2, prefetch=1)
    assert a == b == 2


# -- (3) the window grows, as seen by the server -------------------------------------------


class InFlight:
    """Server-side: the API requests being handled at the same time (peak)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.current = self.peak = self.total = 0

    def reset(self) -> None:
        with self._lock:
            self.current = self.peak = self.total = 0

    def wrapper(self, req, match, inner):
        with self._lock:
            self.current += 1
            self.total += 1
            self.peak = max(self.peak, self.current)
        try:
            return inner(req)  # includes the sandbox's latency_ms sleep
        finally:
            with self._lock:
                self.current -= 1


@pytest.fixture(scope="module")
def slow_sandbox():
    """A private sandbox with 20 ms of latency per request and the in-flight probe
    under ``<base_url>/__inflight/``."""
    probe = InFlight()
    with Sandbox(seed=11, latency_ms=20, http_port=None) as sb:
        sb.app.add_wrapper(r"/__inflight", probe.wrapper)
        sb.probe = probe
        yield sb


@pytest.fixture
def probed(slow_sandbox):
    client = JoboClient(slow_sandbox.keys["full"], base_url=slow_sandbox.base_url + "/__inflight",
                        ca_bundle=slow_sandbox.ca_cert, max_retries=0)
    slow_sandbox.probe.reset()
    yield client, slow_sandbox.probe
    client.close()


def test_window_grows_past_4_and_never_past_16_under_latency(probed):
    client, probe = probed
    total = client.jobs.search_advanced(page_size=1).total
    probe.reset()
    jobs = [j.id for j in client.jobs.iter(page_size=50)]
    assert len(jobs) == total == len(set(jobs))
    assert probe.total == math.ceil(total / 50)
    assert 4 < probe.peak <= PREFETCH_MAX, probe.peak
    assert probe.current == 0
    _wait_for_prefetch_threads_to_end()


def test_probe_sees_the_fixed_windows(probed):
    client, probe = probed
    for prefetch, low, high in ((0, 1, 1), (4, 1, 4), (16, 5, 16)):
        probe.reset()
        jobs = list(client.jobs.iter(page_size=50, max_items=1500, prefetch=prefetch))
        assert len(jobs) == 1500 and probe.total == 30
        assert low <= probe.peak <= high, (prefetch, probe.peak)
    _wait_for_prefetch_threads_to_end()


def test_a_short_look_under_latency_stays_within_the_start_window(probed):
    client, probe = probed
    probe.reset()
    pages = client.jobs.iter_pages(page_size=10)
    first = next(pages)
    assert first.page == 1
    deadline = time.monotonic() + 10
    while probe.total < 1 + adaptive_window(1) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # ten times the latency: anything beyond the window would show
    assert probe.total == 2
    assert probe.peak <= 1
    pages.close()
    _wait_for_prefetch_threads_to_end()


# -- (4) validation ----------------------------------------------------------------------


def test_prefetch_none_is_accepted_and_bad_values_raise_before_any_request(counted, sandbox):
    client, token = counted("validate")
    assert len(list(client.jobs.iter(prefetch=None, page_size=5, max_items=12))) == 12
    assert [p.page for p in client.jobs.iter_pages(prefetch=None, page_size=5,
                                                   max_items=12)] == [1, 2, 3]
    assert len(list(client.search.iter_jobs(prefetch=None, max_items=3))) == 3
    sent = sandbox.fault_requests(token)
    assert sent == 3 + 3 + 1
    for bad in (17, -1, 100, True, 4.0, "4"):
        with pytest.raises(JoboValidationError, match="prefetch"):
            client.jobs.iter(prefetch=bad)
        with pytest.raises(JoboValidationError, match="prefetch"):
            client.jobs.iter_pages(prefetch=bad)
        if bad is not True:  # True asks the official names for their overlap
            with pytest.raises(JoboValidationError, match="prefetch"):
                client.search.iter_jobs(prefetch=bad)
            with pytest.raises(JoboValidationError, match="prefetch"):
                client.feed.iter_jobs(prefetch=bad)
    with pytest.raises(JoboValidationError, match="between 0 and 16"):
        client.jobs.iter(prefetch=17)
    for ok in (0, 16):
        assert len(list(client.jobs.iter(prefetch=ok, page_size=5, max_items=6))) == 6
    assert sandbox.fault_requests(token) == sent + 4  # the bad values sent nothing


def test_scans_reuse_the_easy_handles_of_their_window(make_client):
    """Each transfer of a window takes an easy handle from the client's pool and gives
    it back: a second and a third scan with the widest window build none. Handles
    that only ran in a window never build a multi handle of their own; the client's
    one blocking call does."""
    client = make_client()
    client.jobs.search("engineer", page_size=1)
    pool = []
    for _ in range(3):
        pages = list(client.jobs.iter_pages(page_size=100, prefetch=PREFETCH_MAX))
        assert len(pages) == 50
        pool.append(client._transport._pool())
    assert pool[-1]["made"] == pool[-2]["made"] == pool[0]["made"] <= PREFETCH_MAX + 2, pool
    assert pool[-1]["idle"] == pool[-1]["made"]
    assert pool[-1]["multis"] == 1, pool  # the search's, before the scans
