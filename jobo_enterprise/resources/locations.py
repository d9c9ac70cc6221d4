"""``client.locations``: geocoding."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from ..exceptions import JoboValidationError
from ..models import GeocodeResultItem
from ._base import Call, Resource, build_query


class LocationsResource(Resource):
    """Locations: ``client.locations``."""

    __slots__ = ()

    def geocode(self, location: str, *, timeout: Optional[float] = None) -> GeocodeResultItem:
        """Resolve a place name (GET /api/locations/geocode). Costs 1 credit.

        Understands ``City``, ``City, Country`` and ``City, ST`` (US states).
        An unknown place gives ``succeeded=False`` with ``error`` set.

        >>> result = client.locations.geocode("San Francisco, CA")
        >>> result.succeeded, result.locations[0].latitude, result.locations[0].country_code
        """
        if not isinstance(location, str) or not location.strip():
            raise JoboValidationError("Parameter 'location' must be a non-empty string.")
        call = Call("GET", "/api/locations/geocode", GeocodeResultItem,
                    query=build_query([("location", location)]))
        return self._run(call, timeout)


if TYPE_CHECKING:
    from ._typing import awaitable

    class AsyncLocationsResource(Resource):  # what type checkers see: the sync method, awaited
        @awaitable(LocationsResource.geocode)
        def geocode(self) -> None: ...

else:
    class AsyncLocationsResource(LocationsResource):
        """``client.locations`` of an :class:`~jobo_enterprise.AsyncJoboClient`:
        ``await client.locations.geocode("Berlin")``."""

        __slots__ = ()
