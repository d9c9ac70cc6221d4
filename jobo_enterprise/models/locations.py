"""Geocoding results (``/api/locations/geocode``)."""

from __future__ import annotations

from typing import List, Optional

from ._fields import Model, _Response, _str, _bool, _float, _models

__all__ = [
    "GeocodedLocation",
    "GeocodeResultItem",
    "GeocodeResult",
]


class GeocodedLocation(Model):
    """A place resolved by the geocoder.

    Attributes: ``display_name``, ``city``, ``region``, ``country``,
    ``country_code`` (two letters), ``latitude``, ``longitude`` and
    ``fuzzy_confidence`` (floats).
    """

    __slots__ = ()
    _repr_fields = ("display_name", "country_code")

    city: Optional[str] = _str(default=None)
    region: Optional[str] = _str(default=None)
    country: Optional[str] = _str(default=None)
    latitude: Optional[float] = _float(default=None)
    longitude: Optional[float] = _float(default=None)
    display_name: Optional[str] = _str(default=None)
    country_code: Optional[str] = _str(default=None)
    fuzzy_confidence: Optional[float] = _float(default=None)


class GeocodeResultItem(_Response):
    """Answer of ``GET /api/locations/geocode``. Also available as ``GeocodeResult``.

    Attributes: ``input`` (the text sent), ``succeeded`` (bool),
    ``locations`` (list of :class:`GeocodedLocation`), ``method`` and
    ``error`` (str or ``None``), ``usage``.
    """

    __slots__ = ()
    _repr_fields = ("input", "succeeded", "locations", "error")

    input: str = _str()
    succeeded: bool = _bool()
    locations: List[GeocodedLocation] = _models(GeocodedLocation, default_factory=list)
    method: Optional[str] = _str(default=None)
    error: Optional[str] = _str(default=None)


GeocodeResult = GeocodeResultItem
