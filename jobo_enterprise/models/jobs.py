"""Job and the models it nests: company, locations, compensation, qualifications."""

from __future__ import annotations

from datetime import datetime
from typing import List, Optional
from uuid import UUID

from .. import _display
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
    type: str = _str("hard")


class QualificationBucket(Model):
    """One bucket of qualifications (must-have or preferred).

    Attributes:
        education: degrees or fields of study (list of str).
        certifications: certifications (list of str).
        skills: typed skills (list of :class:`QualificationSkill`).
    """

    __slots__ = ()
    education: List[str] = _strs()
    certifications: List[str] = _strs()
    skills: List[QualificationSkill] = _models(QualificationSkill)


class JobQualifications(Model):
    """A job's qualifications, split into must-have and preferred.

    Both buckets are always present (empty when the job has none).
    """

    __slots__ = ()
    must_have: QualificationBucket = _model(QualificationBucket, factory=True)
    preferred: QualificationBucket = _model(QualificationBucket, factory=True)


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
    website: Optional[str] = _str()
    logo_url: Optional[str] = _str()
    summary: Optional[str] = _str()
    industries: List[str] = _strs()
    categories: List[str] = _strs()
    linkedin_url: Optional[str] = _str()
    crunchbase_url: Optional[str] = _str()
    details_url: Optional[str] = _str()


class JobLocation(Model):
    """One resolved location of a job.

    Attributes: ``location`` (display text), ``city``, ``region``,
    ``country``, ``latitude`` and ``longitude`` (floats).
    """

    __slots__ = ()
    location: Optional[str] = _str()
    city: Optional[str] = _str()
    region: Optional[str] = _str()
    country: Optional[str] = _str()
    latitude: Optional[float] = _float()
    longitude: Optional[float] = _float()


class JobCompensation(Model):
    """A normalised pay range.

    Attributes: ``min`` and ``max`` (floats), ``currency`` (e.g. ``"USD"``),
    ``period`` (e.g. ``"yearly"``; see
    :class:`~jobo_enterprise.enums.CompensationPeriod`).
    """

    __slots__ = ()
    _repr_fields = ("min", "max", "currency", "period")

    min: Optional[float] = _float()
    max: Optional[float] = _float()
    currency: Optional[str] = _str()
    period: Optional[str] = _str()


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
    _repr_html_ = _display.job_html  # a card in Jupyter

    id: UUID = _uuid()
    title: str = _str()
    normalized_title: Optional[str] = _str()
    company: JobCompany = _model(JobCompany)
    description: Optional[str] = _str()
    summary: Optional[str] = _str()
    listing_url: Optional[str] = _str()
    apply_url: Optional[str] = _str()
    locations: List[JobLocation] = _models(JobLocation)
    compensation: Optional[JobCompensation] = _model(JobCompensation)
    employment_type: Optional[str] = _str()
    workplace_type: Optional[str] = _str()
    experience_level: Optional[str] = _str()
    source: Optional[str] = _str()
    created_at: datetime = _datetime()
    updated_at: datetime = _datetime()
    date_posted: Optional[datetime] = _datetime()
    valid_through: Optional[datetime] = _datetime()
    qualifications: JobQualifications = _model(JobQualifications, factory=True)
    responsibilities: List[str] = _strs()
    benefits: List[str] = _strs()
    is_work_auth_required: Optional[bool] = _bool()
    is_h1b_sponsor: Optional[bool] = _bool()
    is_clearance_required: Optional[bool] = _bool()
