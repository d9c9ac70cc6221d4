"""The feed on Dask: partitions per source, keys on the workers, retried partitions,
and a real two-process cluster against a 20,000-job sandbox in its own process."""

from __future__ import annotations

import functools
import json
import os
import pickle
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest

from jobo_enterprise import (JoboClient, JoboConfigurationError, JoboRateLimitError,
                             JoboServerError, JoboValidationError)
from jobo_enterprise.frames import column_names, job_record
from jobo_enterprise.mirror import Mirror
from jobo_enterprise_sandbox.data import SOURCES

from keys import CANARY

# pandas, pyarrow, dask and jobo_enterprise.dask are imported when this module's tests
# start, not when pytest collects it: pandas in the process before test_c_core_leaks runs
# makes the first decodes there keep a one-time 1.9 MB, which that test reads as growth.
pd = pq = distributed = jd = None


@pytest.fixture(scope="module", autouse=True)
def _libraries():
    global pd, pq, distributed, jd
    distributed = pytest.importorskip("distributed")
    import pandas
    import pyarrow.parquet

    import jobo_enterprise.dask

    pd, pq, jd = pandas, pyarrow.parquet, jobo_enterprise.dask


#: the tests on their own sandbox process use its keys, never the canary, so the
#: canary run (test_canary.py, the whole suite again) leaves them out
own_sandbox = pytest.mark.skipif(bool(CANARY), reason="its own sandbox's keys, not the canary")


# ------------------------------------------------------------------ helpers

def counting_key(key_file: str, log_file: str) -> str:
    """A key provider for the workers: reads the key from a file and logs each call
    (one per partition attempt)."""
    with open(log_file, "a", encoding="ascii") as fh:
        fh.write(f"{os.getpid()}\n")
    with open(key_file, encoding="ascii") as fh:
        return fh.read()


def set_env(name: str, value) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def _attempts(log_file: str) -> int:
    if not os.path.exists(log_file):
        return 0
    with open(log_file, encoding="ascii") as fh:
        return len(fh.read().split())


class Remote:
    """A sandbox served by ``python -m jobo_enterprise_sandbox`` in its own process."""

    def __init__(self, info: dict):
        self.base_url = info["base_url"]
        self.ca_cert = info["ca_cert"]
        self.keys = info["keys"]

    def client(self, **kw) -> JoboClient:
        return JoboClient(self.keys["full"], base_url=self.base_url, ca_bundle=self.ca_cert,
                          **kw)


@pytest.fixture(scope="module")
def remote():
    """A sandbox of 20,000 jobs in a process of its own."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "jobo_enterprise_sandbox", "--jobs", "20000", "--seed", "3",
         "--http-port", "-1"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        assert line, "the sandbox process did not start"
        yield Remote(json.loads(line))
    finally:
        proc.terminate()
        proc.wait(20)


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes, one thread each, every server on loopback."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address="127.0.0.1:0") as lc, \
            distributed.Client(lc) as dc:
        yield dc


@pytest.fixture
def key_files(tmp_path, sandbox):
    """A key provider for the workers (the session sandbox's key, read from a file) and
    the log of its calls."""
    key_file = tmp_path / "key"
    key_file.write_text(sandbox.keys["full"] + "\n", encoding="ascii")
    log_file = tmp_path / "attempts"
    return functools.partial(counting_key, str(key_file), str(log_file)), str(log_file)


def _ids(client: JoboClient, **filters) -> list:
    return [str(j.id) for j in client.feed.iter_jobs(**filters)]


# ------------------------------------------------------------------ the cluster

@own_sandbox
def test_two_worker_processes_read_the_whole_feed_into_parquet(remote, cluster, tmp_path):
    client = remote.client()
    single = _ids(client)
    assert len(single) == 20_000

    cluster.run(set_env, "JOBO_API_KEY", remote.keys["full"])   # the workers' environment
    ddf = jd.read_feed(client=client, sources=list(SOURCES))   # key: the workers' JOBO_API_KEY
    assert ddf.npartitions == len(SOURCES)
    assert list(ddf.columns) == column_names()
    assert dict(ddf.dtypes) == jd.pandas_dtypes()

    out = tmp_path / "jobs"
    started = datetime.now(timezone.utc)
    with distributed.get_task_stream(cluster) as stream:
        ddf.to_parquet(str(out), write_index=False, compute_kwargs={"retries": 2})
    assert len({task["worker"] for task in stream.data}) == 2   # both processes worked

    schema = pq.read_schema(next(out.glob("*.parquet")))
    assert schema.remove_metadata().equals(jd.arrow_schema())
    back = pd.read_parquet(str(out), dtype_backend="pyarrow")
    assert list(back.columns) == column_names()
    assert dict(back.dtypes) == jd.pandas_dtypes()
    assert len(back) == len(single) and back["id"].is_unique      # no duplicate
    assert set(back["id"]) == set(single)                          # no gap

    # the values are the job's, column for column
    some = back.set_index("id").loc[single[123]]
    expected = job_record(client.jobs.get(single[123]))
    assert some["title"] == expected["title"]
    assert some["source"] == expected["source"]
    assert some["created_at"].to_pydatetime() == expected["created_at"]
    assert [loc["city"] for loc in some["locations"]] == \
        [loc["city"] for loc in expected["locations"]]
    cluster.run(set_env, "JOBO_API_KEY", None)

    # the export is a mirror's first load; its next sync goes on incrementally
    with Mirror(client, str(tmp_path / "mirror.sqlite")) as mirror:
        loaded = mirror.load_parquet(str(out), exported_at=started)
        assert loaded.jobs == 20_000
        synced = mirror.sync()
        assert synced.mode == "incremental" and synced.inserted == 0
        assert mirror.status().jobs == 20_000 - synced.expired   # jobs expired meanwhile
    client.close()


def test_workers_take_the_key_from_the_provider_and_retry_a_5xx(sandbox, cluster, key_files,
                                                              make_client):
    provider, log = key_files
    sources = ["workday", "ashby", "gem"]
    # the first 3 requests of the workday scan answer 503: the client retries once,
    # gives up, and Dask runs the partition again
    flaky = make_client(base_url=sandbox.fault_url(
        "status=503,times=3,match=%5B%22workday%22%5D,id=dask503"), max_retries=1)
    ddf = jd.read_feed(client=flaky, sources=sources, api_key=provider)
    got = ddf.compute(retries=2)
    expected = _ids(make_client(), sources=sources)
    assert got["id"].is_unique and sorted(got["id"]) == sorted(expected)
    assert _attempts(log) == len(sources) + 1          # one partition ran twice


def test_a_partition_that_keeps_failing_raises_the_typed_error(sandbox, cluster, key_files,
                                                               make_client):
    provider, log = key_files
    flaky = make_client(base_url=sandbox.fault_url("status=503,match=%5B%22gem%22%5D,id=dask503b"),
                        max_retries=0)
    ddf = jd.read_feed(client=flaky, sources=["gem", "dover"], api_key=provider)
    with pytest.raises(JoboServerError) as info:
        ddf.compute(retries=1)
    assert info.value.status_code == 503
    assert sandbox.keys["full"] not in str(info.value)
    assert _attempts(log) >= 3                          # gem twice, dover once


def test_a_429_after_the_clients_retries_is_retried_by_dask(sandbox, cluster, key_files,
                                                            make_client):
    provider, log = key_files
    # 429 (Retry-After: 1) for the first 3 requests of the dover scan; the client
    # retries once, then gives up
    limited = make_client(base_url=sandbox.fault_url(
        "status=429,times=3,match=%5B%22dover%22%5D,id=dask429"), max_retries=1)
    ddf = jd.read_feed(client=limited, sources=["dover", "comeet"], api_key=provider,
                    batch_size=999)
    with pytest.raises(JoboRateLimitError) as info:   # without task retries it surfaces
        ddf.compute()
    assert info.value.retries_taken == 1
    # a new graph (the failed one's keys stay erred while the scheduler holds them)
    ddf = jd.read_feed(client=limited, sources=["dover", "comeet"], api_key=provider)
    got = ddf.compute(retries=3)
    expected = _ids(make_client(), sources=["dover", "comeet"])
    assert got["id"].is_unique and sorted(got["id"]) == sorted(expected)


def test_a_409_mid_scan_restarts_that_partition_from_the_beginning(sandbox, cluster, key_files,
                                                                   make_client):
    provider, log = key_files
    sources = ["greenhouse", "workday"]
    # continuations are slowed, so that the scans are still running when the cursors expire
    slow = make_client(base_url=sandbox.fault_url("delay=60,match=%22cursor%22,id=dask409"))
    ddf = jd.read_feed(client=slow, sources=sources, api_key=provider, batch_size=50)
    future = cluster.compute(ddf, retries=2)
    deadline = time.monotonic() + 60
    while sandbox.fault_requests("dask409") < 4:
        assert time.monotonic() < deadline, "the scans did not start"
        time.sleep(0.01)
    sandbox.expire_cursors()          # every cursor in hand is now stale: 409 on next use
    got = future.result(timeout=120)
    expected = _ids(make_client(), sources=sources)
    assert got["id"].is_unique and sorted(got["id"]) == sorted(expected)
    assert _attempts(log) > len(sources)               # at least one scan started again


# ------------------------------------------------------------------ the plan

def test_an_incomplete_facet_list_raises_instead_of_dropping_jobs(make_client):
    client = make_client()
    with pytest.raises(jd.FeedCoverageError) as info:
        jd.read_feed(client=client)          # 24 sources, the facet list stops at 20
    err = info.value
    assert err.total == client.jobs.search(page_size=1).total
    assert err.covered < err.total and len(err.sources) == 20
    assert "incomplete" in str(err) and "sources=" in str(err)
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.total, copy.covered, copy.sources, str(copy)) == \
        (err.total, err.covered, err.sources, str(err))


def test_facet_sources_that_add_up_become_the_partitions(make_client, sandbox):
    client = make_client()
    filters = dict(work_models=["remote"], experience_levels=["intern"])
    facets = client.jobs.search_advanced(include_facets=["sources"], page_size=1,
                                         **filters).facets["sources"]
    assert len(facets) < 20                       # the premise: a complete facet list
    key = sandbox.keys["full"]
    ddf = jd.read_feed(client=client, api_key=lambda: key, **filters)
    assert ddf.npartitions == len(facets)
    got = ddf.compute(scheduler="sync")
    assert sorted(got["id"]) == sorted(_ids(client, **filters))
    assert set(got["source"]) == {f.key for f in facets}
    # each partition holds one source, the largest first
    first = ddf.partitions[0].compute(scheduler="sync")
    assert set(first["source"]) == {facets[0].key}


def test_the_coverage_check_takes_locations_and_dates_in_their_search_form(make_client,
                                                                          sandbox):
    client = make_client()
    key = sandbox.keys["full"]
    filters = dict(locations=[{"country": "DE"}, {"city": "Berlin", "country": "Germany"}],
                   experience_levels=["senior"], posted_after="2000-01-01",
                   updated_after="2000-01-01T00:00:00Z")
    ddf = jd.read_feed(client=client, api_key=lambda: key, **filters)
    got = ddf.compute(scheduler="threads")
    expected = _ids(client, **filters)
    assert 0 < len(expected) and sorted(got["id"]) == sorted(expected)
    # the search form is wider ("DE" is also Delaware's code): more partitions than the
    # feed's sources, some of them empty, never fewer
    assert ddf.npartitions >= len(set(got["source"]))


def test_given_sources_are_the_filter_and_the_partitions(make_client, sandbox):
    client = make_client()
    key = sandbox.keys["full"]
    ddf = jd.read_feed(client=client, sources=["greenhouse", " Greenhouse", "lever_co"],
                    locations=[{"country": "US"}], api_key=lambda: key, batch_size=250)
    assert ddf.npartitions == 2
    got = ddf.compute(scheduler="threads")
    expected = _ids(client, sources=["greenhouse", "lever_co"],
                    locations=[{"country": "US"}])
    assert len(expected) > 0 and sorted(got["id"]) == sorted(expected)


def test_no_matching_job_is_an_empty_frame_with_the_columns(make_client, sandbox):
    client = make_client()
    key = sandbox.keys["full"]
    got = jd.read_feed(client=client, sources=["no_such_ats"], api_key=lambda: key) \
        .compute(scheduler="sync")
    assert len(got) == 0 and dict(got.dtypes) == jd.pandas_dtypes()
    empty = jd.jobs_frame([])
    assert list(empty.columns) == column_names()


def test_bad_arguments_are_refused_before_any_request(make_client, sandbox):
    client = make_client()
    with pytest.raises(JoboValidationError, match="partition_by"):
        jd.read_feed(client=client, sources=["ashby"], partition_by="company")
    with pytest.raises(JoboValidationError, match="batch_size"):
        jd.read_feed(client=client, sources=["ashby"], batch_size=5000)
    with pytest.raises(JoboConfigurationError, match="callable") as info:
        jd.read_feed(client=client, sources=["ashby"], api_key=sandbox.keys["full"])
    assert sandbox.keys["full"] not in str(info.value)
    with pytest.raises(JoboValidationError, match="locations"):
        jd.read_feed(client=client, sources=["ashby"], locations=[{}])
    with pytest.raises(TypeError, match="locations"):     # an unknown key, as in the feed
        jd.read_feed(client=client, sources=["ashby"], locations=[{"planet": "Mars"}])
    with pytest.raises(JoboValidationError, match="posted_after"):
        jd.read_feed(client=client, sources=["ashby"], posted_after="last tuesday")
    with pytest.raises(JoboValidationError, match="work_models"):
        jd.read_feed(client=client, sources=["ashby"], work_models=[3])


# ------------------------------------------------------------------ pickling

def test_a_pickled_client_holds_its_configuration_and_no_key(make_client, sandbox,
                                                             monkeypatch):
    key = sandbox.keys["full"]
    client = make_client(timeout=12.5, max_retries=4, max_wait=7.0)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        data = pickle.dumps(client, protocol=protocol)
        assert key.encode() not in data
        assert key[9:].encode() not in data and key[-8:].encode() not in data
    import cloudpickle

    assert key.encode() not in cloudpickle.dumps(client)

    monkeypatch.setenv("JOBO_API_KEY", key)
    copy = pickle.loads(pickle.dumps(client))
    assert (copy.base_url, copy.timeout, copy.max_retries, copy.max_wait, copy.ca_bundle) \
        == (client.base_url, 12.5, 4, 7.0, sandbox.ca_cert)
    assert copy.jobs.search("nurse", page_size=1).total == \
        client.jobs.search("nurse", page_size=1).total
    copy.close()


def test_copies_of_a_client_are_the_client_itself(make_client):
    import copy

    client = make_client()
    assert copy.copy(client) is client and copy.deepcopy({"c": client})["c"] is client


def test_unpickling_without_a_key_in_the_environment_says_how(make_client):
    data = pickle.dumps(make_client())
    with pytest.raises(JoboConfigurationError, match="JOBO_API_KEY"):
        pickle.loads(data)


def test_the_task_graph_holds_no_key(make_client, sandbox, tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(sandbox.keys["full"], encoding="ascii")
    import cloudpickle

    provider = functools.partial(counting_key, str(key_file), str(tmp_path / "log"))
    ddf = jd.read_feed(client=make_client(), sources=["ashby", "gem"], api_key=provider)
    graph = cloudpickle.dumps(dict(ddf.__dask_graph__()))
    assert sandbox.keys["full"].encode() not in graph


# ------------------------------------------------------------------ the README

def _readme_blocks() -> list:
    import re

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, "README.md"), encoding="utf-8") as fh:
        text = fh.read()
    start = text.index("## More than one machine")
    end = text.index("\n## ", start + 10)
    return re.findall(r"```python\n(.*?)```", text[start:end], flags=re.S)


@own_sandbox
def test_the_readme_dask_example_runs(capsys):
    dask_block = [b for b in _readme_blocks() if "read_feed" in b]
    assert len(dask_block) == 1
    try:
        exec(compile(dask_block[0], "README.md", "exec"), {})
    finally:
        os.environ.pop("JOBO_API_KEY", None)
    out = capsys.readouterr().out
    assert "5000 4898" in out and "timestamp[us, tz=UTC]" in out
    assert "49 incremental" in out                  # the Parquet loaded into the mirror


def test_the_readme_spark_recipe_runs(sandbox, tmp_path, monkeypatch):
    """Optional (pyspark is not in the test extra): the Spark paragraph's code on a
    local Spark, against the sandbox; the key reaches the executors by JOBO_API_KEY."""
    pytest.importorskip("pyspark")
    block = [b for b in _readme_blocks() if "mapInPandas" in b]
    assert len(block) == 1
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JOBO_API_KEY", sandbox.keys["full"])
    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)     # executors: this environment
    client = JoboClient(base_url=sandbox.base_url, ca_bundle=sandbox.ca_cert)
    namespace = {"client": client}
    try:
        exec(compile(block[0], "README.md", "exec"), namespace)
    finally:
        namespace["spark"].stop()
    back = pd.read_parquet(tmp_path / "jobs", dtype_backend="pyarrow")
    expected = _ids(client, sources=["greenhouse", "workday", "lever_co"],
                    work_models=["remote"])
    assert sorted(back["id"]) == sorted(expected)
    assert list(back.columns) == column_names()
