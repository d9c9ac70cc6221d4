"""The sandbox's fault routes (``/__fault/<spec>/...``), spoken to with http.client and,
for byte-level faults, raw TLS sockets trusting the sandbox CA."""

from __future__ import annotations

import email.utils
import http.client
import json
import ssl
import threading
import time
import uuid
from urllib.parse import quote

import pytest


from jobo_enterprise_sandbox import Sandbox  # noqa: E402
from jobo_enterprise_sandbox.stdclient import StdClient as Api  # noqa: E402

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def sb():
    with Sandbox(seed=3, jobs=300, http_port=None) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def api(sb):
    return Api(sb)


def token() -> str:
    return "t" + uuid.uuid4().hex[:12]


# --------------------------------------------------------------------- status, times, stats

def test_status_503_times_2_fails_twice_then_serves_normally(api):
    tok = token()
    spec = f"status=503,times=2,id={tok}"
    replies = [api.fault(spec, page_size=1) for _ in range(3)]
    assert [r.status for r in replies] == [503, 503, 200]
    assert replies[0].json() == {"status": 503, "error": "Service Unavailable",
                                 "message": "Service temporarily unavailable"}
    assert "Retry-After" not in replies[0].headers
    assert "X-Credits-Used" not in replies[0].headers
    assert int(replies[0].headers["X-RateLimit-Limit"]) > 0
    assert replies[2].json()["total"] == 300 and replies[2].headers["X-Credits-Used"] == "1"
    assert api.fault_requests(tok) == 3


def test_counters_are_per_spec_string_and_count_normal_answers_too(api):
    spec = f"status=500,times=1,retry_after={int(time.time() * 1000) % 86400}"
    assert api.fault(spec).status == 500
    assert api.fault(spec, page_size=1).status == 200
    assert api.fault_requests(spec) == 2
    assert api.fault_requests("never-used-" + token()) == 0


def test_id_keeps_the_counters_of_the_same_spec_separate(api):
    a, b = token(), token()
    assert api.fault(f"status=503,times=1,id={a}").status == 503
    assert api.fault(f"status=503,times=1,id={a}", page_size=1).status == 200
    assert api.fault(f"status=503,times=1,id={b}").status == 503
    assert (api.fault_requests(a), api.fault_requests(b)) == (2, 1)


def test_match_faults_only_requests_whose_body_or_query_holds_the_text(api):
    tok = token()
    spec = f"status=503,times=2,match=%5B%22ashby%22%5D,id={tok}"   # ["ashby"]
    feed = f"/__fault/{spec}/api/jobs/feed"
    statuses = [api.post(feed, {"sources": [src], "batch_size": 1}).status
                for src in ("lever_co", "ashby", "workday", "ashby", "ashby")]
    assert statuses == [200, 503, 200, 503, 200]   # times counts matching requests only
    assert api.fault(f"status=500,match=remote,id={tok}x", work_model="remote").status == 500
    assert api.fault(f"status=500,match=remote,id={tok}x", work_model="hybrid").status == 200
    assert api.fault_requests(tok) == 5           # stats count every request of the spec


def test_stats_need_no_key_and_are_not_counted_as_api_requests(api, sb):
    tok = token()
    before = sb.stats()["requests_total"]
    api.fault(f"status=502,id={tok}")
    reply = api.get("/__fault/stats/" + tok, key=None)
    assert reply.status == 200 and reply.json() == {"requests": 1}
    assert sb.stats()["requests_total"] == before  # faulted and internal: not counted
    assert sb.fault_requests(tok) == 1


def test_retry_after_adds_the_header_in_seconds_or_as_an_http_date(api):
    reply = api.fault(f"status=503,retry_after=2,id={token()}")
    assert reply.status == 503 and reply.headers["Retry-After"] == "2"
    reply = api.fault(f"status=503,retry_after_date=30,id={token()}")
    when = email.utils.parsedate_to_datetime(reply.headers["Retry-After"]).timestamp()
    assert 25 <= when - time.time() <= 35


def test_status_429_has_the_documented_body_retry_after_and_rate_limit_headers(api):
    reply = api.fault(f"status=429,retry_after=1,id={token()}")
    assert reply.status == 429
    body = reply.json()
    reset = int(reply.headers["X-RateLimit-Reset"])
    assert body == {"status": 429, "error": "Too Many Requests",
                    "message": f"Rate limit exceeded. Retry after {reset}", "retryAfter": reset}
    assert reply.headers["Retry-After"] == "1"
    assert reply.headers["X-RateLimit-Remaining"] == "0"
    date = email.utils.parsedate_to_datetime(reply.headers["Date"]).timestamp()
    assert reset == int(date) + 1
    default = api.fault(f"status=429,id={token()}")
    assert default.headers["Retry-After"] == "1"
    assert default.json()["retryAfter"] == int(default.headers["X-RateLimit-Reset"])


@pytest.mark.parametrize("status, body", [
    (401, {"status": 401, "error": "Unauthorized", "message": "Missing or invalid API key"}),
    (403, {"status": 403, "error": "Forbidden",
           "message": "Your plan does not include access to this endpoint"}),
    (404, {"status": 404, "error": "Not Found", "message": "Not found"}),
    (500, {"status": 500, "error": "Internal Server Error", "message": "Internal server error"}),
    (502, {"status": 502, "error": "Bad Gateway", "message": "Bad gateway"}),
    (504, {"status": 504, "error": "Gateway Timeout", "message": "Gateway timeout"}),
])
def test_status_answers_the_documented_error_body(api, status, body):
    reply = api.fault(f"status={status},id={token()}")
    assert reply.status == status
    assert reply.json() == body
    assert reply.headers["Content-Type"] == "application/json"


def test_status_402_and_409_use_their_documented_shapes(api):
    reply = api.fault(f"status=402,id={token()}")
    assert reply.status == 402
    assert (reply.headers["X-Credits-Required"], reply.headers["X-Credits-Balance"]) == ("1", "0")
    reply = api.fault(f"status=409,id={token()}", path="/api/jobs/feed")
    assert reply.status == 409 and reply.headers["Content-Type"] == "application/problem+json"
    body = reply.json()
    assert body["code"] == "feed_cursor_restart_required" and body["title"] == "Conflict"


def test_html_makes_the_error_body_an_html_page(api):
    reply = api.fault(f"status=503,html,retry_after=3,id={token()}")
    assert reply.status == 503
    assert reply.headers["Content-Type"].startswith("text/html")
    assert reply.body.lstrip().lower().startswith(b"<!doctype html>")
    assert b"503 Service Unavailable" in reply.body and reply.headers["Retry-After"] == "3"
    alone = api.fault(f"html,id={token()}")
    assert alone.status == 502 and alone.headers["Content-Type"].startswith("text/html")


# --------------------------------------------------------------------- normal service

def test_requests_served_normally_go_through_auth_rate_limits_and_credits(api, sb):
    tok = token()
    spec = f"status=503,times=1,id={tok}"
    assert api.fault(spec, key=None).status == 503  # the fault needs no key
    assert api.fault(spec, key=None).status == 401  # then: the normal pipeline
    key = sb.create_key("full", credits=10)
    reply = api.fault(spec, key=key, page_size=4)
    assert reply.status == 200
    assert (reply.headers["X-Credits-Used"], reply.headers["X-Credits-Remaining"]) == ("4", "6")
    assert api.fault(spec, key=key, page_size=7).status == 402
    assert api.fault(spec, key="feed_only", page_size=1).status == 403
    limited = sb.create_key("full", rate_limit=1, window=60)
    assert api.fault(f"delay=1,id={tok}x", key=limited, page_size=1).status == 200
    assert api.fault(f"delay=1,id={tok}x", key=limited, page_size=1).status == 429
    assert api.fault_requests(tok) == 5


def test_faulted_requests_cost_nothing(api, sb):
    key = sb.create_key("full", credits=5)
    for spec in ("status=503", "malformed", "empty", "huge=0.01"):
        reply = api.fault(f"{spec},id={token()}", key=key, page_size=5)
        assert "X-Credits-Used" not in reply.headers, spec
    assert sb.app.accounts.balance(key) == 5


def test_invalid_specs_are_answered_400(api):
    for spec in ("bogus", "status=abc", "status=99", "delay=-1", "delay=999999",
                 "drip=5000", "huge=2000", "times=x", "truncate=1", "status=", "id",
                 "redirect=https%3A%2F%2Fx.example,status=503"):
        reply = api.fault(spec)
        assert reply.status == 400, spec
        assert reply.json()["message"].startswith("Invalid fault spec"), spec


def test_a_status_below_300_serves_the_request_with_that_status(api):
    reply = api.fault(f"status=203,id={token()}", page_size=2)
    assert reply.status == 203 and len(reply.json()["jobs"]) == 2


# --------------------------------------------------------------------- timing

def test_delay_waits_before_the_headers_without_blocking_other_connections(api):
    results = {}

    def slow():
        results["slow"] = api.fault(f"delay=600,id={token()}", page_size=1)

    t = threading.Thread(target=slow)
    t.start()
    time.sleep(0.1)
    started = time.perf_counter()
    fast = api.get("/api/jobs", page_size=1)
    fast_elapsed = time.perf_counter() - started
    t.join(10)
    assert fast.status == 200 and fast_elapsed < 0.4
    assert results["slow"].status == 200 and results["slow"].elapsed >= 0.6
    assert results["slow"].json()["total"] == 300
    quick = api.fault(f"delay=200,id={token()}", page_size=1)
    assert 0.2 <= quick.elapsed < 2


def test_delay_and_drip_end_promptly_when_the_sandbox_stops_and_work_under_a_path_prefix():
    with Sandbox(seed=2, jobs=40, http_port=None, path_prefix="/v1") as small:
        api = Api(small)
        assert small.base_url.endswith("/v1")
        assert api.fault(f"status=503,id={token()}").status == 503
        assert api.get("/__fault/stats/none", key=None).json() == {"requests": 0}
        errors = []

        def stuck(spec):
            try:
                api.fault(spec, path="/api/jobs?page_size=50")
            except Exception as exc:
                errors.append(exc)

        threads = [threading.Thread(target=stuck, args=(s,))
                   for s in ("delay=60000", "drip=1000")]
        for t in threads:
            t.start()
        time.sleep(0.3)
        started = time.perf_counter()
        small.stop()
        for t in threads:
            t.join(5)
        assert time.perf_counter() - started < 2.0
        assert not any(t.is_alive() for t in threads)
        assert len(errors) == 2


def test_drip_sends_the_body_one_byte_per_interval(api):
    reply = api.fault(f"status=503,drip=2,id={token()}")
    assert reply.status == 503 and reply.json()["status"] == 503
    assert reply.elapsed >= len(reply.body) * 0.002 * 0.9
    small = api.fault(f"drip=1,id={token()}", path="/api/jobs/expired", batch_size=1)
    assert small.status == 200 and len(small.json()["job_ids"]) == 1
    assert small.elapsed >= len(small.body) * 0.001 * 0.9 and len(small.body) > 60


def test_drip_replaces_bodies_over_64_kib_with_a_small_valid_body_of_the_same_shape(api):
    reply = api.fault(f"drip=1,id={token()}", page_size=100)
    body = reply.json()
    assert reply.status == 200 and len(reply.body) < 200
    assert body["truncated_for_drip"] is True and body["jobs"] == [] and "total_pages" in body
    feed = api.request("POST", f"/__fault/drip=1,id={token()}/api/jobs/feed", body={})
    assert feed.json()["truncated_for_drip"] is True and feed.json()["has_more"] is False
    huge = api.fault(f"huge=1,drip=1,id={token()}")
    assert huge.json()["truncated_for_drip"] is True


# --------------------------------------------------------------------- byte-level faults

def test_truncate_announces_more_than_it_sends_then_closes(api):
    status, headers, body, _ = api.raw(f"/__fault/truncate,id={token()}/api/jobs?page_size=3")
    assert status == "HTTP/1.1 200 OK"
    announced = int(headers["content-length"])
    assert 0 < len(body) < announced and len(body) == announced // 2
    with pytest.raises(http.client.IncompleteRead):
        conn = api.connect()
        try:
            conn.request("GET", f"/__fault/truncate,id={token()}/api/jobs?page_size=3",
                         headers={"X-Api-Key": api.sb.keys["full"]})
            conn.getresponse().read()
        finally:
            conn.close()
    status, headers, body, _ = api.raw(f"/__fault/empty,truncate,id={token()}/api/jobs")
    assert int(headers["content-length"]) == 16 and len(body) == 8


def test_reset_closes_the_connection_right_after_the_headers(api):
    status, headers, body, error = api.raw(f"/__fault/reset,id={token()}/api/jobs?page_size=3")
    assert status == "HTTP/1.1 200 OK"
    assert int(headers["content-length"]) > 1000
    assert body == b""
    assert error is None or isinstance(error, (ConnectionResetError, ssl.SSLError, OSError))
    status, headers, body, error = api.raw(f"/__fault/status=503,reset,id={token()}/api/jobs")
    assert status.startswith("HTTP/1.1 503") and body == b""


def test_malformed_is_200_with_invalid_json(api):
    reply = api.fault(f"malformed,id={token()}")
    assert reply.status == 200 and reply.headers["Content-Type"] == "application/json"
    assert reply.body
    with pytest.raises(ValueError):
        json.loads(reply.body)


def test_empty_is_200_with_an_empty_body(api):
    reply = api.fault(f"empty,id={token()}")
    assert reply.status == 200 and reply.body == b""
    assert reply.headers["Content-Length"] == "0"


def test_huge_2_is_exactly_2_mib_of_valid_json_in_the_endpoint_shape(api):
    reply = api.fault(f"huge=2,id={token()}")
    assert reply.status == 200 and len(reply.body) == 2 * MIB
    assert int(reply.headers["Content-Length"]) == 2 * MIB
    body = reply.json()
    assert body["jobs"] == [] and body["total_pages"] == 0 and len(body["padding"]) > 2 * MIB - 200
    feed = api.request("POST", f"/__fault/huge=0.5,id={token()}/api/jobs/feed", body={})
    assert len(feed.body) == MIB // 2
    assert set(feed.json()) == {"jobs", "next_cursor", "has_more", "estimated_total", "padding"}
    expired = api.fault(f"huge=0.25,id={token()}", path="/api/jobs/expired")
    assert set(expired.json()) == {"job_ids", "next_cursor", "has_more", "padding"}


def test_huge_100_mib_is_streamed(api):
    conn = api.connect(timeout=60)
    try:
        conn.request("GET", f"/__fault/huge=100,id={token()}/api/jobs",
                     headers={"X-Api-Key": api.sb.keys["full"]})
        resp = conn.getresponse()
        assert resp.status == 200 and int(resp.headers["Content-Length"]) == 100 * MIB
        first = resp.read(64)
        total, last = len(first), b""
        while True:
            chunk = resp.read(1 << 20)
            if not chunk:
                break
            total += len(chunk)
            last = (last + chunk)[-16:]
    finally:
        conn.close()
    assert first.startswith(b'{"jobs":[],') and last.endswith(b'xxx"}')
    assert total == 100 * MIB


def test_redirect_answers_302_to_the_percent_decoded_url(api):
    target = "https://elsewhere.example/api/jobs?a=1,b=2"
    reply = api.fault(f"redirect={quote(target, safe='')},id={token()}")
    assert reply.status == 302 and reply.headers["Location"] == target
    assert reply.json()["status"] == 302
    reply = api.fault(f"status=307,redirect={quote(target, safe='')},id={token()}")
    assert reply.status == 307 and reply.headers["Location"] == target


def test_fault_responses_carry_echo_and_connection_id(api):
    reply = api.fault(f"status=503,id={token()}", echo="e1")
    assert reply.headers["X-Echo"] == "e1" and int(reply.headers["X-Connection-Id"]) > 0
    assert "echo" not in reply.json()
