"""``geoincidents map``: an offline HTML map, RFC 7946 GeoJSON and a PNG per document."""

from __future__ import annotations

import re
from pathlib import Path

import click

from geoincidents.cli.check import _GAP
from geoincidents.cli.options import (
    DATE,
    BatchRun,
    batch_options,
    gazetteer_options,
    make_progress,
    translate_errors,
)

FORMATS = ("html", "geojson", "png")


def _formats(ctx, param, value: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    bad = [v for v in chosen if v not in FORMATS]
    if bad or not chosen:
        raise click.BadParameter(f"{value!r}: choose from {', '.join(FORMATS)}",
                                 param_hint="--format")
    return chosen


@click.command(name="map")
@click.argument("inputs", metavar="INPUT...", nargs=-1)
@click.option("-o", "--output-dir", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("output"), show_default=True, help="Directory for the files.")
@click.option("--published", type=DATE,
              help="Publication date (YYYY-MM-DD) for documents that carry none.")
@click.option("--format", "formats", default="html,geojson,png", show_default=True,
              callback=_formats, help="Comma-separated outputs: html, geojson, png.")
@click.option("--title", help="Map title (default: a summary of the main incident).")
@click.option("--combine", metavar="NAME",
              help="Put every document of the run on one map: NAME.html/.geojson/.png.")
@click.option("--no-clobber", is_flag=True, help="Refuse to replace existing output files.")
@click.option("--dpi", type=click.IntRange(50, 600), default=150, show_default=True,
              help="Resolution of the PNG.")
@click.option("--tiles", help="Add an online tile layer (e.g. 'osm', or a URL template); "
              "off by default so the map needs no network.")
@click.option("--track", "track_file",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Map a flight track (GPX, CSV, GeoJSON; as `check --track`) instead of "
              "texts: coloured by airspace, crossings marked. Writes DIR/<track>.*")
@click.option("--max-gap", type=_GAP, default="2h", show_default=True,
              help="With --track: the longest time allowed between two fixes ('none': any).")
@gazetteer_options
@batch_options
@translate_errors
def map_command(inputs, out_dir, published, formats, title, combine, no_clobber, dpi, tiles,
                track_file, max_gap, gazetteers, geocoder, user_agent, model, errors_file,
                fail_fast, max_chars, jobs, resume, dask):
    """Map the airspace incidents of each INPUT: DIR/<id>.html, .geojson and .png.

    The HTML works offline (every script and style inlined, a basemap drawn from the borders);
    the GeoJSON is RFC 7946 with flat properties; the PNG is sized for a report page.
    """
    from geoincidents.airspace import Airspace
    from geoincidents.cli.extract import extract_work, run_documents

    if track_file is not None:
        if inputs:
            raise click.UsageError("give INPUT... or --track FILE, not both")
        _make_dir(out_dir)
        _track_map(track_file, out_dir, formats, title, no_clobber, dpi, tiles, max_gap)
        return
    if not inputs:
        raise click.UsageError("missing INPUT... (or --track FILE)")
    if combine is not None and not re.fullmatch(r"[\w.-]+", combine):
        raise click.BadParameter(f"{combine!r} is not a plain file name", param_hint="--combine")
    _make_dir(out_dir)
    if resume:
        raise click.UsageError("--resume applies to places and extract (-o FILE), not to map")
    run = BatchRun(extract_work, (tuple(gazetteers), geocoder, user_agent, model), inputs=inputs,
                   jobs=jobs, fail_fast=fail_fast, max_chars=max_chars, dask=dask,
                   errors_file=errors_file)
    # What a run that processes nothing leaves untouched, for its error message.
    run.output = out_dir / f"{_safe(combine)}.{formats[0]}" if combine else out_dir
    airspace = Airspace.default()
    with make_progress() as progress:
        documents = run_documents(run, published, progress)
        if combine is None:
            for doc, report in documents:
                _write(out_dir, doc.id, [report], airspace, formats, title, no_clobber, dpi,
                       tiles)
                _summary(doc.id, report)
        else:
            _combined(out_dir, combine, documents, airspace, formats, title, no_clobber, dpi,
                      tiles)
    run.finish()


def _make_dir(out_dir: Path) -> None:
    from geoincidents.errors import OutputError

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"cannot create output directory {out_dir}: {err.strerror}") from err


def _track_map(path: Path, out_dir: Path, formats, title, no_clobber, dpi, tiles,
               max_gap) -> None:
    """DIR/<track stem>.html, .geojson, .png for a flight track."""
    from geoincidents.airspace import Airspace
    from geoincidents.outputs.scene import build_track_scene
    from geoincidents.outputs.track import summary, write_track_geojson
    from geoincidents.tracks import read_track, trace

    airspace = Airspace.default()
    stretches = trace(airspace, read_track(path, max_gap=max_gap))
    safe = _safe(path.stem)
    _refuse_existing(out_dir, safe, formats, no_clobber)
    targets = {fmt: out_dir / f"{safe}.{fmt}" for fmt in formats}
    if "geojson" in formats:
        write_track_geojson(stretches, targets["geojson"], clobber=not no_clobber)
    if {"html", "png"} & set(formats):
        _write_scene(build_track_scene(stretches, airspace, title), targets, tiles, dpi,
                     no_clobber)
    for target in targets.values():
        click.echo(str(target))
    click.echo(f"{path.name}: {summary(stretches)}", err=True)


# A combined map draws at most this many documents (a map of more is unreadable and would
# hold every report in memory); the combined GeoJSON, written as documents finish, has all.
MAP_MAX_DOCUMENTS = 5000


def _combined(out_dir: Path, stem: str, documents, airspace, formats, title, no_clobber, dpi,
              tiles) -> None:
    import contextlib

    from geoincidents.fileio import atomic_write
    from geoincidents.outputs.geojson import FeatureWriter, report_features

    safe = _safe(stem)
    _refuse_existing(out_dir, safe, formats, no_clobber)
    kept, done = [], 0  # done: documents seen, to warn once when the map is full
    with contextlib.ExitStack() as stack:
        sink = None
        if "geojson" in formats:
            # A run that processed no document leaves an earlier combined GeoJSON as it was.
            fh = stack.enter_context(atomic_write(out_dir / f"{safe}.geojson",
                                                  clobber=not no_clobber,
                                                  commit=lambda: done > 0))
            sink = FeatureWriter(fh)
        for doc, report in documents:
            done += 1
            if sink is not None:
                sink.write(report_features(report, airspace))
            if len(kept) < MAP_MAX_DOCUMENTS:
                kept.append(report)
            elif len(kept) == MAP_MAX_DOCUMENTS and done == MAP_MAX_DOCUMENTS + 1:
                click.echo(f"warning: the combined map shows the first {MAP_MAX_DOCUMENTS:,} "
                           "documents; the GeoJSON has all of them", err=True)
            _summary(doc.id, report)
        if sink is not None:
            sink.close()
    if not done:
        return  # nothing to draw: the earlier map, if any, stays (the run reports why)
    _write(out_dir, stem, kept, airspace, tuple(f for f in formats if f != "geojson"), title,
           no_clobber, dpi, tiles)
    if "geojson" in formats:
        click.echo(str(out_dir / f"{safe}.geojson"))


def _safe(stem: str) -> str:
    return re.sub(r"[^\w.-]", "_", stem) or "document"


def _refuse_existing(out_dir: Path, safe: str, formats, no_clobber: bool) -> None:
    if no_clobber:
        existing = [str(out_dir / f"{safe}.{fmt}") for fmt in formats
                    if (out_dir / f"{safe}.{fmt}").exists()]
        if existing:
            raise click.ClickException(f"{', '.join(existing)} exist(s); --no-clobber refuses "
                                       "to replace")


def _summary(doc_id: str, report) -> None:
    counts = {v: sum(i.verdict == v for i in report.incidents)
              for v in ("inside", "possible", "outside")}
    click.echo(f"{doc_id}: {len(report.incidents)} incident(s): {counts['inside']} inside, "
               f"{counts['possible']} possibly inside, {counts['outside']} outside NATO airspace",
               err=True)


def _write(out_dir: Path, stem: str, reports, airspace, formats, title, no_clobber, dpi,
           tiles) -> None:
    from geoincidents.outputs.geojson import feature_collection, report_features, write_geojson
    from geoincidents.outputs.scene import build_scene

    safe = _safe(stem)
    targets = {fmt: out_dir / f"{safe}.{fmt}" for fmt in formats}
    _refuse_existing(out_dir, safe, formats, no_clobber)
    scene = build_scene(reports, airspace, title) if {"html", "png"} & set(formats) else None
    if "geojson" in formats:
        features = [f for r in reports for f in report_features(r, airspace)]
        write_geojson(feature_collection(features), targets["geojson"], clobber=not no_clobber)
    if scene is not None:
        _write_scene(scene, targets, tiles, dpi, no_clobber)
    for path in targets.values():
        click.echo(str(path))


def _write_scene(scene, targets: dict, tiles, dpi: int, no_clobber: bool) -> None:
    """The HTML and/or PNG of a scene, to the targets asked for."""
    if "html" in targets:
        from geoincidents.outputs.html import write_html

        write_html(scene, targets["html"], tiles=tiles, clobber=not no_clobber)
    if "png" in targets:
        from geoincidents.outputs.png import write_png

        write_png(scene, targets["png"], dpi=dpi, clobber=not no_clobber)
