"""Shared fixtures: every test runs with a temporary home and data folder, Qt offscreen.

`data_dir`, `store` and `session` give a migrated store in a temp folder; UI tests add pytest-qt's
`qtbot` on top. With KEBEN_TEST_DB=postgres (`make pytest-pg`) every data folder a test opens works
on its own database of a PostgreSQL server the run starts itself (tests/pg.py), and tests marked
`sqlite_only` are skipped.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt

import logging  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from models.db import sqlite_url  # noqa: E402
from services.paths import DataDir  # noqa: E402
from services.store import Store, open_store  # noqa: E402
from tests.pg import TEMPLATE, PgServer, PgStores, on_postgres, running_server  # noqa: E402


def pytest_runtest_setup(item: pytest.Item) -> None:
    marker = item.get_closest_marker("sqlite_only")
    if marker is not None and on_postgres():
        pytest.skip(marker.args[0] if marker.args else "SQLite only")


@pytest.fixture(scope="session")
def _pg_server() -> Iterator[PgServer]:
    """The run's PostgreSQL server, with the template database every test's database copies."""
    with running_server() as server:
        server.admin(f"CREATE DATABASE {TEMPLATE}")
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            _quietly(lambda: open_store(DataDir.at(folder), server.url(TEMPLATE)).close())
        yield server


@pytest.fixture(autouse=True)
def _pg_stores(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """On PostgreSQL: each data folder opened without a URL gets a fresh database (dropped after)."""
    if not on_postgres():
        yield
        return
    import services.store

    stores = PgStores(request.getfixturevalue("_pg_server"))

    def store_url(data_dir: DataDir, database_url: str | None = None) -> str:
        if database_url and database_url.strip() != services.store.LOCAL:
            return database_url.strip()
        if database_url is not None:  # `local`: the data folder's own file, as in the app
            return sqlite_url(data_dir.database)
        return stores.url_for(data_dir.root)

    monkeypatch.setattr(services.store, "store_url", store_url)
    yield
    stores.drop_all()


def _quietly(action: Callable[[], None]) -> None:
    """Run `action`, dropping the log handlers the stores it opens add (the tests' stores log to their own)."""
    logger = logging.getLogger("keben")
    before = list(logger.handlers)
    try:
        action()
    finally:
        for handler in [h for h in logger.handlers if h not in before]:
            logger.removeHandler(handler)
            handler.close()


@pytest.fixture(autouse=True)
def _temp_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No test may read or write the real home folder (settings, data, caches)."""
    home = tmp_path / "home"
    for name, path in (("HOME", home), ("XDG_DATA_HOME", home / ".local" / "share"),
                       ("XDG_CONFIG_HOME", home / ".config"), ("XDG_CACHE_HOME", home / ".cache")):
        path.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(path))
    return home


@pytest.fixture(autouse=True)
def _close_log_handlers() -> Iterator[None]:
    """Each store logs into its own data folder: drop the handlers a test's store added."""
    logger = logging.getLogger("keben")
    before = list(logger.handlers)
    yield
    for handler in [h for h in logger.handlers if h not in before]:
        logger.removeHandler(handler)
        handler.close()


@pytest.fixture
def data_dir(tmp_path: Path) -> DataDir:
    return DataDir.at(tmp_path / "data")


@pytest.fixture(scope="session")
def _migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty store migrated to the newest schema once per run: the stores of the tests start as
    copies of it (running every migration for each test would double the suite's time)."""
    folder = DataDir.at(tmp_path_factory.mktemp("migrated") / "data")
    _quietly(lambda: open_store(folder, "local").close())
    return folder.database


def fresh_store(data_dir: DataDir, template: Path) -> Store:
    """open_store on a new data folder, its database a copy of the migrated template (on PostgreSQL,
    of the template database)."""
    import shutil

    if not data_dir.database.exists() and not on_postgres():
        data_dir.ensure()
        shutil.copyfile(template, data_dir.database)
        data_dir.database.chmod(0o600)
    return open_store(data_dir)


@pytest.fixture
def store(data_dir: DataDir, _migrated_database: Path) -> Iterator[Store]:
    opened = fresh_store(data_dir, _migrated_database)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def session(store: Store) -> Iterator[Session]:
    with store.db.session() as db_session:
        yield db_session
