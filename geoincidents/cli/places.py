"""``geoincidents places``: every place a text names, resolved, as JSON Lines."""

from __future__ import annotations

import json
import sys

import click

from geoincidents.cli.options import (
    build_geoparser,
    gazetteer_options,
    input_arguments,
    skip_bad_lines_option,
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
@skip_bad_lines_option
@translate_errors
def places(inputs, given_spans, output, gazetteers, geocoder, user_agent, skip_bad_lines):
    """List the places each INPUT document names: one JSON line per document.

    Each place has its character span, the name and coordinates it resolved to, the country,
    its precision (country, admin1, admin2, city, village, region, ...) and uncertainty, its
    role (location, or actor: "Russian drones", "Moscow said") and the gazetteer id.
    """
    from geoincidents.documents import read_documents
    from geoincidents.fileio import atomic_write

    parser = build_geoparser(gazetteers, geocoder, user_agent)
    bad: list = []
    docs = read_documents(inputs, skip_bad=skip_bad_lines, bad=bad)

    def lines():
        for doc in docs:
            if given_spans:
                spans = [(int(t["start"]), int(t["end"]))
                         for t in doc.extra.get("toponyms") or []]
                found = parser.resolve(doc.text, spans)
            else:
                found = parser.geoparse(doc.text)
            yield json.dumps({"id": doc.id, "places": [p.to_dict() for p in found]},
                             ensure_ascii=False) + "\n"

    if output:
        with atomic_write(output) as fh:
            fh.writelines(lines())
    else:
        for line in lines():
            sys.stdout.write(line)
    for item in bad:
        click.echo(f"skipped {item.source}: {item.error}", err=True)
    if bad:
        raise click.ClickException(f"{len(bad)} bad input(s) skipped")
