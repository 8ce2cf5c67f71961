"""Hostile text: XSS payloads in article text, place names, user gazetteer names and titles are
shown as text, never run, and kept verbatim in the GeoJSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geoincidents.cli.main import cli

PAYLOADS = [line for line in (Path(__file__).parent / "data" / "hostile" / "payloads.txt")
            .read_text(encoding="utf-8").splitlines() if line.strip()]


def story(payload: str, n: int) -> str:
    return (f"Russian drones entered Polish airspace near the village of Zbójno on Wednesday "
            f"{payload}. Officials in Warsaw said {payload} was under investigation. "
            f"Debris was found near the village of {_village(n)} in Lublin province.")


def _village(n: int) -> str:
    return "Evilvale" + chr(97 + n) * 2  # letters only: digits would read as a code


def test_payload_corpus_is_substantial():
    assert len(PAYLOADS) >= 20


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    from click.testing import CliRunner

    root = tmp_path_factory.mktemp("hostile")
    feed = root / "hostile.jsonl"
    with feed.open("w", encoding="utf-8") as fh:
        for n, payload in enumerate(PAYLOADS):
            fh.write(json.dumps({"id": f"doc{n}", "text": story(payload, n),
                                 "published": "2025-09-12"}) + "\n")
    # A user gazetteer (GeoNames dump format) whose place *names* are the payloads, matched in
    # the text through an alternate name: the resolved name then reaches every popup.
    gaz = root / "PL.txt"
    gaz.write_text("".join(
        "\t".join([str(900000 + n), p.replace("\t", " "), "x", _village(n), f"51.{n:02d}",
                   "22.5", "P", "PPL", "PL", "", "75", "", "", "", "600", "", "", "",
                   "2025-01-01"]) + "\n" for n, p in enumerate(PAYLOADS)), encoding="utf-8")
    title = "<script>alert('xss-title')</script> ${alert('t')}"
    res = CliRunner().invoke(cli, ["map", str(feed), "-o", str(root / "out"), "--combine",
                                   "all", "--title", title, "--gazetteer", str(gaz)],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return root / "out", title


def test_geojson_keeps_text_verbatim(hostile_run):
    out, _ = hostile_run
    doc = json.loads((out / "all.geojson").read_text(encoding="utf-8"))
    evidence = [f["properties"]["evidence"] for f in doc["features"]
                if f["properties"]["feature_type"] == "incident"]
    names = {f["properties"]["name"] for f in doc["features"]}
    for payload in PAYLOADS:
        assert any(payload in e for e in evidence), payload
        assert payload in names, payload  # the gazetteer's hostile names, verbatim


@pytest.mark.browser
def test_nothing_runs_in_the_map(hostile_run):
    from browser import open_page

    out, title = hostile_run
    page = out / "all.html"
    html = page.read_text(encoding="utf-8")
    for payload in PAYLOADS:
        if "<" in payload:
            assert payload not in html, payload  # every tag arrives escaped
    with open_page(page) as p:
        markers = p.page.locator("path.gi-incident")
        for k in range(min(markers.count(), 8)):
            markers.nth(k).click(force=True)
            p.settle(150)
        p.settle(300)
        assert p.dialogs == [], p.dialogs
        assert p.requests == [], p.requests
        assert p.errors == [], p.errors
        assert title in p.evaluate("document.querySelector('.gi-title').innerText")
        assert p.evaluate("document.querySelectorAll('.leaflet-popup-content script,"
                          " .leaflet-popup-content img, .leaflet-popup-content iframe,"
                          " .leaflet-popup-content svg, .gi-title script').length") == 0
