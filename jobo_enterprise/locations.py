"""``jobo_enterprise.locations``: the official package's module name for geocoding.

:class:`LocationsClient` is the class of ``client.locations``: ``geocode``
answers a :class:`~jobo_enterprise.models.GeocodeResultItem`.
"""

from __future__ import annotations

from .models import GeocodeResultItem
from .resources.locations import AsyncLocationsResource as AsyncLocationsClient
from .resources.locations import LocationsResource as LocationsClient

__all__ = ["LocationsClient", "AsyncLocationsClient", "GeocodeResultItem"]
