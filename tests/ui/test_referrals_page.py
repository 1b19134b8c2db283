"""The 转介绍 page: logging through the dialog, a refused loop told in a message box, rewards marked given,
the tree, deleting to the 回收站, and the customer detail's 介绍人 line."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from sqlalchemy import select

from models import Referral
from services.customers import CustomerInput, create_customer
from services.referrals import list_trashed_referrals, log_referral
from services.timeline import save_purchase


@pytest.fixture
def people(ui_store) -> dict[str, int]:
    with ui_store.db.session() as s:
        ids = {n: create_customer(s, CustomerInput(remark_name=n)).id for n in ("王姐", "李老师", "张总", "赵阿姨")}
        save_purchase(s, ids["李老师"], date.today() - timedelta(days=3), "普洱", 1, "300")
    return ids


@pytest.fixture
def page(qtbot, ctx):
    from ui.referrals import ReferralsPage

    widget = ReferralsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    return widget


def _fill(monkeypatch, fill) -> list[QDialog]:
    """Replace the modal run with: fill the dialog, press 保存; True when it closed accepted."""
    from ui.referrals import common

    shown: list[QDialog] = []

    def run(dialog: QDialog) -> bool:
        shown.append(dialog)
        fill(dialog)
        dialog.accept()
        return dialog.result() == QDialog.DialogCode.Accepted

    monkeypatch.setattr(common, "run_dialog", run)
    return shown


def _rows(session_store) -> list[tuple[int, int, str, str, int]]:
    with session_store.db.session() as s:
        return [(r.referrer_id, r.referee_id, r.method, r.reward_status, r.reward_value_cents)
                for r in s.scalars(select(Referral).where(Referral.deleted_at.is_(None)).order_by(Referral.id))]


def test_the_page_is_in_the_navigation_before_the_trash(main_window) -> None:
    keys = main_window.page_keys()
    assert keys.index("library") < keys.index("referrals") < keys.index("trash")


def test_log_a_referral_through_the_dialog(qtbot, monkeypatch, page, people, ui_store) -> None:
    qtbot.waitUntil(lambda: not page.records.loader.busy)
    assert page.records.stack.currentWidget() is page.records.empty  # nothing yet: the explanation

    def fill(dialog) -> None:
        dialog.referrer.search.setText("wang")  # pinyin, as the customer list searches
        dialog.referrer.run_search()
        dialog.referrer._choose_item(dialog.referrer.results.item(0))
        dialog.referee.set_customer(people["李老师"], "李老师")
        dialog.method.setCurrentIndex(dialog.method.findData("拼团"))
        dialog.reward_kind.setCurrentIndex(dialog.reward_kind.findData("红包"))
        dialog.reward_value.setValue(50)

    shown = _fill(monkeypatch, fill)
    page.records.new_button.click()
    assert shown and shown[0].result() == QDialog.DialogCode.Accepted
    assert _rows(ui_store) == [(people["王姐"], people["李老师"], "拼团", "待发放", 5000)]
    qtbot.waitUntil(lambda: len(page.records.model.rows) == 1)
    assert page.records.stack.currentWidget() is page.records.view
    row = page.records.model.rows[0]
    assert (row.referrer_name, row.referee_name, row.reward_text) == ("王姐", "李老师", "红包 ¥50")


def test_a_loop_is_told_in_a_message_box_and_nothing_is_saved(qtbot, monkeypatch, page, people, ui_store) -> None:
    with ui_store.db.session() as s:
        log_referral(s, people["王姐"], people["李老师"])
        log_referral(s, people["李老师"], people["张总"])
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *_a: told.append(text))

    def fill(dialog) -> None:
        dialog.referrer.set_customer(people["张总"], "张总")
        dialog.referee.set_customer(people["王姐"], "王姐")

    shown = _fill(monkeypatch, fill)
    page.new_referral()
    assert shown[0].result() != QDialog.DialogCode.Accepted  # still open, with the reason under 介绍人
    assert len(told) == 1 and "王姐 → 李老师 → 张总 → 王姐" in told[0]
    assert "循环" in shown[0].errors["referrer_id"].text()
    assert len(_rows(ui_store)) == 2


def test_mark_rewards_given(qtbot, page, people, ui_store) -> None:
    with ui_store.db.session() as s:
        log_referral(s, people["王姐"], people["李老师"], reward_kind="红包", reward_value_cents=5000,
                     reward_status="待发放")
        log_referral(s, people["王姐"], people["张总"], reward_kind="礼品", reward_value_cents=6800,
                     reward_status="待发放")
        log_referral(s, people["张总"], people["赵阿姨"], reward_status="待发放", reward="茶样")
    rewards = page.show_tab("rewards")
    qtbot.waitUntil(lambda: len(rewards.model.rows) == 3)
    assert "118" in rewards.summary.text()  # ¥50 + ¥68
    rewards.view.selectRow(0)
    rewards.paid_button.click()
    qtbot.waitUntil(lambda: len(rewards.model.rows) == 2)
    rewards.all_button.click()
    rewards.paid_button.click()
    qtbot.waitUntil(lambda: rewards.stack.currentWidget() is rewards.empty)
    assert {status for *_x, status, _v in _rows(ui_store)} == {"已发放"}


def test_records_filter_and_delete_to_the_trash(qtbot, monkeypatch, page, people, ui_store) -> None:
    with ui_store.db.session() as s:
        log_referral(s, people["王姐"], people["李老师"], method="口碑")
        log_referral(s, people["张总"], people["赵阿姨"], method="拼团")
    page.ctx.customers_changed.emit([])  # as another page (or an import) tells of a change
    records = page.records
    qtbot.waitUntil(lambda: len(records.model.rows) == 2)
    records.method.setCurrentIndex(records.method.findData("拼团"))
    qtbot.waitUntil(lambda: [r.referee_name for r in records.model.rows] == ["赵阿姨"])
    asked: list[str] = []
    monkeypatch.setattr("ui.referrals.records.confirm", lambda _p, _t, text, _ok=None: asked.append(text) or True)
    records.view.selectRow(0)
    records.delete_button.click()
    assert asked and "张总→赵阿姨" in asked[0]
    qtbot.waitUntil(lambda: records.model.rows == [])
    assert records.count.text() == "没有符合筛选条件的记录"
    with ui_store.db.session() as s:
        assert [r.referee_name for r in list_trashed_referrals(s)] == ["赵阿姨"]


def test_leaderboard_double_click_opens_the_tree(qtbot, page, people, ui_store) -> None:
    from ui.referrals.tree import ReferralTreeDialog

    with ui_store.db.session() as s:
        log_referral(s, people["王姐"], people["李老师"])
        log_referral(s, people["李老师"], people["张总"])
        log_referral(s, people["王姐"], people["赵阿姨"])
        for days in (5, 40):  # bought twice lately, at a full price: none of the four loyalty types
            save_purchase(s, people["王姐"], date.today() - timedelta(days=days), "熟普", 1, "800")
    board = page.show_tab("leaderboard")
    qtbot.waitUntil(lambda: len(board.model.rows) == 2)
    assert [(r.name, r.referred, r.buyers) for r in board.model.rows] == [("王姐", 2, 1), ("李老师", 1, 0)]
    headers = [board.model.headerData(c, Qt.Orientation.Horizontal) for c in range(board.model.columnCount())]
    types = [board.model.index(r, headers.index("忠诚类型")).data() for r in range(2)]
    assert types == ["未归类", "低需求"]  # never a blank cell
    board.view.selectRow(0)
    board.view.doubleClicked.emit(board.model.index(0, 1))
    dialog = ReferralTreeDialog._open[-1]
    qtbot.addWidget(dialog)
    top = dialog.tree.topLevelItem(0)
    assert top.text(0) == "王姐" and top.childCount() == 2 and top.isExpanded()
    first = top.child(0)
    assert (first.text(0), first.text(4), first.text(5), first.child(0).text(0)) == ("李老师", "1", "¥300", "张总")
    assert "一共带来 3 位客户（2 层），其中 1 位已购买" in dialog.summary.text()
    dialog.close()


def test_customer_detail_shows_the_referrer_and_logs_from_there(qtbot, monkeypatch, ctx, people, ui_store) -> None:
    from ui.customers.detail import CustomerDetail

    with ui_store.db.session() as s:
        log_referral(s, people["王姐"], people["李老师"], method="口碑")
    detail = CustomerDetail(ctx)
    qtbot.addWidget(detail)
    detail.show_customer(people["李老师"])
    line = detail.referral_line
    assert "介绍人：" in line.label.text() and "王姐" in line.label.text()
    assert not line.came_action.isEnabled() and not line.tree_button.isEnabled()
    _fill(monkeypatch, lambda dialog: dialog.referee.set_customer(people["张总"], "张总"))
    line.log(as_referrer=True)  # 李老师 brought 张总
    assert "介绍了 <b>1</b> 位" in line.label.text() and line.tree_button.isEnabled()
    assert (people["李老师"], people["张总"], "口碑", "无", 0) in _rows(ui_store)
