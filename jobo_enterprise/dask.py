"""The full feed as a partitioned ``dask.dataframe``: when one machine is not enough.

Needs the ``dask`` extra (``pip install 'jobo-enterprise-native[dask]'``: dask[dataframe],
distributed, pandas, pyarrow).

>>> from jobo_enterprise.dask import read_feed
>>> jobs = read_feed(work_models=["remote"])          # one partition per source
>>> jobs.to_parquet("jobs/", compute_kwargs={"retries": 3})

- **One partition per source.** Each partition is one feed scan with its source added to
  the filters. Every job has exactly one source, so the partitions are disjoint and
  their union is the feed.
- **The source list** is ``sources=`` when given (it is then also the filter, so the
  partitions cover the result by construction); otherwise it is read from the search
  facets (``include_facets=["sources"]``) with the same filters, and checked: the facet
  counts must add up to the search's ``total``. A facet list can be capped, and the
  feed cannot exclude sources, so an incomplete list raises :class:`FeedCoverageError`
  instead of dropping jobs.
- **Workers build their own clients** from the configuration of ``client`` (a
  :class:`~jobo_enterprise.JoboClient` pickles as its configuration, never as its key).
  The key on a worker comes from ``api_key`` (a callable run on the worker) or from the
  worker's ``JOBO_API_KEY``.
- **Failures are Dask's to retry.** A partition that fails (429 after the client's
  retries, a 5xx, a 409 cursor restart) raises; with task retries (``retries=`` of
  ``compute``/``persist``, ``compute_kwargs={"retries": n}`` of ``to_parquet``, or
  ``dask.annotate(retries=n)`` around them) Dask runs it again, and the partition
  restarts its scan from the beginning. A partition is idempotent, so the union has no
  duplicate and no gap.

Columns: :data:`jobo_enterprise.frames.JOB_COLUMNS`, in order, with the pandas dtypes
of :func:`pandas_dtypes` (Arrow-backed, so nullable booleans, UTC timestamps and lists
keep their types through Parquet; :func:`arrow_schema` is the matching Arrow schema).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

try:
    import dask.dataframe as dd
    import pandas as pd
    import pyarrow as pa
except ModuleNotFoundError as _missing:  # pragma: no cover - depends on the install
    raise ModuleNotFoundError(
        f"jobo_enterprise.dask needs {_missing.name!r}: "
        "pip install 'jobo-enterprise-native[dask]'", name=_missing.name) from _missing

from ._time import parse_datetime
from .client import JoboClient, _from_settings
from .exceptions import JoboConfigurationError, JoboError, JoboValidationError
from .frames import JOB_COLUMNS, LOCATION_FIELDS, job_record
from .models import LocationFilter
from .resources._params import list_of
from .resources.feed import FEED_PATH, feed_call

__all__ = ["read_feed", "FeedCoverageError", "arrow_schema", "pandas_dtypes", "jobs_frame"]

_SCALARS = {"string": pa.string(), "float": pa.float64(), "bool": pa.bool_(),
            "datetime": pa.timestamp("us", tz="UTC")}


def _arrow_type(kind: str) -> "pa.DataType":
    if kind in _SCALARS:
        return _SCALARS[kind]
    if kind == "list<string>":
        return pa.list_(pa.string())
    if kind == "list<location>":
        return pa.list_(pa.struct([(name, _SCALARS[k]) for name, k in LOCATION_FIELDS]))
    raise ValueError(f"unknown column kind {kind!r}")  # pragma: no cover - schema bug


def arrow_schema() -> "pa.Schema":
    """The Arrow schema of the job columns (what ``to_parquet`` writes):
    ``string`` -> ``string``, ``float`` -> ``double``, ``bool`` -> ``bool``,
    ``datetime`` -> ``timestamp[us, tz=UTC]``, ``list<string>`` -> ``list<string>``,
    ``list<location>`` -> ``list<struct<location, city, region, country: string,
    latitude, longitude: double>>``."""
    return pa.schema([(name, _arrow_type(kind)) for name, kind in JOB_COLUMNS])


def pandas_dtypes() -> Dict[str, Any]:
    """Column name -> pandas dtype of the frames :func:`read_feed` builds: the
    ``pandas.ArrowDtype`` of each column's :func:`arrow_schema` type."""
    return {field.name: pd.ArrowDtype(field.type) for field in arrow_schema()}


def jobs_frame(jobs: Any) -> "pd.DataFrame":
    """Jobs (or records of :func:`~jobo_enterprise.frames.job_record`) as a pandas
    DataFrame with the job columns and :func:`pandas_dtypes`."""
    records = [job if isinstance(job, dict) else job_record(job) for job in jobs]
    table = pa.Table.from_pylist(records, schema=arrow_schema())
    return table.to_pandas(types_mapper=pd.ArrowDtype)


class FeedCoverageError(JoboError):
    """The partitions of :func:`read_feed` would not cover every job of the filters:
    the source facet counts add up to fewer jobs than the search's ``total``.
    ``total`` and ``covered`` carry the two figures, ``sources`` the facet list."""

    def __init__(self, message: str, *, total: int, covered: int, sources: List[str]):
        super().__init__(message, code="feed_coverage")
        self.total = total
        self.covered = covered
        self.sources = sources

    def _extra_state(self) -> Dict[str, Any]:
        return {"total": self.total, "covered": self.covered, "sources": self.sources}


# -------------------------------------------------------------------- the plan

_LIST_FILTERS = ("work_models", "employment_types", "experience_levels")


def _str_list(name: str, value: Union[str, Sequence[str], None]) -> Optional[List[str]]:
    """A filter list, stripped and lower-cased (the API matches lowercase values),
    without duplicates; None when absent or empty."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.split(",")
    out: List[str] = []
    for item in value:
        if not isinstance(item, str):
            raise JoboValidationError(f"Parameter '{name}' must be a list of strings.")
        item = item.strip().lower()
        if item and item not in out:
            out.append(item)
    return out or None


def _location_text(loc: LocationFilter) -> str:
    """A feed location filter as the search's location string. The search matches
    each part against any part of a job location, a superset of the feed's match, so
    the coverage check over it is stricter, never weaker."""
    parts = [p for p in (loc.city, loc.region, loc.country) if p]
    if not parts:
        raise JoboValidationError("Parameter 'locations' has an entry with no city, "
                                  "region or country.")
    return ", ".join(parts)


def _when(name: str, value: Any) -> datetime:
    """A date-time filter, checked here rather than by a 400 on every worker."""
    parsed = parse_datetime(value) if isinstance(value, (str, datetime, date)) else None
    if not isinstance(parsed, datetime):
        raise JoboValidationError(
            f"Parameter '{name}' must be a datetime or an ISO-8601 date-time, got {value!r}.")
    return parsed


def _key_provider(api_key: Any) -> Optional[Callable[[], str]]:
    if api_key is None:
        return None
    if isinstance(api_key, (str, bytes)):
        raise JoboConfigurationError(
            "read_feed(api_key=) takes a callable that returns the key on each worker, "
            "not the key itself (a key string would travel inside the task graph); "
            "e.g. api_key=lambda: read_secret('jobo')")
    if not callable(api_key):
        raise JoboConfigurationError("read_feed(api_key=) must be a callable returning the key")
    return api_key


class _Scan:
    """What a worker needs to scan one partition: the client configuration (no key),
    the key provider, the feed filters and the batch size. Picklable."""

    __slots__ = ("settings", "api_key", "filters", "batch_size")

    def __init__(self, settings: Dict[str, Any], api_key: Optional[Callable[[], str]],
                 filters: Dict[str, Any], batch_size: int):
        self.settings = settings
        self.api_key = api_key
        self.filters = filters
        self.batch_size = batch_size

    def __getstate__(self) -> Any:
        return (self.settings, self.api_key, self.filters, self.batch_size)

    def __setstate__(self, state: Any) -> None:
        self.settings, self.api_key, self.filters, self.batch_size = state

    def __dask_tokenize__(self) -> Any:
        return ("jobo-feed-scan", sorted(self.settings.items(), key=str),
                sorted(self.filters.items(), key=str), self.batch_size, id(self.api_key))

    def client(self) -> JoboClient:
        key = self.api_key() if self.api_key is not None else None
        return _from_settings(JoboClient, self.settings, key)


def _scan_partition(source: str, scan: _Scan) -> "pd.DataFrame":
    """One partition: the whole feed scan of one source, from its first page. A
    failure raises (Dask retries the task, which starts the scan again)."""
    with scan.client() as client:
        jobs = client.feed.iter_jobs(sources=[source], batch_size=scan.batch_size,
                                     **scan.filters)
        return jobs_frame(jobs)


def _facet_sources(client: JoboClient, feed_filters: Dict[str, Any]) -> List[str]:
    """The sources of the search facets for the same filters, checked against the
    search's total (the facet list may be capped)."""
    search: Dict[str, Any] = {name: feed_filters.get(name) for name in _LIST_FILTERS}
    search["posted_after"] = feed_filters.get("posted_after")
    if feed_filters.get("locations"):
        search["locations"] = [_location_text(e) for e in feed_filters["locations"]]
    result = client.jobs.search_advanced(include_facets=["sources"], include_fields=[],
                                         page_size=1, **search)
    entries = (result.facets or {}).get("sources") or []
    counts: Dict[str, int] = {}
    for entry in entries:
        counts[entry.key] = counts.get(entry.key, 0) + entry.count
    covered = sum(counts.values())
    if covered != result.total:
        listed = sorted(counts)
        raise FeedCoverageError(
            f"the search facets list {len(listed)} sources holding {covered:,} jobs, but "
            f"{result.total:,} jobs match these filters: the facet list is incomplete "
            f"(the API caps it), and partitions read from it would miss "
            f"{result.total - covered:,} jobs. Pass sources=[...] naming every source "
            f"you want, or narrow the filters.",
            total=result.total, covered=covered, sources=listed)
    # the largest partitions first: they start first and finish last
    return sorted(counts, key=lambda s: (-counts[s], s))


def read_feed(
    *,
    sources: Union[str, Sequence[str], None] = None,
    locations: Optional[Sequence[Union[LocationFilter, Dict[str, Any]]]] = None,
    work_models: Union[str, Sequence[str], None] = None,
    employment_types: Union[str, Sequence[str], None] = None,
    experience_levels: Union[str, Sequence[str], None] = None,
    posted_after: Any = None,
    updated_after: Any = None,
    partition_by: str = "source",
    client: Optional[JoboClient] = None,
    api_key: Optional[Callable[[], str]] = None,
    batch_size: int = 1000,
) -> "dd.DataFrame":
    """The feed (POST /api/jobs/feed) with these filters as a lazy
    ``dask.dataframe``, one partition per source.

    Filters are those of :meth:`client.feed.iter_jobs
    <jobo_enterprise.resources.feed.FeedResource.iter_jobs>`. ``sources`` is both a
    filter and the partition list; without it the list comes from the search facets
    and is checked to cover the search's ``total`` (else :class:`FeedCoverageError`).
    ``locations`` and ``posted_after`` are part of that check in their search form;
    ``updated_after`` is not a search filter, so the check then covers every job
    regardless of ``updated_at`` (stricter, never weaker).

    ``client`` (default: ``JoboClient()`` from the environment, with the key of
    ``api_key()`` when given) runs the planning search here, and its configuration
    (never its key) goes to the workers, which build their own clients with the key
    from ``api_key()`` (a callable run on the worker) or their ``JOBO_API_KEY``.

    Nothing is fetched from the feed until the frame is computed. Give task retries
    when computing (``compute(retries=3)``, ``to_parquet(...,
    compute_kwargs={"retries": 3})``): a failed partition then restarts its scan.

    >>> ddf = read_feed(work_models=["remote"], api_key=lambda: vault.read("jobo"))
    >>> ddf.to_parquet("jobs/", compute_kwargs={"retries": 3})
    """
    if partition_by != "source":
        raise JoboValidationError(
            f"partition_by={partition_by!r} is not supported; partitions are by "
            "'source' (every job has exactly one, so partitions are disjoint)")
    provider = _key_provider(api_key)
    filters: Dict[str, Any] = {}
    for name, value in (("work_models", work_models), ("employment_types", employment_types),
                        ("experience_levels", experience_levels)):
        listed = _str_list(name, value)
        if listed is not None:
            filters[name] = listed
    if locations is not None:
        filters["locations"] = list_of(LocationFilter)("locations", locations)
        for entry in filters["locations"]:
            _location_text(entry)
    for name, when in (("posted_after", posted_after), ("updated_after", updated_after)):
        if when is not None:
            filters[name] = _when(name, when)
    chosen = _str_list("sources", sources)
    # every filter checked here, as the first request of a scan would send it
    feed_call(FEED_PATH, None, batch_size, dict(filters, sources=chosen))
    own = client is None
    if own:
        client = JoboClient(provider() if provider is not None else None)
    elif not isinstance(client, JoboClient):
        raise JoboConfigurationError("read_feed(client=) must be a JoboClient")
    try:
        if chosen is None:
            chosen = _facet_sources(client, filters)
        settings = dict(client._settings)
    finally:
        if own:
            client.close()
    meta = jobs_frame([])
    if not chosen:
        return dd.from_pandas(meta, npartitions=1)
    scan = _Scan(settings, provider, filters, batch_size)
    return dd.from_map(_scan_partition, chosen, args=(scan,), meta=meta,
                       label="jobo-feed", enforce_metadata=False)
