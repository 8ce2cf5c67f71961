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


@gazetteer.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=False))
@click.option("--name", callback=_name,
              help="Name to list and remove it by (default: the file name without its "
              "extension, e.g. PL).")
@click.option("--replace", is_flag=True, help="Replace a gazetteer of the same name.")
@translate_errors
def add(file, name, replace):
    """Import FILE, all or nothing: a bad row is reported by file and row and nothing is
    imported. Large dumps (allCountries.txt) are read in bounded memory."""
    from geoincidents.userstore import UserStore

    stored = UserStore().add(file, name, replace=replace)
    click.echo(f"added {stored.name}: {stored.rows} places from {stored.source}")


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
