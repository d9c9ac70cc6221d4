"""Our models dump exactly what the official pydantic models dump, for the same data.

Real sandbox responses (and request bodies) are dumped by our models here and by the
official package in its own virtual environment (one subprocess for all of them), for
every model class, in every dump flavour; the JSON Schemas are compared too.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from uuid import UUID

import pytest

from jobo_enterprise import models
from official import run_official

# flavours: (model_dump keyword arguments); python mode is compared through tagging
FLAVOURS = [
    {"mode": "python"},
    {"mode": "json"},
    {"mode": "json", "exclude_none": True},
    {"mode": "json", "exclude_unset": True},
    {"mode": "json", "exclude_defaults": True},
    {"mode": "python", "exclude_unset": True, "exclude_none": True},
    {"mode": "json", "include": {"id", "name", "title", "jobs", "company", "locations"},
     "exclude": {"jobs": {"__all__": {"description"}, 1: True}, "company": {"id"},
                 "locations": {0: {"city"}}}},
    {"mode": "python", "include": {"jobs": {0: {"id": True, "company": {"name"}}}, "company": True,
                                   "facets": {"sources": {0}}, "job_ids": {1, 2}}},
]

# official class name -> how to find samples of it in the responses
OFFICIAL = [
    "Job", "JobCompany", "JobLocation", "JobCompensation", "JobQualifications",
    "QualificationBucket", "QualificationSkill", "JobSearchResponse", "JobFacet",
    "JobFeedResponse", "ExpiredJobIdsResponse", "GeocodeResultItem", "GeocodedLocation",
    "Company", "CompanyFundingRound", "CompanyLeader", "CompanyRating", "CompanyPressReference",
    "CompanyH1bJobCount", "CompanyH1bTitleDistribution", "CompanyTechnology", "CompanyProduct",
    "CompanyAcquisition", "CompanyExit", "CompanySubOrganization", "CompanyFeaturedList",
    "CompanyKeyEvent", "CompanyEventAppearance", "LocationFilter", "JobFeedRequest",
    "ManagedJobFeedRequest", "InclusionExclusionFilter", "RangeFilter", "JobSearchBodyRequest",
]

# nested samples: class -> (parent class, path to a list of dicts or a dict)
NESTED = {
    "JobCompany": ("Job", ["company"]),
    "JobLocation": ("Job", ["locations", "*"]),
    "JobCompensation": ("Job", ["compensation"]),
    "JobQualifications": ("Job", ["qualifications"]),
    "QualificationBucket": ("Job", ["qualifications", "must_have"]),
    "QualificationSkill": ("Job", ["qualifications", "must_have", "skills", "*"]),
    "JobFacet": ("JobSearchResponse", ["facets", "*", "*"]),
    "GeocodedLocation": ("GeocodeResultItem", ["locations", "*"]),
}
COMPANY_LISTS = {
    "CompanyFundingRound": "funding_rounds", "CompanyLeader": "leadership",
    "CompanyRating": "ratings", "CompanyPressReference": "press_references",
    "CompanyH1bJobCount": "h1b_annual_job_counts",
    "CompanyH1bTitleDistribution": "h1b_title_distribution",
    "CompanyTechnology": "tech_stack", "CompanyProduct": "products",
    "CompanyAcquisition": "acquisitions", "CompanyExit": "exits",
    "CompanySubOrganization": "sub_organizations", "CompanyFeaturedList": "featured_lists",
    "CompanyKeyEvent": "layoffs", "CompanyEventAppearance": "event_appearances",
}
# company parts the sandbox does not generate: documents shaped as API.md describes them
COMPANY_PARTS = {
    "CompanyRating": [{"source": "glassdoor", "rating": "4.1", "url": "https://r.example",
                       "review_count": 120}, {"source": "kununu"}],
    "CompanyPressReference": [{"url": "https://p.example/1", "posted_on": "2024-01-02",
                               "title": "Ünïcode — news", "publisher": "P"}],
    "CompanyH1bJobCount": [{"year": "2023", "count": 12}, {"year": "2022"}],
    "CompanyH1bTitleDistribution": [{"title": "Engineer", "count": 3}],
    "CompanyTechnology": [{"name": "Python", "categories": ["language"]}, {"name": "Go"}],
    "CompanyProduct": [{"name": "P", "description": None}],
    "CompanyAcquisition": [{"acquiree_name": "A", "title": "A acquired"}],
    "CompanyExit": [{"name": "IPO", "description": "2021"}],
    "CompanySubOrganization": [{"name": "Sub", "ownership_type": "subsidiary", "title": "t"}],
    "CompanyFeaturedList": [{"title": "Top 100", "org_num": 100, "funding_total_usd": 5,
                             "funding_total_formatted": "$5"}],
    "CompanyKeyEvent": [{"date": "2024-02-01"}, {}],
    "CompanyEventAppearance": [{"appearance_type": "sponsor", "event": "Conf",
                                "event_starts_on": "2024-06-01", "image": None}],
}
REQUESTS = {
    "LocationFilter": [{"country": "US"}, {"country": "DE", "region": "BE", "city": "Berlin"}],
    "InclusionExclusionFilter": [{"include": ["python"]}, {"include": [], "exclude": ["java"]}],
    "RangeFilter": [{"min": 50000}, {"min": 1, "max": 2}],
    "JobFeedRequest": [
        {"locations": [{"country": "US"}], "sources": ["greenhouse"], "batch_size": 10,
         "posted_after": "2024-05-01T12:00:00Z", "stable_scan": True},
        {"cursor": "abc"},
    ],
    "ManagedJobFeedRequest": [{"work_models": ["remote"], "updated_after": "2024-05-01T12:00:00Z"}],
    "JobSearchBodyRequest": [
        {"queries": ["data engineer"], "skills": {"include": ["python"]},
         "salary_usd": {"min": 1000}, "posted_before": "2024-05-01T12:00:00.25+02:00",
         "page": 3, "page_size": 50, "include_fields": []},
    ],
}

OFFICIAL_SCRIPT = r"""
import ast, json, os
from datetime import datetime
from uuid import UUID
from jobo_enterprise import models

def tag(v):
    if isinstance(v, UUID):
        return {"$uuid": str(v)}
    if isinstance(v, datetime):
        return {"$datetime": v.isoformat()}
    if isinstance(v, dict):
        return {k: tag(x) for k, x in v.items()}
    if isinstance(v, list):
        return [tag(x) for x in v]
    return v

with open(os.environ["PARITY_CASES"], encoding="utf-8") as f:
    cases = ast.literal_eval(f.read())  # include/exclude specs have int keys and sets
out = []
for name, text, flavours in cases:
    obj = getattr(models, name).model_validate_json(text)
    out.append({
        "dumps": [tag(obj.model_dump(**f)) for f in flavours],
        "json": obj.model_dump_json(),
        "json_indent": obj.model_dump_json(indent=2, exclude_none=True),
        "fields_set": sorted(obj.model_fields_set),
    })
schemas = {n: getattr(models, n).model_json_schema() for n in NAMES}
print(json.dumps({"cases": out, "schemas": schemas}))
"""


def tag(v):
    if isinstance(v, UUID):
        return {"$uuid": str(v)}
    if isinstance(v, datetime):
        return {"$datetime": v.isoformat()}
    if isinstance(v, dict):
        return {k: tag(x) for k, x in v.items()}
    if isinstance(v, list):
        return [tag(x) for x in v]
    return v


def pick(doc, path):
    """Every value at *path* ("*": each item of a list or value of an object)."""
    if not path:
        return [doc]
    head, rest = path[0], path[1:]
    if head == "*":
        items = doc.values() if isinstance(doc, dict) else doc
        return [x for item in items for x in pick(item, rest)]
    return pick(doc[head], rest) if isinstance(doc, dict) and doc.get(head) is not None else []


@pytest.fixture(scope="module")
def cases(sandbox):
    from jobo_enterprise import JoboClient

    client = JoboClient(sandbox.keys["full"], base_url=sandbox.base_url, ca_bundle=sandbox.ca_cert)
    try:
        search = client.jobs.search("engineer", page_size=5)
        job_id = search.jobs[0].id
        tops = {
            "JobSearchResponse": [search.to_dict(), client.jobs.search_advanced(
                queries=["nurse"], page_size=3, include_fields=[]).to_dict()],
            "Job": [client.jobs.get(job_id).to_dict()] + [j.to_dict() for j in search.jobs],
            "JobFeedResponse": [client.feed.get_jobs(batch_size=5).to_dict()],
            "ExpiredJobIdsResponse": [client.feed.get_expired_job_ids(
                expired_since=datetime.now(timezone.utc) - timedelta(days=6),
                batch_size=5).to_dict()],
            "Company": [client.companies.get(j.company.id).to_dict() for j in search.jobs[:3]],
            "GeocodeResultItem": [client.locations.geocode("Berlin, Germany").to_dict(),
                                  client.locations.geocode("zzzz qqqq").to_dict()],
        }
    finally:
        client.close()
    samples = dict(tops)
    for name, (parent, path) in NESTED.items():
        samples[name] = [x for doc in tops[parent] for x in pick(doc, path)][:4]
    for name, member in COMPANY_LISTS.items():
        samples[name] = [x for doc in tops["Company"] for x in (doc.get(member) or [])][:3] or (
            COMPANY_PARTS[name])
    samples.update(REQUESTS)
    out = []
    for name in OFFICIAL:
        assert samples.get(name), f"no sample of {name} in the sandbox's answers"
        for doc in samples[name]:
            out.append((name, json.dumps(doc, ensure_ascii=False)))
    return out


def test_dumps_equal_the_official_models_for_every_class(cases, tmp_path):
    (tmp_path / "cases.json").write_text(repr([(n, t, FLAVOURS) for n, t in cases]),
                                         encoding="utf-8")
    theirs = run_official(OFFICIAL_SCRIPT.replace("NAMES", repr(OFFICIAL)), timeout=300,
                          env={"PARITY_CASES": str(tmp_path / "cases.json")})
    assert len(theirs["cases"]) == len(cases)
    for (name, text), them in zip(cases, theirs["cases"]):
        ours = getattr(models, name).model_validate_json(text)
        lazy = getattr(models, name).from_json(text)  # the client's lazy path dumps the same
        for flavour, expected in zip(FLAVOURS, them["dumps"]):
            assert tag(ours.model_dump(**flavour)) == expected, (name, flavour)
            assert tag(lazy.model_dump(**flavour)) == expected, (name, flavour, "view")
        assert ours.model_dump_json() == them["json"], name
        assert ours.model_dump_json(indent=2, exclude_none=True) == them["json_indent"], name
        assert sorted(ours.model_fields_set) == them["fields_set"], name
    for name in OFFICIAL:
        assert without_docs(getattr(models, name).model_json_schema()) == without_docs(
            theirs["schemas"][name]), name


ALIASES = {"SearchResult": "JobSearchResponse", "FeedPage": "JobFeedResponse"}


def without_docs(schema):
    """A schema without descriptions (the docstrings are our own), with the official
    names of the two result classes we call otherwise."""
    if isinstance(schema, dict):
        out = {}
        for k, v in schema.items():
            if k == "description":
                continue
            if k in ("title", "$ref") and isinstance(v, str):
                for ours, theirs in ALIASES.items():
                    v = v.replace(ours, theirs)
            if k == "$defs":
                v = {ALIASES.get(n, n): d for n, d in v.items()}
            out[k] = without_docs(v)
        return out
    if isinstance(schema, list):
        return [without_docs(x) for x in schema]
    return schema
