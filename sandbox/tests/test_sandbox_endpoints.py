"""The sandbox's endpoints beyond the GET search (API.md §4.2-§4.8), its credits, and
the echo / connection-id test hooks, spoken to with the standard library only
(http.client over real TLS trusting the sandbox CA)."""

from __future__ import annotations

import base64
import json
import os
import re
import threading
import time
from datetime import datetime, timezone

import pytest


from jobo_enterprise_sandbox import Sandbox  # noqa: E402
from jobo_enterprise_sandbox import data, gazetteer  # noqa: E402
from jobo_enterprise_sandbox.feed import managed_company_ids  # noqa: E402
from jobo_enterprise_sandbox.stdclient import StdClient  # noqa: E402

DAY = 86400
NOT_FOUND_KEYS = {"status", "error", "message"}
FORBIDDEN = {"status": 403, "error": "Forbidden",
             "message": "Your plan does not include access to this endpoint"}
GEO_FIELDS = {"display_name", "city", "region", "country", "country_code", "latitude",
              "longitude", "fuzzy_confidence"}


class Api(StdClient):
    def search(self, **params) -> dict:
        return self.ok(self.get("/api/jobs", **params))

    def advanced(self, key="full", **body) -> dict:
        return self.ok(self.post("/api/jobs/search", body, key=key))

    def feed(self, key="full", path="/api/jobs/feed", **body) -> dict:
        return self.ok(self.post(path, body, key=key))


@pytest.fixture(scope="module")
def sb():
    with Sandbox(seed=11) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def api(sb):
    return Api(sb)


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _word(word, text):
    return re.search(r"(?<![\w+#])" + re.escape(word) + r"(?![\w+#])", text.lower()) is not None


def _skills(job):
    q = job["qualifications"]
    return [s["name"] for part in ("must_have", "preferred") for s in q[part]["skills"]]


def _matches_word(job, word):
    return (_word(word, job["title"]) or _word(word, job["description"])
            or any(_word(word, s) for s in _skills(job)))


def _all_advanced(api, **body):
    """Every job id of an advanced search, in order (page_size 100, no facets/fields)."""
    ids, page = [], 1
    while True:
        res = api.advanced(page=page, page_size=100, include_facets=[], include_fields=[],
                           **body)
        ids.extend(j["id"] for j in res["jobs"])
        if page >= res["total_pages"] or not res["jobs"]:
            return ids, res["total"]
        page += 1


def _all_get(api, **params):
    ids, page = [], 1
    while True:
        res = api.search(page=page, page_size=100, include_facets="", include_fields="",
                         **params)
        ids.extend(j["id"] for j in res["jobs"])
        if page >= res["total_pages"] or not res["jobs"]:
            return ids
        page += 1


def _scan(api, key="full", path="/api/jobs/feed", **body):
    """A whole feed scan: (jobs, pages)."""
    pages = [api.feed(key=key, path=path, **body)]
    jobs = list(pages[0]["jobs"])
    for _ in range(10_000):
        if not pages[-1]["has_more"]:
            break
        pages.append(api.feed(key=key, path=path, cursor=pages[-1]["next_cursor"]))
        jobs.extend(pages[-1]["jobs"])
    return jobs, pages


# --------------------------------------------------------------------- advanced search

def test_advanced_search_ors_its_queries(api):
    nurse = set(_all_get(api, q="nurse"))
    driver = set(_all_get(api, q="driver"))
    ids, total = _all_advanced(api, queries=["nurse", "driver"])
    assert nurse and driver
    assert set(ids) == nurse | driver and total == len(ids) == len(set(ids))


def test_advanced_search_excludes_dash_prefixed_queries(api):
    res = api.advanced(queries=["engineer", "-senior"], page_size=100)
    assert res["total"] > 100
    for job in res["jobs"]:
        assert _matches_word(job, "engineer") and not _matches_word(job, "senior")
    only_exclusion = api.advanced(queries=["-senior"], page_size=1, include_facets=[])
    everything = api.search(page_size=1, include_facets="")["total"]
    with_senior = api.search(q="senior", page_size=1, include_facets="")["total"]
    assert only_exclusion["total"] == everything - with_senior


def test_advanced_search_with_only_the_get_filters_equals_the_get_search(api, sb):
    since = iso(sb.dataset.anchor - 30 * DAY)
    get = _all_get(api, q="manager", location="US", work_model="remote,hybrid",
                   posted_after=since, min_salary_usd=60000, max_salary_usd=150000,
                   search_description="false")
    post, _ = _all_advanced(api, queries=["manager"], locations=["US"],
                            work_models=["remote", "hybrid"], posted_after=since,
                            salary_usd={"min": 60000, "max": 150000},
                            search_description=False)
    assert get and post == get


def test_advanced_search_locations_match_any_entry_by_country_name_or_code(api):
    de = set(_all_get(api, location="Germany"))
    jp = set(_all_get(api, location="JP"))
    ids, _ = _all_advanced(api, locations=["germany", "Japan"])
    assert de and jp and set(ids) == de | jp
    assert set(_all_advanced(api, locations=["GERMANY", "jp"])[0]) == de | jp


def test_advanced_search_skills_include_and_exclude(api):
    res = api.advanced(skills={"include": ["SQL", "Python"], "exclude": ["Mentoring"]},
                       page_size=100, include_facets=[])
    assert res["total"] > 50
    for job in res["jobs"]:
        names = {s.lower() for s in _skills(job)}
        assert names & {"sql", "python"} and "mentoring" not in names


def test_advanced_search_companies_match_name_or_id_and_exclude(api, sb):
    big = max(sb.dataset.companies, key=lambda c: len(c.job_indices))
    other = sorted(sb.dataset.companies, key=lambda c: -len(c.job_indices))[1]
    by_name = api.advanced(companies={"include": [big.name.upper()]}, page_size=100)
    by_id = api.advanced(companies={"include": [big.id]}, page_size=100)
    assert by_name["total"] == by_id["total"] == len(big.job_indices)
    assert {j["company"]["id"] for j in by_name["jobs"]} == {big.id}
    both = api.advanced(companies={"include": [big.name, other.id], "exclude": [other.name]},
                        page_size=1)
    assert both["total"] == len(big.job_indices)
    excluded = api.advanced(companies={"exclude": [big.id]}, page_size=100)
    assert excluded["total"] == len(sb.dataset.jobs) - len(big.job_indices)
    assert big.id not in {j["company"]["id"] for j in excluded["jobs"]}


def test_advanced_search_industries_include_and_exclude(api):
    res = api.advanced(industries={"include": ["software development"],
                                   "exclude": ["Financial Services"]}, page_size=100)
    assert res["total"] > 100
    for job in res["jobs"]:
        industries = {i.lower() for i in job["company"]["industries"]}
        assert "software development" in industries
        assert "financial services" not in industries


def test_advanced_search_date_bounds_salary_and_closed_sets(api, sb):
    lo, hi = sb.dataset.anchor - 20 * DAY, sb.dataset.anchor - 10 * DAY
    res = api.advanced(posted_after=iso(lo), posted_before=iso(hi), discovered_after=iso(lo),
                       salary_usd={"min": 100000}, employment_types=["full-time"],
                       experience_levels=["senior", "lead"], sources=["greenhouse", "lever_co"],
                       page_size=100, include_fields=[])
    assert res["total"] > 0
    for job in res["jobs"]:
        posted = datetime.strptime(job["date_posted"], "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=timezone.utc).timestamp()
        assert lo <= posted <= hi
        assert job["employment_type"] == "Full-time"
        assert job["experience_level"] in ("Senior", "Lead")
        assert job["source"] in ("greenhouse", "lever_co")
        record = sb.dataset.jobs_by_id[job["id"]]
        assert (record.salary_max_usd or record.salary_min_usd) >= 100000
        assert record.created_at >= lo


def test_advanced_search_pages_facets_fields_and_credits(api, sb):
    key = sb.create_key("full", credits=500)
    first = api.post("/api/jobs/search", {"queries": ["engineer"], "page_size": 7,
                                          "include_facets": ["sources"],
                                          "include_fields": ["summary"]}, key=key)
    body = api.ok(first)
    assert (first.headers["X-Credits-Used"], first.headers["X-Credits-Remaining"]) == ("7", "493")
    assert set(body["facets"]) == {"sources"} and body["page_size"] == 7
    for job in body["jobs"]:
        # trimmed: description sent empty (the official Job requires it), others left out
        assert "summary" in job and job["description"] == "" and "benefits" not in job
    second = api.advanced(queries=["engineer"], page=2, page_size=7, include_facets=[])
    assert second["facets"] == {}
    assert not {j["id"] for j in body["jobs"]} & {j["id"] for j in second["jobs"]}
    assert body["total"] == second["total"] and body["total_pages"] == -(-body["total"] // 7)
    empty = api.post("/api/jobs/search", {"queries": ["zzzunmatchablezzz"]}, key=key)
    assert empty.status == 200 and empty.headers["X-Credits-Used"] == "0"


@pytest.mark.parametrize("body, name", [
    ({"page_size": 0}, "page_size"), ({"page_size": 101}, "page_size"),
    ({"page": 0}, "page"), ({"page": "2"}, "page"), ({"page_size": True}, "page_size"),
    ({"queries": "nurse"}, "queries"), ({"queries": [1]}, "queries"),
    ({"locations": "US"}, "locations"), ({"skills": ["sql"]}, "skills"),
    ({"skills": {"include": "sql"}}, "skills.include"),
    ({"companies": {"exclude": [3]}}, "companies.exclude"),
    ({"salary_usd": {"min": "a lot"}}, "salary_usd.min"),
    ({"salary_usd": {"max": -1}}, "salary_usd.max"), ({"salary_usd": 5}, "salary_usd"),
    ({"posted_after": "yesterday"}, "posted_after"), ({"posted_before": 17}, "posted_before"),
    ({"search_description": "false"}, "search_description"),
    ({"include_facets": ["nope"]}, "include_facets"),
    ({"include_fields": ["title"]}, "include_fields"),
    ({"work_models": "remote"}, "work_models"),
])
def test_advanced_search_rejects_wrong_types_and_values_naming_the_field(api, body, name):
    reply = api.post("/api/jobs/search", body)
    assert reply.status == 400, body
    assert f"'{name}'" in reply.json()["message"]
    assert "X-Credits-Used" not in reply.headers


@pytest.mark.parametrize("raw", [b"", b"[]", b'"nurse"', b"null", b"{not json", b"\xff\xfe"])
def test_advanced_search_body_must_be_a_json_object(api, raw):
    reply = api.post("/api/jobs/search", raw)
    assert reply.status == 400
    assert reply.json()["error"] == "Bad Request"


def test_advanced_search_ignores_unknown_fields_and_needs_the_search_plan(api):
    assert api.advanced(page_size=1, future_field={"x": 1})["total"] == 5000
    assert api.post("/api/jobs/search", {}, key="feed_only").json() == FORBIDDEN
    assert api.post("/api/jobs/search", {"page_size": 1}, key="search_only").status == 200


# --------------------------------------------------------------------- one job, companies

def test_job_by_id_is_free_and_unknown_or_malformed_ids_are_404(api, sb):
    job = sb.dataset.jobs[42]
    reply = api.get("/api/jobs/" + job.id.upper())
    assert reply.status == 200 and reply.body == sb.dataset.job_json(job)
    assert reply.headers["X-Credits-Used"] == "0"
    for bad in ("00000000-0000-4000-8000-000000000000", "not-a-uuid", "%20", "12345"):
        reply = api.get("/api/jobs/" + bad)
        assert reply.status == 404, bad
        body = reply.json()
        assert set(body) == NOT_FOUND_KEYS and body["status"] == 404
        assert body["error"] == "Not Found"


def test_company_profile_is_filled_and_free(api, sb):
    company = sb.dataset.companies[3]
    reply = api.get("/api/companies/" + company.id)
    body = api.ok(reply)
    assert reply.headers["X-Credits-Used"] == "0"
    assert body["id"] == company.id and body["name"] == company.name
    for field in ("website", "summary", "description", "headquarters_location",
                  "country_code", "founding_year", "company_size", "industries",
                  "technology_list", "funding_rounds", "leadership"):
        assert field in body and body[field] is not None, field
    assert len(body["country_code"]) == 2
    reply = api.get("/api/companies/00000000-0000-4000-8000-000000000000")
    assert reply.status == 404 and reply.json()["status"] == 404


def test_company_jobs_lists_only_that_company_with_paging_and_posted_after(api, sb):
    company = max(sb.dataset.companies, key=lambda c: len(c.job_indices))
    path = f"/api/companies/{company.id}/jobs"
    reply = api.get(path, page_size=10)
    first = api.ok(reply)
    assert reply.headers["X-Credits-Used"] == "0"
    assert first["total"] == len(company.job_indices) > 10
    assert first["total_pages"] == -(-first["total"] // 10) and first["page_size"] == 10
    assert set(first["facets"]) >= {"work_model", "sources"}
    ids = []
    for page in range(1, first["total_pages"] + 1):
        body = api.ok(api.get(path, page=page, page_size=10))
        assert all(j["company"]["id"] == company.id for j in body["jobs"])
        ids.extend(j["id"] for j in body["jobs"])
    assert sorted(ids) == sorted(sb.dataset.jobs[i].id for i in company.job_indices)
    since = sb.dataset.anchor - 30 * DAY
    recent = api.ok(api.get(path, posted_after=iso(since), page_size=100))
    expected = [i for i in company.job_indices if sb.dataset.jobs[i].posted_at >= since]
    assert recent["total"] == len(expected)
    assert api.get(path, page_size=101).status == 400
    assert api.get(path, posted_after="soon").status == 400
    unknown = api.get("/api/companies/00000000-0000-4000-8000-000000000000/jobs")
    assert unknown.status == 404 and unknown.json()["status"] == 404
    assert api.get(path, key="search_only").status == 403


# --------------------------------------------------------------------- feed

def test_feed_first_page_has_defaults_estimated_total_and_an_opaque_cursor(api, sb):
    reply = api.post("/api/jobs/feed", {})
    body = api.ok(reply)
    assert set(body) == {"jobs", "next_cursor", "has_more", "estimated_total"}
    assert len(body["jobs"]) == 1000 and body["has_more"] is True
    assert body["estimated_total"] == len(sb.dataset.jobs)
    assert body["jobs"][0] == json.loads(sb.dataset.job_json(
        sb.dataset.jobs_by_id[body["jobs"][0]["id"]]))
    payload, sig = body["next_cursor"].split(".")
    assert re.fullmatch(r"[A-Za-z0-9_-]+", payload) and re.fullmatch(r"[A-Za-z0-9_-]+", sig)
    state = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert state["b"] == 1000 and state["s"] is True and state["e"] == "feed"
    assert reply.headers["X-Credits-Used"] == "500"
    assert api.ok(api.post("/api/jobs/feed", b""))["estimated_total"] == len(sb.dataset.jobs)


def test_stable_feed_scan_visits_every_job_once_in_updated_at_then_id_order(api, sb):
    jobs, pages = _scan(api, batch_size=700)
    ids = [j["id"] for j in jobs]
    assert len(ids) == len(set(ids)) == len(sb.dataset.jobs)
    expected = sorted(sb.dataset.jobs, key=lambda j: (j.updated_at, j.id))
    assert ids == [j.id for j in expected]
    assert [len(p["jobs"]) for p in pages] == [700] * 7 + [100]
    assert pages[0]["estimated_total"] == 5000
    assert all(p["estimated_total"] is None for p in pages[1:])
    assert pages[-1]["has_more"] is False and pages[-1]["next_cursor"] is None
    assert all(p["has_more"] and p["next_cursor"] for p in pages[:-1])


def _state(cursor):
    """A cursor's payload without its issue time."""
    payload = cursor.split(".")[0]
    state = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    state.pop("t")
    return state


def test_feed_continuation_uses_the_cursor_and_ignores_every_other_field(api):
    first = api.feed(batch_size=5, work_models=["remote"])
    cursor = first["next_cursor"]
    plain = api.feed(cursor=cursor)
    noisy = api.feed(cursor=cursor, batch_size=1, work_models=["onsite"], stable_scan=False,
                     locations=[{"country": "Narnia"}], posted_after="not even a date")
    assert plain["jobs"] == noisy["jobs"] and plain["has_more"] is noisy["has_more"] is True
    assert _state(plain["next_cursor"]) == _state(noisy["next_cursor"])
    assert len(plain["jobs"]) == 5 and plain["estimated_total"] is None
    assert all(j["workplace_type"] == "Remote" for j in plain["jobs"])
    assert not {j["id"] for j in first["jobs"]} & {j["id"] for j in plain["jobs"]}


def test_legacy_feed_order_is_newest_posted_first_and_stops_at_the_deep_paging_limit(api, sb):
    first = api.feed(stable_scan=False, batch_size=1000)
    expected = sorted(sb.dataset.jobs, key=lambda j: (-j.posted_at, j.id))
    assert [j["id"] for j in first["jobs"]] == [j.id for j in expected[:1000]]
    second = api.feed(cursor=first["next_cursor"])
    assert [j["id"] for j in second["jobs"]] == [j.id for j in expected[1000:2000]]
    sb.app.legacy_feed_limit = 2000
    try:
        reply = api.post("/api/jobs/feed", {"cursor": second["next_cursor"]})
        assert reply.status == 409
        assert reply.json()["code"] == "feed_cursor_restart_required"
        stable = api.feed(batch_size=1000)
        for _ in range(3):  # a stable scan is not limited
            stable = api.feed(cursor=stable["next_cursor"])
        assert len(stable["jobs"]) == 1000
    finally:
        sb.app.legacy_feed_limit = 10_000


def _conflict(reply):
    assert reply.status == 409, (reply.status, reply.body)
    assert reply.headers["Content-Type"] == "application/problem+json"
    body = reply.json()
    assert set(body) == {"title", "status", "detail", "code"}
    assert (body["title"], body["status"], body["code"]) == (
        "Conflict", 409, "feed_cursor_restart_required")
    assert "X-Credits-Used" not in reply.headers
    return body


def test_tampered_malformed_and_foreign_cursors_get_409_restart_required(api, sb):
    cursor = api.feed(batch_size=3)["next_cursor"]
    payload, sig = cursor.split(".")
    state = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    state["b"] = 1000
    forged = base64.urlsafe_b64encode(json.dumps(state).encode()).rstrip(b"=").decode()
    for bad in (forged + "." + sig, payload + "." + sig[::-1], "garbage", "", "a.b.c",
                "\u00e9t\u00e9.x", cursor + "x"):
        _conflict(api.post("/api/jobs/feed", {"cursor": bad}))
    with Sandbox(seed=11, jobs=50, http_port=None) as other:  # another sandbox's secret
        _conflict(Api(other).post("/api/jobs/feed", {"cursor": cursor}))
    assert api.post("/api/jobs/feed", {"cursor": 12}).status == 400


def test_cursors_expire_after_the_ttl_and_on_demand(api, sb):
    cursor = api.feed(batch_size=2)["next_cursor"]
    assert api.post("/api/jobs/feed", {"cursor": cursor}).status == 200
    sb.app.cursor_ttl = 0.001
    try:
        time.sleep(0.01)
        assert "expired" in _conflict(api.post("/api/jobs/feed", {"cursor": cursor}))["detail"]
    finally:
        sb.app.cursor_ttl = 3600
    assert api.post("/api/jobs/feed", {"cursor": cursor}).status == 200
    sb.expire_cursors()
    _conflict(api.post("/api/jobs/feed", {"cursor": cursor}))
    cursor = api.feed(batch_size=2)["next_cursor"]
    assert api.post("/__cursors/expire", {}, key=None).status == 200
    _conflict(api.post("/api/jobs/feed", {"cursor": cursor}))
    assert api.feed(batch_size=2)["has_more"] is True  # a new scan works


def _locations(job):
    return job["locations"]


def test_feed_locations_match_any_entry_with_wildcards_case_insensitively(api, sb):
    us = api.feed(locations=[{"country": "US"}], batch_size=1)["estimated_total"]
    assert us == api.feed(locations=[{"country": "united states"}],
                          batch_size=1)["estimated_total"] > 100
    assert us == api.feed(locations=[{"country": "us", "region": None, "city": None}],
                          batch_size=1)["estimated_total"]
    sf, _ = _scan(api, locations=[{"city": "sAN fRANCISCO"}])
    assert sf and all(any(l["city"] == "San Francisco" for l in _locations(j)) for j in sf)
    ca, _ = _scan(api, locations=[{"country": "US", "region": "ca"}])
    assert ca and all(any(l["region"] == "California" for l in _locations(j)) for j in ca)
    assert len(ca) == api.feed(locations=[{"region": "California"}],
                               batch_size=1)["estimated_total"]
    zurich, _ = _scan(api, locations=[{"city": "zurich"}])
    assert zurich and all(any(l["city"] == "Zürich" for l in _locations(j)) for j in zurich)
    either, _ = _scan(api, locations=[{"city": "San Francisco"}, {"country": "jp"}])
    ids = {j["id"] for j in either}
    tokyo_or_sf = {j.id for j in sb.dataset.jobs
                   if any(l["city"] == "San Francisco" or l["country"] == "Japan"
                          for l in j.loc_docs)}
    assert ids == tokyo_or_sf
    assert api.feed(locations=[{"country": "DE", "city": "San Francisco"}])["jobs"] == []
    remote_de = [j for j in sb.dataset.jobs if any(l["city"] is None and l["country"] == "Germany"
                                                   for l in j.loc_docs)]
    de, _ = _scan(api, locations=[{"country": "Germany"}])
    assert {j.id for j in remote_de} <= {j["id"] for j in de}


def test_feed_filters_on_closed_sets_sources_and_dates(api, sb):
    since = sb.dataset.anchor - 15 * DAY
    jobs, pages = _scan(api, sources=["greenhouse", "workday"], work_models=["remote"],
                        employment_types=["full-time"], experience_levels=["senior"],
                        posted_after=iso(since), updated_after=iso(since + DAY))
    expected = {j.id for j in sb.dataset.jobs
                if j.source in ("greenhouse", "workday") and j.work_model == "remote"
                and j.employment_type == "full-time" and j.experience_level == "senior"
                and j.posted_at >= since and j.updated_at >= since + DAY}
    assert expected and {j["id"] for j in jobs} == expected
    assert pages[0]["estimated_total"] == len(expected)
    assert api.feed(sources=["not-an-ats"])["jobs"] == []
    assert api.feed(sources=[], batch_size=1)["estimated_total"] == 5000  # empty = no filter


@pytest.mark.parametrize("body, name", [
    ({"batch_size": 0}, "batch_size"), ({"batch_size": 1001}, "batch_size"),
    ({"batch_size": "10"}, "batch_size"), ({"stable_scan": "yes"}, "stable_scan"),
    ({"locations": ["US"]}, "locations"), ({"locations": [{"country": 1}]}, "locations[0].country"),
    ({"sources": "greenhouse"}, "sources"), ({"work_models": [None]}, "work_models"),
    ({"posted_after": "2024-13-01"}, "posted_after"), ({"updated_after": 5}, "updated_after"),
])
def test_feed_rejects_bad_values_naming_the_field(api, body, name):
    reply = api.post("/api/jobs/feed", body)
    assert reply.status == 400, body
    assert f"'{name}'" in reply.json()["message"]


def test_feed_body_must_be_a_json_object(api):
    for raw in (b"[]", b"{oops", b"3"):
        assert api.post("/api/jobs/feed", raw).status == 400


def test_feed_costs_half_a_credit_per_job_showing_the_floor_of_the_balance(api, sb):
    key = sb.create_key("full", credits=100)
    steps = []
    for size in (3, 3, 1, 2):
        reply = api.post("/api/jobs/feed", {"batch_size": size}, key=key)
        assert reply.status == 200
        steps.append((reply.headers["X-Credits-Used"], reply.headers["X-Credits-Remaining"]))
    # exact balance: 98.5, 97.0, 96.5, 95.5
    assert steps == [("2", "98"), ("1", "97"), ("1", "96"), ("1", "95")]
    assert sb.app.accounts.exact_balance(key) == 95.5
    poor = sb.create_key("full", credits=1)
    refused = api.post("/api/jobs/feed", {"batch_size": 3}, key=poor)
    assert refused.status == 402
    assert refused.headers["X-Credits-Required"] == "2"
    assert refused.headers["X-Credits-Balance"] == "1"
    assert "1.5 credits" in refused.json()["message"]
    fits = api.post("/api/jobs/feed", {"batch_size": 2}, key=poor)
    assert (fits.headers["X-Credits-Used"], fits.headers["X-Credits-Remaining"]) == ("1", "0")


def test_feed_plans_search_only_is_refused_and_feed_only_is_served(api):
    for path in ("/api/jobs/feed", "/api/jobs/feed/managed"):
        reply = api.post(path, {}, key="search_only")
        assert reply.status == 403 and reply.json() == FORBIDDEN
    assert api.get("/api/jobs/expired", key="search_only").json() == FORBIDDEN
    assert api.post("/api/jobs/feed", {"batch_size": 1}, key="feed_only").status == 200


def test_managed_feed_is_forbidden_for_every_sandbox_key(api, sb):
    for plan in sb.keys:
        if plan == "revoked":
            continue
        reply = api.post("/api/jobs/feed/managed", {"batch_size": 1}, key=plan)
        if plan == "limited" and reply.status == 429:
            continue
        assert reply.status == 403, plan
        assert reply.json() == FORBIDDEN


def test_managed_feed_serves_the_managed_companies_to_an_enterprise_key(api, sb):
    key = sb.create_key("enterprise")
    managed = managed_company_ids(sb.dataset)
    jobs, pages = _scan(api, key=key, path="/api/jobs/feed/managed", batch_size=300,
                        work_models=["onsite", "hybrid"], locations=[{"country": "Narnia"}],
                        employment_types=["internship"])
    expected = [j.id for j in sorted(sb.dataset.jobs, key=lambda j: (j.updated_at, j.id))
                if j.company.id in managed and j.work_model in ("onsite", "hybrid")]
    assert expected and [j["id"] for j in jobs] == expected  # locations etc. ignored
    assert pages[0]["estimated_total"] == len(expected)
    feed_cursor = api.feed(batch_size=1)["next_cursor"]
    _conflict(api.post("/api/jobs/feed/managed", {"cursor": feed_cursor}, key=key))
    _conflict(api.post("/api/jobs/feed", {"cursor": pages[0]["next_cursor"]}, key=key))


# --------------------------------------------------------------------- expired ids

def _expired_between(sb, lo, hi):
    return sorted((j for j in sb.dataset.jobs
                   if j.expires_at is not None and lo <= j.expires_at <= hi),
                  key=lambda j: (j.expires_at, j.id))


def _assert_window(sb, ids, lo, hi, margin=2):
    """``ids`` are the expiries in [lo, hi], give or take the clock ticking during the
    request (``margin`` seconds at either end)."""
    inner = [j.id for j in _expired_between(sb, lo + margin, hi - margin)]
    outer = [j.id for j in _expired_between(sb, lo - margin, hi + margin)]
    assert set(inner) <= set(ids) <= set(outer)
    assert ids == [i for i in outer if i in set(ids)]  # in (expires_at, id) order


def test_expired_ids_default_to_the_last_24_hours_of_real_time(api, sb):
    now = int(time.time())
    reply = api.get("/api/jobs/expired")
    body = api.ok(reply)
    assert set(body) == {"job_ids", "next_cursor", "has_more"}
    assert reply.headers["X-Credits-Used"] == "0"
    assert len(body["job_ids"]) >= 20
    _assert_window(sb, body["job_ids"], now - DAY, now)
    assert body["has_more"] is False and body["next_cursor"] is None


def test_expired_ids_within_seven_days_page_with_a_cursor_without_duplicates(api, sb):
    now = time.time()
    since = iso(now - 7 * DAY + 5)
    ids, cursor, pages = [], None, 0
    for _ in range(1000):
        params = {"batch_size": 50}
        params.update({"cursor": cursor} if cursor else {"expired_since": since})
        body = api.ok(api.get("/api/jobs/expired", **params))
        pages += 1
        ids.extend(body["job_ids"])
        if not body["has_more"]:
            assert body["next_cursor"] is None
            break
        cursor = body["next_cursor"]
        assert len(body["job_ids"]) == 50
    _assert_window(sb, ids, int(now) - 7 * DAY + 5, int(time.time()))
    assert len(ids) == len(set(ids)) > 200
    assert pages == -(-len(ids) // 50)
    future = {j.id for j in sb.dataset.jobs if j.expires_at and j.expires_at > time.time() + 60}
    assert future and not future & set(ids)
    older = {j.id for j in sb.dataset.jobs if j.expires_at and j.expires_at < now - 8 * DAY}
    assert older and not older & set(ids)


@pytest.mark.parametrize("params, name", [
    ({"expired_since": "EIGHT_DAYS"}, "expired_since"), ({"expired_since": "nope"}, "expired_since"),
    ({"batch_size": 0}, "batch_size"), ({"batch_size": 10001}, "batch_size"),
    ({"batch_size": "x"}, "batch_size"), ({"cursor": "forged.cursor"}, "cursor"),
])
def test_expired_ids_reject_a_lookback_over_seven_days_and_bad_values(api, params, name):
    if params.get("expired_since") == "EIGHT_DAYS":
        params = {"expired_since": iso(time.time() - 8 * DAY)}
    reply = api.get("/api/jobs/expired", **params)
    assert reply.status == 400
    assert f"'{name}'" in reply.json()["message"]


def test_expired_ids_accept_the_largest_batch_and_a_future_since(api):
    assert api.ok(api.get("/api/jobs/expired", batch_size=10000))["has_more"] is False
    body = api.ok(api.get("/api/jobs/expired", expired_since=iso(time.time() + 3600)))
    assert body == {"job_ids": [], "next_cursor": None, "has_more": False}


def test_default_dataset_expiry_times_are_relative_to_real_now_even_with_an_old_anchor():
    ds = data.generate(seed=3, jobs=3000, anchor=1_600_000_000)
    now = time.time()
    within_day = [j for j in ds.jobs if j.expires_at and now - DAY <= j.expires_at <= now]
    within_week = [j for j in ds.jobs if j.expires_at and now - 7 * DAY <= j.expires_at <= now]
    assert len(within_day) >= 10 and len(within_week) > 5 * len(within_day) / 2


# --------------------------------------------------------------------- geocoding

def _geo(api, location, key="full"):
    reply = api.get("/api/locations/geocode", key=key, location=location)
    return reply, api.ok(reply)


def test_geocode_resolves_city_with_us_state_code_and_costs_one_credit(api, sb):
    key = sb.create_key("full", credits=10)
    reply, body = _geo(api, "San Francisco, CA", key=key)
    assert (reply.headers["X-Credits-Used"], reply.headers["X-Credits-Remaining"]) == ("1", "9")
    assert set(body) == {"input", "succeeded", "locations", "method", "error"}
    assert body["input"] == "San Francisco, CA" and body["succeeded"] is True
    assert body["error"] is None and body["method"] == "exact"
    (loc,) = body["locations"]
    assert set(loc) == GEO_FIELDS
    assert (loc["city"], loc["region"], loc["country"], loc["country_code"]) == (
        "San Francisco", "California", "United States", "US")
    assert abs(loc["latitude"] - 37.77) < 0.1 and abs(loc["longitude"] + 122.42) < 0.1
    assert loc["display_name"] == "San Francisco, CA, United States"
    assert loc["fuzzy_confidence"] == 1.0


@pytest.mark.parametrize("text, cities", [
    ("San Francisco", [("San Francisco", "US")]),
    ("london, united kingdom", [("London", "GB")]),
    ("London, GB", [("London", "GB")]),
    ("Portland", [("Portland", "US"), ("Portland", "US")]),
    ("Portland, ME", [("Portland", "US")]),
    ("Cambridge, MA", [("Cambridge", "US")]),
    ("Cambridge, United Kingdom", [("Cambridge", "GB")]),
    ("ZURICH", [("Zürich", "CH")]),
    ("Zürich, Switzerland", [("Zürich", "CH")]),
    ("Austin, Texas, US", [("Austin", "US")]),
])
def test_geocode_understands_city_city_country_and_city_state(api, text, cities):
    _, body = _geo(api, text)
    assert body["succeeded"] is True, body
    assert [(l["city"], l["country_code"]) for l in body["locations"]] == cities


def test_geocode_resolves_countries_regions_and_misspellings(api):
    _, de = _geo(api, "Germany")
    assert de["method"] == "country" and de["locations"][0]["country_code"] == "DE"
    assert de["locations"][0]["city"] is None
    assert _geo(api, "DE")[1]["locations"] == de["locations"]
    _, texas = _geo(api, "Texas")
    assert texas["method"] == "region" and texas["locations"][0]["region"] == "Texas"
    _, typo = _geo(api, "San Fransisco")
    assert typo["method"] == "fuzzy" and typo["locations"][0]["city"] == "San Francisco"
    assert 0.85 <= typo["locations"][0]["fuzzy_confidence"] < 1


@pytest.mark.parametrize("text", ["Atlantis", "Springfield, Narnia", "qqqq, zz", ",,,"])
def test_geocode_unknown_input_is_200_with_succeeded_false(api, text):
    reply, body = _geo(api, text)
    assert reply.headers["X-Credits-Used"] == "1"
    assert body["succeeded"] is False and body["locations"] == []
    assert body["method"] is None and body["error"] and body["input"] == text


def test_geocode_needs_a_location(api):
    for params in ({}, {"location": "  "}):
        reply = api.get("/api/locations/geocode", **params)
        assert reply.status == 400 and "'location'" in reply.json()["message"]


def test_gazetteer_has_at_least_200_cities_with_coordinates():
    assert len(gazetteer.CITIES) >= 200
    assert all(-90 <= c.latitude <= 90 and -180 <= c.longitude <= 180 for c in gazetteer.CITIES)


# --------------------------------------------------------------------- location filters

def test_get_search_location_matches_a_country_by_name_or_iso_code(api):
    totals = {loc: api.search(location=loc, page_size=1, include_facets="")["total"]
              for loc in ("US", "us", "United States", "united states")}
    assert len(set(totals.values())) == 1 and totals["US"] > 100
    assert api.search(location="california", page_size=1)["total"] == \
        api.search(location="CA, US", page_size=1)["total"] > 0


# --------------------------------------------------------------------- scale

def test_lazy_documents_of_large_datasets_are_identical_to_cached_ones():
    cached = data.generate(seed=9, jobs=200, anchor=1_700_000_000, cache_docs=True)
    lazy = data.generate(seed=9, jobs=200, anchor=1_700_000_000, cache_docs=False)
    assert [cached.job_json(j) for j in cached.jobs] == [lazy.job_json(j) for j in lazy.jobs]
    assert lazy.jobs[5].doc == cached.jobs[5].doc
    assert lazy.jobs[5]._doc is None and cached.jobs[5]._doc is not None
    assert lazy.job_json(lazy.jobs[7], data.fields_mask(["summary"])) == \
        cached.job_json(cached.jobs[7], data.fields_mask(["summary"]))


def test_a_dataset_above_the_cache_threshold_starts_fast_and_streams_the_feed():
    with Sandbox(seed=4, jobs=data.CACHE_DOCS_MAX + 1000, http_port=None) as big:
        assert big.startup_seconds < 5
        assert big.dataset.cache_docs is False
        api = Api(big)
        first = api.feed(batch_size=1000, work_models=["remote"])
        assert len(first["jobs"]) == 1000 and first["has_more"]
        assert all(j["workplace_type"] == "Remote" for j in first["jobs"])
        assert api.search(location="US", page_size=1)["total"] > 0


# --------------------------------------------------------------------- echo, connection ids

def test_echo_header_is_copied_to_x_echo_on_every_response(api):
    for path, key in (("/api/jobs?page_size=1", "full"), ("/api/jobs", None),
                      ("/api/nothing", "full")):
        reply = api.request("GET", path, key=key, headers={"X-Echo-Request": "abc-123"})
        assert reply.headers["X-Echo"] == "abc-123"
    assert "X-Echo" not in api.get("/api/jobs", page_size=1).headers


def test_echo_query_parameter_is_ignored_by_filters_and_echoed_in_body_and_header(api):
    plain = api.search(page_size=3, include_facets="")
    reply = api.get("/api/jobs", page_size=3, include_facets="", echo="tok-7",
                    some_unknown_param="x")
    body = api.ok(reply)
    assert reply.headers["X-Echo"] == "tok-7"
    assert body["echo"] == "tok-7"
    assert body["connection_id"] == int(reply.headers["X-Connection-Id"])
    echoed = ("echo", "connection_id", "echo_request")
    assert {k: v for k, v in body.items() if k not in echoed} == plain
    assert list(body)[:3] == list(echoed)
    feed = api.ok(api.post("/api/jobs/feed", {"batch_size": 1}, echo="f\"eed"))
    assert feed["echo"] == "f\"eed" and feed["has_more"] is True
    job = api.ok(api.get("/api/jobs/" + plain["jobs"][0]["id"], echo="j"))
    assert job["echo"] == "j" and job["id"] == plain["jobs"][0]["id"]
    error = api.get("/api/jobs", page_size=0, echo="e")
    assert error.headers["X-Echo"] == "e" and "echo" not in error.json()


def test_echo_shows_the_request_as_received_but_never_the_key(api):
    reply = api.request("POST", "/api/jobs/search?echo=t&x=1&x=2&blank=",
                        body=b'{"queries": ["nurse"], "note": {"a": [1]}}', key="full",
                        headers={"X-Trace": "abc", "Content-Type": "application/json"})
    echoed = api.ok(reply)["echo_request"]
    assert echoed["method"] == "POST" and echoed["path"] == "/api/jobs/search"
    assert echoed["query"] == [["echo", "t"], ["x", "1"], ["x", "2"], ["blank", ""]]
    assert echoed["headers"]["x-trace"] == "abc"
    assert "x-api-key" not in echoed["headers"]
    assert api.sb.keys["full"].encode() not in reply.body
    assert echoed["body"] == {"queries": ["nurse"], "note": {"a": [1]}}
    got = api.ok(api.get("/api/jobs", page_size=1, echo="g"))["echo_request"]
    assert got["body"] is None and got["method"] == "GET"


def test_sixteen_concurrent_clients_each_get_their_own_echo(api):
    results, errors = {}, []

    def worker(n):
        try:
            conn = api.connect()
            for i in range(5):
                token = f"t{n}-{i}"
                reply = api.request("GET", "/api/jobs", conn=conn,
                                    params={"page_size": 2, "echo": token})
                body = reply.json()
                results[token] = (body["echo"], reply.headers["X-Echo"],
                                  body["connection_id"], reply.headers["X-Connection-Id"])
            conn.close()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and len(results) == 80
    for token, (echo_body, echo_header, conn_body, conn_header) in results.items():
        assert echo_body == echo_header == token
        assert conn_body == int(conn_header)
    per_thread = {}
    for token, (_, _, conn_id, _) in results.items():
        per_thread.setdefault(token.split("-")[0], set()).add(conn_id)
    assert all(len(ids) == 1 for ids in per_thread.values())  # keep-alive: one each
    assert len({min(ids) for ids in per_thread.values()}) == 16


def test_connection_ids_number_connections_and_stats_count_requests_per_connection(api):
    conn = api.connect()
    ids = {api.request("GET", "/api/jobs", conn=conn, params={"page_size": 1})
           .headers["X-Connection-Id"] for _ in range(3)}
    stats = api.request("GET", "/__stats", key=None, conn=conn)
    conn.close()
    assert len(ids) == 1
    (conn_id,) = ids
    assert stats.headers["X-Connection-Id"] == conn_id
    assert stats.json()["requests_by_connection"][conn_id] == 3  # the stats call is counted after
    other = api.get("/api/jobs", page_size=1).headers["X-Connection-Id"]
    assert int(other) > int(conn_id)
    after = api.get("/__stats", key=None).json()["requests_by_connection"]
    assert after[conn_id] == 4 and after[other] == 1


def test_a_forked_child_connects_on_its_own_connection(api):
    parent_id = api.get("/api/jobs", page_size=1, echo="parent").json()["connection_id"]
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            body = api.get("/api/jobs", page_size=1, echo="child").json()
            os.write(write_fd, json.dumps([body["echo"], body["connection_id"]]).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as pipe:
        echo, child_id = json.loads(pipe.read() or b'[null, null]')
    _, status = os.waitpid(pid, 0)
    assert status == 0 and echo == "child"
    assert child_id != parent_id
