"""What ``check --track`` prints and writes: a table, a one-line summary, JSON and GeoJSON."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from geoincidents.tracks import Stretch, _duration, _iso


def track_json(stretches: Sequence[Stretch], fixes: int) -> dict:
    """The ``check --track --json`` document: stretches in track order and the track's totals."""
    first, last = stretches[0], stretches[-1]
    return {
        "stretches": [s.to_dict() for s in stretches],
        "fixes": fixes,
        "start": first.entry.to_dict(), "end": last.exit.to_dict(),
        "duration_s": round(sum(s.duration_s for s in stretches), 3),
        "length_km": round(sum(s.length_km for s in stretches), 3),
        "summary": summary(stretches),
    }


def _state(s: Stretch) -> str:
    if s.country_iso3 is None:
        return "no state (international airspace)"
    text = f"{s.country_name}'s airspace"
    if s.territory_iso3 and s.territory_iso3 != s.country_iso3:
        text += f" ({s.territory_iso3})"
    if s.disputed:
        text += f" (disputed: {', '.join(s.claimants)})"
    return text


def _at(p) -> str:
    return f"{p.lat:.5f}, {p.lon:.5f} at {_iso(p.time)}"


def summary(stretches: Sequence[Stretch]) -> str:
    """One line for people: each state entered, for how long, how deep, where in and out."""
    parts = []
    for s in stretches:
        if s.country_iso3 is None:
            continue
        text = f"inside {_state(s)} for {_duration(s.duration_s)}"
        if s.max_depth_km is not None:
            text += f", at most {s.max_depth_km:.1f} km deep"
        entering = "starting" if s.entry.kind == "track_start" else "entering"
        leaving = "ending" if s.exit.kind == "track_end" else "leaving"
        parts.append(f"{text}, {entering} at {_at(s.entry)}, {leaving} at {_at(s.exit)}")
    if not parts:
        total = sum(s.duration_s for s in stretches)
        return f"never inside a state's airspace ({_duration(total)} in international airspace)"
    return "; then ".join(parts)


_HEADER = ("#", "state", "NATO", "entry (UTC)", "entry lat, lon", "exit (UTC)",
           "exit lat, lon", "duration", "km", "depth km")


def table(stretches: Sequence[Stretch]) -> str:
    """One row per stretch, columns aligned; ends of the track are marked ``start``/``end``."""
    rows = [_HEADER]
    for k, s in enumerate(stretches, start=1):
        state = s.country_iso3 or "-"
        if s.territory_iso3 and s.territory_iso3 != s.country_iso3:
            state += f"/{s.territory_iso3}"
        if s.disputed:
            state += "*"
        member = {True: "yes", False: "no", None: "?"}[s.nato_member] if s.country_iso3 else "-"
        rows.append((
            str(k), state, member,
            s.entry.time.strftime("%Y-%m-%d %H:%M:%S") + (" start" if s.entry.kind ==
                                                          "track_start" else ""),
            f"{s.entry.lat:.5f}, {s.entry.lon:.5f}",
            s.exit.time.strftime("%Y-%m-%d %H:%M:%S") + (" end" if s.exit.kind ==
                                                         "track_end" else ""),
            f"{s.exit.lat:.5f}, {s.exit.lon:.5f}",
            _duration(s.duration_s), f"{s.length_km:.1f}",
            "-" if s.max_depth_km is None else f"{s.max_depth_km:.1f}",
        ))
    widths = [max(len(r[c]) for r in rows) for c in range(len(_HEADER))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows]
    if any(s.disputed for s in stretches):
        lines.append("* disputed area (claimants listed in --json)")
    return "\n".join(lines)


def track_geojson(stretches: Sequence[Stretch]) -> dict:
    """RFC 7946 FeatureCollection: each stretch a LineString (a MultiLineString when cut at the
    antimeridian, RFC 7946 §3.1.9), each crossing a Point; properties flat and typed."""
    feats = []
    for k, s in enumerate(stretches, start=1):
        props = {
            "feature_type": "track_stretch", "stretch": k, "country_iso3": s.country_iso3,
            "country_name": s.country_name, "territory_iso3": s.territory_iso3,
            "nato_member": s.nato_member, "disputed": s.disputed,
            "claimants": ";".join(s.claimants) or None,
            "entry_time": _iso(s.entry.time), "entry_lat": round(s.entry.lat, 6),
            "entry_lon": round(s.entry.lon, 6), "entry_kind": s.entry.kind,
            "exit_time": _iso(s.exit.time), "exit_lat": round(s.exit.lat, 6),
            "exit_lon": round(s.exit.lon, 6), "exit_kind": s.exit.kind,
            "duration_s": round(s.duration_s, 3), "length_km": round(s.length_km, 3),
            "max_depth_km": None if s.max_depth_km is None else round(s.max_depth_km, 3),
            "deepest_lat": None if s.deepest_lat is None else round(s.deepest_lat, 6),
            "deepest_lon": None if s.deepest_lon is None else round(s.deepest_lon, 6),
        }
        feats.append({"type": "Feature", "geometry": line_geometry(s.path_lat, s.path_lon),
                      "properties": props})
    for k in range(1, len(stretches)):
        before, after = stretches[k - 1], stretches[k]
        p = after.entry
        feats.append({
            "type": "Feature",
            # RFC 7946 positions are [lon, lat].
            "geometry": {"type": "Point", "coordinates": [round(p.lon, 7), round(p.lat, 7)]},
            "properties": {"feature_type": "track_crossing", "crossing": k,
                           "time": _iso(p.time), "from_country_iso3": before.country_iso3,
                           "to_country_iso3": after.country_iso3,
                           "to_nato_member": after.nato_member},
        })
    return {"type": "FeatureCollection", "features": feats}


def split_antimeridian(lat: np.ndarray, lon: np.ndarray) -> list[list[tuple[float, float]]]:
    """The path as parts of (lon, lat) positions, cut where it crosses the antimeridian (a
    step of more than 180 degrees of longitude), the cut point put on both sides."""
    parts, part = [], [(float(lon[0]), float(lat[0]))]
    for i in range(1, len(lat)):
        x0, y0, x1, y1 = float(lon[i - 1]), float(lat[i - 1]), float(lon[i]), float(lat[i])
        if abs(x1 - x0) > 180.0:
            side = 180.0 if x0 > 0 else -180.0
            x1u = x1 + 360.0 if x0 > 0 else x1 - 360.0
            f = (side - x0) / (x1u - x0) if x1u != x0 else 0.0
            y = y0 + (y1 - y0) * f
            part.append((side, y))
            parts.append(part)
            part = [(-side, y)]
        part.append((x1, y1))
    parts.append(part)
    return parts


def line_geometry(lat: np.ndarray, lon: np.ndarray) -> dict:
    """A GeoJSON LineString, or a MultiLineString when the path crosses the antimeridian."""
    # RFC 7946 positions are [lon, lat].
    parts = [[[round(x, 7), round(y, 7)] for x, y in p] for p in split_antimeridian(lat, lon)]
    if len(parts) == 1:
        return {"type": "LineString", "coordinates": parts[0]}
    return {"type": "MultiLineString", "coordinates": parts}


def write_track_geojson(stretches: Sequence[Stretch], path, *, clobber: bool = True):
    """Write :func:`track_geojson` atomically (a failed run leaves no partial file)."""
    import json
    from pathlib import Path

    from geoincidents.fileio import atomic_write

    path = Path(path)
    with atomic_write(path, clobber=clobber) as fh:
        json.dump(track_geojson(stretches), fh, ensure_ascii=False)
        fh.write("\n")
    return path
