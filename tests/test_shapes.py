"""The bundled data in shapes/: coverage, resolution, validity, tables, and GDAL readability."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
import shapely

from geoincidents.paths import shapes_dir

FOUNDING = dt.date(1949, 4, 4)
ACCESSIONS = {
    "GRC": "1952-02-18", "TUR": "1952-02-18", "DEU": "1955-05-06", "ESP": "1982-05-30",
    "CZE": "1999-03-12", "HUN": "1999-03-12", "POL": "1999-03-12", "BGR": "2004-03-29",
    "EST": "2004-03-29", "LVA": "2004-03-29", "LTU": "2004-03-29", "ROU": "2004-03-29",
    "SVK": "2004-03-29", "SVN": "2004-03-29", "ALB": "2009-04-01", "HRV": "2009-04-01",
    "MNE": "2017-06-05", "MKD": "2020-03-27", "FIN": "2023-04-04", "SWE": "2024-03-07",
}
NEIGHBOURS = ["RUS", "BLR", "UKR", "MDA", "SRB", "BIH", "XKX", "AUT", "CHE", "IRL", "CYP",
              "SYR", "IRQ", "IRN", "GEO", "ARM", "AZE", "MAR", "TUN", "MLT", "MEX", "CUB"]


def test_membership_table_has_all_32_members_with_their_dates():
    with open(shapes_dir() / "nato_members.csv", encoding="utf-8") as fh:
        rows = {r["iso3"]: r for r in csv.DictReader(fh)}
    assert len(rows) == 32
    for iso3, row in rows.items():
        expected = ACCESSIONS.get(iso3, FOUNDING.isoformat())
        assert row["accession_date"] == expected, iso3
    assert rows["DEU"]["whole_territory_from"] == "1990-10-03"


def test_every_state_has_a_feature_and_members_and_neighbours_are_10m(world):
    by_code = {f.iso3: f for f in world.features}
    assert len(by_code) == 250
    members = world.membership.members_on(dt.date(2025, 1, 1))
    assert len(members) == 32
    import sqlite3

    con = sqlite3.connect(shapes_dir() / "airspace.gpkg")
    resolution = dict(con.execute("SELECT iso3, resolution_m FROM airspace"))
    con.close()
    for code in list(members) + [c for c in NEIGHBOURS if c != "CUB"]:
        assert resolution[code] == 10, code
    assert max(resolution.values()) <= 1000


def test_geometries_valid_and_polygonal(world):
    for f in world.features:
        assert f.geometry.geom_type in ("Polygon", "MultiPolygon"), f.iso3
        assert shapely.is_valid(f.geometry), f.iso3


def test_territories_point_to_sovereigns(world):
    sov = {f.iso3: f.sovereign_iso3 for f in world.features}
    assert (sov["GRL"], sov["FRO"], sov["BMU"], sov["JEY"], sov["SJM"], sov["ALA"]) == \
        ("DNK", "DNK", "GBR", "GBR", "NOR", "FIN")
    assert sov["ATA"] is None and sov["POL"] == "POL"


def test_territorial_sea_not_eez(world):
    poland = next(f for f in world.features if f.iso3 == "POL").geometry
    north = poland.bounds[3]
    assert 55.0 < north < 55.1  # ~12 nm off the coast; the EEZ would reach ~55.8 N


def test_gdal_reads_the_geopackage():
    pyogrio = pytest.importorskip("pyogrio")
    info = pyogrio.read_info(shapes_dir() / "airspace.gpkg")
    assert info["features"] == 250 and info["crs"] == "EPSG:4326"
    assert {"iso3", "name", "sovereign_iso3", "nested_in_sovereign"} <= set(info["fields"])


def test_claims_name_known_codes(world):
    codes = {f.iso3 for f in world.features}
    for claim in world.claims:
        assert claim.when_inside <= codes and set(claim.claimants) <= codes, claim.claim_id
