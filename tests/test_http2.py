"""HTTP/2: the sandbox's h2 mode, the client's http_version option, and each fault's
h2 form giving the same typed outcome and retry decision as its HTTP/1.1 form.

Tests taking ``sandbox`` (or ``faulty``) run against both sandboxes (see conftest):
the HTTP/1.1-only one and the one offering h2, where the clients speak HTTP/2.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
import types

import h2.config
import h2.connection
import h2.events
import pytest

from jobo_enterprise import (
    AsyncJoboClient,
    JoboClient,
    JoboConfigurationError,
    JoboConnectionError,
    JoboNotFoundError,
    JoboTimeoutError,
)
from jobo_enterprise._retry import is_retryable
from jobo_enterprise_sandbox import Sandbox
from test_interrupt import KEY, _interrupt

HTTP_VERSIONS = ("1.1", "2")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_ids = itertools.count(1)


@pytest.fixture
def faulty(sandbox):
    """faulty(spec, **options) -> (client, count): a client whose calls go through the
    fault spec, and the requests the server saw for it."""
    made = []

    def make(spec: str, **kw):
        token = f"h{next(_ids)}x{int(time.time() * 1000) % 100000}"
        kw.setdefault("ca_bundle", sandbox.ca_cert)
        client = JoboClient(sandbox.keys["full"],
                            base_url=sandbox.fault_url(f"{spec},id={token}"), **kw)
        made.append(client)
        return client, lambda: sandbox.fault_requests(token)

    yield make
    for c in made:
        c.close()


def _versions(client) -> list:
    return [a["http_version"] for a in client.diagnostics()["attempts"]]


# ------------------------------------------------------------------ the version spoken

def test_auto_speaks_what_the_server_offers_and_diagnostics_show_it(make_client, sandbox,
                                                                    http_version):
    client = make_client()
    before = sandbox.stats()["h2"]["streams"]
    client.jobs.search("engineer", page_size=2)
    with pytest.raises(JoboNotFoundError):
        client.jobs.get("00000000-0000-4000-8000-000000000000")
    info = client.diagnostics()
    assert info["http_version"] == "auto"
    assert [(a["http_version"], a["status"], a["error"]) for a in info["attempts"]] == [
        (http_version, 200, None), (http_version, 404, "JoboNotFoundError")]
    assert all(a["request_id"].startswith("req_") for a in info["attempts"])
    # each attempt's time, from the request to the answer's last byte
    assert all(isinstance(a["elapsed"], float) and 0 < a["elapsed"] < 30
               for a in info["attempts"])
    assert sandbox.stats()["h2"]["streams"] - before == (2 if sandbox.http2 else 0)


def test_usage_headers_and_request_id_read_the_same_over_both_versions(make_client, sandbox):
    client = make_client()
    result = client.jobs.search("engineer", page_size=1)
    usage = result.usage if hasattr(result, "usage") else client.usage
    assert client.usage.request_id.startswith("req_")
    assert client.usage.credits_used == 1
    assert client.usage.credits_remaining is not None
    assert client.usage.rate_limit_limit and client.usage.rate_limit_remaining is not None
    assert client.usage.rate_limit_reset is not None and client.usage.date is not None
    assert usage is not None


def test_pinning_1_1_speaks_http_1_1_to_an_h2_server(make_client, sandbox):
    client = make_client(http_version="1.1")
    assert client.http_version == "1.1"
    client.jobs.search("engineer", page_size=1)
    assert _versions(client) == ["1.1"]


def test_pinning_2_refuses_a_server_that_refuses_h2(make_client, sandbox, faulty):
    client, count = faulty("status=200", http_version="2", max_retries=2)
    if sandbox.http2:
        client.jobs.search("engineer", page_size=1)
        assert _versions(client) == ["2"]
        return
    # the HTTP/1.1-only sandbox is the server that refuses h2: "auto" falls back ...
    fallback = make_client()
    fallback.jobs.search("engineer", page_size=1)
    assert _versions(fallback) == ["1.1"]
    # ... and "2" raises a typed, final error: no retry
    with pytest.raises(JoboConnectionError) as info:
        client.jobs.search("engineer", page_size=1)
    assert info.value.code == "http2_refused" and not is_retryable(info.value)
    assert "HTTP/1.1" in str(info.value) and count() == 1


@pytest.mark.parametrize("bad", ["3", "h2", 2, "", None, "HTTP/2"])
def test_a_bad_http_version_is_a_configuration_error(bad):
    with pytest.raises(JoboConfigurationError, match="http_version"):
        JoboClient("jbe_test_HttpVersionKey0123456789", base_url="https://127.0.0.1:9",
                   http_version=bad)


def test_the_debug_log_names_the_version_of_each_attempt(faulty, http_version, caplog):
    client, _ = faulty("status=503,times=1")
    with caplog.at_level("DEBUG", logger="jobo_enterprise"):
        client.jobs.search("engineer", page_size=1)
    lines = [r.getMessage() for r in caplog.records if "/api/jobs" in r.getMessage()
             and "->" in r.getMessage()]
    assert len(lines) == 2, lines
    assert "JoboServerError over HTTP/" + http_version in lines[0]
    assert "-> 200 over HTTP/" + http_version in lines[1]


# ------------------------------------------------------------------ faults, both versions

def test_a_reset_before_any_response_is_retried(faulty):
    client, count = faulty("refuse,times=1", max_retries=2)
    assert client.jobs.search("engineer", page_size=1).total >= 0
    assert count() == 2


def test_a_reset_before_any_response_every_time_ends_as_a_retryable_connection_error(faulty):
    client, count = faulty("refuse", max_retries=1)
    with pytest.raises(JoboConnectionError) as info:
        client.jobs.search("engineer", page_size=1)
    assert is_retryable(info.value), info.value.code
    assert info.value.status_code is None and info.value.retries_taken == 1
    assert count() >= 2


@pytest.mark.parametrize("spec", ["reset", "truncate"])
def test_a_reset_after_the_response_began_is_a_final_connection_error(faulty, spec,
                                                                      http_version):
    client, count = faulty(spec, max_retries=2)
    with pytest.raises(JoboConnectionError) as info:
        client.jobs.search("engineer", page_size=1)
    assert not is_retryable(info.value), info.value.code
    assert count() == 1  # never sent again: the server may have acted on it
    assert _versions(client) == [http_version]


def test_a_stalled_stream_times_out_and_the_connection_stays_usable(faulty, sandbox):
    client, count = faulty("stall,times=1", read_timeout=0.5, max_retries=2)
    started = time.monotonic()
    with pytest.raises(JoboTimeoutError) as info:
        client.jobs.search("engineer", page_size=5)
    assert time.monotonic() - started < 10 and count() == 1
    assert not is_retryable(info.value)  # the answer had begun
    before = sandbox.stats()["connections"]["https"]
    assert client.jobs.search("engineer", page_size=1).total >= 0
    # over h2 only the stream was dropped: the next call rides the same connection;
    # over HTTP/1.1 the stalled connection had to be closed
    assert sandbox.stats()["connections"]["https"] - before == (0 if sandbox.http2 else 1)


def test_goaway_after_n_requests_moves_the_client_to_a_new_connection(faulty, sandbox,
                                                                      http_version):
    client, count = faulty("goaway=2")
    before = sandbox.stats()
    for _ in range(5):
        client.jobs.search("engineer", page_size=1)
    after = sandbox.stats()
    assert count() == 5 and _versions(client) == [http_version] * 5
    # requests 1-2 on one connection, 3-4 on a second, 5 on a third
    assert after["connections"]["https"] - before["connections"]["https"] == 3
    assert after["h2"]["goaways"] - before["h2"]["goaways"] == (2 if sandbox.http2 else 0)


# ------------------------------------------------------------------ the h2 server itself

def _h2_connect(sb):
    ctx = ssl.create_default_context(cafile=sb.ca_cert)
    ctx.set_alpn_protocols(["h2"])
    host, port = sb.base_url.split("//")[1].rsplit(":", 1)
    sock = ctx.wrap_socket(socket.create_connection((host, int(port)), timeout=5),
                           server_hostname=host)
    assert sock.selected_alpn_protocol() == "h2"
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True,
                                                                header_encoding="utf-8"))
    conn.initiate_connection()
    sock.sendall(conn.data_to_send())
    return sock, conn


def _h2_read(sock, conn, until, seconds: float):
    """Read frames until ``until(got, ended)`` or ``seconds`` pass; returns (status by
    stream, body by stream, ended streams). Received data is acknowledged, so the
    server's windows reopen."""
    status: dict = {}
    got: dict = {}
    ended: set = set()
    deadline = time.monotonic() + seconds
    while not until(got, ended) and time.monotonic() < deadline:
        data = sock.recv(1 << 16)
        if not data:
            break
        for ev in conn.receive_data(data):
            if isinstance(ev, h2.events.ResponseReceived):
                status[ev.stream_id] = dict(ev.headers)[":status"]
            elif isinstance(ev, h2.events.DataReceived):
                got[ev.stream_id] = got.get(ev.stream_id, b"") + ev.data
                conn.acknowledge_received_data(ev.flow_controlled_length, ev.stream_id)
            elif isinstance(ev, h2.events.StreamEnded):
                ended.add(ev.stream_id)
        sock.sendall(conn.data_to_send())
    return status, got, ended


def test_a_stalled_stream_does_not_hold_up_the_other_streams_of_its_connection():
    with Sandbox(seed=2, jobs=30, http_port=None, http2=True) as sb:
        sock, conn = _h2_connect(sb)
        key = sb.keys["full"]
        for sid, path in ((1, "/__fault/stall/api/jobs?page_size=5"),
                          (3, "/api/jobs?page_size=1")):
            conn.send_headers(sid, [(":method", "GET"), (":scheme", "https"),
                                    (":authority", "localhost"), (":path", path),
                                    ("x-api-key", key)], end_stream=True)
        sock.sendall(conn.data_to_send())
        status, got, ended = _h2_read(sock, conn, lambda got, ended: 3 in ended and got.get(1),
                                      5)
        sock.close()
        assert status == {1: "200", 3: "200"}
        assert 3 in ended and 1 not in ended  # the stalled one is still open
        assert json.loads(got[3])["jobs"] and 0 < len(got[1])
        assert sb.stats()["h2"] == {"connections": 1, "streams": 2, "resets": 0, "goaways": 0}


def test_the_streams_of_one_h2_connection_are_served_concurrently():
    """Eight requests at once on one connection, each answered after 400 ms of
    latency: served one after another they would take 3.2 s. Their bodies (several
    DATA frames each, within the client's 64 KiB windows, which it reopens as it
    reads) arrive whole and in the right order of bytes."""
    with Sandbox(seed=2, jobs=400, http_port=None, http2=True, latency_ms=400) as sb:
        sock, conn = _h2_connect(sb)
        key = sb.keys["full"]
        streams = {}
        started = time.monotonic()
        for page in range(1, 9):
            sid = 2 * page - 1
            streams[sid] = page
            conn.send_headers(sid, [(":method", "GET"), (":scheme", "https"),
                                    (":authority", "localhost"),
                                    (":path", f"/api/jobs?page_size=50&page={page}"),
                                    ("x-api-key", key)], end_stream=True)
        sock.sendall(conn.data_to_send())
        sock.settimeout(10)
        _, got, ended = _h2_read(sock, conn, lambda got, ended: len(ended) == len(streams), 20)
        elapsed = time.monotonic() - started
        sock.close()
        assert ended == set(streams)
        pages = {sid: json.loads(body) for sid, body in got.items()}
        assert all(pages[sid]["page"] == page and len(pages[sid]["jobs"]) == 50
                   for sid, page in streams.items())
        assert len({job["id"] for p in pages.values() for job in p["jobs"]}) == 400
        assert min(map(len, got.values())) > 4 * 16384  # several frames, past one window
        assert elapsed < 2.0, elapsed  # concurrent: about one latency, not eight
        assert sb.stats()["h2"]["connections"] == 1


def test_a_sandbox_without_http2_offers_only_http_1_1():
    with Sandbox(seed=2, jobs=10, http_port=None) as sb:
        ctx = ssl.create_default_context(cafile=sb.ca_cert)
        ctx.set_alpn_protocols(["h2", "http/1.1"])
        host, port = sb.base_url.split("//")[1].rsplit(":", 1)
        with ctx.wrap_socket(socket.create_connection((host, int(port)), timeout=5),
                             server_hostname=host) as sock:
            assert sock.selected_alpn_protocol() == "http/1.1"


def test_the_sandbox_command_line_has_http2():
    out = subprocess.run([sys.executable, "-m", "jobo_enterprise_sandbox", "--help"],
                         capture_output=True, text=True, timeout=30, cwd=ROOT)
    assert "--http2" in out.stdout


# ------------------------------------------------------------------ Ctrl-C over h2

@pytest.mark.parametrize("spec", ["delay=60000", "stall"])
def test_ctrl_c_lands_within_a_quarter_second_on_an_h2_stream(spec):
    """As tests/test_interrupt.py, with the call blocked on an h2 stream: waiting for
    its headers, or for the rest of its body."""
    with Sandbox(seed=2, jobs=30, http_port=None, http2=True) as sb:
        sb.create_key("full", key=KEY)  # the key the child process uses
        stuck = types.SimpleNamespace(base_url=sb.fault_url(spec))
        ok = types.SimpleNamespace(base_url=sb.base_url, ca_cert=sb.ca_cert)
        result = _interrupt(stuck, ok, settle=0.8)
        assert result["outcome"] == "interrupted", result
        assert result["latency"] < 0.25, result
        # usable afterwards: a good call succeeds; the stuck route times out typed
        assert result["usable"][0] >= 0 and result["usable"][1] == "JoboTimeoutError", result
        assert sb.stats()["h2"]["streams"] >= 3  # all of it over h2


def test_the_readme_http2_example_runs(capsys):
    import re

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        text = fh.read()
    start = text.index("## HTTP/2")
    section = text[start:text.index("\n## ", start + 1)]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1
    exec(compile(blocks[0], "README.md", "exec"), {})
    assert capsys.readouterr().out.split() == ["2", "1.1"]


def test_no_log_of_the_h2_stack_carries_the_key(make_client, sandbox, caplog):
    client = make_client()
    with caplog.at_level("DEBUG"):  # every logger, the server's h2/hpack included
        client.jobs.search("engineer", page_size=1)
    assert caplog.records and sandbox.keys["full"] not in caplog.text


# ------------------------------------------------------------------ one connection, many streams

def test_a_prefetching_scan_is_streams_of_one_connection_over_h2(make_client, sandbox,
                                                                  http_version):
    client = make_client()
    client.jobs.search("engineer", page_size=1)  # the client's own connection, first
    before = sandbox.stats()
    pages = list(client.jobs.iter_pages(page_size=100, prefetch=16))
    after = sandbox.stats()
    assert len(pages) == 50 and sum(len(p.jobs) for p in pages) == 5000
    opened = after["connections"]["https"] - before["connections"]["https"]
    if sandbox.http2:
        # one multi handle, PIPEWAIT: every page a stream of one new connection
        assert opened == 1
        assert after["h2"]["streams"] - before["h2"]["streams"] == 50
    else:
        assert opened > 1  # HTTP/1.1: a connection per transfer in flight
    attempts = client.diagnostics()["attempts"]
    assert len(attempts) == 32 and {a["http_version"] for a in attempts} == {http_version}


def test_the_concurrent_calls_of_an_async_client_are_streams_of_one_connection_over_h2(
        sandbox, http_version):
    """The async client's transfers run on one loop-driven multi handle: over h2, 40
    concurrent searches of a new client are 40 streams of the one connection it opens
    (PIPEWAIT holds the others for it); over HTTP/1.1, connections of their own."""
    client = AsyncJoboClient(sandbox.keys["full"], base_url=sandbox.base_url,
                             ca_bundle=sandbox.ca_cert)

    async def main():
        try:
            return await asyncio.gather(*(client.jobs.search("engineer", page_size=1)
                                          for _ in range(40)))
        finally:
            await client.aclose()

    before = sandbox.stats()
    results = asyncio.run(main())
    after = sandbox.stats()
    assert len(results) == 40 and all(r.total > 0 for r in results)
    opened = after["connections"]["https"] - before["connections"]["https"]
    if sandbox.http2:
        assert opened == 1
        assert after["h2"]["streams"] - before["h2"]["streams"] == 40
    else:
        assert opened > 1
    assert set(_versions(client)) == {http_version}


def test_a_scan_takes_its_first_page_on_the_connection_its_later_pages_use(make_client,
                                                                           sandbox):
    """The first page runs on the iterator's own multi handle as well: the page
    after it reuses that connection instead of opening (and handshaking) another,
    over HTTP/1.1 as over h2."""
    client = make_client()  # fresh: no connection of its own yet
    before = sandbox.stats()["connections"]["https"]
    pages = list(client.jobs.iter_pages(page_size=500 // 5, prefetch=1, max_items=500))
    assert [len(p.jobs) for p in pages] == [100] * 5
    # one page in flight at a time: every page on the first page's connection
    assert sandbox.stats()["connections"]["https"] - before == 1


def test_threads_of_one_client_keep_connections_of_their_own(faulty, sandbox):
    """libcurl supports no connection (nor h2 stream) shared by concurrent threads: the
    calls of three threads at once run on three connections, over h2 as over 1.1."""
    client, count = faulty("delay=400")
    client.jobs.search("engineer", page_size=1)  # its first connection, now idle
    before = sandbox.stats()["connections"]["https"]
    barrier = threading.Barrier(3)
    errors = []

    def work():
        try:
            barrier.wait(10)
            client.jobs.search("engineer", page_size=1, timeout=20)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and count() == 4
    # one thread takes the idle connection, the two others open their own
    assert sandbox.stats()["connections"]["https"] - before == 2
