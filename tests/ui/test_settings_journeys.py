"""设置 → 客户SOP: the default rules listed, a rule added with a condition, switched off, a cycle added."""

from __future__ import annotations

import pytest

from services.journeys import list_rules
from services.repurchase import list_cycles
from services.tags import save_group, save_tag


@pytest.fixture
def section(qtbot, ctx):
    from ui.settings.page import SettingsPage

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    yield page.show_section("journeys")  # (the page must outlive the test)
    page.close()


def cells(table, column: int) -> list[str]:
    return [table.item(row, column).text() for row in range(table.rowCount())]


def test_defaults_are_listed_with_when_and_script(section):
    assert cells(section.table, 1) == ["T+0 欢迎", "T+7 回访", "T+21 复购提醒", "30天未互动 唤醒"]
    assert cells(section.table, 2) == ["添加好友当天", "首次购买后第 7 天", "首次购买后第 21 天", "30 天没有互动"]
    assert cells(section.table, 4)[0] == "自动（欢迎语）"
    assert "普洱" in cells(section.cycle_table, 0)


def test_add_a_rule_with_a_tag_condition_and_switch_it_off(qtbot, ctx, section, type_text):
    with ctx.session() as s:
        group = save_group(s, "兴趣", multi=True)
        tea = save_tag(s, group, "普洱")
    ctx.tags_changed.emit()
    dialog = section.open_rule(None)
    type_text(dialog.name, "生日前 准备礼物")
    dialog.trigger.setCurrentIndex(dialog.trigger.findData("birthday"))
    dialog.offset.setValue(-3)
    assert dialog.when.text() == "在“今天”里提醒：生日前 3 天"
    dialog.tag_choices["tags_any"].set_chosen([tea])
    dialog.stages["VIP"].setChecked(True)
    dialog.ok_button.click()
    assert not dialog.isVisible()
    assert cells(section.table, 1)[-1] == "生日前 准备礼物"
    assert cells(section.table, 3)[-1] == "有任一标签 普洱 · 阶段 VIP"

    section.table.selectRow(section.table.rowCount() - 1)
    assert section.toggle_button.text() == "停用"
    section.toggle_button.click()
    assert cells(section.table, 0)[-1] == "—"
    with ctx.session() as s:
        saved = [r for r in list_rules(s) if r.name == "生日前 准备礼物"][0]
    assert not saved.enabled and saved.offset_days == -3 and saved.condition.tags_any == (tea,)


def test_a_rule_without_a_name_is_refused_in_the_dialog(section):
    dialog = section.open_rule(None)
    dialog.ok_button.click()
    assert dialog.isVisible()
    assert "起个名字" in dialog.errors["name"].text()
    dialog.reject()


def test_add_a_repurchase_cycle(ctx, section, type_text):
    dialog = section.open_cycle(None)
    type_text(dialog.category, "燕窝")
    type_text(dialog.keywords, "燕窝 即食燕窝")
    dialog.days.setValue(30)
    dialog.ok_button.click()
    assert "燕窝" in cells(section.cycle_table, 0)
    with ctx.session() as s:
        cycle = next(c for c in list_cycles(s) if c.category == "燕窝")
    assert (cycle.keywords, cycle.days) == (("燕窝", "即食燕窝"), 30)
