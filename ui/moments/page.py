"""朋友圈: plan the Moments feed — a month or week calendar (or a filtered list) of planned posts for one
WeChat account or all of them, the chosen post beside it, and the reports.

Keys: Ctrl+N new post, Ctrl+D duplicate, Delete to the 回收站, Enter opens, Ctrl+F filters the list;
on the calendar T goes to today and ←/→ to the previous / next month or week.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from services import moments as m
from services import moments_report as r
from services import settings_store
from services.moments import PostRow
from ui.context import AppContext
from ui.errors import confirm
from ui.groups.common import fill_account_combo
from ui.i18n import tr
from ui.moments import common
from ui.moments.calendar import MonthBoard, PostBoard
from ui.moments.detail import PostPane
from ui.moments.editor import PostEditor, next_slot
from ui.moments.pillars import PillarDialog
from ui.moments.post_list import PostList
from ui.moments.publish import PublishHelperDialog
from ui.moments.reports import ReportsView
from ui.moments.results import ResultsDialog
from ui.moments.week import WeekView

MODES = ("month", "week", "list")
TABS = ("plan", "reports")


class MomentsPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.anchor = date.today()
        self.posts: list[PostRow] = []
        self.selected_id: int | None = None
        self.month = MonthBoard()
        self.week = WeekView()
        self.list = PostList(ctx)
        self.pane = PostPane(ctx.store.data_dir.root)
        self._build()
        self._connect()
        self._shortcuts()
        mode = str(ctx.ui_state.value("moments/mode", "month"))
        self.set_mode(mode if mode in MODES else "month")
        tab = str(ctx.ui_state.value("moments/tab", "plan"))
        self.tabs.setCurrentIndex(TABS.index(tab) if tab in TABS else 0)

    # ---- building ----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.mode_buttons: dict[str, QPushButton] = {}
        self.mode_group = QButtonGroup(self)
        for key, label, tip in (("month", "月", "按月看"), ("week", "周", "按周看，可以拖到具体时间"),
                                ("list", "列表", "按条件筛选所有朋友圈")):
            button = QPushButton(tr(label))
            button.setCheckable(True)
            button.setToolTip(tr(tip))
            self.mode_group.addButton(button)
            self.mode_buttons[key] = button
        self.prev_button, self.next_button = QToolButton(), QToolButton()
        self.prev_button.setText("◀")
        self.next_button.setText("▶")
        self.prev_button.setToolTip(tr("上一个月 / 上一周  ←"))
        self.next_button.setToolTip(tr("下一个月 / 下一周  →"))
        self.today_button = QPushButton(tr("今天"))
        self.today_button.setToolTip("T")
        self.period = QLabel()
        self.period.setObjectName("momentsPeriod")
        self.period.setStyleSheet("font-size: 15px; font-weight: bold;")
        self.account = QComboBox()
        self.account.setToolTip(tr("只看一个微信号的朋友圈"))
        fill_account_combo(self.ctx, self.account, everyone=tr("全部微信号"))
        self.new_button = QPushButton(tr("新建朋友圈"))
        self.new_button.setToolTip("Ctrl+N")
        self.pillars_button = QPushButton(tr("内容支柱…"))
        self.pillars_button.setToolTip(tr("管理内容支柱：增删改名、颜色、是否算硬广"))
        top = QHBoxLayout()
        for control in (*self.mode_buttons.values(), self.prev_button, self.today_button, self.next_button):
            top.addWidget(control)
        top.addSpacing(8)
        top.addWidget(self.period)
        top.addStretch(1)
        for part in (self.account, self.new_button, self.pillars_button):
            top.addWidget(part)
        self.summary = QLabel()
        self.summary.setObjectName("momentsSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.stack = QStackedWidget()
        for view in (self.month, self.week, self.list):
            self.stack.addWidget(view)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.pane)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([960, 320])
        self.splitter.setChildrenCollapsible(False)
        self.plan = QWidget()
        column = QVBoxLayout(self.plan)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(top)
        column.addWidget(self.summary)
        column.addWidget(self.splitter, 1)
        self.reports = ReportsView(self.ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("momentsTabs")
        self.tabs.addTab(self.plan, tr("计划"))
        self.tabs.addTab(self.reports, tr("报表"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        self.ctx.ui_state.restore_splitter("moments.plan", self.splitter)

    def _connect(self) -> None:
        for key, button in self.mode_buttons.items():
            button.clicked.connect(lambda _=False, k=key: self.set_mode(k))
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.today_button.clicked.connect(lambda: self.go_to(date.today()))
        self.account.currentIndexChanged.connect(lambda _i: self.reload())
        self.new_button.clicked.connect(lambda: self.new_post())
        self.pillars_button.clicked.connect(self.manage_pillars)
        for board in (self.month, self.week.board):
            self._connect_board(board)
        self.month.day_requested.connect(self._show_week_of)
        self.list.selected.connect(self._chosen)
        self.list.open_requested.connect(self.open_post)
        self.list.filters_changed.connect(self.reload)
        self.pane.action.connect(lambda key: self.act(key, self.selected_id))
        self.tabs.currentChanged.connect(self._tab_changed)
        self.ctx.settings_changed.connect(self._settings_changed)
        self.ctx.tags_changed.connect(self.list.refresh_filters)

    def _connect_board(self, board: PostBoard) -> None:
        board.selected.connect(self._chosen)
        board.open_requested.connect(self.open_post)
        board.new_requested.connect(lambda when: self.new_post(when))
        board.move_requested.connect(self.move_post)
        board.menu_requested.connect(self._menu)

    def _shortcuts(self) -> None:
        def add(owner: QWidget, keys: QKeySequence | QKeySequence.StandardKey | str, slot: object,
                context: Qt.ShortcutContext = Qt.ShortcutContext.WidgetWithChildrenShortcut) -> None:
            action = QAction(owner)
            action.setShortcut(QKeySequence(keys))
            action.setShortcutContext(context)
            action.triggered.connect(slot)
            owner.addAction(action)

        add(self, QKeySequence.StandardKey.New, lambda: self.new_post())
        add(self.plan, "Ctrl+D", lambda: self.act("duplicate", self.selected_id))
        add(self.plan, QKeySequence.StandardKey.Delete, lambda: self.act("delete", self.selected_id))
        add(self.plan, QKeySequence.StandardKey.Find, self.focus_filter)
        for calendar in (self.month, self.week):
            add(calendar, "T", lambda: self.go_to(date.today()))
            add(calendar, "Left", lambda: self.step(-1))
            add(calendar, "Right", lambda: self.step(1))

    # ---- state -------------------------------------------------------------------------------------

    def save_state(self) -> None:
        self.ctx.ui_state.save_splitter("moments.plan", self.splitter)
        self.ctx.ui_state.set_value("moments/mode", self.mode)
        self.ctx.ui_state.set_value("moments/tab", TABS[self.tabs.currentIndex()])
        self.list.save_state()

    def activate(self) -> None:
        """Shown again: posts may have been published from 今天, pillars or tags changed."""
        self.list.refresh_filters()
        self._tab_changed(self.tabs.currentIndex())

    def _tab_changed(self, index: int) -> None:
        if TABS[index] == "reports":
            self.reports.reload()
        else:
            self.reload()

    def _settings_changed(self) -> None:
        fill_account_combo(self.ctx, self.account, everyone=tr("全部微信号"))
        self.reload()

    # ---- periods -----------------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        return next((key for key, button in self.mode_buttons.items() if button.isChecked()), "month")

    def set_mode(self, mode: str) -> None:
        self.mode_buttons[mode].setChecked(True)
        self.stack.setCurrentWidget({"month": self.month, "week": self.week, "list": self.list}[mode])
        calendar = mode != "list"
        if not calendar:
            self.list.refresh_filters()  # pillars and tags may have been edited meanwhile
        for widget in (self.prev_button, self.next_button, self.today_button, self.period):
            widget.setVisible(calendar)
        self.reload()
        self.stack.currentWidget().setFocus()  # type: ignore[union-attr]
        if mode == "week":
            self.week.board.setFocus()

    def step(self, by: int) -> None:
        if self.mode == "month":
            month = self.anchor.month - 1 + by
            first = date(self.anchor.year + month // 12, month % 12 + 1, 1)
            self.go_to(first if date.today().replace(day=1) != first else date.today())
        elif self.mode == "week":
            self.go_to(self.anchor + timedelta(weeks=by))

    def go_to(self, day: date) -> None:
        self.anchor = day
        self.reload()

    def _show_week_of(self, day: date) -> None:
        self.anchor = day
        self.set_mode("week")

    def span(self) -> tuple[date, date]:
        """The days shown: [first, end) of the month's weeks or the week."""
        if self.mode == "week":
            first = common.week_start(self.anchor)
            return first, first + timedelta(days=7)
        first = common.month_grid_start(self.anchor)
        return first, first + timedelta(weeks=common.month_weeks(self.anchor))

    # ---- loading -----------------------------------------------------------------------------------

    def reload(self) -> None:
        account_id = self.account.currentData()
        with self.ctx.session() as session:
            if self.mode == "list":
                self.posts = self.list.load(session, account_id)
            else:
                first, end = self.span()
                self.posts = m.list_posts(session, first, end, account_id=account_id)
            threshold = settings_store.get(session, r.HARD_SELL_THRESHOLD)
        keep = self.selected_id
        if self.mode == "month":
            self.month.set_month(self.anchor, self.posts)
            self.month.select(keep)
            self.period.setText(tr("{y}年{m}月", y=self.anchor.year, m=self.anchor.month))
        elif self.mode == "week":
            self.week.set_week(self.anchor, self.posts)
            self.week.board.select(keep)
            first, end = self.span()
            self.period.setText(f"{first:%Y-%m-%d} — {end - timedelta(days=1):%m-%d}")
        else:
            self.list.show_posts(self.posts, keep)
        self._show_summary(threshold)
        self._chosen(keep if any(p.id == keep for p in self.posts) else None)

    def _show_summary(self, threshold: int) -> None:
        shown = self.posts
        if self.mode == "month":
            shown = [p for p in self.posts if p.planned_at.month == self.anchor.month]
            where = tr("本月")
        else:
            where = tr("这周") if self.mode == "week" else tr("列表里")
        if not shown and self.mode != "list":
            self.summary.setText(tr("这段时间还没有计划朋友圈：双击日历上的某一天（或点“新建朋友圈”，Ctrl+N）写一条，"
                                    "定好时间、配图和可见范围；到时间“今天”页会提醒你发。"))
            return
        now = datetime.now()
        count = {status: sum(1 for p in shown if p.status == status) for status in common.STATUS_LABELS}
        late = sum(1 for p in shown if common.is_overdue(p, now) and p.status == "scheduled")
        parts = [tr("{where} {n} 条", where=where, n=len(shown)), tr("已发布 {n}", n=count["published"]),
                 tr("已排期 {n}", n=count["scheduled"])]
        if count["draft"]:
            parts.append(tr("草稿 {n}", n=count["draft"]))
        if count["skipped"]:
            parts.append(tr("已跳过 {n}", n=count["skipped"]))
        text = "　·　".join(parts)
        if late:
            text += f'　·　<span style="color:{common.OVERDUE_COLOR};">{tr("{n} 条过了时间还没发", n=late)}</span>'
        live = [p for p in shown if p.status in ("scheduled", "published")]
        if live and self.mode != "list":
            share = sum(1 for p in live if p.hard_sell) / len(live)
            label = tr("硬广占比 {p:.0%}", p=share)
            if self.mode == "week" and share * 100 > threshold:
                label = (f'<span style="color:{common.OVERDUE_COLOR}; font-weight:bold;">⚠ {label}，'
                         f'{tr("超过提醒线 {n}%：这周少发点卖货内容", n=threshold)}</span>')
            text += "　·　" + label
        self.summary.setText(text)

    def _chosen(self, post_id: object) -> None:
        self.selected_id = post_id if isinstance(post_id, int) else None
        self.pane.show_post(self.post(self.selected_id))

    def post(self, post_id: int | None) -> PostRow | None:
        return next((p for p in self.posts if p.id == post_id), None)

    def select(self, post_id: int | None) -> None:
        self.selected_id = post_id
        self.reload()

    def focus_filter(self) -> None:
        if self.mode != "list":
            self.set_mode("list")
        self.list.text.setFocus()
        self.list.text.selectAll()

    # ---- actions -----------------------------------------------------------------------------------

    def new_post(self, when: datetime | None = None) -> None:
        if when is None and self.mode != "list" and self.anchor != date.today():
            when = next_slot(self.anchor)
        if when is not None and when < datetime.now() and when.date() == date.today():
            when = next_slot()
        self.tabs.setCurrentIndex(0)
        dialog = PostEditor(self.ctx, None, when, self.account.currentData(), self)
        if common.run_dialog(dialog) and dialog.saved_id is not None:
            self.ctx.status_message.emit(tr("已保存朋友圈，到时间“今天”页会提醒你发"))
            self._after_edit(dialog)

    def open_post(self, post_id: int) -> None:
        dialog = PostEditor(self.ctx, post_id, parent=self)
        if common.run_dialog(dialog):
            self._after_edit(dialog)

    def _after_edit(self, dialog: PostEditor) -> None:
        if dialog.action == "trashed":
            self.ctx.status_message.emit(tr("已移到回收站"))
            self.select(None)
            return
        if dialog.action == "duplicated":
            self.ctx.status_message.emit(tr("已复制为新草稿（第二天同一时间）"))
        self._show_post_period(dialog.saved_id)

    def _show_post_period(self, post_id: int | None) -> None:
        """Select the post, moving the calendar to its day when it is outside the shown period."""
        if post_id is not None and self.mode != "list":
            with self.ctx.session() as session:
                planned = m.get_post(session, post_id).planned_at.date()
            first, end = self.span()
            if not first <= planned < end or (self.mode == "month" and planned.month != self.anchor.month):
                self.anchor = planned
        self.select(post_id)

    def move_post(self, post_id: int, when: datetime) -> None:
        """A chip was dragged to `when` (the calendars' drop path)."""
        if common.run_change(self, self.ctx, lambda s: m.move_post(s, post_id, when)) is None:
            self.reload()
            return
        self.ctx.status_message.emit(tr("已改到 {when}", when=f"{when:%m-%d %H:%M}"))
        self.select(post_id)

    def act(self, key: str, post_id: int | None) -> None:
        post = self.post(post_id)
        if post is None:
            return
        if key == "edit":
            self.open_post(post.id)
        elif key == "publish":
            self.publish(post.id)
        elif key == "results":
            self.record_results(post.id)
        elif key == "duplicate":
            copy = common.run_change(self, self.ctx, lambda s: m.duplicate_post(s, post.id))
            if isinstance(copy, int) and not isinstance(copy, bool):
                self.ctx.status_message.emit(tr("已复制为新草稿（第二天同一时间），双击可以修改"))
                self._show_post_period(copy)
        elif key == "delete":
            if confirm(self, tr("删除朋友圈"), tr("把“{title}”移到回收站？可以在回收站里恢复。", title=common.post_title(post)),
                       tr("移到回收站")) and common.run_change(self, self.ctx, lambda s: m.trash_posts(s, [post.id])):
                self.ctx.status_message.emit(tr("已移到回收站"))
                self.select(None)
        elif key == "skip":
            if common.run_change(self, self.ctx, lambda s: m.skip_post(s, post.id)):
                self.ctx.status_message.emit(tr("已跳过：{t}", t=common.post_title(post)))
            self.reload()
        elif key == "reschedule":
            if common.run_change(self, self.ctx, lambda s: m.reschedule(s, post.id)):
                self.ctx.status_message.emit(tr("已恢复为已排期"))
            self.reload()

    def publish(self, post_id: int) -> None:
        dialog = PublishHelperDialog(self.ctx, post_id, self)
        if common.run_dialog(dialog):
            self.select(post_id)

    def record_results(self, post_id: int) -> None:
        dialog = ResultsDialog(self.ctx, post_id, self)
        accepted = common.run_dialog(dialog)
        if dialog.linked_changed:
            self.ctx.customers_changed.emit(sorted(dialog.touched))
        if accepted:
            self.ctx.status_message.emit(tr("已记录效果"))
        self.select(post_id)

    def manage_pillars(self) -> None:
        dialog = PillarDialog(self.ctx, self)
        common.run_dialog(dialog)
        if dialog.changed:
            self.list.refresh_filters()
            self.reload()

    def _menu(self, post_id: object, when: object, where: QPoint) -> None:
        menu = QMenu(self)
        post = self.post(post_id if isinstance(post_id, int) else None)
        if post is not None:
            menu.addAction(tr("发布助手…"), lambda: self.act("publish", post.id))
            menu.addAction(tr("记录效果…"), lambda: self.act("results", post.id))
            menu.addAction(tr("编辑…"), lambda: self.act("edit", post.id))
            menu.addAction(tr("复制一条"), lambda: self.act("duplicate", post.id))
            if post.status in ("skipped", "published"):
                menu.addAction(tr("恢复排期"), lambda: self.act("reschedule", post.id))
            else:
                menu.addAction(tr("跳过"), lambda: self.act("skip", post.id))
            menu.addAction(tr("删除"), lambda: self.act("delete", post.id))
            menu.addSeparator()
        if isinstance(when, datetime):
            menu.addAction(tr("在 {day} 新建朋友圈…", day=f"{when:%m-%d}"), lambda: self.new_post(when))
        if not menu.isEmpty():
            menu.exec(where)

    def show_tab(self, key: str) -> QWidget:
        self.tabs.setCurrentIndex(TABS.index(key))
        return self.tabs.currentWidget()

