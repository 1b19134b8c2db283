"""The 朋友圈 page: write a post with two images and a 部分可见 rule (seeing whom it reaches), drag it in
the month and week calendars, publish it through 发布助手, record its results with a linked customer
(who sees it on their timeline), switch month / week / list, read the reports, manage pillars, and
open 发布助手 from 今天."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QThreadPool, QUrl
from PySide6.QtGui import QColor, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QDialog

from services import moments as m
from services.customers import CustomerInput, create_customer
from services.tags import add_tag, save_tag
from services.tags import save_group as save_tag_group
from services.timeline import timeline
from ui.moments import common


@pytest.fixture
def page(qtbot, ctx):
    from ui.moments.page import MomentsPage

    widget = MomentsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    yield widget
    QThreadPool.globalInstance().waitForDone(10_000)  # no count may outlive the store


@pytest.fixture
def dialogs(monkeypatch):
    """Answer the page's dialogs in order: each answer fills the dialog in and says whether it was accepted."""
    answers: list = []

    def run(dialog: QDialog) -> bool:
        answer = answers.pop(0)
        return bool(answer(dialog))

    monkeypatch.setattr(common, "run_dialog", run)
    return answers


@pytest.fixture
def book(ctx):
    """Three customers: 张丽 (高), 王芳 (高, 已购), 赵磊 (低). Returns the ids by name and tag."""
    with ctx.session() as s:
        group = save_tag_group(s, "消费能力", multi=True)
        high, low, bought = (save_tag(s, group, name) for name in ("高", "低", "已购"))
        people = {n: create_customer(s, CustomerInput(remark_name=n)).id for n in ("张丽", "王芳", "赵磊")}
        add_tag(s, [people["张丽"], people["王芳"]], high)
        add_tag(s, [people["王芳"]], bought)
        add_tag(s, [people["赵磊"]], low)
        return {**people, "高": high, "低": low, "已购": bought}


def png(path, color: str):
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    assert image.save(str(path))
    return path


def drop_file(widget, path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    widget.dropEvent(event)


def make_post(ctx, when: datetime, text: str = "新茶到了", **values) -> int:
    with ctx.session() as s:
        return m.create_post(s, m.PostInput(planned_at=when, text=text, **values))


def tomorrow_at(hour: int) -> datetime:
    return datetime.combine(date.today() + timedelta(days=1), datetime.min.time()).replace(hour=hour)


def test_empty_page_explains_what_to_do(page):
    assert page.mode == "month"
    assert "还没有计划朋友圈" in page.summary.text() and "Ctrl+N" in page.summary.text()
    assert "选中一条朋友圈" in page.pane.placeholder.text()
    page.set_mode("list")
    assert page.list.stack.currentWidget() is page.list.empty
    assert "新建朋友圈" in page.list.empty.text()


def test_new_post_with_two_images_and_a_partly_visible_rule(qtbot, ctx, page, book, dialogs, tmp_path):
    first, second = png(tmp_path / "茶饼.png", "#8d6e63"), png(tmp_path / "茶汤.png", "#ff9800")
    seen = {}

    def pick_tags(picker):
        picker.boxes[book["高"]].setChecked(True)
        return True

    def fill(editor):
        editor.planned_at.setDateTime(tomorrow_at(20))
        editor.text.setPlainText("老白茶饼会员价 298，限 30 饼")
        assert editor.text_count.text() == "18 字"
        assert editor.images.add_files([first, second, tmp_path / "不是图片.txt"]) == 2
        drop_file(editor.images.list, png(tmp_path / "多余.png", "#000000"))  # dropped in from the desktop …
        assert editor.images.list.count() == 3
        editor.images.list.setCurrentRow(2)
        editor.images.remove_button.click()  # … and taken out again
        editor.images.list.setCurrentRow(1)
        editor.images.left_button.click()  # 茶汤 first, then back: the order is the user's
        assert [item.split("/")[-1] for item in editor.images.images()] == ["茶汤.png", "茶饼.png"]
        editor.images.right_button.click()
        assert [editor.images.list.item(r).text() for r in range(2)] == ["1", "2"]
        editor.pillar.setCurrentIndex(editor.pillar.findText("活动福利（硬广）"))
        qtbot.waitUntil(lambda: editor.visibility.reach.text() == "可见约 3 位客户（共 3 位）")
        editor.visibility.radios["only_tags"].click()
        dialogs.insert(0, pick_tags)
        editor.visibility.pick_button.click()
        qtbot.waitUntil(lambda: editor.visibility.reach.text() == "可见约 2 位客户（共 3 位）")
        editor.visibility.radios["except_tags"].click()  # the same tags, the other way round
        qtbot.waitUntil(lambda: editor.visibility.reach.text() == "可见约 1 位客户（共 3 位）")
        editor.visibility.radios["only_tags"].click()
        qtbot.waitUntil(lambda: editor.visibility.reach.text() == "可见约 2 位客户（共 3 位）")
        seen["tags"] = editor.visibility.tags_label.text()
        editor.save()
        return editor.result() == QDialog.DialogCode.Accepted

    dialogs.append(fill)
    qtbot.keyClick(page, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert "高" in seen["tags"]
    with ctx.session() as s:
        [post] = m.list_posts(s)
    assert post.visibility == "only_tags" and post.tag_names == ("高",) and post.pillar_name == "活动福利"
    assert len(post.images) == 2
    assert all(m.image_file(ctx.store.data_dir.root, rel).is_file() for rel in post.images)
    assert "茶饼" in post.images[0]  # in the order they were added
    # the calendar shows it as a chip on its day, and it is chosen
    page.go_to(post.planned_at.date())
    chip = page.month.chip_of(post.id)
    assert chip is not None and page.month.cell_at(chip.rect.center()) == post.planned_at.date()
    assert page.pane.title.text() == "老白茶饼会员价 298，限 30 饼"


def test_missing_tags_are_explained_under_the_rule(qtbot, ctx, page, book, dialogs):
    def fill(editor):
        editor.text.setPlainText("只给高消费的客户看")
        editor.visibility.radios["only_tags"].click()
        editor.save()
        assert editor.result() != QDialog.DialogCode.Accepted
        assert "至少要选一个标签" in editor.errors["tag_ids"].text()
        return False

    dialogs.append(fill)
    page.new_post()
    with ctx.session() as s:
        assert m.list_posts(s) == []


def test_one_click_hides_a_post_from_buyers(qtbot, ctx, page, book, dialogs):
    def fill(editor):
        editor.visibility.bought_button.click()
        assert editor.visibility.visibility() == "except_tags"
        assert editor.visibility.rule_tag_ids() == (book["已购"],)
        qtbot.waitUntil(lambda: editor.visibility.reach.text() == "可见约 2 位客户（共 3 位）")
        return False

    dialogs.append(fill)
    page.new_post()


def drag(qtbot, widget, start: QPoint, end: QPoint) -> None:
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
    middle = (start + end) / 2
    qtbot.mouseMove(widget, QPoint(int(middle.x()), int(middle.y())))
    qtbot.mouseMove(widget, end)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end)


def test_drag_a_post_to_another_day_and_time(qtbot, ctx, page):
    monday = common.week_start(date.today()) + timedelta(weeks=1)
    when = datetime.combine(monday, datetime.min.time()).replace(hour=9, minute=30)
    post_id = make_post(ctx, when)
    page.go_to(monday)
    board = page.month
    chip = board.chip_of(post_id)
    assert chip is not None
    target_day = monday + timedelta(days=2)
    target = board.cell_rect(board.days().index(target_day)).center()
    drag(qtbot, board, chip.rect.center(), target)
    with ctx.session() as s:
        assert m.get_post(s, post_id).planned_at == when + timedelta(days=2)  # same time, another day
    assert board.chip_of(post_id) is not None and board.selected_id == post_id
    # the week view places it by time; dragging moves day and time (15-minute steps)
    page.mode_buttons["week"].click()
    week = page.week.board
    chip = week.chip_of(post_id)
    assert chip is not None and week.when_at(QPoint(chip.rect.left() + 5, chip.rect.top() + 1)) == \
        datetime.combine(target_day, datetime.min.time()).replace(hour=9, minute=30)
    grab = QPoint(chip.rect.left() + 5, chip.rect.top() + 5)
    column = week.column_rect(4)  # Friday
    end = QPoint(column.center().x(), grab.y() + 2 * week.HOUR)  # two hours later
    drag(qtbot, week, grab, end)
    with ctx.session() as s:
        assert m.get_post(s, post_id).planned_at == datetime.combine(monday + timedelta(days=4),
                                                                     datetime.min.time()).replace(hour=11, minute=30)
    # ← and → step the week, T comes back
    page.week.board.setFocus()
    qtbot.keyClick(page.week.board, Qt.Key.Key_Right)
    assert page.anchor == monday + timedelta(weeks=1)
    qtbot.keyClick(page.week.board, Qt.Key.Key_T)
    assert page.anchor == date.today()


def test_publish_through_the_helper(qtbot, ctx, page, book, dialogs, monkeypatch, tmp_path):
    from ui.moments import publish

    post_id = make_post(ctx, datetime.now().replace(second=0, microsecond=0) - timedelta(hours=1),
                        "今晚 8 点会员日，老白茶饼 298", visibility="except_tags", tag_ids=(book["已购"],))
    with ctx.session() as s:
        m.set_images(s, ctx.store.data_dir.root, post_id,
                     [png(tmp_path / "1.png", "#4caf50"), png(tmp_path / "2.png", "#e91e63")])
    opened = []
    monkeypatch.setattr(publish, "open_folder", lambda folder: opened.append(folder) or True)
    page.reload()
    page.month.select(post_id)
    assert "过了时间还没发" in page.summary.text()
    actual = datetime.now().replace(second=0, microsecond=0) - timedelta(minutes=5)

    def use(helper):
        helper.copy_text_button.click()
        assert QGuiApplication.clipboard().text() == "今晚 8 点会员日，老白茶饼 298"
        helper.open_button.click()
        assert opened and sorted(p.name for p in opened[0].iterdir()) == ["01.png", "02.png"]
        assert helper.copy_image_button.text() == "复制第 1/2 张"
        helper.copy_image_button.click()
        assert not QGuiApplication.clipboard().image().isNull()
        assert helper.copy_image_button.text() == "复制第 2/2 张"
        rule = " ".join(label.text() for label in helper.findChildren(type(helper.image_state)))
        assert "不给谁看" in rule and "已购" in rule and "约 2 位客户" in rule
        helper.when.setDateTime(actual)
        helper.publish_button.click()
        return helper.result() == QDialog.DialogCode.Accepted

    dialogs.append(use)
    page.pane.buttons["publish"].click()
    with ctx.session() as s:
        post = m.get_post(s, post_id)
    assert post.status == "published" and post.published_at == actual
    assert "已发布" in page.pane.meta.text()
    assert page.pane.buttons["skip"].text() == "恢复排期"


def test_record_results_and_link_a_customer(qtbot, ctx, page, book, dialogs):
    from ui.customers.timeline_view import TimelineView

    post_id = make_post(ctx, datetime.now().replace(second=0, microsecond=0) - timedelta(days=1), "白茶怎么存？",
                        status="published")
    page.reload()
    page.month.select(post_id)

    def link(picker):
        picker.search.setText("王芳")
        picker.run_search()
        picker.check(book["王芳"])
        picker.kind.setCurrentIndex(picker.kind.findData("inquiry"))
        picker.note.setText("问了白茶饼的价格")
        return True

    def fill(results):
        results.spins["likes"].setValue(12)
        results.spins["comments"].setValue(3)
        results.spins["orders"].setValue(1)
        results.revenue.setValue(596)
        results.note.setText("王芳当天买了两饼")
        dialogs.insert(0, link)
        results.add_button.click()
        assert results.table.rowCount() == 1 and results.table.item(0, 0).text() == "王芳"
        assert results.spins["inquiries"].value() == 1  # at least the linked customers who asked
        results.save()
        return results.result() == QDialog.DialogCode.Accepted

    dialogs.append(fill)
    changed = []
    ctx.customers_changed.connect(changed.append)
    page.pane.buttons["results"].click()
    with ctx.session() as s:
        post = m.get_post(s, post_id)
        entries = [e for e in timeline(s, book["王芳"]) if e.kind == "moment"]
    assert (post.likes, post.comments, post.inquiries, post.orders, post.revenue_cents) == (12, 3, 1, 1, 59600)
    assert "点赞 12" in page.pane.results.text() and "￥596" in page.pane.results.text()
    assert changed == [[book["王芳"]]]
    assert len(entries) == 1 and "私聊咨询" in entries[0].body
    view = TimelineView(ctx)
    qtbot.addWidget(view)
    view.set_customer(book["王芳"])
    assert any("白茶怎么存" in card.body.text() for card in view.cards())


def test_month_week_list_switch_and_the_mode_is_remembered(qtbot, ctx, page, book):
    make_post(ctx, tomorrow_at(9), "早安茶", pillar_id=3)
    make_post(ctx, tomorrow_at(20), "会员日", pillar_id=5, visibility="only_tags", tag_ids=(book["高"],))
    page.go_to(date.today() + timedelta(days=1))
    assert page.stack.currentWidget() is page.month and len(page.month.chips) == 2
    page.mode_buttons["week"].click()
    assert page.stack.currentWidget() is page.week and len(page.week.board.chips) == 2
    page.mode_buttons["list"].click()
    assert page.stack.currentWidget() is page.list and page.list.table.rowCount() == 2
    assert not page.prev_button.isVisible()
    # the list filters: tag, pillar, text (Ctrl+F)
    page.list.tag.setCurrentIndex(page.list.tag.findData(book["高"]))
    assert [page.list.table.item(r, 4).text() for r in range(page.list.table.rowCount())] == ["会员日"]
    page.list.clear_filters()
    page.list.pillar.setCurrentIndex(page.list.pillar.findData(3))
    assert page.list.table.rowCount() == 1
    page.list.clear_filters()
    qtbot.keyClick(page.list.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.list.text.hasFocus()
    page.list.text.setText("早安")
    qtbot.waitUntil(lambda: page.list.table.rowCount() == 1)
    page.list.text.setText("没有这条")
    qtbot.waitUntil(lambda: page.list.stack.currentWidget() is page.list.empty)
    assert "清空筛选" in page.list.empty.text()
    page.save_state()
    from ui.moments.page import MomentsPage

    again = MomentsPage(ctx)
    qtbot.addWidget(again)
    assert again.mode == "list"


def test_duplicate_and_delete_with_keys(qtbot, ctx, page, monkeypatch):
    monkeypatch.setattr("ui.moments.page.confirm", lambda *args, **kwargs: True)
    post_id = make_post(ctx, tomorrow_at(10), "复制我")
    page.go_to(date.today() + timedelta(days=1))
    page.month.select(post_id)
    page.month.setFocus()
    qtbot.keyClick(page.month, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    with ctx.session() as s:
        posts = m.list_posts(s)
    assert [p.status for p in posts] == ["scheduled", "draft"]
    assert posts[1].planned_at == posts[0].planned_at + timedelta(days=1)
    assert page.selected_id == posts[1].id
    qtbot.keyClick(page.month, Qt.Key.Key_Delete)
    with ctx.session() as s:
        assert [p.id for p in m.list_posts(s)] == [post_id]
        assert [p.id for p in m.list_trashed_posts(s)] == [posts[1].id]


def test_reports_tab_shows_the_pillar_rows(qtbot, ctx, page):
    post_id = make_post(ctx, datetime.now().replace(second=0, microsecond=0) - timedelta(hours=2), "晒单",
                        pillar_id=2, status="published")
    with ctx.session() as s:
        m.record_results(s, post_id, 20, 4, 2, 1, 29800)
    reports = page.reports
    with qtbot.waitSignal(reports.loaded, timeout=10_000):
        page.show_tab("reports")
    table = reports.pillars
    rows = {table.item(r, 0).text(): [table.item(r, c).text() for c in range(1, 7)] for r in range(table.rowCount())}
    assert rows["用户口碑"] == ["1", "20", "4", "2", "1", "￥298.00"]
    assert rows["产品种草"][0] == "0"
    assert not reports.empty.isVisible()
    assert reports.hard_sell.rowCount() == 8 and reports.weekdays.rowCount() == 7
    chart = reports.chart  # only pillars with posts get bars: likes, comments, inquiries side by side
    assert chart.categories == ["用户口碑"]
    assert chart.series == [("点赞", [20.0]), ("评论", [4.0]), ("咨询", [2.0])]


def test_weeks_over_the_hard_sell_line_are_red(qtbot, ctx, page):
    for hour in (9, 12, 20):  # two of three are 活动福利 (硬广): 67% > 30%
        make_post(ctx, datetime.combine(common.week_start(date.today()), datetime.min.time()).replace(hour=hour),
                  pillar_id=5 if hour != 12 else 3)
    with qtbot.waitSignal(page.reports.loaded, timeout=10_000):
        page.show_tab("reports")
    table = page.reports.hard_sell
    assert table.item(0, 3).text() == "67%" and "超过提醒线" in table.item(0, 4).text()
    assert table.item(0, 0).foreground().color().name() == common.OVERDUE_COLOR
    assert "1 周超过" in page.reports.hard_title.text()
    page.show_tab("plan")
    page.set_mode("week")
    page.go_to(date.today())
    assert "超过提醒线 30%" in page.summary.text()


def test_manage_pillars(qtbot, ctx, page, dialogs, monkeypatch):
    monkeypatch.setattr("ui.moments.pillars.confirm", lambda *args, **kwargs: True)
    make_post(ctx, tomorrow_at(9), pillar_id=6)

    def manage(dialog):
        dialog.add("门店日常")
        row = next(r for r, p in enumerate(dialog.rows) if p.name == "门店日常")
        dialog.set_hard_sell(row, True)
        dialog.rename(row, "门店日常小事")
        dialog.choose_color(row, "#123456")
        dialog.add("门店日常小事")  # a name already taken is refused with a message, nothing added
        brand = next(r for r, p in enumerate(dialog.rows) if p.name == "品牌故事")
        dialog.table.selectRow(brand)
        dialog.delete()
        return True

    monkeypatch.setattr("ui.moments.common.show_error", lambda parent, exc, title=None: refused.append(str(exc)))
    refused: list[str] = []
    dialogs.append(manage)
    page.pillars_button.click()
    with ctx.session() as s:
        pillars = {p.name: p for p in m.list_pillars(s)}
        [post] = m.list_posts(s)
    assert pillars["门店日常小事"].hard_sell and pillars["门店日常小事"].color == "#123456"
    assert "品牌故事" not in pillars and post.pillar_id is None  # the post stays, 未分类
    assert refused and "门店日常小事" in refused[0]
    assert page.list.pillar.findText("门店日常小事（硬广）") >= 0


def test_today_opens_the_publish_helper_for_a_due_post(qtbot, ctx, dialogs):
    from ui.today import TodayPage

    with ctx.session() as s:
        create_customer(s, CustomerInput(remark_name="张丽"))
    post_id = make_post(ctx, datetime.now().replace(second=0, microsecond=0) - timedelta(minutes=30), "午安，喝茶")
    today = TodayPage(ctx)
    qtbot.addWidget(today)
    today.show()
    qtbot.waitUntil(lambda: any(r.data(0, Qt.ItemDataRole.UserRole).kind == "post"
                                for r in today.tree.item_rows()), timeout=10_000)
    row = next(r for r in today.tree.item_rows() if r.data(0, Qt.ItemDataRole.UserRole).kind == "post")
    today.tree.setCurrentItem(row)
    assert today.publish_button.isVisible()

    def use(helper):
        helper.copy_text_button.click()
        helper.publish_button.click()
        return True

    dialogs.append(use)
    with qtbot.waitSignal(today.loaded, timeout=10_000):
        today.publish_button.click()
    assert QGuiApplication.clipboard().text() == "午安，喝茶"
    with ctx.session() as s:
        assert m.get_post(s, post_id).status == "published"
    assert all(r.data(0, Qt.ItemDataRole.UserRole).kind != "post" for r in today.tree.item_rows())
    QThreadPool.globalInstance().waitForDone(10_000)
