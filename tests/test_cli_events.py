"""``geoincidents events`` end to end: a folder of reports -> events, --update, formats, errors."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from geoincidents.cli.main import cli

REPORTS = {
    "wire.txt": "WARSAW, Sept 10, 2025 - Russian drones violated Polish airspace overnight, the "
                "army said on Wednesday, and several were shot down.",
    "local.txt": "LUBLIN, Sept 11, 2025 - A Russian drone smashed through the roof of a house "
                 "in Wyryki-Wola, a village in Włodawa county in Poland's Lublin province, in "
                 "the early hours of Wednesday.",
    "aalborg.txt": "COPENHAGEN, Sept 25, 2025 - Drones were spotted over the airport in Aalborg "
                   "on Wednesday night, forcing it to close for several hours.",
}


@pytest.fixture()
def feed(tmp_path):
    folder = tmp_path / "feed"
    folder.mkdir()
    for name, text in REPORTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run(*args):
    return CliRunner().invoke(cli, ["events", *map(str, args)], catch_exceptions=False)


def features(path):
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def test_events_from_a_folder_then_update_keeps_ids(feed, tmp_path):
    out = tmp_path / "events.geojson"
    result = run(feed, "-o", out, "-j", "1")
    assert result.exit_code == 0, result.output
    feats = features(out)
    assert sorted(f["properties"]["report_count"] for f in feats) == [1, 2]
    for f in feats:
        props = f["properties"]
        assert props["feature_type"] == "event" and props["event_id"].startswith("ev-")
        assert isinstance(json.loads(props["sources"]), list)
        lon, lat = f["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    ids = {f["properties"]["event_id"] for f in feats}
    # A new day's report of the Polish night joins its event; the ids stay.
    day2 = tmp_path / "day2"
    day2.mkdir()
    (day2 / "followup.txt").write_text(
        "WARSAW, Sept 17, 2025 - Investigators are still examining the house in Wyryki-Wola, a "
        "village in Włodawa county, hit by a Russian drone on Sept. 10.", encoding="utf-8")
    result = run(day2, "--update", out, "-j", "1")
    assert result.exit_code == 0, result.output
    feats = features(out)
    assert {f["properties"]["event_id"] for f in feats} == ids
    assert sorted(f["properties"]["report_count"] for f in feats) == [1, 3]


def test_csv_output_and_stdout(feed, tmp_path):
    out = tmp_path / "events.csv"
    assert run(feed, "-o", out, "-j", "1").exit_code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 2 and {"lat", "lon", "event_id", "report_count"} <= set(rows[0])
    result = CliRunner().invoke(cli, ["events", str(feed / "aalborg.txt")])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["features"][0]["properties"]["report_count"] == 1


def test_bad_update_file_and_empty_input_write_nothing(feed, tmp_path):
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                   '"geometry": null, "properties": {"feature_type": "incident"}}]}')
    before = bad.read_text()
    result = run(feed, "--update", bad)
    assert result.exit_code == 2 and "not an event" in result.output
    assert bad.read_text() == before
    out = tmp_path / "events.geojson"
    out.write_text("earlier output")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run(empty, "-o", out)
    assert result.exit_code == 1 and out.read_text() == "earlier output"
    result = run(feed, "-o", tmp_path / "events.txt")
    assert result.exit_code == 2 and "must end in" in result.output


@pytest.mark.parametrize("suffix", [".gpkg", ".parquet"])
def test_table_outputs(feed, tmp_path, suffix):
    pytest.importorskip("pyogrio")
    pytest.importorskip("pyarrow")
    import geopandas

    out = tmp_path / f"events{suffix}"
    assert run(feed, "-o", out, "-j", "1").exit_code == 0
    frame = geopandas.read_file(out, layer="events") if suffix == ".gpkg" \
        else geopandas.read_parquet(out)
    assert sorted(frame["report_count"].tolist()) == [1, 2]
    assert set(frame.geometry.geom_type) == {"Point"}
