"""client.jobs.search against the sandbox, through the C core over TLS."""

from __future__ import annotations

import http.client
import math
import ssl
import urllib.parse
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from jobo_enterprise import (
    Job,
    JoboAuthenticationError,
    JoboInsufficientCreditsError,
    JoboPermissionError,
    JoboRateLimitError,
    JoboValidationError,
    SearchResult,
)

HTTP_VERSIONS = ("1.1", "2")  # the sandbox tests run over HTTP/1.1 and h2 (conftest)


def test_search_returns_typed_jobs_with_documented_fields(client):
    result = client.jobs.search("data engineer", page_size=5)
    assert isinstance(result, SearchResult)
    assert len(result.jobs) == 5 and result.total >= 5
    assert result.page == 1 and result.page_size == 5
    for job in result.jobs:
        assert isinstance(job, Job)
        assert isinstance(job.id, uuid.UUID)
        assert isinstance(job.title, str) and job.title
        assert isinstance(job.company.id, uuid.UUID) and job.company.name
        assert job.created_at.tzinfo is not None and job.updated_at.tzinfo is not None
        assert isinstance(job.locations, list) and job.locations
        assert job.locations[0].city is None or isinstance(job.locations[0].city, str)
        assert job.locations[0].country
        assert job.source
        assert isinstance(job.responsibilities, list)
        data = job.to_dict()
        assert data["id"] == str(job.id) and data["title"] == job.title
    assert any("engineer" in j.title.lower() or "data" in j.title.lower() for j in result.jobs)
    assert set(result.facets) >= {"work_model", "sources"}
    assert all(f.count > 0 for f in result.facets["work_model"])


def test_non_ascii_text_survives_the_round_trip(client):
    result = client.jobs.search(page_size=50)
    text = " ".join(j.description or "" for j in result.jobs)
    assert any(ord(c) > 127 for c in text)


def test_page_two_differs_and_total_pages_matches_total(client):
    p1 = client.jobs.search("engineer", page_size=10, page=1)
    p2 = client.jobs.search("engineer", page_size=10, page=2)
    assert p1.total == p2.total and p1.total > 20
    assert p1.total_pages == math.ceil(p1.total / 10) == p2.total_pages
    ids1, ids2 = {j.id for j in p1.jobs}, {j.id for j in p2.jobs}
    assert len(ids1) == len(ids2) == 10 and not ids1 & ids2
    last = client.jobs.search("engineer", page_size=10, page=p1.total_pages)
    assert 1 <= len(last.jobs) <= 10
    past = client.jobs.search("engineer", page_size=10, page=p1.total_pages + 1)
    assert past.jobs == []


def test_filters_give_the_servers_results(client):
    remote = client.jobs.search(work_model="remote", page_size=50)
    assert remote.total > 0
    assert all(j.workplace_type.lower() == "remote" for j in remote.jobs)

    both = client.jobs.search(work_model=["remote", "hybrid"], page_size=1)
    assert both.total > remote.total

    gh = client.jobs.search(sources=["greenhouse"], page_size=50)
    assert gh.total > 0 and all(j.source == "greenhouse" for j in gh.jobs)

    senior = client.jobs.search(experience_level="senior", page_size=50)
    assert senior.total > 0 and all(j.experience_level.lower() == "senior" for j in senior.jobs)

    nothing = client.jobs.search(sources="no-such-ats")
    assert nothing.total == 0 and nothing.jobs == [] and nothing.usage.credits_used == 0


def test_location_filter_by_code_and_by_name(client):
    by_code = client.jobs.search(location="US", page_size=20)
    by_name = client.jobs.search(location="United States", page_size=20)
    assert by_code.total == by_name.total > 0
    for job in by_code.jobs:
        assert any(loc.country in ("United States", "US", "USA") for loc in job.locations)


def test_quoted_phrase_matches_titles_only(client):
    result = client.jobs.search('"data engineer"', page_size=50)
    assert result.total > 0
    assert all("data engineer" in j.title.lower() for j in result.jobs)
    loose = client.jobs.search("data engineer", page_size=1)
    assert loose.total >= result.total


def test_date_and_salary_bounds(client):
    since = datetime.now(timezone.utc) - timedelta(days=10)
    recent = client.jobs.search(posted_after=since, page_size=50)
    assert 0 < recent.total < client.jobs.search(page_size=1).total
    assert all(j.date_posted >= since for j in recent.jobs)
    rich = client.jobs.search(min_salary_usd=150000, page_size=1)
    assert 0 < rich.total < client.jobs.search(page_size=1).total


def test_include_fields_and_facets(client):
    lean = client.jobs.search("python", page_size=3, include_fields=[], include_facets=[])
    assert lean.facets == {}
    for job in lean.jobs:
        assert job.description == "" and job.summary is None and job.benefits == []
        assert job.title
    some = client.jobs.search("python", page_size=3, include_fields=["summary"],
                              include_facets=["sources"])
    assert list(some.facets) == ["sources"]
    assert all(j.summary and j.description == "" for j in some.jobs)


def test_server_side_validation_error_is_typed(client):
    with pytest.raises(JoboValidationError) as info:
        client.jobs.search(include_facets=["not_a_facet"])
    assert info.value.status_code == 400 and info.value.request_id


def test_usage_figures_equal_the_headers_the_server_sent(client, sandbox):
    ctx = ssl.create_default_context(cafile=sandbox.ca_cert)
    conn = http.client.HTTPSConnection("127.0.0.1", int(sandbox.base_url.rsplit(":", 1)[1]),
                                       context=ctx, timeout=10)
    query = urllib.parse.urlencode({"q": "nurse", "page_size": 3})
    conn.request("GET", "/api/jobs?" + query, headers={"X-Api-Key": sandbox.keys["full"]})
    raw = conn.getresponse()
    raw.read()
    conn.close()
    before = int(raw.getheader("X-Credits-Remaining"))
    limit = int(raw.getheader("X-RateLimit-Limit"))

    result = client.jobs.search("nurse", page_size=3)
    u = result.usage
    assert u.credits_used == int(raw.getheader("X-Credits-Used")) == 3
    assert u.credits_remaining == before - 3
    assert u.rate_limit_limit == limit
    assert u.rate_limit_remaining is not None and u.rate_limit_remaining < limit
    assert u.rate_limit_reset.tzinfo is not None
    assert u.request_id and u.request_id != raw.getheader("X-Request-Id")
    assert client.usage is u


def test_revoked_key_raises_authentication_error(make_client):
    with pytest.raises(JoboAuthenticationError) as info:
        make_client("revoked").jobs.search(page_size=1)
    assert info.value.status_code == 401 and info.value.message == "Missing or invalid API key"


def test_unknown_key_raises_authentication_error(make_client, sandbox):
    from jobo_enterprise import JoboClient

    with JoboClient("jbe_test_notakey", base_url=sandbox.base_url, ca_bundle=sandbox.ca_cert) as c:
        with pytest.raises(JoboAuthenticationError):
            c.jobs.search(page_size=1)


def test_feed_only_key_searching_raises_permission_error(make_client):
    with pytest.raises(JoboPermissionError) as info:
        make_client("feed_only").jobs.search(page_size=1)
    assert info.value.status_code == 403


def test_limited_key_past_its_window_raises_rate_limit_error(make_client):
    client = make_client("limited", max_retries=0, max_wait=0)
    with pytest.raises(JoboRateLimitError) as info:
        for _ in range(50):
            client.jobs.search(page_size=1)
    exc = info.value
    assert exc.status_code == 429
    assert exc.retry_after > 0
    epoch = exc.response_body["retryAfter"]
    assert exc.retry_at == datetime.fromtimestamp(epoch, tz=timezone.utc)
    assert str(epoch) in exc.message
    assert exc.usage.rate_limit_remaining == 0


def test_low_credits_key_raises_insufficient_credits(make_client):
    client = make_client("low_credits")
    with pytest.raises(JoboInsufficientCreditsError) as info:
        for _ in range(100):
            client.jobs.search(page_size=25)
    exc = info.value
    assert exc.status_code == 402
    assert exc.credits_required is not None and exc.credits_balance is not None
    assert exc.credits_required > exc.credits_balance


def test_page_size_zero_raises_validation_error(client):
    with pytest.raises(JoboValidationError):
        client.jobs.search(page_size=0)


def test_key_in_query_string_is_not_accepted(sandbox):
    ctx = ssl.create_default_context(cafile=sandbox.ca_cert)
    conn = http.client.HTTPSConnection("127.0.0.1", int(sandbox.base_url.rsplit(":", 1)[1]),
                                       context=ctx, timeout=10)
    conn.request("GET", "/api/jobs?api_key=" + sandbox.keys["full"])
    assert conn.getresponse().status == 401
    conn.close()
