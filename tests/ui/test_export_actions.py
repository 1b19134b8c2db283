"""Exports from the pages: the customer list as shown, to .xlsx, in the background; templates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox

from services.customer_query import CustomerFilter
from services.customers import CustomerInput, create_customer


@pytest.fixture
def customers(ctx):
    with ctx.session() as session:
        for name, phone, city in (("张丽", "13800138000", "杭州"), ("王芳", "13900139000", "上海"),
                                  ("李娜", "13700137000", "杭州")):
            create_customer(session, CustomerInput(remark_name=name, phone=phone, city=city))


@pytest.fixture(autouse=True)
def _close_notes(qapp):
    yield
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "savedNote":
            widget.close()


def sheet_rows(path: Path) -> list[list[object]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def saved_note() -> QMessageBox:
    notes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "savedNote" and w.isVisible()]
    assert len(notes) == 1
    return notes[0]


def test_export_writes_the_listed_customers_and_says_so(qtbot, ctx, customers, tmp_path, monkeypatch):
    from ui.excel.export_actions import export_customer_list

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    target = tmp_path / "导出" / "客户.xlsx"
    target.parent.mkdir()
    with qtbot.waitSignal(ctx.status_message, timeout=5000) as status:
        op = export_customer_list(ctx, None, CustomerFilter(), ["remark_name", "phone"], "remark_name", False,
                                  path=target)
    assert op is not None
    assert status.args == ["已导出 3 位客户到 客户.xlsx"]
    rows = sheet_rows(target)
    assert len(rows) == 1 + 3
    assert rows[0][:2] == ["备注名", "手机"]
    assert "标签" in rows[0] and "累计消费" in rows[0]  # what a re-import needs is always there
    assert {r[1] for r in rows[1:]} == {"13800138000", "13900139000", "13700137000"}  # phones as text

    note = saved_note()
    folder_button = next(b for b in note.buttons() if b.text() == "打开文件夹")
    folder_button.click()
    assert opened == [QUrl.fromLocalFile(str(target.parent))]
    assert not note.isVisible()


def test_export_follows_the_filter(qtbot, ctx, customers, tmp_path):
    from ui.excel.export_actions import export_customer_list

    target = tmp_path / "王.xlsx"
    with qtbot.waitSignal(ctx.status_message, timeout=5000):
        export_customer_list(ctx, None, CustomerFilter(text="王芳"), None, path=target)
    assert [r[0] for r in sheet_rows(target)] == ["备注名", "王芳"]
    saved_note().close()


def test_the_customer_page_exports_what_it_shows(qtbot, ctx, customers, tmp_path):
    from ui.customers.page import CustomersPage
    from ui.excel.export_actions import export_shown_customers

    page = CustomersPage(ctx)
    qtbot.addWidget(page)
    page.show()
    header = page.table.horizontalHeader()
    source = [c.key for c in page.model.columns].index("source")
    header.setSectionHidden(source, True)  # the seller hid 来源
    page.set_search_text("王芳")
    target = tmp_path / "王芳.xlsx"
    with qtbot.waitSignal(ctx.status_message, timeout=5000):
        export_shown_customers(ctx, page, path=target)
    rows = sheet_rows(target)
    assert [r[0] for r in rows] == ["备注名", "王芳"]
    assert "来源" not in rows[0] and "阶段" in rows[0]
    saved_note().close()


def test_cancelling_the_save_dialog_exports_nothing(ctx, customers, monkeypatch):
    from ui.excel import export_actions

    monkeypatch.setattr(export_actions, "ask_save_path", lambda *_a: None)
    assert export_actions.export_customer_list(ctx, None, CustomerFilter(), None) is None


def test_cancel_during_the_export_is_only_noted(qtbot, ctx, customers, tmp_path, monkeypatch):
    import services.excel.export as export
    from services.errors import UserError
    from ui.excel.export_actions import export_customer_list

    def slow_export(*_args, progress, cancelled, **_options):
        progress.__self__.cancel()  # the user pressed 取消 in the progress dialog
        assert cancelled()
        raise UserError("已取消导出")

    monkeypatch.setattr(export, "export_customers", slow_export)
    with qtbot.waitSignal(ctx.status_message, timeout=5000) as status:
        export_customer_list(ctx, None, CustomerFilter(), None, path=tmp_path / "x.xlsx")
    assert status.args == ["已取消导出"]
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def test_the_default_name_is_dated_and_never_overwrites(tmp_path):
    from ui.excel.export_actions import default_path

    today = date.today().isoformat()
    assert default_path(f"客户-{today}", tmp_path) == tmp_path / f"客户-{today}.xlsx"
    (tmp_path / f"客户-{today}.xlsx").write_bytes(b"")
    assert default_path(f"客户-{today}", tmp_path) == tmp_path / f"客户-{today} (2).xlsx"


def test_a_template_is_saved_where_asked(ctx, tmp_path, monkeypatch):
    from ui.excel import export_actions

    target = tmp_path / "客户模板.xlsx"
    monkeypatch.setattr(export_actions, "ask_save_path", lambda *_a: target)
    assert export_actions.export_template(ctx, None, "customers") == target
    assert sheet_rows(target)[0][0] == "备注名"
    saved_note().close()


def test_the_customer_page_button_offers_import_export_and_history(qtbot, ctx):
    from ui.customers.page import CustomersPage
    from ui.excel.export_actions import customers_excel_button

    page = CustomersPage(ctx)
    qtbot.addWidget(page)
    button = customers_excel_button(ctx, page)
    qtbot.addWidget(button)
    texts = [a.text() for a in button.menu().actions()]
    assert texts[0] == "导入客户…"
    assert "导出当前列表…" in texts and "导入记录（撤销导入）…" in texts
    templates = next(a.menu() for a in button.menu().actions() if a.text() == "下载导入模板")
    assert [a.text() for a in templates.actions()] == ["客户", "笔记", "购买记录", "跟进", "转介绍"]


def test_a_pages_kind_is_exported_from_its_excel_menu(qtbot, ctx, tmp_path, monkeypatch):
    """The 话术素材 page's Excel menu: 导出话术… writes every script, then says where."""
    from services.library import load_starter_scripts, script_count
    from ui.excel import export_actions
    from ui.library.page import LibraryPage

    with ctx.session() as s:
        load_starter_scripts(s)
        scripts = script_count(s)
    target = tmp_path / "话术.xlsx"
    monkeypatch.setattr(export_actions, "ask_save_path", lambda *_a: target)
    page = LibraryPage(ctx)
    qtbot.addWidget(page)
    menu = page.tabs.cornerWidget().menu()
    texts = [a.text() for a in menu.actions()]
    assert texts[:2] == ["导出话术…", "导出素材…"]
    menu.actions()[0].trigger()
    qtbot.waitUntil(lambda: saved_note() is not None and target.exists(), timeout=10_000)
    assert len(sheet_rows(target)) == 1 + scripts
