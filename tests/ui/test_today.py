"""The Today page: a welcome on an empty store, then the follow-ups due, done and snoozed."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from services.customers import CustomerInput, create_customer
from services.timeline import save_follow_up
from services.today import due_follow_ups


@pytest.fixture
def today_page(qtbot, ctx):
    from ui.today import TodayPage

    page = TodayPage(ctx)
    qtbot.addWidget(page)
    page.show()
    return page


def rows(page) -> list[tuple[str, str]]:
    found = []
    for g in range(page.tree.topLevelItemCount()):
        group = page.tree.topLevelItem(g)
        for c in range(group.childCount()):
            found.append((group.text(0).split("（")[0], group.child(c).text(0)))
    return found


def test_empty_store_shows_the_welcome_with_demo_offer(today_page):
    assert today_page.stack.currentWidget() is today_page.welcome
    assert "欢迎使用客本" in today_page.welcome.title.text()
    assert "演示数据" in today_page.demo_button.text()


def test_follow_ups_grouped_overdue_today_and_coming(qtbot, ctx, today_page):
    today = date.today()
    with ctx.session() as s:
        a = create_customer(s, CustomerInput(remark_name="张丽")).id
        b = create_customer(s, CustomerInput(remark_name="王芳")).id
        c = create_customer(s, CustomerInput(remark_name="李娜")).id
        save_follow_up(s, a, today - timedelta(days=2), "回访使用感受")
        save_follow_up(s, b, today, "新品到货通知")
        save_follow_up(s, c, today + timedelta(days=30), "太远，不显示")
    ctx.customers_changed.emit([])
    assert today_page.stack.currentWidget() is today_page.board
    assert rows(today_page) == [("逾期", "张丽"), ("今天", "王芳")]
    assert today_page.tile_values["overdue"].text() == "1"
    assert today_page.tile_values["customers"].text() == "3"


def test_mark_done_with_result_and_snooze(qtbot, ctx, today_page, type_text):
    from ui.today import DoneDialog

    today = date.today()
    with ctx.session() as s:
        a = create_customer(s, CustomerInput(remark_name="张丽")).id
        b = create_customer(s, CustomerInput(remark_name="王芳")).id
        save_follow_up(s, a, today, "回访")
        save_follow_up(s, b, today, "催复购")
        items = due_follow_ups(s, today)
    ctx.customers_changed.emit([])
    first = next(i for i in items if i.customer_name == "张丽")
    dialog = DoneDialog(first, today_page)
    type_text(dialog.result, "说很好用，下月再买")
    dialog.exec = lambda: 1  # the user presses OK
    today_page.mark_done(first, dialog)
    assert [name for _g, name in rows(today_page)] == ["王芳"]

    second = next(i for i in items if i.customer_name == "王芳")
    today_page.snooze(second, today + timedelta(days=3))
    assert rows(today_page) == [("未来 7 天", "王芳")]
    with ctx.session() as s:
        from services.timeline import timeline

        done = [i for i in timeline(s, a) if i.kind == "follow_up"]
        assert done[0].done and "下月再买" in done[0].body
