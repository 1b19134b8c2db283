"""导入记录: the imports are listed; undo asks, removes what an import added, and asks again when
a customer was edited since."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from models import Customer
from services.excel.engine import ImportOptions, run_import, suggest_mapping

HEADERS = ["客户姓名", "手机号码", "所在城市"]


def import_rows(ctx, file_name: str, *rows: list[object]) -> int:
    with ctx.session() as session:
        mapping = suggest_mapping(session, "customers", HEADERS)
        result = run_import(session, "customers", HEADERS, [(2 + i, list(r)) for i, r in enumerate(rows)],
                            ImportOptions(mapping), file_name=file_name, sheet="Sheet1")
    assert result.batch_id is not None
    return result.batch_id


def imported_earlier(ctx, batch_id: int) -> None:
    """As if the import ran a few minutes ago, so that an edit now is clearly after it (the store's
    timestamps are whole seconds)."""
    from models import ImportBatch

    with ctx.session() as session:
        batch = session.get(ImportBatch, batch_id)
        batch.started_at -= timedelta(minutes=5)
        batch.finished_at -= timedelta(minutes=5)
        for customer in session.scalars(select(Customer).where(Customer.import_batch_id == batch_id)):
            customer.created_at -= timedelta(minutes=5)
            customer.updated_at -= timedelta(minutes=5)
        session.commit()


def live_names(ctx) -> set[str]:
    with ctx.session() as session:
        return set(session.scalars(select(Customer.remark_name).where(Customer.deleted_at.is_(None))))


def answering(monkeypatch, *answers: bool) -> list[str]:
    asked: list[str] = []
    replies = iter(answers)
    monkeypatch.setattr("ui.excel.history.confirm", lambda _p, _t, text, _ok=None: asked.append(text) or next(replies))
    return asked


@pytest.fixture
def open_history(qtbot, ctx):
    def make():
        from ui.excel.history import ImportHistoryDialog

        dialog = ImportHistoryDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


def row_texts(dialog, row: int) -> list[str]:
    return [dialog.table.item(row, c).text() for c in range(dialog.table.columnCount())]


def test_no_imports_yet(open_history):
    dialog = open_history()
    assert dialog.stack.currentWidget() is dialog.empty
    assert not dialog.undo_button.isEnabled()


def test_imports_are_listed_newest_first(ctx, open_history):
    import_rows(ctx, "老客户.xlsx", ["张丽", "13800138000", "杭州"], ["王芳", "13900139000", "上海"])
    import_rows(ctx, "新客户.csv", ["李娜", "13700137000", "苏州"], ["张丽", "13800138000", "宁波"])
    dialog = open_history()
    assert dialog.table.rowCount() == 2
    newest = row_texts(dialog, 0)
    assert newest[1:6] == ["客户", "新客户.csv · Sheet1", "1", "1", "0"]
    assert newest[6] == "完成"
    assert row_texts(dialog, 1)[2:4] == ["老客户.xlsx · Sheet1", "2"]
    assert dialog.undo_button.isEnabled()


def test_undo_removes_what_the_import_added(qtbot, ctx, open_history, monkeypatch):
    import_rows(ctx, "老客户.xlsx", ["张丽", "13800138000", "杭州"])
    import_rows(ctx, "新客户.xlsx", ["李娜", "13700137000", "苏州"], ["王芳", "13900139000", "上海"])
    asked = answering(monkeypatch, True)
    dialog = open_history()
    with qtbot.waitSignal(ctx.customers_changed, timeout=5000) as changed:
        qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row_texts(dialog, 0)[6] == "已撤销")
    assert changed.args == [[]]
    assert "新客户.xlsx" in asked[0]
    assert live_names(ctx) == {"张丽"}
    assert not dialog.undo_button.isEnabled()  # an undone import cannot be undone twice
    dialog.table.selectRow(1)
    assert dialog.undo_button.isEnabled()


def test_saying_no_changes_nothing(qtbot, ctx, open_history, monkeypatch):
    import_rows(ctx, "老客户.xlsx", ["张丽", "13800138000", "杭州"])
    answering(monkeypatch, False)
    dialog = open_history()
    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    assert live_names(ctx) == {"张丽"}
    assert row_texts(dialog, 0)[6] == "完成"


def test_an_edited_customer_is_named_and_asked_about_again(qtbot, ctx, open_history, monkeypatch):
    from services.timeline import save_note

    imported_earlier(ctx, import_rows(ctx, "老客户.xlsx", ["张丽", "13800138000", "杭州"], ["王芳", "13900139000", "上海"]))
    with ctx.session() as session:
        wf = session.scalar(select(Customer.id).where(Customer.remark_name == "王芳"))
        save_note(session, wf, "喜好", "导入以后加的笔记")
    asked = answering(monkeypatch, True, True)
    dialog = open_history()
    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row_texts(dialog, 0)[6] == "已撤销", timeout=5000)
    assert len(asked) == 2
    assert "王芳" in asked[1] and "张丽" not in asked[1]
    assert live_names(ctx) == set()


def test_declining_the_second_question_keeps_everything(qtbot, ctx, open_history, monkeypatch):
    from services.timeline import save_note

    imported_earlier(ctx, import_rows(ctx, "老客户.xlsx", ["王芳", "13900139000", "上海"]))
    with ctx.session() as session:
        save_note(session, session.scalar(select(Customer.id)), "喜好", "后来加的")
    asked = answering(monkeypatch, True, False)
    dialog = open_history()
    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(asked) == 2, timeout=5000)
    assert live_names(ctx) == {"王芳"}
    assert row_texts(dialog, 0)[6] == "完成"
