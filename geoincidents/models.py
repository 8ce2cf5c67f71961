"""Small typed value objects passed between the pipeline stages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class AirspaceVerdict:
    """Whose sovereign airspace a point is in, and whether that state was in NATO on the date.

    ``country_iso3`` is the sovereign state (Greenland -> DNK) or None over international waters;
    ``territory_iso3`` keeps the territory's own code (GRL). In a disputed area ``claimants`` lists
    every claimant, the internationally recognised one first, and ``country_iso3`` is that one.
    ``nato_member`` is None when membership on the date is unknown (see shapes/nato_members.csv).
    ``distance_basis`` is ``"depth"`` (depth inside the state's airspace) or ``"to_nato"``
    (distance to the nearest NATO member's airspace); ``membership_date`` is the date the
    NATO check used (today when ``date`` is None). ``in_treaty_area`` says whether that member's
    territory (or that part of it) is in the North Atlantic Treaty area of art. 6 (Hawaii, Guam,
    French Guiana: no); False outside a member's airspace, None when membership is unknown.
    """

    lat: float
    lon: float
    date: dt.date | None
    country_iso3: str | None
    country_name: str | None
    nato_member: bool | None
    inside_nato_airspace: bool | None
    in_treaty_area: bool | None
    distance_to_border_km: float | None
    distance_basis: str | None
    territory_iso3: str | None
    disputed: bool
    claimants: tuple[str, ...]
    membership_date: dt.date

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready mapping with the keys of the CLI contract first (DESIGN.md §3)."""
        return {
            "lat": self.lat,
            "lon": self.lon,
            "date": self.date.isoformat() if self.date else None,
            "country_iso3": self.country_iso3,
            "country_name": self.country_name,
            "nato_member": self.nato_member,
            "inside_nato_airspace": self.inside_nato_airspace,
            "in_treaty_area": self.in_treaty_area,
            "distance_to_border_km": self.distance_to_border_km,
            "territory_iso3": self.territory_iso3,
            "disputed": self.disputed,
            "claimants": list(self.claimants),
            "distance_basis": self.distance_basis,
            "membership_date": self.membership_date.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of text that names a place (or a people/state, for demonyms).

    ``kind`` is ``"name"`` (a place name), ``"demonym"`` ("Polish", "Russians") or ``"site"``
    (a landmark used for its government, "the Kremlin"); ``role`` is ``"location"`` (where
    something is or happens) or ``"actor"`` (the state acting: "Russian drones", "Moscow said").
    """

    start: int
    end: int
    text: str
    kind: str
    role: str
    label: str = ""  # the NER label or "gazetteer"
    sentence: tuple[int, int] = (0, 0)  # character span of the sentence holding the mention


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved mention: where it is, how precisely, and which gazetteer/geocoder said so."""

    start: int
    end: int
    text: str
    name: str | None
    lat: float | None
    lon: float | None
    country_iso3: str | None
    precision: str | None  # coordinates|site|village|city|admin2|admin1|country|region
    uncertainty_km: float | None
    role: str
    gazetteer_id: str | None
    geocoder: str | None
    feature: str | None = None
    admin1: str | None = None
    note: str | None = None  # how a fallback was derived ("in Włodawa county")

    def to_dict(self) -> dict[str, Any]:
        """The ``places`` JSON object (DESIGN.md §3), with the extra keys after the contract's."""
        return {
            "start": self.start, "end": self.end, "text": self.text, "name": self.name,
            "lat": self.lat, "lon": self.lon, "country_iso3": self.country_iso3,
            "precision": self.precision, "role": self.role, "gazetteer_id": self.gazetteer_id,
            "geocoder": self.geocoder, "uncertainty_km": self.uncertainty_km,
            "feature": self.feature, "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class Region:
    """Where an incident happened, as a region: the intersection of what the text says.

    ``geometry`` is a shapely Polygon/MultiPolygon with x = lon, y = lat; (``lat``, ``lon``) is a
    representative point inside it and ``radius_km`` the greatest distance from that point to
    the region's edge. ``constraints`` says, in words, what built it ("Włodawa county (hull of 9
    gazetteer places, buffered 8 km)", "within 40 km of the border with Belarus").
    """

    geometry: Any
    lat: float
    lon: float
    radius_km: float
    area_km2: float
    precision: str
    constraints: tuple[str, ...] = ()

    @property
    def note(self) -> str:
        return "; ".join(self.constraints)

