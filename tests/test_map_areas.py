"""Incident regions on the maps: the HTML draws the region polygon (its own layer, escaped
tooltip, a Region row in the popup) instead of the uncertainty circle and stays offline; the
PNG fills the region in the verdict's colour."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
import shapely
from area_reports import CONSTRAINTS, region, report
from browser import open_page

from geoincidents.outputs.html import render_html, write_html
from geoincidents.outputs.offline import external_references
from geoincidents.outputs.polygons import region_geometry
from geoincidents.outputs.scene import VERDICT_COLOURS, build_scene

HOSTILE = ("within 40 km of <script>alert('xss1')</script> the border",
           "near `${alert('xss2')}` {{ 7*7 }} <img src=x onerror=alert('xss3')>")


@pytest.fixture(scope="module")
def scene(world):
    return build_scene([report()], world)


@pytest.fixture(scope="module")
def page(scene) -> str:
    return render_html(scene)


def test_the_scene_is_fitted_to_the_region(scene):
    lon0, lat0, lon1, lat1 = scene.bounds
    x0, y0, x1, y1 = report().incidents[0].area.geometry.bounds
    assert lon0 < x0 and x1 < lon1 and lat0 < y0 and y1 < lat1


def test_html_draws_the_region_instead_of_the_circle(page):
    # The region's own positions ([lon, lat], 6 decimals) are in the page, in its own layer.
    geometry = region_geometry(report().incidents[0].area)
    assert json.dumps(geometry["coordinates"][0][0]) in page
    assert "gi-area" in page and "Incident regions" in page
    # One L.circle: incident 2's, which has no region; incident 1's circle is not drawn.
    assert len(re.findall(r"L\.circle\(", page)) == 1
    assert len(re.findall(r"L\.circleMarker\(", page)) == 2
    assert "Incident region" in page  # the legend says what the polygon is


def test_html_with_a_region_needs_no_network(page):
    assert external_references(page) == []
    assert not re.search(r"<(?:script|link|img)[^>]*\b(?:src|href)=[\"']?(?:https?:)?//", page)
    assert "tile.openstreetmap.org" not in page


def test_region_text_is_escaped(world):
    hostile = region(constraints=HOSTILE)
    page = render_html(build_scene([report(hostile, second=False)], world))
    assert "<script>alert('xss1')" not in page and "<img src=x" not in page
    assert "${alert" not in page and "{{ 7*7 }}" not in page
    assert "&lt;script&gt;alert(&#x27;xss1&#x27;)" in page


@pytest.mark.browser
def test_region_polygon_renders_in_chromium(scene, tmp_path):
    path = write_html(scene, tmp_path / "areas.html")
    with open_page(path) as p:
        assert p.requests == [], p.requests
        assert p.errors == [] and p.dialogs == []
        assert p.console_errors() == []
        areas = p.evaluate("[...document.querySelectorAll('path.gi-area')]"
                           ".map(e => e.getAttribute('d'))")
        assert len(areas) == 1 and len(areas[0]) > 20  # an SVG path with the polygon's points
        box = p.evaluate("(() => { const r = document.querySelector('path.gi-area')"
                         ".getBoundingClientRect(); return [r.width, r.height]; })()")
        assert box[0] > 30 and box[1] > 30  # drawn at a visible size, not collapsed
        # The incident marker sits inside the drawn region.
        inside = p.evaluate("""(() => {
            const a = document.querySelector('path.gi-area').getBoundingClientRect();
            const m = document.querySelectorAll('path.gi-incident')[0].getBoundingClientRect();
            const x = m.left + m.width / 2, y = m.top + m.height / 2;
            return a.left < x && x < a.right && a.top < y && y < a.bottom; })()""")
        assert inside
        assert p.evaluate("document.querySelectorAll('path.gi-incident').length") == 2
        # Hovering the region shows its precision and constraints.
        p.page.mouse.move(*_inside_point(p))
        p.settle(300)
        tooltip = p.evaluate("document.querySelector('.leaflet-tooltip')?.innerText || ''")
        assert "admin2" in tooltip and CONSTRAINTS[1] in tooltip
        # The marker's popup has the Region row with the region's note.
        p.page.locator("path.gi-incident").first.click(force=True)
        p.settle(300)
        popup = p.evaluate("document.querySelector('.leaflet-popup-content')?.innerText || ''")
        assert "Region" in popup and CONSTRAINTS[0] in popup and CONSTRAINTS[1] in popup
        shot = p.screenshot(tmp_path / "areas.png")
        assert shot.read_bytes()[:4] == b"\x89PNG"


def _inside_point(p) -> tuple[float, float]:
    """A screen point inside the region's path, away from the incident marker."""
    return p.evaluate("""(() => {
        const path = document.querySelector('path.gi-area');
        const svg = path.ownerSVGElement, m = path.getScreenCTM();
        const box = path.getBBox(), pt = svg.createSVGPoint();
        for (let fy = 0.3; fy <= 0.7; fy += 0.1) for (let fx = 0.15; fx <= 0.4; fx += 0.05) {
            pt.x = box.x + box.width * fx; pt.y = box.y + box.height * fy;
            if (path.isPointInFill(pt)) {
                const s = pt.matrixTransform(m); return [s.x, s.y]; }
        }
        return [0, 0]; })()""")


@pytest.mark.browser
def test_hostile_region_text_is_shown_not_run(world, tmp_path):
    hostile = region(constraints=HOSTILE)
    path = write_html(build_scene([report(hostile, second=False)], world), tmp_path / "h.html")
    with open_page(path) as p:
        p.page.mouse.move(*_inside_point(p))
        p.settle(300)
        tooltip = p.evaluate("document.querySelector('.leaflet-tooltip')?.innerText || ''")
        assert "<script>alert('xss1')</script>" in tooltip  # shown as text
        p.page.locator("path.gi-incident").first.click(force=True)
        p.settle(300)
        popup = p.evaluate("document.querySelector('.leaflet-popup-content')?.innerText || ''")
        assert "{{ 7*7 }}" in popup and "${alert('xss2')}" in popup
        assert p.dialogs == [] and p.requests == [] and p.errors == []
        assert p.evaluate("document.querySelectorAll('.leaflet-tooltip script, "
                          ".leaflet-popup-content img, .leaflet-popup-content script').length") == 0


# -- PNG ---------------------------------------------------------------------------------------


def _pixels(scene, dpi=100):
    """The rendered figure's RGB pixels, the Axes (to place lon/lat) and the figure."""
    import matplotlib.pyplot as plt
    import numpy as np

    from geoincidents.outputs.png import render_figure

    fig = render_figure(scene, dpi=dpi)
    fig.canvas.draw()
    rgb = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(float)
    ax = fig.axes[0]
    plt.close(fig)
    return rgb, ax


def _pixel(rgb, ax, lon, lat):
    x, y = ax.transData.transform((lon, lat))
    return rgb[int(round(rgb.shape[0] - y)), int(round(x))]


def test_png_fills_the_region_in_the_verdict_colour(world, tmp_path):
    import matplotlib.colors as mcolors
    import matplotlib.image as mimage
    import numpy as np

    from geoincidents.outputs.png import write_png

    with_area = build_scene([report(second=False)], world)
    plain_report = report(second=False)
    # Nothing drawn for the incident at all: no region, no marker, no label.
    plain_report.incidents[0] = dataclasses.replace(plain_report.incidents[0], area=None,
                                                    location=None)
    without = build_scene([plain_report], world)
    without.bounds = with_area.bounds  # the same view, so pixels line up
    rgb, ax = _pixels(with_area)
    base, base_ax = _pixels(without)
    assert rgb.shape == base.shape
    orange = np.array(mcolors.to_rgb(VERDICT_COLOURS["possible"])) * 255
    county = shapely.Polygon(report().incidents[0].area.geometry)
    # Inside the region, west of the marker (whose label runs east): the fill is 15 % orange
    # over whatever was there.
    for lon, lat in [(23.08, 51.5), (23.15, 51.42), (23.15, 51.6)]:
        assert county.contains(shapely.Point(lon, lat))
        got, under = _pixel(rgb, ax, lon, lat), _pixel(base, base_ax, lon, lat)
        assert np.abs(got - (0.85 * under + 0.15 * orange)).max() <= 3, (lon, lat, got, under)
    # Outside it, nothing changed.
    for lon, lat in [(22.5, 51.5), (23.3, 51.1), (21.5, 52.5)]:
        assert not county.buffer(0.05).contains(shapely.Point(lon, lat))
        assert np.abs(_pixel(rgb, ax, lon, lat) - _pixel(base, base_ax, lon, lat)).max() <= 1
    # The file written is that figure: the same colour at the same pixel.
    path = write_png(with_area, tmp_path / "areas.png", dpi=100)
    image = mimage.imread(path)[..., :3] * 255
    assert image.shape == rgb.shape
    assert np.abs(_pixel(image, ax, 23.08, 51.5) - _pixel(rgb, ax, 23.08, 51.5)).max() <= 1


def test_png_draws_the_region_not_the_circle(world):
    # Counting what is drawn: one region patch pair, no dashed circle for the region's incident.
    import matplotlib.pyplot as plt

    from geoincidents.outputs.png import render_figure

    fig = render_figure(build_scene([report()], world), dpi=60)
    ax = fig.axes[0]
    patches = [p for p in ax.patches if type(p).__name__ == "PathPatch"]
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    plt.close(fig)
    assert len(patches) == 2  # fill and outline of incident 1's region
    assert len(dashed) == 1  # incident 2's circle only
