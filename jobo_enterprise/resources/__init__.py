"""The API areas of a client, one module per area. Each method describes its
request once (a :class:`~jobo_enterprise.resources._base.Call`) and the client
runs it: the ``Async*`` classes add nothing but their names, since an async
client runs the same descriptions on its event loop."""

from .companies import AsyncCompaniesResource, CompaniesResource
from .feed import DEFAULT_FEED_TIMEOUT, AsyncFeedResource, FeedResource
from .jobs import AsyncJobsResource, JobsResource
from .locations import AsyncLocationsResource, LocationsResource

__all__ = ["JobsResource", "FeedResource", "CompaniesResource", "LocationsResource",
           "AsyncJobsResource", "AsyncFeedResource", "AsyncCompaniesResource",
           "AsyncLocationsResource", "DEFAULT_FEED_TIMEOUT"]
