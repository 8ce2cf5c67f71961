"""The offline gazetteer as a geopy geocoder, so offline and online geocoders answer alike."""

from __future__ import annotations

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geoincidents.gazetteer import Gazetteer


class OfflineGeocoder(Geocoder):
    """``geocode(query, exactly_one=..., country_codes=...)`` over the offline gazetteer.

    Answers come best first (importance, as ``Gazetteer.lookup`` orders them); ``raw`` holds the
    gazetteer entry's fields. No network is used.
    """

    def __init__(self, *, gazetteer: Gazetteer | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.default()

    def geocode(self, query: str, *, exactly_one: bool = True,
                country_codes: str | list[str] | None = None, **_ignored):
        """Locations named ``query``, optionally only in the given ISO alpha-2 countries."""
        if isinstance(country_codes, str):
            country_codes = [country_codes]
        wanted = {c.upper() for c in country_codes or ()}
        found = [e for e in self.gazetteer.lookup(query)
                 if not wanted or (e.country_iso2 or "") in wanted]
        locations = [Location(_address(e), (e.lat, e.lon, 0.0), e.to_dict()) for e in found]
        if exactly_one:
            return locations[0] if locations else None
        return locations or None


def _address(entry) -> str:
    parts = [entry.name]
    if entry.feature not in ("country", "continent", "region", "sea") and entry.country_iso3:
        parts.append(entry.country_iso3)
    return ", ".join(parts)
