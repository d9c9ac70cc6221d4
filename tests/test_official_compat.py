"""Code written for the official jobo-enterprise 4.x package runs unchanged.

Everything below uses only the official package's imports, names and call
shapes; only the fixtures (which point the client at the local sandbox through
the environment) know about our extras.
"""

from datetime import datetime, timedelta, timezone
from uuid import UUID

import pytest

from jobo_enterprise.client import JoboClient
from jobo_enterprise.enums import EmploymentType, ExperienceLevel, WorkModel
from jobo_enterprise.exceptions import (
    JoboAuthenticationError,
    JoboCursorRestartRequiredError,
    JoboError,
    JoboNotFoundError,
    JoboPermissionError,
    JoboRateLimitError,
    JoboServerError,
    JoboValidationError,
)
from jobo_enterprise.models import (
    Company,
    ExpiredJobIdsResponse,
    GeocodeResultItem,
    InclusionExclusionFilter,
    Job,
    JobFeedResponse,
    JobSearchResponse,
    LocationFilter,
    RangeFilter,
)


@pytest.fixture
def official(sandbox, monkeypatch):
    # how an official-SDK user trusts a private CA: the standard variable
    monkeypatch.setenv("SSL_CERT_FILE", sandbox.ca_cert)
    client = JoboClient(sandbox.keys["full"], base_url=sandbox.base_url, timeout=30.0)
    yield client
    client.close()


def test_search_search(official):
    response = official.search.search(q="data engineer", page=1, page_size=10,
                                      work_model=WorkModel.REMOTE)
    assert isinstance(response, JobSearchResponse)
    assert response.page_size == 10
    for job in response.jobs:
        assert isinstance(job, Job) and isinstance(job.id, UUID)
        assert job.workplace_type.lower() == "remote"


def test_search_search_advanced(official):
    response = official.search.search_advanced(
        queries=["python", "data engineer"],
        skills=InclusionExclusionFilter(include=["python"]),
        salary_usd=RangeFilter(min=50000),
        experience_levels=[ExperienceLevel.SENIOR, ExperienceLevel.MID],
        employment_types=[EmploymentType.FULL_TIME],
        page_size=20,
    )
    assert isinstance(response, JobSearchResponse) and response.total > 0
    assert all(j.experience_level.lower() in ("senior", "mid") for j in response.jobs)


def test_search_iter_jobs(official):
    jobs = list(official.search.iter_jobs(queries=['"nurse"'], page_size=25))
    total = official.search.search_advanced(queries=['"nurse"'], page_size=1).total
    assert len(jobs) == total == len({j.id for j in jobs})
    assert all(isinstance(j, Job) for j in jobs)


def test_search_get_job(official):
    job = official.search.search(page_size=1).jobs[0]
    again = official.search.get_job(job.id)
    assert again.id == job.id and again.title == job.title
    with pytest.raises(JoboNotFoundError):
        official.search.get_job("00000000-0000-4000-8000-000000000000")


def test_feed_get_jobs_with_location_filter(official):
    page = official.feed.get_jobs(locations=[LocationFilter(country="US")], batch_size=50)
    assert isinstance(page, JobFeedResponse)
    assert len(page.jobs) == 50 and page.has_more and page.next_cursor
    nxt = official.feed.get_jobs(cursor=page.next_cursor)
    assert not {j.id for j in page.jobs} & {j.id for j in nxt.jobs}


def test_feed_iter_jobs(official):
    since = datetime.now(timezone.utc) - timedelta(days=5)
    jobs = list(official.feed.iter_jobs(posted_after=since, batch_size=100))
    assert jobs and len(jobs) == len({j.id for j in jobs})


def test_feed_get_expired_job_ids(official):
    response = official.feed.get_expired_job_ids(
        expired_since=datetime.now(timezone.utc) - timedelta(days=6))
    assert isinstance(response, ExpiredJobIdsResponse)
    assert response.job_ids and all(isinstance(i, UUID) for i in response.job_ids)


def test_companies_get_and_get_jobs(official):
    job = official.search.search(page_size=1).jobs[0]
    company = official.companies.get(job.company.id)
    assert isinstance(company, Company) and company.id == job.company.id and company.name
    jobs = official.companies.get_jobs(job.company.id, page=1, page_size=10)
    assert isinstance(jobs, JobSearchResponse) and jobs.total >= 1
    assert all(j.company.id == job.company.id for j in jobs.jobs)


def test_locations_geocode(official):
    result = official.locations.geocode("San Francisco, CA")
    assert isinstance(result, GeocodeResultItem) and result.succeeded
    assert result.locations[0].country_code == "US"
    assert not official.locations.geocode("Nowhereville Xyzzy").succeeded


def test_bad_key_raises_authentication_error(sandbox, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", sandbox.ca_cert)
    client = JoboClient("jbe_test_not_a_real_key", base_url=sandbox.base_url)
    with pytest.raises(JoboAuthenticationError) as info:
        client.search.search(q="python")
    assert isinstance(info.value, JoboError)
    assert info.value.status_code == 401


def test_exception_hierarchy_is_the_official_one():
    for cls in (JoboAuthenticationError, JoboPermissionError, JoboNotFoundError,
                JoboRateLimitError, JoboValidationError, JoboCursorRestartRequiredError,
                JoboServerError):
        assert issubclass(cls, JoboError)
    err = JoboRateLimitError("Rate limit exceeded", retry_after=3, status_code=429)
    assert err.retry_after == 3 and err.status_code == 429


# -- the usage patterns of the official README, each in our own words ------------------


def test_quick_start_with_top_level_imports_and_a_context_manager(sandbox, monkeypatch):
    from jobo_enterprise import JoboClient as TopLevelClient

    monkeypatch.setenv("SSL_CERT_FILE", sandbox.ca_cert)
    with TopLevelClient(api_key=sandbox.keys["full"], base_url=sandbox.base_url) as client:
        results = client.search.search(q="software engineer", location="San Francisco")
        assert results.jobs and all(j.title and j.company.name for j in results.jobs)
        geo = client.locations.geocode("London, United Kingdom")
        first = geo.locations[0]
        assert first.display_name.startswith("London") and first.latitude and first.longitude
    assert client.closed


def test_feed_batch_with_several_location_filters(official):
    from jobo_enterprise import LocationFilter as TopLevelFilter

    response = official.feed.get_jobs(
        locations=[TopLevelFilter(country="US", region="California"),
                   TopLevelFilter(country="US", city="New York")],
        sources=["greenhouse", "workday"], work_models=["remote", "hybrid"], batch_size=1000)
    assert response.jobs and isinstance(response.has_more, bool)
    for job in response.jobs:
        assert job.source in ("greenhouse", "workday")
        assert any(loc.region == "California" or loc.city == "New York" for loc in job.locations)


def test_feed_auto_pagination_and_incremental_sync(official):
    everything = [j.id for j in official.feed.iter_jobs(batch_size=1000, sources=["greenhouse"])]
    assert everything and len(everything) == len(set(everything))
    since = datetime.now(timezone.utc) - timedelta(days=3)
    recent = list(official.feed.iter_jobs(updated_after=since, batch_size=1000))
    assert recent and all(j.updated_at >= since for j in recent)


def test_managed_feed_and_expired_ids_loops(sandbox, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", sandbox.ca_cert)
    with JoboClient(sandbox.create_key("enterprise"), base_url=sandbox.base_url) as client:
        managed = list(client.feed.iter_managed_jobs(batch_size=1000))
        assert managed and all(isinstance(j, Job) for j in managed)
        expired = list(client.feed.iter_expired_job_ids())
        assert all(isinstance(i, UUID) for i in expired)


def test_simple_search_with_csv_sources_and_an_enum(official):
    from jobo_enterprise import WorkModel as TopLevelWorkModel

    results = official.search.search(q="data scientist", sources="greenhouse,lever_co",
                                     work_model=TopLevelWorkModel.REMOTE, min_salary_usd=50000,
                                     page_size=50)
    assert results.total_pages == -(-results.total // 50)
    assert all(j.source in ("greenhouse", "lever_co") for j in results.jobs)


def test_trim_the_payload_and_read_facets(official):
    from jobo_enterprise import InclusionExclusionFilter as IEF, RangeFilter as RF

    trimmed = official.search.search(q="data scientist", include_fields="summary", page_size=50)
    assert all(j.summary and j.description == "" and j.benefits == [] for j in trimmed.jobs)
    results = official.search.search_advanced(
        queries=["machine learning engineer", "ML engineer", "AI engineer"],
        locations=["San Francisco", "New York"], work_models=["remote", "hybrid"],
        skills=IEF(include=["python"], exclude=["php"]), salary_usd=RF(min=100000),
        include_facets=["work_model", "experience_level"], page_size=100)
    assert set(results.facets) == {"work_model", "experience_level"}
    for facet, buckets in results.facets.items():
        assert all(isinstance(b.key, str) and b.count > 0 for b in buckets)


def test_auto_paginate_search_results_and_company_pages(official):
    jobs = list(official.search.iter_jobs(queries=["engineer"], locations=["London"],
                                          page_size=100))
    assert jobs and all(j.title and j.company.name for j in jobs)
    company = official.companies.get(jobs[0].company.id)
    assert company.name == jobs[0].company.name and company.website
    page = official.companies.get_jobs(jobs[0].company.id, page_size=50)
    assert page.total >= 1


@pytest.mark.parametrize("case", ["auth", "permission", "not_found", "validation",
                                  "cursor", "rate", "server"])
def test_the_official_error_handling_chain_catches_each_error(sandbox, monkeypatch, case):
    monkeypatch.setenv("SSL_CERT_FILE", sandbox.ca_cert)
    base = {"rate": sandbox.fault_url("status=429,retry_after=0"),
            "server": sandbox.fault_url("status=503,retry_after=0")}.get(case, sandbox.base_url)
    key = sandbox.keys["revoked" if case == "auth" else "full"]
    client = JoboClient(key, base_url=base)
    call = {
        "permission": lambda: client.feed.get_managed_jobs(),
        "not_found": lambda: client.search.get_job("00000000-0000-4000-8000-000000000000"),
        "validation": lambda: client.feed.get_expired_job_ids(
            expired_since=datetime.now(timezone.utc) - timedelta(days=30)),
        "cursor": lambda: client.feed.get_jobs(cursor="not-a-cursor"),
    }.get(case, lambda: client.search.search(q="engineer"))
    caught = None
    try:
        call()
    except JoboAuthenticationError:
        caught = "auth"
    except JoboPermissionError:
        caught = "permission"
    except JoboNotFoundError:
        caught = "not_found"
    except JoboRateLimitError as e:
        caught = "rate"
        assert e.retry_after == 0
    except JoboValidationError as e:
        caught = "validation"
        assert e.detail == "Bad Request" and "7 days" in e.message
    except JoboCursorRestartRequiredError as e:
        caught = "cursor"
        assert e.code == "feed_cursor_restart_required"
    except JoboServerError:
        caught = "server"
    except JoboError:
        caught = "other"
    finally:
        client.close()
    assert caught == case
