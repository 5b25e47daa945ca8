"""A throwaway PostgreSQL server with PostGIS, started in a temporary folder.

Used by ``tests/test_database.py`` (a session fixture) and
``benchmarks/bench_database.py``. It runs Debian's ``postgresql-15`` binaries
(``initdb`` and ``postgres``) on a free TCP port on 127.0.0.1 and a Unix socket
in the folder, with password (SCRAM) authentication for every connection. As
root, the server runs as the ``postgres`` user (or ``nobody``): PostgreSQL
refuses to run as root.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

#: Where Debian puts the server binaries; ``PG_BINDIR`` overrides.
BINDIR_CANDIDATES = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin",
                     "/usr/lib/postgresql/17/bin")
USER = "kent"
DBNAME = "estate"


def find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``postgres``, or ``None``."""
    candidates = [os.environ.get("PG_BINDIR", ""), *BINDIR_CANDIDATES]
    for folder in candidates:
        if folder and (Path(folder) / "initdb").is_file() and (Path(folder) / "postgres").is_file():
            return Path(folder)
    return None


def missing_reason() -> str | None:
    """Why a server cannot be started here (``None`` when it can)."""
    bindir = find_bindir()
    if bindir is None:
        return ("PostgreSQL server binaries not found (apt-get install postgresql-15 "
                "postgresql-15-postgis-3, or set PG_BINDIR)")
    sharedir = subprocess.run([str(bindir / "pg_config"), "--sharedir"], capture_output=True,
                              text=True, check=False).stdout.strip()
    if not (Path(sharedir) / "extension" / "postgis.control").is_file():
        return "the PostGIS extension is not installed (apt-get install postgresql-15-postgis-3)"
    try:
        import geoalchemy2  # noqa: F401
        import psycopg  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError:
        return "the database drivers are not installed: pip install -e '.[postgis]'"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run_as() -> tuple[list[str], int | None, int | None]:
    """The command prefix, uid and gid to run the server as (root may not run it)."""
    if os.geteuid() != 0:
        return [], None, None
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return ["runuser", "-u", name, "--"], entry.pw_uid, entry.pw_gid
    raise RuntimeError("running as root and neither a postgres nor a nobody user exists")


@dataclass
class PostgisServer:
    """A running server: ``url`` connects as the superuser ``kent`` to ``estate``."""

    root: Path
    port: int
    password: str
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        """The URL with the password in it (what a user might write)."""
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{DBNAME}"

    @property
    def url_without_password(self) -> str:
        """The URL without a password (PGPASSWORD or a pgpass file gives it)."""
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{DBNAME}"

    def execute(self, *statements: str) -> list[tuple[object, ...]]:
        """Run statements (autocommit) and return the last one's rows."""
        import psycopg

        rows: list[tuple[object, ...]] = []
        with psycopg.connect(self.url, autocommit=True) as conn:
            for statement in statements:
                cursor = conn.execute(statement)  # type: ignore[call-overload]
                rows = cursor.fetchall() if cursor.description else []
        return rows

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgis(*, password: str = "Kent-Estate-s3cret!") -> PostgisServer:
    """Initialise a cluster in a new temporary folder, start it and create ``estate``
    with PostGIS. Raises ``RuntimeError`` (with the server log) when it does not start."""
    bindir = find_bindir()
    assert bindir is not None, missing_reason()
    prefix, uid, gid = _run_as()
    root = Path(tempfile.mkdtemp(prefix="kentassets-pg-"))
    secret = root / "password"
    secret.write_text(password + "\n")
    if uid is not None and gid is not None:
        for path in (root, secret):
            os.chown(path, uid, gid)
    subprocess.run(
        [*prefix, str(bindir / "initdb"), "-D", str(root / "data"), "-U", USER,
         f"--pwfile={secret}", "-A", "scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8",
         "--no-sync"],
        check=True, capture_output=True,
    )
    port = _free_port()
    log = open(root / "server.log", "wb")  # noqa: SIM115 - the server writes it until stopped
    process = subprocess.Popen(
        [*prefix, str(bindir / "postgres"), "-D", str(root / "data"), "-p", str(port),
         "-k", str(root), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
         "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    server = PostgisServer(root=root, port=port, password=password, process=process)
    _wait_ready(server)
    admin = server.url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {DBNAME}")  # type: ignore[arg-type]
    server.execute("CREATE EXTENSION postgis")
    return server


def _wait_ready(server: PostgisServer, *, timeout_s: float = 60.0) -> None:
    import psycopg

    deadline = time.monotonic() + timeout_s
    admin = server.url.rsplit("/", 1)[0] + "/postgres"
    while True:
        if server.process.poll() is not None:
            break
        try:
            psycopg.connect(admin, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
    log = (server.root / "server.log").read_text(errors="replace")
    server.stop()
    raise RuntimeError(f"PostgreSQL did not start:\n{log}")
