"""msgspec Structs mirroring jobo_enterprise's feed models, for part (b).

One Struct per model of a feed page (``FeedPage``, ``Job`` and every nested model),
with the same field names, the same types (``UUID``, aware ``datetime``, ``float``,
``Optional``, lists of models) and the same defaults as ``jobo_enterprise.models``:
what a user who picks msgspec for speed would write. Required fields of ours are
required here. Members the models do not declare are ignored (msgspec's default).
The Structs are plain ones (``gc=True``, not frozen), as a user would declare them.

Runs under the peers' interpreter (``bench/.venv-peers``), never beside our package.
"""

from __future__ import annotations

from datetime import datetime
from typing import List, Optional
from uuid import UUID

import msgspec


class QualificationSkill(msgspec.Struct, kw_only=True):
    name: str
    type: str = "hard"


class QualificationBucket(msgspec.Struct, kw_only=True):
    education: List[str] = msgspec.field(default_factory=list)
    certifications: List[str] = msgspec.field(default_factory=list)
    skills: List[QualificationSkill] = msgspec.field(default_factory=list)


class JobQualifications(msgspec.Struct, kw_only=True):
    must_have: QualificationBucket = msgspec.field(default_factory=QualificationBucket)
    preferred: QualificationBucket = msgspec.field(default_factory=QualificationBucket)


class JobCompany(msgspec.Struct, kw_only=True):
    id: UUID
    name: str
    website: Optional[str] = None
    logo_url: Optional[str] = None
    summary: Optional[str] = None
    industries: List[str] = msgspec.field(default_factory=list)
    categories: List[str] = msgspec.field(default_factory=list)
    linkedin_url: Optional[str] = None
    crunchbase_url: Optional[str] = None
    details_url: Optional[str] = None


class JobLocation(msgspec.Struct, kw_only=True):
    location: Optional[str] = None
    city: Optional[str] = None
    region: Optional[str] = None
    country: Optional[str] = None
    latitude: Optional[float] = None
    longitude: Optional[float] = None


class JobCompensation(msgspec.Struct, kw_only=True):
    min: Optional[float] = None
    max: Optional[float] = None
    currency: Optional[str] = None
    period: Optional[str] = None


class Job(msgspec.Struct, kw_only=True):
    id: UUID
    title: str
    normalized_title: Optional[str] = None
    company: JobCompany
    description: str
    summary: Optional[str] = None
    listing_url: str
    apply_url: str
    locations: List[JobLocation] = msgspec.field(default_factory=list)
    compensation: Optional[JobCompensation] = None
    employment_type: Optional[str] = None
    workplace_type: Optional[str] = None
    experience_level: Optional[str] = None
    source: str
    created_at: datetime
    updated_at: datetime
    date_posted: Optional[datetime] = None
    valid_through: Optional[datetime] = None
    qualifications: JobQualifications = msgspec.field(default_factory=JobQualifications)
    responsibilities: List[str] = msgspec.field(default_factory=list)
    benefits: List[str] = msgspec.field(default_factory=list)
    is_work_auth_required: Optional[bool] = None
    is_h1b_sponsor: Optional[bool] = None
    is_clearance_required: Optional[bool] = None


class FeedPage(msgspec.Struct, kw_only=True):
    jobs: List[Job] = msgspec.field(default_factory=list)
    next_cursor: Optional[str] = None
    has_more: bool = False
    estimated_total: Optional[int] = None


def decoder():
    """A typed decoder of a feed page: bytes -> FeedPage (validated, every value built)."""
    return msgspec.json.Decoder(FeedPage).decode
