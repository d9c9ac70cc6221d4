"""Retries, backoff, server-given waits, rate-limit pacing, timeouts and fault
routes: each fault asserts the typed outcome and the number of requests the
server saw."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from urllib.parse import quote

import pytest

from jobo_enterprise import (
    JoboAPIError,
    JoboAuthenticationError,
    JoboClient,
    JoboConnectionError,
    JoboRateLimitError,
    JoboResponseError,
    JoboServerError,
    JoboTimeoutError,
    JoboValidationError,
)

from rawserver import RawServer

HTTP_VERSIONS = ("1.1", "2")  # the sandbox tests run over HTTP/1.1 and h2 (conftest)

_ids = itertools.count()


@pytest.fixture
def faulty(sandbox):
    """faulty(spec, **client options) -> (client, count): a client whose every
    call goes through the fault spec, and a function giving the requests the
    server saw for it."""
    made = []

    def make(spec: str, plan: str = "full", **kw):
        token = f"t{next(_ids)}x{int(time.time() * 1000) % 100000}"
        kw.setdefault("ca_bundle", sandbox.ca_cert)
        client = JoboClient(sandbox.keys[plan], base_url=sandbox.fault_url(f"{spec},id={token}"),
                            **kw)
        made.append(client)
        return client, lambda: sandbox.fault_requests(token)

    yield make
    for c in made:
        c.close()


def test_default_retries_recover_from_two_503s(faulty):
    client, count = faulty("status=503,times=2")
    assert client.max_retries == 2
    result = client.jobs.search("python", page_size=2)
    assert len(result.jobs) == 2 and count() == 3


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_retried_then_raised_with_retries_taken(faulty, status):
    client, count = faulty(f"status={status}")
    with pytest.raises(JoboServerError) as info:
        client.jobs.search("x")
    assert info.value.status_code == status and info.value.retries_taken == 2
    assert count() == 3


def test_html_502_from_a_proxy_is_retried(faulty):
    client, count = faulty("status=502,html,times=1")
    assert client.jobs.search(page_size=1).page == 1 and count() == 2


@pytest.mark.parametrize("status,cls", [(500, JoboServerError), (400, JoboValidationError),
                                        (401, JoboAuthenticationError), (418, JoboAPIError)])
def test_other_failures_are_not_retried(faulty, status, cls):
    client, count = faulty(f"status={status}")
    with pytest.raises(cls) as info:
        client.jobs.search("x")
    assert info.value.retries_taken == 0 and count() == 1


def test_429_waits_the_servers_retry_after_then_succeeds(faulty):
    client, count = faulty("status=429,retry_after=1,times=1")
    start = time.monotonic()
    assert client.jobs.search(page_size=1).page == 1
    assert time.monotonic() - start >= 0.9 and count() == 2


def test_retry_after_as_http_date_is_honoured(faulty):
    client, count = faulty("status=503,retry_after_date=1,times=1")
    start = time.monotonic()
    client.jobs.search(page_size=1)
    elapsed = time.monotonic() - start
    assert 0.5 <= elapsed < 3.0 and count() == 2


def test_a_wait_longer_than_max_wait_raises_at_once(faulty):
    client, count = faulty("status=429,retry_after=120", max_wait=60)
    start = time.monotonic()
    with pytest.raises(JoboRateLimitError) as info:
        client.jobs.search("x")
    assert time.monotonic() - start < 1.0
    assert info.value.retry_after == 120 and info.value.retries_taken == 0 and count() == 1


def test_deadline_bounds_all_attempts(faulty):
    client, count = faulty("status=503,retry_after=1", max_retries=10, deadline=2.5)
    start = time.monotonic()
    with pytest.raises(JoboServerError) as info:
        client.jobs.search("x")
    assert time.monotonic() - start < 3.5
    assert 1 <= info.value.retries_taken < 10 and count() == info.value.retries_taken + 1


def test_connection_refused_is_retried_with_backoff():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    client = JoboClient("jbe_test_x0123456789abcdef", base_url=f"https://127.0.0.1:{port}")
    start = time.monotonic()
    with pytest.raises(JoboConnectionError) as info:
        client.jobs.search("x")
    assert info.value.code == "connect_failed" and info.value.retries_taken == 2
    assert time.monotonic() - start < 2.0  # full jitter: at most 0.5 + 1.0 s of sleep


def test_connect_timeout_is_retried(tmp_path):
    with RawServer(lambda r: None, tls=False) as silent:  # TCP accepted, TLS never answered
        from rawserver import raw_certs

        client = JoboClient("jbe_test_x0123456789abcdef", base_url=f"https://127.0.0.1:{silent.port}",
                            ca_bundle=raw_certs()["ca"], connect_timeout=0.3, max_retries=1)
        with pytest.raises(JoboTimeoutError) as info:
            client.jobs.search("x")
        assert info.value.code == "connect_timeout" and info.value.retries_taken == 1
        assert silent.connections == 2


def test_truncated_body_is_a_connection_error_and_not_retried(faulty):
    client, count = faulty("truncate")
    with pytest.raises(JoboConnectionError) as info:
        client.jobs.search(page_size=3)
    assert info.value.code == "truncated_body" and info.value.status_code == 200
    assert count() == 1


def test_reset_after_headers_is_not_retried(faulty):
    client, count = faulty("reset")
    with pytest.raises(JoboConnectionError) as info:
        client.jobs.search(page_size=3)
    assert info.value.status_code == 200 and count() == 1


@pytest.mark.parametrize("spec", ["malformed", "empty"])
def test_unusable_success_bodies(faulty, spec):
    client, count = faulty(spec)
    with pytest.raises(JoboResponseError) as info:
        client.jobs.search("x")
    assert info.value.status_code == 200 and info.value.request_id and count() == 1


def test_huge_body_is_decoded_or_refused_by_the_cap(faulty):
    client, count = faulty("huge=3")
    result = client.jobs.search(page_size=1)
    assert len(result.padding) > 2_000_000 and count() == 1
    capped, count2 = faulty("huge=3", max_body=1 << 20)
    with pytest.raises(JoboResponseError):
        capped.jobs.search(page_size=1)
    assert count2() == 1


def test_redirect_fault_sends_nothing_to_the_target(faulty):
    with RawServer(lambda r: b"") as other:
        target = quote(f"https://localhost:{other.port}/steal", safe="")
        client, count = faulty(f"redirect={target}")
        with pytest.raises(JoboAPIError) as info:
            client.jobs.search("x")
        assert info.value.status_code == 302 and info.value.location_host == "localhost"
        assert other.connections == 0 and count() == 1


def test_response_delay_beyond_timeout_raises_timeout_once(faulty):
    client, count = faulty("delay=1500", timeout=0.4)
    start = time.monotonic()
    with pytest.raises(JoboTimeoutError) as info:
        client.jobs.search(page_size=1)
    assert time.monotonic() - start < 1.2
    assert info.value.code == "response_timeout" and count() == 1


def test_read_timeout_aborts_a_stalled_body():
    from rawserver import raw_certs

    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 900\r\n\r\n"
    with RawServer(lambda r: (head + b'{"jobs": [', "hold")) as server:
        client = JoboClient("jbe_test_x0123456789abcdef", base_url=server.base_url,
                            ca_bundle=raw_certs()["ca"], read_timeout=1, timeout=30)
        start = time.monotonic()
        with pytest.raises(JoboTimeoutError) as info:
            client.jobs.search(page_size=1)
        assert 0.9 < time.monotonic() - start < 4
        assert info.value.code == "body_timeout" and server.connections == 1


def test_a_slow_but_steady_body_is_not_a_stall(faulty):
    client, count = faulty("drip=1", read_timeout=1, timeout=30)
    result = client.jobs.search(page_size=1, include_fields=[], include_facets=[])
    assert result.page == 1 and count() == 1


def test_feed_calls_use_feed_timeout(faulty):
    client, count = faulty("delay=1500", timeout=0.3, feed_timeout=5)
    assert client.feed.get_jobs(batch_size=2).jobs  # 1.5 s fits in feed_timeout
    with pytest.raises(JoboTimeoutError):
        client.jobs.search(page_size=1)
    short, _ = faulty("delay=1500", timeout=30, feed_timeout=0.3)
    with pytest.raises(JoboTimeoutError):
        short.feed.get_jobs(batch_size=2)


def test_pacing_waits_for_the_window_instead_of_spending_a_429(sandbox):
    key = sandbox.create_key("full", rate_limit=3, window=2)
    client = JoboClient(key, base_url=sandbox.base_url, ca_bundle=sandbox.ca_cert, max_retries=0)
    for _ in range(3):
        client.jobs.search(page_size=1)
    assert client.usage.rate_limit_remaining == 0
    wait = client.usage.rate_limit_reset.timestamp() - time.time()
    start = time.monotonic()
    client.jobs.search(page_size=1)  # no 429: max_retries=0 would have raised it
    assert time.monotonic() - start >= min(wait, 0.5) - 0.1


def test_pacing_is_shared_by_threads(sandbox):
    key = sandbox.create_key("full", rate_limit=4, window=2)
    client = JoboClient(key, base_url=sandbox.base_url, ca_bundle=sandbox.ca_cert, max_retries=0)
    errors = []

    def work():
        try:
            for _ in range(3):
                client.jobs.search(page_size=1)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    client.jobs.search(page_size=1)
    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    # 7 calls through a 4-per-2 s window: some may race into the window's last slot,
    # but pacing keeps most from being spent on a certain 429
    assert len(errors) <= 1, errors


def test_max_wait_zero_never_waits(sandbox):
    key = sandbox.create_key("full", rate_limit=2, window=30)
    client = JoboClient(key, base_url=sandbox.base_url, ca_bundle=sandbox.ca_cert, max_wait=0)
    client.jobs.search(page_size=1)
    client.jobs.search(page_size=1)
    start = time.monotonic()
    with pytest.raises(JoboRateLimitError) as info:
        client.jobs.search(page_size=1)
    assert time.monotonic() - start < 1.0 and info.value.retries_taken == 0
