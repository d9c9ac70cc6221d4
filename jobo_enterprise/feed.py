"""``jobo_enterprise.feed``: the official package's module name for the feed.

:class:`JobsFeedClient` is the class of ``client.feed`` (:class:`AsyncJobsFeedClient`
that of an async client's): ``get_jobs``,
``iter_jobs``, ``get_managed_jobs``, ``iter_managed_jobs``,
``get_expired_job_ids`` and ``iter_expired_job_ids``. ``DEFAULT_FEED_TIMEOUT``
(120 s) is the default ``feed_timeout`` of a client. The models and enums the
feed takes are re-exported here, as the official module does.

>>> from jobo_enterprise.feed import DEFAULT_FEED_TIMEOUT, JobsFeedClient
>>> isinstance(client.feed, JobsFeedClient), DEFAULT_FEED_TIMEOUT
(True, 120.0)
"""

from __future__ import annotations

from .enums import EmploymentType, ExperienceLevel, WorkModel
from .models import (
    ExpiredJobIdsResponse,
    Job,
    JobFeedRequest,
    JobFeedResponse,
    LocationFilter,
    ManagedJobFeedRequest,
)
from .resources.feed import DEFAULT_FEED_TIMEOUT
from .resources.feed import AsyncFeedResource as AsyncJobsFeedClient
from .resources.feed import FeedResource as JobsFeedClient
from .search import Enumish

__all__ = [
    "JobsFeedClient",
    "AsyncJobsFeedClient",
    "DEFAULT_FEED_TIMEOUT",
    "Enumish",
    "EmploymentType",
    "ExperienceLevel",
    "WorkModel",
    "ExpiredJobIdsResponse",
    "Job",
    "JobFeedRequest",
    "JobFeedResponse",
    "LocationFilter",
    "ManagedJobFeedRequest",
]
