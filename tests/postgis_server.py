"""A throwaway PostgreSQL + PostGIS server for the tests (``pytest -m postgis``).

Usage in a test module::

    from postgis_server import postgis_server   # tests/ is on sys.path
    server = pytest.fixture(scope="session")(postgis_server)

* ``GEOINCIDENTS_TEST_PG=postgresql://USER@HOST:PORT/DB`` (password in ``PGPASSWORD``): use that
  database (it must have PostGIS); tests that need to create databases skip if USER may not.
* Otherwise, when Debian's server binaries (``/usr/lib/postgresql/*/bin/initdb``) and the
  PostGIS extension are installed (``.ci/install-postgis``), a cluster is initialised in a
  temporary folder (as the ``postgres`` user when running as root), started on a free port on
  127.0.0.1 (socket in that folder), given a role with a password (host connections use
  scram-sha-256, so a wrong password really fails) and a database with PostGIS, and removed at
  the end of the session.
* If neither is possible the tests are skipped, unless the CI environment variable is set
  (non-empty): then they fail.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROLE, PASSWORD, DBNAME = "geo", "s3cret-geo", "geoincidents_test"


@dataclass
class Server:
    host: str
    port: int
    user: str
    password: str
    dbname: str
    admin: dict  # psycopg.connect keyword arguments of a superuser (or the user itself)

    def url(self, table: str, *, dbname: str | None = None, user: str | None = None,
            port: int | None = None) -> str:
        return (f"postgresql://{user or self.user}@{self.host}:{port or self.port}/"
                f"{dbname or self.dbname}?table={table}")

    @property
    def env(self) -> dict[str, str]:
        return {"PGPASSWORD": self.password}

    @property
    def sqlalchemy_url(self) -> str:
        return (f"postgresql+psycopg://{self.user}:{self.password}@{self.host}:{self.port}/"
                f"{self.dbname}")

    def connect(self, dbname: str | None = None, **kwargs):
        import psycopg

        return psycopg.connect(host=self.host, port=self.port, user=self.user,
                               password=self.password, dbname=dbname or self.dbname, **kwargs)

    def admin_connect(self, dbname: str | None = None):
        import psycopg

        return psycopg.connect(**{**self.admin, "dbname": dbname or self.admin["dbname"]},
                               autocommit=True)


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"PostGIS tests cannot run on CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bindir() -> tuple[Path, Path] | None:
    """(server bin dir, extension dir with postgis.control) of the newest installed version."""
    found = []
    for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        version = Path(initdb).parts[-3]
        ext = Path(f"/usr/share/postgresql/{version}/extension")
        if (ext / "postgis.control").exists() and version.isdigit():
            found.append((int(version), Path(initdb).parent, ext))
    if found:
        _, bindir, ext = max(found)
        return bindir, ext
    return None


def postgis_server() -> Iterator[Server]:
    """The session's server (a generator fixture: it stops the server at the end)."""
    try:
        import psycopg
    except ImportError:
        _unavailable("psycopg is not installed (pip install '.[test]')")
    external = os.environ.get("GEOINCIDENTS_TEST_PG")
    if external:
        parts = urlsplit(external)
        server = Server(parts.hostname or "localhost", parts.port or 5432,
                        parts.username or os.environ.get("PGUSER", "postgres"),
                        os.environ.get("PGPASSWORD", ""), parts.path.lstrip("/") or "postgres",
                        {})
        server.admin = {"host": server.host, "port": server.port, "user": server.user,
                        "password": server.password, "dbname": server.dbname}
        yield server
        return
    found = _bindir()
    if found is None:
        _unavailable("no PostgreSQL server with PostGIS installed (run .ci/install-postgis)")
    bindir, _ = found
    root = Path(tempfile.mkdtemp(prefix="geoincidents-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root and there is no postgres user to run the server")
        os.chown(root, owner.pw_uid, owner.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, log = root / "data", root / "server.log"
    port = _free_port()

    def run(*args: str) -> None:
        res = subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120)
        if res.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {res.stderr or res.stdout}")

    started = False
    try:
        try:
            run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8",
                "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync")
            options = (f"-p {port} -k {root} -h 127.0.0.1 -c fsync=off "
                       "-c full_page_writes=off -c synchronous_commit=off")
            run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                "-o", options, "start")
            started = True
            admin = {"host": str(root), "port": port, "user": "postgres", "dbname": "postgres"}
            server = Server("127.0.0.1", port, ROLE, PASSWORD, DBNAME, admin)
            with server.admin_connect() as conn:
                conn.execute(f"CREATE ROLE {ROLE} LOGIN PASSWORD '{PASSWORD}'")
                conn.execute(f"CREATE DATABASE {DBNAME} OWNER {ROLE}")
            with server.admin_connect(DBNAME) as conn:
                conn.execute("CREATE EXTENSION postgis")
        except (RuntimeError, OSError, subprocess.SubprocessError, psycopg.Error) as err:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            _unavailable(f"cannot start a PostgreSQL server: {err} {tail}")
        yield server
    finally:
        if started:
            subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                            "stop"], capture_output=True, timeout=60, check=False)
        shutil.rmtree(root, ignore_errors=True)
