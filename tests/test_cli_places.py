"""``geoincidents places`` end to end with the bundled gazetteer and model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geoincidents.cli.main import cli

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_f7b29a746955773c.txt"


def run(runner, *args, **kw):
    return runner.invoke(cli, list(args), catch_exceptions=False, **kw)


@pytest.fixture(scope="module")
def seed_places():
    from click.testing import CliRunner

    res = CliRunner().invoke(cli, ["places", str(SEED)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    line = json.loads(res.stdout)
    assert line["id"] == SEED.stem
    return line["places"]


def test_seed_places_and_roles(seed_places):
    by_text = {}
    for p in seed_places:
        by_text.setdefault(p["text"], []).append(p)
    for name in ("Poland", "Polish", "Ukraine", "Brussels", "Alaska", "Denmark", "France",
                 "United Kingdom", "Germany", "Europe", "Eastern Europe", "Washington"):
        assert name in by_text, name
    assert {p["role"] for p in by_text["Polish"]} == {"location", "actor"}  # airspace / PM
    assert by_text["Russian"][0]["role"] == "actor"
    assert by_text["Moscow"][0]["role"] == "actor"  # "Moscow downplayed the incident"
    assert by_text["Poland"][0]["precision"] == "country"
    assert by_text["Poland"][0]["country_iso3"] == "POL"
    assert by_text["Brussels"][0]["country_iso3"] == "BEL"
    assert by_text["Brussels"][0]["precision"] == "city"
    assert by_text["Alaska"][0]["precision"] == "admin1"
    assert by_text["Eastern Europe"][0]["precision"] == "region"
    assert by_text["Washington"][0]["lat"] == pytest.approx(38.9, abs=0.1)  # the capital
    for gone in ("NATO", "Mark Rutte", "Eastern Sentry", "World War II", "Eastern"):
        assert gone not in by_text
    for p in seed_places:
        assert set(p) >= {"start", "end", "text", "name", "lat", "lon", "country_iso3",
                          "precision", "role", "gazetteer_id", "geocoder"}


def test_empty_text_gives_a_line_with_no_places(runner, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    res = run(runner, "places", str(empty))
    assert res.exit_code == 0 and json.loads(res.stdout) == {"id": "empty", "places": []}


def test_invalid_utf8_is_replaced_with_a_warning(runner, tmp_path, caplog):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Drones flew over Gda\xf1sk and Warsaw.".encode("latin-1"))
    res = run(runner, "places", str(bad))
    assert res.exit_code == 0
    warnings = [r for r in caplog.records if "not valid UTF-8" in r.getMessage()]
    assert len(warnings) == 1 and "latin1.txt" in warnings[0].getMessage()
    assert any(p["text"] == "Warsaw" for p in json.loads(res.stdout)["places"])


def test_jsonl_input_and_output_file(runner, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "a", "text": "Sirens sounded in Kyiv."}) + "\n"
                    + json.dumps({"id": 7, "text": "Nothing here.", "other": 1}) + "\n",
                    encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run(runner, "places", str(feed), "-o", str(out)).exit_code == 0
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["id"] for x in lines] == ["a", "7"]
    assert lines[0]["places"][0]["name"] == "Kyiv" and lines[1]["places"] == []


def test_bad_lines_are_reported_and_skipped(runner, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "a", "text": "Kyiv."}\n{"id": "b", "text": \n{"id": "c"}\n'
                    '{"id": "d", "text": "Sirens in Lviv."}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    errors = tmp_path / "errors.jsonl"
    res = run(runner, "places", str(feed), "-o", str(out), "--errors", str(errors))
    assert res.exit_code == 1
    assert "feed.jsonl line 2: not valid JSON" in res.stderr
    assert "line 3: missing 'text'" in res.stderr
    assert res.stderr.strip().splitlines()[-1].startswith("Error: 2 bad input(s) skipped, 2 ")
    # The good documents are all there (complete, not partial) ...
    assert [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()] == \
        ["a", "d"]
    # ... and the bad ones are listed for a rerun.
    listed = [json.loads(x) for x in errors.read_text(encoding="utf-8").splitlines()]
    assert [x["source"].rsplit(" ", 1)[-1] for x in listed] == ["2", "3"]


def test_fail_fast_stops_at_the_first_bad_line(runner, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id": "a", "text": "Kyiv."}\n{"id": "b", "text": \n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = run(runner, "places", str(feed), "-o", str(out), "--fail-fast")
    assert res.exit_code == 1 and "feed.jsonl line 2: not valid JSON" in res.stderr
    assert not out.exists()


def test_given_spans(runner, tmp_path):
    feed = tmp_path / "gold.jsonl"
    text = "Drones fell near Przewodów in Poland."
    feed.write_text(json.dumps({"id": "g", "text": text, "toponyms": [
        {"start": 17, "end": 26, "name": "Przewodów"}, {"start": 30, "end": 36}]}) + "\n",
        encoding="utf-8")
    res = run(runner, "places", "--given-spans", str(feed))
    places = json.loads(res.stdout)["places"]
    assert [(p["start"], p["end"]) for p in places] == [(17, 26), (30, 36)]
    assert places[1]["country_iso3"] == "POL"
    # The village is not in cities500; the built-in village layer has it.
    assert places[0]["country_iso3"] == "POL" and places[0]["precision"] == "village"
    assert abs(places[0]["lat"] - 50.47) < 0.02 and abs(places[0]["lon"] - 23.93) < 0.02


def test_user_gazetteer_option(runner, tmp_path):
    gaz = tmp_path / "villages.csv"
    gaz.write_text("name,lat,lon,country_iso3\nPrzewodów,50.4745,23.9384,POL\n", encoding="utf-8")
    story = tmp_path / "story.txt"
    story.write_text("A missile struck the village of Przewodów.", encoding="utf-8")
    res = run(runner, "places", str(story), "--gazetteer", str(gaz))
    place = json.loads(res.stdout)["places"][0]
    assert (place["lat"], place["lon"], place["geocoder"]) == (50.4745, 23.9384, "user")


def test_bad_user_gazetteer_names_the_row(runner, tmp_path):
    gaz = tmp_path / "villages.csv"
    gaz.write_text("name,lat,lon\nX,100,1\n", encoding="utf-8")
    res = run(runner, "places", str(SEED), "--gazetteer", str(gaz))
    assert res.exit_code == 1 and "villages.csv row 2: latitude '100'" in res.stderr


def test_unknown_geocoder(runner):
    res = run(runner, "places", str(SEED), "--geocoder", "bogus")
    assert res.exit_code == 1 and "unknown geocoder 'bogus'" in res.stderr


def test_missing_input(runner, tmp_path):
    res = run(runner, "places", str(tmp_path / "nope.txt"))
    assert res.exit_code == 1 and "nope.txt: no such file or directory" in res.stderr


def test_overlong_document_is_refused_by_name(runner, tmp_path):
    big = tmp_path / "dump.txt"
    big.write_text("Drones entered Polish airspace. " * 400, encoding="utf-8")
    small = tmp_path / "news.txt"
    small.write_text("Sirens sounded in Kyiv.", encoding="utf-8")
    res = run(runner, "places", str(big), str(small), "--max-chars", "5000")
    assert res.exit_code == 1
    assert "dump.txt: 12,800 characters, over the limit of 5,000" in res.stderr
    assert [json.loads(x)["id"] for x in res.stdout.splitlines()] == ["news"]


def test_model_option_takes_a_pipeline_directory(runner, tmp_path):
    """--model DIR loads a pipeline from disk; one without a senter gets a sentencizer."""
    import spacy

    from geoincidents.mentions import MODEL

    spacy.load(MODEL, exclude=["parser", "senter"]).to_disk(tmp_path / "pipeline")
    story = tmp_path / "s.txt"
    story.write_text("Sirens sounded in Kyiv. Russian drones entered Polish airspace.",
                     encoding="utf-8")
    res = run(runner, "places", str(story), "--model", str(tmp_path / "pipeline"))
    assert res.exit_code == 0, res.output
    found = {p["text"]: p for p in json.loads(res.stdout)["places"]}
    assert {"Kyiv", "Russian", "Polish"} <= set(found)
    assert found["Polish"]["role"] == "location" and found["Russian"]["role"] == "actor"
