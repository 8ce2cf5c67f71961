"""Check many points from a file: a CSV with lat/lon(/date) columns or a GeoJSON of points.

CSV input is streamed in batches, so files of any length run in bounded memory; GeoJSON input is
read whole (it is one JSON document). The output keeps every input column or property and adds the
verdict's; its format follows the output's suffix (``.csv``, ``.geojson``/``.json``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from geoincidents.errors import InputError, NothingToWrite

LAT_NAMES = ("lat", "latitude", "y")
LON_NAMES = ("lon", "lng", "long", "longitude", "x")
DATE_NAMES = ("date", "datetime", "time", "timestamp")
VERDICT_COLUMNS = (
    "country_iso3", "country_name", "nato_member", "inside_nato_airspace",
    "in_treaty_area", "distance_to_border_km", "territory_iso3", "disputed", "claimants",
    "distance_basis", "membership_date",
)
BATCH = 50_000
Progress = Callable[[int], None]  # called with the number of points done so far


def file_format(path: str | Path) -> str:
    """``csv`` or ``geojson`` from a file name's suffix."""
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    if suffix in (".geojson", ".json"):
        return "geojson"
    raise InputError(f"{path}: unknown points format {suffix or '(no suffix)'!r}; "
                     "use .csv or .geojson")


def parse_date(value: str, where: str) -> dt.date | None:
    """An ISO date (the date part of an ISO timestamp is enough); empty -> None."""
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise InputError(f"{where}: date {value!r} is not a valid YYYY-MM-DD date") from None


def parse_coordinate(value: Any, name: str, where: str) -> float:
    """A finite number within the latitude/longitude range, or an InputError naming it."""
    limit = 90.0 if name == "latitude" else 180.0
    if isinstance(value, bool):  # JSON true/false would otherwise read as 1/0
        raise InputError(f"{where}: {name} {value!r} is not a number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{where}: {name} {value!r} is not a number") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise InputError(f"{where}: {name} {value!r} is outside [-{limit:g}, {limit:g}]")
    return number


def check_points(airspace, src: IO[str], src_name: str, src_format: str, dst: IO[str],
                 dst_format: str, default_date: dt.date | None = None,
                 progress: Progress | None = None, make_writer=None) -> int:
    """Classify every point of ``src`` and write the rows with verdicts to ``dst``.

    ``make_writer(header)``, when given, makes the writer instead (``dst``/``dst_format`` are
    then unused): an object with ``write(row, verdict_dict, lat, lon)`` and ``close()``, such
    as a PostGIS table's. Returns the number of points. Raises :class:`InputError` naming the
    line or feature of the first bad value, :class:`NothingToWrite` (before writing anything)
    when there is no point.
    """
    if src_format == "csv":
        header, batches = _csv_batches(src, src_name, default_date)
    else:
        header, batches = _geojson_batches(src, src_name, default_date)
    writer = None  # made at the first point: a file without points writes nothing
    total = 0
    for rows, lats, lons, dates in batches:
        if writer is None and make_writer is not None:
            writer = make_writer(header)
        elif writer is None:
            writer = (_CsvWriter if dst_format == "csv" else _GeoJsonWriter)(dst, header)
        res = airspace.classify(lats, lons, dates)
        for i, row in enumerate(rows):
            writer.write(row, res.verdict(i).to_dict(), lats[i], lons[i])
        total += len(rows)
        if progress:
            progress(total)
    if writer is None:
        raise NothingToWrite(f"{src_name}: no points to check")
    writer.close()
    return total


def _csv_batches(src: IO[str], name: str, default_date: dt.date | None):
    """The header and a generator of batches (rows, lats, lons, dates)."""
    sample = src.read(64 * 1024)
    if not sample.strip():
        raise InputError(f"{name}: empty file (expected a CSV header with lat and lon columns)")
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    # strict: a quote left open is an error, not a field that swallows the rest of the file.
    reader = csv.reader(_chain(sample, src), dialect, strict=True)
    try:
        header = next(reader)
    except csv.Error as err:
        raise InputError(f"{name} line 1: malformed CSV ({_csv_problem(err)})") from None
    lower = [h.strip().lower() for h in header]

    def find(names):
        return next((lower.index(n) for n in names if n in lower), None)

    ilat, ilon, idate = find(LAT_NAMES), find(LON_NAMES), find(DATE_NAMES)
    if ilat is None or ilon is None:
        raise InputError(f"{name}: no latitude/longitude columns in header {header!r} "
                         f"(expected one of {', '.join(LAT_NAMES)} and of {', '.join(LON_NAMES)})")

    def records():
        while True:
            try:
                yield next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                raise InputError(f"{name} line {reader.line_num}: malformed CSV "
                                 f"({_csv_problem(err)})") from None

    def batches():
        rows, lats, lons, dates = [], [], [], []
        for record in records():
            if not record or all(not c.strip() for c in record):
                continue
            where = f"{name} line {reader.line_num}"
            if len(record) != len(header):
                raise InputError(f"{where}: {len(record)} fields, header has {len(header)}")
            lats.append(parse_coordinate(record[ilat], "latitude", where))
            lons.append(parse_coordinate(record[ilon], "longitude", where))
            day = parse_date(record[idate], where) if idate is not None else None
            dates.append(day or default_date)
            rows.append(record)
            if len(rows) >= BATCH:
                yield rows, lats, lons, dates
                rows, lats, lons, dates = [], [], [], []
        if rows:
            yield rows, lats, lons, dates

    return header, batches()


def _csv_problem(err: csv.Error) -> str:
    text = str(err)
    if "field larger than field limit" in text:
        return f"a field is longer than {csv.field_size_limit():,} characters"
    if "unexpected end of data" in text or "EOF" in text:
        return "a quote is never closed"
    return text


def _chain(first: str, rest: IO[str]) -> Iterator[str]:
    yield from io.StringIO(first + rest.readline())
    yield from rest


def load_geojson_object(src: IO[str], name: str, expected: str) -> dict:
    """A GeoJSON document's top-level object; malformed or non-object JSON is an InputError
    naming the file (and ``expected``)."""
    try:
        doc = json.load(src)
    except json.JSONDecodeError as err:
        raise InputError(f"{name}: not valid JSON (line {err.lineno}: {err.msg})") from None
    except RecursionError:
        raise InputError(f"{name}: JSON nested too deeply to be GeoJSON") from None
    if not isinstance(doc, dict):
        raise InputError(f"{name}: expected {expected}")
    return doc


def _geojson_batches(src: IO[str], name: str, default_date: dt.date | None):
    """A CSV-style header (lat, lon, then every property name) and one batch of features."""
    doc = load_geojson_object(src, name, "a GeoJSON object")
    if doc.get("type") == "FeatureCollection":
        features = doc.get("features")
    elif doc.get("type") == "Feature":
        features = [doc]
    else:
        raise InputError(f"{name}: expected a GeoJSON FeatureCollection or Feature of points")
    if not isinstance(features, list):
        raise InputError(f"{name}: 'features' must be a list")
    rows, lats, lons, dates = [], [], [], []
    for k, feat in enumerate(features, start=1):
        where = f"{name} feature {k}"
        geom = feat.get("geometry") if isinstance(feat, dict) else None
        if not isinstance(geom, dict) or geom.get("type") != "Point":
            raise InputError(f"{where}: geometry is not a Point")
        coords = geom.get("coordinates")
        if not isinstance(coords, list) or len(coords) < 2:
            raise InputError(f"{where}: Point needs [lon, lat] coordinates")
        # GeoJSON positions are [lon, lat] (RFC 7946 §3.1.1).
        lons.append(parse_coordinate(coords[0], "longitude", where))
        lats.append(parse_coordinate(coords[1], "latitude", where))
        props = feat.get("properties") or {}
        if not isinstance(props, dict):
            raise InputError(f"{where}: properties must be an object")
        raw = next((props[n] for n in DATE_NAMES if isinstance(props.get(n), str)), "")
        dates.append(parse_date(raw, where) or default_date)
        rows.append(feat)
    keys = dict.fromkeys(k for f in rows for k in (f.get("properties") or {}))
    return ["lat", "lon", *keys], iter([(rows, lats, lons, dates)] if rows else [])


class _CsvWriter:
    """Input columns (verdict columns already there are replaced), then the verdict's."""

    def __init__(self, dst: IO[str], header: list[str]) -> None:
        self.out = csv.writer(dst, lineterminator="\n")
        self.keep = [i for i, h in enumerate(header) if h not in VERDICT_COLUMNS]
        self.names = [header[i] for i in self.keep]
        self.out.writerow(self.names + list(VERDICT_COLUMNS))

    def write(self, row, verdict: dict, lat: float, lon: float) -> None:
        if isinstance(row, dict):  # a GeoJSON feature: lat, lon, then its properties
            props = row.get("properties") or {}
            base = [lat, lon] + [_csv_value(props.get(k)) for k in self.names[2:]]
        else:
            base = [row[i] for i in self.keep]
        self.out.writerow(base + [_csv_value(verdict[k]) for k in VERDICT_COLUMNS])

    def close(self) -> None:
        pass


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


class _GeoJsonWriter:
    def __init__(self, dst: IO[str], header: list[str]) -> None:
        self.dst = dst
        self.header = header
        self.count = 0
        dst.write('{"type": "FeatureCollection", "features": [\n')

    def write(self, row, verdict: dict, lat: float, lon: float) -> None:
        if isinstance(row, dict):
            props = dict(row.get("properties") or {})
        else:
            props = {h: v for h, v in zip(self.header, row)
                     if h.strip().lower() not in LAT_NAMES + LON_NAMES}
        props.update({k: verdict[k] for k in VERDICT_COLUMNS})
        # RFC 7946 positions are [lon, lat].
        feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                   "properties": props}
        self.dst.write((",\n" if self.count else "") + json.dumps(feature, ensure_ascii=False))
        self.count += 1

    def close(self) -> None:
        self.dst.write("\n]}\n")
