"""Unit tests of the typed models, the enums and the date-time helpers.

These run on dicts shaped like the wire contract (API.md §5); no network.
"""

from __future__ import annotations

import copy
import json
import pickle
from datetime import date, datetime, timedelta, timezone
from uuid import UUID

import pytest

from jobo_enterprise import _time, models
from jobo_enterprise.exceptions import JoboResponseError, ModelValidationError
from jobo_enterprise.models import _fields
from jobo_enterprise._time import format_datetime, parse_datetime
from jobo_enterprise.enums import (
    CompensationPeriod,
    EmploymentType,
    ExperienceLevel,
    SkillType,
    WorkModel,
)
from jobo_enterprise.models import (
    Company,
    CompanyFundingRound,
    CompanyKeyEvent,
    CompanyTechnology,
    ExpiredJobIdsResponse,
    FeedPage,
    GeocodedLocation,
    GeocodeResult,
    GeocodeResultItem,
    InclusionExclusionFilter,
    Job,
    JobCompany,
    JobCompensation,
    JobFacet,
    JobFeedRequest,
    JobFeedResponse,
    JobLocation,
    JobQualifications,
    JobSearchBodyRequest,
    JobSearchResponse,
    LocationFilter,
    ManagedJobFeedRequest,
    Model,
    QualificationBucket,
    QualificationSkill,
    RangeFilter,
    SearchResult,
    Usage,
)

UTC = timezone.utc
JOB_ID = "8c1e3f0a-1b2c-4d5e-8f90-123456789abc"
COMPANY_ID = "0b7c9a6e-9f7d-4a44-9a1c-7f0e2d3c4b5a"


def full_job(**overrides):
    """A realistic job: every field of API.md §5, non-ASCII text, extras."""
    job = {
        "id": JOB_ID,
        "title": "Ingénieur·e Données Senior — Zürich",
        "normalized_title": "data engineer",
        "company": {
            "id": COMPANY_ID,
            "name": "Müller & Söhne GmbH",
            "website": "https://mueller.example",
            "logo_url": "https://mueller.example/logo.png",
            "summary": "Datenplattformen für den Mittelstand.",
            "linkedin_url": "https://www.linkedin.com/company/mueller",
            "crunchbase_url": None,
            "details_url": "https://connect.jobo.world/api/companies/" + COMPANY_ID,
            "industries": ["Software", "Données"],
            "categories": ["B2B"],
            "employee_count": 120,  # extra, nested
        },
        "description": "Wir suchen … 数据工程师 " + "x" * 5000,
        "summary": "Build pipelines in Zürich.",
        "listing_url": "https://boards.greenhouse.io/mueller/jobs/1",
        "apply_url": "https://boards.greenhouse.io/mueller/jobs/1#app",
        "locations": [
            {
                "location": "Zürich, Switzerland",
                "city": "Zürich",
                "region": "ZH",
                "country": "CH",
                "latitude": 47.3769,
                "longitude": 8,  # an int where a float belongs
            },
            {"location": "東京", "city": "東京", "region": None, "country": "JP",
             "latitude": None, "longitude": None},
        ],
        "compensation": {"min": 120000, "max": 150000.5, "currency": "CHF", "period": "yearly"},
        "employment_type": "Full-time",
        "workplace_type": "Hybrid",
        "experience_level": "Senior",
        "source": "greenhouse",
        "created_at": "2024-05-01T12:34:56.123456Z",
        "updated_at": "2024-05-02T08:00:00+02:00",
        "date_posted": "2024-04-30T00:00:00",
        "valid_through": None,
        "qualifications": {
            "must_have": {
                "education": ["BSc Informatik"],
                "certifications": [],
                "skills": [{"name": "Python", "type": "hard"}, {"name": "Kommunikation", "type": "soft"}],
            },
            "preferred": {
                "education": [],
                "certifications": ["AWS Solutions Architect"],
                "skills": [{"name": "Scala"}],
            },
        },
        "responsibilities": ["Datenpipelines bauen", "Mentor für Juniors sein"],
        "benefits": ["30 Tage Urlaub", "Büro am See"],
        "is_work_auth_required": False,
        "is_h1b_sponsor": True,
        "is_clearance_required": None,
        # unknown extras from a newer server
        "ranking_score": 0.93,
        "remote_policy": {"timezones": ["CET", "GMT"]},
    }
    job.update(overrides)
    return job


def minimal_job(**overrides):
    """A job with only the required fields."""
    job = {
        "id": JOB_ID,
        "title": "Data Engineer",
        "company": {"id": COMPANY_ID, "name": "Acme"},
        "description": "",
        "listing_url": "https://jobs.example/1",
        "apply_url": "https://jobs.example/1/apply",
        "source": "greenhouse",
        "created_at": "2024-05-01T12:00:00Z",
        "updated_at": "2024-05-01T12:00:00Z",
    }
    job.update(overrides)
    return job


def search_page(jobs, **overrides):
    page = {
        "jobs": jobs,
        "total": 1234,
        "page": 2,
        "page_size": 25,
        "total_pages": 50,
        "facets": {
            "work_model": [{"key": "remote", "count": 700}, {"key": "hybrid", "count": 534}],
            "skills": [{"key": "python", "count": 9007199254740993.0}],
        },
    }
    page.update(overrides)
    return page


# ── _time ────────────────────────────────────────────────────────────


PARSE_CASES = [
    ("2024-05-01T12:34:56Z", datetime(2024, 5, 1, 12, 34, 56, tzinfo=UTC)),
    ("2024-05-01T12:34:56.5Z", datetime(2024, 5, 1, 12, 34, 56, 500000, tzinfo=UTC)),
    ("2024-05-01T12:34:56.123Z", datetime(2024, 5, 1, 12, 34, 56, 123000, tzinfo=UTC)),
    ("2024-05-01T12:34:56.1234Z", datetime(2024, 5, 1, 12, 34, 56, 123400, tzinfo=UTC)),
    ("2024-05-01T12:34:56.123456Z", datetime(2024, 5, 1, 12, 34, 56, 123456, tzinfo=UTC)),
    ("2024-05-01T12:34:56.1234567Z", datetime(2024, 5, 1, 12, 34, 56, 123456, tzinfo=UTC)),
    ("2024-05-01T12:34:56.123456789Z", datetime(2024, 5, 1, 12, 34, 56, 123456, tzinfo=UTC)),
    ("2024-05-01T12:34:56+00:00", datetime(2024, 5, 1, 12, 34, 56, tzinfo=UTC)),
    ("2024-05-01T14:34:56+02:00",
     datetime(2024, 5, 1, 14, 34, 56, tzinfo=timezone(timedelta(hours=2)))),
    ("2024-05-01T07:04:56-05:30",
     datetime(2024, 5, 1, 7, 4, 56, tzinfo=timezone(-timedelta(hours=5, minutes=30)))),
    ("2024-05-01T14:34:56.25+0200",
     datetime(2024, 5, 1, 14, 34, 56, 250000, tzinfo=timezone(timedelta(hours=2)))),
    ("2024-05-01T12:34:56", datetime(2024, 5, 1, 12, 34, 56, tzinfo=UTC)),
    ("2024-05-01T12:34", datetime(2024, 5, 1, 12, 34, tzinfo=UTC)),
    ("2024-05-01 12:34:56z", datetime(2024, 5, 1, 12, 34, 56, tzinfo=UTC)),
    ("2024-05-01t12:34:56Z", datetime(2024, 5, 1, 12, 34, 56, tzinfo=UTC)),
    ("2024-05-01T12:34:56,5Z", datetime(2024, 5, 1, 12, 34, 56, 500000, tzinfo=UTC)),
    (" 2024-05-01T12:34:56Z ", datetime(2024, 5, 1, 12, 34, 56, tzinfo=UTC)),
    ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
    ("2024-05-01T24:00:00Z", datetime(2024, 5, 2, tzinfo=UTC)),
]


@pytest.mark.parametrize("text,expected", PARSE_CASES)
def test_parse_datetime_reads_iso8601_variants_as_aware(text, expected):
    got = parse_datetime(text)
    assert isinstance(got, datetime)
    assert got.tzinfo is not None
    assert got == expected
    assert got.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text,expected", PARSE_CASES)
def test_portable_parser_agrees_with_the_fast_path(text, expected):
    # The regex path is what Python 3.9/3.10 use for "Z" and odd fractions.
    got = _time._slow_parse(text)
    assert got == expected
    assert got.utcoffset() == expected.utcoffset()


def test_parse_datetime_gives_the_utc_singleton_for_utc_inputs():
    assert parse_datetime("2024-05-01T12:00:00Z").tzinfo is UTC
    assert parse_datetime("2024-05-01T12:00:00").tzinfo is UTC
    assert _time._slow_parse("2024-05-01T12:00:00+00:00").tzinfo is UTC


@pytest.mark.parametrize(
    "text", ["", "yesterday", "2024-13-01T00:00:00Z", "2024-02-30", "2024-05-01T25:00:00Z",
             "2024-05-01T12:00:00+25:00", "01/05/2024", "2024-05-01T12:00:00Zjunk"]
)
def test_parse_datetime_keeps_an_unparsable_string(text):
    assert parse_datetime(text) == text
    assert _time._slow_parse(text) is None


def test_parse_datetime_other_inputs():
    assert parse_datetime(None) is None
    naive = datetime(2024, 5, 1, 12, 0)
    assert parse_datetime(naive) == datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    aware = datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=-3)))
    assert parse_datetime(aware) is aware
    assert parse_datetime(date(2024, 5, 1)) == datetime(2024, 5, 1, tzinfo=UTC)
    assert parse_datetime(0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert parse_datetime(1.5) == datetime(1970, 1, 1, 0, 0, 1, 500000, tzinfo=UTC)
    assert parse_datetime(WorkModel.REMOTE) == "remote"  # str subclass: parsed as text
    assert parse_datetime(b"2024") == b"2024"


def test_format_datetime_writes_utc_with_z():
    assert format_datetime(datetime(2024, 5, 1, 12, 0, tzinfo=UTC)) == "2024-05-01T12:00:00Z"
    plus2 = timezone(timedelta(hours=2))
    assert format_datetime(datetime(2024, 5, 1, 1, 30, tzinfo=plus2)) == "2024-04-30T23:30:00Z"
    assert format_datetime(datetime(2024, 5, 1, 12, 0)) == "2024-05-01T12:00:00Z"  # naive = UTC
    assert format_datetime(datetime(2024, 5, 1, 12, 0, 0, 5)) == "2024-05-01T12:00:00.000005Z"
    assert format_datetime(date(2024, 5, 1)) == "2024-05-01T00:00:00Z"
    assert format_datetime("2024-05-01T12:00:00+02:00") == "2024-05-01T12:00:00+02:00"
    assert format_datetime(None) is None
    assert format_datetime(0) == "1970-01-01T00:00:00Z"
    with pytest.raises(TypeError):
        format_datetime(object())
    with pytest.raises(TypeError):
        format_datetime(True)


def test_format_then_parse_round_trips():
    value = datetime(2024, 5, 1, 12, 34, 56, 789000, tzinfo=timezone(timedelta(hours=-7)))
    assert parse_datetime(format_datetime(value)) == value


def test_datetime_from_epoch():
    assert _time.datetime_from_epoch(1700000000) == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert _time.datetime_from_epoch(None) is None
    assert _time.datetime_from_epoch(10 ** 20) is None


# ── enums ────────────────────────────────────────────────────────────


def test_enum_wire_values():
    assert [m.value for m in WorkModel] == ["remote", "hybrid", "onsite"]
    assert [m.value for m in EmploymentType] == [
        "full-time", "part-time", "contract", "internship", "freelance", "temporary"]
    assert [m.value for m in ExperienceLevel] == [
        "intern", "entry", "mid", "senior", "lead", "executive"]
    assert [m.value for m in CompensationPeriod] == [
        "hourly", "daily", "weekly", "monthly", "yearly", "per-diem"]
    assert [m.value for m in SkillType] == ["hard", "soft"]
    assert CompensationPeriod.PER_DIEM == "per-diem"
    assert EmploymentType.FULL_TIME.name == "FULL_TIME"


def test_enum_members_are_their_wire_strings():
    assert isinstance(WorkModel.REMOTE, str)
    assert str(EmploymentType.FULL_TIME) == "full-time"
    assert f"{EmploymentType.FULL_TIME}" == "full-time"
    assert "{}".format(ExperienceLevel.SENIOR) == "senior"
    assert f"{WorkModel.ONSITE:>8}" == "  onsite"
    assert json.dumps([WorkModel.HYBRID]) == '["hybrid"]'
    assert ",".join([WorkModel.REMOTE, WorkModel.HYBRID]) == "remote,hybrid"
    assert repr(WorkModel.REMOTE) == "WorkModel.REMOTE"
    assert WorkModel("remote") is WorkModel.REMOTE


def test_enum_lookup_accepts_display_cased_values():
    assert EmploymentType("Full-time") is EmploymentType.FULL_TIME
    assert EmploymentType("FULL_TIME") is EmploymentType.FULL_TIME
    assert WorkModel("On-site") is WorkModel.ONSITE
    assert CompensationPeriod("Per Diem") is CompensationPeriod.PER_DIEM
    with pytest.raises(ValueError):
        WorkModel("mars")
    with pytest.raises(ValueError):
        WorkModel(3)


# ── Job: reading ─────────────────────────────────────────────────────


def test_full_job_fields_have_the_official_types():
    job = Job.from_dict(full_job())
    assert job.id == UUID(JOB_ID) and type(job.id) is UUID
    assert job.title == "Ingénieur·e Données Senior — Zürich"
    assert job.normalized_title == "data engineer"
    assert job.description.startswith("Wir suchen … 数据工程师")
    assert job.summary == "Build pipelines in Zürich."
    assert job.listing_url.endswith("/jobs/1")
    assert job.apply_url.endswith("#app")
    assert (job.employment_type, job.workplace_type, job.experience_level) == (
        "Full-time", "Hybrid", "Senior")
    assert EmploymentType(job.employment_type) is EmploymentType.FULL_TIME
    assert job.source == "greenhouse"
    assert job.is_work_auth_required is False
    assert job.is_h1b_sponsor is True
    assert job.is_clearance_required is None
    assert job.responsibilities == ["Datenpipelines bauen", "Mentor für Juniors sein"]
    assert job.benefits == ["30 Tage Urlaub", "Büro am See"]


def test_full_job_company():
    company = Job.from_dict(full_job()).company
    assert type(company) is JobCompany
    assert company.id == UUID(COMPANY_ID) and type(company.id) is UUID
    assert company.name == "Müller & Söhne GmbH"
    assert company.website == "https://mueller.example"
    assert company.logo_url.endswith("logo.png")
    assert company.summary.startswith("Datenplattformen")
    assert company.linkedin_url.endswith("/mueller")
    assert company.crunchbase_url is None
    assert company.details_url.endswith(COMPANY_ID)
    assert company.industries == ["Software", "Données"]
    assert company.categories == ["B2B"]
    assert company.employee_count == 120  # extra field


def test_full_job_locations_and_compensation_convert_ints_to_floats():
    job = Job.from_dict(full_job())
    zurich, tokyo = job.locations
    assert type(zurich) is JobLocation
    assert (zurich.location, zurich.city, zurich.region, zurich.country) == (
        "Zürich, Switzerland", "Zürich", "ZH", "CH")
    assert zurich.latitude == 47.3769 and type(zurich.latitude) is float
    assert zurich.longitude == 8.0 and type(zurich.longitude) is float
    assert tokyo.city == "東京" and tokyo.latitude is None and tokyo.region is None
    comp = job.compensation
    assert type(comp) is JobCompensation
    assert comp.min == 120000.0 and type(comp.min) is float
    assert comp.max == 150000.5 and type(comp.max) is float
    assert comp.currency == "CHF"
    assert CompensationPeriod(comp.period) is CompensationPeriod.YEARLY


def test_full_job_datetimes_are_aware():
    job = Job.from_dict(full_job())
    assert job.created_at == datetime(2024, 5, 1, 12, 34, 56, 123456, tzinfo=UTC)
    assert job.updated_at == datetime(2024, 5, 2, 6, 0, tzinfo=UTC)
    assert job.updated_at.utcoffset() == timedelta(hours=2)  # offset kept
    assert job.date_posted == datetime(2024, 4, 30, tzinfo=UTC)  # naive -> UTC
    assert job.date_posted.tzinfo is not None
    assert job.valid_through is None


def test_full_job_qualifications():
    q = Job.from_dict(full_job()).qualifications
    assert type(q) is JobQualifications
    assert type(q.must_have) is QualificationBucket
    assert q.must_have.education == ["BSc Informatik"]
    assert q.must_have.certifications == []
    assert [(s.name, s.type) for s in q.must_have.skills] == [
        ("Python", "hard"), ("Kommunikation", "soft")]
    assert all(type(s) is QualificationSkill for s in q.must_have.skills)
    assert SkillType(q.must_have.skills[1].type) is SkillType.SOFT
    assert q.preferred.certifications == ["AWS Solutions Architect"]
    assert q.preferred.skills[0].type == "hard"  # absent type -> "hard"


def test_unknown_fields_are_kept_and_reachable():
    data = full_job()
    job = Job.from_dict(data)
    assert job.ranking_score == 0.93
    assert job.remote_policy == {"timezones": ["CET", "GMT"]}
    assert job.model_extra == {"ranking_score": 0.93, "remote_policy": {"timezones": ["CET", "GMT"]}}
    out = job.to_dict()
    assert out["ranking_score"] == 0.93
    assert out["company"]["employee_count"] == 120
    assert "ranking_score" in dir(job)


def test_undeclared_absent_attribute_raises_attribute_error():
    job = Job.from_dict(minimal_job())
    with pytest.raises(AttributeError):
        job.no_such_field
    assert not hasattr(job, "ranking_score")
    assert getattr(job.company, "employee_count", "default") == "default"


def test_minimal_job_reads_official_defaults():
    job = Job.from_dict(minimal_job())
    assert job.id == UUID(JOB_ID)
    assert job.title == "Data Engineer"
    assert job.company.name == "Acme"
    assert job.company.industries == [] and job.company.website is None
    assert job.created_at == job.updated_at == datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert job.description == "" and job.source == "greenhouse"
    for name in ("normalized_title", "summary", "compensation", "employment_type",
                 "workplace_type", "experience_level", "date_posted", "valid_through",
                 "is_work_auth_required", "is_h1b_sponsor", "is_clearance_required"):
        assert getattr(job, name) is None, name
    assert job.locations == [] and job.responsibilities == [] and job.benefits == []
    q = job.qualifications
    assert type(q) is JobQualifications
    assert q.must_have.skills == [] and q.preferred.education == []
    assert job.to_dict() == minimal_job()  # defaults are not added to the data


def test_null_lists_and_objects_read_as_defaults():
    job = Job.from_dict(minimal_job(locations=None, benefits=None, qualifications=None,
                                    compensation=None))
    assert job.locations == [] and job.benefits == []
    assert job.qualifications.must_have.skills == []
    assert job.compensation is None


def test_absent_list_default_is_not_shared():
    a, b = Job.from_dict(minimal_job()), Job.from_dict(minimal_job())
    a.benefits.append("x")
    assert b.benefits == []


def test_values_a_declared_type_cannot_hold_raise_naming_field_and_value():
    doc = minimal_job(id="not-a-uuid", created_at="garbage", company="Acme Inc",
                      locations={"city": "X"}, benefits=["a", 3], date_posted=17)
    for job in (Job.from_dict(dict(doc)), Job.from_json(json.dumps(doc))):
        for name, shown in (("id", "'not-a-uuid'"), ("created_at", "'garbage'"),
                            ("company", "'Acme Inc'"), ("locations", "{'city': 'X'}"),
                            ("benefits", "['a', 3]"), ("date_posted", "17")):
            with pytest.raises(JoboResponseError) as info:
                getattr(job, name)
            assert str(info.value).startswith(f"Job.{name} must be ") and shown in str(info.value)
        assert job.title == "Data Engineer" and job.updated_at.year == 2024  # the rest reads
        assert job.to_dict() == doc  # the raw data, as received
    with pytest.raises(JoboResponseError, match="JobLocation.latitude must be a valid number"):
        JobLocation.from_dict({"latitude": "north"}).latitude  # noqa: B018


@pytest.mark.parametrize("field", ["id", "created_at", "title", "company"])
def test_a_required_field_absent_or_null_raises_instead_of_reading_none(field):
    docs = [{k: v for k, v in minimal_job().items() if k != field}]
    if field != "title":  # str and bool fields read the JSON value as it is, null too
        docs.append(minimal_job(**{field: None}))
    for doc in docs:
        for job in (Job.from_dict(doc), Job.from_json(json.dumps(doc))):
            with pytest.raises(JoboResponseError, match=f"Job.{field} is required"):
                getattr(job, field)
    assert Job.from_dict(minimal_job(date_posted=None)).date_posted is None  # optional: None


def test_uuid_fast_path_matches_uuid_constructor():
    for text in (JOB_ID, JOB_ID.upper(), JOB_ID.replace("-", ""), "{" + JOB_ID + "}",
                 "urn:uuid:" + JOB_ID):
        got = _fields._as_uuid(text)
        assert type(got) is UUID and got == UUID(text) and hash(got) == hash(UUID(text))
        assert pickle.loads(pickle.dumps(got)) == got
    for bad in (JOB_ID[:-1] + "g", JOB_ID[:-1], " " + JOB_ID[1:], JOB_ID[:4] + "_" + JOB_ID[5:]):
        assert _fields._as_uuid(bad) == bad


# ── laziness and caching ─────────────────────────────────────────────


def test_from_dict_wraps_without_copying():
    data = full_job()
    job = Job.from_dict(data)
    assert job.__dict__ is data
    assert Job.from_dict(job) is job
    assert Job.model_validate(job) is job


def test_reading_titles_of_1000_jobs_parses_no_datetime_or_uuid(monkeypatch):
    def boom(value):
        raise AssertionError("converted eagerly")

    monkeypatch.setattr(_fields, "parse_datetime", boom)
    monkeypatch.setattr(_fields, "_as_uuid", boom)
    page = SearchResult.from_dict(search_page([full_job() for _ in range(1000)]))
    titles = [job.title for job in page.jobs]
    names = [job.company.name for job in page]
    assert len(titles) == len(names) == 1000
    assert names[0] == "Müller & Söhne GmbH"
    assert all("created_at" not in (job._cache or {}) for job in page.jobs)
    with pytest.raises(AssertionError, match="eagerly"):
        page.jobs[0].created_at


def test_converted_values_are_cached_per_instance():
    job = Job.from_dict(full_job())
    assert job.created_at is job.created_at
    assert job.id is job.id
    assert job.company is job.company
    assert job.locations is job.locations
    assert job.qualifications is job.qualifications
    other = Job.from_dict(job.__dict__)
    assert other.company is not job.company and other.company == job.company


# ── equality, output, pickling, repr ─────────────────────────────────


def test_equality_is_by_class_and_data():
    assert Job.from_dict(full_job()) == Job.from_dict(full_job())
    assert Job.from_dict(full_job()) != Job.from_dict(full_job(title="Other"))
    assert Job.from_dict(minimal_job()) != JobCompany.from_dict(minimal_job())
    assert Job.from_dict(minimal_job()) != minimal_job()
    with pytest.raises(TypeError):
        hash(Job.from_dict(minimal_job()))


def test_to_dict_is_a_deep_copy_of_the_data():
    data = full_job()
    job = Job.from_dict(data)
    out = job.to_dict()
    assert out == data and out is not data
    out["company"]["name"] = "changed"
    out["locations"][0]["city"] = "changed"
    out["benefits"].append("changed")
    assert job.company.name == "Müller & Söhne GmbH"
    assert data["locations"][0]["city"] == "Zürich"
    assert job.benefits == ["30 Tage Urlaub", "Büro am See"]
    assert "valid_through" in out and out["valid_through"] is None  # None kept


def test_to_dict_round_trip_and_model_dump():
    job = Job.from_dict(full_job())
    assert Job.from_dict(job.to_dict()) == job
    declared = {k: v for k, v in job.to_dict().items() if k in Job.model_fields}
    assert set(job.model_dump(mode="json")) == set(Job.model_fields)  # extras left out
    dumped = job.model_dump(exclude_none=True)
    assert "valid_through" not in dumped and "is_clearance_required" not in dumped
    assert "region" not in dumped["locations"][1]
    assert dumped["id"] == UUID(JOB_ID) and isinstance(dumped["created_at"], datetime)
    as_json = json.loads(job.model_dump_json())
    assert as_json["created_at"] == "2024-05-01T12:34:56.123456Z"
    assert as_json["updated_at"] == "2024-05-02T08:00:00+02:00"
    assert as_json["locations"][0]["longitude"] == 8.0
    assert {k: as_json[k] for k in ("title", "summary", "benefits")} == {
        k: declared[k] for k in ("title", "summary", "benefits")}
    assert "Zürich" in job.model_dump_json()  # not \u-escaped
    assert Job.model_validate_json(json.dumps(full_job())) == job


def test_model_copy():
    job = Job.from_dict(full_job())
    clone = job.model_copy(update={"title": "New"})
    assert clone.title == "New" and job.title != "New"
    deep = job.model_copy(deep=True)
    deep.company.name = "X"
    assert job.company.name == "Müller & Söhne GmbH"


def test_pickle_and_copy_round_trip():
    job = Job.from_dict(full_job())
    job.created_at  # a filled cache must not matter
    for clone in (pickle.loads(pickle.dumps(job, protocol=p)) for p in range(2, pickle.HIGHEST_PROTOCOL + 1)):
        assert clone == job and type(clone) is Job
        assert clone.created_at == job.created_at
    assert copy.deepcopy(job) == job
    assert copy.copy(job) == job
    usage = Usage(credits_used=25, request_id="req-1")
    result = SearchResult._from_response(search_page([full_job()]), usage)
    clone = pickle.loads(pickle.dumps(result))
    assert clone == result and clone.usage == usage
    assert copy.deepcopy(result).usage == usage


def test_repr_is_short():
    job = Job.from_dict(full_job())
    assert repr(job) == (
        f"Job(id=UUID('{JOB_ID}'), title='Ingénieur·e Données Senior — Zürich', "
        "company='Müller & Söhne GmbH')"
    )
    assert "xxxxx" not in repr(job)
    assert len(repr(Job.from_dict(full_job(title="T" * 500)))) < 200
    page = SearchResult.from_dict(search_page([full_job()] * 3))
    assert repr(page) == "SearchResult(total=1234, page=2, total_pages=50, jobs=[3 items])"
    assert repr(LocationFilter(country="US")) == "LocationFilter(country='US')"
    assert repr(JobCompensation.from_dict({"min": 1, "currency": "EUR"})) == (
        "JobCompensation(min=1.0, currency='EUR')")
    assert repr(Job.from_dict({})) == "Job()"


# ── keyword construction ─────────────────────────────────────────────


def test_request_filters_from_keywords_omit_none():
    assert LocationFilter(country="US").to_dict() == {"country": "US"}
    assert LocationFilter(country="US", region=None, city="Austin").to_dict() == {
        "country": "US", "city": "Austin"}
    assert RangeFilter(min=100000).to_dict() == {"min": 100000}
    assert RangeFilter(min=100000.0, max=None).to_dict() == {"min": 100000}
    assert InclusionExclusionFilter(include=["python"]).to_dict() == {"include": ["python"]}
    f = InclusionExclusionFilter(include=("python", "go"), exclude=None)
    assert f.include == ["python", "go"] and f.exclude is None
    assert LocationFilter().to_dict() == {}


def test_request_filters_reject_wrong_types():
    with pytest.raises(TypeError):
        RangeFilter(min="lots")
    with pytest.raises(TypeError):
        RangeFilter(min=True)
    with pytest.raises(TypeError):
        RangeFilter(min=1.5)
    with pytest.raises(TypeError):
        InclusionExclusionFilter(include="python")  # a bare string is not a list
    with pytest.raises(TypeError):
        InclusionExclusionFilter(include=[1])
    with pytest.raises(TypeError):
        LocationFilter(country=840)


def test_search_body_request_to_dict():
    body = JobSearchBodyRequest(
        queries=["data engineer", "-intern"],
        locations=["Berlin"],
        skills=InclusionExclusionFilter(include=["python"], exclude=["php"]),
        companies={"exclude": ["Acme"], "include": None},
        work_models=[WorkModel.REMOTE, "hybrid"],
        employment_types=[EmploymentType.FULL_TIME],
        experience_levels=[ExperienceLevel.SENIOR],
        salary_usd=RangeFilter(min=100000),
        posted_after=datetime(2024, 5, 1, 2, 0, tzinfo=timezone(timedelta(hours=2))),
        discovered_before=date(2024, 6, 1),
        search_description=False,
        page=3,
        include_fields=[],
        sources=None,
    )
    assert body.to_dict() == {
        "queries": ["data engineer", "-intern"],
        "locations": ["Berlin"],
        "skills": {"include": ["python"], "exclude": ["php"]},
        "companies": {"exclude": ["Acme"]},
        "work_models": ["remote", "hybrid"],
        "employment_types": ["full-time"],
        "experience_levels": ["senior"],
        "salary_usd": {"min": 100000},
        "posted_after": "2024-05-01T00:00:00Z",
        "discovered_before": "2024-06-01T00:00:00Z",
        "search_description": False,
        "page": 3,
        "include_fields": [],
    }
    assert type(body.to_dict()["work_models"][0]) is str
    json.dumps(body.to_dict())
    # reading back gives Python types and the official defaults
    assert body.posted_after == datetime(2024, 5, 1, tzinfo=UTC)
    assert type(body.skills) is InclusionExclusionFilter and body.skills.include == ["python"]
    assert body.salary_usd.min == 100000
    assert body.page_size == 25 and body.sources is None and body.industries is None


def test_request_bounds_are_checked():
    with pytest.raises(ValueError):
        JobSearchBodyRequest(page=0)
    with pytest.raises(ValueError):
        JobSearchBodyRequest(page_size=101)
    with pytest.raises(ValueError):
        JobFeedRequest(batch_size=1001)
    with pytest.raises(ValueError):
        ManagedJobFeedRequest(batch_size=0)
    with pytest.raises(ValueError):
        JobFeedRequest(posted_after="not a date")
    assert JobFeedRequest(batch_size=1).batch_size == 1


def test_feed_requests_to_dict():
    req = JobFeedRequest(
        locations=[LocationFilter(country="US", region="CA"), {"country": "DE", "city": None}],
        sources=["greenhouse", "lever_co"],
        work_models=[WorkModel.REMOTE],
        posted_after=datetime(2024, 5, 1),
        updated_after="2024-05-02T00:00:00Z",
        stable_scan=True,
        batch_size=500,
    )
    assert req.to_dict() == {
        "locations": [{"country": "US", "region": "CA"}, {"country": "DE"}],
        "sources": ["greenhouse", "lever_co"],
        "work_models": ["remote"],
        "posted_after": "2024-05-01T00:00:00Z",
        "updated_after": "2024-05-02T00:00:00Z",
        "stable_scan": True,
        "batch_size": 500,
    }
    assert [type(x) for x in req.locations] == [LocationFilter, LocationFilter]
    assert JobFeedRequest(cursor="abc").to_dict() == {"cursor": "abc"}
    fresh = JobFeedRequest()
    assert fresh.batch_size == 1000 and fresh.locations is None and fresh.to_dict() == {}
    managed = ManagedJobFeedRequest(sources=["ashby"], cursor=None, batch_size=10)
    assert managed.to_dict() == {"sources": ["ashby"], "batch_size": 10}


def test_response_models_from_keywords_store_wire_form():
    created = datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    job = Job(
        id=UUID(JOB_ID),
        title="Data Engineer",
        company=JobCompany(id=COMPANY_ID, name="Acme"),
        locations=[{"city": "Berlin", "latitude": 52}],
        description="",
        listing_url="https://jobs.example/1",
        apply_url="https://jobs.example/1/apply",
        source="greenhouse",
        created_at=created,
        updated_at=created,
        summary=None,
        workplace_type=WorkModel.REMOTE,
    )
    assert job.to_dict() == {
        "id": JOB_ID,
        "title": "Data Engineer",
        "company": {"id": COMPANY_ID, "name": "Acme"},
        "locations": [{"city": "Berlin", "latitude": 52.0}],
        "description": "",
        "listing_url": "https://jobs.example/1",
        "apply_url": "https://jobs.example/1/apply",
        "source": "greenhouse",
        "created_at": "2024-05-01T12:00:00Z",
        "updated_at": "2024-05-01T12:00:00Z",
        "summary": None,
        "workplace_type": "remote",
    }
    assert job.id == UUID(JOB_ID) and job.created_at == created
    assert job.company.id == UUID(COMPANY_ID)
    assert job.locations[0].latitude == 52.0
    assert job.workplace_type == "remote"
    assert Job.from_dict(job.to_dict()) == job
    with pytest.raises(ValueError):
        Job(id="nope")
    with pytest.raises(TypeError):
        Job(company=["Acme"])
    with pytest.raises(TypeError, match="'extra_thing'"):
        Job(extra_thing=1)
    with pytest.raises(ModelValidationError) as info:
        Job(title="only a title")
    assert {e["loc"] for e in info.value.errors()} == {
        ("id",), ("company",), ("description",), ("listing_url",), ("apply_url",), ("source",),
        ("created_at",), ("updated_at",)}
    assert isinstance(info.value, ValueError)


def test_assignment_updates_the_data_and_the_cache():
    job = Job.from_dict(full_job())
    job.title = "Renamed"
    assert job.title == "Renamed" and job.to_dict()["title"] == "Renamed"
    assert job.created_at.year == 2024
    job.created_at = datetime(2030, 1, 1, tzinfo=UTC)
    assert job.created_at == datetime(2030, 1, 1, tzinfo=UTC)
    assert job.to_dict()["created_at"] == "2030-01-01T00:00:00Z"
    job.company.name = "New Name"
    assert job.to_dict()["company"]["name"] == "New Name"
    job.compensation = None
    assert job.compensation is None
    del job.compensation
    assert "compensation" not in job.to_dict()
    with pytest.raises(AttributeError):
        del job.compensation
    with pytest.raises(AttributeError):
        SearchResult.from_dict({}).usage = Usage()


# ── results ──────────────────────────────────────────────────────────


def test_search_result():
    usage = Usage(credits_used=2, credits_remaining=98)
    result = SearchResult._from_response(search_page([full_job(), minimal_job()]), usage)
    assert JobSearchResponse is SearchResult
    assert type(result) is SearchResult
    assert result.usage is usage
    assert (result.total, result.page, result.page_size, result.total_pages) == (1234, 2, 25, 50)
    assert len(result) == 2
    assert [type(j) for j in result] == [Job, Job]
    assert [j.title for j in result][1] == "Data Engineer"
    assert list(result) == result.jobs
    assert set(result.facets) == {"work_model", "skills"}
    remote = result.facets["work_model"][0]
    assert type(remote) is JobFacet and (remote.key, remote.count) == ("remote", 700)
    big = result.facets["skills"][0].count
    assert type(big) is int and big == 9007199254740992  # float-encoded int -> int
    assert "usage" not in result.to_dict()
    assert result == SearchResult.from_dict(search_page([full_job(), minimal_job()]))


def test_empty_search_result_defaults():
    result = SearchResult._from_response({}, None)
    assert result.usage is None
    assert (result.total, result.page, result.page_size, result.total_pages) == (0, 1, 25, 0)
    assert result.jobs == [] and result.facets == {} and len(result) == 0 and not result


def test_feed_page():
    data = {"jobs": [full_job()], "next_cursor": "c2", "has_more": True, "estimated_total": 5000}
    page = FeedPage._from_response(data, Usage(credits_used=0.5))
    assert JobFeedResponse is FeedPage
    assert page.next_cursor == "c2" and page.has_more is True and page.estimated_total == 5000
    assert page.usage.credits_used == 0.5
    assert len(page) == 1 and next(iter(page)).company.name == "Müller & Söhne GmbH"
    last = FeedPage.from_dict({"jobs": [], "next_cursor": None, "has_more": False})
    assert last.next_cursor is None and last.has_more is False and last.estimated_total is None
    assert FeedPage.from_dict({}).has_more is False


def test_expired_job_ids():
    ids = [JOB_ID, COMPANY_ID]
    resp = ExpiredJobIdsResponse._from_response(
        {"job_ids": ids, "next_cursor": "n", "has_more": True}, Usage(credits_used=0))
    assert resp.job_ids == [UUID(i) for i in ids]
    assert all(type(i) is UUID for i in resp.job_ids)
    assert resp.next_cursor == "n" and resp.has_more is True and resp.usage.credits_used == 0
    empty = ExpiredJobIdsResponse.from_dict({})
    assert empty.job_ids == [] and empty.has_more is False and empty.next_cursor is None


def test_geocode_result():
    data = {
        "input": "München",
        "succeeded": True,
        "locations": [{"display_name": "München, Bayern, Deutschland", "city": "München",
                       "region": "Bayern", "country": "Deutschland", "country_code": "DE",
                       "latitude": 48, "longitude": 11.58, "fuzzy_confidence": 1}],
        "method": "exact",
        "error": None,
    }
    result = GeocodeResultItem._from_response(data, Usage(credits_used=1))
    assert GeocodeResult is GeocodeResultItem
    assert result.input == "München" and result.succeeded is True
    assert result.method == "exact" and result.error is None
    loc = result.locations[0]
    assert type(loc) is GeocodedLocation
    assert loc.country_code == "DE" and loc.display_name.startswith("München")
    assert (loc.latitude, loc.longitude, loc.fuzzy_confidence) == (48.0, 11.58, 1.0)
    assert all(type(x) is float for x in (loc.latitude, loc.longitude, loc.fuzzy_confidence))
    failed = GeocodeResultItem.from_dict({"input": "?", "succeeded": False, "error": "no match"})
    assert failed.locations == [] and failed.error == "no match"


def test_company_profile():
    data = {
        "id": COMPANY_ID,
        "name": "Acme",
        "website": "https://acme.example",
        "founding_year": "2015",
        "page_rank": 7,
        "is_agency": False,
        "industries": ["Software"],
        "funding_rounds": [{"investment_type": "series_a", "announced_on": "2020-01-01",
                            "raised_amount": "$10M", "investor_count": 3}],
        "leadership": [{"name": "Ada", "title": "CEO"}],
        "layoffs": [{"date": "2023-02-01"}],
        "ratings": [{"source": "glassdoor", "rating": "4.2", "review_count": 87}],
        "press_references": [{"title": "Acme raises", "publisher": "Zeitung"}],
        "h1b_annual_job_counts": [{"year": "2023", "count": 4}],
        "h1b_title_distribution": [{"title": "Engineer"}],
        "tech_stack": [{"name": "Postgres", "categories": ["Database"]}],
        "products": [{"name": "Rocket"}],
        "software_used": [{"name": "Slack", "description": "chat"}],
        "acquisitions": [{"acquiree_name": "Tiny Co"}],
        "exits": [{"name": "IPO"}],
        "sub_organizations": [{"name": "Acme Labs", "ownership_type": "subsidiary"}],
        "featured_lists": [{"title": "Top 100", "org_num": 100, "funding_total_usd": 1.5e10}],
        "event_appearances": [{"event": "PyCon", "appearance_type": "sponsor"}],
        "headcount_trend": [1, 2, 3],  # extra
    }
    company = Company._from_response(data, Usage(credits_used=0))
    assert company.id == UUID(COMPANY_ID) and company.name == "Acme"
    assert company.usage.credits_used == 0
    assert company.page_rank == 7.0 and type(company.page_rank) is float
    assert company.is_agency is False and company.is_acquired is False
    assert company.legal_name is None and company.investors == []
    assert type(company.funding_rounds[0]) is CompanyFundingRound
    assert company.funding_rounds[0].investor_count == 3
    assert company.leadership[0].title == "CEO"
    assert type(company.layoffs[0]) is CompanyKeyEvent and company.layoffs[0].date == "2023-02-01"
    assert company.leadership_hires == []
    assert company.ratings[0].review_count == 87
    assert company.press_references[0].publisher == "Zeitung"
    assert company.h1b_annual_job_counts[0].count == 4
    assert company.h1b_title_distribution[0].count == 0  # official default
    assert type(company.tech_stack[0]) is CompanyTechnology
    assert company.tech_stack[0].categories == ["Database"]
    assert company.products[0].description is None
    assert company.software_used[0].description == "chat"
    assert company.acquisitions[0].acquiree_name == "Tiny Co"
    assert company.exits[0].name == "IPO"
    assert company.sub_organizations[0].ownership_type == "subsidiary"
    featured = company.featured_lists[0]
    assert featured.funding_total_usd == 15000000000 and type(featured.funding_total_usd) is int
    assert company.event_appearances[0].event == "PyCon"
    assert company.headcount_trend == [1, 2, 3]
    assert CompanyFundingRound.from_dict({}).investor_count == 0


def test_every_result_class_builds_from_a_response():
    usage = Usage(request_id="r")
    for cls in (Job, SearchResult, FeedPage, ExpiredJobIdsResponse, GeocodeResultItem, Company):
        obj = cls._from_response({}, usage)
        assert type(obj) is cls and obj.usage is usage
        assert cls.from_dict({}).usage is None
        assert cls._from_response({}, usage) == cls.from_dict({})  # usage not in equality
        with pytest.raises(TypeError):
            cls._from_response([], usage)
    existing = Job.from_dict(minimal_job())
    with_usage = Job._from_response(existing, usage)
    assert with_usage.usage is usage and existing.usage is None


def test_from_dict_accepts_mappings_and_rejects_other_values():
    class Data(dict):
        pass

    assert Job.from_dict(Data(minimal_job())).title == "Data Engineer"
    with pytest.raises(TypeError):
        Job.from_dict("{}")
    with pytest.raises(TypeError):
        Job.from_dict(None)


# ── Usage ────────────────────────────────────────────────────────────


NAMES = ("credits_used", "credits_remaining", "credits_required", "rate_limit_limit",
         "rate_limit_remaining", "rate_limit_reset_epoch", "retry_after_seconds", "request_id",
         "date_epoch", "retry_after_date_epoch")


def from_core(*values):
    return Usage._from_core(**dict(zip(NAMES, values)))


def test_usage_from_the_c_cores_named_figures():
    usage = from_core(25, 9975, None, 100, 99, 1700000000, None, "req-42", 1699999999)
    assert usage.credits_used == 25 and usage.credits_remaining == 9975
    assert usage.credits_required is None
    assert usage.rate_limit_limit == 100 and usage.rate_limit_remaining == 99
    assert usage.rate_limit_reset == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert usage.rate_limit_reset.tzinfo is not None
    assert usage.retry_after is None
    assert usage.request_id == "req-42"
    assert usage.date == datetime(2023, 11, 14, 22, 13, 19, tzinfo=UTC)
    throttled = from_core(None, None, 7, 100, 0, 1700000060.5, 30, None, None)
    assert throttled.retry_after == 30.0 and type(throttled.retry_after) is float
    assert throttled.credits_required == 7
    assert throttled.rate_limit_reset == datetime(2023, 11, 14, 22, 14, 20, 500000, tzinfo=UTC)
    assert from_core(*(None,) * 10) == Usage()
    # Retry-After as an HTTP-date is measured against the server's Date
    dated = from_core(None, None, None, None, None, None, None, None, 1700000000, 1700000045)
    assert dated.retry_after == 45.0
    with pytest.raises(TypeError):
        Usage._from_core((None,) * 10)  # by name only: no positional tuple to misorder


def test_usage_is_an_immutable_record():
    usage = Usage(credits_used=1, request_id="x")
    with pytest.raises(AttributeError):
        usage.credits_used = 2
    with pytest.raises(AttributeError):
        del usage.request_id
    with pytest.raises(AttributeError):
        usage.other = 1
    assert usage == Usage(credits_used=1, request_id="x")
    assert usage != Usage(credits_used=2, request_id="x")
    assert hash(usage) == hash(Usage(credits_used=1, request_id="x"))
    assert repr(usage) == "Usage(credits_used=1, request_id='x')"
    assert pickle.loads(pickle.dumps(usage)) == usage
    assert copy.deepcopy(usage) == usage


def test_usage_to_dict():
    usage = from_core(1, 2, None, 100, 99, 1700000000, 1.5, "rid", None)
    assert usage.to_dict() == {
        "credits_used": 1,
        "credits_remaining": 2,
        "credits_required": None,
        "rate_limit_limit": 100,
        "rate_limit_remaining": 99,
        "rate_limit_reset": "2023-11-14T22:13:20Z",
        "retry_after": 1.5,
        "request_id": "rid",
        "date": None,
    }
    json.dumps(usage.to_dict())


# ── compatibility with the official package ──────────────────────────


OFFICIAL_FIELDS = {
    "Job": "id title normalized_title company description summary listing_url apply_url "
           "locations compensation employment_type workplace_type experience_level source "
           "created_at updated_at date_posted valid_through qualifications responsibilities "
           "benefits is_work_auth_required is_h1b_sponsor is_clearance_required",
    "JobCompany": "id name website logo_url summary industries categories linkedin_url "
                  "crunchbase_url details_url",
    "JobLocation": "location city region country latitude longitude",
    "JobCompensation": "min max currency period",
    "JobQualifications": "must_have preferred",
    "QualificationBucket": "education certifications skills",
    "QualificationSkill": "name type",
    "JobFacet": "key count",
    "SearchResult": "jobs total page page_size total_pages facets",
    "FeedPage": "jobs next_cursor has_more estimated_total",
    "ExpiredJobIdsResponse": "job_ids next_cursor has_more",
    "LocationFilter": "country region city",
    "InclusionExclusionFilter": "include exclude",
    "RangeFilter": "min max",
    "JobFeedRequest": "locations sources work_models employment_types experience_levels "
                      "posted_after updated_after stable_scan cursor batch_size",
    "ManagedJobFeedRequest": "sources work_models posted_after updated_after cursor batch_size",
    "JobSearchBodyRequest": "queries search_description locations sources skills companies "
                            "industries work_models employment_types experience_levels "
                            "salary_usd posted_after posted_before discovered_after "
                            "discovered_before page page_size include_facets include_fields",
    "GeocodedLocation": "city region country latitude longitude display_name country_code "
                        "fuzzy_confidence",
    "GeocodeResultItem": "input succeeded locations method error",
}


@pytest.mark.parametrize("name", sorted(OFFICIAL_FIELDS))
def test_models_declare_the_official_fields(name):
    assert set(getattr(models, name).model_fields) == set(OFFICIAL_FIELDS[name].split())


def test_company_models_declare_the_official_field_counts():
    counts = {
        "Company": 67, "CompanyFundingRound": 6, "CompanyLeader": 4, "CompanyRating": 4,
        "CompanyPressReference": 4, "CompanyH1bJobCount": 2, "CompanyH1bTitleDistribution": 2,
        "CompanyTechnology": 2, "CompanyProduct": 2, "CompanyAcquisition": 2, "CompanyExit": 2,
        "CompanySubOrganization": 3, "CompanyFeaturedList": 4, "CompanyKeyEvent": 1,
        "CompanyEventAppearance": 4,
    }
    for name, count in counts.items():
        assert len(getattr(models, name).model_fields) == count, name


def test_public_names_are_exported_and_documented():
    for name in models.__all__:
        obj = getattr(models, name)
        assert obj.__doc__, name
    for name in _time.__all__:
        assert getattr(_time, name) is not None
    for cls in (Model, Job, Usage):
        for attr in ("to_dict",):
            assert getattr(cls, attr).__doc__


def test_usage_module_is_a_leaf_the_c_core_imports_without_the_models():
    import ast
    import inspect

    from jobo_enterprise import _usage

    tree = ast.parse(inspect.getsource(_usage))
    internal = sorted(
        node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level > 0
    )
    assert internal == ["_time", "_wait"]
    assert models.Usage is _usage.Usage


# ── the pydantic-style API ───────────────────────────────────────────


def test_model_validate_checks_every_field_at_every_depth():
    doc = full_job()
    doc["company"] = dict(doc["company"], id="not-a-uuid")
    doc["locations"] = [{"latitude": "north"}, "Paris"]
    doc["benefits"] = ["ok", 3]
    doc["created_at"] = "garbage"
    doc["is_h1b_sponsor"] = "yes"
    del doc["title"]
    with pytest.raises(ModelValidationError) as info:
        Job.model_validate(doc)
    found = {(e["loc"], e["type"]) for e in info.value.errors()}
    assert found == {
        (("company", "id"), "uuid_parsing"), (("locations", 0, "latitude"), "float_type"),
        (("locations", 1), "model_type"), (("benefits", 1), "string_type"),
        (("created_at",), "datetime_parsing"), (("is_h1b_sponsor",), "bool_type"),
        (("title",), "missing"),
    }
    assert isinstance(info.value, ValueError) and "7 validation errors for Job" in str(info.value)
    assert pickle.loads(pickle.dumps(info.value)).errors() == info.value.errors()
    with pytest.raises(ModelValidationError, match="Input should not be None"):
        SearchResult.model_validate({"jobs": None})


def test_model_validate_takes_python_values_and_stores_their_json_form():
    job = Job.model_validate(minimal_job(id=UUID(JOB_ID), created_at=datetime(2024, 5, 1, tzinfo=UTC),
                                         company=JobCompany(id=COMPANY_ID, name="Acme")))
    assert job.to_dict()["id"] == JOB_ID and job.to_dict()["created_at"] == "2024-05-01T00:00:00Z"
    assert job.to_dict()["company"] == {"id": COMPANY_ID, "name": "Acme"}
    assert Job.model_validate(job) is job
    with pytest.raises(ModelValidationError) as info:
        Job.model_validate_json('{"title": ')
    assert info.value.errors()[0]["type"] == "json_invalid"
    with pytest.raises(ModelValidationError, match="valid dictionary"):
        Job.model_validate([1, 2])


def test_model_fields_construct_copy_and_fields_set():
    fields = Job.model_fields
    assert fields["id"].is_required() and fields["id"].annotation == "UUID"
    assert not fields["summary"].is_required() and fields["summary"].default is None
    assert fields["locations"].default_factory is list
    raw = Job.model_construct(title=5)  # no checks at all
    assert raw.to_dict() == {"title": 5}
    job = Job.from_dict(minimal_job())
    assert job.model_fields_set == set(minimal_job())
    clone = job.model_copy(update={"summary": "S"})
    assert clone.summary == "S" and job.summary is None and clone.model_fields_set >= {"summary"}
    with pytest.raises(TypeError, match="did you mean 'summary'"):
        job.model_copy(update={"sumary": "S"})
    schema = Job.model_json_schema()
    assert schema["properties"]["company"] == {"$ref": "#/$defs/JobCompany"}
    assert "JobCompany" in schema["$defs"] and "id" in schema["required"]
