"""The Today page: a welcome on an empty store, then the day's grouped list — done, snoozed, scripts
copied — its date header, figures and keys, and the tray notifier's message."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QGuiApplication

from services.birthday import Birthday
from services.customers import CustomerInput, create_customer
from services.journeys import delete_rule, list_rules
from services.timeline import save_follow_up, save_purchase, timeline


@pytest.fixture
def today_page(qtbot, ctx):
    from ui.today import TodayPage

    page = TodayPage(ctx)
    qtbot.addWidget(page)
    page.show()
    yield page
    QThreadPool.globalInstance().waitForDone(10_000)  # no load may outlive the store


def reload(qtbot, page, day: date | None = None) -> None:
    with qtbot.waitSignal(page.loaded, timeout=10_000):
        page.refresh(day)


def rows(page) -> list[tuple[str, str, str]]:
    """(group, customer, title) of every item row, top to bottom."""
    found = []
    for g in range(page.tree.topLevelItemCount()):
        group = page.tree.topLevelItem(g)
        for c in range(group.childCount()):
            row = group.child(c)
            if row.data(0, Qt.ItemDataRole.UserRole).__class__.__name__ == "TodayItem":
                found.append((group.text(0).split("（")[0], row.text(0), row.text(1)))
    return found


@pytest.fixture
def two_customers(ctx):
    """张丽 (added long ago) with a follow-up due today; 王芳 added today (→ T+0 欢迎)."""
    with ctx.session() as s:
        for rule in list_rules(s):
            if rule.trigger != "added":
                delete_rule(s, rule.id)
        zhang = create_customer(s, CustomerInput(remark_name="张丽", added_on=date.today() - timedelta(days=90))).id
        wang = create_customer(s, CustomerInput(remark_name="王芳")).id
        save_follow_up(s, zhang, date.today(), "回访面霜使用感受")
    return zhang, wang


def test_empty_store_shows_the_welcome_with_demo_offer(today_page):
    assert today_page.stack.currentWidget() is today_page.welcome
    assert "欢迎使用客本" in today_page.welcome.title.text()
    assert "演示数据" in today_page.demo_button.text()


def test_grouped_list_with_counts_and_overdue_in_red(qtbot, ctx, today_page, two_customers):
    zhang, _wang = two_customers
    with ctx.session() as s:
        save_follow_up(s, zhang, date.today() - timedelta(days=3), "问问寿眉喝完没有")
        save_follow_up(s, zhang, date.today() + timedelta(days=1), "明天才到期")
    reload(qtbot, today_page)
    assert today_page.stack.currentWidget() is today_page.board
    heads = [today_page.tree.topLevelItem(i).text(0) for i in range(today_page.tree.topLevelItemCount())]
    assert heads == ["逾期跟进（1）", "今日跟进（1）", "客户SOP（1）"]
    assert rows(today_page) == [("逾期跟进", "张丽", "问问寿眉喝完没有"), ("今日跟进", "张丽", "回访面霜使用感受"),
                                ("客户SOP", "王芳", "T+0 欢迎")]
    overdue_row = today_page.tree.topLevelItem(0).child(0)
    assert overdue_row.foreground(3).color().name() == "#d32f2f"
    assert today_page.tree.topLevelItem(1).child(0).foreground(3).color().name() != "#d32f2f"


def test_mark_done_with_result_logs_on_the_timeline(qtbot, ctx, today_page, two_customers, type_text):
    from ui.today import DoneDialog

    zhang, wang = two_customers
    reload(qtbot, today_page)
    welcome = next(i for i in today_page.result.items if i.customer_name == "王芳")
    dialog = DoneDialog(welcome, today_page.day, today_page)
    type_text(dialog.result, "发了欢迎语，她领了新人券")
    dialog.plan_next.setChecked(True)
    dialog.next_due.setDate(date.today() + timedelta(days=7))
    type_text(dialog.next_reason, "问问试喝感受")
    dialog.exec = lambda: 1  # the user presses 完成
    with qtbot.waitSignal(today_page.loaded, timeout=10_000):
        today_page.mark_done(welcome, dialog)
    assert [name for _g, name, _t in rows(today_page)] == ["张丽"]
    with ctx.session() as s:
        entries = timeline(s, wang)
    assert any(e.kind == "note" and "她领了新人券" in e.body for e in entries)
    assert any(e.kind == "follow_up" and e.body == "问问试喝感受" and not e.done for e in entries)


def test_snooze_hides_until_the_date(qtbot, ctx, today_page, two_customers):
    reload(qtbot, today_page)
    follow_up = next(i for i in today_page.result.items if i.kind == "follow_up")
    with qtbot.waitSignal(today_page.loaded, timeout=10_000):
        today_page.snooze(follow_up, date.today() + timedelta(days=3))
    assert [name for _g, name, _t in rows(today_page)] == ["王芳"]
    reload(qtbot, today_page, date.today() + timedelta(days=3))
    assert ("今日跟进", "张丽", "回访面霜使用感受") in rows(today_page)
    # The snooze menu offers the usual choices.
    assert [a.text() for a in today_page.snooze_menu.actions()] == ["明天", "3 天后", "下周", "选日期…"]


def test_copy_script_fills_in_the_customer_name(qtbot, ctx, today_page, two_customers):
    reload(qtbot, today_page)
    welcome = next(i for i in today_page.result.items if i.customer_name == "王芳")
    QGuiApplication.clipboard().clear()
    text = today_page.copy_script(welcome)
    assert QGuiApplication.clipboard().text() == text
    assert text.startswith("王芳你好呀") and "{称呼}" not in text


def test_copy_script_uses_the_script_library_and_last_purchase(qtbot, ctx, today_page):
    from models import Script

    with ctx.session() as s:
        for rule in list_rules(s):
            if rule.trigger != "first_purchase" or rule.offset_days != 7:
                delete_rule(s, rule.id)
        s.add(Script(category="回访", title="回访", body="{称呼}，{产品}喝着还习惯吗？"))
        s.commit()
        li = create_customer(s, CustomerInput(remark_name="李娜")).id
        save_purchase(s, li, date.today() - timedelta(days=7), "2016年寿眉饼 350g", 1, "298")
    reload(qtbot, today_page)
    item = next(i for i in today_page.result.items if i.kind == "journey")
    today_page.tree.setCurrentItem(today_page.tree.item_rows()[0])
    today_page.copy_button.click()
    assert QGuiApplication.clipboard().text() == "李娜，2016年寿眉饼 350g喝着还习惯吗？"
    assert item.title == "T+7 回访"


def test_keys_open_done_snooze_and_copy(qtbot, ctx, today_page, two_customers):
    zhang, _wang = two_customers
    reload(qtbot, today_page)
    tree = today_page.tree
    tree.setFocus()
    tree.setCurrentItem(tree.item_rows()[0])
    with qtbot.waitSignal(ctx.open_customer) as opened:
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert opened.args == [zhang]
    for signal in (tree.done_requested, tree.snooze_requested, tree.copy_requested):
        signal.disconnect()  # the page would open the done dialog or the snooze menu
    for key, signal in ((Qt.Key.Key_Space, tree.done_requested), (Qt.Key.Key_D, tree.done_requested),
                        (Qt.Key.Key_S, tree.snooze_requested), (Qt.Key.Key_C, tree.copy_requested)):
        with qtbot.waitSignal(signal) as caught:
            qtbot.keyClick(tree, key)
        assert caught.args[0].customer_id == zhang


def test_date_header_shows_lunar_date_and_holiday(qtbot, ctx, today_page, two_customers):
    reload(qtbot, today_page, date(2026, 10, 1))
    assert today_page.day_label.text().startswith("10月1日 星期四")
    assert today_page.lunar_label.text() == "农历八月廿一 · 国庆节 放假"
    with qtbot.waitSignal(today_page.loaded, timeout=10_000):
        today_page.next_button.click()
    assert today_page.day == date(2026, 10, 2)
    assert today_page.date_edit.date().toPython() == date(2026, 10, 2)


def test_kpi_tiles(qtbot, ctx, today_page, two_customers):
    zhang, wang = two_customers
    with ctx.session() as s:
        save_purchase(s, zhang, date.today(), "普洱", 1, "1280")
        save_purchase(s, zhang, date.today(), "白茶", 1, "200")
        save_purchase(s, wang, date.today(), "面膜", 1, "120")
    reload(qtbot, today_page)
    assert today_page.tiles.values["revenue_month"].text() == "¥1,600"
    assert today_page.tiles.values["repurchase_rate"].text() == "50%"
    assert today_page.charts.revenue.values[-1] == 1600
    revenue = today_page.charts.revenue  # what the bar chart draws: this month's bar, labelled with the month
    assert revenue.series[0][1][-1] == 1600 and revenue.categories[-1] == f"{date.today().month}月"
    assert revenue.title == "每月营收（元）"


def test_birthday_group(qtbot, ctx, today_page):
    soon = date.today() + timedelta(days=2)
    with ctx.session() as s:
        create_customer(s, CustomerInput(remark_name="赵磊", added_on=date.today() - timedelta(days=90),
                                         birthday=Birthday(soon.month, soon.day)))
    reload(qtbot, today_page)
    assert ("近 7 天生日", "赵磊", "生日") in rows(today_page)


def test_notifier_announces_only_new_items():
    from services.today import TodayItem
    from ui.today.notifier import due_message

    items = [TodayItem("follow_up", f"follow_up:{n}", "回访", date.today(), n, f"客户{n}") for n in range(5)]
    assert due_message(items[:2]) == "客户0：回访；客户1：回访"
    assert due_message(items) == "客户0：回访；客户1：回访；客户2：回访 …等 5 项"


def test_notifier_remembers_what_it_has_seen(qtbot, today_page):
    from services.today import TodayItem

    notifier = today_page.notifier
    first = [TodayItem("follow_up", "follow_up:1", "回访", date.today(), 1, "张丽")]
    with qtbot.assertNotEmitted(notifier.announced):
        notifier.take(first)  # the first check only records
    with qtbot.waitSignal(notifier.announced) as said:
        notifier.take([*first, TodayItem("birthday", "birthday:2:x", "生日", date.today(), 2, "王芳")])
    assert said.args == ["王芳：生日"]
    with qtbot.assertNotEmitted(notifier.announced):
        notifier.take(first)


def test_a_post_is_announced_again_when_its_hour_comes(qtbot, today_page):
    from services.today import TodayItem

    notifier = today_page.notifier
    later = TodayItem("post", "post:7", "周三会员日预告", date.today(), record_id=7, text="今晚8点会员日")
    notifier.take([later])  # seen in the morning, planned for 20:00
    with qtbot.assertNotEmitted(notifier.announced):
        notifier.take([later])
    due = TodayItem("post", "post:7", "周三会员日预告", date.today(), record_id=7, overdue=True)
    with qtbot.waitSignal(notifier.announced) as said:
        notifier.take([due])
    assert said.args == ["周三会员日预告"]
    with qtbot.assertNotEmitted(notifier.announced):
        notifier.take([due])


def test_group_task_copies_its_text_and_is_ticked_done(qtbot, ctx, today_page):
    from datetime import datetime

    from models import ChatGroup, GroupTask
    from services.group_tasks import get_task
    from ui.today import DoneDialog

    with ctx.session() as s:
        create_customer(s, CustomerInput(remark_name="张丽", added_on=date.today() - timedelta(days=90)))
        group = ChatGroup(name="宝妈福利群", kind="福利群")
        s.add(group)
        s.flush()
        task = GroupTask(group_id=group.id, due_at=datetime.combine(date.today(), datetime.max.time()).replace(
            microsecond=0), title="晚答疑", body="今晚8点答疑：敏感肌怎么选面霜？")
        s.add(task)
        s.commit()
        task_id = task.id
    reload(qtbot, today_page)
    assert ("社群任务", "", "晚答疑") in rows(today_page)
    row = next(r for r in today_page.tree.item_rows() if r.text(1) == "晚答疑")
    today_page.tree.setCurrentItem(row)
    assert today_page.copy_button.text() == "复制文字" and not today_page.open_button.isEnabled()
    today_page.copy_button.click()
    assert QGuiApplication.clipboard().text() == "今晚8点答疑：敏感肌怎么选面霜？"
    item = today_page.current_item()
    dialog = DoneDialog(item, today_page.day, today_page)
    dialog.result.setPlainText("答了12个问题")
    dialog.exec = lambda: 1
    with qtbot.waitSignal(today_page.loaded, timeout=10_000):
        today_page.mark_done(item, dialog)
    assert ("社群任务", "", "晚答疑") not in rows(today_page)
    with ctx.session() as s:
        assert get_task(s, task_id).status == "done"
