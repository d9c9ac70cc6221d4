"""The C transport at the byte level, against a scripted TLS server.

What goes on the wire (URL, headers, encoding), how response headers become
usage figures, and how every kind of error body and transfer failure becomes
a typed exception.
"""

from __future__ import annotations

import json
import socket
import time
from email.utils import formatdate

import pytest

import jobo_enterprise
from jobo_enterprise import (
    JoboAPIError,
    JoboAuthenticationError,
    JoboClient,
    JoboConnectionError,
    JoboCursorRestartRequiredError,
    JoboError,
    JoboInsufficientCreditsError,
    JoboNotFoundError,
    JoboPermissionError,
    JoboRateLimitError,
    JoboResponseError,
    JoboServerError,
    JoboTimeoutError,
    JoboTLSError,
    JoboValidationError,
)

from keys import fake_key
from rawserver import RawServer, http_response

KEY = fake_key("jbe_test_RawServerKey0123456789abcd")
EMPTY_SEARCH = json.dumps(
    {"jobs": [], "total": 0, "page": 1, "page_size": 25, "total_pages": 0, "facets": {}}
).encode()


def client_for(server: RawServer, **kw) -> JoboClient:
    kw.setdefault("max_retries", 0)
    return JoboClient(KEY, base_url=kw.pop("base_url", server.base_url),
                      ca_bundle=server.ca_cert, **kw)


def ok(headers=None, body=EMPTY_SEARCH):
    h = {"Content-Type": "application/json"}
    h.update(headers or {})
    return lambda req: http_response(200, h, body)


def request_head(raw: bytes):
    head = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    first, *lines = head.split("\r\n")
    headers = {}
    for line in lines:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return first, headers


def test_request_line_and_headers_on_the_wire():
    with RawServer(ok()) as server:
        with client_for(server, base_url=server.base_url + "/prefix/") as client:
            client.jobs.search(
                "data engineer \"Zürich\"", page=2, page_size=5, work_model=["remote", "hybrid"],
                search_description=False, include_fields=[], location="São Paulo",
            )
        first, headers = request_head(server.requests[0])
    method, target, version = first.split(" ")
    assert method == "GET" and version == "HTTP/1.1"
    assert target.startswith("/prefix/api/jobs?")
    assert "q=data%20engineer%20%22Z%C3%BCrich%22" in target
    assert "work_model=remote%2Chybrid" in target
    assert "search_description=false" in target
    assert "include_fields=&" in target
    assert "location=S%C3%A3o%20Paulo" in target
    assert "page=2" in target and "page_size=5" in target
    assert KEY not in target
    assert headers["x-api-key"] == KEY
    assert headers["accept"] == "application/json"
    assert "content-type" not in headers
    ua = headers["user-agent"]
    assert ua.startswith(f"jobo-enterprise-python/{jobo_enterprise.__version__} libcurl/")


def test_usage_from_current_header_names():
    headers = {
        "X-Credits-Used": "5", "X-Credits-Remaining": "995", "X-RateLimit-Limit": "100",
        "X-RateLimit-Remaining": "42", "X-RateLimit-Reset": "1900000000", "X-Request-Id": "req_abc",
    }
    with RawServer(ok(headers)) as server, client_for(server) as client:
        result = client.jobs.search(page_size=5)
    u = result.usage
    assert (u.credits_used, u.credits_remaining) == (5, 995)
    assert (u.rate_limit_limit, u.rate_limit_remaining) == (100, 42)
    assert u.rate_limit_reset.timestamp() == 1900000000
    assert u.rate_limit_reset.tzinfo is not None
    assert u.request_id == "req_abc"
    assert client.usage == u


def test_usage_from_newer_header_names():
    headers = {"x-credits-deducted": "3", "X-CREDITS-BALANCE": "17"}
    with RawServer(ok(headers)) as server, client_for(server) as client:
        u = client.jobs.search().usage
    assert (u.credits_used, u.credits_remaining) == (3, 17)
    assert u.rate_limit_limit is None and u.request_id is None


@pytest.mark.parametrize("value", ["", "abc", "1.5", "-3", "99999999999999999999999", "12 34"])
def test_malformed_usage_headers_become_none(value):
    headers = {"X-Credits-Used": value, "X-RateLimit-Reset": value, "X-RateLimit-Remaining": value,
               "Retry-After": value}
    with RawServer(ok(headers)) as server, client_for(server) as client:
        u = client.jobs.search().usage
    assert u.credits_used is None
    assert u.rate_limit_reset is None
    assert u.rate_limit_remaining is None


def test_retry_after_http_date_is_measured_against_server_date():
    now = int(time.time())
    headers = {"Date": formatdate(now - 1000, usegmt=True),
               "Retry-After": formatdate(now - 1000 + 7, usegmt=True)}
    with RawServer(ok(headers)) as server, client_for(server) as client:
        u = client.jobs.search().usage
    assert u.retry_after == 7


ERROR_CASES = [
    (400, {"status": 400, "error": "Bad Request",
           "message": "Parameter 'page_size' must be between 1 and 100."}, JoboValidationError,
     "Parameter 'page_size' must be between 1 and 100."),
    (401, {"status": 401, "error": "Unauthorized", "message": "Missing or invalid API key"},
     JoboAuthenticationError, "Missing or invalid API key"),
    (402, {"error": "Payment Required", "detail": "need 5 credits"}, JoboInsufficientCreditsError,
     "need 5 credits"),
    (403, {"status": 403, "error": "Forbidden",
           "message": "Your plan does not include access to this endpoint"},
     JoboPermissionError, "Your plan does not include access to this endpoint"),
    (404, {"title": "Not Found", "status": 404, "detail": "no such job"}, JoboNotFoundError,
     "no such job"),
    (409, {"title": "Conflict", "status": 409, "detail": "restart the scan",
           "code": "feed_cursor_restart_required", "api_version": "2"},
     JoboCursorRestartRequiredError, "restart the scan"),
    (500, {"error": "boom"}, JoboServerError, "boom"),
    (418, {"message": "teapot"}, JoboAPIError, "teapot"),
]


@pytest.mark.parametrize("status,body,cls,message", ERROR_CASES)
def test_error_bodies_become_typed_exceptions(status, body, cls, message):
    resp = http_response(status, {"Content-Type": "application/json", "X-Request-Id": "req_err1"},
                         json.dumps(body).encode())
    with RawServer(lambda r: resp) as server, client_for(server) as client:
        with pytest.raises(cls) as info:
            client.jobs.search()
    exc = info.value
    assert type(exc) is cls
    assert exc.status_code == status
    assert exc.message == message
    assert exc.request_id == "req_err1"
    assert exc.response_body == body
    assert exc.headers["x-request-id"] == "req_err1"
    assert str(exc).startswith(f"HTTP {status}")
    assert message in str(exc) and "(request id req_err1)" in str(exc)
    if status == 409:
        assert exc.code == "feed_cursor_restart_required" and exc.api_version == "2"
    assert KEY not in str(exc) + repr(exc)


def test_error_sentence_reads_as_documented():
    body = b'{"status":401,"error":"Unauthorized","message":"Missing or invalid API key"}'
    resp = http_response(401, {"X-Request-Id": "9f2c"}, body)
    with RawServer(lambda r: resp) as server, client_for(server) as client:
        with pytest.raises(JoboAuthenticationError) as info:
            client.jobs.search()
    assert str(info.value) == "HTTP 401 Unauthorized: Missing or invalid API key (request id 9f2c)"


def test_rate_limit_error_takes_retry_from_body_epoch():
    epoch = int(time.time()) + 40
    body = json.dumps({"status": 429, "error": "Too Many Requests",
                       "message": f"Rate limit exceeded. Retry after {epoch}",
                       "retryAfter": epoch}).encode()
    resp = http_response(429, {"X-RateLimit-Remaining": "0"}, body)
    with RawServer(lambda r: resp) as server, client_for(server) as client:
        with pytest.raises(JoboRateLimitError) as info:
            client.jobs.search()
    exc = info.value
    assert exc.retry_at.timestamp() == epoch
    assert 30 < exc.retry_after <= 40


def test_rate_limit_error_simple_shape_with_seconds():
    body = b'{"error":"rate limited","detail":"slow down","retry_after_seconds":12}'
    with RawServer(lambda r: http_response(429, {}, body)) as server, client_for(server) as c:
        with pytest.raises(JoboRateLimitError) as info:
            c.jobs.search()
    assert info.value.retry_after == 12
    assert info.value.message == "slow down"


def test_rate_limit_error_falls_back_to_reset_header():
    reset = int(time.time()) + 20
    hdrs = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
    with RawServer(lambda r: http_response(429, hdrs, b"")) as server, client_for(server) as c:
        with pytest.raises(JoboRateLimitError) as info:
            c.jobs.search()
    assert info.value.retry_at.timestamp() == reset
    assert 10 < info.value.retry_after <= 20


@pytest.mark.parametrize(
    "status,headers,body,cls,words",
    [
        (502, {"Content-Type": "text/html"}, b"<html><body><h1>502 Bad Gateway</h1></body></html>",
         JoboServerError, "HTML"),
        (503, {}, b"", JoboServerError, "empty"),
        (500, {"Content-Type": "application/json"}, b'{"error": "trunc', JoboServerError, "not a JSON"),
        (400, {"Content-Type": "application/json"}, b"[1, 2, 3]", JoboValidationError, "not a JSON"),
        (401, {"Content-Type": "text/plain"}, b"\xff\xfe nope", JoboAuthenticationError, "not a JSON"),
    ],
)
def test_non_json_error_bodies_are_typed(status, headers, body, cls, words):
    with RawServer(lambda r: http_response(status, headers, body)) as server, client_for(server) as c:
        with pytest.raises(cls) as info:
            c.jobs.search()
    assert info.value.status_code == status
    assert words in str(info.value)


@pytest.mark.parametrize("body", [b"{not json", b"", b'{"jobs": [1, 2', b'{"a":1} trailing',
                                  b"NaN", b'{"x": NaN}'])
def test_unusable_success_body_is_a_response_error(body):
    hdrs = {"Content-Type": "application/json", "X-Request-Id": "req_bad"}
    with RawServer(lambda r: http_response(200, hdrs, body)) as server, client_for(server) as c:
        with pytest.raises(JoboResponseError) as info:
            c.jobs.search()
    assert info.value.status_code == 200
    assert info.value.request_id == "req_bad"
    assert not isinstance(info.value, ValueError)


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirect_is_not_followed_and_names_the_host(status):
    with RawServer(ok()) as target:
        loc = f"https://127.0.0.1:{target.port}/api/jobs"
        with RawServer(lambda r: http_response(status, {"Location": loc})) as server:
            with client_for(server) as client, pytest.raises(JoboAPIError) as info:
                client.jobs.search()
        assert target.connections == 0
    assert info.value.status_code == status
    assert "127.0.0.1" in str(info.value) and "not followed" in str(info.value)
    assert info.value.location_host == "127.0.0.1"


def test_body_over_the_cap_is_refused_while_receiving():
    big = b'{"jobs": [], "pad": "' + b"x" * 300_000 + b'"}'
    with RawServer(lambda r: http_response(200, {}, big)) as server:
        with client_for(server, max_body=100_000) as client, pytest.raises(JoboResponseError) as info:
            client.jobs.search()
    assert "size cap" in str(info.value)


def test_unknown_ca_is_a_tls_error(sandbox):
    with JoboClient(sandbox.keys["full"], base_url=sandbox.base_url) as client:
        with pytest.raises(JoboTLSError):
            client.jobs.search(page_size=1)


@pytest.mark.parametrize("handshake, cls, code, attempts", [
    # a server going away mid-handshake is not a TLS verdict on it: the failure is
    # transient and no request went out, so the retry policy tries again
    ("reset", JoboConnectionError, "connection_reset", 3),
    ("plain", JoboTLSError, "tls_error", 1),  # the peer's verdict: never retried
])
def test_a_broken_handshake_is_retried_only_when_the_network_broke_it(handshake, cls, code,
                                                                       attempts):
    with RawServer(handshake=handshake) as server:
        with client_for(server, max_retries=2) as client:
            with pytest.raises(cls) as info:
                client.jobs.search()
        assert server.connections == attempts
    assert type(info.value) is cls and info.value.code == code
    assert info.value.status_code is None


def test_closed_port_is_a_connection_error():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with JoboClient(KEY, base_url=f"https://127.0.0.1:{port}", max_retries=0) as client:
        with pytest.raises(JoboConnectionError) as info:
            client.jobs.search()
    assert not isinstance(info.value, (JoboTimeoutError, JoboTLSError))
    assert info.value.status_code is None


def test_silent_server_times_out_within_about_the_timeout():
    with RawServer(lambda r: None) as server:
        with client_for(server, timeout=1) as client:
            start = time.monotonic()
            with pytest.raises(JoboTimeoutError):
                client.jobs.search()
            elapsed = time.monotonic() - start
    assert 0.9 <= elapsed < 2.5


def test_per_call_timeout_overrides_the_client_timeout():
    with RawServer(lambda r: None) as server:
        with client_for(server, timeout=30) as client:
            start = time.monotonic()
            with pytest.raises(JoboTimeoutError):
                client.jobs.search(timeout=0.5)
            assert time.monotonic() - start < 2.0


def test_every_exception_is_a_jobo_error_and_pickles():
    import pickle

    body = b'{"status":429,"error":"Too Many Requests","message":"slow","retryAfter":1900000000}'
    with RawServer(lambda r: http_response(429, {"X-Request-Id": "r1"}, body)) as server:
        with client_for(server) as client, pytest.raises(JoboError) as info:
            client.jobs.search()
    exc = info.value
    clone = pickle.loads(pickle.dumps(exc))
    assert type(clone) is JoboRateLimitError
    assert str(clone) == str(exc)
    assert clone.retry_at == exc.retry_at and clone.request_id == "r1"
    assert KEY.encode() not in pickle.dumps(exc)


@pytest.mark.parametrize("value", ['"nan"', '"inf"', '"-5"', '"0x10"', '"1e400"', "-3", '"12abc"',
                                   "1e300"])
def test_absurd_retry_after_values_in_the_body_are_ignored(value):
    body = ('{"message":"later","retryAfter":%s}' % value).encode()
    with RawServer(lambda r: http_response(429, {}, body)) as server, client_for(server) as c:
        with pytest.raises(JoboRateLimitError) as info:
            c.jobs.search()
    assert info.value.retry_after is None and info.value.retry_at is None
