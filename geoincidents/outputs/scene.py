"""What a map shows, independent of how it is drawn (HTML or PNG).

A :class:`Scene` holds the reports to draw, the view extent, the NATO members as of the
incidents' date, the highlighted states and simplified border geometries clipped to the view.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

VERDICT_COLOURS = {"inside": "#c62828", "possible": "#ef6c00", "outside": "#1565c0",
                   None: "#6d4c41"}
VERDICT_LABELS = {"inside": "inside NATO airspace", "possible": "possibly inside (uncertain)",
                  "outside": "outside NATO airspace", None: "verdict unknown"}
NATO_FILL = "#dbe7f3"
NATO_EDGE = "#5b7fa6"
LAND_FILL = "#f2efe9"
LAND_EDGE = "#b9b3a9"
HIGHLIGHT = "#ffd54f"
SEA = "#e8f1f8"
PLACE_COLOUR = "#546e7a"
ATTRIBUTION = "Borders © OpenStreetMap contributors (ODbL); places: GeoNames (CC BY 4.0)"


@dataclass(slots=True)
class Scene:
    """Everything a map of one or more reports needs."""

    reports: list
    title: str
    bounds: tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max
    as_of: dt.date
    nato: frozenset[str]
    highlighted: frozenset[str]
    borders: list = field(default_factory=list)  # (iso3, name, sovereign, geometry)
    tracks: list = field(default_factory=list)  # tracks.Stretch, in track order

    @property
    def incidents(self):
        return [(r, i) for r in self.reports for i in r.incidents]

    @property
    def places(self):
        """The other places named, one per distinct place (the first mention), leaving out
        those at an incident's site so the incident marker stays clickable."""
        sites = {(round(i.location.lat, 4), round(i.location.lon, 4))
                 for _, i in self.incidents if i.location and i.location.lat is not None}
        sites |= {(round(i.area.lat, 4), round(i.area.lon, 4))
                  for _, i in self.incidents if i.area is not None}
        seen, out = set(), []
        for r in self.reports:
            for p in r.places:
                if p.lat is None:
                    continue
                key = (round(p.lat, 4), round(p.lon, 4))
                if key in sites or key in seen:
                    continue
                seen.add(key)
                out.append((r, p))
        return out


def build_scene(reports: list, airspace, title: str | None = None,
                tolerance_deg: float | None = None) -> Scene:
    """The scene for some reports: extent fitted to the incidents (or the places when there is
    none), members as of the latest incident date (else the publication date, else today)."""
    incidents = [i for r in reports for i in r.incidents]
    days = [i.date for i in incidents if i.date] or [r.published for r in reports if r.published]
    as_of = max(days) if days else dt.date.today()
    bounds = _extent(reports, incidents, airspace)
    nato = airspace.membership.members_on(as_of)
    highlighted = frozenset(i.country_iso3 for i in incidents if i.country_iso3)
    borders = clip_borders(airspace, bounds, tolerance_deg)
    if title is None:
        title = _default_title(reports, incidents)
    return Scene(reports, title, bounds, as_of, nato, highlighted, borders)


def clip_borders(airspace, bounds: tuple[float, float, float, float],
                 tolerance_deg: float | None = None) -> list:
    """The airspace features round a view (``bounds`` = lon_min, lat_min, lon_max, lat_max,
    plus half its span each side), clipped and simplified for drawing:
    ``(iso3, name, sovereign, geometry)`` tuples, shapely geometries in lon/lat."""
    import shapely

    lon0, lat0, lon1, lat1 = bounds
    span = max(lon1 - lon0, lat1 - lat0)
    tol = tolerance_deg if tolerance_deg is not None else max(0.005, span / 700)
    view = shapely.box(lon0 - span * 0.5, lat0 - span * 0.5, lon1 + span * 0.5, lat1 + span * 0.5)
    borders = []
    for f in airspace.features:
        if not shapely.intersects(f.geometry, view):
            continue
        geom = shapely.intersection(f.geometry, view)
        geom = shapely.simplify(geom, tol, preserve_topology=True)
        if geom.is_empty or geom.geom_type not in ("Polygon", "MultiPolygon"):
            geom = _polygonal(geom)
            if geom is None:
                continue
        borders.append((f.iso3, f.name, f.sovereign_iso3, geom))
    return borders


TRACK_PALETTE = ("#d81b60", "#1e88e5", "#43a047", "#8e24aa", "#f4511e", "#00897b", "#6d4c41",
                 "#3949ab")
TRACK_NONE = "#757575"  # outside every state's airspace


def track_colours(stretches) -> dict:
    """A colour per state of a track, in order of first entry (None: outside all)."""
    colours: dict = {None: TRACK_NONE}
    for s in stretches:
        if s.country_iso3 not in colours:
            colours[s.country_iso3] = TRACK_PALETTE[(len(colours) - 1) % len(TRACK_PALETTE)]
    return colours


def build_track_scene(stretches, airspace, title: str | None = None) -> Scene:
    """The scene of a flight track: extent fitted to it, members as of its first entry date;
    no state highlighted (the track's colours say which state each stretch is in)."""
    import numpy as np

    lats = np.concatenate([s.path_lat for s in stretches])
    lons = np.concatenate([s.path_lon for s in stretches])
    lat0, lat1, lon0, lon1 = lats.min(), lats.max(), lons.min(), lons.max()
    pad_lat, pad_lon = max(0.3, (lat1 - lat0) * 0.15), max(0.5, (lon1 - lon0) * 0.15)
    bounds = (max(-180.0, lon0 - pad_lon), max(-85.0, lat0 - pad_lat),
              min(180.0, lon1 + pad_lon), min(85.0, lat1 + pad_lat))
    as_of = stretches[0].entry.time.date()
    if title is None:
        names = ", ".join(dict.fromkeys(s.country_name for s in stretches if s.country_name))
        title = (f"Track of {as_of.isoformat()} — through {names}" if names
                 else f"Track of {as_of.isoformat()} — outside every state's airspace")
    return Scene([], title, bounds, as_of, airspace.membership.members_on(as_of), frozenset(),
                 clip_borders(airspace, bounds), tracks=list(stretches))


def _polygonal(geom):
    import shapely

    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    if not parts:
        return None
    return shapely.union_all(parts)


def _extent(reports, incidents, airspace) -> tuple[float, float, float, float]:
    pts = []
    for inc in incidents:
        loc = inc.location
        if inc.area is not None:
            x0, y0, x1, y1 = inc.area.geometry.bounds
            if x1 - x0 < 180:  # a region across the antimeridian falls back to its point
                pts += [(y0, x0), (y1, x1)]
            else:
                pts.append((inc.area.lat, inc.area.lon))
            continue
        if loc is None or loc.lat is None:
            continue
        if loc.precision == "country" and loc.country_iso3:
            geom = _state_geometry(airspace, loc.country_iso3)
            if geom is not None:
                x0, y0, x1, y1 = geom.bounds
                if x1 - x0 < 60:  # a state across the antimeridian falls back to its point
                    pts += [(y0, x0), (y1, x1)]
                    continue
        r = min(loc.uncertainty_km or 0, 1500) / 111.0
        pts += [(loc.lat - r, loc.lon - r / max(math.cos(math.radians(loc.lat)), 0.2)),
                (loc.lat + r, loc.lon + r / max(math.cos(math.radians(loc.lat)), 0.2))]
    if not pts:
        pts = [(p.lat, p.lon) for r in reports for p in r.places
               if p.lat is not None and p.role == "location"]
    if not pts:
        return (-25.0, 34.0, 45.0, 72.0)  # Europe
    lats = [p[0] for p in pts]
    lons = [p[1] for p in pts]
    lat0, lat1, lon0, lon1 = min(lats), max(lats), min(lons), max(lons)
    # At least ~300 km across, and a margin so markers are not on the edge.
    pad_lat = max(1.5, (lat1 - lat0) * 0.15)
    pad_lon = max(2.5, (lon1 - lon0) * 0.15)
    return (max(-180.0, lon0 - pad_lon), max(-85.0, lat0 - pad_lat),
            min(180.0, lon1 + pad_lon), min(85.0, lat1 + pad_lat))


def _state_geometry(airspace, iso3: str):
    import shapely

    geoms = [f.geometry for f in airspace.features
             if f.sovereign_iso3 == iso3 and not f.nested_in_sovereign]
    return shapely.union_all(geoms) if geoms else None


def _default_title(reports, incidents) -> str:
    if not incidents:
        return "Places named — no airspace incident found"
    inside = sum(i.verdict == "inside" for i in incidents)
    main = max(incidents, key=lambda i: i.confidence)
    where = main.location.name if main.location else "unknown place"
    day = main.date.isoformat() if main.date else "date unknown"
    return (f"{main.object.capitalize()} incident — {where}, {day} — "
            f"{inside} of {len(incidents)} inside NATO airspace")
