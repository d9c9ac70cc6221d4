"""Leak loop: 20,000 mixed calls through the C core (successes, 401, 429, 500,
malformed JSON, timeouts) against a sandbox in another process, so that only
the client's memory is measured. After warm-up, memory traced by tracemalloc
grows by less than 256 KB, the live Python objects and the C heap stay at their
warm-up level, and the resident set stays within a bound.

The loop runs in a fresh interpreter of its own: in the test process, whatever
earlier tests imported and freed (pandas, pyarrow, Dask, a kernel client: hundreds
of MB) leaves a fragmented heap whose occasional growth steps are not ours."""

from __future__ import annotations

import gc
import json
import os
import signal
import subprocess
import sys
import tracemalloc

import pytest

from jobo_enterprise import JoboClient, JoboError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOTAL = 20_000
WARMUP = 2_000


def _c_heap_bytes() -> int:
    """Bytes the C allocator (glibc malloc) has handed out and not had back: what
    libcurl, OpenSSL, cJSON and the C core hold, whatever the pages look like."""
    import ctypes

    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
            "uordblks", "fordblks", "keepcost")]

    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = MallInfo2
    info = libc.mallinfo2()
    return info.uordblks + info.hblkhd


def _rss_kb() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


@pytest.fixture(scope="module")
def remote_sandbox():
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.Popen([sys.executable, "-m", "jobo_enterprise_sandbox", "--jobs", "500"],
                            stdout=subprocess.PIPE, text=True, env=env)
    try:
        info = json.loads(proc.stdout.readline())
        yield info
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_twenty_thousand_mixed_calls_do_not_leak(remote_sandbox):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.path.dirname(__file__),
               JOBO_API_KEY=remote_sandbox["keys"]["full"])  # not on the command line
    script = ("import json, os, sys; from test_leaks import leak_loop; "
              "print(json.dumps(leak_loop(*sys.argv[1:], os.environ['JOBO_API_KEY'])))")
    proc = subprocess.run(
        [sys.executable, "-c", script, remote_sandbox["base_url"], remote_sandbox["ca_cert"]],
        env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    outcomes, grown, rss = found["outcomes"], found["grown"], found["rss"]

    assert outcomes["ok"] >= 0.55 * TOTAL and outcomes["timeout"] == TOTAL // 200
    assert outcomes["error"] >= 0.35 * TOTAL
    assert grown < 256 * 1024, f"traced memory grew by {grown} bytes"
    if os.environ.get("JOBO_SANITIZER") == "asan":
        # ASan keeps freed memory in its quarantine (hundreds of MB) and so makes the
        # resident set grow by design; the traced-memory bound above still holds, and
        # scripts/valgrind.sh checks the C core's own frees
        return
    # What the loop leaves alive, counted exactly rather than read off the page count:
    # Python objects (pymalloc's live blocks: a leak of one object per call would add
    # 18,000) and the C heap (glibc's bytes in use: libcurl, OpenSSL, cJSON and the C
    # core; tracemalloc's own tables account for about 120 KB of it). Both stay at
    # what warm-up left behind, whatever the number of calls.
    assert found["blocks"] < 4000, f"{found['blocks']} more live Python objects"
    assert found["heap"] < 384 * 1024, f"the C heap grew by {found['heap']} bytes"
    # The resident set is only bounded, not asked to be flat: objects that live across
    # calls (each client's last usage, the attempts ring) pin pymalloc pools among
    # short-lived ones, and the pages so touched grow over the first ~150,000 calls
    # to a plateau of about 1.6 MB (measured over 200,000 calls), by an amount that
    # depends on the hash seed. A slope fitted to this ramp was no leak test.
    assert rss[-1] - rss[0] < 2048, rss


def leak_loop(base: str, ca: str, key: str) -> dict:
    """The loop itself, in the child: outcomes, traced growth, RSS samples (KB)."""

    def client(spec=None, **kw):
        url = base if spec is None else f"{base}/__fault/{spec}"
        kw.setdefault("max_retries", 0)
        return JoboClient(key, base_url=url, ca_bundle=ca, **kw)

    ok = client()
    failing = [client("status=401"), client("status=429,retry_after=100", max_wait=0),
               client("status=500"), client("malformed")]
    slow = client("delay=200", timeout=0.02)
    outcomes = {"ok": 0, "error": 0, "timeout": 0}

    def call(i: int) -> None:
        try:
            if i % 200 == 199:
                slow.jobs.search(page_size=1, include_facets=[])
            elif i % 10 < 6:
                ok.jobs.search("engineer", page_size=2, include_facets=[])
                outcomes["ok"] += 1
            else:
                failing[i % 10 - 6].jobs.search(page_size=1)
        except JoboError as exc:
            outcomes["timeout" if i % 200 == 199 else "error"] += 1
            del exc

    for i in range(WARMUP):
        call(i)
    gc.collect()
    base_blocks, base_heap = sys.getallocatedblocks(), _c_heap_bytes()
    tracemalloc.start(10)
    base_traced = tracemalloc.get_traced_memory()[0]
    rss = []
    for i in range(WARMUP, TOTAL):
        call(i)
        if i % 1000 == 0:
            rss.append(_rss_kb())
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - base_traced
    tracemalloc.stop()
    gc.collect()
    return {"outcomes": outcomes, "grown": grown, "rss": rss,
            "blocks": sys.getallocatedblocks() - base_blocks,
            "heap": _c_heap_bytes() - base_heap}
