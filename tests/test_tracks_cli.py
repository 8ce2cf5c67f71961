"""`geoincidents check --track`: table and summary, the JSON contract, GeoJSON, bad input."""

from __future__ import annotations

import json

import pytest
from cli_errors import one_line_error

from geoincidents.cli.main import cli

NARVA = ("time,lat,lon,alt\n2024-05-01T12:00:00Z,59.38,27.9,1000\n"
         "2024-05-01T12:05:00Z,59.38,28.2,1000\n2024-05-01T12:10:00,59.38,28.5,\n")
STRETCH_KEYS = {"country_iso3", "territory_iso3", "nato_member", "disputed", "entry", "exit",
                "duration_s", "length_km", "max_depth_km"}


def run(runner, *args):
    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def narva(tmp_path):
    path = tmp_path / "narva.csv"
    path.write_text(NARVA)
    return path


def test_table_and_summary(runner, narva):
    res = run(runner, "check", "--track", narva)
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].split()[:3] == ["#", "state", "NATO"]
    assert lines[1].split()[1:3] == ["EST", "yes"] and lines[2].split()[1:3] == ["RUS", "no"]
    assert lines[3].startswith("inside Estonia's airspace for 5 min 8 s, at most 12.4 km deep")
    assert "then inside Russia's airspace" in lines[3]


def test_json_contract(runner, narva):
    data = json.loads(run(runner, "check", "--track", narva, "--json").stdout)
    assert [s["country_iso3"] for s in data["stretches"]] == ["EST", "RUS"]
    for s in data["stretches"]:
        assert STRETCH_KEYS <= set(s)
        for end in ("entry", "exit"):
            assert {"lat", "lon", "time"} <= set(s[end])
            assert s[end]["time"].endswith("+00:00")
    assert data["stretches"][0]["entry"]["kind"] == "track_start"
    assert data["stretches"][-1]["exit"]["time"] == "2024-05-01T12:10:00+00:00"  # naive = UTC
    assert data["duration_s"] == 600.0


def test_geojson_output(runner, narva, tmp_path):
    out = tmp_path / "out.geojson"
    res = run(runner, "check", "--track", narva, "-o", out)
    assert res.exit_code == 0, res.output
    doc = json.loads(out.read_text())
    kinds = [(f["geometry"]["type"], f["properties"]["feature_type"]) for f in doc["features"]]
    assert kinds == [("LineString", "track_stretch"), ("LineString", "track_stretch"),
                     ("Point", "track_crossing")]
    for f in doc["features"]:
        assert all(not isinstance(v, (dict, list)) for v in f["properties"].values())
    crossing = doc["features"][2]["properties"]
    assert (crossing["from_country_iso3"], crossing["to_country_iso3"]) == ("EST", "RUS")


@pytest.mark.parametrize("body,needle", [
    ("time,lat,lon\n2024-05-01T12:00:00Z,59.38,27.9\n", "at least 2 fixes"),
    ("time,lat,lon\n2024-05-01T12:05:00Z,59.38,27.9\n2024-05-01T12:00:00Z,59.38,28.0\n",
     "line 3"),
    ("time,lat,lon\n2024-05-01T12:00:00Z,59.38,27.9\n2024-05-01T12:00:00Z,59.38,28.0\n",
     "repeats the time"),
    ("lat,lon\n59.38,27.9\n59.38,28.0\n", "no time column"),
    ("time,lat,lon\n2024-05-01T12:00:00Z,59.38,27.9\n2024-05-01T15:00:00Z,59.38,28.0\n",
     "--max-gap"),
])
def test_bad_track_is_one_line_exit_1_nothing_written(runner, tmp_path, body, needle):
    path = tmp_path / "bad.csv"
    path.write_text(body)
    out = tmp_path / "out.geojson"
    one_line_error(run(runner, "check", "--track", path, "-o", out), 1, needle,
                   "nothing written")
    assert not out.exists()


def test_max_gap_option(runner, tmp_path):
    path = tmp_path / "gap.csv"
    path.write_text("time,lat,lon\n2024-05-01T12:00:00Z,59.38,27.9\n"
                    "2024-05-01T15:00:00Z,59.38,28.5\n")
    assert run(runner, "check", "--track", path, "--max-gap", "4h").exit_code == 0
    assert run(runner, "check", "--track", path, "--max-gap", "none").exit_code == 0
    one_line_error(run(runner, "check", "--track", path, "--max-gap", "soon"), 2, "soon")


@pytest.mark.parametrize("extra,needle", [
    (["--date", "2024-01-01"], "--date"), (["-o", "out.csv"], "GeoJSON"),
    (["59", "27"], "one of"),
])
def test_usage_errors(runner, narva, extra, needle):
    one_line_error(run(runner, "check", "--track", narva, *extra), 2, needle)


def test_unknown_format(runner, tmp_path):
    path = tmp_path / "track.kml"
    path.write_text("<kml/>")
    one_line_error(run(runner, "check", "--track", path), 1, "unknown track format")


def test_gpx_with_entities_refused(runner, tmp_path):
    path = tmp_path / "bomb.gpx"
    path.write_text('<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "aaaaaaaa">]><gpx/>')
    one_line_error(run(runner, "check", "--track", path), 1, "DOCTYPE")


def test_map_track(runner, narva, tmp_path):
    out = tmp_path / "maps"
    res = run(runner, "map", "--track", narva, "-o", out)
    assert res.exit_code == 0, res.output
    html = (out / "narva.html").read_text()
    assert html.count("gi-track") >= 2 and "gi-crossing" in html
    assert "<script src=" not in html  # everything inlined: readable offline
    assert (out / "narva.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    doc = json.loads((out / "narva.geojson").read_text())
    assert [f["properties"]["feature_type"] for f in doc["features"]] == \
        ["track_stretch", "track_stretch", "track_crossing"]


def test_map_needs_inputs_or_track(runner, narva, tmp_path):
    one_line_error(run(runner, "map"), 2, "INPUT")
    one_line_error(run(runner, "map", "x.txt", "--track", narva), 2, "not both")
