"""Region polygons as RFC 7946 GeoJSON geometries.

:func:`rfc7946_geometry` turns a shapely Polygon/MultiPolygon whose x is the longitude and y the
latitude into a GeoJSON geometry that GDAL, QGIS, Leaflet and strict validators all read the
same way:

- valid (``make_valid`` when needed), only polygonal parts, no empty or degenerate ring;
- cut at the antimeridian into a MultiPolygon when it crosses ±180° (RFC 7946 §3.1.9). A
  polygon may arrive either with continuous longitudes beyond ±180 (170 .. 190, as a buffer in
  degrees makes them) or wrapped, with an edge jumping from 179 to -179: an edge spanning more
  than 180° of longitude is taken to cross the antimeridian the short way round. A ring that
  goes once around the globe (a polar cap) is closed along the pole. Latitudes are clipped to
  ±90;
- simplified (topology preserving, the smallest tolerance found by doubling) so it has at most
  ``max_positions`` positions (2,000 by default), then snapped to a 1e-6° grid (about 0.1 m)
  so every coordinate has at most 6 decimals;
- exterior rings counter-clockwise and holes clockwise (the right-hand rule, RFC 7946 §3.1.6).

:func:`region_geometry` does that once per :class:`~geoincidents.models.Region` object (the
GeoJSON writer and both maps need the same geometry).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict

from geoincidents.errors import OutputError

MAX_POSITIONS = 2000
DECIMALS = 6
_GRID = 10.0 ** -DECIMALS
_CACHE_SIZE = 256


def rfc7946_geometry(geom, *, max_positions: int = MAX_POSITIONS) -> dict:
    """A Polygon or MultiPolygon GeoJSON geometry (positions ``[lon, lat]``) for ``geom``.

    Raises :class:`~geoincidents.errors.OutputError` when ``geom`` is not polygonal, is empty,
    has non-finite coordinates, or collapses to nothing on the 1e-6° grid.
    """
    if max_positions < 16:
        raise ValueError(f"max_positions must be at least 16, not {max_positions}")
    parts = _polygon_parts(geom)
    shape = _finish(parts, 0.0)
    if _positions(shape) > max_positions:
        shape = _simplified(parts, max_positions)
    return _mapping(shape)


def _simplified(parts, max_positions: int):
    """The least simplified shape within ``max_positions``: the tolerance grows fourfold until
    it fits, then a few bisections of the last step get it close to the cap."""
    x0, y0, x1, y1 = _bounds(parts)
    diagonal = math.hypot(x1 - x0, y1 - y0)
    low, high = 0.0, max(diagonal * 1e-5, _GRID)
    while True:
        shape = _finish(parts, high)
        if _positions(shape) <= max_positions:
            break
        if high >= diagonal:  # too many rings even as triangles: keep the largest ones
            return _largest_rings(shape, max_positions)
        low, high = high, high * 4.0
    for _ in range(5):
        middle = (low + high) / 2
        candidate = _finish(parts, middle)
        if _positions(candidate) <= max_positions:
            high, shape = middle, candidate
        else:
            low = middle
    return shape


def region_geometry(region) -> dict:
    """:func:`rfc7946_geometry` of ``region.geometry``, computed once per region object.

    The dict returned is shared by every caller: read it, do not change it.
    """
    key = id(region)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is region:
            _CACHE.move_to_end(key)
            return hit[1]
    geometry = rfc7946_geometry(region.geometry)
    with _LOCK:
        # The region is held with its geometry, so its id cannot be reused while cached.
        _CACHE[key] = (region, geometry)
        _CACHE.move_to_end(key)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return geometry


_CACHE: OrderedDict[int, tuple[object, dict]] = OrderedDict()
_LOCK = threading.Lock()


def _polygon_parts(geom) -> list:
    """The polygons of a valid version of ``geom``, or an OutputError saying what is wrong."""
    import numpy as np
    import shapely

    if not isinstance(geom, shapely.Geometry):
        raise OutputError("a region geometry must be a shapely geometry, not "
                          f"{type(geom).__name__}")
    if geom.geom_type not in ("Polygon", "MultiPolygon", "GeometryCollection"):
        raise OutputError(f"a region geometry must be a Polygon or MultiPolygon, not a "
                          f"{geom.geom_type}")
    if geom.is_empty:
        raise OutputError("a region geometry is empty")
    if not bool(np.isfinite(shapely.get_coordinates(geom)).all()):
        raise OutputError("a region geometry has a non-finite coordinate")
    polygons = []
    for part in shapely.get_parts(shapely.get_parts(geom)):  # a collection may hold multis
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        part = _unwrap_polygon(part)  # before make_valid: a wrapped ring is not planar-valid
        if not part.is_valid:
            part = shapely.make_valid(part)
        polygons += [p for p in shapely.get_parts(shapely.get_parts(part))
                     if p.geom_type == "Polygon" and p.area > 0]
    if not polygons:
        raise OutputError(f"a region geometry has no area ({geom.geom_type})")
    if len(polygons) > 1 and not shapely.MultiPolygon(polygons).is_valid:  # parts overlap
        polygons = [p for p in shapely.get_parts(shapely.union_all(polygons))
                    if p.geom_type == "Polygon" and p.area > 0]
    return polygons


def _unwrap_ring(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Longitudes made continuous: an edge longer than 180° goes the short way round."""
    out = [coords[0]]
    for (xa, _), (xb, yb) in zip(coords, coords[1:]):
        step = xb - xa
        step -= 360.0 * round(step / 360.0)
        out.append((out[-1][0] + step, yb))
    return out


def _unwrap_polygon(poly):
    """The polygon with continuous longitudes (possibly beyond ±180), holes beside their shell."""
    import shapely

    shell = list(poly.exterior.coords)
    if not any(abs(b[0] - a[0]) > 180.0 for a, b in zip(shell, shell[1:])) and \
            not any(abs(b[0] - a[0]) > 180.0 for ring in poly.interiors
                    for a, b in zip(ring.coords, ring.coords[1:])):
        return poly
    shell = _unwrap_ring(shell)
    if abs(shell[-1][0] - shell[0][0]) > 1e-9:
        # Once around the globe: a polar cap, closed along the pole on its side.
        pole = 90.0 if sum(y for _, y in shell) >= 0 else -90.0
        shell = shell + [(shell[-1][0], pole), (shell[0][0], pole), shell[0]]
    centre = (min(x for x, _ in shell) + max(x for x, _ in shell)) / 2
    holes = []
    for ring in poly.interiors:
        hole = _unwrap_ring(list(ring.coords))
        mid = (min(x for x, _ in hole) + max(x for x, _ in hole)) / 2
        shift = 360.0 * round((centre - mid) / 360.0)
        holes.append([(x + shift, y) for x, y in hole])
    return shapely.Polygon(shell, holes)


def _bounds(parts) -> tuple[float, float, float, float]:
    import shapely

    return tuple(shapely.total_bounds(parts))


def _finish(parts, tolerance: float):
    """Simplify (continuous longitudes), cut into the [-180, 180] window, snap to the grid,
    orient. Returns a Polygon or MultiPolygon."""
    import shapely

    if tolerance > 0:
        # All parts at once, so that no ring is simplified across another one.
        whole = shapely.simplify(shapely.MultiPolygon(parts), tolerance, preserve_topology=True)
        parts = [p for p in shapely.get_parts(whole) if p.geom_type == "Polygon"]
    pieces, shifted = [], False
    for poly in parts:
        x0, y0, x1, y1 = poly.bounds
        if -180.0 <= x0 and x1 <= 180.0 and -90.0 <= y0 and y1 <= 90.0:
            pieces.append(poly)
            continue
        for k in range(math.floor((x0 + 180.0) / 360.0), math.floor((x1 + 180.0) / 360.0) + 1):
            window = shapely.box(-180.0 + 360.0 * k, -90.0, 180.0 + 360.0 * k, 90.0)
            piece = shapely.intersection(poly, window)
            if k:
                shifted = True
                piece = shapely.transform(piece, lambda xy, k=k: xy - [360.0 * k, 0.0])
            pieces += [p for p in shapely.get_parts(piece) if p.geom_type == "Polygon"]
    if not pieces:
        raise OutputError("a region geometry lies outside the latitude range")
    # Pieces moved by 360° may meet or overlap others; otherwise they are the valid input's.
    merged = shapely.union_all(pieces) if shifted else shapely.MultiPolygon(pieces)
    snapped = shapely.set_precision(merged, _GRID)
    if not snapped.is_valid:
        snapped = shapely.make_valid(snapped)
    polys = [p for p in shapely.get_parts(snapped) if p.geom_type == "Polygon" and p.area > 0]
    polys = [_drop_flat_holes(p) for p in polys]
    if not polys:
        raise OutputError("a region geometry collapses to nothing at 1e-6 degrees")
    shape = polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)
    return shapely.orient_polygons(shape, exterior_cw=False)


def _drop_flat_holes(poly):
    import shapely

    holes = [h for h in poly.interiors if shapely.Polygon(h).area > 0]
    return poly if len(holes) == len(poly.interiors) else shapely.Polygon(poly.exterior, holes)


def _positions(shape) -> int:
    import shapely

    return int(shapely.get_num_coordinates(shape))


def _largest_rings(shape, max_positions: int):
    """The biggest polygons, whole, that fit in ``max_positions`` together; when even the
    biggest does not, its shell with its biggest holes. (``shape`` is already simplified as far
    as topology allows: every ring is down to a handful of positions.)"""
    import shapely

    polys = sorted(shapely.get_parts(shape), key=lambda p: -p.area)
    kept, used = [], 0
    for p in polys:
        n = _positions(p)
        if used + n <= max_positions:
            kept.append(p)
            used += n
    if not kept:
        biggest = polys[0]
        holes, used = [], len(biggest.exterior.coords)
        for hole in sorted(biggest.interiors, key=lambda h: -shapely.Polygon(h).area):
            if used + len(hole.coords) <= max_positions:
                holes.append(hole)
                used += len(hole.coords)
        kept = [shapely.Polygon(biggest.exterior, holes)]
    shape = kept[0] if len(kept) == 1 else shapely.MultiPolygon(kept)
    return shapely.orient_polygons(shape, exterior_cw=False)


def _mapping(shape) -> dict:
    def ring(r) -> list[list[float]]:
        # RFC 7946 positions are [longitude, latitude]: shapely's x is already the longitude.
        return [[round(x, DECIMALS) + 0.0, round(y, DECIMALS) + 0.0] for x, y in r.coords]

    def rings(p) -> list:
        return [ring(p.exterior), *(ring(h) for h in p.interiors)]

    if shape.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": rings(shape)}
    return {"type": "MultiPolygon", "coordinates": [rings(p) for p in shape.geoms]}
