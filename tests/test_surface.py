"""Every endpoint of the API through our names: typed results, iterators, errors."""

from __future__ import annotations

import math
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from jobo_enterprise import (
    JoboCursorRestartRequiredError,
    JoboNotFoundError,
    JoboPermissionError,
    JoboResponseError,
    JoboValidationError,
)
from jobo_enterprise.models import (
    Company,
    ExpiredJobIdsResponse,
    FeedPage,
    GeocodeResultItem,
    InclusionExclusionFilter,
    Job,
    LocationFilter,
    RangeFilter,
    SearchResult,
)


HTTP_VERSIONS = ("1.1", "2")  # every endpoint over HTTP/1.1 and h2 (conftest)


def test_search_advanced_ors_queries_and_excludes(client):
    a = client.jobs.search_advanced(queries=['"nurse"'], page_size=1).total
    b = client.jobs.search_advanced(queries=['"data engineer"'], page_size=1).total
    both = client.jobs.search_advanced(queries=['"nurse"', '"data engineer"'], page_size=1)
    assert isinstance(both, SearchResult) and both.total == a + b
    without = client.jobs.search_advanced(queries=["engineer", "-data"], page_size=100)
    assert without.total > 0
    assert all("data" not in j.title.lower() for j in without.jobs)


def test_search_advanced_filters_as_models_or_dicts(client):
    as_model = client.jobs.search_advanced(
        skills=InclusionExclusionFilter(include=["python"]), salary_usd=RangeFilter(min=90000),
        locations=["United States"], page_size=5)
    as_dict = client.jobs.search_advanced(
        skills={"include": ["python"]}, salary_usd={"min": 90000},
        locations=["US"], page_size=5)
    assert as_model.total == as_dict.total > 0
    assert [j.id for j in as_model.jobs] == [j.id for j in as_dict.jobs]
    excluded = client.jobs.search_advanced(skills={"exclude": ["python"]}, page_size=1)
    assert excluded.total + client.jobs.search_advanced(
        skills={"include": ["python"]}, page_size=1).total == client.jobs.search(page_size=1).total


def test_search_advanced_refuses_bad_filters_without_a_request(client):
    with pytest.raises(JoboValidationError):
        client.jobs.search_advanced(skills=["python"])
    with pytest.raises(JoboValidationError):
        client.jobs.search_advanced(page_size=1000)


def test_get_job_by_str_and_uuid(client):
    job = client.jobs.search(page_size=1).jobs[0]
    by_uuid = client.jobs.get(job.id)
    by_str = client.jobs.get(str(job.id))
    assert isinstance(by_uuid, Job) and by_uuid == by_str
    assert by_uuid.to_dict() == client.jobs.search(page_size=1).jobs[0].to_dict()
    assert by_uuid.usage is not None and by_uuid.usage.credits_used == 0


def test_unknown_job_is_typed_not_found(client):
    with pytest.raises(JoboNotFoundError) as info:
        client.jobs.get(uuid.UUID(int=5))
    assert info.value.status_code == 404 and info.value.request_id
    with pytest.raises(JoboNotFoundError):
        client.jobs.get("../../api/jobs?x=1")  # percent-encoded, stays one path segment


def test_iterating_a_filtered_result_yields_exactly_total_distinct_jobs(client):
    total = client.jobs.search_advanced(queries=["engineer"], page_size=1).total
    for prefetch in (0, 4):
        jobs = list(client.jobs.iter(queries=["engineer"], page_size=37, prefetch=prefetch))
        assert len(jobs) == total == len({j.id for j in jobs})
    pages = list(client.jobs.iter_pages(queries=["engineer"], page_size=37))
    assert len(pages) == math.ceil(total / 37)
    assert [p.page for p in pages] == list(range(1, len(pages) + 1))


def test_iteration_order_is_the_server_order(client):
    seq = [j.id for j in client.jobs.iter(queries=["python"], page_size=20, prefetch=0)]
    par = [j.id for j in client.jobs.iter(queries=["python"], page_size=20, prefetch=6)]
    manual = []
    for page in range(1, 4):
        manual += [j.id for j in client.jobs.search_advanced(
            queries=["python"], page=page, page_size=20).jobs]
    assert seq == par and seq[:60] == manual


def test_max_items_caps_jobs_and_requests(client, sandbox):
    before = sandbox.stats()["requests"]["total"] if "requests" in sandbox.stats() else None
    jobs = list(client.jobs.iter(queries=["engineer"], page_size=10, max_items=25))
    assert len(jobs) == 25
    if before is not None:
        assert sandbox.stats()["requests"]["total"] - before == 3
    assert list(client.jobs.iter(queries=["engineer"], max_items=0)) == []


def test_iteration_of_nothing_makes_one_request(client):
    assert list(client.jobs.iter(sources=["no-such-ats"])) == []


def test_feed_pages_follow_cursors_and_visit_each_job_once(client):
    us = [LocationFilter(country="US")]
    first = client.feed.get_jobs(locations=us, batch_size=200)
    assert isinstance(first, FeedPage) and first.estimated_total and first.usage
    jobs = list(client.feed.iter_jobs(locations=us, batch_size=200))
    ids = [j.id for j in jobs]
    assert len(ids) == len(set(ids)) == first.estimated_total
    assert all(any(l.country == "United States" for l in j.locations) for j in jobs)
    no_prefetch = [j.id for j in client.feed.iter_jobs(locations=us, batch_size=200,
                                                       prefetch=False)]
    assert no_prefetch == ids


def test_feed_continuation_sends_only_the_cursor(client):
    page = client.feed.get_jobs(sources=["greenhouse"], batch_size=10)
    # filters given beside a cursor are ignored by the server; the SDK does not send them
    nxt = client.feed.get_jobs(cursor=page.next_cursor, sources=["lever_co"], batch_size=3)
    assert len(nxt.jobs) == 10 and all(j.source == "greenhouse" for j in nxt.jobs)


def test_tampered_cursor_is_typed_restart_required(client):
    page = client.feed.get_jobs(batch_size=5)
    bad = page.next_cursor[:-4] + ("AAAA" if not page.next_cursor.endswith("AAAA") else "BBBB")
    with pytest.raises(JoboCursorRestartRequiredError) as info:
        client.feed.get_jobs(cursor=bad)
    assert info.value.status_code == 409
    assert info.value.code == "feed_cursor_restart_required"


def test_managed_feed_is_forbidden_for_sandbox_keys(client):
    with pytest.raises(JoboPermissionError):
        client.feed.get_managed_jobs(batch_size=10)
    with pytest.raises(JoboPermissionError):
        list(client.feed.iter_managed_jobs())


def test_search_only_key_cannot_use_the_feed(make_client):
    with pytest.raises(JoboPermissionError):
        make_client("search_only").feed.get_jobs(batch_size=1)


def test_expired_ids_and_lookback_limit(client):
    since = datetime.now(timezone.utc) - timedelta(days=6)
    page = client.feed.get_expired_job_ids(expired_since=since, batch_size=10)
    assert isinstance(page, ExpiredJobIdsResponse)
    assert all(isinstance(i, uuid.UUID) for i in page.job_ids)
    every = list(client.feed.iter_expired_job_ids(expired_since=since, batch_size=10))
    assert len(every) == len(set(every)) >= len(page.job_ids) > 0
    day = client.feed.get_expired_job_ids(batch_size=10000)
    assert len(day.job_ids) < len(every)
    with pytest.raises(JoboValidationError) as info:
        client.feed.get_expired_job_ids(
            expired_since=datetime.now(timezone.utc) - timedelta(days=8))
    assert info.value.status_code == 400


def test_company_profile_and_jobs(client):
    job = client.jobs.search("python", page_size=1).jobs[0]
    company = client.companies.get(job.company.id)
    assert isinstance(company, Company) and company.id == job.company.id
    assert company.name == job.company.name and company.industries
    jobs = client.companies.get_jobs(str(job.company.id), page_size=100)
    assert isinstance(jobs, SearchResult) and job.id in {j.id for j in jobs.jobs}
    with pytest.raises(JoboNotFoundError):
        client.companies.get(uuid.UUID(int=7))


@pytest.mark.parametrize("place,country", [("San Francisco, CA", "US"), ("Berlin", "DE"),
                                           ("Paris, France", "FR"), ("Tokyo", "JP")])
def test_geocode(client, place, country):
    result = client.locations.geocode(place)
    assert isinstance(result, GeocodeResultItem) and result.succeeded
    loc = result.locations[0]
    assert loc.country_code == country
    assert isinstance(loc.latitude, float) and isinstance(loc.longitude, float)


def test_geocode_unknown_place(client):
    result = client.locations.geocode("Qwxzzy Nowhere")
    assert result.succeeded is False and result.locations == [] and result.error


def test_official_names_are_the_same_resource(client):
    assert client.search is client.jobs
    job = client.search.search(page_size=1).jobs[0]
    assert client.search.get_job(job.id) == job


def test_iterators_refuse_unknown_arguments(client):
    with pytest.raises(TypeError):
        client.jobs.iter(query="python")
    with pytest.raises(TypeError):
        client.feed.iter_jobs(location={"country": "US"})
