"""``geoincidents extract``: airspace incidents (and the places named) as GeoJSON."""

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


@click.command()
@input_arguments
@click.option("--published", type=DATE,
              help="Publication date (YYYY-MM-DD) for documents that carry none; relative "
              "dates (\"on Wednesday\") are resolved against it.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the GeoJSON here (atomically) instead of stdout; .gpkg or .parquet "
              "for a corpus table; or postgresql://USER@HOST:PORT/DB?table=NAME for PostGIS "
              "tables NAME, NAME_places, NAME_areas, NAME_documents (password from PGPASSWORD "
              "or ~/.pgpass; reruns replace a document's rows).")
@gazetteer_options
@batch_options
@translate_errors
def extract(inputs, published, output, gazetteers, geocoder, user_agent, model, errors_file,
            fail_fast, max_chars, jobs, resume, dask):
    """Find the airspace incidents each INPUT reports and whether they were inside NATO airspace.

    Writes one GeoJSON FeatureCollection (RFC 7946): a feature per incident (object, actor,
    date, location and its precision, verdict inside/outside/possible, distance to the border,
    evidence sentence, confidence) and a feature per place the text names.
    """
    from geoincidents.airspace import Airspace
    from geoincidents.outputs.geojson import FeatureWriter, report_features
    from geoincidents.outputs.postgis import is_postgres_url

    sink = None
    if is_postgres_url(output):
        # The database is checked (and --resume's documents read) before any document is.
        sink = open_postgis(output, "extract")
    try:
        run = BatchRun(extract_work, (tuple(gazetteers), geocoder, user_agent, model),
                       inputs=inputs, jobs=jobs, fail_fast=fail_fast, max_chars=max_chars,
                       dask=dask, errors_file=errors_file, resume=resume,
                       output=sink.label if sink else output,
                       done=sink.done_ids() if sink and resume else None)
    except BaseException:
        if sink is not None:
            sink.abort()
        raise
    airspace = Airspace.default()

    def documents():
        """(doc id, its features) for every document processed, as they finish."""
        with make_progress() as progress:
            for doc, report in run_documents(run, published, progress):
                yield doc.id, report_features(report, airspace)
                inside = sum(i.verdict == "inside" for i in report.incidents)
                click.echo(f"{doc.id}: {len(report.incidents)} incident(s), {inside} inside "
                           f"NATO airspace, {len(report.places)} place(s)", err=True)

    def write_all(writer, marks=None) -> None:
        writer.write(run.earlier)
        if marks is not None:
            marks.mark(0)
        for _doc_id, features in documents():
            writer.write(features)
            if marks is not None:
                marks.mark()
        writer.close()

    if sink is not None:
        write_postgis(sink, documents())
        run.finish()
        return

    # Features are written as documents finish (bounded memory), to a temp file renamed at the
    # end, or straight to stdout. A .gpkg or .parquet output is a table for a whole corpus.
    suffix = Path(output).suffix.lower() if output else ""
    if suffix in (".gpkg", ".parquet"):
        if resume:
            raise click.UsageError("--resume works with a .geojson output")
        write_table(output, suffix[1:], write_all, commit=lambda: run.done > 0)
    elif output:
        with run.output_file(output, closing=FeatureWriter.CLOSING) as out:
            write_all(FeatureWriter(out.fh), out)
    else:
        write_all(FeatureWriter(sys.stdout))
    run.finish()


def write_postgis(sink, documents) -> None:
    """Write ``(doc id, features)`` into an :class:`~geoincidents.outputs.postgis.ExtractSink`,
    in transactions of whole documents. Interrupted (Ctrl-C, SIGTERM, a killed worker), it
    commits the documents finished and says so; on any other error it commits nothing more."""
    from geoincidents.fileio import INTERRUPTIONS

    try:
        for doc_id, features in documents:
            sink.write_document(doc_id, features)
    except INTERRUPTIONS:
        # The interruption can land inside a transaction and leave the connection unusable:
        # then the pending documents are lost, but those committed before still count.
        sink.salvage()
        if sink.written:
            click.echo(f"warning: interrupted; the {sink.written} document(s) finished are in "
                       f"{sink.label}: run again with --resume to process the rest", err=True)
        raise
    except BaseException:
        if sink.written:
            click.echo(f"warning: the {sink.written} document(s) written before the error stay "
                       f"in {sink.label}", err=True)
        sink.abort()
        raise
    sink.close()
    if sink.written:
        click.echo(f"{sink.written} document(s) written to {sink.label}", err=True)


def write_table(output: str, fmt: str, fill, commit=None, *, keys=None, layer=None) -> None:
    """Fill a GeoPackage/GeoParquet table through a temporary file renamed at the end (unless
    ``commit()`` says False: then an existing ``output`` stays as it was); ``keys``/``layer``
    make it one table of those columns."""
    import importlib.util
    import os
    import tempfile

    from geoincidents.errors import OutputError
    from geoincidents.outputs.geojson import TableSink

    needed = "pyarrow" if fmt == "parquet" else "pyogrio"
    if importlib.util.find_spec(needed) is None:
        raise OutputError(f"writing .{fmt} needs {needed}: pip install 'geoincidents[corpus]'")
    target = Path(output)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".tmp.{fmt}",
                                   dir=directory)
    except OSError as err:
        raise OutputError(f"cannot write to {directory}: {err.strerror}") from err
    os.close(fd)
    os.unlink(tmp)  # the writers create the file themselves
    try:
        fill(TableSink(tmp, fmt, keys, layer))  # the filler closes the sink when it is done
        if commit is None or commit():
            os.replace(tmp, target)
        else:
            Path(tmp).unlink(missing_ok=True)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def extract_work(gazetteers, geocoder, user_agent, model=None):
    """The work of ``extract`` and ``map`` (built once per worker process): a ``(document,
    publication date, date source)`` task -> Report, and its batch form (spaCy over a batch
    of documents at once)."""
    from geoincidents.batch import BatchWork
    from geoincidents.geoparser import from_options
    from geoincidents.incidents import IncidentExtractor

    extractor = IncidentExtractor(from_options(gazetteers, geocoder, user_agent, model))

    def run(task):
        doc, day, source = task
        return extractor.extract(doc.text, day, doc.id, source)

    def run_many(tasks):
        return extractor.extract_many([(doc.text, day, doc.id, source)
                                       for doc, day, source in tasks])

    return BatchWork(run, run_many)


def run_documents(run, published, progress=None):
    """(document, report) for every input document of a :class:`BatchRun`, checking
    --published against each here (a contradiction stops the run with exit 2)."""
    from geoincidents.dates import dateline

    def prepare(doc):
        own, source = doc.published, "document"
        if own is None:
            own, source = dateline(doc.text), "dateline"
        if published is not None and own is not None and own != published:
            raise click.BadParameter(
                f"{published.isoformat()} contradicts {doc.source or doc.id}, which says it was "
                f"published on {own.isoformat()}", param_hint="--published")
        day = own or published
        return doc, day, source if own is not None else ("given" if day else None)

    yield from run.documents(prepare=prepare, fatal=(click.ClickException,), progress=progress)
