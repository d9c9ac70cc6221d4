"""``client.locations``: geocoding."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional

from ..exceptions import JoboValidationError
from ..models import GeocodeResultItem
from ._params import CALL_OPTIONS
from ._base import Call, Resource, build_query


class LocationsResource(Resource):
    """Locations: ``client.locations``."""

    __slots__ = ()

    def geocode(
        self,
        location: str,
        *,
        # <params: CALL_OPTIONS>
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        max_wait: Optional[float] = None,
        deadline: Optional[float] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_query: Optional[Mapping[str, Any]] = None,
        # </params>
    ) -> GeocodeResultItem:
        """Resolve a place name (GET /api/locations/geocode). Costs 1 credit.

        Understands ``City``, ``City, Country`` and ``City, ST`` (US states).
        An unknown place gives ``succeeded=False`` with ``error`` set.

        >>> result = client.locations.geocode("San Francisco, CA")
        >>> result.succeeded, result.locations[0].latitude, result.locations[0].country_code
        """
        if not isinstance(location, str) or not location.strip():
            raise JoboValidationError("Parameter 'location' must be a non-empty string.")
        call = Call("GET", "/api/locations/geocode", GeocodeResultItem,
                    query=build_query([("location", location)]), params=frozenset({"location"}))
        options = CALL_OPTIONS.pick(
            # <args: CALL_OPTIONS>
            timeout, max_retries, max_wait, deadline, extra_headers, extra_query,
            # </args>
        )
        return self._run(call, options, "geocode")


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
