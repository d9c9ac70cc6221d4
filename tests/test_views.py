"""Models as lazy views of a parsed response (``csrc/record.c``).

A response body is parsed in C and handed to the models as a *view*: fields are
converted when read. These tests hold the view to the dict-backed model (the
reference: ``Model.from_dict(json.loads(...))``) on every field of real sandbox
pages and of hostile documents, and check what a view must never do: lose a
change, outlive its tree, leak (cycles included), or crash under threads.
"""

from __future__ import annotations

import copy
import gc
import itertools
import json
import pickle
import threading
import tracemalloc
import uuid
from datetime import datetime, timezone

import pytest

from jobo_enterprise import _core
from jobo_enterprise.exceptions import JoboResponseError
from jobo_enterprise.models import (
    Company,
    ExpiredJobIdsResponse,
    FeedPage,
    GeocodeResultItem,
    Job,
    JobCompany,
    Model,
    SearchResult,
)

# ── a field-by-field comparison with the dict-backed model ──────────────────


def same(a, b, where="") -> None:
    """a (from a view) and b (from a dict model) are the same value, of the same
    type, all the way down (models compared through every declared field and
    every extra member)."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} vs {type(b).__name__}"
    if isinstance(a, Model):
        for name in type(a)._fields:
            same(read(a, name), read(b, name), f"{where}.{name}")
        extra_b = {k: v for k, v in b.__dict__.items() if k not in type(b)._fields}
        for name, value in extra_b.items():
            same(getattr(a, name), value, f"{where}.{name}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, datetime):
        assert a == b and a.utcoffset() == b.utcoffset(), where
        assert (a.tzinfo is timezone.utc) == (b.tzinfo is timezone.utc), where
    elif isinstance(a, float) and a != a:
        assert b != b, where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


class Refused(str):
    """The message of the JoboResponseError a field read raised."""


def read(model, name):
    try:
        return getattr(model, name)
    except JoboResponseError as exc:
        assert f".{name} " in str(exc)
        return Refused(str(exc))


def view_and_dict(cls, body: bytes):
    view = cls.from_json(body)
    assert view._is_view
    return view, cls.from_dict(json.loads(body))


# ── real sandbox responses ──────────────────────────────────────────────────


def test_client_results_are_views_equal_to_the_dict_models(client):
    result = client.jobs.search(q="engineer", page_size=100, include_facets=["sources", "skills"])
    assert type(result) is SearchResult and result._is_view
    assert result.usage is not None and result.usage.request_id
    body = json.dumps(result.to_dict()).encode()
    same(SearchResult.from_json(body), SearchResult.from_dict(json.loads(body)))


def test_every_field_of_a_feed_page_reads_as_from_dicts(client):
    page = client.feed.get_jobs(batch_size=300)
    assert page._is_view and len(page.jobs) == 300
    body = json.dumps(page.to_dict()).encode()
    view, ref = view_and_dict(FeedPage, body)
    same(view, ref)
    # and a second read gives the very same objects (converted once)
    job = view.jobs[7]
    assert job.id is job.id and job.company is job.company and job.locations is job.locations
    assert job.created_at is job.created_at and job.title is job.title


def test_other_endpoints_are_views_too(client):
    job_id = client.jobs.search(page_size=1).jobs[0].id
    job = client.jobs.get(job_id)
    assert type(job) is Job and job._is_view and job.id == job_id
    company = client.companies.get(job.company.id)
    assert type(company) is Company and company._is_view
    place = client.locations.geocode("Berlin")
    assert type(place) is GeocodeResultItem and place._is_view and place.succeeded
    expired = client.feed.get_expired_job_ids(
        expired_since=datetime.now(timezone.utc).replace(microsecond=0))
    assert type(expired) is ExpiredJobIdsResponse
    assert all(isinstance(x, uuid.UUID) for x in expired.job_ids)


# ── odd and hostile shapes: the C conversions agree with the Python ones ─────

ODD_JOBS = [
    {"id": "C20E1258-8C82-40C1-849C-A106B6D7E491"},              # upper case
    {"id": "{c20e1258-8c82-40c1-849c-a106b6d7e491}"},            # braces
    {"id": "c20e12588c8240c1849ca106b6d7e491"},                  # no dashes
    {"id": "urn:uuid:c20e1258-8c82-40c1-849c-a106b6d7e491"},
    {"id": "c20e1258-8c82-40c1-849c-a106b6d7e49g"},              # not hex
    {"id": "c20e1258-8c82-40c1-849c-a106b6d7e4-1"},              # dash misplaced
    {"id": 12345},
    {"id": None, "title": None, "company": None, "locations": None},
    {"created_at": "2024-05-01T12:34:56Z", "updated_at": "2024-05-01T12:34:56.5Z",
     "date_posted": "2024-05-01T12:34:56.123456+00:00", "valid_through": "2024-05-01"},
    {"created_at": "2024-05-01T12:34:56.1234567Z", "updated_at": "2024-05-01T12:34:56+02:00",
     "date_posted": "2024-05-01 12:34:56Z", "valid_through": "2024-05-01T24:00:00Z"},
    {"created_at": "2024-02-30T00:00:00Z", "updated_at": "2024-05-01T12:34:60Z",
     "date_posted": "0000-01-01T00:00:00Z", "valid_through": "yesterday"},
    {"created_at": "2024-05-01T12:34:56", "updated_at": "2024-05-01T12:34:56.Z",
     "date_posted": 1714566896, "valid_through": "2024-05-01T12:34:56.000000000Z"},
    {"company": "Acme", "locations": {"city": "Berlin"}, "benefits": "free lunch"},
    {"company": [], "locations": [{"city": "Berlin"}, "Paris", None, 3],
     "responsibilities": ["a", None, 3, {"x": 1}]},
    {"compensation": {"min": "70000", "max": 95000, "currency": None}},
    {"compensation": {"min": 1e300, "max": -0.0}, "locations": [{"latitude": "52.5",
                                                                 "longitude": True}]},
    {"qualifications": None},
    {"qualifications": {"must_have": {"skills": [{"name": "SQL"}, {"type": "soft"}]}}},
    {"title": "Caf\u00e9 \u20ac \U0001F600", "summary": "\\ud83d", "extra_field": [1, {"a": 2}],
     "another": {"nested": True}},
    {"is_remote": "yes", "remote_friendly": 1, "title": 7},
]


@pytest.mark.parametrize("doc", ODD_JOBS, ids=lambda d: ",".join(d)[:40])
def test_odd_values_read_the_same_from_a_view(doc):
    view, ref = view_and_dict(Job, json.dumps(doc).encode())
    same(view, ref, "job")
    assert view.to_dict() == ref.to_dict() == json.loads(json.dumps(doc))


def test_invalid_utf8_and_duplicate_keys_do_not_crash():
    view = Job.from_json(b'{"title": "\xff\xfe", "title": "second", "id": "x"}')
    assert view.title in ("second", "\ufffd\ufffd")
    with pytest.raises(JoboResponseError, match="Job.id must be a valid UUID, but the response has 'x'"):
        view.id  # noqa: B018
    assert view.to_dict()["title"] in ("second", "\ufffd\ufffd")


def test_model_validate_json_errors_are_clear():
    with pytest.raises(ValueError):
        Job.from_json(b'{"title": ')
    with pytest.raises(TypeError):
        Job.from_json(b'[1, 2]')
    with pytest.raises(TypeError):
        Job.from_json(None)
    with pytest.raises(TypeError):
        _core.parse_model(dict, b"{}")
    assert Job.from_json('{"title": "str input"}').title == "str input"
    assert Job.from_json(bytearray(b'{"title": "t"}')).title == "t"


# ── a view becomes a dict model when its data is asked for or changed ───────

BODY = json.dumps({
    "jobs": [{"id": "c20e1258-8c82-40c1-849c-a106b6d7e491", "title": "T%d" % i,
              "company": {"id": "509c37fc-09d4-41ad-a7ae-85d3fe33d104", "name": "Acme"},
              "created_at": "2024-05-01T12:00:00Z",
              "locations": [{"city": "Berlin", "latitude": 52.5}],
              "benefits": ["x"], "extra": {"k": i}} for i in range(3)],
    "has_more": True, "next_cursor": "abc",
}).encode()


def test_to_dict_after_partial_reads_is_the_whole_document():
    page = FeedPage.from_json(BODY)
    job = page.jobs[1]
    job.id, job.company.name, job.locations[0].latitude, job.extra  # noqa: B018
    assert page.to_dict() == json.loads(BODY)
    assert not page._is_view and not job._is_view
    # typed values read before stay the same objects afterwards
    assert isinstance(job.id, uuid.UUID) and job.locations[0].latitude == 52.5


def test_changes_to_nested_views_stay_part_of_the_parent():
    page = FeedPage.from_json(BODY)
    job = page.jobs[0]
    company = job.company
    company.name = "Renamed"
    job.title = "Changed"
    del job.benefits
    out = page.to_dict()
    assert out["jobs"][0]["company"]["name"] == "Renamed"
    assert out["jobs"][0]["title"] == "Changed"
    assert "benefits" not in out["jobs"][0]
    assert job.company is company and company.name == "Renamed"
    assert page.jobs[0] is job
    assert job.benefits == []


def test_equality_pickle_copy_repr_and_vars_of_views():
    a, b = FeedPage.from_json(BODY), FeedPage.from_json(BODY)
    ref = FeedPage.from_dict(json.loads(BODY))
    assert a == b == ref
    job = FeedPage.from_json(BODY).jobs[2]
    assert pickle.loads(pickle.dumps(job)) == job
    assert copy.deepcopy(job) == job and copy.copy(job) == job
    shown = FeedPage.from_json(BODY).jobs[0]
    assert repr(shown) == ("Job(id=UUID('c20e1258-8c82-40c1-849c-a106b6d7e491'), title='T0', "
                           "company='Acme')")
    assert shown._is_view and shown.company._is_view  # repr reads fields, not the data
    assert vars(FeedPage.from_json(BODY).jobs[0])["title"] == "T0"
    assert FeedPage.from_json(BODY).jobs[0].model_extra == {"extra": {"k": 0}}
    assert FeedPage.from_json(BODY).jobs[1].extra == {"k": 1}
    with pytest.raises(AttributeError):
        FeedPage.from_json(BODY).jobs[0].no_such_field  # noqa: B018


def test_the_tree_lives_as_long_as_any_view_of_it():
    job = FeedPage.from_json(BODY).jobs[2]  # the page is gone at once
    locations = FeedPage.from_json(BODY).jobs[0].locations
    gc.collect()
    assert job.title == "T2" and job.company.name == "Acme" and job.extra == {"k": 2}
    assert locations[0].city == "Berlin"


# ── garbage collection and leaks ────────────────────────────────────────────


def test_a_view_is_tracked_once_it_holds_containers():
    page = FeedPage.from_json(BODY)
    loc = page.jobs[0].locations[0]
    assert not gc.is_tracked(loc)  # only atomic values so far
    loc.city, loc.latitude  # noqa: B018
    assert not gc.is_tracked(loc)
    assert gc.is_tracked(page)  # holds a list
    loc.__dict__  # noqa: B018  (code holds one of its dicts)
    assert gc.is_tracked(loc)


def _growth(fn, rounds=5, per_round=120):
    fn()
    gc.collect()
    tracemalloc.start()
    sizes = []
    for _ in range(rounds):
        for _ in range(per_round):
            fn()
        gc.collect()
        sizes.append(tracemalloc.get_traced_memory()[0])
    tracemalloc.stop()
    return sizes[-1] - sizes[1]


def test_reading_materialising_and_cycles_do_not_leak():
    body = json.dumps({"jobs": [dict(json.loads(BODY)["jobs"][0], title="T%d" % i)
                                for i in range(20)]}).encode()

    def read_all():
        page = FeedPage.from_json(body)
        for job in page.jobs:
            same(job, Job.from_dict(json.loads(json.dumps(job.to_dict()))))

    def cycles():
        page = FeedPage.from_json(body)
        job = page.jobs[3]
        job.locations.append(job)          # list -> job -> list
        loc = page.jobs[4].locations[0]
        loc.back = page                    # a leaf view pointing at its root
        page.jobs[5].company._cache = {"me": page.jobs[5]}

    def partial():
        page = FeedPage.from_json(body)
        page.jobs[0].title, page.jobs[9].company.id  # noqa: B018
        pickle.dumps(page.jobs[1])

    bad = json.dumps({"jobs": [{"id": "garbage", "created_at": "yesterday", "company": "x",
                                "locations": [1], "benefits": [2]}] * 20}).encode()

    def refused():  # every typed field raises: the error paths keep nothing
        for job in FeedPage.from_json(bad).jobs:
            for name in ("id", "created_at", "company", "locations", "benefits", "title"):
                with pytest.raises(JoboResponseError):
                    getattr(job, name)

    for fn in (read_all, cycles, partial, refused):
        assert _growth(fn) < 64 * 1024, fn.__name__


# ── threads ─────────────────────────────────────────────────────────────────


def test_threads_reading_and_materialising_the_same_views():
    page = FeedPage.from_json(json.dumps(
        {"jobs": [dict(json.loads(BODY)["jobs"][0], title="T%d" % i) for i in range(400)]}
    ).encode())
    ref = [f"T{i}" for i in range(400)]
    errors = []

    def reader(k):
        try:
            for _ in range(5):
                for i, job in enumerate(page.jobs):
                    if job.title != ref[i] or job.company.name != "Acme":
                        errors.append((k, i))
                    job.id, job.locations, job.created_at  # noqa: B018
                    if (i + k) % 97 == 0:
                        job.to_dict()
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=reader, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert [j.title for j in page.jobs] == ref
    assert page.to_dict()["jobs"][399]["title"] == "T399"


def test_company_of_a_view_is_a_model_of_the_declared_class():
    job = FeedPage.from_json(BODY).jobs[0]
    assert type(job.company) is JobCompany
    assert job.company.id == uuid.UUID("509c37fc-09d4-41ad-a7ae-85d3fe33d104")


# ── a job kept from a page does not keep the page ───────────────────────────


def test_jobs_kept_from_iterated_pages_are_detached_from_their_page(client):
    gc.collect()
    docs_before = _core._live_docs()
    kept, companies = [], []
    for i, job in enumerate(client.feed.iter_jobs(batch_size=500)):
        if i % 400 == 0:
            kept.append(job)
            job.locations  # noqa: B018  (a nested view read before the page ends)
        elif i % 400 == 7:
            companies.append(job.company)  # only a nested view is kept
    assert len(kept) == 13 and len(companies) == 13  # 5,000 jobs, 10 pages
    assert not any(j._is_view for j in kept + companies)
    assert all(not loc._is_view for j in kept for loc in j.locations)
    gc.collect()
    assert _core._live_docs() <= docs_before  # every page's tree is gone
    # and they read as before: every field, nested ones included
    for job in kept:
        same(job, Job.from_dict(json.loads(json.dumps(job.to_dict()))))
    assert all(isinstance(c.id, uuid.UUID) and c.name for c in companies)


def test_search_iterator_detaches_too_and_a_page_held_stays_a_view(client):
    kept = [job for i, job in enumerate(client.jobs.iter(page_size=100, max_items=450))
            if i % 100 == 50]
    assert len(kept) == 4 and not any(j._is_view for j in kept)
    page = client.jobs.search(page_size=10)
    first = page.jobs[0]
    assert first._is_view  # nothing detaches what the caller holds directly
    gc.collect()
    before = _core._live_docs()
    del page
    gc.collect()
    assert _core._live_docs() == before  # `first` still holds the tree
    assert first.detach() is first
    gc.collect()
    assert not first._is_view and _core._live_docs() == before - 1
    assert Job.from_dict({"title": "x"}).detach().title == "x"
    assert isinstance(first.id, uuid.UUID)


def test_detaching_a_page_converts_only_what_the_caller_kept():
    page = FeedPage.from_json(json.dumps({"jobs": [
        {"title": "T%d" % i, "company": {"name": "C%d" % i},
         "locations": [{"city": "Berlin"}], "benefits": ["x"]} for i in range(50)]}).encode())
    jobs = page.jobs
    for job in jobs:  # every job has read values: a company, a list of locations
        job.title, job.company.name, job.locations[0].city, job.benefits  # noqa: B018
    del job  # the loop variable would keep the last job
    kept_job, kept_company, kept_locations = jobs[3], jobs[5].company, jobs[7].locations
    before = _core._materialized()
    _core.detach_kept(jobs)
    # the kept job (with its company and location it had handed out), the kept
    # company and the location of the kept list: 5 conversions, not 50 jobs' worth
    assert _core._materialized() - before == 5
    assert [i for i, j in enumerate(jobs) if not j._is_view] == [3]
    assert not kept_job.company._is_view and not kept_job.locations[0]._is_view
    assert not kept_company._is_view and jobs[5]._is_view
    assert not kept_locations[0]._is_view and jobs[7]._is_view
    assert all(j.company._is_view for i, j in enumerate(jobs) if i not in (3, 5))
    assert (kept_job.title, kept_company.name, kept_locations[0].city) == ("T3", "C5", "Berlin")
    assert _core._materialized() - before == 5  # reading them converts nothing more


def test_iterating_jobs_converts_none_of_the_jobs_dropped(client):
    before = _core._materialized()
    jobs = client.feed.iter_jobs(batch_size=500)
    titles = sum(len(job.title) + len(job.company.name) for job in itertools.islice(jobs, 2001))
    jobs.close()
    assert titles > 0
    # at most the job the loop variable still holds when a page ends (and its
    # company): 4 pages, not 2,000 jobs
    assert _core._materialized() - before <= 2 * 4


def test_members_named_like_methods_read_as_in_dict_models():
    doc = {"title": "t", "to_dict": 1, "detach": "x", "_fields": 3, "_omit_none": True,
           "_repr_fields": ["title"], "usage": 5}
    view, ref = view_and_dict(Job, json.dumps(doc).encode())
    for name in ("to_dict", "detach", "_fields", "_omit_none", "_repr_fields", "usage", "title"):
        assert getattr(view, name) == getattr(ref, name), name
    assert view.to_dict == 1 and view.usage is None  # usage: a read-only property wins
    assert view._is_view
    assert Job.to_dict(view) == Job.to_dict(ref) == doc  # through the class, as documented
    assert repr(view) == repr(ref)


def test_a_list_of_views_changed_in_place_materialises_as_changed():
    page = FeedPage.from_json(BODY)
    other = FeedPage.from_json(BODY).jobs[2].locations[0]  # another tree
    locations = page.jobs[0].locations
    locations.append(other)
    del page.jobs[1:]
    gc.collect()
    out = page.to_dict()
    assert len(out["jobs"]) == 1
    assert out["jobs"][0]["locations"] == [{"city": "Berlin", "latitude": 52.5}] * 2
    assert not other._is_view  # materialised with its new parent


def test_members_in_a_different_order_or_absent_read_right_in_every_view():
    # a field looks first where its member was in the last object read; jobs
    # whose members come in other orders, or lack some, read the same anyway
    jobs = [
        {"id": "c20e1258-8c82-40c1-849c-a106b6d7e491", "title": "A", "source": "s1",
         "company": {"name": "N1", "website": "w1"}, "created_at": "2024-01-02T03:04:05Z"},
        {"created_at": "2024-02-03T04:05:06Z", "source": "s2", "company": {"website": "w2"},
         "title": "B", "id": "509c37fc-09d4-41ad-a7ae-85d3fe33d104"},
        {"title": "C"},
        {"x": 1, "y": 2, "z": 3, "title": "D", "source": "s4", "company": {"name": "N4"}},
    ]
    page = FeedPage.from_json(json.dumps({"jobs": jobs}).encode())
    refs = [Job.from_dict(j) for j in jobs]
    names = ("title", "source", "id", "created_at", "company")
    for _ in range(2):  # each field's guess moves from job to job, both ways
        for view, ref in itertools.chain(zip(page.jobs, refs), zip(page.jobs[::-1], refs[::-1])):
            for name in names:
                same(read(view, name), read(ref, name), name)
    for view, ref in zip(page.jobs, refs):
        same(view, ref, "job")
