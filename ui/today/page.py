"""今天: the home page. A welcome (with demo data and Excel import) for an empty store; otherwise the
chosen day — its date with 农历, 节气 and holidays, KPI tiles and charts, and one grouped list of
what to do: open the customer, copy the script, mark done with a result, or snooze.

Keys on the list: Enter opens the customer, Space or D marks done, S snoozes, C copies the script.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QDate, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from services.calendar_cn import DayInfo, coming_days, day_info
from services.today import TodayItem, TodayList, book_summary, complete_item, snooze_item, today_list
from services.today_kpis import Kpis, compute_kpis
from services.today_scripts import script_for
from ui.background import run_in_background
from ui.context import AppContext
from ui.errors import show_error
from ui.i18n import tr
from ui.today.dialogs import SNOOZE_CHOICES, DoneDialog, SnoozeDateDialog
from ui.today.item_list import TodayTree
from ui.today.kpis import KpiCharts, KpiTiles
from ui.today.notifier import DueNotifier
from ui.widgets import EmptyState

DEMO_CUSTOMERS = 2000
HEADER_QSS = """
QLabel#todayDay { font-size: 20px; font-weight: bold; }
QLabel#todayLunar { font-size: 14px; }
QLabel#todayComing { font-size: 12px; color: #888888; }
QLabel#todayHint { font-size: 12px; color: #888888; }
"""


@dataclass(frozen=True)
class Loaded:
    """What one background load hands the page."""

    day: date
    items: TodayList
    kpis: Kpis
    info: DayInfo
    coming: list[DayInfo]


class TodayPage(QWidget):
    """Signals:
        loaded(): the list and figures of the chosen day are on screen.
    """

    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.day = date.today()
        self.follow_today = True  # move on to the new day when the date turns
        self.result: TodayList | None = None
        self._generation = 0
        self._loading = False
        self._stale = False
        self.stack = QStackedWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self._build_welcome()
        self._build_board()
        ctx.customers_changed.connect(lambda _ids: self._changed())
        ctx.settings_changed.connect(self._changed)
        self.notifier = DueNotifier(ctx.store, self)
        self.notifier.clicked.connect(self._bring_to_front)
        self.notifier.announced.connect(lambda _text: self._day_turned() if self.day != date.today()
                                        else self._changed())
        if self.notifier.tray is not None:
            QTimer.singleShot(2000, self.notifier.start)
        self.day_timer = QTimer(self)
        self.day_timer.setInterval(60_000)
        self.day_timer.timeout.connect(self._day_turned)
        self.day_timer.start()
        self.refresh()

    # ---- building --------------------------------------------------------------------------------

    def _build_welcome(self) -> None:
        self.welcome = EmptyState(
            tr("欢迎使用客本"),
            tr("客本是你的客户本：记下每位微信客户的备注、标签、购买和跟进，每天早上告诉你该联系谁。\n"
               "所有数据只保存在这台电脑上。"),
        )
        self.welcome.add_button(tr("新建第一位客户")).clicked.connect(self.ctx.new_customer_requested.emit)
        self.demo_button = self.welcome.add_button(tr("加载演示数据（{n} 位客户）", n=DEMO_CUSTOMERS))
        self.demo_button.clicked.connect(self.load_demo)
        self.welcome.add_button(tr("从 Excel 导入客户…")).clicked.connect(self._import_excel)
        self.stack.addWidget(self.welcome)

    def _import_excel(self) -> None:
        from ui.excel.import_wizard import open_import_wizard  # the Excel engine loads when asked for

        open_import_wizard(self.ctx, self)

    def _build_board(self) -> None:
        self.board = QWidget()
        self.board.setStyleSheet(HEADER_QSS)
        column = QVBoxLayout(self.board)
        column.setContentsMargins(4, 0, 4, 0)
        column.setSpacing(10)
        column.addLayout(self._build_header())
        self.tiles = KpiTiles()
        column.addWidget(self.tiles)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        list_column = QVBoxLayout(left)
        list_column.setContentsMargins(0, 0, 0, 0)
        self.tree = TodayTree()
        self.tree.open_requested.connect(self.open_customer)
        self.tree.done_requested.connect(self.mark_done)
        self.tree.snooze_requested.connect(self._snooze_menu_at)
        self.tree.copy_requested.connect(self.copy_script)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._row_menu)
        self.nothing = EmptyState(tr("这一天没有要做的事"),
                                  tr("跟进、客户SOP提醒、生日和复购提醒都会出现在这里。\n可以在客户页面给客户“安排跟进”。"))
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.tree)
        self.list_stack.addWidget(self.nothing)
        list_column.addWidget(self.list_stack, 1)
        list_column.addLayout(self._build_actions())
        hint = QLabel(tr("快捷键：Enter 打开客户 · 空格/D 完成 · S 推迟 · C 复制话术"))
        hint.setObjectName("todayHint")
        list_column.addWidget(hint)
        splitter.addWidget(left)
        self.charts = KpiCharts()
        self.charts.setMinimumWidth(300)
        splitter.addWidget(self.charts)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([860, 420])
        column.addWidget(splitter, 1)
        self.stack.addWidget(self.board)

    def _build_header(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(6)
        self.prev_button = QToolButton()
        self.prev_button.setText("◀")
        self.prev_button.setToolTip(tr("前一天"))
        self.prev_button.clicked.connect(lambda: self.go_to(self.day - timedelta(days=1)))
        self.date_edit = QDateEdit(QDate(self.day))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.dateChanged.connect(lambda d: self.go_to(d.toPython()))
        self.next_button = QToolButton()
        self.next_button.setText("▶")
        self.next_button.setToolTip(tr("后一天"))
        self.next_button.clicked.connect(lambda: self.go_to(self.day + timedelta(days=1)))
        self.today_button = QPushButton(tr("回到今天"))
        self.today_button.clicked.connect(lambda: self.go_to(date.today()))
        for widget in (self.prev_button, self.date_edit, self.next_button, self.today_button):
            row.addWidget(widget)
        row.addSpacing(14)
        self.day_label = QLabel()
        self.day_label.setObjectName("todayDay")
        self.lunar_label = QLabel()
        self.lunar_label.setObjectName("todayLunar")
        self.coming_label = QLabel()
        self.coming_label.setObjectName("todayComing")
        row.addWidget(self.day_label)
        row.addSpacing(8)
        row.addWidget(self.lunar_label)
        row.addStretch(1)
        row.addWidget(self.coming_label)
        return row

    def _build_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.open_button = QPushButton(tr("打开客户"))
        self.open_button.clicked.connect(lambda: self._with_current(self.open_customer))
        self.copy_button = QPushButton(tr("复制话术"))
        self.copy_button.setToolTip(tr("复制这一项的话术（已填好客户称呼），去微信里粘贴"))
        self.copy_button.clicked.connect(lambda: self._with_current(self.copy_script))
        self.done_button = QPushButton(tr("完成…"))
        self.done_button.clicked.connect(lambda: self._with_current(self.mark_done))
        self.snooze_button = QPushButton(tr("推迟"))
        self.snooze_menu = QMenu(self)
        self._fill_snooze_menu(self.snooze_menu)
        self.snooze_button.setMenu(self.snooze_menu)
        self.publish_button = QPushButton(tr("发布助手…"))
        self.publish_button.setToolTip(tr("复制文字、打开图片文件夹、看要选的微信标签，发好后标记已发布"))
        self.publish_button.clicked.connect(lambda: self._with_current(self.open_publish_helper))
        self.publish_button.hide()
        for button in (self.open_button, self.copy_button, self.publish_button, self.done_button, self.snooze_button):
            row.addWidget(button)
        row.addStretch(1)
        return row

    def _fill_snooze_menu(self, menu: QMenu, item: TodayItem | None = None) -> None:
        for label, days in SNOOZE_CHOICES:
            menu.addAction(tr(label), lambda d=days: self._snooze_by(item, d))
        menu.addAction(tr("选日期…"), lambda: self._snooze_pick(item))

    # ---- loading ---------------------------------------------------------------------------------

    def activate(self) -> None:
        """Shown again: load afresh (off the GUI thread; the list stays until the new one is in) — group
        tasks, posts and rules may have changed on other pages meanwhile, or the day turned."""
        if not self._loading:
            self.refresh()

    def _changed(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def _day_turned(self) -> None:
        if self.follow_today and self.day != date.today() and self.isVisible():
            self.refresh()

    def go_to(self, day: date) -> None:
        if day == self.day and not self._stale:
            return
        self.follow_today = day == date.today()
        self.refresh(day)

    def refresh(self, day: date | None = None) -> None:
        """Show `day` (the shown day, or today when following it): the list and the figures are
        computed off the GUI thread; `loaded` is emitted when they are on screen."""
        if day is None and self.follow_today:
            day = date.today()
        self.day = day or self.day
        self._stale = False
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(QDate(self.day))
        self.date_edit.blockSignals(False)
        with self.ctx.session() as session:
            customers = book_summary(session, self.day).customers
        if not customers:
            self.stack.setCurrentWidget(self.welcome)
            self.loaded.emit()
            return
        self.stack.setCurrentWidget(self.board)
        self._generation += 1
        generation, shown, store = self._generation, self.day, self.ctx.store

        def work(_progress: object) -> Loaded:
            with store.db.session() as session:
                return Loaded(shown, today_list(session, shown), compute_kpis(session, shown), day_info(shown),
                              coming_days(shown, 21))

        self._loading = True
        op = run_in_background(self, work, lambda loaded: self._show(loaded, generation))
        op.done.connect(lambda: self._load_ended(generation))

    def _load_ended(self, generation: int) -> None:
        if generation == self._generation:
            self._loading = False

    def _show(self, loaded: Loaded, generation: int) -> None:
        if generation != self._generation:  # a newer load is on its way
            return
        self.result = loaded.items
        info = loaded.info
        self.day_label.setText(tr("{m}月{d}日 {weekday}", m=loaded.day.month, d=loaded.day.day, weekday=info.weekday)
                               + (tr("（今天）") if loaded.day == date.today() else ""))
        self.lunar_label.setText(" · ".join([tr("农历{lunar}", lunar=info.lunar), *info.marks()]))
        coming = [f"{d.marks()[0]} {d.day.month}/{d.day.day}" for d in loaded.coming[:3]]
        self.coming_label.setText(tr("近期：{days}", days="　".join(coming)) if coming else "")
        self.today_button.setEnabled(loaded.day != date.today())
        self.tiles.show_kpis(loaded.kpis)
        self.charts.show_kpis(loaded.kpis, self.ctx.preferences.theme == "dark")
        keep = self.tree.current_item()
        self.tree.show_list(loaded.items, keep.key if keep is not None else None)
        self.list_stack.setCurrentWidget(self.tree if loaded.items.groups else self.nothing)
        self._update_buttons()
        self.loaded.emit()

    # ---- actions ---------------------------------------------------------------------------------

    def current_item(self) -> TodayItem | None:
        return self.tree.current_item()

    def _with_current(self, action: object) -> None:
        item = self.current_item()
        if item is not None:
            action(item)  # type: ignore[operator]

    def _update_buttons(self) -> None:
        item = self.current_item()
        for button in (self.copy_button, self.done_button, self.snooze_button):
            button.setEnabled(item is not None)
        self.open_button.setEnabled(item is not None and item.customer_id is not None)
        self.publish_button.setVisible(item is not None and item.kind == "post" and item.record_id is not None)
        self.copy_button.setEnabled(item is not None and (item.customer_id is not None or bool(item.text)))
        self.copy_button.setText(tr("复制话术") if item is None or item.customer_id is not None else tr("复制文字"))

    def _row_menu(self, pos: QPoint) -> None:
        item = self.current_item()
        if item is None:
            return
        menu = QMenu(self)
        if item.customer_id is not None:
            menu.addAction(tr("打开客户"), lambda: self.open_customer(item))
            menu.addAction(tr("复制话术"), lambda: self.copy_script(item))
        elif item.text:
            menu.addAction(tr("复制文字"), lambda: self.copy_script(item))
        if item.kind == "post" and item.record_id is not None:
            menu.addAction(tr("发布助手…"), lambda: self.open_publish_helper(item))
        menu.addAction(tr("完成…"), lambda: self.mark_done(item))
        self._fill_snooze_menu(menu.addMenu(tr("推迟")), item)
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    def _snooze_menu_at(self, item: TodayItem, where: QPoint) -> None:
        menu = QMenu(self)
        self._fill_snooze_menu(menu, item)
        menu.exec(where)

    def open_customer(self, item: TodayItem) -> None:
        if item.customer_id is not None:
            self.ctx.open_customer.emit(item.customer_id)

    def copy_script(self, item: TodayItem) -> str:
        """Copy the item's script with the customer's name filled in — or, for a post or a group task,
        its ready text; returns the text."""
        if item.customer_id is None:
            if item.text:
                QGuiApplication.clipboard().setText(item.text)
                self.ctx.status_message.emit(tr("已复制“{title}”的文字，去微信里粘贴", title=item.title))
            return item.text
        try:
            with self.ctx.session() as session:
                filled = script_for(session, item.script_id, item.script_category, item.customer_id)
        except Exception as exc:
            show_error(self, exc)
            return ""
        QGuiApplication.clipboard().setText(filled.text)
        self.ctx.status_message.emit(tr("已复制话术“{title}”，去微信里粘贴发给 {name}", title=filled.title,
                                        name=item.customer_name or ""))
        return filled.text

    def open_publish_helper(self, item: TodayItem) -> None:
        """朋友圈: copy the text, open the images, see the tags to pick, then mark it 已发布."""
        from ui.moments import common as moments_common
        from ui.moments.publish import PublishHelperDialog

        if item.record_id is None:
            return
        try:
            dialog = PublishHelperDialog(self.ctx, item.record_id, self)
        except Exception as exc:
            show_error(self, exc)
            return
        if moments_common.run_dialog(dialog):
            self._after_change(item, tr("已发布：{title}", title=item.title))

    def mark_done(self, item: TodayItem, dialog: DoneDialog | None = None) -> None:
        dialog = dialog or DoneDialog(item, self.day, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        next_due, next_reason = dialog.next_follow_up()
        try:
            with self.ctx.session() as session:
                complete_item(session, item, dialog.result_text(), next_due, next_reason)
        except Exception as exc:
            show_error(self, exc)
            return
        self._after_change(item, tr("已完成：{title}", title=item.title))

    def snooze(self, item: TodayItem, until: date) -> None:
        try:
            with self.ctx.session() as session:
                snooze_item(session, item, until, day=self.day)
        except Exception as exc:
            show_error(self, exc)
            return
        self._after_change(item, tr("已推迟到 {date}：{title}", date=until.isoformat(), title=item.title))

    def _snooze_by(self, item: TodayItem | None, days: int) -> None:
        item = item or self.current_item()
        if item is not None:
            self.snooze(item, self.day + timedelta(days=days))

    def _snooze_pick(self, item: TodayItem | None) -> None:
        item = item or self.current_item()
        if item is None:
            return
        dialog = SnoozeDateDialog(self.day, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.snooze(item, dialog.chosen())

    def _after_change(self, item: TodayItem, message: str) -> None:
        self.ctx.status_message.emit(message)
        if item.customer_id is not None:
            self.ctx.customers_changed.emit([item.customer_id])  # refreshes this page too
        else:
            self.refresh()

    def _bring_to_front(self) -> None:
        window = self.window()
        window.showNormal()
        window.raise_()
        window.activateWindow()
        show_page = getattr(window, "show_page", None)
        if callable(show_page):
            show_page("today")

    # ---- demo data -------------------------------------------------------------------------------

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
