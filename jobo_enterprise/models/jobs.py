"""Job and the models it nests: company, locations, compensation, qualifications."""

from __future__ import annotations

from datetime import datetime
from typing import List, Optional
from uuid import UUID

from ._fields import Model, _Response, _str, _bool, _float, _uuid, _datetime, _model, _models, _strs

__all__ = [
    "QualificationSkill",
    "QualificationBucket",
    "JobQualifications",
    "JobCompany",
    "JobLocation",
    "JobCompensation",
    "Job",
]


class QualificationSkill(Model):
    """A skill named in a job's qualifications.

    Attributes:
        name: the skill, e.g. ``"Python"``.
        type: ``"hard"`` (technical) or ``"soft"`` (interpersonal); see
            :class:`~jobo_enterprise.enums.SkillType`. Defaults to ``"hard"``.
    """

    __slots__ = ()
    name: str = _str()
    type: str = _str(default="hard")


class QualificationBucket(Model):
    """One bucket of qualifications (must-have or preferred).

    Attributes:
        education: degrees or fields of study (list of str).
        certifications: certifications (list of str).
        skills: typed skills (list of :class:`QualificationSkill`).
    """

    __slots__ = ()
    education: List[str] = _strs(default_factory=list)
    certifications: List[str] = _strs(default_factory=list)
    skills: List[QualificationSkill] = _models(QualificationSkill, default_factory=list)


class JobQualifications(Model):
    """A job's qualifications, split into must-have and preferred.

    Both buckets are always present (empty when the job has none).
    """

    __slots__ = ()
    must_have: QualificationBucket = _model(
        QualificationBucket, default_factory=QualificationBucket
    )
    preferred: QualificationBucket = _model(
        QualificationBucket, default_factory=QualificationBucket
    )


class JobCompany(Model):
    """The company reference embedded in a :class:`Job`.

    Attributes: ``id`` (UUID), ``name``, ``website``, ``logo_url``,
    ``summary``, ``industries`` and ``categories`` (lists of str),
    ``linkedin_url``, ``crunchbase_url``, ``details_url``.
    """

    __slots__ = ()
    _repr_fields = ("id", "name")

    id: UUID = _uuid()
    name: str = _str()
    website: Optional[str] = _str(default=None)
    logo_url: Optional[str] = _str(default=None)
    summary: Optional[str] = _str(default=None)
    industries: List[str] = _strs(default_factory=list)
    categories: List[str] = _strs(default_factory=list)
    linkedin_url: Optional[str] = _str(default=None)
    crunchbase_url: Optional[str] = _str(default=None)
    details_url: Optional[str] = _str(default=None)


class JobLocation(Model):
    """One resolved location of a job.

    Attributes: ``location`` (display text), ``city``, ``region``,
    ``country``, ``latitude`` and ``longitude`` (floats).
    """

    __slots__ = ()
    location: Optional[str] = _str(default=None)
    city: Optional[str] = _str(default=None)
    region: Optional[str] = _str(default=None)
    country: Optional[str] = _str(default=None)
    latitude: Optional[float] = _float(default=None)
    longitude: Optional[float] = _float(default=None)


class JobCompensation(Model):
    """A normalised pay range.

    Attributes: ``min`` and ``max`` (floats), ``currency`` (e.g. ``"USD"``),
    ``period`` (e.g. ``"yearly"``; see
    :class:`~jobo_enterprise.enums.CompensationPeriod`).
    """

    __slots__ = ()
    _repr_fields = ("min", "max", "currency", "period")

    min: Optional[float] = _float(default=None)
    max: Optional[float] = _float(default=None)
    currency: Optional[str] = _str(default=None)
    period: Optional[str] = _str(default=None)


class Job(_Response):
    """A job posting, as returned by search, feed and ``GET /api/jobs/{id}``.

    Required on the wire: ``id`` (UUID), ``title``, ``company``
    (:class:`JobCompany`), ``created_at`` and ``updated_at`` (aware datetimes).

    Optional: ``normalized_title``, ``description``, ``summary``,
    ``listing_url``, ``apply_url``, ``locations`` (list of
    :class:`JobLocation`), ``compensation`` (:class:`JobCompensation` or
    ``None``), ``employment_type``, ``workplace_type``, ``experience_level``
    (display-cased strings such as ``"Full-time"``), ``source`` (the ATS id),
    ``date_posted``, ``valid_through`` (aware datetimes), ``qualifications``
    (:class:`JobQualifications`, empty when absent), ``responsibilities`` and
    ``benefits`` (lists of str), ``is_work_auth_required``,
    ``is_h1b_sponsor``, ``is_clearance_required`` (bool or ``None``).

    Heavy fields left out with ``include_fields`` read as their defaults.
    ``usage`` is set when the job is the whole response of a request.
    """

    __slots__ = ()
    _repr_fields = ("id", "title", "company")

    id: UUID = _uuid()
    title: str = _str()
    normalized_title: Optional[str] = _str(default=None)
    company: JobCompany = _model(JobCompany)
    description: str = _str()
    summary: Optional[str] = _str(default=None)
    listing_url: str = _str()
    apply_url: str = _str()
    locations: List[JobLocation] = _models(JobLocation, default_factory=list)
    compensation: Optional[JobCompensation] = _model(JobCompensation, default=None)
    employment_type: Optional[str] = _str(default=None)
    workplace_type: Optional[str] = _str(default=None)
    experience_level: Optional[str] = _str(default=None)
    source: str = _str()
    created_at: datetime = _datetime()
    updated_at: datetime = _datetime()
    date_posted: Optional[datetime] = _datetime(default=None)
    valid_through: Optional[datetime] = _datetime(default=None)
    qualifications: JobQualifications = _model(
        JobQualifications, default_factory=JobQualifications
    )
    responsibilities: List[str] = _strs(default_factory=list)
    benefits: List[str] = _strs(default_factory=list)
    is_work_auth_required: Optional[bool] = _bool(default=None)
    is_h1b_sponsor: Optional[bool] = _bool(default=None)
    is_clearance_required: Optional[bool] = _bool(default=None)
