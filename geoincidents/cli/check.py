"""``geoincidents check``: whose sovereign airspace is a point in, and is it NATO airspace?"""

from __future__ import annotations

import io
import json
import math
import os
import sys
from pathlib import Path

import click

from geoincidents.cli.options import DATE, NumericArgsCommand, translate_errors
from geoincidents.errors import GeoIncidentsError

# A progress bar is worth drawing for inputs above this size (bytes).
_PROGRESS_FROM = 5_000_000


def _coordinate(value: str | None, name: str, limit: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise click.BadParameter(f"{value!r} is not a number", param_hint=name) from None
    if not math.isfinite(number):
        raise click.BadParameter(f"{value!r} is not a finite number", param_hint=name)
    if abs(number) > limit:
        raise click.BadParameter(f"{value} is outside [-{limit:g}, {limit:g}]", param_hint=name)
    return number


class _Gap(click.ParamType):
    """A duration such as 90s, 30m, 2h or 1.5h; 'none' for no limit."""

    name = "duration"

    def convert(self, value, param, ctx):
        import datetime as dt
        import re

        if value is None or isinstance(value, dt.timedelta):
            return value
        text = str(value).strip().lower()
        if text in ("none", "off", "0"):
            return None
        m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)?", text)
        if not m:
            self.fail(f"{value!r} is not a duration (e.g. 90s, 30m, 2h, or none)", param, ctx)
        unit = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}[
            m.group(2) or "s"]
        return dt.timedelta(seconds=float(m.group(1)) * unit)


_GAP = _Gap()


@click.command(cls=NumericArgsCommand)
@click.argument("lat", required=False)
@click.argument("lon", required=False)
@click.option("--date", type=DATE, help="Date of the event (YYYY-MM-DD); default: today's NATO.")
@click.option("--json", "as_json", is_flag=True, help="Print the verdict as JSON.")
@click.option("--points", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV (lat, lon[, date] columns) or GeoJSON of points to check.")
@click.option("--track", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A flight track (GPX, CSV time,lat,lon[,alt] or GeoJSON with times): "
              "where it entered and left each airspace, for how long, how deep.")
@click.option("--max-gap", type=_GAP, default="2h", show_default=True,
              help="With --track: the longest time allowed between two fixes (e.g. 30m, 6h; "
              "'none' for any).")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="With --points: output file, CSV or GeoJSON by suffix (default: stdout), or "
              "postgresql://USER@HOST:PORT/DB?table=NAME for a PostGIS table keyed by (source "
              "file, point number); password from PGPASSWORD or ~/.pgpass. "
              "With --track: a GeoJSON of the stretches and crossings.")
@translate_errors
def check(lat, lon, date, as_json, points, track, max_gap, output):
    """Whose sovereign airspace (land + territorial sea) is LAT LON in, on --date?

    Names the sovereign state (Greenland -> DNK, territory GRL), says whether it was a NATO member
    on the date and whether that territory is in the North Atlantic Treaty area (art. 6: not
    Hawaii, Guam or French Guiana), and gives the distance to the border: the depth inside a NATO
    member's airspace, or the distance to the nearest NATO member's airspace from anywhere else.
    Negative numbers are fine: `geoincidents check 64.18 -51.72`.
    """
    from geoincidents.airspace import Airspace
    from geoincidents.cli.options import open_postgis
    from geoincidents.outputs.postgis import is_postgres_url

    database = is_postgres_url(output)
    if database and (points is None or track is not None or lat is not None):
        raise click.UsageError("-o postgresql://... needs --points FILE")
    output = Path(output) if output is not None and not database else output
    if track is not None:
        if lat is not None or points is not None:
            raise click.UsageError("give one of LAT LON, --points FILE or --track FILE")
        if date is not None:
            raise click.UsageError("--date does not apply to --track: NATO membership is "
                               "taken on each stretch's entry date")
        _check_track(track, output, as_json, max_gap)
        return
    if points is not None:
        if lat is not None:
            raise click.UsageError("give either LAT LON or --points FILE, not both")
        if database:
            # Checked before any point is; the file's rows replace its earlier ones.
            sink = open_postgis(output, "points", source=str(points.resolve()))
            _check_file(Airspace.default(), points, None, date, sink)
            return
        _check_file(Airspace.default(), points, output, date)
        return
    if lat is None or lon is None:
        raise click.UsageError("missing LAT LON (or --points FILE)")
    if output is not None:
        raise click.UsageError("-o/--output needs --points or --track")
    verdict = Airspace.default().check(
        _coordinate(lat, "LAT", 90.0), _coordinate(lon, "LON", 180.0), date
    )
    if as_json:
        click.echo(json.dumps(verdict.to_dict(), ensure_ascii=False))
    else:
        click.echo(describe(verdict))


def _check_track(path: Path, output: Path | None, as_json: bool, max_gap) -> None:
    from geoincidents.airspace import Airspace
    from geoincidents.outputs import track as out
    from geoincidents.tracks import read_track, trace

    if output is not None and output.suffix.lower() not in (".geojson", ".json"):
        raise click.BadParameter(f"{output}: with --track the output is GeoJSON "
                                 "(.geojson or .json)", param_hint="-o/--output")
    try:
        fixes = read_track(path, max_gap=max_gap)
        stretches = trace(Airspace.default(), fixes)
        if output is not None:
            out.write_track_geojson(stretches, output)
    except GeoIncidentsError as err:
        raise click.ClickException(f"{err}{_kept(output)}") from err
    if as_json:
        click.echo(json.dumps(out.track_json(stretches, len(fixes)), ensure_ascii=False))
    else:
        click.echo(out.table(stretches))
        click.echo(out.summary(stretches))
    if output is not None:
        click.echo(f"{len(stretches)} stretch(es) -> {output}", err=True)


def describe(v) -> str:
    """A human-readable verdict in two or three lines."""
    when = v.date.isoformat() if v.date else f"today ({v.membership_date.isoformat()})"
    head = f"{v.lat:.5f}, {v.lon:.5f} on {when}: "
    if v.country_iso3 is None:
        head += "international airspace (no state's land or territorial sea)"
    else:
        head += f"{v.country_name} ({v.country_iso3})"
        if v.territory_iso3 and v.territory_iso3 != v.country_iso3:
            head += f", territory {v.territory_iso3}"
    lines = [head]
    if v.disputed:
        lines.append(f"  disputed: claimed by {', '.join(v.claimants)} "
                     f"(internationally recognised first)")
    if v.nato_member is None:
        member = "NATO membership of this territory on that date is unknown"
    elif v.country_iso3 is None:
        member = "not a state's airspace"
    else:
        member = "NATO member" if v.nato_member else "not a NATO member"
    inside = {True: "yes", False: "no", None: "unknown"}[v.inside_nato_airspace]
    lines.append(f"  {member}; inside NATO airspace: {inside}")
    if v.inside_nato_airspace:
        treaty = {True: "yes", False: "no", None: "unknown"}[v.in_treaty_area]
        lines.append(f"  in the North Atlantic Treaty area (art. 6): {treaty}")
    if v.distance_to_border_km is not None:
        if v.distance_basis == "depth":
            lines.append(f"  {v.distance_to_border_km:.1f} km inside the airspace boundary")
        else:
            lines.append(
                f"  {v.distance_to_border_km:.1f} km from the nearest NATO member's airspace")
    return "\n".join(lines)


class _CountingReader(io.RawIOBase):
    """Counts the bytes read from a binary file, for the progress bar."""

    def __init__(self, raw):
        self.raw, self.count = raw, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer)
        self.count += n or 0
        return n


def _kept(output: Path | None, sink=None) -> str:
    """What a failed run did to the output: nothing (an existing file or table is kept)."""
    from geoincidents.fileio import nothing_written

    if sink is not None:
        return f"; nothing written to {sink.label}"
    return f"; {nothing_written(output)}" if output is not None else ""


def _check_file(airspace, points: Path, output: Path | None, date, sink=None) -> None:
    """Check a points file into ``output`` (atomically), ``sink`` (a PostGIS table, one
    transaction) or stdout."""
    from geoincidents.fileio import atomic_write
    from geoincidents.pointfile import check_points, file_format

    src_format = file_format(points)
    dst_format = file_format(output) if output is not None else src_format
    size = points.stat().st_size
    with open(points, "rb") as raw:
        counter = _CountingReader(raw)
        text = io.TextIOWrapper(io.BufferedReader(counter), encoding="utf-8-sig", newline="")
        show = size >= _PROGRESS_FROM and sys.stderr.isatty() and not os.environ.get("CI")
        bar = click.progressbar(length=size, label="checking points", file=sys.stderr) if show \
            else None

        def progress(done: int) -> None:
            if bar is not None:
                bar.update(counter.count - bar.pos)

        try:
            if sink is not None:
                n = check_points(airspace, text, str(points), src_format, None, "postgis",
                                 date, progress, make_writer=sink.writer)
            elif output is None:
                n = check_points(airspace, text, str(points), src_format, sys.stdout, dst_format,
                                 date, progress)
            else:
                with atomic_write(output, newline="") as dst:
                    n = check_points(airspace, text, str(points), src_format, dst, dst_format,
                                     date, progress)
        except UnicodeDecodeError as err:
            raise click.ClickException(f"{points}: not UTF-8 text ({err.reason})"
                                       + _kept(output, sink)) from None
        except GeoIncidentsError as err:
            raise click.ClickException(f"{err}{_kept(output, sink)}") from err
        finally:
            if sink is not None:
                sink.abort()  # after close(), nothing is left to roll back
            if bar is not None:
                bar.render_finish()
    if output is not None or sink is not None:
        click.echo(f"checked {n} points -> {output or sink.label}", err=True)
