"""Folium maps written as self-contained HTML: no CDN reference survives inline_assets."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import folium
import pytest

from geoincidents.errors import OutputError
from geoincidents.outputs.offline import external_references, inline_assets

BREAKOUT = "</script><script>window.pwned = 1;</script>"
POLYGON = {
    "type": "Feature",
    "properties": {"name": "Zone A"},
    "geometry": {"type": "Polygon", "coordinates": [[[19, 49], [21, 49], [21, 51], [19, 49]]]},
}


class _Scripts(HTMLParser):
    """Collects the text of each <script> element the way a browser splits them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _scripts(page: str) -> list[str]:
    parser = _Scripts()
    parser.feed(page)
    parser.close()
    return parser.scripts


@pytest.fixture(scope="module")
def rendered() -> str:
    m = folium.Map(location=[50, 20], zoom_start=6, tiles=None)
    folium.GeoJson(POLYGON, name="zone").add_to(m)
    popup = folium.Popup(html.escape(f"Drone <seen> & {BREAKOUT}"))
    folium.CircleMarker([50, 20], radius=6, popup=popup).add_to(m)
    folium.Marker([49.5, 19.5], tooltip="marker").add_to(m)
    folium.LayerControl().add_to(m)
    return m.get_root().render()


@pytest.fixture(scope="module")
def inlined(rendered: str) -> str:
    return inline_assets(rendered)


def test_folium_output_starts_with_cdn_links(rendered):
    refs = external_references(rendered)
    assert any(url.endswith("/leaflet.js") for url in refs)
    assert any(url.endswith("/leaflet.css") for url in refs)


def test_inlined_map_has_no_external_reference(inlined):
    assert external_references(inlined) == []
    assert not re.search(r"<script[^>]*\bsrc=", inlined)
    assert not re.search(r"<link[^>]*stylesheet", inlined)


def test_leaflet_and_jquery_are_inline(inlined):
    scripts = _scripts(inlined)
    assert any('.version="1.9.3"' in s and "L.Icon.Default.mergeOptions" in s
               for s in scripts)
    assert any("jQuery" in s and "jquery: jquery.min.js" in s for s in scripts)
    assert ".leaflet-container" in inlined  # leaflet.css


def test_images_become_data_uris(inlined):
    urls = re.findall(r"""url\(\s*["']?([^"')]*)""", inlined)
    assert urls and all(u.startswith(("data:", "#")) for u in urls)
    assert "data:image/png;base64," in inlined  # layers control, default marker


def test_unneeded_assets_are_dropped(inlined):
    assert "bootstrap" not in inlined.lower()
    assert "AwesomeMarkers" not in inlined
    assert "Font Awesome" not in inlined


def test_font_awesome_fonts_inlined_when_a_div_icon_uses_them():
    m = folium.Map(location=[50, 20], tiles=None)
    icon = folium.DivIcon(html='<i class="fa-solid fa-plane"></i>')
    folium.Marker([50, 20], icon=icon).add_to(m)
    page = inline_assets(m.get_root().render())
    assert external_references(page) == []
    assert page.count("data:font/woff2;base64,") == 2  # solid and regular, no ttf fallback
    assert ".ttf" not in page


def test_marker_cluster_is_inlined_when_used():
    from folium.plugins import MarkerCluster

    m = folium.Map(location=[50, 20], tiles=None)
    cluster = MarkerCluster().add_to(m)
    folium.CircleMarker([50, 20], radius=5).add_to(cluster)
    folium.CircleMarker([50.01, 20.01], radius=5).add_to(cluster)
    rendered = m.get_root().render()
    assert any("leaflet.markercluster" in url for url in external_references(rendered))
    page = inline_assets(rendered)
    assert external_references(page) == []
    scripts = _scripts(page)
    assert any("L.MarkerClusterGroup=L.FeatureGroup.extend" in s
               and "leaflet.markercluster.js from XStatic-Leaflet-MarkerCluster" in s
               for s in scripts)
    assert ".marker-cluster-small" in page and ".leaflet-cluster-anim" in page  # both CSS


def test_marker_cluster_is_dropped_when_unused(rendered):
    url = "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js"
    page = inline_assets(rendered.replace("</head>", f'<script src="{url}"></script></head>', 1))
    assert "MarkerClusterGroup" not in page and external_references(page) == []


def test_unknown_cdn_url_raises_naming_it(rendered):
    url = "https://cdn.example.invalid/lib/evil-1.0.min.js"
    page = rendered.replace("</head>", f'<script src="{url}"></script></head>', 1)
    with pytest.raises(OutputError, match=re.escape(url)):
        inline_assets(page)


@pytest.mark.parametrize(
    "extra",
    [
        "<style>.x { background: url(//tiles.example.invalid/a.png) }</style>",
        '<img src="http://images.example.invalid/a.png">',
    ],
)
def test_leftover_external_reference_raises(rendered, extra):
    page = rendered.replace("</body>", extra + "</body>", 1)
    with pytest.raises(OutputError, match=r"example\.invalid"):
        inline_assets(page)


def test_awesome_markers_map_is_refused():
    m = folium.Map(tiles=None)
    folium.Marker([50, 20], icon=folium.Icon(icon="info-sign")).add_to(m)
    with pytest.raises(OutputError, match=r"awesome-markers.*DivIcon"):
        inline_assets(m.get_root().render())


def test_script_in_popup_cannot_break_out(inlined):
    scripts = _scripts(inlined)
    assert not any(s.strip().startswith("window.pwned") for s in scripts)
    assert "window.pwned" in inlined  # the text is there, inside the map's script, escaped
    (body,) = [s for s in scripts if "L.popup(" in s]
    assert "&lt;/script&gt;&lt;script&gt;window.pwned" in body
    assert "L.control.layers(" in body  # the map's script runs to its end


def test_script_end_tag_inside_javascript_is_escaped(monkeypatch, tmp_path):
    import xstatic.pkg.jquery as jquery

    from geoincidents.outputs import offline

    (tmp_path / "jquery.min.js").write_text('var s = "</script><!-- <script>"; window.ok = 1;')
    monkeypatch.setattr(jquery, "BASE_DIR", str(tmp_path))
    offline._inline_element.cache_clear()
    try:
        page = inline_assets('<html><head><script src="https://code.jquery.com/jquery-3.7.1.min.js">'
                             "</script></head><body></body></html>")
    finally:
        offline._inline_element.cache_clear()
    (script,) = _scripts(page)
    assert script.rstrip().endswith("window.ok = 1;")
    assert "</script" not in script.lower() and "<!--" not in script
