"""What a loop costs, read from the sandbox's own credit balances.

Under the official package's names (``search.iter_jobs``, ``feed.iter_jobs``,
``feed.iter_managed_jobs``, ``feed.iter_expired_job_ids``) a loop spends exactly
what the official 4.0.0 package spends on the same loop: the very same loop
source runs on ours in this process and on the official package in its own venv
(``tests/official.py``), each on fresh keys, and the sandbox's balances and
request counters are compared.

Our own ``jobs.iter`` prefetches by default, within a bound: the pages requested
and never handed out cost at most what the pages handed out cost, a loop that
stops within the first page wastes one page at most, and with ``max_items`` no
page beyond those it needs is requested.
"""

from __future__ import annotations

import itertools
import json
import math
import time

import pytest

from jobo_enterprise import JoboClient, JoboValidationError
from official import run_official

# The loops, in the official package's names only. Executed as written by both
# packages: ``run(client, name)`` returns how many items the loop consumed.
LOOPS = '''
def _first(iterable, n):
    got = 0
    for _ in iterable:
        got += 1
        if got >= n:
            break
    return got

def run(client, name):
    if name == "search_break":      # the official test's loop
        return _first(client.search.iter_jobs(queries=["engineer"], page_size=3), 5)
    if name == "search_whole":
        return _first(client.search.iter_jobs(queries=['"nurse"'], page_size=40), 10**6)
    if name == "feed_break":
        return _first(client.feed.iter_jobs(batch_size=3), 5)
    if name == "feed_filtered_break":
        return _first(client.feed.iter_jobs(sources=["greenhouse"], batch_size=20), 45)
    if name == "managed_break":
        return _first(client.feed.iter_managed_jobs(batch_size=3), 5)
    if name == "expired_break":
        return _first(client.feed.iter_expired_job_ids(batch_size=3), 5)
    raise ValueError(name)
'''

NAMES = ("search_break", "search_whole", "feed_break", "feed_filtered_break",
         "managed_break", "expired_break")

_tokens = itertools.count()


def _fresh(sandbox, name: str, who: str) -> dict:
    """A fresh key (its own balance) and a counting base URL for one loop."""
    token = f"credits-{who}-{name}-{next(_tokens)}-{time.monotonic_ns()}"
    plan = "enterprise" if name.startswith("managed") else "full"
    return {"key": sandbox.create_key(plan), "token": token,
            "base_url": sandbox.fault_url(f"id={token}")}


def _settled_spent(sandbox, key: str, start: float = 1_000_000.0) -> float:
    """Credits spent on ``key`` once no request has changed the balance for 0.3 s."""
    balances = sandbox.app.accounts
    last, since = balances.exact_balance(key), time.monotonic()
    deadline = since + 10
    while time.monotonic() - since < 0.3 and time.monotonic() < deadline:
        time.sleep(0.02)
        now = balances.exact_balance(key)
        if now != last:
            last, since = now, time.monotonic()
    return start - last


def _cost(sandbox, slot: dict) -> tuple:
    return _settled_spent(sandbox, slot["key"]), sandbox.fault_requests(slot["token"])


@pytest.fixture(scope="module")
def official_costs(sandbox):
    """Credits and requests of every loop on the official package."""
    slots = {name: _fresh(sandbox, name, "official") for name in NAMES}
    script = LOOPS + '''
import json, os
from jobo_enterprise import JoboClient
slots = json.loads(os.environ["LOOP_SLOTS"])
consumed = {}
for name, slot in slots.items():
    with JoboClient(slot["key"], base_url=slot["base_url"]) as client:
        consumed[name] = run(client, name)
print(json.dumps(consumed))
'''
    consumed = run_official(script, env={"LOOP_SLOTS": json.dumps(slots),
                                         "SSL_CERT_FILE": sandbox.ca_cert})
    return {name: (consumed[name],) + _cost(sandbox, slots[name]) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_official_names_spend_what_the_official_package_spends(sandbox, official_costs, name):
    namespace: dict = {}
    exec(LOOPS, namespace)
    slot = _fresh(sandbox, name, "ours")
    with JoboClient(slot["key"], base_url=slot["base_url"], ca_bundle=sandbox.ca_cert) as client:
        consumed = namespace["run"](client, name)
    ours = (consumed,) + _cost(sandbox, slot)
    assert ours == official_costs[name]


def test_the_official_tests_loop_costs_six_credits(official_costs):
    # iter_jobs(page_size=3) broken after 5 jobs: two pages of 3 jobs, nothing more
    assert official_costs["search_break"] == (5, 6.0, 2)
    assert official_costs["feed_break"] == (5, 3.0, 2)          # 0.5 credit per feed job
    assert official_costs["expired_break"][1:] == (0.0, 2)     # free, two batches


def test_official_names_request_nothing_before_the_loop_asks(sandbox):
    for name in ("search", "feed", "expired"):
        slot = _fresh(sandbox, name, "lazy")
        with JoboClient(slot["key"], base_url=slot["base_url"],
                        ca_bundle=sandbox.ca_cert) as client:
            it = {"search": lambda: client.search.iter_jobs(page_size=3),
                  "feed": lambda: client.feed.iter_jobs(batch_size=3),
                  "expired": lambda: client.feed.iter_expired_job_ids(batch_size=3)}[name]()
            time.sleep(0.1)
            assert sandbox.fault_requests(slot["token"]) == 0, name
            for _ in range(3):
                next(it)
            time.sleep(0.1)
            assert sandbox.fault_requests(slot["token"]) == 1, name   # one page, 3 items
            next(it)
            assert sandbox.fault_requests(slot["token"]) == 2, name
            it.close()


@pytest.mark.parametrize("method,expected", [("search", 2), ("search_fixed", 5), ("feed", 2),
                                             ("managed", 2), ("expired", 2)])
def test_explicit_prefetch_on_official_names_fetches_the_next_batch_early(sandbox, method,
                                                                          expected):
    slot = _fresh(sandbox, "managed" if method == "managed" else method, "overlap")
    with JoboClient(slot["key"], base_url=slot["base_url"], ca_bundle=sandbox.ca_cert) as client:
        it = {"search": lambda: client.search.iter_jobs(page_size=3, prefetch=True),
              "search_fixed": lambda: client.search.iter_jobs(page_size=3, prefetch=4),
              "feed": lambda: client.feed.iter_jobs(batch_size=3, prefetch=True),
              "managed": lambda: client.feed.iter_managed_jobs(batch_size=3, prefetch=True),
              "expired": lambda: client.feed.iter_expired_job_ids(batch_size=3, prefetch=True),
              }[method]()
        next(it)  # the first item: the next batches are on their way while we hold it
        deadline = time.monotonic() + 10
        while sandbox.fault_requests(slot["token"]) < expected and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)
        assert sandbox.fault_requests(slot["token"]) == expected
        it.close()


def test_prefetch_keyword_of_the_feed_takes_a_bool(client):
    for bad in (1, 0, None, "yes"):
        with pytest.raises(JoboValidationError, match="prefetch"):
            client.feed.iter_jobs(prefetch=bad)
        with pytest.raises(JoboValidationError, match="prefetch"):
            client.feed.iter_expired_job_ids(prefetch=bad)


# -- our own jobs.iter: prefetch by default, within the bound ---------------------------


def _break_after(client, jobs_wanted: int, page_size: int, **kw) -> int:
    got = 0
    it = client.jobs.iter(page_size=page_size, **kw)
    for _ in it:
        got += 1
        if got >= jobs_wanted:
            break
    it.close()
    return got


@pytest.mark.parametrize("jobs_wanted", [1, 10, 11, 25, 61, 200, 450])
def test_jobs_iter_wastes_at_most_the_credits_of_the_pages_handed_out(sandbox, jobs_wanted):
    page_size = 10
    slot = _fresh(sandbox, "iter", "bound")
    with JoboClient(slot["key"], base_url=slot["base_url"], ca_bundle=sandbox.ca_cert) as client:
        assert client.jobs.search_advanced(page_size=1).total > 600  # every page is full
        spent_before = _settled_spent(sandbox, slot["key"])
        _break_after(client, jobs_wanted, page_size)
        spent = _settled_spent(sandbox, slot["key"]) - spent_before
    handed_out = math.ceil(jobs_wanted / page_size) * page_size   # credits of those pages
    wasted = spent - handed_out
    assert 0 <= wasted <= handed_out, (jobs_wanted, spent)
    if jobs_wanted <= page_size:
        assert wasted <= page_size  # stopping within the first page: one page at most


@pytest.mark.parametrize("max_items,page_size", [(20, 10), (25, 10), (1, 10), (333, 20)])
def test_jobs_iter_with_max_items_requests_no_page_it_does_not_need(sandbox, max_items,
                                                                     page_size):
    slot = _fresh(sandbox, "max", "bound")
    with JoboClient(slot["key"], base_url=slot["base_url"], ca_bundle=sandbox.ca_cert) as client:
        got = sum(1 for _ in client.jobs.iter(page_size=page_size, max_items=max_items))
        spent = _settled_spent(sandbox, slot["key"])
    pages = math.ceil(max_items / page_size)
    assert got == max_items
    assert spent == pages * page_size
    assert sandbox.fault_requests(slot["token"]) == pages


@pytest.mark.parametrize("max_items", [None, 30])
def test_an_explicit_window_opening_past_the_last_page_costs_no_credit(sandbox, max_items):
    """``prefetch=16`` opens with 16 pages before the page count is known: on a
    search of fewer pages, those past the last hold no job, cost nothing, and are
    cancelled once page 1 gives the count; with ``max_items`` none past it is asked."""
    page_size = 100
    slot = _fresh(sandbox, "opening", "bound")
    with JoboClient(slot["key"], base_url=slot["base_url"], ca_bundle=sandbox.ca_cert) as client:
        total = client.jobs.search_advanced(queries=["data engineer"], page_size=1).total
        assert page_size < total < 15 * page_size  # a few pages, fewer than the window
        spent_before = _settled_spent(sandbox, slot["key"])
        asked_before = sandbox.fault_requests(slot["token"])
        ids = [job.id for job in client.jobs.iter(queries=["data engineer"], page_size=page_size,
                                                  max_items=max_items, prefetch=16)]
        spent = _settled_spent(sandbox, slot["key"]) - spent_before
        asked = sandbox.fault_requests(slot["token"]) - asked_before
    wanted = total if max_items is None else max_items
    assert len(ids) == len(set(ids)) == wanted
    # one credit per job of the pages asked for (page 1 whole, when max_items cuts it);
    # the pages past the end: none
    assert spent == (total if max_items is None else page_size)
    if max_items is None:
        assert math.ceil(total / page_size) <= asked <= 16
    else:
        assert asked == 1
