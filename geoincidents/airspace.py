"""Sovereign airspace: whose airspace is a point in, and was that state in NATO on the date?

Airspace is land plus territorial sea (Chicago Convention arts. 1-2, UNCLOS art. 3); the borders
come from ``shapes/airspace.gpkg`` (OpenStreetMap maritime boundaries, see ``shapes/README.md``).

Boundary rule: a point *on* a boundary belongs to the airspace (``covers`` semantics, implemented
with ``shapely.intersects_xy``). A point on a border shared by two states therefore touches both and
is settled like any overlap (below).

Overlaps are settled, never by file order:

* a territory inside its sovereign's feature (Svalbard in NOR) -> the sovereign, territory kept;
* an area listed in ``shapes/claims.csv`` (Crimea in RUS and UKR, Gibraltar) -> disputed, with the
  claimants in the table's order, the internationally recognised one first;
* a claim on part of a feature (an ``area`` polygon from ``shapes/claim_areas.gpkg``: the four
  Ukrainian oblasts Russia claimed to annex) -> disputed the same way, from its ``valid_from``
  day on (a claim's dates are checked against each point's date);
* any other overlap of two states (slivers where the OSM borders disagree by metres) -> the state
  the point is deepest inside.

Distances (``distance_to_border_km``) are geodesic on WGS84 (see :mod:`geoincidents.geodesy`):
inside a NATO member's airspace, the depth from that state's airspace boundary; anywhere else
(non-member states, international airspace), the distance to the nearest NATO member's airspace on
that date (``distance_basis`` says which).

``in_treaty_area`` (North Atlantic Treaty art. 6) is looked up in ``shapes/treaty_area.csv`` by
the point's territory and position (:mod:`geoincidents.treaty`) where the point is in a member's
airspace on its date.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from geoincidents.errors import DataError, InputError
from geoincidents.models import AirspaceVerdict
from geoincidents.nato import NatoMembership
from geoincidents.treaty import TreatyArea

# Above this many points, containment runs on subdivided polygons (built once per Airspace).
_PIECES_FROM = 2_000
_PIECE_MAX_VERTICES = 128


@dataclass(frozen=True, slots=True)
class AirspaceFeature:
    """One feature of the borders: a state's or a territory's land + territorial sea."""

    iso3: str
    name: str
    sovereign_iso3: str | None
    geometry: Any  # shapely (Multi)Polygon, lon/lat WGS84
    nested_in_sovereign: bool = False


@dataclass(frozen=True, slots=True)
class Claim:
    """A disputed area: where a point is inside all of ``when_inside``, every claimant is listed.

    With an ``area`` (a shapely (Multi)Polygon, lon/lat), the point must also be inside it: the
    claim covers part of a feature (an oblast of Ukraine), not a whole feature or an overlap of
    features. With ``valid_from``, the claim holds from that day on (the verdict's date, today
    when it has none); before it the point is the recognised state's, undisputed.
    """

    claim_id: str
    when_inside: frozenset[str]
    claimants: tuple[str, ...]
    name: str = ""
    note: str = ""
    area: Any = None
    valid_from: dt.date | None = None


@dataclass(frozen=True, slots=True)
class _Resolution:
    country: str | None
    territory: str | None
    disputed: bool
    claimants: tuple[str, ...]
    since: dt.date | None = None  # a dated claim holds from this day


@dataclass(slots=True)
class VerdictArrays:
    """Column-wise verdicts for many points (one entry per input point)."""

    lat: np.ndarray
    lon: np.ndarray
    date: np.ndarray  # object: datetime.date or None
    country_iso3: np.ndarray  # object: str or None
    country_name: np.ndarray
    nato_member: np.ndarray  # object: bool or None
    inside_nato_airspace: np.ndarray  # object: bool or None
    in_treaty_area: np.ndarray  # object: bool or None (North Atlantic Treaty art. 6)
    distance_to_border_km: np.ndarray  # float, NaN when unknown
    distance_basis: np.ndarray  # object: "depth" | "to_nato" | None
    territory_iso3: np.ndarray
    disputed: np.ndarray  # bool
    claimants: np.ndarray  # object: tuple[str, ...]
    membership_date: np.ndarray  # object: the date the NATO check used

    def __len__(self) -> int:
        return len(self.lat)

    def verdict(self, i: int) -> AirspaceVerdict:
        """The verdict of point ``i`` as a value object."""
        dist = float(self.distance_to_border_km[i])
        return AirspaceVerdict(
            lat=float(self.lat[i]), lon=float(self.lon[i]), date=self.date[i],
            country_iso3=self.country_iso3[i], country_name=self.country_name[i],
            nato_member=_opt_bool(self.nato_member[i]),
            inside_nato_airspace=_opt_bool(self.inside_nato_airspace[i]),
            in_treaty_area=_opt_bool(self.in_treaty_area[i]),
            distance_to_border_km=None if math.isnan(dist) else round(dist, 3),
            distance_basis=self.distance_basis[i], territory_iso3=self.territory_iso3[i],
            disputed=bool(self.disputed[i]), claimants=self.claimants[i],
            membership_date=self.membership_date[i],
        )

    def __iter__(self):
        return (self.verdict(i) for i in range(len(self)))


_INTERNATIONAL = _Resolution(None, None, False, ())


def _column(values: list, index: np.ndarray) -> np.ndarray:
    """An object array of ``values[index]`` (safe for tuples and None)."""
    table = np.empty(len(values), dtype=object)
    table[:] = values
    return table[index]


def _opt_bool(value) -> bool | None:
    return None if value is None else bool(value)


class Airspace:
    """The sovereign airspace of every state, with NATO membership by date.

    Collaborators come in through the constructor so tests can pass three polygons; use
    :meth:`default` for the bundled borders.
    """

    def __init__(
        self,
        features: Sequence[AirspaceFeature],
        *,
        membership: NatoMembership,
        claims: Iterable[Claim] = (),
        treaty_area: TreatyArea | None = None,
    ) -> None:
        import shapely

        if not features:
            raise DataError("no airspace features given")
        codes = [f.iso3 for f in features]
        if len(set(codes)) != len(codes):
            raise DataError("airspace features must have distinct iso3 codes")
        for f in features:
            if f.geometry is None or f.geometry.geom_type not in ("Polygon", "MultiPolygon"):
                raise DataError(f"airspace feature {f.iso3} is not a polygon")
            if not f.geometry.is_valid:
                raise DataError(f"airspace feature {f.iso3} has an invalid geometry")
        self.features = list(features)
        self.membership = membership
        self.claims = list(claims)
        self.treaty_area = treaty_area
        self._area_claims = [c for c in self.claims if c.area is not None]
        self._geoms = np.array([f.geometry for f in features], dtype=object)
        self._codes = codes
        self._by_code = {f.iso3: i for i, f in enumerate(features)}
        self._sovereign = [f.sovereign_iso3 for f in features]
        self._names = {f.iso3: f.name for f in features}
        self._tree = shapely.STRtree(self._geoms)
        for c in self._area_claims:
            if c.area.geom_type not in ("Polygon", "MultiPolygon") or not c.area.is_valid:
                raise DataError(f"claim {c.claim_id}: its area is not a valid polygon")
            missing = sorted(c.when_inside - set(codes))
            if missing:
                raise DataError(f"claim {c.claim_id}: no airspace feature {', '.join(missing)}")
            shapely.prepare(c.area)
            for code in c.when_inside:  # preparing only caches an index: same geometry
                shapely.prepare(features[codes.index(code)].geometry)
        # Resolutions by id: 0..F-1 are the single features, overlaps are appended as met.
        self._resolutions: list[_Resolution] = []
        for i in range(len(features)):
            res = self._resolve((i,))
            if res is None:  # one feature has one sovereign, but keep the type checker honest
                raise DataError(f"airspace feature {codes[i]} cannot be resolved")
            self._resolutions.append(res)
        self._combo_ids: dict[tuple[int, ...], int] = {}
        self._pieces = None
        self._boundaries: dict[Any, Any] = {}

    @classmethod
    def default(cls) -> Airspace:
        """The bundled borders, membership table and claims (cached per process)."""
        global _DEFAULT
        if _DEFAULT is None:
            from geoincidents.paths import shapes_dir

            root = shapes_dir()
            _DEFAULT = cls(
                read_gpkg(root / "airspace.gpkg"),
                membership=NatoMembership.from_csv(root / "nato_members.csv"),
                claims=read_claims(root / "claims.csv"),
                treaty_area=TreatyArea.from_csv(root / "treaty_area.csv"),
            )
        return _DEFAULT

    def name(self, iso3: str | None) -> str | None:
        """The name of a state or territory code (the code itself when the borders lack it)."""
        if iso3 is None:
            return None
        member = self.membership.get(iso3)
        return self._names.get(iso3) or (member.name if member else iso3)

    def geometry(self, iso3: str | None):
        """A state's (or territory's) land + territorial sea, shapely lon/lat; None if absent."""
        i = self._by_code.get(iso3) if iso3 else None
        return None if i is None else self.features[i].geometry

    # -- one point ---------------------------------------------------------------------------------

    def check(self, lat: float, lon: float, date: dt.date | None = None) -> AirspaceVerdict:
        """The verdict for one point; ``date`` None means today's membership."""
        return self.classify([lat], [lon], date).verdict(0)

    # -- many points -------------------------------------------------------------------------------

    def classify(
        self,
        lat: Sequence[float] | np.ndarray,
        lon: Sequence[float] | np.ndarray,
        dates: dt.date | None | Sequence[dt.date | None] = None,
        *,
        distances: bool = True,
    ) -> VerdictArrays:
        """Verdicts for arrays of points (one date for all, or one per point).

        Set ``distances=False`` to skip the distance computation when only states are wanted.
        """
        lat, lon = validate_points(lat, lon)
        n = len(lat)
        today = dt.date.today()
        if dates is None or isinstance(dates, dt.date):
            date_arr = np.full(n, dates, dtype=object)
            as_of = np.full(n, dates or today, dtype=object)
            day_of = np.zeros(n, dtype=np.intp)
            days = [dates or today]
        else:
            date_arr = np.asarray(list(dates), dtype=object).reshape(-1)
            if len(date_arr) != n:
                raise InputError(f"got {len(date_arr)} dates for {n} points")
            as_of = np.array([d or today for d in date_arr], dtype=object)
            ordinals, day_of = np.unique([d.toordinal() for d in as_of], return_inverse=True)
            days = [dt.date.fromordinal(int(o)) for o in ordinals]

        res_id = self.resolution_ids(lat, lon)
        used, res_of = np.unique(res_id, return_inverse=True)
        table = [self._resolution(int(r)) for r in used]
        country = _column([r.country for r in table], res_of)
        territory = _column([r.territory for r in table], res_of)
        disputed = np.array([r.disputed for r in table], dtype=bool)[res_of]
        claimants = _column([r.claimants for r in table], res_of)
        names = _column([self.name(r.country) for r in table], res_of)
        # Membership per (resolution, day), computed once per distinct pair.
        member_table = np.empty((len(days), len(table)), dtype=object)
        for d, day in enumerate(days):
            member_table[d, :] = [self.membership.is_member(r.country, day) for r in table]
        member = member_table[day_of, res_of] if n else np.empty(0, dtype=object)
        dated = [k for k, r in enumerate(table) if r.since is not None]
        if dated:  # a dated claim over whole features: undisputed before its day
            for i in np.flatnonzero(np.isin(res_of, dated)):
                if as_of[i] < table[res_of[i]].since:
                    disputed[i], claimants[i] = False, ()
        if self._area_claims and n:
            for i in self._apply_area_claims(lat, lon, as_of, country, disputed, claimants):
                names[i] = self.name(country[i])
                member[i] = self.membership.is_member(country[i], as_of[i])
        inside = np.where(country == None, False, member)  # noqa: E711 (elementwise)
        treaty = self._in_treaty_area(inside, territory, country, lat, lon)

        dist = np.full(n, np.nan)
        basis = np.full(n, None, dtype=object)
        if distances and n:
            self._distances(lat, lon, country, member, as_of, dist, basis)
        return VerdictArrays(
            lat=lat, lon=lon, date=date_arr, country_iso3=country, country_name=names,
            nato_member=member, inside_nato_airspace=inside, in_treaty_area=treaty,
            distance_to_border_km=dist,
            distance_basis=basis, territory_iso3=territory, disputed=disputed,
            claimants=claimants, membership_date=as_of,
        )

    def track(self, lats, lons, times, *,
              max_gap: dt.timedelta | None = dt.timedelta(hours=2),
              sample_km: float = 5.0) -> list:
        """Cut a track (fixes in time order) into stretches, one per airspace passed through
        (outside every state's too), with crossings bisected on the geodesic to < 1 m.

        ``times``: datetimes (naive ones are UTC), numpy datetime64 or epoch seconds.
        ``max_gap`` is the longest time allowed between two fixes (None: no limit); a longer
        gap, like a time out of order, raises :class:`InputError`. Returns
        :class:`geoincidents.tracks.Stretch` objects in track order; see
        :mod:`geoincidents.tracks` for the method.
        """
        from geoincidents.tracks import track_stretches

        return track_stretches(self, lats, lons, times, max_gap=max_gap, sample_km=sample_km)

    def classify_frame(self, frame, date_column: str | None = None, *, distances: bool = True):
        """Add the verdict columns to a GeoDataFrame of points (any CRS; read as WGS84 lon/lat)."""
        geo = frame.geometry
        if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
            geo = geo.to_crs("EPSG:4326")
        dates = None if date_column is None else list(frame[date_column])
        res = self.classify(geo.y.to_numpy(), geo.x.to_numpy(), dates, distances=distances)
        out = frame.copy()
        for key in ("country_iso3", "country_name", "nato_member", "inside_nato_airspace",
                    "in_treaty_area", "distance_to_border_km", "distance_basis",
                    "territory_iso3", "disputed"):
            out[key] = getattr(res, key)
        out["claimants"] = [";".join(c) for c in res.claimants]
        return out

    def classify_dask_frame(self, frame, date_column: str | None = None, *,
                            distances: bool = True):
        """A dask-geopandas GeoDataFrame of points in, a lazy one out with the verdict columns
        added partition by partition (``classify_frame`` on each). Workers use the bundled
        borders (``Airspace.default()`` once per worker process), so nothing large is shipped.
        """
        return frame.map_partitions(_classify_partition, date_column, distances,
                                    meta=classify_frame_meta(frame._meta))

    def resolution_ids(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """For validated lat/lon arrays, the id of each point's settled state (-1: none)."""
        n = len(lat)
        res_id = np.full(n, -1, dtype=np.intp)
        pi, fi = self._hits(lat, lon)
        if len(pi) == 0:
            return res_id
        counts = np.bincount(pi, minlength=n)
        first = np.searchsorted(pi, np.arange(n))
        one = np.flatnonzero(counts == 1)
        res_id[one] = fi[first[one]]
        slivers: dict[tuple[int, ...], list[int]] = {}
        for i in np.flatnonzero(counts > 1):
            combo = tuple(fi[first[i]:first[i] + counts[i]].tolist())
            rid = self._combo_ids.get(combo)
            if rid is None:
                res = self._resolve(combo)
                if res is None:
                    slivers.setdefault(combo, []).append(i)
                    continue
                rid = self._combo_ids[combo] = len(self._resolutions)
                self._resolutions.append(res)
            res_id[i] = rid
        # Unlisted overlaps of two states: the state the point is deepest inside.
        for combo, idx in slivers.items():
            depth = np.column_stack([
                self._boundary(("feature", f)).distance_km(lat[idx], lon[idx]) for f in combo
            ])
            res_id[idx] = np.asarray(combo)[np.argmax(depth, axis=1)]
        return res_id

    def _apply_area_claims(self, lat, lon, as_of, country, disputed, claimants) -> list[int]:
        """Mark the points inside a claim's area (and all of its ``when_inside`` features, on or
        after its ``valid_from``) as disputed, in place; a point already disputed keeps its
        claim, and of two area claims the first listed wins. Returns the points whose state
        changed to the claim's recognised one."""
        import shapely

        changed = []
        for claim in self._area_claims:
            x0, y0, x1, y1 = claim.area.bounds
            cand = np.flatnonzero((lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
                                  & ~disputed)
            if claim.valid_from is not None and len(cand):
                cand = cand[(as_of[cand] >= claim.valid_from).astype(bool)]
            if not len(cand):
                continue
            keep = shapely.intersects_xy(claim.area, lon[cand], lat[cand])
            for code in claim.when_inside:
                geom = self._geoms[self._by_code[code]]
                keep &= shapely.intersects_xy(geom, lon[cand], lat[cand])
            idx = cand[keep]
            disputed[idx] = True
            same = np.empty(len(idx), dtype=object)
            same.fill(claim.claimants)
            claimants[idx] = same
            moved = idx[(country[idx] != claim.claimants[0]).astype(bool)]
            country[moved] = claim.claimants[0]
            changed.extend(moved.tolist())
        return changed

    def _in_treaty_area(self, inside, territory, country, lat, lon) -> np.ndarray:
        """True where the point is in a member's airspace (on its date) and that territory, or
        that part of it, lies in the art. 6 treaty area; False outside a member's airspace;
        None where membership is unknown or the treaty table does not list the territory."""
        out = np.array([False if v is False else None for v in inside], dtype=object)
        sel = np.flatnonzero(np.array([v is True for v in inside], dtype=bool))
        if len(sel) and self.treaty_area is not None:
            where = np.where(territory[sel] == None, country[sel], territory[sel])  # noqa: E711
            out[sel] = self.treaty_area.lookup(where, lat[sel], lon[sel])
        return out

    def _resolution(self, rid: int) -> _Resolution:
        return _INTERNATIONAL if rid < 0 else self._resolutions[rid]

    # -- internals ---------------------------------------------------------------------------------

    def _hits(self, lat: np.ndarray, lon: np.ndarray):
        """(point index, feature index) for every feature whose airspace covers the point,
        sorted by point, then feature."""
        import shapely

        # Few points: the whole polygons; many, or once the pieces are built: the pieces.
        if len(lat) < _PIECES_FROM and self._pieces is None:
            pts = shapely.points(lon, lat)
            pi, fi = self._tree.query(pts)
            keep = shapely.intersects_xy(self._geoms[fi], lon[pi], lat[pi])
            order = np.lexsort((fi[keep], pi[keep]))
            return pi[keep][order], fi[keep][order]
        return self._piece_grid().hits(lat, lon)

    def _piece_grid(self) -> _PieceGrid:
        if self._pieces is None:
            pieces, owner = [], []
            for i, geom in enumerate(self._geoms):
                parts = subdivide(geom, _PIECE_MAX_VERTICES)
                pieces.extend(parts)
                owner.extend([i] * len(parts))
            self._pieces = _PieceGrid(np.array(pieces, dtype=object), np.array(owner),
                                      len(self._geoms))
        return self._pieces

    def _resolve(self, combo: tuple[int, ...]) -> _Resolution | None:
        """Settle a set of features that all cover a point; None when only depth can tell."""
        codes = {self._codes[i] for i in combo}
        territories = [i for i in combo if self._sovereign[i] != self._codes[i]]
        # The smallest territory is the most specific name for the place.
        territories.sort(key=lambda i: self._geoms[i].area)
        matching = [c for c in self.claims if c.area is None and c.when_inside <= codes]
        if matching:
            claim = max(matching, key=lambda c: len(c.when_inside))
            country = claim.claimants[0]
            territory = self._codes[territories[0]] if territories else country
            return _Resolution(country, territory, True, claim.claimants, claim.valid_from)
        sovereigns = {self._sovereign[i] for i in combo}
        if len(sovereigns) != 1:
            return None
        country = sovereigns.pop()
        territory = self._codes[territories[0]] if territories else country
        return _Resolution(country, territory, False, ())

    def _boundary(self, key):
        """Boundary index for ("feature", i), ("state", iso3) or ("nato", frozenset)."""
        index = self._boundaries.get(key)
        if index is None:
            from geoincidents.geodesy import BoundaryIndex

            kind, what = key
            if kind == "feature":
                polys = [self._geoms[what]]
            elif kind == "state":
                polys = [g for g, f in zip(self._geoms, self.features)
                         if f.sovereign_iso3 == what and not f.nested_in_sovereign]
            else:
                polys = [g for g, f in zip(self._geoms, self.features)
                         if f.sovereign_iso3 in what and not f.nested_in_sovereign]
            index = self._boundaries[key] = BoundaryIndex(polys)
        return index

    def _distances(self, lat, lon, country, member, as_of, dist, basis) -> None:
        depth = np.array([m is True or m is None for m in member]) & (country != None)  # noqa: E711
        for state in set(country[depth]):
            sel = depth & (country == state)
            dist[sel] = self._boundary(("state", state)).distance_km(lat[sel], lon[sel])
            basis[sel] = "depth"
        rest = ~depth
        if not rest.any():
            return
        groups: dict[frozenset[str], list[int]] = {}
        era_members: dict[dt.date, frozenset[str]] = {}
        for i in np.flatnonzero(rest):
            day = as_of[i]
            if day not in era_members:
                era_members[day] = self.membership.members_on(day)
            groups.setdefault(era_members[day], []).append(i)
        for members, idx in groups.items():
            if not members:
                continue
            sel = np.array(idx)
            dist[sel] = self._boundary(("nato", members)).distance_km(lat[sel], lon[sel])
            basis[sel] = "to_nato"


_DEFAULT: Airspace | None = None
_FRAME_COLUMNS = {"country_iso3": object, "country_name": object, "nato_member": object,
                  "inside_nato_airspace": object, "in_treaty_area": object,
                  "distance_to_border_km": float,
                  "distance_basis": object, "territory_iso3": object, "disputed": bool,
                  "claimants": object}


def classify_frame_meta(meta):
    """The empty frame ``classify_frame`` returns for an empty input (dask's ``meta``)."""
    out = meta.copy()
    for name, dtype in _FRAME_COLUMNS.items():
        out[name] = np.array([], dtype=dtype)
    return out


def _classify_partition(part, date_column, distances):
    if len(part) == 0:
        return classify_frame_meta(part)
    return Airspace.default().classify_frame(part, date_column, distances=distances)


class _PieceGrid:
    """Subdivided polygons bucketed in a regular lon/lat grid.

    A point's candidates are the pieces listed in its grid cell; a candidate whose box holds the
    point is a hit outright when the piece is a whole rectangle (most interior pieces are),
    otherwise after an exact, prepared ``intersects_xy`` test. No point geometries are built.
    """

    CELL_DEG = 0.2

    def __init__(self, pieces: np.ndarray, owner: np.ndarray, n_features: int) -> None:
        import shapely

        shapely.prepare(pieces)
        self.pieces, self.owner, self.n_features = pieces, owner, n_features
        self.bounds = shapely.bounds(pieces)
        box_area = (self.bounds[:, 2] - self.bounds[:, 0]) * (self.bounds[:, 3] - self.bounds[:, 1])
        self.full = np.isclose(shapely.area(pieces), box_area, rtol=1e-12, atol=0.0)
        self.nx, self.ny = int(round(360 / self.CELL_DEG)), int(round(180 / self.CELL_DEG))
        x0, y0 = self._cell_xy(self.bounds[:, 0], self.bounds[:, 1])
        x1, y1 = self._cell_xy(self.bounds[:, 2], self.bounds[:, 3])
        w, h = x1 - x0 + 1, y1 - y0 + 1
        per = w * h
        piece = np.repeat(np.arange(len(pieces)), per)
        k = np.arange(per.sum()) - np.repeat(np.cumsum(per) - per, per)
        cells = (np.repeat(y0, per) + k // np.repeat(w, per)) * self.nx \
            + np.repeat(x0, per) + k % np.repeat(w, per)
        order = np.argsort(cells, kind="stable")
        self.entries = piece[order]
        counts = np.bincount(cells, minlength=self.nx * self.ny)
        self.count = counts.astype(np.int32)
        self.start = (np.cumsum(counts) - counts).astype(np.int64)

    def _cell_xy(self, lon, lat):
        cx = np.clip(((np.asarray(lon) + 180.0) / self.CELL_DEG).astype(np.int64), 0, self.nx - 1)
        cy = np.clip(((np.asarray(lat) + 90.0) / self.CELL_DEG).astype(np.int64), 0, self.ny - 1)
        return cx, cy

    def hits(self, lat: np.ndarray, lon: np.ndarray):
        """(point index, feature index) pairs, each pair once, sorted by point."""
        import shapely

        cx, cy = self._cell_xy(lon, lat)
        cell = cy * self.nx + cx
        cnt = self.count[cell]
        pi = np.repeat(np.arange(len(lat)), cnt)
        k = np.arange(len(pi)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        ki = self.entries[np.repeat(self.start[cell], cnt) + k]
        b = self.bounds[ki]
        x, y = lon[pi], lat[pi]
        inbox = (x >= b[:, 0]) & (x <= b[:, 2]) & (y >= b[:, 1]) & (y <= b[:, 3])
        pi, ki, x, y = pi[inbox], ki[inbox], x[inbox], y[inbox]
        test = ~self.full[ki]
        keep = np.ones(len(pi), dtype=bool)
        keep[test] = shapely.intersects_xy(self.pieces[ki[test]], x[test], y[test])
        pi, fi = pi[keep], self.owner[ki[keep]]
        # A point on a cut line between two pieces of one feature hits both: count it once.
        key = np.sort(pi.astype(np.int64) * self.n_features + fi)
        key = key[np.concatenate(([True], key[1:] != key[:-1]))] if len(key) else key
        return key // self.n_features, key % self.n_features


def validate_points(lat, lon) -> tuple[np.ndarray, np.ndarray]:
    """Float arrays of lat/lon, or an :class:`InputError` naming the first bad value."""
    try:
        lat = np.asarray(lat, dtype=float).reshape(-1)
        lon = np.asarray(lon, dtype=float).reshape(-1)
    except (TypeError, ValueError) as err:
        raise InputError(f"coordinates must be numbers ({err})") from err
    if lat.shape != lon.shape:
        raise InputError(f"got {lat.size} latitudes and {lon.size} longitudes")
    for name, arr, limit in (("latitude", lat, 90.0), ("longitude", lon, 180.0)):
        bad = ~np.isfinite(arr) | (np.abs(arr) > limit)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            where = f" (point {i + 1})" if arr.size > 1 else ""
            raise InputError(f"{name} {arr[i]!r} is outside [-{limit:g}, {limit:g}]{where}")
    return lat, lon


def subdivide(geom, max_vertices: int) -> list:
    """Split a polygon into pieces of at most ``max_vertices`` by recursive halving of its box
    (the idea of PostGIS ST_Subdivide): small pieces make prepared point tests fast."""
    import shapely

    out, stack = [], [geom]
    while stack:
        g = stack.pop()
        if shapely.get_num_coordinates(g) <= max_vertices:
            out.append(g)
            continue
        x0, y0, x1, y1 = g.bounds
        if x1 - x0 >= y1 - y0:
            xm = (x0 + x1) / 2
            boxes = ((x0, y0, xm, y1), (xm, y0, x1, y1))
        else:
            ym = (y0 + y1) / 2
            boxes = ((x0, y0, x1, ym), (x0, ym, x1, y1))
        for box in boxes:
            part = shapely.clip_by_rect(g, *box)
            polys = [p for p in shapely.get_parts(part)
                     if p.geom_type == "Polygon" and p.area > 0]
            if len(polys) == 1:
                stack.append(polys[0])
            elif polys:
                stack.append(shapely.MultiPolygon(polys))
    return out


def read_gpkg(path: str | Path, layer: str = "airspace") -> list[AirspaceFeature]:
    """Read the airspace layer of a GeoPackage with the standard library's sqlite3.

    GDAL is not needed at run time (it costs ~0.7 s to import); the file is written by GDAL in
    ``shapes/build_airspace.py`` and opens directly in QGIS.
    """
    rows, geoms = gpkg_rows(
        path, f'SELECT iso3, name, sovereign_iso3, nested_in_sovereign, geom FROM "{layer}"',
        "airspace file")
    return [
        AirspaceFeature(
            iso3=r[0], name=r[1], sovereign_iso3=r[2] or None, geometry=g,
            nested_in_sovereign=bool(r[3]),
        )
        for r, g in zip(rows, geoms)
    ]


def gpkg_rows(path: str | Path, query: str, what: str) -> tuple[list[tuple], list]:
    """The rows of a query on a GeoPackage (its geometry blob last) and their shapely
    geometries, read with sqlite3 (no GDAL at run time). ``what`` names the file in errors."""
    import shapely

    path = Path(path)
    if not path.is_file():
        raise DataError(f"{what} not found: {path}")
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = con.execute(query).fetchall()
        finally:
            con.close()
    except sqlite3.Error as err:
        raise DataError(f"cannot read {path}: {err}") from err
    return rows, list(shapely.from_wkb([_gpkg_wkb(r[-1], path) for r in rows]))


def _gpkg_wkb(blob: bytes, path: Path) -> bytes:
    """Strip the GeoPackage binary header (magic, version, flags, srs id, envelope)."""
    if not blob or blob[:2] != b"GP":
        raise DataError(f"{path}: not a GeoPackage geometry blob")
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((blob[3] >> 1) & 0b111)
    if envelope is None:
        raise DataError(f"{path}: bad GeoPackage envelope flag")
    return blob[8 + envelope:]


def read_claims(path: str | Path) -> list[Claim]:
    """Read ``shapes/claims.csv``: claim_id, when_inside (a;b), claimants (a;b), name, note, and
    optionally valid_from (YYYY-MM-DD) and area (a GeoPackage next to the table whose
    ``claim_areas`` layer has a polygon with this claim_id)."""
    path = Path(path)
    claims = []
    areas: dict[str, dict[str, Any]] = {}
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                where = f"{path} line {line}"
                inside = frozenset(c for c in (row.get("when_inside") or "").split(";") if c)
                claimants = tuple(c for c in (row.get("claimants") or "").split(";") if c)
                if not inside or len(claimants) < 2:
                    raise DataError(f"{where}: a claim needs when_inside and 2+ claimants")
                since = (row.get("valid_from") or "").strip()
                try:
                    valid_from = dt.date.fromisoformat(since) if since else None
                except ValueError:
                    raise DataError(f"{where}: valid_from {since!r} is not YYYY-MM-DD") from None
                area = None
                area_file = (row.get("area") or "").strip()
                if area_file:
                    if area_file not in areas:
                        areas[area_file] = read_claim_areas(path.parent / area_file)
                    area = areas[area_file].get(row["claim_id"])
                    if area is None:
                        raise DataError(f"{where}: {area_file} has no area for claim "
                                        f"{row['claim_id']!r}")
                claims.append(Claim(row["claim_id"], inside, claimants, row.get("name") or "",
                                    row.get("note") or "", area, valid_from))
    except OSError as err:
        raise DataError(f"cannot read claims table {path}: {err.strerror}") from err
    return claims


def read_claim_areas(path: str | Path, layer: str = "claim_areas") -> dict[str, Any]:
    """The polygons of a claim-areas GeoPackage (``shapes/build_claim_areas.py``) by claim_id."""
    rows, geoms = gpkg_rows(path, f'SELECT claim_id, geom FROM "{layer}"', "claim areas file")
    return {r[0]: g for r, g in zip(rows, geoms)}
