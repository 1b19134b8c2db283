"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from models import Base
from models.db import Database, current_revision, head_revision, migrate, sqlite_url
from services.store import Store

FTS_TABLES = ("customer_fts", "note_fts")


def _is_fts(diff: Any) -> bool:
    """FTS5 virtual tables and their shadow tables live only in the migration."""
    return diff[0] == "remove_table" and diff[1].name.startswith(FTS_TABLES)


def test_migration_head_matches_the_models(store: Store) -> None:
    with store.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        diffs = [d for d in compare_metadata(context, Base.metadata) if not _is_fts(d)]
    assert diffs == []


def test_search_tables_exist(store: Store) -> None:
    tables = set(inspect(store.db.engine).get_table_names())
    assert set(FTS_TABLES) <= tables
    assert set(Base.metadata.tables) <= tables


def test_migrating_twice_is_harmless(tmp_path: Any) -> None:
    db = Database(sqlite_url(tmp_path / "keben.db"))
    try:
        assert current_revision(db.engine) is None
        migrate(db)
        migrate(db)
        assert current_revision(db.engine) == head_revision()
    finally:
        db.dispose()


def test_schema_revision_constant_is_alembics_head() -> None:
    """A store at SCHEMA_REVISION skips Alembic on start: the constant must follow new migrations."""
    from models.db import SCHEMA_REVISION, head_revision

    assert head_revision() == SCHEMA_REVISION
