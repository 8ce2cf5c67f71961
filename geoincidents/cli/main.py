"""The ``geoincidents`` click group: logging verbosity, error reporting and the command list."""

from __future__ import annotations

import logging
import signal
import sys

import click

from geoincidents import __version__
from geoincidents.cli.check import check
from geoincidents.cli.events import events
from geoincidents.cli.extract import extract
from geoincidents.cli.gazetteer import gazetteer
from geoincidents.cli.map import map_command
from geoincidents.cli.places import places

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}
log = logging.getLogger("geoincidents")


class Group(click.Group):
    """A click group whose errors are always one line on stderr, never a traceback.

    Usage errors exit 2 and other failures 1 (click's codes); an unexpected exception is reported
    by type and message (``-v`` adds the traceback to the log).
    """

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        if args is None:
            args = sys.argv[1:]
        if not args:
            click.echo("Error: missing command (see geoincidents --help)", err=True)
            sys.exit(2)
        # A terminated run (SIGTERM) unwinds like Ctrl-C, so temporary output files are removed.
        # The handlers are put back afterwards: a caller running the CLI in its own process (a
        # test, a notebook) keeps its own, and processes it forks later are not left with ours.
        previous = signal.signal(signal.SIGTERM, _terminate), signal.signal(signal.SIGINT,
                                                                             _interrupt)
        try:
            self._run(args, prog_name, complete_var, **extra)
        finally:
            for signum, handler in zip((signal.SIGTERM, signal.SIGINT), previous):
                if handler is not None:  # None: set outside Python, nothing to put back
                    signal.signal(signum, handler)

    def _run(self, args, prog_name, complete_var, **extra):
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.ClickException as err:
            click.echo(f"Error: {err.format_message()}", err=True)
            sys.exit(err.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo("Aborted.", err=True)
            sys.exit(130)
        except BrokenPipeError:
            sys.stderr.close()  # the reader went away (`| head`): nothing left to report
            sys.exit(1)
        except Exception as err:  # noqa: BLE001 - the last guard before a traceback
            log.debug("unexpected error", exc_info=True)
            click.echo(f"Error: unexpected {type(err).__name__}: {err}", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def _terminate(signum, frame) -> None:
    # The exception can land in a finaliser, where Python ignores it: the flag makes the batch
    # runner stop at the next document anyway.
    from geoincidents.batch import request_stop

    request_stop(SystemExit(128 + signum))
    raise SystemExit(128 + signum)


def _interrupt(signum, frame) -> None:
    from geoincidents.batch import request_stop

    request_stop(KeyboardInterrupt())
    raise KeyboardInterrupt


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="geoincidents")
@click.option("-v", "--verbose", "verbosity", count=True, help="More log output (repeatable).")
@click.option("-q", "--quiet", "quietness", count=True, help="Less output (repeatable).")
@click.pass_context
def cli(ctx: click.Context, verbosity: int, quietness: int) -> None:
    """Airspace incidents in news text: where they happened and whether inside NATO airspace."""
    level = 30 - 10 * (verbosity - quietness)
    logging.basicConfig(level=max(level, 1), format="%(levelname)s %(name)s: %(message)s")
    ctx.ensure_object(dict)
    ctx.obj["verbosity"] = verbosity - quietness


cli.add_command(check)
cli.add_command(events)
cli.add_command(extract)
cli.add_command(gazetteer)
cli.add_command(map_command)
cli.add_command(places)
