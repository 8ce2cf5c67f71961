"""``-o postgresql://...?table=NAME`` for extract, events and check --points, against a real
PostgreSQL + PostGIS server (tests/postgis_server.py); the URL checks need no server."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_errors import one_line_error
from click.testing import CliRunner
from postgis_server import postgis_server

from geoincidents.cli.main import cli
from geoincidents.errors import InputError
from geoincidents.outputs.postgis import parse_url

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CASES = ROOT / "tests" / "data" / "incidents" / "cases.jsonl"  # the development set
REPORTS = {
    "wire": "WARSAW, Sept 10, 2025 - Russian drones violated Polish airspace overnight, the "
            "army said on Wednesday, and several were shot down.",
    "local": "LUBLIN, Sept 11, 2025 - A Russian drone smashed through the roof of a house in "
             "Wyryki-Wola, a village in Włodawa county in Poland's Lublin province, in the "
             "early hours of Wednesday.",
    "aalborg": "COPENHAGEN, Sept 25, 2025 - Drones were spotted over the airport in Aalborg on "
               "Wednesday night, forcing it to close for several hours.",
}
EXTRACT_TABLES = ("", "_places", "_areas", "_documents")

server = pytest.fixture(scope="session")(postgis_server)


def invoke(args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)


def write_feed(path: Path, docs: dict[str, str]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for doc_id, text in docs.items():
            fh.write(json.dumps({"id": doc_id, "text": text}) + "\n")
    return path


# -- the URL, without a server -------------------------------------------------------------------


def test_url_parts_and_label(monkeypatch):
    monkeypatch.delenv("PGPORT", raising=False)
    t = parse_url("postgres://ana@db.example:6543/osint?table=Intel.Incidents&sslmode=require")
    assert (t.schema, t.table, t.qualified) == ("intel", "incidents", "intel.incidents")
    assert t.label == "ana@db.example:6543/osint table intel.incidents"
    assert t.conninfo.startswith("postgresql://ana@db.example:6543/osint?")
    assert "sslmode=require" in t.conninfo and "connect_timeout=10" in t.conninfo
    assert "table" not in t.conninfo
    t = parse_url("postgresql://ana@localhost/osint?table=t&connect_timeout=3")
    assert t.port == "5432" and t.conninfo.count("connect_timeout") == 1


@pytest.mark.parametrize("url,needle", [
    ("postgresql://ana:hunter2@localhost/osint?table=t", "PGPASSWORD"),
    ("postgresql://ana@localhost/osint?table=t&password=hunter2", "PGPASSWORD"),
    ("postgresql://ana@localhost/osint", "?table=NAME"),
    ("postgresql://ana@localhost/osint?table=", "?table=NAME"),
    ("postgresql://ana@localhost/osint?table=t;drop table x", "not a plain SQL identifier"),
    ("postgresql://ana@localhost/osint?table=a.b.c", "not a plain SQL identifier"),
    ("postgresql://ana@localhost/osint?table=1abc", "not a plain SQL identifier"),
    ("postgresql://ana@localhost/osint?table=" + "x" * 41, "not a plain SQL identifier"),
    ("postgresql://ana@localhost:port/osint?table=t", "not a valid PostgreSQL URL"),
])
def test_bad_urls_are_refused(url, needle):
    with pytest.raises(InputError, match=None) as err:
        parse_url(url)
    assert needle in str(err.value) and "hunter2" not in str(err.value)


@pytest.mark.parametrize("command", ["extract", "events", "check"])
def test_password_in_url_is_a_usage_error(command, tmp_path):
    url = "postgresql://ana:hunter2@127.0.0.1:9/osint?table=t"
    if command == "check":
        points = tmp_path / "p.csv"
        points.write_text("lat,lon\n54.9,18.5\n")
        args = ["check", "--points", points, "-o", url]
    else:
        args = [command, SEEDS, "-o", url]
    line = one_line_error(invoke(args), 2, "PGPASSWORD", "-o/--output")
    assert "hunter2" not in line


def test_database_output_needs_points_and_update_is_a_file(tmp_path):
    url = "postgresql://ana@127.0.0.1:9/osint?table=t"
    one_line_error(invoke(["check", "54.9", "18.5", "-o", url]), 2, "--points")
    one_line_error(invoke(["events", SEEDS, "--update", url]), 2, "--update")


# -- against the server ----------------------------------------------------------------------------


def fresh(server, *names: str) -> None:
    """Drop the tables a test writes (left by an earlier session on a GEOINCIDENTS_TEST_PG)."""
    with server.connect() as conn:
        for name in names:
            for suffix in EXTRACT_TABLES:
                conn.execute(f"DROP TABLE IF EXISTS {name}{suffix}")


def tables(server, dbname=None) -> set[str]:
    with server.connect(dbname) as conn:
        rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return {r[0] for r in rows}


def read(server, query: str):
    import geopandas
    import sqlalchemy

    engine = sqlalchemy.create_engine(server.sqlalchemy_url)
    try:
        with engine.connect() as conn:
            return geopandas.read_postgis(sqlalchemy.text(query), conn, geom_col="geom")
    finally:
        engine.dispose()


def counts(server, table: str) -> dict[str, tuple[int, int, int]]:
    """doc_id -> (incident rows, place rows, area rows), from the data tables themselves."""
    out: dict[str, list[int]] = {}
    with server.connect() as conn:
        for k, suffix in enumerate(("", "_places", "_areas")):
            for doc_id, n in conn.execute(f"SELECT doc_id, count(*) FROM {table}{suffix} "
                                          "GROUP BY doc_id"):
                out.setdefault(doc_id, [0, 0, 0])[k] = n
        docs = dict(conn.execute(f"SELECT doc_id, incidents FROM {table}_documents"))
    for doc_id in docs:
        out.setdefault(doc_id, [0, 0, 0])
    return {k: tuple(v) for k, v in out.items()}


def geojson(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


def same_value(key: str, ours, theirs) -> bool:
    """A database value equals the GeoJSON property (dates as dates, floats to 1e-9)."""
    if theirs is None:  # pandas may read a NULL text as NaN
        return ours is None or (isinstance(ours, float) and math.isnan(ours))
    if key in ("date", "membership_date", "published", "first_reported", "last_reported"):
        return ours == dt.date.fromisoformat(theirs)
    if isinstance(theirs, float):
        return math.isclose(ours, theirs, abs_tol=1e-9)
    return ours == theirs


def compare_extract(server, table: str, features: list[dict]) -> None:
    """The tables hold exactly the GeoJSON's features: keys, types, values, geometry."""
    from geoincidents.outputs.geojson import AREA_KEYS, INCIDENT_KEYS, PLACE_KEYS

    kinds = {"incident": ("", INCIDENT_KEYS, "incident_id"),
             "incident_area": ("_areas", AREA_KEYS, "incident_id"),
             "place": ("_places", PLACE_KEYS, "place_no")}
    for kind, (suffix, keys, key) in kinds.items():
        expected = [f for f in features if f["properties"]["feature_type"] == kind]
        if kind == "place":  # place_no: the place's order in its document
            seen: dict[str, int] = {}
            for f in expected:
                doc = f["properties"]["doc_id"]
                seen[doc] = seen.get(doc, 0) + 1
                f["properties"]["place_no"] = seen[doc]
        frame = read(server, f"SELECT * FROM {table}{suffix}")
        assert frame.crs.to_epsg() == 4326
        assert len(frame) == len(expected), kind
        rows = {(r["doc_id"], r[key]): r for _, r in frame.iterrows()}
        assert set(rows) == {(f["properties"]["doc_id"], f["properties"][key])
                             for f in expected}
        for f in expected:
            props = f["properties"]
            row = rows[(props["doc_id"], props[key])]
            for k in keys:
                assert same_value(k, row[k], props[k]), (kind, props["doc_id"], k, row[k],
                                                         props[k])
            geom = row["geom"]
            if f["geometry"] is None:
                assert geom is None
            elif kind == "incident_area":
                import shapely

                want = shapely.geometry.shape(f["geometry"])
                assert geom.geom_type == "MultiPolygon"
                assert geom.symmetric_difference(want).area <= 1e-9 * max(want.area, 1e-9)
            else:
                lon, lat = f["geometry"]["coordinates"]
                assert abs(geom.x - lon) <= 1e-6 and abs(geom.y - lat) <= 1e-6
    # Typed columns, as the database has them.
    with server.connect() as conn:
        types = dict(conn.execute(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0", (table,)))
        assert types["nato_member"] == types["inside_nato_airspace"] == "boolean"
        assert types["start"] == types["end"] == "integer"
        assert types["date"] == types["published"] == types["membership_date"] == "date"
        assert types["confidence"] == types["distance_to_border_km"] == "double precision"
        assert types["geom"] == "geometry(Point,4326)"
        gist = {r[0] for r in conn.execute(
            "SELECT tablename FROM pg_indexes WHERE indexdef LIKE '%%USING gist (geom)%%'")}
    assert {table, f"{table}_places", f"{table}_areas"} <= gist


@pytest.mark.postgis
def test_seed_round_trip_typed_columns(server, tmp_path):
    fresh(server, "seed")
    out = tmp_path / "seed.geojson"
    assert invoke(["extract", SEEDS, "-j", "1", "-o", out]).exit_code == 0
    res = invoke(["extract", SEEDS, "-j", "1", "-o", server.url("seed")], env=server.env)
    assert res.exit_code == 0, res.output
    assert "1 document(s) written to geo@127.0.0.1" in res.stderr
    assert server.password not in res.output
    features = geojson(out)
    compare_extract(server, "seed", features)
    frame = read(server, "SELECT * FROM seed")
    assert frame["nato_member"].map(type).eq(bool).all()
    assert frame["start"].map(type).isin([int]).all() or str(frame["start"].dtype) == "int64"
    assert frame["membership_date"].map(type).eq(dt.date).all()
    docs = read_plain(server, "SELECT doc_id, incidents, places, areas FROM seed_documents")
    kinds = [f["properties"]["feature_type"] for f in features]
    assert docs == [("000_f7b29a746955773c", kinds.count("incident"), kinds.count("place"),
                     kinds.count("incident_area"))]


def read_plain(server, query: str) -> list[tuple]:
    with server.connect() as conn:
        return list(conn.execute(query))


@pytest.mark.postgis
@pytest.mark.slow
def test_incident_dev_set_round_trip(server, tmp_path):
    """The 80 texts of the incident development set: the tables hold what the GeoJSON holds."""
    fresh(server, "cases")
    out = tmp_path / "cases.geojson"
    res = invoke(["extract", CASES, "-j", "2", "-o", out])
    assert res.exit_code == 0, res.output
    res = invoke(["extract", CASES, "-j", "2", "-o", server.url("cases")], env=server.env)
    assert res.exit_code == 0, res.output
    features = geojson(out)
    compare_extract(server, "cases", features)
    ids = [json.loads(line)["id"] for line in CASES.read_text(encoding="utf-8").splitlines()]
    docs = dict(read_plain(server, "SELECT doc_id, incidents FROM cases_documents"))
    assert sorted(docs) == sorted(ids)  # texts without an incident are recorded too
    assert sum(docs.values()) == sum(f["properties"]["feature_type"] == "incident"
                                     for f in features)


@pytest.mark.postgis
def test_rerun_upserts_and_replaces_a_changed_document(server, tmp_path):
    fresh(server, "daily")
    feed = write_feed(tmp_path / "feed.jsonl", REPORTS)
    url = server.url("daily")
    assert invoke(["extract", feed, "-j", "1", "-o", url], env=server.env).exit_code == 0
    first = counts(server, "daily")
    assert set(first) == set(REPORTS) and all(c[0] >= 1 for c in first.values())
    # The same feed again: no duplicates.
    assert invoke(["extract", feed, "-j", "1", "-o", url], env=server.env).exit_code == 0
    assert counts(server, "daily") == first
    # A corrected report now tells of no incident: its rows go, the others stay.
    changed = dict(REPORTS, local="LUBLIN, Sept 11, 2025 - The weather in Lublin was fine.")
    write_feed(feed, {"local": changed["local"]})
    assert invoke(["extract", feed, "-j", "1", "-o", url], env=server.env).exit_code == 0
    now = counts(server, "daily")
    assert now["local"][0] == 0 and now["local"][2] == 0
    assert {k: v for k, v in now.items() if k != "local"} == \
        {k: v for k, v in first.items() if k != "local"}
    assert read_plain(server, "SELECT incidents FROM daily_documents WHERE doc_id = 'local'") \
        == [(0,)]
    # --resume processes only the documents not yet in the tables.
    write_feed(feed, dict(REPORTS, extra="RIGA, Oct 2, 2025 - A drone entered Latvian "
                                         "airspace from Belarus on Tuesday night."))
    res = invoke(["extract", feed, "-j", "1", "-o", url, "--resume"], env=server.env)
    assert res.exit_code == 0, res.output
    assert [line.split(":")[0] for line in res.stderr.splitlines()
            if "incident(s)" in line] == ["extra"]
    assert set(counts(server, "daily")) == set(REPORTS) | {"extra"}
    res = invoke(["extract", feed, "-j", "1", "-o", url, "--resume"], env=server.env)
    assert res.exit_code == 0 and "nothing new" in res.stderr


@pytest.mark.postgis
def test_nothing_processed_creates_nothing(server, tmp_path):
    fresh(server, "never")
    empty = tmp_path / "empty"
    empty.mkdir()
    before = tables(server)
    res = invoke(["extract", empty, "-o", server.url("never")], env=server.env)
    one_line_error(res, 1, "nothing written")
    assert tables(server) == before


@pytest.mark.postgis
def test_events_round_trip_and_rerun(server, tmp_path):
    fresh(server, "events")
    feed = write_feed(tmp_path / "feed.jsonl", REPORTS)
    out = tmp_path / "events.geojson"
    assert invoke(["events", feed, "-j", "1", "-o", out]).exit_code == 0
    url = server.url("events")
    for _ in range(2):  # a rerun upserts by event_id
        res = invoke(["events", feed, "-j", "1", "-o", url], env=server.env)
        assert res.exit_code == 0, res.output
    expected = {f["properties"]["event_id"]: f for f in geojson(out)}
    frame = read(server, "SELECT * FROM events")
    assert frame.crs.to_epsg() == 4326
    assert sorted(frame["event_id"]) == sorted(expected)
    from geoincidents.outputs.events import EVENT_KEYS

    for _, row in frame.iterrows():
        f = expected[row["event_id"]]
        for k in EVENT_KEYS:
            if k == "sources":  # jsonb comes back as the list itself
                assert row[k] == json.loads(f["properties"][k])
            else:
                assert same_value(k, row[k], f["properties"][k]), (k, row[k])
        lon, lat = f["geometry"]["coordinates"]
        assert abs(row["geom"].x - lon) <= 1e-6 and abs(row["geom"].y - lat) <= 1e-6
        assert isinstance(row["report_count"], int) or row["report_count"] == int(
            row["report_count"])
    assert sorted(frame["report_count"]) == [1, 2]


@pytest.mark.postgis
def test_check_points_round_trip_and_rerun(server, tmp_path):
    fresh(server, "radar")
    points = tmp_path / "radar.csv"
    points.write_text("id,lat,lon,date\nA,54.9,18.5,2025-01-01\nB,55.6,18.5,2025-01-01\n"
                      "C,60.4,25.7,2023-01-01\n", encoding="utf-8")
    out = tmp_path / "radar.checked.csv"
    assert invoke(["check", "--points", points, "-o", out]).exit_code == 0
    url = server.url("radar")
    for _ in range(2):  # a rerun replaces the file's rows
        res = invoke(["check", "--points", points, "-o", url], env=server.env)
        assert res.exit_code == 0, res.output
        assert "checked 3 points -> geo@127.0.0.1" in res.stderr
    frame = read(server, "SELECT * FROM radar ORDER BY point_no")
    assert list(frame["point_no"]) == [1, 2, 3]
    assert set(frame["source"]) == {str(points.resolve())}
    assert [p["id"] for p in frame["properties"]] == ["A", "B", "C"]
    import csv

    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    for row, (_, got) in zip(rows, frame.iterrows()):
        assert same_value("country_iso3", got["country_iso3"], row["country_iso3"] or None)
        assert got["nato_member"] == (row["nato_member"] == "true")
        assert math.isclose(got["distance_to_border_km"], float(row["distance_to_border_km"]))
        assert got["date"] == dt.date.fromisoformat(row["date"])
        assert abs(got["geom"].x - float(row["lon"])) < 1e-9
    assert list(frame["claimants"][0]) == []
    # A shorter file under the same name: its earlier rows do not linger.
    points.write_text("id,lat,lon\nA,54.9,18.5\n", encoding="utf-8")
    assert invoke(["check", "--points", points, "-o", url], env=server.env).exit_code == 0
    assert read_plain(server, "SELECT count(*) FROM radar") == [(1,)]
    # A bad line: the whole file is refused, the table keeps what it had.
    points.write_text("id,lat,lon\nA,54.9,18.5\nB,95,18.5\n", encoding="utf-8")
    res = invoke(["check", "--points", points, "-o", url], env=server.env)
    one_line_error(res, 1, "line 3", "nothing written to geo@")
    assert read_plain(server, "SELECT count(*) FROM radar") == [(1,)]


# -- errors: one line, exit 1, nothing written -----------------------------------------------------


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.postgis
@pytest.mark.parametrize("command", ["extract", "events", "check"])
def test_unreachable_wrong_password_missing_database(server, tmp_path, command):
    points = tmp_path / "p.csv"
    points.write_text("lat,lon\n54.9,18.5\n")

    def args(url):
        if command == "check":
            return ["check", "--points", points, "-o", url]
        return [command, SEEDS, "-o", url]

    fresh(server, "t1")
    before = tables(server)
    line = one_line_error(invoke(args(server.url("t1", port=_closed_port())), server.env), 1,
                          "cannot connect to PostgreSQL at 127.0.0.1", "table t1")
    assert server.password not in line
    one_line_error(invoke(args(server.url("t1")), {"PGPASSWORD": "wrong"}), 1,
                   "authentication failed for user geo")
    one_line_error(invoke(args(server.url("t1", dbname="nope")), server.env), 1,
                   "database nope does not exist")
    assert tables(server) == before


@pytest.fixture(scope="session")
def plain_database(server):
    """A database without PostGIS."""
    import psycopg

    try:
        with server.admin_connect() as conn:
            conn.execute("DROP DATABASE IF EXISTS plain_test")
            conn.execute(f"CREATE DATABASE plain_test OWNER {server.user}")
    except psycopg.Error as err:
        pytest.skip(f"cannot create a database: {err}")
    return "plain_test"


@pytest.mark.postgis
def test_database_without_postgis(server, plain_database):
    res = invoke(["extract", SEEDS, "-o", server.url("t", dbname=plain_database)], server.env)
    one_line_error(res, 1, f"database {plain_database} has no PostGIS extension",
                   "CREATE EXTENSION postgis")
    assert tables(server, plain_database) == set()


@pytest.mark.postgis
def test_table_of_another_schema_is_refused(server):
    with server.connect() as conn:
        for name in ("clash", "pts"):
            for suffix in EXTRACT_TABLES:
                conn.execute(f"DROP TABLE IF EXISTS {name}{suffix}")
        conn.execute("CREATE TABLE clash (doc_id text, incident_id integer, note text)")
        conn.execute("INSERT INTO clash VALUES ('x', 1, 'mine')")
    before = tables(server)
    line = one_line_error(invoke(["extract", SEEDS, "-o", server.url("clash")], server.env), 1,
                          "table public.clash exists with another schema")
    assert "column" in line
    assert tables(server) == before  # no clash_places, clash_areas, clash_documents
    assert read_plain(server, "SELECT * FROM clash") == [("x", 1, "mine")]
    # The same for a table made for points, given to events.
    assert invoke(["check", "--points", _points_file(), "-o", server.url("pts")],
                  server.env).exit_code == 0
    one_line_error(invoke(["events", SEEDS, "-o", server.url("pts")], server.env), 1,
                   "table public.pts exists with another schema")


def _points_file() -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "one.csv"
    path.write_text("lat,lon\n54.9,18.5\n")
    return path


_MADE: set[str] = set()


# -- a run killed mid-batch leaves whole documents only -------------------------------------------


def _cases(n: int) -> dict[str, str]:
    docs = {}
    for line in CASES.read_text(encoding="utf-8").splitlines()[:n]:
        case = json.loads(line)
        docs[case["id"]] = case["text"]
    return docs


@pytest.mark.postgis
@pytest.mark.slow
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["kill", "term"])
def test_interrupted_run_leaves_whole_documents(server, tmp_path, how):
    docs = _cases(30)
    feed = write_feed(tmp_path / "feed.jsonl", docs)
    env = {**server.env, "GEOINCIDENTS_PG_BATCH": "2"}
    full_table = "whole_run"
    if full_table not in _MADE:  # one whole run for both tests
        fresh(server, full_table)
        res = invoke(["extract", feed, "-j", "1", "-o", server.url(full_table)], env)
        assert res.exit_code == 0, res.output
        _MADE.add(full_table)
    full = counts(server, full_table)
    assert len(full) == len(docs)
    table = f"cut_{how.name.lower()}"
    fresh(server, table)
    proc = subprocess.Popen(
        [sys.executable, "-m", "geoincidents", "-q", "extract", str(feed), "-j", "1",
         "-o", server.url(table)],
        env={**os.environ, **env, "PYTHONPATH": str(ROOT)}, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        done = 0
        while time.monotonic() < deadline and proc.poll() is None:
            if f"{table}_documents" in tables(server):
                done = read_plain(server, f"SELECT count(*) FROM {table}_documents")[0][0]
                if done >= 4:
                    break
            time.sleep(0.02)
        assert proc.poll() is None, "the run ended before it could be interrupted"
        os.killpg(proc.pid, how)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode != 0
    cut = counts(server, table)
    assert 4 <= len(cut) < len(docs)
    for doc_id, got in cut.items():  # every document there is whole; none is there in part
        assert got == full[doc_id], doc_id
    documents = {r[0] for r in read_plain(server, f"SELECT doc_id FROM {table}_documents")}
    assert set(cut) == documents
    if how == signal.SIGTERM:
        assert "run again with --resume" in err
    # --resume finishes the job: the same tables as one whole run.
    res = invoke(["extract", feed, "-j", "1", "-o", server.url(table), "--resume"], env)
    assert res.exit_code == 0, res.output
    assert counts(server, table) == full


@pytest.mark.postgis
def test_interruption_on_a_dropped_connection_still_salvages(server, tmp_path, monkeypatch,
                                                             capsys):
    """An interruption can leave the connection unusable (psycopg closes it when cancelling
    the query fails; here the server drops it): the pending documents go in over a new
    connection, and the message counts every document committed."""
    from geoincidents.cli.extract import write_postgis
    from geoincidents.outputs.postgis import ExtractSink

    out = tmp_path / "wire.geojson"
    feed = write_feed(tmp_path / "w.jsonl", {"w": REPORTS["wire"], "late": REPORTS["local"]})
    assert invoke(["extract", feed, "-o", out]).exit_code == 0
    features = {doc_id: [f for f in geojson(out) if f["properties"]["doc_id"] == doc_id]
                for doc_id in ("w", "late")}
    for key, value in server.env.items():
        monkeypatch.setenv(key, value)
    fresh(server, "salvaged")
    sink = ExtractSink(parse_url(server.url("salvaged")))
    sink.batch = 2

    def documents():
        yield "w", features["w"]
        yield "empty", []  # the first batch is committed here
        yield "late", features["late"]
        pid = sink.db.conn.info.backend_pid
        with server.admin_connect() as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        raise SystemExit(143)  # as the CLI's SIGTERM handler

    with pytest.raises(SystemExit):
        write_postgis(sink, documents())
    assert "the 3 document(s) finished are in" in capsys.readouterr().err
    want = {doc_id: tuple(sum(f["properties"]["feature_type"] == k for f in feats)
                          for k in ("incident", "place", "incident_area"))
            for doc_id, feats in features.items()}
    assert want["w"][0] >= 1 and want["late"][0] >= 1
    assert counts(server, "salvaged") == {**want, "empty": (0, 0, 0)}


# -- the server fixture itself --------------------------------------------------------------


@pytest.mark.parametrize("ci", ["", "1"])
def test_no_server_skips_outside_ci_and_fails_on_ci(monkeypatch, ci):
    import postgis_server as module

    monkeypatch.delenv("GEOINCIDENTS_TEST_PG", raising=False)
    monkeypatch.setenv("CI", ci)
    monkeypatch.setattr(module, "_bindir", lambda: None)
    outcome = pytest.fail.Exception if ci else pytest.skip.Exception
    with pytest.raises(outcome, match="no PostgreSQL server with PostGIS"):
        next(module.postgis_server())
