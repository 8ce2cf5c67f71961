"""The bundled borders: capitals, territorial sea, land borders, accession dates, territories,
claims, and geodesic distances against pyproj.Geod."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import shapely
from pyproj import Geod

GEOD = Geod(ellps="WGS84")


def offset(lat, lon, azimuth_deg, km):
    """The point ``km`` from (lat, lon) along an azimuth."""
    lon2, lat2, _ = GEOD.fwd(lon, lat, azimuth_deg, km * 1000)
    return lat2, lon2


@pytest.mark.parametrize("lat,lon,iso3", [
    (52.2297, 21.0122, "POL"), (59.437, 24.7536, "EST"), (39.9334, 32.8597, "TUR"),
    (38.8951, -77.0364, "USA"), (45.4215, -75.6972, "CAN"), (64.1466, -21.9426, "ISL"),
    (41.3275, 19.8187, "ALB"), (42.4304, 19.2594, "MNE"), (41.9981, 21.4254, "MKD"),
])
def test_member_capitals(world, lat, lon, iso3):
    v = world.check(lat, lon, dt.date(2025, 9, 10))
    assert (v.country_iso3, v.nato_member, v.inside_nato_airspace) == (iso3, True, True)
    assert v.distance_basis == "depth" and v.distance_to_border_km > 0


@pytest.mark.parametrize("lat,lon,iso3", [
    (53.9006, 27.559, "BLR"), (50.4501, 30.5234, "UKR"), (55.7558, 37.6173, "RUS"),
    (47.0105, 28.8638, "MDA"), (44.7866, 20.4489, "SRB"), (48.2082, 16.3738, "AUT"),
    (53.3498, -6.2603, "IRL"), (46.948, 7.4474, "CHE"), (41.7151, 44.8271, "GEO"),
])
def test_non_member_capitals(world, lat, lon, iso3):
    v = world.check(lat, lon, dt.date(2025, 9, 10))
    assert (v.country_iso3, v.nato_member, v.inside_nato_airspace) == (iso3, False, False)
    assert v.distance_basis == "to_nato" and v.distance_to_border_km > 0


def test_polish_territorial_sea_and_beyond(world):
    rozewie = (54.830, 18.336)  # Rozewie lighthouse on the Polish coast
    near = world.check(*offset(*rozewie, 0, 10))
    assert near.country_iso3 == "POL" and near.inside_nato_airspace
    far = world.check(*offset(*rozewie, 0, 30))
    assert far.country_iso3 is None and far.inside_nato_airspace is False
    # The territorial sea ends ~12 nm (22.2 km) out, so the point 30 km out is a few km beyond.
    assert 2 < far.distance_to_border_km < 15


def test_done_when_examples(world):
    assert world.check(54.9, 18.5).country_iso3 == "POL"
    assert world.check(55.6, 18.5).country_iso3 is None
    before = world.check(60.4, 25.7, dt.date(2023, 1, 1))
    after = world.check(60.4, 25.7, dt.date(2023, 5, 1))
    assert (before.country_iso3, before.nato_member) == ("FIN", False)
    assert (after.country_iso3, after.nato_member) == ("FIN", True)


def _shared_border_vertex(world, a, b, lat_range):
    ga = world.features[world._by_code[a]].geometry
    gb = world.features[world._by_code[b]].geometry
    coords = shapely.get_coordinates(ga.boundary)
    sel = coords[(coords[:, 1] > lat_range[0]) & (coords[:, 1] < lat_range[1])]
    dist = shapely.distance(gb.boundary, shapely.points(sel))
    return sel[np.argmin(dist)]


@pytest.mark.parametrize("west,east,lat_range", [("POL", "BLR", (52.6, 52.9)),
                                                 ("POL", "UKR", (50.0, 50.3)),
                                                 ("FIN", "RUS", (62.0, 63.0))])
def test_a_few_hundred_metres_either_side_of_a_land_border(world, west, east, lat_range):
    lon, lat = _shared_border_vertex(world, west, east, lat_range)
    w = world.check(*offset(lat, lon, 270, 0.4))
    e = world.check(*offset(lat, lon, 90, 0.4))
    assert w.country_iso3 == west and e.country_iso3 == east
    assert w.distance_to_border_km < 0.45 and e.distance_to_border_km < 0.45


@pytest.mark.parametrize("lat,lon,iso3,joined", [
    (60.1699, 24.9384, "FIN", dt.date(2023, 4, 4)), (59.3293, 18.0686, "SWE", dt.date(2024, 3, 7)),
])
def test_accession_day(world, lat, lon, iso3, joined):
    day_before = world.check(lat, lon, joined - dt.timedelta(days=1))
    on_the_day = world.check(lat, lon, joined)
    assert day_before.country_iso3 == iso3 and day_before.nato_member is False
    assert day_before.distance_basis == "to_nato"
    assert on_the_day.nato_member is True and on_the_day.inside_nato_airspace is True


def test_date_omitted_uses_today(world):
    v = world.check(59.3293, 18.0686)
    assert v.date is None and v.membership_date == dt.date.today() and v.nato_member is True


@pytest.mark.parametrize("lat,lon,country,territory", [
    (64.1814, -51.6941, "DNK", "GRL"), (62.0107, -6.7741, "DNK", "FRO"),
    (32.2949, -64.7814, "GBR", "BMU"), (49.1868, -2.1065, "GBR", "JEY"),
    (78.2232, 15.6267, "NOR", "SJM"), (60.0973, 19.9348, "FIN", "ALA"),
    (18.4655, -66.1057, "USA", "PRI"),
])
def test_territories_name_their_sovereign(world, lat, lon, country, territory):
    v = world.check(lat, lon)
    assert (v.country_iso3, v.territory_iso3, v.disputed) == (country, territory, False)


def test_crimea_is_disputed_ukraine_first(world):
    v = world.check(44.6166, 33.5254)  # Sevastopol
    assert v.disputed and v.claimants == ("UKR", "RUS") and v.country_iso3 == "UKR"
    assert v.nato_member is False


def test_gibraltar_is_british_and_claimed_by_spain(world):
    v = world.check(36.1408, -5.3536)
    assert (v.country_iso3, v.territory_iso3) == ("GBR", "GIB")
    assert v.disputed and v.claimants == ("GBR", "ESP") and v.inside_nato_airspace


def test_greenland_before_nato_founding(world):
    v = world.check(64.1814, -51.6941, dt.date(1949, 4, 3))
    assert v.country_iso3 == "DNK" and v.nato_member is False and v.distance_to_border_km is None


def test_former_gdr_before_reunification_is_unknown(world):
    v = world.check(52.52, 13.405, dt.date(1989, 11, 9))
    assert v.country_iso3 == "DEU" and v.nato_member is None and v.inside_nato_airspace is None
    assert world.check(52.52, 13.405, dt.date(1990, 10, 3)).nato_member is True


def _reference_km(world, lat, lon, polys):
    rings = shapely.segmentize(shapely.boundary(shapely.union_all(polys)), 0.002)
    coords = shapely.get_coordinates(rings)
    window = (np.abs(coords[:, 1] - lat) < 25) & (np.abs(coords[:, 0] - lon) < 60)
    coords = coords[window]
    _, _, d = GEOD.inv(np.full(len(coords), lon), np.full(len(coords), lat),
                       coords[:, 0], coords[:, 1])
    return d.min() / 1000


@pytest.mark.parametrize("lat,lon,state", [
    (52.2297, 21.0122, "POL"), (54.9, 18.5, "POL"), (50.0614, 19.9366, "POL"),
    (64.1814, -51.6941, "GRL"), (59.437, 24.7536, "EST"), (40.0, 25.5, "GRC"),
])
def test_depth_matches_pyproj_geod(world, lat, lon, state):
    v = world.check(lat, lon)
    geom = world.features[world._by_code[state]].geometry
    assert v.distance_to_border_km == pytest.approx(_reference_km(world, lat, lon, [geom]),
                                                    rel=0.01)


@pytest.mark.parametrize("lat,lon", [(53.9006, 27.559), (55.6, 18.5), (44.6166, 33.5254)])
def test_distance_to_nato_matches_pyproj_geod(world, lat, lon):
    day = dt.date(2025, 9, 10)
    v = world.check(lat, lon, day)
    members = world.membership.members_on(day)
    polys = [f.geometry for f in world.features
             if f.sovereign_iso3 in members and not f.nested_in_sovereign]
    assert v.distance_to_border_km == pytest.approx(_reference_km(world, lat, lon, polys),
                                                    rel=0.01)


def test_vectorized_over_europe_matches_single_points(world):
    rng = np.random.default_rng(7)
    lat, lon = rng.uniform(34, 72, 5000), rng.uniform(-25, 45, 5000)
    many = world.classify(lat, lon, dt.date(2025, 9, 10))
    for i in range(0, 5000, 250):
        one = world.check(lat[i], lon[i], dt.date(2025, 9, 10))
        assert many.verdict(i) == one


def test_classify_frame(world):
    gpd = pytest.importorskip("geopandas")
    frame = gpd.GeoDataFrame({"when": [dt.date(2023, 1, 1), dt.date(2023, 5, 1)]},
                             geometry=gpd.points_from_xy([25.7, 25.7], [60.4, 60.4]),
                             crs="EPSG:4326")
    out = world.classify_frame(frame, "when")
    assert list(out["country_iso3"]) == ["FIN", "FIN"]
    assert list(out["nato_member"]) == [False, True]


def test_dask_geopandas_frame_matches_classify_frame(world):
    gpd = pytest.importorskip("geopandas")
    dask_geopandas = pytest.importorskip("dask_geopandas")
    rng = np.random.default_rng(3)
    lon, lat = rng.uniform(10, 30, 400), rng.uniform(45, 60, 400)
    frame = gpd.GeoDataFrame({"n": range(400)}, geometry=gpd.points_from_xy(lon, lat),
                             crs="EPSG:4326")
    lazy = world.classify_dask_frame(dask_geopandas.from_geopandas(frame, npartitions=4))
    got = lazy.compute(scheduler="processes", num_workers=2).sort_values("n")
    want = world.classify_frame(frame)
    assert list(got["country_iso3"]) == list(want["country_iso3"])
    assert np.allclose(got["distance_to_border_km"], want["distance_to_border_km"],
                       equal_nan=True)
