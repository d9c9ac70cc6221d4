"""The API areas of a client, one module per area. Each method describes its
request once (a :class:`~jobo_enterprise.resources._base.Call`) and the client
runs it."""

from .companies import CompaniesResource
from .feed import DEFAULT_FEED_TIMEOUT, FeedResource
from .jobs import JobsResource
from .locations import LocationsResource

__all__ = ["JobsResource", "FeedResource", "CompaniesResource", "LocationsResource",
           "DEFAULT_FEED_TIMEOUT"]
