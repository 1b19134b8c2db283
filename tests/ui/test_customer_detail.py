"""The customer detail pane, used the way a seller uses it: type, click 保存, add notes and purchases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from models import Customer
from services import custom_fields, tags, timeline
from services.customers import CustomerInput, create_customer, customer_tag_ids, get_customer, list_trash


@pytest.fixture
def detail(qtbot, ctx):
    from ui.customers.detail import CustomerDetail

    widget = CustomerDetail(ctx)
    qtbot.addWidget(widget)
    widget.resize(700, 900)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def customer_id(ctx) -> int:
    with ctx.session() as session:
        return create_customer(session, CustomerInput(remark_name="张丽", phone="13800138000")).id


@pytest.fixture
def shown(detail, customer_id):
    detail.show_customer(customer_id)
    return detail


def customers_in_store(ctx) -> int:
    with ctx.session() as session:
        return int(session.scalar(select(func.count()).select_from(Customer)) or 0)


def click(qtbot, button) -> None:
    assert button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def card_texts(detail) -> list[str]:
    return [card.body.text() for card in detail.timeline.cards()]


# ---- the profile -------------------------------------------------------------------------------

def test_nothing_chosen_shows_how_to_start(detail):
    assert detail.stack.currentWidget() is detail.empty
    assert "在左侧选择一位客户，或按 Ctrl+N 新建" in detail.empty.text.text()
    assert detail.current_customer_id() is None


def test_new_customer_is_saved_with_normalised_phone(qtbot, ctx, detail, type_text):
    detail.activateWindow()
    detail.start_new()
    assert detail.tabs.currentIndex() == 1 and not detail.tabs.isTabEnabled(0)
    qtbot.waitUntil(detail.form.remark_name.hasFocus)
    type_text(detail.form.remark_name, "王姐")
    qtbot.keyClicks(detail.form.phone, "138-0013 8000")
    with qtbot.waitSignal(detail.created) as created, qtbot.waitSignal(ctx.customers_changed) as changed:
        click(qtbot, detail.save_button)
    new_id = created.args[0]
    assert changed.args == [[new_id]]
    with ctx.session() as session:
        customer = get_customer(session, new_id)
        assert (customer.remark_name, customer.phone) == ("王姐", "13800138000")
    assert detail.current_customer_id() == new_id
    assert detail.name_label.text() == "王姐"
    assert detail.tabs.isTabEnabled(0)


@pytest.mark.parametrize("key, fill, message", [
    ("phone", lambda qtbot, form: qtbot.keyClicks(form.phone, "123"), "123"),
    ("remark_name", lambda qtbot, form: qtbot.keyClicks(form.phone, "13800138000"), "备注名不能为空"),
    ("birthday", lambda qtbot, form: (form.birthday.calendar.setCurrentIndex(1),
                                      form.birthday.month.setCurrentIndex(1),
                                      form.birthday.day.setCurrentIndex(29)), "2月没有30日"),
])
def test_invalid_input_is_refused_next_to_the_field(qtbot, ctx, detail, key, fill, message):
    detail.start_new()
    if key != "remark_name":
        qtbot.keyClicks(detail.form.remark_name, "Lily")
    fill(qtbot, detail.form)
    click(qtbot, detail.save_button)
    error = detail.form.error_label(key)
    assert error.isVisible()
    assert message in error.text()
    assert customers_in_store(ctx) == 0
    other = "phone" if key != "phone" else "remark_name"
    assert not detail.form.error_label(other).isVisible()


def test_birthday_lunar_without_year_round_trips(qtbot, ctx, shown, customer_id):
    shown.tabs.setCurrentIndex(1)
    birthday = shown.form.birthday
    birthday.calendar.setCurrentIndex(2)  # 农历
    assert birthday.leap.isVisible() and birthday.month.itemText(7) == "八月"
    birthday.month.setCurrentIndex(7)
    birthday.day.setCurrentIndex(14)
    qtbot.keyClick(shown.form.phone, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with ctx.session() as session:
        customer = get_customer(session, customer_id)
        assert (customer.birthday_month, customer.birthday_day, customer.birthday_year,
                customer.birthday_lunar) == (8, 15, None, True)


def test_edit_with_ctrl_s_and_undo(qtbot, ctx, shown, customer_id, type_text):
    shown.tabs.setCurrentIndex(1)
    assert not shown.save_button.isEnabled() and not shown.dirty_label.isVisible()
    type_text(shown.form.city, "杭州")
    assert shown.dirty_label.isVisible()
    with qtbot.waitSignal(shown.changed) as changed:
        qtbot.keyClick(shown.form.city, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert changed.args == [customer_id]
    with ctx.session() as session:
        assert get_customer(session, customer_id).city == "杭州"
    assert "杭州" in shown.contact_label.text()

    shown.form.city.clear()
    type_text(shown.form.city, "苏州")
    click(qtbot, shown.revert_button)
    assert shown.form.city.text() == "杭州"
    assert not shown.dirty_label.isVisible()


def test_unsaved_edits_are_offered_for_saving_before_switching(qtbot, ctx, shown, customer_id,
                                                               monkeypatch, type_text):
    from PySide6.QtWidgets import QMessageBox

    with ctx.session() as session:
        other = create_customer(session, CustomerInput(remark_name="李姐")).id
    asked: list[str] = []

    def answer_save(box):
        asked.append(box.text())
        next(b for b in box.buttons() if b.text() == "保存").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer_save)
    shown.tabs.setCurrentIndex(1)
    type_text(shown.form.occupation, "设计师")
    shown.show_customer(other)
    assert asked == ["“张丽”的资料有未保存的修改，要保存吗？"]
    assert shown.current_customer_id() == other and shown.name_label.text() == "李姐"
    with ctx.session() as session:
        assert get_customer(session, customer_id).occupation == "设计师"
    shown.show_customer(customer_id)  # nothing unsaved now: no question
    assert len(asked) == 1


def test_stage_override_is_shown_as_manual(qtbot, ctx, shown, customer_id):
    shown.tabs.setCurrentIndex(1)
    assert shown.form.stage.itemText(0) == "自动（当前：潜在）"
    shown.form.stage.setCurrentIndex(shown.form.stage.findData("VIP"))
    click(qtbot, shown.save_button)
    assert shown.stage_badge.text() == "VIP（手动）"
    with ctx.session() as session:
        assert get_customer(session, customer_id).stage_override == "VIP"


def test_custom_fields_appear_when_settings_change(qtbot, ctx, shown, customer_id):
    with ctx.session() as session:
        field_id = custom_fields.save_field(session, "肤质", "choice", ["干性", "油性"])
    ctx.settings_changed.emit()
    shown.tabs.setCurrentIndex(1)
    combo = shown.form._custom_widgets[field_id]
    combo.setCurrentIndex(combo.findData("油性"))
    click(qtbot, shown.save_button)
    with ctx.session() as session:
        from services.customers import custom_values

        assert custom_values(session, customer_id) == {field_id: "油性"}


# ---- the timeline --------------------------------------------------------------------------------

def test_empty_timeline_has_a_hint_then_quick_add_notes(qtbot, shown, type_text):
    timeline_view = shown.timeline
    assert timeline_view.empty_hint.isVisible()
    assert timeline_view.empty_hint.text() == "还没有记录：在上面写下第一条笔记"
    click(qtbot, timeline_view.add_button)
    assert timeline_view.note_error.isVisible() and "不能为空" in timeline_view.note_error.text()

    type_text(timeline_view.note_text, "喜欢淡香")
    timeline_view.note_kind.setCurrentIndex(timeline_view.note_kind.findData("喜好"))
    with qtbot.waitSignal(shown.changed):
        click(qtbot, timeline_view.add_button)
    assert card_texts(shown) == ["喜欢淡香"]
    assert not timeline_view.empty_hint.isVisible() and not timeline_view.note_error.isVisible()
    assert timeline_view.note_text.toPlainText() == ""

    type_text(timeline_view.note_text, "两个孩子")
    qtbot.keyClick(timeline_view.note_text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert len(card_texts(shown)) == 2


def test_pinned_note_comes_first(qtbot, ctx, shown, customer_id):
    with ctx.session() as session:
        old = timeline.save_note(session, customer_id, "身份", "设计师，两个孩子")
        timeline.save_note(session, customer_id, "咨询", "问了精华")
    shown.timeline.reload()
    assert card_texts(shown) == ["问了精华", "设计师，两个孩子"]
    card = next(c for c in shown.timeline.cards() if c.item.id == old)
    click(qtbot, card.buttons["pin"])
    first = shown.timeline.cards()[0]
    assert first.body.text() == "设计师，两个孩子"
    assert first.buttons["pin"].text() == "取消置顶"


def test_purchase_changes_the_total_in_the_header(qtbot, shown, type_text):
    assert "¥0" in shown.spent_label.text()
    click(qtbot, shown.timeline.purchase_button)
    type_text(shown.timeline.dialog.product, "不要了")
    qtbot.keyClick(shown.timeline.dialog.product, Qt.Key.Key_Escape)  # Esc cancels, nothing saved
    assert shown.timeline.dialog is None and card_texts(shown) == []

    click(qtbot, shown.timeline.purchase_button)
    dialog = shown.timeline.dialog
    assert dialog is not None and dialog.isVisible()
    type_text(dialog.product, "玫瑰精华")
    qtbot.keyClicks(dialog.amount, "abc")
    click(qtbot, dialog.save_button)
    assert dialog.isVisible() and "abc" in dialog.errors["amount"].text()

    dialog.amount.clear()
    qtbot.keyClicks(dialog.amount, "1,280")
    with qtbot.waitSignal(shown.changed):
        click(qtbot, dialog.save_button)
    assert "¥1,280" in shown.spent_label.text()
    assert "购买 1 次" in shown.spent_label.text()
    assert "玫瑰精华" in card_texts(shown)[0]


def test_follow_up_is_planned_then_done_with_a_result(qtbot, ctx, shown, customer_id, type_text):
    click(qtbot, shown.timeline.follow_up_button)
    dialog = shown.timeline.dialog
    type_text(dialog.reason.lineEdit(), "回访使用感受")
    click(qtbot, dialog.save_button)
    assert "下次跟进：" in shown.follow_up_label.text() and "未安排" not in shown.follow_up_label.text()

    card = shown.timeline.cards()[0]
    click(qtbot, card.buttons["done"])
    complete = shown.timeline.dialog
    type_text(complete.result, "很满意")
    complete.plan_next.setChecked(True)
    click(qtbot, complete.save_button)
    cards = shown.timeline.cards()
    done = [c for c in cards if c.item.done]
    assert len(done) == 1 and "很满意" in done[0].body.text()
    assert "done" not in done[0].buttons
    assert sum(1 for c in cards if c.item.kind == "follow_up" and not c.item.done) == 1


def test_overdue_follow_up_is_red(ctx, shown, customer_id):
    with ctx.session() as session:
        timeline.save_follow_up(session, customer_id, date.today() - timedelta(days=3), "回访")
    shown.show_customer(customer_id)
    assert "逾期 3 天" in shown.follow_up_label.text() and "#d32f2f" in shown.follow_up_label.text()
    card = shown.timeline.cards()[0]
    assert "#d32f2f" in card.when.styleSheet()


def test_double_click_edits_and_delete_asks_first(qtbot, ctx, shown, customer_id, monkeypatch):
    with ctx.session() as session:
        timeline.save_note(session, customer_id, "喜好", "喜欢淡香")
    shown.timeline.reload()
    view = shown.timeline.list
    rect = view.visualItemRect(view.item(0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double-click's
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # first press
    dialog = shown.timeline.dialog
    assert dialog is not None and dialog.body.toPlainText() == "喜欢淡香"
    dialog.body.setPlainText("喜欢淡香，不要玫瑰")
    click(qtbot, dialog.save_button)
    assert card_texts(shown) == ["喜欢淡香，不要玫瑰"]

    answers = iter([False, True])
    monkeypatch.setattr("ui.customers.timeline_view.confirm", lambda *_a: next(answers))
    click(qtbot, shown.timeline.cards()[0].buttons["delete"])
    assert len(card_texts(shown)) == 1
    click(qtbot, shown.timeline.cards()[0].buttons["delete"])
    assert card_texts(shown) == [] and shown.timeline.empty_hint.isVisible()


# ---- tags, deleting, the window ------------------------------------------------------------------

@pytest.fixture
def tag_ids(ctx) -> dict[str, int]:
    with ctx.session() as session:
        level = tags.save_group(session, "消费能力", multi=False)
        style = tags.save_group(session, "风格偏好")
        return {"高": tags.save_tag(session, level, "高"), "低": tags.save_tag(session, level, "低"),
                "简约": tags.save_tag(session, style, "简约")}


def test_tags_are_edited_and_single_choice_is_enforced(qtbot, ctx, shown, customer_id, tag_ids,
                                                       monkeypatch):
    answer = [tag_ids["高"], tag_ids["简约"]]
    monkeypatch.setattr("ui.customers.detail.pick_tags", lambda *_a: answer)
    with qtbot.waitSignal(ctx.customers_changed):
        click(qtbot, shown.tags_button)
    assert "高" in shown.tags_label.text() and "简约" in shown.tags_label.text()

    answer = [tag_ids["高"], tag_ids["低"]]
    click(qtbot, shown.tags_button)
    assert shown.tags_error.isVisible() and "单选" in shown.tags_error.text()
    with ctx.session() as session:
        assert sorted(customer_tag_ids(session, customer_id)) == sorted([tag_ids["高"], tag_ids["简约"]])

    with ctx.session() as session:  # renamed in settings: the chips follow
        tags.save_tag(session, tags.tag_by_name(session, "简约").group_id, "极简", tag_id=tag_ids["简约"])
    ctx.tags_changed.emit()
    assert "极简" in shown.tags_label.text()


def test_new_customer_keeps_tags_picked_before_saving(qtbot, ctx, detail, tag_ids, monkeypatch, type_text):
    monkeypatch.setattr("ui.customers.detail.pick_tags", lambda *_a: [tag_ids["低"]])
    detail.start_new()
    click(qtbot, detail.tags_button)
    type_text(detail.form.remark_name, "新朋友")
    with qtbot.waitSignal(detail.created) as created:
        click(qtbot, detail.save_button)
    with ctx.session() as session:
        assert customer_tag_ids(session, created.args[0]) == [tag_ids["低"]]


def test_delete_customer_moves_it_to_the_trash(qtbot, ctx, shown, customer_id, monkeypatch):
    told: list[str] = []
    monkeypatch.setattr("ui.customers.detail.confirm", lambda *_a: True)
    monkeypatch.setattr("ui.customers.detail.inform", lambda _p, _t, text: told.append(text))
    with qtbot.waitSignal(ctx.customers_changed) as changed:
        click(qtbot, shown.delete_button)
    assert changed.args == [[customer_id]]
    with ctx.session() as session:
        assert [c.id for c in list_trash(session)] == [customer_id]
    assert "回收站" in told[0] and "恢复" in told[0]
    assert shown.stack.currentWidget() is shown.empty and shown.current_customer_id() is None


def test_open_in_a_window_of_its_own(qtbot, ctx, shown, customer_id, monkeypatch):
    from ui.customers.window import CustomerWindow

    click(qtbot, shown.window_button)
    window = CustomerWindow._open[customer_id]
    qtbot.addWidget(window)
    assert window.isVisible() and "张丽" in window.windowTitle()
    assert not window.detail.window_button.isVisible()
    assert CustomerWindow.open_for(ctx, customer_id) is window

    with ctx.session() as session:  # a note added in the window shows in the pane too
        timeline.save_note(session, customer_id, "其他", "从窗口写的")
    window.detail.timeline.changed.emit()
    assert card_texts(shown) == ["从窗口写的"]

    window.close()
    assert customer_id not in CustomerWindow._open
    assert ctx.ui_state.value("customer_window/geometry") is not None

    window = CustomerWindow.open_for(ctx, customer_id)  # trashed from the pane: its window closes
    qtbot.addWidget(window)
    monkeypatch.setattr("ui.customers.detail.confirm", lambda *_a: True)
    monkeypatch.setattr("ui.customers.detail.inform", lambda *_a: None)
    click(qtbot, shown.delete_button)
    assert not window.isVisible() and customer_id not in CustomerWindow._open


def test_the_referral_shows_on_the_timeline_read_only(ctx, shown, customer_id):
    from PySide6.QtWidgets import QLabel

    from services.referrals import log_referral

    with ctx.session() as session:
        friend = create_customer(session, CustomerInput(remark_name="王芳")).id
        log_referral(session, customer_id, friend, referred_on=date(2026, 5, 1), method="口碑",
                     reward_kind="红包", reward_value_cents=2000, reward_status="待发放")
    shown.show_customer(customer_id)
    [card] = [c for c in shown.timeline.cards() if c.item.kind == "referral"]
    labels = [label.text() for label in card.findChildren(QLabel)]
    assert "介绍了 王芳" in labels and "奖励待发放" in labels and card.when.text() == "2026-05-01"
    assert "红包 ¥20" in card.body.text()
    assert card._actions(card.item) == []  # edited on the 转介绍 page, not here
