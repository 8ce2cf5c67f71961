"""The events map: offline HTML (borders, one circle per event sized by its reports, popups
listing every source, a date slider, clustering, a sortable table) and a PNG, built from events
that geoincidents.events clusters out of sightings made here."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from browser import open_page

from geoincidents.errors import InputError, NothingToWrite
from geoincidents.events import Sighting, Source, cluster_events
from geoincidents.outputs.events_map import (
    event_scene,
    marker_radius,
    render_event_figure,
    safe_url,
    script_json,
    write_event_map,
)
from geoincidents.outputs.offline import external_references
from geoincidents.outputs.scene import VERDICT_COLOURS

D = dt.date
HOSTILE = ("A drone <script>alert('xss1')</script> crossed <img src=x onerror=alert('xss2')> "
           "{{ 7*7 }} `${alert('xss3')}` near Tulcea")
STATES = {"POL": "Poland", "ROU": "Romania", "DNK": "Denmark"}


def sighting(doc, lat, lon, iso3, name, day, *, verdict="inside", url=None,
             evidence="Drones were seen.", published=None):
    return Sighting(Source(doc, "i1", url, published or day, evidence), "drone", "RUS", None, day,
                    iso3, STATES[iso3], True, verdict == "inside", verdict, 10.0, lat, lon,
                    "village", 5.0, name, 0.8)


def make_events():
    """Przewodów (5 reports, 2025-09-10), Tulcea (2, one with a javascript: URL and HTML in
    its evidence), Hrubieszów (1, 37 km from Przewodów: one cluster at the first zoom),
    Aalborg (1, outside NATO airspace)."""
    sightings = [sighting(f"pl-{k}", 50.47, 23.93, "POL", "Przewodów", D(2025, 9, 10),
                          url=f"https://pl.example/news/{k}", published=D(2025, 9, 10 + k))
                 for k in range(5)]
    sightings += [
        sighting("ro-1", 45.17, 28.80, "ROU", "Tulcea", D(2025, 9, 13), verdict="possible",
                 url="https://ro.example/a?x=1&y=2"),
        sighting("ro-2", 45.18, 28.81, "ROU", "Tulcea", D(2025, 9, 13), verdict="possible",
                 url="javascript:alert('xss-url')", evidence=HOSTILE),
        sighting("pl-hr", 50.80, 23.89, "POL", "Hrubieszów", D(2025, 9, 20),
                 url="HTTPS://pl.example/hr"),
        sighting("dk-1", 57.09, 9.85, "DNK", "Aalborg Airport", D(2025, 9, 24),
                 verdict="outside", url="https://dk.example/aalborg"),
    ]
    return cluster_events(sightings)


@pytest.fixture(scope="module")
def events():
    events = make_events()
    assert [(e.where.name, e.report_count) for e in events] == [
        ("Przewodów", 5), ("Tulcea", 2), ("Hrubieszów", 1), ("Aalborg Airport", 1)]
    return events


@pytest.fixture(scope="module")
def written(events, world, tmp_path_factory):
    directory = tmp_path_factory.mktemp("events") / "maps" / "new"  # created by the writer
    return write_event_map(events, directory, "feed", airspace=world)


@pytest.fixture(scope="module")
def page(written) -> str:
    return written[0].read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def data(page) -> dict:
    """The events as the page's script gets them."""
    match = re.search(r"var data = (\{.*?\});\n", page)
    return json.loads(match.group(1))


def test_writes_html_and_png_into_a_new_directory(written):
    html, png = written
    assert html.name == "feed.html" and png.name == "feed.png"
    assert html.is_file() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not list(html.parent.glob(".*.tmp"))  # atomic writes leave no temporary file


def test_html_needs_no_network(page):
    assert external_references(page) == []
    assert not re.search(r"<script[^>]*\bsrc=", page)
    assert not re.search(r"<link[^>]*stylesheet", page)
    assert "tile.openstreetmap" not in page and "cdnjs" not in page
    assert "L.MarkerClusterGroup=L.FeatureGroup.extend" in page  # inlined, not fetched


def test_one_circle_per_event_sized_and_coloured(data):
    assert [e["radius"] for e in data["events"]] == [marker_radius(n) for n in (5, 2, 1, 1)]
    assert marker_radius(5) > marker_radius(2) > marker_radius(1)
    assert [e["colour"] for e in data["events"]] == [
        VERDICT_COLOURS[v] for v in ("inside", "possible", "inside", "outside")]
    assert data["days"] == ["2025-09-10", "2025-09-13", "2025-09-20", "2025-09-24"]
    (lat, lon) = data["events"][3]["lat"], data["events"][3]["lon"]
    assert (lat, lon) == (57.09, 9.85)  # Aalborg: lat/lon, not swapped


def test_popup_lists_every_source(data):
    popup = data["events"][0]["popup"]
    for field in ("Object", "Date", "State", "Verdict", "Precision", "Reports",
                  "First reported", "Last reported", "Conflicts", "Sources (5)"):
        assert field in popup
    assert "Poland (POL)" in popup and "inside NATO airspace" in popup
    assert "2025-09-14" in popup  # the last report's publication date
    assert popup.count('<a href="https://pl.example/news/') == 5
    assert 'rel="noopener noreferrer nofollow"' in popup


def test_untrusted_text_is_escaped(page, data):
    assert "<script>alert('xss1')" not in page and "<img src=x" not in page
    assert "{{ 7*7 }}" not in page and "javascript:" not in page.lower()
    popup = data["events"][1]["popup"]
    assert "&lt;script&gt;alert(&#x27;xss1&#x27;)&lt;/script&gt;" in popup
    assert "&#123;&#123; 7*7 &#125;&#125;" in popup  # not evaluated by folium's templates
    # The https link is kept (its & escaped); the javascript: one is no link at all.
    assert re.findall(r'href="([^"]*)"', popup) == ["https://ro.example/a?x=1&amp;y=2"]
    assert 'href="HTTPS://pl.example/hr"' in data["events"][2]["popup"]


@pytest.mark.parametrize("url, ok", [
    ("https://example.org/a", True), ("http://example.org", True), ("HTTP://EXAMPLE.ORG", True),
    ("javascript:alert(1)", False), (" https://example.org", False), ("//example.org", False),
    ("data:text/html,<b>", False), ("ftp://example.org", False), ("https://", False),
    (None, False), ("", False),
])
def test_safe_url(url, ok):
    assert safe_url(url) == (url if ok else None)


def test_script_json_cannot_end_the_script_or_reach_the_template():
    value = {"a": "</script><script>alert(1)</script>", "b": "{{ 7*7 }} {% x %} {# c #}",
             "c": "\u2028&", "nested": [{"d": "}}"}]}
    text = script_json(value)
    assert json.loads(text) == value
    assert "</" not in text and "{{" not in text and "{%" not in text and "{#" not in text
    assert "}}" not in text.replace("}]}", "")  # only the structure closes braces


def test_own_style_and_script_hold_no_template_syntax():
    from geoincidents.outputs import events_map

    script = events_map._SCRIPT.replace("{{ this._parent.get_name() }}", "")
    script = script.replace("{{ this.data }}", "")
    for text in (events_map._STYLE, script):  # folium renders both through Jinja
        assert not re.search(r"\{[{%#]", text)


def test_table_lists_the_events(page):
    table = page[page.index('<table id="gi-events-table">'):]
    headers = re.findall(r'<th data-key="(\w+)"', table)
    assert headers == ["date", "object", "place", "state", "verdict", "reports", "conflicts"]
    assert len(re.findall(r"<tr data-index=", table)) == 4
    assert "Aalborg Airport" in table


def test_png_has_the_verdict_colours(written):
    import matplotlib.image as mpimg
    import numpy as np

    image = mpimg.imread(written[1])[..., :3]
    for verdict in ("inside", "possible", "outside"):
        rgb = np.array([int(VERDICT_COLOURS[verdict][i:i + 2], 16) / 255 for i in (1, 3, 5)])
        close = np.all(np.abs(image - rgb) < 0.02, axis=-1)
        assert close.sum() > 500, verdict


def test_png_draws_each_event_at_its_point(events, world):
    import matplotlib.pyplot as plt
    import numpy as np

    fig = render_event_figure(events, event_scene(events, world), dpi=100)
    try:
        fig.canvas.draw()
        pixels = np.asarray(fig.canvas.buffer_rgba())[..., :3] / 255
        ax = fig.axes[0]
        height = pixels.shape[0]
        for event in events:
            w = event.where
            x, y = ax.transData.transform((w.lon, w.lat))  # matplotlib's x is the longitude
            rgb = pixels[int(round(height - y)), int(round(x))]
            want = [int(VERDICT_COLOURS[w.verdict][i:i + 2], 16) / 255 for i in (1, 3, 5)]
            assert np.allclose(rgb, want, atol=0.02), (w.name, rgb, want)
    finally:
        plt.close(fig)


def test_nothing_to_write_without_a_located_event(world, tmp_path):
    unplaced = Sighting(Source("x", "i1", None, D(2025, 9, 10), "Drones."), "drone", None, None,
                        None, None, None, None, None, None, None, None, None, None, None, None,
                        0.5)
    with pytest.raises(NothingToWrite):
        write_event_map(cluster_events([unplaced]), tmp_path / "out", airspace=world)
    with pytest.raises(NothingToWrite):
        write_event_map([], tmp_path / "out", airspace=world)
    assert not (tmp_path / "out").exists()


def test_events_without_a_location_are_left_out(events, world, tmp_path):
    unplaced = Sighting(Source("x", "i1", None, D(2025, 9, 30), "Drones."), "drone", None, None,
                        D(2025, 9, 30), None, None, None, None, None, None, None, None, None,
                        None, None, 0.5)
    html, _ = write_event_map([*events, *cluster_events([unplaced])], tmp_path, airspace=world)
    page = html.read_text(encoding="utf-8")
    assert page.count("<tr data-index=") == 4 and "2025-09-30" not in page


def test_bad_stem_is_refused(events, world, tmp_path):
    with pytest.raises(InputError):
        write_event_map(events, tmp_path, "../escape", airspace=world)


# -- in Chromium, offline ----------------------------------------------------------------------

VISIBLE = """() => document.querySelectorAll('path.gi-event').length +
  [...document.querySelectorAll('.gi-cluster')].reduce((n, c) => n + Number(c.innerText), 0)"""
ROWS = """() => [...document.querySelectorAll('#gi-events-table tbody tr')]
  .filter(r => !r.hidden).map(r => r.cells[2].innerText)"""


@pytest.mark.browser
def test_browser_markers_cluster_and_slider(written):
    with open_page(written[0]) as p:
        assert p.requests == [] and p.errors == [] and p.dialogs == []
        assert p.console_errors() == []
        assert p.evaluate("document.querySelectorAll('.leaflet-overlay-pane path').length") > 20
        # Przewodów and Hrubieszów overlap at the first zoom: one cluster of 2.
        assert p.evaluate(VISIBLE) == 4
        assert p.evaluate("[...document.querySelectorAll('.gi-cluster')]"
                          ".map(c => c.innerText)") == ["2"]
        assert p.evaluate("document.querySelectorAll('path.gi-event').length") == 2
        assert "up to 2025-09-24: 4 of 4" in p.evaluate(
            "document.getElementById('gi-window').textContent")

        slider = p.page.locator("#gi-slider")
        slider.press("Home")
        p.settle(400)
        assert "up to 2025-09-10: 1 of 4" in p.evaluate(
            "document.getElementById('gi-window').textContent")
        assert p.evaluate(VISIBLE) == 1
        assert p.evaluate(ROWS) == ["Przewodów"]
        slider.press("ArrowRight")
        p.settle(400)
        assert p.evaluate(VISIBLE) == 2

        p.page.select_option("#gi-mode", "day")
        slider.press("End")
        p.settle(400)
        assert "on 2025-09-24: 1 of 4" in p.evaluate(
            "document.getElementById('gi-window').textContent")
        assert p.evaluate(VISIBLE) == 1
        assert p.evaluate("document.querySelectorAll('path.gi-event-3').length") == 1
        assert p.evaluate(ROWS) == ["Aalborg Airport"]

        p.page.select_option("#gi-mode", "upto")
        p.settle(400)
        assert p.evaluate(VISIBLE) == 4
        # A click on the cluster zooms in until its two events stand apart.
        p.page.locator(".gi-cluster").first.click()
        p.settle(1200)
        assert p.evaluate("document.querySelectorAll('.gi-cluster').length") == 0
        assert p.evaluate("document.querySelectorAll('path.gi-event-0, path.gi-event-2')"
                          ".length") == 2
        assert p.errors == [] and p.requests == []


@pytest.mark.browser
def test_browser_table_sorts(written):
    with open_page(written[0]) as p:
        assert p.evaluate(ROWS) == ["Przewodów", "Tulcea", "Hrubieszów", "Aalborg Airport"]
        header = p.page.locator('th[data-key="reports"] button')
        header.click()
        assert p.evaluate(ROWS) == ["Hrubieszów", "Aalborg Airport", "Tulcea", "Przewodów"]
        assert p.evaluate("document.querySelector('th[data-key=reports]')"
                          ".getAttribute('aria-sort')") == "ascending"
        header.click()
        assert p.evaluate(ROWS) == ["Przewodów", "Tulcea", "Hrubieszów", "Aalborg Airport"]
        p.page.locator('th[data-key="place"] button').click()
        assert p.evaluate(ROWS) == ["Aalborg Airport", "Hrubieszów", "Przewodów", "Tulcea"]
        assert p.errors == []


@pytest.mark.browser
def test_browser_popup_shows_sources_and_safe_links(written):
    with open_page(written[0]) as p:
        p.page.locator("path.gi-event-1").click(force=True)
        p.settle(400)
        popup = "document.querySelector('.leaflet-popup-content')"
        text = p.evaluate(f"{popup}.innerText")
        assert "<script>alert('xss1')</script>" in text and "{{ 7*7 }}" in text  # as text
        assert "Sources (2)" in text and "ro-2" in text
        assert p.evaluate(f"[...{popup}.querySelectorAll('a')].map(a => a.href)") == [
            "https://ro.example/a?x=1&y=2"]
        assert p.evaluate(f"{popup}.querySelectorAll('script, img').length") == 0
        # A table row shows its event, even inside a cluster: Przewodów and its five links.
        p.page.locator("#gi-events-table tbody tr", has_text="Przewodów").click()
        p.settle(1500)
        assert "Przewodów" in p.evaluate(f"{popup}.innerText")
        links = p.evaluate(f"[...{popup}.querySelectorAll('a')].map(a => a.href)")
        assert links == [f"https://pl.example/news/{k}" for k in range(5)]
        assert p.dialogs == [] and p.errors == [] and p.requests == []


@pytest.mark.browser
def test_browser_row_reveals_an_event_sharing_its_point(world, tmp_path):
    same = cluster_events([
        sighting("a", 50.47, 23.93, "POL", "Przewodów", D(2025, 9, 10)),
        sighting("b", 50.47, 23.93, "POL", "Przewodów", D(2025, 9, 28)),
        sighting("c", 57.09, 9.85, "DNK", "Aalborg", D(2025, 9, 24), verdict="outside"),
    ])
    html, _ = write_event_map(same, tmp_path, airspace=world)
    with open_page(html) as p:
        assert p.evaluate(VISIBLE) == 3
        p.page.locator("#gi-events-table tbody tr", has_text="2025-09-28").click()
        p.settle(2500)
        text = p.evaluate("document.querySelector('.leaflet-popup-content')?.innerText || ''")
        assert "Przewodów" in text and "2025-09-28" in text
        assert p.errors == [] and p.requests == []
