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
    NATO check used (today when ``date`` is None).
    """

    lat: float
    lon: float
    date: dt.date | None
    country_iso3: str | None
    country_name: str | None
    nato_member: bool | None
    inside_nato_airspace: bool | None
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
            "distance_to_border_km": self.distance_to_border_km,
            "territory_iso3": self.territory_iso3,
            "disputed": self.disputed,
            "claimants": list(self.claimants),
            "distance_basis": self.distance_basis,
            "membership_date": self.membership_date.isoformat(),
        }
