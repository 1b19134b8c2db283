"""朋友圈列表: every planned post in a table, filtered by time, status, pillar, tag and text (the WeChat
account filter is the page's). Enter or double-click opens a post; Ctrl+F jumps to the text filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from models.moments import POST_STATUSES
from services import moments as m
from services.moments import PostRow
from ui.context import AppContext
from ui.customers.tag_picker import color_dot
from ui.groups.common import ColorDelegate, blocked
from ui.i18n import tr
from ui.moments import common

PERIODS = (("全部时间", None), ("今天以后", "future"), ("最近 30 天", 30), ("最近 90 天", 90))
COLUMNS = ("计划时间", "状态", "微信号", "内容支柱", "文字", "图片", "可见范围", "点赞", "评论", "咨询", "订单", "成交额")


@dataclass(frozen=True)
class ListFilter:
    start: date | None
    end: date | None  # exclusive
    status: str | None
    pillar_id: int | None
    tag_id: int | None
    text: str


class PostTable(QTableWidget):
    """Signals:
        open_requested(int): Enter on a row.
    """

    open_requested = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentRow() >= 0:
            item = self.item(self.currentRow(), 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) is not None:
                self.open_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))
                return
        super().keyPressEvent(event)


class PostList(QWidget):
    """Signals:
        selected(object): the chosen post's id, or None.
        open_requested(int): double-click or Enter.
        filters_changed(): the list's own filters changed (the page reloads it).
    """

    selected = Signal(object)
    open_requested = Signal(int)
    filters_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.posts: list[PostRow] = []
        self.period = QComboBox()
        for label, value in PERIODS:
            self.period.addItem(tr(label), value)
        self.status = QComboBox()
        self.status.addItem(tr("全部状态"), None)
        for status in POST_STATUSES:
            self.status.addItem(color_dot(common.STATUS_COLORS[status]), tr(common.STATUS_LABELS[status]), status)
        self.pillar = QComboBox()
        self.tag = QComboBox()
        self.tag.setToolTip(tr("只看可见范围里用到这个标签的朋友圈"))
        self.text = QLineEdit()
        self.text.setPlaceholderText(tr("搜索文字…  Ctrl+F"))
        self.text.setClearButtonEnabled(True)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.filters_changed.emit)
        self.text.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.period, self.status, self.pillar, self.tag):
            combo.currentIndexChanged.connect(lambda _i: self.filters_changed.emit())
        self.table = PostTable()
        self.table.setObjectName("momentsTable")
        self.table.setColumnCount(len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.setItemDelegate(ColorDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        for column, width in enumerate((130, 110, 80, 100, 320, 64, 170, 64, 64, 64, 64, 90)):
            self.table.setColumnWidth(column, width)
        self.table.itemSelectionChanged.connect(lambda: self.selected.emit(self.current_id()))
        self.table.itemDoubleClicked.connect(lambda item: self._open_row(item.row()))
        self.table.open_requested.connect(self.open_requested.emit)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #888; font-size: 14px; padding: 24px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        for widget in (self.period, self.status, self.pillar, self.tag):
            top.addWidget(widget)
        top.addWidget(self.text, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        ctx.ui_state.restore_header("moments.list", self.table.horizontalHeader())
        self.refresh_filters()

    def save_state(self) -> None:
        self.ctx.ui_state.save_header("moments.list", self.table.horizontalHeader())

    def refresh_filters(self) -> None:
        """Pillars and tags may have changed elsewhere."""
        with blocked(self.pillar, self.tag):
            common.fill_pillar_combo(self.ctx, self.pillar, everyone=tr("全部支柱"))
            common.fill_tag_combo(self.ctx, self.tag, tr("全部标签"))

    def current_filter(self) -> ListFilter:
        period = self.period.currentData()
        today = date.today()
        start: date | None = None
        end: date | None = None
        if period == "future":
            start = today
        elif isinstance(period, int):
            start, end = today - timedelta(days=period - 1), today + timedelta(days=1)
        return ListFilter(start, end, self.status.currentData(), self.pillar.currentData(), self.tag.currentData(),
                          self.text.text().strip())

    def has_filters(self) -> bool:
        flt = self.current_filter()
        return any((flt.start, flt.status, flt.pillar_id, flt.tag_id, flt.text))

    def clear_filters(self) -> None:
        with blocked(self.period, self.status, self.pillar, self.tag, self.text):
            for combo in (self.period, self.status, self.pillar, self.tag):
                combo.setCurrentIndex(0)
            self.text.clear()
        self.filters_changed.emit()

    def load(self, session: Session, account_id: int | None) -> list[PostRow]:
        flt = self.current_filter()
        return m.list_posts(session, start=flt.start, end=flt.end, account_id=account_id, status=flt.status,
                            pillar_id=flt.pillar_id, tag_id=flt.tag_id, text=flt.text)

    def show_posts(self, posts: list[PostRow], keep: int | None) -> None:
        self.posts = posts
        now = datetime.now()
        with blocked(self.table):
            self.table.setRowCount(len(posts))
            for row, post in enumerate(posts):
                status_color = common.status_color(post, now)
                cells: list[tuple[str, str | None]] = [
                    (f"{post.planned_at:%Y-%m-%d %H:%M}", common.OVERDUE_COLOR if status_color == common.OVERDUE_COLOR
                     else None),
                    (common.status_text(post, now), status_color),
                    (post.account_name or "", None),
                    (post.pillar_name or tr("未分类"), None),
                    (post.text.replace("\n", " "), None),
                    (str(len(post.images)) if post.images else "", None),
                    (common.visibility_text(post.visibility, post.tag_names), None),
                    *((str(n) if post.status == "published" else "", None)
                      for n in (post.likes, post.comments, post.inquiries, post.orders)),
                    (common.money(post.revenue_cents) if post.revenue_cents else "", None),
                ]
                for column, (text, color) in enumerate(cells):
                    item = QTableWidgetItem(text)
                    if column == 0:
                        item.setData(Qt.ItemDataRole.UserRole, post.id)
                    if column == 3:
                        item.setIcon(color_dot(common.pillar_color(post)))
                    if column == 4:
                        item.setToolTip(post.text[:300])
                    if column >= 7:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    if color:
                        item.setForeground(QColor(color))
                    self.table.setItem(row, column, item)
        self.stack.setCurrentWidget(self.table if posts else self.empty)
        if not posts:
            self.empty.setText(tr("没有符合筛选条件的朋友圈。换个条件，或清空筛选。") if self.has_filters()
                               else tr("还没有计划朋友圈。\n点“新建朋友圈”（Ctrl+N）写第一条：定好时间、配图和可见范围，"
                                       "到时候“今天”页会提醒你发。"))
        self.select(keep)
        if keep is None:  # start at today: what is planned next, with the recent past just above
            today = date.today()
            row = next((n for n, p in enumerate(posts) if p.planned_at.date() >= today), len(posts) - 1)
            first = self.table.item(row, 0) if row >= 0 else None
            if first is not None:
                self.table.scrollToItem(first, QAbstractItemView.ScrollHint.PositionAtCenter)

    def select(self, post_id: int | None) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == post_id:
                self.table.setCurrentCell(row, 0)
                self.table.scrollToItem(item, QAbstractItemView.ScrollHint.PositionAtCenter)
                return
        self.table.clearSelection()
        self.selected.emit(None)

    def current_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        value = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return int(value) if value is not None else None

    def _open_row(self, row: int) -> None:
        item = self.table.item(row, 0)
        if item is not None and item.data(Qt.ItemDataRole.UserRole) is not None:
            self.open_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))
