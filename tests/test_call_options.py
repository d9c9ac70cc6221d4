"""Per-call options, with_options, raw responses and response headers, each
observed on the wire through the sandbox (its fault routes, its counters and its
``?echo=`` of the request as received)."""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta, timezone

import pytest

from jobo_enterprise import (
    Headers,
    JoboClient,
    JoboServerError,
    JoboTimeoutError,
    JoboValidationError,
    RawResponse,
)
from jobo_enterprise.enums import WorkModel

HTTP_VERSIONS = ("1.1", "2")

#: every endpoint method of every resource (and the official-name aliases):
#: name -> (positional arguments from the ids of a served job, keyword arguments)
CALLS = {
    "jobs.search": (lambda ids: ("engineer",), {"page_size": 1}),
    "search.search": (lambda ids: ("engineer",), {"page_size": 1}),
    "jobs.search_advanced": (lambda ids: (), {"queries": ["engineer"], "page_size": 1}),
    "jobs.get": (lambda ids: (ids["job"],), {}),
    "search.get_job": (lambda ids: (ids["job"],), {}),
    "feed.get_jobs": (lambda ids: (), {"batch_size": 1}),
    "feed.get_managed_jobs": (lambda ids: (), {"batch_size": 1}),
    "feed.get_expired_job_ids": (lambda ids: (), {"batch_size": 1}),
    "companies.get": (lambda ids: (ids["company"],), {}),
    "companies.get_jobs": (lambda ids: (ids["company"],), {"page_size": 1}),
    "locations.geocode": (lambda ids: ("Berlin",), {}),
}


@pytest.fixture
def ids(sandbox):
    job = sandbox.served_jobs()[0]
    return {"job": job.id, "company": job.doc["company"]["id"]}


def _bound(client, name, raw=False):
    resource, method = name.split(".")
    resource = getattr(client, resource)
    return getattr(resource.with_raw_response if raw else resource, method)


def _client_for(name, make_client, sandbox):
    if name == "feed.get_managed_jobs":  # the only plan with the managed feed
        if "enterprise" not in sandbox.keys:
            sandbox.keys["enterprise"] = sandbox.create_key("enterprise")
        return make_client("enterprise")
    return make_client()


def _call_args(name, ids):
    args, kwargs = CALLS[name]
    return args(ids), dict(kwargs)


# ---------------------------------------------------------------- every method, every resource

@pytest.mark.parametrize("name", list(CALLS))
def test_every_method_takes_the_options_and_sends_the_extras(name, make_client, sandbox, ids):
    client = _client_for(name, make_client, sandbox)
    args, kwargs = _call_args(name, ids)
    result = _bound(client, name)(*args, **kwargs, extra_headers={"X-Trace-Id": "abc-1"},
                 extra_query={"echo": "e1", "note": ["a", "b"]}, max_retries=0, max_wait=1,
                 deadline=30, timeout=20)
    echoed = result.__dict__["echo_request"]
    assert echoed["headers"]["x-trace-id"] == "abc-1"
    assert echoed["query"][-2:] == [["echo", "e1"], ["note", "a,b"]]
    assert "x-api-key" not in echoed["headers"]
    # the typed result carries the response's headers
    headers = result.response_headers
    assert isinstance(headers, Headers)
    assert headers["X-Request-Id"] == headers["x-request-id"] == result.usage.request_id
    assert headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("name", list(CALLS))
def test_every_method_has_a_raw_response(name, make_client, sandbox, ids, http_version):
    client = _client_for(name, make_client, sandbox)
    args, kwargs = _call_args(name, ids)
    raw = _bound(client, name, raw=True)(*args, **kwargs)
    plain = _bound(client, name)(*args, **kwargs)
    assert isinstance(raw, RawResponse)
    assert raw.status_code == 200 and raw.http_version == http_version
    assert raw.headers["X-REQUEST-ID"] == raw.request_id == raw.usage.request_id
    assert raw.request_id.startswith("req_") and raw.retries_taken == 0
    assert isinstance(raw.elapsed, timedelta) and timedelta(0) < raw.elapsed < timedelta(60)
    assert raw.content[:1] == b"{" and json.loads(raw.content) == raw.json()
    parsed = raw.parse()
    assert type(parsed) is type(plain) and parsed is raw.parse()
    assert parsed.response_headers["x-request-id"] == raw.request_id
    if hasattr(plain, "to_dict"):
        assert set(parsed.to_dict()) == set(plain.to_dict())


def test_a_raw_response_counts_the_retries_taken(sandbox, make_client):
    url = sandbox.fault("status=503,times=2,retry_after=0")
    raw = make_client(base_url=url).jobs.with_raw_response.search("engineer", page_size=1)
    assert raw.retries_taken == 2 and raw.status_code == 200 and url.requests == 3


def test_an_error_status_raises_through_with_raw_response_too(sandbox, make_client):
    client = make_client(base_url=sandbox.fault("status=503,retry_after=0"))
    with pytest.raises(JoboServerError) as info:
        client.jobs.with_raw_response.search("engineer", max_retries=0)
    assert info.value.status_code == 503


def test_with_raw_response_refuses_iterators_with_a_clear_error(client):
    with pytest.raises(TypeError, match="single calls"):
        client.jobs.with_raw_response.iter(queries=["engineer"])


def test_response_headers_are_read_only_and_case_insensitive(client):
    result = client.jobs.search("engineer", page_size=1)
    headers = result.response_headers
    assert "x-ratelimit-limit" in headers and "X-RateLimit-Limit" in headers
    assert int(headers["X-Credits-Used"]) == result.usage.credits_used
    assert headers.get_list("x-request-id") == [result.usage.request_id]
    assert headers.get("nothing") is None and "nothing" not in headers
    with pytest.raises(AttributeError):
        result.response_headers = Headers()  # type: ignore[misc]
    with pytest.raises(TypeError):
        headers["x-new"] = "1"  # type: ignore[index]


def test_a_header_sent_twice_reads_joined_and_apart():
    headers = Headers(b"Vary: Accept\r\nvary: Origin\r\nX-One: 1\r\n")
    assert headers["VARY"] == "Accept, Origin" and headers.get_list("vary") == ["Accept", "Origin"]
    assert list(headers) == ["vary", "x-one"] and len(headers) == 2


# ---------------------------------------------------------------- the options' effects

def test_per_call_max_retries_overrides_the_clients(sandbox, make_client):
    client = make_client(max_retries=3)
    none = sandbox.fault("status=503,retry_after=0")
    with pytest.raises(JoboServerError):
        JoboClient(sandbox.keys["full"], base_url=none, ca_bundle=sandbox.ca_cert,
                   max_retries=3).jobs.search("engineer", max_retries=0)
    assert none.requests == 1
    one = sandbox.fault("status=503,retry_after=0")
    with pytest.raises(JoboServerError) as info:
        make_client(base_url=one, max_retries=0).jobs.search("engineer", max_retries=1)
    assert one.requests == 2 and info.value.retries_taken == 1
    assert client.max_retries == 3


def test_per_call_max_wait_refuses_a_longer_server_wait(sandbox, make_client):
    url = sandbox.fault("status=503,retry_after=30")
    client = make_client(base_url=url)  # max_wait 60: it would wait 30 s
    started = time.monotonic()
    with pytest.raises(JoboServerError):
        client.jobs.search("engineer", max_wait=1)
    assert time.monotonic() - started < 10 and url.requests == 1
    waited = sandbox.fault("status=503,retry_after=1,times=1")
    result = make_client(base_url=waited, max_wait=0).jobs.search("engineer", page_size=1,
                                                                     max_wait=5)
    assert result.usage.credits_used == 1 and waited.requests == 2


def test_per_call_timeout_and_deadline_bound_a_slow_answer(sandbox, make_client):
    client = make_client(base_url=sandbox.fault("delay=5000"))
    for options in ({"timeout": 0.5, "max_retries": 0}, {"deadline": 1.0}):
        started = time.monotonic()
        with pytest.raises(JoboTimeoutError):
            client.jobs.search("engineer", **options)
        assert time.monotonic() - started < 4.5, options


def test_extra_query_values_are_encoded_like_documented_ones(client):
    when = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
    result = client.jobs.search("engineer", page_size=1, extra_query={
        "echo": "q", "flag": True, "when": when, "model": WorkModel.REMOTE, "n": 3})
    query = result.__dict__["echo_request"]["query"]
    assert query[3:] == [["echo", "q"], ["flag", "true"], ["when", "2024-05-06T07:08:09Z"],
                         ["model", "remote"], ["n", "3"]]


def test_extra_body_fields_are_encoded_like_documented_ones(client):
    when = datetime(2024, 5, 6, tzinfo=timezone.utc)
    page = client.feed.get_jobs(batch_size=1, extra_query={"echo": "b"}, extra_body={
        "note": {"at": when, "models": [WorkModel.HYBRID]}, "dropped": None})
    body = page.__dict__["echo_request"]["body"]
    assert body == {"batch_size": 1, "note": {"at": "2024-05-06T00:00:00Z",
                                              "models": ["hybrid"]}}
    advanced = client.jobs.search_advanced(queries=["engineer"], page_size=1,
                                           extra_query={"echo": "a"}, extra_body={"v": 2})
    assert advanced.__dict__["echo_request"]["body"]["v"] == 2


# ---------------------------------------------------------------- the extras' refusals

@pytest.mark.parametrize("options, words", [
    ({"extra_query": {"page": 2}}, "a parameter of this method: pass page="),
    ({"extra_query": {"q": "x"}}, "pass q="),
    ({"extra_query": {"work_model": "remote"}}, "pass work_model="),
    ({"extra_query": {"api_key": "k"}}, "may not hold 'api_key'"),
    ({"extra_query": {"API_KEY": "k"}}, "may not hold 'api_key'"),
    ({"extra_headers": {"X-Api-Key": "k"}}, "may not set 'X-Api-Key'"),
    ({"extra_headers": {"x-api-key": "k"}}, "may not set 'x-api-key'"),
    ({"extra_headers": {"Host": "evil"}}, "may not set 'Host'"),
    ({"extra_headers": {"Content-Length": "5"}}, "may not set 'Content-Length'"),
    ({"extra_headers": {"Transfer-Encoding": "chunked"}}, "may not set"),
    ({"extra_headers": {"X-A": "a\r\nX-Injected: 1"}}, "CR, LF, NUL"),
    ({"extra_headers": {"X-A": "a\nb"}}, "CR, LF, NUL"),
    ({"extra_headers": {"X-A": "a\x00b"}}, "CR, LF, NUL"),
    ({"extra_headers": {"X-A\r\nX-B": "1"}}, "not a valid header name"),
    ({"extra_headers": {"X A": "1"}}, "not a valid header name"),
    ({"extra_headers": {"X-A": 1}}, "must be a str"),
    ({"extra_headers": {"X-A": "caf\u00e9"}}, "must be ASCII"),
    ({"extra_headers": ["X-A: 1"]}, "must be a mapping"),
    ({"extra_headers": {"X-A": " "}}, "is empty"),
    ({"extra_headers": {"Connection": "close"}}, "connection-specific"),
    ({"extra_headers": {"User-Agent": "me"}}, "the client sets it"),
    ({"max_retries": -1}, "max_retries must be a non-negative integer"),
    ({"max_wait": "5"}, "max_wait must be a non-negative number"),
])
def test_refused_extras_raise_validation_errors_before_sending(options, words, sandbox,
                                                              make_client):
    url = sandbox.fault("status=200")
    with pytest.raises(JoboValidationError) as info:
        make_client(base_url=url).jobs.search("engineer", **options)
    assert words in str(info.value) and "Nothing was sent" in str(info.value)
    assert url.requests == 0


@pytest.mark.parametrize("extra_body, words", [
    ({"queries": ["x"]}, "pass queries="),
    ({"page_size": 5}, "pass page_size="),
    ({"api_key": "k"}, "may not hold 'api_key'"),
    ({"filters": {"nested": [{"api_key": "k"}]}}, "may not hold 'api_key'"),
])
def test_refused_body_extras_of_post_endpoints(extra_body, words, client):
    with pytest.raises(JoboValidationError, match=words.replace("(", r"\(")):
        client.jobs.search_advanced(queries=["engineer"], extra_body=extra_body)


def test_a_feed_continuation_refuses_a_filter_in_extra_body(client):
    page = client.feed.get_jobs(batch_size=1)
    with pytest.raises(JoboValidationError, match="pass sources="):
        client.feed.get_jobs(cursor=page.next_cursor, extra_body={"sources": ["ashby"]})


def test_an_unknown_option_is_a_type_error(client):
    with pytest.raises(TypeError, match=r"search\(\) got an unexpected keyword argument 'retries'"):
        client.jobs.search("engineer", retries=1)
    # extra_body is a parameter of POST endpoints only
    for method in (client.jobs.search, client.jobs.get, client.feed.get_expired_job_ids,
                   client.feed.iter_expired_job_ids, client.locations.geocode):
        with pytest.raises(TypeError, match="unexpected keyword argument 'extra_body'"):
            method("x", extra_body={"a": 1})


# ---------------------------------------------------------------- with_options

def test_with_options_shares_the_connection_and_changes_only_what_is_given(make_client):
    client = make_client(max_retries=2, timeout=30)
    quick = client.with_options(timeout=5, max_retries=0, deadline=10)
    assert (quick.timeout, quick.max_retries, quick.deadline) == (5.0, 0, 10.0)
    assert (client.timeout, client.max_retries, client.deadline) == (30.0, 2, None)
    assert quick.max_wait == client.max_wait and quick.feed_timeout == client.feed_timeout
    assert quick.search is quick.jobs and quick.jobs is not client.jobs
    first = client.jobs.search("engineer", page_size=1).response_headers["X-Connection-Id"]
    second = quick.jobs.search("engineer", page_size=1).response_headers["X-Connection-Id"]
    assert first == second  # one connection pool
    quick.close()
    assert not client.closed
    assert client.jobs.search("engineer", page_size=1).total > 0


def test_with_options_shares_the_rate_limit_state(sandbox, caplog):
    key = sandbox.create_key("full", rate_limit=2, window=2)
    client = JoboClient(key, base_url=sandbox.base_url, ca_bundle=sandbox.ca_cert,
                        max_wait=0)
    patient = client.with_options(max_wait=5)
    try:
        client.jobs.get(sandbox.served_jobs()[0].id)
        client.jobs.get(sandbox.served_jobs()[0].id)
        with caplog.at_level(logging.INFO, logger="jobo_enterprise"):
            raw = patient.jobs.with_raw_response.get(sandbox.served_jobs()[0].id)
    finally:
        client.close()
    # the window the parent used up is known to the derived client: it waited, no 429
    assert raw.retries_taken == 0
    assert [r for r in caplog.records if getattr(r, "jobo_event", None) == "pacing"]


def test_with_options_read_timeout_and_feed_timeout_reach_the_wire(sandbox, make_client):
    stalled = make_client(base_url=sandbox.fault("stall"), max_retries=0)
    started = time.monotonic()
    with pytest.raises(JoboTimeoutError):
        stalled.with_options(read_timeout=0.5).jobs.search("engineer")
    assert time.monotonic() - started < 4.5
    slow = make_client(base_url=sandbox.fault("delay=5000"), max_retries=0)
    started = time.monotonic()
    with pytest.raises(JoboTimeoutError):
        slow.with_options(feed_timeout=0.5).feed.get_jobs(batch_size=1)
    assert time.monotonic() - started < 4.5


def test_with_options_refuses_a_new_key_or_base_url_and_bad_values(client):
    for name in ("api_key", "base_url"):
        with pytest.raises(TypeError, match=f"unexpected keyword argument '{name}'"):
            client.with_options(**{name: "x"})
    from jobo_enterprise import JoboConfigurationError

    with pytest.raises(JoboConfigurationError, match="max_retries"):
        client.with_options(max_retries=-1)
    with pytest.raises(JoboConfigurationError, match="timeout"):
        client.with_options(timeout=0)


def test_with_options_never_copies_the_key_into_python(sandbox, client):
    derived = client.with_options(timeout=5)
    key = sandbox.keys["full"]
    assert key not in repr(vars(derived)) and key not in repr(derived)
    assert derived._transport is client._transport


def test_the_readme_examples_of_options_and_raw_responses_run(client, capsys, http_version):
    import os
    import re

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "README.md"), encoding="utf-8") as fh:
        text = fh.read()
    start = text.index("### Per-call options")
    blocks = re.findall(r"```python\n(.*?)```", text[start:text.index("### Logging", start)],
                        flags=re.S)
    assert len(blocks) == 3
    namespace = {"client": client}
    for code in blocks:
        exec(compile(code, "README.md", "exec"), namespace)
    out = capsys.readouterr().out.splitlines()
    assert out == ["abc-123", "True", f"200 {http_version} True", "2 True 0", "2 True",
                   "application/json"]


# ---------------------------------------------------------------- the async client, same descriptions

def _async_client(sandbox, plan="full"):
    from jobo_enterprise import AsyncJoboClient

    if plan == "enterprise" and "enterprise" not in sandbox.keys:
        sandbox.keys["enterprise"] = sandbox.create_key("enterprise")
    return AsyncJoboClient(sandbox.keys[plan], base_url=sandbox.base_url,
                           ca_bundle=sandbox.ca_cert)


@pytest.mark.parametrize("name", list(CALLS))
def test_the_async_client_takes_the_same_options_and_raw_responses(name, sandbox, ids,
                                                                   http_version):
    import asyncio

    args, kwargs = _call_args(name, ids)
    client = _async_client(sandbox, "enterprise" if name == "feed.get_managed_jobs" else "full")

    async def main():
        async with client:
            result = await _bound(client, name)(*args, **kwargs, max_retries=0,
                                                extra_headers={"X-Trace-Id": "async-1"},
                                                extra_query={"echo": "a"})
            raw = await _bound(client, name, raw=True)(*args, **kwargs)
            return result, raw

    result, raw = asyncio.run(main())
    assert result.__dict__["echo_request"]["headers"]["x-trace-id"] == "async-1"
    assert result.response_headers["x-request-id"] == result.usage.request_id
    assert isinstance(raw, RawResponse) and raw.status_code == 200
    assert raw.http_version == http_version and type(raw.parse()) is type(result)
    assert raw.headers["X-Request-Id"] == raw.request_id


def test_the_async_client_with_options_shares_its_loop_transfers(sandbox):
    import asyncio

    client = _async_client(sandbox)
    url = sandbox.fault("status=503,retry_after=0")

    async def main():
        async with client:
            quick = client.with_options(max_retries=0, timeout=5)
            first = await client.jobs.search("engineer", page_size=1)
            second = await quick.jobs.search("engineer", page_size=1)
            assert quick._loop_transport() is client._loop_transport()
            await quick.close()  # the root's connections stay open
            third = await client.jobs.search("engineer", page_size=1)
            retrying = type(client)(sandbox.keys["full"], base_url=url,
                                    ca_bundle=sandbox.ca_cert, max_retries=0)
            async with retrying:
                with pytest.raises(JoboServerError):
                    await retrying.with_options(max_retries=1).jobs.search("engineer")
            return first, second, third

    first, second, third = asyncio.run(main())
    assert (first.response_headers["x-connection-id"]
            == second.response_headers["x-connection-id"]
            == third.response_headers["x-connection-id"])
    assert url.requests == 2


# ---------------------------------------------------------------- iterators: every page's call

def test_an_iterators_options_reach_every_page(client):
    pages = list(client.jobs.iter_pages(queries=["engineer"], page_size=2, max_items=6,
                                        prefetch=2, extra_query={"echo": "p"},
                                        extra_headers={"X-Scan": "s1"}, max_retries=1))
    assert len(pages) == 3
    for page in pages:
        echoed = page.__dict__["echo_request"]
        assert echoed["headers"]["x-scan"] == "s1" and ["echo", "p"] in echoed["query"]
        assert page.response_headers["x-request-id"] == page.usage.request_id
    feed = client.feed.iter_pages(batch_size=2, extra_body={"note": "n"},
                                  extra_query={"echo": "f"})
    first, second = next(feed), next(feed)
    feed.close()
    assert first.__dict__["echo_request"]["body"]["note"] == "n"
    assert second.__dict__["echo_request"]["body"] == {"cursor": first.next_cursor, "note": "n"}


def test_an_iterators_options_are_checked_before_any_request(sandbox, make_client):
    url = sandbox.fault("status=200")
    client = make_client(base_url=url)
    for make in (lambda: client.jobs.iter(queries=["x"], extra_body={"queries": ["y"]}),
                 lambda: client.search.iter_jobs(extra_query={"api_key": "k"}),
                 lambda: client.feed.iter_jobs(extra_headers={"Host": "h"}),
                 lambda: client.feed.iter_expired_job_ids(extra_query={"cursor": "c"})):
        with pytest.raises(JoboValidationError):
            make()
    assert url.requests == 0


def test_an_iterators_max_retries_and_timeout_apply_to_its_pages(sandbox, make_client):
    url = sandbox.fault("status=503,retry_after=0")
    client = make_client(base_url=url, max_retries=0)
    with pytest.raises(JoboServerError):
        list(client.feed.iter_expired_job_ids(max_retries=2))
    assert url.requests == 3
    slow = make_client(base_url=sandbox.fault("delay=5000"), max_retries=0)
    started = time.monotonic()
    with pytest.raises(JoboTimeoutError):
        next(iter(slow.jobs.iter(queries=["engineer"], timeout=0.5)))
    assert time.monotonic() - started < 4.5


def test_a_raw_responses_elapsed_is_the_final_attempts_time(sandbox, make_client):
    raw = make_client(base_url=sandbox.fault("delay=300")).jobs.with_raw_response.search(
        "engineer", page_size=1)
    assert timedelta(seconds=0.3) <= raw.elapsed < timedelta(seconds=30)
