"""A self-contained HTML map (folium/Leaflet, imported only here), readable offline.

The basemap is drawn from the borders themselves (no tiles needed); every script, stylesheet and
font is inlined from registry packages at write time (:mod:`geoincidents.outputs.offline`). All
text that comes from an article (names, mentions, evidence) is HTML-escaped.
"""

from __future__ import annotations

import html
from pathlib import Path

from geoincidents.outputs.geojson import incident_point
from geoincidents.outputs.polygons import region_geometry
from geoincidents.outputs.scene import (
    ATTRIBUTION,
    HIGHLIGHT,
    LAND_EDGE,
    LAND_FILL,
    NATO_EDGE,
    NATO_FILL,
    PLACE_COLOUR,
    SEA,
    VERDICT_COLOURS,
    VERDICT_LABELS,
    Scene,
    track_colours,
)


def esc(text) -> str:
    """HTML-escape untrusted text for folium, which puts popups and tooltips inside JS template
    literals (a backtick or ``${`` would end or run code there) and renders ``Element``
    content as a Jinja template (``{{`` or ``{%`` would be evaluated)."""
    return (html.escape(str(text)).replace("`", "&#96;").replace("$", "&#36;")
            .replace("{", "&#123;").replace("}", "&#125;"))


TILES = {
    "osm": ("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "© OpenStreetMap contributors"),
}


def render_html(scene: Scene, *, tiles: str | None = None) -> str:
    """The map as one HTML string with every asset inlined."""
    import folium

    from geoincidents.outputs.offline import inline_assets

    lon0, lat0, lon1, lat1 = scene.bounds
    fmap = folium.Map(location=[(lat0 + lat1) / 2, (lon0 + lon1) / 2], zoom_start=5,
                      tiles=None, control_scale=True, prefer_canvas=False)
    fmap.get_root().header.add_child(folium.Element(
        f"<style>.leaflet-container{{background:{SEA};}} .gi-legend, .gi-title{{font: 13px/1.35 "
        "sans-serif; background: rgba(255,255,255,.93); padding: 6px 9px; border-radius: 5px;"
        " box-shadow: 0 1px 4px rgba(0,0,0,.3);}} .gi-title{position:absolute; top:10px; "
        "left:55px; z-index:1000; font-weight:bold; font-size:15px; max-width:70%;} "
        ".gi-legend{position:absolute; bottom:28px; left:10px; z-index:1000;} "
        ".gi-legend i{display:inline-block; width:12px; height:12px; margin-right:6px; "
        "vertical-align:-1px; border:1px solid #555;} .gi-popup td{padding:1px 6px 1px 0; "
        "vertical-align:top;} .gi-popup{max-width:330px;}</style>"))
    if tiles:
        url, attr = TILES.get(tiles, (tiles, "tiles"))
        folium.TileLayer(url, attr=attr, name="Online tiles", show=False).add_to(fmap)

    basemap = folium.FeatureGroup(name="Borders (land + territorial sea)", show=True)
    folium.GeoJson(
        borders_geojson(scene), name="borders",
        style_function=lambda f: f["properties"]["style"],
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False),
    ).add_to(basemap)
    basemap.add_to(fmap)

    places = folium.FeatureGroup(name="Other places named", show=True)
    for report, place in scene.places:
        folium.CircleMarker(
            [place.lat, place.lon], radius=4, color=PLACE_COLOUR, weight=1, fill=True,
            fill_opacity=0.8 if place.role == "location" else 0.35,
            popup=folium.Popup(_place_popup(report, place), max_width=300),
            tooltip=esc(place.name or place.text), class_name="gi-place",
        ).add_to(places)
    places.add_to(fmap)  # before the incidents, so incident markers are drawn on top

    areas = folium.FeatureGroup(name="Incident regions", show=True)
    incidents = folium.FeatureGroup(name="Incidents", show=True)
    for n, (report, inc) in enumerate(scene.incidents, start=1):
        loc = inc.location
        lat, lon = incident_point(inc)
        if lat is None:
            continue
        colour = VERDICT_COLOURS.get(inc.verdict, VERDICT_COLOURS[None])
        if inc.area is not None:  # the region instead of the uncertainty circle
            _area_layer(n, inc, colour).add_to(areas)
        elif loc.precision != "country" and (loc.uncertainty_km or 0) > 0:
            folium.Circle([loc.lat, loc.lon], radius=loc.uncertainty_km * 1000.0, color=colour,
                          weight=1.5, dash_array="6 4", fill=True, fill_opacity=0.12,
                          interactive=False).add_to(incidents)
        folium.CircleMarker(
            [lat, lon], radius=11, color="#212121", weight=2, fill=True,
            fill_color=colour, fill_opacity=0.95,
            popup=folium.Popup(_incident_popup(n, report, inc), max_width=360),
            tooltip=esc(f"Incident {n}: {inc.object} — {loc.name if loc else 'region'}"),
            class_name="gi-incident",
        ).add_to(incidents)
    if any(inc.area is not None for _, inc in scene.incidents):
        areas.add_to(fmap)  # below the incidents, so their markers stay clickable
    incidents.add_to(fmap)

    if scene.tracks:
        _track_layer(scene).add_to(fmap)
    fmap.get_root().html.add_child(folium.Element(
        f'<div class="gi-title">{esc(scene.title)}</div>' + _legend(scene)))
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.fit_bounds([[lat0, lon0], [lat1, lon1]])
    fmap.get_root().header.add_child(folium.Element(
        f"<title>{esc(scene.title)}</title>"))
    return inline_assets(fmap.get_root().render())


def write_html(scene: Scene, path: str | Path, *, tiles: str | None = None,
               clobber: bool = True) -> Path:
    """Render and write atomically."""
    from geoincidents.fileio import atomic_write

    page = render_html(scene, tiles=tiles)
    path = Path(path)
    with atomic_write(path, clobber=clobber) as fh:
        fh.write(page)
    return path


def _area_layer(n: int, inc, colour: str):
    """An incident's region: outline and light fill in its verdict's colour, a tooltip with
    its precision and constraints. The geometry is the GeoJSON output's
    (:func:`~geoincidents.outputs.polygons.region_geometry`: RFC 7946 [lon, lat] positions)."""
    import folium

    area = inc.area
    label = f"Incident {n} region ({area.precision}, {area.area_km2:,.0f} km²)"
    if area.note:
        label += f": {area.note}"
    style = {"color": colour, "weight": 2, "fillColor": colour, "fillOpacity": 0.15,
             "className": "gi-area"}
    feature = {"type": "Feature", "geometry": region_geometry(area), "properties": {}}
    return folium.GeoJson(feature, name=f"incident {n} region",
                          style_function=lambda _f, style=style: style,
                          tooltip=folium.Tooltip(esc(label)))


def borders_geojson(scene: Scene) -> dict:
    import shapely

    feats = []
    for iso3, name, sovereign, geom in scene.borders:
        state = sovereign or iso3
        member = state in scene.nato
        highlighted = state in scene.highlighted
        style = {"fillColor": HIGHLIGHT if highlighted else (NATO_FILL if member else LAND_FILL),
                 "color": NATO_EDGE if member else LAND_EDGE, "weight": 1.6 if highlighted else 0.7,
                 "fillOpacity": 0.85}
        label = f"{name} ({iso3})" + (" — NATO member" if member else "")
        # RFC 7946 positions are [lon, lat]; 4 decimals (~10 m) is finer than the display.
        geometry = shapely.geometry.mapping(shapely.set_precision(geom, 1e-4))
        feats.append({"type": "Feature", "geometry": geometry,
                      "properties": {"label": esc(label), "style": style}})
    return {"type": "FeatureCollection", "features": feats}


def _row(key: str, value) -> str:
    if value is None or value == "":
        value = "—"
    return f"<tr><td><b>{esc(key)}</b></td><td>{esc(str(value))}</td></tr>"


def _precision(loc, area) -> str | None:
    if area is not None:
        return f"{area.precision}, a region of {area.area_km2:,.0f} km²"
    if loc is None:
        return None
    if loc.precision == "country":
        return f"{loc.precision} (the whole state's airspace)"
    if loc.uncertainty_km:
        return f"{loc.precision}, ±{loc.uncertainty_km:g} km"
    return loc.precision


def _incident_popup(n: int, report, inc) -> str:
    loc = inc.location
    area = inc.area
    actor = inc.actor_iso3 or "not attributed"
    if inc.actor_iso3 and inc.attribution:
        actor = f"{inc.actor_iso3} ({inc.attribution})"
    dist = None
    if inc.distance_to_border_km is not None:
        dist = f"{inc.distance_to_border_km:.1f} km"
    rows = [
        _row("Object", inc.object), _row("Actor", actor),
        _row("Date", inc.date.isoformat() if inc.date else "unknown"),
        _row("Location", None if loc is None else f"{loc.name} ({loc.text})"
             if loc.name != loc.text else loc.name),
        _row("Precision", _precision(loc, area)),
        _row("State", f"{inc.country_name} ({inc.country_iso3})" if inc.country_iso3
             else "international airspace"),
        _row("NATO member", {True: "yes", False: "no", None: "unknown"}[inc.nato_member]
             + f" (as of {inc.membership_date.isoformat()})"),
        _row("Verdict", VERDICT_LABELS.get(inc.verdict, inc.verdict)),
        _row("Distance to border", dist), _row("Confidence", f"{inc.confidence:.2f}"),
        _row("Source", report.doc_id),
    ]
    if area is not None:
        rows.append(_row("Region", area.note or area.precision))
    if loc is not None and loc.note:
        rows.append(_row("Placed", loc.note))
    return (f'<div class="gi-popup"><b>Incident {n}</b><table>{"".join(rows)}</table>'
            f'<p class="gi-evidence"><i>“{esc(inc.evidence)}”</i></p></div>')


def _place_popup(report, place) -> str:
    rows = [_row("Mention", place.text), _row("Resolved to", place.name),
            _row("Role", place.role), _row("Precision", place.precision),
            _row("Country", place.country_iso3), _row("Source", report.doc_id)]
    if place.note:
        rows.append(_row("Placed", place.note))
    return f'<div class="gi-popup"><table>{"".join(rows)}</table></div>'


def _track_layer(scene: Scene):
    """A flight track: each stretch a line in its state's colour (dashed outside every state's
    airspace), crossings as white dots, the track's start and end as dark dots."""
    import folium

    from geoincidents.outputs.track import split_antimeridian
    from geoincidents.tracks import _duration, _iso

    colours = track_colours(scene.tracks)
    layer = folium.FeatureGroup(name="Track", show=True)
    for k, s in enumerate(scene.tracks, start=1):
        label = f"{k}. {s.country_name or 'outside every state'}: {_duration(s.duration_s)}, " \
            f"{s.length_km:.1f} km"
        if s.max_depth_km is not None:
            label += f", at most {s.max_depth_km:.1f} km deep"
        for part in split_antimeridian(s.path_lat, s.path_lon):
            folium.PolyLine([(lat, lon) for lon, lat in part], color=colours[s.country_iso3],
                            weight=4, opacity=0.9, dash_array=None if s.country_iso3 else "6 6",
                            tooltip=esc(label), class_name="gi-track").add_to(layer)
    for before, after in zip(scene.tracks, scene.tracks[1:]):
        p = after.entry
        text = f"{_iso(p.time)}: {before.country_iso3 or 'none'} → {after.country_iso3 or 'none'}"
        folium.CircleMarker([p.lat, p.lon], radius=5, color="#212121", weight=2, fill=True,
                            fill_color="#ffffff", fill_opacity=1.0, tooltip=esc(text),
                            class_name="gi-crossing").add_to(layer)
    for p, word in ((scene.tracks[0].entry, "start"), (scene.tracks[-1].exit, "end")):
        folium.CircleMarker([p.lat, p.lon], radius=5, color="#212121", fill=True,
                            fill_color="#212121", fill_opacity=1.0,
                            tooltip=esc(f"Track {word}: {_iso(p.time)}")).add_to(layer)
    return layer


def _legend(scene: Scene) -> str:
    if scene.tracks:
        colours = track_colours(scene.tracks)
        names = {s.country_iso3: s.country_name for s in scene.tracks}
        items = [f'<i style="background:{c}"></i>Track in '
                 f"{esc(names[iso3]) if iso3 else 'no state&#39;s airspace'}"
                 for iso3, c in colours.items() if iso3 in names]
        items += ['<i style="background:#fff;border-radius:50%"></i>Border crossing',
                  f'<i style="background:{NATO_FILL}"></i>NATO member on '
                  f"{scene.as_of.isoformat()}",
                  f'<i style="background:{LAND_FILL}"></i>Other state (land + territorial sea)']
        return (f'<div class="gi-legend">{"<br>".join(items)}<br><small>'
                f"{esc(ATTRIBUTION)}</small></div>")
    items = [f'<i style="background:{VERDICT_COLOURS[v]};border-radius:50%"></i>Incident, '
             f"{esc(VERDICT_LABELS[v])}" for v in ("inside", "possible", "outside")]
    items += [
        f'<i style="background:{HIGHLIGHT}"></i>State where the incident happened',
        f'<i style="background:{NATO_FILL}"></i>NATO member on {scene.as_of.isoformat()}',
        f'<i style="background:{LAND_FILL}"></i>Other state (land + territorial sea)',
        f'<i style="background:{PLACE_COLOUR};border-radius:50%"></i>Other place named',
        '<i style="border:1px dashed #555;background:none"></i>Location uncertainty',
    ]
    if any(inc.area is not None for _, inc in scene.incidents):
        items.append('<i style="border:2px solid #555;background:rgba(85,85,85,.15)"></i>'
                     "Incident region (what the text says, intersected)")
    return (f'<div class="gi-legend">{"<br>".join(items)}<br><small>'
            f"{esc(ATTRIBUTION)}</small></div>")
