"""``geoincidents events``: the incidents of a feed clustered into events, with their sources."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from geoincidents.cli.options import (
    DATE,
    BatchRun,
    batch_options,
    gazetteer_options,
    input_arguments,
    make_progress,
    open_postgis,
    translate_errors,
)

FORMATS = (".geojson", ".json", ".gpkg", ".parquet", ".csv")


@click.command("events")
@input_arguments
@click.option("--published", type=DATE,
              help="Publication date (YYYY-MM-DD) for documents that carry none.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the events here (atomically): .geojson (default: stdout), .gpkg, "
              ".parquet or .csv; or postgresql://USER@HOST:PORT/DB?table=NAME for a PostGIS "
              "table keyed by event_id (password from PGPASSWORD or ~/.pgpass).")
@click.option("--update", "update", type=click.Path(dir_okay=False),
              help="An events GeoJSON written earlier: the new reports join its events (their "
              "ids stay) or make new ones; written back to it unless -o says elsewhere.")
@click.option("--map", "map_dir", type=click.Path(file_okay=False),
              help="Also write an offline HTML map (and a PNG) of the events into this folder.")
@gazetteer_options
@batch_options
@translate_errors
def events(inputs, published, output, update, map_dir, gazetteers, geocoder, user_agent, model,
           errors_file, fail_fast, max_chars, jobs, resume, dask):
    """Cluster the incidents that the INPUT reports tell into events.

    Reports of the same incident (the same kind of object, dates that can be the same night,
    places that can be the same place, in one state or across one border) become one event
    with every source listed (document, URL, publication date, evidence), a consensus location,
    date, object and verdict, and the reports' disagreements as conflicts.
    """
    if resume:
        raise click.UsageError("--resume does not apply to events: use --update FILE")
    from geoincidents.outputs.postgis import is_postgres_url

    if is_postgres_url(update):
        raise click.BadParameter("--update takes an events GeoJSON file, not a database URL "
                                 "(a PostGIS events table is not updated in place)",
                                 param_hint="--update")
    if is_postgres_url(output):
        sink = open_postgis(output, "events")  # checked before any document is read
        try:
            _events(inputs, published, sink.label, update, map_dir, gazetteers, geocoder,
                    user_agent, model, errors_file, fail_fast, max_chars, jobs, dask, sink)
        except BaseException:
            sink.abort()
            raise
        return
    _events(inputs, published, output, update, map_dir, gazetteers, geocoder, user_agent, model,
            errors_file, fail_fast, max_chars, jobs, dask)


def _events(inputs, published, output, update, map_dir, gazetteers, geocoder, user_agent, model,
            errors_file, fail_fast, max_chars, jobs, dask, sink=None):
    """The events of the inputs, written to ``sink`` (a PostGIS table; ``output`` then names
    it), else to ``output`` or ``update`` (a file), else to stdout."""
    from geoincidents.cli.extract import extract_work, run_documents
    from geoincidents.events import cluster_events, sighting
    from geoincidents.outputs.events import read_events, write_events

    target = None if sink is not None else output or update
    if target and Path(target).suffix.lower() not in FORMATS:
        raise click.BadParameter(f"{target}: the output must end in " + ", ".join(FORMATS),
                                 param_hint="-o/--output")
    if target and not Path(target).resolve().parent.is_dir():
        raise click.BadParameter(f"{target}: its folder does not exist", param_hint="-o/--output")
    existing = []
    if update:
        if not Path(update).is_file():
            raise click.BadParameter(f"{update} does not exist", param_hint="--update")
        from geoincidents.errors import InputError

        try:  # a bad file stops here, before any document is read
            existing = read_events(update)
        except InputError as err:
            raise click.BadParameter(str(err), param_hint="--update") from err
    run = BatchRun(extract_work, (tuple(gazetteers), geocoder, user_agent, model), inputs=inputs,
                   jobs=jobs, fail_fast=fail_fast, max_chars=max_chars, dask=dask,
                   errors_file=errors_file, output=output if sink is not None else target)
    sightings = []
    with make_progress() as progress:
        for doc, report in run_documents(run, published, progress):
            url = doc.extra.get("url") if isinstance(doc.extra.get("url"), str) else None
            for incident in report.incidents:
                sightings.append(sighting(incident, doc.id, url, report.published))
    if run.done == 0:
        run.finish()  # nothing processed: says so, exits 1, and writes nothing
        return
    clustered = cluster_events(sightings, existing)
    if sink is not None:
        from geoincidents.errors import NothingToWrite

        if not clustered:
            raise NothingToWrite(f"no events to write; {sink.label} not changed")
        sink.write(e.to_feature() for e in clustered)
        click.echo(f"{sink.close()} event(s) written to {sink.label}", err=True)
    elif target:
        write_events(clustered, target)
    else:
        write_events(clustered, sys.stdout)
    if map_dir:
        from geoincidents.outputs.events_map import write_event_map

        written = write_event_map(clustered, map_dir, Path(target).stem if target else "events")
        click.echo("map: " + ", ".join(str(p) for p in written), err=True)
    joined = sum(1 for e in clustered if e.report_count > 1)
    click.echo(f"{len(sightings)} incident(s) in {run.done} document(s) -> {len(clustered)} "
               f"event(s), {joined} told by more than one report", err=True)
    run.finish()
