"""A map of events (clustered incidents of many reports): offline HTML and a PNG.

The HTML page is a folium/Leaflet map with the states' borders as the basemap (no tiles), one
circle per event at its consensus point (sized by its number of reports, coloured by verdict)
whose popup lists every source, a date filter (a time slider with an "up to" and an "on day"
mode), Leaflet.markercluster grouping events whose circles would overlap at the current zoom,
and a sortable table of the events under the map. The slider, the table and the glue to the
cluster group are this module's own script; Leaflet, jQuery and Leaflet.markercluster are
inlined from PyPI XStatic packages (:mod:`geoincidents.outputs.offline`), so the page needs no
network at all.

Every text that comes from a report (place names, evidence sentences, document ids, URLs) is
HTML-escaped; a source's URL becomes a link only when it is ``http://`` or ``https://``.
Event data reach the page's script as JSON whose strings have ``<``, ``>``, ``&``, ``{`` and
``}`` written as ``\\u`` escapes: no ``</script>`` can end the script and no ``{{``/``{%`` can
be evaluated by the templates folium renders the page through.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from geoincidents.errors import InputError, NothingToWrite, OutputError
from geoincidents.outputs.html import esc
from geoincidents.outputs.scene import (
    ATTRIBUTION,
    HIGHLIGHT,
    LAND_FILL,
    NATO_FILL,
    SEA,
    VERDICT_COLOURS,
    VERDICT_LABELS,
    Scene,
    clip_borders,
)

__all__ = ["event_scene", "render_event_html", "render_event_png", "safe_url",
           "script_json", "write_event_map"]

# CDN names the page asks folium for; offline.inline_assets swaps them for the XStatic copies.
_MARKERCLUSTER_CDN = "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.4.1/"
# Events whose circles are closer than this many pixels are drawn as one cluster marker.
CLUSTER_RADIUS_PX = 30
MAX_ZOOM = 13  # village scale; events closer than this stay grouped (spread out on a click)
LABELLED_EVENTS = 6  # the PNG names this many of the largest events
_VERDICT_ORDER = ("inside", "possible", "outside", None)


def marker_radius(report_count: int) -> float:
    """A circle's radius in pixels: its area grows with the number of reports."""
    return round(6 + 4 * math.sqrt(max(report_count, 1)), 1)


def safe_url(url) -> str | None:
    """``url`` when it is an http(s) URL (a link may be made of it), else None
    (``javascript:``, ``data:``, relative or empty)."""
    if not isinstance(url, str) or not re.match(r"https?://[^\s/]", url, re.IGNORECASE):
        return None
    return url


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_UNSAFE_IN_SCRIPT = re.compile("[<>&{}\u2028\u2029]")


def script_json(value) -> str:
    """``value`` as JSON fit to stand inside a ``<script>`` that a Jinja template renders:
    inside strings, ``<``, ``>``, ``&``, ``{``, ``}``, U+2028 and U+2029 become ``\\uXXXX``
    (outside strings, JSON has none of the first three, and ``{`` is never followed by ``{``,
    ``%`` or ``#``)."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    return _JSON_STRING.sub(
        lambda m: _UNSAFE_IN_SCRIPT.sub(lambda c: f"\\u{ord(c.group()):04x}", m.group()), text)


@dataclass(frozen=True, slots=True)
class _View:
    """What the map shows of one event (its consensus computed once)."""

    index: int
    event: object  # geoincidents.events.Event
    lat: float
    lon: float
    day: dt.date | None  # the event's date, else its first report's publication date
    dated: bool  # day is the incident's date (not a publication date)
    object: str
    place: str
    state: str
    state_iso3: str | None
    verdict: str | None
    precision: str | None
    report_count: int
    conflicts: tuple[str, ...]

    @property
    def colour(self) -> str:
        return VERDICT_COLOURS.get(self.verdict, VERDICT_COLOURS[None])

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS.get(self.verdict, str(self.verdict))

    @property
    def day_text(self) -> str:
        if self.day is None:
            return "unknown"
        return self.day.isoformat() if self.dated else f"{self.day.isoformat()} (reported)"


def _views(events: Iterable) -> list[_View]:
    out = []
    for event in events:
        w = event.where
        if w.lat is None or w.lon is None:
            continue
        day = event.date
        dated = day is not None
        if day is None:
            day = event.first_reported
        if w.country_iso3:
            state = f"{w.country_name or w.country_iso3} ({w.country_iso3})"
        else:
            state = "international airspace"
        precision = w.precision
        if precision and precision != "country" and w.uncertainty_km:
            precision = f"{precision}, ±{w.uncertainty_km:g} km"
        out.append(_View(len(out), event, float(w.lat), float(w.lon), day, dated, event.object,
                         w.name or "unnamed place", state, w.country_iso3, w.verdict, precision,
                         event.report_count, tuple(event.conflicts)))
    return out


def _period(views: Sequence[_View]) -> str:
    days = sorted(v.day for v in views if v.day is not None)
    if not days:
        return "dates unknown"
    if days[0] == days[-1]:
        return days[0].isoformat()
    return f"{days[0].isoformat()} – {days[-1].isoformat()}"


def _title(views: Sequence[_View]) -> str:
    reports = len({s.doc_id for v in views for s in v.event.sources})
    inside = sum(v.verdict == "inside" for v in views)
    return (f"Airspace events {_period(views)}: {len(views)} event(s) from {reports} report(s), "
            f"{inside} inside NATO airspace")


def _bounds(views: Sequence[_View]) -> tuple[float, float, float, float]:
    lats = [v.lat for v in views]
    lons = [v.lon for v in views]
    lat0, lat1, lon0, lon1 = min(lats), max(lats), min(lons), max(lons)
    pad_lat = max(1.5, (lat1 - lat0) * 0.15)  # at least ~300 km across, markers off the edge
    pad_lon = max(2.5, (lon1 - lon0) * 0.15)
    return (max(-180.0, lon0 - pad_lon), max(-85.0, lat0 - pad_lat),
            min(180.0, lon1 + pad_lon), min(85.0, lat1 + pad_lat))


def event_scene(events: Iterable, airspace) -> Scene:
    """The basemap of a map of ``events`` (those with a location): extent fitted to their
    points, NATO members as of the latest event, their states highlighted."""
    views = _views(events)
    if not views:
        raise NothingToWrite("no event has a location: nothing to map")
    days = [v.day for v in views if v.day is not None]
    as_of = max(days) if days else dt.date.today()
    bounds = _bounds(views)
    return Scene([], _title(views), bounds, as_of, airspace.membership.members_on(as_of),
                 frozenset(v.state_iso3 for v in views if v.state_iso3),
                 clip_borders(airspace, bounds))


# -- HTML -------------------------------------------------------------------------------------


def _row(key: str, value_html: str) -> str:
    return f"<tr><td><b>{esc(key)}</b></td><td>{value_html}</td></tr>"


def _date(d: dt.date | None) -> str:
    return d.isoformat() if d else "—"


def _source_item(source) -> str:
    url = safe_url(source.url)
    link = ""
    if url is not None:
        host = urlsplit(url).netloc or "link"
        link = (f' <a href="{esc(url)}" target="_blank" rel="noopener noreferrer nofollow">'
                f"{esc(host)}</a>")
    evidence = f'<br><i class="gi-evidence">“{esc(source.evidence)}”</i>' \
        if source.evidence else ""
    return (f"<li><span>{esc(_date(source.published))}</span> · <code>{esc(source.doc_id)}</code>"
            f"{link}{evidence}</li>")


def _popup(v: _View) -> str:
    event = v.event
    actor = event.actor_iso3 or "not attributed"
    if event.attributions:
        actor += f" ({', '.join(event.attributions)})"
    conflicts = "none" if not v.conflicts else \
        "<ul>" + "".join(f"<li>{esc(c)}</li>" for c in v.conflicts) + "</ul>"
    rows = [
        _row("Object", esc(v.object)), _row("Date", esc(v.day_text)),
        _row("Place", esc(v.place)), _row("State", esc(v.state)),
        _row("Verdict", esc(v.verdict_label)), _row("Precision", esc(v.precision or "—")),
        _row("Actor", esc(actor)), _row("Reports", str(v.report_count)),
        _row("First reported", esc(_date(event.first_reported))),
        _row("Last reported", esc(_date(event.last_reported))),
        _row("Conflicts", conflicts), _row("Confidence", f"{event.confidence:.2f}"),
    ]
    sources = "".join(_source_item(s) for s in event.sources)
    return (f'<div class="gi-popup"><b>{esc(v.object.capitalize())} — {esc(v.place)}</b>'
            f'<table>{"".join(rows)}</table><b>Sources ({len(event.sources)})</b>'
            f'<ol class="gi-sources">{sources}</ol></div>')


_COLUMNS = (  # key, header, sort type
    ("date", "Date", "text"), ("object", "Object", "text"), ("place", "Place", "text"),
    ("state", "State", "text"), ("verdict", "Verdict", "text"), ("reports", "Reports", "num"),
    ("conflicts", "Conflicts", "num"),
)


def _table(views: Sequence[_View]) -> str:
    head = "".join(
        f'<th data-key="{key}" data-type="{kind}"'
        + (' aria-sort="ascending"' if key == "date" else "")
        + f'><button type="button">{label}</button></th>'
        for key, label, kind in _COLUMNS)
    rows = []
    for v in views:
        cells = [
            (v.day.isoformat() if v.day else "", v.day_text),
            (v.object, v.object), (v.place.casefold(), v.place), (v.state, v.state),
            (str(_VERDICT_ORDER.index(v.verdict) if v.verdict in _VERDICT_ORDER else 9),
             v.verdict_label),
            (str(v.report_count), str(v.report_count)),
            (str(len(v.conflicts)), "; ".join(v.conflicts) or "—"),
        ]
        tds = "".join(f'<td data-sort="{esc(key)}">{esc(text)}</td>' for key, text in cells)
        rows.append(f'<tr data-index="{v.index}" style="--gi-colour:{v.colour}">{tds}</tr>')
    return (f'<section class="gi-table"><h2>Events ({len(views)})</h2>'
            '<p class="gi-hint">Click a column to sort, a row to show the event on the map.</p>'
            f'<table id="gi-events-table"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></section>')


def _legend(scene: Scene, views: Sequence[_View]) -> str:
    items = [f'<i style="background:{VERDICT_COLOURS[v]};border-radius:50%"></i>Event, '
             f"{esc(VERDICT_LABELS[v])}" for v in ("inside", "possible", "outside")]
    biggest = max(v.report_count for v in views)
    items += [
        f"Circle size: 1 to {biggest} report(s); a numbered disc groups overlapping events",
        f'<i style="background:{HIGHLIGHT}"></i>State where an event happened',
        f'<i style="background:{NATO_FILL}"></i>NATO member on {scene.as_of.isoformat()}',
        f'<i style="background:{LAND_FILL}"></i>Other state (land + territorial sea)',
    ]
    return (f'<details open><summary>Legend</summary>{"<br>".join(items)}<br>'
            f"<small>{esc(ATTRIBUTION)}</small></details>")


_STYLE = f"""<style>
html, body {{ height: auto; min-height: 100%; }}
body {{ display: flex; flex-direction: column; font: 14px/1.4 sans-serif; }}
body > * {{ flex: none; }}
.gi-title {{ order: -1; margin: 0; padding: 8px 12px; font-size: 17px; }}
.folium-map.leaflet-container {{ background: {SEA}; }}  /* leaflet.css comes later */
.gi-legend, .gi-filter {{ font: 13px/1.35 sans-serif; background: rgba(255,255,255,.93);
  padding: 6px 9px; border-radius: 5px; box-shadow: 0 1px 4px rgba(0,0,0,.3); }}
.gi-legend i {{ display: inline-block; width: 12px; height: 12px; margin-right: 6px;
  vertical-align: -1px; border: 1px solid #555; }}
.gi-legend {{ max-width: 300px; }}
.gi-legend summary {{ cursor: pointer; font-weight: bold; }}
.gi-filter label {{ display: block; }}
.gi-filter input[type=range] {{ width: 220px; }}
.gi-filter output {{ display: block; font-weight: bold; }}
.gi-popup {{ max-width: 360px; max-height: 340px; overflow-y: auto; font: 13px/1.35 sans-serif; }}
.gi-popup td {{ padding: 1px 6px 1px 0; vertical-align: top; }}
.gi-popup ul, .gi-popup ol {{ margin: 2px 0; padding-left: 18px; }}
.gi-sources li {{ margin-bottom: 4px; }}
.gi-cluster {{ background: rgba(255,255,255,.6); border-radius: 50%; }}
.gi-cluster div {{ width: 30px; height: 30px; margin: 3px; border-radius: 50%;
  text-align: center; font: bold 13px/30px sans-serif; color: #fff;
  border: 2px solid #212121; box-sizing: border-box; line-height: 26px; }}
.gi-table {{ padding: 4px 12px 16px; }}
.gi-table h2 {{ font-size: 16px; margin: 8px 0 2px; }}
.gi-hint {{ margin: 0 0 6px; color: #555; font-size: 12px; }}
#gi-events-table {{ border-collapse: collapse; width: 100%; }}
#gi-events-table th, #gi-events-table td {{ border-bottom: 1px solid #ddd; padding: 3px 8px;
  text-align: left; vertical-align: top; }}
#gi-events-table td:first-child {{ border-left: 5px solid var(--gi-colour); }}
#gi-events-table th button {{ font: bold 13px sans-serif; border: 0; background: none;
  padding: 0; cursor: pointer; }}
#gi-events-table th[aria-sort=ascending] button::after {{ content: " ▲"; }}
#gi-events-table th[aria-sort=descending] button::after {{ content: " ▼"; }}
#gi-events-table tbody tr {{ cursor: pointer; }}
#gi-events-table tbody tr:hover {{ background: #f3f6fa; }}
</style>"""

# The page's own script (ours, not a library's). Rendered through Jinja twice by folium: it
# holds no brace pair, "{%" or "{#" of its own.
_SCRIPT = """
(function () {
  var map = {{ this._parent.get_name() }};
  var data = {{ this.data }};
  var events = data.events, days = data.days;
  var colours = data.colours;
  var worst = ["inside", "possible", "outside"];
  // No tile layer sets a maximum zoom; the cluster group needs one (it expands there).
  map.setMaxZoom(data.maxZoom);

  function clusterIcon(cluster) {
    var verdicts = cluster.getAllChildMarkers().map(function (m) { return m.giVerdict; });
    var verdict = worst.filter(function (v) { return verdicts.indexOf(v) >= 0; })[0] || "";
    var disc = document.createElement("div");
    disc.style.background = colours[verdict] || colours[""];
    disc.textContent = String(cluster.getChildCount());
    return L.divIcon({ html: disc.outerHTML, className: "gi-cluster",
                       iconSize: L.point(36, 36) });
  }

  var group = L.markerClusterGroup({
    maxClusterRadius: data.clusterRadius, showCoverageOnHover: false,
    spiderfyOnMaxZoom: true, zoomToBoundsOnClick: true, iconCreateFunction: clusterIcon
  });
  var markers = events.map(function (ev, i) {
    var marker = L.circleMarker([ev.lat, ev.lon], {
      radius: ev.radius, color: "#212121", weight: 1.5, fillColor: ev.colour,
      fillOpacity: 0.9, className: "gi-event gi-event-" + i
    });
    marker.giVerdict = ev.verdict;
    marker.bindPopup(ev.popup, { maxWidth: 380 });
    marker.bindTooltip(ev.tooltip);
    return marker;
  });
  group.addTo(map);

  var shown = events.map(function () { return true; });
  var table = document.getElementById("gi-events-table");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);

  // The date filter: a slider over the days that have events, "up to" a day or "on" it.
  var box = L.DomUtil.create("div", "gi-filter");
  var caption = document.createElement("label");
  caption.textContent = "Events by date";
  var mode = document.createElement("select");
  mode.id = "gi-mode";
  [["upto", "up to the day"], ["day", "on the day only"]].forEach(function (o) {
    var option = document.createElement("option");
    option.value = o[0];
    option.textContent = o[1];
    mode.appendChild(option);
  });
  var slider = document.createElement("input");
  slider.type = "range";
  slider.id = "gi-slider";
  slider.min = "0";
  slider.max = String(Math.max(days.length - 1, 0));
  slider.step = "1";
  slider.value = slider.max;
  slider.disabled = days.length < 2;
  slider.setAttribute("aria-label", "Date");
  var label = document.createElement("output");
  label.id = "gi-window";
  [caption, mode, slider, label].forEach(function (el) { box.appendChild(el); });
  L.DomEvent.disableClickPropagation(box);
  L.DomEvent.disableScrollPropagation(box);
  var filter = L.control({ position: "topright" });
  filter.onAdd = function () { return box; };
  filter.addTo(map);

  function apply() {
    var day = days[Number(slider.value)];
    var onDay = mode.value === "day";
    var visible = [];
    events.forEach(function (ev, i) {
      shown[i] = !day || ev.day === null || (onDay ? ev.day === day : ev.day <= day);
      if (shown[i]) { visible.push(markers[i]); }
    });
    group.clearLayers();
    group.addLayers(visible);
    rows.forEach(function (row) { row.hidden = !shown[Number(row.dataset.index)]; });
    var undated = events.filter(function (ev) { return ev.day === null; }).length;
    label.textContent = (day ? (onDay ? "on " : "up to ") + day : "all dates") + ": " +
      visible.length + " of " + events.length + " event(s)" +
      (undated ? " (" + undated + " undated, always shown)" : "");
  }
  slider.addEventListener("input", apply);
  mode.addEventListener("change", apply);
  apply();

  var legend = L.control({ position: "bottomleft" });
  legend.onAdd = function () {
    var div = L.DomUtil.create("div", "gi-legend");
    div.innerHTML = data.legend;  // built and escaped by the server side
    return div;
  };
  legend.addTo(map);

  // The table: a click on a header sorts by that column (again: the other way round).
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    th.querySelector("button").addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      var numeric = th.dataset.type === "num";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
        other.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var key = function (row) {
        var text = row.cells[col].dataset.sort;
        return numeric ? Number(text) : text;
      };
      rows.sort(function (a, b) {
        var ka = key(a), kb = key(b);
        var order = numeric ? ka - kb : String(ka).localeCompare(String(kb));
        if (!ascending) { order = -order; }
        // Ties keep the events' own order (by date) whichever way the column sorts.
        return order || Number(a.dataset.index) - Number(b.dataset.index);
      });
      rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
    });
  });
  // A click on a row shows its event: zoom in until its circle is drawn on its own (at the
  // largest zoom, spread its group out), then open its popup. markercluster's own
  // zoomToShowLayer calls back only for icon markers, not for circles: hence the polling.
  function reveal(marker) {
    var waited = 0;
    var check = function () {
      if (map.hasLayer(marker)) {
        marker.openPopup();
      } else if ((waited += 100) <= 3000) {
        if (map.getZoom() >= map.getMaxZoom() && marker.__parent && marker.__parent.spiderfy) {
          marker.__parent.spiderfy();
        }
        setTimeout(check, 100);
      }
    };
    if (map.hasLayer(marker)) {
      marker.openPopup();
      return;
    }
    group.zoomToShowLayer(marker);
    setTimeout(check, 100);
  }
  rows.forEach(function (row) {
    row.addEventListener("click", function () {
      var marker = markers[Number(row.dataset.index)];
      if (!group.hasLayer(marker)) { return; }
      map.getContainer().scrollIntoView({ block: "nearest" });
      reveal(marker);
    });
  });
})();
"""


def _events_layer(views: Sequence[_View], scene: Scene):
    """The events, the filter, the legend and the table as one folium element (a child of the
    map, rendered after it) that asks for Leaflet.markercluster like folium's plugins do."""
    from branca.element import MacroElement
    from folium.elements import JSCSSMixin
    from jinja2 import Template

    class EventsLayer(JSCSSMixin, MacroElement):
        default_js = [("markerclusterjs", _MARKERCLUSTER_CDN + "leaflet.markercluster.js")]
        default_css = [("markerclustercss", _MARKERCLUSTER_CDN + "MarkerCluster.css"),
                       ("markerclusterdefaultcss",
                        _MARKERCLUSTER_CDN + "MarkerCluster.Default.css")]
        _template = Template(
            "{% macro html(this, kwargs) %}{{ this.table }}{% endmacro %}"
            "{% macro script(this, kwargs) %}" + _SCRIPT + "{% endmacro %}")

        def __init__(self, data: str, table: str) -> None:
            super().__init__()
            self._name = "EventsLayer"
            self.data = data
            self.table = table

    colours = {v or "": c for v, c in VERDICT_COLOURS.items()}
    days = sorted({v.day.isoformat() for v in views if v.day is not None})
    data = {
        "events": [{
            "lat": round(v.lat, 6), "lon": round(v.lon, 6), "radius": marker_radius(v.report_count),
            "colour": v.colour, "verdict": v.verdict or "",
            "day": v.day.isoformat() if v.day else None, "popup": _popup(v),
            "tooltip": esc(f"{v.object} — {v.place}, {v.day_text}: {v.report_count} report(s)"),
        } for v in views],
        "days": days, "colours": colours, "clusterRadius": CLUSTER_RADIUS_PX,
        "maxZoom": MAX_ZOOM,
        "legend": _legend(scene, views),
    }
    return EventsLayer(script_json(data), _table(views))


def render_event_html(events: Iterable, scene: Scene) -> str:
    """The events map as one self-contained HTML string (every asset inlined; raises
    :class:`~geoincidents.errors.OutputError` if any external reference were left)."""
    import folium

    from geoincidents.outputs.html import borders_geojson
    from geoincidents.outputs.offline import inline_assets

    views = _views(events)
    if not views:
        raise NothingToWrite("no event has a location: nothing to map")
    lon0, lat0, lon1, lat1 = scene.bounds
    fmap = folium.Map(location=[(lat0 + lat1) / 2, (lon0 + lon1) / 2], zoom_start=5,
                      tiles=None, control_scale=True, prefer_canvas=False, height="72vh")
    fmap.get_root().header.add_child(folium.Element(_STYLE))
    folium.GeoJson(
        borders_geojson(scene), name="borders",
        style_function=lambda f: f["properties"]["style"],
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(fmap)
    _events_layer(views, scene).add_to(fmap)
    fmap.get_root().html.add_child(folium.Element(
        f'<h1 class="gi-title">{esc(scene.title)}</h1>'))
    fmap.fit_bounds([[lat0, lon0], [lat1, lon1]])
    fmap.get_root().header.add_child(folium.Element(f"<title>{esc(scene.title)}</title>"))
    return inline_assets(fmap.get_root().render())


# -- PNG --------------------------------------------------------------------------------------


def render_event_figure(events: Iterable, scene: Scene, *, dpi: int = 150):
    """The events as a matplotlib Figure (x = lon, y = lat); the caller closes it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from geoincidents.outputs.png import draw_borders, scale_bar
    from geoincidents.outputs.scene import LAND_EDGE, NATO_EDGE

    views = _views(events)
    lon0, lat0, lon1, lat1 = scene.bounds
    aspect = 1 / max(math.cos(math.radians((lat0 + lat1) / 2)), 0.2)
    width = 10.0  # of the map; the legend stands to its right
    height = min(max(width * (lat1 - lat0) * aspect / max(lon1 - lon0, 1e-6), 5.0), 11.0) + 1.2
    fig, ax = plt.subplots(figsize=(width + 3.0, height), dpi=dpi)
    draw_borders(ax, scene)
    # The largest first, so that smaller circles stay visible on top of them.
    for v in sorted(views, key=lambda v: -v.report_count):
        size = marker_radius(v.report_count) * 2  # a diameter in points (HTML: radius in px)
        ax.plot(v.lon, v.lat, "o", ms=size, color=v.colour, mec="#212121", mew=0.8,
                zorder=8)  # opaque: the verdict colour as in the legend
    largest = sorted(views, key=lambda v: (-v.report_count, v.day or dt.date.max, v.index))
    for v in largest[:LABELLED_EVENTS]:
        day = v.day.isoformat() if v.day else "date unknown"
        offset = marker_radius(v.report_count) + 3
        east = v.lon > (lon0 + lon1) / 2  # labels point inwards, so they stay on the map
        ax.annotate(f"{v.object} — {v.place}, {day} ({v.report_count})", (v.lon, v.lat),
                    xytext=(-offset if east else offset, -4), textcoords="offset points",
                    ha="right" if east else "left", fontsize=8.5, weight="bold", zorder=9,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": v.colour,
                          "alpha": 0.85})
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(aspect)
    ax.tick_params(labelsize=7)
    ax.set_title(scene.title, fontsize=11.5, weight="bold", loc="left")
    counts = sorted({1, max(v.report_count for v in views)})
    handles = [Line2D([], [], marker="o", ls="", ms=12, color=VERDICT_COLOURS[k], mec="#212121",
                      label=f"Event, {VERDICT_LABELS[k]}")
               for k in ("inside", "possible", "outside")]
    handles += [Line2D([], [], marker="o", ls="", ms=marker_radius(n) * 2, color="#bdbdbd",
                       mec="#212121", label=f"{n} report(s)") for n in counts]
    handles += [
        Patch(fc=HIGHLIGHT, ec=NATO_EDGE, label="State where an event happened"),
        Patch(fc=NATO_FILL, ec=NATO_EDGE, label=f"NATO member on {scene.as_of.isoformat()}"),
        Patch(fc=LAND_FILL, ec=LAND_EDGE, label="Other state (land + territorial sea)"),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8,
              framealpha=0.92, labelspacing=1.3, handlelength=3.0, borderpad=1.0)
    scale_bar(ax, lon0, lat0, lon1, lat1)
    fig.text(0.99, 0.005, ATTRIBUTION + " · geoincidents", ha="right", va="bottom", fontsize=7,
             color="#555555")
    fig.tight_layout()
    return fig


def render_event_png(events: Iterable, scene: Scene, *, dpi: int = 150) -> bytes:
    """The PNG image of :func:`render_event_figure`."""
    import matplotlib.pyplot as plt

    fig = render_event_figure(events, scene, dpi=dpi)
    try:
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight", pad_inches=0.15)
    finally:
        plt.close(fig)
    return buf.getvalue()


# -- files ------------------------------------------------------------------------------------


def write_event_map(events: Iterable, directory: str | Path, stem: str = "events", *,
                    airspace=None, dpi: int = 150) -> list[Path]:
    """Write ``DIRECTORY/STEM.html`` (offline map) and ``DIRECTORY/STEM.png``, each atomically,
    creating the directory; both are rendered before either is written.

    Events without a location are left out; :class:`~geoincidents.errors.NothingToWrite` when
    none has one. ``airspace`` defaults to the bundled borders.
    """
    from geoincidents.fileio import atomic_write

    if not stem or stem in (".", "..") or "/" in stem or "\\" in stem:
        raise InputError(f"{stem!r} is not a file name stem")
    events = list(events)
    if not _views(events):
        raise NothingToWrite("no event has a location: no map written")
    if airspace is None:
        from geoincidents.airspace import Airspace

        airspace = Airspace.default()
    scene = event_scene(events, airspace)
    page = render_event_html(events, scene)
    image = render_event_png(events, scene, dpi=dpi)
    directory = Path(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create {directory}: {err.strerror or err}") from err
    html_path, png_path = directory / f"{stem}.html", directory / f"{stem}.png"
    with atomic_write(html_path) as fh:
        fh.write(page)
    with atomic_write(png_path, "wb") as fh:
        fh.write(image)
    return [html_path, png_path]
