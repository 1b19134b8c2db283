"""The engine and session factory, SQLite pragmas, and migrations applied on open."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from resources import resource_path

# From the source tree or the installed bundle (resources.resource_path; see installer/keben.spec).
MIGRATIONS = resource_path("models", "migrations")
# The newest migration's revision. A store already there opens without loading Alembic (0.3 s);
# tests/services/test_migrations.py checks this equals Alembic's head.
SCHEMA_REVISION = "0008"


class Database:
    """One store: an engine, a session factory, and what kind of server is behind it."""

    def __init__(self, url: str, data_root: Path | None = None) -> None:
        self.url = url
        self.engine = make_engine(url)
        # session.info["data_root"]: the data folder (images, media) also when the rows are on a server.
        self.sessions = sessionmaker(self.engine, expire_on_commit=False,
                                     info={"data_root": data_root} if data_root is not None else None)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def session(self) -> Session:
        return self.sessions()

    def dispose(self) -> None:
        self.engine.dispose()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_engine(url: str) -> Engine:
    # hide_parameters: an error's message (logged with its traceback) never carries customer fields.
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 5, "check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # connect_timeout: a server that cannot be reached is told in seconds, not after minutes.
    connect_args = {"connect_timeout": 10} if url.startswith("postgresql") else {}
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA cache_size=-16384")  # 16 MB page cache per connection
    cursor.close()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    head = script.get_current_head()
    assert head is not None
    return head


def known_revisions() -> frozenset[str]:
    """Every schema revision this version of KeBen knows (from the migration files, no Alembic)."""
    found = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        for line in script.read_text(encoding="utf-8").splitlines():
            if line.startswith("revision = "):
                found.add(line.split("=", 1)[1].strip().strip("'\""))
                break
    return frozenset(found)


def migrate(db: Database) -> None:
    """Bring the schema up to the newest revision (creates it on an empty store)."""
    if current_revision(db.engine) == SCHEMA_REVISION:
        return
    from alembic import command

    config = _alembic_config()
    with db.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config
