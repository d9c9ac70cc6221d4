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
