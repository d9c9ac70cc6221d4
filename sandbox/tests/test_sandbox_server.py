"""Tests of the sandbox server itself, spoken to with the standard library only
(http.client over real TLS trusting the sandbox CA), not through the SDK client."""

from __future__ import annotations

import email.utils
import http.client
import json
import math
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import warnings
from urllib.parse import urlencode, urlsplit

import pytest


from jobo_enterprise_sandbox import Sandbox  # noqa: E402
from jobo_enterprise_sandbox import certs, data  # noqa: E402
from jobo_enterprise_sandbox.accounts import Accounts  # noqa: E402
from jobo_enterprise_sandbox.wire import Response  # noqa: E402

SANDBOX = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEAVY = ("description", "summary", "qualifications", "responsibilities", "benefits")
FACET_NAMES = ("work_model", "experience_level", "employment_type", "sources", "industries",
               "skills")


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body.decode("utf-8"))


class Api:
    """A tiny stdlib client for one sandbox."""

    def __init__(self, sb: Sandbox):
        self.sb = sb
        split = urlsplit(sb.base_url)
        self.host, self.port, self.prefix = split.hostname, split.port, split.path
        self.ctx = ssl.create_default_context(cafile=sb.ca_cert)

    def connect(self) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=10)

    def request(self, method, path, key="full", params=None, headers=None, body=None,
                conn=None) -> Reply:
        hdrs = {"Accept": "application/json"}
        if key is not None:
            hdrs["X-Api-Key"] = self.sb.keys.get(key, key)
        hdrs.update(headers or {})
        if params:
            path += "?" + urlencode(params)
        own = conn is None
        conn = conn or self.connect()
        try:
            conn.request(method, self.prefix + path, body=body, headers=hdrs)
            resp = conn.getresponse()
            return Reply(resp.status, resp.headers, resp.read())
        finally:
            if own:
                conn.close()

    def get(self, path, key="full", **params) -> Reply:
        return self.request("GET", path, key=key, params=params or None)

    def search(self, key="full", **params) -> dict:
        reply = self.get("/api/jobs", key=key, **params)
        assert reply.status == 200, reply.body
        return reply.json()


@pytest.fixture(scope="module")
def sb():
    with Sandbox(seed=7) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def api(sb):
    return Api(sb)


def _word(word, text):
    return re.search(r"(?<![\w+#])" + re.escape(word) + r"(?![\w+#])", text.lower()) is not None


def _skills(job):
    q = job["qualifications"]
    return [s["name"] for part in ("must_have", "preferred") for s in q[part]["skills"]]


def _all_pages(api, page_size=100, **params):
    jobs, page = [], 1
    while True:
        body = api.search(page=page, page_size=page_size, include_facets="", **params)
        jobs.extend(body["jobs"])
        if page >= body["total_pages"] or not body["jobs"]:
            return jobs, body["total"]
        page += 1


# --------------------------------------------------------------------- process and ports

def _read_line_with_timeout(stream, timeout):
    box = []
    t = threading.Thread(target=lambda: box.append(stream.readline()), daemon=True)
    t.start()
    t.join(timeout)
    return box[0] if box else None


def test_cli_prints_one_json_line_then_serves_until_sigterm_and_exits_zero():
    env = dict(os.environ)
    env["PYTHONPATH"] = SANDBOX + os.pathsep + env.get("PYTHONPATH", "")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "jobo_enterprise_sandbox", "--port", "0", "--seed", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=SANDBOX, env=env, text=True)
    try:
        line = _read_line_with_timeout(proc.stdout, 20)
        if not line:
            proc.kill()
            pytest.fail("no startup line; stderr: " + proc.stderr.read())
        ready = time.perf_counter() - started
        info = json.loads(line)
        assert set(info) == {"base_url", "http_url", "ca_cert", "keys"}
        assert re.fullmatch(r"https://127\.0\.0\.1:\d+", info["base_url"])
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", info["http_url"])
        assert os.path.isfile(info["ca_cert"])
        assert set(info["keys"]) == {"full", "search_only", "feed_only", "limited",
                                     "low_credits", "revoked"}
        assert all(re.fullmatch(r"jbe_test_[A-Za-z0-9]+", k) for k in info["keys"].values())
        assert len(set(info["keys"].values())) == 6
        assert ready < 10, f"startup took {ready:.2f}s"

        split = urlsplit(info["base_url"])
        ctx = ssl.create_default_context(cafile=info["ca_cert"])
        conn = http.client.HTTPSConnection(split.hostname, split.port, context=ctx, timeout=10)
        conn.request("GET", "/api/jobs?page_size=1", headers={"X-Api-Key": info["keys"]["full"]})
        resp = conn.getresponse()
        assert resp.status == 200
        assert json.loads(resp.read())["total"] == 5000
        conn.close()

        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
        assert not os.path.exists(info["ca_cert"]), "temporary state dir not removed"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()


def test_in_process_startup_is_well_under_two_seconds(sb):
    assert sb.startup_seconds < 2.0, sb.startup_seconds


def test_http_port_answers_301_to_same_path_on_https_without_reading_the_body(sb):
    split = urlsplit(sb.http_url)
    before = sb.stats()
    with socket.create_connection((split.hostname, split.port), timeout=5) as s:
        # announce a 50 MB body, send a little of it: the answer must not wait for it
        s.sendall(b"POST /api/jobs/search?q=data%20engineer&page=2 HTTP/1.1\r\n"
                  b"Host: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 50000000\r\n\r\n" + b"{" * 1000)
        raw = b""
        while b"\r\n\r\n" not in raw:
            chunk = s.recv(4096)
            assert chunk, raw
            raw += chunk
    head = raw.split(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")
    assert head[0] == "HTTP/1.1 301 Moved Permanently"
    fields = dict(line.split(": ", 1) for line in head[1:])
    assert fields["Location"] == sb.base_url + "/api/jobs/search?q=data%20engineer&page=2"
    assert fields["Content-Length"] == "0"
    assert fields["Connection"] == "close"
    after = sb.stats()
    assert after["connections"]["http"] == before["connections"]["http"] + 1
    assert after["requests_total"] == before["requests_total"]


def test_http_port_redirects_a_plain_get_too(sb):
    split = urlsplit(sb.http_url)
    conn = http.client.HTTPConnection(split.hostname, split.port, timeout=5)
    conn.request("GET", "/api/jobs?q=nurse", headers={"X-Api-Key": sb.keys["full"]})
    resp = conn.getresponse()
    assert resp.status == 301
    assert resp.getheader("Location") == sb.base_url + "/api/jobs?q=nurse"
    assert resp.read() == b""
    conn.close()


def test_tls_uses_http11_alpn_and_refuses_tls_1_1(sb, api):
    ctx = ssl.create_default_context(cafile=sb.ca_cert)
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    with socket.create_connection((api.host, api.port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname=api.host) as tls:
            assert tls.selected_alpn_protocol() == "http/1.1"
            assert tls.version() in ("TLSv1.2", "TLSv1.3")
    old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    old.load_verify_locations(sb.ca_cert)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            old.minimum_version = ssl.TLSVersion.TLSv1
            old.maximum_version = ssl.TLSVersion.TLSv1_1
    except (ValueError, ssl.SSLError):
        return  # this OpenSSL cannot even offer TLS 1.1: no older client can exist here
    with socket.create_connection((api.host, api.port), timeout=5) as raw:
        with pytest.raises((ssl.SSLError, OSError)):
            old.wrap_socket(raw, server_hostname=api.host)


def test_certificate_is_valid_for_localhost_as_well(sb, api):
    ctx = ssl.create_default_context(cafile=sb.ca_cert)
    conn = http.client.HTTPSConnection("localhost", api.port, context=ctx, timeout=5)
    conn.request("GET", "/__stats")
    assert conn.getresponse().status == 200
    conn.close()


# --------------------------------------------------------------------- auth and plans

UNAUTHORIZED = {"status": 401, "error": "Unauthorized", "message": "Missing or invalid API key"}
FORBIDDEN = {"status": 403, "error": "Forbidden",
             "message": "Your plan does not include access to this endpoint"}


def test_missing_unknown_and_revoked_keys_get_401_with_documented_body(api):
    for key in (None, "jbe_test_doesnotexist", "revoked"):
        reply = api.get("/api/jobs", key=key)
        assert reply.status == 401, key
        assert reply.json() == UNAUTHORIZED
        assert reply.headers["Content-Type"] == "application/json"


def test_api_key_in_query_string_is_ignored(api, sb):
    reply = api.get("/api/jobs", key=None, api_key=sb.keys["full"])
    assert reply.status == 401
    assert reply.json() == UNAUTHORIZED


def test_search_only_plan_is_refused_outside_search_endpoints(api, sb):
    job = sb.dataset.jobs[0]
    assert api.get("/api/jobs", key="search_only", page_size=1).status == 200
    assert api.get("/api/jobs/" + job.id, key="search_only").status == 200
    reply = api.get("/api/companies/" + job.company.id, key="search_only")
    assert reply.status == 403
    assert reply.json() == FORBIDDEN
    assert api.get("/api/companies/" + job.company.id, key="full").status == 200


def test_feed_only_plan_is_refused_on_search_endpoints(api, sb):
    for path in ("/api/jobs", "/api/jobs/" + sb.dataset.jobs[0].id):
        reply = api.get(path, key="feed_only")
        assert reply.status == 403
        assert reply.json() == FORBIDDEN
    assert api.get("/api/companies/" + sb.dataset.companies[0].id, key="feed_only").status == 200


def test_limited_plan_gets_429_after_five_requests_with_consistent_retry_headers(api):
    conn = api.connect()
    for remaining in (4, 3, 2, 1, 0):
        reply = api.request("GET", "/api/jobs", key="limited", params={"page_size": 1},
                            conn=conn)
        assert reply.status == 200
        assert reply.headers["X-RateLimit-Limit"] == "5"
        assert reply.headers["X-RateLimit-Remaining"] == str(remaining)
    reply = api.request("GET", "/api/jobs", key="limited", conn=conn)
    conn.close()
    assert reply.status == 429
    body = reply.json()
    reset = int(reply.headers["X-RateLimit-Reset"])
    assert body == {"status": 429, "error": "Too Many Requests",
                    "message": f"Rate limit exceeded. Retry after {reset}", "retryAfter": reset}
    date = int(email.utils.parsedate_to_datetime(reply.headers["Date"]).timestamp())
    retry_after = int(reply.headers["Retry-After"])
    assert 1 <= retry_after <= 10
    assert date + retry_after == body["retryAfter"]
    assert reply.headers["X-RateLimit-Remaining"] == "0"
    assert "X-Credits-Used" not in reply.headers


def test_low_credits_plan_gets_402_when_the_page_costs_more_than_the_balance(api):
    first = api.get("/api/jobs", key="low_credits", page_size=25, include_facets="")
    assert first.status == 200
    assert (first.headers["X-Credits-Used"], first.headers["X-Credits-Remaining"]) == ("25", "5")
    refused = api.get("/api/jobs", key="low_credits", page_size=25)
    assert refused.status == 402
    assert refused.headers["X-Credits-Required"] == "25"
    assert refused.headers["X-Credits-Balance"] == "5"
    assert refused.json() == {
        "status": 402, "error": "Payment Required",
        "message": "Insufficient credits: this request needs 25 credits, balance is 5"}
    assert "X-Credits-Used" not in refused.headers
    fits = api.get("/api/jobs", key="low_credits", page_size=5)
    assert fits.status == 200
    assert (fits.headers["X-Credits-Used"], fits.headers["X-Credits-Remaining"]) == ("5", "0")
    empty = api.get("/api/jobs", key="low_credits", q="zzzunmatchablezzz")
    assert empty.status == 200 and empty.json()["total"] == 0
    assert (empty.headers["X-Credits-Used"], empty.headers["X-Credits-Remaining"]) == ("0", "0")


def test_rate_limit_is_checked_before_credits(api, sb):
    key = sb.create_key("low_credits", credits=0, rate_limit=1, window=60)
    assert api.get("/api/jobs", key=key).status == 402
    assert api.get("/api/jobs", key=key).status == 429


def test_search_costs_one_credit_per_job_returned_and_failures_cost_nothing(api, sb):
    key = sb.create_key("full", credits=1000)
    ok = api.get("/api/jobs", key=key, page_size=7)
    assert (ok.headers["X-Credits-Used"], ok.headers["X-Credits-Remaining"]) == ("7", "993")
    bad = api.get("/api/jobs", key=key, page_size=0)
    assert bad.status == 400
    assert "X-Credits-Used" not in bad.headers
    free = api.get("/api/jobs/" + sb.dataset.jobs[1].id, key=key)
    assert (free.headers["X-Credits-Used"], free.headers["X-Credits-Remaining"]) == ("0", "993")
    past_end = api.get("/api/jobs", key=key, page=10_000, page_size=10)
    assert past_end.json()["jobs"] == []
    assert past_end.headers["X-Credits-Used"] == "0"


def test_every_api_response_has_date_request_id_rate_limit_and_length_headers(api, sb):
    now = time.time()
    ids = set()
    for key, path, status in (("full", "/api/jobs?page_size=2", 200),
                              ("full", "/api/jobs?page_size=abc", 400),
                              (None, "/api/jobs", 401),
                              ("full", "/api/nothing-here", 404),
                              ("full", "/api/jobs/00000000-0000-4000-8000-000000000000", 404)):
        reply = api.get(path, key=key)
        assert reply.status == status
        h = reply.headers
        assert re.fullmatch(r"req_[0-9a-f]{16}", h["X-Request-Id"])
        ids.add(h["X-Request-Id"])
        assert abs(email.utils.parsedate_to_datetime(h["Date"]).timestamp() - now) < 30
        assert int(h["X-RateLimit-Limit"]) > 0
        assert 0 <= int(h["X-RateLimit-Remaining"]) <= int(h["X-RateLimit-Limit"])
        assert now - 1 <= int(h["X-RateLimit-Reset"]) <= now + 3600
        assert int(h["Content-Length"]) == len(reply.body)
        assert h["Content-Type"] == "application/json"
        assert ("X-Credits-Used" in h) == (status == 200)
        assert ("X-Credits-Remaining" in h) == (status == 200)
        if status != 200:
            assert reply.json()["status"] == status
    assert len(ids) == 5


def test_unknown_path_is_404_and_wrong_method_is_405_json(api):
    reply = api.get("/api/unknown")
    assert reply.status == 404
    assert reply.json()["error"] == "Not Found"
    reply = api.request("DELETE", "/api/jobs")
    assert reply.status == 405
    assert reply.json()["status"] == 405
    assert reply.headers["Allow"] == "GET"


def test_job_by_id_returns_the_same_document_as_search(api, sb):
    body = api.search(q="nurse", page_size=1)
    job = body["jobs"][0]
    reply = api.get("/api/jobs/" + job["id"])
    assert reply.status == 200
    assert reply.json() == job
    missing = api.get("/api/jobs/11111111-1111-4111-8111-111111111111")
    assert missing.status == 404
    assert missing.json()["error"] == "Not Found"


# --------------------------------------------------------------------- search

def test_common_queries_each_match_at_least_thirty_jobs(api):
    for q in ("data engineer", "python", "nurse", "sales"):
        assert api.search(q=q, page_size=1)["total"] >= 30, q


def test_text_query_requires_every_word_in_title_description_or_skills(api):
    jobs, total = _all_pages(api, q="Data Engineer")
    assert total == len(jobs) >= 30
    for job in jobs:
        text = " ".join([job["title"], job["description"], " ".join(_skills(job))])
        assert _word("data", text) and _word("engineer", text), job["title"]
    # title matches come first
    in_title = [_word("data", j["title"]) and _word("engineer", j["title"]) for j in jobs]
    assert in_title == sorted(in_title, reverse=True)


def test_search_description_false_matches_titles_only(api):
    full = api.search(q="python", page_size=1)["total"]
    jobs, total = _all_pages(api, q="python", search_description="false")
    assert 0 < total < full
    assert all(_word("python", j["title"]) for j in jobs)


def test_quoted_phrase_matches_the_title_exactly_as_a_phrase(api):
    loose = api.search(q="engineer data", page_size=1)["total"]
    jobs, total = _all_pages(api, q='"DATA engineer"')
    assert 0 < total < loose
    assert all("data engineer" in j["title"].lower() for j in jobs)
    jobs2, _ = _all_pages(api, q='"engineer data"')
    assert jobs2 == []


def test_location_filter_matches_iso_code_country_region_code_and_city(api):
    us, us_total = _all_pages(api, location="US")
    assert us_total > 100
    assert all(any(l["country"] == "United States" for l in j["locations"]) for j in us)
    assert api.search(location="united states", page_size=1)["total"] == us_total
    ca_region, total_cal = _all_pages(api, location="California")
    assert 0 < total_cal < us_total
    assert all(any(l["region"] == "California" for l in j["locations"]) for j in ca_region)
    # "CA" is both California's code and Canada's ISO code
    assert api.search(location="CA", page_size=1)["total"] >= total_cal
    sf, total_sf = _all_pages(api, location="San Francisco, CA")
    assert 0 < total_sf <= total_cal
    assert all(any(l["city"] == "San Francisco" for l in j["locations"]) for j in sf)
    zurich = api.search(location="zurich", page_size=100)
    assert zurich["total"] > 0
    assert all(any(l["city"] == "Zürich" for l in j["locations"]) for j in zurich["jobs"])
    assert api.search(location="Atlantis", page_size=1)["total"] == 0


def test_closed_set_filters_match_display_cased_values(api):
    cases = (("work_model", "remote", "workplace_type", {"Remote"}),
             ("employment_type", "part-time,contract", "employment_type", {"Part-time", "Contract"}),
             ("experience_level", "senior,lead", "experience_level", {"Senior", "Lead"}),
             ("sources", "greenhouse,jobosandbox", "source", {"greenhouse", "jobosandbox"}))
    everything = api.search(page_size=1)["total"]
    for param, value, field, allowed in cases:
        body = api.search(page_size=100, include_fields="", **{param: value})
        assert 0 < body["total"] < everything, param
        assert {j[field] for j in body["jobs"]} <= allowed, param
        assert api.search(page_size=1, **{param: "no-such-value"})["total"] == 0, param


def test_date_filters_are_inclusive_and_use_date_posted_or_created_at(api, sb):
    job = sb.dataset.jobs[42].doc
    same = api.search(posted_after=job["date_posted"], posted_before=job["date_posted"],
                      page_size=100, include_fields="")
    assert job["id"] in {j["id"] for j in same["jobs"]}
    assert all(j["date_posted"] == job["date_posted"] for j in same["jobs"])
    found = api.search(discovered_after=job["created_at"], discovered_before=job["created_at"],
                       page_size=100, include_fields="")
    assert job["id"] in {j["id"] for j in found["jobs"]}
    assert all(j["created_at"] == job["created_at"] for j in found["jobs"])
    cutoff = "2000-01-01T00:00:00+00:00"
    assert api.search(posted_before=cutoff, page_size=1)["total"] == 0
    recent, total = _all_pages(api, posted_after=job["date_posted"])
    assert 0 < total < 5000
    assert all(j["date_posted"] >= job["date_posted"] for j in recent)


def _annual_usd(comp, which):
    value = comp[which] if comp[which] is not None else comp["min"]
    return int(value * data.ANNUAL_FACTOR[comp["period"]] * data.FX_TO_USD[comp["currency"]])


def test_salary_filters_compare_yearly_usd_ranges(api):
    everything = api.search(page_size=1)["total"]
    rich, total = _all_pages(api, min_salary_usd=150000)
    assert 0 < total < everything
    assert all(j["compensation"] and _annual_usd(j["compensation"], "max") >= 150000 for j in rich)
    cheap, total2 = _all_pages(api, max_salary_usd=40000)
    assert 0 < total2 < everything
    assert all(j["compensation"] and _annual_usd(j["compensation"], "min") <= 40000 for j in cheap)
    both = api.search(min_salary_usd=150000, max_salary_usd=40000, page_size=1)["total"]
    assert both <= min(total, total2)


def test_skills_and_industries_filters_match_any_case_insensitively(api):
    jobs, total = _all_pages(api, skills="PYTHON,Rust")
    assert total > 30
    assert all({"python", "rust"} & {s.lower() for s in _skills(j)} for j in jobs)
    jobs, total = _all_pages(api, industries="hospitals and health care")
    assert total > 30
    assert all("Hospitals and Health Care" in j["company"]["industries"] for j in jobs)


def test_filters_combine_and_narrow(api):
    a = api.search(q="engineer", page_size=1)["total"]
    b = api.search(q="engineer", location="US", page_size=1)["total"]
    c = api.search(q="engineer", location="US", work_model="remote", page_size=1)["total"]
    assert a > b > c > 0


# --------------------------------------------------------------------- paging, facets, fields

def test_pagination_is_consistent_and_past_the_end_is_empty(api):
    first = api.search(q="python", page_size=10)
    total = first["total"]
    assert first["page"] == 1 and first["page_size"] == 10
    assert first["total_pages"] == math.ceil(total / 10)
    second = api.search(q="python", page_size=10, page=2)
    assert second["total"] == total
    assert not {j["id"] for j in first["jobs"]} & {j["id"] for j in second["jobs"]}
    jobs, _ = _all_pages(api, q="python", page_size=37)
    assert len(jobs) == len({j["id"] for j in jobs}) == total
    last = api.search(q="python", page_size=10, page=first["total_pages"])
    assert 1 <= len(last["jobs"]) <= 10
    past = api.search(q="python", page_size=10, page=first["total_pages"] + 1)
    assert past["jobs"] == [] and past["total"] == total
    assert api.search(page_size=100)["total_pages"] == 50
    assert len(api.search(page_size=100)["jobs"]) == 100
    assert len(api.search()["jobs"]) == 25


def test_default_facets_count_the_whole_filtered_set(api):
    body = api.search(q="nurse", page_size=1)
    facets = body["facets"]
    assert tuple(facets) == FACET_NAMES
    for name, entries in facets.items():
        assert 0 < len(entries) <= 20, name
        counts = [e["count"] for e in entries]
        assert counts == sorted(counts, reverse=True), name
        assert all(e["key"] == e["key"].lower() for e in entries), name
    assert sum(e["count"] for e in facets["work_model"]) == body["total"]
    for entry in facets["work_model"]:
        narrowed = api.search(q="nurse", work_model=entry["key"], page_size=1)
        assert narrowed["total"] == entry["count"]
    skill = facets["skills"][0]
    assert api.search(q="nurse", skills=skill["key"], page_size=1)["total"] == skill["count"]


def test_include_facets_selects_facets_and_empty_means_none(api):
    assert tuple(api.search(page_size=1, include_facets="sources,skills")["facets"]) == \
        ("sources", "skills")
    assert api.search(page_size=1, include_facets="")["facets"] == {}
    sources = api.search(page_size=1, include_facets="sources")["facets"]["sources"]
    assert len(sources) == 20  # 24 sources, top 20


def test_include_fields_keeps_only_the_listed_heavy_fields(api):
    full = api.search(q="python", page_size=3)["jobs"]
    assert all(set(HEAVY) <= set(j) for j in full)
    # a trimmed description is sent as "" in its place (the official Job requires
    # it); the other heavy fields left out are omitted
    none = api.search(q="python", page_size=3, include_fields="")["jobs"]
    assert all(set(HEAVY) & set(j) == {"description"} and j["description"] == "" for j in none)
    some = api.search(q="python", page_size=3, include_fields="summary,benefits")["jobs"]
    for j_full, j_some in zip(full, some):
        assert set(HEAVY) & set(j_some) == {"description", "summary", "benefits"}
        assert list(j_some) == [k for k in j_full if k not in ("qualifications",
                                                               "responsibilities")]
        assert {k: ("" if k == "description" else v) for k, v in j_full.items()
                if k not in ("qualifications", "responsibilities")} == j_some


def test_the_same_job_serializes_to_identical_bytes_every_time(api):
    a = api.get("/api/jobs", q="sales", page_size=5, include_facets="").body
    b = api.get("/api/jobs", q="sales", page_size=5, include_facets="").body
    assert a == b


def test_page_of_five_jobs_has_a_realistic_size(api):
    size = len(api.get("/api/jobs", page_size=5).body)
    assert 20_000 <= size <= 35_000, size


@pytest.mark.parametrize("params, name", [
    ({"page_size": "0"}, "page_size"), ({"page_size": "101"}, "page_size"),
    ({"page_size": "ten"}, "page_size"), ({"page": "0"}, "page"), ({"page": "1.5"}, "page"),
    ({"posted_after": "last tuesday"}, "posted_after"),
    ({"discovered_before": "2024-13-01T00:00:00Z"}, "discovered_before"),
    ({"min_salary_usd": "100k"}, "min_salary_usd"), ({"max_salary_usd": "-5"}, "max_salary_usd"),
    ({"search_description": "maybe"}, "search_description"),
    ({"include_facets": "sources,colour"}, "include_facets"),
    ({"include_fields": "description,salary"}, "include_fields"),
])
def test_invalid_parameters_get_400_naming_the_parameter(api, params, name):
    reply = api.get("/api/jobs", **params)
    assert reply.status == 400
    body = reply.json()
    assert (body["status"], body["error"]) == (400, "Bad Request")
    assert f"'{name}'" in body["message"]


def test_page_size_out_of_range_has_the_documented_message(api):
    assert api.get("/api/jobs", page_size=101).json() == {
        "status": 400, "error": "Bad Request",
        "message": "Parameter 'page_size' must be between 1 and 100."}


# --------------------------------------------------------------------- connections

def test_keep_alive_serves_many_requests_on_one_connection(api, sb):
    before = sb.stats()["connections"]["https"]
    conn = api.connect()
    for page in range(1, 41):
        reply = api.request("GET", "/api/jobs", params={"page": page, "page_size": 5},
                            conn=conn)
        assert reply.status == 200
        assert "Connection" not in reply.headers
    conn.close()
    assert sb.stats()["connections"]["https"] == before + 1


def test_connection_close_request_is_answered_then_closed(api):
    ctx = api.ctx
    with socket.create_connection((api.host, api.port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname=api.host) as tls:
            tls.sendall(b"GET /api/jobs/nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data_ = b""
            while True:
                chunk = tls.recv(65536)
                if not chunk:
                    break
                data_ += chunk
    assert data_.startswith(b"HTTP/1.1 401 ")
    assert b"\r\nConnection: close\r\n" in data_


def test_malformed_requests_and_disconnects_do_not_break_the_server(api):
    for garbage in (b"NONSENSE\r\n\r\n", b"GET /api/jobs HTTP/9.9\r\n\r\n",
                    b"GET /api/jobs HTTP/1.1\r\nBroken header\r\n\r\n"):
        with socket.create_connection((api.host, api.port), timeout=5) as raw:
            with api.ctx.wrap_socket(raw, server_hostname=api.host) as tls:
                tls.sendall(garbage)
                head = tls.recv(65536)
        assert re.match(rb"HTTP/1\.1 (400|505) ", head), head
        assert b"Connection: close" in head
    # a client that goes away in the middle of a body
    with socket.create_connection((api.host, api.port), timeout=5) as raw:
        with api.ctx.wrap_socket(raw, server_hostname=api.host) as tls:
            tls.sendall(b"POST /api/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 9999\r\n\r\n{")
    # a client that fails the TLS handshake
    with socket.create_connection((api.host, api.port), timeout=5) as raw:
        raw.sendall(b"GET / HTTP/1.1\r\n\r\n")
    assert api.get("/api/jobs", page_size=1).status == 200


def test_concurrent_clients_are_served(api):
    errors, statuses = [], []

    def worker(n):
        try:
            conn = api.connect()
            for page in range(1, 11):
                statuses.append(api.request("GET", "/api/jobs", conn=conn,
                                            params={"q": "sales", "page": page}).status)
            conn.close()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert statuses == [200] * 80


def test_stats_endpoint_needs_no_key_and_counts_requests_and_connections(api, sb):
    conn = api.connect()
    before = api.request("GET", "/__stats", key=None, conn=conn).json()
    api.request("GET", "/api/jobs", key="search_only", params={"page_size": 1}, conn=conn)
    api.request("GET", "/api/jobs", key=None, conn=conn)
    after = api.request("GET", "/__stats", key=None, conn=conn).json()
    conn.close()
    assert after["requests_total"] == before["requests_total"] + 2
    by_plan_b, by_plan_a = before["requests_by_plan"], after["requests_by_plan"]
    assert by_plan_a["search_only"] == by_plan_b.get("search_only", 0) + 1
    assert by_plan_a["anonymous"] == by_plan_b.get("anonymous", 0) + 1
    assert after["connections"]["https"] == before["connections"]["https"]
    assert set(after["connections"]) == {"https", "http"}


def test_stop_closes_listeners_and_open_connections_promptly():
    small = Sandbox(seed=2, jobs=200, http_port=None).start()
    api = Api(small)
    conn = api.connect()
    assert api.request("GET", "/api/jobs", conn=conn, params={"page_size": 1}).status == 200
    started = time.perf_counter()
    small.stop()
    assert time.perf_counter() - started < 1.0
    with pytest.raises((OSError, http.client.HTTPException)):
        api.request("GET", "/api/jobs", conn=conn)
    with pytest.raises(OSError):
        socket.create_connection((api.host, api.port), timeout=2).close()


def test_latency_ms_delays_each_api_response_but_requests_overlap():
    with Sandbox(seed=2, jobs=50, http_port=None, latency_ms=300) as slow:
        api = Api(slow)
        started = time.perf_counter()
        assert api.get("/api/jobs", page_size=1).status == 200
        assert time.perf_counter() - started >= 0.3
        started = time.perf_counter()
        assert api.get("/__stats", key=None).status == 200  # test hooks are not delayed
        assert time.perf_counter() - started < 0.3
        statuses = []
        threads = [threading.Thread(target=lambda: statuses.append(
            api.get("/api/jobs", page_size=1).status)) for _ in range(4)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert statuses == [200] * 4
        assert time.perf_counter() - started < 1.0  # not 4 x 0.3 s in a row


def test_state_dir_keeps_the_certificate_files(tmp_path):
    with Sandbox(seed=2, jobs=20, http_port=None, state_dir=str(tmp_path)) as small:
        assert small.ca_cert == str(tmp_path / "ca.pem")
    names = sorted(os.listdir(tmp_path))
    assert names == ["ca.pem", "server.key", "server.pem"]
    assert (tmp_path / "ca.pem").read_bytes().count(b"BEGIN CERTIFICATE") == 1


def test_path_prefix_and_wrappers_route_through_the_same_pipeline():
    with Sandbox(seed=2, jobs=100, http_port=None, path_prefix="/v1") as small:
        assert small.base_url.endswith("/v1")
        api = Api(small)
        assert api.search(page_size=1)["total"] == 100
        api.prefix = ""
        assert api.get("/api/jobs").status == 404

        def tagger(req, match, inner):
            resp = inner(req)
            resp.headers.append(("X-Test-Tag", match.group("tag")))
            return resp

        small.app.add_wrapper(r"/__tag/(?P<tag>[^/]+)", tagger)
        reply = api.get("/v1/__tag/hello/api/jobs", page_size=2)
        assert reply.status == 200 and reply.headers["X-Test-Tag"] == "hello"
        assert reply.headers["X-Credits-Used"] == "2"
        reply = api.get("/v1/__tag/x/api/jobs", key=None)
        assert reply.status == 401 and reply.headers["X-Test-Tag"] == "x"


def test_routing_table_prefers_literal_routes_and_checks_plan_groups():
    with Sandbox(seed=2, jobs=50, http_port=None) as small:
        router = small.app.router
        router.add("GET", "/api/jobs/expired", "free",
                   lambda req: Response(200, {"job_ids": [], "next_cursor": None,
                                              "has_more": False}))
        router.add("POST", "/api/jobs/feed", "feed",
                   lambda req: Response(200, {"jobs": [], "next_cursor": None,
                                              "has_more": False}, cost=3))
        api = Api(small)
        assert api.get("/api/jobs/expired").json()["has_more"] is False
        assert api.get("/api/jobs/expired", key="search_only").status == 403
        reply = api.request("POST", "/api/jobs/feed", body=b"{}",
                            headers={"Content-Type": "application/json"})
        assert reply.status == 200 and reply.headers["X-Credits-Used"] == "3"
        assert api.request("POST", "/api/jobs/feed", key="search_only", body=b"{}").status == 403
        assert api.request("GET", "/api/jobs/feed").status == 404  # GET /api/jobs/{id}


# --------------------------------------------------------------------- data and certificates

def test_dataset_is_deterministic_for_a_seed():
    a = data.generate(seed=5, jobs=300, anchor=1_700_000_000)
    b = data.generate(seed=5, jobs=300, anchor=1_700_000_000)
    c = data.generate(seed=6, jobs=300, anchor=1_700_000_000)
    assert [a.job_json(j) for j in a.jobs] == [b.job_json(j) for j in b.jobs]
    assert [j.id for j in a.jobs] != [j.id for j in c.jobs]
    assert Accounts(seed=5).default_keys == Accounts(seed=5).default_keys
    assert Accounts(seed=5).default_keys != Accounts(seed=6).default_keys


def test_default_dataset_is_large_varied_and_fully_populated(sb):
    ds = sb.dataset
    assert len(ds.jobs) == 5000
    assert len(ds.companies) >= 300
    sources = {j.source for j in ds.jobs}
    assert len(sources) >= 20 and "jobosandbox" in sources
    assert len({l["country"] for j in ds.jobs for l in j.doc["locations"]}) >= 40
    assert len({l["city"] for j in ds.jobs for l in j.doc["locations"]}) >= 200
    iso_z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
    for job in ds.jobs[::50]:
        doc = job.doc
        assert set(doc) >= {"id", "title", "normalized_title", "company", "description",
                            "summary", "listing_url", "apply_url", "locations", "compensation",
                            "employment_type", "workplace_type", "experience_level", "source",
                            "created_at", "updated_at", "date_posted", "valid_through",
                            "qualifications", "responsibilities", "benefits",
                            "is_work_auth_required", "is_h1b_sponsor", "is_clearance_required"}
        assert 1000 <= len(doc["description"].encode("utf-8")) <= 4096
        assert not doc["description"].isascii()
        assert set(doc["company"]) == {"id", "name", "website", "logo_url", "summary",
                                       "linkedin_url", "details_url", "industries",
                                       "categories"}
        assert 1 <= len(doc["locations"]) <= 3
        assert doc["workplace_type"] in ("Remote", "Hybrid", "Onsite")
        assert doc["employment_type"] in data.EMPLOYMENT_TYPES.values()
        assert doc["experience_level"] in set(data.EXPERIENCE_LEVELS.values()) | {None}
        for field in ("created_at", "updated_at", "date_posted"):
            assert iso_z.fullmatch(doc[field]), field
        assert ds.anchor - 90 * 86400 <= job.posted_at <= job.created_at <= job.updated_at
        if doc["compensation"]:
            assert doc["compensation"]["period"] in data.PERIODS
        for part in ("must_have", "preferred"):
            q = doc["qualifications"][part]
            assert set(q) == {"education", "certifications", "skills"}
            assert all(s["type"] in ("hard", "soft") for s in q["skills"])
    assert any(not j.doc["description"].isascii() and any(ord(ch) > 0xFFFF for ch in j.doc["description"])
               for j in ds.jobs[:50]), "some descriptions carry an emoji"
    assert sum(j.expires_at is not None for j in ds.jobs) > 100
    profile = ds.companies[0].profile
    assert {"website", "summary", "description", "headquarters_location", "country_code",
            "founding_year", "company_size", "industries", "technology_list",
            "funding_rounds", "leadership"} <= set(profile)


def _handshake(server_pem, server_key, ca_pem_path, hostname):
    """Run a TLS handshake in memory; return None or the client's verification error."""
    server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_ctx.load_cert_chain(server_pem, server_key)
    client_ctx = ssl.create_default_context(cafile=ca_pem_path)
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    client = client_ctx.wrap_bio(c_in, c_out, server_hostname=hostname)
    server = server_ctx.wrap_bio(s_in, s_out, server_side=True)
    for _ in range(20):
        for side in (client, server):
            try:
                side.do_handshake()
            except ssl.SSLWantReadError:
                pass
            except ssl.SSLCertVerificationError as exc:
                return exc.verify_message
            except ssl.SSLError:
                if side is server:
                    continue
                raise
        s_in.write(c_out.read())
        c_in.write(s_out.read())
        try:
            client.do_handshake()
            return None
        except ssl.SSLWantReadError:
            continue
        except ssl.SSLCertVerificationError as exc:
            return exc.verify_message
    raise AssertionError("handshake did not finish")


def test_certs_module_makes_good_expired_wrong_host_and_foreign_ca_certificates(tmp_path):
    ca = certs.make_ca()
    ca_path = tmp_path / "ca.pem"
    ca_path.write_bytes(ca.cert_pem)
    cases = {
        "good": certs.issue_cert(ca, ["127.0.0.1", "localhost"]),
        "expired": certs.issue_cert(ca, ["127.0.0.1"], not_before=certs.days_from_now(-30),
                                    not_after=certs.days_from_now(-1)),
        "wrong_host": certs.issue_cert(ca, ["wrong.invalid"]),
        "foreign": certs.issue_cert(certs.make_ca("Another CA"), ["127.0.0.1"]),
    }
    results = {}
    for name, issued in cases.items():
        cert_path, key_path = certs.write_pem_files(issued, str(tmp_path), name)
        results[name] = _handshake(cert_path, key_path, str(ca_path), "127.0.0.1")
    assert results["good"] is None
    assert "expired" in results["expired"]
    assert "mismatch" in results["wrong_host"].lower() or "ip address" in results["wrong_host"].lower()
    assert "issuer" in results["foreign"] or "self" in results["foreign"]
    assert oct(os.stat(tmp_path / "good.key").st_mode & 0o777) == "0o600"
