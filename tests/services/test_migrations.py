"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from models import Base
from models.db import Database, current_revision, head_revision, migrate, sqlite_url
from services.store import Store

FTS_TABLES = ("customer_fts", "note_fts")
PG_TAG_UNIQUE = ("uq_tag_group_name", "uq_tag_group_id_name")


def _is_fts(diff: Any) -> bool:
    """FTS5 virtual tables and their shadow tables (SQLite), the pg_trgm and bigram indexes and tag's
    renamed unique constraint (PostgreSQL, see 0001_initial_schema and 0008) live only in the migrations."""
    if diff[0] == "remove_table":
        return bool(diff[1].name.startswith(FTS_TABLES))
    if diff[0] == "remove_index":
        return bool(diff[1].name.endswith(("_trgm", "_bigrams")))
    return diff[0] in ("add_constraint", "remove_constraint") and diff[1].name in PG_TAG_UNIQUE


def test_migration_head_matches_the_models(store: Store) -> None:
    with store.db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        diffs = [d for d in compare_metadata(context, Base.metadata) if not _is_fts(d)]
    assert diffs == []


def test_search_tables_exist(store: Store) -> None:
    inspector = inspect(store.db.engine)
    tables = set(inspector.get_table_names())
    assert set(Base.metadata.tables) <= tables
    if store.db.is_sqlite:
        assert set(FTS_TABLES) <= tables
    else:  # PostgreSQL: substring search through pg_trgm indexes
        indexes = {i["name"] for table in ("customer", "note") for i in inspector.get_indexes(table)}
        assert {"ix_customer_search_trgm", "ix_note_body_trgm", "ix_customer_search_bigrams",
                "ix_note_body_bigrams"} <= indexes


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


# ---- a saved store of every released schema migrates to the newest without losing a row ----------

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "schemas"
RELEASED = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008")


def _rows(path: Path) -> dict[str, tuple[list[str], list[tuple[Any, ...]]]]:
    """Every ordinary table's columns and rows, in rowid order (FTS5 tables left out)."""
    import sqlite3

    from tests.data.make_schemas import data_tables

    conn = sqlite3.connect(path)
    try:
        found = {}
        for table in data_tables(conn):
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            found[table] = (columns, conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall())
        return found
    finally:
        conn.close()


def test_every_released_schema_is_kept_under_tests() -> None:
    from models.db import known_revisions

    # Every migration that lands is a released schema: add it to RELEASED here and in
    # tests/data/make_schemas.py, and run that script to save a filled store of it.
    assert set(RELEASED) == set(known_revisions()), "a new migration: add it to RELEASED and run tests/data/make_schemas.py"
    for revision in RELEASED:
        assert (SCHEMAS / f"keben-{revision}.sqlite").is_file(), revision


@pytest.mark.parametrize("revision", RELEASED)
def test_a_saved_store_of_each_schema_migrates_without_losing_a_row(revision: str, tmp_path: Path) -> None:
    import shutil

    from services.paths import DataDir
    from services.store import open_store

    data_dir = DataDir.at(tmp_path / "data").ensure()
    shutil.copyfile(SCHEMAS / f"keben-{revision}.sqlite", data_dir.database)
    before = _rows(data_dir.database)
    assert before["customer"][1], "the saved store has customers"
    store = open_store(data_dir)
    try:
        assert current_revision(store.db.engine) == head_revision()
    finally:
        store.close()
    after = _rows(data_dir.database)
    for table, (columns, rows) in before.items():
        assert table in after, f"table {table} vanished"
        new_columns, new_rows = after[table]
        assert len(new_rows) == len(rows), f"{table}: {len(rows)} rows before, {len(new_rows)} after"
        kept = [c for c in columns if c in new_columns]
        assert kept == columns, f"{table}: columns lost: {set(columns) - set(new_columns)}"
        old_values = [tuple(row[columns.index(c)] for c in kept) for row in rows]
        new_values = [tuple(row[new_columns.index(c)] for c in kept) for row in new_rows]
        assert new_values == old_values, f"{table}: values changed"
    names = [row[after["customer"][0].index("remark_name")] for row in after["customer"][1]]
    assert names == ["customer·remark_name·1", "customer·remark_name·2", "customer·remark_name·3"]


@pytest.mark.sqlite_only("a saved SQLite store")
def test_the_upgraded_store_is_usable_by_the_app(tmp_path: Path) -> None:
    import shutil

    from sqlalchemy import func, select

    from models import Customer
    from services.customer_query import CustomerFilter, find
    from services.paths import DataDir
    from services.store import open_store

    data_dir = DataDir.at(tmp_path / "data").ensure()
    shutil.copyfile(SCHEMAS / "keben-0001.sqlite", data_dir.database)
    store = open_store(data_dir)
    try:
        with store.db.session() as session:
            assert session.scalar(select(func.count()).select_from(Customer)) == 3
            find(session, CustomerFilter(text="remark"), limit=10)
    finally:
        store.close()


@pytest.mark.sqlite_only("a saved SQLite store")
def test_the_letter_items_of_every_customer_are_filled_when_0007_arrives(tmp_path: Path) -> None:
    """A store saved before 0007 finds its customers by short letters ("zl") straight after upgrading."""
    import shutil
    import sqlite3

    from services.paths import DataDir
    from services.store import open_store
    from services.text import letter_items, search_columns

    data_dir = DataDir.at(tmp_path / "data").ensure()
    shutil.copyfile(SCHEMAS / "keben-0006.sqlite", data_dir.database)
    conn = sqlite3.connect(data_dir.database)
    conn.execute("UPDATE customer SET search_text = ? WHERE id = (SELECT min(id) FROM customer)",
                 (search_columns("张丽", wechat_id="Lily_88", phone="13800138000")["search_text"],))
    conn.commit()
    conn.close()
    store = open_store(data_dir)
    store.close()
    conn = sqlite3.connect(data_dir.database)
    rows = conn.execute("SELECT search_text, search_letters FROM customer ORDER BY id").fetchall()
    conn.close()
    assert rows[0][1] == "\nlily_88\nzhangli\nzl"
    assert all(letters == letter_items(text) for text, letters in rows)
