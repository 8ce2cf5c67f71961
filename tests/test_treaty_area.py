"""North Atlantic Treaty art. 6 area: `in_treaty_area` on the bundled borders and the table."""

from __future__ import annotations

import csv
import datetime as dt
import json

import numpy as np
import pytest
import shapely

from geoincidents.airspace import Airspace, AirspaceFeature
from geoincidents.cli.main import cli
from geoincidents.errors import DataError
from geoincidents.nato import Member, NatoMembership
from geoincidents.paths import shapes_dir
from geoincidents.treaty import TreatyArea, TreatyRule

DAY = dt.date(2025, 9, 10)


@pytest.mark.parametrize("name,lat,lon,country,territory,treaty", [
    ("Honolulu", 21.3, -157.8, "USA", "USA", False),
    ("Hagåtña, Guam", 13.4757, 144.7489, "USA", "GUM", False),
    ("San Juan, Puerto Rico", 18.4655, -66.1057, "USA", "PRI", False),
    ("Charlotte Amalie, USVI", 18.3419, -64.9307, "USA", "VIR", False),
    ("Cayenne, French Guiana", 4.9224, -52.3135, "FRA", "GUF", False),
    ("Saint-Denis, Réunion", -20.8823, 55.4504, "FRA", "REU", False),
    ("Fort-de-France, Martinique", 14.6161, -61.0588, "FRA", "MTQ", False),
    ("Nouméa, New Caledonia", -22.2758, 166.458, "FRA", "NCL", False),
    ("Ceuta", 35.889, -5.319, "ESP", "ESP", False),
    ("Melilla", 35.2923, -2.9381, "ESP", "ESP", False),
    ("Stanley, Falklands", -51.6938, -57.8570, "GBR", "FLK", False),
    ("Willemstad, Curaçao", 12.1091, -68.9316, "NLD", "CUW", False),
    ("Las Palmas, Canary Islands", 28.1, -15.42, "ESP", "ESP", True),
    ("Ponta Delgada, Azores", 37.74, -25.67, "PRT", "PRT", True),
    ("Funchal, Madeira", 32.65, -16.91, "PRT", "PRT", True),
    ("Hamilton, Bermuda", 32.2949, -64.7830, "GBR", "BMU", True),
    ("Anchorage, Alaska", 61.2181, -149.9003, "USA", "USA", True),
    ("Attu, Aleutians west of 180", 52.85, 173.2, "USA", "USA", True),
    ("Key West", 24.5551, -81.78, "USA", "USA", True),
    ("Nuuk, Greenland", 64.18, -51.72, "DNK", "GRL", True),
    ("Longyearbyen, Svalbard", 78.2232, 15.6267, "NOR", "SJM", True),
    ("Saint-Pierre", 46.7811, -56.1764, "FRA", "SPM", True),
    ("Ajaccio, Corsica", 41.9192, 8.7386, "FRA", "FRA", True),
    ("Gibraltar", 36.1408, -5.3536, "GBR", "GIB", True),
    ("Warsaw", 52.2297, 21.0122, "POL", "POL", True),
    ("Istanbul", 41.0082, 28.9784, "TUR", "TUR", True),
    ("Ankara (Asian Turkey)", 39.9334, 32.8597, "TUR", "TUR", True),
])
def test_member_territories_in_and_out_of_the_treaty_area(world, name, lat, lon, country,
                                                          territory, treaty):
    v = world.check(lat, lon, DAY)
    assert (v.country_iso3, v.territory_iso3) == (country, territory), name
    assert v.inside_nato_airspace is True, name  # unchanged: membership is not the treaty area
    assert v.in_treaty_area is treaty, name


@pytest.mark.parametrize("day,member", [(dt.date(2023, 4, 3), False),
                                        (dt.date(2023, 4, 4), True)])
def test_helsinki_before_and_after_accession(world, day, member):
    v = world.check(60.1699, 24.9384, day)
    assert v.country_iso3 == "FIN"
    assert v.inside_nato_airspace is member and v.in_treaty_area is member


@pytest.mark.parametrize("lat,lon", [(50.4501, 30.5234), (55.7558, 37.6173), (55.6, 18.5),
                                     (35.0, 18.0), (34.58, 32.98)])
def test_non_members_and_international_airspace_are_outside(world, lat, lon):
    # Kyiv, Moscow, the Baltic and the Mediterranean outside any territorial sea, Akrotiri
    # (the UK bases on Cyprus are in no feature of the borders: international airspace).
    v = world.check(lat, lon, DAY)
    assert v.inside_nato_airspace is False and v.in_treaty_area is False


def test_unknown_membership_stays_unknown(world):
    v = world.check(52.52, 13.405, dt.date(1980, 1, 1))  # Berlin before reunification
    assert v.inside_nato_airspace is None and v.in_treaty_area is None


def test_turkey_only_from_its_accession(world):
    assert world.check(39.9334, 32.8597, dt.date(1950, 1, 1)).in_treaty_area is False
    assert world.check(39.9334, 32.8597, dt.date(1952, 2, 18)).in_treaty_area is True


def test_every_member_territory_is_listed_with_a_whole_territory_row(world):
    table = TreatyArea.default()
    member_codes = {f.iso3 for f in world.features if f.sovereign_iso3 in world.membership}
    assert member_codes == table.territories()
    whole = {r.territory_iso3 for r in table.rules if r.box is None}
    assert whole == member_codes  # so no point of a member's airspace is left unknown
    for code in member_codes:  # the whole-territory row comes after that territory's boxes
        rules = [r for r in table.rules if r.territory_iso3 == code]
        assert rules[-1].box is None and all(r.box for r in rules[:-1]), code


def test_rule_ids_unique_and_every_row_has_a_basis():
    with open(shapes_dir() / "treaty_area.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len({r["rule_id"] for r in rows}) == len(rows)
    assert all(r["basis"].strip() for r in rows)


def test_ceuta_and_melilla_boxes_miss_mainland_spain_and_alboran(world):
    spain = world.geometry("ESP")
    table = TreatyArea.default()
    for rule in table.rules:
        if rule.territory_iso3 != "ESP" or rule.box is None:
            continue
        inside = shapely.clip_by_rect(spain, *rule.box)
        mainland = max(shapely.get_parts(spain), key=lambda p: p.area)
        assert not shapely.intersects(mainland, shapely.box(*rule.box)), rule.rule_id
        assert inside.bounds[1] < 35.93 and not inside.is_empty, rule.rule_id
    assert world.check(35.94, -3.03, DAY).in_treaty_area is True  # Alborán island


def test_hawaii_box_covers_the_whole_chain_but_no_alaska(world):
    usa = world.geometry("USA")
    hawaii = next(r for r in TreatyArea.default().rules if r.rule_id == "usa_hawaii")
    parts = [p for p in shapely.get_parts(usa)
             if shapely.intersects(p, shapely.box(*hawaii.box))]
    assert parts and all(shapely.covers(shapely.box(*hawaii.box), p) for p in parts)
    assert all(p.bounds[3] < 30 for p in parts)


def test_vectorized_matches_single_points(world):
    rng = np.random.default_rng(11)
    lat, lon = rng.uniform(-60, 80, 3000), rng.uniform(-180, 180, 3000)
    many = world.classify(lat, lon, DAY, distances=False)
    for i in range(0, 3000, 150):
        assert many.in_treaty_area[i] == world.check(lat[i], lon[i], DAY).in_treaty_area


def test_rules_first_match_wins_and_no_table_means_unknown():
    box = shapely.box(0, 0, 10, 10)
    membership = NatoMembership([Member("AAA", "Aland", dt.date(2000, 1, 1))])
    features = [AirspaceFeature("AAA", "Aland", "AAA", box)]
    table = TreatyArea([TreatyRule("south", "AAA", False, (0, 0, 10, 5)),
                        TreatyRule("rest", "AAA", True)])
    air = Airspace(features, membership=membership, treaty_area=table)
    assert air.check(2, 5, DAY).in_treaty_area is False
    assert air.check(5, 5, DAY).in_treaty_area is False  # box edges included
    assert air.check(7, 5, DAY).in_treaty_area is True
    assert air.check(7, 5, dt.date(1999, 1, 1)).in_treaty_area is False  # not yet a member
    bare = Airspace(features, membership=membership)
    assert bare.check(7, 5, DAY).in_treaty_area is None


@pytest.mark.parametrize("row,needle", [
    ("x,AAA,,,,,maybe,b", "in_treaty_area true/false"),
    ("x,AAA,1,2,3,,true,b", "four numbers"),
    ("x,AAA,5,0,1,1,true,b", "min above max"),
])
def test_bad_table_rows_raise_data_error(tmp_path, row, needle):
    path = tmp_path / "t.csv"
    path.write_text("rule_id,territory_iso3,min_lon,min_lat,max_lon,max_lat,in_treaty_area,"
                    f"basis\n{row}\n", encoding="utf-8")
    with pytest.raises(DataError, match=needle):
        TreatyArea.from_csv(path)


def test_check_json_has_in_treaty_area(runner):
    res = runner.invoke(cli, ["check", "21.3", "-157.8", "--json"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["country_iso3"] == "USA" and data["inside_nato_airspace"] is True
    assert data["in_treaty_area"] is False
    text = runner.invoke(cli, ["check", "21.3", "-157.8"]).stdout
    assert "North Atlantic Treaty area (art. 6): no" in text


def test_points_file_gets_the_column(runner, tmp_path):
    src = tmp_path / "p.csv"
    src.write_text("lat,lon\n21.3,-157.8\n52.23,21.01\n", encoding="utf-8")
    res = runner.invoke(cli, ["check", "--points", str(src)], catch_exceptions=False)
    rows = list(csv.DictReader(res.stdout.splitlines()))
    assert [r["in_treaty_area"] for r in rows] == ["false", "true"]


def test_classify_frame_has_the_column(world):
    gpd = pytest.importorskip("geopandas")
    frame = gpd.GeoDataFrame(geometry=gpd.points_from_xy([-157.8, 21.01], [21.3, 52.23]),
                             crs="EPSG:4326")
    out = world.classify_frame(frame)
    assert list(out["in_treaty_area"]) == [False, True]
