"""Errors the computer, not the seller, causes — a file that vanished after it was chosen, a drive that
went away, a full disk during a bulk edit, an export folder that cannot be written — each provoked,
each a clear Chinese message naming what and where, and nothing written.

(Already covered elsewhere: a full disk during an import and a read-only database —
tests/test_cli_backup.py; a full or read-only backup folder — tests/services/test_backup.py; an
export target open in Excel and a full disk on saving — tests/services/excel/test_export.py; an
import file locked by Excel — tests/services/excel/test_reader.py; an unwritable data folder —
tests/services/test_store.py.)
"""

from __future__ import annotations

import errno
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

import main
from models import Customer, CustomerTag, FollowUp
from services.customers import bulk_set_follow_up
from services.errors import UserError
from services.excel.reader import best_sheet, open_spreadsheet
from services.store import Store, explain_database_error
from services.tags import add_tag, save_group, save_tag

CSV = "姓名,手机\r\n张丽,13800138000\r\n王芳,13912345678\r\n"


# ---- the import file ---------------------------------------------------------------------------------------

def test_an_import_file_deleted_after_it_was_chosen_is_said_so(tmp_path: Path) -> None:
    """The wizard opens the file when it is chosen and reads its rows a step later: a CSV deleted in
    between (or on a USB stick pulled out) is told in Chinese, never with the system's English."""
    path = tmp_path / "老客户.csv"
    path.write_text(CSV, encoding="utf-8")
    with open_spreadsheet(path) as book:
        sheet, header_row = best_sheet(book, "customers")
        path.unlink()
        with pytest.raises(UserError) as raised:
            headers, rows, _approx = book.iter_table(sheet, header_row)
            list(rows)
    message = raised.value.message
    assert "找不到文件“老客户.csv”" in message and "已被移动、改名或删除" in message
    assert "No such file" not in message


def test_a_drive_that_went_away_is_said_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "U盘客户.csv"
    path.write_text(CSV, encoding="utf-8")

    def gone(self: Path, *args: object, **kwargs: object) -> object:
        raise OSError(errno.EIO, "Input/output error", str(self))

    monkeypatch.setattr(Path, "open", gone)
    with pytest.raises(UserError, match="无法读取文件“U盘客户.csv”：读取磁盘出错（U盘或网络盘可能已断开）"):
        open_spreadsheet(path)


# ---- a full disk during a bulk edit -----------------------------------------------------------------------

def _disk_full_from_now(store: Store) -> None:
    """Every connection the store hands out from now on may not grow the file (SQLite's own
    SQLITE_FULL, "database or disk is full", as on a full disk)."""
    def checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        cursor = dbapi_connection.cursor()
        pages = cursor.execute("PRAGMA page_count").fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    store.db.engine.dispose()  # the pooled connections are opened again, through the hook
    event.listen(store.db.engine.pool, "checkout", checkout)


@pytest.fixture
def many(store: Store, session: Session) -> tuple[list[int], int]:
    """5,000 customers and a tag none of them has."""
    session.execute(insert(Customer), [{"remark_name": f"客户{i}"} for i in range(5000)])
    session.commit()
    tag_id = save_tag(session, save_group(session, "活动"), "圣诞礼盒")
    return list(session.scalars(select(Customer.id))), tag_id


@pytest.mark.sqlite_only("SQLite's max_page_count stands in for the full disk")
@pytest.mark.parametrize("edit", ["tag", "follow-up"])
def test_a_full_disk_during_a_bulk_edit_is_a_clear_message_and_writes_nothing(
        store: Store, many: tuple[list[int], int], edit: str) -> None:
    ids, tag_id = many
    _disk_full_from_now(store)
    with store.db.session() as session, pytest.raises(OperationalError) as raised:
        if edit == "tag":
            add_tag(session, ids, tag_id)
        else:
            bulk_set_follow_up(session, ids, date(2026, 12, 24), "圣诞回访")
    told = explain_database_error(raised.value, store.database_file)
    assert told is not None  # what the GUI's error box and the command line show
    assert "磁盘已满，没有保存" in told.message and str(store.database_file.parent) in told.message
    with store.db.session() as session:
        assert session.scalar(select(func.count()).select_from(CustomerTag)) == 0
        assert session.scalar(select(func.count()).select_from(FollowUp)) == 0
        assert session.scalar(select(func.count()).where(Customer.next_follow_up_on.is_not(None))) == 0


# ---- an export folder that cannot be written --------------------------------------------------------------

def test_an_export_into_a_read_only_folder_is_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """(The tests run as any user, root included, for whom chmod does not forbid: the folder refuses
    through os.open, as a read-only folder or a Windows folder the user may not write to does.)"""
    locked = tmp_path / "只读"
    locked.mkdir()
    real_open = os.open

    def refusing(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(path).parent == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing)
    code = main.main(["--data-dir", str(tmp_path / "data"), "export", "--kind", "customers",
                      "--out", str(locked / "客户.xlsx")])
    _out, err = capsys.readouterr()
    assert code == 2
    assert f"没有权限在文件夹“{locked}”里保存文件，请换个位置" in err and err.strip().count("\n") == 0
    assert list(locked.iterdir()) == []
