"""Events out (GeoJSON, CSV, GeoPackage, GeoParquet) and back in (``events --update``)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import IO

from geoincidents.errors import InputError, NothingToWrite

EVENT_KEYS = ("feature_type", "event_id", "name", "precision", "uncertainty_km", "country_iso3",
              "country_name", "nato_member", "object", "actor_iso3", "attribution", "date",
              "evidence", "inside_nato_airspace", "verdict", "distance_to_border_km",
              "confidence", "report_count", "first_reported", "last_reported", "sources",
              "conflicts")


def event_collection(events) -> dict:
    """A FeatureCollection of the events (consensus point, flat properties)."""
    return {"type": "FeatureCollection", "features": [e.to_feature() for e in events]}


def write_events(events, target: str | Path | IO) -> None:
    """Write events to a path (format by suffix, atomically) or an open text stream (GeoJSON)."""
    events = list(events)
    if not isinstance(target, (str, Path)):
        json.dump(event_collection(events), target, ensure_ascii=False)
        target.write("\n")
        return
    if not events:
        raise NothingToWrite(f"no events to write; {target} not written")
    path = Path(target)
    suffix = path.suffix.lower()
    if suffix in (".gpkg", ".parquet"):
        _write_table(events, path, suffix[1:])
        return
    from geoincidents.fileio import atomic_write

    if suffix == ".csv":
        with atomic_write(path, newline="") as fh:
            fh.write(events_csv(events))
        return
    with atomic_write(path) as fh:
        json.dump(event_collection(events), fh, ensure_ascii=False, indent=1)
        fh.write("\n")


def events_csv(events) -> str:
    """One row per event: ``lat``, ``lon`` and every event key."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["lat", "lon", *EVENT_KEYS])
    for e in events:
        feat = e.to_feature()
        lon, lat = feat["geometry"]["coordinates"] if feat["geometry"] else (None, None)
        props = feat["properties"]
        writer.writerow([_cell(lat), _cell(lon), *(_cell(props.get(k)) for k in EVENT_KEYS)])
    return buf.getvalue()


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _write_table(events, path: Path, fmt: str) -> None:
    from geoincidents.cli.extract import write_table

    def fill(sink) -> None:
        sink.write(e.to_feature() for e in events)
        sink.close()

    write_table(str(path), fmt, fill, keys=EVENT_KEYS, layer="events")


def read_events(path: str | Path) -> list:
    """The events of a GeoJSON written by ``events`` (for ``--update``): each rebuilt from its
    consensus and its sources, ids kept."""
    from geoincidents.events import Event, Sighting, Source

    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"{path}: not an events GeoJSON ({err})") from err
    feats = data.get("features") if isinstance(data, dict) else None
    if not isinstance(feats, list):
        raise InputError(f"{path}: not an events GeoJSON (no features)")
    out = []
    for n, feat in enumerate(feats, start=1):
        props = (feat or {}).get("properties") or {}
        if props.get("feature_type") != "event" or not props.get("event_id"):
            raise InputError(f"{path}: feature {n} is not an event (written by `events`?)")
        try:
            sources = json.loads(props.get("sources") or "[]")
            geom = feat.get("geometry") or None
            lon, lat = geom["coordinates"] if geom else (None, None)  # GeoJSON is [lon, lat]
            day = _date(props.get("date"))
            event = Event(props["event_id"])
            for s in sources:
                src = Source(str(s["doc_id"]), str(s.get("incident_id") or ""), s.get("url"),
                             _date(s.get("published")), s.get("evidence") or "")
                event.members.append(Sighting(
                    src, props.get("object") or "unknown", props.get("actor_iso3"),
                    None, day, props.get("country_iso3"), props.get("country_name"),
                    props.get("nato_member"), props.get("inside_nato_airspace"),
                    props.get("verdict"), props.get("distance_to_border_km"), lat, lon,
                    props.get("precision"), props.get("uncertainty_km"), props.get("name"),
                    float(props.get("confidence") or 0.5)))
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(f"{path}: event {props.get('event_id')} is malformed ({err})") \
                from err
        if not event.members:
            raise InputError(f"{path}: event {props['event_id']} has no sources")
        out.append(event)
    return out


def _date(value) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None
