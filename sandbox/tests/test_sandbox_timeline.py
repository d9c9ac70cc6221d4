"""The sandbox's timeline: its clock, and jobs updated, expired and added over time.

Spoken to with the standard-library client (real TLS, no SDK), in-process through the
``Sandbox`` API and in another process through ``POST /__timeline``.
"""

from __future__ import annotations

import email.utils
import json
import os
import subprocess
import sys
import time
import types

import pytest

from jobo_enterprise_sandbox import Sandbox
from jobo_enterprise_sandbox.data import iso
from jobo_enterprise_sandbox.stdclient import StdClient

SANDBOX = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DAY = 86400


@pytest.fixture
def sb():
    with Sandbox(seed=5, jobs=200, http_port=None, expiry_ref=int(time.time()) - 8 * DAY) as s:
        yield s


def _scan(api, **body):
    """Every job of a feed scan (following cursors): [job dict]."""
    body.setdefault("batch_size", 1000)
    page = api.ok(api.post("/api/jobs/feed", body))
    jobs = list(page["jobs"])
    while page["has_more"]:
        page = api.ok(api.post("/api/jobs/feed", {"cursor": page["next_cursor"]}))
        jobs += page["jobs"]
    return jobs


def _expired(api, since):
    return api.ok(api.get("/api/jobs/expired", expired_since=iso(int(since)),
                          batch_size=10000))["job_ids"]


def test_the_clock_moves_the_date_header_rate_windows_and_the_expired_default(sb):
    api = StdClient(sb)
    before = sb.now()
    assert abs(before - time.time()) < 2
    assert sb.advance_clock(2 * DAY) == pytest.approx(before + 2 * DAY, abs=2)
    reply = api.get("/api/jobs/expired")
    date = email.utils.parsedate_to_datetime(reply.headers["Date"]).timestamp()
    assert date == pytest.approx(time.time() + 2 * DAY, abs=2)
    assert int(reply.headers["X-RateLimit-Reset"]) > time.time() + 2 * DAY - 5
    with pytest.raises(ValueError, match="forward"):
        sb.advance_clock(-1)


def test_updated_jobs_carry_the_clock_in_updated_at_and_come_back_in_updated_after_scans(sb):
    api = StdClient(sb)
    sb.advance_clock(3600)
    now = int(sb.now())
    ids = sb.update_jobs(6)
    moved = sb.update_jobs(ids=ids[:2], work_model="onsite")
    assert len(set(ids)) == 6 and moved == ids[:2]
    recent = _scan(api, updated_after=iso(now - 1))
    assert sorted(j["id"] for j in recent) == sorted(ids)
    assert all(job["updated_at"] >= iso(now) for job in recent)
    single = api.ok(api.get(f"/api/jobs/{ids[0]}"))
    assert single["workplace_type"] == "Onsite" and single["updated_at"] >= iso(now)
    # filters, search and the stable order all see the change
    onsite = {j["id"] for j in _scan(api, work_models=["onsite"], updated_after=iso(now - 1))}
    assert set(ids[:2]) <= onsite
    found = set()
    for page in (1, 2, 3):
        found |= {j["id"] for j in api.ok(api.get("/api/jobs", work_model="onsite",
                                                  page_size=100, page=page))["jobs"]}
    assert set(ids[:2]) <= found
    assert {j["id"] for j in _scan(api)[-6:]} == set(ids)  # last in (updated_at, id) order


def test_expired_jobs_are_listed_within_seven_days_of_the_clock(sb):
    api = StdClient(sb)
    now = sb.now()
    gone = sb.expire_jobs(3)
    later = sb.expire_jobs(ids=[j.id for j in sb.dataset.jobs[:2]], at=now + DAY)
    assert set(gone) <= set(_expired(api, now - 60))
    assert not set(later) & set(_expired(api, now - 60))
    # by default an expired job stays in the feed (see the sandbox's documentation)
    assert set(gone) <= {j["id"] for j in _scan(api)}
    sb.advance_clock(DAY + 60)
    assert set(gone + later) <= set(_expired(api, now - 60))
    sb.advance_clock(7 * DAY)
    assert api.get("/api/jobs/expired", expired_since=iso(int(now - 60))).status == 400
    assert not set(gone) & set(_expired(api, sb.now() - 7 * DAY + 60))


def test_drop_expired_leaves_expired_jobs_out_of_feeds(sb):
    sb.timeline.drop_expired = True
    api = StdClient(sb)
    total = len(sb.dataset.jobs)
    first = api.ok(api.post("/api/jobs/feed", {"batch_size": 1}))
    assert first["estimated_total"] == len(sb.served_jobs()) < total  # some expired at start
    gone = sb.expire_jobs(4)
    ids = {j["id"] for j in _scan(api, batch_size=37)}
    assert ids == {j.id for j in sb.served_jobs()} and not ids & set(gone)


def test_added_jobs_are_new_served_and_searchable(sb):
    api = StdClient(sb)
    sb.advance_clock(600)
    now = int(sb.now())
    added = sb.add_jobs(3)
    assert len(set(added)) == 3 and not set(added) & {j.id for j in sb.dataset.jobs[:200]}
    recent = _scan(api, updated_after=iso(now - 1))
    assert sorted(j["id"] for j in recent) == sorted(added)
    job = api.ok(api.get(f"/api/jobs/{added[0]}"))
    assert job["created_at"] == job["updated_at"] == job["date_posted"] == iso(now)
    company = api.ok(api.get(f"/api/companies/{job['company']['id']}/jobs", page_size=100))
    assert added[0] in {j["id"] for j in company["jobs"]}
    words = api.ok(api.get("/api/jobs", q=f'"{job["title"]}"', page_size=100))
    assert added[0] in {j["id"] for j in words["jobs"]}


def test_advancing_past_the_cursor_ttl_makes_open_cursors_stale(sb):
    api = StdClient(sb)
    page = api.ok(api.post("/api/jobs/feed", {"batch_size": 10}))
    sb.advance_clock(sb.cursor_ttl + 1)
    reply = api.post("/api/jobs/feed", {"cursor": page["next_cursor"]})
    assert reply.status == 409 and reply.json()["code"] == "feed_cursor_restart_required"


def test_the_admin_route_drives_a_sandbox_in_another_process():
    proc = subprocess.Popen(
        [sys.executable, "-m", "jobo_enterprise_sandbox", "--jobs", "150", "--http-port", "-1",
         "--drop-expired"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=SANDBOX, text=True,
        env=dict(os.environ, PYTHONPATH=SANDBOX))
    try:
        info = json.loads(proc.stdout.readline())
        api = StdClient(types.SimpleNamespace(**info))
        start = api.ok(api.get("/__timeline", key=None))
        assert start["jobs"] == 150 and start["offset"] == 0
        done = api.ok(api.post("/__timeline", {"advance": 7200, "update": 3,
                                               "work_model": "remote", "expire": 2, "add": 4},
                               key=None))
        assert len(done["updated"]) == 3 and len(done["expired"]) == 2
        assert len(done["added"]) == 4
        assert done["now"] >= iso(int(time.time()) + 7200 - 5)
        state = api.ok(api.get("/__timeline", key=None))
        assert state["jobs"] == 154 and state["offset"] == 7200
        recent = _scan(api, updated_after=iso(int(time.time()) + 7200 - 60))
        assert sorted(j["id"] for j in recent) == sorted(done["updated"] + done["added"])
        assert all(j["workplace_type"] == "Remote" for j in recent if j["id"] in done["updated"])
        assert not set(done["expired"]) & {j["id"] for j in _scan(api)}
        for body, word in (({"advance": -5}, "forward"), ({"nope": 1}, "nope"),
                           (b"[1]", "JSON object"), ({"expire_ids": ["x"]}, "No job")):
            reply = api.post("/__timeline", body, key=None)
            assert reply.status in (400, 404) and word in reply.json()["message"]
        assert api.ok(api.get("/__stats", key=None))["requests_by_route"].get(
            "POST /__timeline") is None  # not counted as an API request
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_fault_after_serves_the_first_requests_then_fails(sb):
    api = StdClient(sb)
    spec = "status=503,after=2,times=1,id=after-test"
    assert [api.fault(spec, path="/api/jobs/expired").status for _ in range(4)] \
        == [200, 200, 503, 200]
    assert api.fault_requests("after-test") == 4
