"""Flight tracks: where a track entered and left each sovereign airspace, for how long, how deep.

A track is a time-ordered list of fixes (lat, lon, time). Between two fixes the aircraft is taken
to fly the WGS84 geodesic at constant speed, so a position at distance ``d`` along a segment is
``Geod.fwd`` from its first fix and its time is interpolated linearly by distance.

The track is cut into :class:`Stretch` es, one per stretch inside one state's airspace (or outside
every state's: ``country_iso3`` None). How it works:

1. every fix, and points every ``sample_km`` (5 km) along longer segments, are classified at once
   (:meth:`Airspace.resolution_ids`), so a short passage through a corner between two fixes in the
   same state is found as long as it is longer than about ``sample_km``;
2. only the sample intervals whose two ends differ are searched, by bisection on the geodesic,
   until the crossing is known to within 1 m (several crossings in one interval are all found);
3. each stretch's greatest depth (distance from the boundary of its state's airspace, as
   ``check`` measures it) is found by branch and bound along the whole geodesic path, fixes and
   the points between them alike: depth changes by at most the distance flown, so only the parts
   of the path that could be deeper than the deepest point found so far are refined (to 50 m).

NATO membership is taken on the UTC date of each stretch's entry time. Altitudes are read (metres)
and ignored: airspace here is 2-D (land + territorial sea, no upper limit).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from geoincidents.errors import InputError

DEFAULT_MAX_GAP = dt.timedelta(hours=2)
SAMPLE_KM = 5.0
_CROSSING_TOL_M = 1.0
_DEPTH_TOL_KM = 0.05
# Segments shorter than this are measured with the mid-latitude formula on the ellipsoid (error
# under 1 mm at this length, checked against pyproj in the tests); longer ones with pyproj.Geod.
_SHORT_M = 2000.0
_WGS84_A = 6378137.0
_WGS84_E2 = 6.69437999014e-3


@dataclass(frozen=True, slots=True)
class TrackPoint:
    """A position on the track: a boundary crossing, or the track's first or last fix."""

    lat: float
    lon: float
    time: dt.datetime  # timezone-aware, UTC
    kind: str  # "crossing" | "track_start" | "track_end"

    def to_dict(self) -> dict:
        return {"lat": round(self.lat, 6), "lon": round(self.lon, 6),
                "time": _iso(self.time), "kind": self.kind}


@dataclass(frozen=True, slots=True)
class Stretch:
    """The part of a track inside one state's airspace (``country_iso3`` None: outside all)."""

    country_iso3: str | None
    country_name: str | None
    territory_iso3: str | None
    disputed: bool
    claimants: tuple[str, ...]
    nato_member: bool | None  # on the UTC date of the entry time
    entry: TrackPoint
    exit: TrackPoint
    duration_s: float
    length_km: float
    max_depth_km: float | None  # None outside every state's airspace
    deepest_lat: float | None
    deepest_lon: float | None
    # The path flown, entry to exit (fixes and geodesic samples between), for drawing.
    path_lat: np.ndarray = field(repr=False, compare=False)
    path_lon: np.ndarray = field(repr=False, compare=False)

    def to_dict(self) -> dict:
        """The ``check --track --json`` form of the stretch."""
        return {
            "country_iso3": self.country_iso3, "country_name": self.country_name,
            "territory_iso3": self.territory_iso3, "nato_member": self.nato_member,
            "disputed": self.disputed, "claimants": list(self.claimants),
            "entry": self.entry.to_dict(), "exit": self.exit.to_dict(),
            "duration_s": round(self.duration_s, 3), "length_km": round(self.length_km, 3),
            "max_depth_km": None if self.max_depth_km is None else round(self.max_depth_km, 3),
            "deepest": None if self.deepest_lat is None else
            {"lat": round(self.deepest_lat, 6), "lon": round(self.deepest_lon, 6)},
        }


@dataclass(slots=True)
class Track:
    """Fixes read from a file, with where each came from (for error messages)."""

    lat: np.ndarray
    lon: np.ndarray
    time: np.ndarray  # float seconds since 1970-01-01 UTC
    alt: np.ndarray | None = None  # metres, read and ignored
    source: str = "track"
    unit: str = "fix"  # what a position is called in messages: "line", "trkpt", "feature"...
    numbers: np.ndarray | None = None  # the line/element number of each fix

    def where(self, i: int) -> str:
        number = i + 1 if self.numbers is None else int(self.numbers[i])
        return f"{self.source} {self.unit} {number}"

    def __len__(self) -> int:
        return len(self.lat)


# -- validation --------------------------------------------------------------------------------


def to_seconds(times: Sequence[Any] | np.ndarray) -> np.ndarray:
    """Seconds since 1970-01-01 UTC from datetimes (naive ones are UTC), numpy datetime64
    (UTC) or numbers (already seconds)."""
    arr = np.asarray(times)
    if np.issubdtype(arr.dtype, np.datetime64):
        return arr.astype("datetime64[ns]").astype(np.int64) / 1e9
    if np.issubdtype(arr.dtype, np.number):
        return arr.astype(float).reshape(-1)
    out = np.empty(len(arr), dtype=float)
    for i, t in enumerate(arr):
        if not isinstance(t, dt.datetime):
            raise InputError(f"time {t!r} (fix {i + 1}) is not a datetime")
        if t.tzinfo is None:
            t = t.replace(tzinfo=dt.timezone.utc)
        out[i] = t.timestamp()
    return out


def validate_track(track: Track, max_gap: dt.timedelta | None = DEFAULT_MAX_GAP) -> Track:
    """Check a track: 2+ fixes, valid coordinates, strictly increasing times, no gap longer
    than ``max_gap`` (None: any gap). Longitudes are normalised to [-180, 180)."""
    from geoincidents.airspace import validate_points

    n = len(track.lat)
    lon = np.asarray(track.lon, dtype=float).reshape(-1)
    # Longitudes past +-180 (some loggers count on past the antimeridian) are brought back.
    wrap = np.isfinite(lon) & (np.abs(lon) > 180.0) & (np.abs(lon) <= 540.0)
    if wrap.any():
        lon = np.where(wrap, (lon + 180.0) % 360.0 - 180.0, lon)
    track.lon = lon
    if n < 2:
        raise InputError(f"{track.source}: a track needs at least 2 fixes, got {n}")
    try:
        lat, lon = validate_points(track.lat, track.lon)
    except InputError as err:
        raise InputError(f"{track.source}: {err}") from None
    t = np.asarray(track.time, dtype=float)
    if len(t) != n:
        raise InputError(f"{track.source}: got {len(t)} times for {n} fixes")
    bad = ~np.isfinite(t)
    if bad.any():
        raise InputError(f"{track.where(int(np.flatnonzero(bad)[0]))}: time is not valid")
    step = np.diff(t)
    if (step <= 0).any():
        i = int(np.flatnonzero(step <= 0)[0]) + 1
        what = "repeats the time of" if step[i - 1] == 0 else "is earlier than"
        raise InputError(f"{track.where(i)}: time {_iso(_utc(t[i]))} {what} the fix before "
                         f"({track.where(i - 1)}); fixes must be in time order, one per time")
    if max_gap is not None and (step > max_gap.total_seconds()).any():
        i = int(np.flatnonzero(step > max_gap.total_seconds())[0]) + 1
        raise InputError(f"{track.where(i)}: {_duration(step[i - 1])} after the fix before, "
                         f"more than the allowed gap of {_duration(max_gap.total_seconds())} "
                         "(--max-gap)")
    track.lat, track.lon, track.time = lat, lon, t
    return track


# -- the stretches -----------------------------------------------------------------------------


def track_stretches(airspace, lat, lon, times, *, max_gap: dt.timedelta | None = DEFAULT_MAX_GAP,
                    sample_km: float = SAMPLE_KM) -> list[Stretch]:
    """The stretches of a track in track order (see the module docstring for the method)."""
    track = Track(np.asarray(lat, dtype=float).reshape(-1),
                  np.asarray(lon, dtype=float).reshape(-1), to_seconds(times))
    return trace(airspace, validate_track(track, max_gap), sample_km=sample_km)


def trace(airspace, track: Track, *, sample_km: float = SAMPLE_KM) -> list[Stretch]:
    """The stretches of a track already checked by :func:`validate_track` (as
    :func:`read_track` returns it)."""
    return _Tracer(airspace, track.lat, track.lon, track.time, sample_km).stretches()


class _Tracer:
    """Positions along the track are (segment i, metres from fix i along its geodesic)."""

    def __init__(self, airspace, lat, lon, t, sample_km: float) -> None:
        from pyproj import Geod

        self.airspace, self.lat, self.lon, self.t = airspace, lat, lon, t
        self.geod = Geod(ellps="WGS84")
        self.az, self.seg_m = _short_inverse(lat, lon)
        long = ~(self.seg_m < _SHORT_M)  # NaN-safe
        if long.any():
            az, _, dist = self.geod.inv(lon[:-1][long], lat[:-1][long], lon[1:][long],
                                        lat[1:][long])
            self.az[long], self.seg_m[long] = az, dist
        self.cum = np.concatenate(([0.0], np.cumsum(self.seg_m)))  # metres to each fix
        self.sample_m = sample_km * 1000.0
        self._keys: dict[tuple, int] = {}
        self._key_list: list[tuple] = []
        self._key_of_res: dict[int, int] = {}

    # positions, times and states at global distances s (metres from the first fix)
    def locate(self, s: np.ndarray):
        seg = np.clip(np.searchsorted(self.cum, s, side="right") - 1, 0, len(self.seg_m) - 1)
        off = s - self.cum[seg]
        lon, lat, _ = self.geod.fwd(self.lon[seg], self.lat[seg], self.az[seg], off)
        # fwd returns lon in [-180, 180]; the antimeridian needs nothing more.
        return lat, lon

    def time_at(self, s: np.ndarray) -> np.ndarray:
        seg = np.clip(np.searchsorted(self.cum, s, side="right") - 1, 0, len(self.seg_m) - 1)
        length = self.seg_m[seg]
        with np.errstate(invalid="ignore", divide="ignore"):
            frac = np.where(length > 0, (s - self.cum[seg]) / length, 0.0)
        return self.t[seg] + (self.t[seg + 1] - self.t[seg]) * np.clip(frac, 0.0, 1.0)

    def keys(self, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        """A small integer per settled state (country, territory, dispute) of each point."""
        rid = self.airspace.resolution_ids(lat, lon)
        uniq, inv = np.unique(rid, return_inverse=True)
        mapped = np.empty(len(uniq), dtype=np.intp)
        for k, r in enumerate(uniq):
            r = int(r)
            key = self._key_of_res.get(r)
            if key is None:
                res = self.airspace._resolution(r)
                tup = (res.country, res.territory, res.disputed, res.claimants)
                key = self._keys.setdefault(tup, len(self._key_list))
                if key == len(self._key_list):
                    self._key_list.append(tup)
                self._key_of_res[r] = key
            mapped[k] = key
        return mapped[inv]

    def samples(self):
        """Distances, lats and lons of the fixes and of points every sample_m along longer
        segments (the fixes keep their own coordinates)."""
        extra = np.maximum(np.ceil(self.seg_m / self.sample_m).astype(np.int64) - 1, 0)
        if not extra.any():
            return self.cum.copy(), self.lat, self.lon
        per = np.concatenate((extra + 1, [1]))  # each fix, then its segment's extra points
        first = np.cumsum(per) - per  # where each fix goes
        total = int(per.sum())
        s = np.empty(total)
        lat, lon = np.empty(total), np.empty(total)
        s[first], lat[first], lon[first] = self.cum, self.lat, self.lon
        is_extra = np.ones(total, dtype=bool)
        is_extra[first] = False
        seg = np.repeat(np.arange(len(self.seg_m)), extra)
        k = np.arange(extra.sum()) - np.repeat(np.cumsum(extra) - extra, extra) + 1
        s_extra = self.cum[seg] + self.seg_m[seg] * k / (extra[seg] + 1)
        s[is_extra] = s_extra
        lat[is_extra], lon[is_extra] = self.locate(s_extra)
        return s, lat, lon

    def stretches(self) -> list[Stretch]:
        s, lat_s, lon_s = self.samples()
        key = self.keys(lat_s, lon_s)
        cs, _, cb = self.crossings(s, key)
        self._crossing_s = cs
        clat, clon = self.locate(cs)
        ct = self.time_at(cs)
        n_st = len(cs) + 1
        b_s = np.concatenate(([0.0], cs, [self.cum[-1]]))
        b_lat = np.concatenate(([self.lat[0]], clat, [self.lat[-1]]))
        b_lon = np.concatenate(([self.lon[0]], clon, [self.lon[-1]]))
        b_t = np.concatenate(([self.t[0]], ct, [self.t[-1]]))
        kinds = ["track_start"] + ["crossing"] * len(cs) + ["track_end"]
        keys = np.concatenate(([key[0]], cb)).astype(np.intp)
        points = [TrackPoint(float(b_lat[j]), float(b_lon[j]), _utc(b_t[j]), kinds[j])
                  for j in range(n_st + 1)]
        countries = [self._key_list[int(k)][0] for k in keys]
        depth, deep_lat, deep_lon = self.deepest(countries, b_s[:-1], b_s[1:])
        cut = np.searchsorted(s, b_s, side="right"), np.searchsorted(s, b_s, side="left")
        out = []
        for j in range(n_st):
            country, territory, disputed, claimants = self._key_list[int(keys[j])]
            entry, exit_ = points[j], points[j + 1]
            inner = slice(cut[0][j], cut[1][j + 1])
            inside = country is not None
            out.append(Stretch(
                country_iso3=country, country_name=self.airspace.name(country),
                territory_iso3=territory, disputed=bool(disputed), claimants=tuple(claimants),
                nato_member=self.airspace.membership.is_member(country, entry.time.date()),
                entry=entry, exit=exit_, duration_s=float(b_t[j + 1] - b_t[j]),
                length_km=float(b_s[j + 1] - b_s[j]) / 1000.0,
                max_depth_km=float(depth[j]) if inside else None,
                deepest_lat=float(deep_lat[j]) if inside else None,
                deepest_lon=float(deep_lon[j]) if inside else None,
                path_lat=np.concatenate(([b_lat[j]], lat_s[inner], [b_lat[j + 1]])),
                path_lon=np.concatenate(([b_lon[j]], lon_s[inner], [b_lon[j + 1]])),
            ))
        return out

    def deepest(self, countries: list, s0: np.ndarray, s1: np.ndarray):
        """Greatest depth of each stretch [s0, s1] in its country (NaN for None), and where.

        Branch and bound: depth changes by at most the distance flown, so an interval [a, b]
        holds no point deeper than (d(a) + d(b) + (b - a)) / 2; only intervals that could beat
        their stretch's best so far are split. All stretches advance together, one distance
        query per country per round.
        """
        n = len(countries)
        best_d, best_s = np.full(n, np.nan), s0.copy()
        idx = np.array([j for j in range(n) if countries[j] is not None], dtype=np.intp)
        if not len(idx):
            lat, lon = self.locate(best_s)
            return best_d, lat, lon
        m = np.clip(np.ceil((s1[idx] - s0[idx]) / 10_000.0).astype(np.intp), 1, 32)
        owner = np.repeat(idx, m + 1)  # stretch of each initial point
        k = np.arange(len(owner)) - np.repeat(np.cumsum(m + 1) - (m + 1), m + 1)
        pos = s0[owner] + (s1[owner] - s0[owner]) * k / np.repeat(m, m + 1)
        # A crossing is on the state's boundary: depth 0 there, nothing to measure.
        on_edge = np.isin(pos, self._crossing_s)
        dist = np.zeros(len(pos))
        dist[~on_edge] = self._depths(countries, owner[~on_edge], pos[~on_edge])
        best_d[idx] = -1.0
        self._update(best_d, best_s, owner, pos, dist)
        last = np.concatenate((k[1:] == 0, [True]))  # the last point of each stretch
        inner = ~last[:-1]  # intervals between consecutive points of one stretch
        a, b, da, db = pos[:-1][inner], pos[1:][inner], dist[:-1][inner], dist[1:][inner]
        own = owner[:-1][inner]
        while len(a):
            bound = (da + db + (b - a) / 1000.0) / 2
            open_ = (bound > best_d[own] + _DEPTH_TOL_KM) & (b - a > 1.0)
            if not open_.any():
                break
            a, b, da, db, own = a[open_], b[open_], da[open_], db[open_], own[open_]
            mid = (a + b) / 2
            dm = self._depths(countries, own, mid)
            self._update(best_d, best_s, own, mid, dm)
            a, b = np.concatenate((a, mid)), np.concatenate((mid, b))
            da, db = np.concatenate((da, dm)), np.concatenate((dm, db))
            own = np.concatenate((own, own))
        lat, lon = self.locate(best_s)
        return best_d, lat, lon

    def _depths(self, countries: list, owner: np.ndarray, pos: np.ndarray) -> np.ndarray:
        """Distance (km) from the track at ``pos`` to the boundary of its stretch's state."""
        lat, lon = self.locate(pos)
        out = np.zeros(len(pos))
        names = np.array([countries[j] for j in owner], dtype=object)
        for state in set(names):
            sel = names == state
            d = self.airspace._boundary(("state", state)).distance_km(lat[sel], lon[sel])
            out[sel] = np.nan_to_num(d)
        return out

    @staticmethod
    def _update(best_d, best_s, owner, pos, dist) -> None:
        """Keep, per stretch, the deepest of the points just measured if deeper than before."""
        order = np.lexsort((-dist, owner))
        first = order[np.concatenate(([True], owner[order][1:] != owner[order][:-1]))]
        better = dist[first] > best_d[owner[first]]
        j = owner[first][better]
        best_d[j], best_s[j] = dist[first][better], pos[first][better]

    def crossings(self, s: np.ndarray, key: np.ndarray):
        """(distance, key before, key after) of every change of state, sorted along the track.

        Each sample interval whose ends differ is bisected to a change within 1 m; if the state
        after that change is not the interval end's, the rest of the interval is searched too.
        """
        change = np.flatnonzero(key[1:] != key[:-1])
        lo, hi, end = s[change], s[change + 1], s[change + 1]
        klo, khi, kend = key[change], key[change + 1], key[change + 1]
        found_s, found_a, found_b = [], [], []
        while len(lo):
            done = hi - lo <= _CROSSING_TOL_M
            if done.any():
                found_s.append((lo[done] + hi[done]) / 2)
                found_a.append(klo[done])
                found_b.append(khi[done])
                more = done & (khi != kend)  # another change before the interval's end
                lo, klo = np.where(more, hi, lo), np.where(more, khi, klo)
                hi, khi = np.where(more, end, hi), np.where(more, kend, khi)
                keep = ~done | more
                lo, hi, end = lo[keep], hi[keep], end[keep]
                klo, khi, kend = klo[keep], khi[keep], kend[keep]
                if not len(lo):
                    break
            mid = (lo + hi) / 2
            kmid = self.keys(*self.locate(mid))
            left = kmid == klo
            lo = np.where(left, mid, lo)
            hi = np.where(left, hi, mid)
            khi = np.where(left, khi, kmid)
        if not found_s:
            return np.empty(0), np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
        cs, ca, cb = np.concatenate(found_s), np.concatenate(found_a), np.concatenate(found_b)
        order = np.argsort(cs, kind="stable")
        return cs[order], ca[order], cb[order]


def _short_inverse(lat: np.ndarray, lon: np.ndarray):
    """Forward azimuth (degrees) and length (m) of each segment by the mid-latitude formula:
    the ellipsoid's meridian and prime-vertical radii of curvature at the segment's middle
    latitude. Accurate for short segments only (under 2 km: length and the point reached
    with the azimuth both within 2 mm, up to 85 degrees latitude); longer ones use pyproj."""
    phi = np.radians((lat[:-1] + lat[1:]) / 2)
    dphi = np.radians(lat[1:] - lat[:-1])
    dlam = np.radians((lon[1:] - lon[:-1] + 540.0) % 360.0 - 180.0)
    w2 = 1.0 - _WGS84_E2 * np.sin(phi) ** 2
    north = _WGS84_A * (1.0 - _WGS84_E2) / w2 ** 1.5 * dphi  # meridian radius M
    east = _WGS84_A / np.sqrt(w2) * np.cos(phi) * dlam  # prime vertical radius N
    # The azimuth at the middle, turned back by half the meridians' convergence to the start.
    az = np.arctan2(east, north) - dlam / 2 * np.sin(phi)
    return np.degrees(az), np.hypot(north, east)


# -- helpers -----------------------------------------------------------------------------------


def _utc(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(round(float(seconds), 6), tz=dt.timezone.utc)


def _iso(t: dt.datetime) -> str:
    """ISO 8601 with offset; whole seconds unless the time has a fraction."""
    return t.isoformat(timespec="milliseconds" if t.microsecond else "seconds")


def _duration(seconds: float) -> str:
    """``1 h 02 min 03 s``-style duration for people."""
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if h:
        return f"{h} h {m} min {s} s"
    if m:
        return f"{m} min {s} s"
    return f"{s} s"


# -- reading track files -----------------------------------------------------------------------

TIME_NAMES = ("time", "timestamp", "datetime")
ALT_NAMES = ("alt", "altitude", "ele", "elevation")
TRACK_FORMATS = {".gpx": "gpx", ".csv": "csv", ".txt": "csv", ".geojson": "geojson",
                 ".json": "geojson"}


def track_format(path) -> str:
    """``gpx``, ``csv`` or ``geojson`` from a file name's suffix."""
    from pathlib import Path

    suffix = Path(path).suffix.lower()
    if suffix not in TRACK_FORMATS:
        raise InputError(f"{path}: unknown track format {suffix or '(no suffix)'!r}; "
                         "use .gpx, .csv or .geojson")
    return TRACK_FORMATS[suffix]


def read_track(path, *, max_gap: dt.timedelta | None = DEFAULT_MAX_GAP) -> Track:
    """Read and validate a GPX, CSV (``time,lat,lon[,alt]``) or GeoJSON track."""
    from pathlib import Path

    path = Path(path)
    fmt = track_format(path)
    try:
        if fmt == "gpx":
            with open(path, "rb") as fh:
                track = read_gpx(fh, str(path))
        else:
            with open(path, encoding="utf-8-sig", newline="") as fh:
                track = read_csv(fh, str(path)) if fmt == "csv" else read_geojson(fh, str(path))
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text ({err.reason})") from None
    return validate_track(track, max_gap)


def parse_time(value: Any, where: str) -> float:
    """Seconds since the epoch from an ISO 8601 time; a time without offset is UTC."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: missing time")
    text = value.strip()
    try:
        t = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in "zZ" else text)
    except ValueError:
        raise InputError(f"{where}: time {value!r} is not ISO 8601 "
                         "(e.g. 2024-05-01T12:00:00Z)") from None
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.timezone.utc)
    return t.timestamp()


def _number(value: Any, what: str, where: str) -> float:
    if isinstance(value, bool):
        raise InputError(f"{where}: {what} {value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: {what} {value!r} is not a number") from None
    if not math.isfinite(number):
        raise InputError(f"{where}: {what} {value!r} is not a finite number")
    return number


def _make(name, unit, lats, lons, times, alts, numbers) -> Track:
    alt = np.array([np.nan if a is None else a for a in alts]) if any(
        a is not None for a in alts) else None
    return Track(np.array(lats, dtype=float), np.array(lons, dtype=float),
                 np.array(times, dtype=float), alt, name, unit, np.array(numbers))


def read_csv(src, name: str = "track.csv") -> Track:
    """A CSV with a header naming time, lat and lon columns (alt optional)."""
    import csv

    from geoincidents.pointfile import LAT_NAMES, LON_NAMES

    reader = csv.reader(src, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise InputError(f"{name}: empty file (expected a header time,lat,lon[,alt])")
        lower = [h.strip().lower() for h in header]

        def find(names):
            return next((lower.index(n) for n in names if n in lower), None)

        it, ilat, ilon, ialt = find(TIME_NAMES), find(LAT_NAMES), find(LON_NAMES), \
            find(ALT_NAMES)
        if it is None or ilat is None or ilon is None:
            missing = [w for w, i in (("time", it), ("lat", ilat), ("lon", ilon)) if i is None]
            raise InputError(f"{name}: no {'/'.join(missing)} column in header {header!r} "
                             "(expected time,lat,lon[,alt])")
        lats, lons, times, alts, numbers = [], [], [], [], []
        for record in reader:
            if not record or all(not c.strip() for c in record):
                continue
            where = f"{name} line {reader.line_num}"
            if len(record) != len(header):
                raise InputError(f"{where}: {len(record)} fields, header has {len(header)}")
            times.append(parse_time(record[it], where))
            lats.append(_number(record[ilat], "latitude", where))
            lons.append(_number(record[ilon], "longitude", where))
            alt = record[ialt].strip() if ialt is not None else ""
            alts.append(_number(alt, "altitude", where) if alt else None)
            numbers.append(reader.line_num)
    except csv.Error as err:
        raise InputError(f"{name} line {reader.line_num}: malformed CSV ({err})") from None
    return _make(name, "line", lats, lons, times, alts, numbers)


def read_gpx(src, name: str = "track.gpx") -> Track:
    """Every ``trkpt`` (lat, lon attributes; ``time``, ``ele`` children) of a GPX file, in
    document order. Parsed with the standard library's expat; a document type declaration or
    entity is refused (no entity expansion, no external resources)."""
    from xml.parsers import expat

    parser = expat.ParserCreate(namespace_separator=" ")
    lats, lons, times, alts, numbers = [], [], [], [], []
    state: dict[str, Any] = {"in": False, "field": None, "text": [], "time": None, "ele": None}

    def refuse(*_args):
        raise InputError(f"{name}: GPX with a DOCTYPE or entity declaration is refused")

    def start(tag, attrs):
        local = tag.rsplit(" ", 1)[-1]
        if local == "trkpt":
            where = f"{name} trkpt {len(lats) + 1} (line {parser.CurrentLineNumber})"
            state.update({"in": True, "where": where, "time": None, "ele": None,
                          "lat": _number(attrs.get("lat"), "latitude", where),
                          "lon": _number(attrs.get("lon"), "longitude", where),
                          "line": parser.CurrentLineNumber})
        elif state["in"] and local in ("time", "ele"):
            state["field"], state["text"] = local, []

    def text(data):
        if state["field"]:
            state["text"].append(data)

    def end(tag):
        local = tag.rsplit(" ", 1)[-1]
        if state["field"] == local:
            state[local] = "".join(state["text"]).strip()
            state["field"] = None
        elif local == "trkpt" and state["in"]:
            where = state["where"]
            if not state["time"]:
                raise InputError(f"{where}: trkpt has no <time>")
            times.append(parse_time(state["time"], where))
            lats.append(state["lat"])
            lons.append(state["lon"])
            alts.append(_number(state["ele"], "elevation", where) if state["ele"] else None)
            numbers.append(len(lats))
            state["in"] = False

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.ParseFile(src)
    except expat.ExpatError as err:
        raise InputError(f"{name}: not valid XML (line {err.lineno}: "
                         f"{expat.ErrorString(err.code)})") from None
    track = _make(name, "trkpt", lats, lons, times, alts, numbers)
    if not lats:
        raise InputError(f"{name}: no <trkpt> in the GPX file")
    return track


def read_geojson(src, name: str = "track.geojson") -> Track:
    """A LineString/MultiLineString Feature with a ``times`` or ``coordTimes`` property (one
    time per position; lists of lists for a MultiLineString), or a FeatureCollection of Point
    features with a ``time`` property (or of one such LineString feature)."""
    from geoincidents.pointfile import load_geojson_object

    doc = load_geojson_object(src, name, "a GeoJSON Feature or FeatureCollection")
    if doc.get("type") == "FeatureCollection":
        feats = doc.get("features")
        if not isinstance(feats, list) or not feats:
            raise InputError(f"{name}: the FeatureCollection has no features")
        types = {(f.get("geometry") or {}).get("type") if isinstance(f, dict) else None
                 for f in feats}
        if types == {"Point"}:
            return _geojson_points(feats, name)
        lines = [f for f in feats if isinstance(f, dict) and
                 (f.get("geometry") or {}).get("type") in ("LineString", "MultiLineString")]
        if len(lines) != 1:
            raise InputError(f"{name}: expected Point features with a 'time' property, or "
                             "one LineString feature with 'times'")
        doc = lines[0]
    if doc.get("type") != "Feature":
        raise InputError(f"{name}: expected a GeoJSON Feature (LineString with a 'times' "
                         "property) or a FeatureCollection of timed Points")
    return _geojson_line(doc, name)


def _geojson_line(feat: dict, name: str) -> Track:
    geom = feat.get("geometry") or {}
    props = feat.get("properties") or {}
    kind = geom.get("type")
    if kind not in ("LineString", "MultiLineString"):
        raise InputError(f"{name}: geometry {kind!r} is not a LineString or MultiLineString")
    coords = geom.get("coordinates")
    times = props.get("times", props.get("coordTimes")) if isinstance(props, dict) else None
    if times is None:
        raise InputError(f"{name}: the {kind} has no 'times' (or 'coordTimes') property")
    if kind == "LineString":
        coords, times = [coords], [times]
    if not isinstance(coords, list) or not isinstance(times, list) or len(coords) != len(times):
        raise InputError(f"{name}: 'times' must give one list of times per line")
    lats, lons, ts, alts, numbers = [], [], [], [], []
    for line, (cs, tl) in enumerate(zip(coords, times), start=1):
        if not isinstance(cs, list) or not isinstance(tl, list) or len(cs) != len(tl):
            raise InputError(f"{name}: line {line} has {len(cs) if isinstance(cs, list) else 0}"
                             f" positions but {len(tl) if isinstance(tl, list) else 0} times")
        for pos, t in zip(cs, tl):
            where = f"{name} position {len(lats) + 1}"
            if not isinstance(pos, list) or len(pos) < 2:
                raise InputError(f"{where}: a position is [lon, lat(, alt)]")
            # GeoJSON positions are [lon, lat, alt] (RFC 7946 §3.1.1).
            lons.append(_number(pos[0], "longitude", where))
            lats.append(_number(pos[1], "latitude", where))
            alts.append(_number(pos[2], "altitude", where) if len(pos) > 2 else None)
            ts.append(parse_time(t, where))
            numbers.append(len(lats))
    return _make(name, "position", lats, lons, ts, alts, numbers)


def _geojson_points(feats: list, name: str) -> Track:
    lats, lons, ts, alts, numbers = [], [], [], [], []
    for k, feat in enumerate(feats, start=1):
        where = f"{name} feature {k}"
        pos = feat["geometry"].get("coordinates")
        if not isinstance(pos, list) or len(pos) < 2:
            raise InputError(f"{where}: a Point needs [lon, lat] coordinates")
        props = feat.get("properties") or {}
        raw = next((props.get(n) for n in TIME_NAMES if props.get(n) is not None), None) \
            if isinstance(props, dict) else None
        # GeoJSON positions are [lon, lat, alt] (RFC 7946 §3.1.1).
        lons.append(_number(pos[0], "longitude", where))
        lats.append(_number(pos[1], "latitude", where))
        alts.append(_number(pos[2], "altitude", where) if len(pos) > 2 else None)
        ts.append(parse_time(raw, where))
        numbers.append(k)
    return _make(name, "feature", lats, lons, ts, alts, numbers)
