"""今天 page: a welcome for an empty store; otherwise today's follow-ups, overdue ones first."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from services import timeline
from services.today import DueFollowUp, book_summary, due_follow_ups
from ui.background import run_in_background
from ui.context import AppContext
from ui.errors import show_error
from ui.excel.import_wizard import open_import_wizard
from ui.i18n import tr
from ui.widgets import EmptyState

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
DEMO_CUSTOMERS = 2000


class DoneDialog(QDialog):
    """Mark a follow-up done: what came of it, and optionally when to follow up next."""

    def __init__(self, item: DueFollowUp, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("完成跟进：{name}", name=item.customer_name))
        form = QFormLayout(self)
        form.addRow(tr("事由"), QLabel(item.reason))
        self.result = QPlainTextEdit()
        self.result.setPlaceholderText(tr("聊了什么、结果如何（会记在客户的时间线上）"))
        self.result.setFixedHeight(90)
        form.addRow(tr("结果"), self.result)
        self.next_due = QDateEdit(date.today() + timedelta(days=7))
        self.next_due.setCalendarPopup(True)
        self.next_due.setDisplayFormat("yyyy-MM-dd")
        self.plan_next = QPushButton(tr("不安排"))
        self.plan_next.setCheckable(True)
        self.plan_next.toggled.connect(lambda on: self.plan_next.setText(tr("安排") if on else tr("不安排")))
        row = QHBoxLayout()
        row.addWidget(self.plan_next)
        row.addWidget(self.next_due)
        form.addRow(tr("下次跟进"), row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class TodayPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)

        self.welcome = EmptyState(
            tr("欢迎使用客本"),
            tr("客本是你的客户本：记下每位微信客户的备注、标签、购买和跟进，每天早上告诉你该联系谁。\n"
               "所有数据只保存在这台电脑上。"),
        )
        self.welcome.add_button(tr("新建第一位客户")).clicked.connect(ctx.new_customer_requested.emit)
        self.demo_button = self.welcome.add_button(tr("加载演示数据（{n} 位客户）", n=DEMO_CUSTOMERS))
        self.demo_button.clicked.connect(self.load_demo)
        self.welcome.add_button(tr("从 Excel 导入客户…")).clicked.connect(lambda: open_import_wizard(ctx, self))
        self.stack.addWidget(self.welcome)

        board = QWidget()
        board_layout = QVBoxLayout(board)
        self.heading = QLabel()
        self.heading.setObjectName("pageTitle")
        board_layout.addWidget(self.heading)
        self.tiles = QGridLayout()
        self.tile_values: dict[str, QLabel] = {}
        for column, (key, title) in enumerate((("customers", tr("客户总数")), ("added", tr("本月新增")),
                                               ("overdue", tr("逾期跟进")), ("due_today", tr("今日跟进")))):
            frame = QFrame()
            frame.setFrameShape(QFrame.Shape.StyledPanel)
            tile = QVBoxLayout(frame)
            value = QLabel("0")
            value.setStyleSheet("font-size: 26px; font-weight: bold;")
            tile.addWidget(value)
            tile.addWidget(QLabel(title))
            self.tile_values[key] = value
            self.tiles.addWidget(frame, 0, column)
        board_layout.addLayout(self.tiles)
        board_layout.addWidget(QLabel(tr("需要跟进的客户（逾期、今天和未来 7 天）")))
        self.tree = QTreeWidget()
        self.tree.setObjectName("todayList")
        self.tree.setHeaderLabels([tr("客户"), tr("事由"), tr("日期")])
        self.tree.setColumnWidth(0, 200)
        self.tree.setColumnWidth(1, 380)
        self.tree.setColumnWidth(2, 110)
        self.tree.setUniformRowHeights(True)
        self.tree.itemDoubleClicked.connect(self._open)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._row_menu)
        board_layout.addWidget(self.tree, 1)
        actions = QHBoxLayout()
        self.open_button = QPushButton(tr("打开客户"))
        self.open_button.clicked.connect(self._open_current)
        self.done_button = QPushButton(tr("完成…"))
        self.done_button.clicked.connect(self._done_current)
        self.snooze_button = QPushButton(tr("推迟"))
        self.snooze_menu = QMenu(tr("推迟"), self)
        for label, days in ((tr("明天"), 1), (tr("3 天后"), 3), (tr("下周"), 7)):
            self.snooze_menu.addAction(label, lambda d=days: self._snooze_current(d))
        self.snooze_button.setMenu(self.snooze_menu)
        for button in (self.open_button, self.done_button, self.snooze_button):
            actions.addWidget(button)
        actions.addStretch(1)
        board_layout.addLayout(actions)
        self.nothing = QLabel(tr("今天没有要跟进的客户。可以在客户页面给客户“安排跟进”。"))
        self.nothing.setAlignment(Qt.AlignmentFlag.AlignCenter)
        board_layout.addWidget(self.nothing)
        self.stack.addWidget(board)
        self.board = board

        self._stale = False
        self._shown_day = date.today()
        ctx.customers_changed.connect(lambda _ids: self._changed())
        self.refresh()

    def activate(self) -> None:
        """Shown again: refresh if something changed meanwhile, or the day has turned."""
        if self._stale or self._shown_day != date.today():
            self.refresh()

    def _changed(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def refresh(self, today: date | None = None) -> None:
        today = today or date.today()
        self._stale, self._shown_day = False, today
        with self.ctx.session() as session:
            summary = book_summary(session, today)
            items = due_follow_ups(session, today, days_ahead=7) if summary.customers else []
        if not summary.customers:
            self.stack.setCurrentWidget(self.welcome)
            return
        self.stack.setCurrentWidget(self.board)
        self.heading.setText(f"{tr('今天')}  {today.isoformat()}  {tr(WEEKDAYS[today.weekday()])}")
        for key, value in (("customers", summary.customers), ("added", summary.added_this_month),
                           ("overdue", summary.overdue), ("due_today", summary.due_today)):
            self.tile_values[key].setText(f"{value:,}")
        self._fill(items, today)

    def _fill(self, items: list[DueFollowUp], today: date) -> None:
        self.tree.clear()
        groups = ((tr("逾期"), [i for i in items if i.due_on < today]),
                  (tr("今天"), [i for i in items if i.due_on == today]),
                  (tr("未来 7 天"), [i for i in items if i.due_on > today]))
        for title, members in groups:
            if not members:
                continue
            group = QTreeWidgetItem([f"{title}（{len(members)}）"])
            self.tree.addTopLevelItem(group)
            for item in members:
                row = QTreeWidgetItem([item.customer_name, item.reason, item.due_on.isoformat()])
                row.setData(0, Qt.ItemDataRole.UserRole, item)
                if item.due_on < today:
                    row.setForeground(2, QBrush(QColor("#d32f2f")))
                group.addChild(row)
            group.setExpanded(True)
        self.nothing.setVisible(not items)
        self.tree.setVisible(bool(items))
        self._selection_changed()

    def current_item(self) -> DueFollowUp | None:
        row = self.tree.currentItem()
        item = row.data(0, Qt.ItemDataRole.UserRole) if row is not None else None
        return item if isinstance(item, DueFollowUp) else None

    def _selection_changed(self) -> None:
        chosen = self.current_item() is not None
        for button in (self.open_button, self.done_button, self.snooze_button):
            button.setEnabled(chosen)

    def _row_menu(self, pos: QPoint) -> None:
        if self.current_item() is None:
            return
        menu = QMenu(self)
        menu.addAction(tr("打开客户"), self._open_current)
        menu.addAction(tr("完成…"), self._done_current)
        menu.addMenu(self.snooze_menu)
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    def _open_current(self) -> None:
        item = self.current_item()
        if item is not None:
            self.ctx.open_customer.emit(item.customer_id)

    def _done_current(self) -> None:
        item = self.current_item()
        if item is not None:
            self.mark_done(item)

    def _snooze_current(self, days: int) -> None:
        item = self.current_item()
        if item is not None:
            self.snooze(item, date.today() + timedelta(days=days))

    def _open(self, row: QTreeWidgetItem) -> None:
        item = row.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(item, DueFollowUp):
            self.ctx.open_customer.emit(item.customer_id)

    def mark_done(self, item: DueFollowUp, dialog: DoneDialog | None = None) -> None:
        dialog = dialog or DoneDialog(item, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        next_due = dialog.next_due.date().toPython() if dialog.plan_next.isChecked() else None
        try:
            with self.ctx.session() as session:
                timeline.complete_follow_up(session, item.id, dialog.result.toPlainText(), next_due)
        except Exception as exc:
            show_error(self, exc)
            return
        self.ctx.customers_changed.emit([item.customer_id])

    def snooze(self, item: DueFollowUp, to: date) -> None:
        try:
            with self.ctx.session() as session:
                timeline.save_follow_up(session, item.customer_id, to, item.reason, follow_up_id=item.id)
        except Exception as exc:
            show_error(self, exc)
            return
        self.ctx.customers_changed.emit([item.customer_id])

    def load_demo(self) -> None:
        from services.demo import DemoOptions, fill_demo

        store = self.ctx.store

        def work(progress: object) -> dict[str, int]:
            with store.db.session() as session:
                return fill_demo(session, DemoOptions(customers=DEMO_CUSTOMERS),
                                 progress=progress.update, cancelled=progress.want_cancel)  # type: ignore[attr-defined]

        self.demo_button.setEnabled(False)
        op = run_in_background(self, work, lambda _counts: self.ctx.customers_changed.emit([]),
                               title=tr("正在生成演示数据…"))
        op.done.connect(lambda: self.demo_button.setEnabled(True))
