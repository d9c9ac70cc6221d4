"""DataFrames, Arrow tables and progress bars of search results, feed pages and scans.

Every table is checked value by value against frames.job_record() of the same jobs
(the schema's reference reading of a job), and its dtypes against the documented ones.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from datetime import datetime, timezone

import importlib

import pytest

from jobo_enterprise import _core, frames
from jobo_enterprise.models import FeedPage, Job

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class _Later:
    """A module imported when first used: pandas is not imported while pytest collects,
    so that the tests that run before these see the process they always saw."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self._name), attr)


pd = _Later("pandas")
pa = _Later("pyarrow")


def _same(a, b) -> bool:
    if b is pd.NA or b is pd.NaT:
        return a is None
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if a is None:
        return b is None or b is pd.NaT or b is pd.NA or (isinstance(b, float) and math.isnan(b))
    if isinstance(a, datetime):
        return isinstance(b, datetime) and b.tzinfo is not None and a == b
    return a == b


def assert_frame_matches(df, jobs) -> None:
    assert list(df.columns) == frames.column_names()
    assert {c: str(t) for c, t in df.dtypes.items()} == frames.pandas_dtypes()
    records = [frames.job_record(j) for j in jobs]
    assert len(df) == len(records)
    for i, rec in enumerate(records):
        row = df.iloc[i]
        for name, value in rec.items():
            got = row[name]
            if isinstance(got, pd.Timestamp):
                got = got.to_pydatetime()
            assert _same(value, got), (i, name, value, got)


def assert_table_matches(table, jobs) -> None:
    assert table.schema == frames.arrow_schema()
    assert table.to_pylist() == [frames.job_record(j) for j in jobs]


def test_search_result_to_pandas_has_every_documented_column_and_value(client):
    result = client.jobs.search("engineer", page_size=50)
    df = result.to_pandas()
    assert len(df) == 50
    assert_frame_matches(df, result.jobs)
    first = result.jobs[0]
    assert df["id"][0] == str(first.id) and isinstance(df["id"][0], str)
    assert df["created_at"].dt.tz is not None and str(df["created_at"].dt.tz) == "UTC"
    assert df["company_name"][0] == first.company.name
    assert isinstance(df["locations"][0], list) and isinstance(df["locations"][0][0], dict)
    assert set(df["locations"][0][0]) == {name for name, _ in frames.LOCATION_FIELDS}
    assert df["location"][0] == first.locations[0].location
    assert isinstance(df["responsibilities"][0], list)


def test_search_result_to_arrow_matches_the_records(client):
    result = client.jobs.search("nurse", page_size=40)
    assert_table_matches(result.to_arrow(), result.jobs)


def test_feed_page_to_pandas_and_to_arrow(client):
    page = client.feed.get_jobs(batch_size=120)
    assert_frame_matches(page.to_pandas(), page.jobs)
    assert_table_matches(page.to_arrow(), page.jobs)


def test_empty_result_gives_an_empty_frame_with_the_same_columns_and_dtypes(client):
    result = client.jobs.search("zzqxnotajobword", page_size=10)
    assert result.total == 0
    df = result.to_pandas()
    assert df.shape == (0, len(frames.JOB_COLUMNS))
    assert {c: str(t) for c, t in df.dtypes.items()} == frames.pandas_dtypes()
    table = result.to_arrow()
    assert table.num_rows == 0 and table.schema == frames.arrow_schema()
    scan = client.jobs.iter(queries=["zzqxnotajobword"]).to_pandas()
    assert list(scan.columns) == frames.column_names() and len(scan) == 0


def test_iter_to_pandas_reads_max_items_and_the_iterator_goes_on(client):
    it = client.jobs.iter(queries=["engineer"], page_size=30, prefetch=0)
    first_two = [next(it), next(it)]
    df = it.to_pandas(max_items=45)  # the rest of page 1, then 17 of page 2
    rest = list(it)
    everything = list(client.jobs.iter(queries=["engineer"], page_size=30, prefetch=0))
    ids = [str(j.id) for j in everything]
    assert [str(j.id) for j in first_two] == ids[:2]
    assert list(df["id"]) == ids[2:47]
    assert [str(j.id) for j in rest] == ids[47:]


def test_iter_to_arrow_and_max_items_of_the_scan(client):
    table = client.jobs.iter(queries=["data"], page_size=25, max_items=60).to_arrow()
    ids = [str(j.id) for j in client.jobs.iter(queries=["data"], page_size=25, max_items=60)]
    assert table.num_rows == 60 and table.column("id").to_pylist() == ids
    assert table.schema == frames.arrow_schema()


def test_feed_iter_jobs_to_pandas_reads_every_batch(client):
    jobs = list(client.feed.iter_jobs(sources=["greenhouse"], batch_size=200))
    df = client.feed.iter_jobs(sources=["greenhouse"], batch_size=200).to_pandas()
    assert len(df) == len(jobs) > 200  # more than one batch
    assert list(df["id"]) == [str(j.id) for j in jobs]
    assert_frame_matches(df.head(30), jobs[:30])
    table = client.feed.iter_pages(sources=["greenhouse"], batch_size=200).to_arrow()
    assert table.column("id").to_pylist() == list(df["id"])


def test_odd_values_read_the_same_in_c_and_in_the_reference_reading():
    """Missing objects, nulls, numbers as text, date-times with offsets or in
    other forms, non-http links: the C column reader agrees with job_record."""
    base = {"id": "0b6f2a9e-95f3-4a8c-9a53-2f7f8c1d0e11", "title": "T",
            "company": {"id": "1b6f2a9e-95f3-4a8c-9a53-2f7f8c1d0e11", "name": "C"},
            "description": "", "listing_url": "https://x.example/1", "source": "lever_co",
            "apply_url": "javascript:alert(1)",
            "created_at": "2024-05-01T12:00:00Z", "updated_at": "2024-05-01T12:00:00Z"}
    odd = [
        dict(base),
        dict(base, compensation=None, qualifications=None, date_posted=None),
        dict(base, created_at="2024-05-01T14:00:00+02:00", updated_at="2024-05-01",
             date_posted="2024-05-01 08:30",
             compensation={"min": 1200.5, "max": 2000, "currency": "EUR"},
             locations=[{"city": "Lyon", "latitude": 45.76, "longitude": None}],
             is_h1b_sponsor=True, is_clearance_required=None,
             qualifications={"must_have": {"skills": [{"name": "Go"}]}},
             responsibilities=["a", "b"], title="ünïcødé — 東京"),
        dict(base, created_at="1969-12-31T23:59:59.5Z", updated_at="2400-02-29T00:00:00Z",
             valid_through="2024-02-29T23:59:59-01:00"),
    ]
    page = _core.parse_model(FeedPage, json.dumps({"jobs": odd}).encode())
    assert all(j._is_view for j in page.jobs)
    assert_frame_matches(page.to_pandas(), page.jobs)
    assert_table_matches(page.to_arrow(), page.jobs)
    rec = frames.job_record(page.jobs[2])
    assert rec["created_at"] == datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    assert rec["date_posted"] == datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc)
    assert rec["salary_min"] == 1200.5
    # dict-backed jobs (detached, or built by hand) and plain dicts give the same table
    detached = [Job.from_dict(d) for d in odd]
    assert frames.to_pandas(detached).equals(page.to_pandas())
    assert frames.to_pandas(odd).equals(page.to_pandas())

    # what the models refuse to read (a required object null, a list null), a table
    # reads as missing
    broken = dict(base, company=None, locations=[None, "junk", {"location": "Oslo"}],
                  responsibilities=None, benefits=None, is_h1b_sponsor="yes",
                  compensation={"min": "1200.5"}, valid_through="not a date",
                  date_posted="2023-02-29T00:00:00Z",
                  qualifications={"must_have": {"skills": [{"type": "soft"}, {"name": "Go"}]}})
    del broken["source"]
    row = frames.to_pandas([broken]).iloc[0]
    assert row["company_name"] is pd.NA and row["location"] == "Oslo"
    assert [loc["location"] for loc in row["locations"]] == ["Oslo"]
    assert row["responsibilities"] == [] and row["source"] is pd.NA
    assert row["is_h1b_sponsor"] is pd.NA and row["salary_min"] == 1200.5
    assert row["valid_through"] is pd.NaT and row["skills_must_have"] == ["Go"]
    assert row["date_posted"] is pd.NaT  # 29 February 2023 does not exist
    assert frames.to_arrow([broken]).to_pylist()[0]["locations"][0]["location"] == "Oslo"


def test_invalid_utf8_reads_as_replacement_characters_in_both_tables():
    body = (b'{"jobs": [{"id": "a", "title": "caf\xc3\xa9 \xff\xfe bad \xed\xa0\x80 end",'
            b' "company": {"name": "\xc0\xafx"}, "benefits": ["ok", "\xf8"],'
            b' "created_at": "2024-05-01T12:00:00Z", "updated_at": "2024-05-01T12:00:00Z"}]}')
    page = _core.parse_model(FeedPage, body)
    table = page.to_arrow()
    table.validate(full=True)
    title = page.to_pandas()["title"][0]
    assert title.startswith("café ") and "\ufffd" in title and title.endswith(" end")
    assert table.column("title").to_pylist() == [title]
    assert table.column("company_name").to_pylist() == list(page.to_pandas()["company_name"])
    assert table.column("benefits").to_pylist() == [list(page.to_pandas()["benefits"][0])]


def test_datetimes_are_utc_and_exact_to_the_microsecond():
    jobs = [{"id": "x", "title": "t", "company": {"name": "c"},
             "created_at": "2026-03-29T01:59:59.123456Z",
             "updated_at": "2026-03-29T03:00:00.5-05:30"}]
    df = frames.to_pandas(jobs)
    assert df["created_at"][0].to_pydatetime() == datetime(
        2026, 3, 29, 1, 59, 59, 123456, tzinfo=timezone.utc)
    assert df["updated_at"][0].to_pydatetime() == datetime(
        2026, 3, 29, 8, 30, 0, 500000, tzinfo=timezone.utc)
    assert df["date_posted"].isna().all()


def _text_and_list_columns():
    return [name for name, kind in frames.JOB_COLUMNS if kind in ("string", "list<string>",
                                                                 "list<location>")]


def test_text_and_list_columns_are_arrow_backed_and_the_rest_numpy_backed(client):
    df = client.feed.get_jobs(batch_size=300).to_pandas()
    for name in _text_and_list_columns():
        assert isinstance(df[name].dtype, pd.ArrowDtype), name
        assert df[name].dtype.pyarrow_dtype == frames.arrow_schema().field(name).type
    assert df["salary_min"].dtype == "float64"
    assert str(df["created_at"].dtype) == "datetime64[us, UTC]"
    assert str(df["is_h1b_sponsor"].dtype) == "boolean"
    # the sandbox's jobs have missing salaries, missing text and several locations
    no_pay = df["salary_min"].isna()
    assert no_pay.any() and not no_pay.all()
    assert df.loc[no_pay, "salary_currency"].isna().all()
    assert df["salary_currency"].isna().sum() == no_pay.sum()
    many = df[df["locations"].map(len) > 1]
    assert len(many) > 0
    first = many.iloc[0]
    assert first["location"] == first["locations"][0]["location"]
    assert set(first["locations"][1]) == {name for name, _ in frames.LOCATION_FIELDS}
    # what a user does with the columns
    assert df["title"].str.len().min() > 0
    assert df.explode("benefits")["benefits"].value_counts().iloc[0] > 1
    assert df.groupby("source")["id"].count().sum() == len(df)
    assert (df["salary_currency"] == "USD").sum() > 0
    assert df.astype({"title": object})["title"].map(type).eq(str).all()


def test_nulls_of_each_kind_read_as_missing_in_both_tables(client):
    """A job with every optional value null or absent: <NA> for text and booleans, NaN
    for numbers, NaT for date-times, [] for lists; null location fields inside the
    structs; the same cells are null in the Arrow table."""
    page = client.feed.get_jobs(batch_size=5)
    job = dict(page.jobs[0].to_dict(), normalized_title=None, summary=None, compensation=None,
               date_posted=None, is_h1b_sponsor=None, benefits=None, qualifications=None,
               locations=[{"location": None, "city": "Oslo", "latitude": None,
                           "longitude": 10.75}, {}])
    job.pop("experience_level", None)
    row = frames.to_pandas([job]).iloc[0]
    assert row["normalized_title"] is pd.NA and row["summary"] is pd.NA
    assert row["experience_level"] is pd.NA and row["is_h1b_sponsor"] is pd.NA
    assert math.isnan(row["salary_min"]) and row["salary_currency"] is pd.NA
    assert row["date_posted"] is pd.NaT
    assert row["benefits"] == [] and row["skills_must_have"] == []
    assert row["location"] is pd.NA
    assert row["locations"] == [
        {"location": None, "city": "Oslo", "region": None, "country": None,
         "latitude": None, "longitude": 10.75},
        {"location": None, "city": None, "region": None, "country": None,
         "latitude": None, "longitude": None}]
    table = frames.to_arrow([job])
    nulls = {name: table.column(name).null_count for name in table.column_names}
    for name in ("normalized_title", "summary", "experience_level", "is_h1b_sponsor",
                 "salary_min", "salary_currency", "date_posted", "location"):
        assert nulls[name] == 1, name
    for name in ("id", "title", "created_at", "benefits", "locations"):
        assert nulls[name] == 0, name
    assert table.column("locations").to_pylist()[0] == row["locations"]


def test_empty_pages_between_full_ones_change_nothing(client):
    pages = list(client.feed.iter_pages(sources=["greenhouse"], batch_size=150, prefetch=False))
    assert len(pages) > 1
    builder = frames.TableBuilder()
    for page in pages:
        builder.add([]).add(page.jobs)
    df = builder.add([]).to_pandas()
    one_by_one = pd.concat([p.to_pandas() for p in pages], ignore_index=True)
    assert df.equals(one_by_one)
    assert list(df.dtypes.astype(str)) == list(frames.pandas_dtypes().values())
    table = frames.TableBuilder(arrow=True)
    for page in pages:
        table.add(page.jobs).add([])
    table = table.to_arrow()
    table.validate(full=True)
    assert table.column("id").to_pylist() == list(df["id"])
    assert frames.to_pandas([]).dtypes.astype(str).to_dict() == frames.pandas_dtypes()
    assert frames.to_arrow([]).schema == frames.arrow_schema()


def test_column_reading_does_not_leak():
    """The C column reader's buffers are freed with the table, failures included."""
    import gc
    import tracemalloc

    odd = {"id": "x", "title": "caf\u00e9 \u2014 \U0001F600", "company": {"name": 12},
           "locations": [{"city": "Lyon", "latitude": "45.7"}, None, {"location": 3}],
           "compensation": {"min": "1e3", "max": True}, "created_at": "2024-05-01",
           "updated_at": 1714564800, "benefits": ["a", 1, None, "b"],
           "qualifications": {"must_have": {"skills": [{"name": "Go"}, {}]}}}
    body = json.dumps({"jobs": [odd] * 20}).encode()

    def bad_time(raw):
        raise ValueError("no")

    def loop(n):
        for _ in range(n):
            jobs = _core.parse_model(FeedPage, body).jobs
            frames.to_arrow(jobs)
            frames.to_pandas(jobs)
            with pytest.raises(ValueError):
                _core.job_columns(jobs, frames._PLAN, bad_time)

    loop(30)
    gc.collect()
    tracemalloc.start()
    loop(100)
    gc.collect()
    base = tracemalloc.get_traced_memory()[0]
    loop(300)
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert grown < 64 * 1024, grown


def test_rows_must_be_jobs_or_dicts():
    with pytest.raises(TypeError, match="Job or a dict"):
        frames.to_pandas([42])


def test_result_types_are_stable_across_results(client):
    a = client.jobs.search("python", page_size=5).to_pandas().dtypes
    b = client.feed.get_jobs(batch_size=5).to_pandas().dtypes
    assert list(a.items()) == list(b.items())


def test_printing_a_result_is_unchanged(client):
    result = client.jobs.search("python", page_size=3)
    assert str(result) == repr(result) == (
        f"SearchResult(total={result.total}, page=1, total_pages={result.total_pages}, "
        "jobs=[3 items])")


# -- progress bars -------------------------------------------------------------


def test_search_progress_bar_has_the_total_jobs_per_second_and_credits(client, capsys):
    jobs = list(client.jobs.iter(queries=["engineer"], page_size=50, max_items=120,
                                 progress=True))
    assert len(jobs) == 120
    err = capsys.readouterr().err
    last = err.replace("\r", "\n").strip().splitlines()[-1]
    assert "120/120" in last and "jobs/s" in last and "credits" in last


def test_feed_progress_bar_total_is_the_estimated_total(client, capsys):
    first = client.feed.get_jobs(sources=["lever_co"], batch_size=100)
    assert first.estimated_total
    df = client.feed.iter_jobs(sources=["lever_co"], batch_size=100, progress=True).to_pandas()
    err = capsys.readouterr().err
    last = err.replace("\r", "\n").strip().splitlines()[-1]
    assert f"{len(df)}/{first.estimated_total}" in last
    assert "credits" in last and "jobs/s" in last


def test_progress_must_be_a_bool(client):
    with pytest.raises(TypeError, match="progress"):
        client.jobs.iter(queries=["x"], progress="yes")


# -- optional extras -----------------------------------------------------------

_BLOCK = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ImportError("No module named " + repr(name))
sys.meta_path.insert(0, Block())
"""


def _run_without(blocked, body: str) -> subprocess.CompletedProcess:
    code = _BLOCK.format(blocked=set(blocked)) + body
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


@pytest.mark.parametrize("blocked,call,extra", [
    (["pandas"], "frames.to_pandas(page)", "[pandas]"),
    (["pyarrow"], "frames.to_pandas(page)", "[pandas]"),  # the pandas extra brings pyarrow
    (["pyarrow"], "frames.to_arrow(page)", "[arrow]"),
])
def test_missing_extra_raises_an_import_error_naming_it(blocked, call, extra):
    body = (
        "from jobo_enterprise import frames\n"
        "from jobo_enterprise.models import FeedPage\n"
        "from jobo_enterprise import _core\n"
        "page = _core.parse_model(FeedPage, b'{\"jobs\": []}')\n"
        "try:\n"
        f"    {call}\n"
        "except ImportError as e:\n"
        "    print('IMPORTERROR', e)\n"
    )
    out = _run_without(blocked, body)
    assert out.returncode == 0, out.stderr
    assert "IMPORTERROR" in out.stdout and extra in out.stdout


def test_progress_without_tqdm_raises_an_import_error_before_any_request(sandbox):
    body = (
        "from jobo_enterprise import JoboClient\n"
        f"c = JoboClient({sandbox.keys['full']!r}, base_url={sandbox.base_url!r},"
        f" ca_bundle={sandbox.ca_cert!r})\n"
        "try:\n"
        "    c.jobs.iter(queries=['x'], progress=True)\n"
        "except ImportError as e:\n"
        "    print('IMPORTERROR', e)\n"
        "print('USAGE', c.usage)\n"
    )
    out = _run_without(["tqdm"], body)
    assert out.returncode == 0, out.stderr
    assert "IMPORTERROR" in out.stdout and "[progress]" in out.stdout
    assert "USAGE None" in out.stdout  # no request was sent


def test_the_readme_notebooks_section_runs(capsys):
    from test_readme import _blocks

    (code,) = _blocks("## Notebooks and DataFrames")
    exec(compile(code, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "(20, 32) 20 UTC" in out and "250" in out and " True" in out


def test_the_readme_lists_the_whole_schema():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        text = fh.read()
    section = text[text.index("### The schema"):text.index("\n## ", text.index("### The schema"))]
    rows = [line.split("|")[1].strip().strip("`") for line in section.splitlines()
            if line.startswith("| `")]
    assert rows == frames.column_names()
    dtypes = frames.pandas_dtypes()
    for line in section.splitlines():
        if line.startswith("| `"):
            name = line.split("|")[1].strip().strip("`")
            assert f"`{dtypes[name]}`" in line


def test_official_iter_jobs_and_page_iterators_take_progress_and_tables(client, capsys):
    jobs = list(client.search.iter_jobs(queries=["engineer"], page_size=25, max_items=60,
                                        progress=True))
    assert len(jobs) == 60
    assert "60/60" in capsys.readouterr().err.replace("\r", "\n")
    pages = client.jobs.iter_pages(queries=["engineer"], page_size=25, max_items=60)
    first = next(pages)
    rest = pages.to_pandas()  # the pages not handed out yet
    assert len(first.jobs) == 25 and list(rest["id"]) == [str(j.id) for j in jobs[25:]]
    assert list(pages) == []


def test_a_closed_iterator_stops(client):
    it = client.feed.iter_jobs(batch_size=50)
    next(it)
    it.close()
    assert list(it) == [] and len(it.to_pandas()) == 0
