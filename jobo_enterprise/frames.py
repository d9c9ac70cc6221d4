"""The tabular schema of a job: one row per job, the same columns everywhere.

DataFrames (``to_pandas``), Arrow tables (``to_arrow``), the CLI's CSV export, the
mirror's database tables and the Dask loader all use these columns, in this order,
with these types. A column is named after the API field it comes from; fields of
nested objects are flattened with a prefix (``company_name``, ``salary_min``).

Kinds:

- ``string``: text or ``None``
- ``float``: a float or ``None``
- ``bool``: ``True``/``False`` or ``None``
- ``datetime``: a timezone-aware UTC :class:`~datetime.datetime` or ``None``
- ``list<string>``: a list of str (``[]`` when absent)
- ``list<location>``: a list of dicts with the keys of :data:`LOCATION_FIELDS`

``id`` and ``company_id`` are strings (the UUID's canonical text). ``location`` is the
display text of the first location (``None`` when there is none); ``locations`` keeps
them all.

:func:`to_pandas` and :func:`to_arrow` build a table from jobs that are views of a
response (what the client returns): the C core reads each column straight from the
parsed JSON in one pass into Arrow's memory layout, with no dict, model or Python object
per job or value. The dtypes (:func:`pandas_dtypes`, :func:`arrow_schema`) are the same
for every result, an empty one included. In a DataFrame the text and list columns are
Arrow-backed (:class:`pandas.ArrowDtype`; a missing text is ``<NA>``, a list cell reads as
a Python list), numbers are ``float64`` (``NaN``), date-times ``datetime64[us, UTC]``
(``NaT``) and booleans the nullable ``boolean`` (``<NA>``).
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any, Dict, Iterable, List, Optional, Tuple

from . import _core

__all__ = [
    "JOB_COLUMNS", "LOCATION_FIELDS", "column_names", "job_record", "to_pandas", "to_arrow",
    "pandas_dtypes", "arrow_schema", "TableBuilder",
]

# (name of the column, kind)
JOB_COLUMNS: Tuple[Tuple[str, str], ...] = (
    ("id", "string"),
    ("title", "string"),
    ("normalized_title", "string"),
    ("company_id", "string"),
    ("company_name", "string"),
    ("company_website", "string"),
    ("company_industries", "list<string>"),
    ("location", "string"),
    ("locations", "list<location>"),
    ("employment_type", "string"),
    ("workplace_type", "string"),
    ("experience_level", "string"),
    ("source", "string"),
    ("salary_min", "float"),
    ("salary_max", "float"),
    ("salary_currency", "string"),
    ("salary_period", "string"),
    ("created_at", "datetime"),
    ("updated_at", "datetime"),
    ("date_posted", "datetime"),
    ("valid_through", "datetime"),
    ("listing_url", "string"),
    ("apply_url", "string"),
    ("summary", "string"),
    ("description", "string"),
    ("skills_must_have", "list<string>"),
    ("skills_preferred", "list<string>"),
    ("responsibilities", "list<string>"),
    ("benefits", "list<string>"),
    ("is_work_auth_required", "bool"),
    ("is_h1b_sponsor", "bool"),
    ("is_clearance_required", "bool"),
)

# the keys of each item of the ``locations`` column: (name, kind)
LOCATION_FIELDS: Tuple[Tuple[str, str], ...] = (
    ("location", "string"),
    ("city", "string"),
    ("region", "string"),
    ("country", "string"),
    ("latitude", "float"),
    ("longitude", "float"),
)


def column_names() -> List[str]:
    """The column names, in order."""
    return [name for name, _ in JOB_COLUMNS]


def _utc(value: Any) -> Optional[datetime]:
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def _text(value: Any) -> Optional[str]:
    return None if value is None else str(value)


def _float(value: Any) -> Optional[float]:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _bool(value: Any) -> Optional[bool]:
    return value if isinstance(value, bool) else None


def _skill_names(bucket: Any) -> List[str]:
    if bucket is None:
        return []
    return [s.name for s in bucket.skills if getattr(s, "name", None) is not None]


def job_record(job: Any) -> Dict[str, Any]:
    """One job as a dict with the columns of :data:`JOB_COLUMNS`, in order."""
    company = job.company
    pay = job.compensation
    locations = [
        {
            "location": loc.location,
            "city": loc.city,
            "region": loc.region,
            "country": loc.country,
            "latitude": _float(loc.latitude),
            "longitude": _float(loc.longitude),
        }
        for loc in job.locations
        if hasattr(type(loc), "_fields")  # an object (a list item of another type is left out)
    ]
    quals = job.qualifications
    return {
        "id": _text(job.id),
        "title": job.title,
        "normalized_title": job.normalized_title,
        "company_id": _text(company.id) if company is not None else None,
        "company_name": company.name if company is not None else None,
        "company_website": company.website if company is not None else None,
        "company_industries": list(company.industries) if company is not None else [],
        "location": locations[0]["location"] if locations else None,
        "locations": locations,
        "employment_type": job.employment_type,
        "workplace_type": job.workplace_type,
        "experience_level": job.experience_level,
        "source": job.source,
        "salary_min": _float(pay.min) if pay is not None else None,
        "salary_max": _float(pay.max) if pay is not None else None,
        "salary_currency": pay.currency if pay is not None else None,
        "salary_period": pay.period if pay is not None else None,
        "created_at": _utc(job.created_at),
        "updated_at": _utc(job.updated_at),
        "date_posted": _utc(job.date_posted),
        "valid_through": _utc(job.valid_through),
        "listing_url": job.listing_url,
        "apply_url": job.apply_url,
        "summary": job.summary,
        "description": job.description,
        "skills_must_have": _skill_names(quals.must_have) if quals is not None else [],
        "skills_preferred": _skill_names(quals.preferred) if quals is not None else [],
        "responsibilities": list(job.responsibilities),
        "benefits": list(job.benefits),
        "is_work_auth_required": _bool(job.is_work_auth_required),
        "is_h1b_sponsor": _bool(job.is_h1b_sponsor),
        "is_clearance_required": _bool(job.is_clearance_required),
    }


# ── tables: DataFrames and Arrow ─────────────────────────────────────

PANDAS_HINT = ("DataFrames need pandas and pyarrow: pip install "
               "'jobo-enterprise-native[pandas]' (or pip install pandas pyarrow)")
ARROW_HINT = ("Arrow tables need pyarrow: pip install 'jobo-enterprise-native[arrow]' "
              "(or pip install pyarrow)")

# where each column comes from in the JSON of a job: (path of keys, member read from
# each object of a list (COL_NAMES, COL_FIRST) or None)
_SOURCES: Dict[str, Tuple[Tuple[str, ...], Optional[str]]] = {
    "company_id": (("company", "id"), None),
    "company_name": (("company", "name"), None),
    "company_website": (("company", "website"), None),
    "company_industries": (("company", "industries"), None),
    "location": (("locations",), "location"),
    "salary_min": (("compensation", "min"), None),
    "salary_max": (("compensation", "max"), None),
    "salary_currency": (("compensation", "currency"), None),
    "salary_period": (("compensation", "period"), None),
    "skills_must_have": (("qualifications", "must_have", "skills"), "name"),
    "skills_preferred": (("qualifications", "preferred", "skills"), "name"),
}

_KINDS = {
    "string": _core.COL_STR,
    "float": _core.COL_FLOAT,
    "bool": _core.COL_BOOL,
    "datetime": _core.COL_DATETIME,
    "list<string>": _core.COL_STR_LIST,
    "list<location>": _core.COL_STRUCTS,
}


def _plan() -> Tuple[Tuple[int, Tuple[str, ...], Tuple[Tuple[str, int], ...]], ...]:
    """The column plan of ``_core.job_columns``: (kind, path, sub) per column."""
    plan = []
    loc_sub = tuple((name, _KINDS[kind]) for name, kind in LOCATION_FIELDS)
    for name, kind in JOB_COLUMNS:
        path, member = _SOURCES.get(name, ((name,), None))
        code = _KINDS[kind]
        sub: Tuple[Tuple[str, int], ...] = ()
        if kind == "list<location>":
            sub = loc_sub
        elif member is not None:
            code = _core.COL_FIRST if kind == "string" else _core.COL_NAMES
            sub = ((member, _core.COL_STR),)
        plan.append((code, path, sub))
    return tuple(plan)


_PLAN = _plan()


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _micros(raw: Any) -> Optional[int]:
    """A date-time of another text form (or epoch seconds) as microseconds since the
    epoch, read as the models read it; ``None`` if it is not one."""
    from ._time import parse_datetime

    value = parse_datetime(raw)
    if not isinstance(value, datetime):
        return None
    delta = value - _EPOCH
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _views(jobs: Iterable[Any]) -> List[Any]:
    """The jobs as views of parsed JSON (what ``_core.job_columns`` reads): views as
    they are; dict-backed jobs (detached, built by hand) and plain dicts parsed anew."""
    from .models import Job

    out = []
    for job in jobs:
        if not getattr(job, "_is_view", False):
            if isinstance(job, Job):
                data = Job.to_dict(job)
            elif isinstance(job, dict):
                data = job
            else:
                raise TypeError(f"a table row must be a Job or a dict, not {type(job).__name__}")
            job = _core.parse_model(Job, json.dumps(data, default=str).encode("utf-8"))
        out.append(job)
    return out


class TableBuilder:
    """Collects the columns of jobs, page by page, then makes one table or DataFrame.

    ``add(jobs)`` reads the columns of a list of jobs at once (the page can be freed
    after): the C core writes each column's values in Arrow's memory layout (text as
    UTF-8 with offsets, numbers and date-times as 64-bit values, validity bitmaps), and
    each page becomes one chunk of Arrow arrays, with no Python object per value.
    ``to_arrow()`` gives the table, ``to_pandas()`` a DataFrame over the same memory
    (text and list columns stay in Arrow; numbers, date-times and booleans become
    numpy-backed pandas columns).
    """

    __slots__ = ("arrow", "rows", "_chunks")
    arrow: bool
    rows: int

    def __init__(self, *, arrow: bool = False) -> None:
        # what is missing is named before any page is read
        _pyarrow() if arrow else _pandas()
        self.arrow = arrow
        self.rows = 0
        self._chunks: List[List[Any]] = [[] for _ in JOB_COLUMNS]

    def add(self, jobs: Iterable[Any]) -> "TableBuilder":
        pa = _pyarrow()
        views = _views(jobs)
        cols = _core.job_columns(views, _PLAN, _micros)
        for chunks, field, col in zip(self._chunks, arrow_schema(), cols):
            chunks.append(_arrow_column(pa, field.type, col))
        self.rows += len(views)
        return self

    def to_arrow(self) -> Any:
        pa = _pyarrow()
        if not self._chunks[0]:
            self.add([])
        schema = arrow_schema()
        columns = [pa.chunked_array(chunks, type=field.type)
                   for chunks, field in zip(self._chunks, schema)]
        return pa.Table.from_arrays(columns, schema=schema)

    def to_pandas(self) -> Any:
        pd = _pandas()
        return self.to_arrow().to_pandas(types_mapper=_types_mapper(pd).get)


def _pandas() -> Any:
    try:
        import pandas as pd
        import pyarrow  # noqa: F401  (the text and list columns are Arrow-backed)
    except ImportError as exc:
        raise ImportError(PANDAS_HINT) from exc
    return pd


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
    except ImportError as exc:
        raise ImportError(ARROW_HINT) from exc
    return pa


# the pandas dtype of each kind of column (str() of the dtype, as pandas prints it)
_PANDAS_DTYPES = {
    "string": "string[pyarrow]",
    "float": "float64",
    "bool": "boolean",
    "datetime": "datetime64[us, UTC]",
    "list<string>": "list<item: string>[pyarrow]",
    "list<location>": "list<item: struct<{}>>[pyarrow]".format(", ".join(
        f"{name}: {'double' if kind == 'float' else 'string'}" for name, kind in LOCATION_FIELDS)),
}


def pandas_dtypes() -> Dict[str, str]:
    """The dtype of each column of :func:`to_pandas`, in order, as pandas prints it.

    Text and list columns are Arrow-backed (:class:`pandas.ArrowDtype`: ``string[pyarrow]``,
    ``list<item: string>[pyarrow]``, ...), as the Dask loader's are; numbers are ``float64``,
    date-times ``datetime64[us, UTC]`` and booleans the nullable ``boolean``."""
    return {name: _PANDAS_DTYPES[kind] for name, kind in JOB_COLUMNS}


def _types_mapper(pd: Any) -> Dict[Any, Any]:
    """Arrow type -> pandas dtype for ``Table.to_pandas``: the text and list columns as
    :class:`pandas.ArrowDtype` (no Python object per value), booleans as the nullable
    ``boolean``; float64 and timestamps take pandas' own conversion (NaN, NaT)."""
    pa = _pyarrow()
    out: Dict[Any, Any] = {pa.bool_(): pd.BooleanDtype()}
    for field in arrow_schema():
        if pa.types.is_string(field.type) or pa.types.is_list(field.type):
            out[field.type] = pd.ArrowDtype(field.type)
    return out


_SCHEMA: List[Any] = []  # arrow_schema(), made once


def arrow_schema() -> Any:
    """The :class:`pyarrow.Schema` of :func:`to_arrow`."""
    if _SCHEMA:
        return _SCHEMA[0]
    pa = _pyarrow()
    types = {"string": pa.string(), "float": pa.float64(), "bool": pa.bool_(),
             "datetime": pa.timestamp("us", tz="UTC")}
    location = pa.struct([(name, types[kind]) for name, kind in LOCATION_FIELDS])
    types["list<string>"] = pa.list_(pa.string())
    types["list<location>"] = pa.list_(location)
    _SCHEMA.append(pa.schema([(name, types[kind]) for name, kind in JOB_COLUMNS]))
    return _SCHEMA[0]


def _leaf(pa: Any, typ: Any, leaf: Any) -> Any:
    """(length, null count, validity bitmap or None, data, offsets or None), the
    buffers ``_core.job_columns`` wrote -> an Arrow array of typ."""
    n, nulls, valid, data, offsets = leaf
    buffers = [None if valid is None else pa.py_buffer(valid)]
    if offsets is not None:
        buffers.append(pa.py_buffer(offsets))
    buffers.append(pa.py_buffer(data))
    return pa.Array.from_buffers(typ, n, buffers, null_count=nulls)


def _arrow_column(pa: Any, typ: Any, col: Any) -> Any:
    """One page's output of ``_core.job_columns`` for a column -> an array of typ."""
    if not pa.types.is_list(typ):
        return _leaf(pa, typ, col)
    offsets = col[0]
    rows = len(offsets) // 4 - 1
    item = typ.value_type
    if pa.types.is_struct(item):
        _, count, fields = col
        children = [_leaf(pa, item.field(i).type, leaf) for i, leaf in enumerate(fields)]
        values = pa.StructArray.from_arrays(children, fields=list(item))
        if len(values) != count:
            raise RuntimeError("job_columns: the fields of a struct column disagree")
    else:
        values = _leaf(pa, item, col[1])
    return pa.Array.from_buffers(typ, rows, [None, pa.py_buffer(offsets)], children=[values])


def to_pandas(jobs: Iterable[Any]) -> Any:
    """A :class:`pandas.DataFrame` of jobs, one row per job, columns of :data:`JOB_COLUMNS`."""
    return TableBuilder().add(jobs).to_pandas()


def to_arrow(jobs: Iterable[Any]) -> Any:
    """A :class:`pyarrow.Table` of jobs, with the schema of :func:`arrow_schema`."""
    return TableBuilder(arrow=True).add(jobs).to_arrow()
