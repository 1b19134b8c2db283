"""社群打卡 and hand-removed auto tags as a seller meets them: tick a group's members on the 积分 tab and
see their points (with the group's name in the ledger); take a rule's tag off by hand, see the rule
leave it off and say so, then bring those customers back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from models import CustomerTag
from services import auto_tags, settings_store
from services import points as pts
from services.customers import CustomerInput, create_customer
from services.groups import GroupInput, add_members, save_group
from services.tags import remove_tag, save_tag
from services.tags import save_group as save_tag_group
from services.timeline import save_purchase


def click(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def group(ctx) -> dict[str, int]:
    with ctx.session() as session:
        settings_store.put(session, pts.CHECKIN_POINTS, 8)
        wang = create_customer(session, CustomerInput(remark_name="王芳")).id
        li = create_customer(session, CustomerInput(remark_name="李娜")).id
        gid = save_group(session, GroupInput(name="茶友福利群"))
        add_members(session, gid, [wang, li], joined_on=date.today() - timedelta(days=10))
    return {"group": gid, "wang": wang, "li": li}


def test_group_checkin_from_the_points_tab(qtbot, ctx, main_window, group):
    page = main_window.show_page("loyalty")
    points = page.show_tab("points")
    dialog = points.open_checkin()
    assert dialog.group.currentData() == group["group"]
    assert dialog.list.count() == 2 and not dialog.save_button.isEnabled()  # nobody ticked yet
    names = [dialog.list.item(r).text() for r in range(dialog.list.count())]
    dialog.list.item(names.index("王芳")).setCheckState(Qt.CheckState.Checked)
    assert "每人 +8 分" in dialog.summary.text() and "已勾选 1 位" in dialog.summary.text()
    click(qtbot, dialog.save_button)
    assert not dialog.isVisible()
    with ctx.session() as session:
        assert pts.balance(session, group["wang"]) == 8 and pts.balance(session, group["li"]) == 0
    assert points.table.item(0, 0).text() == "王芳" and points.table.item(0, 1).text() == "8"
    points.ledger.show_customer(group["wang"])
    assert points.ledger.table.item(0, 2).text() == "社群打卡 · 茶友福利群"

    again = points.open_checkin(group["group"])  # the same day: 王芳 is shown as done and cannot be ticked again
    row = [again.list.item(r).text() for r in range(again.list.count())].index("王芳（已打卡）")
    assert not again.list.item(row).flags() & Qt.ItemFlag.ItemIsEnabled
    again.set_all(True)
    assert again.chosen() == [group["li"]] and "1 位这天已打卡" in again.summary.text()
    again.reject()


def test_a_non_member_day_shows_nobody(qtbot, ctx, main_window, group):
    page = main_window.show_page("loyalty")
    dialog = page.show_tab("points").open_checkin()
    dialog.day.setDate(dialog.day.date().addDays(-30))  # before they joined
    assert dialog.list.count() == 0 and "还没有群成员" in dialog.summary.text()
    assert not dialog.save_button.isEnabled()
    dialog.reject()


def test_hand_removed_auto_tags_stay_off_until_restored(qtbot, ctx, monkeypatch):
    from ui.loyalty.auto_tags_tab import AutoTagsTab

    with ctx.session() as session:
        tag = save_tag(session, save_tag_group(session, "兴趣"), "普洱")
        li = create_customer(session, CustomerInput(remark_name="李娜")).id
        save_purchase(session, li, date.today(), "老班章普洱", 1, "1280")
        rule = auto_tags.save_rule(session, "category", {"category": "普洱"}, tag)
        auto_tags.set_enabled(session, rule, True)
        remove_tag(session, [li], tag)  # the seller did not want it on 李娜
    tab = AutoTagsTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1100, 600)
    tab.show()
    tab.select_rule(rule)
    assert tab.table.item(0, 4).text() == "0（手动去掉 1）"
    click(qtbot, tab.preview_button)
    assert "已手动去掉 1 位" in tab.preview_text.text()
    monkeypatch.setattr("ui.loyalty.auto_tags_tab.confirm", lambda *_a: True)
    click(qtbot, tab.clear_button)
    assert tab.table.item(0, 4).text() == "1" and not tab.clear_button.isEnabled()
    with ctx.session() as session:
        assert session.execute(select(CustomerTag.customer_id, CustomerTag.auto_rule_id)).all() == [(li, rule)]
