"""团队模式: the detail pane's save when someone else saved the same customer meanwhile.

"Someone else" is a second connection to the store saving through the service, as another KeBen on
the same PostgreSQL server would.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from models.db import Database
from services.customers import CustomerInput, create_customer, custom_values, get_customer, update_customer


@pytest.fixture
def shown(qtbot, ctx):
    from ui.customers.detail import CustomerDetail

    with ctx.session() as session:
        customer_id = create_customer(session, CustomerInput(remark_name="张丽", city="杭州")).id
    widget = CustomerDetail(ctx)
    qtbot.addWidget(widget)
    widget.show()
    widget.show_customer(customer_id)
    widget.tabs.setCurrentIndex(1)
    return widget


def someone_else_sets_city(ctx, customer_id: int, city: str) -> None:
    other = Database(ctx.store.db.url)
    try:
        with other.session() as session:
            customer = get_customer(session, customer_id)
            data = CustomerInput.of(customer, custom_values(session, customer_id))
            data.city = city
            update_customer(session, customer_id, data)
    finally:
        other.dispose()


def answer(monkeypatch, button: str) -> list[str]:
    asked: list[str] = []

    def press(box: QMessageBox) -> int:
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == button).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", press)
    return asked


def save_city(qtbot, shown, city: str) -> None:
    shown.form.city.setText(city)
    qtbot.keyClick(shown.form.city, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def stored_city(ctx, customer_id: int) -> str:
    with ctx.session() as session:
        return get_customer(session, customer_id).city


def test_reload_shows_the_other_edit_and_drops_mine(qtbot, ctx, shown, monkeypatch):
    customer_id = shown.current_customer_id()
    someone_else_sets_city(ctx, customer_id, "上海")
    asked = answer(monkeypatch, "重新载入")
    save_city(qtbot, shown, "苏州")
    assert len(asked) == 1 and "“张丽”的资料在你打开之后已被别人修改" in asked[0]
    assert stored_city(ctx, customer_id) == "上海"
    assert shown.form.city.text() == "上海" and not shown.is_dirty()

    save_city(qtbot, shown, "苏州")  # after reloading, my next save is no conflict
    assert len(asked) == 1 and stored_city(ctx, customer_id) == "苏州"


def test_overwrite_saves_mine_over_theirs(qtbot, ctx, shown, monkeypatch):
    customer_id = shown.current_customer_id()
    someone_else_sets_city(ctx, customer_id, "上海")
    asked = answer(monkeypatch, "覆盖")
    save_city(qtbot, shown, "苏州")
    assert len(asked) == 1
    assert stored_city(ctx, customer_id) == "苏州" and not shown.is_dirty()


def test_cancel_keeps_my_edit_unsaved(qtbot, ctx, shown, monkeypatch):
    customer_id = shown.current_customer_id()
    someone_else_sets_city(ctx, customer_id, "上海")
    answer(monkeypatch, "取消")
    save_city(qtbot, shown, "苏州")
    assert stored_city(ctx, customer_id) == "上海"
    assert shown.form.city.text() == "苏州" and shown.is_dirty()
