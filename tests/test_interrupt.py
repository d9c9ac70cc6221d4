"""Ctrl-C lands as KeyboardInterrupt within 0.25 s, whatever the call is doing.

Each case runs a child process that blocks in a call (TLS handshake, waiting
for headers, receiving a body, sleeping between retries); the test sends it
SIGINT and compares the child's CLOCK_MONOTONIC when KeyboardInterrupt arrived
with its own at the kill (the clock is system-wide). The child then makes a
normal call on the same client to show it is still usable.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from keys import fake_key
from rawserver import RawServer, http_response

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEY = fake_key("jbe_test_InterruptKey0123456789ab")

CHILD = textwrap.dedent(
    """
    import json, sys, time
    from jobo_enterprise import JoboClient, JoboError
    cfg = json.loads(sys.argv[1])
    client = JoboClient(cfg["key"], base_url=cfg["base_url"], ca_bundle=cfg["ca"],
                        timeout=60, connect_timeout=60, max_retries=cfg["retries"], max_wait=120)
    print("ready", flush=True)
    try:
        client.jobs.search("x")
        print(json.dumps({"outcome": "returned"}), flush=True)
    except KeyboardInterrupt:
        at = time.monotonic()
        # the same client, a normal call, against a server that answers
        client2_base = cfg["ok_url"]
        usable = None
        try:
            ok = JoboClient(cfg["key"], base_url=client2_base, ca_bundle=cfg["ca"], max_retries=0)
            usable = ok.jobs.search("y").total
            if cfg["again"]:
                client.jobs.search("again", timeout=0.3)
        except JoboError as exc:
            usable = [usable, type(exc).__name__]
        print(json.dumps({"outcome": "interrupted", "at": at, "usable": usable}), flush=True)
    except JoboError as exc:
        print(json.dumps({"outcome": "sdk-error", "error": type(exc).__name__}), flush=True)
    """
)

OK_BODY = json.dumps({"jobs": [], "total": 3, "page": 1, "page_size": 25,
                      "total_pages": 1, "facets": {}}).encode()


def _interrupt(server: RawServer, ok: RawServer, retries: int = 0, settle: float = 0.6,
               again: bool = True) -> dict:
    cfg = {"key": KEY, "base_url": server.base_url.replace("http://", "https://"),
           "ca": ok.ca_cert, "ok_url": ok.base_url, "retries": retries, "again": again}
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("JOBO_API_KEY", None)
    child = subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(cfg)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout.readline().strip() == "ready"
        time.sleep(settle)  # let it reach the blocking state
        assert child.poll() is None, child.stderr.read()
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        line = child.stdout.readline()
        child.wait(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert line, child.stderr.read()
    result = json.loads(line)
    result["latency"] = result.get("at", sent) - sent
    return result


@pytest.fixture
def ok_server():
    with RawServer(lambda r: http_response(200, {"Content-Type": "application/json"}, OK_BODY)) as s:
        yield s


def _check(result: dict) -> None:
    assert result["outcome"] == "interrupted", result
    assert result["latency"] < 0.25, result
    # usable afterwards: a good call succeeds; the stuck server times out typed
    assert result["usable"] == [3, "JoboTimeoutError"], result


def test_interrupt_during_tls_handshake(ok_server):
    with RawServer(lambda r: None, tls=False) as server:  # accepts TCP, never speaks TLS
        _check(_interrupt(server, ok_server))


def test_interrupt_while_waiting_for_headers(ok_server):
    with RawServer(lambda r: None) as server:
        _check(_interrupt(server, ok_server))


def test_interrupt_while_receiving_the_body(ok_server):
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n"
    with RawServer(lambda r: (head + b'{"jobs": [', "hold")) as server:
        _check(_interrupt(server, ok_server))


def test_interrupt_while_sleeping_between_retries(ok_server):
    busy = http_response(503, {"Retry-After": "30"}, b'{"error":"busy"}')
    with RawServer(lambda r: busy) as server:
        result = _interrupt(server, ok_server, retries=3, settle=0.8, again=False)
    assert result["outcome"] == "interrupted", result
    assert result["latency"] < 0.25, result
    assert result["usable"] == 3, result
    assert server.connections == 1  # interrupted during the 30 s wait, before a retry
