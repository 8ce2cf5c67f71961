"""Exceptions: every error the library raises on purpose derives from :class:`GeoIncidentsError`."""

from __future__ import annotations


class GeoIncidentsError(Exception):
    """Root of the package's errors; the CLI turns these into one-line messages."""


class InputError(GeoIncidentsError, ValueError):
    """A value or a file given by the user is not acceptable (bad coordinate, date, row...)."""


class DataError(GeoIncidentsError, RuntimeError):
    """Bundled or user-supplied reference data (borders, membership table) is missing or broken."""


class OutputError(GeoIncidentsError, OSError):
    """An output file could not be written."""


class GeocoderError(GeoIncidentsError, RuntimeError):
    """An online geocoder failed (timeout, server error, bad answer, rate limit) after retries."""


class GazetteerError(GeoIncidentsError, LookupError):
    """The gazetteer index cannot be built, opened or read."""


class NothingToWrite(InputError):
    """A run that processed no document (or no point): no output is written, an existing one
    is kept as it was."""


class Interrupted(GeoIncidentsError):
    """The run was stopped from outside while it was writing (a worker process was killed)."""


class DatabaseError(GeoIncidentsError, RuntimeError):
    """A PostgreSQL/PostGIS output cannot be used: unreachable server, refused credentials, a
    database without PostGIS, a table of another schema, or a failed write."""
