"""Shared click option types, decorators and error translation."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from geoincidents.errors import GeoIncidentsError

# Negative numbers, including the ones float() accepts by name, so they reach value checks.
_NEGATIVE_NUMBER = re.compile(r"^-((\d+\.?\d*|\.\d+)(e[-+]?\d+)?|inf(inity)?|nan)$", re.I)


class DateType(click.ParamType):
    """A calendar date written YYYY-MM-DD."""

    name = "date"

    def convert(self, value: Any, param, ctx) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a valid date (expected YYYY-MM-DD)", param, ctx)


DATE = DateType()


class NumericArgsCommand(click.Command):
    """A command whose positional arguments may be negative numbers (``check 64.18 -51.72``).

    click would read ``-51.72`` as an unknown option; tokens that are negative numbers and not
    the value of an option are moved behind ``--`` so they reach the arguments in order.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = set()
        for param in self.params:
            if isinstance(param, click.Option) and not param.is_flag and not param.count:
                takes_value.update(param.opts + param.secondary_opts)
        options, positional, i = [], [], 0
        while i < len(args):
            tok = args[i]
            if tok == "--":
                positional.extend(args[i + 1:])
                break
            if tok in takes_value and i + 1 < len(args):
                options += [tok, args[i + 1]]
                i += 2
                continue
            if tok.startswith("-") and not _NEGATIVE_NUMBER.match(tok):
                options.append(tok)
            else:
                positional.append(tok)
            i += 1
        return super().parse_args(ctx, options + ["--", *positional] if positional else options)


def translate_errors(func: Callable) -> Callable:
    """Turn library and OS errors into one-line click errors (exit 1); usage errors stay 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except click.ClickException:
            raise
        except GeoIncidentsError as err:
            raise click.ClickException(str(err)) from err
        except OSError as err:
            name = f" {err.filename}" if err.filename else ""
            raise click.ClickException(f"cannot access{name}: {err.strerror or err}") from err

    return wrapper


def postgis_target(value: str, param_hint: str = "-o/--output"):
    """The parsed URL; a password in it, or a missing/bad ``table``, is a usage error."""
    from geoincidents.errors import InputError
    from geoincidents.outputs.postgis import parse_url

    try:
        return parse_url(value)
    except InputError as err:
        raise click.BadParameter(str(err), param_hint=param_hint) from None


def open_postgis(value: str, kind: str, **kwargs):
    """The PostGIS sink for a command's ``-o postgresql://...`` (``kind``: extract, events or
    points), connected and checked; usage errors exit 2, database errors 1."""
    from geoincidents.outputs import postgis

    target = postgis_target(value)
    if kind == "extract":
        return postgis.ExtractSink(target)
    if kind == "events":
        return postgis.events_sink(target)
    return postgis.PointsSink(target, **kwargs)


def input_arguments(func: Callable) -> Callable:
    """INPUT...: text files, directories, ``-`` (stdin) or ``.jsonl`` feeds."""
    return click.argument("inputs", metavar="INPUT...", nargs=-1, required=True)(func)


def gazetteer_options(func: Callable) -> Callable:
    """--gazetteer FILE (repeatable), --geocoder NAME, --user-agent TEXT, --model NAME."""
    from geoincidents.mentions import MODEL

    func = click.option("--model", default=MODEL, show_default=True, metavar="NAME",
                        help="spaCy English pipeline for finding mentions: an installed "
                        "package name or a pipeline directory (it needs ner and tagger; "
                        "senter is used when present).")(func)
    func = click.option("--user-agent", help="User agent for online geocoders (Nominatim needs "
                        "one naming your application).")(func)
    func = click.option("--geocoder", default="offline", show_default=True,
                        help="Geocoder for names the gazetteer lacks: offline, nominatim, "
                        "photon, arcgis, geonames, opencage, pelias (online ones use the "
                        "network, rate limited and cached).")(func)
    return click.option("--gazetteer", "gazetteers", multiple=True,
                        type=click.Path(exists=True, dir_okay=False),
                        help="Extra gazetteer (a GeoNames dump such as PL.txt, or a CSV "
                        "name,lat,lon[,country_iso3]); its places outrank the built-in ones. "
                        "Repeatable.")(func)


def batch_options(func: Callable) -> Callable:
    """--jobs, --errors FILE, --fail-fast and --max-chars for commands over many documents."""
    from geoincidents.batch import DEFAULT_MAX_CHARS

    func = click.option("--dask", metavar="SCHEDULER",
                        help="Run on a Dask cluster: a scheduler address (tcp://host:8786) or "
                        "'local' for a local cluster of --jobs workers.")(func)
    func = click.option("--resume", is_flag=True,
                        help="With -o: keep the documents already in the output file (or "
                        "PostGIS tables) and process only the others.")(func)
    func = click.option("-j", "--jobs", type=click.IntRange(1, None), default=None,
                        help="Worker processes (default: all cores for a batch, one for a "
                        "single article). Output is the same for any number.")(func)
    func = click.option("--max-chars", type=click.IntRange(1, None), default=DEFAULT_MAX_CHARS,
                        show_default=True,
                        help="Refuse (report and skip) documents longer than this.")(func)
    func = click.option("--fail-fast", is_flag=True,
                        help="Stop at the first bad document instead of reporting and skipping "
                        "it.")(func)
    return click.option("--errors", "errors_file", type=click.Path(dir_okay=False),
                        help="Also write the skipped documents as JSON Lines "
                        "{source, id, error}.")(func)


def prepare_work(factory: Callable, *args):
    """``functools.partial(factory, *args)`` (what each worker process builds) and the work it
    builds here: bad options (an unknown geocoder, a bad gazetteer file) fail before any
    document is read, and a one-process run reuses this work instead of building it again."""
    make_work = functools.partial(factory, *args)
    return make_work, make_work()


def make_progress(total: int | None = None):
    """A progress line on stderr: on a terminal, unless -q was given."""
    from geoincidents.progress import Progress

    ctx = click.get_current_context(silent=True)
    quiet = bool(ctx and ctx.find_root().obj and ctx.find_root().obj.get("verbosity", 0) < 0)
    return Progress(total, enabled=None if not quiet else False)


class BatchRun:
    """One batch command's run: the work (and how each worker builds it), the worker count,
    the limits, what ``--resume`` carries over, the documents failed and done."""

    def __init__(self, factory: Callable, args: tuple, *, inputs, jobs: int | None,
                 fail_fast: bool, max_chars: int, dask: str | None, errors_file: str | None,
                 resume: bool = False, output: str | None = None,
                 done: frozenset[str] | None = None) -> None:
        # ``done``: for --resume, the documents already in an output that is not a file (a
        # database); ``output`` then only names it in messages.
        from geoincidents.batch import default_jobs, done_ids

        self.make_work, self.work = prepare_work(factory, *args)
        self.inputs = inputs
        self.jobs = jobs or default_jobs(inputs)
        self.fail_fast, self.max_chars, self.dask = fail_fast, max_chars, dask
        self.errors_file = errors_file
        if resume and not output:
            raise click.UsageError("--resume needs -o FILE")
        self.resume, self.output = resume, output
        if not resume:
            self.skip, self.earlier = frozenset(), []
        elif done is not None:
            self.skip, self.earlier = done, []
        else:
            self.skip, self.earlier = done_ids(output)
        self.errors: list = []
        self.done = 0  # documents processed in this run
        self.passed = 0  # documents passed over by --resume (already in the output)

    def documents(self, *, prepare=None, fatal=(), progress=None):
        """(document, result) in input order; failures are collected, not raised."""
        from geoincidents.batch import check_stop, process

        def passed(_doc) -> None:
            self.passed += 1

        for doc, result in process(self.inputs, self.make_work, work=self.work, prepare=prepare,
                                   jobs=self.jobs, fail_fast=self.fail_fast, errors=self.errors,
                                   fatal=fatal, max_chars=self.max_chars, progress=progress,
                                   skip_ids=self.skip, dask=self.dask, on_skip=passed):
            check_stop()
            self.done += 1
            yield doc, result

    @contextlib.contextmanager
    def output_file(self, path: str, *, closing: str = ""):
        """The run's output file, written atomically, as :class:`Checkpoints` over it: call
        ``mark()`` after each whole document.

        A run that processed no document leaves ``path`` exactly as it was (``finish`` says
        so). An interrupted run (Ctrl-C, SIGTERM, a killed worker) keeps the documents it
        finished when that loses nothing: there was no file, or ``--resume`` carried the
        earlier one over; otherwise the earlier file stays.
        """
        from geoincidents.fileio import Checkpoints, atomic_write

        existed = Path(path).exists()
        marks = None  # the Checkpoints over the temporary file, once it is open

        def salvage(fh) -> bool:
            kept = marks is not None and marks.salvage(fh)
            if kept:
                click.echo(f"warning: interrupted; the {marks.documents} document(s) "
                           f"finished are in {path}: run again with --resume to process the "
                           "rest", err=True)
            elif existed:
                click.echo(f"warning: interrupted; {path} left as it was", err=True)
            return kept

        with atomic_write(path, commit=lambda: self.done > 0, salvage=salvage) as fh:
            marks = Checkpoints(fh, closing=closing, allowed=not existed or self.resume)
            yield marks

    def finish(self) -> None:
        """Report the skipped documents (stderr, --errors FILE) and exit 1 when there are any,
        or when no document was processed at all (nothing was written then)."""
        from geoincidents.fileio import nothing_written

        if self.errors_file:
            from geoincidents.batch import write_errors

            write_errors(self.errors, self.errors_file)
        for item in self.errors:
            click.echo(f"warning: skipped {item.source}: {item.error}", err=True)
        listed = f" (listed in {self.errors_file})" if self.errors_file else ""
        if self.done == 0 and not self.errors and self.passed:
            click.echo(f"nothing new: every document is already in {self.output}", err=True)
            return
        if self.done == 0:
            what = (f"{len(self.errors)} bad input(s) skipped{listed}, 0 document(s) processed"
                    if self.errors else "no documents in the input")
            raise click.ClickException(f"{what}; {nothing_written(self.output)}")
        if self.errors:
            raise click.ClickException(
                f"{len(self.errors)} bad input(s) skipped, {self.done} document(s) processed"
                + listed)
