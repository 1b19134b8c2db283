"""A throwaway PostgreSQL server for the tests' second pass (`KEBEN_TEST_DB=postgres`, `make pytest-pg`).

The server runs from a temp folder (initdb + pg_ctl), on loopback at a free port with its unix socket
in the same folder, with fsync off; it is stopped and deleted when the run ends. Every data folder a
test opens gets its own database, created from a template database migrated once per run (CREATE
DATABASE … TEMPLATE copies files: far faster than running the migrations), dropped after the test.

initdb refuses to run as root: as root the server runs as the unprivileged `postgres` user (made by
Debian's postgresql package, which scripts/linux-deps.sh installs), else as `nobody`.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ENV = "KEBEN_TEST_DB"
TEMPLATE = "keben_template"


def on_postgres() -> bool:
    return os.environ.get(ENV, "").lower() in ("postgres", "postgresql", "pg")


def find_binaries() -> Path:
    """The folder holding initdb and pg_ctl (Debian keeps them off PATH)."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl", path=str(Path(found).resolve().parent)):
        return Path(found).resolve().parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(folder) / "initdb").is_file() and (Path(folder) / "pg_ctl").is_file():
            return Path(folder)
    raise RuntimeError("PostgreSQL's initdb and pg_ctl were not found: run `sh scripts/linux-deps.sh` "
                       "(installs Debian's postgresql package) or put them on PATH")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_user() -> pwd.struct_passwd | None:
    """Whom to run the server as: None (ourselves) unless we are root."""
    if os.getuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError("running as root, and neither a postgres nor a nobody user exists to run PostgreSQL")


class PgServer:
    """One PostgreSQL cluster in a temp folder, started on loopback."""

    def __init__(self, shared_buffers: str = "64MB") -> None:
        self.shared_buffers = shared_buffers
        self.bin = find_binaries()
        self.user = _server_user()
        self.root = Path(tempfile.mkdtemp(prefix="keben-pg-"))
        self.port = 0
        self._counter = 0

    # ---- life ------------------------------------------------------------------------------------

    def _run(self, *argv: str) -> None:
        extra: dict[str, Any] = {}
        if self.user is not None:
            extra = {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}
        env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
        result = subprocess.run(argv, capture_output=True, text=True, env=env, cwd=self.root, timeout=120,
                                **extra)
        if result.returncode != 0:
            log = (self.root / "server.log")
            detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{argv[0]} failed: {result.stderr.strip()}\n{detail}")

    def start(self) -> PgServer:
        if self.user is not None:
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        data = self.root / "data"
        self._run(str(self.bin / "initdb"), "-D", str(data), "-U", "keben", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        for attempt in range(3):
            self.port = _free_port()
            options = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
                       "-c full_page_writes=off -c synchronous_commit=off -c max_connections=200 "
                       f"-c shared_buffers={self.shared_buffers}")
            try:
                self._run(str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(self.root / "server.log"),
                          "-o", options, "-w", "-t", "60", "start")
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        return self

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    # ---- databases -------------------------------------------------------------------------------

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://keben@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="keben", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create(self, template: str | None = TEMPLATE) -> str:
        """A new database (a copy of the migrated template, or empty); its name."""
        self._counter += 1
        name = f"keben_test_{os.getpid()}_{self._counter}"
        # STRATEGY FILE_COPY (PostgreSQL 15+, Debian 12's): copies the template's files, no WAL per page.
        self.admin(f"CREATE DATABASE {name}" + (f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""))
        return name

    def drop(self, name: str) -> None:
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextlib.contextmanager
def running_server(shared_buffers: str = "64MB") -> Iterator[PgServer]:
    server = PgServer(shared_buffers)
    try:
        yield server.start()
    finally:
        server.stop()


class PgStores:
    """data folder → its own test database (made on first use), for `services.store.store_url`."""

    def __init__(self, server: PgServer) -> None:
        self.server = server
        self.databases: dict[str, str] = {}

    def url_for(self, root: Path) -> str:
        key = str(Path(root).resolve())
        if key not in self.databases:
            self.databases[key] = self.server.create()
        return self.server.url(self.databases[key])

    def drop_all(self) -> None:
        for name in self.databases.values():
            self.server.drop(name)
        self.databases.clear()
