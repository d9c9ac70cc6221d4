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
parsed JSON in one pass, with no dict or model per job. The dtypes
(:func:`pandas_dtypes`, :func:`arrow_schema`) are the same for every result, an empty
one included.
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

PANDAS_HINT = ("DataFrames need pandas: pip install 'jobo-enterprise-native[pandas]' "
               "(or pip install pandas)")
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
    """Collects the columns of jobs, page by page, then makes one DataFrame or table.

    ``add(jobs)`` reads the columns of a list of jobs at once (the page can be freed
    after); ``to_pandas()`` / ``to_arrow()`` make the table. Built for Arrow
    (``arrow=True``), each page becomes one chunk of Arrow arrays at once, made from
    the text and numbers the C core wrote in Arrow's layout (no Python str per value).
    """

    __slots__ = ("arrow", "rows", "_cols", "_chunks")
    arrow: bool
    rows: int

    def __init__(self, *, arrow: bool = False) -> None:
        self.arrow = arrow
        self.rows = 0
        self._cols: Optional[List[Any]] = None
        self._chunks: List[List[Any]] = [[] for _ in JOB_COLUMNS]

    def add(self, jobs: Iterable[Any]) -> "TableBuilder":
        views = _views(jobs)
        cols = _core.job_columns(views, _PLAN, _micros, self.arrow)
        if self.arrow:
            pa = _pyarrow()
            for chunks, field, (_, kind), col in zip(self._chunks, arrow_schema(), JOB_COLUMNS,
                                                     cols):
                chunks.append(_arrow_column(pa, field.type, kind, col))
        elif self._cols is None:
            self._cols = cols
        else:
            for (_, kind), into, more in zip(JOB_COLUMNS, self._cols, cols):
                _append(kind, into, more)
        self.rows += len(views)
        return self

    def to_pandas(self) -> Any:
        if self.arrow:
            raise ValueError("this builder collects Arrow columns; use to_arrow()")
        pd, np = _pandas()
        if self._cols is None:
            self._cols = _core.job_columns([], _PLAN, _micros, False)
        data = {name: _pandas_column(pd, np, kind, col)
                for (name, kind), col in zip(JOB_COLUMNS, self._cols)}
        return pd.DataFrame(data, columns=column_names(), copy=False)

    def to_arrow(self) -> Any:
        if not self.arrow:
            raise ValueError("this builder collects DataFrame columns; use to_pandas()")
        pa = _pyarrow()
        if not self._chunks[0]:
            self.add([])
        schema = arrow_schema()
        columns = [pa.chunked_array(chunks, type=field.type)
                   for chunks, field in zip(self._chunks, schema)]
        return pa.Table.from_arrays(columns, schema=schema)


def _append(kind: str, into: Any, more: Any) -> None:
    """Append the DataFrame columns of one more page."""
    if kind in ("float", "datetime"):
        into[0].extend(more[0])
        into[1].extend(more[1])
    else:
        into.extend(more)


def _pandas() -> Tuple[Any, Any]:
    try:
        import numpy as np
        import pandas as pd
    except ImportError as exc:
        raise ImportError(PANDAS_HINT) from exc
    return pd, np


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
    except ImportError as exc:
        raise ImportError(ARROW_HINT) from exc
    return pa


def pandas_dtypes() -> Dict[str, str]:
    """The dtype of each column of :func:`to_pandas`, in order."""
    names = {"string": "object", "float": "float64", "bool": "boolean",
             "datetime": "datetime64[us, UTC]", "list<string>": "object",
             "list<location>": "object"}
    return {name: names[kind] for name, kind in JOB_COLUMNS}


def _object_array(np: Any, values: List[Any]) -> Any:
    """An object array of the values as they are (lists stay list objects)."""
    arr = np.empty(len(values), dtype=object)
    if values and isinstance(values[0], list):
        for i, v in enumerate(values):
            arr[i] = v
    else:
        arr[:] = values
    return arr


def _pandas_column(pd: Any, np: Any, kind: str, col: Any) -> Any:
    if kind == "float":
        return pd.Series(np.frombuffer(col[0], dtype=np.float64), dtype="float64", copy=True)
    if kind == "datetime":
        ticks = np.frombuffer(col[0], dtype=np.int64).view("datetime64[us]")
        return pd.Series(ticks, copy=True).dt.tz_localize("UTC")
    if kind == "bool":
        return pd.Series(pd.array(col, dtype="boolean"))
    return pd.Series(_object_array(np, col), dtype=object, copy=False)


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


def _validity(pa: Any, valid: bytearray) -> Tuple[Any, int]:
    """Validity bytes (0/1) -> (Arrow validity bitmap or None when all valid, null count)."""
    import pyarrow.compute as pc

    n = len(valid)
    if n == 0 or valid.count(0) == 0:
        return None, 0
    bits = pc.not_equal(pa.Array.from_buffers(pa.uint8(), n, [None, pa.py_buffer(valid)]), 0)
    return bits.buffers()[1], valid.count(0)


def _arrow_numbers(pa: Any, typ: Any, col: Any) -> Any:
    """(data bytes, validity bytes) -> an array of typ, nulls where invalid."""
    bitmap, nulls = _validity(pa, col[1])
    return pa.Array.from_buffers(typ, len(col[1]), [bitmap, pa.py_buffer(col[0])],
                                 null_count=nulls)


def _arrow_text(pa: Any, col: Any) -> Any:
    """(int32 offsets, UTF-8 data, validity bytes) -> a string array."""
    offsets, data, valid = col
    bitmap, nulls = _validity(pa, valid)
    return pa.Array.from_buffers(pa.string(), len(valid),
                                 [bitmap, pa.py_buffer(offsets), pa.py_buffer(data)],
                                 null_count=nulls)


def _arrow_list(pa: Any, typ: Any, lengths: bytearray, values: Any) -> Any:
    """int32 lengths of each row's list + the items of all rows -> a list array."""
    import pyarrow.compute as pc

    counts = pa.Array.from_buffers(pa.int32(), len(lengths) // 4,
                                   [None, pa.py_buffer(lengths)])
    offsets = pa.concat_arrays([pa.array([0], pa.int32()),
                                pc.cumulative_sum(counts).cast(pa.int32())])
    return pa.ListArray.from_arrays(offsets, values, type=typ)


def _arrow_column(pa: Any, typ: Any, kind: str, col: Any) -> Any:
    """One page's output of ``_core.job_columns`` (Arrow layout) -> an array of typ."""
    if kind in ("float", "datetime"):
        return _arrow_numbers(pa, typ, col)
    if kind == "string":
        return _arrow_text(pa, col)
    if kind == "list<string>":
        return _arrow_list(pa, typ, col[0], _arrow_text(pa, col[1]))
    if kind == "list<location>":
        struct_type = typ.value_type
        fields = [_arrow_numbers(pa, struct_type.field(i).type, child) if len(child) == 2
                  else _arrow_text(pa, child) for i, child in enumerate(col[1])]
        values = pa.StructArray.from_arrays(fields, fields=list(struct_type))
        return _arrow_list(pa, typ, col[0], values)
    return pa.array(col, type=typ)  # bool: a list of True/False/None


def to_pandas(jobs: Iterable[Any]) -> Any:
    """A :class:`pandas.DataFrame` of jobs, one row per job, columns of :data:`JOB_COLUMNS`."""
    return TableBuilder().add(jobs).to_pandas()


def to_arrow(jobs: Iterable[Any]) -> Any:
    """A :class:`pyarrow.Table` of jobs, with the schema of :func:`arrow_schema`."""
    return TableBuilder(arrow=True).add(jobs).to_arrow()
