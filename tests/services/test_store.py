"""Opening the data folder: migration, the one-writer lock, pragmas, clear messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from models.db import current_revision, head_revision
from services.customers import CustomerInput, create_customer, live_count
from services.errors import StoreLockedError, UserError
from services.paths import DataDir, default_data_dir
from services.store import Store, open_store


@pytest.mark.sqlite_only("the data folder's own SQLite file")
def test_opening_an_empty_folder_creates_and_migrates_the_store(data_dir: DataDir) -> None:
    assert not data_dir.root.exists()
    store = open_store(data_dir)
    try:
        assert data_dir.database.is_file()
        assert data_dir.logs.is_dir()
        assert current_revision(store.db.engine) == head_revision()
        with store.db.session() as session:
            assert live_count(session) == 0
    finally:
        store.close()


def test_a_second_writer_is_refused_with_a_chinese_message(store: Store, data_dir: DataDir) -> None:
    with pytest.raises(StoreLockedError) as caught:
        open_store(data_dir)
    assert "客本已经在使用这个数据文件夹" in caught.value.message
    assert str(data_dir.root) in caught.value.message


def test_a_reader_may_open_alongside_the_writer(store: Store, data_dir: DataDir) -> None:
    reader = open_store(data_dir, exclusive=False)
    reader.close()


def test_closing_releases_the_lock(data_dir: DataDir) -> None:
    open_store(data_dir).close()
    open_store(data_dir).close()


@pytest.mark.sqlite_only("SQLite pragmas")
def test_foreign_keys_and_wal_are_on(store: Store) -> None:
    with store.db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def test_customers_survive_reopening(data_dir: DataDir) -> None:
    store = open_store(data_dir)
    with store.db.session() as session:
        create_customer(session, CustomerInput(remark_name="张丽"))
    store.close()
    store = open_store(data_dir)
    try:
        with store.db.session() as session:
            assert live_count(session) == 1
    finally:
        store.close()


def test_a_folder_that_cannot_be_created_is_a_clear_message(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.raises(UserError, match="无法创建数据文件夹"):
        open_store(DataDir.at(blocker / "data"))


@pytest.mark.sqlite_only("a damaged SQLite file")
def test_a_damaged_database_file_is_a_clear_message_and_frees_the_folder(data_dir: DataDir) -> None:
    data_dir.ensure()
    data_dir.database.write_bytes(b"this is not a database" * 100)
    with pytest.raises(UserError, match="无法打开数据库"):
        open_store(data_dir)
    data_dir.database.unlink()
    open_store(data_dir).close()  # the lock was released


def test_default_data_folder_is_under_the_temporary_home(_temp_home: Path) -> None:
    assert default_data_dir().is_relative_to(_temp_home)
