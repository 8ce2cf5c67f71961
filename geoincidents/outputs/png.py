"""A PNG map for reports (matplotlib, imported only here)."""

from __future__ import annotations

import math
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


def write_png(scene: Scene, path: str | Path, *, dpi: int = 150, clobber: bool = True) -> Path:
    """Draw the scene at a fixed extent with title, legend, scale bar and attribution."""
    import matplotlib.pyplot as plt

    from geoincidents.fileio import atomic_write

    fig = render_figure(scene, dpi=dpi)
    path = Path(path)
    with atomic_write(path, "wb", clobber=clobber) as fh:
        fig.savefig(fh, format="png", dpi=dpi)
    plt.close(fig)
    return path


def render_figure(scene: Scene, *, dpi: int = 150):
    """The scene as a matplotlib Figure (one Axes in lon/lat), laid out at ``dpi``; the caller
    closes it (``matplotlib.pyplot.close``)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    lon0, lat0, lon1, lat1 = scene.bounds
    mid_lat = (lat0 + lat1) / 2
    aspect = 1 / max(math.cos(math.radians(mid_lat)), 0.2)
    width = 11.0
    height = min(max(width * (lat1 - lat0) * aspect / max(lon1 - lon0, 1e-6), 5.0), 11.0) + 1.2
    fig, ax = plt.subplots(figsize=(width, height), dpi=dpi)
    draw_borders(ax, scene)
    for _report, place in scene.places:
        ax.plot(place.lon, place.lat, "o", ms=3.5, color=PLACE_COLOUR, zorder=4,
                alpha=0.9 if place.role == "location" else 0.45)
        if lon0 <= place.lon <= lon1 and lat0 <= place.lat <= lat1:
            ax.annotate(place.name or place.text, (place.lon, place.lat), xytext=(4, 3),
                        textcoords="offset points", fontsize=7, color="#37474f", zorder=5,
                        style="italic" if place.role == "actor" else "normal")
    for n, (_report, inc) in enumerate(scene.incidents, start=1):
        loc = inc.location
        lat, lon = incident_point(inc)
        if lat is None:
            continue
        colour = VERDICT_COLOURS.get(inc.verdict, VERDICT_COLOURS[None])
        if inc.area is not None:  # the region instead of the uncertainty circle
            _region(ax, inc.area, colour)
        elif loc.precision != "country" and (loc.uncertainty_km or 0) > 0:
            ring = _circle(loc.lat, loc.lon, loc.uncertainty_km)
            ax.fill([p[1] for p in ring], [p[0] for p in ring], color=colour, alpha=0.15,
                    zorder=6)
            ax.plot([p[1] for p in ring], [p[0] for p in ring], color=colour, lw=1, ls="--",
                    zorder=6)
        ax.plot(lon, lat, marker="*", ms=18, color=colour, mec="black", mew=0.8, zorder=8)
        label = f"{n}. {inc.object} — {loc.name if loc else 'region'}" + \
            (f", {inc.date}" if inc.date else "")
        ax.annotate(label, (lon, lat), xytext=(9, -4), textcoords="offset points",
                    fontsize=9, weight="bold", zorder=9,
                    bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": colour, "alpha": 0.85})
    if scene.tracks:
        _track(ax, scene)
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(aspect)
    ax.tick_params(labelsize=7)
    ax.set_title(scene.title, fontsize=12, weight="bold", loc="left")
    handles = [Line2D([], [], marker="*", ls="", ms=14, color=VERDICT_COLOURS[v], mec="black",
                      label=f"Incident, {VERDICT_LABELS[v]}")
               for v in ("inside", "possible", "outside")] if not scene.tracks else []
    if scene.tracks:
        names = {s.country_iso3: s.country_name or "no state's airspace" for s in scene.tracks}
        handles += [Line2D([], [], color=c, lw=3, ls="-" if iso3 else "--",
                           label=f"Track in {names[iso3]}")
                    for iso3, c in track_colours(scene.tracks).items() if iso3 in names]
        handles.append(Line2D([], [], marker="o", ls="", ms=6, mfc="white", mec="black",
                              label="Border crossing"))
    if not scene.tracks:
        handles.append(Patch(fc=HIGHLIGHT, ec=NATO_EDGE,
                             label="State where the incident happened"))
    handles += [
        Patch(fc=NATO_FILL, ec=NATO_EDGE, label=f"NATO member on {scene.as_of.isoformat()}"),
        Patch(fc=LAND_FILL, ec=LAND_EDGE, label="Other state (land + territorial sea)"),
    ]
    if not scene.tracks:
        handles += [
            Line2D([], [], marker="o", ls="", ms=5, color=PLACE_COLOUR,
                   label="Other place named"),
            Line2D([], [], ls="--", color="#555555", label="Location uncertainty"),
        ]
    if any(inc.area is not None for _, inc in scene.incidents):
        handles.append(Patch(fc=(0.33, 0.33, 0.33, 0.15), ec="#555555", lw=1.2,
                             label="Incident region (what the text says, intersected)"))
    ax.legend(handles=handles, loc="upper left", fontsize=7.5, framealpha=0.92)
    scale_bar(ax, lon0, lat0, lon1, lat1)
    fig.text(0.99, 0.005, ATTRIBUTION + " · geoincidents", ha="right", va="bottom", fontsize=7,
             color="#555555")
    fig.tight_layout()
    return fig


def _track(ax, scene: Scene) -> None:
    """The track's stretches in their states' colours, crossings as white dots."""
    from geoincidents.outputs.track import split_antimeridian

    colours = track_colours(scene.tracks)
    for s in scene.tracks:
        for part in split_antimeridian(s.path_lat, s.path_lon):
            ax.plot([p[0] for p in part], [p[1] for p in part], color=colours[s.country_iso3],
                    lw=2.5, ls="-" if s.country_iso3 else "--", zorder=7)
    for s in scene.tracks[1:]:
        ax.plot(s.entry.lon, s.entry.lat, "o", ms=6, mfc="white", mec="black", zorder=8)
    for p in (scene.tracks[0].entry, scene.tracks[-1].exit):
        ax.plot(p.lon, p.lat, "o", ms=5, color="#212121", zorder=8)


def draw_borders(ax, scene: Scene) -> None:
    """The sea as the background and every state of the scene: NATO members, highlighted
    states and the others in their fills (``Axes`` x = lon, y = lat)."""
    ax.set_facecolor(SEA)
    for iso3, _name, sovereign, geom in scene.borders:
        state = sovereign or iso3
        member = state in scene.nato
        highlighted = state in scene.highlighted
        face = HIGHLIGHT if highlighted else (NATO_FILL if member else LAND_FILL)
        edge = NATO_EDGE if member else LAND_EDGE
        fill_polygons(ax, geom, face, edge, 0.9 if highlighted else 0.5)


def fill_polygons(ax, geom, face, edge, lw) -> None:
    import shapely

    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon":
            continue
        x, y = poly.exterior.xy
        ax.fill(x, y, fc=face, ec=edge, lw=lw, zorder=2)
        for hole in poly.interiors:
            hx, hy = hole.xy
            ax.fill(hx, hy, fc=SEA, ec=edge, lw=lw * 0.6, zorder=2)


def _region(ax, area, colour) -> None:
    """An incident's region as the GeoJSON output has it (holes left open): light fill in the
    verdict's colour and a solid outline."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    geometry = region_geometry(area)
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" \
        else geometry["coordinates"]
    # RFC 7946 positions are [lon, lat], which is this Axes' (x, y).
    rings = [MplPath(ring, closed=True) for rings in polygons for ring in rings]
    path = MplPath.make_compound_path(*rings)
    ax.add_patch(PathPatch(path, fc=colour, alpha=0.15, lw=0, zorder=6))
    ax.add_patch(PathPatch(path, fc="none", ec=colour, lw=1.4, zorder=6))


def _circle(lat: float, lon: float, km: float, n: int = 72) -> list[tuple[float, float]]:
    from pyproj import Geod

    geod = Geod(ellps="WGS84")
    pts = []
    for k in range(n + 1):
        lon2, lat2, _ = geod.fwd(lon, lat, 360.0 * k / n, km * 1000.0)
        pts.append((lat2, lon2))
    return pts


def scale_bar(ax, lon0, lat0, lon1, lat1) -> None:
    from pyproj import Geod

    lat = lat0 + (lat1 - lat0) * 0.06
    start = lon0 + (lon1 - lon0) * 0.04
    km_per_deg = Geod(ellps="WGS84").inv(start, lat, start + 1, lat)[2] / 1000.0
    target = (lon1 - lon0) * km_per_deg * 0.2
    nice = max(v for v in (1, 2, 5, 10, 20, 50, 100, 200, 250, 500, 1000, 2000)
               if v <= max(target, 1))
    end = start + nice / km_per_deg
    ax.plot([start, end], [lat, lat], color="black", lw=3, solid_capstyle="butt", zorder=10)
    ax.text((start + end) / 2, lat + (lat1 - lat0) * 0.012, f"{nice} km", ha="center",
            va="bottom", fontsize=8, zorder=10)
