"""设置 → 数据与备份: back up now, restore from a backup (then KeBen reopens), clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from services.backup import list_backups
from services.customers import CustomerInput, create_customer, live_count


@pytest.fixture
def section(qtbot, ctx):
    from ui.settings.backups import BackupsSection

    widget = BackupsSection(ctx)
    qtbot.addWidget(widget)
    widget.show()
    return widget


_EARLIER: set = set()  # background ops left by earlier tests (their widgets gone): not this test's


@pytest.fixture(autouse=True)
def _earlier_ops():
    from ui.background import _running

    _EARLIER.clear()
    _EARLIER.update(_running)


def _wait_idle(qtbot) -> None:
    from ui.background import _running

    qtbot.waitUntil(lambda: not (_running - _EARLIER), timeout=20_000)


def test_backup_now_adds_a_row_with_time_reason_and_size(qtbot, ctx, section) -> None:
    with ctx.session() as s:
        create_customer(s, CustomerInput(remark_name="张丽"))
    assert section.table.rowCount() == 0
    assert "还没有备份" in section.summary.text()
    section.backup_now.click()
    qtbot.waitUntil(lambda: section.table.rowCount() == 1, timeout=20_000)
    assert section.table.item(0, 1).text() == "手动"
    assert section.table.item(0, 2).text().endswith("KB")
    assert "共 1 个备份" in section.summary.text()
    assert [b.reason for b in list_backups(ctx.store.data_dir.backups)] == ["manual"]


def test_restore_replaces_the_store_and_asks_keben_to_reopen(qtbot, ctx, section, monkeypatch) -> None:
    import ui.app
    import ui.settings.backups as page

    with ctx.session() as s:
        create_customer(s, CustomerInput(remark_name="张丽"))
    backup = ctx.store.backup()
    with ctx.session() as s:
        create_customer(s, CustomerInput(remark_name="王芳"))
    restarts: list[bool] = []
    monkeypatch.setattr(ui.app, "request_restart", lambda: restarts.append(True))
    monkeypatch.setattr(page.QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    with qtbot.waitSignal(section.restored, timeout=20_000):
        section.restore_file(backup.path, ask=False)
    assert restarts == [True]
    with ctx.session() as s:
        assert live_count(s) == 1
    reasons = sorted(b.reason for b in list_backups(ctx.store.data_dir.backups))
    assert reasons == ["before-restore", "manual"]


def test_restoring_a_file_that_is_not_a_backup_says_why_and_changes_nothing(qtbot, ctx, section, monkeypatch,
                                                                           tmp_path: Path) -> None:
    import ui.errors

    with ctx.session() as s:
        create_customer(s, CustomerInput(remark_name="张丽"))
    shown: list[str] = []
    monkeypatch.setattr(ui.errors.QMessageBox, "warning", lambda _p, _t, text: shown.append(text))
    bogus = tmp_path / "客户名单.xlsx"
    bogus.write_bytes(b"PK\x03\x04 not a database")
    section.restore_file(bogus, ask=False)
    _wait_idle(qtbot)
    assert shown and "客户名单.xlsx" in shown[0] and "不是客本的备份文件" in shown[0]
    with ctx.session() as s:
        assert live_count(s) == 1
    assert list_backups(ctx.store.data_dir.backups) == []


def test_the_restore_dialog_lists_backups_and_returns_the_chosen_one(qtbot, ctx) -> None:
    from ui.settings.backups import RestoreDialog

    with ctx.session() as s:
        create_customer(s, CustomerInput(remark_name="张丽"))
    first = ctx.store.backup()
    dialog = RestoreDialog(list_backups(ctx.store.data_dir.backups))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 3).text() == first.path.name
    dialog.accept()
    assert dialog.chosen == first.path


def test_the_settings_page_has_the_data_section(qtbot, ctx) -> None:
    from ui.settings.page import SettingsPage

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    section = page.show_section("backups")
    assert section is page.backups
    assert str(ctx.store.data_dir.root) in page.backups.folder_label.text()


def test_a_damaged_store_at_start_offers_the_newest_good_backup(qtbot, tmp_path: Path, monkeypatch) -> None:
    from services.paths import DataDir
    from services.store import DamagedStoreError, open_store
    from ui.app import offer_restore

    data_dir = DataDir.at(tmp_path / "damaged")
    store = open_store(data_dir)
    with store.db.session() as s:
        create_customer(s, CustomerInput(remark_name="张丽"))
    store.backup()
    store.close()
    data_dir.database.write_bytes(b"\x00" * 8192)
    with pytest.raises(DamagedStoreError) as caught:
        open_store(data_dir)
    shown: list[str] = []

    def choose_restore(box: QMessageBox) -> int:
        shown.append(box.text())
        next(b for b in box.buttons() if b.text() == "恢复最新的备份").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", choose_restore)
    assert offer_restore(caught.value, data_dir, None)
    assert "已损坏" in shown[0] and caught.value.backup is not None and caught.value.backup.path.name in shown[0]
    store = open_store(data_dir)
    try:
        with store.db.session() as s:
            assert live_count(s) == 1
    finally:
        store.close()


def test_the_daily_check_runs_in_the_background_and_offers_a_restore_when_damaged(qtbot, ctx, monkeypatch) -> None:
    import ui.app
    from services.store import DamagedStoreError
    from ui.settings.backups import BackupsSection

    with ctx.session() as s:
        create_customer(s, CustomerInput(remark_name="张丽"))
    window = BackupsSection(ctx)
    qtbot.addWidget(window)
    ui.app._daily_check_in_background(window, ctx.store)
    _wait_idle(qtbot)
    assert [b.reason for b in list_backups(ctx.store.data_dir.backups)] == ["daily"]

    offered: list[object] = []
    restarts: list[bool] = []
    error = DamagedStoreError("无法打开数据库：文件已损坏", ctx.store.data_dir.database, None)

    def damaged() -> None:
        raise error

    monkeypatch.setattr(ctx.store, "daily_check_and_backup", damaged)
    monkeypatch.setattr(ui.app, "offer_restore", lambda exc, *_a, **_k: offered.append(exc) or True)
    monkeypatch.setattr(ui.app, "request_restart", lambda: restarts.append(True))
    ui.app._daily_check_in_background(window, ctx.store)
    qtbot.waitUntil(lambda: bool(restarts), timeout=20_000)
    assert offered == [error]


def test_a_full_disk_or_damage_met_later_is_told_not_apologised_for(qtbot, monkeypatch) -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    import ui.errors

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(ui.errors.QMessageBox, "warning", lambda _p, title, text: shown.append(("warning", text)))
    monkeypatch.setattr(ui.errors.QMessageBox, "critical", lambda _p, title, text: shown.append(("critical", text)))
    full = OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))
    damaged = OperationalError("SELECT …", {}, sqlite3.DatabaseError("database disk image is malformed"))
    ui.errors.show_error(None, full)
    ui.errors.show_error(None, damaged)
    assert shown[0][0] == "warning" and "磁盘已满" in shown[0][1]
    assert shown[1][0] == "warning" and "数据与备份" in shown[1][1]
