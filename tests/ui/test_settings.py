"""设置 as a seller uses it: accounts, tag groups and tags, custom fields, appearance."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QTreeWidgetItem, QWidget

from services.accounts import list_accounts, save_account
from services.custom_fields import list_fields
from services.customers import CustomerInput, create_customer, customer_tag_ids, live_count
from services.tags import save_group, save_tag, tag_tree


@pytest.fixture
def page(qtbot, ctx):
    from ui.settings.page import SettingsPage

    widget = SettingsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    widget.activate()
    return widget


@pytest.fixture
def spending(ctx):
    """消费能力 (单选: 高/中/低) with two customers on 低 and one on 中."""
    with ctx.session() as session:
        group = save_group(session, "消费能力", multi=False)
        tags = {name: save_tag(session, group, name) for name in ("高", "中", "低")}
        customers = {name: create_customer(session, CustomerInput(remark_name=name), [tags[tag]]).id
                     for name, tag in (("王姐", "低"), ("李姐", "低"), ("赵姐", "中"))}
    return group, tags, customers


def click(qtbot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_item(qtbot, tree, item: QTreeWidgetItem) -> None:
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())


def retype(qtbot, type_text, line_edit, text: str) -> None:
    line_edit.selectAll()
    qtbot.keyClick(line_edit, Qt.Key.Key_Delete)
    type_text(line_edit, text)


def tree_rows(section) -> dict[str, list[tuple[str, str]]]:
    """What the tag tree shows: group → [(tag, customers)]."""
    rows = {}
    for top in range(section.tree.topLevelItemCount()):
        group = section.tree.topLevelItem(top)
        rows[group.text(0)] = [(group.child(i).text(0), group.child(i).text(2)) for i in range(group.childCount())]
    return rows


def save(qtbot, ctx, dialog, signal: str) -> None:
    with qtbot.waitSignal(getattr(ctx, signal), timeout=1000):
        click(qtbot, dialog.ok_button)


# ---- 我的微信号 ------------------------------------------------------------------------------------

def test_add_account_shows_in_table(qtbot, type_text, ctx, page):
    section = page.show_section("accounts")
    assert section.stack.currentWidget() is section.empty
    click(qtbot, section.add_button)
    dialog = section.dialog
    type_text(dialog.name, "工作号1")
    type_text(dialog.wechat_id, "shop_01")
    save(qtbot, ctx, dialog, "settings_changed")

    assert section.stack.currentWidget() is section.table
    assert [section.table.item(0, c).text() for c in range(3)] == ["工作号1", "shop_01", "0"]
    with ctx.session() as session:
        assert [(a.name, a.wechat_id) for a in list_accounts(session)] == [("工作号1", "shop_01")]


def test_account_without_name_shows_error_and_saves_nothing(qtbot, ctx, page):
    section = page.show_section("accounts")
    click(qtbot, section.add_button)
    dialog = section.dialog
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible()
    assert dialog.errors["name"].isVisible() and "名字" in dialog.errors["name"].text()
    with ctx.session() as session:
        assert list_accounts(session) == []


def test_delete_account_says_its_customers_are_kept(qtbot, ctx, page, monkeypatch):
    with ctx.session() as session:
        account = save_account(session, "工作号2")
        create_customer(session, CustomerInput(remark_name="王姐", wechat_account_id=account))
    section = page.show_section("accounts")
    page.activate()
    section.table.selectRow(0)
    asked = []
    monkeypatch.setattr("ui.settings.accounts.confirm", lambda _p, _t, text, _ok=None: asked.append(text) or True)
    click(qtbot, section.delete_button)

    assert "1 位客户都会保留" in asked[0]
    assert section.stack.currentWidget() is section.empty
    with ctx.session() as session:
        assert list_accounts(session) == [] and live_count(session) == 1


# ---- 标签 ------------------------------------------------------------------------------------------

def test_add_single_choice_group_with_three_tags(qtbot, type_text, ctx, page):
    section = page.show_section("tags")
    assert section.stack.currentWidget() is section.empty
    assert "消费能力：高/中/低" in section.empty.text.text()
    click(qtbot, section.add_group_button)
    dialog = section.dialog
    type_text(dialog.name, "消费能力")
    click(qtbot, dialog.single)
    save(qtbot, ctx, dialog, "tags_changed")

    for name in ("高", "中", "低"):
        click_item(qtbot, section.tree, section.tree.topLevelItem(0))
        click(qtbot, section.add_tag_button)
        type_text(section.dialog.name, name)
        save(qtbot, ctx, section.dialog, "tags_changed")

    assert tree_rows(section) == {"消费能力": [("高", "0"), ("中", "0"), ("低", "0")]}
    assert section.tree.topLevelItem(0).text(1).startswith("单选")
    with ctx.session() as session:
        [group] = tag_tree(session)
    assert (group.name, group.multi, [t.name for t in group.tags]) == ("消费能力", False, ["高", "中", "低"])


def test_rename_tag(qtbot, type_text, ctx, spending, page):
    _group, tags, customers = spending
    section = page.show_section("tags")
    click_item(qtbot, section.tree, section.item("tag", tags["低"]))
    assert section.edit_button.text() == "重命名"
    click(qtbot, section.edit_button)
    retype(qtbot, type_text, section.dialog.name, "低消费")
    save(qtbot, ctx, section.dialog, "tags_changed")

    assert tree_rows(section)["消费能力"] == [("高", "0"), ("中", "1"), ("低消费", "2")]
    with ctx.session() as session:
        assert tags["低"] in customer_tag_ids(session, customers["王姐"])


def test_merge_low_into_mid_moves_customers(qtbot, ctx, spending, page, monkeypatch):
    _group, tags, customers = spending
    section = page.show_section("tags")
    click_item(qtbot, section.tree, section.item("tag", tags["低"]))
    click(qtbot, section.merge_button)
    dialog = section.dialog
    dialog.target.setCurrentIndex(dialog.target.findData(tags["中"]))
    asked = []
    monkeypatch.setattr("ui.settings.tag_dialogs.confirm", lambda _p, _t, text, _ok=None: asked.append(text) or True)
    with qtbot.waitSignal(ctx.customers_changed, timeout=1000):
        click(qtbot, dialog.ok_button)

    assert "2 位客户会改为“中”" in asked[0]
    assert tree_rows(section)["消费能力"] == [("高", "0"), ("中", "3")]
    with ctx.session() as session:
        assert live_count(session) == 3
        assert customer_tag_ids(session, customers["王姐"]) == [tags["中"]]


def test_merge_not_confirmed_changes_nothing(qtbot, ctx, spending, page, monkeypatch):
    _group, tags, _customers = spending
    section = page.show_section("tags")
    click_item(qtbot, section.tree, section.item("tag", tags["低"]))
    click(qtbot, section.merge_button)
    monkeypatch.setattr("ui.settings.tag_dialogs.confirm", lambda *_args: False)
    click(qtbot, section.dialog.ok_button)
    assert section.dialog.isVisible()
    section.dialog.reject()
    assert tree_rows(section)["消费能力"] == [("高", "0"), ("中", "1"), ("低", "2")]


def test_delete_tag_keeps_its_customers(qtbot, ctx, spending, page, monkeypatch):
    _group, tags, customers = spending
    section = page.show_section("tags")
    click_item(qtbot, section.tree, section.item("tag", tags["低"]))
    asked = []
    monkeypatch.setattr("ui.settings.tags.confirm", lambda _p, _t, text, _ok=None: asked.append(text) or True)
    with qtbot.waitSignal(ctx.customers_changed, timeout=1000):
        click(qtbot, section.delete_button)

    assert "2 位客户都会保留" in asked[0]
    assert tree_rows(section)["消费能力"] == [("高", "0"), ("中", "1")]
    with ctx.session() as session:
        assert live_count(session) == 3
        assert customer_tag_ids(session, customers["王姐"]) == []


def test_delete_group_asks_and_keeps_customers(qtbot, ctx, spending, page, monkeypatch):
    group, _tags, _customers = spending
    section = page.show_section("tags")
    click_item(qtbot, section.tree, section.item("group", group))
    monkeypatch.setattr("ui.settings.tags.confirm", lambda *_args: False)
    click(qtbot, section.delete_button)
    assert list(tree_rows(section)) == ["消费能力"]

    asked = []
    monkeypatch.setattr("ui.settings.tags.confirm", lambda _p, _t, text, _ok=None: asked.append(text) or True)
    click(qtbot, section.delete_button)
    assert "3 个标签" in asked[0] and "客户都会保留" in asked[0]
    assert section.stack.currentWidget() is section.empty
    with ctx.session() as session:
        assert tag_tree(session) == [] and live_count(session) == 3


def test_switching_to_single_choice_is_refused_when_a_customer_has_two_tags(qtbot, ctx, page):
    with ctx.session() as session:
        group = save_group(session, "兴趣", multi=True)
        both = [save_tag(session, group, "瑜伽"), save_tag(session, group, "烘焙")]
        create_customer(session, CustomerInput(remark_name="王姐"), both)
    section = page.show_section("tags")
    page.activate()
    click_item(qtbot, section.tree, section.item("group", group))
    click(qtbot, section.edit_button)
    dialog = section.dialog
    click(qtbot, dialog.single)
    click(qtbot, dialog.ok_button)

    assert dialog.isVisible()
    assert dialog.errors["multi"].isVisible() and "不能改成单选" in dialog.errors["multi"].text()
    dialog.reject()
    assert section.tree.topLevelItem(0).text(1).startswith("多选")
    with ctx.session() as session:
        assert tag_tree(session)[0].multi is True


# ---- 自定义字段 -------------------------------------------------------------------------------------

def test_add_choice_field(qtbot, type_text, ctx, page):
    section = page.show_section("fields")
    click(qtbot, section.add_button)
    dialog = section.dialog
    type_text(dialog.name, "肤质")
    assert not dialog.choices.isVisible()
    dialog.kind.setCurrentIndex(dialog.kind.findText("单选"))
    assert dialog.choices.isVisible()
    for line in ("干性", "油性", "混合性"):
        type_text(dialog.choices, line)
        qtbot.keyClick(dialog.choices, Qt.Key.Key_Return)
    qtbot.mouseClick(dialog.show_in_list, Qt.MouseButton.LeftButton, pos=QPoint(10, dialog.show_in_list.height() // 2))
    save(qtbot, ctx, dialog, "settings_changed")

    assert [section.table.item(0, c).text() for c in range(4)] == ["肤质", "单选", "显示", "干性 / 油性 / 混合性"]
    with ctx.session() as session:
        [field] = list_fields(session)
    assert (field.name, field.kind, field.choices, field.show_in_list) == ("肤质", "choice", ("干性", "油性", "混合性"), True)


def test_empty_field_name_shows_error_next_to_the_field(qtbot, ctx, page):
    section = page.show_section("fields")
    click(qtbot, section.add_button)
    dialog = section.dialog
    dialog.kind.setCurrentIndex(dialog.kind.findText("单选"))
    click(qtbot, dialog.ok_button)

    assert dialog.isVisible()
    assert dialog.errors["name"].isVisible() and dialog.errors["name"].text() == "字段名不能为空"
    assert dialog.errors["choices"].isVisible() and "至少要有一个选项" in dialog.errors["choices"].text()
    assert not dialog.errors["kind"].isVisible()
    with ctx.session() as session:
        assert list_fields(session) == []


def test_delete_field_warns_its_values_go(qtbot, type_text, ctx, page, monkeypatch):
    section = page.show_section("fields")
    click(qtbot, section.add_button)
    type_text(section.dialog.name, "车型")
    save(qtbot, ctx, section.dialog, "settings_changed")
    section.table.selectRow(0)
    asked = []
    monkeypatch.setattr("ui.settings.custom_fields.confirm", lambda _p, _t, text, _ok=None: asked.append(text) or True)
    click(qtbot, section.delete_button)
    assert "填的内容都会一起删除" in asked[0]
    assert section.stack.currentWidget() is section.empty


# ---- 外观 ------------------------------------------------------------------------------------------

@pytest.fixture
def restore_look(qapp):
    style, font = qapp.styleSheet(), qapp.font()
    yield
    QApplication.instance().setStyleSheet(style)
    QApplication.instance().setFont(font)


def test_theme_switch_is_applied_and_saved(qtbot, ctx, page, restore_look):
    section = page.show_section("appearance")
    with qtbot.waitSignal(ctx.settings_changed, timeout=1000):
        section.theme.setCurrentIndex(section.theme.findText("深色"))
    saved = json.loads(ctx.store.data_dir.preferences.read_text(encoding="utf-8"))
    assert saved["theme"] == "dark"
    assert QApplication.instance().styleSheet()  # the dark stylesheet is on


def test_language_is_saved_for_next_start(qtbot, ctx, page):
    section = page.show_section("appearance")
    section.language.setCurrentIndex(section.language.findText("English"))
    saved = json.loads(ctx.store.data_dir.preferences.read_text(encoding="utf-8"))
    assert saved["language"] == "en"
    assert "重新启动" in section.language_note.text()


def test_main_window_opens_settings_with_counts(ctx, spending, main_window):
    page = main_window.show_page("settings")
    section = page.show_section("tags")
    assert section.isVisible()
    assert tree_rows(section)["消费能力"] == [("高", "0"), ("中", "1"), ("低", "2")]
