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
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Tuple

__all__ = ["JOB_COLUMNS", "LOCATION_FIELDS", "column_names", "job_record"]

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
        "is_work_auth_required": job.is_work_auth_required,
        "is_h1b_sponsor": job.is_h1b_sponsor,
        "is_clearance_required": job.is_clearance_required,
    }
