"""Disputed areas since 2022 (Russia's claimed annexation of four Ukrainian oblasts), claims with
an area polygon and a validity date."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import shapely

from geoincidents.airspace import Airspace, AirspaceFeature, Claim, read_claim_areas, read_claims
from geoincidents.cli.main import cli
from geoincidents.errors import DataError
from geoincidents.nato import Member, NatoMembership
from geoincidents.paths import shapes_dir

BEFORE, AFTER = dt.date(2022, 9, 1), dt.date(2022, 10, 1)
CLAIMED = {"ua_donetsk_2022", "ua_luhansk_2022", "ua_zaporizhzhia_2022", "ua_kherson_2022"}


@pytest.mark.parametrize("name,lat,lon", [
    ("Donetsk", 48.0159, 37.8028),
    ("Mariupol", 47.0971, 37.5434),
    ("Sea of Azov off Mariupol", 46.95, 37.5),
    ("Luhansk", 48.574, 39.3078),
    ("Zaporizhzhia city (never occupied)", 47.8388, 35.1396),
    ("Berdiansk", 46.7553, 36.7885),
    ("Kherson city, right bank of the Dnipro", 46.6354, 32.6169),
    ("Henichesk", 46.1731, 34.8158),
])
def test_claimed_oblasts_disputed_from_2022_09_30(world, name, lat, lon):
    after = world.check(lat, lon, AFTER)
    assert (after.country_iso3, after.disputed, after.claimants) == ("UKR", True,
                                                                     ("UKR", "RUS")), name
    assert after.territory_iso3 == "UKR" and after.nato_member is False
    assert after.in_treaty_area is False
    before = world.check(lat, lon, BEFORE)
    assert (before.country_iso3, before.disputed, before.claimants) == ("UKR", False, ()), name
    on_the_day = world.check(lat, lon, dt.date(2022, 9, 30))
    assert on_the_day.disputed
    assert world.check(lat, lon).disputed  # today


@pytest.mark.parametrize("name,lat,lon,country", [
    ("Dnipro", 48.4647, 35.0462, "UKR"), ("Mykolaiv", 46.975, 31.994, "UKR"),
    ("Kharkiv", 49.9935, 36.2304, "UKR"), ("Kyiv", 50.4501, 30.5234, "UKR"),
    ("Rostov-on-Don", 47.2357, 39.7015, "RUS"), ("Taganrog", 47.2362, 38.8969, "RUS"),
])
def test_neighbours_of_the_claimed_oblasts_are_not_disputed(world, name, lat, lon, country):
    v = world.check(lat, lon, AFTER)
    assert (v.country_iso3, v.disputed, v.claimants) == (country, False, ()), name


@pytest.mark.parametrize("day", [dt.date(2020, 1, 1), BEFORE, AFTER])
def test_crimea_stays_disputed_at_any_date(world, day):
    v = world.check(44.9521, 34.1024, day)  # Simferopol
    assert (v.country_iso3, v.disputed, v.claimants) == ("UKR", True, ("UKR", "RUS"))


def test_many_points_with_dates_match_single_checks(world):
    lats = [48.0159, 48.0159, 46.6354, 48.4647, 44.9521]
    lons = [37.8028, 37.8028, 32.6169, 35.0462, 34.1024]
    days = [BEFORE, AFTER, None, AFTER, BEFORE]
    many = world.classify(lats, lons, days)
    assert list(many.disputed) == [False, True, True, False, True]
    for i, day in enumerate(days):
        assert many.verdict(i) == world.check(lats[i], lons[i], day)


def test_claim_areas_file_has_the_four_oblasts_inside_ukraine(world):
    areas = read_claim_areas(shapes_dir() / "claim_areas.gpkg")
    assert set(areas) == CLAIMED
    ukraine = world.geometry("UKR")
    for claim_id, area in areas.items():
        assert area.is_valid and area.geom_type == "MultiPolygon", claim_id
        # Clipped to Ukraine's airspace (up to floating-point noise at the shared edge).
        assert shapely.difference(area, ukraine).area < 1e-6, claim_id
    pairs = [(a, b) for a in areas for b in areas if a < b]
    for a, b in pairs:  # the oblasts do not overlap beyond the simplified lines' slack
        assert shapely.intersection(areas[a], areas[b]).area < 0.01, (a, b)


def test_claims_table_dates_and_areas():
    claims = {c.claim_id: c for c in read_claims(shapes_dir() / "claims.csv")}
    for claim_id in CLAIMED:
        c = claims[claim_id]
        assert c.claimants == ("UKR", "RUS") and c.when_inside == {"UKR"}
        assert c.valid_from == dt.date(2022, 9, 30) and c.area is not None
    assert claims["crimea"].valid_from is None and claims["crimea"].area is None


def test_check_json_in_donetsk(runner):
    res = runner.invoke(cli, ["check", "48.0159", "37.8028", "--date", "2022-10-01", "--json"],
                        catch_exceptions=False)
    data = json.loads(res.stdout)
    assert (data["country_iso3"], data["disputed"], data["claimants"]) == \
        ("UKR", True, ["UKR", "RUS"])
    res = runner.invoke(cli, ["check", "48.0159", "37.8028", "--date", "2022-09-01", "--json"])
    assert json.loads(res.stdout)["disputed"] is False


# -- the mechanism on synthetic features ------------------------------------------------------

def _air(claims):
    features = [AirspaceFeature("AAA", "Aland", "AAA", shapely.box(0, 0, 10, 10)),
                AirspaceFeature("BBB", "Beland", "BBB", shapely.box(10, 0, 20, 10)),
                AirspaceFeature("CCC", "Celand", "CCC", shapely.box(8, 0, 12, 10))]
    membership = NatoMembership([Member("AAA", "Aland", dt.date(2000, 1, 1))])
    return Airspace(features, membership=membership, claims=claims)


def test_area_claim_names_the_recognised_claimant_and_its_membership():
    # BBB holds the area, AAA (a member) is the recognised claimant from 2020.
    air = _air([Claim("east", frozenset({"BBB"}), ("AAA", "BBB"), area=shapely.box(14, 0, 16, 5),
                      valid_from=dt.date(2020, 1, 1))])
    v = air.check(2, 15, dt.date(2021, 1, 1))
    assert (v.country_iso3, v.country_name, v.disputed, v.claimants) == \
        ("AAA", "Aland", True, ("AAA", "BBB"))
    assert v.nato_member is True and v.inside_nato_airspace is True
    before = air.check(2, 15, dt.date(2019, 1, 1))
    assert (before.country_iso3, before.disputed, before.nato_member) == ("BBB", False, False)
    assert air.check(7, 15, dt.date(2021, 1, 1)).disputed is False  # outside the area
    assert air.check(5, 15, dt.date(2021, 1, 1)).disputed is True  # area edge included


def test_area_claim_needs_its_features_and_leaves_other_claims_alone():
    overlap = Claim("mid", frozenset({"AAA", "CCC"}), ("CCC", "AAA"))
    area = Claim("wide", frozenset({"AAA"}), ("AAA", "BBB"), area=shapely.box(0, 0, 20, 10))
    air = _air([overlap, area])
    assert air.check(5, 9, None).claimants == ("CCC", "AAA")  # the feature claim stands
    assert air.check(5, 5, None).claimants == ("AAA", "BBB")
    assert air.check(5, 15, None).disputed is False  # in the area but not in AAA


def test_dated_feature_claim():
    air = _air([Claim("mid", frozenset({"AAA", "CCC"}), ("CCC", "AAA"),
                      valid_from=dt.date(2010, 1, 1))])
    assert air.check(5, 9, dt.date(2011, 1, 1)).disputed is True
    early = air.check(5, 9, dt.date(2009, 1, 1))
    assert (early.country_iso3, early.disputed, early.claimants) == ("CCC", False, ())


def test_area_claim_for_a_missing_feature_is_a_data_error():
    with pytest.raises(DataError, match="no airspace feature ZZZ"):
        _air([Claim("x", frozenset({"ZZZ"}), ("AAA", "ZZZ"), area=shapely.box(0, 0, 1, 1))])


@pytest.mark.parametrize("extra,needle", [
    ("2022-13-01,", "valid_from '2022-13-01'"),
    (",nowhere.gpkg", "claim areas file not found"),
    (",claim_areas.gpkg", "has no area for claim 'x'"),
])
def test_bad_claims_rows(tmp_path, extra, needle):
    (tmp_path / "claim_areas.gpkg").write_bytes(
        (shapes_dir() / "claim_areas.gpkg").read_bytes())
    path = tmp_path / "claims.csv"
    path.write_text("claim_id,when_inside,claimants,name,note,valid_from,area\n"
                    f"x,UKR,UKR;RUS,X,note,{extra}\n", encoding="utf-8")
    with pytest.raises(DataError, match=needle):
        read_claims(path)
