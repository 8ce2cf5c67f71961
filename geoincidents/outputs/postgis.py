"""PostGIS output: ``-o postgresql://USER@HOST:PORT/DB?table=NAME`` for ``extract``, ``events``
and ``check --points``.

Tables (``NAME`` may be schema-qualified, ``schema.name``; plain identifiers, folded to lower
case as SQL does):

* ``extract``: ``NAME`` (incident Points, :data:`~geoincidents.outputs.geojson.INCIDENT_KEYS`,
  key ``(doc_id, incident_id)``), ``NAME_places`` (place Points, ``PLACE_KEYS`` and
  ``place_no``, the place's order in its document; key ``(doc_id, place_no)``), ``NAME_areas``
  (incident regions as MultiPolygons, ``AREA_KEYS``, key ``(doc_id, incident_id)``) and
  ``NAME_documents`` (``doc_id``, counts, ``processed_at``): every document processed, with or
  without incidents, which is what ``--resume`` skips.
* ``events``: ``NAME`` keyed by ``event_id`` (``sources`` is ``jsonb``).
* ``check --points``: ``NAME`` keyed by ``(source, point_no)``: the input file's absolute path
  and the point's order in it; the input's other columns or properties go to ``properties``
  (``jsonb``).

Every DESIGN §4 key is a typed column (text; integer, double precision, boolean as in the other
table formats; ``date``, ``membership_date``, ``published``, ``first_reported``,
``last_reported`` as SQL ``date``), geometry is ``geom`` in EPSG:4326 with a GiST index.

Writes are idempotent: a batch of whole documents is one transaction that deletes every row of
those documents from all the tables and inserts the new ones, so a rerun replaces a document's
rows (also when it now yields fewer) and an interrupted run leaves whole documents only. Before
anything is processed the server is reached, PostGIS is looked for and existing tables are
checked column by column; missing tables are created in the first batch's transaction, so a run
that fails or processes nothing creates nothing.

The password never appears in the URL (refused): libpq takes it from ``PGPASSWORD`` or
``~/.pgpass``. Messages name the target as ``user@host:port/db table NAME``.

This module imports only the standard library at import time; psycopg and shapely are imported
when a database is actually used.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from geoincidents.errors import DatabaseError, InputError

SCHEMES = ("postgresql", "postgres")
# A plain (unquoted) SQL identifier, short enough that NAME_documents and the index names stay
# within PostgreSQL's 63 bytes.
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,39}")
CONNECT_TIMEOUT = 10  # seconds, unless the URL says otherwise
# Whole documents per transaction (and at most BATCH_ROWS rows); GEOINCIDENTS_PG_BATCH overrides.
BATCH_DOCUMENTS = 50
BATCH_ROWS = 5000


def is_postgres_url(value) -> bool:
    """Whether an ``-o`` value is a PostgreSQL URL rather than a file name."""
    return isinstance(value, str) and value.split("://", 1)[0].lower() in SCHEMES \
        and "://" in value


@dataclass(frozen=True, slots=True)
class Target:
    """A parsed ``postgresql://`` output: where (for libpq) and which table."""

    conninfo: str  # the URL without ``table`` (never a password), for libpq
    user: str
    host: str
    port: str
    dbname: str
    schema: str | None
    table: str

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.table}" if self.schema else self.table

    @property
    def label(self) -> str:
        """How messages name the target: ``user@host:port/db table NAME``."""
        return f"{self.user}@{self.host}:{self.port}/{self.dbname} table {self.qualified}"


def parse_url(value: str) -> Target:
    """Check a ``postgresql://USER@HOST:PORT/DB?table=NAME`` URL; :class:`InputError` (a usage
    error for the CLI) for a password in it, a missing or bad ``table``."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as err:
        raise InputError(f"not a valid PostgreSQL URL ({err})") from None
    if parts.scheme.lower() not in SCHEMES:
        raise InputError("a database output must start with postgresql://")
    params = parse_qsl(parts.query, keep_blank_values=True)
    if parts.password is not None or any(k == "password" for k, _ in params):
        raise InputError("the URL must not hold a password: set PGPASSWORD or use ~/.pgpass")
    tables = [v for k, v in params if k == "table"]
    if len(tables) != 1 or not tables[0]:
        raise InputError("the URL needs one ?table=NAME (the table to write)")
    names = tables[0].lower().split(".")
    if len(names) > 2 or not all(_IDENTIFIER.fullmatch(n) for n in names):
        raise InputError(f"table={tables[0]!r} is not a plain SQL identifier (letters, digits, "
                         "_; at most 40; optionally schema.name)")
    schema, table = (names[0], names[1]) if len(names) == 2 else (None, names[0])
    rest = [(k, v) for k, v in params if k != "table"]
    if not any(k == "connect_timeout" for k, _ in rest):
        rest.append(("connect_timeout", str(CONNECT_TIMEOUT)))
    conninfo = urlunsplit(("postgresql", parts.netloc, parts.path, urlencode(rest), ""))
    env = os.environ
    user = unquote(parts.username or "") or env.get("PGUSER") or getpass.getuser()
    host = unquote(parts.hostname or "") or env.get("PGHOST") or "localhost"
    dbname = unquote(parts.path.lstrip("/")) or env.get("PGDATABASE") or user
    return Target(conninfo, user, host, str(port or env.get("PGPORT") or 5432), dbname,
                  schema, table)


# -- table layouts -----------------------------------------------------------------------------

_DATES = {"date", "membership_date", "published", "first_reported", "last_reported"}
_JSON = {"sources", "properties"}
_ARRAYS = {"claimants"}


def _sql_type(key: str) -> str:
    from geoincidents.outputs.geojson import _BOOLEANS, _INTEGERS, _NUMBERS

    if key in _INTEGERS or key in ("place_no", "point_no", "incidents", "places", "areas"):
        return "integer"
    if key in _NUMBERS or key in ("lat", "lon"):
        return "double precision"
    if key in _BOOLEANS or key in ("in_treaty_area", "disputed"):
        return "boolean"
    if key in _DATES:
        return "date"
    if key in _JSON:
        return "jsonb"
    if key in _ARRAYS:
        return "text[]"
    if key == "processed_at":
        return "timestamp with time zone"
    return "text"


@dataclass(frozen=True, slots=True)
class Layout:
    """One table: its name suffix, columns, primary key and geometry type."""

    suffix: str
    keys: tuple[str, ...]
    primary: tuple[str, ...]
    geometry: str | None = None  # "Point" or "MultiPolygon" (SRID 4326), column "geom"

    def columns(self) -> list[tuple[str, str]]:
        cols = [(k, _sql_type(k)) for k in self.keys]
        if self.geometry:
            cols.append(("geom", f"geometry({self.geometry},4326)"))
        return cols


def extract_layouts() -> tuple[Layout, ...]:
    from geoincidents.outputs.geojson import AREA_KEYS, INCIDENT_KEYS, PLACE_KEYS

    return (
        Layout("", INCIDENT_KEYS, ("doc_id", "incident_id"), "Point"),
        # The primary keys' btree indexes start with doc_id: a document's rows are found fast.
        Layout("_places", PLACE_KEYS + ("place_no",), ("doc_id", "place_no"), "Point"),
        Layout("_areas", AREA_KEYS, ("doc_id", "incident_id"), "MultiPolygon"),
        Layout("_documents", ("doc_id", "incidents", "places", "areas", "processed_at"),
               ("doc_id",)),
    )


def events_layout() -> Layout:
    from geoincidents.outputs.events import EVENT_KEYS

    return Layout("", EVENT_KEYS, ("event_id",), "Point")


def points_layout() -> Layout:
    from geoincidents.pointfile import VERDICT_COLUMNS

    return Layout("", ("source", "point_no", "lat", "lon", "date", *VERDICT_COLUMNS,
                       "properties"), ("source", "point_no"), "Point")


# -- the connection ----------------------------------------------------------------------------


class Database:
    """A connection to the target, checked before any document is processed: the server
    answers, PostGIS is installed, and every table that already exists has the expected
    columns. Tables that do not exist are created by :meth:`transaction` the first time (in
    that transaction)."""

    def __init__(self, target: Target, layouts: Iterable[Layout]) -> None:
        self.target = target
        self.layouts = tuple(layouts)
        self.conn = connect(target)
        try:
            self._check_postgis()
            self.schema = self._schema()
            self.missing = [lay for lay in self.layouts if not self._check_table(lay)]
            self.conn.commit()
        except BaseException:
            self.conn.close()
            raise
        self.ready = False  # tables and indexes created (or found)

    def name(self, layout: Layout) -> str:
        return self.target.table + layout.suffix

    def ident(self, layout: Layout):
        from psycopg import sql

        return sql.Identifier(self.schema, self.name(layout))

    def _check_postgis(self) -> None:
        row = self._one("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
        if row is None:
            raise DatabaseError(f"database {self.target.dbname} has no PostGIS extension: run "
                                f"CREATE EXTENSION postgis ({self.target.label})")

    def _schema(self) -> str:
        if self.target.schema is None:
            row = self._one("SELECT current_schema()")
            if row is None or row[0] is None:
                raise DatabaseError(f"{self.target.label}: no schema to write to (empty "
                                    "search_path): name one, ?table=schema.name")
            return row[0]
        if self._one("SELECT 1 FROM pg_namespace WHERE nspname = %s",
                     (self.target.schema,)) is None:
            raise DatabaseError(f"{self.target.label}: schema {self.target.schema} does not "
                                "exist")
        return self.target.schema

    def _check_table(self, layout: Layout) -> bool:
        """Whether the table exists (with the expected columns; else DatabaseError)."""
        rows = self._all(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped",
            (self.schema, self.name(layout)))
        if not rows:
            return False
        actual = dict(rows)
        where = f"table {self.schema}.{self.name(layout)} exists with another schema"
        for column, expected in layout.columns():
            found = actual.get(column)
            if found is None:
                raise DatabaseError(f"{where}: it has no column {column} ({expected}); "
                                    "choose another ?table= name")
            if found.lower() != expected.lower():
                raise DatabaseError(f"{where}: column {column} is {found}, expected {expected}; "
                                    "choose another ?table= name")
        return True

    def _one(self, query: str, params=()):
        with self.conn.cursor() as cur:
            return self._run(cur, query, params).fetchone()

    def _all(self, query: str, params=()):
        with self.conn.cursor() as cur:
            return self._run(cur, query, params).fetchall()

    def _run(self, cur, query, params=()):
        import psycopg

        try:
            return cur.execute(query, params)
        except psycopg.Error as err:
            raise DatabaseError(f"{self.target.label}: {_first_line(err)}") from err

    def _create(self, cur) -> None:
        from psycopg import sql

        for layout in self.missing:
            cols = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t))
                    for c, t in layout.columns()]
            cols.append(sql.SQL("PRIMARY KEY ({})").format(
                sql.SQL(", ").join(map(sql.Identifier, layout.primary))))
            cur.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(
                self.ident(layout), sql.SQL(", ").join(cols)))
        for layout in self.layouts:
            name = self.name(layout)
            if layout.geometry:
                cur.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} USING GIST (geom)")
                            .format(sql.Identifier(f"{name}_geom_gist"), self.ident(layout)))

    @contextlib.contextmanager
    def transaction(self):
        """A cursor in one transaction (tables created first when missing): committed at the
        end, rolled back on any exception."""
        import psycopg

        try:
            with self.conn.cursor() as cur:
                if not self.ready:
                    self._create(cur)
                yield cur
            self.conn.commit()
            self.ready = True
        except psycopg.Error as err:
            self._rollback()
            raise DatabaseError(f"{self.target.label}: {_first_line(err)}") from err
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        import psycopg

        with contextlib.suppress(psycopg.Error):
            self.conn.rollback()

    def insert(self, cur, layout: Layout, rows: list[tuple]) -> None:
        """Insert ``rows`` (values in :meth:`Layout.columns` order, geometry as WKB)."""
        from psycopg import sql

        if not rows:
            return
        holders = []
        for column, kind in layout.columns():
            if column == "geom":
                holders.append(sql.SQL("ST_GeomFromWKB(%s, 4326)"))
            elif kind in ("jsonb", "text[]"):
                holders.append(sql.SQL("%s::" + kind))
            else:
                holders.append(sql.Placeholder())
        query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            self.ident(layout),
            sql.SQL(", ").join(sql.Identifier(c) for c, _ in layout.columns()),
            sql.SQL(", ").join(holders))
        cur.executemany(query, rows)

    def delete(self, cur, layout: Layout, column: str, values) -> None:
        from psycopg import sql

        cur.execute(sql.SQL("DELETE FROM {} WHERE {} = ANY(%s)").format(
            self.ident(layout), sql.Identifier(column)), (list(values),))

    def close(self) -> None:
        self.conn.close()

    def reconnect(self) -> None:
        """A new connection in place of one an interruption left mid-query (psycopg cancels
        the query on KeyboardInterrupt only: after SIGTERM's SystemExit the connection stays
        busy and refuses the next command)."""
        self.conn.close()  # the server rolls the unfinished transaction back
        self.conn = connect(self.target)


def connect(target: Target):
    """A psycopg connection (not autocommit), or a one-line :class:`DatabaseError` naming what
    failed: the server, the credentials or the database."""
    import psycopg

    try:
        return psycopg.connect(target.conninfo, application_name="geoincidents")
    except psycopg.Error as err:
        raise DatabaseError(_connect_message(err, target)) from err


def _connect_message(err, target: Target) -> str:
    text = str(err)
    where = f"{target.host}:{target.port}"
    if "password authentication failed" in text or getattr(err, "sqlstate", None) == "28P01":
        what = (f"authentication failed for user {target.user} on {where} "
                "(check PGPASSWORD or ~/.pgpass)")
    elif "no password supplied" in text:
        what = (f"authentication failed for user {target.user} on {where}: no password given "
                "(set PGPASSWORD or add it to ~/.pgpass)")
    elif re.search(r'database ".*" does not exist', text) \
            or getattr(err, "sqlstate", None) == "3D000":
        what = f"database {target.dbname} does not exist on {where}"
    else:
        line = _first_line(err)
        reason = line.rsplit("failed: ", 1)[-1].strip() or line  # libpq's last reason
        what = f"cannot connect to PostgreSQL at {where}: {reason}"
    return f"{what} ({target.label})"


def _first_line(err) -> str:
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    return lines[0] if lines else type(err).__name__


# -- values --------------------------------------------------------------------------------------


def _value(key: str, value):
    if value is None:
        return None
    if key in _DATES:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    if key in _JSON:
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return value


def _row(layout: Layout, props: dict, geometry: dict | None) -> tuple:
    from geoincidents.outputs.geojson import geometry_wkb

    values = [_value(k, props.get(k)) for k in layout.keys]
    if layout.geometry:
        values.append(geometry_wkb(geometry, multi=layout.geometry == "MultiPolygon"))
    return tuple(values)


def _batch_documents() -> int:
    value = os.environ.get("GEOINCIDENTS_PG_BATCH", "")
    return int(value) if value.isdigit() and int(value) > 0 else BATCH_DOCUMENTS


# -- sinks ---------------------------------------------------------------------------------------


class _Sink:
    """What the three sinks share: the checked database and how messages name it."""

    db: Database

    @property
    def label(self) -> str:
        return self.db.target.label


class ExtractSink(_Sink):
    """``extract``'s features into the incidents, places, areas and documents tables.

    ``write_document(doc_id, features)`` for every document processed (also one that yields no
    feature), then ``close()``. Documents are written in batches, each one transaction that
    replaces those documents' rows.
    """

    def __init__(self, target: Target) -> None:
        self.db = Database(target, extract_layouts())
        self.incidents, self.places, self.areas, self.documents = self.db.layouts
        self.pending: dict[str, list[dict]] = {}
        self.rows = 0
        self.written = 0  # documents committed
        self.batch = _batch_documents()

    def done_ids(self) -> frozenset[str]:
        """The documents already in the database (``--resume``)."""
        if self.documents in self.db.missing:
            return frozenset()
        from psycopg import sql

        with self.db.conn.cursor() as cur:
            cur.execute(sql.SQL("SELECT doc_id FROM {}").format(self.db.ident(self.documents)))
            ids = frozenset(r[0] for r in cur.fetchall())
        self.db.conn.commit()
        return ids

    def write_document(self, doc_id: str, features: Iterable[dict]) -> None:
        feats = list(features)
        self.pending.setdefault(str(doc_id), []).extend(feats)
        self.rows += len(feats)
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if len(self.pending) >= self.batch or self.rows >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Write the pending documents in one transaction (their earlier rows replaced)."""
        if not self.pending:
            return
        rows: dict[Layout, list[tuple]] = {lay: [] for lay in self.db.layouts}
        now = dt.datetime.now(dt.timezone.utc)
        for doc_id, feats in self.pending.items():
            counts = {"incident": 0, "place": 0, "incident_area": 0}
            for feat in feats:
                props = feat["properties"]
                kind = props.get("feature_type")
                if kind not in counts:
                    continue
                counts[kind] += 1
                if kind == "place":
                    props = {**props, "place_no": counts["place"]}
                layout = {"incident": self.incidents, "place": self.places,
                          "incident_area": self.areas}[kind]
                rows[layout].append(_row(layout, props, feat.get("geometry")))
            rows[self.documents].append((doc_id, counts["incident"], counts["place"],
                                         counts["incident_area"], now))
        ids = list(self.pending)
        with self.db.transaction() as cur:
            for layout in self.db.layouts:
                self.db.delete(cur, layout, "doc_id", ids)
            for layout in self.db.layouts:
                self.db.insert(cur, layout, rows[layout])
        self.written += len(ids)
        self.pending, self.rows = {}, 0

    def close(self) -> None:
        try:
            self.flush()
        finally:
            self.db.close()

    def abort(self) -> None:
        """Drop what is pending (nothing of it is written) and close."""
        self.pending, self.rows = {}, 0
        self.db.close()

    def salvage(self) -> None:
        """After an interruption: write the whole documents still pending (on a new
        connection when the interruption left this one unusable), if the server allows;
        :attr:`written` counts what is committed either way."""
        try:
            # When even that fails, those documents are not written; the run says how many are.
            with contextlib.suppress(DatabaseError):
                try:
                    self.flush()
                except DatabaseError:
                    self.db.reconnect()
                    self.flush()
        finally:
            self.db.close()


class FeatureTableSink(_Sink):
    """Features keyed by one column (the events of ``events``) into one table, all in one
    transaction at ``close()``: the rows of those keys are replaced."""

    def __init__(self, target: Target, layout: Layout) -> None:
        self.db = Database(target, [layout])
        self.layout = layout
        self.features: list[dict] = []

    def write(self, features: Iterable[dict]) -> None:
        self.features.extend(features)

    def close(self) -> int:
        """Write everything (one transaction); the number of rows."""
        key = self.layout.primary[0]
        try:
            if not self.features:
                return 0
            rows = [_row(self.layout, f["properties"], f.get("geometry"))
                    for f in self.features]
            with self.db.transaction() as cur:
                self.db.delete(cur, self.layout, key,
                               [f["properties"][key] for f in self.features])
                self.db.insert(cur, self.layout, rows)
            return len(rows)
        finally:
            self.db.close()

    def abort(self) -> None:
        self.db.close()


def events_sink(target: Target) -> FeatureTableSink:
    return FeatureTableSink(target, events_layout())


class PointsSink(_Sink):
    """``check --points`` rows into one table keyed by ``(source, point_no)``: the whole file
    in one transaction that first deletes that source's earlier rows."""

    def __init__(self, target: Target, source: str) -> None:
        self.db = Database(target, [points_layout()])
        self.layout = self.db.layouts[0]
        self.source = source
        self.count = 0
        self._tx = None
        self._cur = None
        self.pending: list[tuple] = []

    def writer(self, header: list[str]) -> PointsSink:
        """The ``make_writer`` of :func:`geoincidents.pointfile.check_points`."""
        self.header = header
        return self

    def write(self, row, verdict: dict, lat: float, lon: float) -> None:
        from geoincidents.pointfile import LAT_NAMES, LON_NAMES, VERDICT_COLUMNS

        if isinstance(row, dict):  # a GeoJSON feature
            props = dict(row.get("properties") or {})
        else:
            props = {h: v for h, v in zip(self.header, row)
                     if h.strip().lower() not in LAT_NAMES + LON_NAMES}
        props = {k: v for k, v in props.items() if k not in VERDICT_COLUMNS}
        self.count += 1
        values = {"source": self.source, "point_no": self.count, "lat": lat, "lon": lon,
                  "date": verdict.get("date"), **{k: verdict.get(k) for k in VERDICT_COLUMNS},
                  "properties": props}
        point = {"type": "Point", "coordinates": [lon, lat]}
        self.pending.append(_row(self.layout, values, point))
        if len(self.pending) >= BATCH_ROWS:
            self._send()

    def _send(self) -> None:
        if self._tx is None:
            self._tx = self.db.transaction()
            self._cur = self._tx.__enter__()
            self.db.delete(self._cur, self.layout, "source", [self.source])
        try:
            self.db.insert(self._cur, self.layout, self.pending)
        except BaseException as err:
            self._end(err)
            raise
        self.pending = []

    def _end(self, err: BaseException | None) -> None:
        tx, self._tx = self._tx, None
        if tx is not None:
            if err is None:
                tx.__exit__(None, None, None)
            else:
                with contextlib.suppress(DatabaseError):
                    tx.__exit__(type(err), err, err.__traceback__)

    def close(self) -> None:
        """Commit every point (nothing was visible before)."""
        try:
            if self.pending:
                self._send()
            self._end(None)
        finally:
            self.db.close()

    def abort(self, err: BaseException | None = None) -> None:
        """Roll back: the table stays as it was."""
        try:
            self._end(err or RuntimeError("aborted"))
        finally:
            self.db.close()
