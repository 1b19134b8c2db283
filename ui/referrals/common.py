"""Pieces the 转介绍 page's parts share: a read-only table model over plain rows, the period choices,
a customer search field, colours, and loading off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QTableView,
    QWidget,
)

from services.timeline import money
from ui.background import Progress, run_in_background
from ui.context import AppContext

STATUS_COLORS = {"待发放": "#ef6c00", "已发放": "#2e7d32", "无": "#9e9e9e"}
MAX_FOUND = 30
# Short descriptions of the twelve 裂变 methods (seed 001, 做私域一定要了解的12种裂变引流法).
METHOD_HINTS = {
    "分销": "用户分享赚佣金，让老客成为推销员", "任务": "完成邀请任务领奖励", "内容": "好内容被主动转发",
    "现场": "线下活动现场拉新", "地推": "线下发礼品、优惠券扫码加微信", "口碑": "老客满意后主动介绍",
    "积分": "分享得积分，积分换礼", "打卡": "朋友圈晒打卡带来新朋友", "联合": "和周边商家一起做活动",
    "工具": "免费的实用工具吸引分享", "拼团": "多人成团享优惠", "比赛": "投票比赛，邀请好友助力",
}


def cny(cents: int | None) -> str:
    return "—" if cents is None else money(cents)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def day_text(day: date | None) -> str:
    return day.isoformat() if day else ""


# ---- periods ----------------------------------------------------------------------------------------

PERIODS = (("all", "全部时间"), ("30", "最近 30 天"), ("90", "最近 90 天"), ("365", "最近一年"),
           ("this_year", "今年"), ("last_year", "去年"))


def period_range(key: str, today: date | None = None) -> tuple[date | None, date | None]:
    today = today or date.today()
    if key.isdigit():
        return today - timedelta(days=int(key) - 1), today
    if key == "this_year":
        return date(today.year, 1, 1), today
    if key == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    return None, None


# ---- a table over plain rows -------------------------------------------------------------------------

@dataclass(frozen=True)
class Col:
    title: str
    text: Callable[[Any], str]
    color: Callable[[Any], str | None] | None = None
    sort: Callable[[Any], Any] | None = None  # the sort key (the text when None)
    align_right: bool = False


class RowsModel(QAbstractTableModel):
    """Read-only rows (dataclasses) shown through column definitions; sorting in memory (the lists here
    are the store's referrals or campaigns: tens of thousands at most)."""

    def __init__(self, columns: Sequence[Col], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return col.text(row)
        if role == Qt.ItemDataRole.ForegroundRole and col.color is not None:
            color = col.color(row)
            return QColor(color) if color else None
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        col = self.columns[column]
        key = col.sort or col.text
        self.layoutAboutToBeChanged.emit()
        self.rows.sort(key=lambda r: _sortable(key(r)), reverse=order == Qt.SortOrder.DescendingOrder)
        self.layoutChanged.emit()


def _sortable(value: Any) -> tuple[int, Any]:
    return (1, "") if value is None else (0, value)


def make_view(model: RowsModel, *, multi: bool = False, name: str = "") -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                          else QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(False)
    view.horizontalHeader().setSectionsClickable(True)
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # as the query ordered them
    view.horizontalHeader().setSortIndicatorShown(True)
    view.horizontalHeader().sortIndicatorChanged.connect(model.sort)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(30)
    view.setWordWrap(False)
    from ui.groups.common import ColorDelegate  # paints each item's own colour under the theme

    view.setItemDelegate(ColorDelegate(view))
    return view


def set_widths(view: QTableView, widths: Sequence[int]) -> None:
    """Column widths, each at least wide enough for its header (the theme's headers are bold and padded)."""
    header = view.horizontalHeader()
    font = header.font()
    font.setBold(True)
    metrics = QFontMetrics(font)
    model = view.model()
    for column, width in enumerate(widths):
        title = str(model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
        view.setColumnWidth(column, max(width, metrics.horizontalAdvance(title) + 44))


def selected_rows(view: QTableView, model: RowsModel) -> list[Any]:
    rows = sorted({index.row() for index in view.selectionModel().selectedRows()})
    return [model.rows[r] for r in rows if r < len(model.rows)]


# ---- loading off the GUI thread ---------------------------------------------------------------------

class Loader(QObject):
    """Runs a query off the GUI thread; only the latest request's result is handed to `done` (a
    filter typed quickly does not paint an older answer over a newer one)."""

    def __init__(self, ctx: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._parent = parent
        self._generation = 0
        self.busy = False

    def load(self, query: Callable[[Any], Any], done: Callable[[Any], None]) -> None:
        self._generation += 1
        generation = self._generation
        store = self.ctx.store
        self.busy = True

        def work(_progress: Progress) -> Any:
            with store.db.session() as session:
                return query(session)

        def finished(result: Any) -> None:
            if generation == self._generation:
                self.busy = False
                done(result)

        op = run_in_background(self._parent, work, finished)
        op.failed.connect(lambda _exc: setattr(self, "busy", False))


# ---- choosing a customer ---------------------------------------------------------------------------

def run_dialog(dialog: QDialog) -> bool:
    """Show a dialog modally; True when accepted. (Tests replace this to fill dialogs in.)"""
    return dialog.exec() == QDialog.DialogCode.Accepted
