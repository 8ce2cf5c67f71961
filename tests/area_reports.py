"""Reports whose incidents are located as regions (``Incident.area``), for the output tests.

The region is county-sized, near the Poland/Belarus border (about Włodawa county); the second
incident of the same report has no region, so every test also sees the old circle case.
"""

from __future__ import annotations

import datetime as dt

import shapely

from geoincidents.incidents import Incident, Report
from geoincidents.models import Place, Region

# x = lon, y = lat (shapely's order), as Region.geometry wants.
COUNTY = shapely.Polygon([(23.05, 51.35), (23.45, 51.30), (23.65, 51.45), (23.62, 51.62),
                          (23.35, 51.75), (23.05, 51.66), (22.95, 51.50)])
CONSTRAINTS = ("Włodawa county (hull of 9 gazetteer places, buffered 8 km)",
               "within 40 km of the border with Belarus")


def region(geometry=COUNTY, constraints=CONSTRAINTS, precision="admin2") -> Region:
    from pyproj import Geod

    point = geometry.representative_point()
    geod = Geod(ellps="WGS84")
    area, _ = geod.geometry_area_perimeter(shapely.geometry.polygon.orient(geometry)
                                           if geometry.geom_type == "Polygon" else geometry)
    ring = shapely.get_coordinates(geometry.boundary)
    _, _, dists = geod.inv([point.x] * len(ring), [point.y] * len(ring), ring[:, 0], ring[:, 1])
    return Region(geometry=geometry, lat=point.y, lon=point.x, radius_km=max(dists) / 1000.0,
                  area_km2=abs(area) / 1e6, precision=precision, constraints=constraints)


def place(name: str, lat: float, lon: float, uncertainty_km: float, precision: str,
          note: str | None = None) -> Place:
    return Place(start=0, end=len(name), text=name, name=name, lat=lat, lon=lon,
                 country_iso3="POL", precision=precision, uncertainty_km=uncertainty_km,
                 role="location", gazetteer_id=None, geocoder="offline", note=note)


def incident(n: int, location: Place, area: Region | None, verdict: str = "possible",
             doc_id: str = "areas") -> Incident:
    return Incident(
        incident_id=f"{doc_id}#{n}", object="drone", actor_iso3="RUS", attribution="suspected",
        location=location, date=dt.date(2025, 9, 10), date_text="on Wednesday",
        evidence=f"Drone {n} entered Polish airspace.", start=10 * n, end=10 * n + 9,
        confidence=0.9 - 0.1 * n, country_iso3="POL", country_name="Poland", nato_member=True,
        inside_nato_airspace=True if verdict == "inside" else None, verdict=verdict,
        distance_to_border_km=12.5, membership_date=dt.date(2025, 9, 10), area=area)


def report(area: Region | None = None, *, second: bool = True, doc_id: str = "areas") -> Report:
    """One report: incident 1 located as ``area`` (the county region by default), incident 2
    (when ``second``) a village with a 5 km circle and no region."""
    area = region() if area is None else area
    first = incident(1, place("Wyryki", area.lat, area.lon, area.radius_km, "village",
                              note="in Włodawa county"), area, doc_id=doc_id)
    incidents = [first]
    if second:
        incidents.append(incident(2, place("Zamość", 50.72, 23.25, 5.0, "city"), None,
                                  verdict="inside", doc_id=doc_id))
    return Report(doc_id=doc_id, published=dt.date(2025, 9, 12), published_source="given",
                  incidents=incidents, places=[])
