"""Closed value sets of the Jobo Enterprise API (API.md §6).

Every enum here subclasses :class:`str`: a member *is* its wire value, so it
can be passed wherever the API takes a string, compared with plain strings, and
``str(member)`` / ``f"{member}"`` give the wire value (``"full-time"``, not
``"EmploymentType.FULL_TIME"``) on every supported Python version. Passing the
plain string (``"remote"``) is always equally valid.

Lookup by value is forgiving about case and separators, so the display-cased
values found in job records convert too::

    >>> from jobo_enterprise.enums import EmploymentType, WorkModel
    >>> EmploymentType("Full-time") is EmploymentType.FULL_TIME
    True
    >>> WorkModel("On-site") is WorkModel.ONSITE
    True
    >>> f"work_model={WorkModel.REMOTE}"
    'work_model=remote'

Filter values are matched exactly by the server; an unknown value matches
nothing (it is not an error).
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Optional

__all__ = [
    "WorkModel",
    "EmploymentType",
    "ExperienceLevel",
    "CompensationPeriod",
    "SkillType",
]


def _squash(text: str) -> str:
    """Lower-case *text* and drop everything but letters and digits."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


class _WireEnum(str, Enum):
    """A string enum whose ``str()`` and ``format()`` are the wire value."""

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, format_spec: str) -> str:
        return str.__format__(self, format_spec)

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self.name}"

    @classmethod
    def _missing_(cls, value: Any) -> Optional["_WireEnum"]:
        # Accept "Full-time", "FULL_TIME", "full time", "On-site", ...
        if isinstance(value, str):
            key = _squash(value)
            for member in cls:
                if _squash(member.value) == key:
                    return member
        return None


class WorkModel(_WireEnum):
    """Where the work is done (``work_model`` filters, ``workplace_type``)."""

    REMOTE = "remote"
    HYBRID = "hybrid"
    ONSITE = "onsite"


class EmploymentType(_WireEnum):
    """Kind of engagement (``employment_type``)."""

    FULL_TIME = "full-time"
    PART_TIME = "part-time"
    CONTRACT = "contract"
    INTERNSHIP = "internship"
    FREELANCE = "freelance"
    TEMPORARY = "temporary"


class ExperienceLevel(_WireEnum):
    """Seniority of the role (``experience_level``)."""

    INTERN = "intern"
    ENTRY = "entry"
    MID = "mid"
    SENIOR = "senior"
    LEAD = "lead"
    EXECUTIVE = "executive"


class CompensationPeriod(_WireEnum):
    """The period a compensation range is quoted for (``compensation.period``)."""

    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"
    PER_DIEM = "per-diem"


class SkillType(_WireEnum):
    """Whether a qualification skill is technical or interpersonal."""

    HARD = "hard"
    SOFT = "soft"
