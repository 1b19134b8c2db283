"""The tag picker: groups with coloured tags, single-choice groups behave like radio buttons."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialog

from services import tags
from ui.customers import tag_picker
from ui.customers.tag_picker import TagPickerDialog, choose_tag, pick_tags


@pytest.fixture
def tag_ids(ctx) -> dict[str, int]:
    with ctx.session() as session:
        level = tags.save_group(session, "消费能力", multi=False)
        style = tags.save_group(session, "风格偏好", multi=True)
        tags.save_group(session, "空组")
        return {"高": tags.save_tag(session, level, "高"), "中": tags.save_tag(session, level, "中"),
                "简约": tags.save_tag(session, style, "简约"), "轻奢": tags.save_tag(session, style, "轻奢")}


def dialog_for(qtbot, ctx, selected: list[int], one: bool = False) -> TagPickerDialog:
    dialog = TagPickerDialog(tag_picker._groups(ctx), selected, "编辑标签", one=one)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def click(qtbot, button) -> None:
    """Click the box itself (the widget is wider than its box and label)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(8, button.height() // 2))


def test_groups_show_their_tags_and_the_current_choice(qtbot, ctx, tag_ids):
    dialog = dialog_for(qtbot, ctx, [tag_ids["高"], tag_ids["轻奢"]])
    titles = [box.title() for box, _buttons in dialog._group_boxes]
    assert titles == ["消费能力（单选）", "风格偏好（多选）"]  # the empty group is left out
    assert dialog.selected_ids() == [tag_ids["高"], tag_ids["轻奢"]]
    assert not dialog.boxes[tag_ids["高"]].icon().isNull()  # the tag's colour
    assert dialog.summary.text() == "已选 2 个标签"


def test_single_choice_group_keeps_one_tag(qtbot, ctx, tag_ids):
    dialog = dialog_for(qtbot, ctx, [tag_ids["高"]])
    click(qtbot, dialog.boxes[tag_ids["中"]])
    assert not dialog.boxes[tag_ids["高"]].isChecked()
    assert dialog.boxes[tag_ids["中"]].isChecked()
    click(qtbot, dialog.boxes[tag_ids["中"]])  # and it can still be emptied
    assert dialog.selected_ids() == []


def test_multi_choice_group_keeps_all(qtbot, ctx, tag_ids):
    dialog = dialog_for(qtbot, ctx, [])
    click(qtbot, dialog.boxes[tag_ids["简约"]])
    click(qtbot, dialog.boxes[tag_ids["轻奢"]])
    assert dialog.selected_ids() == [tag_ids["简约"], tag_ids["轻奢"]]


def test_filter_hides_other_tags(qtbot, ctx, tag_ids, type_text):
    dialog = dialog_for(qtbot, ctx, [])
    type_text(dialog.filter, "轻")
    assert dialog.boxes[tag_ids["轻奢"]].isVisible()
    assert not dialog.boxes[tag_ids["简约"]].isVisible()
    assert not dialog._group_boxes[0][0].isVisible()


def test_pick_tags_returns_the_choice_or_none(qtbot, ctx, tag_ids, monkeypatch):
    def user_picks(dialog):
        qtbot.addWidget(dialog)
        dialog.boxes[tag_ids["简约"]].setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(TagPickerDialog, "exec", user_picks)
    assert pick_tags(ctx, None, [tag_ids["高"]], "编辑标签") == [tag_ids["高"], tag_ids["简约"]]

    monkeypatch.setattr(TagPickerDialog, "exec", lambda dialog: qtbot.addWidget(dialog) or 0)
    assert pick_tags(ctx, None, [tag_ids["高"]], "编辑标签") is None


def test_choose_tag_picks_exactly_one(qtbot, ctx, tag_ids, monkeypatch):
    dialog = dialog_for(qtbot, ctx, [], one=True)
    assert not dialog.ok_button.isEnabled()
    click(qtbot, dialog.boxes[tag_ids["高"]])
    click(qtbot, dialog.boxes[tag_ids["轻奢"]])
    assert dialog.selected_ids() == [tag_ids["轻奢"]]
    assert dialog.ok_button.isEnabled() and dialog.summary.text() == "已选：轻奢"

    def user_picks(picker):
        qtbot.addWidget(picker)
        picker.boxes[tag_ids["中"]].setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(TagPickerDialog, "exec", user_picks)
    assert choose_tag(ctx, None, "批量打标签") == tag_ids["中"]


def test_no_tags_yet_says_where_to_add_them(qtbot, ctx):
    dialog = dialog_for(qtbot, ctx, [])
    assert dialog.boxes == {}
    assert any("设置" in label.text() for label in dialog.findChildren(type(dialog.summary)))
