"""Geodesic distance from points to polygon boundaries, vectorized.

The distance is the WGS84 geodesic distance (``pyproj.Geod``) from each point to the nearest point
of the boundary. The nearest point is found in an azimuthal equidistant projection centred on the
point (spherical formulas, exact for distances from the centre), then measured on the ellipsoid, so
the result is the geodesic length to a real boundary point: never shorter than the truth, and longer
only by the sphere/ellipsoid difference in choosing that point (well under 1 %).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely

EARTH_RADIUS_KM = 6371.0088
# Shortest length of one degree of latitude / of longitude at the equator on WGS84, in km.
_KM_PER_DEG_LAT_MIN = 110.57
_KM_PER_DEG_LON_MAX = 111.33
_SEGMENTS_PER_CHUNK = 16
_PAIR_BATCH = 50_000


class BoundaryIndex:
    """The boundary segments of some polygons, grouped in chunks under an STRtree."""

    def __init__(self, polygons: Sequence[shapely.Geometry]) -> None:
        rings = shapely.get_rings(shapely.get_parts(np.asarray(polygons, dtype=object)))
        coords, ring_idx = shapely.get_coordinates(rings, return_index=True)
        same_ring = ring_idx[1:] == ring_idx[:-1]
        a, b = coords[:-1][same_ring], coords[1:][same_ring]
        # Edges along the antimeridian are where the data was cut to fit [-180, 180]; airspace
        # continues across them, so they are not borders.
        cut = (np.abs(a[:, 0]) == 180.0) & (a[:, 0] == b[:, 0])
        self.a, self.b = a[~cut], b[~cut]
        n = len(self.a)
        self.size = n
        if n == 0:
            self.tree = None
            return
        starts = np.arange(0, n, _SEGMENTS_PER_CHUNK)
        xs = np.minimum(self.a[:, 0], self.b[:, 0]), np.maximum(self.a[:, 0], self.b[:, 0])
        ys = np.minimum(self.a[:, 1], self.b[:, 1]), np.maximum(self.a[:, 1], self.b[:, 1])
        boxes = shapely.box(
            np.minimum.reduceat(xs[0], starts), np.minimum.reduceat(ys[0], starts),
            np.maximum.reduceat(xs[1], starts), np.maximum.reduceat(ys[1], starts),
        )
        self.chunk_start = starts
        self.tree = shapely.STRtree(boxes)

    def distance_km(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """Geodesic distance in km from each point to the nearest boundary segment (NaN if none)."""
        lat = np.asarray(lat, dtype=float)
        lon = np.asarray(lon, dtype=float)
        out = np.full(lat.shape, np.nan)
        if self.tree is None or lat.size == 0:
            return out
        # 1. An upper bound: the distance to the chunk nearest in degrees.
        pts = shapely.points(lon, lat)
        pi, ci = self.tree.query_nearest(pts, all_matches=False)
        first = self._pair_distances(lat, lon, pi, ci)
        bound = np.full(lat.shape, np.inf)
        np.minimum.at(bound, pi, first)
        # 2. Every chunk within that bound: the exact minimum is among them.
        pi, ci = self._window_pairs(lat, lon, bound)
        out[:] = bound
        np.minimum.at(out, pi, self._pair_distances(lat, lon, pi, ci))
        return out

    def _window_pairs(self, lat, lon, bound_km):
        dlat = bound_km / _KM_PER_DEG_LAT_MIN * 1.01 + 1e-9
        lat_lo = np.maximum(lat - dlat, -90.0)
        lat_hi = np.minimum(lat + dlat, 90.0)
        widest = np.maximum(np.abs(lat_lo), np.abs(lat_hi))
        cos_w = np.cos(np.radians(np.minimum(widest, 90.0)))
        with np.errstate(divide="ignore"):
            dlon = np.where(cos_w > 1e-6, bound_km / (_KM_PER_DEG_LON_MAX * cos_w) * 1.01, 360.0)
        full = (dlon >= 180.0) | (widest >= 89.99)
        lon_lo = np.where(full, -180.0, lon - dlon)
        lon_hi = np.where(full, 180.0, lon + dlon)
        owner = [np.arange(lat.size)]
        boxes = [shapely.box(np.maximum(lon_lo, -180), lat_lo, np.minimum(lon_hi, 180), lat_hi)]
        # Windows that cross the antimeridian continue on the other side.
        west = ~full & (lon_lo < -180.0)
        east = ~full & (lon_hi > 180.0)
        if west.any():
            owner.append(np.flatnonzero(west))
            boxes.append(shapely.box(lon_lo[west] + 360, lat_lo[west], 180.0, lat_hi[west]))
        if east.any():
            owner.append(np.flatnonzero(east))
            boxes.append(shapely.box(-180.0, lat_lo[east], lon_hi[east] - 360, lat_hi[east]))
        bi, ci = self.tree.query(np.concatenate(boxes))
        return np.concatenate(owner)[bi], ci

    def _pair_distances(self, lat, lon, pi, ci) -> np.ndarray:
        """Distance from point ``pi[k]`` to chunk ``ci[k]`` for each pair k, in batches so that
        memory stays bounded for millions of pairs."""
        parts = [self._pair_batch(lat, lon, pi[s:s + _PAIR_BATCH], ci[s:s + _PAIR_BATCH])
                 for s in range(0, len(pi), _PAIR_BATCH)]
        return np.concatenate(parts) if parts else np.empty(0)

    def _pair_batch(self, lat, lon, pi, ci) -> np.ndarray:
        from pyproj import Geod
        seg = self.chunk_start[ci][:, None] + np.arange(_SEGMENTS_PER_CHUNK)[None, :]
        seg = np.minimum(seg, self.size - 1)  # the last chunk repeats its last segment
        lat0 = np.radians(lat[pi])[:, None]
        lon0 = np.radians(lon[pi])[:, None]
        ax, ay = _aeqd(lat0, lon0, self.a[seg])
        bx, by = _aeqd(lat0, lon0, self.b[seg])
        # Nearest point of each projected segment to the origin (the point itself).
        dx, dy = bx - ax, by - ay
        len2 = dx * dx + dy * dy
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.clip(np.where(len2 > 0, -(ax * dx + ay * dy) / len2, 0.0), 0.0, 1.0)
        nx, ny = ax + t * dx, ay + t * dy
        best = np.argmin(nx * nx + ny * ny, axis=1)
        rows = np.arange(len(pi))
        nlat, nlon = _aeqd_inverse(lat0[:, 0], lon0[:, 0], nx[rows, best], ny[rows, best])
        _, _, dist_m = Geod(ellps="WGS84").inv(lon[pi], lat[pi], nlon, nlat)
        return dist_m / 1000.0


def _aeqd(lat0: np.ndarray, lon0: np.ndarray, lonlat: np.ndarray):
    """Spherical azimuthal equidistant x/y (radians of arc) of lon/lat degrees around lat0/lon0."""
    lat = np.radians(lonlat[..., 1])
    dlon = np.radians(lonlat[..., 0]) - lon0
    sin_half = np.sin((lat - lat0) / 2) ** 2 + np.cos(lat0) * np.cos(lat) * np.sin(dlon / 2) ** 2
    c = 2 * np.arcsin(np.sqrt(np.clip(sin_half, 0.0, 1.0)))
    az = np.arctan2(np.sin(dlon) * np.cos(lat),
                    np.cos(lat0) * np.sin(lat) - np.sin(lat0) * np.cos(lat) * np.cos(dlon))
    return c * np.sin(az), c * np.cos(az)


def _aeqd_inverse(lat0: np.ndarray, lon0: np.ndarray, x: np.ndarray, y: np.ndarray):
    """Inverse of :func:`_aeqd`: lat, lon in degrees."""
    c = np.hypot(x, y)
    sin_c, cos_c = np.sin(c), np.cos(c)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(c > 0, y * sin_c / c, 0.0)
    lat = np.arcsin(np.clip(cos_c * np.sin(lat0) + ratio * np.cos(lat0), -1.0, 1.0))
    lon = lon0 + np.arctan2(x * sin_c, c * np.cos(lat0) * cos_c - y * np.sin(lat0) * sin_c)
    lon = (np.degrees(lon) + 540.0) % 360.0 - 180.0
    return np.degrees(lat), lon
