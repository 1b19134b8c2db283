"""自动标签 and 关怀 as a seller uses them: create a rule, preview it, switch it on and see the customer
carry the tag marked 自动; log a care entry from the customer detail and see it in the year view,
on the timeline and in the 关怀 tab."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from models import CustomerTag
from services import care
from services.customers import CustomerInput, create_customer
from services.tags import save_group, save_tag
from services.timeline import save_purchase


def click(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


@pytest.fixture
def book(ctx) -> dict[str, int]:
    with ctx.session() as session:
        tag = save_tag(session, save_group(session, "兴趣"), "普洱")
        li = create_customer(session, CustomerInput(remark_name="李娜")).id
        wang = create_customer(session, CustomerInput(remark_name="王芳")).id
        save_purchase(session, li, date.today(), "老班章普洱", 1, "1280")
        save_purchase(session, wang, date.today(), "白毫银针", 1, "600")
    return {"tag": tag, "li": li, "wang": wang}


@pytest.fixture
def auto_tab(qtbot, ctx, book):
    from ui.loyalty.auto_tags_tab import AutoTagsTab

    tab = AutoTagsTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1000, 600)
    tab.show()
    return tab


def test_rule_preview_switch_on_and_the_auto_tag(qtbot, ctx, book, auto_tab, monkeypatch):
    assert auto_tab.empty.isVisible()
    dialog = auto_tab.new_rule()
    dialog.kind.setCurrentIndex(0)  # 买过某类商品
    dialog.category.setCurrentText("普洱")
    dialog.set_tag(book["tag"])
    click(qtbot, dialog.preview_button)
    assert "会给 1 位客户打上标签" in dialog.preview_label.text()
    assert "李娜" in dialog.preview_label.text() and "王芳" not in dialog.preview_label.text()
    click(qtbot, dialog.save_button)  # saved, not switched on yet
    assert [r.enabled for r in auto_tab.rules] == [False]
    assert auto_tab.table.item(0, 1).text() == "买过「普洱」类商品"
    assert auto_tab.table.item(0, 3).text() == "未开启"
    auto_tab.select_rule(auto_tab.rules[0].id)
    click(qtbot, auto_tab.preview_button)
    assert "会给 1 位客户打上标签" in auto_tab.preview_text.text()
    click(qtbot, auto_tab.toggle_button)
    assert auto_tab.table.item(0, 3).text() == "已开启" and auto_tab.table.item(0, 4).text() == "1"
    with ctx.session() as session:
        rows = session.execute(select(CustomerTag.customer_id, CustomerTag.auto_rule_id)).all()
    assert rows == [(book["li"], auto_tab.rules[0].id)]

    from ui.customers.detail import CustomerDetail

    detail = CustomerDetail(ctx)
    qtbot.addWidget(detail)
    detail.show_customer(book["li"])
    assert "普洱" in detail.tags_label.text() and "自动" in detail.tags_label.text()
    assert "自动标签" in detail.tags_label.toolTip()

    monkeypatch.setattr("ui.loyalty.auto_tags_tab.confirm", lambda *_a: True)
    auto_tab.select_rule(auto_tab.rules[0].id)
    click(qtbot, auto_tab.toggle_button)  # off: the automatic tag comes off
    with ctx.session() as session:
        assert session.scalars(select(CustomerTag.customer_id)).all() == []


def test_single_choice_tag_is_explained(qtbot, ctx, book, auto_tab):
    with ctx.session() as session:
        single = save_tag(session, save_group(session, "消费能力", multi=False), "高")
    dialog = auto_tab.new_rule()
    dialog.kind.setCurrentIndex(1)  # 近12个月消费满
    dialog.set_tag(single)
    click(qtbot, dialog.save_button)
    assert dialog.isVisible()
    assert "单选" in dialog.errors["tag_id"].text()


def test_care_from_the_customer_detail(qtbot, ctx, book):
    from ui.customers.detail import CustomerDetail

    detail = CustomerDetail(ctx)
    qtbot.addWidget(detail)
    detail.resize(800, 900)
    detail.show()
    detail.show_customer(book["li"])
    year = detail.open_care()
    assert "还没有为 李娜 做过什么" in year.summary.text()
    entry = year.add_entry()
    entry.kind.setCurrentIndex(entry.kind.findData("gift"))
    entry.cost.setText("588")
    entry.note.setText("中秋月饼礼盒")
    click(qtbot, entry.save_button)
    assert not entry.isVisible()
    assert "做了 1 件事（礼物 1），花费 ¥588" in year.summary.text()
    assert year.table.item(0, 3).text() == "中秋月饼礼盒"
    assert any(card.body.text() == "中秋月饼礼盒" for card in detail.timeline.cards())  # on the timeline too
    year.close()

    from ui.loyalty.care_tab import CareTab

    tab = CareTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    assert [(r.customer_name, r.note) for r in tab.rows] == [("李娜", "中秋月饼礼盒")]
    assert "花费 ¥588" in tab.totals.text()
    # 王芳 bought but was never looked after: she tops the neglected list
    assert [c.name for c in tab.neglected] == ["王芳"]


def test_care_tab_adds_deletes_and_saves_reminders(qtbot, ctx, book, monkeypatch):
    from services import care_reminders, settings_store
    from ui.loyalty.care_tab import CareTab

    tab = CareTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(1200, 800)
    tab.show()
    assert tab.empty.isVisible()
    dialog = tab.new_entry()
    click(qtbot, dialog.save_button)  # no customer chosen
    assert "请选择一位客户" in dialog.errors["customer"].text()
    dialog.chooser.set_customer(book["wang"], "王芳")
    dialog.kind.setCurrentIndex(dialog.kind.findData("visit"))
    dialog.note.setText("上门拜访")
    click(qtbot, dialog.save_button)
    assert [r.note for r in tab.rows] == ["上门拜访"]
    tab.table.selectRow(0)
    monkeypatch.setattr("ui.loyalty.care_tab.confirm", lambda *_a: True)
    click(qtbot, tab.delete_button)
    assert tab.rows == []
    with ctx.session() as session:
        assert care.list_care(session) == []

    tab.festival_boxes["端午节"].setChecked(True)
    for row in range(tab.like_who.count()):
        item = tab.like_who.item(row)
        if item.text().endswith("普洱"):
            item.setCheckState(Qt.CheckState.Checked)
    click(qtbot, tab.save_button)
    with ctx.session() as session:
        assert "端午节" in settings_store.get(session, care_reminders.FESTIVALS)
        assert settings_store.get(session, care_reminders.LIKE_TAGS) == [book["tag"]]
