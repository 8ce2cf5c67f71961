"""``geoincidents check``: the JSON contract, negative coordinates, point files, bad input."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest
from cli_errors import one_line_error as assert_one_line_error

from geoincidents.cli.main import cli

CONTRACT_KEYS = {"lat", "lon", "date", "country_iso3", "country_name", "nato_member",
                 "inside_nato_airspace", "distance_to_border_km", "territory_iso3", "disputed",
                 "claimants"}


def run(runner, *args):
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_json_keys_and_values(runner):
    res = run(runner, "check", "54.9", "18.5", "--json")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert CONTRACT_KEYS <= set(data)
    assert (data["country_iso3"], data["nato_member"], data["inside_nato_airspace"]) == \
        ("POL", True, True)


def test_international_waters(runner):
    data = json.loads(run(runner, "check", "55.6", "18.5", "--json").stdout)
    assert data["country_iso3"] is None and data["country_name"] is None
    assert data["inside_nato_airspace"] is False and data["distance_to_border_km"] > 0


@pytest.mark.parametrize("day,member", [("2023-01-01", False), ("2023-05-01", True)])
def test_finland_by_date(runner, day, member):
    data = json.loads(run(runner, "check", "60.4", "25.7", "--date", day, "--json").stdout)
    assert data["country_iso3"] == "FIN" and data["nato_member"] is member
    assert data["date"] == day


@pytest.mark.parametrize("args", [["64.18", "-51.72"], ["--json", "64.18", "-51.72"],
                                  ["64.18", "-51.72", "--date", "2020-01-01"],
                                  ["--date", "2020-01-01", "64.18", "-51.72", "--json"]])
def test_negative_coordinates_are_arguments(runner, args):
    res = run(runner, "check", *args)
    assert res.exit_code == 0, res.output
    assert "DNK" in res.stdout and "GRL" in res.stdout


def test_negative_latitude(runner):
    data = json.loads(run(runner, "check", "-51.7", "-57.85", "--json").stdout)  # Stanley
    assert data["country_iso3"] == "GBR" and data["territory_iso3"] == "FLK"
    assert data["claimants"] == ["GBR", "ARG"]


def test_human_readable(runner):
    out = run(runner, "check", "60.4", "25.7", "--date", "2023-01-01").stdout
    assert "Finland (FIN)" in out and "not a NATO member" in out
    assert "km from the nearest NATO member's airspace" in out


@pytest.mark.parametrize("args,needle", [
    (["91", "0"], "LAT"), (["0", "181"], "LON"), (["-90.5", "0"], "LAT"),
    (["nan", "0"], "not a finite number"), (["0", "inf"], "not a finite number"),
    (["0", "-inf"], "not a finite number"), (["north", "0"], "not a number"),
    (["1"], "missing LAT LON"), (["1", "2", "--date", "2025-02-30"], "2025-02-30"),
    (["1", "2", "--date", "yesterday"], "yesterday"), (["1", "2", "--bogus"], "--bogus"),
    (["1", "2", "-o", "x.csv"], "--points"),
])
def test_bad_arguments_exit_2(runner, args, needle):
    assert_one_line_error(run(runner, "check", *args), 2, needle)


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_points_csv_to_csv(runner, tmp_path):
    src = write(tmp_path / "pts.csv",
                "id,Latitude,Longitude,date\na,54.9,18.5,\nb,60.4,25.7,2023-01-01\n"
                "c,64.18,-51.72,2023-01-01T10:00:00Z\n")
    res = run(runner, "check", "--points", str(src), "-o", str(tmp_path / "out.csv"))
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(open(tmp_path / "out.csv", encoding="utf-8")))
    assert [r["id"] for r in rows] == ["a", "b", "c"]
    assert [r["country_iso3"] for r in rows] == ["POL", "FIN", "DNK"]
    assert [r["nato_member"] for r in rows] == ["true", "false", "true"]
    assert rows[2]["territory_iso3"] == "GRL"


def test_points_default_date_applies_to_rows_without_one(runner, tmp_path):
    src = write(tmp_path / "pts.csv", "lat,lon,date\n60.4,25.7,\n60.4,25.7,2024-01-01\n")
    res = run(runner, "check", "--points", str(src), "--date", "2022-01-01")
    rows = list(csv.DictReader(res.stdout.splitlines()))
    assert [r["nato_member"] for r in rows] == ["false", "true"]


def test_points_csv_to_geojson_and_back(runner, tmp_path):
    src = write(tmp_path / "pts.csv", "name,lat,lon\nwaw,52.23,21.01\nsea,55.6,18.5\n")
    out = tmp_path / "out.geojson"
    assert run(runner, "check", "--points", str(src), "-o", str(out)).exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    first = doc["features"][0]
    assert first["geometry"]["coordinates"] == [21.01, 52.23]  # [lon, lat]
    assert first["properties"]["name"] == "waw" and first["properties"]["country_iso3"] == "POL"
    assert doc["features"][1]["properties"]["country_iso3"] is None
    back = run(runner, "check", "--points", str(out))
    assert back.exit_code == 0
    rows = list(csv.DictReader(back.stdout.splitlines())) if back.stdout.startswith("lat") else None
    if rows is None:  # GeoJSON in, no -o: GeoJSON out
        assert json.loads(back.stdout)["features"][0]["properties"]["name"] == "waw"


def test_points_geojson_to_csv_keeps_properties(runner, tmp_path):
    src = write(tmp_path / "pts.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [25.7, 60.4]},
         "properties": {"id": 7, "date": "2023-05-01"}}]}))
    res = run(runner, "check", "--points", str(src), "-o", str(tmp_path / "o.csv"))
    assert res.exit_code == 0
    row = next(csv.DictReader(open(tmp_path / "o.csv", encoding="utf-8")))
    assert (row["id"], row["country_iso3"], row["nato_member"]) == ("7", "FIN", "true")


@pytest.mark.parametrize("name,text,needle", [
    ("nocols.csv", "id,x1,y1\n1,2,3\n", "no latitude/longitude columns"),
    ("empty.csv", "", "empty file"),
    ("blank.csv", "   \n\n", "empty file"),
    ("range.csv", "lat,lon\n10,10\n95,1\n", "line 3: latitude '95'"),
    ("text.csv", "lat,lon\nabc,1\n", "line 2: latitude 'abc' is not a number"),
    ("nan.csv", "lat,lon\nnan,1\n", "line 2: latitude 'nan'"),
    ("inf.csv", "lat,lon\n1,inf\n", "line 2: longitude 'inf'"),
    ("date.csv", "lat,lon,date\n1,1,2025-02-30\n", "line 2: date '2025-02-30'"),
    ("short.csv", "lat,lon,date\n1\n", "line 2: 1 fields, header has 3"),
    ("extra.csv", "lat,lon\n1,2,3\n", "line 2: 3 fields, header has 2"),
    ("bad.geojson", "{not json", "not valid JSON"),
    ("list.geojson", "[1, 2]", "expected a GeoJSON object"),
    ("line.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
         "properties": {}}]}), "feature 1: geometry is not a Point"),
    ("far.geojson", json.dumps({"type": "Feature", "properties": {},
                                "geometry": {"type": "Point", "coordinates": [200, 0]}}),
     "longitude 200"),
    ("pts.xlsx", "lat,lon\n1,1\n", "unknown points format"),
])
def test_bad_point_files_exit_1_without_output(runner, tmp_path, name, text, needle):
    src = write(tmp_path / name, text)
    out = tmp_path / "result.csv"
    res = run(runner, "check", "--points", str(src), "-o", str(out))
    assert_one_line_error(res, 1, needle)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no temporary file left behind


def test_binary_points_file(runner, tmp_path):
    src = tmp_path / "pts.csv"
    src.write_bytes(b"lat,lon\n\xff\xfe\x00\x01,2\n")
    assert_one_line_error(run(runner, "check", "--points", str(src), "-o",
                              str(tmp_path / "o.csv")), 1, "not UTF-8")
    assert not (tmp_path / "o.csv").exists()


def test_missing_points_file_is_usage_error(runner, tmp_path):
    assert_one_line_error(run(runner, "check", "--points", str(tmp_path / "nope.csv")), 2,
                          "nope.csv")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable files")
def test_unreadable_points_file(runner, tmp_path):
    src = write(tmp_path / "pts.csv", "lat,lon\n1,1\n")
    src.chmod(0)
    assert_one_line_error(run(runner, "check", "--points", str(src)), 1, "pts.csv")


def test_output_directory_missing(runner, tmp_path):
    src = write(tmp_path / "pts.csv", "lat,lon\n1,1\n")
    res = run(runner, "check", "--points", str(src), "-o", str(tmp_path / "no" / "o.csv"))
    assert_one_line_error(res, 1, "cannot write")


def test_output_replaced_atomically(runner, tmp_path):
    src = write(tmp_path / "pts.csv", "lat,lon\n54.9,18.5\n")
    out = write(tmp_path / "o.csv", "old content\n")
    assert run(runner, "check", "--points", str(src), "-o", str(out)).exit_code == 0
    assert "POL" in out.read_text(encoding="utf-8")
    bad = write(tmp_path / "bad.csv", "lat,lon\n54.9,18.5\n99,1\n")
    assert run(runner, "check", "--points", str(bad), "-o", str(out)).exit_code == 1
    assert "POL" in out.read_text(encoding="utf-8")  # the earlier good output is untouched


def test_module_entry_point_and_real_process():
    """`python -m geoincidents` works, and a real process prints one error line, exit 2."""
    ok = subprocess.run([sys.executable, "-m", "geoincidents", "check", "64.18", "-51.72",
                         "--json"], capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and json.loads(ok.stdout)["country_iso3"] == "DNK"
    bad = subprocess.run([sys.executable, "-m", "geoincidents", "check", "100", "0"],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == ["Error: Invalid value for LAT: 100 is outside "
                                               "[-90, 90]"]


def test_the_cli_puts_the_callers_signal_handlers_back():
    """Run in a caller's process (a test, a notebook), the CLI's SIGTERM/SIGINT handlers last
    only as long as the command: processes the caller forks later are not left with them."""
    import signal

    from click.testing import CliRunner

    from geoincidents.cli.main import cli

    def mine(signum, frame):
        pass

    before = signal.signal(signal.SIGTERM, mine)
    try:
        CliRunner().invoke(cli, ["check", "--help"])
        assert signal.getsignal(signal.SIGTERM) is mine
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGTERM, before)
