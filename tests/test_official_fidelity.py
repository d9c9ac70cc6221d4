"""The official jobo-enterprise 4.0.0 package, pointed at our sandbox, parses every
answer, and ours reads like it where code reads it.

One subprocess (``tests/official.py``: the official package in its own cached venv)
runs every endpoint with each ``include_fields`` form and every error path, and
re-validates each successful body with the official model in pydantic's strict mode
(no coercion: ``founding_year`` must be a string, ``investor_count`` an int, ...); it
also lists any key the official models do not know. The very same calls, written
once below in the official package's names, then run on ours in this process: the
answers must agree, and each error must carry the official class (or a subclass),
``status_code``, ``detail``, ``code`` and ``response_body``, while our ``message``
keeps the server's own message.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from jobo_enterprise import _core

from jobo_enterprise import JoboClient
from official import run_official

# The calls, in the official package's names only; run as written by both packages.
CALLS = r'''
from datetime import datetime, timedelta, timezone
from jobo_enterprise import (ExperienceLevel, InclusionExclusionFilter, LocationFilter,
                             RangeFilter, WorkModel)

HEAVY = ("description", "summary", "qualifications", "responsibilities", "benefits")

def day(days_back):
    midnight = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - timedelta(days=days_back)

def calls(make, cfg):
    """name -> (result, comparable across packages?)"""
    full = make(cfg["keys"]["full"])
    s, feed = full.search, full.feed
    out = {}
    out["search"] = s.search(q="data engineer", location="US", work_model=WorkModel.REMOTE,
                             page_size=5)
    for form in [None, ""] + list(HEAVY) + [",".join(HEAVY)]:
        out[f"search_fields={form!r}"] = s.search(q="python", page_size=4, include_fields=form,
                                                 include_facets="")
    for form in (None, [], ["summary"], ["description", "benefits"], list(HEAVY)):
        out[f"advanced_fields={form!r}"] = s.search_advanced(
            queries=["engineer"], include_fields=form, include_facets=["sources", "skills"],
            page_size=4)
    out["advanced_filters"] = s.search_advanced(
        queries=["data engineer", "analytics engineer", "-intern"], locations=["United States"],
        skills=InclusionExclusionFilter(include=["python"]), salary_usd=RangeFilter(min=60000),
        work_models=[WorkModel.REMOTE, "hybrid"], experience_levels=[ExperienceLevel.SENIOR],
        posted_after=day(30), page_size=20)
    first = out["search"].jobs[0]
    out["get_job"] = s.get_job(first.id)
    out["get_job_str"] = s.get_job(str(first.id))
    out["iter_jobs"] = list(s.iter_jobs(queries=['"nurse"'], page_size=50))
    page = feed.get_jobs(locations=[LocationFilter(country="US", region="California"),
                                    LocationFilter(country="DE")],
                         work_models=["remote", "hybrid"], batch_size=50)
    out["feed_page"] = page
    out["feed_next"] = feed.get_jobs(cursor=page.next_cursor)
    out["feed_iter"] = list(feed.iter_jobs(sources=["greenhouse"], updated_after=day(20),
                                           batch_size=300))
    out["expired"] = feed.get_expired_job_ids(expired_since=day(6), batch_size=100)
    out["expired_iter"] = list(feed.iter_expired_job_ids(batch_size=50))
    managed = make(cfg["keys"]["enterprise"]).feed
    out["managed_page"] = managed.get_managed_jobs(batch_size=20)
    out["managed_iter"] = list(managed.iter_managed_jobs(batch_size=200))
    for cid in cfg["companies"]:
        out[f"company {cid}"] = full.companies.get(cid)
    out["company_jobs"] = full.companies.get_jobs(first.company.id, posted_after=day(60),
                                                   page_size=10)
    for place in ("San Francisco, CA", "London, United Kingdom", "Berlin", "Nowhereville Xyzzy"):
        out[f"geocode {place}"] = full.locations.geocode(place)
    return out

# time-dependent answers (jobs expire while the sandbox runs) are parsed, not compared
MOVING = ("expired", "expired_iter")

def summary(value):
    """What both packages must agree on, as JSON."""
    if isinstance(value, list):
        return [summary(v) for v in value]
    if hasattr(value, "total_pages"):
        return {"total": value.total, "pages": value.total_pages, "page": value.page,
                "jobs": summary(value.jobs),
                "facets": {k: [(b.key, b.count) for b in v] for k, v in value.facets.items()}}
    if hasattr(value, "estimated_total"):
        return {"jobs": summary(value.jobs), "more": value.has_more,
                "estimate": value.estimated_total, "cursor": value.next_cursor is not None}
    if hasattr(value, "job_ids"):
        return {"n": len(value.job_ids), "more": value.has_more}
    if hasattr(value, "workplace_type"):
        q = value.qualifications
        return [str(value.id), value.title, value.company.name, value.description[:40],
                value.summary, len(value.responsibilities), len(value.benefits),
                [s.name for s in q.must_have.skills], value.created_at.isoformat(),
                [(l.city, l.country, l.latitude) for l in value.locations],
                None if value.compensation is None else
                [value.compensation.min, value.compensation.max, value.compensation.period]]
    if hasattr(value, "funding_rounds"):
        return [value.name, value.founding_year, value.is_agency, value.page_rank,
                [(r.investment_type, r.raised_amount, r.investor_count, r.lead_investor)
                 for r in value.funding_rounds],
                [(t.name, t.categories) for t in value.tech_stack],
                [(c.year, c.count) for c in value.h1b_annual_job_counts],
                value.headquarters_regions, value.leadership[0].avatar_url]
    if hasattr(value, "succeeded"):
        return [value.input, value.succeeded, value.error,
                [(l.display_name, l.country_code, l.latitude) for l in value.locations]]
    return str(value)

# Every error path; each returns the exception's fields.
def error_cases(make, cfg):
    keys, faults = cfg["keys"], cfg["faults"]
    zero = "00000000-0000-4000-8000-000000000000"
    return {
        "400 unknown facet": lambda: make(keys["full"]).search.search(include_facets="bogus"),
        "400 expired too far back": lambda: make(keys["full"]).feed.get_expired_job_ids(
            expired_since=day(30)),
        "401 revoked key": lambda: make(keys["revoked"]).search.search(q="python"),
        "401 unknown key": lambda: make("jbe_test_unknownkey00").feed.get_jobs(batch_size=1),
        "402 out of credits": lambda: make(keys["poor"]).search.search(page_size=5),
        "403 managed feed": lambda: make(keys["full"]).feed.get_managed_jobs(),
        "403 plan without search": lambda: make(keys["feed_only"]).search.search(),
        "404 job": lambda: make(keys["full"]).search.get_job(zero),
        "404 company": lambda: make(keys["full"]).companies.get(zero),
        "404 company jobs": lambda: make(keys["full"]).companies.get_jobs(zero),
        "409 stale cursor": lambda: make(keys["full"]).feed.get_jobs(cursor=cfg["bad_cursor"]),
        "429 rate limited": lambda: make(keys["full"], faults["429"]).search.search(),
        "500 server error": lambda: make(keys["full"], faults["500"]).search.search(),
        "502 html page": lambda: make(keys["full"], faults["html"]).locations.geocode("Oslo"),
        "503 unavailable": lambda: make(keys["full"], faults["503"]).feed.get_jobs(),
        "504 gateway timeout": lambda: make(keys["full"], faults["504"]).companies.get(zero),
    }

def error_fields(exc):
    return {"class": type(exc).__name__, "status_code": exc.status_code,
            "detail": exc.detail, "code": exc.code, "api_version": exc.api_version,
            "response_body": exc.response_body, "retry_after": exc.retry_after
            if hasattr(exc, "retry_after") else None, "str": str(exc)}
'''

OFFICIAL_SCRIPT = CALLS + r'''
import json, os, typing
from jobo_enterprise import JoboClient, JoboError
from jobo_enterprise import models as M
from pydantic import BaseModel

cfg = json.loads(os.environ["FIDELITY"])
bodies = []

def keep(response):
    response.read()
    if response.status_code == 200:
        bodies.append((response.request.url.path, response.content))

made = []
def make(key, base_url=None):
    client = JoboClient(key, base_url=base_url or cfg["base_url"], timeout=60)
    client._client.event_hooks["response"] = [keep]
    made.append(client)
    return client

def model_for(path):
    parts = path[path.index("/api/"):].strip("/").split("/")[1:]
    if parts[0] == "locations":
        return M.GeocodeResultItem
    if parts[0] == "companies":
        return M.JobSearchResponse if parts[-1] == "jobs" else M.Company
    if parts[1:2] == ["feed"]:
        return M.JobFeedResponse
    if parts[1:2] == ["expired"]:
        return M.ExpiredJobIdsResponse
    if len(parts) == 1 or parts[1] == "search":
        return M.JobSearchResponse
    return M.Job

def unknown_keys(model, data, where):
    """Keys the official model does not declare, anywhere in data."""
    found = []
    if not isinstance(data, dict):
        return found
    for key in sorted(set(data) - set(model.model_fields)):
        found.append(f"{where}.{key}")
    for name, field in model.model_fields.items():
        inner = _model_in(field.annotation)
        value = data.get(name)
        if inner is None or value is None:
            continue
        if typing.get_origin(field.annotation) is dict:     # facets: {name: [JobFacet]}
            items = [item for group in value.values() for item in group]
        elif isinstance(value, list):
            items = value
        else:
            items = [value]
        for item in items:
            found.extend(unknown_keys(inner, item, f"{where}.{name}"))
    return found

def _model_in(annotation):
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        inner = _model_in(arg)
        if inner is not None:
            return inner
    return None

report = {"parsed": {}, "failures": [], "unknown": set(), "bodies": 0, "errors": {}}
for name, result in calls(make, cfg).items():
    report["parsed"][name] = summary(result)
for path, body in bodies:
    model = model_for(path)
    try:
        model.model_validate_json(body, strict=True)
    except Exception as exc:  # a field without the official type
        report["failures"].append(f"{path}: {exc}")
    report["unknown"].update(unknown_keys(model, json.loads(body), model.__name__))
    report["bodies"] += 1
for name, call in error_cases(make, cfg).items():
    try:
        call()
        report["errors"][name] = "no error"
    except JoboError as exc:
        report["errors"][name] = error_fields(exc)
for client in made:
    client.close()
report["unknown"] = sorted(report["unknown"])
# the checks bite: the two faults the sandbox used to have are caught
old = {"id": "00000000-0000-4000-8000-000000000001", "name": "x", "founding_year": 2014,
       "funding_rounds": [{"round_type": "Seed", "amount_usd": 1}]}
try:
    M.Company.model_validate_json(json.dumps(old), strict=True)
    report["self_check"] = "accepted"
except Exception as exc:
    report["self_check"] = [e["loc"][0] for e in exc.errors()]
report["self_check_unknown"] = unknown_keys(M.Company, old, "Company")
print(json.dumps(report, default=str))
'''


@pytest.fixture(scope="module")
def setup(sandbox):
    first = JoboClient(sandbox.keys["full"], base_url=sandbox.base_url, ca_bundle=sandbox.ca_cert)
    cursor = first.feed.get_jobs(batch_size=5).next_cursor
    first.close()
    bad_cursor = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    cfg = {
        "base_url": sandbox.base_url,
        "keys": {"full": sandbox.create_key("full"), "revoked": sandbox.keys["revoked"],
                 "feed_only": sandbox.keys["feed_only"],
                 "enterprise": sandbox.create_key("enterprise"),
                 "poor": sandbox.create_key("full", credits=2)},
        "faults": {"429": sandbox.fault_url("status=429,retry_after=0"),
                   "500": sandbox.fault_url("status=500"),
                   "503": sandbox.fault_url("status=503,retry_after=0"),
                   "504": sandbox.fault_url("status=504,retry_after=0"),
                   "html": sandbox.fault_url("html")},
        "companies": [c.id for c in sandbox.app.dataset.companies],
        "bad_cursor": bad_cursor,
    }
    return cfg


@pytest.fixture(scope="module")
def official_report(sandbox, setup):
    return run_official(OFFICIAL_SCRIPT, env={"FIDELITY": json.dumps(setup),
                                              "SSL_CERT_FILE": sandbox.ca_cert}, timeout=300)


@pytest.fixture(scope="module")
def ours(sandbox, setup):
    namespace: dict = {}
    exec(CALLS, namespace)
    made = []

    def make(key, base_url=None):
        client = JoboClient(key, base_url=base_url or setup["base_url"],
                            ca_bundle=sandbox.ca_cert, max_wait=5)
        made.append(client)
        return client

    results = {name: namespace["summary"](value)
               for name, value in namespace["calls"](make, setup).items()}
    errors = {}
    for name, call in namespace["error_cases"](make, setup).items():
        try:
            call()
            errors[name] = None
        except Exception as exc:  # noqa: BLE001 - compared below
            errors[name] = exc
    for client in made:
        client.close()
    return namespace, results, errors


def test_the_official_package_parses_every_answer_with_the_official_types(official_report):
    assert official_report["failures"] == []
    # every call's answer was checked (iterators answer several bodies each)
    assert official_report["bodies"] > len(official_report["parsed"]) > 300


def test_the_sandbox_sends_no_field_the_official_models_do_not_know(official_report):
    assert official_report["unknown"] == []


def test_the_checks_catch_what_the_sandbox_used_to_send(official_report):
    assert official_report["self_check"] == ["founding_year"]
    assert official_report["self_check_unknown"] == ["Company.funding_rounds.amount_usd",
                                                     "Company.funding_rounds.round_type"]


def test_trimmed_jobs_carry_an_empty_description(official_report):
    parsed = official_report["parsed"]
    for name, result in parsed.items():
        if "fields=" not in name:
            continue
        keeps_description = "None" in name or "description" in name
        for job in result["jobs"]:
            assert (job[3] != "") == keeps_description, (name, job[3])
    assert parsed["search_fields=''"]["jobs"][0][4] is None  # summary left out


def test_company_profiles_have_the_official_shape(official_report):
    companies = [v for k, v in official_report["parsed"].items() if k.startswith("company ")]
    assert len(companies) > 300
    assert all(isinstance(c[1], str) and c[1].isdigit() for c in companies)  # founding_year
    rounds = [r for c in companies for r in c[4]]
    assert rounds and all(isinstance(r[2], int) for r in rounds)  # investor_count
    assert {r[0] for r in rounds} >= {"seed", "series_a"}
    assert any(c[6] for c in companies)  # H-1B counts for US companies


def test_ours_answers_the_same_calls_with_the_same_data(official_report, ours):
    namespace, results, _ = ours
    official = official_report["parsed"]
    assert set(results) == set(official)
    for name, value in results.items():
        if name in namespace["MOVING"]:
            continue
        assert json.loads(json.dumps(value, default=str)) == official[name], name


def test_every_error_path_raises_the_official_class_with_the_official_fields(official_report,
                                                                            ours):
    _, _, errors = ours
    assert set(errors) == set(official_report["errors"])
    for name, exc in errors.items():
        theirs = official_report["errors"][name]
        assert theirs != "no error" and exc is not None, name
        assert theirs["class"] in [c.__name__ for c in type(exc).__mro__], (name, type(exc))
        assert exc.status_code == theirs["status_code"], name
        # the same text, shown as data: control characters escaped, cut at 500 (SECURITY.md)
        assert exc.detail == _core._shown_text(theirs["detail"]), name
        assert exc.code == theirs["code"] and exc.api_version == theirs["api_version"], name
        body = theirs["response_body"]
        if isinstance(body, dict):
            moving = ("retryAfter", "message") if exc.status_code == 429 else ()
            assert {k: v for k, v in exc.response_body.items() if k not in moving} == \
                {k: v for k, v in body.items() if k not in moving}, name
            if body.get("message") and exc.status_code != 429:
                assert exc.message == body["message"], name  # ours keeps the server's message
        else:
            assert exc.response_body == body, name
        if theirs["retry_after"] is not None:
            assert exc.retry_after == theirs["retry_after"], name


def test_detail_follows_the_official_rule_for_each_body_shape(official_report):
    errors = official_report["errors"]
    assert errors["401 revoked key"]["detail"] == "Unauthorized"       # {status, error, message}
    assert errors["409 stale cursor"]["code"] == "feed_cursor_restart_required"
    assert errors["409 stale cursor"]["detail"].startswith("The feed cursor")  # problem details
    assert errors["502 html page"]["detail"].lstrip().lower().startswith("<!doctype html")
