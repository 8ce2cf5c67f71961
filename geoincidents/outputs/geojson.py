"""RFC 7946 GeoJSON of incidents and places, with flat properties of one JSON type per key.

Positions are [lon, lat] in WGS84 with at most 7 decimals; unknown values are ``null`` (never
NaN); there is no ``crs`` member. Property keys follow DESIGN.md §4.

An incident located as a region (``Incident.area``) is followed by an ``incident_area``
feature: the region's Polygon/MultiPolygon (:mod:`geoincidents.outputs.polygons`), linked to
its incident by ``doc_id`` + ``incident_id``; the incident's Point is the region's
representative point.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable
from typing import Any

PLACE_KEYS = ("feature_type", "doc_id", "name", "mention", "start", "end", "precision",
              "uncertainty_km", "country_iso3", "country_name", "nato_member", "geocoder",
              "gazetteer_id", "role", "note")
INCIDENT_KEYS = PLACE_KEYS + ("incident_id", "object", "actor_iso3", "attribution", "date",
                              "evidence", "inside_nato_airspace", "verdict",
                              "distance_to_border_km", "confidence", "membership_date",
                              "published", "area_km2", "constraints")
# An incident_area feature: the keys every feature has, the link to its incident, the region.
AREA_KEYS = PLACE_KEYS + ("incident_id", "verdict", "radius_km", "area_km2", "constraints")
# The columns of the corpus tables (GeoPackage layers, GeoParquet): every key above.
TABLE_KEYS = INCIDENT_KEYS + ("radius_km",)


def _num(value: Any, digits: int | None = None) -> float | None:
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        return None
    return round(number, digits) if digits is not None else number


def _point(lat: float | None, lon: float | None) -> dict | None:
    if lat is None or lon is None:
        return None
    # RFC 7946 §3.1.1: positions are [longitude, latitude].
    return {"type": "Point", "coordinates": [round(float(lon), 7), round(float(lat), 7)]}


def place_feature(place, doc_id: str, airspace, on: dt.date | None) -> dict:
    """A Feature for a place the document names."""
    member = airspace.membership.is_member(place.country_iso3, on) if place.country_iso3 \
        else None
    props = {
        "feature_type": "place", "doc_id": doc_id, "name": place.name, "mention": place.text,
        "start": place.start, "end": place.end, "precision": place.precision,
        "uncertainty_km": _num(place.uncertainty_km, 3), "country_iso3": place.country_iso3,
        "country_name": airspace.name(place.country_iso3) if place.country_iso3 else None,
        "nato_member": member, "geocoder": place.geocoder, "gazetteer_id": place.gazetteer_id,
        "role": place.role, "note": place.note,
    }
    return {"type": "Feature", "geometry": _point(place.lat, place.lon), "properties": props}


def incident_point(incident) -> tuple[float | None, float | None]:
    """Where an incident is drawn: its region's representative point when it has a region,
    else its location's point; (None, None) when it has neither."""
    if incident.area is not None:
        return incident.area.lat, incident.area.lon
    loc = incident.location
    return (loc.lat, loc.lon) if loc else (None, None)


def incident_feature(incident, report) -> dict:
    """A Feature for an incident (its geometry is :func:`incident_point`)."""
    loc = incident.location
    area = incident.area
    props = {
        "feature_type": "incident", "doc_id": report.doc_id,
        "name": loc.name if loc else None, "mention": loc.text if loc else None,
        "start": incident.start, "end": incident.end,
        "precision": loc.precision if loc else None,
        "uncertainty_km": _num(loc.uncertainty_km, 3) if loc else None,
        "country_iso3": incident.country_iso3, "country_name": incident.country_name,
        "nato_member": incident.nato_member, "geocoder": loc.geocoder if loc else None,
        "gazetteer_id": loc.gazetteer_id if loc else None, "role": "location",
        "note": loc.note if loc else None, "incident_id": incident.incident_id,
        "object": incident.object, "actor_iso3": incident.actor_iso3,
        "attribution": incident.attribution,
        "date": incident.date.isoformat() if incident.date else None,
        "evidence": incident.evidence, "inside_nato_airspace": incident.inside_nato_airspace,
        "verdict": incident.verdict,
        "distance_to_border_km": _num(incident.distance_to_border_km, 3),
        "confidence": _num(incident.confidence, 3),
        "membership_date": incident.membership_date.isoformat(),
        "published": report.published.isoformat() if report.published else None,
        "area_km2": _num(area.area_km2, 3) if area else None,
        "constraints": (area.note or None) if area else None,
    }
    return {"type": "Feature", "geometry": _point(*incident_point(incident)),
            "properties": props}


def area_feature(incident, report) -> dict:
    """The ``incident_area`` Feature of an incident that has a region (``incident.area``)."""
    from geoincidents.outputs.polygons import region_geometry

    loc, area = incident.location, incident.area
    note = area.note or None
    props = {
        "feature_type": "incident_area", "doc_id": report.doc_id,
        "name": loc.name if loc else None, "mention": loc.text if loc else None,
        "start": incident.start, "end": incident.end, "precision": area.precision,
        # The region's radius is the uncertainty of its representative point.
        "uncertainty_km": _num(area.radius_km, 3),
        "country_iso3": incident.country_iso3, "country_name": incident.country_name,
        "nato_member": incident.nato_member, "geocoder": loc.geocoder if loc else None,
        "gazetteer_id": loc.gazetteer_id if loc else None, "role": "location",
        "note": note, "incident_id": incident.incident_id, "verdict": incident.verdict,
        "radius_km": _num(area.radius_km, 3), "area_km2": _num(area.area_km2, 3),
        "constraints": note,
    }
    return {"type": "Feature", "geometry": region_geometry(area), "properties": props}


def report_features(report, airspace) -> list[dict]:
    """Incidents first (most confident first), each followed by its region's feature when it
    has one, then every place."""
    incidents = sorted(report.incidents, key=lambda i: -i.confidence)
    feats = []
    for incident in incidents:
        feats.append(incident_feature(incident, report))
        if incident.area is not None:
            feats.append(area_feature(incident, report))
    feats += [place_feature(p, report.doc_id, airspace, report.published) for p in report.places]
    return feats


def feature_collection(features: Iterable[dict]) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def dumps(collection: dict) -> str:
    """Serialise; refuses NaN/Infinity, which RFC 8259 JSON cannot hold."""
    return json.dumps(collection, ensure_ascii=False, allow_nan=False)


def validate(collection: dict) -> None:
    """Check RFC 7946 and the flat-properties contract; raise OutputError on the first breach.

    Checked: a FeatureCollection without ``crs``; Point/Polygon/MultiPolygon geometries (or
    null) with [lon, lat] positions in range and at most 7 decimals; polygon exterior rings
    counter-clockwise and holes clockwise (the right-hand rule); flat properties whose values
    are str/int/float/bool/null, no NaN, and one JSON type per key across all features.
    """
    from geoincidents.errors import OutputError

    if collection.get("type") != "FeatureCollection" or "crs" in collection:
        raise OutputError("GeoJSON: expected a FeatureCollection without a 'crs' member")
    checker = FeatureChecker()
    for feat in collection.get("features", []):
        checker.check(feat)


class FeatureChecker:
    """Checks features one at a time (for streamed output), remembering each key's type."""

    def __init__(self) -> None:
        self.kinds: dict[str, str] = {}
        self.count = 0

    def check(self, feat: dict) -> None:
        from geoincidents.errors import OutputError

        self.count += 1
        where = f"GeoJSON feature {self.count}"
        if feat.get("type") != "Feature":
            raise OutputError(f"{where}: not a Feature")
        _check_geometry(feat.get("geometry"), where)
        for key, value in (feat.get("properties") or {}).items():
            if isinstance(value, bool):
                kind = "boolean"
            elif isinstance(value, (int, float)):
                if isinstance(value, float) and not math.isfinite(value):
                    raise OutputError(f"{where}: property {key!r} is not finite")
                kind = "number"
            elif isinstance(value, str):
                kind = "string"
            elif value is None:
                continue
            else:
                raise OutputError(f"{where}: property {key!r} is not flat ({type(value)})")
            if self.kinds.setdefault(key, kind) != kind:
                raise OutputError(f"{where}: property {key!r} is a {kind} here but a "
                                  f"{self.kinds[key]} elsewhere")


class FeatureWriter:
    """Writes a FeatureCollection feature by feature (bounded memory), checking each."""

    CLOSING = "\n]}\n"

    def __init__(self, fh) -> None:
        self.fh = fh
        self.checker = FeatureChecker()
        fh.write('{"type": "FeatureCollection", "features": [\n')

    def write(self, features: Iterable[dict]) -> None:
        for feat in features:
            self.checker.check(feat)
            self.fh.write((",\n" if self.checker.count > 1 else "")
                          + json.dumps(feat, ensure_ascii=False, allow_nan=False))

    def close(self) -> None:
        self.fh.write(self.CLOSING)


def _check_geometry(geom, where: str) -> None:
    from geoincidents.errors import OutputError

    if geom is None:
        return
    kind = geom.get("type")
    coords = geom.get("coordinates")
    if kind == "Point":
        _check_position(coords, where)
    elif kind in ("Polygon", "MultiPolygon"):
        polygons = [coords] if kind == "Polygon" else coords
        for rings in polygons:
            for k, ring in enumerate(rings):
                for pos in ring:
                    _check_position(pos, where)
                if len(ring) < 4 or ring[0] != ring[-1]:
                    raise OutputError(f"{where}: ring {k} is not closed")
                area = sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:]))
                if (area < 0) if k == 0 else (area > 0):
                    raise OutputError(f"{where}: ring {k} breaks the right-hand rule")
    else:
        raise OutputError(f"{where}: unsupported geometry type {kind!r}")


def _check_position(pos, where: str) -> None:
    from geoincidents.errors import OutputError

    if not (isinstance(pos, list) and len(pos) == 2):
        raise OutputError(f"{where}: a position must be [lon, lat]")
    lon, lat = pos
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise OutputError(f"{where}: position {pos} is outside the lon/lat range")
    for v in pos:
        if round(v, 7) != v:
            raise OutputError(f"{where}: position {pos} has more than 7 decimals")


def write_geojson(collection: dict, path, *, clobber: bool = True):
    """Validate, then write atomically."""
    from pathlib import Path

    from geoincidents.fileio import atomic_write

    validate(collection)
    path = Path(path)
    with atomic_write(path, clobber=clobber) as fh:
        fh.write(dumps(collection) + "\n")
    return path


# Column types of the corpus formats (GeoPackage, GeoParquet): DESIGN.md §4 keys.
def geometry_wkb(geometry: dict | None, multi: bool = False) -> bytes | None:
    """WKB of a GeoJSON geometry (shapely's writer), None for none; ``multi`` makes a Polygon a
    MultiPolygon, so a table's geometry column has one type."""
    import shapely

    if not geometry:
        return None
    geom = shapely.geometry.shape(geometry)
    if multi and geom.geom_type == "Polygon":
        geom = shapely.MultiPolygon([geom])
    return shapely.to_wkb(geom)


_NUMBERS = {"uncertainty_km", "distance_to_border_km", "confidence", "radius_km", "area_km2"}
_INTEGERS = {"start", "end", "report_count"}
_BOOLEANS = {"nato_member", "inside_nato_airspace"}
CORPUS_BATCH = 2000
AREA_LAYER = "incident_areas"


class TableSink:
    """Features written to a GeoPackage (``.gpkg``) or GeoParquet (``.parquet``) in batches, so a
    corpus of any size runs in bounded memory; every key of DESIGN.md §4 is a typed column.

    A GeoPackage has two layers: ``features`` (the Points of incidents and places, the default
    layer) and ``incident_areas`` (the regions, as MultiPolygons, with :data:`AREA_KEYS`), so
    each layer has one geometry type. A GeoParquet file is one table: the regions are rows of
    their own (``feature_type`` ``incident_area``) in the order of the GeoJSON, and the ``geo``
    metadata lists the geometry types the file holds.
    """

    def __init__(self, path, fmt: str, keys: tuple[str, ...] | None = None,
                 layer: str | None = None) -> None:
        # ``keys``/``layer``: one table of those columns instead (the events of a feed).
        self.path, self.fmt = path, fmt
        self.keys, self.layer = keys, layer
        self.checker = FeatureChecker()
        self.batch: list[dict] = []
        self.first = True
        self.writer = None
        self.geometry_types: set[str] = set()

    def write(self, features: Iterable[dict]) -> None:
        for feat in features:
            self.checker.check(feat)
            self.batch.append(feat)
            if len(self.batch) >= CORPUS_BATCH:
                self._flush()

    def close(self) -> None:
        self._flush(final=True)
        if self.writer is not None:
            import json as _json

            geo = {"version": "1.1.0", "primary_column": "geometry", "columns": {
                "geometry": {"encoding": "WKB", "geometry_types": sorted(self.geometry_types)}}}
            # Written last, so that it names the geometry types of every batch.
            self.writer.add_key_value_metadata({"geo": _json.dumps(geo)})
            self.writer.close()

    @staticmethod
    def _columns(feats: list[dict], keys: tuple[str, ...]) -> dict:
        cols = {k: [] for k in keys}
        for feat in feats:
            props = feat["properties"]
            for k in keys:
                cols[k].append(props.get(k))
        return cols

    @staticmethod
    def _wkb(feats: list[dict], multi: bool = False) -> list:
        return [geometry_wkb(feat["geometry"], multi) for feat in feats]

    def _flush(self, final: bool = False) -> None:
        if not self.batch and not (final and self.first):
            return
        if self.fmt == "gpkg" and self.keys:
            self._flush_gpkg(self.batch, self.layer or "features", self.keys, "Point")
        elif self.fmt == "gpkg":
            is_area = [f["properties"].get("feature_type") == "incident_area"
                       for f in self.batch]
            areas = [f for f, a in zip(self.batch, is_area) if a]
            points = [f for f, a in zip(self.batch, is_area) if not a]
            # The first flush creates both layers (features first: it is the default layer).
            if points or self.first:
                self._flush_gpkg(points, "features", INCIDENT_KEYS, "Point")
            if areas or self.first:
                self._flush_gpkg(areas, AREA_LAYER, AREA_KEYS, "MultiPolygon", multi=True)
        else:
            self._flush_parquet()
        self.batch = []
        self.first = False

    def _flush_gpkg(self, feats, layer, keys, geometry_type, multi=False) -> None:
        import numpy as np
        from pyogrio.raw import write

        cols = self._columns(feats, keys)
        fields, data, masks = [], [], []
        for k, values in cols.items():
            mask = np.array([v is None for v in values], dtype=bool)
            if k in _NUMBERS:
                arr = np.array([np.nan if v is None else float(v) for v in values],
                               dtype=np.float64)
            elif k in _INTEGERS:
                arr = np.array([0 if v is None else int(v) for v in values], dtype=np.int64)
            elif k in _BOOLEANS:
                arr = np.array([bool(v) for v in values], dtype=bool)
            else:
                arr = np.array(["" if v is None else str(v) for v in values], dtype=object)
            fields.append(k)
            data.append(arr)
            masks.append(mask)
        write(self.path, np.array(self._wkb(feats, multi), dtype=object), data, fields,
              field_mask=masks, layer=layer, driver="GPKG", geometry_type=geometry_type,
              crs="EPSG:4326", append=not self.first)

    def _flush_parquet(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        keys = self.keys or TABLE_KEYS
        types = {k: pa.float64() if k in _NUMBERS else pa.int64() if k in _INTEGERS
                 else pa.bool_() if k in _BOOLEANS else pa.string() for k in keys}
        cols = self._columns(self.batch, keys)
        arrays = [pa.array(cols[k], type=types[k]) for k in keys]
        arrays.append(pa.array(self._wkb(self.batch), type=pa.binary()))
        self.geometry_types.update(f["geometry"]["type"] for f in self.batch if f["geometry"])
        names = [*keys, "geometry"]
        if self.writer is None:
            schema = pa.schema([pa.field(n, a.type) for n, a in zip(names, arrays)])
            self.writer = pq.ParquetWriter(self.path, schema)
        self.writer.write_table(pa.Table.from_arrays(arrays, names=names))
