"""``geoincidents places``: every place a text names, resolved, as JSON Lines."""

from __future__ import annotations

import json
import sys

import click

from geoincidents.cli.options import (
    BatchRun,
    batch_options,
    gazetteer_options,
    input_arguments,
    make_progress,
    translate_errors,
)


@click.command()
@input_arguments
@click.option("--given-spans", is_flag=True,
              help="Resolve the spans in each JSONL line's toponyms[].start/end instead of "
              "finding mentions (for evaluating resolution alone).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the JSON Lines here (atomically) instead of stdout.")
@gazetteer_options
@batch_options
@translate_errors
def places(inputs, given_spans, output, gazetteers, geocoder, user_agent, model, errors_file,
           fail_fast, max_chars, jobs, resume, dask):
    """List the places each INPUT document names: one JSON line per document.

    Each place has its character span, the name and coordinates it resolved to, the country,
    its precision (country, admin1, admin2, city, village, region, ...) and uncertainty, its
    role (location, or actor: "Russian drones", "Moscow said") and the gazetteer id.
    """
    run = BatchRun(places_work, (tuple(gazetteers), geocoder, user_agent, given_spans, model),
                   inputs=inputs, jobs=jobs, fail_fast=fail_fast, max_chars=max_chars,
                   dask=dask, errors_file=errors_file, resume=resume, output=output)

    def lines():
        """(JSON line, documents it holds): the carried-over lines, then one per document."""
        for record in run.earlier:
            yield json.dumps(record, ensure_ascii=False) + "\n", 0
        with make_progress() as progress:
            for doc, found in run.documents(progress=progress):
                yield json.dumps({"id": doc.id, "places": [p.to_dict() for p in found]},
                                 ensure_ascii=False) + "\n", 1

    if output:
        with run.output_file(output) as out:
            for line, documents in lines():
                out.fh.write(line)
                out.mark(documents)
    else:
        for line, _ in lines():
            sys.stdout.write(line)
    run.finish()


def places_work(gazetteers, geocoder, user_agent, given_spans, model=None):
    """The work of ``places`` (built once per worker process): a document -> its places, and
    its batch form (spaCy over a batch of documents at once)."""
    from geoincidents.batch import BatchWork
    from geoincidents.geoparser import from_options

    parser = from_options(gazetteers, geocoder, user_agent, model)

    def spans(doc) -> list[tuple[int, int]]:
        return [(int(t["start"]), int(t["end"])) for t in _toponyms(doc)]

    def run(doc):
        if given_spans:
            return parser.resolve(doc.text, spans(doc))
        return parser.geoparse(doc.text)

    def run_many(docs):
        if given_spans:
            return parser.resolve_many([(doc.text, spans(doc)) for doc in docs])
        return parser.geoparse_many([doc.text for doc in docs])

    return BatchWork(run, run_many)


def _toponyms(doc) -> list[dict]:
    from geoincidents.errors import InputError

    toponyms = doc.extra.get("toponyms") or []
    if not isinstance(toponyms, list) or not all(
            isinstance(t, dict) and isinstance(t.get("start"), int)
            and isinstance(t.get("end"), int) for t in toponyms):
        raise InputError(f"{doc.source or doc.id}: --given-spans needs toponyms "
                         "[{start, end}] with integer offsets")
    return toponyms
