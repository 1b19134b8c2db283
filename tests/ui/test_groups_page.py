"""The 社群 page: create a group, add members, apply a template, tick tasks on the calendar, enter daily
stats and see a metric, edit a template and update the group's tasks, delete to the trash."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog

from services import group_tasks as gt
from services import groups as g
from services import sop
from services.customers import CustomerInput, create_customer
from services.group_metrics import DayStat, stats_between
from services.group_metrics import save_stats as gm_save
from services.tags import add_tag, save_tag
from services.tags import save_group as save_tag_group
from ui.groups import common


@pytest.fixture
def page(qtbot, ctx):
    from ui.groups.page import GroupsPage

    widget = GroupsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 860)
    widget.show()
    yield widget
    QThreadPool.globalInstance().waitForDone(10_000)  # no load may outlive the store


@pytest.fixture
def dialogs(monkeypatch):
    """Answer the page's dialogs: each answer fills the dialog in and returns whether it was accepted."""
    answers: list = []

    def run(dialog: QDialog) -> bool:
        answer = answers.pop(0)
        return bool(answer(dialog))

    monkeypatch.setattr(common, "run_dialog", run)
    return answers


@pytest.fixture
def group_id(ctx) -> int:
    with ctx.session() as s:
        return g.save_group(s, g.GroupInput(name="茶香福利群", kind="福利群", welcome="欢迎进群！周三会员日～"))


def test_empty_page_explains_and_ctrl_n_creates_a_group(qtbot, page, dialogs):
    assert page.list.stack.currentWidget() is page.list.empty
    assert "还没有社群" in page.list.empty.title.text()

    def fill(dialog):
        dialog.name.setText("")
        dialog.save()  # an empty name is refused, under the field
        assert dialog.errors["name"].text() == "请填写群名称" and dialog.result() != QDialog.DialogCode.Accepted
        dialog.name.setText("VIP茶友群")
        dialog.kind.setCurrentIndex(dialog.kind.findData("VIP群"))
        dialog.texts["welcome"].setPlainText("欢迎加入VIP群")
        dialog._add_reply("怎么下单", "接龙")
        dialog.save()
        return dialog.result() == QDialog.DialogCode.Accepted

    dialogs.append(fill)
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert [r.name for r in page.list.rows] == ["VIP茶友群"]
    assert page.detail.name.text() == "VIP茶友群"
    assert page.detail.blocks["welcome"].text == "欢迎加入VIP群"
    page.detail.blocks["welcome"].copy_button.click()
    assert QGuiApplication.clipboard().text() == "欢迎加入VIP群"


def test_members_by_search_and_by_tag(qtbot, ctx, page, group_id, dialogs, monkeypatch):
    with ctx.session() as s:
        ids = [create_customer(s, CustomerInput(remark_name=n)).id for n in ("张丽", "王芳", "赵磊")]
        mum = save_tag(s, save_tag_group(s, "基础属性"), "宝妈")
        add_tag(s, ids[1:], mum)
    page.list.reload(group_id)
    page.detail.tabs.setCurrentWidget(page.detail.members)
    assert page.detail.members.empty.isVisible()

    def pick(dialog):
        dialog.search.setText("张丽")
        dialog.run_search()
        dialog.results.item(0).setCheckState(Qt.CheckState.Checked)
        dialog.role.setCurrentIndex(dialog.role.findData("koc"))
        return True

    dialogs.append(pick)
    page.detail.members.add_search.click()
    monkeypatch.setattr("ui.groups.members.choose_tag", lambda *_a: mum)
    with qtbot.waitSignal(page.detail.members.changed, timeout=5000):
        page.detail.members.add_tag.click()
    members = page.detail.members
    assert sorted(m.name for m in members.rows) == ["张丽", "王芳", "赵磊"]
    assert next(m.role_label for m in members.rows if m.name == "张丽") == "气氛组KOC"
    assert "在群 3 人" in members.mix.text()
    with ctx.session() as s:
        assert [x.name for x in g.customer_groups(s, ids[0])] == ["茶香福利群"]


def _apply_daily(page, dialogs, start: date, end: date) -> None:
    def choose(dialog):
        daily = next(t for t in dialog.templates if t.shape == "daily")
        dialog.template.setCurrentIndex(dialog.template.findData(daily.id))
        dialog.starts_on.setDate(start)
        dialog.ends_on.setDate(end)
        assert dialog.preview.text().startswith(f"将排入 {((end - start).days + 1) * 3} 个任务")
        return True

    dialogs.append(choose)
    page.detail.sop.apply()


def test_apply_a_template_and_tick_tasks_on_the_calendar(qtbot, ctx, page, group_id, dialogs):
    page.list.reload(group_id)
    yesterday, today = date.today() - timedelta(days=1), date.today()
    _apply_daily(page, dialogs, yesterday, today + timedelta(days=6))
    uses = page.detail.sop.uses
    assert [(u.template_name.startswith("每日"), u.tasks) for u in uses] == [(True, 24)]
    calendar = page.show_tab("calendar")
    assert calendar is page.calendar
    calendar.day_button.setChecked(True)
    calendar.go_to(yesterday)
    column = calendar.columns[0]
    assert column.list.count() == 3
    overdue = [t for t in calendar.tasks.values() if t.overdue]
    assert len(overdue) == 3  # all of yesterday's

    column.list.setCurrentRow(0)
    task = calendar.pane.task
    assert task is not None and task.title == "早打卡"
    calendar.pane.buttons["copy"].click()
    assert QGuiApplication.clipboard().text() == task.body
    dialogs.append(lambda d: d.note.setPlainText("28人打卡") or True)
    column.list.setFocus()
    qtbot.keyClick(column.list, Qt.Key.Key_Space)
    with ctx.session() as s:
        done = gt.get_task(s, task.id)
    assert (done.status, done.done_note, done.overdue) == ("done", "28人打卡", False)
    assert calendar.pane.task is not None and calendar.pane.task.status == "done"

    column.list.setCurrentRow(1)
    qtbot.keyClick(column.list, Qt.Key.Key_S)
    later = datetime.combine(today, datetime.min.time()).replace(hour=21)
    column.list.setCurrentRow(2)
    dialogs.append(lambda d: d.due.setDateTime(later) or True)
    calendar.pane.buttons["move"].click()
    with ctx.session() as s:
        statuses = sorted(t.status for t in gt.tasks_on(s, yesterday))
        moved = [t for t in gt.tasks_on(s, today) if t.due_at == later]
    assert statuses == ["done", "skipped"] and moved and moved[0].edited
    calendar.go_to(today)
    assert any(t.id == moved[0].id for t in calendar.tasks.values())


def type_keys(qtbot, text: str) -> None:
    """Key by key to whatever has the focus, as a person types (the first key opens the cell editor)."""
    for char in text:
        qtbot.keyClick(QApplication.focusWidget(), char)


def test_daily_stats_typed_in_the_grid_show_a_metric(qtbot, ctx, page, group_id):
    grid = page.show_tab("stats")
    assert grid is page.stats
    grid.show_group(group_id)
    last = grid.table.rowCount() - 1
    grid.table.setCurrentCell(last, 0)
    grid.table.setFocus()
    for text in ("200", "10", "2", "400", "300", "40"):  # 群人数, 进群, 退群, 曝光, 消息, 发言
        type_keys(qtbot, text)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert grid.table.item(last, 5).text() == "40" and grid.table.currentColumn() == 6
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # leave the cell Tab opened
    grid.table.setCurrentCell(last - 1, 0)
    grid.table.paste("190\t5\t1\n")  # yesterday, from Excel
    grid.table.setCurrentCell(last, 6)
    grid.table.paste("12\t12\t1200\t200")  # 下单人数, 订单数, 成交额, 成本
    assert grid.save()
    with ctx.session() as s:
        days = {d.day: d for d in stats_between(s, group_id, date.today() - timedelta(days=1), date.today())}
    assert days[date.today()].members == 200 and days[date.today()].revenue_cents == 1200_00
    assert days[date.today() - timedelta(days=1)].joined == 5
    metrics = grid.metrics.text()
    # 互动率 = 40 / (190 + 200); 客单价 = ¥1,200 / 12; ROI = 1200 / 200; no exposures yesterday → 进群率 15/400.
    assert "互动率 <b>10.3%</b>" in metrics and "客单价 <b>¥100</b>" in metrics and "ROI <b>6.00</b>" in metrics
    assert "进群率 <b>3.8%</b>" in metrics


def test_bad_cells_are_marked_and_nothing_is_saved(qtbot, ctx, page, group_id):
    grid = page.show_tab("stats")
    grid.show_group(group_id)
    last = grid.table.rowCount() - 1
    grid.table.item(last, 0).setText("两百")
    grid.table.item(last, 2).setText("-1")
    assert not grid.save()
    assert "有 2 处填得不对" in grid.error.text() and "群人数：“两百”不是数字" in grid.error.text()
    assert grid.table.item(last, 0).toolTip() == "群人数：“两百”不是数字"
    with ctx.session() as s:
        assert stats_between(s, group_id, date.today() - timedelta(days=30), date.today()) == []
    assert "—" in grid.metrics.text()


def test_metrics_tab_shows_dashes_and_the_stage(qtbot, ctx, page, group_id):
    with qtbot.waitSignal(page.metrics.loaded, timeout=5000):
        page.show_tab("metrics")
    table = page.metrics.table
    assert table.rowCount() == 1 and table.item(0, 0).text() == "茶香福利群"
    assert [table.item(0, c).text() for c in range(2, 10)] == ["—"] * 8
    assert table.item(0, 1).text() == "初建期"
    assert page.metrics.empty.isVisible()


def test_metrics_charts_show_the_chosen_groups_days(qtbot, ctx, page, group_id):
    today = date.today()
    with ctx.session() as s:
        gm_save(s, group_id, [DayStat(today - timedelta(days=1), members=100, joined=5, left=1, messages=30,
                                      active_speakers=10, revenue_cents=12_000),
                              DayStat(today, members=104, joined=6, left=2, revenue_cents=0)])
    with qtbot.waitSignal(page.metrics.loaded, timeout=5000):
        page.show_tab("metrics")
    trend, flow = page.metrics.trend, page.metrics.flow
    assert len(trend.categories) == 30 and trend.categories[-1] == f"{today:%m-%d}"
    members = dict(trend.series)["群人数"]
    assert members[-2:] == [100.0, 104.0] and members[0] is None  # days without numbers are gaps
    assert dict(flow.series)["成交额（元）"][-2:] == [120.0, 0.0]
    assert dict(flow.series)["退群"][-2:] == [1.0, 2.0]
    assert page.metrics.mix.categories[0] == "忠实型" and page.metrics.mix.horizontal


def test_editing_a_template_updates_the_groups_future_tasks(qtbot, ctx, page, group_id, dialogs, monkeypatch):
    page.list.reload(group_id)
    _apply_daily(page, dialogs, date.today() + timedelta(days=1), date.today() + timedelta(days=3))
    panel = page.show_tab("templates")
    daily = next(i for i in panel.templates if i.shape == "daily")
    panel.list.setCurrentRow(panel.templates.index(daily))
    editor = panel.editor
    editor.table.selectRow(2)
    editor.step_time.setTime(editor.step_time.time().addSecs(30 * 60))  # 晚答疑 20:00 → 20:30
    assert editor.dirty
    asked: list[str] = []
    monkeypatch.setattr("ui.groups.templates.confirm", lambda _p, _t, text, _ok=None: asked.append(text) or True)
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert asked and "更新 3 个" in asked[0]
    with ctx.session() as s:
        evenings = [t.due_at.strftime("%H:%M") for t in gt.tasks_between(s, date.today(), date.today() + timedelta(days=5))
                    if t.title == "晚答疑"]
        assert sop.get_template(s, daily.id).version == 2
    assert evenings == ["20:30"] * 3


def test_new_template_errors_name_the_step(qtbot, ctx, page):
    panel = page.show_tab("templates")
    panel.new_template()
    editor = panel.editor
    editor.name.setText("周末活动")
    editor.shape.setCurrentIndex(editor.shape.findData("weekly"))
    assert not editor.save()  # the first step has no title
    assert editor.step_error.text() == "第 1 步：请填写标题"
    editor.step_title.setText("周六抽奖")
    editor._step_edited()
    editor.weekday.setCurrentIndex(5)
    assert editor.save()
    assert any(i.name == "周末活动" and i.steps[0].day == 6 for i in panel.templates)


def test_delete_asks_then_moves_to_the_trash_and_restores(qtbot, ctx, page, group_id, monkeypatch):
    page.list.reload(group_id)
    answers = iter([False, True])
    monkeypatch.setattr("ui.groups.page.confirm", lambda *_a: next(answers))
    page.list.table.setFocus()
    qtbot.keyClick(page.list.table, Qt.Key.Key_Delete)
    assert [r.id for r in page.list.rows] == [group_id]  # said no
    qtbot.keyClick(page.list.table, Qt.Key.Key_Delete)
    assert page.list.rows == []
    page.list.status.setCurrentIndex(page.list.status.findData("trash"))
    assert [r.status_label for r in page.list.rows] == ["回收站"]
    page.detail.delete_button.click()  # 恢复
    page.list.status.setCurrentIndex(page.list.status.findData("active"))
    assert [r.id for r in page.list.rows] == [group_id]


def test_the_main_window_has_the_groups_page(qtbot, main_window):
    assert "groups" in main_window.page_keys()
    page = main_window.show_page("groups")
    assert page.tabs.count() == 5 and page.tabs.tabText(0) == "群"


def test_a_customers_groups_show_on_their_timeline(qtbot, ctx, group_id):
    from ui.customers.timeline_view import TimelineView

    with ctx.session() as s:
        cid = create_customer(s, CustomerInput(remark_name="张丽")).id
        g.add_members(s, group_id, [cid], role="koc", joined_on=date(2025, 3, 1))
    view = TimelineView(ctx)
    qtbot.addWidget(view)
    view.set_customer(cid)
    cards = [card for card in view.cards() if card.item.kind == "group"]
    assert [card.body.text() for card in cards] == ["加入「茶香福利群」（福利群），角色：气氛组KOC"]
    assert cards[0].buttons == {}  # memberships are changed on the 社群 page
    view.list.itemDoubleClicked.emit(view.list.item(0))  # nothing to edit here, and no error


def test_materials_picked_for_a_step_open_from_the_task(qtbot, ctx, page, group_id, dialogs):
    from models import Material
    from ui.groups.materials import MaterialsDialog, PickMaterialsDialog

    with ctx.session() as s:
        poster = Material(kind="text", category="话术", title="会员日开场", body="今晚8点会员日开抢")
        s.add(poster)
        s.commit()
        poster_id = poster.id
    panel = page.show_tab("templates")
    daily = next(i for i in panel.templates if i.shape == "daily")
    panel.list.setCurrentRow(panel.templates.index(daily))
    panel.editor.table.selectRow(0)

    def tick(dialog):
        assert isinstance(dialog, PickMaterialsDialog)
        dialog.search.setText("会员日")
        dialog.reload()
        dialog.list.item(0).setCheckState(Qt.CheckState.Checked)
        return True

    dialogs.append(tick)
    panel.editor.step_materials.click()
    assert panel.editor.step_materials.text() == "素材（1）…"
    assert panel.editor.save()
    page.show_tab("groups")
    page.list.reload(group_id)
    _apply_daily(page, dialogs, date.today() + timedelta(days=1), date.today() + timedelta(days=1))
    calendar = page.show_tab("calendar")
    calendar.go_to(date.today() + timedelta(days=1))
    calendar.day_button.setChecked(True)
    calendar.columns[0].list.setCurrentRow(0)
    assert calendar.pane.buttons["materials"].isEnabled()
    shown: list = []
    dialogs.append(lambda d: shown.append(d) or False)
    calendar.pane.buttons["materials"].click()
    assert isinstance(shown[0], MaterialsDialog)
    assert calendar.pane.task is not None and calendar.pane.task.material_ids == (poster_id,)


def test_members_come_in_from_excel_through_the_wizard(qtbot, ctx, page, group_id, tmp_path):
    import openpyxl

    from ui.excel.import_wizard import PREVIEW

    with ctx.session() as s:
        create_customer(s, CustomerInput(remark_name="周敏", wechat_id="zhoumin_88"))
        create_customer(s, CustomerInput(remark_name="吴倩", phone="13900001111"))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["群名", "客户", "微信号", "手机", "角色", "入群日期"])
    sheet.append(["茶香福利群", "周敏", "zhoumin_88", None, "管理", "2026/11/2"])
    sheet.append(["茶香福利群", "吴倩", None, 13900001111, "", "2026年11月3日"])
    sheet.append(["没有这个群", "吴倩", None, 13900001111, "", ""])
    path = tmp_path / "群成员.xlsx"
    book.save(path)

    page.import_button.menu().actions()[1].trigger()  # 群成员…
    wizard = next(w for w in QApplication.topLevelWidgets() if w.__class__.__name__ == "ImportWizard" and w.isVisible())
    assert wizard.file_page.current_kind() == "group-members"
    assert wizard.set_file(path)
    for _ in range(3):
        qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
        qtbot.wait(50)
    qtbot.waitUntil(lambda: wizard.step() == PREVIEW)
    assert "有问题 1" in wizard.preview_page.counts.text()
    qtbot.mouseClick(wizard.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.run_page.finished, timeout=10_000)
    assert wizard.run_page.tile_values["created"].text() == "2"
    wizard.close()
    with ctx.session() as s:
        members = {m.name: m for m in g.list_members(s, group_id)}
    assert set(members) == {"周敏", "吴倩"}
    assert members["周敏"].role == "admin" and members["吴倩"].joined_on == date(2026, 11, 3)
