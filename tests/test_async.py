"""AsyncJoboClient: the sync client's surface as coroutines and async iterators, on
the default asyncio loop and on uvloop, over the C core's loop-driven multi handle.

Everything runs against the sandbox over real TLS; faults come from its fault
routes. Timing bounds carry the generous margins a loaded 2-core machine (and an
ASan build) needs; the contract's own figures are noted beside each."""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from itertools import count

import pytest
import uvloop

import jobo_enterprise
from jobo_enterprise import (
    AsyncJoboClient,
    JoboAuthenticationError,
    JoboClient,
    JoboConfigurationError,
    JoboConnectionError,
    JoboError,
    JoboNotFoundError,
    JoboTimeoutError,
    JoboTLSError,
)
from jobo_enterprise.models import Job, SearchResult

import rawserver
from keys import fake_key

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_ids = count()
#: under ASan every allocation is several times slower: timing margins widen
ASAN = os.environ.get("JOBO_SANITIZER") == "asan"

LOOPS = {"asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop}


@pytest.fixture(params=sorted(LOOPS))
def run(request):
    """run(coroutine_function, *args): its result, on a fresh loop of this kind."""
    factory = LOOPS[request.param]

    def run(fn, *args):
        with asyncio.Runner(loop_factory=factory) as runner:
            return runner.run(fn(*args))

    return run


@pytest.fixture
def make_async(sandbox):
    """make_async(plan="full", spec=None, **options) -> an AsyncJoboClient on the sandbox
    (through the fault ``spec`` when given)."""
    made = []

    def make(plan="full", spec=None, **kw):
        kw.setdefault("ca_bundle", sandbox.ca_cert)
        kw.setdefault("base_url", sandbox.base_url if spec is None else sandbox.fault_url(spec))
        client = AsyncJoboClient(sandbox.keys[plan], **kw)
        made.append(client)
        return client

    yield make
    for c in made:
        asyncio.run(c.close())


def stats(base_url, ca):
    ctx = ssl.create_default_context(cafile=ca)
    with urllib.request.urlopen(base_url + "/__stats", context=ctx, timeout=10) as resp:
        return json.loads(resp.read())


# -- 1. surface ------------------------------------------------------------------------

def test_import_does_not_import_asyncio():
    code = "import sys, jobo_enterprise; print('asyncio' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_the_constructor_options_and_validation_are_the_sync_clients(monkeypatch, sandbox):
    assert inspect.signature(AsyncJoboClient) == inspect.signature(JoboClient)
    with pytest.raises(JoboConfigurationError):
        AsyncJoboClient("bad key")
    with pytest.raises(JoboConfigurationError):
        AsyncJoboClient(sandbox.keys["full"], base_url="http://insecure.example")
    with pytest.raises(JoboConfigurationError, match="max_connections"):
        AsyncJoboClient(sandbox.keys["full"], max_connections=0)
    monkeypatch.setenv("JOBO_API_KEY", sandbox.keys["full"])
    monkeypatch.setenv("JOBO_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("JOBO_CA_BUNDLE", sandbox.ca_cert)
    client = AsyncJoboClient(timeout=12)
    assert client.base_url == sandbox.base_url and client.timeout == 12
    assert sandbox.keys["full"] not in repr(client) and "AsyncJoboClient" in repr(client)
    assert asyncio.run(client.jobs.search(page_size=1)).total > 0
    asyncio.run(client.aclose())
    with pytest.raises(JoboConfigurationError):
        asyncio.run(client.jobs.search(page_size=1))


def test_the_official_async_names_are_the_classes_of_the_async_client(sandbox):
    client = AsyncJoboClient(sandbox.keys["full"], base_url=sandbox.base_url,
                             ca_bundle=sandbox.ca_cert)
    assert type(client.search) is jobo_enterprise.AsyncJobsSearchClient
    assert client.jobs is client.search
    assert type(client.feed) is jobo_enterprise.AsyncJobsFeedClient
    assert type(client.companies) is jobo_enterprise.AsyncCompaniesClient
    assert type(client.locations) is jobo_enterprise.AsyncLocationsClient
    for module, name in (("search", "AsyncJobsSearchClient"), ("feed", "AsyncJobsFeedClient"),
                         ("companies", "AsyncCompaniesClient"),
                         ("locations", "AsyncLocationsClient"), ("client", "AsyncJoboClient")):
        assert getattr(getattr(jobo_enterprise, module), name) is getattr(jobo_enterprise, name)
    asyncio.run(client.close())


def test_every_method_gives_what_the_sync_client_gives(run, make_async, make_client):
    sync = make_client()
    ref = sync.jobs.search("engineer", page_size=7)
    job_id, company_id = ref.jobs[0].id, ref.jobs[0].company.id

    async def main(client):
        async with client:
            search = await client.jobs.search("engineer", page_size=7)
            advanced = await client.search.search_advanced(queries=["engineer"], page_size=3)
            job = await client.jobs.get_job(job_id)
            company = await client.companies.get(company_id)
            company_jobs = await client.companies.get_jobs(company_id, page_size=2)
            place = await client.locations.geocode("Berlin")
            feed = await client.feed.get_jobs(batch_size=50)
            expired = await client.feed.get_expired_job_ids()
            with pytest.raises(JoboNotFoundError):
                await client.jobs.get("00000000-0000-4000-8000-000000000000")
            return search, advanced, job, company, company_jobs, place, feed, expired

    search, advanced, job, company, company_jobs, place, feed, expired = run(main, make_async())
    assert type(search) is SearchResult and type(job) is Job
    assert [j.id for j in search.jobs] == [j.id for j in ref.jobs]
    assert search.usage.credits_used == 7 and len(advanced.jobs) == 3
    assert job.id == job_id and company.id == company_id and len(company_jobs.jobs) == 2
    assert place.to_dict() == sync.locations.geocode("Berlin").to_dict()
    assert [j.id for j in feed.jobs] == [j.id for j in sync.feed.get_jobs(batch_size=50).jobs]
    assert expired.job_ids == sync.feed.get_expired_job_ids().job_ids


def test_async_iterators_follow_the_sync_iterators(run, make_async, make_client):
    sync = make_client()
    want = [j.id for j in sync.jobs.iter(queries=["engineer"], page_size=20, max_items=130)]
    feed_want = [j.id for j in sync.feed.iter_jobs(batch_size=700)]
    ids_want = list(sync.feed.iter_expired_job_ids(batch_size=10))

    async def main(client):
        jobs = [j.id async for j in client.jobs.iter(queries=["engineer"], page_size=20,
                                                       max_items=130)]
        official = [j.id async for j in client.search.iter_jobs(queries=["engineer"],
                                                                 page_size=20, max_items=130)]
        pages = [len(p.jobs) async for p in client.jobs.iter_pages(
            queries=["engineer"], page_size=20, max_items=130, prefetch=4)]
        feed = [j.id async for j in client.feed.iter_jobs(batch_size=700, prefetch=True)]
        ids = [i async for i in client.feed.iter_expired_job_ids(batch_size=10, prefetch=True)]
        await client.close()
        return jobs, official, pages, feed, ids

    jobs, official, pages, feed, ids = run(main, make_async())
    assert jobs == official == want and len(want) == 130
    assert pages == [20] * 6 + [10]
    assert feed == feed_want and len(feed) == len(set(feed)) > 1000
    assert ids == ids_want


def test_an_async_iterator_stops_at_the_same_credit_bound(run, sandbox):
    """Breaking out within the first page of the adaptive default costs at most one
    page more, as in the sync client (the contract of jobs.iter)."""
    key = sandbox.create_key("full", credits=10_000)

    async def main():
        async with AsyncJoboClient(key, base_url=sandbox.base_url,
                                   ca_bundle=sandbox.ca_cert) as client:
            async for _job in client.jobs.iter(queries=["engineer"], page_size=10):
                break
            await asyncio.sleep(0.5)  # whatever was in flight lands now

    run(main)
    spent = 10_000 - sandbox.app.accounts.balance(key)
    assert 10 <= spent <= 20, spent


@pytest.mark.parametrize("spec, options", [
    ("status=401", {}),
    ("status=503,times=1", {}),
    ("status=503,times=5", {"max_retries": 2}),
    ("status=429,retry_after=1,times=1", {}),
    ("status=429,retry_after=120", {"max_wait": 60}),
    ("status=503,retry_after=1", {"max_retries": 10, "deadline": 1.5}),
    ("malformed", {}),
    ("truncate", {"max_retries": 0}),
    ("refuse,times=1", {}),
    ("empty", {}),
])
def test_fault_routes_give_the_same_outcomes_and_request_counts(run, sandbox, spec, options):
    def outcome(result):
        if isinstance(result, JoboError):
            return (type(result).__name__, result.status_code, result.code,
                    result.retries_taken)
        return ("ok", len(result.jobs))

    def counted(make):
        token = f"a{next(_ids)}x{time.time_ns() % 10**9}"
        client = make(sandbox.keys["full"], base_url=sandbox.fault_url(f"{spec},id={token}"),
                      ca_bundle=sandbox.ca_cert, **options)
        return client, token

    sync, sync_token = counted(JoboClient)
    try:
        sync_result = sync.jobs.search("python", page_size=2)
    except JoboError as exc:
        sync_result = exc
    aclient, async_token = counted(AsyncJoboClient)

    async def main():
        try:
            return await aclient.jobs.search("python", page_size=2)
        except JoboError as exc:
            return exc
        finally:
            await aclient.close()

    async_result = run(main)
    assert outcome(async_result) == outcome(sync_result)
    assert sandbox.fault_requests(async_token) == sandbox.fault_requests(sync_token)
    if isinstance(async_result, JoboError):
        assert sandbox.keys["full"] not in repr(async_result) + str(async_result)
    sync.close()


def test_waits_before_retries_are_the_servers_and_do_not_block_the_loop(run, make_async):
    client = make_async(spec=f"status=429,retry_after=1,times=1,id=w{next(_ids)}")

    async def main():
        ticks = 0

        async def heartbeat():
            nonlocal ticks
            while True:
                await asyncio.sleep(0.02)
                ticks += 1

        beat = asyncio.ensure_future(heartbeat())
        started = time.monotonic()
        result = await client.jobs.search("python", page_size=1)
        took = time.monotonic() - started
        beat.cancel()
        return result, took, ticks

    result, took, ticks = run(main)
    assert len(result.jobs) == 1 and 0.9 <= took < 10
    assert ticks >= 15  # the second's wait was an asyncio.sleep: the loop went on


# -- 2. loops ------------------------------------------------------------------------

def test_one_client_serves_successive_loops(sandbox):
    client = AsyncJoboClient(sandbox.keys["full"], base_url=sandbox.base_url,
                             ca_bundle=sandbox.ca_cert)

    async def one():
        return (await client.jobs.search("nurse", page_size=2)).total

    totals = [asyncio.run(one()), asyncio.run(one())]
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        totals.append(runner.run(one()))
    totals.append(asyncio.run(one()))
    assert len(set(totals)) == 1 and totals[0] > 0
    asyncio.run(client.close())


def test_two_loops_running_at_once_get_a_clear_error(sandbox):
    client = AsyncJoboClient(sandbox.keys["full"], base_url=sandbox.base_url,
                             ca_bundle=sandbox.ca_cert)
    started, release = threading.Event(), threading.Event()

    async def hold():
        await client.jobs.search(page_size=1)
        started.set()
        while not release.is_set():
            await asyncio.sleep(0.01)

    other = threading.Thread(target=asyncio.run, args=(hold(),))
    other.start()
    try:
        assert started.wait(30)

        async def second():
            await client.jobs.search(page_size=1)

        with pytest.raises(RuntimeError, match="another event loop"):
            asyncio.run(asyncio.wait_for(second(), 30))
    finally:
        release.set()
        other.join(30)
    assert asyncio.run(client.jobs.search(page_size=1)).total > 0  # that loop is gone now
    asyncio.run(client.close())


_SHARED: dict = {}


@pytest.fixture
def shared_client(sandbox):
    if "client" not in _SHARED:
        _SHARED["client"] = AsyncJoboClient(sandbox.keys["full"], base_url=sandbox.base_url,
                                            ca_bundle=sandbox.ca_cert)
    return _SHARED["client"]


@pytest.mark.asyncio
@pytest.mark.parametrize("turn", [1, 2, 3])
async def test_one_client_across_pytest_asyncios_loop_per_test(shared_client, turn):
    result = await shared_client.jobs.search("engineer", page_size=turn)
    assert len(result.jobs) == turn
    assert shared_client._loop_t.loop is asyncio.get_running_loop()


def test_a_kept_alive_connection_stays_watched_between_transfers(run, make_async):
    """The loop's reader of an idle kept-alive connection is kept for its next
    transfer (no add_reader/remove_reader per request), on one connection."""
    client = make_async()

    async def main():
        seen = []
        for _ in range(4):
            raw = await client.jobs.with_raw_response.search("engineer", page_size=1)
            multi = client._loop_t.multi
            seen.append((raw.headers.get("x-connection-id"), multi.sockets, multi.registered))
        await client.close()
        return seen, (multi.sockets, multi.registered, multi.closed)

    seen, closed = run(main)
    assert len({conn for conn, _, _ in seen}) == 1, seen  # one connection, reused
    assert [(s, r) for _, s, r in seen] == [(0, 1)] * 4  # idle, still registered
    assert closed == (0, 0, True)


def test_concurrent_calls_reuse_their_easy_handles_round_after_round(run, make_async):
    """Each transfer takes an easy handle from the client's pool. The pool keeps as
    many as max_connections, so a steady load of 40 calls at a time builds 40 handles
    once, not 24 more per round (it kept 16). No handle builds a multi handle of its
    own: the loop's multi handle runs them all."""
    client = make_async(max_connections=40)

    async def rounds():
        made = []
        for _ in range(3):
            results = await asyncio.gather(*[
                client.jobs.search("engineer", page_size=1, include_facets=[])
                for _ in range(40)])
            assert all(len(r.jobs) == 1 for r in results)
            made.append(client._transport._pool())
        await client.close()
        return made

    made = run(rounds)
    # (the first round may finish a call before its last one starts, and reuse it)
    assert made[-1]["made"] == made[-2]["made"] <= 40, made
    assert made[-1]["capacity"] == 40 and made[-1]["idle"] == made[-1]["made"]
    assert made[-1]["multis"] == 0


def test_an_idle_connection_the_server_closes_leaves_the_loop(run):
    """A parked reader whose socket turns readable (the server closed it) is
    removed then; the next call opens a new connection."""
    body = json.dumps({"jobs": [], "total": 0, "page": 1, "page_size": 1,
                       "total_pages": 0}).encode()
    answer = rawserver.http_response(200, {"Content-Type": "application/json",
                                           "Connection": "keep-alive"}, body)
    with rawserver.RawServer(lambda request: answer) as server:  # closes after answering
        client = AsyncJoboClient(fake_key("jbe_test_IdleConnectionKey0123456789"),
                                 base_url=server.base_url, ca_bundle=server.ca_cert,
                                 max_retries=0)

        async def main():
            first = await client.jobs.search("x", page_size=1)
            multi = client._loop_t.multi
            deadline = time.monotonic() + 10
            while multi.registered and time.monotonic() < deadline:
                await asyncio.sleep(0.02)  # the server's close arrives as an event
            parked = (multi.sockets, multi.registered)
            second = await client.jobs.search("x", page_size=1)
            await client.close()
            return first, parked, second

        first, parked, second = run(main)
        assert parked == (0, 0)
        assert first.total == second.total == 0 and server.connections == 2


def test_a_timeout_libcurl_moved_later_still_fires(run, make_async):
    """libcurl's timer handle is kept when its timeout moves later (a transfer
    with an earlier timeout finished): it fires early, re-arms, and the later
    timeout still ends its transfer on time."""
    client = make_async(spec=f"delay=5000,match=zzslow,id=t{next(_ids)}", max_retries=0)

    async def main():
        slow = asyncio.ensure_future(client.jobs.search("zzslow", page_size=1, timeout=1.5))
        fast = await client.jobs.search("python", page_size=1, timeout=1.0)
        started = time.perf_counter()
        with pytest.raises(JoboTimeoutError):
            await slow
        return fast, time.perf_counter() - started

    fast, waited = run(main)
    assert len(fast.jobs) == 1
    assert waited < 4.0, waited  # at 1.5 s from the start, not at the server's 5 s


# -- 3. cancellation -------------------------------------------------------------------

def test_cancelling_a_call_removes_its_transfer_at_once(run, sandbox, make_async):
    """Contract: CancelledError within 10 ms; the connection is closed, not reused."""
    slow = make_async(spec=f"delay=5000,id=c{next(_ids)}")

    async def main():
        task = asyncio.ensure_future(slow.jobs.search("python", page_size=1))
        await asyncio.sleep(0.3)  # the request is at the server, which holds it
        multi = slow._loop_t.multi
        assert multi.pending == 1 and multi.sockets == 1
        started = time.perf_counter()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        took = time.perf_counter() - started
        after = (multi.pending, multi.sockets)
        # a timeout that expires cancels the same way
        started = time.perf_counter()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(slow.jobs.search("python", page_size=1), 0.3)
        expired = time.perf_counter() - started
        return took, after, expired, (multi.pending, multi.sockets)

    took, after, expired, finally_ = run(main)
    assert took < (1.0 if ASAN else 0.25), took
    assert after == (0, 0)  # taken off, and its connection closed (not kept for reuse)
    assert expired < 1.0 and finally_ == (0, 0)


def test_a_cancelled_call_is_not_charged_and_the_server_sees_the_client_go(run, sandbox,
                                                                           make_async):
    key = sandbox.create_key("full", credits=1000)
    token = f"g{next(_ids)}"
    client = AsyncJoboClient(key, base_url=sandbox.fault_url(f"delay=1500,id={token}"),
                             ca_bundle=sandbox.ca_cert)
    before = stats(sandbox.base_url, sandbox.ca_cert)["connections"]["https"]

    async def main():
        task = asyncio.ensure_future(client.jobs.search("python", page_size=5))
        await asyncio.sleep(0.3)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await asyncio.sleep(1.6)  # the delay ends: the server finds the connection gone
        result = await client.jobs.search("python", page_size=5)  # a new connection
        await client.close()
        return result

    result = run(main)
    assert len(result.jobs) == 5
    after = stats(sandbox.base_url, sandbox.ca_cert)["connections"]["https"] - 1
    assert after - before >= 2  # the cancelled one was closed, not reused
    assert sandbox.fault_requests(token) == 2


def test_asyncio_run_returns_promptly_with_50_calls_in_flight(run, make_async):
    """Contract: within 0.1 s of main returning (the to_thread workaround took 4 s)."""
    client = make_async(spec=f"delay=10000,after=1,id=r{next(_ids)}")
    marks = {}

    async def main():
        # the first answer (served at once) sets the rate-limit pacing up
        await client.jobs.search("python", page_size=1)
        for _ in range(50):
            asyncio.ensure_future(client.jobs.search("python", page_size=1))
        await asyncio.sleep(0.5)
        marks["multi"] = client._loop_t.multi
        assert marks["multi"].pending == 50
        marks["returned"] = time.perf_counter()

    run(main)
    took = time.perf_counter() - marks["returned"]
    assert took < (3.0 if ASAN else 0.5), took
    assert marks["multi"].pending == 0


def test_an_explicit_window_opens_at_once_as_in_the_sync_client(run, make_async, sandbox):
    """A new client: the opening of ``prefetch=8`` goes along with the rate-limit
    probe (page 1, held 2.5 s by the server), not after its answer."""
    token = f"open{next(_ids)}"
    client = make_async(spec=f"delay=2500,times=1,id={token}")

    async def main():
        pages = client.jobs.iter_pages(page_size=5, max_items=40, prefetch=8)
        first = asyncio.ensure_future(pages.__anext__())
        await asyncio.sleep(1.5)
        held = sandbox.fault_requests(token)
        rest = [(await first).page] + [page.page async for page in pages]
        return held, rest

    held, pages = run(main)
    assert held == 8 and pages == list(range(1, 9))
    assert sandbox.fault_requests(token) == 8


def test_cancelling_an_async_for_over_a_prefetching_iterator_cancels_its_transfers(
        run, make_async):
    client = make_async(spec=f"delay=3000,after=1,id=p{next(_ids)}")

    async def main():
        seen = []

        async def scan():
            async for page in client.jobs.iter_pages(queries=["engineer"], page_size=5,
                                                     prefetch=8):
                seen.append(page)

        task = asyncio.ensure_future(scan())
        while not seen:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)
        multi = client._loop_t.multi
        in_flight = multi.pending
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await asyncio.sleep(0)  # the cancelled page tasks run their last step
        return in_flight, multi.pending

    in_flight, left = run(main)
    assert in_flight == 8 and left == 0


def test_ctrl_c_in_asyncio_run_raises_keyboard_interrupt_promptly(sandbox):
    """Contract: KeyboardInterrupt within 0.25 s."""
    script = (
        "import asyncio, os, sys\n"
        "from jobo_enterprise import AsyncJoboClient\n"
        "async def main():\n"
        "    client = AsyncJoboClient(base_url=sys.argv[1], ca_bundle=sys.argv[2])\n"
        "    task = asyncio.ensure_future(client.jobs.search('x'))\n"
        "    await asyncio.sleep(0.3)\n"
        "    print('ready', flush=True)\n"
        "    await task\n"
        "asyncio.run(main())\n")
    env = dict(os.environ, PYTHONPATH=ROOT, JOBO_API_KEY=sandbox.keys["full"])
    proc = subprocess.Popen(
        [sys.executable, "-c", script, sandbox.fault_url(f"delay=20000,id=k{next(_ids)}"),
         sandbox.ca_cert], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    took = time.perf_counter() - started
    assert "KeyboardInterrupt" in err and proc.returncode != 0
    assert took < 2.0, took  # the interpreter's own exit included
    assert sandbox.keys["full"] not in err


# -- 4. under load ---------------------------------------------------------------------

def sandbox_process(jobs):
    """A sandbox in its own process, so the load measures the client against a server
    that does not share its interpreter: yields its JSON description."""
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.Popen([sys.executable, "-m", "jobo_enterprise_sandbox", "--jobs",
                             str(jobs)],
                            stdout=subprocess.PIPE, text=True, env=env)
    try:
        yield json.loads(proc.stdout.readline())
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def remote_sandbox():
    yield from sandbox_process(500)


@pytest.fixture(scope="module")
def feed_sandbox():
    """One with 1,000 jobs: a feed page of them is 5.1 MB of JSON."""
    yield from sandbox_process(1000)


def test_a_thousand_concurrent_searches_over_at_most_max_connections(run, remote_sandbox):
    base, ca = remote_sandbox["base_url"], remote_sandbox["ca_cert"]
    before = stats(base, ca)["connections"]["https"]

    async def main():
        async with AsyncJoboClient(remote_sandbox["keys"]["full"], base_url=base,
                                   ca_bundle=ca, max_connections=16) as client:
            results = await asyncio.gather(*[
                client.jobs.search("engineer", page_size=2, include_facets=[])
                for _ in range(1000)])
            return results, client._loop_t.multi.completed

    results, completed = run(main)
    opened = stats(base, ca)["connections"]["https"] - before - 1  # less this stats call's
    assert len(results) == 1000 and all(len(r.jobs) == 2 for r in results)
    assert completed == 1000
    assert 1 <= opened <= 16, opened


def test_a_large_body_is_parsed_off_the_loop(run, feed_sandbox):
    """Contract: a 10 ms heartbeat keeps >= 90% of its ticks while 100 transfers run
    and a 5 MB page is parsed. Here: six real 1,000-job feed pages (5.1 MB each) are
    fetched and parsed while 100 transfers are held open, and the ticks are counted
    over exactly that time. The parse runs on a helper thread; the loop still
    receives each page (libcurl's reads, callbacks of 2-6 ms). On a shared 2-core
    machine (load average 1.5-3, where the server, the helper thread and the loop
    compete for the cores) 70-92% of the ticks are kept, the longest gap 15-45 ms.
    Asserted with a loaded machine's margin: half the ticks, no gap over 0.15 s (a
    5 MB parse on the loop would hold it for longer); an ASan build a quarter and a
    second. The server runs in its own process: in this one its threads would take
    the GIL from the loop."""
    base, ca, key = (feed_sandbox["base_url"], feed_sandbox["ca_cert"],
                     feed_sandbox["keys"]["full"])
    big = AsyncJoboClient(key, base_url=base, ca_bundle=ca)
    held = AsyncJoboClient(key, base_url=f"{base}/__fault/delay=10000,after=1", ca_bundle=ca,
                           max_connections=100)

    async def main():
        await held.jobs.search("engineer", page_size=1)  # pacing set up, then held
        running = [asyncio.ensure_future(held.jobs.search("engineer", page_size=2))
                   for _ in range(100)]
        multi = held._loop_t.multi
        deadline = time.monotonic() + 30
        while multi.sockets < 100 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)  # all 100 connected (slow under ASan)
        await asyncio.sleep(0.1)
        assert multi.pending == 100 and multi.sockets == 100
        beats = []

        async def heartbeat():
            last = time.perf_counter()
            while True:
                await asyncio.sleep(0.01)
                now = time.perf_counter()
                beats.append((now, now - last))
                last = now

        beat = asyncio.ensure_future(heartbeat())
        await asyncio.sleep(0.05)  # beating
        started = time.perf_counter()
        pages = [await big.feed.get_jobs(batch_size=1000) for _ in range(6)]
        ended = time.perf_counter()
        beat.cancel()
        still = held._loop_t.multi.pending
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        await big.close()
        await held.close()
        during = [gap for at, gap in beats if started < at <= ended]
        return pages, len(during), max(during, default=ended - started), ended - started, still

    pages, ticks, worst, took, still = run(main)
    assert [len(p.jobs) for p in pages] == [1000] * 6  # 5.1 MB of JSON each
    assert still == 100  # the 100 transfers ran all along
    assert ticks >= (0.25 if ASAN else 0.5) * took / 0.01, (ticks, took)
    assert worst < (1.0 if ASAN else 0.15), worst


LEAK_TOTAL = 20_000


def test_twenty_thousand_async_calls_a_third_cancelled_do_not_leak(remote_sandbox):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.path.dirname(__file__),
               JOBO_API_KEY=remote_sandbox["keys"]["full"])
    script = ("import json, sys; from test_async import async_leak_loop; "
              "print(json.dumps(async_leak_loop(*sys.argv[1:])))")
    proc = subprocess.run(
        [sys.executable, "-c", script, remote_sandbox["base_url"], remote_sandbox["ca_cert"]],
        env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-4000:]
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert found["ok"] >= 0.6 * LEAK_TOTAL and found["cancelled"] >= 0.25 * LEAK_TOTAL
    # traced memory: what the first rounds after warm-up fill (the key cache, the
    # loop's and the transport's pools) levels off; the second half adds nothing
    # per call (64 KB over 9,000 calls is under 8 bytes a call)
    assert found["grown"] < 512 * 1024, found
    assert found["grown_late"] < 64 * 1024, found
    assert found["pending"] == 0
    # exact counts, as in test_leaks: the live Python objects (one leaked per call
    # would add 18,000) and glibc's bytes in use (the C core, libcurl, OpenSSL)
    assert found["blocks"] < 4000, found["blocks"]
    assert found["heap"] < 384 * 1024, found["heap"]
    if os.environ.get("JOBO_SANITIZER") == "asan":
        return  # ASan's quarantine grows the resident set by design (see test_leaks)
    # the resident set as a coarse guard only: pymalloc pools pinned by the objects
    # that live across rounds grow it by 2-3.5 MB before it levels off (see test_leaks)
    rss = found["rss"]
    assert rss[-1] - rss[0] < 8192, rss


def async_leak_loop(base: str, ca: str) -> dict:
    """In a fresh interpreter: 20,000 searches in rounds of 100 concurrent ones, 30%
    of them cancelled while in flight; traced growth after warm-up and RSS samples."""
    import gc
    import tracemalloc

    from test_leaks import _c_heap_bytes

    client = AsyncJoboClient(base_url=base, ca_bundle=ca, max_connections=20)
    slow = AsyncJoboClient(base_url=f"{base}/__fault/delay=2000", ca_bundle=ca,
                           max_connections=40)
    found = {"ok": 0, "cancelled": 0}

    async def one_round():
        fast = [asyncio.ensure_future(client.jobs.search("engineer", page_size=2,
                                                         include_facets=[]))
                for _ in range(70)]
        doomed = [asyncio.ensure_future(slow.jobs.search("engineer", page_size=1))
                  for _ in range(30)]
        await asyncio.sleep(0.005)
        for task in doomed:
            task.cancel()
        for result in await asyncio.gather(*fast, *doomed, return_exceptions=True):
            if isinstance(result, asyncio.CancelledError):
                found["cancelled"] += 1
            elif isinstance(result, SearchResult):
                found["ok"] += 1

    async def main():
        rss = []
        for _ in range(20):
            await one_round()
        gc.collect()
        base_blocks, base_heap = sys.getallocatedblocks(), _c_heap_bytes()
        tracemalloc.start(10)
        base_traced = tracemalloc.get_traced_memory()[0]
        rounds = LEAK_TOTAL // 100
        for i in range(20, rounds):
            await one_round()
            if i == 20 + (rounds - 20) // 2:
                gc.collect()
                half_traced = tracemalloc.get_traced_memory()[0]
            if i % 10 == 0:
                with open("/proc/self/statm") as fh:
                    rss.append(int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024)
        gc.collect()
        traced = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        gc.collect()
        blocks, heap = sys.getallocatedblocks() - base_blocks, _c_heap_bytes() - base_heap
        pending = client._loop_t.multi.pending + slow._loop_t.multi.pending
        await client.close()
        await slow.close()
        return dict(found, grown=traced - base_traced, grown_late=traced - half_traced,
                    rss=rss, pending=pending, blocks=blocks, heap=heap)

    return asyncio.run(main())


@pytest.mark.parametrize("handshake, cls, code, attempts", [
    ("reset", JoboConnectionError, "connection_reset", 3),  # transient: retried
    ("plain", JoboTLSError, "tls_error", 1),  # the peer's verdict: never retried
])
def test_a_broken_handshake_is_classified_as_in_the_sync_client(run, handshake, cls, code,
                                                                 attempts):
    with rawserver.RawServer(handshake=handshake) as server:
        client = AsyncJoboClient(fake_key("jbe_test_BrokenHandshakeKey0123456789"),
                                 base_url=server.base_url, ca_bundle=server.ca_cert,
                                 max_retries=2)

        async def main():
            try:
                with pytest.raises(cls) as info:
                    await client.jobs.search("x", page_size=1)
            finally:
                await client.aclose()
            return info.value

        error = run(main)
        assert server.connections == attempts
    assert type(error) is cls and error.code == code
