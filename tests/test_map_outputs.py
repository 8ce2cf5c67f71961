"""`geoincidents map`: the GeoJSON (read back with GDAL), the PNG, and bad output paths."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from geoincidents.cli.main import cli
from geoincidents.errors import OutputError
from geoincidents.outputs.geojson import validate

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_f7b29a746955773c.txt"
STEM = SEED.stem


def run(runner, *args):
    return runner.invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def seed_outputs(tmp_path_factory):
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("map")
    res = CliRunner().invoke(cli, ["map", str(SEED), "--published", "2025-09-12", "-o",
                                   str(out), "--format", "geojson,png"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "1 incident(s): 1 inside" in res.stderr
    return out


def test_geojson_reads_back_with_gdal(seed_outputs):
    pyogrio = pytest.importorskip("pyogrio")
    path = seed_outputs / f"{STEM}.geojson"
    info = pyogrio.read_info(path)
    # Points (incidents, places) and the incident's region polygon: GDAL says "Unknown" for
    # a layer of mixed types, so each feature's type is checked instead.
    assert info["geometry_type"] in ("Point", "Unknown") and info["crs"] == "EPSG:4326"
    frame = pyogrio.read_dataframe(path)
    kinds = dict(zip(frame["feature_type"], frame.geometry.geom_type))
    assert kinds["incident"] == "Point" and kinds["place"] == "Point"
    assert kinds["incident_area"] in ("Polygon", "MultiPolygon")
    incidents = frame[frame["feature_type"] == "incident"]
    assert len(incidents) == 1
    row = incidents.iloc[0]
    assert (row["country_iso3"], row["verdict"], row["object"]) == ("POL", "inside", "drone")
    assert row.geometry.x == pytest.approx(20.0) and row.geometry.y == pytest.approx(52.0)
    # Every declared field has one OGR type: no mixed types, no NaN written as a number.
    assert info["fields"].tolist().count("evidence") == 1
    doc = json.loads(path.read_text(encoding="utf-8"))
    validate(doc)
    assert len(frame) == len(doc["features"])


def test_png_is_a_report_sized_image(seed_outputs):
    path = seed_outputs / f"{STEM}.png"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert 1200 <= width <= 2400 and 900 <= height <= 2400


@pytest.mark.parametrize("mutate,needle", [
    (lambda d: d.update(crs={"type": "name"}), "crs"),
    (lambda d: d["features"][0]["geometry"].update(coordinates=[200.0, 10.0]), "outside"),
    (lambda d: d["features"][0]["geometry"].update(coordinates=[20.123456789, 10.0]),
     "7 decimals"),
    (lambda d: d["features"][0]["properties"].update(start="zero"), "property .start. is a"),
    (lambda d: d["features"][0]["properties"].update(nested={"a": 1}), "not flat"),
    (lambda d: d["features"][0]["properties"].update(confidence=float("nan")), "not finite"),
    (lambda d: d["features"][0].update(geometry={"type": "Polygon", "coordinates": [
        [[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}), "right-hand rule"),
])
def test_validate_rejects(seed_outputs, mutate, needle):
    doc = json.loads((seed_outputs / f"{STEM}.geojson").read_text(encoding="utf-8"))
    mutate(doc)
    with pytest.raises(OutputError, match=needle):
        validate(doc)


def test_bad_format_exit_2(runner, tmp_path):
    res = run(runner, "map", str(SEED), "-o", str(tmp_path), "--format", "html,pdf")
    assert res.exit_code == 2 and "pdf" in res.stderr


def test_unwritable_output_dir_exit_1_nothing_left(runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    res = run(runner, "map", str(SEED), "-o", str(blocker / "sub"), "--format", "geojson")
    assert res.exit_code == 1 and "sub" in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_read_only_output_dir(runner, tmp_path):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    res = run(runner, "map", str(SEED), "-o", str(out), "--format", "geojson")
    assert res.exit_code == 1 and str(out) in res.stderr
    assert list(out.iterdir()) == []


def test_no_clobber_refuses_and_default_replaces(runner, tmp_path):
    target = tmp_path / f"{STEM}.geojson"
    target.write_text("old", encoding="utf-8")
    res = run(runner, "map", str(SEED), "-o", str(tmp_path), "--format", "geojson",
              "--no-clobber")
    assert res.exit_code == 1 and "--no-clobber" in res.stderr
    assert target.read_text(encoding="utf-8") == "old"
    res = run(runner, "map", str(SEED), "-o", str(tmp_path), "--format", "geojson",
              "--published", "2025-09-12")
    assert res.exit_code == 0 and json.loads(target.read_text(encoding="utf-8"))["features"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_combine(runner, tmp_path):
    other = tmp_path / "other.txt"
    other.write_text("A Russian drone crashed near the village of Plauru in Tulcea county on "
                     "Monday, the Romanian defence ministry said.", encoding="utf-8")
    res = run(runner, "map", str(SEED), str(other), "--published", "2025-09-12", "-o",
              str(tmp_path / "out"), "--format", "geojson", "--combine", "all")
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "out" / "all.geojson").read_text(encoding="utf-8"))
    ids = {f["properties"]["doc_id"] for f in doc["features"]
           if f["properties"]["feature_type"] == "incident"}
    assert ids == {STEM, "other"}
