"""The airspace rules on a tiny synthetic world: membership by date, territories, claims, slivers,
boundaries, distances and the vectorized path."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import shapely
from pyproj import Geod

from geoincidents.airspace import Airspace, AirspaceFeature, validate_points
from geoincidents.errors import DataError, InputError
from geoincidents.nato import NatoMembership

GEOD = Geod(ellps="WGS84")


def brute_distance_km(polygons, lat, lon, step=0.01):
    """Reference: geodesic distance to a densely segmentized boundary."""
    rings = shapely.segmentize(shapely.boundary(shapely.union_all(polygons)), step)
    coords = shapely.get_coordinates(rings)
    _, _, d = GEOD.inv(np.full(len(coords), lon), np.full(len(coords), lat),
                       coords[:, 0], coords[:, 1])
    return d.min() / 1000


def test_member_by_date(tiny):
    assert tiny.check(45, 5, dt.date(1999, 12, 31)).nato_member is False
    v = tiny.check(45, 5, dt.date(2000, 1, 1))
    assert (v.country_iso3, v.nato_member, v.inside_nato_airspace) == ("AAA", True, True)
    assert v.distance_basis == "depth"


def test_no_date_means_today(tiny):
    v = tiny.check(45, 5)
    assert v.date is None and v.membership_date == dt.date.today() and v.nato_member is True


def test_partial_membership_is_unknown(tiny):
    assert tiny.check(45, 25, dt.date(2012, 6, 1)).nato_member is None
    assert tiny.check(45, 25, dt.date(2012, 6, 1)).inside_nato_airspace is None
    assert tiny.check(45, 25, dt.date(2016, 1, 1)).nato_member is True
    assert tiny.check(45, 25, dt.date(2009, 1, 1)).nato_member is False


def test_nested_territory_names_sovereign(tiny):
    v = tiny.check(41.5, 1.5)
    assert (v.country_iso3, v.territory_iso3, v.disputed) == ("AAA", "NES", False)
    # Depth is measured to the sovereign's border, not the nested territory's outline.
    assert v.distance_to_border_km == pytest.approx(
        brute_distance_km([shapely.box(0, 40, 10, 50)], 41.5, 1.5), rel=0.01)


def test_separate_territory_names_sovereign(tiny):
    v = tiny.check(41, 31)
    assert (v.country_iso3, v.territory_iso3, v.country_name) == ("AAA", "TER", "Aland")


def test_listed_claim_is_disputed_recognised_first(tiny):
    v = tiny.check(45, 19)
    assert v.disputed and v.claimants == ("CCC", "BBB") and v.country_iso3 == "CCC"


def test_unlisted_overlap_goes_to_the_deeper_state(tiny):
    assert tiny.check(45, 20.5).country_iso3 == "CCC"  # 1.5 deg inside CCC, 0.5 inside DDD
    assert tiny.check(45, 21.8).country_iso3 == "DDD"
    assert not tiny.check(45, 21.8).disputed


def test_boundary_counts_as_inside(tiny):
    v = tiny.check(40.0, 5.0)  # on AAA's southern edge
    assert v.country_iso3 == "AAA" and v.distance_to_border_km == pytest.approx(0, abs=1e-6)


def test_international_airspace_distance_to_nato(tiny):
    v = tiny.check(45, 40, dt.date(2001, 1, 1))
    assert v.country_iso3 is None and v.inside_nato_airspace is False
    assert v.distance_basis == "to_nato"
    nato = [shapely.box(0, 40, 10, 50), shapely.box(30.5, 40, 32, 42)]
    assert v.distance_to_border_km == pytest.approx(brute_distance_km(nato, 45, 40), rel=0.01)


def test_non_member_state_distance_is_to_nato(tiny):
    v = tiny.check(47, 14, dt.date(2005, 1, 1))
    assert v.country_iso3 == "BBB" and v.distance_basis == "to_nato"
    ref = brute_distance_km([shapely.box(0, 40, 10, 50), shapely.box(30.5, 40, 32, 42)], 47, 14)
    assert v.distance_to_border_km == pytest.approx(ref, rel=0.01)


def test_no_members_yet_means_no_distance(tiny):
    v = tiny.check(45, 40, dt.date(1990, 1, 1))
    assert v.distance_to_border_km is None and v.distance_basis is None


def test_antimeridian_cut_is_not_a_border(tiny):
    v = tiny.check(45, 179.9)
    assert v.country_iso3 == "EEE"
    # The nearest real border is 5 degrees of latitude away, not the cut 0.1 degrees away.
    assert v.distance_to_border_km == pytest.approx(
        GEOD.inv(179.9, 45, 179.9, 40)[2] / 1000, rel=0.01)


@pytest.mark.parametrize("lat,lon", [(91, 0), (-90.5, 0), (0, 181), (0, -180.01),
                                     (float("nan"), 0), (0, float("inf"))])
def test_bad_coordinates_raise_input_error(tiny, lat, lon):
    with pytest.raises(InputError, match="latitude|longitude"):
        tiny.check(lat, lon)


def test_non_numeric_coordinates(tiny):
    with pytest.raises(InputError, match="numbers"):
        validate_points(["north"], [1])


def test_dates_must_match_points(tiny):
    with pytest.raises(InputError, match="2 dates for 1 points"):
        tiny.classify([45], [5], [None, None])


def test_invalid_feature_rejected():
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    with pytest.raises(DataError, match="invalid"):
        Airspace([AirspaceFeature("BAD", "Bad", "BAD", bowtie)], membership=NatoMembership([]))


def test_vectorized_matches_one_by_one(tiny):
    rng = np.random.default_rng(1)
    lat = rng.uniform(38, 52, 3000)  # above the grid threshold: the subdivided path
    lon = np.concatenate([rng.uniform(-5, 35, 2990), rng.uniform(169, 180, 10)])
    days = [dt.date(2012, 1, 1) if i % 2 else None for i in range(3000)]
    many = tiny.classify(lat, lon, days, distances=False)
    for i in range(0, 3000, 37):
        one = tiny.check(lat[i], lon[i], days[i])
        got = many.verdict(i)
        assert (got.country_iso3, got.territory_iso3, got.nato_member, got.claimants) == \
            (one.country_iso3, one.territory_iso3, one.nato_member, one.claimants)
