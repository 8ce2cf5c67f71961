"""The HTML map in headless Chromium, offline: nothing leaves the file, the map renders with its
incident marker and borders, the popup shows the evidence, and article text never runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import open_page

from geoincidents.cli.main import cli

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_f7b29a746955773c.txt"
HOSTILE = ("Russian drones entered Polish airspace on Wednesday near the village of "
           "<script>alert('xss1')</script>Zbójno, officials said <img src=x onerror=alert('xss2')>"
           " and <a href=\"javascript:alert('xss3')\">details</a>.")

pytestmark = pytest.mark.browser


def make_map(tmp_path, source: Path, published: str = "2025-09-12") -> Path:
    from click.testing import CliRunner

    res = CliRunner().invoke(cli, ["map", str(source), "--published", published, "-o",
                                   str(tmp_path), "--format", "html"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return tmp_path / f"{source.stem}.html"


@pytest.fixture(scope="module")
def seed_html(tmp_path_factory):
    return make_map(tmp_path_factory.mktemp("html"), SEED)


def test_seed_map_offline(seed_html, tmp_path):
    assert seed_html.stat().st_size <= 1_500_000
    with open_page(seed_html) as p:
        assert p.requests == [], p.requests
        assert p.errors == [] and p.dialogs == []
        assert p.evaluate("document.querySelectorAll('.leaflet-container').length") == 1
        assert p.evaluate("document.querySelectorAll('path.gi-incident').length") == 1
        borders = p.evaluate("document.querySelectorAll('.leaflet-overlay-pane path').length")
        assert borders > 20
        assert "NATO member on 2025-09-10" in p.evaluate("document.body.innerText")
        p.page.locator("path.gi-incident").first.click(force=True)
        p.settle(300)
        popup = p.evaluate("document.querySelector('.leaflet-popup-content')?.innerText || ''")
        assert "suspected Russian drones entered Polish airspace" in popup
        assert "inside NATO airspace" in popup
        shot = tmp_path / "seed-map.png"
        p.screenshot(shot)
        assert shot.read_bytes()[:4] == b"\x89PNG"


def test_hostile_text_is_shown_not_run(tmp_path):
    story = tmp_path / "hostile.txt"
    story.write_text(HOSTILE, encoding="utf-8")
    page = make_map(tmp_path, story)
    html = page.read_text(encoding="utf-8")
    assert "<script>alert('xss1')" not in html and "<img src=x" not in html
    assert "href=\"javascript:" not in html
    with open_page(page) as p:
        p.page.locator("path.gi-incident").first.click(force=True)
        p.settle(300)
        popup = p.evaluate("document.querySelector('.leaflet-popup-content')?.innerText || ''")
        assert "<script>alert('xss1')</script>" in popup  # shown as text
        p.settle(300)
        assert p.dialogs == [] and p.requests == [] and p.errors == []
        assert p.evaluate("document.querySelectorAll('.leaflet-popup-content script, "
                          ".leaflet-popup-content img, .leaflet-popup-content a').length") == 0
