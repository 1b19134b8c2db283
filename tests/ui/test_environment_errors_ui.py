"""What the seller sees when the computer gets in the way: the import file deleted while the wizard
is open, and a full disk during a bulk tag of thousands of customers."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, func, insert, select

from models import Customer, CustomerTag
from services.tags import save_group, save_tag
from tests.ui.test_import_wizard import click, customer_sheet, names, to_preview


@pytest.fixture
def wizard(qtbot, ctx):
    from ui.excel.import_wizard import ImportWizard

    widget = ImportWizard(ctx)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_a_file_deleted_between_preview_and_import_still_imports_what_was_previewed(qtbot, ctx, wizard,
                                                                                    tmp_path) -> None:
    """The preview holds every row it showed: the import writes exactly those, file or no file."""
    path = customer_sheet(tmp_path / "老客户.xlsx")
    to_preview(qtbot, wizard, path)
    path.unlink()
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: wizard.run_page.finished)
    assert set(names(ctx)) == {"张丽", "王芳", "李娜", "陈静"}  # 赵磊's phone is one digit short
    assert names(ctx)["张丽"].phone == "13800138000"


def test_a_csv_deleted_before_its_rows_are_read_is_said_so_on_the_page(qtbot, ctx, wizard, tmp_path) -> None:
    from ui.excel.import_wizard import MAPPING, SHEET

    path = tmp_path / "老客户.csv"
    path.write_text("姓名,手机\n张丽,13800138000\n", encoding="utf-8")
    assert wizard.set_file(path)
    click(qtbot, wizard.next_button)
    assert wizard.step() == SHEET
    path.unlink()
    click(qtbot, wizard.next_button)
    note = wizard.sheet_page.empty_note
    qtbot.waitUntil(lambda: note.isVisible() and "找不到文件“老客户.csv”" in note.text())
    assert "已被移动、改名或删除" in note.text() and "No such file" not in note.text()
    assert wizard.step() != MAPPING
    assert names(ctx) == {}


@pytest.mark.sqlite_only("SQLite's max_page_count stands in for the full disk")
def test_a_full_disk_during_a_bulk_tag_is_told_and_tags_no_one(qtbot, ctx, monkeypatch) -> None:
    import ui.customers.page as page_module
    import ui.errors
    from ui.customers.page import BULK_IN_BACKGROUND, CustomersPage

    with ctx.session() as session:
        session.execute(insert(Customer), [{"remark_name": f"客户{i}"} for i in range(BULK_IN_BACKGROUND + 500)])
        session.commit()
        tag_id = save_tag(session, save_group(session, "活动"), "圣诞礼盒")
    page = CustomersPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    shown: list[str] = []
    monkeypatch.setattr(ui.errors.QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    monkeypatch.setattr(page_module, "choose_tag", lambda *_args: tag_id)

    def disk_full(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA max_page_count = {cursor.execute('PRAGMA page_count').fetchone()[0]}")
        cursor.close()

    engine = ctx.store.db.engine
    engine.dispose()
    event.listen(engine.pool, "checkout", disk_full)
    page.table.selectAll()
    page.bulk_tag()
    qtbot.waitUntil(lambda: bool(shown), timeout=20_000)
    assert "磁盘已满，没有保存" in shown[0]
    event.remove(engine.pool, "checkout", disk_full)
    with ctx.session() as session:
        assert session.scalar(select(func.count()).select_from(CustomerTag)) == 0
