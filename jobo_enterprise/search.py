"""``jobo_enterprise.search``: the official package's module name for job search.

:class:`JobsSearchClient` is the class of ``client.search`` (the same object as
``client.jobs``; :class:`AsyncJobsSearchClient` that of an async client's): ``search``, ``search_advanced``, ``get_job`` and ``iter_jobs``,
plus this SDK's ``get``, ``iter`` and ``iter_pages``. The request and response
models and the enums it takes are re-exported here, as the official module does.

>>> from jobo_enterprise.search import JobsSearchClient
>>> isinstance(client.search, JobsSearchClient)
True
"""

from __future__ import annotations

from typing import Union

from .enums import EmploymentType, ExperienceLevel, WorkModel
from .models import (
    InclusionExclusionFilter,
    Job,
    JobSearchBodyRequest,
    JobSearchResponse,
    RangeFilter,
)
from .resources.jobs import AsyncJobsResource as AsyncJobsSearchClient
from .resources.jobs import JobsResource as JobsSearchClient

#: a filter value: a plain string or a member of one of the enums
Enumish = Union[str, WorkModel, EmploymentType, ExperienceLevel]

__all__ = [
    "JobsSearchClient",
    "AsyncJobsSearchClient",
    "Enumish",
    "EmploymentType",
    "ExperienceLevel",
    "WorkModel",
    "InclusionExclusionFilter",
    "Job",
    "JobSearchBodyRequest",
    "JobSearchResponse",
    "RangeFilter",
]
