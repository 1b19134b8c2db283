"""Backups in 团队模式: pg_dump when it is there, else the full workbook, and the message says which.

These need the store on PostgreSQL: they run in the PostgreSQL pass (`make pytest-pg`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from main import main
from services import backup_server
from services.customers import CustomerInput, create_customer
from services.store import Store
from tests.pg import on_postgres

pytestmark = pytest.mark.skipif(not on_postgres(), reason="needs the PostgreSQL pass (make pytest-pg)")


@pytest.fixture
def team_store(store: Store) -> Store:
    with store.db.session() as session:
        create_customer(session, CustomerInput(remark_name="张丽", phone="13800138000"))
    return store


def test_pg_dump_backs_the_server_up_into_the_backups_folder(team_store: Store) -> None:
    assert backup_server.find_pg_dump() is not None  # Debian's postgresql package (scripts/linux-deps.sh)
    backup = team_store.backup("manual")
    assert backup.method == "pg_dump"
    assert backup.path.parent == team_store.data_dir.backups and backup.path.suffix == ".dump"
    assert backup.path.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format, for pg_restore
    assert "pg_dump" in backup_server.backup_message(backup)
    assert not list(team_store.data_dir.backups.glob("*.partial"))


def test_without_pg_dump_the_whole_book_is_exported_and_the_message_says_so(
        team_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup_server, "find_pg_dump", lambda: None)
    backup = team_store.backup("manual")
    assert backup.method == "excel" and backup.path.suffix == ".xlsx"
    book = load_workbook(backup.path, read_only=True)  # read-only keeps the file open until closed
    try:
        rows = list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()
    assert any("张丽" in [str(c) for c in row] for row in rows)
    message = backup_server.backup_message(backup)
    assert "没有可用的 pg_dump" in message and "Excel" in message


def test_a_failing_pg_dump_falls_back_to_the_workbook(team_store: Store, monkeypatch: pytest.MonkeyPatch,
                                                       tmp_path: Path) -> None:
    broken = tmp_path / "pg_dump"
    broken.write_text("#!/bin/sh\necho 'pg_dump: error: server version mismatch' >&2\nexit 1\n")
    broken.chmod(0o755)
    monkeypatch.setattr(backup_server, "find_pg_dump", lambda: str(broken))
    backup = team_store.backup("manual")
    assert backup.method == "excel" and backup.path.is_file()
    assert not list(team_store.data_dir.backups.glob("*.dump*"))


def test_backup_command_in_team_mode_names_the_method(team_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(team_store.data_dir.root)
    team_store.close()  # the command opens the store itself
    assert main(["--data-dir", folder, "backup", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["method"] == "pg_dump" and Path(payload["file"]).is_file()
    assert main(["--data-dir", folder, "backup"]) == 0
    assert "已用 pg_dump 备份服务器上的数据库" in capsys.readouterr().out
