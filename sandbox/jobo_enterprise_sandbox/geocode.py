"""Geocoding from the built-in gazetteer (``GET /api/locations/geocode``, API.md §4.8).

>>> r = geocode("San Francisco, CA")
>>> r["succeeded"], r["method"], r["locations"][0]["country_code"]
(True, 'exact', 'US')
>>> geocode("Atlantis")["succeeded"]
False

Inputs, case- and accent-insensitive, parts separated by commas:

- ``City``: every city of that name (``Portland`` gives two), method ``exact``;
- ``City, Country`` / ``City, CC`` / ``City, ST`` / ``City, Region`` (and ``City, Region,
  Country``): the cities of that name whose country name, ISO code, region name or
  region code match every qualifier, method ``exact``;
- ``Country`` or ``CC`` alone: the country (coordinates: the mean of its gazetteer
  cities, ``city`` and ``region`` null), method ``country``; a region name alone (``Texas``)
  likewise with method ``region``;
- a misspelt city (``San Fransisco``): the closest names whose similarity is at least
  0.85, method ``fuzzy``, ``fuzzy_confidence`` = that similarity (1.0 otherwise).

Anything else answers ``succeeded: false``, ``locations: []``, ``method: null`` and an
``error`` message (still HTTP 200, still 1 credit).
"""

from __future__ import annotations

import difflib
from typing import Any, Dict, List, Optional, Tuple

from .gazetteer import CITIES, COUNTRIES, City, fold

__all__ = ["geocode"]

_ALIASES = {"usa": "US", "u.s.": "US", "u.s.a.": "US", "united states of america": "US",
            "america": "US", "uk": "GB", "u.k.": "GB", "great britain": "GB",
            "britain": "GB", "england": "GB", "turkey": "TR", "czech republic": "CZ",
            "korea": "KR", "uae": "AE"}


def _country_index() -> Dict[str, str]:
    index = {}
    for cc, name in COUNTRIES.items():
        index[fold(name)] = cc
        index[cc.lower()] = cc
    for alias, cc in _ALIASES.items():
        index[alias] = cc
    return index


_COUNTRY = _country_index()
_BY_CITY: Dict[str, List[City]] = {}
_BY_REGION: Dict[str, List[City]] = {}
for _c in CITIES:
    _BY_CITY.setdefault(fold(_c.name), []).append(_c)
    if _c.region:
        _BY_REGION.setdefault(fold(_c.region), []).append(_c)
_CITY_NAMES = sorted(_BY_CITY)
_FUZZY_CUTOFF = 0.85


def _qualifies(city: City, qualifier: str) -> bool:
    q = fold(qualifier)
    if q in (fold(city.country), city.country_code.lower()) or _COUNTRY.get(q) == city.country_code:
        return True
    return q in (fold(city.region or ""), (city.region_code or "").lower())


def _city_doc(city: City, confidence: float) -> dict:
    return {"display_name": city.display_name, "city": city.name, "region": city.region,
            "country": city.country, "country_code": city.country_code,
            "latitude": city.latitude, "longitude": city.longitude,
            "fuzzy_confidence": round(confidence, 3)}


def _area_doc(cities: List[City], region: Optional[str], confidence: float = 1.0) -> dict:
    first = cities[0]
    lat = sum(c.latitude for c in cities) / len(cities)
    lon = sum(c.longitude for c in cities) / len(cities)
    name = f"{region}, {first.country}" if region else first.country
    return {"display_name": name, "city": None, "region": region, "country": first.country,
            "country_code": first.country_code, "latitude": round(lat, 4),
            "longitude": round(lon, 4), "fuzzy_confidence": confidence}


def _match_cities(name: str, qualifiers: List[str]) -> Tuple[List[City], float]:
    key = fold(name)
    found = _BY_CITY.get(key, [])
    confidence = 1.0
    if not found:
        close = difflib.get_close_matches(key, _CITY_NAMES, n=3, cutoff=_FUZZY_CUTOFF)
        if close:
            confidence = difflib.SequenceMatcher(None, key, close[0]).ratio()
            found = _BY_CITY[close[0]]
    found = [c for c in found if all(_qualifies(c, q) for q in qualifiers)]
    return found, confidence


def geocode(text: str) -> Dict[str, Any]:
    """The GeocodeResponse body for ``text``."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    result = {"input": text, "succeeded": False, "locations": [], "method": None,
              "error": None}
    if not parts:
        result["error"] = "Empty location"
        return result
    locations: List[dict] = []
    method = None
    if len(parts) == 1:
        key = fold(parts[0])
        exact = _BY_CITY.get(key)
        if exact:
            locations, method = [_city_doc(c, 1.0) for c in exact], "exact"
        elif key in _COUNTRY:
            cc = _COUNTRY[key]
            cities = [c for c in CITIES if c.country_code == cc]
            if cities:
                locations, method = [_area_doc(cities, None)], "country"
        elif key in _BY_REGION:
            by_country: Dict[str, List[City]] = {}
            for c in _BY_REGION[key]:
                by_country.setdefault(c.country_code, []).append(c)
            locations = [_area_doc(cs, cs[0].region) for cs in by_country.values()]
            method = "region"
    if not locations:
        cities, confidence = _match_cities(parts[0], parts[1:])
        if cities:
            locations = [_city_doc(c, confidence) for c in cities]
            method = "exact" if confidence == 1.0 else "fuzzy"
    if not locations:
        result["error"] = f"Could not geocode '{text}'"
        return result
    result.update(succeeded=True, locations=locations, method=method)
    return result
