"""The group list: filters (status, WeChat account, type, name) and one row per group with its members,
today's open tasks and overdue ones."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from models.groups import GROUP_KINDS
from services.group_tasks import task_counts
from services.groups import GroupRow, list_groups
from ui.context import AppContext
from ui.groups import common
from ui.groups.common import KIND_COLORS, OVERDUE_COLOR
from ui.i18n import tr
from ui.widgets import EmptyState

STATUS_FILTERS = (("active", "运营中"), ("archived", "已归档"), ("", "全部"), ("trash", "回收站"))


class GroupList(QWidget):
    """Signals:
        selected(object): the chosen group's id (None when none is).
        new_requested(): the empty state's 新建群 was pressed.
    """

    selected = Signal(object)
    new_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[GroupRow] = []
        self.status = QComboBox()
        for key, label in STATUS_FILTERS:
            self.status.addItem(tr(label), key)
        self.account = QComboBox()
        common.fill_account_combo(ctx, self.account, everyone=tr("全部微信号"))
        self.kind = QComboBox()
        self.kind.addItem(tr("全部类型"), "")
        for kind in GROUP_KINDS:
            self.kind.addItem(tr(kind), kind)
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("搜索群名"))
        self.search.setClearButtonEnabled(True)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        for combo in (self.status, self.account, self.kind):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.table = QTableWidget()
        self.table.setObjectName("groupTable")
        common.prepare_table(self.table, [tr("群名称"), tr("类型"), tr("微信号"), tr("成员"), tr("群人数"), tr("今日"),
                                          tr("逾期"), tr("状态")])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel()
        self.summary.setStyleSheet("color: #888;")
        self.empty = EmptyState(tr("还没有社群"), tr("把你运营的微信群记进来：福利群、VIP群、快闪群……\n"
                                                  "给群配上 SOP 模板，每天要发什么、几点发，客本都替你排好。"))
        self.empty.add_button(tr("新建群")).clicked.connect(self.new_requested.emit)
        self.no_match = EmptyState(tr("没有符合条件的群"), tr("换个筛选条件试试。"))
        self.no_match.add_button(tr("看全部的群")).clicked.connect(self.clear_filters)
        self.empty_trash = EmptyState(tr("回收站是空的"), tr("删除的群会先放在这里，可以恢复。"))
        self.stack = QStackedWidget()
        for widget in (self.table, self.empty, self.no_match, self.empty_trash):
            self.stack.addWidget(widget)
        filters = QHBoxLayout()
        filters.addWidget(self.status)
        filters.addWidget(self.account)
        filters.addWidget(self.kind)
        filters.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.summary)

    def refresh_accounts(self) -> None:
        common.fill_account_combo(self.ctx, self.account, everyone=tr("全部微信号"))

    def clear_filters(self) -> None:
        with common.blocked(self.status, self.account, self.kind, self.search):
            self.status.setCurrentIndex(2)
            self.account.setCurrentIndex(0)
            self.kind.setCurrentIndex(0)
            self.search.clear()
        self.reload()

    def reload(self, select: int | None = None) -> None:
        keep = select if select is not None else self.current_id()
        status = self.status.currentData()
        with self.ctx.session() as session:
            self.rows = list_groups(session, status, self.account.currentData(), self.kind.currentData(),
                                    self.search.text())
            counts = task_counts(session, [r.id for r in self.rows], date.today())
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        for row, group in enumerate(self.rows):
            today, overdue = counts.get(group.id, (0, 0))
            latest = f"{group.latest_members}" if group.latest_members is not None else "—"
            common.set_row(self.table, row, [group.name, tr(group.kind), group.account_name or "—", str(group.members),
                                             latest, str(today) if today else "", str(overdue) if overdue else "",
                                             group.status_label], data=group.id)
            kind_item = self.table.item(row, 1)
            kind_item.setForeground(QColor(KIND_COLORS.get(group.kind, "#607d8b")))
            if overdue:
                overdue_item = self.table.item(row, 6)
                overdue_item.setForeground(QColor(OVERDUE_COLOR))
                overdue_item.setToolTip(tr("有 {n} 个任务过了时间还没做", n=overdue))
            self.table.item(row, 4).setToolTip(tr("日数据里最近一天（{d}）的群人数", d=group.latest_day) if group.latest_day
                                               else tr("还没有录入日数据"))
            for column in (3, 4, 5, 6):
                self.table.item(row, column).setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table.blockSignals(False)
        self.table.setColumnHidden(7, status in ("active", "archived"))
        today_total = sum(counts.get(r.id, (0, 0))[0] for r in self.rows)
        overdue_total = sum(counts.get(r.id, (0, 0))[1] for r in self.rows)
        self.summary.setText(tr("{n} 个群 · 成员 {m} 人 · 今日待办 {t} · 逾期 {o}", n=len(self.rows),
                                m=sum(r.members for r in self.rows), t=today_total, o=overdue_total)
                             if self.rows else "")
        if self.rows:
            self.stack.setCurrentWidget(self.table)
        elif status == "trash":
            self.stack.setCurrentWidget(self.empty_trash)
        else:
            with self.ctx.session() as session:
                any_group = bool(list_groups(session))
            self.stack.setCurrentWidget(self.no_match if any_group else self.empty)
        ids = [r.id for r in self.rows]
        if keep in ids:
            common.select_row(self.table, ids.index(keep))
        elif ids:
            common.select_row(self.table, 0)
        self._selection_changed()

    def current_id(self) -> int | None:
        rows = common.selected_rows(self.table)
        return self.rows[rows[0]].id if rows and rows[0] < len(self.rows) else None

    def selected_ids(self) -> list[int]:
        return [self.rows[row].id for row in common.selected_rows(self.table) if row < len(self.rows)]

    def _selection_changed(self) -> None:
        self.selected.emit(self.current_id())
