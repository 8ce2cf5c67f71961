"""Tracks on the real borders: crossings on the geodesic, durations, depth, the antimeridian."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Geod

from geoincidents.errors import InputError
from geoincidents.outputs.track import track_geojson
from geoincidents.tracks import read_track

GEOD = Geod(ellps="WGS84")
T0 = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.timezone.utc)
SHAPES = Path(__file__).resolve().parents[1] / "shapes"


def times(n: int, minutes: float = 60.0) -> list[dt.datetime]:
    return [T0 + dt.timedelta(minutes=minutes * i / (n - 1)) for i in range(n)]


def constant_speed(lats, lons, seconds: float) -> list[dt.datetime]:
    """Times for the fixes of a track flown at one speed in ``seconds``."""
    _, _, d = GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
    cum = np.concatenate(([0.0], np.cumsum(d)))
    return [T0 + dt.timedelta(seconds=float(seconds * c / cum[-1])) for c in cum]


def geodesic_line(lat0, lon0, lat1, lon1, n=20_000):
    """The geodesic as a fine lon/lat LineString (points ~2 m apart over 35 km)."""
    pts = GEOD.npts(lon0, lat0, lon1, lat1, n)
    # shapely takes (lon, lat).
    return shapely.LineString([(lon0, lat0), *pts, (lon1, lat1)])


@pytest.fixture(scope="module")
def estonia():
    """Estonia's airspace read with GDAL, independently of geoincidents' own reader."""
    import geopandas

    frame = geopandas.read_file(SHAPES / "airspace.gpkg", layer="airspace")
    return frame.loc[frame["iso3"] == "EST", "geometry"].iloc[0]


def test_narva_crossing_is_on_the_geodesic(world, estonia):
    lat0, lon0, lat1, lon1 = 59.38, 27.9, 59.38, 28.5
    stretches = world.track([lat0, lat1], [lon0, lon1], times(2, 10))
    assert [s.country_iso3 for s in stretches] == ["EST", "RUS"]
    est, rus = stretches
    assert est.entry.kind == "track_start" and rus.exit.kind == "track_end"
    assert est.exit == rus.entry and est.exit.kind == "crossing"
    # The analytic crossing: the geodesic meets Estonia's boundary.
    hit = shapely.intersection(geodesic_line(lat0, lon0, lat1, lon1), estonia.boundary)
    pts = [(p.y, p.x) for p in shapely.get_parts(hit)]
    assert pts
    gaps = [GEOD.inv(est.exit.lon, est.exit.lat, lon, lat)[2] for lat, lon in pts]
    assert min(gaps) < 50.0
    # ...and it is on the geodesic between the fixes, not at a fix.
    _, _, full = GEOD.inv(lon0, lat0, lon1, lat1)
    _, _, a = GEOD.inv(lon0, lat0, est.exit.lon, est.exit.lat)
    _, _, b = GEOD.inv(est.exit.lon, est.exit.lat, lon1, lat1)
    assert abs(a + b - full) < 1.0
    assert est.length_km * 1000 == pytest.approx(a, abs=1.0)


def test_durations_exact_for_constant_speed(world):
    lats = np.full(7, 59.38)
    lons = np.linspace(27.9, 28.5, 7)
    stretches = world.track(lats, lons, constant_speed(lats, lons, 600.0))
    total_km = sum(s.length_km for s in stretches)
    assert sum(s.duration_s for s in stretches) == pytest.approx(600.0, abs=1e-3)
    for s in stretches:
        assert round(s.duration_s) == round(600.0 * s.length_km / total_km)
        assert (s.exit.time - s.entry.time).total_seconds() == pytest.approx(s.duration_s,
                                                                            abs=1e-3)


def test_gulf_of_finland_corridor(world):
    """Helsinki to Tallinn: Finnish sea, the international corridor, Estonian sea."""
    stretches = world.track([60.1, 59.45], [24.95, 24.75], times(2, 20))
    assert [s.country_iso3 for s in stretches] == ["FIN", None, "EST"]
    fin, corridor, est = stretches
    assert corridor.max_depth_km is None and corridor.nato_member is False
    assert fin.nato_member is True and est.nato_member is True
    assert 10 < corridor.length_km < 30
    # Membership is by the entry date: Finland joined on 2023-04-04.
    early = [dt.datetime(2023, 1, 1, 12, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=m)
             for m in (0, 20)]
    assert world.track([60.1, 59.45], [24.95, 24.75], early)[0].nato_member is False


def test_crossings_separate_the_states(world):
    """Just before and after each crossing (2 m along the track) the states differ as said."""
    lats, lons = [55.6, 54.9, 55.6], [18.5, 18.5, 18.7]
    stretches = world.track(lats, lons, times(3))
    assert [s.country_iso3 for s in stretches] == [None, "POL", None]
    for before, after in zip(stretches, stretches[1:]):
        p = after.entry
        az_back = GEOD.inv(p.lon, p.lat, before.path_lon[-2], before.path_lat[-2])[0]
        az_on = GEOD.inv(p.lon, p.lat, after.path_lon[1], after.path_lat[1])[0]
        lon_b, lat_b, _ = GEOD.fwd(p.lon, p.lat, az_back, 2.0)
        lon_a, lat_a, _ = GEOD.fwd(p.lon, p.lat, az_on, 2.0)
        assert world.check(lat_b, lon_b).country_iso3 == before.country_iso3
        assert world.check(lat_a, lon_a).country_iso3 == after.country_iso3


def test_polish_territorial_sea_in_and_out(world):
    lats, lons = [55.6, 54.9, 55.6], [18.5, 18.5, 18.7]
    stretches = world.track(lats, lons, constant_speed(lats, lons, 3600.0))
    pol = stretches[1]
    assert pol.entry.kind == pol.exit.kind == "crossing"
    assert 55.0 < pol.entry.lat < 55.05 and 55.0 < pol.exit.lat < 55.05  # ~12 nm off the coast
    assert pol.nato_member is True
    total = sum(s.length_km for s in stretches)
    assert round(pol.duration_s) == round(3600.0 * pol.length_km / total)


def test_short_passage_between_two_fixes_is_found(world):
    """Two fixes 190 km apart in international waters; the geodesic clips ~7 km of Poland's
    territorial sea. Sampling every 5 km finds it; without sampling it is missed."""
    lats, lons = [55.025, 55.025], [16.0, 19.0]
    found = world.track(lats, lons, times(2))
    assert [s.country_iso3 for s in found] == [None, "POL", None]
    assert 3 < found[1].length_km < 15
    coarse = world.track(lats, lons, times(2), sample_km=1000.0)
    assert [s.country_iso3 for s in coarse] == [None]


def test_max_depth_against_dense_sampling(world):
    """The greatest depth in Estonia matches the deepest of points every 50 m of the path."""
    lats, lons = [59.2, 59.6], [27.0, 28.1]
    stretches = world.track(lats, lons, times(2))
    est = [s for s in stretches if s.country_iso3 == "EST"]
    assert est
    s = est[0]
    az, _, length = GEOD.inv(s.entry.lon, s.entry.lat, s.exit.lon, s.exit.lat)
    steps = np.arange(0, length, 50.0)
    lon, lat, _ = GEOD.fwd(np.full(len(steps), s.entry.lon), np.full(len(steps), s.entry.lat),
                           np.full(len(steps), az), steps)
    depth = world.classify(lat, lon, dt.date(2024, 5, 1)).distance_to_border_km
    assert s.max_depth_km == pytest.approx(np.nanmax(depth), abs=0.05)
    assert world.check(s.deepest_lat, s.deepest_lon).country_iso3 == "EST"


def test_antimeridian_bering_sea(world):
    """Anadyr Gulf to St Lawrence Island across 180 degrees, also written as lon 190."""
    for east in (-170.0, 190.0):
        stretches = world.track([64.7, 63.5], [177.5, east], times(2, 120))
        assert [s.country_iso3 for s in stretches] == ["RUS", None, "USA"]
        _, _, full = GEOD.inv(177.5, 64.7, -170.0, 63.5)
        assert sum(s.length_km for s in stretches) == pytest.approx(full / 1000, abs=0.01)
    geometry = track_geojson(stretches)["features"][1]["geometry"]
    assert geometry["type"] == "MultiLineString"
    first, second = geometry["coordinates"]
    assert first[-1][0] == 180.0 and second[0][0] == -180.0
    assert first[-1][1] == second[0][1]


def test_readers_agree(tmp_path):
    rows = [("2024-05-01T12:00:00Z", 59.38, 27.9, 1000), ("2024-05-01T12:05:00+00:00", 59.38,
                                                          28.2, 1100),
            ("2024-05-01T14:10:00+02:00", 59.38, 28.5, 1200)]
    csv_file = tmp_path / "t.csv"
    csv_file.write_text("time,lat,lon,alt\n" + "".join(f"{t},{a},{o},{e}\n"
                                                       for t, a, o, e in rows))
    gpx = tmp_path / "t.gpx"
    gpx.write_text(
        '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        "<trk><trkseg>" + "".join(f'<trkpt lat="{a}" lon="{o}"><ele>{e}</ele><time>{t}</time>'
                                  "</trkpt>" for t, a, o, e in rows) + "</trkseg></trk></gpx>")
    import json

    line = tmp_path / "line.geojson"
    line.write_text(json.dumps({"type": "Feature", "properties": {"coordTimes": [
        r[0] for r in rows]}, "geometry": {"type": "LineString", "coordinates": [
            [o, a, e] for _, a, o, e in rows]}}))
    points = tmp_path / "points.geojson"
    points.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"time": t},
         "geometry": {"type": "Point", "coordinates": [o, a]}} for t, a, o, _ in rows]}))
    tracks = [read_track(p) for p in (csv_file, gpx, line, points)]
    for tr in tracks:
        assert np.allclose(tr.lat, tracks[0].lat) and np.allclose(tr.lon, tracks[0].lon)
        assert np.allclose(tr.time, tracks[0].time)
    assert tracks[0].time[2] - tracks[0].time[0] == 600.0  # +02:00 is read as an offset
    assert list(tracks[1].alt) == [1000, 1100, 1200]


@pytest.mark.parametrize("body,needle", [
    ("time,lat,lon\n2024-05-01T12:00:00Z,59.38,27.9\n", "at least 2 fixes"),
    ("time,lat,lon\n2024-05-01T12:05:00Z,59.38,27.9\n2024-05-01T12:00:00Z,59.38,28.0\n",
     "line 3"),
    ("time,lat,lon\n2024-05-01T12:00:00Z,59.38,27.9\n2024-05-01T12:00:00Z,59.38,28.0\n",
     "repeats the time"),
    ("lat,lon\n59.38,27.9\n59.38,28.0\n", "no time column"),
    ("time,lat,lon\n2024-05-01T12:00:00Z,59.38,27.9\n2024-05-01T15:00:00Z,59.38,28.0\n",
     "allowed gap"),
    ("time,lat,lon\nyesterday,59.38,27.9\n2024-05-01T15:00:00Z,59.38,28.0\n", "ISO 8601"),
    ("time,lat,lon\n2024-05-01T12:00:00Z,95,27.9\n2024-05-01T12:10:00Z,59.38,28.0\n",
     "latitude"),
])
def test_bad_tracks(tmp_path, body, needle):
    path = tmp_path / "bad.csv"
    path.write_text(body)
    with pytest.raises(InputError, match=needle):
        read_track(path)


def test_gap_can_be_allowed(tmp_path):
    path = tmp_path / "gap.csv"
    path.write_text("time,lat,lon\n2024-05-01T12:00:00Z,59.38,27.9\n"
                    "2024-05-01T15:00:00Z,59.38,28.0\n")
    assert len(read_track(path, max_gap=dt.timedelta(hours=4))) == 2
    assert len(read_track(path, max_gap=None)) == 2


def test_gpx_entities_refused(tmp_path):
    path = tmp_path / "bomb.gpx"
    path.write_text('<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaa">]>'
                    '<gpx><trk><trkseg><trkpt lat="1" lon="2"><time>&a;</time></trkpt>'
                    "</trkseg></trk></gpx>")
    with pytest.raises(InputError, match="DOCTYPE"):
        read_track(path)


def test_short_segments_match_pyproj():
    """The mid-latitude formula used for segments under 2 km, against pyproj, to 85 degrees."""
    from geoincidents.tracks import _short_inverse

    rng = np.random.default_rng(0)
    n = 50_000
    lat0, lon0 = rng.uniform(-85, 85, n), rng.uniform(-180, 180, n)
    az, dist = rng.uniform(-180, 180, n), rng.uniform(0, 2000, n)
    lon1, lat1, _ = GEOD.fwd(lon0, lat0, az, dist)
    got_az, got_m = _short_inverse(np.column_stack([lat0, lat1]).ravel(),
                                   np.column_stack([lon0, lon1]).ravel())
    assert np.max(np.abs(got_m[::2] - dist)) < 0.002
    lon2, lat2, _ = GEOD.fwd(lon0, lat0, got_az[::2], got_m[::2])
    assert np.max(GEOD.inv(lon1, lat1, lon2, lat2)[2]) < 0.002
